//! A team's hand-kept audit table (a DynamoDB table read from a Scan or an export to S3, or a spreadsheet as CSV):
//! one row per approved model, with the facts somebody wrote down. The column map (`--audit-map`, or dropped on
//! the page) says which column holds which fact; the reconciliation (`narrative::reconcile`) compares each row
//! with the lineage.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::vocab::Origin;

/// A fact the table may hold, as the column map names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditField {
    TrainingDataset,
    FeatureStoreVersions,
    ExclusionList,
    CodeCommit,
    ApprovalStatus,
    ApprovedBy,
    ApprovedAt,
}

impl AuditField {
    pub const ALL: [AuditField; 7] = [
        AuditField::TrainingDataset,
        AuditField::FeatureStoreVersions,
        AuditField::ExclusionList,
        AuditField::CodeCommit,
        AuditField::ApprovalStatus,
        AuditField::ApprovedBy,
        AuditField::ApprovedAt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditField::TrainingDataset => "training_dataset",
            AuditField::FeatureStoreVersions => "feature_store_versions",
            AuditField::ExclusionList => "exclusion_list",
            AuditField::CodeCommit => "code_commit",
            AuditField::ApprovalStatus => "approval_status",
            AuditField::ApprovedBy => "approved_by",
            AuditField::ApprovedAt => "approved_at",
        }
    }
}

/// Where the feature-store versions are: one column holding a map `{feature group: version}` (a DynamoDB `M`, or
/// a JSON object in a CSV cell), or one column per group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FeatureColumns {
    One(String),
    PerGroup(BTreeMap<String, String>),
}

/// Which column holds which fact. Every entry is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditColumns {
    #[serde(default)]
    pub training_dataset: Option<String>,
    #[serde(default)]
    pub feature_store_versions: Option<FeatureColumns>,
    #[serde(default)]
    pub exclusion_list: Option<String>,
    #[serde(default)]
    pub code_commit: Option<String>,
    #[serde(default)]
    pub approval_status: Option<String>,
    #[serde(default)]
    pub approved_by: Option<String>,
    #[serde(default)]
    pub approved_at: Option<String>,
}

impl AuditColumns {
    /// The single column of a fact (not the feature-store versions, which may be several).
    pub fn column(&self, field: AuditField) -> Option<&str> {
        match field {
            AuditField::TrainingDataset => self.training_dataset.as_deref(),
            AuditField::ExclusionList => self.exclusion_list.as_deref(),
            AuditField::CodeCommit => self.code_commit.as_deref(),
            AuditField::ApprovalStatus => self.approval_status.as_deref(),
            AuditField::ApprovedBy => self.approved_by.as_deref(),
            AuditField::ApprovedAt => self.approved_at.as_deref(),
            AuditField::FeatureStoreVersions => match &self.feature_store_versions {
                Some(FeatureColumns::One(c)) => Some(c),
                _ => None,
            },
        }
    }

    /// Every column the map names.
    pub fn all(&self) -> Vec<&str> {
        let mut out: Vec<&str> = AuditField::ALL.iter().filter_map(|f| self.column(*f)).collect();
        if let Some(FeatureColumns::PerGroup(groups)) = &self.feature_store_versions {
            out.extend(groups.values().map(String::as_str));
        }
        out
    }
}

/// The column map, exactly as the format: `{"table", "key", "columns"}`; unknown keys are errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditMap {
    /// The table's name, as rows are cited (`model-approvals`).
    pub table: String,
    /// The column holding the model package (its ARN, or `GROUP/VERSION`).
    pub key: String,
    #[serde(default)]
    pub columns: AuditColumns,
}

/// A column map that cannot be used: where in it, and why.
pub type AuditMapError = crate::user_file::UserFileError;

impl AuditMap {
    /// Reads a column map; every error names its JSON path.
    pub fn parse(bytes: &[u8]) -> Result<AuditMap, AuditMapError> {
        crate::user_file::read(bytes)
    }
}

/// One cell, typed as the table typed it (DynamoDB's attribute types; a CSV cell is text, empty meaning none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// A number, as its digits (never through a float).
    Number(String),
    Bool(bool),
    Null,
    Map(BTreeMap<String, Cell>),
    List(Vec<Cell>),
}

impl Cell {
    /// The value as text; `None` for NULL, an empty string and an empty list (the table holds nothing).
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Text(s) | Cell::Number(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Null => None,
            Cell::List(items) => {
                let parts: Vec<String> = items.iter().filter_map(Cell::text).collect();
                (!parts.is_empty()).then(|| parts.join("; "))
            }
            Cell::Map(m) => {
                let parts: Vec<String> = m.iter().filter_map(|(k, v)| Some(format!("{k}: {}", v.text()?))).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }
        }
    }

    /// The value as a map of texts: a map, or a text holding a JSON object (a spreadsheet's cell); `None` when
    /// it is neither (or empty).
    pub fn map(&self) -> Option<BTreeMap<String, String>> {
        let m: BTreeMap<String, String> = match self {
            Cell::Map(m) => m.iter().filter_map(|(k, v)| Some((k.clone(), v.text()?))).collect(),
            Cell::Text(s) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(serde_json::Value::Object(o)) => o
                    .into_iter()
                    .filter_map(|(k, v)| {
                        let text = match v {
                            serde_json::Value::String(s) => s,
                            serde_json::Value::Null => return None,
                            other => other.to_string(),
                        };
                        Some((k, text)).filter(|(_, t)| !t.is_empty())
                    })
                    .collect(),
                _ => return None,
            },
            _ => return None,
        };
        (!m.is_empty()).then_some(m)
    }
}

/// Which form the table was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum TableFormat {
    /// `aws dynamodb scan` output (or its saved pages).
    Scan,
    /// A DynamoDB export to S3 (DYNAMODB_JSON): `{"Item": …}` lines of a `.json.gz` data file.
    Export,
    /// A CSV file with a header row.
    Csv,
}

/// One row of the table, by column name, with where it was read (file, line, JSON path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub cells: BTreeMap<String, Cell>,
    pub origin: Origin,
    pub format: TableFormat,
}

impl AuditRow {
    /// The text of `column`, if the row holds a value there.
    pub fn text(&self, column: &str) -> Option<String> {
        self.cells.get(column).and_then(Cell::text)
    }
}

/// The audit table as read: its map (when given) and every row, in (file, line, path) order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AuditTable {
    pub map: Option<AuditMap>,
    pub rows: Vec<AuditRow>,
}

impl AuditRow {
    /// The feature-store versions the row states, by feature group: the map in the one column, or each group's
    /// own column (empty when the map names none or the row holds none).
    pub fn feature_versions(&self, columns: &AuditColumns) -> BTreeMap<String, String> {
        match &columns.feature_store_versions {
            Some(FeatureColumns::One(column)) => self.cells.get(column).and_then(Cell::map).unwrap_or_default(),
            Some(FeatureColumns::PerGroup(groups)) => {
                groups.iter().filter_map(|(group, column)| Some((group.clone(), self.text(column)?))).collect()
            }
            None => BTreeMap::new(),
        }
    }

    /// The text of every mapped fact the row holds (the feature-store versions as `group: version, …`), whatever
    /// form the table was read in: the same row read from a Scan, an export or a CSV gives the same facts.
    pub fn facts(&self, columns: &AuditColumns) -> BTreeMap<AuditField, String> {
        let mut out = BTreeMap::new();
        for field in AuditField::ALL {
            let text = if field == AuditField::FeatureStoreVersions {
                let versions = self.feature_versions(columns);
                let parts: Vec<String> = versions.iter().map(|(g, v)| format!("{g}: {v}")).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            } else {
                columns.column(field).and_then(|c| self.text(c))
            };
            if let Some(text) = text {
                out.insert(field, text);
            }
        }
        out
    }
}
