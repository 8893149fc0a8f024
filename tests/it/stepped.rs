//! The page's stepped read (`Workspace` reading large JSON objects a few megabytes a step, and passing over the
//! vertices in `finish` a range a step: here one vertex a step) gives what the whole read gives: the same lineage, to the last node index and warning, or the same refusal. Every fixture file is
//! read both ways alone, every fixture folder together, and each JSON object again with its keys sorted (which puts
//! `Edges` before `Vertices`, an order the stepped read hands back to the whole read).

use std::path::Path;

use lineage_core::build::steps::Workspace;
use lineage_core::RoleTable;

use crate::{entries, file_name, files_under, read, root};

/// The merge of `files` in a workspace that reads every JSON object file a step at a time (`stepped`) or none.
fn merged(files: &[(String, Vec<u8>)], stepped: bool) -> String {
    let mut w = Workspace::new();
    w.set_stepped_from(if stepped { 0 } else { usize::MAX });
    w.set_vertices_per_step(if stepped { 1 } else { usize::MAX });
    let files = files.iter().map(|(n, b)| (n.clone(), b.clone(), Some("sha".to_owned()))).collect();
    let (lineage, refused) = w.add(files, &RoleTable::builtin());
    arns_sorted(&format!("{lineage:#?}\nrefused: {refused:#?}"))
}

/// `text` with the entries of the graph's ARN index sorted: a hash map, whose order follows its capacity (the
/// whole read reserves a page's vertices at once, the stepped read cannot), not what it holds.
fn arns_sorted(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        out.push(line.to_owned());
        if line.trim_end().ends_with("by_arn: {") {
            let close = format!("{}}},", &line[..line.len() - line.trim_start().len()]);
            let mut index: Vec<&str> = lines.by_ref().take_while(|l| *l != close).collect();
            index.sort_unstable();
            out.extend(index.into_iter().map(str::to_owned));
            out.push(close);
        }
    }
    out.join("\n")
}

/// Whether the two reads of `files` agree; the first difference otherwise.
fn same(files: &[(String, Vec<u8>)]) -> Result<(), String> {
    let (whole, stepped) = (merged(files, false), merged(files, true));
    if whole == stepped {
        return Ok(());
    }
    let first = whole.lines().zip(stepped.lines()).position(|(a, b)| a != b).unwrap_or(0);
    let line = |t: &str| t.lines().nth(first).unwrap_or("").to_owned();
    Err(format!("line {first}: whole {:?}, stepped {:?}", line(&whole), line(&stepped)))
}

/// The file's JSON object with its keys sorted at every level, when it is one.
fn keys_sorted(bytes: &[u8]) -> Option<Vec<u8>> {
    match serde_json::from_slice::<serde_json::Value>(bytes).ok()? {
        v @ serde_json::Value::Object(_) => serde_json::to_vec(&v).ok(),
        _ => None,
    }
}

fn named(dir: &Path, files: &[std::path::PathBuf]) -> Vec<(String, Vec<u8>)> {
    let name = |p: &Path| p.strip_prefix(dir).map_or_else(|_| file_name(p), |r| r.display().to_string());
    files.iter().map(|p| (name(p), read(p))).collect()
}

#[test]
fn the_stepped_read_gives_the_whole_reads_lineage_or_refusal() {
    let fixtures = root().join("tests/fixtures");
    let mut failures = Vec::new();
    let (mut alone, mut sorted, mut folders) = (0, 0, 0);
    for area in entries(&fixtures).into_iter().filter(|p| p.is_dir()) {
        for case in entries(&area) {
            let files = if case.is_dir() { files_under(&case) } else { vec![case.clone()] };
            let files = named(&area, &files);
            if files.len() > 1 {
                folders += 1;
                same(&files).unwrap_or_else(|e| failures.push(format!("{}: {e}", case.display())));
            }
            for (name, bytes) in &files {
                alone += 1;
                let one = [(name.clone(), bytes.clone())];
                same(&one).unwrap_or_else(|e| failures.push(format!("{}/{name}: {e}", area.display())));
                let Some(resorted) = keys_sorted(bytes).filter(|_| name.ends_with(".json")) else { continue };
                sorted += 1;
                let one = [(name.clone(), resorted)];
                same(&one).unwrap_or_else(|e| failures.push(format!("{}/{name} (keys sorted): {e}", area.display())));
            }
        }
    }
    assert!(failures.is_empty(), "{} differ:\n{}", failures.len(), failures.join("\n"));
    assert!(alone >= 400 && sorted >= 200 && folders >= 40, "{alone} files, {sorted} sorted, {folders} folders");
}
