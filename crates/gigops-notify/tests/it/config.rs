//! `[notify]` as a user writes it in gigops.toml.

use gigops_notify::{NotifyConfig, PrivateCa, Security, SmtpConfig, WebhookConfig};

use crate::TOKEN;
use crate::receivers::TestCa;

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
        ca_file = "certs/chat-ca.pem"
        [smtp]
        host = "smtp.example.com"
        port = 2465
        security = "tls"
        from = "交付门禁 <gate@example.com>"
        to = ["lead@example.com", "王工 <wang@example.com>"]
        username = "gate"
        password_env = "TEAM_SMTP_PASSWORD"
        timeout_seconds = 30
        ca_file = "/etc/gigops/mail-ca.pem"
        "#,
    )
    .unwrap();

    assert_eq!(
        config.slack,
        Some(WebhookConfig {
            url_env: Some("TEAM_SLACK_HOOK".into()),
            timeout_seconds: 5,
            ca_file: Some("certs/chat-ca.pem".into()),
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
            ca_file: Some("/etc/gigops/mail-ca.pem".into()),
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
        ca_file = "certs/corp-ca.pem"
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

#[test]
fn ca_file_settings_that_cannot_work_are_refused() {
    let smtp = |extra: &str| {
        format!(
            "[smtp]\nhost = \"mail.corp.example\"\nfrom = \"gate@example.com\"\n\
             to = [\"a@example.com\"]\n{extra}\n"
        )
    };
    let cases = [
        (
            smtp("ca_file = \"\""),
            "`ca_file` is empty: leave it out to trust the built-in roots",
        ),
        (
            smtp("ca_file = \"corp-ca.pem\"\nsecurity = \"none\""),
            "`ca_file` with security = \"none\" would never be used",
        ),
        (
            "[wecom]\nca_file = \"\"\n".to_string(),
            "`ca_file` is empty",
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
fn check_reads_every_ca_file_and_reports_every_problem_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let not_pem = dir.path().join("ca.der");
    std::fs::write(&not_pem, [0x30, 0x82, 0x01, 0x0a, 0x02]).unwrap();
    // A certificate block whose content is not a certificate.
    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        format!(
            "{}-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
            TestCa::new("Example Corp CA").certificate_pem
        ),
    )
    .unwrap();
    let webhook = |path: &std::path::Path| WebhookConfig {
        ca_file: Some(path.to_path_buf()),
        ..WebhookConfig::default()
    };
    let config = NotifyConfig {
        slack: Some(webhook(&missing)),
        wecom: Some(webhook(&not_pem)),
        smtp: Some(SmtpConfig {
            host: "mail.corp.example".into(),
            port: None,
            security: Security::Starttls,
            from: "gate@example.com".into(),
            to: vec!["lead@example.com".into()],
            username: None,
            password_env: None,
            timeout_seconds: 10,
            ca_file: Some(broken.clone()),
        }),
    };

    let problems: Vec<String> = config
        .check()
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();

    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].starts_with(&format!(
            "notify.slack.ca_file: {}: cannot read it: No such file",
            missing.display()
        )),
        "{}",
        problems[0]
    );
    assert_eq!(
        problems[1],
        format!(
            "notify.wecom.ca_file: {}: it holds no PEM certificate (a -----BEGIN \
             CERTIFICATE----- block); convert a DER file first: openssl x509 -inform der -in \
             ca.der -out ca.pem; nothing was sent",
            not_pem.display()
        )
    );
    assert_eq!(
        problems[2],
        format!(
            "notify.smtp.ca_file: {}: certificate 2 of 2 in it is not a valid X.509 \
             certificate; nothing was sent",
            broken.display()
        )
    );
}

#[test]
fn a_readable_ca_file_passes_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let ca_file = TestCa::new("Example Corp CA").write_pem(dir.path());
    let config = NotifyConfig {
        slack: Some(WebhookConfig {
            ca_file: Some(ca_file.clone()),
            ..WebhookConfig::default()
        }),
        ..NotifyConfig::default()
    };

    assert!(config.check().is_ok());
    let ca = PrivateCa::load(&ca_file).unwrap();
    assert_eq!(ca.certificates().len(), 1);
    assert_eq!(
        format!("{ca:?}"),
        format!("PrivateCa {{ path: {:?}, certificates: 1 }}", ca_file)
    );
}
