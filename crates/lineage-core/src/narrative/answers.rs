//! The answers to the first questions: the model version, the training jobs and their datasets, the upstream
//! sources of each dataset, and the code; each with the vertices, edges and descriptions it rests on, and a gap for
//! each link the export does not hold.

use std::collections::BTreeMap;

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::Direction as PgDirection;

use super::context::Ctx;
use super::pipeline::pipeline_training_vertex;
use super::report::{
    CodeAnswer, DatasetAnswer, Evidence, EvidenceEdge, Gap, MetricReport, ModelVersion, PipelineAnswer, Question,
    RecordedBy, RecordedFact, RecordedModel, SourceKind, TrainingJobAnswer, UpstreamSource,
};
use crate::model::roles::Role;
use crate::model::{resource_name, Node};
use crate::query::{nearest_upstream, sort_edges, walk};

/// The model version (question 1): the model package the focus stands for, as its description (else its ARN) names it.
pub(super) fn model_version(cx: &Ctx) -> (ModelVersion, Vec<Gap>) {
    let node = cx.node(cx.focus);
    let other_system = node.system != crate::model::System::SageMaker;
    if other_system && matches!(cx.role(cx.focus), Role::ModelData | Role::ModelPackage) {
        return recorded_model_version(cx);
    }
    let mut gaps = Vec::new();
    if cx.role(cx.focus) != Role::ModelPackage {
        let what = cx.arn(cx.focus);
        gaps.push(Gap::new(
            Question::ModelVersion,
            format!("No model package is linked to {what}: the model version cannot be named."),
            "a ContributedTo association from the model artifact to the model-package artifact (SageMaker adds it when the model is registered), and that artifact's DescribeArtifact response",
        ));
        return (ModelVersion::default(), gaps);
    }
    let arn = cx.g.package_of.get(&cx.focus).cloned();
    let described = cx.g.package(cx.focus);
    let (group, version) = match (described, arn.as_deref()) {
        (Some(p), _) => (p.group.clone(), p.version),
        (None, Some(a)) => match resource_name(a).rsplit_once('/') {
            Some((grp, v)) => (Some(grp.to_owned()), v.parse().ok()),
            None => (None, None),
        },
        (None, None) => (None, None),
    };
    let mut evidence = Evidence { vertices: vec![cx.arn(cx.focus)], ..Default::default() };
    if let Some(p) = described {
        evidence.descriptions.push(p.arn.clone());
    }
    if arn.is_none() {
        let v = cx.arn(cx.focus);
        gaps.push(Gap::new(
            Question::ModelVersion,
            format!("Vertex {v} plays the model package, but no source URI names its model-package ARN."),
            "the vertex's DescribeArtifact/DescribeContext response (Source.SourceUri = the model-package ARN)",
        ));
    }
    let answer = ModelVersion {
        name: described.map(|p| p.name.clone()).or_else(|| arn.as_deref().map(|a| resource_name(a).to_owned())),
        approval_status: described.and_then(|p| p.approval_status.clone()),
        arn,
        group,
        version,
        vertex: Some(cx.arn(cx.focus)),
        model_data: described.map(|p| p.model_data_urls.clone()).unwrap_or_default(),
        metric_reports: described
            .map(|p| p.metric_reports.iter().map(|(name, uri)| MetricReport { name: name.clone(), uri: uri.clone() }))
            .into_iter()
            .flatten()
            .collect(),
        recorded_model: None,
        evidence,
    };
    (answer, gaps)
}

/// Properties of another system's model shown with its version, in this order.
const RECORDED_FACTS: [&str; 12] = [
    "registered_model",
    "aliases",
    "stage",
    "status",
    "model_id",
    "source",
    "run_id",
    "path",
    "md5",
    "size",
    "content_address",
    "commit",
];

/// The model version another system records (an OpenLineage dataset of type MODEL, an MLflow registered model
/// version, a DVC model): its name and version, and the registration step that made it, if one did.
fn recorded_model_version(cx: &Ctx) -> (ModelVersion, Vec<Gap>) {
    let n = cx.node(cx.focus);
    let mut gaps = Vec::new();
    let dataset = n.property("openlineage_dataset").unwrap_or(&n.arn).to_owned();
    // DVC's version facet is the model's md5, shown as a fact: never presented as a version number.
    let version = n.property("version").filter(|_| n.system != crate::model::System::Dvc).map(str::to_owned);
    let no_version = (n.system == crate::model::System::Dvc).then(|| {
        "DVC keeps no model registry: no version number exists. The model is identified by its path and content hash (md5) at the commit of its dvc.lock.".to_owned()
    });
    if version.is_none() && no_version.is_none() {
        gaps.push(Gap::new(
            Question::ModelVersion,
            format!("{} dataset {dataset} records no version: the model version cannot be named.", n.system.as_str()),
            "a version facet (datasetVersion) on the model dataset in the run's output",
        ));
    }
    let facts = RECORDED_FACTS
        .iter()
        .filter_map(|k| Some(RecordedFact { name: (*k).to_owned(), value: n.property(k)?.to_owned() }))
        .collect();
    let mut evidence = Evidence { vertices: vec![cx.arn(cx.focus)], ..Default::default() };
    let (registered_by, model_data) = registration(cx, &mut evidence);
    let model_data =
        if registered_by.is_some() { model_data } else { n.source_uri().map(str::to_owned).into_iter().collect() };
    let answer = ModelVersion {
        name: Some(n.property("registered_model").unwrap_or(n.name()).to_owned()),
        vertex: Some(cx.arn(cx.focus)),
        model_data,
        recorded_model: Some(RecordedModel { system: n.system, dataset, version, facts, registered_by, no_version }),
        evidence,
        ..Default::default()
    };
    (answer, gaps)
}

/// The registration step that produced the focus (a run whose only inputs are models), and the model data it
/// registered (their source URIs, else their vertices); the run and its edges go to the evidence.
fn registration(cx: &Ctx, evidence: &mut Evidence) -> (Option<String>, Vec<String>) {
    let pg = cx.g.petgraph();
    let mut runs: Vec<NodeIndex> = pg
        .neighbors_directed(cx.focus, PgDirection::Incoming)
        .filter(|&r| cx.node(r).property(crate::model::MODEL_STEP) == Some("registration"))
        .collect();
    cx.g.sort_by_arn(&mut runs);
    let Some(&run) = runs.first() else { return (None, Vec::new()) };
    let mut data: Vec<NodeIndex> =
        pg.neighbors_directed(run, PgDirection::Incoming).filter(|&m| cx.role(m) == Role::ModelData).collect();
    cx.g.sort_by_arn(&mut data);
    for &m in &data {
        let ev = path_evidence(cx, m, cx.focus);
        evidence.vertices.extend(ev.vertices);
        evidence.edges.extend(ev.edges);
    }
    evidence.vertices.sort();
    evidence.vertices.dedup();
    evidence.edges.sort();
    evidence.edges.dedup();
    let r = cx.node(run);
    let by = format!("{} {} ({})", r.system.as_str(), r.name(), r.arn);
    let uris = data.iter().map(|&m| cx.node(m).source_uri().map_or_else(|| cx.arn(m), str::to_owned)).collect();
    (Some(by), uris)
}

/// The training jobs nearest upstream of the focus, each with its vertex.
/// When no lineage path names one, the job of the pipeline's training step (see
/// [`pipeline_training_vertex`]), its execution then in the evidence.
pub(super) fn training_jobs(
    cx: &Ctx,
    pipeline: Option<&PipelineAnswer>,
) -> (Vec<(NodeIndex, TrainingJobAnswer)>, Vec<Gap>) {
    let vertices = nearest_upstream(cx.g, cx.focus, Role::TrainingJob);
    if let (true, Some(p)) = (vertices.is_empty(), pipeline) {
        if let Some(t) = pipeline_training_vertex(cx, p) {
            let mut job = training_job(cx, t);
            job.evidence.descriptions.push(p.execution_arn.clone());
            return (vec![(t, job)], Vec::new());
        }
    }
    let mut gaps = Vec::new();
    if vertices.is_empty() {
        let focus = cx.arn(cx.focus);
        gaps.push(Gap::new(
            Question::TrainingJob,
            format!("No training job is recorded upstream of {focus}, so neither the training dataset nor the hyperparameters can be traced."),
            "a Produced association from the training job's trial component (…-aws-training-job) to the model artifact, and ContributedTo from the model artifact to the model package",
        ));
    }
    (vertices.into_iter().map(|t| (t, training_job(cx, t))).collect(), gaps)
}

fn training_job(cx: &Ctx, t: NodeIndex) -> TrainingJobAnswer {
    let n = cx.node(t);
    let details = n.details.as_deref();
    let mut evidence = path_evidence(cx, t, cx.focus);
    let (arn, name, ended_at, status, hyperparameters, metrics) = match cx.g.job(t) {
        Some(j) => {
            evidence.descriptions.push(j.arn.clone());
            let j = j.clone();
            (j.arn, j.name, j.ended_at, j.status, j.hyperparameters, j.metrics)
        }
        None => {
            let name = n.name();
            let name = name.strip_suffix("-aws-training-job").unwrap_or(name).to_owned();
            (
                n.arn.to_string(),
                name,
                details.and_then(|d| d.end_time),
                details.and_then(|d| d.status.clone()),
                details.map(|d| d.parameters.clone()).unwrap_or_default(),
                details.map(|d| d.metrics.clone()).unwrap_or_default(),
            )
        }
    };
    // A described job without numbers can still take them from its trial component.
    let hyperparameters = if hyperparameters.is_empty() {
        details.map(|d| d.parameters.clone()).unwrap_or_default()
    } else {
        hyperparameters
    };
    let metrics = if metrics.is_empty() { details.map(|d| d.metrics.clone()).unwrap_or_default() } else { metrics };
    let metric_sources = details
        .map(|d| {
            let sourced = d.properties.iter().filter_map(|(k, v)| Some((k.strip_prefix("metric_source.")?, v)));
            sourced.filter(|(k, _)| metrics.contains_key(*k)).map(|(k, v)| (k.to_owned(), v.clone())).collect()
        })
        .unwrap_or_default();
    TrainingJobAnswer {
        metric_sources,
        arn,
        name,
        ended_at,
        status,
        hyperparameters: ordered(&hyperparameters),
        metrics: ordered(&metrics),
        vertex: n.arn.to_string(),
        evidence,
    }
}

/// The training datasets (question 2): the direct inputs of each training job, each with its vertex.
pub(super) fn training_datasets(
    cx: &Ctx,
    jobs: &[(NodeIndex, TrainingJobAnswer)],
) -> (Vec<(NodeIndex, DatasetAnswer)>, Vec<Gap>) {
    let g = cx.g;
    let mut gaps = Vec::new();
    let mut datasets: Vec<(NodeIndex, DatasetAnswer)> = Vec::new();
    for (t, answer) in jobs {
        let mut inputs: Vec<NodeIndex> = g
            .petgraph()
            .neighbors_directed(*t, PgDirection::Incoming)
            .filter(|&p| cx.role(p) == Role::TrainingDataset)
            .collect();
        g.sort_by_arn(&mut inputs);
        inputs.dedup();
        for d in inputs {
            let n = cx.node(d);
            let evidence = path_evidence(cx, d, *t);
            datasets.push((
                d,
                DatasetAnswer {
                    arn: Some(cx.arn(d)),
                    uri: n.source_uri().map(str::to_owned),
                    channel: channel_of(g.job(*t), n.source_uri()),
                    properties: n.details.as_ref().map(|x| answer_properties(&x.properties)).unwrap_or_default(),
                    training_job: answer.arn.clone(),
                    recorded_by: recorded_by(&evidence),
                    evidence,
                },
            ));
        }
        if !datasets.iter().any(|(_, a)| a.training_job == answer.arn) {
            gaps.push(no_dataset_gap(cx, *t, answer));
        }
    }
    (datasets, gaps)
}

fn no_dataset_gap(cx: &Ctx, t: NodeIndex, job: &TrainingJobAnswer) -> Gap {
    let name = job.name.clone();
    let channels = cx.g.job(t).map(|j| j.inputs.values().cloned().collect::<Vec<_>>()).unwrap_or_default();
    let detail = if channels.is_empty() {
        format!("No dataset artifact is recorded as an input of training job {name}.")
    } else {
        format!(
            "No dataset artifact is recorded as an input of training job {name}; its DescribeTrainingJob names {} {}, but no DataSet vertex with that source URI is linked to it.",
            if channels.len() == 1 { "input channel" } else { "input channels" },
            channels.join(", ")
        )
    };
    Gap::new(
        Question::TrainingDataset,
        detail,
        "a ContributedTo association from the DataSet artifact (source URI = the channel's S3 URI) to the training job's trial component",
    )
}

/// The upstream sources of each dataset (question 3): one entry per source, however many datasets it went into.
pub(super) fn upstream_sources(cx: &Ctx, datasets: &[(NodeIndex, DatasetAnswer)]) -> (Vec<UpstreamSource>, Vec<Gap>) {
    let mut upstream: Vec<UpstreamSource> = Vec::new();
    let mut gaps = Vec::new();
    for (d, answer) in datasets {
        let mut found: Vec<NodeIndex> = walk(cx.g, *d, true, None)
            .into_iter()
            .map(|(ix, _)| ix)
            .filter(|&ix| {
                matches!(
                    cx.role(ix),
                    Role::FeatureStoreVersion | Role::ExclusionList | Role::RawData | Role::TrainingDataset
                ) || is_other_systems_dataset(cx, ix)
            })
            .collect();
        cx.g.sort_by_arn(&mut found);
        for &u in &found {
            let dataset = answer.arn.clone().unwrap_or_default();
            match upstream.iter_mut().find(|s| s.arn == *cx.node(u).arn) {
                Some(s) => s.datasets.push(dataset),
                None => upstream.push(upstream_source(cx, u, *d, dataset)),
            }
        }
        if !found.iter().any(|&u| cx.role(u) == Role::FeatureStoreVersion) {
            let uri = answer.uri.clone().unwrap_or_else(|| answer.arn.clone().unwrap_or_default());
            gaps.push(Gap::new(
                Question::UpstreamSources,
                format!("Which feature-store versions went into dataset {uri} was never recorded."),
                "a ContributedTo association from a FeatureStoreVersion artifact (source URI = the feature-group ARN, property version) to the dataset artifact, or the OpenLineage events of the job that wrote the dataset (its inputs with a version facet)",
            ));
        }
    }
    upstream.sort_by(upstream_order);
    for u in &upstream {
        if u.kind == SourceKind::FeatureStoreVersion && u.version.is_none() {
            gaps.push(Gap::new(
                Question::UpstreamSources,
                format!("Feature-store artifact {} does not say which version (snapshot) it was.", u.name),
                "a `version` property on the FeatureStoreVersion artifact",
            ));
        }
    }
    (upstream, gaps)
}

/// A dataset another system recorded at the start of the lineage (nothing recorded upstream of it) that the role
/// table gives no part, such as an MLflow assembly run's input: an upstream source of kind "other", not dropped.
/// One with its own upstream (a DVC import's local copy) is an intermediate: its sources are listed instead.
fn is_other_systems_dataset(cx: &Ctx, ix: NodeIndex) -> bool {
    let n = cx.node(ix);
    cx.role(ix) == Role::Other
        && n.system != crate::model::System::SageMaker
        && n.lineage_type == Some(crate::model::LineageType::Artifact)
        && cx.g.petgraph().neighbors_directed(ix, PgDirection::Incoming).next().is_none()
}

fn upstream_source(cx: &Ctx, u: NodeIndex, dataset: NodeIndex, dataset_arn: String) -> UpstreamSource {
    let n = cx.node(u);
    let kind = match cx.role(u) {
        Role::FeatureStoreVersion => SourceKind::FeatureStoreVersion,
        Role::ExclusionList => SourceKind::ExclusionList,
        Role::RawData => SourceKind::RawData,
        _ => SourceKind::Other,
    };
    let uri = n.source_uri().map(str::to_owned);
    let feature_group = n.source_uri().and_then(|u| cx.g.records.feature_group_of(u));
    let name = match (kind, uri.as_deref(), feature_group) {
        (SourceKind::FeatureStoreVersion, _, Some(group)) => group.name.clone(),
        (SourceKind::FeatureStoreVersion, Some(u), None) if u.contains(":feature-group/") => {
            u.rsplit('/').next().unwrap_or(u).to_owned()
        }
        _ => n.name().to_owned(),
    };
    let evidence = path_evidence(cx, u, dataset);
    UpstreamSource {
        recorded_by: recorded_by(&evidence),
        arn: n.arn.to_string(),
        kind,
        name,
        uri,
        version: version_of(n),
        datasets: vec![dataset_arn.clone()],
        dataset: dataset_arn,
        evidence,
    }
}

/// The code (question 4): the code-commit vertices upstream of the focus, then the commits the training jobs' and the
/// package's descriptions name (a commit already named by a vertex is not repeated).
/// Last, the pipeline parameters the role table marks as the commit.
pub(super) fn code(
    cx: &Ctx,
    code_vertices: &[NodeIndex],
    training: &[NodeIndex],
    pipeline: Option<&PipelineAnswer>,
) -> (Vec<CodeAnswer>, Vec<Gap>) {
    let mut out: Vec<CodeAnswer> = code_vertices
        .iter()
        .map(|&c| {
            let n = cx.node(c);
            CodeAnswer {
                repository: repository_of(n),
                commit: commit_of(n),
                arn: Some(n.arn.to_string()),
                source: "code-commit artifact".into(),
            }
        })
        .collect();
    for (m, source) in code_metadata(cx, training) {
        let commit = m.get("CommitId").cloned();
        let repository = m.get("Repository").cloned();
        if commit.is_none() && repository.is_none() {
            continue;
        }
        if !names_commit(&out, commit.as_deref()) {
            out.push(CodeAnswer { repository, commit, arn: None, source });
        }
    }
    for p in pipeline.into_iter() {
        for param in p.commit_parameters() {
            if !names_commit(&out, Some(&param.value)) {
                let source = format!("pipeline parameter {} of {}", param.name, p.label());
                out.push(CodeAnswer { repository: None, commit: Some(param.value.clone()), arn: None, source });
            }
        }
    }
    out.sort();
    out.dedup();
    let gaps = code_gaps(&out);
    (out, gaps)
}

/// The `MetadataProperties` of the training jobs (described, and their trial components) and the package.
fn code_metadata(cx: &Ctx, training: &[NodeIndex]) -> Vec<(crate::model::TextMap, String)> {
    let mut meta: Vec<(crate::model::TextMap, String)> = Vec::new();
    for &t in training {
        if let Some(j) = cx.g.job(t) {
            meta.push((j.metadata.clone(), "DescribeTrainingJob.MetadataProperties".into()));
        }
        let n = cx.node(t);
        if let Some(d) = n.details.as_ref() {
            let source = match (n.system, n.property("commit_from")) {
                (crate::model::System::SageMaker, _) => "DescribeTrialComponent.MetadataProperties".to_owned(),
                (_, Some(from)) => match n.property("source_name") {
                    Some(script) => format!("{from}; script {script}"),
                    None => from.to_owned(),
                },
                (other, None) => format!("{} sourceCodeLocation of {}", other.as_str(), n.arn),
            };
            let source = match d.metadata.get("Note") {
                Some(note) => format!("{source}: {note}"),
                None => source,
            };
            meta.push((d.metadata.clone(), source));
        }
    }
    if let Some(p) = cx.g.package(cx.focus) {
        meta.push((p.metadata.clone(), "DescribeModelPackage.MetadataProperties".into()));
    }
    meta
}

fn code_gaps(code: &[CodeAnswer]) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for c in code.iter().filter(|c| c.commit.is_none() && c.repository.is_none()) {
        let what = c.arn.clone().unwrap_or_else(|| c.source.clone());
        gaps.push(Gap::new(
            Question::Code,
            format!("Code-commit artifact {what} names neither a commit nor a repository (it was not described)."),
            "the artifact's DescribeArtifact response (Source.SourceUri = the commit URL, or properties commit and repository)",
        ));
    }
    for c in code.iter().filter(|c| c.commit.is_none() && c.arn.is_none()) {
        gaps.push(Gap::new(
            Question::Code,
            format!("The commit of the training code is not recorded ({}).", c.source),
            "the commit the run's code was at: for DVC, the repository's git history (its .git folder beside dvc.lock), from which the commit that last changed dvc.lock is read",
        ));
    }
    if code.is_empty() {
        gaps.push(Gap::new(
            Question::Code,
            "No code commit is recorded for the training code.".into(),
            "an AssociatedWith association from a code-commit artifact (source URI = the commit URL; properties repository and commit) to the training job, or MetadataProperties.CommitId/Repository on the training job or model package, or a pipeline parameter the role table marks as the commit (GitCommit, CommitSha, *_commit)",
        ));
    }
    gaps
}

/// A shortest path from `a` down to `b` (a is upstream), as evidence; `a` and `b` included.
fn path_evidence(cx: &Ctx, a: NodeIndex, b: NodeIndex) -> Evidence {
    let mut ev = Evidence::default();
    let mut nodes = vec![a, b];
    if let Some(p) = crate::query::shortest_path(cx.g, a, b) {
        nodes = p.nodes.clone();
        let mut edges: Vec<EdgeIndex> = p.steps.iter().map(|s| s.edge).collect();
        sort_edges(cx.g, &mut edges);
        ev.edges = edges.into_iter().map(|e| EvidenceEdge::of(cx.g, e)).collect();
    }
    nodes.sort_by(|x, y| cx.g.node(*x).arn.cmp(&cx.g.node(*y).arn));
    nodes.dedup();
    ev.vertices = nodes.into_iter().map(|ix| cx.arn(ix)).collect();
    ev
}
/// A dataset's properties as its answer lists them: not the facets kept whole (`facet.NAME`, such as column
/// lineage) or the schema, which the details panel shows.
fn answer_properties(p: &crate::model::TextMap) -> BTreeMap<String, String> {
    p.iter()
        .filter(|(k, _)| !k.starts_with("facet.") && k.as_str() != "schema")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Which system recorded a path: the other systems' runs among its edges (`OpenLineage run …`), else SageMaker.
fn recorded_by(ev: &Evidence) -> RecordedBy {
    let mut by: Vec<&str> = ev.edges.iter().filter_map(|e| e.recorded_by.as_ref()).map(|r| r.by.as_str()).collect();
    by.sort_unstable();
    by.dedup();
    match by.as_slice() {
        [] => RecordedBy::SageMaker,
        runs => RecordedBy::Runs(runs.iter().map(|r| (*r).to_owned()).collect()),
    }
}

/// The input channel of `job` whose S3 URI is the dataset's (a trailing `/` does not matter).
/// Whether an answer in `out` names `commit` already (one may be the other's abbreviation).
fn names_commit(out: &[CodeAnswer], commit: Option<&str>) -> bool {
    out.iter().any(|c| c.commit.as_deref().zip(commit).is_some_and(|(a, b)| a.starts_with(b) || b.starts_with(a)))
}

fn channel_of(job: Option<&crate::model::Job>, uri: Option<&str>) -> Option<String> {
    let want = uri?.trim_end_matches('/');
    job?.inputs.iter().find(|(_, u)| u.trim_end_matches('/') == want).map(|(name, _)| name.clone())
}

/// The version (snapshot) an upstream source names: a property, else its `S3Version` source ID.
fn version_of(n: &Node) -> Option<String> {
    ["version", "FeatureGroupVersion", "feature_group_version", "snapshot", "snapshot_id"]
        .iter()
        .find_map(|k| n.property(k))
        .map(str::to_owned)
        .or_else(|| {
            n.details.as_ref().and_then(|d| d.source_ids.iter().find(|(k, _)| k == "S3Version").map(|(_, v)| v.clone()))
        })
}

fn upstream_order(a: &UpstreamSource, b: &UpstreamSource) -> std::cmp::Ordering {
    a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)).then_with(|| a.arn.cmp(&b.arn))
}

/// The commit a code-commit vertex names: a property, its MetadataProperties.CommitId, else its source URI.
pub(super) fn commit_of(n: &Node) -> Option<String> {
    ["commit", "commit_id", "CommitId", "sha", "revision"]
        .iter()
        .find_map(|k| n.property(k))
        .map(str::to_owned)
        .or_else(|| n.details.as_ref().and_then(|d| d.metadata.get("CommitId").cloned()))
        .or_else(|| n.source_uri().and_then(commit_from_uri))
}

/// The repository a code-commit vertex names: a property, its MetadataProperties.Repository, else its source URI.
pub(super) fn repository_of(n: &Node) -> Option<String> {
    ["repository", "repo", "Repository"]
        .iter()
        .find_map(|k| n.property(k))
        .map(str::to_owned)
        .or_else(|| n.details.as_ref().and_then(|d| d.metadata.get("Repository").cloned()))
        .or_else(|| n.source_uri().map(repository_from_uri))
}

pub(super) fn commit_from_uri(uri: &str) -> Option<String> {
    if let Some((_, c)) = uri.rsplit_once("/commit/") {
        return Some(c.trim_end_matches('/').to_owned());
    }
    if let Some((_, c)) = uri.rsplit_once('@') {
        if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_hexdigit()) {
            return Some(c.to_owned());
        }
    }
    None
}

pub(super) fn repository_from_uri(uri: &str) -> String {
    let mut r = uri;
    for scheme in ["https://", "http://", "ssh://", "git://", "codecommit::"] {
        if let Some(rest) = r.strip_prefix(scheme) {
            r = rest;
        }
    }
    if let Some((repo, _)) = r.rsplit_once("/commit/") {
        r = repo;
    }
    if let Some((repo, c)) = r.rsplit_once('@') {
        if c.chars().all(|ch| ch.is_ascii_hexdigit()) {
            r = repo;
        }
    }
    let r = r.strip_prefix("git@").unwrap_or(r);
    r.trim_end_matches(".git").replacen(':', "/", usize::from(uri.starts_with("git@"))).to_string()
}

/// A graph's small map as the report's map (the report's JSON writes every map as an object, an empty one too).
fn ordered<V: Clone>(m: &litemap::LiteMap<String, V>) -> BTreeMap<String, V> {
    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}
