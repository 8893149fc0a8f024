//! The builder's page state: the current page and cursor, new pages when the next piece does not fit, plain text
//! lines, headings (which feed the outline) and the footers written once every page exists.

use lineage_core::text::one_line;

use super::{Bookmark, Builder, Item, Page, Rgb, A4, BODY, BOTTOM, HEADING, LEADING, MARGIN, SUBHEADING, TOP};
use crate::fonts::Style;

impl Builder<'_, '_> {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page(false);
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub(super) fn push(&mut self, item: Item) {
        self.page().items.push(item);
    }

    pub(super) fn width(&self) -> f32 {
        (if self.landscape { A4.1 } else { A4.0 }) - 2.0 * MARGIN
    }

    pub(super) fn bottom(&self) -> f32 {
        (if self.landscape { A4.0 } else { A4.1 }) - BOTTOM
    }

    pub(super) fn new_page(&mut self, landscape: bool) {
        self.landscape = landscape;
        let (w, h) = if landscape { (A4.1, A4.0) } else { A4 };
        self.pages.push(Page { width: w, height: h, items: Vec::new() });
        self.y = TOP;
    }

    /// Starts a new page unless `h` more points fit on this one.
    pub(super) fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() {
            let landscape = self.landscape;
            self.new_page(landscape);
        }
    }

    pub(super) fn text(&mut self, x: f32, baseline: f32, style: Style, size: f32, color: Rgb, text: &str) {
        let runs = self.fonts.runs(style, &one_line(text));
        self.push(Item::Text { x, y: baseline, size, color, runs });
    }

    pub(super) fn heading(&mut self, title: &str) {
        self.ensure(16.0 + 4.0 * BODY * LEADING);
        // The outline lands just above the heading's text.
        let page = self.pages.len();
        self.outline.push(Bookmark { title: title.to_owned(), page, top: self.y + 4.0 });
        self.y += 8.0;
        let baseline = self.y + 13.0;
        self.text(MARGIN, baseline, Style::Bold, 13.0, Rgb::ACCENT, title);
        self.y += HEADING - 8.0;
    }

    pub(super) fn subheading(&mut self, title: &str) {
        self.ensure(11.0 + 3.0 * BODY * LEADING);
        self.y += 3.0;
        let baseline = self.y + 10.5;
        self.text(MARGIN, baseline, Style::Bold, 10.5, Rgb::BLACK, title);
        self.y += SUBHEADING - 3.0;
    }

    pub(super) fn footers(&mut self, title: &str) {
        let total = self.pages.len();
        for i in 0..total {
            let (w, h) = (self.pages[i].width, self.pages[i].height);
            let text = format!("{title} · page {} of {total}", i + 1);
            let mut title_fit = text.clone();
            // A very long subject is shortened in the footer only; the title block carries it in full.
            while self.fonts.width(Style::Regular, &title_fit, 7.5) > w - 2.0 * MARGIN && title_fit.chars().count() > 20
            {
                let keep: String = title.chars().take(title_fit.chars().count().saturating_sub(25)).collect();
                title_fit = format!("{keep}… · page {} of {total}", i + 1);
            }
            let tw = self.fonts.width(Style::Regular, &title_fit, 7.5);
            let runs = self.fonts.runs(Style::Regular, &title_fit);
            self.pages[i].items.push(Item::Path {
                points: vec![(MARGIN, h - BOTTOM + 24.0), (w - MARGIN, h - BOTTOM + 24.0)],
                color: Rgb::RULE,
                width: 0.5,
                dashed: false,
            });
            self.pages[i].items.push(Item::Text {
                x: (w - tw) / 2.0,
                y: h - BOTTOM + 36.0,
                size: 7.5,
                color: Rgb::GREY,
                runs,
            });
        }
    }
}
