//! `lineage check`: loads the files, checks every model package against the policy (lineage-core's `check`),
//! writes the chosen face of the result, and says whether the fleet passes.

use std::path::Path;

use lineage_core::check::{self, CheckReport, PackageCheck, Policy};
use lineage_core::text::count;
use lineage_core::{render, Lineage, RoleTable};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::{inputs, json, output, CheckFormat, Failure, Fleet};

pub fn check(
    files: &inputs::Inputs<'_>,
    policy: Option<&Path>,
    roles: RoleTable,
    format: CheckFormat,
    output: &str,
) -> Result<Fleet, Failure> {
    let policy = match policy {
        None => Policy::builtin(),
        Some(path) => {
            let bytes = inputs::read(path)?;
            Policy::parse(&bytes).map_err(|e| Failure::input(format!("{}: {e}", path.display())))?
        }
    };
    let lineage = inputs::load(files, &roles)?;
    let result = check::check(&lineage, &policy);
    let nothing = (result.summary.packages == 0).then(|| nothing_to_check(&lineage));
    std::mem::forget(lineage);
    let title = format!("Lineage check: {}", count(result.summary.packages, "model package"));
    let text = match format {
        CheckFormat::Text => render::text_blocks(&title, &check::blocks(&result)),
        CheckFormat::Md => render::markdown_blocks(&title, &check::blocks(&result)),
        CheckFormat::Json => json(&result)?,
        CheckFormat::Junit => junit(&result, nothing.as_deref())?,
    };
    output::write(output, text.as_bytes())?;
    if let Some(message) = nothing {
        // A check of nothing is never green: a CI job pointed at the wrong folder must fail.
        return Err(Failure::input(message));
    }
    let s = &result.summary;
    Ok(match s.failing {
        0 => Fleet::Passes,
        n => Fleet::Fails(format!("{n} of {} fail the policy", count(s.packages, "model package"))),
    })
}

/// Why a check that found no model package fails: how many files were read, and how many held nothing this tool
/// reads (`lineage inspect` lists what each held).
fn nothing_to_check(lineage: &Lineage) -> String {
    let files = lineage.inputs.len();
    let skipped = lineage.inputs.iter().filter(|i| i.kinds.keys().all(|k| k == "skipped")).count();
    format!(
        "no model package found in the {} read ({} skipped as not an export this tool reads); expected \
         model-package vertices or DescribeModelPackage responses (`lineage inspect` on the same files shows what \
         each held)",
        count(files, "file"),
        skipped
    )
}

/// One test suite, one test case per package (class name its group): a package that fails the policy is a failed
/// test whose message lists the missing answers.
fn junit(result: &CheckReport, nothing: Option<&str>) -> Result<String, Failure> {
    let mut suite = TestSuite::new("lineage check");
    suite.add_test_cases(result.packages.iter().map(test_case));
    if let Some(message) = nothing {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message(message.to_owned());
        status.set_type("no-model-package");
        suite.add_test_case(TestCase::new("the export holds a model package", status));
    }
    let mut report = Report::new("lineage check");
    report.add_test_suite(suite);
    report.to_string().map_err(|e| Failure { code: 1, message: format!("cannot write the JUnit report: {e}") })
}

fn test_case(p: &PackageCheck) -> TestCase {
    let status = if p.pass {
        TestCaseStatus::success()
    } else {
        let missing: Vec<&str> = p.missing.iter().map(|r| r.as_str()).collect();
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_message(format!("missing {}", missing.join(", ")));
        s.set_type("policy");
        let mut description = format!("{}\nrules: {}", p.arn, p.rules.join(", "));
        if let Some(e) = &p.error {
            description.push_str(&format!("\nits answers could not be read: {e}"));
        }
        s.set_description(description);
        s
    };
    let mut case = TestCase::new(check::package_label(p), status);
    case.set_classname(p.group.clone().unwrap_or_else(|| "model-package".into()));
    case
}
