//! Page layout, pure: a `Report` and font metrics in, positioned text runs, boxes and lines out.
//!
//! Coordinates are points from the page's top-left corner (y grows downwards); `emit` turns them into PDF
//! operators. Text wraps by measured width (textwrap's first-fit over our own fragments), tables continue on the
//! next page with their header repeated, and boxes split across pages, so nothing runs off a page.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use lineage_core::graph_layout::{self, LayoutOptions};
use lineage_core::narrative::Report;
use lineage_core::render::{self, one_line, Section};
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

/// A value the export may lack, as the report words it.
fn nr(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "not recorded".into())
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

/// Lays out the whole report.
pub fn layout(report: &Report, info: &DocumentInfo, fonts: &mut Fonts<'_>) -> Layout {
    let mut b = Builder { fonts, pages: Vec::new(), y: 0.0, outline: Vec::new(), landscape: false };
    b.new_page(false);
    b.title_block(report, info);
    b.answers(report);
    b.gaps(report);
    b.tree(report);
    b.graph(report);
    b.appendix(report);
    let title = format!("Lineage audit: {}", one_line(&report.subject.name));
    b.footers(&title);
    let uncovered = b.fonts.uncovered.clone();
    Layout { pages: b.pages, outline: b.outline, uncovered }
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
                words.push(Word { text: word.to_owned(), width: f64::from(w), space });
                continue;
            }
            // An over-long word (an ARN, a URI, CJK text) breaks where it fits, preferably after a separator.
            let pieces = self.split_long(style, size, word, width);
            let count = pieces.len();
            for (i, p) in pieces.into_iter().enumerate() {
                let pw = f64::from(self.fonts.width(style, &p, size));
                words.push(Word { text: p, width: pw, space: if i + 1 == count { space } else { 0.0 } });
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

    /// A shaded box of wrapped text that splits across pages.
    fn boxed(&mut self, paragraphs: &[(Style, String)], fill: Rgb, stroke: Rgb) {
        let pad = 7.0;
        let width = self.width() - 2.0 * pad;
        let lh = BODY * LEADING;
        let mut lines: Vec<(Style, String)> = Vec::new();
        for (style, text) in paragraphs {
            for l in self.wrap(*style, BODY, text, width) {
                lines.push((*style, l));
            }
        }
        let mut i = 0;
        while i < lines.len() {
            self.ensure(lh + 2.0 * pad);
            let room = ((self.bottom() - self.y - 2.0 * pad) / lh).floor().max(1.0) as usize;
            let chunk = &lines[i..(i + room).min(lines.len())];
            let h = chunk.len() as f32 * lh + 2.0 * pad;
            let top = self.y;
            self.push(Item::Rect {
                x: MARGIN,
                y: top,
                w: self.width(),
                h,
                fill: Some(fill),
                stroke: Some(stroke),
                line: 0.8,
            });
            let mut y = top + pad;
            for (style, line) in chunk {
                self.text(MARGIN + pad, y + BODY, *style, BODY, Rgb::BLACK, line);
                y += lh;
            }
            self.y = top + h + 6.0;
            i += chunk.len();
        }
    }

    /// A table: column widths as fractions of the text width; cells wrap; the header repeats on every page.
    fn table(&mut self, header: &[&str], fractions: &[f32], rows: &[Vec<String>], styles: &[Style]) {
        self.table_sized(header, fractions, rows, styles, SMALL + 0.5);
    }

    fn table_sized(&mut self, header: &[&str], fractions: &[f32], rows: &[Vec<String>], styles: &[Style], size: f32) {
        let total = self.width();
        let widths: Vec<f32> = fractions.iter().map(|f| f * total).collect();
        let pad = 3.0;
        let lh = size * LEADING;
        let draw_header = |b: &mut Builder| {
            let h = lh + 2.0 * pad;
            let top = b.y;
            b.push(Item::Rect { x: MARGIN, y: top, w: total, h, fill: Some(Rgb::SHADE), stroke: None, line: 0.0 });
            let mut x = MARGIN;
            for (i, title) in header.iter().enumerate() {
                b.text(x + pad, top + pad + size, Style::Bold, size, Rgb::BLACK, title);
                x += widths[i];
            }
            b.y += h;
        };
        self.ensure(2.0 * (lh + 2.0 * pad));
        draw_header(self);
        for row in rows {
            let cells: Vec<Vec<String>> = row
                .iter()
                .enumerate()
                .map(|(i, cell)| {
                    let style = styles.get(i).copied().unwrap_or(Style::Regular);
                    self.wrap(style, size, cell, widths[i] - 2.0 * pad)
                })
                .collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            // A row of a few lines is kept on one page, so a reader never has to join a cell across a page break;
            // only a row too tall for any page is split (with the header repeated).
            if lines <= ROW_KEPT_WHOLE && self.y + lines as f32 * lh + 2.0 * pad > self.bottom() {
                let landscape = self.landscape;
                self.new_page(landscape);
                draw_header(self);
            }
            let mut done = 0;
            while done < lines {
                if self.y + lh + 2.0 * pad > self.bottom() {
                    let landscape = self.landscape;
                    self.new_page(landscape);
                    draw_header(self);
                }
                let room = ((self.bottom() - self.y - 2.0 * pad) / lh).floor().max(1.0) as usize;
                let take = (lines - done).min(room);
                let top = self.y;
                let mut x = MARGIN;
                for (i, cell) in cells.iter().enumerate() {
                    let style = styles.get(i).copied().unwrap_or(Style::Regular);
                    for (k, line) in cell.iter().skip(done).take(take).enumerate() {
                        self.text(x + pad, top + pad + size + k as f32 * lh, style, size, Rgb::BLACK, line);
                    }
                    x += widths[i];
                }
                self.y = top + take as f32 * lh + 2.0 * pad;
                self.push(Item::Path {
                    points: vec![(MARGIN, self.y), (MARGIN + total, self.y)],
                    color: Rgb::RULE,
                    width: 0.5,
                    dashed: false,
                });
                done += take;
            }
        }
        self.y += 8.0;
    }

    fn key_values(&mut self, rows: Vec<(&str, String)>) {
        let rows: Vec<Vec<String>> = rows.into_iter().map(|(k, v)| vec![k.to_owned(), v]).collect();
        self.table(&["Field", "Value"], &[0.26, 0.74], &rows, &[Style::Bold, Style::Regular]);
    }

    fn title_block(&mut self, r: &Report, info: &DocumentInfo) {
        self.text(MARGIN, self.y + 10.0, Style::Regular, 10.0, Rgb::GREY, "LINEAGE AUDIT");
        self.y += 16.0;
        let title = render::report_title(r);
        for line in self.wrap(Style::Bold, 20.0, &title, A4.0 - 2.0 * MARGIN) {
            self.text(MARGIN, self.y + 20.0, Style::Bold, 20.0, Rgb::BLACK, &line);
            self.y += 26.0;
        }
        self.y += 4.0;
        let mut rows = vec![
            ("Subject", format!("{} ({})", r.subject.name, r.subject.kind.replace('_', " "))),
            ("Start vertex", r.subject.arn.clone()),
        ];
        if let Some(inf) = &r.inference {
            rows.insert(0, ("Inference", format!("{} at {} on endpoint {}", inf.id, inf.time, inf.endpoint)));
        }
        if let Some(p) = &info.question_period {
            rows.push(("Question period", p.clone()));
        }
        rows.push(("Generated on", info.generated_on.clone()));
        rows.push((
            "Export",
            format!("{} files, {} vertices, {} edges", r.import.files, r.import.vertices, r.import.edges),
        ));
        self.key_values(rows);
        self.subheading("Provenance");
        let gaps = if r.gaps.is_empty() {
            "Every question is answered from the export.".to_owned()
        } else {
            format!("{} question(s) cannot be answered from the export: see Gaps.", r.gaps.len())
        };
        self.boxed(&[(Style::Regular, r.sentence.clone()), (Style::Bold, gaps)], Rgb::SHADE, Rgb::ACCENT);
    }

    /// The five answers and the code, each under the title every format gives it ([`Section`]).
    fn answers(&mut self, r: &Report) {
        self.model_version(r);
        self.training_data(r);
        self.upstream_sources(r);
        self.hyperparameters(r);
        self.approval(r);
        self.code(r);
    }

    fn model_version(&mut self, r: &Report) {
        self.heading(Section::ModelVersion.title());
        if let Some(inf) = &r.inference {
            self.subheading(&format!("Inference {}", inf.id));
            let rows: Vec<(&str, String)> =
                render::inference_rows(inf).into_iter().map(|(k, v)| (k.trim_end_matches(':'), v)).collect();
            self.key_values(rows);
            self.subheading(&format!("Deployment history of {} ({})", inf.endpoint, render::variant_name(inf)));
            let rows: Vec<Vec<String>> = inf
                .history
                .iter()
                .map(|d| {
                    let mark = if *d == inf.deployment { "in effect" } else { "" };
                    vec![mark.to_owned(), render::deployment_line(d), d.sources.join("; ")]
                })
                .collect();
            self.table(
                &["", "Deployment", "Sources"],
                &[0.1, 0.45, 0.45],
                &rows,
                &[Style::Bold, Style::Regular, Style::Regular],
            );
            for n in &inf.notes {
                self.paragraph(&format!("Note: {n}"), Style::Regular, BODY, 0.0, Rgb::BLACK);
            }
            self.subheading("Model package");
        }
        let mv = &r.answers.model_version;
        let mut rows = vec![
            ("Model package", nr(&mv.arn)),
            ("Group", nr(&mv.group)),
            ("Version", mv.version.map_or("not recorded".into(), |v| v.to_string())),
            ("Approval status", nr(&mv.approval_status)),
        ];
        let described = render::model_described_rows(mv);
        rows.extend(described.iter().map(|(l, v)| (l.as_str(), v.clone())));
        self.key_values(rows);
    }

    fn training_data(&mut self, r: &Report) {
        let a = &r.answers;
        self.heading(Section::TrainingData.title());
        if a.training_jobs.is_empty() {
            self.paragraph("No training job is recorded.", Style::Regular, BODY, 0.0, Rgb::BLACK);
        }
        for j in &a.training_jobs {
            self.subheading(&format!("Training job {}", j.name));
            self.key_values(vec![
                ("Job", j.arn.clone()),
                ("Ended", j.ended_at.map_or("not recorded".into(), |t| t.minute_utc())),
                ("Status", nr(&j.status)),
            ]);
        }
        if a.training_datasets.is_empty() {
            self.paragraph("No training dataset is recorded.", Style::Regular, BODY, 0.0, Rgb::BLACK);
        }
        for d in &a.training_datasets {
            self.subheading(&format!("{} {}", d.kind_label(), d.uri.clone().or(d.arn.clone()).unwrap_or_default()));
            let mut rows = vec![
                ("Artifact", nr(&d.arn)),
                ("URI", nr(&d.uri)),
                ("Channel", nr(&d.channel)),
                ("Fed training job", d.training_job.clone()),
            ];
            for (k, v) in &d.properties {
                rows.push((k.as_str(), v.clone()));
            }
            self.key_values(rows);
        }
    }

    fn upstream_sources(&mut self, r: &Report) {
        let a = &r.answers;
        self.heading(Section::UpstreamSources.title());
        if a.upstream_sources.is_empty() {
            self.paragraph("No upstream source is recorded.", Style::Regular, BODY, 0.0, Rgb::BLACK);
            return;
        }
        let rows: Vec<Vec<String>> = a
            .upstream_sources
            .iter()
            .map(|u| {
                vec![
                    u.kind.replace('_', " "),
                    a.fed_label(u).map_or_else(|| u.name.clone(), |fed| format!("{} (into {fed})", u.name)),
                    nr(&u.version),
                    match &u.uri {
                        Some(uri) => format!("{uri} · {}", u.arn),
                        None => u.arn.clone(),
                    },
                ]
            })
            .collect();
        self.table(&["Kind", "Name", "Version", "URI and artifact"], &[0.18, 0.2, 0.14, 0.48], &rows, &[]);
    }

    fn hyperparameters(&mut self, r: &Report) {
        let a = &r.answers;
        self.heading(Section::Hyperparameters.title());
        if a.training_jobs.is_empty() {
            self.paragraph("Not recorded (no training job).", Style::Regular, BODY, 0.0, Rgb::BLACK);
        }
        for j in &a.training_jobs {
            self.subheading(&format!("Training job {}", j.name));
            let hp: Vec<Vec<String>> = j.hyperparameters.iter().map(|(k, v)| vec![k.clone(), v.clone()]).collect();
            if hp.is_empty() {
                self.paragraph("Hyperparameters: not recorded.", Style::Regular, BODY, 0.0, Rgb::BLACK);
            } else {
                self.table(&["Hyperparameter", "Value"], &[0.4, 0.6], &hp, &[Style::Mono, Style::Mono]);
            }
            let m: Vec<Vec<String>> =
                j.metrics.iter().map(|(k, v)| vec![k.clone(), lineage_core::import::format_number(*v)]).collect();
            if m.is_empty() {
                self.paragraph("Final metrics: not recorded.", Style::Regular, BODY, 0.0, Rgb::BLACK);
            } else {
                self.table(&["Metric", "Final value"], &[0.4, 0.6], &m, &[Style::Mono, Style::Mono]);
            }
        }
    }

    fn approval(&mut self, r: &Report) {
        self.heading(Section::Approval.title());
        let Some(ap) = &r.answers.approval else {
            self.paragraph("Not recorded.", Style::Regular, BODY, 0.0, Rgb::BLACK);
            return;
        };
        let src = |k: &str| ap.sources.get(k).map_or(String::new(), |s| format!(" [{s}]"));
        let rows: Vec<(&str, String)> = render::approval_rows(ap)
            .into_iter()
            .map(|(label, value, key)| (label, format!("{value}{}", src(key))))
            .collect();
        self.key_values(rows);
        if !ap.history.is_empty() {
            self.subheading("Approval status history");
            let rows: Vec<Vec<String>> = ap
                .history
                .iter()
                .map(|c| {
                    vec![
                        c.at.map_or("undated".into(), |t| t.to_string()),
                        c.status.clone(),
                        nr(&c.by),
                        c.sources.join("; "),
                    ]
                })
                .collect();
            self.table(
                &["When", "Status", "By", "Sources"],
                &[0.16, 0.23, 0.26, 0.35],
                &rows,
                &[Style::Regular, Style::Bold, Style::Regular, Style::Regular],
            );
        }
        for c in &ap.conflicts {
            self.paragraph(&format!("Conflict: {c}"), Style::Bold, BODY, 0.0, Rgb::BLACK);
        }
    }

    fn code(&mut self, r: &Report) {
        let a = &r.answers;
        self.heading(Section::Code.title());
        if a.code.is_empty() {
            self.paragraph("No code commit is recorded.", Style::Regular, BODY, 0.0, Rgb::BLACK);
        } else {
            let rows: Vec<Vec<String>> =
                a.code.iter().map(|c| vec![nr(&c.repository), nr(&c.commit), c.source.clone()]).collect();
            self.table(&["Repository", "Commit", "Source"], &[0.4, 0.3, 0.3], &rows, &[Style::Regular, Style::Mono]);
        }
    }

    fn gaps(&mut self, r: &Report) {
        self.heading(Section::Gaps.title());
        if r.gaps.is_empty() {
            self.paragraph("None: every question is answered from the export.", Style::Regular, BODY, 0.0, Rgb::BLACK);
            return;
        }
        for g in &r.gaps {
            self.boxed(
                &[
                    (Style::Bold, format!("Not recorded ({}): {}", g.question.replace('_', " "), g.detail)),
                    (Style::Regular, format!("Closes with: {}", g.closes_with)),
                ],
                Rgb::GAP_FILL,
                Rgb::GAP_STROKE,
            );
        }
    }

    fn tree(&mut self, r: &Report) {
        self.heading(Section::AncestryTree.title());
        let size = 8.0;
        let lh = size * 1.25;
        let width = self.width();
        for line in r.tree.lines() {
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

    fn graph(&mut self, r: &Report) {
        let opts = LayoutOptions::default();
        let g = graph_layout::layout(&r.graph, &opts);
        self.new_page(true);
        self.heading(Section::LineageGraph.title());
        self.legend();
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

    fn legend(&mut self) {
        let mut x = MARGIN;
        let y = self.y;
        for (label, (fill, stroke)) in
            ["Artifact", "Action", "Context", "TrialComponent"].iter().map(|t| (*t, lineage_colours(Some(t))))
        {
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
    }

    /// Draws the part of the graph inside `view` (x, y, w, h in scaled units) with `origin` as the page offset.
    fn draw_graph(
        &mut self,
        r: &Report,
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
            let colour = if e.reversed { Rgb::GAP_STROKE } else { Rgb::GREY };
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
                let mut label = r.graph.edges[e.edge].association_type.clone().unwrap_or_else(|| "(none)".into());
                if e.edges.len() > 1 {
                    label.push_str(&format!(" ×{}", e.edges.len()));
                }
                let size = 6.0 * s;
                let lw = self.fonts.width(Style::Regular, &label, size);
                let mid = ((a.0 + b.0) / 2.0 - lw / 2.0, (a.1 + b.1) / 2.0 - 1.5 * s);
                self.text(mid.0, mid.1, Style::Regular, size, Rgb::GREY, &label);
            }
        }
        for n in &g.nodes {
            let (x, y) = p(n.x, n.y);
            let (w, h) = (n.width as f32 * s, n.height as f32 * s);
            if !visible(x - origin.0, y - origin.1, w, h) {
                continue;
            }
            let v = &r.graph.vertices[n.vertex];
            let (fill, stroke) = lineage_colours(v.lineage_type.as_deref());
            let subject = v.arn == r.subject.arn;
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
                v.lineage_type.as_deref().unwrap_or("no lineage type"),
                v.entity_type.as_deref().unwrap_or("untyped")
            );
            let kind =
                self.wrap(Style::Regular, type_size, &kind, w - 2.0 * pad).into_iter().next().unwrap_or_default();
            self.text(x + pad, y + h - pad, Style::Regular, type_size, Rgb::GREY, &kind);
        }
    }

    fn appendix(&mut self, r: &Report) {
        self.new_page(false);
        self.heading(Section::Evidence.title());
        self.subheading("Input files");
        let rows: Vec<Vec<String>> =
            r.inputs.iter().map(|i| vec![render::input_label(i), i.bytes.to_string(), i.sha256.clone()]).collect();
        let styles = [Style::Regular, Style::Regular, Style::Mono];
        self.table_sized(&["File", "Bytes", "SHA-256"], &[0.34, 0.08, 0.58], &rows, &styles, SMALL - 0.8);
        if !r.superseded.is_empty() {
            self.subheading("Superseded descriptions");
            for s in &r.superseded {
                self.paragraph(&format!("• {}", render::superseded_line(s)), Style::Regular, SMALL, 8.0, Rgb::BLACK);
            }
            self.y += 6.0;
        }
        self.subheading("What the import read");
        let st = &r.import;
        self.key_values(vec![
            ("Files / documents", format!("{} / {}", st.files, st.documents)),
            ("Graph", format!("{} vertices, {} edges", st.vertices, st.edges)),
            ("QueryLineage pages", st.query_pages.to_string()),
            ("Vertex records", format!("{} read, {} duplicates merged", st.vertices_read, st.duplicate_vertices)),
            ("Edge records", format!("{} read, {} duplicates merged", st.edges_read, st.duplicate_edges)),
            ("Describe responses", format!("{} ({} repeated)", st.descriptions, st.duplicate_descriptions)),
            ("Association summaries", st.association_summaries.to_string()),
            ("Report graph", format!("{} vertices, {} edges drawn", r.graph.vertices.len(), r.graph.edges.len())),
        ]);
        self.subheading("Warnings");
        if r.warnings.is_empty() {
            self.paragraph("None.", Style::Regular, BODY, 0.0, Rgb::BLACK);
        }
        for w in &r.warnings {
            self.paragraph(&format!("• {w}"), Style::Regular, SMALL, 8.0, Rgb::BLACK);
        }
        self.y += 6.0;
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
pub fn lineage_colours(lineage_type: Option<&str>) -> (Rgb, Rgb) {
    match lineage_type {
        Some("Artifact") => (Rgb(0.84, 0.90, 0.96), Rgb(0.08, 0.43, 0.71)),
        Some("Action") => (Rgb(0.86, 0.94, 0.88), Rgb(0.33, 0.62, 0.40)),
        Some("Context") => (Rgb(1.0, 0.91, 0.76), Rgb(0.90, 0.55, 0.0)),
        Some("TrialComponent") => (Rgb(0.99, 0.94, 0.77), Rgb(0.80, 0.62, 0.12)),
        _ => (Rgb(0.93, 0.93, 0.93), Rgb(0.5, 0.5, 0.5)),
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
