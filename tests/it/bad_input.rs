//! Bad input: every file or folder of `tests/fixtures/bad/` must fail to load with an error naming the file,
//! the JSON path and what was expected. The CLI's exit code for them is checked in `cli`.

use crate::{expect_ref, file_name, fixtures, load};

#[test]
fn malformed_inputs_are_rejected_with_their_path() {
    let mut out = String::new();
    for case in crate::cases("bad", 42, |_| true) {
        match load(&case) {
            Ok(_) => panic!("{} loaded, but it is in the malformed corpus", case.display()),
            Err(e) => {
                out.push_str(&format!("{}\n  {e}\n", file_name(&case)));
            }
        }
    }
    expect_ref("bad", "errors.txt", &out);
}

#[test]
fn a_file_that_fails_to_parse_leaves_the_loader_unchanged() {
    let good = crate::read(&crate::root().join("tests/fixtures/import/jsonl/export.jsonl"));
    let bad = crate::read(&fixtures("bad").join("timestamp-wrong-type.json"));
    let mut loader = lineage_core::Loader::new();
    assert!(loader.add_file("export.jsonl", &good).is_ok());
    assert!(loader.add_file("bad.json", &bad).is_err());
    let lineage = loader.finish(&lineage_core::RoleTable::builtin()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lineage.inputs.len(), 1);
    assert_eq!(lineage.graph.node_count(), 2);
}
