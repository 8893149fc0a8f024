//! What every answer reads: the lineage and the resolved subject, as one immutable context, with the small
//! lookups the answers share.

use petgraph::graph::NodeIndex;

use super::report::{InferenceAnswer, SubjectKind};
use crate::model::roles::Role;
use crate::model::{Graph, Lineage, Node};
use crate::subject::Resolved;

/// What every answer reads: the lineage and the resolved subject. Nothing in it changes while a report is made;
/// each answer returns its gaps.
pub(super) struct Ctx<'a> {
    pub(super) lineage: &'a Lineage,
    pub(super) g: &'a Graph,
    pub(super) start: NodeIndex,
    pub(super) start_kind: SubjectKind,
    /// The model package vertex (or the model artifact when no package is linked).
    pub(super) focus: NodeIndex,
    /// Ancestors of the focus.
    pub(super) ancestors: &'a [NodeIndex],
    /// The inference the report answers for, when asked by inference.
    pub(super) inference: Option<&'a InferenceAnswer>,
    /// What the gap about `--start` choosing among overlapping packages says.
    pub(super) chosen_gap: Option<&'a str>,
    /// Which of an endpoint's packages the report is about, and why.
    pub(super) chosen: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(lineage: &'a Lineage, subject: &'a Resolved) -> Ctx<'a> {
        Ctx {
            lineage,
            g: &lineage.graph,
            start: subject.start,
            start_kind: subject.kind,
            focus: subject.focus,
            ancestors: &subject.ancestors,
            inference: subject.inference.as_ref(),
            chosen_gap: subject.chosen_gap.as_deref(),
            chosen: subject.chosen.as_deref(),
        }
    }

    pub(super) fn role(&self, ix: NodeIndex) -> Role {
        self.g.node(ix).role
    }

    pub(super) fn node(&self, ix: NodeIndex) -> &'a Node {
        self.g.node(ix)
    }

    pub(super) fn arn(&self, ix: NodeIndex) -> String {
        self.g.node(ix).arn.to_string()
    }

    /// The ancestors of the focus that play `role`, sorted by ARN.
    pub(super) fn ancestors_of_role(&self, role: Role) -> Vec<NodeIndex> {
        let mut v: Vec<NodeIndex> = self.ancestors.iter().copied().filter(|&ix| self.role(ix) == role).collect();
        self.g.sort_by_arn(&mut v);
        v
    }

    /// The vertices between a served model artifact and the endpoint (the ModelDeployment action), endpoint first.
    pub(super) fn deployment_path(&self) -> Vec<NodeIndex> {
        if self.start_kind != SubjectKind::Endpoint
            || self.focus == self.start
            || self.role(self.focus) == Role::ModelPackage
        {
            return Vec::new();
        }
        let mut nodes =
            crate::query::shortest_path(self.g, self.focus, self.start).map(|p| p.nodes).unwrap_or_default();
        nodes.reverse();
        nodes
    }
}
