//! Narrative: each folder of `tests/fixtures/narrative/` is reported on (text and JSON), and the JSON must
//! satisfy the published schema `schema/report.schema.json`.

use lineage_core::{render, Document, RoleTable};
use serde_json::Value;

use crate::{expect_ref, file_name, load, root};

pub fn schema_validator() -> jsonschema::Validator {
    let text = crate::read_text(&root().join("schema/report.schema.json"));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("schema: {e}"));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"))
}

/// Validates a report's JSON against the schema, listing every violation.
pub fn assert_schema(json: &str) {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("report JSON: {e}"));
    let v = schema_validator();
    let errors: Vec<String> = v.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "schema violations:\n{}", errors.join("\n"));
}

fn check(case: &std::path::Path) {
    let name = file_name(case);
    let lineage = load(case).unwrap_or_else(|e| panic!("{name}: {e}"));
    let start = lineage_core::resolve_start(&lineage, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    let report = lineage_core::report(&lineage, start).unwrap_or_else(|e| panic!("{name}: {e}"));
    // The document pins what every format shows; the text pins only how the text face prints it.
    let doc = Document::new(&report);
    expect_ref("narrative", &format!("{name}.document.txt"), &doc.outline());
    // The page hands the document to the PDF worker as JSON: it must come back whole.
    let json = serde_json::to_string(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
    let back: Document = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(back, doc, "{name}: the document changed through JSON");
    expect_ref("narrative", &format!("{name}.txt"), &render::text(&doc));
    let json = serde_json::to_string_pretty(&report).unwrap_or_default() + "\n";
    assert_schema(&json);
    expect_ref("narrative", &format!("{name}.json"), &json);
}

#[test]
fn narrative_fixtures() {
    for case in crate::cases("narrative", 9, |p| p.is_dir()) {
        check(&case);
    }
}

/// The cross-system example (SageMaker's export and Airflow's OpenLineage events) is a narrative case too.
#[test]
fn the_cross_system_example() {
    check(&root().join("examples/credit-xgb-airflow"));
}

#[test]
fn the_schema_rejects_a_broken_report() {
    let v = schema_validator();
    let broken = serde_json::json!({"subject": {"arn": "x", "kind": "dataset", "name": "n"}});
    assert!(!v.is_valid(&broken));
}

/// Every field the schema requires, wherever it stands in a report: `(pointer to its object, key)`.
fn required_fields(schema: &Value, defs: &Value, node: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let schema = match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => &defs[name],
        None => schema,
    };
    match node {
        Value::Object(map) => {
            for key in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
            {
                if map.contains_key(key) {
                    out.push((at.to_owned(), key.to_owned()));
                }
            }
            for (k, v) in map {
                if let Some(sub) = schema.get("properties").and_then(|p| p.get(k)) {
                    required_fields(sub, defs, v, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            if let (Some(first), Some(sub)) = (items.first(), schema.get("items")) {
                required_fields(sub, defs, first, &format!("{at}/0"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_schema_rejects_a_report_missing_any_one_required_field() {
    let v = schema_validator();
    let schema: Value = serde_json::from_str(&crate::read_text(&root().join("schema/report.schema.json")))
        .unwrap_or_else(|e| panic!("schema: {e}"));
    let mut checked = 0;
    for (case, start) in
        [("examples/credit-xgb", Some("credit-xgb/73")), ("tests/fixtures/narrative/two-channels-shared-sources", None)]
    {
        let lineage = load(&root().join(case)).unwrap_or_else(|e| panic!("{e}"));
        let start = lineage_core::resolve_start(&lineage, start).unwrap_or_else(|e| panic!("{e}"));
        let report = lineage_core::report(&lineage, start).unwrap_or_else(|e| panic!("{e}"));
        let full = serde_json::to_value(&report).unwrap_or_else(|e| panic!("{e}"));
        assert!(v.is_valid(&full), "{case}: the report itself is not valid");
        let mut fields = Vec::new();
        required_fields(&schema, &schema["$defs"], &full, "", &mut fields);
        for (at, key) in &fields {
            let mut broken = full.clone();
            if let Some(Value::Object(map)) = broken.pointer_mut(at) {
                map.remove(key);
            }
            assert!(!v.is_valid(&broken), "{case}: the schema accepts a report without {at}/{key}");
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} required fields were removed and checked");
}

#[test]
fn a_synthetic_export_reports_from_its_start_arns() {
    let opts = lineage_core::synth::SynthOptions { models: 3, weeks: 5, raw_partitions: 2, described: false };
    let mut bytes = Vec::new();
    lineage_core::synth::synth(&opts, &mut bytes).unwrap_or_else(|e| panic!("{e}"));
    let roles = RoleTable::builtin();
    let lineage = lineage_core::load([("synth.json", bytes.as_slice())], &roles).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lineage.graph.node_count(), opts.vertex_count());
    assert_eq!(lineage.graph.edge_count(), opts.edge_count());
    let start = lineage_core::resolve_start(&lineage, None).unwrap_or_else(|e| panic!("{e}"));
    let report = lineage_core::report(&lineage, start).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string(&report).unwrap_or_default();
    assert_schema(&json);
    assert_eq!(report.answers.model_version.version, Some(5));
    assert!(report.gaps.is_empty(), "{:?}", report.gaps);
    assert_eq!(
        report.answers.upstream_sources.iter().filter(|u| u.kind.as_str() == "feature_store_version").count(),
        2
    );
}
