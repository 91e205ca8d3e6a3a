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
/// The most columns a table has (deals').
const MAX_COLUMNS: usize = DEAL_COLUMNS.len();
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

/// One input file as read, named as the user should see it in messages. Its bytes are checked to
/// be UTF-8 as they are parsed, so that a file that is not says where (and so that a large file
/// is not checked twice).
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub table: Table,
    pub format: Format,
    pub bytes: Vec<u8>,
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

/// Reads every source and checks every row: clients and deals first, then the tables that refer
/// to deals, each on a thread of its own, since they only read which deals are defined.
pub fn parse_import(sources: &[Source], stages: &Stages) -> ParsedImport {
    let (clients, client_problems) = read_all(sources, Table::Clients, ClientReader::default());
    let (deals, deal_problems) = read_all(sources, Table::Deals, DealReader::default());
    let defined = &deals.seen;
    let (events, entries, reopenings) = std::thread::scope(|scope| {
        let events = scope.spawn(|| {
            read_all(
                sources,
                Table::StageEvents,
                EventReader::new(defined, stages),
            )
        });
        let entries =
            scope.spawn(|| read_all(sources, Table::TimeEntries, EntryReader::new(defined)));
        let reopenings = read_all(sources, Table::Reopenings, ReopeningReader::new(defined));
        (joined(events), joined(entries), reopenings)
    });
    // In table order, as one reader would have found them.
    let problems = [
        client_problems,
        deal_problems,
        events.1,
        entries.1,
        reopenings.1,
    ]
    .concat();
    let unresolved = [
        events.0.refs.unresolved,
        entries.0.refs.unresolved,
        reopenings.0.refs.unresolved,
    ]
    .concat();
    ParsedImport {
        ledger: Ledger {
            clients: clients.clients,
            deals: deals.deals,
            events: events.0.events,
            time_entries: entries.0.entries,
            reopenings: reopenings.0.reopenings,
        },
        problems,
        unresolved,
    }
}

/// What a reading thread returned; its panic, if it panicked, goes on here.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Checks one row of its table and keeps what it holds.
trait TableReader {
    fn read(&mut self, row: &mut Row);
}

/// Reads every source of `table`, in the order given, through `reader`; returns the reader with
/// what it kept, and the problems of the rows and of the files themselves.
fn read_all<R: TableReader>(sources: &[Source], table: Table, mut reader: R) -> (R, Vec<Problem>) {
    let columns = table.columns();
    let mut problems = Vec::new();
    for source in sources.iter().filter(|s| s.table == table) {
        let file: Arc<str> = Arc::from(source.name.as_str());
        let mut on_row = |line: u64, fields: &[Option<&str>]| {
            let mut row = Row {
                file: &file,
                line,
                fields,
                columns,
                problems: Vec::new(),
            };
            reader.read(&mut row);
            problems.append(&mut row.problems);
        };
        let result = match source.format {
            Format::Csv => for_each_csv_row(source, columns, &mut on_row),
            Format::Json => for_each_json_row(source, columns, &mut on_row),
        };
        if let Err(found) = result {
            problems.extend(found);
        }
    }
    (reader, problems)
}

/// Where each key of a table was first seen, to report a repeated row with both places. A map
/// looked up once or twice per row of a ledger of millions: foldhash rather than SipHash, which
/// took a twentieth of an import's time; seeded per process, since the files may come from
/// someone else.
type SeenMap<K> = HashMap<K, Place, foldhash::fast::RandomState>;

#[derive(Default)]
struct ClientReader {
    seen: SeenMap<String>,
    clients: Vec<Client>,
}

#[derive(Default)]
struct DealReader {
    /// Every deal id the import defines, even on rows with other problems, so that events of a
    /// deal whose row is broken are not reported a second time as "unknown deal". The rows that
    /// refer to a deal share its id from here rather than allocate one each.
    seen: SeenMap<DealId>,
    deals: Vec<Deal>,
}

/// The deals that rows of another table refer to.
struct DealRefs<'d> {
    defined: &'d SeenMap<DealId>,
    /// References to deals the import does not define, for [`ParsedImport::resolve`].
    unresolved: Vec<DealReference>,
}

struct EventReader<'d> {
    refs: DealRefs<'d>,
    stages: &'d Stages,
    events: Vec<StageEvent>,
}

impl<'d> EventReader<'d> {
    fn new(defined: &'d SeenMap<DealId>, stages: &'d Stages) -> Self {
        EventReader {
            refs: DealRefs::new(defined),
            stages,
            events: Vec::new(),
        }
    }
}

struct EntryReader<'d> {
    refs: DealRefs<'d>,
    seen: SeenMap<(DealId, Timestamp, TimeCategory)>,
    entries: Vec<TimeEntry>,
}

impl<'d> EntryReader<'d> {
    fn new(defined: &'d SeenMap<DealId>) -> Self {
        EntryReader {
            refs: DealRefs::new(defined),
            seen: SeenMap::default(),
            entries: Vec::new(),
        }
    }
}

struct ReopeningReader<'d> {
    refs: DealRefs<'d>,
    seen: SeenMap<(DealId, Timestamp)>,
    reopenings: Vec<Reopening>,
}

impl<'d> ReopeningReader<'d> {
    fn new(defined: &'d SeenMap<DealId>) -> Self {
        ReopeningReader {
            refs: DealRefs::new(defined),
            seen: SeenMap::default(),
            reopenings: Vec::new(),
        }
    }
}

/// The deal a row refers to, and whether the import itself defines it.
struct ReferredDeal {
    id: DealId,
    defined: bool,
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

impl TableReader for ClientReader {
    fn read(&mut self, row: &mut Row) {
        let name = row.parse_required(0, |s| Ok::<_, String>(s.trim().to_string()));
        let currency = row.parse_required(1, Currency::parse);
        let locale = row.parse_required(2, str::parse::<Lang>);
        let time_zone = row.parse_required(3, parse_time_zone);
        let platform = row.parse_optional(4, Platform::parse);
        if let Some(name) = &name {
            if let Some(first) = self.seen.get(name) {
                row.problem(
                    "name",
                    format!("duplicate client {name:?}: first at {first}"),
                );
                return;
            }
            self.seen.insert(name.clone(), row.here());
        }
        if let (Some(name), Some(currency), Some(locale), Some(time_zone), Ok(platform)) =
            (name, currency, locale, time_zone, platform)
            && row.problems.is_empty()
        {
            self.clients.push(Client {
                name,
                currency,
                locale,
                time_zone,
                platform,
            });
        }
    }
}

impl TableReader for DealReader {
    fn read(&mut self, row: &mut Row) {
        let id = row.parse_required(0, DealId::parse);
        if let Some(id) = &id {
            if let Some(first) = self.seen.get(id) {
                row.problem("id", format!("duplicate id {id}: first at {first}"));
                return;
            }
            self.seen.insert(id.clone(), row.here());
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
            self.deals.push(deal);
        } else {
            for (column, reason) in problems {
                row.problem(column, reason);
            }
        }
    }
}

impl<'d> DealRefs<'d> {
    fn new(defined: &'d SeenMap<DealId>) -> Self {
        DealRefs {
            defined,
            unresolved: Vec::new(),
        }
    }

    /// The deal in the row's first column: the very id of the deal the import defines when it
    /// does (a reference count, not an allocation per row), else the id as parsed, noted by
    /// [`Self::refer`] once the rest of the row is read.
    fn referred_deal(&self, row: &mut Row) -> Option<ReferredDeal> {
        match row
            .optional(0)
            .and_then(|text| self.defined.get_key_value(text))
        {
            Some((id, _)) => Some(ReferredDeal {
                id: id.clone(),
                defined: true,
            }),
            None => row
                .parse_required(0, DealId::parse)
                .map(|id| ReferredDeal { id, defined: false }),
        }
    }

    /// Notes a reference to a deal the import does not define, for [`ParsedImport::resolve`].
    fn refer(&mut self, row: &Row, deal: &ReferredDeal) {
        if !deal.defined {
            self.unresolved.push(DealReference {
                deal_id: deal.id.clone(),
                file: row.file.to_string(),
                line: row.line,
            });
        }
    }
}

impl TableReader for EventReader<'_> {
    fn read(&mut self, row: &mut Row) {
        let stages = self.stages;
        let deal = self.refs.referred_deal(row);
        let stage = row.parse_required(1, |s| stages.get(s).cloned());
        let entered_at = row.parse_required(2, parse_stored_instant);
        if let (Some(deal), Some(stage), Some(entered_at)) = (deal, stage, entered_at) {
            self.refs.refer(row, &deal);
            self.events.push(StageEvent {
                deal_id: deal.id,
                stage,
                entered_at,
            });
        }
    }
}

impl TableReader for EntryReader<'_> {
    fn read(&mut self, row: &mut Row) {
        let deal = self.refs.referred_deal(row);
        let started_at = row.parse_required(1, parse_stored_instant);
        let minutes = row.parse_required(2, parse_minutes);
        let category = row.parse_required(3, str::parse::<TimeCategory>);
        let note = row.optional(4).map(str::to_string);
        let (Some(deal), Some(started_at), Some(minutes), Some(category)) =
            (deal, started_at, minutes, category)
        else {
            return;
        };
        let deal_id = &deal.id;
        let key = (deal_id.clone(), started_at, category);
        if let Some(first) = self.seen.get(&key) {
            row.problem(
                "started_at",
                format!(
                    "duplicate time entry: deal {deal_id}, {category} at {started_at} is already at {first}"
                ),
            );
            return;
        }
        self.seen.insert(key, row.here());
        self.refs.refer(row, &deal);
        self.entries.push(TimeEntry {
            deal_id: deal.id,
            started_at,
            minutes,
            category,
            note,
        });
    }
}

impl TableReader for ReopeningReader<'_> {
    fn read(&mut self, row: &mut Row) {
        let deal = self.refs.referred_deal(row);
        let reopened_at = row.parse_required(1, parse_stored_instant);
        let reason = row.parse_required(2, |s| match s.trim() {
            "" => Err("a reopening needs a reason"),
            reason => Ok(reason.to_string()),
        });
        let outcome = row.parse_required(3, str::parse::<Outcome>);
        let closed_at = row.parse_required(4, parse_stored_instant);
        let lost_reason = row.optional(5).map(|s| s.trim().to_string());
        let (Some(deal), Some(reopened_at), Some(reason), Some(outcome), Some(closed_at)) =
            (deal, reopened_at, reason, outcome, closed_at)
        else {
            return;
        };
        let deal_id = &deal.id;
        let key = (deal_id.clone(), reopened_at);
        if let Some(first) = self.seen.get(&key) {
            row.problem(
                "reopened_at",
                format!(
                    "duplicate reopening: deal {deal_id} at {reopened_at} is already at {first}"
                ),
            );
            return;
        }
        self.seen.insert(key, row.here());
        let reopening = Reopening {
            deal_id: deal_id.clone(),
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
        self.refs.refer(row, &deal);
        self.reopenings.push(reopening);
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
        .from_reader(source.bytes.as_slice());
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
    // Bytes, each field checked to be UTF-8 by simdutf8: the notes of a large ledger are
    // hundreds of megabytes, mostly not ASCII, where the standard library's check took a
    // twelfth of an import (BENCHMARKS.md). A row's fields go in an array, not an allocation.
    let mut record = csv::ByteRecord::new();
    let mut problems = Vec::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let mut fields: [Option<&str>; MAX_COLUMNS] = [None; MAX_COLUMNS];
                let mut valid = true;
                for (i, &p) in positions.iter().enumerate() {
                    let bytes = record.get(p).unwrap_or_default();
                    fields[i] = match simdutf8::basic::from_utf8(bytes) {
                        Ok("") => None,
                        Ok(text) => Some(text),
                        Err(_) => {
                            problems.push(Problem {
                                file: source.name.clone(),
                                line,
                                column: columns[i].to_string(),
                                reason: "not valid UTF-8".to_string(),
                            });
                            valid = false;
                            None
                        }
                    };
                }
                if valid {
                    on_row(line, &fields[..positions.len()]);
                }
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
    let elements: Vec<&RawValue> = serde_json::from_slice(&source.bytes).map_err(|err| {
        vec![problem(
            err.line() as u64,
            format!("column {}", err.column()),
            format!("not a JSON array of objects: {err}"),
        )]
    })?;
    let base = source.bytes.as_ptr() as usize;
    let mut problems = Vec::new();
    let mut texts: Vec<Option<String>> = Vec::with_capacity(columns.len());
    for element in elements {
        let offset = element.get().as_ptr() as usize - base;
        let line = 1 + source.bytes[..offset]
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
