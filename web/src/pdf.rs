//! The PDF download, made off the main thread: the page starts the PDF worker (`web/pdf-worker`, its own WASM,
//! fetched from beside the page the first time a PDF is asked for), sends it the audit document, and awaits the
//! bytes. The page never links lineage-pdf, so its own WASM stays small and it stays responsive while a PDF is made.

use std::cell::RefCell;

use js_sys::{Promise, Reflect, Uint8Array};
use lineage_core::{Document, Report};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

use crate::browser;

/// The loader Trunk writes for the worker target (`data-loader-shim`): relative, so the page works from any folder.
const LOADER: &str = "lineage-pdf-worker_loader.js";

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

/// The worker's next message, or its error (a failed load, a trap).
async fn next_message(w: &Worker) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |ok, err| {
        w.set_onmessage(Some(&ok));
        w.set_onerror(Some(&err));
    });
    let event = JsFuture::from(promise).await.map_err(|e| format!("the PDF worker failed: {e:?}"))?;
    Ok(event.unchecked_into::<MessageEvent>().data())
}

/// The running worker, started (and waited for) on first use.
async fn worker() -> Result<Worker, String> {
    if let Some(w) = WORKER.with(|c| c.borrow().clone()) {
        return Ok(w);
    }
    let w = Worker::new(LOADER).map_err(|e| format!("the PDF worker did not start: {e:?}"))?;
    next_message(&w).await?;
    WORKER.with(|c| *c.borrow_mut() = Some(w.clone()));
    Ok(w)
}

/// The PDF of `report`, dated today by the browser's clock (as the CLI dates it, unless `--date`), with the question
/// period (`FROM..TO`) when one is given.
pub async fn bytes(report: &Report, period: Option<String>) -> Result<Vec<u8>, String> {
    let w = worker().await?;
    let job = serde_json::json!({ "doc": Document::new(report), "date": browser::today(), "period": period });
    let job = job.to_string();
    w.post_message(&job.into()).map_err(|e| format!("the PDF worker refused the document: {e:?}"))?;
    let data = next_message(&w).await.inspect_err(|_| {
        // A worker that failed is not reused: the next PDF starts a fresh one.
        w.terminate();
        WORKER.with(|c| c.borrow_mut().take());
    })?;
    if let Some(e) = Reflect::get(&data, &"error".into()).ok().and_then(|v| v.as_string()) {
        return Err(e);
    }
    let pdf = Reflect::get(&data, &"pdf".into()).map_err(|e| format!("the PDF worker's reply: {e:?}"))?;
    Ok(Uint8Array::new(&pdf).to_vec())
}
