//! Sign-off checks: does what was signed still match what is on file?

use jiff::Timestamp;
use serde::Serialize;

use crate::accept::sha256_hex;
use crate::model::Signature;

/// Each signature checked against the SOW source and the rendered document as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// SHA-256 of the source as given now.
    pub source_sha256: String,
    /// SHA-256 of the rendered document as given now.
    pub document_sha256: String,
    pub signatures: Vec<SignatureCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureCheck {
    pub signer: String,
    pub role: String,
    pub signed_at: Timestamp,
    /// The source is byte for byte what this signer signed.
    pub source_matches: bool,
    /// The document this signer read is at hand byte for byte: rendered again now, or kept
    /// when it was signed.
    pub document_matches: bool,
    /// This gigops still renders that document from the source. False with a matching document
    /// when only the kept copy shows it (another gigops version's templates render the SOW
    /// differently; the signature still stands).
    pub renders_same: bool,
}

impl Verification {
    /// At least one signature, and every signature matches both the source and the document.
    pub fn intact(&self) -> bool {
        !self.signatures.is_empty()
            && self
                .signatures
                .iter()
                .all(|s| s.source_matches && s.document_matches)
    }
}

/// Checks `signatures` against the SOW `source` and the `rendered_document` (the HTML the
/// signers read, rendered now), and against `kept_documents`: copies of documents as they were
/// signed, which stand in for the rendering when a signer's document no longer renders the same.
pub fn verify(
    source: &[u8],
    rendered_document: &[u8],
    kept_documents: &[Vec<u8>],
    signatures: &[Signature],
) -> Verification {
    let source_sha256 = sha256_hex(source);
    let document_sha256 = sha256_hex(rendered_document);
    let kept: Vec<String> = kept_documents.iter().map(|d| sha256_hex(d)).collect();
    let signatures = signatures
        .iter()
        .map(|s| {
            let renders_same = s.document_sha256.eq_ignore_ascii_case(&document_sha256);
            SignatureCheck {
                signer: s.signer.clone(),
                role: s.role.clone(),
                signed_at: s.signed_at,
                source_matches: s.source_sha256.eq_ignore_ascii_case(&source_sha256),
                document_matches: renders_same
                    || kept
                        .iter()
                        .any(|k| s.document_sha256.eq_ignore_ascii_case(k)),
                renders_same,
            }
        })
        .collect();
    Verification {
        source_sha256,
        document_sha256,
        signatures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_core::Lang;

    fn signed(source: &[u8], document: &[u8]) -> Signature {
        Signature {
            signer: "John Roe".into(),
            role: "client".into(),
            signed_at: "2027-01-03T10:00:00Z".parse().unwrap(),
            source_sha256: sha256_hex(source),
            document_sha256: sha256_hex(document),
            lang: Lang::En,
        }
    }

    #[test]
    fn an_unchanged_source_verifies_and_one_changed_byte_does_not() {
        let source = b"id: acme\ntotal: \"12000.00\"\n".to_vec();
        let document = b"<html>SOW</html>".to_vec();
        let signatures = [signed(&source, &document)];
        assert!(verify(&source, &document, &[], &signatures).intact());

        let mut tampered = source.clone();
        tampered[source.len() - 3] = b'1';
        let v = verify(&tampered, &document, &[], &signatures);
        assert!(!v.intact());
        assert!(!v.signatures[0].source_matches);
        assert!(v.signatures[0].document_matches);

        let v = verify(&source, b"<html>SOW!</html>", &[], &signatures);
        assert!(!v.intact());
        assert!(!v.signatures[0].document_matches);
        assert!(!verify(&source, &document, &[], &[]).intact());
    }

    #[test]
    fn a_kept_copy_stands_in_for_a_document_that_renders_differently_now() {
        let source = b"id: acme\n".to_vec();
        let signed_then = b"<html>SOW, old template</html>".to_vec();
        let signatures = [signed(&source, &signed_then)];
        let now = b"<html>SOW, new template</html>";

        let v = verify(
            &source,
            now,
            std::slice::from_ref(&signed_then),
            &signatures,
        );
        assert!(v.intact());
        assert!(v.signatures[0].document_matches && !v.signatures[0].renders_same);

        // A copy that was changed is no copy of what was signed.
        let edited = b"<html>SOW, old template!</html>".to_vec();
        assert!(!verify(&source, now, &[edited], &signatures).intact());
        assert!(!verify(&source, now, &[], &signatures).intact());
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
