//! A JSON Lines file: data capture, OpenLineage events, CloudTrail or EventBridge records one per line, an audit
//! table export's lines. Must never panic, and its memory stays O(what is kept).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lineage_fuzz_common::load(&[("events.jsonl", data)]));

#[path = "common.rs"]
mod lineage_fuzz_common;
