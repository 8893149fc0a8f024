//! The audit narrative: from a model package (or model artifact, or endpoint) to the five answers, the provenance
//! sentence, the ancestry tree and the gaps. Every answer names the vertices, edges and descriptions it rests on;
//! a missing link becomes a gap, never a guess.
//!
//! The subject is resolved before (see [`crate::subject`]): the narrative receives a [`Resolved`] one. Here: the
//! report types, the façade ([`answer`] for a [`Query`]; [`build`] on a resolved subject; [`report`],
//! [`report_inference`]) and the builder. `answers.rs` answers the first four questions, `approval.rs` the fifth,
//! `outline.rs` gathers what the prose needs from the graph, and `prose.rs` makes the gaps, sentence and tree that
//! rest on the answers.

mod answers;
mod approval;
mod kinds;
mod outline;
mod pipeline;
mod prose;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::model::roles::Role;
use crate::model::{ApprovalStatus, Graph, Node};
use crate::model::{ImportStats, InputFile, Lineage, Superseded};
use crate::subject::{self, InferenceAnswer, InferenceQuery, Resolved};
use crate::time::Timestamp;

pub use crate::approvals::ApprovalChange;
pub use crate::subgraph::{graph_of, Evidence, EvidenceEdge, GraphVertex, ReportGraph};
pub use crate::subject::{resolve_start, NarrativeError, Query};
pub use kinds::{Question, SourceKind, SubjectKind};
pub use pipeline::{draw_pipeline_of, PipelineAnswer, StepAnswer};
pub use prose::humanize_count;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Subject {
    /// The vertex the report starts from.
    pub arn: String,
    pub kind: SubjectKind,
    pub name: String,
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
    pub system: crate::model::System,
    /// `{namespace}/{name}`.
    pub dataset: String,
    /// Its `version` facet's `datasetVersion`.
    pub version: Option<String>,
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
    pub recorded_by: String,
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

impl Answers {
    /// Which datasets an upstream source fed (by channel where the job names one), when the report has more than
    /// one dataset: `train, validation`.
    pub fn fed_label(&self, u: &UpstreamSource) -> Option<String> {
        prose::fed_into(&self.training_datasets.iter().collect::<Vec<_>>(), u)
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
    pub recorded_by: String,
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

#[derive(Clone, Debug, PartialEq, Serialize)]
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
    pub sources: BTreeMap<String, String>,
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
    fn new(question: Question, detail: String, closes_with: &str) -> Gap {
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
    pub cross_joins: Vec<crate::model::Join>,
}

/// The report a [`Query`] asks for: the one call the faces make. The subject is resolved first
/// ([`crate::subject::resolve`]), then the report is built on it ([`build`]).
pub fn answer(lineage: &Lineage, query: &Query) -> Result<Report, NarrativeError> {
    Ok(build(lineage, &subject::resolve(lineage, query)?))
}

/// Builds the report for `start` (see [`resolve_start`]).
pub fn report(lineage: &Lineage, start: NodeIndex) -> Result<Report, NarrativeError> {
    Ok(build(lineage, &Resolved::of_start(lineage, start)?))
}

/// Builds the report for the model package that served one inference. When the inference fell in a switch where
/// two packages may have served it, `start` names the one to report on (the report then says so in a gap).
pub fn report_inference(
    lineage: &Lineage,
    query: &InferenceQuery,
    start: Option<&str>,
) -> Result<Report, NarrativeError> {
    answer(lineage, &Query::Inference { query: query.clone(), start: start.map(str::to_owned) })
}

/// The answers and gaps for one model-package vertex, without the sentence, tree and graph (what `lineage check`
/// needs for each package of a fleet).
pub fn answers_for(lineage: &Lineage, package: NodeIndex) -> Result<(Answers, Vec<Gap>), NarrativeError> {
    let subject = Resolved::of_start(lineage, package)?;
    let mut b = Builder::new(lineage, &subject);
    let answers = b.collect().answers;
    Ok((answers, b.gaps))
}

/// The report on a resolved subject: the answers, then the prose that rests on them.
pub fn build(lineage: &Lineage, subject: &Resolved) -> Report {
    Builder::new(lineage, subject).build()
}

/// The answers, and what the sentence, tree and graph need from the walk that found them.
struct Collected {
    answers: Answers,
    training: Vec<NodeIndex>,
    datasets: Vec<(NodeIndex, DatasetAnswer)>,
    code_vertices: Vec<NodeIndex>,
    approval_vertices: Vec<NodeIndex>,
}

/// What a report is made from: the start, the model it is about (the focus), and the gaps found so far.
struct Builder<'a> {
    lineage: &'a Lineage,
    g: &'a Graph,
    start: NodeIndex,
    start_kind: SubjectKind,
    /// The model package vertex (or the model artifact when no package is linked).
    focus: NodeIndex,
    /// Ancestors of the focus.
    ancestors: Vec<NodeIndex>,
    gaps: Vec<Gap>,
    /// The inference the report answers for, when asked by inference.
    inference: Option<InferenceAnswer>,
}

impl<'a> Builder<'a> {
    fn new(lineage: &'a Lineage, subject: &Resolved) -> Builder<'a> {
        let mut b = Builder {
            lineage,
            g: &lineage.graph,
            start: subject.start,
            start_kind: subject.kind,
            focus: subject.focus,
            ancestors: subject.ancestors.clone(),
            gaps: Vec::new(),
            inference: subject.inference.clone(),
        };
        if let Some(detail) = &subject.chosen_gap {
            let closes = "a capture record or deployment record that says which fleet answered";
            b.gap(Question::ModelVersion, detail.clone(), closes);
        }
        b
    }

    fn role(&self, ix: NodeIndex) -> Role {
        self.g.node(ix).role
    }

    fn node(&self, ix: NodeIndex) -> &'a Node {
        self.g.node(ix)
    }

    fn arn(&self, ix: NodeIndex) -> String {
        self.g.node(ix).arn.to_string()
    }

    fn gap(&mut self, question: Question, detail: String, closes_with: &str) {
        self.gaps.push(Gap::new(question, detail, closes_with));
    }

    /// The ancestors of the focus that play `role`, sorted by ARN.
    fn ancestors_of_role(&self, role: Role) -> Vec<NodeIndex> {
        let mut v: Vec<NodeIndex> = self.ancestors.iter().copied().filter(|&ix| self.role(ix) == role).collect();
        self.g.sort_by_arn(&mut v);
        v
    }

    /// One function per question, in the order the gaps are listed, with what the prose needs besides.
    fn collect(&mut self) -> Collected {
        let model_version = self.model_version();
        let pipeline = self.pipeline();
        let jobs = self.training_jobs(pipeline.as_ref());
        let datasets = self.training_datasets(&jobs);
        let upstream_sources = self.upstream_sources(&datasets);
        let training: Vec<NodeIndex> = jobs.iter().map(|(t, _)| *t).collect();
        let code_vertices = self.ancestors_of_role(Role::CodeCommit);
        let code = self.code(&code_vertices, &training, pipeline.as_ref());
        let approval_vertices = self.approval_vertices();
        let approval = self.approval(&approval_vertices);
        let answers = Answers {
            model_version,
            training_jobs: jobs.into_iter().map(|(_, j)| j).collect(),
            training_datasets: datasets.iter().map(|(_, d)| d.clone()).collect(),
            upstream_sources,
            code,
            approval,
            pipeline,
        };
        self.gaps.extend(prose::answer_gaps(&answers));
        Collected { answers, training, datasets, code_vertices, approval_vertices }
    }

    /// The answers, then the prose that rests on them.
    fn build(mut self) -> Report {
        let Collected { answers, training, datasets, code_vertices, approval_vertices } = self.collect();
        let outline = self.outline(&training, &datasets, &code_vertices, &approval_vertices);
        let sentence = prose::sentence(&answers, &outline);
        let tree = prose::tree(&answers, &outline);
        let mut graph = self.report_graph(&approval_vertices);
        if let Some(p) = &answers.pipeline {
            self.draw_pipeline(p, &mut graph);
        }
        Report {
            subject: self.subject(&answers.model_version),
            inference: self.inference.clone(),
            answers,
            gaps: self.gaps,
            sentence,
            tree,
            graph,
            inputs: self.lineage.inputs.clone(),
            superseded: self.lineage.superseded.clone(),
            import: self.lineage.stats.clone(),
            warnings: self.lineage.warnings.clone(),
            cross_joins: self.lineage.graph.cross_joins.clone(),
        }
    }

    fn subject(&self, mv: &ModelVersion) -> Subject {
        Subject {
            arn: self.arn(self.start),
            kind: self.start_kind,
            name: match (self.start_kind, &mv.group, mv.version) {
                (SubjectKind::ModelPackage, Some(group), Some(v)) => format!("{group}/{v}"),
                (SubjectKind::Endpoint, _, _) => self.node(self.start).endpoint_name().to_owned(),
                _ => self.node(self.start).name().to_owned(),
            },
        }
    }

    /// The vertices between a served model artifact and the endpoint (the ModelDeployment action), endpoint first.
    fn deployment_path(&self) -> Vec<NodeIndex> {
        if self.start_kind != SubjectKind::Endpoint
            || self.focus == self.start
            || self.role(self.focus) == Role::ModelPackage
        {
            return Vec::new();
        }
        let mut nodes =
            crate::query::shortest_path(self.g, self.focus, self.start).map(|p| p.nodes).unwrap_or_default();
        nodes.reverse();
        nodes
    }

    fn report_graph(&self, approvals: &[NodeIndex]) -> ReportGraph {
        let mut nodes: Vec<NodeIndex> = self.ancestors.clone();
        nodes.push(self.focus);
        nodes.push(self.start);
        nodes.extend(approvals.iter().copied());
        if self.start != self.focus {
            if let Some(p) = crate::query::shortest_path(self.g, self.focus, self.start) {
                nodes.extend(p.nodes);
            }
        }
        // What else went into the deployment (the image beside the model).
        for step in self.deployment_path() {
            nodes.extend(self.g.petgraph().neighbors_directed(step, petgraph::Direction::Incoming));
        }
        self.g.sort_by_arn(&mut nodes);
        nodes.dedup();
        graph_of(self.lineage, &nodes)
    }
}
