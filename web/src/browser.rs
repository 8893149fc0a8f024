//! Every call into the browser: reading dropped or picked files and folders, fetching exports and fonts beside the
//! page, the page's query string, downloads, and the clock for timings. Components call these and nothing else.

use lineage_core::read::limits::Limits;
use wasm_bindgen::JsCast;

/// A file to read, with the name the page gives it: its path inside a picked or dropped folder (the core reads an
/// endpoint and variant from a data-capture file's S3 key layout), else its own name.
pub type Named = (String, web_sys::File);

/// The files of a `FileList`, taken out of it now (the list empties when its input is reset), each named by its
/// path inside a picked folder (`webkitRelativePath`) when it has one.
pub fn files_of(list: &web_sys::FileList) -> Vec<Named> {
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|f| {
            let relative = js_sys::Reflect::get(&f, &"webkitRelativePath".into()).ok().and_then(|v| v.as_string());
            (relative.filter(|p| !p.is_empty()).unwrap_or_else(|| f.name()), f)
        })
        .collect()
}

/// What was dropped, taken out of the event now (its items are gone once the handler returns): each item's entry
/// (a file or a folder) when the browser gives one, else its file.
pub struct Dropped(Vec<(Option<web_sys::FileSystemEntry>, Option<web_sys::File>)>);

pub fn dropped(data: &web_sys::DataTransfer) -> Dropped {
    let items = data.items();
    let taken = (0..items.length())
        .filter_map(|i| items.get(i))
        .filter(|item| item.kind() == "file")
        .map(|item| (item.webkit_get_as_entry().ok().flatten(), item.get_as_file().ok().flatten()))
        .collect();
    Dropped(taken)
}

/// The dropped files, folders walked recursively (`readEntries` until it returns none), each named by its path
/// inside what was dropped (`fullPath` without the leading `/`). Files are listed in path order within a folder.
pub async fn dropped_files(dropped: Dropped) -> Vec<Named> {
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for (entry, file) in dropped.0 {
        match (entry, file) {
            (Some(e), None) => stack.push(e),
            (Some(e), Some(_)) if e.is_directory() => stack.push(e),
            (_, Some(f)) => out.push((f.name(), f)),
            (None, None) => {}
        }
    }
    while let Some(entry) = stack.pop() {
        let path = entry.full_path().trim_start_matches('/').to_owned();
        // Told apart by isDirectory/isFile, not by class: Chromium names the classes DirectoryEntry and FileEntry.
        if entry.is_directory() {
            let dir: &web_sys::FileSystemDirectoryEntry = entry.unchecked_ref();
            let mut children = Vec::new();
            let reader = dir.create_reader();
            loop {
                let batch = callback(|ok, err| reader.read_entries_with_callback_and_callback(ok, err)).await;
                let batch: Vec<web_sys::FileSystemEntry> = batch
                    .map(|a| js_sys::Array::from(&a).iter().map(JsCast::unchecked_into).collect())
                    .unwrap_or_default();
                if batch.is_empty() {
                    break;
                }
                children.extend(batch);
            }
            children.sort_by_key(|c| std::cmp::Reverse(c.full_path()));
            stack.extend(children);
        } else if entry.is_file() {
            let file: &web_sys::FileSystemFileEntry = entry.unchecked_ref();
            if let Ok(f) = callback(|ok, err| {
                file.file_with_callback_and_callback(ok, err);
                Ok(())
            })
            .await
            {
                out.push((if path.is_empty() { entry.name() } else { path }, f.unchecked_into()));
            }
        }
    }
    out
}

/// Awaits a callback-style call (`call(success, error)`), as its success value.
async fn callback(
    call: impl FnOnce(&js_sys::Function, &js_sys::Function) -> Result<(), wasm_bindgen::JsValue>,
) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue> {
    let mut failed = None;
    let mut call = Some(call);
    let promise = js_sys::Promise::new(&mut |ok, err| {
        if let Some(Err(e)) = call.take().map(|c| c(&ok, &err)) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    wasm_bindgen_futures::JsFuture::from(promise).await
}

/// How much of a file is read at a time, so the page can say how far it got.
const READ_SLICE: usize = 16 << 20;

/// The bounds the page holds its inputs to ([`Limits::for_page`]): what the browser says the machine's memory is
/// (`navigator.deviceMemory`, where it says), and each limit the address raises (`?max-input-mb=2000`).
pub fn limits() -> Limits {
    let window = web_sys::window();
    let memory = window
        .as_ref()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &wasm_bindgen::JsValue::from_str("deviceMemory")).ok())
        .and_then(|v| v.as_f64());
    let search = window.and_then(|w| w.location().search().ok()).unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
    Limits::for_page(memory, |l| params.as_ref()?.get(l.name())?.trim().parse().ok())
}

/// What was read: `(name, bytes)` of each file, in order, and the SHA-256 begun for each file read whole.
pub type ReadFiles = (Vec<(String, Result<Vec<u8>, String>)>, Vec<(String, Hashing)>);

/// `(name, bytes)` of every file, in order, read a slice at a time (each slice, once copied, given to the file's
/// [`Hasher`]); `progress(name, read, size)` is called before the first slice and after each. First
/// `admit(what, bytes of them all)` is asked (`what`: the file's name, or "the N files given"): its refusal is the
/// one error, and no file is read.
pub async fn read_files(
    files: Vec<Named>,
    admit: impl Fn(&str, u64) -> Result<(), String>,
    progress: impl Fn(&str, u64, u64),
) -> ReadFiles {
    let total = files.iter().map(|(_, f)| f.size() as u64).sum();
    let what = match files.as_slice() {
        [(name, _)] => name.clone(),
        _ => format!("the {} files given", files.len()),
    };
    if let Err(e) = admit(&what, total) {
        return (vec![(what, Err(e))], Vec::new());
    }
    let mut out = Vec::new();
    let mut digests = Vec::new();
    for (name, file) in files {
        let hasher = Hasher::start(Some(file.size() as u64));
        let blob = gloo_file::Blob::from(file);
        let size = blob.size();
        // Reserved whole, each slice's place zeroed then filled (zeroing 520 MB at once was one 200 ms task).
        let len = usize::try_from(size).unwrap_or(0);
        let mut bytes = Vec::with_capacity(len);
        let mut result = Ok(());
        let mut read = 0usize;
        progress(&name, 0, size);
        while read < len {
            let end = (read + READ_SLICE).min(len);
            let slice = blob.slice(read as u64, end as u64);
            match gloo_file::futures::read_as_array_buffer(&slice).await {
                // Copied once, from the browser's buffer straight into place.
                Ok(buffer) if buffer.byte_length() as usize == end - read => {
                    let slice = js_sys::Uint8Array::new(&buffer);
                    bytes.resize(end, 0);
                    slice.copy_to(&mut bytes[read..end]);
                    hasher.push(&slice);
                    read = end;
                }
                Ok(_) => {
                    result = Err(format!("{name}: cannot read: the file changed while it was read"));
                    break;
                }
                Err(e) => {
                    result = Err(format!("{name}: cannot read: {e}"));
                    break;
                }
            }
            progress(&name, read as u64, size);
        }
        // A file not read in full: its worker is stopped (dropped).
        if let Some(digest) = result.is_ok().then(|| hasher.finish()).flatten() {
            digests.push((name.clone(), digest));
        }
        out.push((name, result.map(|()| bytes)));
    }
    (out, digests)
}

/// Waits until the browser has painted what was just changed (a timeout queued from an animation frame runs
/// after that frame's paint), so a message shown before a long step is seen while it runs. A hidden tab paints
/// no frames: there it only lets waiting events run, and a tab hidden meanwhile goes on after 100 ms.
pub async fn painted() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(window) = web_sys::window() else {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            return;
        };
        let hidden = window.document().is_none_or(|d| d.hidden());
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, if hidden { 0 } else { 100 });
        if hidden {
            return;
        }
        let after_frame = wasm_bindgen::closure::Closure::once_into_js(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        });
        let _ = window.request_animation_frame(after_frame.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Lets the events waiting run (input, and a frame due to be painted) and goes on at once after them, without
/// waiting for a frame as [`painted`] does: a message posted to a channel runs as its own task, unthrottled (a
/// timeout nested in timeouts is held back 4 ms). Without a channel it is [`painted`].
pub async fn yielded() {
    let Ok(channel) = web_sys::MessageChannel::new() else { return painted().await };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(&resolve));
        if channel.port2().post_message(&wasm_bindgen::JsValue::NULL).is_err() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    channel.port1().set_onmessage(None);
}

/// Adds `html` (text in it escaped by the caller) at the end of `element`'s content.
pub fn append_html(element: &web_sys::Element, html: &str) {
    let _ = element.insert_adjacent_html("beforeend", html);
}

/// GETs a same-origin path (an export or a font beside the page).
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    Ok(fetch_bytes_with(path, |_| Ok(()), |_, _| {}, false).await?.0)
}

/// GETs a same-origin path, reading its body a chunk at a time and calling `progress(received, total)` after each
/// (`total`: the Content-Length, when the server sends one). The browser paints between chunks. `admit` is asked
/// about the Content-Length before any byte is read and about the bytes received as they grow: its refusal
/// stops the fetch and is the error. With `hash`, a large body's chunks, once copied, are given to a [`Hasher`],
/// whose digest comes back with the bytes.
pub async fn fetch_bytes_with(
    path: &str,
    admit: impl Fn(u64) -> Result<(), String>,
    progress: impl Fn(u64, Option<u64>),
    hash: bool,
) -> Result<(Vec<u8>, Option<Hashing>), String> {
    let failed = |e: String| format!("could not fetch {path}: {e}");
    let resp = gloo_net::http::Request::get(path).send().await.map_err(|e| failed(e.to_string()))?;
    if !resp.ok() {
        return Err(failed(format!("HTTP {} {}", resp.status(), resp.status_text())));
    }
    let total = resp.headers().get("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(t) = total {
        admit(t)?;
    }
    let hasher = if hash { Hasher::start(total) } else { Hasher(None) };
    let Some(body) = resp.body() else {
        let bytes = resp.binary().await.map_err(|e| failed(e.to_string()))?;
        hasher.push(&js_sys::Uint8Array::from(bytes.as_slice()));
        return Ok((bytes, hasher.finish()));
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    // Reserved whole when the Content-Length is known (no copy as it grows), each chunk's place zeroed then
    // filled as it comes: zeroing the whole buffer up front was one task of 200 ms for 520 MB.
    let mut out: Vec<u8> = Vec::with_capacity(total.unwrap_or(0).min(1 << 32) as usize);
    let mut got = 0usize;
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|e| failed(e.as_string().unwrap_or_else(|| format!("{e:?}"))))?;
        let field = |name: &str| js_sys::Reflect::get(&chunk, &wasm_bindgen::JsValue::from_str(name));
        if field("done").ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let value: js_sys::Uint8Array =
            field("value").map_err(|_| failed("no bytes in a chunk".into()))?.unchecked_into();
        let n = value.length() as usize;
        // Past the Content-Length (or none given), the buffer grows.
        out.resize(got + n, 0);
        value.copy_to(&mut out[got..got + n]);
        hasher.push(&value);
        got += n;
        if total.is_none() {
            admit(got as u64)?;
        }
        progress(got as u64, total);
    }
    // A body shorter than its Content-Length (a proxy that compressed it): only what arrived.
    out.truncate(got);
    Ok((out, hasher.finish()))
}

/// The `src` query parameter, split on commas (`index.html?src=a.json,b.json`).
pub fn src_param() -> Vec<String> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    let search = window.location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return Vec::new() };
    params
        .get("src")
        .map(|s| s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Saves `bytes` as a download named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("download failed: {e:?}");
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(err)?.dyn_into().map_err(|_| "not an anchor".to_owned())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url).map_err(err)?;
    Ok(())
}

/// The hashing worker's code. It gathers the parts it is sent (moved to it, not copied), then hashes them with
/// SubtleCrypto, which Chromium runs on the calling thread: on the page's own thread a 500 MB file blocked input
/// for a second (the copy for the call, then the hash).
const HASH_WORKER: &str = r#"
const parts = [];
onmessage = async (e) => {
  if (e.data !== null) { parts.push(new Uint8Array(e.data)); return; }
  let all = parts.length === 1 ? parts[0] : new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  if (parts.length !== 1) { let at = 0; for (const p of parts) { all.set(p, at); at += p.length; } }
  parts.length = 0;
  try {
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
    postMessage(Array.from(d, (b) => b.toString(16).padStart(2, '0')).join(''));
  } catch (_) { postMessage(null); }
  close();
};
"#;

thread_local! {
    /// The worker's script, as an object URL made once.
    static HASH_WORKER_URL: Option<String> = {
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(HASH_WORKER));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
            .ok()
            .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob).ok())
    };
}

/// Files at least this large are hashed by a worker ([`Hasher`]); a smaller one on the page's thread once read
/// ([`begin_sha256`]: a few milliseconds), so a folder of thousands of small files starts no worker.
const HASHED_BY_A_WORKER: u64 = 16 << 20;

/// A large file's SHA-256, computed by a worker of its own from the parts it is given as they are read, so no copy
/// of the file and no hashing happen on the page's thread. Without workers the core hashes the file instead.
pub struct Hasher(Option<(web_sys::Worker, wasm_bindgen_futures::JsFuture)>);

impl Hasher {
    /// A worker for a file of `size` bytes (unknown: a fetch without a Content-Length), or none for a small one.
    pub fn start(size: Option<u64>) -> Hasher {
        if size.is_some_and(|n| n < HASHED_BY_A_WORKER) {
            return Hasher(None);
        }
        let started = || {
            let worker = web_sys::Worker::new(&HASH_WORKER_URL.with(Clone::clone)?).ok()?;
            // Listened for from the start, so a worker that fails to load is an error however early it fails.
            let answer = js_sys::Promise::new(&mut |ok, err| {
                worker.set_onmessage(Some(&ok));
                worker.set_onerror(Some(&err));
            });
            Some((worker, wasm_bindgen_futures::JsFuture::from(answer)))
        };
        Hasher(started())
    }

    /// Gives the worker the next bytes of the file: `part`'s buffer moves to it (`part` is empty afterwards).
    pub fn push(&self, part: &js_sys::Uint8Array) {
        let Some((worker, _)) = &self.0 else { return };
        let buffer = part.buffer();
        let whole = part.byte_offset() == 0 && part.byte_length() == buffer.byte_length();
        let buffer = if whole { buffer } else { part.slice(0, part.length()).buffer() };
        let _ = worker.post_message_with_transfer(&buffer, &js_sys::Array::of1(&buffer));
    }

    /// Every part given: the digest, once the worker has it; `None` when no worker hashes the file.
    pub fn finish(mut self) -> Option<Hashing> {
        let (worker, answer) = self.0.take()?;
        if worker.post_message(&wasm_bindgen::JsValue::NULL).is_err() {
            worker.terminate();
            return None;
        }
        Some(Hashing(Some(HashingBy::Worker(answer))))
    }
}

impl Drop for Hasher {
    /// A file that could not be read in full: its worker stops.
    fn drop(&mut self) {
        if let Some((worker, _)) = self.0.take() {
            worker.terminate();
        }
    }
}

/// SHA-256 of `bytes` (a small file, or one a sealed PDF carried), by SubtleCrypto on the page's thread: Chromium
/// hashes in the call (about 2 ms per MB with the copy), so large files go to a [`Hasher`] instead. `None` where the
/// page is not in a secure context, and then the core hashes.
pub fn begin_sha256(bytes: &[u8]) -> Hashing {
    let begin = || {
        let subtle = web_sys::window()?.crypto().ok()?.subtle();
        let data = js_sys::Uint8Array::from(bytes);
        let promise = subtle.digest_with_str_and_buffer_source("SHA-256", &data).ok()?;
        Some(wasm_bindgen_futures::JsFuture::from(promise))
    };
    Hashing(begin().map(HashingBy::Page))
}

/// A SHA-256 the browser is computing: a worker's ([`Hasher`]) or the page's ([`begin_sha256`]).
pub struct Hashing(Option<HashingBy>);

enum HashingBy {
    /// Resolves to the worker's message: the hex, or null.
    Worker(wasm_bindgen_futures::JsFuture),
    /// Resolves to the digest's bytes.
    Page(wasm_bindgen_futures::JsFuture),
}

impl Hashing {
    /// Whether a worker computes it.
    pub fn by_a_worker(&self) -> bool {
        matches!(self.0, Some(HashingBy::Worker(_)))
    }
}

/// The hex of a digest the browser began; `None` when it could not compute it (the core then does).
pub async fn sha256_hex(begun: Hashing) -> Option<String> {
    match begun.0? {
        HashingBy::Worker(answer) => {
            let event = answer.await.ok()?;
            event.unchecked_into::<web_sys::MessageEvent>().data().as_string()
        }
        HashingBy::Page(digest) => {
            let digest = js_sys::Uint8Array::new(&digest.await.ok()?).to_vec();
            Some(digest.iter().map(|b| format!("{b:02x}")).collect())
        }
    }
}

/// Brings the element with `id` into view (the answer, after a fleet row was opened).
pub fn scroll_to(id: &str) {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(e) = element {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_behavior(web_sys::ScrollBehavior::Smooth);
        e.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Milliseconds since the page started.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Today's date in UTC as `YYYY-MM-DD` (the PDF's generation date).
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", d.get_utc_full_year(), d.get_utc_month() + 1, d.get_utc_date())
}

/// Records a timing where the end-to-end tests can read it (`window.__lineageTimings`).
pub fn record_timing(name: &str, ms: f64) {
    let Some(window) = web_sys::window() else { return };
    let key = wasm_bindgen::JsValue::from_str("__lineageTimings");
    let store = js_sys::Reflect::get(&window, &key).ok().filter(|v| v.is_object()).unwrap_or_else(|| {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&window, &key, &o);
        o.into()
    });
    let _ = js_sys::Reflect::set(&store, &wasm_bindgen::JsValue::from_str(name), &wasm_bindgen::JsValue::from_f64(ms));
}
