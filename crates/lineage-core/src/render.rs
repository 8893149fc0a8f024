//! Renders a [`Report`] as plain text, Markdown (every input string escaped) and standalone HTML (the Markdown
//! through pulldown-cmark, with any raw HTML turned back into text).

use std::fmt::Write as _;

use pulldown_cmark::{html, CowStr, Event, Options, Parser};

use crate::approvals::ApprovalChange;
use crate::deploy::{Deployment, InferenceAnswer};
use crate::import::format_number;
use crate::narrative::{ApprovalAnswer, Report};

/// The report as plain text for a terminal.
/// The report's sections, in the order every format shows them: the five questions numbered, then the rest. A
/// letter that cites "answer 4" means the same section in the text, the Markdown, the PDF and the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    ModelVersion,
    TrainingData,
    UpstreamSources,
    Hyperparameters,
    Approval,
    Code,
    Gaps,
    AncestryTree,
    LineageGraph,
    Evidence,
}

impl Section {
    pub const ALL: [Section; 10] = [
        Section::ModelVersion,
        Section::TrainingData,
        Section::UpstreamSources,
        Section::Hyperparameters,
        Section::Approval,
        Section::Code,
        Section::Gaps,
        Section::AncestryTree,
        Section::LineageGraph,
        Section::Evidence,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::ModelVersion => "1. Model version",
            Section::TrainingData => "2. Training data",
            Section::UpstreamSources => "3. Upstream sources",
            Section::Hyperparameters => "4. Hyperparameters and metrics",
            Section::Approval => "5. Approval",
            Section::Code => "Code",
            Section::Gaps => "Gaps",
            Section::AncestryTree => "Ancestry tree",
            Section::LineageGraph => "Lineage graph",
            Section::Evidence => "Evidence",
        }
    }

    /// The anchor of the section's heading (`model-version`).
    pub fn anchor(self) -> &'static str {
        match self {
            Section::ModelVersion => "model-version",
            Section::TrainingData => "training-data",
            Section::UpstreamSources => "upstream-sources",
            Section::Hyperparameters => "hyperparameters-and-metrics",
            Section::Approval => "approval",
            Section::Code => "code",
            Section::Gaps => "gaps",
            Section::AncestryTree => "ancestry-tree",
            Section::LineageGraph => "lineage-graph",
            Section::Evidence => "evidence",
        }
    }
}

/// The report graph as lines a person reads: `name (Type) --ContributedTo--> name (Type)`, by name.
pub fn graph_lines(r: &Report) -> Vec<String> {
    let label = |arn: &str| {
        r.graph.vertices.iter().find(|v| v.arn == arn).map_or_else(
            || arn.to_owned(),
            |v| format!("{} ({})", v.name, v.entity_type.as_deref().unwrap_or("untyped")),
        )
    };
    let mut lines: Vec<String> = r
        .graph
        .edges
        .iter()
        .map(|e| {
            format!(
                "{} --{}--> {}",
                label(&e.source),
                e.association_type.as_deref().unwrap_or("(none)"),
                label(&e.destination)
            )
        })
        .collect();
    lines.sort();
    lines
}

pub fn text(r: &Report) -> String {
    let mut o = String::new();
    let a = &r.answers;
    let _ = writeln!(o, "Lineage audit: {} ({})", one_line(&r.subject.name), r.subject.kind.replace('_', " "));
    let _ = writeln!(o, "Start: {}", one_line(&r.subject.arn));
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", one_line(&r.sentence));
    let _ = writeln!(o);

    let _ = writeln!(o, "{}", Section::ModelVersion.title());
    if let Some(inf) = &r.inference {
        for (label, value) in inference_rows(inf) {
            let _ = writeln!(o, "   {label:<14} {}", one_line(&value));
        }
        let _ = writeln!(o, "   Deployment history of {} ({}):", one_line(&inf.endpoint), one_line(&variant_name(inf)));
        for d in &inf.history {
            let mark = if *d == inf.deployment { "→" } else { " " };
            let _ = writeln!(o, "   {mark} {}", one_line(&deployment_line(d)));
            for src in &d.sources {
                let _ = writeln!(o, "       [{}]", one_line(src));
            }
        }
        for n in &inf.notes {
            let _ = writeln!(o, "   note: {}", one_line(n));
        }
    }
    let mv = &a.model_version;
    match &mv.arn {
        Some(arn) => {
            let _ = writeln!(o, "   Model package: {}", one_line(arn));
        }
        None => {
            let _ = writeln!(o, "   Model package: not recorded");
        }
    }
    let _ = writeln!(
        o,
        "   Group: {}   Version: {}   Approval status: {}",
        opt(&mv.group),
        mv.version.map_or("not recorded".into(), |v| v.to_string()),
        opt(&mv.approval_status)
    );
    for (label, value) in model_described_rows(mv) {
        let _ = writeln!(o, "   {label}: {}", one_line(&value));
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "{}", Section::TrainingData.title());
    if a.training_jobs.is_empty() {
        let _ = writeln!(o, "   Training job: not recorded");
    }
    for j in &a.training_jobs {
        let ended = j.ended_at.map_or("end time not recorded".into(), |t| format!("ended {}", t.minute_utc()));
        let _ = writeln!(o, "   Training job: {} ({ended})", one_line(&j.name));
        let _ = writeln!(o, "     {}", one_line(&j.arn));
        for d in a.training_datasets.iter().filter(|d| d.training_job == j.arn) {
            let _ = writeln!(
                o,
                "   {}: {}",
                d.kind_label(),
                one_line(d.uri.as_deref().or(d.arn.as_deref()).unwrap_or("?"))
            );
            if let Some(arn) = &d.arn {
                let _ = writeln!(o, "     {}", one_line(arn));
            }
            for (k, v) in &d.properties {
                let _ = writeln!(o, "     {} = {}", one_line(k), one_line(v));
            }
        }
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "{}", Section::UpstreamSources.title());
    if a.upstream_sources.is_empty() {
        let _ = writeln!(o, "   none recorded");
    }
    for u in &a.upstream_sources {
        let version = u.version.as_deref().map_or(String::new(), |v| format!(", version {}", one_line(v)));
        let _ = writeln!(o, "   {}: {}{version}", kind_label(&u.kind), one_line(&u.name));
        if let Some(fed) = a.fed_label(u) {
            let _ = writeln!(o, "     went into: {}", one_line(&fed));
        }
        if let Some(uri) = &u.uri {
            let _ = writeln!(o, "     {}", one_line(uri));
        }
        let _ = writeln!(o, "     {}", one_line(&u.arn));
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "{}", Section::Hyperparameters.title());
    if a.training_jobs.is_empty() {
        let _ = writeln!(o, "   not recorded (no training job)");
    }
    for j in &a.training_jobs {
        let _ = writeln!(o, "   {}", one_line(&j.name));
        let _ = writeln!(o, "     Hyperparameters:{}", if j.hyperparameters.is_empty() { " not recorded" } else { "" });
        let width = j.hyperparameters.keys().map(|k| one_line(k).chars().count()).max().unwrap_or(0);
        for (k, v) in &j.hyperparameters {
            let _ = writeln!(o, "       {:width$}  {}", one_line(k), one_line(v));
        }
        let _ = writeln!(o, "     Final metrics:{}", if j.metrics.is_empty() { " not recorded" } else { "" });
        let width = j.metrics.keys().map(|k| one_line(k).chars().count()).max().unwrap_or(0);
        for (k, v) in &j.metrics {
            let _ = writeln!(o, "       {:width$}  {}", one_line(k), format_number(*v));
        }
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "{}", Section::Approval.title());
    match &a.approval {
        None => {
            let _ = writeln!(o, "   not recorded");
        }
        Some(ap) => {
            for (label, value, key) in approval_rows(ap) {
                let src = ap.sources.get(key).map_or(String::new(), |s| format!("  [{}]", one_line(s)));
                let _ = writeln!(o, "   {:<14} {}{src}", format!("{label}:"), one_line(&value));
            }
            if !ap.history.is_empty() {
                let _ = writeln!(o, "   History:");
                for c in &ap.history {
                    let _ = writeln!(o, "   - {}", one_line(&change_line(c)));
                    for src in &c.sources {
                        let _ = writeln!(o, "       [{}]", one_line(src));
                    }
                }
            }
            for c in &ap.conflicts {
                let _ = writeln!(o, "   Conflict: {}", one_line(c));
            }
        }
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "{}", Section::Code.title());
    if a.code.is_empty() {
        let _ = writeln!(o, "   not recorded");
    }
    for c in &a.code {
        let _ = writeln!(
            o,
            "   {} @ {}  [{}]",
            one_line(c.repository.as_deref().unwrap_or("repository not recorded")),
            one_line(c.commit.as_deref().unwrap_or("commit not recorded")),
            one_line(&c.source)
        );
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "{}", Section::Gaps.title());
    if r.gaps.is_empty() {
        let _ = writeln!(o, "   none: every question is answered from the export");
    }
    for g in &r.gaps {
        let _ = writeln!(o, "   - [{}] {}", g.question, one_line(&g.detail));
        let _ = writeln!(o, "     closes with: {}", one_line(&g.closes_with));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", Section::AncestryTree.title());
    o.push_str(&r.tree);
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", Section::LineageGraph.title());
    let _ = writeln!(
        o,
        "   {} vertices, {} edges (drawn in the PDF and on the page)",
        r.graph.vertices.len(),
        r.graph.edges.len()
    );
    for line in graph_lines(r) {
        let _ = writeln!(o, "   {}", one_line(&line));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", Section::Evidence.title());
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "   Warnings:");
        for w in &r.warnings {
            let _ = writeln!(o, "   - {}", one_line(w));
        }
    }
    let _ = writeln!(o, "   Inputs:");
    let st = &r.import;
    let _ = writeln!(
        o,
        "   {} files; graph of {} vertices and {} edges ({} duplicate vertex records and {} duplicate edges merged)",
        st.files, st.vertices, st.edges, st.duplicate_vertices, st.duplicate_edges
    );
    for i in &r.inputs {
        let _ = writeln!(o, "   {}  {} bytes  sha256 {}", one_line(&i.name), i.bytes, i.sha256);
        for what in &i.skipped {
            let _ = writeln!(o, "     skipped (not used): {}", one_line(what));
        }
    }
    if !r.superseded.is_empty() {
        let _ = writeln!(o, "   Superseded descriptions (a later snapshot of the same entity is used):");
        for s in &r.superseded {
            let _ = writeln!(o, "   - {}", one_line(&superseded_line(s)));
        }
    }
    o
}

/// One superseded Describe response, as every format lists it.
pub fn superseded_line(s: &crate::import::Superseded) -> String {
    let differs = if s.differs.is_empty() { String::new() } else { format!("; differs on {}", s.differs.join(", ")) };
    format!("{} of {} in {} superseded by {}{differs}", s.operation, s.id, s.file, s.kept)
}

/// The report's title in every format: what it is about, by the kind of its start (`Endpoint credit-prod`,
/// `Model package credit-xgb/73`), or the inference it answers for.
pub fn report_title(r: &Report) -> String {
    let what = match r.subject.kind.as_str() {
        "model_package" => "Model package",
        "model_artifact" => "Model artifact",
        "endpoint" => "Endpoint",
        "training_job" => "Training job",
        _ => "Model",
    };
    match &r.inference {
        Some(inf) => format!("Inference {} — model package {}", inf.id, r.subject.name),
        None => format!("{what} {}", r.subject.name),
    }
}

/// What the package's own description adds to answer 1 (model data, evaluation reports), as label/value rows
/// shared by every format.
pub fn model_described_rows(mv: &crate::narrative::ModelVersion) -> Vec<(String, String)> {
    let data = mv.model_data.iter().map(|u| ("Model data".to_owned(), u.clone()));
    let reports = mv.metric_reports.iter().map(|m| (format!("Metrics report ({})", m.name), m.uri.clone()));
    data.chain(reports).collect()
}

/// An input's name with what was skipped in it, for the evidence tables.
pub fn input_label(i: &crate::import::InputFile) -> String {
    if i.skipped.is_empty() {
        i.name.clone()
    } else {
        format!("{} (skipped, not used: {})", i.name, i.skipped.join("; "))
    }
}

/// The variant an inference ran on, or how it was chosen.
pub fn variant_name(inf: &InferenceAnswer) -> String {
    inf.variant.clone().unwrap_or_else(|| "its only variant".into())
}

/// Label/value rows describing an inference, shared by the text, Markdown and PDF reports.
pub fn inference_rows(inf: &InferenceAnswer) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("Inference:", format!("{} (matched by {}; eventId {})", inf.id, inf.matched_by, inf.event_id)),
        ("Time:", inf.time.to_string()),
        ("Endpoint:", format!("{} variant {} (from {})", inf.endpoint, variant_name(inf), inf.evidence.location)),
        ("Served by:", inf.model_package.clone()),
        ("Capture:", inf.evidence.capture_record.to_string()),
    ];
    if let Some(input) = inf.input.as_ref().and_then(|p| p.data.clone()) {
        rows.push(("Input:", input));
    }
    if let Some(out) = inf.output.as_ref().and_then(|p| p.data.clone()) {
        rows.push(("Output:", out));
    }
    if let Some(o) = &inf.overlap {
        rows.push(("Switch:", o.clone()));
    }
    rows
}

/// `2027-03-08T10:00:00Z – 2027-03-08T10:00:02Z  config credit-prod-73 → model credit-xgb-73 → package …`.
pub fn deployment_line(d: &Deployment) -> String {
    let mut s = d.from.to_string();
    if let Some(u) = d.until {
        s.push_str(&format!(" – {u}"));
    }
    if let Some(c) = &d.config {
        s.push_str(&format!("  config {c}"));
    }
    if let Some(m) = &d.model {
        s.push_str(&format!(" → model {m}"));
    }
    match &d.unresolved {
        Some(why) if d.model_packages.is_empty() => s.push_str(&format!(" — {why}")),
        _ => s.push_str(&format!(" → {}", d.model_packages.join(", "))),
    }
    if let Some(t) = &d.traffic_shift {
        s.push_str(&format!("  (traffic shift {t})"));
    }
    s
}

/// `2027-03-08T09:42:00Z  Approved by … (description)`.
pub fn change_line(c: &ApprovalChange) -> String {
    let mut s = format!("{}  {}", c.at.map_or("undated".into(), |t| t.to_string()), c.status);
    if let Some(b) = &c.by {
        s.push_str(&format!(" by {b}"));
    }
    if let Some(d) = &c.description {
        s.push_str(&format!(" ({d})"));
    }
    s
}

/// The approval answer as label / value / source-key rows, shared by every format. The approver is shown once:
/// when "by" is the IAM identity, one row names the person (an assumed role's session, an IAM user) with the ARN as
/// detail.
pub fn approval_rows(ap: &ApprovalAnswer) -> Vec<(&'static str, String, &'static str)> {
    let same = ap.by.is_some() && ap.by == ap.iam_arn;
    let mut rows = vec![
        ("Status", opt(&ap.status), "status"),
        ("By", ap.by.as_deref().map_or("not recorded".into(), crate::model::person), "by"),
    ];
    if !same {
        rows.push(("IAM identity", opt(&ap.iam_arn), "iam_arn"));
    }
    rows.extend([
        ("User profile", opt(&ap.user_profile), "user_profile"),
        ("At", ap.at.map_or("not recorded".into(), |t| t.minute_utc()), "at"),
        ("Description", opt(&ap.description), "description"),
    ]);
    rows
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "feature_store_version" => "Feature-store version",
        "exclusion_list" => "Exclusion list",
        "raw_data" => "Raw data",
        _ => "Other dataset",
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "not recorded".into())
}

/// Input text on one line: control characters (line breaks, escapes) become spaces, so they cannot forge lines,
/// and bidirectional overrides are shown as `<U+202E>`, so they cannot reorder what a reader sees.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if c.is_control() => out.push(' '),
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("<U+{:04X}>", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes text from an input for Markdown: the characters that can start emphasis, code, links, images, HTML,
/// entities or table cells get a backslash wherever they stand, and a leading punctuation mark (or the `.`/`)` of
/// a leading number) too, so no heading, list or quote can start with it either. What remains renders literally.
pub fn md_escape(s: &str) -> String {
    let text = one_line(s);
    let mut out = String::with_capacity(text.len() + 8);
    let leading_digits = text.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in text.chars().enumerate() {
        let special = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '!' | '~');
        let leading = i == 0 && c.is_ascii_punctuation();
        let numbered = i == leading_digits && leading_digits > 0 && matches!(c, '.' | ')');
        if special || leading || numbered {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn md_code_block(out: &mut String, text: &str) {
    // The fence is longer than any backtick run inside, so input cannot close it.
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}text");
    for line in text.lines() {
        let _ = writeln!(out, "{}", one_line(line));
    }
    let _ = writeln!(out, "{fence}");
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    let e = md_escape;
    let a = &r.answers;
    let mut o = String::new();
    let _ = writeln!(o, "# Lineage audit: {}\n", e(&r.subject.name));
    let _ = writeln!(o, "Start vertex: {} ({})\n", e(&r.subject.arn), e(&r.subject.kind.replace('_', " ")));
    let _ = writeln!(o, "> {}\n", e(&r.sentence));

    let _ = writeln!(o, "## {}\n", Section::ModelVersion.title());
    if let Some(inf) = &r.inference {
        let _ = writeln!(o, "| Field | Value |\n|---|---|");
        for (label, value) in inference_rows(inf) {
            let _ = writeln!(o, "| {} | {} |", e(label.trim_end_matches(':')), e(&value));
        }
        let _ = writeln!(o, "\nDeployment history of {} ({}):\n", e(&inf.endpoint), e(&variant_name(inf)));
        let _ = writeln!(o, "| In effect | Deployment | Sources |\n|---|---|---|");
        for d in &inf.history {
            let mark = if *d == inf.deployment { "yes" } else { "" };
            let sources: Vec<String> = d.sources.iter().map(|s| e(s)).collect();
            let _ = writeln!(o, "| {mark} | {} | {} |", e(&deployment_line(d)), sources.join("; "));
        }
        for n in &inf.notes {
            let _ = writeln!(o, "\nNote: {}", e(n));
        }
        let _ = writeln!(o);
    }
    let mv = &a.model_version;
    let _ = writeln!(o, "| Field | Value |\n|---|---|");
    let _ = writeln!(o, "| Model package | {} |", e(&opt(&mv.arn)));
    let _ = writeln!(o, "| Group | {} |", e(&opt(&mv.group)));
    let _ = writeln!(o, "| Version | {} |", mv.version.map_or("not recorded".into(), |v| v.to_string()));
    let _ = writeln!(o, "| Approval status | {} |", e(&opt(&mv.approval_status)));
    for (label, value) in model_described_rows(mv) {
        let _ = writeln!(o, "| {} | {} |", e(&label), e(&value));
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "## {}\n", Section::TrainingData.title());
    if a.training_jobs.is_empty() {
        let _ = writeln!(o, "No training job recorded.\n");
    }
    for j in &a.training_jobs {
        let ended = j.ended_at.map_or("end time not recorded".into(), |t| format!("ended {}", t.minute_utc()));
        let _ = writeln!(o, "- Training job **{}** ({}): {}", e(&j.name), e(&ended), e(&j.arn));
        for d in a.training_datasets.iter().filter(|d| d.training_job == j.arn) {
            let props: Vec<String> = d.properties.iter().map(|(k, v)| format!("{} = {}", e(k), e(v))).collect();
            let props = if props.is_empty() { String::new() } else { format!(" ({})", props.join(", ")) };
            let _ = writeln!(
                o,
                "  - {} {}{props}",
                e(&d.kind_label()),
                e(d.uri.as_deref().or(d.arn.as_deref()).unwrap_or("?"))
            );
        }
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "## {}\n", Section::UpstreamSources.title());
    if a.upstream_sources.is_empty() {
        let _ = writeln!(o, "None recorded.\n");
    } else {
        let _ = writeln!(o, "| Kind | Name | Version | URI |\n|---|---|---|---|");
        for u in &a.upstream_sources {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                kind_label(&u.kind),
                e(&a.fed_label(u).map_or_else(|| u.name.clone(), |fed| format!("{} (into {fed})", u.name))),
                e(u.version.as_deref().unwrap_or("not recorded")),
                e(u.uri.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(o);
    }

    let _ = writeln!(o, "## {}\n", Section::Hyperparameters.title());
    for j in &a.training_jobs {
        let _ = writeln!(o, "### {}\n", e(&j.name));
        if j.hyperparameters.is_empty() {
            let _ = writeln!(o, "Hyperparameters: not recorded.\n");
        } else {
            let _ = writeln!(o, "| Hyperparameter | Value |\n|---|---|");
            for (k, v) in &j.hyperparameters {
                let _ = writeln!(o, "| {} | {} |", e(k), e(v));
            }
            let _ = writeln!(o);
        }
        if j.metrics.is_empty() {
            let _ = writeln!(o, "Final metrics: not recorded.\n");
        } else {
            let _ = writeln!(o, "| Metric | Final value |\n|---|---|");
            for (k, v) in &j.metrics {
                let _ = writeln!(o, "| {} | {} |", e(k), e(&format_number(*v)));
            }
            let _ = writeln!(o);
        }
    }
    if a.training_jobs.is_empty() {
        let _ = writeln!(o, "Not recorded (no training job).\n");
    }

    let _ = writeln!(o, "## {}\n", Section::Approval.title());
    match &a.approval {
        None => {
            let _ = writeln!(o, "Not recorded.\n");
        }
        Some(ap) => {
            let _ = writeln!(o, "| Field | Value | Source |\n|---|---|---|");
            for (label, value, key) in approval_rows(ap) {
                let src = ap.sources.get(key).map(|s| e(s)).unwrap_or_default();
                let _ = writeln!(o, "| {} | {} | {src} |", e(label), e(&value));
            }
            let _ = writeln!(o);
            if !ap.history.is_empty() {
                let _ = writeln!(o, "Status history:\n\n| When | Status | By | Sources |\n|---|---|---|---|");
                for c in &ap.history {
                    let sources: Vec<String> = c.sources.iter().map(|s| e(s)).collect();
                    let _ = writeln!(
                        o,
                        "| {} | {} | {} | {} |",
                        c.at.map_or("undated".into(), |t| t.to_string()),
                        e(&c.status),
                        e(&opt(&c.by)),
                        sources.join("; ")
                    );
                }
                let _ = writeln!(o);
            }
            for c in &ap.conflicts {
                let _ = writeln!(o, "**Conflict:** {}\n", e(c));
            }
        }
    }

    let _ = writeln!(o, "## {}\n", Section::Code.title());
    if a.code.is_empty() {
        let _ = writeln!(o, "Not recorded.\n");
    }
    for c in &a.code {
        let _ = writeln!(
            o,
            "- {} @ {} ({})",
            e(c.repository.as_deref().unwrap_or("repository not recorded")),
            e(c.commit.as_deref().unwrap_or("commit not recorded")),
            e(&c.source)
        );
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "## {}\n", Section::Gaps.title());
    if r.gaps.is_empty() {
        let _ = writeln!(o, "None: every question is answered from the export.\n");
    }
    for g in &r.gaps {
        let _ = writeln!(o, "- **{}**: {} *Closes with:* {}", e(&g.question), e(&g.detail), e(&g.closes_with));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "## {}\n", Section::AncestryTree.title());
    md_code_block(&mut o, &r.tree);
    let _ = writeln!(o);
    let _ = writeln!(o, "## {}\n", Section::LineageGraph.title());
    let _ = writeln!(
        o,
        "{} vertices, {} edges (drawn in the PDF and on the page).\n",
        r.graph.vertices.len(),
        r.graph.edges.len()
    );
    for line in graph_lines(r) {
        let _ = writeln!(o, "- {}", e(&line));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "## {}\n", Section::Evidence.title());
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "Warnings:\n");
        for w in &r.warnings {
            let _ = writeln!(o, "- {}", e(w));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "Inputs:\n");
    let st = &r.import;
    let _ = writeln!(
        o,
        "{} files; graph of {} vertices and {} edges ({} duplicate vertex records and {} duplicate edges merged).\n",
        st.files, st.vertices, st.edges, st.duplicate_vertices, st.duplicate_edges
    );
    let _ = writeln!(o, "| File | Bytes | SHA-256 |\n|---|---|---|");
    for i in &r.inputs {
        let _ = writeln!(o, "| {} | {} | {} |", e(&input_label(i)), i.bytes, i.sha256);
    }
    if !r.superseded.is_empty() {
        let _ = writeln!(o, "\nSuperseded descriptions (a later snapshot of the same entity is used):\n");
        for s in &r.superseded {
            let _ = writeln!(o, "- {}", e(&superseded_line(s)));
        }
    }
    o
}

/// Markdown to an HTML fragment; raw HTML in the Markdown is shown as text, never passed through.
pub fn markdown_to_html(md: &str) -> String {
    // Every piece of text, raw HTML in the input included, is written escaped with quotes too (`&quot;`), so no
    // input text can read as an attribute even to a naive scanner.
    let escaped = |s: &str| {
        let mut out = String::new();
        let _ = pulldown_cmark_escape::escape_html(&mut out, s);
        Event::InlineHtml(out.into())
    };
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES).map(|ev| match ev {
        Event::Html(s) | Event::InlineHtml(s) | Event::Text(s) => escaped(&s),
        Event::Start(pulldown_cmark::Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(pulldown_cmark::Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
        }
        Event::Start(pulldown_cmark::Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(pulldown_cmark::Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    if ["http://", "https://", "#"].iter().any(|p| lower.starts_with(p)) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// The report as a standalone HTML page (no scripts; a Content-Security-Policy forbids them anyway).
pub fn html(r: &Report) -> String {
    let body = markdown_to_html(&markdown(r));
    let title = html_escape(&format!("Lineage audit: {}", one_line(&r.subject.name)));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}

const CSS: &str = "body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }\n\
blockquote { border-left: 4px solid #146eb4; margin: 1rem 0; padding: 0.5rem 1rem; background: #f3f7fb; }\n\
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }\n\
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }\n\
pre { background: #f6f6f6; padding: 0.75rem; overflow-x: auto; }\n";

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `lineage query` (walk) as text.
pub fn walk_text(w: &crate::query::WalkOutput) -> String {
    let mut o = String::new();
    let dir = match w.direction {
        crate::query::Direction::Ancestors => "Ancestors",
        crate::query::Direction::Descendants => "Descendants",
        crate::query::Direction::Both => "Ancestors and descendants",
    };
    let depth = w.max_depth.map_or("unlimited".to_owned(), |d| d.to_string());
    let _ = writeln!(o, "{dir} of {} (max depth {depth})", one_line(&w.start.arn));
    let _ = writeln!(o, "{} vertices; {} edges among the vertices reached\n", w.vertices.len(), w.edges.len());
    if !w.vertices.is_empty() {
        let lt = w.vertices.iter().map(|v| v.lineage_type.as_deref().unwrap_or("-").len()).max().unwrap_or(0).max(12);
        let ty = w
            .vertices
            .iter()
            .map(|v| one_line(v.entity_type.as_deref().unwrap_or("-")).chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        let _ = writeln!(o, "depth  {:<lt$}  {:<ty$}  arn", "lineage type", "type");
        for v in &w.vertices {
            let d = match v.direction {
                Some("downstream") => format!("+{}", v.depth.unwrap_or(0)),
                _ => format!("-{}", v.depth.unwrap_or(0)),
            };
            let _ = writeln!(
                o,
                "{d:<5}  {:<lt$}  {:<ty$}  {}",
                v.lineage_type.as_deref().unwrap_or("-"),
                one_line(v.entity_type.as_deref().unwrap_or("-")),
                one_line(&v.arn)
            );
        }
    }
    if !w.edges.is_empty() {
        let _ = writeln!(o, "\nedges:");
        for e in &w.edges {
            let _ = writeln!(
                o,
                "  {} --{}--> {}",
                one_line(&e.source),
                one_line(e.association_type.as_deref().unwrap_or("(none)")),
                one_line(&e.destination)
            );
        }
    }
    o
}

/// `lineage query --to` as text.
pub fn path_text(p: &crate::query::PathOutput) -> String {
    let mut o = String::new();
    let kind = match p.kind {
        None => {
            let _ = writeln!(o, "{} and {} are not connected.", one_line(&p.from.arn), one_line(&p.to.arn));
            return o;
        }
        Some(crate::query::PathKind::Directed) => "directed path",
        Some(crate::query::PathKind::Reverse) => "no directed path; the target is upstream: path against the edges",
        Some(crate::query::PathKind::Undirected) => "no directed path either way; undirected connection",
    };
    let _ = writeln!(
        o,
        "From {}\nto   {}\n{kind}, {} edge(s):\n",
        one_line(&p.from.arn),
        one_line(&p.to.arn),
        p.edges.len()
    );
    if let Some(first) = p.vertices.first() {
        let _ = writeln!(o, "  {}", one_line(&first.arn));
    }
    for (e, v) in p.edges.iter().zip(p.vertices.iter().skip(1)) {
        let t = one_line(e.association_type.as_deref().unwrap_or("(none)"));
        let arrow = if e.walked == Some("backward") { format!("<--{t}--") } else { format!("--{t}-->") };
        let _ = writeln!(o, "    {arrow} {}", one_line(&v.arn));
    }
    o
}

/// `lineage inspect` as text.
pub fn inspect_text(l: &crate::import::Lineage) -> String {
    let s = crate::summary::Summary::new(l);
    let mut o = String::new();
    let _ = writeln!(o, "Inputs ({} files, {} documents)", s.stats.files, s.stats.documents);
    for i in &l.inputs {
        let kinds: Vec<String> =
            i.kinds.iter().map(|(k, n)| if *n == 1 { k.clone() } else { format!("{k} ×{n}") }).collect();
        let _ = writeln!(o, "  {}  {} bytes  sha256 {}  ({})", one_line(&i.name), i.bytes, i.sha256, kinds.join(", "));
        for k in i.other_fields.keys() {
            let _ = writeln!(o, "    kept, not interpreted: {}", one_line(k));
        }
    }
    let _ = writeln!(o, "\nGraph: {} vertices, {} edges", s.vertices, s.edges);
    let _ = writeln!(
        o,
        "  read {} vertex records ({} duplicates merged) from {} QueryLineage page(s)",
        s.stats.vertices_read, s.stats.duplicate_vertices, s.stats.query_pages
    );
    let _ = writeln!(o, "  read {} edge records ({} duplicates merged)", s.stats.edges_read, s.stats.duplicate_edges);
    let _ = writeln!(
        o,
        "  {} Describe responses ({} repeated), {} association summaries",
        s.stats.descriptions, s.stats.duplicate_descriptions, s.stats.association_summaries
    );
    let _ = writeln!(o, "\nBy lineage type:");
    for (k, n) in &s.by_lineage_type {
        let _ = writeln!(o, "  {:<16} {n}", k);
    }
    let _ = writeln!(o, "\nBy entity type:");
    for (k, n) in &s.by_entity_type {
        let _ = writeln!(o, "  {:<28} {n}", one_line(k));
    }
    let _ = writeln!(o, "\nBy association type:");
    for (k, n) in &s.by_association_type {
        let _ = writeln!(o, "  {:<16} {n}", one_line(k));
    }
    let _ = writeln!(o, "\nJoins ({}):", l.graph.joins.len());
    for j in &l.graph.joins {
        let _ = writeln!(o, "  {} = {}  [{}]", one_line(&j.vertex), one_line(&j.described), j.how);
    }
    let _ = writeln!(
        o,
        "\nDescribed: {} training jobs, {} processing jobs, {} model packages",
        l.graph.training_jobs.len(),
        l.graph.processing_jobs.len(),
        l.graph.model_packages.len()
    );
    let r = &l.graph.records;
    let st = &l.stats;
    let _ = writeln!(
        o,
        "Beside the lineage: {} capture records ({} repeated), {} endpoints, {} endpoint configs, {} models, {} CloudTrail events ({} repeated), {} EventBridge model-package changes ({} repeated)",
        r.captures.len(),
        st.duplicate_capture_records,
        r.endpoints.len(),
        r.endpoint_configs.len(),
        r.models.len(),
        r.trail.len(),
        st.duplicate_cloudtrail_events,
        r.package_events.len(),
        st.duplicate_package_state_events
    );
    if !l.start_arns.is_empty() {
        let _ = writeln!(o, "\nStartArns:");
        for a in &l.start_arns {
            let _ = writeln!(o, "  {}", one_line(a));
        }
    }
    let _ = writeln!(o, "\nWarnings ({}):", l.warnings.len());
    for w in &l.warnings {
        let _ = writeln!(o, "  - {}", one_line(w));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_start_markup_is_escaped_too() {
        for (input, escaped) in [("# h", "\\# h"), ("- item", "\\- item"), ("1. one", "1\\. one"), ("a-b/c", "a-b/c")] {
            assert_eq!(md_escape(input), escaped);
            let html = markdown_to_html(&format!("- {}\n", md_escape(input)));
            assert!(!html.contains("<h1>") && !html.contains("<ol>") && html.matches("<li>").count() == 1, "{html}");
        }
    }

    #[test]
    fn markdown_escaping_leaves_no_markup() {
        let hostile =
            "<script>alert(1)</script> [x](javascript:alert(1)) **b** | `c` <img src=x onerror=alert(1)>\n# h";
        let html = markdown_to_html(&format!("{}\n", md_escape(hostile)));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<a "), "{html}");
        assert!(!html.contains("<strong>"), "{html}");
        assert!(!html.contains("<h1>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    }

    #[test]
    fn raw_html_and_script_links_in_markdown_are_neutralised() {
        let html = markdown_to_html("<b>x</b>\n\n[a](javascript:alert(1)) <div onclick=x>\n");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn code_fences_outgrow_backticks_in_input() {
        let mut o = String::new();
        md_code_block(&mut o, "a ```` b\n");
        let html = markdown_to_html(&o);
        assert!(html.starts_with("<pre><code"), "{html}");
        assert!(html.contains("a ```` b"), "{html}");
    }
}
