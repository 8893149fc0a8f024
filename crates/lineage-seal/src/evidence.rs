//! What the Evidence section of a sealed PDF adds: which files the PDF carries, and how to get and check them.

use lineage_core::document::{Block, Document, NoteKind, Span};
use lineage_core::Section;
use lineage_pdf::Attachment;

use crate::manifest::Manifest;

/// Puts, first in the Evidence section, a note naming what `attachments` carry (from their `manifest.json`).
pub fn note_attachments(doc: &mut Document, attachments: &[Attachment]) {
    let Some(manifest) = attachments
        .iter()
        .find(|a| a.name == "manifest.json")
        .and_then(|a| serde_json::from_slice::<Manifest>(&a.bytes).ok())
    else {
        return;
    };
    let Some(section) = doc.sections.iter_mut().find(|s| s.section == Section::Evidence) else { return };
    let total = manifest.inputs.len();
    let attached: Vec<&str> = manifest.inputs.iter().filter_map(|e| e.attachment.as_deref()).collect();
    let code = |s: &str| Span::Code(s.to_owned());
    let text = |s: String| Span::Text(s);
    let mut spans = vec![
        text("This PDF carries its evidence as PDF/A-3 associated files: ".into()),
        code("report.json"),
        text(" (the report as ".into()),
        code("--format json"),
        text(" prints it), ".into()),
        code("manifest.json"),
        text(" (each input's size and SHA-256, the tool version and the options)".into()),
    ];
    match (attached.first(), attached.last()) {
        (Some(first), Some(last)) => {
            spans.push(text(format!(" and the {} of {total} inputs listed below, as ", attached.len())));
            spans.push(code(first));
            if first != last {
                spans.push(text(" to ".into()));
                spans.push(code(last));
            }
            spans.push(text(". ".into()));
        }
        _ => {
            spans.push(text(format!("; the {total} inputs are not attached (")));
            spans.push(code("--attach-inputs none"));
            spans.push(text(", or together over 64 MiB): the manifest names each by its SHA-256. ".into()));
        }
    }
    spans.push(code("pdfdetach -saveall"));
    spans.push(text(" extracts them; ".into()));
    spans.push(code("lineage verify"));
    spans.push(text(" recomputes every claim they make.".into()));
    section.blocks.insert(0, Block::Note { kind: NoteKind::Note, text: spans, detail: None });
}
