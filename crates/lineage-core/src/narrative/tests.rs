//! Unit tests of the narrative's pieces: the helpers, and the prose made from answers with fields missing.

use std::collections::BTreeMap;

use super::answers::{commit_from_uri, repository_from_uri};
use super::outline::{CodeFacts, DatasetFacts, Outline, RecordFacts};
use super::prose::{answer_gaps, humanize_count, join_and, sentence, tree};
use super::*;

#[test]
fn counts_read_like_the_article() {
    assert_eq!(humanize_count("27000000"), "27M");
    assert_eq!(humanize_count("180"), "180");
    assert_eq!(humanize_count("1500000"), "1.5M");
    assert_eq!(humanize_count("12500"), "12.5k");
    assert_eq!(humanize_count("1250000"), "1.25M");
    assert_eq!(humanize_count("3000000000"), "3B");
    assert_eq!(humanize_count("many"), "many");
}

#[test]
fn commits_and_repositories_come_out_of_urls() {
    assert_eq!(commit_from_uri("https://github.com/acme/credit-ml/commit/a14f2b9").as_deref(), Some("a14f2b9"));
    assert_eq!(commit_from_uri("github.com/acme/credit-ml@a14f2b9").as_deref(), Some("a14f2b9"));
    assert_eq!(commit_from_uri("s3://bucket/x@y"), None);
    assert_eq!(repository_from_uri("https://github.com/acme/credit-ml/commit/a14f2b9"), "github.com/acme/credit-ml");
    assert_eq!(repository_from_uri("git@github.com:acme/credit-ml.git"), "github.com/acme/credit-ml");
}

#[test]
fn lists_join_in_english() {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(join_and(&v(&["a"])), "a");
    assert_eq!(join_and(&v(&["a", "b"])), "a and b");
    assert_eq!(join_and(&v(&["a", "b", "c"])), "a, b and c");
}

fn nothing() -> Answers {
    Answers {
        model_version: ModelVersion::default(),
        training_jobs: Vec::new(),
        training_datasets: Vec::new(),
        upstream_sources: Vec::new(),
        code: Vec::new(),
        approval: None,
        pipeline: None,
    }
}

fn job(name: &str) -> TrainingJobAnswer {
    TrainingJobAnswer {
        arn: format!("arn:job/{name}"),
        name: name.into(),
        ended_at: None,
        status: None,
        hyperparameters: Default::default(),
        metrics: Default::default(),
        metric_sources: Default::default(),
        vertex: format!("arn:tc/{name}"),
        evidence: Evidence::default(),
    }
}

fn dataset(arn: Option<&str>, uri: Option<&str>, job: &str) -> DatasetAnswer {
    DatasetAnswer {
        arn: arn.map(str::to_owned),
        uri: uri.map(str::to_owned),
        channel: None,
        properties: Default::default(),
        training_job: format!("arn:job/{job}"),
        recorded_by: RecordedBy::SageMaker,
        evidence: Evidence::default(),
    }
}

fn approval(status: Option<&str>) -> ApprovalAnswer {
    ApprovalAnswer {
        status: status.map(crate::model::ApprovalStatus::parse),
        by: None,
        iam_arn: None,
        user_profile: None,
        at: None,
        description: None,
        sources: BTreeMap::new(),
        history: Vec::new(),
        conflicts: Vec::new(),
        evidence: Evidence::default(),
    }
}

#[test]
fn prose_of_nothing_says_nothing_was_recorded() {
    let a = nothing();
    let o = Outline { model_artifact: "s3://m/model.tar.gz".into(), ..Outline::default() };
    assert_eq!(
        sentence(&a, &o),
        "Model artifact s3://m/model.tar.gz (no model package recorded) was trained on an unrecorded dataset, by an unrecorded code commit."
    );
    assert_eq!(tree(&a, &o), "Model s3://m/model.tar.gz\n");
    assert!(answer_gaps(&a).is_empty());
    let endpoint =
        Outline { start_kind: SubjectKind::Endpoint, endpoint_name: "prod".into(), focus_is_start: true, ..o };
    assert_eq!(tree(&a, &endpoint), "Endpoint prod ← Model (not recorded)\n");
    assert!(sentence(&a, &endpoint).starts_with("Endpoint prod was served by an unrecorded model"));
}

#[test]
fn prose_of_a_package_without_approval_or_description() {
    let mut a = nothing();
    a.model_version.arn = Some("arn:aws:sagemaker:r:1:model-package/credit/7".into());
    a.model_version.group = Some("credit".into());
    a.model_version.version = Some(7);
    a.training_jobs.push(job("train-7"));
    a.training_datasets.push(dataset(None, None, "train-7"));
    let o = Outline { start_kind: SubjectKind::ModelPackage, ..Outline::default() };
    assert_eq!(
        sentence(&a, &o),
        "Model package credit/7 (approval never recorded) was trained on a dataset whose location was never recorded (its feature-store versions were never recorded), by an unrecorded code commit."
    );
    // Outline facts missing: the dataset is named by what the answer holds (nothing), and nothing panics.
    assert_eq!(
        tree(&a, &o),
        "Model package credit/7\n└── Training job: train-7\n    └── Training dataset: location not recorded\n"
    );
    let questions: Vec<Question> = answer_gaps(&a).into_iter().map(|g| g.question).collect();
    assert_eq!(questions, [Question::Hyperparameters, Question::Metrics]);
    a.approval = Some(approval(None));
    let questions: Vec<Question> = answer_gaps(&a).into_iter().map(|g| g.question).collect();
    assert_eq!(questions, [Question::ModelVersion, Question::Hyperparameters, Question::Metrics]);
    a.model_version.evidence.descriptions.push("arn:aws:sagemaker:r:1:model-package/credit/7".into());
    assert_eq!(answer_gaps(&a).len(), 2);
}

#[test]
fn tree_places_the_outline_facts() {
    let mut a = nothing();
    a.model_version.version = Some(3);
    a.model_version.vertex = Some("arn:pkg".into());
    a.approval = Some(approval(Some("Approved")));
    a.training_jobs.push(job("t"));
    a.training_datasets.push(dataset(Some("arn:ds"), None, "t"));
    a.upstream_sources.push(UpstreamSource {
        arn: "arn:fs".into(),
        kind: SourceKind::FeatureStoreVersion,
        name: "cards".into(),
        uri: None,
        version: None,
        dataset: "arn:ds".into(),
        datasets: vec!["arn:ds".into()],
        recorded_by: RecordedBy::SageMaker,
        evidence: Evidence::default(),
    });
    let o = Outline {
        focus_is_package: true,
        datasets: vec![DatasetFacts { name: "ds".into(), rows: Some("27000000".into()), features: None }],
        job_code: vec![vec![CodeFacts { repository: None, commit: None, name: "code-1".into() }]],
        approval_records: vec![RecordFacts { by: Some("risk-ops@acme.example".into()), at: None, name: "ap".into() }],
        ..Outline::default()
    };
    assert_eq!(
        tree(&a, &o),
        "Model package version 3 (Approved)\n\
         ├── Training job: t\n\
         │   ├── Training dataset: ds (27M rows)\n\
         │   │   └── Feature-store version: cards (version not recorded)\n\
         │   └── Code commit: not recorded (artifact code-1 names none)\n\
         └── Approval record: risk-ops@acme.example\n"
    );
    assert!(sentence(&a, &o).contains("approved by an unrecorded approver on an unrecorded date"));
    assert!(sentence(&a, &o).contains("assembled from feature-store version cards (version unrecorded)"));
}

/// Every answer the sentence uses, recorded.
fn everything() -> (Answers, Outline<'static>) {
    let mut a = nothing();
    a.model_version.arn = Some("arn:aws:sagemaker:r:1:model-package/credit/7".into());
    a.model_version.group = Some("credit".into());
    a.model_version.version = Some(7);
    let mut ap = approval(Some("Approved"));
    ap.by = Some("arn:aws:sts::1:assumed-role/Risk/alice@example.com".into());
    ap.at = crate::time::Timestamp::parse("2027-03-08T09:42:00Z");
    a.approval = Some(ap);
    a.training_jobs.push(job("train-7"));
    let mut train = dataset(Some("arn:ds/train"), Some("s3://b/train/"), "train-7");
    train.channel = Some("train".into());
    let mut validation = dataset(Some("arn:ds/validation"), Some("s3://b/validation/"), "train-7");
    validation.channel = Some("validation".into());
    a.training_datasets.extend([train, validation]);
    let source = |arn: &str, kind, name: &str, uri: Option<&str>, version: Option<&str>| UpstreamSource {
        arn: arn.into(),
        kind,
        name: name.into(),
        uri: uri.map(str::to_owned),
        version: version.map(str::to_owned),
        dataset: "arn:ds/train".into(),
        datasets: vec!["arn:ds/train".into(), "arn:ds/validation".into()],
        recorded_by: RecordedBy::SageMaker,
        evidence: Evidence::default(),
    };
    a.upstream_sources.extend([
        source("arn:fs", SourceKind::FeatureStoreVersion, "cards", None, Some("2027-W10")),
        source("arn:excl", SourceKind::ExclusionList, "excl", Some("s3://p/excl.csv"), Some("v14")),
        source("arn:raw", SourceKind::RawData, "raw", Some("s3://raw/2027/"), None),
    ]);
    a.code.push(CodeAnswer {
        repository: Some("github.com/acme/credit".into()),
        commit: Some("a14f2b9".into()),
        arn: None,
        source: "artifact".into(),
    });
    let o = Outline {
        start_kind: SubjectKind::ModelPackage,
        focus_is_package: true,
        focus_name: "credit-7".into(),
        model_artifact: "s3://m/model.tar.gz".into(),
        ..Outline::default()
    };
    (a, o)
}

/// The sentence is grammatical whatever the export lacks: no doubled or dangling words, no empty parentheses, no
/// "of" without its object; a missing value is said to be unrecorded, never left out of a phrase.
fn assert_well_formed(what: &str, s: &str) {
    for bad in ["  ", "()", "( ", " )", " ,", ",,", " .", "of and", "of ,", " of.", "None", "Some(", ": ;", ":)"] {
        assert!(!s.contains(bad), "{what}: {bad:?} in {s:?}");
    }
    assert!(s.ends_with('.') && s.chars().next().is_some_and(char::is_uppercase), "{what}: {s:?}");
}

#[test]
fn sentence_with_every_field_missing_in_turn() {
    let (full, o) = everything();
    assert_eq!(
        sentence(&full, &o),
        "Model package credit/7 (approved by alice@example.com on 2027-03-08) was trained on dataset s3://b/train/ \
         (validation: s3://b/validation/) assembled from feature-store version cards 2027-W10 (train, validation) \
         and raw data s3://raw/2027/ (train, validation) with exclusion list s3://p/excl.csv (train, validation), by \
         code commit a14f2b9."
    );
    type Cut = fn(&mut Answers);
    let cuts: [(&str, bool, Cut); 20] = [
        ("package ARN", false, |a| a.model_version.arn = None),
        ("package group", true, |a| a.model_version.group = None),
        ("package version", true, |a| a.model_version.version = None),
        ("package group, version and ARN", true, |a| {
            a.model_version.arn = None;
            a.model_version.group = None;
            a.model_version.version = None;
        }),
        ("approval", true, |a| a.approval = None),
        ("approval status", true, |a| a.approval.iter_mut().for_each(|p| p.status = None)),
        ("approver", true, |a| a.approval.iter_mut().for_each(|p| p.by = None)),
        ("approval time", true, |a| a.approval.iter_mut().for_each(|p| p.at = None)),
        ("training jobs", false, |a| a.training_jobs.clear()),
        ("datasets", true, |a| a.training_datasets.clear()),
        ("dataset URIs", true, |a| a.training_datasets.iter_mut().for_each(|d| d.uri = None)),
        ("dataset URIs and ARNs", true, |a| {
            a.training_datasets.iter_mut().for_each(|d| {
                d.uri = None;
                d.arn = None;
            })
        }),
        ("channels", true, |a| a.training_datasets.iter_mut().for_each(|d| d.channel = None)),
        ("the validation set", true, |a| a.training_datasets.truncate(1)),
        ("upstream sources", true, |a| a.upstream_sources.clear()),
        ("source versions", true, |a| a.upstream_sources.iter_mut().for_each(|u| u.version = None)),
        ("source URIs", true, |a| a.upstream_sources.iter_mut().for_each(|u| u.uri = None)),
        ("code", true, |a| a.code.clear()),
        ("commit", true, |a| a.code.iter_mut().for_each(|c| c.commit = None)),
        ("commit and repository", true, |a| {
            a.code.iter_mut().for_each(|c| {
                c.commit = None;
                c.repository = None;
            })
        }),
    ];
    // `shown`: the value is in the sentence, so the sentence must change without it.
    for (what, shown, cut) in cuts {
        let mut a = full.clone();
        cut(&mut a);
        let s = sentence(&a, &o);
        assert_well_formed(what, &s);
        assert!(!shown || s != sentence(&full, &o), "{what}: the sentence did not change");
        let t = tree(&a, &o);
        assert!(t.lines().all(|l| !l.trim_end().ends_with(':')), "{what}: a tree label without its value\n{t}");
    }
}

#[test]
fn closed_sets_serialise_as_the_strings_they_replace() {
    let json = |v: &dyn erased::Ser| v.json();
    // The approval's sources map writes its keys in the enum's order: that order is the order of their names.
    let names: Vec<String> = ApprovalFact::ALL.iter().map(|f| json(f)).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.join(","), r#""at","by","description","iam_arn","status","user_profile""#);
    assert_eq!(json(&RecordedBy::SageMaker), r#""SageMaker lineage""#);
    let runs = RecordedBy::Runs(vec!["OpenLineage run a (f:1)".into(), "OpenLineage run b (f:2)".into()]);
    assert_eq!(json(&runs), r#""OpenLineage run a (f:1); OpenLineage run b (f:2)""#);
}

mod erased {
    pub trait Ser {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}
