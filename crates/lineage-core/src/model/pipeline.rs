//! SageMaker Pipelines executions as the export records them: `DescribePipelineExecution`, the steps of
//! `ListPipelineExecutionSteps`, the parameters of `ListPipelineParametersForExecution` and the step graph of
//! `DescribePipelineDefinitionForExecution`, joined into one [`PipelineExecution`] at load.
//!
//! A model package names the execution that made it in `MetadataProperties.GeneratedBy`, and a `RegisterModel`
//! step names the package it registered; a step's job ARN is its trial component's source. A cached step
//! (`CacheHitResult`) ran nothing: its job ran in an earlier execution, which [`PipelineExecution::step_job`]
//! follows.

use serde::Serialize;

use super::vocab::{Origin, Role, UserContext};
use crate::time::Timestamp;

/// `PipelineExecutionStatus` and `StepStatus`: AWS's values, and any other the input names (kept as written).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunStatus {
    Starting,
    Executing,
    Stopping,
    Stopped,
    Failed,
    Succeeded,
    Other(String),
}

impl RunStatus {
    pub fn parse(s: &str) -> RunStatus {
        match s {
            "Starting" => RunStatus::Starting,
            "Executing" => RunStatus::Executing,
            "Stopping" => RunStatus::Stopping,
            "Stopped" => RunStatus::Stopped,
            "Failed" => RunStatus::Failed,
            "Succeeded" => RunStatus::Succeeded,
            other => RunStatus::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            RunStatus::Starting => "Starting",
            RunStatus::Executing => "Executing",
            RunStatus::Stopping => "Stopping",
            RunStatus::Stopped => "Stopped",
            RunStatus::Failed => "Failed",
            RunStatus::Succeeded => "Succeeded",
            RunStatus::Other(s) => s,
        }
    }

    /// Whether the run is over (its last-modified time is when it ended).
    pub fn ended(&self) -> bool {
        matches!(self, RunStatus::Stopped | RunStatus::Failed | RunStatus::Succeeded)
    }
}

impl Serialize for RunStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What a step ran: the key of its `Metadata` (`TrainingJob`, `RegisterModel`, …), any other kept as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepKind {
    TrainingJob,
    TuningJob,
    ProcessingJob,
    TransformJob,
    Model,
    RegisterModel,
    Condition,
    Other(String),
}

impl StepKind {
    pub fn parse(s: &str) -> StepKind {
        match s {
            "TrainingJob" => StepKind::TrainingJob,
            "TuningJob" => StepKind::TuningJob,
            "ProcessingJob" => StepKind::ProcessingJob,
            "TransformJob" => StepKind::TransformJob,
            "Model" => StepKind::Model,
            "RegisterModel" => StepKind::RegisterModel,
            "Condition" => StepKind::Condition,
            other => StepKind::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            StepKind::TrainingJob => "TrainingJob",
            StepKind::TuningJob => "TuningJob",
            StepKind::ProcessingJob => "ProcessingJob",
            StepKind::TransformJob => "TransformJob",
            StepKind::Model => "Model",
            StepKind::RegisterModel => "RegisterModel",
            StepKind::Condition => "Condition",
            StepKind::Other(s) => s,
        }
    }

    /// A step that trains the model (a training or tuning job).
    pub fn trains(&self) -> bool {
        matches!(self, StepKind::TrainingJob | StepKind::TuningJob)
    }
}

impl Serialize for StepKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One `PipelineExecutionStep`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PipelineStep {
    pub name: String,
    pub display_name: Option<String>,
    pub kind: Option<StepKind>,
    /// `Metadata.<kind>.Arn`: the job, model or model package the step ran or registered.
    pub arn: Option<String>,
    pub status: Option<RunStatus>,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    /// `CacheHitResult.SourcePipelineExecutionArn`: the step ran nothing; its job ran in that execution.
    pub cache_source: Option<String>,
    pub attempts: Option<u64>,
    pub failure_reason: Option<String>,
    /// `Metadata.Condition.Outcome`.
    pub outcome: Option<String>,
    /// The steps it waits for (`DependsOn` and property references in the definition); empty when the
    /// definition is not in the export.
    pub depends_on: Vec<String>,
    pub origin: Origin,
}

/// One pipeline parameter's value for an execution, and what the role table says it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PipelineParameter {
    pub name: String,
    pub value: String,
    /// `code_commit` for a parameter the role table marks as a commit (`GitCommit`, `*_commit`, …).
    pub role: Option<Role>,
}

/// One step of a pipeline definition and the steps it depends on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DefinedStep {
    pub name: String,
    /// The definition's `Type` (`Training`, `Processing`, `RegisterModel`, …).
    pub step_type: Option<String>,
    pub depends_on: Vec<String>,
}

/// One execution with everything the export holds about it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PipelineExecution {
    pub arn: String,
    pub pipeline_arn: Option<String>,
    pub display_name: Option<String>,
    pub status: Option<RunStatus>,
    pub failure_reason: Option<String>,
    pub created_at: Option<Timestamp>,
    pub modified_at: Option<Timestamp>,
    pub created_by: Option<UserContext>,
    /// `None`: no `ListPipelineExecutionSteps` response in the export.
    pub steps: Option<Vec<PipelineStep>>,
    /// `None`: no `ListPipelineParametersForExecution` response in the export.
    pub parameters: Option<Vec<PipelineParameter>>,
    /// `None`: no `DescribePipelineDefinitionForExecution` response in the export.
    pub definition: Option<Vec<DefinedStep>>,
    /// Where the `DescribePipelineExecution` response was read.
    pub origin: Origin,
    /// Where each steps page, parameters page and definition was read.
    pub parts: Vec<Origin>,
}

impl PipelineExecution {
    /// The pipeline's name (`…:pipeline/NAME/execution/ID`, or the pipeline ARN's last part).
    pub fn pipeline_name(&self) -> Option<&str> {
        let from_exec =
            self.arn.split_once(":pipeline/").and_then(|(_, r)| r.split_once("/execution/")).map(|(n, _)| n);
        from_exec.or_else(|| self.pipeline_arn.as_deref().and_then(|a| a.rsplit_once('/')).map(|(_, n)| n))
    }

    /// The execution's ID (the ARN's last part).
    pub fn id(&self) -> &str {
        execution_id(&self.arn)
    }

    /// When it ended: the last-modified time of an execution that is over.
    pub fn ended_at(&self) -> Option<Timestamp> {
        self.status.as_ref().filter(|s| s.ended()).and(self.modified_at)
    }

    pub fn steps(&self) -> &[PipelineStep] {
        self.steps.as_deref().unwrap_or_default()
    }

    pub fn step(&self, name: &str) -> Option<&PipelineStep> {
        self.steps().iter().find(|s| s.name == name)
    }
}

/// Whether `arn` names a pipeline execution (`arn:aws:sagemaker:REGION:ACCOUNT:pipeline/NAME/execution/ID`).
pub fn is_execution_arn(arn: &str) -> bool {
    arn.starts_with("arn:") && arn.split_once(":pipeline/").is_some_and(|(_, rest)| rest.contains("/execution/"))
}

/// An execution's ID: the last segment of its ARN (`…:pipeline/credit-train/execution/7x1k2` is `7x1k2`).
pub fn execution_id(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execution_arns_are_recognised() {
        assert!(is_execution_arn("arn:aws:sagemaker:eu-west-1:1:pipeline/credit/execution/abc"));
        assert!(!is_execution_arn("arn:aws:sagemaker:eu-west-1:1:pipeline/credit"));
        assert!(!is_execution_arn("pipeline/credit/execution/abc"));
    }
}
