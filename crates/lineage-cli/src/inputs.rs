//! Turns the command line's files and directories into named byte buffers for lineage-core.

use std::path::{Path, PathBuf};

use lineage_core::model::audit::AuditMap;
use lineage_core::read::limits::Limits;
use lineage_core::{Lineage, Loader, RoleTable};

use crate::Failure;

/// Files named directly, plus every file inside a named directory and its subdirectories (data capture keeps the
/// S3 key layout `ENDPOINT/VARIANT/yyyy/mm/dd/hh/`), in path order. Files that are not JSON (a README) are handed
/// to the core too, which lists them as skipped; a directory without any `.json`/`.jsonl` file or DVC file
/// (`dvc.yaml`, `dvc.lock`, `*.dvc`) is an error. Inside a directory, `.git/` and DVC's `.dvc/cache/` and
/// `.dvc/tmp/` are not inputs.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| Failure::input(format!("{}: cannot read: {e}", p.display())))?;
        if meta.is_dir() {
            let mut files = Vec::new();
            let mut exports = 0;
            let walk = walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name();
            for entry in walk.into_iter().filter_entry(|e| !is_not_input(e.path())) {
                let entry = entry.map_err(|e| Failure::input(format!("{}: cannot list: {e}", p.display())))?;
                let path = entry.path();
                if entry.file_type().is_file() {
                    exports += usize::from(
                        path.extension().is_some_and(|x| x == "json" || x == "jsonl" || x == "ndjson" || x == "dvc")
                            || path.file_name().is_some_and(|f| f == "dvc.yaml" || f == "dvc.lock")
                            || lineage_core::read::is_audit_file(&path.display().to_string()),
                    );
                    files.push(path.to_owned());
                }
            }
            if exports == 0 {
                return Err(Failure::input(format!(
                    "{}: directory holds no .json, .jsonl or .ndjson file, no DVC file (dvc.yaml, dvc.lock, *.dvc) and no audit table (.csv, .json.gz)",
                    p.display()
                )));
            }
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// A folder inside an input directory that holds no input: git's objects, DVC's cache and temporary files.
fn is_not_input(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parent = path.parent().and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or("");
    path.is_dir() && (name == ".git" || (parent == ".dvc" && (name == "cache" || name == "tmp")))
}

pub fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    read_on_both_cores(path).map_err(|e| Failure::input(format!("{}: cannot read: {e}", path.display())))
}

/// A file's bytes; a large one read in two halves at once (copying from the page cache and touching fresh memory
/// is a tenth of a large report's time, and each core can do half).
#[cfg(unix)]
fn read_on_both_cores(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek};
    use std::os::unix::fs::FileExt;
    const LARGE: u64 = 16 << 20;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let len = meta.len();
    if len < LARGE || !meta.is_file() {
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let len = usize::try_from(len).map_err(std::io::Error::other)?;
    let mut bytes = vec![0u8; len];
    let (first, second) = bytes.split_at_mut(len / 2);
    let offset = first.len() as u64;
    std::thread::scope(|s| {
        let other = s.spawn(|| file.read_exact_at(second, offset));
        let here = file.read_exact_at(first, 0);
        other.join().unwrap_or_else(|_| Err(std::io::Error::other("the reading thread failed"))).and(here)
    })?;
    // A file that grew while it was read: the rest too, as `std::fs::read` would.
    file.seek(std::io::SeekFrom::Start(len as u64))?;
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(not(unix))]
fn read_on_both_cores(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}

/// The bounds every load holds its files to (`--max-documents` and the others), set once from the command line.
static LIMITS: std::sync::OnceLock<Limits> = std::sync::OnceLock::new();

/// Sets the bounds for this run's loads; the first call wins (the command line is parsed once).
pub fn set_limits(limits: Limits) {
    let _ = LIMITS.set(limits);
}

/// What a command loads: the files and directories named, and the audit table's column map (`--audit-map`).
pub struct Inputs<'a> {
    pub files: &'a [PathBuf],
    pub audit_map: Option<&'a Path>,
}

/// Reads and merges every input; the first bad file stops the load with its error. The column map is read
/// first: a map the core cannot use (an unknown key) is an error naming the file and the key.
pub fn load(inputs: &Inputs<'_>, roles: &RoleTable) -> Result<Lineage, Failure> {
    let paths = inputs.files;
    let audit_map = match inputs.audit_map {
        Some(path) => {
            let map = AuditMap::parse(&read(path)?).map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
            Some((map, path.display().to_string()))
        }
        None => None,
    };
    let files = expand(paths)?;
    let total = files.iter().map(|p| std::fs::metadata(p).map_or(0, |m| m.len())).sum();
    let progress = Progress::new(total);
    let mut loader = Loader::new();
    loader.lend_threads(both_at_once);
    loader.set_limits(LIMITS.get().copied().unwrap_or_default());
    if let Some((map, name)) = audit_map {
        loader.set_audit_map(map, &name);
    }
    for path in files {
        let name = path.display().to_string();
        progress.step("reading", &name);
        let bytes = read(&path)?;
        progress.step("parsing", &name);
        // The digest for the evidence appendix is computed on a second thread while this one parses.
        std::thread::scope(|s| {
            let digest = s.spawn(|| Loader::sha256_hex(&bytes));
            let sha256 = || digest.join().unwrap_or_else(|_| Loader::sha256_hex(&bytes));
            loader.add_file_with_sha256(&name, &bytes, sha256)
        })
        .map_err(|e| Failure::input(e.to_string()))?;
        progress.done(bytes.len());
    }
    for p in paths.iter().filter(|p| p.is_dir()) {
        // The folder as its files are named (`DIR/dvc.lock` less `/dvc.lock`).
        let lock = p.join("dvc.lock").display().to_string();
        let folder = lock.strip_suffix("dvc.lock").unwrap_or("").trim_end_matches(['/', '\\']);
        match crate::git::facts(p, folder) {
            Some(Ok(facts)) => loader.add_git_facts(facts),
            Some(Err(warning)) => eprintln!("warning: {warning}"),
            None => {}
        }
    }
    progress.step("building", "the graph");
    let lineage = loader.finish(roles).map_err(|e| Failure::input(e.to_string()));
    progress.finish();
    lineage
}

/// Runs `a` here and `b` on a second thread: the import reads a bundle's descriptions in two halves this way.
fn both_at_once(a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
    std::thread::scope(|s| {
        let second = s.spawn(b);
        a();
        if let Err(panic) = second.join() {
            std::panic::resume_unwind(panic);
        }
    });
}

/// Inputs at least this large show progress (when stderr is a terminal).
const LARGE: u64 = 64 << 20;

/// A progress bar on stderr while a large input loads in a terminal: the phase, the file, bytes merged so far.
/// Nothing at all when stderr is not a terminal (a pipe, a CI log) or the input is small.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new(total: u64) -> Progress {
        use std::io::IsTerminal;
        if total < LARGE || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
        let style = indicatif::ProgressStyle::with_template("{msg:40!} [{bar:30}] {bytes}/{total_bytes} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style.progress_chars("=> "));
        Progress(Some(bar))
    }

    fn step(&self, phase: &str, what: &str) {
        if let Some(bar) = &self.0 {
            let name = what.rsplit('/').next().unwrap_or(what);
            bar.set_message(format!("{phase} {name}"));
        }
    }

    fn done(&self, bytes: usize) {
        if let Some(bar) = &self.0 {
            bar.inc(bytes as u64);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
