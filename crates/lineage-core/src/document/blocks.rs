//! The document's vocabulary: the closed set of [`Block`]s a section is made of, their inline [`Span`]s, the
//! [`Section`]s in the one order every format shows, and [`Document`] itself.

use serde::{Deserialize, Serialize};

use crate::narrative::ReportGraph;

/// What a value the export lacks reads as, in every format.
pub const NOT_RECORDED: &str = "not recorded";

/// The report's sections, in the order every format shows them: the five questions numbered, then the rest. A
/// letter that cites "answer 4" means the same section in the text, the Markdown, the PDF and the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Section {
    ModelVersion,
    TrainingData,
    UpstreamSources,
    Hyperparameters,
    Approval,
    Code,
    /// The version compared with the one it replaced in its group (only when the export holds that one).
    Changes,
    /// The subject's row of the team's audit table, reconciled (only when a table was read).
    AuditTable,
    Gaps,
    AncestryTree,
    LineageGraph,
    Evidence,
    /// `lineage diff`: the facts that differ between two versions.
    Differences,
    /// `lineage impact`: the model versions that used a source, and their deployments.
    AffectedModels,
    /// `lineage impact`: the captured inferences the affected versions served.
    AffectedInferences,
    /// `lineage impact`: the datasets, jobs and artifacts between the source and the models.
    Downstream,
}

impl Section {
    /// A report's sections, in order (the audit table and the changes only when there is one).
    pub const REPORT: [Section; 12] = [
        Section::ModelVersion,
        Section::TrainingData,
        Section::UpstreamSources,
        Section::Hyperparameters,
        Section::Approval,
        Section::Code,
        Section::Changes,
        Section::AuditTable,
        Section::Gaps,
        Section::AncestryTree,
        Section::LineageGraph,
        Section::Evidence,
    ];

    /// Every section any document has.
    pub const ALL: [Section; 16] = [
        Section::ModelVersion,
        Section::TrainingData,
        Section::UpstreamSources,
        Section::Hyperparameters,
        Section::Approval,
        Section::Code,
        Section::AuditTable,
        Section::Gaps,
        Section::AncestryTree,
        Section::LineageGraph,
        Section::Evidence,
        Section::Changes,
        Section::Differences,
        Section::AffectedModels,
        Section::AffectedInferences,
        Section::Downstream,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::ModelVersion => "1. Model version",
            Section::TrainingData => "2. Training data",
            Section::UpstreamSources => "3. Upstream sources",
            Section::Hyperparameters => "4. Hyperparameters and metrics",
            Section::Approval => "5. Approval",
            Section::Code => "Code",
            Section::AuditTable => "Audit table",
            Section::Gaps => "Gaps",
            Section::AncestryTree => "Ancestry tree",
            Section::LineageGraph => "Lineage graph",
            Section::Evidence => "Evidence",
            Section::Changes => "Changes since the previous version",
            Section::Differences => "Changes",
            Section::AffectedModels => "Affected model versions",
            Section::AffectedInferences => "Affected inferences",
            Section::Downstream => "Downstream of the source",
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
            Section::AuditTable => "audit-table",
            Section::Gaps => "gaps",
            Section::AncestryTree => "ancestry-tree",
            Section::LineageGraph => "lineage-graph",
            Section::Evidence => "evidence",
            Section::Changes => "changes",
            Section::Differences => "differences",
            Section::AffectedModels => "affected-models",
            Section::AffectedInferences => "affected-inferences",
            Section::Downstream => "downstream",
        }
    }
}

/// A run of inline text. Text from an input is carried as it is; each face escapes it for its medium.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    Text(String),
    /// An identifier: an ARN, a URI, a digest, a hyperparameter (monospace).
    Code(String),
    Strong(String),
    Emphasis(String),
    /// A link to a section of the same document.
    Link {
        text: String,
        to: Section,
    },
    /// A link to another report: the one `subject` (a model-package ARN) starts from (the fleet check's rows).
    Report {
        text: String,
        subject: String,
    },
}

impl Span {
    pub fn text(&self) -> &str {
        match self {
            Span::Text(s) | Span::Code(s) | Span::Strong(s) | Span::Emphasis(s) => s,
            Span::Link { text, .. } | Span::Report { text, .. } => text,
        }
    }
}

/// Inline content: a sequence of spans.
pub type Inline = Vec<Span>;

/// The spans' text, joined (what a face that cannot style inline text prints).
pub fn plain(spans: &[Span]) -> String {
    spans.iter().map(Span::text).collect()
}

/// A labelled value and, where the answer records one, where it was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub label: String,
    pub value: Inline,
    pub source: Option<String>,
}

/// One entry of a dated history (deployments, approval status changes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The entry in effect for the question asked (the deployment that served the inference).
    pub current: bool,
    pub when: String,
    pub what: Inline,
    pub sources: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoteKind {
    /// A question the export cannot answer.
    Gap,
    /// Sources that disagree.
    Conflict,
    Note,
}

impl NoteKind {
    pub fn label(self) -> &'static str {
        match self {
            NoteKind::Gap => "Gap",
            NoteKind::Conflict => "Conflict",
            NoteKind::Note => "Note",
        }
    }
}

/// The lineage graph as a figure: each face draws it its own way (the PDF as a laid-out drawing, the page as the
/// explorer, text and Markdown as a list of edges).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub graph: ReportGraph,
    /// The vertex the report starts from (drawn heavier).
    pub subject: String,
    /// `36 vertices, 23 edges`.
    pub caption: String,
    /// Every edge as `name (Type) --ContributedTo--> name (Type)`, sorted.
    pub edges: Vec<String>,
}

/// An input file as the evidence lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRow {
    /// The file name, with what was skipped in it.
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The closed set of things a section is made of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A heading inside a section (a training job, "Status history").
    Subheading(String),
    Paragraph(Inline),
    Fields(Vec<Field>),
    /// A table with a header row; every row has as many cells as the header.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<Inline>>,
    },
    List(Vec<Inline>),
    History(Vec<HistoryEntry>),
    /// The ancestry tree, already drawn with box characters.
    Tree(String),
    Note {
        kind: NoteKind,
        text: Inline,
        detail: Option<Inline>,
    },
    Figure(Figure),
    Evidence(Vec<InputRow>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSection {
    pub section: Section,
    pub blocks: Vec<Block>,
}

impl DocSection {
    pub fn title(&self) -> &'static str {
        self.section.title()
    }
    pub fn anchor(&self) -> &'static str {
        self.section.anchor()
    }
}

/// The whole audit document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// `Model package credit-xgb/73`, `Inference loan-8231 — model package credit-xgb/73`.
    pub title: String,
    /// What the report is about, where it starts, what was read.
    pub facts: Vec<Field>,
    /// The provenance sentence.
    pub sentence: String,
    /// One line under the sentence: every question answered, or how many are gaps (linked to the Gaps section).
    pub summary: Inline,
    /// The gaps' questions in brief, for a first view (the Gaps section has them in full).
    pub gap_titles: Vec<String>,
    pub sections: Vec<DocSection>,
}
