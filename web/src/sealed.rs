//! A sealed PDF on the page: dropping one opens it (the PDF worker runs lineage-seal: the same checks as
//! `lineage verify`), its attached inputs load as if dropped, the report asks what the PDF's report asked, and the
//! "Sealed" panel says who signed it, when, and which checks hold. Also what the page's own PDF attaches.

use std::sync::Arc;

use leptos::prelude::*;
use lineage_core::build::steps::Workspace;
use lineage_core::RoleTable;
use serde_json::Value;

use crate::app::{Progress, State};

/// Inputs together at most this large go into the page's PDF (lineage-seal's `auto`, the CLI's default).
const ATTACH_LIMIT: u64 = 64 << 20;

/// The panel's content: the PDF's name, each check, each signature.
#[derive(Clone, Debug, PartialEq)]
pub struct SealedInfo {
    pub file: String,
    pub checks: Vec<CheckLine>,
    pub signatures: Vec<Signature>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CheckLine {
    pub name: String,
    /// `ok`, `fail` or `not_checked`.
    pub status: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub signer: Option<String>,
    pub claimed_time: Option<String>,
    pub timestamp: Option<String>,
    pub authority: Option<String>,
}

/// A role table the sealed PDF carried: applied to everything loaded, and attached again to the page's PDF.
#[derive(Clone, Debug)]
pub struct RolesFile {
    pub name: String,
    pub bytes: Arc<Vec<u8>>,
    pub table: Arc<RoleTable>,
}

/// What the sealed report asked (its manifest's options).
#[derive(Clone, Debug, Default)]
pub struct Asked {
    start: Option<String>,
    inference: Option<String>,
    endpoint: Option<String>,
    variant: Option<String>,
}

/// Whether a dropped file is a PDF (by its first bytes, or its name when it could not be read).
pub fn is_pdf(name: &str, bytes: Option<&[u8]>) -> bool {
    match bytes {
        Some(b) => b.starts_with(b"%PDF-"),
        None => name.to_ascii_lowercase().ends_with(".pdf"),
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Opens a dropped PDF in the worker: the panel is shown and the roles set; the inputs to load and what the report
/// asked are returned. A PDF that is not sealed is an error naming it.
pub async fn open(
    state: &State,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(Vec<(String, Result<Vec<u8>, String>)>, Asked), String> {
    state.progress.set(Some(Progress::step(format!("Opening {name} and checking its seal…"))));
    crate::browser::painted().await;
    let (json, inputs) = crate::pdf::open(bytes).await.map_err(|e| format!("{name}: {e}"))?;
    let v: Value = serde_json::from_str(&json).map_err(|e| format!("{name}: the worker's answer: {e}"))?;
    let verification = v.get("verification").cloned().unwrap_or_default();
    let list = |k: &str| verification.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
    let checks = list("checks")
        .iter()
        .map(|c| CheckLine {
            name: text(c, "name").unwrap_or_default(),
            status: text(c, "status").unwrap_or_default(),
            detail: text(c, "detail").unwrap_or_default(),
        })
        .collect();
    let signatures = list("signatures")
        .iter()
        .map(|s| Signature {
            signer: text(s, "signer"),
            claimed_time: text(s, "claimed_time"),
            timestamp: text(s, "timestamp"),
            authority: text(s, "timestamp_authority"),
        })
        .collect();
    let o = v.get("options").cloned().unwrap_or_default();
    let asked = Asked {
        start: text(&o, "start"),
        inference: text(&o, "inference"),
        endpoint: text(&o, "endpoint"),
        variant: text(&o, "variant"),
    };
    let mut files = Vec::new();
    for (input, kind, bytes) in inputs {
        if kind == "roles" {
            let table = RoleTable::with_user_rules(&bytes).map_err(|e| format!("{name}: {input}: {e}"))?;
            state.roles_file.set(Some(RolesFile { name: input, bytes: Arc::new(bytes), table: Arc::new(table) }));
        } else {
            files.push((input, Ok(bytes)));
        }
    }
    state.sealed.set(Some(SealedInfo { file: name.to_owned(), checks, signatures }));
    Ok((files, asked))
}

/// Asks what the sealed report asked: the inference (with its endpoint and variant), else the start.
pub fn ask(state: &State, asked: Asked) {
    if let Some(id) = asked.inference {
        state.endpoint.set(asked.endpoint.unwrap_or_default());
        state.variant.set(asked.variant.unwrap_or_default());
        state.inference.set(id);
    } else if let (Some(start), Some(l)) = (asked.start, state.lineage.get_untracked()) {
        if let Ok(ix) = lineage_core::resolve_start(&l, Some(&start)) {
            let arn = l.graph.node(ix).arn.to_string();
            let pick = state.candidates.with_untracked(|c| crate::app::reportable(&l, c, arn));
            state.subject.set(Some(pick));
        }
    }
}

/// A file the page's PDF lists in its manifest (and attaches when `bytes` is given).
pub struct PageInput {
    pub name: String,
    /// `export` or `roles`.
    pub kind: &'static str,
    pub size: u64,
    pub sha256: Option<String>,
    pub bytes: Option<Vec<u8>>,
}

/// What the page's PDF attaches: every loaded file (and the role table a sealed PDF brought) with its size and
/// SHA-256, and their bytes when together they are at most 64 MiB (or when the browser gave no SHA-256).
pub fn inputs(workspace: &Workspace, roles: Option<&RolesFile>) -> Vec<PageInput> {
    let mut files: Vec<(&str, &[u8], Option<&str>, &'static str)> =
        workspace.files().map(|(n, b, s)| (n, b, s, "export")).collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    if let Some(r) = roles {
        files.push((&r.name, r.bytes.as_slice(), None, "roles"));
    }
    let total: u64 = files.iter().map(|f| f.1.len() as u64).sum();
    files
        .into_iter()
        .map(|(name, bytes, sha, kind)| PageInput {
            name: name.to_owned(),
            kind,
            size: bytes.len() as u64,
            sha256: sha.map(str::to_owned),
            bytes: (total <= ATTACH_LIMIT || sha.is_none()).then(|| bytes.to_vec()),
        })
        .collect()
}

fn mark(status: &str) -> &'static str {
    match status {
        "ok" => "✓",
        "fail" => "✗",
        _ => "–",
    }
}

fn signature_line(signatures: &[Signature]) -> String {
    if signatures.is_empty() {
        return "Not signed: the checks below are what the PDF itself can show.".into();
    }
    let one = |s: &Signature| {
        let who = s.signer.clone().unwrap_or_else(|| "an unknown signer".into());
        let when = s.claimed_time.clone().unwrap_or_else(|| "an unrecorded time".into());
        match (&s.timestamp, &s.authority) {
            (Some(t), Some(a)) => format!("Signed by {who} at {when}; timestamped {t} by {a}."),
            _ => format!("Signed by {who} at {when} (the time the signer claims; no timestamp)."),
        }
    };
    signatures.iter().map(one).collect::<Vec<_>>().join(" ")
}

/// The "Sealed" panel, while a sealed PDF is what the page shows.
#[component]
pub fn SealedPanel() -> impl IntoView {
    let state = expect_context::<State>();
    move || {
        state.sealed.get().map(|s| {
            let holds = s.checks.iter().all(|c| c.status != "fail");
            let verdict = if holds { "every check holds" } else { "a check fails" };
            view! {
                <section class="sealed no-print" class:fails=!holds data-testid="sealed-panel">
                    <h2>"Sealed PDF " <code>{s.file.clone()}</code> ": " {verdict}</h2>
                    <p data-testid="sealed-signature">{signature_line(&s.signatures)}</p>
                    <ul class="checks">
                        {s.checks.into_iter().map(|c| view! {
                            <li data-testid="sealed-check" data-status=c.status.clone() class=c.status.clone()>
                                <strong>{format!("{} {}", mark(&c.status), c.name)}</strong>": "{c.detail}
                            </li>
                        }).collect_view()}
                    </ul>
                    <p class="note">"These checks ran in this browser, as " <code>"lineage verify"</code>
                        " runs them. Whether to trust the signer's certificate is not decided here: run "
                        <code>"lineage verify FILE.pdf --trust ROOT.pem"</code> "."</p>
                </section>
            }
        })
    }
}
