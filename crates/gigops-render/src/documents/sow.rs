//! The statement of work: parties, period, scope, milestones with their acceptance items,
//! delivery terms, service levels, credits, payment, governing language and signatures — one
//! [`SowView`] of formatted, translated strings laid out as HTML, Markdown and a PDF.
//!
//! The HTML is what a signer signs (its SHA-256), so it is a pure function of the SOW, the
//! signatures, the language and the templates: no clock, no environment, no map whose order
//! varies between runs.
//!
//! Every figure comes from the model: derived ones (each milestone's share of the total, the
//! period's days, an availability objective's error budget) are computed by gigops-contract
//! ([`Sow::derive_figures`]), never here nor in a template.

use gigops_contract::{
    BudgetPeriod, Check, Duration, GateCondition, Objective, Party, ServiceLevel, SignatureCheck,
    SignatureProblemKind, Sow, Verification,
};
use jiff::Timestamp;
use serde::Serialize;

use crate::RenderError;
use crate::document::{Document, Format, Layouts, View};
use crate::engine::format::{self, MISSING};
use crate::engine::i18n::Catalog;
use crate::engine::parts::{Field, Kpi};

/// The statement of work. Without a sign-off (`None`, or no signature) the signature block has
/// blank lines to sign on; with one, each party's block says who signed, when, which document,
/// and whether the signature verified — a signature is shown as valid only when it is, and a
/// SOW changed after signing says so at its top.
///
/// Deterministic: the same SOW, sign-off, language and templates give byte-identical output,
/// so the SHA-256 of its HTML identifies what a signer read. As JSON it is the SOW's own
/// interchange form (`gigops sow schema`), not a view.
#[derive(Debug, Clone, Copy)]
pub struct SowDocument<'a> {
    pub sow: &'a Sow,
    pub sign_off: Option<&'a Verification>,
}

impl Document for SowDocument<'_> {
    fn name(&self) -> &'static str {
        "the statement of work"
    }

    fn catalog(&self) -> &'static [&'static str] {
        &["sow"]
    }

    fn layouts(&self) -> Layouts {
        Layouts {
            json: true,
            markdown: Some("sow.md"),
            html: Some("sow.html"),
            typst: Some(include_str!("../../templates/sow.typ")),
        }
    }

    fn json(&self) -> Result<Vec<u8>, RenderError> {
        let mut bytes = serde_json::to_vec_pretty(&self.sow.to_json())?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    fn view(&self, _: Format, catalog: &Catalog, _: &str) -> Result<View, RenderError> {
        Ok(View::new(&SowView::build(
            self.sow,
            self.sign_off,
            catalog,
        )?))
    }
}

/// Everything the SOW templates show, formatted and translated.
#[derive(Debug, Clone, Serialize)]
pub struct SowView {
    pub lang: &'static str,
    pub id: String,
    pub title: String,
    /// "Statement of work", the kind of document.
    pub kind: String,
    pub subtitle: String,
    pub meta: Vec<Field>,
    pub kpis: Vec<Kpi>,
    pub parties: Vec<PartyView>,
    pub scope: Vec<String>,
    pub out_of_scope: Vec<String>,
    pub milestones: Vec<MilestoneRow>,
    /// The total row of the milestone table.
    pub milestone_total: MilestoneRow,
    pub milestone_details: Vec<MilestoneDetail>,
    /// Iteration length and the change-request policy, each a label and its sentences.
    pub delivery: Vec<TermView>,
    pub support: Vec<String>,
    pub service_levels: Vec<ServiceLevelView>,
    pub credits: Option<CreditsView>,
    pub payment: Vec<String>,
    pub governing: String,
    pub signatures: Vec<SignatureBlock>,
    pub signed: bool,
    /// When a signature was made over another SOW file or document than this one: the warning
    /// the document opens with; empty otherwise.
    pub changed_after_signing: String,
    pub footer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    pub label: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartyView {
    /// "Provider" or "Client".
    pub role: String,
    pub name: String,
    /// Representative, email, address, when given.
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneRow {
    pub id: String,
    pub title: String,
    pub due: String,
    pub amount: String,
    pub share: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneDetail {
    pub id: String,
    pub title: String,
    /// "due 2025-08-15 · 12,000.00 USD".
    pub summary: String,
    pub deliverables: Vec<String>,
    pub acceptance: Vec<CriterionView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    pub id: String,
    pub text: String,
    pub check: CheckView,
}

/// A check in words. A command is set apart as code: the sentence is `prefix`, `code`,
/// `suffix`, so a translation can put the command where its grammar wants it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CheckView {
    /// `manual`, `gate`, `slo` or `command`.
    pub kind: String,
    pub prefix: String,
    pub code: String,
    pub suffix: String,
    /// The whole sentence, the command in backticks (Markdown, plain text).
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceLevelView {
    pub id: String,
    pub description: String,
    pub objective: String,
    pub window: String,
    pub breach: String,
    pub period: String,
    /// Minutes of allowed downtime per period, for an availability objective; `—` otherwise.
    pub budget: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreditsView {
    pub intro: String,
    pub rows: Vec<CreditRow>,
    pub cap: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreditRow {
    pub below: String,
    pub credit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignatureBlock {
    /// "Provider", "Client", or a role as the signature names it.
    pub role: String,
    pub party: String,
    pub representative: String,
    /// One line per signature given for this role; empty when nobody has signed yet, and the
    /// templates then draw blank lines to sign on.
    pub signed: Vec<SignedLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignedLine {
    /// "Signed by Li Wei on 2025-07-03 09:15 UTC".
    pub text: String,
    /// "document 3f2a9c0d11e4 (zh-CN)": the first 12 hex digits of the SHA-256 signed.
    pub document: String,
    /// `valid`, `unverified` (no allowed signers to check the signer against), `unsigned` (a
    /// digest without an SSH signature), `changed` (made over another version) or `invalid`.
    pub state: &'static str,
    /// ✓ only for `valid`; ✗ for `changed` and `invalid`; ○ otherwise.
    pub mark: &'static str,
    /// The state in words: the key that verified, or why the signature is no sign-off.
    pub status: String,
}

/// An instant as documents show it: UTC to the minute.
pub(crate) fn instant(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// A number as written in a contract: as many decimals as it has (up to three), no trailing
/// zeros — `80`, `99.9`, `99.95`, `1,500`.
pub(crate) fn figure(x: f64) -> String {
    for places in 0..3 {
        let scale = 10f64.powi(places as i32);
        if ((x * scale).round() - x * scale).abs() < 1e-6 {
            return format::decimal(Some(x), places);
        }
    }
    format::decimal(Some(x), 3)
}

/// A duration in words in the catalog's language: `2 weeks`, `1 hour 30 minutes`, `7 天`.
/// Weeks are used only when the user wrote weeks; the written text is kept for a zero length.
pub(crate) fn duration_words(d: &Duration, t: &Catalog) -> Result<String, RenderError> {
    const WEEK: u64 = 7 * 86_400;
    let mut s = d.seconds;
    if s == 0 {
        return Ok(d.text.clone());
    }
    let mut parts = Vec::new();
    let mut unit = |n: u64, name: &str| -> Result<(), RenderError> {
        if n > 0 {
            let form = if n == 1 { "one" } else { "other" };
            parts.push(t.fill(
                &format!("duration.{name}_{form}"),
                &[("n", &format::count(n as usize))],
            )?);
        }
        Ok(())
    };
    if d.text.contains('w') && s.is_multiple_of(WEEK) {
        unit(s / WEEK, "week")?;
        s = 0;
    }
    unit(s / 86_400, "day")?;
    unit(s % 86_400 / 3_600, "hour")?;
    unit(s % 3_600 / 60, "minute")?;
    unit(s % 60, "second")?;
    Ok(parts.join(" "))
}

/// An objective in words: `availability ≥ 99.9%`, `P95 ≤ 150 ms in 99% of windows`.
pub(crate) fn objective_words(o: &Objective, t: &Catalog) -> Result<String, RenderError> {
    match o {
        Objective::Availability { target_percent } => t.fill(
            "sow.objective_availability",
            &[("target", &figure(*target_percent))],
        ),
        Objective::Latency {
            percentile,
            threshold_ms,
            target_percent,
        } => t.fill(
            "sow.objective_latency",
            &[
                ("percentile", &figure(*percentile)),
                ("threshold", &figure(*threshold_ms)),
                ("target", &figure(*target_percent)),
            ],
        ),
    }
}

/// A command line as a reader would type it: arguments with spaces or shell characters in
/// single quotes.
fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| {
            let plain = !arg.is_empty()
                && arg.chars().all(|c| {
                    c.is_alphanumeric()
                        || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '+' | '@' | '%')
                });
            if plain {
                arg.clone()
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An acceptance item's check in words, naming the service level's objective when the SOW
/// has it.
pub(crate) fn check_words(
    check: &Check,
    service_levels: &[ServiceLevel],
    t: &Catalog,
) -> Result<CheckView, RenderError> {
    let plain = |kind: &str, text: String| CheckView {
        kind: kind.to_string(),
        prefix: text.clone(),
        code: String::new(),
        suffix: String::new(),
        text,
    };
    Ok(match check {
        Check::Manual => plain("manual", t.text("sow.check_manual")?.to_string()),
        Check::Gate { condition } => {
            let text = match condition {
                GateCondition::GatePassed => t.text("sow.check_gate_passed")?.to_string(),
                GateCondition::CoverageAtLeast { percent } => {
                    t.fill("sow.check_coverage", &[("percent", &figure(*percent))])?
                }
                GateCondition::NoFailedTests => t.text("sow.check_no_failed_tests")?.to_string(),
                GateCondition::NoErrorFindings => {
                    t.text("sow.check_no_error_findings")?.to_string()
                }
                GateCondition::NoBenchmarkRegression => {
                    t.text("sow.check_no_benchmark_regression")?.to_string()
                }
                GateCondition::DebtRatingAtLeast { rating } => {
                    t.fill("sow.check_debt_rating", &[("rating", &rating.to_string())])?
                }
            };
            plain("gate", text)
        }
        Check::Slo {
            service_level,
            over,
        } => {
            let over = duration_words(over, t)?;
            let text = match service_levels.iter().find(|s| &s.id == service_level) {
                Some(s) => t.fill(
                    "sow.check_slo_objective",
                    &[
                        ("service_level", service_level),
                        ("objective", &objective_words(&s.objective, t)?),
                        ("duration", &over),
                    ],
                )?,
                None => t.fill(
                    "sow.check_slo",
                    &[("service_level", service_level), ("duration", &over)],
                )?,
            };
            plain("slo", text)
        }
        Check::Command { argv, expect_exit } => {
            let sentence = t.fill("sow.check_command", &[("status", &expect_exit.to_string())])?;
            let code = command_line(argv);
            let (prefix, suffix) = sentence
                .split_once("{command}")
                .map_or((sentence.as_str(), ""), |(a, b)| (a, b));
            CheckView {
                kind: "command".into(),
                text: format!("{prefix}`{code}`{suffix}"),
                prefix: prefix.to_string(),
                code,
                suffix: suffix.to_string(),
            }
        }
    })
}

/// The error budget of an availability objective per budget period, from the model (the
/// contract's shortest and longest period); `—` for a latency objective.
fn error_budget(level: &ServiceLevel, t: &Catalog) -> Result<String, RenderError> {
    let Some(budget) = &level.error_budget else {
        return Ok(MISSING.to_string());
    };
    let (short, long) = (budget.shortest, budget.longest);
    match &level.budget_period {
        BudgetPeriod::Rolling { duration } => t.fill(
            "sow.budget_minutes",
            &[
                ("minutes", &figure(short.minutes)),
                ("period", &duration_words(duration, t)?),
            ],
        ),
        BudgetPeriod::CalendarMonth if short == long => t.fill(
            "sow.budget_month",
            &[
                ("minutes", &figure(short.minutes)),
                ("days", &figure(short.days)),
            ],
        ),
        BudgetPeriod::CalendarMonth => t.fill(
            "sow.budget_month_range",
            &[
                ("min", &figure(short.minutes)),
                ("max", &figure(long.minutes)),
                ("min_days", &figure(short.days)),
                ("max_days", &figure(long.days)),
            ],
        ),
    }
}

fn party_view(role: &str, party: &Party, t: &Catalog) -> Result<PartyView, RenderError> {
    let mut fields = Vec::new();
    for (key, value) in [
        ("representative", &party.representative),
        ("email", &party.email),
        ("address", &party.address),
    ] {
        if let Some(value) = value {
            fields.push(Field {
                label: t.text(&format!("sow.{key}"))?.to_string(),
                value: value.clone(),
            });
        }
    }
    Ok(PartyView {
        role: t.text(&format!("sow.role_{role}"))?.to_string(),
        name: party.name.clone(),
        fields,
    })
}

fn signed_line(c: &SignatureCheck, t: &Catalog) -> Result<SignedLine, RenderError> {
    let hash: String = c.document_sha256.chars().take(12).collect();
    let has = |kind| c.problems.iter().any(|p| p.kind == kind);
    let (state, mark, status) = if c.valid {
        let key = c.key.as_deref().unwrap_or_default();
        (
            "valid",
            "✓",
            t.fill("sow.signature_valid", &[("key", key)])?,
        )
    } else if c.changed_after_signing() {
        ("changed", "✗", t.text("sow.signature_changed")?.to_string())
    } else if has(SignatureProblemKind::Unsigned) {
        (
            "unsigned",
            "○",
            t.text("sow.signature_unsigned")?.to_string(),
        )
    } else if c
        .problems
        .iter()
        .all(|p| p.kind == SignatureProblemKind::SignerNotChecked)
    {
        (
            "unverified",
            "○",
            t.text("sow.signature_unchecked")?.to_string(),
        )
    } else {
        let key = if has(SignatureProblemKind::Forged) {
            "sow.signature_forged"
        } else if has(SignatureProblemKind::SignerNotAllowed) {
            "sow.signature_not_allowed"
        } else {
            "sow.signature_malformed"
        };
        ("invalid", "✗", t.text(key)?.to_string())
    };
    Ok(SignedLine {
        text: t.fill(
            "sow.signed",
            &[("signer", &c.signer), ("at", &instant(c.signed_at))],
        )?,
        document: t.fill(
            "sow.signed_document",
            &[("hash", &hash), ("lang", c.lang.as_str())],
        )?,
        state,
        mark,
        status,
    })
}

/// The service credits: the service level they are owed for, its tiers and the cap.
fn credits_view(sow: &Sow, t: &Catalog) -> Result<Option<CreditsView>, RenderError> {
    Ok(match &sow.credits {
        Some(c) => {
            let objective = sow
                .service_levels
                .iter()
                .find(|s| s.id == c.service_level)
                .map(|s| objective_words(&s.objective, t))
                .transpose()?;
            Some(CreditsView {
                intro: match objective {
                    Some(objective) => t.fill(
                        "sow.intro_credits_objective",
                        &[
                            ("service_level", &c.service_level),
                            ("objective", &objective),
                        ],
                    )?,
                    None => t.fill("sow.intro_credits", &[("service_level", &c.service_level)])?,
                },
                rows: c
                    .tiers
                    .iter()
                    .map(|tier| {
                        Ok(CreditRow {
                            below: t.fill(
                                "sow.credit_below",
                                &[("percent", &figure(tier.below_percent))],
                            )?,
                            credit: t.fill(
                                "sow.credit_credit",
                                &[("percent", &figure(tier.credit_percent))],
                            )?,
                        })
                    })
                    .collect::<Result<Vec<_>, RenderError>>()?,
                cap: t.fill("sow.credit_cap", &[("percent", &figure(c.cap_percent))])?,
            })
        }
        None => None,
    })
}

/// A block per party to sign in (the provider's and the client's, each with who signed it),
/// then one per other role that signed (a witness, a second signer), in the order they signed.
fn signature_blocks(
    sow: &Sow,
    signatures: &[SignatureCheck],
    t: &Catalog,
) -> Result<Vec<SignatureBlock>, RenderError> {
    let text = |key: &str| t.text(&format!("sow.{key}")).map(str::to_string);
    let p = &sow.parties;
    let mut signature_blocks = Vec::new();
    for (role, party) in [("provider", &p.provider), ("client", &p.client)] {
        signature_blocks.push(SignatureBlock {
            role: text(&format!("role_{role}"))?,
            party: party.name.clone(),
            representative: party.representative.clone().unwrap_or_default(),
            signed: signatures
                .iter()
                .filter(|s| s.role == role)
                .map(|s| signed_line(s, t))
                .collect::<Result<Vec<_>, RenderError>>()?,
        });
    }
    // A role the SOW does not name (a witness, a second client signer): a block of its
    // own per role, in the order they signed.
    let mut other_roles: Vec<&str> = Vec::new();
    for s in signatures {
        if s.role != "provider" && s.role != "client" && !other_roles.contains(&s.role.as_str()) {
            other_roles.push(&s.role);
        }
    }
    for role in other_roles {
        signature_blocks.push(SignatureBlock {
            role: role.to_string(),
            party: String::new(),
            representative: String::new(),
            signed: signatures
                .iter()
                .filter(|s| s.role == role)
                .map(|s| signed_line(s, t))
                .collect::<Result<Vec<_>, RenderError>>()?,
        });
    }
    Ok(signature_blocks)
}

impl SowView {
    pub fn build(
        sow: &Sow,
        sign_off: Option<&Verification>,
        t: &Catalog,
    ) -> Result<SowView, RenderError> {
        let signatures = sign_off.map_or(&[][..], |v| v.signatures.as_slice());
        let code = sow.currency.code();
        let money = |minor: i64| format::money(minor, code);
        let text = |key: &str| t.text(&format!("sow.{key}")).map(str::to_string);
        let share = |m: &gigops_contract::Milestone| {
            if sow.total_minor == 0 {
                MISSING.to_string()
            } else {
                format!("{}%", format::decimal(Some(m.share_percent), 1))
            }
        };
        let language = text(&format!("lang_{}", sow.language.as_str().replace('-', "_")))?;
        let period = t.fill(
            "sow.period_range",
            &[
                ("start", &sow.start.to_string()),
                ("end", &sow.end.to_string()),
            ],
        )?;
        let p = &sow.parties;

        let meta = vec![
            Field {
                label: text("id")?,
                value: sow.id.clone(),
            },
            Field {
                label: text("currency")?,
                value: code.to_string(),
            },
            Field {
                label: text("language")?,
                value: language.clone(),
            },
        ];
        let kpis = vec![
            Kpi {
                label: text("total")?,
                value: money(sow.total_minor)?,
                note: t.fill(
                    "sow.total_note",
                    &[("n", &format::count(sow.milestones.len()))],
                )?,
            },
            Kpi {
                label: text("period")?,
                value: period.clone(),
                note: t.fill(
                    "sow.period_note",
                    &[("days", &format::count(sow.period_days.max(0) as usize))],
                )?,
            },
        ];

        let parties = vec![
            party_view("provider", &p.provider, t)?,
            party_view("client", &p.client, t)?,
        ];

        let milestones = sow
            .milestones
            .iter()
            .map(|m| {
                Ok(MilestoneRow {
                    id: m.id.clone(),
                    title: m.title.clone(),
                    due: m.due.to_string(),
                    amount: money(m.amount_minor)?,
                    share: share(m),
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        let milestone_total = MilestoneRow {
            id: String::new(),
            title: text("total_row")?,
            due: sow.end.to_string(),
            amount: money(sow.total_minor)?,
            // The amounts sum to the total (`sow check`): the column's total says nothing more.
            share: String::new(),
        };
        let milestone_details = sow
            .milestones
            .iter()
            .map(|m| {
                Ok(MilestoneDetail {
                    id: m.id.clone(),
                    title: m.title.clone(),
                    summary: t.fill(
                        "sow.milestone_summary",
                        &[
                            ("due", &m.due.to_string()),
                            ("amount", &money(m.amount_minor)?),
                        ],
                    )?,
                    deliverables: m.deliverables.clone(),
                    acceptance: m
                        .acceptance
                        .iter()
                        .map(|a| {
                            Ok(CriterionView {
                                id: a.id.clone(),
                                text: a.text.clone(),
                                check: check_words(&a.check, &sow.service_levels, t)?,
                            })
                        })
                        .collect::<Result<Vec<_>, RenderError>>()?,
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;

        let c = &sow.change_requests;
        let mut changes = Vec::new();
        if let Some(process) = &c.process {
            changes.push(process.clone());
        }
        if let Some(days) = c.response_days {
            changes.push(t.fill("sow.change_response", &[("n", &days.to_string())])?);
        }
        if let Some(rate) = c.hourly_rate_minor {
            changes.push(t.fill("sow.change_rate", &[("rate", &money(rate)?)])?);
        }
        if let Some(hours) = c.free_hours {
            changes.push(t.fill("sow.change_free", &[("n", &hours.to_string())])?);
        }
        if changes.is_empty() {
            changes.push(text("change_none")?);
        }
        let mut delivery = Vec::with_capacity(3);
        if let Some(repository) = &sow.repository {
            delivery.push(TermView {
                label: text("repository")?,
                lines: vec![t.fill("sow.repository_line", &[("repository", repository)])?],
            });
        }
        delivery.extend([
            TermView {
                label: text("iteration")?,
                lines: vec![match &sow.iteration {
                    Some(d) => t.fill(
                        "sow.iteration_length",
                        &[("duration", &duration_words(d, t)?)],
                    )?,
                    None => text("iteration_none")?,
                }],
            },
            TermView {
                label: text("change_requests")?,
                lines: changes,
            },
        ]);

        let support = match &sow.support {
            Some(s) => {
                let mut lines = vec![t.fill("sow.support_days", &[("n", &s.days.to_string())])?];
                match (&s.hours, &s.time_zone) {
                    (Some(hours), Some(zone)) => lines.push(t.fill(
                        "sow.support_hours_zone",
                        &[("hours", hours), ("zone", zone)],
                    )?),
                    (Some(hours), None) => {
                        lines.push(t.fill("sow.support_hours", &[("hours", hours)])?)
                    }
                    (None, Some(zone)) => {
                        lines.push(t.fill("sow.support_zone", &[("zone", zone)])?)
                    }
                    (None, None) => {}
                }
                if let Some(response) = &s.response {
                    lines.push(t.fill(
                        "sow.support_response",
                        &[("duration", &duration_words(response, t)?)],
                    )?);
                }
                lines
            }
            None => vec![text("support_none")?],
        };

        let service_levels = sow
            .service_levels
            .iter()
            .map(|s| {
                Ok(ServiceLevelView {
                    id: s.id.clone(),
                    description: s.description.clone().unwrap_or_default(),
                    objective: objective_words(&s.objective, t)?,
                    window: duration_words(&s.window, t)?,
                    breach: if s.consecutive_windows <= 1 {
                        text("breach_one")?
                    } else {
                        t.fill("sow.breach_n", &[("n", &s.consecutive_windows.to_string())])?
                    },
                    period: match &s.budget_period {
                        BudgetPeriod::Rolling { duration } => t.fill(
                            "sow.period_rolling",
                            &[("duration", &duration_words(duration, t)?)],
                        )?,
                        BudgetPeriod::CalendarMonth => text("period_calendar_month")?,
                    },
                    budget: error_budget(s, t)?,
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;

        let credits = credits_view(sow, t)?;

        let mut payment = vec![
            text("payment_milestones")?,
            t.fill(
                "sow.payment_net",
                &[("n", &sow.payment.net_days.to_string())],
            )?,
        ];
        payment.push(match sow.payment.late_fee_percent_per_month {
            Some(fee) => t.fill("sow.payment_late", &[("percent", &figure(fee))])?,
            None => text("payment_no_late")?,
        });

        let signature_blocks = signature_blocks(sow, signatures, t)?;

        Ok(SowView {
            lang: t.lang().as_str(),
            id: sow.id.clone(),
            title: sow.title.clone(),
            kind: text("kind")?,
            subtitle: t.fill(
                "sow.subtitle",
                &[("provider", &p.provider.name), ("client", &p.client.name)],
            )?,
            meta,
            kpis,
            parties,
            scope: sow.scope.clone(),
            out_of_scope: sow.out_of_scope.clone(),
            milestones,
            milestone_total,
            milestone_details,
            delivery,
            support,
            service_levels,
            credits,
            payment,
            governing: t.fill("sow.governing", &[("language", &language)])?,
            signatures: signature_blocks,
            signed: !signatures.is_empty(),
            changed_after_signing: if sign_off.is_some_and(Verification::changed_after_signing) {
                text("changed_after_signing")?
            } else {
                String::new()
            },
            footer: t.fill(
                "sow.footer",
                &[("schema", gigops_contract::SOW_SCHEMA), ("id", &sow.id)],
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_core::Lang;

    fn d(text: &str, seconds: u64) -> Duration {
        Duration {
            text: text.into(),
            seconds,
        }
    }

    #[test]
    fn durations_in_words() {
        let en = Catalog::get(Lang::En).unwrap();
        let zh = Catalog::get(Lang::ZhCn).unwrap();
        assert_eq!(duration_words(&d("2w", 1_209_600), en).unwrap(), "2 weeks");
        assert_eq!(duration_words(&d("14d", 1_209_600), en).unwrap(), "14 days");
        assert_eq!(duration_words(&d("5m", 300), en).unwrap(), "5 minutes");
        assert_eq!(
            duration_words(&d("1h 30m", 5_400), en).unwrap(),
            "1 hour 30 minutes"
        );
        assert_eq!(duration_words(&d("1d", 86_400), en).unwrap(), "1 day");
        assert_eq!(duration_words(&d("7d", 604_800), zh).unwrap(), "7 天");
        assert_eq!(duration_words(&d("0s", 0), en).unwrap(), "0s");
    }

    #[test]
    fn figures_keep_their_decimals() {
        assert_eq!(figure(80.0), "80");
        assert_eq!(figure(99.9), "99.9");
        assert_eq!(figure(99.95), "99.95");
        assert_eq!(figure(1500.0), "1,500");
        assert_eq!(figure(1.0 / 3.0), "0.333");
    }

    #[test]
    fn commands_are_quoted_as_typed() {
        let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(command_line(&argv(&["make", "e2e"])), "make e2e");
        assert_eq!(
            command_line(&argv(&["sh", "-c", "go test ./... && echo it's ok"])),
            r"sh -c 'go test ./... && echo it'\''s ok'"
        );
    }
}
