//! `lineage check`: for every model package in the export, which of the regulator's answers the export holds, and
//! whether that is enough for a policy (a JSON table of rules; a documented default is built in,
//! `data/policy.json`). Each package's answers come from the same answer functions as the report
//! ([`narrative::answers_for`]), so a package passes only if its report would answer what the policy requires.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use wildmatch::WildMatch;

use crate::document::{Block, Inline, Span};
use crate::model::{ApprovalStatus, Lineage};
use crate::narrative::{self, Answers, ReconcileStatus, Reconciled, SourceKind};
use crate::packages::{packages, Package};

/// What a policy can require of a package: one answer of the report each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// A training job upstream of the package (question 2).
    TrainingJob,
    /// A training dataset of that job (question 2).
    TrainingData,
    /// A feature-store version with its version recorded (question 3).
    FeatureStoreVersion,
    /// An exclusion list (question 3).
    ExclusionList,
    /// The training job's hyperparameters (question 4).
    Hyperparameters,
    /// Evaluation metrics: the job's final metrics or the package's ModelMetrics reports (question 4).
    Metrics,
    /// The code commit (from a commit artifact, MetadataProperties or a pipeline parameter).
    Code,
    /// Approved, with the approver's identity and the time (question 5).
    Approval,
    /// The audit table's row agrees with the lineage on every fact both hold (required of every package when a
    /// table is read).
    AuditTableAgrees,
    /// The audit table has a row for the package (when it is approved).
    AuditTableRow,
    /// No answer comes from the audit table alone (no fact filled as a manual record).
    LineageOnly,
}

impl Requirement {
    pub const ALL: [Requirement; 8] = [
        Requirement::TrainingJob,
        Requirement::TrainingData,
        Requirement::FeatureStoreVersion,
        Requirement::ExclusionList,
        Requirement::Hyperparameters,
        Requirement::Metrics,
        Requirement::Code,
        Requirement::Approval,
    ];

    /// What the audit table is checked for, when one is read.
    pub const AUDIT: [Requirement; 3] =
        [Requirement::AuditTableAgrees, Requirement::AuditTableRow, Requirement::LineageOnly];

    /// The JSON value (`feature_store_version`), also the text matrix's column heading.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::TrainingJob => "training_job",
            Requirement::TrainingData => "training_data",
            Requirement::FeatureStoreVersion => "feature_store_version",
            Requirement::ExclusionList => "exclusion_list",
            Requirement::Hyperparameters => "hyperparameters",
            Requirement::Metrics => "metrics",
            Requirement::Code => "code",
            Requirement::Approval => "approval",
            Requirement::AuditTableAgrees => "audit_table_agrees",
            Requirement::AuditTableRow => "audit_table_row",
            Requirement::LineageOnly => "lineage_only",
        }
    }

    /// Whether `a` holds this answer, or (for the audit-table requirements) its reconciliation `r` holds no
    /// finding of that kind.
    pub fn answered(self, a: &Answers, r: &[Reconciled]) -> bool {
        let none = |status: ReconcileStatus| !r.iter().any(|f| f.status == status);
        let source = |kind: SourceKind| a.upstream_sources.iter().filter(move |u| u.kind == kind);
        match self {
            Requirement::TrainingJob => !a.training_jobs.is_empty(),
            Requirement::TrainingData => a.training_datasets.iter().any(|d| d.uri.is_some() || d.arn.is_some()),
            Requirement::FeatureStoreVersion => source(SourceKind::FeatureStoreVersion).any(|u| u.version.is_some()),
            Requirement::ExclusionList => source(SourceKind::ExclusionList).next().is_some(),
            Requirement::Hyperparameters => a.training_jobs.iter().any(|j| !j.hyperparameters.is_empty()),
            Requirement::Metrics => {
                a.training_jobs.iter().any(|j| !j.metrics.is_empty()) || !a.model_version.metric_reports.is_empty()
            }
            Requirement::Code => a.code.iter().any(|c| c.commit.is_some()),
            Requirement::Approval => a
                .approval
                .as_ref()
                .is_some_and(|ap| ap.status == Some(ApprovalStatus::Approved) && ap.by.is_some() && ap.at.is_some()),
            Requirement::AuditTableAgrees => none(ReconcileStatus::Conflict),
            Requirement::AuditTableRow => none(ReconcileStatus::MissingRow),
            Requirement::LineageOnly => none(ReconcileStatus::Filled),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which packages a rule applies to: every condition given must hold (none given: every package).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Approval statuses, as AWS spells them (`Approved`, `Rejected`, `PendingManualApproval`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<String>>,
    /// A glob on the model-package group name (`*` any text, `?` one character).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Whether the package was ever deployed to an endpoint, by any record of the export.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed: Option<bool>,
}

/// One rule: the packages it applies to, and the answers they need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub when: Condition,
    pub require: Vec<Requirement>,
}

/// The answers each package needs: the union of the requirements of every rule that applies to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    pub rules: Vec<Rule>,
}

/// A policy file that cannot be used: where in it, and why.
pub type PolicyError = crate::user_file::UserFileError;

const BUILTIN: &str = include_str!("../data/policy.json");

impl Policy {
    /// The built-in policy: approved or deployed packages need every answer, pending ones their training data.
    pub fn builtin() -> Policy {
        // Checked by a unit test; a defect here would be a build error, reported as no rules.
        Policy::parse(BUILTIN.as_bytes()).unwrap_or(Policy { about: None, rules: Vec::new() })
    }

    /// Reads a policy (the shape of `data/policy.json`); unknown keys and values are errors with their path.
    pub fn parse(bytes: &[u8]) -> Result<Policy, PolicyError> {
        let policy: Policy = crate::user_file::read(bytes)?;
        for (i, rule) in policy.rules.iter().enumerate() {
            for (j, s) in rule.when.status.iter().flatten().enumerate() {
                if matches!(ApprovalStatus::parse(s), ApprovalStatus::Other(_)) {
                    return Err(PolicyError {
                        path: format!("rules[{i}].when.status[{j}]"),
                        message: format!("expected Approved, Rejected or PendingManualApproval, found {s:?}"),
                    });
                }
            }
        }
        Ok(policy)
    }

    /// What `p` must answer, in [`Requirement::ALL`] order, and the names of the rules that apply to it.
    fn required(&self, p: &Package) -> (Vec<Requirement>, Vec<String>) {
        let mut required = BTreeSet::new();
        let mut rules = Vec::new();
        for (i, rule) in self.rules.iter().enumerate().filter(|(_, r)| r.when.holds(p)) {
            required.extend(rule.require.iter().copied());
            rules.push(rule.name.clone().unwrap_or_else(|| format!("rules[{i}]")));
        }
        (required.into_iter().collect(), rules)
    }
}

impl Condition {
    fn holds(&self, p: &Package) -> bool {
        let status = p.status.as_ref().map(ApprovalStatus::as_str);
        self.status.as_ref().is_none_or(|want| status.is_some_and(|s| want.iter().any(|w| w == s)))
            && self.group.as_ref().is_none_or(|g| p.group.as_deref().is_some_and(|n| WildMatch::new(g).matches(n)))
            && self.deployed.is_none_or(|d| d == p.deployed)
    }
}

/// One package's line of the check: the JSON contract's `packages[]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackageCheck {
    pub arn: String,
    pub group: Option<String>,
    pub version: Option<u64>,
    pub status: Option<ApprovalStatus>,
    pub deployed: bool,
    /// The rules that apply to it (a rule's name, else `rules[i]`).
    pub rules: Vec<String>,
    pub required: Vec<Requirement>,
    /// Every answer the export holds for it, required or not.
    pub answered: Vec<Requirement>,
    /// Required and not answered.
    pub missing: Vec<Requirement>,
    pub pass: bool,
    /// Why its answers could not be read at all (no lineage vertex, an ambiguous package), when so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its audit-table row reconciled, when a table was read: conflicts, filled facts, a missing row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reconciliation: Vec<Reconciled>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckSummary {
    pub packages: usize,
    pub passing: usize,
    pub failing: usize,
}

/// The whole check: the JSON contract of `lineage check --format json` (see `schema/check.schema.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub policy: Policy,
    pub packages: Vec<PackageCheck>,
    pub summary: CheckSummary,
    /// Whether an audit table (and its column map) was read: every package must then agree with its row.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub audit_table: bool,
}

/// Checks every model package of `lineage` against `policy`, by group, then version (10 after 9), then ARN.
pub fn check(lineage: &Lineage, policy: &Policy) -> CheckReport {
    let packages: Vec<PackageCheck> = packages(lineage).into_iter().map(|p| check_one(lineage, policy, p)).collect();
    let passing = packages.iter().filter(|p| p.pass).count();
    let summary = CheckSummary { packages: packages.len(), passing, failing: packages.len() - passing };
    let audit_table = lineage.graph.records.audit.map.is_some();
    CheckReport { policy: policy.clone(), packages, summary, audit_table }
}

/// The requirements a check reports on: the answers, and the audit table's when one is read.
fn requirements(audit_table: bool) -> Vec<Requirement> {
    let audit = Requirement::AUDIT.into_iter().filter(|_| audit_table);
    Requirement::ALL.into_iter().chain(audit).collect()
}

fn check_one(lineage: &Lineage, policy: &Policy, p: Package) -> PackageCheck {
    let (mut required, rules) = policy.required(&p);
    let audit_table = lineage.graph.records.audit.map.is_some();
    if audit_table && !required.contains(&Requirement::AuditTableAgrees) {
        required.push(Requirement::AuditTableAgrees);
        required.sort();
    }
    let (answered, error, reconciliation) = match p.vertex.map(|v| narrative::checked_answers(lineage, v)) {
        Some(Ok((answers, _, r))) => {
            let answered = requirements(audit_table).into_iter().filter(|q| q.answered(&answers, &r)).collect();
            (answered, None, r)
        }
        Some(Err(e)) => (Vec::new(), Some(e.to_string()), Vec::new()),
        None => (Vec::new(), Some("no lineage vertex stands for this model package".to_owned()), Vec::new()),
    };
    let missing: Vec<Requirement> = required.iter().copied().filter(|r| !answered.contains(r)).collect();
    PackageCheck {
        pass: missing.is_empty(),
        arn: p.arn,
        group: p.group,
        version: p.version,
        status: p.status,
        deployed: p.deployed,
        rules,
        required,
        answered,
        missing,
        error,
        reconciliation,
    }
}

// ---- the check as blocks, for text and Markdown ----

/// `credit-xgb/73` (the ARN when it has no group and version).
pub fn package_label(p: &PackageCheck) -> String {
    match (&p.group, p.version) {
        (Some(g), Some(v)) => format!("{g}/{v}"),
        _ => p.arn.clone(),
    }
}

/// The check laid out as document blocks: a summary line, the matrix (packages × answers: `yes`, `MISSING` when
/// required and absent, `-` when absent and not required), and each failing package with what it lacks.
pub fn blocks(c: &CheckReport) -> Vec<Block> {
    let s = &c.summary;
    let mut out = vec![Block::Paragraph(vec![Span::Text(format!(
        "{}: {} pass, {} fail the policy.",
        crate::text::count(s.packages, "model package"),
        s.passing,
        s.failing
    ))])];
    let mut header = vec!["Package".to_owned(), "Status".to_owned(), "Deployed".to_owned()];
    let columns = requirements(c.audit_table);
    header.extend(columns.iter().map(|r| r.as_str().to_owned()));
    header.push("Result".into());
    let rows: Vec<Vec<Inline>> = c.packages.iter().map(|p| matrix_row(p, &columns)).collect();
    if !rows.is_empty() {
        out.push(Block::Table { header, rows });
    }
    let failing: Vec<Inline> = c.packages.iter().filter(|p| !p.pass).map(failure_line).collect();
    if !failing.is_empty() {
        out.push(Block::Subheading("Failing packages".into()));
        out.push(Block::List(failing));
    }
    let findings: Vec<Inline> = c.packages.iter().filter_map(audit_findings).collect();
    if !findings.is_empty() {
        out.push(Block::Subheading("Audit table".into()));
        out.push(Block::List(findings));
    }
    out
}

/// A package's audit-table findings (conflicts, facts only the table holds, a missing row), when it has any.
fn audit_findings(p: &PackageCheck) -> Option<Inline> {
    let found: Vec<String> = p
        .reconciliation
        .iter()
        .filter(|f| f.status != ReconcileStatus::Confirmed)
        .map(|f| match f.status {
            ReconcileStatus::MissingRow => "no row (approved)".to_owned(),
            s => format!("{} {}", f.field, s.as_str()),
        })
        .collect();
    (!found.is_empty()).then(|| vec![Span::Strong(package_label(p)), Span::Text(format!(": {}", found.join(", ")))])
}

fn matrix_row(p: &PackageCheck, columns: &[Requirement]) -> Vec<Inline> {
    let text = |s: &str| vec![Span::Text(s.to_owned())];
    let mut row = vec![
        vec![Span::Report { text: package_label(p), subject: p.arn.clone() }],
        text(p.status.as_ref().map_or("not recorded", |s| s.as_str())),
        text(if p.deployed { "yes" } else { "no" }),
    ];
    for &r in columns {
        row.push(match (p.answered.contains(&r), p.required.contains(&r)) {
            (true, _) => text("yes"),
            (false, true) => vec![Span::Strong("MISSING".into())],
            (false, false) => text("-"),
        });
    }
    row.push(if p.pass { text("pass") } else { vec![Span::Strong("FAIL".into())] });
    row
}

fn failure_line(p: &PackageCheck) -> Inline {
    let mut spans = vec![Span::Strong(package_label(p)), Span::Text(" (".into()), Span::Code(p.arn.clone())];
    let missing: Vec<&str> = p.missing.iter().map(|r| r.as_str()).collect();
    spans.push(Span::Text(format!("): missing {}", missing.join(", "))));
    if let Some(e) = &p.error {
        spans.push(Span::Text(format!("; its answers could not be read: {e}")));
    }
    let of = |status: ReconcileStatus| -> Vec<&str> {
        p.reconciliation.iter().filter(|f| f.status == status).map(|f| f.field.as_str()).collect()
    };
    for (status, words) in [
        (ReconcileStatus::Conflict, "the audit table disagrees on"),
        (ReconcileStatus::Filled, "only the audit table holds"),
    ] {
        let fields = of(status);
        if !fields.is_empty() {
            spans.push(Span::Text(format!("; {words} {}", fields.join(", "))));
        }
    }
    if !of(ReconcileStatus::MissingRow).is_empty() {
        spans.push(Span::Text("; the audit table has no row for it".into()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_policy_parses() {
        let p = Policy::parse(BUILTIN.as_bytes());
        assert!(matches!(&p, Ok(p) if p.rules.len() >= 3), "{p:?}");
    }

    #[test]
    fn unknown_keys_and_values_are_errors_with_their_path() {
        let err = |text: &str| Policy::parse(text.as_bytes()).err().map(|e| e.to_string());
        let e = err(r#"{"rules":[{"when":{"stauts":["Approved"]},"require":["code"]}]}"#);
        assert!(e.as_deref().is_some_and(|e| e.starts_with("at rules[0].when.stauts: unknown field")), "{e:?}");
        let e = err(r#"{"rules":[{"require":["commit"]}]}"#);
        assert!(e.as_deref().is_some_and(|e| e.starts_with("at rules[0].require[0]: unknown variant")), "{e:?}");
        let e = err(r#"{"rules":[{"when":{"status":["approved"]},"require":[]}]}"#);
        assert!(e.as_deref().is_some_and(|e| e.starts_with("at rules[0].when.status[0]: expected Approved")), "{e:?}");
        assert!(err(r#"{"rules":[],"extra":1}"#).is_some());
    }
}
