//! The ancestry figure: the legend, the graph scaled to the landscape page (tiled over several pages when it
//! would be too small to read), its edges with arrowheads and labels, and its vertex boxes.

use lineage_core::document::Figure;
use lineage_core::graph_layout::{self, LayoutOptions, PlacedNode, RoutedEdge};
use lineage_core::model::System;
use lineage_core::LineageType;

use super::{Builder, Item, Rgb, BODY, MARGIN, SMALL};
use crate::fonts::Style;

impl Builder<'_, '_> {
    pub(super) fn graph(&mut self, r: &Figure) {
        let opts = LayoutOptions::default();
        let g = graph_layout::layout(&r.graph, &opts);
        self.legend(&r.graph.other_systems());
        let avail_w = self.width();
        let top = self.y;
        let avail_h = self.bottom() - top;
        if g.nodes.is_empty() {
            self.paragraph("The report's graph is empty.", Style::Regular, BODY, 0.0, Rgb::BLACK);
            return;
        }
        const MIN_SCALE: f32 = 0.45;
        let fit = (avail_w / g.width as f32).min(avail_h / g.height as f32).min(1.0);
        let scale = fit.max(MIN_SCALE);
        let (w, h) = (g.width as f32 * scale, g.height as f32 * scale);
        let tiles_x = (w / avail_w).ceil().max(1.0) as usize;
        let tiles_y = (h / avail_h).ceil().max(1.0) as usize;
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
                    self.y += 16.0;
                }
                let origin = (MARGIN - tx as f32 * avail_w, self.y - ty as f32 * avail_h);
                let view = (tx as f32 * avail_w, ty as f32 * avail_h, avail_w, avail_h);
                self.draw_graph(r, &g, scale, origin, view);
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

    /// Draws the part of the graph inside `view` (x, y, w, h in scaled units) with `origin` as the page offset.
    fn draw_graph(
        &mut self,
        r: &Figure,
        g: &graph_layout::GraphLayout,
        s: f32,
        origin: (f32, f32),
        view: (f32, f32, f32, f32),
    ) {
        let tile = Tile { s, origin, view };
        for e in &g.edges {
            self.draw_edge(r, e, &tile);
        }
        for n in &g.nodes {
            self.draw_node(r, n, &tile);
        }
    }

    /// An edge that reaches into the tile: its route, and at its end an arrowhead and its label.
    fn draw_edge(&mut self, r: &Figure, e: &RoutedEdge, tile: &Tile) {
        let origin = tile.origin;
        let pts: Vec<(f32, f32)> = e.points.iter().map(|&(x, y)| tile.point(x, y)).collect();
        let (minx, maxx) =
            pts.iter().fold((f32::MAX, f32::MIN), |a, q| (a.0.min(q.0 - origin.0), a.1.max(q.0 - origin.0)));
        let (miny, maxy) =
            pts.iter().fold((f32::MAX, f32::MIN), |a, q| (a.0.min(q.1 - origin.1), a.1.max(q.1 - origin.1)));
        if !tile.visible(minx, miny, maxx - minx, maxy - miny) {
            return;
        }
        let drawn = &r.graph.edges[e.edge];
        let colour = match (e.reversed, drawn.system()) {
            (true, _) => Rgb::GAP_STROKE,
            (false, System::SageMaker) => Rgb::GREY,
            (false, _) => Rgb::CROSS,
        };
        self.push(Item::Path { points: pts.clone(), color: colour, width: 0.6, dashed: e.reversed });
        if let [.., a, b] = pts.as_slice() {
            self.arrowhead(*a, *b, tile.s, colour);
            let mut label = drawn.label();
            if e.edges.len() > 1 {
                label.push_str(&format!(" ×{}", e.edges.len()));
            }
            self.edge_label(&label, *a, *b, tile.s, colour);
        }
    }

    /// The arrowhead at `b`, pointing along the last segment `a`→`b`.
    fn arrowhead(&mut self, a: (f32, f32), b: (f32, f32), s: f32, colour: Rgb) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(0.001);
        let (ux, uy) = (dx / len, dy / len);
        let head = 5.0 * s;
        let base = (b.0 - ux * head, b.1 - uy * head);
        let side = (-uy * head * 0.45, ux * head * 0.45);
        self.push(Item::Triangle {
            points: [b, (base.0 + side.0, base.1 + side.1), (base.0 - side.0, base.1 - side.1)],
            color: colour,
        });
    }

    /// An edge's label, centred over the middle of its last segment.
    fn edge_label(&mut self, label: &str, a: (f32, f32), b: (f32, f32), s: f32, colour: Rgb) {
        let size = 6.0 * s;
        let lw = self.fonts.width(Style::Regular, label, size);
        let mid = ((a.0 + b.0) / 2.0 - lw / 2.0, (a.1 + b.1) / 2.0 - 1.5 * s);
        let ink = if colour == Rgb::CROSS { Rgb::CROSS } else { Rgb::GREY };
        self.text(mid.0, mid.1, Style::Regular, size, ink, label);
    }

    /// A vertex's box when it reaches into the tile: coloured by lineage type (the subject's border heavier), its
    /// name in at most two lines, and its lineage and entity type at the bottom.
    fn draw_node(&mut self, r: &Figure, n: &PlacedNode, tile: &Tile) {
        let s = tile.s;
        let (x, y) = tile.point(n.x, n.y);
        let (w, h) = (n.width as f32 * s, n.height as f32 * s);
        if !tile.visible(x - tile.origin.0, y - tile.origin.1, w, h) {
            return;
        }
        let v = &r.graph.vertices[n.vertex];
        let (fill, stroke) = lineage_colours(v.lineage_type);
        let subject = v.arn == r.subject;
        self.push(Item::Rect {
            x,
            y,
            w,
            h,
            fill: Some(fill),
            stroke: Some(stroke),
            line: if subject { 2.0 } else { 0.8 },
        });
        let name_size = 7.0 * s;
        let type_size = 6.0 * s;
        let pad = 4.0 * s;
        let name =
            if n.members.len() > 1 { format!("{} vertices like {}", n.members.len(), v.name) } else { v.name.clone() };
        let mut lines = self.wrap(Style::Bold, name_size, &name, w - 2.0 * pad);
        if lines.len() > 2 {
            lines.truncate(2);
            lines[1].push('…');
        }
        let mut ty = y + pad + name_size;
        for line in &lines {
            self.text(x + pad, ty, Style::Bold, name_size, Rgb::BLACK, line);
            ty += name_size * 1.15;
        }
        let kind = format!(
            "{} · {}",
            v.lineage_type.map_or("no lineage type", LineageType::as_str),
            v.entity_type.as_deref().unwrap_or("untyped")
        );
        let kind = self.wrap(Style::Regular, type_size, &kind, w - 2.0 * pad).into_iter().next().unwrap_or_default();
        self.text(x + pad, y + h - pad, Style::Regular, type_size, Rgb::GREY, &kind);
    }
}

/// One tile of a graph drawn over several pages: the scale, the page offset of the graph's origin, and the part of
/// the scaled graph this page shows (x, y, w, h).
struct Tile {
    s: f32,
    origin: (f32, f32),
    view: (f32, f32, f32, f32),
}

impl Tile {
    /// Whether a box (in scaled units from the graph's origin) reaches into the view.
    fn visible(&self, x: f32, y: f32, w: f32, h: f32) -> bool {
        let view = self.view;
        x + w >= view.0 && x <= view.0 + view.2 && y + h >= view.1 && y <= view.1 + view.3
    }

    /// A point of the graph layout on the page.
    fn point(&self, x: f64, y: f64) -> (f32, f32) {
        (self.origin.0 + x as f32 * self.s, self.origin.1 + y as f32 * self.s)
    }
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
