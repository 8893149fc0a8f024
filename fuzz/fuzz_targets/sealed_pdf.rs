//! Opening a sealed report PDF (the page and `lineage verify` do this with files others made), then verifying what
//! opened against it. Must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(sealed) = lineage_seal::Sealed::open(data) {
        let _ = lineage_seal::verify(data, &sealed, &[]);
    }
});
