//! `gigops sow …`, `gigops accept` and `gigops milestones`: the statement of work as a file both
//! sides read and gigops checks, signs, exports, evaluates and stores (docs/contracts.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};

use anyhow::Context as _;

use gigops_contract::{
    AcceptanceRecord, AllowedSigners, Check, CommandResult, CommandsNotRun, Evidence, GateEvidence,
    KnownRun, SloEvidence, SloState, Sow, Tick, sha256_hex,
};
use gigops_core::Problems;
use gigops_core::{DealId, Lang, Signature};
use gigops_store::{LedgerStore, NewAcceptance, NewSow, SowMilestone, StoredSow};
use serde::{Deserialize, Serialize};

use crate::cli::{AcceptArgs, SignArgs, SloFormat, SowCommand};
use crate::commands::quote::read;
use crate::commands::{Context, instant_or_now};
use crate::exit::bad_input;
use crate::output::{AtomicFiles, print_json, print_line, print_raw, print_table};

/// Exit code of `sow verify` when a signed SOW changed, and of `accept` when a milestone is not
/// accepted: a check that failed.
const CHECK_FAILED: u8 = 1;

/// The schema id of a `FILE.signatures.json` sidecar.
const SIGNATURES_SCHEMA: &str = "gigops.sow-signatures/1";

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
                print_json(&serde_json::json!({
                    "format": name,
                    "document": document,
                }))?;
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
                print_json(&serde_json::json!({
                    "deal_id": deal,
                    "version": version,
                    "sow_id": new.sow_id,
                    "source_sha256": new.source_sha256,
                }))?;
            } else {
                print_line(format!(
                    "{} attached to {deal} as version {version}",
                    sow.id
                ))?;
            }
        }
        SowCommand::List { deal } => {
            let deal = deal.as_deref().map(DealId::parse).transpose()?;
            let sows = ctx.store().await?.sows(deal.as_ref()).await?;
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
    let document = signed_document(&sow, lang)?;
    let unsigned = Signature {
        signer,
        role,
        signed_at: instant_or_now(at.as_deref())?,
        source_sha256: sha256_hex(source.as_bytes()),
        document_sha256: sha256_hex(document.as_bytes()),
        lang,
        ssh_signature: None,
    };
    if message {
        let text = gigops_contract::signed_message(&unsigned);
        return if ctx.json {
            print_json(&serde_json::json!({ "message": text }))
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
        let store = ctx.store().await?;
        let version = stored_version(store, &deal, &signature.source_sha256).await?;
        same_currency(store, &deal, &sow).await?;
        store.sign_sow(&deal, version.version, &signature).await?;
    }
    let path = sidecar(&file);
    let mut signatures = read_signatures(&path)?.unwrap_or_default();
    signatures.push(signature.clone());
    let mut files = AtomicFiles::default();
    files.stage(&path, &signatures_file(&signatures)?)?;
    if let Some(kept) = kept_document(&file, &signature.document_sha256) {
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
            return print_json(&serde_json::json!({ "lang": lang, "document": template }));
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
        return print_json(&serde_json::json!({ "written": written }));
    }
    eprintln!(
        "wrote {}; fill it in, then `gigops sow check {}`",
        path.display(),
        path.display()
    );
    Ok(())
}

/// A problem as `sow check --json` prints it: `column` a number (`null` for a problem about a
/// whole mapping or file).
#[derive(Serialize)]
struct CheckedProblem<'p> {
    file: &'p str,
    line: u64,
    column: Option<u64>,
    reason: &'p str,
}

fn check(ctx: &Context, path: &Path) -> anyhow::Result<ExitCode> {
    let source = read(path)?;
    let name = path.display().to_string();
    let problems = gigops_contract::check(&name, &source);
    if ctx.json {
        print_json(&serde_json::json!({
            "file": name,
            "ok": problems.is_empty(),
            "problems": problems.iter().map(|p| CheckedProblem {
                file: &p.file,
                line: p.line,
                column: p
                    .column
                    .strip_prefix("column ")
                    .and_then(|n| n.parse().ok()),
                reason: &p.reason,
            }).collect::<Vec<_>>(),
        }))?;
    } else if problems.is_empty() {
        print_line(format!("{name}: no problems"))?;
    } else {
        let count = problems.len();
        eprintln!(
            "{name}: {count} problem{}:",
            if count == 1 { "" } else { "s" }
        );
        for problem in &problems {
            eprintln!("  {problem}");
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
        None => read_signatures(&sidecar(file))?.unwrap_or_default(),
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
    for path in &outputs {
        let sign_off = sign_off.as_ref();
        let bytes = match extension(path) {
            Some("json") => {
                let mut bytes = serde_json::to_vec_pretty(&sow.to_json())?;
                bytes.push(b'\n');
                bytes
            }
            Some("html" | "htm") => {
                gigops_render::sow_html(&sow, sign_off, lang, templates)?.into_bytes()
            }
            Some("md") => {
                gigops_render::sow_markdown(&sow, sign_off, lang, templates)?.into_bytes()
            }
            Some("pdf") => gigops_render::sow_pdf(&sow, sign_off, lang)?,
            _ => return Err(expected_document(path)),
        };
        files.stage(path, &bytes)?;
    }
    let written = files.commit()?;
    if ctx.json {
        return print_json(&serde_json::json!({ "written": written }));
    }
    for path in written {
        print_line(path.display())?;
    }
    Ok(())
}

/// The document a signer signs: the SOW in their language, from the embedded templates (a
/// user's template directory must not change what a signature covers), without a signature
/// block filled in (each signature would otherwise change what the next one signs).
fn signed_document(sow: &Sow, lang: Lang) -> anyhow::Result<String> {
    Ok(gigops_render::sow_html(sow, None, lang, None)?)
}

async fn verify(
    ctx: &Context,
    file: &Path,
    allowed_signers: &Path,
    signatures: Option<&Path>,
    deal: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let path = signatures.map_or_else(|| sidecar(file), Path::to_path_buf);
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
        Some(deal) => Some(ledger_signatures(ctx, deal, &source).await?),
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
        print_json(&serde_json::json!({
            "file": file.display().to_string(),
            "deal": deal,
            "ledger_version": ledger.as_ref().map(|(version, _)| version),
            "verification": verification,
            "intact": verification.intact,
        }))?;
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

/// The signatures checked against the SOW `file` as it is now: its `source`, its document
/// rendered now in every language a signature names (none when the SOW no longer reads), and
/// the documents kept when they were signed.
fn check_signatures(
    file: &Path,
    source: &str,
    sow: Option<&Sow>,
    signatures: &[Signature],
    allowed: Option<&AllowedSigners>,
    ledger: Option<&[Signature]>,
) -> anyhow::Result<gigops_contract::Verification> {
    let mut rendered = Vec::new();
    if let Some(sow) = sow {
        for lang in [Lang::En, Lang::ZhCn] {
            if signatures.iter().any(|s| s.lang == lang) {
                rendered.push((lang, signed_document(sow, lang)?.into_bytes()));
            }
        }
    }
    let mut kept = Vec::new();
    for path in signatures
        .iter()
        .filter_map(|s| kept_document(file, &s.document_sha256))
    {
        if path.exists() {
            kept.push(std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
        }
    }
    let on_file = gigops_contract::OnFile {
        source: source.as_bytes(),
        rendered: &rendered,
        kept: &kept,
    };
    Ok(gigops_contract::verify(
        on_file, signatures, allowed, ledger,
    ))
}

/// The signatures the ledger recorded for the deal's SOW: of the stored version with this
/// source, or, when the file matches none (it was edited), of the latest version.
async fn ledger_signatures(
    ctx: &Context,
    deal: &DealId,
    source: &str,
) -> anyhow::Result<(u32, Vec<Signature>)> {
    let store = ctx.store().await?;
    let sows = store.sows(Some(deal)).await?;
    let digest = sha256_hex(source.as_bytes());
    let version = sows
        .iter()
        .filter(|s| s.source_sha256 == digest)
        .map(|s| s.version)
        .max()
        .or_else(|| sows.iter().map(|s| s.version).max())
        .ok_or_else(|| {
            bad_input(format!(
                "deal {deal} has no SOW attached: nothing in the ledger to compare with"
            ))
        })?;
    let stored = store.sow_signatures(deal, version).await?;
    Ok((version, stored))
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

/// Where `sow sign` keeps the document a signer read, beside the SOW and named by its digest
/// (`sow.yaml.signed-3f2a9c01d4e5b6a7.html`): a later gigops whose templates render the SOW
/// differently can still show what was signed, byte for byte.
/// `None` for a digest that is not one (a hand-edited signatures file).
fn kept_document(file: &Path, document_sha256: &str) -> Option<PathBuf> {
    let digest = document_sha256.as_bytes();
    if digest.len() != 64 || !digest.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".signed-{}.html", &document_sha256[..16]));
    Some(PathBuf::from(name))
}

/// `sow.yaml` → `sow.yaml.signatures.json`.
fn sidecar(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".signatures.json");
    PathBuf::from(name)
}

#[derive(Serialize, Deserialize)]
struct SignaturesFile {
    schema: String,
    signatures: Vec<Signature>,
}

fn signatures_file(signatures: &[Signature]) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(&SignaturesFile {
        schema: SIGNATURES_SCHEMA.to_string(),
        signatures: signatures.to_vec(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The signatures in `path`, or `None` when there is no such file.
fn read_signatures(path: &Path) -> anyhow::Result<Option<Vec<Signature>>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = read(path)?;
    let file: SignaturesFile = serde_json::from_str(&text).map_err(|e| {
        bad_input(format!(
            "{}:{}:{}: not a signatures file ({SIGNATURES_SCHEMA}): {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    if file.schema != SIGNATURES_SCHEMA {
        return Err(bad_input(format!(
            "{}: schema {:?}: expected {SIGNATURES_SCHEMA:?}",
            path.display(),
            file.schema
        )));
    }
    Ok(Some(file.signatures))
}

/// The stored version of a deal's SOW with exactly this source: signatures and acceptances are
/// recorded against what was attached, never against a file that has since changed.
async fn stored_version(
    store: &impl LedgerStore,
    deal: &DealId,
    source_sha256: &str,
) -> anyhow::Result<StoredSow> {
    let sows = store.sows(Some(deal)).await?;
    let latest = sows.iter().map(|s| s.version).max();
    sows.into_iter()
        .filter(|s| s.source_sha256 == source_sha256)
        .max_by_key(|s| s.version)
        .ok_or_else(|| {
            bad_input(match latest {
                None => format!(
                    "deal {deal} has no SOW attached: `gigops sow attach FILE --deal {deal}` first"
                ),
                Some(v) => format!(
                    "this SOW file is not a version attached to deal {deal} (its latest is version {v}): attach it first"
                ),
            })
        })
}

/// A deal's SOW is in the deal's currency (docs/contracts.md): one in another currency is
/// refused before anything is recorded, naming both.
async fn same_currency(store: &impl LedgerStore, deal: &DealId, sow: &Sow) -> anyhow::Result<()> {
    let detail = store.get_deal(deal).await?.ok_or_else(|| {
        bad_input(format!(
            "no deal {deal}: `gigops deal list` shows the deals"
        ))
    })?;
    gigops_contract::check_deal_currency(sow, detail.deal.value.currency)
        .map_err(|e| bad_input(format!("deal {deal}: {e}")))
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
    let Some(milestone) = sow.milestones.iter().find(|m| m.id == args.milestone) else {
        return Err(bad_input(format!(
            "{}: no milestone {:?}: expected one of {}",
            args.sow.display(),
            args.milestone,
            sow.milestones
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let now = instant_or_now(args.at.as_deref())?;
    let sow_sha256 = sha256_hex(source.as_bytes());
    let mut evidence = read_evidence(&args.evidence)?;
    evidence.ticks = ticks(&args, milestone, now)?;
    // Who stores the verdict is checked before anything is run or written. The ledger also
    // remembers the ticks of the milestone's last evaluation (they stand unless ticked anew)
    // and the gate runs a given summary must not be older than a failure of.
    let deal = args.deal.as_deref().map(DealId::parse).transpose()?;
    let stored = match &deal {
        Some(deal) => {
            let store = ctx.store().await?;
            let version = stored_version(store, deal, &sow_sha256).await?;
            same_currency(store, deal, &sow).await?;
            let history = evaluations(store, deal, &milestone.id).await?;
            if let Some(previous) = history.last() {
                for (id, tick) in gigops_contract::standing_ticks(previous, milestone) {
                    evidence.ticks.entry(id).or_insert(tick);
                }
            }
            evidence.known_runs = known_runs(store, deal, &milestone.id, &history).await?;
            Some(version)
        }
        None => None,
    };
    let trusted = ctx
        .settings
        .contract
        .trusted_commands
        .iter()
        .any(|t| t.eq_ignore_ascii_case(&sow_sha256));
    run_allowed_commands(&args, milestone, trusted, sow_sha256, &mut evidence);
    let record = gigops_contract::evaluate(&sow, &args.milestone, &evidence, now)?;

    let lang = args.lang.unwrap_or(sow.language);
    let templates = ctx.settings.report.templates.as_deref();
    let mut files = AtomicFiles::default();
    for path in &args.output {
        let bytes = match extension(path) {
            Some("html" | "htm") => {
                gigops_render::acceptance_html(&record, Some(&sow), lang, templates)?.into_bytes()
            }
            Some("md") => gigops_render::acceptance_markdown(&record, Some(&sow), lang, templates)?
                .into_bytes(),
            Some("pdf") => gigops_render::acceptance_pdf(&record, Some(&sow), lang)?,
            _ => return Err(expected_document(path)),
        };
        files.stage(path, &bytes)?;
    }
    if let (Some(deal), Some(stored)) = (&deal, &stored) {
        let acceptance = NewAcceptance {
            milestone: record.milestone.clone(),
            evaluated_at: record.evaluated_at,
            accepted: record.accepted,
            record_json: serde_json::to_string(&record)?,
            evidence_json: serde_json::to_string(&record.evidence)?,
        };
        ctx.store()
            .await?
            .record_acceptance(deal, stored.version, &acceptance)
            .await?;
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

/// Runs the milestone's commands when the user allowed them for this SOW (`--allow-commands`,
/// or its SHA-256 `trusted`), each shown before it runs; otherwise says which commands were not
/// run and how to allow them, and records why in `evidence`.
fn run_allowed_commands(
    args: &AcceptArgs,
    milestone: &gigops_contract::Milestone,
    trusted: bool,
    sow_sha256: String,
    evidence: &mut Evidence,
) {
    let commands: Vec<(&str, &[String])> = milestone
        .acceptance
        .iter()
        .filter_map(|item| match &item.check {
            Check::Command { argv, .. } => Some((item.id.as_str(), argv.as_slice())),
            _ => None,
        })
        .collect();
    if args.no_commands {
        evidence.commands_not_run = Some(CommandsNotRun::Skipped);
    } else if !(args.allow_commands || trusted) {
        if !commands.is_empty() {
            eprintln!(
                "not run: the commands of {} (SHA-256 {sow_sha256}), which may come from \
                 someone else; read them, then allow them with --allow-commands or by trusting \
                 that SHA-256 in contract.trusted_commands of your configuration:",
                args.sow.display()
            );
            for (id, argv) in &commands {
                eprintln!("  {id}: $ {}", argv.join(" "));
            }
        }
        evidence.commands_not_run = Some(CommandsNotRun::NotAllowed { sow_sha256 });
    } else {
        for (id, argv) in &commands {
            // Shown before it runs, so the user sees what runs on their machine.
            eprintln!("running the command of item {id}: $ {}", argv.join(" "));
            evidence.commands.push(run_command(argv));
        }
    }
}

/// The milestone's recorded evaluations for the deal, of any SOW version, oldest first.
async fn evaluations(
    store: &impl LedgerStore,
    deal: &DealId,
    milestone: &str,
) -> anyhow::Result<Vec<AcceptanceRecord>> {
    let mut records = Vec::new();
    for stored in store.acceptances(deal).await? {
        if stored.milestone != milestone {
            continue;
        }
        let record = serde_json::from_str(&stored.record_json).with_context(|| {
            format!(
                "the recorded acceptance of {milestone} of {deal} (v{}, {}) does not read",
                stored.version, stored.evaluated_at
            )
        })?;
        records.push(record);
    }
    Ok(records)
}

/// The gate runs the ledger knows for a milestone: those recorded for it or for no milestone,
/// and those its earlier evaluations judged.
async fn known_runs(
    store: &impl LedgerStore,
    deal: &DealId,
    milestone: &str,
    history: &[AcceptanceRecord],
) -> anyhow::Result<Vec<KnownRun>> {
    let mut known = Vec::new();
    for run in store.gate_runs(deal, None).await? {
        if run.milestone.as_deref().is_some_and(|m| m != milestone) {
            continue;
        }
        let what = format!("gate run recorded {}", run.recorded_at);
        match serde_json::from_str::<gigops_gate::Summary>(&run.summary) {
            Ok(summary) => known.push(KnownRun::of_summary(what, &summary)),
            // A summary too old to read still says whether it passed and when it was recorded.
            Err(_) => known.push(KnownRun {
                what,
                generated_at: Some(run.recorded_at),
                repository: None,
                commit: None,
                passed: run.passed,
            }),
        }
    }
    for record in history {
        if let Some(judged) = &record.judged {
            let what = format!("judged by the evaluation of {}", record.evaluated_at);
            known.push(KnownRun::of_judged(what, judged));
        }
    }
    Ok(known)
}

/// Each evidence file, told by its `schema`: a gate summary (or a gate `-o` directory) or an
/// SLO state. Every file is hashed as read, so the record names exactly what was judged.
fn read_evidence(paths: &[PathBuf]) -> anyhow::Result<Evidence> {
    let mut evidence = Evidence::default();
    for given in paths {
        let path = if given.is_dir() {
            given.join("summary.json")
        } else {
            given.clone()
        };
        let name = path.display().to_string();
        let text = read(&path)?;
        let sha256 = sha256_hex(text.as_bytes());
        let located = |e: serde_json::Error, what: &str| {
            bad_input(format!(
                "{name}:{}:{}: not {what}: {e}",
                e.line(),
                e.column()
            ))
        };
        #[derive(Deserialize)]
        struct Schema {
            schema: Option<String>,
        }
        let schema = serde_json::from_str::<Schema>(&text)
            .map_err(|e| located(e, "JSON"))?
            .schema
            .unwrap_or_default();
        if schema == gigops_gate::summary::SCHEMA {
            let summary = serde_json::from_str(&text).map_err(|e| located(e, "a gate summary"))?;
            evidence.gates.push(GateEvidence {
                name,
                sha256,
                summary,
            });
        } else if schema == gigops_contract::SLO_STATE_SCHEMA {
            let state: SloState =
                serde_json::from_str(&text).map_err(|e| located(e, "an SLO state"))?;
            evidence.slos.push(SloEvidence {
                name,
                sha256,
                state,
            });
        } else {
            return Err(bad_input(format!(
                "{name}: schema {schema:?}: expected a gate summary ({}) or an SLO state ({})",
                gigops_gate::summary::SCHEMA,
                gigops_contract::SLO_STATE_SCHEMA
            )));
        }
    }
    Ok(evidence)
}

/// The manual items ticked on the command line; each must be a manual item of the milestone.
fn ticks(
    args: &AcceptArgs,
    milestone: &gigops_contract::Milestone,
    now: jiff::Timestamp,
) -> anyhow::Result<BTreeMap<String, Tick>> {
    let mut ticks = BTreeMap::new();
    for id in &args.tick {
        match milestone.acceptance.iter().find(|i| &i.id == id) {
            Some(item) if item.check == Check::Manual => {}
            Some(_) => {
                return Err(bad_input(format!(
                    "--tick {id}: item {id} of {} is decided by evidence, not ticked",
                    milestone.id
                )));
            }
            None => {
                let manual: Vec<&str> = milestone
                    .acceptance
                    .iter()
                    .filter(|i| i.check == Check::Manual)
                    .map(|i| i.id.as_str())
                    .collect();
                return Err(bad_input(format!(
                    "--tick {id}: {} has no such item: expected one of its manual items ({})",
                    milestone.id,
                    if manual.is_empty() {
                        "none".to_string()
                    } else {
                        manual.join(", ")
                    }
                )));
            }
        }
        let Some(by) = &args.by else {
            return Err(bad_input("--tick needs --by NAME: who ticked it"));
        };
        ticks.insert(
            id.clone(),
            Tick {
                by: by.clone(),
                at: now,
                note: args.note.clone(),
            },
        );
    }
    Ok(ticks)
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
    let ready = ctx.store().await?.ready_to_invoice(deal.as_ref()).await?;
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

fn extension(path: &Path) -> Option<&str> {
    path.extension().and_then(|e| e.to_str())
}

fn expected_document(path: &Path) -> anyhow::Error {
    bad_input(format!(
        "{}: expected a file name ending in .html, .pdf or .md (and, for a SOW, .json)",
        path.display()
    ))
}
