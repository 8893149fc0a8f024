//! The lineage graph as SVG: boxes coloured by lineage type, edges labelled with association types, pan (drag) and
//! zoom (wheel, buttons), keyboard focus on every box (Enter opens its details), highlight of a computed set.

use leptos::prelude::*;
use lineage_core::explore::View;
use lineage_core::graph_layout::{self, GraphLayout};
use lineage_core::model::System;
use lineage_core::subgraph::EvidenceEdge;
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
            <div class="zoom no-print" data-testid="zoom-controls">
                <button aria-label="zoom in" on:click=move |_| zoom(1.25)>"+"</button>
                <button aria-label="zoom out" on:click=move |_| zoom(0.8)>"−"</button>
                <button on:click=move |_| viewport.set((1.0, 0.0, 0.0))>"reset"</button>
            </div>
            {move || {
                let others = state.view.get().map(|v| v.graph.other_systems()).unwrap_or_default();
                (!others.is_empty()).then(|| {
                    let names: Vec<&str> = others.iter().map(|s| s.as_str()).collect();
                    view! {
                        <p class="cross-legend" data-testid="cross-legend">
                            <span class="swatch" aria-hidden="true"></span>
                            {format!("Edges in this colour were recorded by {}, not SageMaker lineage.", names.join(" and "))}
                        </p>
                    }
                })
            }}
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
                        let edge_ends: Vec<(String, String)> = layout
                            .edges
                            .iter()
                            .map(|e| {
                                let ge = &view.graph.edges[e.edge];
                                (ge.source.clone(), ge.destination.clone())
                            })
                            .collect();
                        // Every edge's flag (lit, dim or neither) in one signal: edges are drawn in bundles.
                        let edge_flags = RwSignal::new(vec![0u8; edge_ends.len()]);
                        {
                            let node_flags = node_flags.clone();
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
                                    let flags: Vec<u8> = edge_ends.iter().map(|(src, dst)| {
                                        match (on, mark_lit, lit(src) && lit(dst)) {
                                            (true, true, true) => LIT,
                                            (true, false, false) => DIM,
                                            _ => 0,
                                        }
                                    }).collect();
                                    if edge_flags.with_untracked(|f| *f != flags) { edge_flags.set(flags); }
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
                        let edges = edge_bundles(&layout, &view, edge_flags, words);
                        let nodes = layout.nodes.iter().zip(node_flags).map(|(n, (_, flag))| {
                            let v = view.graph.vertices[n.vertex].clone();
                            let arn = v.arn.clone();
                            let members = n.members.len();
                            let name = if members > 1 { format!("{members} × {}", v.name) } else { v.name.clone() };
                            let kind = format!("{} · {}", v.lineage_type.map_or("no lineage type", |t| t.as_str()), v.entity_type.clone().unwrap_or_else(|| "untyped".into()));
                            // Both lines fit inside the box; the full name is the box's tooltip and in its details.
                            let inner = n.width - 2.0 * TEXT_INSET;
                            let short = fit(&name, inner, NAME_PX, true);
                            // The box's colour already says its lineage type: when both do not fit, the entity type alone.
                            let entity = v.entity_type.clone().unwrap_or_else(|| "untyped".into());
                            let kind_line = if fit(&kind, inner, KIND_PX, false) == kind { kind.clone() } else { fit(&entity, inner, KIND_PX, false) };
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
                                        <text x=format!("{TEXT_INSET}") y="15" class="node-name">{short.clone()}</text>
                                        <text x=format!("{TEXT_INSET}") y=format!("{:.1}", height - 7.0) class="node-kind">{kind_line.clone()}</text>
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

/// Left and right margin of a box's text.
const TEXT_INSET: f64 = 6.0;
/// Font sizes of a box's name (bold) and type line, as style.css sets them.
const NAME_PX: f64 = 9.0;
const KIND_PX: f64 = 7.5;

/// A character's advance in ems, rounded up to the widest of the common sans-serif faces (DejaVu Sans Bold), so a
/// line measured with it fits in any of them.
fn advance(c: char, bold: bool) -> f64 {
    let em = match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.38,
        'f' | 't' | 'r' | 'I' | 'J' | '-' | '/' | '(' | ')' | '[' | ']' => 0.52,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 1.12,
        'A'..='Z' => 0.86,
        '0'..='9' | 'a'..='z' | '_' | '·' => 0.73,
        _ => 1.0,
    };
    if bold {
        em
    } else {
        em * 0.95
    }
}

/// `text` cut to fit `width` pixels at `px` (with `…` when cut).
fn fit(text: &str, width: f64, px: f64, bold: bool) -> String {
    let measure = |s: &str| s.chars().map(|c| advance(c, bold) * px).sum::<f64>();
    if measure(text) <= width {
        return text.to_owned();
    }
    let room = width - advance('…', bold) * px;
    let mut used = 0.0;
    let mut out: String = text
        .chars()
        .take_while(|&c| {
            used += advance(c, bold) * px;
            used <= room
        })
        .collect();
    out.push('…');
    out
}

/// How an edge is stroked: along the layers, against them (dashed), or recorded by another system (OpenLineage,
/// Marquez: another colour).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stroke {
    Plain,
    Reversed,
    Cross,
}

impl Stroke {
    fn class(self) -> &'static str {
        match self {
            Stroke::Plain => "",
            Stroke::Reversed => "reversed",
            Stroke::Cross => "cross",
        }
    }
}

/// One edge's drawing: its line, its arrowhead (a triangle at the end), and how it is stroked.
struct EdgeShape {
    line: String,
    head: String,
    stroke: Stroke,
}

fn edge_shape(e: &graph_layout::RoutedEdge, drawn: &EvidenceEdge) -> EdgeShape {
    let line: String = e
        .points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" }))
        .collect();
    let head = match e.points.as_slice() {
        [.., (ax, ay), (bx, by)] => {
            let (dx, dy) = (bx - ax, by - ay);
            let len = (dx * dx + dy * dy).sqrt().max(1e-6);
            let (ux, uy) = (dx / len, dy / len);
            let (cx, cy) = (bx - ux * ARROW_LENGTH, by - uy * ARROW_LENGTH);
            let (nx, ny) = (-uy * ARROW_HALF_WIDTH, ux * ARROW_HALF_WIDTH);
            format!("M{bx:.1} {by:.1} L{:.1} {:.1} L{:.1} {:.1} Z", cx + nx, cy + ny, cx - nx, cy - ny)
        }
        _ => String::new(),
    };
    let stroke = match (e.reversed, drawn.system()) {
        (true, _) => Stroke::Reversed,
        (false, System::SageMaker) => Stroke::Plain,
        (false, _) => Stroke::Cross,
    };
    EdgeShape { line, head, stroke }
}

const ARROW_LENGTH: f64 = 7.0;
const ARROW_HALF_WIDTH: f64 = 2.8;

/// The edges as a few paths, one per (flag, direction) bundle, each with one path of arrowheads: a highlight
/// rewrites a handful of `d` attributes instead of restyling thousands of elements. Labels, when words are
/// drawn, stay one text element per edge.
fn edge_bundles(
    layout: &GraphLayout,
    view: &View,
    flags: RwSignal<Vec<u8>>,
    words: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shapes: std::sync::Arc<Vec<EdgeShape>> =
        std::sync::Arc::new(layout.edges.iter().map(|e| edge_shape(e, &view.graph.edges[e.edge])).collect());
    let bundles = {
        let shapes = shapes.clone();
        Memo::new(move |_| {
            flags.with(|flags| {
                BUNDLES.map(|(flag, stroke)| {
                    let mut line = String::new();
                    let mut head = String::new();
                    for (shape, _) in shapes.iter().zip(flags).filter(|(s, f)| **f == flag && s.stroke == stroke) {
                        line.push_str(&shape.line);
                        head.push_str(&shape.head);
                    }
                    (line, head)
                })
            })
        })
    };
    let paths = BUNDLES
        .iter()
        .enumerate()
        .map(|(i, &(flag, stroke))| {
            view! {
                <g class=classes("edge", flag)>
                    <path d=move || bundles.with(|b| b[i].0.clone()) class=stroke.class() />
                    <path d=move || bundles.with(|b| b[i].1.clone()) class=format!("arrowhead {}", stroke.class()) />
                </g>
            }
        })
        .collect_view();
    let labels = edge_labels(layout, view);
    let labels = move || {
        words().then(|| {
            labels.iter().enumerate().filter_map(|(i, l)| l.as_ref().map(|l| (i, l))).map(|(i, (label, lx, ly))| {
                view! {
                    <g class=move || classes("edge", flags.with(|f| f.get(i).copied().unwrap_or(0)))>
                        <text x=format!("{lx:.1}") y=format!("{ly:.1}") class="edge-label" text-anchor="middle">{label.clone()}</text>
                    </g>
                }
            }).collect_view()
        })
    };
    view! { {paths}{labels} }
}

/// Edge labels' text size in the drawing's units (`.edge-label` in style.css) and the width of a character at it.
const LABEL_SIZE: f64 = 6.5;
const LABEL_CHAR_WIDTH: f64 = 0.6 * LABEL_SIZE;

/// Each routed edge's label and where its text is anchored (middle, baseline), placed as the PDF places them
/// (lineage-core's `graph_layout::labels`: along its own edge, clear of boxes and other labels); `None` for a label
/// said once already beside the same box.
fn edge_labels(layout: &GraphLayout, view: &View) -> Vec<Option<(String, f64, f64)>> {
    use lineage_core::graph_layout::labels::{place, Rect, Wanted};
    let boxes: Vec<Rect> = layout.nodes.iter().map(|n| Rect { x: n.x, y: n.y, w: n.width, h: n.height }).collect();
    let wanted: Vec<Wanted> = layout
        .edges
        .iter()
        .map(|e| {
            let mut text = view.graph.edges[e.edge].label();
            if e.edges.len() > 1 {
                text.push_str(&format!(" ×{}", e.edges.len()));
            }
            let end = e.points.last().copied().unwrap_or_default();
            let near = |b: &Rect| Rect { x: b.x - 2.0, y: b.y - 2.0, w: b.w + 4.0, h: b.h + 4.0 };
            let target = boxes.iter().position(|b| near(b).meets(&Rect { x: end.0, y: end.1, w: 0.0, h: 0.0 }));
            let width = text.chars().count() as f64 * LABEL_CHAR_WIDTH;
            Wanted {
                text,
                width,
                height: LABEL_SIZE * 1.1,
                route: e.points.clone(),
                target: target.unwrap_or(usize::MAX),
            }
        })
        .collect();
    let bounds = Rect { x: 0.0, y: 0.0, w: layout.width, h: layout.height };
    let mut out = vec![None; wanted.len()];
    for p in place(&wanted, &boxes, bounds) {
        let w = &wanted[p.edge];
        out[p.edge] = Some((w.text.clone(), p.at.x + p.at.w / 2.0, p.at.y + 0.85 * w.height));
    }
    out
}

/// The edge bundles drawn: every flag an edge can have, each way.
const BUNDLES: [(u8, Stroke); 9] = [
    (0, Stroke::Plain),
    (0, Stroke::Reversed),
    (0, Stroke::Cross),
    (LIT, Stroke::Plain),
    (LIT, Stroke::Reversed),
    (LIT, Stroke::Cross),
    (DIM, Stroke::Plain),
    (DIM, Stroke::Reversed),
    (DIM, Stroke::Cross),
];
