//! The audit table, checked: each fact of the subject's row (by the column map) against the answers. A fact both
//! hold is confirmed or a conflict; one only the table holds fills the answer, marked manual, and closes the gap it
//! left; an approved model with no row is a finding of its own. Comparisons: URIs by place (the location rules of
//! the cross-system merge), commits by prefix (7 hex digits at least), approvers by identity (ARN, role-session or
//! user name, user profile, an e-mail's local part), times to the second (a date-only value: the same UTC day).

use std::collections::BTreeMap;

use super::kinds::{Question, SourceKind};
use super::report::{
    Answers, ApprovalAnswer, ApprovalFact, ClosedGap, CodeAnswer, DatasetAnswer, Gap, ReconcileStatus, Reconciled,
    RecordedBy, RowRef, UpstreamSource,
};
use crate::model::audit::{AuditField, AuditMap, AuditRow, FeatureColumns};
use crate::model::openlineage::location_key;
use crate::model::{ApprovalStatus, Lineage};
use crate::time::Timestamp;

/// What the reconciliation found for one subject: the facts, and the gaps its filled facts closed.
#[derive(Default)]
pub(super) struct Reconciliation {
    pub facts: Vec<Reconciled>,
    pub closed: Vec<ClosedGap>,
}

/// The names a row may give the subject by: its model-package ARN, `GROUP/VERSION`, its vertex.
pub(super) fn subject_keys(answers: &Answers) -> Vec<String> {
    let mv = &answers.model_version;
    let mut keys: Vec<String> = mv.arn.iter().chain(mv.vertex.iter()).cloned().collect();
    let version = mv.version.map(|v| v.to_string()).or_else(|| mv.recorded_model.as_ref()?.version.clone());
    if let (Some(group), Some(v)) = (mv.group.as_ref().or(mv.name.as_ref()), version) {
        keys.push(format!("{group}/{v}"));
    }
    keys
}

/// The row of the table for a subject known by `keys`: the first in (file, line, path) order.
fn row_for<'a>(lineage: &'a Lineage, map: &AuditMap, keys: &[String]) -> Option<&'a AuditRow> {
    let rows = &lineage.graph.records.audit.rows;
    rows.iter().find(|r| r.text(&map.key).is_some_and(|k| keys.contains(&k)))
}

/// Checks the subject's row, fills what only the table holds, and closes the gaps so filled.
pub(super) fn reconcile(lineage: &Lineage, answers: &mut Answers, gaps: &mut Vec<Gap>) -> Reconciliation {
    let table = &lineage.graph.records.audit;
    let Some(map) = table.map.as_ref() else { return Reconciliation::default() };
    let keys = subject_keys(answers);
    let approved = answers.approval.as_ref().and_then(|a| a.status.as_ref()) == Some(&ApprovalStatus::Approved);
    let Some(row) = row_for(lineage, map, &keys) else {
        let mut out = Reconciliation::default();
        if approved {
            let missing = Reconciled {
                question: Question::Approval,
                field: "row".into(),
                status: ReconcileStatus::MissingRow,
                table_value: None,
                lineage_value: keys.first().cloned(),
                row: None,
            };
            out.facts.push(missing);
        }
        return out;
    };
    let at = RowRef::of(map, row);
    let mut facts = Vec::new();
    for field in AuditField::ALL {
        facts.extend(compare(answers, map, row, field, &at));
    }
    let mut out = Reconciliation { facts, closed: Vec::new() };
    for f in out.facts.iter().filter(|f| f.status == ReconcileStatus::Filled) {
        fill(answers, f, &at);
        out.closed.extend(close_gaps(gaps, f, &at));
    }
    out
}

/// The facts of one field: each feature group its own; none when the table holds no value.
fn compare(answers: &Answers, map: &AuditMap, row: &AuditRow, field: AuditField, at: &RowRef) -> Vec<Reconciled> {
    if field == AuditField::FeatureStoreVersions {
        return feature_versions(answers, map, row, at);
    }
    let Some(table) = map.columns.column(field).and_then(|c| row.text(c)) else { return Vec::new() };
    let lineage = lineage_values(answers, field);
    let status = if lineage.is_empty() {
        ReconcileStatus::Filled
    } else if lineage.iter().any(|l| agrees(field, &table, l, answers)) {
        ReconcileStatus::Confirmed
    } else {
        ReconcileStatus::Conflict
    };
    vec![Reconciled {
        question: question_of(field),
        field: field.as_str().into(),
        status,
        table_value: Some(table),
        lineage_value: (!lineage.is_empty()).then(|| lineage.join(", ")),
        row: Some(at.clone()),
    }]
}

fn feature_versions(answers: &Answers, map: &AuditMap, row: &AuditRow, at: &RowRef) -> Vec<Reconciled> {
    let table: BTreeMap<String, String> = match &map.columns.feature_store_versions {
        None => return Vec::new(),
        Some(FeatureColumns::One(c)) => row.cells.get(c).and_then(|c| c.map()).unwrap_or_default(),
        Some(FeatureColumns::PerGroup(groups)) => {
            groups.iter().filter_map(|(g, c)| Some((g.clone(), row.text(c)?))).collect()
        }
    };
    let recorded = |group: &str| {
        answers
            .upstream_sources
            .iter()
            .filter(|u| u.kind == SourceKind::FeatureStoreVersion && u.name == group)
            .filter_map(|u| u.version.clone())
            .collect::<Vec<String>>()
    };
    table
        .into_iter()
        .map(|(group, version)| {
            let lineage = recorded(&group);
            let status = match lineage.iter().any(|l| l.trim() == version.trim()) {
                _ if lineage.is_empty() => ReconcileStatus::Filled,
                true => ReconcileStatus::Confirmed,
                false => ReconcileStatus::Conflict,
            };
            Reconciled {
                question: Question::UpstreamSources,
                field: format!("feature_store_versions.{group}"),
                status,
                table_value: Some(version),
                lineage_value: (!lineage.is_empty()).then(|| lineage.join(", ")),
                row: Some(at.clone()),
            }
        })
        .collect()
}

fn question_of(field: AuditField) -> Question {
    match field {
        AuditField::TrainingDataset => Question::TrainingDataset,
        AuditField::FeatureStoreVersions | AuditField::ExclusionList => Question::UpstreamSources,
        AuditField::CodeCommit => Question::Code,
        AuditField::ApprovalStatus | AuditField::ApprovedBy | AuditField::ApprovedAt => Question::Approval,
    }
}

/// What the answers hold for a field, as text.
fn lineage_values(a: &Answers, field: AuditField) -> Vec<String> {
    let approval = a.approval.as_ref();
    let mut v: Vec<String> = match field {
        AuditField::TrainingDataset => {
            a.training_datasets.iter().filter_map(|d| d.uri.clone().or_else(|| d.arn.clone())).collect()
        }
        AuditField::ExclusionList => a
            .upstream_sources
            .iter()
            .filter(|u| u.kind == SourceKind::ExclusionList)
            .map(|u| u.uri.clone().unwrap_or_else(|| u.name.clone()))
            .collect(),
        AuditField::CodeCommit => a.code.iter().filter_map(|c| c.commit.clone()).collect(),
        AuditField::ApprovalStatus => {
            approval.and_then(|a| a.status.as_ref()).map(|s| s.to_string()).into_iter().collect()
        }
        AuditField::ApprovedBy => approval.and_then(|a| a.by.clone()).into_iter().collect(),
        AuditField::ApprovedAt => approval.and_then(|a| a.at).map(|t| t.iso()).into_iter().collect(),
        AuditField::FeatureStoreVersions => Vec::new(),
    };
    v.sort();
    v.dedup();
    v
}

/// Whether the table's value and one lineage value say the same, by the field's rule.
fn agrees(field: AuditField, table: &str, lineage: &str, answers: &Answers) -> bool {
    match field {
        AuditField::TrainingDataset | AuditField::ExclusionList => {
            location_key(table).is_some_and(|k| location_key(lineage).as_ref() == Some(&k))
        }
        AuditField::CodeCommit => same_commit(table, lineage),
        AuditField::ApprovalStatus => table.trim().eq_ignore_ascii_case(lineage.trim()),
        AuditField::ApprovedBy => same_person(table, answers.approval.as_ref()),
        AuditField::ApprovedAt => same_time(table, lineage),
        AuditField::FeatureStoreVersions => table.trim() == lineage.trim(),
    }
}

/// One commit is the other, or the other's abbreviation (7 hex digits at least), ignoring case.
pub(super) fn same_commit(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().to_ascii_lowercase(), b.trim().to_ascii_lowercase());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    short.len() >= 7 && long.starts_with(short.as_str())
}

/// The names one identity goes by: itself, an ARN's last part (the role-session or user name), and the local part
/// of any of those that is an e-mail.
fn identity_names<'a>(ids: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for n in ids {
        names.push(n.clone());
        if n.starts_with("arn:") {
            names.extend(n.rsplit('/').next().map(str::to_owned));
        }
    }
    let locals: Vec<String> = names.iter().filter_map(|n| Some(n.split_once('@')?.0.to_owned())).collect();
    names.extend(locals);
    names
}

/// `one` names someone `names` (an identity's names) also names: the same ARN, role-session or user name, user
/// profile, or the local part of an e-mail that is one of those (ignoring case).
fn names_match(names: &[String], one: &str) -> bool {
    let t = one.trim();
    let t_local = t.split_once('@').map(|(l, _)| l);
    names
        .iter()
        .any(|n| n.eq_ignore_ascii_case(t) || t_local.is_some_and(|l| n.eq_ignore_ascii_case(l) && !n.contains('@')))
}

/// The row's approver names the lineage's (see [`names_match`]).
fn same_person(table: &str, approval: Option<&ApprovalAnswer>) -> bool {
    let Some(a) = approval else { return false };
    names_match(&identity_names([&a.by, &a.iam_arn, &a.user_profile].into_iter().flatten()), table)
}

/// Two approvers as recorded (an assumed-role ARN and an e-mail, say) name the same person.
pub(super) fn same_identity(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_owned(), b.to_owned());
    names_match(&identity_names([&a]), &b) || names_match(&identity_names([&b]), &a)
}

/// The same instant to the second; a date-only value is the same UTC day.
fn same_time(table: &str, lineage: &str) -> bool {
    let Some(l) = Timestamp::parse(lineage) else { return false };
    let t = table.trim();
    if crate::time::calendar_date(t).is_some() {
        return l.date() == t;
    }
    Timestamp::parse(t).is_some_and(|t| t.0.timestamp() == l.0.timestamp())
}

/// What the provenance sentence adds when some of its facts come only from the audit table, or the table
/// disagrees with the lineage: ` Manual records (audit table): code_commit. The audit table disagrees on: …`.
pub(super) fn sentence_note(facts: &[Reconciled]) -> String {
    let of = |status: ReconcileStatus| -> Vec<&str> {
        facts.iter().filter(|f| f.status == status).map(|f| f.field.as_str()).collect()
    };
    let mut out = String::new();
    let filled = of(ReconcileStatus::Filled);
    if !filled.is_empty() {
        out.push_str(&format!(" From the audit table only (manual records): {}.", filled.join(", ")));
    }
    let conflicts = of(ReconcileStatus::Conflict);
    if !conflicts.is_empty() {
        out.push_str(&format!(" The audit table disagrees with the lineage on: {}.", conflicts.join(", ")));
    }
    if !of(ReconcileStatus::MissingRow).is_empty() {
        out.push_str(" The model is approved, but the audit table has no row for it.");
    }
    out
}

fn manual(at: &RowRef) -> String {
    format!("{}, a manual record", at.cite())
}

/// Gives the answer the table's value, marked manual.
fn fill(a: &mut Answers, f: &Reconciled, at: &RowRef) {
    let Some(value) = f.table_value.clone() else { return };
    let by = RecordedBy::Manual(manual(at));
    let source = |kind: SourceKind, name: String, uri: Option<String>, version: Option<String>| UpstreamSource {
        arn: String::new(),
        kind,
        name,
        uri,
        version,
        datasets: Vec::new(),
        dataset: String::new(),
        recorded_by: by.clone(),
        evidence: Default::default(),
    };
    match f.field.as_str() {
        "training_dataset" => a.training_datasets.push(DatasetAnswer {
            arn: None,
            uri: Some(value),
            channel: None,
            properties: BTreeMap::new(),
            training_job: a.training_jobs.first().map(|j| j.arn.clone()).unwrap_or_default(),
            recorded_by: by.clone(),
            evidence: Default::default(),
        }),
        "exclusion_list" => {
            a.upstream_sources.push(source(SourceKind::ExclusionList, value.clone(), Some(value), None))
        }
        "code_commit" => {
            a.code.push(CodeAnswer { repository: None, commit: Some(value), arn: None, source: manual(at) })
        }
        field => match field.strip_prefix("feature_store_versions.") {
            Some(group) => {
                a.upstream_sources.push(source(SourceKind::FeatureStoreVersion, group.into(), None, Some(value)))
            }
            None => fill_approval(a, field, value, at),
        },
    }
}

fn fill_approval(a: &mut Answers, field: &str, value: String, at: &RowRef) {
    let approval = a.approval.get_or_insert_with(ApprovalAnswer::default);
    let fact = match field {
        "approved_by" => {
            approval.by = Some(value);
            ApprovalFact::By
        }
        "approval_status" => {
            approval.status = Some(ApprovalStatus::parse(&value));
            ApprovalFact::Status
        }
        _ => match Timestamp::parse(&value) {
            Some(t) => {
                approval.at = Some(t);
                ApprovalFact::At
            }
            None => return,
        },
    };
    approval.sources.insert(fact, manual(at));
}

/// The gaps a filled fact closes, taken out of `gaps`.
fn close_gaps(gaps: &mut Vec<Gap>, f: &Reconciled, at: &RowRef) -> Vec<ClosedGap> {
    let closes = |g: &Gap| match f.field.as_str() {
        "training_dataset" => g.question == Question::TrainingDataset,
        "code_commit" => g.question == Question::Code,
        "approved_by" => g.question == Question::Approval && g.detail.contains("who approved"),
        "approved_at" => g.question == Question::Approval && g.detail.contains("when was never recorded"),
        field if field.starts_with("feature_store_versions.") => {
            g.question == Question::UpstreamSources && g.detail.contains("feature-store versions")
        }
        _ => false,
    };
    let (closed, kept): (Vec<Gap>, Vec<Gap>) = std::mem::take(gaps).into_iter().partition(closes);
    *gaps = kept;
    closed.into_iter().map(|gap| ClosedGap { gap, by: manual(at) }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_match_by_prefix_of_seven_or_more() {
        assert!(same_commit("a14f2b93c6d1e0f58b7a2c4d9e6f1a3b5c7d8e90", "a14f2b9"));
        assert!(same_commit("A14F2B9", "a14f2b93c6d1"));
        assert!(!same_commit("a14f2b", "a14f2b93c6d1"));
        assert!(!same_commit("4c1d2e8", "e70b4ef"));
    }

    #[test]
    fn approvers_match_by_identity_session_name_profile_or_local_part() {
        let a = ApprovalAnswer {
            by: Some("risk-ops@company.com".into()),
            iam_arn: Some("arn:aws:sts::111122223333:assumed-role/RiskOpsApprover/risk-ops@company.com".into()),
            user_profile: Some("risk-ops".into()),
            ..Default::default()
        };
        for yes in [
            "risk-ops",
            "RISK-OPS@company.com",
            "arn:aws:sts::111122223333:assumed-role/RiskOpsApprover/risk-ops@company.com",
        ] {
            assert!(same_person(yes, Some(&a)), "{yes}");
        }
        assert!(!same_person("a.okafor", Some(&a)));
        let okafor = ApprovalAnswer {
            by: Some("arn:aws:sts::111122223333:assumed-role/ModelRiskReviewer/a.okafor@company.com".into()),
            ..Default::default()
        };
        assert!(same_person("a.okafor", Some(&okafor)));
        assert!(same_person("a.okafor@company.com", Some(&okafor)));
        assert!(!same_person("j.ruiz", Some(&okafor)));
    }

    #[test]
    fn times_match_to_the_second_and_dates_by_utc_day() {
        assert!(same_time("2027-03-08", "2027-03-08T09:42:00Z"));
        assert!(!same_time("2027-03-11", "2027-03-12T09:30:00Z"));
        assert!(same_time("2027-02-23T07:10:00+01:00", "2027-02-23T06:10:00Z"));
        assert!(!same_time("2027-02-23T07:10:01+01:00", "2027-02-23T06:10:00Z"));
    }
}
