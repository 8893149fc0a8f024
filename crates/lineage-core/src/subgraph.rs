//! The graph a report or a view shows: its vertices (with their roles), the associations among them, and what an
//! answer rests on (evidence). Below both `narrative` and `explore`, which each make one with [`graph_of`].

use petgraph::graph::{EdgeIndex, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::model::roles::Role;
use crate::model::Lineage;
use crate::model::System;
use crate::model::{Graph, LineageType};
use crate::query::induced_edges;

/// An association named as evidence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EvidenceEdge {
    pub source: String,
    pub destination: String,
    pub association_type: Option<String>,
    /// The system that recorded it when that is not SageMaker (OpenLineage, Marquez), and where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<RecordedBy>,
}

/// Which other system recorded an association, and where (run, file, line).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordedBy {
    pub system: System,
    pub by: String,
}

impl EvidenceEdge {
    /// Edge `e` of `g`, by its endpoints' ARNs.
    pub fn of(g: &Graph, e: EdgeIndex) -> EvidenceEdge {
        let (s, d) = g.endpoints(e);
        EvidenceEdge {
            source: g.node(s).arn.to_string(),
            destination: g.node(d).arn.to_string(),
            association_type: g.edge(e).association_type.as_ref().map(|t| t.as_str().to_owned()),
            recorded_by: g.recorded_by.get(&e).map(|(system, by)| RecordedBy { system: *system, by: by.to_string() }),
        }
    }

    /// The system that recorded it.
    pub fn system(&self) -> System {
        self.recorded_by.as_ref().map_or(System::SageMaker, |r| r.system)
    }

    /// What a drawing writes on it: the association type, and the system when another one recorded it
    /// (`ContributedTo · OpenLineage`).
    pub fn label(&self) -> String {
        let t = self.association_type.as_deref().unwrap_or("(none)");
        match self.system() {
            System::SageMaker => t.to_owned(),
            other => format!("{t} · {}", other.as_str()),
        }
    }
}

impl ReportGraph {
    /// The other systems (not SageMaker) that recorded some of its edges, in order.
    pub fn other_systems(&self) -> Vec<System> {
        let mut v: Vec<System> =
            self.edges.iter().map(EvidenceEdge::system).filter(|s| *s != System::SageMaker).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// What an answer rests on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub vertices: Vec<String>,
    pub edges: Vec<EvidenceEdge>,
    /// ARNs of the Describe* responses used (jobs, model packages).
    pub descriptions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphVertex {
    pub arn: String,
    pub lineage_type: Option<LineageType>,
    #[serde(rename = "type")]
    pub entity_type: Option<String>,
    pub name: String,
    pub source_uri: Option<String>,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportGraph {
    pub vertices: Vec<GraphVertex>,
    pub edges: Vec<EvidenceEdge>,
}

/// A [`ReportGraph`] of `nodes` (sorted by ARN) and the edges among them. Each vertex shows the role the role table
/// gives it ([`crate::model::Node::table_role`]).
pub fn graph_of(lineage: &Lineage, nodes: &[NodeIndex]) -> ReportGraph {
    let g = &lineage.graph;
    ReportGraph {
        vertices: nodes
            .iter()
            .map(|&ix| {
                let n = g.node(ix);
                GraphVertex {
                    arn: n.arn.to_string(),
                    lineage_type: n.lineage_type,
                    entity_type: n.entity_type().map(str::to_owned),
                    name: vertex_name(g, ix),
                    source_uri: n.source_uri().map(str::to_owned),
                    role: n.table_role,
                }
            })
            .collect(),
        edges: induced_edges(g, nodes).into_iter().map(|e| EvidenceEdge::of(g, e)).collect(),
    }
}

/// The name a drawing and a listing show for a vertex: its own, except that an Image no description names is named
/// by its image (`repository:tag`), from its source URI or from the one job it runs in (`SageMaker.ImageUri`).
pub fn vertex_name(g: &Graph, ix: NodeIndex) -> String {
    let n = g.node(ix);
    let named = n.details.as_ref().is_some_and(|d| d.name.is_some());
    if named || n.entity_type() != Some("Image") {
        return n.name().to_owned();
    }
    let uri = n.source_uri().filter(|u| !u.is_empty()).or_else(|| image_of_consumer(g, ix));
    uri.map_or_else(|| n.name().to_owned(), |u| image_name(u).to_owned())
}

/// The image URI of the job an Image vertex feeds, when that job is the only one and runs only this image.
fn image_of_consumer(g: &Graph, ix: NodeIndex) -> Option<&str> {
    use petgraph::Direction::{Incoming, Outgoing};
    let p = g.petgraph();
    let is_image = |v: NodeIndex| g.node(v).entity_type() == Some("Image");
    let mut consumers = p.neighbors_directed(ix, Outgoing).filter_map(|c| {
        let uri = g.node(c).details.as_ref()?.parameters.get("SageMaker.ImageUri")?;
        (p.neighbors_directed(c, Incoming).filter(|&v| is_image(v)).count() == 1).then_some(uri.as_str())
    });
    let first = consumers.next()?;
    consumers.all(|u| u == first).then_some(first)
}

/// `repository:tag` (or `repository@sha256:…`) of an image URI: its last path segment.
pub fn image_name(uri: &str) -> &str {
    uri.trim_end_matches('/').rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(uri)
}

#[cfg(test)]
mod tests {
    use super::image_name;

    #[test]
    fn images_are_named_by_repository_and_tag() {
        assert_eq!(
            image_name("141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"),
            "sagemaker-xgboost:1.7-1"
        );
        assert_eq!(image_name("123.dkr.ecr.us-east-1.amazonaws.com/team/proc@sha256:ab12"), "proc@sha256:ab12");
        assert_eq!(image_name("plain"), "plain");
    }
}
