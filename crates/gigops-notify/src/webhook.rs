//! Posting JSON to an incoming webhook, with the URL kept out of every message and Debug output.

use std::fmt;
use std::io::ErrorKind;
use std::time::Duration;

use reqwest::Url;

use crate::config::is_loopback;
use crate::http::{self, ReadError};
use crate::{NotifyError, Webhook, ca};

/// How much of an answer is read: webhook answers are a few bytes, and an endless one must not
/// hold the gate.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// How much of an answer a failure message quotes.
const QUOTED_ANSWER_CHARS: usize = 300;

/// A webhook URL read from the environment. Its path and query are the credential (Slack's
/// `/services/T…/B…/…`, WeCom's `?key=…`), so only the scheme and host are ever shown.
pub struct WebhookUrl {
    /// As the variable holds it (trimmed).
    raw: String,
    /// As it is sent: parsed once, so that what was checked is what is posted to.
    url: Url,
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
        let raw = value.trim();
        // The parser's own error could quote the value: it is replaced, not wrapped.
        let url =
            Url::parse(raw).map_err(|_| bad("it is not a URL (expected https://host/path)"))?;
        let Some(host) = url.host_str() else {
            return Err(bad("it is not a URL (expected https://host/path)"));
        };
        let loopback = is_loopback(host);
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(bad(
                    "it is http://, which would send the secret in clear text; use https://",
                ));
            }
            _ => return Err(bad("only https:// URLs are webhooks")),
        }
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let shown = format!("{}://{host}{port}/***", url.scheme());
        let user_info = format!("{}:{}", url.username(), url.password().unwrap_or_default());
        let secret_parts = [
            user_info.as_str(),
            url.path(),
            url.query().unwrap_or_default(),
        ]
        .iter()
        .flat_map(|s| s.split(['/', '?', '&', '=', '#', ':']))
        .filter(|part| part.len() >= 8)
        .map(str::to_string)
        .collect();
        Ok(WebhookUrl {
            raw: raw.to_string(),
            url,
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
        let mut redacted = text
            .replace(self.url.as_str(), &self.shown)
            .replace(&self.raw, &self.shown);
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
/// The channel's timeout bounds the whole exchange, reading the answer included.
pub(crate) async fn post_json(
    hook: &Webhook<'_>,
    body: &serde_json::Value,
) -> Result<Answer, NotifyError> {
    let url = &hook.url;
    let timeout = hook.config.timeout();
    let failed = |reason: String| NotifyError::Transport {
        target: url.masked().to_string(),
        reason,
    };
    let payload = serde_json::to_vec(body).map_err(|e| failed(e.to_string()))?;
    let response = hook
        .http
        .post(
            &url.url,
            url.loopback,
            "application/json; charset=utf-8",
            payload,
            timeout,
        )
        .await
        .map_err(|e| failed(describe(hook, &e, timeout)))?;
    let status = response.status().as_u16();
    let bytes = http::read_bounded(response, MAX_ANSWER_BYTES)
        .await
        .map_err(|e| match e {
            ReadError::TooLong { .. } => failed(e.to_string()),
            ReadError::Transport(e) => failed(describe(hook, &e, timeout)),
        })?;
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

/// Why no answer came, in a few words and without the URL. reqwest's own message names the
/// URL and says only "error sending request": the cause is further down the chain.
fn describe(hook: &Webhook<'_>, error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("no answer within {} s", timeout.as_secs());
    }
    if let Some(untrusted) = ca::untrusted_certificate(error, hook.http.private_ca()) {
        return untrusted;
    }
    let mut innermost: &(dyn std::error::Error + 'static) = error;
    let mut current = Some(innermost);
    while let Some(cause) = current {
        innermost = cause;
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            match io.kind() {
                ErrorKind::ConnectionRefused => return "connection refused".to_string(),
                ErrorKind::TimedOut => {
                    return format!("no answer within {} s", timeout.as_secs());
                }
                _ => {}
            }
            // rustls's error, say, inside an io::Error, which hides it from `source()`.
            if let Some(inner) = io.get_ref() {
                innermost = inner;
                if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                    return hook.url.redact(&tls.to_string());
                }
            }
        }
        current = cause.source();
    }
    // hyper-util's resolver failure says "dns error" above the system's own words.
    if format!("{error:?}").contains("dns error") {
        return "host not found".to_string();
    }
    hook.url.redact(&innermost.to_string())
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
