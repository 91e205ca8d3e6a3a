//! What changed between two versions of a SOW, by meaning rather than by text: reordered keys,
//! reformatted YAML or `14d` for `2w` are no change; a moved due date or a new acceptance item is.

use serde::Serialize;

use crate::model::*;

/// Every change from one SOW to another, in the order of the SOW's sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SowDiff {
    pub changes: Vec<Change>,
}

impl SowDiff {
    /// No change of meaning.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Dotted, with ids for list entries: `milestones.M2.amount`,
    /// `milestones.M1.acceptance.coverage`, `service_levels.api-latency.objective`,
    /// `credits.tiers`, `payment.net_days`.
    pub path: String,
    pub kind: ChangeKind,
    /// As displayed (`4000.00 USD`, `2027-01-29`, `P95 ≤ 150 ms in 99 % of windows`); `None`
    /// for an addition.
    pub old: Option<String>,
    /// `None` for a removal.
    pub new: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// The changes from `old` to `new`.
pub fn diff(old: &Sow, new: &Sow) -> SowDiff {
    let mut d = Differ {
        changes: Vec::new(),
    };
    d.field("id", &old.id, &new.id);
    d.field("title", &old.title, &new.title);
    d.field("language", old.language.as_str(), new.language.as_str());
    for (role, o, n) in [
        ("provider", &old.parties.provider, &new.parties.provider),
        ("client", &old.parties.client, &new.parties.client),
    ] {
        let path = format!("parties.{role}");
        d.field(&format!("{path}.name"), &o.name, &n.name);
        d.opt(
            &format!("{path}.representative"),
            o.representative.clone(),
            n.representative.clone(),
        );
        d.opt(&format!("{path}.email"), o.email.clone(), n.email.clone());
        d.opt(
            &format!("{path}.address"),
            o.address.clone(),
            n.address.clone(),
        );
    }
    d.field(
        "period.start",
        &old.start.to_string(),
        &new.start.to_string(),
    );
    d.field("period.end", &old.end.to_string(), &new.end.to_string());
    d.field("currency", old.currency.code(), new.currency.code());
    d.field(
        "total",
        &money(old.currency, old.total_minor),
        &money(new.currency, new.total_minor),
    );
    d.list("scope", &old.scope, &new.scope);
    d.list("out_of_scope", &old.out_of_scope, &new.out_of_scope);
    d.opt(
        "iteration",
        old.iteration.as_ref().map(duration_key),
        new.iteration.as_ref().map(duration_key),
    );
    d.opt("repository", old.repository.clone(), new.repository.clone());
    d.milestones(old, new);
    d.change_policy(old, new);
    d.support(old.support.as_ref(), new.support.as_ref());
    d.service_levels(&old.service_levels, &new.service_levels);
    d.credits(old.credits.as_ref(), new.credits.as_ref());
    d.field(
        "payment.net_days",
        &old.payment.net_days.to_string(),
        &new.payment.net_days.to_string(),
    );
    d.opt(
        "payment.late_fee_percent_per_month",
        old.payment.late_fee_percent_per_month.map(percent),
        new.payment.late_fee_percent_per_month.map(percent),
    );
    SowDiff { changes: d.changes }
}

struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    fn push(&mut self, path: &str, kind: ChangeKind, old: Option<String>, new: Option<String>) {
        self.changes.push(Change {
            path: path.to_string(),
            kind,
            old,
            new,
        });
    }

    fn field(&mut self, path: &str, old: &str, new: &str) {
        if old != new {
            self.push(
                path,
                ChangeKind::Changed,
                Some(old.to_string()),
                Some(new.to_string()),
            );
        }
    }

    fn opt(&mut self, path: &str, old: Option<String>, new: Option<String>) {
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) => self.push(path, ChangeKind::Added, None, Some(n)),
            (Some(o), None) => self.push(path, ChangeKind::Removed, Some(o), None),
            (Some(o), Some(n)) => self.field(path, &o, &n),
        }
    }

    /// Entries added and removed; a list only reordered is no change.
    fn list(&mut self, path: &str, old: &[String], new: &[String]) {
        for o in old.iter().filter(|o| !new.contains(o)) {
            self.push(path, ChangeKind::Removed, Some(o.clone()), None);
        }
        for n in new.iter().filter(|n| !old.contains(n)) {
            self.push(path, ChangeKind::Added, None, Some(n.clone()));
        }
    }

    fn milestones(&mut self, old: &Sow, new: &Sow) {
        for o in &old.milestones {
            let path = format!("milestones.{}", o.id);
            let Some(n) = new.milestones.iter().find(|n| n.id == o.id) else {
                self.push(
                    &path,
                    ChangeKind::Removed,
                    Some(milestone_line(old.currency, o)),
                    None,
                );
                continue;
            };
            self.field(&format!("{path}.title"), &o.title, &n.title);
            self.field(
                &format!("{path}.due"),
                &o.due.to_string(),
                &n.due.to_string(),
            );
            self.field(
                &format!("{path}.amount"),
                &money(old.currency, o.amount_minor),
                &money(new.currency, n.amount_minor),
            );
            self.list(
                &format!("{path}.deliverables"),
                &o.deliverables,
                &n.deliverables,
            );
            for oi in &o.acceptance {
                let item_path = format!("{path}.acceptance.{}", oi.id);
                match n.acceptance.iter().find(|ni| ni.id == oi.id) {
                    None => self.push(&item_path, ChangeKind::Removed, Some(item_line(oi)), None),
                    Some(ni) => {
                        self.field(&format!("{item_path}.text"), &oi.text, &ni.text);
                        self.field(
                            &format!("{item_path}.check"),
                            &check_line(&oi.check),
                            &check_line(&ni.check),
                        );
                    }
                }
            }
            for ni in &n.acceptance {
                if !o.acceptance.iter().any(|oi| oi.id == ni.id) {
                    self.push(
                        &format!("{path}.acceptance.{}", ni.id),
                        ChangeKind::Added,
                        None,
                        Some(item_line(ni)),
                    );
                }
            }
        }
        for n in &new.milestones {
            if !old.milestones.iter().any(|o| o.id == n.id) {
                self.push(
                    &format!("milestones.{}", n.id),
                    ChangeKind::Added,
                    None,
                    Some(milestone_line(new.currency, n)),
                );
            }
        }
    }

    fn change_policy(&mut self, old: &Sow, new: &Sow) {
        let (o, n) = (&old.change_requests, &new.change_requests);
        self.opt(
            "change_requests.process",
            o.process.clone(),
            n.process.clone(),
        );
        self.opt(
            "change_requests.response_days",
            o.response_days.map(|d| d.to_string()),
            n.response_days.map(|d| d.to_string()),
        );
        self.opt(
            "change_requests.hourly_rate",
            o.hourly_rate_minor.map(|m| money(old.currency, m)),
            n.hourly_rate_minor.map(|m| money(new.currency, m)),
        );
        self.opt(
            "change_requests.free_hours",
            o.free_hours.map(|h| h.to_string()),
            n.free_hours.map(|h| h.to_string()),
        );
    }

    fn support(&mut self, old: Option<&SupportWindow>, new: Option<&SupportWindow>) {
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) => self.push("support", ChangeKind::Added, None, Some(support_line(n))),
            (Some(o), None) => {
                self.push("support", ChangeKind::Removed, Some(support_line(o)), None)
            }
            (Some(o), Some(n)) => {
                self.field("support.days", &o.days.to_string(), &n.days.to_string());
                self.opt("support.hours", o.hours.clone(), n.hours.clone());
                self.opt(
                    "support.time_zone",
                    o.time_zone.clone(),
                    n.time_zone.clone(),
                );
                self.opt(
                    "support.response",
                    o.response.as_ref().map(duration_key),
                    n.response.as_ref().map(duration_key),
                );
            }
        }
    }

    fn service_levels(&mut self, old: &[ServiceLevel], new: &[ServiceLevel]) {
        for o in old {
            let path = format!("service_levels.{}", o.id);
            let Some(n) = new.iter().find(|n| n.id == o.id) else {
                self.push(
                    &path,
                    ChangeKind::Removed,
                    Some(objective_line(&o.objective)),
                    None,
                );
                continue;
            };
            self.opt(
                &format!("{path}.description"),
                o.description.clone(),
                n.description.clone(),
            );
            self.field(
                &format!("{path}.objective"),
                &objective_line(&o.objective),
                &objective_line(&n.objective),
            );
            self.field(
                &format!("{path}.window"),
                &duration_key(&o.window),
                &duration_key(&n.window),
            );
            self.field(
                &format!("{path}.consecutive_windows"),
                &o.consecutive_windows.to_string(),
                &n.consecutive_windows.to_string(),
            );
            self.field(
                &format!("{path}.budget_period"),
                &budget_line(&o.budget_period),
                &budget_line(&n.budget_period),
            );
        }
        for n in new {
            if !old.iter().any(|o| o.id == n.id) {
                self.push(
                    &format!("service_levels.{}", n.id),
                    ChangeKind::Added,
                    None,
                    Some(objective_line(&n.objective)),
                );
            }
        }
    }

    fn credits(&mut self, old: Option<&CreditTable>, new: Option<&CreditTable>) {
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) => self.push("credits", ChangeKind::Added, None, Some(tiers_line(n))),
            (Some(o), None) => self.push("credits", ChangeKind::Removed, Some(tiers_line(o)), None),
            (Some(o), Some(n)) => {
                self.field("credits.service_level", &o.service_level, &n.service_level);
                self.field("credits.tiers", &tiers_line(o), &tiers_line(n));
                self.field(
                    "credits.cap",
                    &percent(o.cap_percent),
                    &percent(n.cap_percent),
                );
            }
        }
    }
}

/// A duration by its meaning (its length in the largest exact unit), so that `14d` and `2w`
/// are the same.
fn duration_key(d: &Duration) -> String {
    seconds_text(d.seconds)
}

/// Seconds in the largest exact unit: `2w`, `28d`, `90m`, `45s`.
pub(crate) fn seconds_text(seconds: u64) -> String {
    for (unit, length) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds.is_multiple_of(length) {
            return format!("{}{unit}", seconds / length);
        }
    }
    format!("{seconds}s")
}

pub(crate) fn money(currency: gigops_core::Currency, minor: i64) -> String {
    format!("{} {}", currency.format_major(minor), currency.code())
}

pub(crate) fn percent(p: f64) -> String {
    format!("{p} %")
}

fn milestone_line(currency: gigops_core::Currency, m: &Milestone) -> String {
    format!(
        "{}, due {}, {}",
        m.title,
        m.due,
        money(currency, m.amount_minor)
    )
}

fn item_line(item: &AcceptanceItem) -> String {
    format!("{} ({})", item.text, check_line(&item.check))
}

pub(crate) fn check_line(check: &Check) -> String {
    match check {
        Check::Manual => "manual".to_string(),
        Check::Gate { condition } => format!("gate: {}", condition_line(condition)),
        Check::Slo {
            service_level,
            over,
        } => format!("slo {service_level} over {}", seconds_text(over.seconds)),
        Check::Command { argv, expect_exit } => {
            format!("command: {} (exit {expect_exit})", argv.join(" "))
        }
    }
}

/// What a gate condition requires, for a person (`coverage ≥ 80 %`).
pub(crate) fn condition_line(condition: &GateCondition) -> String {
    match condition {
        GateCondition::GatePassed => "gate passed".to_string(),
        GateCondition::CoverageAtLeast { percent } => format!("coverage ≥ {percent} %"),
        GateCondition::NoFailedTests => "0 failed".to_string(),
        GateCondition::NoErrorFindings => "0 error findings".to_string(),
        GateCondition::NoBenchmarkRegression => "no benchmark regression".to_string(),
        GateCondition::DebtRatingAtLeast { rating } => {
            if *rating == 'A' {
                "rating A".to_string()
            } else {
                format!("rating {rating} or better")
            }
        }
    }
}

pub(crate) fn objective_line(objective: &Objective) -> String {
    match objective {
        Objective::Availability { target_percent } => format!("availability {target_percent} %"),
        Objective::Latency {
            percentile,
            threshold_ms,
            target_percent,
        } => format!("P{percentile} ≤ {threshold_ms} ms in {target_percent} % of windows"),
    }
}

fn budget_line(period: &BudgetPeriod) -> String {
    match period {
        BudgetPeriod::CalendarMonth => "calendar month".to_string(),
        BudgetPeriod::Rolling { duration } => format!("rolling {}", duration_key(duration)),
    }
}

fn tiers_line(table: &CreditTable) -> String {
    table
        .tiers
        .iter()
        .map(|t| format!("below {} %: {} %", t.below_percent, t.credit_percent))
        .collect::<Vec<_>>()
        .join("; ")
}

fn support_line(s: &SupportWindow) -> String {
    format!("{} days", s.days)
}
