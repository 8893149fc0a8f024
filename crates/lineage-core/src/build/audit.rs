//! The audit table assembled in `finish` (`Graph::records.audit`): the column map (given by the caller or among
//! the inputs; two that differ are an error), the CSV files read now that the map's key column is known, every
//! row's key checked (a model-package ARN or `GROUP/VERSION`), rows repeated across forms kept once per key (the
//! least origin, a warning when they differ), the map's columns that no row has warned about, and an export's
//! data files checked against its manifests (item counts, MD5). Nothing depends on the order of the files.

use std::collections::BTreeMap;

use super::state::{skip_warning, AuditParts, Loader};
use crate::model::audit::{AuditField, AuditMap, AuditRow, AuditTable, FeatureColumns, TableFormat};
use crate::model::{ImportError, InputFile, Origin};
use crate::read::audit::{self, AuditDoc};
use crate::read::json::FirstRefusal;

impl AuditParts {
    /// One audit-table document read from a JSON file (at `line` of a JSON Lines file).
    pub(super) fn add(&mut self, doc: AuditDoc, name: &str, line: Option<usize>) {
        let origin = |path: &str| Origin { file: name.to_owned(), line, path: path.to_owned() };
        match doc {
            AuditDoc::Scan { rows, continued, lost: _ } => {
                self.scans.push((origin(""), continued));
                for (path, cells) in rows {
                    self.rows.push(AuditRow { cells, origin: origin(&path), format: TableFormat::Scan });
                }
            }
            AuditDoc::ExportLine(cells) => {
                self.rows.push(AuditRow { cells, origin: origin("Item"), format: TableFormat::Export });
            }
            AuditDoc::Map(map) => self.maps.push((name.to_owned(), map)),
            AuditDoc::Summary { item_count } => self.summaries.push((name.to_owned(), item_count)),
            AuditDoc::ManifestFile(entry) => self.manifest_files.push((name.to_owned(), line, entry)),
        }
    }
}

impl Loader {
    /// The audit table's column map, as the caller read it (`--audit-map FILE`; `name` is how warnings call it).
    /// A map among the inputs is read by the dispatcher; two maps that differ are an error at `finish`.
    pub fn set_audit_map(&mut self, map: AuditMap, name: &str) {
        self.audit.maps.push((name.to_owned(), map));
    }

    /// A DynamoDB export's data file (`*.json.gz`): gunzipped and read now; its MD5 and item count are checked
    /// against the export's manifest in `finish`. Another gzip file is listed as skipped.
    pub(super) fn begin_audit_export(
        &mut self,
        name: &str,
        bytes: &[u8],
        sha256: impl FnOnce() -> String,
    ) -> Result<(), ImportError> {
        let Some(data) = audit::export_data(name, bytes, &self.limits)? else {
            let why = "a gzip file whose lines are no DynamoDB export items ({\"Item\": …})".to_owned();
            self.skip_file(name, bytes, sha256, why);
            return Ok(());
        };
        // A skipped line is an item all the same: the manifest counts it.
        let items = data.rows.len() + data.lost.len();
        for (line, path, why) in data.lost {
            self.warn_lost(name, Some(line), vec![(path, format!("{why}: {}", audit::ROW_SKIPPED))]);
        }
        self.stats.files += 1;
        self.stats.documents += items;
        self.inputs.push(input(name, bytes, sha256(), "DynamoDB export", items.max(1)));
        self.audit.data_files.push((name.to_owned(), data.md5, items));
        self.audit.rows.extend(data.rows);
        Ok(())
    }

    /// A CSV file: kept, and read in `finish` as the audit table when the column map's key column is in its header
    /// (the map may come after it in file order), else listed as skipped.
    pub(super) fn begin_audit_csv(&mut self, name: &str, bytes: &[u8], sha256: impl FnOnce() -> String) {
        self.stats.files += 1;
        self.inputs.push(input(name, bytes, sha256(), "audit table (CSV)", 1));
        self.audit.csvs.push((name.to_owned(), bytes.to_vec()));
    }
}

fn input(name: &str, bytes: &[u8], sha256: String, kind: &str, n: usize) -> InputFile {
    InputFile {
        name: name.to_owned(),
        sha256,
        bytes: bytes.len() as u64,
        kinds: BTreeMap::from([(kind.to_owned(), n)]),
        other_fields: BTreeMap::new(),
        skipped: Vec::new(),
    }
}

/// The `finish` phase: the table into `Graph::records.audit`.
pub(super) fn assemble(l: &mut Loader) -> Result<(), ImportError> {
    let mut parts = std::mem::take(&mut l.audit);
    let map = one_map(&mut parts.maps)?;
    read_csvs(l, &mut parts, map.as_ref())?;
    check_manifests(l, &parts)?;
    let mut rows = std::mem::take(&mut parts.rows);
    rows.sort_by(|a, b| order(&a.origin).cmp(&order(&b.origin)));
    if let Some(warning) = unfinished_scan(&parts.scans) {
        l.warnings.push(warning);
    }
    match (&map, rows.is_empty()) {
        (None, true) => {}
        (None, false) => l.warnings.push(format!(
            "{}: {} of an audit table read, but no column map was given (--audit-map FILE, or the map among the inputs): the table is not reconciled",
            rows[0].origin.file,
            crate::text::count(rows.len(), "row")
        )),
        (Some((file, _)), true) => l.warnings.push(format!(
            "{file}: the audit table's column map was given, but no audit table was read (a DynamoDB Scan response, an export's data files, or a CSV file whose header holds the map's key column)"
        )),
        (Some((_, map)), false) => {
            rows = keyed_rows(map, rows, &mut l.warnings)?;
            rows = one_per_key(map, rows, &mut l.warnings);
            l.warnings.extend(missing_columns(map, &rows));
        }
    }
    l.graph.records.audit = AuditTable { map: map.map(|(_, m)| m), rows };
    Ok(())
}

/// Rows in the order they were read: by file, line, then item (`Items[9]` before `Items[10]`).
fn order(o: &Origin) -> (&str, Option<usize>, usize, &str) {
    let index = o.path.strip_suffix(']').and_then(|p| p.rsplit_once('[')).and_then(|(_, i)| i.parse().ok());
    (&o.file, o.line, index.unwrap_or(0), &o.path)
}

/// The one column map: the caller's or the inputs' (the same map given twice is one); two that differ are an
/// error naming both files.
fn one_map(maps: &mut [(String, AuditMap)]) -> Result<Option<(String, AuditMap)>, ImportError> {
    maps.sort_by(|a, b| a.0.cmp(&b.0));
    let Some((first, map)) = maps.first().cloned() else { return Ok(None) };
    if let Some((other, _)) = maps.iter().find(|(_, m)| *m != map) {
        return Err(ImportError {
            file: other.clone(),
            line: None,
            path: String::new(),
            message: format!(
                "a second audit-table column map, different from {first} (expected one map for the audit table: give one --audit-map, or one map file)"
            ),
        });
    }
    Ok(Some((first, map)))
}

/// Reads each CSV file (in name order) whose header holds the map's key column; lists the others as skipped.
fn read_csvs(l: &mut Loader, parts: &mut AuditParts, map: Option<&(String, AuditMap)>) -> Result<(), ImportError> {
    parts.csvs.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, bytes) in std::mem::take(&mut parts.csvs) {
        let header = audit::csv_header(&bytes);
        let why = match (map, header) {
            (None, _) => Some(
                "a CSV file (read as the audit table only with a column map: --audit-map FILE, or the map among the inputs)"
                    .to_owned(),
            ),
            (Some((_, m)), Some(h)) if h.contains(&m.key) => None,
            (Some((_, m)), _) => Some(format!(
                "a CSV file whose header has no column `{}` (the audit table's key column, as the column map names it)",
                m.key
            )),
        };
        match why {
            None => {
                let rows = audit::csv_rows(&name, &bytes)?;
                l.stats.documents += rows.len();
                parts.rows.extend(rows);
            }
            Some(why) => {
                l.warnings.push(skip_warning(&name, None, &why));
                if let Some(input) = l.inputs.iter_mut().find(|i| i.name == name) {
                    input.kinds = BTreeMap::from([("skipped".to_owned(), 1)]);
                    input.skipped.push(why);
                }
            }
        }
    }
    Ok(())
}

/// The rows whose key is a model package (its ARN or `GROUP/VERSION`); a row whose key is missing or anything else
/// is skipped with a warning at its path (the first [`NAMED_ROWS`] named, the rest counted). No row with a package
/// key: the first one's error (the table is not what the map claims).
fn keyed_rows(map: &AuditMap, rows: Vec<AuditRow>, warnings: &mut Vec<String>) -> Result<Vec<AuditRow>, ImportError> {
    let mut kept = Vec::with_capacity(rows.len());
    let mut refused = Vec::new();
    let mut refusals = FirstRefusal::default();
    for row in rows {
        match refusals.check(key_error(map, &row).map_or(Ok(row), Err)) {
            Ok(row) => kept.push(row),
            Err(e) => refused.push(e),
        }
    }
    if let Some(e) = refusals.refusal() {
        return Err(e);
    }
    let unnamed = refused.len().saturating_sub(NAMED_ROWS);
    for e in refused.into_iter().take(NAMED_ROWS) {
        warnings.push(format!("{e}: the row is skipped (no approval or sign-off is read from it)"));
    }
    if unnamed > 0 {
        warnings.push(format!(
            "{} more audit-table rows skipped besides those named: their key is no model package",
            unnamed
        ));
    }
    Ok(kept)
}

/// How many skipped rows a warning names one by one.
const NAMED_ROWS: usize = 20;

/// Why a row's key is no model package, as the error at its path.
fn key_error(map: &AuditMap, row: &AuditRow) -> Option<ImportError> {
    let found = match row.cells.get(&map.key) {
        None => "no such column".to_owned(),
        Some(cell) => match cell.text() {
            None => "no value".to_owned(),
            Some(key) if audit::is_package_key(&key) => return None,
            Some(key) => format!("\"{}\"", crate::text::one_line(&key)),
        },
    };
    let path = if row.origin.path.is_empty() { map.key.clone() } else { format!("{}.{}", row.origin.path, map.key) };
    Some(ImportError {
        file: row.origin.file.clone(),
        line: row.origin.line,
        path,
        message: format!(
            "expected the audit-table row's key `{}` (the column map's key) to be a model package, its ARN (arn:aws:sagemaker:REGION:ACCOUNT:model-package/GROUP/VERSION) or GROUP/VERSION; found {found}",
            map.key
        ),
    })
}

/// One row per key, the least origin kept (the same table read as a Scan, its pages, an export or a CSV gives
/// each row more than once); a warning names the rows of one key whose mapped facts differ.
fn one_per_key(map: &AuditMap, rows: Vec<AuditRow>, warnings: &mut Vec<String>) -> Vec<AuditRow> {
    let mut by_key: BTreeMap<String, Vec<AuditRow>> = BTreeMap::new();
    for row in rows {
        let key = row.text(&map.key).unwrap_or_default();
        by_key.entry(key).or_default().push(row);
    }
    let mut kept = Vec::with_capacity(by_key.len());
    for (key, mut rows) in by_key {
        let first = rows.remove(0);
        let facts = first.facts(&map.columns);
        for other in &rows {
            let theirs = other.facts(&map.columns);
            let differ: Vec<String> = AuditField::ALL
                .iter()
                .filter(|f| facts.get(f) != theirs.get(f))
                .map(|f| {
                    let shown = |v: Option<&String>| v.map_or_else(|| "nothing".to_owned(), |v| format!("\"{v}\""));
                    format!("{}: {} against {}", f.as_str(), shown(facts.get(f)), shown(theirs.get(f)))
                })
                .collect();
            if !differ.is_empty() {
                warnings.push(format!(
                    "audit table {}: two rows for {key} differ ({}); kept {}, not {}",
                    map.table,
                    differ.join("; "),
                    first.origin,
                    other.origin
                ));
            }
        }
        kept.push(first);
    }
    kept.sort_by(|a, b| order(&a.origin).cmp(&order(&b.origin)));
    kept
}

/// A warning for each column the map names that no row has.
fn missing_columns(map: &AuditMap, rows: &[AuditRow]) -> Vec<String> {
    let mut named: Vec<(String, &str)> = AuditField::ALL
        .iter()
        .filter(|f| {
            **f != AuditField::FeatureStoreVersions
                || !matches!(map.columns.feature_store_versions, Some(FeatureColumns::PerGroup(_)))
        })
        .filter_map(|f| Some((f.as_str().to_owned(), map.columns.column(*f)?)))
        .collect();
    if let Some(FeatureColumns::PerGroup(groups)) = &map.columns.feature_store_versions {
        named.extend(groups.iter().map(|(g, c)| (format!("feature_store_versions of {g}"), c.as_str())));
    }
    named
        .into_iter()
        .filter(|(_, column)| !rows.iter().any(|r| r.cells.contains_key(*column)))
        .map(|(fact, column)| {
            format!(
                "audit table {}: no row has the column `{column}` the column map names for {fact}; that fact is not compared",
                map.table
            )
        })
        .collect()
}

/// A warning when every Scan response read says more pages follow (`LastEvaluatedKey`): the last page is missing.
fn unfinished_scan(scans: &[(Origin, bool)]) -> Option<String> {
    let last = scans.iter().filter(|(_, continued)| *continued).map(|(o, _)| o).max()?;
    if scans.iter().any(|(_, continued)| !continued) {
        return None;
    }
    Some(format!(
        "{last}: the DynamoDB Scan response has a LastEvaluatedKey (more pages follow), and no page without one is among the inputs: the table's rows after it are not read (save every page, or let the AWS CLI paginate)"
    ))
}

/// An export's data files against its manifests: each listed file's item count and MD5, a listed file that is
/// not among the inputs (a warning), and the summary's item count against the listed files'.
fn check_manifests(l: &mut Loader, parts: &AuditParts) -> Result<(), ImportError> {
    let by_part: BTreeMap<&str, &(String, String, usize)> =
        parts.data_files.iter().map(|f| (audit::export_part(&f.0).unwrap_or(&f.0), f)).collect();
    let mut listed = parts.manifest_files.clone();
    listed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for (manifest, line, entry) in &listed {
        let at = line.map_or_else(|| manifest.clone(), |n| format!("{manifest}:{n}"));
        let part = audit::export_part(&entry.key).unwrap_or(&entry.key);
        let Some((name, md5, items)) = by_part.get(part).copied() else {
            l.warnings.push(format!(
                "{at}: the export's data file {} is not among the inputs: its {} are not read",
                entry.key,
                crate::text::count(entry.item_count as usize, "item")
            ));
            continue;
        };
        let err = |message: String| ImportError { file: name.clone(), line: None, path: String::new(), message };
        if *md5 != entry.md5 {
            return Err(err(format!(
                "its MD5 is {md5} (base64), but the export's manifest ({at}) says {}: the file is not the one DynamoDB exported (changed, or cut short?)",
                entry.md5
            )));
        }
        if *items as u64 != entry.item_count {
            return Err(err(format!(
                "it holds {}, but the export's manifest ({at}) says {}",
                crate::text::count(*items, "item"),
                entry.item_count
            )));
        }
    }
    for (summary, total) in &parts.summaries {
        let dir = summary.rfind(['/', '\\']).map_or("", |i| &summary[..=i]);
        let in_dir = listed.iter().filter(|(m, _, _)| m.starts_with(dir) && !m[dir.len()..].contains(['/', '\\']));
        let (files, sum) = in_dir.fold((0, 0), |(n, s), (_, _, e)| (n + 1, s + e.item_count));
        if files > 0 && sum != *total {
            return Err(ImportError {
                file: summary.clone(),
                line: None,
                path: "itemCount".into(),
                message: format!(
                    "the export's summary says {total} items, but its manifest-files.json lists {files} data files holding {sum}"
                ),
            });
        }
    }
    Ok(())
}
