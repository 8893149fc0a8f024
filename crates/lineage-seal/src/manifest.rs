//! What a sealed PDF carries besides its pages: `report.json`, `manifest.json` and (as the mode says) the inputs.

use lineage_core::Loader;
use lineage_pdf::{Attachment, Relationship};
use serde::{Deserialize, Serialize};

/// Inputs together at most this large are attached with [`AttachInputs::Auto`].
pub const AUTO_LIMIT: u64 = 64 << 20;

/// Which inputs go into the PDF.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttachInputs {
    /// The inputs when together they are at most [`AUTO_LIMIT`], else none.
    Auto,
    All,
    None,
}

/// What an input is to the report.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// An export file (SageMaker, OpenLineage, MLflow, DVC, audit table, …).
    Export,
    /// The user's role table (`--roles`).
    Roles,
    /// The audit table's column map (`--audit-map`).
    AuditMap,
}

/// An input: the name the report cites, what it is, its size and SHA-256, and its bytes when the caller has them
/// to attach (the page leaves them out of a set larger than [`AUTO_LIMIT`]).
#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub kind: InputKind,
    pub size: u64,
    pub sha256: String,
    pub bytes: Option<Vec<u8>>,
}

impl Input {
    /// An input with its bytes (the size and SHA-256 computed).
    pub fn new(name: String, kind: InputKind, bytes: Vec<u8>) -> Input {
        Input { name, kind, size: bytes.len() as u64, sha256: Loader::sha256_hex(&bytes), bytes: Some(bytes) }
    }
}

/// `manifest.json`: what the report was made from and with which options.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub attach_inputs: AttachInputs,
    pub inputs: Vec<InputEntry>,
    pub options: ReportOptions,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputEntry {
    /// The name the report cites (the path as given or found in a directory).
    pub name: String,
    pub kind: InputKind,
    pub size: u64,
    pub sha256: String,
    /// The attachment's name in the PDF, when the file is attached.
    pub attachment: Option<String>,
}

/// Every option that determines the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReportOptions {
    pub start: Option<String>,
    pub inference: Option<String>,
    pub endpoint: Option<String>,
    pub variant: Option<String>,
    /// Names of the roles file and audit map among the inputs.
    pub roles: Option<String>,
    pub audit_map: Option<String>,
    /// `report` applies no policy; kept so the manifest names every option.
    pub policy: Option<String>,
    pub date: String,
    pub period: Option<String>,
}

pub use lineage_core::render::json;

/// The attachments of a report PDF: `report.json` (Data), `manifest.json` (Supplement) and, as `mode` says, the
/// inputs (Source) as `input-NNN-<file name>`.
pub fn attachments(
    inputs: Vec<Input>,
    options: ReportOptions,
    mode: AttachInputs,
    tool: &str,
    report_json: String,
) -> Result<Vec<Attachment>, serde_json::Error> {
    let total: u64 = inputs.iter().map(|i| i.size).sum();
    let attach = inputs.iter().all(|i| i.bytes.is_some())
        && match mode {
            AttachInputs::All => true,
            AttachInputs::None => false,
            AttachInputs::Auto => total <= AUTO_LIMIT,
        };
    let mut entries = Vec::new();
    let mut sources = Vec::new();
    for (i, input) in inputs.into_iter().enumerate() {
        let base = input.name.rsplit(['/', '\\']).next().unwrap_or(&input.name);
        let attachment = attach.then(|| format!("input-{:03}-{base}", i + 1));
        entries.push(InputEntry {
            name: input.name.clone(),
            kind: input.kind,
            size: input.size,
            sha256: input.sha256.clone(),
            attachment: attachment.clone(),
        });
        if let (Some(name), Some(bytes)) = (attachment, input.bytes) {
            let mime = mime(&input.name).into();
            sources.push(Attachment { name, mime, relationship: Relationship::Source, bytes });
        }
    }
    let manifest = Manifest { tool: tool.into(), attach_inputs: mode, inputs: entries, options };
    let mut out = vec![
        Attachment {
            name: "report.json".into(),
            mime: "application/json".into(),
            relationship: Relationship::Data,
            bytes: report_json.into_bytes(),
        },
        Attachment {
            name: "manifest.json".into(),
            mime: "application/json".into(),
            relationship: Relationship::Supplement,
            bytes: json(&manifest)?.into_bytes(),
        },
    ];
    out.extend(sources);
    Ok(out)
}

fn mime(name: &str) -> &'static str {
    if name.ends_with(".json") {
        "application/json"
    } else if name.ends_with(".gz") {
        "application/gzip"
    } else if name.ends_with(".csv") {
        "text/csv"
    } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        "application/x-ndjson"
    } else {
        "application/octet-stream"
    }
}
