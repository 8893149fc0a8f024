//! The lineage other systems record: OpenLineage events (Airflow, Spark, Glue, dbt, … through any client or proxy)
//! and Marquez's lineage and runs responses. Events are merged per run (`run.runId`): facets accumulate, the last
//! state and times win, inputs and outputs are the union. Datasets are named as the OpenLineage naming spec names
//! them (`{namespace}/{name}`), and a dataset is the same place as a SageMaker artifact when [`location_key`]s agree.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::vocab::{Origin, System};
use crate::time::Timestamp;

/// A run event's `eventType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum RunState {
    Start,
    Running,
    Complete,
    Abort,
    Fail,
    Other,
}

impl RunState {
    pub const ALL: [RunState; 6] =
        [RunState::Start, RunState::Running, RunState::Complete, RunState::Abort, RunState::Fail, RunState::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Start => "START",
            RunState::Running => "RUNNING",
            RunState::Complete => "COMPLETE",
            RunState::Abort => "ABORT",
            RunState::Fail => "FAIL",
            RunState::Other => "OTHER",
        }
    }

    /// The spec's spelling (Marquez's `NEW`/`FAILED`/`ABORTED`/`COMPLETED` too); `None` for anything else.
    pub fn parse(s: &str) -> Option<RunState> {
        match s {
            "NEW" => Some(RunState::Start),
            "COMPLETED" => Some(RunState::Complete),
            "FAILED" => Some(RunState::Fail),
            "ABORTED" => Some(RunState::Abort),
            _ => RunState::ALL.into_iter().find(|r| r.as_str() == s),
        }
    }

    /// Whether the run ended with this state.
    pub fn is_terminal(self) -> bool {
        matches!(self, RunState::Complete | RunState::Abort | RunState::Fail)
    }
}

/// The facet this tool's own readers of other systems (MLflow, DVC) put what they read in: an object of strings
/// that become the vertex's properties as they are (`display_name` names the vertex).
pub const PROPERTIES_FACET: &str = "lineageAuditProperties";

/// A job's or a dataset's `namespace` and `name`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Name {
    pub namespace: String,
    pub name: String,
}

impl Name {
    /// The stable identity: `{namespace}/{name}` (one `/` between them whatever either side has).
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace.trim_end_matches('/'), self.name.trim_start_matches('/'))
    }
}

/// A dataset as events name it, with every facet they gave (dataset facets and input/output facets by name;
/// unknown facets kept as they were).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dataset {
    pub name: Name,
    pub facets: BTreeMap<String, Value>,
    /// The system whose events named it (the first, when several did).
    pub system: System,
}

impl Dataset {
    /// A string field of a facet: `facets[facet][field]`.
    pub fn facet_str(&self, facet: &str, field: &str) -> Option<&str> {
        self.facets.get(facet)?.get(field)?.as_str().filter(|s| !s.is_empty())
    }

    /// `version.datasetVersion`.
    pub fn version(&self) -> Option<&str> {
        self.facet_str("version", "datasetVersion")
    }

    /// `datasetType.datasetType` (TABLE, VIEW, MODEL, …).
    pub fn dataset_type(&self) -> Option<&str> {
        self.facet_str("datasetType", "datasetType")
    }

    /// `symlinks.identifiers`: other names of the same data (a Glue table and its S3 location).
    pub fn symlinks(&self) -> Vec<Name> {
        let ids = self.facets.get("symlinks").and_then(|f| f.get("identifiers")).and_then(Value::as_array);
        ids.into_iter()
            .flatten()
            .filter_map(|i| {
                let text = |k: &str| i.get(k).and_then(Value::as_str).map(str::to_owned);
                Some(Name { namespace: text("namespace")?, name: text("name")? })
            })
            .collect()
    }

    /// Adds `other`'s facets; a facet both have takes `other`'s (the later event's), except [`PROPERTIES_FACET`],
    /// whose fields accumulate (what one run's reader said of a dataset and what another's said).
    pub fn absorb(&mut self, other: Dataset) {
        for (k, v) in other.facets {
            self.absorb_facet(k, v);
        }
    }

    /// [`Dataset::absorb`] without taking `other`.
    pub fn absorb_ref(&mut self, other: &Dataset) {
        for (k, v) in &other.facets {
            self.absorb_facet(k.clone(), v.clone());
        }
    }

    fn absorb_facet(&mut self, k: String, v: Value) {
        match (self.facets.get_mut(&k), v) {
            (Some(Value::Object(have)), Value::Object(more)) if k == PROPERTIES_FACET => have.extend(more),
            (_, v) => {
                self.facets.insert(k, v);
            }
        }
    }
}

/// A facet's fields as a tree, whether it was kept as one or as its JSON text (facets no field is read from).
pub fn facet_tree(v: &Value) -> Option<std::borrow::Cow<'_, Value>> {
    match v {
        Value::String(text) => serde_json::from_str(text).ok().map(std::borrow::Cow::Owned),
        other => Some(std::borrow::Cow::Borrowed(other)),
    }
}

/// A facet as compact JSON text.
pub fn facet_text(v: &Value) -> String {
    match v {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// What kind of event, with what only that kind has.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum EventKind {
    Run {
        run_id: String,
        state: RunState,
    },
    /// Static lineage of a job (a `JobEvent`): inputs and outputs without a run.
    Job,
    /// A dataset's own facets (a `DatasetEvent`).
    Dataset,
}

/// One event as it was read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    pub time: Timestamp,
    pub producer: String,
    pub job: Option<Name>,
    pub job_facets: BTreeMap<String, Value>,
    pub run_facets: BTreeMap<String, Value>,
    pub inputs: Vec<Dataset>,
    pub outputs: Vec<Dataset>,
    pub origin: Origin,
    pub system: System,
}

/// A run: its events merged.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Run {
    pub run_id: String,
    pub job: Name,
    pub state: RunState,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub producer: String,
    pub job_facets: BTreeMap<String, Value>,
    pub run_facets: BTreeMap<String, Value>,
    /// By [`Name::id`].
    pub inputs: BTreeMap<String, Dataset>,
    pub outputs: BTreeMap<String, Dataset>,
    /// Where each of its events was read, in event order.
    pub origins: Vec<Origin>,
    pub system: System,
}

impl Run {
    fn new(run_id: &str, e: &Event) -> Run {
        Run {
            run_id: run_id.to_owned(),
            job: e.job.clone().unwrap_or(Name { namespace: String::new(), name: String::new() }),
            state: RunState::Other,
            started_at: None,
            ended_at: None,
            producer: e.producer.clone(),
            job_facets: BTreeMap::new(),
            run_facets: BTreeMap::new(),
            inputs: BTreeMap::new(),
            outputs: BTreeMap::new(),
            origins: Vec::new(),
            system: e.system,
        }
    }

    /// Folds in the next event of this run (events come in time order).
    fn absorb(&mut self, state: RunState, e: Event) {
        self.state = state;
        if state == RunState::Start || self.started_at.is_none() {
            self.started_at = self.started_at.min(Some(e.time)).or(Some(e.time));
        }
        if state.is_terminal() {
            self.ended_at = Some(e.time);
        }
        self.job_facets.extend(e.job_facets);
        self.run_facets.extend(e.run_facets);
        merge_datasets(&mut self.inputs, e.inputs);
        merge_datasets(&mut self.outputs, e.outputs);
        self.origins.push(e.origin);
    }

    /// A string field of a run facet.
    pub fn run_str(&self, facet: &str, field: &str) -> Option<&str> {
        self.run_facets.get(facet)?.get(field)?.as_str().filter(|s| !s.is_empty())
    }

    /// A string field of a job facet.
    pub fn job_str(&self, facet: &str, field: &str) -> Option<&str> {
        self.job_facets.get(facet)?.get(field)?.as_str().filter(|s| !s.is_empty())
    }

    /// `parent.run.runId`, and `parent.root.run.runId` (the pipeline run at the top).
    pub fn parent_and_root(&self) -> (Option<&str>, Option<&str>) {
        fn run_id(v: Option<&Value>) -> Option<&str> {
            v?.get("run")?.get("runId")?.as_str()
        }
        let parent = self.run_facets.get("parent");
        (run_id(parent), run_id(parent.and_then(|p| p.get("root"))))
    }
}

fn merge_datasets(into: &mut BTreeMap<String, Dataset>, from: Vec<Dataset>) {
    for d in from {
        match into.get_mut(&d.name.id()) {
            Some(have) => have.absorb(d),
            None => {
                into.insert(d.name.id(), d);
            }
        }
    }
}

/// What the events say, merged: runs by run ID, static job lineage by job, datasets' own facets by dataset.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Merged {
    pub runs: BTreeMap<String, Run>,
    /// `JobEvent`s of a job merged like a run's events (its `state` stays `OTHER`).
    pub jobs: BTreeMap<String, Run>,
    pub datasets: BTreeMap<String, Dataset>,
}

/// Merges `events` per run, per job (static lineage) and per dataset. The result does not depend on the order the
/// events were given in: each group is folded in (event time, file, line, path) order.
pub fn merge(mut events: Vec<Event>) -> Merged {
    events.sort_by(|a, b| {
        (a.time, &a.origin.file, a.origin.line, &a.origin.path).cmp(&(
            b.time,
            &b.origin.file,
            b.origin.line,
            &b.origin.path,
        ))
    });
    let mut out = Merged::default();
    for e in events {
        match e.kind.clone() {
            EventKind::Run { run_id, state } => {
                out.runs.entry(run_id.clone()).or_insert_with(|| Run::new(&run_id, &e)).absorb(state, e);
            }
            EventKind::Job => {
                let id = e.job.as_ref().map(Name::id).unwrap_or_default();
                out.jobs.entry(id.clone()).or_insert_with(|| Run::new(&id, &e)).absorb(RunState::Other, e);
            }
            EventKind::Dataset => merge_datasets(&mut out.datasets, e.outputs),
        }
    }
    out
}

/// The place a dataset identity or a SageMaker source URI names, for deciding that two are the same data:
/// `s3a://`/`s3n://` are `s3://` and a trailing `/` does not matter (OpenLineage naming spec); a Glue table is
/// `glue:{account}:{region}:{database}.{table}` whether written as `arn:aws:glue:R:A` + `table/D/T` or as the table's
/// ARN. `None` for what names no place (an ARN of another kind).
pub fn location_key(id: &str) -> Option<String> {
    let id = id.trim();
    for scheme in ["s3a://", "s3n://", "s3://"] {
        if let Some(rest) = id.strip_prefix(scheme) {
            let rest = rest.trim_end_matches('/');
            return (!rest.is_empty()).then(|| format!("s3://{rest}"));
        }
    }
    if let Some(rest) = id.strip_prefix("arn:aws:glue:").or_else(|| id.strip_prefix("arn:aws-cn:glue:")) {
        // `R:A/table/D/T` (namespace + name) or `R:A:table/D/T` (the table's ARN).
        let mut parts = rest.splitn(3, [':', '/']);
        let (region, account, tail) = (parts.next()?, parts.next()?, parts.next()?);
        let mut t = tail.trim_matches('/').split('/');
        return match (t.next(), t.next(), t.next(), t.next()) {
            (Some("table"), Some(db), Some(table), None) => Some(format!("glue:{account}:{region}:{db}.{table}")),
            _ => None,
        };
    }
    if id.starts_with("arn:") {
        return None;
    }
    Some(id.trim_end_matches('/').to_owned())
}

/// A Glue table's `database.table` from a [`location_key`].
pub fn glue_table(key: &str) -> Option<&str> {
    key.strip_prefix("glue:")?.splitn(3, ':').nth(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_compared_as_the_naming_spec_writes_them() {
        let same = |a: &str, b: &str| assert_eq!(location_key(a), location_key(b), "{a} vs {b}");
        same("s3://bucket/train/2027-W22", "s3://bucket/train/2027-W22/");
        same("s3a://bucket/train/2027-W22", "s3://bucket/train/2027-W22");
        same("s3n://bucket/train", "s3://bucket/train/");
        same("arn:aws:glue:eu-west-1:111122223333/table/db/t", "arn:aws:glue:eu-west-1:111122223333:table/db/t");
        assert_ne!(location_key("s3://bucket/train"), location_key("s3://bucket/training"));
        assert_eq!(location_key("arn:aws:sagemaker:eu-west-1:1:artifact/x"), None);
        assert_eq!(glue_table(&location_key("arn:aws:glue:eu-west-1:1/table/db/t").unwrap_or_default()), Some("db.t"));
    }

    fn event(run: &str, state: RunState, minute: u32, inputs: &[&str], line: usize) -> Event {
        let dataset = |n: &str| Dataset {
            name: Name { namespace: "s3://b".into(), name: n.into() },
            facets: BTreeMap::new(),
            system: System::OpenLineage,
        };
        Event {
            kind: EventKind::Run { run_id: run.into(), state },
            time: Timestamp::parse(&format!("2027-03-06T00:{minute:02}:00Z")).unwrap_or_else(|| panic!("time")),
            producer: "p".into(),
            job: Some(Name { namespace: "airflow".into(), name: "dag.task".into() }),
            job_facets: BTreeMap::new(),
            run_facets: BTreeMap::new(),
            inputs: inputs.iter().map(|n| dataset(n)).collect(),
            outputs: Vec::new(),
            origin: Origin { file: "events.ndjson".into(), line: Some(line), path: String::new() },
            system: System::OpenLineage,
        }
    }

    #[test]
    fn a_run_is_its_events_merged_in_time_order_whatever_order_they_came_in() {
        let events = vec![
            event("r1", RunState::Complete, 40, &["b"], 3),
            event("r1", RunState::Start, 5, &["a"], 1),
            event("r1", RunState::Running, 20, &[], 2),
        ];
        let mut reversed = events.clone();
        reversed.reverse();
        for given in [events, reversed] {
            let m = merge(given);
            let r = &m.runs["r1"];
            assert_eq!(r.state, RunState::Complete);
            assert_eq!(r.started_at.map(|t| t.iso()), Some("2027-03-06T00:05:00Z".into()));
            assert_eq!(r.ended_at.map(|t| t.iso()), Some("2027-03-06T00:40:00Z".into()));
            assert_eq!(r.inputs.keys().cloned().collect::<Vec<_>>(), ["s3://b/a", "s3://b/b"]);
            assert_eq!(r.origins.iter().map(|o| o.line).collect::<Vec<_>>(), [Some(1), Some(2), Some(3)]);
        }
    }
}
