use gigops_notify::{Message, Security, SmtpConfig, send_mail};

use crate::receivers::{
    SmtpBehaviour, SmtpReceiver, closed_port, decode_encoded_words, mail_body, mail_header,
    mail_parts,
};
use crate::{TOKEN, assert_no_token, env_with};

fn smtp_config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: Security::None,
        from: "交付门禁 <gate@example.com>".into(),
        to: vec!["lead@example.com".into(), "王工 <wang@example.com>".into()],
        username: None,
        password_env: None,
        timeout_seconds: 10,
        ca_file: None,
    }
}

fn chinese_summary() -> Message {
    Message {
        // Long enough that its encoded form is folded over several encoded words.
        title: "交付门禁：通过 ✅ 客户项目「支付网关」第三里程碑验收构建 #1024".into(),
        markdown: "### ✅ 交付门禁：通过".into(),
        text: "交付门禁：通过\n测试 120 个，失败 0 个\n覆盖率 81.5%（阈值 80%）".into(),
        html: String::new(),
        passed: true,
    }
}

#[tokio::test]
async fn the_mail_reaches_the_envelope_recipients_with_a_utf8_subject() {
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        offer_auth: true,
        ..SmtpBehaviour::default()
    });
    let config = SmtpConfig {
        username: Some("gate".into()),
        password_env: Some("TEST_SMTP_PASSWORD".into()),
        ..smtp_config(receiver.port)
    };
    let env = env_with(&[("TEST_SMTP_PASSWORD", format!("{TOKEN}\n"))]);
    let message = chinese_summary();

    let detail = send_mail(&config, &message, &env).await.unwrap();

    let session = receiver.session();
    let envelope: Vec<&str> = session
        .commands
        .iter()
        .map(String::as_str)
        .filter(|c| c.starts_with("MAIL") || c.starts_with("RCPT"))
        .collect();
    assert_eq!(
        envelope,
        [
            "MAIL FROM:<gate@example.com>",
            "RCPT TO:<lead@example.com>",
            "RCPT TO:<wang@example.com>",
        ]
    );
    // The password is read from the variable, its trailing newline dropped.
    assert_eq!(session.login, Some(("gate".into(), TOKEN.into())));

    let subject = mail_header(&session.data, "Subject").unwrap();
    assert!(subject.is_ascii(), "the subject went unencoded: {subject}");
    assert_eq!(decode_encoded_words(&subject), message.title);
    let from = mail_header(&session.data, "From").unwrap();
    assert_eq!(decode_encoded_words(&from), "交付门禁 <gate@example.com>");
    assert_eq!(
        mail_header(&session.data, "Content-Type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(mail_body(&session.data), message.text);
    let message_id = mail_header(&session.data, "Message-ID").unwrap();
    assert!(message_id.ends_with(".gigops@example.com>"), "{message_id}");
    assert_eq!(
        detail,
        format!(
            "accepted by 127.0.0.1:{} for 2 recipients (250 2.0.0 Ok: queued as TEST1)",
            receiver.port
        )
    );
    assert_no_token(&detail);
}

#[tokio::test]
async fn with_html_the_mail_is_multipart_alternative_text_first() {
    let receiver = SmtpReceiver::start(SmtpBehaviour::default());
    let message = Message {
        html: "<!DOCTYPE html>\n<html lang=\"zh-CN\"><body style=\"margin:0\">\
               <h3 style=\"color:#2f855a\">✅ 交付门禁：通过</h3><p>覆盖率 81.5%</p></body></html>"
            .into(),
        ..chinese_summary()
    };

    send_mail(&smtp_config(receiver.port), &message, &env_with(&[]))
        .await
        .unwrap();

    let mail = receiver.session().data;
    assert_eq!(mail_header(&mail, "MIME-Version").as_deref(), Some("1.0"));
    let content_type = mail_header(&mail, "Content-Type").unwrap();
    assert!(
        content_type.starts_with("multipart/alternative; boundary="),
        "{content_type}"
    );
    let parts = mail_parts(&mail);
    assert_eq!(parts.len(), 2, "{mail}");
    // RFC 2046 §5.1.4: the richest part last, so a client that can show HTML shows it.
    assert_eq!(
        mail_header(&parts[0], "Content-Type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        mail_header(&parts[1], "Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(mail_body(&parts[0]), message.text);
    assert_eq!(mail_body(&parts[1]), message.html);
}

#[tokio::test]
async fn without_a_username_no_login_is_attempted_and_no_password_is_needed() {
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        offer_auth: true,
        ..SmtpBehaviour::default()
    });
    let nothing = env_with(&[]);

    send_mail(&smtp_config(receiver.port), &chinese_summary(), &nothing)
        .await
        .unwrap();

    let session = receiver.session();
    assert!(
        !session.commands.iter().any(|c| c.starts_with("AUTH")),
        "{:?}",
        session.commands
    );
    assert!(session.data.contains("Subject:"));
}

#[tokio::test]
async fn starttls_not_offered_fails_before_credentials_or_mail_are_sent() {
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        offer_auth: true,
        ..SmtpBehaviour::default()
    });
    let config = SmtpConfig {
        security: Security::Starttls,
        username: Some("gate".into()),
        ..smtp_config(receiver.port)
    };
    let env = env_with(&[("GIGOPS_SMTP_PASSWORD", TOKEN.to_string())]);

    let error = send_mail(&config, &chinese_summary(), &env)
        .await
        .unwrap_err();

    let message = error.to_string();
    assert!(
        message.starts_with(&format!("SMTP 127.0.0.1:{}: ", receiver.port)),
        "{message}"
    );
    assert!(message.contains("STARTTLS"), "{message}");
    let session = receiver.session();
    assert_eq!(session.login, None);
    assert!(
        session
            .commands
            .iter()
            .all(|c| !c.starts_with("MAIL") && !c.starts_with("AUTH")),
        "{:?}",
        session.commands
    );
}

#[tokio::test]
async fn a_server_that_never_greets_times_out() {
    let receiver = SmtpReceiver::start(SmtpBehaviour {
        silent: true,
        ..SmtpBehaviour::default()
    });
    let config = SmtpConfig {
        timeout_seconds: 1,
        ..smtp_config(receiver.port)
    };

    let error = send_mail(&config, &chinese_summary(), &env_with(&[]))
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        format!("SMTP 127.0.0.1:{}: no answer within 1 s", receiver.port)
    );
}

#[tokio::test]
async fn a_refused_smtp_connection_is_reported() {
    let port = closed_port();

    let error = send_mail(&smtp_config(port), &chinese_summary(), &env_with(&[]))
        .await
        .unwrap_err();

    let message = error.to_string();
    assert!(
        message.starts_with(&format!("SMTP 127.0.0.1:{port}: Connection error")),
        "{message}"
    );
    assert!(message.contains("refused"), "{message}");
}

#[tokio::test]
async fn implicit_tls_to_a_server_speaking_plain_text_fails_in_the_tls_handshake() {
    let receiver = SmtpReceiver::start(SmtpBehaviour::default());
    let config = SmtpConfig {
        security: Security::Tls,
        ..smtp_config(receiver.port)
    };

    let error = send_mail(&config, &chinese_summary(), &env_with(&[]))
        .await
        .unwrap_err();

    let message = error.to_string();
    assert!(
        message.starts_with(&format!("SMTP 127.0.0.1:{}: ", receiver.port)),
        "{message}"
    );
    // rustls's words for a first record that is not TLS.
    assert!(
        message.ends_with("received corrupt message of type InvalidContentType"),
        "{message}"
    );
}
