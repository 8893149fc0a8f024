//! The subject's values: what a report is asked about ([`Query`]), what that resolves to ([`Resolved`]), the kind
//! of vertex it starts from, and how candidates are named in errors.

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::deployments::Deployment;
use crate::model::records::CapturedPayload;
use crate::model::Graph;
use crate::model::Origin;
use crate::time::Timestamp;

/// What a report is asked about, as a user puts it (the CLI's `--start`/`--inference`, the page's subject or
/// inference ID).
#[derive(Clone, Debug)]
pub enum Query {
    /// A model package, model artifact, endpoint or training job, named as [`resolve_start`] reads it; `None`: the
    /// export's `StartArns`, else its only model package (else endpoint, else model artifact).
    Start(Option<String>),
    /// The model package that served one inference; `start` chooses among the packages that may have served it
    /// when it fell in a switch.
    Inference { query: InferenceQuery, start: Option<String> },
}

/// What a report is about, resolved: where it starts, the model it is about, that model's ancestors, and the
/// inference it answers for.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The vertex the report starts from.
    pub start: NodeIndex,
    pub kind: SubjectKind,
    /// The model package vertex (or the model artifact when no package is linked).
    pub focus: NodeIndex,
    /// Ancestors of the focus, in walk order.
    pub ancestors: Vec<NodeIndex>,
    /// The inference the report answers for, when asked by inference.
    pub inference: Option<InferenceAnswer>,
    /// When `--start` chose among the packages that may have served the inference: what the gap about that choice
    /// says.
    pub chosen_gap: Option<String>,
    /// When the start names an endpoint: which of the packages it served the report is about, and why.
    pub chosen: Option<String>,
}

/// What the report starts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    #[default]
    ModelPackage,
    /// Another system's registered model version (MLflow's registry, an OpenLineage registration step).
    RegisteredModel,
    ModelArtifact,
    Endpoint,
    TrainingJob,
}

impl SubjectKind {
    /// `Model package`, as a title starts.
    pub fn title(self) -> &'static str {
        match self {
            SubjectKind::ModelPackage => "Model package",
            SubjectKind::RegisteredModel => "Registered model",
            SubjectKind::ModelArtifact => "Model artifact",
            SubjectKind::Endpoint => "Endpoint",
            SubjectKind::TrainingJob => "Training job",
        }
    }

    /// `model package`, inside a sentence.
    pub fn words(self) -> &'static str {
        match self {
            SubjectKind::ModelPackage => "model package",
            SubjectKind::RegisteredModel => "registered model",
            SubjectKind::ModelArtifact => "model artifact",
            SubjectKind::Endpoint => "endpoint",
            SubjectKind::TrainingJob => "training job",
        }
    }
}

pub(super) fn arns(g: &Graph, nodes: &[NodeIndex]) -> Vec<String> {
    nodes.iter().map(|&ix| g.node(ix).arn.to_string()).collect()
}

/// Model packages by their ARN (a vertex without one by its own), sorted, once each.
pub(super) fn package_names(g: &Graph, nodes: &[NodeIndex]) -> Vec<String> {
    let mut names: Vec<String> =
        nodes.iter().map(|&ix| g.package_of.get(&ix).cloned().unwrap_or_else(|| g.node(ix).arn.to_string())).collect();
    names.sort();
    names.dedup();
    names
}

/// What the user asked: an inference ID, and the endpoint/variant when the capture file's path does not say.
#[derive(Clone, Debug, Default)]
pub struct InferenceQuery {
    pub id: String,
    pub endpoint: Option<String>,
    pub variant: Option<String>,
}

/// The answer to "which model version served this inference".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InferenceAnswer {
    /// The ID asked for.
    pub id: String,
    /// `inferenceId` or `eventId`: which field of the capture record matched.
    pub matched_by: String,
    pub event_id: String,
    pub time: Timestamp,
    pub endpoint: String,
    pub variant: Option<String>,
    /// The model package ARN that served it.
    pub model_package: String,
    /// What the endpoint was sent and what it returned, as captured.
    pub input: Option<CapturedPayload>,
    pub output: Option<CapturedPayload>,
    /// The deployment in effect, and the endpoint's whole history as the sources record it.
    pub deployment: Deployment,
    pub history: Vec<Deployment>,
    /// When the inference fell in a switch and the caller chose which package to follow: what the switch was.
    pub overlap: Option<String>,
    /// Records of the endpoint that could not be placed in its history (a deployment action without a time, …).
    pub notes: Vec<String>,
    pub evidence: InferenceEvidence,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InferenceEvidence {
    /// The capture record: file, line, JSON path.
    pub capture_record: Origin,
    /// Where the endpoint and variant came from (`S3 key layout`, `--endpoint`, …).
    pub location: String,
    /// The records of the deployment in effect.
    pub deployment: Vec<String>,
}
