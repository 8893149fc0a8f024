//! Reads SageMaker Pipelines responses: `DescribePipelineExecution`, a `ListPipelineExecutionSteps` or
//! `ListPipelineParametersForExecution` page, `DescribePipelineDefinitionForExecution`, and the exporter's
//! `{"PipelineExecution": {…the four…}}` element that holds one execution's responses together. The AWS CLI
//! prints no execution ARN in the last three, so a loose one belongs to the execution described in the same
//! directory (decided in `Loader::finish`).

use serde_json::{Map, Value};

use super::definition::read_definition;
use crate::model::pipeline::{DefinedStep, PipelineExecution, PipelineStep, RunStatus, StepKind};
use crate::model::Origin;
use crate::read::described::{Described, PipelineDoc, PipelinePart};
use crate::read::json::{At, FieldError, Lost};

type Result<T> = std::result::Result<T, FieldError>;

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
    let mut lost = Vec::new();
    let part = if map.contains_key("PipelineExecutionArn") {
        PipelinePart::Execution(Box::new(execution(&at)?))
    } else if map.contains_key("PipelineExecutionSteps") {
        PipelinePart::Steps(steps(&at, &mut lost)?)
    } else if map.contains_key("PipelineParameters") {
        PipelinePart::Parameters(parameters(&at, &mut lost)?)
    } else if map.contains_key("PipelineDefinition") && !map.contains_key("PipelineArn") {
        PipelinePart::Definition(definition(&at)?)
    } else {
        return Ok(None);
    };
    let continued = continued(&at)?;
    let doc = PipelineDoc { execution: None, part, origin: origin(&at), continued, lost };
    Ok(Some(Described::Pipeline(vec![doc])))
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
        lost: Vec::new(),
    }];
    let mut add = |at: &At, part: PipelinePart, lost: Vec<(String, String)>| -> Result<()> {
        let continued = continued(at)?;
        docs.push(PipelineDoc { execution: arn.clone(), origin: origin(at), part, continued, lost });
        Ok(())
    };
    for (key, read) in [("ListPipelineExecutionSteps", true), ("ListPipelineParametersForExecution", false)] {
        for (i, page) in e.array(key)?.into_iter().enumerate() {
            let page = e.index(key, i, page)?;
            let mut lost = Vec::new();
            let part = if read {
                PipelinePart::Steps(steps(&page, &mut lost)?)
            } else {
                PipelinePart::Parameters(parameters(&page, &mut lost)?)
            };
            add(&page, part, lost)?;
        }
    }
    if let Some(d) = e.obj("DescribePipelineDefinitionForExecution")? {
        add(&d, PipelinePart::Definition(definition(&d)?), Vec::new())?;
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

/// The page's steps; a step that cannot be read (no `StepName`, a field of the wrong shape) is skipped into
/// `lost` and the others are read. Only a page whose list is not a list is refused.
fn steps(at: &At, lost: &mut Lost) -> Result<Vec<PipelineStep>> {
    at.each_element("PipelineExecutionSteps", lost, "the step is skipped (its status, times and job not read)", step)
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

/// The page's parameters; one that cannot be read (no `Name`) is skipped into `lost`.
fn parameters(at: &At, lost: &mut Lost) -> Result<Vec<(String, String)>> {
    at.each_element("PipelineParameters", lost, "the parameter is skipped", |p| {
        Ok((p.req_str("Name")?, p.str("Value")?.unwrap_or_default()))
    })
}

fn definition(at: &At) -> Result<Vec<DefinedStep>> {
    let text = at.req_str("PipelineDefinition")?;
    read_definition(&text).map_err(|message| FieldError { path: at.key_path("PipelineDefinition"), message })
}

/// The directory part of an input's name (`bundle/exec-1/steps.json` → `bundle/exec-1`).
pub(crate) fn directory(file: &str) -> &str {
    file.rsplit_once(['/', '\\']).map_or("", |(d, _)| d)
}
