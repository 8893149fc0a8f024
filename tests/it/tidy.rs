//! Tidy: every Rust source file says what it is for in a `//!` first line; files and functions are short; the core
//! has no import circle and no floor imports one above it; the faces walk the document, not the report.

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

/// The core's modules (a file is one; `mod.rs` is its folder's) and the modules each one's non-test code names
/// through `crate::…`, `super::…`, `self::…` or a child declared with `mod`.
fn core_imports() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let src = root().join("crates/lineage-core/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let module_of = |f: &std::path::Path| -> String {
        let rel = f.strip_prefix(&src).unwrap_or(f).with_extension("");
        let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        let parts = match parts.last().map(String::as_str) {
            Some("mod") | Some("lib") => &parts[..parts.len() - 1],
            _ => &parts[..],
        };
        parts.join("::")
    };
    let modules: std::collections::BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut out = std::collections::BTreeMap::new();
    for f in &files {
        let me = module_of(f);
        let is_folder = f.file_name().is_some_and(|n| n == "mod.rs" || n == "lib.rs");
        let text = crate::read_text(f);
        let code = non_test_code(&text);
        let mut names = std::collections::BTreeSet::new();
        for path in paths_in(&code) {
            let Some(resolved) = resolve_path(&me, is_folder, &path, &modules) else { continue };
            // The longest module that the path starts with.
            let mut segs: Vec<&str> = resolved.split("::").collect();
            while !segs.is_empty() && !modules.contains(&segs.join("::")) {
                segs.pop();
            }
            let target = segs.join("::");
            if !target.is_empty() && target != me {
                names.insert(target);
            }
        }
        out.insert(me, names);
    }
    out
}

/// `text` without comments and test code: a `#[cfg(test)] mod x;` line pair is dropped, and an inline
/// `#[cfg(test)]` module (at the end of a file, by convention) ends the code.
fn non_test_code(text: &str) -> String {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t == "#[cfg(test)]" {
            match lines.peek() {
                Some(next) if next.trim_end().ends_with(';') => {
                    lines.next();
                    continue;
                }
                _ => break,
            }
        }
        if !t.starts_with("//") {
            out.push(line);
        }
    }
    out.join("\n")
}

/// Every path of two or more segments in `code`, with `use` groups (`a::{b, c::d}`) expanded.
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        if boundary && (chars[i].is_alphabetic() || chars[i] == '_') {
            let (paths, end) = path_at(&chars, i, "");
            out.extend(paths.into_iter().filter(|p| p.contains("::")));
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The path (or, through a `{…}` group, the paths) starting at `chars[i]`, each prefixed by `prefix`.
fn path_at(chars: &[char], mut i: usize, prefix: &str) -> (Vec<String>, usize) {
    let mut path = prefix.to_owned();
    loop {
        let start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        path.extend(&chars[start..i]);
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            path.push_str("::");
            i += 2;
            if chars.get(i) == Some(&'{') {
                let mut out = Vec::new();
                i += 1;
                loop {
                    while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                        i += 1;
                    }
                    if i >= chars.len() || chars[i] == '}' {
                        return (out, i + 1);
                    }
                    let (inner, end) = path_at(chars, i, &path);
                    out.extend(inner);
                    i = end;
                    // Skip `as name` and anything else up to the next item of the group.
                    while i < chars.len() && chars[i] != ',' && chars[i] != '}' {
                        i += 1;
                    }
                }
            }
            continue;
        }
        return (vec![path.trim_end_matches("::").to_owned()], i);
    }
}

/// `path` as a module path from the crate root, or `None` when it names no module of the crate.
fn resolve_path(me: &str, is_folder: bool, path: &str, modules: &std::collections::BTreeSet<String>) -> Option<String> {
    let mut segs: Vec<&str> = path.split("::").collect();
    // The folder a relative path starts in: a file's parent module is `super`; `self` is the file itself.
    let mut base: Vec<&str> = if me.is_empty() { Vec::new() } else { me.split("::").collect() };
    match segs.first().copied() {
        Some("crate") => {
            segs.remove(0);
            base.clear();
        }
        Some("super") => {
            while segs.first() == Some(&"super") {
                segs.remove(0);
                base.pop();
            }
        }
        Some("self") => {
            segs.remove(0);
        }
        Some(first) => {
            // A child module declared in a folder's `mod.rs` (or a file's inline `mod`), named without `self::`.
            let child = if base.is_empty() { first.to_owned() } else { format!("{}::{first}", base.join("::")) };
            if !is_folder || !modules.contains(&child) {
                return None;
            }
        }
        None => return None,
    }
    base.extend(segs);
    Some(base.join("::"))
}

/// The floors of the core, lowest first: a module may import its own floor's modules and those below, never one
/// above. A module's floor is the first entry that is it or one of its folders.
const FLOORS: [&[&str]; 8] = [
    &["time", "user_file", "text"],
    &["model"],
    &["read"],
    &["build"],
    &["query", "subgraph", "approvals", "deployments", "summary", "subject", "packages", "impact"],
    &["narrative"],
    &["document", "graph_layout"],
    &["render", "explore", "check", "synth", ""],
];

fn floor_of(module: &str) -> Option<usize> {
    let top = module.split("::").next().unwrap_or("");
    FLOORS.iter().position(|floor| floor.contains(&top))
}

#[test]
fn the_core_has_no_import_circle_and_no_upward_import() {
    let imports = core_imports();
    assert!(imports.len() > 40, "only {} modules found: is the scan broken?", imports.len());
    assert!(imports.get("build::merge").is_some_and(|m| m.contains("read::described")), "{imports:?}");
    // Every module has a floor.
    let unplaced: Vec<&String> = imports.keys().filter(|m| floor_of(m).is_none()).collect();
    assert!(unplaced.is_empty(), "modules with no floor in FLOORS: {unplaced:?}");
    let mut upward = Vec::new();
    for (m, names) in &imports {
        for n in names {
            if floor_of(n) > floor_of(m) {
                upward.push(format!("{m} imports {n}, a floor above it"));
            }
        }
    }
    assert!(upward.is_empty(), "{}", upward.join("\n"));
    // A circle: a module that reaches itself through the imports.
    let mut circles = Vec::new();
    for start in imports.keys() {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((m, route)) = stack.pop() {
            for n in imports.get(&m).into_iter().flatten() {
                if n == start {
                    circles.push(format!("{} -> {start}", route.join(" -> ")));
                } else if seen.insert(n.clone()) {
                    let mut r = route.clone();
                    r.push(n.clone());
                    stack.push((n.clone(), r));
                }
            }
        }
    }
    circles.sort();
    circles.dedup();
    assert!(circles.is_empty(), "import circles in lineage-core:\n{}", circles.join("\n"));
}

#[test]
fn the_import_scan_reads_groups_and_relative_paths() {
    let code =
        "use crate::{model::graph::Graph, read::{json::At, tree}};\nuse super::state::Loader;\nfn f() { x::y(); }";
    let paths = paths_in(code);
    let gated =
        "use crate::a::B;\n#[cfg(test)]\nmod tests;\nuse crate::c::D;\n#[cfg(test)]\nmod t {\n    use crate::e::F;\n}";
    let kept = non_test_code(gated);
    assert!(kept.contains("crate::c::D") && !kept.contains("crate::e::F"), "{kept}");
    for want in ["crate::model::graph::Graph", "crate::read::json::At", "crate::read::tree", "super::state::Loader"] {
        assert!(paths.iter().any(|p| p == want), "{want} not in {paths:?}");
    }
    let modules: std::collections::BTreeSet<String> =
        ["build", "build::state", "build::merge", "read"].iter().map(|s| s.to_string()).collect();
    assert_eq!(
        resolve_path("build::merge", false, "super::state::Loader", &modules).as_deref(),
        Some("build::state::Loader")
    );
    assert_eq!(resolve_path("build", true, "merge::f", &modules).as_deref(), Some("build::merge::f"));
    assert_eq!(resolve_path("build::merge", false, "merge::f", &modules), None);
}

/// Every source file of the crates is at most 800 lines, and every function of the core at most 80 (counted as
/// `functions` counts), but those ARCHITECTURE.md names as table-driven exceptions.
#[test]
fn files_and_core_functions_are_short() {
    let mut files = Vec::new();
    rust_files(&root().join("crates"), &mut files);
    let long_files: Vec<String> = files
        .iter()
        .filter(|f| f.components().any(|c| c.as_os_str() == "src"))
        .map(|f| (f, crate::read_text(f).lines().count()))
        .filter(|(_, n)| *n > 800)
        .map(|(f, n)| format!("{}: {n} lines", f.display()))
        .collect();
    assert!(files.len() > 40, "only {} files", files.len());
    assert!(long_files.is_empty(), "files over 800 lines:\n{}", long_files.join("\n"));
    let mut core = Vec::new();
    rust_files(&root().join("crates/lineage-core/src"), &mut core);
    let architecture = crate::read_text(&root().join("ARCHITECTURE.md"));
    let (mut count, mut long) = (0, Vec::new());
    for f in &core {
        for (name, n) in functions(&crate::read_text(f)) {
            count += 1;
            let excused = architecture.contains(&format!("`{name}` is over 80 lines"));
            if n == 0 || (n > 80 && !excused) {
                long.push(format!("{}: fn {name}: {n} lines", f.display()));
            }
        }
    }
    assert!(count > 400, "only {count} functions found: is the counter broken?");
    let sample = "impl X {\n    pub(super) fn f(a: u8) -> u8 {\n        a\n    }\n}\nfn g() {}\nfn h() {\n  }\n";
    assert_eq!(functions(sample), [("f".to_owned(), 3), ("g".to_owned(), 1), ("h".to_owned(), 0)]);

    assert!(long.is_empty(), "lineage-core functions over 80 lines (0: no closing brace found):\n{}", long.join("\n"));
}
