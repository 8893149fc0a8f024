//! `lineage-bench`: the benchmark's baselines, which only parse the export's JSON (bench/run.py times `lineage
//! report` against them). A workspace member built with `-p lineage-bench`; not a default member, never shipped.

mod floor;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Benchmark baselines for `lineage report`: parse the export's JSON and build nothing.
#[derive(Parser, Debug)]
#[command(name = "lineage-bench", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Only parse the files' JSON: with serde derive structs of just the fields the answers read (floor), with the
    /// importer's readers (typed), into serde_json::Value (value), or skipping every value (skip).
    ParseOnly {
        /// Export files or directories (every file in a directory and its subdirectories, in path order).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = ParseMode::Typed)]
        mode: ParseMode,
    },
    /// Runs `lineage report`'s load on one file as the CLI does (a second thread lent, the file's SHA-256 beside
    /// the parse) and prints each phase's wall time: the profile bench/RESULTS.md explains the report's time by.
    Phases { file: PathBuf },
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum ParseMode {
    Floor,
    Typed,
    Value,
    Skip,
}

/// The same global allocator as the `lineage` binary (crates/lineage-cli/src/main.rs): report and floor are
/// compared on equal terms (`bench/RESULTS.md` has what glibc's malloc and mimalloc did to each).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let done = match Cli::parse().command {
        Command::ParseOnly { files, mode } => parse_only(&files, mode),
        Command::Phases { file } => phases(&file),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Parses every file in `mode` and prints one line of counts for each; the first bad file stops the run.
fn parse_only(files: &[PathBuf], mode: ParseMode) -> Result<(), String> {
    for path in expand(files)? {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let ok = match mode {
            ParseMode::Floor => {
                let (v, e, d) = floor::parse(&bytes).map_err(|m| format!("{}: {m}", path.display()))?;
                println!("{}: {v} vertices, {e} edges, {d} descriptions", path.display());
                continue;
            }
            ParseMode::Typed => {
                let (v, e) = lineage_core::read::parse_only(&bytes).map_err(|m| format!("{}: {m}", path.display()))?;
                println!("{}: {v} vertex records, {e} edge records", path.display());
                continue;
            }
            ParseMode::Value => serde_json::from_slice::<serde_json::Value>(&bytes).map(|v| v.is_object()),
            ParseMode::Skip => serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map(|_| true),
        };
        let ok = ok.map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}: parsed ({} bytes, object: {ok})", path.display(), bytes.len());
    }
    Ok(())
}

/// Times the load's phases on `file`: read, parse and merge all but the descriptions (`begin_file`), the
/// descriptions (`continue_file`), each of `finish`'s phases, and the report of the export's start.
fn phases(file: &Path) -> Result<(), String> {
    let clock = std::time::Instant::now();
    let mut last = 0.0;
    let mut lap = |what: &str| {
        let now = clock.elapsed().as_secs_f64();
        println!("{what:<40} {:>7.0} ms", (now - last) * 1e3);
        last = now;
    };
    let bytes = std::fs::read(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    lap("read the file");
    let mut loader = lineage_core::Loader::new();
    loader.lend_threads(both_at_once);
    let name = file.display().to_string();
    let fail = |e: lineage_core::ImportError| e.to_string();
    let mut load = std::thread::scope(|s| {
        let digest = s.spawn(|| lineage_core::Loader::sha256_hex(&bytes));
        loader.begin_file(&name, &bytes, || digest.join().unwrap_or_default())
    })
    .map_err(fail)?;
    lap("parse, merge the pages (SHA-256 beside)");
    while loader.continue_file(&mut load, &bytes).map_err(fail)? {}
    lap("read and merge the Describe responses");
    let roles = lineage_core::RoleTable::builtin();
    let mut phase = 0;
    while loader.finish_phase(phase, &roles).map_err(fail)? {
        lap(&format!("finish, phase {}", phase + 1));
        phase += 1;
    }
    let lineage = loader.into_lineage();
    lap("finish, the lineage (warnings, inputs sorted)");
    let candidates = lineage_core::explore::candidates(&lineage);
    lap(&format!("the page's subjects ({})", candidates.len()));
    let start = lineage_core::resolve_start(&lineage, None).map_err(|e| e.to_string())?;
    lap("the start resolved");
    let _ = start;
    let report = lineage_core::answer(&lineage, &lineage_core::Query::Start(None)).map_err(|e| e.to_string())?;
    let json = serde_json::to_string(&report).map_err(|e| e.to_string())?;
    lap("the report and its JSON");
    println!(
        "{} vertices, {} edges, report {} bytes",
        lineage.graph.node_count(),
        lineage.graph.edge_count(),
        json.len()
    );
    drop(lineage);
    lap("free");
    Ok(())
}

/// Runs `a` here and `b` on a second thread, as the `lineage` binary lends the core.
fn both_at_once(a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
    std::thread::scope(|s| {
        s.spawn(b);
        a();
    });
}

/// The files as `lineage` reads them (its `inputs::expand`): files named directly, plus every file inside a named
/// directory and its subdirectories, in path order; a directory without any `.json`/`.jsonl`/`.ndjson` file is an
/// error.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            for entry in walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name() {
                let entry = entry.map_err(|e| format!("{}: cannot list: {e}", p.display()))?;
                if entry.file_type().is_file() {
                    files.push(entry.path().to_owned());
                }
            }
            if !files.iter().any(|f| is_export(f)) {
                return Err(format!("{}: directory holds no .json, .jsonl or .ndjson file", p.display()));
            }
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn is_export(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "json" || x == "jsonl" || x == "ndjson")
}
