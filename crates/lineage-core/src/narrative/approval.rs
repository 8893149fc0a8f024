//! The fifth answer, the approval: every source's word on the package's status changes (approval records,
//! DescribeModelPackage snapshots, CloudTrail, EventBridge), each fact kept with the sources it was read from
//! ([`Sourced`]), the conflicts listed rather than resolved, and a gap for what no source says.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction as PgDirection;

use super::context::Ctx;
use super::report::{ApprovalAnswer, ApprovalFact, Evidence, EvidenceEdge, Gap, Question};
use crate::approvals::{self, ApprovalChange, Observation};
use crate::model::roles::Role;
use crate::model::{ApprovalStatus, ModelPackage, Node};
use crate::time::Timestamp;

/// A fact and the sources it was read from (joined with `; ` in [`ApprovalAnswer::sources`]).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Sourced<T> {
    pub value: T,
    pub sources: Vec<String>,
}

impl<T> Sourced<T> {
    fn new(value: T, source: impl Into<String>) -> Sourced<T> {
        Sourced { value, sources: vec![source.into()] }
    }
}

/// Sets `slot` to `value` (read from `source`) unless it already holds a fact or `value` is `None`.
fn fill<T>(slot: &mut Option<Sourced<T>>, value: Option<T>, source: impl FnOnce() -> String) {
    if slot.is_none() {
        *slot = value.map(|v| Sourced::new(v, source()));
    }
}

fn value<T: Clone>(slot: &Option<Sourced<T>>) -> Option<T> {
    slot.as_ref().map(|s| s.value.clone())
}

/// The approval as it is assembled: each fact with where it came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Draft {
    pub status: Option<Sourced<ApprovalStatus>>,
    pub by: Option<Sourced<String>>,
    pub iam_arn: Option<Sourced<String>>,
    pub user_profile: Option<Sourced<String>>,
    pub at: Option<Sourced<Timestamp>>,
    pub description: Option<Sourced<String>>,
}

impl Draft {
    /// What an approval record says, where nothing newer said it.
    fn read_record(&mut self, n: &Node) {
        let label = format!("approval record {}", n.arn);
        fill(&mut self.status, status_of(n), || label.clone());
        fill(&mut self.by, approver_of(n), || label.clone());
        let iam = ["approver_arn", "approver_iam_arn", "iam_arn"].iter().find_map(|k| n.property(k)).map(str::to_owned);
        let iam = iam.or_else(|| value(&self.by).filter(|b| b.starts_with("arn:")));
        fill(&mut self.iam_arn, iam, || label.clone());
        let profile = n
            .property("user_profile")
            .map(str::to_owned)
            .or_else(|| n.details.as_ref().and_then(|d| d.created_by.as_ref()).and_then(|u| u.user_profile.clone()));
        fill(&mut self.user_profile, profile, || label.clone());
        // A record with no approval-time property is dated by its artifact's creation: say so.
        fill(&mut self.at, record_time(n), || match recorded_approval_time(n) {
            None => format!("{label} (its CreationTime: it records no approval time)"),
            Some(_) => label.clone(),
        });
        let description = n
            .property("description")
            .map(str::to_owned)
            .or_else(|| n.details.as_ref().and_then(|d| d.description.clone()));
        fill(&mut self.description, description, || label.clone());
    }

    /// What the last `Approved` change of the history says, where the records and the package left it open; the
    /// approver when the sources of that change disagree on it.
    fn read_approved_change(&mut self, c: &ApprovalChange) {
        let sources = || c.sources.join("; ");
        if !c.disputed_by.is_empty() {
            // Not resolved silently: every name the sources give, and the conflict it is listed as.
            let by = format!("{} (the sources disagree)", c.disputed_by.join(" or "));
            self.by = Some(Sourced::new(by, sources()));
        }
        fill(&mut self.by, c.by.clone(), sources);
        fill(&mut self.iam_arn, c.by.clone().filter(|b| b.starts_with("arn:")), sources);
        fill(&mut self.at, c.at, sources);
        fill(&mut self.description, c.description.clone(), sources);
    }

    fn into_answer(self, history: Vec<ApprovalChange>, conflicts: Vec<String>, evidence: Evidence) -> ApprovalAnswer {
        let mut sources = BTreeMap::new();
        let mut note = |fact: ApprovalFact, s: Option<&Vec<String>>| {
            if let Some(s) = s {
                sources.insert(fact, s.join("; "));
            }
        };
        note(ApprovalFact::Status, self.status.as_ref().map(|s| &s.sources));
        note(ApprovalFact::By, self.by.as_ref().map(|s| &s.sources));
        note(ApprovalFact::IamArn, self.iam_arn.as_ref().map(|s| &s.sources));
        note(ApprovalFact::UserProfile, self.user_profile.as_ref().map(|s| &s.sources));
        note(ApprovalFact::At, self.at.as_ref().map(|s| &s.sources));
        note(ApprovalFact::Description, self.description.as_ref().map(|s| &s.sources));
        ApprovalAnswer {
            status: self.status.map(|s| s.value),
            by: self.by.map(|s| s.value),
            iam_arn: self.iam_arn.map(|s| s.value),
            user_profile: self.user_profile.map(|s| s.value),
            at: self.at.map(|s| s.value),
            description: self.description.map(|s| s.value),
            sources,
            history,
            conflicts,
            evidence,
        }
    }
}

/// Approval vertices: upstream of the package, next to it, or naming it in their source URI.
pub(super) fn approval_vertices(cx: &Ctx) -> Vec<NodeIndex> {
    let mut v: BTreeSet<NodeIndex> = cx.ancestors_of_role(Role::Approval).into_iter().collect();
    for n in cx.g.petgraph().neighbors_undirected(cx.focus) {
        if cx.role(n) == Role::Approval {
            v.insert(n);
        }
    }
    if let Some(pkg) = cx.g.package_of.get(&cx.focus) {
        v.extend(cx.g.approvals_of_package.get(pkg).into_iter().flatten().copied());
    }
    let mut v: Vec<NodeIndex> = v.into_iter().collect();
    cx.g.sort_by_arn(&mut v);
    v
}

/// Every source's word on the focus package's approval status changes.
fn approval_observations(cx: &Ctx, records: &[NodeIndex]) -> Vec<Observation> {
    let mut out = Vec::new();
    let Some(arn) = cx.g.package_of.get(&cx.focus) else { return out };
    out.extend(approvals::recorded_changes(cx.lineage, arn));
    for &r in records {
        let n = cx.node(r);
        if let Some(status) = status_of(n) {
            out.push(Observation {
                at: record_time(n),
                status,
                by: approver_of(n),
                description: n.property("description").map(str::to_owned),
                source: format!("approval record {}", n.arn),
            });
        }
    }
    let superseded = cx.g.superseded_packages.get(arn).into_iter().flatten();
    let snapshots = superseded.map(|p| (p, " (an earlier snapshot)")).chain(cx.g.package(cx.focus).map(|p| (p, "")));
    for (p, which) in snapshots {
        let Some(status) = &p.approval_status else { continue };
        // A package never modified carries its creation time only: the source says which time it is.
        let (at, by, fields) = match (p.modified_at, p.created_at) {
            (Some(t), _) => (Some(t), &p.modified_by, "ModelApprovalStatus, LastModifiedTime, LastModifiedBy"),
            (None, t) => (t, &p.created_by, "ModelApprovalStatus, CreationTime, CreatedBy; no LastModifiedTime"),
        };
        out.push(Observation {
            at,
            status: status.clone(),
            by: by.as_ref().and_then(|u| u.iam_arn.clone().or_else(|| u.display())),
            description: p.approval_description.clone(),
            source: format!("DescribeModelPackage{which} ({fields})"),
        });
    }
    out
}

/// The approval (question 5): the newest approval record first, then DescribeModelPackage, then the status history.
pub(super) fn approval(cx: &Ctx, vertices: &[NodeIndex]) -> (Option<ApprovalAnswer>, Vec<Gap>) {
    let (history, mut conflicts) = approvals::merge(approval_observations(cx, vertices));
    if vertices.is_empty() && history.is_empty() && cx.node(cx.focus).system == crate::model::System::Dvc {
        let gap = Gap::new(
            Question::Approval,
            "Who approved the model, and when, was never recorded: DVC records no approval (a git commit's author only committed the run, and is no approver).".into(),
            "an approval record beside the model: a registry stage assignment (DVC's GTO git tag NAME#prod#N, or a registry such as MLflow's with its approver), or an approval artifact (properties approver, approved_at, status)",
        );
        return (None, vec![gap]);
    }
    if vertices.is_empty() && history.is_empty() {
        let gap = Gap::new(
            Question::Approval,
            "Who approved the model, and when, was never recorded: no approval record is linked and no DescribeModelPackage response gives the approval status.".into(),
            "an approval artifact (properties approver, approved_at, status) AssociatedWith the model package, or the DescribeModelPackage response (ModelApprovalStatus, LastModifiedBy)",
        );
        return (None, vec![gap]);
    }
    let mut draft = Draft::default();
    let mut evidence = Evidence::default();
    // Newest approval record first: it describes the current status.
    let mut records: Vec<NodeIndex> = vertices.to_vec();
    records.sort_by_key(|&ix| std::cmp::Reverse(record_time(cx.node(ix))));
    for &r in &records {
        record_evidence(cx, r, &mut evidence);
        draft.read_record(cx.node(r));
    }
    let mut gaps = Vec::new();
    if let Some(p) = cx.g.package(cx.focus) {
        evidence.descriptions.push(p.arn.clone());
        gaps.extend(read_package(&mut draft, p, conflicts.is_empty()));
    }
    gaps.extend(approval_from_history(cx, &mut draft, &history, &mut conflicts));
    evidence.vertices.sort();
    evidence.edges.sort();
    gaps.extend(status_gaps(&draft));
    (Some(draft.into_answer(history, conflicts, evidence)), gaps)
}

/// The record's vertex and its associations with the focus.
fn record_evidence(cx: &Ctx, r: NodeIndex, evidence: &mut Evidence) {
    evidence.vertices.push(cx.arn(r));
    let pg = cx.g.petgraph();
    for e in pg.edges_directed(r, PgDirection::Outgoing).filter(|e| e.target() == cx.focus) {
        evidence.edges.push(EvidenceEdge::of(cx.g, e.id()));
    }
    for e in pg.edges_directed(r, PgDirection::Incoming).filter(|e| e.source() == cx.focus) {
        evidence.edges.push(EvidenceEdge::of(cx.g, e.id()));
    }
}

/// What DescribeModelPackage says: its status wins (a record that disagrees is a gap); its last modifier is
/// the approver of an approved package where no record names one. `unresolved`: the history holds no conflict.
fn read_package(d: &mut Draft, p: &ModelPackage, unresolved: bool) -> Vec<Gap> {
    let label = "DescribeModelPackage";
    let mut gaps = Vec::new();
    if let Some(s) = &p.approval_status {
        if let Some(rec) = value(&d.status).filter(|r| r != s) {
            gaps.push(Gap::new(
                Question::Approval,
                format!("The approval record says {rec} but DescribeModelPackage says ModelApprovalStatus {s}; the model package's current status is shown."),
                "an approval record for the latest status change",
            ));
        }
        d.status = Some(Sourced::new(s.clone(), format!("{label}.ModelApprovalStatus")));
    }
    let approved = p.approval_status == Some(ApprovalStatus::Approved);
    if let Some(u) = p.modified_by.as_ref().filter(|_| approved) {
        let src = || "DescribeModelPackage.LastModifiedBy".to_owned();
        fill(&mut d.by, u.iam_arn.clone(), src);
        fill(&mut d.iam_arn, u.iam_arn.clone(), src);
        fill(&mut d.user_profile, u.user_profile.clone(), src);
        // A disagreement within one recorded change is already a conflict of the history.
        if let (Some(record), Some(modifier), true) = (value(&d.iam_arn), &u.iam_arn, unresolved) {
            if record != *modifier {
                gaps.push(Gap::new(
                    Question::Approval,
                    format!("The approval record names {record}, but the model package was last modified by {modifier}: the sources disagree on who approved it."),
                    "an approval record written from the CloudTrail UpdateModelPackage event of the approval",
                ));
            }
        }
    }
    if approved {
        fill(&mut d.at, p.modified_at, || "DescribeModelPackage.LastModifiedTime".to_owned());
    }
    if let Some(desc) = &p.approval_description {
        d.description = Some(Sourced::new(desc.clone(), format!("{label}.ApprovalDescription")));
    }
    gaps
}

/// Fills what the records and DescribeModelPackage left open from the status history, and reports where the
/// history disagrees with them or the model was not approved when the inference was served.
fn approval_from_history(cx: &Ctx, d: &mut Draft, history: &[ApprovalChange], conflicts: &mut Vec<String>) -> Vec<Gap> {
    if d.status.is_none() {
        if let Some(c) = history.last() {
            d.status = Some(Sourced { value: c.status.clone(), sources: c.sources.clone() });
        }
    }
    let describe = cx.g.package(cx.focus).and_then(|p| p.approval_status.clone());
    if let (Some(current), Some(latest)) = (&describe, history.iter().rfind(|c| c.at.is_some())) {
        if *current != latest.status {
            let at = latest.at.map(|t| t.to_string()).unwrap_or_default();
            conflicts.push(format!(
                "DescribeModelPackage says ModelApprovalStatus {current}, but the latest recorded change ({at}, {}) set {}.",
                latest.sources.join("; "),
                latest.status
            ));
        }
    }
    if value(&d.status) == Some(ApprovalStatus::Approved) {
        if let Some(c) = history.iter().rfind(|c| c.status == ApprovalStatus::Approved) {
            d.read_approved_change(c);
        }
    }
    let closes = "one record of the change that every source agrees with (check the CloudTrail event)";
    let mut gaps: Vec<Gap> = conflicts.iter().map(|c| Gap::new(Question::Approval, c.clone(), closes)).collect();
    gaps.extend(inference_approval_gap(cx, history));
    gaps
}

/// Whether the model was approved when the inference (if the report is about one) was served.
fn inference_approval_gap(cx: &Ctx, history: &[ApprovalChange]) -> Option<Gap> {
    let inf = cx.inference?;
    let (id, t) = (inf.id.clone(), inf.time);
    match approvals::status_at(history, t) {
        Some(c) if c.status == ApprovalStatus::Approved => None,
        Some(c) => {
            let (status, at) = (c.status.clone(), c.at.map(|t| t.to_string()).unwrap_or_default());
            Some(Gap::new(
                Question::Approval,
                format!("When inference {id} was served ({t}) the model package's approval status was {status} (set {at}): it served without a standing approval."),
                "an approval (ModelApprovalStatus Approved) before the deployment",
            ))
        }
        None if !history.is_empty() => Some(Gap::new(
            Question::Approval,
            format!("No approval status change is recorded before inference {id} ({t}): whether the model was approved when it served is unknown."),
            "the CloudTrail UpdateModelPackage record or EventBridge event of the approval",
        )),
        None => None,
    }
}

/// What the approval still lacks once every source is read.
fn status_gaps(d: &Draft) -> Vec<Gap> {
    let mut gaps = Vec::new();
    match value(&d.status) {
        Some(ApprovalStatus::Approved) => {
            if d.by.is_none() {
                gaps.push(Gap::new(Question::Approval, "The model is approved, but who approved it was never recorded.".into(), "an approval artifact with an approver property AssociatedWith the model package, or LastModifiedBy in the DescribeModelPackage response"));
            }
            if d.at.is_none() {
                gaps.push(Gap::new(Question::Approval, "The model is approved, but when was never recorded.".into(), "an approval artifact with an approved_at property AssociatedWith the model package"));
            }
        }
        Some(other) => gaps.push(Gap::new(
            Question::Approval,
            format!("The model package's approval status is {other}: no approval for deployment is recorded."),
            "an approval (ModelApprovalStatus Approved) before the model served traffic",
        )),
        None => gaps.push(Gap::new(
            Question::Approval,
            "An approval record is linked, but no approval status is recorded in it and no DescribeModelPackage response is in the export.".into(),
            "the DescribeModelPackage response, or a status property on the approval artifact",
        )),
    }
    gaps
}

/// The status an approval record states.
fn status_of(n: &Node) -> Option<ApprovalStatus> {
    ["status", "ModelApprovalStatus", "approval_status"].iter().find_map(|k| n.property(k)).map(ApprovalStatus::parse)
}

/// Who an approval record says approved: a property, else the identity that created the record.
pub(super) fn approver_of(n: &Node) -> Option<String> {
    ["approver", "approved_by", "ApprovedBy", "approver_arn", "approver_identity"]
        .iter()
        .find_map(|k| n.property(k))
        .map(str::to_owned)
        .or_else(|| n.details.as_ref()?.created_by.as_ref()?.iam_arn.clone())
}

/// When an approval record says it was approved: a property, else its creation time.
pub(super) fn record_time(n: &Node) -> Option<Timestamp> {
    recorded_approval_time(n).or_else(|| n.details.as_ref().and_then(|d| d.created_at))
}

/// The approval time an approval record states as a property (not its artifact's creation time).
fn recorded_approval_time(n: &Node) -> Option<Timestamp> {
    ["approved_at", "approval_time", "ApprovedAt", "timestamp", "time"]
        .iter()
        .find_map(|k| n.property(k))
        .and_then(Timestamp::parse)
}
