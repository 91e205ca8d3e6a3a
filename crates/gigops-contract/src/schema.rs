//! The JSON Schema of the SOW YAML, for editors (`$schema`) and for `gigops sow schema`.

use serde_json::{Value, json};

/// The JSON Schema (draft 2020-12) of the SOW file as [`crate::read`] takes it; every key is
/// described. The reader checks more than a schema can say (sums, dates in order, references),
/// so a file that fits the schema can still have problems.
pub fn schema() -> Value {
    let text =
        |description: &str| json!({"type": "string", "minLength": 1, "description": description});
    let id = |description: &str| json!({"type": "string", "pattern": "^[^\\s.]+$", "description": description});
    let date = |description: &str| json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date", "description": description});
    let amount = |description: &str| {
        json!({
            "description": format!("{description}, in major units of `currency` (\"4000.00\"), read exactly: no more decimals than the currency has"),
            "oneOf": [
                {"type": "string", "pattern": "^\\+?[0-9]*(\\.[0-9]*)?$"},
                {"type": "number", "exclusiveMinimum": 0}
            ]
        })
    };
    let duration = |description: &str| json!({"type": "string", "description": format!("{description}: a fixed length such as 2w, 28d, 5m or 1h 30m (days are 24 hours; no months or years)")});
    let open_percent = |description: &str| json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 100, "description": description});
    let percent_to_100 = |description: &str| json!({"type": "number", "exclusiveMinimum": 0, "maximum": 100, "description": description});
    let count = |description: &str, minimum: u32| json!({"type": "integer", "minimum": minimum, "description": description});
    let texts = |description: &str| json!({"type": "array", "items": {"type": "string"}, "description": description});
    let party = |description: &str| {
        json!({
            "type": "object",
            "description": description,
            "additionalProperties": false,
            "required": ["name"],
            "properties": {
                "name": text("the legal or trading name"),
                "representative": text("who signs for the party"),
                "email": {"type": "string", "pattern": "@", "description": "where contract mail goes"},
                "address": text("postal address, as it should appear on the contract"),
            }
        })
    };
    let gate = json!({
        "description": "a condition on the `gigops gate --json` summary given as evidence",
        "oneOf": [
            {"enum": ["gate_passed", "no_failed_tests", "no_error_findings", "no_benchmark_regression"],
             "description": "gate_passed: the gate's verdict passed; no_failed_tests: no failed and no errored tests; no_error_findings: no finding at error level; no_benchmark_regression: no significant benchmark regression"},
            {"type": "object", "additionalProperties": false, "minProperties": 1, "maxProperties": 1, "properties": {
                "coverage_at_least": percent_to_100("total coverage at least this percent"),
                "debt_rating_at_least": {"enum": ["A", "B", "C", "D", "E"], "description": "technical-debt rating this good or better (A best)"}
            }}
        ]
    });
    let item = json!({
        "type": "object",
        "description": "one acceptance criterion, decided by exactly one of gate, slo, manual, command",
        "additionalProperties": false,
        "required": ["id", "text"],
        "properties": {
            "id": id("unique within the milestone (tests, A1)"),
            "text": text("what the client reads on the checklist"),
            "gate": gate,
            "slo": id("a service level id of this SOW that must be met over `over`"),
            "over": duration("with slo: the period, ending at evaluation, the service level must be met over"),
            "manual": {"const": true, "description": "ticked by a person (who, when, note)"},
            "command": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "a command the acceptor runs, as program and arguments ([make, e2e])"},
            "expect_exit": {"type": "integer", "minimum": 0, "maximum": 255, "default": 0, "description": "with command: the exit status that passes"},
        },
        "oneOf": [
            {"required": ["gate"]},
            {"required": ["slo", "over"]},
            {"required": ["manual"]},
            {"required": ["command"]}
        ]
    });
    let milestones = json!({
        "type": "array",
        "minItems": 1,
        "description": "what is delivered, when, for how much, in due order",
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["id", "title", "due", "amount", "acceptance"],
            "properties": {
                "id": id("unique within the SOW (M1); what `gigops accept M1` names"),
                "title": text("what the milestone delivers, in a few words"),
                "due": date("due date inside the period, not before the previous milestone's"),
                "amount": amount("invoiced when the milestone is accepted"),
                "deliverables": texts("the things handed over"),
                "acceptance": {"type": "array", "minItems": 1, "items": item, "description": "every item must pass for the milestone to be accepted"},
            }
        }
    });
    let service_levels = json!({
        "type": "array",
        "description": "service levels the SLA monitor enforces",
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["id", "window"],
            "properties": {
                "id": id("unique within the SOW (api-availability)"),
                "description": text("what is measured, in words"),
                "availability": open_percent("percent of good events in the budget period"),
                "latency": {"type": "string", "description": "a latency threshold: \"P95 <= 150ms\", \"P95 ≤ 150 ms\", \"p99 < 2s\" (ms, s, us); `<` and `<=` both mean at or under"},
                "target": open_percent("with latency: the percent of windows that must meet the threshold"),
                "window": duration("the evaluation window one good/bad decision is made over"),
                "consecutive_windows": count("a breach is this many consecutive bad windows (1: every bad window)", 1),
                "budget_period": {"type": "string", "default": "calendar_month", "description": "calendar_month (each month in the client's time zone), or a rolling duration such as 28d"},
            },
            "oneOf": [
                {"required": ["availability"], "not": {"required": ["target"]}},
                {"required": ["latency", "target"]}
            ]
        }
    });
    let credits = json!({
        "type": "object",
        "description": "service credits when a service level is missed",
        "additionalProperties": false,
        "required": ["service_level", "tiers", "cap"],
        "properties": {
            "service_level": id("the service level id the tiers are measured on"),
            "tiers": {
                "type": "array",
                "minItems": 1,
                "description": "from the highest level down: below strictly descending, credit strictly ascending",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["below", "credit"],
                    "properties": {
                        "below": open_percent("applies when the measured level is below this percent"),
                        "credit": percent_to_100("percent of the period's fee credited, at most the cap"),
                    }
                }
            },
            "cap": percent_to_100("at most this percent of the period's fee is credited"),
        }
    });
    let change_requests = json!({
        "type": "object",
        "description": "how changes to the scope are handled",
        "additionalProperties": false,
        "properties": {
            "process": text("how a change is requested and approved, in words"),
            "response_days": count("working days within which a change request is answered with an estimate", 1),
            "hourly_rate": amount("the hourly rate changes are billed at"),
            "free_hours": count("changes up to this many hours in total are absorbed without a change order", 0),
        }
    });
    let support = json!({
        "type": "object",
        "description": "support after delivery",
        "additionalProperties": false,
        "required": ["days"],
        "properties": {
            "days": count("days of support after the last milestone is accepted", 1),
            "hours": text("hours of cover in words (Mon–Fri 09:00–18:00)"),
            "time_zone": {"type": "string", "description": "IANA time zone of `hours` (Asia/Shanghai)"},
            "response": duration("first response within this long"),
        }
    });
    let parties = json!({
        "type": "object",
        "description": "who the contract is between",
        "additionalProperties": false,
        "required": ["provider", "client"],
        "properties": {
            "provider": party("the freelancer or agency doing the work"),
            "client": party("the client paying for it"),
        }
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://gigops.dev/schema/sow-1.json",
        "title": "gigops statement of work",
        "description": "A statement of work: parties, period, milestones with amounts and acceptance items, service levels, credits and terms (docs/contracts.md).",
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "title", "parties", "period", "currency", "total", "milestones", "payment"],
        "properties": {
            "$schema": {"type": "string", "description": "the schema this file follows, for editors; ignored by gigops"},
            "id": id("a short id both sides use for the contract (acme-billing-api)"),
            "title": text("the contract's title"),
            "language": {"enum": ["en", "zh-CN"], "default": "en", "description": "the language the contract is governed by; its documents render in it by default"},
            "parties": parties,
            "period": {
                "type": "object",
                "description": "the contract period; every milestone is due inside it",
                "additionalProperties": false,
                "required": ["start", "end"],
                "properties": {
                    "start": date("first day, YYYY-MM-DD"),
                    "end": date("last day, YYYY-MM-DD, after start"),
                }
            },
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code (USD, EUR, CNY) every amount is in"},
            "total": amount("the contract total; the milestone amounts sum to it"),
            "scope": texts("what is included, one paragraph or bullet per entry"),
            "out_of_scope": texts("what is explicitly not included"),
            "iteration": duration("the length of one delivery iteration"),
            "repository": {"type": "string", "minLength": 1, "description": "the code repository delivered (its clone URL, as `git remote get-url origin` prints it): gate evidence of any other repository is refused"},
            "milestones": milestones,
            "change_requests": change_requests,
            "support": support,
            "service_levels": service_levels,
            "credits": credits,
            "payment": {
                "type": "object",
                "description": "payment terms",
                "additionalProperties": false,
                "required": ["net_days"],
                "properties": {
                    "net_days": count("an invoice is due this many days after it is issued", 0),
                    "late_fee_percent_per_month": open_percent("percent per month charged on overdue amounts"),
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::*;

    fn keys(schema: &Value, pointer: &str) -> Vec<String> {
        let mut keys: Vec<String> = schema
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{pointer}"))
            .keys()
            .cloned()
            .collect();
        keys.sort_unstable();
        keys
    }

    fn sorted(list: &[&str]) -> Vec<String> {
        let mut list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        list.sort_unstable();
        list
    }

    #[test]
    fn the_schema_names_every_key_the_reader_takes() {
        let s = schema();
        let m = "/properties/milestones/items/properties";
        let item = "/properties/milestones/items/properties/acceptance/items/properties";
        let gate = format!("{item}/gate/oneOf/1/properties");
        let item_keys = format!("{m}/acceptance/items/properties");
        let parties = "/properties/parties/properties";
        let provider = format!("{parties}/provider/properties");
        let client = format!("{parties}/client/properties");
        for (pointer, expected) in [
            ("/properties", &TOP_KEYS[..]),
            (parties, &PARTIES_KEYS[..]),
            (provider.as_str(), &PARTY_KEYS[..]),
            (client.as_str(), &PARTY_KEYS[..]),
            ("/properties/period/properties", &PERIOD_KEYS[..]),
            (m, &MILESTONE_KEYS[..]),
            (item_keys.as_str(), &ITEM_KEYS[..]),
            (gate.as_str(), &GATE_VALUED[..]),
            ("/properties/change_requests/properties", &CHANGE_KEYS[..]),
            ("/properties/support/properties", &SUPPORT_KEYS[..]),
            (
                "/properties/service_levels/items/properties",
                &SERVICE_LEVEL_KEYS[..],
            ),
            ("/properties/credits/properties", &CREDIT_KEYS[..]),
            (
                "/properties/credits/properties/tiers/items/properties",
                &TIER_KEYS[..],
            ),
            ("/properties/payment/properties", &PAYMENT_KEYS[..]),
        ] {
            assert_eq!(keys(&s, pointer), sorted(expected), "{pointer}");
        }
        let names = s.pointer(&format!("{item}/gate/oneOf/0/enum")).unwrap();
        assert_eq!(names, &serde_json::json!(GATE_NAMES));
        // Every key is described.
        fn described(value: &Value, path: &str) {
            if let Some(props) = value.get("properties").and_then(Value::as_object) {
                for (key, v) in props {
                    let here = format!("{path}.{key}");
                    assert!(v.get("description").is_some(), "{here} has no description");
                    described(v, &here);
                }
            }
            if let Some(items) = value.get("items") {
                described(items, &format!("{path}[]"));
            }
            for key in ["oneOf", "anyOf"] {
                if let Some(list) = value.get(key).and_then(Value::as_array) {
                    for v in list {
                        described(v, path);
                    }
                }
            }
        }
        described(&s, "");
    }

    #[test]
    fn docs_sow_schema_json_is_the_schema() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/sow.schema.json");
        let expected = serde_json::to_string_pretty(&schema()).unwrap() + "\n";
        if std::env::var_os("GIGOPS_BLESS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            on_disk == expected,
            "docs/sow.schema.json is not schema(): run GIGOPS_BLESS=1 cargo test -p gigops-contract"
        );
    }
}
