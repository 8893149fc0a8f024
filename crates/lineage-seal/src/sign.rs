//! Signing a sealed PDF: a PAdES baseline signature (B-B; B-T with an RFC 3161 timestamp) added as an
//! incremental update, so the unsigned bytes stay exactly as they were.
//!
//! The update adds a signature dictionary (`/SubFilter /ETSI.CAdES.detached`, `/Contents` a zero-filled hex
//! placeholder, `/ByteRange` the whole file but that placeholder), an invisible widget on page 1 and the catalog's
//! `/AcroForm`. The CMS SignedData is detached: signed attributes content-type, message-digest (SHA-256 of the byte
//! range) and signing-certificate-v2; no signing-time (PAdES puts the time in `/M`).

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier, SignerInfo};
use der::asn1::{OctetString, SetOfVec};
use der::{Decode, Encode};
use lopdf::{Dictionary, Object, StringFormat};
use sha2::{Digest as _, Sha256};
use spki::{AlgorithmIdentifierOwned, EncodePublicKey as _};
use x509_cert::attr::Attribute;
use x509_cert::Certificate;

use crate::asn1::{self, EssCertIdV2, MessageImprint, SigningCertificateV2, TimeStampReq, TimeStampResp};

/// Bytes reserved for the CMS SignedData (the certificates and a timestamp token included).
const CAPACITY: usize = 24 * 1024;
const RANGE_PLACEHOLDER: &str = "0 9999999999 9999999999 9999999999";

/// The signer's key.
enum Key {
    Rsa(rsa::pkcs1v15::SigningKey<Sha256>),
    P256(p256::ecdsa::SigningKey),
}

/// A key and its certificate (and the chain to include), read from PEM.
pub struct Signer {
    key: Key,
    cert: Certificate,
    chain: Vec<Certificate>,
}

impl Signer {
    /// Reads the key (PKCS #8, PKCS #1 RSA or SEC1 EC, unencrypted), the certificate and the optional chain, and
    /// checks that the key is the certificate's.
    pub fn from_pem(key_pem: &[u8], cert_pem: &[u8], chain_pem: Option<&[u8]>) -> Result<Signer, String> {
        let key = read_key(key_pem)?;
        let mut certs = Certificate::load_pem_chain(cert_pem).map_err(|e| format!("certificate: {e}"))?;
        if certs.is_empty() {
            return Err("certificate: no CERTIFICATE block".into());
        }
        let cert = certs.remove(0);
        let mut chain = certs;
        if let Some(pem) = chain_pem {
            chain.extend(Certificate::load_pem_chain(pem).map_err(|e| format!("chain: {e}"))?);
        }
        let public = match &key {
            Key::Rsa(k) => rsa::PublicKey::from(k.as_ref()).to_public_key_der(),
            Key::P256(k) => k.verifying_key().to_public_key_der(),
        }
        .map_err(|e| format!("key: {e}"))?;
        let in_cert = cert.tbs_certificate().subject_public_key_info().to_der().map_err(|e| e.to_string())?;
        if public.as_bytes() != in_cert.as_slice() {
            return Err("the key is not the certificate's (their public keys differ)".into());
        }
        Ok(Signer { key, cert, chain })
    }

    /// The certificate's subject.
    pub fn subject(&self) -> String {
        self.cert.tbs_certificate().subject().to_string()
    }
}

fn read_key(pem: &[u8]) -> Result<Key, String> {
    let text = std::str::from_utf8(pem).map_err(|_| "key: not PEM text".to_string())?;
    if text.contains("ENCRYPTED") {
        return Err(
            "key: encrypted private keys are not read; decrypt it first (openssl pkey -in KEY -out PLAIN)".into()
        );
    }
    let rsa = if text.contains("BEGIN RSA PRIVATE KEY") {
        use rsa::pkcs1::DecodeRsaPrivateKey as _;
        Some(rsa::PrivateKey::from_pkcs1_pem(text).map_err(|e| format!("RSA key: {e}"))?)
    } else if text.contains("BEGIN PRIVATE KEY") {
        use rsa::pkcs8::DecodePrivateKey as _;
        rsa::PrivateKey::from_pkcs8_pem(text).ok()
    } else {
        None
    };
    if let Some(k) = rsa {
        let bits = rsa::traits::PublicKeyParts::size(&k) * 8;
        if bits < 2048 {
            return Err(format!("key: RSA keys of {bits} bits are refused (2048 or more)"));
        }
        return Ok(Key::Rsa(rsa::pkcs1v15::SigningKey::<Sha256>::new(k)));
    }
    if text.contains("BEGIN EC PRIVATE KEY") {
        let secret = p256::SecretKey::from_sec1_pem(text).map_err(|e| format!("EC key (P-256 expected): {e}"))?;
        return Ok(Key::P256(secret.into()));
    }
    if text.contains("BEGIN PRIVATE KEY") {
        use p256::pkcs8::DecodePrivateKey as _;
        return p256::ecdsa::SigningKey::from_pkcs8_pem(text)
            .map(Key::P256)
            .map_err(|_| "key: a PKCS #8 key that is neither RSA nor EC P-256".into());
    }
    Err("key: expected a PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)".into())
}

/// Asks a timestamp authority: the DER TimeStampReq in, the DER TimeStampResp out (the CLI's HTTP POST).
pub type Ask<'a> = dyn FnMut(&[u8]) -> Result<Vec<u8>, String> + 'a;
/// The timestamp authority to ask, borrowed.
pub type Timestamper<'a> = &'a mut Ask<'a>;

/// `pdf` signed by `signer` at `unix_time` (the `/M` time), with a signature timestamp when `tsa` is given.
pub fn sign(pdf: &[u8], signer: &Signer, unix_time: u64, tsa: Option<Timestamper<'_>>) -> Result<Vec<u8>, String> {
    let mut out = update(pdf, unix_time)?;
    let (b, c) = placeholder(&out)?;
    let range = format!("0 {b} {c} {}", out.len() - c);
    let at = find(&out, RANGE_PLACEHOLDER.as_bytes()).ok_or("the /ByteRange placeholder is missing")?;
    out[at..at + RANGE_PLACEHOLDER.len()]
        .copy_from_slice(format!("{range:<width$}", width = RANGE_PLACEHOLDER.len()).as_bytes());
    let mut h = Sha256::new();
    h.update(&out[..b]);
    h.update(&out[c..]);
    let digest = h.finalize();
    let cms = signed_data(signer, &digest, tsa)?;
    if cms.len() > CAPACITY {
        return Err(format!("the signature takes {} bytes, more than the {CAPACITY} reserved", cms.len()));
    }
    let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    out[b + 1..b + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// The incremental update with the placeholders.
fn update(pdf: &[u8], unix_time: u64) -> Result<Vec<u8>, String> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| format!("the PDF to sign: {e}"))?;
    let catalog_id = doc.trailer.get(b"Root").and_then(Object::as_reference).map_err(|e| format!("no catalog: {e}"))?;
    let page_id = *doc.get_pages().get(&1).ok_or("the PDF has no page")?;
    let mut catalog = doc.get_dictionary(catalog_id).map_err(|e| e.to_string())?.clone();
    let mut page = doc.get_dictionary(page_id).map_err(|e| e.to_string())?.clone();
    if catalog.has(b"AcroForm") {
        return Err("the PDF already has a form or a signature; sign the unsigned report".into());
    }
    let mut annots = match page.get(b"Annots") {
        Ok(o) => doc.dereference(o).and_then(|(_, a)| a.as_array()).map_err(|e| e.to_string())?.clone(),
        Err(_) => Vec::new(),
    };
    let mut inc = lopdf::IncrementalDocument::create_from(pdf.to_vec(), doc);
    let new = &mut inc.new_document;
    let sig_id = new.add_object(signature_dictionary(unix_time)?);
    let widget_id = new.add_object(Dictionary::from_iter([
        ("Type", Object::Name(b"Annot".to_vec())),
        ("Subtype", Object::Name(b"Widget".to_vec())),
        ("FT", Object::Name(b"Sig".to_vec())),
        ("Rect", Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()])),
        // Print and Locked (PDF/A wants printable annotations; the zero rectangle needs no appearance).
        ("F", Object::Integer(132)),
        ("T", Object::string_literal("Lineage Audit seal")),
        ("V", Object::Reference(sig_id)),
        ("P", Object::Reference(page_id)),
    ]));
    annots.push(Object::Reference(widget_id));
    page.set("Annots", Object::Array(annots));
    catalog.set(
        "AcroForm",
        Dictionary::from_iter([
            ("Fields", Object::Array(vec![Object::Reference(widget_id)])),
            ("SigFlags", Object::Integer(3)),
        ]),
    );
    new.set_object(page_id, page);
    new.set_object(catalog_id, catalog);
    let mut out = Vec::new();
    inc.save_to(&mut out).map_err(|e| format!("cannot write the update: {e}"))?;
    Ok(out)
}

fn signature_dictionary(unix_time: u64) -> Result<Dictionary, String> {
    let t = der::DateTime::from_unix_duration(std::time::Duration::from_secs(unix_time)).map_err(|e| e.to_string())?;
    let m =
        format!("D:{:04}{:02}{:02}{:02}{:02}{:02}Z", t.year(), t.month(), t.day(), t.hour(), t.minutes(), t.seconds());
    let range: Vec<Object> = RANGE_PLACEHOLDER.split(' ').map(|n| Object::Integer(n.parse().unwrap_or(0))).collect();
    Ok(Dictionary::from_iter([
        ("Type", Object::Name(b"Sig".to_vec())),
        ("Filter", Object::Name(b"Adobe.PPKLite".to_vec())),
        ("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec())),
        ("ByteRange", Object::Array(range)),
        ("Contents", Object::String(vec![0; CAPACITY], StringFormat::Hexadecimal)),
        ("M", Object::string_literal(m)),
    ]))
}

/// The offsets of the `/Contents` placeholder's `<` and just after its `>`.
fn placeholder(out: &[u8]) -> Result<(usize, usize), String> {
    let mut needle = vec![b'<'];
    needle.extend(std::iter::repeat_n(b'0', 2 * CAPACITY));
    needle.push(b'>');
    let b = find(out, &needle).ok_or("the /Contents placeholder is missing")?;
    Ok((b, b + needle.len()))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The CMS SignedData over `digest`, with the signer's chain and (with a timestamp authority) the signature
/// timestamp as an unsigned attribute.
fn signed_data(signer: &Signer, digest: &[u8], tsa: Option<Timestamper<'_>>) -> Result<Vec<u8>, String> {
    let err = |e: &dyn std::fmt::Display| format!("cannot build the signature: {e}");
    let content = EncapsulatedContentInfo { econtent_type: asn1::DATA, econtent: None };
    let sha256 = AlgorithmIdentifierOwned { oid: asn1::SHA256, parameters: None };
    let tbs = signer.cert.tbs_certificate();
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: tbs.issuer().clone(),
        serial_number: tbs.serial_number().clone(),
    });
    let mut info = SignerInfoBuilder::new(sid, sha256.clone(), &content, Some(digest)).map_err(|e| err(&e))?;
    info.add_signed_attribute(signing_certificate_attribute(&signer.cert)?).map_err(|e| err(&e))?;
    let mut builder = SignedDataBuilder::new(&content);
    builder.add_digest_algorithm(sha256).map_err(|e| err(&e))?;
    for cert in std::iter::once(&signer.cert).chain(&signer.chain) {
        builder.add_certificate(CertificateChoices::Certificate(cert.clone())).map_err(|e| err(&e))?;
    }
    let mut stamp_error = None;
    let mut tsa = tsa;
    let mut add_stamp = |si: &mut SignerInfo| -> Result<(), cms::builder::Error> {
        if let Some(ask) = tsa.as_mut() {
            match stamp_attribute(si.signature.as_bytes(), &mut **ask) {
                Ok(attr) => si.unsigned_attrs = Some(SetOfVec::try_from(vec![attr])?),
                Err(e) => {
                    stamp_error = Some(e);
                    return Err(der::Error::from(der::ErrorKind::Failed).into());
                }
            }
        }
        Ok(())
    };
    let built = match &signer.key {
        Key::Rsa(k) => {
            builder.add_signer_info_cb::<_, rsa::pkcs1v15::Signature, _>(info, k, &mut add_stamp).map(|_| ())
        }
        Key::P256(k) => {
            builder.add_signer_info_cb::<_, p256::ecdsa::DerSignature, _>(info, k, &mut add_stamp).map(|_| ())
        }
    };
    if let Some(e) = stamp_error {
        return Err(e);
    }
    built.map_err(|e| err(&e))?;
    builder.build().and_then(|ci| Ok(ci.to_der()?)).map_err(|e| err(&e))
}

fn signing_certificate_attribute(cert: &Certificate) -> Result<Attribute, String> {
    let der = cert.to_der().map_err(|e| e.to_string())?;
    let hash = OctetString::new(Sha256::digest(&der).to_vec()).map_err(|e| e.to_string())?;
    let value = SigningCertificateV2 {
        certs: vec![EssCertIdV2 { hash_algorithm: None, cert_hash: hash, issuer_serial: None }],
        policies: None,
    };
    let any = der::Any::encode_from(&value).map_err(|e| e.to_string())?;
    Ok(Attribute {
        oid: asn1::SIGNING_CERTIFICATE_V2,
        values: SetOfVec::try_from(vec![any]).map_err(|e| e.to_string())?,
    })
}

/// Asks the authority for a token over the SHA-256 of `signature_value`; the unsigned attribute holding it.
fn stamp_attribute(signature_value: &[u8], ask: &mut Ask<'_>) -> Result<Attribute, String> {
    let hashed = Sha256::digest(signature_value);
    let nonce = der::asn1::Int::new(&[&[0x01], &hashed[..8]].concat()).map_err(|e| e.to_string())?;
    let request = TimeStampReq {
        version: 1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned { oid: asn1::SHA256, parameters: None },
            hashed_message: OctetString::new(hashed.to_vec()).map_err(|e| e.to_string())?,
        },
        nonce: Some(nonce),
        cert_req: true,
    };
    let response = ask(&request.to_der().map_err(|e| e.to_string())?)?;
    let response =
        TimeStampResp::from_der(&response).map_err(|e| format!("timestamp authority: not a TimeStampResp: {e}"))?;
    if response.status.status > 1 {
        let why = response.status.status_string.unwrap_or_default().join("; ");
        return Err(format!("timestamp authority refused (status {}): {why}", response.status.status));
    }
    let token = response.time_stamp_token.ok_or("timestamp authority: the response has no token")?;
    Ok(Attribute {
        oid: asn1::SIGNATURE_TIME_STAMP_TOKEN,
        values: SetOfVec::try_from(vec![token]).map_err(|e| e.to_string())?,
    })
}
