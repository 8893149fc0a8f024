//! The audit document: a [`Report`] laid out once as a title block and numbered sections of a few kinds of block.
//! Every face (text, Markdown/HTML, the PDF, the page) walks a [`Document`] generically and reads nothing else of
//! the report, so a section is worded once, here, and "answer 4" means the same thing in every format.
//!
//! Words a reader sees ("not recorded", the labels, the order of rows) are chosen here; how a block looks (fonts,
//! table rules, HTML elements) is each face's business. A document serialises (serde) so the page can hand it to
//! the PDF worker; its JSON is an internal message, not a contract.

mod audit;
mod blocks;
pub mod changes;
mod outline;

pub use blocks::{
    plain, Block, DocSection, Document, Field, Figure, HistoryEntry, Inline, InputRow, NoteKind, Section, Span,
    NOT_RECORDED,
};

use crate::model::ApprovalStatus;
use crate::model::{InputFile, Superseded};
use crate::narrative::report::{
    Answers, ApprovalAnswer, ApprovalChange, ApprovalFact, DatasetAnswer, Deployment, InferenceAnswer, PipelineAnswer,
    Report, ReportGraph, StepAnswer, TrainingJobAnswer,
};
use crate::text::{count, format_number};

impl Document {
    /// Lays out `r`.
    pub fn new(r: &Report) -> Document {
        let shown = |s: &&Section| match **s {
            Section::AuditTable => !r.reconciliation.is_empty(),
            Section::Changes => r.changes.is_some(),
            _ => true,
        };
        let sections =
            Section::REPORT.iter().filter(shown).map(|&s| DocSection { section: s, blocks: blocks(s, r) }).collect();
        Document {
            title: report_title(r),
            facts: facts(r),
            sentence: r.sentence.clone(),
            summary: summary(r),
            gap_titles: r
                .gaps
                .iter()
                .map(|g| format!("{}: {}", g.question.words(), g.detail))
                .chain(audit::conflict_titles(r))
                .collect(),
            sections,
        }
    }

    pub fn section(&self, s: Section) -> Option<&DocSection> {
        self.sections.iter().find(|d| d.section == s)
    }
}

fn blocks(s: Section, r: &Report) -> Vec<Block> {
    let a = &r.answers;
    match s {
        Section::ModelVersion => model_version(r),
        Section::TrainingData => training_data(a),
        Section::UpstreamSources => upstream_sources(a),
        Section::Hyperparameters => hyperparameters(a),
        Section::Approval => approval(a.approval.as_ref()),
        Section::Code => code_section(a),
        Section::AuditTable => audit::section(r),
        Section::Gaps => gaps(r),
        Section::AncestryTree => vec![Block::Tree(r.tree.clone())],
        Section::LineageGraph => vec![Block::Figure(figure(r))],
        Section::Evidence => evidence(r),
        Section::Changes => r.changes.as_ref().map(changes::blocks).unwrap_or_default(),
        Section::Differences | Section::AffectedModels | Section::AffectedInferences | Section::Downstream => {
            Vec::new()
        }
    }
}

// ---- small constructors ----

fn text(s: impl Into<String>) -> Inline {
    vec![Span::Text(s.into())]
}

fn code(s: impl Into<String>) -> Inline {
    vec![Span::Code(s.into())]
}

/// An optional value: itself (as `kind`), or "not recorded".
fn or_nr(v: Option<&str>, kind: fn(String) -> Span) -> Inline {
    vec![v.map_or_else(|| Span::Text(NOT_RECORDED.into()), |v| kind(v.to_owned()))]
}

fn field(label: impl Into<String>, value: Inline) -> Field {
    Field { label: label.into(), value, source: None }
}

fn para(s: impl Into<String>) -> Block {
    Block::Paragraph(text(s))
}

fn table(header: &[&str], rows: Vec<Vec<Inline>>) -> Block {
    Block::Table { header: header.iter().map(|h| (*h).to_owned()).collect(), rows }
}

// ---- the title block ----

/// The report's title in every format: what it is about, by the kind of its start (`Endpoint credit-prod`,
/// `Model package credit-xgb/73`), or the inference it answers for.
pub fn report_title(r: &Report) -> String {
    let what = r.subject.kind.title();
    match &r.inference {
        Some(inf) => format!("Inference {} — model package {}", inf.id, r.subject.name),
        None => format!("{what} {}", r.subject.name),
    }
}

fn facts(r: &Report) -> Vec<Field> {
    let mut rows = Vec::new();
    if let Some(inf) = &r.inference {
        rows.push(field("Inference", text(format!("{} at {} on endpoint {}", inf.id, inf.time, inf.endpoint))));
    }
    rows.push(field("Subject", text(format!("{} ({})", r.subject.name, r.subject.kind.words()))));
    rows.push(field("Start vertex", code(&r.subject.arn)));
    let st = &r.import;
    rows.push(field(
        "Export",
        text(format!("{}, {}, {}", count(st.files, "file"), count(st.vertices, "vertex"), count(st.edges, "edge"))),
    ));
    rows
}

fn summary(r: &Report) -> Inline {
    let manual = r.closed_gaps.len();
    let mut out = match r.gaps.len() {
        0 if manual > 0 => vec![
            Span::Strong(format!(
                "Every question is answered; {} closed only by the audit table (manual records): ",
                count(manual, "gap")
            )),
            Span::Link { text: "see Gaps".into(), to: Section::Gaps },
            Span::Text(".".into()),
        ],
        0 => text("Every question is answered from the export."),
        n => vec![
            Span::Strong(format!("{} cannot be answered from the export: ", count(n, "question"))),
            Span::Link { text: "see Gaps".into(), to: Section::Gaps },
            Span::Text(".".into()),
        ],
    };
    let conflicts = r.reconciliation.iter().filter(|f| f.status != crate::narrative::ReconcileStatus::Confirmed);
    let loud = conflicts.filter(|f| f.status != crate::narrative::ReconcileStatus::Filled).count();
    if loud > 0 {
        out.push(Span::Text(" ".into()));
        out.push(Span::Strong(format!("The audit table disagrees with the lineage ({}): ", count(loud, "finding"))));
        out.push(Span::Link { text: "see Audit table".into(), to: Section::AuditTable });
        out.push(Span::Text(".".into()));
    }
    out
}

// ---- 1. Model version ----

fn model_version(r: &Report) -> Vec<Block> {
    let mut out = Vec::new();
    if let Some(chosen) = &r.subject.chosen {
        out.push(Block::Note { kind: NoteKind::Note, text: text(chosen), detail: None });
    }
    if let Some(inf) = &r.inference {
        out.extend(inference(inf));
        out.push(Block::Subheading("Model package".into()));
    }
    let mv = &r.answers.model_version;
    if let Some(m) = &mv.recorded_model {
        out.push(Block::Fields(recorded_model_rows(m, &mv.model_data)));
        if let Some(why) = &m.no_version {
            out.push(Block::Note { kind: NoteKind::Note, text: text(why), detail: None });
        }
        return out;
    }
    let mut rows = vec![
        field("Model package", or_nr(mv.arn.as_deref(), Span::Code)),
        field("Group", or_nr(mv.group.as_deref(), Span::Text)),
        field("Version", or_nr(mv.version.map(|v| v.to_string()).as_deref(), Span::Text)),
        field("Approval status", or_nr(mv.approval_status.as_ref().map(ApprovalStatus::as_str), Span::Text)),
    ];
    rows.extend(mv.model_data.iter().map(|u| field("Model data", code(u))));
    rows.extend(mv.metric_reports.iter().map(|m| field(format!("Metrics report ({})", m.name), code(&m.uri))));
    out.push(Block::Fields(rows));
    out
}

fn recorded_model_rows(m: &crate::narrative::RecordedModel, model_data: &[String]) -> Vec<Field> {
    let mut rows = vec![
        field("Model", code(&m.dataset)),
        field("Recorded by", text(m.system.as_str())),
        field("Version", or_nr(m.version.as_deref(), Span::Text)),
    ];
    rows.extend(m.facts.iter().map(|f| field(fact_label(&f.name), code(&f.value))));
    if let Some(by) = &m.registered_by {
        rows.push(field("Registered by", text(by)));
    }
    rows.push(field("Model package", text("not recorded (no SageMaker model package stands for it)")));
    rows.extend(model_data.iter().map(|u| field("Model data", code(u))));
    rows
}

/// How a recorded model's fact is labelled (`aliases` → `Aliases`, `md5` → `MD5`).
fn fact_label(name: &str) -> String {
    match name {
        "md5" => "MD5".into(),
        "run_id" => "Run ID".into(),
        "model_id" => "Logged model".into(),
        "registered_model" => "Registered model".into(),
        "content_address" => "Content address".into(),
        other => {
            let mut c = other.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        }
    }
}

fn inference(inf: &InferenceAnswer) -> Vec<Block> {
    let mut out = vec![Block::Subheading(format!("Inference {}", inf.id)), Block::Fields(inference_rows(inf))];
    out.push(Block::Subheading(format!("Deployment history of {} ({})", inf.endpoint, variant_name(inf))));
    out.push(Block::History(
        inf.history
            .iter()
            .map(|d| HistoryEntry {
                current: *d == inf.deployment,
                when: match d.until {
                    Some(u) => format!("{} – {u}", d.from),
                    None => d.from.to_string(),
                },
                what: text(deployment_line(d)),
                sources: d.sources.clone(),
            })
            .collect(),
    ));
    if inf.history.iter().any(|d| d.until.is_some()) {
        out.push(Block::Paragraph(text(WINDOW)));
    }
    out.extend(inf.notes.iter().map(|n| Block::Note { kind: NoteKind::Note, text: text(n), detail: None }));
    out
}

/// What a deployment's time window means (`Deployment::from` and `until`).
const WINDOW: &str =
    "A time \u{201c}A \u{2013} B\u{201d}: the sources record the switch at different times, A the earliest and B \
                      the latest (or the end of a blue/green traffic shift); until B the previous deployment may still \
                      have served.";

/// The variant an inference ran on, or how it was chosen.
fn variant_name(inf: &InferenceAnswer) -> String {
    inf.variant.clone().unwrap_or_else(|| "its only variant".into())
}

fn inference_rows(inf: &InferenceAnswer) -> Vec<Field> {
    let mut rows = vec![
        field("Inference", text(format!("{} (matched by {}; eventId {})", inf.id, inf.matched_by, inf.event_id))),
        field("Time", text(inf.time.to_string())),
        field(
            "Endpoint",
            text(format!("{} variant {} (from {})", inf.endpoint, variant_name(inf), inf.evidence.location)),
        ),
        field("Served by", code(&inf.model_package)),
        field("Capture", text(inf.evidence.capture_record.to_string())),
    ];
    if let Some(input) = inf.input.as_ref().and_then(|p| p.data.clone()) {
        rows.push(field("Input", code(input)));
    }
    if let Some(out) = inf.output.as_ref().and_then(|p| p.data.clone()) {
        rows.push(field("Output", code(out)));
    }
    if let Some(o) = &inf.overlap {
        rows.push(field("Switch", text(o)));
    }
    rows
}

/// `config credit-prod-73 → model credit-xgb-73 → package …` (the entry's time is its `when`).
fn deployment_line(d: &Deployment) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &d.config {
        parts.push(format!("config {c}"));
    }
    if let Some(m) = &d.model {
        parts.push(format!("model {m}"));
    }
    let mut s = parts.join(" → ");
    let target = match &d.unresolved {
        Some(why) if d.model_packages.is_empty() => format!("{}{why}", if s.is_empty() { "" } else { " — " }),
        _ => format!("{}{}", if s.is_empty() { "" } else { " → " }, d.model_packages.join(", ")),
    };
    s.push_str(&target);
    if let Some(t) = &d.traffic_shift {
        s.push_str(&format!(" (traffic shift {t})"));
    }
    s
}

// ---- 2. Training data ----

fn training_data(a: &Answers) -> Vec<Block> {
    let mut out = Vec::new();
    if a.training_jobs.is_empty() {
        out.push(para("No training job is recorded."));
    }
    for j in &a.training_jobs {
        out.push(Block::Subheading(format!("Training job {}", j.name)));
        out.push(Block::Fields(vec![
            field("Job", code(&j.arn)),
            field("Ended", or_nr(j.ended_at.map(|t| t.minute_utc()).as_deref(), Span::Text)),
            field("Status", or_nr(j.status.as_deref(), Span::Text)),
        ]));
        let fed: Vec<&DatasetAnswer> = a.training_datasets.iter().filter(|d| d.training_job == j.arn).collect();
        out.push(datasets_block(&fed));
    }
    let orphans: Vec<&DatasetAnswer> =
        a.training_datasets.iter().filter(|d| !a.training_jobs.iter().any(|j| j.arn == d.training_job)).collect();
    if !orphans.is_empty() {
        out.push(Block::Subheading("Datasets".into()));
        out.push(datasets_block(&orphans));
    }
    out.extend(a.pipeline.as_ref().map(pipeline_blocks).unwrap_or_default());
    out
}

fn pipeline_blocks(p: &PipelineAnswer) -> Vec<Block> {
    let mut out = vec![Block::Subheading(format!("Pipeline execution ({})", p.label()))];
    if !p.described {
        out.push(Block::Fields(vec![
            field("Execution", code(&p.execution_arn)),
            field("Named by", text(&p.joined_by)),
        ]));
        out.push(Block::Note {
            kind: NoteKind::Note,
            text: text("The export does not hold this execution's DescribePipelineExecution response: its steps, parameters and status are not recorded."),
            detail: Some(vec![Span::Emphasis("Closes with: ".into()), Span::Text(format!("lineage-export-sagemaker --pipeline-execution {} (or aws sagemaker describe-pipeline-execution, list-pipeline-execution-steps and list-pipeline-parameters-for-execution)", p.execution_arn))]),
        });
        return out;
    }
    out.push(Block::Fields(pipeline_fields(p)));
    out.push(match &p.steps {
        None => para("Steps: not recorded (no ListPipelineExecutionSteps response)."),
        Some(steps) => {
            table(&["Step", "Type", "Status", "Started", "Ended", "Ran"], steps.iter().map(step_row).collect())
        }
    });
    out.push(match &p.parameters {
        None => para("Parameters: not recorded (no ListPipelineParametersForExecution response)."),
        Some(ps) if ps.is_empty() => para("Parameters: none."),
        Some(ps) => table(
            &["Parameter", "Value", "Role"],
            ps.iter()
                .map(|x| {
                    vec![
                        code(&x.name),
                        code(&x.value),
                        text(x.role.map_or(String::new(), |r| r.as_str().replace('_', " "))),
                    ]
                })
                .collect(),
        ),
    });
    out
}

fn pipeline_fields(p: &PipelineAnswer) -> Vec<Field> {
    let time = |t: Option<crate::time::Timestamp>| or_nr(t.map(|t| t.minute_utc()).as_deref(), Span::Text);
    let mut rows = vec![
        field("Pipeline", or_nr(p.pipeline.as_deref(), Span::Text)),
        field("Execution", code(&p.execution_arn)),
        field("Named by", text(&p.joined_by)),
        field("Status", or_nr(p.status.as_ref().map(|s| s.as_str()), Span::Text)),
        field("Started", time(p.started_at)),
        field("Ended", time(p.ended_at)),
        field("Started by", or_nr(p.created_by.as_deref(), Span::Text)),
        field("Training step", or_nr(training_steps(p).as_deref(), Span::Text)),
    ];
    if let Some(reason) = &p.failure_reason {
        rows.push(field("Failure reason", text(reason)));
    }
    rows
}

/// `Train (cache hit: its job ran in execution 2027w10b1)`.
fn training_steps(p: &PipelineAnswer) -> Option<String> {
    let named = p.steps.iter().flatten().filter(|s| p.training_steps.contains(&s.name));
    let words: Vec<String> = named
        .map(|s| match &s.cache_hit_from {
            Some(from) => {
                format!("{} (cache hit: its job ran in execution {})", s.name, from.rsplit('/').next().unwrap_or(from))
            }
            None => s.name.clone(),
        })
        .collect();
    (!words.is_empty()).then(|| words.join(", "))
}

fn step_row(s: &StepAnswer) -> Vec<Inline> {
    let time = |t: Option<crate::time::Timestamp>| t.map(|t| text(t.minute_utc())).unwrap_or_default();
    let ran = match (&s.cache_hit_from, &s.ran_job, &s.arn) {
        (Some(from), job, _) => {
            let mut spans = vec![Span::Text("cache hit: ran in execution ".into()), Span::Code(from.clone())];
            match job {
                Some(j) => spans.extend([Span::Text(" as ".into()), Span::Code(j.clone())]),
                None => spans.push(Span::Text(" (its job not recorded)".into())),
            }
            spans
        }
        (None, _, Some(arn)) => code(arn),
        (None, _, None) => Vec::new(),
    };
    vec![
        text(&s.name),
        text(s.kind.as_ref().map_or("", |k| k.as_str())),
        text(s.status.as_ref().map_or("", |k| k.as_str())),
        time(s.started_at),
        time(s.ended_at),
        ran,
    ]
}

fn datasets_block(datasets: &[&DatasetAnswer]) -> Block {
    if datasets.is_empty() {
        return para("No training dataset is recorded.");
    }
    let other_system = datasets.iter().any(|d| !d.recorded_by.is_sagemaker());
    let rows = datasets
        .iter()
        .map(|d| {
            let props: Vec<String> = d.properties.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            let mut row = vec![
                text(d.kind_label()),
                or_nr(d.uri.as_deref(), Span::Code),
                or_nr(d.arn.as_deref(), Span::Code),
                if props.is_empty() { Vec::new() } else { text(props.join(", ")) },
            ];
            if other_system {
                row.push(code(d.recorded_by.to_string()));
            }
            row
        })
        .collect();
    let mut header = vec!["Dataset", "URI", "Artifact", "Properties"];
    if other_system {
        header.push("Recorded by");
    }
    table(&header, rows)
}

// ---- 3. Upstream sources ----

fn upstream_sources(a: &Answers) -> Vec<Block> {
    if a.upstream_sources.is_empty() {
        return vec![para("No upstream source is recorded.")];
    }
    let several = a.training_datasets.len() > 1;
    let mut header = vec!["Kind", "Name", "Version"];
    if several {
        header.push("Went into");
    }
    header.push("URI and artifact");
    let other_system = a.upstream_sources.iter().any(|u| !u.recorded_by.is_sagemaker());
    if other_system {
        header.push("Recorded by");
    }
    let rows = a
        .upstream_sources
        .iter()
        .map(|u| {
            let mut row = vec![text(u.kind.label()), text(&u.name), or_nr(u.version.as_deref(), Span::Text)];
            if several {
                row.push(text(a.fed_label(u).unwrap_or_default()));
            }
            let mut place = Vec::new();
            if let Some(uri) = &u.uri {
                place.extend([Span::Code(uri.clone()), Span::Text(" · ".into())]);
            }
            // Another system's dataset has no SageMaker ARN: its URI says where it is (its ID is in the JSON).
            if crate::model::LineageType::from_arn(&u.arn).is_some() || u.uri.is_none() {
                place.push(Span::Code(u.arn.clone()));
            } else {
                place.pop();
            }
            row.push(place);
            if other_system {
                row.push(code(u.recorded_by.to_string()));
            }
            row
        })
        .collect();
    vec![table(&header, rows)]
}

// ---- 4. Hyperparameters and metrics ----

fn hyperparameters(a: &Answers) -> Vec<Block> {
    if a.training_jobs.is_empty() {
        return vec![para("Not recorded (no training job).")];
    }
    a.training_jobs.iter().flat_map(job_parameters).collect()
}

/// Section 4's table headers and what it says when a job records none: the page hangs its stable hooks
/// (`answer-hyperparameters`, `answer-metrics`) on these blocks.
pub const HYPERPARAMETER_HEADER: &str = "Hyperparameter";
pub const METRIC_HEADER: &str = "Metric";
pub const HYPERPARAMETERS_NOT_RECORDED: &str = "Hyperparameters: not recorded.";
pub const METRICS_NOT_RECORDED: &str = "Final metrics: not recorded.";

fn job_parameters(j: &TrainingJobAnswer) -> Vec<Block> {
    let mut out = vec![Block::Subheading(format!("Training job {}", j.name))];
    if j.hyperparameters.is_empty() {
        out.push(para(HYPERPARAMETERS_NOT_RECORDED));
    } else {
        let rows = j.hyperparameters.iter().map(|(k, v)| vec![code(k), code(v)]).collect();
        out.push(table(&[HYPERPARAMETER_HEADER, "Value"], rows));
    }
    if j.metrics.is_empty() {
        out.push(para(METRICS_NOT_RECORDED));
    } else if j.metric_sources.is_empty() {
        let rows = j.metrics.iter().map(|(k, v)| vec![code(k), code(format_number(*v))]).collect();
        out.push(table(&[METRIC_HEADER, "Final value"], rows));
    } else {
        let source = |k: &str| j.metric_sources.get(k).map_or_else(|| text("not recorded"), text);
        let rows = j.metrics.iter().map(|(k, v)| vec![code(k), code(format_number(*v)), source(k)]).collect();
        out.push(table(&[METRIC_HEADER, "Final value", "Recorded as"], rows));
    }
    out
}

// ---- 5. Approval ----

fn approval(ap: Option<&ApprovalAnswer>) -> Vec<Block> {
    let Some(ap) = ap else { return vec![para("Not recorded.")] };
    let mut out = vec![Block::Fields(approval_fields(ap))];
    if !ap.history.is_empty() {
        out.push(Block::Subheading("Status history".into()));
        out.push(Block::History(ap.history.iter().map(change_entry).collect()));
    }
    out.extend(ap.conflicts.iter().map(|c| Block::Note { kind: NoteKind::Conflict, text: text(c), detail: None }));
    out
}

/// The approval answer's rows. The approver is shown once: when "by" is the IAM identity, one row names the
/// person (an assumed role's session, an IAM user) with the ARN as detail.
fn approval_fields(ap: &ApprovalAnswer) -> Vec<Field> {
    let same = ap.by.is_some() && ap.by == ap.iam_arn;
    let by = ap.by.as_deref().map(crate::model::person);
    let status = or_nr(ap.status.as_ref().map(ApprovalStatus::as_str), Span::Text);
    let mut rows = vec![("Status", status, ApprovalFact::Status)];
    rows.push(("By", or_nr(by.as_deref(), Span::Text), ApprovalFact::By));
    if !same {
        rows.push(("IAM identity", or_nr(ap.iam_arn.as_deref(), Span::Code), ApprovalFact::IamArn));
    }
    rows.push(("User profile", or_nr(ap.user_profile.as_deref(), Span::Text), ApprovalFact::UserProfile));
    rows.push(("At", or_nr(ap.at.map(|t| t.minute_utc()).as_deref(), Span::Text), ApprovalFact::At));
    rows.push(("Description", or_nr(ap.description.as_deref(), Span::Text), ApprovalFact::Description));
    rows.into_iter()
        .map(|(label, value, key)| Field { label: label.into(), value, source: ap.sources.get(&key).cloned() })
        .collect()
}

fn change_entry(c: &ApprovalChange) -> HistoryEntry {
    let mut what = vec![Span::Strong(c.status.to_string())];
    if let Some(b) = &c.by {
        what.push(Span::Text(format!(" by {b}")));
    }
    if let Some(d) = &c.description {
        what.push(Span::Text(format!(" ({d})")));
    }
    HistoryEntry {
        current: false,
        when: c.at.map_or("undated".into(), |t| t.to_string()),
        what,
        sources: c.sources.clone(),
    }
}

// ---- Code, Gaps ----

fn code_section(a: &Answers) -> Vec<Block> {
    if a.code.is_empty() {
        return vec![para("No code commit is recorded.")];
    }
    let rows = a
        .code
        .iter()
        .map(|c| {
            vec![or_nr(c.repository.as_deref(), Span::Code), or_nr(c.commit.as_deref(), Span::Code), text(&c.source)]
        })
        .collect();
    vec![table(&["Repository", "Commit", "Source"], rows)]
}

fn gaps(r: &Report) -> Vec<Block> {
    let mut out: Vec<Block> = r
        .gaps
        .iter()
        .map(|g| Block::Note {
            kind: NoteKind::Gap,
            text: vec![Span::Strong(format!("Not recorded ({}): ", g.question.words())), Span::Text(g.detail.clone())],
            detail: Some(vec![Span::Emphasis("Closes with: ".into()), Span::Text(g.closes_with.clone())]),
        })
        .collect();
    if out.is_empty() {
        out.push(para("None: every question is answered from the export."));
    }
    out.extend(audit::closed_gaps(r));
    out
}

// ---- Lineage graph, Evidence ----

fn figure(r: &Report) -> Figure {
    let g = &r.graph;
    Figure {
        graph: g.clone(),
        subject: r.subject.arn.clone(),
        caption: format!("{}, {}", count(g.vertices.len(), "vertex"), count(g.edges.len(), "edge")),
        edges: graph_lines(g),
    }
}

/// The report graph as lines a person reads: `name (Type) --ContributedTo--> name (Type)`, by name.
pub fn graph_lines(g: &ReportGraph) -> Vec<String> {
    let label = |arn: &str| {
        g.vertices.iter().find(|v| v.arn == arn).map_or_else(
            || arn.to_owned(),
            |v| format!("{} ({})", v.name, v.entity_type.as_deref().unwrap_or("untyped")),
        )
    };
    let mut lines: Vec<String> =
        g.edges.iter().map(|e| format!("{} --{}--> {}", label(&e.source), e.label(), label(&e.destination))).collect();
    lines.sort();
    lines
}

fn evidence(r: &Report) -> Vec<Block> {
    let mut out = vec![Block::Subheading("Warnings".into())];
    out.push(if r.warnings.is_empty() { para("None.") } else { Block::List(r.warnings.iter().map(text).collect()) });
    if !r.cross_joins.is_empty() {
        out.push(Block::Subheading("Joins across systems".into()));
        // The OpenLineage side is named as the event names it (namespace/name), which for a Glue table is not the
        // table's ARN that section 3 shows: said, so that one table written two ways reads as one.
        let line = |j: &crate::model::Join| {
            text(format!("OpenLineage dataset {} (namespace/name) is {} — {}", j.described, j.vertex, j.how))
        };
        out.push(Block::List(r.cross_joins.iter().map(line).collect()));
    }
    out.push(Block::Subheading("Input files".into()));
    out.push(Block::Evidence(r.inputs.iter().map(input_row).collect()));
    if !r.superseded.is_empty() {
        out.push(Block::Subheading("Superseded descriptions (a later snapshot of the same entity is used)".into()));
        out.push(Block::List(r.superseded.iter().map(|s| text(superseded_line(s))).collect()));
    }
    out.push(Block::Subheading("What the import read".into()));
    out.push(Block::Fields(import_fields(r)));
    out
}

fn input_row(i: &InputFile) -> InputRow {
    let name = if i.skipped.is_empty() {
        i.name.clone()
    } else {
        format!("{} (skipped, not used: {})", i.name, i.skipped.join("; "))
    };
    InputRow { name, bytes: i.bytes, sha256: i.sha256.clone() }
}

/// One superseded Describe response.
fn superseded_line(s: &Superseded) -> String {
    let differs = if s.differs.is_empty() { String::new() } else { format!("; differs on {}", s.differs.join(", ")) };
    format!("{} of {} in {} superseded by {}{differs}", s.operation, s.id, s.file, s.kept)
}

fn import_fields(r: &Report) -> Vec<Field> {
    let st = &r.import;
    let mut rows = vec![
        field("Files / documents", text(format!("{} / {}", st.files, st.documents))),
        field("Graph", text(format!("{}, {}", count(st.vertices, "vertex"), count(st.edges, "edge")))),
        field("QueryLineage pages", text(st.query_pages.to_string())),
        field(
            "Vertex records",
            text(format!("{} read, {} duplicates merged", st.vertices_read, st.duplicate_vertices)),
        ),
        field("Edge records", text(format!("{} read, {} duplicates merged", st.edges_read, st.duplicate_edges))),
        field("Describe responses", text(format!("{} ({} repeated)", st.descriptions, st.duplicate_descriptions))),
        field("Association summaries", text(st.association_summaries.to_string())),
        field(
            "Report graph",
            text(format!("{}, {}", count(r.graph.vertices.len(), "vertex"), count(r.graph.edges.len(), "edge"))),
        ),
    ];
    if st.openlineage_events > 0 {
        let merged = format!("{} (Marquez nodes and runs included), merged per run", st.openlineage_events);
        rows.insert(rows.len() - 1, field("OpenLineage events", text(merged)));
    }
    rows
}
