use std::time::{Duration, Instant};

use gigops_notify::{Message, NotifyError, WebhookConfig, send_slack, send_wecom};
use serde_json::json;

use crate::receivers::{
    HttpReceiver, HttpReply, MisbehavingReceiver, Misbehaviour, SmtpBehaviour, SmtpReceiver,
    closed_port,
};
use crate::{TOKEN, assert_no_token, env_with, passed_summary};

fn slack_path() -> String {
    format!("/services/T0TEST/B0TEST/{TOKEN}")
}

fn wecom_path() -> String {
    format!("/cgi-bin/webhook/send?key={TOKEN}")
}

fn ok_reply() -> HttpReply {
    HttpReply::new(200, "text/html", "ok")
}

fn wecom_reply(body: &str) -> HttpReply {
    HttpReply::new(200, "application/json; charset=UTF-8", body)
}

#[tokio::test]
async fn slack_is_posted_block_kit_with_the_markdown_as_mrkdwn() {
    let receiver = HttpReceiver::answering(vec![ok_reply()]);
    let env = env_with(&[("GIGOPS_SLACK_WEBHOOK_URL", receiver.url(&slack_path()))]);

    let detail = send_slack(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap();

    let request = receiver.next_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, slack_path());
    assert_eq!(
        request.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        request.json(),
        json!({
            "text": "gigops gate: passed\nCoverage 81.5%, p95 &lt; 2 ms",
            "blocks": [
                {
                    "type": "header",
                    "text": { "type": "plain_text", "text": "gigops gate: passed", "emoji": true },
                },
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": "*✅ gigops gate: passed*\n\n*Coverage* 81.5% · <https://ci.example.com/r/1|report>",
                    },
                },
            ],
        })
    );
    let port = receiver.url("").rsplit(':').next().unwrap().to_string();
    assert_eq!(
        detail,
        format!("posted to http://127.0.0.1:{port}/*** (HTTP 200: ok)")
    );
}

#[tokio::test]
async fn slack_url_env_names_another_variable() {
    let receiver = HttpReceiver::answering(vec![ok_reply()]);
    let env = env_with(&[("TEAM_SLACK_HOOK", receiver.url(&slack_path()))]);
    let config = WebhookConfig {
        url_env: Some("TEAM_SLACK_HOOK".into()),
        ..WebhookConfig::default()
    };

    send_slack(&config, &passed_summary(), &env).await.unwrap();

    assert_eq!(receiver.next_request().target, slack_path());
}

#[tokio::test]
async fn a_slack_error_status_is_a_failure_quoting_the_answer() {
    for (status, answer) in [(404, "channel_not_found"), (500, "rollup_error")] {
        let receiver = HttpReceiver::answering(vec![HttpReply::new(status, "text/html", answer)]);
        let env = env_with(&[("GIGOPS_SLACK_WEBHOOK_URL", receiver.url(&slack_path()))]);

        let error = send_slack(&WebhookConfig::default(), &passed_summary(), &env)
            .await
            .unwrap_err();

        assert!(matches!(error, NotifyError::Rejected { status: s, .. } if s == status));
        let message = error.to_string();
        assert!(
            message.ends_with(&format!("/*** answered HTTP {status}: {answer}")),
            "{message}"
        );
        assert_no_token(&message);
        receiver.next_request();
    }
}

#[tokio::test]
async fn wecom_is_posted_a_markdown_message_headed_by_the_coloured_title() {
    let receiver = HttpReceiver::answering(vec![wecom_reply(r#"{"errcode":0,"errmsg":"ok"}"#)]);
    let env = env_with(&[("GIGOPS_WECOM_WEBHOOK_URL", receiver.url(&wecom_path()))]);

    let detail = send_wecom(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap();

    let request = receiver.next_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, wecom_path());
    assert_eq!(
        request.json(),
        json!({
            "msgtype": "markdown",
            "markdown": {
                "content": "<font color=\"info\">gigops gate: passed</font>\n\n### ✅ gigops gate: **passed**\n\n**Coverage** 81.5% · [report](https://ci.example.com/r/1)",
            },
        })
    );
    assert!(detail.ends_with("/*** (errcode 0)"), "{detail}");
    assert_no_token(&detail);
}

#[tokio::test]
async fn wecom_content_over_4096_bytes_is_cut_between_characters() {
    let receiver = HttpReceiver::answering(vec![wecom_reply(r#"{"errcode":0,"errmsg":"ok"}"#)]);
    let env = env_with(&[("GIGOPS_WECOM_WEBHOOK_URL", receiver.url(&wecom_path()))]);
    let failures: String = (1..=200)
        .map(|i| format!("- 用例 `解析器_{i}` 失败：期望值与实际值不一致\n"))
        .collect();
    let message = Message {
        title: "交付门禁：未通过".into(),
        markdown: format!("### ❌ 交付门禁：未通过\n\n**失败的测试**\n\n{failures}"),
        text: String::new(),
        html: String::new(),
        passed: false,
    };
    let full = format!(
        "<font color=\"warning\">交付门禁：未通过</font>\n\n{}",
        message.markdown
    );
    let marker = "\n…(truncated)";
    let budget = 4096 - marker.len();
    assert!(full.len() > 4096);
    // Otherwise a cut at a byte count would pass too.
    assert!(!full.is_char_boundary(budget));

    let detail = send_wecom(&WebhookConfig::default(), &message, &env)
        .await
        .unwrap();

    let posted = receiver.next_request().json();
    let content = posted["markdown"]["content"].as_str().unwrap();
    let mut kept = String::new();
    for c in full.chars() {
        if kept.len() + c.len_utf8() > budget {
            break;
        }
        kept.push(c);
    }
    assert_eq!(content, format!("{kept}{marker}"));
    assert!(content.len() <= 4096);
    assert!(
        content.len() > 4096 - 4,
        "cut more than one character short"
    );
    assert!(
        detail.ends_with("(errcode 0, content cut to 4096 bytes)"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_wecom_errcode_is_a_failure_reporting_errmsg() {
    let receiver = HttpReceiver::answering(vec![wecom_reply(
        r#"{"errcode":93000,"errmsg":"invalid webhook url, hint: [1700000000382073], from ip: 127.0.0.1"}"#,
    )]);
    let env = env_with(&[("GIGOPS_WECOM_WEBHOOK_URL", receiver.url(&wecom_path()))]);

    let error = send_wecom(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        "the WeCom robot refused the message: errcode 93000: invalid webhook url, hint: \
         [1700000000382073], from ip: 127.0.0.1"
    );
    receiver.next_request();
}

#[tokio::test]
async fn a_wecom_500_or_an_answer_that_is_not_json_is_a_failure() {
    let receiver = HttpReceiver::answering(vec![
        HttpReply::new(500, "text/plain", "upstream\n  unavailable"),
        HttpReply::new(200, "text/html", "<html>login</html>"),
    ]);
    let env = env_with(&[("GIGOPS_WECOM_WEBHOOK_URL", receiver.url(&wecom_path()))]);

    let server_error = send_wecom(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();
    let not_json = send_wecom(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();

    let server_error = server_error.to_string();
    assert!(
        server_error.ends_with("/*** answered HTTP 500: upstream unavailable"),
        "{server_error}"
    );
    let not_json = not_json.to_string();
    assert!(
        not_json.ends_with("/*** answered HTTP 200 with something other than WeCom's JSON answer: <html>login</html>"),
        "{not_json}"
    );
    assert_no_token(&server_error);
    assert_no_token(&not_json);
}

#[tokio::test]
async fn a_refused_connection_is_reported_with_the_masked_url() {
    let port = closed_port();
    let env = env_with(&[(
        "GIGOPS_SLACK_WEBHOOK_URL",
        format!("http://127.0.0.1:{port}{}", slack_path()),
    )]);

    let error = send_slack(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        format!("POST http://127.0.0.1:{port}/*** failed: connection refused")
    );
}

#[tokio::test]
async fn a_receiver_that_never_answers_times_out() {
    let receiver = HttpReceiver::silent();
    let env = env_with(&[("GIGOPS_WECOM_WEBHOOK_URL", receiver.url(&wecom_path()))]);
    let config = WebhookConfig {
        timeout_seconds: 1,
        ..WebhookConfig::default()
    };

    let started = Instant::now();
    let error = send_wecom(&config, &passed_summary(), &env)
        .await
        .unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(5));
    let message = error.to_string();
    assert!(
        message.ends_with("/*** failed: no answer within 1 s"),
        "{message}"
    );
    assert_no_token(&message);
    receiver.next_request();
}

#[tokio::test]
async fn a_webhook_url_that_is_not_https_is_refused_before_anything_is_sent() {
    let env = env_with(&[(
        "GIGOPS_SLACK_WEBHOOK_URL",
        format!("http://hooks.example.com{}", slack_path()),
    )]);

    let error = send_slack(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();

    let message = error.to_string();
    assert_eq!(
        message,
        "environment variable GIGOPS_SLACK_WEBHOOK_URL does not hold a usable webhook URL: it \
         is http://, which would send the secret in clear text; use https://; nothing was sent"
    );
}

#[tokio::test]
async fn https_to_a_server_speaking_plain_text_fails_in_the_tls_handshake() {
    // The SMTP receiver greets in plain text as soon as a client connects.
    let plain = SmtpReceiver::start(SmtpBehaviour::default());
    let env = env_with(&[(
        "GIGOPS_SLACK_WEBHOOK_URL",
        format!("https://127.0.0.1:{}{}", plain.port, slack_path()),
    )]);

    let error = send_slack(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();

    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "POST https://127.0.0.1:{}/*** failed: ",
            plain.port
        )),
        "{message}"
    );
    // rustls's words for a first record that is not TLS.
    assert!(
        message.ends_with("failed: received corrupt message of type InvalidContentType"),
        "{message}"
    );
}

#[tokio::test]
async fn a_redirect_is_reported_not_followed() {
    let elsewhere = HttpReceiver::answering(vec![ok_reply()]);
    // A 307 asks the client to repeat the POST, body and all, at the new address.
    let receiver = HttpReceiver::answering(vec![
        HttpReply::new(307, "text/html", "moved")
            .with_header("Location", &elsewhere.url("/caught")),
    ]);
    let env = env_with(&[("GIGOPS_SLACK_WEBHOOK_URL", receiver.url(&slack_path()))]);

    let error = send_slack(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();

    assert!(matches!(error, NotifyError::Rejected { status: 307, .. }));
    let message = error.to_string();
    assert!(
        message.ends_with("/*** answered HTTP 307: moved"),
        "{message}"
    );
    receiver.next_request();
    elsewhere.assert_no_request();
}

/// Bodies are read up to 64 KiB: an answer that never ends fails at the bound, long before the
/// channel's timeout, and the client hangs up instead of reading on.
// Multi-threaded, so that the runtime closes the dropped connection while the test waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_answer_is_cut_at_the_bound_not_read_whole() {
    let receiver = MisbehavingReceiver::start(Misbehaviour::NeverEnds);
    let env = env_with(&[("GIGOPS_SLACK_WEBHOOK_URL", receiver.url(&slack_path()))]);

    let started = Instant::now();
    let error = send_slack(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();

    // Read whole, it would have run into the 10 s timeout instead.
    assert!(started.elapsed() < Duration::from_secs(5), "{error}");
    let message = error.to_string();
    assert!(
        message.ends_with("/*** failed: the answer is longer than 65536 bytes"),
        "{message}"
    );
    assert_no_token(&message);
    receiver.next_request();
    // The receiver writes until its writes fail: the client hung up. Loopback's socket buffers
    // take a few MiB; the receiver's 20 s of writing would reach gigabytes.
    let written = receiver.body_bytes_written();
    assert!(written < 64 * 1024 * 1024, "{written} bytes written");
}

#[tokio::test]
async fn an_answer_announced_longer_than_the_bound_is_refused_unread() {
    let receiver = MisbehavingReceiver::start(Misbehaviour::AnnouncesLength(10_000_000_000));
    let env = env_with(&[("GIGOPS_WECOM_WEBHOOK_URL", receiver.url(&wecom_path()))]);

    let started = Instant::now();
    let error = send_wecom(&WebhookConfig::default(), &passed_summary(), &env)
        .await
        .unwrap_err();

    // The receiver sends no byte of the body it announced: waiting for it would time out.
    assert!(started.elapsed() < Duration::from_secs(5), "{error}");
    let message = error.to_string();
    assert!(
        message.ends_with("/*** failed: the answer is longer than 65536 bytes"),
        "{message}"
    );
    receiver.next_request();
}

#[tokio::test]
async fn the_timeout_covers_an_answer_that_stops_halfway() {
    let receiver = MisbehavingReceiver::start(Misbehaviour::StallsHalfway);
    let env = env_with(&[("GIGOPS_SLACK_WEBHOOK_URL", receiver.url(&slack_path()))]);
    let config = WebhookConfig {
        timeout_seconds: 1,
        ..WebhookConfig::default()
    };

    let started = Instant::now();
    let error = send_slack(&config, &passed_summary(), &env)
        .await
        .unwrap_err();

    assert!(started.elapsed() < Duration::from_secs(5), "{error}");
    let message = error.to_string();
    assert!(
        message.ends_with("/*** failed: no answer within 1 s"),
        "{message}"
    );
    receiver.next_request();
}
