//! What the report says in words, made from the answers (and the [`Outline`] the graph gave) alone, so each can be
//! tested on answers with any field missing: the gaps that rest on the answers, the provenance sentence, and the
//! ancestry tree with its labels.

use super::outline::{CodeFacts, DatasetFacts, DeploymentStep, Outline, RecordFacts};
use super::report::{
    Answers, ApprovalAnswer, ApprovalFact, DatasetAnswer, Gap, ModelVersion, Question, SourceKind, SubjectKind,
    TrainingJobAnswer, UpstreamSource,
};
use crate::model::ApprovalStatus;
use crate::text::format_number;

impl Answers {
    /// Which datasets an upstream source fed (by channel where the job names one), when the report has more than
    /// one dataset: `train, validation`.
    pub fn fed_label(&self, u: &UpstreamSource) -> Option<String> {
        fed_into(&self.training_datasets.iter().collect::<Vec<_>>(), u)
    }
}

/// The gaps of the answers that rest on descriptions: an undescribed model package, a training job without
/// hyperparameters or metrics.
pub(super) fn answer_gaps(a: &Answers) -> Vec<Gap> {
    let mut gaps = Vec::new();
    let mv = &a.model_version;
    if let Some(arn) = &mv.arn {
        // The package's DescribeModelPackage is among the evidence exactly when the export holds it.
        let described = !mv.evidence.descriptions.is_empty();
        if !described && a.approval.as_ref().is_some_and(|a| !a.sources.contains_key(&ApprovalFact::Status)) {
            gaps.push(Gap::new(
                Question::ModelVersion,
                format!(
                    "The DescribeModelPackage response for {arn} is not in the export: its approval status is unknown."
                ),
                "`aws sagemaker describe-model-package --model-package-name {arn}` added to the export",
            ));
        }
    }
    for j in &a.training_jobs {
        if j.hyperparameters.is_empty() {
            gaps.push(Gap::new(
                Question::Hyperparameters,
                format!("The hyperparameters of training job {} are not in the export.", j.name),
                "the DescribeTrainingJob response (HyperParameters), or the trial component's Parameters",
            ));
        }
        if j.metrics.is_empty() {
            gaps.push(Gap::new(
                Question::Metrics,
                format!("The final metrics of training job {} are not in the export.", j.name),
                "the DescribeTrainingJob response (FinalMetricDataList), or the trial component's Metrics",
            ));
        }
    }
    gaps
}

/// The provenance sentence: who served or produced what, trained on which data, assembled from which sources, by
/// which code.
pub(super) fn sentence(a: &Answers, o: &Outline) -> String {
    let package = package_phrase(a, o);
    let mut s = match o.start_kind {
        _ if o.inference.is_some() => {
            let (id, date) = o.inference.map(|i| (i.id.clone(), i.time.date())).unwrap_or_default();
            format!("Inference {id} on {date} was served by {package}, trained on ")
        }
        SubjectKind::Endpoint => format!("Endpoint {} was served by {package}, trained on ", o.endpoint_name),
        SubjectKind::TrainingJob => format!(
            "Training job {} produced {package}, trained on ",
            o.start_name.trim_end_matches("-aws-training-job")
        ),
        _ => format!("{} was trained on ", capitalize(&package)),
    };
    let datasets: Vec<&DatasetAnswer> = a.training_datasets.iter().collect();
    let trained = trained_on(&datasets);
    s.push_str(&trained);
    if !datasets.is_empty() {
        s = sources_clause(s, &trained, &datasets, &a.upstream_sources);
    }
    s.push_str(&code_clause(a));
    s
}

/// The model as the sentence names it, with its approval.
fn package_phrase(a: &Answers, o: &Outline) -> String {
    let mv = &a.model_version;
    if let Some(m) = mv.recorded_model.as_ref().filter(|_| o.focus_is_package) {
        let name = mv.name.as_deref().unwrap_or(&m.dataset);
        let what = match &m.version {
            Some(v) => format!("{} model {name} version {v}", m.system.as_str()),
            None => format!("{} model {name}", m.system.as_str()),
        };
        what + &approval_clause(a.approval.as_ref())
    } else if mv.arn.is_some() || mv.vertex.is_some() && o.focus_is_package {
        format!("model package {}", package_label(mv, o)) + &approval_clause(a.approval.as_ref())
    } else if o.focus_is_start && o.start_kind == SubjectKind::Endpoint {
        "an unrecorded model (no model package or model artifact is linked to it)".to_owned()
    } else {
        format!("model artifact {} (no model package recorded)", o.model_artifact)
    }
}

/// ` (approved by … on …)`, ` (approval status …)` or ` (approval never recorded)`.
fn approval_clause(approval: Option<&ApprovalAnswer>) -> String {
    match approval {
        Some(a) if a.status == Some(ApprovalStatus::Approved) => {
            let by = a.by.as_deref().map_or("an unrecorded approver", crate::model::person_name);
            let at = a.at.map(|t| t.date()).unwrap_or_else(|| "an unrecorded date".into());
            format!(" (approved by {by} on {at})")
        }
        Some(a) => {
            let status = a.status.as_ref().map_or("unknown", ApprovalStatus::as_str);
            format!(" (approval status {status})")
        }
        None => " (approval never recorded)".into(),
    }
}

fn package_label(mv: &ModelVersion, o: &Outline) -> String {
    match (&mv.group, mv.version, &mv.arn) {
        (Some(g), Some(v), _) => format!("{g}/{v}"),
        (_, _, Some(arn)) => arn.clone(),
        _ => o.focus_name.clone(),
    }
}

/// `s` (which ends with `trained`) followed by the feature-store versions, raw data and exclusion lists the
/// datasets were assembled from.
fn sources_clause(mut s: String, trained: &str, datasets: &[&DatasetAnswer], upstream: &[UpstreamSource]) -> String {
    // With several datasets, each source says which it fed (by channel where the job names one).
    let fed = |u: &UpstreamSource| fed_into(datasets, u).map_or(String::new(), |f| format!(" ({f})"));
    let place = |u: &UpstreamSource| format!("{}{}", u.uri.clone().unwrap_or_else(|| u.name.clone()), fed(u));
    let of_kind = |kind: SourceKind| upstream.iter().filter(move |u| u.kind == kind);
    let fs: Vec<String> = of_kind(SourceKind::FeatureStoreVersion)
        .map(|u| match &u.version {
            Some(v) => format!("{} {v}{}", u.name, fed(u)),
            None => format!("{} (version unrecorded){}", u.name, fed(u)),
        })
        .collect();
    let excl: Vec<String> = of_kind(SourceKind::ExclusionList).map(place).collect();
    let raw: Vec<String> = of_kind(SourceKind::RawData).map(place).collect();
    if fs.is_empty() {
        let their = if datasets.len() == 1 { "its" } else { "their" };
        // One parenthesis: "(validation: …; their feature-store versions were never recorded)".
        match s.strip_suffix(')') {
            Some(open) if s.len() > 1 && trained.ends_with(')') => {
                s = format!("{open}; {their} feature-store versions were never recorded)")
            }
            _ => s.push_str(&format!(" ({their} feature-store versions were never recorded)")),
        }
    } else {
        s.push_str(" assembled from feature-store ");
        s.push_str(if fs.len() == 1 { "version " } else { "versions " });
        s.push_str(&join_and(&fs));
    }
    if !raw.is_empty() {
        s.push_str(if fs.is_empty() { " assembled from raw data " } else { " and raw data " });
        s.push_str(&join_and(&raw));
    }
    if !excl.is_empty() {
        s.push_str(if excl.len() == 1 { " with exclusion list " } else { " with exclusion lists " });
        s.push_str(&join_and(&excl));
    }
    s
}

/// ", by code commit …." A commit the export names only by repository is "an unrecorded commit of REPO"; one with
/// neither is left to its gap, never a fragment of the sentence.
fn code_clause(a: &Answers) -> String {
    let commits: Vec<String> = a
        .code
        .iter()
        .filter_map(|c| match (&c.commit, &c.repository) {
            (Some(sha), _) => Some(sha.clone()),
            (None, Some(repo)) => Some(format!("an unrecorded commit of {repo}")),
            (None, None) => None,
        })
        .collect();
    match commits.len() {
        0 => ", by an unrecorded code commit.".to_owned(),
        1 => format!(", by code commit {}.", join_and(&commits)),
        _ => format!(", by code commits {}.", join_and(&commits)),
    }
}

/// The ancestry tree: the model, its training jobs with their datasets and sources, the code, the approval
/// records; under the endpoint and its deployment when the model is an artifact an endpoint served.
pub(super) fn tree(a: &Answers, o: &Outline) -> String {
    let mut root = TreeNode::new(root_label(&a.model_version, a.approval.as_ref(), o));
    for (i, job) in a.training_jobs.iter().enumerate() {
        let mut tn = job_node(a, o, job);
        for c in o.job_code.get(i).map(Vec::as_slice).unwrap_or_default() {
            tn.children.push(TreeNode::new(code_label(c)));
        }
        root.children.push(tn);
    }
    for c in &o.other_code {
        root.children.push(TreeNode::new(code_label(c)));
    }
    for r in &o.approval_records {
        root.children.push(TreeNode::new(approval_label(r)));
    }
    let root = match &o.deployment {
        Some(steps) => deployment_chain(root, steps, &o.endpoint_name),
        None => root,
    };
    let mut out = String::new();
    root.render(&mut out, "", true, true);
    out
}

/// A training job with its datasets, each with the sources it was assembled from.
fn job_node(a: &Answers, o: &Outline, job: &TrainingJobAnswer) -> TreeNode {
    let mut label = format!("Training job: {}", job.name);
    if let Some(end) = job.ended_at {
        label.push_str(&format!(" (ended {})", end.minute_utc()));
    }
    let mut tn = TreeNode::new(label);
    for (i, d) in a.training_datasets.iter().enumerate().filter(|(_, d)| d.training_job == job.arn) {
        let mut dn = TreeNode::new(dataset_label(o.datasets.get(i), d));
        let arn = d.arn.as_deref().unwrap_or_default();
        for u in a.upstream_sources.iter().filter(|u| u.datasets.iter().any(|x| x == arn)) {
            dn.children.push(TreeNode::new(upstream_label(u)));
        }
        tn.children.push(dn);
    }
    tn
}

/// For an endpoint served by a model artifact with no package: `Endpoint ← Deployment ← (model, image)`.
fn deployment_chain(model: TreeNode, steps: &[DeploymentStep], endpoint: &str) -> TreeNode {
    let mut node = model;
    for step in steps {
        let mut parent = TreeNode::new(format!("Deployment: {} ({})", step.name, step.kind));
        parent.children.push(node);
        for (kind, what) in &step.beside {
            parent.children.push(TreeNode::new(format!("{kind}: {what}")));
        }
        node = parent;
    }
    let mut root = TreeNode::new(format!("Endpoint {endpoint}"));
    root.children.push(node);
    root
}

fn root_label(mv: &ModelVersion, approval: Option<&ApprovalAnswer>, o: &Outline) -> String {
    let recorded = mv.recorded_model.as_ref().map(|m| (mv.name.as_deref().unwrap_or(&m.dataset), &m.version));
    let mut label = match (mv.version, &mv.arn) {
        _ if recorded.is_some() && o.focus_is_package => match recorded {
            Some((name, Some(v))) => format!("Model {name} version {v}"),
            _ => format!("Model {}", o.model_artifact),
        },
        (_, Some(arn)) => format!("Model package {}", crate::model::package_short_name(arn)),
        (Some(v), None) => format!("Model package version {v}"),
        (None, None) if o.focus_is_start && o.start_kind == SubjectKind::Endpoint => "Model (not recorded)".into(),
        (None, None) => format!("Model {}", o.model_artifact),
    };
    if let Some(a) = approval {
        let mut bits = Vec::new();
        if let Some(s) = &a.status {
            bits.push(s.to_string());
        }
        if let Some(at) = a.at {
            bits.push(at.date());
        }
        if let Some(by) = &a.by {
            bits.push(format!("by {}", crate::model::person_name(by)));
        }
        if !bits.is_empty() {
            label.push_str(&format!(" ({})", bits.join(" ")));
        }
    }
    if let Some(inf) = o.inference {
        let place = match &inf.variant {
            Some(v) => format!("{}/{v}", inf.endpoint),
            None => inf.endpoint.clone(),
        };
        label = format!("Inference {} ({place}, {}) ← {label}", inf.id, inf.time.minute_utc());
    } else if o.start_kind == SubjectKind::Endpoint && o.deployment.is_none() {
        label = format!("Endpoint {} ← {label}", o.endpoint_name);
    }
    label
}

fn dataset_label(facts: Option<&DatasetFacts>, answer: &DatasetAnswer) -> String {
    let kind = answer.kind_label();
    let name = facts.map(|f| f.name.clone()).filter(|n| !n.is_empty()).or_else(|| answer.arn.clone());
    let mut label =
        format!("{kind}: {}", answer.uri.clone().or(name).unwrap_or_else(|| "location not recorded".into()));
    let mut bits = Vec::new();
    if let Some(r) = facts.and_then(|f| f.rows.as_deref()) {
        bits.push(format!("{} rows", humanize_count(r)));
    }
    if let Some(f) = facts.and_then(|f| f.features.as_deref()) {
        bits.push(format!("{} features", humanize_count(f)));
    }
    if !bits.is_empty() {
        label.push_str(&format!(" ({})", bits.join(", ")));
    }
    label
}

fn upstream_label(s: &UpstreamSource) -> String {
    let what = s.uri.clone().unwrap_or_else(|| s.name.clone());
    match s.kind {
        SourceKind::FeatureStoreVersion => match &s.version {
            Some(v) => format!("Feature-store version: {} {v}", s.name),
            None => format!("Feature-store version: {} (version not recorded)", s.name),
        },
        SourceKind::ExclusionList => format!("Exclusion list: {what}"),
        SourceKind::RawData => format!("Raw data: {what}"),
        SourceKind::Other => format!("Dataset: {what}"),
    }
}

fn code_label(c: &CodeFacts) -> String {
    match (&c.repository, &c.commit) {
        (Some(r), Some(c)) => format!("Code commit: {r} @ {c}"),
        (None, Some(c)) => format!("Code commit: {c}"),
        (Some(r), None) => format!("Code commit: {r} (commit unrecorded)"),
        (None, None) => format!("Code commit: not recorded (artifact {} names none)", c.name),
    }
}

fn approval_label(r: &RecordFacts) -> String {
    // Named as the root's label and section 5 name the approver (the article's tree cut it to `risk-ops@`).
    let who = r.by.as_deref().map(|b| crate::model::person_name(b).to_owned());
    let mut bits = Vec::new();
    if let Some(w) = who {
        bits.push(w);
    }
    if let Some(t) = r.at {
        bits.push(t.minute_utc());
    }
    if bits.is_empty() {
        format!("Approval record: {}", r.name)
    } else {
        format!("Approval record: {}", bits.join(", "))
    }
}

/// Which of several datasets `u` went into (by channel where the job names one); `None` with one dataset.
pub(super) fn fed_into(datasets: &[&DatasetAnswer], u: &UpstreamSource) -> Option<String> {
    if datasets.len() < 2 {
        return None;
    }
    let into: Vec<String> = u
        .datasets
        .iter()
        .filter_map(|arn| datasets.iter().find(|d| d.arn.as_deref() == Some(arn.as_str())))
        .map(|d| d.channel.clone().unwrap_or_else(|| dataset_name(d)))
        .collect();
    (!into.is_empty()).then(|| into.join(", "))
}

/// A dataset by its URI, else its artifact; one the export names neither way is "an unrecorded location".
fn dataset_name(d: &DatasetAnswer) -> String {
    d.uri.clone().or_else(|| d.arn.clone()).unwrap_or_else(|| "an unrecorded location".into())
}

/// "dataset s3://…/train/ (validation: s3://…/validation/)": the training channel(s) first, the others named by
/// channel; without channel names, every dataset alike.
fn trained_on(datasets: &[&DatasetAnswer]) -> String {
    if datasets.is_empty() {
        return "an unrecorded dataset".into();
    }
    let is_training = |d: &&&DatasetAnswer| d.channel.as_deref().is_none_or(|c| matches!(c, "train" | "training"));
    let (main, others): (Vec<&&DatasetAnswer>, Vec<&&DatasetAnswer>) = datasets.iter().partition(is_training);
    let (main, others) = if main.is_empty() { (others, Vec::new()) } else { (main, others) };
    let names: Vec<String> = main.iter().map(|d| dataset_name(d)).collect();
    let mut s = match names.as_slice() {
        [one] if main[0].uri.is_none() && main[0].arn.is_none() => "a dataset whose location was never recorded".into(),
        [one] => format!("dataset {one}"),
        _ => format!("datasets {}", join_and(&names)),
    };
    if !others.is_empty() {
        let rest: Vec<String> =
            others.iter().map(|d| format!("{}: {}", d.channel.clone().unwrap_or_default(), dataset_name(d))).collect();
        s.push_str(&format!(" ({})", rest.join("; ")));
    }
    s
}

/// `27000000` → `27M`, `1500` → `1.5k`; anything not a plain count is shown as given.
pub fn humanize_count(text: &str) -> String {
    let Ok(n) = text.trim().parse::<u64>() else {
        return text.to_owned();
    };
    let (div, suffix) = match n {
        0..=9_999 => return n.to_string(),
        10_000..=999_999 => (1e3, "k"),
        1_000_000..=999_999_999 => (1e6, "M"),
        _ => (1e9, "B"),
    };
    let v = n as f64 / div;
    let s = format_number((v * 100.0).round() / 100.0);
    format!("{s}{suffix}")
}

pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// One row of the ancestry tree and the rows under it.
pub(super) struct TreeNode {
    label: String,
    children: Vec<TreeNode>,
}

impl TreeNode {
    fn new(label: String) -> TreeNode {
        // A label is one line: line breaks from the input would forge tree rows.
        let label = label.replace(['\n', '\r'], " ");
        TreeNode { label, children: Vec::new() }
    }

    fn render(&self, out: &mut String, prefix: &str, last: bool, root: bool) {
        if root {
            out.push_str(&self.label);
        } else {
            out.push_str(prefix);
            out.push_str(if last { "└── " } else { "├── " });
            out.push_str(&self.label);
        }
        out.push('\n');
        let child_prefix =
            if root { String::new() } else { format!("{prefix}{}", if last { "    " } else { "│   " }) };
        for (i, c) in self.children.iter().enumerate() {
            c.render(out, &child_prefix, i + 1 == self.children.len(), false);
        }
    }
}
