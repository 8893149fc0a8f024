//! The readers: bytes of one document in, typed values out ([`Described`], [`sagemaker::lineage::RawDoc`]), with
//! the file's JSON path in every error. One module per system; [`dispatch`] decides what a document is. Readers
//! import the JSON mechanics ([`json`], [`tree`]) and the model, never each other's dispatcher or the builder.

pub(crate) mod audit;
pub(crate) mod described;
pub(crate) mod dispatch;
pub(crate) mod dvc;
pub(crate) mod json;
pub mod limits;
pub(crate) mod mlflow;
pub(crate) mod openlineage;
pub(crate) mod sagemaker;
pub(crate) mod tree;

pub use dispatch::{parse_only, BothAtOnce};

/// Whether a file is one of a DVC repository's that the DVC reader reads (`dvc.yaml`, `dvc.lock`, `*.dvc`,
/// `params.yaml`, `.dvc/config`): the page lets these through from a dropped folder.
pub fn is_dvc_file(name: &str) -> bool {
    dvc::is_dvc_file(name)
}

/// Whether a file may be part of an audit table that is not JSON: a CSV file, or a DynamoDB export's gzip data
/// file (`*.json.gz`): the page lets these through too, as bytes.
pub fn is_audit_file(name: &str) -> bool {
    audit::is_csv(name) || audit::is_export_data(name)
}
