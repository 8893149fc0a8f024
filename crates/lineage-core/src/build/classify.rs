//! Phase: each vertex's role, decided once.

use petgraph::graph::NodeIndex;

use super::state::Loader;
use crate::model::roles::{Role, RoleTable};
use crate::model::LineageType;

/// Each vertex's role, decided once: the role table's, except that a place inside a described feature group's
/// offline store (or its Glue table) is a feature-store version of that group, whatever its artifact type says.
pub(super) fn classify_roles(l: &mut Loader, roles: &RoleTable) {
    let g = &l.graph;
    let mut classifier = roles.classifier();
    let decided: Vec<(Role, Role)> = g
        .graph
        .node_indices()
        .map(|ix| {
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
    for (ix, (role, table)) in l.graph.graph.node_indices().zip(decided) {
        let node = &mut l.graph.graph[ix];
        node.role = role;
        node.table_role = table;
    }
    classify_other_systems_training(l);
}

/// Another system's run that produced a model (a dataset the table calls `model_data`, such as OpenLineage's
/// datasetType MODEL) is a training job, and its inputs that play nothing else are its training datasets.
fn classify_other_systems_training(l: &mut Loader) {
    use crate::model::System;
    let g = &l.graph.graph;
    let runs: Vec<NodeIndex> = g
        .node_indices()
        .filter(|&ix| g[ix].system != System::SageMaker && g[ix].role == Role::Other)
        .filter(|&ix| g.neighbors_directed(ix, petgraph::Direction::Outgoing).any(|o| g[o].role == Role::ModelData))
        .collect();
    for run in runs {
        l.graph.graph[run].role = Role::TrainingJob;
        let inputs: Vec<NodeIndex> = l.graph.graph.neighbors_directed(run, petgraph::Direction::Incoming).collect();
        for i in inputs {
            if l.graph.graph[i].role == Role::Other && l.graph.graph[i].lineage_type == Some(LineageType::Artifact) {
                l.graph.graph[i].role = Role::TrainingDataset;
            }
        }
    }
}
