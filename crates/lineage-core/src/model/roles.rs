//! Roles: the part a vertex plays in the audit narrative, decided by a data table (built in, extendable by a file).

use rustc_hash::FxHashMap;
use serde::Deserialize;
use wildmatch::WildMatch;

use super::graph::Node;
use super::record_rules::{ApprovalTagRule, VersionRule};
use super::vocab::LineageType;

pub use super::vocab::Role;

/// One row of the role table.
/// A glob (wildmatch: `*` any text, `?` one character) whose literal ends are checked first: most vertices are
/// turned away by one byte at either end, so classifying a million of them costs little glob matching.
#[derive(Debug, Clone)]
struct Glob {
    /// The pattern's first and last bytes when they are literal (not `*` or `?`).
    first: Option<u8>,
    last: Option<u8>,
    pattern: WildMatch,
}

impl Glob {
    fn new(pattern: &str) -> Glob {
        let literal = |b: &u8| *b != b'*' && *b != b'?';
        let bytes = pattern.as_bytes();
        Glob {
            first: bytes.first().copied().filter(literal),
            last: bytes.last().copied().filter(literal),
            pattern: WildMatch::new(pattern),
        }
    }

    fn matches(&self, s: &str) -> bool {
        // One byte at each end turns most vertices away without a call; wildmatch decides the rest.
        let text = s.as_bytes();
        self.first.is_none_or(|c| text.first() == Some(&c))
            && self.last.is_none_or(|c| text.last() == Some(&c))
            && self.pattern.matches(s)
    }
}

#[derive(Debug, Clone)]
pub struct RoleRule {
    pub role: Role,
    pub entity_type: Option<String>,
    pub lineage_type: Option<LineageType>,
    uri: Option<Glob>,
    name: Option<Glob>,
    arn: Option<Glob>,
}

impl RoleRule {
    fn matches(&self, lt: Option<LineageType>, et: Option<&str>, uri: Option<&str>, name: &str, arn: &str) -> bool {
        self.type_fits(lt, et) && self.patterns_match(uri, name, arn)
    }

    /// The rule's entity type and lineage type (what a vertex's type alone decides).
    fn type_fits(&self, lt: Option<LineageType>, et: Option<&str>) -> bool {
        if let Some(want) = &self.entity_type {
            if !et.is_some_and(|t| t.eq_ignore_ascii_case(want)) {
                return false;
            }
        }
        self.lineage_type.is_none() || self.lineage_type == lt
    }

    /// The rule's globs on the source URI, name and ARN.
    fn patterns_match(&self, uri: Option<&str>, name: &str, arn: &str) -> bool {
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
    #[serde(default)]
    rules: Vec<RuleRow>,
    /// Pipeline-parameter rules: which execution parameters name the code commit.
    #[serde(default)]
    parameters: Vec<ParameterRow>,
    /// Which tags of a registered model version state its approval.
    #[serde(default)]
    approval_tags: Vec<ApprovalTagRule>,
    /// Which parts of a source URI state a dataset's version.
    #[serde(default)]
    versions: Vec<VersionRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterRow {
    role: String,
    /// A glob on the parameter's name, ignoring case.
    name: String,
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
pub type RoleFileError = crate::user_file::UserFileError;

/// The ordered role rules: user rules first, then the built-in table.
#[derive(Debug, Clone)]
pub struct RoleTable {
    rules: Vec<RoleRule>,
    /// Pipeline-parameter name globs (ignoring case) and the role a parameter they match plays.
    parameters: Vec<(WildMatch, Role)>,
    approval_tags: Vec<ApprovalTagRule>,
    versions: Vec<VersionRule>,
}

const BUILTIN: &str = include_str!("../../data/roles.json");

impl Default for RoleTable {
    fn default() -> Self {
        RoleTable::builtin()
    }
}

impl RoleTable {
    /// The built-in table (SageMaker's type strings, the article's custom types, source-URI patterns).
    pub fn builtin() -> RoleTable {
        // The built-in table is checked by a unit test; an error here is a build defect, reported as no rules.
        let parsed = parse_file(BUILTIN.as_bytes()).unwrap_or_default();
        RoleTable {
            rules: parsed.rules,
            parameters: parsed.parameters,
            approval_tags: parsed.approval_tags,
            versions: parsed.versions,
        }
    }

    /// The built-in table with a user's rules (same JSON shape as `data/roles.json`) tried first.
    pub fn with_user_rules(bytes: &[u8]) -> Result<RoleTable, RoleFileError> {
        let mut t = parse_file(bytes)?;
        let builtin = RoleTable::builtin();
        t.rules.extend(builtin.rules);
        t.parameters.extend(builtin.parameters);
        t.approval_tags.extend(builtin.approval_tags);
        t.versions.extend(builtin.versions);
        Ok(RoleTable { rules: t.rules, parameters: t.parameters, approval_tags: t.approval_tags, versions: t.versions })
    }

    /// The approval fact a registered model version's tag states (its key matched ignoring case), if any rule says.
    pub fn approval_tag(&self, key: &str) -> Option<super::record_rules::ApprovalField> {
        self.approval_tags.iter().find(|r| r.tag.eq_ignore_ascii_case(key)).map(|r| r.field)
    }

    /// The version a source URI states by the first rule that reads one, with the rule in words.
    pub fn version_in_uri(&self, uri: &str) -> Option<(String, String)> {
        self.versions.iter().find_map(|r| r.version_of(uri))
    }

    /// The role a pipeline parameter plays by its name (`GitCommit` names the code commit), if any rule says.
    pub fn parameter_role(&self, name: &str) -> Option<Role> {
        self.parameters.iter().find(|(glob, _)| glob.matches(name)).map(|(_, role)| *role)
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

    /// A classifier for many vertices (the load classifies every one).
    pub fn classifier<'k>(&self) -> Classifier<'_, 'k> {
        Classifier { table: self, by_type: FxHashMap::default() }
    }
}

/// Classifies many vertices as [`RoleTable::role_of`] does, finding the rules a type fits once per (lineage type,
/// entity type): a million vertices of a few dozen types then cost only their globs.
pub struct Classifier<'t, 'k> {
    table: &'t RoleTable,
    by_type: FxHashMap<(Option<LineageType>, Option<&'k str>), Vec<usize>>,
}

impl<'k> Classifier<'_, 'k> {
    pub fn role_of(&mut self, node: &'k Node) -> Role {
        let rules = &self.table.rules;
        let key = (node.lineage_type, node.entity_type());
        let fits = self
            .by_type
            .entry(key)
            .or_insert_with(|| (0..rules.len()).filter(|&i| rules[i].type_fits(key.0, key.1)).collect());
        let (uri, name, arn) = (node.source_uri(), node.name(), &*node.arn);
        fits.iter().map(|&i| &rules[i]).find(|r| r.patterns_match(uri, name, arn)).map_or(Role::Other, |r| r.role)
    }
}

#[derive(Default)]
struct Parsed {
    rules: Vec<RoleRule>,
    parameters: Vec<(WildMatch, Role)>,
    approval_tags: Vec<ApprovalTagRule>,
    versions: Vec<VersionRule>,
}

fn parse_file(bytes: &[u8]) -> Result<Parsed, RoleFileError> {
    let file: RuleFile = crate::user_file::read(bytes)?;
    if let Some(i) = file.versions.iter().position(|v| !v.is_valid()) {
        return Err(RoleFileError {
            path: format!("versions[{i}]"),
            message: "a version rule gives exactly one of path_segment and file_suffix, not empty".into(),
        });
    }
    let mut parameters = Vec::with_capacity(file.parameters.len());
    for (i, row) in file.parameters.into_iter().enumerate() {
        if row.role != Role::CodeCommit.as_str() {
            return Err(RoleFileError {
                path: format!("parameters[{i}].role"),
                message: format!("a pipeline-parameter rule's role must be code_commit, found {:?}", row.role),
            });
        }
        parameters.push((WildMatch::new_case_insensitive(&row.name), Role::CodeCommit));
    }
    Ok(Parsed {
        rules: parse_rules(file.rules)?,
        parameters,
        approval_tags: file.approval_tags,
        versions: file.versions,
    })
}

fn parse_rules(rows: Vec<RuleRow>) -> Result<Vec<RoleRule>, RoleFileError> {
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
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
            uri: row.uri.as_deref().map(Glob::new),
            name: row.name.as_deref().map(Glob::new),
            arn: row.arn.as_deref().map(Glob::new),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses() {
        let rules = parse_file(BUILTIN.as_bytes())
            .map(|p| (p.rules.len(), p.parameters.len(), p.approval_tags.len(), p.versions.len()));
        assert!(matches!(rules, Ok((n, p, a, v)) if n > 40 && p >= 3 && a >= 8 && v >= 2), "{rules:?}");
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

#[cfg(test)]
mod glob_tests {
    use super::Glob;

    #[test]
    fn literal_ends_only_speed_up_what_wildmatch_decides() {
        let cases = [
            ("s3://*/policy/*.csv", "s3://b/policy/x.csv", true),
            ("s3://*/policy/*.csv", "s3://b/policy/x.csvx", false),
            ("*.git", "https://h/r.git", true),
            ("*.git", ".gi", false),
            ("arn:aws*:sagemaker:*:*:model-package/*", "arn:aws:sagemaker:r:1:model-package/g/1", true),
            ("arn:aws*:sagemaker:*:*:model-package/*", "s3://arn:aws", false),
            ("git@*", "git@", true),
            ("a?c", "abc", true),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("ab*ba", "aba", false),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(Glob::new(pattern).matches(text), want, "{pattern} on {text}");
            assert_eq!(wildmatch::WildMatch::new(pattern).matches(text), want, "{pattern} on {text} (wildmatch)");
        }
    }
}
