//! PDF: the example and fixtures rendered with the bundled fonts, checked with qpdf and pdftotext (Debian's
//! qpdf and poppler-utils; `scripts/test` installs them), plus a golden snapshot of the layout model.

use std::path::Path;
use std::process::Command;

use lineage_core::{Document, Report, RoleTable};
use lineage_pdf::{FontSet, PdfOptions, Rendered};

use crate::{expect_ref, fixtures, load, root};

struct Fonts {
    regular: Vec<u8>,
    bold: Vec<u8>,
    mono: Vec<u8>,
    cjk: Vec<u8>,
}

fn fonts() -> Fonts {
    let read = |name: &str| std::fs::read(root().join("fonts").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    Fonts {
        regular: read("DejaVuSans.ttf"),
        bold: read("DejaVuSans-Bold.ttf"),
        mono: read("DejaVuSansMono.ttf"),
        cjk: read("DroidSansFallbackFull.ttf"),
    }
}

pub fn with_options<T>(f: impl FnOnce(&PdfOptions<'_>) -> T) -> T {
    let fonts = fonts();
    let fallbacks: Vec<&[u8]> = vec![&fonts.cjk];
    let opts = PdfOptions {
        fonts: FontSet { regular: &fonts.regular, bold: &fonts.bold, mono: &fonts.mono, fallbacks: &fallbacks },
        generated_on: "2026-11-28".into(),
        attachments: Vec::new(),
        question_period: Some("2027-03-12 to 2027-03-12".into()),
    };
    f(&opts)
}

fn report_for(path: &Path, start: Option<&str>) -> Report {
    let lineage = load(path).unwrap_or_else(|e| panic!("{e}"));
    let start = lineage_core::resolve_start(&lineage, start).unwrap_or_else(|e| panic!("{e}"));
    lineage_core::report(&lineage, start).unwrap_or_else(|e| panic!("{e}"))
}

fn render(report: &Report) -> Rendered {
    with_options(|o| lineage_pdf::render(&Document::new(report), o)).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a Debian tool on the PDF; a missing tool is a clear failure, not a skip.
fn tool(program: &str, args: &[&str], pdf: &[u8]) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("lineage-pdf-it-{}-{}", std::process::id(), program));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join(format!("t{}.pdf", pdf.len()));
    std::fs::write(&file, pdf).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(program)
        .args(args)
        .arg(&file)
        .args(if program == "pdftotext" { vec!["-"] } else { vec![] })
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}; install qpdf and poppler-utils (scripts/test does)"));
    let _ = std::fs::remove_file(&file);
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// Text with every whitespace removed, so wrapped lines compare equal to the unwrapped string.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pdf_text(pdf: &[u8]) -> String {
    let (ok, text) = tool("pdftotext", &["-enc", "UTF-8"], pdf);
    assert!(ok, "pdftotext failed: {text}");
    squash(&text)
}

fn pages(pdf: &[u8]) -> usize {
    let (ok, info) = tool("pdfinfo", &[], pdf);
    assert!(ok, "{info}");
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap_or(0)
}

fn assert_contains(text: &str, what: &str) {
    assert!(text.contains(&squash(what)), "the PDF's text lacks {what:?}");
}

#[test]
fn example_pdf_is_valid_complete_and_stable() {
    let report = report_for(&root().join("examples/credit-xgb"), Some("credit-xgb/73"));
    let r = render(&report);
    assert!(r.bytes.starts_with(b"%PDF-"));
    let (ok, check) = tool("qpdf", &["--check"], &r.bytes);
    assert!(ok, "qpdf --check: {check}");
    assert_eq!(pages(&r.bytes), r.pages);
    let text = pdf_text(&r.bytes);
    let a = &report.answers;
    assert_contains(&text, &report.sentence);
    assert_contains(&text, a.model_version.arn.as_deref().unwrap_or("?"));
    for j in &a.training_jobs {
        assert_contains(&text, &j.name);
        for (k, v) in j.hyperparameters.iter() {
            assert_contains(&text, &format!("{k}{v}"));
        }
        for (k, v) in j.metrics.iter() {
            assert_contains(&text, &format!("{k}{}", lineage_core::text::format_number(*v)));
        }
    }
    // The values, not only their labels: the version, the group, the approval status and time.
    assert_contains(&text, "Version73");
    assert_contains(&text, "Groupcredit-xgb");
    assert_contains(&text, "Approval statusApproved");
    assert_contains(&text, "validation:auc0.912");
    for d in &a.training_datasets {
        assert_contains(&text, d.uri.as_deref().unwrap_or("?"));
    }
    for u in &a.upstream_sources {
        assert_contains(&text, &u.name);
        assert_contains(&text, u.version.as_deref().unwrap_or("?"));
    }
    assert_contains(&text, "a14f2b9");
    assert_contains(&text, "risk-ops@company.com");
    for input in &report.inputs {
        assert_contains(&text, &input.sha256);
    }
    assert_contains(&text, &format!("page 1 of {}", r.pages));
    assert_contains(&text, "Question period");
    // Same inputs, same bytes, even within one process.
    assert_eq!(render(&report).bytes, r.bytes);
    assert!(r.bytes.len() < 150 * 1024, "{} bytes", r.bytes.len());
    let layout = with_options(|o| lineage_pdf::layout(&Document::new(&report), o)).unwrap_or_else(|e| panic!("{e}"));
    expect_ref("pdf", "example.layout.txt", &layout.to_string());
}

#[test]
fn every_gap_is_in_the_pdf_and_outlined() {
    let report = report_for(&fixtures("narrative").join("article-shape"), None);
    assert!(!report.gaps.is_empty());
    let r = render(&report);
    let text = pdf_text(&r.bytes);
    for g in &report.gaps {
        assert_contains(&text, &g.detail);
        assert_contains(&text, &g.closes_with);
    }
    let raw = String::from_utf8_lossy(&r.bytes);
    assert!(raw.contains("/Outlines"), "no outline");
}

#[test]
fn a_thousand_vertex_ancestry_paginates() {
    let opts = lineage_core::synth::SynthOptions { models: 1, weeks: 1, raw_partitions: 990, described: false };
    let mut bytes = Vec::new();
    lineage_core::synth::synth(&opts, &mut bytes).unwrap_or_else(|e| panic!("{e}"));
    let roles = RoleTable::builtin();
    let lineage = lineage_core::load([("synth.json", bytes.as_slice())], &roles).unwrap_or_else(|e| panic!("{e}"));
    let start = lineage_core::resolve_start(&lineage, None).unwrap_or_else(|e| panic!("{e}"));
    let report = lineage_core::report(&lineage, start).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.graph.vertices.len() > 1000);
    let r = render(&report);
    let (ok, check) = tool("qpdf", &["--check"], &r.bytes);
    assert!(ok, "{check}");
    assert_eq!(pages(&r.bytes), r.pages);
    expect_ref("pdf", "thousand-vertex.pages.txt", &format!("{} pages\n", r.pages));
}

#[test]
fn polish_and_chinese_text_is_real_text_and_missing_glyphs_are_reported() {
    let report = report_for(&fixtures("pdf").join("unicode"), None);
    let r = render(&report);
    let text = pdf_text(&r.bytes);
    for s in [
        "Łukasz Żółkiewski",
        "Małgorzata Wójcik-Źdźbło",
        "审批通过（风险委员会）",
        "Проверено",
        "Ελέγχθηκε",
        "2027年第10周",
    ] {
        assert_contains(&text, s);
    }
    assert_eq!(r.uncovered, vec!['\u{13000}']);
    assert_contains(&text, "<U+13000>");
    assert_contains(&text, "Characters without a glyph");
}

#[test]
fn the_injection_corpus_is_printed_literally() {
    let report = report_for(&fixtures("injection"), None);
    let r = render(&report);
    let (ok, check) = tool("qpdf", &["--check"], &r.bytes);
    assert!(ok, "{check}");
    let text = pdf_text(&r.bytes);
    assert_contains(&text, "<script>alert(\"x\")</script>");
    assert_contains(&text, "javascript:alert(document.cookie)//");
    assert_contains(&text, "[click me](javascript:alert(1)) <img src=x onerror=alert(1)>");
    assert!(!String::from_utf8_lossy(&r.bytes).contains("/JavaScript"));
}

#[test]
fn inference_pdf_shows_the_inference_and_both_histories_with_their_sources() {
    let lineage = load(&root().join("examples/credit-xgb")).unwrap_or_else(|e| panic!("{e}"));
    let query = lineage_core::subject::InferenceQuery { id: "loan-8231".into(), endpoint: None, variant: None };
    let report = lineage_core::narrative::report_inference(&lineage, &query, None).unwrap_or_else(|e| panic!("{e}"));
    let r = render(&report);
    let (ok, check) = tool("qpdf", &["--check"], &r.bytes);
    assert!(ok, "qpdf --check: {check}");
    // pdftotext joins a word broken after a hyphen at a line end and drops the hyphen (file names and ARNs break
    // there), so hyphens are left out of both sides. A table row may continue on the next page under a repeated
    // header, so a source is checked by its identifying tokens (event IDs, ARNs, file names).
    let text = pdf_text(&r.bytes).replace('-', "");
    let assert_contains = |text: &str, what: &str| assert_contains(text, &what.replace('-', ""));
    let assert_tokens = |text: &str, what: &str| {
        for token in what.split([' ', '(', ')', ';']).filter(|t| t.len() >= 12) {
            assert_contains(text, token);
        }
    };
    assert_contains(&text, &report.sentence);
    let inference = report.inference.as_ref().unwrap_or_else(|| panic!("no inference"));
    assert_contains(&text, &inference.evidence.capture_record.file);
    let doc = Document::new(&report);
    let history = doc.sections[0].blocks.iter().find_map(|b| match b {
        lineage_core::document::Block::History(h) => Some(h),
        _ => None,
    });
    let history = history.unwrap_or_else(|| panic!("no deployment history in section 1"));
    assert_eq!(history.len(), inference.history.len());
    for (entry, d) in history.iter().zip(&inference.history) {
        // Columns side by side may interleave in pdftotext's reading order: each identifying token is looked for.
        assert_tokens(&text, &lineage_core::document::plain(&entry.what));
        for s in &d.sources {
            assert_tokens(&text, s);
        }
    }
    let approval = report.answers.approval.as_ref().unwrap_or_else(|| panic!("no approval"));
    assert!(approval.history.len() >= 2);
    for c in &approval.history {
        assert_contains(&text, c.status.as_str());
        for s in &c.sources {
            assert_tokens(&text, s);
        }
    }
}

/// The section titles each format shows, in order: text and Markdown headings, the PDF outline.
fn titles_by_format(report: &Report) -> [(&'static str, Vec<String>); 3] {
    let all: Vec<&str> = lineage_core::render::Section::REPORT.iter().map(|s| s.title()).collect();
    let doc = Document::new(report);
    let text = lineage_core::render::text(&doc);
    let text_titles = text.lines().filter(|l| all.contains(l)).map(str::to_owned).collect();
    let md = lineage_core::render::markdown(&doc);
    let md_titles = md.lines().filter_map(|l| l.strip_prefix("## ")).map(str::to_owned).collect();
    let layout = with_options(|o| lineage_pdf::layout(&doc, o)).unwrap_or_else(|e| panic!("{e}"));
    let pdf_titles = layout.outline.iter().map(|b| b.title.clone()).collect();
    [("text", text_titles), ("markdown", md_titles), ("pdf outline", pdf_titles)]
}

#[test]
fn every_format_lists_the_same_numbered_sections_in_the_same_order() {
    let expected: Vec<String> = lineage_core::render::Section::REPORT.iter().map(|s| s.title().to_owned()).collect();
    let mut reports = vec![report_for(&root().join("examples/credit-xgb"), Some("credit-xgb/73"))];
    let lineage = load(&root().join("examples/credit-xgb")).unwrap_or_else(|e| panic!("{e}"));
    let q = lineage_core::subject::InferenceQuery { id: "loan-8231".into(), endpoint: None, variant: None };
    reports.push(lineage_core::narrative::report_inference(&lineage, &q, None).unwrap_or_else(|e| panic!("{e}")));
    for case in crate::cases("narrative", 8, |p| p.is_dir()) {
        reports.push(report_for(&case, None));
    }
    for r in &reports {
        // The audit-table section is shown only when a table was read (none of these exports has one), the
        // changes only when the export holds the previous version.
        let shown = |t: &&String| match t.as_str() {
            "Audit table" => !r.reconciliation.is_empty(),
            "Changes since the previous version" => r.changes.is_some(),
            _ => true,
        };
        let expected: Vec<&String> = expected.iter().filter(shown).collect();
        for (format, titles) in titles_by_format(r) {
            assert_eq!(titles.iter().collect::<Vec<_>>(), expected, "{} ({format})", r.subject.name);
        }
    }
}

fn inference_report() -> Report {
    let lineage = load(&root().join("examples/credit-xgb")).unwrap_or_else(|e| panic!("{e}"));
    let q = lineage_core::subject::InferenceQuery { id: "loan-8231".into(), endpoint: None, variant: None };
    lineage_core::narrative::report_inference(&lineage, &q, None).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_outline_is_in_document_order_and_points_at_each_heading() {
    let report = inference_report();
    let doc = Document::new(&report);
    let layout = with_options(|o| lineage_pdf::layout(&doc, o)).unwrap_or_else(|e| panic!("{e}"));
    let r = render(&report);
    let (ok, json) = tool("qpdf", &["--json", "--json-key=outlines"], &r.bytes);
    assert!(ok, "{json}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let outlines = json["outlines"].as_array().unwrap_or_else(|| panic!("no outline: {json}"));
    let titles: Vec<&str> = outlines.iter().filter_map(|o| o["title"].as_str()).collect();
    let expected: Vec<&str> = doc.sections.iter().map(|s| s.title()).collect();
    assert_eq!(titles, expected);
    for o in outlines {
        let title = o["title"].as_str().unwrap_or_default();
        let page = o["destpageposfrom1"].as_u64().unwrap_or(0) as usize;
        let dest = &o["dest"];
        assert_eq!(dest[1], "/XYZ", "{title}: {dest}");
        let top = dest[3].as_f64().unwrap_or_else(|| panic!("{title}: no top in {dest}")) as f32;
        // The heading's baseline on its page, from the layout (the PDF's y runs up from the bottom).
        let p = &layout.pages[page - 1];
        let baseline = p.items.iter().find_map(|i| match i {
            lineage_pdf::layout::Item::Text { y, runs, .. }
                if runs.iter().map(|r| r.text.as_str()).collect::<String>() == title =>
            {
                Some(p.height - y)
            }
            _ => None,
        });
        let baseline = baseline.unwrap_or_else(|| panic!("{title} is not on page {page}"));
        assert!(top > baseline + 10.0 && top < baseline + 30.0, "{title}: top {top}, heading baseline {baseline}");
    }
}

/// The text of a layout item, runs joined.
fn item_text(item: &lineage_pdf::layout::Item) -> Option<String> {
    match item {
        lineage_pdf::layout::Item::Text { runs, .. } => Some(runs.iter().map(|r| r.text.as_str()).collect()),
        _ => None,
    }
}

/// The 1-based pages with a text item that contains `needle`.
fn pages_with(layout: &lineage_pdf::Layout, needle: &str) -> Vec<usize> {
    let on = |p: &lineage_pdf::layout::Page| p.items.iter().filter_map(item_text).any(|t| t.contains(needle));
    layout.pages.iter().enumerate().filter(|(_, p)| on(p)).map(|(i, _)| i + 1).collect()
}

#[test]
fn a_short_history_stays_on_one_page_with_every_column_headed_and_its_windows_explained() {
    let report = inference_report();
    let doc = Document::new(&report);
    let layout = with_options(|o| lineage_pdf::layout(&doc, o)).unwrap_or_else(|e| panic!("{e}"));
    let inference = report.inference.as_ref().unwrap_or_else(|| panic!("no inference"));
    assert_eq!(inference.history.len(), 2);
    let heading = pages_with(&layout, "Deployment history of");
    assert_eq!(heading.len(), 1, "{heading:?}");
    for d in &inference.history {
        assert_eq!(pages_with(&layout, &d.from.to_string()), heading, "{} is not beside its heading", d.from);
    }
    // The header is drawn once, and the marker column has one.
    let page = &layout.pages[heading[0] - 1];
    let cells: Vec<String> = page.items.iter().filter_map(item_text).collect();
    assert_eq!(cells.iter().filter(|t| *t == "Sources").count(), 1, "{cells:?}");
    assert_eq!(cells.iter().filter(|t| *t == "In effect").count(), 1, "{cells:?}");
    // Every face says what "A – B" means, once.
    let window = "A time \u{201c}A \u{2013} B\u{201d}";
    let text = lineage_core::render::text(&doc);
    assert_eq!(text.matches(window).count(), 1, "{text}");
    assert_eq!(pages_with(&layout, "A time").len(), 1);
    // A long table still splits, its header repeated.
    let evidence = pages_with(&layout, "SHA-256");
    assert!(evidence.len() >= 2, "{evidence:?}");
}

/// A rectangle (x, y, w, h) from the page's top-left corner.
type Area = [f32; 4];

fn meets(a: &Area, b: &Area) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}

fn within(a: &Area, b: &Area) -> bool {
    a[0] >= b[0] - 0.5 && a[1] >= b[1] - 0.5 && a[0] + a[2] <= b[0] + b[2] + 0.5 && a[1] + a[3] <= b[1] + b[3] + 0.5
}

/// The words of a page as `pdftotext -bbox` finds them in the PDF, each with its box.
fn words(pdf: &[u8], page: usize) -> Vec<(String, Area)> {
    let n = page.to_string();
    let (ok, html) = tool("pdftotext", &["-bbox", "-f", &n, "-l", &n], pdf);
    assert!(ok, "{html}");
    let attr = |w: &str, name: &str| -> f32 {
        let from = w.find(&format!("{name}=\"")).map(|i| i + name.len() + 2).unwrap_or_else(|| panic!("{w}"));
        w[from..].split('"').next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{w}"))
    };
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let text = w.split_once('>').and_then(|(_, t)| t.split_once("</word>")).map_or("", |(t, _)| t);
            let (x0, y0) = (attr(w, "xMin"), attr(w, "yMin"));
            (text.to_owned(), [x0, y0, attr(w, "xMax") - x0, attr(w, "yMax") - y0])
        })
        .collect()
}

/// Checks the graph page of `report`: the figure fills the page, every text is 7 pt or more, no word overlaps
/// another or runs out of a box, Image boxes are named by their image, and a title too long for its box ends with
/// "…".
fn check_graph_page(report: &Report) {
    let doc = Document::new(report);
    let layout = with_options(|o| lineage_pdf::layout(&doc, o)).unwrap_or_else(|e| panic!("{e}"));
    let pages = pages_with(&layout, "Lineage graph");
    assert_eq!(pages.len(), 1, "the graph is tiled: {pages:?}");
    let page = &layout.pages[pages[0] - 1];
    use lineage_pdf::layout::Item;
    let boxes: Vec<Area> = page
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rect { x, y, w, h, stroke: Some(_), .. } if *w > 30.0 && *h > 15.0 => Some([*x, *y, *w, *h]),
            _ => None,
        })
        .collect();
    assert_eq!(boxes.len(), report.graph.vertices.len());
    // The boxes span the width between the margins and most of the height under the heading.
    let (left, right) = boxes.iter().fold((f32::MAX, 0f32), |(l, r), b| (l.min(b[0]), r.max(b[0] + b[2])));
    let (top, bottom) = boxes.iter().fold((f32::MAX, 0f32), |(t, u), b| (t.min(b[1]), u.max(b[1] + b[3])));
    assert!(right - left > 0.95 * (page.width - 100.0), "the graph is {} pt wide", right - left);
    assert!(bottom - top > 0.7 * (page.height - 54.0 - 64.0), "the graph is {} pt tall", bottom - top);
    for i in &page.items {
        if let Item::Text { size, runs, .. } = i {
            assert!(*size >= 7.0, "{size} pt: {runs:?}");
        }
    }
    let bytes = render(report).bytes;
    let words = words(&bytes, pages[0]);
    assert!(words.len() > 60, "{words:?}");
    for (k, (text, w)) in words.iter().enumerate() {
        // pdftotext's box is the font's height: about 1.16 times the size.
        assert!(w[3] >= 7.0 * 1.15, "{text:?} is {:.1} pt", w[3] / 1.164);
        let inner = [w[0] + 0.3, w[1] + 0.3, w[2] - 0.6, w[3] - 0.6];
        assert!(boxes.iter().all(|b| within(w, b) || !meets(&inner, b)), "{text:?} at {w:?} runs over a box");
        for (other, o) in &words[k + 1..] {
            assert!(!meets(&inner, o), "{text:?} at {w:?} overlaps {other:?} at {o:?}");
        }
    }
    // Box titles: the name, or its start and "…".
    let titles: Vec<String> = boxes
        .iter()
        .map(|b| {
            let bold = page.items.iter().filter_map(|i| match i {
                Item::Text { x, y, runs, .. } if within(&[*x, *y - 1.0, 1.0, 1.0], b) => {
                    Some(runs.iter().filter(|r| r.face == lineage_pdf::fonts::Face::Bold).map(|r| r.text.as_str()))
                }
                _ => None,
            });
            squash(&bold.flatten().collect::<String>())
        })
        .collect();
    for v in &report.graph.vertices {
        let name = squash(&v.name);
        let shown = titles.iter().any(|t| {
            *t == name || t.strip_suffix('…').is_some_and(|start| start.len() >= 12 && name.starts_with(start))
        });
        assert!(shown, "no box is titled {:?}: {titles:?}", v.name);
    }
    assert!(titles.iter().any(|t| t == "sagemaker-xgboost:1.7-1"), "{titles:?}");
}

#[test]
fn the_graph_page_is_filled_legible_and_uncluttered() {
    check_graph_page(&inference_report());
    check_graph_page(&report_for(&root().join("examples/credit-xgb"), Some("credit-xgb/73")));
}
