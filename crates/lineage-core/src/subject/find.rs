//! What a user types as `--start`, resolved: a lineage vertex's ARN, name or source URI, a model package's ARN,
//! name or `GROUP/VERSION`, an endpoint, model or training-job name, read through the Describe* responses as well
//! as the lineage vertices. A name that matches nothing says what was searched and what comes closest. With no
//! name, the export's `StartArns`, else its only model package (else endpoint, else model artifact). Also the
//! page's subject picker ([`candidates`]) and its search box ([`search`]).

use petgraph::graph::NodeIndex;
use serde::Serialize;

use super::error::NarrativeError;
use super::resolved::{arns, package_names};
use crate::model::roles::Role;
use crate::model::Lineage;
use crate::model::{resource_name, Graph};

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
            // Several startable (pages of a fleet), or none: the user picks, among every model package below.
            if let [only] = many.iter().filter(startable).collect::<Vec<_>>().as_slice() {
                return named_start(lineage, only);
            }
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
        match most_downstream(g, of_role(role)).as_slice() {
            [] => continue,
            [only] => return Ok(*only),
            many => return Err(NarrativeError::NoStart { candidates: arns(g, many) }),
        }
    }
    Err(NarrativeError::NoStart { candidates: Vec::new() })
}

/// Of `v`, those with no other member of `v` downstream: when model artifacts form one chain (trained, then
/// copied), the last is the model; only independent ones remain candidates.
fn most_downstream(g: &Graph, v: Vec<NodeIndex>) -> Vec<NodeIndex> {
    if v.len() < 2 {
        return v;
    }
    let members: std::collections::BTreeSet<NodeIndex> = v.iter().copied().collect();
    v.into_iter()
        .filter(|&ix| !crate::query::walk(g, ix, false, None).into_iter().any(|(d, _)| d != ix && members.contains(&d)))
        .collect()
}

/// The one vertex `id` names (see [`find`]).
fn named_start(lineage: &Lineage, id: &str) -> Result<NodeIndex, NarrativeError> {
    let hits = find(lineage, id).map_err(|miss| match miss {
        StartMiss::Unknown { nearest } => NarrativeError::NotFound { id: id.to_owned(), nearest },
        StartMiss::NotLinked { what, expected } => NarrativeError::NotLinked { what, expected },
    })?;
    match hits.as_slice() {
        [] => Err(NarrativeError::NotFound { id: id.to_owned(), nearest: Vec::new() }),
        [one] => Ok(*one),
        many => Err(NarrativeError::Ambiguous { id: id.to_owned(), candidates: arns(&lineage.graph, many) }),
    }
}

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
    if let Some(why) = g.unresolved_aliases.get(id) {
        return Err(StartMiss::NotLinked {
            what: why.clone(),
            expected:
                "the version's model-versions/get response, or an alias that points to a version the export holds"
                    .into(),
        });
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
    let packages = described.config_name.as_deref().map(|c| crate::deployments::config_packages(lineage, c));
    let vertices = package_vertices(g, &packages.unwrap_or_default());
    if !vertices.is_empty() {
        return Some(Ok(vertices));
    }
    Some(Err(StartMiss::NotLinked {
        what: format!("endpoint {name} is described ({}), but no lineage vertex stands for it", described.origin),
        expected: "an Endpoint context whose Source.SourceUri is the endpoint ARN (query-lineage from the endpoint's context), or DescribeEndpointConfig and DescribeModel responses that name the model package it runs".into(),
    }))
}

/// When `id` names a described endpoint that no lineage context stands for (so [`find`] resolved it to the package
/// its current config runs): its name, and every model package its deployment history names.
pub(super) fn described_endpoint(lineage: &Lineage, id: &str) -> Option<(String, Vec<String>)> {
    let g = &lineage.graph;
    if !g.resolve(id).is_empty() {
        return None;
    }
    let name = id.rsplit(":endpoint/").next().unwrap_or(id);
    lineage.graph.records.endpoints.get(name)?;
    if matches!(by_endpoint(lineage, id), Some(Ok(hits)) if hits.iter().any(|&ix| g.node(ix).role == Role::Endpoint)) {
        return None;
    }
    let history = crate::deployments::history(lineage, name, None).ok()?;
    let mut served: Vec<String> = history.deployments.into_iter().flat_map(|d| d.model_packages).collect();
    served.sort();
    served.dedup();
    Some((name.to_owned(), served))
}

/// A described model's name: the model packages its containers run, else its model artifact by `ModelDataUrl`.
fn by_model(lineage: &Lineage, id: &str) -> Option<Found> {
    let g = &lineage.graph;
    let model = g.records.models.get(id)?;
    let packages = crate::deployments::model_packages(lineage, id).unwrap_or_default();
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

/// A model package the reviewer can pick as the subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The lineage vertex.
    pub arn: String,
    /// `GROUP/VERSION`, else the model-package ARN, else the vertex name.
    pub label: String,
}

/// Every model package in the lineage, by label; when there is none, every endpoint, else every model artifact
/// (an export of the auto-created deployment shape has no package to pick).
pub fn candidates(lineage: &Lineage) -> Vec<Candidate> {
    let g = &lineage.graph;
    for (role, what) in [(Role::Endpoint, "Endpoint"), (Role::ModelData, "Model artifact")] {
        if g.node_indices().any(|ix| g.node(ix).role == Role::ModelPackage) {
            break;
        }
        let of_role: Vec<NodeIndex> = g.node_indices().filter(|&ix| g.node(ix).role == role).collect();
        let mut out: Vec<Candidate> = most_downstream(g, of_role)
            .into_iter()
            .map(|ix| {
                let n = g.node(ix);
                Candidate { arn: n.arn.to_string(), label: format!("{what} {}", n.endpoint_name()) }
            })
            .collect();
        if !out.is_empty() {
            out.sort_by(|a, b| (&a.label, &a.arn).cmp(&(&b.label, &b.arn)));
            return out;
        }
    }
    let mut out: Vec<Candidate> = g
        .node_indices()
        .filter(|&ix| g.node(ix).role == Role::ModelPackage)
        .map(|ix| {
            let n = g.node(ix);
            let label = match g.package(ix) {
                Some(p) => match (&p.group, p.version) {
                    (Some(gr), Some(v)) => format!("{gr}/{v}"),
                    _ => p.arn.clone(),
                },
                None => g
                    .package_of
                    .get(&ix)
                    .map_or_else(|| n.name().to_owned(), |a| crate::model::resource_name(a).to_owned()),
            };
            Candidate { arn: n.arn.to_string(), label }
        })
        .collect();
    // Versions of one group sort by number, not as text (credit-xgb/9 before credit-xgb/10).
    out.sort_by(|a, b| version_key(&a.label).cmp(&version_key(&b.label)).then(a.arn.cmp(&b.arn)));
    out
}

fn version_key(label: &str) -> (String, u64) {
    match label.rsplit_once('/') {
        Some((g, v)) => (g.to_owned(), v.parse().unwrap_or(u64::MAX)),
        None => (label.to_owned(), 0),
    }
}

/// Vertices whose ARN, name or source URI contains `query` (any case), sorted by ARN, at most `limit`.
pub fn search(lineage: &Lineage, query: &str, limit: usize) -> Vec<String> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let g = &lineage.graph;
    let mut hits: Vec<NodeIndex> = g
        .node_indices()
        .filter(|&ix| {
            let n = g.node(ix);
            n.arn.to_lowercase().contains(&q)
                || n.name().to_lowercase().contains(&q)
                || n.source_uri().is_some_and(|u| u.to_lowercase().contains(&q))
        })
        .collect();
    g.sort_by_arn(&mut hits);
    hits.into_iter().take(limit).map(|ix| g.node(ix).arn.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_sort_versions_numerically() {
        assert!(version_key("g/9") < version_key("g/10"));
    }
}
