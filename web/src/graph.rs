//! The lineage graph as SVG: boxes coloured by lineage type, edges labelled with association types, pan (drag) and
//! zoom (wheel, buttons), keyboard focus on every box (Enter opens its details), highlight of a computed set.

use leptos::prelude::*;
use lineage_core::LineageType;

use crate::app::State;

const SELECTED: u8 = 1;
const SUBJECT: u8 = 2;
const LIT: u8 = 4;
const DIM: u8 = 8;

/// Boxes above which the drawing is dense: its words are drawn only at [`READABLE_ZOOM`] or closer.
const DENSE: usize = 300;
const READABLE_ZOOM: f64 = 2.5;

/// The class attribute for a box or edge: one attribute write per change, not one toggle per flag.
fn classes(base: &str, flags: u8) -> String {
    let mut c = base.to_owned();
    for (bit, name) in [(SELECTED, " selected"), (SUBJECT, " subject"), (LIT, " lit"), (DIM, " dim")] {
        if flags & bit != 0 {
            c.push_str(name);
        }
    }
    c
}

fn lineage_class(t: Option<LineageType>) -> &'static str {
    match t {
        Some(LineageType::Artifact) => "lt-artifact",
        Some(LineageType::Action) => "lt-action",
        Some(LineageType::Context) => "lt-context",
        Some(LineageType::TrialComponent) => "lt-trialcomponent",
        None => "lt-unknown",
    }
}

#[component]
pub fn Graph() -> impl IntoView {
    let state = expect_context::<State>();
    // (scale, translate x, translate y)
    let viewport = RwSignal::new((1.0f64, 0.0f64, 0.0f64));
    let drag = RwSignal::new(None::<(f64, f64)>);
    let zoom = move |factor: f64| viewport.update(|v| v.0 = (v.0 * factor).clamp(0.05, 8.0));
    // Zoomed in far enough that a dense drawing's words can be read.
    let readable = Memo::new(move |_| viewport.get().0 >= READABLE_ZOOM);
    // While something is highlighted, only the smaller side is marked: the lit boxes (`hl-lit` on the drawing) or
    // the unlit ones (`hl-dim`), so highlighting the ancestors of a subject in a big view touches few elements.
    let mode = RwSignal::new(("", 0usize));
    view! {
        <div class="graph-wrap">
            <div class="zoom no-print">
                <button aria-label="zoom in" on:click=move |_| zoom(1.25)>"+"</button>
                <button aria-label="zoom out" on:click=move |_| zoom(0.8)>"−"</button>
                <button on:click=move |_| viewport.set((1.0, 0.0, 0.0))>"reset"</button>
            </div>
            <svg
                data-testid="graph"
                class="graph"
                role="img"
                aria-label="Lineage graph"
                viewBox=move || {
                    state.layout.get().map_or("0 0 100 100".to_owned(), |l| format!("-20 -20 {} {}", l.width + 40.0, l.height + 40.0))
                }
                on:wheel=move |ev: leptos::ev::WheelEvent| {
                    ev.prevent_default();
                    zoom(if ev.delta_y() < 0.0 { 1.1 } else { 0.9 });
                }
                on:pointerdown=move |ev: leptos::ev::PointerEvent| drag.set(Some((f64::from(ev.client_x()), f64::from(ev.client_y()))))
                on:pointermove=move |ev: leptos::ev::PointerEvent| {
                    if let Some((x, y)) = drag.get_untracked() {
                        let (nx, ny) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                        viewport.update(|v| {
                            v.1 += (nx - x) / v.0;
                            v.2 += (ny - y) / v.0;
                        });
                        drag.set(Some((nx, ny)));
                    }
                }
                on:pointerup=move |_| drag.set(None)
                on:pointerleave=move |_| drag.set(None)
            >
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                    </marker>
                </defs>
                <g
                    data-testid="graph-layer"
                    class=move || mode.get().0
                    data-marked=move || mode.get().1.to_string()
                    transform=move || { let (s, x, y) = viewport.get(); format!("scale({s}) translate({x} {y})") }
                >
                    {move || {
                        let (Some(layout), Some(view)) = (state.layout.get(), state.view.get()) else { return ().into_any() };
                        // Each box and edge has one flag signal; a single effect sets them from the highlight, the
                        // selection and the subject. (Thousands of boxes subscribing to one signal directly make
                        // every highlight cost quadratic time in the reactive system.)
                        let node_flags: Vec<(String, RwSignal<u8>)> = layout
                            .nodes
                            .iter()
                            .map(|n| (view.graph.vertices[n.vertex].arn.clone(), RwSignal::new(0u8)))
                            .collect();
                        let edge_flags: Vec<(String, String, RwSignal<u8>)> = layout
                            .edges
                            .iter()
                            .map(|e| {
                                let ge = &view.graph.edges[e.edge];
                                (ge.source.clone(), ge.destination.clone(), RwSignal::new(0u8))
                            })
                            .collect();
                        {
                            let (node_flags, edge_flags) = (node_flags.clone(), edge_flags.clone());
                            Effect::new(move |_| {
                                let selected = state.selected.get();
                                let subject = state.subject.get();
                                state.highlight.with(|h| {
                                    let on = !h.arns.is_empty();
                                    let lit = |a: &String| h.arns.contains(a) || selected.as_ref() == Some(a);
                                    let lit_nodes = node_flags.iter().filter(|(a, _)| h.arns.contains(a)).count();
                                    // Mark the lit side when it is the smaller one, else the unlit side.
                                    let mark_lit = lit_nodes * 2 <= node_flags.len();
                                    let mut marked = 0;
                                    for (arn, flag) in &node_flags {
                                        let mut f = 0;
                                        if selected.as_ref() == Some(arn) { f |= SELECTED; }
                                        if subject.as_ref() == Some(arn) { f |= SUBJECT; }
                                        if on {
                                            match (mark_lit, h.arns.contains(arn)) {
                                                (true, true) => { f |= LIT; marked += 1; }
                                                (false, false) => { f |= DIM; marked += 1; }
                                                _ => {}
                                            }
                                        }
                                        if flag.get_untracked() != f { flag.set(f); }
                                    }
                                    for (src, dst, flag) in &edge_flags {
                                        let both = lit(src) && lit(dst);
                                        let f = match (on, mark_lit, both) {
                                            (true, true, true) => LIT,
                                            (true, false, false) => DIM,
                                            _ => 0,
                                        };
                                        if flag.get_untracked() != f { flag.set(f); }
                                    }
                                    let m = match (on, mark_lit) { (false, _) => "", (true, true) => "hl-lit", (true, false) => "hl-dim" };
                                    if mode.get_untracked() != (m, marked) { mode.set((m, marked)); }
                                });
                            });
                        }
                        // A dense drawing (hundreds of boxes) carries its words only once zoomed in far enough to
                        // read them: thousands of unreadable text elements would make every highlight repaint slow.
                        // Boxes keep their accessible names (`<title>`, `aria-label`) either way.
                        let dense = layout.nodes.len() > DENSE;
                        let words = move || !dense || readable.get();
                        let edges = layout.edges.iter().zip(edge_flags).map(|(e, (_, _, flag))| {
                            let d: String = e.points.iter().enumerate()
                                .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" }))
                                .collect();
                            let ge = &view.graph.edges[e.edge];
                            let mut label = ge.association_type.clone().unwrap_or_else(|| "(none)".into());
                            if e.edges.len() > 1 {
                                label.push_str(&format!(" ×{}", e.edges.len()));
                            }
                            let (lx, ly) = match e.points.as_slice() {
                                [.., a, b] => ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0 - 3.0),
                                _ => (0.0, 0.0),
                            };
                            view! {
                                <g class=move || classes("edge", flag.get())>
                                    <path d=d marker-end="url(#arrow)" class:reversed=e.reversed />
                                    {move || words().then(|| view! {
                                        <text x=format!("{lx:.1}") y=format!("{ly:.1}") class="edge-label" text-anchor="middle">{label.clone()}</text>
                                    })}
                                </g>
                            }
                        }).collect_view();
                        let nodes = layout.nodes.iter().zip(node_flags).map(|(n, (_, flag))| {
                            let v = view.graph.vertices[n.vertex].clone();
                            let arn = v.arn.clone();
                            let members = n.members.len();
                            let name = if members > 1 { format!("{members} × {}", v.name) } else { v.name.clone() };
                            let short: String = if name.chars().count() > 26 { name.chars().take(25).chain(['…']).collect() } else { name.clone() };
                            let kind = format!("{} · {}", v.lineage_type.map_or("no lineage type", |t| t.as_str()), v.entity_type.clone().unwrap_or_else(|| "untyped".into()));
                            let aria = format!("{name}, {kind}");
                            let base = lineage_class(v.lineage_type);
                            let (a2, a3) = (arn.clone(), arn.clone());
                            let height = n.height;
                            view! {
                                <g
                                    class=move || classes(&format!("node {base}"), flag.get())
                                    data-testid="graph-node"
                                    data-arn=arn
                                    tabindex="0"
                                    role="button"
                                    aria-label=aria
                                    transform=format!("translate({:.1} {:.1})", n.x, n.y)
                                    on:click=move |ev: leptos::ev::MouseEvent| {
                                        ev.stop_propagation();
                                        state.selected.set(Some(a2.clone()));
                                    }
                                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                        if ev.key() == "Enter" || ev.key() == " " {
                                            ev.prevent_default();
                                            state.selected.set(Some(a3.clone()));
                                        }
                                    }
                                >
                                    <title>{name.clone()}</title>
                                    <rect width=format!("{:.1}", n.width) height=format!("{:.1}", n.height) rx="4" />
                                    {move || words().then(|| view! {
                                        <text x="6" y="15" class="node-name">{short.clone()}</text>
                                        <text x="6" y=format!("{:.1}", height - 7.0) class="node-kind">{kind.clone()}</text>
                                    })}
                                </g>
                            }
                        }).collect_view();
                        view! { <g class="edges">{edges}</g><g class="nodes">{nodes}</g> }.into_any()
                    }}
                </g>
            </svg>
        </div>
    }
}
