//! The page's components: loading, the answer, the graph explorer and the downloads. They hold state and call
//! lineage-core (logic) and `browser` (I/O); every string from an input is rendered as text, never as HTML.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use lineage_core::explore::{self, Candidate, Relatives, View, Workspace};
use lineage_core::graph_layout::{self, GraphLayout, LayoutOptions};
use lineage_core::render::{self, Section};
use lineage_core::{Lineage, Report, RoleTable};

use crate::browser;
use crate::graph::Graph;

/// What the graph highlights (a hash set: it is only looked up, once per box).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Highlight {
    pub label: String,
    pub arns: HashSet<String>,
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
    pub depth: RwSignal<Option<usize>>,
    pub type_filter: RwSignal<String>,
    pub collapse: RwSignal<bool>,
    pub selected: RwSignal<Option<String>>,
    pub highlight: RwSignal<Highlight>,
    pub path_from: RwSignal<Option<String>>,
    pub busy: RwSignal<Option<String>>,
    pub report: Memo<Option<Result<Report, String>>>,
    pub view: Memo<Option<View>>,
    pub layout: Memo<Option<GraphLayout>>,
}

fn roles() -> RoleTable {
    RoleTable::builtin()
}

impl State {
    fn new() -> State {
        let workspace = RwSignal::new(Workspace::new());
        let lineage: RwSignal<Option<Arc<Lineage>>> = RwSignal::new(None);
        let subject = RwSignal::new(None::<String>);
        let inference = RwSignal::new(String::new());
        let depth = RwSignal::new(Some(6usize));
        let type_filter = RwSignal::new(String::new());
        let collapse = RwSignal::new(true);
        let report = Memo::new(move |_| {
            let l = lineage.get()?;
            let roles = roles();
            let id = inference.get().trim().to_owned();
            if !id.is_empty() {
                let query = lineage_core::deploy::InferenceQuery { id, endpoint: None, variant: None };
                return Some(
                    lineage_core::narrative::report_inference(&l, &roles, &query, None).map_err(|e| e.to_string()),
                );
            }
            let start = l.graph.find_arn(&subject.get()?)?;
            Some(lineage_core::report(&l, &roles, start).map_err(|e| e.to_string()))
        });
        // The graph follows the model package an inference resolved to.
        Effect::new(move |_| {
            if let Some(Ok(r)) = report.get() {
                if r.inference.is_some() && subject.get_untracked().as_deref() != Some(r.subject.arn.as_str()) {
                    subject.set(Some(r.subject.arn.clone()));
                }
            }
        });
        let view = Memo::new(move |_| {
            let l = lineage.get()?;
            let s = subject.get()?;
            let filter = type_filter.get();
            let types: Vec<String> = if filter.is_empty() { Vec::new() } else { vec![filter] };
            explore::view(&l, &roles(), &s, depth.get(), &types)
        });
        let layout = Memo::new(move |_| {
            let v = view.get()?;
            let opts = LayoutOptions { collapse_at: if collapse.get() { 5 } else { 0 }, ..LayoutOptions::default() };
            Some(graph_layout::layout(&v.graph, &opts))
        });
        State {
            workspace,
            lineage,
            error: RwSignal::new(None),
            candidates: RwSignal::new(Vec::new()),
            subject,
            inference,
            depth,
            type_filter,
            collapse,
            selected: RwSignal::new(None),
            highlight: RwSignal::new(Highlight::default()),
            path_from: RwSignal::new(None),
            busy: RwSignal::new(None),
            report,
            view,
            layout,
        }
    }

    /// Shows a freshly merged lineage (or the error that stops it) and keeps (or picks) the subject.
    fn show(&self, result: Result<Option<Lineage>, lineage_core::ImportError>, refused: Vec<String>) {
        let roles = roles();
        let mut errors = refused;
        match result {
            Ok(Some(l)) => {
                let candidates = explore::candidates(&l, &roles);
                let keep = self.subject.get_untracked().filter(|s| l.graph.find_arn(s).is_some());
                let start = lineage_core::resolve_start(&l, &roles, None);
                let pick = keep.or_else(|| start.as_ref().ok().map(|ix| l.graph.node(*ix).arn.to_string()));
                let pick = pick.or_else(|| candidates.last().map(|c| c.arn.clone()));
                if let (None, Err(e)) = (&pick, &start) {
                    // Nothing to report on: say so, as the CLI does, rather than show an empty page.
                    errors.push(e.to_string());
                }
                self.candidates.set(candidates);
                self.lineage.set(Some(Arc::new(l)));
                self.subject.set(pick);
            }
            Ok(None) => {
                self.lineage.set(None);
                self.candidates.set(Vec::new());
                self.subject.set(None);
            }
            Err(e) => {
                errors.push(e.to_string());
                self.lineage.set(None);
                self.candidates.set(Vec::new());
            }
        }
        self.error.set(if errors.is_empty() { None } else { Some(errors.join("\n")) });
        self.selected.set(None);
        self.highlight.set(Highlight::default());
    }

    /// Adds files: each that parses is kept; one that does not is shown as the error and changes nothing.
    pub async fn add_files(&self, files: Vec<(String, Result<Vec<u8>, String>)>) {
        let start = browser::now_ms();
        let mut unread = Vec::new();
        let mut readable = Vec::new();
        for (name, bytes) in files {
            match bytes {
                Err(e) => unread.push(e),
                Ok(bytes) => {
                    let sha = browser::sha256_hex(&bytes).await;
                    readable.push((name, bytes, sha));
                }
            }
        }
        let mut outcome = None;
        self.workspace.update(|w| outcome = Some(w.add(readable, &roles())));
        if let Some((result, mut refused)) = outcome {
            unread.append(&mut refused);
            self.show(result, unread);
        }
        browser::record_timing("load_ms", browser::now_ms() - start);
    }

    pub fn remove_file(&self, name: &str) {
        let mut result = Ok(None);
        self.workspace.update(|w| result = w.remove(name, &roles()));
        self.show(result, Vec::new());
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
        for p in paths {
            let name = p.rsplit('/').next().unwrap_or(&p).to_owned();
            files.push((name, browser::fetch_bytes(&p).await));
        }
        state.add_files(files).await;
    });
    view! {
        <header class="top">
            <h1>"Lineage Audit"</h1>
            <p class="tagline">"Drop SageMaker lineage exports to see which data, code and approval stand behind a model."</p>
        </header>
        <main>
            <Loader />
            <ErrorBox />
            <Subject />
            <Answer />
            <Explorer />
            <Evidence />
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
    let on_files = move |list: Option<web_sys::FileList>| {
        let files = list.as_ref().map(browser::files_of).unwrap_or_default();
        if !files.is_empty() {
            leptos::task::spawn_local(async move {
                let files = browser::read_files(files).await;
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
                on_files(ev.data_transfer().and_then(|d| d.files()));
            }
        >
            <p>"Drop export files here (QueryLineage pages, Describe responses, bundles; .json or .jsonl), or "</p>
            <label class="button">
                "choose files"
                <input
                    type="file"
                    multiple=true
                    accept=".json,.jsonl,application/json"
                    data-testid="file-input"
                    on:change=move |ev| {
                        let input: web_sys::HtmlInputElement = event_target(&ev);
                        on_files(input.files());
                        input.set_value("");
                    }
                />
            </label>
            {move || summary().map(|text| view! {
                <button class="link files-toggle" data-testid="files-toggle" on:click=move |_| show_files.update(|s| *s = !*s)>
                    {text}
                </button>
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
            view! {
                <label class="picker no-print">
                    "Inference ID: "
                    <input
                        type="search"
                        data-testid="inference-input"
                        placeholder="inferenceId or eventId of a capture record"
                        prop:value=move || state.inference.get()
                        on:change=move |ev| state.inference.set(event_target_value(&ev))
                    />
                </label>
            }
        })
    };
    let picker = move || {
        let candidates = state.candidates.get();
        let by_inference = !state.inference.get().trim().is_empty();
        (candidates.len() > 1 && !by_inference).then(|| {
            view! {
                <label class="picker no-print">
                    "Subject: "
                    <select
                        data-testid="subject-picker"
                        on:change=move |ev| state.subject.set(Some(event_target_value(&ev)))
                    >
                        {candidates
                            .into_iter()
                            .map(|c| {
                                let selected = state.subject.get_untracked().as_deref() == Some(c.arn.as_str());
                                view! { <option value=c.arn selected=selected>{c.label}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            }
        })
    };
    view! { {inference} {picker} }
}

fn or_none(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "not recorded".into())
}

#[component]
fn Answer() -> impl IntoView {
    let state = expect_context::<State>();
    move || match state.report.get() {
        None => None,
        Some(Err(e)) => Some(view! { <div class="error" data-testid="error">{e}</div> }.into_any()),
        Some(Ok(r)) => Some(report_view(r).into_any()),
    }
}

/// A section's heading, worded and numbered as in every other format.
#[component]
fn SectionTitle(section: Section) -> impl IntoView {
    view! { <h3 id=section.anchor() data-testid="section-title">{section.title()}</h3> }
}

/// The evidence: every input with its digest (and what was skipped in it), superseded descriptions, warnings.
#[component]
fn Evidence() -> impl IntoView {
    let state = expect_context::<State>();
    move || {
        let Some(Ok(r)) = state.report.get() else { return None };
        Some(view! {
            <section class="evidence" data-testid="evidence">
                <SectionTitle section=Section::Evidence />
                <table>
                    <thead><tr><th>"File"</th><th>"Bytes"</th><th>"SHA-256"</th></tr></thead>
                    <tbody>{r.inputs.iter().map(|i| view! {
                        <tr><td>{render::input_label(i)}</td><td>{i.bytes.to_string()}</td><td><code>{i.sha256.clone()}</code></td></tr>
                    }).collect_view()}</tbody>
                </table>
                <ul>{r.superseded.iter().map(|s| view! { <li>{render::superseded_line(s)}</li> }).collect_view()}</ul>
                {(!r.warnings.is_empty()).then(|| view! {
                    <h4>"Warnings"</h4>
                    <ul class="warnings">{r.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                })}
            </section>
        })
    }
}

fn report_view(r: Report) -> impl IntoView {
    let a = r.answers.clone();
    let mv = a.model_version.clone();
    let approval = a.approval.clone();
    view! {
        <section class="answer">
            <h2>{lineage_core::render::report_title(&r)}</h2>
            <nav class="toc no-print" data-testid="toc">
                {Section::ALL.iter().map(|s| view! { <a href=format!("#{}", s.anchor())>{s.title()}</a> }).collect_view()}
            </nav>
            <blockquote data-testid="provenance-sentence">{r.sentence.clone()}</blockquote>
            <Downloads report=r.clone() />
            <div class="answers">
                <article data-testid="answer-model-version">
                    <SectionTitle section=Section::ModelVersion />
                    {r.inference.clone().map(|inf| {
                        let history = inf.history.clone();
                        let current = inf.deployment.clone();
                        view! {
                            <dl data-testid="inference">
                                {render::inference_rows(&inf).into_iter().map(|(k, v)| view! {
                                    <dt>{k.trim_end_matches(':').to_owned()}</dt><dd>{v}</dd>
                                }).collect_view()}
                            </dl>
                            <h4>{format!("Deployment history of {} ({})", inf.endpoint, render::variant_name(&inf))}</h4>
                            <ol class="history" data-testid="deployment-history">
                                {history.into_iter().map(|d| {
                                    let in_effect = d == current;
                                    view! {
                                        <li class:current=in_effect>
                                            {in_effect.then_some("In effect: ")}{render::deployment_line(&d)}
                                            <ul>{d.sources.iter().map(|s| view! { <li class="source">{s.clone()}</li> }).collect_view()}</ul>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        }
                    })}
                    <dl>
                        <dt>"Model package"</dt><dd>{or_none(&mv.arn)}</dd>
                        <dt>"Group"</dt><dd>{or_none(&mv.group)}</dd>
                        <dt>"Version"</dt><dd>{mv.version.map_or("not recorded".into(), |v| v.to_string())}</dd>
                        <dt>"Approval status"</dt><dd>{or_none(&mv.approval_status)}</dd>
                        {lineage_core::render::model_described_rows(&mv).into_iter().map(|(label, value)| view! {
                            <dt>{label}</dt><dd>{value}</dd>
                        }).collect_view()}
                    </dl>
                </article>
                <article data-testid="answer-training-dataset">
                    <SectionTitle section=Section::TrainingData />
                    <ul>
                        {a.training_jobs.iter().map(|j| view! {
                            <li>"Training job " <strong>{j.name.clone()}</strong>
                                {j.ended_at.map(|t| format!(" (ended {})", t.minute_utc()))}</li>
                        }).collect_view()}
                        {a.training_datasets.iter().map(|d| {
                            let props: Vec<String> = d.properties.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                            view! {
                                <li>{format!("{} ", d.kind_label())} <code>{d.uri.clone().or(d.arn.clone()).unwrap_or_default()}</code>
                                    {(!props.is_empty()).then(|| format!(" ({})", props.join(", ")))}</li>
                            }
                        }).collect_view()}
                    </ul>
                </article>
                <article data-testid="answer-upstream-sources">
                    <SectionTitle section=Section::UpstreamSources />
                    <table>
                        <thead><tr><th>"Kind"</th><th>"Name"</th><th>"Version"</th><th>"URI"</th></tr></thead>
                        <tbody>
                            {a.upstream_sources.iter().map(|u| view! {
                                <tr><td>{u.kind.replace('_', " ")}</td><td>{a.fed_label(u).map_or_else(|| u.name.clone(), |fed| format!("{} (into {fed})", u.name))}</td>
                                    <td>{or_none(&u.version)}</td><td><code>{u.uri.clone().unwrap_or_default()}</code></td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </article>
                <article>
                    <SectionTitle section=Section::Hyperparameters />
                    <table data-testid="answer-hyperparameters">
                        <thead><tr><th>"Hyperparameter"</th><th>"Value"</th></tr></thead>
                        <tbody>
                            {a.training_jobs.iter().flat_map(|j| j.hyperparameters.iter().map(|(k, v)| view! {
                                <tr><td><code>{k.clone()}</code></td><td><code>{v.clone()}</code></td></tr>
                            }).collect::<Vec<_>>()).collect_view()}
                        </tbody>
                    </table>
                    <table data-testid="answer-metrics">
                        <thead><tr><th>"Metric"</th><th>"Final value"</th></tr></thead>
                        <tbody>
                            {a.training_jobs.iter().flat_map(|j| j.metrics.iter().map(|(k, v)| view! {
                                <tr><td><code>{k.clone()}</code></td><td>{lineage_core::import::format_number(*v)}</td></tr>
                            }).collect::<Vec<_>>()).collect_view()}
                        </tbody>
                    </table>
                </article>
                <article data-testid="answer-approval">
                    <SectionTitle section=Section::Approval />
                    {match approval {
                        None => view! { <p>"Not recorded."</p> }.into_any(),
                        Some(ap) => view! {
                            <dl>
                                {lineage_core::render::approval_rows(&ap).into_iter().map(|(label, value, _)| view! {
                                    <dt>{label}</dt><dd>{value}</dd>
                                }).collect_view()}
                            </dl>
                            {(!ap.history.is_empty()).then(|| view! {
                                <h4>"Status history"</h4>
                                <ol class="history" data-testid="approval-history">
                                    {ap.history.iter().map(|c| view! {
                                        <li>{render::change_line(c)}
                                            <ul>{c.sources.iter().map(|s| view! { <li class="source">{s.clone()}</li> }).collect_view()}</ul>
                                        </li>
                                    }).collect_view()}
                                </ol>
                            })}
                            {ap.conflicts.iter().map(|c| view! { <p class="conflict">"Conflict: "{c.clone()}</p> }).collect_view()}
                        }.into_any(),
                    }}
                </article>
                <article data-testid="answer-code">
                    <SectionTitle section=Section::Code />
                    {if a.code.is_empty() {
                        view! { <p>"Not recorded."</p> }.into_any()
                    } else {
                        view! { <ul>{a.code.iter().map(|c| view! {
                            <li>{format!("{} @ {}", or_none(&c.repository), or_none(&c.commit))}<span class="source">{format!(" [{}]", c.source)}</span></li>
                        }).collect_view()}</ul> }.into_any()
                    }}
                </article>
            </div>
            <SectionTitle section=Section::Gaps />
            <ul class="gaps" data-testid="gap-list">
                {if r.gaps.is_empty() {
                    view! { <li class="none">"None: every question is answered from the export."</li> }.into_any()
                } else {
                    r.gaps.iter().map(|g| view! {
                        <li><strong>{g.question.replace('_', " ")}</strong>": "{g.detail.clone()}
                            <br/><em>"Closes with: "</em>{g.closes_with.clone()}</li>
                    }).collect_view().into_any()
                }}
            </ul>
            <SectionTitle section=Section::AncestryTree />
            <pre class="tree" data-testid="ancestry-tree">{r.tree.clone()}</pre>
        </section>
    }
}

#[component]
fn Downloads(report: Report) -> impl IntoView {
    let state = expect_context::<State>();
    let stem = report.subject.name.replace(['/', '\\', ' '], "-");
    let (r1, r2, r3) = (report.clone(), report.clone(), report);
    let (s1, s2, s3) = (stem.clone(), stem.clone(), stem);
    let fail = move |e: String| state.error.set(Some(e));
    view! {
        <div class="downloads no-print">
            <button data-testid="download-pdf" on:click=move |_| {
                let r = r1.clone();
                let name = format!("{s1}.pdf");
                state.busy.set(Some("Writing the PDF…".into()));
                leptos::task::spawn_local(async move {
                    match crate::pdf::bytes(&r).await {
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
            <button data-testid="download-markdown" on:click=move |_| {
                if let Err(e) = browser::download(&format!("{s2}.md"), "text/markdown", render::markdown(&r2).as_bytes()) {
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

#[component]
fn Explorer() -> impl IntoView {
    let state = expect_context::<State>();
    let search = RwSignal::new(String::new());
    let results = Memo::new(move |_| {
        let q = search.get();
        state.lineage.get().map(|l| explore::search(&l, &q, 12)).unwrap_or_default()
    });
    let types = Memo::new(move |_| {
        let Some(l) = state.lineage.get() else { return Vec::new() };
        let Some(s) = state.subject.get() else { return Vec::new() };
        let v = explore::view(&l, &roles(), &s, state.depth.get(), &[]);
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
    view! {
        <section class="explorer" class:hidden=move || state.view.get().is_none()>
            <SectionTitle section=Section::LineageGraph />
            <div class="controls no-print">
                <label>"Depth "
                    <select on:change=move |ev| state.depth.set(event_target_value(&ev).parse().ok())>
                        {[1usize, 2, 3, 4, 6, 10].into_iter().map(|d| view! {
                            <option value=d.to_string() selected=move || state.depth.get() == Some(d)>{d.to_string()}</option>
                        }).collect_view()}
                        <option value="all" selected=move || state.depth.get().is_none()>"all"</option>
                    </select>
                </label>
                {move || state.view.get().filter(|v| v.more).map(|_| view! {
                    <button data-testid="show-more" on:click=move |_| state.depth.update(|d| *d = d.map(|d| d + 2))>"Show more"</button>
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
                {move || results.get().into_iter().map(|arn| {
                    let pick = arn.clone();
                    view! { <li><button class="link" on:click=move |_| state.selected.set(Some(pick.clone()))>{arn}</button></li> }
                }).collect_view()}
            </ul>
            <p class="highlight-label">{move || {
                state.highlight.with(|h| (!h.label.is_empty()).then(|| format!("{} ({} vertices)", h.label, h.arns.len())))
            }}</p>
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
                            <button on:click=move |_| state.path_from.set(Some(from.clone()))>"Path from here…"</button>
                            {move || state.path_from.get().filter(|f| *f != to).map(|f| {
                                let to = to.clone();
                                view! { <button on:click=move |_| {
                                    let v = state.view.get_untracked();
                                    let p = v.map(|v| explore::path(&v.graph, &f, &to)).unwrap_or_default();
                                    state.highlight.set(Highlight { label: "Shortest path".into(), arns: p.into_iter().collect() });
                                    state.path_from.set(None);
                                }>"…to here"</button> }
                            })}
                            <button on:click=move |_| state.highlight.set(Highlight::default())>"Clear"</button>
                            <button on:click=move |_| state.selected.set(None)>"Close"</button>
                        </div>
                        <table>
                            <tbody>
                                {rows.into_iter().map(|(k, v)| view! { <tr><th>{k}</th><td>{v}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                    </aside>
                }
            })}
        </section>
    }
}
