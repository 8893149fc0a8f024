//! A PAdES signature, checked: the byte range, the CMS SignedData over it, the signer's certificate and chain,
//! and the RFC 3161 signature timestamp when there is one. Nothing the PDF claims is trusted without recomputing it.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::{Decode, Encode, SliceReader};
use lopdf::Object;
use sha2::{Digest as _, Sha256};
use x509_cert::Certificate;

use crate::asn1::{self, SigningCertificateV2, TstInfo};
use crate::verify::Check;

/// A signature dictionary as the PDF holds it.
#[derive(Debug, Clone)]
pub struct SignatureField {
    /// `/ByteRange [a b c d]`.
    pub byte_range: Vec<i64>,
    /// `/Contents`: the CMS SignedData, zero-padded.
    pub contents: Vec<u8>,
    /// `/M`, the signing time the signer claims.
    pub claimed_time: Option<String>,
    pub sub_filter: Option<String>,
}

/// What a valid signature tells: who signed, and when the timestamp authority says it existed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SignatureFacts {
    pub signer: Option<String>,
    pub claimed_time: Option<String>,
    pub timestamp: Option<String>,
    pub timestamp_authority: Option<String>,
}

/// Every signature dictionary in the document's last revision (objects with `/ByteRange` and `/Contents`).
pub fn fields(doc: &lopdf::Document) -> Vec<SignatureField> {
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"ByteRange") && d.has(b"Contents"))
        .map(|d| SignatureField {
            byte_range: d
                .get(b"ByteRange")
                .and_then(Object::as_array)
                .map(|a| a.iter().filter_map(|o| o.as_i64().ok()).collect())
                .unwrap_or_default(),
            contents: d.get(b"Contents").and_then(Object::as_str).map(<[u8]>::to_vec).unwrap_or_default(),
            claimed_time: d.get(b"M").and_then(lopdf::decode_text_string).ok(),
            sub_filter: d.get(b"SubFilter").and_then(Object::as_name).ok().map(|n| String::from_utf8_lossy(n).into()),
        })
        .collect()
}

/// The checks of one signature over `file`: integrity, the signer certificate, and the timestamp when present.
/// `trust` are the roots the user named (`--trust`); without them the chain is checked but not anchored.
pub fn check(file: &[u8], field: &SignatureField, trust: &[Certificate]) -> (Vec<Check>, SignatureFacts) {
    let claimed_time = field.claimed_time.as_deref().map(|raw| pdf_date_iso(raw).unwrap_or_else(|| raw.to_owned()));
    let mut facts = SignatureFacts { claimed_time, ..SignatureFacts::default() };
    let parsed = match parse(file, field) {
        Ok(p) => p,
        Err(e) => return (vec![Check::fail("signature integrity", e)], facts),
    };
    let mut checks = vec![integrity(&parsed)];
    facts.signer = parsed.signer.as_ref().map(|c| c.tbs_certificate().subject().to_string());
    let stamp = parsed.signer_info.unsigned_attrs.as_ref().and_then(|attrs| {
        attrs.iter().find(|a| a.oid == asn1::SIGNATURE_TIME_STAMP_TOKEN).and_then(|a| a.values.get(0).cloned())
    });
    let stamp = stamp
        .map(|token| timestamp(&token.to_der().unwrap_or_default(), parsed.signer_info.signature.as_bytes(), trust));
    if let Some(Ok((_, t))) = &stamp {
        facts.timestamp = Some(t.time.clone());
        facts.timestamp_authority = Some(t.authority.clone());
    }
    let when = match &stamp {
        Some(Ok((_, t))) => Some(t.unix),
        _ => field.claimed_time.as_deref().and_then(pdf_date_unix),
    };
    checks.push(certificate(&parsed, trust, when));
    match stamp {
        None => {}
        Some(Ok((check, _))) => checks.push(check),
        Some(Err(e)) => checks.push(Check::fail("signature timestamp", e)),
    }
    (checks, facts)
}

struct Parsed {
    covers_whole_file: Result<(), String>,
    digest: [u8; 32],
    signed: SignedData,
    signer_info: SignerInfo,
    signer: Option<Certificate>,
}

fn parse(file: &[u8], field: &SignatureField) -> Result<Parsed, String> {
    let [a, b, c, d] = field.byte_range[..] else {
        return Err(format!("/ByteRange has {} numbers, expected 4", field.byte_range.len()));
    };
    let len = file.len() as i64;
    if a != 0 || b <= 0 || c <= b || d < 0 || c.checked_add(d).is_none_or(|end| end > len) {
        return Err(format!("/ByteRange [{a} {b} {c} {d}] does not fit the file of {len} bytes"));
    }
    let (b, c, d) = (b as usize, c as usize, d as usize);
    if file[b] != b'<' || file[c - 1] != b'>' {
        return Err("/ByteRange does not leave out exactly the /Contents hex string".into());
    }
    let covers_whole_file = if c + d == file.len() {
        Ok(())
    } else {
        Err(format!("{} bytes were added after the signed range (a later revision)", file.len() - c - d))
    };
    let mut h = Sha256::new();
    h.update(&file[..b]);
    h.update(&file[c..c + d]);
    let digest: [u8; 32] = h.finalize().into();
    let signed = signed_data(&field.contents)?;
    let signer_info = signed.signer_infos.0.get(0).cloned().ok_or("the SignedData has no SignerInfo")?;
    let signer = find_certificate(&signed, &signer_info.sid);
    Ok(Parsed { covers_whole_file, digest, signed, signer_info, signer })
}

/// A CMS ContentInfo of SignedData from the start of `bytes` (the rest is the placeholder's zero padding).
fn signed_data(bytes: &[u8]) -> Result<SignedData, String> {
    let mut reader = SliceReader::new(bytes).map_err(|e| format!("/Contents: {e}"))?;
    let info = ContentInfo::decode(&mut reader).map_err(|e| format!("/Contents is not a CMS ContentInfo: {e}"))?;
    if info.content_type != asn1::SIGNED_DATA {
        return Err(format!("/Contents holds {} rather than SignedData", info.content_type));
    }
    info.content.decode_as::<SignedData>().map_err(|e| format!("/Contents is not a CMS SignedData: {e}"))
}

fn certificates(signed: &SignedData) -> Vec<Certificate> {
    let Some(set) = &signed.certificates else { return Vec::new() };
    set.0
        .iter()
        .filter_map(|c| match c {
            cms::cert::CertificateChoices::Certificate(cert) => Some(cert.clone()),
            cms::cert::CertificateChoices::Other(_) => None,
        })
        .collect()
}

fn find_certificate(signed: &SignedData, sid: &SignerIdentifier) -> Option<Certificate> {
    certificates(signed).into_iter().find(|cert| {
        let tbs = cert.tbs_certificate();
        match sid {
            SignerIdentifier::IssuerAndSerialNumber(is) => {
                &is.issuer == tbs.issuer() && &is.serial_number == tbs.serial_number()
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                let ext = tbs.get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>().ok().flatten();
                ext.is_some_and(|(_, k)| k.0 == ski.0)
            }
        }
    })
}

/// The signed attribute `oid`'s one value.
fn attribute(info: &SignerInfo, oid: der::oid::ObjectIdentifier) -> Option<der::Any> {
    info.signed_attrs.as_ref()?.iter().find(|a| a.oid == oid).and_then(|a| a.values.get(0).cloned())
}

fn integrity(p: &Parsed) -> Check {
    const NAME: &str = "signature integrity";
    let digest =
        attribute(&p.signer_info, asn1::MESSAGE_DIGEST).and_then(|a| a.decode_as::<der::asn1::OctetString>().ok());
    let Some(digest) = digest else { return Check::fail(NAME, "the signature has no message-digest attribute") };
    if p.signer_info.digest_alg.oid != asn1::SHA256 {
        return Check::fail(
            NAME,
            format!("digest algorithm {} (only SHA-256 is checked)", p.signer_info.digest_alg.oid),
        );
    }
    if digest.as_bytes() != p.digest {
        return Check::fail(
            NAME,
            "the SHA-256 of the signed byte range differs from the signed message digest: the file was changed",
        );
    }
    let Some(cert) = &p.signer else { return Check::fail(NAME, "the signer's certificate is not in the signature") };
    if let Err(e) = signed_attributes_verify(&p.signer_info, cert) {
        return Check::fail(NAME, e);
    }
    if let Err(e) = signing_certificate_v2(&p.signer_info, cert) {
        return Check::fail(NAME, e);
    }
    if let Err(e) = &p.covers_whole_file {
        return Check::fail(NAME, format!("the signed range is intact, but {e}"));
    }
    Check::ok(NAME, "the SHA-256 of the signed byte range (the whole file but the signature) equals the signed message digest, and the signature over it verifies with the signer's key")
}

fn signed_attributes_verify(info: &SignerInfo, cert: &Certificate) -> Result<(), String> {
    let attrs = info.signed_attrs.as_ref().ok_or("the signature has no signed attributes")?;
    let message = attrs.to_der().map_err(|e| e.to_string())?;
    verify_raw(cert, info.signature_algorithm.oid, &message, info.signature.as_bytes())
        .map_err(|e| format!("the signature value does not verify: {e}"))
}

fn signing_certificate_v2(info: &SignerInfo, cert: &Certificate) -> Result<(), String> {
    let attr = attribute(info, asn1::SIGNING_CERTIFICATE_V2)
        .ok_or("no signing-certificate-v2 attribute (PAdES requires it)")?;
    let sc = attr.decode_as::<SigningCertificateV2>().map_err(|e| format!("signing-certificate-v2: {e}"))?;
    let first = sc.certs.first().ok_or("signing-certificate-v2 names no certificate")?;
    if first.hash_algorithm.as_ref().is_some_and(|a| a.oid != asn1::SHA256) {
        return Err("signing-certificate-v2 uses a hash other than SHA-256 (not checked)".into());
    }
    let der = cert.to_der().map_err(|e| e.to_string())?;
    if first.cert_hash.as_bytes() != Sha256::digest(&der).as_slice() {
        return Err("signing-certificate-v2's hash is not the signer certificate's".into());
    }
    Ok(())
}

/// Verifies `signature` over `message` with `cert`'s public key: RSA PKCS #1 v1.5 or ECDSA P-256, SHA-256.
fn verify_raw(
    cert: &Certificate,
    alg: der::oid::ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    use signature::Verifier as _;
    let spki = cert.tbs_certificate().subject_public_key_info().to_der().map_err(|e| e.to_string())?;
    match alg {
        a if a == asn1::RSA_ENCRYPTION || a == asn1::SHA256_WITH_RSA => {
            use rsa::pkcs8::DecodePublicKey as _;
            let key = rsa::PublicKey::from_public_key_der(&spki).map_err(|e| format!("RSA key: {e}"))?;
            let sig = rsa::pkcs1v15::Signature::try_from(signature).map_err(|e| e.to_string())?;
            rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key)
                .verify(message, &sig)
                .map_err(|_| "RSA signature invalid".into())
        }
        a if a == asn1::ECDSA_WITH_SHA256 => {
            use p256::pkcs8::DecodePublicKey as _;
            let key = p256::ecdsa::VerifyingKey::from_public_key_der(&spki).map_err(|e| format!("P-256 key: {e}"))?;
            let sig = p256::ecdsa::DerSignature::try_from(signature).map_err(|e| e.to_string())?;
            key.verify(message, &sig).map_err(|_| "ECDSA signature invalid".into())
        }
        other => Err(format!("signature algorithm {other} is not checked (RSA or ECDSA P-256 with SHA-256 are)")),
    }
}

/// The signer's certificate: valid at `when` (the timestamp, else the claimed time), and its chain through the
/// certificates in the signature up to a self-signed one, each link's signature verified; anchored when `trust`
/// names roots.
fn certificate(p: &Parsed, trust: &[Certificate], when: Option<i64>) -> Check {
    const NAME: &str = "signer certificate";
    let Some(cert) = &p.signer else { return Check::fail(NAME, "the signer's certificate is not in the signature") };
    let subject = cert.tbs_certificate().subject().to_string();
    let validity = cert.tbs_certificate().validity();
    let (from, to) = (
        validity.not_before.to_unix_duration().as_secs() as i64,
        validity.not_after.to_unix_duration().as_secs() as i64,
    );
    if let Some(t) = when {
        if t < from || t > to {
            return Check::fail(
                NAME,
                format!("{subject}: not valid at the signing time ({} to {})", validity.not_before, validity.not_after),
            );
        }
    }
    match anchor(cert, &certificates(&p.signed), trust) {
        Ok(detail) => Check::ok(NAME, format!("{subject}; {detail}")),
        Err(Chain::NoIssuer(e)) if trust.is_empty() => Check::not_checked(
            NAME,
            format!("{subject}: {e}; name the root you trust with --trust ROOT.pem to check the chain"),
        ),
        Err(Chain::NoIssuer(e) | Chain::Broken(e)) => Check::fail(NAME, format!("{subject}: {e}")),
    }
}

/// Why a chain could not be followed: an issuer that is not at hand, or anything else.
enum Chain {
    NoIssuer(String),
    Broken(String),
}

/// `cert`'s chain through `carried` (the certificates in the signature) and `trust`, each link verified, to a
/// self-signed root; with `trust`, the chain must reach one of them.
fn anchor(cert: &Certificate, carried: &[Certificate], trust: &[Certificate]) -> Result<String, Chain> {
    let mut pool = carried.to_vec();
    pool.extend(trust.iter().cloned());
    let path = chain(cert, &pool)?;
    let root = path.last().map(|c| c.tbs_certificate().subject().to_string()).unwrap_or_default();
    if trust.is_empty() {
        Ok(format!("chain verified to {root}, not anchored (name the roots you trust with --trust)"))
    } else if path.iter().any(|c| trust.contains(c)) {
        Ok(format!("chain verified to the trusted root {root}"))
    } else {
        Err(Chain::Broken(format!("the chain ends at {root}, which is not among the trusted roots")))
    }
}

/// Follows issuers through `pool` from `cert` to a self-signed certificate, verifying each signature: the path.
fn chain(cert: &Certificate, pool: &[Certificate]) -> Result<Vec<Certificate>, Chain> {
    let mut path = vec![cert.clone()];
    while path.len() <= 8 {
        let at = path.last().cloned().unwrap_or_else(|| cert.clone());
        let tbs = at.tbs_certificate();
        let issuer = pool.iter().find(|c| c.tbs_certificate().subject() == tbs.issuer() && verify_cert(&at, c).is_ok());
        let Some(issuer) = issuer else {
            return Err(Chain::NoIssuer(format!("its issuer {} is not in the signature", tbs.issuer())));
        };
        if issuer == &at {
            return Ok(path);
        }
        path.push(issuer.clone());
    }
    Err(Chain::Broken("the certificate chain is longer than 8".into()))
}

fn verify_cert(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    let tbs = cert.tbs_certificate().to_der().map_err(|e| e.to_string())?;
    let sig = cert.signature().as_bytes().ok_or("certificate signature is not whole bytes")?;
    verify_raw(issuer, cert.signature_algorithm().oid, &tbs, sig)
}

/// What a valid timestamp token says.
#[derive(Debug, Clone)]
struct Stamp {
    time: String,
    unix: i64,
    authority: String,
}

/// The signature timestamp: the token's imprint is the SHA-256 of the signature value, and the authority's own
/// signature over the token verifies.
fn timestamp(token: &[u8], signature_value: &[u8], trust: &[Certificate]) -> Result<(Check, Stamp), String> {
    const NAME: &str = "signature timestamp";
    let signed = signed_data(token).map_err(|e| format!("timestamp token: {e}"))?;
    if signed.encap_content_info.econtent_type != asn1::TST_INFO {
        return Err("the timestamp token does not hold a TSTInfo".into());
    }
    let content = signed.encap_content_info.econtent.as_ref().ok_or("the timestamp token is empty")?;
    let tst_der = content.decode_as::<der::asn1::OctetString>().map_err(|e| format!("TSTInfo: {e}"))?;
    let tst = TstInfo::from_der(tst_der.as_bytes()).map_err(|e| format!("TSTInfo: {e}"))?;
    if tst.message_imprint.hash_algorithm.oid != asn1::SHA256 {
        return Err("the timestamp's imprint is not SHA-256 (not checked)".into());
    }
    if tst.message_imprint.hashed_message.as_bytes() != Sha256::digest(signature_value).as_slice() {
        return Err("the timestamp was not made for this signature (its imprint differs)".into());
    }
    let info = signed.signer_infos.0.get(0).ok_or("the timestamp token has no SignerInfo")?;
    let tsa =
        find_certificate(&signed, &info.sid).ok_or("the timestamp authority's certificate is not in the token")?;
    let digest = attribute(info, asn1::MESSAGE_DIGEST).and_then(|a| a.decode_as::<der::asn1::OctetString>().ok());
    if digest.as_ref().map(der::asn1::OctetString::as_bytes) != Some(Sha256::digest(tst_der.as_bytes()).as_slice()) {
        return Err("the timestamp authority's message digest is not the TSTInfo's".into());
    }
    signed_attributes_verify(info, &tsa).map_err(|e| format!("timestamp authority's signature: {e}"))?;
    let authority = tsa.tbs_certificate().subject().to_string();
    let chain = match anchor(&tsa, &certificates(&signed), trust) {
        Ok(detail) => detail,
        Err(Chain::NoIssuer(e)) if trust.is_empty() => format!("the authority's chain is not checked: {e}"),
        Err(Chain::NoIssuer(e) | Chain::Broken(e)) => return Err(format!("timestamp authority {authority}: {e}")),
    };
    let unix = tst.gen_time.to_unix_duration().as_secs() as i64;
    let time = tst.gen_time.to_date_time().to_string();
    let detail = format!("{time} by {authority}: the token's imprint is the signature's SHA-256 and the authority's signature verifies; {chain}");
    Ok((Check::ok(NAME, detail), Stamp { time, unix, authority }))
}

/// `D:YYYYMMDDHHmmSS…` as ISO 8601 (`YYYY-MM-DDTHH:mm:SSZ`).
fn pdf_date_iso(s: &str) -> Option<String> {
    let unix = pdf_date_unix(s)?;
    let dt = der::DateTime::from_unix_duration(std::time::Duration::from_secs(u64::try_from(unix).ok()?)).ok()?;
    Some(dt.to_string())
}

/// `D:YYYYMMDDHHmmSS…` (the PDF date of `/M`) as seconds since 1970, UTC (offsets ignored: `/M` is written in UTC).
fn pdf_date_unix(s: &str) -> Option<i64> {
    let d = s.strip_prefix("D:")?;
    let n = |r: std::ops::Range<usize>| d.get(r).and_then(|x| x.parse::<u32>().ok());
    let dt = der::DateTime::new(
        n(0..4)? as u16,
        n(4..6)? as u8,
        n(6..8)? as u8,
        n(8..10)? as u8,
        n(10..12)? as u8,
        n(12..14)? as u8,
    )
    .ok()?;
    Some(dt.unix_duration().as_secs() as i64)
}
