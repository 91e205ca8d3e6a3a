//! `gigops sow …`, `gigops accept` and `gigops milestones`: the statement of work as a file both
//! sides read and gigops checks, signs, exports, evaluates and stores (docs/contracts.md).

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};

use anyhow::Context as _;

use gigops_app::acceptance::{self, CommandsAsked, CommandsDecision};
use gigops_app::{results, signoff};
use gigops_contract::{AcceptanceRecord, AllowedSigners, CommandResult, Evidence, Sow, sha256_hex};
use gigops_core::{DealId, Lang, Problems, Signature};
use gigops_store::{ClientScope, ContractStore, NewSow, SowMilestone, StoredSow};
use serde::Serialize;

use crate::cli::{AcceptArgs, SignArgs, SloFormat, SowCommand};
use crate::commands::quote::read;
use crate::commands::{Context, instant_or_now};
use crate::exit::bad_input;
use crate::output::{
    AtomicFiles, note, print_json, print_line, print_raw, print_table, stage_document,
};

/// Exit code of `sow verify` when a signed SOW changed, and of `accept` when a milestone is not
/// accepted: a check that failed.
const CHECK_FAILED: u8 = 1;

pub async fn run(ctx: &Context, command: SowCommand) -> anyhow::Result<ExitCode> {
    match command {
        SowCommand::New { lang, output } => new(ctx, lang, output.as_deref())?,
        SowCommand::Check { file } => return check(ctx, &file),
        // The schema is JSON already: `--json` prints it as it is.
        SowCommand::Schema => print_json(&gigops_contract::schema())?,
        SowCommand::Diff { old, new } => diff(ctx, &old, &new)?,
        SowCommand::Render {
            file,
            output,
            lang,
            signatures,
            allowed_signers,
        } => render(
            ctx,
            &file,
            &output,
            lang,
            signatures.as_deref(),
            allowed_signers.as_deref(),
        )?,
        SowCommand::Sign(args) => sign(ctx, args).await?,
        SowCommand::Verify {
            file,
            allowed_signers,
            signatures,
            deal,
        } => {
            return verify(
                ctx,
                &file,
                &allowed_signers,
                signatures.as_deref(),
                deal.as_deref(),
            )
            .await;
        }
        SowCommand::Slo { file, format } => {
            let (_, sow) = load(&file)?;
            let (name, document) = match format {
                SloFormat::Openslo => ("openslo", gigops_contract::openslo(&sow)),
            };
            if ctx.json {
                print_json(&results::SloExport {
                    document,
                    format: name,
                })?;
            } else {
                print_raw(document.as_bytes())?;
            }
        }
        SowCommand::Attach { file, deal } => {
            let (source, sow) = load(&file)?;
            let deal = DealId::parse(&deal)?;
            let new = NewSow {
                sow_id: sow.id.clone(),
                created_at: instant_or_now(None)?,
                currency: sow.currency,
                source_sha256: sha256_hex(source.as_bytes()),
                sow_json: serde_json::to_string(&sow)?,
                milestones: sow
                    .milestones
                    .iter()
                    .map(|m| SowMilestone {
                        id: m.id.clone(),
                        title: m.title.clone(),
                        due: m.due,
                        amount_minor: m.amount_minor,
                    })
                    .collect(),
                source,
            };
            let version = ctx.store().await?.attach_sow(&deal, &new).await?;
            if ctx.json {
                print_json(&results::SowAttached {
                    deal_id: deal.clone(),
                    source_sha256: new.source_sha256.clone(),
                    sow_id: new.sow_id.clone(),
                    version,
                })?;
            } else {
                print_line(format!(
                    "{} attached to {deal} as version {version}",
                    sow.id
                ))?;
            }
        }
        SowCommand::List { deal } => {
            let deal = deal.as_deref().map(DealId::parse).transpose()?;
            let sows = ctx
                .store()
                .await?
                .sows(deal.as_ref(), &ClientScope::All)
                .await?;
            list(ctx, &sows)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `sow sign`: the sign-off made with a key (or taken from ssh-keygen), recorded in the ledger
/// first (with --deal), then beside the SOW with the document the signer read.
async fn sign(ctx: &Context, args: SignArgs) -> anyhow::Result<()> {
    let SignArgs {
        file,
        signer,
        role,
        key,
        message,
        ssh_signature,
        lang,
        at,
        deal,
    } = args;
    let (source, sow) = load(&file)?;
    let lang = lang.unwrap_or(sow.language);
    let document = signoff::signed_document(&sow, lang)?;
    let signer = signoff::Signer {
        name: signer,
        role,
        signed_at: instant_or_now(at.as_deref())?,
        lang,
    };
    let unsigned = signoff::unsigned(signer, &source, &document);
    if message {
        let text = gigops_contract::signed_message(&unsigned);
        return if ctx.json {
            print_json(&results::SignedMessage { message: text })
        } else {
            print_raw(text.as_bytes())
        };
    }
    let signature = match (key, ssh_signature) {
        (Some(key), _) => {
            let key = read_private_key(&key)?;
            gigops_contract::sign(unsigned, &key).map_err(|e| bad_input(e.to_string()))?
        }
        (None, Some(path)) => {
            let pem = read(&path)?;
            gigops_contract::with_ssh_signature(unsigned, &pem)
                .map_err(|e| bad_input(format!("{}: {e}", path.display())))?
        }
        (None, None) => unreachable!("clap requires --key, --message or --ssh-signature"),
    };
    // The ledger first: a refused signature (a SOW not attached) leaves no sidecar.
    if let Some(deal) = deal {
        let deal = DealId::parse(&deal)?;
        signoff::record(ctx.store().await?, &deal, &sow, &signature).await?;
    }
    let path = signoff::signatures_path(&file);
    let mut signatures = read_signatures(&path)?.unwrap_or_default();
    signatures.push(signature.clone());
    let mut files = AtomicFiles::default();
    files.stage(&path, &signoff::encode_signatures(&signatures)?)?;
    if let Some(kept) = signoff::kept_document_path(&file, &signature.document_sha256) {
        files.stage(&kept, document.as_bytes())?;
    }
    files.commit()?;
    if ctx.json {
        print_json(&signature)?;
    } else {
        print_line(format!(
            "signed by {} ({}) at {}: document {}…, recorded in {}",
            signature.signer,
            signature.role,
            signature.signed_at,
            &signature.document_sha256[..12],
            path.display()
        ))?;
    }
    Ok(())
}

/// Reads and checks a SOW file: its text as written, and the SOW it says.
fn load(path: &Path) -> anyhow::Result<(String, Sow)> {
    let source = read(path)?;
    let sow = gigops_contract::read(&path.display().to_string(), &source)?;
    Ok((source, sow))
}

fn new(ctx: &Context, lang: Lang, output: Option<&Path>) -> anyhow::Result<()> {
    let template = gigops_contract::template(lang);
    let Some(path) = output else {
        if ctx.json {
            return print_json(&results::SowTemplate {
                document: template.to_string(),
                lang,
            });
        }
        print_raw(template.as_bytes())?;
        return Ok(());
    };
    if path.exists() {
        return Err(bad_input(format!(
            "{}: already exists; choose another name or remove it first",
            path.display()
        )));
    }
    let mut files = AtomicFiles::default();
    files.stage(path, template.as_bytes())?;
    let written = files.commit()?;
    if ctx.json {
        return print_json(&results::Written { written });
    }
    note!(
        "wrote {}; fill it in, then `gigops sow check {}`",
        path.display(),
        path.display()
    );
    Ok(())
}

fn check(ctx: &Context, path: &Path) -> anyhow::Result<ExitCode> {
    let source = read(path)?;
    let name = path.display().to_string();
    let problems = gigops_contract::check(&name, &source);
    if ctx.json {
        print_json(&results::SowChecked {
            file: name.clone(),
            ok: problems.is_empty(),
            problems: problems
                .iter()
                .map(|p| results::CheckedProblem {
                    column: p
                        .column
                        .strip_prefix("column ")
                        .and_then(|n| n.parse().ok()),
                    file: p.file.clone(),
                    line: p.line,
                    reason: p.reason.clone(),
                })
                .collect(),
        })?;
    } else if problems.is_empty() {
        print_line(format!("{name}: no problems"))?;
    } else {
        let count = problems.len();
        note!(
            "{name}: {count} problem{}:",
            if count == 1 { "" } else { "s" }
        );
        for problem in &problems {
            note!("  {problem}");
        }
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::exit::BAD_INPUT)
    })
}

fn diff(ctx: &Context, old: &Path, new: &Path) -> anyhow::Result<()> {
    // Both files are checked before either is compared, so all problems come at once.
    let results = [old, new].map(|path| -> anyhow::Result<Result<Sow, Problems>> {
        let source = read(path)?;
        Ok(gigops_contract::read(&path.display().to_string(), &source))
    });
    let [old_sow, new_sow] = results;
    let (old_sow, new_sow) = match (old_sow?, new_sow?) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let mut problems = Vec::new();
            for result in [a, b] {
                if let Err(Problems(found)) = result {
                    problems.extend(found);
                }
            }
            return Err(Problems(problems).into());
        }
    };
    let changes = gigops_contract::diff(&old_sow, &new_sow);
    if ctx.json {
        return print_json(&changes);
    }
    if changes.is_empty() {
        return print_line("no change of meaning");
    }
    print_table(
        &["change", "where", "was", "now"],
        changes.changes.iter().map(|c| {
            vec![
                serialized_name(c.kind),
                c.path.clone(),
                c.old.clone().unwrap_or_default(),
                c.new.clone().unwrap_or_default(),
            ]
        }),
    )
}

fn render(
    ctx: &Context,
    file: &Path,
    outputs: &[PathBuf],
    lang: Option<Lang>,
    signatures: Option<&Path>,
    allowed_signers: Option<&Path>,
) -> anyhow::Result<()> {
    let (source, sow) = load(file)?;
    let lang = lang.unwrap_or(sow.language);
    let signatures = match signatures {
        Some(path) => read_signatures(path)?
            .ok_or_else(|| bad_input(format!("--signatures {}: no such file", path.display())))?,
        None => read_signatures(&signoff::signatures_path(file))?.unwrap_or_default(),
    };
    let allowed = allowed_signers.map(read_allowed_signers).transpose()?;
    // Every signature shown is checked first: one that does not verify is shown as such, and
    // a document edited after signing says so.
    let sign_off = (!signatures.is_empty())
        .then(|| {
            check_signatures(
                file,
                &source,
                Some(&sow),
                &signatures,
                allowed.as_ref(),
                None,
            )
        })
        .transpose()?;
    let outputs = if outputs.is_empty() {
        vec![PathBuf::from("sow.html"), PathBuf::from("sow.pdf")]
    } else {
        outputs.to_vec()
    };
    let templates = ctx.settings.report.templates.as_deref();
    let mut files = AtomicFiles::default();
    let document = gigops_render::SowDocument {
        sow: &sow,
        sign_off: sign_off.as_ref(),
    };
    stage_document(&mut files, &document, &outputs, lang, templates)?;
    let written = files.commit()?;
    if ctx.json {
        return print_json(&results::Written { written });
    }
    for path in written {
        print_line(path.display())?;
    }
    Ok(())
}

async fn verify(
    ctx: &Context,
    file: &Path,
    allowed_signers: &Path,
    signatures: Option<&Path>,
    deal: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let path = signatures.map_or_else(|| signoff::signatures_path(file), Path::to_path_buf);
    let Some(signatures) = read_signatures(&path)? else {
        return Err(bad_input(format!(
            "{}: no signatures: expected the file `gigops sow sign` writes",
            path.display()
        )));
    };
    let allowed = read_allowed_signers(allowed_signers)?;
    let source = read(file)?;
    // A SOW that no longer reads is changed by definition: its document cannot be rebuilt, so
    // no document matches either.
    let sow = gigops_contract::read(&file.display().to_string(), &source).ok();
    let deal = deal.map(DealId::parse).transpose()?;
    let ledger = match &deal {
        Some(deal) => Some(signoff::ledger_signatures(ctx.store().await?, deal, &source).await?),
        None => None,
    };
    let verification = check_signatures(
        file,
        &source,
        sow.as_ref(),
        &signatures,
        Some(&allowed),
        ledger.as_ref().map(|(_, stored)| stored.as_slice()),
    )?;
    if ctx.json {
        print_json(&results::SowVerified {
            deal: deal.clone(),
            file: file.display().to_string(),
            intact: verification.intact,
            ledger_version: ledger.as_ref().map(|(version, _)| *version),
            verification: verification.clone(),
        })?;
    } else {
        for c in &verification.signatures {
            let state = if c.valid {
                match (&c.key, c.renders_same) {
                    (Some(key), true) => format!("valid (key {key})"),
                    (Some(key), false) => format!(
                        "valid (key {key}; as the kept copy of the signed document shows: this \
                         gigops renders it differently)"
                    ),
                    (None, _) => "valid".to_string(),
                }
            } else {
                "NOT VALID".to_string()
            };
            print_line(format!(
                "{} ({}) at {}: {state}",
                c.signer, c.role, c.signed_at
            ))?;
        }
        if let Some((version, _)) = &ledger {
            print_line(format!(
                "compared with the ledger's signatures of version {version}"
            ))?;
        }
        for reason in &verification.refused {
            print_line(format!("refused: {reason}"))?;
        }
        print_line(if verification.intact {
            "intact: every signature is a valid sign-off of this SOW"
        } else {
            "NOT intact"
        })?;
    }
    Ok(if verification.intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(CHECK_FAILED)
    })
}

/// The signatures checked against the SOW `file` as it is now ([`signoff::verify`]), with the
/// documents kept beside it when they were signed.
fn check_signatures(
    file: &Path,
    source: &str,
    sow: Option<&Sow>,
    signatures: &[Signature],
    allowed: Option<&AllowedSigners>,
    ledger: Option<&[Signature]>,
) -> anyhow::Result<gigops_contract::Verification> {
    let mut kept = Vec::new();
    for path in signatures
        .iter()
        .filter_map(|s| signoff::kept_document_path(file, &s.document_sha256))
    {
        if path.exists() {
            kept.push(std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
        }
    }
    signoff::verify(source, sow, signatures, &kept, allowed, ledger)
}

fn read_allowed_signers(path: &Path) -> anyhow::Result<AllowedSigners> {
    let text = read(path)?;
    Ok(AllowedSigners::parse(&path.display().to_string(), &text)?)
}

/// An OpenSSH private key file. Its text is never printed: a problem names the file only.
fn read_private_key(path: &Path) -> anyhow::Result<gigops_contract::PrivateKey> {
    let text = read(path)?;
    gigops_contract::PrivateKey::from_openssh(text.trim()).map_err(|e| {
        bad_input(format!(
            "{}: not an OpenSSH private key (-----BEGIN OPENSSH PRIVATE KEY-----): {e}",
            path.display()
        ))
    })
}

/// The signatures in `path`, or `None` when there is no such file.
fn read_signatures(path: &Path) -> anyhow::Result<Option<Vec<Signature>>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = read(path)?;
    signoff::decode_signatures(&path.display().to_string(), &text).map(Some)
}

fn list(ctx: &Context, sows: &[StoredSow]) -> anyhow::Result<()> {
    if ctx.json {
        #[derive(Serialize)]
        struct Listed<'s> {
            deal_id: &'s DealId,
            version: u32,
            sow_id: &'s str,
            created_at: String,
            source_sha256: &'s str,
            milestones: &'s [gigops_store::StoredMilestone],
        }
        return print_json(
            &sows
                .iter()
                .map(|s| Listed {
                    deal_id: &s.deal_id,
                    version: s.version,
                    sow_id: &s.sow_id,
                    created_at: s.created_at.to_string(),
                    source_sha256: &s.source_sha256,
                    milestones: &s.milestones,
                })
                .collect::<Vec<_>>(),
        );
    }
    print_table(
        &[
            "deal",
            "version",
            "sow",
            "created",
            "milestones",
            "total",
            "sha256",
        ],
        sows.iter().map(|s| {
            let total: i64 = s.milestones.iter().map(|m| m.amount_minor).sum();
            vec![
                s.deal_id.to_string(),
                s.version.to_string(),
                s.sow_id.clone(),
                s.created_at.to_string(),
                s.milestones.len().to_string(),
                gigops_core::Money::new(total, s.currency).to_string(),
                s.source_sha256[..12].to_string(),
            ]
        }),
    )
}

pub async fn accept(ctx: &Context, args: AcceptArgs) -> anyhow::Result<ExitCode> {
    let (source, sow) = load(&args.sow)?;
    let milestone = acceptance::milestone(&sow, &args.sow.display().to_string(), &args.milestone)?;
    let now = instant_or_now(args.at.as_deref())?;
    let sow_sha256 = sha256_hex(source.as_bytes());
    let mut evidence = read_evidence(&args.evidence)?;
    let ticker = acceptance::Ticker {
        by: args.by.as_deref(),
        note: args.note.as_deref(),
    };
    evidence.ticks = acceptance::ticks(milestone, &args.tick, &ticker, now)?;
    // Who stores the verdict is checked before anything is run or written.
    let deal = args.deal.as_deref().map(DealId::parse).transpose()?;
    let version = match &deal {
        Some(deal) => Some(
            acceptance::from_ledger(
                ctx.store().await?,
                deal,
                &sow,
                &sow_sha256,
                milestone,
                &mut evidence,
            )
            .await?,
        ),
        None => None,
    };
    let asked = if args.no_commands {
        CommandsAsked::Skip
    } else if args.allow_commands {
        CommandsAsked::Allow
    } else {
        CommandsAsked::Default
    };
    match acceptance::commands(milestone, asked, &ctx.settings, &sow_sha256, &mut evidence) {
        CommandsDecision::Run(commands) => {
            for (id, argv) in commands {
                // Shown before it runs, so the user sees what runs on their machine.
                note!("running the command of item {id}: $ {}", argv.join(" "));
                evidence.commands.push(run_command(argv));
            }
        }
        CommandsDecision::NotRun(commands) if !commands.is_empty() => {
            note!(
                "not run: the commands of {} (SHA-256 {sow_sha256}), which may come from \
                 someone else; read them, then allow them with --allow-commands or by trusting \
                 that SHA-256 in contract.trusted_commands of your configuration:",
                args.sow.display()
            );
            for (id, argv) in &commands {
                note!("  {id}: $ {}", argv.join(" "));
            }
        }
        CommandsDecision::NotRun(_) => {}
    }
    let record = gigops_contract::evaluate(&sow, &args.milestone, &evidence, now)?;

    let lang = args.lang.unwrap_or(sow.language);
    let templates = ctx.settings.report.templates.as_deref();
    let mut files = AtomicFiles::default();
    let document = gigops_render::AcceptanceChecklist {
        record: &record,
        sow: Some(&sow),
    };
    stage_document(&mut files, &document, &args.output, lang, templates)?;
    if let (Some(deal), Some(version)) = (&deal, version) {
        acceptance::record(ctx.store().await?, deal, version, &record).await?;
    }
    let written = files.commit()?;
    if ctx.json {
        print_json(&record)?;
    } else {
        print_record(&record)?;
        for path in written {
            print_line(path.display())?;
        }
    }
    Ok(if record.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(CHECK_FAILED)
    })
}

/// Each evidence file (a gate `-o` directory is its summary.json), read and told by its schema
/// (gigops_app::acceptance::add_evidence).
fn read_evidence(paths: &[PathBuf]) -> anyhow::Result<Evidence> {
    let mut evidence = Evidence::default();
    for given in paths {
        let path = if given.is_dir() {
            given.join("summary.json")
        } else {
            given.clone()
        };
        let text = read(&path)?;
        acceptance::add_evidence(&mut evidence, path.display().to_string(), &text)?;
    }
    Ok(evidence)
}

/// Runs an item's command in the current directory with stdin closed and its output on stderr,
/// so that `--json` on stdout stays JSON.
fn run_command(argv: &[String]) -> CommandResult {
    let status = argv.split_first().and_then(|(program, rest)| {
        std::process::Command::new(program)
            .args(rest)
            .stdin(Stdio::null())
            .stdout(std::io::stderr())
            .status()
            .ok()
    });
    CommandResult {
        argv: argv.to_vec(),
        exit_code: status.and_then(|s| s.code()),
    }
}

fn print_record(record: &AcceptanceRecord) -> anyhow::Result<()> {
    print_table(
        &["item", "outcome", "measured", "required"],
        record.items.iter().map(|i| {
            vec![
                i.id.clone(),
                serialized_name(i.outcome),
                i.measured.clone().unwrap_or_default(),
                i.required.clone().unwrap_or_default(),
            ]
        }),
    )?;
    print_line(format!(
        "milestone {} {}",
        record.milestone,
        if record.accepted {
            "accepted: ready to invoice"
        } else {
            "not accepted"
        }
    ))
}

pub async fn milestones(ctx: &Context, deal: Option<String>) -> anyhow::Result<()> {
    let deal = deal.as_deref().map(DealId::parse).transpose()?;
    let ready = ctx
        .store()
        .await?
        .ready_to_invoice(deal.as_ref(), &ClientScope::All)
        .await?;
    if ctx.json {
        return print_json(&ready);
    }
    print_table(
        &[
            "deal",
            "version",
            "milestone",
            "title",
            "amount",
            "accepted",
        ],
        ready.iter().map(|m| {
            vec![
                m.deal_id.to_string(),
                m.version.to_string(),
                m.milestone.clone(),
                m.title.clone(),
                gigops_core::Money::new(m.amount_minor, m.currency).to_string(),
                m.accepted_at.to_string(),
            ]
        }),
    )
}

/// A unit enum value as its JSON says it (`added`, `pending`), so the table and `--json` agree.
fn serialized_name(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}
