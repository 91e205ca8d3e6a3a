//! Deals with their stage events and time entries, read from SQLite as pages of JSON.
//!
//! sqlx copies each value of each row out of SQLite in an allocation of its own and hands rows
//! from SQLite's thread to the caller's one at a time. For 200,000 deals and 1,000,000 events,
//! row by row, that traffic took ten times what SQLite needs to read them (3 s against 0.3 s).
//! Instead SQLite writes a page of a thousand deals as three texts (the deals' fields, their
//! events, their time entries, as JSON), which are parsed here borrowing their strings: one row
//! per page, and SQLite writing one page overlaps the parsing of the one before.

use std::borrow::Cow;
use std::collections::HashMap;

use gigops_core::{
    Currency, Deal, DealId, DealKind, Money, Outcome, Score, StageEvent, TimeCategory, TimeEntry,
};
use serde::Deserialize;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use crate::codec::{Interner, instant, parse_enum, push_deal_filter};
use crate::error::{Result, StoreError};
use crate::model::DealFilter;

/// One statement per page of deals. The page (`WITH page`) is the next deals in id order
/// after a cursor; the statement returns its size, its last id and three texts, each a
/// space-separated list of JSON arrays:
///
/// - per deal, `[key, id, client, platform, kind, currency, value_minor, opened_at, outcome,
///   closed_at, lost_reason, tech_doc_score, github_score, demo_score]`. Scores go through
///   `quote()`, which writes a REAL with as many digits as it takes to read back the same number
///   (JSON gets 15, which is not always enough) and NULL as `NULL`;
/// - per deal with events, `[key, [stage, …], [entered_at, …]]`;
/// - per deal with time entries, `[key, [started_at, …], [minutes, …], [category, …],
///   [note, …]]`, the notes all `null` when the filter leaves them out (`NOTE` in the text
///   below stands for the column or `NULL`).
///
/// Histories are grouped from one pass over the primary key and the unique index, so they come
/// in key order; [`Page::push`] still checks, and sorts if not, as SQL does not promise an order
/// inside an aggregate. The per-deal arrays are joined by `||` rather than nested with
/// `json_array`, which would have SQLite parse each again.
const PAGE_CTE: &str = "WITH page AS MATERIALIZED (SELECT d.key AS key, d.id AS id, \
     json_array(d.key, d.id, c.name, d.platform, d.kind, d.currency, d.value_minor, \
     d.opened_at, d.outcome, d.closed_at, d.lost_reason, quote(d.tech_doc_score), \
     quote(d.github_score), quote(d.demo_score)) AS fields \
     FROM deals d JOIN clients c ON c.key = d.client_key WHERE 1 = 1";

const PAGE_SELECT: &str = ") SELECT (SELECT count(*) FROM page), (SELECT max(id) FROM page), \
     (SELECT group_concat(fields, ' ') FROM page), \
     (SELECT group_concat(history, ' ') FROM (SELECT '[' || e.deal_key || ',' || \
     json_group_array(e.stage) || ',' || json_group_array(e.entered_at) || ']' AS history \
     FROM stage_events e WHERE e.deal_key IN (SELECT key FROM page) GROUP BY e.deal_key)), \
     (SELECT group_concat(history, ' ') FROM (SELECT '[' || t.deal_key || ',' || \
     json_group_array(t.started_at) || ',' || json_group_array(t.minutes) || ',' || \
     json_group_array(t.category) || ',' || json_group_array(NOTE) || ']' AS history \
     FROM time_entries t WHERE t.deal_key IN (SELECT key FROM page) GROUP BY t.deal_key))";

/// Deals per page: about 300 bytes each with their events, so a page is a few hundred
/// kilobytes; big enough that statements are few, small enough that parsing one page overlaps
/// SQLite writing the next.
const DEALS_PER_PAGE: i64 = 1_000;

#[derive(Deserialize)]
struct DealFields<'a>(
    i64,
    #[serde(borrow)] Cow<'a, str>,
    String,
    #[serde(borrow)] Cow<'a, str>,
    &'a str,
    &'a str,
    i64,
    i64,
    &'a str,
    Option<i64>,
    Option<String>,
    &'a str,
    &'a str,
    &'a str,
);

#[derive(Deserialize)]
struct DealEvents<'a>(i64, #[serde(borrow)] Vec<&'a str>, Vec<i64>);

#[derive(Deserialize)]
struct DealEntries<'a>(
    i64,
    Vec<i64>,
    Vec<i64>,
    #[serde(borrow)] Vec<&'a str>,
    Vec<Option<String>>,
);

/// Which deals to read.
pub(super) enum Selection<'a> {
    Filtered(&'a DealFilter),
    Id(&'a str),
}

/// Deals by id, their events by (deal, entered_at, stage) and entries by (deal, started_at,
/// category).
#[derive(Default)]
pub(super) struct Histories {
    pub deals: Vec<Deal>,
    pub events: Vec<StageEvent>,
    pub time_entries: Vec<TimeEntry>,
}

impl Histories {
    fn append(&mut self, mut page: Histories) {
        self.deals.append(&mut page.deals);
        self.events.append(&mut page.events);
        self.time_entries.append(&mut page.time_entries);
    }
}

/// One page as SQLite wrote it.
struct PageText {
    fields: String,
    events: String,
    entries: String,
}

/// Reads the selected deals a page at a time, in id order. The caller's transaction makes the
/// pages one snapshot.
pub(super) async fn select_histories(
    conn: &mut SqliteConnection,
    selection: Selection<'_>,
) -> Result<Histories> {
    let mut histories = Histories::default();
    let mut parsing: Option<tokio::task::JoinHandle<Result<Histories>>> = None;
    // Ids are never empty, so every id sorts after the empty string.
    let mut after = String::new();
    let without_notes = matches!(&selection, Selection::Filtered(f) if f.without_notes);
    let page_select = PAGE_SELECT.replace("NOTE", if without_notes { "NULL" } else { "t.note" });
    loop {
        let mut query = QueryBuilder::<Sqlite>::new(PAGE_CTE);
        match &selection {
            Selection::Filtered(filter) => push_deal_filter(&mut query, filter),
            Selection::Id(id) => {
                query.push(" AND d.id = ").push_bind(*id);
            }
        }
        query
            .push(" AND d.id > ")
            .push_bind(after.as_str())
            .push(" ORDER BY d.id LIMIT ")
            .push_bind(DEALS_PER_PAGE)
            .push(&page_select);
        let row = query.build().fetch_one(&mut *conn).await?;
        let count: i64 = row.try_get(0)?;
        let last: Option<String> = row.try_get(1)?;
        let page = if count == 0 {
            None
        } else {
            Some(PageText {
                fields: row.try_get(2)?,
                events: row.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                entries: row.try_get::<Option<String>, _>(4)?.unwrap_or_default(),
            })
        };
        // This page is parsed on a blocking thread while SQLite builds the next one.
        let next = page.map(|page| tokio::task::spawn_blocking(move || parse_page(&page)));
        if let Some(previous) = std::mem::replace(&mut parsing, next) {
            histories.append(finish(previous).await?);
        }
        match last {
            Some(last) if count == DEALS_PER_PAGE => after = last,
            _ => break,
        }
    }
    if let Some(previous) = parsing {
        histories.append(finish(previous).await?);
    }
    Ok(histories)
}

async fn finish(parsing: tokio::task::JoinHandle<Result<Histories>>) -> Result<Histories> {
    match parsing.await {
        Ok(parsed) => parsed,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => Err(StoreError::Corrupt(format!(
            "reading deals back was interrupted: {error}"
        ))),
    }
}

/// The space-separated JSON values of one column of a page.
fn values<'a, T: Deserialize<'a> + 'a>(
    text: &'a str,
    what: &'static str,
) -> impl Iterator<Item = Result<T>> + 'a {
    serde_json::Deserializer::from_str(text)
        .into_iter::<T>()
        .map(move |value| {
            value.map_err(|e| StoreError::Corrupt(format!("{what} read back as JSON: {e}")))
        })
}

fn parse_page(page: &PageText) -> Result<Histories> {
    let mut events = HashMap::new();
    for group in values::<DealEvents>(&page.events, "stage events") {
        let group = group?;
        events.insert(group.0, group);
    }
    let mut entries = HashMap::new();
    for group in values::<DealEntries>(&page.entries, "time entries") {
        let group = group?;
        entries.insert(group.0, group);
    }
    let mut deals =
        values::<DealFields>(&page.fields, "deal fields").collect::<Result<Vec<_>>>()?;
    if !deals.is_sorted_by(|a, b| a.1 <= b.1) {
        deals.sort_by(|a, b| a.1.cmp(&b.1));
    }
    let mut page = Page {
        histories: Histories {
            deals: Vec::with_capacity(deals.len()),
            ..Histories::default()
        },
        interner: Interner::default(),
    };
    for fields in deals {
        let key = fields.0;
        page.push(fields, events.remove(&key), entries.remove(&key))?;
    }
    Ok(page.histories)
}

struct Page {
    histories: Histories,
    interner: Interner,
}

/// A score as `quote()` wrote it.
fn score(text: &str) -> Result<Option<Score>> {
    if text == "NULL" {
        return Ok(None);
    }
    Score::parse(text)
        .map(Some)
        .map_err(|e| StoreError::Corrupt(format!("score: {e}")))
}

impl Page {
    fn push(
        &mut self,
        fields: DealFields<'_>,
        events: Option<DealEvents<'_>>,
        entries: Option<DealEntries<'_>>,
    ) -> Result<()> {
        let DealFields(
            _key,
            id,
            client,
            platform,
            kind,
            currency,
            value_minor,
            opened_at,
            outcome,
            closed_at,
            lost_reason,
            tech_doc_score,
            github_score,
            demo_score,
        ) = fields;
        let id = DealId::parse(&id).map_err(|e| StoreError::Corrupt(format!("deal id: {e}")))?;
        let in_deal = |e: StoreError| match e {
            StoreError::Corrupt(detail) => StoreError::Corrupt(format!("deal {id}: {detail}")),
            other => other,
        };
        let histories = &mut self.histories;
        let interner = &mut self.interner;
        let decode = || -> Result<()> {
            let currency = Currency::parse(currency)
                .map_err(|e| StoreError::Corrupt(format!("currency: {e}")))?;
            histories.deals.push(Deal {
                id: id.clone(),
                client,
                platform: interner.platform(&platform)?,
                kind: parse_enum::<DealKind>("kind", kind)?,
                value: Money::new(value_minor, currency),
                opened_at: instant(opened_at)?,
                outcome: parse_enum::<Outcome>("outcome", outcome)?,
                closed_at: closed_at.map(instant).transpose()?,
                lost_reason,
                tech_doc_score: score(tech_doc_score)?,
                github_score: score(github_score)?,
                demo_score: score(demo_score)?,
            });

            if let Some(DealEvents(_, stages, instants)) = events {
                if stages.len() != instants.len() {
                    return Err(StoreError::Corrupt(
                        "stage events read back unevenly".into(),
                    ));
                }
                let first = histories.events.len();
                for (stage, entered_at) in stages.into_iter().zip(instants) {
                    histories.events.push(StageEvent {
                        deal_id: id.clone(),
                        stage: interner.stage(stage)?,
                        entered_at: instant(entered_at)?,
                    });
                }
                let events = &mut histories.events[first..];
                if !events.is_sorted_by_key(|e| (e.entered_at, e.stage.as_str())) {
                    events.sort_by(|a, b| (a.entered_at, &a.stage).cmp(&(b.entered_at, &b.stage)));
                }
            }

            if let Some(DealEntries(_, starts, minutes, categories, notes)) = entries {
                let count = starts.len();
                if minutes.len() != count || categories.len() != count || notes.len() != count {
                    return Err(StoreError::Corrupt(
                        "time entries read back unevenly".into(),
                    ));
                }
                let first = histories.time_entries.len();
                let records = starts.into_iter().zip(minutes).zip(categories).zip(notes);
                for (((started_at, minutes), category), note) in records {
                    histories.time_entries.push(TimeEntry {
                        deal_id: id.clone(),
                        started_at: instant(started_at)?,
                        minutes: u32::try_from(minutes).map_err(|_| {
                            StoreError::Corrupt(format!("a time entry of {minutes} minutes"))
                        })?,
                        category: parse_enum::<TimeCategory>("time category", category)?,
                        note,
                    });
                }
                let entries = &mut histories.time_entries[first..];
                // By category name, as SQL orders text, not by the enum's declaration order.
                if !entries.is_sorted_by_key(|e| (e.started_at, e.category.as_str())) {
                    entries.sort_by_key(|e| (e.started_at, e.category.as_str()));
                }
            }
            Ok(())
        };
        decode().map_err(in_deal)
    }
}
