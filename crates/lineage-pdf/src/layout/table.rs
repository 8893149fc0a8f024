//! Tables: column widths shared out from the content to make a table shortest, rows kept whole or split across
//! pages with the header repeated, and the two-column field tables.

use lineage_core::document::{Field, Inline, Span};
use lineage_core::text::one_line;

use super::text::{span_style, Lines};
use super::{Builder, Item, Rgb, CELL_PAD, LEADING, MARGIN, ROW_KEPT_WHOLE, TABLE, TOP};
use crate::fonts::Style;

/// Column widths that make the table shortest. `cells[r][c]` is a cell's width on one line and the width of its
/// widest word without a break point (a digest); `least[c]` the narrowest a column may be. Every column starts at
/// its least; the rest of the line goes, a hundredth at a time, to the column where it saves the most: a row is as
/// tall as its tallest cell (text width over column width), a digest broken across lines adds half of the lines it
/// spills onto, and ties go to the column that saves the most lines in all. A table whose rows all fit on one line keeps its
/// natural widths, spread to the full line.
fn share_widths(cells: &[Vec<(f32, f32)>], least: &[f32], total: f32) -> Vec<f32> {
    let n = least.len();
    let natural: Vec<f32> = (0..n).map(|c| cells.iter().map(|r| r[c].0).fold(least[c], f32::max)).collect();
    let sum_least: f32 = least.iter().sum();
    if sum_least >= total {
        return least.iter().map(|l| l * total / sum_least).collect();
    }
    let sum_natural: f32 = natural.iter().sum();
    if sum_natural <= total {
        return natural.iter().map(|w| w * total / sum_natural).collect();
    }
    let cost = |w: &[f32]| table_cost(cells, w, false);
    let mut w = least.to_vec();
    let step = total / 100.0;
    while w.iter().sum::<f32>() + step <= total {
        let now = cost(&w);
        let gain = |c: usize| {
            let mut wider = w.clone();
            wider[c] += step;
            now - cost(&wider)
        };
        let best = (0..n).filter(|&c| w[c] < natural[c]).map(|c| (c, gain(c))).max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((c, _)) => w[c] += step,
            None => break,
        }
    }
    // What is left (less than a step, or more than every column wants) goes to the columns in proportion.
    let sum: f32 = w.iter().sum();
    let w: Vec<f32> = w.iter().map(|x| x * total / sum).collect();
    snap_whole(cells, least, w)
}

/// How tall a table is at widths `w`, in lines: each row as tall as its tallest cell (text width over column width),
/// a digest broken across lines adding half a line per line it spills onto, and a hundredth of every cell's lines so
/// that ties go to fewer lines in all. `whole`: lines are counted whole, else as fractions (a smooth measure for the
/// greedy sharing, with no plateaus).
fn table_cost(cells: &[Vec<(f32, f32)>], w: &[f32], whole: bool) -> f32 {
    let lines = |text: f32, w: f32| if whole { (text / w).ceil().max(1.0) } else { (text / w).max(1.0) };
    let spill = |digest: f32, w: f32| if whole { f32::from(u8::from(digest > w)) } else { (digest / w - 1.0).max(0.0) };
    cells
        .iter()
        .map(|r| {
            let (tallest, all) = r
                .iter()
                .zip(w)
                .map(|((text, _), w)| lines(*text, *w))
                .fold((0f32, 0f32), |(m, s), l| (m.max(l), s + l));
            let broken: f32 = r.iter().zip(w).map(|((_, digest), w)| spill(*digest, *w)).sum();
            tallest + 0.5 * broken + 0.01 * all
        })
        .sum()
}

/// The greedy sharing sees heights as fractions; lines are whole. Each column is tried at the width that keeps its
/// digests, else all its text, on one line (taken from the others' room above their least), and kept so when the
/// table, counted in whole lines, gets shorter.
fn snap_whole(cells: &[Vec<(f32, f32)>], least: &[f32], mut w: Vec<f32>) -> Vec<f32> {
    let cost = |w: &[f32]| table_cost(cells, w, true);
    for c in 0..w.len() {
        let digest = cells.iter().map(|r| r[c].1).fold(0.0, f32::max);
        let text = cells.iter().map(|r| r[c].0).fold(0.0, f32::max);
        for target in [digest, text] {
            let need = target - w[c];
            let room: f32 = (0..w.len()).filter(|&o| o != c).map(|o| (w[o] - least[o]).max(0.0)).sum();
            if need <= 0.0 || need > room {
                continue;
            }
            let mut tried = w.clone();
            for o in (0..w.len()).filter(|&o| o != c) {
                tried[o] -= need * (w[o] - least[o]).max(0.0) / room;
            }
            tried[c] = target;
            if cost(&tried) < cost(&w) {
                w = tried;
            }
        }
    }
    w
}

/// A table no taller than this share of a page's body is never split: it moves whole to the next page.
const KEPT_WHOLE: f32 = 0.4;

/// A table ready to draw: column widths, the header, and each row's cells as wrapped lines.
struct Plan {
    widths: Vec<f32>,
    head: Vec<Inline>,
    rows: Vec<Vec<Lines>>,
    size: f32,
}

impl Builder<'_, '_> {
    /// Column widths from the content, as a browser lays out an automatic table: every column gets at least its
    /// longest word (capped), and the rest of the line goes to the columns with the most text.
    fn column_widths(&mut self, header: &[String], rows: &[Vec<Inline>], size: f32) -> Vec<f32> {
        let total = self.width();
        // A point to spare, so a cell measured to fit exactly is not wrapped by rounding.
        let pad = 2.0 * CELL_PAD + 1.0;
        let n = header.len().max(1);
        let mut least = vec![0f32; n];
        let head: Vec<Inline> = header.iter().map(|h| vec![Span::Strong(h.clone())]).collect();
        let mut cells = Vec::with_capacity(rows.len() + 1);
        for (r, row) in std::iter::once(&head).chain(rows).enumerate() {
            let mut widths = vec![(pad, 0.0); n];
            for (i, cell) in row.iter().enumerate().take(n) {
                let (all, longest, digest) = self.measure(cell, size);
                widths[i] = (all + pad, if digest > 0.0 { digest + pad } else { 0.0 });
                // A header is drawn on one line.
                let unbroken = if r == 0 { all } else { longest };
                least[i] = least[i].max((unbroken + pad).min(total * 0.22));
            }
            cells.push(widths);
        }
        share_widths(&cells, &least, total)
    }

    /// A cell's whole width on one line, its longest word, and its longest word without a break point (`/`, `:`,
    /// `-`, …: a digest, which reads badly broken).
    fn measure(&mut self, spans: &[Span], size: f32) -> (f32, f32, f32) {
        let (mut all, mut longest, mut digest) = (0f32, 0f32, 0f32);
        for s in spans {
            let style = span_style(s, Style::Regular);
            let space = self.fonts.width(style, " ", size);
            for (i, w) in one_line(s.text()).split(' ').enumerate() {
                let width = self.fonts.width(style, w, size);
                all += width + if i > 0 { space } else { 0.0 };
                longest = longest.max(width);
                if !w.contains(['/', ':', '-', '_', '.', ',', '@']) {
                    digest = digest.max(width);
                }
            }
        }
        (all, longest, digest)
    }

    /// The widths and wrapped cells of a table, before it is drawn.
    fn plan(&mut self, header: &[String], rows: &[Vec<Inline>], size: f32) -> Plan {
        let widths = self.column_widths(header, rows, size);
        let head: Vec<Inline> = header.iter().map(|h| vec![Span::Strong(h.clone())]).collect();
        let rows: Vec<Vec<Lines>> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&widths)
                    .map(|(cell, w)| self.wrap_spans(cell, Style::Regular, size, w - 2.0 * CELL_PAD))
                    .collect()
            })
            .collect();
        Plan { widths, head, rows, size }
    }

    /// How much of a table must be on the page it starts on: all of it when it is short (see [`KEPT_WHOLE`]),
    /// else its header and first row (as much of it as is kept whole).
    pub(super) fn table_lead(&mut self, header: &[String], rows: &[Vec<Inline>], size: f32) -> f32 {
        let plan = self.plan(header, rows, size);
        self.lead(&plan)
    }

    fn lead(&self, plan: &Plan) -> f32 {
        let lh = plan.size * LEADING;
        let row_h = |r: &Vec<Lines>| r.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * lh + 2.0 * CELL_PAD;
        let whole = lh + 2.0 * CELL_PAD + plan.rows.iter().map(row_h).sum::<f32>();
        if whole <= KEPT_WHOLE * (self.bottom() - TOP) {
            return whole;
        }
        let first = plan.rows.first().map_or(1, |r| r.iter().map(Vec::len).max().unwrap_or(1)).clamp(1, ROW_KEPT_WHOLE);
        2.0 * (lh + 2.0 * CELL_PAD) + (first - 1) as f32 * lh
    }

    /// A table: cells wrap; a short table stays on one page, a row of a few lines too; the header repeats on every
    /// page.
    pub(super) fn table(&mut self, header: &[String], rows: &[Vec<Inline>], size: f32) {
        let plan = self.plan(header, rows, size);
        let lead = self.lead(&plan);
        self.ensure(lead);
        self.table_header(&plan.head, &plan.widths, size);
        for cells in &plan.rows {
            self.table_row(&plan.head, &plan.widths, cells, size);
        }
        self.y += 8.0;
    }

    fn table_header(&mut self, head: &[Inline], widths: &[f32], size: f32) {
        let h = size * LEADING + 2.0 * CELL_PAD;
        let (top, total) = (self.y, self.width());
        self.push(Item::Rect { x: MARGIN, y: top, w: total, h, fill: Some(Rgb::SHADE), stroke: None, line: 0.0 });
        let mut x = MARGIN;
        for (cell, w) in head.iter().zip(widths) {
            let line = self.wrap_spans(cell, Style::Bold, size, 10_000.0).into_iter().next().unwrap_or_default();
            self.draw_segments(x + CELL_PAD, top + CELL_PAD + size, size, Rgb::BLACK, &line);
            x += w;
        }
        self.y += h;
    }

    fn table_row(&mut self, head: &[Inline], widths: &[f32], cells: &[Lines], size: f32) {
        let lh = size * LEADING;
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        // A row of a few lines is kept on one page, so a reader never has to join a cell across a page break;
        // only a row too tall for any page is split (with the header repeated).
        if lines <= ROW_KEPT_WHOLE && self.y + lines as f32 * lh + 2.0 * CELL_PAD > self.bottom() {
            self.new_page(self.landscape);
            self.table_header(head, widths, size);
        }
        let mut done = 0;
        while done < lines {
            if self.y + lh + 2.0 * CELL_PAD > self.bottom() {
                self.new_page(self.landscape);
                self.table_header(head, widths, size);
            }
            let room = ((self.bottom() - self.y - 2.0 * CELL_PAD) / lh).floor().max(1.0) as usize;
            let take = (lines - done).min(room);
            let (top, mut x) = (self.y, MARGIN);
            for (cell, w) in cells.iter().zip(widths) {
                for (k, line) in cell.iter().skip(done).take(take).enumerate() {
                    self.draw_segments(x + CELL_PAD, top + CELL_PAD + size + k as f32 * lh, size, Rgb::BLACK, line);
                }
                x += w;
            }
            self.y = top + take as f32 * lh + 2.0 * CELL_PAD;
            let total = self.width();
            let points = vec![(MARGIN, self.y), (MARGIN + total, self.y)];
            self.push(Item::Path { points, color: Rgb::RULE, width: 0.5, dashed: false });
            done += take;
        }
    }

    pub(super) fn fields(&mut self, rows: &[Field]) {
        let (header, rows) = field_table(rows);
        self.table(&header, &rows, TABLE);
    }
}

/// A field list as a two-column table.
pub(super) fn field_table(rows: &[Field]) -> (Vec<String>, Vec<Vec<Inline>>) {
    let rows = rows
        .iter()
        .map(|f| {
            let mut value = f.value.clone();
            if let Some(s) = &f.source {
                value.push(Span::Text(format!(" [{s}]")));
            }
            vec![vec![Span::Strong(f.label.clone())], value]
        })
        .collect();
    (vec!["Field".to_owned(), "Value".to_owned()], rows)
}
