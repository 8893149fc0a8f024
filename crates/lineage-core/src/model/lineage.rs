//! What a load returns: the merged [`Lineage`] (graph, inputs, counts, warnings), and the error bad input gives.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::graph::Graph;

/// Bad input: which file, where in it, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    /// 1-based line of a `.jsonl` file.
    pub line: Option<usize>,
    /// JSON path such as `Vertices[12].Arn`; empty for the document as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if self.path.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ImportError {}

/// One input file, as the report's evidence appendix lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFile {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
    /// What each document in it was (`QueryLineage response`, `DescribeArtifact`, …), with counts.
    #[serde(skip)]
    pub kinds: BTreeMap<String, usize>,
    /// Top-level fields no reader interprets (such as boto3's `ResponseMetadata`), kept as they were.
    #[serde(skip)]
    pub other_fields: BTreeMap<String, Value>,
    /// Documents in it that were not read, and what each was (`DescribeFeatureGroup response`, `not a JSON
    /// file`, …): listed, never silently dropped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

/// What the import counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportStats {
    /// Vertices and edges of the merged graph.
    pub vertices: usize,
    pub edges: usize,
    pub files: usize,
    pub documents: usize,
    pub query_pages: usize,
    pub vertices_read: usize,
    pub duplicate_vertices: usize,
    pub edges_read: usize,
    pub duplicate_edges: usize,
    pub descriptions: usize,
    pub duplicate_descriptions: usize,
    pub association_summaries: usize,
    /// Data-capture records read, and repeats of an `eventId` already read.
    pub capture_records: usize,
    pub duplicate_capture_records: usize,
    /// CloudTrail records of SageMaker calls read, and repeats of an `eventID` already read.
    pub cloudtrail_events: usize,
    pub duplicate_cloudtrail_events: usize,
    /// EventBridge model-package state changes read, and repeats of a change already read.
    pub package_state_events: usize,
    pub duplicate_package_state_events: usize,
    /// OpenLineage events (and Marquez nodes and runs, read as events).
    pub openlineage_events: usize,
}

/// The merged result of every input.
#[derive(Debug)]
pub struct Lineage {
    pub graph: Graph,
    pub inputs: Vec<InputFile>,
    pub stats: ImportStats,
    /// Sorted, deduplicated messages about things kept but doubtful (truncated pages, conflicting types, …).
    pub warnings: Vec<String>,
    /// `StartArns` of every bundle, sorted, without repeats.
    pub start_arns: Vec<String>,
    /// Describe* responses that a later snapshot of the same entity replaced.
    pub superseded: Vec<Superseded>,
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
