//! `lineage check`: its JSON satisfies `schema/check.schema.json` and its JUnit has one test case per package,
//! on the bundled example's fleet; each way a package can fail the built-in policy is in that fleet. (Every format's
//! output, custom and bad policies and the exit codes are CLI cases in `tests/fixtures/cli/check-*.args`.)

use lineage_core::check::{self, Policy, Requirement};

use crate::{load, root};

fn example_check() -> check::CheckReport {
    let lineage = load(&root().join("examples/credit-xgb")).unwrap_or_else(|e| panic!("{e}"));
    check::check(&lineage, &Policy::builtin())
}

#[test]
fn the_check_json_satisfies_its_schema() {
    let text = crate::read_text(&root().join("schema/check.schema.json"));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("schema: {e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"));
    let value = serde_json::to_value(example_check()).unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = validator.iter_errors(&value).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "schema violations:\n{}", errors.join("\n"));
}

#[test]
fn the_example_fleet_holds_a_package_failing_each_requirement_alone() {
    let c = example_check();
    let alone: Vec<Requirement> =
        c.packages.iter().filter_map(|p| if let [only] = p.missing.as_slice() { Some(*only) } else { None }).collect();
    for r in Requirement::ALL.into_iter().filter(|r| *r != Requirement::TrainingJob && *r != Requirement::TrainingData)
    {
        assert!(alone.contains(&r), "no package of the example fails {r} alone: {alone:?}");
    }
    assert!(c.packages.iter().any(|p| p.missing.contains(&Requirement::TrainingData)));
    assert!(c.packages.len() >= 12, "{} packages", c.packages.len());
    assert_eq!(c.summary.passing + c.summary.failing, c.packages.len());
}

#[test]
fn the_junit_report_has_a_test_case_per_package() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(["check", "examples/credit-xgb", "--format", "junit"])
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("lineage: {e}"));
    let xml = String::from_utf8_lossy(&out.stdout);
    let c = example_check();
    assert_eq!(xml.matches("<testcase ").count(), c.packages.len(), "{xml}");
    assert_eq!(xml.matches("<failure ").count(), c.summary.failing, "{xml}");
    assert_eq!(out.status.code(), Some(1));
}
