//! One JSON document, as any reader receives it through the dispatcher: a QueryLineage page or bundle, a Describe*
//! response, CloudTrail, EventBridge, Pipelines, OpenLineage/Marquez, MLflow, a DynamoDB Scan. Must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lineage_fuzz_common::load(&[("export.json", data)]));

#[path = "common.rs"]
mod lineage_fuzz_common;
