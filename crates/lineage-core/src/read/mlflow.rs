//! MLflow 3.x REST responses read into typed values.

/// The MLflow documents read so far (kept in the builder's state, assembled in `finish`).
#[derive(Default)]
pub(crate) struct MlflowParts {}
