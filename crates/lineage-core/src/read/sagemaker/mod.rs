//! SageMaker's documents: QueryLineage pages and bundles ([`lineage`]), Describe*/List* responses of lineage
//! entities, jobs and packages ([`describe`]), operational records ([`operations`]) and Pipelines responses
//! ([`pipelines`]); a large document read a piece at a time ([`stepped`]).

pub(crate) mod definition;
pub(crate) mod describe;
pub(crate) mod lineage;
pub(crate) mod operations;
pub(crate) mod pipelines;
pub(crate) mod stepped;
