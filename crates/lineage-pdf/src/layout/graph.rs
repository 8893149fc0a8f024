//! The ancestry figure: the legend, the graph sized to the landscape page (boxes as wide and rows as far apart as
//! fill it, text never under 7 pt, tiled over several pages when it does not fit at that size), its edges with
//! arrowheads and labels placed clear of boxes and of each other, and its vertex boxes.
//!
//! The figure is drawn once in its own coordinates (points from its top-left corner), then each tile (the whole
//! figure, on one page, when it fits) takes the items that reach into it.

use lineage_core::document::Figure;
use lineage_core::graph_layout::{self, GraphLayout, LayoutOptions, PlacedNode, RoutedEdge};
use lineage_core::model::System;
use lineage_core::subgraph::ReportGraph;
use lineage_core::LineageType;

use lineage_core::graph_layout::labels;

use super::labels::Rect;
use super::{Builder, Item, Rgb, BODY, MARGIN, SMALL};
use crate::fonts::Style;

/// Text sizes at scale 1. The figure is never drawn smaller than that: one too large for the page is tiled.
const NAME: f32 = 7.5;
const KIND: f32 = 7.0;
pub(super) const LABEL: f32 = 7.0;
/// Padding inside a box, and the most lines a box's title takes (the last ends with "…" when cut).
const PAD: f32 = 3.5;
const NAME_LINES: usize = 4;
/// Box widths and the gap between layers (room for edge labels), at scale 1.
const BOX_MIN: f32 = 72.0;
const BOX_MAX: f32 = 190.0;
const GAP_MIN: f32 = 36.0;
const GAP_MAX: f32 = 120.0;
/// The least gap between the boxes of one layer; rows move apart up to three box heights to fill the page.
const ROW_GAP: f32 = 14.0;
/// A small figure is enlarged at most this much.
const MAX_SCALE: f32 = 1.4;
/// The line above each tile after the first.
const TILE_LABEL: f32 = 16.0;

/// The figure's layout at scale 1, the scale it is drawn at, and how far apart its pages start when it is wider
/// than one (a whole number of layers, and the gap between layers, which both pages show).
struct Fitted {
    g: GraphLayout,
    s: f32,
    stride: f32,
    gap: f32,
    tiled: bool,
}

/// One item of the figure and its bounding box, in points from the figure's top-left corner.
pub(super) struct Drawn {
    pub(super) item: Item,
    pub(super) bbox: Rect,
}

impl Builder<'_, '_> {
    pub(super) fn graph(&mut self, r: &Figure) {
        self.legend(&r.graph.other_systems());
        if r.graph.vertices.is_empty() {
            self.paragraph("The report's graph is empty.", Style::Regular, BODY, 0.0, Rgb::BLACK);
            return;
        }
        let (avail_w, avail_h) = (self.width(), self.bottom() - self.y);
        let fit = self.fit(r, (avail_w, avail_h));
        let drawing = self.drawing(r, &fit);
        let (w, h) = (fit.g.width as f32 * fit.s, fit.g.height as f32 * fit.s);
        let tiles_x = (w / fit.stride - 0.001).ceil().max(1.0) as usize;
        // Tiles after the first carry a line naming their part.
        let tile_h = if tiles_x > 1 || h > avail_h { avail_h - TILE_LABEL } else { avail_h };
        let tiles_y = (h / tile_h - 0.001).ceil().max(1.0) as usize;
        for ty in 0..tiles_y {
            for tx in 0..tiles_x {
                if tx + ty > 0 {
                    self.new_page(true);
                    let label = format!(
                        "Ancestry graph, part {} of {} (row {}, column {})",
                        ty * tiles_x + tx + 1,
                        tiles_x * tiles_y,
                        ty + 1,
                        tx + 1
                    );
                    self.text(MARGIN, self.y + 10.0, Style::Bold, 10.0, Rgb::ACCENT, &label);
                    self.y += TILE_LABEL;
                }
                // A tile after the first starts with the gap before its layers.
                let left = if tx == 0 || !fit.tiled { 0.0 } else { tx as f32 * fit.stride - fit.gap };
                let view = Rect { x: left, y: ty as f32 * tile_h, w: fit.stride, h: tile_h };
                let origin = (MARGIN - view.x, self.y - view.y);
                for d in drawing.iter().filter(|d| shown(d, &view, tiles_x > 1)) {
                    self.push(shifted(&d.item, origin));
                }
            }
        }
        self.y = self.bottom();
    }

    fn legend(&mut self, others: &[System]) {
        let mut x = MARGIN;
        let y = self.y;
        for (label, (fill, stroke)) in LineageType::ALL.iter().map(|t| (t.as_str(), lineage_colours(Some(*t)))) {
            self.push(Item::Rect { x, y, w: 12.0, h: 8.0, fill: Some(fill), stroke: Some(stroke), line: 0.8 });
            self.text(x + 16.0, y + 7.0, Style::Regular, SMALL, Rgb::BLACK, label);
            x += 16.0 + self.fonts.width(Style::Regular, label, SMALL) + 18.0;
        }
        self.text(
            x,
            y + 7.0,
            Style::Regular,
            SMALL,
            Rgb::GREY,
            "Edges point from upstream to downstream; labels are association types.",
        );
        self.y += 18.0;
        if !others.is_empty() {
            let names: Vec<&str> = others.iter().map(|s| s.as_str()).collect();
            let line = format!("Edges in this colour were recorded by {}, not SageMaker lineage.", names.join(" and "));
            self.push(Item::Path {
                points: vec![(MARGIN, self.y + 4.0), (MARGIN + 12.0, self.y + 4.0)],
                color: Rgb::CROSS,
                width: 1.2,
                dashed: false,
            });
            self.text(MARGIN + 16.0, self.y + 7.0, Style::Regular, SMALL, Rgb::CROSS, &line);
            self.y += 14.0;
        }
    }

    /// Sizes the drawing for an `avail` area: the layers share the width (gaps wide enough for the longest word of a label,
    /// boxes between [`BOX_MIN`] and [`BOX_MAX`] wide), boxes are as tall as the longest title needs, rows
    /// move apart to fill the height, and what is still smaller than the area is enlarged (at most [`MAX_SCALE`]).
    fn fit(&mut self, r: &Figure, (avail_w, avail_h): (f32, f32)) -> Fitted {
        let base = LayoutOptions { spread_ports: true, row_gap: f64::from(ROW_GAP), ..LayoutOptions::default() };
        let first = graph_layout::layout(&r.graph, &base);
        let layers = first.layers.max(1) as f32;
        // Labels wrap at spaces, so the gap needs room for the longest word of any.
        let mut longest = 0f32;
        for e in &first.edges {
            for word in edge_label(&r.graph, e).split(' ') {
                longest = longest.max(self.fonts.width(Style::Regular, word, LABEL));
            }
        }
        let need = (longest + 6.0).clamp(GAP_MIN, GAP_MAX);
        // Layers too many for one page at the least box width are shared evenly among pages, whole; a page after
        // the first also shows the gap before its first layer (edges and labels coming in).
        let one_page = layers * BOX_MIN + (layers - 1.0) * need <= avail_w;
        let tiles = if one_page { 1.0 } else { (layers / (avail_w / (BOX_MIN + need)).floor().max(1.0)).ceil() };
        let per = (layers / tiles).ceil();
        let gaps = if one_page { per - 1.0 } else { per };
        let bw = ((avail_w - gaps * need) / per).clamp(BOX_MIN, BOX_MAX);
        let gap = if gaps > 0.0 { need.max(((avail_w - per * bw) / gaps).min(2.5 * need)) } else { need };
        let text_h = |b: &mut Self, n: &PlacedNode| {
            b.title(r, n, bw).len() as f32 * NAME * 1.15 + b.kind(r, n, bw).len() as f32 * KIND * 1.2
        };
        let bh = 2.0 * PAD + 2.0 + first.nodes.iter().map(|n| text_h(self, n)).fold(0.0, f32::max);
        let opts =
            LayoutOptions { box_width: f64::from(bw), box_height: f64::from(bh), layer_gap: f64::from(gap), ..base };
        // The tiles of a figure wider than the page carry a line naming them.
        let g = stretch(&r.graph, &opts, f64::from(if tiles > 1.0 { avail_h - TILE_LABEL } else { avail_h }));
        if tiles > 1.0 {
            return Fitted { g, s: 1.0, stride: per * (bw + gap), gap, tiled: true };
        }
        let s = (avail_w / g.width as f32).min(avail_h / g.height as f32).clamp(1.0, MAX_SCALE);
        Fitted { g, s, stride: avail_w, gap, tiled: false }
    }

    /// Every item of the figure, from its top-left corner: edges, their labels, then the boxes over them.
    fn drawing(&mut self, r: &Figure, fit: &Fitted) -> Vec<Drawn> {
        let s = fit.s;
        let mut out = Vec::new();
        let boxes: Vec<Rect> = fit.g.nodes.iter().map(|n| scaled_box(n, s)).collect();
        let routes: Vec<Vec<(f32, f32)>> =
            fit.g.edges.iter().map(|e| e.points.iter().map(|&(x, y)| (x as f32 * s, y as f32 * s)).collect()).collect();
        for (e, pts) in fit.g.edges.iter().zip(&routes) {
            edge_lines(r, e, pts, s, &mut out);
        }
        let bounds = Rect { x: 0.0, y: 0.0, w: fit.g.width as f32 * s, h: fit.g.height as f32 * s };
        let (mut wanted, mut inked) = (Vec::new(), Vec::new());
        for (e, pts) in fit.g.edges.iter().zip(&routes) {
            let text = edge_label(&r.graph, e);
            let lines = self.lines_at_most(Style::Regular, LABEL * s, &text, (fit.gap - 6.0) * s, 3);
            let width = lines.iter().map(|l| self.fonts.width(Style::Regular, l, LABEL * s)).fold(0.0, f32::max);
            let height = ((lines.len() - 1) as f32 * 1.2 + 1.05) * LABEL * s;
            let target = fit.g.nodes.iter().position(|n| n.members.contains(&target_of(r, e))).unwrap_or(usize::MAX);
            let route = pts.iter().map(|&(x, y)| (f64::from(x), f64::from(y))).collect();
            let (width, height) = (f64::from(width), f64::from(height));
            wanted.push(labels::Wanted { text, width, height, route, target });
            inked.push((lines, edge_colour(r, e)));
        }
        let core_boxes: Vec<labels::Rect> = boxes.iter().map(Rect::wide).collect();
        for placed in labels::place(&wanted, &core_boxes, bounds.wide()) {
            let (lines, colour) = &inked[placed.edge];
            let ink = if *colour == Rgb::CROSS { Rgb::CROSS } else { Rgb::GREY };
            let b = Rect::narrow(&placed.at);
            let backdrop =
                Item::Rect { x: b.x, y: b.y, w: b.w, h: b.h, fill: Some(Rgb::WHITE), stroke: None, line: 0.0 };
            out.push(Drawn { item: backdrop, bbox: b });
            for (i, line) in lines.iter().enumerate() {
                let runs = self.fonts.runs(Style::Regular, line);
                let y = b.y + (0.8 + 1.2 * i as f32) * LABEL * s;
                out.push(Drawn { item: Item::Text { x: b.x, y, size: LABEL * s, color: ink, runs }, bbox: b });
            }
        }
        for (n, b) in fit.g.nodes.iter().zip(&boxes) {
            self.node_box(r, n, *b, s, &mut out);
        }
        out
    }

    /// A box's title: the vertex's name (or how many alike vertices it stands for) in at most [`NAME_LINES`] lines
    /// of `width` less the padding, the last ending with "…" when the name is longer.
    fn title(&mut self, r: &Figure, n: &PlacedNode, width: f32) -> Vec<String> {
        let v = &r.graph.vertices[n.vertex];
        let name =
            if n.members.len() > 1 { format!("{} vertices like {}", n.members.len(), v.name) } else { v.name.clone() };
        self.lines_at_most(Style::Bold, NAME, &name, width - 2.0 * PAD, NAME_LINES)
    }

    /// A vertex's box: coloured by lineage type (the subject's border heavier), its title, and its lineage and
    /// entity type at the bottom.
    fn node_box(&mut self, r: &Figure, n: &PlacedNode, b: Rect, s: f32, out: &mut Vec<Drawn>) {
        let v = &r.graph.vertices[n.vertex];
        let (fill, stroke) = lineage_colours(v.lineage_type);
        let line = if v.arn == r.subject { 2.0 } else { 0.8 };
        out.push(Drawn {
            item: Item::Rect { x: b.x, y: b.y, w: b.w, h: b.h, fill: Some(fill), stroke: Some(stroke), line },
            bbox: b,
        });
        let mut baseline = b.y + (PAD + NAME) * s;
        for t in self.title(r, n, n.width as f32) {
            let runs = self.fonts.runs(Style::Bold, &t);
            out.push(Drawn {
                item: Item::Text { x: b.x + PAD * s, y: baseline, size: NAME * s, color: Rgb::BLACK, runs },
                bbox: b,
            });
            baseline += NAME * 1.15 * s;
        }
        let lines = self.kind(r, n, n.width as f32);
        let mut baseline = b.y + b.h - PAD * s - (lines.len() - 1) as f32 * KIND * 1.2 * s;
        for k in lines {
            let runs = self.fonts.runs(Style::Regular, &k);
            let item = Item::Text { x: b.x + PAD * s, y: baseline, size: KIND * s, color: Rgb::GREY, runs };
            out.push(Drawn { item, bbox: b });
            baseline += KIND * 1.2 * s;
        }
    }

    /// A box's type line: lineage and entity type when both fit on one line, else the entity type alone (the
    /// colour says the lineage type) in at most two lines, the last ending with "…" when it is longer.
    fn kind(&mut self, r: &Figure, n: &PlacedNode, width: f32) -> Vec<String> {
        let v = &r.graph.vertices[n.vertex];
        let entity = v.entity_type.as_deref().unwrap_or("untyped");
        let room = width - 2.0 * PAD;
        let both = format!("{} · {entity}", v.lineage_type.map_or("no lineage type", LineageType::as_str));
        for one in [both, entity.to_owned()] {
            if self.fonts.width(Style::Regular, &one, KIND) <= room {
                return vec![one];
            }
        }
        // A CamelCase type too long for one line breaks before a capital (`FeatureStore` / `Version`).
        let breaks = entity.char_indices().filter(|&(i, c)| i > 0 && c.is_uppercase()).map(|(i, _)| i);
        let fits: Vec<usize> =
            breaks.filter(|&i| self.fonts.width(Style::Regular, &entity[..i], KIND) <= room).collect();
        match fits.last() {
            Some(&i) if !entity.contains(' ') => {
                let rest = self.lines_at_most(Style::Regular, KIND, &entity[i..], room, 1);
                std::iter::once(entity[..i].to_owned()).chain(rest).collect()
            }
            _ => self.lines_at_most(Style::Regular, KIND, entity, room, 2),
        }
    }

    /// `text` wrapped to `room`, at most `most` lines, the last ending with "…" when the text is longer.
    fn lines_at_most(&mut self, style: Style, size: f32, text: &str, room: f32, most: usize) -> Vec<String> {
        let mut lines = self.wrap(style, size, text, room);
        if lines.len() > most {
            lines.truncate(most);
            let last = &mut lines[most - 1];
            while !last.is_empty() && self.fonts.width(style, &format!("{last}…"), size) > room {
                last.pop();
            }
            last.push('…');
        }
        lines
    }
}

/// The layout at the row gap that makes it as tall as `target`, between `opts.row_gap` and three box heights:
/// the height grows about linearly with the gap, so a few secant steps find it (the tallest that fits is kept).
fn stretch(graph: &ReportGraph, opts: &LayoutOptions, target: f64) -> GraphLayout {
    let at = |gap: f64| graph_layout::layout(graph, &LayoutOptions { row_gap: gap, ..*opts });
    let low = at(opts.row_gap);
    if low.height >= target {
        return low;
    }
    let most = opts.row_gap.max(3.0 * opts.box_height);
    let high = at(most);
    if high.height <= target {
        return high;
    }
    let (mut lo, mut hi) = ((opts.row_gap, low.height), (most, high.height));
    let mut best = low;
    for _ in 0..4 {
        if hi.1 - lo.1 < 1.0 {
            break;
        }
        let gap = lo.0 + (target - lo.1) * (hi.0 - lo.0) / (hi.1 - lo.1);
        let l = at(gap);
        if l.height <= target {
            lo = (gap, l.height);
            best = l;
        } else {
            hi = (gap, l.height);
        }
    }
    best
}

/// An edge's line and arrowhead (dashed and orange when it closes a cycle).
fn edge_lines(r: &Figure, e: &RoutedEdge, pts: &[(f32, f32)], s: f32, out: &mut Vec<Drawn>) {
    let colour = edge_colour(r, e);
    let bbox = Rect::around(pts);
    out.push(Drawn { item: Item::Path { points: pts.to_vec(), color: colour, width: 0.6, dashed: e.reversed }, bbox });
    if let [.., a, b] = pts {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(0.001);
        let (ux, uy) = (dx / len, dy / len);
        let head = 5.0 * s;
        let base = (b.0 - ux * head, b.1 - uy * head);
        let side = (-uy * head * 0.45, ux * head * 0.45);
        let points = [*b, (base.0 + side.0, base.1 + side.1), (base.0 - side.0, base.1 - side.1)];
        out.push(Drawn { item: Item::Triangle { points, color: colour }, bbox: Rect::around(&points) });
    }
}

fn edge_colour(r: &Figure, e: &RoutedEdge) -> Rgb {
    match (e.reversed, r.graph.edges[e.edge].system()) {
        (true, _) => Rgb::GAP_STROKE,
        (false, System::SageMaker) => Rgb::GREY,
        (false, _) => Rgb::CROSS,
    }
}

/// What an edge says: its association type (and system), with how many edges it stands for.
fn edge_label(graph: &ReportGraph, e: &RoutedEdge) -> String {
    let mut label = graph.edges[e.edge].label();
    if e.edges.len() > 1 {
        label.push_str(&format!(" ×{}", e.edges.len()));
    }
    label
}

/// The vertex an edge's arrow points at.
fn target_of(r: &Figure, e: &RoutedEdge) -> usize {
    let edge = &r.graph.edges[e.edge];
    let arn = if e.reversed { &edge.source } else { &edge.destination };
    r.graph.vertices.iter().position(|v| &v.arn == arn).unwrap_or(usize::MAX)
}

fn scaled_box(n: &PlacedNode, s: f32) -> Rect {
    Rect { x: n.x as f32 * s, y: n.y as f32 * s, w: n.width as f32 * s, h: n.height as f32 * s }
}

/// Whether a tile shows an item: lines and arrows that reach into it; with several tiles across, text and boxes
/// only in the tile they fit in across (a label in the gap between two tiles is on the second).
fn shown(d: &Drawn, view: &Rect, across: bool) -> bool {
    let whole = d.bbox.x >= view.x - 0.5 && d.bbox.x + d.bbox.w <= view.x + view.w + 0.5;
    let lines = matches!(d.item, Item::Path { .. } | Item::Triangle { .. });
    d.bbox.meets(view) && (lines || !across || whole)
}

/// An item moved by `(dx, dy)`.
fn shifted(item: &Item, (dx, dy): (f32, f32)) -> Item {
    let mut item = item.clone();
    match &mut item {
        Item::Text { x, y, .. } | Item::Rect { x, y, .. } => {
            *x += dx;
            *y += dy;
        }
        Item::Path { points, .. } => points.iter_mut().for_each(|p| *p = (p.0 + dx, p.1 + dy)),
        Item::Triangle { points, .. } => points.iter_mut().for_each(|p| *p = (p.0 + dx, p.1 + dy)),
    }
    item
}

/// Fill and border colours by lineage type (the SageMaker SDK's palette, lightened for fills).
pub fn lineage_colours(lineage_type: Option<LineageType>) -> (Rgb, Rgb) {
    match lineage_type {
        Some(LineageType::Artifact) => (Rgb(0.84, 0.90, 0.96), Rgb(0.08, 0.43, 0.71)),
        Some(LineageType::Action) => (Rgb(0.86, 0.94, 0.88), Rgb(0.33, 0.62, 0.40)),
        Some(LineageType::Context) => (Rgb(1.0, 0.91, 0.76), Rgb(0.90, 0.55, 0.0)),
        Some(LineageType::TrialComponent) => (Rgb(0.99, 0.94, 0.77), Rgb(0.80, 0.62, 0.12)),
        None => (Rgb(0.93, 0.93, 0.93), Rgb(0.5, 0.5, 0.5)),
    }
}
