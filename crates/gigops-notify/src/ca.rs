//! Private certificate authorities: a PEM file of CA certificates that a channel trusts instead
//! of the Mozilla roots built into gigops, for a server whose certificate a company's own CA
//! signed (an internal mail relay, a self-hosted Slack-compatible chat).
//!
//! The file replaces the built-in roots rather than adding to them: a channel talks to one
//! server, and a channel that names its CA should not also accept any public CA's certificate
//! for that server.

use std::fmt;
use std::path::{Path, PathBuf};

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject};

/// The certificates of a `ca_file`, each checked to be one rustls can verify a server against.
#[derive(Clone)]
pub struct PrivateCa {
    path: PathBuf,
    certificates: Vec<CertificateDer<'static>>,
}

/// Why a `ca_file` cannot be used; `path` is as the settings give it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {reason}", path.display())]
pub struct CaFileError {
    pub path: PathBuf,
    pub reason: String,
}

impl PrivateCa {
    /// Reads every `CERTIFICATE` block of the PEM file at `path`; at least one is required.
    pub fn load(path: &Path) -> Result<PrivateCa, CaFileError> {
        let failed = |reason: String| CaFileError {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| failed(format!("cannot read it: {e}")))?;
        let certificates = CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<Vec<_>, pem::Error>>()
            .map_err(|e| failed(format!("it is not a readable PEM file: {e}")))?;
        if certificates.is_empty() {
            return Err(failed(
                "it holds no PEM certificate (a -----BEGIN CERTIFICATE----- block); convert a \
                 DER file first: openssl x509 -inform der -in ca.der -out ca.pem"
                    .to_string(),
            ));
        }
        // rustls would drop an unparsable root without a word when the connection is made.
        let mut store = RootCertStore::empty();
        for (i, certificate) in certificates.iter().enumerate() {
            if store.add(certificate.clone()).is_err() {
                return Err(failed(format!(
                    "certificate {} of {} in it is not a valid X.509 certificate",
                    i + 1,
                    certificates.len()
                )));
            }
        }
        Ok(PrivateCa {
            path: path.to_path_buf(),
            certificates,
        })
    }

    /// The file the certificates were read from, as the settings name it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The certificates in DER, in the file's order.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certificates
    }
}

impl fmt::Debug for PrivateCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateCa")
            .field("path", &self.path)
            .field("certificates", &self.certificates.len())
            .finish()
    }
}

/// What a TLS failure means for the user when rustls refused the server's certificate: `None`
/// for any other failure. The cause is looked for down `error`'s chain, including inside
/// `std::io::Error`s, which hide their inner error from `source()`.
pub(crate) fn untrusted_certificate(
    error: &(dyn std::error::Error + 'static),
    ca: Option<&PrivateCa>,
) -> Option<String> {
    let refused = certificate_error(error)?;
    let trusted = match ca {
        Some(ca) => format!("the CA certificates in {}", ca.path.display()),
        None => "the built-in Mozilla roots".to_string(),
    };
    let hint = match (refused, ca) {
        (rustls::CertificateError::UnknownIssuer, None) => {
            "; if a private CA signed it, name the CA's PEM file in `ca_file`"
        }
        _ => "",
    };
    Some(format!(
        "the server's TLS certificate is not trusted ({refused}; checked against \
         {trusted}){hint}"
    ))
}

fn certificate_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::CertificateError> {
    let mut current = Some(error);
    while let Some(cause) = current {
        if let Some(rustls::Error::InvalidCertificate(refused)) = cause.downcast_ref() {
            return Some(refused);
        }
        if let Some(inner) = cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            && let Some(found) = certificate_error(inner)
        {
            return Some(found);
        }
        current = cause.source();
    }
    None
}
