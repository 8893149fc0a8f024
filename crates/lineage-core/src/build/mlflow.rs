//! MLflow responses, assembled into runs and datasets (merged into the graph by `cross.rs` like OpenLineage
//! runs), then the registry's facts that need vertices: aliases (`models:/NAME@ALIAS`) and the approval its
//! version tags state (by the role table's `approval_tags` rules).
//!
//! The mapping: a run is a run (`mlflow:run/{run_id}`); its dataset inputs are its inputs, each named by the place
//! its `source` names (`s3://bucket` + key; a source naming none is `mlflow-dataset/{name}@{digest}`), with its
//! context (`training`, `eval`, …) and input tags as properties (a `version` tag is the dataset's version); its
//! outputs are the LoggedModels it wrote (`models:/{model_id}`, datasetType MODEL) and the datasets its
//! `output_dataset_uri`-like tags name or it logged with context `output`. A registered model version is a MODEL
//! dataset `models:/{name}/{version}` that a registration step (`mlflow:job/mlflow-registry/register …`) made from
//! its source (the LoggedModel, or the `runs:/` path of the run that logged it), so the role table and
//! `classify.rs` make it the model version and the run that produced its data the training job.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::cross::{METRICS_FACET, PROPERTIES_FACET};
use super::state::Loader;
use crate::model::openlineage::{Dataset, Event, EventKind, Name, RunState};
use crate::model::record_rules::ApprovalField;
use crate::model::roles::RoleTable;
use crate::model::{AssociationType, Edge, EntityDetails, ImportError, LineageType, Origin, System};
use crate::read::mlflow::{MlDatasetInput, MlLoggedModel, MlModelVersion, MlRun, MlflowDoc};
use crate::time::{EpochUnit, Timestamp};

/// Run tags whose value names the dataset a run wrote (MLflow records dataset inputs only).
const OUTPUT_TAGS: [&str; 4] = ["output_dataset_uri", "output_uri", "output_dataset", "mlflow.data.output"];

/// Dataset-input contexts that say the run wrote the dataset.
const OUTPUT_CONTEXTS: [&str; 2] = ["output", "outputs"];

/// What the MLflow documents say, each entity once: the latest copy of each run, version and logged model.
#[derive(Default)]
struct Collected {
    runs: BTreeMap<String, MlRun>,
    versions: BTreeMap<(String, u64), MlModelVersion>,
    models: BTreeMap<String, MlLoggedModel>,
    experiments: BTreeMap<String, String>,
    /// (model, alias) -> (version, where the alias was read).
    aliases: BTreeMap<(String, String), (String, Origin)>,
}

impl Collected {
    fn of(docs: Vec<MlflowDoc>) -> Collected {
        let mut c = Collected::default();
        for doc in docs {
            match doc {
                MlflowDoc::Run(r) => keep(&mut c.runs, r.run_id.clone(), *r, |r| {
                    (r.end_time, r.metrics.len() + r.params.len() + r.datasets.len(), r.origin.clone())
                }),
                MlflowDoc::ModelVersion(v) => c.add_version(*v),
                MlflowDoc::LoggedModel(m) => keep(&mut c.models, m.model_id.clone(), *m, |m| m.origin.clone()),
                MlflowDoc::Experiment { id, name } => {
                    c.experiments.insert(id, name);
                }
                MlflowDoc::Aliases { model, aliases, origin } => {
                    for (alias, version) in aliases {
                        c.aliases.entry((model.clone(), alias)).or_insert((version, origin.clone()));
                    }
                }
            }
        }
        c
    }

    /// Keeps the latest copy of a version; the aliases every copy names are kept together.
    fn add_version(&mut self, v: MlModelVersion) {
        for a in &v.aliases {
            self.aliases.entry((v.name.clone(), a.clone())).or_insert((v.version.clone(), v.origin.clone()));
        }
        let key = (v.name.clone(), v.version.parse().unwrap_or(u64::MAX));
        let (mut aliases, mut listed) = (v.aliases.clone(), v.listed);
        if let Some(have) = self.versions.get(&key) {
            aliases.extend(have.aliases.iter().cloned());
            listed |= have.listed;
        }
        keep(&mut self.versions, key.clone(), v, |v| (v.updated_at, v.tags.len(), v.origin.clone()));
        if let Some(kept) = self.versions.get_mut(&key) {
            kept.aliases = aliases;
            kept.listed = listed;
        }
    }

    /// Versions no list response names while one lists other versions of their model (a version read only from
    /// an alias response, deleted before the listing): left out, each with a warning.
    fn drop_unlisted(&mut self, warnings: &mut Vec<String>) {
        let listed_models: std::collections::BTreeSet<String> =
            self.versions.values().filter(|v| v.listed).map(|v| v.name.clone()).collect();
        self.versions.retain(|_, v| {
            let keep = v.listed || !listed_models.contains(&v.name);
            if !keep {
                warnings.push(format!(
                    "{}: MLflow version {} of registered model {} is in no model-version listing the export holds (model-versions/search, latest versions): taken as deleted, and not read",
                    v.origin, v.version, v.name
                ));
            }
            keep
        });
    }
}

/// Inserts `value` unless a copy with a greater `rank` is there (file order changes nothing).
fn keep<K: Ord, V, R: Ord>(map: &mut BTreeMap<K, V>, key: K, value: V, rank: impl Fn(&V) -> R) {
    match map.get(&key) {
        Some(have) if rank(have) >= rank(&value) => {}
        _ => {
            map.insert(key, value);
        }
    }
}

/// Turns the MLflow documents read into runs and datasets, in `finish` before other systems are merged.
pub(super) fn assemble(l: &mut Loader, _roles: &RoleTable) -> Result<(), ImportError> {
    let docs = std::mem::take(&mut l.mlflow.docs);
    if docs.is_empty() {
        return Ok(());
    }
    let mut c = Collected::of(docs);
    c.drop_unlisted(&mut l.warnings);
    merge_version_aliases(&mut c);
    let mut events = Vec::new();
    for run in c.runs.values() {
        events.extend(run_events(run, &c));
    }
    for m in c.models.values().filter(|m| m.source_run_id.as_ref().is_none_or(|r| !c.runs.contains_key(r))) {
        events.push(dataset_event(logged_model(m), &m.origin, m.created_at));
    }
    for v in c.versions.values() {
        events.extend(registration(v, &c));
    }
    l.lineage_events.extend(events);
    l.mlflow.versions = c.versions.into_values().collect();
    l.mlflow.aliases = c.aliases.into_iter().map(|((m, a), (v, o))| (m, a, v, o)).collect();
    Ok(())
}

/// Each version lists every alias any copy of it, or the registered model, gives it.
fn merge_version_aliases(c: &mut Collected) {
    for ((model, alias), (version, _)) in &c.aliases {
        let number = version.parse().unwrap_or(u64::MAX);
        if let Some(v) = c.versions.get_mut(&(model.clone(), number)) {
            if !v.aliases.contains(alias) {
                v.aliases.push(alias.clone());
            }
        }
    }
    for v in c.versions.values_mut() {
        v.aliases.sort();
        v.aliases.dedup();
    }
}

fn state_of(status: Option<&str>) -> RunState {
    match status {
        Some("FINISHED") => RunState::Complete,
        Some("FAILED") => RunState::Fail,
        Some("KILLED") => RunState::Abort,
        Some("RUNNING") => RunState::Running,
        Some("SCHEDULED") => RunState::Start,
        _ => RunState::Other,
    }
}

fn epoch() -> Timestamp {
    Timestamp::from_epoch_text("0", EpochUnit::Seconds).unwrap_or_else(|| unreachable!("0 is an epoch time"))
}

fn props(pairs: &[(&str, Option<&str>)]) -> Value {
    let map: Map<String, Value> = pairs
        .iter()
        .filter_map(|(k, v)| Some(((*k).to_owned(), Value::String((*v)?.to_owned()))))
        .filter(|(_, v)| v.as_str().is_some_and(|s| !s.is_empty()))
        .collect();
    Value::Object(map)
}

/// A run's events: its start (when recorded), then its end with its inputs, outputs, parameters and metrics.
fn run_events(r: &MlRun, c: &Collected) -> Vec<Event> {
    let experiment = r.experiment_id.as_ref().map(|id| c.experiments.get(id).cloned().unwrap_or_else(|| id.clone()));
    let job = Name {
        namespace: format!("mlflow/experiment/{}", experiment.unwrap_or_default()),
        name: r.run_name.clone().unwrap_or_else(|| r.run_id.clone()),
    };
    let state = state_of(r.status.as_deref());
    let mut last = Event {
        kind: EventKind::Run { run_id: r.run_id.clone(), state },
        time: r.end_time.or(r.start_time).unwrap_or_else(epoch),
        producer: "MLflow tracking server".into(),
        job: Some(job),
        job_facets: code_facets(r),
        run_facets: run_facets(r),
        inputs: Vec::new(),
        outputs: Vec::new(),
        origin: r.origin.clone(),
        system: System::MLflow,
    };
    for d in &r.datasets {
        let is_output = d.context.as_deref().is_some_and(|c| OUTPUT_CONTEXTS.contains(&c));
        let into = if is_output { &mut last.outputs } else { &mut last.inputs };
        into.push(dataset_input(d));
    }
    for (key, uri) in r.tags.iter().filter(|(k, _)| OUTPUT_TAGS.contains(&k.as_str())) {
        last.outputs.push(place_dataset(uri, props(&[("output_tag", Some(key))])));
    }
    let written = r
        .model_outputs
        .iter()
        .chain(c.models.values().filter(|m| m.source_run_id.as_ref() == Some(&r.run_id)).map(|m| &m.model_id));
    for id in written {
        let model = c.models.get(id).map_or_else(|| logged_model_id(id), logged_model);
        last.outputs.push(model);
    }
    for v in c.versions.values().filter(|v| runs_path(v).is_some_and(|(run, _)| run == r.run_id)) {
        last.outputs.extend(source_model(v, c));
    }
    let mut out = Vec::new();
    if let (Some(start), true) = (r.start_time, state.is_terminal()) {
        let mut first = last.clone();
        first.kind = EventKind::Run { run_id: r.run_id.clone(), state: RunState::Start };
        first.time = start;
        (first.inputs, first.outputs) = (Vec::new(), Vec::new());
        out.push(first);
    }
    out.push(last);
    out
}

/// The run's code: `mlflow.source.git.commit` (and the repository URL tag, when recorded).
fn code_facets(r: &MlRun) -> BTreeMap<String, Value> {
    let mut f = BTreeMap::new();
    if let Some(commit) = r.tags.get("mlflow.source.git.commit") {
        let mut code = json!({ "type": "git", "version": commit });
        if let Some(repo) = r.tags.get("mlflow.source.git.repoURL") {
            code["repoUrl"] = Value::String(repo.clone());
        }
        f.insert("sourceCodeLocation".to_owned(), code);
    }
    f
}

fn run_facets(r: &MlRun) -> BTreeMap<String, Value> {
    let mut f = BTreeMap::new();
    let params: Map<String, Value> = r.params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    if !params.is_empty() {
        f.insert("parameters".to_owned(), Value::Object(params));
    }
    if let Some(parent) = r.tags.get("mlflow.parentRunId") {
        f.insert("parent".to_owned(), json!({ "run": { "runId": parent } }));
    }
    let metrics: Map<String, Value> = r
        .metrics
        .iter()
        .map(|m| {
            let source = match m.step {
                Some(s) => format!("step {s}, the latest value MLflow keeps"),
                None => "the latest value MLflow keeps".to_owned(),
            };
            (m.key.clone(), json!({ "value": m.value, "source": source }))
        })
        .collect();
    if !metrics.is_empty() {
        f.insert(METRICS_FACET.to_owned(), Value::Object(metrics));
    }
    let tag = |k: &str| r.tags.get(k).map(String::as_str);
    let commit_from =
        tag("mlflow.source.git.commit").map(|_| format!("tag mlflow.source.git.commit of MLflow run {}", r.run_id));
    f.insert(
        PROPERTIES_FACET.to_owned(),
        props(&[
            ("run_name", r.run_name.as_deref()),
            ("status", r.status.as_deref()),
            ("lifecycle_stage", r.lifecycle_stage.as_deref()),
            ("artifact_uri", r.artifact_uri.as_deref()),
            ("user", r.user_id.as_deref().or(tag("mlflow.user"))),
            ("source_name", tag("mlflow.source.name")),
            ("source_type", tag("mlflow.source.type")),
            ("commit_from", commit_from.as_deref()),
        ]),
    );
    f
}

/// A dataset input: named by its place, with its context, digest and input tags (`version` is its version).
fn dataset_input(d: &MlDatasetInput) -> Dataset {
    let mut p = props(&[
        ("dataset_name", Some(&d.name)),
        ("digest", d.digest.as_deref()),
        ("source_type", d.source_type.as_deref()),
        ("context", d.context.as_deref()),
    ]);
    for (k, v) in d.tags.iter().filter(|(k, _)| k.as_str() != "mlflow.data.context") {
        p[format!("tag.{k}")] = Value::String(v.clone());
    }
    let mut dataset = match &d.place {
        Some(place) => place_dataset(place, p),
        None => {
            let name = format!("{}@{}", d.name, d.digest.as_deref().unwrap_or("no-digest"));
            let mut ds = place_dataset(&format!("mlflow-dataset/{name}"), p);
            ds.name = Name { namespace: "mlflow-dataset".into(), name };
            ds
        }
    };
    if let Some(v) = d.tags.get("version") {
        dataset.facets.insert("version".into(), json!({ "datasetVersion": v }));
    }
    dataset
}

/// A dataset named by a URI as the OpenLineage naming spec splits it: `scheme://authority` and the path.
fn place_dataset(uri: &str, properties: Value) -> Dataset {
    let name = match uri.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('/') {
            Some((authority, path)) => Name { namespace: format!("{scheme}://{authority}"), name: path.to_owned() },
            None => Name { namespace: format!("{scheme}://{rest}"), name: String::new() },
        },
        None => match uri.split_once(":/") {
            Some((scheme, rest)) => Name { namespace: format!("{scheme}:"), name: rest.to_owned() },
            None => Name { namespace: "mlflow".into(), name: uri.to_owned() },
        },
    };
    let mut facets = BTreeMap::new();
    facets.insert(PROPERTIES_FACET.to_owned(), properties);
    Dataset { name, facets, system: System::MLflow }
}

fn model_type() -> Value {
    json!({ "datasetType": "MODEL" })
}

/// A LoggedModel as a MODEL dataset `models:/{model_id}`.
fn logged_model(m: &MlLoggedModel) -> Dataset {
    let mut d = logged_model_id(&m.model_id);
    d.facets.insert(
        PROPERTIES_FACET.to_owned(),
        props(&[
            ("model_id", Some(&m.model_id)),
            ("display_name", m.name.as_deref()),
            ("artifact_uri", m.artifact_uri.as_deref()),
            ("status", m.status.as_deref()),
            ("model_type", m.model_type.as_deref()),
            ("run_id", m.source_run_id.as_deref()),
        ]),
    );
    d
}

fn logged_model_id(id: &str) -> Dataset {
    let mut d = place_dataset(&format!("models:/{id}"), props(&[("model_id", Some(id))]));
    d.facets.insert("datasetType".into(), model_type());
    d
}

/// `runs:/{run_id}/{path}` of a version's source.
fn runs_path(v: &MlModelVersion) -> Option<(&str, &str)> {
    v.source.as_deref()?.strip_prefix("runs:/")?.split_once('/')
}

/// The model a version was registered from: its LoggedModel (`model_id`, or a `models:/m-…` source), else its
/// `runs:/` path, else the place its source names.
fn source_model(v: &MlModelVersion, c: &Collected) -> Option<Dataset> {
    let from_source = v.source.as_deref().and_then(|s| s.strip_prefix("models:/")).filter(|s| s.starts_with("m-"));
    if let Some(id) = v.model_id.as_deref().or(from_source) {
        return Some(c.models.get(id).map_or_else(|| logged_model_id(id), logged_model));
    }
    let source = v.source.as_deref()?;
    let mut d = place_dataset(source, props(&[("source", Some(source))]));
    d.facets.insert("datasetType".into(), model_type());
    Some(d)
}

/// The version as a MODEL dataset `models:/{name}/{version}`, with what the registry says of it.
fn version_dataset(v: &MlModelVersion) -> Dataset {
    let aliases = v.aliases.join(", ");
    let shown = format!("{}/{}", v.name, v.version);
    let mut p = props(&[
        ("display_name", Some(&shown)),
        ("registered_model", Some(&v.name)),
        ("aliases", Some(&aliases)),
        ("stage", v.stage.as_deref()),
        ("status", v.status.as_deref()),
        ("model_id", v.model_id.as_deref()),
        ("source", v.source.as_deref()),
        ("run_id", v.run_id.as_deref()),
        ("description", v.description.as_deref()),
        ("created_by", v.user_id.as_deref()),
    ]);
    for (k, val) in &v.tags {
        p[format!("tag.{k}")] = Value::String(val.clone());
    }
    let mut d = place_dataset(&version_id(&v.name, &v.version), p);
    d.facets.insert("datasetType".into(), model_type());
    d.facets.insert("version".into(), json!({ "datasetVersion": v.version }));
    d
}

/// `models:/{name}/{version}`: MLflow's own URI of a version, and its vertex ID.
pub(crate) fn version_id(name: &str, version: &str) -> String {
    format!("models:/{name}/{version}")
}

/// The registration step: the version's source model in, the version out (a static job: the registry records no
/// run of it).
fn registration(v: &MlModelVersion, c: &Collected) -> Vec<Event> {
    let job = Name { namespace: "mlflow-registry".into(), name: format!("register {}/{}", v.name, v.version) };
    vec![Event {
        kind: EventKind::Job,
        time: v.created_at.unwrap_or_else(epoch),
        producer: "MLflow model registry".into(),
        job: Some(job),
        job_facets: BTreeMap::new(),
        run_facets: BTreeMap::new(),
        inputs: source_model(v, c).into_iter().collect(),
        outputs: vec![version_dataset(v)],
        origin: v.origin.clone(),
        system: System::MLflow,
    }]
}

/// A dataset's own facets, as a `DatasetEvent` (a LoggedModel whose run is not in the export).
fn dataset_event(d: Dataset, origin: &Origin, time: Option<Timestamp>) -> Event {
    Event {
        kind: EventKind::Dataset,
        time: time.unwrap_or_else(epoch),
        producer: "MLflow tracking server".into(),
        job: None,
        job_facets: BTreeMap::new(),
        run_facets: BTreeMap::new(),
        inputs: Vec::new(),
        outputs: vec![d],
        origin: origin.clone(),
        system: System::MLflow,
    }
}

/// After other systems are merged: each alias names its version's vertex (`models:/NAME@ALIAS`), or says why it
/// cannot; each version's approval tags become an approval record associated with it.
pub(super) fn link(l: &mut Loader, roles: &RoleTable) {
    for (model, alias, version, origin) in std::mem::take(&mut l.mlflow.aliases) {
        let name = format!("models:/{model}@{alias}");
        match l.graph.by_arn.get(version_id(&model, &version).as_str()).copied() {
            Some(ix) => {
                l.graph.aliases.insert(name, ix);
            }
            None => {
                let why = format!(
                    "MLflow alias {alias} of registered model {model} ({origin}) points to version {version}, which the export does not hold (deleted after the alias was read, or left out of the dump)"
                );
                l.warnings.push(why.clone());
                l.graph.unresolved_aliases.insert(name, why);
            }
        }
    }
    for v in std::mem::take(&mut l.mlflow.versions) {
        let id = version_id(&v.name, &v.version);
        if let Some(&ix) = l.graph.by_arn.get(id.as_str()) {
            l.graph.aliases.insert(format!("{}/{}", v.name, v.version), ix);
            approval_record(l, roles, &v, ix);
        }
    }
}

/// The approval a version's tags state, by the role table's `approval_tags` rules, as an approval record
/// (`models:/NAME/VERSION#approval`) associated with the version. Only tags: the version's creator and the
/// run's user are never taken for the approver.
fn approval_record(l: &mut Loader, roles: &RoleTable, v: &MlModelVersion, version: petgraph::graph::NodeIndex) {
    let mut facts: BTreeMap<ApprovalField, (String, String)> = BTreeMap::new();
    for (key, value) in &v.tags {
        if let Some(field) = roles.approval_tag(key) {
            facts.entry(field).or_insert((key.clone(), value.clone()));
        }
    }
    if facts.is_empty() {
        return;
    }
    let id = format!("{}#approval", version_id(&v.name, &v.version));
    let (ix, _) = l.declare(&id, Some(LineageType::Artifact), Some("Approval"));
    let mut details = EntityDetails {
        described: true,
        name: Some(format!("approval tags of {}/{}", v.name, v.version)),
        ..Default::default()
    };
    for (field, (_, value)) in &facts {
        let value = match field {
            ApprovalField::Status => status_text(value),
            _ => value.clone(),
        };
        details.properties.insert(field.property().to_owned(), value);
    }
    if let Some((key, ticket)) = facts.get(&ApprovalField::Ticket) {
        details.properties.insert("description".into(), format!("ticket {ticket} (tag {key})"));
    }
    let keys: Vec<&str> = facts.values().map(|(k, _)| k.as_str()).collect();
    details.properties.insert("tags".into(), keys.join(", "));
    let node = &mut l.graph.graph[ix];
    node.system = System::MLflow;
    node.details = Some(Box::new(details));
    let e = l.graph.graph.add_edge(ix, version, Edge { association_type: Some(AssociationType::AssociatedWith) });
    let by = format!("MLflow model version {}/{} tags {} in {}", v.name, v.version, keys.join(", "), v.origin);
    l.graph.recorded_by.insert(e, (System::MLflow, by.into()));
}

/// A status tag's value as an approval status: `approved` is Approved, `rejected` Rejected, `pending…`
/// PendingManualApproval (ignoring case); any other value is kept as written.
fn status_text(value: &str) -> String {
    let lower = value.trim().to_ascii_lowercase();
    match lower.as_str() {
        "approved" => "Approved".into(),
        "rejected" => "Rejected".into(),
        s if s.starts_with("pending") => "PendingManualApproval".into(),
        _ => value.to_owned(),
    }
}
