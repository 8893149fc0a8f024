//! Why a report's subject could not be resolved: no start, a name that matches nothing or several things, a vertex
//! a report cannot start from, or an inference that cannot be tied to one model package.

use std::fmt;

use crate::deployments::InferenceError;
use crate::model::roles::Role;

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
        let list = |c: &[String]| c.iter().map(|s| format!("\n  {s}")).collect::<String>();
        match self {
            NarrativeError::NoStart { candidates } if candidates.is_empty() => f.write_str(
                "no start given and the export has no StartArns, no model package, no endpoint and no model artifact to report on (expected a model-package artifact or context, or a DescribeModelPackage response)",
            ),
            NarrativeError::NoStart { candidates } => write!(
                f,
                "no start given, the export has no StartArns, and it holds {} candidates (model packages, else endpoints, else model artifacts); pass --start with one of:{}",
                candidates.len(),
                list(candidates)
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
                write!(f, "{id:?} names {} vertices; pass one of them:{}", candidates.len(), list(candidates))
            }
            NarrativeError::WrongKind { arn, role } => write!(
                f,
                "{arn} is a {role} vertex; a report starts from a model package, a model artifact or an endpoint (use `lineage query` to explore other vertices)"
            ),
            NarrativeError::SeveralPackages { arn, candidates } => write!(
                f,
                "endpoint {arn} has served {} model packages; pass --start with one of:{}",
                candidates.len(),
                list(candidates)
            ),
            NarrativeError::Inference(e) => e.fmt(f),
            NarrativeError::PackageNotInLineage { id, arn } => write!(
                f,
                "inference {id} was served by model package {arn}, but no lineage vertex stands for it (expected an artifact whose Source.SourceUri is that ARN); add `aws sagemaker query-lineage --start-arns <its artifact ARN> --direction Ascendants` to the export"
            ),
            NarrativeError::NotACandidate { start, candidates } => write!(
                f,
                "--start {start} is not one of the model packages that may have served the inference:{}",
                list(candidates)
            ),
        }
    }
}

impl std::error::Error for NarrativeError {}
