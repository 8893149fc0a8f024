//! Page layout, pure: the audit [`Document`] and font metrics in, positioned text runs, boxes and lines out. Each
//! block kind has one way to be laid out; nothing here reads the report behind the document.
//!
//! Coordinates are points from the page's top-left corner (y grows downwards); `emit` turns them into PDF
//! operators. Text wraps by measured width (textwrap's first-fit over our own fragments), tables continue on the
//! next page with their header repeated, and boxes split across pages, so nothing runs off a page.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use lineage_core::document::{Block, DocSection, Document, Field, Figure, HistoryEntry, Inline, NoteKind, Span};
use lineage_core::graph_layout::{self, LayoutOptions};
use lineage_core::model::System;
use lineage_core::render::one_line;
use lineage_core::{LineageType, Section};
use textwrap::core::Fragment;

use crate::fonts::{Fonts, Run, Style};

/// A colour, components 0..1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0.1, 0.1, 0.1);
    pub const GREY: Rgb = Rgb(0.42, 0.42, 0.42);
    pub const RULE: Rgb = Rgb(0.78, 0.78, 0.78);
    pub const SHADE: Rgb = Rgb(0.94, 0.95, 0.97);
    pub const ACCENT: Rgb = Rgb(0.08, 0.43, 0.71);
    pub const GAP_FILL: Rgb = Rgb(1.0, 0.95, 0.88);
    pub const GAP_STROKE: Rgb = Rgb(0.85, 0.45, 0.0);
    /// Edges another system (OpenLineage, Marquez) recorded.
    pub const CROSS: Rgb = Rgb(0.56, 0.27, 0.68);
}

/// One thing drawn on a page.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Text whose baseline starts at (x, y).
    Text { x: f32, y: f32, size: f32, color: Rgb, runs: Vec<Run> },
    /// A rectangle with its top-left corner at (x, y).
    Rect { x: f32, y: f32, w: f32, h: f32, fill: Option<Rgb>, stroke: Option<Rgb>, line: f32 },
    /// An open polyline.
    Path { points: Vec<(f32, f32)>, color: Rgb, width: f32, dashed: bool },
    /// A filled triangle (arrowheads).
    Triangle { points: [(f32, f32); 3], color: Rgb },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

/// The laid-out document.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub pages: Vec<Page>,
    /// Outline entries: title and 1-based page.
    pub outline: Vec<(String, usize)>,
    /// Characters no embedded face covers (drawn as `<U+XXXX>`).
    pub uncovered: BTreeSet<char>,
}

/// What the caller decides about the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentInfo {
    /// The generation date as it is printed (`2026-11-28`).
    pub generated_on: String,
    /// The period the regulator's question is about, if given (`2027-03-01 to 2027-03-31`).
    pub question_period: Option<String>,
}

/// Table rows of at most this many lines are never split across pages.
const ROW_KEPT_WHOLE: usize = 12;
const A4: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 50.0;
const TOP: f32 = 54.0;
const BOTTOM: f32 = 64.0;
const BODY: f32 = 9.5;
const SMALL: f32 = 8.0;
const LEADING: f32 = 1.32;
/// Table text and the padding inside a cell.
const TABLE: f32 = SMALL + 0.5;
const CELL_PAD: f32 = 3.0;

/// Lays out the whole document.
pub fn layout(doc: &Document, info: &DocumentInfo, fonts: &mut Fonts<'_>) -> Layout {
    let mut b = Builder { fonts, pages: Vec::new(), y: 0.0, outline: Vec::new(), landscape: false };
    b.new_page(false);
    b.title_block(doc, info);
    for s in &doc.sections {
        b.section(s);
    }
    b.uncovered_note();
    let title = format!("Lineage audit: {}", one_line(&doc.title));
    b.footers(&title);
    let uncovered = b.fonts.uncovered.clone();
    Layout { pages: b.pages, outline: b.outline, uncovered }
}

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

/// Wrapped text: lines of runs, each run one style.
type Lines = Vec<Vec<(Style, String)>>;

/// The face a span is drawn in.
fn span_style(span: &Span, base: Style) -> Style {
    match span {
        Span::Code(_) => Style::Mono,
        Span::Strong(_) => Style::Bold,
        Span::Text(_) | Span::Emphasis(_) | Span::Link { .. } | Span::Report { .. } => base,
    }
}

/// A wrapped line's words as runs of one style each, spaces kept where the text has them.
fn segments(line: &[Word]) -> Vec<(Style, String)> {
    let mut out: Vec<(Style, String)> = Vec::new();
    for (i, w) in line.iter().enumerate() {
        let mut text = w.text.clone();
        if w.space > 0.0 && i + 1 < line.len() {
            text.push(' ');
        }
        match out.last_mut() {
            Some((style, t)) if *style == w.style => t.push_str(&text),
            _ => out.push((w.style, text)),
        }
    }
    out
}

struct Builder<'f, 'a> {
    fonts: &'f mut Fonts<'a>,
    pages: Vec<Page>,
    y: f32,
    outline: Vec<(String, usize)>,
    landscape: bool,
}

/// A word (or a piece of an over-long word) for textwrap, measured in points.
#[derive(Debug)]
struct Word {
    text: String,
    width: f64,
    space: f64,
    style: Style,
}

impl Fragment for Word {
    fn width(&self) -> f64 {
        self.width
    }
    fn whitespace_width(&self) -> f64 {
        self.space
    }
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

impl Builder<'_, '_> {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page(false);
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn push(&mut self, item: Item) {
        self.page().items.push(item);
    }

    fn width(&self) -> f32 {
        (if self.landscape { A4.1 } else { A4.0 }) - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        (if self.landscape { A4.0 } else { A4.1 }) - BOTTOM
    }

    fn new_page(&mut self, landscape: bool) {
        self.landscape = landscape;
        let (w, h) = if landscape { (A4.1, A4.0) } else { A4 };
        self.pages.push(Page { width: w, height: h, items: Vec::new() });
        self.y = TOP;
    }

    /// Starts a new page unless `h` more points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() {
            let landscape = self.landscape;
            self.new_page(landscape);
        }
    }

    fn text(&mut self, x: f32, baseline: f32, style: Style, size: f32, color: Rgb, text: &str) {
        let runs = self.fonts.runs(style, &one_line(text));
        self.push(Item::Text { x, y: baseline, size, color, runs });
    }

    /// Wraps `text` to `width` points.
    fn wrap(&mut self, style: Style, size: f32, text: &str, width: f32) -> Vec<String> {
        let text = one_line(text);
        let space = f64::from(self.fonts.width(style, " ", size));
        let mut words = Vec::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let w = self.fonts.width(style, word, size);
            if w <= width {
                words.push(Word { text: word.to_owned(), width: f64::from(w), space, style });
                continue;
            }
            // An over-long word (an ARN, a URI, CJK text) breaks where it fits, preferably after a separator.
            let pieces = self.split_long(style, size, word, width);
            let count = pieces.len();
            for (i, p) in pieces.into_iter().enumerate() {
                let pw = f64::from(self.fonts.width(style, &p, size));
                words.push(Word { text: p, width: pw, space: if i + 1 == count { space } else { 0.0 }, style });
            }
        }
        if words.is_empty() {
            return vec![String::new()];
        }
        let lines = textwrap::wrap_algorithms::wrap_first_fit(&words, &[f64::from(width)]);
        lines
            .iter()
            .map(|line| {
                let mut s = String::new();
                for (i, w) in line.iter().enumerate() {
                    s.push_str(&w.text);
                    if i + 1 < line.len() && w.space > 0.0 {
                        s.push(' ');
                    }
                }
                s
            })
            .collect()
    }

    fn split_long(&mut self, style: Style, size: f32, word: &str, width: f32) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest: Vec<char> = word.chars().collect();
        while !rest.is_empty() {
            // The longest prefix that fits (at least one character).
            let mut fit = 0;
            let mut acc = 0.0;
            for c in &rest {
                let cw = self.fonts.width(style, &c.to_string(), size);
                if acc + cw > width && fit > 0 {
                    break;
                }
                acc += cw;
                fit += 1;
            }
            let mut cut = fit;
            if fit < rest.len() {
                if let Some(p) = rest[..fit].iter().rposition(|c| matches!(c, '/' | ':' | '-' | '_' | '.' | ',' | '@'))
                {
                    if p + 1 >= fit / 2 {
                        cut = p + 1;
                    }
                }
            }
            out.push(rest[..cut].iter().collect());
            rest.drain(..cut);
        }
        out
    }

    /// A wrapped paragraph at the cursor.
    fn paragraph(&mut self, text: &str, style: Style, size: f32, indent: f32, color: Rgb) {
        let width = self.width() - indent;
        let lh = size * LEADING;
        for line in self.wrap(style, size, text, width) {
            self.ensure(lh);
            let baseline = self.y + size;
            self.text(MARGIN + indent, baseline, style, size, color, &line);
            self.y += lh;
        }
    }

    fn heading(&mut self, title: &str) {
        self.ensure(16.0 + 4.0 * BODY * LEADING);
        self.y += 8.0;
        let page = self.pages.len();
        self.outline.push((title.to_owned(), page));
        let baseline = self.y + 13.0;
        self.text(MARGIN, baseline, Style::Bold, 13.0, Rgb::ACCENT, title);
        self.y += 13.0 * LEADING + 4.0;
    }

    fn subheading(&mut self, title: &str) {
        self.ensure(11.0 + 3.0 * BODY * LEADING);
        self.y += 3.0;
        let baseline = self.y + 10.5;
        self.text(MARGIN, baseline, Style::Bold, 10.5, Rgb::BLACK, title);
        self.y += 10.5 * LEADING + 2.0;
    }

    /// Wraps styled spans to `width` points: each word keeps its span's style, and a space is kept only where the
    /// text has one, so `(` `code` `)` stay together.
    fn wrap_spans(&mut self, spans: &[Span], base: Style, size: f32, width: f32) -> Lines {
        let mut words: Vec<Word> = Vec::new();
        for span in spans {
            let style = span_style(span, base);
            let text = one_line(span.text());
            let parts: Vec<&str> = text.split(' ').collect();
            for (k, part) in parts.iter().enumerate() {
                if part.is_empty() {
                    // A span that starts with a space: the word before it is followed by one.
                    if let (0, Some(last_style)) = (k, words.last().map(|w| w.style)) {
                        let sp = f64::from(self.fonts.width(last_style, " ", size));
                        if let Some(last) = words.last_mut() {
                            last.space = sp;
                        }
                    }
                    continue;
                }
                self.push_word(&mut words, style, size, part, width);
                if k + 1 < parts.len() {
                    let sp = f64::from(self.fonts.width(style, " ", size));
                    if let Some(last) = words.last_mut() {
                        last.space = sp;
                    }
                }
            }
        }
        if words.is_empty() {
            return vec![Vec::new()];
        }
        let lines = textwrap::wrap_algorithms::wrap_first_fit(&words, &[f64::from(width)]);
        lines.iter().map(|line| segments(line)).collect()
    }

    /// Adds a word, broken into pieces that fit when it is wider than the line (an ARN, a URI, CJK text).
    fn push_word(&mut self, words: &mut Vec<Word>, style: Style, size: f32, word: &str, width: f32) {
        let w = self.fonts.width(style, word, size);
        if w <= width {
            words.push(Word { text: word.to_owned(), width: f64::from(w), space: 0.0, style });
            return;
        }
        for p in self.split_long(style, size, word, width) {
            let pw = f64::from(self.fonts.width(style, &p, size));
            words.push(Word { text: p, width: pw, space: 0.0, style });
        }
    }

    /// One line of styled segments at (x, baseline).
    fn draw_segments(&mut self, x: f32, baseline: f32, size: f32, color: Rgb, line: &[(Style, String)]) {
        let mut runs = Vec::new();
        for (style, text) in line {
            runs.extend(self.fonts.runs(*style, text));
        }
        if !runs.is_empty() {
            self.push(Item::Text { x, y: baseline, size, color, runs });
        }
    }

    fn rich_paragraph(&mut self, spans: &[Span], size: f32, indent: f32) {
        let width = self.width() - indent;
        let lh = size * LEADING;
        for line in self.wrap_spans(spans, Style::Regular, size, width) {
            self.ensure(lh);
            let baseline = self.y + size;
            self.draw_segments(MARGIN + indent, baseline, size, Rgb::BLACK, &line);
            self.y += lh;
        }
        self.y += 3.0;
    }

    /// A shaded box of wrapped paragraphs that splits across pages.
    fn boxed(&mut self, paragraphs: &[&[Span]], fill: Rgb, stroke: Rgb) {
        let pad = 7.0;
        let width = self.width() - 2.0 * pad;
        let lh = BODY * LEADING;
        let mut lines = Vec::new();
        for p in paragraphs {
            lines.extend(self.wrap_spans(p, Style::Regular, BODY, width));
        }
        let mut i = 0;
        while i < lines.len() {
            self.ensure(lh + 2.0 * pad);
            let room = ((self.bottom() - self.y - 2.0 * pad) / lh).floor().max(1.0) as usize;
            let chunk: Vec<Vec<(Style, String)>> = lines[i..(i + room).min(lines.len())].to_vec();
            let h = chunk.len() as f32 * lh + 2.0 * pad;
            let top = self.y;
            let w = self.width();
            self.push(Item::Rect { x: MARGIN, y: top, w, h, fill: Some(fill), stroke: Some(stroke), line: 0.8 });
            for (k, line) in chunk.iter().enumerate() {
                self.draw_segments(MARGIN + pad, top + pad + BODY + k as f32 * lh, BODY, Rgb::BLACK, line);
            }
            self.y = top + h + 6.0;
            i += chunk.len();
        }
    }

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
        for row in std::iter::once(&head).chain(rows) {
            let mut widths = vec![(pad, 0.0); n];
            for (i, cell) in row.iter().enumerate().take(n) {
                let (all, longest, digest) = self.measure(cell, size);
                widths[i] = (all + pad, if digest > 0.0 { digest + pad } else { 0.0 });
                least[i] = least[i].max((longest + pad).min(total * 0.22));
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

    /// A table: cells wrap; a row of a few lines stays on one page; the header repeats on every page.
    fn table(&mut self, header: &[String], rows: &[Vec<Inline>], size: f32) {
        let widths = self.column_widths(header, rows, size);
        let lh = size * LEADING;
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
        // The header never ends a page alone: it goes with the first row (as much of it as is kept whole).
        let first = rows.first().map_or(1, |r| r.iter().map(Vec::len).max().unwrap_or(1)).clamp(1, ROW_KEPT_WHOLE);
        self.ensure(2.0 * (lh + 2.0 * CELL_PAD) + (first - 1) as f32 * lh);
        self.table_header(&head, &widths, size);
        for cells in &rows {
            self.table_row(&head, &widths, cells, size);
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

    fn fields(&mut self, rows: &[Field]) {
        let rows: Vec<Vec<Inline>> = rows
            .iter()
            .map(|f| {
                let mut value = f.value.clone();
                if let Some(s) = &f.source {
                    value.push(Span::Text(format!(" [{s}]")));
                }
                vec![vec![Span::Strong(f.label.clone())], value]
            })
            .collect();
        self.table(&["Field".to_owned(), "Value".to_owned()], &rows, TABLE);
    }

    fn title_block(&mut self, d: &Document, info: &DocumentInfo) {
        self.text(MARGIN, self.y + 10.0, Style::Regular, 10.0, Rgb::GREY, "LINEAGE AUDIT");
        self.y += 16.0;
        for line in self.wrap(Style::Bold, 20.0, &d.title, A4.0 - 2.0 * MARGIN) {
            self.text(MARGIN, self.y + 20.0, Style::Bold, 20.0, Rgb::BLACK, &line);
            self.y += 26.0;
        }
        self.y += 4.0;
        let mut facts = d.facts.clone();
        let fact = |label: &str, value: &str| Field {
            label: label.to_owned(),
            value: vec![Span::Text(value.to_owned())],
            source: None,
        };
        if let Some(p) = &info.question_period {
            facts.push(fact("Question period", p));
        }
        facts.push(fact("Generated on", &info.generated_on));
        self.fields(&facts);
        self.subheading("Provenance");
        let sentence = [Span::Text(d.sentence.clone())];
        self.boxed(&[&sentence, &d.summary], Rgb::SHADE, Rgb::ACCENT);
    }

    /// A section: the graph starts a landscape page, the evidence a new page; the rest flows.
    fn section(&mut self, s: &DocSection) {
        let figure = s.blocks.iter().any(|b| matches!(b, Block::Figure(_)));
        if figure {
            self.new_page(true);
        } else if s.section == Section::Evidence {
            self.new_page(false);
        }
        self.heading(s.title());
        for b in &s.blocks {
            self.block(b);
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Subheading(t) => self.subheading(t),
            Block::Paragraph(spans) => self.rich_paragraph(spans, BODY, 0.0),
            Block::Fields(rows) => self.fields(rows),
            Block::Table { header, rows } => self.table(header, rows, TABLE),
            Block::List(items) => {
                for i in items {
                    let mut item = vec![Span::Text("• ".into())];
                    item.extend(i.iter().cloned());
                    self.rich_paragraph(&item, SMALL, 8.0);
                }
                self.y += 4.0;
            }
            Block::History(entries) => self.history(entries),
            Block::Tree(t) => self.tree(t),
            Block::Note { kind, text, detail } => {
                let (fill, stroke) = match kind {
                    NoteKind::Note => (Rgb::SHADE, Rgb::RULE),
                    NoteKind::Gap | NoteKind::Conflict => (Rgb::GAP_FILL, Rgb::GAP_STROKE),
                };
                let mut first = vec![Span::Strong(format!("{}: ", kind.label()))];
                if *kind == NoteKind::Gap {
                    first.clear();
                }
                first.extend(text.iter().cloned());
                let detail = detail.clone().unwrap_or_default();
                self.boxed(&[&first, &detail], fill, stroke);
            }
            Block::Figure(f) => self.graph(f),
            Block::Evidence(rows) => {
                let rows: Vec<Vec<Inline>> = rows
                    .iter()
                    .map(|r| {
                        vec![
                            vec![Span::Text(r.name.clone())],
                            vec![Span::Text(r.bytes.to_string())],
                            vec![Span::Code(r.sha256.clone())],
                        ]
                    })
                    .collect();
                let header = ["File", "Bytes", "SHA-256"].map(String::from);
                self.table(&header, &rows, SMALL - 0.8);
            }
        }
    }

    fn history(&mut self, entries: &[HistoryEntry]) {
        let marks = entries.iter().any(|e| e.current);
        let rows: Vec<Vec<Inline>> = entries
            .iter()
            .map(|e| {
                let mut row = Vec::new();
                if marks {
                    row.push(vec![Span::Strong(if e.current { "in effect".into() } else { String::new() })]);
                }
                row.extend([vec![Span::Text(e.when.clone())], e.what.clone(), vec![Span::Text(e.sources.join("; "))]]);
                row
            })
            .collect();
        let mut header: Vec<String> = if marks { vec![String::new()] } else { Vec::new() };
        header.extend(["When", "What", "Sources"].map(String::from));
        self.table(&header, &rows, TABLE);
    }

    fn tree(&mut self, tree: &str) {
        let size = 8.0;
        let lh = size * 1.25;
        let width = self.width();
        for line in tree.lines() {
            // Continuation lines keep the tree's indentation so the structure stays readable.
            let indent: String = line.chars().take_while(|c| matches!(c, ' ' | '│' | '├' | '└' | '─')).collect();
            let indent_width = self.fonts.width(Style::Mono, &indent, size);
            let wrapped = self.wrap(Style::Mono, size, &line[indent.len()..], (width - indent_width).max(width / 3.0));
            for (i, piece) in wrapped.iter().enumerate() {
                self.ensure(lh);
                let prefix =
                    if i == 0 { indent.clone() } else { indent.replace(['├', '└'], "│").replace('─', " ") };
                self.text(MARGIN, self.y + size, Style::Mono, size, Rgb::BLACK, &format!("{prefix}{piece}"));
                self.y += lh;
            }
        }
        self.y += 6.0;
    }

    fn graph(&mut self, r: &Figure) {
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
        let visible = |x: f32, y: f32, w: f32, h: f32| {
            x + w >= view.0 && x <= view.0 + view.2 && y + h >= view.1 && y <= view.1 + view.3
        };
        let p = |x: f64, y: f64| (origin.0 + x as f32 * s, origin.1 + y as f32 * s);
        for e in &g.edges {
            let pts: Vec<(f32, f32)> = e.points.iter().map(|&(x, y)| p(x, y)).collect();
            let (minx, maxx) =
                pts.iter().fold((f32::MAX, f32::MIN), |a, q| (a.0.min(q.0 - origin.0), a.1.max(q.0 - origin.0)));
            let (miny, maxy) =
                pts.iter().fold((f32::MAX, f32::MIN), |a, q| (a.0.min(q.1 - origin.1), a.1.max(q.1 - origin.1)));
            if !visible(minx, miny, maxx - minx, maxy - miny) {
                continue;
            }
            let drawn = &r.graph.edges[e.edge];
            let colour = match (e.reversed, drawn.system()) {
                (true, _) => Rgb::GAP_STROKE,
                (false, System::SageMaker) => Rgb::GREY,
                (false, _) => Rgb::CROSS,
            };
            self.push(Item::Path { points: pts.clone(), color: colour, width: 0.6, dashed: e.reversed });
            if let [.., a, b] = pts.as_slice() {
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let len = (dx * dx + dy * dy).sqrt().max(0.001);
                let (ux, uy) = (dx / len, dy / len);
                let head = 5.0 * s;
                let base = (b.0 - ux * head, b.1 - uy * head);
                let side = (-uy * head * 0.45, ux * head * 0.45);
                self.push(Item::Triangle {
                    points: [*b, (base.0 + side.0, base.1 + side.1), (base.0 - side.0, base.1 - side.1)],
                    color: colour,
                });
                let mut label = drawn.label();
                if e.edges.len() > 1 {
                    label.push_str(&format!(" ×{}", e.edges.len()));
                }
                let size = 6.0 * s;
                let lw = self.fonts.width(Style::Regular, &label, size);
                let mid = ((a.0 + b.0) / 2.0 - lw / 2.0, (a.1 + b.1) / 2.0 - 1.5 * s);
                let ink = if colour == Rgb::CROSS { Rgb::CROSS } else { Rgb::GREY };
                self.text(mid.0, mid.1, Style::Regular, size, ink, &label);
            }
        }
        for n in &g.nodes {
            let (x, y) = p(n.x, n.y);
            let (w, h) = (n.width as f32 * s, n.height as f32 * s);
            if !visible(x - origin.0, y - origin.1, w, h) {
                continue;
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
            let name = if n.members.len() > 1 {
                format!("{} vertices like {}", n.members.len(), v.name)
            } else {
                v.name.clone()
            };
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
            let kind =
                self.wrap(Style::Regular, type_size, &kind, w - 2.0 * pad).into_iter().next().unwrap_or_default();
            self.text(x + pad, y + h - pad, Style::Regular, type_size, Rgb::GREY, &kind);
        }
    }

    /// The characters no embedded font covers, listed after the evidence.
    fn uncovered_note(&mut self) {
        let uncovered: Vec<String> = self.fonts.uncovered.iter().map(|c| format!("U+{:04X}", *c as u32)).collect();
        if !uncovered.is_empty() {
            self.subheading("Characters without a glyph");
            let text = format!(
                "No embedded font covers these characters; they are printed as <U+XXXX>: {}.",
                uncovered.join(", ")
            );
            self.paragraph(&text, Style::Regular, SMALL, 0.0, Rgb::GAP_STROKE);
        }
    }

    fn footers(&mut self, title: &str) {
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

impl fmt::Display for Layout {
    /// The golden-test view: every item on every page, one line each, coordinates rounded to 0.1 pt.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (title, page) in &self.outline {
            writeln!(f, "outline p{page} {title}")?;
        }
        for (i, page) in self.pages.iter().enumerate() {
            writeln!(f, "page {} {:.1}x{:.1}", i + 1, page.width, page.height)?;
            for item in &page.items {
                let mut line = String::new();
                match item {
                    Item::Text { x, y, size, runs, .. } => {
                        let _ = write!(line, "  text {x:.1},{y:.1} {size:.1}pt");
                        for r in runs {
                            let _ = write!(line, " [{:?}] {}", r.face, r.text);
                        }
                    }
                    Item::Rect { x, y, w, h, fill, stroke, .. } => {
                        let _ = write!(
                            line,
                            "  rect {x:.1},{y:.1} {w:.1}x{h:.1} fill={} stroke={}",
                            fill.is_some(),
                            stroke.is_some()
                        );
                    }
                    Item::Path { points, dashed, .. } => {
                        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
                        let _ = write!(line, "  path{} {}", if *dashed { " dashed" } else { "" }, pts.join(" "));
                    }
                    Item::Triangle { points, .. } => {
                        let _ = write!(line, "  arrow {:.1},{:.1}", points[0].0, points[0].1);
                    }
                }
                writeln!(f, "{line}")?;
            }
        }
        Ok(())
    }
}
