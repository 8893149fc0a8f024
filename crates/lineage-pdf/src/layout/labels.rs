//! The figure's drawing boxes (what each drawn item covers, in points); where edge labels go is decided by
//! lineage-core's `graph_layout::labels`, for the page as for the PDF.

/// A rectangle: top-left corner, width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) w: f32,
    pub(super) h: f32,
}

impl Rect {
    /// The smallest rectangle around `points`.
    pub(super) fn around(points: &[(f32, f32)]) -> Rect {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(x, y) in points {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        Rect { x: x0, y: y0, w: (x1 - x0).max(0.0), h: (y1 - y0).max(0.0) }
    }

    /// Whether the two touch or overlap.
    pub(super) fn meets(&self, o: &Rect) -> bool {
        self.x <= o.x + o.w && o.x <= self.x + self.w && self.y <= o.y + o.h && o.y <= self.y + self.h
    }

    /// The same rectangle in the core's units (for label placement).
    pub(super) fn wide(&self) -> lineage_core::graph_layout::labels::Rect {
        let f = |v: f32| f64::from(v);
        lineage_core::graph_layout::labels::Rect { x: f(self.x), y: f(self.y), w: f(self.w), h: f(self.h) }
    }

    /// A rectangle the core placed, in points.
    pub(super) fn narrow(r: &lineage_core::graph_layout::labels::Rect) -> Rect {
        Rect { x: r.x as f32, y: r.y as f32, w: r.w as f32, h: r.h as f32 }
    }
}
