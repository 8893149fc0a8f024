//! The report's closed sets: what kind of thing the report is about (resolved by [`crate::subject`]), what kind of
//! upstream source a dataset was assembled from, and which question a gap leaves open. Serialised in snake_case
//! (the JSON contract's values).

use serde::Serialize;

pub use crate::subject::SubjectKind;

/// The kind of an upstream source, in the order the report lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    FeatureStoreVersion,
    ExclusionList,
    RawData,
    Other,
}

impl SourceKind {
    /// The JSON value (`feature_store_version`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::FeatureStoreVersion => "feature_store_version",
            SourceKind::ExclusionList => "exclusion_list",
            SourceKind::RawData => "raw_data",
            SourceKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::FeatureStoreVersion => "Feature-store version",
            SourceKind::ExclusionList => "Exclusion list",
            SourceKind::RawData => "Raw data",
            SourceKind::Other => "Other dataset",
        }
    }
}

/// The question a gap leaves open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    ModelVersion,
    TrainingJob,
    TrainingDataset,
    UpstreamSources,
    Hyperparameters,
    Metrics,
    Code,
    Approval,
}

impl Question {
    /// The JSON value (`upstream_sources`).
    pub fn as_str(self) -> &'static str {
        match self {
            Question::ModelVersion => "model_version",
            Question::TrainingJob => "training_job",
            Question::TrainingDataset => "training_dataset",
            Question::UpstreamSources => "upstream_sources",
            Question::Hyperparameters => "hyperparameters",
            Question::Metrics => "metrics",
            Question::Code => "code",
            Question::Approval => "approval",
        }
    }

    /// `upstream sources`.
    pub fn words(self) -> &'static str {
        match self {
            Question::ModelVersion => "model version",
            Question::TrainingJob => "training job",
            Question::TrainingDataset => "training dataset",
            Question::UpstreamSources => "upstream sources",
            Question::Hyperparameters => "hyperparameters",
            Question::Metrics => "metrics",
            Question::Code => "code",
            Question::Approval => "approval",
        }
    }
}

/// What a fact of a comparison between two model versions answers (`lineage diff`): the five questions, with
/// hyperparameters and metrics apart, and the code and pipeline that made the version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeQuestion {
    ModelVersion,
    TrainingData,
    UpstreamSources,
    Hyperparameters,
    Metrics,
    Code,
    Approval,
    Pipeline,
}

impl ChangeQuestion {
    pub const ALL: [ChangeQuestion; 8] = [
        ChangeQuestion::ModelVersion,
        ChangeQuestion::TrainingData,
        ChangeQuestion::UpstreamSources,
        ChangeQuestion::Hyperparameters,
        ChangeQuestion::Metrics,
        ChangeQuestion::Code,
        ChangeQuestion::Approval,
        ChangeQuestion::Pipeline,
    ];

    /// The JSON value (`training_data`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeQuestion::ModelVersion => "model_version",
            ChangeQuestion::TrainingData => "training_data",
            ChangeQuestion::UpstreamSources => "upstream_sources",
            ChangeQuestion::Hyperparameters => "hyperparameters",
            ChangeQuestion::Metrics => "metrics",
            ChangeQuestion::Code => "code",
            ChangeQuestion::Approval => "approval",
            ChangeQuestion::Pipeline => "pipeline",
        }
    }

    /// `Training data` (a table's first column).
    pub fn label(self) -> &'static str {
        match self {
            ChangeQuestion::ModelVersion => "Model version",
            ChangeQuestion::TrainingData => "Training data",
            ChangeQuestion::UpstreamSources => "Upstream sources",
            ChangeQuestion::Hyperparameters => "Hyperparameters",
            ChangeQuestion::Metrics => "Metrics",
            ChangeQuestion::Code => "Code",
            ChangeQuestion::Approval => "Approval",
            ChangeQuestion::Pipeline => "Pipeline",
        }
    }
}

impl std::fmt::Display for Question {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON values are the serde names: one spelling, checked.
    #[test]
    fn as_str_is_the_serialised_value() {
        let json = |v: &dyn erased::Ser| v.json();
        for k in [SourceKind::FeatureStoreVersion, SourceKind::ExclusionList, SourceKind::RawData, SourceKind::Other] {
            assert_eq!(json(&k), format!("\"{}\"", k.as_str()));
        }
        for q in [
            Question::ModelVersion,
            Question::TrainingJob,
            Question::TrainingDataset,
            Question::UpstreamSources,
            Question::Hyperparameters,
            Question::Metrics,
            Question::Code,
            Question::Approval,
        ] {
            assert_eq!(json(&q), format!("\"{}\"", q.as_str()));
            assert_eq!(q.words(), q.as_str().replace('_', " "));
        }
        for q in ChangeQuestion::ALL {
            assert_eq!(json(&q), format!("\"{}\"", q.as_str()));
            assert_eq!(q.label().to_lowercase(), q.as_str().replace('_', " "));
        }
    }

    mod erased {
        pub trait Ser {
            fn json(&self) -> String;
        }
        impl<T: serde::Serialize> Ser for T {
            fn json(&self) -> String {
                serde_json::to_string(self).unwrap_or_default()
            }
        }
    }
}
