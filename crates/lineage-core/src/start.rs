//! What a user types as `--start`, resolved: a lineage vertex's ARN, name or source URI, a model package's ARN,
//! name or `GROUP/VERSION`, an endpoint, model or training-job name, read through the Describe* responses as well
//! as the lineage vertices. A name that matches nothing says what was searched and what comes closest.

use petgraph::graph::NodeIndex;

use crate::model::roles::Role;
use crate::model::Lineage;
use crate::model::{resource_name, Graph};

/// How a start could not be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartMiss {
    /// Nothing in the export is called that; the nearest names loaded.
    Unknown { nearest: Vec<String> },
    /// A description names it, but no lineage vertex stands for it.
    NotLinked { what: String, expected: String },
}

/// What one kind of lookup made of a start: `None` when it does not apply.
type Found = Result<Vec<NodeIndex>, StartMiss>;

/// The vertices `id` names, sorted by ARN (several when it is ambiguous).
pub fn find(lineage: &Lineage, id: &str) -> Result<Vec<NodeIndex>, StartMiss> {
    let g = &lineage.graph;
    let direct = g.resolve(id);
    if !direct.is_empty() {
        return Ok(direct);
    }
    let lookups: [&dyn Fn() -> Option<Found>; 4] =
        [&|| by_trimmed_uri(g, id), &|| by_endpoint(lineage, id), &|| by_model(lineage, id), &|| {
            by_training_job(g, id)
        }];
    for lookup in lookups {
        if let Some(found) = lookup() {
            return found;
        }
    }
    Err(StartMiss::Unknown { nearest: nearest(lineage, id) })
}

fn sorted(g: &Graph, mut v: Vec<NodeIndex>) -> Vec<NodeIndex> {
    g.sort_by_arn(&mut v);
    v.dedup();
    v
}

/// `s3://bucket/train` and `s3://bucket/train/` name the same place.
fn by_trimmed_uri(g: &Graph, id: &str) -> Option<Found> {
    let want = id.trim_end_matches('/');
    if !want.contains("://") {
        return None;
    }
    let hits: Vec<NodeIndex> = g
        .node_indices()
        .filter(|&ix| g.node(ix).source_uri().is_some_and(|u| u.trim_end_matches('/') == want))
        .collect();
    (!hits.is_empty()).then(|| Ok(sorted(g, hits)))
}

/// An endpoint's name or ARN: its lineage context (Source.SourceUri = the endpoint ARN, which SageMaker writes in
/// lower case); else, for a described endpoint, the model packages its current config runs.
fn by_endpoint(lineage: &Lineage, id: &str) -> Option<Found> {
    let g = &lineage.graph;
    let name = id.rsplit(":endpoint/").next().unwrap_or(id);
    let contexts: Vec<NodeIndex> = g
        .node_indices()
        .filter(|&ix| g.node(ix).role == Role::Endpoint)
        .filter(|&ix| {
            let n = g.node(ix);
            let uri_name = n.source_uri().and_then(|u| u.rsplit_once(":endpoint/")).map(|(_, n)| n);
            uri_name.is_some_and(|u| u.eq_ignore_ascii_case(name))
        })
        .collect();
    if !contexts.is_empty() {
        return Some(Ok(sorted(g, contexts)));
    }
    let described = g.records.endpoints.get(name)?;
    let packages = described.config_name.as_deref().map(|c| crate::deploy::config_packages(lineage, c));
    let vertices = package_vertices(g, &packages.unwrap_or_default());
    if !vertices.is_empty() {
        return Some(Ok(vertices));
    }
    Some(Err(StartMiss::NotLinked {
        what: format!("endpoint {name} is described ({}), but no lineage vertex stands for it", described.origin),
        expected: "an Endpoint context whose Source.SourceUri is the endpoint ARN (query-lineage from the endpoint's context), or DescribeEndpointConfig and DescribeModel responses that name the model package it runs".into(),
    }))
}

/// A described model's name: the model packages its containers run, else its model artifact by `ModelDataUrl`.
fn by_model(lineage: &Lineage, id: &str) -> Option<Found> {
    let g = &lineage.graph;
    let model = g.records.models.get(id)?;
    let packages = crate::deploy::model_packages(lineage, id).unwrap_or_default();
    let mut hits = package_vertices(g, &packages);
    if hits.is_empty() {
        hits = g
            .node_indices()
            .filter(|&ix| g.node(ix).source_uri().is_some_and(|u| model.model_data_urls.iter().any(|m| m == u)))
            .collect();
    }
    if !hits.is_empty() {
        return Some(Ok(sorted(g, hits)));
    }
    Some(Err(StartMiss::NotLinked {
        what: format!("model {id} is described ({}), but no lineage vertex stands for the model package or model artifact it runs", model.origin),
        expected: "the model package's DescribeModelPackage response, or a Model artifact whose Source.SourceUri is the model's ModelDataUrl".into(),
    }))
}

/// A training job's name: the trial component joined to its description, or named `NAME-aws-training-job`.
fn by_training_job(g: &Graph, id: &str) -> Option<Found> {
    let job = g.training_jobs.values().find(|j| j.name == id).map(|j| j.arn.clone());
    let tc_name = format!("{id}-aws-training-job");
    let hits: Vec<NodeIndex> = g
        .node_indices()
        .filter(|ix| g.job_of.get(ix).is_some_and(|j| Some(j) == job.as_ref()) || g.node(*ix).name() == tc_name)
        .collect();
    if !hits.is_empty() {
        return Some(Ok(sorted(g, hits)));
    }
    job.map(|arn| {
        Err(StartMiss::NotLinked {
            what: format!("training job {arn} is described, but no trial component stands for it"),
            expected: "its trial component (NAME-aws-training-job) in a QueryLineage page, or the DescribeModelPackage of the package it produced".into(),
        })
    })
}

/// The vertices standing for model packages given as ARNs (or names the descriptions resolve).
fn package_vertices(g: &Graph, packages: &[String]) -> Vec<NodeIndex> {
    let hits = g
        .package_of
        .iter()
        .filter(|(_, arn)| packages.iter().any(|p| p == *arn || resource_name(arn) == p))
        .map(|(&ix, _)| ix)
        .collect();
    sorted(g, hits)
}

/// The five loaded names closest to `id`: vertex names, package `GROUP/VERSION`s, endpoint, model and job names.
fn nearest(lineage: &Lineage, id: &str) -> Vec<String> {
    let g = &lineage.graph;
    let mut names: Vec<String> = g.node_indices().map(|ix| g.node(ix).name().to_owned()).collect();
    names.extend(g.model_packages.values().map(|p| resource_name(&p.arn).to_owned()));
    names.extend(g.records.endpoints.keys().cloned());
    names.extend(g.records.models.keys().cloned());
    names.extend(g.training_jobs.values().map(|j| j.name.clone()));
    names.sort();
    names.dedup();
    let mut scored: Vec<(u64, String)> = names
        .into_iter()
        .map(|n| ((strsim::normalized_levenshtein(id, &n) * 1e6) as u64, n))
        .filter(|(score, _)| *score >= 300_000)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.into_iter().take(5).map(|(_, n)| n).collect()
}
