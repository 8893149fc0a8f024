//! The model a report is about (its focus), from the vertex it starts from: a model package is its own focus; a
//! model artifact's is the one package made from it, an endpoint's the one package (else model artifact) it
//! served, a training job's the one package (else model artifact) it produced.

use petgraph::graph::NodeIndex;

use super::error::NarrativeError;
use super::resolved::{arns, package_names, SubjectKind};
use crate::model::roles::Role;
use crate::model::{Graph, Lineage};
use crate::query::{nearest_upstream, walk};

/// What `start` is, and the model it stands for.
pub(super) fn focus_of(lineage: &Lineage, start: NodeIndex) -> Result<(SubjectKind, NodeIndex), NarrativeError> {
    let g = &lineage.graph;
    match g.node(start).role {
        Role::ModelPackage if g.node(start).system != crate::model::System::SageMaker => {
            Ok((SubjectKind::RegisteredModel, start))
        }
        Role::ModelPackage => Ok((SubjectKind::ModelPackage, start)),
        Role::ModelData => Ok((SubjectKind::ModelArtifact, packaged_model(g, start)?)),
        Role::Endpoint => Ok((SubjectKind::Endpoint, endpoint_model(lineage, start)?)),
        Role::TrainingJob => Ok((SubjectKind::TrainingJob, produced_model(g, start)?)),
        role => Err(NarrativeError::WrongKind { arn: g.node(start).arn.to_string(), role }),
    }
}

/// The one model package downstream of a model artifact, else the artifact itself.
fn packaged_model(g: &Graph, model: NodeIndex) -> Result<NodeIndex, NarrativeError> {
    let mut pkgs = packages_from(g, model, false);
    g.sort_by_arn(&mut pkgs);
    match pkgs.as_slice() {
        [] => Ok(model),
        [only] => Ok(*only),
        many => {
            Err(NarrativeError::Ambiguous { id: g.node(model).arn.to_string(), candidates: package_names(g, many) })
        }
    }
}

/// The model package an endpoint served — of several, the one of its latest recorded deployment (see
/// [`super::endpoint`]) —, else the model artifact it served (see [`served_model`]).
fn endpoint_model(lineage: &Lineage, endpoint: NodeIndex) -> Result<NodeIndex, NarrativeError> {
    let g = &lineage.graph;
    // SageMaker draws Endpoint <- ModelDeployment <- model package, but some SDK paths associate the other way
    // round; when nothing is upstream, look downstream.
    let mut pkgs = packages_from(g, endpoint, true);
    if pkgs.is_empty() {
        pkgs = packages_from(g, endpoint, false);
    }
    g.sort_by_arn(&mut pkgs);
    match pkgs.as_slice() {
        [only] => Ok(*only),
        // The auto-created deployment shape: model artifact → ModelDeployment → endpoint, no package.
        [] => served_model(g, endpoint),
        many => {
            let candidates = package_names(g, many);
            let name = g.node(endpoint).endpoint_name();
            let latest = super::endpoint::latest_deployed(lineage, name, &candidates);
            let pick = latest.and_then(|(arn, _)| many.iter().copied().find(|ix| g.package_of.get(ix) == Some(&arn)));
            pick.ok_or_else(|| NarrativeError::SeveralPackages { arn: g.node(endpoint).arn.to_string(), candidates })
        }
    }
}

/// The model packages (ARNs) an endpoint's lineage links to it, upstream or else downstream.
pub(super) fn packages_served(g: &Graph, endpoint: NodeIndex) -> Vec<String> {
    let mut pkgs = packages_from(g, endpoint, true);
    if pkgs.is_empty() {
        pkgs = packages_from(g, endpoint, false);
    }
    package_names(g, &pkgs)
}

/// The model-package vertices upstream (or downstream) of `from`, in walk order.
fn packages_from(g: &Graph, from: NodeIndex, upstream: bool) -> Vec<NodeIndex> {
    walk(g, from, upstream, None)
        .into_iter()
        .map(|(ix, _)| ix)
        .filter(|&ix| g.node(ix).role == Role::ModelPackage)
        .collect()
}

/// The model artifact nearest upstream of an endpoint that no model package is linked to; the endpoint itself
/// when none is recorded (its answers are then all gaps, never the endpoint's own name).
fn served_model(g: &Graph, endpoint: NodeIndex) -> Result<NodeIndex, NarrativeError> {
    let models = nearest_upstream(g, endpoint, Role::ModelData);
    match models.as_slice() {
        [] => Ok(endpoint),
        [only] => Ok(*only),
        many => {
            Err(NarrativeError::SeveralPackages { arn: g.node(endpoint).arn.to_string(), candidates: arns(g, many) })
        }
    }
}

/// What a training job produced: the one model package downstream, else the one model artifact.
fn produced_model(g: &Graph, job: NodeIndex) -> Result<NodeIndex, NarrativeError> {
    let downstream: Vec<NodeIndex> = walk(g, job, false, None).into_iter().map(|(ix, _)| ix).collect();
    for role in [Role::ModelPackage, Role::ModelData] {
        let mut found: Vec<NodeIndex> = downstream.iter().copied().filter(|&ix| g.node(ix).role == role).collect();
        g.sort_by_arn(&mut found);
        match found.as_slice() {
            [] => continue,
            [only] => return Ok(*only),
            many => {
                return Err(NarrativeError::Ambiguous {
                    id: g.node(job).arn.to_string(),
                    candidates: package_names(g, many),
                })
            }
        }
    }
    Err(NarrativeError::WrongKind { arn: g.node(job).arn.to_string(), role: Role::TrainingJob })
}
