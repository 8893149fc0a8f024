//! DVC with its git history: the example's work tree with the fixture's git directory put back as `.git`, read by
//! `lineage report`: the commit that last changed `dvc.lock`, its author and date are in the code answer, and the
//! author is never the approver.

use std::path::Path;
use std::process::Command;

use crate::root;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
        }
    }
}

fn report(dir: &Path, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(["report", &dir.display().to_string(), "--format", format])
        .output()
        .unwrap_or_else(|e| panic!("lineage: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The example with its `.git` in a fresh temporary folder (named like the example, so the repository name is).
fn repository(tag: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let scratch = std::env::temp_dir().join(format!("lineage-dvc-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let dir = scratch.join("credit-xgb-dvc");
    copy_dir(&root().join("examples/credit-xgb-dvc"), &dir);
    copy_dir(&root().join("tests/fixtures/dvc/credit-xgb-dvc.git"), &dir.join(".git"));
    (scratch, dir)
}

const COMMIT: &str = "b9d3e802859b7506df015f805deba99992220535";

#[test]
fn the_commit_that_last_changed_dvc_lock_is_the_code_and_its_author_approves_nothing() {
    let (scratch, dir) = repository("git");
    let text = report(&dir, "text");
    // HEAD (c155211…) only changed README.md: the lineage commit is the one before it.
    assert!(text.contains(COMMIT), "{text}");
    assert!(!text.contains("c155211d70920898b1384f0ef76aa3eee4f903a3"), "{text}");
    assert!(text.contains("by Dana Data <dana.data@bank.example> on 2027-03-09T15:45:00+01:00"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&report(&dir, "json")).unwrap_or_else(|e| panic!("{e}"));
    let validator = crate::narrative::schema_validator();
    let errors: Vec<String> = validator.iter_errors(&json).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "the report breaks schema/report.schema.json: {errors:?}");
    let answers = &json["answers"];
    assert_eq!(answers["approval"], serde_json::Value::Null, "{answers}");
    let code = answers["code"].to_string();
    assert!(code.contains(COMMIT), "{code}");
    let approval_section = text.split("5. Approval").nth(1).and_then(|s| s.split("\nCode").next()).unwrap_or("");
    assert!(!approval_section.contains("Dana"), "{approval_section}");
    let gaps: Vec<&str> = text.lines().filter(|l| l.contains("(approval)")).collect();
    assert!(gaps.iter().all(|g| !g.contains("Dana")), "{gaps:?}");
    // A dvc.lock changed since that commit is not the commit's run: the commit is not recorded, and says why.
    let lock = dir.join("dvc.lock");
    let changed = std::fs::read_to_string(&lock).unwrap_or_default().replace("max_depth: 6", "max_depth: 7");
    std::fs::write(&lock, changed).unwrap_or_else(|e| panic!("{e}"));
    let text = report(&dir, "text");
    assert!(text.contains("dvc.lock has uncommitted changes"), "{text}");
    assert!(text.contains("dvc.lock: uncommitted changes"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&report(&dir, "json")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json["answers"]["code"][0]["commit"], serde_json::Value::Null, "{}", json["answers"]["code"]);
    let _ = std::fs::remove_dir_all(&scratch);
}
