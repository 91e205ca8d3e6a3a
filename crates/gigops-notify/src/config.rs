//! `[notify]`: which channels a gate summary goes to.
//!
//! Settings name secrets, they never hold them: a webhook URL is a bearer credential (anyone who
//! has it can post to the channel) and gigops.toml is usually committed, so the URL and the SMTP
//! password are read from environment variables whose names are settings. A `url` or `password`
//! key is refused with a message saying so, and the refused value is dropped unread.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::Mailbox;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::ca::PrivateCa;
use crate::{Channel, NotifyError};

/// The variable a Slack webhook URL is read from when `url_env` is not set.
pub const DEFAULT_SLACK_URL_ENV: &str = "GIGOPS_SLACK_WEBHOOK_URL";
/// The variable a WeCom robot's webhook URL is read from when `url_env` is not set.
pub const DEFAULT_WECOM_URL_ENV: &str = "GIGOPS_WECOM_WEBHOOK_URL";
/// The variable the SMTP password is read from when `password_env` is not set.
pub const DEFAULT_SMTP_PASSWORD_ENV: &str = "GIGOPS_SMTP_PASSWORD";
/// How long one network call may take unless `timeout_seconds` says otherwise.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 10;
/// Past this a stuck receiver would hold a CI job for longer than the gate is worth.
pub const MAX_TIMEOUT_SECONDS: u64 = 300;

/// The channels a gate summary is sent to; a channel is configured when its table is present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// A Slack incoming webhook (or a Slack-compatible one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slack: Option<WebhookConfig>,
    /// A WeCom (企业微信) group robot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wecom: Option<WebhookConfig>,
    /// Mail through an SMTP server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp: Option<SmtpConfig>,
}

impl NotifyConfig {
    /// True when no channel is configured, so sending would reach nobody.
    pub fn is_empty(&self) -> bool {
        self.slack.is_none() && self.wecom.is_none() && self.smtp.is_none()
    }

    /// Reads every `ca_file`, so that a missing or broken one is reported before a gate runs
    /// rather than as a failed delivery after it; every problem at once.
    pub fn check(&self) -> Result<(), Vec<NotifyError>> {
        let files = [
            (
                Channel::Slack,
                self.slack.as_ref().and_then(|c| c.ca_file.as_deref()),
            ),
            (
                Channel::Wecom,
                self.wecom.as_ref().and_then(|c| c.ca_file.as_deref()),
            ),
            (
                Channel::Smtp,
                self.smtp.as_ref().and_then(|c| c.ca_file.as_deref()),
            ),
        ];
        let problems: Vec<NotifyError> = files
            .into_iter()
            .filter_map(|(channel, file)| load_ca(channel, file).err())
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// The private CA a channel trusts, if its settings name one.
pub(crate) fn load_ca(
    channel: Channel,
    file: Option<&Path>,
) -> Result<Option<PrivateCa>, NotifyError> {
    file.map(|path| PrivateCa::load(path).map_err(|source| NotifyError::CaFile { channel, source }))
        .transpose()
}

/// An incoming webhook: where its URL comes from and how long to wait for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawWebhookConfig")]
pub struct WebhookConfig {
    /// The environment variable holding the URL; `None` means the channel's default name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_env: Option<String>,
    pub timeout_seconds: u64,
    /// A PEM file of the CA certificates to trust instead of the built-in roots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            url_env: None,
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            ca_file: None,
        }
    }
}

impl WebhookConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_seconds)
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain text on the wire; credentials are refused unless the server is on loopback.
    None,
    /// Upgrade with STARTTLS before anything else is said; a server that does not offer it is
    /// a failure, not a silent downgrade.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, "implicit TLS").
    Tls,
}

impl Security {
    /// The port a server usually listens on for this kind of connection.
    pub fn default_port(self) -> u16 {
        match self {
            Security::None => 25,
            Security::Starttls => 587,
            Security::Tls => 465,
        }
    }
}

/// Mail through one SMTP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSmtpConfig")]
pub struct SmtpConfig {
    pub host: String,
    /// `None` means the usual port for `security`: 25, 587 or 465.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    pub security: Security,
    /// The sender, `addr@example.com` or `Name <addr@example.com>`.
    pub from: String,
    /// The recipients, in the same forms; at least one.
    pub to: Vec<String>,
    /// Log in as this user; without it no AUTH is attempted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The environment variable holding the password; `None` means GIGOPS_SMTP_PASSWORD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    pub timeout_seconds: u64,
    /// A PEM file of the CA certificates to trust instead of the built-in roots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

impl SmtpConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(self.security.default_port())
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_seconds)
    }

    pub fn password_env(&self) -> &str {
        self.password_env
            .as_deref()
            .unwrap_or(DEFAULT_SMTP_PASSWORD_ENV)
    }

    /// `host:port`, as messages show the server.
    pub fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port())
        } else {
            format!("{}:{}", self.host, self.port())
        }
    }

    pub(crate) fn sender(&self) -> Result<Mailbox, String> {
        parse_mailbox("from", &self.from)
    }

    pub(crate) fn recipients(&self) -> Result<Vec<Mailbox>, String> {
        self.to
            .iter()
            .enumerate()
            .map(|(i, to)| parse_mailbox(&format!("to[{i}]"), to))
            .collect()
    }
}

fn default_timeout_seconds() -> u64 {
    DEFAULT_TIMEOUT_SECONDS
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhookConfig {
    /// Accepted only to be refused with a better message than "unknown field".
    #[serde(default)]
    url: Option<IgnoredAny>,
    #[serde(default)]
    url_env: Option<String>,
    #[serde(default = "default_timeout_seconds")]
    timeout_seconds: u64,
    #[serde(default)]
    ca_file: Option<PathBuf>,
}

impl TryFrom<RawWebhookConfig> for WebhookConfig {
    type Error = String;

    fn try_from(raw: RawWebhookConfig) -> Result<Self, String> {
        if raw.url.is_some() {
            return Err(format!(
                "a webhook URL is a secret and is not read from settings: put it in an \
                 environment variable and name that variable in `url_env` (default \
                 {DEFAULT_SLACK_URL_ENV} for slack, {DEFAULT_WECOM_URL_ENV} for wecom)"
            ));
        }
        if let Some(name) = &raw.url_env {
            check_env_name("url_env", name)?;
        }
        check_timeout(raw.timeout_seconds)?;
        check_ca_file(raw.ca_file.as_deref())?;
        Ok(WebhookConfig {
            url_env: raw.url_env,
            timeout_seconds: raw.timeout_seconds,
            ca_file: raw.ca_file,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmtpConfig {
    host: String,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    security: Security,
    from: String,
    to: Vec<String>,
    #[serde(default)]
    username: Option<String>,
    /// Accepted only to be refused with a better message than "unknown field".
    #[serde(default)]
    password: Option<IgnoredAny>,
    #[serde(default)]
    password_env: Option<String>,
    #[serde(default = "default_timeout_seconds")]
    timeout_seconds: u64,
    #[serde(default)]
    ca_file: Option<PathBuf>,
}

impl TryFrom<RawSmtpConfig> for SmtpConfig {
    type Error = String;

    fn try_from(raw: RawSmtpConfig) -> Result<Self, String> {
        if raw.password.is_some() {
            return Err(format!(
                "the SMTP password is a secret and is not read from settings: put it in an \
                 environment variable and name that variable in `password_env` (default \
                 {DEFAULT_SMTP_PASSWORD_ENV})"
            ));
        }
        let host = raw.host.trim();
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err("`host` must be a host name or an IP address".into());
        }
        if raw.port == Some(0) {
            return Err("`port` must be between 1 and 65535".into());
        }
        if let Some(name) = &raw.password_env {
            check_env_name("password_env", name)?;
        }
        if raw.username.as_deref().is_some_and(str::is_empty) {
            return Err("`username` is empty: leave it out to send without logging in".into());
        }
        if raw.username.is_some() && raw.security == Security::None && !is_loopback(host) {
            return Err(format!(
                "`username` with security = \"none\" would send the password to {host} in \
                 clear text: use security = \"starttls\" or \"tls\""
            ));
        }
        check_timeout(raw.timeout_seconds)?;
        check_ca_file(raw.ca_file.as_deref())?;
        if raw.ca_file.is_some() && raw.security == Security::None {
            return Err(
                "`ca_file` with security = \"none\" would never be used, since nothing is \
                 encrypted: use security = \"starttls\" or \"tls\""
                    .into(),
            );
        }
        let config = SmtpConfig {
            host: host.to_string(),
            port: raw.port,
            security: raw.security,
            from: raw.from,
            to: raw.to,
            username: raw.username,
            password_env: raw.password_env,
            timeout_seconds: raw.timeout_seconds,
            ca_file: raw.ca_file,
        };
        config.sender()?;
        if config.to.is_empty() {
            return Err("`to` lists no recipient".into());
        }
        config.recipients()?;
        Ok(config)
    }
}

fn parse_mailbox(key: &str, text: &str) -> Result<Mailbox, String> {
    text.parse::<Mailbox>().map_err(|e| {
        format!("`{key}` = {text:?} is not a mail address (`a@example.com` or `Name <a@example.com>`): {e}")
    })
}

/// Rejects anything that is not a variable name. The value is never echoed: a user who wrote
/// the secret itself where its variable's name belongs would otherwise see it in CI logs.
fn check_env_name(key: &str, name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{key}` must be the name of an environment variable (ASCII letters, digits and \
             underscores, not starting with a digit), not the secret itself"
        ))
    }
}

/// Only the form is checked here: settings are read by every command, and only a command that
/// sends needs the file to exist ([`NotifyConfig::check`]).
fn check_ca_file(path: Option<&Path>) -> Result<(), String> {
    match path {
        Some(path) if path.as_os_str().is_empty() => {
            Err("`ca_file` is empty: leave it out to trust the built-in roots".into())
        }
        _ => Ok(()),
    }
}

fn check_timeout(seconds: u64) -> Result<(), String> {
    if (1..=MAX_TIMEOUT_SECONDS).contains(&seconds) {
        Ok(())
    } else {
        Err(format!(
            "`timeout_seconds` must be between 1 and {MAX_TIMEOUT_SECONDS}, not {seconds}"
        ))
    }
}

/// `localhost`, 127.0.0.0/8 or ::1: a host whose traffic never leaves the machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
