//! Roles: the part a vertex plays in the audit narrative, decided by a data table (built in, extendable by a file).

use std::fmt;

use serde::Deserialize;
use wildmatch::WildMatch;

use crate::model::{LineageType, Node};

pub use crate::model::Role;

/// One row of the role table.
#[derive(Debug, Clone)]
pub struct RoleRule {
    pub role: Role,
    pub entity_type: Option<String>,
    pub lineage_type: Option<LineageType>,
    uri: Option<WildMatch>,
    name: Option<WildMatch>,
    arn: Option<WildMatch>,
}

impl RoleRule {
    fn matches(&self, lt: Option<LineageType>, et: Option<&str>, uri: Option<&str>, name: &str, arn: &str) -> bool {
        if let Some(want) = &self.entity_type {
            if !et.is_some_and(|t| t.eq_ignore_ascii_case(want)) {
                return false;
            }
        }
        if self.lineage_type.is_some() && self.lineage_type != lt {
            return false;
        }
        if let Some(p) = &self.uri {
            if !uri.is_some_and(|u| p.matches(u)) {
                return false;
            }
        }
        if let Some(p) = &self.name {
            if !p.matches(name) {
                return false;
            }
        }
        if let Some(p) = &self.arn {
            if !p.matches(arn) {
                return false;
            }
        }
        true
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    #[allow(dead_code)]
    about: Option<String>,
    rules: Vec<RuleRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleRow {
    role: String,
    #[serde(rename = "type")]
    entity_type: Option<String>,
    lineage_type: Option<String>,
    uri: Option<String>,
    name: Option<String>,
    arn: Option<String>,
}

/// A role-table file that cannot be used: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFileError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for RoleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

/// The ordered role rules: user rules first, then the built-in table.
#[derive(Debug, Clone)]
pub struct RoleTable {
    rules: Vec<RoleRule>,
}

const BUILTIN: &str = include_str!("../data/roles.json");

impl Default for RoleTable {
    fn default() -> Self {
        RoleTable::builtin()
    }
}

impl RoleTable {
    /// The built-in table (SageMaker's type strings, the article's custom types, source-URI patterns).
    pub fn builtin() -> RoleTable {
        // The built-in table is checked by a unit test; an error here is a build defect, reported as no rules.
        RoleTable { rules: parse_rules(BUILTIN.as_bytes()).unwrap_or_default() }
    }

    /// The built-in table with a user's rules (same JSON shape as `data/roles.json`) tried first.
    pub fn with_user_rules(bytes: &[u8]) -> Result<RoleTable, RoleFileError> {
        let mut rules = parse_rules(bytes)?;
        rules.extend(RoleTable::builtin().rules);
        Ok(RoleTable { rules })
    }

    pub fn rules(&self) -> &[RoleRule] {
        &self.rules
    }

    pub fn classify(
        &self,
        lt: Option<LineageType>,
        et: Option<&str>,
        uri: Option<&str>,
        name: &str,
        arn: &str,
    ) -> Role {
        self.rules.iter().find(|r| r.matches(lt, et, uri, name, arn)).map_or(Role::Other, |r| r.role)
    }

    pub fn role_of(&self, node: &Node) -> Role {
        self.classify(node.lineage_type, node.entity_type(), node.source_uri(), node.name(), &node.arn)
    }
}

fn parse_rules(bytes: &[u8]) -> Result<Vec<RoleRule>, RoleFileError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let file: RuleFile = serde_path_to_error::deserialize(&mut de).map_err(|e| RoleFileError {
        path: if e.path().to_string() == "." { String::new() } else { e.path().to_string() },
        message: e.inner().to_string(),
    })?;
    let mut out = Vec::with_capacity(file.rules.len());
    for (i, row) in file.rules.into_iter().enumerate() {
        let at = |field: &str| format!("rules[{i}].{field}");
        let role = Role::parse(&row.role).ok_or_else(|| RoleFileError {
            path: at("role"),
            message: format!(
                "unknown role {:?}; expected one of {}",
                row.role,
                Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
            ),
        })?;
        let lineage_type = match row.lineage_type {
            None => None,
            Some(s) => Some(LineageType::parse(&s).ok_or_else(|| RoleFileError {
                path: at("lineage_type"),
                message: format!("expected one of Artifact, Action, Context, TrialComponent, found {s:?}"),
            })?),
        };
        if row.entity_type.is_none()
            && lineage_type.is_none()
            && row.uri.is_none()
            && row.name.is_none()
            && row.arn.is_none()
        {
            return Err(RoleFileError {
                path: format!("rules[{i}]"),
                message:
                    "a rule needs at least one of type, lineage_type, uri, name, arn (otherwise it matches everything)"
                        .into(),
            });
        }
        out.push(RoleRule {
            role,
            entity_type: row.entity_type,
            lineage_type,
            uri: row.uri.as_deref().map(WildMatch::new),
            name: row.name.as_deref().map(WildMatch::new),
            arn: row.arn.as_deref().map(WildMatch::new),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses() {
        let rules = parse_rules(BUILTIN.as_bytes()).map(|r| r.len());
        assert!(matches!(rules, Ok(n) if n > 40), "{rules:?}");
    }

    #[test]
    fn uri_rules_come_before_type_rules() {
        let t = RoleTable::builtin();
        let art = Some(LineageType::Artifact);
        assert_eq!(t.classify(art, Some("DataSet"), Some("s3://policy/excl-v14.csv"), "x", "a"), Role::ExclusionList);
        assert_eq!(t.classify(art, Some("DataSet"), Some("s3://credit/train/"), "x", "a"), Role::TrainingDataset);
        let mp = "arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-xgb/73";
        assert_eq!(t.classify(art, Some("Model"), Some(mp), "x", "a"), Role::ModelPackage);
        assert_eq!(t.classify(Some(LineageType::Action), Some("Approval"), Some(mp), "x", "a"), Role::Approval);
        assert_eq!(t.classify(art, Some("Model"), Some("s3://m/model.tar.gz"), "x", "a"), Role::ModelData);
        let tc = Some(LineageType::TrialComponent);
        assert_eq!(t.classify(tc, None, None, "job-1-aws-training-job", "a"), Role::TrainingJob);
        assert_eq!(t.classify(art, Some("Whatever"), None, "x", "a"), Role::Other);
    }

    #[test]
    fn user_rules_win_and_errors_name_the_rule() {
        let t = RoleTable::with_user_rules(br#"{"rules":[{"role":"raw_data","uri":"s3://lake/*"}]}"#);
        let t = t.map_err(|e| e.to_string());
        assert_eq!(
            t.as_ref().map(|t| t.classify(None, Some("DataSet"), Some("s3://lake/x"), "n", "a")),
            Ok(Role::RawData)
        );
        let bad = RoleTable::with_user_rules(br#"{"rules":[{"role":"dataset","type":"X"}]}"#).map(|_| ());
        assert_eq!(bad.map_err(|e| e.path), Err("rules[0].role".to_owned()));
        let bad = RoleTable::with_user_rules(br#"{"rules":[{"role":"raw_data"}]}"#).map(|_| ());
        assert_eq!(bad.map_err(|e| e.path), Err("rules[0]".to_owned()));
        let bad = RoleTable::with_user_rules(br#"{"rules":[{"role":"raw_data","typo":"X"}]}"#).map(|_| ());
        assert!(bad.is_err());
    }
}
