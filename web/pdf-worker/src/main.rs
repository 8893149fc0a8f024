//! The PDF worker: receives `{"doc": Document, "date": "YYYY-MM-DD", "period": "FROM..TO" or null}` as a JSON string, fetches the fonts beside the
//! page (the large CJK fallback only when the text needs it), lays the document out with lineage-pdf and posts the
//! bytes back (`{"pdf": Uint8Array}`, transferred) or `{"error": "…"}`. It posts `"ready"` once it listens.

use js_sys::{Array, Object, Reflect, Uint8Array};
use lineage_core::Document;
use lineage_pdf::{FontSet, PdfOptions};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

#[derive(serde::Deserialize)]
struct Job {
    doc: Document,
    date: String,
    /// The question period, `YYYY-MM-DD..YYYY-MM-DD` (the CLI's `--period`).
    #[serde(default)]
    period: Option<String>,
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

async fn render(json: &str) -> Result<Vec<u8>, String> {
    let job: Job = serde_json::from_str(json).map_err(|e| format!("PDF worker: bad request: {e}"))?;
    let question_period = job.period.as_deref().map(period).transpose()?;
    let regular = fetch("fonts/DejaVuSans.ttf").await?;
    let bold = fetch("fonts/DejaVuSans-Bold.ttf").await?;
    let mono = fetch("fonts/DejaVuSansMono.ttf").await?;
    let pdf = |fallbacks: &[&[u8]]| {
        let opts = PdfOptions {
            fonts: FontSet { regular: &regular, bold: &bold, mono: &mono, fallbacks },
            generated_on: job.date.clone(),
            question_period: question_period.clone(),
            attachments: Vec::new(),
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

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let listener = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
        let scope = listener.clone();
        let json = ev.data().as_string().unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move { reply(&scope, render(&json).await) });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages sent before the listener is set would be lost: the page waits for this.
    let _ = scope.post_message(&"ready".into());
}
