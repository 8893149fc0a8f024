//! The vocabulary every floor above speaks: roles, lineage and association types, approval statuses, who did
//! what (`UserContext`), which system recorded a thing, and where in the input a record was read (`Origin`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The part a vertex plays in the regulator's story (see `roles.rs`, which decides it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ModelPackage,
    ModelGroup,
    TrainingJob,
    ProcessingJob,
    TransformJob,
    TrainingDataset,
    FeatureStoreVersion,
    ExclusionList,
    RawData,
    CodeCommit,
    Approval,
    Endpoint,
    Deployment,
    PipelineExecution,
    Image,
    ModelData,
    Other,
}

impl Role {
    pub const ALL: [Role; 17] = [
        Role::ModelPackage,
        Role::ModelGroup,
        Role::TrainingJob,
        Role::ProcessingJob,
        Role::TransformJob,
        Role::TrainingDataset,
        Role::FeatureStoreVersion,
        Role::ExclusionList,
        Role::RawData,
        Role::CodeCommit,
        Role::Approval,
        Role::Endpoint,
        Role::Deployment,
        Role::PipelineExecution,
        Role::Image,
        Role::ModelData,
        Role::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::ModelPackage => "model_package",
            Role::ModelGroup => "model_group",
            Role::TrainingJob => "training_job",
            Role::ProcessingJob => "processing_job",
            Role::TransformJob => "transform_job",
            Role::TrainingDataset => "training_dataset",
            Role::FeatureStoreVersion => "feature_store_version",
            Role::ExclusionList => "exclusion_list",
            Role::RawData => "raw_data",
            Role::CodeCommit => "code_commit",
            Role::Approval => "approval",
            Role::Endpoint => "endpoint",
            Role::Deployment => "deployment",
            Role::PipelineExecution => "pipeline_execution",
            Role::Image => "image",
            Role::ModelData => "model_data",
            Role::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A model package's `ModelApprovalStatus`: SageMaker's three values, and any other the input names (kept as
/// written, never guessed into one of the three). Serialised as AWS spells it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApprovalStatus {
    Approved,
    Rejected,
    PendingManualApproval,
    Other(String),
}

impl ApprovalStatus {
    pub fn parse(s: &str) -> ApprovalStatus {
        match s {
            "Approved" => ApprovalStatus::Approved,
            "Rejected" => ApprovalStatus::Rejected,
            "PendingManualApproval" => ApprovalStatus::PendingManualApproval,
            other => ApprovalStatus::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ApprovalStatus::Approved => "Approved",
            ApprovalStatus::Rejected => "Rejected",
            ApprovalStatus::PendingManualApproval => "PendingManualApproval",
            ApprovalStatus::Other(s) => s,
        }
    }
}

impl std::fmt::Display for ApprovalStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ApprovalStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// SageMaker's `LineageType` enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LineageType {
    Artifact,
    Action,
    Context,
    TrialComponent,
}

impl LineageType {
    pub const ALL: [LineageType; 4] =
        [LineageType::Artifact, LineageType::Action, LineageType::Context, LineageType::TrialComponent];

    pub fn as_str(self) -> &'static str {
        match self {
            LineageType::Artifact => "Artifact",
            LineageType::Action => "Action",
            LineageType::Context => "Context",
            LineageType::TrialComponent => "TrialComponent",
        }
    }

    /// Parses the API spelling (case-insensitive, so `--lineage-type artifact` works too).
    pub fn parse(s: &str) -> Option<LineageType> {
        LineageType::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s))
    }

    /// The lineage type an ARN's resource segment implies (`…:artifact/…` is an Artifact).
    pub fn from_arn(arn: &str) -> Option<LineageType> {
        let resource = arn.splitn(6, ':').nth(5)?;
        let kind = resource.split('/').next()?;
        match kind {
            "artifact" => Some(LineageType::Artifact),
            "action" => Some(LineageType::Action),
            "context" => Some(LineageType::Context),
            "experiment-trial-component" => Some(LineageType::TrialComponent),
            _ => None,
        }
    }
}

impl fmt::Display for LineageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// SageMaker's `AssociationEdgeType`, plus values outside the documented enum (kept, with a warning).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssociationType {
    ContributedTo,
    AssociatedWith,
    DerivedFrom,
    Produced,
    SameAs,
    /// Not a SageMaker association: a link the Describe* responses state (a training job's `ModelArtifacts` is
    /// the package's `ModelDataUrl`, a channel's S3 URI is the dataset) between stand-in vertices of an export
    /// that has no lineage for them.
    Described,
    Other(Box<str>),
}

impl AssociationType {
    /// The API spelling; the SDK's enum names (`SAME_AS`, `CONTRIBUTED_TO`) as some tools write them are read too.
    pub fn parse(s: &str) -> AssociationType {
        // The API spelling, as nearly every input writes it, without folding a copy (a bundle has millions).
        match s {
            "ContributedTo" => return AssociationType::ContributedTo,
            "AssociatedWith" => return AssociationType::AssociatedWith,
            "DerivedFrom" => return AssociationType::DerivedFrom,
            "Produced" => return AssociationType::Produced,
            "SameAs" => return AssociationType::SameAs,
            _ => {}
        }
        let folded: String = s.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
        match folded.as_str() {
            "contributedto" => AssociationType::ContributedTo,
            "associatedwith" => AssociationType::AssociatedWith,
            "derivedfrom" => AssociationType::DerivedFrom,
            "produced" => AssociationType::Produced,
            "sameas" => AssociationType::SameAs,
            _ => AssociationType::Other(s.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            AssociationType::ContributedTo => "ContributedTo",
            AssociationType::AssociatedWith => "AssociatedWith",
            AssociationType::DerivedFrom => "DerivedFrom",
            AssociationType::Produced => "Produced",
            AssociationType::SameAs => "SameAs",
            AssociationType::Described => "(stated by Describe* responses)",
            AssociationType::Other(s) => s,
        }
    }
}

impl Serialize for AssociationType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Who did something, as SageMaker's `UserContext` records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct UserContext {
    /// `IamIdentity.Arn`.
    pub iam_arn: Option<String>,
    /// `UserProfileName` (Studio user profile).
    pub user_profile: Option<String>,
    /// `UserProfileArn`.
    pub user_profile_arn: Option<String>,
}

impl UserContext {
    pub fn is_empty(&self) -> bool {
        self.iam_arn.is_none() && self.user_profile.is_none() && self.user_profile_arn.is_none()
    }

    /// The most specific human-readable identity.
    pub fn display(&self) -> Option<String> {
        match (&self.iam_arn, &self.user_profile) {
            (Some(arn), Some(profile)) => Some(format!("{arn} (user profile {profile})")),
            (Some(arn), None) => Some(arn.clone()),
            (None, Some(profile)) => Some(format!("user profile {profile}")),
            (None, None) => self.user_profile_arn.clone(),
        }
    }
}

/// An identity as a person reads it: `jane.doe (arn:aws:sts::1:assumed-role/Approver/jane.doe)` for an IAM ARN
/// that ends in a session or user name, so the person comes first and the ARN is the detail; anything else as it is.
pub fn person(id: &str) -> String {
    match person_name(id) {
        name if name != id => format!("{name} ({id})"),
        _ => id.to_owned(),
    }
}

/// The person an identity names: an IAM ARN's session or user name (`jane.doe`); anything else as it is.
pub fn person_name(id: &str) -> &str {
    match id.rsplit_once('/') {
        Some((_, name)) if id.starts_with("arn:") && !name.is_empty() => name,
        _ => id,
    }
}

/// A few named texts (properties, hyperparameters, …) in name order: a sorted vector, as small as the text it
/// holds (a `BTreeMap` node is half a kilobyte, and a large export holds a hundred thousand of these maps).
pub type TextMap = litemap::LiteMap<String, String>;

/// Named numbers (metrics) in name order; see [`TextMap`].
pub type NumberMap = litemap::LiteMap<String, f64>;

/// The text after the first `/` of an ARN's resource part (SageMaker's `get_resource_name_from_arn`).
pub fn resource_name(arn: &str) -> &str {
    match arn.split_once('/') {
        Some((_, rest)) if !rest.is_empty() => rest,
        _ => arn,
    }
}

/// A model package's group and version from its ARN (`…:model-package/GROUP/VERSION`): both absent for an
/// unversioned package, the version absent when it is not a number.
pub fn group_and_version(arn: &str) -> (Option<&str>, Option<u64>) {
    match resource_name(arn).rsplit_once('/') {
        Some((group, v)) => (Some(group), v.parse().ok()),
        None => (None, None),
    }
}

/// `GROUP/VERSION` for a versioned model package's ARN, else the ARN itself: how a package is named to users.
pub fn package_short_name(arn: &str) -> String {
    match group_and_version(arn) {
        (Some(group), Some(version)) if arn.contains(":model-package/") => format!("{group}/{version}"),
        _ => arn.to_owned(),
    }
}

/// The system that recorded a vertex or an association.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum System {
    #[default]
    SageMaker,
    OpenLineage,
    Marquez,
    MLflow,
    Dvc,
}

impl System {
    pub fn as_str(self) -> &'static str {
        match self {
            System::SageMaker => "SageMaker lineage",
            System::OpenLineage => "OpenLineage",
            System::Marquez => "Marquez",
            System::MLflow => "MLflow",
            System::Dvc => "DVC",
        }
    }
}

/// The property of another system's run that produced a model saying what it did with it: `training`,
/// `registration` (its model outputs are registry entries: model versions) or `copy`; decided once, at load.
pub const MODEL_STEP: &str = "model_step";

/// Where a record was read: the input file and, for `.jsonl`, its line; plus the JSON path inside the document.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: Option<usize>,
    /// JSON path inside the document (`Records[3]`); empty for the document itself.
    pub path: String,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if !self.path.is_empty() {
            write!(f, " at {}", self.path)?;
        }
        Ok(())
    }
}
