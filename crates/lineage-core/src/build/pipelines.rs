//! Phase: each Pipelines steps page, parameters page and definition joined to its execution.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::pipeline::{PipelineExecution, PipelineParameter, PipelineStep, StepKind};
use crate::model::records::Records;
use crate::model::roles::RoleTable;
use crate::model::{ImportError, Origin};
use crate::read::described::{PipelineDoc, PipelinePart};
use crate::read::sagemaker::pipelines::directory;

/// Joins the steps, parameters and definitions read to their executions (the one the exporter's element names,
/// else the one described in the same directory), orders them, gives each parameter its role, and indexes the
/// packages `RegisterModel` steps registered. `described_in`: (directory, execution ARN) of every loose
/// `DescribePipelineExecution` read. A directory that describes several executions is an error, since which one a
/// loose response belongs to is unknown.
pub(crate) fn attach(
    records: &mut Records,
    mut parts: Vec<PipelineDoc>,
    described_in: &BTreeSet<(String, String)>,
    roles: &RoleTable,
) -> std::result::Result<Attached, ImportError> {
    parts.sort_by(|a, b| a.origin.cmp(&b.origin));
    let mut skipped = Vec::new();
    // (execution, operation) -> whether some page of it is the last (has no NextToken).
    let mut last_page_read: BTreeMap<(String, &'static str), bool> = BTreeMap::new();
    for doc in parts {
        let arn = match &doc.execution {
            Some(arn) => arn.clone(),
            None => match owner(&doc, described_in)? {
                Some(arn) => arn,
                None => {
                    skipped.push((doc.origin.clone(), unowned(&doc)));
                    continue;
                }
            },
        };
        let Some(exec) = records.pipelines.get_mut(&arn) else { continue };
        *last_page_read.entry((arn, doc.part.operation())).or_default() |= !doc.continued;
        add_part(exec, doc);
    }
    let warnings = (last_page_read.into_iter().filter(|(_, last)| !last))
        .map(|((arn, operation), _)| format!("{arn}: every {operation} page read has a NextToken, so its last page is not in the export and the execution's list may be incomplete"))
        .collect();
    for exec in records.pipelines.values_mut() {
        tidy(exec, roles);
        for step in exec.steps().iter().filter(|s| s.kind == Some(StepKind::RegisterModel)) {
            if let Some(package) = &step.arn {
                records.registered_by.entry(package.clone()).or_insert_with(|| exec.arn.clone());
            }
        }
    }
    Ok(Attached { skipped, warnings })
}

/// What joining the pipeline responses has to say.
pub(crate) struct Attached {
    /// Loose responses whose directory describes no execution, and why they are skipped.
    pub skipped: Vec<(Origin, String)>,
    /// Executions whose list responses lack their last page.
    pub warnings: Vec<String>,
}

fn unowned(doc: &PipelineDoc) -> String {
    let dir = directory(&doc.origin.file);
    format!(
        "{} response: it names no pipeline execution (the AWS CLI prints none) and {} holds no describe-pipeline-execution output to tie it to",
        doc.part.operation(),
        if dir.is_empty() { "the top level of the inputs" } else { dir }
    )
}

/// The execution a loose steps page, parameters page or definition belongs to: the one described in its
/// directory; `None` when none is.
fn owner(
    doc: &PipelineDoc,
    described_in: &BTreeSet<(String, String)>,
) -> std::result::Result<Option<String>, ImportError> {
    let dir = directory(&doc.origin.file);
    let here: Vec<&str> = described_in.iter().filter(|(d, _)| d == dir).map(|(_, a)| a.as_str()).collect();
    let many = match here.as_slice() {
        [] => return Ok(None),
        [one] => return Ok(Some((*one).to_owned())),
        many => many,
    };
    Err(ImportError {
        file: doc.origin.file.clone(),
        line: doc.origin.line,
        path: doc.origin.path.clone(),
        message: format!(
            "a {} response names no pipeline execution (the AWS CLI prints none), so it belongs to the execution described in the same directory, but {} holds {} executions' describe-pipeline-execution output ({}): put each execution's responses in a directory of their own, or use lineage-export-sagemaker, whose bundle keeps an execution's responses together",
            doc.part.operation(),
            if dir.is_empty() { "the top level of the inputs" } else { dir },
            many.len(),
            many.join(", ")
        ),
    })
}

fn add_part(exec: &mut PipelineExecution, doc: PipelineDoc) {
    let PipelineDoc { part, origin, .. } = doc;
    match part {
        PipelinePart::Steps(steps) => {
            let kept = exec.steps.get_or_insert_with(Vec::new);
            kept.extend(steps.into_iter().map(|mut s| {
                (s.origin.file, s.origin.line) = (origin.file.clone(), origin.line);
                s
            }));
        }
        PipelinePart::Parameters(params) => {
            let kept = exec.parameters.get_or_insert_with(Vec::new);
            kept.extend(params.into_iter().map(|(name, value)| PipelineParameter { name, value, role: None }));
        }
        PipelinePart::Definition(steps) => {
            exec.definition.get_or_insert(steps);
        }
        PipelinePart::Execution(_) => return,
    }
    exec.parts.push(origin);
}

/// Steps in the order they ran (start time, then name), repeats read from two files once; parameters by name;
/// each step's dependencies from the definition; each parameter's role.
fn tidy(exec: &mut PipelineExecution, roles: &RoleTable) {
    if let Some(steps) = exec.steps.as_mut() {
        steps.sort_by(|a, b| (a.started_at, &a.name, &a.origin).cmp(&(b.started_at, &b.name, &b.origin)));
        steps.dedup_by(|b, a| PipelineStep { origin: a.origin.clone(), ..b.clone() } == *a);
        for s in steps.iter_mut() {
            let defined = exec.definition.iter().flatten().find(|d| d.name == s.name);
            s.depends_on = defined.map(|d| d.depends_on.clone()).unwrap_or_default();
        }
    }
    if let Some(params) = exec.parameters.as_mut() {
        params.sort_by(|a, b| (&a.name, &a.value).cmp(&(&b.name, &b.value)));
        params.dedup();
        for p in params.iter_mut() {
            p.role = roles.parameter_role(&p.name);
        }
    }
    exec.parts.sort();
    exec.parts.dedup();
}
