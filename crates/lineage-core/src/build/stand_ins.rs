//! Phase: stand-in vertices for a Describe-only export.

use petgraph::graph::NodeIndex;
use rustc_hash::FxHashSet;

use super::state::Loader;
use crate::model::{AssociationType, EntityDetails};

/// A Describe-only export: a model package no lineage vertex stands for gets a stand-in vertex, and so does
/// a described model whose model data no lineage vertex or package stands for; the training job whose
/// `ModelArtifacts` is their `ModelDataUrl` gets one too, linked to the datasets its channels name (the
/// lineage vertex with that source URI when there is one). Links are of type `Described`.
pub(super) fn stand_ins(l: &mut Loader) {
    let in_lineage: FxHashSet<String> = l
        .graph
        .graph
        .node_weights()
        .filter_map(|n| n.source_uri().map(|u| u.trim_end_matches('/').to_owned()))
        .collect();
    let packages: Vec<(String, String, Vec<String>)> = l
        .graph
        .model_packages
        .values()
        .filter(|p| !in_lineage.contains(p.arn.as_str()))
        .map(|p| (p.arn.clone(), p.name.clone(), p.model_data_urls.clone()))
        .collect();
    let mut covered: FxHashSet<String> = FxHashSet::default();
    for (arn, name, urls) in packages {
        l.warnings.push(format!(
            "{arn}: no lineage vertex stands for this model package; it is reported from its Describe* responses alone (a stand-in vertex, links of type Described)"
        ));
        let package = stand_in(l, &arn, "ModelPackage", &name, &arn);
        stand_in_jobs(l, package, &urls, &in_lineage);
        covered.extend(urls);
    }
    let packaged: FxHashSet<&str> = l.graph.model_packages.values().map(|p| p.name.as_str()).collect();
    let models: Vec<(String, String)> = l
        .graph
        .records
        .models
        .values()
        .filter(|m| {
            m.packages.iter().all(|p| !packaged.contains(p.as_str()) && !l.graph.model_packages.contains_key(p))
        })
        .flat_map(|m| m.model_data_urls.iter().map(|u| (m.name.clone(), u.clone())))
        .filter(|(_, url)| !in_lineage.contains(url.trim_end_matches('/')) && !covered.contains(url))
        .collect();
    for (name, url) in models {
        l.warnings.push(format!(
            "{url}: no lineage vertex stands for the model data of model {name}; it is reported from its Describe* responses alone (a stand-in vertex)"
        ));
        let model = stand_in(l, &url, "Model", &name, &url);
        stand_in_jobs(l, model, std::slice::from_ref(&url), &in_lineage);
    }
}

/// Stand-ins for the described training jobs that wrote one of `urls`, and their channels' datasets.
fn stand_in_jobs(l: &mut Loader, target: NodeIndex, urls: &[String], in_lineage: &FxHashSet<String>) {
    let jobs: Vec<(String, String, Vec<String>)> = l
        .graph
        .training_jobs
        .values()
        .filter(|j| !in_lineage.contains(j.arn.as_str()))
        .filter(|j| j.outputs.get("model").is_some_and(|m| urls.contains(m)))
        .map(|j| (j.arn.clone(), j.name.clone(), j.inputs.values().cloned().collect()))
        .collect();
    for (job_arn, job_name, channels) in jobs {
        let job = stand_in(l, &job_arn, "TrainingJob", &job_name, &job_arn);
        l.add_edge(job, target, Some(AssociationType::Described));
        for uri in channels {
            let dataset = match vertex_by_uri(l, &uri) {
                Some(ix) => ix,
                None => stand_in(l, &uri, "DataSet", &uri, &uri),
            };
            l.add_edge(dataset, job, Some(AssociationType::Described));
        }
    }
}

fn stand_in(l: &mut Loader, id: &str, entity_type: &str, name: &str, source_uri: &str) -> NodeIndex {
    let (ix, fresh) = l.node_for(id);
    if fresh {
        l.declared[ix.index()] = true;
        let entity_type = Some(l.intern_type(entity_type));
        let node = &mut l.graph.graph[ix];
        node.stand_in = true;
        node.entity_type = entity_type;
        node.details = Some(Box::new(EntityDetails {
            name: Some(name.to_owned()),
            source_uri: Some(source_uri.to_owned()),
            ..Default::default()
        }));
    }
    ix
}

fn vertex_by_uri(l: &Loader, uri: &str) -> Option<NodeIndex> {
    let want = uri.trim_end_matches('/');
    let mut hits: Vec<NodeIndex> = l
        .graph
        .graph
        .node_indices()
        .filter(|&ix| l.graph.graph[ix].source_uri().is_some_and(|u| u.trim_end_matches('/') == want))
        .collect();
    l.graph.sort_by_arn(&mut hits);
    hits.first().copied()
}
