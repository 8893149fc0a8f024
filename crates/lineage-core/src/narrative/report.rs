//! The report and its answers: the JSON contract of `lineage report --format json` (see
//! `schema/report.schema.json`), as plain values. Every type a reader of a report needs is here or re-exported
//! here (the inference, its deployments, the approval history, the graph), so [`crate::document`] reads one module.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::model::pipeline::{execution_id, PipelineParameter, RunStatus, StepKind};
use crate::model::roles::Role;
use crate::model::{ApprovalStatus, ImportStats, InputFile, Join, Superseded, System};
use crate::time::Timestamp;

pub use super::kinds::{ChangeQuestion, Question, SourceKind, SubjectKind};
pub use crate::approvals::ApprovalChange;
pub use crate::deployments::Deployment;
pub use crate::subgraph::{Evidence, EvidenceEdge, GraphVertex, ReportGraph};
pub use crate::subject::{InferenceAnswer, InferenceEvidence};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Subject {
    /// The vertex the report starts from.
    pub arn: String,
    pub kind: SubjectKind,
    pub name: String,
    /// When the start names an endpoint: which of the packages it served the report is about, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ModelVersion {
    /// The model package ARN (`…:model-package/GROUP/N`), not the lineage vertex's.
    pub arn: Option<String>,
    pub name: Option<String>,
    pub group: Option<String>,
    pub version: Option<u64>,
    pub approval_status: Option<ApprovalStatus>,
    /// The lineage vertex standing for the package.
    pub vertex: Option<String>,
    /// `InferenceSpecification.Containers[].ModelDataUrl` of its DescribeModelPackage.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub model_data: Vec<String>,
    /// `ModelMetrics` reports of its DescribeModelPackage: where each evaluation report is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metric_reports: Vec<MetricReport>,
    /// The model as another system records it, when no SageMaker package stands for it (an OpenLineage dataset of
    /// type MODEL): its identity and version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_model: Option<RecordedModel>,
    pub evidence: Evidence,
}

/// A model another system recorded as a dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordedModel {
    pub system: System,
    /// `{namespace}/{name}`.
    pub dataset: String,
    /// Its `version` facet's `datasetVersion` (an MLflow registered model's version number).
    pub version: Option<String>,
    /// What else the system records about it, in a fixed order: an MLflow version's aliases, stage and status, a
    /// DVC model's path, md5 and commit, ….
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<RecordedFact>,
    /// The step that registered it (a run whose only input is the model's data): its vertex and what it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<String>,
    /// Why no version is given, when the system has none to give (DVC keeps no model registry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_version: Option<String>,
}

/// One fact another system records about a model (`aliases`: `champion`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordedFact {
    pub name: String,
    pub value: String,
}

/// One `ModelMetrics` report of a model package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MetricReport {
    /// `ModelQuality.Statistics`, `Bias.Report`, …
    pub name: String,
    pub uri: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrainingJobAnswer {
    /// The training job ARN when described, else the trial component's.
    pub arn: String,
    pub name: String,
    pub ended_at: Option<Timestamp>,
    pub status: Option<String>,
    pub hyperparameters: BTreeMap<String, String>,
    pub metrics: BTreeMap<String, f64>,
    /// Where another system recorded each metric's value (`step 9 (the latest MLflow keeps)`, `metrics.json`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metric_sources: BTreeMap<String, String>,
    pub vertex: String,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatasetAnswer {
    pub arn: Option<String>,
    pub uri: Option<String>,
    /// The training job's input channel it was given as (`train`, `validation`; DescribeTrainingJob
    /// `InputDataConfig[].ChannelName` with the same S3 URI), when described.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    pub properties: BTreeMap<String, String>,
    /// The training job (answer `arn`) it fed.
    pub training_job: String,
    /// The system that recorded its link to the job: `SageMaker lineage`, or another system's run, file and line.
    pub recorded_by: RecordedBy,
    pub evidence: Evidence,
}

impl DatasetAnswer {
    /// What the dataset was to its training job, in every format: `Training dataset`, or `Dataset (channel
    /// validation)` when the job's description gives it to another channel.
    pub fn kind_label(&self) -> String {
        match self.channel.as_deref() {
            None | Some("train" | "training") => "Training dataset".into(),
            Some(c) => format!("Dataset (channel {c})"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UpstreamSource {
    pub arn: String,
    pub kind: SourceKind,
    pub name: String,
    pub uri: Option<String>,
    pub version: Option<String>,
    /// The first dataset (answer `arn`) it went into, by ARN; `datasets` lists every one.
    pub dataset: String,
    /// Every dataset (answer `arn`) it went into: a source shared by two channels is one entry.
    pub datasets: Vec<String>,
    /// The system that recorded its path to the dataset: `SageMaker lineage`, or another system's run, file and
    /// line (an OpenLineage run that wrote the dataset).
    pub recorded_by: RecordedBy,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CodeAnswer {
    pub repository: Option<String>,
    pub commit: Option<String>,
    /// The code-commit vertex, when the commit is a lineage artifact.
    pub arn: Option<String>,
    /// Where it was read (`artifact`, `DescribeTrainingJob.MetadataProperties`, …).
    pub source: String,
}

/// Which system recorded the path an answer rests on: SageMaker lineage, or other systems' runs (`OpenLineage run
/// …`, with file and line). The JSON writes it as one string: `SageMaker lineage`, or the runs joined with `; `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordedBy {
    SageMaker,
    Runs(Vec<String>),
    /// A row of the team's audit table, where the lineage holds nothing: `audit table model-approvals row … (FILE
    /// line N), a manual record`.
    Manual(String),
}

impl RecordedBy {
    pub fn is_sagemaker(&self) -> bool {
        matches!(self, RecordedBy::SageMaker)
    }
}

impl fmt::Display for RecordedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordedBy::SageMaker => f.write_str(System::SageMaker.as_str()),
            RecordedBy::Runs(runs) => f.write_str(&runs.join("; ")),
            RecordedBy::Manual(row) => f.write_str(row),
        }
    }
}

impl Serialize for RecordedBy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A fact of the approval answer, as [`ApprovalAnswer::sources`] keys it. Declared in the order of the JSON keys
/// (the map writes its keys in this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalFact {
    At,
    By,
    Description,
    IamArn,
    Status,
    UserProfile,
}

impl ApprovalFact {
    pub const ALL: [ApprovalFact; 6] = [
        ApprovalFact::At,
        ApprovalFact::By,
        ApprovalFact::Description,
        ApprovalFact::IamArn,
        ApprovalFact::Status,
        ApprovalFact::UserProfile,
    ];
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ApprovalAnswer {
    pub status: Option<ApprovalStatus>,
    /// Who approved: the approver the approval record names (an e-mail or identity), else the IAM identity.
    pub by: Option<String>,
    /// The approver's IAM identity ARN.
    pub iam_arn: Option<String>,
    /// The SageMaker Studio user profile, where recorded.
    pub user_profile: Option<String>,
    pub at: Option<Timestamp>,
    pub description: Option<String>,
    /// For each fact, where it came from.
    pub sources: BTreeMap<ApprovalFact, String>,
    /// Every recorded status change, oldest first, each with the sources that record it.
    pub history: Vec<ApprovalChange>,
    /// Where the sources disagree (also listed as gaps); nothing here was resolved silently.
    pub conflicts: Vec<String>,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Answers {
    pub model_version: ModelVersion,
    pub training_jobs: Vec<TrainingJobAnswer>,
    pub training_datasets: Vec<DatasetAnswer>,
    pub upstream_sources: Vec<UpstreamSource>,
    pub code: Vec<CodeAnswer>,
    pub approval: Option<ApprovalAnswer>,
    /// The SageMaker Pipelines execution that made the package, when the package or a RegisterModel step names one.
    pub pipeline: Option<PipelineAnswer>,
}

/// A question the export cannot answer, and the association that would close it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub question: Question,
    pub detail: String,
    pub closes_with: String,
}

impl Gap {
    pub(super) fn new(question: Question, detail: String, closes_with: &str) -> Gap {
        Gap { question, detail, closes_with: closes_with.into() }
    }
}

/// The whole report: the JSON contract of `lineage report --format json` (see `schema/report.schema.json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub subject: Subject,
    /// The inference the report was asked about (`--inference`), and how it was tied to the model package.
    pub inference: Option<InferenceAnswer>,
    pub answers: Answers,
    pub gaps: Vec<Gap>,
    pub sentence: String,
    pub tree: String,
    pub graph: ReportGraph,
    pub inputs: Vec<InputFile>,
    /// Describe* responses replaced by a later snapshot of the same entity (the evidence lists them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<Superseded>,
    /// What the import read and merged.
    pub import: ImportStats,
    pub warnings: Vec<String>,
    /// Another system's datasets joined to SageMaker's vertices or to described feature groups, with both
    /// identities and the rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cross_joins: Vec<Join>,
    /// The subject's row of the audit table, fact by fact, when a table and its column map were read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reconciliation: Vec<Reconciled>,
    /// The gaps a fact only the audit table holds closed (the answer is then marked manual).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub closed_gaps: Vec<ClosedGap>,
    /// "Changes since the previous version": this version compared with the one it replaced in its group, when
    /// the export holds that one (see `schema/diff.schema.json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Diff>,
}

/// How one fact of the audit table compares with the lineage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReconcileStatus {
    /// Both hold it, and they agree.
    Confirmed,
    /// Both hold it, and they differ.
    Conflict,
    /// Only the table holds it: the answer is given from the table, marked manual.
    Filled,
    /// The model is approved and the table has no row for it.
    MissingRow,
}

impl ReconcileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReconcileStatus::Confirmed => "confirmed",
            ReconcileStatus::Conflict => "conflict",
            ReconcileStatus::Filled => "filled",
            ReconcileStatus::MissingRow => "missing_row",
        }
    }
}

/// Where a row of the audit table was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowRef {
    pub table: String,
    /// The row's key (its model-package column).
    pub key: String,
    pub file: String,
    pub line: Option<usize>,
    /// The JSON path of a Scan's item (`Items[3]`); empty for a CSV record or an export line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
}

impl RowRef {
    pub(super) fn of(map: &crate::model::audit::AuditMap, row: &crate::model::audit::AuditRow) -> RowRef {
        RowRef {
            table: map.table.clone(),
            key: row.text(&map.key).unwrap_or_default(),
            file: row.origin.file.clone(),
            line: row.origin.line,
            path: row.origin.path.clone(),
        }
    }

    /// `audit table model-approvals row credit-xgb/71 (scan.json at Items[9])`.
    pub fn cite(&self) -> String {
        let mut at = self.file.clone();
        if let Some(l) = self.line {
            at.push_str(&format!(" line {l}"));
        }
        if !self.path.is_empty() {
            at.push_str(&format!(" at {}", self.path));
        }
        format!("audit table {} row {} ({at})", self.table, self.key)
    }
}

/// One fact of the subject's audit-table row, reconciled with the lineage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reconciled {
    pub question: Question,
    /// The map's name of the fact (`code_commit`; `feature_store_versions.GROUP` per feature group; `row` for a
    /// missing row).
    pub field: String,
    pub status: ReconcileStatus,
    pub table_value: Option<String>,
    pub lineage_value: Option<String>,
    /// The row (none for a missing row).
    pub row: Option<RowRef>,
}

/// A gap a manual record closed: the gap, and the row that closed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClosedGap {
    pub gap: Gap,
    pub by: String,
}

/// The execution that produced the model package, as the export records it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PipelineAnswer {
    pub execution_arn: String,
    /// How the package is tied to it: `DescribeModelPackage.MetadataProperties.GeneratedBy`, or `RegisterModel
    /// step NAME` (the execution's step that registered it).
    pub joined_by: String,
    /// Whether the export holds its `DescribePipelineExecution` response (else only its ARN is known).
    pub described: bool,
    pub pipeline: Option<String>,
    pub pipeline_arn: Option<String>,
    pub display_name: Option<String>,
    pub status: Option<RunStatus>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub created_by: Option<String>,
    pub failure_reason: Option<String>,
    /// `None`: the export has no `ListPipelineExecutionSteps` response for it.
    pub steps: Option<Vec<StepAnswer>>,
    /// `None`: the export has no `ListPipelineParametersForExecution` response for it.
    pub parameters: Option<Vec<PipelineParameter>>,
    /// The steps that trained (training or tuning job steps), by name.
    pub training_steps: Vec<String>,
    /// Where each of its responses was read.
    pub sources: Vec<String>,
}

/// One step of the execution, with the job that really ran for a cached step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepAnswer {
    pub name: String,
    pub kind: Option<StepKind>,
    pub status: Option<RunStatus>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    /// The job, model or package the step names.
    pub arn: Option<String>,
    /// A cache hit: the execution whose step really ran (`CacheHitResult.SourcePipelineExecutionArn`).
    pub cache_hit_from: Option<String>,
    /// For a cached step, the job that ran in that execution (its step's job, followed through further cache
    /// hits); `None` when the export does not hold it.
    pub ran_job: Option<String>,
    pub attempts: Option<u64>,
    pub failure_reason: Option<String>,
    pub depends_on: Vec<String>,
}

impl PipelineAnswer {
    /// `credit-train, execution 7x1k2` (what a sentence or a label calls it).
    pub fn label(&self) -> String {
        let id = execution_id(&self.execution_arn);
        match &self.pipeline {
            Some(p) => format!("pipeline {p}, execution {id}"),
            None => format!("pipeline execution {id}"),
        }
    }

    /// The parameters the role table marks as the code commit.
    pub fn commit_parameters(&self) -> impl Iterator<Item = &PipelineParameter> {
        self.parameters.iter().flatten().filter(|p| p.role == Some(Role::CodeCommit) && !p.value.trim().is_empty())
    }
}

// ---- two versions compared (see `changes.rs`) ----

/// One side of a comparison: the model version, as a report names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The model package ARN (another system's model version: its vertex).
    pub arn: String,
    /// `credit-xgb/72`.
    pub name: String,
}

/// A fact that differs: `from` and `to` are its values (`None`: a member of a recorded set that one side lacks,
/// added or removed).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub question: ChangeQuestion,
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// For a metric read as a number on both sides: `to - from`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
}

impl Change {
    /// `changed`, `added` or `removed`.
    pub fn verb(&self) -> &'static str {
        match (&self.from, &self.to) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            _ => "changed",
        }
    }
}

/// A fact one side records and the other does not: the value it has where it is recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotRecorded {
    pub question: ChangeQuestion,
    pub field: String,
    /// Its value on the side that records it.
    pub recorded: String,
}

/// The facts each side does not record (`from`: not recorded on the `from` side).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OneSided {
    pub from: Vec<NotRecorded>,
    pub to: Vec<NotRecorded>,
}

impl OneSided {
    pub fn is_empty(&self) -> bool {
        self.from.is_empty() && self.to.is_empty()
    }
}

/// Two model versions compared: the JSON contract of `lineage diff --format json` (`schema/diff.schema.json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub from: Side,
    pub to: Side,
    /// The facts that differ, by question in [`ChangeQuestion::ALL`] order, then in each answer's order.
    pub changes: Vec<Change>,
    /// How many facts both sides record with the same value.
    pub unchanged: usize,
    pub gaps: OneSided,
}
