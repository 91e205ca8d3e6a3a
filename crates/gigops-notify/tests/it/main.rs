//! Notifications sent to real receivers on loopback: the exact JSON each webhook is posted, the
//! mail an SMTP server is handed (in clear text and over TLS), and every way a delivery fails —
//! reported, never panicking, never quoting a secret.

mod config;
mod mail;
mod receivers;
mod send;
mod tls;
mod webhooks;

use gigops_notify::Message;

/// A secret-looking token that must never appear in a detail or an error.
const TOKEN: &str = "XoXoS3cr3tT0ken42";

fn passed_summary() -> Message {
    Message {
        title: "gigops gate: passed".into(),
        markdown: "### ✅ gigops gate: **passed**\n\n**Coverage** 81.5% · [report](https://ci.example.com/r/1)".into(),
        text: "gigops gate: passed\nCoverage 81.5%, p95 < 2 ms".into(),
        html: String::new(),
        passed: true,
    }
}

/// An environment holding only the given variables.
fn env_with(vars: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn assert_no_token(text: &str) {
    assert!(!text.contains(TOKEN), "a secret leaked into: {text}");
}
