//! The audit narrative: from a resolved subject (see [`crate::subject`]) to the five answers, the provenance
//! sentence, the ancestry tree and the gaps. Every answer names the vertices, edges and descriptions it rests on;
//! a missing link becomes a gap, never a guess.
//!
//! Here: the façade ([`answer`] for a [`Query`]; [`build`] on a resolved subject; [`report`],
//! [`report_inference`], [`answers_for`]), the report's subject, graph and `collect`, which calls one
//! function per question and keeps their gaps in order. Each answer is a function of the context that returns its
//! gaps beside it: `answers.rs` answers the first four questions, `approval.rs` the fifth, `pipeline.rs` finds the
//! pipeline execution, `outline.rs` gathers what the prose needs from the graph, and `prose.rs` makes the gaps,
//! sentence and tree that rest on the answers. The context every answer reads (`Ctx`) is in `context.rs`, the types
//! in `report.rs`.

mod answers;
mod approval;
pub mod changes;
mod context;
mod kinds;
mod outline;
mod pipeline;
mod prose;
mod reconcile;
pub mod report;
#[cfg(test)]
mod tests;

use petgraph::graph::NodeIndex;

use crate::model::roles::Role;
use crate::model::Lineage;
use crate::packages::{self, Package};
use crate::subject::{self, InferenceQuery, Resolved};
use context::Ctx;

pub use crate::approvals::ApprovalChange;
pub use crate::subgraph::{graph_of, Evidence, EvidenceEdge, GraphVertex, ReportGraph};
pub use crate::subject::{resolve_start, NarrativeError, Query};
pub use changes::{Change, Diff, DiffError, NotRecorded, OneSided, Side};
pub use kinds::{ChangeQuestion, Question, SourceKind, SubjectKind};
pub use pipeline::draw_pipeline_of;
pub use prose::humanize_count;
pub use report::{
    Answers, ApprovalAnswer, ApprovalFact, ClosedGap, CodeAnswer, DatasetAnswer, Gap, MetricReport, ModelVersion,
    PipelineAnswer, ReconcileStatus, Reconciled, RecordedBy, RecordedFact, RecordedModel, Report, RowRef, StepAnswer,
    Subject, TrainingJobAnswer, UpstreamSource,
};

/// The report a [`Query`] asks for: the one call the faces make. The subject is resolved first
/// ([`crate::subject::resolve`]), then the report is built on it ([`build`]).
pub fn answer(lineage: &Lineage, query: &Query) -> Result<Report, NarrativeError> {
    Ok(build(lineage, &subject::resolve(lineage, query)?))
}

/// Builds the report for `start` (see [`resolve_start`]).
pub fn report(lineage: &Lineage, start: NodeIndex) -> Result<Report, NarrativeError> {
    Ok(build(lineage, &Resolved::of_start(lineage, start)?))
}

/// Builds the report for the model package that served one inference. When the inference fell in a switch where
/// two packages may have served it, `start` names the one to report on (the report then says so in a gap).
pub fn report_inference(
    lineage: &Lineage,
    query: &InferenceQuery,
    start: Option<&str>,
) -> Result<Report, NarrativeError> {
    answer(lineage, &Query::Inference { query: query.clone(), start: start.map(str::to_owned) })
}

/// The answers and gaps for one model-package vertex, without the sentence, tree and graph (what `lineage check`
/// needs for each package of a fleet).
pub fn answers_for(lineage: &Lineage, package: NodeIndex) -> Result<(Answers, Vec<Gap>), NarrativeError> {
    let (answers, gaps, _) = checked_answers(lineage, package)?;
    Ok((answers, gaps))
}

/// [`answers_for`], with the package's audit-table row reconciled (its filled facts in the answers).
pub fn checked_answers(
    lineage: &Lineage,
    package: NodeIndex,
) -> Result<(Answers, Vec<Gap>, Vec<Reconciled>), NarrativeError> {
    let subject = Resolved::of_start(lineage, package)?;
    let Collected { answers, gaps, reconciliation, .. } = collect(&Ctx::new(lineage, &subject));
    Ok((answers, gaps, reconciliation.facts))
}

/// The report on a resolved subject: the answers, then the prose that rests on them.
pub fn build(lineage: &Lineage, subject: &Resolved) -> Report {
    let cx = Ctx::new(lineage, subject);
    let Collected { answers, gaps, training, datasets, code_vertices, approval_vertices, reconciliation } =
        collect(&cx);
    let outline = outline::outline(&cx, &training, &datasets, &code_vertices, &approval_vertices);
    let mut sentence = prose::sentence(&answers, &outline);
    sentence.push_str(&reconcile::sentence_note(&reconciliation.facts));
    let tree = prose::tree(&answers, &outline);
    let changes = previous_changes(&cx, &answers);
    let mut graph = report_graph(&cx, &approval_vertices);
    if let Some(p) = &answers.pipeline {
        pipeline::draw_pipeline(&cx, p, &mut graph);
    }
    Report {
        subject: report_subject(&cx, &answers.model_version),
        inference: subject.inference.clone(),
        answers,
        gaps,
        sentence,
        tree,
        graph,
        inputs: lineage.inputs.clone(),
        superseded: lineage.superseded.clone(),
        import: lineage.stats.clone(),
        warnings: lineage.warnings.clone(),
        cross_joins: lineage.graph.cross_joins.clone(),
        reconciliation: reconciliation.facts,
        closed_gaps: reconciliation.closed,
        changes,
    }
}

/// A model version's answers and the images its training ran, for a comparison (no prose, tree or graph).
fn version(lineage: &Lineage, p: &Package) -> Result<(Answers, Vec<String>), NarrativeError> {
    let Some(vertex) = p.vertex else {
        return Err(NarrativeError::NotLinked {
            what: format!("no lineage vertex stands for model package {}", p.arn),
            expected: "an artifact whose Source.SourceUri is that ARN".into(),
        });
    };
    let subject = Resolved::of_start(lineage, vertex)?;
    let cx = Ctx::new(lineage, &subject);
    Ok((collect(&cx).answers, images(&cx)))
}

/// The names of the images among the focus's ancestors (`repository:tag`), sorted.
fn images(cx: &Ctx) -> Vec<String> {
    let mut out: Vec<String> =
        cx.ancestors_of_role(Role::Image).into_iter().map(|ix| crate::subgraph::vertex_name(cx.g, ix)).collect();
    out.sort();
    out.dedup();
    out
}

/// `lineage diff --from A [--to B]`: the two model versions A and B name (anything `--start` accepts, each taken to
/// the model version it stands for), compared; without B, the version that replaced A in its group.
pub fn diff(lineage: &Lineage, from: &str, to: Option<&str>) -> Result<Diff, DiffError> {
    let all = packages::versions(lineage);
    let a = version_named(lineage, &all, from)?;
    let b = match to {
        Some(to) => version_named(lineage, &all, to)?,
        None => packages::next(&all, a).ok_or_else(|| DiffError::NoNext {
            from: a.label(),
            group: all.iter().filter(|p| p.group.is_some() && p.group == a.group).map(Package::label).collect(),
        })?,
    };
    if a.arn == b.arn {
        return Err(DiffError::Same { from: from.to_owned(), to: to.unwrap_or(from).to_owned(), version: a.label() });
    }
    Ok(compare(lineage, a, b)?)
}

/// The model version `id` stands for (a package, an endpoint's package, a model's, …).
fn version_named<'a>(lineage: &Lineage, all: &'a [Package], id: &str) -> Result<&'a Package, DiffError> {
    let subject = subject::resolve(lineage, &Query::Start(Some(id.to_owned())))?;
    packages::of_vertex(lineage, all, subject.focus).ok_or_else(|| DiffError::NotAVersion {
        id: id.to_owned(),
        vertex: lineage.graph.node(subject.focus).arn.to_string(),
    })
}

/// Compares two model versions of `lineage`: `from`'s answers with `to`'s.
pub fn compare(lineage: &Lineage, from: &Package, to: &Package) -> Result<Diff, NarrativeError> {
    let (a, a_images) = version(lineage, from)?;
    let (b, b_images) = version(lineage, to)?;
    let side = |p: &Package| Side { arn: p.arn.clone(), name: p.label() };
    Ok(changes::diff(
        &changes::Version { side: side(from), answers: &a, images: a_images },
        &changes::Version { side: side(to), answers: &b, images: b_images },
    ))
}

/// The report's "Changes since the previous version": when the export holds the version the focus replaced in its
/// group (the same group's next lower version), its answers compared with these.
fn previous_changes(cx: &Ctx, answers: &Answers) -> Option<Diff> {
    let all = packages::versions(cx.lineage);
    let this = packages::of_vertex(cx.lineage, &all, cx.focus)?;
    let before = packages::previous(&all, this)?;
    let (a, a_images) = version(cx.lineage, before).ok()?;
    let side = |p: &Package| Side { arn: p.arn.clone(), name: p.label() };
    Some(changes::diff(
        &changes::Version { side: side(before), answers: &a, images: a_images },
        &changes::Version { side: side(this), answers, images: images(cx) },
    ))
}

/// The answers with their gaps, and what the sentence, tree and graph need from the walk that found them.
struct Collected {
    answers: Answers,
    gaps: Vec<Gap>,
    training: Vec<NodeIndex>,
    datasets: Vec<(NodeIndex, DatasetAnswer)>,
    code_vertices: Vec<NodeIndex>,
    approval_vertices: Vec<NodeIndex>,
    reconciliation: reconcile::Reconciliation,
}

/// One function per question, in the order the gaps are listed (the choice among overlapping packages first, the
/// gaps that rest on the answers last), with what the prose needs besides.
fn collect(cx: &Ctx) -> Collected {
    let closes = "a capture record or deployment record that says which fleet answered";
    let mut gaps: Vec<Gap> =
        cx.chosen_gap.iter().map(|detail| Gap::new(Question::ModelVersion, detail.to_string(), closes)).collect();
    let (model_version, found) = answers::model_version(cx);
    gaps.extend(found);
    let pipeline = pipeline::pipeline(cx);
    let (jobs, found) = answers::training_jobs(cx, pipeline.as_ref());
    gaps.extend(found);
    let (datasets, found) = answers::training_datasets(cx, &jobs);
    gaps.extend(found);
    let (upstream_sources, found) = answers::upstream_sources(cx, &datasets);
    gaps.extend(found);
    let training: Vec<NodeIndex> = jobs.iter().map(|(t, _)| *t).collect();
    let code_vertices = cx.ancestors_of_role(Role::CodeCommit);
    let (code, found) = answers::code(cx, &code_vertices, &training, pipeline.as_ref());
    gaps.extend(found);
    let approval_vertices = approval::approval_vertices(cx);
    let (approval, found) = approval::approval(cx, &approval_vertices);
    gaps.extend(found);
    let answers = Answers {
        model_version,
        training_jobs: jobs.into_iter().map(|(_, j)| j).collect(),
        training_datasets: datasets.iter().map(|(_, d)| d.clone()).collect(),
        upstream_sources,
        code,
        approval,
        pipeline,
    };
    gaps.extend(prose::answer_gaps(&answers));
    let mut answers = answers;
    let reconciliation = reconcile::reconcile(cx.lineage, &mut answers, &mut gaps);
    Collected { answers, gaps, training, datasets, code_vertices, approval_vertices, reconciliation }
}

/// The report's subject as the title names it: a package by `GROUP/VERSION`, an endpoint by its name.
fn report_subject(cx: &Ctx, mv: &ModelVersion) -> Subject {
    Subject {
        arn: cx.arn(cx.start),
        kind: cx.start_kind,
        name: match (cx.start_kind, &mv.group, mv.version) {
            (SubjectKind::ModelPackage, Some(group), Some(v)) => format!("{group}/{v}"),
            (SubjectKind::RegisteredModel, _, _) => {
                let name = mv.name.clone().unwrap_or_else(|| cx.node(cx.start).name().to_owned());
                match mv.recorded_model.as_ref().and_then(|m| m.version.as_ref()) {
                    Some(v) => format!("{name}/{v}"),
                    None => name,
                }
            }
            (SubjectKind::Endpoint, _, _) => cx.node(cx.start).endpoint_name().to_owned(),
            _ => cx.node(cx.start).name().to_owned(),
        },
        chosen: cx.chosen.map(str::to_owned),
    }
}

/// The report's graph: the focus, its ancestors, the start and the path to it, the approval records, and what else
/// went into a deployment.
fn report_graph(cx: &Ctx, approvals: &[NodeIndex]) -> ReportGraph {
    let mut nodes: Vec<NodeIndex> = cx.ancestors.to_vec();
    nodes.push(cx.focus);
    nodes.push(cx.start);
    nodes.extend(approvals.iter().copied());
    if cx.start != cx.focus {
        if let Some(p) = crate::query::shortest_path(cx.g, cx.focus, cx.start) {
            nodes.extend(p.nodes);
        }
    }
    // What else went into the deployment (the image beside the model).
    for step in cx.deployment_path() {
        nodes.extend(cx.g.petgraph().neighbors_directed(step, petgraph::Direction::Incoming));
    }
    cx.g.sort_by_arn(&mut nodes);
    nodes.dedup();
    graph_of(cx.lineage, &nodes)
}
