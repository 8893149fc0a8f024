//! The page's comparisons, the CLI's `diff` and `impact` on the loaded lineage: the "Compare" control (two
//! versions' differences as the same table, and the vertices one version's ancestry has and the other's lacks
//! highlighted in the graph) and a box's "What did this affect?" (the impact list, its paths highlighted).

use std::collections::HashSet;

use leptos::prelude::*;
use lineage_core::document::changes::{affected_model_blocks, blocks, impact_sentence};
use lineage_core::impact::Impact;
use lineage_core::packages::{self, Package};
use lineage_core::{Lineage, Report};

use crate::app::{block_view, Highlight, State};

/// The model versions of the lineage, by group and version (what the two pickers offer), listed only once the
/// control is opened: a fleet bundle holds tens of thousands, and a closed panel costs nothing at load.
fn versions(state: State, open: RwSignal<bool>) -> Memo<Vec<Package>> {
    Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        state.lineage.with(|l| l.as_ref().map(|l| packages::versions(l)).unwrap_or_default())
    })
}

/// The version the report is about, and the one it replaced (the pickers' first choice).
fn defaults(l: &Lineage, all: &[Package], r: &Report) -> (String, String) {
    let vertex = r.answers.model_version.vertex.as_deref().and_then(|v| l.graph.find_arn(v));
    let this = vertex.and_then(|v| packages::of_vertex(l, all, v));
    let before = this.and_then(|p| packages::previous(all, p));
    (before.map(|p| p.arn.clone()).unwrap_or_default(), this.map(|p| p.arn.clone()).unwrap_or_default())
}

/// The vertices upstream of `p` (its own vertex included), by ARN.
fn ancestry(l: &Lineage, p: &Package) -> HashSet<String> {
    let Some(v) = p.vertex else { return HashSet::new() };
    let g = &l.graph;
    let mut out: HashSet<String> =
        lineage_core::query::walk(g, v, true, None).into_iter().map(|(ix, _)| g.node(ix).arn.to_string()).collect();
    out.insert(g.node(v).arn.to_string());
    out
}

fn picker(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    all: Memo<Vec<Package>>,
) -> impl IntoView {
    view! {
        <label>{label}
            <select data-testid=testid prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">"choose a version"</option>
                {move || all.get().into_iter().map(|p| {
                    let arn = p.arn.clone();
                    view! { <option value=p.arn.clone() selected=move || value.get() == arn>{p.label()}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// "Compare": two versions' differences, when the lineage holds more than one version.
#[component]
pub fn Compare(report: Report, versions_loaded: usize) -> impl IntoView {
    let state = expect_context::<State>();
    let open = RwSignal::new(false);
    let all = versions(state, open);
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    // The pickers start on the report's version and the one it replaced, once the list is made.
    Effect::new(move |_| {
        let listed = all.get();
        if listed.is_empty() || !to.get_untracked().is_empty() {
            return;
        }
        let first = state.lineage.with_untracked(|l| l.as_ref().map(|l| defaults(l, &listed, &report)));
        if let Some((f, t)) = first {
            from.set(f);
            to.set(t);
        }
    });
    let find = move |arn: &str| all.with(|a| a.iter().find(|p| p.arn == arn).cloned());
    let result = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        let (a, b) = (find(&from.get())?, find(&to.get())?);
        if a.arn == b.arn {
            return Some(Err("Choose two different versions.".to_owned()));
        }
        let l = state.lineage.get()?;
        Some(lineage_core::narrative::compare(&l, &a, &b).map_err(|e| e.to_string()))
    });
    let highlight = move |_| {
        let (Some(a), Some(b)) = (find(&from.get_untracked()), find(&to.get_untracked())) else { return };
        let arns = state.lineage.with_untracked(|l| {
            l.as_ref().map(|l| {
                let (x, y) = (ancestry(l, &a), ancestry(l, &b));
                x.symmetric_difference(&y).cloned().collect::<HashSet<String>>()
            })
        });
        let label = format!("Vertices in one of {} and {} and not the other", a.label(), b.label());
        state.highlight.set(Highlight { label, arns: arns.unwrap_or_default() });
    };
    move || {
        (versions_loaded > 1).then(|| {
            view! {
                <details class="compare no-print" data-testid="compare" on:toggle=move |ev| {
                    let d: web_sys::HtmlDetailsElement = event_target(&ev);
                    open.set(d.open());
                }>
                    <summary data-testid="compare-summary">"Compare two versions"</summary>
                    <div class="controls">
                        {picker("From ", "compare-from", from, all)}
                        {picker(" to ", "compare-to", to, all)}
                        <button data-testid="compare-highlight" on:click=highlight>"Highlight what differs in the graph"</button>
                    </div>
                    <div data-testid="compare-result">
                        {move || match result.get() {
                            None => view! { <p>"Choose two versions."</p> }.into_any(),
                            Some(Err(e)) => view! { <p class="error" data-testid="compare-error">{e}</p> }.into_any(),
                            Some(Ok(d)) => blocks(&d).into_iter().map(block_view).collect_view().into_any(),
                        }}
                    </div>
                </details>
            }
        })
    }
}

/// Every vertex on a path from the source to what it affected (everything downstream is on one).
fn affected_arns(i: &Impact) -> HashSet<String> {
    let models = i.models.iter().flat_map(|m| &m.path).map(|s| s.arn.clone());
    models.chain(i.downstream.iter().map(|r| r.arn.clone())).collect()
}

/// A box's "What did this affect?": everything downstream of it, the model versions with their deployments and
/// the inferences they served; the downstream paths highlighted in the graph.
#[component]
pub fn ImpactPanel(arn: String) -> impl IntoView {
    let state = expect_context::<State>();
    let shown = RwSignal::new(None::<Result<Impact, String>>);
    let ask = move |_| {
        let found = state.lineage.with_untracked(|l| l.as_ref().map(|l| lineage_core::impact::impact(l, &arn, None)));
        let found = found.map(|r| r.map_err(|e| e.to_string()));
        if let Some(Ok(i)) = &found {
            let label = format!(
                "Downstream of {}",
                i.source.vertices.first().map_or(i.source.query.as_str(), |v| v.name.as_str())
            );
            state.highlight.set(Highlight { label, arns: affected_arns(i) });
        }
        shown.set(found);
    };
    view! {
        <button data-testid="impact-button" on:click=ask>"What did this affect?"</button>
        {move || shown.get().map(|r| match r {
            Err(e) => view! { <p class="error" data-testid="impact-result">{e}</p> }.into_any(),
            Ok(i) => view! {
                <div class="impact" data-testid="impact-result">
                    <p data-testid="impact-sentence">{impact_sentence(&i)}</p>
                    {affected_model_blocks(&i).into_iter().map(block_view).collect_view()}
                </div>
            }.into_any(),
        })}
    }
}
