//! `lineage impact --source S`: everything a source touched, down to the decisions. The vertices `S` names (a
//! vertex by ARN, name or URI; a URI or ARN prefix; a feature group by name; each with `@VERSION` for one version)
//! are walked downstream across systems, breadth first with the least ARN first so the path to each item is the
//! shortest and never depends on file order; each model version reached is followed to the deployments that served
//! it (the deployment history the inference answer reads) and to the captured inferences each served in its window.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::NodeIndex;
use petgraph::Direction;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::deployments::{history_with, Deployment, EndpointContexts, InferenceError};
use crate::model::records::CaptureRecord;
use crate::model::roles::Role;
use crate::model::{Graph, Lineage};
use crate::packages::{self, Package};
use crate::subgraph::vertex_name;
use crate::time::Timestamp;

/// What `--source` names, as the user typed it, and the vertices it matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    pub query: String,
    /// How it was matched: `vertex`, `prefix`, `feature group`, with `@VERSION` when one version was asked.
    pub matched_by: String,
    pub vertices: Vec<Step>,
}

/// A vertex on a path: its ARN, the name every face shows, and its role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub arn: String,
    pub name: String,
    pub role: Role,
}

/// Something downstream of the source (a dataset, a job, a model artifact), with the vertex it was reached from:
/// following `via` from item to item leads back to the source along the shortest path (a model version carries
/// its whole path; a walk from a source every week's model used reaches hundreds of thousands of items, and their
/// paths written out would be gigabytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reached {
    pub arn: String,
    pub name: String,
    pub role: Role,
    /// The ARN of the vertex before it on the path from the source.
    pub via: String,
}

/// A model version that used the source, and what it served.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AffectedModel {
    /// The model package ARN (another system's model version: its vertex's ARN).
    pub arn: String,
    /// `credit-xgb/73`.
    pub name: String,
    /// From a vertex the source names to the package's vertex.
    pub path: Vec<Step>,
    pub deployments: Vec<AffectedDeployment>,
}

/// One deployment of an affected version on an endpoint's variant: from when to when it served, and the inferences
/// it served in that window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AffectedDeployment {
    pub endpoint: String,
    pub variant: Option<String>,
    pub from: Timestamp,
    /// When the next deployment began; `None`: still the latest the records hold.
    pub to: Option<Timestamp>,
    /// The captured inferences it served (by inference ID, else event ID), oldest first.
    pub inferences: Vec<String>,
    /// Inferences in a switch (a traffic shift, sources that disagree on the time) where it or the other
    /// deployment may have served them: listed apart, never counted as served.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possibly: Vec<String>,
    /// The records of the switch.
    pub sources: Vec<String>,
    /// When each of `inferences` and `possibly` was served.
    #[serde(skip)]
    pub times: BTreeMap<String, Timestamp>,
}

/// One captured inference an affected version served (a row of `--format csv`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AffectedInference {
    pub id: String,
    pub time: Timestamp,
    pub endpoint: String,
    pub variant: Option<String>,
    pub model_package: String,
    /// False for an inference in a switch that this version may or may not have served.
    pub certain: bool,
}

/// The inclusive time window `--from`/`--to` cut the inferences to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl Window {
    fn holds(&self, t: Timestamp) -> bool {
        self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|to| t <= to)
    }

    /// Whether `[from, to)` (a deployment's time) meets the window.
    fn meets(&self, from: Timestamp, to: Option<Timestamp>) -> bool {
        self.to.is_none_or(|t| from <= t) && self.from.is_none_or(|f| to.is_none_or(|to| to > f))
    }
}

/// The whole answer: the JSON contract of `lineage impact --format json` (`schema/impact.schema.json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Impact {
    pub source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    /// Every model version that used the source, by group, version, ARN.
    pub models: Vec<AffectedModel>,
    /// How many captured inferences the affected versions served (in the window).
    pub inferences: usize,
    /// How many more fell in a switch where an affected version may have served them.
    pub possible_inferences: usize,
    /// How many data-capture records the export holds (none: no inference can be named).
    pub capture_records: usize,
    /// The datasets, jobs and artifacts between the source and the models, by role then ARN.
    pub downstream: Vec<Reached>,
    /// Endpoints whose deployment history could not be read, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Impact {
    /// Every affected inference, one row each, by time then ID.
    pub fn inference_rows(&self) -> Vec<AffectedInference> {
        let mut rows = Vec::new();
        for m in &self.models {
            for d in &m.deployments {
                for (ids, certain) in [(&d.inferences, true), (&d.possibly, false)] {
                    rows.extend(ids.iter().filter_map(|id| d.times.get(id).map(|&t| (id, t))).map(|(id, time)| {
                        AffectedInference {
                            id: id.clone(),
                            time,
                            endpoint: d.endpoint.clone(),
                            variant: d.variant.clone(),
                            model_package: m.arn.clone(),
                            certain,
                        }
                    }));
                }
            }
        }
        rows.sort_by(|a, b| (a.time, &a.id, &a.model_package).cmp(&(b.time, &b.id, &b.model_package)));
        rows
    }
}

/// Why there is no impact to give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImpactError {
    /// Nothing in the export is called that.
    Unknown { source: String, nearest: Vec<String> },
    /// `--from` after `--to`.
    EmptyWindow { from: Timestamp, to: Timestamp },
}

impl std::fmt::Display for ImpactError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImpactError::Unknown { source, nearest } => {
                write!(f, "nothing in the export is called {source:?} (searched: vertices by ARN, name and source URI; ARN and URI prefixes; feature groups by name; each with @VERSION for one version)")?;
                if !nearest.is_empty() {
                    write!(f, "; the nearest names loaded:")?;
                    for n in nearest {
                        write!(f, "\n  {n}")?;
                    }
                }
                Ok(())
            }
            ImpactError::EmptyWindow { from, to } => write!(f, "--from {from} is after --to {to}"),
        }
    }
}

impl std::error::Error for ImpactError {}

/// Everything `source` touched, with the inferences cut to `window`.
pub fn impact(lineage: &Lineage, source: &str, window: Option<Window>) -> Result<Impact, ImpactError> {
    if let Some(Window { from: Some(from), to: Some(to) }) = window {
        if from > to {
            return Err(ImpactError::EmptyWindow { from, to });
        }
    }
    let g = &lineage.graph;
    let (starts, matched_by) = sources(lineage, source)?;
    let parents = walk_down(g, &starts);
    let all = packages::versions(lineage);
    let by_vertex = package_index(lineage, &all);
    let mut models: BTreeMap<&str, AffectedModel> = BTreeMap::new();
    let mut downstream = Vec::new();
    // A source that is itself a model version is affected too (its own deployments and inferences).
    for (&ix, &parent) in &parents {
        match by_vertex.get(&ix) {
            Some(p) => {
                let path = path_to(g, &parents, ix);
                let m = models.entry(p.arn.as_str()).or_insert_with(|| AffectedModel {
                    arn: p.arn.clone(),
                    name: p.label(),
                    path: path.clone(),
                    deployments: Vec::new(),
                });
                if path.len() < m.path.len() {
                    m.path = path;
                }
            }
            None => {
                if let Some(via) = parent {
                    let n = g.node(ix);
                    let via = g.node(via).arn.to_string();
                    downstream.push(Reached { arn: n.arn.to_string(), name: vertex_name(g, ix), role: n.role, via });
                }
            }
        }
    }
    downstream.sort_by(|a, b| (a.role, &a.arn).cmp(&(b.role, &b.arn)));
    let order: BTreeMap<&str, (Option<&String>, Option<u64>)> =
        all.iter().map(|p| (p.arn.as_str(), (p.group.as_ref(), p.version))).collect();
    let mut models: Vec<AffectedModel> = models.into_values().collect();
    models.sort_by(|a, b| (order.get(a.arn.as_str()), &a.arn).cmp(&(order.get(b.arn.as_str()), &b.arn)));
    let window_or_all = window.unwrap_or(Window { from: None, to: None });
    let notes = attach_deployments(lineage, &mut models, window_or_all);
    let count = |certain: bool| {
        models
            .iter()
            .flat_map(|m| &m.deployments)
            .map(|d| if certain { d.inferences.len() } else { d.possibly.len() })
            .sum()
    };
    Ok(Impact {
        source: Source {
            query: source.to_owned(),
            matched_by,
            vertices: starts.iter().map(|&ix| step(g, ix)).collect(),
        },
        window,
        inferences: count(true),
        possible_inferences: count(false),
        capture_records: lineage.graph.records.captures.len(),
        models,
        downstream,
        notes,
    })
}

fn step(g: &Graph, ix: NodeIndex) -> Step {
    Step { arn: g.node(ix).arn.to_string(), name: vertex_name(g, ix), role: g.node(ix).role }
}

/// The vertices `source` names, and how: a vertex (ARN, name, source URI, alias), else an ARN or URI prefix, else a
/// feature group's name; `@VERSION` keeps the versions whose `version` property is VERSION.
fn sources(lineage: &Lineage, source: &str) -> Result<(Vec<NodeIndex>, String), ImpactError> {
    let g = &lineage.graph;
    let direct = g.resolve(source);
    if !direct.is_empty() {
        return Ok((direct, "vertex".into()));
    }
    let (name, version) = match source.rsplit_once('@') {
        Some((n, v)) if !n.is_empty() && !v.is_empty() => (n, Some(v)),
        _ => (source, None),
    };
    let by_version = |ix: &NodeIndex| version.is_none_or(|v| g.node(*ix).property("version") == Some(v));
    let with_version = |how: &str| match version {
        Some(v) => format!("{how} @{v}"),
        None => how.to_owned(),
    };
    if version.is_some() {
        let hits: Vec<NodeIndex> = g.resolve(name).into_iter().filter(by_version).collect();
        if !hits.is_empty() {
            return Ok((hits, with_version("vertex")));
        }
    }
    for (how, hits) in [("prefix", prefixed(g, name)), ("feature group", feature_group(g, name))] {
        let mut hits: Vec<NodeIndex> = hits.into_iter().filter(by_version).collect();
        if !hits.is_empty() {
            g.sort_by_arn(&mut hits);
            return Ok((hits, with_version(how)));
        }
    }
    let nearest = match crate::subject::find(lineage, source) {
        Err(crate::subject::StartMiss::Unknown { nearest }) => nearest,
        _ => Vec::new(),
    };
    Err(ImpactError::Unknown { source: source.to_owned(), nearest })
}

/// Vertices whose ARN or source URI starts with `prefix` (an ARN or a URI) at a path boundary: `s3://b/train`
/// names `s3://b/train/2027-W09/`, not `s3://b/training/`.
fn prefixed(g: &Graph, prefix: &str) -> Vec<NodeIndex> {
    if !(prefix.contains("://") || prefix.starts_with("arn:")) {
        return Vec::new();
    }
    let under = |s: &str| {
        s.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || prefix.ends_with(['/', ':']) || rest.starts_with(['/', ':', '@']))
    };
    g.node_indices().filter(|&ix| under(&g.node(ix).arn) || g.node(ix).source_uri().is_some_and(under)).collect()
}

/// The versions of the feature group named `name`: the vertices whose source is its ARN, and those the import
/// tied to the described group.
fn feature_group(g: &Graph, name: &str) -> Vec<NodeIndex> {
    let is_group = |uri: &str| uri.rsplit_once(":feature-group/").is_some_and(|(_, n)| n == name);
    let mut hits: Vec<NodeIndex> =
        g.node_indices().filter(|&ix| g.node(ix).source_uri().is_some_and(is_group)).collect();
    hits.extend(g.feature_group_vertices.iter().filter(|(_, arn)| is_group(arn)).map(|(&ix, _)| ix));
    hits.sort();
    hits.dedup();
    hits
}

/// Breadth first downstream from `starts`, a level at a time, each level's vertices taken by least ARN: every
/// vertex reached, with the vertex it was reached from (`None` for a start).
fn walk_down(g: &Graph, starts: &[NodeIndex]) -> BTreeMap<NodeIndex, Option<NodeIndex>> {
    let pg = g.petgraph();
    let mut parent: FxHashMap<NodeIndex, Option<NodeIndex>> = starts.iter().map(|&s| (s, None)).collect();
    let mut frontier: Vec<NodeIndex> = starts.to_vec();
    while !frontier.is_empty() {
        let mut next: Vec<(NodeIndex, NodeIndex)> = Vec::new();
        for &ix in &frontier {
            next.extend(
                pg.neighbors_directed(ix, Direction::Outgoing).filter(|n| !parent.contains_key(n)).map(|n| (n, ix)),
            );
        }
        // The least parent ARN wins among the ways to reach a vertex; the next level goes in ARN order.
        next.sort_by(|a, b| g.node(a.0).arn.cmp(&g.node(b.0).arn).then_with(|| g.node(a.1).arn.cmp(&g.node(b.1).arn)));
        next.dedup_by_key(|(n, _)| *n);
        for &(n, p) in &next {
            parent.insert(n, Some(p));
        }
        frontier = next.into_iter().map(|(n, _)| n).collect();
    }
    parent.into_iter().collect()
}

fn path_to(g: &Graph, parents: &BTreeMap<NodeIndex, Option<NodeIndex>>, ix: NodeIndex) -> Vec<Step> {
    let mut path = vec![step(g, ix)];
    let mut at = ix;
    while let Some(Some(p)) = parents.get(&at) {
        path.push(step(g, *p));
        at = *p;
    }
    path.reverse();
    path
}

/// Each vertex that stands for a model version, to that version.
fn package_index<'a>(lineage: &Lineage, all: &'a [Package]) -> FxHashMap<NodeIndex, &'a Package> {
    let by_arn: BTreeMap<&str, &Package> = all.iter().map(|p| (p.arn.as_str(), p)).collect();
    let mut out: FxHashMap<NodeIndex, &Package> = FxHashMap::default();
    for (&ix, arn) in &lineage.graph.package_of {
        if let Some(p) = by_arn.get(arn.as_str()) {
            out.insert(ix, p);
        }
    }
    for p in all {
        if let Some(v) = p.vertex {
            out.entry(v).or_insert(p);
        }
    }
    out
}

/// Every endpoint the export names: described, in a lineage context, in a capture record's S3 key, in CloudTrail.
fn endpoints(lineage: &Lineage) -> BTreeSet<String> {
    let g = &lineage.graph;
    let records = &g.records;
    let mut out: BTreeSet<String> = records.endpoints.keys().cloned().collect();
    out.extend(records.captures.iter().filter_map(|c| c.endpoint.clone()));
    for e in records.trail.values() {
        if matches!(e.name.as_str(), "CreateEndpoint" | "UpdateEndpoint") && e.error_code.is_none() {
            out.extend(e.param_str("endpointName").map(str::to_owned));
        }
    }
    // A lineage context names its endpoint in lower case (SageMaker writes the ARN so): one the records name
    // already is that one.
    let contexts: Vec<&str> =
        g.node_indices().filter(|&ix| g.node(ix).role == Role::Endpoint).map(|ix| g.node(ix).endpoint_name()).collect();
    for name in contexts {
        if !out.iter().any(|e| e.eq_ignore_ascii_case(name)) {
            out.insert(name.to_owned());
        }
    }
    out
}

/// Each model's deployments and the inferences they served; the notes for endpoints whose history is unreadable.
fn attach_deployments(lineage: &Lineage, models: &mut [AffectedModel], window: Window) -> Vec<String> {
    let affected: BTreeSet<&str> = models.iter().map(|m| m.arn.as_str()).collect();
    let mut captures: BTreeMap<(&str, Option<&str>), Vec<&CaptureRecord>> = BTreeMap::new();
    for c in &lineage.graph.records.captures {
        if let Some(e) = c.endpoint.as_deref() {
            captures.entry((e, c.variant.as_deref())).or_default().push(c);
        }
    }
    let mut found: BTreeMap<String, Vec<AffectedDeployment>> = BTreeMap::new();
    let mut notes = Vec::new();
    let contexts = EndpointContexts::new(lineage);
    for endpoint in endpoints(lineage) {
        let mut variants: Vec<Option<&str>> =
            captures.keys().filter(|(e, _)| *e == endpoint).map(|(_, v)| *v).collect();
        if variants.is_empty() {
            variants.push(None);
        }
        for variant in variants {
            let h = match history_with(lineage, &contexts, &endpoint, variant) {
                Ok(h) => h,
                // An endpoint no record deploys served nothing the export can name.
                Err(InferenceError::NoHistory { .. }) => continue,
                Err(e) => {
                    notes.push(format!("endpoint {endpoint}: {e}"));
                    continue;
                }
            };
            let served = captures.get(&(endpoint.as_str(), variant)).map_or(&[][..], Vec::as_slice);
            for (k, d) in h.deployments.iter().enumerate() {
                let next = h.deployments.get(k + 1);
                let to = next.map(|n| n.from);
                if !window.meets(d.from, to) {
                    continue;
                }
                for arn in d.model_packages.iter().filter(|a| affected.contains(a.as_str())) {
                    let (inferences, possibly, times) = served_in(served, &h.deployments, k, window);
                    found.entry(arn.clone()).or_default().push(AffectedDeployment {
                        endpoint: endpoint.clone(),
                        variant: variant.map(str::to_owned),
                        from: d.from,
                        to,
                        inferences,
                        possibly,
                        sources: d.sources.clone(),
                        times,
                    });
                }
            }
        }
    }
    for m in models.iter_mut() {
        m.deployments = found.remove(&m.arn).unwrap_or_default();
    }
    notes
}

/// The captured inferences deployment `k` served: surely from the end of its switch (`until`) to the next
/// deployment's start; possibly during its own switch and the next one's. Oldest first, then by ID.
type Served = (Vec<String>, Vec<String>, BTreeMap<String, Timestamp>);

fn served_in(records: &[&CaptureRecord], history: &[Deployment], k: usize, window: Window) -> Served {
    let d = &history[k];
    let next = history.get(k + 1);
    let sure_from = if k > 0 { d.until.unwrap_or(d.from) } else { d.from };
    let mut sure: Vec<(Timestamp, String)> = Vec::new();
    let mut maybe: Vec<(Timestamp, String)> = Vec::new();
    for r in records.iter().filter(|r| window.holds(r.time)) {
        let t = r.time;
        let id = r.inference_id.clone().unwrap_or_else(|| r.event_id.clone());
        let before_next = next.is_none_or(|n| t < n.from);
        let in_next_switch = next.is_some_and(|n| t >= n.from && n.until.is_some_and(|u| t < u));
        if t >= sure_from && before_next {
            sure.push((t, id));
        } else if (t >= d.from && t < sure_from) || in_next_switch {
            maybe.push((t, id));
        }
    }
    sure.sort();
    maybe.sort();
    let times = sure.iter().chain(&maybe).map(|(t, id)| (id.clone(), *t)).collect();
    (sure.into_iter().map(|(_, id)| id).collect(), maybe.into_iter().map(|(_, id)| id).collect(), times)
}
