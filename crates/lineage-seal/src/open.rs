//! Opening a sealed PDF: its associated files, read from the PDF's last revision.

use lopdf::Object;

use crate::manifest::{InputKind, Manifest};

/// An attachment as read back: its name, bytes, and the PDF's claimed size and MD5.
#[derive(Debug, Clone)]
pub struct Embedded {
    pub name: String,
    pub bytes: Vec<u8>,
    pub size: Option<i64>,
    pub checksum: Option<Vec<u8>>,
}

/// Why a file is not a sealed report (`lineage verify` exits 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSealed(pub String);

impl std::fmt::Display for NotSealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not a sealed Lineage Audit report: {}", self.0)
    }
}

impl std::error::Error for NotSealed {}

/// A sealed PDF, opened: the parsed document, its attachments and manifest.
#[derive(Debug)]
pub struct Sealed {
    pub doc: lopdf::Document,
    pub files: Vec<Embedded>,
    pub manifest: Manifest,
}

impl Sealed {
    /// Opens `bytes` as a sealed report: a PDF with `report.json` and a readable `manifest.json` attached.
    pub fn open(bytes: &[u8]) -> Result<Sealed, NotSealed> {
        let doc = lopdf::Document::load_mem(bytes).map_err(|e| NotSealed(format!("unreadable PDF: {e}")))?;
        let files = embedded(&doc).map_err(NotSealed)?;
        if !files.iter().any(|f| f.name == "report.json") {
            return Err(NotSealed("no report.json attached".into()));
        }
        let manifest_file = files
            .iter()
            .find(|f| f.name == "manifest.json")
            .ok_or_else(|| NotSealed("no manifest.json attached".into()))?;
        let manifest: Manifest = serde_json::from_slice(&manifest_file.bytes)
            .map_err(|e| NotSealed(format!("manifest.json is not a manifest: {e}")))?;
        Ok(Sealed { doc, files, manifest })
    }

    /// The attachment named `name`.
    pub fn file(&self, name: &str) -> Option<&Embedded> {
        self.files.iter().find(|f| f.name == name)
    }

    /// `report.json`'s bytes (present: [`Sealed::open`] checked).
    pub fn report_json(&self) -> &[u8] {
        self.file("report.json").map_or(&[], |f| f.bytes.as_slice())
    }

    /// The attached inputs of one kind, in the manifest's order, under the names the report cites.
    pub fn inputs(&self, kind: InputKind) -> Vec<(&str, &[u8])> {
        self.manifest
            .inputs
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| Some((e.name.as_str(), self.file(e.attachment.as_deref()?)?.bytes.as_slice())))
            .collect()
    }
}

fn embedded(doc: &lopdf::Document) -> Result<Vec<Embedded>, String> {
    let catalog = doc.catalog().map_err(|e| format!("no catalog: {e}"))?;
    let af = catalog.get(b"AF").and_then(|o| doc.dereference(o)).map_err(|_| "no associated files (/AF)")?.1;
    let af = af.as_array().map_err(|_| "/AF is not an array")?;
    af.iter().map(|spec| one(doc, spec)).collect()
}

fn one(doc: &lopdf::Document, spec: &Object) -> Result<Embedded, String> {
    let spec = doc.dereference(spec).and_then(|(_, o)| o.as_dict()).map_err(|e| format!("file spec: {e}"))?;
    let name = spec
        .get(b"UF")
        .or_else(|_| spec.get(b"F"))
        .and_then(lopdf::decode_text_string)
        .map_err(|e| format!("file spec without a name: {e}"))?;
    let ef = spec.get(b"EF").and_then(Object::as_dict).map_err(|e| format!("{name}: no /EF: {e}"))?;
    let stream = ef
        .get(b"F")
        .and_then(|o| doc.dereference(o))
        .and_then(|(_, o)| o.as_stream())
        .map_err(|e| format!("{name}: no embedded file stream: {e}"))?;
    let bytes = stream.get_plain_content().map_err(|e| format!("{name}: cannot decompress: {e}"))?;
    let params = stream.dict.get(b"Params").and_then(Object::as_dict).ok();
    let size = params.and_then(|p| p.get(b"Size").and_then(Object::as_i64).ok());
    let checksum = params.and_then(|p| p.get(b"CheckSum").and_then(Object::as_str).ok()).map(<[u8]>::to_vec);
    Ok(Embedded { name, bytes, size, checksum })
}
