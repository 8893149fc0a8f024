//! What one document said, as typed values ([`Described`]): the readers' common output, which the builder merges.

use crate::model::pipeline::{DefinedStep, PipelineExecution, PipelineStep};
use crate::model::records::{
    CaptureRecord, EndpointConfigDescription, EndpointDescription, ModelDescription, PackageStateEvent, TrailEvent,
};
use crate::model::{AssociationType, EntityDetails, Job, LineageType, ModelPackage, Origin};

/// What one Describe*/ListAssociations document said.
#[derive(Debug)]
pub(crate) enum Described {
    Entity {
        arn: String,
        lineage_type: LineageType,
        entity_type: Option<String>,
        details: Box<EntityDetails>,
    },
    TrainingJob(Box<Job>),
    ProcessingJob(Box<Job>),
    ModelPackage(Box<ModelPackage>),
    /// A ListAssociations response: its summaries, and those that could not be read (each skipped).
    Associations {
        items: Vec<AssociationSummary>,
        lost: crate::read::json::Lost,
    },
    Capture(Box<CaptureRecord>),
    Endpoint(Box<EndpointDescription>),
    EndpointConfig(Box<EndpointConfigDescription>),
    Model(Box<ModelDescription>),
    FeatureGroup(Box<crate::model::records::FeatureGroupDescription>),
    /// CloudTrail records of SageMaker calls, and how many records of other services were skipped.
    Trail {
        events: Vec<TrailEvent>,
        other_services: usize,
        /// Records that could not be read, each skipped.
        lost: crate::read::json::Lost,
    },
    PackageEvent(Box<PackageStateEvent>),
    /// A recognised document that carries nothing the report uses; the message becomes a warning.
    Ignored(String),
    /// ListArtifacts/ListActions/ListContexts: `Entity` summaries, not descriptions, and the summaries that could
    /// not be read (each skipped).
    Listed {
        items: Vec<Described>,
        lost: crate::read::json::Lost,
    },
    /// SageMaker Pipelines responses (one, or an exporter element's four).
    Pipeline(Vec<PipelineDoc>),
    /// OpenLineage events, or what a Marquez response says as events.
    Lineage {
        events: Vec<crate::model::openlineage::Event>,
        lost: crate::read::json::Lost,
    },
    /// What an MLflow response holds (runs, model versions, aliases, logged models, an experiment).
    Mlflow {
        docs: Vec<crate::read::mlflow::MlflowDoc>,
        lost: crate::read::json::Lost,
    },
    /// An audit-table document: a DynamoDB Scan response, an export line or manifest, the column map.
    Audit(crate::read::audit::AuditDoc),
}

/// One `AssociationSummary`.
#[derive(Debug)]
pub(crate) struct AssociationSummary {
    pub source: String,
    pub destination: String,
    pub source_type: Option<String>,
    pub destination_type: Option<String>,
    pub source_name: Option<String>,
    pub destination_name: Option<String>,
    pub association_type: Option<AssociationType>,
}

impl Described {
    /// Sets the digest of the whole response where a description keeps one.
    pub(crate) fn set_digest(&mut self, digest: impl FnOnce() -> [u8; 32]) {
        match self {
            Described::Entity { details, .. } if details.described => details.digest = digest(),
            Described::TrainingJob(j) | Described::ProcessingJob(j) => j.digest = digest(),
            Described::ModelPackage(p) => p.digest = digest(),
            _ => {}
        }
    }
}

/// One pipeline response, and the execution it belongs to when the document says (the exporter's element).
#[derive(Debug)]
pub(crate) struct PipelineDoc {
    pub execution: Option<String>,
    pub part: PipelinePart,
    pub origin: Origin,
    /// A list page whose `NextToken` says another page follows.
    pub continued: bool,
    /// Elements of a list that could not be read, each skipped (its JSON path and what was lost): one odd step
    /// does not sink the page.
    pub lost: crate::read::json::Lost,
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
