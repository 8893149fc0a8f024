//! What a report is about, resolved in one place, with the reason when it cannot be: the vertex a report starts
//! from ([`find`]: a name, `StartArns`, else the only model), the model it stands for ([`focus`]: the package an
//! endpoint served or a job produced), and for a report asked by inference the deployment that served it
//! ([`inference`]). The narrative receives a [`Resolved`] subject and never resolves one itself.

mod error;
pub mod find;
mod focus;
pub mod inference;

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::model::{Graph, Lineage};
use crate::query::walk;

pub use error::NarrativeError;
pub use find::{candidates, find, resolve_start, search, Candidate, StartMiss};
pub use inference::{
    resolve_inference, resolve_inference_choosing, InferenceAnswer, InferenceEvidence, InferenceQuery,
};

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
}

impl Resolved {
    /// The subject of a report that starts from `start` (see [`resolve_start`]).
    pub fn of_start(lineage: &Lineage, start: NodeIndex) -> Result<Resolved, NarrativeError> {
        let g = &lineage.graph;
        let (kind, focus) = focus::focus_of(g, start)?;
        let ancestors = walk(g, focus, true, None).into_iter().map(|(ix, _)| ix).collect();
        Ok(Resolved { start, kind, focus, ancestors, inference: None, chosen_gap: None })
    }
}

/// The subject a [`Query`] asks about.
pub fn resolve(lineage: &Lineage, query: &Query) -> Result<Resolved, NarrativeError> {
    match query {
        Query::Start(id) => Resolved::of_start(lineage, resolve_start(lineage, id.as_deref())?),
        Query::Inference { query, start } => inference::of_inference(lineage, query, start.as_deref()),
    }
}

/// What the report starts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    #[default]
    ModelPackage,
    ModelArtifact,
    Endpoint,
    TrainingJob,
}

impl SubjectKind {
    /// `Model package`, as a title starts.
    pub fn title(self) -> &'static str {
        match self {
            SubjectKind::ModelPackage => "Model package",
            SubjectKind::ModelArtifact => "Model artifact",
            SubjectKind::Endpoint => "Endpoint",
            SubjectKind::TrainingJob => "Training job",
        }
    }

    /// `model package`, inside a sentence.
    pub fn words(self) -> &'static str {
        match self {
            SubjectKind::ModelPackage => "model package",
            SubjectKind::ModelArtifact => "model artifact",
            SubjectKind::Endpoint => "endpoint",
            SubjectKind::TrainingJob => "training job",
        }
    }
}

fn arns(g: &Graph, nodes: &[NodeIndex]) -> Vec<String> {
    nodes.iter().map(|&ix| g.node(ix).arn.to_string()).collect()
}

/// Model packages by their ARN (a vertex without one by its own), sorted, once each.
fn package_names(g: &Graph, nodes: &[NodeIndex]) -> Vec<String> {
    let mut names: Vec<String> =
        nodes.iter().map(|&ix| g.package_of.get(&ix).cloned().unwrap_or_else(|| g.node(ix).arn.to_string())).collect();
    names.sort();
    names.dedup();
    names
}
