//! Reads the operational documents that sit beside lineage: data-capture records, DescribeEndpoint /
//! DescribeEndpointConfig / DescribeModel responses, CloudTrail records (S3 log layout and `lookup-events`
//! output) and EventBridge model-package state changes. Each field is type-checked at its JSON path.

use serde_json::{Map, Value};

use crate::model::records::{
    capture_location, CaptureRecord, CapturedPayload, EndpointConfigDescription, EndpointDescription,
    FeatureGroupDescription, ModelDescription, PackageStateEvent, TrailEvent, VariantSpec,
};
use crate::model::Origin;
use crate::read::described::Described;
use crate::read::json::{At, FieldError, Lost};

type Result<T> = std::result::Result<T, FieldError>;

/// The EventBridge detail type whose events carry approval changes.
pub(crate) const PACKAGE_STATE_CHANGE: &str = "SageMaker Model Package State Change";

/// Recognises an operational document; `None` when it is none of them.
pub(crate) fn operation(map: &Map<String, Value>, path: &str) -> Result<Option<Described>> {
    if let Some(d) = super::pipelines::pipeline(map, path)? {
        return Ok(Some(d));
    }
    let at = At { map, path: path.to_owned() };
    if map.contains_key("captureData") || map.contains_key("eventMetadata") {
        return capture(&at, None).map(|c| Some(Described::Capture(Box::new(c))));
    }
    if map.contains_key("Records") {
        return trail_log(&at).map(Some);
    }
    if map.get("Events").and_then(Value::as_array).is_some_and(|events| {
        events.first().and_then(Value::as_object).is_some_and(|e| e.contains_key("CloudTrailEvent"))
    }) {
        return lookup_events(&at).map(Some);
    }
    if map.contains_key("eventName") && map.contains_key("eventTime") {
        let (events, other_services) = match trail_record(&at, "CloudTrail S3 log")? {
            Some(e) => (vec![e], 0),
            None => (Vec::new(), 1),
        };
        return Ok(Some(Described::Trail { events, other_services, lost: Lost::new() }));
    }
    if map.contains_key("detail-type") {
        return eventbridge(&at).map(Some);
    }
    if map.contains_key("EndpointConfigArn")
        || map.contains_key("EndpointConfigName") && !map.contains_key("EndpointName")
    {
        return endpoint_config(&at).map(|c| Some(Described::EndpointConfig(Box::new(c))));
    }
    if map.contains_key("EndpointArn") || map.contains_key("EndpointName") {
        return endpoint(&at).map(|e| Some(Described::Endpoint(Box::new(e))));
    }
    if map.contains_key("ModelArn") {
        return model(&at).map(|m| Some(Described::Model(Box::new(m))));
    }
    if map.contains_key("FeatureGroupArn") {
        return feature_group(&at).map(|g| Some(Described::FeatureGroup(Box::new(g))));
    }
    Ok(None)
}

/// A `DescribeFeatureGroup` response: where its offline store keeps the feature group's records.
fn feature_group(at: &At) -> Result<FeatureGroupDescription> {
    let arn = at.req_str("FeatureGroupArn")?;
    let name = at.str("FeatureGroupName")?.unwrap_or_else(|| crate::model::resource_name(&arn).to_owned());
    let mut offline_s3_uris = Vec::new();
    let mut glue_table = None;
    if let Some(offline) = at.obj("OfflineStoreConfig")? {
        if let Some(s3) = offline.obj("S3StorageConfig")? {
            // `S3Uri` is the base the user gave, which other feature groups may share; the group's own records are
            // under `ResolvedOutputS3Uri` when AWS says where.
            match s3.str("ResolvedOutputS3Uri")?.filter(|u| u.len() > "s3://".len()) {
                Some(resolved) => offline_s3_uris.push(resolved),
                None => offline_s3_uris.extend(s3.str("S3Uri")?),
            }
        }
        if let Some(catalog) = offline.obj("DataCatalogConfig")? {
            if let (Some(db), Some(table)) = (catalog.str("Database")?, catalog.str("TableName")?) {
                glue_table = Some(format!("{db}.{table}"));
            }
        }
    }
    offline_s3_uris.retain(|u| u.len() > "s3://".len());
    offline_s3_uris.sort();
    offline_s3_uris.dedup();
    Ok(FeatureGroupDescription { arn, name, offline_s3_uris, glue_table, origin: origin(at) })
}

fn origin(at: &At) -> Origin {
    Origin { file: String::new(), line: None, path: at.path.clone() }
}

/// One data-capture record; `s3_uri` is the object a bundle's `DataCapture` says it came from.
pub(crate) fn capture(at: &At, s3_uri: Option<&str>) -> Result<CaptureRecord> {
    let location = s3_uri.and_then(capture_location);
    let Some(meta) = at.obj("eventMetadata")? else {
        return Err(FieldError {
            path: at.key_path("eventMetadata"),
            message: "required field is missing (expected an object with eventId and inferenceTime)".into(),
        });
    };
    let Some(time) = meta.time("inferenceTime")? else {
        return Err(FieldError {
            path: meta.key_path("inferenceTime"),
            message: "required field is missing (expected a timestamp)".into(),
        });
    };
    let payload = |key: &str| -> Result<Option<CapturedPayload>> {
        let Some(data) = at.obj("captureData")? else { return Ok(None) };
        let Some(p) = data.obj(key)? else { return Ok(None) };
        Ok(Some(CapturedPayload {
            content_type: p.str("observedContentType")?,
            encoding: p.str("encoding")?,
            data: p.str("data")?,
        }))
    };
    let event_version = match at.map.get("eventVersion") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => at.str("eventVersion")?,
    };
    Ok(CaptureRecord {
        event_id: meta.req_str("eventId")?,
        inference_id: meta.str("inferenceId")?.filter(|s| !s.is_empty()),
        time,
        endpoint: location.as_ref().map(|l| l.0.clone()),
        variant: location.as_ref().map(|l| l.1.clone()),
        s3_uri: s3_uri.map(str::to_owned),
        event_version,
        input: payload("endpointInput")?,
        output: payload("endpointOutput")?,
        origin: origin(at),
    })
}

fn trail_log(at: &At) -> Result<Described> {
    let mut lost = Lost::new();
    let skipped = "the record is skipped";
    let records = at.each_element("Records", &mut lost, skipped, |r| trail_record(r, "CloudTrail S3 log"))?;
    Ok(trail(records, lost))
}

/// The SageMaker records of a list, the others counted.
fn trail(records: Vec<Option<TrailEvent>>, lost: Lost) -> Described {
    let other_services = records.iter().filter(|r| r.is_none()).count();
    Described::Trail { events: records.into_iter().flatten().collect(), other_services, lost }
}

fn lookup_events(at: &At) -> Result<Described> {
    let mut lost = Lost::new();
    let records = at.each_element("Events", &mut lost, "the event is skipped", lookup_event)?;
    Ok(trail(records, lost))
}

/// One `lookup-events` event: its `CloudTrailEvent` string read as the record (`None`: another service's).
fn lookup_event(e: &At) -> Result<Option<TrailEvent>> {
    let path = e.key_path("CloudTrailEvent");
    let text = e.str("CloudTrailEvent")?.ok_or_else(|| FieldError {
        path: path.clone(),
        message: "required field is missing (expected the CloudTrail record as a JSON string)".into(),
    })?;
    let record: Value = serde_json::from_str(&text).map_err(|err| FieldError {
        path: path.clone(),
        message: format!("expected the CloudTrail record as a JSON string, but it does not parse: {err}"),
    })?;
    let Value::Object(map) = &record else {
        return Err(FieldError { path, message: "expected a JSON object inside the string".into() });
    };
    let Some(mut t) = trail_record(&At { map, path }, "CloudTrail lookup-events")? else { return Ok(None) };
    if t.identity.is_none() {
        t.identity = e.str("Username")?;
    }
    Ok(Some(t))
}

/// One CloudTrail record; `None` when it is another service's.
fn trail_record(at: &At, layout: &'static str) -> Result<Option<TrailEvent>> {
    let source = at.str("eventSource")?.unwrap_or_default();
    if !source.starts_with("sagemaker.") {
        return Ok(None);
    }
    let Some(time) = at.time("eventTime")? else {
        return Err(FieldError {
            path: at.key_path("eventTime"),
            message: "required field is missing (expected a timestamp)".into(),
        });
    };
    let (identity, user_name) = match at.obj("userIdentity")? {
        Some(u) => {
            let issuer = u
                .obj("sessionContext")?
                .map(|s| s.obj("sessionIssuer"))
                .transpose()?
                .flatten()
                .map(|i| i.str("arn"))
                .transpose()?
                .flatten();
            (u.str("arn")?.or(issuer), u.str("userName")?)
        }
        None => (None, None),
    };
    let object = |key: &str| -> Result<Value> {
        match at.map.get(key) {
            None | Some(Value::Null) => Ok(Value::Null),
            Some(v @ Value::Object(_)) => Ok(v.clone()),
            Some(_) => Err(FieldError { path: at.key_path(key), message: "expected an object".into() }),
        }
    };
    Ok(Some(TrailEvent {
        id: at.req_str("eventID")?,
        name: at.req_str("eventName")?,
        time,
        identity,
        user_name,
        request: object("requestParameters")?,
        response: object("responseElements")?,
        error_code: at.str("errorCode")?,
        layout,
        origin: origin(at),
    }))
}

fn eventbridge(at: &At) -> Result<Described> {
    let detail_type = at.str("detail-type")?.unwrap_or_default();
    if detail_type != PACKAGE_STATE_CHANGE {
        return Ok(Described::Ignored(format!(
            "EventBridge event of detail-type {detail_type:?} carries nothing this report uses (only {PACKAGE_STATE_CHANGE:?} is read); skipped"
        )));
    }
    let Some(d) = at.obj("detail")? else {
        return Err(FieldError {
            path: at.key_path("detail"),
            message: "required field is missing (expected the model package's description)".into(),
        });
    };
    Ok(Described::PackageEvent(Box::new(PackageStateEvent {
        id: at.str("id")?,
        time: at.time("time")?,
        package_arn: d.req_str("ModelPackageArn")?,
        approval_status: d.str("ModelApprovalStatus")?.map(|s| crate::model::ApprovalStatus::parse(&s)),
        modified_at: d.time("LastModifiedTime")?,
        modified_by: d.user("LastModifiedBy")?,
        approval_description: d.str("ApprovalDescription")?,
        origin: origin(at),
    })))
}

fn endpoint(at: &At) -> Result<EndpointDescription> {
    let mut variants = Vec::new();
    for (i, item) in at.array("ProductionVariants")?.into_iter().enumerate() {
        if let Some(name) = at.index("ProductionVariants", i, item)?.str("VariantName")? {
            variants.push(name);
        }
    }
    Ok(EndpointDescription {
        name: at.req_str("EndpointName")?,
        arn: at.str("EndpointArn")?,
        config_name: at.str("EndpointConfigName")?,
        status: at.str("EndpointStatus")?,
        created_at: at.time("CreationTime")?,
        modified_at: at.time("LastModifiedTime")?,
        variants,
        origin: origin(at),
    })
}

/// Production variants as `DescribeEndpointConfig` or a `CreateEndpointConfig` request lists them.
pub(crate) fn variants(at: &At, key: &str) -> Result<Vec<VariantSpec>> {
    let mut out = Vec::new();
    for (i, item) in at.array(key)?.into_iter().enumerate() {
        let v = at.index(key, i, item)?;
        let name = v.str("VariantName")?.or(v.str("variantName")?).ok_or_else(|| FieldError {
            path: v.key_path("VariantName"),
            message: "required field is missing (expected a string)".into(),
        })?;
        let model_name = v.str("ModelName")?.or(v.str("modelName")?);
        let weight = v.f64("InitialVariantWeight")?.or(v.f64("initialVariantWeight")?);
        out.push(VariantSpec { name, model_name, weight });
    }
    Ok(out)
}

fn endpoint_config(at: &At) -> Result<EndpointConfigDescription> {
    Ok(EndpointConfigDescription {
        name: at.req_str("EndpointConfigName")?,
        arn: at.str("EndpointConfigArn")?,
        created_at: at.time("CreationTime")?,
        variants: variants(at, "ProductionVariants")?,
        source: "DescribeEndpointConfig".into(),
        origin: origin(at),
    })
}

fn model(at: &At) -> Result<ModelDescription> {
    let mut packages = Vec::new();
    let mut model_data_urls = Vec::new();
    let mut containers: Vec<At> = at.obj("PrimaryContainer")?.into_iter().collect();
    for (i, item) in at.array("Containers")?.into_iter().enumerate() {
        containers.push(at.index("Containers", i, item)?);
    }
    for c in &containers {
        packages.extend(c.str("ModelPackageName")?);
        model_data_urls.extend(c.str("ModelDataUrl")?);
    }
    packages.dedup();
    model_data_urls.dedup();
    Ok(ModelDescription {
        name: at.req_str("ModelName")?,
        arn: at.str("ModelArn")?,
        created_at: at.time("CreationTime")?,
        packages,
        model_data_urls,
        origin: origin(at),
    })
}
