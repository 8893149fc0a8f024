//! Import: each folder of `tests/fixtures/import/` is loaded and summarised as `lineage inspect` prints it.

use crate::{entries, expect_ref, file_name, fixtures, load};

fn check(case: &std::path::Path) {
    let lineage = load(case).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    let mut out = lineage_core::render::inspect_text(&lineage);
    let g = &lineage.graph;
    out.push_str("\nEdges:\n");
    let mut edges: Vec<String> = g
        .edge_indices()
        .map(|e| {
            let (s, d) = g.endpoints(e);
            format!("  {} --{}--> {}", g.node(s).arn, g.edge(e).type_str(), g.node(d).arn)
        })
        .collect();
    edges.sort();
    out.push_str(&edges.join("\n"));
    out.push('\n');
    expect_ref("import", &format!("{}.txt", file_name(case)), &out);
}

#[test]
fn import_fixtures() {
    for case in entries(&fixtures("import")) {
        check(&case);
    }
}

#[test]
fn loading_order_does_not_change_the_graph() {
    let dir = crate::root().join("examples/credit-xgb");
    let roles = lineage_core::RoleTable::builtin();
    let files = crate::files_under(&dir);
    let name = |f: &std::path::Path| f.strip_prefix(&dir).map(|r| r.to_string_lossy().into_owned()).unwrap_or_default();
    let bytes: Vec<(String, Vec<u8>)> = files.iter().map(|f| (name(f), std::fs::read(f).unwrap_or_default())).collect();
    let report = |order: &mut dyn Iterator<Item = &(String, Vec<u8>)>| {
        let lineage = lineage_core::load(order.map(|(n, b)| (n.as_str(), b.as_slice())), &roles)
            .unwrap_or_else(|e| panic!("{e}"));
        // By inference, so the deployment and approval histories are checked too.
        let query = lineage_core::deploy::InferenceQuery { id: "loan-8231".into(), endpoint: None, variant: None };
        let mut r =
            lineage_core::narrative::report_inference(&lineage, &roles, &query, None).unwrap_or_else(|e| panic!("{e}"));
        r.inputs.sort_by(|a, b| a.name.cmp(&b.name));
        r.warnings.clear();
        serde_json::to_string_pretty(&r).unwrap_or_default()
    };
    let forward = report(&mut bytes.iter());
    let backward = report(&mut bytes.iter().rev());
    assert_eq!(forward, backward);
}
