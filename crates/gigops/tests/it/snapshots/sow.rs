//! `gigops sow …`, `gigops accept` and `gigops milestones` on the contract crate's full SOW
//! fixture: the template, checks with every problem, diff, SLO export, the Markdown and JSON
//! renderings, attach, sign-off with fixed keys (so the signatures are the same every run),
//! verification, acceptance with its checklist, and the milestones ready to invoice.

use super::{Shots, fixture};

/// Jane's Ed25519 key, made for these tests with `ssh-keygen -t ed25519 -N ""`: a fixed key
/// makes fixed signatures (Ed25519 signing is deterministic), so they can be snapshotted.
const JANE_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACCQGFOTbM/PlQiahy+PBJGHRLSRi0KEJsMcbu38JZ4XGwAAAIhfcVGpX3FR
qQAAAAtzc2gtZWQyNTUxOQAAACCQGFOTbM/PlQiahy+PBJGHRLSRi0KEJsMcbu38JZ4XGw
AAAEBvlgDpeHLWtiZRo2I54k9XTv3KtVAC68tcdQ+2HA9ZupAYU5Nsz8+VCJqHL48EkYdE
tJGLQoQmwxxu7fwlnhcbAAAABGphbmUB
-----END OPENSSH PRIVATE KEY-----
";
const JANE_PUB: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJAYU5Nsz8+VCJqHL48EkYdEtJGLQoQmwxxu7fwlnhcb jane";
/// John's key, used through `ssh-keygen -Y sign` as a client without gigops would.
const JOHN_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACDGlGkPSD5KuNR2QnkkZQWeAfIIjyo9QPJgumJ3qpPZswAAAIgDiQ63A4kO
twAAAAtzc2gtZWQyNTUxOQAAACDGlGkPSD5KuNR2QnkkZQWeAfIIjyo9QPJgumJ3qpPZsw
AAAEBiaHCqQ26UgfNiENEGlbWskzodcjjC8guwFf2nAPZGb8aUaQ9IPkq41HZCeSRlBZ4B
8giPKj1A8mC6Yneqk9mzAAAABGpvaG4B
-----END OPENSSH PRIVATE KEY-----
";
const JOHN_PUB: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMaUaQ9IPkq41HZCeSRlBZ4B8giPKj1A8mC6Yneqk9mz john";

/// Writes a private key as ssh-keygen wants it: readable by its owner only.
fn write_key(s: &Shots, name: &str, key: &str) {
    let path = s.write(name, key);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// The template, checks, diff, renderings and SLO export: no ledger needed.
#[test]
fn sow_documents() {
    let s = Shots::new();
    s.json("sow_new", &["sow", "new"], 0);
    s.json("sow_new_zh", &["sow", "new", "--lang", "zh-CN"], 0);
    s.json("sow_new_written", &["sow", "new", "-o", "new.yaml"], 0);
    s.json("sow_check_template", &["sow", "check", "new.yaml"], 0);
    s.json("sow_schema", &["sow", "schema"], 0);
    for bad in ["keys", "money-bad", "dates", "items"] {
        s.write(
            &format!("{bad}.yaml"),
            &crate::read(std::path::Path::new(&fixture(&format!(
                "gigops-contract/tests/fixtures/{bad}.yaml"
            )))),
        );
        s.json(
            &format!("sow_check_{}", bad.replace('-', "_")),
            &["sow", "check", &format!("{bad}.yaml")],
            2,
        );
    }
    s.text("table_sow_check_keys", &["sow", "check", "keys.yaml"], 2);

    let sow = crate::read(std::path::Path::new(&fixture(
        "gigops-contract/tests/fixtures/valid.yaml",
    )));
    s.write("sow.yaml", &sow);
    s.write(
        "sow-v2.yaml",
        &sow.replace("amount: \"4000.00\"", "amount: \"5000.00\"")
            .replace("total: \"12000.00\"", "total: \"13000.00\"")
            .replace("due: 2027-01-29", "due: 2027-02-05")
            .replace("availability: 99.9", "availability: 99.95"),
    );
    s.json("sow_diff", &["sow", "diff", "sow.yaml", "sow-v2.yaml"], 0);
    s.text(
        "table_sow_diff",
        &["sow", "diff", "sow.yaml", "sow-v2.yaml"],
        0,
    );
    s.json("sow_slo", &["sow", "slo", "sow.yaml"], 0);
    s.text("sow_slo_openslo", &["sow", "slo", "sow.yaml"], 0);
    s.json(
        "sow_render",
        &[
            "sow", "render", "sow.yaml", "-o", "sow.md", "-o", "sow.json",
        ],
        0,
    );
    s.file("sow_render.md", "sow.md");
    s.file("sow_render.json", "sow.json");
    s.json(
        "sow_render_zh",
        &[
            "sow",
            "render",
            "sow.yaml",
            "--lang",
            "zh-CN",
            "-o",
            "sow.zh-CN.md",
        ],
        0,
    );
    s.file("sow_render_zh.md", "sow.zh-CN.md");
    s.text(
        "sow_render_refused",
        &["sow", "render", "sow.yaml", "-o", "sow.docx", "--json"],
        2,
    );
}

/// A deal's SOW attached, signed by both sides (one through gigops, one through ssh-keygen),
/// verified, tampered with; two milestones judged on gate evidence, a manual tick and a
/// command; the checklists; the milestones ready to invoice.
#[test]
fn sow_sign_off_acceptance_and_milestones() {
    // John signs through OpenSSH's ssh-keygen: without it (a failure under CI) there is no
    // sign-off to snapshot.
    let Some(ssh_keygen) = crate::sow::ssh_keygen() else {
        return;
    };
    let s = Shots::new();
    let sow = crate::read(std::path::Path::new(&fixture(
        "gigops-contract/tests/fixtures/valid.yaml",
    )));
    s.write("sow.yaml", &sow);
    s.run(
        &[
            "deal",
            "add",
            "--id",
            "D-1",
            "--client",
            "ACME Ltd",
            "--platform",
            "direct",
            "--value",
            "12000",
            "--currency",
            "USD",
            "--opened-at",
            "2026-11-02",
        ],
        0,
    );
    s.run(
        &[
            "deal",
            "add",
            "--id",
            "D-2",
            "--client",
            "杭州云栈科技",
            "--platform",
            "码市",
            "--value",
            "80000",
            "--currency",
            "CNY",
            "--opened-at",
            "2026-11-03",
        ],
        0,
    );
    s.text(
        "sow_attach_refused",
        &["sow", "attach", "sow.yaml", "--deal", "D-2", "--json"],
        2,
    );
    s.json(
        "sow_attach",
        &["sow", "attach", "sow.yaml", "--deal", "D-1"],
        0,
    );
    s.json("sow_list", &["sow", "list"], 0);
    s.text("table_sow_list", &["sow", "list", "--deal", "D-1"], 0);

    write_key(&s, "jane", JANE_KEY);
    write_key(&s, "john", JOHN_KEY);
    s.write(
        "allowed_signers",
        &format!(
            "# who may sign our SOWs\n\"Jane Doe\" {JANE_PUB}\njohn@acme.example namespaces=\"gigops-sow\" {JOHN_PUB}\n"
        ),
    );
    s.json(
        "sow_sign",
        &[
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
            "--deal",
            "D-1",
        ],
        0,
    );
    let john = [
        "sow",
        "sign",
        "sow.yaml",
        "--signer",
        "john@acme.example",
        "--role",
        "client",
        "--lang",
        "zh-CN",
        "--at",
        "2027-01-04T09:30:00Z",
    ];
    let mut message = john.to_vec();
    message.push("--message");
    let printed = s.json("sow_sign_message", &message, 0);
    s.write("john.msg", printed["message"].as_str().unwrap());
    let signed = std::process::Command::new(ssh_keygen)
        .args(["-Y", "sign", "-n", "gigops-sow", "-f", "john", "john.msg"])
        .current_dir(s.path("."))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("ssh-keygen (openssh-client) runs");
    assert!(signed.status.success(), "{signed:?}");
    let mut recorded = john.to_vec();
    recorded.extend(["--ssh-signature", "john.msg.sig", "--deal", "D-1"]);
    s.json("sow_sign_ssh_signature", &recorded, 0);
    s.file("sow_signatures_file.json", "sow.yaml.signatures.json");
    let verify = [
        "sow",
        "verify",
        "sow.yaml",
        "--allowed-signers",
        "allowed_signers",
        "--deal",
        "D-1",
    ];
    s.json("sow_verify", &verify, 0);
    s.text("table_sow_verify", &verify, 0);
    s.json(
        "sow_render_signed",
        &[
            "sow",
            "render",
            "sow.yaml",
            "--allowed-signers",
            "allowed_signers",
            "-o",
            "signed.md",
        ],
        0,
    );
    s.file("sow_render_signed.md", "signed.md");

    // Evidence: the contract crate's gate summaries, and a smoke script that exits 3 as M2
    // expects of it.
    for name in ["passing", "failing"] {
        s.write(
            &format!("{name}.json"),
            &crate::read(std::path::Path::new(&fixture(&format!(
                "gigops-contract/tests/fixtures/gate/{name}.json"
            )))),
        );
    }
    let smoke = s.write("smoke", "#!/bin/sh\nexit 3\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&smoke, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    s.json(
        "accept_failing",
        &[
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
            "--note",
            "demo on 2027-01-28",
            "--at",
            "2027-01-29T10:00:00Z",
            "--deal",
            "D-1",
            "-o",
            "m1-failing.md",
        ],
        1,
    );
    s.file("accept_failing.md", "m1-failing.md");
    s.json(
        "accept_passing_pending",
        &[
            "accept",
            "M1",
            "--sow",
            "sow.yaml",
            "--evidence",
            "passing.json",
            "--no-commands",
            "--at",
            "2027-01-30T10:00:00Z",
            "--deal",
            "D-1",
            "--lang",
            "zh-CN",
            "-o",
            "m1.zh-CN.md",
        ],
        1,
    );
    s.file("accept_passing_pending.zh-CN.md", "m1.zh-CN.md");
    s.json(
        "accept_commands_not_allowed",
        &[
            "accept",
            "M2",
            "--sow",
            "sow.yaml",
            "--evidence",
            "passing.json",
            "--at",
            "2027-03-30T10:00:00Z",
        ],
        1,
    );
    s.json(
        "accept",
        &[
            "accept",
            "M2",
            "--sow",
            "sow.yaml",
            "--evidence",
            "passing.json",
            "--allow-commands",
            "--at",
            "2027-03-31T10:00:00Z",
            "--deal",
            "D-1",
            "-o",
            "m2.md",
        ],
        0,
    );
    s.file("accept.md", "m2.md");
    s.text(
        "table_accept",
        &[
            "accept",
            "M2",
            "--sow",
            "sow.yaml",
            "--evidence",
            "passing.json",
            "--allow-commands",
            "--at",
            "2027-03-31T10:00:00Z",
        ],
        0,
    );
    s.text(
        "accept_refused_tick",
        &[
            "accept", "M1", "--sow", "sow.yaml", "--tick", "tests", "--by", "x", "--json",
        ],
        2,
    );
    s.json("milestones", &["milestones"], 0);
    s.json("milestones_of_deal", &["milestones", "--deal", "D-1"], 0);
    s.text("table_milestones", &["milestones"], 0);

    // The SOW edited after signing: verify fails (exit 1) and says why.
    std::fs::write(
        s.path("sow.yaml"),
        sow.replace("net_days: 14", "net_days: 45"),
    )
    .unwrap();
    s.json("sow_verify_changed", &verify, 1);
    s.text("table_sow_verify_changed", &verify, 1);
}
