//! The whole path: bytes → lineage → report → Document → text, Markdown, HTML and the PDF (its layout and escaping),
//! with whatever strings the fuzzer puts in every field. Seeded with whole exports, so mutations reach the answers.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some(lineage) = lineage_fuzz_common::lineage(&[("export.json", data)]) else { return };
    let Ok(report) = lineage_core::answer(&lineage, &lineage_core::Query::Start(None)) else { return };
    let doc = lineage_core::Document::new(&report);
    let _ = lineage_core::render::text(&doc);
    let _ = lineage_core::render::markdown(&doc);
    let _ = lineage_core::render::html(&doc);
    let fallbacks: [&[u8]; 0] = [];
    let opts = lineage_pdf::PdfOptions {
        fonts: lineage_pdf::FontSet { regular: REGULAR, bold: BOLD, mono: MONO, fallbacks: &fallbacks },
        generated_on: "2027-03-12".into(),
        question_period: None,
        attachments: Vec::new(),
    };
    let _ = lineage_pdf::render(&doc, &opts);
});

const REGULAR: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");
const MONO: &[u8] = include_bytes!("../../fonts/DejaVuSansMono.ttf");

#[path = "common.rs"]
mod lineage_fuzz_common;
