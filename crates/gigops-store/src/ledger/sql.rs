//! SQL text that both backends share, and the builders of the statements that differ only in
//! details (placeholders, the null-safe comparison).

/// Rows per table, in the order of [`Counts`](crate::Counts)' fields.
pub(crate) const COUNT_ROWS: &str = "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM deals), \
     (SELECT count(*) FROM stage_events), (SELECT count(*) FROM time_entries), \
     (SELECT count(*) FROM reopenings)";

/// Columns written when a deal is inserted or rewritten, in bind order; `id` is the conflict key.
pub(crate) const DEAL_WRITE_COLUMNS: [&str; 13] = [
    "id",
    "client_key",
    "platform",
    "kind",
    "currency",
    "value_minor",
    "opened_at",
    "outcome",
    "closed_at",
    "lost_reason",
    "tech_doc_score",
    "github_score",
    "demo_score",
];

pub(crate) const CLIENT_WRITE_COLUMNS: [&str; 5] =
    ["name", "currency", "locale", "time_zone", "platform"];

pub(crate) const EVENT_WRITE_COLUMNS: [&str; 3] = ["deal_key", "entered_at", "stage"];

pub(crate) const ENTRY_WRITE_COLUMNS: [&str; 5] =
    ["deal_key", "started_at", "category", "minutes", "note"];

pub(crate) const REOPENING_WRITE_COLUMNS: [&str; 6] = [
    "deal_key",
    "reopened_at",
    "reason",
    "outcome",
    "closed_at",
    "lost_reason",
];

/// The reopenings of the deals that match a filter (pushed after it, on the alias `d`) or of
/// one deal (`AND r.deal_key = ?`), decoded by `codec::decode_reopening`.
pub(crate) const SELECT_REOPENINGS: &str = "SELECT d.id, r.reopened_at, r.reason, r.outcome, \
     r.closed_at, r.lost_reason FROM reopenings r JOIN deals d ON d.key = r.deal_key WHERE 1 = 1";

/// `ON CONFLICT (key) DO UPDATE SET c = excluded.c, … WHERE t.c <distinct> excluded.c OR …`:
/// the rewrite happens only when a value differs, so re-importing identical rows writes nothing
/// and is counted as unchanged. `distinct` is the null-safe "differs" operator of the backend.
pub(crate) fn upsert_clause(
    table: &str,
    conflict: &[&str],
    columns: &[&str],
    distinct: &str,
) -> String {
    let updated: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| !conflict.contains(c))
        .collect();
    let set = updated
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let differs = updated
        .iter()
        .map(|c| format!("{table}.{c} {distinct} excluded.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!(
        " ON CONFLICT ({}) DO UPDATE SET {set} WHERE {differs}",
        conflict.join(", ")
    )
}

/// The deal columns decoded by [`crate::codec::decode_deal`], with the tables they come from.
pub(crate) fn select_deals() -> String {
    format!(
        "SELECT {} FROM deals d JOIN clients c ON c.key = d.client_key WHERE 1 = 1",
        crate::codec::DEAL_COLUMNS
    )
}

//END
