//! Acceptance of a milestone, as `gigops accept` and the client portal do it: which milestone,
//! what evidence says (gate summaries and SLO states, told by their schema), the manual ticks,
//! what the ledger remembers (ticks that stand, gate runs a summary must not be older than a
//! failure of), which of the SOW's commands may run, and the verdict recorded against the
//! attached version. Judging is gigops-contract's; reading files and running commands is the
//! caller's.

use std::collections::BTreeMap;

use gigops_contract::{
    AcceptanceRecord, Check, CommandsNotRun, Evidence, GateEvidence, KnownRun, Milestone,
    SloEvidence, SloState, Sow, Tick, sha256_hex,
};
use gigops_core::DealId;
use gigops_store::{ClientScope, ContractStore, GateRunStore, NewAcceptance, Store};
use jiff::Timestamp;
use serde::Deserialize;

use crate::{Settings, bad_field, bad_input, signoff};

/// The milestone `id` of `sow` (read from `sow_name`); bad input naming the milestones there
/// are.
pub fn milestone<'s>(sow: &'s Sow, sow_name: &str, id: &str) -> anyhow::Result<&'s Milestone> {
    sow.milestones.iter().find(|m| m.id == id).ok_or_else(|| {
        bad_input(format!(
            "{sow_name}: no milestone {id:?}: expected one of {}",
            sow.milestones
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// Adds the evidence file `name` whose text is `text` to `evidence`, told by its `schema`: a
/// gate summary or an SLO state. The file is hashed as read, so the record names exactly what
/// was judged.
pub fn add_evidence(evidence: &mut Evidence, name: String, text: &str) -> anyhow::Result<()> {
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
    let schema = serde_json::from_str::<Schema>(text)
        .map_err(|e| located(e, "JSON"))?
        .schema
        .unwrap_or_default();
    if schema == gigops_gate::summary::SCHEMA {
        let summary = serde_json::from_str(text).map_err(|e| located(e, "a gate summary"))?;
        evidence.gates.push(GateEvidence {
            name,
            sha256,
            summary,
        });
    } else if schema == gigops_contract::SLO_STATE_SCHEMA {
        let state: SloState = serde_json::from_str(text).map_err(|e| located(e, "an SLO state"))?;
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
    Ok(())
}

/// Who ticks, and with what note.
pub struct Ticker<'a> {
    pub by: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// The manual items `ticked` (their ids); each must be a manual item of the milestone, and a
/// tick needs who ticked it.
pub fn ticks(
    milestone: &Milestone,
    ticked: &[String],
    ticker: &Ticker,
    now: Timestamp,
) -> anyhow::Result<BTreeMap<String, Tick>> {
    let mut ticks = BTreeMap::new();
    for id in ticked {
        match milestone.acceptance.iter().find(|i| &i.id == id) {
            Some(item) if item.check == Check::Manual => {}
            Some(_) => {
                return Err(bad_field(
                    "tick",
                    format!(
                        "{id}: item {id} of {} is decided by evidence, not ticked",
                        milestone.id
                    ),
                ));
            }
            None => {
                let manual: Vec<&str> = milestone
                    .acceptance
                    .iter()
                    .filter(|i| i.check == Check::Manual)
                    .map(|i| i.id.as_str())
                    .collect();
                return Err(bad_field(
                    "tick",
                    format!(
                        "{id}: {} has no such item: expected one of its manual items ({})",
                        milestone.id,
                        if manual.is_empty() {
                            "none".to_string()
                        } else {
                            manual.join(", ")
                        }
                    ),
                ));
            }
        }
        let Some(by) = ticker.by else {
            return Err(bad_field("by", "is needed to tick an item: who ticked it"));
        };
        ticks.insert(
            id.clone(),
            Tick {
                by: by.to_string(),
                at: now,
                note: ticker.note.map(String::from),
            },
        );
    }
    Ok(ticks)
}

/// What the ledger adds to the evidence of a milestone of the deal's attached SOW: the ticks of
/// its last evaluation that stand (unless ticked anew) and the gate runs it knows. The SOW must
/// be the attached version with `sow_sha256` and in the deal's currency; its version.
pub async fn from_ledger(
    store: &Store,
    deal: &DealId,
    sow: &Sow,
    sow_sha256: &str,
    milestone: &Milestone,
    evidence: &mut Evidence,
) -> anyhow::Result<u32> {
    let version = signoff::attached_version(store, deal, sow_sha256).await?;
    signoff::check_deal_currency(store, deal, sow).await?;
    let history = evaluations(store, deal, &milestone.id).await?;
    if let Some(previous) = history.last() {
        for (id, tick) in gigops_contract::standing_ticks(previous, milestone) {
            evidence.ticks.entry(id).or_insert(tick);
        }
    }
    evidence.known_runs = known_runs(store, deal, &milestone.id, &history).await?;
    Ok(version.version)
}

/// The milestone's recorded evaluations for the deal, of any SOW version, oldest first.
async fn evaluations(
    store: &Store,
    deal: &DealId,
    milestone: &str,
) -> anyhow::Result<Vec<AcceptanceRecord>> {
    let mut records = Vec::new();
    for stored in store.acceptances(deal, &ClientScope::All).await? {
        if stored.milestone != milestone {
            continue;
        }
        records.push(stored.record()?);
    }
    Ok(records)
}

/// The gate runs the ledger knows for a milestone: those recorded for it or for no milestone,
/// and those its earlier evaluations judged.
async fn known_runs(
    store: &Store,
    deal: &DealId,
    milestone: &str,
    history: &[AcceptanceRecord],
) -> anyhow::Result<Vec<KnownRun>> {
    let mut known = Vec::new();
    for run in store.gate_runs(deal, None, &ClientScope::All).await? {
        if run.milestone.as_deref().is_some_and(|m| m != milestone) {
            continue;
        }
        let what = format!("gate run recorded {}", run.recorded_at);
        match run.document::<gigops_gate::Summary>() {
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

/// What the user said about the SOW's commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandsAsked {
    /// `--no-commands`: none runs, and the items say so.
    Skip,
    /// `--allow-commands`: they run.
    Allow,
    /// Nothing: they run only when the SOW is trusted in the settings.
    Default,
}

/// Whether the milestone's commands run.
#[derive(Debug, PartialEq, Eq)]
pub enum CommandsDecision<'m> {
    /// Run these (item id, argv), each shown before it runs.
    Run(Vec<(&'m str, &'m [String])>),
    /// Not run; these are the commands to show the user, with how to allow them.
    NotRun(Vec<(&'m str, &'m [String])>),
}

/// Decides whether the milestone's commands run: when the user allowed them for this SOW
/// (`asked`, or its SHA-256 trusted in the settings' `contract.trusted_commands`), and never
/// otherwise — a SOW may come from someone else. Records in `evidence` why they did not run.
pub fn commands<'m>(
    milestone: &'m Milestone,
    asked: CommandsAsked,
    settings: &Settings,
    sow_sha256: &str,
    evidence: &mut Evidence,
) -> CommandsDecision<'m> {
    let commands: Vec<(&str, &[String])> = milestone
        .acceptance
        .iter()
        .filter_map(|item| match &item.check {
            Check::Command { argv, .. } => Some((item.id.as_str(), argv.as_slice())),
            _ => None,
        })
        .collect();
    let trusted = settings
        .contract
        .trusted_commands
        .iter()
        .any(|t| t.eq_ignore_ascii_case(sow_sha256));
    match asked {
        CommandsAsked::Skip => {
            evidence.commands_not_run = Some(CommandsNotRun::Skipped);
            CommandsDecision::NotRun(Vec::new())
        }
        CommandsAsked::Allow => CommandsDecision::Run(commands),
        CommandsAsked::Default if trusted => CommandsDecision::Run(commands),
        CommandsAsked::Default => {
            evidence.commands_not_run = Some(CommandsNotRun::NotAllowed {
                sow_sha256: sow_sha256.to_string(),
            });
            CommandsDecision::NotRun(commands)
        }
    }
}

/// Records the verdict against the deal's attached SOW `version`.
pub async fn record(
    store: &Store,
    deal: &DealId,
    version: u32,
    record: &AcceptanceRecord,
) -> anyhow::Result<()> {
    let acceptance = NewAcceptance {
        milestone: record.milestone.clone(),
        evaluated_at: record.evaluated_at,
        accepted: record.accepted,
        record_json: serde_json::to_string(record)?,
        evidence_json: serde_json::to_string(&record.evidence)?,
    };
    store.record_acceptance(deal, version, &acceptance).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sow() -> Sow {
        let source = include_str!("../../gigops-contract/tests/fixtures/valid.yaml");
        gigops_contract::read("valid.yaml", source).expect("the fixture reads")
    }

    #[test]
    fn a_sows_commands_run_only_when_allowed_or_trusted() {
        let sow = sow();
        let m1 = milestone(&sow, "valid.yaml", "M1").unwrap();
        let digest = "ab".repeat(32);
        let make_e2e: &[String] = &["make".to_string(), "e2e".to_string()];
        let mut settings = Settings::default();

        let mut evidence = Evidence::default();
        let decision = commands(
            m1,
            CommandsAsked::Default,
            &settings,
            &digest,
            &mut evidence,
        );
        assert_eq!(decision, CommandsDecision::NotRun(vec![("e2e", make_e2e)]));
        assert_eq!(
            evidence.commands_not_run,
            Some(CommandsNotRun::NotAllowed {
                sow_sha256: digest.clone()
            })
        );

        let mut evidence = Evidence::default();
        let decision = commands(m1, CommandsAsked::Allow, &settings, &digest, &mut evidence);
        assert_eq!(decision, CommandsDecision::Run(vec![("e2e", make_e2e)]));
        assert_eq!(evidence.commands_not_run, None);

        // Trusted by its digest, written in either case.
        settings.contract.trusted_commands = vec![digest.to_uppercase()];
        let mut evidence = Evidence::default();
        let decision = commands(
            m1,
            CommandsAsked::Default,
            &settings,
            &digest,
            &mut evidence,
        );
        assert_eq!(decision, CommandsDecision::Run(vec![("e2e", make_e2e)]));

        // --no-commands wins over trust.
        let mut evidence = Evidence::default();
        let decision = commands(m1, CommandsAsked::Skip, &settings, &digest, &mut evidence);
        assert_eq!(decision, CommandsDecision::NotRun(Vec::new()));
        assert_eq!(evidence.commands_not_run, Some(CommandsNotRun::Skipped));
    }

    #[test]
    fn unknown_milestones_and_items_say_what_there_is() {
        let sow = sow();
        let err = milestone(&sow, "valid.yaml", "M9").unwrap_err().to_string();
        assert_eq!(
            err,
            "valid.yaml: no milestone \"M9\": expected one of M1, M2"
        );
        let m1 = milestone(&sow, "valid.yaml", "M1").unwrap();
        let ticker = Ticker {
            by: Some("王经理"),
            note: None,
        };
        let now: Timestamp = "2027-01-04T09:30:00Z".parse().unwrap();
        let err = ticks(m1, &["e2e".into()], &ticker, now).unwrap_err();
        crate::error::assert_about_field(&err, "tick");
        assert!(err.to_string().contains("is decided by evidence"), "{err}");
        let err = ticks(m1, &["nothing".into()], &ticker, now).unwrap_err();
        crate::error::assert_about_field(&err, "tick");
        assert!(
            err.to_string()
                .starts_with("tick: nothing: M1 has no such item"),
            "{err}"
        );
        let nobody = Ticker {
            by: None,
            note: None,
        };
        let manual = m1
            .acceptance
            .iter()
            .find(|i| i.check == Check::Manual)
            .map(|i| i.id.clone())
            .expect("M1 has a manual item");
        let err = ticks(m1, &[manual], &nobody, now).unwrap_err();
        crate::error::assert_about_field(&err, "by");
        assert_eq!(
            err.to_string(),
            "by: is needed to tick an item: who ticked it"
        );
    }
}
