//! Mail through an SMTP server: the title as the subject, and the summary as
//! `multipart/alternative` — the plain text first, then the HTML that mail clients prefer when
//! they can show it (RFC 2046 §5.1.4: the last part is the richest).

use std::io::ErrorKind;
use std::time::{SystemTime, UNIX_EPOCH};

use lettre::message::MultiPart;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::ca::{self, PrivateCa};
use crate::config::{Security, SmtpConfig};
use crate::{Message, NotifyError};

/// The password read from the environment; never shown, not even by Debug.
pub(crate) struct Password(pub(crate) String);

/// The mail as it goes on the wire. Non-ASCII subjects and names are encoded as RFC 2047
/// encoded words and a non-ASCII body as quoted-printable or base64, so any server takes it
/// without the 8BITMIME or SMTPUTF8 extensions.
pub(crate) fn build(config: &SmtpConfig, message: &Message) -> Result<lettre::Message, String> {
    let sender = config.sender()?;
    let message_id = message_id(sender.email.domain());
    let mut builder = lettre::Message::builder()
        .from(sender)
        .message_id(Some(message_id))
        .subject(message.title.trim());
    for recipient in config.recipients()? {
        builder = builder.to(recipient);
    }
    let built = if message.html.trim().is_empty() {
        builder
            .header(ContentType::TEXT_PLAIN)
            .body(message.text.clone())
    } else {
        builder.multipart(MultiPart::alternative_plain_html(
            message.text.clone(),
            message.html.clone(),
        ))
    };
    built.map_err(|e| format!("cannot build the mail: {e}"))
}

/// The TLS settings for `host`: the built-in roots, or only the private CA's certificates.
fn tls_parameters(host: &str, ca: Option<&PrivateCa>) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(host.to_string());
    if let Some(ca) = ca {
        builder = builder.certificate_store(CertificateStore::None);
        for der in ca.certificates() {
            let certificate = Certificate::from_der(der.to_vec())
                .map_err(|e| format!("{}: {e}", ca.path().display()))?;
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|e| format!("TLS setup: {e}"))
}

/// `<time.process.gigops@sender-domain>`: unique per run, and in the sender's domain, which
/// spam filters expect (lettre's own would end in `@localhost` without its hostname feature).
fn message_id(domain: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("<{nanos:x}.{:x}.gigops@{domain}>", std::process::id())
}

/// Sends the mail; `Ok` says what the server answered. The channel's timeout bounds the whole
/// dialogue: lettre's tokio transport applies its own only to connecting.
pub(crate) async fn send(
    config: &SmtpConfig,
    password: Option<&Password>,
    ca: Option<&PrivateCa>,
    message: &Message,
) -> Result<String, NotifyError> {
    let failed = |reason: String| NotifyError::Mail {
        server: config.server(),
        reason,
    };
    let mail = build(config, message).map_err(failed)?;
    let tls = |host: &str| tls_parameters(host, ca).map_err(failed);
    let mut transport =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str())
            .port(config.port())
            .timeout(Some(config.timeout()))
            .tls(match config.security {
                Security::None => Tls::None,
                Security::Starttls => Tls::Required(tls(&config.host)?),
                Security::Tls => Tls::Wrapper(tls(&config.host)?),
            });
    if let (Some(username), Some(password)) = (&config.username, password) {
        transport = transport.credentials(Credentials::new(username.clone(), password.0.clone()));
    }
    let transport = transport.build();
    let response = tokio::time::timeout(config.timeout(), transport.send(mail))
        .await
        .map_err(|_| failed(no_answer(config)))?
        .map_err(|e| failed(describe(&e, config, ca)))?;
    let said = response.message().collect::<Vec<_>>().join(" ");
    let recipients = config.to.len();
    Ok(format!(
        "accepted by {} for {recipients} recipient{} ({} {said})",
        config.server(),
        if recipients == 1 { "" } else { "s" },
        response.code(),
    ))
}

fn no_answer(config: &SmtpConfig) -> String {
    format!("no answer within {} s", config.timeout_seconds)
}

fn describe(
    error: &lettre::transport::smtp::Error,
    config: &SmtpConfig,
    ca: Option<&PrivateCa>,
) -> String {
    if let Some(untrusted) = ca::untrusted_certificate(error, ca) {
        untrusted
    } else if is_timeout(error) {
        no_answer(config)
    } else {
        error.to_string()
    }
}

/// A connection that timed out shows as `TimedOut` (or, from a socket, `WouldBlock`) somewhere down
/// the chain.
fn is_timeout(error: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return matches!(io.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock);
        }
        source = cause.source();
    }
    false
}
