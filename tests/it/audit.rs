//! The audit table (issue 23): the same table read as a DynamoDB Scan, its saved pages, an export to S3, a CSV
//! and a CSV with one column per feature group gives the same rows: the same keys, the same mapped facts, and
//! (but for the per-group CSV, whose columns differ) the same text in every cell.

use std::collections::BTreeMap;
use std::path::Path;

use lineage_core::model::audit::{AuditField, AuditMap, AuditTable, Cell};
use lineage_core::{Loader, RoleTable};

use crate::{file_name, files_under, fixtures, read};

/// Loads the files under `dirs` (named by their path from the repository's fixtures) with the column map `map`.
fn table(dirs: &[&str], map: &str) -> AuditTable {
    let base = fixtures("audit");
    let mut loader = Loader::new();
    let map_path = base.join(map);
    let parsed = AuditMap::parse(&read(&map_path)).unwrap_or_else(|e| panic!("{map}: {e}"));
    loader.set_audit_map(parsed, map);
    for dir in dirs {
        let path = base.join(dir);
        let files = if path.is_dir() { files_under(&path) } else { vec![path.clone()] };
        for f in files {
            let name = f.strip_prefix(&base).map_or_else(|_| file_name(&f), |p| p.display().to_string());
            loader.add_file(&name, &read(&f)).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let lineage = loader.finish(&RoleTable::builtin()).unwrap_or_else(|e| panic!("{dirs:?}: {e}"));
    // Alone, no row's package is in the export: each row says so, and nothing else is warned about.
    let expected =
        |w: &&String| w.contains("skipped (not used)") || w.contains("a model package the export does not hold");
    assert!(lineage.warnings.iter().all(|w| expected(&w)), "{:?}", lineage.warnings);
    lineage.graph.records.audit
}

/// Every row's mapped facts, by key.
fn facts(t: &AuditTable) -> BTreeMap<String, BTreeMap<AuditField, String>> {
    let map = t.map.as_ref().unwrap_or_else(|| panic!("the map"));
    t.rows.iter().map(|r| (r.text(&map.key).unwrap_or_default(), r.facts(&map.columns))).collect()
}

/// A cell's text as the table means it, whatever form it was read in: a map (DynamoDB `M` or a JSON object in a
/// CSV cell) as its entries, a boolean in lower case, a list joined with `; ` (as the spreadsheet writes it).
fn meant(c: &Cell) -> Option<String> {
    if let Some(m) = c.map() {
        return Some(format!("{m:?}"));
    }
    let text = c.text()?;
    Some(if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
        text.to_lowercase()
    } else {
        text
    })
}

/// Every row's cells, by key and column (a NULL, an empty cell and an absent one are all "no value").
fn cells(t: &AuditTable) -> BTreeMap<String, BTreeMap<String, String>> {
    let map = t.map.as_ref().unwrap_or_else(|| panic!("the map"));
    let row = |r: &lineage_core::model::audit::AuditRow| {
        r.cells.iter().filter_map(|(k, c)| Some((k.clone(), meant(c)?))).collect::<BTreeMap<_, _>>()
    };
    t.rows.iter().map(|r| (r.text(&map.key).unwrap_or_default(), row(r))).collect()
}

#[test]
fn every_form_of_the_table_gives_the_same_rows() {
    let scan = table(&["scan"], "map.json");
    assert_eq!(scan.rows.len(), 11);
    let forms = [
        ("scan pages", table(&["scan-pages"], "map.json")),
        ("export", table(&["export"], "map.json")),
        ("csv", table(&["csv"], "map.json")),
        ("csv per group", table(&["csv-per-group"], "map-per-group.json")),
    ];
    for (name, t) in &forms {
        assert_eq!(facts(t), facts(&scan), "{name}");
        if *name != "csv per group" {
            assert_eq!(cells(t), cells(&scan), "{name}");
        }
    }
    // The facts, spot-checked: a map column, a NULL, a number, a full ARN key.
    let f = facts(&scan);
    let fsv = |key: &str| f[key].get(&AuditField::FeatureStoreVersions).cloned().unwrap_or_default();
    assert_eq!(
        fsv("arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-xgb/73"),
        "accounts: 2027-W10, behaviour: 2027-W10"
    );
    assert_eq!(fsv("credit-limit/1"), "credit-limit-balances: 2027-W02");
    assert!(!f["credit-limit/8"].contains_key(&AuditField::CodeCommit), "a NULL is no value");
    assert_eq!(f["credit-xgb/71"][&AuditField::ApprovedAt], "2027-02-23T07:10:00+01:00");
    assert!(!f.contains_key("credit-limit/6"));
}

#[test]
fn the_table_given_in_several_forms_is_read_once_per_key_in_any_file_order() {
    let one = table(&["scan", "export", "csv"], "map.json");
    let other = table(&["csv", "scan-pages", "export", "scan"], "map.json");
    assert_eq!(one.rows.len(), 11);
    assert_eq!(one, other.clone());
    // The least origin is kept: the CSV's name sorts first.
    assert!(one.rows.iter().all(|r| r.origin.file.starts_with("csv/")), "{:?}", one.rows[0].origin);
    assert!(Path::new(&other.rows[0].origin.file).starts_with("csv"));
}

#[test]
fn rows_that_differ_for_one_key_are_warned_about() {
    let base = fixtures("audit");
    let mut loader = Loader::new();
    loader.set_audit_map(AuditMap::parse(&read(&base.join("map.json"))).unwrap_or_else(|e| panic!("{e}")), "map.json");
    loader.add_file("scan.json", &read(&base.join("scan/scan.json"))).unwrap_or_else(|e| panic!("{e}"));
    let csv = crate::read_text(&base.join("csv/model-approvals.csv")).replace("4c1d2e8", "4c1d2e9");
    loader.add_file("table.csv", csv.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let lineage = loader.finish(&RoleTable::builtin()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lineage.graph.records.audit.rows.len(), 11);
    let differ: Vec<&String> = lineage.warnings.iter().filter(|w| w.contains("differ")).collect();
    assert_eq!(
        differ,
        [&"audit table model-approvals: two rows for credit-limit/1 differ (code_commit: \"4c1d2e8\" against \"4c1d2e9\"); kept scan.json at Items[1], not table.csv:3".to_owned()]
    );
}

/// The export's files under `AWSDynamoDB/…`, by name, as `aws s3 sync` leaves them.
fn export_files() -> Vec<(String, Vec<u8>)> {
    let base = fixtures("audit").join("export");
    files_under(&base)
        .into_iter()
        .map(|f| (f.strip_prefix(&base).map_or_else(|_| file_name(&f), |p| p.display().to_string()), read(&f)))
        .collect()
}

fn load_export(files: &[(String, Vec<u8>)]) -> Result<lineage_core::Lineage, lineage_core::ImportError> {
    let mut loader = Loader::new();
    let map = AuditMap::parse(&read(&fixtures("audit").join("map.json"))).unwrap_or_else(|e| panic!("{e}"));
    loader.set_audit_map(map, "map.json");
    for (name, bytes) in files {
        loader.add_file(name, bytes)?;
    }
    loader.finish(&RoleTable::builtin())
}

#[test]
fn an_export_is_checked_against_its_manifests() {
    let files = export_files();
    // A data file the manifest lists that is not among the inputs: a warning, the other file's rows read.
    let without: Vec<_> = files.iter().filter(|(n, _)| !n.contains("mxo5")).cloned().collect();
    let lineage = load_export(&without).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(lineage.graph.records.audit.rows.len(), 6);
    let missing: Vec<&String> = lineage.warnings.iter().filter(|w| w.contains("not among the inputs")).collect();
    assert_eq!(missing.len(), 1, "{:?}", lineage.warnings);
    assert!(missing[0].starts_with("AWSDynamoDB/01805011200000-5e1c9a2b/manifest-files.json:2: the export's data file model-approvals/AWSDynamoDB/"), "{}", missing[0]);
    // A data file whose bytes are not the exported ones: an error naming it.
    let first = files.iter().find(|(n, _)| n.contains("j53n")).map(|(_, b)| b.clone()).unwrap_or_default();
    let swapped: Vec<_> = files
        .iter()
        .map(|(n, b)| if n.contains("mxo5") { (n.clone(), first.clone()) } else { (n.clone(), b.clone()) })
        .collect();
    let e = load_export(&swapped).err().unwrap_or_else(|| panic!("a changed data file loads"));
    assert!(e.file.ends_with("data/mxo5fxgznkwuvg2ovy2xa2gzds.json.gz"), "{e}");
    assert!(e.message.starts_with("its MD5 is vE57buPFUrsoIWpXtRLm2Q== (base64), but the export's manifest"), "{e}");
    // A summary whose total disagrees with the files listed: an error naming the summary.
    let wrong: Vec<_> = files
        .iter()
        .map(|(n, b)| {
            let b = if n.ends_with("manifest-summary.json") {
                String::from_utf8_lossy(b).replace("\"itemCount\": 11", "\"itemCount\": 12").into_bytes()
            } else {
                b.clone()
            };
            (n.clone(), b)
        })
        .collect();
    let e = load_export(&wrong).err().unwrap_or_else(|| panic!("a wrong total loads"));
    assert_eq!(e.to_string(), "AWSDynamoDB/01805011200000-5e1c9a2b/manifest-summary.json: at itemCount: the export's summary says 12 items, but its manifest-files.json lists 2 data files holding 11");
}

/// One reconciled fact: field, status, table value, lineage value.
type Fact = (String, String, Option<String>, Option<String>);

/// Every package's reconciliation, with the example's export beside the table in `dirs` (read with `map`).
fn reconciled(dirs: &[&str], map: &str) -> BTreeMap<String, Vec<Fact>> {
    let mut loader = Loader::new();
    let base = fixtures("audit");
    let parsed = AuditMap::parse(&read(&base.join(map))).unwrap_or_else(|e| panic!("{map}: {e}"));
    loader.set_audit_map(parsed, map);
    let example = crate::root().join("examples/credit-xgb");
    let mut files: Vec<(String, std::path::PathBuf)> = files_under(&example)
        .into_iter()
        .map(|f| (f.strip_prefix(&example).map(|r| r.display().to_string()).unwrap_or_default(), f))
        .collect();
    for dir in dirs {
        files.extend(files_under(&base.join(dir)).into_iter().map(|f| (format!("{dir}/{}", file_name(&f)), f)));
    }
    for (name, f) in files {
        loader.add_file(&name, &read(&f)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let lineage = loader.finish(&RoleTable::builtin()).unwrap_or_else(|e| panic!("{dirs:?}: {e}"));
    let check = lineage_core::check::check(&lineage, &lineage_core::check::Policy::builtin());
    check
        .packages
        .into_iter()
        .map(|p| {
            let facts = p
                .reconciliation
                .into_iter()
                .map(|f| (f.field, f.status.as_str().to_owned(), f.table_value, f.lineage_value));
            (p.arn, facts.collect())
        })
        .collect()
}

#[test]
fn every_form_of_the_table_reconciles_the_same_and_as_the_fixture_notes_expect() {
    let forms: [(&[&str], &str); 5] = [
        (&["scan"], "map.json"),
        (&["scan-pages"], "map.json"),
        (&["export"], "map.json"),
        (&["csv"], "map.json"),
        (&["csv-per-group"], "map-per-group.json"),
    ];
    let first = reconciled(forms[0].0, forms[0].1);
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    for f in first.values().flatten() {
        *totals.entry(f.1.clone()).or_default() += 1;
    }
    // tests/fixtures/audit: 57 facts confirmed, 3 conflicts, 11 filled, 1 approved package without a row.
    let want: BTreeMap<String, usize> =
        [("confirmed", 57), ("conflict", 3), ("filled", 11), ("missing_row", 1)].map(|(k, v)| (k.to_owned(), v)).into();
    assert_eq!(totals, want);
    for (dirs, map) in &forms[1..] {
        assert_eq!(reconciled(dirs, map), first, "{dirs:?} reconciles differently from the scan");
    }
}
