//! `lineage verify`'s checks (also run by the page): each claim a sealed PDF makes, recomputed.

use lineage_core::{Loader, RoleTable};
use md5::Digest as _;
use serde::Serialize;
use x509_cert::Certificate;

use crate::manifest::{json, InputKind, Manifest};
use crate::open::Sealed;
use crate::signature::{self, SignatureFacts};

/// A check's outcome.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Fail,
    /// The PDF does not carry what the check needs (the inputs were not attached).
    NotChecked,
}

/// One check of `lineage verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    /// `status == ok` (kept from the first `lineage verify`).
    pub holds: bool,
    pub status: Status,
    pub detail: String,
}

impl Check {
    pub fn ok(name: &str, detail: impl Into<String>) -> Check {
        Check { name: name.into(), holds: true, status: Status::Ok, detail: detail.into() }
    }
    pub fn fail(name: &str, detail: impl Into<String>) -> Check {
        Check { name: name.into(), holds: false, status: Status::Fail, detail: detail.into() }
    }
    pub(crate) fn not_checked(name: &str, detail: impl Into<String>) -> Check {
        Check { name: name.into(), holds: false, status: Status::NotChecked, detail: detail.into() }
    }
    fn when(name: &str, holds: bool, ok: impl Into<String>, fail: impl Into<String>) -> Check {
        if holds {
            Check::ok(name, ok)
        } else {
            Check::fail(name, fail)
        }
    }
}

/// The result of verifying a sealed PDF.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub checks: Vec<Check>,
    /// One entry per signature (none when the PDF is not signed).
    pub signatures: Vec<SignatureFacts>,
    pub manifest: Manifest,
}

impl Verification {
    /// The names of the checks that fail.
    pub fn failed(&self) -> Vec<&str> {
        self.checks.iter().filter(|c| c.status == Status::Fail).map(|c| c.name.as_str()).collect()
    }
}

/// Every check of an opened sealed PDF whose bytes are `file`; `trust` anchors signer certificates.
pub fn verify(file: &[u8], sealed: &Sealed, trust: &[Certificate]) -> Verification {
    let mut checks = vec![checksums(sealed), inputs(sealed), regenerated(sealed), sentence(sealed)];
    let mut signatures = Vec::new();
    for field in signature::fields(&sealed.doc) {
        let (more, facts) = signature::check(file, &field, trust);
        checks.extend(more);
        signatures.push(facts);
    }
    Verification { checks, signatures, manifest: sealed.manifest.clone() }
}

/// Each attachment's `/Size` and `/CheckSum` against its bytes.
fn checksums(sealed: &Sealed) -> Check {
    let bad: Vec<&str> = sealed
        .files
        .iter()
        .filter(|f| {
            f.checksum.as_deref() != Some(md5::Md5::digest(&f.bytes).as_slice()) || f.size != Some(f.bytes.len() as i64)
        })
        .map(|f| f.name.as_str())
        .collect();
    Check::when(
        "attachment checksums",
        bad.is_empty(),
        format!("{} attachments: each /CheckSum is the MD5 of its bytes and /Size their length", sealed.files.len()),
        format!("/CheckSum or /Size does not match the bytes of: {}", bad.join(", ")),
    )
}

/// Each attached input against the manifest's SHA-256 and size.
fn inputs(sealed: &Sealed) -> Check {
    const NAME: &str = "inputs match the manifest";
    let m = &sealed.manifest;
    let mut bad = Vec::new();
    let mut attached = 0;
    for entry in &m.inputs {
        let Some(name) = &entry.attachment else { continue };
        attached += 1;
        match sealed.file(name) {
            None => bad.push(format!("{name} (named in the manifest) is not attached")),
            Some(f) if Loader::sha256_hex(&f.bytes) != entry.sha256 || f.bytes.len() as u64 != entry.size => {
                bad.push(format!("{name} ({}) differs from the manifest's SHA-256", entry.name));
            }
            Some(_) => {}
        }
    }
    if attached == 0 && !m.inputs.is_empty() {
        return Check::not_checked(
            NAME,
            format!(
                "none of the {} inputs is attached (made with --attach-inputs {}); the manifest names them by SHA-256",
                m.inputs.len(),
                serde_json::to_value(m.attach_inputs)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
        );
    }
    Check::when(
        NAME,
        bad.is_empty(),
        format!("{attached} of {} inputs attached, each with the manifest's SHA-256", m.inputs.len()),
        bad.join("; "),
    )
}

/// The report regenerated from the attached inputs and the manifest's options equals `report.json`.
fn regenerated(sealed: &Sealed) -> Check {
    const NAME: &str = "report regenerated";
    let missing: Vec<&str> =
        sealed.manifest.inputs.iter().filter(|e| e.attachment.is_none()).map(|e| e.name.as_str()).collect();
    if !missing.is_empty() {
        return Check::not_checked(
            NAME,
            format!(
                "{} of {} inputs are not attached, so the report cannot be regenerated here",
                missing.len(),
                sealed.manifest.inputs.len()
            ),
        );
    }
    match regenerate(sealed) {
        Err(e) => Check::fail(NAME, e),
        Ok(json) => Check::when(
            NAME,
            json.as_bytes() == sealed.report_json(),
            "the report from the attached inputs and the manifest's options equals report.json",
            "the report from the attached inputs differs from report.json",
        ),
    }
}

/// `report.json`'s provenance sentence is in page 1's text.
fn sentence(sealed: &Sealed) -> Check {
    const NAME: &str = "sentence on page 1";
    let sentence = serde_json::from_slice::<serde_json::Value>(sealed.report_json())
        .ok()
        .and_then(|v| v.get("sentence").and_then(|s| s.as_str()).map(str::to_owned));
    let Some(s) = sentence else { return Check::fail(NAME, "report.json has no sentence") };
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let page1 = sealed.doc.extract_text(&[1]).unwrap_or_default();
    Check::when(
        NAME,
        squash(&page1).contains(&squash(&lineage_core::text::one_line(&s))),
        "report.json's provenance sentence is in page 1's text",
        "report.json's provenance sentence is not in page 1's text",
    )
}

/// The report as `--format json` prints it, from the attached inputs under their original names.
pub fn regenerate(sealed: &Sealed) -> Result<String, String> {
    let roles = match sealed.inputs(InputKind::Roles).first() {
        Some((name, b)) => RoleTable::with_user_rules(b).map_err(|err| format!("{name}: {err}"))?,
        None => RoleTable::builtin(),
    };
    let mut loader = Loader::new();
    if let Some((name, b)) = sealed.inputs(InputKind::AuditMap).first() {
        let map = lineage_core::model::audit::AuditMap::parse(b).map_err(|err| format!("{name}: {err}"))?;
        loader.set_audit_map(map, name);
    }
    for (name, bytes) in sealed.inputs(InputKind::Export) {
        loader.add_file_with_sha256(name, bytes, || Loader::sha256_hex(bytes)).map_err(|e| e.to_string())?;
    }
    let lineage = loader.finish(&roles).map_err(|e| e.to_string())?;
    let report = lineage_core::answer(&lineage, &query(&sealed.manifest)).map_err(|e| e.to_string())?;
    json(&report).map_err(|e| e.to_string())
}

/// The question the manifest's options ask.
pub fn query(m: &Manifest) -> lineage_core::Query {
    let o = &m.options;
    match &o.inference {
        Some(id) => lineage_core::Query::Inference {
            query: lineage_core::subject::InferenceQuery {
                id: id.clone(),
                endpoint: o.endpoint.clone(),
                variant: o.variant.clone(),
            },
            start: o.start.clone(),
        },
        None => lineage_core::Query::Start(o.start.clone()),
    }
}
