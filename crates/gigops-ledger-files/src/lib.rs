//! The ledger interchange format: `clients`, `deals`, `stage_events`, `time_entries` and
//! `reopenings`, each as CSV with a header row or as a JSON array of objects with the same
//! fields.
//!
//! Import is two steps so that the caller can ask its store about deals the files refer to but do
//! not contain: [`parse_import`] reads every source and collects every problem, then
//! [`ParsedImport::resolve`] checks the remaining references against the ids the store knows.
//! Nothing here touches a store or the file system.

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use gigops_core::{
    Client, Currency, Deal, DealId, DealKind, Lang, Ledger, Money, Outcome, Platform, Reopening,
    Score, StageEvent, Stages, TimeCategory, TimeEntry, format_instant, ledger::parse_time_zone,
    parse_instant,
};
use jiff::Timestamp;
use serde_json::value::RawValue;

use gigops_core::{Problem, Problems};

/// One file of the ledger format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Clients,
    Deals,
    StageEvents,
    TimeEntries,
    Reopenings,
}

impl Table {
    /// In dependency order: deals name clients; events, entries and reopenings name deals.
    pub const ALL: [Table; 5] = [
        Table::Clients,
        Table::Deals,
        Table::StageEvents,
        Table::TimeEntries,
        Table::Reopenings,
    ];

    /// The file name without extension: `deals` for `deals.csv` and `deals.json`.
    pub fn file_stem(self) -> &'static str {
        match self {
            Table::Clients => "clients",
            Table::Deals => "deals",
            Table::StageEvents => "stage_events",
            Table::TimeEntries => "time_entries",
            Table::Reopenings => "reopenings",
        }
    }

    /// The columns, in the order gigops writes them.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Clients => &CLIENT_COLUMNS,
            Table::Deals => &DEAL_COLUMNS,
            Table::StageEvents => &EVENT_COLUMNS,
            Table::TimeEntries => &ENTRY_COLUMNS,
            Table::Reopenings => &REOPENING_COLUMNS,
        }
    }

    /// Which table and format a path holds, from its file name (`deals.csv`, `stage_events.json`).
    pub fn classify(path: &Path) -> Option<(Table, Format)> {
        let format = match path.extension()?.to_str()? {
            "csv" => Format::Csv,
            "json" => Format::Json,
            _ => return None,
        };
        let stem = path.file_stem()?.to_str()?;
        Table::ALL
            .into_iter()
            .find(|t| t.file_stem() == stem)
            .map(|t| (t, format))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

const CLIENT_COLUMNS: [&str; 5] = ["name", "currency", "locale", "time_zone", "platform"];
const DEAL_COLUMNS: [&str; 13] = [
    "id",
    "client",
    "platform",
    "kind",
    "currency",
    "value",
    "opened_at",
    "outcome",
    "closed_at",
    "lost_reason",
    "tech_doc_score",
    "github_score",
    "demo_score",
];
const EVENT_COLUMNS: [&str; 3] = ["deal_id", "stage", "entered_at"];
const ENTRY_COLUMNS: [&str; 5] = ["deal_id", "started_at", "minutes", "category", "note"];
const REOPENING_COLUMNS: [&str; 6] = [
    "deal_id",
    "reopened_at",
    "reason",
    "outcome",
    "closed_at",
    "lost_reason",
];

/// The text of one input file, named as the user should see it in messages.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub table: Table,
    pub format: Format,
    pub text: String,
}

/// A reference from an event or time entry to a deal that the import itself does not contain.
#[derive(Debug, Clone)]
struct DealReference {
    deal_id: DealId,
    file: String,
    line: u64,
}

/// What the sources hold, once every row has been checked on its own.
#[derive(Debug)]
pub struct ParsedImport {
    ledger: Ledger,
    problems: Vec<Problem>,
    unresolved: Vec<DealReference>,
}

impl ParsedImport {
    /// Deal ids that events or time entries refer to but that the import does not contain; the
    /// caller looks these up in its store and passes the ones it has to [`Self::resolve`].
    pub fn unresolved_deal_ids(&self) -> Vec<DealId> {
        let mut ids: Vec<DealId> = self.unresolved.iter().map(|r| r.deal_id.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The ledger to write, or every problem found, in file and line order.
    pub fn resolve(mut self, stored_deal_ids: &HashSet<DealId>) -> Result<Ledger, Problems> {
        for reference in &self.unresolved {
            if !stored_deal_ids.contains(&reference.deal_id) {
                self.problems.push(Problem {
                    file: reference.file.clone(),
                    line: reference.line,
                    column: "deal_id".into(),
                    reason: format!("unknown deal {}", reference.deal_id),
                });
            }
        }
        if self.problems.is_empty() {
            Ok(self.ledger)
        } else {
            // Stable: problems of one row keep the column order they were found in.
            self.problems
                .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
            Err(Problems(self.problems))
        }
    }
}

/// Reads every source, in dependency order, and checks every row.
pub fn parse_import(sources: &[Source], stages: &Stages) -> ParsedImport {
    let mut parser = ImportParser {
        stages,
        ledger: Ledger::default(),
        problems: Vec::new(),
        unresolved: Vec::new(),
        clients_seen: HashMap::new(),
        deals_seen: HashMap::new(),
        entries_seen: HashMap::new(),
        reopenings_seen: HashMap::new(),
    };
    let mut ordered: Vec<&Source> = sources.iter().collect();
    ordered.sort_by_key(|s| s.table);
    for source in ordered {
        parser.read_source(source);
    }
    ParsedImport {
        ledger: parser.ledger,
        problems: parser.problems,
        unresolved: parser.unresolved,
    }
}

struct ImportParser<'s> {
    stages: &'s Stages,
    ledger: Ledger,
    problems: Vec<Problem>,
    unresolved: Vec<DealReference>,
    /// Name → where it was first seen, to report duplicates with both places.
    clients_seen: HashMap<String, Place>,
    /// Every deal id the import defines, even on rows with other problems, so that events of a
    /// deal whose row is broken are not reported a second time as "unknown deal". The rows that
    /// refer to a deal share its id from here rather than allocate one each.
    deals_seen: HashMap<DealId, Place>,
    entries_seen: HashMap<(DealId, Timestamp, TimeCategory), Place>,
    reopenings_seen: HashMap<(DealId, Timestamp), Place>,
}

/// Where a row is: its file and line. Kept for every row that may turn out to be repeated, so it
/// is a shared name and a number, written out only for a duplicate.
#[derive(Debug, Clone)]
struct Place {
    file: Arc<str>,
    line: u64,
}

impl Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Where a row is, collecting its problems.
struct Row<'a> {
    file: &'a Arc<str>,
    line: u64,
    fields: &'a [Option<&'a str>],
    columns: &'static [&'static str],
    problems: Vec<Problem>,
}

impl<'a> Row<'a> {
    fn problem(&mut self, column: &str, reason: impl Display) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: self.line,
            column: column.to_string(),
            reason: reason.to_string(),
        });
    }

    fn here(&self) -> Place {
        Place {
            file: self.file.clone(),
            line: self.line,
        }
    }

    fn optional(&self, column: usize) -> Option<&'a str> {
        self.fields[column]
    }

    /// Parses a field that may be empty.
    fn parse_optional<T, E: Display>(
        &mut self,
        column: usize,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ()> {
        match self.fields[column] {
            None => Ok(None),
            Some(text) => match parse(text) {
                Ok(value) => Ok(Some(value)),
                Err(err) => {
                    self.problem(self.columns[column], err);
                    Err(())
                }
            },
        }
    }

    /// Parses a field that must be present.
    fn parse_required<T, E: Display>(
        &mut self,
        column: usize,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match self.parse_optional(column, parse) {
            Ok(Some(value)) => Some(value),
            Ok(None) => {
                self.problem(self.columns[column], "is empty; a value is required");
                None
            }
            Err(()) => None,
        }
    }
}

/// Instants are kept to the microsecond (the precision both stores hold), so an input with finer
/// precision would not survive a round trip: refuse it rather than truncate silently.
fn parse_stored_instant(text: &str) -> Result<Timestamp, String> {
    let instant = parse_instant(text).map_err(|e| e.to_string())?;
    if instant.subsec_nanosecond() % 1_000 != 0 {
        return Err(format!(
            "{text:?} is more precise than a microsecond, which is the finest gigops keeps"
        ));
    }
    Ok(instant)
}

fn parse_minutes(text: &str) -> Result<u32, String> {
    match text.parse::<i64>() {
        Ok(m) if m < 0 => Err(format!("negative minutes ({m})")),
        Ok(0) => Err("0 minutes: a time entry has at least 1 minute".to_string()),
        Ok(m) => u32::try_from(m).map_err(|_| format!("{m} minutes is too many")),
        Err(_) => Err(format!("{text:?} is not a whole number of minutes")),
    }
}

impl<'s> ImportParser<'s> {
    fn read_source(&mut self, source: &Source) {
        let columns = source.table.columns();
        let table = source.table;
        let file: Arc<str> = Arc::from(source.name.as_str());
        let mut rows =
            |line: u64, fields: &[Option<&str>]| self.read_row(&file, table, line, fields);
        let result = match source.format {
            Format::Csv => for_each_csv_row(source, columns, &mut rows),
            Format::Json => for_each_json_row(source, columns, &mut rows),
        };
        if let Err(problems) = result {
            self.problems.extend(problems);
        }
    }

    fn read_row(&mut self, file: &Arc<str>, table: Table, line: u64, fields: &[Option<&str>]) {
        let mut row = Row {
            file,
            line,
            fields,
            columns: table.columns(),
            problems: Vec::new(),
        };
        match table {
            Table::Clients => self.read_client(&mut row),
            Table::Deals => self.read_deal(&mut row),
            Table::StageEvents => self.read_event(&mut row),
            Table::TimeEntries => self.read_entry(&mut row),
            Table::Reopenings => self.read_reopening(&mut row),
        }
        self.problems.append(&mut row.problems);
    }

    fn read_client(&mut self, row: &mut Row) {
        let name = row.parse_required(0, |s| Ok::<_, String>(s.trim().to_string()));
        let currency = row.parse_required(1, Currency::parse);
        let locale = row.parse_required(2, str::parse::<Lang>);
        let time_zone = row.parse_required(3, parse_time_zone);
        let platform = row.parse_optional(4, Platform::parse);
        if let Some(name) = &name {
            if let Some(first) = self.clients_seen.get(name) {
                row.problem(
                    "name",
                    format!("duplicate client {name:?}: first at {first}"),
                );
                return;
            }
            self.clients_seen.insert(name.clone(), row.here());
        }
        if let (Some(name), Some(currency), Some(locale), Some(time_zone), Ok(platform)) =
            (name, currency, locale, time_zone, platform)
            && row.problems.is_empty()
        {
            self.ledger.clients.push(Client {
                name,
                currency,
                locale,
                time_zone,
                platform,
            });
        }
    }

    fn read_deal(&mut self, row: &mut Row) {
        let id = row.parse_required(0, DealId::parse);
        if let Some(id) = &id {
            if let Some(first) = self.deals_seen.get(id) {
                row.problem("id", format!("duplicate id {id}: first at {first}"));
                return;
            }
            self.deals_seen.insert(id.clone(), row.here());
        }
        let client = row.parse_required(1, |s| match s.trim() {
            "" => Err("client name is blank"),
            name => Ok(name.to_string()),
        });
        let platform = row.parse_required(2, Platform::parse);
        let kind = row.parse_required(3, str::parse::<DealKind>);
        let currency = row.parse_required(4, Currency::parse);
        let value = match currency {
            Some(currency) => row.parse_required(5, |s| match Money::parse_major(s, currency) {
                Ok(money) if money.minor < 0 => Err(format!("value {s} is negative")),
                other => other.map_err(|e| e.to_string()),
            }),
            // The currency's problem is already reported; the value cannot be judged without it.
            None => None,
        };
        let opened_at = row.parse_required(6, parse_stored_instant);
        let outcome = row.parse_required(7, str::parse::<Outcome>);
        let closed_at = row.parse_optional(8, parse_stored_instant);
        let lost_reason = row.optional(9).map(|s| s.trim().to_string());
        let tech_doc_score = row.parse_optional(10, Score::parse);
        let github_score = row.parse_optional(11, Score::parse);
        let demo_score = row.parse_optional(12, Score::parse);
        if !row.problems.is_empty() {
            return;
        }
        let (
            Some(id),
            Some(client),
            Some(platform),
            Some(kind),
            Some(value),
            Some(opened_at),
            Some(outcome),
            Ok(closed_at),
            Ok(tech_doc_score),
            Ok(github_score),
            Ok(demo_score),
        ) = (
            id,
            client,
            platform,
            kind,
            value,
            opened_at,
            outcome,
            closed_at,
            tech_doc_score,
            github_score,
            demo_score,
        )
        else {
            return;
        };
        let deal = Deal {
            id,
            client,
            platform,
            kind,
            value,
            opened_at,
            outcome,
            closed_at,
            lost_reason,
            tech_doc_score,
            github_score,
            demo_score,
        };
        let problems = deal.problems();
        if problems.is_empty() {
            self.ledger.deals.push(deal);
        } else {
            for (column, reason) in problems {
                row.problem(column, reason);
            }
        }
    }

    /// The deal id in the row's first column: the very id of the deal the import defines when
    /// it does (a reference count, not an allocation per event), else the id as parsed.
    fn referred_deal_id(&self, row: &mut Row) -> Option<DealId> {
        match row
            .optional(0)
            .and_then(|text| self.deals_seen.get_key_value(text))
        {
            Some((id, _)) => Some(id.clone()),
            None => row.parse_required(0, DealId::parse),
        }
    }

    /// Notes a reference to a deal the import does not define, for [`ParsedImport::resolve`].
    fn refer_to_deal(&mut self, row: &Row, deal_id: &DealId) {
        if !self.deals_seen.contains_key(deal_id) {
            self.unresolved.push(DealReference {
                deal_id: deal_id.clone(),
                file: row.file.to_string(),
                line: row.line,
            });
        }
    }

    fn read_event(&mut self, row: &mut Row) {
        let stages = self.stages;
        let deal_id = self.referred_deal_id(row);
        let stage = row.parse_required(1, |s| stages.get(s).cloned());
        let entered_at = row.parse_required(2, parse_stored_instant);
        if let (Some(deal_id), Some(stage), Some(entered_at)) = (deal_id, stage, entered_at) {
            self.refer_to_deal(row, &deal_id);
            self.ledger.events.push(StageEvent {
                deal_id,
                stage,
                entered_at,
            });
        }
    }

    fn read_entry(&mut self, row: &mut Row) {
        let deal_id = self.referred_deal_id(row);
        let started_at = row.parse_required(1, parse_stored_instant);
        let minutes = row.parse_required(2, parse_minutes);
        let category = row.parse_required(3, str::parse::<TimeCategory>);
        let note = row.optional(4).map(str::to_string);
        let (Some(deal_id), Some(started_at), Some(minutes), Some(category)) =
            (deal_id, started_at, minutes, category)
        else {
            return;
        };
        let key = (deal_id.clone(), started_at, category);
        if let Some(first) = self.entries_seen.get(&key) {
            row.problem(
                "started_at",
                format!(
                    "duplicate time entry: deal {deal_id}, {category} at {started_at} is already at {first}"
                ),
            );
            return;
        }
        self.entries_seen.insert(key, row.here());
        self.refer_to_deal(row, &deal_id);
        self.ledger.time_entries.push(TimeEntry {
            deal_id,
            started_at,
            minutes,
            category,
            note,
        });
    }
}

impl ImportParser<'_> {
    fn read_reopening(&mut self, row: &mut Row) {
        let deal_id = self.referred_deal_id(row);
        let reopened_at = row.parse_required(1, parse_stored_instant);
        let reason = row.parse_required(2, |s| match s.trim() {
            "" => Err("a reopening needs a reason"),
            reason => Ok(reason.to_string()),
        });
        let outcome = row.parse_required(3, str::parse::<Outcome>);
        let closed_at = row.parse_required(4, parse_stored_instant);
        let lost_reason = row.optional(5).map(|s| s.trim().to_string());
        let (Some(deal_id), Some(reopened_at), Some(reason), Some(outcome), Some(closed_at)) =
            (deal_id, reopened_at, reason, outcome, closed_at)
        else {
            return;
        };
        let key = (deal_id.clone(), reopened_at);
        if let Some(first) = self.reopenings_seen.get(&key) {
            row.problem(
                "reopened_at",
                format!(
                    "duplicate reopening: deal {deal_id} at {reopened_at} is already at {first}"
                ),
            );
            return;
        }
        self.reopenings_seen.insert(key, row.here());
        let reopening = Reopening {
            deal_id,
            reopened_at,
            reason,
            outcome,
            closed_at,
            lost_reason,
        };
        let problems = reopening.problems();
        if !problems.is_empty() {
            for (column, reason) in problems {
                row.problem(column, reason);
            }
            return;
        }
        self.refer_to_deal(row, &reopening.deal_id);
        self.ledger.reopenings.push(reopening);
    }
}

/// Maps the header to the table's columns; every column must be there, and nothing else.
fn column_positions(
    file: &str,
    header: &[&str],
    columns: &[&str],
) -> Result<Vec<usize>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut positions = Vec::with_capacity(columns.len());
    let header_problem = |reason: String| Problem {
        file: file.to_string(),
        line: 1,
        column: String::new(),
        reason,
    };
    for (i, name) in header.iter().enumerate() {
        if !columns.contains(name) {
            problems.push(header_problem(format!(
                "unexpected column {name:?}: expected the columns {}",
                columns.join(",")
            )));
        } else if header[..i].contains(name) {
            problems.push(header_problem(format!("column {name:?} appears twice")));
        }
    }
    for column in columns {
        match header.iter().position(|h| h == column) {
            Some(p) => positions.push(p),
            None => problems.push(header_problem(format!("missing column {column:?}"))),
        }
    }
    if problems.is_empty() {
        Ok(positions)
    } else {
        Err(problems)
    }
}

fn for_each_csv_row(
    source: &Source,
    columns: &[&str],
    on_row: &mut dyn FnMut(u64, &[Option<&str>]),
) -> Result<(), Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(source.text.as_bytes());
    let syntax = |err: csv::Error| {
        let line = err.position().map_or(0, |p| p.line());
        vec![Problem {
            file: source.name.clone(),
            line,
            column: String::new(),
            reason: format!("not valid CSV: {err}"),
        }]
    };
    let header = reader.headers().map_err(syntax)?.clone();
    let header: Vec<&str> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}'))
        .collect();
    let positions = column_positions(&source.name, &header, columns)?;
    let mut record = csv::StringRecord::new();
    let mut problems = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let fields: Vec<Option<&str>> = positions
                    .iter()
                    .map(|&p| record.get(p).filter(|s| !s.is_empty()))
                    .collect();
                on_row(line, &fields);
            }
            // A ragged or unreadable row: report it and go on, so one run shows everything.
            Err(err) if matches!(err.kind(), csv::ErrorKind::UnequalLengths { .. }) => {
                let line = err.position().map_or(0, |p| p.line());
                problems.push(Problem {
                    file: source.name.clone(),
                    line,
                    column: String::new(),
                    reason: format!(
                        "row has a different number of fields than the header ({} columns)",
                        header.len()
                    ),
                });
            }
            Err(err) => {
                problems.extend(syntax(err));
                break;
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn for_each_json_row(
    source: &Source,
    columns: &[&str],
    on_row: &mut dyn FnMut(u64, &[Option<&str>]),
) -> Result<(), Vec<Problem>> {
    let problem = |line: u64, column: String, reason: String| Problem {
        file: source.name.clone(),
        line,
        column,
        reason,
    };
    // Borrowed raw elements keep their place in the text, which gives each object's line.
    let elements: Vec<&RawValue> = serde_json::from_str(&source.text).map_err(|err| {
        vec![problem(
            err.line() as u64,
            format!("column {}", err.column()),
            format!("not a JSON array of objects: {err}"),
        )]
    })?;
    let base = source.text.as_ptr() as usize;
    let mut problems = Vec::new();
    let mut texts: Vec<Option<String>> = Vec::with_capacity(columns.len());
    for element in elements {
        let offset = element.get().as_ptr() as usize - base;
        let line = 1 + source.text.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let object: serde_json::Map<String, serde_json::Value> =
            match serde_json::from_str(element.get()) {
                Ok(object) => object,
                Err(_) => {
                    problems.push(problem(line, String::new(), "expected an object".into()));
                    continue;
                }
            };
        let mut row_ok = true;
        for key in object.keys() {
            if !columns.contains(&key.as_str()) {
                problems.push(problem(
                    line,
                    key.clone(),
                    format!(
                        "unexpected field: expected the fields {}",
                        columns.join(",")
                    ),
                ));
                row_ok = false;
            }
        }
        texts.clear();
        for column in columns {
            let text = match object.get(*column) {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(s)) => Some(s.clone()).filter(|s| !s.is_empty()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                Some(other) => {
                    problems.push(problem(
                        line,
                        column.to_string(),
                        format!("expected a string, a number or null, found {other}"),
                    ));
                    row_ok = false;
                    None
                }
            };
            texts.push(text);
        }
        if row_ok {
            let fields: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
            on_row(line, &fields);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn instant_text(instant: Option<Timestamp>) -> String {
    instant.map(format_instant).unwrap_or_default()
}

fn score_text(score: Option<Score>) -> String {
    score.map(|s| s.get().to_string()).unwrap_or_default()
}

/// The rows of one table as text fields, in column order; an empty string is null.
fn rows(table: Table, ledger: &Ledger) -> Box<dyn Iterator<Item = Vec<String>> + '_> {
    match table {
        Table::Clients => Box::new(ledger.clients.iter().map(|c| {
            vec![
                c.name.clone(),
                c.currency.to_string(),
                c.locale.to_string(),
                c.time_zone.clone(),
                c.platform
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ]
        })),
        Table::Deals => Box::new(ledger.deals.iter().map(|d| {
            vec![
                d.id.to_string(),
                d.client.clone(),
                d.platform.to_string(),
                d.kind.to_string(),
                d.value.currency.to_string(),
                d.value.major_string(),
                format_instant(d.opened_at),
                d.outcome.to_string(),
                instant_text(d.closed_at),
                d.lost_reason.clone().unwrap_or_default(),
                score_text(d.tech_doc_score),
                score_text(d.github_score),
                score_text(d.demo_score),
            ]
        })),
        Table::StageEvents => Box::new(ledger.events.iter().map(|e| {
            vec![
                e.deal_id.to_string(),
                e.stage.to_string(),
                format_instant(e.entered_at),
            ]
        })),
        Table::TimeEntries => Box::new(ledger.time_entries.iter().map(|t| {
            vec![
                t.deal_id.to_string(),
                format_instant(t.started_at),
                t.minutes.to_string(),
                t.category.to_string(),
                t.note.clone().unwrap_or_default(),
            ]
        })),
        Table::Reopenings => Box::new(ledger.reopenings.iter().map(|r| {
            vec![
                r.deal_id.to_string(),
                format_instant(r.reopened_at),
                r.reason.clone(),
                r.outcome.to_string(),
                format_instant(r.closed_at),
                r.lost_reason.clone().unwrap_or_default(),
            ]
        })),
    }
}

/// Columns written as JSON numbers rather than strings. Money stays a decimal string so that no
/// reader turns it into a float.
fn is_numeric(column: &str) -> bool {
    column.ends_with("_score") || column == "minutes"
}

/// Writes one table in the given format.
pub fn write_table(
    table: Table,
    format: Format,
    ledger: &Ledger,
    out: &mut dyn Write,
) -> io::Result<()> {
    let columns = table.columns();
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(columns)?;
            for row in rows(table, ledger) {
                writer.write_record(&row)?;
            }
            writer.flush()?;
        }
        Format::Json => {
            out.write_all(b"[")?;
            for (i, row) in rows(table, ledger).enumerate() {
                // Written field by field so that keys keep the column order of the CSV.
                out.write_all(if i == 0 { b"\n{" } else { b",\n{" })?;
                for (j, (column, text)) in columns.iter().zip(row).enumerate() {
                    if j > 0 {
                        out.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut *out, column)?;
                    out.write_all(b":")?;
                    if text.is_empty() {
                        out.write_all(b"null")?;
                    } else if is_numeric(column) {
                        out.write_all(text.as_bytes())?;
                    } else {
                        serde_json::to_writer(&mut *out, &text)?;
                    }
                }
                out.write_all(b"}")?;
            }
            out.write_all(b"\n]\n")?;
        }
    }
    Ok(())
}
