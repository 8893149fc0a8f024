//! The ground floor: the graph, its vertices, edges and roles, the operational records beside it, SageMaker
//! Pipelines executions and other systems' events, and what a load returns. It imports nothing of the core but
//! `time` and `user_file` (the role table is a user file); every floor above speaks its vocabulary.

pub mod audit;
pub mod dvc;
pub mod graph;
pub mod lineage;
pub mod openlineage;
pub mod pipeline;
pub mod record_rules;
pub mod records;
pub mod roles;
pub mod vocab;

pub use graph::{Edge, EntityDetails, Graph, Job, Join, ModelPackage, Node};
pub use lineage::{ImportError, ImportStats, InputFile, Lineage, Superseded};
pub use vocab::{
    group_and_version, package_short_name, person, person_name, resource_name, ApprovalStatus, AssociationType,
    LineageType, NumberMap, Origin, Role, System, TextMap, UserContext, MODEL_STEP,
};
