//! What the sentence and the tree say beyond the answers, gathered from the graph once: how the report started,
//! the dataset sizes, where each code commit sits, the approval records, and the deployment between a served model
//! and its endpoint. Plain values, so the prose never reads the graph.

use std::collections::BTreeSet;

use petgraph::graph::NodeIndex;
use petgraph::Direction as PgDirection;

use super::answers::{commit_of, repository_of};
use super::approval::{approver_of, record_time};
use super::context::Ctx;
use super::report::{DatasetAnswer, SubjectKind};
use crate::model::roles::Role;
use crate::model::Node;
use crate::query::walk;
use crate::subject::InferenceAnswer;
use crate::time::Timestamp;

/// The facts the prose needs beyond the answers; `Default` is a report whose graph says nothing more.
#[derive(Clone, Debug, Default)]
pub(super) struct Outline<'a> {
    pub start_kind: SubjectKind,
    /// The start vertex's name, and (for an endpoint) the endpoint's own name.
    pub start_name: String,
    pub endpoint_name: String,
    /// The report's model is its start (an endpoint with no model recorded, a package).
    pub focus_is_start: bool,
    /// The report's model is a model-package vertex.
    pub focus_is_package: bool,
    pub focus_name: String,
    /// The model as a person names it: its S3 URI, else its name.
    pub model_artifact: String,
    pub inference: Option<&'a InferenceAnswer>,
    /// One per training dataset of the answers, in their order.
    pub datasets: Vec<DatasetFacts>,
    /// One per training job of the answers: the code commits upstream of it (each placed once).
    pub job_code: Vec<Vec<CodeFacts>>,
    /// The code commits upstream of the model but of no training job.
    pub other_code: Vec<CodeFacts>,
    pub approval_records: Vec<RecordFacts>,
    /// For an endpoint served by a model artifact with no package: the steps from the model to the endpoint.
    pub deployment: Option<Vec<DeploymentStep>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct DatasetFacts {
    pub name: String,
    pub rows: Option<String>,
    pub features: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct CodeFacts {
    pub repository: Option<String>,
    pub commit: Option<String>,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct RecordFacts {
    pub by: Option<String>,
    pub at: Option<Timestamp>,
    pub name: String,
}

/// A vertex between the model and the endpoint (the ModelDeployment action), with what else went into it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct DeploymentStep {
    pub name: String,
    /// Its type, else `Action`.
    pub kind: String,
    /// Its other inputs: (type, else `Input`; source URI, else name).
    pub beside: Vec<(String, String)>,
}

/// `training`: the training-job vertices of the answers, in their order; `datasets` likewise.
pub(super) fn outline<'a>(
    cx: &Ctx<'a>,
    training: &[NodeIndex],
    datasets: &[(NodeIndex, DatasetAnswer)],
    code_vertices: &[NodeIndex],
    approval_vertices: &[NodeIndex],
) -> Outline<'a> {
    let start = cx.node(cx.start);
    let (job_code, other_code) = place_code(cx, training, code_vertices);
    Outline {
        start_kind: cx.start_kind,
        start_name: start.name().to_owned(),
        endpoint_name: start.endpoint_name().to_owned(),
        focus_is_start: cx.focus == cx.start,
        focus_is_package: cx.role(cx.focus) == Role::ModelPackage,
        focus_name: cx.node(cx.focus).name().to_owned(),
        model_artifact: model_artifact_name(cx.node(cx.focus)),
        inference: cx.inference,
        datasets: datasets.iter().map(|(d, _)| dataset_facts(cx.node(*d))).collect(),
        job_code,
        other_code,
        approval_records: approval_vertices.iter().map(|&a| record_facts(cx.node(a))).collect(),
        deployment: deployment(cx),
    }
}

/// Each code commit under the first training job it is upstream of; the rest beside them.
fn place_code(cx: &Ctx, training: &[NodeIndex], code: &[NodeIndex]) -> (Vec<Vec<CodeFacts>>, Vec<CodeFacts>) {
    let mut placed = BTreeSet::new();
    let mut per_job = Vec::new();
    for &t in training {
        let upstream: BTreeSet<NodeIndex> = walk(cx.g, t, true, None).into_iter().map(|(ix, _)| ix).collect();
        let here = code.iter().filter(|&&c| upstream.contains(&c) && placed.insert(c));
        per_job.push(here.map(|&c| code_facts(cx.node(c))).collect());
    }
    let rest = code.iter().filter(|&&c| placed.insert(c)).map(|&c| code_facts(cx.node(c))).collect();
    (per_job, rest)
}

fn deployment(cx: &Ctx) -> Option<Vec<DeploymentStep>> {
    let path = cx.deployment_path();
    let [_, between @ .., _] = path.as_slice() else { return None };
    let step = |step: NodeIndex| {
        let n = cx.node(step);
        let mut beside: Vec<NodeIndex> =
            cx.g.petgraph().neighbors_directed(step, PgDirection::Incoming).filter(|ix| !path.contains(ix)).collect();
        cx.g.sort_by_arn(&mut beside);
        beside.dedup();
        DeploymentStep {
            name: n.name().to_owned(),
            kind: n.entity_type().unwrap_or("Action").to_owned(),
            beside: beside
                .into_iter()
                .map(|b| cx.node(b))
                .map(|b| {
                    (
                        b.entity_type().unwrap_or("Input").to_owned(),
                        b.source_uri().unwrap_or_else(|| b.name()).to_owned(),
                    )
                })
                .collect(),
        }
    };
    Some(between.iter().rev().map(|&s| step(s)).collect())
}

/// A model artifact as a person names it: its S3 URI, else its name.
fn model_artifact_name(n: &Node) -> String {
    n.source_uri().unwrap_or_else(|| n.name()).to_owned()
}

fn dataset_facts(n: &Node) -> DatasetFacts {
    let find = |keys: [&str; 4]| keys.iter().find_map(|k| n.property(k)).map(str::to_owned);
    DatasetFacts {
        name: n.name().to_owned(),
        rows: find(["rows", "row_count", "num_rows", "RowCount"]),
        features: find(["features", "feature_count", "num_features", "FeatureCount"]),
    }
}

fn code_facts(n: &Node) -> CodeFacts {
    CodeFacts { repository: repository_of(n), commit: commit_of(n), name: n.name().to_owned() }
}

fn record_facts(n: &Node) -> RecordFacts {
    RecordFacts { by: approver_of(n), at: record_time(n), name: n.name().to_owned() }
}
