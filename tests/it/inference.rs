//! Inference → model version: each folder of `tests/fixtures/inference/` is an export (capture files keep their
//! S3 key layout) with its queries beside it in `<case>.queries.json`; every query's answer (sentence, inference object, approval history, gaps)
//! or error is compared with `tests/ref/inference/<case>.txt`, and every report's JSON must satisfy the schema.

use std::path::Path;

use lineage_core::narrative::report_inference;
use lineage_core::subject::InferenceQuery;
use serde::Deserialize;

use crate::narrative::assert_schema;
use crate::{expect_ref, file_name, load};

#[derive(Deserialize)]
struct Query {
    id: String,
    endpoint: Option<String>,
    variant: Option<String>,
    start: Option<String>,
}

fn check(case: &Path) {
    let lineage = load(case).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(case.with_extension("queries.json")).unwrap_or_else(|e| panic!("{e}"));
    let queries: Vec<Query> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("queries.json: {e}"));
    let st = &lineage.stats;
    let mut out = format!(
        "capture records {} ({} repeated), CloudTrail events {} ({} repeated), EventBridge state changes {} ({} repeated)\n\n",
        st.capture_records,
        st.duplicate_capture_records,
        st.cloudtrail_events,
        st.duplicate_cloudtrail_events,
        st.package_state_events,
        st.duplicate_package_state_events
    );
    for q in queries {
        let flags: String = [("--endpoint", &q.endpoint), ("--variant", &q.variant), ("--start", &q.start)]
            .iter()
            .filter_map(|(flag, v)| v.as_ref().map(|v| format!(" {flag} {v}")))
            .collect();
        out.push_str(&format!("## --inference {}{flags}\n", q.id));
        let query = InferenceQuery { id: q.id.clone(), endpoint: q.endpoint.clone(), variant: q.variant.clone() };
        match report_inference(&lineage, &query, q.start.as_deref()) {
            Err(e) => out.push_str(&format!("error: {e}\n\n")),
            Ok(report) => {
                let json = serde_json::to_string_pretty(&report).unwrap_or_default();
                assert_schema(&json);
                let inference = serde_json::to_string_pretty(&report.inference).unwrap_or_default();
                let approval = report.answers.approval.as_ref().map(|a| (&a.history, &a.conflicts));
                let approval = serde_json::to_string_pretty(&approval).unwrap_or_default();
                out.push_str(&format!(
                    "{}\n\ninference: {inference}\n\napproval history and conflicts: {approval}\n\n",
                    report.sentence
                ));
                for g in report.gaps.iter().filter(|g| matches!(g.question.as_str(), "approval" | "model_version")) {
                    out.push_str(&format!("gap [{}] {}\n", g.question, g.detail));
                }
                out.push('\n');
            }
        }
    }
    expect_ref("inference", &format!("{}.txt", file_name(case)), &out);
}

#[test]
fn inference_fixtures() {
    for case in crate::cases("inference", 4, |p| p.is_dir()) {
        check(&case);
    }
}
