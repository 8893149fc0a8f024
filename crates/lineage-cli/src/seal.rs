//! The sealed PDF's files and clock: reads the inputs to attach, the key and certificates to sign with, asks the
//! timestamp authority over HTTP, and reads the PDF `lineage verify` checks. The evidence itself (manifest,
//! checks, signature) is lineage-seal's, pure.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use lineage_pdf::Attachment;
pub use lineage_seal::ReportOptions;
use lineage_seal::{Input, InputKind, Verification};

use crate::Failure;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum AttachInputs {
    // The inputs when together they are at most 64 MiB, else none (a plain comment: clap would show long help).
    Auto,
    All,
    None,
}

impl From<AttachInputs> for lineage_seal::AttachInputs {
    fn from(a: AttachInputs) -> Self {
        match a {
            AttachInputs::Auto => lineage_seal::AttachInputs::Auto,
            AttachInputs::All => lineage_seal::AttachInputs::All,
            AttachInputs::None => lineage_seal::AttachInputs::None,
        }
    }
}

/// What `report --format pdf` attaches: `report.json`, `manifest.json` and (as `mode` says) the inputs.
pub fn attachments(
    files: &[PathBuf],
    roles: Option<&Path>,
    audit_map: Option<&Path>,
    options: ReportOptions,
    mode: AttachInputs,
    report_json: String,
) -> Result<Vec<Attachment>, Failure> {
    let mut named: Vec<(InputKind, PathBuf)> = Vec::new();
    named.extend(crate::inputs::expand(files)?.into_iter().map(|p| (InputKind::Export, p)));
    named.extend(roles.map(|p| (InputKind::Roles, p.to_owned())));
    named.extend(audit_map.map(|p| (InputKind::AuditMap, p.to_owned())));
    let mut inputs = Vec::new();
    for (kind, path) in named {
        inputs.push(Input::new(path.display().to_string(), kind, crate::inputs::read(&path)?));
    }
    let tool = format!("lineage {}", env!("CARGO_PKG_VERSION"));
    lineage_seal::attachments(inputs, options, mode.into(), &tool, report_json)
        .map_err(|e| Failure { code: 1, message: format!("cannot serialise the manifest: {e}") })
}

/// `--sign KEY --cert CERT [--chain CHAIN] [--tsa URL]`.
pub struct SignArgs<'a> {
    pub key: &'a Path,
    pub cert: &'a Path,
    pub chain: Option<&'a Path>,
}

/// Reads the key and certificates (before the report is made, so a bad key fails fast).
pub fn signer(args: &SignArgs<'_>) -> Result<lineage_seal::sign::Signer, Failure> {
    let key = crate::inputs::read(args.key)?;
    let cert = crate::inputs::read(args.cert)?;
    let chain = args.chain.map(crate::inputs::read).transpose()?;
    lineage_seal::sign::Signer::from_pem(&key, &cert, chain.as_deref())
        .map_err(|e| Failure::input(format!("--sign {} --cert {}: {e}", args.key.display(), args.cert.display())))
}

/// The PDF signed now, with a timestamp from `tsa` when given.
pub fn sign(pdf: &[u8], signer: &lineage_seal::sign::Signer, tsa: Option<&str>) -> Result<Vec<u8>, Failure> {
    let now = crate::pdf::now_unix();
    let mut ask = |request: &[u8]| post_timestamp_request(tsa.unwrap_or_default(), request);
    let stamper: Option<lineage_seal::sign::Timestamper<'_>> = if tsa.is_some() { Some(&mut ask) } else { None };
    lineage_seal::sign::sign(pdf, signer, now, stamper).map_err(|e| match tsa {
        Some(url) if e.contains("timestamp") => Failure::input(format!("--tsa {url}: {e}")),
        _ => Failure::input(format!("cannot sign the PDF: {e}")),
    })
}

/// RFC 3161 over HTTP: POST `application/timestamp-query`, the `application/timestamp-reply` body back.
fn post_timestamp_request(url: &str, request: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    if !url.starts_with("http://") {
        return Err("expected an http:// URL (a timestamp token is signed by its authority; https is not read)".into());
    }
    let response = ureq::post(url)
        .header("Content-Type", "application/timestamp-query")
        .send(request)
        .map_err(|e| format!("timestamp authority did not answer: {e}"))?;
    let mut body = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(1 << 20)
        .read_to_end(&mut body)
        .map_err(|e| format!("timestamp authority's reply: {e}"))?;
    Ok(body)
}

/// `lineage verify`: the checks, or exit 2 when `path` is not a sealed report.
pub fn verify(path: &Path, trust: &[PathBuf]) -> Result<Verification, Failure> {
    let mut roots = Vec::new();
    for t in trust {
        let pem = crate::inputs::read(t)?;
        let certs = x509_cert::Certificate::load_pem_chain(&pem)
            .map_err(|e| Failure::input(format!("--trust {}: not PEM certificates: {e}", t.display())))?;
        roots.extend(certs);
    }
    let bytes = crate::inputs::read(path)?;
    let sealed = lineage_seal::Sealed::open(&bytes).map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
    Ok(lineage_seal::verify(&bytes, &sealed, &roots))
}
