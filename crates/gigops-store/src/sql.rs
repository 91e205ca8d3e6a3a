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

/// The milestones ready to invoice (the rule documented on `LedgerStore::ready_to_invoice`):
/// `(deal id, version, milestone, title, amount_minor, currency, evaluated_at, version
/// evaluated against)`, by deal id and position. `deal_filter` is a condition on `s.deal_key`
/// (`? IS NULL OR s.deal_key = ?` or its PostgreSQL spelling).
///
/// `latest` is each deal's latest SOW version; `evaluations` ranks, per milestone of it, every
/// evaluation recorded against a version of the deal holding the same milestone id and amount
/// in the same currency, newest first; the newest must have accepted it, no version of the
/// deal may have the milestone id invoiced, and the deal must not be lost (work that will not
/// be delivered is never billed).
pub(crate) fn ready_to_invoice(deal_filter: &str) -> String {
    format!(
        "WITH latest AS ( \
             SELECT s.key, s.deal_key, s.version, s.currency FROM sows s \
             WHERE ({deal_filter}) \
               AND s.version = (SELECT max(t.version) FROM sows t WHERE t.deal_key = s.deal_key) \
         ), evaluations AS ( \
             SELECT l.key AS sow_key, m.id AS milestone, a.accepted, a.evaluated_at, \
                    o.version AS under, \
                    row_number() OVER (PARTITION BY l.key, m.id \
                                       ORDER BY a.evaluated_at DESC, a.key DESC) AS n \
             FROM latest l \
             JOIN sow_milestones m ON m.sow_key = l.key \
             JOIN sows o ON o.deal_key = l.deal_key AND o.currency = l.currency \
             JOIN sow_milestones om ON om.sow_key = o.key AND om.id = m.id \
                                   AND om.amount_minor = m.amount_minor \
             JOIN sow_acceptances a ON a.sow_key = o.key AND a.milestone = m.id \
         ) \
         SELECT d.id, CAST(l.version AS BIGINT), m.id, m.title, m.amount_minor, l.currency, \
                e.evaluated_at, CAST(e.under AS BIGINT) \
         FROM latest l \
         JOIN deals d ON d.key = l.deal_key \
         JOIN sow_milestones m ON m.sow_key = l.key \
         JOIN evaluations e ON e.sow_key = l.key AND e.milestone = m.id AND e.n = 1 \
         WHERE e.accepted AND d.outcome <> 'lost' AND NOT EXISTS ( \
             SELECT 1 FROM sows i JOIN sow_milestones im ON im.sow_key = i.key \
             WHERE i.deal_key = l.deal_key AND im.id = m.id AND im.invoiced_at IS NOT NULL) \
         ORDER BY d.id, m.position"
    )
}
