//! Whole TLS sessions over loopback: SMTP with STARTTLS and with implicit TLS, and HTTPS
//! webhooks, each against a server whose certificate a private CA made for the test signed.
//! Trusting that CA through `ca_file`, the message arrives; without it (the built-in Mozilla
//! roots), the same server is refused before anything is sent.

use std::path::PathBuf;

use gigops_notify::{
    Channel, Message, NotifyConfig, Security, SmtpConfig, WebhookConfig, send, send_mail,
    send_slack,
};

use crate::receivers::{
    HttpReceiver, HttpReply, SmtpBehaviour, SmtpReceiver, SmtpSession, SmtpTls, TestCa,
    decode_encoded_words, mail_body, mail_header, mail_parts,
};
use crate::{TOKEN, assert_no_token, env_with};

/// A summary as the CLI hands it over: plain text without Markdown, and an HTML document.
fn failed_summary() -> Message {
    Message {
        title: "交付门禁未通过：v1.4.0-rc.2".into(),
        markdown: "### ❌ 交付证据：门禁未通过\n\n**测试** 120 (118 通过 · 2 失败)".into(),
        text: "❌ 交付证据：门禁未通过\n\n测试 120 (118 通过 · 2 失败 · 0 跳过)\n\n\
               结果      规则            实测     阈值\n\
               ───────────────────────────────────\n\
               ❌ 未通过  tests.failed    2        0"
            .into(),
        html: "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head>\
               <body style=\"margin:0\"><h3 style=\"color:#c53030\">❌ 交付证据：门禁未通过</h3>\
               <p><strong>测试</strong> 120 (118 通过 · 2 失败)</p></body></html>"
            .into(),
        passed: false,
    }
}

fn smtp_config(port: u16, security: Security, ca_file: Option<PathBuf>) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security,
        from: "交付门禁 <gate@example.com>".into(),
        to: vec!["lead@example.com".into()],
        username: Some("gate".into()),
        password_env: None,
        timeout_seconds: 10,
        ca_file,
    }
}

fn password_env() -> impl Fn(&str) -> Option<String> {
    env_with(&[("GIGOPS_SMTP_PASSWORD", TOKEN.to_string())])
}

/// The mail arrived whole, and nothing but the greeting and the upgrade went in clear text.
fn assert_mail_arrived_over_tls(session: &SmtpSession, message: &Message) {
    let tls_from = session.tls_from.expect("the session never turned to TLS");
    let in_clear: Vec<&str> = session
        .commands_in_clear()
        .iter()
        .map(|c| c.split_whitespace().next().unwrap_or_default())
        .collect();
    assert!(
        in_clear
            .iter()
            .all(|verb| ["EHLO", "STARTTLS"].contains(verb)),
        "sent before TLS: {:?}",
        session.commands_in_clear()
    );
    assert!(
        session.commands[tls_from..]
            .iter()
            .any(|c| c.starts_with("MAIL FROM:")),
        "{:?}",
        session.commands
    );
    assert_eq!(session.login, Some(("gate".into(), TOKEN.into())));

    let mail = &session.data;
    assert_eq!(
        decode_encoded_words(&mail_header(mail, "Subject").unwrap()),
        message.title
    );
    let content_type = mail_header(mail, "Content-Type").unwrap();
    assert!(
        content_type.starts_with("multipart/alternative;"),
        "{content_type}"
    );
    let parts = mail_parts(mail);
    let types: Vec<String> = parts
        .iter()
        .map(|p| mail_header(p, "Content-Type").unwrap())
        .collect();
    // The last part is the one a client shows when it can.
    assert_eq!(
        types,
        ["text/plain; charset=utf-8", "text/html; charset=utf-8"]
    );
    let (text, html) = (mail_body(&parts[0]), mail_body(&parts[1]));
    assert_eq!(text, message.text);
    assert_eq!(html, message.html);
    assert!(
        html.contains("门禁未通过") && html.contains("118"),
        "{html}"
    );
    for markdown in ["**", "###", "|---", "`"] {
        assert!(!text.contains(markdown), "{markdown} in the text part");
    }
}

#[tokio::test]
async fn mail_over_starttls_to_a_server_of_the_private_ca_arrives_with_both_parts() {
    let ca = TestCa::new("Example Corp Mail CA");
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        offer_auth: true,
        tls: SmtpTls::Starttls(ca.loopback_server()),
        ..SmtpBehaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let config = smtp_config(
        receiver.port,
        Security::Starttls,
        Some(ca.write_pem(dir.path())),
    );
    let message = failed_summary();

    let detail = send_mail(&config, &message, &password_env()).await.unwrap();

    let session = receiver.session();
    assert_eq!(session.tls_failure, None);
    assert_eq!(
        session.commands_in_clear(),
        ["EHLO [127.0.0.1]", "STARTTLS"]
    );
    assert_mail_arrived_over_tls(&session, &message);
    assert!(detail.starts_with("accepted by 127.0.0.1:"), "{detail}");
    assert_no_token(&detail);
}

#[tokio::test]
async fn mail_over_implicit_tls_to_a_server_of_the_private_ca_arrives_with_both_parts() {
    let ca = TestCa::new("Example Corp Mail CA");
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        offer_auth: true,
        tls: SmtpTls::Implicit(ca.loopback_server()),
        ..SmtpBehaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let config = smtp_config(receiver.port, Security::Tls, Some(ca.write_pem(dir.path())));
    let message = failed_summary();

    send_mail(&config, &message, &password_env()).await.unwrap();

    let session = receiver.session();
    assert_eq!(session.tls_from, Some(0), "not TLS from the first byte");
    assert_mail_arrived_over_tls(&session, &message);
}

#[tokio::test]
async fn without_the_private_ca_the_mail_server_is_refused_before_the_password_is_sent() {
    for security in [Security::Starttls, Security::Tls] {
        let ca = TestCa::new("Example Corp Mail CA");
        let tls = match security {
            Security::Starttls => SmtpTls::Starttls(ca.loopback_server()),
            _ => SmtpTls::Implicit(ca.loopback_server()),
        };
        let receiver = SmtpReceiver::start(SmtpBehaviour {
            offer_auth: true,
            tls,
            ..SmtpBehaviour::default()
        });
        let config = smtp_config(receiver.port, security, None);

        let error = send_mail(&config, &failed_summary(), &password_env())
            .await
            .unwrap_err();

        assert_eq!(
            error.to_string(),
            format!(
                "SMTP 127.0.0.1:{}: the server's TLS certificate is not trusted (UnknownIssuer; \
                 checked against the built-in Mozilla roots); if a private CA signed it, name \
                 the CA's PEM file in `ca_file`",
                receiver.port
            ),
            "{security:?}"
        );
        let session = receiver.session();
        // The client says why it hung up; the server hears it.
        assert_eq!(
            session.tls_failure.as_deref(),
            Some("received fatal alert: UnknownCA"),
            "{security:?}"
        );
        assert_eq!(session.tls_from, None);
        assert_eq!(session.login, None);
        assert!(session.data.is_empty());
    }
}

#[tokio::test]
async fn a_ca_file_of_another_ca_does_not_make_the_server_trusted() {
    let signer = TestCa::new("Example Corp Mail CA");
    let other = TestCa::new("Some Other CA");
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        tls: SmtpTls::Implicit(signer.loopback_server()),
        ..SmtpBehaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let ca_file = other.write_pem(dir.path());
    let config = SmtpConfig {
        username: None,
        ..smtp_config(receiver.port, Security::Tls, Some(ca_file.clone()))
    };

    let error = send_mail(&config, &failed_summary(), &env_with(&[]))
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        format!(
            "SMTP 127.0.0.1:{}: the server's TLS certificate is not trusted (UnknownIssuer; \
             checked against the CA certificates in {})",
            receiver.port,
            ca_file.display()
        )
    );
    assert!(receiver.session().data.is_empty());
}

#[tokio::test]
async fn trusting_the_ca_does_not_accept_a_certificate_for_another_host() {
    let ca = TestCa::new("Example Corp Mail CA");
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        tls: SmtpTls::Implicit(ca.server(&["mail.example.com"])),
        ..SmtpBehaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let config = SmtpConfig {
        username: None,
        ..smtp_config(receiver.port, Security::Tls, Some(ca.write_pem(dir.path())))
    };

    let error = send_mail(&config, &failed_summary(), &env_with(&[]))
        .await
        .unwrap_err();

    let message = error.to_string();
    assert!(
        message.contains(
            "the server's TLS certificate is not trusted (certificate not valid for name \
             \"127.0.0.1\"; certificate is only valid for DnsName(\"mail.example.com\")"
        ),
        "{message}"
    );
    assert!(receiver.session().data.is_empty());
}

fn slack_path() -> String {
    format!("/services/T0TEST/B0TEST/{TOKEN}")
}

#[tokio::test]
async fn a_webhook_over_https_from_the_private_ca_is_posted() {
    let ca = TestCa::new("Example Corp Chat CA");
    let receiver = HttpReceiver::answering_tls(
        vec![HttpReply::new(200, "text/html", "ok")],
        ca.loopback_server(),
    );
    let dir = tempfile::tempdir().unwrap();
    let config = WebhookConfig {
        ca_file: Some(ca.write_pem(dir.path())),
        ..WebhookConfig::default()
    };
    let env = env_with(&[("GIGOPS_SLACK_WEBHOOK_URL", receiver.url(&slack_path()))]);

    let detail = send_slack(&config, &failed_summary(), &env).await.unwrap();

    let request = receiver.next_request();
    assert_eq!(request.target, slack_path());
    assert_eq!(
        request.json()["blocks"][0]["text"]["text"],
        "交付门禁未通过：v1.4.0-rc.2"
    );
    assert_eq!(
        detail,
        format!(
            "posted to https://127.0.0.1:{}/*** (HTTP 200: ok)",
            receiver.port()
        )
    );
}

#[tokio::test]
async fn without_the_private_ca_the_webhook_is_refused_and_nothing_is_posted() {
    let ca = TestCa::new("Example Corp Chat CA");
    let receiver = HttpReceiver::answering_tls(
        vec![HttpReply::new(200, "text/html", "ok")],
        ca.loopback_server(),
    );
    let env = env_with(&[("GIGOPS_SLACK_WEBHOOK_URL", receiver.url(&slack_path()))]);

    let error = send_slack(&WebhookConfig::default(), &failed_summary(), &env)
        .await
        .unwrap_err();

    let message = error.to_string();
    assert_eq!(
        message,
        format!(
            "POST https://127.0.0.1:{}/*** failed: the server's TLS certificate is not trusted \
             (UnknownIssuer; checked against the built-in Mozilla roots); if a private CA signed \
             it, name the CA's PEM file in `ca_file`",
            receiver.port()
        )
    );
    assert_no_token(&message);
    // ureq hangs up without sending its alert, so the server sees only the handshake cut
    // short; what matters is that no request came through.
    receiver.handshake_failure();
}

#[tokio::test]
async fn every_channel_trusts_only_its_own_ca_file() {
    let chat_ca = TestCa::new("Example Corp Chat CA");
    let mail_ca = TestCa::new("Example Corp Mail CA");
    let slack = HttpReceiver::answering_tls(
        vec![HttpReply::new(200, "text/html", "ok")],
        chat_ca.loopback_server(),
    );
    let wecom = HttpReceiver::answering_tls(
        vec![HttpReply::new(
            200,
            "application/json",
            r#"{"errcode":0,"errmsg":"ok"}"#,
        )],
        chat_ca.loopback_server(),
    );
    let mail = SmtpReceiver::start(SmtpBehaviour {
        offer_auth: true,
        tls: SmtpTls::Starttls(mail_ca.loopback_server()),
        ..SmtpBehaviour::default()
    });
    let chat_dir = tempfile::tempdir().unwrap();
    let mail_dir = tempfile::tempdir().unwrap();
    let chat_pem = chat_ca.write_pem(chat_dir.path());
    let config = NotifyConfig {
        slack: Some(WebhookConfig {
            ca_file: Some(chat_pem.clone()),
            ..WebhookConfig::default()
        }),
        // WeCom's robot is a public service: its table names no CA, so the chat CA is not
        // trusted for it.
        wecom: Some(WebhookConfig::default()),
        smtp: Some(smtp_config(
            mail.port,
            Security::Starttls,
            Some(mail_ca.write_pem(mail_dir.path())),
        )),
    };
    let env = env_with(&[
        ("GIGOPS_SLACK_WEBHOOK_URL", slack.url(&slack_path())),
        (
            "GIGOPS_WECOM_WEBHOOK_URL",
            wecom.url(&format!("/cgi-bin/webhook/send?key={TOKEN}")),
        ),
        ("GIGOPS_SMTP_PASSWORD", TOKEN.to_string()),
    ]);

    let deliveries = send(&config, &failed_summary(), &env).await;

    let outcome: Vec<(Channel, bool)> = deliveries.iter().map(|d| (d.channel, d.ok)).collect();
    assert_eq!(
        outcome,
        [
            (Channel::Slack, true),
            (Channel::Wecom, false),
            (Channel::Smtp, true)
        ],
        "{deliveries:?}"
    );
    assert!(
        deliveries[1].detail.contains("not trusted (UnknownIssuer"),
        "{}",
        deliveries[1].detail
    );
    for delivery in &deliveries {
        assert_no_token(&delivery.detail);
    }
    slack.next_request();
    wecom.handshake_failure();
    assert_mail_arrived_over_tls(&mail.session(), &failed_summary());
}

#[tokio::test]
async fn a_ca_file_that_is_gone_when_sending_fails_the_channel_and_nothing_is_sent() {
    let ca = TestCa::new("Example Corp Mail CA");
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        tls: SmtpTls::Starttls(ca.loopback_server()),
        ..SmtpBehaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("mail-ca.pem");
    let config = NotifyConfig {
        smtp: Some(SmtpConfig {
            username: None,
            ..smtp_config(receiver.port, Security::Starttls, Some(gone.clone()))
        }),
        ..NotifyConfig::default()
    };

    let deliveries = send(&config, &failed_summary(), &env_with(&[])).await;

    assert_eq!(deliveries.len(), 1);
    assert!(!deliveries[0].ok);
    let detail = &deliveries[0].detail;
    assert!(
        detail.starts_with(&format!(
            "notify.smtp.ca_file: {}: cannot read it: ",
            gone.display()
        )),
        "{detail}"
    );
    assert!(detail.ends_with("; nothing was sent"), "{detail}");
    receiver.assert_no_connection();
}
