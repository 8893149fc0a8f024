//! The audit narrative: from a model package (or model artifact, or endpoint) to the five answers, the provenance
//! sentence, the ancestry tree and the gaps. Every answer names the vertices, edges and descriptions it rests on;
//! a missing link becomes a gap, never a guess.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction as PgDirection;
use serde::Serialize;

use crate::approvals::{self, ApprovalChange, Observation};
use crate::deploy::{resolve_inference, InferenceAnswer, InferenceError, InferenceQuery};
use crate::import::{format_number, ImportStats, InputFile, Lineage, Superseded};
use crate::model::{resource_name, Graph, Node};
use crate::query::{sort_edges, walk};
use crate::roles::Role;
use crate::start::StartMiss;
use crate::time::Timestamp;

pub use crate::subgraph::{Evidence, EvidenceEdge, GraphVertex, ReportGraph};

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
    /// `model_package`, `model_artifact` or `endpoint`.
    pub kind: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelVersion {
    /// The model package ARN (`…:model-package/GROUP/N`), not the lineage vertex's.
    pub arn: Option<String>,
    pub name: Option<String>,
    pub group: Option<String>,
    pub version: Option<u64>,
    pub approval_status: Option<String>,
    /// The lineage vertex standing for the package.
    pub vertex: Option<String>,
    /// `InferenceSpecification.Containers[].ModelDataUrl` of its DescribeModelPackage.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub model_data: Vec<String>,
    /// `ModelMetrics` reports of its DescribeModelPackage: where each evaluation report is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metric_reports: Vec<MetricReport>,
    pub evidence: Evidence,
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
        fed_into(&self.training_datasets.iter().collect::<Vec<_>>(), u)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UpstreamSource {
    pub arn: String,
    /// `feature_store_version`, `exclusion_list`, `raw_data` or `other`.
    pub kind: String,
    pub name: String,
    pub uri: Option<String>,
    pub version: Option<String>,
    /// The first dataset (answer `arn`) it went into, by ARN; `datasets` lists every one.
    pub dataset: String,
    /// Every dataset (answer `arn`) it went into: a source shared by two channels is one entry.
    pub datasets: Vec<String>,
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
    pub status: Option<String>,
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
}

/// A question the export cannot answer, and the association that would close it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// `model_version`, `training_job`, `training_dataset`, `upstream_sources`, `hyperparameters`, `metrics`,
    /// `code`, `approval`.
    pub question: String,
    pub detail: String,
    pub closes_with: String,
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
}

/// Picks the start vertex: `id` if given, else the export's `StartArns`, else the only model package.
pub fn resolve_start(lineage: &Lineage, id: Option<&str>) -> Result<NodeIndex, NarrativeError> {
    let g = &lineage.graph;
    let one = |id: &str| -> Result<NodeIndex, NarrativeError> {
        let hits = crate::start::find(lineage, id).map_err(|miss| match miss {
            StartMiss::Unknown { nearest } => NarrativeError::NotFound { id: id.to_owned(), nearest },
            StartMiss::NotLinked { what, expected } => NarrativeError::NotLinked { what, expected },
        })?;
        match hits.as_slice() {
            [] => Err(NarrativeError::NotFound { id: id.to_owned(), nearest: Vec::new() }),
            [one] => Ok(*one),
            many => Err(NarrativeError::Ambiguous {
                id: id.to_owned(),
                candidates: many.iter().map(|&ix| g.node(ix).arn.to_string()).collect(),
            }),
        }
    };
    if let Some(id) = id {
        return one(id);
    }
    match lineage.start_arns.as_slice() {
        [only] => return one(only),
        [] => {}
        many => {
            return Err(NarrativeError::NoStart { candidates: many.to_vec() });
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
            many => {
                return Err(NarrativeError::NoStart {
                    candidates: many.iter().map(|&ix| g.node(ix).arn.to_string()).collect(),
                })
            }
        }
    }
    Err(NarrativeError::NoStart { candidates: Vec::new() })
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

/// Builds the report for the model package that served one inference. When the inference fell in a switch where
/// two packages may have served it, `start` names the one to report on (the report then says so in a gap).
pub fn report_inference(
    lineage: &Lineage,
    query: &InferenceQuery,
    start: Option<&str>,
) -> Result<Report, NarrativeError> {
    let (answer, chosen_gap) = match resolve_inference(lineage, query) {
        Ok(a) => {
            if let Some(s) = start {
                if !package_matches(lineage, &a.model_package, s) {
                    return Err(NarrativeError::NotACandidate {
                        start: s.to_owned(),
                        candidates: vec![a.model_package.clone()],
                    });
                }
            }
            (a, None)
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
            (a, detail)
        }
        Err(e) => return Err(NarrativeError::Inference(e)),
    };
    let mut vertices: Vec<NodeIndex> =
        lineage.graph.package_of.iter().filter(|(_, arn)| **arn == answer.model_package).map(|(ix, _)| *ix).collect();
    lineage.graph.sort_by_arn(&mut vertices);
    let Some(&vertex) = vertices.first() else {
        return Err(NarrativeError::PackageNotInLineage { id: answer.id.clone(), arn: answer.model_package.clone() });
    };
    let mut b = Builder::new(lineage, vertex)?;
    b.inference = Some(answer);
    if let Some(detail) = chosen_gap {
        b.gap("model_version", detail, "a capture record or deployment record that says which fleet answered");
    }
    b.build()
}

/// Whether `start` (an ARN, a `GROUP/VERSION` or a name) names model package `arn`.
fn package_matches(lineage: &Lineage, arn: &str, start: &str) -> bool {
    arn == start
        || resource_name(arn) == start
        || lineage.graph.resolve(start).iter().any(|ix| lineage.graph.package_of.get(ix).is_some_and(|p| p == arn))
}

struct Builder<'a> {
    lineage: &'a Lineage,
    g: &'a Graph,
    start: NodeIndex,
    start_kind: &'static str,
    /// The model package vertex (or the model artifact when no package is linked).
    focus: NodeIndex,
    /// Ancestors of the focus: vertex -> (depth, role).
    ancestors: BTreeMap<NodeIndex, Role>,
    gaps: Vec<Gap>,
    used: BTreeSet<NodeIndex>,
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
            start_kind: "model_package",
            focus: start,
            ancestors: BTreeMap::new(),
            gaps: Vec::new(),
            used: BTreeSet::new(),
            inference: None,
        };
        match b.role(start) {
            Role::ModelPackage => {}
            Role::ModelData => {
                b.start_kind = "model_artifact";
                let mut pkgs: Vec<NodeIndex> = walk(g, start, false, None)
                    .into_iter()
                    .map(|(ix, _)| ix)
                    .filter(|&ix| b.role(ix) == Role::ModelPackage)
                    .collect();
                g.sort_by_arn(&mut pkgs);
                if let [only] = pkgs.as_slice() {
                    b.focus = *only;
                } else if pkgs.len() > 1 {
                    return Err(NarrativeError::Ambiguous {
                        id: g.node(start).arn.to_string(),
                        candidates: package_names(g, &pkgs),
                    });
                }
            }
            Role::Endpoint => {
                b.start_kind = "endpoint";
                // SageMaker draws Endpoint <- ModelDeployment <- model package, but some SDK paths associate the
                // other way round; when nothing is upstream, look downstream.
                let packages_from = |upstream: bool| -> Vec<NodeIndex> {
                    walk(g, start, upstream, None)
                        .into_iter()
                        .map(|(ix, _)| ix)
                        .filter(|&ix| b.role(ix) == Role::ModelPackage)
                        .collect()
                };
                let mut pkgs = packages_from(true);
                if pkgs.is_empty() {
                    pkgs = packages_from(false);
                }
                g.sort_by_arn(&mut pkgs);
                match pkgs.as_slice() {
                    [only] => b.focus = *only,
                    // The auto-created deployment shape: model artifact → ModelDeployment → endpoint, no package.
                    [] => b.focus = b.served_model(start)?,
                    many => {
                        return Err(NarrativeError::SeveralPackages {
                            arn: g.node(start).arn.to_string(),
                            candidates: package_names(g, many),
                        })
                    }
                }
            }
            Role::TrainingJob => {
                b.start_kind = "training_job";
                b.focus = b.produced_model(start)?;
            }
            role => return Err(NarrativeError::WrongKind { arn: g.node(start).arn.to_string(), role }),
        }
        for (ix, _) in walk(g, b.focus, true, None) {
            let r = b.role(ix);
            b.ancestors.insert(ix, r);
        }
        Ok(b)
    }

    /// The endpoint's own name (from its context's source URI, `…:endpoint/NAME`), else the context's name.
    fn endpoint_name(&self) -> &'a str {
        self.node(self.start).endpoint_name()
    }

    /// The model artifact nearest upstream of an endpoint that no model package is linked to; the endpoint itself
    /// when none is recorded (its answers are then all gaps, never the endpoint's own name).
    fn served_model(&self, endpoint: NodeIndex) -> Result<NodeIndex, NarrativeError> {
        let models = self.nearest_upstream(endpoint, Role::ModelData);
        match models.as_slice() {
            [] => Ok(endpoint),
            [only] => Ok(*only),
            many => Err(NarrativeError::SeveralPackages {
                arn: self.arn(endpoint),
                candidates: many.iter().map(|&ix| self.arn(ix)).collect(),
            }),
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

    /// The role decided at load (see [`Node::role`]).
    fn role(&self, ix: NodeIndex) -> Role {
        self.g.node(ix).role
    }

    /// The DescribeFeatureGroup response whose ARN, offline store or Glue table the vertex's source URI names.
    fn feature_group(&self, n: &Node) -> Option<&'a crate::records::FeatureGroupDescription> {
        n.source_uri().and_then(|u| self.g.records.feature_group_of(u))
    }

    fn node(&self, ix: NodeIndex) -> &'a Node {
        self.g.node(ix)
    }

    fn arn(&self, ix: NodeIndex) -> String {
        self.g.node(ix).arn.to_string()
    }

    fn gap(&mut self, question: &str, detail: String, closes_with: &str) {
        self.gaps.push(Gap { question: question.into(), detail, closes_with: closes_with.into() });
    }

    /// Nearest vertices upstream of `from` with role `role`, not looking past one (sorted by ARN).
    fn nearest_upstream(&self, from: NodeIndex, role: Role) -> Vec<NodeIndex> {
        let g = self.g.petgraph();
        let mut seen = BTreeSet::from([from]);
        let mut stack = vec![from];
        let mut found = Vec::new();
        while let Some(ix) = stack.pop() {
            for p in g.neighbors_directed(ix, PgDirection::Incoming) {
                if !seen.insert(p) {
                    continue;
                }
                if self.role(p) == role {
                    found.push(p);
                } else {
                    stack.push(p);
                }
            }
        }
        self.g.sort_by_arn(&mut found);
        found
    }

    /// A shortest path from `a` down to `b` (a is upstream), as evidence; `a` and `b` included.
    fn path_evidence(&self, a: NodeIndex, b: NodeIndex) -> Evidence {
        let mut ev = Evidence::default();
        let mut nodes = vec![a, b];
        if let Some(p) = crate::query::shortest_path(self.g, a, b) {
            nodes = p.nodes.clone();
            let mut edges: Vec<EdgeIndex> = p.steps.iter().map(|s| s.edge).collect();
            sort_edges(self.g, &mut edges);
            ev.edges = edges.into_iter().map(|e| self.edge_ref(e)).collect();
        }
        nodes.sort_by(|x, y| self.g.node(*x).arn.cmp(&self.g.node(*y).arn));
        nodes.dedup();
        ev.vertices = nodes.into_iter().map(|ix| self.arn(ix)).collect();
        ev
    }

    fn edge_ref(&self, e: EdgeIndex) -> EvidenceEdge {
        let (s, d) = self.g.endpoints(e);
        EvidenceEdge {
            source: self.arn(s),
            destination: self.arn(d),
            association_type: self.g.edge(e).association_type.as_ref().map(|t| t.as_str().to_owned()),
        }
    }

    fn build(mut self) -> Result<Report, NarrativeError> {
        let g = self.g;
        let focus_role = self.role(self.focus);
        self.used.insert(self.start);
        self.used.insert(self.focus);

        // 1. Model version.
        let model_version = self.model_version(focus_role);

        // Training jobs: the nearest upstream of the focus.
        let training_vertices = self.nearest_upstream(self.focus, Role::TrainingJob);
        let mut training_jobs = Vec::new();
        for &t in &training_vertices {
            training_jobs.push(self.training_job(t));
        }
        if training_vertices.is_empty() {
            let focus = self.arn(self.focus);
            self.gap(
                "training_job",
                format!("No training job is recorded upstream of {focus}, so neither the training dataset nor the hyperparameters can be traced."),
                "a Produced association from the training job's trial component (…-aws-training-job) to the model artifact, and ContributedTo from the model artifact to the model package",
            );
        }

        // 2. Training datasets: direct inputs of each training job.
        let mut datasets: Vec<(NodeIndex, DatasetAnswer)> = Vec::new();
        for (&t, answer) in training_vertices.iter().zip(&training_jobs) {
            let mut inputs: Vec<NodeIndex> = g
                .petgraph()
                .neighbors_directed(t, PgDirection::Incoming)
                .filter(|&p| self.role(p) == Role::TrainingDataset)
                .collect();
            g.sort_by_arn(&mut inputs);
            inputs.dedup();
            for d in inputs {
                self.used.insert(d);
                let n = self.node(d);
                datasets.push((
                    d,
                    DatasetAnswer {
                        arn: Some(self.arn(d)),
                        uri: n.source_uri().map(str::to_owned),
                        channel: channel_of(g.job(t), n.source_uri()),
                        properties: n.details.as_ref().map(|x| x.properties.clone()).unwrap_or_default(),
                        training_job: answer.arn.clone(),
                        evidence: self.path_evidence(d, t),
                    },
                ));
            }
            if !datasets.iter().any(|(_, a)| a.training_job == answer.arn) {
                let name = answer.name.clone();
                let channels = g.job(t).map(|j| j.inputs.values().cloned().collect::<Vec<_>>()).unwrap_or_default();
                let detail = if channels.is_empty() {
                    format!("No dataset artifact is recorded as an input of training job {name}.")
                } else {
                    format!(
                        "No dataset artifact is recorded as an input of training job {name}; its DescribeTrainingJob names input channel(s) {}, but no DataSet vertex with that source URI is linked to it.",
                        channels.join(", ")
                    )
                };
                self.gap(
                    "training_dataset",
                    detail,
                    "a ContributedTo association from the DataSet artifact (source URI = the channel's S3 URI) to the training job's trial component",
                );
            }
        }

        // 3. Upstream sources of each dataset.
        let mut upstream: Vec<UpstreamSource> = Vec::new();
        let mut upstream_nodes: BTreeMap<NodeIndex, Vec<NodeIndex>> = BTreeMap::new();
        for (d, answer) in &datasets {
            let mut found: Vec<NodeIndex> = walk(g, *d, true, None)
                .into_iter()
                .map(|(ix, _)| ix)
                .filter(|&ix| {
                    matches!(
                        self.role(ix),
                        Role::FeatureStoreVersion | Role::ExclusionList | Role::RawData | Role::TrainingDataset
                    )
                })
                .collect();
            g.sort_by_arn(&mut found);
            for &u in &found {
                self.used.insert(u);
                let dataset = answer.arn.clone().unwrap_or_default();
                // One entry per source, however many datasets it went into.
                match upstream.iter_mut().find(|s| s.arn == *self.node(u).arn) {
                    Some(s) => s.datasets.push(dataset),
                    None => upstream.push(self.upstream_source(u, *d, dataset)),
                }
            }
            let has_fs = found.iter().any(|&u| self.role(u) == Role::FeatureStoreVersion);
            if !has_fs {
                let uri = answer.uri.clone().unwrap_or_else(|| answer.arn.clone().unwrap_or_default());
                self.gap(
                    "upstream_sources",
                    format!("Which feature-store versions went into dataset {uri} was never recorded."),
                    "a ContributedTo association from a FeatureStoreVersion artifact (source URI = the feature-group ARN, property version) to the dataset artifact",
                );
            }
            upstream_nodes.insert(*d, found);
        }
        upstream.sort_by(upstream_order);
        for u in &upstream {
            if u.kind == "feature_store_version" && u.version.is_none() {
                let name = u.name.clone();
                self.gap(
                    "upstream_sources",
                    format!("Feature-store artifact {name} does not say which version (snapshot) it was."),
                    "a `version` property on the FeatureStoreVersion artifact",
                );
            }
        }

        // 4. Code.
        let code_vertices: Vec<NodeIndex> = {
            let mut v: Vec<NodeIndex> =
                self.ancestors.iter().filter(|(_, r)| **r == Role::CodeCommit).map(|(ix, _)| *ix).collect();
            g.sort_by_arn(&mut v);
            v
        };
        let code = self.code(&code_vertices, &training_vertices);
        for c in code.iter().filter(|c| c.commit.is_none() && c.repository.is_none()) {
            let what = c.arn.clone().unwrap_or_else(|| c.source.clone());
            self.gap(
                "code",
                format!("Code-commit artifact {what} names neither a commit nor a repository (it was not described)."),
                "the artifact's DescribeArtifact response (Source.SourceUri = the commit URL, or properties commit and repository)",
            );
        }
        if code.is_empty() {
            self.gap(
                "code",
                "No code commit is recorded for the training code.".into(),
                "an AssociatedWith association from a code-commit artifact (source URI = the commit URL; properties repository and commit) to the training job, or MetadataProperties.CommitId/Repository on the training job or model package",
            );
        }

        // 5. Approval.
        let approval_vertices = self.approval_vertices();
        let approval = self.approval(&approval_vertices);

        // Gaps for the answers that rest on descriptions.
        self.answer_gaps(&model_version, &training_jobs, approval.as_ref());

        let sentence = self.sentence(&model_version, &datasets, &upstream, &code, approval.as_ref());
        let tree = self.tree(
            &model_version,
            &training_vertices,
            &training_jobs,
            &datasets,
            &upstream_nodes,
            &code_vertices,
            &approval_vertices,
            approval.as_ref(),
        );
        let graph = self.report_graph(&approval_vertices);
        let subject = Subject {
            arn: self.arn(self.start),
            kind: self.start_kind.to_owned(),
            name: match (self.start_kind, &model_version.group, model_version.version) {
                ("model_package", Some(group), Some(v)) => format!("{group}/{v}"),
                ("endpoint", _, _) => self.endpoint_name().to_owned(),
                _ => self.node(self.start).name().to_owned(),
            },
        };
        Ok(Report {
            subject,
            inference: self.inference.clone(),
            answers: Answers {
                model_version,
                training_jobs,
                training_datasets: datasets.into_iter().map(|(_, a)| a).collect(),
                upstream_sources: upstream,
                code,
                approval,
            },
            gaps: self.gaps,
            sentence,
            tree,
            graph,
            inputs: self.lineage.inputs.clone(),
            superseded: self.lineage.superseded.clone(),
            import: self.lineage.stats.clone(),
            warnings: self.lineage.warnings.clone(),
        })
    }

    fn model_version(&mut self, focus_role: Role) -> ModelVersion {
        let g = self.g;
        if focus_role != Role::ModelPackage {
            let what = self.arn(self.focus);
            self.gap(
                "model_version",
                format!("No model package is linked to {what}: the model version cannot be named."),
                "a ContributedTo association from the model artifact to the model-package artifact (SageMaker adds it when the model is registered), and that artifact's DescribeArtifact response",
            );
            return ModelVersion {
                arn: None,
                name: None,
                group: None,
                version: None,
                approval_status: None,
                vertex: None,
                model_data: Vec::new(),
                metric_reports: Vec::new(),
                evidence: Evidence::default(),
            };
        }
        let arn = g.package_of.get(&self.focus).cloned();
        let described = g.package(self.focus);
        let (group, version) = match (described, arn.as_deref()) {
            (Some(p), _) => (p.group.clone(), p.version),
            (None, Some(a)) => match resource_name(a).rsplit_once('/') {
                Some((grp, v)) => (Some(grp.to_owned()), v.parse().ok()),
                None => (None, None),
            },
            (None, None) => (None, None),
        };
        let mut evidence = Evidence { vertices: vec![self.arn(self.focus)], ..Default::default() };
        if let Some(p) = described {
            evidence.descriptions.push(p.arn.clone());
        }
        if arn.is_none() {
            let v = self.arn(self.focus);
            self.gap(
                "model_version",
                format!("Vertex {v} plays the model package, but no source URI names its model-package ARN."),
                "the vertex's DescribeArtifact/DescribeContext response (Source.SourceUri = the model-package ARN)",
            );
        }
        ModelVersion {
            name: described.map(|p| p.name.clone()).or_else(|| arn.as_deref().map(|a| resource_name(a).to_owned())),
            approval_status: described.and_then(|p| p.approval_status.clone()),
            arn,
            group,
            version,
            vertex: Some(self.arn(self.focus)),
            model_data: described.map(|p| p.model_data_urls.clone()).unwrap_or_default(),
            metric_reports: described
                .map(|p| {
                    p.metric_reports.iter().map(|(name, uri)| MetricReport { name: name.clone(), uri: uri.clone() })
                })
                .into_iter()
                .flatten()
                .collect(),
            evidence,
        }
    }

    fn training_job(&mut self, t: NodeIndex) -> TrainingJobAnswer {
        self.used.insert(t);
        let n = self.node(t);
        let job = self.g.job(t);
        let details = n.details.as_deref();
        let mut evidence = self.path_evidence(t, self.focus);
        let (arn, name, ended_at, status, hyperparameters, metrics) = match job {
            Some(j) => {
                evidence.descriptions.push(j.arn.clone());
                (
                    j.arn.clone(),
                    j.name.clone(),
                    j.ended_at,
                    j.status.clone(),
                    j.hyperparameters.clone(),
                    j.metrics.clone(),
                )
            }
            None => {
                let name = n.name();
                let name = name.strip_suffix("-aws-training-job").unwrap_or(name).to_owned();
                (
                    n.arn.to_string(),
                    name,
                    details.and_then(|d| d.end_time),
                    details.and_then(|d| d.status.clone()),
                    details.map(|d| d.parameters.clone()).unwrap_or_default(),
                    details.map(|d| d.metrics.clone()).unwrap_or_default(),
                )
            }
        };
        // A described job without numbers can still take them from its trial component.
        let hyperparameters = if hyperparameters.is_empty() {
            details.map(|d| d.parameters.clone()).unwrap_or_default()
        } else {
            hyperparameters
        };
        let metrics = if metrics.is_empty() { details.map(|d| d.metrics.clone()).unwrap_or_default() } else { metrics };
        TrainingJobAnswer { arn, name, ended_at, status, hyperparameters, metrics, vertex: n.arn.to_string(), evidence }
    }

    fn upstream_source(&self, u: NodeIndex, dataset: NodeIndex, dataset_arn: String) -> UpstreamSource {
        let n = self.node(u);
        let kind = match self.role(u) {
            Role::FeatureStoreVersion => "feature_store_version",
            Role::ExclusionList => "exclusion_list",
            Role::RawData => "raw_data",
            _ => "other",
        };
        let uri = n.source_uri().map(str::to_owned);
        let name = match (kind, uri.as_deref()) {
            ("feature_store_version", _) if self.feature_group(n).is_some() => {
                self.feature_group(n).map(|g| g.name.clone()).unwrap_or_default()
            }
            ("feature_store_version", Some(u)) if u.contains(":feature-group/") => {
                u.rsplit('/').next().unwrap_or(u).to_owned()
            }
            _ => n.name().to_owned(),
        };
        let version = ["version", "FeatureGroupVersion", "feature_group_version", "snapshot", "snapshot_id"]
            .iter()
            .find_map(|k| n.property(k))
            .map(str::to_owned)
            .or_else(|| {
                n.details
                    .as_ref()
                    .and_then(|d| d.source_ids.iter().find(|(k, _)| k == "S3Version").map(|(_, v)| v.clone()))
            });
        UpstreamSource {
            arn: n.arn.to_string(),
            kind: kind.to_owned(),
            name,
            uri,
            version,
            datasets: vec![dataset_arn.clone()],
            dataset: dataset_arn,
            evidence: self.path_evidence(u, dataset),
        }
    }

    fn code(&mut self, code_vertices: &[NodeIndex], training: &[NodeIndex]) -> Vec<CodeAnswer> {
        let mut out: Vec<CodeAnswer> = Vec::new();
        for &c in code_vertices {
            self.used.insert(c);
            let n = self.node(c);
            let (commit, repository) = (commit_of(n), repository_of(n));
            out.push(CodeAnswer {
                repository,
                commit,
                arn: Some(n.arn.to_string()),
                source: "code-commit artifact".into(),
            });
        }
        let mut meta: Vec<(BTreeMap<String, String>, String)> = Vec::new();
        for &t in training {
            if let Some(j) = self.g.job(t) {
                meta.push((j.metadata.clone(), "DescribeTrainingJob.MetadataProperties".into()));
            }
            if let Some(d) = self.node(t).details.as_ref() {
                meta.push((d.metadata.clone(), "DescribeTrialComponent.MetadataProperties".into()));
            }
        }
        if let Some(p) = self.g.package(self.focus) {
            meta.push((p.metadata.clone(), "DescribeModelPackage.MetadataProperties".into()));
        }
        for (m, source) in meta {
            let commit = m.get("CommitId").cloned();
            let repository = m.get("Repository").cloned();
            if commit.is_none() && repository.is_none() {
                continue;
            }
            let same = out.iter().any(|c| {
                c.commit.as_deref().zip(commit.as_deref()).is_some_and(|(a, b)| a.starts_with(b) || b.starts_with(a))
            });
            if !same {
                out.push(CodeAnswer { repository, commit, arn: None, source });
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Approval vertices: upstream of the package, next to it, or naming it in their source URI.
    fn approval_vertices(&self) -> Vec<NodeIndex> {
        let mut v: BTreeSet<NodeIndex> =
            self.ancestors.iter().filter(|(_, r)| **r == Role::Approval).map(|(ix, _)| *ix).collect();
        for n in self.g.petgraph().neighbors_undirected(self.focus) {
            if self.role(n) == Role::Approval {
                v.insert(n);
            }
        }
        if let Some(pkg) = self.g.package_of.get(&self.focus) {
            for (ix, arn) in &self.g.approval_of {
                if arn == pkg {
                    v.insert(*ix);
                }
            }
        }
        let mut v: Vec<NodeIndex> = v.into_iter().collect();
        self.g.sort_by_arn(&mut v);
        v
    }

    /// Every source's word on the focus package's approval status changes.
    fn approval_observations(&self, records: &[NodeIndex]) -> Vec<Observation> {
        let mut out = Vec::new();
        let Some(arn) = self.g.package_of.get(&self.focus) else { return out };
        out.extend(approvals::recorded_changes(self.lineage, arn));
        for &r in records {
            let n = self.node(r);
            let status = ["status", "ModelApprovalStatus", "approval_status"].iter().find_map(|k| n.property(k));
            if let Some(status) = status {
                out.push(Observation {
                    at: record_time(n),
                    status: status.to_owned(),
                    by: approver_of(n),
                    description: n.property("description").map(str::to_owned),
                    source: format!("approval record {}", n.arn),
                });
            }
        }
        let superseded = self.g.superseded_packages.get(arn).into_iter().flatten();
        let snapshots =
            superseded.map(|p| (p, " (an earlier snapshot)")).chain(self.g.package(self.focus).map(|p| (p, "")));
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

    fn approval(&mut self, vertices: &[NodeIndex]) -> Option<ApprovalAnswer> {
        let pkg = self.g.package(self.focus);
        let (history, conflicts) = approvals::merge(self.approval_observations(vertices));
        if vertices.is_empty() && history.is_empty() {
            self.gap(
                "approval",
                "Who approved the model, and when, was never recorded: no approval record is linked and no DescribeModelPackage response gives the approval status.".into(),
                "an approval artifact (properties approver, approved_at, status) AssociatedWith the model package, or the DescribeModelPackage response (ModelApprovalStatus, LastModifiedBy)",
            );
            return None;
        }
        let mut a = ApprovalAnswer {
            status: None,
            by: None,
            iam_arn: None,
            user_profile: None,
            at: None,
            description: None,
            sources: BTreeMap::new(),
            history,
            conflicts,
            evidence: Evidence::default(),
        };
        let set = |a: &mut ApprovalAnswer, field: &str, source: &str| {
            a.sources.entry(field.to_owned()).or_insert_with(|| source.to_owned());
        };
        // Newest approval record first: it describes the current status.
        let mut records: Vec<NodeIndex> = vertices.to_vec();
        records.sort_by_key(|&ix| std::cmp::Reverse(record_time(self.node(ix))));
        for &r in &records {
            self.used.insert(r);
            let n = self.node(r);
            let label = format!("approval record {}", n.arn);
            a.evidence.vertices.push(n.arn.to_string());
            for e in self.g.petgraph().edges_directed(r, PgDirection::Outgoing) {
                if e.target() == self.focus {
                    a.evidence.edges.push(self.edge_ref(e.id()));
                }
            }
            for e in self.g.petgraph().edges_directed(r, PgDirection::Incoming) {
                if e.source() == self.focus {
                    a.evidence.edges.push(self.edge_ref(e.id()));
                }
            }
            if a.status.is_none() {
                a.status = ["status", "ModelApprovalStatus", "approval_status"]
                    .iter()
                    .find_map(|k| n.property(k))
                    .map(str::to_owned);
                if a.status.is_some() {
                    set(&mut a, "status", &label);
                }
            }
            if a.by.is_none() {
                a.by = approver_of(n);
                if a.by.is_some() {
                    set(&mut a, "by", &label);
                }
            }
            if a.iam_arn.is_none() {
                a.iam_arn = ["approver_arn", "approver_iam_arn", "iam_arn"]
                    .iter()
                    .find_map(|k| n.property(k))
                    .map(str::to_owned)
                    .or_else(|| a.by.clone().filter(|b| b.starts_with("arn:")));
                if a.iam_arn.is_some() {
                    set(&mut a, "iam_arn", &label);
                }
            }
            if a.user_profile.is_none() {
                a.user_profile = n.property("user_profile").map(str::to_owned).or_else(|| {
                    n.details.as_ref().and_then(|d| d.created_by.as_ref()).and_then(|u| u.user_profile.clone())
                });
                if a.user_profile.is_some() {
                    set(&mut a, "user_profile", &label);
                }
            }
            if a.at.is_none() {
                a.at = record_time(n);
                if a.at.is_some() {
                    // A record with no approval-time property is dated by its artifact's creation: say so.
                    let fallback = recorded_approval_time(n).is_none();
                    let source = if fallback {
                        format!("{label} (its CreationTime: it records no approval time)")
                    } else {
                        label.clone()
                    };
                    set(&mut a, "at", &source);
                }
            }
            if a.description.is_none() {
                a.description = n
                    .property("description")
                    .map(str::to_owned)
                    .or_else(|| n.details.as_ref().and_then(|d| d.description.clone()));
                if a.description.is_some() {
                    set(&mut a, "description", &label);
                }
            }
        }
        if let Some(p) = pkg {
            let label = "DescribeModelPackage";
            a.evidence.descriptions.push(p.arn.clone());
            if let Some(s) = &p.approval_status {
                if a.status.as_ref().is_some_and(|r| r != s) {
                    let rec = a.status.clone().unwrap_or_default();
                    self.gap(
                        "approval",
                        format!("The approval record says {rec} but DescribeModelPackage says ModelApprovalStatus {s}; the model package's current status is shown."),
                        "an approval record for the latest status change",
                    );
                }
                a.status = Some(s.clone());
                a.sources.insert("status".into(), format!("{label}.ModelApprovalStatus"));
            }
            if p.approval_status.as_deref() == Some("Approved") {
                if let Some(u) = &p.modified_by {
                    let src = "DescribeModelPackage.LastModifiedBy";
                    if a.by.is_none() && u.iam_arn.is_some() {
                        a.by = u.iam_arn.clone();
                        set(&mut a, "by", src);
                    }
                    if a.iam_arn.is_none() && u.iam_arn.is_some() {
                        a.iam_arn = u.iam_arn.clone();
                        set(&mut a, "iam_arn", src);
                    }
                    if a.user_profile.is_none() && u.user_profile.is_some() {
                        a.user_profile = u.user_profile.clone();
                        set(&mut a, "user_profile", src);
                    }
                    // A disagreement within one recorded change is already a conflict of the history.
                    if let (Some(record), Some(modifier), true) = (&a.iam_arn, &u.iam_arn, a.conflicts.is_empty()) {
                        if record != modifier {
                            let (record, modifier) = (record.clone(), modifier.clone());
                            self.gap(
                                "approval",
                                format!("The approval record names {record}, but the model package was last modified by {modifier}: the sources disagree on who approved it."),
                                "an approval record written from the CloudTrail UpdateModelPackage event of the approval",
                            );
                        }
                    }
                }
            }
            if a.at.is_none() && p.approval_status.as_deref() == Some("Approved") {
                a.at = p.modified_at;
                if a.at.is_some() {
                    set(&mut a, "at", "DescribeModelPackage.LastModifiedTime");
                }
            }
            if let Some(d) = &p.approval_description {
                a.description = Some(d.clone());
                a.sources.insert("description".into(), format!("{label}.ApprovalDescription"));
            }
        }
        self.approval_from_history(&mut a);
        a.evidence.vertices.sort();
        a.evidence.edges.sort();
        match a.status.as_deref() {
            Some("Approved") => {
                if a.by.is_none() {
                    self.gap("approval", "The model is approved, but who approved it was never recorded.".into(), "an approval artifact with an approver property AssociatedWith the model package, or LastModifiedBy in the DescribeModelPackage response");
                }
                if a.at.is_none() {
                    self.gap("approval", "The model is approved, but when was never recorded.".into(), "an approval artifact with an approved_at property AssociatedWith the model package");
                }
            }
            Some(other) => {
                let other = other.to_owned();
                self.gap(
                    "approval",
                    format!("The model package's approval status is {other}: no approval for deployment is recorded."),
                    "an approval (ModelApprovalStatus Approved) before the model served traffic",
                );
            }
            None => self.gap(
                "approval",
                "An approval record is linked, but no approval status is recorded in it and no DescribeModelPackage response is in the export.".into(),
                "the DescribeModelPackage response, or a status property on the approval artifact",
            ),
        }
        Some(a)
    }

    /// Fills what the records and DescribeModelPackage left open from the status history, and reports where the
    /// history disagrees with them or the model was not approved when the inference was served.
    fn approval_from_history(&mut self, a: &mut ApprovalAnswer) {
        let latest_dated = a.history.iter().rfind(|c| c.at.is_some()).cloned();
        let describe = self.g.package(self.focus).and_then(|p| p.approval_status.clone());
        if a.status.is_none() {
            if let Some(c) = a.history.last() {
                a.status = Some(c.status.clone());
                a.sources.insert("status".into(), c.sources.join("; "));
            }
        }
        if let (Some(current), Some(latest)) = (&describe, &latest_dated) {
            if *current != latest.status {
                let at = latest.at.map(|t| t.to_string()).unwrap_or_default();
                a.conflicts.push(format!(
                    "DescribeModelPackage says ModelApprovalStatus {current}, but the latest recorded change ({at}, {}) set {}.",
                    latest.sources.join("; "),
                    latest.status
                ));
            }
        }
        if a.status.as_deref() == Some("Approved") {
            if let Some(c) = a.history.iter().rfind(|c| c.status == "Approved") {
                let sources = c.sources.join("; ");
                if !c.disputed_by.is_empty() {
                    // Not resolved silently: every name the sources give, and the conflict below.
                    a.by = Some(format!("{} (the sources disagree)", c.disputed_by.join(" or ")));
                    a.sources.insert("by".into(), sources.clone());
                }
                if a.by.is_none() && c.by.is_some() {
                    a.by = c.by.clone();
                    a.sources.insert("by".into(), sources.clone());
                }
                if a.iam_arn.is_none() && c.by.as_deref().is_some_and(|b| b.starts_with("arn:")) {
                    a.iam_arn = c.by.clone();
                    a.sources.insert("iam_arn".into(), sources.clone());
                }
                if a.at.is_none() && c.at.is_some() {
                    a.at = c.at;
                    a.sources.insert("at".into(), sources.clone());
                }
                if a.description.is_none() && c.description.is_some() {
                    a.description = c.description.clone();
                    a.sources.insert("description".into(), sources);
                }
            }
        }
        for c in a.conflicts.clone() {
            self.gap(
                "approval",
                c,
                "one record of the change that every source agrees with (check the CloudTrail event)",
            );
        }
        if let Some(inf) = &self.inference {
            let (id, t) = (inf.id.clone(), inf.time);
            match approvals::status_at(&a.history, t) {
                Some(c) if c.status == "Approved" => {}
                Some(c) => {
                    let (status, at) = (c.status.clone(), c.at.map(|t| t.to_string()).unwrap_or_default());
                    self.gap(
                        "approval",
                        format!("When inference {id} was served ({t}) the model package's approval status was {status} (set {at}): it served without a standing approval."),
                        "an approval (ModelApprovalStatus Approved) before the deployment",
                    );
                }
                None if !a.history.is_empty() => self.gap(
                    "approval",
                    format!("No approval status change is recorded before inference {id} ({t}): whether the model was approved when it served is unknown."),
                    "the CloudTrail UpdateModelPackage record or EventBridge event of the approval",
                ),
                None => {}
            }
        }
    }

    fn answer_gaps(&mut self, mv: &ModelVersion, jobs: &[TrainingJobAnswer], approval: Option<&ApprovalAnswer>) {
        if let Some(arn) = &mv.arn {
            if !self.g.model_packages.contains_key(arn) && approval.is_some_and(|a| !a.sources.contains_key("status")) {
                self.gap(
                    "model_version",
                    format!("The DescribeModelPackage response for {arn} is not in the export: its approval status is unknown."),
                    "`aws sagemaker describe-model-package --model-package-name {arn}` added to the export",
                );
            }
        }
        for j in jobs {
            if j.hyperparameters.is_empty() {
                let name = j.name.clone();
                self.gap(
                    "hyperparameters",
                    format!("The hyperparameters of training job {name} are not in the export."),
                    "the DescribeTrainingJob response (HyperParameters), or the trial component's Parameters",
                );
            }
            if j.metrics.is_empty() {
                let name = j.name.clone();
                self.gap(
                    "metrics",
                    format!("The final metrics of training job {name} are not in the export."),
                    "the DescribeTrainingJob response (FinalMetricDataList), or the trial component's Metrics",
                );
            }
        }
    }

    fn package_label(&self, mv: &ModelVersion) -> String {
        match (&mv.group, mv.version, &mv.arn) {
            (Some(g), Some(v), _) => format!("{g}/{v}"),
            (_, _, Some(arn)) => arn.clone(),
            _ => self.node(self.focus).name().to_owned(),
        }
    }

    fn sentence(
        &self,
        mv: &ModelVersion,
        datasets: &[(NodeIndex, DatasetAnswer)],
        upstream: &[UpstreamSource],
        code: &[CodeAnswer],
        approval: Option<&ApprovalAnswer>,
    ) -> String {
        let mut s = String::new();
        let package = if mv.arn.is_some() || mv.vertex.is_some() && self.role(self.focus) == Role::ModelPackage {
            let mut p = format!("model package {}", self.package_label(mv));
            match approval {
                Some(a) if a.status.as_deref() == Some("Approved") => {
                    let by = a.by.as_deref().map_or("an unrecorded approver", crate::model::person_name);
                    let at = a.at.map(|t| t.date()).unwrap_or_else(|| "an unrecorded date".into());
                    p.push_str(&format!(" (approved by {by} on {at})"));
                }
                Some(a) => {
                    let status = a.status.clone().unwrap_or_else(|| "unknown".into());
                    p.push_str(&format!(" (approval status {status})"));
                }
                None => p.push_str(" (approval never recorded)"),
            }
            p
        } else if self.focus == self.start && self.start_kind == "endpoint" {
            "an unrecorded model (no model package or model artifact is linked to it)".to_owned()
        } else {
            format!("model artifact {} (no model package recorded)", model_artifact_name(self.node(self.focus)))
        };
        match self.start_kind {
            _ if self.inference.is_some() => {
                let inf = self.inference.as_ref().map(|i| (i.id.clone(), i.time.date())).unwrap_or_default();
                s.push_str(&format!("Inference {} on {} was served by {package}, trained on ", inf.0, inf.1))
            }
            "endpoint" => {
                s.push_str(&format!("Endpoint {} was served by {package}, trained on ", self.endpoint_name()))
            }
            "training_job" => s.push_str(&format!(
                "Training job {} produced {package}, trained on ",
                self.node(self.start).name().trim_end_matches("-aws-training-job")
            )),
            _ => s.push_str(&format!("{} was trained on ", capitalize(&package))),
        }
        let answers: Vec<&DatasetAnswer> = datasets.iter().map(|(_, d)| d).collect();
        let trained = trained_on(&answers);
        s.push_str(&trained);
        let names: Vec<String> = answers.iter().map(|d| dataset_name(d)).collect();
        // With several datasets, each source says which it fed (by channel where the job names one).
        let fed = |u: &UpstreamSource| fed_into(&answers, u).map_or(String::new(), |f| format!(" ({f})"));
        let fs: Vec<String> = upstream
            .iter()
            .filter(|u| u.kind == "feature_store_version")
            .map(|u| match &u.version {
                Some(v) => format!("{} {v}{}", u.name, fed(u)),
                None => format!("{} (version unrecorded){}", u.name, fed(u)),
            })
            .collect();
        let excl: Vec<String> = upstream
            .iter()
            .filter(|u| u.kind == "exclusion_list")
            .map(|u| format!("{}{}", u.uri.clone().unwrap_or_else(|| u.name.clone()), fed(u)))
            .collect();
        let raw: Vec<String> = upstream
            .iter()
            .filter(|u| u.kind == "raw_data")
            .map(|u| format!("{}{}", u.uri.clone().unwrap_or_else(|| u.name.clone()), fed(u)))
            .collect();
        if !names.is_empty() {
            if fs.is_empty() {
                let their = if names.len() == 1 { "its" } else { "their" };
                // One parenthesis: "(validation: …; their feature-store versions were never recorded)".
                match s.strip_suffix(')') {
                    Some(open) if s.len() > 1 && trained.ends_with(')') => {
                        s = format!("{open}; {their} feature-store versions were never recorded)")
                    }
                    _ => s.push_str(&format!(" ({their} feature-store versions were never recorded)")),
                }
            } else {
                s.push_str(" assembled from feature-store ");
                s.push_str(if fs.len() == 1 { "version " } else { "versions " });
                s.push_str(&join_and(&fs));
            }
            if !raw.is_empty() {
                s.push_str(if fs.is_empty() { " assembled from raw data " } else { " and raw data " });
                s.push_str(&join_and(&raw));
            }
            if !excl.is_empty() {
                s.push_str(if excl.len() == 1 { " with exclusion list " } else { " with exclusion lists " });
                s.push_str(&join_and(&excl));
            }
        }
        // A commit the export names only by repository is "an unrecorded commit of REPO"; one with neither is left
        // to its gap, never a fragment of the sentence.
        let commits: Vec<String> = code
            .iter()
            .filter_map(|c| match (&c.commit, &c.repository) {
                (Some(sha), _) => Some(sha.clone()),
                (None, Some(repo)) => Some(format!("an unrecorded commit of {repo}")),
                (None, None) => None,
            })
            .collect();
        if commits.is_empty() {
            s.push_str(", by an unrecorded code commit.");
        } else {
            s.push_str(if commits.len() == 1 { ", by code commit " } else { ", by code commits " });
            s.push_str(&join_and(&commits));
            s.push('.');
        }
        s
    }

    #[allow(clippy::too_many_arguments)]
    fn tree(
        &self,
        mv: &ModelVersion,
        training_vertices: &[NodeIndex],
        training_jobs: &[TrainingJobAnswer],
        datasets: &[(NodeIndex, DatasetAnswer)],
        upstream_nodes: &BTreeMap<NodeIndex, Vec<NodeIndex>>,
        code_vertices: &[NodeIndex],
        approval_vertices: &[NodeIndex],
        approval: Option<&ApprovalAnswer>,
    ) -> String {
        let mut root = TreeNode::new(self.root_label(mv, approval));
        let mut placed_code = BTreeSet::new();
        for (&t, job) in training_vertices.iter().zip(training_jobs) {
            let mut label = format!("Training job: {}", job.name);
            if let Some(end) = job.ended_at {
                label.push_str(&format!(" (ended {})", end.minute_utc()));
            }
            let mut tn = TreeNode::new(label);
            for (d, answer) in datasets.iter().filter(|(_, a)| a.training_job == job.arn) {
                let mut dn = TreeNode::new(dataset_label(self.node(*d), answer));
                let mut ups: Vec<UpstreamSource> = upstream_nodes
                    .get(d)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(|&u| self.upstream_source(u, u, String::new()))
                    .collect();
                ups.sort_by(upstream_order);
                for u in &ups {
                    dn.children.push(TreeNode::new(upstream_label(u)));
                }
                tn.children.push(dn);
            }
            let upstream_of_t: BTreeSet<NodeIndex> =
                walk(self.g, t, true, None).into_iter().map(|(ix, _)| ix).collect();
            for &c in code_vertices {
                if upstream_of_t.contains(&c) && placed_code.insert(c) {
                    tn.children.push(TreeNode::new(self.code_label(c)));
                }
            }
            root.children.push(tn);
        }
        for &c in code_vertices {
            if placed_code.insert(c) {
                root.children.push(TreeNode::new(self.code_label(c)));
            }
        }
        for &a in approval_vertices {
            root.children.push(TreeNode::new(self.approval_label(a)));
        }
        let root = self.deployment_chain(root);
        let mut out = String::new();
        root.render(&mut out, "", true, true);
        out
    }

    /// The vertices between a served model artifact and the endpoint (the ModelDeployment action), endpoint first.
    fn deployment_path(&self) -> Vec<NodeIndex> {
        if self.start_kind != "endpoint" || self.focus == self.start || self.role(self.focus) == Role::ModelPackage {
            return Vec::new();
        }
        let mut nodes =
            crate::query::shortest_path(self.g, self.focus, self.start).map(|p| p.nodes).unwrap_or_default();
        nodes.reverse();
        nodes
    }

    /// For an endpoint served by a model artifact with no package: `Endpoint ← Deployment ← (model, image)`.
    fn deployment_chain(&self, model: TreeNode) -> TreeNode {
        let path = self.deployment_path();
        let [_, between @ .., _] = path.as_slice() else { return model };
        let mut node = model;
        for &step in between.iter().rev() {
            let n = self.node(step);
            let kind = n.entity_type().unwrap_or("Action");
            let mut parent = TreeNode::new(format!("Deployment: {} ({kind})", n.name()));
            parent.children.push(node);
            let mut beside: Vec<NodeIndex> = self
                .g
                .petgraph()
                .neighbors_directed(step, PgDirection::Incoming)
                .filter(|ix| !path.contains(ix))
                .collect();
            self.g.sort_by_arn(&mut beside);
            beside.dedup();
            for b in beside {
                let bn = self.node(b);
                let what = bn.source_uri().unwrap_or_else(|| bn.name());
                parent.children.push(TreeNode::new(format!("{}: {what}", bn.entity_type().unwrap_or("Input"))));
            }
            node = parent;
        }
        let mut root = TreeNode::new(format!("Endpoint {}", self.endpoint_name()));
        root.children.push(node);
        root
    }

    fn root_label(&self, mv: &ModelVersion, approval: Option<&ApprovalAnswer>) -> String {
        let mut label = match (mv.version, &mv.arn) {
            (Some(v), _) => format!("ModelPackage v{v}"),
            (None, Some(arn)) => format!("ModelPackage {}", resource_name(arn)),
            (None, None) if self.focus == self.start && self.start_kind == "endpoint" => "Model (not recorded)".into(),
            (None, None) => format!("Model {}", model_artifact_name(self.node(self.focus))),
        };
        if let Some(a) = approval {
            let mut bits = Vec::new();
            if let Some(s) = &a.status {
                bits.push(s.clone());
            }
            if let Some(at) = a.at {
                bits.push(at.date());
            }
            if let Some(by) = &a.by {
                bits.push(format!("by {by}"));
            }
            if !bits.is_empty() {
                label.push_str(&format!(" ({})", bits.join(" ")));
            }
        }
        if let Some(inf) = &self.inference {
            let place = match &inf.variant {
                Some(v) => format!("{}/{v}", inf.endpoint),
                None => inf.endpoint.clone(),
            };
            label = format!("Inference {} ({place}, {}) ← {label}", inf.id, inf.time.minute_utc());
        } else if self.start_kind == "endpoint" && self.deployment_path().is_empty() {
            label = format!("Endpoint {} ← {label}", self.endpoint_name());
        }
        label
    }

    fn code_label(&self, c: NodeIndex) -> String {
        let n = self.node(c);
        match (repository_of(n), commit_of(n)) {
            (Some(r), Some(c)) => format!("Code commit: {r} @ {c}"),
            (None, Some(c)) => format!("Code commit: {c}"),
            (Some(r), None) => format!("Code commit: {r} (commit unrecorded)"),
            (None, None) => format!("Code commit: not recorded (artifact {} names none)", n.name()),
        }
    }

    fn approval_label(&self, a: NodeIndex) -> String {
        let n = self.node(a);
        let who = approver_of(n).map(|b| match b.split_once('@') {
            // The article's tree shows the approver's mailbox only: `risk-ops@`.
            Some((local, _)) if !b.starts_with("arn:") => format!("{local}@"),
            _ => b.clone(),
        });
        let mut label = "Approval record".to_owned();
        let mut bits = Vec::new();
        if let Some(w) = who {
            bits.push(w);
        }
        if let Some(t) = record_time(n) {
            bits.push(t.minute_utc());
        }
        if bits.is_empty() {
            label.push_str(&format!(": {}", n.name()));
        } else {
            label.push_str(&format!(": {}", bits.join(", ")));
        }
        label
    }

    fn report_graph(&self, approvals: &[NodeIndex]) -> ReportGraph {
        let mut nodes: Vec<NodeIndex> = self.ancestors.keys().copied().collect();
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
            nodes.extend(self.g.petgraph().neighbors_directed(step, PgDirection::Incoming));
        }
        self.g.sort_by_arn(&mut nodes);
        nodes.dedup();
        crate::subgraph::graph_of(self.lineage, &nodes)
    }
}

/// The input channel of `job` whose S3 URI is the dataset's (a trailing `/` does not matter).
fn channel_of(job: Option<&crate::model::Job>, uri: Option<&str>) -> Option<String> {
    let want = uri?.trim_end_matches('/');
    job?.inputs.iter().find(|(_, u)| u.trim_end_matches('/') == want).map(|(name, _)| name.clone())
}

/// Which of several datasets `u` went into (by channel where the job names one); `None` with one dataset.
fn fed_into(datasets: &[&DatasetAnswer], u: &UpstreamSource) -> Option<String> {
    if datasets.len() < 2 {
        return None;
    }
    let into: Vec<String> = u
        .datasets
        .iter()
        .filter_map(|arn| datasets.iter().find(|d| d.arn.as_deref() == Some(arn.as_str())))
        .map(|d| d.channel.clone().unwrap_or_else(|| dataset_name(d)))
        .collect();
    Some(into.join(", "))
}

fn dataset_name(d: &DatasetAnswer) -> String {
    d.uri.clone().or_else(|| d.arn.clone()).unwrap_or_default()
}

/// "dataset s3://…/train/ (validation: s3://…/validation/)": the training channel(s) first, the others named by
/// channel; without channel names, every dataset alike.
fn trained_on(datasets: &[&DatasetAnswer]) -> String {
    if datasets.is_empty() {
        return "an unrecorded dataset".into();
    }
    let is_training = |d: &&&DatasetAnswer| d.channel.as_deref().is_none_or(|c| matches!(c, "train" | "training"));
    let (main, others): (Vec<&&DatasetAnswer>, Vec<&&DatasetAnswer>) = datasets.iter().partition(is_training);
    let (main, others) = if main.is_empty() { (others, Vec::new()) } else { (main, others) };
    let names: Vec<String> = main.iter().map(|d| dataset_name(d)).collect();
    let mut s = format!("{}{}", if names.len() == 1 { "dataset " } else { "datasets " }, join_and(&names));
    if !others.is_empty() {
        let rest: Vec<String> =
            others.iter().map(|d| format!("{}: {}", d.channel.clone().unwrap_or_default(), dataset_name(d))).collect();
        s.push_str(&format!(" ({})", rest.join("; ")));
    }
    s
}

/// A model artifact as a person names it: its S3 URI, else its name.
fn model_artifact_name(n: &Node) -> String {
    n.source_uri().unwrap_or_else(|| n.name()).to_owned()
}

fn upstream_order(a: &UpstreamSource, b: &UpstreamSource) -> std::cmp::Ordering {
    kind_rank(&a.kind).cmp(&kind_rank(&b.kind)).then_with(|| a.name.cmp(&b.name)).then_with(|| a.arn.cmp(&b.arn))
}

fn upstream_label(s: &UpstreamSource) -> String {
    let what = s.uri.clone().unwrap_or_else(|| s.name.clone());
    match s.kind.as_str() {
        "feature_store_version" => match &s.version {
            Some(v) => format!("Feature group: {}, version {v}", s.name),
            None => format!("Feature group: {} (version unrecorded)", s.name),
        },
        "exclusion_list" => format!("Exclusion list: {what}"),
        "raw_data" => format!("Raw data: {what}"),
        _ => format!("Dataset: {what}"),
    }
}

fn kind_rank(kind: &str) -> u8 {
    match kind {
        "feature_store_version" => 0,
        "exclusion_list" => 1,
        "raw_data" => 2,
        _ => 3,
    }
}

/// The commit a code-commit vertex names: a property, its MetadataProperties.CommitId, else its source URI.
fn commit_of(n: &Node) -> Option<String> {
    ["commit", "commit_id", "CommitId", "sha", "revision"]
        .iter()
        .find_map(|k| n.property(k))
        .map(str::to_owned)
        .or_else(|| n.details.as_ref().and_then(|d| d.metadata.get("CommitId").cloned()))
        .or_else(|| n.source_uri().and_then(commit_from_uri))
}

/// The repository a code-commit vertex names: a property, its MetadataProperties.Repository, else its source URI.
fn repository_of(n: &Node) -> Option<String> {
    ["repository", "repo", "Repository"]
        .iter()
        .find_map(|k| n.property(k))
        .map(str::to_owned)
        .or_else(|| n.details.as_ref().and_then(|d| d.metadata.get("Repository").cloned()))
        .or_else(|| n.source_uri().map(repository_from_uri))
}

/// Who an approval record says approved: a property, else the identity that created the record.
fn approver_of(n: &Node) -> Option<String> {
    ["approver", "approved_by", "ApprovedBy", "approver_arn", "approver_identity"]
        .iter()
        .find_map(|k| n.property(k))
        .map(str::to_owned)
        .or_else(|| n.details.as_ref()?.created_by.as_ref()?.iam_arn.clone())
}

/// When an approval record says it was approved: a property, else its creation time.
fn record_time(n: &Node) -> Option<Timestamp> {
    recorded_approval_time(n).or_else(|| n.details.as_ref().and_then(|d| d.created_at))
}

/// The approval time an approval record states as a property (not its artifact's creation time).
fn recorded_approval_time(n: &Node) -> Option<Timestamp> {
    ["approved_at", "approval_time", "ApprovedAt", "timestamp", "time"]
        .iter()
        .find_map(|k| n.property(k))
        .and_then(Timestamp::parse)
}

fn dataset_label(n: &Node, answer: &DatasetAnswer) -> String {
    let kind = answer.kind_label();
    let mut label = format!("{kind}: {}", answer.uri.clone().unwrap_or_else(|| n.name().to_owned()));
    let rows = ["rows", "row_count", "num_rows", "RowCount"].iter().find_map(|k| n.property(k));
    let features = ["features", "feature_count", "num_features", "FeatureCount"].iter().find_map(|k| n.property(k));
    let mut bits = Vec::new();
    if let Some(r) = rows {
        bits.push(format!("{} rows", humanize_count(r)));
    }
    if let Some(f) = features {
        bits.push(format!("{} features", humanize_count(f)));
    }
    if !bits.is_empty() {
        label.push_str(&format!(" ({})", bits.join(", ")));
    }
    label
}

/// `27000000` → `27M`, `1500` → `1.5k`; anything not a plain count is shown as given.
pub fn humanize_count(text: &str) -> String {
    let Ok(n) = text.trim().parse::<u64>() else {
        return text.to_owned();
    };
    let (div, suffix) = match n {
        0..=9_999 => return n.to_string(),
        10_000..=999_999 => (1e3, "k"),
        1_000_000..=999_999_999 => (1e6, "M"),
        _ => (1e9, "B"),
    };
    let v = n as f64 / div;
    let s = format_number((v * 100.0).round() / 100.0);
    format!("{s}{suffix}")
}

fn commit_from_uri(uri: &str) -> Option<String> {
    if let Some((_, c)) = uri.rsplit_once("/commit/") {
        return Some(c.trim_end_matches('/').to_owned());
    }
    if let Some((_, c)) = uri.rsplit_once('@') {
        if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_hexdigit()) {
            return Some(c.to_owned());
        }
    }
    None
}

fn repository_from_uri(uri: &str) -> String {
    let mut r = uri;
    for scheme in ["https://", "http://", "ssh://", "git://", "codecommit::"] {
        if let Some(rest) = r.strip_prefix(scheme) {
            r = rest;
        }
    }
    if let Some((repo, _)) = r.rsplit_once("/commit/") {
        r = repo;
    }
    if let Some((repo, c)) = r.rsplit_once('@') {
        if c.chars().all(|ch| ch.is_ascii_hexdigit()) {
            r = repo;
        }
    }
    let r = r.strip_prefix("git@").unwrap_or(r);
    r.trim_end_matches(".git").replacen(':', "/", usize::from(uri.starts_with("git@"))).to_string()
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

struct TreeNode {
    label: String,
    children: Vec<TreeNode>,
}

impl TreeNode {
    fn new(label: String) -> TreeNode {
        // A label is one line: line breaks from the input would forge tree rows.
        let label = label.replace(['\n', '\r'], " ");
        TreeNode { label, children: Vec::new() }
    }

    fn render(&self, out: &mut String, prefix: &str, last: bool, root: bool) {
        if root {
            out.push_str(&self.label);
        } else {
            out.push_str(prefix);
            out.push_str(if last { "└── " } else { "├── " });
            out.push_str(&self.label);
        }
        out.push('\n');
        let child_prefix =
            if root { String::new() } else { format!("{prefix}{}", if last { "    " } else { "│   " }) };
        for (i, c) in self.children.iter().enumerate() {
            c.render(out, &child_prefix, i + 1 == self.children.len(), false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_like_the_article() {
        assert_eq!(humanize_count("27000000"), "27M");
        assert_eq!(humanize_count("180"), "180");
        assert_eq!(humanize_count("1500000"), "1.5M");
        assert_eq!(humanize_count("12500"), "12.5k");
        assert_eq!(humanize_count("1250000"), "1.25M");
        assert_eq!(humanize_count("3000000000"), "3B");
        assert_eq!(humanize_count("many"), "many");
    }

    #[test]
    fn commits_and_repositories_come_out_of_urls() {
        assert_eq!(commit_from_uri("https://github.com/acme/credit-ml/commit/a14f2b9").as_deref(), Some("a14f2b9"));
        assert_eq!(commit_from_uri("github.com/acme/credit-ml@a14f2b9").as_deref(), Some("a14f2b9"));
        assert_eq!(commit_from_uri("s3://bucket/x@y"), None);
        assert_eq!(
            repository_from_uri("https://github.com/acme/credit-ml/commit/a14f2b9"),
            "github.com/acme/credit-ml"
        );
        assert_eq!(repository_from_uri("git@github.com:acme/credit-ml.git"), "github.com/acme/credit-ml");
    }

    #[test]
    fn lists_join_in_english() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_and(&v(&["a"])), "a");
        assert_eq!(join_and(&v(&["a", "b"])), "a and b");
        assert_eq!(join_and(&v(&["a", "b", "c"])), "a, b and c");
    }
}
