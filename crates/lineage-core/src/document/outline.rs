//! The document's own plain-text form: every block with its kind, the snapshot the narrative fixtures pin
//! (`tests/ref/narrative/*.document.txt`).

use std::fmt::Write as _;

use super::blocks::{Block, Document, Span};

impl Document {
    /// Every block with its kind, for snapshots: what each format must show, independent of how.
    pub fn outline(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "title: {}", self.title);
        for f in &self.facts {
            let _ = writeln!(o, "fact: {} = {}", f.label, spans_debug(&f.value));
        }
        let _ = writeln!(o, "sentence: {}", self.sentence);
        let _ = writeln!(o, "summary: {}", spans_debug(&self.summary));
        for s in &self.sections {
            let _ = writeln!(o, "\n# {} (#{})", s.title(), s.anchor());
            for b in &s.blocks {
                block_debug(&mut o, b);
            }
        }
        o
    }
}

fn spans_debug(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text(t) => t.clone(),
            Span::Code(t) => format!("`{t}`"),
            Span::Strong(t) => format!("**{t}**"),
            Span::Emphasis(t) => format!("_{t}_"),
            Span::Link { text, to } => format!("[{text}](#{})", to.anchor()),
            Span::Report { text, subject } => format!("[{text}](report {subject})"),
        })
        .collect()
}

fn block_debug(o: &mut String, b: &Block) {
    match b {
        Block::Subheading(t) => writeln!(o, "## {t}"),
        Block::Paragraph(s) => writeln!(o, "paragraph: {}", spans_debug(s)),
        Block::Fields(rows) => rows.iter().try_for_each(|f| {
            let src = f.source.as_deref().map_or(String::new(), |s| format!("  [{s}]"));
            writeln!(o, "field: {} = {}{src}", f.label, spans_debug(&f.value))
        }),
        Block::Table { header, rows } => {
            let _ = writeln!(o, "table: {}", header.join(" | "));
            rows.iter().try_for_each(|r| {
                writeln!(o, "  row: {}", r.iter().map(|c| spans_debug(c)).collect::<Vec<_>>().join(" | "))
            })
        }
        Block::List(items) => items.iter().try_for_each(|i| writeln!(o, "item: {}", spans_debug(i))),
        Block::History(entries) => entries.iter().try_for_each(|e| {
            let mark = if e.current { "→ " } else { "" };
            writeln!(o, "history: {mark}{}  {}  [{}]", e.when, spans_debug(&e.what), e.sources.join("; "))
        }),
        Block::Tree(t) => writeln!(o, "tree:\n{t}"),
        Block::Note { kind, text, detail } => {
            let detail = detail.as_ref().map_or(String::new(), |d| format!(" / {}", spans_debug(d)));
            writeln!(o, "note ({}): {}{detail}", kind.label(), spans_debug(text))
        }
        Block::Figure(f) => {
            let _ = writeln!(o, "figure: {} (subject {})", f.caption, f.subject);
            f.edges.iter().try_for_each(|e| writeln!(o, "  edge: {e}"))
        }
        Block::Evidence(rows) => {
            rows.iter().try_for_each(|r| writeln!(o, "input: {}  {} bytes  sha256 {}", r.name, r.bytes, r.sha256))
        }
    }
    .unwrap_or(());
}
