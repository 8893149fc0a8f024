//! MLflow 3.x REST responses read into typed values, each file as the tracking server wrote it: `runs/get`,
//! `runs/search` pages, `registered-models/get`, `registered-models/alias`, `registered-models/get-latest-versions`,
//! `model-versions/get` and `model-versions/search`, `logged-models/get` and `logged-models/search`,
//! `experiments/get-by-name`, and the UI's `experiments/search-datasets` summary. Recognised by their top-level key
//! (`run`, `runs`, `registered_model`, `model_version`, `model_versions`, `model`, `models`, `experiment`,
//! `dataset_summaries`) and the MLflow field inside it; every field an answer reads is type-checked at its path.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::Origin;
use crate::read::json::{At, FieldError, Lost, Result};
use crate::time::{EpochUnit, Timestamp};

/// One MLflow entity a response holds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum MlflowDoc {
    Run(Box<MlRun>),
    ModelVersion(Box<MlModelVersion>),
    /// A registered model's aliases (`registered-models/get`); its `latest_versions` come as `ModelVersion`s.
    Aliases {
        model: String,
        aliases: Vec<(String, String)>,
        origin: Origin,
    },
    LoggedModel(Box<MlLoggedModel>),
    Experiment {
        id: String,
        name: String,
    },
}

impl MlflowDoc {
    /// Where it was read (the builder sets the file and line).
    pub(crate) fn origin_mut(&mut self) -> Option<&mut Origin> {
        match self {
            MlflowDoc::Run(r) => Some(&mut r.origin),
            MlflowDoc::ModelVersion(v) => Some(&mut v.origin),
            MlflowDoc::Aliases { origin, .. } => Some(origin),
            MlflowDoc::LoggedModel(m) => Some(&mut m.origin),
            MlflowDoc::Experiment { .. } => None,
        }
    }
}

/// A run (`runs/get`, an element of `runs/search`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct MlRun {
    pub run_id: String,
    pub run_name: Option<String>,
    pub experiment_id: Option<String>,
    pub user_id: Option<String>,
    pub status: Option<String>,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub artifact_uri: Option<String>,
    pub lifecycle_stage: Option<String>,
    /// The latest value of each metric, with its step.
    pub metrics: Vec<MlMetric>,
    pub params: Vec<(String, String)>,
    pub tags: BTreeMap<String, String>,
    pub datasets: Vec<MlDatasetInput>,
    /// LoggedModel IDs the run read and wrote.
    pub model_inputs: Vec<String>,
    pub model_outputs: Vec<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MlMetric {
    pub key: String,
    pub value: f64,
    pub step: Option<i64>,
}

/// One `inputs.dataset_inputs[]`: the dataset and the input's tags (`mlflow.data.context`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct MlDatasetInput {
    pub name: String,
    pub digest: Option<String>,
    pub source_type: Option<String>,
    /// The place the dataset `source` (a JSON string) names: its `uri`, `url`, `path` or table name.
    pub place: Option<String>,
    pub context: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// JSON path of the input, for errors and evidence.
    pub path: String,
}

/// A registered model version (`model-versions/get`, `…/search`, `registered-models/alias`, `latest_versions`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct MlModelVersion {
    pub name: String,
    pub version: String,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub user_id: Option<String>,
    pub stage: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub run_id: Option<String>,
    pub status: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub aliases: Vec<String>,
    pub model_id: Option<String>,
    /// Read from a listing (`model-versions/search`, latest versions), not only from one version's response.
    pub listed: bool,
    pub origin: Origin,
}

/// A LoggedModel (`logged-models/get`, an element of `logged-models/search`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct MlLoggedModel {
    pub model_id: String,
    pub name: Option<String>,
    pub artifact_uri: Option<String>,
    pub source_run_id: Option<String>,
    pub status: Option<String>,
    pub model_type: Option<String>,
    pub created_at: Option<Timestamp>,
    pub origin: Origin,
}

/// The MLflow documents read so far (kept in the builder's state, assembled in `finish`).
#[derive(Default)]
pub(crate) struct MlflowParts {
    pub docs: Vec<MlflowDoc>,
    /// After assembly: each version read (once), and each alias (model, alias, version, where read), which
    /// `build::mlflow::link` ties to vertices.
    pub versions: Vec<MlModelVersion>,
    pub aliases: Vec<(String, String, String, Origin)>,
}

impl MlflowParts {
    /// Keeps what a response in file `name` (at `line` of a JSON Lines file) held.
    pub(crate) fn add(&mut self, docs: Vec<MlflowDoc>, name: &str, line: Option<usize>) {
        for mut doc in docs {
            if let Some(o) = doc.origin_mut() {
                o.file = name.to_owned();
                o.line = line;
            }
            self.docs.push(doc);
        }
    }
}

/// Reads an MLflow response; `None` when the object is none.
/// A list's run, version or model that cannot be read is skipped into `lost`.
pub(crate) fn read(map: &Map<String, Value>, path: &str, lost: &mut Lost) -> Result<Option<Vec<MlflowDoc>>> {
    let at = At { map, path: path.to_owned() };
    let origin = || Origin { path: path.to_owned(), ..Default::default() };
    if let Some(run) = at.obj("run")?.filter(|r| r.get("info").is_some()) {
        return Ok(Some(vec![MlflowDoc::Run(Box::new(read_run(&run, origin())?))]));
    }
    if is_list_of(&at, "runs", "info") {
        let run = |r: &At<'_>| Ok(MlflowDoc::Run(Box::new(read_run(r, origin())?)));
        let items = at.each_element("runs", lost, "the run is skipped", run)?;
        return Ok(Some(items));
    }
    if let Some(m) = at.obj("registered_model")?.filter(|m| m.get("name").is_some()) {
        return read_registered_model(&m, origin()).map(Some);
    }
    if let Some(v) = at.obj("model_version")?.filter(|v| v.get("version").is_some()) {
        return Ok(Some(vec![MlflowDoc::ModelVersion(Box::new(read_version(&v, origin())?))]));
    }
    if is_list_of(&at, "model_versions", "version") {
        let listed = |v: &At<'_>| {
            let mut version = read_version(v, origin())?;
            version.listed = true;
            Ok(MlflowDoc::ModelVersion(Box::new(version)))
        };
        let items = at.each_element("model_versions", lost, "the model version is skipped", listed)?;
        return Ok(Some(items));
    }
    if let Some(m) = at.obj("model")?.filter(|m| m.get("info").is_some()) {
        return Ok(Some(vec![MlflowDoc::LoggedModel(Box::new(read_logged_model(&m, origin())?))]));
    }
    if is_list_of(&at, "models", "info") {
        let model = |m: &At<'_>| Ok(MlflowDoc::LoggedModel(Box::new(read_logged_model(m, origin())?)));
        let items = at.each_element("models", lost, "the logged model is skipped", model)?;
        return Ok(Some(items));
    }
    if let Some(e) = at.obj("experiment")?.filter(|e| e.get("experiment_id").is_some()) {
        let (id, name) = (e.req_str("experiment_id")?, e.str("name")?.unwrap_or_default());
        return Ok(Some(vec![MlflowDoc::Experiment { id, name }]));
    }
    if at.get("dataset_summaries").is_some() {
        // The UI's summary repeats what each run's inputs say: read (checked to be a list), nothing kept.
        at.array("dataset_summaries")?;
        return Ok(Some(Vec::new()));
    }
    Ok(None)
}

/// Whether `key` is a list whose first object has `field` (an MLflow list response, not another system's).
fn is_list_of(at: &At<'_>, key: &str, field: &str) -> bool {
    match at.get(key) {
        Some(Value::Array(items)) => items.first().is_some_and(|i| i.get(field).is_some()),
        _ => false,
    }
}

/// Epoch milliseconds, as MLflow writes every time (a number, or its text).
fn millis(at: &At<'_>, key: &str) -> Result<Option<Timestamp>> {
    let bad = |found: &str| FieldError {
        path: at.key_path(key),
        message: format!("expected epoch milliseconds (MLflow's timestamps), found {found}"),
    };
    match at.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Timestamp::from_epoch_text(&n.to_string(), EpochUnit::Milliseconds)
            .map(Some)
            .ok_or_else(|| bad(&n.to_string())),
        Some(Value::String(s)) => {
            Timestamp::from_epoch_text(s, EpochUnit::Milliseconds).map(Some).ok_or_else(|| bad(s))
        }
        Some(other) => Err(bad(crate::read::json::kind(other))),
    }
}

/// `[{"key": K, "value": V}]` as pairs, in the response's order.
fn key_values(at: &At<'_>, key: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (i, item) in at.array(key)?.into_iter().enumerate() {
        let kv = at.index(key, i, item)?;
        out.push((kv.req_str("key")?, kv.str("value")?.unwrap_or_default()));
    }
    Ok(out)
}

fn read_run(run: &At<'_>, mut origin: Origin) -> Result<MlRun> {
    let info = run.obj("info")?.ok_or_else(|| missing(run, "info", "the run's info object"))?;
    let run_id = match info.str("run_id")? {
        Some(id) => id,
        None => info.req_str("run_uuid")?,
    };
    origin.path = run.path.clone();
    let mut out = MlRun {
        run_name: info.str("run_name")?,
        experiment_id: info.str("experiment_id")?,
        user_id: info.str("user_id")?.filter(|u| !u.is_empty()),
        status: info.str("status")?,
        start_time: millis(&info, "start_time")?,
        end_time: millis(&info, "end_time")?,
        artifact_uri: info.str("artifact_uri")?,
        lifecycle_stage: info.str("lifecycle_stage")?,
        run_id,
        origin,
        ..MlRun::default()
    };
    if let Some(data) = run.obj("data")? {
        out.params = key_values(&data, "params")?;
        out.tags = key_values(&data, "tags")?.into_iter().collect();
        out.metrics = metrics(&data)?;
    }
    if let Some(inputs) = run.obj("inputs")? {
        for (i, item) in inputs.array("dataset_inputs")?.into_iter().enumerate() {
            out.datasets.push(dataset_input(&inputs.index("dataset_inputs", i, item)?)?);
        }
        out.model_inputs = model_ids(&inputs, "model_inputs")?;
    }
    if let Some(outputs) = run.obj("outputs")? {
        out.model_outputs = model_ids(&outputs, "model_outputs")?;
    }
    Ok(out)
}

fn metrics(data: &At<'_>) -> Result<Vec<MlMetric>> {
    let mut out = Vec::new();
    for (i, item) in data.array("metrics")?.into_iter().enumerate() {
        let m = data.index("metrics", i, item)?;
        // MLflow writes NaN and infinities as strings; a metric that is no number is an error at its path.
        let value = match m.get("value") {
            Some(Value::String(s)) => s.parse::<f64>().map_err(|_| wrong(&m, "value", "a number"))?,
            _ => m.f64("value")?.ok_or_else(|| missing(&m, "value", "the metric's value"))?,
        };
        let step = match m.get("step") {
            Some(Value::String(s)) => Some(s.parse::<i64>().map_err(|_| wrong(&m, "step", "a whole number"))?),
            Some(Value::Number(n)) => Some(n.as_i64().ok_or_else(|| wrong(&m, "step", "a whole number"))?),
            _ => None,
        };
        out.push(MlMetric { key: m.req_str("key")?, value, step });
    }
    Ok(out)
}

fn model_ids(at: &At<'_>, key: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (i, item) in at.array(key)?.into_iter().enumerate() {
        out.push(at.index(key, i, item)?.req_str("model_id")?);
    }
    Ok(out)
}

fn dataset_input(input: &At<'_>) -> Result<MlDatasetInput> {
    let tags: BTreeMap<String, String> = key_values(input, "tags")?.into_iter().collect();
    let d = input.obj("dataset")?.ok_or_else(|| missing(input, "dataset", "the input's dataset"))?;
    let source = d.str("source")?;
    let place = match source.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(text) => source_place(text).map_err(|found| FieldError {
            path: d.key_path("source"),
            message: format!(
                "expected the dataset source as JSON text (MLflow writes it as a JSON object in a string, such as {{\"uri\": \"s3://…\"}}), found {found}"
            ),
        })?,
    };
    Ok(MlDatasetInput {
        name: d.str("name")?.unwrap_or_default(),
        digest: d.str("digest")?,
        source_type: d.str("source_type")?,
        place,
        context: tags.get("mlflow.data.context").cloned(),
        tags,
        path: input.path.clone(),
    })
}

/// The place a dataset `source` names: its `uri`, else `url`, `path`, `delta_table_name` or `table_name`; `None`
/// for a source that names no place (code, a pandas frame). Err: the text is not a JSON object.
fn source_place(text: &str) -> std::result::Result<Option<String>, String> {
    let shown = || {
        let short: String = text.chars().take(60).collect();
        format!("{short:?}")
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(["uri", "url", "path", "delta_table_name", "table_name"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str).filter(|s| !s.is_empty()))
            .map(str::to_owned)),
        Ok(other) => Err(format!("{} ({})", shown(), crate::read::json::kind(&other))),
        Err(_) => Err(format!("{} (not JSON)", shown())),
    }
}

fn read_version(v: &At<'_>, mut origin: Origin) -> Result<MlModelVersion> {
    origin.path = v.path.clone();
    let mut aliases = Vec::new();
    for (i, a) in v.array("aliases")?.into_iter().enumerate() {
        match a {
            Value::String(s) => aliases.push(s.clone()),
            _ => return Err(wrong_at(format!("{}[{i}]", v.key_path("aliases")), "an alias name (a string)", a)),
        }
    }
    Ok(MlModelVersion {
        name: v.req_str("name")?,
        version: version_text(v, "version")?,
        created_at: millis(v, "creation_timestamp")?,
        updated_at: millis(v, "last_updated_timestamp")?,
        user_id: v.str("user_id")?.filter(|u| !u.is_empty()),
        stage: v.str("current_stage")?.filter(|s| !s.is_empty() && s != "None"),
        description: v.str("description")?.filter(|s| !s.is_empty()),
        source: v.str("source")?.filter(|s| !s.is_empty()),
        run_id: v.str("run_id")?.filter(|s| !s.is_empty()),
        status: v.str("status")?,
        tags: key_values(v, "tags")?.into_iter().collect(),
        aliases,
        model_id: v.str("model_id")?.filter(|s| !s.is_empty()),
        listed: false,
        origin,
    })
}

/// A version number as MLflow writes it (a string of digits; a number is read too).
fn version_text(at: &At<'_>, key: &str) -> Result<String> {
    match at.get(key) {
        Some(Value::Number(n)) if n.is_u64() => Ok(n.to_string()),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => Ok(s.clone()),
        Some(other) => Err(wrong_at(at.key_path(key), "a version number (digits)", other)),
        None => Err(missing(at, key, "the version number")),
    }
}

fn read_registered_model(m: &At<'_>, mut origin: Origin) -> Result<Vec<MlflowDoc>> {
    origin.path = m.path.clone();
    let model = m.req_str("name")?;
    let mut aliases = Vec::new();
    for (i, item) in m.array("aliases")?.into_iter().enumerate() {
        let a = m.index("aliases", i, item)?;
        aliases.push((a.req_str("alias")?, version_text(&a, "version")?));
    }
    let mut out = vec![MlflowDoc::Aliases { model, aliases, origin: origin.clone() }];
    for (i, item) in m.array("latest_versions")?.into_iter().enumerate() {
        let mut version = read_version(&m.index("latest_versions", i, item)?, origin.clone())?;
        version.listed = true;
        out.push(MlflowDoc::ModelVersion(Box::new(version)));
    }
    Ok(out)
}

fn read_logged_model(m: &At<'_>, mut origin: Origin) -> Result<MlLoggedModel> {
    let info = m.obj("info")?.ok_or_else(|| missing(m, "info", "the logged model's info object"))?;
    origin.path = m.path.clone();
    Ok(MlLoggedModel {
        model_id: info.req_str("model_id")?,
        name: info.str("name")?,
        artifact_uri: info.str("artifact_uri")?,
        source_run_id: info.str("source_run_id")?.filter(|s| !s.is_empty()),
        status: info.str("status")?,
        model_type: info.str("model_type")?.filter(|s| !s.is_empty()),
        created_at: millis(&info, "creation_timestamp_ms")?,
        origin,
    })
}

fn missing(at: &At<'_>, key: &str, what: &str) -> FieldError {
    FieldError { path: at.key_path(key), message: format!("required field is missing (expected {what})") }
}

fn wrong(at: &At<'_>, key: &str, expected: &str) -> FieldError {
    let found = at.get(key).map_or("nothing", crate::read::json::kind);
    FieldError { path: at.key_path(key), message: format!("expected {expected}, found {found}") }
}

fn wrong_at(path: String, expected: &str, found: &Value) -> FieldError {
    FieldError { path, message: format!("expected {expected}, found {}", crate::read::json::kind(found)) }
}
