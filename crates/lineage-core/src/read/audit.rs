//! A team's hand-kept audit table, read into rows of typed [`Cell`]s: DynamoDB's typed attribute values (`S`, `N`
//! kept as its digits, `BOOL`, `NULL`, `M`, `L`, `SS`, `NS`, `B`/`BS` as their base64 text) from a Scan response
//! (`Items` with `Count`/`ScannedCount`) or an export to S3 (`{"Item": …}` lines of a gzip data file, gunzipped
//! here with flate2's pure-Rust backend, and the export's manifests), a CSV file (RFC 4180, a header row, UTF-8)
//! and the column map. Every error names the JSON path (or the CSV line) and what was expected.

use std::collections::BTreeMap;
use std::io::Read as _;

use serde_json::{Map, Value};

use crate::model::audit::{AuditMap, AuditRow, Cell, TableFormat};
use crate::model::{ImportError, Origin};
use crate::read::json::{kind, FieldError, FirstRefusal, Lost};
use crate::read::limits::{long_string, position, Limit, Limits};

/// One audit-table document (or line) of a JSON file.
#[derive(Debug)]
pub(crate) enum AuditDoc {
    /// A Scan response: its items (path `Items[i]`, cells), and whether it says more pages follow
    /// (`LastEvaluatedKey`).
    /// Items that cannot be read are skipped into `lost` (path, why); the others are read.
    Scan { rows: Vec<(String, BTreeMap<String, Cell>)>, continued: bool, lost: Lost },
    /// One line `{"Item": …}` of an export's data file (read here when a user gunzipped it).
    ExportLine(BTreeMap<String, Cell>),
    /// The column map dropped among the inputs (on the page).
    Map(AuditMap),
    /// An export's `manifest-summary.json`: how many items the export holds.
    Summary { item_count: u64 },
    /// One line of an export's `manifest-files.json`.
    ManifestFile(ManifestFile),
}

impl AuditDoc {
    /// What `inspect` calls the document.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            AuditDoc::Scan { .. } => "DynamoDB Scan",
            AuditDoc::ExportLine(_) => "DynamoDB export",
            AuditDoc::Map(_) => "audit column map",
            AuditDoc::Summary { .. } => "DynamoDB export manifest summary",
            AuditDoc::ManifestFile(_) => "DynamoDB export manifest (data file)",
        }
    }
}

/// One data file an export's `manifest-files.json` lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ManifestFile {
    pub item_count: u64,
    /// Base64 of the MD5 of the `.json.gz` bytes.
    pub md5: String,
    /// `dataFileS3Key`, which starts with the export's `s3Prefix`.
    pub key: String,
}

/// An export's data file, read: its rows (origin line N, path `Item`) and the base64 MD5 of its bytes, which the
/// manifest states.
#[derive(Debug)]
pub(crate) struct ExportData {
    pub rows: Vec<AuditRow>,
    pub md5: String,
    /// Lines whose item cannot be read, skipped: line, path, why (see [`ROW_SKIPPED`]).
    pub lost: Vec<(usize, String, String)>,
}

/// What a warning says is lost with an item that cannot be read.
pub(crate) const ROW_SKIPPED: &str = "the item is skipped (no approval or sign-off is read from it)";

/// The attribute types of DynamoDB's JSON, as an error lists them.
const TYPES: &str = "S, N, BOOL, NULL, M, L, SS, NS, B or BS";

/// Recognises an audit-table document by its keys; `None` for any other object. A Scan response has `Items` and
/// `Count` or `ScannedCount` (other documents have `Items` too); an export line is an object whose only key is
/// `Item`; the column map has `table` and `key` (read strictly: an unknown key is an error naming it).
pub(crate) fn read(map: &Map<String, Value>, path: &str) -> Result<Option<AuditDoc>, FieldError> {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    if map.contains_key("Items") && (map.contains_key("Count") || map.contains_key("ScannedCount")) {
        return scan(map, path).map(Some);
    }
    if map.len() == 1 {
        if let Some(item) = map.get("Item") {
            return attributes(item, &at("Item")).map(|cells| Some(AuditDoc::ExportLine(cells)));
        }
    }
    if map.contains_key("table") && map.contains_key("key") {
        let value = Value::Object(map.clone());
        return serde_path_to_error::deserialize::<_, AuditMap>(value).map(|m| Some(AuditDoc::Map(m))).map_err(|e| {
            let inner = e.path().to_string();
            FieldError {
                path: if inner == "." { path.to_owned() } else { at(&inner) },
                message: format!("in the audit table's column map: {}", e.inner()),
            }
        });
    }
    if map.contains_key("exportArn") && map.contains_key("itemCount") {
        return summary(map, path).map(Some);
    }
    if map.contains_key("dataFileS3Key") && map.contains_key("md5Checksum") {
        return manifest_file(map, path).map(|f| Some(AuditDoc::ManifestFile(f)));
    }
    Ok(None)
}

/// A Scan response (or one saved page of it): `Items` of attribute maps; `Count` must be how many it holds.
fn scan(map: &Map<String, Value>, path: &str) -> Result<AuditDoc, FieldError> {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    let Some(Value::Array(items)) = map.get("Items") else {
        let found = map.get("Items").map_or("nothing", kind);
        return Err(FieldError { path: at("Items"), message: format!("expected an array of items, found {found}") });
    };
    if let Some(count) = map.get("Count") {
        if count.as_u64() != Some(items.len() as u64) {
            return Err(FieldError {
                path: at("Count"),
                message: format!(
                    "the Scan response says Count {count}, but Items holds {} (expected the count of Items: is the file cut short?)",
                    items.len()
                ),
            });
        }
    }
    let mut rows = Vec::with_capacity(items.len());
    let mut lost = Lost::new();
    let mut refusals = FirstRefusal::default();
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{}[{i}]", at("Items"));
        match refusals.check(attributes(item, &item_path)) {
            Ok(cells) => rows.push((item_path, cells)),
            Err(e) => lost.push((e.path, format!("{}: {ROW_SKIPPED}", e.message))),
        }
    }
    if let Some(e) = refusals.refusal() {
        return Err(e);
    }
    let continued = map.get("LastEvaluatedKey").is_some_and(|k| !k.is_null());
    Ok(AuditDoc::Scan { rows, continued, lost })
}

/// An item: an object of attribute name → typed attribute value.
pub(crate) fn attributes(item: &Value, path: &str) -> Result<BTreeMap<String, Cell>, FieldError> {
    let Value::Object(attrs) = item else {
        return Err(FieldError {
            path: path.to_owned(),
            message: format!("expected an item (an object of attribute name → typed value), found {}", kind(item)),
        });
    };
    attrs.iter().map(|(name, v)| Ok((name.clone(), cell(v, &format!("{path}.{name}"))?))).collect()
}

/// One typed attribute value (`{"S": "…"}`, `{"N": "73"}`, `{"M": {…}}`, …) as a [`Cell`].
pub(crate) fn cell(v: &Value, path: &str) -> Result<Cell, FieldError> {
    let wrong = |path: String, expected: &str, found: &Value| FieldError {
        path,
        message: format!("expected {expected}, found {}", kind(found)),
    };
    let one = match v {
        Value::Object(o) if o.len() == 1 => o.iter().next(),
        _ => None,
    };
    let Some((ty, inner)) = one else {
        let found = match v {
            Value::Object(o) if o.is_empty() => "an empty object".to_owned(),
            Value::Object(o) => format!("an object with {} keys", o.len()),
            other => kind(other).to_owned(),
        };
        return Err(FieldError {
            path: path.to_owned(),
            message: format!("expected a DynamoDB attribute value (an object with one key: {TYPES}), found {found}"),
        });
    };
    let here = format!("{path}.{ty}");
    let text = |v: &Value, path: String| match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(wrong(path, "a string", other)),
    };
    let list = |v: &Value, each: &dyn Fn(&Value, String) -> Result<Cell, FieldError>| match v {
        Value::Array(items) => {
            items.iter().enumerate().map(|(i, x)| each(x, format!("{here}[{i}]"))).collect::<Result<Vec<_>, _>>()
        }
        other => Err(wrong(here.clone(), "an array", other)),
    };
    Ok(match ty.as_str() {
        "S" | "B" => Cell::Text(text(inner, here.clone())?),
        "N" => Cell::Number(number(inner, &here)?),
        "BOOL" => match inner {
            Value::Bool(b) => Cell::Bool(*b),
            other => return Err(wrong(here, "true or false", other)),
        },
        "NULL" => Cell::Null,
        "M" => match inner {
            Value::Object(o) => Cell::Map(
                o.iter().map(|(k, x)| Ok((k.clone(), cell(x, &format!("{here}.{k}"))?))).collect::<Result<_, _>>()?,
            ),
            other => return Err(wrong(here, "an object of attribute name → typed value", other)),
        },
        "L" => Cell::List(list(inner, &|x, p| cell(x, &p))?),
        "SS" | "BS" => Cell::List(list(inner, &|x, p| text(x, p).map(Cell::Text))?),
        "NS" => Cell::List(list(inner, &|x, p| number(x, &p).map(Cell::Number))?),
        other => {
            return Err(FieldError {
                path: path.to_owned(),
                message: format!("expected a DynamoDB attribute type ({TYPES}), found `{other}`"),
            })
        }
    })
}

/// An `N` value: DynamoDB's number as a string of its digits, kept as text (never through a float).
fn number(v: &Value, path: &str) -> Result<String, FieldError> {
    let Value::String(s) = v else {
        return Err(FieldError {
            path: path.to_owned(),
            message: format!("expected a number as a string of digits (DynamoDB's N), found {}", kind(v)),
        });
    };
    let t = s.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (mantissa, exponent) = digits.split_once(['e', 'E']).unwrap_or((digits, "0"));
    let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let ok = !(whole.is_empty() && fraction.is_empty())
        && [whole, fraction].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(FieldError { path: path.to_owned(), message: format!("expected a number, found \"{s}\"") });
    }
    Ok(t.to_owned())
}

/// `manifest-summary.json`: the item count (only DynamoDB JSON exports are read).
fn summary(map: &Map<String, Value>, path: &str) -> Result<AuditDoc, FieldError> {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    if let Some(format) = map.get("outputFormat").filter(|f| f.as_str() != Some("DYNAMODB_JSON")) {
        return Err(FieldError {
            path: at("outputFormat"),
            message: format!("expected DYNAMODB_JSON (the export format this tool reads; export again with --export-format DYNAMODB_JSON), found {format}"),
        });
    }
    let item_count = count(map, "itemCount", &at("itemCount"))?;
    Ok(AuditDoc::Summary { item_count })
}

/// One line of `manifest-files.json`: `itemCount`, `md5Checksum`, `dataFileS3Key`.
fn manifest_file(map: &Map<String, Value>, path: &str) -> Result<ManifestFile, FieldError> {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    let text = |key: &str| match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        other => Err(FieldError {
            path: at(key),
            message: format!("expected a string, found {}", other.map_or("nothing", kind)),
        }),
    };
    Ok(ManifestFile {
        item_count: count(map, "itemCount", &at("itemCount"))?,
        md5: text("md5Checksum")?,
        key: text("dataFileS3Key")?,
    })
}

fn count(map: &Map<String, Value>, key: &str, path: &str) -> Result<u64, FieldError> {
    match map.get(key) {
        Some(v) if v.as_u64().is_some() => Ok(v.as_u64().unwrap_or_default()),
        other => Err(FieldError {
            path: path.to_owned(),
            message: format!("expected a count (a whole number), found {}", other.map_or("nothing", kind)),
        }),
    }
}

/// Whether a file is an export's data file: `*.json.gz`, or a `.gz` inside `AWSDynamoDB/…/data/`.
pub(crate) fn is_export_data(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('\\', "/");
    lower.ends_with(".json.gz")
        || (lower.ends_with(".gz") && lower.contains("awsdynamodb/") && lower.contains("/data/"))
}

/// Whether a file is a CSV file (read as the audit table when the column map's key column is in its header).
pub(crate) fn is_csv(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".csv")
}

/// The part of a name or S3 key from `AWSDynamoDB/` on: how a manifest's key names a local file.
pub(crate) fn export_part(name: &str) -> Option<&str> {
    name.find("AWSDynamoDB/").map(|i| &name[i..])
}

/// Reads an export's data file: gunzips it and reads each line `{"Item": {…}}`.
///
/// A gzip file outside an export's layout (`AWSDynamoDB/…/data/`) whose first line is no `{"Item": …}` object (a
/// CloudTrail log `….json.gz`, say) is none of ours: `Ok(None)`, and the caller lists it as skipped.
pub(crate) fn export_data(name: &str, bytes: &[u8], limits: &Limits) -> Result<Option<ExportData>, ImportError> {
    let err =
        |line: Option<usize>, path: String, message: String| ImportError { file: name.to_owned(), line, path, message };
    let unzipped = gunzip(name, bytes, limits)?;
    let text = String::from_utf8(unzipped).ok();
    let first = text.as_deref().and_then(|t| t.lines().find(|l| !l.trim().is_empty()));
    let is_item = |line: &str| {
        serde_json::from_str::<Value>(line)
            .is_ok_and(|v| v.as_object().is_some_and(|o| o.len() == 1 && o.contains_key("Item")))
    };
    let lower = name.to_ascii_lowercase().replace('\\', "/");
    let in_layout = lower.contains("awsdynamodb/") && lower.contains("/data/");
    if !in_layout && !first.is_some_and(is_item) {
        return Ok(None);
    }
    let text = text.ok_or_else(|| {
        err(None, String::new(), "the gunzipped data is not UTF-8 text (expected DynamoDB JSON lines)".to_owned())
    })?;
    let mut rows = Vec::new();
    let mut lost = Vec::new();
    let mut refusals = FirstRefusal::default();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = Some(i + 1);
        let value: Value =
            serde_json::from_str(line).map_err(|e| err(line_no, String::new(), format!("not JSON: {e}")))?;
        let cells = match &value {
            Value::Object(o) if o.len() == 1 && o.contains_key("Item") => {
                match refusals.check(attributes(&o["Item"], "Item").map_err(|e| (i + 1, e.path, e.message))) {
                    Ok(cells) => cells,
                    Err(refused) => {
                        lost.push(refused);
                        continue;
                    }
                }
            }
            other => {
                let found = match other {
                    Value::Object(o) => {
                        format!("an object with keys {}", o.keys().cloned().collect::<Vec<_>>().join(", "))
                    }
                    v => kind(v).to_owned(),
                };
                return Err(err(
                    line_no,
                    String::new(),
                    format!("expected an export line {{\"Item\": {{…}}}}, found {found}"),
                ));
            }
        };
        let origin = Origin { file: name.to_owned(), line: line_no, path: "Item".to_owned() };
        rows.push(AuditRow { cells, origin, format: TableFormat::Export });
    }
    use base64::Engine as _;
    use md5::Digest as _;
    let md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(bytes));
    if let Some((line, path, why)) = refusals.refusal() {
        return Err(err(Some(line), path, why));
    }
    Ok(Some(ExportData { rows, md5, lost }))
}

/// The gunzipped bytes of an export's data file, held to the limits (its size, a string's length).
fn gunzip(name: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, ImportError> {
    let err =
        |line: Option<usize>, path: String, message: String| ImportError { file: name.to_owned(), line, path, message };
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        let start: String =
            String::from_utf8_lossy(&bytes[..bytes.len().min(8)]).chars().filter(|c| !c.is_control()).collect();
        return Err(err(
            None,
            String::new(),
            format!(
                "not gzip (a DynamoDB export's data file is gzip-compressed JSON lines and starts with the bytes 1f 8b; this one starts with `{start}`)"
            ),
        ));
    }
    let mut unzipped = Vec::new();
    // One byte past the limit says the data is larger (a gzip bomb is refused before it fills the memory).
    flate2::read::MultiGzDecoder::new(bytes)
        .take(limits.gunzipped_bytes.saturating_add(1))
        .read_to_end(&mut unzipped)
        .map_err(|e| err(None, String::new(), format!("the gzip data cannot be read (cut short or damaged?): {e}")))?;
    if unzipped.len() as u64 > limits.gunzipped_bytes {
        let what = format!("the gunzipped data of this {}-byte gzip file", bytes.len());
        return Err(err(None, String::new(), limits.exceeded(Limit::GunzippedBytes, &what, None)));
    }
    if let Some((start, len)) = long_string(&unzipped, limits.string_bytes) {
        let (line, column) = position(&unzipped, start);
        let what = format!("a JSON string at column {column}");
        return Err(err(Some(line), String::new(), limits.exceeded(Limit::StringBytes, &what, Some(len as u64))));
    }
    Ok(unzipped)
}

/// A CSV file's header row (a UTF-8 byte-order mark, as spreadsheets write, is dropped); `None` when it has none
/// or it is not CSV text.
pub(crate) fn csv_header(bytes: &[u8]) -> Option<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(without_bom(bytes));
    let header = reader.headers().ok()?;
    Some(header.iter().map(|h| h.trim().to_owned()).collect())
}

fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes)
}

/// Every record of a CSV file as a row (origin: the line the record starts on); every record must have as many
/// cells as the header. A cell is text; an empty one means the table holds nothing there.
pub(crate) fn csv_rows(name: &str, bytes: &[u8]) -> Result<Vec<AuditRow>, ImportError> {
    let bytes = without_bom(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_owned()).collect(),
        Err(e) => return Err(csv_error(name, bytes, &e, 0)),
    };
    if let Some(twice) = header.iter().enumerate().find(|(i, h)| header[..*i].contains(h)).map(|(_, h)| h) {
        return Err(ImportError {
            file: name.to_owned(),
            line: Some(1),
            path: String::new(),
            message: format!("the header names the column `{twice}` twice (expected each column once)"),
        });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(name, bytes, &e, header.len()))?;
        let line = record.position().map(|p| line_at(bytes, p));
        let cells = header.iter().cloned().zip(record.iter().map(|c| Cell::Text(c.to_owned()))).collect();
        let origin = Origin { file: name.to_owned(), line, path: String::new() };
        rows.push(AuditRow { cells, origin, format: TableFormat::Csv });
    }
    Ok(rows)
}

/// A CSV error as the user reads it: the line, and for a ragged record how many cells against the header's.
fn csv_error(name: &str, bytes: &[u8], e: &csv::Error, columns: usize) -> ImportError {
    let (line, message) = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos, len, .. } => (
            pos.as_ref().map(|p| line_at(bytes, p)),
            format!(
                "the record starting on this line has {} cells, the header {} (expected one cell per header column; a cell holding a comma, a quote or a line break must be in double quotes, with quotes doubled)",
                len,
                columns
            ),
        ),
        csv::ErrorKind::Utf8 { pos, .. } => (
            pos.as_ref().map(|p| line_at(bytes, p)),
            "not UTF-8 text (expected a CSV file in UTF-8: save the spreadsheet as \"CSV UTF-8\")".to_owned(),
        ),
        _ => (e.position().map(|p| line_at(bytes, p)), format!("not a CSV file this tool can read: {e}")),
    };
    ImportError { file: name.to_owned(), line, path: String::new(), message }
}

/// The physical line a record starts on, counted from the bytes before it.
fn line_at(bytes: &[u8], p: &csv::Position) -> usize {
    let mut end = usize::try_from(p.byte()).unwrap_or(usize::MAX).min(bytes.len());
    // After a CRLF record end the position is at its LF: the record starts after the line breaks.
    while bytes.get(end).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        end += 1;
    }
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Whether a key names a model package: its ARN (`arn:PARTITION:sagemaker:REGION:ACCOUNT:model-package/GROUP/N`)
/// or `GROUP/VERSION`.
pub(crate) fn is_package_key(key: &str) -> bool {
    let group_version = |s: &str| {
        s.split_once('/').is_some_and(|(group, version)| {
            !group.is_empty()
                && group.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_digit())
        })
    };
    match key.strip_prefix("arn:") {
        Some(rest) => {
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            matches!(parts.as_slice(), [_, "sagemaker", _, _, resource]
                if resource.strip_prefix("model-package/").is_some_and(group_version))
        }
        None => group_version(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_type_becomes_a_cell() {
        let v: Value = serde_json::from_str(
            r#"{"s":{"S":"x"},"n":{"N":"1.50"},"b":{"BOOL":true},"z":{"NULL":true},"m":{"M":{"k":{"S":"v"}}},
                "l":{"L":[{"N":"1"},{"S":"a"}]},"ss":{"SS":["a","b"]},"ns":{"NS":["2","3"]},"bin":{"B":"AQI="}}"#,
        )
        .unwrap_or(Value::Null);
        let cells = attributes(&v, "Items[0]").unwrap_or_default();
        assert_eq!(cells["n"], Cell::Number("1.50".into()));
        assert_eq!(cells["z"], Cell::Null);
        assert_eq!(cells["m"].text().as_deref(), Some("k: v"));
        assert_eq!(cells["ns"], Cell::List(vec![Cell::Number("2".into()), Cell::Number("3".into())]));
        assert_eq!(cells["bin"], Cell::Text("AQI=".into()));
        let bad: Value = serde_json::from_str(r#"{"a":{"M":{"k":{"N":7}}}}"#).unwrap_or(Value::Null);
        let e = attributes(&bad, "Items[2]").err().unwrap_or_else(|| panic!("an N that is a JSON number is an error"));
        assert_eq!(e.path, "Items[2].a.M.k.N");
        let two: Value = serde_json::from_str(r#"{"a":{"S":"x","N":"1"}}"#).unwrap_or(Value::Null);
        assert!(attributes(&two, "Item").is_err());
    }

    #[test]
    fn an_export_line_that_cannot_be_read_is_skipped_and_a_file_of_none_refused() {
        use std::io::Write as _;
        let gz = |text: &[u8]| {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = gz.write_all(text);
            gz.finish().unwrap_or_default()
        };
        let name = "AWSDynamoDB/x/data/y.json.gz";
        let two = gz(b"{\"Item\":{\"k\":{\"S\":\"a/1\"}}}\n{\"Item\":{\"k\":{\"N\":\"x\"}}}\n");
        let data = export_data(name, &two, &Limits::default()).ok().flatten().unwrap_or_else(|| panic!("read"));
        assert_eq!(data.rows.len(), 1);
        assert_eq!(data.lost, vec![(2, "Item.k.N".to_owned(), "expected a number, found \"x\"".to_owned())]);
        let none = gz(b"{\"Item\":{\"k\":{\"N\":\"x\"}}}\n");
        let e = export_data(name, &none, &Limits::default()).err().unwrap_or_else(|| panic!("an error"));
        assert_eq!((e.line, e.path.as_str()), (Some(1), "Item.k.N"));
    }

    #[test]
    fn a_gzip_file_of_other_json_is_none_of_ours_outside_an_export() {
        use std::io::Write as _;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = gz.write_all(b"{\"Records\": []}\n");
        let bytes = gz.finish().unwrap_or_default();
        assert!(matches!(export_data("logs/trail.json.gz", &bytes, &Limits::default()), Ok(None)));
        let e = export_data("AWSDynamoDB/x/data/y.json.gz", &bytes, &Limits::default())
            .err()
            .unwrap_or_else(|| panic!("an error"));
        assert_eq!(e.line, Some(1));
        assert!(e.message.starts_with("expected an export line"), "{}", e.message);
        let e =
            export_data("y.json.gz", b"{\"Item\":{}}", &Limits::default()).err().unwrap_or_else(|| panic!("an error"));
        assert!(e.message.starts_with("not gzip"), "{}", e.message);
    }

    #[test]
    fn package_keys() {
        assert!(is_package_key("arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-xgb/73"));
        assert!(is_package_key("credit-limit/10"));
        for bad in ["hello", "credit-limit/", "a/b", "arn:aws:s3:::bucket/x/1", "arn:aws:sagemaker:r:1:model/x/1"] {
            assert!(!is_package_key(bad), "{bad}");
        }
    }

    #[test]
    fn a_ragged_csv_record_names_its_line() {
        let csv = b"a,b\r\n1,\"two\nlines\"\r\n3,4,5\r\n";
        let e = csv_rows("t.csv", csv).err().unwrap_or_else(|| panic!("ragged"));
        assert_eq!(e.line, Some(4));
        assert!(e.message.starts_with("the record starting on this line has 3 cells, the header 2"), "{}", e.message);
        let rows = csv_rows("t.csv", b"\xEF\xBB\xBFa,b\n1,2\n").unwrap_or_default();
        assert_eq!(rows[0].text("a").as_deref(), Some("1"));
        assert_eq!(rows[0].origin.line, Some(2));
        let e = csv_rows("t.csv", b"a,b,a\n1,2,3\n").err().unwrap_or_else(|| panic!("a column twice"));
        assert_eq!(
            (e.line, e.message.as_str()),
            (Some(1), "the header names the column `a` twice (expected each column once)")
        );
    }
}
