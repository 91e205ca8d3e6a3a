//! `[gate.notify]` as a user writes it in gigops.toml.

use gigops_notify::{NotifyConfig, Security, SmtpConfig, WebhookConfig};

use crate::TOKEN;

fn parse(text: &str) -> Result<NotifyConfig, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}

fn refused(text: &str) -> String {
    match parse(text) {
        Ok(config) => panic!("accepted {config:?}"),
        Err(message) => message,
    }
}

#[test]
fn empty_tables_configure_channels_with_the_defaults() {
    let config = parse(
        r#"
        [slack]
        [wecom]
        [smtp]
        host = "smtp.example.com"
        from = "gate@example.com"
        to = ["lead@example.com"]
        "#,
    )
    .unwrap();

    assert_eq!(config.slack, Some(WebhookConfig::default()));
    assert_eq!(config.wecom.as_ref().unwrap().timeout_seconds, 10);
    let smtp = config.smtp.unwrap();
    assert_eq!(smtp.security, Security::Starttls);
    assert_eq!(smtp.port(), 587);
    assert_eq!(smtp.password_env(), "GIGOPS_SMTP_PASSWORD");
    assert_eq!(smtp.timeout_seconds, 10);
    assert!(parse("").unwrap().is_empty());
}

#[test]
fn every_key_is_read() {
    let config = parse(
        r#"
        [slack]
        url_env = "TEAM_SLACK_HOOK"
        timeout_seconds = 5
        [smtp]
        host = "smtp.example.com"
        port = 2465
        security = "tls"
        from = "交付门禁 <gate@example.com>"
        to = ["lead@example.com", "王工 <wang@example.com>"]
        username = "gate"
        password_env = "TEAM_SMTP_PASSWORD"
        timeout_seconds = 30
        "#,
    )
    .unwrap();

    assert_eq!(
        config.slack,
        Some(WebhookConfig {
            url_env: Some("TEAM_SLACK_HOOK".into()),
            timeout_seconds: 5,
        })
    );
    assert_eq!(
        config.smtp,
        Some(SmtpConfig {
            host: "smtp.example.com".into(),
            port: Some(2465),
            security: Security::Tls,
            from: "交付门禁 <gate@example.com>".into(),
            to: vec!["lead@example.com".into(), "王工 <wang@example.com>".into()],
            username: Some("gate".into()),
            password_env: Some("TEAM_SMTP_PASSWORD".into()),
            timeout_seconds: 30,
        })
    );
    assert_eq!(Security::None.default_port(), 25);
    assert_eq!(Security::Tls.default_port(), 465);
}

#[test]
fn settings_round_trip_through_serialization() {
    // The CLI layers settings over their serialized defaults and prints them with `config show`.
    let config = parse(
        r#"
        [wecom]
        [smtp]
        host = "::1"
        security = "none"
        from = "gate@example.com"
        to = ["lead@example.com"]
        username = "gate"
        "#,
    )
    .unwrap();

    let text = toml::to_string(&config).unwrap();

    assert_eq!(parse(&text).unwrap(), config);
    assert_eq!(config.smtp.unwrap().server(), "[::1]:25");
}

#[test]
fn a_webhook_url_in_the_file_is_refused_without_being_repeated() {
    let message = refused(&format!(
        "[slack]\nurl = \"https://hooks.slack.com/services/T0/B0/{TOKEN}\"\n"
    ));

    assert!(
        message.contains("a webhook URL is a secret and is not read from settings"),
        "{message}"
    );
    assert!(message.contains("url_env"), "{message}");
    assert!(!message.contains(TOKEN), "{message}");
}

#[test]
fn an_smtp_password_in_the_file_is_refused_without_being_repeated() {
    let message = refused(&format!(
        "[smtp]\nhost = \"smtp.example.com\"\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\n\
         username = \"gate\"\npassword = \"{TOKEN}\"\n"
    ));

    assert!(
        message.contains("the SMTP password is a secret"),
        "{message}"
    );
    assert!(message.contains("password_env"), "{message}");
    assert!(!message.contains(TOKEN), "{message}");
}

#[test]
fn a_secret_written_where_its_variable_name_belongs_is_refused_without_being_repeated() {
    for table in [
        format!(
            "[wecom]\nurl_env = \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={TOKEN}\"\n"
        ),
        format!(
            "[smtp]\nhost = \"h\"\nfrom = \"a@example.com\"\nto = [\"b@example.com\"]\n\
             username = \"u\"\npassword_env = \"{TOKEN}!\"\n"
        ),
    ] {
        let message = refused(&table);

        assert!(
            message.contains("must be the name of an environment variable"),
            "{message}"
        );
        assert!(!message.contains(TOKEN), "{message}");
    }
}

#[test]
fn smtp_settings_that_cannot_work_are_refused() {
    let smtp = |extra: &str| {
        format!("[smtp]\nhost = \"smtp.example.com\"\nfrom = \"gate@example.com\"\n{extra}\n")
    };
    let cases = [
        (smtp("to = []"), "`to` lists no recipient"),
        (
            smtp("to = [\"lead@example.com\", \"not an address\"]"),
            "`to[1]` = \"not an address\" is not a mail address",
        ),
        (
            smtp("to = [\"a@example.com\"]\nusername = \"gate\"\nsecurity = \"none\""),
            "would send the password to smtp.example.com in clear text",
        ),
        (
            smtp("to = [\"a@example.com\"]\nsecurity = \"ssl\""),
            "unknown variant `ssl`",
        ),
        (
            smtp("to = [\"a@example.com\"]\nport = 0"),
            "`port` must be between 1 and 65535",
        ),
        (
            smtp("to = [\"a@example.com\"]\ntimeout_seconds = 0"),
            "`timeout_seconds` must be between 1 and 300, not 0",
        ),
        (
            smtp("to = [\"a@example.com\"]\ncc = [\"c@example.com\"]"),
            "unknown field `cc`",
        ),
    ];
    for (text, expected) in cases {
        let message = refused(&text);
        assert!(
            message.contains(expected),
            "expected {expected:?} in:\n{message}"
        );
    }
}

#[test]
fn credentials_in_clear_text_are_allowed_to_a_loopback_relay() {
    for host in ["127.0.0.1", "localhost", "::1"] {
        let text = format!(
            "[smtp]\nhost = \"{host}\"\nsecurity = \"none\"\nfrom = \"a@example.com\"\n\
             to = [\"b@example.com\"]\nusername = \"gate\"\n"
        );
        assert!(parse(&text).is_ok(), "{host}");
    }
}

#[test]
fn unknown_channels_and_keys_are_refused() {
    assert!(refused("[teams]\n").contains("unknown field `teams`"));
    assert!(refused("[slack]\nchannel = \"#ci\"\n").contains("unknown field `channel`"));
}
