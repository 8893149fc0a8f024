//! Two model versions compared, fact by fact (`lineage diff`, and a report's "Changes since the previous version"):
//! each side's answers flattened into facts per question, then the facts compared. A question one side does not
//! answer leaves the other side's facts "not recorded" on it, never a change to or from nothing; inside a question
//! both answer, a member of a recorded set (a hyperparameter, a metric, an upstream source, a pipeline parameter)
//! present on one side only was added or removed.

use super::kinds::{ChangeQuestion, SourceKind};
use super::report::{Answers, UpstreamSource};
pub use super::report::{Change, Diff, NotRecorded, OneSided, Side};

/// What one side answers, flattened: the side, its answers, and the images its training ran (from the graph).
pub struct Version<'a> {
    pub side: Side,
    pub answers: &'a Answers,
    pub images: Vec<String>,
}

/// Why two versions could not be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffError {
    /// A name that resolves to nothing, or to several things.
    Start(crate::subject::NarrativeError),
    /// Both names stand for the same model version.
    Same { from: String, to: String, version: String },
    /// No `--to`, and the export holds no later version of `from`'s group.
    NoNext { from: String, group: Vec<String> },
    /// The name stands for a vertex that is no model version (a model artifact no package holds).
    NotAVersion { id: String, vertex: String },
}

impl From<crate::subject::NarrativeError> for DiffError {
    fn from(e: crate::subject::NarrativeError) -> DiffError {
        DiffError::Start(e)
    }
}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiffError::Start(e) => e.fmt(f),
            DiffError::Same { from, to, version } if from == to => {
                write!(f, "--from and --to both name {from:?} (model version {version}); name two different versions")
            }
            DiffError::Same { from, to, version } => write!(
                f,
                "--from {from:?} and --to {to:?} are the same model version, {version}; name two different versions"
            ),
            DiffError::NoNext { from, group } if group.len() <= 1 => write!(
                f,
                "no --to given, and the export holds no later version of {from} in its group; pass --to VERSION"
            ),
            DiffError::NoNext { from, group } => write!(
                f,
                "no --to given, and {from} is the latest version of its group the export holds ({}); pass --to VERSION",
                group.join(", ")
            ),
            DiffError::NotAVersion { id, vertex } => write!(
                f,
                "{id:?} stands for {vertex}, which no model package or registered model version holds; name a model version"
            ),
        }
    }
}

impl std::error::Error for DiffError {}

/// One fact of one side: its field, its value (`None`: the question is answered but this fact is not recorded), and
/// what kind of fact it is.
struct Fact {
    field: String,
    value: Option<String>,
    kind: FactKind,
    /// When two values mean the same fact though written differently (a commit and its abbreviation, an approver's
    /// role ARN and e-mail): plain equality otherwise.
    same: Option<fn(&str, &str) -> bool>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FactKind {
    /// One value the side records or not.
    Scalar,
    /// A member of a set the side records (a hyperparameter, a pipeline parameter): absent on the other side means
    /// added or removed, unless that side does not record the set at all.
    Member(&'static str),
    /// The side answers the question but does not record this set (an execution without its parameters listed).
    SetNotRecorded(&'static str),
}

fn scalar(field: &str, value: Option<String>) -> Fact {
    Fact { field: field.to_owned(), value, kind: FactKind::Scalar, same: None }
}

fn member(set: &'static str, field: String, value: String) -> Fact {
    Fact { field, value: Some(value), kind: FactKind::Member(set), same: None }
}

fn equivalent(mut f: Fact, same: fn(&str, &str) -> bool) -> Fact {
    f.same = Some(same);
    f
}

/// Compares `from` with `to`.
pub fn diff(from: &Version, to: &Version) -> Diff {
    let mut d = Diff {
        from: from.side.clone(),
        to: to.side.clone(),
        changes: Vec::new(),
        unchanged: 0,
        gaps: OneSided::default(),
    };
    for q in ChangeQuestion::ALL {
        let (a, b) = facts(q, from, to);
        compare(q, a, b, &mut d);
    }
    d
}

/// The facts of question `q` on each side (`None`: the side does not answer it).
fn facts(q: ChangeQuestion, from: &Version, to: &Version) -> (Option<Vec<Fact>>, Option<Vec<Fact>>) {
    if q == ChangeQuestion::UpstreamSources {
        return upstream_facts(&from.answers.upstream_sources, &to.answers.upstream_sources);
    }
    let one = |v: &Version| match q {
        ChangeQuestion::ModelVersion => Some(model_version_facts(v.answers)),
        ChangeQuestion::TrainingData => training_data_facts(v.answers),
        ChangeQuestion::Hyperparameters => {
            keyed_job_facts(v.answers, |j| j.hyperparameters.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        ChangeQuestion::Metrics => {
            keyed_job_facts(v.answers, |j| j.metrics.iter().map(|(k, v)| (k.clone(), v.to_string())).collect())
        }
        ChangeQuestion::Code => code_facts(v),
        ChangeQuestion::Approval => approval_facts(v.answers),
        ChangeQuestion::Pipeline => pipeline_facts(v.answers),
        ChangeQuestion::UpstreamSources => None,
    };
    (one(from), one(to))
}

fn compare(q: ChangeQuestion, a: Option<Vec<Fact>>, b: Option<Vec<Fact>>, d: &mut Diff) {
    let (a, b) = match (a, b) {
        (None, None) => return,
        (Some(a), None) => return d.gaps.to.extend(not_recorded(q, a)),
        (None, Some(b)) => return d.gaps.from.extend(not_recorded(q, b)),
        (Some(a), Some(b)) => (a, b),
    };
    let set_missing = |side: &[Fact], f: &Fact| matches!(f.kind, FactKind::Member(set) if side.iter().any(|x| x.kind == FactKind::SetNotRecorded(set)));
    let mut fields: Vec<&str> = a.iter().map(|f| f.field.as_str()).collect();
    fields.extend(b.iter().map(|f| f.field.as_str()).filter(|f| !a.iter().any(|x| x.field == *f)));
    let find = |side: &[Fact], f: &str| side.iter().position(|x| x.field == f);
    for field in fields {
        let (x, y) = (find(&a, field).map(|i| &a[i]), find(&b, field).map(|i| &b[i]));
        let gap = |fact: &Fact| NotRecorded {
            question: q,
            field: field.to_owned(),
            recorded: fact.value.clone().unwrap_or_default(),
        };
        match (x.map(|f| &f.value), y.map(|f| &f.value)) {
            (Some(Some(u)), Some(Some(v))) if u == v || x.and_then(|f| f.same).is_some_and(|same| same(u, v)) => {
                d.unchanged += 1
            }
            (Some(Some(_)), Some(None)) => d.gaps.to.extend(x.map(gap)),
            (Some(None), Some(Some(_))) => d.gaps.from.extend(y.map(gap)),
            (Some(None), _) | (_, Some(None)) => {}
            (Some(Some(_)), None) if x.is_some_and(|f| f.kind == FactKind::Scalar || set_missing(&b, f)) => {
                d.gaps.to.extend(x.map(gap))
            }
            (None, Some(Some(_))) if y.is_some_and(|f| f.kind == FactKind::Scalar || set_missing(&a, f)) => {
                d.gaps.from.extend(y.map(gap))
            }
            (u, v) => {
                let (from, to) = (u.cloned().flatten(), v.cloned().flatten());
                let delta = match (q, &from, &to) {
                    (ChangeQuestion::Metrics, Some(u), Some(v)) => number_delta(u, v),
                    _ => None,
                };
                d.changes.push(Change { question: q, field: field.to_owned(), from, to, delta });
            }
        }
    }
}

fn number_delta(u: &str, v: &str) -> Option<f64> {
    let (u, v) = (u.parse::<f64>().ok()?, v.parse::<f64>().ok()?);
    // Rounded to what the inputs state (metrics come as decimals): 0.893 - 0.887 is 0.006, not 0.0060000000000000053.
    Some(((v - u) * 1e9).round() / 1e9)
}

fn not_recorded(q: ChangeQuestion, facts: Vec<Fact>) -> impl Iterator<Item = NotRecorded> {
    facts.into_iter().filter_map(move |f| Some(NotRecorded { question: q, field: f.field, recorded: f.value? }))
}

fn model_version_facts(a: &Answers) -> Vec<Fact> {
    let mv = &a.model_version;
    let recorded = mv.recorded_model.as_ref();
    vec![
        scalar("arn", mv.arn.clone().or_else(|| recorded.map(|m| m.dataset.clone()))),
        scalar("version", mv.version.map(|v| v.to_string()).or_else(|| recorded.and_then(|m| m.version.clone()))),
        scalar("model data", (!mv.model_data.is_empty()).then(|| mv.model_data.join(", "))),
    ]
}

/// Each dataset by the channel it was given as (`train` when none is named), with the training jobs.
fn training_data_facts(a: &Answers) -> Option<Vec<Fact>> {
    if a.training_datasets.is_empty() && a.training_jobs.is_empty() {
        return None;
    }
    let mut out: Vec<Fact> = Vec::new();
    let jobs: Vec<&str> = a.training_jobs.iter().map(|j| j.name.as_str()).collect();
    out.push(scalar("training job", (!jobs.is_empty()).then(|| jobs.join(", "))));
    for d in &a.training_datasets {
        let channel = format!("channel {}", d.channel.as_deref().unwrap_or("train"));
        let place = d.uri.clone().or_else(|| d.arn.clone()).unwrap_or_default();
        match out.iter_mut().find(|f| f.field == channel) {
            Some(f) => f.value = f.value.take().map(|v| format!("{v}, {place}")),
            None => out.push(member("channels", channel, place)),
        }
    }
    Some(out)
}

/// The sources of each side keyed so a version change pairs them: by kind and name, or by kind alone when each
/// side has exactly one source of that kind (an exclusion list renamed with its version: `excl-v14` → `excl-v15`).
fn upstream_facts(a: &[UpstreamSource], b: &[UpstreamSource]) -> (Option<Vec<Fact>>, Option<Vec<Fact>>) {
    let count = |side: &[UpstreamSource], k: SourceKind| side.iter().filter(|s| s.kind == k).count();
    let one_each = |k: SourceKind| count(a, k) == 1 && count(b, k) == 1;
    let side = |side: &[UpstreamSource]| {
        (!side.is_empty()).then(|| {
            side.iter()
                .map(|s| {
                    let at = s.version.clone().or_else(|| s.uri.clone()).unwrap_or_else(|| s.arn.clone());
                    if one_each(s.kind) && !count_named(a, b, s) {
                        member("sources", s.kind.label().to_owned(), format!("{} {at}", s.name))
                    } else {
                        member("sources", format!("{} {}", s.kind.label(), s.name), at)
                    }
                })
                .collect()
        })
    };
    (side(a), side(b))
}

/// Whether both sides hold a source of `s`'s kind and name (then it is keyed by name, and its value is its version).
fn count_named(a: &[UpstreamSource], b: &[UpstreamSource], s: &UpstreamSource) -> bool {
    let has = |side: &[UpstreamSource]| side.iter().any(|x| x.kind == s.kind && x.name == s.name);
    has(a) && has(b)
}

/// One fact per key of each training job (`job N: key` when a side has several jobs); `None` when no job records any.
fn keyed_job_facts(
    a: &Answers,
    keyed: impl Fn(&super::report::TrainingJobAnswer) -> Vec<(String, String)>,
) -> Option<Vec<Fact>> {
    let several = a.training_jobs.len() > 1;
    let facts: Vec<Fact> = a
        .training_jobs
        .iter()
        .enumerate()
        .flat_map(|(i, j)| {
            keyed(j)
                .into_iter()
                .map(move |(k, v)| member("keys", if several { format!("job {}: {k}", i + 1) } else { k }, v))
        })
        .collect();
    (!facts.is_empty()).then_some(facts)
}

fn code_facts(v: &Version) -> Option<Vec<Fact>> {
    let code = &v.answers.code;
    if code.is_empty() && v.images.is_empty() {
        return None;
    }
    let joined = |f: fn(&super::report::CodeAnswer) -> Option<&String>| {
        let mut all: Vec<&str> = code.iter().filter_map(|c| f(c).map(String::as_str)).collect();
        all.dedup();
        (!all.is_empty()).then(|| all.join(", "))
    };
    Some(vec![
        scalar("repository", joined(|c| c.repository.as_ref())),
        equivalent(scalar("commit", joined(|c| c.commit.as_ref())), super::reconcile::same_commit),
        scalar("image", (!v.images.is_empty()).then(|| v.images.join(", "))),
    ])
}

fn approval_facts(a: &Answers) -> Option<Vec<Fact>> {
    let ap = a.approval.as_ref()?;
    Some(vec![
        scalar("status", ap.status.as_ref().map(|s| s.as_str().to_owned())),
        equivalent(scalar("approver", ap.by.clone()), super::reconcile::same_identity),
        scalar("date", ap.at.map(|t| t.to_string())),
    ])
}

fn pipeline_facts(a: &Answers) -> Option<Vec<Fact>> {
    let p = a.pipeline.as_ref()?;
    let mut out = vec![scalar("pipeline", p.pipeline.clone()), scalar("execution", Some(p.execution_arn.clone()))];
    match &p.parameters {
        Some(params) => out.extend(
            params.iter().map(|param| member("parameters", format!("parameter {}", param.name), param.value.clone())),
        ),
        None => out.push(Fact {
            field: "parameters".into(),
            value: None,
            kind: FactKind::SetNotRecorded("parameters"),
            same: None,
        }),
    }
    Some(out)
}
