//! `gigops sow`, `gigops accept` and `gigops milestones`, end to end: the template checks clean,
//! bad SOWs give every problem with its line, a signed SOW detects tampering, acceptance is
//! judged on summaries written by `gigops gate` itself, and accepted milestones are listed as
//! ready to invoice.

use crate::{Sandbox, read};

/// A small SOW: one milestone judged on gate evidence and a manual demo, one on a command.
const SOW: &str = "\
id: shop-api
title: Shop API
language: en
parties:
  provider: { name: Jane Doe Software, representative: Jane Doe }
  client: { name: ACME Ltd, representative: John Roe }
period: { start: 2027-01-04, end: 2027-03-31 }
currency: USD
total: \"5000.00\"
milestones:
  - id: M1
    title: API skeleton
    due: 2027-01-29
    amount: \"2000.00\"
    deliverables: [OpenAPI document]
    acceptance:
      - { id: tests, text: All tests pass, gate: no_failed_tests }
      - { id: coverage, text: Coverage at least 80 %, gate: { coverage_at_least: 80 } }
      - { id: demo, text: Demo accepted by the client, manual: true }
  - id: M2
    title: Launch
    due: 2027-03-31
    amount: \"3000.00\"
    deliverables: [Deployment]
    acceptance:
      - { id: smoke, text: Smoke test passes, command: [sh, -c, \"exit 0\"] }
payment: { net_days: 14 }
";

const PASSING_JUNIT: &str = r#"<?xml version="1.0"?>
<testsuite name="shop" tests="2">
  <testcase classname="shop" name="test_add" time="0.1"/>
  <testcase classname="shop" name="test_pay" time="0.2"/>
</testsuite>
"#;

const FAILING_JUNIT: &str = r#"<?xml version="1.0"?>
<testsuite name="shop" tests="2">
  <testcase classname="shop" name="test_add" time="0.1"/>
  <testcase classname="shop" name="test_pay" time="0.2"><failure message="boom">boom</failure></testcase>
</testsuite>
"#;

/// 9 of 10 lines covered: 90 %.
const LCOV: &str = "SF:/src/shop.py\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,1\nDA:5,1\nDA:6,1\nDA:7,1\nDA:8,1\nDA:9,1\nDA:10,0\nend_of_record\n";

/// Runs the real gate over `junit` and the LCOV file and saves its summary JSON as `name`.
fn gate_summary(s: &Sandbox, name: &str, junit: &str) {
    gate_summary_with(s, name, junit, &[]);
}

/// [`gate_summary`] with more arguments to `gate ingest`.
fn gate_summary_with(s: &Sandbox, name: &str, junit: &str, more: &[&str]) {
    s.write("report.xml", junit);
    s.write("lcov.info", LCOV);
    let mut args = vec![
        "gate",
        "ingest",
        "report.xml",
        "lcov.info",
        "--no-debt",
        "--json",
    ];
    args.extend(more);
    let output = s.gigops_without_db(&args).output().unwrap();
    // 0 or 1 (the gate's own verdict); never a usage or input error.
    assert!(output.status.code().unwrap() <= 1, "{output:?}");
    std::fs::write(s.path(name), &output.stdout).unwrap();
}

#[test]
fn the_templates_check_clean_and_bad_input_is_every_problem_with_its_line() {
    let s = Sandbox::new();
    for lang in ["en", "zh-CN"] {
        let file = format!("sow-{lang}.yaml");
        s.ok(&["sow", "new", "--lang", lang, "-o", &file]);
        let checked = s.json(&["sow", "check", &file]);
        assert_eq!(checked["ok"], true, "{lang}: {checked}");
    }
    // An existing file is never overwritten.
    let again = s
        .gigops(&["sow", "new", "-o", "sow-en.yaml"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    // Line 9: a total the milestones do not sum to; line 13: a due date after the period;
    // line 20: the same milestone id twice.
    let bad = SOW
        .replace("total: \"5000.00\"", "total: \"5100.00\"")
        .replace("due: 2027-01-29", "due: 2027-04-29")
        .replace("id: M2", "id: M1");
    s.write("bad.yaml", &bad);
    let output = s.gigops(&["sow", "check", "bad.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in ["bad.yaml:9:", "bad.yaml:13:", "bad.yaml:20:"] {
        assert!(stderr.contains(line), "{line} in:\n{stderr}");
    }
    let json = s
        .gigops(&["sow", "check", "bad.yaml", "--json"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let lines: Vec<u64> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    for line in [9, 13, 20] {
        assert!(lines.contains(&line), "{line} in {lines:?}");
    }
    // The column is a number, where the problem is.
    let total = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["line"] == 9)
        .unwrap();
    assert_eq!(total["column"], 8, "{total}");
    // Any command reading a bad SOW refuses it the same way, and writes nothing.
    let render = s
        .gigops(&["sow", "render", "bad.yaml", "-o", "bad.html"])
        .output()
        .unwrap();
    assert_eq!(render.status.code(), Some(2));
    assert!(!s.path("bad.html").exists());

    // Commands that print a document hold it in JSON with --json.
    let template = s.json(&["sow", "new", "--lang", "zh-CN"]);
    assert_eq!(template["lang"], "zh-CN");
    assert_eq!(
        template["document"].as_str().unwrap(),
        read(&s.path("sow-zh-CN.yaml"))
    );
    let written = s.json(&["sow", "new", "-o", "another.yaml"]);
    assert_eq!(written["written"][0], "another.yaml");

    let schema = s.json(&["sow", "schema"]);
    assert!(
        schema["$schema"]
            .as_str()
            .unwrap()
            .contains("json-schema.org")
    );
}

#[test]
fn diff_is_by_meaning_and_slo_export_is_openslo() {
    let s = Sandbox::new();
    s.write("v1.yaml", SOW);
    // Reformatted only: no change.
    s.write(
        "same.yaml",
        &SOW.replace("payment: { net_days: 14 }", "payment:\n  net_days: 14"),
    );
    let same = s.json(&["sow", "diff", "v1.yaml", "same.yaml"]);
    assert_eq!(same["changes"].as_array().unwrap().len(), 0, "{same}");
    let moved = SOW
        .replace("amount: \"2000.00\"", "amount: \"2500.00\"")
        .replace("total: \"5000.00\"", "total: \"5500.00\"");
    s.write("v2.yaml", &moved);
    let changes = s.json(&["sow", "diff", "v1.yaml", "v2.yaml"]);
    let paths: Vec<&str> = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"milestones.M1.amount"), "{paths:?}");
    assert!(paths.contains(&"total"), "{paths:?}");

    s.ok(&["sow", "new", "-o", "full.yaml"]);
    let openslo = s.ok(&["sow", "slo", "full.yaml", "--format", "openslo"]);
    assert!(openslo.contains("apiVersion: \"openslo/v1\""), "{openslo}");
    assert!(openslo.contains("kind: \"SLO\""), "{openslo}");
    let json = s.json(&["sow", "slo", "full.yaml"]);
    assert_eq!(json["format"], "openslo");
    assert_eq!(json["document"], openslo);

    // The model every rendering shows, with its derived figures.
    s.ok(&["sow", "render", "full.yaml", "-o", "full.json"]);
    let model: serde_json::Value = serde_json::from_str(&read(&s.path("full.json"))).unwrap();
    assert_eq!(model["schema"], "gigops.sow/1");
    let budget = &model["service_levels"][0]["error_budget"];
    // 99.9 % over January to March 2027 in Europe/London: February's 28 days to January's 31
    // (March, an hour short for summer time, is neither).
    assert_eq!(
        budget,
        &serde_json::json!({"shortest": {"days": 28.0, "minutes": 40.32}, "longest": {"days": 31.0, "minutes": 44.64}})
    );
}

/// OpenSSH's `ssh-keygen`, which makes the keys and checks gigops against OpenSSH itself.
pub(crate) fn ssh_keygen() -> Option<&'static str> {
    // `ssh -V` exits 0; ssh-keygen comes in the same package and has no such flag.
    gigops_test_support::tools::program("ssh", &["-V"], "openssh-client (Debian)")
        .map(|_| "ssh-keygen")
}

/// Runs `ssh-keygen ARGS` in the sandbox, with `stdin` as its input; its output.
fn keygen(s: &Sandbox, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut cmd = std::process::Command::new("ssh-keygen");
    cmd.current_dir(s.path(".")).args(args);
    cmd.stdin(match stdin {
        Some(file) => std::process::Stdio::from(std::fs::File::open(s.path(file)).unwrap()),
        None => std::process::Stdio::null(),
    });
    cmd.output().unwrap()
}

/// A fresh Ed25519 key `name` (and `name.pub`) made by ssh-keygen, with `passphrase`.
fn new_key(s: &Sandbox, name: &str, passphrase: &str) -> String {
    let made = keygen(
        s,
        &[
            "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", name,
        ],
        None,
    );
    assert!(made.status.success(), "{made:?}");
    read(&s.path(&format!("{name}.pub"))).trim().to_string()
}

/// The SOW signed by Jane (provider, with her key through gigops) and John (client, through
/// ssh-keygen), and the allowed signers that name them.
fn signed_by_both(s: &Sandbox, deal: Option<&str>) {
    let jane = new_key(s, "jane", "");
    let john = new_key(s, "john", "");
    s.write(
        "allowed_signers",
        &format!("# who may sign our SOWs\n\"Jane Doe\" {jane}\njohn@acme.example namespaces=\"gigops-sow\" {john}\n"),
    );
    let deal_args: Vec<&str> = deal.map(|d| vec!["--deal", d]).unwrap_or_default();
    let mut sign = vec![
        "sow",
        "sign",
        "sow.yaml",
        "--signer",
        "Jane Doe",
        "--role",
        "provider",
        "--key",
        "jane",
        "--at",
        "2027-01-03T10:00:00Z",
    ];
    sign.extend(&deal_args);
    s.ok(&sign);
    let john_at = [
        "--signer",
        "john@acme.example",
        "--role",
        "client",
        "--lang",
        "zh-CN",
        "--at",
        "2027-01-04T09:30:00Z",
    ];
    let mut message = vec!["sow", "sign", "sow.yaml"];
    message.extend(john_at);
    message.push("--message");
    s.write("john.msg", &s.ok(&message));
    let signed = keygen(
        s,
        &["-Y", "sign", "-n", "gigops-sow", "-f", "john", "john.msg"],
        None,
    );
    assert!(signed.status.success(), "{signed:?}");
    let mut record = vec!["sow", "sign", "sow.yaml"];
    record.extend(john_at);
    record.extend(["--ssh-signature", "john.msg.sig"]);
    record.extend(&deal_args);
    s.ok(&record);
}

fn sidecar(s: &Sandbox) -> serde_json::Value {
    serde_json::from_str(&read(&s.path("sow.yaml.signatures.json"))).unwrap()
}

fn set_sidecar(s: &Sandbox, value: &serde_json::Value) {
    std::fs::write(s.path("sow.yaml.signatures.json"), value.to_string()).unwrap();
}

/// `sow verify --json` with the allowed signers (and more args): exit code and the report.
fn verify(s: &Sandbox, more: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec![
        "sow",
        "verify",
        "sow.yaml",
        "--allowed-signers",
        "allowed_signers",
        "--json",
    ];
    args.extend(more);
    let output = s.gigops(&args).output().unwrap();
    let report =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {output:?}"));
    (output.status.code().unwrap(), report)
}

fn problem_kinds(report: &serde_json::Value) -> Vec<String> {
    report["verification"]["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["problems"].as_array().unwrap().iter())
        .map(|p| p["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sign_offs_interoperate_with_openssh_both_ways() {
    let s = Sandbox::new();
    if ssh_keygen().is_none() {
        return; // only outside CI
    }
    s.write("sow.yaml", SOW);
    signed_by_both(&s, None);
    let (code, report) = verify(&s, &[]);
    assert_eq!((code, &report["intact"]), (0, &true.into()), "{report}");
    let checks = report["verification"]["signatures"].as_array().unwrap();
    assert_eq!(checks.len(), 2);
    for check in checks {
        assert_eq!(check["valid"], true, "{check}");
        assert!(check["key"].as_str().unwrap().starts_with("SHA256:"));
    }

    // gigops's signature checked by OpenSSH: over the message gigops prints, as Jane Doe.
    let jane = &sidecar(&s)["signatures"][0];
    assert_eq!(jane["signer"], "Jane Doe");
    s.write("jane.sig", jane["ssh_signature"].as_str().unwrap());
    s.write(
        "jane.msg",
        &s.ok(&[
            "sow",
            "sign",
            "sow.yaml",
            "--signer",
            "Jane Doe",
            "--role",
            "provider",
            "--at",
            "2027-01-03T10:00:00Z",
            "--message",
        ]),
    );
    let checked = keygen(
        &s,
        &[
            "-Y",
            "verify",
            "-f",
            "allowed_signers",
            "-I",
            "Jane Doe",
            "-n",
            "gigops-sow",
            "-s",
            "jane.sig",
        ],
        Some("jane.msg"),
    );
    assert!(checked.status.success(), "{checked:?}");
    assert!(
        String::from_utf8_lossy(&checked.stdout)
            .contains("Good \"gigops-sow\" signature for Jane Doe")
    );
    // OpenSSH refuses it for another name, as gigops does.
    let other = keygen(
        &s,
        &[
            "-Y",
            "verify",
            "-f",
            "allowed_signers",
            "-I",
            "john@acme.example",
            "-n",
            "gigops-sow",
            "-s",
            "jane.sig",
        ],
        Some("jane.msg"),
    );
    assert!(!other.status.success());

    // Each signed document is kept beside the SOW, named by its digest.
    for (lang, check) in [("en", &checks[0]), ("zh-CN", &checks[1])] {
        let digest = report["verification"]["document_sha256"][lang]
            .as_str()
            .unwrap();
        assert_eq!(check["document_sha256"], digest);
        let kept = std::fs::read(s.path(&format!("sow.yaml.signed-{}.html", &digest[..16])));
        assert_eq!(
            gigops_contract::sha256_hex(&kept.unwrap()),
            digest,
            "{lang}"
        );
    }

    // The rendering shows both as verified, and rendering does not disturb the signatures.
    s.ok(&[
        "sow",
        "render",
        "sow.yaml",
        "--allowed-signers",
        "allowed_signers",
        "-o",
        "sow.html",
        "-o",
        "sow.md",
    ]);
    let html = read(&s.path("sow.html"));
    assert_eq!(
        html.matches("Signature verified · key SHA256:").count(),
        2,
        "{html}"
    );
    assert!(!html.contains("Changed after signing"));
    // Without the allowed signers nobody's identity is known: nothing is shown as verified.
    s.ok(&["sow", "render", "sow.yaml", "-o", "unchecked.html"]);
    let unchecked = read(&s.path("unchecked.html"));
    assert!(!unchecked.contains("Signature verified"));
    assert_eq!(
        unchecked
            .matches("Not verified: no allowed signers given")
            .count(),
        2
    );
    assert_eq!(verify(&s, &[]).0, 0);

    // A key protected by a passphrase is not asked for: ssh-keygen signs with it instead.
    new_key(&s, "locked", "correct horse");
    let output = s
        .gigops(&[
            "sow", "sign", "sow.yaml", "--signer", "Jane Doe", "--role", "provider", "--key",
            "locked",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("passphrase") && stderr.contains("--ssh-signature"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("OPENSSH PRIVATE KEY"),
        "never prints the key"
    );
    assert_eq!(sidecar(&s)["signatures"].as_array().unwrap().len(), 2);
}

#[test]
fn every_forged_or_stale_sign_off_is_refused_with_its_reason() {
    let s = Sandbox::new();
    if ssh_keygen().is_none() {
        return; // only outside CI
    }
    s.write("sow.yaml", SOW);
    signed_by_both(&s, None);
    let good = sidecar(&s);

    // An empty list is no sign-off.
    set_sidecar(
        &s,
        &serde_json::json!({"schema": good["schema"], "signatures": []}),
    );
    let (code, report) = verify(&s, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        report["verification"]["refused"][0],
        "no signature: the SOW is not signed"
    );

    // The SOW edited after signing: both signatures name another file.
    set_sidecar(&s, &good);
    let edited = SOW
        .replace("amount: \"3000.00\"", "amount: \"3500.00\"")
        .replace("total: \"5000.00\"", "total: \"5500.00\"");
    s.write("sow.yaml", &edited);
    let (code, report) = verify(&s, &[]);
    assert_eq!(code, 1);
    assert!(
        problem_kinds(&report)
            .iter()
            .all(|k| k == "source_changed" || k == "document_changed"),
        "{report}"
    );
    assert!(problem_kinds(&report).contains(&"source_changed".to_string()));
    s.ok(&[
        "sow",
        "render",
        "sow.yaml",
        "--allowed-signers",
        "allowed_signers",
        "-o",
        "edited.html",
    ]);
    let html = read(&s.path("edited.html"));
    assert!(html.contains("Changed after signing: this is not the document that was signed"));
    assert!(!html.contains("Signature verified"));
    assert!(!html.contains(">✓<"), "no tick over edited terms");

    // ...and the digests rewritten to match the edited file: the SSH signatures no longer hold.
    let mut rewritten = good.clone();
    let now_sha = gigops_contract::sha256_hex(edited.as_bytes());
    for signature in rewritten["signatures"].as_array_mut().unwrap() {
        signature["source_sha256"] = now_sha.clone().into();
    }
    set_sidecar(&s, &rewritten);
    let (code, report) = verify(&s, &[]);
    assert_eq!(code, 1);
    assert!(
        problem_kinds(&report).contains(&"forged".to_string()),
        "{report}"
    );

    // A signature under Jane's name by a key the allowed signers do not list for her.
    s.write("sow.yaml", SOW);
    new_key(&s, "mallory", "");
    set_sidecar(
        &s,
        &serde_json::json!({"schema": good["schema"], "signatures": []}),
    );
    s.ok(&[
        "sow", "sign", "sow.yaml", "--signer", "Jane Doe", "--role", "provider", "--key", "mallory",
    ]);
    let (code, report) = verify(&s, &[]);
    assert_eq!(code, 1);
    assert_eq!(problem_kinds(&report), ["signer_not_allowed"]);
    assert!(
        report["verification"]["refused"][0]
            .as_str()
            .unwrap()
            .contains("is not in allowed_signers")
    );
    // John's key is allowed for John only.
    set_sidecar(
        &s,
        &serde_json::json!({"schema": good["schema"], "signatures": []}),
    );
    s.ok(&[
        "sow", "sign", "sow.yaml", "--signer", "Jane Doe", "--role", "provider", "--key", "john",
    ]);
    assert_eq!(problem_kinds(&verify(&s, &[]).1), ["signer_not_allowed"]);

    // A signatures file from before keys still reads: its digests are reported as unsigned.
    let mut old = good.clone();
    for signature in old["signatures"].as_array_mut().unwrap() {
        signature.as_object_mut().unwrap().remove("ssh_signature");
    }
    set_sidecar(&s, &old);
    let (code, report) = verify(&s, &[]);
    assert_eq!(code, 1);
    assert_eq!(problem_kinds(&report), ["unsigned", "unsigned"]);
    let text = s
        .gigops(&[
            "sow",
            "verify",
            "sow.yaml",
            "--allowed-signers",
            "allowed_signers",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("unsigned: a digest without an SSH signature")
    );
}

#[test]
fn verify_with_the_ledger_finds_a_removed_signature() {
    let s = Sandbox::new();
    if ssh_keygen().is_none() {
        return; // only outside CI
    }
    s.write("sow.yaml", SOW);
    add_deal(&s, "D-1", "USD");
    s.ok(&["sow", "attach", "sow.yaml", "--deal", "D-1"]);
    signed_by_both(&s, Some("D-1"));
    let (code, report) = verify(&s, &["--deal", "D-1"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["ledger_version"], 1);
    assert_eq!(report["verification"]["ledger"], serde_json::json!([]));

    // The client's signature removed from the file: what is left verifies, the ledger does not
    // agree.
    let mut removed = sidecar(&s);
    removed["signatures"].as_array_mut().unwrap().pop();
    set_sidecar(&s, &removed);
    assert_eq!(verify(&s, &[]).0, 0, "the file alone cannot tell");
    let (code, report) = verify(&s, &["--deal", "D-1"]);
    assert_eq!(code, 1);
    let difference = &report["verification"]["ledger"][0];
    assert_eq!(difference["kind"], "missing_in_file");
    assert_eq!(difference["signer"], "john@acme.example");
    assert!(
        report["verification"]["refused"][0]
            .as_str()
            .unwrap()
            .contains("missing from the signatures file")
    );
}

/// `deal add D --currency C`.
fn add_deal(s: &Sandbox, id: &str, currency: &str) {
    s.ok(&[
        "deal",
        "add",
        "--id",
        id,
        "--client",
        "ACME Ltd",
        "--platform",
        "upwork",
        "--value",
        "5000",
        "--currency",
        currency,
    ]);
}

#[test]
fn a_signature_survives_templates_that_render_differently_through_the_kept_copy() {
    let s = Sandbox::new();
    if ssh_keygen().is_none() {
        return; // only outside CI
    }
    s.write("sow.yaml", SOW);
    let jane = new_key(&s, "jane", "");
    s.write("allowed_signers", &format!("\"Jane Doe\" {jane}\n"));
    // As if an earlier gigops had rendered the document this signer read: the signature names
    // that document, which only its kept copy shows now. Signed by OpenSSH over the message
    // the documented rule makes.
    let then = "<!doctype html><html><body>the SOW as an older gigops rendered it</body></html>";
    let digest = gigops_contract::sha256_hex(then.as_bytes());
    let message = format!(
        "gigops.sow-signature/1\nsource-sha256: {}\ndocument-sha256: {digest}\nlang: en\nsigner: Jane Doe\nrole: provider\nsigned-at: 2027-01-03T10:00:00Z\n",
        gigops_contract::sha256_hex(SOW.as_bytes())
    );
    s.write("then.msg", &message);
    assert!(
        keygen(
            &s,
            &["-Y", "sign", "-n", "gigops-sow", "-f", "jane", "then.msg"],
            None
        )
        .status
        .success()
    );
    set_sidecar(
        &s,
        &serde_json::json!({"schema": "gigops.sow-signatures/1", "signatures": [{
            "signer": "Jane Doe", "role": "provider", "signed_at": "2027-01-03T10:00:00Z",
            "source_sha256": gigops_contract::sha256_hex(SOW.as_bytes()),
            "document_sha256": digest, "lang": "en",
            "ssh_signature": read(&s.path("then.msg.sig")),
        }]}),
    );
    let kept = s.path(&format!("sow.yaml.signed-{}.html", &digest[..16]));
    std::fs::write(&kept, then).unwrap();

    let (code, report) = verify(&s, &[]);
    assert_eq!(code, 0, "{report}");
    let check = &report["verification"]["signatures"][0];
    assert_eq!(check["document_matches"], true, "{check}");
    assert_eq!(check["renders_same"], false, "{check}");
    let text = s.ok(&[
        "sow",
        "verify",
        "sow.yaml",
        "--allowed-signers",
        "allowed_signers",
    ]);
    assert!(text.contains("kept copy"), "{text}");

    // An edited copy is not what was signed.
    std::fs::write(&kept, then.replace("older", "newer")).unwrap();
    let (code, report) = verify(&s, &[]);
    assert_eq!(code, 1);
    assert_eq!(problem_kinds(&report), ["document_changed"]);
}

#[test]
fn acceptance_is_judged_on_gate_evidence_recorded_and_ready_to_invoice() {
    let s = Sandbox::new();
    s.write("sow.yaml", SOW);
    // A deal in yuan gets no SOW in dollars.
    add_deal(&s, "D-CNY", "CNY");
    let output = s
        .gigops(&["sow", "attach", "sow.yaml", "--deal", "D-CNY"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is in USD, the deal in CNY"), "{stderr}");
    assert!(
        s.json(&["sow", "list", "--deal", "D-CNY"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    add_deal(&s, "D-1", "USD");
    let attached = s.json(&["sow", "attach", "sow.yaml", "--deal", "D-1"]);
    assert_eq!(attached["version"], 1);

    // A failing test: not accepted, exit 1, and the failed item says what was measured.
    gate_summary(&s, "failing.json", FAILING_JUNIT);
    let output = s
        .gigops(&[
            "accept",
            "M1",
            "--sow",
            "sow.yaml",
            "--evidence",
            "failing.json",
            "--tick",
            "demo",
            "--by",
            "John Roe",
            "--deal",
            "D-1",
            "--json",
            "-o",
            "m1.md",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(record["accepted"], false);
    let item = |record: &serde_json::Value, id: &str| {
        record["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(item(&record, "tests")["outcome"], "failed");
    assert!(
        item(&record, "tests")["measured"]
            .as_str()
            .unwrap()
            .contains('1')
    );
    assert_eq!(item(&record, "coverage")["outcome"], "passed");
    assert_eq!(item(&record, "demo")["outcome"], "passed");
    assert_eq!(item(&record, "demo")["ticked"]["by"], "John Roe");
    let first_tick = item(&record, "demo")["ticked"].clone();
    let digest = &record["evidence"][0];
    assert_eq!(digest["name"], "failing.json");
    assert_eq!(digest["sha256"].as_str().unwrap().len(), 64);
    assert!(read(&s.path("m1.md")).contains("M1"));
    assert!(s.json(&["milestones"]).as_array().unwrap().is_empty());

    // The manual item left unticked is pending: still not accepted.
    gate_summary(&s, "passing.json", PASSING_JUNIT);
    let output = s
        .gigops(&[
            "accept",
            "M1",
            "--sow",
            "sow.yaml",
            "--evidence",
            "passing.json",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(item(&record, "demo")["outcome"], "pending");

    // With the deal, the tick of the milestone's last recorded evaluation stands.
    let carried = s.json(&[
        "accept",
        "M1",
        "--sow",
        "sow.yaml",
        "--evidence",
        "passing.json",
        "--deal",
        "D-1",
    ]);
    assert_eq!(carried["accepted"], true, "{carried}");
    assert_eq!(item(&carried, "demo")["outcome"], "passed");
    assert_eq!(item(&carried, "demo")["ticked"], first_tick);

    // Everything passes: accepted, checklist rendered, listed as ready to invoice.
    s.ok(&[
        "accept",
        "M1",
        "--sow",
        "sow.yaml",
        "--evidence",
        "passing.json",
        "--tick",
        "demo",
        "--by",
        "John Roe",
        "--note",
        "demo on 2027-01-28",
        "--deal",
        "D-1",
        "-o",
        "m1.html",
        "-o",
        "m1.pdf",
    ]);
    assert!(read(&s.path("m1.html")).contains("John Roe"));
    assert!(
        std::fs::read(s.path("m1.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
    // The command item's command runs only when allowed: a SOW can come from someone else.
    let output = s
        .gigops(&["accept", "M2", "--sow", "sow.yaml", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(item(&record, "smoke")["outcome"], "pending");
    let sow_sha = gigops_contract::sha256_hex(SOW.as_bytes());
    let measured = item(&record, "smoke")["measured"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        measured.contains("--allow-commands") && measured.contains(&sow_sha),
        "{measured}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("smoke: $ sh -c exit 0"),
        "the commands are listed: {stderr}"
    );
    assert!(!stderr.contains("running"), "{stderr}");
    // Allowed: shown, then run.
    let output = s
        .gigops(&[
            "accept",
            "M2",
            "--sow",
            "sow.yaml",
            "--deal",
            "D-1",
            "--allow-commands",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("running the command of item smoke: $ sh -c exit 0")
    );
    // Trusted by its digest in the user's own configuration: runs without the flag.
    s.write(
        "home/.config/gigops/config.toml",
        &format!("[contract]\ntrusted_commands = [\"{sow_sha}\"]\n"),
    );
    assert_eq!(
        s.json(&["accept", "M2", "--sow", "sow.yaml"])["accepted"],
        true
    );
    // ...but never from ./gigops.toml, which a checked-out repository can bring.
    s.write(
        "gigops.toml",
        &format!("[contract]\ntrusted_commands = [\"{sow_sha}\"]\n"),
    );
    let output = s
        .gigops(&["accept", "M2", "--sow", "sow.yaml"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("honoured only in your own configuration")
    );
    std::fs::remove_file(s.path("gigops.toml")).unwrap();

    let ready = s.json(&["milestones", "--deal", "D-1"]);
    let ids: Vec<&str> = ready
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["milestone"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["M1", "M2"]);
    assert_eq!(ready[0]["amount_minor"], 200_000);
    // Lost after acceptance: nothing of the deal is billed.
    s.ok(&[
        "deal",
        "close",
        "D-1",
        "lost",
        "--reason",
        "client cancelled the project",
    ]);
    assert!(
        s.json(&["milestones", "--deal", "D-1"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A SOW file changed after it was attached is not what the ledger holds.
    std::fs::write(
        s.path("sow.yaml"),
        SOW.replace("net_days: 14", "net_days: 30"),
    )
    .unwrap();
    let output = s
        .gigops(&["accept", "M2", "--sow", "sow.yaml", "--deal", "D-1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("attach it first"));

    // Ticking an item that is decided by evidence is refused.
    let output = s
        .gigops(&[
            "accept", "M1", "--sow", "sow.yaml", "--tick", "tests", "--by", "x",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// `summary` with the run's repository and commit, as `gigops gate run` records them in a git
/// checkout, and, for `whole_suite`, the selection `gate run` records for a whole-suite command.
fn of_run(s: &Sandbox, name: &str, commit: &str, whole_suite: bool) {
    let mut summary: serde_json::Value = serde_json::from_str(&read(&s.path(name))).unwrap();
    summary["project"]["repository"] = "https://git.example/acme/shop.git".into();
    summary["project"]["commit"] = commit.into();
    if whole_suite {
        summary["selection"] = serde_json::json!({"complete": true, "filters": []});
    }
    std::fs::write(s.path(name), summary.to_string()).unwrap();
}

#[test]
fn gate_evidence_counts_for_its_own_run_only() {
    let s = Sandbox::new();
    s.write("sow.yaml", SOW);
    add_deal(&s, "D-1", "USD");
    s.ok(&["sow", "attach", "sow.yaml", "--deal", "D-1"]);
    let accept = |evidence: &str, deal: bool| {
        let mut args = vec![
            "accept",
            "M1",
            "--sow",
            "sow.yaml",
            "--evidence",
            evidence,
            "--tick",
            "demo",
            "--by",
            "John Roe",
            "--json",
        ];
        if deal {
            args.extend(["--deal", "D-1"]);
        }
        let output = s.gigops(&args).output().unwrap();
        assert!(output.status.code().unwrap() <= 1, "{output:?}");
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let outcome = |record: &serde_json::Value, id: &str| {
        record["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()["outcome"]
            .clone()
    };

    // The whole suite passed on commit a1b2c3: accepted, and the checklist names the run.
    gate_summary(&s, "full.json", PASSING_JUNIT);
    of_run(
        &s,
        "full.json",
        "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        true,
    );
    let record = accept("full.json", false);
    assert_eq!(record["accepted"], true, "{record}");
    assert_eq!(
        record["judged"]["repository"],
        "https://git.example/acme/shop.git"
    );
    assert_eq!(
        record["judged"]["commit"],
        "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
    );
    assert_eq!(record["judged"]["complete"], true);
    assert_eq!(
        record["counts"],
        serde_json::json!({"passed": 3, "failed": 0, "pending": 0})
    );
    s.ok(&[
        "accept",
        "M1",
        "--sow",
        "sow.yaml",
        "--evidence",
        "full.json",
        "--tick",
        "demo",
        "--by",
        "John Roe",
        "-o",
        "m1.html",
        "-o",
        "m1.md",
        "-o",
        "m1.pdf",
        "--lang",
        "zh-CN",
    ]);
    for file in ["m1.html", "m1.md"] {
        // HTML escapes the slashes.
        let text = read(&s.path(file)).replace("&#x2f;", "/");
        assert!(text.contains("https://git.example/acme/shop.git"), "{file}");
        assert!(
            text.contains("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"),
            "{file}"
        );
        assert!(text.contains("全部测试"), "{file}: the whole suite ran");
    }

    // A run of one test only is no evidence for "all tests pass" or coverage.
    gate_summary_with(
        &s,
        "partial.json",
        PASSING_JUNIT,
        &["--partial=-run TestPay"],
    );
    of_run(
        &s,
        "partial.json",
        "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        false,
    );
    let record = accept("partial.json", false);
    assert_eq!(record["accepted"], false);
    assert_eq!(outcome(&record, "tests"), "pending");
    assert_eq!(outcome(&record, "coverage"), "pending");
    let measured = record["items"][0]["measured"].as_str().unwrap();
    assert!(
        measured.contains("partial run (-run TestPay)"),
        "{measured}"
    );

    // A failing run recorded for the milestone after the passing one: the older summary is
    // refused, whatever it says.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    s.write("report.xml", FAILING_JUNIT);
    let recorded = s
        .gigops(&[
            "gate",
            "ingest",
            "report.xml",
            "lcov.info",
            "--no-debt",
            "--deal",
            "D-1",
            "--milestone",
            "M1",
            "--record",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(recorded.status.code(), Some(1), "{recorded:?}");
    let record = accept("full.json", true);
    assert_eq!(record["accepted"], false, "{record}");
    assert_eq!(outcome(&record, "tests"), "failed");
    assert_eq!(outcome(&record, "coverage"), "failed");
    assert_eq!(outcome(&record, "demo"), "passed");
    assert!(
        record["items"][0]["measured"]
            .as_str()
            .unwrap()
            .starts_with("refused: a later run failed")
    );
    // Without the ledger nothing is known of that run.
    assert_eq!(accept("full.json", false)["accepted"], true);
}
