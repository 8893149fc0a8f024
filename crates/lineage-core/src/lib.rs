//! Lineage Audit's pure core: reads lineage exports into a typed graph, queries it, and writes the regulator's five
//! answers.
//!
//! Floors, bottom up: [`text`], [`time`], [`user_file`] → [`model`] (the vocabulary) → [`read`] (bytes → typed
//! documents) → [`build`] ([`build::Loader`]: documents → [`model::Lineage`]) → services ([`query`], [`deploy`],
//! [`approvals`], …) → [`narrative`] (the [`Report`]) → [`document`] (the [`Document`] every face walks) → faces
//! ([`render`]: text, Markdown, HTML; [`explore`], [`check`]). Nothing here reads a file, a clock or the environment.

pub mod approvals;
pub mod build;
pub mod check;
pub mod deployments;
pub mod document;
pub mod explore;
pub mod graph_layout;
pub mod impact;
pub mod model;
pub mod narrative;
pub mod packages;
pub mod query;
pub mod read;
pub mod render;
pub mod subgraph;
pub mod subject;
pub mod summary;
pub mod synth;
pub mod text;
pub mod time;
pub mod user_file;

pub use build::Loader;
pub use document::{Document, Section};
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
