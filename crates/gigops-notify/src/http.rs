//! The outbound HTTP client: every request gigops makes to an address a user gave goes through
//! [`HttpClient`] — the webhooks here, and next the SLA probes, the Prometheus API and billing's
//! outbound webhooks (docs/http-client.md says why it is reqwest on tokio, and the rules).
//!
//! What it settles once, so that no caller forgets it:
//!
//! - TLS is rustls with the *ring* provider (the one lettre uses: no aws-lc-rs, no OpenSSL),
//!   trusting the Mozilla roots built into gigops, or only a private CA's certificates.
//! - Redirects are never followed: a redirected POST would be dropped or replayed as a GET, and
//!   a probe must check every hop itself. A 3xx is an answer like any other.
//! - The proxy comes from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`),
//!   except for loopback hosts, which no proxy can reach.
//! - A connection must be made within [`CONNECT_TIMEOUT`]; the caller gives each request its
//!   whole deadline (connecting, sending, the answer's head and body), see [`HttpClient::post`].
//! - Answers are untrusted: [`read_bounded`] reads at most a given number of bytes of a body and
//!   stops there, whatever the server sends or announces.
//!
//! An `HttpClient` holds connection pools: build one per process (per trust: one for the built-in
//! roots, one per private CA) and clone it, which is cheap.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Client, Response};
use rustls::RootCertStore;

use crate::ca::PrivateCa;

/// Sent with every request.
pub const USER_AGENT: &str = concat!("gigops/", env!("CARGO_PKG_VERSION"));

/// How long making a TCP connection may take, whatever the request's own deadline: a host that
/// does not answer SYNs should fail fast rather than hold a probe slot.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The client every outbound request goes through; cheap to clone (the pools are shared).
#[derive(Clone, Debug)]
pub struct HttpClient {
    /// Through the proxy the environment names, if any.
    proxied: Client,
    /// Without any proxy: for loopback hosts.
    direct: Client,
    /// The certificates trusted: `None` for the built-in Mozilla roots.
    ca: Option<Arc<PrivateCa>>,
}

/// Why the client could not be set up (in practice: the proxy variables name no usable proxy).
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot set up the HTTP client: {0}")]
pub struct HttpSetupError(String);

impl HttpClient {
    /// A client trusting the Mozilla roots built into gigops (webpki-roots).
    pub fn new() -> Result<HttpClient, HttpSetupError> {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        Self::with_roots(roots, None)
    }

    /// A client trusting only `ca`'s certificates, not the built-in roots: a channel that names
    /// its server's CA should not also accept any public CA's certificate for that server.
    pub fn trusting(ca: &PrivateCa) -> Result<HttpClient, HttpSetupError> {
        let mut roots = RootCertStore::empty();
        // PrivateCa::load checked that each one is accepted.
        let (_, _) = roots.add_parsable_certificates(ca.certificates().iter().cloned());
        Self::with_roots(roots, Some(Arc::new(ca.clone())))
    }

    fn with_roots(
        roots: RootCertStore,
        ca: Option<Arc<PrivateCa>>,
    ) -> Result<HttpClient, HttpSetupError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| HttpSetupError(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let builder = |proxied: bool| {
            let builder = Client::builder()
                .tls_backend_preconfigured(tls.clone())
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(CONNECT_TIMEOUT)
                .user_agent(USER_AGENT);
            let builder = if proxied { builder } else { builder.no_proxy() };
            builder.build().map_err(|e| HttpSetupError(e.to_string()))
        };
        Ok(HttpClient {
            proxied: builder(true)?,
            direct: builder(false)?,
            ca,
        })
    }

    /// The private CA this client trusts instead of the built-in roots, if any.
    pub fn private_ca(&self) -> Option<&PrivateCa> {
        self.ca.as_deref()
    }

    /// The reqwest client for a host: without a proxy when the host is on loopback.
    pub fn client(&self, loopback: bool) -> &Client {
        if loopback {
            &self.direct
        } else {
            &self.proxied
        }
    }

    /// POSTs `body` with `content_type`; `timeout` bounds the whole exchange, the answer's body
    /// included (read it with [`read_bounded`] before the deadline passes).
    pub async fn post(
        &self,
        url: &reqwest::Url,
        loopback: bool,
        content_type: &str,
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<Response, reqwest::Error> {
        self.client(loopback)
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .timeout(timeout)
            .send()
            .await
    }
}

/// Why a body was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The server announced, or sent, more than the limit; the rest was not read.
    #[error("the answer is longer than {limit} bytes")]
    TooLong { limit: usize },
    #[error(transparent)]
    Transport(#[from] reqwest::Error),
}

/// Reads at most `limit` bytes of `response`'s body. A body announced or found to be longer is
/// an error, and the rest of it is not read: the connection is dropped with the response.
pub async fn read_bounded(mut response: Response, limit: usize) -> Result<Vec<u8>, ReadError> {
    if response
        .content_length()
        .is_some_and(|announced| announced > limit as u64)
    {
        return Err(ReadError::TooLong { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLong { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
