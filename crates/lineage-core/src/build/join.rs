//! Phase: trial components joined to their jobs, model-package and approval vertices to their packages.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::state::Loader;
use crate::model::roles::{Role, RoleTable};
use crate::model::{Join, LineageType};

pub(super) fn join(l: &mut Loader, roles: &RoleTable) {
    let g = &mut l.graph;
    let training_by_name: BTreeMap<String, String> =
        g.training_jobs.values().map(|j| (j.name.clone(), j.arn.clone())).collect();
    let processing_by_name: BTreeMap<String, String> =
        g.processing_jobs.values().map(|j| (j.name.clone(), j.arn.clone())).collect();
    let mut joined_jobs = std::collections::BTreeSet::new();
    let mut joined_packages = std::collections::BTreeSet::new();
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
        let source = node.source_uri().map(str::to_owned);
        if node.lineage_type == Some(LineageType::TrialComponent) || node.stand_in {
            let name = node.name().to_owned();
            let by_source =
                source.as_deref().filter(|s| g.training_jobs.contains_key(*s) || g.processing_jobs.contains_key(*s));
            let by_name = name
                .strip_suffix("-aws-training-job")
                .and_then(|n| training_by_name.get(n))
                .or_else(|| name.strip_suffix("-aws-processing-job").and_then(|n| processing_by_name.get(n)));
            let (job, how) = match (by_source, by_name) {
                (Some(s), _) => (Some(s.to_owned()), "trial component Source.SourceArn = job ARN"),
                (None, Some(n)) => (Some(n.clone()), "trial component name = job name + -aws-*-job"),
                (None, None) => (None, ""),
            };
            if let Some(job) = job {
                if node.entity_type.is_none() {
                    let t = if g.training_jobs.contains_key(&job) { "TrainingJob" } else { "ProcessingJob" };
                    node.entity_type = Some(Arc::from(t));
                }
                g.joins.push(Join { vertex: node.arn.to_string(), described: job.clone(), how: how.to_owned() });
                joined_jobs.insert(job.clone());
                g.job_of.insert(ix, job);
            }
        }
        if let Some(uri) = source.filter(|s| s.contains(":model-package/")) {
            match roles.classify(
                g.graph[ix].lineage_type,
                g.graph[ix].entity_type(),
                Some(&uri),
                g.graph[ix].name(),
                &g.graph[ix].arn,
            ) {
                Role::ModelPackage => {
                    let how = "model-package vertex Source.SourceUri = ModelPackageArn";
                    if g.model_packages.contains_key(&uri) {
                        g.joins.push(Join {
                            vertex: g.graph[ix].arn.to_string(),
                            described: uri.clone(),
                            how: how.to_owned(),
                        });
                        joined_packages.insert(uri.clone());
                    }
                    g.package_of.insert(ix, uri);
                }
                Role::Approval => {
                    let how = "Approval Source.SourceUri = ModelPackageArn";
                    g.joins.push(Join {
                        vertex: g.graph[ix].arn.to_string(),
                        described: uri.clone(),
                        how: how.to_owned(),
                    });
                    g.approvals_of_package.entry(uri.clone()).or_default().push(ix);
                    g.approval_of.insert(ix, uri);
                }
                _ => {}
            }
        }
    }
    for arn in g.training_jobs.keys().chain(g.processing_jobs.keys()) {
        if !joined_jobs.contains(arn) {
            l.warnings.push(format!(
                "{arn}: described, but no trial-component vertex has it as Source.SourceArn or by name; kept unattached"
            ));
        }
    }
    for arn in g.model_packages.keys() {
        if !joined_packages.contains(arn) {
            l.warnings.push(format!(
                "{arn}: described, but no lineage vertex has it as Source.SourceUri (a DescribeArtifact of its Model artifact would join it)"
            ));
        }
    }
    g.joins.sort();
}
