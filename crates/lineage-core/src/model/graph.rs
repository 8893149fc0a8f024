//! The typed lineage graph: vertices (Artifacts, Actions, Contexts, TrialComponents), typed associations, and
//! the non-lineage descriptions (training jobs, processing jobs, model packages) joined to them.

use std::collections::BTreeMap;
use std::sync::Arc;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::records::Records;
use super::vocab::{
    resource_name, ApprovalStatus, AssociationType, LineageType, NumberMap, Role, System, TextMap, UserContext,
};
use crate::time::Timestamp;

/// What a Describe* response says about a lineage entity (artifact, action, context or trial component).
#[derive(Clone, Debug, Default)]
pub struct EntityDetails {
    /// Whether a Describe* response said this (not only a page's vertex fields or an association summary).
    pub described: bool,
    /// The ARNs of its cross-account `SameAs` twins, merged into this vertex.
    pub same_as: Vec<String>,
    pub name: Option<String>,
    pub display_name: Option<String>,
    pub source_uri: Option<String>,
    /// `ActionSource.SourceType` / `ContextSource.SourceType` / `TrialComponentSource.SourceType`.
    pub source_type: Option<String>,
    /// `ArtifactSource.SourceTypes` as (`SourceIdType`, `Value`).
    pub source_ids: Vec<(String, String)>,
    pub status: Option<String>,
    pub description: Option<String>,
    pub properties: TextMap,
    pub metadata: TextMap,
    pub created_at: Option<Timestamp>,
    pub created_by: Option<Box<UserContext>>,
    pub modified_at: Option<Timestamp>,
    pub modified_by: Option<Box<UserContext>>,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    /// Trial component `Parameters` (string or number values, rendered as text).
    pub parameters: TextMap,
    /// Trial component `Metrics`, by name: the `Last` value.
    pub metrics: NumberMap,
    /// SHA-256 over the whole Describe response's content (unknown fields included): tells a repeat from a new
    /// snapshot. The response itself is not kept (a large export holds a hundred thousand of them).
    pub digest: [u8; 32],
}

/// One lineage vertex.
#[derive(Clone, Debug)]
pub struct Node {
    pub arn: Arc<str>,
    pub lineage_type: Option<LineageType>,
    /// `Vertex.Type` / `ArtifactType` / `ActionType` / `ContextType`: an open set.
    pub entity_type: Option<Arc<str>>,
    /// Present when a Describe response (or an association summary) told us more than the vertex did.
    pub details: Option<Box<EntityDetails>>,
    /// A stand-in made for a Describe* response that no lineage vertex stands for (a Describe-only export): its
    /// ARN is the described entity's (or the dataset's S3 URI), it has no `LineageType`.
    pub stand_in: bool,
    /// The part it plays in the narrative, decided once at load (`Loader::finish`): the role table's, except that
    /// a place inside a described feature group's offline store (or its Glue table) is a feature-store version.
    pub role: Role,
    /// What the role table alone says; the graph output (`subgraph::graph_of`) shows this one.
    pub table_role: Role,
    /// The system that recorded it (a SageMaker artifact an OpenLineage dataset joined stays SageMaker's).
    pub system: System,
}

impl Node {
    /// The entity's name: from its Describe response, else the ARN's resource name (text after the first `/`).
    pub fn name(&self) -> &str {
        if let Some(name) = self.details.as_ref().and_then(|d| d.name.as_deref()) {
            return name;
        }
        resource_name(&self.arn)
    }

    pub fn source_uri(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.source_uri.as_deref())
    }

    pub fn entity_type(&self) -> Option<&str> {
        self.entity_type.as_deref()
    }

    /// An endpoint context's endpoint name (its source URI is `…:endpoint/NAME`), else the vertex's name.
    pub fn endpoint_name(&self) -> &str {
        self.source_uri().and_then(|u| u.rsplit_once(":endpoint/")).map_or_else(|| self.name(), |(_, name)| name)
    }

    pub fn property(&self, key: &str) -> Option<&str> {
        let details = self.details.as_ref()?;
        details.properties.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }
}

/// A DescribeTrainingJob or DescribeProcessingJob response.
#[derive(Clone, Debug, Default)]
pub struct Job {
    pub arn: String,
    pub name: String,
    pub status: Option<String>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub hyperparameters: TextMap,
    /// `FinalMetricDataList`, by name.
    pub metrics: NumberMap,
    /// Input channel / processing input URIs, by channel name.
    pub inputs: TextMap,
    pub outputs: TextMap,
    pub metadata: TextMap,
    pub created_at: Option<Timestamp>,
    pub modified_at: Option<Timestamp>,
    /// See [`EntityDetails::digest`].
    pub digest: [u8; 32],
}

/// A DescribeModelPackage response.
#[derive(Clone, Debug, Default)]
pub struct ModelPackage {
    pub arn: String,
    pub name: String,
    pub group: Option<String>,
    pub version: Option<u64>,
    pub approval_status: Option<ApprovalStatus>,
    pub approval_description: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<Timestamp>,
    pub created_by: Option<UserContext>,
    pub modified_at: Option<Timestamp>,
    pub modified_by: Option<UserContext>,
    pub metadata: TextMap,
    pub model_data_urls: Vec<String>,
    /// `ModelMetrics`: each report's place (`ModelQuality.Statistics`) and S3 URI.
    pub metric_reports: Vec<(String, String)>,
    /// See [`EntityDetails::digest`].
    pub digest: [u8; 32],
}

/// One association.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub association_type: Option<AssociationType>,
}

impl Edge {
    pub fn type_str(&self) -> &str {
        self.association_type.as_ref().map_or("(none)", |t| t.as_str())
    }
}

/// A join made between a lineage vertex and a non-lineage description.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Join {
    pub vertex: String,
    pub described: String,
    pub how: String,
}

/// The merged lineage graph of every input.
#[derive(Default, Debug)]
pub struct Graph {
    pub(crate) graph: DiGraph<Node, Edge, u32>,
    pub(crate) by_arn: FxHashMap<Arc<str>, NodeIndex>,
    pub training_jobs: BTreeMap<String, Job>,
    pub processing_jobs: BTreeMap<String, Job>,
    pub model_packages: BTreeMap<String, ModelPackage>,
    /// Older DescribeModelPackage snapshots of a package (by ARN) than the one in `model_packages`, oldest first
    /// after loading: each is a word on the approval history.
    pub superseded_packages: BTreeMap<String, Vec<ModelPackage>>,
    /// Trial component vertex -> training/processing job ARN (`Source.SourceArn` or the `-aws-*-job` name).
    pub job_of: BTreeMap<NodeIndex, String>,
    /// Model-package vertex (the `Model` artifact or the article's `ModelPackage` context) -> model package ARN.
    pub package_of: BTreeMap<NodeIndex, String>,
    /// `Approval` vertex -> the model package ARN its Source.SourceUri names.
    pub approval_of: BTreeMap<NodeIndex, String>,
    /// Model package ARN -> its `Approval` vertices (the reverse of `approval_of`, so a fleet check finds a
    /// package's approvals without a scan).
    pub approvals_of_package: BTreeMap<String, Vec<NodeIndex>>,
    pub joins: Vec<Join>,
    /// Joins of another system's dataset to a SageMaker vertex or a described feature group, each with its rule.
    pub cross_joins: Vec<Join>,
    /// Another system's identity of a vertex (an OpenLineage dataset `{namespace}/{name}` joined to a SageMaker
    /// artifact) -> the vertex: `--start` takes either.
    pub aliases: BTreeMap<String, NodeIndex>,
    /// Names another system gives a vertex that no file describes (an MLflow alias to a deleted version) ->
    /// why, so `--start` says so rather than "not found".
    pub unresolved_aliases: BTreeMap<String, String>,
    /// Associations another system recorded (OpenLineage, Marquez): which, and where (run, file, line). An edge
    /// not here is SageMaker's.
    pub recorded_by: BTreeMap<EdgeIndex, (System, Arc<str>)>,
    /// Vertices that are a described feature group's offline store by another system's name for it (a Glue
    /// table), -> the feature group's ARN.
    pub feature_group_vertices: BTreeMap<NodeIndex, String>,
    /// Capture records, endpoint descriptions, CloudTrail and EventBridge events read beside the lineage.
    pub records: Records,
}

impl Graph {
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub fn node(&self, ix: NodeIndex) -> &Node {
        &self.graph[ix]
    }

    pub fn edge(&self, ix: EdgeIndex) -> &Edge {
        &self.graph[ix]
    }

    pub fn endpoints(&self, ix: EdgeIndex) -> (NodeIndex, NodeIndex) {
        // Every EdgeIndex handed out by this graph is valid: edges are never removed.
        self.graph.edge_endpoints(ix).unwrap_or((NodeIndex::end(), NodeIndex::end()))
    }

    pub fn find_arn(&self, arn: &str) -> Option<NodeIndex> {
        self.by_arn.get(arn).copied()
    }

    pub fn node_indices(&self) -> impl Iterator<Item = NodeIndex> {
        self.graph.node_indices()
    }

    pub fn edge_indices(&self) -> impl Iterator<Item = EdgeIndex> {
        self.graph.edge_indices()
    }

    pub fn petgraph(&self) -> &DiGraph<Node, Edge, u32> {
        &self.graph
    }

    /// The training or processing job joined to a trial-component vertex.
    pub fn job(&self, ix: NodeIndex) -> Option<&Job> {
        let arn = self.job_of.get(&ix)?;
        self.training_jobs.get(arn).or_else(|| self.processing_jobs.get(arn))
    }

    /// The model package described for a model-package vertex.
    pub fn package(&self, ix: NodeIndex) -> Option<&ModelPackage> {
        self.model_packages.get(self.package_of.get(&ix)?)
    }

    /// Vertices named by `id`, sorted by ARN: the vertex with that ARN; else the model-package vertices of a
    /// model-package ARN or `GROUP/VERSION`; else every vertex whose name or source URI equals `id`.
    pub fn resolve(&self, id: &str) -> Vec<NodeIndex> {
        if let Some(ix) = self.find_arn(id).or_else(|| self.aliases.get(id).copied()) {
            return vec![ix];
        }
        let group_version = |arn: &str| {
            let tail = resource_name(arn);
            arn.contains(":model-package/") && tail == id
        };
        let mut hits: Vec<NodeIndex> = self
            .package_of
            .iter()
            .filter(|(_, arn)| arn.as_str() == id || group_version(arn))
            .map(|(&ix, _)| ix)
            .collect();
        if hits.is_empty() {
            hits = self
                .graph
                .node_indices()
                .filter(|&ix| {
                    let n = &self.graph[ix];
                    n.name() == id || n.source_uri() == Some(id)
                })
                .collect();
        }
        self.sort_by_arn(&mut hits);
        hits
    }

    pub fn sort_by_arn(&self, v: &mut [NodeIndex]) {
        v.sort_by(|a, b| self.graph[*a].arn.cmp(&self.graph[*b].arn));
    }
}
