//! Turns the command line's files and directories into named byte buffers for lineage-core.

use std::path::{Path, PathBuf};

use lineage_core::{Lineage, Loader, RoleTable};

use crate::Failure;

/// Files named directly, plus every `.json`/`.jsonl` directly inside a named directory, in name order.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| Failure::input(format!("{}: cannot read: {e}", p.display())))?;
        if meta.is_dir() {
            let entries =
                std::fs::read_dir(p).map_err(|e| Failure::input(format!("{}: cannot list: {e}", p.display())))?;
            let mut files = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| Failure::input(format!("{}: cannot list: {e}", p.display())))?;
                let path = entry.path();
                let is_export = path.extension().is_some_and(|x| x == "json" || x == "jsonl");
                if is_export && path.is_file() {
                    files.push(path);
                }
            }
            if files.is_empty() {
                return Err(Failure::input(format!("{}: directory holds no .json or .jsonl file", p.display())));
            }
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

pub fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::input(format!("{}: cannot read: {e}", path.display())))
}

/// Reads and merges every input; the first bad file stops the load with its error.
pub fn load(paths: &[PathBuf], roles: &RoleTable) -> Result<Lineage, Failure> {
    let mut loader = Loader::new();
    for path in expand(paths)? {
        let bytes = read(&path)?;
        loader.add_file(&path.display().to_string(), &bytes).map_err(|e| Failure::input(e.to_string()))?;
    }
    loader.finish(roles).map_err(|e| Failure::input(e.to_string()))
}
