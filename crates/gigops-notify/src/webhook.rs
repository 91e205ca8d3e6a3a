//! Posting JSON to an incoming webhook, with the URL kept out of every message and Debug output.

use std::fmt;
use std::io::ErrorKind;
use std::time::Duration;

use std::sync::Arc;

use ureq::http::Uri;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::config::is_loopback;
use crate::{NotifyError, Webhook, ca};

/// How much of an answer is read: webhook answers are a few bytes, and an endless one must not
/// hold the gate.
const MAX_ANSWER_BYTES: u64 = 64 * 1024;

/// How much of an answer a failure message quotes.
const QUOTED_ANSWER_CHARS: usize = 300;

const USER_AGENT: &str = concat!("gigops/", env!("CARGO_PKG_VERSION"));

/// A webhook URL read from the environment. Its path and query are the credential (Slack's
/// `/services/T…/B…/…`, WeCom's `?key=…`), so only the scheme and host are ever shown.
pub struct WebhookUrl {
    url: String,
    shown: String,
    /// The pieces of the path, query and user info long enough to be a token.
    secret_parts: Vec<String>,
    loopback: bool,
}

impl WebhookUrl {
    /// Checks the value of `var`; errors name the variable, never the value.
    pub fn parse(var: &str, value: &str) -> Result<WebhookUrl, NotifyError> {
        let bad = |reason: &str| NotifyError::BadSecret {
            var: var.to_string(),
            reason: reason.to_string(),
        };
        let url = value.trim();
        let uri: Uri = url
            .parse()
            .map_err(|_| bad("it is not a URL (expected https://host/path)"))?;
        let Some(host) = uri.host() else {
            return Err(bad("it is not a URL (expected https://host/path)"));
        };
        let loopback = is_loopback(host);
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if loopback => {}
            Some("http") => {
                return Err(bad(
                    "it is http://, which would send the secret in clear text; use https://",
                ));
            }
            _ => return Err(bad("only https:// URLs are webhooks")),
        }
        let port = uri.port().map(|p| format!(":{p}")).unwrap_or_default();
        let shown = format!("{}://{host}{port}/***", uri.scheme_str().unwrap_or("https"));
        let user_info = uri
            .authority()
            .and_then(|a| a.as_str().rsplit_once('@'))
            .map_or("", |(info, _)| info);
        let path_and_query = uri.path_and_query().map_or("", |p| p.as_str());
        let secret_parts = [user_info, path_and_query]
            .iter()
            .flat_map(|s| s.split(['/', '?', '&', '=', '#', ':']))
            .filter(|part| part.len() >= 8)
            .map(str::to_string)
            .collect();
        Ok(WebhookUrl {
            url: url.to_string(),
            shown,
            secret_parts,
            loopback,
        })
    }

    /// `https://hooks.slack.com/***`.
    pub fn masked(&self) -> &str {
        &self.shown
    }

    /// `text` with every part of the URL that could be the credential replaced by `***`, for
    /// quoting error messages and answers that might echo the request.
    fn redact(&self, text: &str) -> String {
        let mut redacted = text.replace(&self.url, &self.shown);
        for part in &self.secret_parts {
            redacted = redacted.replace(part.as_str(), "***");
        }
        redacted
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WebhookUrl").field(&self.shown).finish()
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// What the receiver answered.
pub(crate) struct Answer {
    pub status: u16,
    pub body: String,
}

/// POSTs `body` as JSON; any HTTP status is an answer, only a failure to get one is an error.
pub(crate) fn post_json(
    hook: &Webhook<'_>,
    body: &serde_json::Value,
) -> Result<Answer, NotifyError> {
    let url = &hook.url;
    let timeout = hook.config.timeout();
    let failed = |reason: String| NotifyError::Transport {
        target: url.masked().to_string(),
        reason,
    };
    let describe = |error: ureq::Error| {
        // ureq's error names no source: the TLS failure is the error it wraps.
        let cause: Option<&(dyn std::error::Error + 'static)> = match &error {
            ureq::Error::Io(e) => Some(e),
            ureq::Error::Rustls(e) => Some(e),
            _ => None,
        };
        cause
            .and_then(|cause| ca::untrusted_certificate(cause, hook.ca.as_ref()))
            .unwrap_or_else(|| describe(url, error, timeout))
    };
    let roots = match &hook.ca {
        Some(ca) => RootCerts::Specific(Arc::new(
            ca.certificates()
                .iter()
                .map(|der| Certificate::from_der(der).to_owned())
                .collect(),
        )),
        None => RootCerts::WebPki,
    };
    let mut config = ureq::Agent::config_builder()
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        // A redirected POST would either be dropped or replayed as a GET: report it instead.
        .max_redirects(0)
        .user_agent(USER_AGENT);
    if url.loopback {
        // No proxy can reach this machine's loopback; HTTPS_PROXY in CI must not break it.
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config.build().into();
    let payload = serde_json::to_vec(body).map_err(|e| failed(e.to_string()))?;
    let mut response = agent
        .post(&url.url)
        .header("Content-Type", "application/json; charset=utf-8")
        .send(&payload[..])
        .map_err(|e| failed(describe(e)))?;
    let status = response.status().as_u16();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_vec()
        .map_err(|e| failed(describe(e)))?;
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// The answer as a failure message quotes it: redacted, on one line, at most a few hundred
/// characters.
pub(crate) fn quote_answer(url: &WebhookUrl, body: &str) -> String {
    let one_line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "(empty body)".to_string();
    }
    let mut quoted: String = url.redact(&one_line);
    if quoted.chars().count() > QUOTED_ANSWER_CHARS {
        quoted = quoted.chars().take(QUOTED_ANSWER_CHARS).collect();
        quoted.push('…');
    }
    quoted
}

fn describe(url: &WebhookUrl, error: ureq::Error, timeout: Duration) -> String {
    match error {
        ureq::Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs()),
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
            "connection refused".to_string()
        }
        ureq::Error::Io(e) if e.kind() == ErrorKind::TimedOut => {
            format!("no answer within {} s", timeout.as_secs())
        }
        ureq::Error::Io(e) => url.redact(&e.to_string()),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::BodyExceedsLimit(_) => {
            format!("the answer is longer than {MAX_ANSWER_BYTES} bytes")
        }
        // Other errors can quote the URI they failed on.
        other => url.redact(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLACK: &str = "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/s3cr3tT0kenValue";
    const WECOM: &str =
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

    #[test]
    fn shows_scheme_and_host_only() {
        let slack = WebhookUrl::parse("V", SLACK).unwrap();
        assert_eq!(slack.masked(), "https://hooks.slack.com/***");
        assert_eq!(
            format!("{slack:?}"),
            r#"WebhookUrl("https://hooks.slack.com/***")"#
        );
        assert_eq!(slack.to_string(), "https://hooks.slack.com/***");
        let local = WebhookUrl::parse("V", "http://127.0.0.1:8099/hook?key=abc").unwrap();
        assert_eq!(local.masked(), "http://127.0.0.1:8099/***");
    }

    #[test]
    fn redacts_every_secret_looking_part() {
        let wecom = WebhookUrl::parse("V", WECOM).unwrap();
        let echoed = format!("bad uri: {WECOM} (key 693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa)");
        let redacted = wecom.redact(&echoed);
        assert!(!redacted.contains("693a91f6"), "{redacted}");
        assert!(
            redacted.contains("https://qyapi.weixin.qq.com/***"),
            "{redacted}"
        );
        let slack = WebhookUrl::parse("V", SLACK).unwrap();
        let redacted = slack.redact("POST /services/T0123ABCD/B0456EFGH/s3cr3tT0kenValue");
        for secret in ["T0123ABCD", "B0456EFGH", "s3cr3tT0kenValue"] {
            assert!(!redacted.contains(secret), "{redacted}");
        }
        let with_user = WebhookUrl::parse("V", "https://robot:hunter2hunter2@h.example/x").unwrap();
        assert_eq!(with_user.redact("robot:hunter2hunter2"), "robot:***");
    }

    #[test]
    fn refuses_clear_text_and_non_urls_without_echoing_them() {
        for value in [
            "http://hooks.example.com/s3cr3tT0kenValue",
            "ftp://hooks.example.com/s3cr3tT0kenValue",
            "s3cr3tT0kenValue",
            "",
        ] {
            let error = WebhookUrl::parse("GIGOPS_SLACK_WEBHOOK_URL", value).unwrap_err();
            let message = error.to_string();
            assert!(message.contains("GIGOPS_SLACK_WEBHOOK_URL"), "{message}");
            assert!(!message.contains("s3cr3t"), "{message}");
        }
        assert!(WebhookUrl::parse("V", "http://localhost:9/x").is_ok());
        assert!(WebhookUrl::parse("V", "http://[::1]:9/x").is_ok());
    }
}
