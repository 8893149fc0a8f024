//! Operational records kept beside the lineage graph: data-capture records, endpoint / endpoint-config / model
//! descriptions, CloudTrail events and EventBridge model-package state changes. The graph says what was derived
//! from what; these say what served when and who changed a model package's approval.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::pipeline::PipelineExecution;
use super::vocab::{ApprovalStatus, Origin, UserContext};
use crate::time::Timestamp;

/// One side of a captured call (`captureData.endpointInput` / `endpointOutput`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CapturedPayload {
    pub content_type: Option<String>,
    pub encoding: Option<String>,
    pub data: Option<String>,
}

/// One Model Monitor data-capture record (one line of a capture `.jsonl` file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaptureRecord {
    pub event_id: String,
    /// The caller's `InferenceId`, when the call gave one.
    pub inference_id: Option<String>,
    pub time: Timestamp,
    /// From the S3 key layout `…/{endpoint}/{variant}/yyyy/mm/dd/hh/file.jsonl` (or the bundle's `S3Uri`).
    pub endpoint: Option<String>,
    pub variant: Option<String>,
    /// The S3 object a bundle says the record came from (`DataCapture[].S3Uri`).
    pub s3_uri: Option<String>,
    pub event_version: Option<String>,
    pub input: Option<CapturedPayload>,
    pub output: Option<CapturedPayload>,
    pub origin: Origin,
}

/// A `ProductionVariant` of an endpoint configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VariantSpec {
    pub name: String,
    pub model_name: Option<String>,
    pub weight: Option<f64>,
}

/// A `DescribeEndpoint` response.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EndpointDescription {
    pub name: String,
    pub arn: Option<String>,
    pub config_name: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<Timestamp>,
    pub modified_at: Option<Timestamp>,
    pub variants: Vec<String>,
    pub origin: Origin,
}

/// A `DescribeEndpointConfig` response, or the request of a CloudTrail `CreateEndpointConfig` event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EndpointConfigDescription {
    pub name: String,
    pub arn: Option<String>,
    pub created_at: Option<Timestamp>,
    pub variants: Vec<VariantSpec>,
    /// `DescribeEndpointConfig` or `CloudTrail CreateEndpointConfig`.
    pub source: String,
    pub origin: Origin,
}

/// A `DescribeModel` response: the model's containers name the model package they run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelDescription {
    pub name: String,
    pub arn: Option<String>,
    pub created_at: Option<Timestamp>,
    /// `ModelPackageName` of the primary container and of each container (an ARN or a name).
    pub packages: Vec<String>,
    /// `ModelDataUrl` of the primary container and of each container.
    pub model_data_urls: Vec<String>,
    pub origin: Origin,
}

/// One CloudTrail record of a SageMaker API call, from either layout.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrailEvent {
    pub id: String,
    pub name: String,
    pub time: Timestamp,
    /// `userIdentity.arn`, else the lookup-events `Username`.
    pub identity: Option<String>,
    pub user_name: Option<String>,
    pub request: Value,
    pub response: Value,
    /// `errorCode` of a call that failed (it changed nothing).
    pub error_code: Option<String>,
    /// `CloudTrail S3 log` or `CloudTrail lookup-events`.
    pub layout: &'static str,
    pub origin: Origin,
}

impl TrailEvent {
    /// A request parameter, matched regardless of the first letter's case (CloudTrail writes `endpointName`,
    /// SageMaker's API `EndpointName`).
    pub fn param(&self, key: &str) -> Option<&Value> {
        field(&self.request, key)
    }

    pub fn param_str(&self, key: &str) -> Option<&str> {
        self.param(key).and_then(Value::as_str)
    }

    pub fn response_str(&self, key: &str) -> Option<&str> {
        field(&self.response, key).and_then(Value::as_str)
    }
}

/// `key` in an object, trying it as given and with its first letter's case flipped.
pub fn field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let obj = v.as_object()?;
    if let Some(x) = obj.get(key) {
        return Some(x);
    }
    let mut chars = key.chars();
    let first = chars.next()?;
    let flipped: String = if first.is_uppercase() {
        first.to_lowercase().chain(chars).collect()
    } else {
        first.to_uppercase().chain(chars).collect()
    };
    obj.get(&flipped)
}

/// An EventBridge "SageMaker Model Package State Change" event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PackageStateEvent {
    pub id: Option<String>,
    /// The event's `time`.
    pub time: Option<Timestamp>,
    pub package_arn: String,
    pub approval_status: Option<ApprovalStatus>,
    pub modified_at: Option<Timestamp>,
    pub modified_by: Option<UserContext>,
    pub approval_description: Option<String>,
    pub origin: Origin,
}

impl PackageStateEvent {
    /// When the change happened: `detail.LastModifiedTime`, else the event's `time`.
    pub fn at(&self) -> Option<Timestamp> {
        self.modified_at.or(self.time)
    }
}

/// A `DescribeFeatureGroup` response: the feature group and where its offline store is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FeatureGroupDescription {
    pub arn: String,
    pub name: String,
    /// `OfflineStoreConfig.S3StorageConfig.ResolvedOutputS3Uri` and `S3Uri`.
    pub offline_s3_uris: Vec<String>,
    /// `DataCatalogConfig` as `database.table`.
    pub glue_table: Option<String>,
    pub origin: Origin,
}

impl FeatureGroupDescription {
    /// Whether `uri` names this feature group: its ARN, a place inside its offline store, or its Glue table
    /// (`database.table`, `glue://database/table`, or a Glue table ARN).
    pub fn names(&self, uri: &str) -> bool {
        self.specificity(uri).is_some()
    }

    /// How closely this feature group names `uri`: `usize::MAX` for its ARN or Glue table, else the length of the
    /// offline-store root `uri` lies inside; `None` when it does not name it. Several groups may share a bucket
    /// (`S3StorageConfig.S3Uri` is the base the user gave), so the most specific wins.
    pub fn specificity(&self, uri: &str) -> Option<usize> {
        let inside = |root: &str| {
            let root = root.trim_end_matches('/');
            (uri == root || uri.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'))).then_some(root.len())
        };
        let glue = self.glue_table.as_deref().is_some_and(|t| {
            let (db, table) = t.split_once('.').unwrap_or((t, ""));
            uri == t || uri == format!("glue://{db}/{table}") || uri.ends_with(&format!(":table/{db}/{table}"))
        });
        if uri == self.arn || glue {
            return Some(usize::MAX);
        }
        self.offline_s3_uris.iter().filter_map(|r| inside(r)).max()
    }
}

/// Every operational record of the inputs, deduplicated.
#[derive(Clone, Debug, Default)]
pub struct Records {
    pub captures: Vec<CaptureRecord>,
    /// By endpoint name.
    pub endpoints: BTreeMap<String, EndpointDescription>,
    /// By endpoint-config name; a config described twice keeps the `DescribeEndpointConfig` response.
    pub endpoint_configs: BTreeMap<String, EndpointConfigDescription>,
    /// By model name.
    pub models: BTreeMap<String, ModelDescription>,
    /// CloudTrail events by `eventID`.
    pub trail: BTreeMap<String, TrailEvent>,
    /// Model-package state changes, one per (package, status, time) — EventBridge may send several per change.
    pub package_events: Vec<PackageStateEvent>,
    /// DescribeFeatureGroup responses by feature-group ARN: they name feature-store versions by their S3 place.
    pub feature_groups: BTreeMap<String, FeatureGroupDescription>,
    /// SageMaker Pipelines executions by ARN, each with its steps, parameters and definition where exported.
    pub pipelines: BTreeMap<String, PipelineExecution>,
    /// Model-package ARN -> the execution whose `RegisterModel` step registered it.
    pub registered_by: BTreeMap<String, String>,
    /// The team's hand-kept audit table, when one was read (with its column map).
    pub audit: super::audit::AuditTable,
}

impl Records {
    /// The described feature group whose ARN, offline store or Glue table `uri` names: the most specific (a
    /// group's own store before a bucket several share), the least ARN among equals.
    pub fn feature_group_of(&self, uri: &str) -> Option<&FeatureGroupDescription> {
        let named = self.feature_groups.values().filter_map(|g| Some((g.specificity(uri)?, g)));
        named
            .fold(None, |best: Option<(usize, &FeatureGroupDescription)>, (n, g)| match best {
                Some((m, _)) if m >= n => best,
                _ => Some((n, g)),
            })
            .map(|(_, g)| g)
    }
}

/// Endpoint and variant from a data-capture S3 key: `…/{endpoint}/{variant}/yyyy/mm/dd/hh/file.jsonl`.
pub fn capture_location(path: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    if parts.len() < 7 {
        return None;
    }
    let n = parts.len();
    let (y, m, d, h) = (parts[n - 5], parts[n - 4], parts[n - 3], parts[n - 2]);
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if digits(y, 4) && digits(m, 2) && digits(d, 2) && digits(h, 2) {
        Some((parts[n - 7].to_owned(), parts[n - 6].to_owned()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, stores: &[&str], glue: &str) -> FeatureGroupDescription {
        FeatureGroupDescription {
            arn: format!("arn:aws:sagemaker:eu-west-1:111122223333:feature-group/{name}"),
            name: name.into(),
            offline_s3_uris: stores.iter().map(|s| s.to_string()).collect(),
            glue_table: Some(glue.into()),
            origin: Origin::default(),
        }
    }

    #[test]
    fn a_place_belongs_to_the_feature_group_whose_store_holds_it_most_closely() {
        let mut r = Records::default();
        // `accounts` was described without ResolvedOutputS3Uri: its store is the shared bucket.
        for g in [
            group("accounts", &["s3://fs"], "db.accounts_1"),
            group("behaviour", &["s3://fs/behaviour-2/data"], "db.behaviour_2"),
        ] {
            r.feature_groups.insert(g.arn.clone(), g);
        }
        let of = |uri: &str| r.feature_group_of(uri).map(|g| g.name.as_str());
        assert_eq!(of("s3://fs/behaviour-2/data/year=2027/part-0.parquet"), Some("behaviour"));
        assert_eq!(of("s3://fs/other/x.csv"), Some("accounts"));
        assert_eq!(of("arn:aws:glue:eu-west-1:111122223333:table/db/behaviour_2"), Some("behaviour"));
        assert_eq!(of("s3://fsx/behaviour-2/data"), None);
    }

    #[test]
    fn capture_location_reads_the_s3_layout() {
        assert_eq!(
            capture_location("s3://b/capture/credit-prod/AllTraffic/2027/03/12/14/32-18-648-x.jsonl"),
            Some(("credit-prod".into(), "AllTraffic".into()))
        );
        assert_eq!(
            capture_location("examples\\x\\credit-prod\\AllTraffic\\2027\\03\\12\\14\\f.jsonl"),
            Some(("credit-prod".into(), "AllTraffic".into()))
        );
        assert_eq!(capture_location("capture/records.jsonl"), None);
        assert_eq!(capture_location("a/b/2027/3/12/14/f.jsonl"), None);
    }

    #[test]
    fn field_accepts_either_first_letter_case() {
        let v: Value = serde_json::json!({"endpointName": "a", "EndpointConfigName": "b"});
        assert_eq!(field(&v, "EndpointName").and_then(Value::as_str), Some("a"));
        assert_eq!(field(&v, "endpointConfigName").and_then(Value::as_str), Some("b"));
        assert_eq!(field(&v, "modelName"), None);
    }
}
