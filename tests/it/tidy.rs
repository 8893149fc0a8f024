//! Tidy: every Rust source file says what it is for in a `//!` first line; the narrative's functions are short; the
//! faces walk the document, not the report.

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

/// Each function of `text` and its length, counted from the `fn` line to the closing brace at its indent (1 for a
/// one-line function; 0 when there is none: a brace not where rustfmt puts it).
fn functions(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let unscoped = match body.strip_prefix("pub(") {
            Some(scoped) => scoped.split_once(") ").map_or(body, |(_, rest)| rest),
            None => body.strip_prefix("pub ").unwrap_or(body),
        };
        let Some(rest) = unscoped.strip_prefix("fn ") else { continue };
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if body.ends_with('}') {
            out.push((name, 1));
            continue;
        }
        let close = format!("{indent}}}");
        let length = lines[i..].iter().position(|l| *l == close).map_or(0, |end| end + 1);
        out.push((name, length));
    }
    out
}

#[test]
fn narrative_functions_are_short() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/lineage-core/src/narrative"), &mut files);
    assert!(files.len() >= 5, "{files:?}");
    let (mut count, mut long) = (0, Vec::new());
    for f in &files {
        for (name, n) in functions(&crate::read_text(f)) {
            count += 1;
            if n == 0 || n > 80 {
                long.push(format!("{}: fn {name}: {n} lines", f.display()));
            }
        }
    }
    assert!(count > 50, "only {count} functions found: is the counter broken?");
    assert!(long.is_empty(), "functions over 80 lines (0: no closing brace found):\n{}", long.join("\n"));
    let sample = "impl X {\n    pub(super) fn f(a: u8) -> u8 {\n        a\n    }\n}\nfn g() {}\nfn h() {\n  }\n";
    assert_eq!(functions(sample), [("f".to_owned(), 3), ("g".to_owned(), 1), ("h".to_owned(), 0)]);
}

/// The faces walk the `Document`: none reads the report's answers or gaps, so no face can word a section its own way.
#[test]
fn no_face_reads_the_report() {
    let faces = ["crates/lineage-core/src/render.rs", "crates/lineage-pdf/src/layout.rs", "web/src/app.rs"];
    for face in faces {
        let text = crate::read_text(&root().join(face));
        assert!(text.contains("Block::"), "{face} no longer walks Document blocks: is the list of faces stale?");
        for field in [".answers", ".gaps", ".tree.", ".superseded", "narrative::"] {
            assert!(!text.contains(field), "{face} reads the report's `{field}`: make it a block of the document");
        }
    }
}
