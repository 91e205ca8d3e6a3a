//! Outbound notifications of a delivery-gate summary: Slack-compatible incoming webhooks, WeCom
//! (企业微信) group robots and SMTP mail.
//!
//! The caller renders the summary ([`Message`]); this crate shapes it for each channel, sends
//! it, and reports one [`Delivery`] per configured channel. Nothing here panics or returns
//! early: every configured channel is attempted, and a failure is a `Delivery` with `ok: false`
//! whose `detail` says what went wrong.
//!
//! Secrets — webhook URLs and the SMTP password — come from environment variables named in
//! [`NotifyConfig`], through the `env` function the caller passes ([`process_env`] reads the
//! process environment). They appear in no error message, `detail` or Debug output: a webhook
//! is shown as its scheme and host (`https://hooks.slack.com/***`).
//!
//! TLS is rustls with the Mozilla roots built in; a channel whose server has a certificate from
//! a private CA names the CA's PEM file in `ca_file` ([`PrivateCa`]).
//!
//! Sending is async, on tokio: webhooks go through [`HttpClient`] (reqwest), the one outbound
//! HTTP client of gigops, and mail through lettre's tokio transport (docs/http-client.md).

pub mod ca;
pub mod config;
pub mod http;
mod mail;
pub mod slack;
mod webhook;
pub mod wecom;

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use futures_util::future::join_all;
use serde::Serialize;

pub use ca::{CaFileError, PrivateCa};
pub use config::{NotifyConfig, Security, SmtpConfig, WebhookConfig};
pub use http::{HttpClient, HttpSetupError};
pub use slack::{slack_mrkdwn, slack_payload};
pub use webhook::WebhookUrl;
pub use wecom::{WECOM_MARKDOWN_LIMIT, wecom_payload};

use crate::config::{DEFAULT_SLACK_URL_ENV, DEFAULT_WECOM_URL_ENV, load_ca};
use crate::mail::Password;

/// Ends text that was cut to fit a channel's limit.
pub const TRUNCATION_MARKER: &str = "…(truncated)";

/// A gate summary, rendered by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// One line: the mail subject, the Slack header, the first line in WeCom.
    pub title: String,
    /// The summary as Markdown, for the chat channels.
    pub markdown: String,
    /// The summary as plain text (no Markdown syntax), for mail and for Slack's notification
    /// fallback.
    pub text: String,
    /// The summary as an HTML document for mail clients: inline styles, nothing fetched. With
    /// it, mail is `multipart/alternative` (text, then HTML); empty, mail is the text alone.
    pub html: String,
    /// Whether the gate passed; WeCom colours the title by it.
    pub passed: bool,
}

/// A place a message can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Slack,
    Wecom,
    Smtp,
}

impl Channel {
    pub fn name(self) -> &'static str {
        match self {
            Channel::Slack => "slack",
            Channel::Wecom => "wecom",
            Channel::Smtp => "smtp",
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What happened to the message on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub channel: Channel,
    /// The receiver took the message.
    pub ok: bool,
    /// What the receiver answered, or why the message was not delivered.
    pub detail: String,
}

impl Delivery {
    fn from_result(channel: Channel, result: Result<String, NotifyError>) -> Delivery {
        match result {
            Ok(detail) => Delivery {
                channel,
                ok: true,
                detail,
            },
            Err(error) => Delivery {
                channel,
                ok: false,
                detail: error.to_string(),
            },
        }
    }
}

/// Why a message was not delivered. No variant carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("environment variable {var} (the {what}) is not set or is empty; nothing was sent")]
    MissingSecret { var: String, what: &'static str },
    #[error(
        "environment variable {var} does not hold a usable webhook URL: {reason}; nothing was sent"
    )]
    BadSecret { var: String, reason: String },
    #[error("POST {target} failed: {reason}")]
    Transport { target: String, reason: String },
    #[error("{target} answered HTTP {status}: {answer}")]
    Rejected {
        target: String,
        status: u16,
        answer: String,
    },
    #[error("{target} answered HTTP 200 with something other than WeCom's JSON answer: {answer}")]
    UnexpectedAnswer { target: String, answer: String },
    #[error("the WeCom robot refused the message: errcode {errcode}: {errmsg}")]
    WecomRefused { errcode: i64, errmsg: String },
    #[error("SMTP {server}: {reason}")]
    Mail { server: String, reason: String },
    #[error("{0}; nothing was sent")]
    HttpSetup(#[from] HttpSetupError),
    #[error("notify.{channel}.ca_file: {source}; nothing was sent")]
    CaFile {
        channel: Channel,
        #[source]
        source: CaFileError,
    },
    #[error(
        "the {channel} sender stopped unexpectedly (a bug in gigops); the message may not have been sent"
    )]
    SenderPanicked { channel: Channel },
}

/// Reads the process environment: the `env` argument for real runs.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Sends `message` to every configured channel and reports each, in the order slack, wecom,
/// smtp. Secrets and CA files are read first; then the channels are sent at once, so a receiver
/// that never answers delays the gate by one timeout, not one per channel.
///
/// Builds the HTTP client for this one call: a process that sends more than once (the server)
/// builds one [`HttpClient`] and calls [`send_with`].
pub async fn send(
    config: &NotifyConfig,
    message: &Message,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Vec<Delivery> {
    send_through(HttpClient::new().as_ref(), config, message, env).await
}

/// [`send`] through the process's `http` client. A channel with a `ca_file` gets a client of its
/// own that trusts only that CA.
pub async fn send_with(
    http: &HttpClient,
    config: &NotifyConfig,
    message: &Message,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Vec<Delivery> {
    send_through(Ok(http), config, message, env).await
}

async fn send_through(
    http: Shared<'_>,
    config: &NotifyConfig,
    message: &Message,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Vec<Delivery> {
    let mut jobs: Vec<(Channel, Result<Job<'_>, NotifyError>)> = Vec::new();
    if let Some(slack) = &config.slack {
        jobs.push((Channel::Slack, slack_job(slack, env, http)));
    }
    if let Some(wecom) = &config.wecom {
        jobs.push((Channel::Wecom, wecom_job(wecom, env, http)));
    }
    if let Some(smtp) = &config.smtp {
        jobs.push((Channel::Smtp, mail_job(smtp, env)));
    }
    let running = jobs.into_iter().map(|(channel, job)| async move {
        let result = match job {
            // A panic in one channel is that channel's failure, not the caller's.
            Ok(job) => AssertUnwindSafe(job.run(message))
                .catch_unwind()
                .await
                .unwrap_or(Err(NotifyError::SenderPanicked { channel })),
            Err(error) => Err(error),
        };
        Delivery::from_result(channel, result)
    });
    join_all(running).await
}

/// Posts `message` to the Slack incoming webhook whose URL is in `config.url_env` (default
/// GIGOPS_SLACK_WEBHOOK_URL).
pub async fn send_slack(
    config: &WebhookConfig,
    message: &Message,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<String, NotifyError> {
    slack_job(config, env, HttpClient::new().as_ref())?
        .run(message)
        .await
}

/// Posts `message` to the WeCom group robot whose URL is in `config.url_env` (default
/// GIGOPS_WECOM_WEBHOOK_URL).
pub async fn send_wecom(
    config: &WebhookConfig,
    message: &Message,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<String, NotifyError> {
    wecom_job(config, env, HttpClient::new().as_ref())?
        .run(message)
        .await
}

/// Mails `message` through the configured SMTP server, logging in with the password in
/// `config.password_env` (default GIGOPS_SMTP_PASSWORD) when `username` is set.
pub async fn send_mail(
    config: &SmtpConfig,
    message: &Message,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<String, NotifyError> {
    mail_job(config, env)?.run(message).await
}

/// The process's HTTP client, or why it could not be built.
type Shared<'a> = Result<&'a HttpClient, &'a HttpSetupError>;

/// One channel with its secrets, CA file and client ready.
enum Job<'a> {
    Slack(Webhook<'a>),
    Wecom(Webhook<'a>),
    Mail(&'a SmtpConfig, Option<Password>, Option<PrivateCa>),
}

/// A webhook ready to be posted to.
pub(crate) struct Webhook<'a> {
    pub url: WebhookUrl,
    pub config: &'a WebhookConfig,
    /// Trusting the built-in roots, or only the channel's `ca_file`.
    pub http: HttpClient,
}

impl Job<'_> {
    async fn run(self, message: &Message) -> Result<String, NotifyError> {
        match self {
            Job::Slack(hook) => slack::post(&hook, message).await,
            Job::Wecom(hook) => wecom::post(&hook, message).await,
            Job::Mail(config, password, ca) => {
                mail::send(config, password.as_ref(), ca.as_ref(), message).await
            }
        }
    }
}

/// The client a webhook channel posts through: the shared one, or one trusting its `ca_file`.
fn webhook_client(
    channel: Channel,
    config: &WebhookConfig,
    shared: Shared<'_>,
) -> Result<HttpClient, NotifyError> {
    match load_ca(channel, config.ca_file.as_deref())? {
        Some(ca) => Ok(HttpClient::trusting(&ca)?),
        None => Ok(shared.map_err(Clone::clone)?.clone()),
    }
}

fn webhook_url(
    config: &WebhookConfig,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    default_var: &str,
    what: &'static str,
) -> Result<WebhookUrl, NotifyError> {
    let var = config.url_env.as_deref().unwrap_or(default_var);
    WebhookUrl::parse(var, &read_secret(env, var, what)?)
}

fn slack_job<'a>(
    config: &'a WebhookConfig,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    shared: Shared<'_>,
) -> Result<Job<'a>, NotifyError> {
    let url = webhook_url(config, env, DEFAULT_SLACK_URL_ENV, "Slack webhook URL")?;
    let http = webhook_client(Channel::Slack, config, shared)?;
    Ok(Job::Slack(Webhook { url, config, http }))
}

fn wecom_job<'a>(
    config: &'a WebhookConfig,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    shared: Shared<'_>,
) -> Result<Job<'a>, NotifyError> {
    let url = webhook_url(
        config,
        env,
        DEFAULT_WECOM_URL_ENV,
        "WeCom robot's webhook URL",
    )?;
    let http = webhook_client(Channel::Wecom, config, shared)?;
    Ok(Job::Wecom(Webhook { url, config, http }))
}

fn mail_job<'a>(
    config: &'a SmtpConfig,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Job<'a>, NotifyError> {
    let password = match &config.username {
        Some(_) => {
            let value = read_secret(env, config.password_env(), "SMTP password")?;
            // A password stored in a file often ends with its newline; no password does.
            Some(Password(value.trim_end_matches(['\r', '\n']).to_string()))
        }
        None => None,
    };
    let ca = load_ca(Channel::Smtp, config.ca_file.as_deref())?;
    Ok(Job::Mail(config, password, ca))
}

/// An unset variable and an empty one are the same: CI systems hand an empty string to jobs
/// that may not see a secret (pull requests from forks).
fn read_secret(
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    var: &str,
    what: &'static str,
) -> Result<String, NotifyError> {
    env(var)
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| NotifyError::MissingSecret {
            var: var.to_string(),
            what,
        })
}

/// `text` in at most `limit` characters, ending with `marker` when it was cut.
pub(crate) fn truncate_chars(text: &str, limit: usize, marker: &str) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let keep = limit.saturating_sub(marker.chars().count());
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(marker);
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server sends from background jobs, which tokio runs on any of its threads: the
    /// futures must be `Send`. This fails to compile, not to run, when one is not.
    #[test]
    fn sending_can_run_on_any_runtime_thread() {
        fn is_send<T: Send>(_: &T) {}
        let config = NotifyConfig::default();
        let message = Message {
            title: String::new(),
            markdown: String::new(),
            text: String::new(),
            html: String::new(),
            passed: true,
        };
        let http = HttpClient::new().unwrap();
        let env = |_: &str| None;
        is_send(&send(&config, &message, &env));
        is_send(&send_with(&http, &config, &message, &process_env));
        is_send(&send_slack(&WebhookConfig::default(), &message, &env));
        is_send(&send_mail(
            &SmtpConfig {
                host: "127.0.0.1".into(),
                port: None,
                security: Security::None,
                from: "gate@example.com".into(),
                to: vec!["lead@example.com".into()],
                username: None,
                password_env: None,
                timeout_seconds: 1,
                ca_file: None,
            },
            &message,
            &env,
        ));
    }
}
