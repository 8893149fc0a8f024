//! The README shows real output: every `lineage` command in its shell blocks (and inline `lineage …` commands) is
//! run, and where a `text` block follows a command, its excerpt must be found in the command's output. An excerpt
//! may elide with `…` (a line of its own, or inside a line); whitespace and line breaks need not match, so the
//! README can wrap long lines. A command whose inputs only AWS can make is listed in `NEEDS_AWS`, and that list must
//! hold exactly the commands that were not run.

use std::process::Command;

use crate::root;

/// Commands the README shows on files made by the exporter against a real AWS account (not in the repository).
const NEEDS_AWS: [&str; 1] = ["lineage report credit-prod-bundle.json --inference loan-8231"];

/// A fenced block: its info string and its lines, with the line of the README it starts on.
struct Block {
    info: String,
    lines: Vec<String>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for line in readme.lines() {
        let t = line.trim_start();
        match (&mut open, t.strip_prefix("```")) {
            (None, Some(info)) => open = Some(Block { info: info.trim().to_owned(), lines: Vec::new() }),
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some(b), None) => b.lines.push(line.to_owned()),
            (None, None) => {}
        }
    }
    out
}

/// The `lineage` commands of a shell block, continuation lines joined, as the words after `lineage`.
fn commands(b: &Block) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in &b.lines {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.starts_with('#') {
            continue;
        }
        current.push_str(line.trim_end_matches('\\'));
        current.push(' ');
        if !line.ends_with('\\') {
            let c = current.split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some(args) = c.strip_prefix("cargo run --release -p lineage-cli -- ") {
                out.push(format!("lineage {args}"));
            } else if c.starts_with("lineage ") {
                out.push(c);
            }
            current.clear();
        }
    }
    out
}

/// Inline `` `lineage report …` `` commands of the prose.
fn inline_commands(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in readme.split('`').skip(1).step_by(2) {
        let sub = piece.split_whitespace().nth(1).unwrap_or("");
        if piece.starts_with("lineage ") && ["report", "check", "query", "inspect"].contains(&sub) {
            // A synopsis (`lineage report FILE…`) names no real file: only commands whose second word exists.
            let file = piece.split_whitespace().nth(2).unwrap_or("");
            if !file.is_empty() && root().join(file).exists() {
                out.push(piece.to_owned());
            }
        }
    }
    out
}

/// Runs `lineage ARGS` from the repository root, its `-o` file in a scratch folder; `None` when an input file the
/// command names is not in the repository.
fn run(command: &str, scratch: &std::path::Path) -> Option<(i32, String)> {
    let mut args: Vec<String> = command.split_whitespace().skip(1).map(str::to_owned).collect();
    // The files: the words after the subcommand, up to the first option.
    if args.iter().skip(1).take_while(|a| !a.starts_with('-')).any(|f| !root().join(f).exists()) {
        return None;
    }
    if let Some(i) = args.iter().position(|a| a == "-o").filter(|i| args.get(i + 1).is_some_and(|o| o != "-")) {
        args[i + 1] = scratch.join(&args[i + 1]).display().to_string();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(&args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{command}: {e}"));
    let code = out.status.code().unwrap_or(-1);
    Some((code, String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)))
}

/// Whitespace runs as one space.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether every piece of `excerpt` between elisions is found in `output`, in order.
fn shown_in(excerpt: &str, output: &str) -> Result<(), String> {
    let output = squeeze(output);
    let mut from = 0;
    for piece in squeeze(excerpt).split('…').map(str::trim).filter(|p| !p.is_empty()) {
        match output[from..].find(piece) {
            Some(at) => from += at + piece.len(),
            None => return Err(piece.to_owned()),
        }
    }
    Ok(())
}

#[test]
fn every_readme_command_runs_and_its_excerpt_is_real_output() {
    let readme = crate::read_text(&root().join("README.md"));
    let scratch = std::env::temp_dir().join(format!("lineage-readme-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap_or_else(|e| panic!("{e}"));
    let blocks = blocks(&readme);
    // Each command with the excerpt shown after it (a `text` block right after a one-command shell block).
    let mut shown: Vec<(String, Option<String>)> = Vec::new();
    for (i, b) in blocks.iter().enumerate().filter(|(_, b)| b.info == "sh") {
        let cmds = commands(b);
        let excerpt = blocks.get(i + 1).filter(|n| n.info == "text" && cmds.len() == 1).map(|n| n.lines.join("\n"));
        shown.extend(cmds.into_iter().map(|c| (c, excerpt.clone())));
    }
    shown.extend(inline_commands(&readme).into_iter().map(|c| (c, None)));
    let (mut ran, mut excerpts, mut not_run) = (0, 0, Vec::new());
    for (c, excerpt) in &shown {
        let Some((code, output)) = run(c, &scratch) else {
            not_run.push(c.clone());
            continue;
        };
        ran += 1;
        // `check` exits 1 when some package fails the policy (the example's fleet has such packages).
        let expected = if c.starts_with("lineage check") { [0, 1] } else { [0, 0] };
        assert!(expected.contains(&code), "README: `{c}` exits {code}:\n{output}");
        if let Some(excerpt) = excerpt {
            if let Err(missing) = shown_in(excerpt, &output) {
                panic!("README: the output of `{c}` does not show {missing:?}; it is:\n{output}");
            }
            excerpts += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    not_run.sort();
    not_run.dedup();
    let mut needs_aws: Vec<String> = NEEDS_AWS.iter().map(|s| s.to_string()).collect();
    needs_aws.sort();
    assert_eq!(not_run, needs_aws, "the README commands not run are exactly those that need AWS");
    assert!(ran >= 6, "only {ran} README commands ran");
    assert!(excerpts >= 2, "only {excerpts} README excerpts were compared");
}

#[test]
fn an_excerpt_is_matched_with_elisions_and_nothing_else() {
    let output =
        "1. Model version\n   Served by: arn:x/credit-xgb/73\n   Output:    0.8731\n5. Approval\n   Status history:\n";
    assert_eq!(shown_in("1. Model version\n…\n   Output: 0.8731", output), Ok(()));
    assert_eq!(shown_in("Served by: …/credit-xgb/73", output), Ok(()));
    assert_eq!(shown_in("   History:", output), Err("History:".to_owned()));
    assert_eq!(shown_in("Output: 0.8731\n…\n1. Model version", output), Err("1. Model version".to_owned()));
}

/// The hooks README's "Stable hooks" table lists, with when each is present: `section-{anchor}` stands for one
/// hook per report section.
pub fn stable_hooks() -> Vec<(String, String)> {
    let readme = crate::read_text(&root().join("README.md"));
    let table = readme.split("### Stable hooks").nth(1).unwrap_or_else(|| panic!("README has no Stable hooks section"));
    let mut out = Vec::new();
    for line in table.lines().skip_while(|l| !l.starts_with("| hook")).skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (hooks, present) = (cells[1], cells[cells.len() - 2]);
        for hook in hooks.split(", ") {
            let name = hook.trim_matches('`').split_whitespace().next().unwrap_or("").trim_matches('`');
            out.push((name.to_owned(), present.to_owned()));
        }
    }
    out
}

/// Every `data-testid` the page's source names, literal or from a `Some("…")`/`("…", …)` hook table.
fn source_hooks() -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for f in crate::files_under(&root().join("web/src")) {
        let text = crate::read_text(&f);
        for part in text.split("data-testid=\"").skip(1) {
            out.extend(part.split('"').next().map(str::to_owned));
        }
        // Hooks chosen in code (`testid` arguments, hook functions): a quoted kebab-case name passed as one.
        let chosen = |l: &&str| {
            let named = l.contains("Some(\"answer-") || l.contains("Some(\"gap-");
            named || (l.contains("testid") && !l.contains("data-testid=\"") && !l.contains("class="))
        };
        for line in text.lines().filter(chosen) {
            for part in line.split('"').skip(1).step_by(2) {
                if !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c == '-') && part.contains('-') {
                    out.insert(part.to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn every_stable_hook_is_in_the_page_and_every_hook_is_listed() {
    let listed = stable_hooks();
    assert!(listed.len() >= 60, "only {} hooks listed", listed.len());
    let source = source_hooks();
    let sources: String = crate::files_under(&root().join("web/src")).iter().map(|f| crate::read_text(f)).collect();
    let mut missing = Vec::new();
    for (hook, _) in &listed {
        let found = match hook.strip_suffix("{anchor}") {
            // `section-{anchor}`: the page writes `section-` + each section's anchor.
            Some(prefix) => {
                source.iter().any(|s| s.starts_with(prefix))
                    || crate::read_text(&root().join("web/src/app.rs")).contains("format!(\"section-{anchor}\")")
            }
            // A hook handed to a helper (`picker("From ", "compare-from", …)`) is a quoted literal of the source.
            None => source.contains(hook) || sources.contains(&format!("\"{hook}\"")),
        };
        if !found {
            missing.push(hook.clone());
        }
    }
    assert!(missing.is_empty(), "README lists hooks the page no longer has: {missing:?}");
    let names: std::collections::BTreeSet<&str> = listed.iter().map(|(h, _)| h.as_str()).collect();
    let unlisted: Vec<&String> =
        source.iter().filter(|s| !names.contains(s.as_str()) && !s.starts_with("section-")).collect();
    assert!(unlisted.is_empty(), "the page has hooks README's Stable hooks does not list: {unlisted:?}");
}
