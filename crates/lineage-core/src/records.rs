//! Operational records kept beside the lineage graph: data-capture records, endpoint / endpoint-config / model
//! descriptions, CloudTrail events and EventBridge model-package state changes. The graph says what was derived
//! from what; these say what served when and who changed a model package's approval.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::{ApprovalStatus, UserContext};
use crate::time::Timestamp;

/// Where a record was read: the input file and, for `.jsonl`, its line; plus the JSON path inside the document.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: Option<usize>,
    /// JSON path inside the document (`Records[3]`); empty for the document itself.
    pub path: String,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        Ok(())
    }
}

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
        let inside = |root: &str| {
            let root = root.trim_end_matches('/');
            uri == root || uri.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'))
        };
        let glue = self.glue_table.as_deref().is_some_and(|t| {
            let (db, table) = t.split_once('.').unwrap_or((t, ""));
            uri == t || uri == format!("glue://{db}/{table}") || uri.ends_with(&format!(":table/{db}/{table}"))
        });
        uri == self.arn || self.offline_s3_uris.iter().any(|r| inside(r)) || glue
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
    pub pipelines: BTreeMap<String, crate::pipelines::PipelineExecution>,
    /// Model-package ARN -> the execution whose `RegisterModel` step registered it.
    pub registered_by: BTreeMap<String, String>,
}

impl Records {
    /// The described feature group whose ARN, offline store or Glue table `uri` names (the least ARN if several).
    pub fn feature_group_of(&self, uri: &str) -> Option<&FeatureGroupDescription> {
        self.feature_groups.values().find(|g| g.names(uri))
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
