//! Import: each folder of `tests/fixtures/import/` is loaded and summarised as `lineage inspect` prints it.

use crate::{expect_ref, file_name, load};

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
    for case in crate::cases("import", 10, |p| p.is_dir()) {
        check(&case);
    }
}
