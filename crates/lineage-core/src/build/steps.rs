//! The page's stepped load: the files a reviewer has loaded ([`Workspace`]), merged a step at a time ([`Build`],
//! [`NextStep`]) through the builder's own steps (`Loader::begin_file`, `Loader::continue_file`), so the page can
//! show progress between them; the CLI and the tests run the same steps back to back (`Loader::add_file`).

use super::state::FileLoad;
use super::state::Loader;
use super::stepped::{SteppedFile, Unread};
use super::PhaseAt;

/// How many vertices a step of a pass over them (the joins, the roles) takes: tens of milliseconds in the browser.
pub const VERTICES_PER_STEP: usize = 50_000;
use crate::model::roles::RoleTable;
use crate::model::{ImportError, Lineage};

/// The files a reviewer has loaded, in the order they were added; a file is kept only if it parses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Workspace {
    /// Name, bytes, and where the file's SHA-256 comes from.
    files: Vec<(String, Vec<u8>, Digest)>,
    /// Counts changes to `files`: a [`Build`] begun before a change starts again (its places in the bytes of
    /// a replaced file would point into the wrong text).
    generation: u64,
    /// The bounds each file is held to.
    limits: crate::read::limits::Limits,
    /// From how many bytes a JSON object file is read a step at a time (`stepped`); `None`: [`STEPPED_FROM`].
    stepped_from: Option<usize>,
    /// How many vertices a step of a pass over them takes; `None`: [`VERTICES_PER_STEP`].
    vertices_per_step: Option<usize>,
    /// Files to read whole: their text stopped the stepped read (see `stepped`).
    whole: std::collections::BTreeSet<String>,
}

/// From how many bytes a file is read a few megabytes a step rather than in one (a smaller one parses in tens of
/// milliseconds in the browser).
pub const STEPPED_FROM: usize = 8 << 20;

/// Where a file's SHA-256 (hex, for the evidence list) comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Digest {
    /// The caller computed it.
    Given(String),
    /// The caller is computing it (the browser, off the page's thread) and gives it with
    /// [`Workspace::set_sha256`] before the merge finishes; a file it never gave is hashed here then.
    Later,
    /// Computed here, once the file parsed.
    Here,
}

/// A file the workspace refused, with the reason (the same text the CLI prints).
pub type Refused = String;

/// What merging a workspace's files gives: the lineage (none without files), and the files refused.
pub type Merged = (Result<Option<Lineage>, ImportError>, Vec<Refused>);

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// Holds every file to `limits` from the next merge on (see [`Loader::set_limits`]).
    pub fn set_limits(&mut self, limits: crate::read::limits::Limits) {
        if self.limits != limits {
            self.limits = limits;
            self.generation += 1;
        }
    }

    /// Reads JSON object files of `bytes` or more a step at a time (the default is [`STEPPED_FROM`]; the tests
    /// step every file to compare the two reads). Restarts a merge under way.
    pub fn set_stepped_from(&mut self, bytes: usize) {
        self.stepped_from = Some(bytes);
        self.generation += 1;
    }

    /// Takes `vertices` (at least 1) a step in a pass of `finish` over the vertices (the default is
    /// [`VERTICES_PER_STEP`]; the tests take one, to compare with the whole pass).
    pub fn set_vertices_per_step(&mut self, vertices: usize) {
        self.vertices_per_step = Some(vertices.max(1));
    }

    /// The bytes of every file loaded.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|(_, b, _)| b.len() as u64).sum()
    }

    /// Adds files (a name already loaded is replaced) and merges everything once: a file that does not parse is
    /// dropped again, and its error returned, so it changes nothing. `sha256` (hex) may come from the caller (the
    /// browser hashes faster than WASM); absent, it is computed here.
    pub fn add(&mut self, files: Vec<(String, Vec<u8>, Option<String>)>, roles: &RoleTable) -> Merged {
        self.insert(files);
        self.build(roles)
    }

    /// Adds files (a name already loaded is replaced) without merging: [`Workspace::step`] then merges in steps.
    pub fn insert(&mut self, files: Vec<(String, Vec<u8>, Option<String>)>) {
        let files = files.into_iter().map(|(n, b, sha)| (n, b, sha.map_or(Digest::Here, Digest::Given))).collect();
        self.insert_files(files);
    }

    /// [`Workspace::insert`] for a caller that computes each file's SHA-256 while the files merge and gives it
    /// with [`Workspace::set_sha256`] before the [`NextStep::Finish`] step.
    pub fn insert_digested_later(&mut self, files: Vec<(String, Vec<u8>)>) {
        self.insert_files(files.into_iter().map(|(n, b)| (n, b, Digest::Later)).collect());
    }

    fn insert_files(&mut self, files: Vec<(String, Vec<u8>, Digest)>) {
        self.generation += 1;
        for (name, bytes, digest) in files {
            self.files.retain(|(n, _, _)| *n != name);
            self.whole.remove(&name);
            self.files.push((name, bytes, digest));
        }
    }

    /// The SHA-256 (hex) of a file inserted with [`Workspace::insert_digested_later`]; `None` when the caller
    /// could not compute it (the core then does). The bytes are unchanged, so a merge under way goes on.
    pub fn set_sha256(&mut self, name: &str, sha256: Option<String>) {
        for (_, _, digest) in self.files.iter_mut().filter(|(n, _, _)| n == name) {
            *digest = sha256.clone().map_or(Digest::Here, Digest::Given);
        }
    }

    pub fn remove(&mut self, name: &str, roles: &RoleTable) -> Result<Option<Lineage>, ImportError> {
        self.generation += 1;
        self.files.retain(|(n, _, _)| n != name);
        self.whole.remove(name);
        self.build(roles).0
    }

    pub fn names(&self) -> Vec<String> {
        self.files.iter().map(|(n, _, _)| n.clone()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Each file's name, bytes and SHA-256 (hex, when the caller gave it), in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8], Option<&str>)> {
        self.files.iter().map(|(n, b, d)| {
            let sha = match d {
                Digest::Given(h) => Some(h.as_str()),
                Digest::Later | Digest::Here => None,
            };
            (n.as_str(), b.as_slice(), sha)
        })
    }

    /// Merges every file; a file that fails to parse is removed and reported, and the others are merged again
    /// without it (a loader that failed part-way through a file is not reused). The lineage is `Err` when the
    /// files together lack something (an edge to a vertex no file declares, e.g. a missing page).
    fn build(&mut self, roles: &RoleTable) -> Merged {
        let mut build = Build::default();
        loop {
            if let Some(done) = self.step(&mut build, roles) {
                return done;
            }
        }
    }

    /// What the next [`Workspace::step`] of `build` will do, for a caller that says so first.
    /// Every file merged: the digests given while the files merged (or, never given, computed now) filled in
    /// before the first phase, then one of `Loader::finish`'s phases per step, then the lineage.
    fn finish_step(&mut self, build: &mut Build, roles: &RoleTable) -> Option<Merged> {
        if self.files.is_empty() {
            return Some((Ok(None), std::mem::take(&mut build.refused)));
        }
        if build.phase == PhaseAt::default() {
            for (name, bytes, digest) in self.files.iter().filter(|(_, _, d)| *d != Digest::Here) {
                match digest {
                    Digest::Given(h) => build.loader.fill_sha256(name, || h.clone()),
                    _ => build.loader.fill_sha256(name, || Loader::sha256_hex(bytes)),
                }
            }
        }
        let result = match build.loader.finish_part(
            &mut build.phase,
            roles,
            self.vertices_per_step.unwrap_or(VERTICES_PER_STEP),
        ) {
            Ok(true) => return None,
            Ok(false) => Ok(Some(std::mem::take(&mut build.loader).into_lineage())),
            Err(e) => Err(e),
        };
        Some((result, std::mem::take(&mut build.refused)))
    }

    pub fn next_step(&self, build: &Build) -> NextStep {
        let fresh = build.generation == Some(self.generation);
        let (current, index) = if fresh { (&build.current, build.index) } else { (&None, 0) };
        match (current, self.files.get(index)) {
            (Some(load), Some((name, _, _))) => {
                let (done, total) = load.progress();
                NextStep::Descriptions { file: name.clone(), done, total }
            }
            (None, Some((name, bytes, _))) => {
                let read = build.stepped.as_ref().filter(|_| fresh).map_or(0, Loader::stepped_offset);
                NextStep::Parse { file: name.clone(), bytes: bytes.len(), read }
            }
            (_, None) => NextStep::Finish { bytes: self.files.iter().map(|(_, b, _)| b.len()).sum() },
        }
    }

    /// One step of merging every file (parse a file, read a batch of a bundle's descriptions, or finish); returns
    /// what [`Workspace::add`] returns once done. A file that fails is removed and the merge starts again.
    pub fn step(&mut self, build: &mut Build, roles: &RoleTable) -> Option<Merged> {
        if build.generation != Some(self.generation) {
            // Files changed since this build began (or it begins now): start from the first file.
            *build = Build {
                generation: Some(self.generation),
                refused: std::mem::take(&mut build.refused),
                ..Build::default()
            };
            build.loader.set_limits(self.limits);
        }
        let Some((name, bytes, digest)) = self.files.get(build.index) else {
            return self.finish_step(build, roles);
        };
        // Whether the file is done with.
        let finished = match build.current.as_mut() {
            Some(load) => build.loader.continue_file(load, bytes).map(|more| !more),
            None => match self.parse_step(build, name, bytes, digest) {
                Ok(finished) => finished,
                Err(Unread) => {
                    // Read whole from the first file again (its vertices and edges merged so far are in the
                    // loader): the whole read's result, or its error naming line, column and path.
                    self.whole.insert(name.clone());
                    self.generation += 1;
                    return None;
                }
            },
        };
        match finished {
            Ok(false) => {}
            Ok(true) => {
                build.current = None;
                build.index += 1;
            }
            Err(e) => {
                // Removed, and the merge starts again without it (the next step sees the new generation).
                self.files.remove(build.index);
                self.generation += 1;
                build.refused.push(e.to_string());
            }
        }
        None
    }
}

impl Workspace {
    /// One step of parsing the file `name`: the whole file, or the next few megabytes of a large one (see
    /// `stepped`); whether nothing of it is left to read (no descriptions). [`Unread`]: read it whole instead.
    fn parse_step(
        &self,
        build: &mut Build,
        name: &str,
        bytes: &[u8],
        digest: &Digest,
    ) -> Result<Result<bool, ImportError>, Unread> {
        let sha256 = || match digest {
            Digest::Given(h) => h.clone(),
            // Filled in before the merge finishes.
            Digest::Later => String::new(),
            Digest::Here => Loader::sha256_hex(bytes),
        };
        let stepped_from = self.stepped_from.unwrap_or(STEPPED_FROM);
        let loaded = if build.stepped.is_none()
            && (bytes.len() < stepped_from || self.whole.contains(name) || !Loader::steps_through(name, bytes))
        {
            build.loader.begin_file(name, bytes, sha256)
        } else {
            let mut file = match build.stepped.take() {
                Some(file) => file,
                None => match build.loader.begin_stepped(name, bytes) {
                    Ok(file) => file,
                    Err(e) => return Ok(Err(e)),
                },
            };
            if !build.loader.step_file(&mut file, name, bytes)? {
                build.stepped = Some(file);
                return Ok(Ok(false));
            }
            build.loader.finish_stepped(file, name, bytes, sha256)
        };
        Ok(loaded.map(|load| {
            let nothing_left = load.progress().1 == 0;
            build.current = Some(load);
            nothing_left
        }))
    }
}

/// A merge of a workspace's files in progress (see [`Workspace::step`]).
#[derive(Default)]
pub struct Build {
    /// The workspace's generation this build merges.
    generation: Option<u64>,
    loader: Loader,
    index: usize,
    current: Option<FileLoad>,
    /// The file being read a step at a time, before `current`.
    stepped: Option<SteppedFile>,
    /// Where `Loader::finish`'s phases go on, once every file is merged.
    phase: PhaseAt,
    refused: Vec<Refused>,
}

/// What the next step of a [`Build`] does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Parse a file (and merge all of it but a bundle's descriptions); `read` of its `bytes` are read (a large
    /// file is read a few megabytes a step).
    Parse { file: String, bytes: usize, read: usize },
    /// Read the next batch of a bundle's descriptions.
    Descriptions { file: String, done: usize, total: usize },
    /// Check that the files fit together and make the joins: all files' `bytes`.
    Finish { bytes: usize },
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn page() -> Vec<u8> {
        br#"{"Vertices":[
            {"Arn":"arn:aws:sagemaker:r:1:artifact/ds","Type":"DataSet","LineageType":"Artifact"},
            {"Arn":"arn:aws:sagemaker:r:1:experiment-trial-component/t-aws-training-job","Type":"TrainingJob","LineageType":"TrialComponent"},
            {"Arn":"arn:aws:sagemaker:r:1:artifact/pk","Type":"Model","LineageType":"Artifact"},
            {"Arn":"arn:aws:sagemaker:r:1:action/dep","Type":"ModelDeployment","LineageType":"Action"}],
          "Edges":[
            {"SourceArn":"arn:aws:sagemaker:r:1:artifact/ds","DestinationArn":"arn:aws:sagemaker:r:1:experiment-trial-component/t-aws-training-job","AssociationType":"ContributedTo"},
            {"SourceArn":"arn:aws:sagemaker:r:1:experiment-trial-component/t-aws-training-job","DestinationArn":"arn:aws:sagemaker:r:1:artifact/pk","AssociationType":"Produced"},
            {"SourceArn":"arn:aws:sagemaker:r:1:artifact/pk","DestinationArn":"arn:aws:sagemaker:r:1:action/dep","AssociationType":"ContributedTo"}]}"#
            .to_vec()
    }

    pub(crate) fn lineage(w: &mut Workspace, files: Vec<(&str, Vec<u8>)>) -> (Option<Lineage>, Vec<Refused>) {
        let files = files.into_iter().map(|(n, b)| (n.to_owned(), b, None)).collect();
        let (l, refused) = w.add(files, &RoleTable::builtin());
        (l.ok().flatten(), refused)
    }

    #[test]
    fn a_bad_file_changes_nothing_and_files_can_be_removed() {
        let mut w = Workspace::new();
        let (l, refused) = lineage(&mut w, vec![("a.json", page())]);
        assert!(l.is_some() && refused.is_empty());
        let (l, refused) = lineage(&mut w, vec![("bad.json", b"{".to_vec())]);
        assert_eq!(l.map(|l| l.graph.node_count()), Some(4));
        assert_eq!(refused.len(), 1);
        assert!(refused[0].starts_with("bad.json: "), "{refused:?}");
        assert_eq!(w.names(), ["a.json"]);
        assert!(matches!(w.remove("a.json", &RoleTable::builtin()), Ok(None)));
        assert!(w.is_empty());
    }

    #[test]
    fn a_merge_in_steps_reads_a_bundles_descriptions_in_batches_and_gives_the_same_lineage() {
        let opts = crate::synth::SynthOptions { models: 12, weeks: 52, raw_partitions: 1, described: true };
        let mut bundle = Vec::new();
        crate::synth::synth(&opts, &mut bundle).unwrap_or_else(|e| panic!("{e}"));
        assert!(opts.description_count() > 8192, "one batch only: {}", opts.description_count());
        let roles = RoleTable::builtin();
        let mut w = Workspace::new();
        w.insert(vec![("bundle.json".into(), bundle.clone(), None), ("bad.json".into(), b"{".to_vec(), None)]);
        let mut build = Build::default();
        let mut steps = Vec::new();
        let (stepped, refused) = loop {
            steps.push(w.next_step(&build));
            if let Some(done) = w.step(&mut build, &roles) {
                break done;
            }
        };
        let mut kinds: Vec<String> = steps
            .iter()
            .map(|s| match s {
                NextStep::Parse { file, .. } => format!("parse {file}"),
                NextStep::Descriptions { done, total, .. } => format!("descriptions {done}/{total}"),
                NextStep::Finish { .. } => "finish".into(),
            })
            .collect();
        // The bundle (more than `STEPPED_FROM` bytes) is read a few megabytes a step, from its start each time.
        assert!(bundle.len() > STEPPED_FROM, "{}", bundle.len());
        let reads: Vec<usize> = steps
            .iter()
            .filter_map(|s| match s {
                NextStep::Parse { file, read, .. } if file == "bundle.json" => Some(*read),
                _ => None,
            })
            .collect();
        let each = reads.len() / 2;
        assert!(each >= 2 && reads[..each] == reads[each..] && reads[0] == 0, "{reads:?}");
        assert!(reads[..each].windows(2).all(|w| w[0] < w[1]), "{reads:?}");
        kinds.dedup_by(|a, b| a == b && a.starts_with("parse "));
        let n = opts.description_count();
        let expected = vec![
            "parse bundle.json".to_owned(),
            format!("descriptions 0/{n}"),
            format!("descriptions 8192/{n}"),
            "parse bad.json".into(),
            // bad.json is refused, and the merge starts again without it.
            "parse bundle.json".into(),
            format!("descriptions 0/{n}"),
            format!("descriptions 8192/{n}"),
        ];
        // Then `Loader::finish`'s phases a step each, and the step that makes the lineage.
        let expected = [expected, vec!["finish".to_owned(); super::super::PHASES.len() + 1]].concat();
        assert_eq!(kinds, expected);
        assert_eq!(refused.len(), 1, "{refused:?}");
        let stepped = stepped.ok().flatten().unwrap_or_else(|| panic!("no lineage"));
        // The whole file at once, its description batches read in halves on two threads, as the CLI does.
        let mut whole = Loader::new();
        whole.lend_threads(|a, b| {
            std::thread::scope(|s| {
                s.spawn(b);
                a();
            })
        });
        whole.add_file("bundle.json", &bundle).unwrap_or_else(|e| panic!("{e}"));
        let whole = whole.finish(&roles).unwrap_or_else(|e| panic!("{e}"));
        let json = |l: &Lineage| {
            let r = crate::answer(l, &crate::Query::Start(None)).unwrap_or_else(|e| panic!("{e}"));
            serde_json::to_string(&r).unwrap_or_default()
        };
        assert_eq!(
            (stepped.graph.node_count(), stepped.graph.edge_count()),
            (whole.graph.node_count(), whole.graph.edge_count())
        );
        assert_eq!(json(&stepped), json(&whole));
    }

    #[test]
    fn a_digest_given_while_the_files_merge_is_the_inputs_and_one_never_given_is_computed() {
        let roles = RoleTable::builtin();
        let merged = |w: &mut Workspace, given: Option<&str>| {
            let mut build = Build::default();
            loop {
                if matches!(w.next_step(&build), NextStep::Finish { .. }) {
                    if let Some(h) = given {
                        w.set_sha256("a.json", Some(h.to_owned()));
                    }
                }
                if let Some((l, _)) = w.step(&mut build, &roles) {
                    let l = l.ok().flatten().unwrap_or_else(|| panic!("no lineage"));
                    return l.inputs.iter().map(|i| (i.name.clone(), i.sha256.clone())).collect::<Vec<_>>();
                }
            }
        };
        let mut w = Workspace::new();
        w.insert_digested_later(vec![("a.json".into(), page())]);
        assert_eq!(w.files().map(|(_, _, s)| s).collect::<Vec<_>>(), [None]);
        assert_eq!(merged(&mut w, Some("feed")), [("a.json".to_owned(), "feed".to_owned())]);
        assert_eq!(w.files().map(|(_, _, s)| s).collect::<Vec<_>>(), [Some("feed")]);
        let mut w = Workspace::new();
        w.insert_digested_later(vec![("a.json".into(), page())]);
        assert_eq!(merged(&mut w, None), [("a.json".to_owned(), Loader::sha256_hex(&page()))]);
    }

    #[test]
    fn a_merge_in_steps_starts_again_when_the_files_change_under_it() {
        let roles = RoleTable::builtin();
        let mut w = Workspace::new();
        w.insert(vec![("a.json".into(), page(), None)]);
        let mut build = Build::default();
        assert!(w.step(&mut build, &roles).is_none(), "parsed a.json");
        // a.json replaced by a page with one vertex more, while the first build is under way.
        let more = String::from_utf8(page()).unwrap_or_default().replacen(
            "\"Vertices\":[",
            "\"Vertices\":[{\"Arn\":\"arn:aws:sagemaker:r:1:artifact/extra\",\"LineageType\":\"Artifact\"},",
            1,
        );
        w.insert(vec![("a.json".into(), more.into_bytes(), None)]);
        assert_eq!(w.next_step(&build), NextStep::Parse { file: "a.json".into(), bytes: w.files[0].1.len(), read: 0 });
        let merged = loop {
            if let Some(done) = w.step(&mut build, &roles) {
                break done;
            }
        };
        let lineage = merged.0.ok().flatten().unwrap_or_else(|| panic!("no lineage"));
        assert_eq!(lineage.graph.node_count(), 5);
    }
}
