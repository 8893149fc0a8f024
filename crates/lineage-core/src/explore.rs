//! What the web page does with a lineage, kept here so it is plain, tested Rust: the set of loaded files, the
//! subject picker, the focused (depth-limited) view of the subject's lineage, a vertex's details, highlight sets,
//! paths inside a view, and search.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use petgraph::graph::NodeIndex;
use serde::Serialize;

use crate::build::Loader;
use crate::model::roles::RoleTable;
use crate::model::{ImportError, Lineage};
use crate::query::walk;
pub use crate::subgraph::{graph_of, EvidenceEdge, GraphVertex, ReportGraph};
use crate::text::format_number;

/// The files a reviewer has loaded, in the order they were added; a file is kept only if it parses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Workspace {
    /// Name, bytes, and the SHA-256 the caller computed (hex), if it did.
    files: Vec<(String, Vec<u8>, Option<String>)>,
    /// Counts changes to `files`: a [`Build`] begun before a change starts again (its places in the bytes of
    /// a replaced file would point into the wrong text).
    generation: u64,
}

/// A file the workspace refused, with the reason (the same text the CLI prints).
pub type Refused = String;

/// What merging a workspace's files gives: the lineage (none without files), and the files refused.
pub type Merged = (Result<Option<Lineage>, ImportError>, Vec<Refused>);

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Adds files (a name already loaded is replaced) and merges everything once: a file that does not parse is
    /// dropped again, and its error returned, so it changes nothing. `sha256` (hex) may come from the caller (the
    /// browser hashes faster than WASM); absent, it is computed here.
    pub fn add(&mut self, files: Vec<(String, Vec<u8>, Option<String>)>, roles: &RoleTable) -> Merged {
        self.insert(files);
        self.build(roles)
    }

    /// Adds files (a name already loaded is replaced) without merging: [`Workspace::step`] then merges in steps.
    pub fn insert(&mut self, files: Vec<(String, Vec<u8>, Option<String>)>) {
        self.generation += 1;
        for (name, bytes, sha) in files {
            self.files.retain(|(n, _, _)| *n != name);
            self.files.push((name, bytes, sha));
        }
    }

    pub fn remove(&mut self, name: &str, roles: &RoleTable) -> Result<Option<Lineage>, ImportError> {
        self.generation += 1;
        self.files.retain(|(n, _, _)| n != name);
        self.build(roles).0
    }

    pub fn names(&self) -> Vec<String> {
        self.files.iter().map(|(n, _, _)| n.clone()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Merges every file; a file that fails to parse is removed and reported, and the others are merged again
    /// without it (a loader that failed part-way through a file is not reused). The lineage is `Err` when the
    /// files together lack something (an edge to a vertex no file declares, e.g. a missing page).
    fn build(&mut self, roles: &RoleTable) -> Merged {
        let mut build = Build::default();
        loop {
            if let Some(done) = self.step(&mut build, roles) {
                return done;
            }
        }
    }

    /// What the next [`Workspace::step`] of `build` will do, for a caller that says so first.
    pub fn next_step(&self, build: &Build) -> NextStep {
        let fresh = build.generation == Some(self.generation);
        let (current, index) = if fresh { (&build.current, build.index) } else { (&None, 0) };
        match (current, self.files.get(index)) {
            (Some(load), Some((name, _, _))) => {
                let (done, total) = load.progress();
                NextStep::Descriptions { file: name.clone(), done, total }
            }
            (None, Some((name, bytes, _))) => NextStep::Parse { file: name.clone(), bytes: bytes.len() },
            (_, None) => NextStep::Finish { bytes: self.files.iter().map(|(_, b, _)| b.len()).sum() },
        }
    }

    /// One step of merging every file (parse a file, read a batch of a bundle's descriptions, or finish); returns
    /// what [`Workspace::add`] returns once done. A file that fails is removed and the merge starts again.
    pub fn step(&mut self, build: &mut Build, roles: &RoleTable) -> Option<Merged> {
        if build.generation != Some(self.generation) {
            // Files changed since this build began (or it begins now): start from the first file.
            *build = Build {
                generation: Some(self.generation),
                refused: std::mem::take(&mut build.refused),
                ..Build::default()
            };
        }
        let Some((name, bytes, sha)) = self.files.get(build.index) else {
            let loader = std::mem::take(&mut build.loader);
            let refused = std::mem::take(&mut build.refused);
            return Some(if self.files.is_empty() {
                (Ok(None), refused)
            } else {
                (loader.finish(roles).map(Some), refused)
            });
        };
        // Whether the file is done with.
        let finished = match build.current.as_mut() {
            Some(load) => build.loader.continue_file(load, bytes).map(|more| !more),
            None => {
                let begun = match sha {
                    Some(h) => build.loader.begin_file(name, bytes, || h.clone()),
                    None => build.loader.begin_file(name, bytes, || Loader::sha256_hex(bytes)),
                };
                begun.map(|load| {
                    let nothing_left = load.progress().1 == 0;
                    build.current = Some(load);
                    nothing_left
                })
            }
        };
        match finished {
            Ok(false) => {}
            Ok(true) => {
                build.current = None;
                build.index += 1;
            }
            Err(e) => {
                // Removed, and the merge starts again without it (the next step sees the new generation).
                self.files.remove(build.index);
                self.generation += 1;
                build.refused.push(e.to_string());
            }
        }
        None
    }
}

/// A merge of a workspace's files in progress (see [`Workspace::step`]).
#[derive(Default)]
pub struct Build {
    /// The workspace's generation this build merges.
    generation: Option<u64>,
    loader: Loader,
    index: usize,
    current: Option<crate::build::FileLoad>,
    refused: Vec<Refused>,
}

/// What the next step of a [`Build`] does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Parse a file (and merge all of it but a bundle's descriptions).
    Parse { file: String, bytes: usize },
    /// Read the next batch of a bundle's descriptions.
    Descriptions { file: String, done: usize, total: usize },
    /// Check that the files fit together and make the joins: all files' `bytes`.
    Finish { bytes: usize },
}

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

    fn page() -> Vec<u8> {
        br#"{"Vertices":[
            {"Arn":"arn:aws:sagemaker:r:1:artifact/ds","Type":"DataSet","LineageType":"Artifact"},
            {"Arn":"arn:aws:sagemaker:r:1:experiment-trial-component/t-aws-training-job","Type":"TrainingJob","LineageType":"TrialComponent"},
            {"Arn":"arn:aws:sagemaker:r:1:artifact/pk","Type":"Model","LineageType":"Artifact"},
            {"Arn":"arn:aws:sagemaker:r:1:action/dep","Type":"ModelDeployment","LineageType":"Action"}],
          "Edges":[
            {"SourceArn":"arn:aws:sagemaker:r:1:artifact/ds","DestinationArn":"arn:aws:sagemaker:r:1:experiment-trial-component/t-aws-training-job","AssociationType":"ContributedTo"},
            {"SourceArn":"arn:aws:sagemaker:r:1:experiment-trial-component/t-aws-training-job","DestinationArn":"arn:aws:sagemaker:r:1:artifact/pk","AssociationType":"Produced"},
            {"SourceArn":"arn:aws:sagemaker:r:1:artifact/pk","DestinationArn":"arn:aws:sagemaker:r:1:action/dep","AssociationType":"ContributedTo"}]}"#
            .to_vec()
    }

    fn lineage(w: &mut Workspace, files: Vec<(&str, Vec<u8>)>) -> (Option<Lineage>, Vec<Refused>) {
        let files = files.into_iter().map(|(n, b)| (n.to_owned(), b, None)).collect();
        let (l, refused) = w.add(files, &RoleTable::builtin());
        (l.ok().flatten(), refused)
    }

    #[test]
    fn a_bad_file_changes_nothing_and_files_can_be_removed() {
        let mut w = Workspace::new();
        let (l, refused) = lineage(&mut w, vec![("a.json", page())]);
        assert!(l.is_some() && refused.is_empty());
        let (l, refused) = lineage(&mut w, vec![("bad.json", b"{".to_vec())]);
        assert_eq!(l.map(|l| l.graph.node_count()), Some(4));
        assert_eq!(refused.len(), 1);
        assert!(refused[0].starts_with("bad.json: "), "{refused:?}");
        assert_eq!(w.names(), ["a.json"]);
        assert!(matches!(w.remove("a.json", &RoleTable::builtin()), Ok(None)));
        assert!(w.is_empty());
    }

    #[test]
    fn a_merge_in_steps_reads_a_bundles_descriptions_in_batches_and_gives_the_same_lineage() {
        let opts = crate::synth::SynthOptions { models: 12, weeks: 52, raw_partitions: 1, described: true };
        let mut bundle = Vec::new();
        crate::synth::synth(&opts, &mut bundle).unwrap_or_else(|e| panic!("{e}"));
        assert!(opts.description_count() > 8192, "one batch only: {}", opts.description_count());
        let roles = RoleTable::builtin();
        let mut w = Workspace::new();
        w.insert(vec![("bundle.json".into(), bundle.clone(), None), ("bad.json".into(), b"{".to_vec(), None)]);
        let mut build = Build::default();
        let mut steps = Vec::new();
        let (stepped, refused) = loop {
            steps.push(w.next_step(&build));
            if let Some(done) = w.step(&mut build, &roles) {
                break done;
            }
        };
        let kinds: Vec<String> = steps
            .iter()
            .map(|s| match s {
                NextStep::Parse { file, .. } => format!("parse {file}"),
                NextStep::Descriptions { done, total, .. } => format!("descriptions {done}/{total}"),
                NextStep::Finish { .. } => "finish".into(),
            })
            .collect();
        let n = opts.description_count();
        let expected = vec![
            "parse bundle.json".to_owned(),
            format!("descriptions 0/{n}"),
            format!("descriptions 8192/{n}"),
            "parse bad.json".into(),
            // bad.json is refused, and the merge starts again without it.
            "parse bundle.json".into(),
            format!("descriptions 0/{n}"),
            format!("descriptions 8192/{n}"),
            "finish".into(),
        ];
        assert_eq!(kinds, expected);
        assert_eq!(refused.len(), 1, "{refused:?}");
        let stepped = stepped.ok().flatten().unwrap_or_else(|| panic!("no lineage"));
        // The whole file at once, its description batches read in halves on two threads, as the CLI does.
        let mut whole = Loader::new();
        whole.lend_threads(|a, b| {
            std::thread::scope(|s| {
                s.spawn(b);
                a();
            })
        });
        whole.add_file("bundle.json", &bundle).unwrap_or_else(|e| panic!("{e}"));
        let whole = whole.finish(&roles).unwrap_or_else(|e| panic!("{e}"));
        let json = |l: &Lineage| {
            let r = crate::answer(l, &crate::Query::Start(None)).unwrap_or_else(|e| panic!("{e}"));
            serde_json::to_string(&r).unwrap_or_default()
        };
        assert_eq!(
            (stepped.graph.node_count(), stepped.graph.edge_count()),
            (whole.graph.node_count(), whole.graph.edge_count())
        );
        assert_eq!(json(&stepped), json(&whole));
    }

    #[test]
    fn a_merge_in_steps_starts_again_when_the_files_change_under_it() {
        let roles = RoleTable::builtin();
        let mut w = Workspace::new();
        w.insert(vec![("a.json".into(), page(), None)]);
        let mut build = Build::default();
        assert!(w.step(&mut build, &roles).is_none(), "parsed a.json");
        // a.json replaced by a page with one vertex more, while the first build is under way.
        let more = String::from_utf8(page()).unwrap_or_default().replacen(
            "\"Vertices\":[",
            "\"Vertices\":[{\"Arn\":\"arn:aws:sagemaker:r:1:artifact/extra\",\"LineageType\":\"Artifact\"},",
            1,
        );
        w.insert(vec![("a.json".into(), more.into_bytes(), None)]);
        assert_eq!(w.next_step(&build), NextStep::Parse { file: "a.json".into(), bytes: w.files[0].1.len() });
        let merged = loop {
            if let Some(done) = w.step(&mut build, &roles) {
                break done;
            }
        };
        let lineage = merged.0.ok().flatten().unwrap_or_else(|| panic!("no lineage"));
        assert_eq!(lineage.graph.node_count(), 5);
    }

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
