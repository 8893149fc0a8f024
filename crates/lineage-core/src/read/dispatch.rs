//! Decides what a document is and hands it to its reader.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::{ImportError, LineageType};
use crate::read::described::Described;
use crate::read::json::{kind, At, FieldError, FirstRefusal};
use crate::read::limits::{long_string, position, Limit, Limits};
use crate::read::sagemaker::describe::DESCRIBE_KEYS;
use crate::read::sagemaker::lineage::{parse_doc, RawDoc};
use crate::read::sagemaker::operations;
use crate::read::tree::{self, Tree};

/// Recognises and reads one response object found at `path` (empty for a whole file). A description keeps a
/// digest of the whole response, not the response.
fn describe(map: &Map<String, Value>, path: &str) -> Result<Option<Described>, FieldError> {
    if let Some(d) = describe_lineage::<Value>(map, path)? {
        return Ok(Some(d));
    }
    let mut lost = crate::read::json::Lost::new();
    if let Some(docs) = crate::read::mlflow::read(map, path, &mut lost)? {
        return Ok(Some(Described::Mlflow { docs, lost }));
    }
    if let Some(d) = crate::read::openlineage::read(map, path)? {
        return Ok(Some(d));
    }
    if let Some(doc) = crate::read::audit::read(map, path)? {
        return Ok(Some(Described::Audit(doc)));
    }
    crate::read::sagemaker::operations::operation(map, path)
}

/// [`describe`] for the responses lineage answers read (Describe{Artifact,Action,Context,TrialComponent,
/// ModelPackage,TrainingJob,ProcessingJob}, ListAssociations, List{Artifacts,Actions,Contexts}), in any [`Tree`];
/// `None` for any other document.
fn describe_lineage<T: Tree>(map: &T::Object, path: &str) -> Result<Option<Described>, FieldError> {
    let mut d = crate::read::sagemaker::describe::read::<T>(map, path)?;
    if let Some(d) = d.as_mut() {
        d.set_digest(|| crate::read::tree::object_digest::<T>(map));
    }
    Ok(d)
}

pub(crate) struct Staged<'a> {
    pub line: Option<usize>,
    pub doc: RawDoc<'a>,
    pub described: Vec<Described>,
    /// Top-level fields of a page or bundle that no reader interprets (`ResponseMetadata`, …).
    pub other_fields: BTreeMap<String, Value>,
    pub kind: &'static str,
    /// Why the document was not read: none of ours (`DescribeFeatureGroup response`, …), or one of a file's many
    /// documents that a reader refused.
    pub skipped: Option<Skip>,
}

/// Why a document of a file was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Skip {
    /// None of ours (what it is: `DescribeFeatureGroup response`, …).
    NotUsed(String),
    /// One line of a JSON Lines file, or one element of an array, that a reader refused (where and why); the
    /// file's other documents are read.
    Unreadable(String),
}

impl Staged<'_> {
    fn unreadable(line: Option<usize>, path: &str, message: &str) -> Staged<'static> {
        let at = if path.is_empty() { String::new() } else { format!("at {path}: ") };
        Staged {
            line,
            doc: RawDoc::default(),
            described: Vec::new(),
            other_fields: BTreeMap::new(),
            kind: "unreadable",
            skipped: Some(Skip::Unreadable(format!("{at}{message}"))),
        }
    }
}

/// A document of a file a reader refused, noted (see [`FirstRefusal`]): it stands in the file as unreadable.
fn note<'a>(
    refusals: &mut FirstRefusal<(Option<usize>, String, String)>,
    line: Option<usize>,
    staged: Result<Staged<'a>, (String, String)>,
) -> Staged<'a> {
    match refusals.check(staged.map_err(|(path, message)| (line, path, message))) {
        Ok(s) => s,
        Err((line, path, message)) => Staged::unreadable(line, &path, &message),
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

/// Every document of one JSON file staged and handed to `each` in order, none kept here (a file of a million
/// lines costs what its documents keep, not a million staged documents): a JSON Lines file line by line (`.jsonl`,
/// `.ndjson`, or a file whose first line is a whole object), a top-level array element by element, else the file
/// as one document. Errors name the file, the line of a JSON Lines file and the JSON path; after one, `each` may
/// have seen part of the file.
pub(crate) fn stage_file<'a>(
    name: &str,
    bytes: &'a [u8],
    limits: &Limits,
    mut each: impl FnMut(Staged<'a>),
) -> Result<(), ImportError> {
    let err =
        |line: Option<usize>, path: String, message: String| ImportError { file: name.to_owned(), line, path, message };
    check_strings(name, bytes, limits)?;
    match shape(name, bytes) {
        Shape::Lines => {
            let text =
                std::str::from_utf8(bytes).map_err(|e| err(None, String::new(), format!("not UTF-8 text: {e}")))?;
            stage_lines(text, limits, each).map_err(|(line, path, m)| err(line, path, m))
        }
        Shape::Array => {
            stage_array(bytes, limits).map_err(|(path, m)| err(None, path, m))?.into_iter().for_each(each);
            Ok(())
        }
        Shape::One => {
            let doc = parse_doc(bytes).map_err(|e| err(None, e.path, e.message))?;
            each(stage(doc, None).map_err(|(path, m)| err(None, path, m))?);
            Ok(())
        }
    }
}

/// How [`stage_file`] reads a JSON file's documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// JSON Lines: `.jsonl`, `.ndjson`, or a file whose first line is a whole object and more lines follow.
    Lines,
    /// A top-level array, element by element.
    Array,
    /// The file is one document.
    One,
}

pub(crate) fn shape(name: &str, bytes: &[u8]) -> Shape {
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") || json_lines(bytes) {
        Shape::Lines
    } else if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        Shape::Array
    } else {
        Shape::One
    }
}

/// A string longer than the limit is an error before anything is parsed (it names where the string starts).
pub(crate) fn check_strings(name: &str, bytes: &[u8], limits: &Limits) -> Result<(), ImportError> {
    let Some((start, len)) = long_string(bytes, limits.string_bytes) else { return Ok(()) };
    let (line, column) = position(bytes, start);
    let what = format!("a JSON string starting at line {line} column {column}");
    Err(ImportError {
        file: name.to_owned(),
        line: None,
        path: String::new(),
        message: limits.exceeded(Limit::StringBytes, &what, Some(len as u64)),
    })
}

/// The documents of a JSON Lines file, one line at a time (see [`stage_file`]); an error is its line, path and
/// message.
fn stage_lines<'a>(
    text: &'a str,
    limits: &Limits,
    mut each: impl FnMut(Staged<'a>),
) -> Result<(), (Option<usize>, String, String)> {
    let mut staged = 0u64;
    let mut refusals = FirstRefusal::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        staged += 1;
        if staged > limits.documents {
            let lines = text.lines().filter(|l| !l.trim().is_empty()).count() as u64;
            let message = limits.exceeded(Limit::Documents, "the number of the file's JSON lines", Some(lines));
            return Err((None, String::new(), message));
        }
        // Positions inside one line: the line number is the file's, so only the column is kept.
        let doc = parse_doc(line.as_bytes())
            .map_err(|e| (Some(i + 1), e.path, e.message.replace("(line 1 column ", "(column ")))?;
        each(note(&mut refusals, Some(i + 1), stage(doc, Some(i + 1))));
    }
    if staged == 0 {
        return Err((None, String::new(), "the file has no JSON lines (expected one JSON object per line)".into()));
    }
    match refusals.refusal() {
        Some((line, path, message)) => Err((line, path, message)),
        None => Ok(()),
    }
}

/// Checks one parsed document and reads its Describe/ListAssociations parts; nothing is merged yet.
pub(crate) fn stage(mut doc: RawDoc<'_>, line: Option<usize>) -> Result<Staged<'_>, (String, String)> {
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
        top_is_body = !matches!(d, Described::Associations { .. });
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
            skipped: Some(Skip::NotUsed(what)),
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
/// Each element is staged as its own document; a path says which (`[3].run.runId`). An array none of whose
/// elements is an event (`dvc exp show --json`, a list of anything else) is none of ours: skipped, with why. An
/// array holding some events is read as events, and an element that is not one is an error.
fn stage_array<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Vec<Staged<'a>>, (String, String)> {
    let items: Vec<&serde_json::value::RawValue> =
        serde_json::from_slice(bytes).map_err(|e| (String::new(), format!("not a JSON array: {e}")))?;
    let count = items.len();
    if count as u64 > limits.documents {
        return Err((
            String::new(),
            limits.exceeded(Limit::Documents, "the number of the array's elements", Some(count as u64)),
        ));
    }
    // The events are kept; of the other elements only the first, for the error (an array of a million non-events
    // is not held staged).
    let mut events = Vec::new();
    type Element<'a> = (usize, Result<Staged<'a>, (String, String)>);
    let mut first_other: Option<Element<'_>> = None;
    let mut refusals = FirstRefusal::default();
    for (i, item) in items.into_iter().enumerate() {
        match stage_element(i, item) {
            // An element a reader refused is skipped with a warning; the array's other events are read.
            Ok(Err(refused)) => events.push(note(&mut refusals, None, Err(refused))),
            Ok(Ok(s)) if s.described.iter().any(|d| matches!(d, Described::Lineage { .. })) => {
                events.push(note(&mut refusals, None, Ok(s)));
            }
            Ok(other) => {
                first_other.get_or_insert((i, other));
            }
            Err(e) => {
                first_other.get_or_insert((i, Err(e)));
            }
        }
    }
    if let (Some((_, path, message)), None) = (refusals.refusal(), &first_other) {
        return Err((path, message));
    }
    if count > 0 && events.is_empty() {
        let what = format!(
            "a JSON array of {} holding no OpenLineage event (a JSON array is read as a list of events)",
            crate::text::count(count, "element")
        );
        return Ok(vec![Staged {
            line: None,
            doc: RawDoc::default(),
            described: Vec::new(),
            kind: "skipped",
            other_fields: BTreeMap::new(),
            skipped: Some(Skip::NotUsed(what)),
        }]);
    }
    match first_other {
        None => Ok(events),
        Some((_, Err(e))) => Err(e),
        Some((i, Ok(s))) => {
            let what = match s.skipped {
                Some(Skip::NotUsed(what) | Skip::Unreadable(what)) => what,
                None => s.kind.to_owned(),
            };
            Err((format!("[{i}]"), format!("expected an OpenLineage event (the array holds events), found {what}")))
        }
    }
}

/// Element `i` of a top-level array, staged; its events' paths say which element (`[3].run.runId`). An element
/// that is no JSON object, or whose JSON cannot be read, is the outer error; one a reader refused, the inner.
type ElementResult<'a> = Result<Result<Staged<'a>, (String, String)>, (String, String)>;

fn stage_element(i: usize, item: &serde_json::value::RawValue) -> ElementResult<'_> {
    let at = |path: String| if path.is_empty() { format!("[{i}]") } else { format!("[{i}].{path}") };
    let text = item.get().trim_start();
    if !text.starts_with('{') {
        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        return Err((at(String::new()), format!("expected an OpenLineage event object, found {}", kind(&value))));
    }
    let doc = parse_doc(text.as_bytes()).map_err(|e| (at(e.path), e.message))?;
    let mut s = match stage(doc, None) {
        Ok(s) => s,
        Err((path, m)) => return Ok(Err((at(path), m))),
    };
    for d in &mut s.described {
        if let Described::Lineage { events, .. } = d {
            events.iter_mut().for_each(|e| e.origin.path = at(std::mem::take(&mut e.origin.path)));
        }
    }
    Ok(Ok(s))
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
pub(crate) fn not_json(name: &str, bytes: &[u8]) -> Option<String> {
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

fn describe_kind(d: &Described) -> &'static str {
    match d {
        Described::Entity { lineage_type: LineageType::Artifact, .. } => "DescribeArtifact",
        Described::Entity { lineage_type: LineageType::Action, .. } => "DescribeAction",
        Described::Entity { lineage_type: LineageType::Context, .. } => "DescribeContext",
        Described::Entity { lineage_type: LineageType::TrialComponent, .. } => "DescribeTrialComponent",
        Described::TrainingJob(_) => "DescribeTrainingJob",
        Described::ProcessingJob(_) => "DescribeProcessingJob",
        Described::ModelPackage(_) => "DescribeModelPackage",
        Described::Associations { .. } => "ListAssociations",
        Described::Capture(_) => "data-capture record",
        Described::Endpoint(_) => "DescribeEndpoint",
        Described::EndpointConfig(_) => "DescribeEndpointConfig",
        Described::Model(_) => "DescribeModel",
        Described::FeatureGroup(_) => "DescribeFeatureGroup",
        Described::Trail { events, .. } => events.first().map_or("CloudTrail records", |e| e.layout),
        Described::PackageEvent(_) => "EventBridge model-package state change",
        Described::Ignored(_) => "EventBridge event (not read)",
        Described::Listed { .. } => "List* summaries",
        Described::Pipeline(docs) => match docs.as_slice() {
            [one] => one.part.operation(),
            _ => "pipeline execution",
        },
        Described::Mlflow { .. } => "MLflow response",
        Described::Audit(doc) => doc.kind(),
        Described::Lineage { events, .. } => match events.first().map(|e| (e.system, &e.kind)) {
            Some((crate::model::System::Marquez, _)) => "Marquez response",
            Some((_, crate::model::openlineage::EventKind::Run { .. })) => "OpenLineage RunEvent",
            Some((_, crate::model::openlineage::EventKind::Job)) => "OpenLineage JobEvent",
            Some((_, crate::model::openlineage::EventKind::Dataset)) => "OpenLineage DatasetEvent",
            None => "Marquez response",
        },
    }
}

/// A bundle's `DataCapture`: `[{"S3Uri": "s3://…/{endpoint}/{variant}/yyyy/mm/dd/hh/f.jsonl", "Records": […]}]`.
fn bundle_captures(groups: &Value) -> Result<Vec<Described>, FieldError> {
    let err = |path: String, message: &str| FieldError { path, message: message.to_owned() };
    let Value::Array(groups) = groups else {
        return Err(err("DataCapture".into(), "expected an array of {S3Uri, Records} objects"));
    };
    let mut out = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let path = format!("DataCapture[{i}]");
        let Value::Object(map) = g else {
            return Err(err(path, "expected an object with S3Uri and Records"));
        };
        let at = At { map, path: path.clone() };
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

/// Reads `batch`, which starts at `Descriptions[first]`, in order: its two halves through `join` (which may run
/// them at once, see [`Loader::lend_threads`]); the merge that follows is on the caller's thread either way.
pub(crate) fn read_descriptions(
    batch: &[&[u8]],
    first: usize,
    prefix: &str,
    join: BothAtOnce,
) -> Vec<Result<Described, (String, String)>> {
    in_halves(batch, join, |text, i| read_description(text, prefix, first + i))
}

/// Reads `{prefix}Descriptions[index]`, whose text is `text` (see [`description`]).
pub(crate) fn read_description(text: &[u8], prefix: &str, index: usize) -> Result<Described, (String, String)> {
    let mut path = String::with_capacity(prefix.len() + 24);
    path.push_str(prefix);
    path.push_str("Descriptions[");
    path.push_str(&index.to_string());
    path.push(']');
    match std::str::from_utf8(text) {
        Ok(text) => description(text, &path),
        Err(_) => Err((path, "not the text parsed before (the file changed)".into())),
    }
}

/// `f(item, index)` of every item, in order, the two halves run through `join`.
pub(crate) fn in_halves<T: Sync, R: Send>(items: &[T], join: BothAtOnce, f: impl Fn(&T, usize) -> R + Sync) -> Vec<R> {
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
pub(crate) fn one_after_the_other(a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
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
        if let Some(d) = describe_lineage::<tree::Json>(object, &path).map_err(|e| (e.path, e.message))? {
            return Ok(d);
        }
    }
    let item: Value = serde_json::from_str(text).map_err(|e| (path.clone(), e.to_string()))?;
    let Value::Object(map) = item else {
        return Err((path, format!("expected a Describe* or ListAssociations response object, found {}", kind(&item))));
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
                DESCRIBE_KEYS.join(", "),
                keys(&map)
            ),
        )),
    }
}
