//! The sealed PDF (issue 24's first slice): PDF/A-3b metadata and OutputIntent, the associated files, checked with
//! qpdf and poppler's pdfdetach, and `lineage verify` on a fresh PDF, on tampered copies and on a PDF we did not make.

use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::{Document, Object};

use crate::root;

pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lineage-seal-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

pub(crate) fn lineage(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lineage"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("lineage: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The example's sealed PDF, written to `dir`.
pub(crate) fn sealed(dir: &Path, extra: &[&str]) -> PathBuf {
    let pdf = dir.join("report.pdf");
    let out = pdf.display().to_string();
    let mut args =
        vec!["report", "examples/credit-xgb", "--start", "credit-xgb/73", "--date", "2026-11-28", "-o", &out];
    args.extend_from_slice(extra);
    let (code, _, stderr) = lineage(&args);
    assert_eq!(code, 0, "{stderr}");
    pdf
}

pub(crate) fn verify(pdf: &Path) -> (i32, String, String) {
    lineage(&["verify", &pdf.display().to_string()])
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).unwrap_or_else(|e| panic!("{e}")).1
}

/// Each attachment: (name, relationship, embedded file stream's object id).
fn attachments(doc: &Document) -> Vec<(String, String, lopdf::ObjectId)> {
    let catalog = doc.catalog().unwrap_or_else(|e| panic!("{e}"));
    let af = deref(doc, catalog.get(b"AF").unwrap_or_else(|e| panic!("/AF: {e}")))
        .as_array()
        .expect("sealed PDF as written");
    af.iter()
        .map(|spec| {
            let spec = deref(doc, spec).as_dict().expect("sealed PDF as written");
            let name = lopdf::decode_text_string(spec.get(b"UF").expect("sealed PDF as written"))
                .expect("sealed PDF as written");
            let rel = String::from_utf8(
                spec.get(b"AFRelationship")
                    .expect("sealed PDF as written")
                    .as_name()
                    .expect("sealed PDF as written")
                    .to_vec(),
            )
            .expect("sealed PDF as written");
            let id = spec
                .get(b"EF")
                .expect("sealed PDF as written")
                .as_dict()
                .expect("sealed PDF as written")
                .get(b"F")
                .expect("sealed PDF as written")
                .as_reference()
                .expect("sealed PDF as written");
            (name, rel, id)
        })
        .collect()
}

#[test]
fn the_example_pdf_is_pdf_a_3b_with_its_evidence_attached() {
    let dir = scratch("structure");
    let pdf = sealed(&dir, &[]);
    let bytes = std::fs::read(&pdf).expect("sealed PDF as written");
    assert_eq!(
        bytes,
        std::fs::read(sealed(&scratch("again"), &[])).expect("sealed PDF as written"),
        "same inputs and date, same bytes"
    );
    let doc = Document::load_mem(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let catalog = doc.catalog().expect("sealed PDF as written");

    let xmp = deref(&doc, catalog.get(b"Metadata").expect("sealed PDF as written"))
        .as_stream()
        .expect("sealed PDF as written");
    let xmp =
        String::from_utf8(xmp.get_plain_content().expect("sealed PDF as written")).expect("sealed PDF as written");
    for needle in [
        "<pdfaid:part>3</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<xmp:CreateDate>2026-11-28T00:00:00+00:00</xmp:CreateDate>",
        "<xmp:CreatorTool>Lineage Audit</xmp:CreatorTool>",
        "<pdf:Producer>lineage-pdf ",
        "<dc:title>",
    ] {
        assert!(xmp.contains(needle), "XMP lacks {needle}: {xmp}");
    }
    let info =
        deref(&doc, doc.trailer.get(b"Info").expect("sealed PDF as written")).as_dict().expect("sealed PDF as written");
    assert_eq!(
        info.get(b"CreationDate").expect("sealed PDF as written").as_str().expect("sealed PDF as written"),
        b"D:20261128000000+00'00'"
    );
    let title =
        lopdf::decode_text_string(info.get(b"Title").expect("sealed PDF as written")).expect("sealed PDF as written");
    assert!(
        xmp.contains(&format!("<rdf:li xml:lang=\"x-default\">{title}</rdf:li>")),
        "Info /Title {title:?} not in XMP"
    );
    assert!(doc.trailer.get(b"ID").is_ok());
    assert!(doc.trailer.get(b"Encrypt").is_err(), "PDF/A forbids encryption");
    // The Evidence section names what the PDF carries.
    let (_, text) = tool("pdftotext", &[&pdf.display().to_string(), &"-".to_string()]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("This PDF carries its evidence as PDF/A-3 associated files"), "{text}");
    assert!(text.contains("and the 56 of 56 inputs listed below, as input-001-"), "{text}");
    // Every font embedded, with a ToUnicode map (poppler's pdffonts: the emb and uni columns).
    let (ok, fonts) = tool("pdffonts", &[&pdf.display().to_string()]);
    assert!(ok, "{fonts}");
    let rows: Vec<Vec<&str>> = fonts.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let n = row.len();
        assert!(
            n > 5 && row[n - 5] == "yes" && row[n - 3] == "yes",
            "a font not embedded or without ToUnicode: {fonts}"
        );
    }

    let intents = deref(&doc, catalog.get(b"OutputIntents").expect("sealed PDF as written"))
        .as_array()
        .expect("sealed PDF as written");
    let intent = deref(&doc, &intents[0]).as_dict().expect("sealed PDF as written");
    assert_eq!(
        intent.get(b"S").expect("sealed PDF as written").as_name().expect("sealed PDF as written"),
        b"GTS_PDFA1"
    );
    let icc = deref(&doc, intent.get(b"DestOutputProfile").expect("sealed PDF as written"))
        .as_stream()
        .expect("sealed PDF as written");
    assert_eq!(icc.dict.get(b"N").expect("sealed PDF as written").as_i64().expect("sealed PDF as written"), 3);
    let profile = icc.get_plain_content().expect("sealed PDF as written");
    assert_eq!(&profile[36..40], b"acsp", "an ICC profile");
    assert_eq!(&profile[16..20], b"RGB ");

    let files = attachments(&doc);
    let rel = |n: &str| files.iter().find(|f| f.0 == n).map(|f| f.1.clone());
    assert_eq!(rel("report.json").as_deref(), Some("Data"));
    assert_eq!(rel("manifest.json").as_deref(), Some("Supplement"));
    let inputs = crate::files_under(&root().join("examples/credit-xgb"));
    assert_eq!(files.iter().filter(|f| f.1 == "Source").count(), inputs.len());

    let (ok, out) = tool("qpdf", &[&"--check".to_owned(), &pdf.display().to_string()]);
    assert!(ok, "qpdf --check: {out}");

    // poppler saves every attachment; each input's bytes (so its SHA-256) equal the original's.
    let saved = scratch("saved");
    let (ok, out) = tool(
        "pdfdetach",
        &[&"-saveall".to_owned(), &"-o".to_owned(), &saved.display().to_string(), &pdf.display().to_string()],
    );
    assert!(ok, "pdfdetach: {out}");
    let (ok, list) = tool("pdfdetach", &[&"-list".to_owned(), &pdf.display().to_string()]);
    assert!(ok && list.contains("report.json") && list.contains("manifest.json"), "{list}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(saved.join("manifest.json")).expect("sealed PDF as written"))
            .expect("sealed PDF as written");
    let entries = manifest["inputs"].as_array().expect("sealed PDF as written");
    assert_eq!(entries.len(), inputs.len());
    for e in entries {
        let original = std::fs::read(root().join(e["name"].as_str().expect("sealed PDF as written")))
            .expect("sealed PDF as written");
        let copy = std::fs::read(saved.join(e["attachment"].as_str().expect("sealed PDF as written")))
            .expect("sealed PDF as written");
        assert_eq!(lineage_core::Loader::sha256_hex(&copy), lineage_core::Loader::sha256_hex(&original));
        assert_eq!(e["sha256"].as_str().expect("sealed PDF as written"), lineage_core::Loader::sha256_hex(&original));
    }
    let (code, json, _) = lineage(&["report", "examples/credit-xgb", "--start", "credit-xgb/73", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(saved.join("report.json")).expect("sealed PDF as written"),
        json,
        "report.json is --format json"
    );
    assert_eq!(manifest["options"]["date"], "2026-11-28");
    assert_eq!(manifest["options"]["start"], "credit-xgb/73");
}

pub(crate) fn tool(program: &str, args: &[&String]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}; install qpdf and poppler-utils (scripts/test does)"));
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// Rewrites the embedded file `name`'s content with `edit(content, bytes of another input)`, optionally with a
/// fresh /Size and /CheckSum, and saves the PDF beside the original.
fn tampered(pdf: &Path, name: &str, fix_checksum: bool, edit: impl Fn(&mut Vec<u8>)) -> PathBuf {
    use md5::Digest as _;
    let mut doc = Document::load(pdf).unwrap_or_else(|e| panic!("{e}"));
    let id = attachments(&doc).into_iter().find(|f| f.0 == name).unwrap_or_else(|| panic!("{name}")).2;
    let stream = doc.get_object_mut(id).expect("sealed PDF as written").as_stream_mut().expect("sealed PDF as written");
    let mut content = stream.get_plain_content().expect("sealed PDF as written");
    edit(&mut content);
    if fix_checksum {
        let params = stream
            .dict
            .get_mut(b"Params")
            .expect("sealed PDF as written")
            .as_dict_mut()
            .expect("sealed PDF as written");
        params.set("Size", content.len() as i64);
        params.set("CheckSum", Object::String(md5::Md5::digest(&content).to_vec(), lopdf::StringFormat::Hexadecimal));
    }
    stream.dict.remove(b"Filter");
    stream.set_content(content);
    let out = pdf.with_file_name(format!("tampered-{}.pdf", name.replace('/', "_")));
    doc.save(&out).unwrap_or_else(|e| panic!("{e}"));
    out
}

/// A change to an attachment's bytes.
type Edit = Box<dyn Fn(&mut Vec<u8>)>;

#[test]
fn verify_holds_on_a_fresh_pdf_and_names_what_tampering_broke() {
    let dir = scratch("verify");
    let pdf = sealed(&dir, &[]);
    let (code, stdout, stderr) = verify(&pdf);
    assert_eq!(code, 0, "{stdout}{stderr}");
    for check in ["attachment checksums", "inputs match the manifest", "report regenerated", "sentence on page 1"] {
        assert!(stdout.contains(&format!("ok   {check}")), "{stdout}");
    }
    let first_input = "input-001-cloudtrail-111122223333-eu-west-1-2027-03-08.json";
    let other_input = std::fs::read(root().join("examples/credit-xgb/describe-model-credit-xgb-71.json"))
        .expect("sealed PDF as written");
    let flip = |c: &mut Vec<u8>| c[10] ^= 1;
    // (case, attachment, fresh checksum, edit, the check that must fail)
    let cases: Vec<(&str, &str, bool, Edit, &str)> = vec![
        ("one byte of an input", first_input, false, Box::new(flip), "attachment checksums"),
        ("one byte of report.json", "report.json", false, Box::new(flip), "attachment checksums"),
        (
            "an input replaced by another valid input",
            first_input,
            true,
            Box::new(move |c: &mut Vec<u8>| c.clone_from(&other_input)),
            "inputs match the manifest",
        ),
        (
            "report.json edited with a fresh checksum",
            "report.json",
            true,
            Box::new(|c: &mut Vec<u8>| {
                let s = String::from_utf8(c.clone()).expect("sealed PDF as written").replacen(
                    "credit-xgb",
                    "credit-xgX",
                    1,
                );
                *c = s.into_bytes();
            }),
            "report regenerated",
        ),
    ];
    for (case, name, fix, edit, check) in cases {
        let bad = tampered(&pdf, name, fix, edit);
        let (code, stdout, stderr) = verify(&bad);
        assert_eq!(code, 1, "{case}: {stdout}{stderr}");
        assert!(stdout.contains(&format!("FAIL {check}")), "{case}: {stdout}");
        assert!(stderr.contains(check), "{case}: {stderr}");
    }
}

#[test]
fn verify_refuses_a_pdf_we_did_not_make() {
    let dir = scratch("foreign");
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let page = doc.add_object(lopdf::dictionary! { "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 10.into(), 10.into()] });
    doc.objects.insert(
        pages,
        Object::Dictionary(lopdf::dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    let catalog = doc.add_object(lopdf::dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let foreign = dir.join("foreign.pdf");
    doc.save(&foreign).expect("sealed PDF as written");
    let (code, _, stderr) = verify(&foreign);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not a sealed Lineage Audit report"), "{stderr}");
    let junk = dir.join("junk.pdf");
    std::fs::write(&junk, b"not a pdf").expect("sealed PDF as written");
    let (code, _, stderr) = verify(&junk);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn attach_inputs_none_attaches_only_the_report_and_manifest() {
    let dir = scratch("none");
    let pdf = sealed(&dir, &["--attach-inputs", "none"]);
    let doc = Document::load(&pdf).expect("sealed PDF as written");
    let names: Vec<String> = attachments(&doc).into_iter().map(|f| f.0).collect();
    assert_eq!(names, ["report.json", "manifest.json"]);
    // The Evidence section says what the PDF carries, and that the inputs are not in it.
    let (_, text) = tool("pdftotext", &[&pdf.display().to_string(), &"-".to_string()]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("the 56 inputs are not attached (--attach-inputs none"), "{text}");
    // What the PDF does not carry is said, not failed: exit 0, the two input checks "n/a".
    let (code, stdout, _) = verify(&pdf);
    assert_eq!(code, 0, "{stdout}");
    for line in [
        "ok   attachment checksums",
        "n/a  inputs match the manifest",
        "n/a  report regenerated",
        "ok   sentence on page 1",
    ] {
        assert!(stdout.contains(line), "{line}: {stdout}");
    }
    let (_, json, _) = lineage(&["verify", &pdf.display().to_string(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("verify --format json");
    // An array of checks, as the first `lineage verify` printed it; each with `holds` and now `status`.
    let checks = v.as_array().expect("an array of checks");
    let statuses: Vec<&str> = checks.iter().filter_map(|c| c["status"].as_str()).collect();
    assert_eq!(statuses, ["ok", "not_checked", "not_checked", "ok"], "{json}");
    let holds: Vec<bool> = checks.iter().filter_map(|c| c["holds"].as_bool()).collect();
    assert_eq!(holds, [true, false, false, true], "{json}");
}

#[test]
fn verify_fails_when_page_1_no_longer_shows_the_sentence() {
    let dir = scratch("page1");
    let pdf = sealed(&dir, &[]);
    let mut doc = Document::load(&pdf).expect("sealed PDF as written");
    let page = *doc.get_pages().get(&1).expect("sealed PDF as written");
    doc.change_page_content(page, b"BT ET".to_vec()).expect("sealed PDF as written");
    let edited = dir.join("page1-edited.pdf");
    doc.save(&edited).expect("sealed PDF as written");
    let (code, stdout, stderr) = verify(&edited);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL sentence on page 1") && stderr.contains("sentence on page 1"), "{stdout}{stderr}");
}
