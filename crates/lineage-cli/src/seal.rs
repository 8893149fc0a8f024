//! The sealed PDF's evidence: the associated files `report --format pdf` embeds (the report as JSON, a manifest of
//! the inputs and options, the inputs themselves) and `lineage verify`, which recomputes every claim they make.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use lineage_core::{Loader, RoleTable};
use lineage_pdf::{Attachment, Relationship};
use serde::{Deserialize, Serialize};

use crate::Failure;

/// Inputs together at most this large are attached with `--attach-inputs auto`.
const AUTO_LIMIT: u64 = 64 << 20;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttachInputs {
    // The inputs when together they are at most 64 MiB, else none (a plain comment: clap would show long help).
    Auto,
    All,
    None,
}

/// `manifest.json`: what the report was made from and with which options.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub attach_inputs: AttachInputs,
    pub inputs: Vec<InputEntry>,
    pub options: ReportOptions,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct InputEntry {
    /// The name the report cites (the path as given or found in a directory).
    pub name: String,
    /// `export`, `roles` or `audit_map`.
    pub kind: String,
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

/// What `report --format pdf` attaches: `report.json`, `manifest.json` and (as `mode` says) the inputs.
pub fn attachments(
    files: &[PathBuf],
    roles: Option<&Path>,
    audit_map: Option<&Path>,
    options: ReportOptions,
    mode: AttachInputs,
    report_json: String,
) -> Result<Vec<Attachment>, Failure> {
    let mut named: Vec<(String, &'static str, PathBuf)> = Vec::new();
    for p in crate::inputs::expand(files)? {
        named.push((p.display().to_string(), "export", p));
    }
    if let Some(p) = roles {
        named.push((p.display().to_string(), "roles", p.to_owned()));
    }
    if let Some(p) = audit_map {
        named.push((p.display().to_string(), "audit_map", p.to_owned()));
    }
    let mut read = Vec::new();
    for (name, kind, path) in named {
        let bytes = crate::inputs::read(&path)?;
        read.push((name, kind, bytes));
    }
    let total: u64 = read.iter().map(|(_, _, b)| b.len() as u64).sum();
    let attach = match mode {
        AttachInputs::All => true,
        AttachInputs::None => false,
        AttachInputs::Auto => total <= AUTO_LIMIT,
    };
    let mut out = vec![Attachment {
        name: "report.json".into(),
        mime: "application/json".into(),
        relationship: Relationship::Data,
        bytes: report_json.into_bytes(),
    }];
    let mut entries = Vec::new();
    let mut sources = Vec::new();
    for (i, (name, kind, bytes)) in read.into_iter().enumerate() {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(&name);
        let attachment = attach.then(|| format!("input-{:03}-{base}", i + 1));
        entries.push(InputEntry {
            name: name.clone(),
            kind: kind.into(),
            size: bytes.len() as u64,
            sha256: Loader::sha256_hex(&bytes),
            attachment: attachment.clone(),
        });
        if let Some(a) = attachment {
            sources.push(Attachment { name: a, mime: mime(&name).into(), relationship: Relationship::Source, bytes });
        }
    }
    let manifest = Manifest {
        tool: format!("lineage {}", env!("CARGO_PKG_VERSION")),
        attach_inputs: mode,
        inputs: entries,
        options,
    };
    out.push(Attachment {
        name: "manifest.json".into(),
        mime: "application/json".into(),
        relationship: Relationship::Supplement,
        bytes: crate::json(&manifest)?.into_bytes(),
    });
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

/// One check of `lineage verify`.
#[derive(Debug, Serialize)]
pub struct Check {
    pub name: String,
    pub holds: bool,
    pub detail: String,
}

/// An attachment as read back: its name, bytes, and the PDF's claimed size and MD5.
struct Embedded {
    name: String,
    bytes: Vec<u8>,
    size: Option<i64>,
    checksum: Option<Vec<u8>>,
}

fn not_sealed(path: &Path, why: impl std::fmt::Display) -> Failure {
    Failure::input(format!("{}: not a sealed Lineage Audit report: {why}", path.display()))
}

fn embedded(doc: &lopdf::Document) -> Result<Vec<Embedded>, String> {
    let catalog = doc.catalog().map_err(|e| format!("no catalog: {e}"))?;
    let af = catalog.get(b"AF").and_then(|o| doc.dereference(o)).map_err(|_| "no associated files (/AF)")?.1;
    let af = af.as_array().map_err(|_| "/AF is not an array")?;
    let mut out = Vec::new();
    for spec in af {
        let spec = doc.dereference(spec).and_then(|(_, o)| o.as_dict()).map_err(|e| format!("file spec: {e}"))?;
        let name = spec
            .get(b"UF")
            .or_else(|_| spec.get(b"F"))
            .and_then(lopdf::decode_text_string)
            .map_err(|e| format!("file spec without a name: {e}"))?;
        let ef = spec.get(b"EF").and_then(lopdf::Object::as_dict).map_err(|e| format!("{name}: no /EF: {e}"))?;
        let stream = ef
            .get(b"F")
            .and_then(|o| doc.dereference(o))
            .and_then(|(_, o)| o.as_stream())
            .map_err(|e| format!("{name}: no embedded file stream: {e}"))?;
        let bytes = stream.get_plain_content().map_err(|e| format!("{name}: cannot decompress: {e}"))?;
        let params = stream.dict.get(b"Params").and_then(lopdf::Object::as_dict).ok();
        let size = params.and_then(|p| p.get(b"Size").and_then(lopdf::Object::as_i64).ok());
        let checksum = params.and_then(|p| p.get(b"CheckSum").and_then(lopdf::Object::as_str).ok()).map(<[u8]>::to_vec);
        out.push(Embedded { name, bytes, size, checksum });
    }
    Ok(out)
}

/// `lineage verify`: the checks, or exit 2 when `path` is not a sealed report.
pub fn verify(path: &Path) -> Result<Vec<Check>, Failure> {
    use md5::Digest as _;
    let bytes = crate::inputs::read(path)?;
    let doc = lopdf::Document::load_mem(&bytes).map_err(|e| not_sealed(path, format!("unreadable PDF: {e}")))?;
    let files = embedded(&doc).map_err(|e| not_sealed(path, e))?;
    let find = |n: &str| files.iter().find(|f| f.name == n);
    let report = find("report.json").ok_or_else(|| not_sealed(path, "no report.json attached"))?;
    let manifest_file = find("manifest.json").ok_or_else(|| not_sealed(path, "no manifest.json attached"))?;
    let manifest: Manifest = serde_json::from_slice(&manifest_file.bytes)
        .map_err(|e| not_sealed(path, format!("manifest.json is not a manifest: {e}")))?;
    let mut checks = Vec::new();

    // (a) Each attachment's /Size and /CheckSum against its bytes.
    let bad: Vec<String> = files
        .iter()
        .filter(|f| {
            f.checksum.as_deref() != Some(md5::Md5::digest(&f.bytes).as_slice()) || f.size != Some(f.bytes.len() as i64)
        })
        .map(|f| f.name.clone())
        .collect();
    checks.push(Check {
        name: "attachment checksums".into(),
        holds: bad.is_empty(),
        detail: if bad.is_empty() {
            format!("{} attachments: each /CheckSum is the MD5 of its bytes and /Size their length", files.len())
        } else {
            format!("/CheckSum or /Size does not match the bytes of: {}", bad.join(", "))
        },
    });

    // (b) Each attached input against the manifest's SHA-256 and size.
    let mut bad = Vec::new();
    let mut attached = 0;
    for entry in &manifest.inputs {
        let Some(name) = &entry.attachment else { continue };
        attached += 1;
        match find(name) {
            None => bad.push(format!("{name} (named in the manifest) is not attached")),
            Some(f) if Loader::sha256_hex(&f.bytes) != entry.sha256 || f.bytes.len() as u64 != entry.size => {
                bad.push(format!("{name} ({}) differs from the manifest's SHA-256", entry.name));
            }
            Some(_) => {}
        }
    }
    checks.push(Check {
        name: "inputs match the manifest".into(),
        holds: bad.is_empty(),
        detail: if bad.is_empty() {
            format!("{attached} of {} inputs attached, each with the manifest's SHA-256", manifest.inputs.len())
        } else {
            bad.join("; ")
        },
    });

    // (c) The report regenerated from the attached inputs equals report.json.
    let all_attached = manifest.inputs.iter().all(|e| e.attachment.is_some());
    let regenerated = if all_attached { Some(regenerate(&manifest, &files)) } else { None };
    checks.push(match regenerated {
        None => Check {
            name: "report regenerated".into(),
            holds: false,
            detail: "the inputs are not all attached, so the report cannot be regenerated".into(),
        },
        Some(Err(e)) => Check { name: "report regenerated".into(), holds: false, detail: e },
        Some(Ok(json)) if json.as_bytes() == report.bytes.as_slice() => Check {
            name: "report regenerated".into(),
            holds: true,
            detail: "the report from the attached inputs and the manifest's options equals report.json".into(),
        },
        Some(Ok(_)) => Check {
            name: "report regenerated".into(),
            holds: false,
            detail: "the report from the attached inputs differs from report.json".into(),
        },
    });

    // (d) report.json's provenance sentence is on page 1.
    let sentence = serde_json::from_slice::<serde_json::Value>(&report.bytes)
        .ok()
        .and_then(|v| v.get("sentence").and_then(|s| s.as_str()).map(str::to_owned));
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let page1 = doc.extract_text(&[1]).unwrap_or_default();
    let check = match sentence {
        None => Check { name: "sentence on page 1".into(), holds: false, detail: "report.json has no sentence".into() },
        Some(s) => {
            let holds = squash(&page1).contains(&squash(&lineage_core::text::one_line(&s)));
            Check {
                name: "sentence on page 1".into(),
                holds,
                detail: if holds {
                    "report.json's provenance sentence is in page 1's text".into()
                } else {
                    "report.json's provenance sentence is not in page 1's text".into()
                },
            }
        }
    };
    checks.push(check);
    Ok(checks)
}

/// The report as `--format json` prints it, from the attached inputs under their original names.
fn regenerate(manifest: &Manifest, files: &[Embedded]) -> Result<String, String> {
    let bytes_of = |kind: &str| -> Option<(&InputEntry, &[u8])> {
        let e = manifest.inputs.iter().find(|e| e.kind == kind)?;
        let f = files.iter().find(|f| Some(&f.name) == e.attachment.as_ref())?;
        Some((e, f.bytes.as_slice()))
    };
    let roles = match bytes_of("roles") {
        Some((e, b)) => RoleTable::with_user_rules(b).map_err(|err| format!("{}: {err}", e.name))?,
        None => RoleTable::builtin(),
    };
    let mut loader = Loader::new();
    if let Some((e, b)) = bytes_of("audit_map") {
        let map = lineage_core::model::audit::AuditMap::parse(b).map_err(|err| format!("{}: {err}", e.name))?;
        loader.set_audit_map(map, &e.name);
    }
    for e in manifest.inputs.iter().filter(|e| e.kind == "export") {
        let f = files
            .iter()
            .find(|f| Some(&f.name) == e.attachment.as_ref())
            .ok_or_else(|| format!("{} is not attached", e.name))?;
        loader.add_file_with_sha256(&e.name, &f.bytes, || Loader::sha256_hex(&f.bytes)).map_err(|e| e.to_string())?;
    }
    let lineage = loader.finish(&roles).map_err(|e| e.to_string())?;
    let o = &manifest.options;
    let query = match &o.inference {
        Some(id) => lineage_core::Query::Inference {
            query: lineage_core::subject::InferenceQuery {
                id: id.clone(),
                endpoint: o.endpoint.clone(),
                variant: o.variant.clone(),
            },
            start: o.start.clone(),
        },
        None => lineage_core::Query::Start(o.start.clone()),
    };
    let report = lineage_core::answer(&lineage, &query).map_err(|e| e.to_string())?;
    crate::json(&report).map_err(|f| f.message)
}
