//! Real shapes: exports written by others (the SageMaker SDK's test responses, DataHub's and OpenMetadata's stubs,
//! moto's Describe* output; origins in `tests/fixtures/real-shapes/README.md`). Each case folder is loaded and
//! reported on from the start a user would type (`cases.json`); the reference holds `inspect`, then the report or
//! the error, so a confident wrong answer shows up as a diff.

use std::collections::BTreeMap;

use lineage_core::render;

use crate::{entries, expect_ref, file_name, fixtures, load};

#[derive(serde::Deserialize)]
struct Case {
    start: Option<String>,
    #[allow(dead_code)]
    expect: String,
}

fn cases() -> BTreeMap<String, Case> {
    let path = fixtures("real-shapes").join("cases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check(case: &std::path::Path, start: Option<&str>) -> String {
    let lineage = match load(case) {
        Ok(l) => l,
        Err(e) => return format!("error: {e}\n"),
    };
    let mut out = render::inspect_text(&lineage);
    let report = lineage_core::resolve_start(&lineage, start).and_then(|s| lineage_core::report(&lineage, s));
    out.push_str("\n---- report");
    if let Some(s) = start {
        out.push_str(&format!(" --start {s}"));
    }
    out.push('\n');
    match report {
        Ok(r) => {
            let json = serde_json::to_string_pretty(&r).unwrap_or_default();
            crate::narrative::assert_schema(&json);
            out.push_str(&render::text(&lineage_core::Document::new(&r)));
        }
        Err(e) => out.push_str(&format!("error: {e}\n")),
    }
    out
}

#[test]
fn exports_written_by_others_are_read_and_answered() {
    let cases = cases();
    let dirs: Vec<_> = entries(&fixtures("real-shapes")).into_iter().filter(|p| p.is_dir()).collect();
    assert!(dirs.len() >= 14, "the real-shapes corpus has {} cases; expected at least 14", dirs.len());
    let mut files = 0;
    for dir in &dirs {
        let name = file_name(dir);
        let case = cases.get(&name).unwrap_or_else(|| panic!("{name}: no entry in cases.json"));
        files += crate::files_under(dir).len();
        expect_ref("real-shapes", &format!("{name}.txt"), &check(dir, case.start.as_deref()));
    }
    assert!(files >= 40, "the real-shapes corpus has {files} files; expected at least 40");
    assert_eq!(cases.len(), dirs.len(), "cases.json names a case folder that does not exist");
}
