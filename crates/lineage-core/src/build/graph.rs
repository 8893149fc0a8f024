//! The builder's primitives: a vertex for an ARN, declared or referenced, typed once; edges kept as compact
//! triples and added deduplicated at the end.

use std::sync::Arc;

use petgraph::graph::NodeIndex;

use super::{Loader, Reference};
use crate::model::roles::Role;
use crate::model::{AssociationType, Edge, LineageType, Node};

impl Loader {
    pub(super) fn declare_summary(&mut self, arn: &str, entity_type: Option<&str>, name: Option<String>) -> NodeIndex {
        let (ix, _) = self.declare(arn, LineageType::from_arn(arn), entity_type);
        if let Some(name) = name {
            let details = self.graph.graph[ix].details.get_or_insert_with(Default::default);
            details.name.get_or_insert(name);
        }
        ix
    }

    pub(super) fn reserve(&mut self, vertices: usize, edges: usize) {
        self.graph.graph.reserve_nodes(vertices);
        self.graph.by_arn.reserve(vertices);
        self.declared.reserve(vertices);
        self.listed.reserve(vertices);
        self.edges.reserve(edges);
    }

    /// One shared copy of each entity type string (a million vertices share a dozen types).
    pub(super) fn intern_type(&mut self, t: &str) -> Arc<str> {
        if let Some(s) = self.type_names.get(t) {
            return s.clone();
        }
        let s: Arc<str> = Arc::from(t);
        self.type_names.insert(s.clone());
        s
    }

    pub(super) fn node_for(&mut self, arn: &str) -> (NodeIndex, bool) {
        if let Some(&ix) = self.graph.by_arn.get(arn) {
            return (ix, false);
        }
        let arn: Arc<str> = Arc::from(arn);
        let ix = self.graph.graph.add_node(Node {
            arn: arn.clone(),
            lineage_type: None,
            entity_type: None,
            details: None,
            stand_in: false,
            role: Role::Other,
            table_role: Role::Other,
            system: crate::model::System::SageMaker,
        });
        self.graph.by_arn.insert(arn, ix);
        self.declared.push(false);
        self.listed.push(false);
        (ix, true)
    }

    /// Records a vertex; returns whether it had been declared before.
    pub(super) fn declare(
        &mut self,
        arn: &str,
        lineage_type: Option<LineageType>,
        entity_type: Option<&str>,
    ) -> (NodeIndex, bool) {
        let (ix, _) = self.node_for(arn);
        let was = std::mem::replace(&mut self.declared[ix.index()], true);
        if !was {
            self.pending.remove(&ix);
        }
        let entity_type = entity_type.map(|t| self.intern_type(t));
        let node = &mut self.graph.graph[ix];
        // Conflicting values keep the least, so the kept one does not depend on which file came first; every
        // value given is named in one warning at the end.
        match (node.lineage_type, lineage_type) {
            (None, Some(t)) => node.lineage_type = Some(t),
            (Some(a), Some(b)) if a != b => {
                node.lineage_type = Some(a.min(b));
                let seen = self.type_conflicts.entry(arn.to_owned()).or_default();
                seen.0.extend([a, b]);
            }
            _ => {}
        }
        match (&node.entity_type, entity_type) {
            (None, Some(t)) => node.entity_type = Some(t),
            (Some(a), Some(b)) if *a != b => {
                let seen = self.type_conflicts.entry(arn.to_owned()).or_default();
                seen.1.extend([a.to_string(), b.to_string()]);
                if b < *a {
                    node.entity_type = Some(b);
                }
            }
            _ => {}
        }
        (ix, was)
    }

    /// An ARN named by an edge: it must be declared by some input before `finish`.
    pub(super) fn reference(
        &mut self,
        arn: &str,
        end: usize,
        line: Option<usize>,
        path: impl FnOnce() -> String,
    ) -> NodeIndex {
        let ix = match &self.last_reference[end] {
            Some((last, ix)) if **last == *arn => *ix,
            _ => {
                let (ix, _) = self.node_for(arn);
                self.last_reference[end] = Some((self.graph.graph[ix].arn.clone(), ix));
                ix
            }
        };
        if !self.declared[ix.index()] {
            // The reference kept is the first in the file first by name, whatever order the files came in.
            let name = &self.inputs_named;
            match self.pending.get_mut(&ix) {
                Some(r) if (&*r.file, r.line) <= (&**name, line) => r.count += 1,
                Some(r) => *r = Reference { file: name.clone(), line, path: path(), count: r.count + 1 },
                None => {
                    self.pending.insert(ix, Reference { file: name.clone(), line, path: path(), count: 1 });
                }
            }
        }
        ix
    }

    pub(super) fn add_edge(&mut self, src: NodeIndex, dst: NodeIndex, t: Option<AssociationType>) {
        if let Some(AssociationType::Other(s)) = &t {
            self.warnings.push(format!(
                "AssociationType {s:?} is not one of ContributedTo, AssociatedWith, DerivedFrom, Produced, SameAs; kept as is"
            ));
        }
        if self.association_types.is_empty() {
            self.association_types.push(None);
        }
        let kind = match self.association_types.iter().position(|k| *k == t) {
            Some(i) => i,
            None => {
                self.association_types.push(t);
                self.association_types.len() - 1
            }
        };
        // More than 65,535 distinct association type strings cannot come from SageMaker's enum; they share one slot.
        let kind = u16::try_from(kind).unwrap_or(u16::MAX);
        self.edges.push((src.index() as u32, dst.index() as u32, kind));
    }

    /// Sorts and deduplicates the edge records ([`Loader::add_edges`] then adds them, in (source, destination,
    /// type) index order).
    pub(super) fn sort_edges(&mut self) {
        self.edges.sort_unstable();
        let before = self.edges.len();
        self.edges.dedup();
        self.stats.duplicate_edges = before - self.edges.len();
        self.graph.graph.reserve_edges(self.edges.len());
    }

    /// Adds the sorted edges `range` (of [`Loader::sort_edges`]'s) to the graph; the page adds a range a step.
    pub(super) fn add_edges(&mut self, range: std::ops::Range<usize>) {
        for &(s, d, k) in &self.edges[range] {
            let association_type = self.association_types.get(k as usize).cloned().flatten();
            self.graph.graph.add_edge(
                NodeIndex::new(s as usize),
                NodeIndex::new(d as usize),
                Edge { association_type },
            );
        }
    }

    pub(super) fn close_unfinished_page(&mut self) {
        if let Some(w) = self.unfinished_page.take() {
            self.warnings.push(w);
        }
    }

    /// A page whose `NextToken` promised more, in a file not followed (in name order) by one starting with a page.
    pub(super) fn close_unfinished_files(&mut self) {
        let mut files = std::mem::take(&mut self.page_files);
        files.sort();
        for (i, (_, _, trailing)) in files.iter().enumerate() {
            let continued = files.get(i + 1).is_some_and(|(_, next_is_page, _)| *next_is_page);
            if let Some(w) = trailing.as_ref().filter(|_| !continued) {
                self.warnings.push(w.clone());
            }
        }
    }
}
