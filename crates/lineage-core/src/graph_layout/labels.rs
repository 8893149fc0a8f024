//! Where a drawn graph's edge labels go, for the PDF and the page alike: each on its own edge, at the first place
//! along it (nearest the arrow first) that is clear of every box and every label already placed. A label that finds
//! no clear place is dropped when the same words already stand beside the same box (the relationship is said
//! once); otherwise it goes where it overlaps least. Sizes are the caller's (its font, its units).

/// A rectangle: top-left corner, width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// The smallest rectangle around `points`.
    pub fn around(points: &[(f64, f64)]) -> Rect {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(x, y) in points {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        Rect { x: x0, y: y0, w: (x1 - x0).max(0.0), h: (y1 - y0).max(0.0) }
    }

    /// Whether the two touch or overlap.
    pub fn meets(&self, o: &Rect) -> bool {
        self.x <= o.x + o.w && o.x <= self.x + self.w && self.y <= o.y + o.h && o.y <= self.y + self.h
    }

    /// The area the two share.
    fn overlap(&self, o: &Rect) -> f64 {
        let w = (self.x + self.w).min(o.x + o.w) - self.x.max(o.x);
        let h = (self.y + self.h).min(o.y + o.h) - self.y.max(o.y);
        w.max(0.0) * h.max(0.0)
    }

    fn grown(&self, by: f64) -> Rect {
        Rect { x: self.x - by, y: self.y - by, w: self.w + 2.0 * by, h: self.h + 2.0 * by }
    }

    fn inside(&self, o: &Rect) -> bool {
        self.x >= o.x && self.y >= o.y && self.x + self.w <= o.x + o.w && self.y + self.h <= o.y + o.h
    }
}

/// A label an edge asks for: its words and their size, the edge's route, and the box it points at.
pub struct Wanted {
    pub text: String,
    pub width: f64,
    pub height: f64,
    pub route: Vec<(f64, f64)>,
    pub target: usize,
}

/// A placed label: the index of its [`Wanted`] and the rectangle its text fills.
pub struct Placed {
    pub edge: usize,
    pub at: Rect,
}

/// Where along a segment a label is tried, from its middle outwards.
const ALONG: [f64; 7] = [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9];

/// Places the labels of `wanted` (in order) clear of `boxes`, inside `bounds` when they can be.
pub fn place(wanted: &[Wanted], boxes: &[Rect], bounds: Rect) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        let spots = candidates(&w.route, w.width, w.height);
        let cost = |r: &Rect| -> f64 {
            let on_boxes: f64 = boxes.iter().map(|b| b.grown(1.5).overlap(r)).sum();
            let on_labels: f64 = placed.iter().map(|p| p.at.grown(1.0).overlap(r)).sum();
            let outside = if r.inside(&bounds) { 0.0 } else { 1.0 };
            on_boxes + on_labels + outside
        };
        if let Some(at) = spots.iter().find(|r| cost(r) == 0.0) {
            placed.push(Placed { edge: i, at: *at });
            continue;
        }
        let said = placed.iter().any(|p| wanted[p.edge].target == w.target && wanted[p.edge].text == w.text);
        if said {
            continue;
        }
        let best = spots.iter().min_by(|a, b| cost(a).total_cmp(&cost(b)));
        if let Some(at) = best {
            placed.push(Placed { edge: i, at: *at });
        }
    }
    placed
}

/// The places tried for a label of `width` × `height` on a route: along each segment, the last (nearest the
/// arrow) first, just above the line and then just below it.
fn candidates(route: &[(f64, f64)], width: f64, height: f64) -> Vec<Rect> {
    let mut out = Vec::new();
    for seg in route.windows(2).rev() {
        let (a, b) = (seg[0], seg[1]);
        for t in ALONG {
            let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            for top in [y - height - 1.0, y + 1.0] {
                out.push(Rect { x: x - width / 2.0, y: top, w: width, h: height });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(text: &str, route: Vec<(f64, f64)>, target: usize) -> Wanted {
        Wanted { text: text.into(), width: 40.0, height: 7.35, route, target }
    }

    #[test]
    fn labels_of_edges_meeting_at_a_box_stay_apart_and_off_the_boxes() {
        let boxes = [
            Rect { x: 0.0, y: 0.0, w: 50.0, h: 20.0 },
            Rect { x: 0.0, y: 30.0, w: 50.0, h: 20.0 },
            Rect { x: 0.0, y: 60.0, w: 50.0, h: 20.0 },
            Rect { x: 150.0, y: 20.0, w: 50.0, h: 40.0 },
        ];
        let bounds = Rect { x: 0.0, y: 0.0, w: 200.0, h: 80.0 };
        let ws = [
            wanted("Produced", vec![(50.0, 10.0), (150.0, 36.0)], 3),
            wanted("ContributedTo", vec![(50.0, 40.0), (150.0, 40.0)], 3),
            wanted("ContributedTo", vec![(50.0, 70.0), (150.0, 44.0)], 3),
        ];
        let placed = place(&ws, &boxes, bounds);
        assert_eq!(placed.len(), 3);
        for (i, p) in placed.iter().enumerate() {
            assert!(boxes.iter().all(|b| b.overlap(&p.at) == 0.0), "{:?}", p.at);
            for q in &placed[i + 1..] {
                assert_eq!(p.at.overlap(&q.at), 0.0, "{:?} {:?}", p.at, q.at);
            }
        }
    }

    #[test]
    fn a_label_with_no_room_is_said_once_beside_its_box() {
        let boxes = [Rect { x: 0.0, y: 0.0, w: 50.0, h: 30.0 }, Rect { x: 60.0, y: 0.0, w: 50.0, h: 30.0 }];
        let bounds = Rect { x: 0.0, y: 0.0, w: 110.0, h: 30.0 };
        let ws = [
            wanted("ContributedTo", vec![(50.0, 14.0), (60.0, 14.0)], 1),
            wanted("ContributedTo", vec![(50.0, 16.0), (60.0, 16.0)], 1),
        ];
        assert_eq!(place(&ws, &boxes, bounds).len(), 1);
    }
}
