//! The model versions an export names: SageMaker model packages (described, or a lineage vertex's source URI) and
//! the versions other systems record, each with its group and version, its vertex and whether it was ever deployed;
//! and a version's neighbours in its group (the one it replaced, the one that replaced it). `lineage check` checks
//! each; `diff` and a report's "Changes since the previous version" compare neighbours.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::NodeIndex;

use crate::model::roles::Role;
use crate::model::Lineage;
use crate::model::{group_and_version, ApprovalStatus};

/// A model version of the export: a SageMaker model package (described, or a lineage vertex's source URI), or a
/// model version another system records (an MLflow registered version, an OpenLineage registration's output, a DVC
/// model), named by its vertex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub arn: String,
    pub group: Option<String>,
    pub version: Option<u64>,
    pub status: Option<ApprovalStatus>,
    pub deployed: bool,
    /// The lineage vertex standing for it (the least ARN when several do).
    pub vertex: Option<NodeIndex>,
}

impl Package {
    /// `credit-xgb/73` (the ARN when it has no group and version).
    pub fn label(&self) -> String {
        match (&self.group, self.version) {
            (Some(g), Some(v)) => format!("{g}/{v}"),
            _ => self.arn.clone(),
        }
    }
}

/// Every model package of an export, by ARN: the described ones and those a lineage vertex stands for.
pub fn model_package_arns(lineage: &Lineage) -> BTreeSet<&str> {
    let g = &lineage.graph;
    g.model_packages.keys().map(String::as_str).chain(g.package_of.values().map(String::as_str)).collect()
}

/// Every model version the export names, with its vertex and whether it was ever deployed, by group, then version
/// (10 after 9), then ARN.
pub fn packages(lineage: &Lineage) -> Vec<Package> {
    let mut out = versions(lineage);
    let deployed = deployed_packages(lineage);
    for p in &mut out {
        p.deployed = deployed.contains(&p.arn);
    }
    out
}

/// [`packages`] without whether each was deployed (`deployed` is false): what a comparison needs, without the
/// walk over every deployment record.
pub fn versions(lineage: &Lineage) -> Vec<Package> {
    let g = &lineage.graph;
    let mut vertex_of: BTreeMap<&str, NodeIndex> = BTreeMap::new();
    for (&ix, arn) in &g.package_of {
        let slot = vertex_of.entry(arn.as_str()).or_insert(ix);
        if g.node(ix).arn < g.node(*slot).arn {
            *slot = ix;
        }
    }
    let arns = model_package_arns(lineage);
    let mut out: Vec<Package> = arns
        .into_iter()
        .map(|arn| {
            let described = g.model_packages.get(arn);
            let (group, version) = group_and_version(arn);
            let group = group.map(str::to_owned);
            Package {
                arn: arn.to_owned(),
                group: described.and_then(|d| d.group.clone()).or(group),
                version: described.and_then(|d| d.version).or(version),
                status: described.and_then(|d| d.approval_status.clone()),
                deployed: false,
                vertex: vertex_of.get(arn).copied(),
            }
        })
        .collect();
    out.extend(recorded_models(lineage));
    out.sort_by(|a, b| (&a.group, a.version, &a.arn).cmp(&(&b.group, b.version, &b.arn)));
    out
}

/// The model versions other systems record (an MLflow registered version, an OpenLineage registration's output,
/// a DVC model), checked like packages: named by their vertex, their status the one their approval record states.
fn recorded_models(lineage: &Lineage) -> Vec<Package> {
    let g = &lineage.graph;
    let pg = g.petgraph();
    let registers = |ix: NodeIndex| {
        pg.neighbors_directed(ix, petgraph::Direction::Outgoing)
            .any(|n| g.node(n).property(crate::model::MODEL_STEP).is_some_and(|s| s != "training"))
    };
    g.node_indices()
        .filter(|&ix| {
            let n = g.node(ix);
            n.system != crate::model::System::SageMaker
                && (n.role == Role::ModelPackage || n.role == Role::ModelData && !registers(ix))
        })
        .map(|ix| {
            let n = g.node(ix);
            let status = pg
                .neighbors_directed(ix, petgraph::Direction::Incoming)
                .filter(|&a| g.node(a).role == Role::Approval)
                .find_map(|a| g.node(a).property("status").map(ApprovalStatus::parse));
            let version: Option<u64> = n.property("version").and_then(|v| v.parse().ok());
            // An MLflow version's vertex is named `NAME/VERSION`: its group is the registered model's name.
            let name = n.name();
            let group = version.and_then(|v| name.strip_suffix(&format!("/{v}"))).unwrap_or(name);
            Package {
                arn: n.arn.to_string(),
                group: Some(group.to_owned()),
                version,
                status,
                deployed: false,
                vertex: Some(ix),
            }
        })
        .collect()
}

/// Packages some record deploys: next to a lineage ModelDeployment action or endpoint context, or run by an
/// endpoint config that an endpoint ran (DescribeEndpoint, CloudTrail CreateEndpoint/UpdateEndpoint).
pub fn deployed_packages(lineage: &Lineage) -> BTreeSet<String> {
    let g = &lineage.graph;
    let pg = g.petgraph();
    let mut out = BTreeSet::new();
    for ix in g.node_indices().filter(|&ix| matches!(g.node(ix).role, Role::Deployment | Role::Endpoint)) {
        for n in pg.neighbors_undirected(ix) {
            out.extend(g.package_of.get(&n).cloned());
        }
    }
    let records = &g.records;
    let mut configs: BTreeSet<&str> = records.endpoints.values().filter_map(|e| e.config_name.as_deref()).collect();
    for e in records.trail.values() {
        if matches!(e.name.as_str(), "CreateEndpoint" | "UpdateEndpoint") && e.error_code.is_none() {
            configs.extend(e.param_str("endpointConfigName"));
        }
    }
    for c in configs {
        out.extend(crate::deployments::config_packages(lineage, c));
    }
    out
}

/// How many model versions [`versions`] lists, without listing them.
pub fn version_count(lineage: &Lineage) -> usize {
    model_package_arns(lineage).len() + recorded_models(lineage).len()
}

/// The version `of` replaced in its group: the same group's highest lower version the export holds.
pub fn previous<'a>(all: &'a [Package], of: &Package) -> Option<&'a Package> {
    let (group, v) = (of.group.as_ref()?, of.version?);
    all.iter().filter(|p| p.group.as_ref() == Some(group) && p.version.is_some_and(|w| w < v)).max_by_key(|p| p.version)
}

/// The version that replaced `of` in its group: the same group's lowest higher version the export holds.
pub fn next<'a>(all: &'a [Package], of: &Package) -> Option<&'a Package> {
    let (group, v) = (of.group.as_ref()?, of.version?);
    all.iter().filter(|p| p.group.as_ref() == Some(group) && p.version.is_some_and(|w| w > v)).min_by_key(|p| p.version)
}

/// The model version a vertex stands for (a package's vertex, or another system's model version).
pub fn of_vertex<'a>(lineage: &Lineage, all: &'a [Package], vertex: NodeIndex) -> Option<&'a Package> {
    match lineage.graph.package_of.get(&vertex) {
        Some(arn) => all.iter().find(|p| &p.arn == arn),
        None => all.iter().find(|p| p.vertex == Some(vertex)),
    }
}
