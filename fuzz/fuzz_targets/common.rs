//! What every target does with files: load them as the CLI does (a file that fails is an error, never a panic).

/// Loads `files` and finishes the lineage; the result is dropped.
#[allow(dead_code)]
pub fn load(files: &[(&str, &[u8])]) {
    let _ = lineage(files);
}

/// The lineage of `files`, or `None` when one is refused.
pub fn lineage(files: &[(&str, &[u8])]) -> Option<lineage_core::Lineage> {
    let mut loader = lineage_core::Loader::new();
    for (name, bytes) in files {
        loader.add_file(name, bytes).ok()?;
    }
    loader.finish(&lineage_core::RoleTable::builtin()).ok()
}
