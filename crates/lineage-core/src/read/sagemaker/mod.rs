//! SageMaker's documents: QueryLineage pages and bundles ([`lineage`]), Describe*/List* responses of lineage
//! entities, jobs and packages ([`describe`]), operational records ([`operations`]) and Pipelines responses
//! ([`pipelines`]).

pub(crate) mod definition;
pub(crate) mod describe;
pub(crate) mod lineage;
pub(crate) mod operations;
pub(crate) mod pipelines;
