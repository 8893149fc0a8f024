//! The SageMaker Pipelines execution that made the model package: found by the package's
//! `MetadataProperties.GeneratedBy` or by the `RegisterModel` step that registered it; its steps (a cached step
//! followed to the execution whose job really ran), its parameters and the step that trained.

use std::collections::BTreeSet;

use petgraph::graph::NodeIndex;

use super::context::Ctx;
use super::report::{EvidenceEdge, GraphVertex, PipelineAnswer, ReportGraph, StepAnswer};
use crate::model::pipeline::{is_execution_arn, PipelineExecution, PipelineStep, StepKind};
use crate::model::records::Records;
use crate::model::Role;

/// The execution that produced the focus package, when the package or a `RegisterModel` step names one.
pub(super) fn pipeline(cx: &Ctx) -> Option<PipelineAnswer> {
    let package_arn = cx.g.package_of.get(&cx.focus)?;
    let records = &cx.g.records;
    let generated_by =
        cx.g.package(cx.focus).and_then(|p| p.metadata.get("GeneratedBy")).filter(|arn| is_execution_arn(arn));
    let (arn, joined_by) = match (generated_by, records.registered_by.get(package_arn)) {
        (Some(arn), _) => (arn.clone(), "DescribeModelPackage.MetadataProperties.GeneratedBy".to_owned()),
        (None, Some(arn)) => {
            let step = records.pipelines.get(arn).and_then(|e| registering_step(e, package_arn));
            let how = step.map_or_else(|| "a RegisterModel step".to_owned(), |s| format!("RegisterModel step {s}"));
            (arn.clone(), how)
        }
        (None, None) => return None,
    };
    Some(match records.pipelines.get(&arn) {
        Some(exec) => described(records, exec, joined_by),
        None => PipelineAnswer {
            pipeline: arn.split_once(":pipeline/").and_then(|(_, r)| r.split('/').next()).map(str::to_owned),
            ..undescribed(arn, joined_by)
        },
    })
}

/// The trial component of the job a training step ran (the job of the execution it was cached from), when no
/// lineage path names a training job.
pub(super) fn pipeline_training_vertex(cx: &Ctx, p: &PipelineAnswer) -> Option<NodeIndex> {
    let jobs: BTreeSet<&str> = (p.steps.iter().flatten())
        .filter(|s| p.training_steps.contains(&s.name))
        .filter_map(|s| s.ran_job.as_deref().or(s.arn.as_deref()))
        .collect();
    let mut found: Vec<NodeIndex> = (cx.g.job_of.iter())
        .filter(|(ix, job)| jobs.contains(job.as_str()) && cx.role(**ix) == Role::TrainingJob)
        .map(|(ix, _)| *ix)
        .collect();
    cx.g.sort_by_arn(&mut found);
    found.first().copied()
}
fn registering_step<'e>(exec: &'e PipelineExecution, package: &str) -> Option<&'e str> {
    let registers = |s: &&PipelineStep| s.kind == Some(StepKind::RegisterModel) && s.arn.as_deref() == Some(package);
    exec.steps().iter().find(registers).map(|s| s.name.as_str())
}

fn undescribed(execution_arn: String, joined_by: String) -> PipelineAnswer {
    PipelineAnswer {
        execution_arn,
        joined_by,
        described: false,
        pipeline: None,
        pipeline_arn: None,
        display_name: None,
        status: None,
        started_at: None,
        ended_at: None,
        created_by: None,
        failure_reason: None,
        steps: None,
        parameters: None,
        training_steps: Vec::new(),
        sources: Vec::new(),
    }
}

fn described(records: &Records, exec: &PipelineExecution, joined_by: String) -> PipelineAnswer {
    let steps: Option<Vec<StepAnswer>> =
        exec.steps.as_ref().map(|steps| steps.iter().map(|s| step_answer(records, s)).collect());
    let training_steps = exec.steps().iter().filter(|s| s.kind.as_ref().is_some_and(StepKind::trains));
    let mut sources: Vec<String> = std::iter::once(&exec.origin).chain(&exec.parts).map(|o| o.to_string()).collect();
    sources.dedup();
    PipelineAnswer {
        pipeline: exec.pipeline_name().map(str::to_owned),
        pipeline_arn: exec.pipeline_arn.clone(),
        display_name: exec.display_name.clone(),
        status: exec.status.clone(),
        started_at: exec.created_at,
        ended_at: exec.ended_at(),
        created_by: exec.created_by.as_ref().and_then(|u| u.display()),
        failure_reason: exec.failure_reason.clone(),
        steps,
        parameters: exec.parameters.clone(),
        training_steps: training_steps.map(|s| s.name.clone()).collect(),
        sources,
        described: true,
        ..undescribed(exec.arn.clone(), joined_by)
    }
}

fn step_answer(records: &Records, s: &PipelineStep) -> StepAnswer {
    let ran_job = s.cache_source.as_ref().and_then(|_| cached_job(records, s));
    StepAnswer {
        name: s.name.clone(),
        kind: s.kind.clone(),
        status: s.status.clone(),
        started_at: s.started_at,
        ended_at: s.ended_at,
        arn: s.arn.clone(),
        cache_hit_from: s.cache_source.clone(),
        ran_job,
        attempts: s.attempts,
        failure_reason: s.failure_reason.clone(),
        depends_on: s.depends_on.clone(),
    }
}

/// The job a cached step's source execution ran for the step of the same name, following further cache hits
/// (each execution once); the cached step's own `Metadata` ARN when the source execution is not in the export.
fn cached_job(records: &Records, step: &PipelineStep) -> Option<String> {
    let mut seen = BTreeSet::new();
    let mut source = step.cache_source.clone();
    let mut job = step.arn.clone();
    while let Some(exec) = source.and_then(|arn| records.pipelines.get(&arn)) {
        if !seen.insert(exec.arn.clone()) {
            break;
        }
        let Some(earlier) = exec.step(&step.name) else { break };
        job = earlier.arn.clone().or(job);
        source = earlier.cache_source.clone();
    }
    job
}

/// Draws the execution that made the package `start` stands for (see [`draw_pipeline`]) into `graph`, the
/// page explorer's view of it; nothing when no execution is named or `start` is not a model, endpoint or job.
pub fn draw_pipeline_of(lineage: &crate::model::Lineage, start: NodeIndex, graph: &mut ReportGraph) {
    let Ok(subject) = crate::subject::Resolved::of_start(lineage, start) else { return };
    let cx = Ctx::new(lineage, &subject);
    if let Some(p) = pipeline(&cx) {
        draw_pipeline(&cx, &p, graph);
    }
}

/// Draws the execution into the report's graph as one vertex (its steps grouped in it: the Training data
/// section lists them), linked to the package it made and to the trial components its training steps ran.
/// A lineage vertex that stands for the execution (source URI = its ARN) is used instead of a new one.
pub(super) fn draw_pipeline(cx: &Ctx, p: &PipelineAnswer, graph: &mut ReportGraph) {
    let existing = graph
        .vertices
        .iter()
        .find(|v| v.arn == p.execution_arn || v.source_uri.as_deref() == Some(p.execution_arn.as_str()));
    let exec = match existing {
        Some(v) => v.arn.clone(),
        None => {
            let steps =
                p.steps.as_ref().map_or_else(|| "steps not recorded".to_owned(), |s| format!("{} steps", s.len()));
            graph.vertices.push(GraphVertex {
                arn: p.execution_arn.clone(),
                lineage_type: None,
                entity_type: Some("PipelineExecution".into()),
                name: format!("{} ({steps})", p.label()),
                source_uri: None,
                role: Role::PipelineExecution,
            });
            p.execution_arn.clone()
        }
    };
    // The edge says `GeneratedBy` or `RegisterModel step NAME`: the full field path is in section 2.
    let how = p.joined_by.rsplit('.').next().unwrap_or(&p.joined_by).to_owned();
    let mut edges = vec![(cx.arn(cx.focus), how)];
    for step in p.steps.iter().flatten().filter(|s| p.training_steps.contains(&s.name)) {
        let job = step.ran_job.as_deref().or(step.arn.as_deref());
        let vertices = cx.g.job_of.iter().filter(|(_, j)| Some(j.as_str()) == job);
        edges.extend(vertices.map(|(ix, _)| (cx.arn(*ix), format!("pipeline step {}", step.name))));
    }
    for (to, how) in edges {
        if graph.vertices.iter().any(|v| v.arn == to) {
            graph.edges.push(EvidenceEdge {
                source: exec.clone(),
                destination: to,
                association_type: Some(how),
                recorded_by: None,
            });
        }
    }
    graph.vertices.sort_by(|a, b| a.arn.cmp(&b.arn));
    graph.edges.sort();
    graph.edges.dedup();
}
