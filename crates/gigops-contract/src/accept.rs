//! Acceptance: a milestone's items evaluated against delivery evidence into an
//! [`AcceptanceRecord`].
//!
//! The caller (the CLI or the server) reads the evidence files, hashes them with
//! [`sha256_hex`], runs the items' commands and collects manual ticks; [`evaluate`] only decides.

use std::collections::BTreeMap;

use gigops_gate::Summary;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use gigops_core::Message;
use gigops_core::evidence::CoverageUnit;

use crate::diff::condition_line;
use crate::model::*;

/// What the checks say they measured: each a key, a template in English, and the values it
/// names. The renderer's zh-CN catalog has a sentence for every key (`acceptance_measured.<key>`,
/// with the same placeholders), and its tests check that it does.
pub const MEASURED_ENGLISH: &[(&str, &str)] = &[
    ("ticked_by", "ticked by {by}"),
    ("not_run", "not run"),
    (
        "commands_not_allowed",
        "not run: this SOW's commands are not allowed; read them, then run with --allow-commands or trust SHA-256 {sha256} in your configuration",
    ),
    (
        "partial_run",
        "a partial run ({filters}) is no evidence for the whole suite",
    ),
    (
        "later_run_failed",
        "refused: a later run failed ({what}, {at}, commit {commit})",
    ),
    (
        "other_repository",
        "refused: the evidence is of {found}, not of the SOW's repository {expected}",
    ),
    ("exit", "exit {code}"),
    ("no_exit", "no exit status (killed or not started)"),
    ("no_gate_summary", "no gate summary given"),
    ("gate_passed", "gate passed"),
    ("gate_failed", "gate failed"),
    ("gate_failed_rules", "gate failed: {rules}"),
    ("no_coverage", "no coverage in the gate summary"),
    (
        "coverage_nothing_statements",
        "coverage: nothing instrumented (statements)",
    ),
    (
        "coverage_nothing_lines",
        "coverage: nothing instrumented (lines)",
    ),
    ("coverage_statements", "coverage {percent} % (statements)"),
    ("coverage_lines", "coverage {percent} % (lines)"),
    ("no_tests", "no tests in the gate summary"),
    ("tests_failed", "{failed} failed"),
    ("tests_failed_errored", "{failed} failed, {errors} errored"),
    ("tests_none_ran", "no test ran ({skipped} skipped)"),
    ("no_findings", "no findings in the gate summary"),
    ("error_findings", "{n} error findings"),
    ("no_benchmarks", "no benchmarks in the gate summary"),
    (
        "no_benchmark_compared",
        "no benchmark compared with a baseline",
    ),
    (
        "no_regression",
        "no regression in {compared} compared metrics",
    ),
    (
        "regression_worst",
        "benchmark regression: {n} of {compared} metrics, worst +{worst} %",
    ),
    (
        "regression",
        "benchmark regression: {n} of {compared} metrics",
    ),
    ("no_debt", "no technical debt in the gate summary"),
    ("debt_rating", "debt rating {rating}"),
    ("no_slo_state", "no SLO state of {service_level}"),
    (
        "slo_state_elsewhere",
        "SLO state covers {from} to {to}, not the last {over} ending at {now}",
    ),
    ("slo_met", "{service_level} {percent} % from {from} to {to}"),
    (
        "slo_not_met",
        "{service_level} {percent} % from {from} to {to} (not met)",
    ),
];

/// What a check measured, as a message of [`MEASURED_ENGLISH`].
fn measured(key: &str, args: &[(&str, String)]) -> Message {
    Message::of(MEASURED_ENGLISH, key, args)
}

/// The schema id of an [`SloState`] file.
pub const SLO_STATE_SCHEMA: &str = "gigops.slo-state/1";

/// Everything an acceptance decision may be based on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// `gigops gate --json` summaries (summary.json). When several are given, the latest by
    /// `generated_at` decides (the last given among equals, or when a time does not parse).
    pub gates: Vec<GateEvidence>,
    /// SLO states written by the SLA monitor.
    pub slos: Vec<SloEvidence>,
    /// The items' commands as the caller ran them.
    pub commands: Vec<CommandResult>,
    /// Why the caller ran none of the items' commands, when it did not.
    pub commands_not_run: Option<CommandsNotRun>,
    /// Manual items ticked, by item id.
    pub ticks: BTreeMap<String, Tick>,
    /// Gate runs known from the ledger (runs recorded for the milestone or for none, and the
    /// runs earlier evaluations of the milestone judged): a summary older than a failing one
    /// of these, of the same repository, is refused.
    pub known_runs: Vec<KnownRun>,
}

/// Why a SOW's commands were not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandsNotRun {
    /// The user said not to (`--no-commands`).
    Skipped,
    /// The user has not allowed this SOW's commands: a SOW may come from someone else, and its
    /// commands would run on the user's machine. `sow_sha256` is what to trust.
    NotAllowed { sow_sha256: String },
}

/// A gate run known from the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownRun {
    /// Where it is known from (`gate run recorded 2027-01-29 10:00 UTC`).
    pub what: String,
    /// When the run finished; `None` when its summary does not say in RFC 3339.
    pub generated_at: Option<Timestamp>,
    pub repository: Option<String>,
    pub commit: Option<String>,
    pub passed: bool,
}

impl KnownRun {
    /// The run a recorded gate summary describes.
    pub fn of_summary(what: String, summary: &Summary) -> KnownRun {
        KnownRun {
            what,
            generated_at: summary.generated_at.parse().ok(),
            repository: summary.project.repository.clone(),
            commit: summary.project.commit.clone(),
            passed: summary.gate.passed,
        }
    }

    /// The run an earlier evaluation judged.
    pub fn of_judged(what: String, judged: &JudgedRun) -> KnownRun {
        KnownRun {
            what,
            generated_at: judged.generated_at.parse().ok(),
            repository: judged.repository.clone(),
            commit: judged.commit.clone(),
            passed: judged.passed,
        }
    }
}

/// One gate summary, as named on the command line, with the SHA-256 of the file read.
#[derive(Debug, Clone, PartialEq)]
pub struct GateEvidence {
    pub name: String,
    pub sha256: String,
    pub summary: Summary,
}

/// One SLO state file, with its SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub struct SloEvidence {
    pub name: String,
    pub sha256: String,
    pub state: SloState,
}

/// How a service level fared over a period: the JSON the SLA monitor writes and acceptance of an
/// `slo` item reads (schema `gigops.slo-state/1`).
///
/// ```json
/// {
///   "schema": "gigops.slo-state/1",
///   "service_level": "api-latency",
///   "from": "2027-03-24T00:00:00Z",
///   "to": "2027-03-31T00:00:00Z",
///   "measured_percent": 99.42,
///   "target_percent": 99.0,
///   "met": true
/// }
/// ```
///
/// `service_level` is a SOW service level id; `from` and `to` (RFC 3339) bound the period
/// measured; `measured_percent` is the availability, or for a latency objective the percent of
/// windows that met the threshold; `target_percent` the objective's target as the monitor
/// applied it; `met` whether the service level was met over the period (breaches of
/// `consecutive_windows` included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SloState {
    pub schema: String,
    pub service_level: String,
    pub from: Timestamp,
    pub to: Timestamp,
    pub measured_percent: f64,
    pub target_percent: f64,
    pub met: bool,
}

/// A command an item names, run by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandResult {
    pub argv: Vec<String>,
    /// `None` when the command did not exit with a status (killed by a signal, not started).
    pub exit_code: Option<i32>,
}

/// [`evaluate`] was asked about a milestone the SOW does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SOW {sow} has no milestone {milestone:?}: expected one of {}", known.join(", "))]
pub struct UnknownMilestone {
    pub sow: String,
    pub milestone: String,
    pub known: Vec<String>,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How far before `now` an SLO state may end and still count as "ending now": the monitor
/// writes states on a schedule, so the last one is a little behind.
const SLO_STATE_SLACK: SignedDuration = SignedDuration::from_hours(1);

/// The ticks of an earlier evaluation of `milestone` that still stand: those of a manual item
/// the milestone still has, worded the same (a reworded item asks a new question, to be ticked
/// again). Each keeps who ticked it, when, and the note.
pub fn standing_ticks(
    previous: &AcceptanceRecord,
    milestone: &Milestone,
) -> BTreeMap<String, Tick> {
    if previous.milestone != milestone.id {
        return BTreeMap::new();
    }
    previous
        .items
        .iter()
        .filter_map(|done| {
            let tick = done.ticked.as_ref()?;
            milestone
                .acceptance
                .iter()
                .any(|i| i.id == done.id && i.text == done.text && i.check == Check::Manual)
                .then(|| (done.id.clone(), tick.clone()))
        })
        .collect()
}

/// Evaluates milestone `milestone` of `sow` against `evidence` at `now`.
///
/// Each item is passed, failed or pending (no evidence of the kind it needs: no gate summary,
/// a summary without coverage for a coverage item, no SLO state covering the period, the
/// command not run, the manual item not ticked). The milestone is accepted only when every item
/// passed.
pub fn evaluate(
    sow: &Sow,
    milestone: &str,
    evidence: &Evidence,
    now: Timestamp,
) -> Result<AcceptanceRecord, UnknownMilestone> {
    let Some(m) = sow.milestones.iter().find(|m| m.id == milestone) else {
        return Err(UnknownMilestone {
            sow: sow.id.clone(),
            milestone: milestone.to_string(),
            known: sow.milestones.iter().map(|m| m.id.clone()).collect(),
        });
    };
    let latest = latest_gate(&evidence.gates);
    let judged = latest.map(judged_run);
    let gate = GateAtHand {
        evidence: latest,
        later_failure: latest.and_then(|g| later_failure(&g.summary, &evidence.known_runs)),
        repository: sow.repository.as_deref(),
    };
    let items: Vec<ItemResult> = m
        .acceptance
        .iter()
        .map(|item| evaluate_item(sow, item, gate, evidence, now))
        .collect();
    let digests = evidence
        .gates
        .iter()
        .map(|g| (g.name.clone(), g.sha256.clone()))
        .chain(
            evidence
                .slos
                .iter()
                .map(|s| (s.name.clone(), s.sha256.clone())),
        )
        .map(|(name, sha256)| EvidenceDigest { name, sha256 })
        .collect();
    let count = |outcome| items.iter().filter(|i| i.outcome == outcome).count();
    let counts = OutcomeCounts {
        passed: count(ItemOutcome::Passed),
        failed: count(ItemOutcome::Failed),
        pending: count(ItemOutcome::Pending),
    };
    let accepted = !items.is_empty() && counts.passed == items.len();
    Ok(AcceptanceRecord {
        schema: ACCEPTANCE_SCHEMA.to_string(),
        sow_id: sow.id.clone(),
        milestone: m.id.clone(),
        milestone_title: m.title.clone(),
        amount_minor: m.amount_minor,
        currency: sow.currency,
        evaluated_at: now,
        items,
        evidence: digests,
        judged,
        counts,
        accepted,
    })
}

fn judged_run(gate: &GateEvidence) -> JudgedRun {
    let s = &gate.summary;
    JudgedRun {
        evidence: gate.name.clone(),
        repository: s.project.repository.clone(),
        commit: s.project.commit.clone(),
        describe: s.project.describe.clone(),
        generated_at: s.generated_at.clone(),
        passed: s.gate.passed,
        complete: s.selection.as_ref().map(|sel| sel.complete),
        filters: s
            .selection
            .as_ref()
            .map(|sel| sel.filters.clone())
            .unwrap_or_default(),
    }
}

/// The latest failing run of the same repository that finished after `summary`'s (a run whose
/// repository or time is unknown counts: a summary must be shown to be current, not assumed
/// to be).
fn later_failure<'k>(summary: &Summary, known: &'k [KnownRun]) -> Option<&'k KnownRun> {
    let at = summary.generated_at.parse::<Timestamp>().ok();
    let repository = summary.project.repository.as_deref();
    known
        .iter()
        .filter(|k| !k.passed)
        .filter(|k| match (repository, k.repository.as_deref()) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        })
        .filter(|k| match (at, k.generated_at) {
            (Some(at), Some(then)) => then > at,
            _ => true,
        })
        .max_by_key(|k| k.generated_at)
}

/// The gate summary the gate items are judged on, the later failing run that refuses it, and
/// the repository the SOW delivers (evidence of any other is refused).
#[derive(Clone, Copy)]
struct GateAtHand<'e> {
    evidence: Option<&'e GateEvidence>,
    later_failure: Option<&'e KnownRun>,
    repository: Option<&'e str>,
}

/// Whether two names of a repository name the same one, however they are written: the scheme,
/// credentials, an scp-like `git@host:owner/name`, a trailing `.git` or `/`, and letter case are
/// not told apart (`git@github.com:Acme/API.git` is `https://github.com/acme/api`).
pub fn same_repository(a: &str, b: &str) -> bool {
    repository_key(a) == repository_key(b)
}

fn repository_key(url: &str) -> String {
    let url = url.trim();
    let (rest, scp_like) = match url.split_once("://") {
        Some((_, rest)) => (rest, false),
        None => (url, true),
    };
    // Credentials end at the last `@` before the path.
    let path_start = rest.find('/').unwrap_or(rest.len());
    let rest = match rest[..path_start].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    let rest = if scp_like {
        // `host:owner/name` (scp-like); a Windows-less world has no drive letters here.
        rest.replacen(':', "/", 1)
    } else {
        rest.to_string()
    };
    let rest = rest.trim_end_matches('/');
    rest.strip_suffix(".git")
        .unwrap_or(rest)
        .to_ascii_lowercase()
}

fn latest_gate(gates: &[GateEvidence]) -> Option<&GateEvidence> {
    gates
        .iter()
        .enumerate()
        .max_by_key(|(i, g)| (g.summary.generated_at.parse::<Timestamp>().ok(), *i))
        .map(|(_, g)| g)
}

struct Decision {
    outcome: ItemOutcome,
    measured: Option<Message>,
    required: Option<String>,
    evidence: Option<String>,
}

fn evaluate_item(
    sow: &Sow,
    item: &AcceptanceItem,
    gate: GateAtHand<'_>,
    evidence: &Evidence,
    now: Timestamp,
) -> ItemResult {
    let (kind, decision, ticked) = match &item.check {
        Check::Manual => {
            let tick = evidence.ticks.get(&item.id).cloned();
            let outcome = if tick.is_some() {
                ItemOutcome::Passed
            } else {
                ItemOutcome::Pending
            };
            let decision = Decision {
                outcome,
                measured: tick
                    .as_ref()
                    .map(|t| measured("ticked_by", &[("by", t.by.clone())])),
                required: Some("ticked by a person".to_string()),
                evidence: None,
            };
            ("manual", decision, tick)
        }
        Check::Gate { condition } => ("gate", gate_decision(condition, gate), None),
        Check::Slo {
            service_level,
            over,
        } => (
            "slo",
            slo_decision(sow, service_level, over, evidence, now),
            None,
        ),
        Check::Command { argv, expect_exit } => {
            let result = evidence.commands.iter().rev().find(|c| &c.argv == argv);
            let required = Some(format!("exit {expect_exit}"));
            let shown = format!("$ {}", argv.join(" "));
            let decision = match result {
                None => Decision {
                    outcome: ItemOutcome::Pending,
                    measured: Some(match &evidence.commands_not_run {
                        Some(CommandsNotRun::NotAllowed { sow_sha256 }) => {
                            measured("commands_not_allowed", &[("sha256", sow_sha256.clone())])
                        }
                        _ => measured("not_run", &[]),
                    }),
                    required,
                    evidence: None,
                },
                Some(r) => Decision {
                    outcome: if r.exit_code == Some(*expect_exit) {
                        ItemOutcome::Passed
                    } else {
                        ItemOutcome::Failed
                    },
                    measured: Some(match r.exit_code {
                        Some(code) => measured("exit", &[("code", code.to_string())]),
                        None => measured("no_exit", &[]),
                    }),
                    required,
                    evidence: Some(shown),
                },
            };
            ("command", decision, None)
        }
    };
    ItemResult {
        id: item.id.clone(),
        text: item.text.clone(),
        kind: kind.to_string(),
        outcome: decision.outcome,
        measured: decision
            .measured
            .as_ref()
            .map(|m| m.english_in(MEASURED_ENGLISH)),
        measured_message: decision.measured,
        required: decision.required,
        ticked,
        evidence: decision.evidence,
    }
}

fn pending(measured: Message, required: String, evidence: Option<String>) -> Decision {
    Decision {
        outcome: ItemOutcome::Pending,
        measured: Some(measured),
        required: Some(required),
        evidence,
    }
}

fn decided(passed: bool, measured: Message, required: String, evidence: String) -> Decision {
    Decision {
        outcome: if passed {
            ItemOutcome::Passed
        } else {
            ItemOutcome::Failed
        },
        measured: Some(measured),
        required: Some(required),
        evidence: Some(evidence),
    }
}

fn gate_decision(condition: &GateCondition, at_hand: GateAtHand<'_>) -> Decision {
    let required = condition_line(condition);
    let Some(gate) = at_hand.evidence else {
        return pending(measured("no_gate_summary", &[]), required, None);
    };
    let name = gate.name.clone();
    let s = &gate.summary;
    if let Some(later) = at_hand.later_failure {
        let said = measured(
            "later_run_failed",
            &[
                ("what", later.what.clone()),
                (
                    "at",
                    later
                        .generated_at
                        .map_or_else(|| "time unknown".to_string(), |t| t.to_string()),
                ),
                (
                    "commit",
                    later
                        .commit
                        .clone()
                        .unwrap_or_else(|| "unknown".to_string()),
                ),
            ],
        );
        return decided(false, said, required, name);
    }
    if let Some(expected) = at_hand.repository
        && !s
            .project
            .repository
            .as_deref()
            .is_some_and(|found| same_repository(found, expected))
    {
        let found = s
            .project
            .repository
            .clone()
            .unwrap_or_else(|| "an unnamed repository".to_string());
        return pending(
            measured(
                "other_repository",
                &[("found", found), ("expected", expected.to_string())],
            ),
            required,
            Some(name),
        );
    }
    if condition.needs_whole_suite()
        && let Some(selection) = s.selection.as_ref().filter(|sel| !sel.complete)
    {
        let filters = if selection.filters.is_empty() {
            "filter not recorded".to_string()
        } else {
            selection.filters.join(" ")
        };
        return pending(
            measured("partial_run", &[("filters", filters)]),
            required,
            Some(name),
        );
    }
    match condition {
        GateCondition::GatePassed => {
            let failed: Vec<&str> = s
                .gate
                .rules
                .iter()
                .filter(|r| !r.passed)
                .map(|r| r.name.as_str())
                .collect();
            let said = if s.gate.passed {
                measured("gate_passed", &[])
            } else if failed.is_empty() {
                measured("gate_failed", &[])
            } else {
                measured("gate_failed_rules", &[("rules", failed.join(", "))])
            };
            decided(s.gate.passed, said, required, name)
        }
        GateCondition::CoverageAtLeast { percent } => match &s.coverage {
            None => pending(measured("no_coverage", &[]), required, Some(name)),
            Some(c) => {
                let statements = c.unit == CoverageUnit::Statements;
                match c.percent {
                    None => decided(
                        false,
                        measured(
                            if statements {
                                "coverage_nothing_statements"
                            } else {
                                "coverage_nothing_lines"
                            },
                            &[],
                        ),
                        required,
                        name,
                    ),
                    Some(p) => decided(
                        p >= *percent,
                        measured(
                            if statements {
                                "coverage_statements"
                            } else {
                                "coverage_lines"
                            },
                            &[("percent", format!("{p:.1}"))],
                        ),
                        required,
                        name,
                    ),
                }
            }
        },
        GateCondition::NoFailedTests => match &s.tests {
            None => pending(measured("no_tests", &[]), required, Some(name)),
            // Zero tests pass nothing: "all tests pass" needs a test that ran.
            Some(t) if t.passed + t.failed == 0 => decided(
                false,
                measured("tests_none_ran", &[("skipped", t.skipped.to_string())]),
                required,
                name,
            ),
            Some(t) => {
                let failed = ("failed", t.failed.to_string());
                let said = if t.errors > 0 {
                    measured(
                        "tests_failed_errored",
                        &[failed, ("errors", t.errors.to_string())],
                    )
                } else {
                    measured("tests_failed", &[failed])
                };
                decided(t.failed == 0 && t.errors == 0, said, required, name)
            }
        },
        GateCondition::NoErrorFindings => match &s.findings {
            None => pending(measured("no_findings", &[]), required, Some(name)),
            Some(f) => decided(
                f.error == 0,
                measured("error_findings", &[("n", f.error.to_string())]),
                required,
                name,
            ),
        },
        GateCondition::NoBenchmarkRegression => match &s.benchmarks {
            None => pending(measured("no_benchmarks", &[]), required, Some(name)),
            Some(b) if b.compared == 0 => {
                pending(measured("no_benchmark_compared", &[]), required, Some(name))
            }
            Some(b) => {
                let compared = ("compared", b.compared.to_string());
                let said = match (b.regressions, b.worst_regression_percent) {
                    (0, _) => measured("no_regression", &[compared]),
                    (n, Some(worst)) => measured(
                        "regression_worst",
                        &[
                            ("n", n.to_string()),
                            compared,
                            ("worst", format!("{worst:.1}")),
                        ],
                    ),
                    (n, None) => measured("regression", &[("n", n.to_string()), compared]),
                };
                decided(b.regressions == 0, said, required, name)
            }
        },
        GateCondition::DebtRatingAtLeast { rating } => match &s.debt {
            None => pending(measured("no_debt", &[]), required, Some(name)),
            Some(d) => {
                let got = format!("{:?}", d.rating);
                let passed = got.chars().next().is_some_and(|c| c <= *rating);
                decided(
                    passed,
                    measured("debt_rating", &[("rating", got)]),
                    required,
                    name,
                )
            }
        },
    }
}

fn slo_decision(
    sow: &Sow,
    service_level: &str,
    over: &Duration,
    evidence: &Evidence,
    now: Timestamp,
) -> Decision {
    let target = sow
        .service_levels
        .iter()
        .find(|sl| sl.id == service_level)
        .map(|sl| match sl.objective {
            Objective::Availability { target_percent }
            | Objective::Latency { target_percent, .. } => target_percent,
        });
    let span = SignedDuration::from_secs(i64::try_from(over.seconds).unwrap_or(i64::MAX));
    let required = match target {
        Some(t) => format!("{service_level} ≥ {t} % over the last {}", over.text),
        None => format!("{service_level} met over the last {}", over.text),
    };
    let states: Vec<&SloEvidence> = evidence
        .slos
        .iter()
        .filter(|s| s.state.service_level == service_level)
        .collect();
    if states.is_empty() {
        return pending(
            measured(
                "no_slo_state",
                &[("service_level", service_level.to_string())],
            ),
            required,
            None,
        );
    }
    let period_start = now.checked_sub(span).unwrap_or(Timestamp::MIN);
    let latest_end = now.checked_sub(SLO_STATE_SLACK).unwrap_or(Timestamp::MIN);
    let covering = states
        .iter()
        .filter(|s| s.state.from <= period_start && s.state.to >= latest_end)
        .max_by_key(|s| s.state.to);
    let Some(state) = covering else {
        let last = states.iter().max_by_key(|s| s.state.to).expect("not empty");
        return pending(
            measured(
                "slo_state_elsewhere",
                &[
                    ("from", last.state.from.to_string()),
                    ("to", last.state.to.to_string()),
                    ("over", over.text.clone()),
                    ("now", now.to_string()),
                ],
            ),
            required,
            Some(last.name.clone()),
        );
    };
    let s = &state.state;
    let meets_sow_target = target.is_none_or(|t| s.measured_percent >= t);
    decided(
        s.met && meets_sow_target,
        measured(
            if s.met { "slo_met" } else { "slo_not_met" },
            &[
                ("service_level", service_level.to_string()),
                ("percent", s.measured_percent.to_string()),
                ("from", s.from.to_string()),
                ("to", s.to.to_string()),
            ],
        ),
        required,
        state.name.clone(),
    )
}
