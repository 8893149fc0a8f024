//! The regulator's PDF of a Lineage Audit [`Document`]: `pdf(&Document, &PdfOptions) -> bytes`.
//!
//! Two stages: [`layout`] turns the document and the caller's fonts into positioned text, boxes and lines (pure,
//! snapshot-tested), then `emit` writes them with printpdf. The crate reads no file and no clock: the fonts and
//! the generation date come from the caller, so the same inputs give byte-identical PDFs.

mod emit;
pub mod fonts;
pub mod layout;

use std::fmt;

use lineage_core::Document;

pub use fonts::FontSet;
pub use layout::{Bookmark, DocumentInfo, Layout};

/// What the caller chooses.
#[derive(Clone, Debug)]
pub struct PdfOptions<'a> {
    pub fonts: FontSet<'a>,
    /// Generation date, `YYYY-MM-DD` (printed, and used for the PDF's dates).
    pub generated_on: String,
    /// The period the question is about, printed in the title block when given.
    pub question_period: Option<String>,
    /// Files carried inside the PDF as PDF/A-3 associated files (`/AF` on the catalog, `/EmbeddedFiles`).
    pub attachments: Vec<Attachment>,
}

/// A file embedded in the PDF: its name, MIME type, relationship to the document and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The file name (unique among the attachments).
    pub name: String,
    /// MIME type, such as `application/json`.
    pub mime: String,
    pub relationship: Relationship,
    pub bytes: Vec<u8>,
}

/// PDF/A-3's `/AFRelationship` of an associated file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relationship {
    /// The document's content as data (the report as JSON).
    Data,
    /// What the document was made from (the inputs).
    Source,
    /// Supplementary information (the manifest).
    Supplement,
}

impl Relationship {
    pub fn name(self) -> &'static str {
        match self {
            Relationship::Data => "Data",
            Relationship::Source => "Source",
            Relationship::Supplement => "Supplement",
        }
    }
}

/// Why no PDF was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    Font(String),
    Date(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Font(m) => write!(f, "font: {m}"),
            PdfError::Date(d) => write!(f, "generation date {d:?} is not YYYY-MM-DD"),
        }
    }
}

impl std::error::Error for PdfError {}

/// A PDF and what the caller should hear about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters no embedded font covers: drawn as `<U+XXXX>` and listed in the appendix.
    pub uncovered: Vec<char>,
}

/// Reads a `YYYY-MM-DD` date that exists (lineage-core's one date check): [`render`] uses it for the generation
/// date, and the command line for `--date` and `--period` before it asks for a PDF.
pub fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    lineage_core::time::calendar_date(s)
}

/// Checks that `bytes` are a font this crate can embed (for callers that take fonts from users).
pub fn check_font(bytes: &[u8]) -> Result<(), PdfError> {
    let mut warnings = Vec::new();
    printpdf::ParsedFont::from_bytes(bytes, 0, &mut warnings)
        .map(|_| ())
        .ok_or_else(|| PdfError::Font("not a TrueType/OpenType font printpdf can read".into()))
}

/// Lays out `doc` without writing PDF (what the golden tests look at).
pub fn layout(doc: &Document, opts: &PdfOptions<'_>) -> Result<Layout, PdfError> {
    let mut fonts = fonts::Fonts::new(opts.fonts).map_err(|e| PdfError::Font(e.0))?;
    Ok(layout::layout(doc, &info(opts), &mut fonts))
}

fn info(opts: &PdfOptions<'_>) -> DocumentInfo {
    DocumentInfo { generated_on: opts.generated_on.clone(), question_period: opts.question_period.clone() }
}

/// The PDF, with the pages counted and the characters no font covers.
pub fn render(doc: &Document, opts: &PdfOptions<'_>) -> Result<Rendered, PdfError> {
    let date = parse_date(&opts.generated_on).ok_or_else(|| PdfError::Date(opts.generated_on.clone()))?;
    let mut fonts = fonts::Fonts::new(opts.fonts).map_err(|e| PdfError::Font(e.0))?;
    let laid = layout::layout(doc, &info(opts), &mut fonts);
    if let Some(i) = fonts.broken_fallbacks.iter().next() {
        return Err(PdfError::Font(format!(
            "fallback font {} is not a TrueType/OpenType font printpdf can read",
            i + 1
        )));
    }
    let title = lineage_core::text::report_title(&doc.title, lineage_core::text::one_line);
    let meta = emit::Meta {
        title: &title,
        subject: &lineage_core::text::one_line(&doc.sentence),
        date,
        attachments: &opts.attachments,
    };
    let bytes = emit::emit(&laid, &fonts, &meta);
    Ok(Rendered { bytes, pages: laid.pages.len(), uncovered: laid.uncovered.into_iter().collect() })
}

/// The PDF bytes (see [`render`] for the page count and uncovered characters, which the PDF also lists).
pub fn pdf(doc: &Document, opts: &PdfOptions<'_>) -> Result<Vec<u8>, PdfError> {
    render(doc, opts).map(|r| r.bytes)
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn dates_are_checked() {
        assert_eq!(parse_date("2026-11-28"), Some((2026, 11, 28)));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("26-1-1"), None);
        assert_eq!(parse_date("2026-11-28T00"), None);
        assert_eq!(parse_date("2026-1-28"), None);
        assert_eq!(parse_date("2026/11/28"), None);
        assert_eq!(parse_date("28.11.2026"), None);
        assert_eq!(parse_date("2026-00-10"), None);
        assert_eq!(parse_date("2026-11-00"), None);
        assert_eq!(parse_date("2026-11-32"), None);
        assert_eq!(parse_date("+026-11-28"), None);
        assert_eq!(parse_date("2026-+1-28"), None);
        assert_eq!(parse_date("20261-1-28"), None);
        assert_eq!(parse_date("2026-11-2x"), None);
        assert_eq!(parse_date("2026-04-31"), None);
        assert_eq!(parse_date("2028-02-29"), Some((2028, 2, 29)));
    }
}
