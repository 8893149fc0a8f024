//! The page's components: loading, the answer, the graph explorer and the downloads. They hold state and call
//! lineage-core (logic) and `browser` (I/O); every string from an input is rendered as text, never as HTML.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use lineage_core::build::steps::{self, Build, NextStep, Workspace};
use lineage_core::document::{Block, DocSection, Document, Field, HistoryEntry, Inline, NoteKind, Span};
use lineage_core::explore::{self, Candidate, Relatives, View};
use lineage_core::graph_layout::{self, GraphLayout, LayoutOptions};
use lineage_core::render;
use lineage_core::text::Asker;
use lineage_core::{Lineage, NarrativeError, Query, Report, RoleTable, Section};

use crate::browser;
use crate::graph::Graph;

/// What the graph highlights (a hash set: it is only looked up, once per box).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Highlight {
    pub label: String,
    pub arns: HashSet<String>,
}

/// What a load is doing, shown with a bar until the answers come: reading a file (bytes read of its size),
/// checking it, then parsing and building the graph, then answering.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub text: String,
    /// Done of total, for the bar; `None` while the step cannot say (the bar then moves without a value).
    pub fraction: Option<(f64, f64)>,
}

impl Progress {
    pub(crate) fn step(text: String) -> Progress {
        Progress { text, fraction: None }
    }
}

/// Bytes as megabytes with one decimal, as the progress line shows them.
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// How much of the lineage the graph draws: the report's own graph (what its figure counts, as the PDF draws it),
/// or the subject's ancestors to a depth (`None`: all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    Report,
    Upstream(Option<usize>),
}

/// All of the page's state, as copyable signals.
#[derive(Clone, Copy)]
pub struct State {
    pub workspace: RwSignal<Workspace>,
    pub lineage: RwSignal<Option<Arc<Lineage>>>,
    pub error: RwSignal<Option<String>>,
    pub candidates: RwSignal<Vec<Candidate>>,
    pub subject: RwSignal<Option<String>>,
    /// An inference ID: when set, the report is that of the model package that served it.
    pub inference: RwSignal<String>,
    /// The endpoint and variant typed beside the inference ID (for a capture file without its S3 key layout).
    pub endpoint: RwSignal<String>,
    pub variant: RwSignal<String>,
    /// Why the inference ID could not be answered, shown beside it (the last report stays).
    pub inference_error: Memo<Option<String>>,
    /// The question period the PDF prints (`YYYY-MM-DD` each, from the date fields).
    pub period: RwSignal<(String, String)>,
    pub depth: RwSignal<Depth>,
    pub type_filter: RwSignal<String>,
    pub collapse: RwSignal<bool>,
    pub selected: RwSignal<Option<String>>,
    pub highlight: RwSignal<Highlight>,
    pub path_from: RwSignal<Option<String>>,
    pub busy: RwSignal<Option<String>>,
    pub progress: RwSignal<Option<Progress>>,
    pub report: Memo<Option<Result<Report, String>>>,
    /// The sealed PDF the page opened (the "Sealed" panel), until a file is removed.
    pub sealed: RwSignal<Option<crate::sealed::SealedInfo>>,
    /// The role table a sealed PDF carried (else the built-in one).
    pub roles_file: RwSignal<Option<crate::sealed::RolesFile>>,
    pub view: Memo<Option<View>>,
    pub layout: Memo<Option<GraphLayout>>,
    /// A report made ahead of the lineage it answers about being shown (see [`State::show_in_steps`]): the
    /// subject's report takes it instead of answering again.
    ready: StoredValue<Option<Ready>>,
}

/// A report made ahead: the lineage (by identity), the subject, the report.
type Ready = (usize, String, Result<Report, String>);

/// What a freshly merged lineage is shown with: the subjects to pick from, the one picked, and why there is none.
struct Picked {
    candidates: Vec<Candidate>,
    subject: Option<String>,
    error: Option<String>,
}

impl State {
    fn new() -> State {
        let mut files = Workspace::new();
        files.set_limits(browser::limits());
        let workspace = RwSignal::new(files);
        let lineage: RwSignal<Option<Arc<Lineage>>> = RwSignal::new(None);
        let subject = RwSignal::new(None::<String>);
        let inference = RwSignal::new(String::new());
        let endpoint = RwSignal::new(String::new());
        let variant = RwSignal::new(String::new());
        let depth = RwSignal::new(Depth::Report);
        let type_filter = RwSignal::new(String::new());
        let collapse = RwSignal::new(true);
        // The core's one dispatch (the CLI's too): the chosen subject, and an inference when one is typed.
        let ready = StoredValue::new(None::<Ready>);
        let of_subject = Memo::new(move |_| {
            let l = lineage.get()?;
            let s = subject.get()?;
            let at = Arc::as_ptr(&l) as usize;
            let mut made = None;
            ready.update_value(|r| made = r.take().filter(|(from, of, _)| *from == at && *of == s));
            Some(made.map_or_else(
                || lineage_core::answer(&l, &Query::Start(Some(s))).map_err(|e| e.words(Asker::Page)),
                |(_, _, report)| report,
            ))
        });
        let of_inference = Memo::new(move |_| {
            let l = lineage.get()?;
            let id = inference.get().trim().to_owned();
            if id.is_empty() {
                return None;
            }
            let typed = |s: RwSignal<String>| Some(s.get().trim().to_owned()).filter(|s| !s.is_empty());
            let query =
                lineage_core::subject::InferenceQuery { id, endpoint: typed(endpoint), variant: typed(variant) };
            Some(lineage_core::answer(&l, &Query::Inference { query, start: None }).map_err(|e| e.words(Asker::Page)))
        });
        let inference_error = Memo::new(move |_| of_inference.get().and_then(Result::err));
        // The report shown: the inference's when it is answered; while it is not, the last report stays (if it was
        // made from the files loaded now: the lineage it came from, by identity).
        type Shown = (usize, Option<Result<Report, String>>);
        let shown = Memo::new(move |last: Option<&Shown>| {
            let from = lineage.with(|l| l.as_ref().map_or(0, |l| Arc::as_ptr(l) as usize));
            let report = match of_inference.get() {
                Some(Ok(r)) => Some(Ok(r)),
                Some(Err(_)) => match last {
                    Some((at, Some(Ok(r)))) if *at == from => Some(Ok(r.clone())),
                    _ => of_subject.get(),
                },
                None => of_subject.get(),
            };
            (from, report)
        });
        let report = Memo::new(move |_| shown.with(|(_, r)| r.clone()));
        // The picker and the graph follow the model package an inference resolved to.
        Effect::new(move |_| {
            if let Some(Ok(r)) = of_inference.get() {
                if subject.get_untracked().as_deref() != Some(r.subject.arn.as_str()) {
                    subject.set(Some(r.subject.arn.clone()));
                }
            }
        });
        let view = Memo::new(move |_| {
            let filter = type_filter.get();
            let types: Vec<String> = if filter.is_empty() { Vec::new() } else { vec![filter] };
            view_of(lineage, subject, report, depth.get(), &types)
        });
        let layout = Memo::new(move |_| {
            let v = view.get()?;
            let opts = LayoutOptions {
                collapse_at: if collapse.get() { 5 } else { 0 },
                top_to_bottom: true,
                layer_gap: 40.0,
                // Edges meeting at a box enter and leave at points spread along its side, so their labels part.
                spread_ports: true,
                ..LayoutOptions::default()
            };
            Some(graph_layout::layout(&v.graph, &opts))
        });
        State {
            workspace,
            lineage,
            error: RwSignal::new(None),
            candidates: RwSignal::new(Vec::new()),
            subject,
            inference,
            endpoint,
            variant,
            inference_error,
            period: RwSignal::new((String::new(), String::new())),
            depth,
            type_filter,
            collapse,
            selected: RwSignal::new(None),
            highlight: RwSignal::new(Highlight::default()),
            path_from: RwSignal::new(None),
            busy: RwSignal::new(None),
            progress: RwSignal::new(None),
            report,
            sealed: RwSignal::new(None),
            roles_file: RwSignal::new(None),
            view,
            layout,
            ready,
        }
    }

    /// Shows a freshly merged lineage (or the error that stops it) and keeps (or picks) the subject.
    fn show(&self, result: Result<Option<Lineage>, lineage_core::ImportError>, refused: Vec<String>) {
        // A report made ahead for another lineage is not this one's, even at the same address.
        self.ready.set_value(None);
        match result {
            Ok(Some(l)) => {
                let l = Arc::new(l);
                let picked = self.pick(&l);
                self.show_picked(l, picked, refused);
            }
            other => self.show_none(other.err(), refused),
        }
    }

    /// [`State::show`] in four tasks, so that none holds the page long: the subjects listed and one picked, the
    /// report made (kept in `ready`), the page drawn with it, then the subjects given to the picker (which adds
    /// most of its options in later tasks still).
    async fn show_in_steps(&self, result: Result<Option<Lineage>, lineage_core::ImportError>, refused: Vec<String>) {
        self.ready.set_value(None);
        let l = match result {
            Ok(Some(l)) => Arc::new(l),
            other => return self.show_none(other.err(), refused),
        };
        let mut picked = self.pick(&l);
        browser::yielded().await;
        if let Some(s) = picked.subject.clone() {
            let report = lineage_core::answer(&l, &Query::Start(Some(s.clone()))).map_err(|e| e.words(Asker::Page));
            self.ready.set_value(Some((Arc::as_ptr(&l) as usize, s, report)));
            browser::yielded().await;
        }
        // The subjects (15,000 in a large bundle: the picker and what else lists them) follow in a task of their
        // own, after the page is drawn.
        let candidates = std::mem::take(&mut picked.candidates);
        self.show_picked(l, picked, refused);
        browser::yielded().await;
        self.candidates.set(candidates);
    }

    /// The subjects of `l` and the one to show: the one shown before if `l` has it, else where the export starts
    /// (see [`reportable`]), else the last subject.
    fn pick(&self, l: &Lineage) -> Picked {
        let candidates = explore::candidates(l);
        let keep = self.subject.get_untracked().filter(|s| l.graph.find_arn(s).is_some());
        let start = lineage_core::resolve_start(l, None);
        let start_arn = start.as_ref().ok().map(|ix| l.graph.node(*ix).arn.to_string());
        let pick = keep.or_else(|| start_arn.map(|a| reportable(l, &candidates, a)));
        let subject = pick.or_else(|| candidates.last().map(|c| c.arn.clone()));
        // Nothing to report on: say so, as the CLI does, rather than show an empty page.
        let error = match (&subject, start) {
            (None, Err(e)) => Some(e.to_string()),
            _ => None,
        };
        Picked { candidates, subject, error }
    }

    fn show_picked(&self, l: Arc<Lineage>, picked: Picked, mut errors: Vec<String>) {
        errors.extend(picked.error);
        self.candidates.set(picked.candidates);
        self.lineage.set(Some(l));
        self.subject.set(picked.subject);
        self.shown(errors);
    }

    /// No lineage to show: no files, or the error that stops the merge.
    fn show_none(&self, error: Option<lineage_core::ImportError>, mut errors: Vec<String>) {
        let failed = error.is_some();
        errors.extend(error.map(|e| e.to_string()));
        self.lineage.set(None);
        self.candidates.set(Vec::new());
        if !failed {
            self.subject.set(None);
        }
        self.shown(errors);
    }

    fn shown(&self, errors: Vec<String>) {
        self.error.set(if errors.is_empty() { None } else { Some(errors.join("\n")) });
        self.selected.set(None);
        self.highlight.set(Highlight::default());
    }

    /// Shows a read's progress (`read` of `size` bytes of `name`).
    /// Says how much of `name` has arrived, of its Content-Length when known (a bar that fills; else one that moves
    /// without a value).
    pub fn fetching(&self, name: &str, got: u64, total: Option<u64>) {
        let total = total.filter(|t| *t >= got);
        let text = match total {
            Some(t) => format!("Fetching {name}: {} of {}", megabytes(got), megabytes(t)),
            None => format!("Fetching {name}: {}", megabytes(got)),
        };
        self.progress.set(Some(Progress { text, fraction: total.map(|t| (got as f64, t.max(1) as f64)) }));
    }

    pub fn reading(&self, name: &str, read: u64, size: u64) {
        let text = format!("Reading {name}: {} of {}", megabytes(read), megabytes(size));
        self.progress.set(Some(Progress { text, fraction: Some((read as f64, size.max(1) as f64)) }));
    }

    /// Shows `text` as the step under way and waits until it is painted (the step that follows holds the page).
    async fn announce(&self, text: String) {
        self.progress.set(Some(Progress::step(text)));
        browser::painted().await;
    }

    /// The role table: the one a sealed PDF carried, else the built-in one.
    fn roles(&self) -> RoleTable {
        self.roles_file.with_untracked(|r| r.as_ref().map_or_else(RoleTable::builtin, |r| (*r.table).clone()))
    }

    /// Adds files: a sealed PDF is opened (its inputs added, its question asked); each file that parses is kept;
    /// one that does not is shown as the error and changes nothing. Each step is named on the page before it runs.
    /// Adds files read or fetched (`begun`: the SHA-256 begun for each as it was read).
    pub async fn add_files(&self, (files, begun): browser::ReadFiles) {
        let (pdfs, mut files): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|(name, bytes)| crate::sealed::is_pdf(name, bytes.as_deref().ok()));
        let mut unread = Vec::new();
        let mut asked = None;
        for (name, bytes) in pdfs {
            let opened = match bytes {
                Ok(bytes) => crate::sealed::open(self, &name, bytes).await,
                Err(e) => Err(e),
            };
            match opened {
                Ok((inputs, _)) if inputs.is_empty() => unread.push(format!(
                    "{name} carries none of its inputs (made with --attach-inputs none, or they were over 64 MiB): its checks are above; its report cannot be made here"
                )),
                Ok((inputs, a)) => {
                    files.extend(inputs);
                    asked = Some(a);
                }
                Err(e) => unread.push(e),
            }
        }
        if files.is_empty() {
            self.progress.set(None);
            self.error.set((!unread.is_empty()).then(|| unread.join("\n")));
            return;
        }
        self.add_plain_files(files, begun, unread).await;
        if let Some(a) = asked {
            crate::sealed::ask(self, a);
        }
    }

    async fn add_plain_files(
        &self,
        files: Vec<(String, Result<Vec<u8>, String>)>,
        mut begun: Vec<(String, browser::Hashing)>,
        mut unread: Vec<String>,
    ) {
        let start = browser::now_ms();
        let mut readable = Vec::new();
        let mut digests = Vec::new();
        for (name, bytes) in files {
            match bytes {
                Err(e) => unread.push(e),
                Ok(bytes) => {
                    // The browser hashes each file (for the evidence list) while the files merge: a large one in a
                    // worker as it was read, any other now.
                    let digest = match begun.iter().position(|(n, _)| *n == name) {
                        Some(i) => begun.swap_remove(i).1,
                        None => browser::begin_sha256(&bytes),
                    };
                    digests.push((name.clone(), digest));
                    readable.push((name, bytes));
                }
            }
        }
        browser::record_timing("check_ms", browser::now_ms() - start);
        self.workspace.update_untracked(|w| w.insert_digested_later(readable));
        let outcome = self.merge_in_steps(digests).await;
        browser::record_timing("merge_ms", browser::now_ms() - start);
        self.workspace.notify();
        let (result, mut refused) = outcome;
        if result.as_ref().is_ok_and(Option::is_some) {
            self.announce("Answering the five questions…".into()).await;
        }
        unread.append(&mut refused);
        self.show_in_steps(result, unread).await;
        self.progress.set(None);
        browser::record_timing("load_ms", browser::now_ms() - start);
    }

    /// Merges the workspace's files a step at a time (a file, a batch of a bundle's descriptions, the joins),
    /// saying what runs next and letting the page paint: before each long step, else every 30 ms.
    /// The `digests` the browser began are given to the workspace before the last step.
    async fn merge_in_steps(&self, mut digests: Vec<(String, browser::Hashing)>) -> steps::Merged {
        const LARGE: usize = 4_000_000;
        let roles = self.roles();
        let mut build = Build::default();
        let mut yielded_at = browser::now_ms();
        let mut finishing = false;
        loop {
            let mut next = self.workspace.with_untracked(|w| w.next_step(&build));
            if matches!(next, NextStep::Finish { .. }) && !digests.is_empty() {
                self.announce("Checking the files' SHA-256 for the evidence list…".into()).await;
                let mut by_workers = 0;
                for (name, begun) in std::mem::take(&mut digests) {
                    let by_a_worker = begun.by_a_worker();
                    let sha = browser::sha256_hex(begun).await;
                    by_workers += usize::from(by_a_worker && sha.is_some());
                    self.workspace.update_untracked(|w| w.set_sha256(&name, sha));
                }
                // How many files a worker hashed (smaller ones SubtleCrypto on the page's thread, or the core when
                // the browser cannot): the tests read it.
                browser::record_timing("hashed_by_workers", by_workers as f64);
                next = self.workspace.with_untracked(|w| w.next_step(&build));
            }
            let is_finish = matches!(next, NextStep::Finish { .. });
            let (text, fraction, large) = match next {
                // A large file is read a few megabytes a step: its bar moves.
                NextStep::Parse { file, bytes, read } if bytes >= steps::STEPPED_FROM => (
                    format!("Parsing {file}: {} of {}", megabytes(read as u64), megabytes(bytes as u64)),
                    Some((read as f64, bytes as f64)),
                    read == 0,
                ),
                NextStep::Parse { file, bytes, .. } => {
                    (format!("Parsing {file} ({})…", megabytes(bytes as u64)), None, bytes >= LARGE)
                }
                NextStep::Descriptions { file, done, total } => (
                    format!("Reading the Describe responses in {file}: {done} of {total}"),
                    Some((done as f64, total as f64)),
                    false,
                ),
                // Painted before its first step; its later steps (each phase, or a range of a pass) are short.
                NextStep::Finish { bytes } => {
                    ("Joining the files and building the graph…".to_owned(), None, bytes >= LARGE && !finishing)
                }
            };
            // Steps run back to back for up to 30 ms, then the page takes input (and paints when a frame is due):
            // with a step at 30 ms or less (a batch of descriptions, a few megabytes of a file, a range of a
            // pass), no run of them holds the page for 100 ms, even with a table's growth (tens of ms) in one.
            // Before a long step (a large file read whole, the joins' first) the page paints first, so its
            // message shows while it runs.
            let now = browser::now_ms();
            if large || now - yielded_at > 30.0 {
                self.progress.set(Some(Progress { text, fraction }));
                if large {
                    browser::painted().await;
                } else {
                    browser::yielded().await;
                }
                yielded_at = browser::now_ms();
            }
            finishing |= is_finish;
            if let Some(done) = self.workspace.update_untracked(|w| w.step(&mut build, &roles)) {
                return done;
            }
        }
    }

    /// Clears the inference ID (and its endpoint and variant): the report is the chosen subject's again.
    pub fn forget_inference(&self) {
        self.inference.set(String::new());
    }

    pub fn remove_file(&self, name: &str) {
        let mut result = Ok(None);
        let roles = self.roles();
        self.workspace.update(|w| result = w.remove(name, &roles));
        self.sealed.set(None);
        self.show(result, Vec::new());
    }
}

/// The view the graph draws: the report's own graph (`Depth::Report`, while the report is of the subject), else
/// the subject's ancestors to a depth.
fn view_of(
    lineage: RwSignal<Option<Arc<Lineage>>>,
    subject: RwSignal<Option<String>>,
    report: Memo<Option<Result<Report, String>>>,
    depth: Depth,
    types: &[String],
) -> Option<View> {
    let l = lineage.get()?;
    let s = subject.get()?;
    let drawn = match depth {
        Depth::Report => report.with(|r| match r {
            Some(Ok(r)) if r.subject.arn == s => Some(explore::report_view(&l, &r.graph, &s, types)),
            _ => None,
        }),
        Depth::Upstream(_) => None,
    };
    let depth = match depth {
        Depth::Upstream(d) => d,
        Depth::Report => Some(6),
    };
    drawn.or_else(|| explore::view(&l, &s, depth, types))
}

/// The start when the page can report on it. An endpoint the core cannot resolve to one package (it served several
/// and no deployment history says which was deployed last: the core picks that one when it can) yields to the last
/// of them in ARN order, so the page opens on that package's own report — titled by the package, not the endpoint —
/// with the picker showing it and the others.
pub(crate) fn reportable(l: &Lineage, candidates: &[Candidate], start: String) -> String {
    if candidates.iter().any(|c| c.arn == start) {
        return start;
    }
    match lineage_core::answer(l, &Query::Start(Some(start.clone()))) {
        Err(NarrativeError::SeveralPackages { candidates: served, .. }) => served
            .iter()
            .rev()
            .find_map(|p| lineage_core::resolve_start(l, Some(p)).ok())
            .map_or(start, |ix| l.graph.node(ix).arn.to_string()),
        _ => start,
    }
}

#[component]
pub fn App() -> impl IntoView {
    let state = State::new();
    provide_context(state);
    // Exports named in `?src=`, else the example the serve script places beside the page (if any).
    leptos::task::spawn_local(async move {
        let mut paths = browser::src_param();
        let from_query = !paths.is_empty();
        if !from_query {
            if let Ok(bytes) = browser::fetch_bytes("preload.json").await {
                paths = serde_json::from_slice::<Vec<String>>(&bytes).unwrap_or_default();
            }
        }
        if paths.is_empty() {
            return;
        }
        let mut files = Vec::new();
        let mut digests = Vec::new();
        let limits = browser::limits();
        let mut fetched = state.workspace.with_untracked(|w| w.bytes());
        let count = paths.len();
        for (i, p) in paths.into_iter().enumerate() {
            // Named by its path, as the CLI names what it reads: a capture file's S3 key layout names its endpoint.
            state.progress.set(Some(Progress::step(format!("Fetching {p}…"))));
            // The line changes at most every 100 ms (a large bundle arrives in thousands of chunks, and redrawing
            // the line for each took longer than the fetch).
            let shown = std::cell::Cell::new(f64::MIN);
            let refused = std::cell::Cell::new(false);
            let admit = |n: u64| limits.admit(fetched, n, &p).inspect_err(|_| refused.set(true));
            let progress = |got, total| {
                let now = browser::now_ms();
                if now >= shown.get() + 100.0 || total == Some(got) {
                    shown.set(now);
                    state.fetching(&p, got, total);
                }
            };
            let bytes = browser::fetch_bytes_with(&p, admit, progress, true).await.map(|(bytes, digest)| {
                digests.extend(digest.map(|d| (p.clone(), d)));
                bytes
            });
            fetched += bytes.as_ref().map_or(0, |b| b.len() as u64);
            files.push((p, bytes));
            if refused.get() && i + 1 < count {
                // The rest would pass the limit too: said once, not fetched.
                let rest = lineage_core::text::count(count - i - 1, "file");
                files.push((String::new(), Err(format!("the {rest} named after it in the address were not fetched"))));
                break;
            }
        }
        state.add_files((files, digests)).await;
    });
    view! {
        <header class="top">
            <h1>"Lineage Audit"</h1>
            <p class="tagline">"Drop SageMaker lineage exports to see which data, code and approval stand behind a model."</p>
        </header>
        <main>
            <Loader />
            <ErrorBox />
            <crate::sealed::SealedPanel />
            <Subject />
            <Fleet />
            <Answer />
        </main>
    }
}

#[component]
fn Loader() -> impl IntoView {
    let state = expect_context::<State>();
    let hover = RwSignal::new(false);
    // A long list of loaded files is folded into one line, so the answers stay in the first view.
    let show_files = RwSignal::new(false);
    let summary = move || {
        let files = state.workspace.with(|w| w.names().len());
        let graph = state.lineage.with(|l| l.as_ref().map(|l| (l.graph.node_count(), l.graph.edge_count())));
        let (v, e) = graph.unwrap_or_default();
        let action = if show_files.get() { "hide" } else { "show" };
        (files > 0).then(|| format!("{files} files, {v} vertices, {e} edges — {action}"))
    };
    let on_files = move |files: Vec<browser::Named>| {
        if !files.is_empty() {
            leptos::task::spawn_local(async move {
                let start = browser::now_ms();
                let (limits, loaded) = (browser::limits(), state.workspace.with_untracked(|w| w.bytes()));
                let admit = |name: &str, n: u64| limits.admit(loaded, n, name);
                let files = browser::read_files(files, admit, |name, read, size| state.reading(name, read, size)).await;
                browser::record_timing("read_ms", browser::now_ms() - start);
                state.add_files(files).await;
            });
        }
    };
    view! {
        <section
            class="drop-zone no-print"
            class:hover=move || hover.get()
            data-testid="drop-zone"
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                hover.set(true);
            }
            on:dragleave=move |_| hover.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                hover.set(false);
                if let Some(dropped) = ev.data_transfer().map(|d| browser::dropped(&d)) {
                    leptos::task::spawn_local(async move {
                        // A dropped folder's files are those the CLI reads in a folder; dropped files are all tried.
                        let files = browser::dropped_files(dropped).await;
                        on_files(files.into_iter().filter(|(name, _)| !name.contains('/') || readable_name(name)).collect());
                    });
                }
            }
        >
            <p>"Drop export files or folders here (QueryLineage pages, Describe responses, bundles, OpenLineage events, data capture; .json, .jsonl or .ndjson; a DVC repository folder; an audit table — DynamoDB scan or export, or CSV — with its column map; or a sealed report PDF, to check it and see its report), or "</p>
            <label class="button">
                "choose files"
                <input
                    type="file"
                    multiple=true
                    accept=".json,.jsonl,.ndjson,application/json,.dvc,.yaml,.lock,.csv,.gz,.pdf,application/pdf"
                    data-testid="file-input"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        on_files(input.files().as_ref().map(browser::files_of).unwrap_or_default());
                        input.set_value("");
                    }
                />
            </label>
            " "
            <label class="button" title="Every .json, .jsonl and .ndjson file in a folder and its subfolders, named by its path (a data-capture file's S3 key layout names its endpoint and variant)">
                "choose folder"
                <input
                    type="file"
                    prop:webkitdirectory=true
                    multiple=true
                    data-testid="choose-folder"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        let files = input.files().as_ref().map(browser::files_of).unwrap_or_default();
                        on_files(files.into_iter().filter(|(name, _)| readable_name(name)).collect());
                        input.set_value("");
                    }
                />
            </label>
            {move || summary().map(|text| view! {
                <button class="link files-toggle" data-testid="files-toggle" on:click=move |_| show_files.update(|s| *s = !*s)>
                    {text}
                </button>
            })}
            {move || state.progress.get().map(|p| {
                let (value, max) = p.fraction.unzip();
                view! {
                    <div class="progress" role="status" data-testid="progress">
                        <span>{p.text}</span>
                        <progress max=max value=value></progress>
                    </div>
                }
            })}
            <ul class="files" class:hidden=move || !show_files.get()>
                <For
                    each=move || state.workspace.with(|w| w.names())
                    key=|n| n.clone()
                    children=move |name| {
                        let remove = name.clone();
                        view! {
                            <li>
                                <span>{name}</span>
                                <button class="link" on:click=move |_| state.remove_file(&remove)>"remove"</button>
                            </li>
                        }
                    }
                />
            </ul>
        </section>
    }
}

/// Whether a file in a folder is one the CLI reads in a folder (`.json`, `.jsonl`, `.ndjson`, and a DVC
/// repository's `dvc.yaml`, `dvc.lock`, `*.dvc`, `params.yaml`, `.dvc/config`, and an audit table's `.csv` and
/// `*.json.gz` export data files, read as bytes), not inside `.git/` or DVC's cache.
fn readable_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let hidden =
        [".git/", ".dvc/cache/", ".dvc/tmp/"].iter().any(|d| lower.starts_with(d) || lower.contains(&format!("/{d}")));
    !hidden
        && ([".json", ".jsonl", ".ndjson"].iter().any(|e| lower.ends_with(e))
            || lineage_core::read::is_dvc_file(name)
            || lineage_core::read::is_audit_file(name))
}

#[component]
fn ErrorBox() -> impl IntoView {
    let state = expect_context::<State>();
    move || {
        state.error.get().map(|e| {
            view! {
                <div class="error" role="alert" data-testid="error">
                    <strong>"Not loaded: "</strong>
                    <pre>{e}</pre>
                </div>
            }
        })
    }
}

#[component]
fn Subject() -> impl IntoView {
    let state = expect_context::<State>();
    let inference = move || {
        state.lineage.get().filter(|l| !l.graph.records.captures.is_empty()).map(|_| {
            let field = |label: &'static str, testid: &'static str, hint: &'static str, signal: RwSignal<String>| {
                view! {
                    <label class="inference-field">
                        {label}
                        <input
                            type="text"
                            data-testid=testid
                            placeholder=hint
                            prop:value=move || signal.get()
                            on:change=move |ev| signal.set(event_target_value(&ev))
                        />
                    </label>
                }
            };
            view! {
                <div class="inference no-print">
                    <label class="picker">
                        "Inference ID: "
                        <input
                            type="search"
                            data-testid="inference-input"
                            placeholder="inferenceId or eventId of a capture record"
                            prop:value=move || state.inference.get()
                            on:change=move |ev| state.inference.set(event_target_value(&ev))
                        />
                    </label>
                    {field("Endpoint ", "inference-endpoint", "from the capture file's path", state.endpoint)}
                    {field("Variant ", "inference-variant", "from the capture file's path", state.variant)}
                    {move || state.inference_error.get().map(|e| view! {
                        <div class="error inference-error" role="alert" data-testid="inference-error">
                            <strong>"No answer for this inference ID: "</strong>
                            <pre>{e}</pre>
                        </div>
                    })}
                </div>
            }
        })
    };
    let picker = move || {
        let mut candidates = state.candidates.get();
        // The picker always shows the subject of the report below it.
        if let Some(s) = state.subject.get().filter(|s| !candidates.iter().any(|c| c.arn == *s)) {
            let label = state
                .lineage
                .with(|l| l.as_ref().and_then(|l| l.graph.find_arn(&s).map(|ix| l.graph.node(ix).name().to_owned())));
            candidates.insert(0, Candidate { label: label.unwrap_or_else(|| s.clone()), arn: s });
        }
        (candidates.len() > 1).then(|| {
            // The first options at once, the rest a few thousand a task (a bundle's 15,000 took 150 ms at once).
            const AT_ONCE: usize = 2_000;
            let shown = state.subject.get_untracked();
            let rest = candidates.split_off(candidates.len().min(AT_ONCE));
            let first = options(&candidates, shown.as_deref());
            let select = NodeRef::<leptos::html::Select>::new();
            leptos::task::spawn_local(async move {
                for chunk in rest.chunks(AT_ONCE) {
                    browser::yielded().await;
                    // A picker drawn again meanwhile has its own options; this one is gone.
                    let Some(el) = select.get_untracked() else { return };
                    browser::append_html(&el, &options(chunk, shown.as_deref()));
                }
            });
            view! {
                <label class="picker no-print">
                    "Subject: "
                    <select
                        data-testid="subject-picker"
                        node_ref=select
                        on:change=move |ev| {
                            state.forget_inference();
                            state.subject.set(Some(event_target_value(&ev)));
                        }
                        inner_html=first
                    >
                    </select>
                </label>
            }
        })
    };
    view! { {inference} {picker} }
}

/// The subject picker's options as HTML, `selected` the one shown: one string the browser parses, where an element
/// made a call at a time cost 150 ms for a bundle's 15,000 subjects. Labels and ARNs are escaped.
fn options(candidates: &[Candidate], selected: Option<&str>) -> String {
    let escape = lineage_core::render::html_escape;
    candidates
        .iter()
        .map(|c| {
            let chosen = if selected == Some(c.arn.as_str()) { " selected" } else { "" };
            format!(r#"<option value="{}"{chosen}>{}</option>"#, escape(&c.arn), escape(&c.label))
        })
        .collect()
}

#[component]
fn Answer() -> impl IntoView {
    let state = expect_context::<State>();
    move || match state.report.get() {
        None => None,
        Some(Err(e)) => Some(
            view! {
                <div class="error" data-testid="error">{e}</div>
                <section class="doc-section" id="lineage-graph" data-testid="section-lineage-graph">
                    <SectionTitle section=Section::LineageGraph />
                    <Explorer caption=String::new() />
                </section>
            }
            .into_any(),
        ),
        Some(Ok(r)) => Some(document_view(r).into_any()),
    }
}

/// A section's heading, worded and numbered as in every other format.
#[component]
fn SectionTitle(section: Section) -> impl IntoView {
    view! { <h3 data-testid="section-title">{section.title()}</h3> }
}

/// The report's document: the title, sentence and gaps first; then the answers beside the graph (the sections
/// before the figure in one column, the figure's section in the other); then the rest. Sections keep the
/// document's order in the page, so the table of contents and every other format agree.
fn document_view(r: Report) -> impl IntoView {
    let state = expect_context::<State>();
    let versions_loaded =
        state.lineage.with_untracked(|l| l.as_ref().map_or(0, |l| lineage_core::packages::version_count(l)));
    let doc = Document::new(&r);
    let split = doc.sections.iter().position(|s| s.blocks.iter().any(|b| matches!(b, Block::Figure(_))));
    let mut sections = doc.sections.clone();
    let after = split.map(|i| sections.split_off(i + 1)).unwrap_or_default();
    let figure = split.and_then(|_| sections.pop());
    view! {
        <section class="answer" id="answer">
            <h2>{doc.title.clone()}</h2>
            <nav class="toc no-print" data-testid="toc">
                {doc.sections.iter().map(|s| view! { <a href=format!("#{}", s.anchor())>{s.title()}</a> }).collect_view()}
            </nav>
            <blockquote data-testid="provenance-sentence">{doc.sentence.clone()}</blockquote>
            <p class="summary" class:has-gaps=!doc.gap_titles.is_empty() data-testid="gap-summary">
                <Spans spans=doc.summary.clone() />
            </p>
            {(!doc.gap_titles.is_empty()).then(|| view! {
                <ul class="gap-brief">{doc.gap_titles.iter().map(|g| view! { <li>{g.clone()}</li> }).collect_view()}</ul>
            })}
            <Downloads report=r.clone() />
            <crate::compare::Compare report=r versions_loaded=versions_loaded />
            <div class="report-grid">
                <div class="answers">{sections.into_iter().map(section_view).collect_view()}</div>
                <div class="graph-column">{figure.map(section_view)}</div>
            </div>
            {after.into_iter().map(section_view).collect_view()}
        </section>
    }
}

fn section_view(s: DocSection) -> impl IntoView {
    let anchor = s.anchor();
    let section = s.section;
    let blocks = s.blocks.into_iter().map(move |b| match table_hook(section, &b) {
        Some(hook) => view! { <div data-testid=hook>{block_view(b)}</div> }.into_any(),
        None => block_view(b),
    });
    view! {
        <section class="doc-section" id=anchor data-testid=format!("section-{anchor}")>
            <SectionTitle section=s.section />
            <div data-testid=answer_hook(section)>{blocks.collect_view()}</div>
        </section>
    }
}

/// The stable hook (`data-testid`) on what a section holds, as the page's first version named them (README,
/// "Stable hooks"): users' own browser checks read these, beside the newer `section-*`.
fn answer_hook(s: Section) -> Option<&'static str> {
    match s {
        Section::ModelVersion => Some("answer-model-version"),
        Section::TrainingData => Some("answer-training-dataset"),
        Section::UpstreamSources => Some("answer-upstream-sources"),
        Section::Approval => Some("answer-approval"),
        Section::Code => Some("answer-code"),
        Section::Gaps => Some("gap-list"),
        _ => None,
    }
}

/// Section 4's hooks: each hyperparameter table is `answer-hyperparameters`, each metric table `answer-metrics`
/// (a job that records none says so in their place, under the same hook).
fn table_hook(s: Section, b: &Block) -> Option<&'static str> {
    use lineage_core::document::{
        HYPERPARAMETERS_NOT_RECORDED, HYPERPARAMETER_HEADER, METRICS_NOT_RECORDED, METRIC_HEADER,
    };
    if s != Section::Hyperparameters {
        return None;
    }
    match b {
        Block::Table { header, .. } if header.first().is_some_and(|h| h == HYPERPARAMETER_HEADER) => {
            Some("answer-hyperparameters")
        }
        Block::Table { header, .. } if header.first().is_some_and(|h| h == METRIC_HEADER) => Some("answer-metrics"),
        Block::Paragraph(spans) if lineage_core::document::plain(spans) == HYPERPARAMETERS_NOT_RECORDED => {
            Some("answer-hyperparameters")
        }
        Block::Paragraph(spans) if lineage_core::document::plain(spans) == METRICS_NOT_RECORDED => {
            Some("answer-metrics")
        }
        _ => None,
    }
}

/// Inline spans as elements; every string is a text node, never HTML.
#[component]
fn Spans(spans: Inline) -> impl IntoView {
    spans
        .into_iter()
        .map(|s| match s {
            Span::Text(t) => view! { <span>{t}</span> }.into_any(),
            Span::Code(t) => view! { <code>{t}</code> }.into_any(),
            Span::Strong(t) => view! { <strong>{t}</strong> }.into_any(),
            Span::Emphasis(t) => view! { <em>{t}</em> }.into_any(),
            Span::Link { text, to } => view! { <a href=format!("#{}", to.anchor())>{text}</a> }.into_any(),
            Span::Report { text, subject } => view! { <ReportLink text subject /> }.into_any(),
        })
        .collect_view()
}

/// Opens another package's report (a fleet row): the subject becomes that package's vertex, the answer below.
#[component]
fn ReportLink(text: String, subject: String) -> impl IntoView {
    let state = expect_context::<State>();
    let open = move |_| {
        let vertex = state.lineage.with_untracked(|l| {
            let l = l.as_ref()?;
            lineage_core::resolve_start(l, Some(&subject)).ok().map(|ix| l.graph.node(ix).arn.to_string())
        });
        state.forget_inference();
        state.subject.set(Some(vertex.unwrap_or_else(|| subject.clone())));
        browser::scroll_to("answer");
    };
    view! { <button class="link" data-testid="fleet-open" on:click=open>{text}</button> }
}

/// The fleet check (`lineage check`'s matrix, the built-in policy) when the files hold several model packages:
/// one line under the picker with the counts, the matrix when opened (a row opens that package's report). A fleet
/// larger than [`FLEET_CHECKED_AT_LOAD`] is checked only when opened.
#[component]
fn Fleet() -> impl IntoView {
    let state = expect_context::<State>();
    let packages = Memo::new(move |_| state.lineage.with(|l| l.as_ref().map_or(0, |l| package_count(l))));
    let open = RwSignal::new(false);
    let check = Memo::new(move |_| {
        let l = state.lineage.get().filter(|_| open.get() || packages.get() <= FLEET_CHECKED_AT_LOAD)?;
        Some(lineage_core::check::check(&l, &lineage_core::check::Policy::builtin()))
    });
    let summary = move || match check.get() {
        Some(c) => format!(
            "Fleet: {} model packages, {} pass and {} fail the built-in policy",
            c.summary.packages, c.summary.passing, c.summary.failing
        ),
        None => format!("Fleet: {} model packages (open to check each against the built-in policy)", packages.get()),
    };
    move || {
        (packages.get() > 1).then(|| {
            view! {
                <details class="fleet no-print" data-testid="fleet" on:toggle=move |ev| {
                    let d: web_sys::HtmlDetailsElement = event_target(&ev);
                    open.set(d.open());
                }>
                    <summary data-testid="fleet-summary">{summary}</summary>
                    {move || open.get().then(|| check.get().map(|c| {
                        lineage_core::check::blocks(&c).into_iter().map(block_view).collect_view()
                    }))}
                </details>
            }
        })
    }
}

/// A fleet this large is checked when its view is opened, not at load.
const FLEET_CHECKED_AT_LOAD: usize = 500;

/// How many model packages the lineage names.
fn package_count(l: &Lineage) -> usize {
    lineage_core::packages::model_package_arns(l).len()
}

pub(crate) fn block_view(b: Block) -> AnyView {
    match b {
        Block::Subheading(t) => view! { <h4>{t}</h4> }.into_any(),
        Block::Paragraph(spans) => view! { <p><Spans spans=spans /></p> }.into_any(),
        Block::Fields(rows) => fields_view(rows).into_any(),
        Block::Table { header, rows } => table_view(header, rows).into_any(),
        Block::List(items) => view! {
            <ul>{items.into_iter().map(|i| view! { <li><Spans spans=i /></li> }).collect_view()}</ul>
        }
        .into_any(),
        Block::History(entries) => history_view(entries).into_any(),
        Block::Tree(t) => view! { <pre class="tree" data-testid="ancestry-tree">{t}</pre> }.into_any(),
        Block::Note { kind, text, detail } => view! {
            <div class=format!("note note-{}", kind.label().to_lowercase())>
                {(kind != NoteKind::Gap).then(|| view! { <strong>{format!("{}: ", kind.label())}</strong> })}
                <Spans spans=text />
                {detail.map(|d| view! { <br /><Spans spans=d /> })}
            </div>
        }
        .into_any(),
        Block::Figure(f) => view! { <Explorer caption=f.caption /> }.into_any(),
        Block::Evidence(rows) => table_view(
            ["File", "Bytes", "SHA-256"].map(String::from).to_vec(),
            rows.into_iter()
                .map(|r| {
                    vec![vec![Span::Text(r.name)], vec![Span::Text(r.bytes.to_string())], vec![Span::Code(r.sha256)]]
                })
                .collect(),
        )
        .into_any(),
    }
}

fn fields_view(rows: Vec<Field>) -> impl IntoView {
    view! {
        <dl>
            {rows.into_iter().map(|f| view! {
                <dt>{f.label}</dt>
                <dd><Spans spans=f.value />{f.source.map(|s| view! { <span class="source">{format!(" [{s}]")}</span> })}</dd>
            }).collect_view()}
        </dl>
    }
}

fn table_view(header: Vec<String>, rows: Vec<Vec<Inline>>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table>
                <thead><tr>{header.into_iter().map(|h| view! { <th>{h}</th> }).collect_view()}</tr></thead>
                <tbody>{rows.into_iter().map(|r| view! {
                    <tr>{r.into_iter().map(|c| view! { <td><Spans spans=c /></td> }).collect_view()}</tr>
                }).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn history_view(entries: Vec<HistoryEntry>) -> impl IntoView {
    view! {
        <ol class="history">
            {entries.into_iter().map(|e| view! {
                <li class:current=e.current>
                    {e.current.then_some("In effect: ")}<span class="when">{e.when}</span>" "<Spans spans=e.what />
                    <ul>{e.sources.into_iter().map(|s| view! { <li class="source">{s}</li> }).collect_view()}</ul>
                </li>
            }).collect_view()}
        </ol>
    }
}

/// A download's file name without extension: the inference and the package for an inference's report
/// (`loan-8231-credit-xgb-73`), else the subject's name; only letters, digits, `.`, `_` and `-`.
/// The manifest's options for the page's PDF: what the report asked (the inference, else the subject), the date.
fn manifest_options(state: &State, r: &Report, period: Option<&str>) -> serde_json::Value {
    let typed = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|s| !s.is_empty());
    let inference = typed(state.inference).filter(|_| r.inference.is_some());
    let roles = state.roles_file.with_untracked(|f| f.as_ref().map(|f| f.name.clone()));
    serde_json::json!({
        "start": if inference.is_some() { None } else { Some(r.subject.arn.clone()) },
        "inference": inference,
        "endpoint": typed(state.endpoint).filter(|_| r.inference.is_some()),
        "variant": typed(state.variant).filter(|_| r.inference.is_some()),
        "roles": roles, "audit_map": null, "policy": null,
        "date": browser::today(), "period": period,
    })
}

fn file_stem(r: &Report) -> String {
    let name = match &r.inference {
        Some(i) => format!("{}-{}", i.id, r.subject.name),
        None => r.subject.name.clone(),
    };
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect()
}

/// The question period from the two date fields, as `FROM..TO` for the PDF worker: none when both are empty.
fn question_period((from, to): &(String, String)) -> Result<Option<String>, String> {
    match (from.trim(), to.trim()) {
        ("", "") => Ok(None),
        ("", _) | (_, "") => Err("The question period needs both dates (from and to).".into()),
        (from, to) if from > to => Err(format!("The question period starts ({from}) after it ends ({to}).")),
        (from, to) => Ok(Some(format!("{from}..{to}"))),
    }
}

#[component]
fn Downloads(report: Report) -> impl IntoView {
    let state = expect_context::<State>();
    let stem = file_stem(&report);
    let (r1, r2, r3) = (report.clone(), report.clone(), report);
    let (s1, s2, s3) = (stem.clone(), stem.clone(), stem);
    let fail = move |e: String| state.error.set(Some(e));
    view! {
        <div class="downloads no-print">
            <button data-testid="download-pdf" on:click=move |_| {
                let r = r1.clone();
                let name = format!("{s1}.pdf");
                let period = match question_period(&state.period.get_untracked()) {
                    Ok(p) => p,
                    Err(e) => {
                        state.busy.set(Some(e));
                        return;
                    }
                };
                state.busy.set(Some("Writing the PDF…".into()));
                leptos::task::spawn_local(async move {
                    let inputs = state.roles_file.with_untracked(|roles| {
                        state.workspace.with_untracked(|w| crate::sealed::inputs(w, roles.as_ref()))
                    });
                    let options = manifest_options(&state, &r, period.as_deref());
                    match crate::pdf::bytes(&r, period, options, inputs).await {
                        Ok(bytes) => {
                            if let Err(e) = browser::download(&name, "application/pdf", &bytes) {
                                fail(e);
                            }
                        }
                        Err(e) => fail(e),
                    }
                    state.busy.set(None);
                });
            }>"Download PDF"</button>
            <span class="period" title="The period the question is about, printed in the PDF's title block">
                "question period "
                <input type="date" data-testid="period-from" aria-label="question period from"
                    prop:value=move || state.period.get().0
                    on:change=move |ev| state.period.update(|p| p.0 = event_target_value(&ev)) />
                " to "
                <input type="date" data-testid="period-to" aria-label="question period to"
                    prop:value=move || state.period.get().1
                    on:change=move |ev| state.period.update(|p| p.1 = event_target_value(&ev)) />
            </span>
            <button data-testid="download-markdown" on:click=move |_| {
                if let Err(e) = browser::download(&format!("{s2}.md"), "text/markdown", render::markdown(&Document::new(&r2)).as_bytes()) {
                    fail(e);
                }
            }>"Download Markdown"</button>
            <button data-testid="download-json" on:click=move |_| {
                let json = serde_json::to_string_pretty(&r3).unwrap_or_default();
                if let Err(e) = browser::download(&format!("{s3}.json"), "application/json", json.as_bytes()) {
                    fail(e);
                }
            }>"Download JSON"</button>
            <span class="busy">{move || state.busy.get()}</span>
        </div>
    }
}

/// The end of an ARN (`artifact/d0e1f2a3…`), shown beside a name.
fn arn_tail(arn: &str) -> String {
    let tail = arn.rsplit(':').next().unwrap_or(arn);
    if tail.chars().count() > 24 {
        tail.chars().take(20).chain(['…']).collect()
    } else {
        tail.to_owned()
    }
}

/// Whether `arn` is drawn in the current view.
fn drawn(state: State, arn: &str) -> bool {
    state.view.with(|v| v.as_ref().is_some_and(|v| v.graph.vertices.iter().any(|x| x.arn == arn)))
}

/// The graph explorer; `caption` is the report figure's count (`13 vertices, 16 edges`), shown while the graph
/// draws the report's own graph.
#[component]
fn Explorer(caption: String) -> impl IntoView {
    let state = expect_context::<State>();
    let search = RwSignal::new(String::new());
    let results = Memo::new(move |_| {
        let q = search.get();
        let subject = state.subject.get();
        state.lineage.get().map(|l| explore::search_hits(&l, &q, 12, subject.as_deref())).unwrap_or_default()
    });
    let types = Memo::new(move |_| {
        let v = view_of(state.lineage, state.subject, state.report, state.depth.get(), &[]);
        let mut t: Vec<String> =
            v.map(|v| v.graph.vertices.iter().filter_map(|x| x.entity_type.clone()).collect()).unwrap_or_default();
        t.sort();
        t.dedup();
        t
    });
    let highlight = move |which: Relatives, label: &'static str| {
        let (Some(arn), Some(v)) = (state.selected.get_untracked(), state.view.get_untracked()) else { return };
        state.highlight.set(Highlight {
            label: label.into(),
            arns: explore::relatives(&v.graph, &arn, which).into_iter().collect(),
        });
    };
    let caption = move || {
        let v = state.view.get()?;
        let report = state.depth.get() == Depth::Report && state.type_filter.with(String::is_empty);
        Some(if report && !caption.is_empty() && v.total == v.graph.vertices.len() {
            format!("{caption}, as in the report and its PDF")
        } else {
            format!("{} vertices, {} edges drawn", v.graph.vertices.len(), v.graph.edges.len())
        })
    };
    let depth_value = move || match state.depth.get() {
        Depth::Report => "report".to_owned(),
        Depth::Upstream(None) => "all".to_owned(),
        Depth::Upstream(Some(d)) => d.to_string(),
    };
    view! {
        <div class="explorer" class:hidden=move || state.view.get().is_none()>
            <div class="controls no-print">
                <label>"Depth "
                    <select data-testid="depth" prop:value=depth_value on:change=move |ev| {
                        let v = event_target_value(&ev);
                        state.depth.set(if v == "report" { Depth::Report } else { Depth::Upstream(v.parse().ok()) });
                    }>
                        <option value="report" selected=move || state.depth.get() == Depth::Report>"as in the report"</option>
                        {[1usize, 2, 3, 4, 6, 10].into_iter().map(|d| view! {
                            <option value=d.to_string() selected=move || state.depth.get() == Depth::Upstream(Some(d))>{d.to_string()}</option>
                        }).collect_view()}
                        <option value="all" selected=move || state.depth.get() == Depth::Upstream(None)>"all"</option>
                    </select>
                </label>
                {move || state.view.get().filter(|v| v.more).map(|_| view! {
                    <button data-testid="show-more" on:click=move |_| state.depth.update(|d| *d = match *d {
                        Depth::Report => Depth::Upstream(Some(10)),
                        Depth::Upstream(d) => Depth::Upstream(d.map(|d| d + 2)),
                    })>"Show more"</button>
                })}
                <label>"Type "
                    <select data-testid="type-filter" on:change=move |ev| state.type_filter.set(event_target_value(&ev))>
                        <option value="">"all types"</option>
                        {move || types.get().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label><input type="checkbox" prop:checked=move || state.collapse.get()
                    on:change=move |ev| state.collapse.set(event_target_checked(&ev)) />" group alike vertices"</label>
                <label>"Search "
                    <input type="search" placeholder="ARN, name or URI" data-testid="search"
                        on:input=move |ev| search.set(event_target_value(&ev)) />
                </label>
            </div>
            <ul class="results no-print">
                {move || results.get().into_iter().map(|hit| {
                    let pick = hit.arn.clone();
                    let shown = drawn(state, &hit.arn);
                    let all = state.depth.get() == Depth::Upstream(None);
                    let note = match (shown, hit.upstream) {
                        (true, _) => None,
                        (false, true) if !all => Some(view! {
                            <span class="not-drawn">" — not in this drawing "</span>
                            <button class="link" data-testid="search-show" on:click=move |_| state.depth.set(Depth::Upstream(None))>
                                "draw all ancestors"
                            </button>
                        }.into_any()),
                        (false, _) => Some(view! {
                            <span class="not-drawn">" — not in this drawing: it is not upstream of this subject"</span>
                        }.into_any()),
                    };
                    view! {
                        <li data-testid="search-result" data-arn=hit.arn.clone() title=hit.arn.clone()>
                            <button class="link" on:click=move |_| state.selected.set(Some(pick.clone()))>{hit.name}</button>
                            <span class="kind">{format!(" ({})", hit.kind)}</span>
                            // Two vertices may share a name (the same list exported twice): the ARN's end tells them apart.
                            <span class="arn">{format!(" · {}", arn_tail(&hit.arn))}</span>
                            {note}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="figure-caption" data-testid="figure-caption">{caption}</p>
            <p class="highlight-label" data-testid="highlight-label">{move || {
                state.highlight.with(|h| (!h.label.is_empty()).then(|| {
                    if h.arns.is_empty() {
                        return h.label.clone();
                    }
                    let hidden = h.arns.iter().filter(|a| !drawn(state, a)).count();
                    let hidden = if hidden > 0 { format!(", {hidden} not in this drawing") } else { String::new() };
                    format!("{} ({} vertices{hidden})", h.label, h.arns.len())
                }))
            }}</p>
            <div class="graph-and-details">
            <Graph />
            {move || state.selected.get().map(|arn| {
                let rows = state.lineage.get().map(|l| explore::details(&l, &arn)).unwrap_or_default();
                let from = arn.clone();
                let to = arn.clone();
                view! {
                    <aside class="details" data-testid="node-details">
                        <div class="no-print actions">
                            <button on:click=move |_| highlight(Relatives::Ancestors, "Ancestors")>"Highlight ancestors"</button>
                            <button on:click=move |_| highlight(Relatives::Descendants, "Descendants")>"Highlight descendants"</button>
                            <button data-testid="path-from" on:click=move |_| state.path_from.set(Some(from.clone()))>"Path from here…"</button>
                            {move || state.path_from.get().filter(|f| *f != to).map(|f| {
                                let to = to.clone();
                                view! { <button data-testid="path-to" on:click=move |_| {
                                    // The CLI's `lineage query --from … --to …`, on the whole lineage.
                                    let path = state.lineage.with_untracked(|l| l.as_ref().and_then(|l| explore::path(l, &f, &to)));
                                    state.highlight.set(match path {
                                        Some(p) => Highlight { label: p.label().into(), arns: p.arns.into_iter().collect() },
                                        None => Highlight { label: "No path joins these two boxes".into(), arns: HashSet::new() },
                                    });
                                    state.path_from.set(None);
                                }>"…to here"</button> }
                            })}
                            <button on:click=move |_| state.highlight.set(Highlight::default())>"Clear"</button>
                            <button on:click=move |_| state.selected.set(None)>"Close"</button>
                        </div>
                        <div class="no-print impact-panel"><crate::compare::ImpactPanel arn=arn.clone() /></div>
                        <table>
                            <tbody>
                                {rows.into_iter().map(|(k, v)| view! { <tr><th>{k}</th><td>{v}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                    </aside>
                }
            })}
            </div>
        </div>
    }
}
