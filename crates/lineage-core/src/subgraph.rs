//! The graph a report or a view shows: its vertices (with their roles), the associations among them, and what an
//! answer rests on (evidence). Below both `narrative` and `explore`, which each make one with [`graph_of`].

use petgraph::graph::{EdgeIndex, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::import::Lineage;
use crate::model::{Graph, LineageType};
use crate::query::induced_edges;
use crate::roles::Role;

/// An association named as evidence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EvidenceEdge {
    pub source: String,
    pub destination: String,
    pub association_type: Option<String>,
}

impl EvidenceEdge {
    /// Edge `e` of `g`, by its endpoints' ARNs.
    pub fn of(g: &Graph, e: EdgeIndex) -> EvidenceEdge {
        let (s, d) = g.endpoints(e);
        EvidenceEdge {
            source: g.node(s).arn.to_string(),
            destination: g.node(d).arn.to_string(),
            association_type: g.edge(e).association_type.as_ref().map(|t| t.as_str().to_owned()),
        }
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
                    name: n.name().to_owned(),
                    source_uri: n.source_uri().map(str::to_owned),
                    role: n.table_role,
                }
            })
            .collect(),
        edges: induced_edges(g, nodes).into_iter().map(|e| EvidenceEdge::of(g, e)).collect(),
    }
}
