//! Lineage Audit's pure core: reads SageMaker lineage exports into a typed graph, queries it, and writes the
//! regulator's five answers.
//!
//! Pipeline: bytes of each input → [`import::Loader`] (parse, dedupe, join) → [`import::Lineage`] →
//! [`query`] (walks, paths) and [`narrative::report`] (answers, sentence, tree, gaps) → [`render`] (text, Markdown,
//! HTML) or `serde_json` (the JSON contract). Nothing here reads a file, a clock or the environment.

pub mod approvals;
pub mod check;
pub mod deployments;
pub mod document;
pub mod explore;
pub mod graph_layout;
pub mod import;
pub mod model;
pub mod narrative;
pub mod query;
pub mod render;
pub mod subgraph;
pub mod subject;
pub mod summary;
pub mod synth;
pub mod time;
pub mod user_file;

pub use document::{Document, Section};
pub use import::Loader;
pub use model::roles::{Role, RoleTable};
pub use model::{AssociationType, Graph, LineageType};
pub use model::{ImportError, Lineage};
pub use narrative::{answer, report, resolve_start, NarrativeError, Query, Report};

/// Loads named inputs (in the order given) into one lineage graph.
pub fn load<'a>(
    inputs: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    roles: &RoleTable,
) -> Result<Lineage, ImportError> {
    let mut loader = Loader::new();
    for (name, bytes) in inputs {
        loader.add_file(name, bytes)?;
    }
    loader.finish(roles)
}
