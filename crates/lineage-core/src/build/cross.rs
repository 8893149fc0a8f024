//! One graph across systems: OpenLineage runs (and Marquez jobs and runs) become vertices beside SageMaker's, and
//! a dataset that names the same place as a SageMaker artifact *is* that artifact. Every such join is listed with
//! both identities and its rule; an ambiguous one is a warning and joins nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use rustc_hash::FxHashSet;
use serde_json::Value;

use super::state::Loader;
use crate::model::openlineage::{self, glue_table, location_key, Dataset, Name, Run};
use crate::model::Origin;
use crate::model::System;
use crate::model::{AssociationType, Edge, EntityDetails, Join, LineageType, TextMap};

/// Facets whose fields become properties of their vertex by name; any other facet is kept whole as
/// `facet.NAME` (JSON text), so the details panel shows it.
const READ_FACETS: [&str; 17] = [
    PROPERTIES_FACET,
    METRICS_FACET,
    "version",
    "datasetType",
    "dataSource",
    "symlinks",
    "schema",
    "storage",
    "parent",
    "sourceCodeLocation",
    "jobType",
    "ownership",
    "errorMessage",
    "nominalTime",
    "processing_engine",
    "metrics",
    "dvc",
];

/// Run facets whose fields are the run's parameters (hyperparameters of a training run).
const PARAMETER_FACETS: [&str; 3] = ["executionParameters", "parameters", "hyperparameters"];

pub(crate) use crate::model::openlineage::PROPERTIES_FACET;

/// The run facet those readers put a run's metrics in: `{NAME: {"value": number, "source": "step 9"}}`.
pub(crate) const METRICS_FACET: &str = "lineageAuditMetrics";

/// The vertex ID prefix of a system's runs and jobs: `openlineage:`, `mlflow:`, `dvc:`.
fn prefix(system: System) -> &'static str {
    match system {
        System::MLflow => "mlflow",
        System::Dvc => "dvc",
        System::SageMaker | System::OpenLineage | System::Marquez => "openlineage",
    }
}

/// The vertex ID of a run: `openlineage:run/{runId}`, `mlflow:run/{runId}`; a DVC run ID names its kind
/// itself (`dvc:stage/REPO/STAGE`, `dvc:import/REPO/PATH.dvc`).
pub fn run_id(system: System, run: &str) -> String {
    match system {
        System::Dvc => format!("dvc:{run}"),
        _ => format!("{}:run/{run}", prefix(system)),
    }
}

/// The vertex ID of a job (static lineage): `openlineage:job/{namespace}/{name}` (`mlflow:job/…`, `dvc:job/…`).
pub fn job_id(system: System, job: &Name) -> String {
    format!("{}:job/{}", prefix(system), job.id())
}

/// Merges the OpenLineage events and Marquez responses read into the graph (after SageMaker's vertices and
/// edges are in, before roles are classified).
pub(super) fn merge_cross_system(l: &mut Loader) {
    let events = std::mem::take(&mut l.lineage_events);
    if events.is_empty() {
        return;
    }
    let merged = openlineage::merge(events);
    let mut places = Places::of_sagemaker(l);
    let versions = Versions::of(&merged);
    let mut datasets: BTreeMap<String, Dataset> = BTreeMap::new();
    let mentions =
        merged.runs.values().chain(merged.jobs.values()).flat_map(|r| r.inputs.values().chain(r.outputs.values()));
    for d in merged.datasets.values().chain(mentions) {
        match datasets.entry(versions.vertex_id(d)) {
            std::collections::btree_map::Entry::Occupied(mut have) => have.get_mut().absorb_ref(d),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(d.clone());
            }
        }
    }
    let vertex: BTreeMap<String, NodeIndex> =
        datasets.iter().map(|(id, d)| (id.clone(), dataset_vertex(l, id, d, &mut places))).collect();
    let mut added = FxHashSet::default();
    for run in merged.runs.values() {
        let ix = run_vertex(l, run, LineageType::TrialComponent, &run_id(run.system, &run.run_id));
        link_run(l, run, ix, &vertex, &versions, &mut added);
    }
    for job in merged.jobs.values() {
        let ix = run_vertex(l, job, LineageType::Action, &job_id(job.system, &job.job));
        link_run(l, job, ix, &vertex, &versions, &mut added);
    }
    for run in merged.runs.values() {
        link_parent(l, run, &mut added);
    }
}

/// The vertex of a dataset: the one SageMaker artifact (or other dataset) naming the same place, else its own
/// (with ID `id`).
fn dataset_vertex(l: &mut Loader, id: &str, d: &Dataset, places: &mut Places) -> NodeIndex {
    let id = id.to_owned();
    let keys = keys_of(d);
    let version = d.version().map(str::to_owned);
    let found = places.find(&keys, &version);
    let ix = match found.as_slice() {
        [(ix, rule)] => {
            let (ix, rule) = (*ix, *rule);
            let vertex = l.graph.graph[ix].arn.to_string();
            if vertex != id {
                l.graph.cross_joins.push(Join { vertex, described: id.clone(), how: rule.to_owned() });
                l.graph.aliases.insert(id.clone(), ix);
            }
            ix
        }
        [] => new_dataset(l, &id, d),
        many => {
            let mut arns: Vec<String> = many.iter().map(|(ix, _)| l.graph.graph[*ix].arn.to_string()).collect();
            arns.sort();
            l.warnings.push(format!(
                "{} dataset {id} names the same place as {} vertices ({}): joined to none of them",
                d.system.as_str(),
                many.len(),
                arns.join(", ")
            ));
            new_dataset(l, &id, d)
        }
    };
    fill_dataset(l, ix, d);
    for key in &keys {
        places.own.entry((key.clone(), version.clone())).or_insert(ix);
    }
    feature_group_join(l, ix, &id, &keys);
    ix
}

fn new_dataset(l: &mut Loader, id: &str, d: &Dataset) -> NodeIndex {
    let untyped = match d.system {
        System::MLflow => "MLflowDataset",
        System::Dvc => "DvcData",
        System::SageMaker | System::OpenLineage | System::Marquez => "OpenLineageDataset",
    };
    let entity_type = d.dataset_type().unwrap_or(untyped).to_owned();
    let (ix, _) = l.declare(id, Some(LineageType::Artifact), Some(&entity_type));
    let node = &mut l.graph.graph[ix];
    node.system = d.system;
    node.details = Some(Box::new(EntityDetails {
        described: true,
        name: Some(d.facet_str(PROPERTIES_FACET, "display_name").map_or_else(|| display_name(&d.name), str::to_owned)),
        source_uri: Some(place_of(d)),
        ..Default::default()
    }));
    ix
}

/// Adds the dataset's facets as properties its vertex does not have yet (a SageMaker artifact keeps its own).
fn fill_dataset(l: &mut Loader, ix: NodeIndex, d: &Dataset) {
    let node = &mut l.graph.graph[ix];
    let details = node.details.get_or_insert_with(Default::default);
    for (k, v) in dataset_properties(d) {
        if !details.properties.contains_key(&k) {
            details.properties.insert(k, v);
        }
    }
}

/// A dataset that is a described feature group's offline store (its Glue table or a place inside its S3
/// store) is that feature group: listed as a join, and the vertex plays the feature-store version.
fn feature_group_join(l: &mut Loader, ix: NodeIndex, id: &str, keys: &[String]) {
    let records = &l.graph.records;
    let hit = keys.iter().find_map(|k| {
        let (uri, how) = match glue_table(k) {
            Some(t) => (glue_arn(k), format!("Glue table {t} is the offline store of feature group")),
            None => (k.clone(), format!("{k} is inside the offline store of feature group")),
        };
        let g = records.feature_group_of(&uri)?;
        let source = if glue_table(k).is_some() { "DataCatalogConfig" } else { "S3StorageConfig" };
        Some((g.arn.clone(), format!("{how} {} (DescribeFeatureGroup OfflineStoreConfig.{source})", g.name)))
    });
    if let Some((arn, how)) = hit {
        l.graph.feature_group_vertices.insert(ix, arn.clone());
        l.graph.cross_joins.push(Join { vertex: arn, described: id.to_owned(), how });
    }
}

/// A run's (or a static job's) vertex with what its facets say.
fn run_vertex(l: &mut Loader, run: &Run, lineage_type: LineageType, id: &str) -> NodeIndex {
    let entity_type = run.job_str("jobType", "jobType").unwrap_or(match lineage_type {
        LineageType::Action => "Job",
        _ => "Run",
    });
    let entity_type = entity_type.to_owned();
    let (ix, _) = l.declare(id, Some(lineage_type), Some(&entity_type));
    let node = &mut l.graph.graph[ix];
    node.system = run.system;
    let mut details = EntityDetails {
        described: true,
        name: Some(run.job.name.clone()),
        source_uri: Some(run.job.id()),
        status: (lineage_type == LineageType::TrialComponent).then(|| run.state.as_str().to_owned()),
        // DVC records no run times (a commit's date is when it was committed, not run).
        start_time: run.started_at.filter(|_| run.system != System::Dvc),
        end_time: run.ended_at.filter(|_| run.system != System::Dvc),
        properties: run_properties(run),
        parameters: parameters(run),
        metrics: metrics(run),
        ..Default::default()
    };
    let repo = run.job_str("sourceCodeLocation", "repoUrl").or_else(|| run.job_str("sourceCodeLocation", "url"));
    if let Some(commit) = run.job_str("sourceCodeLocation", "version") {
        details.metadata.insert("CommitId".into(), commit.to_owned());
        if let Some(repo) = repo {
            details.metadata.insert("Repository".into(), repo.to_owned());
        }
    } else if let (System::Dvc, Some(repo)) = (run.system, repo) {
        details.metadata.insert("Repository".into(), repo.to_owned());
    }
    if let Some(note) = run.job_str("sourceCodeLocation", "note") {
        details.metadata.insert("Note".into(), note.to_owned());
    }
    node.details = Some(Box::new(details));
    ix
}

/// Inputs `ContributedTo` the run, the run `Produced` its outputs; each edge says which run recorded it, where.
fn link_run(
    l: &mut Loader,
    run: &Run,
    ix: NodeIndex,
    vertex: &BTreeMap<String, NodeIndex>,
    versions: &Versions,
    added: &mut FxHashSet<(NodeIndex, NodeIndex)>,
) {
    let what = if l.graph.graph[ix].lineage_type == Some(LineageType::Action) { "job" } else { "run" };
    let by = recorded_by(run, what);
    for d in run.inputs.values() {
        let from = vertex[&versions.vertex_id(d)];
        add_cross_edge(l, from, ix, AssociationType::ContributedTo, run.system, &by, added);
    }
    for d in run.outputs.values() {
        let to = vertex[&versions.vertex_id(d)];
        add_cross_edge(l, ix, to, AssociationType::Produced, run.system, &by, added);
    }
}

/// A run `AssociatedWith` its parent run (an Airflow task with its DAG run), when the parent's events are here.
fn link_parent(l: &mut Loader, run: &Run, added: &mut FxHashSet<(NodeIndex, NodeIndex)>) {
    let (Some(parent), _) = run.parent_and_root() else { return };
    let (Some(&child), Some(&parent)) = (
        l.graph.by_arn.get(run_id(run.system, &run.run_id).as_str()),
        l.graph.by_arn.get(run_id(run.system, parent).as_str()),
    ) else {
        return;
    };
    let by = recorded_by(run, "run");
    add_cross_edge(l, child, parent, AssociationType::AssociatedWith, run.system, &by, added);
}

/// Adds an association another system recorded, once (a run's vertex is new, so no SageMaker edge repeats it).
fn add_cross_edge(
    l: &mut Loader,
    src: NodeIndex,
    dst: NodeIndex,
    t: AssociationType,
    system: System,
    by: &Arc<str>,
    added: &mut FxHashSet<(NodeIndex, NodeIndex)>,
) {
    if !added.insert((src, dst)) {
        return;
    }
    let e = l.graph.graph.add_edge(src, dst, Edge { association_type: Some(t) });
    l.graph.recorded_by.insert(e, (system, by.clone()));
}

/// Where a run's (or a static job's) events were read: `OpenLineage run ID (job) in FILE lines L, M`, `Marquez job
/// JOB in FILE at graph[4].data`.
fn recorded_by(run: &Run, what: &str) -> Arc<str> {
    let mut files: BTreeMap<&str, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for Origin { file, line, path } in &run.origins {
        let (lines, paths) = files.entry(file.as_str()).or_default();
        match line {
            Some(l) => lines.push(l.to_string()),
            None if !path.is_empty() => paths.push(path.clone()),
            None => {}
        }
    }
    let places: Vec<String> = files
        .into_iter()
        .map(|(file, (mut lines, mut paths))| {
            lines.dedup();
            paths.dedup();
            let mut at = Vec::new();
            match lines.len() {
                0 => {}
                1 => at.push(format!("line {}", lines[0])),
                _ => at.push(format!("lines {}", lines.join(", "))),
            }
            if !paths.is_empty() {
                at.push(format!("at {}", paths.join(", ")));
            }
            if at.is_empty() {
                file.to_owned()
            } else {
                format!("{file} {}", at.join(" "))
            }
        })
        .collect();
    let system = run.system.as_str();
    match what {
        "job" => format!("{system} job {} in {}", run.job.id(), places.join("; ")).into(),
        _ => format!("{system} run {} ({}) in {}", run.run_id, run.job.id(), places.join("; ")).into(),
    }
}

/// A dataset's name as people say it: a Glue table as `database.table`, else its OpenLineage name.
fn display_name(n: &Name) -> String {
    match location_key(&n.id()).as_deref().and_then(glue_table) {
        Some(table) => table.to_owned(),
        None => n.name.clone(),
    }
}

/// The places a dataset names: its own identity and its symlinks', as [`location_key`]s.
fn keys_of(d: &Dataset) -> Vec<String> {
    let mut keys: Vec<String> =
        std::iter::once(d.name.clone()).chain(d.symlinks()).filter_map(|n| location_key(&n.id())).collect();
    keys.dedup();
    keys
}

/// The source URI of a dataset's own vertex: its S3 place (`s3://bucket/key`, s3a/s3n folded), a Glue table as
/// its ARN (`arn:aws:glue:R:A:table/D/T`), else its identity.
fn place_of(d: &Dataset) -> String {
    let id = d.name.id();
    match location_key(&id) {
        Some(k) if k.starts_with("s3://") => k,
        Some(k) if k.starts_with("glue:") => glue_arn(&k),
        _ => id,
    }
}

/// A Glue [`location_key`] as the table's ARN: `arn:aws:glue:R:A:table/D/T`.
fn glue_arn(key: &str) -> String {
    let mut parts = key.trim_start_matches("glue:").splitn(3, ':');
    let (account, region, table) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (db, table) = table.split_once('.').unwrap_or((table, ""));
    format!("arn:aws:glue:{region}:{account}:table/{db}/{table}")
}

/// Properties of a dataset vertex from its facets.
fn dataset_properties(d: &Dataset) -> TextMap {
    let mut p = TextMap::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            p.insert(k.to_owned(), v);
        }
    };
    put("version", d.version().map(str::to_owned));
    put("dataset_type", d.dataset_type().map(str::to_owned));
    put("openlineage_dataset", Some(d.name.id()));
    put(
        "data_source",
        d.facet_str("dataSource", "uri").or_else(|| d.facet_str("dataSource", "name")).map(str::to_owned),
    );
    put(
        "storage",
        d.facet_str("storage", "storageLayer").map(|s| match d.facet_str("storage", "fileFormat") {
            Some(f) => format!("{s} ({f})"),
            None => s.to_owned(),
        }),
    );
    let symlinks: Vec<String> = d.symlinks().iter().map(Name::id).collect();
    put("symlinks", (!symlinks.is_empty()).then(|| symlinks.join(", ")));
    let schema = d.facets.get("schema").and_then(openlineage::facet_tree);
    let fields = schema.as_deref().and_then(|s| s.get("fields")).and_then(Value::as_array);
    let names: Vec<String> = fields
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let name = f.get("name")?.as_str()?;
            Some(match f.get("type").and_then(Value::as_str) {
                Some(t) => format!("{name} {t}"),
                None => name.to_owned(),
            })
        })
        .collect();
    put("schema", (!names.is_empty()).then(|| names.join(", ")));
    for (k, v) in d.facets.get("dvc").and_then(Value::as_object).into_iter().flatten() {
        put(k, Some(text(v)));
    }
    own_properties(&d.facets, &mut p);
    unknown_facets(&d.facets, &mut p);
    p
}

/// What this tool's readers of other systems put in [`PROPERTIES_FACET`], as properties.
fn own_properties(facets: &BTreeMap<String, Value>, p: &mut TextMap) {
    let own = facets.get(PROPERTIES_FACET).and_then(Value::as_object);
    for (k, v) in own.into_iter().flatten().filter(|(k, _)| k.as_str() != "display_name") {
        if let Some(v) = v.as_str().filter(|v| !v.is_empty()) {
            p.insert(k.clone(), v.to_owned());
        }
    }
}

/// A run's metrics from [`METRICS_FACET`]: each value, and where it was read as property `metric_source.NAME`
/// (set in [`run_properties`]).
/// Also the numbers of a `metrics` facet (an object of values: DVC names each `FILE:KEY`).
fn metrics(run: &Run) -> crate::model::NumberMap {
    let facet = run.run_facets.get(METRICS_FACET).and_then(Value::as_object);
    let sourced = facet.into_iter().flatten().filter_map(|(k, v)| Some((k.clone(), v.get("value")?.as_f64()?)));
    let plain = run.run_facets.get("metrics").and_then(Value::as_object).into_iter().flatten();
    sourced.chain(plain.filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))).collect()
}

/// Properties of a run vertex from its run and job facets.
fn run_properties(run: &Run) -> TextMap {
    let mut p = TextMap::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            p.insert(k.to_owned(), v.to_owned());
        }
    };
    put("run_id", Some(&run.run_id));
    put("job", Some(&run.job.id()));
    put("producer", Some(&run.producer));
    put("state", Some(run.state.as_str()));
    let (parent, root) = run.parent_and_root();
    put("parent_run", parent);
    put("root_run", root);
    put("nominal_start_time", run.run_str("nominalTime", "nominalStartTime"));
    put("error_message", run.run_str("errorMessage", "message"));
    put("processing_engine", run.run_str("processing_engine", "name"));
    put("processing_engine_version", run.run_str("processing_engine", "version"));
    put("job_type", run.job_str("jobType", "jobType"));
    put("integration", run.job_str("jobType", "integration"));
    put("processing_type", run.job_str("jobType", "processingType"));
    put("source_code_url", run.job_str("sourceCodeLocation", "url"));
    put("source_code_version", run.job_str("sourceCodeLocation", "version"));
    put("script", run.job_str("sourceCodeLocation", "path"));
    put("script_md5", run.job_str("sourceCodeLocation", "scriptMd5"));
    for (k, v) in run.run_facets.get("dvc").and_then(Value::as_object).into_iter().flatten() {
        put(k, v.as_str());
    }
    let owners: Vec<&str> =
        (run.job_facets.get("ownership").and_then(|o| o.get("owners")).and_then(Value::as_array).into_iter().flatten())
            .filter_map(|o| o.get("name")?.as_str())
            .collect();
    let owners = owners.join(", ");
    put("owners", Some(&owners));
    own_properties(&run.run_facets, &mut p);
    let metric_facet = run.run_facets.get(METRICS_FACET).and_then(Value::as_object);
    for (k, v) in metric_facet.into_iter().flatten() {
        if let Some(source) = v.get("source").and_then(Value::as_str) {
            p.insert(format!("metric_source.{k}"), source.to_owned());
        }
    }
    let mut all = run.run_facets.clone();
    all.extend(run.job_facets.iter().map(|(k, v)| (k.clone(), v.clone())));
    all.retain(|k, _| !PARAMETER_FACETS.contains(&k.as_str()));
    unknown_facets(&all, &mut p);
    p
}

/// Facets no field above reads, kept whole as `facet.NAME`.
fn unknown_facets(facets: &BTreeMap<String, Value>, p: &mut TextMap) {
    for (k, v) in facets {
        if !READ_FACETS.contains(&k.as_str()) {
            p.insert(format!("facet.{k}"), openlineage::facet_text(v));
        }
    }
}

/// A run's parameters: the fields of its parameter facets (`executionParameters`: `parameters[]` of `key`/`value`
/// or an object of values).
fn parameters(run: &Run) -> TextMap {
    let mut out = TextMap::new();
    for facet in PARAMETER_FACETS.iter().filter_map(|f| run.run_facets.get(*f)) {
        let list = facet.get("parameters").and_then(Value::as_array);
        for p in list.into_iter().flatten() {
            let key = p.get("key").or_else(|| p.get("name")).and_then(Value::as_str);
            if let (Some(k), Some(v)) = (key, p.get("value")) {
                out.insert(k.to_owned(), text(v));
            }
        }
        if list.is_none() {
            for (k, v) in facet.as_object().into_iter().flatten().filter(|(k, _)| !k.starts_with('_')) {
                out.insert(k.clone(), text(v));
            }
        }
    }
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Which datasets the events name in more than one version: each version of those is a vertex of its own
/// (`{namespace}/{name}@{version}`), so a run's input keeps the version that run read.
struct Versions {
    several: BTreeSet<String>,
}

impl Versions {
    fn of(m: &openlineage::Merged) -> Versions {
        // Mentions without a version (a DatasetEvent's ownership, a static job's inputs) do not make a dataset
        // versioned: they join its one version, or its plain vertex when there are several.
        let mut seen: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        let mentions = m.runs.values().chain(m.jobs.values()).flat_map(|r| r.inputs.values().chain(r.outputs.values()));
        for d in m.datasets.values().chain(mentions) {
            seen.entry(d.name.id()).or_default().extend(d.version());
        }
        Versions { several: seen.into_iter().filter(|(_, v)| v.len() > 1).map(|(id, _)| id).collect() }
    }

    /// The vertex ID of a dataset as one event names it.
    fn vertex_id(&self, d: &Dataset) -> String {
        let id = d.name.id();
        match d.version() {
            Some(v) if self.several.contains(&id) => format!("{id}@{v}"),
            _ => id,
        }
    }
}

/// SageMaker vertices by the place their source URI names, and the datasets given vertices so far.
struct Places {
    sagemaker: BTreeMap<String, BTreeSet<NodeIndex>>,
    /// By place and version: two versions of one place are two vertices.
    own: BTreeMap<(String, Option<String>), NodeIndex>,
}

impl Places {
    fn of_sagemaker(l: &Loader) -> Places {
        let mut sagemaker: BTreeMap<String, BTreeSet<NodeIndex>> = BTreeMap::new();
        for ix in l.graph.graph.node_indices() {
            let Some(key) = l.graph.graph[ix].source_uri().and_then(location_key) else { continue };
            if key.starts_with("s3://") || key.starts_with("glue:") {
                sagemaker.entry(key).or_default().insert(ix);
            }
        }
        Places { sagemaker, own: BTreeMap::new() }
    }

    /// The vertices any of `keys` names, each with the rule that joins it.
    fn find(&self, keys: &[String], version: &Option<String>) -> Vec<(NodeIndex, &'static str)> {
        let mut found: BTreeMap<NodeIndex, &'static str> = BTreeMap::new();
        for (i, key) in keys.iter().enumerate() {
            for &ix in self.sagemaker.get(key).into_iter().flatten() {
                found.entry(ix).or_insert(if i == 0 { RULE_SAME_PLACE } else { RULE_SYMLINK });
            }
        }
        if found.is_empty() {
            for (i, key) in keys.iter().enumerate() {
                if let Some(&ix) = self.own.get(&(key.clone(), version.clone())) {
                    found.entry(ix).or_insert(if i == 0 { RULE_SAME_PLACE } else { RULE_SYMLINK });
                }
            }
        }
        found.into_iter().collect()
    }
}

const RULE_SAME_PLACE: &str =
    "same place (OpenLineage naming spec: {namespace}/{name}; s3a:// and s3n:// are s3://; a trailing / does not matter)";
const RULE_SYMLINK: &str = "same place through the dataset's symlinks facet (a Glue table and its S3 location)";
