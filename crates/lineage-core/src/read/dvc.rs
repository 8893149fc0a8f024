//! DVC: a repository's `dvc.yaml`, `dvc.lock`, `*.dvc` files, params and metrics files, read into typed values.

/// Whether a file is one of a DVC repository's own (read by this module, not as JSON).
pub(crate) fn is_dvc_file(name: &str) -> bool {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    matches!(file, "dvc.yaml" | "dvc.lock") || file.ends_with(".dvc")
}

/// The DVC files read so far (kept in the builder's state, assembled in `finish`).
#[derive(Default)]
pub(crate) struct DvcParts {}

impl DvcParts {
    /// Keeps a document no reader claimed, which a `dvc.yaml` may name as a metrics file.
    pub(crate) fn unclaimed(&mut self, _name: &str, _line: Option<usize>, _bytes: &[u8]) {}
}
