//! The PDF download, made off the main thread: the page starts the PDF worker (`web/pdf-worker`, its own WASM,
//! fetched from beside the page the first time a PDF is asked for), sends it the audit document, and awaits the
//! bytes. The page never links lineage-pdf, so its own WASM stays small and it stays responsive while a PDF is made.

use std::cell::RefCell;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use lineage_core::{Document, Report};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

use crate::browser;
use crate::sealed::PageInput;

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

/// Sends `message` (transferring `transfer`) and awaits the answer; a worker that failed is not reused.
async fn ask(message: &JsValue, transfer: &Array) -> Result<JsValue, String> {
    let w = worker().await?;
    w.post_message_with_transfer(message, transfer)
        .map_err(|e| format!("the PDF worker refused the request: {e:?}"))?;
    let data = next_message(&w).await.inspect_err(|_| {
        // A worker that failed is not reused: the next PDF starts a fresh one.
        w.terminate();
        WORKER.with(|c| c.borrow_mut().take());
    })?;
    if let Some(e) = Reflect::get(&data, &"error".into()).ok().and_then(|v| v.as_string()) {
        return Err(e);
    }
    Ok(data)
}

fn set(o: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &key.into(), value);
}

/// The PDF of `report`, dated today by the browser's clock (as the CLI dates it, unless `--date`), with the question
/// period (`FROM..TO`) when one is given, sealed as the CLI seals it: `report.json`, `manifest.json` (`options`,
/// the manifest's), and `inputs`.
pub async fn bytes(
    report: &Report,
    period: Option<String>,
    options: serde_json::Value,
    inputs: Vec<PageInput>,
) -> Result<Vec<u8>, String> {
    let report_json = lineage_core::render::json(report).map_err(|e| e.to_string())?;
    let job = serde_json::json!({
        "doc": Document::new(report), "date": browser::today(), "period": period,
        "report_json": report_json, "options": options,
    });
    let message = Object::new();
    set(&message, "job", &job.to_string().into());
    let list = Array::new();
    let transfer = Array::new();
    for input in inputs {
        let item = Object::new();
        set(&item, "name", &input.name.into());
        set(&item, "kind", &input.kind.into());
        set(&item, "size", &(input.size as f64).into());
        if let Some(sha) = input.sha256 {
            set(&item, "sha256", &sha.into());
        }
        if let Some(bytes) = input.bytes {
            let array = Uint8Array::from(bytes.as_slice());
            transfer.push(&array.buffer());
            set(&item, "bytes", &array);
        }
        list.push(&item);
    }
    set(&message, "inputs", &list);
    let data = ask(&message, &transfer).await?;
    let pdf = Reflect::get(&data, &"pdf".into()).map_err(|e| format!("the PDF worker's reply: {e:?}"))?;
    Ok(Uint8Array::new(&pdf).to_vec())
}

/// Opens a dropped PDF in the worker: the checks and options (JSON), and the attached inputs (name, kind, bytes);
/// or why it is not a sealed report.
pub async fn open(pdf: Vec<u8>) -> Result<(String, Vec<(String, String, Vec<u8>)>), String> {
    let message = Object::new();
    let array = Uint8Array::from(pdf.as_slice());
    set(&message, "open", &array);
    let data = ask(&message, &Array::of1(&array.buffer())).await?;
    let json = Reflect::get(&data, &"sealed".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let list = Reflect::get(&data, &"inputs".into()).map_err(|e| format!("the PDF worker's reply: {e:?}"))?;
    let mut inputs = Vec::new();
    for item in Array::from(&list).iter() {
        let get = |k: &str| Reflect::get(&item, &k.into()).unwrap_or(JsValue::UNDEFINED);
        let name = get("name").as_string().unwrap_or_default();
        let kind = get("kind").as_string().unwrap_or_default();
        inputs.push((name, kind, Uint8Array::new(&get("bytes")).to_vec()));
    }
    Ok((json, inputs))
}
