//! Two Describe* responses of one entity (a model package read while PendingManualApproval and again once
//! Approved): the later one is kept whatever order the files came in, the other is listed as superseded, and the
//! fields the answers use that differ between them are named.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::{EntityDetails, Job, ModelPackage};
use crate::records::{EndpointConfigDescription, EndpointDescription, FeatureGroupDescription, ModelDescription};
use crate::time::Timestamp;

/// A Describe* response that may be read more than once.
pub(crate) trait Snapshot {
    fn modified(&self) -> Option<Timestamp>;
    fn created(&self) -> Option<Timestamp>;
    /// A digest of the response's content, for the final tie-break and to tell repeats from new snapshots.
    fn digest(&self) -> [u8; 32];
    /// The fields the answers read, as text, to say where two snapshots disagree.
    fn used_fields(&self) -> Vec<(&'static str, String)>;
}

/// Where a description was read (`file` or `file:line`), with its key for ordering snapshots.
#[derive(Clone, Debug)]
pub(crate) struct SnapshotInfo {
    pub at: String,
    modified: Option<Timestamp>,
    created: Option<Timestamp>,
    digest: [u8; 32],
    /// Each used field's name and a hash of its text: enough to tell two snapshots apart, without keeping the
    /// text of every description of a large export.
    fields: Vec<(&'static str, u64)>,
}

impl SnapshotInfo {
    pub fn of(s: &impl Snapshot, at: String) -> SnapshotInfo {
        SnapshotInfo {
            at,
            modified: s.modified(),
            created: s.created(),
            digest: s.digest(),
            fields: s.used_fields().into_iter().map(|(k, v)| (k, field_hash(&v))).collect(),
        }
    }

    /// Later `LastModifiedTime` first, then later `CreationTime`, then the content digest; the same content read
    /// twice compares by where it was read, so the kept copy does not depend on file order either.
    pub fn newer_than(&self, other: &SnapshotInfo) -> bool {
        let key = |s: &SnapshotInfo| (s.modified, s.created, s.digest);
        match key(self).cmp(&key(other)) {
            Ordering::Equal => self.at < other.at,
            o => o == Ordering::Greater,
        }
    }

    pub fn same_content(&self, other: &SnapshotInfo) -> bool {
        self.digest == other.digest
    }

    /// Names of the used fields whose values differ.
    fn differs_from(&self, other: &SnapshotInfo) -> Vec<String> {
        let mut out: Vec<String> = self
            .fields
            .iter()
            .filter(|(k, v)| other.fields.iter().find(|(k2, _)| k2 == k).map(|(_, v2)| v2) != Some(v))
            .map(|(k, _)| (*k).to_owned())
            .collect();
        out.sort();
        out
    }
}

fn field_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// A Describe* response that a later snapshot of the same entity replaced: listed in the evidence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Superseded {
    /// `DescribeModelPackage`, `DescribeArtifact`, …
    pub operation: String,
    /// The entity's ARN or name.
    pub id: String,
    /// Where the superseded response was read.
    pub file: String,
    /// Where the response that is used was read.
    pub kept: String,
    /// Fields the answers use on which the two differ (`ModelApprovalStatus`, …).
    pub differs: Vec<String>,
}

/// Every snapshot of one entity: the kept one is decided at the end, so no file order can change it.
#[derive(Default)]
pub(crate) struct SnapshotLog {
    /// (operation, id) → every distinct snapshot read.
    seen: std::collections::BTreeMap<(&'static str, String), Vec<SnapshotInfo>>,
}

impl SnapshotLog {
    /// Records a snapshot; returns whether it is to replace the one kept so far, and whether it repeats content
    /// already read.
    pub fn add(&mut self, operation: &'static str, id: &str, info: SnapshotInfo) -> (bool, bool) {
        let list = self.seen.entry((operation, id.to_owned())).or_default();
        let repeat = list.iter().any(|s| s.same_content(&info));
        let replaces = list.iter().all(|s| info.newer_than(s));
        list.push(info);
        (replaces, repeat)
    }

    /// The superseded responses (content that differs from the kept one), and a warning for each entity whose
    /// snapshots disagree on a field the answers use.
    pub fn finish(self) -> (Vec<Superseded>, Vec<String>) {
        let mut superseded = Vec::new();
        let mut warnings = Vec::new();
        for ((operation, id), list) in self.seen {
            let Some(kept) = list.iter().find(|s| list.iter().all(|o| std::ptr::eq(*s, o) || s.newer_than(o))) else {
                continue;
            };
            let mut disagreeing = std::collections::BTreeSet::new();
            for s in list.iter().filter(|s| !s.same_content(kept)) {
                let differs = s.differs_from(kept);
                disagreeing.extend(differs.iter().cloned());
                superseded.push(Superseded {
                    operation: operation.to_owned(),
                    id: id.clone(),
                    file: s.at.clone(),
                    kept: kept.at.clone(),
                    differs,
                });
            }
            if !disagreeing.is_empty() {
                let fields: Vec<String> = disagreeing.into_iter().collect();
                warnings.push(format!(
                    "{id}: {operation} responses read at different times disagree on {}; the latest ({}) is used and the others are listed as superseded",
                    fields.join(", "),
                    kept.at
                ));
            }
        }
        superseded.sort();
        superseded.dedup();
        (superseded, warnings)
    }
}

fn text(v: &impl Serialize) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// SHA-256 of a text.
fn text_digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// SHA-256 over a JSON value's structure (a tag, then lengths and bytes), encoded into one buffer and hashed once:
/// the same digest for the same content on every platform, without escaping the value out as JSON text (a large
/// export holds a hundred thousand descriptions).
fn value_digest(v: &Value) -> [u8; 32] {
    fn put(out: &mut Vec<u8>, tag: u8, b: &[u8]) {
        out.push(tag);
        out.extend_from_slice(&(b.len() as u64).to_le_bytes());
        out.extend_from_slice(b);
    }
    fn feed(v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Null => out.push(0),
            Value::Bool(b) => out.extend_from_slice(&[1, u8::from(*b)]),
            Value::Number(n) => put(out, 2, n.to_string().as_bytes()),
            Value::String(s) => put(out, 3, s.as_bytes()),
            Value::Array(a) => {
                put(out, 4, &[]);
                out.extend_from_slice(&(a.len() as u64).to_le_bytes());
                a.iter().for_each(|x| feed(x, out));
            }
            Value::Object(m) => {
                put(out, 5, &[]);
                out.extend_from_slice(&(m.len() as u64).to_le_bytes());
                for (k, x) in m {
                    put(out, 6, k.as_bytes());
                    feed(x, out);
                }
            }
        }
    }
    let mut buf = Vec::with_capacity(1024);
    feed(v, &mut buf);
    Sha256::digest(&buf).into()
}

impl Snapshot for ModelPackage {
    fn modified(&self) -> Option<Timestamp> {
        self.modified_at
    }
    fn created(&self) -> Option<Timestamp> {
        self.created_at
    }
    fn digest(&self) -> [u8; 32] {
        value_digest(&self.raw)
    }
    fn used_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ModelApprovalStatus", text(&self.approval_status)),
            ("ApprovalDescription", text(&self.approval_description)),
            ("LastModifiedBy", text(&self.modified_by)),
            ("MetadataProperties", text(&self.metadata)),
            ("InferenceSpecification.Containers[].ModelDataUrl", text(&self.model_data_urls)),
        ]
    }
}

impl Snapshot for Job {
    fn modified(&self) -> Option<Timestamp> {
        self.raw.get("LastModifiedTime").and_then(crate::import::describe::time_value)
    }
    fn created(&self) -> Option<Timestamp> {
        self.raw.get("CreationTime").and_then(crate::import::describe::time_value)
    }
    fn digest(&self) -> [u8; 32] {
        value_digest(&self.raw)
    }
    fn used_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("HyperParameters", text(&self.hyperparameters)),
            ("FinalMetricDataList", text(&self.metrics)),
            ("InputDataConfig", text(&self.inputs)),
            ("ModelArtifacts", text(&self.outputs)),
            ("MetadataProperties", text(&self.metadata)),
            ("Status", text(&self.status)),
        ]
    }
}

impl Snapshot for EntityDetails {
    fn modified(&self) -> Option<Timestamp> {
        self.modified_at
    }
    fn created(&self) -> Option<Timestamp> {
        self.created_at
    }
    fn digest(&self) -> [u8; 32] {
        value_digest(&self.raw)
    }
    fn used_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("Source.SourceUri", text(&self.source_uri)),
            ("Properties", text(&self.properties)),
            ("MetadataProperties", text(&self.metadata)),
            ("Parameters", text(&self.parameters)),
            ("Metrics", text(&self.metrics)),
            ("CreatedBy", text(&self.created_by)),
        ]
    }
}

impl Snapshot for EndpointDescription {
    fn modified(&self) -> Option<Timestamp> {
        self.modified_at
    }
    fn created(&self) -> Option<Timestamp> {
        self.created_at
    }
    fn digest(&self) -> [u8; 32] {
        text_digest(&text(&(
            &self.arn,
            &self.config_name,
            &self.status,
            &self.variants,
            self.created_at,
            self.modified_at,
        )))
    }
    fn used_fields(&self) -> Vec<(&'static str, String)> {
        vec![("EndpointConfigName", text(&self.config_name)), ("ProductionVariants", text(&self.variants))]
    }
}

impl Snapshot for EndpointConfigDescription {
    fn modified(&self) -> Option<Timestamp> {
        None
    }
    fn created(&self) -> Option<Timestamp> {
        self.created_at
    }
    fn digest(&self) -> [u8; 32] {
        text_digest(&text(&(&self.arn, self.created_at, &self.variants, &self.source)))
    }
    fn used_fields(&self) -> Vec<(&'static str, String)> {
        vec![("ProductionVariants", text(&self.variants))]
    }
}

impl Snapshot for ModelDescription {
    fn modified(&self) -> Option<Timestamp> {
        None
    }
    fn created(&self) -> Option<Timestamp> {
        self.created_at
    }
    fn digest(&self) -> [u8; 32] {
        text_digest(&text(&(&self.arn, self.created_at, &self.packages)))
    }
    fn used_fields(&self) -> Vec<(&'static str, String)> {
        vec![("ModelPackageName", text(&self.packages))]
    }
}

impl Snapshot for FeatureGroupDescription {
    fn modified(&self) -> Option<Timestamp> {
        None
    }
    fn created(&self) -> Option<Timestamp> {
        None
    }
    fn digest(&self) -> [u8; 32] {
        text_digest(&text(&(&self.name, &self.offline_s3_uris, &self.glue_table)))
    }
    fn used_fields(&self) -> Vec<(&'static str, String)> {
        vec![("OfflineStoreConfig", text(&(&self.offline_s3_uris, &self.glue_table)))]
    }
}
