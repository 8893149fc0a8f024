//! Merging one read document into the builder: query pages (vertices, edges), descriptions, records.

use std::collections::BTreeMap;
use std::sync::Arc;

use petgraph::graph::NodeIndex;

use super::snapshots::{Snapshot, SnapshotInfo};
use super::state::{Loader, PendingDescriptions, EDGE_CHUNK};
use crate::model::records::capture_location;
use crate::model::{EntityDetails, LineageType, Origin};
use crate::read::described::{Described, PipelineDoc, PipelinePart};
use crate::read::dispatch::{in_halves, Staged};
use crate::read::sagemaker::lineage::{RawDoc, RawEdge, RawVertex};
use crate::read::sagemaker::pipelines::{self};

impl Loader {
    /// Merges one staged document but for a bundle's descriptions, which it returns (as places in `bytes`) to be
    /// read and merged a batch at a time by [`Loader::continue_file`]: the pages' vertex and edge lists are freed
    /// before any description becomes a tree.
    pub(super) fn merge(&mut self, name: &str, s: Staged<'_>, bytes: &[u8]) -> Vec<PendingDescriptions> {
        let Staged { line, doc, described, .. } = s;
        let at: Arc<str> = super::state::place(name, line).into();
        self.open_document(&doc);
        let pending = self.merge_pages(name, line, &at, String::new(), doc, bytes);
        self.merge_all_described(described, name, line, &at);
        pending
    }

    /// What a document's own fields say before its pages merge: its start ARNs, and whether a page before it
    /// promised more (a document that is no page ends that promise).
    pub(super) fn open_document(&mut self, doc: &RawDoc<'_>) {
        self.stats.documents += 1;
        if let Some(arns) = &doc.start_arns {
            for arn in arns {
                if !self.start_arns.contains(arn) {
                    self.start_arns.push(arn.clone());
                }
            }
        }
        if !doc.is_page() {
            self.close_unfinished_page();
        }
    }

    pub(super) fn merge_all_described(
        &mut self,
        described: Vec<Described>,
        name: &str,
        line: Option<usize>,
        at: &Arc<str>,
    ) {
        for d in described {
            self.merge_described(d, name, line, at);
        }
    }

    /// Merges `doc` (at `prefix`: `Pages[i].` for a bundle's page) and the pages nested in it, depth first, and
    /// returns their descriptions as places in `bytes`, in the same order.
    pub(super) fn merge_pages(
        &mut self,
        name: &str,
        line: Option<usize>,
        at: &Arc<str>,
        prefix: String,
        doc: RawDoc<'_>,
        bytes: &[u8],
    ) -> Vec<PendingDescriptions> {
        let mut pending = Vec::new();
        let mut pages = vec![(prefix, doc)];
        while let Some((prefix, mut page)) = pages.pop() {
            for (i, sub) in page.pages.take().unwrap_or_default().into_iter().enumerate().rev() {
                pages.push((format!("{prefix}Pages[{i}]."), sub));
            }
            let texts = super::state::places(bytes, &page.descriptions.take().unwrap_or_default());
            if !texts.is_empty() {
                pending.push(PendingDescriptions { line, at: at.clone(), prefix: prefix.clone(), texts, next: 0 });
            }
            self.merge_page(name, line, &prefix, page);
        }
        pending
    }

    pub(super) fn merge_page(&mut self, name: &str, line: Option<usize>, prefix: &str, page: RawDoc<'_>) {
        if page.vertices.is_none() && page.edges.is_none() {
            return;
        }
        let vertices = page.vertices.unwrap_or_default();
        self.open_page(name, prefix, vertices.len(), page.next_token.as_deref());
        let edges = page.edges.unwrap_or_default();
        self.reserve(vertices.len(), edges.len());
        for v in vertices {
            self.merge_vertex(&v);
        }
        for (c, chunk) in edges.chunks(EDGE_CHUNK).enumerate() {
            let known = self.known_ends(chunk);
            for (j, e) in chunk.iter().enumerate() {
                let ends = known.get(j).copied().unwrap_or([None, None]);
                self.merge_edge(e, ends, line, prefix, c * EDGE_CHUNK + j);
            }
        }
    }

    /// A QueryLineage page's own rules, given how many vertices it lists and its `NextToken`: it is counted, and a
    /// token (or exactly 50 vertices, the API's page size) says more may follow.
    pub(super) fn open_page(&mut self, name: &str, prefix: &str, vertices: usize, next_token: Option<&str>) {
        self.stats.query_pages += 1;
        // The page after one with a NextToken is expected next, in load order (name order within a directory).
        self.unfinished_page = None;
        if next_token.is_some_and(|t| !t.is_empty()) {
            self.unfinished_page = Some(format!(
                "{name}: {prefix}NextToken is set but the next input is not a QueryLineage page: the rest of this query's pages are missing and the graph may be incomplete"
            ));
        } else if vertices == 50 {
            self.warnings.push(format!(
                "{name}: {}Vertices holds exactly 50 vertices (QueryLineage's MaxResults cap): the response may be truncated",
                prefix
            ));
        }
        self.stats.vertices_read += vertices;
    }

    /// One vertex of a page's `Vertices`.
    pub(super) fn merge_vertex(&mut self, v: &RawVertex<'_>) {
        let (ix, _) = self.declare(&v.arn, v.lineage_type, v.entity_type.as_deref());
        if std::mem::replace(&mut self.listed[ix.index()], true) {
            self.stats.duplicate_vertices += 1;
        }
    }

    /// The `i`th edge of the page at `prefix`; `known` are its ends where they were looked up already.
    pub(super) fn merge_edge(
        &mut self,
        e: &RawEdge<'_>,
        known: [Option<NodeIndex>; 2],
        line: Option<usize>,
        prefix: &str,
        i: usize,
    ) {
        self.stats.edges_read += 1;
        let [src, dst] = known;
        let src = src.unwrap_or_else(|| self.reference(&e.source, 0, line, || format!("{prefix}Edges[{i}].SourceArn")));
        let dst = dst.unwrap_or_else(|| {
            self.reference(&e.destination, 1, line, || format!("{prefix}Edges[{i}].DestinationArn"))
        });
        self.add_edge(src, dst, e.association_type.clone());
    }

    /// The ends of `edges` that are declared vertices already, looked up in two halves at once when a caller lent
    /// the import a thread (none otherwise: [`Loader::reference`] then looks each up, with its one-entry cache).
    pub(super) fn known_ends(&self, edges: &[RawEdge<'_>]) -> Vec<[Option<NodeIndex>; 2]> {
        let Some(join) = self.join else { return Vec::new() };
        let (by_arn, declared) = (&self.graph.by_arn, &self.declared);
        let known = |arn: &str| by_arn.get(arn).copied().filter(|ix| declared[ix.index()]);
        in_halves(edges, join, |e, _| [known(&e.source), known(&e.destination)])
    }

    /// Merges one description read in `name` (at `line` of a JSON Lines file; `at` names both).
    pub(super) fn merge_described(&mut self, d: Described, name: &str, line: Option<usize>, at: &Arc<str>) {
        let at = at.clone();
        match d {
            d @ (Described::Capture(_)
            | Described::Endpoint(_)
            | Described::EndpointConfig(_)
            | Described::Model(_)
            | Described::FeatureGroup(_)
            | Described::Trail { .. }
            | Described::PackageEvent(_)) => self.merge_record(d, name, line, at),
            d @ (Described::Pipeline(_)
            | Described::Lineage { .. }
            | Described::Mlflow { .. }
            | Described::Audit(_)) => self.merge_beside_sagemaker(d, name, line, &at),
            Described::Ignored(message) => {
                self.warnings.push(format!("{at}: {message}"));
            }
            Described::Listed { items, lost } => {
                self.warn_lost(name, line, lost);
                for item in items {
                    self.merge_described(item, name, line, &at);
                }
            }
            Described::Entity { arn, lineage_type, entity_type, details } if !details.described => {
                let (ix, _) = self.declare(&arn, Some(lineage_type), entity_type.as_deref());
                let node = &mut self.graph.graph[ix];
                if !node.details.as_ref().is_some_and(|d| d.described) {
                    node.details = Some(details);
                }
            }
            Described::Entity { arn, lineage_type, entity_type, details } => {
                let (ix, _) = self.declare(&arn, Some(lineage_type), entity_type.as_deref());
                self.merge_entity(ix, describe_operation(lineage_type), details, at);
            }
            Described::TrainingJob(job) => {
                let id = job.arn.clone();
                self.keep_newest("DescribeTrainingJob", &id, at, *job, |l| &mut l.graph.training_jobs);
            }
            Described::ProcessingJob(job) => {
                let id = job.arn.clone();
                self.keep_newest("DescribeProcessingJob", &id, at, *job, |l| &mut l.graph.processing_jobs);
            }
            Described::ModelPackage(p) => {
                let id = p.arn.clone();
                if let Some(old) =
                    self.keep_newest("DescribeModelPackage", &id, at, *p, |l| &mut l.graph.model_packages)
                {
                    // Every snapshot's approval status is a word on the approval history.
                    self.graph.superseded_packages.entry(id).or_default().push(old);
                }
            }
            Described::Associations { items, lost } => {
                self.warn_lost(name, line, lost);
                for a in items {
                    self.stats.association_summaries += 1;
                    let src = self.declare_summary(&a.source, a.source_type.as_deref(), a.source_name);
                    let dst = self.declare_summary(&a.destination, a.destination_type.as_deref(), a.destination_name);
                    self.add_edge(src, dst, a.association_type);
                }
            }
        }
    }

    /// Merges what a source beside SageMaker's lineage said: pipelines, OpenLineage events, MLflow, the audit table.
    fn merge_beside_sagemaker(&mut self, d: Described, name: &str, line: Option<usize>, at: &Arc<str>) {
        let locate = |o: &mut Origin| {
            o.file = name.to_owned();
            o.line = line;
        };
        match d {
            Described::Pipeline(docs) => {
                for mut doc in docs {
                    locate(&mut doc.origin);
                    self.warn_lost(name, doc.origin.line, std::mem::take(&mut doc.lost));
                    self.merge_pipeline(doc, at);
                }
            }
            Described::Lineage { events, lost } => {
                self.warn_lost(name, line, lost);
                for mut e in events {
                    locate(&mut e.origin);
                    self.stats.openlineage_events += 1;
                    self.lineage_events.push(e);
                }
            }
            Described::Mlflow { docs, lost } => {
                self.warn_lost(name, line, lost);
                self.mlflow.add(docs, name, line);
            }
            Described::Audit(mut doc) => {
                if let crate::read::audit::AuditDoc::Scan { lost, .. } = &mut doc {
                    self.warn_lost(name, line, std::mem::take(lost));
                }
                self.audit.add(doc, name, line);
            }
            other => self.merge_described(other, name, line, at),
        }
    }

    /// One warning for each element of a response that could not be read, and was skipped.
    pub(super) fn warn_lost(&mut self, name: &str, line: Option<usize>, lost: crate::read::json::Lost) {
        let place = super::state::place(name, line);
        self.warnings.extend(lost.into_iter().map(|(path, why)| lost_warning(&place, &path, &why)));
    }

    /// Merges an operational record (data capture, endpoint, config, model, feature group, CloudTrail, EventBridge)
    /// read in `name` at `line`; its newest description is kept, repeats of an event are counted.
    fn merge_record(&mut self, d: Described, name: &str, line: Option<usize>, at: Arc<str>) {
        let locate = |o: &mut Origin| {
            o.file = name.to_owned();
            o.line = line;
        };
        let records = &mut self.graph.records;
        match d {
            Described::Capture(mut c) => {
                locate(&mut c.origin);
                if c.endpoint.is_none() {
                    if let Some((endpoint, variant)) = capture_location(name) {
                        c.endpoint = Some(endpoint);
                        c.variant = Some(variant);
                    }
                }
                self.stats.capture_records += 1;
                records.captures.push(*c);
            }
            Described::Endpoint(mut e) => {
                locate(&mut e.origin);
                let id = e.name.clone();
                self.keep_newest("DescribeEndpoint", &id, at, *e, |l| &mut l.graph.records.endpoints);
            }
            Described::EndpointConfig(mut c) => {
                locate(&mut c.origin);
                let id = c.name.clone();
                self.keep_newest("DescribeEndpointConfig", &id, at, *c, |l| &mut l.graph.records.endpoint_configs);
            }
            Described::Model(mut m) => {
                locate(&mut m.origin);
                let id = m.name.clone();
                self.keep_newest("DescribeModel", &id, at, *m, |l| &mut l.graph.records.models);
            }
            Described::FeatureGroup(mut fg) => {
                locate(&mut fg.origin);
                let id = fg.arn.clone();
                self.keep_newest("DescribeFeatureGroup", &id, at, *fg, |l| &mut l.graph.records.feature_groups);
            }
            Described::Trail { events, other_services, lost } => {
                let place = super::state::place(name, line);
                let lost = lost.into_iter().map(|(path, why)| lost_warning(&place, &path, &why));
                self.warnings.extend(lost);
                self.skipped_trail_records += other_services;
                for mut e in events {
                    locate(&mut e.origin);
                    self.stats.cloudtrail_events += 1;
                    match records.trail.get_mut(&e.id) {
                        // The same event in two files: keep the copy read from the first file by name.
                        Some(kept) => {
                            self.stats.duplicate_cloudtrail_events += 1;
                            if e.origin < kept.origin {
                                *kept = e;
                            }
                        }
                        None => {
                            records.trail.insert(e.id.clone(), e);
                        }
                    }
                }
            }
            Described::PackageEvent(mut e) => {
                locate(&mut e.origin);
                self.stats.package_state_events += 1;
                records.package_events.push(*e);
            }
            // Only the record variants above are routed here (see `merge_described`).
            _ => {}
        }
    }

    pub(super) fn merge_pipeline(&mut self, doc: PipelineDoc, at: &Arc<str>) {
        let PipelineDoc { part: PipelinePart::Execution(mut e), origin, execution, .. } = doc else {
            self.pipeline_parts.push(doc);
            return;
        };
        if execution.is_none() {
            let dir = pipelines::directory(&origin.file).to_owned();
            self.pipeline_dirs.insert((dir, e.arn.clone()));
        }
        e.origin = origin;
        let id = e.arn.clone();
        self.keep_newest("DescribePipelineExecution", &id, at.clone(), *e, |l| &mut l.graph.records.pipelines);
    }

    /// Keeps the newest of the descriptions of `id` read so far (see [`SnapshotInfo::newer_than`]); returns the
    /// one it replaced or did not keep, when the two differ.
    pub(super) fn keep_newest<T: Snapshot>(
        &mut self,
        operation: &'static str,
        id: &str,
        at: Arc<str>,
        new: T,
        map: impl Fn(&mut Self) -> &mut BTreeMap<String, T>,
    ) -> Option<T> {
        self.stats.descriptions += 1;
        let (replaces, repeat) = self.snapshots.add(operation, Arc::from(id), SnapshotInfo::of(&new, at));
        let described_before = map(self).contains_key(id);
        self.stats.duplicate_descriptions += usize::from(described_before);
        let slot = map(self);
        let dropped = match slot.get_mut(id) {
            None => {
                slot.insert(id.to_owned(), new);
                return None;
            }
            Some(old) if replaces => std::mem::replace(old, new),
            Some(_) => new,
        };
        (!repeat).then_some(dropped)
    }

    /// A Describe response of a lineage entity: the newest is kept, and what a page or an association summary
    /// said of the vertex before (its name, undocumented vertex fields) survives it.
    pub(super) fn merge_entity(
        &mut self,
        ix: NodeIndex,
        operation: &'static str,
        mut details: Box<EntityDetails>,
        at: Arc<str>,
    ) {
        self.stats.descriptions += 1;
        let arn = self.graph.graph[ix].arn.clone();
        let (replaces, _) = self.snapshots.add(operation, arn, SnapshotInfo::of(details.as_ref(), at));
        let node = &mut self.graph.graph[ix];
        self.stats.duplicate_descriptions += usize::from(node.details.as_ref().is_some_and(|d| d.described));
        match node.details.take() {
            Some(old) if old.described && !replaces => node.details = Some(old),
            // An older snapshot is replaced whole: nothing of it may survive, or the result would depend on order.
            Some(old) if old.described => node.details = Some(details),
            Some(old) => {
                if details.name.is_none() {
                    details.name = old.name;
                }
                node.details = Some(details);
            }
            None => node.details = Some(details),
        }
    }
}
fn describe_operation(t: LineageType) -> &'static str {
    match t {
        LineageType::Artifact => "DescribeArtifact",
        LineageType::Action => "DescribeAction",
        LineageType::Context => "DescribeContext",
        LineageType::TrialComponent => "DescribeTrialComponent",
    }
}

/// The warning for one element of a response skipped at `path` of `place` (`FILE` or `FILE:LINE`).
fn lost_warning(place: &str, path: &str, why: &str) -> String {
    format!("{place}: at {path}: {why}; the rest of the response is read")
}
