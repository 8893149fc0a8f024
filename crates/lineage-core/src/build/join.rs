//! Phase: trial components joined to their jobs, model-package and approval vertices to their packages.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use petgraph::graph::NodeIndex;

use super::state::Loader;
use crate::model::roles::{Role, RoleTable};
use crate::model::{Graph, Join, LineageType};

/// Job and package names to ARNs, and what was joined so far (for the warnings about what was not).
struct Joined {
    training_by_name: BTreeMap<String, String>,
    processing_by_name: BTreeMap<String, String>,
    jobs: BTreeSet<String>,
    packages: BTreeSet<String>,
}

pub(super) fn join(l: &mut Loader, roles: &RoleTable) {
    let g = &mut l.graph;
    let mut joined = Joined {
        training_by_name: g.training_jobs.values().map(|j| (j.name.clone(), j.arn.clone())).collect(),
        processing_by_name: g.processing_jobs.values().map(|j| (j.name.clone(), j.arn.clone())).collect(),
        jobs: BTreeSet::new(),
        packages: BTreeSet::new(),
    };
    for ix in g.graph.node_indices() {
        let node = &mut g.graph[ix];
        if node.lineage_type.is_none() && !node.stand_in {
            node.lineage_type = LineageType::from_arn(&node.arn);
            if node.lineage_type.is_none() {
                l.warnings.push(format!(
                    "{}: no LineageType given and the ARN names none of artifact, action, context, experiment-trial-component",
                    node.arn
                ));
            }
        }
        join_job(g, ix, &mut joined);
        join_package(g, ix, roles, &mut joined);
    }
    warn_unjoined(g, &joined, &mut l.warnings);
    g.joins.sort();
}

/// A trial component (or a stand-in) and the training or processing job it ran: by `Source.SourceArn`, else by
/// the `-aws-*-job` name SageMaker gives it.
fn join_job(g: &mut Graph, ix: NodeIndex, joined: &mut Joined) {
    let node = &mut g.graph[ix];
    if node.lineage_type != Some(LineageType::TrialComponent) && !node.stand_in {
        return;
    }
    let name = node.name().to_owned();
    let source = node.source_uri().map(str::to_owned);
    let by_source =
        source.as_deref().filter(|s| g.training_jobs.contains_key(*s) || g.processing_jobs.contains_key(*s));
    let by_name = name
        .strip_suffix("-aws-training-job")
        .and_then(|n| joined.training_by_name.get(n))
        .or_else(|| name.strip_suffix("-aws-processing-job").and_then(|n| joined.processing_by_name.get(n)));
    let (job, how) = match (by_source, by_name) {
        (Some(s), _) => (s.to_owned(), "trial component Source.SourceArn = job ARN"),
        (None, Some(n)) => (n.clone(), "trial component name = job name + -aws-*-job"),
        (None, None) => return,
    };
    if node.entity_type.is_none() {
        let t = if g.training_jobs.contains_key(&job) { "TrainingJob" } else { "ProcessingJob" };
        node.entity_type = Some(Arc::from(t));
    }
    g.joins.push(Join { vertex: node.arn.to_string(), described: job.clone(), how: how.to_owned() });
    joined.jobs.insert(job.clone());
    g.job_of.insert(ix, job);
}

/// A vertex whose source URI is a model package ARN: the package's own vertex, or one of its approvals.
fn join_package(g: &mut Graph, ix: NodeIndex, roles: &RoleTable, joined: &mut Joined) {
    let Some(uri) = g.graph[ix].source_uri().filter(|s| s.contains(":model-package/")).map(str::to_owned) else {
        return;
    };
    let n = &g.graph[ix];
    match roles.classify(n.lineage_type, n.entity_type(), Some(&uri), n.name(), &n.arn) {
        Role::ModelPackage => {
            let how = "model-package vertex Source.SourceUri = ModelPackageArn";
            if g.model_packages.contains_key(&uri) {
                g.joins.push(Join { vertex: n.arn.to_string(), described: uri.clone(), how: how.to_owned() });
                joined.packages.insert(uri.clone());
            }
            g.package_of.insert(ix, uri);
        }
        Role::Approval => {
            let how = "Approval Source.SourceUri = ModelPackageArn";
            g.joins.push(Join { vertex: n.arn.to_string(), described: uri.clone(), how: how.to_owned() });
            g.approvals_of_package.entry(uri.clone()).or_default().push(ix);
            g.approval_of.insert(ix, uri);
        }
        _ => {}
    }
}

/// Described jobs and packages no vertex stands for: kept, and named in a warning.
fn warn_unjoined(g: &Graph, joined: &Joined, warnings: &mut Vec<String>) {
    for arn in g.training_jobs.keys().chain(g.processing_jobs.keys()) {
        if !joined.jobs.contains(arn) {
            warnings.push(format!(
                "{arn}: described, but no trial-component vertex has it as Source.SourceArn or by name; kept unattached"
            ));
        }
    }
    for arn in g.model_packages.keys() {
        if !joined.packages.contains(arn) {
            warnings.push(format!(
                "{arn}: described, but no lineage vertex has it as Source.SourceUri (a DescribeArtifact of its Model artifact would join it)"
            ));
        }
    }
}
