//! The one integration-test binary: data fixtures in `tests/fixtures/<area>/`, expected outputs in
//! `tests/ref/<area>/`. `UPDATE_EXPECT=1 cargo nextest run` rewrites the expected outputs; review the diff.

mod audit;
mod bad_input;
mod check;
mod cli;
mod compare;
mod dvc;
mod example;
mod hostile;
mod import;
mod inference;
mod injection;
mod narrative;
mod order;
mod pdf;
mod readme;
mod real_shapes;
mod seal;
mod sign;
mod stepped;
mod tidy;

use std::path::{Path, PathBuf};

use lineage_core::{Lineage, Loader, RoleTable};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|e| panic!("repo root: {e}"))
}

pub fn fixtures(area: &str) -> PathBuf {
    root().join("tests/fixtures").join(area)
}

/// Compares `actual` with the committed expected output `tests/ref/<area>/<name>`.
pub fn expect_ref(area: &str, name: &str, actual: &str) {
    let path = root().join("tests/ref").join(area).join(name);
    expect_test::expect_file![path].assert_eq(actual);
}

/// A fixture file's bytes; a file that cannot be read fails the test, naming it.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fixture file's text; a file that cannot be read fails the test, naming it.
pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The cases of a fixture folder that `keep` selects, sorted by name: at least `min` of them, so an emptied or
/// misnamed folder fails instead of passing on nothing.
pub fn cases(area: &str, min: usize, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let found: Vec<PathBuf> = entries(&fixtures(area)).into_iter().filter(|p| keep(p)).collect();
    assert!(found.len() >= min, "tests/fixtures/{area} holds {} cases; expected at least {min}", found.len());
    found
}

/// The entries of a fixture folder, sorted by name.
pub fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.map(|e| e.path()).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    v.sort();
    v
}

pub fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Every file under `dir`, its subfolders included, sorted by path.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in entries(dir) {
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Loads a fixture file or folder (every file under it, by path), naming inputs by their path relative to the
/// folder, so a data-capture file keeps its S3 key layout `ENDPOINT/VARIANT/yyyy/mm/dd/hh/`.
pub fn load(path: &Path) -> Result<Lineage, String> {
    let (base, files) = if path.is_dir() { (path, files_under(path)) } else { (path, vec![path.to_path_buf()]) };
    let mut loader = Loader::new();
    for f in files {
        let name = match f.strip_prefix(base) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
            _ => file_name(&f),
        };
        let bytes = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        loader.add_file(&name, &bytes).map_err(|e| e.to_string())?;
    }
    loader.finish(&RoleTable::builtin()).map_err(|e| e.to_string())
}
