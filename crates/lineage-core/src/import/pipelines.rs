//! Reads SageMaker Pipelines responses: `DescribePipelineExecution`, a `ListPipelineExecutionSteps` or
//! `ListPipelineParametersForExecution` page, `DescribePipelineDefinitionForExecution`, and the exporter's
//! `{"PipelineExecution": {…the four…}}` element that holds one execution's responses together. The AWS CLI
//! prints no execution ARN in the last three, so a loose one belongs to the execution described in the same
//! directory (decided in `Loader::finish`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::describe::{At, Described, FieldError};
use super::ImportError;
use crate::model::pipeline::{
    read_definition, DefinedStep, PipelineExecution, PipelineParameter, PipelineStep, RunStatus, StepKind,
};
use crate::model::records::Records;
use crate::model::roles::RoleTable;
use crate::model::Origin;

type Result<T> = std::result::Result<T, FieldError>;

/// One pipeline response, and the execution it belongs to when the document says (the exporter's element).
#[derive(Debug)]
pub(crate) struct PipelineDoc {
    pub execution: Option<String>,
    pub part: PipelinePart,
    pub origin: Origin,
    /// A list page whose `NextToken` says another page follows.
    pub continued: bool,
}

#[derive(Debug)]
pub(crate) enum PipelinePart {
    Execution(Box<PipelineExecution>),
    Steps(Vec<PipelineStep>),
    Parameters(Vec<(String, String)>),
    Definition(Vec<DefinedStep>),
}

impl PipelinePart {
    /// The operation whose response this is.
    pub fn operation(&self) -> &'static str {
        match self {
            PipelinePart::Execution(_) => "DescribePipelineExecution",
            PipelinePart::Steps(_) => "ListPipelineExecutionSteps",
            PipelinePart::Parameters(_) => "ListPipelineParametersForExecution",
            PipelinePart::Definition(_) => "DescribePipelineDefinitionForExecution",
        }
    }
}

/// The keys of the exporter's element, in the order they are read.
const ELEMENT_KEYS: [&str; 4] = [
    "DescribePipelineExecution",
    "ListPipelineExecutionSteps",
    "ListPipelineParametersForExecution",
    "DescribePipelineDefinitionForExecution",
];

/// Recognises a pipeline response; `None` for any other document.
pub(crate) fn pipeline(map: &Map<String, Value>, path: &str) -> Result<Option<Described>> {
    let at = At { map, path: path.to_owned() };
    if map.contains_key("PipelineExecution") {
        return element(&at).map(|docs| Some(Described::Pipeline(docs)));
    }
    let part = if map.contains_key("PipelineExecutionArn") {
        PipelinePart::Execution(Box::new(execution(&at)?))
    } else if map.contains_key("PipelineExecutionSteps") {
        PipelinePart::Steps(steps(&at)?)
    } else if map.contains_key("PipelineParameters") {
        PipelinePart::Parameters(parameters(&at)?)
    } else if map.contains_key("PipelineDefinition") && !map.contains_key("PipelineArn") {
        PipelinePart::Definition(definition(&at)?)
    } else {
        return Ok(None);
    };
    let continued = continued(&at)?;
    Ok(Some(Described::Pipeline(vec![PipelineDoc { execution: None, part, origin: origin(&at), continued }])))
}

fn continued(at: &At) -> Result<bool> {
    Ok(at.str("NextToken")?.is_some_and(|t| !t.is_empty()))
}

fn origin(at: &At) -> Origin {
    Origin { file: String::new(), line: None, path: at.path.clone() }
}

/// `{"PipelineExecution": {"DescribePipelineExecution": {…}, "ListPipelineExecutionSteps": [pages], …}}`.
fn element(at: &At) -> Result<Vec<PipelineDoc>> {
    let Some(e) = at.obj("PipelineExecution")? else {
        return Err(FieldError {
            path: at.key_path("PipelineExecution"),
            message: "expected an object, found null".into(),
        });
    };
    if let Some(other) = e.map.keys().find(|k| !ELEMENT_KEYS.contains(&k.as_str())) {
        return Err(FieldError {
            path: e.key_path(other),
            message: format!("unexpected key in a PipelineExecution element; expected {}", ELEMENT_KEYS.join(", ")),
        });
    }
    let Some(described) = e.obj("DescribePipelineExecution")? else {
        return Err(FieldError {
            path: e.key_path("DescribePipelineExecution"),
            message: "required field is missing (the execution's DescribePipelineExecution response)".into(),
        });
    };
    let exec = execution(&described)?;
    let arn = Some(exec.arn.clone());
    let mut docs = vec![PipelineDoc {
        // The element says whose responses these are: none is tied to an execution by its directory.
        execution: arn.clone(),
        origin: origin(&described),
        part: PipelinePart::Execution(Box::new(exec)),
        continued: false,
    }];
    let mut add = |at: &At, part: PipelinePart| -> Result<()> {
        let continued = continued(at)?;
        docs.push(PipelineDoc { execution: arn.clone(), origin: origin(at), part, continued });
        Ok(())
    };
    for (key, read) in [("ListPipelineExecutionSteps", true), ("ListPipelineParametersForExecution", false)] {
        for (i, page) in e.array(key)?.into_iter().enumerate() {
            let page = e.index(key, i, page)?;
            let part =
                if read { PipelinePart::Steps(steps(&page)?) } else { PipelinePart::Parameters(parameters(&page)?) };
            add(&page, part)?;
        }
    }
    if let Some(d) = e.obj("DescribePipelineDefinitionForExecution")? {
        add(&d, PipelinePart::Definition(definition(&d)?))?;
    }
    Ok(docs)
}

fn execution(at: &At) -> Result<PipelineExecution> {
    Ok(PipelineExecution {
        arn: at.req_str("PipelineExecutionArn")?,
        pipeline_arn: at.str("PipelineArn")?,
        display_name: at.str("PipelineExecutionDisplayName")?,
        status: at.str("PipelineExecutionStatus")?.map(|s| RunStatus::parse(&s)),
        failure_reason: at.str("FailureReason")?,
        created_at: at.time("CreationTime")?,
        modified_at: at.time("LastModifiedTime")?,
        created_by: at.user("CreatedBy")?,
        steps: None,
        parameters: None,
        definition: None,
        origin: origin(at),
        parts: Vec::new(),
    })
}

fn steps(at: &At) -> Result<Vec<PipelineStep>> {
    let mut out = Vec::new();
    for (i, item) in at.array("PipelineExecutionSteps")?.into_iter().enumerate() {
        out.push(step(&at.index("PipelineExecutionSteps", i, item)?)?);
    }
    Ok(out)
}

fn step(at: &At) -> Result<PipelineStep> {
    let mut s = PipelineStep {
        // The service model allows an empty name: only a missing one is refused.
        name: at.str("StepName")?.ok_or_else(|| FieldError {
            path: at.key_path("StepName"),
            message: "required field is missing (expected a string)".into(),
        })?,
        display_name: at.str("StepDisplayName")?,
        kind: None,
        arn: None,
        status: at.str("StepStatus")?.map(|s| RunStatus::parse(&s)),
        started_at: at.time("StartTime")?,
        ended_at: at.time("EndTime")?,
        cache_source: at.obj("CacheHitResult")?.map(|c| c.str("SourcePipelineExecutionArn")).transpose()?.flatten(),
        // Shown only: a value that is not a whole number is left out rather than refused.
        attempts: at.get("AttemptCount").and_then(Value::as_u64),
        failure_reason: at.str("FailureReason")?,
        outcome: None,
        depends_on: Vec::new(),
        origin: origin(at),
    };
    if let Some(meta) = at.obj("Metadata")? {
        // One key names what the step ran; the service model allows one (keys in name order if a tool wrote more).
        if let Some((key, value)) = meta.map.iter().find(|(_, v)| v.is_object()) {
            let inner = meta.child(key, value)?;
            s.kind = Some(StepKind::parse(key));
            s.arn = inner.str("Arn")?;
            s.outcome = inner.str("Outcome")?;
        }
    }
    Ok(s)
}

fn parameters(at: &At) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (i, item) in at.array("PipelineParameters")?.into_iter().enumerate() {
        let p = at.index("PipelineParameters", i, item)?;
        out.push((p.req_str("Name")?, p.str("Value")?.unwrap_or_default()));
    }
    Ok(out)
}

fn definition(at: &At) -> Result<Vec<DefinedStep>> {
    let text = at.req_str("PipelineDefinition")?;
    read_definition(&text).map_err(|message| FieldError { path: at.key_path("PipelineDefinition"), message })
}

/// The directory part of an input's name (`bundle/exec-1/steps.json` → `bundle/exec-1`).
pub(crate) fn directory(file: &str) -> &str {
    file.rsplit_once(['/', '\\']).map_or("", |(d, _)| d)
}

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
