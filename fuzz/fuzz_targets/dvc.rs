//! DVC files (YAML): the first byte picks `dvc.yaml`, `dvc.lock`, `data.dvc` or `params.yaml`; the rest is the file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let name = ["repo/dvc.yaml", "repo/dvc.lock", "repo/data.dvc", "repo/params.yaml"][usize::from(pick % 4)];
    lineage_fuzz_common::load(&[(name, rest)]);
});

#[path = "common.rs"]
mod lineage_fuzz_common;
