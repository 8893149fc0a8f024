//! Graph queries: ancestors, descendants, both, with depth and type filters; shortest paths; result subgraphs.
//!
//! Edges point the way SageMaker draws them (a dataset `ContributedTo` a training job), so ancestors are found by
//! walking edges backwards. Every result is sorted (depth, then ARN; edges by source, destination, type).

use std::collections::VecDeque;

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction as PgDirection;
use serde::Serialize;

use crate::model::roles::Role;
use crate::model::{Graph, LineageType};

/// Which way to walk from the start vertex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Ancestors,
    Descendants,
    Both,
}

impl Direction {
    pub fn parse(s: &str) -> Option<Direction> {
        match s.to_ascii_lowercase().as_str() {
            "ancestors" | "ascendants" => Some(Direction::Ancestors),
            "descendants" => Some(Direction::Descendants),
            "both" => Some(Direction::Both),
            _ => None,
        }
    }
}

/// What to return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryOptions {
    pub direction: Direction,
    /// `None`: unlimited (SageMaker stops at 10).
    pub max_depth: Option<usize>,
    /// Keep only vertices of these entity types (case-insensitive); empty keeps all.
    pub entity_types: Vec<String>,
    /// Keep only vertices of these lineage types; empty keeps all.
    pub lineage_types: Vec<LineageType>,
}

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions {
            direction: Direction::Ancestors,
            max_depth: None,
            entity_types: Vec::new(),
            lineage_types: Vec::new(),
        }
    }
}

/// A vertex found by a walk, with its distance from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub node: NodeIndex,
    pub depth: usize,
    /// `true` when reached walking edges backwards (an ancestor).
    pub upstream: bool,
}

/// A walk's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryResult {
    pub start: NodeIndex,
    /// The vertices that pass the filters: ancestors, then descendants, each by depth then ARN (the start itself
    /// is not a hit).
    pub hits: Vec<Hit>,
    /// Every vertex the walk reached within depth (start included), sorted by ARN.
    pub reached: Vec<NodeIndex>,
    /// The edges among `reached`: the associations on the paths, sorted.
    pub edges: Vec<EdgeIndex>,
}

/// Breadth-first walk in one direction; returns (vertex, depth) for everything reached, start excluded.
pub fn walk(graph: &Graph, start: NodeIndex, upstream: bool, max_depth: Option<usize>) -> Vec<(NodeIndex, usize)> {
    let dir = if upstream { PgDirection::Incoming } else { PgDirection::Outgoing };
    let g = graph.petgraph();
    let mut seen = rustc_hash::FxHashSet::default();
    seen.insert(start);
    let mut queue = VecDeque::from([(start, 0usize)]);
    let mut out = Vec::new();
    while let Some((ix, depth)) = queue.pop_front() {
        if max_depth.is_some_and(|m| depth >= m) {
            continue;
        }
        for next in g.neighbors_directed(ix, dir) {
            if seen.insert(next) {
                out.push((next, depth + 1));
                queue.push_back((next, depth + 1));
            }
        }
    }
    out
}

/// The nearest vertices upstream of `from` that play `role`, not looking past one (sorted by ARN).
pub fn nearest_upstream(graph: &Graph, from: NodeIndex, role: Role) -> Vec<NodeIndex> {
    let g = graph.petgraph();
    let mut seen = std::collections::BTreeSet::from([from]);
    let mut stack = vec![from];
    let mut found = Vec::new();
    while let Some(ix) = stack.pop() {
        for p in g.neighbors_directed(ix, PgDirection::Incoming) {
            if !seen.insert(p) {
                continue;
            }
            if graph.node(p).role == role {
                found.push(p);
            } else {
                stack.push(p);
            }
        }
    }
    graph.sort_by_arn(&mut found);
    found
}

/// Ancestors / descendants / both of `start`, filtered, with the subgraph on their paths.
pub fn query(graph: &Graph, start: NodeIndex, opts: &QueryOptions) -> QueryResult {
    let mut hits: Vec<Hit> = Vec::new();
    if matches!(opts.direction, Direction::Ancestors | Direction::Both) {
        hits.extend(walk(graph, start, true, opts.max_depth).into_iter().map(|(node, depth)| Hit {
            node,
            depth,
            upstream: true,
        }));
    }
    if matches!(opts.direction, Direction::Descendants | Direction::Both) {
        hits.extend(walk(graph, start, false, opts.max_depth).into_iter().map(|(node, depth)| Hit {
            node,
            depth,
            upstream: false,
        }));
    }
    let mut reached: Vec<NodeIndex> = hits.iter().map(|h| h.node).collect();
    reached.push(start);
    graph.sort_by_arn(&mut reached);
    reached.dedup();
    let edges = induced_edges(graph, &reached);
    hits.retain(|h| keep(graph, h.node, opts));
    hits.sort_by(|a, b| {
        b.upstream
            .cmp(&a.upstream)
            .then(a.depth.cmp(&b.depth))
            .then_with(|| graph.node(a.node).arn.cmp(&graph.node(b.node).arn))
    });
    QueryResult { start, hits, reached, edges }
}

fn keep(graph: &Graph, ix: NodeIndex, opts: &QueryOptions) -> bool {
    let n = graph.node(ix);
    let type_ok = opts.entity_types.is_empty()
        || n.entity_type().is_some_and(|t| opts.entity_types.iter().any(|w| w.eq_ignore_ascii_case(t)));
    let lt_ok = opts.lineage_types.is_empty() || n.lineage_type.is_some_and(|t| opts.lineage_types.contains(&t));
    type_ok && lt_ok
}

/// The edges whose both ends are in `nodes` (which must be sorted by ARN), sorted by source, destination, type.
pub fn induced_edges(graph: &Graph, nodes: &[NodeIndex]) -> Vec<EdgeIndex> {
    let set: rustc_hash::FxHashSet<NodeIndex> = nodes.iter().copied().collect();
    let g = graph.petgraph();
    let mut edges: Vec<EdgeIndex> = nodes
        .iter()
        .flat_map(|&n| g.edges_directed(n, PgDirection::Outgoing))
        .filter(|e| set.contains(&e.target()))
        .map(|e| e.id())
        .collect();
    sort_edges(graph, &mut edges);
    edges
}

/// Sorts edges by (source ARN, destination ARN, association type).
pub fn sort_edges(graph: &Graph, edges: &mut [EdgeIndex]) {
    edges.sort_by(|&a, &b| {
        let (sa, da) = graph.endpoints(a);
        let (sb, db) = graph.endpoints(b);
        graph
            .node(sa)
            .arn
            .cmp(&graph.node(sb).arn)
            .then_with(|| graph.node(da).arn.cmp(&graph.node(db).arn))
            .then_with(|| graph.edge(a).association_type.cmp(&graph.edge(b).association_type))
    });
}

/// One step of a path: the edge taken and whether it was walked along its direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    pub edge: EdgeIndex,
    pub forward: bool,
}

/// How two vertices are connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathResult {
    /// `directed`: every edge points from `from` towards `to`; `reverse`: every edge points from `to` towards
    /// `from` (`to` is an ancestor of `from`); `undirected`: edges point both ways along the path.
    pub kind: PathKind,
    pub nodes: Vec<NodeIndex>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathKind {
    Directed,
    Reverse,
    Undirected,
}

/// The shortest path from `from` to `to`: directed if one exists, else directed the other way, else undirected.
/// Among equally short paths the one through the smallest ARNs wins, so the answer never depends on input order.
pub fn shortest_path(graph: &Graph, from: NodeIndex, to: NodeIndex) -> Option<PathResult> {
    for (kind, dirs) in [
        (PathKind::Directed, &[true][..]),
        (PathKind::Reverse, &[false][..]),
        (PathKind::Undirected, &[true, false][..]),
    ] {
        if let Some((nodes, steps)) = bfs_path(graph, from, to, dirs) {
            return Some(PathResult { kind, nodes, steps });
        }
    }
    None
}

/// BFS from `from` to `to` taking edges forward (`true`) and/or backward (`false`).
fn bfs_path(graph: &Graph, from: NodeIndex, to: NodeIndex, dirs: &[bool]) -> Option<(Vec<NodeIndex>, Vec<Step>)> {
    let g = graph.petgraph();
    let mut parent: rustc_hash::FxHashMap<NodeIndex, (NodeIndex, Step)> = Default::default();
    let mut seen = rustc_hash::FxHashSet::default();
    seen.insert(from);
    let mut frontier = vec![from];
    while !frontier.is_empty() && !seen.contains(&to) {
        let mut next_frontier = Vec::new();
        for &ix in &frontier {
            let mut options: Vec<(NodeIndex, Step)> = Vec::new();
            for &forward in dirs {
                let d = if forward { PgDirection::Outgoing } else { PgDirection::Incoming };
                for e in g.edges_directed(ix, d) {
                    let other = if forward { e.target() } else { e.source() };
                    options.push((other, Step { edge: e.id(), forward }));
                }
            }
            options.sort_by(|a, b| graph.node(a.0).arn.cmp(&graph.node(b.0).arn).then(a.1.edge.cmp(&b.1.edge)));
            for (other, step) in options {
                if seen.insert(other) {
                    parent.insert(other, (ix, step));
                    next_frontier.push(other);
                }
            }
        }
        frontier = next_frontier;
    }
    if !seen.contains(&to) {
        return None;
    }
    let mut nodes = vec![to];
    let mut steps = Vec::new();
    let mut cur = to;
    while cur != from {
        let (prev, step) = parent.get(&cur)?;
        steps.push(*step);
        nodes.push(*prev);
        cur = *prev;
    }
    nodes.reverse();
    steps.reverse();
    Some((nodes, steps))
}

/// Which side of the start a walk's vertex is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// An ancestor.
    Upstream,
    /// A descendant.
    Downstream,
}

/// How a path's step takes its edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Walked {
    /// Along the edge.
    Forward,
    /// Against it.
    Backward,
}

/// A vertex in a query's output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutVertex {
    pub arn: String,
    pub lineage_type: Option<LineageType>,
    #[serde(rename = "type")]
    pub entity_type: Option<String>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// `upstream` (an ancestor) or `downstream` (a descendant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Stream>,
}

/// An edge in a query's output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutEdge {
    pub source: String,
    pub destination: String,
    pub association_type: Option<String>,
    /// For paths: whether the step follows the edge (`forward`) or walks it backwards (`backward`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub walked: Option<Walked>,
}

/// `lineage query` output (walk form), serializable as the CLI's JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WalkOutput {
    pub start: OutVertex,
    pub direction: Direction,
    pub max_depth: Option<usize>,
    pub vertices: Vec<OutVertex>,
    /// The subgraph: every edge among the vertices the walk reached (filters apply to `vertices` only).
    pub edges: Vec<OutEdge>,
}

/// `lineage query --to` output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PathOutput {
    pub from: OutVertex,
    pub to: OutVertex,
    /// `directed`, `reverse`, `undirected`; absent when the two are not connected at all.
    pub kind: Option<PathKind>,
    pub vertices: Vec<OutVertex>,
    pub edges: Vec<OutEdge>,
}

pub fn out_vertex(graph: &Graph, ix: NodeIndex) -> OutVertex {
    let n = graph.node(ix);
    OutVertex {
        arn: n.arn.to_string(),
        lineage_type: n.lineage_type,
        entity_type: n.entity_type().map(str::to_owned),
        name: n.name().to_owned(),
        depth: None,
        direction: None,
    }
}

pub fn out_edge(graph: &Graph, e: EdgeIndex, walked: Option<Walked>) -> OutEdge {
    let (s, d) = graph.endpoints(e);
    OutEdge {
        source: graph.node(s).arn.to_string(),
        destination: graph.node(d).arn.to_string(),
        association_type: graph.edge(e).association_type.as_ref().map(|t| t.as_str().to_owned()),
        walked,
    }
}

impl WalkOutput {
    pub fn new(graph: &Graph, result: &QueryResult, opts: &QueryOptions) -> WalkOutput {
        WalkOutput {
            start: out_vertex(graph, result.start),
            direction: opts.direction,
            max_depth: opts.max_depth,
            vertices: result
                .hits
                .iter()
                .map(|h| OutVertex {
                    depth: Some(h.depth),
                    direction: Some(if h.upstream { Stream::Upstream } else { Stream::Downstream }),
                    ..out_vertex(graph, h.node)
                })
                .collect(),
            edges: result.edges.iter().map(|&e| out_edge(graph, e, None)).collect(),
        }
    }
}

impl PathOutput {
    pub fn new(graph: &Graph, from: NodeIndex, to: NodeIndex, path: Option<&PathResult>) -> PathOutput {
        PathOutput {
            from: out_vertex(graph, from),
            to: out_vertex(graph, to),
            kind: path.map(|p| p.kind),
            vertices: path.map(|p| p.nodes.iter().map(|&n| out_vertex(graph, n)).collect()).unwrap_or_default(),
            edges: path
                .map(|p| {
                    p.steps
                        .iter()
                        .map(|s| {
                            out_edge(graph, s.edge, Some(if s.forward { Walked::Forward } else { Walked::Backward }))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}
