//! Reading a SOW file (`sow.yaml`) into a [`Sow`], with every problem located.
//!
//! The file is parsed into [`gigops_yaml`]'s located tree and walked once; every
//! problem — an unknown key, a wrong type, a missing key, a broken rule of meaning — is reported
//! at its `file:line:column` with what was expected, all in one run. The format is described key
//! by key by [`crate::schema()`] (docs/sow.schema.json).
//!
//! Problem messages read `<key>: <what is wrong>: expected <what would be right>`, e.g.
//! `amount "12.345": "12.345" has more decimals than USD allows (2): expected an amount in major
//! units of USD`.

use std::collections::BTreeMap;

use gigops_core::{Currency, Lang};
use gigops_core::{Problem, Problems};
use gigops_yaml::{self as yaml, Key, Located, Node, Position, TextRule, Value};
use jiff::civil::Date;

use crate::model::*;

pub(crate) const TOP_KEYS: [&str; 18] = [
    "id",
    "title",
    "language",
    "parties",
    "period",
    "currency",
    "total",
    "scope",
    "out_of_scope",
    "iteration",
    "repository",
    "milestones",
    "change_requests",
    "support",
    "service_levels",
    "credits",
    "payment",
    // Accepted and ignored: lets editors find the JSON Schema (`$schema: ./sow.schema.json`).
    "$schema",
];
pub(crate) const PARTIES_KEYS: [&str; 2] = ["provider", "client"];
pub(crate) const PARTY_KEYS: [&str; 4] = ["name", "representative", "email", "address"];
pub(crate) const PERIOD_KEYS: [&str; 2] = ["start", "end"];
pub(crate) const MILESTONE_KEYS: [&str; 6] =
    ["id", "title", "due", "amount", "deliverables", "acceptance"];
pub(crate) const ITEM_KEYS: [&str; 8] = [
    "id",
    "text",
    "gate",
    "slo",
    "over",
    "manual",
    "command",
    "expect_exit",
];
pub(crate) const CHANGE_KEYS: [&str; 4] = ["process", "response_days", "hourly_rate", "free_hours"];
pub(crate) const SUPPORT_KEYS: [&str; 4] = ["days", "hours", "time_zone", "response"];
pub(crate) const SERVICE_LEVEL_KEYS: [&str; 8] = [
    "id",
    "description",
    "availability",
    "latency",
    "target",
    "window",
    "consecutive_windows",
    "budget_period",
];
pub(crate) const CREDIT_KEYS: [&str; 3] = ["service_level", "tiers", "cap"];
pub(crate) const TIER_KEYS: [&str; 2] = ["below", "credit"];
pub(crate) const PAYMENT_KEYS: [&str; 2] = ["net_days", "late_fee_percent_per_month"];
/// The gate conditions written as a bare name.
pub(crate) const GATE_NAMES: [&str; 4] = [
    "gate_passed",
    "no_failed_tests",
    "no_error_findings",
    "no_benchmark_regression",
];
/// The gate conditions written as `{name: value}`.
pub(crate) const GATE_VALUED: [&str; 2] = ["coverage_at_least", "debt_rating_at_least"];

/// Reads and checks a SOW. `file` names it in problems.
pub fn read(file: &str, text: &str) -> Result<Sow, Problems> {
    let root = yaml::parse(file, text)?;
    let mut reader = Reader {
        located: Located::new(file),
        lines: text.lines().collect(),
    };
    let mut sow = reader.sow(&root);
    reader.located.finish()?;
    sow.derive_figures();
    Ok(sow)
}

/// The problems [`read`] reports, in place order; empty for a good SOW.
pub fn check(file: &str, text: &str) -> Vec<Problem> {
    match read(file, text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.0,
    }
}

struct Reader<'t> {
    located: Located,
    lines: Vec<&'t str>,
}

/// How a percentage's range is bounded.
#[derive(Clone, Copy)]
enum Range {
    /// (0, 100)
    Open,
    /// (0, 100]
    UpToHundred,
}

fn placeholder_date() -> Date {
    jiff::civil::date(1970, 1, 1)
}

impl Reader<'_> {
    fn at(&mut self, at: Position, reason: impl Into<String>) {
        self.located.at(at, reason);
    }

    /// The entries of a mapping, after reporting unknown keys (with the valid ones) and missing
    /// required keys (at the mapping).
    fn mapping<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<&'n [(Key, Node)]> {
        let entries = match node.mapping() {
            Ok(entries) => entries,
            Err(unexpected) => {
                self.at(
                    unexpected.at(),
                    format!(
                        "{what}: expected a mapping with {}, found {}",
                        allowed.join(", "),
                        node.shown()
                    ),
                );
                return None;
            }
        };
        for key in node.unknown_keys(allowed) {
            self.at(
                key.at,
                format!(
                    "unknown key {:?} in {what}: expected one of {}",
                    key.text,
                    allowed.join(", ")
                ),
            );
        }
        let missing = node.missing_keys(required);
        if !missing.is_empty() {
            let plural = if missing.len() == 1 { "key" } else { "keys" };
            self.at(
                node.at,
                format!(
                    "{what}: missing required {plural} {}",
                    missing
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        Some(entries)
    }

    /// Text, trimmed; a number is the text it is written as, a boolean is not text.
    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        const TEXT: TextRule = TextRule {
            trim: true,
            booleans: false,
        };
        match node.text(TEXT) {
            Ok(text) => Some(text),
            Err(unexpected) => {
                self.at(
                    unexpected.at(),
                    format!("{what}: expected text, found {}", node.shown()),
                );
                None
            }
        }
    }

    fn opt_text(&mut self, node: Option<&Node>, what: &str) -> Option<String> {
        node.and_then(|n| self.text(n, what))
    }

    /// An id: text without whitespace (it is used in paths such as `milestones.M1.amount`).
    fn id(&mut self, node: &Node, what: &str) -> Option<String> {
        let id = self.text(node, what)?;
        if id.chars().any(|c| c.is_whitespace() || c == '.') {
            self.at(
                node.at,
                format!("{what} {id:?}: expected an id without spaces or dots (M1, api-latency)"),
            );
            return None;
        }
        Some(id)
    }

    /// The `id` of a list entry, reported where it repeats one of `ids` (id → line first seen)
    /// with the sentence `twice` makes of the id and that line.
    fn unique_id(
        &mut self,
        item: &Node,
        ids: &mut BTreeMap<String, u64>,
        twice: impl Fn(&str, u64) -> String,
    ) -> Option<String> {
        let node = item.get("id")?;
        let id = self.id(node, "id")?;
        if let Some(first) = ids.insert(id.clone(), node.at.line) {
            self.at(node.at, twice(&id, first));
        }
        Some(id)
    }

    fn texts(&mut self, node: Option<&Node>, what: &str) -> Vec<String> {
        let Some(node) = node else {
            return Vec::new();
        };
        match node.list() {
            Ok(items) => items
                .iter()
                .filter_map(|item| self.text(item, what))
                .collect(),
            Err(unexpected) => {
                self.at(
                    unexpected.at(),
                    format!("{what}: expected a list of text, found {}", node.shown()),
                );
                Vec::new()
            }
        }
    }

    fn uint(&mut self, node: &Node, what: &str, minimum: u32) -> Option<u32> {
        match node.whole(i64::from(minimum)..=i64::from(u32::MAX)) {
            Ok(i) => u32::try_from(i).ok(),
            Err(unexpected) => {
                self.at(
                    unexpected.at(),
                    format!(
                        "{what}: expected a whole number of at least {minimum}, found {}",
                        node.shown()
                    ),
                );
                None
            }
        }
    }

    fn percent(&mut self, node: &Node, what: &str, range: Range) -> Option<f64> {
        let value = node.as_f64().filter(|v| v.is_finite());
        let ok = match (value, range) {
            (Some(v), Range::Open) => v > 0.0 && v < 100.0,
            (Some(v), Range::UpToHundred) => v > 0.0 && v <= 100.0,
            (None, _) => false,
        };
        if ok {
            return value;
        }
        let expected = match range {
            Range::Open => "a percentage greater than 0 and less than 100",
            Range::UpToHundred => "a percentage greater than 0 and at most 100",
        };
        self.at(
            node.at,
            format!("{what}: expected {expected}, found {}", node.shown()),
        );
        None
    }

    fn date(&mut self, node: &Node, what: &str) -> Option<Date> {
        let text = node.scalar_text().unwrap_or_default();
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        match text.parse::<Date>() {
            Ok(date) if shaped => Some(date),
            _ => {
                self.at(
                    node.at,
                    format!(
                        "{what}: expected a date written YYYY-MM-DD (2027-01-31), found {}",
                        node.shown()
                    ),
                );
                None
            }
        }
    }

    fn duration(&mut self, node: &Node, what: &str) -> Option<Duration> {
        let expected = "expected a length of time such as 2w, 28d, 5m or 1h 30m";
        let Some(text) = node.as_str().map(str::trim) else {
            self.at(
                node.at,
                format!("{what}: {expected}, found {}", node.shown()),
            );
            return None;
        };
        match parse_duration(text) {
            Ok(seconds) => Some(Duration {
                text: text.to_string(),
                seconds,
            }),
            Err(why) => {
                self.at(node.at, format!("{what} {text:?}: {why}: {expected}"));
                None
            }
        }
    }

    /// The text of a plain scalar as written (a YAML number such as `4000.10` keeps its digits).
    fn written(&self, node: &Node) -> Option<String> {
        let line = self.lines.get(node.at.line.checked_sub(1)? as usize)?;
        let start = line
            .char_indices()
            .nth(node.at.column.checked_sub(1)? as usize)
            .map(|(i, _)| i)?;
        let rest = &line[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#'))
            .unwrap_or(rest.len());
        Some(rest[..end].to_string())
    }

    /// An amount in major units (a decimal string or a number), exactly, in minor units; more
    /// than zero. `None` with no problem reported when the currency is unknown (that is
    /// reported at `currency`).
    fn amount(&mut self, node: &Node, what: &str, currency: Option<Currency>) -> Option<i64> {
        let text = match &node.value {
            Value::Str(s) => Some(s.trim().to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(_) => self.written(node),
            _ => None,
        };
        let Some(text) = text else {
            self.at(
                node.at,
                format!(
                    "{what}: expected an amount in major units (\"4000.00\"), found {}",
                    node.shown()
                ),
            );
            return None;
        };
        let currency = currency?;
        match currency.parse_major(&text) {
            Ok(minor) if minor > 0 => Some(minor),
            Ok(_) => {
                self.at(
                    node.at,
                    format!("{what} {text:?}: expected an amount greater than zero"),
                );
                None
            }
            Err(e) => {
                self.at(
                    node.at,
                    format!(
                        "{what} {text:?}: {e}: expected an amount in major units of {currency}"
                    ),
                );
                None
            }
        }
    }

    fn sow(&mut self, root: &Node) -> Sow {
        let mut sow = Sow {
            id: String::new(),
            title: String::new(),
            language: Lang::En,
            parties: Parties {
                provider: empty_party(),
                client: empty_party(),
            },
            start: placeholder_date(),
            end: placeholder_date(),
            currency: Currency::USD,
            total_minor: 0,
            period_days: 0,
            scope: Vec::new(),
            out_of_scope: Vec::new(),
            milestones: Vec::new(),
            iteration: None,
            repository: None,
            change_requests: ChangePolicy {
                process: None,
                response_days: None,
                hourly_rate_minor: None,
                free_hours: None,
            },
            support: None,
            service_levels: Vec::new(),
            credits: None,
            payment: PaymentTerms {
                net_days: 0,
                late_fee_percent_per_month: None,
            },
        };
        let required = [
            "id",
            "title",
            "parties",
            "period",
            "currency",
            "total",
            "milestones",
            "payment",
        ];
        if self
            .mapping(root, "the SOW", &TOP_KEYS, &required)
            .is_none()
        {
            return sow;
        }
        // The currency first: every amount is read in it.
        let currency = root.get("currency").and_then(|node| {
            let code = self.text(node, "currency")?;
            match Currency::parse(&code) {
                Ok(c) => Some(c),
                Err(e) => {
                    self.at(node.at, format!("currency: {e}"));
                    None
                }
            }
        });
        if let Some(c) = currency {
            sow.currency = c;
        }
        if let Some(node) = root.get("id") {
            sow.id = self.id(node, "id").unwrap_or_default();
        }
        if let Some(node) = root.get("title") {
            sow.title = self.text(node, "title").unwrap_or_default();
        }
        if let Some(node) = root.get("language") {
            let text = node.scalar_text().unwrap_or_default();
            match text.parse::<Lang>() {
                Ok(lang) => sow.language = lang,
                Err(_) => self.at(
                    node.at,
                    format!("language: expected en or zh-CN, found {}", node.shown()),
                ),
            }
        }
        if let Some(node) = root.get("parties")
            && self
                .mapping(node, "parties", &PARTIES_KEYS, &PARTIES_KEYS)
                .is_some()
        {
            if let Some(p) = node.get("provider").and_then(|n| self.party(n, "provider")) {
                sow.parties.provider = p;
            }
            if let Some(p) = node.get("client").and_then(|n| self.party(n, "client")) {
                sow.parties.client = p;
            }
        }
        let mut period = (None, None);
        if let Some(node) = root.get("period")
            && self
                .mapping(node, "period", &PERIOD_KEYS, &PERIOD_KEYS)
                .is_some()
        {
            let start = node.get("start").and_then(|n| self.date(n, "start"));
            let end = node.get("end").and_then(|n| self.date(n, "end"));
            if let (Some(s), Some(e)) = (start, end)
                && s >= e
            {
                let at = node.get("end").map_or(node.at, |n| n.at);
                self.at(at, format!("end {e}: expected a date after the start, {s}"));
            }
            sow.start = start.unwrap_or_else(placeholder_date);
            sow.end = end.unwrap_or_else(placeholder_date);
            period = (start, end);
        }
        let total = root
            .get("total")
            .and_then(|n| self.amount(n, "total", currency));
        sow.total_minor = total.unwrap_or(0);
        sow.scope = self.texts(root.get("scope"), "scope");
        sow.out_of_scope = self.texts(root.get("out_of_scope"), "out_of_scope");
        sow.iteration = root
            .get("iteration")
            .and_then(|n| self.duration(n, "iteration"));
        sow.repository = self.opt_text(root.get("repository"), "repository");
        // Service levels before milestones and credits, which name them.
        if let Some(node) = root.get("service_levels") {
            sow.service_levels = self.service_levels(node);
        }
        let known: Vec<String> = service_level_ids(root);
        let mut references: Vec<(String, Position, &'static str)> = Vec::new();
        let mut sum = None;
        if let Some(node) = root.get("milestones") {
            let (milestones, amounts) = self.milestones(node, currency, period, &mut references);
            sow.milestones = milestones;
            sum = amounts;
        }
        if let (Some(total), Some(sum), Some(node), Some(c)) =
            (total, sum, root.get("total"), currency)
            && root
                .get("milestones")
                .and_then(Node::items)
                .is_some_and(|m| !m.is_empty())
            && sum != total
        {
            let (difference, direction) = if sum < total {
                (total - sum, "less")
            } else {
                (sum - total, "more")
            };
            self.at(
                node.at,
                format!(
                    "total {}: the milestone amounts sum to {}, {} {direction} than the total: expected them to sum to the total",
                    c.format_major(total),
                    c.format_major(sum),
                    c.format_major(difference),
                ),
            );
        }
        if let Some(node) = root.get("change_requests") {
            self.change_policy(node, currency, &mut sow.change_requests);
        }
        if let Some(node) = root.get("support")
            && node.value != Value::Null
        {
            sow.support = self.support(node);
        }
        if let Some(node) = root.get("credits")
            && node.value != Value::Null
        {
            sow.credits = self.credits(node, &mut references);
        }
        if let Some(node) = root.get("payment")
            && self
                .mapping(node, "payment", &PAYMENT_KEYS, &["net_days"])
                .is_some()
        {
            if let Some(n) = node
                .get("net_days")
                .and_then(|n| self.uint(n, "net_days", 0))
            {
                sow.payment.net_days = n;
            }
            sow.payment.late_fee_percent_per_month = node
                .get("late_fee_percent_per_month")
                .and_then(|n| self.percent(n, "late_fee_percent_per_month", Range::Open));
        }
        for (id, at, what) in references {
            if !known.contains(&id) {
                let expected = if known.is_empty() {
                    "the SOW has no service_levels".to_string()
                } else {
                    format!("expected one of {}", known.join(", "))
                };
                self.at(
                    at,
                    format!("{what} {id:?} is not a service level of this SOW: {expected}"),
                );
            }
        }
        sow
    }

    fn party(&mut self, node: &Node, what: &str) -> Option<Party> {
        self.mapping(node, what, &PARTY_KEYS, &["name"])?;
        let name = self.opt_text(node.get("name"), "name");
        let representative = self.opt_text(node.get("representative"), "representative");
        let email = self.opt_text(node.get("email"), "email");
        if let (Some(e), Some(n)) = (&email, node.get("email"))
            && !e.contains('@')
        {
            self.at(
                n.at,
                format!("email {e:?}: expected an address with @ (jane@example.com)"),
            );
        }
        let address = self.opt_text(node.get("address"), "address");
        Some(Party {
            name: name?,
            representative,
            email,
            address,
        })
    }

    /// The milestones, and the sum of their amounts when every amount was read (so that the sum
    /// rule is checked even when a milestone has another problem).
    fn milestones(
        &mut self,
        node: &Node,
        currency: Option<Currency>,
        period: (Option<Date>, Option<Date>),
        references: &mut Vec<(String, Position, &'static str)>,
    ) -> (Vec<Milestone>, Option<i64>) {
        let mut out = Vec::new();
        let mut all_amounts = true;
        let mut sum: i64 = 0;
        let Some(items) = node.items() else {
            self.at(
                node.at,
                format!(
                    "milestones: expected a list of milestones, found {}",
                    node.shown()
                ),
            );
            return (out, None);
        };
        if items.is_empty() {
            self.at(node.at, "milestones: expected at least one milestone");
        }
        let mut ids: BTreeMap<String, u64> = BTreeMap::new();
        let mut previous_due: Option<(Date, String)> = None;
        for item in items {
            let required = ["id", "title", "due", "amount", "acceptance"];
            if self
                .mapping(item, "a milestone", &MILESTONE_KEYS, &required)
                .is_none()
            {
                all_amounts = false;
                continue;
            }
            let id = self.unique_id(item, &mut ids, |id, first| {
                format!("milestone id {id:?} is used twice (first at line {first}): expected each milestone id once")
            });
            let label = id.clone().unwrap_or_else(|| "?".to_string());
            let title = self.opt_text(item.get("title"), "title");
            let due = item.get("due").and_then(|n| self.date(n, "due"));
            if let (Some(due), Some(n)) = (due, item.get("due")) {
                if let (Some(start), Some(end)) = period
                    && start < end
                    && (due < start || due > end)
                {
                    self.at(
                        n.at,
                        format!("due {due}: expected a date inside the contract period, {start} to {end}"),
                    );
                }
                if let Some((before, before_id)) = &previous_due
                    && due < *before
                {
                    self.at(
                        n.at,
                        format!("due {due} of {label} is before {before} of {before_id}: expected milestones in the order they are due"),
                    );
                }
                previous_due = Some((due, label.clone()));
            }
            let amount = item
                .get("amount")
                .and_then(|n| self.amount(n, "amount", currency));
            match amount {
                Some(a) => sum = sum.saturating_add(a),
                None => all_amounts = false,
            }
            let deliverables = self.texts(item.get("deliverables"), "deliverables");
            let acceptance = match item.get("acceptance") {
                Some(n) => self.acceptance(n, references),
                None => Vec::new(),
            };
            if let (Some(id), Some(title), Some(due), Some(amount)) = (id, title, due, amount) {
                out.push(Milestone {
                    id,
                    title,
                    due,
                    amount_minor: amount,
                    share_percent: 0.0,
                    deliverables,
                    acceptance,
                });
            }
        }
        (out, all_amounts.then_some(sum))
    }

    fn acceptance(
        &mut self,
        node: &Node,
        references: &mut Vec<(String, Position, &'static str)>,
    ) -> Vec<AcceptanceItem> {
        let mut out = Vec::new();
        let Some(items) = node.items() else {
            self.at(
                node.at,
                format!(
                    "acceptance: expected a list of acceptance items, found {}",
                    node.shown()
                ),
            );
            return out;
        };
        if items.is_empty() {
            self.at(node.at, "acceptance: expected at least one acceptance item");
        }
        let mut ids: BTreeMap<String, u64> = BTreeMap::new();
        for item in items {
            if self
                .mapping(item, "an acceptance item", &ITEM_KEYS, &["id", "text"])
                .is_none()
            {
                continue;
            }
            let id = self.unique_id(item, &mut ids, |id, first| {
                format!("acceptance item id {id:?} is used twice in this milestone (first at line {first}): expected each id once")
            });
            let text = self.opt_text(item.get("text"), "text");
            let check = self.check(item, references);
            if let (Some(id), Some(text), Some(check)) = (id, text, check) {
                out.push(AcceptanceItem { id, text, check });
            }
        }
        out
    }

    fn check(
        &mut self,
        item: &Node,
        references: &mut Vec<(String, Position, &'static str)>,
    ) -> Option<Check> {
        let ways = ["gate", "slo", "manual", "command"];
        let given: Vec<(&Key, &Node)> = item
            .entries()
            .unwrap_or_default()
            .iter()
            .filter(|(k, _)| ways.contains(&k.text.as_str()))
            .map(|(k, v)| (k, v))
            .collect();
        if given.is_empty() {
            self.at(
                item.at,
                "an acceptance item needs one way to decide it: expected one of gate, slo, manual: true, command",
            );
            return None;
        }
        if given.len() > 1 {
            let (key, _) = given[1];
            self.at(
                key.at,
                format!(
                    "{} beside {}: expected exactly one of gate, slo, manual, command",
                    key.text, given[0].0.text
                ),
            );
            return None;
        }
        let (key, value) = given[0];
        for (extra, with) in [("over", "slo"), ("expect_exit", "command")] {
            if let Some((k, _)) = item
                .entries()
                .unwrap_or_default()
                .iter()
                .find(|(k, _)| k.text == extra)
                && key.text != with
            {
                self.at(
                    k.at,
                    format!("{extra}: only an item decided by `{with}` takes it"),
                );
            }
        }
        match key.text.as_str() {
            "manual" => {
                if value.value != Value::Bool(true) {
                    self.at(
                        value.at,
                        format!("manual: expected true, found {}", value.shown()),
                    );
                    return None;
                }
                Some(Check::Manual)
            }
            "gate" => self
                .gate_condition(value)
                .map(|condition| Check::Gate { condition }),
            "slo" => {
                let service_level = self.id(value, "slo");
                if let Some(id) = &service_level {
                    references.push((id.clone(), value.at, "slo"));
                }
                let over = match item.get("over") {
                    Some(n) => self.duration(n, "over"),
                    None => {
                        self.at(
                            item.at,
                            "an slo item: missing required key `over` (the period the service level must be met over, e.g. 7d)",
                        );
                        None
                    }
                };
                Some(Check::Slo {
                    service_level: service_level?,
                    over: over?,
                })
            }
            _ => {
                let argv = match value.items() {
                    Some(items) if !items.is_empty() => {
                        let argv: Vec<String> = items
                            .iter()
                            .filter_map(|n| self.text(n, "command"))
                            .collect();
                        (argv.len() == items.len()).then_some(argv)
                    }
                    _ => {
                        self.at(
                            value.at,
                            format!(
                                "command: expected the program and its arguments as a list ([make, e2e]), found {}",
                                value.shown()
                            ),
                        );
                        None
                    }
                };
                let expect_exit = match item.get("expect_exit") {
                    None => Some(0),
                    Some(n) => match n.whole(0..=255) {
                        Ok(i) => i32::try_from(i).ok(),
                        Err(_) => {
                            self.at(
                                n.at,
                                format!(
                                    "expect_exit: expected an exit status from 0 to 255, found {}",
                                    n.shown()
                                ),
                            );
                            None
                        }
                    },
                };
                Some(Check::Command {
                    argv: argv?,
                    expect_exit: expect_exit?,
                })
            }
        }
    }

    fn gate_condition(&mut self, node: &Node) -> Option<GateCondition> {
        let expected = format!(
            "expected one of {}, or {{coverage_at_least: PERCENT}}, {{debt_rating_at_least: A-E}}",
            GATE_NAMES.join(", ")
        );
        if let Some(name) = node.as_str() {
            return match name {
                "gate_passed" => Some(GateCondition::GatePassed),
                "no_failed_tests" => Some(GateCondition::NoFailedTests),
                "no_error_findings" => Some(GateCondition::NoErrorFindings),
                "no_benchmark_regression" => Some(GateCondition::NoBenchmarkRegression),
                _ => {
                    self.at(node.at, format!("gate {name:?}: {expected}"));
                    None
                }
            };
        }
        match node.entries() {
            Some([(key, value)]) => match key.text.as_str() {
                "coverage_at_least" => self
                    .percent(value, "coverage_at_least", Range::UpToHundred)
                    .map(|percent| GateCondition::CoverageAtLeast { percent }),
                "debt_rating_at_least" => {
                    let text = value.scalar_text().unwrap_or_default();
                    let mut chars = text.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c @ 'A'..='E'), None) => {
                            Some(GateCondition::DebtRatingAtLeast { rating: c })
                        }
                        _ => {
                            self.at(
                                value.at,
                                format!(
                                    "debt_rating_at_least: expected a rating A, B, C, D or E, found {}",
                                    value.shown()
                                ),
                            );
                            None
                        }
                    }
                }
                other => {
                    self.at(
                        key.at,
                        format!(
                            "unknown gate condition {other:?}: expected one of {}",
                            GATE_VALUED.join(", ")
                        ),
                    );
                    None
                }
            },
            _ => {
                self.at(node.at, format!("gate: {expected}, found {}", node.shown()));
                None
            }
        }
    }

    fn service_levels(&mut self, node: &Node) -> Vec<ServiceLevel> {
        let mut out = Vec::new();
        let Ok(items) = node.list() else {
            self.at(
                node.at,
                format!("service_levels: expected a list, found {}", node.shown()),
            );
            return out;
        };
        let mut ids: BTreeMap<String, u64> = BTreeMap::new();
        for item in items {
            if self
                .mapping(
                    item,
                    "a service level",
                    &SERVICE_LEVEL_KEYS,
                    &["id", "window"],
                )
                .is_none()
            {
                continue;
            }
            let id = self.unique_id(item, &mut ids, |id, first| {
                format!("service level id {id:?} is used twice (first at line {first}): expected each id once")
            });
            let description = self.opt_text(item.get("description"), "description");
            let objective = match (item.get("availability"), item.get("latency")) {
                (Some(a), None) => {
                    if let Some((k, _)) = item
                        .entries()
                        .unwrap_or_default()
                        .iter()
                        .find(|(k, _)| k.text == "target")
                    {
                        self.at(
                            k.at,
                            "target: only a latency objective takes a target (an availability is its own target)",
                        );
                    }
                    self.percent(a, "availability", Range::Open)
                        .map(|target_percent| Objective::Availability { target_percent })
                }
                (None, Some(l)) => {
                    let threshold = match l.as_str().map(parse_latency) {
                        Some(Ok(t)) => Some(t),
                        Some(Err(why)) => {
                            self.at(l.at, format!("latency {}: {why}", l.shown()));
                            None
                        }
                        None => {
                            self.at(
                                l.at,
                                format!(
                                    "latency: expected a threshold such as \"P95 <= 150ms\", found {}",
                                    l.shown()
                                ),
                            );
                            None
                        }
                    };
                    let target = match item.get("target") {
                        Some(t) => self.percent(t, "target", Range::Open),
                        None => {
                            self.at(
                                item.at,
                                "a latency service level: missing required key `target` (the percent of windows that must meet the threshold)",
                            );
                            None
                        }
                    };
                    match (threshold, target) {
                        (Some((percentile, threshold_ms)), Some(target_percent)) => {
                            Some(Objective::Latency {
                                percentile,
                                threshold_ms,
                                target_percent,
                            })
                        }
                        _ => None,
                    }
                }
                (Some(_), Some(_)) => {
                    let at = item
                        .entries()
                        .unwrap_or_default()
                        .iter()
                        .find(|(k, _)| k.text == "latency")
                        .map_or(item.at, |(k, _)| k.at);
                    self.at(
                        at,
                        "latency beside availability: expected one objective per service level",
                    );
                    None
                }
                (None, None) => {
                    self.at(
                        item.at,
                        "a service level: missing its objective: expected `availability: PERCENT` or `latency: \"P95 <= 150ms\"`",
                    );
                    None
                }
            };
            let window = item.get("window").and_then(|n| self.duration(n, "window"));
            let consecutive = match item.get("consecutive_windows") {
                Some(n) => self.uint(n, "consecutive_windows", 1),
                None => Some(1),
            };
            let budget_period = match item.get("budget_period") {
                None => Some(BudgetPeriod::CalendarMonth),
                Some(n) if n.as_str() == Some("calendar_month") => {
                    Some(BudgetPeriod::CalendarMonth)
                }
                Some(n) => self
                    .duration(n, "budget_period")
                    .map(|duration| BudgetPeriod::Rolling { duration }),
            };
            if let (Some(w), Some(BudgetPeriod::Rolling { duration }), Some(n)) =
                (&window, &budget_period, item.get("budget_period"))
                && duration.seconds < w.seconds
            {
                self.at(
                    n.at,
                    format!(
                        "budget_period {:?} is shorter than the window {:?}: expected at least one window",
                        duration.text, w.text
                    ),
                );
            }
            if let (Some(id), Some(objective), Some(window), Some(consecutive), Some(budget)) =
                (id, objective, window, consecutive, budget_period)
            {
                out.push(ServiceLevel {
                    id,
                    description,
                    objective,
                    window,
                    consecutive_windows: consecutive,
                    budget_period: budget,
                    error_budget: None,
                });
            }
        }
        out
    }

    fn credits(
        &mut self,
        node: &Node,
        references: &mut Vec<(String, Position, &'static str)>,
    ) -> Option<CreditTable> {
        self.mapping(node, "credits", &CREDIT_KEYS, &CREDIT_KEYS)?;
        let service_level = node
            .get("service_level")
            .and_then(|n| self.id(n, "service_level"));
        if let (Some(id), Some(n)) = (&service_level, node.get("service_level")) {
            references.push((id.clone(), n.at, "service_level"));
        }
        let cap = node
            .get("cap")
            .and_then(|n| self.percent(n, "cap", Range::UpToHundred));
        let mut tiers = Vec::new();
        let mut tiers_ok = true;
        if let Some(list) = node.get("tiers") {
            match list.items() {
                Some(items) if !items.is_empty() => {
                    let mut previous: Option<CreditTier> = None;
                    for item in items {
                        if self
                            .mapping(item, "a credit tier", &TIER_KEYS, &TIER_KEYS)
                            .is_none()
                        {
                            tiers_ok = false;
                            continue;
                        }
                        let below = item
                            .get("below")
                            .and_then(|n| self.percent(n, "below", Range::Open));
                        let credit = item
                            .get("credit")
                            .and_then(|n| self.percent(n, "credit", Range::UpToHundred));
                        let (Some(below), Some(credit)) = (below, credit) else {
                            tiers_ok = false;
                            continue;
                        };
                        let below_at = item.get("below").map_or(item.at, |n| n.at);
                        let credit_at = item.get("credit").map_or(item.at, |n| n.at);
                        if let Some(p) = &previous {
                            if below >= p.below_percent {
                                self.at(
                                    below_at,
                                    format!(
                                        "below {below}: expected less than the tier before ({}): tiers go from the highest level down",
                                        p.below_percent
                                    ),
                                );
                            }
                            if credit <= p.credit_percent {
                                self.at(
                                    credit_at,
                                    format!(
                                        "credit {credit}: expected more than the tier before ({}): a lower level earns a larger credit",
                                        p.credit_percent
                                    ),
                                );
                            }
                        }
                        if let Some(cap) = cap
                            && credit > cap
                        {
                            self.at(
                                credit_at,
                                format!("credit {credit}: expected at most the cap, {cap}"),
                            );
                        }
                        let tier = CreditTier {
                            below_percent: below,
                            credit_percent: credit,
                        };
                        previous = Some(tier.clone());
                        tiers.push(tier);
                    }
                }
                _ => {
                    self.at(
                        list.at,
                        format!(
                            "tiers: expected a list of {{below: PERCENT, credit: PERCENT}}, found {}",
                            list.shown()
                        ),
                    );
                    tiers_ok = false;
                }
            }
        }
        if !tiers_ok {
            return None;
        }
        Some(CreditTable {
            service_level: service_level?,
            tiers,
            cap_percent: cap?,
        })
    }

    fn change_policy(&mut self, node: &Node, currency: Option<Currency>, out: &mut ChangePolicy) {
        if node.value == Value::Null
            || self
                .mapping(node, "change_requests", &CHANGE_KEYS, &[])
                .is_none()
        {
            return;
        }
        out.process = self.opt_text(node.get("process"), "process");
        out.response_days = node
            .get("response_days")
            .and_then(|n| self.uint(n, "response_days", 1));
        out.hourly_rate_minor = node
            .get("hourly_rate")
            .and_then(|n| self.amount(n, "hourly_rate", currency));
        out.free_hours = node
            .get("free_hours")
            .and_then(|n| self.uint(n, "free_hours", 0));
    }

    fn support(&mut self, node: &Node) -> Option<SupportWindow> {
        self.mapping(node, "support", &SUPPORT_KEYS, &["days"])?;
        let days = node.get("days").and_then(|n| self.uint(n, "days", 1));
        let hours = self.opt_text(node.get("hours"), "hours");
        let time_zone = self.opt_text(node.get("time_zone"), "time_zone");
        if let (Some(tz), Some(n)) = (&time_zone, node.get("time_zone"))
            && !looks_like_time_zone(tz)
        {
            self.at(
                n.at,
                format!("time_zone {tz:?}: expected an IANA time zone name (Asia/Shanghai, UTC)"),
            );
        }
        let response = node
            .get("response")
            .and_then(|n| self.duration(n, "response"));
        Some(SupportWindow {
            days: days?,
            hours,
            time_zone,
            response,
        })
    }
}

fn empty_party() -> Party {
    Party {
        name: String::new(),
        representative: None,
        email: None,
        address: None,
    }
}

fn service_level_ids(root: &Node) -> Vec<String> {
    root.get("service_levels")
        .and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|sl| sl.get("id").and_then(Node::scalar_text))
        .map(|s| s.trim().to_string())
        .collect()
}

/// `UTC`, or `Area/Location` made of letters, digits, `_`, `-`, `+`.
fn looks_like_time_zone(tz: &str) -> bool {
    tz == "UTC"
        || tz.contains('/')
            && tz.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
            })
}

/// A fixed length of time in seconds, through jiff's friendly format (`2w`, `28d`, `5m`,
/// `1h 30m`; ISO 8601 `PT5M` too), days and weeks counted as 24 and 168 hours. Months and years
/// have no fixed length and are refused.
pub(crate) fn parse_duration(text: &str) -> Result<u64, String> {
    let span: jiff::Span = text
        .parse()
        .map_err(|_| "not a length of time".to_string())?;
    if span.get_months() != 0 || span.get_years() != 0 {
        return Err("months and years have no fixed length".to_string());
    }
    let seconds = span
        .total((
            jiff::Unit::Second,
            jiff::SpanRelativeTo::days_are_24_hours(),
        ))
        .map_err(|e| e.to_string())?;
    if seconds <= 0.0 {
        return Err("not longer than zero".to_string());
    }
    if seconds.fract() != 0.0 {
        return Err("not a whole number of seconds".to_string());
    }
    Ok(seconds as u64)
}

/// A latency threshold: `P95 <= 150ms`, `P95 ≤ 150 ms`, `p99 < 2s`. Returns the percentile and
/// the threshold in milliseconds. `<` and `<=` are read alike ("at or under"): a measured
/// percentile equal to a millisecond threshold is indistinguishable from one a hair under it.
pub(crate) fn parse_latency(text: &str) -> Result<(f64, f64), String> {
    let expected = "expected a percentile and a threshold such as \"P95 <= 150ms\" or \"p99 < 2s\"";
    let bad = || expected.to_string();
    let rest = text.trim().strip_prefix(['P', 'p']).ok_or_else(bad)?;
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(bad)?;
    let percentile: f64 = rest[..number_end].parse().map_err(|_| bad())?;
    let rest = rest[number_end..].trim_start();
    let rest = ["<=", "≤", "<"]
        .iter()
        .find_map(|op| rest.strip_prefix(op))
        .ok_or_else(bad)?
        .trim_start();
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let value: f64 = rest[..number_end].parse().map_err(|_| bad())?;
    let scale = match rest[number_end..].trim() {
        "ms" => 1.0,
        "s" => 1000.0,
        "us" | "µs" | "μs" => 0.001,
        _ => return Err(format!("{expected} (units: ms, s, us)")),
    };
    if !(percentile > 0.0 && percentile < 100.0) {
        return Err(format!(
            "percentile {percentile}: expected more than 0 and less than 100"
        ));
    }
    if value <= 0.0 {
        return Err("expected a threshold greater than zero".to_string());
    }
    Ok((percentile, value * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_fixed_lengths() {
        assert_eq!(parse_duration("2w"), Ok(14 * 86_400));
        assert_eq!(parse_duration("28d"), Ok(28 * 86_400));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("1h 30m"), Ok(5400));
        assert_eq!(parse_duration("PT5M"), Ok(300));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("-5m").is_err());
        assert!(parse_duration("1mo").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn latency_thresholds_in_every_spelling() {
        assert_eq!(parse_latency("P95 <= 150ms"), Ok((95.0, 150.0)));
        assert_eq!(parse_latency("P95 ≤ 150 ms"), Ok((95.0, 150.0)));
        assert_eq!(parse_latency("p99 < 2s"), Ok((99.0, 2000.0)));
        assert_eq!(parse_latency("P99.9<=250us"), Ok((99.9, 0.25)));
        assert!(parse_latency("P100 <= 1s").is_err());
        assert!(parse_latency("P95 >= 1s").is_err());
        assert!(parse_latency("P95 <= 1h").is_err());
        assert!(parse_latency("95 <= 1s").is_err());
    }

    #[test]
    fn a_number_keeps_the_digits_it_was_written_with() {
        let reader = Reader {
            located: Located::new("a"),
            lines: vec!["total: 4000.10 # usd", "m: {a: 1.5, b: 2}"],
        };
        let node = Node {
            at: Position { line: 1, column: 8 },
            value: Value::Float(4000.1),
        };
        assert_eq!(reader.written(&node).as_deref(), Some("4000.10"));
        let node = Node {
            at: Position { line: 2, column: 8 },
            value: Value::Float(1.5),
        };
        assert_eq!(reader.written(&node).as_deref(), Some("1.5"));
    }
}
