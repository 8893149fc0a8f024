//! Why a report's subject could not be resolved: no start, a name that matches nothing or several things, a vertex
//! a report cannot start from, or an inference that cannot be tied to one model package.

use std::fmt;

use crate::deployments::InferenceError;
use crate::model::group_and_version;
use crate::model::roles::Role;
use crate::text::Asker;

/// Why no report could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NarrativeError {
    /// No `--start`, no `StartArns`, and not exactly one model package.
    NoStart {
        candidates: Vec<String>,
    },
    NotFound {
        id: String,
        /// The loaded names closest to it.
        nearest: Vec<String>,
    },
    /// A description names it, but no lineage vertex stands for it.
    NotLinked {
        what: String,
        expected: String,
    },
    Ambiguous {
        id: String,
        candidates: Vec<String>,
    },
    /// The start vertex is not a model package, model artifact or endpoint.
    WrongKind {
        arn: String,
        role: Role,
    },
    /// An endpoint whose ancestry holds several model packages.
    SeveralPackages {
        arn: String,
        candidates: Vec<String>,
    },
    /// The inference could not be tied to one model package.
    Inference(InferenceError),
    /// The model package that served the inference has no vertex in the lineage export.
    PackageNotInLineage {
        id: String,
        arn: String,
    },
    /// `--start` named a package that is not one of those that may have served the inference.
    NotACandidate {
        start: String,
        candidates: Vec<String>,
    },
}

impl fmt::Display for NarrativeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_words(Asker::Cli, f)
    }
}

impl NarrativeError {
    /// The error as `asker` reads it (the page names its picker and fields where the command line names its flags).
    pub fn words(&self, asker: Asker) -> String {
        let mut s = String::new();
        let _ = self.write_words(asker, &mut s);
        s
    }

    fn write_words(&self, a: Asker, f: &mut impl fmt::Write) -> fmt::Result {
        let list = |c: &[String]| c.iter().map(|s| format!("\n  {s}")).collect::<String>();
        match self {
            NarrativeError::NoStart { candidates } if candidates.is_empty() => f.write_str(
                "no start given and the export has no StartArns, no model package, no endpoint and no model artifact to report on (expected a model-package artifact or context, or a DescribeModelPackage response)",
            ),
            NarrativeError::NoStart { candidates } => write!(
                f,
                "no start given, and the export holds {}; {}:{}",
                candidate_count(candidates),
                a.pick_subject(),
                grouped(candidates)
            ),
            NarrativeError::NotFound { id, nearest } => {
                write!(
                    f,
                    "nothing in the export is called {id:?} (searched: lineage vertices by ARN, name and source URI; model packages by ARN, name and GROUP/VERSION; described endpoints, models and training jobs by name)"
                )?;
                if nearest.is_empty() {
                    Ok(())
                } else {
                    write!(f, "; the nearest names loaded:{}", list(nearest))
                }
            }
            NarrativeError::NotLinked { what, expected } => write!(f, "{what} (expected {expected})"),
            NarrativeError::Ambiguous { id, candidates } => {
                let pick = if a == Asker::Cli { "pass one of them" } else { a.pick_subject() };
                write!(f, "{id:?} names {} vertices; {pick}:{}", candidates.len(), list(candidates))
            }
            NarrativeError::WrongKind { arn, role } => write!(
                f,
                "{arn} is a {role} vertex; a report starts from a model package, a model artifact or an endpoint{}",
                a.explore_elsewhere()
            ),
            NarrativeError::SeveralPackages { arn, candidates } => write!(
                f,
                "endpoint {arn} has served {}; {}:{}",
                candidate_count(candidates),
                a.pick_subject(),
                grouped(candidates)
            ),
            NarrativeError::Inference(e) => e.write_words(a, f),
            NarrativeError::PackageNotInLineage { id, arn } => write!(
                f,
                "inference {id} was served by model package {arn}, but no lineage vertex stands for it (expected an artifact whose Source.SourceUri is that ARN); add `aws sagemaker query-lineage --start-arns <its artifact ARN> --direction Ascendants` to the export"
            ),
            NarrativeError::NotACandidate { start, candidates } => write!(
                f,
                "{} is not one of the model packages that may have served the inference:{}",
                a.start_named(start),
                list(candidates)
            ),
        }
    }
}

impl std::error::Error for NarrativeError {}

/// "15 model packages", "1 endpoint", "3 candidates": what a list of candidates holds.
fn candidate_count(candidates: &[String]) -> String {
    let packages = candidates.iter().all(|c| c.contains(":model-package/"));
    let noun = if packages { "model package" } else { "candidate" };
    crate::text::count(candidates.len(), noun)
}

/// Candidates one group a line (`credit-xgb: credit-xgb/71, credit-xgb/72`), versions in number order; what is not
/// a versioned model package by its ARN, a line each.
fn grouped(candidates: &[String]) -> String {
    let mut groups: std::collections::BTreeMap<&str, Vec<u64>> = Default::default();
    let mut others = Vec::new();
    for arn in candidates {
        match group_and_version(arn) {
            (Some(group), Some(version)) if arn.contains(":model-package/") => {
                groups.entry(group).or_default().push(version)
            }
            _ => others.push(arn.as_str()),
        }
    }
    let mut out = String::new();
    for (group, mut versions) in groups {
        versions.sort_unstable();
        let names: Vec<String> = versions.iter().map(|v| format!("{group}/{v}")).collect();
        out.push_str(&format!("\n  {group}: {}", names.join(", ")));
    }
    others.sort_unstable();
    for arn in others {
        out.push_str(&format!("\n  {arn}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployments::InferenceError;

    #[test]
    fn each_reader_is_told_its_own_next_step_in_one_message() {
        let several = NarrativeError::SeveralPackages {
            arn: "arn:aws:sagemaker:r:1:context/ep".into(),
            candidates: vec!["arn:aws:sagemaker:r:1:model-package/g/1".into()],
        };
        assert!(several.to_string().contains("; pass --start with one of:\n  g: g/1"), "{several}");
        let page = several.words(Asker::Page);
        assert!(page.contains("; choose one in the Subject picker:\n  g: g/1") && !page.contains("--"), "{page}");
        let no_endpoint = NarrativeError::Inference(InferenceError::NoEndpoint { id: "x".into(), origin: "f".into() });
        assert!(no_endpoint.to_string().ends_with("pass --endpoint (and --variant)"));
        let page = no_endpoint.words(Asker::Page);
        assert!(page.contains("the Endpoint and Variant fields") && !page.contains("--"), "{page}");
    }
}
