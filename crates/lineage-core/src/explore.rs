//! What the web page does with a lineage, kept here so it is plain, tested Rust: the set of loaded files, the
//! subject picker, the focused (depth-limited) view of the subject's lineage, a vertex's details, highlight sets,
//! paths inside a view, and search.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::model::Lineage;
use crate::query::walk;
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

/// The shortest path between two vertices of `graph`, edges taken either way (vertex ARNs, in order), or empty.
pub fn path(graph: &ReportGraph, from: &str, to: &str) -> Vec<String> {
    let adj = Adjacency::new(graph);
    let (Some(&a), Some(&b)) = (adj.index.get(from), adj.index.get(to)) else { return Vec::new() };
    let mut parent = vec![usize::MAX; graph.vertices.len()];
    parent[a] = a;
    let mut queue = VecDeque::from([a]);
    while let Some(v) = queue.pop_front() {
        if v == b {
            break;
        }
        let mut next: Vec<usize> = adj.down[v].iter().chain(&adj.up[v]).copied().collect();
        next.sort_unstable();
        for w in next {
            if parent[w] == usize::MAX {
                parent[w] = v;
                queue.push_back(w);
            }
        }
    }
    if parent[b] == usize::MAX {
        return Vec::new();
    }
    let mut out = vec![graph.vertices[b].arn.clone()];
    let mut v = b;
    while v != a {
        v = parent[v];
        out.push(graph.vertices[v].arn.clone());
    }
    out.reverse();
    out
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
        let p = path(&all.graph, "arn:aws:sagemaker:r:1:artifact/ds", "arn:aws:sagemaker:r:1:action/dep");
        assert_eq!(p.len(), 4);
        let filtered = view(&l, pk, None, &["dataset".to_owned()]).unwrap_or_else(|| panic!("no view"));
        assert_eq!(filtered.graph.vertices.len(), 2);
        assert_eq!(search(&l, "DEP", 10), ["arn:aws:sagemaker:r:1:action/dep"]);
        assert!(details(&l, pk).iter().any(|(k, v)| k == "Type" && v == "Model"));
    }
}
