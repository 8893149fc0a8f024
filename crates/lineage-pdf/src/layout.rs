//! Page layout, pure: the audit [`Document`] and font metrics in, positioned text runs, boxes and lines out. Each
//! block kind has one way to be laid out; nothing here reads the report behind the document.
//!
//! Coordinates are points from the page's top-left corner (y grows downwards); `emit` turns them into PDF
//! operators. Text wraps by measured width (textwrap's first-fit over our own fragments), tables continue on the
//! next page with their header repeated, and boxes split across pages, so nothing runs off a page.
//!
//! The builder's pieces live in submodules: `page` (the cursor, pages, headings and footers), `text` (wrapping and
//! paragraphs), `table` (tables, fields and their column widths) and `graph` (the ancestry figure). This file holds
//! the public types, the walk over the document's blocks and the golden-test view.

mod graph;
mod labels;
mod page;
mod table;
mod text;

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use lineage_core::document::{Block, DocSection, Document, Field, HistoryEntry, Inline, InputRow, NoteKind, Span};
use lineage_core::text::one_line;
use lineage_core::Section;

use crate::fonts::{Fonts, Run, Style};

pub use graph::lineage_colours;

/// A colour, components 0..1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0.1, 0.1, 0.1);
    pub const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);
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
    /// Outline entries, in document order.
    pub outline: Vec<Bookmark>,
    /// Characters no embedded face covers (drawn as `<U+XXXX>`).
    pub uncovered: BTreeSet<char>,
}

/// An outline entry: a heading's title, its 1-based page, and the top of its text (points from the page's top).
#[derive(Clone, Debug, PartialEq)]
pub struct Bookmark {
    pub title: String,
    pub page: usize,
    pub top: f32,
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
/// Evidence table text.
const EVIDENCE: f32 = SMALL - 0.8;
/// A heading's height.
const HEADING: f32 = 8.0 + 13.0 * LEADING + 4.0;
/// A subheading's height.
const SUBHEADING: f32 = 3.0 + 10.5 * LEADING + 2.0;

/// Lays out the whole document.
pub fn layout(doc: &Document, info: &DocumentInfo, fonts: &mut Fonts<'_>) -> Layout {
    let mut b = Builder { fonts, pages: Vec::new(), y: 0.0, outline: Vec::new(), landscape: false };
    b.new_page(false);
    b.title_block(doc, info);
    for s in &doc.sections {
        b.section(s);
    }
    b.uncovered_note();
    let title = lineage_core::text::report_title(&doc.title, one_line);
    b.footers(&title);
    let uncovered = b.fonts.uncovered.clone();
    Layout { pages: b.pages, outline: b.outline, uncovered }
}

/// The layout in progress: the pages so far, the cursor (`y` on the last page), the outline and the last page's
/// orientation. Its methods are spread over the submodules by what they lay out.
struct Builder<'f, 'a> {
    fonts: &'f mut Fonts<'a>,
    pages: Vec<Page>,
    y: f32,
    outline: Vec<Bookmark>,
    landscape: bool,
}

impl Builder<'_, '_> {
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
        // A heading, and a subheading, goes with the start of the table under it (all of a short table).
        let lead = self.lead_at(&s.blocks, 0);
        self.ensure(HEADING + lead);
        self.heading(s.title());
        for (i, b) in s.blocks.iter().enumerate() {
            if matches!(b, Block::Subheading(_)) {
                let lead = self.lead_at(&s.blocks, i);
                self.ensure(lead);
            }
            self.block(b);
        }
    }

    /// What must be on the page where `blocks[i]` starts: a subheading and the lead of the block after it, or
    /// the block's own lead.
    fn lead_at(&mut self, blocks: &[Block], i: usize) -> f32 {
        match (blocks.get(i), blocks.get(i + 1)) {
            (Some(Block::Subheading(_)), Some(next)) => SUBHEADING + self.lead_of(next),
            (Some(b), _) => self.lead_of(b),
            (None, _) => 0.0,
        }
    }

    /// What of a table-like block must be on the page it starts on (nothing for other blocks).
    fn lead_of(&mut self, b: &Block) -> f32 {
        match b {
            Block::Table { header, rows } => self.table_lead(header, rows, TABLE),
            Block::Fields(rows) => {
                let (header, rows) = table::field_table(rows);
                self.table_lead(&header, &rows, TABLE)
            }
            Block::History(entries) => {
                let (header, rows) = history_table(entries);
                self.table_lead(&header, &rows, TABLE)
            }
            Block::Evidence(rows) => {
                let (header, rows) = evidence_table(rows);
                self.table_lead(&header, &rows, EVIDENCE)
            }
            _ => 0.0,
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
                let (header, rows) = evidence_table(rows);
                self.table(&header, &rows, EVIDENCE);
            }
        }
    }

    fn history(&mut self, entries: &[HistoryEntry]) {
        let (header, rows) = history_table(entries);
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
}

/// A dated history as a table; a first column marks the entry in effect when one is.
fn history_table(entries: &[HistoryEntry]) -> (Vec<String>, Vec<Vec<Inline>>) {
    let marks = entries.iter().any(|e| e.current);
    let rows = entries
        .iter()
        .map(|e| {
            let mut row = Vec::new();
            if marks {
                row.push(vec![Span::Strong(if e.current { "yes".into() } else { String::new() })]);
            }
            row.extend([vec![Span::Text(e.when.clone())], e.what.clone(), vec![Span::Text(e.sources.join("; "))]]);
            row
        })
        .collect();
    let mut header: Vec<String> = if marks { vec!["In effect".to_owned()] } else { Vec::new() };
    header.extend(["When", "What", "Sources"].map(String::from));
    (header, rows)
}

/// The input files with their sizes and digests.
fn evidence_table(rows: &[InputRow]) -> (Vec<String>, Vec<Vec<Inline>>) {
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                vec![Span::Text(r.name.clone())],
                vec![Span::Text(r.bytes.to_string())],
                vec![Span::Code(r.sha256.clone())],
            ]
        })
        .collect();
    (["File", "Bytes", "SHA-256"].map(String::from).to_vec(), rows)
}

impl fmt::Display for Layout {
    /// The golden-test view: every item on every page, one line each, coordinates rounded to 0.1 pt.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.outline {
            writeln!(f, "outline p{} y{:.1} {}", b.page, b.top, b.title)?;
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
