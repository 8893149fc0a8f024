//! A DVC repository's files, assembled into runs and datasets: each `dvc.lock` stage one run (its deps in, its
//! outs out, the parameters it ran with, the metrics its `dvc.yaml` names), each import's `.dvc` file one run (its
//! source URL in, with the etag/version_id it was read at; the local path out), pushed as [`Event`]s of
//! `System::Dvc` for `cross.rs` to merge like OpenLineage runs. Datasets are `dvc://REPO/PATH` (REPO the folder's
//! name) with the md5 as their version; the `artifacts:` entry of `type: model` is the model (datasetType MODEL),
//! so the stage producing it is the training job. The commit comes from the caller ([`GitFacts`]): the core reads
//! no `.git`, and without one the commit is "not recorded", with the reason.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::state::{DvcParts, Loader};
use crate::model::dvc::GitFacts;
use crate::model::openlineage::{Dataset, Event, EventKind, Name, RunState};
use crate::model::roles::RoleTable;
use crate::model::{ImportError, InputFile, Origin, System};
use crate::read::dvc::{self, DvcDoc, Entry, Lock, LockStage, Pipeline, Source, Tracked};
use crate::time::Timestamp;

/// Metrics files are kept only up to this size (a metrics file is a few numbers).
const SMALL: usize = 1 << 16;

impl DvcParts {
    /// Keeps a document no reader claimed, which a `dvc.yaml` may name as a metrics file.
    pub(super) fn unclaimed(&mut self, name: &str, line: Option<usize>, bytes: &[u8]) {
        if line.is_none_or(|l| l == 1) && bytes.len() <= SMALL {
            self.unclaimed.insert(name.to_owned(), bytes.to_vec());
        }
    }
}

impl Loader {
    pub(super) fn begin_dvc_file(
        &mut self,
        name: &str,
        bytes: &[u8],
        sha256: impl FnOnce() -> String,
    ) -> Result<(), ImportError> {
        let doc = dvc::read(name, bytes)?;
        self.stats.files += 1;
        self.inputs.push(InputFile {
            name: name.to_owned(),
            sha256: sha256(),
            bytes: bytes.len() as u64,
            kinds: BTreeMap::from([(doc.kind().to_owned(), 1)]),
            other_fields: BTreeMap::new(),
            skipped: Vec::new(),
        });
        self.dvc.docs.push((name.to_owned(), doc));
        Ok(())
    }

    /// What the caller read from the git history of a DVC repository folder (see [`GitFacts`]).
    pub fn add_git_facts(&mut self, facts: GitFacts) {
        self.dvc.git.push(facts);
    }
}

/// One repository folder's files.
#[derive(Default)]
struct Repo<'a> {
    folder: String,
    lock: Option<(&'a str, &'a Lock)>,
    pipeline: Option<(&'a str, &'a Pipeline)>,
    tracked: Vec<(&'a str, &'a Tracked)>,
    remote: Option<String>,
}

/// The directory part of a name (`""` for none).
fn dir_of(name: &str) -> &str {
    name.rfind(['/', '\\']).map_or("", |i| &name[..i])
}

/// `name` relative to `folder`.
fn inside<'n>(folder: &str, name: &'n str) -> Option<&'n str> {
    if folder.is_empty() {
        return Some(name);
    }
    name.strip_prefix(folder)?.strip_prefix(['/', '\\'])
}

/// Turns the DVC files read into runs and datasets, in `finish` before other systems are merged.
pub(super) fn assemble(l: &mut Loader, _roles: &RoleTable) -> Result<(), ImportError> {
    let parts = std::mem::take(&mut l.dvc);
    let mut repos: BTreeMap<String, Repo> = BTreeMap::new();
    for (name, doc) in &parts.docs {
        let folder = match doc {
            DvcDoc::Config(_) => dir_of(dir_of(name)),
            _ => dir_of(name),
        };
        if matches!(doc, DvcDoc::Pipeline(_) | DvcDoc::Lock(_) | DvcDoc::Config(_)) {
            repos.entry(folder.to_owned()).or_insert_with(|| Repo { folder: folder.to_owned(), ..Default::default() });
        }
    }
    for (name, doc) in &parts.docs {
        let folder = match doc {
            DvcDoc::Config(_) => dir_of(dir_of(name)).to_owned(),
            _ => repos
                .keys()
                .rev()
                .find(|f| inside(f, name).is_some())
                .cloned()
                .unwrap_or_else(|| dir_of(name).to_owned()),
        };
        let repo = repos.entry(folder.clone()).or_insert_with(|| Repo { folder, ..Default::default() });
        match doc {
            DvcDoc::Pipeline(p) => repo.pipeline = Some((name, p)),
            DvcDoc::Lock(lock) => repo.lock = Some((name, lock)),
            DvcDoc::Tracked(t) => repo.tracked.push((name, t)),
            DvcDoc::Config(c) => {
                let default = c.default.as_ref().and_then(|d| c.remotes.iter().find(|(n, _)| n == d));
                repo.remote = default.or(c.remotes.first()).map(|(_, url)| url.clone());
            }
            DvcDoc::Params => {}
        }
    }
    let mut claimed = Vec::new();
    // Without dvc.lock a repository alone answers nothing: that is an error, not an empty report.
    let alone = l.graph.node_count() == 0 && l.lineage_events.is_empty();
    for repo in repos.values() {
        let git = parts.git.iter().find(|g| g.folder == repo.folder);
        let mut a = Assembly { repo, git, unclaimed: &parts.unclaimed, claimed: &mut claimed, warnings: Vec::new() };
        if let (None, Some((yaml, _)), true) = (repo.lock, repo.pipeline, alone) {
            return Err(ImportError {
                file: yaml.to_owned(),
                line: None,
                path: String::new(),
                message: "no dvc.lock beside dvc.yaml: no stage has a recorded run, so no model, output, parameter or md5 is known (expected the dvc.lock that `dvc repro` writes among the inputs)".into(),
            });
        }
        let events = a.events()?;
        l.warnings.append(&mut a.warnings);
        l.lineage_events.extend(events);
    }
    claim(l, &claimed);
    Ok(())
}

/// The metrics files used are no longer "skipped": their warning goes, and they are listed as DVC metrics.
fn claim(l: &mut Loader, claimed: &[String]) {
    for name in claimed {
        let prefix = [format!("{name}: skipped (not used): "), format!("{name}:1: skipped (not used): ")];
        l.warnings.retain(|w| !prefix.iter().any(|p| w.starts_with(p.as_str())));
        for input in l.inputs.iter_mut().filter(|i| &i.name == name) {
            input.skipped.clear();
            input.kinds = BTreeMap::from([("DVC metrics".to_owned(), 1)]);
        }
    }
}

struct Assembly<'a, 'r> {
    repo: &'r Repo<'a>,
    git: Option<&'r GitFacts>,
    unclaimed: &'r BTreeMap<String, Vec<u8>>,
    claimed: &'r mut Vec<String>,
    warnings: Vec<String>,
}

/// File extensions of code: a dependency named in the stage's command with one is its script, not its data.
const CODE: [&str; 12] = [".py", ".r", ".R", ".sh", ".ipynb", ".jl", ".scala", ".java", ".js", ".ts", ".rb", ".pl"];

impl Assembly<'_, '_> {
    /// The repository's name: its folder's last component.
    fn name(&self) -> String {
        let last = self.repo.folder.rsplit(['/', '\\']).find(|c| !c.is_empty() && *c != "." && *c != "..");
        last.unwrap_or("repository").to_owned()
    }

    fn namespace(&self) -> String {
        format!("dvc://{}", self.name())
    }

    /// The paths the `artifacts:` entries of `type: model` name.
    fn model_paths(&self) -> Vec<String> {
        let arts = self.repo.pipeline.map(|(_, p)| p.artifacts.as_slice()).unwrap_or_default();
        arts.iter().filter(|a| a.kind.as_deref() == Some("model")).map(|a| a.path.clone()).collect()
    }

    fn events(&mut self) -> Result<Vec<Event>, ImportError> {
        let mut events = Vec::new();
        let Some((lock_name, lock)) = self.repo.lock else {
            if self.repo.pipeline.is_some() {
                self.warnings.push(format!("{}: no dvc.lock beside dvc.yaml: no stage has a recorded run, so no output, parameter or md5 is known", self.repo.pipeline.map_or("", |(n, _)| n)));
            }
            return Ok(self.tracked_events());
        };
        if let Some(g) = self.git.filter(|g| !g.lock_current) {
            self.warnings.push(format!(
                "{lock_name}: uncommitted changes: it differs from the last commit that changed it ({}), so no commit holds the runs it records",
                g.commit
            ));
        }
        let models = self.model_paths();
        let trainer = lock.stages.iter().find(|s| s.outs.iter().any(|o| models.contains(&o.path)));
        for stage in &lock.stages {
            let metrics = self.metrics_of(stage, trainer.map(|t| t.name.as_str()), lock);
            events.push(self.stage_event(lock_name, stage, metrics, &models));
        }
        if let (Some((yaml, p)), false) = (self.repo.pipeline, models.is_empty()) {
            if trainer.is_none() {
                self.warnings
                    .push(format!("{yaml}: artifact path {} is no output of any stage in dvc.lock", models.join(", ")));
            }
            for s in p.stages.iter().filter(|s| !lock.stages.iter().any(|l| l.name == s.name)) {
                self.warnings.push(format!(
                    "{yaml}:{}: stage {} has no run in {lock_name} (never run, or the lock is incomplete)",
                    s.line, s.name
                ));
            }
        }
        events.extend(self.tracked_events());
        Ok(events)
    }

    fn stage_event(&self, lock_name: &str, s: &LockStage, metrics: Map<String, Value>, models: &[String]) -> Event {
        let ns = self.namespace();
        let (scripts, data): (Vec<&Entry>, Vec<&Entry>) = s.deps.iter().partition(|d| is_script(&s.cmd, &d.path));
        let mut params = Map::new();
        for (file, key, value, _) in &s.params {
            let key = if file.ends_with("params.yaml") { key.clone() } else { format!("{file}:{key}") };
            params.insert(key, value.clone());
        }
        let mut run_facets = BTreeMap::from([(
            "dvc".to_owned(),
            json!({ "cmd": s.cmd, "lock": format!("{lock_name} line {}", s.line) }),
        )]);
        if !params.is_empty() {
            run_facets.insert("parameters".into(), Value::Object(params));
        }
        if !metrics.is_empty() {
            run_facets.insert("metrics".into(), Value::Object(metrics));
        }
        let script = scripts.first().map(|e| (e.path.clone(), e.md5.clone().unwrap_or_default()));
        let job_facets = BTreeMap::from([
            ("jobType".to_owned(), json!({ "jobType": "DvcStage", "integration": "DVC" })),
            ("sourceCodeLocation".to_owned(), self.code_facet(lock_name, script)),
        ]);
        Event {
            kind: EventKind::Run { run_id: format!("stage/{}/{}", self.name(), s.name), state: RunState::Complete },
            time: self.time(),
            producer: "DVC dvc.lock (schema 2.0)".into(),
            job: Some(Name { namespace: ns, name: s.name.clone() }),
            job_facets,
            run_facets,
            inputs: data.into_iter().map(|e| self.dataset(e, models)).collect(),
            outputs: s.outs.iter().map(|e| self.dataset(e, models)).collect(),
            origin: Origin { file: lock_name.to_owned(), line: Some(s.line), path: format!("stages.{}", s.name) },
            system: System::Dvc,
        }
    }

    /// The stage's code: the commit that holds this `dvc.lock` when the git history was given, else why not; the
    /// script's md5.
    fn code_facet(&self, lock_name: &str, script: Option<(String, String)>) -> Value {
        let mut f = Map::new();
        f.insert("type".into(), json!("git"));
        let folder = if self.repo.folder.is_empty() { self.name() } else { self.repo.folder.clone() };
        let url = self.git.and_then(|g| g.remote_url.clone()).unwrap_or(folder);
        f.insert("url".into(), json!(url));
        let mut note = Vec::new();
        if let Some((path, md5)) = &script {
            f.insert("path".into(), json!(path));
            f.insert("scriptMd5".into(), json!(md5));
            note.push(format!("script {path} md5 {md5} ({lock_name})"));
        }
        match self.git {
            Some(g) if g.lock_current => {
                f.insert("version".into(), json!(g.commit));
                note.push(format!("commit {} by {} on {}, the last to change dvc.lock: \"{}\"", g.commit, g.author(), g.date(), g.summary));
            }
            Some(g) => note.push(format!(
                "commit not recorded: dvc.lock has uncommitted changes (the last commit to change it, {} by {} on {}, does not hold this run)",
                g.commit,
                g.author(),
                g.date()
            )),
            None => note.push("commit not recorded: the files were read without their git history (no .git folder beside dvc.lock), so which commit holds this dvc.lock is unknown".into()),
        }
        f.insert("note".into(), json!(note.join("; ")));
        Value::Object(f)
    }

    /// The commit's time when known (runs show no time: DVC records none), else the epoch, which no answer shows.
    fn time(&self) -> Timestamp {
        let t = self.git.and_then(|g| chrono::DateTime::from_timestamp(g.time_seconds, 0));
        Timestamp(t.unwrap_or(chrono::DateTime::UNIX_EPOCH))
    }

    /// A path in the repository as a dataset: its md5 the version, with size and the remote's content address.
    fn dataset(&self, e: &Entry, models: &[String]) -> Dataset {
        let mut facets = BTreeMap::new();
        let mut props = Map::new();
        if let Some(md5) = &e.md5 {
            facets.insert("version".to_owned(), json!({ "datasetVersion": md5 }));
            props.insert("md5".into(), json!(md5));
            if let Some(remote) = &self.repo.remote {
                props.insert("remote_address".into(), json!(content_address(remote, md5)));
            }
        }
        if let Some(size) = e.size {
            props.insert("size".into(), json!(size.to_string()));
        }
        if models.contains(&e.path) {
            let arts = self.repo.pipeline.map(|(_, p)| p.artifacts.as_slice()).unwrap_or_default();
            if let Some(a) = arts.iter().find(|a| a.path == e.path) {
                props.insert("artifact".into(), json!(format!("{} (dvc.yaml line {})", a.name, a.line)));
            }
            facets.insert("datasetType".to_owned(), json!({ "datasetType": "MODEL" }));
        }
        facets.insert("dvc".to_owned(), Value::Object(props));
        Dataset { name: Name { namespace: self.namespace(), name: e.path.clone() }, facets, system: System::Dvc }
    }

    /// Each import's run (source in, local path out), and each tracked file's dataset facts.
    fn tracked_events(&self) -> Vec<Event> {
        let mut events = Vec::new();
        for (name, t) in &self.repo.tracked {
            let rel = inside(&self.repo.folder, name).unwrap_or(name);
            let dir = dir_of(rel);
            let outs: Vec<Entry> = t.outs.iter().map(|o| Entry { path: join(dir, &o.path), ..o.clone() }).collect();
            let outputs: Vec<Dataset> = outs.iter().map(|o| self.dataset(o, &[])).collect();
            let origin = Origin { file: (*name).to_owned(), line: Some(t.line), path: String::new() };
            let (kind, inputs) = match t.deps.as_slice() {
                [] => (EventKind::Dataset, Vec::new()),
                deps => (
                    EventKind::Run { run_id: format!("import/{}/{rel}", self.name()), state: RunState::Complete },
                    deps.iter().map(source_dataset).collect(),
                ),
            };
            let job = matches!(kind, EventKind::Run { .. })
                .then(|| Name { namespace: self.namespace(), name: rel.to_owned() });
            let job_facets =
                BTreeMap::from([("jobType".to_owned(), json!({ "jobType": "DvcImport", "integration": "DVC" }))]);
            events.push(Event {
                kind,
                time: self.time(),
                producer: "DVC .dvc file".into(),
                job,
                job_facets,
                run_facets: BTreeMap::new(),
                inputs,
                outputs,
                origin,
                system: System::Dvc,
            });
        }
        events
    }

    /// The numbers of the metrics files `dvc.yaml` names for this stage; the training stage also gets those of
    /// the stages that read its model and the top-level `metrics:`. Each key is `FILE:KEY`.
    fn metrics_of(&mut self, s: &LockStage, trainer: Option<&str>, lock: &Lock) -> Map<String, Value> {
        let Some((yaml, p)) = self.repo.pipeline else { return Map::new() };
        let mut files: Vec<&str> =
            p.stages.iter().filter(|y| y.name == s.name).flat_map(|y| y.metrics.iter().map(String::as_str)).collect();
        if trainer == Some(s.name.as_str()) {
            files.extend(p.metrics.iter().map(String::as_str));
            for reader in lock.stages.iter().filter(|r| r.deps.iter().any(|d| s.outs.iter().any(|o| o.path == d.path)))
            {
                files.extend(
                    p.stages
                        .iter()
                        .filter(|y| y.name == reader.name)
                        .flat_map(|y| y.metrics.iter().map(String::as_str)),
                );
            }
        }
        files.sort_unstable();
        files.dedup();
        let mut out = Map::new();
        for file in files {
            let name = join(&self.repo.folder, file);
            let Some(bytes) = self.unclaimed.get(&name) else {
                self.warnings
                    .push(format!("{yaml}: metrics file {file} is not among the inputs: its metrics are not shown"));
                continue;
            };
            match dvc::metrics(&name, bytes) {
                Ok(values) => {
                    self.claimed.push(name.clone());
                    for (k, v) in values {
                        out.insert(format!("{file}:{k}"), json!(v));
                    }
                }
                Err(e) => self.warnings.push(format!("{e}: metrics not read")),
            }
        }
        out
    }
}

/// Whether a dependency is the stage's script: named in its command, with a code file's extension.
fn is_script(cmd: &str, path: &str) -> bool {
    CODE.iter().any(|x| path.ends_with(x))
        && cmd.split(|c: char| c.is_whitespace() || c == '=').any(|w| w == path || w.trim_start_matches("./") == path)
}

fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() {
        path.to_owned()
    } else {
        format!("{dir}/{path}")
    }
}

/// DVC 3's content address of an md5 on a remote: `REMOTE/files/md5/ab/cdef…`.
fn content_address(remote: &str, md5: &str) -> String {
    let (head, tail) = md5.split_at(2.min(md5.len()));
    format!("{}/files/md5/{head}/{tail}", remote.trim_end_matches('/'))
}

/// An import's source as a dataset: a URL `scheme://host/key` is namespace `scheme://host`, name `key` (the
/// OpenLineage naming spec's); its version is the `version_id` (or the imported repository's commit).
fn source_dataset(s: &Source) -> Dataset {
    let (namespace, name) = match &s.repo {
        Some((url, _)) => (url.clone(), s.path.clone()),
        None => match s.path.split_once("://") {
            Some((scheme, rest)) => {
                let (host, key) = rest.split_once('/').unwrap_or((rest, ""));
                (format!("{scheme}://{host}"), key.to_owned())
            }
            None => ("file".to_owned(), s.path.clone()),
        },
    };
    let mut facets = BTreeMap::new();
    let version = s.version_id.clone().or_else(|| s.repo.as_ref().and_then(|(_, rev)| rev.clone()));
    if let Some(v) = version {
        facets.insert("version".to_owned(), json!({ "datasetVersion": v }));
    }
    let mut props = Map::new();
    for (k, v) in [("etag", &s.etag), ("version_id", &s.version_id), ("md5", &s.md5)] {
        if let Some(v) = v {
            props.insert(k.into(), json!(v));
        }
    }
    if let Some((url, rev)) = &s.repo {
        props.insert("imported_from".into(), json!(url));
        if let Some(rev) = rev {
            props.insert("rev_lock".into(), json!(rev));
        }
    }
    facets.insert("dvc".to_owned(), Value::Object(props));
    // Data from outside the repository: the role table makes it raw data unless a rule says more (a policy list).
    facets.insert("datasetType".to_owned(), json!({ "datasetType": "DvcImportSource" }));
    Dataset { name: Name { namespace, name }, facets, system: System::Dvc }
}
