//! The builder's state: the graph being built and what the phases still need (pending references, edge triples,
//! pipeline parts, other systems' events, snapshots, counts, warnings).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use rustc_hash::{FxHashMap, FxHashSet};

use super::snapshots::SnapshotLog;
use crate::model::{AssociationType, Graph, ImportStats, InputFile, LineageType};
use crate::read::described::PipelineDoc;
use crate::read::dispatch::Skip;
use crate::read::BothAtOnce;

/// Where an undeclared ARN was first referenced by an edge.
pub(crate) struct Reference {
    pub(super) file: Arc<str>,
    pub(super) line: Option<usize>,
    pub(super) path: String,
    pub(super) count: usize,
}

/// Accumulates files into one graph. After a file fails, the loader is dropped (see [`Loader::add_file`]).
#[derive(Default)]
pub struct Loader {
    /// How a batch of descriptions is read in two halves; `None`: one after the other.
    pub(super) join: Option<BothAtOnce>,
    pub(super) graph: Graph,
    pub(super) declared: Vec<bool>,
    /// Whether a vertex appeared in some page's `Vertices` (repeats there are the duplicates counted).
    pub(super) listed: Vec<bool>,
    pub(super) pending: FxHashMap<NodeIndex, Reference>,
    /// Every edge record as (source, destination, index into `association_types`); deduplicated by sorting in
    /// `finish`, which is cheaper than a hash set over millions of edges.
    pub(super) edges: Vec<(u32, u32, u16)>,
    /// Association types seen, index 0 being "none given".
    pub(super) association_types: Vec<Option<AssociationType>>,
    /// The last source and destination ARN an edge named, and their vertices: edges of one vertex usually come
    /// together, so most lookups end here.
    pub(super) last_reference: [Option<(Arc<str>, NodeIndex)>; 2],
    pub(super) inputs: Vec<InputFile>,
    pub(super) stats: ImportStats,
    pub(super) warnings: Vec<String>,
    pub(super) start_arns: Vec<String>,
    pub(super) type_names: FxHashSet<Arc<str>>,
    /// A page whose `NextToken` promised a next page: the warning to give unless the next document is a page.
    pub(super) unfinished_page: Option<String>,
    /// CloudTrail records of services other than SageMaker, skipped.
    pub(super) skipped_trail_records: usize,
    /// Every Describe* snapshot read, to keep the newest and list the rest.
    pub(super) snapshots: SnapshotLog,
    /// The name of the file being read.
    pub(super) inputs_named: Arc<str>,
    /// The bounds each file is held to.
    pub(super) limits: crate::read::limits::Limits,
    /// Each file's name, whether it starts with a QueryLineage page, and the warning due when its last page has a
    /// `NextToken` and the next file (in name order) does not start with a page.
    pub(super) page_files: Vec<(String, bool, Option<String>)>,
    /// ARN → every LineageType and Type given for it, where the inputs disagree.
    pub(super) type_conflicts:
        BTreeMap<String, (std::collections::BTreeSet<LineageType>, std::collections::BTreeSet<String>)>,
    /// Pipeline steps pages, parameters pages and definitions, joined to their executions in `finish`.
    pub(super) pipeline_parts: Vec<PipelineDoc>,
    /// (directory, execution ARN) of every loose DescribePipelineExecution: a loose part belongs to the one in its
    /// directory.
    pub(super) pipeline_dirs: std::collections::BTreeSet<(String, String)>,
    /// OpenLineage events and Marquez responses, merged per run into the graph in `finish`.
    pub(super) lineage_events: Vec<crate::model::openlineage::Event>,
    /// MLflow responses, turned into runs and datasets (and registry facts) in `finish`.
    pub(super) mlflow: crate::read::mlflow::MlflowParts,
    /// A DVC repository's files (and the JSON/YAML files no reader claimed, which its `dvc.yaml` may name as
    /// metrics), assembled in `finish`.
    pub(super) dvc: DvcParts,
    /// The audit table's documents, files and column maps, assembled in `finish` (`audit.rs`).
    pub(super) audit: AuditParts,
}

/// The audit table as read so far: rows of Scan responses and export files, the CSV files (parsed in `finish`,
/// when the column map is known), export manifests, and the column maps given.
#[derive(Default)]
pub(crate) struct AuditParts {
    /// (file, map): given by the caller (`Loader::set_audit_map`) or among the inputs.
    pub(super) maps: Vec<(String, crate::model::audit::AuditMap)>,
    pub(super) rows: Vec<crate::model::audit::AuditRow>,
    /// Each Scan response read, and whether it says more pages follow (`LastEvaluatedKey`).
    pub(super) scans: Vec<(crate::model::Origin, bool)>,
    /// An export's data files: name, base64 MD5 of the bytes, how many items.
    pub(super) data_files: Vec<(String, String, usize)>,
    /// `manifest-summary.json`: file, item count.
    pub(super) summaries: Vec<(String, u64)>,
    /// `manifest-files.json` lines: file, line, entry.
    pub(super) manifest_files: Vec<(String, Option<usize>, crate::read::audit::ManifestFile)>,
    /// CSV files: name and bytes.
    pub(super) csvs: Vec<(String, Vec<u8>)>,
}

/// What one file skipped, per kind in the order first seen: the first [`Skips::NAMED`] of a kind each named (a
/// warning with its line, an entry in the evidence list), the rest counted; past [`Skips::KINDS`] kinds, only
/// counted. What it keeps grows with the kinds, never with the lines (a million `{}` lines are three warnings).
#[derive(Default)]
pub(crate) struct Skips {
    kinds: Vec<(Skip, usize)>,
    named: Vec<(Option<usize>, usize)>,
    others: usize,
}

impl Skips {
    pub(crate) const NAMED: usize = 3;
    pub(crate) const KINDS: usize = 16;

    pub(crate) fn add(&mut self, what: Skip, line: Option<usize>) {
        let kind = match self.kinds.iter().position(|(w, _)| *w == what) {
            Some(k) => k,
            None if self.kinds.len() < Skips::KINDS => {
                self.kinds.push((what, 0));
                self.kinds.len() - 1
            }
            None => {
                self.others += 1;
                return;
            }
        };
        self.kinds[kind].1 += 1;
        if self.kinds[kind].1 <= Skips::NAMED {
            self.named.push((line, kind));
        }
    }

    /// The warnings and evidence entries: one for each named document (as a file skipped whole always had), then
    /// one for the rest of each kind and one for the kinds past the limit.
    pub(crate) fn finish(self, name: &str, warnings: &mut Vec<String>, listed: &mut Vec<String>) {
        for (line, kind) in &self.named {
            let what = &self.kinds[*kind].0;
            warnings.push(skip_one_warning(name, *line, what));
            listed.push(listed_as(what));
        }
        for (what, n) in self.kinds.iter().filter(|(_, n)| *n > Skips::NAMED) {
            let more = crate::text::count(n - Skips::NAMED, "more line");
            let (why, text) = why(what);
            warnings.push(format!("{name}: {more} skipped ({why}) besides those named: {text}"));
            listed.push(format!("{more}: {}", listed_as(what)));
        }
        if self.others > 0 {
            let others = crate::text::count(self.others, "line");
            warnings.push(format!(
                "{name}: {others} skipped (not used or cannot be read), of kinds past the first {} (not named one by one)",
                Skips::KINDS
            ));
            listed.push(format!("{others} of other kinds"));
        }
    }
}

/// How a warning says why a document was skipped, and what it was.
fn why(skip: &Skip) -> (&'static str, &str) {
    match skip {
        Skip::NotUsed(what) => ("not used", what),
        Skip::Unreadable(what) => ("cannot be read", what),
    }
}

/// How the evidence list names a skipped document.
fn listed_as(skip: &Skip) -> String {
    match skip {
        Skip::NotUsed(what) => what.clone(),
        Skip::Unreadable(what) => format!("cannot be read: {what}"),
    }
}

/// The warning that lists a file (or a line of it) as skipped.
pub(super) fn skip_warning(name: &str, line: Option<usize>, what: &str) -> String {
    format!("{}: skipped (not used): {what}", place(name, line))
}

/// The warning for one skipped document of a file.
fn skip_one_warning(name: &str, line: Option<usize>, skip: &Skip) -> String {
    match skip {
        Skip::NotUsed(what) => skip_warning(name, line, what),
        Skip::Unreadable(what) => {
            format!("{}: skipped (cannot be read): {what}; the rest of the file is read", place(name, line))
        }
    }
}

/// `FILE:LINE` for a line of a JSON Lines file, else `FILE`: how warnings name where something was.
pub(super) fn place(name: &str, line: Option<usize>) -> String {
    line.map_or_else(|| name.to_owned(), |l| format!("{name}:{l}"))
}

/// The DVC files read so far (assembled by `dvc.rs`; kept here so that the state imports no phase).
#[derive(Default)]
pub(crate) struct DvcParts {
    pub(super) docs: Vec<(String, crate::read::dvc::DvcDoc)>,
    /// Small whole files no reader claimed, by name: a `dvc.yaml` may name them as metrics.
    pub(super) unclaimed: BTreeMap<String, Vec<u8>>,
    pub(super) git: Vec<crate::model::dvc::GitFacts>,
}

/// A file [`Loader::begin_file`] has parsed: what is left to read is a bundle's descriptions.
#[derive(Debug)]
pub struct FileLoad {
    pub(super) name: String,
    pub(super) pending: Vec<PendingDescriptions>,
    pub(super) done: usize,
    pub(super) total: usize,
    /// The descriptions of `pending`, in order, when they were read while the file parsed (see `ahead`).
    pub(super) read_ahead: Option<std::vec::IntoIter<Read>>,
}

/// A description read: the response, or where and why it could not be.
pub(crate) type Read = Result<crate::read::described::Described, (String, String)>;

impl FileLoad {
    /// Descriptions read so far, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.total)
    }
}

/// One document's descriptions, as places in the file's bytes, and how many are read.
#[derive(Debug)]
pub(crate) struct PendingDescriptions {
    pub(super) line: Option<usize>,
    pub(super) at: Arc<str>,
    /// `Pages[i].` for a bundle nested in a bundle's `Pages`, else empty.
    pub(super) prefix: String,
    pub(super) texts: Vec<Range<usize>>,
    pub(super) next: usize,
}

/// Where each of `items` (texts borrowed from `bytes`) lies in `bytes`: a bundle's descriptions, kept as places
/// until they are read (`merge`), and found again from the end of the text to be read ahead (`ahead`), the two
/// compared place for place.
pub(super) fn places(bytes: &[u8], items: &[&serde_json::value::RawValue]) -> Vec<Range<usize>> {
    let base = bytes.as_ptr() as usize;
    items
        .iter()
        .map(|raw| {
            let start = raw.get().as_ptr() as usize - base;
            start..start + raw.get().len()
        })
        .collect()
}

/// How many edges of a page have their ends looked up at once (see [`Loader::known_ends`]).
pub(super) const EDGE_CHUNK: usize = 1 << 16;
