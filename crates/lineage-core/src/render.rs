//! Two faces of the audit [`Document`]: plain text and Markdown (every input string escaped), and standalone HTML
//! (the Markdown through pulldown-cmark, with any raw HTML turned back into text). Each walks the document's blocks
//! generically; neither reads the report. Also the text forms of `lineage query` and `lineage inspect`.

use crate::text::{count, one_line, report_title};
use std::fmt::Write as _;

use pulldown_cmark::{html, CowStr, Event, Options, Parser};

pub use crate::document::Section;
use crate::document::{plain, Block, Document, Field, Inline, Span};

/// The affected inferences of an impact as CSV (RFC 4180, a header row): id, time, endpoint, variant, model
/// package, and `served` (`yes`, or `possibly` for one in a switch). A cell an input names that a spreadsheet would
/// read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`.
pub fn impact_csv(i: &crate::impact::Impact) -> String {
    let cell = |s: &str| {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_owned()
        }
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["id", "time", "endpoint", "variant", "model_package", "served"]);
    for r in i.inference_rows() {
        let served = if r.certain { "yes" } else { "possibly" };
        let time = r.time.to_string();
        let variant = r.variant.as_deref().unwrap_or("");
        let row = [cell(&r.id), time, cell(&r.endpoint), cell(variant), cell(&r.model_package), served.to_owned()];
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// JSON as the tool prints it (`--format json`): pretty, with a final newline. A sealed PDF's `report.json` is this,
/// byte for byte, wherever it is made (the CLI, the page's PDF worker).
pub fn json<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(value).map(|mut s| {
        s.push('\n');
        s
    })
}

/// The document as plain text for a terminal: every input string on one line.
pub fn text(d: &Document) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", report_title(&d.title, one_line));
    text_fields(&mut o, "   ", &d.facts);
    let _ = writeln!(o, "\n{}\n{}\n", one_line(&d.sentence), text_spans(&d.summary));
    for s in &d.sections {
        let _ = writeln!(o, "{}", s.title());
        let mut indent = "   ";
        for b in &s.blocks {
            if let Block::Subheading(t) = b {
                let _ = writeln!(o, "   {}:", one_line(t));
                indent = "     ";
            } else {
                text_block(&mut o, indent, b);
            }
        }
        let _ = writeln!(o);
    }
    o
}

/// A titled list of blocks outside a report document (the fleet check's), as text.
pub fn text_blocks(title: &str, blocks: &[Block]) -> String {
    let mut o = format!("{}\n\n", one_line(title));
    let mut indent = "";
    for b in blocks {
        if let Block::Subheading(t) = b {
            let _ = writeln!(o, "\n{}:", one_line(t));
            indent = "  ";
        } else {
            text_block(&mut o, indent, b);
            if matches!(b, Block::Paragraph(_)) {
                o.push('\n');
            }
        }
    }
    o
}

/// A titled list of blocks outside a report document, as Markdown (every input string escaped).
pub fn markdown_blocks(title: &str, blocks: &[Block]) -> String {
    let mut o = format!("# {}\n\n", md_escape(title));
    for b in blocks {
        md_block(&mut o, b);
    }
    o
}

fn text_spans(spans: &[Span]) -> String {
    one_line(&plain(spans))
}

fn text_fields(o: &mut String, indent: &str, rows: &[Field]) {
    let width = rows.iter().map(|f| one_line(&f.label).chars().count() + 1).max().unwrap_or(0);
    for f in rows {
        let src = f.source.as_deref().map_or(String::new(), |s| format!("  [{}]", one_line(s)));
        let label = format!("{}:", one_line(&f.label));
        let _ = writeln!(o, "{indent}{label:<width$} {}{src}", text_spans(&f.value));
    }
}

/// Columns padded to their widest cell (the last one not padded).
fn text_table(o: &mut String, indent: &str, header: &[String], rows: &[Vec<Inline>]) {
    let cells: Vec<Vec<String>> = std::iter::once(header.iter().map(|h| one_line(h)).collect())
        .chain(rows.iter().map(|r| r.iter().map(|c| text_spans(c)).collect()))
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| cells.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0))
        .collect();
    for row in &cells {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ", w = widths[i]);
            }
        }
        let _ = writeln!(o, "{indent}{}", line.trim_end());
    }
}

fn text_block(o: &mut String, indent: &str, b: &Block) {
    match b {
        Block::Subheading(t) => {
            let _ = writeln!(o, "{indent}{}:", one_line(t));
        }
        Block::Paragraph(s) => {
            let _ = writeln!(o, "{indent}{}", text_spans(s));
        }
        Block::Fields(rows) => text_fields(o, indent, rows),
        Block::Table { header, rows } => text_table(o, indent, header, rows),
        Block::List(items) => items.iter().for_each(|i| {
            let _ = writeln!(o, "{indent}- {}", text_spans(i));
        }),
        Block::History(entries) => entries.iter().for_each(|e| {
            let mark = if e.current { "→" } else { "-" };
            let _ = writeln!(o, "{indent}{mark} {}  {}", one_line(&e.when), text_spans(&e.what));
            e.sources.iter().for_each(|s| {
                let _ = writeln!(o, "{indent}    [{}]", one_line(s));
            });
        }),
        Block::Tree(t) => t.lines().for_each(|l| {
            let _ = writeln!(o, "{}", one_line(l));
        }),
        Block::Note { kind, text, detail } => {
            let _ = writeln!(o, "{indent}{}: {}", kind.label(), text_spans(text));
            if let Some(d) = detail {
                let _ = writeln!(o, "{indent}  {}", text_spans(d));
            }
        }
        Block::Figure(f) => {
            let _ = writeln!(o, "{indent}{} (drawn in the PDF and on the page)", f.caption);
            f.edges.iter().for_each(|e| {
                let _ = writeln!(o, "{indent}{}", one_line(e));
            });
        }
        Block::Evidence(rows) => rows.iter().for_each(|r| {
            let _ = writeln!(o, "{indent}{}  {} bytes  sha256 {}", one_line(&r.name), r.bytes, r.sha256);
        }),
    }
}

/// Escapes text from an input for Markdown: the characters that can start emphasis, code, links, images, HTML,
/// entities or table cells get a backslash wherever they stand, and a leading punctuation mark (or the `.`/`)` of
/// a leading number) too, so no heading, list or quote can start with it either. What remains renders literally.
pub fn md_escape(s: &str) -> String {
    let text = one_line(s);
    let mut out = String::with_capacity(text.len() + 8);
    let leading_digits = text.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in text.chars().enumerate() {
        let special = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '!' | '~');
        let leading = i == 0 && c.is_ascii_punctuation();
        let numbered = i == leading_digits && leading_digits > 0 && matches!(c, '.' | ')');
        if special || leading || numbered {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn md_code_block(out: &mut String, text: &str) {
    // The fence is longer than any backtick run inside, so input cannot close it.
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}text");
    for line in text.lines() {
        let _ = writeln!(out, "{}", one_line(line));
    }
    let _ = writeln!(out, "{fence}");
}

/// The document as Markdown: every input string escaped, so it renders as the text it is.
pub fn markdown(d: &Document) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", report_title(&d.title, md_escape));
    md_fields(&mut o, &d.facts);
    let _ = writeln!(o, "> {}\n", md_escape(&d.sentence));
    let _ = writeln!(o, "{}\n", md_spans(&d.summary));
    for s in &d.sections {
        let _ = writeln!(o, "## {}\n", s.title());
        for b in &s.blocks {
            md_block(&mut o, b);
        }
    }
    o
}

/// Inline spans as Markdown. An identifier with a `|` in it is escaped text rather than code, so it cannot split
/// a table cell.
fn md_spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Code(t) if !t.contains('|') && !t.trim().is_empty() => md_code_span(t),
            Span::Text(t) | Span::Code(t) => md_escape(t),
            Span::Strong(t) => format!("**{}**", md_escape(t.trim_end())) + if t.ends_with(' ') { " " } else { "" },
            Span::Emphasis(t) => format!("*{}*", md_escape(t.trim_end())) + if t.ends_with(' ') { " " } else { "" },
            Span::Link { text, to } => format!("[{}](#{})", md_escape(text), to.anchor()),
            // Another report has no place in this document: its name, as text.
            Span::Report { text, .. } => md_escape(text),
        })
        .collect()
}

/// A code span whose backtick fence is longer than any run of backticks inside, so input cannot close it.
fn md_code_span(t: &str) -> String {
    let t = one_line(t);
    let longest = t.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if t.starts_with('`') || t.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{t}{pad}{fence}")
}

fn md_row(cells: impl IntoIterator<Item = String>) -> String {
    let cells: Vec<String> = cells.into_iter().collect();
    format!("| {} |", cells.join(" | "))
}

fn md_table(o: &mut String, header: &[String], rows: impl Iterator<Item = Vec<String>>) {
    let _ = writeln!(o, "{}", md_row(header.iter().map(|h| md_escape(h))));
    let _ = writeln!(o, "{}", md_row(header.iter().map(|_| "---".to_owned())));
    for r in rows {
        let _ = writeln!(o, "{}", md_row(r));
    }
    let _ = writeln!(o);
}

fn md_fields(o: &mut String, rows: &[Field]) {
    let sourced = rows.iter().any(|f| f.source.is_some());
    let mut header = vec!["Field".to_owned(), "Value".to_owned()];
    if sourced {
        header.push("Source".to_owned());
    }
    let cells = rows.iter().map(|f| {
        let mut row = vec![md_escape(&f.label), md_spans(&f.value)];
        if sourced {
            row.push(f.source.as_deref().map(md_escape).unwrap_or_default());
        }
        row
    });
    md_table(o, &header, cells);
}

fn md_block(o: &mut String, b: &Block) {
    let lines = |o: &mut String, items: &mut dyn Iterator<Item = String>| {
        items.for_each(|i| {
            let _ = writeln!(o, "- {i}");
        });
        o.push('\n');
    };
    match b {
        Block::Subheading(t) => o.push_str(&format!("### {}\n\n", md_escape(t))),
        Block::Paragraph(s) => o.push_str(&format!("{}\n\n", md_spans(s))),
        Block::Fields(rows) => md_fields(o, rows),
        Block::Table { header, rows } => {
            md_table(o, header, rows.iter().map(|r| r.iter().map(|c| md_spans(c)).collect()))
        }
        Block::List(items) => lines(o, &mut items.iter().map(|i| md_spans(i))),
        Block::History(entries) => {
            let header = ["In effect", "When", "What", "Sources"].map(String::from);
            let rows = entries.iter().map(|e| {
                let sources: Vec<String> = e.sources.iter().map(|s| md_escape(s)).collect();
                let mark = if e.current { "yes" } else { "" };
                vec![mark.to_owned(), md_escape(&e.when), md_spans(&e.what), sources.join("; ")]
            });
            md_table(o, &header, rows)
        }
        Block::Tree(t) => {
            md_code_block(o, t);
            o.push('\n');
        }
        Block::Note { kind, text, detail } => {
            let detail = detail.as_ref().map_or(String::new(), |d| format!("  \n> {}", md_spans(d)));
            o.push_str(&format!("> **{}:** {}{detail}\n\n", kind.label(), md_spans(text)));
        }
        Block::Figure(f) => {
            o.push_str(&format!("{} (drawn in the PDF and on the page).\n\n", f.caption));
            lines(o, &mut f.edges.iter().map(|e| md_escape(e)));
        }
        Block::Evidence(rows) => {
            let header = ["File", "Bytes", "SHA-256"].map(String::from);
            let cells = rows.iter().map(|r| vec![md_escape(&r.name), r.bytes.to_string(), md_escape(&r.sha256)]);
            md_table(o, &header, cells)
        }
    }
}

/// Markdown to an HTML fragment; raw HTML in the Markdown is shown as text, never passed through. A heading that is
/// a section's title gets the section's anchor as its id, so the document's links land.
pub fn markdown_to_html(md: &str) -> String {
    // Every piece of text, raw HTML in the input included, is written escaped with quotes too (`&quot;`), so no
    // input text can read as an attribute even to a naive scanner.
    let escaped = |s: &str| {
        let mut out = String::new();
        let _ = pulldown_cmark_escape::escape_html(&mut out, s);
        Event::InlineHtml(out.into())
    };
    let mut events: Vec<Event<'_>> = Parser::new_ext(md, Options::ENABLE_TABLES).collect();
    for i in 0..events.len() {
        let title = match events.get(i + 1) {
            Some(Event::Text(t)) => Section::ALL.into_iter().find(|s| s.title() == t.as_ref()),
            _ => None,
        };
        if let (Event::Start(pulldown_cmark::Tag::Heading { id, .. }), Some(s)) = (&mut events[i], title) {
            *id = Some(CowStr::Borrowed(s.anchor()));
        }
    }
    let parser = events.into_iter().map(|ev| match ev {
        Event::Html(s) | Event::InlineHtml(s) | Event::Text(s) => escaped(&s),
        Event::Start(pulldown_cmark::Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(pulldown_cmark::Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(pulldown_cmark::Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(pulldown_cmark::Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    if ["http://", "https://", "#"].iter().any(|p| lower.starts_with(p)) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// The report as a standalone HTML page (no scripts; a Content-Security-Policy forbids them anyway).
pub fn html(d: &Document) -> String {
    let body = markdown_to_html(&markdown(d));
    let title = html_escape(&report_title(&d.title, one_line));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}

const CSS: &str = "body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }\n\
blockquote { border-left: 4px solid #146eb4; margin: 1rem 0; padding: 0.5rem 1rem; background: #f3f7fb; }\n\
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }\n\
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }\n\
pre { background: #f6f6f6; padding: 0.75rem; overflow-x: auto; }\n";

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `lineage query` (walk) as text.
pub fn walk_text(w: &crate::query::WalkOutput) -> String {
    let mut o = String::new();
    let dir = match w.direction {
        crate::query::Direction::Ancestors => "Ancestors",
        crate::query::Direction::Descendants => "Descendants",
        crate::query::Direction::Both => "Ancestors and descendants",
    };
    let depth = w.max_depth.map_or("unlimited".to_owned(), |d| d.to_string());
    let _ = writeln!(o, "{dir} of {} (max depth {depth})", named(&w.start));
    let reached =
        format!("{}; {} among the vertices reached", count(w.vertices.len(), "vertex"), count(w.edges.len(), "edge"));
    let _ = writeln!(o, "{reached}\n");
    if !w.vertices.is_empty() {
        walk_table(&mut o, &w.vertices);
    }
    if !w.edges.is_empty() {
        let _ = writeln!(o, "\nedges:");
        for e in &w.edges {
            let _ = writeln!(
                o,
                "  {} --{}--> {}",
                one_line(&e.source),
                one_line(e.association_type.as_deref().unwrap_or("(none)")),
                one_line(&e.destination)
            );
        }
    }
    o
}

/// A vertex as `name (ARN)`, or its ARN when its name is the ARN.
fn named(v: &crate::query::OutVertex) -> String {
    if v.name.is_empty() || v.name == v.arn {
        one_line(&v.arn)
    } else {
        format!("{} ({})", one_line(&v.name), one_line(&v.arn))
    }
}

/// The walk's vertices as columns: how many steps up (an ancestor) or down (a descendant), lineage type, entity
/// type, name and ARN.
fn walk_table(o: &mut String, vertices: &[crate::query::OutVertex]) {
    let width = |f: &dyn Fn(&crate::query::OutVertex) -> String, min: usize| {
        vertices.iter().map(|v| f(v).chars().count()).max().unwrap_or(0).max(min)
    };
    let steps = |v: &crate::query::OutVertex| match v.direction {
        Some(crate::query::Stream::Downstream) => format!("down {}", v.depth.unwrap_or(0)),
        _ => format!("up {}", v.depth.unwrap_or(0)),
    };
    let lineage = |v: &crate::query::OutVertex| v.lineage_type.map_or("-", |t| t.as_str()).to_owned();
    let kind = |v: &crate::query::OutVertex| one_line(v.entity_type.as_deref().unwrap_or("-"));
    let name = |v: &crate::query::OutVertex| one_line(&v.name);
    let (sw, lw, tw, nw) = (width(&steps, 5), width(&lineage, 12), width(&kind, 4), width(&name, 4));
    let _ = writeln!(o, "{:<sw$}  {:<lw$}  {:<tw$}  {:<nw$}  arn", "steps", "lineage type", "type", "name");
    for v in vertices {
        let row = format!("{:<sw$}  {:<lw$}  {:<tw$}  {:<nw$}  ", steps(v), lineage(v), kind(v), name(v));
        let _ = writeln!(o, "{row}{}", one_line(&v.arn));
    }
}

/// `lineage query --to` as text.
pub fn path_text(p: &crate::query::PathOutput) -> String {
    let mut o = String::new();
    let kind = match p.kind {
        None => {
            let _ = writeln!(o, "{} and {} are not connected.", one_line(&p.from.arn), one_line(&p.to.arn));
            return o;
        }
        Some(crate::query::PathKind::Directed) => "directed path",
        Some(crate::query::PathKind::Reverse) => "no directed path; the target is upstream: path against the edges",
        Some(crate::query::PathKind::Undirected) => "no directed path either way; undirected connection",
    };
    let _ = writeln!(
        o,
        "From {}\nto   {}\n{kind}, {}:\n",
        one_line(&p.from.arn),
        one_line(&p.to.arn),
        count(p.edges.len(), "edge")
    );
    if let Some(first) = p.vertices.first() {
        let _ = writeln!(o, "  {}", named(first));
    }
    for (e, v) in p.edges.iter().zip(p.vertices.iter().skip(1)) {
        let t = one_line(e.association_type.as_deref().unwrap_or("(none)"));
        let backward = e.walked == Some(crate::query::Walked::Backward);
        let arrow = if backward { format!("<--{t}--") } else { format!("--{t}-->") };
        let _ = writeln!(o, "    {arrow} {}", named(v));
    }
    o
}

/// `lineage inspect` as text.
pub fn inspect_text(l: &crate::model::Lineage) -> String {
    let s = crate::summary::Summary::new(l);
    let mut o = String::new();
    inspect_inputs(&mut o, l, &s);
    inspect_graph(&mut o, &s);
    inspect_joins(&mut o, l);
    inspect_records(&mut o, l);
    inspect_audit(&mut o, l);
    inspect_starts_and_warnings(&mut o, l);
    o
}

/// `lineage inspect`: the input files, what each held and the fields kept but not interpreted.
fn inspect_inputs(o: &mut String, l: &crate::model::Lineage, s: &crate::summary::Summary) {
    let _ = writeln!(o, "Inputs ({}, {})", count(s.stats.files, "file"), count(s.stats.documents, "document"));
    for i in &l.inputs {
        let kinds: Vec<String> =
            i.kinds.iter().map(|(k, n)| if *n == 1 { k.clone() } else { format!("{k} ×{n}") }).collect();
        let _ = writeln!(o, "  {}  {} bytes  sha256 {}  ({})", one_line(&i.name), i.bytes, i.sha256, kinds.join(", "));
        for k in i.other_fields.keys() {
            let _ = writeln!(o, "    kept, not interpreted: {}", one_line(k));
        }
    }
}

/// `lineage inspect`: the graph's size, the records read and merged, and the counts by type.
fn inspect_graph(o: &mut String, s: &crate::summary::Summary) {
    let _ = writeln!(o, "\nGraph: {}, {}", count(s.vertices, "vertex"), count(s.edges, "edge"));
    let _ = writeln!(
        o,
        "  read {} ({} merged) from {}",
        count(s.stats.vertices_read, "vertex record"),
        count(s.stats.duplicate_vertices, "duplicate"),
        count(s.stats.query_pages, "QueryLineage page")
    );
    let (edges, duplicates) = (count(s.stats.edges_read, "edge record"), count(s.stats.duplicate_edges, "duplicate"));
    let _ = writeln!(o, "  read {edges} ({duplicates} merged)");
    let _ = writeln!(
        o,
        "  {} ({} repeated), {}",
        count(s.stats.descriptions, "Describe response"),
        s.stats.duplicate_descriptions,
        count(s.stats.association_summaries, "association summary")
    );
    let _ = writeln!(o, "\nBy lineage type:");
    for (k, n) in &s.by_lineage_type {
        let _ = writeln!(o, "  {:<16} {n}", k);
    }
    let _ = writeln!(o, "\nBy entity type:");
    for (k, n) in &s.by_entity_type {
        let _ = writeln!(o, "  {:<28} {n}", one_line(k));
    }
    let _ = writeln!(o, "\nBy association type:");
    for (k, n) in &s.by_association_type {
        let _ = writeln!(o, "  {:<16} {n}", one_line(k));
    }
}

/// `lineage inspect`: the joins of vertices to Describe responses, other systems and joins across them.
fn inspect_joins(o: &mut String, l: &crate::model::Lineage) {
    let _ = writeln!(o, "\nJoins ({}):", l.graph.joins.len());
    for j in &l.graph.joins {
        let _ = writeln!(o, "  {} = {}  [{}]", one_line(&j.vertex), one_line(&j.described), j.how);
    }
    if l.stats.openlineage_events > 0 {
        let _ = writeln!(
            o,
            "\nOther systems: {} OpenLineage events (Marquez nodes and runs included)",
            l.stats.openlineage_events
        );
    }
    if !l.graph.cross_joins.is_empty() {
        let _ = writeln!(o, "\nJoins across systems ({}):", l.graph.cross_joins.len());
        for j in &l.graph.cross_joins {
            let _ = writeln!(o, "  {} = {}  [{}]", one_line(&j.vertex), one_line(&j.described), j.how);
        }
    }
}

/// `lineage inspect`: the Describe responses and the records beside the lineage.
fn inspect_records(o: &mut String, l: &crate::model::Lineage) {
    let g = &l.graph;
    let described = [
        count(g.training_jobs.len(), "training job"),
        count(g.processing_jobs.len(), "processing job"),
        count(g.model_packages.len(), "model package"),
    ];
    let _ = writeln!(o, "\nDescribed: {}", described.join(", "));
    let r = &l.graph.records;
    let st = &l.stats;
    let beside = [
        format!("{} ({} repeated)", count(r.captures.len(), "capture record"), st.duplicate_capture_records),
        count(r.endpoints.len(), "endpoint"),
        count(r.endpoint_configs.len(), "endpoint config"),
        count(r.models.len(), "model"),
        format!("{} ({} repeated)", count(r.trail.len(), "CloudTrail event"), st.duplicate_cloudtrail_events),
        format!(
            "{} ({} repeated)",
            count(r.package_events.len(), "EventBridge model-package change"),
            st.duplicate_package_state_events
        ),
    ];
    let _ = writeln!(o, "Beside the lineage: {}", beside.join(", "));
    let executions = &r.pipelines;
    let steps: usize = executions.values().map(|e| e.steps().len()).sum();
    let _ = writeln!(o, "Pipelines: {}, {}", count(executions.len(), "execution"), count(steps, "step"));
}

/// `lineage inspect`: the audit table's rows (one per key), each with where it was read and how many mapped facts
/// it holds; nothing when no table or map was given.
fn inspect_audit(o: &mut String, l: &crate::model::Lineage) {
    let table = &l.graph.records.audit;
    let Some(map) = &table.map else {
        if !table.rows.is_empty() {
            let _ = writeln!(o, "\nAudit table (no column map): {}", count(table.rows.len(), "row"));
        }
        return;
    };
    let _ = writeln!(
        o,
        "\nAudit table {} (key {}): {}",
        one_line(&map.table),
        one_line(&map.key),
        count(table.rows.len(), "row")
    );
    for row in &table.rows {
        let key = row.text(&map.key).unwrap_or_default();
        let facts = count(row.facts(&map.columns).len(), "mapped fact");
        let _ = writeln!(o, "  {}  {:?}  {}  {facts}", one_line(&key), row.format, one_line(&row.origin.to_string()));
    }
}

/// `lineage inspect`: the export's StartArns and the warnings.
fn inspect_starts_and_warnings(o: &mut String, l: &crate::model::Lineage) {
    if !l.start_arns.is_empty() {
        let _ = writeln!(o, "\nStartArns:");
        for a in &l.start_arns {
            let _ = writeln!(o, "  {}", one_line(a));
        }
    }
    let _ = writeln!(o, "\nWarnings ({}):", l.warnings.len());
    for w in &l.warnings {
        let _ = writeln!(o, "  - {}", one_line(w));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_start_markup_is_escaped_too() {
        for (input, escaped) in [("# h", "\\# h"), ("- item", "\\- item"), ("1. one", "1\\. one"), ("a-b/c", "a-b/c")] {
            assert_eq!(md_escape(input), escaped);
            let html = markdown_to_html(&format!("- {}\n", md_escape(input)));
            assert!(!html.contains("<h1>") && !html.contains("<ol>") && html.matches("<li>").count() == 1, "{html}");
        }
    }

    #[test]
    fn markdown_escaping_leaves_no_markup() {
        let hostile =
            "<script>alert(1)</script> [x](javascript:alert(1)) **b** | `c` <img src=x onerror=alert(1)>\n# h";
        let html = markdown_to_html(&format!("{}\n", md_escape(hostile)));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<a "), "{html}");
        assert!(!html.contains("<strong>"), "{html}");
        assert!(!html.contains("<h1>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    }

    #[test]
    fn raw_html_and_script_links_in_markdown_are_neutralised() {
        let html = markdown_to_html("<b>x</b>\n\n[a](javascript:alert(1)) <div onclick=x>\n");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn code_fences_outgrow_backticks_in_input() {
        let mut o = String::new();
        md_code_block(&mut o, "a ```` b\n");
        let html = markdown_to_html(&o);
        assert!(html.starts_with("<pre><code"), "{html}");
        assert!(html.contains("a ```` b"), "{html}");
    }
}
