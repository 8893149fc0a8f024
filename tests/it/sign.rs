//! Signed sealed PDFs (PAdES B-B and B-T): `lineage report --sign`, checked by `lineage verify` and by pyHanko
//! (`pyhanko sign validate`, the test root as trust anchor), a local timestamp authority (`openssl ts -reply`
//! behind tests/fixtures/seal/tsa_server.py), tampering after signing, and the keys the CLI refuses.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::root;
use crate::seal::{lineage, scratch, sealed};

fn pki(name: &str) -> String {
    root().join("tests/fixtures/seal/pki").join(name).display().to_string()
}

/// pyHanko from the venv scripts/test makes (target/pyhanko-venv), else `PYHANKO`.
fn pyhanko() -> PathBuf {
    std::env::var_os("PYHANKO").map(PathBuf::from).unwrap_or_else(|| root().join("target/pyhanko-venv/bin/pyhanko"))
}

/// `pyhanko sign validate --executive-summary` with the test root as the only trust anchor: its summary line.
fn pyhanko_validate(pdf: &Path) -> (bool, String) {
    let out = Command::new(pyhanko())
        .args(["sign", "validate", "--executive-summary", "--no-revocation-check", "--trust-replace", "--trust"])
        .arg(pki("root-ca.crt"))
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| panic!("pyhanko ({}): {e}; scripts/test installs it", pyhanko().display()));
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success() && text.contains(":VALID"), text)
}

/// The local timestamp authority; killed when dropped.
struct Tsa(Child, String);

impl Tsa {
    fn start() -> Tsa {
        let mut child = Command::new("python3")
            .arg(root().join("tests/fixtures/seal/tsa_server.py"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("python3 tsa_server.py: {e}"));
        let stdout = child.stdout.take().expect("piped");
        let mut port = String::new();
        std::io::BufReader::new(stdout).read_line(&mut port).expect("the TSA prints its port");
        Tsa(child, format!("http://127.0.0.1:{}/", port.trim()))
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn signed(dir: &Path, key: &str, cert: &str, extra: &[&str]) -> PathBuf {
    let (key, cert, chain) = (pki(key), pki(cert), pki("root-ca.crt"));
    let mut args = vec!["--sign", &key, "--cert", &cert, "--chain", &chain];
    args.extend_from_slice(extra);
    sealed(dir, &args)
}

fn verify_trusting(pdf: &Path, root_cert: &str) -> (i32, String, String) {
    lineage(&["verify", &pdf.display().to_string(), "--trust", &pki(root_cert)])
}

#[test]
fn rsa_and_p256_signatures_verify_here_and_in_pyhanko_and_leave_the_unsigned_bytes_unchanged() {
    let dir = scratch("sign");
    let unsigned = std::fs::read(sealed(&dir, &[])).expect("written");
    for (key, cert) in [("signer-rsa.key", "signer-rsa.crt"), ("signer-ec.key", "signer-ec.crt")] {
        let pdf = signed(&dir, key, cert, &[]);
        let bytes = std::fs::read(&pdf).expect("written");
        assert!(bytes.starts_with(&unsigned), "{key}: the signature is an incremental update of the unsigned PDF");
        let (code, stdout, stderr) = verify_trusting(&pdf, "root-ca.crt");
        assert_eq!(code, 0, "{key}: {stdout}{stderr}");
        assert!(stdout.contains("ok   signature integrity"), "{stdout}");
        assert!(stdout.contains("ok   signer certificate: CN=") && stdout.contains("trusted root"), "{stdout}");
        let (valid, summary) = pyhanko_validate(&pdf);
        assert!(valid, "{key}: pyHanko: {summary}");
        let (check, path) = ("--check".to_string(), pdf.display().to_string());
        let (ok, qpdf) = crate::seal::tool("qpdf", &[&check, &path]);
        assert!(ok, "{key}: {qpdf}");
        // Another root: the chain is verified but does not reach it.
        let (code, stdout, _) = verify_trusting(&pdf, "other-root.crt");
        assert_eq!(code, 1, "{stdout}");
        assert!(
            stdout.contains("FAIL signer certificate") && stdout.contains("not among the trusted roots"),
            "{stdout}"
        );
    }
}

#[test]
fn a_chain_left_out_is_not_checked_without_a_root_and_checked_with_one() {
    let dir = scratch("sign-no-chain");
    let (key, cert) = (pki("signer-ec.key"), pki("signer-ec.crt"));
    let pdf = sealed(&dir, &["--sign", &key, "--cert", &cert]);
    let (code, stdout, _) = lineage(&["verify", &pdf.display().to_string()]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("n/a  signer certificate: CN=signer-ec") && stdout.contains("--trust ROOT.pem"),
        "{stdout}"
    );
    let (code, stdout, _) = verify_trusting(&pdf, "root-ca.crt");
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("ok   signer certificate: CN=signer-ec") && stdout.contains("trusted root"), "{stdout}");
    let (code, stdout, _) = verify_trusting(&pdf, "other-root.crt");
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL signer certificate"), "{stdout}");
}

#[test]
fn a_timestamp_from_a_local_authority_makes_b_t() {
    let dir = scratch("sign-bt");
    let tsa = Tsa::start();
    let pdf = signed(&dir, "signer-rsa.key", "signer-rsa.crt", &["--tsa", &tsa.1]);
    let (code, stdout, stderr) = verify_trusting(&pdf, "root-ca.crt");
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("ok   signature timestamp: ") && stdout.contains("by CN=tsa"), "{stdout}");
    let (valid, summary) = pyhanko_validate(&pdf);
    assert!(valid, "pyHanko: {summary}");
    let out = Command::new(pyhanko())
        .args(["sign", "validate", "--pretty-print", "--no-revocation-check", "--trust-replace", "--trust"])
        .arg(pki("root-ca.crt"))
        .arg(&pdf)
        .output()
        .expect("pyhanko ran above");
    let pretty = String::from_utf8_lossy(&out.stdout);
    assert!(pretty.contains("The timestamp token is cryptographically sound"), "{pretty}");
    assert!(pretty.contains("The TSA certificate is trusted"), "{pretty}");
    // A TSA that does not answer is named, exit 2.
    drop(tsa);
    let (code, _, stderr) = lineage(&[
        "report",
        "examples/credit-xgb",
        "--start",
        "credit-xgb/73",
        "-o",
        &dir.join("x.pdf").display().to_string(),
        "--sign",
        &pki("signer-rsa.key"),
        "--cert",
        &pki("signer-rsa.crt"),
        "--tsa",
        "http://127.0.0.1:9/",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--tsa http://127.0.0.1:9/") && stderr.contains("timestamp authority"), "{stderr}");
}

#[test]
fn one_changed_byte_of_the_signed_range_or_a_later_revision_fails_the_signature() {
    let dir = scratch("sign-tamper");
    let pdf = signed(&dir, "signer-ec.key", "signer-ec.crt", &[]);
    let bytes = std::fs::read(&pdf).expect("written");
    // A byte of page 1's content stream (inside the signed range: before the signature's /Contents).
    let at = bytes.windows(6).position(|w| w == b"stream").expect("a content stream") + 20;
    let mut flipped = bytes.clone();
    flipped[at] ^= 0x01;
    let flipped_pdf = dir.join("flipped.pdf");
    std::fs::write(&flipped_pdf, &flipped).expect("written");
    let (code, stdout, stderr) = verify_trusting(&flipped_pdf, "root-ca.crt");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("FAIL signature integrity") && stderr.contains("signature integrity"), "{stdout}{stderr}");
    let (valid, summary) = pyhanko_validate(&flipped_pdf);
    assert!(!valid, "pyHanko accepted a changed byte: {summary}");
    // Bytes appended after the signed range (a later revision) are named.
    let mut appended = bytes;
    appended.extend_from_slice(b"\n% a later revision\n");
    let appended_pdf = dir.join("appended.pdf");
    std::fs::write(&appended_pdf, &appended).expect("written");
    let (code, stdout, _) = verify_trusting(&appended_pdf, "root-ca.crt");
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL signature integrity") && stdout.contains("added after the signed range"), "{stdout}");
}

#[test]
fn keys_the_cli_refuses_are_named() {
    let dir = scratch("sign-refused");
    let out = dir.join("x.pdf").display().to_string();
    let cases: [(&str, &str, &[&str], &str); 4] = [
        ("weak-rsa-1024.key", "weak-rsa-1024.crt", &[], "1024 bits are refused"),
        ("signer-rsa.key", "signer-ec.crt", &[], "the key is not the certificate's"),
        ("signer-rsa.crt", "signer-rsa.crt", &[], "expected a PEM private key"),
        ("signer-rsa.key", "signer-rsa.crt", &["--format", "md"], "--sign applies only to the PDF"),
    ];
    for (key, cert, extra, expected) in cases {
        let (key, cert) = (pki(key), pki(cert));
        let out = if extra.is_empty() { out.clone() } else { dir.join("x.md").display().to_string() };
        let mut args = vec![
            "report",
            "examples/credit-xgb",
            "--start",
            "credit-xgb/73",
            "-o",
            &out,
            "--sign",
            &key,
            "--cert",
            &cert,
        ];
        args.extend_from_slice(extra);
        let (code, _, stderr) = lineage(&args);
        assert_eq!(code, 2, "{expected}: {stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}
