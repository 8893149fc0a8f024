//! `lineage diff` and `lineage impact`, checked against what else the core says: a diff of two versions against
//! their two reports, field by field; an impact's model versions against a brute-force walk up from every package;
//! its inferences against the inference answer of every capture record; and both against their inputs reversed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lineage_core::deployments::InferenceError;
use lineage_core::impact::{impact, Impact, Window};
use lineage_core::model::roles::Role;
use lineage_core::narrative::{ChangeQuestion, Diff, Report};
use lineage_core::packages::{self, Package};
use lineage_core::subject::{resolve_inference, InferenceQuery};
use lineage_core::{Lineage, NarrativeError, Query};

use crate::{entries, files_under, fixtures, load, root};

/// The exports these checks run on: the bundled example (with its fleet), the other systems' examples, and the
/// inference fixtures (deployment switches, traffic shifts, two variants).
fn exports() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        ["examples/credit-xgb", "examples/credit-xgb-mlflow", "examples/credit-xgb-airflow", "examples/credit-xgb-dvc"]
            .iter()
            .map(|p| root().join(p))
            .collect();
    out.extend(entries(&fixtures("inference")).into_iter().filter(|p| p.is_dir()));
    out
}

fn loaded(path: &Path) -> Lineage {
    load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn report_of(lineage: &Lineage, p: &Package) -> Report {
    lineage_core::answer(lineage, &Query::Start(Some(p.arn.clone()))).unwrap_or_else(|e| panic!("{}: {e}", p.arn))
}

/// Every pair of consecutive versions of a group the export holds.
fn consecutive(all: &[Package]) -> Vec<(&Package, &Package)> {
    all.iter().filter_map(|p| packages::next(all, p).map(|q| (p, q))).collect()
}

/// The changes of one question, as (field, from, to).
fn changed(d: &Diff, q: ChangeQuestion) -> BTreeSet<(String, Option<String>, Option<String>)> {
    d.changes.iter().filter(|c| c.question == q).map(|c| (c.field.clone(), c.from.clone(), c.to.clone())).collect()
}

/// What two maps of one fact per key should give: a change for each key whose values differ or that one side lacks.
fn expected_map_changes(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
) -> BTreeSet<(String, Option<String>, Option<String>)> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| ((*k).clone(), a.get(k).cloned(), b.get(k).cloned()))
        .collect()
}

/// The one training job's facts, as the diff keys them (`None` when a side has not exactly one job).
fn job_maps(r: &Report) -> Option<(BTreeMap<String, String>, BTreeMap<String, String>)> {
    let [job] = r.answers.training_jobs.as_slice() else { return None };
    let metrics = job.metrics.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
    Some((job.hyperparameters.clone(), metrics))
}

/// The diff's word on one scalar fact, checked against the two reports' values: a change when both hold it and
/// they differ, "not recorded" on the side that lacks it, and nothing when they agree.
fn check_scalar(d: &Diff, q: ChangeQuestion, field: &str, a: Option<String>, b: Option<String>, what: &str) {
    check_scalar_as(d, q, field, a, b, what, |x, y| x == y)
}

/// [`check_scalar`], with what counts as the same value: an approver's role-session ARN is the e-mail it ends in, a
/// commit is its abbreviation.
fn check_scalar_as(
    d: &Diff,
    q: ChangeQuestion,
    field: &str,
    a: Option<String>,
    b: Option<String>,
    what: &str,
    same: fn(&str, &str) -> bool,
) {
    let change = d.changes.iter().find(|c| c.question == q && c.field == field);
    let gap_from = d.gaps.from.iter().any(|g| g.question == q && g.field == field);
    let gap_to = d.gaps.to.iter().any(|g| g.question == q && g.field == field);
    match (&a, &b) {
        (Some(x), Some(y)) if !same(x, y) => {
            let c = change.unwrap_or_else(|| panic!("{what}: {field} differs ({x} / {y}) but is not listed"));
            assert_eq!((c.from.as_ref(), c.to.as_ref()), (Some(x), Some(y)), "{what}: {field}");
        }
        (Some(_), Some(_)) | (None, None) => assert!(change.is_none() && !gap_from && !gap_to, "{what}: {field}"),
        (Some(_), None) => assert!(change.is_none() && gap_to, "{what}: {field} should be not recorded on `to`"),
        (None, Some(_)) => assert!(change.is_none() && gap_from, "{what}: {field} should be not recorded on `from`"),
    }
}

fn check_diff_against_reports(d: &Diff, a: &Report, b: &Report) {
    let what = format!("{} -> {}", d.from.name, d.to.name);
    if let (Some((ha, ma)), Some((hb, mb))) = (job_maps(a), job_maps(b)) {
        for (q, x, y) in [(ChangeQuestion::Hyperparameters, &ha, &hb), (ChangeQuestion::Metrics, &ma, &mb)] {
            // A job that records none (an undescribed job) does not answer the question: its keys are not
            // recorded there, not removed.
            let expected = if x.is_empty() || y.is_empty() { BTreeSet::new() } else { expected_map_changes(x, y) };
            assert_eq!(changed(d, q), expected, "{what}: {q:?}");
            let not_recorded =
                |gaps: &[lineage_core::narrative::NotRecorded]| gaps.iter().filter(|g| g.question == q).count();
            let (gap_from, gap_to) = (not_recorded(&d.gaps.from), not_recorded(&d.gaps.to));
            assert_eq!(
                (gap_from, gap_to),
                (if x.is_empty() { y.len() } else { 0 }, if y.is_empty() { x.len() } else { 0 }),
                "{what}: {q:?} not recorded"
            );
        }
        for c in
            d.changes.iter().filter(|c| c.question == ChangeQuestion::Metrics && c.from.is_some() && c.to.is_some())
        {
            let (x, y) =
                (ma[&c.field].parse::<f64>().unwrap_or(f64::NAN), mb[&c.field].parse::<f64>().unwrap_or(f64::NAN));
            let delta = c.delta.unwrap_or_else(|| panic!("{what}: metric {} has no delta", c.field));
            assert!((delta - (y - x)).abs() < 1e-6, "{what}: {} delta {delta} vs {}", c.field, y - x);
        }
    }
    let status =
        |r: &Report| r.answers.approval.as_ref().and_then(|ap| ap.status.as_ref().map(|s| s.as_str().to_owned()));
    let approver = |r: &Report| r.answers.approval.as_ref().and_then(|ap| ap.by.clone());
    if a.answers.approval.is_some() && b.answers.approval.is_some() {
        check_scalar(d, ChangeQuestion::Approval, "status", status(a), status(b), &what);
        let person = |x: &str, y: &str| {
            let tail = |s: &str| s.rsplit('/').next().unwrap_or(s).to_ascii_lowercase();
            tail(x) == tail(y)
        };
        check_scalar_as(d, ChangeQuestion::Approval, "approver", approver(a), approver(b), &what, person);
    }
    let commit = |r: &Report| {
        let mut c: Vec<&str> = r.answers.code.iter().filter_map(|c| c.commit.as_deref()).collect();
        c.dedup();
        (!c.is_empty()).then(|| c.join(", "))
    };
    if !a.answers.code.is_empty() && !b.answers.code.is_empty() {
        let abbreviation = |x: &str, y: &str| x.len().min(y.len()) >= 7 && (x.starts_with(y) || y.starts_with(x));
        check_scalar_as(d, ChangeQuestion::Code, "commit", commit(a), commit(b), &what, abbreviation);
    }
    // Each upstream source both sides hold by kind and name: a change exactly when its version differs.
    for s in &a.answers.upstream_sources {
        let Some(t) = b.answers.upstream_sources.iter().find(|t| t.kind == s.kind && t.name == s.name) else {
            continue;
        };
        let field = format!("{} {}", s.kind.label(), s.name);
        let at = |u: &lineage_core::narrative::UpstreamSource| {
            u.version.clone().or_else(|| u.uri.clone()).unwrap_or_else(|| u.arn.clone())
        };
        let listed = d.changes.iter().any(|c| c.question == ChangeQuestion::UpstreamSources && c.field == field);
        assert_eq!(listed, at(s) != at(t), "{what}: upstream {field}");
    }
    // Nothing listed twice, nothing listed as a change to itself.
    let mut seen = BTreeSet::new();
    for c in &d.changes {
        assert!(seen.insert((c.question, c.field.clone())), "{what}: {} listed twice", c.field);
        assert_ne!(c.from, c.to, "{what}: {} listed as changed to itself", c.field);
    }
}

#[test]
fn a_diff_of_consecutive_versions_lists_exactly_the_facts_their_reports_differ_in() {
    let mut pairs = 0;
    for export in exports() {
        let lineage = loaded(&export);
        let all = packages::packages(&lineage);
        for (p, q) in consecutive(&all) {
            let d = lineage_core::narrative::diff(&lineage, &p.arn, None).unwrap_or_else(|e| panic!("{}: {e}", p.arn));
            assert_eq!(
                (d.from.arn.as_str(), d.to.arn.as_str()),
                (p.arn.as_str(), q.arn.as_str()),
                "--to defaults to the next version"
            );
            let (a, b) = (report_of(&lineage, p), report_of(&lineage, q));
            check_diff_against_reports(&d, &a, &b);
            // The later version's report carries the same comparison as its "Changes since the previous version".
            assert_eq!(b.changes.as_ref(), Some(&d), "{}: the report's changes", q.label());
            pairs += 1;
        }
        // The first version of each group has no previous one in the export, and no such section.
        for p in all.iter().filter(|p| packages::previous(&all, p).is_none() && p.vertex.is_some()) {
            assert!(report_of(&lineage, p).changes.is_none(), "{}", p.label());
        }
    }
    assert!(pairs >= 14, "only {pairs} consecutive pairs compared");
}

#[test]
fn a_diff_refuses_the_same_version_twice_and_names_what_is_missing() {
    let lineage = loaded(&root().join("examples/credit-xgb"));
    let same = lineage_core::narrative::diff(
        &lineage,
        "credit-xgb/73",
        Some("arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-xgb/73"),
    );
    assert!(matches!(same, Err(lineage_core::narrative::DiffError::Same { .. })), "{same:?}");
    let latest = lineage_core::narrative::diff(&lineage, "credit-xgb/73", None);
    assert!(latest.as_ref().is_err_and(|e| e.to_string().contains("latest version")), "{latest:?}");
    let unknown = lineage_core::narrative::diff(&lineage, "credit-xgb/7", None);
    assert!(
        matches!(unknown, Err(lineage_core::narrative::DiffError::Start(NarrativeError::NotFound { .. }))),
        "{unknown:?}"
    );
}

/// The model versions a brute-force walk finds above nothing but `source`: every package one of whose vertices has
/// `source` among its ancestors (or is it).
fn brute_force_models(lineage: &Lineage, all: &[Package], source: petgraph::graph::NodeIndex) -> BTreeSet<String> {
    let g = &lineage.graph;
    let mut vertices: BTreeMap<&str, Vec<petgraph::graph::NodeIndex>> = BTreeMap::new();
    for (&ix, arn) in &g.package_of {
        vertices.entry(arn.as_str()).or_default().push(ix);
    }
    all.iter()
        .filter(|p| {
            let mut vs = vertices.get(p.arn.as_str()).cloned().unwrap_or_default();
            vs.extend(p.vertex);
            vs.iter()
                .any(|&v| v == source || lineage_core::query::walk(g, v, true, None).iter().any(|(a, _)| *a == source))
        })
        .map(|p| p.arn.clone())
        .collect()
}

#[test]
fn an_impact_finds_every_model_version_a_brute_force_walk_finds() {
    let mut sources = 0;
    for export in exports() {
        let lineage = loaded(&export);
        let g = &lineage.graph;
        let all = packages::packages(&lineage);
        for ix in g.node_indices() {
            let n = g.node(ix);
            let interesting = matches!(
                n.role,
                Role::FeatureStoreVersion
                    | Role::ExclusionList
                    | Role::RawData
                    | Role::TrainingDataset
                    | Role::CodeCommit
                    | Role::TrainingJob
                    | Role::ProcessingJob
                    | Role::Image
                    | Role::Other
            );
            if !interesting {
                continue;
            }
            let found = impact(&lineage, &n.arn, None).unwrap_or_else(|e| panic!("{}: {e}", n.arn));
            let models: BTreeSet<String> = found.models.iter().map(|m| m.arn.clone()).collect();
            assert_eq!(models, brute_force_models(&lineage, &all, ix), "{}: impact of {}", export.display(), n.arn);
            for m in &found.models {
                let path = &m.path;
                assert_eq!(
                    path.first().map(|s| s.arn.as_str()),
                    Some(&*n.arn),
                    "{}: path starts at the source",
                    m.name
                );
                assert!(
                    path.windows(2).all(|w| {
                        let (a, b) = (g.find_arn(&w[0].arn), g.find_arn(&w[1].arn));
                        a.zip(b).is_some_and(|(a, b)| g.petgraph().contains_edge(a, b))
                    }),
                    "{}: every step of the path is an edge downstream",
                    m.name
                );
            }
            // Every other item leads back to the source through `via`, one edge downstream at a time.
            let mut via: BTreeMap<&str, &str> =
                found.downstream.iter().map(|r| (r.arn.as_str(), r.via.as_str())).collect();
            for m in &found.models {
                via.extend(m.path.windows(2).map(|w| (w[1].arn.as_str(), w[0].arn.as_str())));
            }
            for r in &found.downstream {
                let (mut at, mut steps) = (r.arn.as_str(), 0);
                while let Some(&before) = via.get(at) {
                    let (a, b) = (g.find_arn(before), g.find_arn(at));
                    assert!(a.zip(b).is_some_and(|(a, b)| g.petgraph().contains_edge(a, b)), "{before} -> {at}");
                    at = before;
                    steps += 1;
                    assert!(steps <= via.len(), "{}: via goes round", r.arn);
                }
                assert_eq!(at, &*n.arn, "{}: via leads back to the source", r.arn);
            }
            sources += 1;
        }
    }
    assert!(sources >= 60, "only {sources} sources walked");
}

/// For every capture record of an export: the package its inference answer names, or the packages of the switch
/// it fell in.
fn served_by(lineage: &Lineage) -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, BTreeSet<String>>) {
    let mut sure: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut possibly: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in &lineage.graph.records.captures {
        let id = c.inference_id.clone().unwrap_or_else(|| c.event_id.clone());
        let q = InferenceQuery { id: id.clone(), endpoint: c.endpoint.clone(), variant: c.variant.clone() };
        match resolve_inference(lineage, &q) {
            Ok(answer) => {
                sure.entry(answer.model_package).or_default().insert(id);
            }
            Err(InferenceError::Overlap(o)) => {
                for p in &o.packages {
                    possibly.entry(p.clone()).or_default().insert(id.clone());
                }
            }
            Err(_) => {}
        }
    }
    (sure, possibly)
}

fn inferences_of(i: &Impact, arn: &str, certain: bool) -> BTreeSet<String> {
    i.inference_rows().into_iter().filter(|r| r.model_package == arn && r.certain == certain).map(|r| r.id).collect()
}

#[test]
fn an_impact_lists_exactly_the_inferences_each_affected_version_served() {
    let mut checked = 0;
    for export in exports() {
        let lineage = loaded(&export);
        if lineage.graph.records.captures.is_empty() {
            continue;
        }
        let (sure, possibly) = served_by(&lineage);
        for p in packages::packages(&lineage) {
            let i = impact(&lineage, &p.arn, None).unwrap_or_else(|e| panic!("{}: {e}", p.arn));
            let none = BTreeSet::new();
            assert_eq!(
                inferences_of(&i, &p.arn, true),
                *sure.get(&p.arn).unwrap_or(&none),
                "{}: {}",
                export.display(),
                p.label()
            );
            assert_eq!(
                inferences_of(&i, &p.arn, false),
                *possibly.get(&p.arn).unwrap_or(&none),
                "{}: {} possibly",
                export.display(),
                p.label()
            );
            checked += sure.get(&p.arn).map_or(0, BTreeSet::len);
        }
    }
    assert!(checked >= 10, "only {checked} inferences tied");
}

#[test]
fn an_impact_of_the_examples_feature_group_finds_its_versions_and_cuts_to_a_window() {
    let lineage = loaded(&root().join("examples/credit-xgb"));
    let all = impact(&lineage, "accounts", None).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = all.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["credit-xgb/72", "credit-xgb/73"]);
    // credit-xgb/71 served loan-8190 before the switch to 73: not affected by the W09/W10 feature-store versions.
    assert_eq!(
        inferences_of(&all, &all.models[1].arn, true),
        ["loan-8229", "loan-8231", "loan-8232"].map(String::from).into()
    );
    let t = |s: &str| lineage_core::time::Timestamp::parse(s).unwrap_or_else(|| panic!("{s}"));
    let window = Window { from: Some(t("2027-03-12T14:03:20Z")), to: Some(t("2027-03-12T14:03:30Z")) };
    let cut = impact(&lineage, "accounts", Some(window)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cut.inferences, 1);
    assert_eq!(inferences_of(&cut, &cut.models[1].arn, true), ["loan-8231".to_owned()].into());
    let one = impact(&lineage, "accounts@2027-W09", None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(one.models.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["credit-xgb/72"]);
    assert_eq!(one.inferences, 0);
}

/// Loads `dir`'s files in reverse path order.
fn load_reversed(dir: &Path) -> Lineage {
    let mut loader = lineage_core::Loader::new();
    let mut files = files_under(dir);
    files.reverse();
    for f in files {
        let name = f.strip_prefix(dir).map(|r| r.to_string_lossy().into_owned()).unwrap_or_default();
        loader.add_file(&name, &crate::read(&f)).unwrap_or_else(|e| panic!("{e}"));
    }
    loader.finish(&lineage_core::RoleTable::builtin()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn diff_and_impact_do_not_depend_on_file_order() {
    let dir = root().join("examples/credit-xgb");
    let (a, b) = (loaded(&dir), load_reversed(&dir));
    let json = |v: &dyn erased::Json| v.json();
    for source in ["accounts", "s3://credit/train/", "credit-xgb/71", "excl-v14"] {
        let (x, y) = (impact(&a, source, None), impact(&b, source, None));
        assert_eq!(json(&x.ok()), json(&y.ok()), "impact of {source}");
    }
    for from in ["credit-xgb/71", "credit-xgb/72", "collections-risk/1", "credit-limit/4"] {
        let (x, y) = (lineage_core::narrative::diff(&a, from, None), lineage_core::narrative::diff(&b, from, None));
        assert_eq!(json(&x.ok()), json(&y.ok()), "diff from {from}");
    }
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

fn validator(name: &str) -> jsonschema::Validator {
    let text = crate::read_text(&root().join("schema").join(name));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, value: &serde_json::Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(value).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

#[test]
fn diff_and_impact_json_satisfy_their_published_schemas() {
    let (diff_schema, impact_schema) = (validator("diff.schema.json"), validator("impact.schema.json"));
    let mut checked = 0;
    for export in exports() {
        let lineage = loaded(&export);
        let all = packages::packages(&lineage);
        for (p, q) in consecutive(&all) {
            let d = lineage_core::narrative::compare(&lineage, p, q).unwrap_or_else(|e| panic!("{e}"));
            let value = serde_json::to_value(&d).unwrap_or_else(|e| panic!("{e}"));
            assert_valid(&diff_schema, &value, &format!("diff {} -> {}", p.label(), q.label()));
            let report = serde_json::to_value(report_of(&lineage, q)).unwrap_or_else(|e| panic!("{e}"));
            assert_valid(&diff_schema, &report["changes"], &format!("report {}: changes", q.label()));
            checked += 1;
        }
        for p in &all {
            let i = impact(&lineage, &p.arn, None).unwrap_or_else(|e| panic!("{e}"));
            let value = serde_json::to_value(&i).unwrap_or_else(|e| panic!("{e}"));
            assert_valid(&impact_schema, &value, &format!("impact of {}", p.label()));
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} outputs validated");
    // The schemas are not vacuous: a diff without `unchanged`, an impact whose count is text, fail.
    let lineage = loaded(&root().join("examples/credit-xgb"));
    let mut d =
        serde_json::to_value(lineage_core::narrative::diff(&lineage, "credit-xgb/72", None).ok()).unwrap_or_default();
    d.as_object_mut().map(|o| o.remove("unchanged"));
    assert!(!diff_schema.is_valid(&d));
    let mut i = serde_json::to_value(impact(&lineage, "accounts", None).ok()).unwrap_or_default();
    i["inferences"] = serde_json::Value::String("3".into());
    assert!(!impact_schema.is_valid(&i));
}
