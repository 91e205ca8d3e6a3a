//! Sign-off of a statement of work, as the CLI and the client portal both do it: what a
//! signature covers, where signatures and the signed documents are kept beside the SOW, how
//! a sign-off is recorded in the ledger, and how signatures are verified (docs/contracts.md).
//! The cryptography and the verification rules are gigops-contract's; this module decides
//! which bytes they are given. Reading and writing the files is the caller's.

use std::path::{Path, PathBuf};

use gigops_contract::{AllowedSigners, Sow, Verification, sha256_hex};
use gigops_core::{DealId, Lang, Signature};
use gigops_store::{ClientScope, ContractStore, LedgerStore, Store, StoredSow};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::bad_input;

/// The schema id of a `FILE.signatures.json` sidecar.
pub const SIGNATURES_SCHEMA: &str = "gigops.sow-signatures/1";

/// The document a signer signs: the SOW in their language, from the embedded templates (a
/// user's template directory must not change what a signature covers), without a signature
/// block filled in (each signature would otherwise change what the next one signs).
pub fn signed_document(sow: &Sow, lang: Lang) -> anyhow::Result<String> {
    let document = gigops_render::SowDocument {
        sow,
        sign_off: None,
    };
    Ok(gigops_render::render_text(
        &document,
        gigops_render::Format::Html,
        lang,
        None,
    )?)
}

/// Who signs what, before the signature itself: the digests of the SOW's `source` and of the
/// `document` the signer read ([`signed_document`]).
pub struct Signer {
    pub name: String,
    pub role: String,
    pub signed_at: Timestamp,
    pub lang: Lang,
}

/// The signature record `signer` signs, without its SSH signature yet.
pub fn unsigned(signer: Signer, source: &str, document: &str) -> Signature {
    Signature {
        signer: signer.name,
        role: signer.role,
        signed_at: signer.signed_at,
        source_sha256: sha256_hex(source.as_bytes()),
        document_sha256: sha256_hex(document.as_bytes()),
        lang: signer.lang,
        ssh_signature: None,
    }
}

/// `sow.yaml` → `sow.yaml.signatures.json`: where a SOW's signatures are kept.
pub fn signatures_path(sow_file: &Path) -> PathBuf {
    let mut name = sow_file.as_os_str().to_owned();
    name.push(".signatures.json");
    PathBuf::from(name)
}

/// Where the document a signer read is kept, beside the SOW and named by its digest
/// (`sow.yaml.signed-3f2a9c01d4e5b6a7.html`): a later gigops whose templates render the SOW
/// differently can still show what was signed, byte for byte.
/// `None` for a digest that is not one (a hand-edited signatures file).
pub fn kept_document_path(sow_file: &Path, document_sha256: &str) -> Option<PathBuf> {
    let digest = document_sha256.as_bytes();
    if digest.len() != 64 || !digest.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let mut name = sow_file.as_os_str().to_owned();
    name.push(format!(".signed-{}.html", &document_sha256[..16]));
    Some(PathBuf::from(name))
}

#[derive(Serialize, Deserialize)]
struct SignaturesFile {
    schema: String,
    signatures: Vec<Signature>,
}

/// A signatures file holding `signatures`, as `sow sign` writes it.
pub fn encode_signatures(signatures: &[Signature]) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(&SignaturesFile {
        schema: SIGNATURES_SCHEMA.to_string(),
        signatures: signatures.to_vec(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The signatures of the signatures file `name` whose text is `text`; bad input, at its line
/// and column, when it is not one.
pub fn decode_signatures(name: &str, text: &str) -> anyhow::Result<Vec<Signature>> {
    let file: SignaturesFile = serde_json::from_str(text).map_err(|e| {
        bad_input(format!(
            "{name}:{}:{}: not a signatures file ({SIGNATURES_SCHEMA}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    if file.schema != SIGNATURES_SCHEMA {
        return Err(bad_input(format!(
            "{name}: schema {:?}: expected {SIGNATURES_SCHEMA:?}",
            file.schema
        )));
    }
    Ok(file.signatures)
}

/// The signatures checked against the SOW as it is now: its `source`, its document rendered
/// now in every language a signature names (none when the SOW no longer reads: `sow` is
/// `None`), and the `kept` documents read from [`kept_document_path`] of each signature; against
/// the `allowed` signers and the `ledger`'s signatures when given.
pub fn verify(
    source: &str,
    sow: Option<&Sow>,
    signatures: &[Signature],
    kept: &[Vec<u8>],
    allowed: Option<&AllowedSigners>,
    ledger: Option<&[Signature]>,
) -> anyhow::Result<Verification> {
    let mut rendered = Vec::new();
    if let Some(sow) = sow {
        for lang in [Lang::En, Lang::ZhCn] {
            if signatures.iter().any(|s| s.lang == lang) {
                rendered.push((lang, signed_document(sow, lang)?.into_bytes()));
            }
        }
    }
    let on_file = gigops_contract::OnFile {
        source: source.as_bytes(),
        rendered: &rendered,
        kept,
    };
    Ok(gigops_contract::verify(
        on_file, signatures, allowed, ledger,
    ))
}

/// Records `signature` of `sow` against the deal's attached version with the same source; the
/// SOW must be in the deal's currency.
pub async fn record(
    store: &Store,
    deal: &DealId,
    sow: &Sow,
    signature: &Signature,
) -> anyhow::Result<()> {
    let version = attached_version(store, deal, &signature.source_sha256).await?;
    check_deal_currency(store, deal, sow).await?;
    store.sign_sow(deal, version.version, signature).await?;
    Ok(())
}

/// The signatures the ledger recorded for the deal's SOW: of the stored version with this
/// source, or, when the file matches none (it was edited), of the latest version.
pub async fn ledger_signatures(
    store: &Store,
    deal: &DealId,
    source: &str,
) -> anyhow::Result<(u32, Vec<Signature>)> {
    let sows = store.sows(Some(deal), &ClientScope::All).await?;
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
    let stored = store
        .sow_signatures(deal, version, &ClientScope::All)
        .await?;
    Ok((version, stored))
}

/// The stored version of a deal's SOW with exactly this source: signatures and acceptances are
/// recorded against what was attached, never against a file that has since changed.
pub async fn attached_version(
    store: &Store,
    deal: &DealId,
    source_sha256: &str,
) -> anyhow::Result<StoredSow> {
    let sows = store.sows(Some(deal), &ClientScope::All).await?;
    let latest = sows.iter().map(|s| s.version).max();
    sows.into_iter()
        .filter(|s| s.source_sha256 == source_sha256)
        .max_by_key(|s| s.version)
        .ok_or_else(|| {
            bad_input(match latest {
                None => format!(
                    "deal {deal} has no SOW attached: attach it first"
                ),
                Some(v) => format!(
                    "this SOW file is not a version attached to deal {deal} (its latest is version {v}): attach it first"
                ),
            })
        })
}

/// A deal's SOW is in the deal's currency (docs/contracts.md): one in another currency is
/// refused before anything is recorded, naming both.
pub async fn check_deal_currency(store: &Store, deal: &DealId, sow: &Sow) -> anyhow::Result<()> {
    let detail = store
        .get_deal(deal, &ClientScope::All)
        .await?
        .ok_or_else(|| {
            bad_input(format!(
                "no deal {deal}: `gigops deal list` shows the deals"
            ))
        })?;
    gigops_contract::check_deal_currency(sow, detail.deal.value.currency)
        .map_err(|e| bad_input(format!("deal {deal}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_beside_a_sow_are_named_after_it() {
        let sow = Path::new("contracts/shop.yaml");
        assert_eq!(
            signatures_path(sow),
            Path::new("contracts/shop.yaml.signatures.json")
        );
        let digest = "3f2a9c01d4e5b6a7".repeat(4);
        assert_eq!(
            kept_document_path(sow, &digest).unwrap(),
            Path::new("contracts/shop.yaml.signed-3f2a9c01d4e5b6a7.html")
        );
        // A digest that is not one names no file (it could name any file otherwise).
        assert_eq!(kept_document_path(sow, "../../etc/passwd"), None);
        assert_eq!(kept_document_path(sow, &"g".repeat(64)), None);
    }

    #[test]
    fn a_deal_with_no_sow_attached_says_attach_it_without_naming_a_command() {
        gigops_test_support::block_on(gigops_test_support::with_sqlite(|test| async move {
            let new = crate::ledger::NewDeal {
                id: "D-1".into(),
                client: "Acme".into(),
                platform: "Upwork".into(),
                kind: gigops_core::DealKind::Project,
                value: "4800".into(),
                currency: "USD".into(),
                opened_at: Some("2026-01-05".into()),
                tech_doc_score: None,
                github_score: None,
                demo_score: None,
                stage: None,
            };
            let stages = gigops_core::Stages::default();
            crate::ledger::add_deal(test.store(), &stages, new)
                .await
                .unwrap();
            let deal = DealId::parse("D-1").unwrap();
            let err = attached_version(test.store(), &deal, &"0".repeat(64))
                .await
                .unwrap_err();
            assert_eq!(crate::kind_of(&err), crate::ErrorKind::BadInput);
            assert_eq!(
                err.to_string(),
                "deal D-1 has no SOW attached: attach it first"
            );
        }));
    }

    #[test]
    fn a_signatures_file_round_trips_and_another_schema_is_refused() {
        let signature = unsigned(
            Signer {
                name: "Jane".into(),
                role: "provider".into(),
                signed_at: "2027-01-04T09:30:00Z".parse().unwrap(),
                lang: Lang::En,
            },
            "title: x\n",
            "<html></html>",
        );
        let bytes = encode_signatures(std::slice::from_ref(&signature)).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(decode_signatures("s.json", &text).unwrap(), vec![signature]);
        let other = text.replace(SIGNATURES_SCHEMA, "gigops.sow-signatures/9");
        let err = decode_signatures("s.json", &other).unwrap_err();
        assert_eq!(crate::kind_of(&err), crate::ErrorKind::BadInput);
        assert!(err.to_string().starts_with("s.json: schema"), "{err}");
        let err = decode_signatures("s.json", "{\"schema\": 1").unwrap_err();
        assert!(err.to_string().starts_with("s.json:1:"), "{err}");
    }
}
