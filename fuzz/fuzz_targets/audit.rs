//! The audit table outside JSON: the first byte picks a CSV file or a DynamoDB export's gzip data file (a gzip
//! bomb among the inputs the fuzzer may find); the rest is the file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let name = if pick % 2 == 0 { "approvals.csv" } else { "AWSDynamoDB/0-abc/data/part.json.gz" };
    lineage_fuzz_common::load(&[(name, rest)]);
});

#[path = "common.rs"]
mod lineage_fuzz_common;
