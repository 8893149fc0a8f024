//! The graph builder: merges the documents the readers return, file by file ([`Loader::begin_file`],
//! [`Loader::continue_file`]), into one [`Graph`], then finishes it in named phases ([`Loader::finish`]): pipeline
//! parts attached, stand-ins, twins, edges, joins, records, the audit table, other systems, roles.

mod ahead;
mod audit;
mod classify;
mod cross;
mod dvc;
mod file;
mod graph;
mod join;
mod merge;
mod mlflow;
mod pipelines;
mod records;
mod snapshots;
mod stand_ins;
mod state;
mod stepped;
pub mod steps;
mod twins;

use std::collections::BTreeMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::model::roles::RoleTable;
use crate::model::{ImportError, InputFile, Lineage};

use crate::read::dispatch::{not_json, one_after_the_other, read_descriptions, stage_file, BothAtOnce};
use file::JsonFile;
use state::{skip_warning, Reference};
pub use state::{FileLoad, Loader};

impl Loader {
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Holds every file to `limits` (documents per file, a string's length, a gzip file's gunzipped size) instead
    /// of the defaults; a file past one is an error naming it and how to raise it.
    pub fn set_limits(&mut self, limits: crate::read::limits::Limits) {
        self.limits = limits;
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
        let mut load = FileLoad { name: name.to_owned(), pending: Vec::new(), done: 0, total: 0, read_ahead: None };
        self.inputs_named = Arc::from(name);
        if crate::read::dvc::is_dvc_file(name) {
            self.begin_dvc_file(name, bytes, sha256)?;
            return Ok(load);
        }
        if crate::read::audit::is_export_data(name) {
            self.begin_audit_export(name, bytes, sha256)?;
            return Ok(load);
        }
        if crate::read::audit::is_csv(name) {
            self.begin_audit_csv(name, bytes, sha256);
            return Ok(load);
        }
        if let Some(reason) = not_json(name, bytes) {
            self.skip_file(name, bytes, sha256, reason);
            return Ok(load);
        }
        let mut file = JsonFile::new(name, bytes);
        let stage = |loader: &mut Loader, load: &mut FileLoad| {
            let limits = loader.limits;
            stage_file(name, bytes, &limits, |s| {
                if let Some(s) = file.note(loader, name, bytes, s) {
                    load.pending.extend(loader.merge(name, s, bytes));
                }
            })
        };
        self.stage_reading_ahead(bytes, &mut load, stage)?;
        file.finish(self, &mut load, sha256);
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
            let text = bytes.get(range.clone()).ok_or_else(|| {
                err(
                    format!("{}Descriptions[{}]", doc.prefix, doc.next + i),
                    "not the text parsed before (the file changed)".into(),
                )
            })?;
            texts.push(text);
        }
        // Each text is checked as UTF-8 again where it is read, in the two halves (or was, ahead of time).
        let read = match file.read_ahead.as_mut() {
            Some(ahead) => ahead.take(texts.len()).collect(),
            None => read_descriptions(&texts, doc.next, &doc.prefix, self.join.unwrap_or(one_after_the_other)),
        };
        for d in read {
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

    /// Sets the SHA-256 of the input `name` where it was begun without one (see `Workspace::set_sha256`).
    pub(crate) fn fill_sha256(&mut self, name: &str, sha256: impl FnOnce() -> String) {
        let mut sha256 = Some(sha256);
        for input in self.inputs.iter_mut().filter(|i| i.name == name && i.sha256.is_empty()) {
            if let Some(f) = sha256.take() {
                input.sha256 = f();
            }
        }
    }

    /// Lists a file that holds no document this tool reads, so the evidence appendix still accounts for it.
    fn skip_file(&mut self, name: &str, bytes: &[u8], sha256: impl FnOnce() -> String, reason: String) {
        self.dvc.unclaimed(name, None, bytes);
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

    /// Checks that every edge endpoint is a vertex, makes the joins, and returns the merged lineage.
    pub fn finish(mut self, roles: &RoleTable) -> Result<Lineage, ImportError> {
        for i in 0..PHASES.len() {
            self.finish_phase(i, roles)?;
        }
        Ok(self.into_lineage())
    }

    /// Runs [`Loader::finish`]'s phase `i`, for a caller that times them (`lineage-bench phases`); `Ok(false)` when
    /// there is no such phase: every one has run, and [`Loader::into_lineage`] is next.
    pub fn finish_phase(&mut self, i: usize, roles: &RoleTable) -> Result<bool, ImportError> {
        let mut at = PhaseAt { phase: i, vertex: 0 };
        while at.phase == i {
            if !self.finish_part(&mut at, roles, usize::MAX)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Runs the next part of [`Loader::finish`]'s phases from `at` (a phase that passes over the vertices does at
    /// most `vertices` of them), for a caller that shows progress between parts (the page); `Ok(false)` when every
    /// phase has run, and [`Loader::into_lineage`] is next.
    pub(crate) fn finish_part(
        &mut self,
        at: &mut PhaseAt,
        roles: &RoleTable,
        vertices: usize,
    ) -> Result<bool, ImportError> {
        let Some(phase) = PHASES.get(at.phase) else { return Ok(false) };
        let next = match phase {
            Phase::Once(run) => {
                run(self, roles)?;
                None
            }
            Phase::Pass { over, each, end } => {
                let (count, step) = match over {
                    Over::Vertices => (self.graph.graph.node_count(), vertices),
                    Over::Edges => (self.edges.len(), vertices.saturating_mul(5)),
                };
                let until = at.vertex.saturating_add(step).min(count);
                each(self, roles, at.vertex..until);
                if until < count {
                    Some(until)
                } else {
                    end(self, roles);
                    None
                }
            }
        };
        *at = next.map_or(PhaseAt { phase: at.phase + 1, vertex: 0 }, |vertex| PhaseAt { phase: at.phase, vertex });
        Ok(true)
    }

    /// The merged lineage, once every phase of [`Loader::finish`] has run: warnings and inputs sorted, so nothing
    /// depends on the order the files were given in.
    pub fn into_lineage(mut self) -> Lineage {
        let unmatched = audit_rows_without_package(&self.graph.records.audit, &self.graph);
        self.warnings.extend(unmatched);
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
        let mut inputs = self.inputs;
        inputs.sort_by(|a, b| (&a.name, &a.sha256).cmp(&(&b.name, &b.sha256)));
        let mut start_arns = self.start_arns;
        start_arns.sort();
        Lineage { graph: self.graph, inputs, stats: self.stats, warnings, start_arns, superseded }
    }

    /// Every edge end must be a vertex some input declares: the first one that is not (by file, line, path) is
    /// the error.
    fn unknown_ends(&mut self) -> Result<(), ImportError> {
        self.close_unfinished_files();
        let Some((ix, r)) = self.pending.iter().min_by_key(|(_, r)| (r.file.clone(), r.line, r.path.clone())) else {
            return Ok(());
        };
        let others = self.pending.len() - 1;
        let arn = self.graph.graph[*ix].arn.clone();
        let mut message = format!(
            "edge endpoint {arn} is not a vertex of any input (expected every SourceArn/DestinationArn among some page's Vertices, a Describe response or an association summary; is a QueryLineage page missing?)"
        );
        if r.count > 1 {
            message.push_str(&format!("; {} edges name it", r.count));
        }
        if others > 0 {
            message.push_str(&format!("; {} too", crate::text::count(others, "other unknown ARN")));
        }
        Err(ImportError { file: r.file.to_string(), line: r.line, path: r.path.clone(), message })
    }

    /// Pipeline steps, parameters and definitions joined to their executions; what cannot be is skipped.
    fn attach_pipelines(&mut self, roles: &RoleTable) -> Result<(), ImportError> {
        let parts = std::mem::take(&mut self.pipeline_parts);
        let attached = pipelines::attach(&mut self.graph.records, parts, &self.pipeline_dirs, roles)?;
        self.warnings.extend(attached.warnings);
        for (origin, why) in attached.skipped {
            self.warnings.push(skip_warning(&origin.file, origin.line, &why));
            if let Some(input) = self.inputs.iter_mut().find(|i| i.name == origin.file) {
                input.skipped.push(why);
            }
        }
        Ok(())
    }
}

/// One phase of [`Loader::finish`].
pub(super) enum Phase {
    /// A function over the builder's state.
    Once(fn(&mut Loader, &RoleTable) -> Result<(), ImportError>),
    /// A pass over the vertices or the sorted edge records: `each` a range of them at a time (the ranges in order
    /// cover them all, and add none), then `end`.
    Pass { over: Over, each: fn(&mut Loader, &RoleTable, std::ops::Range<usize>), end: fn(&mut Loader, &RoleTable) },
}

/// What a [`Phase::Pass`] passes over.
#[derive(Clone, Copy)]
pub(super) enum Over {
    Vertices,
    /// The edge records, sorted and deduplicated (an edge costs about a fifth of a vertex: five a vertex a step).
    Edges,
}

/// Where [`Loader::finish_part`] goes on: a phase, and the vertex (or edge) a pass is at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PhaseAt {
    pub(crate) phase: usize,
    pub(crate) vertex: usize,
}

/// [`Loader::finish`]'s phases, in order: unknown edge ends rejected, pipeline parts attached, stand-ins and
/// twins, edges added, joins, records deduplicated and the audit table, other systems assembled, merged and
/// linked, roles classified.
pub(super) const PHASES: [Phase; 10] = [
    Phase::Once(|l, _| l.unknown_ends()),
    Phase::Once(Loader::attach_pipelines),
    Phase::Once(|l, _| {
        stand_ins::stand_ins(l);
        twins::merge_twins(l);
        Ok(())
    }),
    Phase::Once(|l, _| {
        l.sort_edges();
        Ok(())
    }),
    Phase::Pass { over: Over::Edges, each: |l, _, range| l.add_edges(range), end: |l, _| l.edges = Vec::new() },
    Phase::Pass { over: Over::Vertices, each: join::join, end: join::end },
    Phase::Once(|l, _| {
        records::dedupe_records(l);
        audit::assemble(l)
    }),
    Phase::Once(|l, roles| {
        mlflow::assemble(l, roles)?;
        dvc::assemble(l, roles)
    }),
    Phase::Once(|l, roles| {
        cross::merge_cross_system(l);
        mlflow::link(l, roles);
        Ok(())
    }),
    Phase::Pass { over: Over::Vertices, each: classify::classify_roles, end: classify::end },
];

/// A warning for each audit-table row whose key names no model package the export holds (by ARN, `GROUP/VERSION`,
/// or another system's model version): nothing of it is reconciled.
fn audit_rows_without_package(table: &crate::model::audit::AuditTable, g: &crate::model::Graph) -> Vec<String> {
    let Some(map) = &table.map else { return Vec::new() };
    let arns: std::collections::BTreeSet<&str> =
        g.model_packages.keys().map(String::as_str).chain(g.package_of.values().map(String::as_str)).collect();
    let shorts: std::collections::BTreeSet<&str> =
        arns.iter().filter_map(|a| a.split_once(":model-package/").map(|(_, tail)| tail)).collect();
    let recorded = |key: &str| {
        g.resolve(key).iter().any(|&ix| {
            g.node(ix).role == crate::model::Role::ModelPackage && g.node(ix).system != crate::model::System::SageMaker
        })
    };
    table
        .rows
        .iter()
        .filter_map(|r| {
            let key = r.text(&map.key)?;
            let known = arns.contains(key.as_str()) || shorts.contains(key.as_str()) || recorded(&key);
            (!known).then(|| {
                format!(
                    "{}: audit table {} has a row for {key}, a model package the export does not hold: it is not reconciled",
                    r.origin, map.table
                )
            })
        })
        .collect()
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

/// How many of a bundle's descriptions are read before they are merged: enough to share between two threads,
/// few enough that their trees never weigh much at once. In WASM a batch is one step of the page's load, so it
/// is smaller: about 50 ms, so the page stays responsive and its progress bar moves.
#[cfg(not(target_arch = "wasm32"))]
const DESCRIPTION_BATCH: usize = 8192;
#[cfg(target_arch = "wasm32")]
const DESCRIPTION_BATCH: usize = 2048;
