//! The HTML in a real browser: headless Chromium when it is installed (CI installs it).

use std::process::Command;
use std::time::Duration;

use crate::render::market_report_html_on;
use gigops_core::Lang;

use crate::support::{GENERATED, output_dir, report, run};

pub use gigops_test_support::tools::chromium;

pub fn headless(browser: &str, profile: &std::path::Path) -> Command {
    let mut command = Command::new(browser);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

#[test]
fn chromium_renders_the_report() {
    let Some(browser) = chromium() else {
        return; // not under CI: tools::chromium fails the test there
    };
    for lang in [Lang::En, Lang::ZhCn] {
        let html = market_report_html_on(&report(), lang, None, GENERATED).unwrap();
        let path = output_dir().join(format!("browser.{lang}.html"));
        std::fs::write(&path, &html).unwrap();
        let url = format!("file://{}", path.display());
        let profile = tempfile::tempdir().unwrap();

        let mut dump = headless(&browser, profile.path());
        dump.arg("--dump-dom").arg(&url);
        let out = run(dump, Duration::from_secs(120));
        assert!(out.success, "chromium --dump-dom failed: {}", out.stderr);
        assert!(
            out.stdout.contains("<svg"),
            "DOM without charts: {}",
            out.stdout
        );
        let title = if lang == Lang::En {
            "Market report"
        } else {
            "市场报告"
        };
        assert!(out.stdout.contains(title));

        let png = output_dir().join(format!("browser.{lang}.png"));
        let _ = std::fs::remove_file(&png);
        let mut shot = headless(&browser, profile.path());
        shot.arg("--window-size=1280,4000")
            .arg(format!("--screenshot={}", png.display()))
            .arg(&url);
        let out = run(shot, Duration::from_secs(120));
        assert!(out.success, "chromium --screenshot failed: {}", out.stderr);
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(
            size > 10_000,
            "screenshot {} is {size} bytes",
            png.display()
        );
    }
}
