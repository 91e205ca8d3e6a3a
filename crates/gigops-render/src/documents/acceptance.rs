//! The acceptance checklist: one milestone's evaluation — the verdict with its counts, one row
//! per acceptance item with its mark, what was measured and what was required, who ticked the
//! manual items, and every piece of evidence with its SHA-256 — as HTML, Markdown and a PDF
//! from one [`AcceptanceView`].
//!
//! The record's `measured` and `required` strings are the evaluator's (English). What was
//! measured is said in the document's language from the record's `measured_message`; when the
//! SOW is given, each item's requirement is said again from its check in the document's
//! language, as the SOW itself says it, so the checklist and the contract read the same.

use gigops_contract::{AcceptanceRecord, ItemOutcome, Sow};
use serde::Serialize;

use crate::RenderError;
use crate::document::{Document, Format, Layouts, View};
use crate::documents::sow::{check_words, instant};
use crate::engine::format;
use crate::engine::i18n::Catalog;
use crate::engine::parts::Field;

/// The acceptance checklist of one milestone's evaluation. `sow`, when given, is the SOW the
/// record was evaluated against: its checks say each requirement in the document's language.
#[derive(Debug, Clone, Copy)]
pub struct AcceptanceChecklist<'a> {
    pub record: &'a AcceptanceRecord,
    pub sow: Option<&'a Sow>,
}

impl Document for AcceptanceChecklist<'_> {
    fn name(&self) -> &'static str {
        "the acceptance checklist"
    }

    fn catalog(&self) -> &'static [&'static str] {
        &["sow", "acceptance"]
    }

    fn layouts(&self) -> Layouts {
        Layouts {
            markdown: Some("acceptance.md"),
            html: Some("acceptance.html"),
            typst: Some(include_str!("../../templates/acceptance.typ")),
            ..Layouts::default()
        }
    }

    fn view(&self, _: Format, catalog: &Catalog, _: &str) -> Result<View, RenderError> {
        Ok(View::new(&AcceptanceView::build(
            self.record,
            self.sow,
            catalog,
        )?))
    }
}

/// Everything the checklist templates show, formatted and translated.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceView {
    pub lang: &'static str,
    pub title: String,
    pub subtitle: String,
    pub meta: Vec<Field>,
    pub accepted: bool,
    /// "Accepted" or "Not accepted".
    pub verdict: String,
    /// "3 passed · 1 failed · 1 pending".
    pub counts: String,
    /// What the verdict means for invoicing.
    pub verdict_note: String,
    pub items: Vec<ItemView>,
    pub evidence: Vec<EvidenceView>,
    pub footer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: String,
    pub text: String,
    /// `passed`, `failed` or `pending`, for styling.
    pub outcome: &'static str,
    /// ✓, ✗ or ○.
    pub mark: &'static str,
    /// The outcome in words.
    pub result: String,
    /// The kind of check in words (manual, gate, SLO, command).
    pub kind: String,
    pub measured: String,
    pub required: String,
    /// When `required` holds a command: the sentence around it, as in the SOW.
    pub required_code: String,
    pub required_suffix: String,
    /// "ticked by … at …", for a manual item a person ticked.
    pub ticked: String,
    pub note: String,
    pub evidence: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub name: String,
    pub sha256: String,
}

impl AcceptanceView {
    pub fn build(
        r: &AcceptanceRecord,
        sow: Option<&Sow>,
        t: &Catalog,
    ) -> Result<AcceptanceView, RenderError> {
        let text = |key: &str| t.text(&format!("acceptance.{key}")).map(str::to_string);
        let amount = format::money(r.amount_minor, r.currency.code())?;
        let c = r.counts;
        let milestone = sow.and_then(|s| s.milestones.iter().find(|m| m.id == r.milestone));
        let items = r
            .items
            .iter()
            .map(|item| {
                let (outcome, mark) = match item.outcome {
                    ItemOutcome::Passed => ("passed", "✓"),
                    ItemOutcome::Failed => ("failed", "✗"),
                    ItemOutcome::Pending => ("pending", "○"),
                };
                let check = milestone
                    .and_then(|m| m.acceptance.iter().find(|a| a.id == item.id))
                    .map(|a| {
                        check_words(
                            &a.check,
                            sow.map_or(&[][..], |s| s.service_levels.as_slice()),
                            t,
                        )
                    })
                    .transpose()?;
                let (required, required_code, required_suffix) = match check {
                    Some(c) => (c.prefix, c.code, c.suffix),
                    None => (
                        item.required.clone().unwrap_or_default(),
                        String::new(),
                        String::new(),
                    ),
                };
                Ok(ItemView {
                    id: item.id.clone(),
                    text: item.text.clone(),
                    outcome,
                    mark,
                    result: text(&format!("outcome_{outcome}"))?,
                    kind: t
                        .lookup(&format!("acceptance.kind_{}", item.kind))
                        .map_or_else(|| item.kind.clone(), str::to_string),
                    measured: {
                        let english = item.measured.as_deref().unwrap_or_default();
                        match &item.measured_message {
                            Some(message) => t.message("acceptance_measured", message, english),
                            None => english.to_string(),
                        }
                    },
                    required,
                    required_code,
                    required_suffix,
                    ticked: match &item.ticked {
                        Some(tick) => t.fill(
                            "acceptance.ticked",
                            &[("by", &tick.by), ("at", &instant(tick.at))],
                        )?,
                        None => String::new(),
                    },
                    note: item
                        .ticked
                        .as_ref()
                        .and_then(|tick| tick.note.clone())
                        .unwrap_or_default(),
                    evidence: item.evidence.clone().unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;

        let mut meta = vec![
            Field {
                label: text("sow")?,
                value: r.sow_id.clone(),
            },
            Field {
                label: text("milestone")?,
                value: r.milestone.clone(),
            },
            Field {
                label: text("amount")?,
                value: amount.clone(),
            },
            Field {
                label: text("evaluated")?,
                value: instant(r.evaluated_at),
            },
        ];
        // What the gate items judged: a summary is evidence only for its repository and commit.
        if let Some(j) = &r.judged {
            let unknown = || text("judged_unknown");
            meta.push(Field {
                label: text("judged_repository")?,
                value: j.repository.clone().map_or_else(unknown, Ok)?,
            });
            meta.push(Field {
                label: text("judged_commit")?,
                value: match (&j.commit, &j.describe) {
                    (Some(commit), Some(describe)) if !commit.starts_with(describe.as_str()) => {
                        format!("{commit} ({describe})")
                    }
                    (Some(commit), _) => commit.clone(),
                    (None, _) => unknown()?,
                },
            });
            meta.push(Field {
                label: text("judged_tests")?,
                value: match j.complete {
                    Some(true) => text("selection_whole")?,
                    Some(false) => t.fill(
                        "acceptance.selection_partial",
                        &[("filters", &j.filters.join(" "))],
                    )?,
                    None => text("selection_unknown")?,
                },
            });
        }

        Ok(AcceptanceView {
            lang: t.lang().as_str(),
            title: text("title")?,
            subtitle: t.fill(
                "acceptance.subtitle",
                &[("milestone", &r.milestone), ("title", &r.milestone_title)],
            )?,
            meta,
            accepted: r.accepted,
            verdict: text(if r.accepted {
                "accepted"
            } else {
                "not_accepted"
            })?,
            counts: t.fill(
                "acceptance.counts",
                &[
                    ("passed", &c.passed.to_string()),
                    ("failed", &c.failed.to_string()),
                    ("pending", &c.pending.to_string()),
                ],
            )?,
            verdict_note: if r.accepted {
                t.fill("acceptance.accepted_note", &[("amount", &amount)])?
            } else {
                text("not_accepted_note")?
            },
            items,
            evidence: r
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    name: e.name.clone(),
                    sha256: e.sha256.clone(),
                })
                .collect(),
            footer: t.fill(
                "acceptance.footer",
                &[("schema", &r.schema), ("sow", &r.sow_id)],
            )?,
        })
    }
}
