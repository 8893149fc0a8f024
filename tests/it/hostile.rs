//! Hostile inputs (issue 27): files made to hurt a reader — a million lines of nothing, a page that never ends,
//! a million edges into one vertex, a cycle of `DerivedFrom`, 10^5 `SameAs` twins. Each must end with a clear
//! result (the exit code and words the test names) within a time and a memory bound the test checks. The files
//! are generated into `target/hostile/` (deterministic, too large to commit). Memory is the child's peak RSS
//! (getrusage of this process's children): nextest runs each test in its own process, so each case is its own test.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::root;

const MB: u64 = 1 << 20;
const ARN: &str = "arn:aws:sagemaker:eu-west-1:111122223333:";
const PACKAGE: &str = "arn:aws:sagemaker:eu-west-1:111122223333:artifact/pkg";

/// What a run of the CLI gave.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
    peak: u64,
}

/// Writes `target/hostile/NAME` (once per test process) and returns its path and size.
fn file(name: &str, write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> (PathBuf, u64) {
    let dir = root().join("target/hostile");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let path = dir.join(format!("{}-{name}", std::process::id()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap_or_else(|e| panic!("{name}: {e}")));
    write(&mut out).and_then(|()| out.flush()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    (path, size)
}

/// Runs `lineage ARGS`, killing it past `limit` (a hang fails the test, it does not stall it).
fn lineage(args: &[&str], limit: Duration) -> Outcome {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("lineage: {e}"));
    let (mut out, mut err) = (child.stdout.take(), child.stderr.take());
    let readers =
        [std::thread::spawn(move || read_all(out.as_mut())), std::thread::spawn(move || read_all(err.as_mut()))];
    let status = loop {
        if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("lineage: {e}")) {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lineage {} ran past its bound of {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = start.elapsed();
    let [stdout, stderr] = readers.map(|r| r.join().unwrap_or_default());
    Outcome { code: status.code(), stdout, stderr, took, peak: peak_of_children() }
}

fn read_all(pipe: Option<&mut impl std::io::Read>) -> String {
    let mut text = String::new();
    if let Some(p) = pipe {
        let _ = p.read_to_string(&mut text);
    }
    text
}

/// The largest peak RSS of any child this process waited for, in bytes.
#[cfg(unix)]
fn peak_of_children() -> u64 {
    use nix::sys::resource::{getrusage, UsageWho};
    // Linux gives ru_maxrss in KiB.
    getrusage(UsageWho::RUSAGE_CHILDREN).map_or(0, |u| u64::try_from(u.max_rss()).unwrap_or(0) * 1024)
}

#[cfg(not(unix))]
fn peak_of_children() -> u64 {
    0
}

/// Checks the outcome's exit code, that its stdout or stderr says `words`, and its time and memory bounds.
fn holds(o: &Outcome, code: i32, words: &str, memory: u64, case: &str) {
    assert_eq!(o.code, Some(code), "{case}: exit\nstdout: {}\nstderr: {}", head(&o.stdout), head(&o.stderr));
    assert!(
        o.stdout.contains(words) || o.stderr.contains(words),
        "{case}: expected {words:?}\nstdout: {}\nstderr: {}",
        head(&o.stdout),
        head(&o.stderr)
    );
    if cfg!(unix) {
        assert!(o.peak <= memory, "{case}: peak {} MiB, bound {} MiB", o.peak / MB, memory / MB);
    }
    eprintln!("{case}: {:?}, peak {} MiB (bound {} MiB)", o.took, o.peak / MB, memory / MB);
}

fn head(s: &str) -> &str {
    &s[..s.len().min(s.char_indices().nth(2000).map_or(s.len(), |(i, _)| i))]
}

/// A QueryLineage page: its vertices (ARN tail, Type, LineageType) and edges (source and destination tails,
/// AssociationType), written as they go.
fn page(
    out: &mut dyn std::io::Write,
    vertices: impl Iterator<Item = (String, &'static str, &'static str)>,
    edges: impl Iterator<Item = (String, String, &'static str)>,
) -> std::io::Result<()> {
    out.write_all(b"{\"Vertices\":[")?;
    for (i, (tail, ty, lt)) in vertices.enumerate() {
        let comma = if i > 0 { "," } else { "" };
        write!(out, "{comma}{{\"Arn\":\"{ARN}{tail}\",\"Type\":\"{ty}\",\"LineageType\":\"{lt}\"}}")?;
    }
    out.write_all(b"],\"Edges\":[")?;
    for (i, (s, d, at)) in edges.enumerate() {
        let comma = if i > 0 { "," } else { "" };
        write!(
            out,
            "{comma}{{\"SourceArn\":\"{ARN}{s}\",\"DestinationArn\":\"{ARN}{d}\",\"AssociationType\":\"{at}\"}}"
        )?;
    }
    out.write_all(b"]}")
}

const JOB: &str = "experiment-trial-component/t-aws-training-job";

/// The job and the package it produced, after `inputs`.
fn job_and_package() -> impl Iterator<Item = (String, &'static str, &'static str)> {
    [(JOB.to_owned(), "TrainingJob", "TrialComponent"), ("artifact/pkg".to_owned(), "Model", "Artifact")].into_iter()
}

#[test]
fn a_million_lines_of_nothing_cost_what_is_kept_not_what_is_skipped() {
    let (path, size) = file("empty-objects.jsonl", |out| (0..1_000_000).try_for_each(|_| out.write_all(b"{}\n")));
    let o = lineage(&["inspect", &path.display().to_string()], Duration::from_secs(120));
    holds(&o, 0, "999997 more lines skipped (not used) besides those named", 2 * size + 50 * MB, "{} x 10^6");
    // The first three named with their lines, then one count: not a million warnings.
    assert!(o.stdout.contains("Warnings (4)"), "{}", head(&o.stdout));
    assert!(o.stdout.contains(&format!("{}:3: skipped (not used)", path.display())), "{}", head(&o.stdout));
}

#[test]
fn a_million_lines_each_of_another_kind_are_counted_past_the_first_kinds() {
    let (path, size) =
        file("distinct-keys.jsonl", |out| (0..1_000_000).try_for_each(|i| writeln!(out, "{{\"k{i}\":1}}")));
    let o = lineage(&["inspect", &path.display().to_string()], Duration::from_secs(120));
    let words = "999984 lines skipped (not used or cannot be read), of kinds past the first 16";
    holds(&o, 0, words, 2 * size + 50 * MB, "distinct keys x 10^6");
}

#[test]
fn a_page_that_never_ends_is_an_error_that_says_where() {
    let (path, size) = file("never-ends.json", |out| {
        out.write_all(b"{\"Vertices\": [")?;
        (0..100_000).try_for_each(|i| {
            write!(out, "{{\"Arn\":\"{ARN}artifact/v{i}\",\"Type\":\"DataSet\",\"LineageType\":\"Artifact\"}},")
        })
    });
    let o = lineage(&["report", &path.display().to_string()], Duration::from_secs(120));
    let words = format!("{}: at Vertices: not valid JSON: EOF while parsing", path.display());
    holds(&o, 2, &words, 2 * size + 50 * MB, "never ends");
    assert!(o.stderr.contains(&format!("column {size})")), "{}", o.stderr);
}

/// `n` datasets, each `ContributedTo` the one training job that produced the package.
fn fan_in(name: &str, n: usize) -> (PathBuf, u64) {
    file(name, |out| {
        let inputs = (0..n).map(|i| (format!("artifact/ds{i}"), "DataSet", "Artifact"));
        let edges = (0..n).map(|i| (format!("artifact/ds{i}"), JOB.to_owned(), "ContributedTo"));
        page(
            out,
            inputs.chain(job_and_package()),
            edges.chain([(JOB.to_owned(), "artifact/pkg".to_owned(), "Produced")]),
        )
    })
}

#[test]
fn a_million_edges_into_one_vertex_load_and_are_counted() {
    let n = 1_000_000;
    let (path, size) = fan_in("fan-in.json", n);
    let o = lineage(&["inspect", &path.display().to_string()], Duration::from_secs(300));
    holds(&o, 0, "1000002 vertices", 3 * size + 50 * MB, "fan-in 10^6 (inspect)");
}

#[test]
fn the_report_of_a_model_with_a_hundred_thousand_training_datasets_lists_every_one() {
    let n = 100_000;
    let (path, size) = fan_in("fan-in-report.json", n);
    let o = lineage(
        &["report", &path.display().to_string(), "--start", PACKAGE, "--format", "json"],
        Duration::from_secs(300),
    );
    holds(&o, 0, &format!("{ARN}artifact/ds99999"), 40 * size + 50 * MB, "fan-in 10^5 (report)");
}

#[test]
fn a_cycle_of_derived_from_ends() {
    let (path, _) = file("cycle.json", |out| {
        let data = (0..3).map(|i| (format!("artifact/c{i}"), "DataSet", "Artifact"));
        let mut edges: Vec<(String, String, &str)> =
            (0..3).map(|i| (format!("artifact/c{i}"), format!("artifact/c{}", (i + 1) % 3), "DerivedFrom")).collect();
        edges.push(("artifact/c0".into(), JOB.into(), "ContributedTo"));
        edges.push((JOB.into(), "artifact/pkg".into(), "Produced"));
        page(out, data.chain(job_and_package()), edges.into_iter())
    });
    let o = lineage(&["report", &path.display().to_string(), "--start", PACKAGE], Duration::from_secs(60));
    holds(&o, 0, "c0", 100 * MB, "DerivedFrom cycle");
}

#[test]
fn a_hundred_thousand_same_as_twins_merge_in_linear_time() {
    let n = 100_000;
    let (path, size) = file("same-as.json", |out| {
        let twins = (0..n).map(|i| (format!("artifact/t{i}"), "DataSet", "Artifact"));
        let mut edges: Vec<(String, String, &str)> =
            (0..n - 1).map(|i| (format!("artifact/t{i}"), format!("artifact/t{}", i + 1), "SameAs")).collect();
        edges.push(("artifact/t0".into(), JOB.into(), "ContributedTo"));
        edges.push((JOB.into(), "artifact/pkg".into(), "Produced"));
        page(out, twins.chain(job_and_package()), edges.into_iter())
    });
    let o = lineage(&["inspect", &path.display().to_string()], Duration::from_secs(60));
    let mut words = String::new();
    let _ = write!(words, "{} cross-account SameAs twins drawn and answered as one vertex each", n - 1);
    holds(&o, 0, &words, 3 * size + 50 * MB, "SameAs x 10^5");
}

/// A 70 MB string in a description (a file past the default string limit of 64 MB).
fn long_string() -> (String, u64) {
    let (path, size) = file("long-string.json", |out| {
        write!(out, "{{\"ArtifactArn\":\"{ARN}artifact/long\",\"ArtifactName\":\"{}\"}}", "x".repeat(70_000_000))
    });
    (path.display().to_string(), size)
}

#[test]
fn a_string_past_the_limit_is_refused_with_the_flag_that_raises_it() {
    let (p, size) = long_string();
    let o = lineage(&["inspect", &p], Duration::from_secs(60));
    let words = "(70 MB) is past the limit of 64 MB (max-string-mb); if the file is what you meant to give, raise it with --max-string-mb 70";
    holds(&o, 2, words, 2 * size + 50 * MB, "a 70 MB string");
}

#[test]
fn a_string_under_a_raised_limit_is_read() {
    let (p, size) = long_string();
    let o = lineage(&["inspect", &p, "--max-string-mb", "70"], Duration::from_secs(60));
    holds(&o, 0, "(DescribeArtifact)", 5 * size + 50 * MB, "a 70 MB string, the limit raised");
}

#[test]
fn a_gzip_bomb_is_refused_before_it_is_unpacked() {
    // 4 GiB of zeros in 4,096 gzip members of 1 MiB each (4 MB of file); refused after 100 MB.
    let dir = root().join("target/hostile").join(format!("{}-AWSDynamoDB/x/data", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let bomb = dir.join("bomb.json.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![0u8; 1 << 20]).unwrap_or_else(|e| panic!("gzip: {e}"));
    let member = gz.finish().unwrap_or_else(|e| panic!("gzip: {e}"));
    std::fs::write(&bomb, member.repeat(4096)).unwrap_or_else(|e| panic!("{}: {e}", bomb.display()));
    let o = lineage(&["inspect", &bomb.display().to_string(), "--max-gunzipped-mb", "100"], Duration::from_secs(60));
    let words = "(more than 100 MB) is past the limit of 100 MB (max-gunzipped-mb)";
    holds(&o, 2, words, 250 * MB, "a gzip bomb");
}
