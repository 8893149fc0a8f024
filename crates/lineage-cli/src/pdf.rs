//! `lineage report --format pdf`: picks the fonts and the date, then asks lineage-pdf for the bytes.
//!
//! The bundled fonts (repository folder `fonts/`, see its licence files) are compiled into the binary:
//! DejaVu Sans, Sans Bold and Sans Mono for Latin, Greek and Cyrillic text and the tree's box-drawing
//! characters, and Droid Sans Fallback for Chinese, Japanese and Korean. lineage-pdf parses the fallback only
//! when some text needs it.

use std::path::PathBuf;

use lineage_core::Document;
use lineage_pdf::{parse_date, FontSet, PdfOptions};

use crate::Failure;

const REGULAR: &[u8] = include_bytes!("../../../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../fonts/DejaVuSans-Bold.ttf");
const MONO: &[u8] = include_bytes!("../../../fonts/DejaVuSansMono.ttf");
const CJK: &[u8] = include_bytes!("../../../fonts/DroidSansFallbackFull.ttf");

/// Today's date in UTC: the only place the program reads the clock.
fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!("{:04}-{:02}-{:02}", now.year(), u8::from(now.month()), now.day())
}

pub fn write(
    doc: &Document,
    date: Option<String>,
    period: Option<&str>,
    extra_fonts: &[PathBuf],
) -> Result<Vec<u8>, Failure> {
    let generated_on = date.unwrap_or_else(today);
    if parse_date(&generated_on).is_none() {
        return Err(Failure::input(format!("--date {generated_on:?}: expected YYYY-MM-DD")));
    }
    let question_period = match period {
        None => None,
        Some(p) => match p.split_once("..") {
            Some((from, to)) if parse_date(from).is_some() && parse_date(to).is_some() && from <= to => {
                Some(format!("{from} to {to}"))
            }
            _ => return Err(Failure::input(format!("--period {p:?}: expected FROM..TO as YYYY-MM-DD..YYYY-MM-DD"))),
        },
    };
    let mut loaded = Vec::new();
    for path in extra_fonts {
        let bytes =
            std::fs::read(path).map_err(|e| Failure::input(format!("{}: cannot read font: {e}", path.display())))?;
        lineage_pdf::check_font(&bytes).map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
        loaded.push(bytes);
    }
    let mut fallbacks: Vec<&[u8]> = vec![CJK];
    fallbacks.extend(loaded.iter().map(Vec::as_slice));
    let opts = PdfOptions {
        fonts: FontSet { regular: REGULAR, bold: BOLD, mono: MONO, fallbacks: &fallbacks },
        generated_on,
        question_period,
    };
    let rendered = lineage_pdf::render(doc, &opts).map_err(|e| Failure::input(e.to_string()))?;
    if !rendered.uncovered.is_empty() {
        let list: Vec<String> = rendered.uncovered.iter().map(|c| format!("U+{:04X}", *c as u32)).collect();
        eprintln!(
            "warning: no embedded font covers {}; they are printed as <U+XXXX> and listed in the appendix (add one with --fallback-font)",
            list.join(", ")
        );
    }
    Ok(rendered.bytes)
}
