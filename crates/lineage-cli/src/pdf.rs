//! `lineage report --format pdf`: picks the fonts and the date, then asks lineage-pdf for the bytes.
//!
//! The bundled fonts (repository folder `fonts/`, see its licence files) are compiled into the binary:
//! DejaVu Sans, Sans Bold and Sans Mono for Latin, Greek and Cyrillic text and the tree's box-drawing
//! characters, and Droid Sans Fallback for Chinese, Japanese and Korean. lineage-pdf parses the fallback only
//! when some text needs it.

use std::path::PathBuf;

use lineage_core::Document;
use lineage_pdf::{parse_date, Attachment, FontSet, PdfOptions};

use crate::Failure;

const REGULAR: &[u8] = include_bytes!("../../../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../fonts/DejaVuSans-Bold.ttf");
const MONO: &[u8] = include_bytes!("../../../fonts/DejaVuSansMono.ttf");
const CJK: &[u8] = include_bytes!("../../../fonts/DroidSansFallbackFull.ttf");

/// Now, in seconds since 1970 (a signature's time): with [`today`], the only places the program reads the clock.
pub fn now_unix() -> u64 {
    time::OffsetDateTime::now_utc().unix_timestamp().try_into().unwrap_or(0)
}

/// Today's date in UTC: with [`now_unix`], the only places the program reads the clock.
pub fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!("{:04}-{:02}-{:02}", now.year(), u8::from(now.month()), now.day())
}

/// Checks `--date` and `--period` (before the inputs are read): real dates, FROM not after TO.
pub fn check_dates(date: Option<&str>, period: Option<&str>) -> Result<(), Failure> {
    if let Some(d) = date {
        if parse_date(d).is_none() {
            return Err(Failure::input(format!("--date {d:?}: expected a date as YYYY-MM-DD that exists")));
        }
    }
    if let Some(p) = period {
        question_period(p)?;
    }
    Ok(())
}

/// `--period FROM..TO` as the title block prints it (`FROM to TO`).
fn question_period(p: &str) -> Result<String, Failure> {
    let expected = || Failure::input(format!("--period {p:?}: expected FROM..TO as YYYY-MM-DD..YYYY-MM-DD"));
    let (from, to) = p.split_once("..").ok_or_else(expected)?;
    for (side, d) in [("FROM", from), ("TO", to)] {
        if parse_date(d).is_none() {
            return Err(Failure::input(format!(
                "--period {p:?}: {side} {d:?} is not a date as YYYY-MM-DD that exists (expected FROM..TO)"
            )));
        }
    }
    if from > to {
        return Err(Failure::input(format!("--period {p:?}: FROM {from} is after TO {to}")));
    }
    Ok(format!("{from} to {to}"))
}

pub fn write(
    doc: &Document,
    date: Option<String>,
    period: Option<&str>,
    extra_fonts: &[PathBuf],
    attachments: Vec<Attachment>,
) -> Result<Vec<u8>, Failure> {
    check_dates(date.as_deref(), period)?;
    let generated_on = date.unwrap_or_else(today);
    let question_period = period.map(question_period).transpose()?;
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
        attachments,
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
