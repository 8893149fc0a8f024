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
    for case in crate::cases("cli", 61, |p| p.extension().is_some_and(|e| e == "args")) {
        let args: Vec<String> = crate::read_text(&case).lines().map(str::to_owned).collect();
        let (code, stdout, stderr) = run(&args);
        let name = file_name(&case).trim_end_matches(".args").to_owned();
        let shown = format!("$ lineage {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}", args.join(" "));
        expect_ref("cli", &format!("{name}.txt"), &shown);
    }
}

#[test]
fn every_malformed_input_exits_2_without_a_panic() {
    for case in crate::cases("bad", 41, |_| true) {
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
