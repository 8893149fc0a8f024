//! The role table's rules for what other systems record as free text: which tags of a registered model version
//! state its approval (MLflow has no approval record), and which parts of a source URI state a dataset's version
//! when the system records none. Data, in `data/roles.json` (`approval_tags`, `versions`); users extend them.

use serde::Deserialize;

/// One fact of an approval, as tags state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalField {
    Approver,
    ApprovedAt,
    Status,
    Ticket,
}

impl ApprovalField {
    /// The approval-record property the fact becomes (what `narrative::approval` reads).
    pub fn property(self) -> &'static str {
        match self {
            ApprovalField::Approver => "approver",
            ApprovalField::ApprovedAt => "approved_at",
            ApprovalField::Status => "status",
            ApprovalField::Ticket => "ticket",
        }
    }
}

/// `{"field": "approver", "tag": "approved_by"}`: the tag (its key, ignoring case) states that fact.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalTagRule {
    pub field: ApprovalField,
    pub tag: String,
}

/// How a source URI states a version: `{"path_segment": "version="}` (a path segment starting with it; the
/// version is the rest: `…/version=2027-03-01/…`), or `{"file_suffix": "-v"}` (the file name, before its
/// extension, ends with it and digits; the version is those without the leading `-`: `exclusions-v14.csv` → `v14`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionRule {
    #[serde(default)]
    pub path_segment: Option<String>,
    #[serde(default)]
    pub file_suffix: Option<String>,
}

impl VersionRule {
    /// The version `uri` states by this rule, and the rule in words.
    pub fn version_of(&self, uri: &str) -> Option<(String, String)> {
        let path = uri.split(['?', '#']).next().unwrap_or(uri);
        if let Some(prefix) = self.path_segment.as_deref().filter(|p| !p.is_empty()) {
            let found = path.split('/').find_map(|seg| seg.strip_prefix(prefix).filter(|v| !v.is_empty()));
            return found.map(|v| (v.to_owned(), format!("the source URI's path segment {prefix}{v}")));
        }
        let suffix = self.file_suffix.as_deref().filter(|s| !s.is_empty())?;
        let file = path.trim_end_matches('/').rsplit('/').next()?;
        let stem = file.split_once('.').map_or(file, |(s, _)| s);
        let digits_at = stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (head, digits) = stem.split_at(digits_at);
        let head = head.strip_suffix(suffix)?;
        (!digits.is_empty() && !head.is_empty()).then(|| {
            let version = format!("{}{digits}", suffix.trim_start_matches(['-', '_', '.']));
            (version.clone(), format!("the file name's suffix {suffix}{digits} ({file})"))
        })
    }

    pub(crate) fn is_valid(&self) -> bool {
        self.path_segment.as_deref().is_some_and(|p| !p.is_empty())
            ^ self.file_suffix.as_deref().is_some_and(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_hive_segments_and_file_suffixes_only() {
        let seg = VersionRule { path_segment: Some("version=".into()), file_suffix: None };
        let suf = VersionRule { path_segment: None, file_suffix: Some("-v".into()) };
        let v = |r: &VersionRule, u: &str| r.version_of(u).map(|(v, _)| v);
        assert_eq!(v(&seg, "s3://f/bureau/version=2027-03-01/part-0.parquet").as_deref(), Some("2027-03-01"));
        assert_eq!(v(&seg, "s3://f/bureau/versions/part-0.parquet"), None);
        assert_eq!(v(&suf, "s3://credit-ml/policy/exclusions-v14.csv").as_deref(), Some("v14"));
        assert_eq!(v(&suf, "s3://credit-ml/policy/exclusions-v.csv"), None);
        assert_eq!(v(&suf, "s3://credit-ml/policy/-v3.csv"), None);
        assert_eq!(v(&suf, "s3://credit-ml/policy/exclusions-final.csv"), None);
    }
}
