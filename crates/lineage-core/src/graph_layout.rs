//! Layered left-to-right drawing of a report's lineage graph (Sugiyama style): positions of boxes and edge routes,
//! in abstract units, shared by the PDF and the web page.
//!
//! Steps: break cycles (depth-first back edges are drawn reversed), longest-path layering from the sources (so
//! upstream data is on the left and the model on the right), dummy vertices on edges that span several layers,
//! barycentre sweeps to reduce crossings, then vertical placement at the neighbours' mean with overlaps pushed
//! apart. Every tie is broken by ARN order, so the same graph always gives the same drawing.

pub mod labels;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::LineageType;
use crate::subgraph::ReportGraph;

/// Sizes, in layout units (the PDF uses points).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutOptions {
    pub box_width: f64,
    pub box_height: f64,
    /// Horizontal gap between layers (room for edge labels).
    pub layer_gap: f64,
    /// Vertical gap between boxes of one layer.
    pub row_gap: f64,
    /// Barycentre sweeps (each one down and up).
    pub sweeps: usize,
    /// Vertices alike in lineage type, entity type, role and neighbours are drawn as one box once there are this
    /// many of them (0: never): a thousand raw-data partitions feeding one dataset become one box, not a wall.
    pub collapse_at: usize,
    /// Layers run downwards (upstream on top) instead of rightwards: for a drawing taller than wide, such as a
    /// column beside the answers.
    pub top_to_bottom: bool,
    /// Edges leave and enter a box at points spread across its side (in the order of their other ends) instead of
    /// all at its middle, so edges meeting at a box stay apart and each has its own place for a label.
    pub spread_ports: bool,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            box_width: 132.0,
            box_height: 36.0,
            layer_gap: 54.0,
            row_gap: 12.0,
            sweeps: 8,
            collapse_at: 5,
            top_to_bottom: false,
            spread_ports: false,
        }
    }
}

/// A placed box: `vertex` indexes `ReportGraph::vertices` (the first of `members`, the alike vertices it stands
/// for, just itself unless collapsed); (x, y) is the top-left corner, y growing downwards.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlacedNode {
    pub vertex: usize,
    pub members: Vec<usize>,
    pub layer: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A routed edge: `edge` indexes `ReportGraph::edges` (the first of `edges`, all it stands for); `points` run from the source box's right side to the
/// destination box's left side (through the dummy positions of long edges). `reversed` edges close a cycle and
/// are drawn against the layering.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoutedEdge {
    pub edge: usize,
    pub edges: Vec<usize>,
    pub points: Vec<(f64, f64)>,
    pub reversed: bool,
}

/// The whole drawing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GraphLayout {
    pub width: f64,
    pub height: f64,
    pub layers: usize,
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<RoutedEdge>,
}

/// Lays out `graph` (vertices sorted by ARN, as the report gives them).
pub fn layout(graph: &ReportGraph, opts: &LayoutOptions) -> GraphLayout {
    let index: BTreeMap<&str, usize> = graph.vertices.iter().enumerate().map(|(i, v)| (v.arn.as_str(), i)).collect();
    let edges: Vec<(usize, usize, usize)> = graph
        .edges
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            Some((index.get(e.source.as_str()).copied()?, index.get(e.destination.as_str()).copied()?, i))
        })
        .filter(|(s, d, _)| s != d)
        .collect();

    // Collapse alike vertices into groups; groups are numbered in order of their first member.
    let n_vertices = graph.vertices.len();
    let mut preds = vec![Vec::new(); n_vertices];
    let mut succs = vec![Vec::new(); n_vertices];
    for &(s, d, _) in &edges {
        succs[s].push(d);
        preds[d].push(s);
    }
    type Key<'g> = (Option<LineageType>, Option<&'g str>, crate::model::roles::Role, Vec<usize>, Vec<usize>);
    let mut by_key: BTreeMap<Key<'_>, Vec<usize>> = BTreeMap::new();
    for v in 0..n_vertices {
        let (mut p, mut s) = (preds[v].clone(), succs[v].clone());
        p.sort_unstable();
        p.dedup();
        s.sort_unstable();
        s.dedup();
        let vx = &graph.vertices[v];
        by_key.entry((vx.lineage_type, vx.entity_type.as_deref(), vx.role, p, s)).or_default().push(v);
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for members in by_key.into_values() {
        if opts.collapse_at > 0 && members.len() >= opts.collapse_at {
            groups.push(members);
        } else {
            groups.extend(members.into_iter().map(|m| vec![m]));
        }
    }
    groups.sort_by_key(|g| g[0]);
    let mut group_of = vec![0usize; n_vertices];
    for (gi, g) in groups.iter().enumerate() {
        for &m in g {
            group_of[m] = gi;
        }
    }
    let mut merged: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for &(s, d, i) in &edges {
        merged.entry((group_of[s], group_of[d])).or_default().push(i);
    }
    let edge_groups: Vec<Vec<usize>> = merged.values().cloned().collect();
    let condensed: Vec<(usize, usize, usize)> = merged.keys().enumerate().map(|(k, &(s, d))| (s, d, k)).collect();
    let mut laid = layout_groups(groups.len(), &condensed, opts);
    for node in &mut laid.nodes {
        node.members = groups[node.vertex].clone();
        node.vertex = node.members[0];
    }
    for e in &mut laid.edges {
        e.edges = edge_groups[e.edge].clone();
        e.edge = e.edges[0];
    }
    laid.edges.sort_by_key(|e| e.edge);
    laid
}

/// The Sugiyama steps over `n` boxes and `edges` (source, destination, edge id); ids come back in the result.
fn layout_groups(n: usize, edges: &[(usize, usize, usize)], opts: &LayoutOptions) -> GraphLayout {
    let mut edges = edges.to_vec();
    edges.sort_unstable();
    let reversed = break_cycles(n, &edges);
    let dag: Vec<(usize, usize, usize)> =
        edges.iter().map(|&(s, d, i)| if reversed[i] { (d, s, i) } else { (s, d, i) }).collect();
    let layer = assign_layers(n, &dag);
    let layers = layer.iter().copied().max().map_or(0, |m| m + 1);
    let slots = add_dummies(&layer, &dag);
    let order = order_layers(&slots, layers, opts.sweeps);
    let frame = Frame::new(n, opts);
    let y = place_across(&frame, &order, &slots);

    let height = (0..slots.layer.len()).map(|s| y[s] + frame.height_of(s)).fold(0.0, f64::max);
    let width = if layers == 0 { 0.0 } else { frame.x_of(layers - 1) + frame.along };
    // Computed as if the layers ran rightwards; turned a quarter for top-to-bottom.
    let (width, height) = if opts.top_to_bottom { (height, width) } else { (width, height) };
    let nodes = (0..n)
        .map(|v| {
            let (x, y) = frame.at(frame.x_of(layer[v]), y[v]);
            PlacedNode {
                vertex: v,
                members: vec![v],
                layer: layer[v],
                x,
                y,
                width: opts.box_width,
                height: opts.box_height,
            }
        })
        .collect();
    let ports = ports(&frame, &slots, &y, opts.spread_ports);
    let edges = route_edges(&frame, &slots, &y, &ports, &dag, &reversed);
    GraphLayout { width, height, layers, nodes, edges }
}

/// Step 1, cycle breaking: depth-first from every vertex in order; an edge to a vertex on the stack is reversed.
/// Returns, by edge id, whether the edge is reversed.
fn break_cycles(n: usize, edges: &[(usize, usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for &(s, d, i) in edges {
        out[s].push((d, i));
    }
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut reversed = vec![false; edges.iter().map(|e| e.2 + 1).max().unwrap_or(0)];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some((v, next)) = stack.pop() {
            if let Some(&(w, i)) = out[v].get(next) {
                stack.push((v, next + 1));
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => reversed[i] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
            }
        }
    }
    reversed
}

/// Step 2, longest-path layering of the acyclic `dag` from the sources (Kahn order, ties by index): each vertex's layer.
fn assign_layers(n: usize, dag: &[(usize, usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(s, d, _) in dag {
        indegree[d] += 1;
        succ[s].push(d);
    }
    let mut layer = vec![0usize; n];
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    while let Some(v) = ready.pop_first() {
        for &w in &succ[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.insert(w);
            }
        }
    }
    // Sources (code commits, images, approval records) sit just before their nearest consumer rather than all
    // in the first column, which keeps their edges short.
    for v in 0..n {
        if dag.iter().all(|&(_, d, _)| d != v) {
            if let Some(min) = succ[v].iter().map(|&w| layer[w]).min() {
                layer[v] = min.saturating_sub(1).max(layer[v]);
            }
        }
    }
    layer
}

/// Step 3's result. Slots 0..n are real vertices, n.. are dummies.
struct Slots {
    /// Each slot's layer.
    layer: Vec<usize>,
    /// `chains[k]` lists the slots of dag edge k, from its source to its destination.
    chains: Vec<Vec<usize>>,
    /// Each slot's neighbours in the layer before it.
    up: Vec<Vec<usize>>,
    /// Each slot's neighbours in the layer after it.
    down: Vec<Vec<usize>>,
}

/// Step 3, dummy vertices: each edge becomes a chain through every layer it crosses.
fn add_dummies(layer: &[usize], dag: &[(usize, usize, usize)]) -> Slots {
    let mut slot_layer = layer.to_vec();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag.len());
    for &(s, d, _) in dag {
        let mut chain = vec![s];
        for l in layer[s] + 1..layer[d] {
            slot_layer.push(l);
            chain.push(slot_layer.len() - 1);
        }
        chain.push(d);
        chains.push(chain);
    }
    let slots = slot_layer.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); slots];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); slots];
    for chain in &chains {
        for pair in chain.windows(2) {
            down[pair[0]].push(pair[1]);
            up[pair[1]].push(pair[0]);
        }
    }
    Slots { layer: slot_layer, chains, up, down }
}

/// Step 4, ordering: start in slot order, then barycentre sweeps; stable sorts keep ties in their place. Returns each
/// layer's slots, top to bottom.
fn order_layers(slots: &Slots, layers: usize, sweeps: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (slot, &l) in slots.layer.iter().enumerate() {
        order[l].push(slot);
    }
    let mut pos = vec![0usize; slots.layer.len()];
    for row in &order {
        for (i, &s) in row.iter().enumerate() {
            pos[s] = i;
        }
    }
    for _ in 0..sweeps {
        for row in order.iter_mut().skip(1) {
            reorder(row, &mut pos, &slots.up);
        }
        for row in order.iter_mut().rev().skip(1) {
            reorder(row, &mut pos, &slots.down);
        }
    }
    order
}

/// Sizes of the drawing, computed as if the layers ran rightwards.
struct Frame {
    /// Real vertices; slots from here on are dummies.
    n: usize,
    /// A box's extent in the direction the layers run.
    along: f64,
    /// A box's extent within a layer.
    across: f64,
    layer_gap: f64,
    row_gap: f64,
    top_to_bottom: bool,
}

impl Frame {
    fn new(n: usize, opts: &LayoutOptions) -> Frame {
        let (along, across) =
            if opts.top_to_bottom { (opts.box_height, opts.box_width) } else { (opts.box_width, opts.box_height) };
        Frame { n, along, across, layer_gap: opts.layer_gap, row_gap: opts.row_gap, top_to_bottom: opts.top_to_bottom }
    }

    /// A slot's extent within its layer: dummies take little room.
    fn height_of(&self, s: usize) -> f64 {
        if s < self.n {
            self.across
        } else {
            2.0
        }
    }

    fn centre(&self, s: usize, y: &[f64]) -> f64 {
        y[s] + self.height_of(s) / 2.0
    }

    /// Where layer `l` starts.
    fn x_of(&self, l: usize) -> f64 {
        l as f64 * (self.along + self.layer_gap)
    }

    /// A point given along and across the layers, turned a quarter for top-to-bottom.
    fn at(&self, layer_pos: f64, cross: f64) -> (f64, f64) {
        if self.top_to_bottom {
            (cross, layer_pos)
        } else {
            (layer_pos, cross)
        }
    }
}

/// Step 5, vertical placement: stack each layer, then move slots towards their neighbours' mean, keeping order and
/// spacing. Returns each slot's position within its layer, the topmost at 0.
fn place_across(frame: &Frame, order: &[Vec<usize>], slots: &Slots) -> Vec<f64> {
    let mut y = vec![0.0f64; slots.layer.len()];
    for row in order {
        let mut cursor = 0.0;
        for &s in row {
            y[s] = cursor;
            cursor += frame.height_of(s) + frame.row_gap;
        }
    }
    for iteration in 0..4 {
        let neighbours = if iteration % 2 == 0 { &slots.up } else { &slots.down };
        for row in order {
            let mut wanted: Vec<f64> = row
                .iter()
                .map(|&s| {
                    let ns = &neighbours[s];
                    if ns.is_empty() {
                        y[s]
                    } else {
                        ns.iter().map(|&x| frame.centre(x, &y)).sum::<f64>() / ns.len() as f64
                            - frame.height_of(s) / 2.0
                    }
                })
                .collect();
            // Push apart downwards, then pull back up, so the row keeps its order without overlaps.
            for i in 1..row.len() {
                let min = wanted[i - 1] + frame.height_of(row[i - 1]) + frame.row_gap;
                if wanted[i] < min {
                    wanted[i] = min;
                }
            }
            for (i, &s) in row.iter().enumerate() {
                y[s] = wanted[i];
            }
        }
    }
    let top = y.iter().copied().fold(f64::INFINITY, f64::min);
    let top = if top.is_finite() { top } else { 0.0 };
    for v in &mut y {
        *v -= top;
    }
    y
}

/// Edge routes through their chains' slots, sorted by edge id; reversed edges run back against the layering.
fn route_edges(
    frame: &Frame,
    slots: &Slots,
    y: &[f64],
    ports: &[(f64, f64)],
    dag: &[(usize, usize, usize)],
    reversed: &[bool],
) -> Vec<RoutedEdge> {
    let mut routed: Vec<RoutedEdge> = dag
        .iter()
        .zip(&slots.chains)
        .zip(ports)
        .map(|((&(_, _, i), chain), &(out, into))| {
            let mut points = Vec::with_capacity(chain.len() + 1);
            let first = chain[0];
            points.push(frame.at(frame.x_of(slots.layer[first]) + frame.along, out));
            for &s in &chain[1..chain.len() - 1] {
                let x = frame.x_of(slots.layer[s]);
                points.push(frame.at(x, frame.centre(s, y)));
                points.push(frame.at(x + frame.along, frame.centre(s, y)));
            }
            let last = chain[chain.len() - 1];
            points.push(frame.at(frame.x_of(slots.layer[last]), into));
            if reversed[i] {
                points.reverse();
            }
            RoutedEdge { edge: i, edges: vec![i], points, reversed: reversed[i] }
        })
        .collect();
    routed.sort_by_key(|e| e.edge);
    routed
}

/// Where each chain leaves its source box and enters its destination box, across the layers: the box's middle,
/// or with `spread` points spread over the middle of its side, in the order of the chains' other ends.
fn ports(frame: &Frame, slots: &Slots, y: &[f64], spread: bool) -> Vec<(f64, f64)> {
    let mut ports: Vec<(f64, f64)> =
        slots.chains.iter().map(|c| (frame.centre(c[0], y), frame.centre(c[c.len() - 1], y))).collect();
    if !spread {
        return ports;
    }
    // Per box and side: (the other end's position, chain).
    let mut sides: BTreeMap<(usize, bool), Vec<(f64, usize)>> = BTreeMap::new();
    for (k, c) in slots.chains.iter().enumerate() {
        sides.entry((c[0], true)).or_default().push((frame.centre(c[1], y), k));
        sides.entry((c[c.len() - 1], false)).or_default().push((frame.centre(c[c.len() - 2], y), k));
    }
    for ((slot, leaving), mut ends) in sides {
        ends.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let n = ends.len();
        let step = if n > 1 { (frame.across * 0.6 / (n - 1) as f64).min(10.0) } else { 0.0 };
        for (i, (_, k)) in ends.into_iter().enumerate() {
            let at = frame.centre(slot, y) + (i as f64 - (n - 1) as f64 / 2.0) * step;
            if leaving {
                ports[k].0 = at;
            } else {
                ports[k].1 = at;
            }
        }
    }
    ports
}

/// Sorts one layer by the mean position of each slot's neighbours in the adjacent layer (a slot without
/// neighbours keeps its place), ties kept in their current order.
fn reorder(row: &mut Vec<usize>, pos: &mut [usize], neighbours: &[Vec<usize>]) {
    let key = |s: usize| -> f64 {
        let ns = &neighbours[s];
        if ns.is_empty() {
            pos[s] as f64
        } else {
            ns.iter().map(|&x| pos[x] as f64).sum::<f64>() / ns.len() as f64
        }
    };
    let mut keyed: Vec<(f64, usize, usize)> = row.iter().map(|&s| (key(s), pos[s], s)).collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    *row = keyed.into_iter().map(|(_, _, s)| s).collect();
    for (i, &s) in row.iter().enumerate() {
        pos[s] = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::roles::Role;
    use crate::subgraph::{EvidenceEdge, GraphVertex};

    fn graph(vertices: &[&str], edges: &[(&str, &str)]) -> ReportGraph {
        ReportGraph {
            vertices: vertices
                .iter()
                .map(|a| GraphVertex {
                    arn: a.to_string(),
                    lineage_type: None,
                    entity_type: None,
                    name: a.to_string(),
                    source_uri: None,
                    role: Role::Other,
                })
                .collect(),
            edges: edges
                .iter()
                .map(|(s, d)| EvidenceEdge {
                    source: s.to_string(),
                    destination: d.to_string(),
                    association_type: None,
                    recorded_by: None,
                })
                .collect(),
        }
    }

    #[test]
    fn upstream_is_left_and_boxes_never_overlap() {
        let g = graph(&["a", "b", "c", "d", "m"], &[("a", "c"), ("b", "c"), ("c", "m"), ("d", "m"), ("a", "m")]);
        let l = layout(&g, &LayoutOptions::default());
        let layer = |name: &str| l.nodes.iter().find(|n| g.vertices[n.vertex].arn == name).map(|n| n.layer);
        assert_eq!((layer("a"), layer("c"), layer("m")), (Some(0), Some(1), Some(2)));
        for a in &l.nodes {
            for b in &l.nodes {
                if a.vertex != b.vertex && a.layer == b.layer {
                    assert!(a.y + a.height <= b.y || b.y + b.height <= a.y, "{a:?} overlaps {b:?}");
                }
            }
        }
        // The long edge a -> m passes the middle layer through a dummy: 4 points.
        let long = l.edges.iter().find(|e| g.edges[e.edge].source == "a" && g.edges[e.edge].destination == "m");
        assert_eq!(long.map(|e| e.points.len()), Some(4));
        assert_eq!(l, layout(&g, &LayoutOptions::default()));
    }

    #[test]
    fn top_to_bottom_puts_upstream_above_and_boxes_never_overlap() {
        let g = graph(&["a", "b", "c", "d", "m"], &[("a", "c"), ("b", "c"), ("c", "m"), ("d", "m"), ("a", "m")]);
        let l = layout(&g, &LayoutOptions { top_to_bottom: true, ..LayoutOptions::default() });
        let at = |name: &str| l.nodes.iter().find(|n| g.vertices[n.vertex].arn == name).map(|n| (n.layer, n.y));
        let (a, c, m) = (at("a"), at("c"), at("m"));
        assert_eq!((a.map(|x| x.0), c.map(|x| x.0), m.map(|x| x.0)), (Some(0), Some(1), Some(2)));
        assert!(a.map(|x| x.1) < c.map(|x| x.1) && c.map(|x| x.1) < m.map(|x| x.1), "{a:?} {c:?} {m:?}");
        for p in &l.nodes {
            assert!(p.x + p.width <= l.width + 0.001 && p.y + p.height <= l.height + 0.001, "{p:?} outside");
            for q in &l.nodes {
                if p.vertex != q.vertex && p.layer == q.layer {
                    assert!(p.x + p.width <= q.x || q.x + q.width <= p.x, "{p:?} overlaps {q:?}");
                }
            }
        }
        // Edges leave a box's bottom and enter the next one's top.
        for e in &l.edges {
            let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
            assert!(first.1 < last.1 || e.reversed, "{e:?}");
        }
    }

    #[test]
    fn spread_ports_keep_edges_meeting_at_a_box_apart_and_on_its_side() {
        let g = graph(&["a", "b", "c", "m"], &[("a", "m"), ("b", "m"), ("c", "m")]);
        let opts = LayoutOptions { spread_ports: true, ..LayoutOptions::default() };
        let l = layout(&g, &opts);
        let m = l.nodes.iter().find(|n| g.vertices[n.vertex].arn == "m").map(|n| (n.x, n.y, n.height));
        let Some((mx, my, mh)) = m else { panic!("no m") };
        let mut ends: Vec<f64> = l
            .edges
            .iter()
            .map(|e| e.points[e.points.len() - 1])
            .map(|(x, y)| {
                assert_eq!(x, mx);
                assert!(y > my && y < my + mh, "{y} is off m's side");
                y
            })
            .collect();
        ends.sort_by(f64::total_cmp);
        assert!(ends.windows(2).all(|w| w[1] - w[0] >= 5.0), "{ends:?}");
        // Off by default: every edge ends at the middle.
        let plain = layout(&g, &LayoutOptions::default());
        assert!(plain.edges.iter().all(|e| e.points[e.points.len() - 1].1 == my + mh / 2.0));
    }

    #[test]
    fn cycles_are_broken_not_looped() {
        let g = graph(&["a", "b", "c"], &[("a", "b"), ("b", "c"), ("c", "a")]);
        let l = layout(&g, &LayoutOptions::default());
        assert_eq!(l.edges.iter().filter(|e| e.reversed).count(), 1);
        assert_eq!(l.layers, 3);
    }

    #[test]
    fn alike_siblings_collapse_into_one_box() {
        let names: Vec<String> = (0..6).map(|i| format!("raw{i}")).chain(["ds".to_string(), "m".to_string()]).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut edges: Vec<(&str, &str)> = refs[..6].iter().map(|r| (*r, "ds")).collect();
        edges.push(("ds", "m"));
        let g = graph(&refs, &edges);
        let l = layout(&g, &LayoutOptions::default());
        assert_eq!(l.nodes.len(), 3);
        assert_eq!(l.nodes.iter().map(|n| n.members.len()).max(), Some(6));
        assert_eq!(l.edges.iter().map(|e| e.edges.len()).max(), Some(6));
        let off = layout(&g, &LayoutOptions { collapse_at: 0, ..LayoutOptions::default() });
        assert_eq!(off.nodes.len(), 8);
    }

    #[test]
    fn empty_graph_is_empty() {
        let l = layout(&graph(&[], &[]), &LayoutOptions::default());
        assert_eq!((l.width, l.height, l.nodes.len()), (0.0, 0.0, 0));
    }
}
