//! The PDF worker. Two requests:
//! - a PDF: `{"job": JSON, "inputs": [{"name", "kind", "bytes": Uint8Array}]}` (or the job's JSON string alone), the
//!   job being `{"doc": Document, "date": "YYYY-MM-DD", "period": "FROM..TO" or null, "report_json": the report as
//!   `--format json` prints it, "options": the manifest's options}`. It fetches the fonts beside the page (the large
//!   CJK fallback only when the text needs it), lays the document out with lineage-pdf, seals it as the CLI does
//!   (lineage-seal: `report.json`, `manifest.json`, the inputs when together at most 64 MiB) and posts the bytes
//!   back (`{"pdf": Uint8Array}`, transferred);
//! - opening a sealed PDF: `{"open": Uint8Array}`: lineage-seal opens it and runs `lineage verify`'s checks (no
//!   trust roots: the page cannot be given any), and posts `{"sealed": JSON {"verification", "options"},
//!   "inputs": [{"name", "kind", "bytes"}]}`.
//!
//! Either may answer `{"error": "…"}` instead. It posts `"ready"` once it listens.

use js_sys::{Array, Object, Reflect, Uint8Array};
use lineage_core::Document;
use lineage_pdf::{Attachment, FontSet, PdfOptions};
use lineage_seal::{AttachInputs, Input, InputKind, ReportOptions, Sealed};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

#[derive(serde::Deserialize)]
struct Job {
    doc: Document,
    date: String,
    /// The question period, `YYYY-MM-DD..YYYY-MM-DD` (the CLI's `--period`).
    #[serde(default)]
    period: Option<String>,
    /// The report as `--format json` prints it: `report.json`. Absent, the PDF is not sealed.
    #[serde(default)]
    report_json: Option<String>,
    #[serde(default)]
    options: ReportOptions,
}

/// The period as the title block prints it (`FROM to TO`), as the CLI words `--period`.
fn period(p: &str) -> Result<String, String> {
    match p.split_once("..") {
        Some((from, to))
            if lineage_pdf::parse_date(from).is_some() && lineage_pdf::parse_date(to).is_some() && from <= to =>
        {
            Ok(format!("{from} to {to}"))
        }
        _ => Err(format!("question period {p:?}: expected FROM..TO as YYYY-MM-DD..YYYY-MM-DD")),
    }
}

async fn fetch(path: &str) -> Result<Vec<u8>, String> {
    let resp = gloo_net::http::Request::get(path).send().await.map_err(|e| format!("{path}: {e}"))?;
    if !resp.ok() {
        return Err(format!("{path}: HTTP {}", resp.status()));
    }
    resp.binary().await.map_err(|e| format!("{path}: {e}"))
}

async fn render(json: &str, inputs: Vec<Input>) -> Result<Vec<u8>, String> {
    let mut job: Job = serde_json::from_str(json).map_err(|e| format!("PDF worker: bad request: {e}"))?;
    let attachments: Vec<Attachment> = match job.report_json.clone() {
        Some(report) => {
            let tool = format!("lineage {} (the page)", env!("CARGO_PKG_VERSION"));
            lineage_seal::attachments(inputs, job.options.clone(), AttachInputs::Auto, &tool, report)
                .map_err(|e| format!("PDF worker: the manifest: {e}"))?
        }
        None => Vec::new(),
    };
    lineage_seal::note_attachments(&mut job.doc, &attachments);
    let question_period = job.period.as_deref().map(period).transpose()?;
    let regular = fetch("fonts/DejaVuSans.ttf").await?;
    let bold = fetch("fonts/DejaVuSans-Bold.ttf").await?;
    let mono = fetch("fonts/DejaVuSansMono.ttf").await?;
    let pdf = |fallbacks: &[&[u8]]| {
        let opts = PdfOptions {
            fonts: FontSet { regular: &regular, bold: &bold, mono: &mono, fallbacks },
            generated_on: job.date.clone(),
            question_period: question_period.clone(),
            attachments: attachments.clone(),
        };
        lineage_pdf::render(&job.doc, &opts).map_err(|e| e.to_string())
    };
    let first = pdf(&[])?;
    if first.uncovered.is_empty() {
        return Ok(first.bytes);
    }
    let cjk = fetch("fonts/DroidSansFallbackFull.ttf").await?;
    Ok(pdf(&[&cjk])?.bytes)
}

fn reply(scope: &DedicatedWorkerGlobalScope, result: Result<Vec<u8>, String>) {
    let message = Object::new();
    let posted = match result {
        Ok(bytes) => {
            let array = Uint8Array::from(bytes.as_slice());
            let _ = Reflect::set(&message, &"pdf".into(), &array);
            scope.post_message_with_transfer(&message, &Array::of1(&array.buffer()))
        }
        Err(e) => {
            let _ = Reflect::set(&message, &"error".into(), &e.into());
            scope.post_message(&message)
        }
    };
    if let Err(e) = posted {
        web_sys::console::error_1(&e);
    }
}

/// `{"name", "kind", "bytes"}` objects as inputs (a bad element is an error naming it).
fn inputs_of(list: &JsValue) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    if list.is_undefined() || list.is_null() {
        return Ok(out);
    }
    for (i, item) in Array::from(list).iter().enumerate() {
        let field = |k: &str| Reflect::get(&item, &k.into()).ok();
        let name = field("name").and_then(|v| v.as_string()).ok_or(format!("PDF worker: input {i} has no name"))?;
        let kind = match field("kind").and_then(|v| v.as_string()).as_deref() {
            Some("roles") => InputKind::Roles,
            Some("audit_map") => InputKind::AuditMap,
            _ => InputKind::Export,
        };
        let bytes = field("bytes").filter(|b| !b.is_undefined() && !b.is_null()).map(|b| Uint8Array::new(&b).to_vec());
        let sha256 = field("sha256").and_then(|v| v.as_string());
        let size = field("size").and_then(|v| v.as_f64());
        out.push(match (bytes, sha256, size) {
            (Some(bytes), _, _) => Input::new(name, kind, bytes),
            (None, Some(sha256), Some(size)) => Input { name, kind, size: size as u64, sha256, bytes: None },
            _ => return Err(format!("PDF worker: {name}: neither bytes nor size and SHA-256")),
        });
    }
    Ok(out)
}

/// Opens a sealed PDF and runs the checks: the verification and options as JSON, and the attached inputs.
fn open(bytes: &[u8]) -> Result<(String, Vec<Input>), String> {
    let sealed = Sealed::open(bytes).map_err(|e| e.to_string())?;
    let verification = lineage_seal::verify(bytes, &sealed, &[]);
    let inputs = sealed
        .manifest
        .inputs
        .iter()
        .filter_map(|e| {
            let file = sealed.file(e.attachment.as_deref()?)?;
            Some(Input::new(e.name.clone(), e.kind, file.bytes.clone()))
        })
        .collect();
    let json = serde_json::json!({ "verification": verification, "options": sealed.manifest.options });
    Ok((json.to_string(), inputs))
}

fn reply_open(scope: &DedicatedWorkerGlobalScope, result: Result<(String, Vec<Input>), String>) {
    let message = Object::new();
    let transfer = Array::new();
    match result {
        Ok((json, inputs)) => {
            let list = Array::new();
            for input in inputs {
                let item = Object::new();
                let bytes = Uint8Array::from(input.bytes.as_deref().unwrap_or_default());
                let kind = serde_json::to_value(input.kind).ok().and_then(|v| v.as_str().map(str::to_owned));
                let _ = Reflect::set(&item, &"name".into(), &input.name.into());
                let _ = Reflect::set(&item, &"kind".into(), &kind.unwrap_or_default().into());
                let _ = Reflect::set(&item, &"bytes".into(), &bytes);
                transfer.push(&bytes.buffer());
                list.push(&item);
            }
            let _ = Reflect::set(&message, &"sealed".into(), &json.into());
            let _ = Reflect::set(&message, &"inputs".into(), &list);
        }
        Err(e) => {
            let _ = Reflect::set(&message, &"error".into(), &e.into());
        }
    }
    if let Err(e) = scope.post_message_with_transfer(&message, &transfer) {
        web_sys::console::error_1(&e);
    }
}

/// One request: a job's JSON string, `{"job", "inputs"}`, or `{"open"}`.
async fn handle(scope: DedicatedWorkerGlobalScope, data: JsValue) {
    if let Some(json) = data.as_string() {
        return reply(&scope, render(&json, Vec::new()).await);
    }
    let get = |k: &str| Reflect::get(&data, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let pdf = get("open");
    if !pdf.is_undefined() {
        return reply_open(&scope, open(&Uint8Array::new(&pdf).to_vec()));
    }
    let job = get("job").as_string().unwrap_or_default();
    match inputs_of(&get("inputs")) {
        Ok(inputs) => reply(&scope, render(&job, inputs).await),
        Err(e) => reply(&scope, Err(e)),
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let listener = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
        wasm_bindgen_futures::spawn_local(handle(listener.clone(), ev.data()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages sent before the listener is set would be lost: the page waits for this.
    let _ = scope.post_message(&"ready".into());
}
