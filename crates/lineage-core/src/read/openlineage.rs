//! Reads OpenLineage events (RunEvent, JobEvent, DatasetEvent, spec 2-0-x) and Marquez lineage and runs
//! responses into [`crate::model::openlineage::Event`]s, each field type-checked at its JSON path. Facets the answers read
//! are checked; every other facet is kept as it was (custom facets are the norm).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::openlineage::{Dataset, Event, EventKind, Name, RunState};
use crate::model::Origin;
use crate::model::System;
use crate::read::described::Described;
use crate::read::json::{At, FieldError, Lost};

type Result<T> = std::result::Result<T, FieldError>;

/// Facets whose fields are read (kept as trees); every other facet is kept as its JSON text (see
/// [`crate::model::openlineage::facet_text`]).
const TREE_FACETS: [&str; 13] = [
    "version",
    "datasetType",
    "dataSource",
    "symlinks",
    "storage",
    "parent",
    "nominalTime",
    "errorMessage",
    "processing_engine",
    "jobType",
    "sourceCodeLocation",
    "ownership",
    "executionParameters",
];

/// Whether a JSON object is an OpenLineage event: an `eventTime`, a `producer` or `schemaURL`, and a run, a job or a
/// dataset.
pub(crate) fn is_event(map: &Map<String, Value>) -> bool {
    map.contains_key("eventTime")
        && (map.contains_key("producer") || map.contains_key("schemaURL"))
        && (map.contains_key("run") || map.contains_key("job") || map.contains_key("dataset"))
}

/// Recognises an OpenLineage event or a Marquez response; `None` for anything else.
pub(crate) fn read(map: &Map<String, Value>, path: &str) -> Result<Option<Described>> {
    let at: At = At { map, path: path.to_owned() };
    if is_event(map) {
        return event(&at, System::OpenLineage)
            .map(|e| Some(Described::Lineage { events: vec![e], lost: Lost::new() }));
    }
    if marquez_lineage_shape(map) {
        let mut lost = Lost::new();
        return marquez_lineage(&at, &mut lost).map(|events| Some(Described::Lineage { events, lost }));
    }
    if marquez_runs_shape(map) {
        let mut lost = Lost::new();
        return marquez_runs(&at, &mut lost).map(|events| Some(Described::Lineage { events, lost }));
    }
    Ok(None)
}

fn missing(at: &At, key: &str, expected: &str) -> FieldError {
    FieldError { path: at.key_path(key), message: format!("required field is missing (expected {expected})") }
}

fn origin(at: &At) -> Origin {
    Origin { file: String::new(), line: None, path: at.path.clone() }
}

/// One event. `eventTime` and `producer` are required (the spec's `schemaURL` is not: proxies drop it).
pub(crate) fn event(at: &At, system: System) -> Result<Event> {
    let time = at.time("eventTime")?.ok_or_else(|| missing(at, "eventTime", "an ISO 8601 time"))?;
    let producer = at.str("producer")?.ok_or_else(|| missing(at, "producer", "a URI"))?;
    let job = match at.obj("job")? {
        Some(j) => Some((name(&j)?, facets(&j, "facets")?)),
        None => None,
    };
    let mut e = Event {
        kind: EventKind::Dataset,
        time,
        producer,
        job: job.as_ref().map(|(n, _)| n.clone()),
        job_facets: job.map(|(_, f)| f).unwrap_or_default(),
        run_facets: BTreeMap::new(),
        inputs: datasets(at, "inputs", "inputFacets")?,
        outputs: datasets(at, "outputs", "outputFacets")?,
        origin: origin(at),
        system,
    };
    // The spec's three kinds: `run` (with `job`) is a RunEvent, else `job` a JobEvent, else `dataset` a DatasetEvent
    // (`eventType` is optional even in a RunEvent, so it decides nothing).
    if let Some(run) = at.obj("run")? {
        if e.job.is_none() {
            return Err(missing(at, "job", "an object with namespace and name: a run event names its job"));
        }
        let run_id =
            run.str("runId")?.filter(|s| !s.trim().is_empty()).ok_or_else(|| missing(&run, "runId", "a UUID"))?;
        e.run_facets = facets(&run, "facets")?;
        e.kind = EventKind::Run { run_id, state: state(at, "eventType")?.unwrap_or(RunState::Other) };
    } else if e.job.is_some() {
        e.kind = EventKind::Job;
    } else if let Some(d) = at.obj("dataset")? {
        let mut facets = facets(&d, "facets")?;
        facets.retain(|_, v| v.get("_deleted").and_then(Value::as_bool) != Some(true));
        check_dataset_facets(&d, &facets)?;
        e.outputs = vec![Dataset { name: name(&d)?, facets, system }];
    } else {
        return Err(missing(at, "run", "a run (RunEvent), a job (JobEvent) or a dataset (DatasetEvent)"));
    }
    check_run_facets(at.key_path("run"), &e.run_facets)?;
    Ok(e)
}

fn state(at: &At, key: &str) -> Result<Option<RunState>> {
    let Some(s) = at.str(key)? else { return Ok(None) };
    RunState::parse(&s).map(Some).ok_or_else(|| FieldError {
        path: at.key_path(key),
        message: format!("expected one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER, found {s:?}"),
    })
}

fn name(at: &At) -> Result<Name> {
    let text = |key: &str| -> Result<String> {
        at.str(key)?.filter(|s| !s.trim().is_empty()).ok_or_else(|| missing(at, key, "a non-empty string"))
    };
    Ok(Name { namespace: text("namespace")?, name: text("name")? })
}

/// A `facets` object by facet name; each facet must be an object (its fields are the facet's own).
fn facets(at: &At, key: &str) -> Result<BTreeMap<String, Value>> {
    let Some(f) = at.obj(key)? else { return Ok(BTreeMap::new()) };
    let mut out = BTreeMap::new();
    for (k, v) in f.map {
        match v {
            Value::Object(fields) => {
                // Every facet carries `_producer` and `_schemaURL` (the event's producer says who); not kept.
                let own = || fields.iter().filter(|(k, _)| !matches!(k.as_str(), "_producer" | "_schemaURL"));
                // A facet no field is read from is kept as its compact JSON text (written from the tree as it
                // is, in key order, as `Value::to_string` would): a tree is ten times larger.
                let kept = match TREE_FACETS.contains(&k.as_str()) {
                    true => Value::Object(own().map(|(k, v)| (k.clone(), v.clone())).collect()),
                    false => {
                        Value::String(serde_json::to_string(&own().collect::<BTreeMap<_, _>>()).unwrap_or_default())
                    }
                };
                out.insert(k.clone(), kept);
            }
            Value::Null => {}
            _ => return Err(FieldError { path: f.key_path(k), message: "expected a facet object".into() }),
        }
    }
    Ok(out)
}

/// `inputs`/`outputs`: each dataset with its dataset facets and its input/output facets, checked.
fn datasets(at: &At, key: &str, io_facets: &str) -> Result<Vec<Dataset>> {
    let mut out = Vec::new();
    for (i, v) in at.array(key)?.into_iter().enumerate() {
        let d = at.index(key, i, v)?;
        let mut facets = facets(&d, "facets")?;
        facets.extend(self::facets(&d, io_facets)?);
        check_dataset_facets(&d, &facets)?;
        out.push(Dataset { name: name(&d)?, facets, system: System::OpenLineage });
    }
    Ok(out)
}

/// The type of a field the answers read, at its path (`inputs[0].facets.version.datasetVersion`).
fn check_str(at: &At, facet: &str, facets: &BTreeMap<String, Value>, fields: &[&str]) -> Result<()> {
    let Some(Value::Object(map)) = facets.get(facet) else { return Ok(()) };
    let f: At = At { map, path: at.key_path(&format!("facets.{facet}")) };
    for field in fields {
        f.str(field)?;
    }
    Ok(())
}

fn check_dataset_facets(at: &At, facets: &BTreeMap<String, Value>) -> Result<()> {
    check_str(at, "version", facets, &["datasetVersion"])?;
    check_str(at, "datasetType", facets, &["datasetType", "subType"])?;
    check_str(at, "dataSource", facets, &["name", "uri"])?;
    if let Some(Value::Object(map)) = facets.get("symlinks") {
        let s: At = At { map, path: at.key_path("facets.symlinks") };
        for (i, v) in s.array("identifiers")?.into_iter().enumerate() {
            name(&s.index("identifiers", i, v)?)?;
        }
    }
    Ok(())
}

/// Checks the run facets the answers read; `path` is the JSON path of the object that holds them (`run`).
fn check_run_facets(path: String, facets: &BTreeMap<String, Value>) -> Result<()> {
    let run: At = At { map: &Map::new(), path };
    check_str(&run, "errorMessage", facets, &["message", "programmingLanguage"])?;
    if let Some(Value::Object(map)) = facets.get("parent") {
        let p: At = At { map, path: run.key_path("facets.parent") };
        for key in ["run", "root"] {
            if let Some(r) = p.obj(key)? {
                let r = if key == "root" {
                    r.obj("run")?.ok_or_else(|| missing(&r, "run", "an object with runId"))?
                } else {
                    r
                };
                r.str("runId")?.ok_or_else(|| missing(&r, "runId", "a UUID"))?;
            }
        }
    }
    if let Some(Value::Object(map)) = facets.get("nominalTime") {
        let n: At = At { map, path: run.key_path("facets.nominalTime") };
        n.time("nominalStartTime")?;
        n.time("nominalEndTime")?;
    }
    Ok(())
}

// ---- Marquez ---------------------------------------------------------------------------------------------------

fn marquez_lineage_shape(map: &Map<String, Value>) -> bool {
    map.get("graph").and_then(Value::as_array).is_some_and(|nodes| {
        nodes
            .first()
            .and_then(Value::as_object)
            .is_some_and(|n| n.contains_key("inEdges") || n.contains_key("outEdges"))
    })
}

fn marquez_runs_shape(map: &Map<String, Value>) -> bool {
    map.get("runs").and_then(Value::as_array).is_some_and(|runs| {
        runs.first().and_then(Value::as_object).is_some_and(|r| r.contains_key("id") && r.contains_key("state"))
    })
}

/// A Marquez `GET /api/v1/lineage` response: each JOB node becomes a static job event (its `inputs` and `outputs`),
/// with its `latestRun` as a run event; a DATASET node's source and fields become its facets. Marquez's dataset
/// versions are UUIDs it computes, not OpenLineage's `datasetVersion`: they are not read as versions.
fn marquez_lineage(at: &At, lost: &mut Lost) -> Result<Vec<Event>> {
    let nodes = at.each_element("graph", lost, "the node is skipped (its job or dataset is not read)", marquez_node)?;
    Ok(nodes.into_iter().flatten().collect())
}

/// One node of a Marquez lineage graph as events (none for a node type the answers do not use).
fn marquez_node(node: &At) -> Result<Vec<Event>> {
    let kind = node.str("type")?.ok_or_else(|| missing(node, "type", "DATASET or JOB"))?;
    let Some(data) = node.obj("data")? else { return Ok(Vec::new()) };
    if kind != "JOB" && kind != "DATASET" {
        return Ok(Vec::new());
    }
    let id = name(&data.obj("id")?.ok_or_else(|| missing(&data, "id", "{namespace, name}"))?)?;
    let time = data.time("updatedAt")?.or(data.time("createdAt")?);
    let time = time.ok_or_else(|| missing(&data, "updatedAt", "a time"))?;
    if kind == "DATASET" {
        let mut facets = BTreeMap::new();
        if let Some(source) = data.str("sourceName")?.filter(|s| s != "default") {
            facets.insert("dataSource".to_owned(), serde_json::json!({ "name": source }));
        }
        let fields: Vec<Value> = data.array("fields")?.into_iter().cloned().collect();
        if !fields.is_empty() {
            facets.insert("schema".to_owned(), Value::String(serde_json::json!({ "fields": fields }).to_string()));
        }
        return Ok(vec![marquez_event(
            EventKind::Dataset,
            time,
            &data,
            Vec::new(),
            vec![Dataset { name: id, facets, system: System::Marquez }],
        )]);
    }
    let mut e = marquez_event(EventKind::Job, time, &data, names(&data, "inputs")?, names(&data, "outputs")?);
    if let Some(location) = data.str("location")? {
        e.job_facets.insert("sourceCodeLocation".to_owned(), serde_json::json!({"type": "url", "url": location}));
    }
    e.job = Some(id.clone());
    let mut out = vec![e];
    if let Some(run) = data.obj("latestRun")? {
        out.extend(marquez_run(&run, Some(&id))?);
    }
    Ok(out)
}

/// An event Marquez's response states (no job, no facets but what the caller sets).
fn marquez_event(
    kind: EventKind,
    time: crate::time::Timestamp,
    at: &At,
    inputs: Vec<Dataset>,
    outputs: Vec<Dataset>,
) -> Event {
    Event {
        kind,
        time,
        producer: "Marquez".into(),
        job: None,
        job_facets: BTreeMap::new(),
        run_facets: BTreeMap::new(),
        inputs,
        outputs,
        origin: origin(at),
        system: System::Marquez,
    }
}

/// `[{namespace, name}]` as datasets without facets.
fn names(at: &At, key: &str) -> Result<Vec<Dataset>> {
    let mut out = Vec::new();
    for (i, v) in at.array(key)?.into_iter().enumerate() {
        out.push(Dataset { name: name(&at.index(key, i, v)?)?, facets: BTreeMap::new(), system: System::Marquez });
    }
    Ok(out)
}

/// A Marquez `GET /api/v1/namespaces/{ns}/jobs/{job}/runs` response: each run becomes a run event.
fn marquez_runs(at: &At, lost: &mut Lost) -> Result<Vec<Event>> {
    let runs = at.each_element("runs", lost, "the run is skipped", |run| marquez_run(run, None))?;
    Ok(runs.into_iter().flatten().collect())
}

/// One Marquez run as its START (at `startedAt`) and its last state (at `endedAt`): its job from `jobVersion` (or
/// the job node it hangs from), its raw run facets, and the datasets of its input and output versions with their
/// input/output facets.
fn marquez_run(run: &At, job: Option<&Name>) -> Result<Vec<Event>> {
    let job = match run.obj("jobVersion")? {
        Some(v) => name(&v)?,
        None => job
            .cloned()
            .ok_or_else(|| missing(run, "jobVersion", "{namespace, name, version}: the job this run belongs to"))?,
    };
    let run_id = run.str("id")?.filter(|s| !s.trim().is_empty()).ok_or_else(|| missing(run, "id", "a run UUID"))?;
    let state = state(run, "state")?.unwrap_or(RunState::Other);
    let time = run.time("endedAt")?.or(run.time("updatedAt")?).or(run.time("startedAt")?).or(run.time("createdAt")?);
    let time = time.ok_or_else(|| missing(run, "updatedAt", "a time"))?;
    let versions = |key: &str| -> Result<Vec<Dataset>> {
        let mut out = Vec::new();
        for (i, v) in run.array(key)?.into_iter().enumerate() {
            let d = run.index(key, i, v)?;
            let id = d
                .obj("datasetVersionId")?
                .ok_or_else(|| missing(&d, "datasetVersionId", "{namespace, name, version}"))?;
            out.push(Dataset { name: name(&id)?, facets: facets(&d, "facets")?, system: System::Marquez });
        }
        Ok(out)
    };
    let mut start = Event {
        kind: EventKind::Run { run_id: run_id.clone(), state: RunState::Start },
        time: run.time("startedAt")?.unwrap_or(time),
        producer: "Marquez".into(),
        job: Some(job),
        job_facets: BTreeMap::new(),
        run_facets: facets(run, "facets")?,
        inputs: versions("inputDatasetVersions")?,
        outputs: versions("outputDatasetVersions")?,
        origin: origin(run),
        system: System::Marquez,
    };
    check_run_facets(run.path.clone(), &start.run_facets)?;
    let started = run.time("startedAt")?;
    if state == RunState::Start || started.is_none() {
        start.kind = EventKind::Run { run_id, state };
        start.time = time;
        return Ok(vec![start]);
    }
    let mut last = start.clone();
    last.kind = EventKind::Run { run_id, state };
    last.time = time;
    Ok(vec![start, last])
}
