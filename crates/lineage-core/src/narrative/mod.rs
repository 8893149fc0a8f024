//! The audit narrative: from a model package (or model artifact, or endpoint) to the five answers, the provenance
//! sentence, the ancestry tree and the gaps. Every answer names the vertices, edges and descriptions it rests on;
//! a missing link becomes a gap, never a guess.
//!
//! Here: the report types, the errors, the façade ([`answer`] for a [`Query`]; [`report`], [`report_inference`],
//! [`resolve_start`]) and the builder's start. `answers.rs` answers the first four questions, `approval.rs` the fifth, `outline.rs` gathers
//! what the prose needs from the graph, and `prose.rs` makes the gaps, sentence and tree that rest on the answers.

mod answers;
mod approval;
mod kinds;
mod outline;
mod pipeline;
mod prose;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::deploy::{resolve_inference, InferenceAnswer, InferenceError, InferenceQuery};
use crate::model::roles::Role;
use crate::model::{resource_name, ApprovalStatus, Graph, Node};
use crate::model::{ImportStats, InputFile, Lineage, Superseded};
use crate::query::walk;
use crate::start::StartMiss;
use crate::time::Timestamp;

pub use crate::approvals::ApprovalChange;
pub use crate::subgraph::{graph_of, Evidence, EvidenceEdge, GraphVertex, ReportGraph};
pub use kinds::{Question, SourceKind, SubjectKind};
pub use pipeline::{draw_pipeline_of, PipelineAnswer, StepAnswer};
pub use prose::humanize_count;

/// Why no report could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NarrativeError {
    /// No `--start`, no `StartArns`, and not exactly one model package.
    NoStart {
        candidates: Vec<String>,
    },
    NotFound {
        id: String,
        /// The loaded names closest to it.
        nearest: Vec<String>,
    },
    /// A description names it, but no lineage vertex stands for it.
    NotLinked {
        what: String,
        expected: String,
    },
    Ambiguous {
        id: String,
        candidates: Vec<String>,
    },
    /// The start vertex is not a model package, model artifact or endpoint.
    WrongKind {
        arn: String,
        role: Role,
    },
    /// An endpoint whose ancestry holds several model packages.
    SeveralPackages {
        arn: String,
        candidates: Vec<String>,
    },
    /// The inference could not be tied to one model package.
    Inference(InferenceError),
    /// The model package that served the inference has no vertex in the lineage export.
    PackageNotInLineage {
        id: String,
        arn: String,
    },
    /// `--start` named a package that is not one of those that may have served the inference.
    NotACandidate {
        start: String,
        candidates: Vec<String>,
    },
}

impl fmt::Display for NarrativeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |c: &[String]| c.iter().map(|s| format!("\n  {s}")).collect::<String>();
        match self {
            NarrativeError::NoStart { candidates } if candidates.is_empty() => f.write_str(
                "no start given and the export has no StartArns, no model package, no endpoint and no model artifact to report on (expected a model-package artifact or context, or a DescribeModelPackage response)",
            ),
            NarrativeError::NoStart { candidates } => write!(
                f,
                "no start given, the export has no StartArns, and it holds {} candidates (model packages, else endpoints, else model artifacts); pass --start with one of:{}",
                candidates.len(),
                list(candidates)
            ),
            NarrativeError::NotFound { id, nearest } => {
                write!(
                    f,
                    "nothing in the export is called {id:?} (searched: lineage vertices by ARN, name and source URI; model packages by ARN, name and GROUP/VERSION; described endpoints, models and training jobs by name)"
                )?;
                if nearest.is_empty() {
                    Ok(())
                } else {
                    write!(f, "; the nearest names loaded:{}", list(nearest))
                }
            }
            NarrativeError::NotLinked { what, expected } => write!(f, "{what} (expected {expected})"),
            NarrativeError::Ambiguous { id, candidates } => {
                write!(f, "{id:?} names {} vertices; pass one of them:{}", candidates.len(), list(candidates))
            }
            NarrativeError::WrongKind { arn, role } => write!(
                f,
                "{arn} is a {role} vertex; a report starts from a model package, a model artifact or an endpoint (use `lineage query` to explore other vertices)"
            ),
            NarrativeError::SeveralPackages { arn, candidates } => write!(
                f,
                "endpoint {arn} has served {} model packages; pass --start with one of:{}",
                candidates.len(),
                list(candidates)
            ),
            NarrativeError::Inference(e) => e.fmt(f),
            NarrativeError::PackageNotInLineage { id, arn } => write!(
                f,
                "inference {id} was served by model package {arn}, but no lineage vertex stands for it (expected an artifact whose Source.SourceUri is that ARN); add `aws sagemaker query-lineage --start-arns <its artifact ARN> --direction Ascendants` to the export"
            ),
            NarrativeError::NotACandidate { start, candidates } => write!(
                f,
                "--start {start} is not one of the model packages that may have served the inference:{}",
                list(candidates)
            ),
        }
    }
}

impl std::error::Error for NarrativeError {}

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

/// What a report is asked about, as a user puts it (the CLI's `--start`/`--inference`, the page's subject or
/// inference ID).
#[derive(Clone, Debug)]
pub enum Query {
    /// A model package, model artifact, endpoint or training job, named as [`resolve_start`] reads it; `None`: the
    /// export's `StartArns`, else its only model package (else endpoint, else model artifact).
    Start(Option<String>),
    /// The model package that served one inference; `start` chooses among the packages that may have served it
    /// when it fell in a switch (see [`report_inference`]).
    Inference { query: InferenceQuery, start: Option<String> },
}

/// The report a [`Query`] asks for: the one call the faces make.
pub fn answer(lineage: &Lineage, query: &Query) -> Result<Report, NarrativeError> {
    match query {
        Query::Start(id) => report(lineage, resolve_start(lineage, id.as_deref())?),
        Query::Inference { query, start } => report_inference(lineage, query, start.as_deref()),
    }
}

/// Picks the start vertex: `id` if given, else the export's `StartArns`, else the only model package.
pub fn resolve_start(lineage: &Lineage, id: Option<&str>) -> Result<NodeIndex, NarrativeError> {
    let g = &lineage.graph;
    if let Some(id) = id {
        return named_start(lineage, id);
    }
    match lineage.start_arns.as_slice() {
        [only] => return named_start(lineage, only),
        [] => {}
        many => {
            // A package's StartArns may hold every artifact with its ARN as source URI (its approval records
            // too): the one a report can start from is the start.
            let startable = |arn: &&String| {
                g.find_arn(arn).is_some_and(|ix| {
                    matches!(g.node(ix).role, Role::ModelPackage | Role::Endpoint | Role::ModelData | Role::TrainingJob)
                })
            };
            return match many.iter().filter(startable).collect::<Vec<_>>().as_slice() {
                [only] => named_start(lineage, only),
                _ => Err(NarrativeError::NoStart { candidates: many.to_vec() }),
            };
        }
    }
    // The only model package; with none, the only endpoint, else the only model artifact (the auto-created
    // deployment shape has no package).
    let of_role = |role: Role| -> Vec<NodeIndex> {
        let mut v: Vec<NodeIndex> = g.node_indices().filter(|&ix| g.node(ix).role == role).collect();
        g.sort_by_arn(&mut v);
        v
    };
    let packages = of_role(Role::ModelPackage);
    if !packages.is_empty() {
        return match packages.as_slice() {
            [only] => Ok(*only),
            many => Err(NarrativeError::NoStart { candidates: package_names(g, many) }),
        };
    }
    for role in [Role::Endpoint, Role::ModelData] {
        match of_role(role).as_slice() {
            [] => continue,
            [only] => return Ok(*only),
            many => return Err(NarrativeError::NoStart { candidates: arns(g, many) }),
        }
    }
    Err(NarrativeError::NoStart { candidates: Vec::new() })
}

/// The one vertex `id` names (see [`crate::start::find`]).
fn named_start(lineage: &Lineage, id: &str) -> Result<NodeIndex, NarrativeError> {
    let hits = crate::start::find(lineage, id).map_err(|miss| match miss {
        StartMiss::Unknown { nearest } => NarrativeError::NotFound { id: id.to_owned(), nearest },
        StartMiss::NotLinked { what, expected } => NarrativeError::NotLinked { what, expected },
    })?;
    match hits.as_slice() {
        [] => Err(NarrativeError::NotFound { id: id.to_owned(), nearest: Vec::new() }),
        [one] => Ok(*one),
        many => Err(NarrativeError::Ambiguous { id: id.to_owned(), candidates: arns(&lineage.graph, many) }),
    }
}

fn arns(g: &Graph, nodes: &[NodeIndex]) -> Vec<String> {
    nodes.iter().map(|&ix| g.node(ix).arn.to_string()).collect()
}

fn package_names(g: &Graph, nodes: &[NodeIndex]) -> Vec<String> {
    let mut names: Vec<String> =
        nodes.iter().map(|&ix| g.package_of.get(&ix).cloned().unwrap_or_else(|| g.node(ix).arn.to_string())).collect();
    names.sort();
    names.dedup();
    names
}

/// Builds the report for `start` (see [`resolve_start`]).
pub fn report(lineage: &Lineage, start: NodeIndex) -> Result<Report, NarrativeError> {
    Builder::new(lineage, start)?.build()
}

/// The answers and gaps for one model-package vertex, without the sentence, tree and graph (what `lineage check`
/// needs for each package of a fleet).
pub fn answers_for(lineage: &Lineage, package: NodeIndex) -> Result<(Answers, Vec<Gap>), NarrativeError> {
    let mut b = Builder::new(lineage, package)?;
    let answers = b.collect().answers;
    Ok((answers, b.gaps))
}

/// Builds the report for the model package that served one inference. When the inference fell in a switch where
/// two packages may have served it, `start` names the one to report on (the report then says so in a gap).
pub fn report_inference(
    lineage: &Lineage,
    query: &InferenceQuery,
    start: Option<&str>,
) -> Result<Report, NarrativeError> {
    let (answer, chosen_gap) = served_by(lineage, query, start)?;
    let mut vertices: Vec<NodeIndex> =
        lineage.graph.package_of.iter().filter(|(_, arn)| **arn == answer.model_package).map(|(ix, _)| *ix).collect();
    lineage.graph.sort_by_arn(&mut vertices);
    let Some(&vertex) = vertices.first() else {
        return Err(NarrativeError::PackageNotInLineage { id: answer.id.clone(), arn: answer.model_package.clone() });
    };
    let mut b = Builder::new(lineage, vertex)?;
    b.inference = Some(answer);
    if let Some(detail) = chosen_gap {
        b.gap(Question::ModelVersion, detail, "a capture record or deployment record that says which fleet answered");
    }
    b.build()
}

/// The deployment that served the inference, and (when `start` chose among overlapping packages) what the gap
/// about that choice says.
fn served_by(
    lineage: &Lineage,
    query: &InferenceQuery,
    start: Option<&str>,
) -> Result<(InferenceAnswer, Option<String>), NarrativeError> {
    match resolve_inference(lineage, query) {
        Ok(a) => {
            if let Some(s) = start.filter(|s| !package_matches(lineage, &a.model_package, s)) {
                let candidates = vec![a.model_package.clone()];
                return Err(NarrativeError::NotACandidate { start: s.to_owned(), candidates });
            }
            Ok((a, None))
        }
        Err(InferenceError::Overlap(o)) if start.is_some() => {
            let packages = o.packages;
            let s = start.unwrap_or_default();
            let Some(chosen) = packages.iter().find(|p| package_matches(lineage, p, s)).cloned() else {
                return Err(NarrativeError::NotACandidate { start: s.to_owned(), candidates: packages });
            };
            let a = crate::deploy::resolve_inference_choosing(lineage, query, &chosen)
                .map_err(NarrativeError::Inference)?;
            let detail = a.overlap.clone().map(|o| format!("{o} This report follows {chosen}, as --start asked."));
            Ok((a, detail))
        }
        Err(e) => Err(NarrativeError::Inference(e)),
    }
}

/// Whether `start` (an ARN, a `GROUP/VERSION` or a name) names model package `arn`.
fn package_matches(lineage: &Lineage, arn: &str, start: &str) -> bool {
    arn == start
        || resource_name(arn) == start
        || lineage.graph.resolve(start).iter().any(|ix| lineage.graph.package_of.get(ix).is_some_and(|p| p == arn))
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
    fn new(lineage: &'a Lineage, start: NodeIndex) -> Result<Builder<'a>, NarrativeError> {
        let g = &lineage.graph;
        let mut b = Builder {
            lineage,
            g,
            start,
            start_kind: SubjectKind::ModelPackage,
            focus: start,
            ancestors: Vec::new(),
            gaps: Vec::new(),
            inference: None,
        };
        match b.role(start) {
            Role::ModelPackage => {}
            Role::ModelData => {
                b.start_kind = SubjectKind::ModelArtifact;
                b.focus = b.packaged_model(start)?;
            }
            Role::Endpoint => {
                b.start_kind = SubjectKind::Endpoint;
                b.focus = b.endpoint_model(start)?;
            }
            Role::TrainingJob => {
                b.start_kind = SubjectKind::TrainingJob;
                b.focus = b.produced_model(start)?;
            }
            role => return Err(NarrativeError::WrongKind { arn: g.node(start).arn.to_string(), role }),
        }
        b.ancestors = walk(g, b.focus, true, None).into_iter().map(|(ix, _)| ix).collect();
        Ok(b)
    }

    /// The one model package downstream of a model artifact, else the artifact itself.
    fn packaged_model(&self, model: NodeIndex) -> Result<NodeIndex, NarrativeError> {
        let mut pkgs = self.packages_from(model, false);
        self.g.sort_by_arn(&mut pkgs);
        match pkgs.as_slice() {
            [] => Ok(model),
            [only] => Ok(*only),
            many => Err(NarrativeError::Ambiguous { id: self.arn(model), candidates: package_names(self.g, many) }),
        }
    }

    /// The one model package an endpoint served, else the model artifact it served (see [`Builder::served_model`]).
    fn endpoint_model(&self, endpoint: NodeIndex) -> Result<NodeIndex, NarrativeError> {
        // SageMaker draws Endpoint <- ModelDeployment <- model package, but some SDK paths associate the other way
        // round; when nothing is upstream, look downstream.
        let mut pkgs = self.packages_from(endpoint, true);
        if pkgs.is_empty() {
            pkgs = self.packages_from(endpoint, false);
        }
        self.g.sort_by_arn(&mut pkgs);
        match pkgs.as_slice() {
            [only] => Ok(*only),
            // The auto-created deployment shape: model artifact → ModelDeployment → endpoint, no package.
            [] => self.served_model(endpoint),
            many => Err(NarrativeError::SeveralPackages {
                arn: self.arn(endpoint),
                candidates: package_names(self.g, many),
            }),
        }
    }

    /// The model-package vertices upstream (or downstream) of `from`, in walk order.
    fn packages_from(&self, from: NodeIndex, upstream: bool) -> Vec<NodeIndex> {
        walk(self.g, from, upstream, None)
            .into_iter()
            .map(|(ix, _)| ix)
            .filter(|&ix| self.role(ix) == Role::ModelPackage)
            .collect()
    }

    /// The model artifact nearest upstream of an endpoint that no model package is linked to; the endpoint itself
    /// when none is recorded (its answers are then all gaps, never the endpoint's own name).
    fn served_model(&self, endpoint: NodeIndex) -> Result<NodeIndex, NarrativeError> {
        let models = self.nearest_upstream(endpoint, Role::ModelData);
        match models.as_slice() {
            [] => Ok(endpoint),
            [only] => Ok(*only),
            many => Err(NarrativeError::SeveralPackages { arn: self.arn(endpoint), candidates: arns(self.g, many) }),
        }
    }

    /// What a training job produced: the one model package downstream, else the one model artifact.
    fn produced_model(&self, job: NodeIndex) -> Result<NodeIndex, NarrativeError> {
        let downstream: Vec<NodeIndex> = walk(self.g, job, false, None).into_iter().map(|(ix, _)| ix).collect();
        for role in [Role::ModelPackage, Role::ModelData] {
            let mut found: Vec<NodeIndex> = downstream.iter().copied().filter(|&ix| self.role(ix) == role).collect();
            self.g.sort_by_arn(&mut found);
            match found.as_slice() {
                [] => continue,
                [only] => return Ok(*only),
                many => {
                    return Err(NarrativeError::Ambiguous {
                        id: self.arn(job),
                        candidates: package_names(self.g, many),
                    })
                }
            }
        }
        Err(NarrativeError::WrongKind { arn: self.arn(job), role: Role::TrainingJob })
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
    fn build(mut self) -> Result<Report, NarrativeError> {
        let Collected { answers, training, datasets, code_vertices, approval_vertices } = self.collect();
        let outline = self.outline(&training, &datasets, &code_vertices, &approval_vertices);
        let sentence = prose::sentence(&answers, &outline);
        let tree = prose::tree(&answers, &outline);
        let mut graph = self.report_graph(&approval_vertices);
        if let Some(p) = &answers.pipeline {
            self.draw_pipeline(p, &mut graph);
        }
        Ok(Report {
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
        })
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
