//! Phase: each vertex's role, decided once.

use std::ops::Range;

use petgraph::graph::NodeIndex;

use super::state::Loader;
use crate::model::roles::{Role, RoleTable};
use crate::model::{LineageType, MODEL_STEP};

/// Each of the vertices `nodes`' role (a range of node indices; the page classifies a range a step, the ranges in
/// order), decided once: the role table's, except that a place inside a described feature group's offline store
/// (or its Glue table) is a feature-store version of that group, whatever its artifact type says. A vertex's role
/// reads no other vertex's.
pub(super) fn classify_roles(l: &mut Loader, roles: &RoleTable, nodes: Range<usize>) {
    let g = &l.graph;
    let mut classifier = roles.classifier();
    let decided: Vec<(Role, Role)> = nodes
        .clone()
        .map(|i| {
            let ix = NodeIndex::new(i);
            let node = &g.graph[ix];
            let table = classifier.role_of(node);
            let in_feature_group = || {
                g.feature_group_vertices.contains_key(&ix)
                    || node.source_uri().is_some_and(|u| g.records.feature_group_of(u).is_some())
            };
            let role = match table {
                Role::RawData | Role::Other if in_feature_group() => Role::FeatureStoreVersion,
                r => r,
            };
            (role, table)
        })
        .collect();
    for (i, (role, table)) in nodes.zip(decided) {
        let node = &mut l.graph.graph[NodeIndex::new(i)];
        node.role = role;
        node.table_role = table;
    }
}

/// Once every vertex has its role: other systems' training runs told apart, and versions read from URIs.
pub(super) fn end(l: &mut Loader, roles: &RoleTable) {
    classify_other_systems_training(l);
    versions_from_uris(l, roles);
}

/// Another system's dataset that records no version: the version its source URI states by the role table's
/// `versions` rules (a Hive-style `version=…` segment, a `-vNN` file-name suffix), with the rule that read it
/// (property `version_from`). A recorded version always wins; a URI no rule reads leaves the version unrecorded.
fn versions_from_uris(l: &mut Loader, roles: &RoleTable) {
    use crate::model::System;
    for ix in l.graph.graph.node_indices() {
        let node = &l.graph.graph[ix];
        if node.system == System::SageMaker
            || node.lineage_type != Some(LineageType::Artifact)
            || node.property("version").is_some()
        {
            continue;
        }
        let Some((version, how)) = node.source_uri().and_then(|u| roles.version_in_uri(u)) else { continue };
        let details = l.graph.graph[ix].details.get_or_insert_with(Default::default);
        details.properties.insert("version".into(), version);
        details.properties.insert("version_from".into(), format!("{how}, by the role table's versions rules"));
    }
}

/// What another system's run that produced a model (a dataset the table calls `model_data`, such as
/// OpenLineage's datasetType MODEL) did with it. Whatever the system, the training job is the run that consumed a
/// dataset and produced the model's data; a run whose only inputs are models registered or copied one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ModelStep {
    Training,
    /// Its model outputs are registry entries (no storage place): each is the model version.
    Registration,
    /// Its model outputs are storage places: copies of the model's data.
    Copy,
}

impl ModelStep {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ModelStep::Training => "training",
            ModelStep::Registration => "registration",
            ModelStep::Copy => "copy",
        }
    }
}

/// Other systems' runs that produced a model: a training job (its inputs that play nothing else, and that its
/// system does not mark as another context such as MLflow's `eval`, are its training datasets), or a registration
/// or copy step (see [`ModelStep`]).
fn classify_other_systems_training(l: &mut Loader) {
    use crate::model::System;
    let g = &l.graph.graph;
    let runs: Vec<NodeIndex> = g
        .node_indices()
        .filter(|&ix| g[ix].system != System::SageMaker && g[ix].role == Role::Other)
        .filter(|&ix| g.neighbors_directed(ix, petgraph::Direction::Outgoing).any(|o| g[o].role == Role::ModelData))
        .collect();
    for run in runs {
        let step = model_step(l, run);
        let node = &mut l.graph.graph[run];
        node.details.get_or_insert_with(Default::default).properties.insert(MODEL_STEP.into(), step.as_str().into());
        match step {
            ModelStep::Training => mark_training(l, run),
            ModelStep::Registration => {
                let g = &l.graph.graph;
                let outputs: Vec<NodeIndex> = g
                    .neighbors_directed(run, petgraph::Direction::Outgoing)
                    .filter(|&o| g[o].role == Role::ModelData)
                    .collect();
                for o in outputs {
                    l.graph.graph[o].role = Role::ModelPackage;
                }
            }
            ModelStep::Copy => {}
        }
    }
}

fn model_step(l: &Loader, run: NodeIndex) -> ModelStep {
    let g = &l.graph.graph;
    let data_in = g.neighbors_directed(run, petgraph::Direction::Incoming).any(|i| {
        g[i].lineage_type == Some(LineageType::Artifact)
            && matches!(
                g[i].role,
                Role::Other | Role::TrainingDataset | Role::FeatureStoreVersion | Role::ExclusionList | Role::RawData
            )
    });
    let model_in = g.neighbors_directed(run, petgraph::Direction::Incoming).any(|i| g[i].role == Role::ModelData);
    if data_in || !model_in {
        return ModelStep::Training;
    }
    let stored = g
        .neighbors_directed(run, petgraph::Direction::Outgoing)
        .filter(|&o| g[o].role == Role::ModelData)
        .all(|o| g[o].source_uri().is_some_and(is_storage_place));
    if stored {
        ModelStep::Copy
    } else {
        ModelStep::Registration
    }
}

/// A place data is stored (an object store or file system URI), as opposed to a registry entry.
fn is_storage_place(uri: &str) -> bool {
    ["s3://", "s3a://", "gs://", "hdfs://", "file://", "abfss://", "wasbs://", "dbfs:/", "/"]
        .iter()
        .any(|scheme| uri.starts_with(scheme))
}

fn mark_training(l: &mut Loader, run: NodeIndex) {
    l.graph.graph[run].role = Role::TrainingJob;
    let inputs: Vec<NodeIndex> = l.graph.graph.neighbors_directed(run, petgraph::Direction::Incoming).collect();
    for i in inputs {
        let n = &l.graph.graph[i];
        let other_context = n.property("context").is_some_and(|c| !matches!(c, "training" | "train"));
        if n.role == Role::Other && n.lineage_type == Some(LineageType::Artifact) && !other_context {
            l.graph.graph[i].role = Role::TrainingDataset;
        }
    }
}
