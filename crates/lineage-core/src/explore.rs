//! What the web page does with a lineage, kept here so it is plain, tested Rust: the set of loaded files, the
//! subject picker, the focused (depth-limited) view of the subject's lineage or the report's own graph, a vertex's
//! details, highlight sets, shortest paths (the CLI's), and search.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::model::Lineage;
use crate::query::{walk, PathKind};
pub use crate::subgraph::{graph_of, EvidenceEdge, GraphVertex, ReportGraph};
use crate::text::format_number;

pub use crate::subject::{candidates, search, Candidate};

/// The part of the lineage the page draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct View {
    pub graph: ReportGraph,
    /// Vertices upstream of the subject beyond the depth limit exist ("show more").
    pub more: bool,
    /// Vertex count before the type filter.
    pub total: usize,
}

/// The subject, its ancestors up to `depth` (`None`: all), and the vertices one step downstream of the subject
/// (deployments, approvals); `types` (entity types, any case) keeps only those plus the subject when non-empty.
pub fn view(lineage: &Lineage, subject: &str, depth: Option<usize>, types: &[String]) -> Option<View> {
    let g = &lineage.graph;
    let start = g.find_arn(subject)?;
    let mut nodes: Vec<NodeIndex> = walk(g, start, true, depth).into_iter().map(|(ix, _)| ix).collect();
    let more = depth.is_some_and(|d| walk(g, start, true, Some(d + 1)).len() > nodes.len());
    nodes.extend(g.petgraph().neighbors_directed(start, petgraph::Direction::Outgoing));
    nodes.push(start);
    g.sort_by_arn(&mut nodes);
    nodes.dedup();
    let total = nodes.len();
    if !types.is_empty() {
        nodes.retain(|&ix| {
            ix == start || g.node(ix).entity_type().is_some_and(|t| types.iter().any(|w| w.eq_ignore_ascii_case(t)))
        });
    }
    let mut graph = graph_of(lineage, &nodes);
    if types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case("PipelineExecution")) {
        crate::narrative::draw_pipeline_of(lineage, start, &mut graph);
    }
    Some(View { graph, more, total })
}

/// A pipeline execution's box (drawn beside the lineage, not a vertex of it): what its description, steps and
/// parameters say.
fn pipeline_details(e: &crate::model::pipeline::PipelineExecution) -> Vec<(String, String)> {
    let time = |t: Option<crate::time::Timestamp>| t.map(|t| t.minute_utc());
    let mut rows = vec![("Execution".to_owned(), e.arn.clone())];
    let mut push = |k: &str, v: Option<String>| rows.extend(v.map(|v| (k.to_owned(), v)));
    push("Pipeline", e.pipeline_name().map(str::to_owned));
    push("Display name", e.display_name.clone());
    push("Status", e.status.as_ref().map(|s| s.as_str().to_owned()));
    push("Started", time(e.created_at));
    push("Ended", time(e.ended_at()));
    push("Started by", e.created_by.as_ref().and_then(|u| u.display()));
    push("Failure reason", e.failure_reason.clone());
    for s in e.steps() {
        let kind = s.kind.as_ref().map_or("step", |k| k.as_str());
        let cached = s.cache_source.as_ref().map_or(String::new(), |c| format!(", cache hit from {c}"));
        let ran = s.arn.as_ref().map_or(String::new(), |a| format!(": {a}"));
        push(&format!("Step {}", s.name), Some(format!("{kind}{cached}{ran}")));
    }
    for p in e.parameters.iter().flatten() {
        push(&format!("Parameter {}", p.name), Some(p.value.clone()));
    }
    rows
}

/// Everything known about one vertex, as labelled rows: identity, source, timestamps, creators, properties,
/// metadata, parameters, metrics, and what its joined job or model package says (hyperparameters, final metrics,
/// approval).
pub fn details(lineage: &Lineage, arn: &str) -> Vec<(String, String)> {
    let g = &lineage.graph;
    let Some(ix) = g.find_arn(arn) else {
        return g.records.pipelines.get(arn).map(pipeline_details).unwrap_or_default();
    };
    let n = g.node(ix);
    let mut rows: Vec<(String, String)> = vec![
        ("ARN".into(), n.arn.to_string()),
        ("Name".into(), n.name().to_owned()),
        ("Lineage type".into(), n.lineage_type.map_or("unknown".into(), |t| t.as_str().to_owned())),
        ("Type".into(), n.entity_type().unwrap_or("none given").to_owned()),
    ];
    let mut push = |k: String, v: Option<String>| {
        if let Some(v) = v {
            rows.push((k, v));
        }
    };
    if let Some(d) = &n.details {
        push("Source URI".into(), d.source_uri.clone());
        push("Source type".into(), d.source_type.clone());
        for (k, v) in &d.source_ids {
            push(format!("Source {k}"), Some(v.clone()));
        }
        for twin in &d.same_as {
            push("Same as (another account)".into(), Some(twin.clone()));
        }
        push("Status".into(), d.status.clone());
        push("Description".into(), d.description.clone());
        push("Created".into(), d.created_at.map(|t| t.iso()));
        push("Created by".into(), d.created_by.as_ref().and_then(|u| u.display()));
        push("Modified".into(), d.modified_at.map(|t| t.iso()));
        push("Modified by".into(), d.modified_by.as_ref().and_then(|u| u.display()));
        push("Started".into(), d.start_time.map(|t| t.iso()));
        push("Ended".into(), d.end_time.map(|t| t.iso()));
        for (k, v) in &d.properties {
            push(format!("Property {k}"), Some(v.clone()));
        }
        for (k, v) in &d.metadata {
            push(format!("Metadata {k}"), Some(v.clone()));
        }
        for (k, v) in &d.parameters {
            push(format!("Parameter {k}"), Some(v.clone()));
        }
        for (k, v) in &d.metrics {
            push(format!("Metric {k}"), Some(format_number(*v)));
        }
    }
    if let Some(j) = g.job(ix) {
        push("Job".into(), Some(j.arn.clone()));
        push("Job status".into(), j.status.clone());
        push("Job ended".into(), j.ended_at.map(|t| t.iso()));
        for (k, v) in &j.hyperparameters {
            push(format!("Hyperparameter {k}"), Some(v.clone()));
        }
        for (k, v) in &j.metrics {
            push(format!("Final metric {k}"), Some(format_number(*v)));
        }
    }
    if let Some(p) = g.package(ix) {
        push("Model package".into(), Some(p.arn.clone()));
        push("Approval status".into(), p.approval_status.as_ref().map(ToString::to_string));
        push("Approval description".into(), p.approval_description.clone());
        push("Package modified".into(), p.modified_at.map(|t| t.iso()));
        push("Package modified by".into(), p.modified_by.as_ref().and_then(|u| u.display()));
        push("Package created by".into(), p.created_by.as_ref().and_then(|u| u.display()));
    }
    rows
}

/// Adjacency of a view's graph, by vertex index.
struct Adjacency {
    index: BTreeMap<String, usize>,
    down: Vec<Vec<usize>>,
    up: Vec<Vec<usize>>,
}

impl Adjacency {
    fn new(graph: &ReportGraph) -> Adjacency {
        let index: BTreeMap<String, usize> =
            graph.vertices.iter().enumerate().map(|(i, v)| (v.arn.clone(), i)).collect();
        let mut down = vec![Vec::new(); graph.vertices.len()];
        let mut up = vec![Vec::new(); graph.vertices.len()];
        for e in &graph.edges {
            if let (Some(&s), Some(&d)) = (index.get(&e.source), index.get(&e.destination)) {
                down[s].push(d);
                up[d].push(s);
            }
        }
        Adjacency { index, down, up }
    }
}

/// Which relatives of a vertex to highlight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relatives {
    Ancestors,
    Descendants,
}

/// The ARNs upstream (or downstream) of `arn` inside `graph`, `arn` itself excluded.
pub fn relatives(graph: &ReportGraph, arn: &str, which: Relatives) -> BTreeSet<String> {
    let adj = Adjacency::new(graph);
    let Some(&start) = adj.index.get(arn) else { return BTreeSet::new() };
    let next = if which == Relatives::Ancestors { &adj.up } else { &adj.down };
    let mut seen = vec![false; graph.vertices.len()];
    seen[start] = true;
    let mut stack = vec![start];
    let mut out = BTreeSet::new();
    while let Some(v) = stack.pop() {
        for &w in &next[v] {
            if !seen[w] {
                seen[w] = true;
                out.insert(graph.vertices[w].arn.clone());
                stack.push(w);
            }
        }
    }
    out
}

/// The shortest path between two vertices, found on the whole lineage graph by [`crate::query::shortest_path`]
/// (the one `lineage query --from … --to …` prints): directed if one exists, else directed the other way, else
/// with edges taken either way. `None` when either is not a lineage vertex or they are not connected.
pub fn path(lineage: &Lineage, from: &str, to: &str) -> Option<Path> {
    let g = &lineage.graph;
    let found = crate::query::shortest_path(g, g.find_arn(from)?, g.find_arn(to)?)?;
    Some(Path { kind: found.kind, arns: found.nodes.iter().map(|&ix| g.node(ix).arn.to_string()).collect() })
}

/// A path between two vertices: how its edges point, and its vertices in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub kind: PathKind,
    pub arns: Vec<String>,
}

impl Path {
    /// `Directed path`, `Reverse path (against the edges)` or `Undirected path`, as the page labels it.
    pub fn label(&self) -> &'static str {
        match self.kind {
            PathKind::Directed => "Directed path",
            PathKind::Reverse => "Reverse path (the second box is upstream of the first)",
            PathKind::Undirected => "Undirected path (edges point both ways along it)",
        }
    }
}

/// A search result as the page lists it: the vertex's ARN, name and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub arn: String,
    pub name: String,
    /// The entity type, else the lineage type, else `untyped`.
    pub kind: String,
    /// Upstream of the subject (a deeper view draws it).
    pub upstream: bool,
}

/// [`search`], each hit with its name, its type and whether it is upstream of `subject`.
pub fn search_hits(lineage: &Lineage, query: &str, limit: usize, subject: Option<&str>) -> Vec<SearchHit> {
    let g = &lineage.graph;
    let hits = search(lineage, query, limit);
    if hits.is_empty() {
        return Vec::new();
    }
    let upstream: BTreeSet<NodeIndex> = subject
        .and_then(|s| g.find_arn(s))
        .map(|ix| walk(g, ix, true, None).into_iter().map(|(a, _)| a).collect())
        .unwrap_or_default();
    hits.into_iter()
        .filter_map(|arn| {
            let ix = g.find_arn(&arn)?;
            let n = g.node(ix);
            let kind = n.entity_type().or(n.lineage_type.map(|t| t.as_str())).unwrap_or("untyped").to_owned();
            Some(SearchHit { name: n.name().to_owned(), kind, upstream: upstream.contains(&ix), arn })
        })
        .collect()
}

/// The report's own graph as the page's view (the drawing the report's figure describes: the same vertices and
/// edges the text counts and the PDF draws), `types` keeping only those entity types plus the subject; `more` when
/// the subject has ancestors the report does not draw.
pub fn report_view(lineage: &Lineage, report: &ReportGraph, subject: &str, types: &[String]) -> View {
    let mut graph = report.clone();
    let total = graph.vertices.len();
    if !types.is_empty() {
        let keep = |v: &GraphVertex| {
            v.arn == subject
                || v.entity_type.as_deref().is_some_and(|t| types.iter().any(|w| w.eq_ignore_ascii_case(t)))
        };
        graph.vertices.retain(keep);
        let kept: BTreeSet<&str> = graph.vertices.iter().map(|v| v.arn.as_str()).collect();
        let edges = graph
            .edges
            .into_iter()
            .filter(|e| kept.contains(e.source.as_str()) && kept.contains(e.destination.as_str()));
        graph.edges = edges.collect();
    }
    let g = &lineage.graph;
    let drawn: BTreeSet<&str> = report.vertices.iter().map(|v| v.arn.as_str()).collect();
    let more = g
        .find_arn(subject)
        .is_some_and(|ix| walk(g, ix, true, None).iter().any(|(a, _)| !drawn.contains(&*g.node(*a).arn)));
    View { graph, more, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::steps::tests::{lineage, page};
    use crate::build::steps::Workspace;

    #[test]
    fn view_depth_relatives_path_search() {
        let mut w = Workspace::new();
        let l = lineage(&mut w, vec![("a.json", page())]).0.unwrap_or_else(|| panic!("no lineage"));
        let pk = "arn:aws:sagemaker:r:1:artifact/pk";
        let v = view(&l, pk, Some(1), &[]).unwrap_or_else(|| panic!("no view"));
        assert!(v.more);
        assert_eq!(v.graph.vertices.len(), 3); // subject, training job, deployment
        let all = view(&l, pk, None, &[]).unwrap_or_else(|| panic!("no view"));
        assert!(!all.more);
        assert_eq!(all.graph.vertices.len(), 4);
        let up = relatives(&all.graph, pk, Relatives::Ancestors);
        assert_eq!(up.len(), 2);
        let down = relatives(&all.graph, pk, Relatives::Descendants);
        assert_eq!(down.into_iter().collect::<Vec<_>>(), ["arn:aws:sagemaker:r:1:action/dep"]);
        // The CLI's shortest path: directed from the dataset down to the deployment, reverse the other way.
        let (ds, dep) = ("arn:aws:sagemaker:r:1:artifact/ds", "arn:aws:sagemaker:r:1:action/dep");
        let p = path(&l, ds, dep).unwrap_or_else(|| panic!("no path"));
        assert_eq!((p.kind, p.arns.len()), (PathKind::Directed, 4));
        assert_eq!((p.arns[0].as_str(), p.arns[3].as_str()), (ds, dep));
        let back = path(&l, dep, ds).unwrap_or_else(|| panic!("no path"));
        assert_eq!(back.kind, PathKind::Reverse);
        assert_eq!(back.arns.iter().rev().collect::<Vec<_>>(), p.arns.iter().collect::<Vec<_>>());
        assert_eq!(path(&l, ds, "arn:aws:sagemaker:r:1:artifact/none"), None);
        let filtered = view(&l, pk, None, &["dataset".to_owned()]).unwrap_or_else(|| panic!("no view"));
        assert_eq!(filtered.graph.vertices.len(), 2);
        assert_eq!(search(&l, "DEP", 10), ["arn:aws:sagemaker:r:1:action/dep"]);
        let hits = search_hits(&l, "DEP", 10, Some(pk));
        assert_eq!(hits.len(), 1);
        assert!(!hits[0].name.is_empty() && hits[0].kind != "untyped" && !hits[0].upstream, "{hits:?}");
        assert!(search_hits(&l, "ds", 10, Some(pk)).iter().any(|h| h.upstream));
        let drawn = report_view(&l, &v.graph, pk, &[]);
        assert!(drawn.more && drawn.graph == v.graph);
        assert!(details(&l, pk).iter().any(|(k, v)| k == "Type" && v == "Model"));
    }
}
