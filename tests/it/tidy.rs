//! Tidy: every Rust source file says what it is for in a `//!` first line.

use crate::{entries, root};

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for p in entries(dir) {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_module_starts_with_a_doc_line() {
    let mut files = Vec::new();
    rust_files(&root().join("crates"), &mut files);
    rust_files(&root().join("tests/it"), &mut files);
    rust_files(&root().join("web/src"), &mut files);
    let missing: Vec<String> =
        files.iter().filter(|f| !crate::read_text(f).starts_with("//!")).map(|f| f.display().to_string()).collect();
    assert!(files.len() > 10);
    assert!(missing.is_empty(), "no //! first line: {missing:?}");
}
