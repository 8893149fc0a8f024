//! The benchmark's floor (`lineage-bench parse-only --mode floor`): what a developer would write with serde derive
//! to read just the fields the five answers use from an export bundle, borrowing strings from the input, building
//! nothing. `lineage report` is measured against this (bench/run.py), not against its own reader.

// The fields are read by serde and never looked at again: reading them is the point.
#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

/// A string that borrows from the input when it has no escapes (serde's `Cow<str>` always copies, except as a
/// field of its own marked `borrow`).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

type TextMap<'a> = BTreeMap<Text<'a>, Text<'a>>;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Export<'a> {
    #[serde(borrow, default)]
    vertices: Vec<Vertex<'a>>,
    #[serde(borrow, default)]
    edges: Vec<Edge<'a>>,
    #[serde(borrow, default)]
    descriptions: Vec<Description<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vertex<'a> {
    #[serde(borrow)]
    arn: Text<'a>,
    #[serde(borrow, rename = "Type")]
    entity_type: Option<Text<'a>>,
    #[serde(borrow)]
    lineage_type: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Edge<'a> {
    #[serde(borrow)]
    source_arn: Text<'a>,
    #[serde(borrow)]
    destination_arn: Text<'a>,
    #[serde(borrow)]
    association_type: Option<Text<'a>>,
}

/// Every Describe* response the answers read, as one flat struct (the kind is whichever ARN key is present).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Description<'a> {
    #[serde(borrow)]
    artifact_arn: Option<Text<'a>>,
    #[serde(borrow)]
    action_arn: Option<Text<'a>>,
    #[serde(borrow)]
    context_arn: Option<Text<'a>>,
    #[serde(borrow)]
    trial_component_arn: Option<Text<'a>>,
    #[serde(borrow)]
    training_job_arn: Option<Text<'a>>,
    #[serde(borrow)]
    processing_job_arn: Option<Text<'a>>,
    #[serde(borrow)]
    model_package_arn: Option<Text<'a>>,
    #[serde(borrow)]
    artifact_name: Option<Text<'a>>,
    #[serde(borrow)]
    action_name: Option<Text<'a>>,
    #[serde(borrow)]
    context_name: Option<Text<'a>>,
    #[serde(borrow)]
    trial_component_name: Option<Text<'a>>,
    #[serde(borrow)]
    artifact_type: Option<Text<'a>>,
    #[serde(borrow)]
    action_type: Option<Text<'a>>,
    #[serde(borrow)]
    context_type: Option<Text<'a>>,
    #[serde(borrow)]
    source: Option<Source<'a>>,
    #[serde(borrow)]
    status: Option<Status<'a>>,
    #[serde(borrow)]
    properties: Option<TextMap<'a>>,
    #[serde(borrow)]
    metadata_properties: Option<TextMap<'a>>,
    creation_time: Option<Time<'a>>,
    last_modified_time: Option<Time<'a>>,
    #[serde(borrow)]
    created_by: Option<User<'a>>,
    #[serde(borrow)]
    last_modified_by: Option<User<'a>>,
    #[serde(borrow)]
    parameters: Option<BTreeMap<Text<'a>, Parameter<'a>>>,
    #[serde(borrow)]
    metrics: Option<Vec<TrialMetric<'a>>>,
    #[serde(borrow)]
    hyper_parameters: Option<TextMap<'a>>,
    #[serde(borrow)]
    final_metric_data_list: Option<Vec<FinalMetric<'a>>>,
    #[serde(borrow)]
    input_data_config: Option<Vec<Channel<'a>>>,
    #[serde(borrow)]
    model_artifacts: Option<ModelArtifacts<'a>>,
    #[serde(borrow)]
    training_job_status: Option<Text<'a>>,
    training_end_time: Option<Time<'a>>,
    #[serde(borrow)]
    processing_inputs: Option<Vec<ProcessingInput<'a>>>,
    #[serde(borrow)]
    processing_output_config: Option<ProcessingOutputConfig<'a>>,
    #[serde(borrow)]
    model_package_group_name: Option<Text<'a>>,
    model_package_version: Option<u64>,
    #[serde(borrow)]
    model_approval_status: Option<Text<'a>>,
    #[serde(borrow)]
    approval_description: Option<Text<'a>>,
    #[serde(borrow)]
    inference_specification: Option<InferenceSpecification<'a>>,
    #[serde(borrow)]
    model_metrics: Option<BTreeMap<Text<'a>, BTreeMap<Text<'a>, S3Place<'a>>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Source<'a> {
    #[serde(borrow)]
    source_uri: Option<Text<'a>>,
    #[serde(borrow)]
    source_arn: Option<Text<'a>>,
    #[serde(borrow)]
    source_type: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct User<'a> {
    #[serde(borrow)]
    user_profile_name: Option<Text<'a>>,
    #[serde(borrow)]
    iam_identity: Option<IamIdentity<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct IamIdentity<'a> {
    #[serde(borrow)]
    arn: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Parameter<'a> {
    #[serde(borrow)]
    string_value: Option<Text<'a>>,
    number_value: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrialMetric<'a> {
    #[serde(borrow)]
    metric_name: Option<Text<'a>>,
    last: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FinalMetric<'a> {
    #[serde(borrow)]
    metric_name: Option<Text<'a>>,
    value: Option<f64>,
    timestamp: Option<Time<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Channel<'a> {
    #[serde(borrow)]
    channel_name: Option<Text<'a>>,
    #[serde(borrow)]
    data_source: Option<DataSource<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DataSource<'a> {
    #[serde(borrow, rename = "S3DataSource")]
    s3_data_source: Option<S3Place<'a>>,
}

#[derive(Deserialize)]
struct S3Place<'a> {
    #[serde(borrow, rename = "S3Uri")]
    s3_uri: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct ModelArtifacts<'a> {
    #[serde(borrow, rename = "S3ModelArtifacts")]
    s3_model_artifacts: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessingInput<'a> {
    #[serde(borrow)]
    input_name: Option<Text<'a>>,
    #[serde(borrow, rename = "S3Input")]
    s3_input: Option<S3Place<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessingOutputConfig<'a> {
    #[serde(borrow)]
    outputs: Vec<ProcessingOutput<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessingOutput<'a> {
    #[serde(borrow)]
    output_name: Option<Text<'a>>,
    #[serde(borrow, rename = "S3Output")]
    s3_output: Option<S3Place<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InferenceSpecification<'a> {
    #[serde(borrow)]
    containers: Vec<Container<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Container<'a> {
    #[serde(borrow)]
    model_data_url: Option<Text<'a>>,
}

/// A timestamp as exports write it: epoch seconds or text.
enum Time<'a> {
    Epoch(f64),
    Text(Text<'a>),
}

impl<'de: 'a, 'a> Deserialize<'de> for Time<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Time<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a timestamp")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Time::Epoch(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Time::Epoch(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Time::Epoch(v as f64))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Time::Text(Text(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Time::Text(Text(Cow::Owned(v.to_owned()))))
            }
        }
        d.deserialize_any(V)
    }
}

/// `Status`: a word, or a trial component's `{PrimaryStatus, Message}`.
struct Status<'a>(Option<Text<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Status<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Status<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a status")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Status(Some(Text(Cow::Borrowed(v)))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Status(Some(Text(Cow::Owned(v.to_owned())))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut primary = None;
                while let Some(key) = map.next_key::<Text<'de>>()? {
                    if key.0 == "PrimaryStatus" {
                        primary = map.next_value::<Option<Text<'de>>>()?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Status(primary))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses one export with the structs above; returns (vertices, edges, descriptions) read.
pub fn parse(bytes: &[u8]) -> Result<(usize, usize, usize), serde_json::Error> {
    let export: Export = serde_json::from_slice(bytes)?;
    // Touch what was read, so nothing is optimised away.
    let named = export
        .descriptions
        .iter()
        .filter(|d| {
            d.artifact_arn.is_some()
                || d.action_arn.is_some()
                || d.context_arn.is_some()
                || d.trial_component_arn.is_some()
                || d.training_job_arn.is_some()
                || d.processing_job_arn.is_some()
                || d.model_package_arn.is_some()
        })
        .count();
    std::hint::black_box(&export);
    Ok((export.vertices.len(), export.edges.len(), named))
}
