//! Two Describe* responses of one entity (a model package read while PendingManualApproval and again once
//! Approved): the later one is kept whatever order the files came in, the other is listed as superseded, and the
//! fields the answers use that differ between them are named.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use serde::Serialize;

use crate::model::records::{
    EndpointConfigDescription, EndpointDescription, FeatureGroupDescription, ModelDescription,
};
use crate::model::{EntityDetails, Job, ModelPackage, NumberMap, Superseded};
use crate::read::tree::text_digest;
use crate::time::Timestamp;

/// A Describe* response that may be read more than once.
pub(crate) trait Snapshot {
    fn modified(&self) -> Option<Timestamp>;
    fn created(&self) -> Option<Timestamp>;
    /// A digest of the response's content, for the final tie-break and to tell repeats from new snapshots.
    fn digest(&self) -> [u8; 32];
    /// The fields the answers read, each as a hash of its content, to say where two snapshots disagree.
    fn used_fields(&self) -> UsedFields;
}

/// At most [`UsedFields::MAX`] named field hashes, kept inline (a large export holds a hundred thousand).
#[derive(Clone, Debug)]
pub(crate) struct UsedFields {
    names: &'static [&'static str],
    hashes: [u64; UsedFields::MAX],
}

impl UsedFields {
    const MAX: usize = 6;

    fn new<const N: usize>(names: &'static [&'static str; N], hashes: [u64; N]) -> UsedFields {
        const { assert!(N <= UsedFields::MAX) };
        let mut all = [0; UsedFields::MAX];
        all[..N].copy_from_slice(&hashes);
        UsedFields { names, hashes: all }
    }

    fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.names.iter().copied().zip(self.hashes)
    }
}

/// Where a description was read (`file` or `file:line`), with its key for ordering snapshots.
#[derive(Clone, Debug)]
pub(crate) struct SnapshotInfo {
    pub at: Arc<str>,
    modified: Option<Timestamp>,
    created: Option<Timestamp>,
    digest: [u8; 32],
    /// Each used field's name and a hash of its text: enough to tell two snapshots apart, without keeping the
    /// text of every description of a large export.
    fields: UsedFields,
}

impl SnapshotInfo {
    pub fn of(s: &impl Snapshot, at: Arc<str>) -> SnapshotInfo {
        SnapshotInfo { at, modified: s.modified(), created: s.created(), digest: s.digest(), fields: s.used_fields() }
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
            .filter(|(k, v)| other.fields.iter().find(|(k2, _)| k2 == k).map(|(_, v2)| v2) != Some(*v))
            .map(|(k, _)| k.to_owned())
            .collect();
        out.sort();
        out
    }
}

/// A field's content hash, without writing it out as text.
fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    v.hash(&mut h);
    h.finish()
}

/// [`hash_of`] for named numbers (an `f64` is hashed by its bits).
fn hash_numbers(m: &NumberMap) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    for (k, v) in m.iter() {
        k.hash(&mut h);
        v.to_bits().hash(&mut h);
    }
    h.finish()
}

/// [`hash_of`] of a record's fields written as JSON (the few endpoint and model records of an export).
fn text_hash(v: &impl Serialize) -> u64 {
    hash_of(&text(v))
}

/// Every snapshot of one entity: the kept one is decided at the end, so no file order can change it.
#[derive(Default)]
pub(crate) struct SnapshotLog {
    /// (operation, id) → every snapshot read (almost always one: a `Vec` of capacity one).
    seen: FxHashMap<(&'static str, Arc<str>), Vec<SnapshotInfo>>,
}

impl SnapshotLog {
    /// Records a snapshot; returns whether it is to replace the one kept so far, and whether it repeats content
    /// already read.
    pub fn add(&mut self, operation: &'static str, id: Arc<str>, info: SnapshotInfo) -> (bool, bool) {
        let list = self.seen.entry((operation, id)).or_insert_with(|| Vec::with_capacity(1));
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
        let mut seen: Vec<_> = self.seen.into_iter().filter(|(_, list)| list.len() > 1).collect();
        seen.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for ((operation, id), list) in seen {
            let Some(kept) = list.iter().find(|s| list.iter().all(|o| std::ptr::eq(*s, o) || s.newer_than(o))) else {
                continue;
            };
            let mut disagreeing = std::collections::BTreeSet::new();
            for s in list.iter().filter(|s| !s.same_content(kept)) {
                let differs = s.differs_from(kept);
                disagreeing.extend(differs.iter().cloned());
                superseded.push(Superseded {
                    operation: operation.to_owned(),
                    id: id.to_string(),
                    file: s.at.to_string(),
                    kept: kept.at.to_string(),
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

impl Snapshot for ModelPackage {
    fn modified(&self) -> Option<Timestamp> {
        self.modified_at
    }
    fn created(&self) -> Option<Timestamp> {
        self.created_at
    }
    fn digest(&self) -> [u8; 32] {
        self.digest
    }
    fn used_fields(&self) -> UsedFields {
        UsedFields::new(
            &[
                "ModelApprovalStatus",
                "ApprovalDescription",
                "LastModifiedBy",
                "MetadataProperties",
                "InferenceSpecification.Containers[].ModelDataUrl",
            ],
            [
                hash_of(&self.approval_status),
                hash_of(&self.approval_description),
                hash_of(&self.modified_by),
                hash_of(&self.metadata),
                hash_of(&self.model_data_urls),
            ],
        )
    }
}

impl Snapshot for Job {
    fn modified(&self) -> Option<Timestamp> {
        self.modified_at
    }
    fn created(&self) -> Option<Timestamp> {
        self.created_at
    }
    fn digest(&self) -> [u8; 32] {
        self.digest
    }
    fn used_fields(&self) -> UsedFields {
        UsedFields::new(
            &[
                "HyperParameters",
                "FinalMetricDataList",
                "InputDataConfig",
                "ModelArtifacts",
                "MetadataProperties",
                "Status",
            ],
            [
                hash_of(&self.hyperparameters),
                hash_numbers(&self.metrics),
                hash_of(&self.inputs),
                hash_of(&self.outputs),
                hash_of(&self.metadata),
                hash_of(&self.status),
            ],
        )
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
        self.digest
    }
    fn used_fields(&self) -> UsedFields {
        UsedFields::new(
            &["Source.SourceUri", "Properties", "MetadataProperties", "Parameters", "Metrics", "CreatedBy"],
            [
                hash_of(&self.source_uri),
                hash_of(&self.properties),
                hash_of(&self.metadata),
                hash_of(&self.parameters),
                hash_numbers(&self.metrics),
                hash_of(&self.created_by),
            ],
        )
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
    fn used_fields(&self) -> UsedFields {
        UsedFields::new(
            &["EndpointConfigName", "ProductionVariants"],
            [hash_of(&self.config_name), text_hash(&self.variants)],
        )
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
    fn used_fields(&self) -> UsedFields {
        UsedFields::new(&["ProductionVariants"], [text_hash(&self.variants)])
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
    fn used_fields(&self) -> UsedFields {
        UsedFields::new(&["ModelPackageName"], [text_hash(&self.packages)])
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
    fn used_fields(&self) -> UsedFields {
        UsedFields::new(&["OfflineStoreConfig"], [text_hash(&(&self.offline_s3_uris, &self.glue_table))])
    }
}

impl Snapshot for crate::model::pipeline::PipelineExecution {
    fn modified(&self) -> Option<Timestamp> {
        self.modified_at
    }
    fn created(&self) -> Option<Timestamp> {
        self.created_at
    }
    fn digest(&self) -> [u8; 32] {
        text_digest(&text(&(
            &self.arn,
            &self.pipeline_arn,
            &self.display_name,
            &self.status,
            &self.failure_reason,
            self.created_at,
            self.modified_at,
            &self.created_by,
        )))
    }
    fn used_fields(&self) -> UsedFields {
        UsedFields::new(
            &["PipelineExecutionStatus", "CreatedBy"],
            [hash_of(&self.status.as_ref().map(|s| s.as_str().to_owned())), hash_of(&self.created_by)],
        )
    }
}
