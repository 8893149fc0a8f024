//! Interprets verbatim Describe* and ListAssociations responses, checking each field's type at its JSON path.

use std::collections::BTreeMap;

use crate::read::described::{AssociationSummary, Described};
use crate::read::json::{At, Lost, Result};
use crate::read::tree::{Tree, View};

use crate::model::{ApprovalStatus, AssociationType, EntityDetails, Job, LineageType, ModelPackage};
use crate::time::Timestamp;

/// The ARN keys that identify a Describe response, in the order they are tried.
pub(crate) const DESCRIBE_KEYS: [&str; 7] = [
    "ArtifactArn",
    "ActionArn",
    "ContextArn",
    "TrialComponentArn",
    "ModelPackageArn",
    // Before TrainingJobArn: a DescribeProcessingJob response names the training job that started it.
    "ProcessingJobArn",
    "TrainingJobArn",
];

/// List* responses of lineage entities: their summaries declare vertices (ARN, name, type, source URI) and say
/// less than a Describe* response, which wins over them.
const SUMMARY_LISTS: [(&str, &str, LineageType, &str, &str); 3] = [
    ("ArtifactSummaries", "ArtifactArn", LineageType::Artifact, "ArtifactName", "ArtifactType"),
    ("ActionSummaries", "ActionArn", LineageType::Action, "ActionName", "ActionType"),
    ("ContextSummaries", "ContextArn", LineageType::Context, "ContextName", "ContextType"),
];

pub(crate) fn read<T: Tree>(map: &T::Object, path: &str) -> Result<Option<Described>> {
    let at = At::<T> { map, path: path.to_owned() };
    if at.get("AssociationSummaries").is_some() {
        let mut lost = Lost::new();
        let skipped = "the association is skipped (its edge is not read)";
        let items = at.each_element("AssociationSummaries", &mut lost, skipped, association)?;
        return Ok(Some(Described::Associations { items, lost }));
    }
    for (key, arn, lt, name, ty) in SUMMARY_LISTS {
        if at.get(key).is_some() {
            let mut lost = Lost::new();
            let items = at.each_element(key, &mut lost, "the summary is skipped", |item| {
                Ok(match entity(item, arn, lt, name, ty)? {
                    Described::Entity { arn, lineage_type, entity_type, mut details } => {
                        details.described = false;
                        Described::Entity { arn, lineage_type, entity_type, details }
                    }
                    other => other,
                })
            })?;
            return Ok(Some(Described::Listed { items, lost }));
        }
    }
    let Some(key) = DESCRIBE_KEYS.iter().find(|k| at.get(k).is_some_and(|v| !matches!(v.view(), View::Null))) else {
        return Ok(None);
    };
    // The response's digest is set by the caller (`set_digest`).
    Ok(Some(match *key {
        "ArtifactArn" => entity(&at, "ArtifactArn", LineageType::Artifact, "ArtifactName", "ArtifactType")?,
        "ActionArn" => entity(&at, "ActionArn", LineageType::Action, "ActionName", "ActionType")?,
        "ContextArn" => entity(&at, "ContextArn", LineageType::Context, "ContextName", "ContextType")?,
        "TrialComponentArn" => trial_component(&at)?,
        "ModelPackageArn" => Described::ModelPackage(Box::new(model_package(&at)?)),
        "ProcessingJobArn" => Described::ProcessingJob(Box::new(processing_job(&at)?)),
        _ => Described::TrainingJob(Box::new(training_job(&at)?)),
    }))
}

fn entity<T: Tree>(
    at: &At<'_, T>,
    arn_key: &str,
    lineage_type: LineageType,
    name_key: &str,
    type_key: &str,
) -> Result<Described> {
    let arn = at.req_str(arn_key)?;
    let mut d = EntityDetails { name: at.str(name_key)?, described: true, ..Default::default() };
    if let Some(source) = at.obj("Source")? {
        d.source_uri = source.str("SourceUri")?;
        d.source_type = source.str("SourceType")?;
        if let Some(id) = source.str("SourceId")? {
            d.source_ids.push(("SourceId".into(), id));
        }
        // Only shown in the details panel, never used by an answer: read what has the documented shape
        // (`[{SourceIdType, Value}]`) and leave the rest (the SDK's own tests send a list of strings).
        if let Some(View::Array(items)) = source.get("SourceTypes").map(Tree::view) {
            for st in items.iter().filter_map(|item| match item.view() {
                View::Object(o) => Some(o),
                _ => None,
            }) {
                let text = |k: &str| match T::get(st, k).map(Tree::view) {
                    Some(View::Str(s)) => Some(s.to_owned()),
                    _ => None,
                };
                if let (Some(k), Some(v)) = (text("SourceIdType"), text("Value")) {
                    d.source_ids.push((k, v));
                }
            }
        }
    }
    common(at, &mut d)?;
    Ok(Described::Entity { arn, lineage_type, entity_type: at.str(type_key)?, details: Box::new(d) })
}

fn common<T: Tree>(at: &At<'_, T>, d: &mut EntityDetails) -> Result<()> {
    d.status = match at.get("Status").map(Tree::view) {
        Some(View::Object(_)) => at.obj("Status")?.map(|s| s.str("PrimaryStatus")).transpose()?.flatten(),
        _ => at.str("Status")?,
    };
    d.description = at.str("Description")?;
    d.properties = at.str_map("Properties")?;
    d.metadata = at.str_map("MetadataProperties")?;
    d.created_at = at.time("CreationTime")?;
    d.created_by = at.user("CreatedBy")?.map(Box::new);
    d.modified_at = at.time("LastModifiedTime")?;
    d.modified_by = at.user("LastModifiedBy")?.map(Box::new);
    Ok(())
}

fn trial_component<T: Tree>(at: &At<'_, T>) -> Result<Described> {
    let arn = at.req_str("TrialComponentArn")?;
    let mut d = EntityDetails {
        name: at.str("TrialComponentName")?,
        display_name: at.str("DisplayName")?,
        described: true,
        ..Default::default()
    };
    let mut entity_type = None;
    if let Some(source) = at.obj("Source")? {
        d.source_uri = source.str("SourceArn")?;
        d.source_type = source.str("SourceType")?;
        entity_type = match d.source_type.as_deref() {
            Some("SageMakerTrainingJob") => Some("TrainingJob".to_owned()),
            Some("SageMakerProcessingJob") => Some("ProcessingJob".to_owned()),
            Some("SageMakerTransformJob") => Some("TransformJob".to_owned()),
            _ => None,
        };
    }
    common(at, &mut d)?;
    d.start_time = at.time("StartTime")?;
    d.end_time = at.time("EndTime")?;
    if let Some(params) = at.obj("Parameters")? {
        for (k, v) in T::members(params.map) {
            let p = params.child(k, v)?;
            let text = match (p.get("StringValue"), p.get("NumberValue")) {
                (Some(_), _) => p.str("StringValue")?,
                (None, Some(_)) => p.f64("NumberValue")?.map(crate::text::format_number),
                (None, None) => None,
            };
            d.parameters.insert(k.to_owned(), text.unwrap_or_default());
        }
    }
    for (i, item) in at.array("Metrics")?.into_iter().enumerate() {
        let m = at.index("Metrics", i, item)?;
        if let (Some(name), Some(last)) = (m.str("MetricName")?, m.f64("Last")?) {
            d.metrics.insert(name, last);
        }
    }
    Ok(Described::Entity { arn, lineage_type: LineageType::TrialComponent, entity_type, details: Box::new(d) })
}

fn training_job<T: Tree>(at: &At<'_, T>) -> Result<Job> {
    let mut job = Job {
        arn: at.req_str("TrainingJobArn")?,
        name: at.str("TrainingJobName")?.unwrap_or_default(),
        status: at.str("TrainingJobStatus")?,
        started_at: at.time("TrainingStartTime")?,
        ended_at: at.time("TrainingEndTime")?,
        hyperparameters: at.str_map("HyperParameters")?,
        created_at: at.time("CreationTime")?,
        modified_at: at.time("LastModifiedTime")?,
        ..Default::default()
    };
    if job.name.is_empty() {
        job.name = job.arn.rsplit('/').next().unwrap_or_default().to_owned();
    }
    // A metric listed more than once (one entry per time it was emitted): the latest `Timestamp` is final.
    let mut latest: BTreeMap<String, Option<Timestamp>> = BTreeMap::new();
    for (i, item) in at.array("FinalMetricDataList")?.into_iter().enumerate() {
        let m = at.index("FinalMetricDataList", i, item)?;
        if let (Some(name), Some(value)) = (m.str("MetricName")?, m.f64("Value")?) {
            let when = m.time("Timestamp")?;
            if latest.get(&name).is_none_or(|seen| when >= *seen) {
                latest.insert(name.clone(), when);
                job.metrics.insert(name, value);
            }
        }
    }
    for (i, item) in at.array("InputDataConfig")?.into_iter().enumerate() {
        let ch = at.index("InputDataConfig", i, item)?;
        let name = ch.str("ChannelName")?.unwrap_or_else(|| format!("channel-{i}"));
        let uri = ch.obj("DataSource")?.map(|ds| ds.obj("S3DataSource")).transpose()?.flatten();
        if let Some(uri) = uri.map(|s| s.str("S3Uri")).transpose()?.flatten() {
            job.inputs.insert(name, uri);
        }
    }
    if let Some(uri) = at.obj("ModelArtifacts")?.map(|m| m.str("S3ModelArtifacts")).transpose()?.flatten() {
        job.outputs.insert("model".into(), uri);
    }
    job.metadata = at.str_map("MetadataProperties")?;
    Ok(job)
}

fn processing_job<T: Tree>(at: &At<'_, T>) -> Result<Job> {
    let mut job = Job {
        arn: at.req_str("ProcessingJobArn")?,
        name: at.str("ProcessingJobName")?.unwrap_or_default(),
        status: at.str("ProcessingJobStatus")?,
        started_at: at.time("ProcessingStartTime")?,
        ended_at: at.time("ProcessingEndTime")?,
        created_at: at.time("CreationTime")?,
        modified_at: at.time("LastModifiedTime")?,
        ..Default::default()
    };
    if job.name.is_empty() {
        job.name = job.arn.rsplit('/').next().unwrap_or_default().to_owned();
    }
    for (i, item) in at.array("ProcessingInputs")?.into_iter().enumerate() {
        let input = at.index("ProcessingInputs", i, item)?;
        let name = input.str("InputName")?.unwrap_or_else(|| format!("input-{i}"));
        if let Some(uri) = input.obj("S3Input")?.map(|s| s.str("S3Uri")).transpose()?.flatten() {
            job.inputs.insert(name, uri);
        }
    }
    if let Some(cfg) = at.obj("ProcessingOutputConfig")? {
        for (i, item) in cfg.array("Outputs")?.into_iter().enumerate() {
            let out = cfg.index("Outputs", i, item)?;
            let name = out.str("OutputName")?.unwrap_or_else(|| format!("output-{i}"));
            if let Some(uri) = out.obj("S3Output")?.map(|s| s.str("S3Uri")).transpose()?.flatten() {
                job.outputs.insert(name, uri);
            }
        }
    }
    job.metadata = at.str_map("MetadataProperties")?;
    Ok(job)
}

fn model_package<T: Tree>(at: &At<'_, T>) -> Result<ModelPackage> {
    let arn = at.req_str("ModelPackageArn")?;
    let mut p = ModelPackage {
        name: at.str("ModelPackageName")?.unwrap_or_default(),
        group: at.str("ModelPackageGroupName")?,
        version: at.u64("ModelPackageVersion")?,
        approval_status: at.str("ModelApprovalStatus")?.map(|s| ApprovalStatus::parse(&s)),
        approval_description: at.str("ApprovalDescription")?,
        status: at.str("ModelPackageStatus")?,
        created_at: at.time("CreationTime")?,
        created_by: at.user("CreatedBy")?,
        modified_at: at.time("LastModifiedTime")?,
        modified_by: at.user("LastModifiedBy")?,
        metadata: at.str_map("MetadataProperties")?,
        ..Default::default()
    };
    if let Some(spec) = at.obj("InferenceSpecification")? {
        for (i, item) in spec.array("Containers")?.into_iter().enumerate() {
            if let Some(url) = spec.index("Containers", i, item)?.str("ModelDataUrl")? {
                p.model_data_urls.push(url);
            }
        }
    }
    if let Some(metrics) = at.obj("ModelMetrics")? {
        p.metric_reports = metric_reports(&metrics)?;
    }
    // A versioned package ARN is `…:model-package/GROUP/VERSION`: fill what the response left out.
    let tail = crate::model::resource_name(&arn).to_owned();
    if let Some((group, version)) = tail.rsplit_once('/') {
        if p.group.is_none() {
            p.group = Some(group.to_owned());
        }
        if p.version.is_none() {
            p.version = version.parse().ok();
        }
    }
    if p.name.is_empty() {
        p.name = tail;
    }
    p.arn = arn;
    Ok(p)
}

/// `ModelMetrics.{ModelQuality,ModelDataQuality,Bias,Explainability}.{Statistics,Constraints,Report,…}.S3Uri`.
fn metric_reports<T: Tree>(metrics: &At<'_, T>) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (kind, v) in T::members(metrics.map) {
        let View::Object(_) = v.view() else { continue };
        let group = metrics.child(kind, v)?;
        for (part, w) in T::members(group.map) {
            let View::Object(_) = w.view() else { continue };
            if let Some(uri) = group.child(part, w)?.str("S3Uri")? {
                out.push((format!("{kind}.{part}"), uri));
            }
        }
    }
    Ok(out)
}

fn association<T: Tree>(at: &At<'_, T>) -> Result<AssociationSummary> {
    Ok(AssociationSummary {
        source: at.req_str("SourceArn")?,
        destination: at.req_str("DestinationArn")?,
        source_type: at.str("SourceType")?,
        destination_type: at.str("DestinationType")?,
        source_name: at.str("SourceName")?,
        destination_name: at.str("DestinationName")?,
        association_type: at.str("AssociationType")?.map(|s| AssociationType::parse(&s)),
    })
}
