//! The PDF download: the same lineage-pdf the CLI uses, compiled to WASM. The DejaVu fonts are fetched from
//! `fonts/` beside the page when the reviewer asks for a PDF; the large CJK fallback only if the text needs it.

use lineage_core::{Document, Report};
use lineage_pdf::{FontSet, PdfOptions};

use crate::browser;

pub async fn bytes(report: &Report) -> Result<Vec<u8>, String> {
    let regular = browser::fetch_bytes("fonts/DejaVuSans.ttf").await?;
    let bold = browser::fetch_bytes("fonts/DejaVuSans-Bold.ttf").await?;
    let mono = browser::fetch_bytes("fonts/DejaVuSansMono.ttf").await?;
    let date = browser::today();
    let doc = Document::new(report);
    let render = |fallbacks: &[&[u8]]| {
        let opts = PdfOptions {
            fonts: FontSet { regular: &regular, bold: &bold, mono: &mono, fallbacks },
            generated_on: date.clone(),
            question_period: None,
        };
        lineage_pdf::render(&doc, &opts).map_err(|e| e.to_string())
    };
    let first = render(&[])?;
    if first.uncovered.is_empty() {
        return Ok(first.bytes);
    }
    let cjk = browser::fetch_bytes("fonts/DroidSansFallbackFull.ttf").await?;
    Ok(render(&[&cjk])?.bytes)
}
