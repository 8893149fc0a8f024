//! A model package's approval history: every recorded status change (CloudTrail CreateModelPackage /
//! UpdateModelPackage, EventBridge state changes, DescribeModelPackage, approval records in the lineage), merged
//! per change with the source of each fact, and the places where the sources disagree.

use serde::Serialize;

use crate::model::ApprovalStatus;
use crate::model::Lineage;
use crate::time::Timestamp;

/// One source's word on one status change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    pub at: Option<Timestamp>,
    pub status: ApprovalStatus,
    pub by: Option<String>,
    pub description: Option<String>,
    pub source: String,
}

/// One status change, as every source that records it tells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApprovalChange {
    pub at: Option<Timestamp>,
    pub status: ApprovalStatus,
    /// Who made the change: an IAM identity ARN when a source gives one, else a user name or e-mail.
    pub by: Option<String>,
    pub description: Option<String>,
    /// When the sources name different people for this change: each, with the sources naming them.
    pub disputed_by: Vec<String>,
    pub sources: Vec<String>,
}

/// Two sources closer than this in time, giving the same status, describe the same change.
const SAME_CHANGE_SECONDS: i64 = 600;

/// What the CloudTrail and EventBridge records of the inputs say about `package_arn`'s approval.
pub fn recorded_changes(lineage: &Lineage, package_arn: &str) -> Vec<Observation> {
    let records = &lineage.graph.records;
    let mut out = Vec::new();
    for e in records.trail.values().filter(|e| e.error_code.is_none()) {
        let arn = match e.name.as_str() {
            "UpdateModelPackage" => e.param_str("modelPackageArn").or(e.param_str("modelPackageName")),
            "CreateModelPackage" => e.response_str("modelPackageArn"),
            _ => None,
        };
        if arn != Some(package_arn) {
            continue;
        }
        let Some(status) = e.param_str("modelApprovalStatus") else { continue };
        out.push(Observation {
            at: Some(e.time),
            status: ApprovalStatus::parse(status),
            by: e.identity.clone().or_else(|| e.user_name.clone()),
            description: e.param_str("approvalDescription").map(str::to_owned),
            source: format!("CloudTrail {} event {} ({})", e.name, e.id, e.origin),
        });
    }
    for e in records.package_events.iter().filter(|e| e.package_arn == package_arn) {
        let Some(status) = &e.approval_status else { continue };
        let id = e.id.as_deref().map(|i| format!(" {i}")).unwrap_or_default();
        out.push(Observation {
            at: e.at(),
            status: status.clone(),
            by: e.modified_by.as_ref().and_then(|u| u.iam_arn.clone().or_else(|| u.display())),
            description: e.approval_description.clone(),
            source: format!("EventBridge Model Package State Change{id} ({})", e.origin),
        });
    }
    out
}

/// The identity part that names a person: an assumed role's session name, an IAM user's name, an e-mail.
fn person(id: &str) -> String {
    id.rsplit('/').next().unwrap_or(id).to_ascii_lowercase()
}

/// Merges observations into changes, oldest first, and lists where sources disagree.
pub fn merge(mut observations: Vec<Observation>) -> (Vec<ApprovalChange>, Vec<String>) {
    observations.sort_by(|a, b| (a.at.is_none(), a.at, &a.source).cmp(&(b.at.is_none(), b.at, &b.source)));
    let mut changes: Vec<(ApprovalChange, Vec<(String, String)>)> = Vec::new();
    for o in observations {
        let same = |c: &ApprovalChange| {
            c.status == o.status
                && match (c.at, o.at) {
                    (Some(a), Some(b)) => (b.0 - a.0).num_seconds().abs() <= SAME_CHANGE_SECONDS,
                    // An undated word (an approval record without a time) belongs to the latest change it matches.
                    _ => true,
                }
        };
        let target = if o.at.is_none() {
            changes.iter().rposition(|(c, _)| c.status == o.status)
        } else {
            changes.last().filter(|(c, _)| same(c)).map(|_| changes.len() - 1)
        };
        match target {
            Some(i) => {
                let (c, bys) = &mut changes[i];
                c.sources.push(o.source.clone());
                if let Some(by) = o.by {
                    // An IAM ARN says more than a bare name.
                    if c.by.as_ref().is_none_or(|b| !b.starts_with("arn:") && by.starts_with("arn:")) {
                        c.by = Some(by.clone());
                    }
                    bys.push((by, o.source));
                }
                if c.description.is_none() {
                    c.description = o.description;
                }
                if c.at.is_none() {
                    c.at = o.at;
                }
            }
            None => {
                let bys = o.by.iter().map(|b| (b.clone(), o.source.clone())).collect();
                changes.push((
                    ApprovalChange {
                        at: o.at,
                        status: o.status,
                        by: o.by,
                        description: o.description,
                        disputed_by: Vec::new(),
                        sources: vec![o.source],
                    },
                    bys,
                ));
            }
        }
    }
    let mut conflicts = Vec::new();
    for (c, bys) in &mut changes {
        // Person -> (the fullest identity given, the sources naming them).
        let mut people: std::collections::BTreeMap<String, (String, Vec<String>)> = Default::default();
        for (b, s) in bys.iter() {
            let entry = people.entry(person(b)).or_insert_with(|| (b.clone(), Vec::new()));
            if b.starts_with("arn:") {
                entry.0 = b.clone();
            }
            entry.1.push(s.clone());
        }
        if people.len() > 1 {
            let when = c.at.map(|t| format!(" at {t}")).unwrap_or_default();
            let said: Vec<String> = people.values().map(|(b, s)| format!("{b} ({})", s.join("; "))).collect();
            conflicts.push(format!("The sources disagree on who set {}{when}: {}.", c.status, said.join(" vs ")));
            c.disputed_by = people.into_values().map(|(b, _)| b).collect();
        }
    }
    (changes.into_iter().map(|(c, _)| c).collect(), conflicts)
}

/// The status in effect at `t`: the last dated change at or before it.
pub fn status_at(changes: &[ApprovalChange], t: Timestamp) -> Option<&ApprovalChange> {
    changes.iter().rfind(|c| c.at.is_some_and(|a| a <= t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(at: &str, status: &str, by: Option<&str>, source: &str) -> Observation {
        Observation {
            at: Timestamp::parse(at),
            status: ApprovalStatus::parse(status),
            by: by.map(str::to_owned),
            description: None,
            source: source.into(),
        }
    }

    #[test]
    fn one_change_told_by_two_sources_is_one_entry_with_both_sources() {
        let (changes, conflicts) = merge(vec![
            obs("2027-03-08T09:42:01Z", "Approved", Some("risk-ops@company.com"), "EventBridge"),
            obs("2027-03-08T09:42:00Z", "Approved", Some("arn:aws:sts::1:assumed-role/R/risk-ops@company.com"), "CT"),
            obs("2027-03-07T10:00:00Z", "Rejected", Some("arn:aws:iam::1:user/bob"), "CT2"),
        ]);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].status, ApprovalStatus::Rejected);
        assert_eq!(changes[1].sources, ["CT", "EventBridge"]);
        assert_eq!(changes[1].by.as_deref(), Some("arn:aws:sts::1:assumed-role/R/risk-ops@company.com"));
        assert!(conflicts.is_empty());
    }

    #[test]
    fn different_people_for_one_change_are_a_conflict() {
        let (_, conflicts) = merge(vec![
            obs("2027-03-08T09:42:00Z", "Approved", Some("arn:aws:iam::1:user/alice"), "CT"),
            obs("2027-03-08T09:43:00Z", "Approved", Some("bob@company.com"), "record"),
        ]);
        assert_eq!(conflicts.len(), 1);
        assert!(conflicts[0].contains("alice") && conflicts[0].contains("bob"), "{conflicts:?}");
    }

    #[test]
    fn approved_again_after_a_rejection_is_a_new_change() {
        let (changes, _) = merge(vec![
            obs("2027-03-01T00:00:00Z", "Approved", None, "a"),
            obs("2027-03-02T00:00:00Z", "Rejected", None, "b"),
            obs("2027-03-03T00:00:00Z", "Approved", None, "c"),
        ]);
        let statuses: Vec<&str> = changes.iter().map(|c| c.status.as_str()).collect();
        assert_eq!(statuses, ["Approved", "Rejected", "Approved"]);
        let t = Timestamp::parse("2027-03-02T12:00:00Z").unwrap_or_else(|| panic!("timestamp"));
        assert_eq!(status_at(&changes, t).map(|c| c.status.as_str()), Some("Rejected"));
    }
}
