//! `lineage check`: loads the files, checks every model package against the policy (lineage-core's `check`),
//! writes the chosen face of the result, and says whether the fleet passes.

use std::path::{Path, PathBuf};

use lineage_core::check::{self, CheckReport, PackageCheck, Policy};
use lineage_core::{render, RoleTable};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::{inputs, json, write_output, CheckFormat, Failure, Fleet};

pub fn check(
    files: &[PathBuf],
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
    std::mem::forget(lineage);
    let title = format!("Lineage check: {} model packages", result.summary.packages);
    let text = match format {
        CheckFormat::Text => render::text_blocks(&title, &check::blocks(&result)),
        CheckFormat::Md => render::markdown_blocks(&title, &check::blocks(&result)),
        CheckFormat::Json => json(&result)?,
        CheckFormat::Junit => junit(&result)?,
    };
    write_output(output, text.as_bytes())?;
    let s = &result.summary;
    Ok(match s.failing {
        0 => Fleet::Passes,
        n => Fleet::Fails(format!("{n} of {} model packages fail the policy", s.packages)),
    })
}

/// One test suite, one test case per package (class name its group): a package that fails the policy is a failed
/// test whose message lists the missing answers.
fn junit(result: &CheckReport) -> Result<String, Failure> {
    let mut suite = TestSuite::new("lineage check");
    suite.add_test_cases(result.packages.iter().map(test_case));
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
