//! CLI: each `tests/fixtures/cli/<case>.args` (one argument per line) is run through the `lineage` binary from
//! the repository root; exit code, standard output and standard error are compared with `tests/ref/cli/`.

use std::process::Command;

use crate::{expect_ref, file_name, root};

fn run(args: &[String]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("lineage: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn cli_cases() {
    for case in crate::cases("cli", 75, |p| p.extension().is_some_and(|e| e == "args")) {
        let args: Vec<String> = crate::read_text(&case).lines().map(str::to_owned).collect();
        let (code, stdout, stderr) = run(&args);
        let name = file_name(&case).trim_end_matches(".args").to_owned();
        let shown = format!("$ lineage {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}", args.join(" "));
        expect_ref("cli", &format!("{name}.txt"), &shown);
    }
}

#[test]
fn every_malformed_input_exits_2_without_a_panic() {
    for case in crate::cases("bad", 42, |_| true) {
        let (code, stdout, stderr) = run(&["inspect".into(), case.display().to_string()]);
        assert_eq!(code, 2, "{}: {stderr}", case.display());
        assert!(stdout.is_empty(), "{}", case.display());
        assert!(stderr.starts_with("error: "), "{}: {stderr}", case.display());
        assert!(!stderr.contains("panicked"), "{}: {stderr}", case.display());
    }
}

#[test]
fn output_files_and_stdout_get_the_same_bytes() {
    let dir = std::env::temp_dir().join(format!("lineage-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("r.json");
    let base: Vec<String> = ["report", "examples/credit-xgb", "--start", "credit-xgb/73", "--format", "json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (code, stdout, _) = run(&base);
    assert_eq!(code, 0);
    let mut with_file = base.clone();
    with_file.extend(["-o".to_owned(), out.display().to_string()]);
    let (code, to_stdout, _) = run(&with_file);
    assert_eq!((code, to_stdout.as_str()), (0, ""));
    assert_eq!(crate::read_text(&out), stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn synth_writes_a_loadable_export() {
    let dir = std::env::temp_dir().join(format!("lineage-synth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("s.json").display().to_string();
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (code, _, stderr) =
        run(&args(&["synth", "--models", "2", "--weeks", "3", "--raw-partitions", "1", "-o", &out]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, format!("wrote {out}: 80 vertices, 138 edges, 101 Describe responses\n"));
    let (code, stdout, stderr) = run(&args(&["report", &out, "--format", "json"]));
    assert_eq!(code, 0, "{stderr}");
    crate::narrative::assert_schema(&stdout);
    let (code, stdout, _) = run(&args(&["inspect", &out, "--format", "json"]));
    assert_eq!(code, 0);
    let inspected: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inspected["stats"]["descriptions"], 101, "{stdout}");
    // The lineage-only shape describes the start package's lineage alone.
    let (code, _, stderr) = run(&args(&["synth", "--models", "2", "--weeks", "3", "--lineage-only", "-o", &out]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.ends_with(", 9 Describe responses\n"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch folder for one test's outputs, removed at the end.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lineage-it-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn strings(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn outputs_take_their_format_from_the_file_name() {
    let dir = scratch("formats");
    let at = |f: &str| dir.join(f).display().to_string();
    let report = ["report", "examples/credit-xgb", "--start", "credit-xgb/73"];
    // -o x.pdf without --format is a PDF; x.md Markdown; x.json JSON.
    for (file, starts) in [("r.pdf", "%PDF-"), ("r.md", "# Lineage audit: "), ("r.json", "{")] {
        let mut args = strings(&report);
        args.extend(strings(&["--date", "2026-11-28", "-o", &at(file)]));
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 0, "{file}: {stderr}");
        let bytes = crate::read(&dir.join(file));
        assert!(bytes.starts_with(starts.as_bytes()), "{file} starts {:?}", String::from_utf8_lossy(&bytes[..20]));
    }
    // `check -o c.xml` is JUnit; `query -o q.json` JSON.
    let (code, _, _) = run(&strings(&["check", "examples/credit-xgb", "-o", &at("c.xml")]));
    assert_eq!(code, 1, "the example's fleet has failing packages");
    assert!(crate::read_text(&dir.join("c.xml")).starts_with("<?xml"));
    let (code, _, stderr) =
        run(&strings(&["query", "examples/credit-xgb", "--start", "credit-xgb/73", "-o", &at("q.json")]));
    assert_eq!(code, 0, "{stderr}");
    assert!(crate::read_text(&dir.join("q.json")).starts_with('{'));
    // An extension that contradicts --format is refused before anything is written.
    let (code, _, stderr) = run(&strings(&["check", "examples/credit-xgb", "--format", "md", "-o", &at("d.xml")]));
    assert_eq!(code, 2);
    assert!(stderr.contains("means --format junit, but --format md was given"), "{stderr}");
    assert!(!dir.join("d.xml").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_pdf_is_never_written_to_a_terminal() {
    // `script` (util-linux) runs the command with its standard output on a pseudo-terminal.
    let bin = env!("CARGO_BIN_EXE_lineage");
    let command = format!("{bin} report examples/credit-xgb --start credit-xgb/73 --format pdf --date 2026-11-28");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("script (util-linux) runs the command on a terminal: {e}"));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("refusing to write a PDF to a terminal: pass -o FILE.pdf"), "{shown}");
    assert!(!shown.contains("%PDF"), "{shown}");
}

/// Every option of every subcommand says what it is for: in `--help`, each option's heading line is followed by
/// a line of description (not only its default or possible values).
#[test]
fn every_option_has_help_text() {
    let mut options = 0;
    for sub in ["report", "check", "query", "inspect", "synth"] {
        let (code, help, _) = run(&strings(&[sub, "--help"]));
        assert_eq!(code, 0);
        let lines: Vec<&str> = help.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let heading =
                line.starts_with("  ") && (t.starts_with('-') || t.starts_with('<')) && line.len() - t.len() <= 6;
            if !heading {
                continue;
            }
            options += 1;
            // Short help stands on the heading's line (`<FILES>...  Export files…`), long help on the next.
            let inline = t.split_once("  ").map(|(_, d)| d.trim());
            let next = inline.filter(|d| !d.is_empty()).unwrap_or_else(|| lines.get(i + 1).map_or("", |l| l.trim()));
            assert!(
                !next.is_empty() && !next.starts_with('[') && !next.starts_with('-') && !next.starts_with('<'),
                "lineage {sub} --help: {t:?} has no help text"
            );
        }
    }
    assert!(options >= 35, "only {options} options seen");
}
