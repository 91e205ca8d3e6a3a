use std::time::{Duration, Instant};

use gigops_notify::{Channel, NotifyConfig, Security, SmtpConfig, WebhookConfig, send};
use serde_json::json;

use crate::receivers::{HttpReceiver, HttpReply, SmtpBehaviour, SmtpReceiver};
use crate::{TOKEN, assert_no_token, env_with, passed_summary};

fn smtp(port: u16, username: Option<&str>, timeout_seconds: u64) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: Security::None,
        from: "gate@example.com".into(),
        to: vec!["lead@example.com".into()],
        username: username.map(str::to_string),
        password_env: None,
        timeout_seconds,
        ca_file: None,
    }
}

#[tokio::test]
async fn every_configured_channel_is_sent_and_reported_in_order() {
    let slack = HttpReceiver::answering(vec![HttpReply::new(200, "text/html", "ok")]);
    let wecom = HttpReceiver::answering(vec![HttpReply::new(
        200,
        "application/json",
        r#"{"errcode":0,"errmsg":"ok"}"#,
    )]);
    let mail = SmtpReceiver::start(SmtpBehaviour::default());
    let config = NotifyConfig {
        slack: Some(WebhookConfig::default()),
        wecom: Some(WebhookConfig::default()),
        smtp: Some(smtp(mail.port, None, 10)),
    };
    let env = env_with(&[
        (
            "GIGOPS_SLACK_WEBHOOK_URL",
            slack.url(&format!("/services/{TOKEN}")),
        ),
        (
            "GIGOPS_WECOM_WEBHOOK_URL",
            wecom.url(&format!("/send?key={TOKEN}")),
        ),
    ]);

    let deliveries = send(&config, &passed_summary(), &env).await;

    let channels: Vec<Channel> = deliveries.iter().map(|d| d.channel).collect();
    assert_eq!(channels, [Channel::Slack, Channel::Wecom, Channel::Smtp]);
    for delivery in &deliveries {
        assert!(delivery.ok, "{delivery:?}");
        assert_no_token(&delivery.detail);
    }
    assert_eq!(
        serde_json::to_value(&deliveries[2]).unwrap(),
        json!({
            "channel": "smtp",
            "ok": true,
            "detail": format!(
                "accepted by 127.0.0.1:{} for 1 recipient (250 2.0.0 Ok: queued as TEST1)",
                mail.port
            ),
        })
    );
    slack.next_request();
    wecom.next_request();
    assert_eq!(mail.session().commands[1], "MAIL FROM:<gate@example.com>");
}

#[tokio::test]
async fn a_missing_secret_is_reported_per_channel_and_nothing_is_sent() {
    let mail = SmtpReceiver::start(SmtpBehaviour {
        offer_auth: true,
        ..SmtpBehaviour::default()
    });
    let config = NotifyConfig {
        slack: Some(WebhookConfig::default()),
        wecom: Some(WebhookConfig {
            url_env: Some("TEAM_WECOM_HOOK".into()),
            ..WebhookConfig::default()
        }),
        smtp: Some(smtp(mail.port, Some("gate"), 10)),
    };
    // An empty value is how CI hands a secret to a job that may not see it.
    let env = env_with(&[("GIGOPS_SLACK_WEBHOOK_URL", "  ".to_string())]);

    let deliveries = send(&config, &passed_summary(), &env).await;

    let details: Vec<(bool, &str)> = deliveries
        .iter()
        .map(|d| (d.ok, d.detail.as_str()))
        .collect();
    assert_eq!(
        details,
        [
            (
                false,
                "environment variable GIGOPS_SLACK_WEBHOOK_URL (the Slack webhook URL) is not \
                 set or is empty; nothing was sent"
            ),
            (
                false,
                "environment variable TEAM_WECOM_HOOK (the WeCom robot's webhook URL) is not set \
                 or is empty; nothing was sent"
            ),
            (
                false,
                "environment variable GIGOPS_SMTP_PASSWORD (the SMTP password) is not set or is \
                 empty; nothing was sent"
            ),
        ]
    );
    mail.assert_no_connection();
}

#[tokio::test]
async fn channels_are_sent_at_once_so_timeouts_do_not_add_up() {
    let slack = HttpReceiver::silent();
    let wecom = HttpReceiver::silent();
    let mail = SmtpReceiver::start(SmtpBehaviour {
        silent: true,
        ..SmtpBehaviour::default()
    });
    let one_second = WebhookConfig {
        timeout_seconds: 1,
        ..WebhookConfig::default()
    };
    let config = NotifyConfig {
        slack: Some(one_second.clone()),
        wecom: Some(one_second),
        smtp: Some(smtp(mail.port, None, 1)),
    };
    let env = env_with(&[
        ("GIGOPS_SLACK_WEBHOOK_URL", slack.url("/hook")),
        ("GIGOPS_WECOM_WEBHOOK_URL", wecom.url("/hook")),
    ]);

    let started = Instant::now();
    let deliveries = send(&config, &passed_summary(), &env).await;
    let elapsed = started.elapsed();

    assert!(
        deliveries
            .iter()
            .all(|d| !d.ok && d.detail.contains("no answer within 1 s"))
    );
    // One after the other they would take at least 3 s.
    assert!(elapsed < Duration::from_millis(2500), "took {elapsed:?}");
}

#[tokio::test]
async fn nothing_configured_sends_nothing() {
    let config = NotifyConfig::default();

    assert!(config.is_empty());
    assert_eq!(send(&config, &passed_summary(), &|_| None).await, []);
}
