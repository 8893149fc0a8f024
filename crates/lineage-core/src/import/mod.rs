//! Reads lineage exports (QueryLineage pages, Describe*/ListAssociations responses, bundles; `.json` or `.jsonl`)
//! and merges any number of them into one [`Graph`], deduplicating vertices and edges and joining descriptions.

mod cross;
mod describe;
mod openlineage;
mod operations;
mod pipelines;
mod raw;
mod snapshots;
mod tree;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::records::capture_location;
use crate::model::roles::{Role, RoleTable};
use crate::model::Origin;
use crate::model::{
    AssociationType, Edge, EntityDetails, Graph, ImportError, ImportStats, InputFile, Join, Lineage, LineageType, Node,
};

pub use describe::format_number;
use describe::{describe, Described};
use raw::{parse_doc, RawDoc, RawEdge};
use snapshots::{Snapshot, SnapshotInfo, SnapshotLog};

/// Where an undeclared ARN was first referenced by an edge.
struct Reference {
    file: Arc<str>,
    line: Option<usize>,
    path: String,
    count: usize,
}

/// Accumulates files into one graph. After a file fails, the loader is dropped (see [`Loader::add_file`]).
#[derive(Default)]
pub struct Loader {
    /// How a batch of descriptions is read in two halves; `None`: one after the other.
    join: Option<BothAtOnce>,
    graph: Graph,
    declared: Vec<bool>,
    /// Whether a vertex appeared in some page's `Vertices` (repeats there are the duplicates counted).
    listed: Vec<bool>,
    pending: FxHashMap<NodeIndex, Reference>,
    /// Every edge record as (source, destination, index into `association_types`); deduplicated by sorting in
    /// `finish`, which is cheaper than a hash set over millions of edges.
    edges: Vec<(u32, u32, u16)>,
    /// Association types seen, index 0 being "none given".
    association_types: Vec<Option<AssociationType>>,
    /// The last source and destination ARN an edge named, and their vertices: edges of one vertex usually come
    /// together, so most lookups end here.
    last_reference: [Option<(Arc<str>, NodeIndex)>; 2],
    inputs: Vec<InputFile>,
    stats: ImportStats,
    warnings: Vec<String>,
    start_arns: Vec<String>,
    type_names: FxHashSet<Arc<str>>,
    /// A page whose `NextToken` promised a next page: the warning to give unless the next document is a page.
    unfinished_page: Option<String>,
    /// CloudTrail records of services other than SageMaker, skipped.
    skipped_trail_records: usize,
    /// Every Describe* snapshot read, to keep the newest and list the rest.
    snapshots: SnapshotLog,
    /// The name of the file being read.
    inputs_named: Arc<str>,
    /// Each file's name, whether it starts with a QueryLineage page, and the warning due when its last page has a
    /// `NextToken` and the next file (in name order) does not start with a page.
    page_files: Vec<(String, bool, Option<String>)>,
    /// ARN → every LineageType and Type given for it, where the inputs disagree.
    type_conflicts: BTreeMap<String, (std::collections::BTreeSet<LineageType>, std::collections::BTreeSet<String>)>,
    /// Pipeline steps pages, parameters pages and definitions, joined to their executions in `finish`.
    pipeline_parts: Vec<pipelines::PipelineDoc>,
    /// (directory, execution ARN) of every loose DescribePipelineExecution: a loose part belongs to the one in its
    /// directory.
    pipeline_dirs: std::collections::BTreeSet<(String, String)>,
    /// OpenLineage events and Marquez responses, merged per run into the graph in `finish`.
    lineage_events: Vec<crate::model::openlineage::Event>,
}

/// One document's contents, checked but not yet merged.
/// A file [`Loader::begin_file`] has parsed: what is left to read is a bundle's descriptions.
#[derive(Debug)]
pub struct FileLoad {
    name: String,
    pending: Vec<PendingDescriptions>,
    done: usize,
    total: usize,
}

impl FileLoad {
    /// Descriptions read so far, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.total)
    }
}

/// One document's descriptions, as places in the file's bytes, and how many are read.
#[derive(Debug)]
struct PendingDescriptions {
    line: Option<usize>,
    at: Arc<str>,
    /// `Pages[i].` for a bundle nested in a bundle's `Pages`, else empty.
    prefix: String,
    texts: Vec<Range<usize>>,
    next: usize,
}

struct Staged<'a> {
    line: Option<usize>,
    doc: RawDoc<'a>,
    described: Vec<Described>,
    /// Top-level fields of a page or bundle that no reader interprets (`ResponseMetadata`, …).
    other_fields: BTreeMap<String, Value>,
    kind: &'static str,
    /// Why the document was not read (`DescribeFeatureGroup response`, …), when it is none of ours.
    skipped: Option<String>,
}

impl Loader {
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Lets the import run two pieces of work at once through `join` (the CLI lends it a second thread this way;
    /// the core itself starts none). The result is the same whichever `join` runs them.
    pub fn lend_threads(&mut self, join: BothAtOnce) {
        self.join = Some(join);
    }

    /// Reads one file. `name` is how errors and the evidence appendix call it; a `.jsonl` name means one
    /// document per line. A bundle's descriptions are read while they are merged, so after an error the loader may
    /// hold part of the file: it is to be dropped, and a new one given the other files (as `Workspace` does).
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Result<(), ImportError> {
        self.add_file_with_sha256(name, bytes, || Loader::sha256_hex(bytes))
    }

    /// SHA-256 of an input as lowercase hex, as the evidence appendix lists it.
    pub fn sha256_hex(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    /// [`Loader::add_file`] for a caller that computes the file's SHA-256 (hex, see [`Loader::sha256_hex`])
    /// itself, for example on another thread while this one parses: `sha256` is called once the file parsed.
    pub fn add_file_with_sha256(
        &mut self,
        name: &str,
        bytes: &[u8],
        sha256: impl FnOnce() -> String,
    ) -> Result<(), ImportError> {
        let mut file = self.begin_file(name, bytes, sha256)?;
        while self.continue_file(&mut file, bytes)? {}
        Ok(())
    }

    /// [`Loader::add_file_with_sha256`] in steps, for a caller that shows progress between them: this parses the
    /// file and merges all but a bundle's descriptions; [`Loader::continue_file`] then reads those a batch at a
    /// time. After an error the loader is to be dropped (see [`Loader::add_file`]).
    pub fn begin_file(
        &mut self,
        name: &str,
        bytes: &[u8],
        sha256: impl FnOnce() -> String,
    ) -> Result<FileLoad, ImportError> {
        let mut load = FileLoad { name: name.to_owned(), pending: Vec::new(), done: 0, total: 0 };
        let err = |line: Option<usize>, path: String, message: String| ImportError {
            file: name.to_owned(),
            line,
            path,
            message,
        };
        let mut staged = Vec::new();
        self.inputs_named = Arc::from(name);
        if let Some(reason) = not_json(name, bytes) {
            self.skip_file(name, bytes, sha256, reason);
            return Ok(load);
        }
        if name.ends_with(".jsonl") || name.ends_with(".ndjson") || json_lines(bytes) {
            let text =
                std::str::from_utf8(bytes).map_err(|e| err(None, String::new(), format!("not UTF-8 text: {e}")))?;
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                // Positions inside one line: the line number is the file's, so only the column is kept.
                let doc = parse_doc(line.as_bytes())
                    .map_err(|e| err(Some(i + 1), e.path, e.message.replace("(line 1 column ", "(column ")))?;
                staged.push(stage(doc, Some(i + 1)).map_err(|(path, m)| err(Some(i + 1), path, m))?);
            }
            if staged.is_empty() {
                return Err(err(
                    None,
                    String::new(),
                    "the file has no JSON lines (expected one JSON object per line)".into(),
                ));
            }
        } else if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
            staged = stage_array(bytes).map_err(|(path, m)| err(None, path, m))?;
        } else {
            let doc = parse_doc(bytes).map_err(|e| err(None, e.path, e.message))?;
            staged.push(stage(doc, None).map_err(|(path, m)| err(None, path, m))?);
        }

        let mut input = InputFile {
            name: name.to_owned(),
            sha256: sha256(),
            bytes: bytes.len() as u64,
            kinds: BTreeMap::new(),
            other_fields: BTreeMap::new(),
            skipped: Vec::new(),
        };
        let first_is_page = staged.first().is_some_and(|s| s.doc.is_page());
        for mut s in staged {
            *input.kinds.entry(s.kind.to_owned()).or_default() += 1;
            input.other_fields.append(&mut s.other_fields);
            if let Some(what) = s.skipped.take() {
                self.warnings.push(skip_warning(name, s.line, &what));
                input.skipped.push(what);
                continue;
            }
            load.pending.extend(self.merge(name, s, bytes));
        }
        load.total = load.pending.iter().map(|p| p.texts.len()).sum();
        // Whether this file's last page is continued is decided in `finish`, in name order, not load order.
        let trailing_token = self.unfinished_page.take();
        self.page_files.push((name.to_owned(), first_is_page, trailing_token));
        self.stats.files += 1;
        self.inputs.push(input);
        Ok(load)
    }

    /// Reads and merges the next batch of `file`'s descriptions (`bytes` is the file [`Loader::begin_file`] was
    /// given); returns whether any remain.
    pub fn continue_file(&mut self, file: &mut FileLoad, bytes: &[u8]) -> Result<bool, ImportError> {
        let Some(doc) = file.pending.first_mut() else { return Ok(false) };
        let err =
            |path: String, message: String| ImportError { file: file.name.clone(), line: doc.line, path, message };
        let end = (doc.next + DESCRIPTION_BATCH).min(doc.texts.len());
        let mut texts = Vec::with_capacity(end - doc.next);
        for (i, range) in doc.texts[doc.next..end].iter().enumerate() {
            let text = bytes.get(range.clone()).and_then(|b| std::str::from_utf8(b).ok()).ok_or_else(|| {
                err(
                    format!("{}Descriptions[{}]", doc.prefix, doc.next + i),
                    "not the text parsed before (the file changed)".into(),
                )
            })?;
            texts.push(text);
        }
        for d in read_descriptions(&texts, doc.next, &doc.prefix, self.join.unwrap_or(one_after_the_other)) {
            let d = d.map_err(|(path, m)| err(path, m))?;
            self.merge_described(d, &file.name, doc.line, &doc.at);
        }
        file.done += end - doc.next;
        doc.next = end;
        if doc.next == doc.texts.len() {
            file.pending.remove(0);
        }
        Ok(!file.pending.is_empty())
    }

    /// Lists a file that holds no document this tool reads, so the evidence appendix still accounts for it.
    fn skip_file(&mut self, name: &str, bytes: &[u8], sha256: impl FnOnce() -> String, reason: String) {
        self.warnings.push(skip_warning(name, None, &reason));
        self.stats.files += 1;
        self.inputs.push(InputFile {
            name: name.to_owned(),
            sha256: sha256(),
            bytes: bytes.len() as u64,
            kinds: BTreeMap::from([("skipped".to_owned(), 1)]),
            other_fields: BTreeMap::new(),
            skipped: vec![reason],
        });
    }

    /// Merges one staged document but for a bundle's descriptions, which it returns (as places in `bytes`) to be
    /// read and merged a batch at a time by [`Loader::continue_file`]: the pages' vertex and edge lists are freed
    /// before any description becomes a tree.
    fn merge(&mut self, name: &str, s: Staged<'_>, bytes: &[u8]) -> Vec<PendingDescriptions> {
        self.stats.documents += 1;
        let Staged { line, doc, described, .. } = s;
        let at: Arc<str> = line.map_or_else(|| name.into(), |l| format!("{name}:{l}").into());
        let base = bytes.as_ptr() as usize;
        let mut pending = Vec::new();
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
        let mut pages = vec![(String::new(), doc)];
        while let Some((prefix, mut page)) = pages.pop() {
            for (i, sub) in page.pages.take().unwrap_or_default().into_iter().enumerate().rev() {
                pages.push((format!("{prefix}Pages[{i}]."), sub));
            }
            let texts: Vec<Range<usize>> = (page.descriptions.take().unwrap_or_default().iter())
                .map(|raw| {
                    let start = raw.get().as_ptr() as usize - base;
                    start..start + raw.get().len()
                })
                .collect();
            if !texts.is_empty() {
                pending.push(PendingDescriptions { line, at: at.clone(), prefix: prefix.clone(), texts, next: 0 });
            }
            self.merge_page(name, line, &prefix, page);
        }
        for d in described {
            self.merge_described(d, name, line, &at);
        }
        pending
    }

    fn merge_page(&mut self, name: &str, line: Option<usize>, prefix: &str, page: RawDoc<'_>) {
        if page.vertices.is_none() && page.edges.is_none() {
            return;
        }
        self.stats.query_pages += 1;
        let vertices = page.vertices.unwrap_or_default();
        // The page after one with a NextToken is expected next, in load order (name order within a directory).
        self.unfinished_page = None;
        if page.next_token.as_deref().is_some_and(|t| !t.is_empty()) {
            self.unfinished_page = Some(format!(
                "{name}: {prefix}NextToken is set but the next input is not a QueryLineage page: the rest of this query's pages are missing and the graph may be incomplete"
            ));
        } else if vertices.len() == 50 {
            self.warnings.push(format!(
                "{name}: {}Vertices holds exactly 50 vertices (QueryLineage's MaxResults cap): the response may be truncated",
                prefix
            ));
        }
        self.stats.vertices_read += vertices.len();
        let edges = page.edges.unwrap_or_default();
        self.reserve(vertices.len(), edges.len());
        for v in vertices {
            let (ix, _) = self.declare(&v.arn, v.lineage_type, v.entity_type.as_deref());
            if std::mem::replace(&mut self.listed[ix.index()], true) {
                self.stats.duplicate_vertices += 1;
            }
        }
        self.stats.edges_read += edges.len();
        for (c, chunk) in edges.chunks(EDGE_CHUNK).enumerate() {
            let known = self.known_ends(chunk);
            for (j, e) in chunk.iter().enumerate() {
                let i = c * EDGE_CHUNK + j;
                let [src, dst] = known.get(j).copied().unwrap_or([None, None]);
                let src = src
                    .unwrap_or_else(|| self.reference(&e.source, 0, line, || format!("{prefix}Edges[{i}].SourceArn")));
                let dst = dst.unwrap_or_else(|| {
                    self.reference(&e.destination, 1, line, || format!("{prefix}Edges[{i}].DestinationArn"))
                });
                self.add_edge(src, dst, e.association_type.clone());
            }
        }
    }

    /// The ends of `edges` that are declared vertices already, looked up in two halves at once when a caller lent
    /// the import a thread (none otherwise: [`Loader::reference`] then looks each up, with its one-entry cache).
    fn known_ends(&self, edges: &[RawEdge<'_>]) -> Vec<[Option<NodeIndex>; 2]> {
        let Some(join) = self.join else { return Vec::new() };
        let (by_arn, declared) = (&self.graph.by_arn, &self.declared);
        let known = |arn: &str| by_arn.get(arn).copied().filter(|ix| declared[ix.index()]);
        in_halves(edges, join, |e, _| [known(&e.source), known(&e.destination)])
    }

    /// Merges one description read in `name` (at `line` of a JSON Lines file; `at` names both).
    fn merge_described(&mut self, d: Described, name: &str, line: Option<usize>, at: &Arc<str>) {
        let at = at.clone();
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
            Described::Trail { events, other_services } => {
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
            Described::Pipeline(docs) => {
                for mut doc in docs {
                    locate(&mut doc.origin);
                    self.merge_pipeline(doc, &at);
                }
            }
            Described::Lineage(events) => {
                for mut e in events {
                    locate(&mut e.origin);
                    self.stats.openlineage_events += 1;
                    self.lineage_events.push(e);
                }
            }
            Described::PackageEvent(mut e) => {
                locate(&mut e.origin);
                self.stats.package_state_events += 1;
                records.package_events.push(*e);
            }
            Described::Ignored(message) => {
                self.warnings.push(format!("{at}: {message}"));
            }
            Described::Listed(items) => {
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
            Described::Associations(list) => {
                for a in list {
                    self.stats.association_summaries += 1;
                    let src = self.declare_summary(&a.source, a.source_type.as_deref(), a.source_name);
                    let dst = self.declare_summary(&a.destination, a.destination_type.as_deref(), a.destination_name);
                    self.add_edge(src, dst, a.association_type);
                }
            }
        }
    }

    fn merge_pipeline(&mut self, doc: pipelines::PipelineDoc, at: &Arc<str>) {
        let pipelines::PipelineDoc { part: pipelines::PipelinePart::Execution(mut e), origin, execution, .. } = doc
        else {
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
    fn keep_newest<T: Snapshot>(
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
    fn merge_entity(&mut self, ix: NodeIndex, operation: &'static str, mut details: Box<EntityDetails>, at: Arc<str>) {
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

    fn declare_summary(&mut self, arn: &str, entity_type: Option<&str>, name: Option<String>) -> NodeIndex {
        let (ix, _) = self.declare(arn, LineageType::from_arn(arn), entity_type);
        if let Some(name) = name {
            let details = self.graph.graph[ix].details.get_or_insert_with(Default::default);
            details.name.get_or_insert(name);
        }
        ix
    }

    fn reserve(&mut self, vertices: usize, edges: usize) {
        self.graph.graph.reserve_nodes(vertices);
        self.graph.by_arn.reserve(vertices);
        self.declared.reserve(vertices);
        self.listed.reserve(vertices);
        self.edges.reserve(edges);
    }

    /// One shared copy of each entity type string (a million vertices share a dozen types).
    fn intern_type(&mut self, t: &str) -> Arc<str> {
        if let Some(s) = self.type_names.get(t) {
            return s.clone();
        }
        let s: Arc<str> = Arc::from(t);
        self.type_names.insert(s.clone());
        s
    }

    fn node_for(&mut self, arn: &str) -> (NodeIndex, bool) {
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
    fn declare(
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
    fn reference(&mut self, arn: &str, end: usize, line: Option<usize>, path: impl FnOnce() -> String) -> NodeIndex {
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

    fn add_edge(&mut self, src: NodeIndex, dst: NodeIndex, t: Option<AssociationType>) {
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

    /// Adds the deduplicated edges to the graph, in (source, destination, type) index order.
    fn build_edges(&mut self) {
        let mut edges = std::mem::take(&mut self.edges);
        edges.sort_unstable();
        let before = edges.len();
        edges.dedup();
        self.stats.duplicate_edges = before - edges.len();
        self.graph.graph.reserve_edges(edges.len());
        for (s, d, k) in edges {
            let association_type = self.association_types.get(k as usize).cloned().flatten();
            self.graph.graph.add_edge(
                NodeIndex::new(s as usize),
                NodeIndex::new(d as usize),
                Edge { association_type },
            );
        }
    }

    fn close_unfinished_page(&mut self) {
        if let Some(w) = self.unfinished_page.take() {
            self.warnings.push(w);
        }
    }

    /// A page whose `NextToken` promised more, in a file not followed (in name order) by one starting with a page.
    fn close_unfinished_files(&mut self) {
        let mut files = std::mem::take(&mut self.page_files);
        files.sort();
        for (i, (_, _, trailing)) in files.iter().enumerate() {
            let continued = files.get(i + 1).is_some_and(|(_, next_is_page, _)| *next_is_page);
            if let Some(w) = trailing.as_ref().filter(|_| !continued) {
                self.warnings.push(w.clone());
            }
        }
    }

    /// Checks that every edge endpoint is a vertex, makes the joins, and returns the merged lineage.
    pub fn finish(mut self, roles: &RoleTable) -> Result<Lineage, ImportError> {
        self.close_unfinished_files();
        if let Some((ix, r)) = self.pending.iter().min_by_key(|(_, r)| (r.file.clone(), r.line, r.path.clone())) {
            let others = self.pending.len() - 1;
            let arn = self.graph.graph[*ix].arn.clone();
            let mut message = format!(
                "edge endpoint {arn} is not a vertex of any input (expected every SourceArn/DestinationArn among some page's Vertices, a Describe response or an association summary; is a QueryLineage page missing?)"
            );
            if r.count > 1 {
                message.push_str(&format!("; {} edges name it", r.count));
            }
            if others > 0 {
                message.push_str(&format!("; {others} other unknown ARN(s) too"));
            }
            return Err(ImportError { file: r.file.to_string(), line: r.line, path: r.path.clone(), message });
        }
        let parts = std::mem::take(&mut self.pipeline_parts);
        let attached = pipelines::attach(&mut self.graph.records, parts, &self.pipeline_dirs, roles)?;
        self.warnings.extend(attached.warnings);
        for (origin, why) in attached.skipped {
            self.warnings.push(skip_warning(&origin.file, origin.line, &why));
            if let Some(input) = self.inputs.iter_mut().find(|i| i.name == origin.file) {
                input.skipped.push(why);
            }
        }
        self.stand_ins();
        self.merge_twins();
        self.build_edges();
        self.join(roles);
        self.dedupe_records();
        self.merge_cross_system();
        self.classify_roles(roles);
        self.stats.vertices = self.graph.node_count();
        self.stats.edges = self.graph.edge_count();
        for snapshots in self.graph.superseded_packages.values_mut() {
            snapshots.sort_by_key(|p| (p.modified_at, p.created_at, p.digest));
        }
        for (arn, (lineage_types, types)) in std::mem::take(&mut self.type_conflicts) {
            if let Some(kept) = lineage_types.first() {
                let all: Vec<&str> = lineage_types.iter().map(|t| t.as_str()).collect();
                self.warnings.push(format!("{arn}: the inputs give LineageType {}; kept {kept}", all.join(", ")));
            }
            if let Some(kept) = types.first() {
                let all: Vec<String> = types.iter().map(|t| format!("{t:?}")).collect();
                self.warnings.push(format!("{arn}: the inputs give Type {}; kept {kept:?}", all.join(", ")));
            }
        }
        let (superseded, disagreements) = std::mem::take(&mut self.snapshots).finish();
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.extend(disagreements);
        warnings.sort();
        warnings.dedup();
        // Nothing below depends on the order the files were given in.
        let mut inputs = self.inputs;
        inputs.sort_by(|a, b| (&a.name, &a.sha256).cmp(&(&b.name, &b.sha256)));
        let mut start_arns = self.start_arns;
        start_arns.sort();
        Ok(Lineage { graph: self.graph, inputs, stats: self.stats, warnings, start_arns, superseded })
    }

    /// A Describe-only export: a model package no lineage vertex stands for gets a stand-in vertex, and so does
    /// a described model whose model data no lineage vertex or package stands for; the training job whose
    /// `ModelArtifacts` is their `ModelDataUrl` gets one too, linked to the datasets its channels name (the
    /// lineage vertex with that source URI when there is one). Links are of type `Described`.
    fn stand_ins(&mut self) {
        let in_lineage: FxHashSet<String> = self
            .graph
            .graph
            .node_weights()
            .filter_map(|n| n.source_uri().map(|u| u.trim_end_matches('/').to_owned()))
            .collect();
        let packages: Vec<(String, String, Vec<String>)> = self
            .graph
            .model_packages
            .values()
            .filter(|p| !in_lineage.contains(p.arn.as_str()))
            .map(|p| (p.arn.clone(), p.name.clone(), p.model_data_urls.clone()))
            .collect();
        let mut covered: FxHashSet<String> = FxHashSet::default();
        for (arn, name, urls) in packages {
            self.warnings.push(format!(
                "{arn}: no lineage vertex stands for this model package; it is reported from its Describe* responses alone (a stand-in vertex, links of type Described)"
            ));
            let package = self.stand_in(&arn, "ModelPackage", &name, &arn);
            self.stand_in_jobs(package, &urls, &in_lineage);
            covered.extend(urls);
        }
        let packaged: FxHashSet<&str> = self.graph.model_packages.values().map(|p| p.name.as_str()).collect();
        let models: Vec<(String, String)> = self
            .graph
            .records
            .models
            .values()
            .filter(|m| {
                m.packages.iter().all(|p| !packaged.contains(p.as_str()) && !self.graph.model_packages.contains_key(p))
            })
            .flat_map(|m| m.model_data_urls.iter().map(|u| (m.name.clone(), u.clone())))
            .filter(|(_, url)| !in_lineage.contains(url.trim_end_matches('/')) && !covered.contains(url))
            .collect();
        for (name, url) in models {
            self.warnings.push(format!(
                "{url}: no lineage vertex stands for the model data of model {name}; it is reported from its Describe* responses alone (a stand-in vertex)"
            ));
            let model = self.stand_in(&url, "Model", &name, &url);
            self.stand_in_jobs(model, std::slice::from_ref(&url), &in_lineage);
        }
    }

    /// Stand-ins for the described training jobs that wrote one of `urls`, and their channels' datasets.
    fn stand_in_jobs(&mut self, target: NodeIndex, urls: &[String], in_lineage: &FxHashSet<String>) {
        let jobs: Vec<(String, String, Vec<String>)> = self
            .graph
            .training_jobs
            .values()
            .filter(|j| !in_lineage.contains(j.arn.as_str()))
            .filter(|j| j.outputs.get("model").is_some_and(|m| urls.contains(m)))
            .map(|j| (j.arn.clone(), j.name.clone(), j.inputs.values().cloned().collect()))
            .collect();
        for (job_arn, job_name, channels) in jobs {
            let job = self.stand_in(&job_arn, "TrainingJob", &job_name, &job_arn);
            self.add_edge(job, target, Some(AssociationType::Described));
            for uri in channels {
                let dataset = match self.vertex_by_uri(&uri) {
                    Some(ix) => ix,
                    None => self.stand_in(&uri, "DataSet", &uri, &uri),
                };
                self.add_edge(dataset, job, Some(AssociationType::Described));
            }
        }
    }

    /// Cross-account `SameAs` twins (one artifact seen from two accounts) become one vertex, named by the least
    /// ARN, the others kept as its aliases (and still found by `find_arn`); the SameAs edges between them go.
    fn merge_twins(&mut self) {
        let Some(same_as) = self.association_types.iter().position(|t| *t == Some(AssociationType::SameAs)) else {
            return;
        };
        let n = self.graph.graph.node_count();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        fn root(parent: &mut [u32], mut x: u32) -> u32 {
            while parent[x as usize] != x {
                parent[x as usize] = parent[parent[x as usize] as usize];
                x = parent[x as usize];
            }
            x
        }
        for &(s, d, k) in &self.edges {
            if usize::from(k) == same_as {
                let (a, b) = (root(&mut parent, s), root(&mut parent, d));
                // The least ARN names the group.
                let (keep, other) = if self.graph.graph[NodeIndex::new(a as usize)].arn
                    <= self.graph.graph[NodeIndex::new(b as usize)].arn
                {
                    (a, b)
                } else {
                    (b, a)
                };
                parent[other as usize] = keep;
            }
        }
        let roots: Vec<u32> = (0..n as u32).map(|x| root(&mut parent, x)).collect();
        if roots.iter().enumerate().all(|(i, r)| i as u32 == *r) {
            return;
        }
        let old = std::mem::take(&mut self.graph.graph);
        let mut new_index = vec![0u32; n];
        let mut aliases: Vec<(usize, Node)> = Vec::new();
        for (i, node) in old.into_nodes_edges().0.into_iter().map(|n| n.weight).enumerate() {
            if roots[i] as usize == i {
                new_index[i] = self.graph.graph.add_node(node).index() as u32;
            } else {
                aliases.push((i, node));
            }
        }
        for (i, twin) in aliases {
            let ix = NodeIndex::new(new_index[roots[i] as usize] as usize);
            new_index[i] = ix.index() as u32;
            self.graph.by_arn.insert(twin.arn.clone(), ix);
            let kept = &mut self.graph.graph[ix];
            let twin_described = twin.details.as_ref().is_some_and(|d| d.described);
            if twin_described && !kept.details.as_ref().is_some_and(|d| d.described) {
                let own = kept.details.take();
                kept.details = twin.details;
                if let (Some(d), Some(own)) = (kept.details.as_mut(), own) {
                    d.same_as.extend(own.same_as);
                }
            }
            if kept.entity_type.is_none() {
                kept.entity_type = twin.entity_type;
            }
            let details = kept.details.get_or_insert_with(Default::default);
            details.same_as.push(twin.arn.to_string());
            details.same_as.sort();
        }
        for ix in self.graph.graph.node_indices() {
            let arn = self.graph.graph[ix].arn.clone();
            self.graph.by_arn.insert(arn, ix);
        }
        let edges = std::mem::take(&mut self.edges);
        self.edges = edges
            .into_iter()
            .map(|(s, d, k)| (new_index[s as usize], new_index[d as usize], k))
            .filter(|(s, d, k)| !(s == d && usize::from(*k) == same_as))
            .collect();
        self.warnings.push(format!(
            "{} cross-account SameAs twin(s) drawn and answered as one vertex each (both ARNs kept in its details)",
            roots.iter().enumerate().filter(|(i, r)| *i as u32 != **r).count()
        ));
    }

    fn stand_in(&mut self, id: &str, entity_type: &str, name: &str, source_uri: &str) -> NodeIndex {
        let (ix, fresh) = self.node_for(id);
        if fresh {
            self.declared[ix.index()] = true;
            let entity_type = Some(self.intern_type(entity_type));
            let node = &mut self.graph.graph[ix];
            node.stand_in = true;
            node.entity_type = entity_type;
            node.details = Some(Box::new(EntityDetails {
                name: Some(name.to_owned()),
                source_uri: Some(source_uri.to_owned()),
                ..Default::default()
            }));
        }
        ix
    }

    fn vertex_by_uri(&self, uri: &str) -> Option<NodeIndex> {
        let want = uri.trim_end_matches('/');
        let mut hits: Vec<NodeIndex> = self
            .graph
            .graph
            .node_indices()
            .filter(|&ix| self.graph.graph[ix].source_uri().is_some_and(|u| u.trim_end_matches('/') == want))
            .collect();
        self.graph.sort_by_arn(&mut hits);
        hits.first().copied()
    }

    /// Sorts the operational records and drops repeats: a capture record read twice (same `eventId`), an
    /// EventBridge change sent twice (same package, status and time — AWS may send several events per change).
    fn dedupe_records(&mut self) {
        let r = &mut self.graph.records;
        r.captures.sort_by(|a, b| (a.time, &a.event_id, &a.origin).cmp(&(b.time, &b.event_id, &b.origin)));
        let before = r.captures.len();
        let mut seen = std::collections::BTreeSet::new();
        r.captures.retain(|c| seen.insert((c.event_id.clone(), c.endpoint.clone(), c.variant.clone())));
        self.stats.duplicate_capture_records = before - r.captures.len();
        r.package_events.sort_by(|a, b| {
            (&a.package_arn, a.at(), &a.approval_status, &a.origin).cmp(&(
                &b.package_arn,
                b.at(),
                &b.approval_status,
                &b.origin,
            ))
        });
        let before = r.package_events.len();
        r.package_events.dedup_by(|later, first| {
            later.package_arn == first.package_arn
                && later.approval_status == first.approval_status
                && later.at() == first.at()
        });
        self.stats.duplicate_package_state_events = before - r.package_events.len();
        if self.skipped_trail_records > 0 {
            self.warnings.push(format!(
                "{} CloudTrail record(s) of services other than SageMaker skipped",
                self.skipped_trail_records
            ));
        }
    }

    /// Each vertex's role, decided once: the role table's, except that a place inside a described feature group's
    /// offline store (or its Glue table) is a feature-store version of that group, whatever its artifact type says.
    fn classify_roles(&mut self, roles: &RoleTable) {
        let g = &self.graph;
        let mut classifier = roles.classifier();
        let decided: Vec<(Role, Role)> = g
            .graph
            .node_indices()
            .map(|ix| {
                let node = &g.graph[ix];
                let table = classifier.role_of(node);
                let in_feature_group = || {
                    g.feature_group_vertices.contains_key(&ix)
                        || node.source_uri().is_some_and(|u| g.records.feature_group_of(u).is_some())
                };
                let role = match table {
                    Role::RawData | Role::Other if in_feature_group() => Role::FeatureStoreVersion,
                    r => r,
                };
                (role, table)
            })
            .collect();
        for (ix, (role, table)) in self.graph.graph.node_indices().zip(decided) {
            let node = &mut self.graph.graph[ix];
            node.role = role;
            node.table_role = table;
        }
        self.classify_other_systems_training();
    }

    /// Another system's run that produced a model (a dataset the table calls `model_data`, such as OpenLineage's
    /// datasetType MODEL) is a training job, and its inputs that play nothing else are its training datasets.
    fn classify_other_systems_training(&mut self) {
        use crate::model::System;
        let g = &self.graph.graph;
        let runs: Vec<NodeIndex> = g
            .node_indices()
            .filter(|&ix| g[ix].system != System::SageMaker && g[ix].role == Role::Other)
            .filter(|&ix| g.neighbors_directed(ix, petgraph::Direction::Outgoing).any(|o| g[o].role == Role::ModelData))
            .collect();
        for run in runs {
            self.graph.graph[run].role = Role::TrainingJob;
            let inputs: Vec<NodeIndex> =
                self.graph.graph.neighbors_directed(run, petgraph::Direction::Incoming).collect();
            for i in inputs {
                if self.graph.graph[i].role == Role::Other
                    && self.graph.graph[i].lineage_type == Some(LineageType::Artifact)
                {
                    self.graph.graph[i].role = Role::TrainingDataset;
                }
            }
        }
    }

    fn join(&mut self, roles: &RoleTable) {
        let g = &mut self.graph;
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
                    self.warnings.push(format!(
                        "{}: no LineageType given and the ARN names none of artifact, action, context, experiment-trial-component",
                        node.arn
                    ));
                }
            }
            let source = node.source_uri().map(str::to_owned);
            if node.lineage_type == Some(LineageType::TrialComponent) || node.stand_in {
                let name = node.name().to_owned();
                let by_source = source
                    .as_deref()
                    .filter(|s| g.training_jobs.contains_key(*s) || g.processing_jobs.contains_key(*s));
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
                self.warnings.push(format!(
                    "{arn}: described, but no trial-component vertex has it as Source.SourceArn or by name; kept unattached"
                ));
            }
        }
        for arn in g.model_packages.keys() {
            if !joined_packages.contains(arn) {
                self.warnings.push(format!(
                    "{arn}: described, but no lineage vertex has it as Source.SourceUri (a DescribeArtifact of its Model artifact would join it)"
                ));
            }
        }
        g.joins.sort();
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

/// Benchmark baseline: parses one document with the importer's own readers and counts its vertex and edge
/// records, building nothing.
pub fn parse_only(bytes: &[u8]) -> Result<(usize, usize), String> {
    let doc = parse_doc(bytes).map_err(|e| format!("{}: {}", e.path, e.message))?;
    let pages = doc.pages.iter().flatten();
    let v = doc.vertices.as_ref().map_or(0, Vec::len)
        + pages.clone().map(|p| p.vertices.as_ref().map_or(0, Vec::len)).sum::<usize>();
    let e = doc.edges.as_ref().map_or(0, Vec::len) + pages.map(|p| p.edges.as_ref().map_or(0, Vec::len)).sum::<usize>();
    Ok((v, e))
}

/// Checks one parsed document and reads its Describe/ListAssociations parts; nothing is merged yet.
fn stage(mut doc: RawDoc<'_>, line: Option<usize>) -> Result<Staged<'_>, (String, String)> {
    let mut described = Vec::new();
    let is_page = doc.is_page();
    let mut kind = if doc.descriptions.is_some() || doc.start_arns.is_some() || doc.pages.is_some() {
        "bundle"
    } else if is_page {
        "QueryLineage response"
    } else {
        ""
    };
    // Moved, not cloned: a document's tree is as large as its text several times over.
    let rest = serde_json::Map::from_iter(std::mem::take(&mut doc.rest));
    let mut top_is_body = false;
    if let Some(mut d) = describe(&rest, "").map_err(|e| (e.path, e.message))? {
        top_is_body = !matches!(d, Described::Associations(_));
        // A list page's NextToken was read with the document (as a QueryLineage page's is): it says more follow.
        if let (Described::Pipeline(docs), Some(token)) = (&mut d, doc.next_token.as_deref()) {
            docs.iter_mut().for_each(|p| p.continued = !token.is_empty());
        }
        if kind.is_empty() {
            kind = describe_kind(&d);
        }
        described.push(d);
    }
    if let Some(groups) = rest.get("DataCapture") {
        if kind.is_empty() {
            kind = "bundle";
        }
        described.extend(bundle_captures(groups).map_err(|e| (e.path, e.message))?);
    }
    if kind.is_empty() {
        // Not one of ours: an AWS document we do not read (or any other JSON object) is listed as skipped.
        let what = unused_document(&rest).map_or_else(
            || format!("a JSON object that is no document this tool reads (keys {})", keys(&rest)),
            |op| format!("{op} response"),
        );
        return Ok(Staged {
            line,
            doc,
            described,
            kind: "skipped",
            other_fields: BTreeMap::new(),
            skipped: Some(what),
        });
    }
    let other_fields = if !top_is_body {
        rest.into_iter().filter(|(k, _)| !matches!(k.as_str(), "AssociationSummaries" | "DataCapture")).collect()
    } else {
        BTreeMap::new()
    };
    Ok(Staged { line, doc, described, kind, other_fields, skipped: None })
}

/// A file that is a JSON array: OpenLineage events as some clients and proxies write them (one array of events).
/// Each element is staged as its own document; a path says which (`[3].run.runId`).
fn stage_array(bytes: &[u8]) -> Result<Vec<Staged<'_>>, (String, String)> {
    let items: Vec<&serde_json::value::RawValue> =
        serde_json::from_slice(bytes).map_err(|e| (String::new(), format!("not a JSON array of objects: {e}")))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let at = |path: String| if path.is_empty() { format!("[{i}]") } else { format!("[{i}].{path}") };
        let doc = parse_doc(item.get().as_bytes()).map_err(|e| (at(e.path), e.message))?;
        let mut s = stage(doc, None).map_err(|(path, m)| (at(path), m))?;
        if !s.described.iter().any(|d| matches!(d, Described::Lineage(_))) {
            let what = s.skipped.take().unwrap_or_else(|| s.kind.to_owned());
            return Err((
                format!("[{i}]"),
                format!("expected an OpenLineage event (a JSON array is read as a list of events), found {what}"),
            ));
        }
        for d in &mut s.described {
            if let Described::Lineage(events) = d {
                events.iter_mut().for_each(|e| e.origin.path = at(std::mem::take(&mut e.origin.path)));
            }
        }
        out.push(s);
    }
    Ok(out)
}

/// Whether a file not named `.jsonl` holds JSON Lines: its first line is a whole JSON object and more lines follow
/// (OpenLineage's file transport appends one event per line to whatever file it is given).
fn json_lines(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    let Some(end) = bytes.iter().position(|&b| b == b'\n') else { return false };
    let (first, rest) = bytes.split_at(end);
    first.first() == Some(&b'{')
        && rest.iter().any(|b| !b.is_ascii_whitespace())
        && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
}

/// AWS responses that say nothing the answers use, recognised by a key only they have, so `inspect` and the
/// evidence appendix can name what was skipped.
fn unused_document(map: &serde_json::Map<String, Value>) -> Option<&'static str> {
    const KNOWN: [(&str, &str); 14] = [
        ("FeatureGroupSummaries", "ListFeatureGroups"),
        ("ModelPackageGroupArn", "DescribeModelPackageGroup"),
        ("ModelPackageSummaryList", "ListModelPackages"),
        ("ModelPackageGroupSummaryList", "ListModelPackageGroups"),
        ("PipelineExecutionSummaries", "ListPipelineExecutions"),
        ("PipelineArn", "DescribePipeline"),
        ("TrialComponentSummaries", "ListTrialComponents"),
        ("TrainingJobSummaries", "ListTrainingJobs"),
        ("ExperimentArn", "DescribeExperiment"),
        ("TrialArn", "DescribeTrial"),
        ("DomainArn", "DescribeDomain"),
        ("Tags", "ListTags"),
        ("Contents", "S3 ListObjectsV2"),
        ("CommonPrefixes", "S3 ListObjectsV2"),
    ];
    KNOWN.iter().find(|(key, _)| map.contains_key(*key)).map(|(_, op)| *op)
}

/// Why a file is not read as JSON at all: its name does not say `.json`/`.jsonl` and it does not parse as JSON
/// (a README, a CSV, a model tarball beside the export). A `.json` file that does not parse is an error instead.
fn not_json(name: &str, bytes: &[u8]) -> Option<String> {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let says_json = file.ends_with(".json") || file.ends_with(".jsonl") || file.ends_with(".ndjson");
    if says_json || serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
        return None;
    }
    Some(match file.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() => format!("not a JSON file (.{ext})"),
        _ => "not a JSON file".to_owned(),
    })
}

fn skip_warning(name: &str, line: Option<usize>, what: &str) -> String {
    let at = line.map_or_else(|| name.to_owned(), |l| format!("{name}:{l}"));
    format!("{at}: skipped (not used): {what}")
}

fn describe_kind(d: &Described) -> &'static str {
    match d {
        Described::Entity { lineage_type: LineageType::Artifact, .. } => "DescribeArtifact",
        Described::Entity { lineage_type: LineageType::Action, .. } => "DescribeAction",
        Described::Entity { lineage_type: LineageType::Context, .. } => "DescribeContext",
        Described::Entity { lineage_type: LineageType::TrialComponent, .. } => "DescribeTrialComponent",
        Described::TrainingJob(_) => "DescribeTrainingJob",
        Described::ProcessingJob(_) => "DescribeProcessingJob",
        Described::ModelPackage(_) => "DescribeModelPackage",
        Described::Associations(_) => "ListAssociations",
        Described::Capture(_) => "data-capture record",
        Described::Endpoint(_) => "DescribeEndpoint",
        Described::EndpointConfig(_) => "DescribeEndpointConfig",
        Described::Model(_) => "DescribeModel",
        Described::FeatureGroup(_) => "DescribeFeatureGroup",
        Described::Trail { events, .. } => events.first().map_or("CloudTrail records", |e| e.layout),
        Described::PackageEvent(_) => "EventBridge model-package state change",
        Described::Ignored(_) => "EventBridge event (not read)",
        Described::Listed(_) => "List* summaries",
        Described::Pipeline(docs) => match docs.as_slice() {
            [one] => one.part.operation(),
            _ => "pipeline execution",
        },
        Described::Lineage(events) => match events.first().map(|e| (e.system, &e.kind)) {
            Some((crate::model::System::Marquez, _)) => "Marquez response",
            Some((_, crate::model::openlineage::EventKind::Run { .. })) => "OpenLineage RunEvent",
            Some((_, crate::model::openlineage::EventKind::Job)) => "OpenLineage JobEvent",
            Some((_, crate::model::openlineage::EventKind::Dataset)) => "OpenLineage DatasetEvent",
            None => "Marquez response",
        },
    }
}

/// A bundle's `DataCapture`: `[{"S3Uri": "s3://…/{endpoint}/{variant}/yyyy/mm/dd/hh/f.jsonl", "Records": […]}]`.
fn bundle_captures(groups: &Value) -> Result<Vec<Described>, describe::FieldError> {
    let err = |path: String, message: &str| describe::FieldError { path, message: message.to_owned() };
    let Value::Array(groups) = groups else {
        return Err(err("DataCapture".into(), "expected an array of {S3Uri, Records} objects"));
    };
    let mut out = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let path = format!("DataCapture[{i}]");
        let Value::Object(map) = g else {
            return Err(err(path, "expected an object with S3Uri and Records"));
        };
        let at = describe::At { map, path: path.clone() };
        let uri = at.str("S3Uri")?;
        for (j, item) in at.array("Records")?.into_iter().enumerate() {
            let record = at.index("Records", j, item)?;
            out.push(Described::Capture(Box::new(operations::capture(&record, uri.as_deref())?)));
        }
    }
    Ok(out)
}

fn keys(map: &serde_json::Map<String, Value>) -> String {
    if map.is_empty() {
        return "(none)".into();
    }
    let mut names: Vec<&str> = map.keys().map(String::as_str).take(12).collect();
    names.sort_unstable();
    let more = map.len().saturating_sub(12);
    let mut s = names.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

fn short(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// How many edges of a page have their ends looked up at once (see [`Loader::known_ends`]).
const EDGE_CHUNK: usize = 1 << 16;

/// How many of a bundle's descriptions are read before they are merged: enough to share between two threads,
/// few enough that their trees never weigh much at once. In WASM a batch is one step of the page's load, so it
/// is smaller: about 50 ms, so the page stays responsive and its progress bar moves.
#[cfg(not(target_arch = "wasm32"))]
const DESCRIPTION_BATCH: usize = 8192;
#[cfg(target_arch = "wasm32")]
const DESCRIPTION_BATCH: usize = 2048;

/// Reads `batch`, which starts at `Descriptions[first]`, in order: its two halves through `join` (which may run
/// them at once, see [`Loader::lend_threads`]); the merge that follows is on the caller's thread either way.
fn read_descriptions(
    batch: &[&str],
    first: usize,
    prefix: &str,
    join: BothAtOnce,
) -> Vec<Result<Described, (String, String)>> {
    in_halves(batch, join, |text, i| description(text, &format!("{prefix}Descriptions[{}]", first + i)))
}

/// `f(item, index)` of every item, in order, the two halves run through `join`.
fn in_halves<T: Sync, R: Send>(items: &[T], join: BothAtOnce, f: impl Fn(&T, usize) -> R + Sync) -> Vec<R> {
    let (a, b) = items.split_at(items.len() / 2);
    let half = |part: &[T], first: usize| -> Vec<R> { part.iter().enumerate().map(|(i, x)| f(x, first + i)).collect() };
    let (mut left, mut right) = (Vec::new(), Vec::new());
    join(&mut || left = half(a, 0), &mut || right = half(b, a.len()));
    left.append(&mut right);
    left
}

/// Runs two pieces of work and returns when both are done.
pub type BothAtOnce = fn(&mut (dyn FnMut() + Send), &mut (dyn FnMut() + Send));

/// The core's own [`BothAtOnce`]: one after the other, on the calling thread.
fn one_after_the_other(a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
    a();
    b();
}

/// Reads `Descriptions[i]` of a bundle: a Describe*/ListAssociations response, or one we recognise and do not use.
/// Its text was checked when the bundle parsed; it becomes a tree only now, one response at a time.
fn description(text: &str, path: &str) -> Result<Described, (String, String)> {
    let path = path.to_owned();
    // The responses the answers read are walked as a borrowed tree; any other document as a `Value`, as before.
    let json: tree::Json = serde_json::from_str(text).map_err(|e| (path.clone(), e.to_string()))?;
    if let tree::Json::Object(object) = &json {
        if let Some(d) = describe::describe_lineage::<tree::Json>(object, &path).map_err(|e| (e.path, e.message))? {
            return Ok(d);
        }
    }
    let item: Value = serde_json::from_str(text).map_err(|e| (path.clone(), e.to_string()))?;
    let Value::Object(map) = item else {
        return Err((
            path,
            format!("expected a Describe* or ListAssociations response object, found {}", short(&item)),
        ));
    };
    if let Some(d) = describe(&map, &path).map_err(|e| (e.path, e.message))? {
        return Ok(d);
    }
    match unused_document(&map) {
        Some(op) => Ok(Described::Ignored(format!("{path}: {op} response skipped (not used)"))),
        None => Err((
            path,
            format!(
                "expected a Describe* response (one of the keys {}) or a ListAssociations response (AssociationSummaries); found keys {}",
                describe::DESCRIBE_KEYS.join(", "),
                keys(&map)
            ),
        )),
    }
}
