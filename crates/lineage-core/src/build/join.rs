//! Phase: trial components joined to their jobs, model-package and approval vertices to their packages.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use rustc_hash::FxHashSet;

use super::state::Loader;
use crate::model::roles::{Role, RoleTable};
use crate::model::{Graph, Join, LineageType};

/// Job names to ARNs.
struct JobNames {
    training: BTreeMap<String, String>,
    processing: BTreeMap<String, String>,
}

/// The joins of the vertices `nodes` (a range of node indices; the page joins the vertices a range a step, the
/// ranges in order): their lineage type from the ARN where none was given, their jobs and packages.
pub(super) fn join(l: &mut Loader, roles: &RoleTable, nodes: Range<usize>) {
    let g = &mut l.graph;
    let names = JobNames {
        training: g.training_jobs.values().map(|j| (j.name.clone(), j.arn.clone())).collect(),
        processing: g.processing_jobs.values().map(|j| (j.name.clone(), j.arn.clone())).collect(),
    };
    let before = g.joins.len();
    for ix in nodes.map(NodeIndex::new) {
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
        join_job(g, ix, &names);
        join_package(g, ix, roles);
    }
    // Each range's joins sorted here, so the sort at the end merges sorted runs (a few comparisons a join).
    g.joins[before..].sort();
}

/// Once every vertex is joined: the described jobs and packages no vertex stands for, named; the joins sorted.
pub(super) fn end(l: &mut Loader, _: &RoleTable) {
    warn_unjoined(&l.graph, &mut l.warnings);
    l.graph.joins.sort();
}

/// A trial component (or a stand-in) and the training or processing job it ran: by `Source.SourceArn`, else by
/// the `-aws-*-job` name SageMaker gives it.
fn join_job(g: &mut Graph, ix: NodeIndex, names: &JobNames) {
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
        .and_then(|n| names.training.get(n))
        .or_else(|| name.strip_suffix("-aws-processing-job").and_then(|n| names.processing.get(n)));
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
    g.job_of.insert(ix, job);
}

/// A vertex whose source URI is a model package ARN: the package's own vertex, or one of its approvals.
fn join_package(g: &mut Graph, ix: NodeIndex, roles: &RoleTable) {
    let Some(uri) = g.graph[ix].source_uri().filter(|s| s.contains(":model-package/")).map(str::to_owned) else {
        return;
    };
    let n = &g.graph[ix];
    match roles.classify(n.lineage_type, n.entity_type(), Some(&uri), n.name(), &n.arn) {
        Role::ModelPackage => {
            let how = "model-package vertex Source.SourceUri = ModelPackageArn";
            if g.model_packages.contains_key(&uri) {
                g.joins.push(Join { vertex: n.arn.to_string(), described: uri.clone(), how: how.to_owned() });
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
fn warn_unjoined(g: &Graph, warnings: &mut Vec<String>) {
    let jobs: FxHashSet<&String> = g.job_of.values().collect();
    // A package vertex joins its DescribeModelPackage when one was read.
    let packages: FxHashSet<&String> = g.package_of.values().collect();
    for arn in g.training_jobs.keys().chain(g.processing_jobs.keys()) {
        if !jobs.contains(arn) {
            warnings.push(format!(
                "{arn}: described, but no trial-component vertex has it as Source.SourceArn or by name; kept unattached"
            ));
        }
    }
    for arn in g.model_packages.keys() {
        if !packages.contains(arn) {
            warnings.push(format!(
                "{arn}: described, but no lineage vertex has it as Source.SourceUri (a DescribeArtifact of its Model artifact would join it)"
            ));
        }
    }
}
