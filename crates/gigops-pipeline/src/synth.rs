//! A synthetic ledger for the demo and the benchmarks: the business of a freelance Go developer
//! (based in Shanghai) selling on Upwork, Toptal, 码市, open-source crowdsourcing platforms and
//! directly, over two years by default.
//!
//! The shape is what the analytics are meant to find: platforms differ in volume, currency,
//! value and win rate; enterprise clients (direct, 码市, Toptal) sit in legal review and approval
//! for weeks, so `legal_review` shows up as the bottleneck; better proposal assets win more
//! often, with noise; some retainers churn; deals near the end date are still open. The same
//! seed gives the same ledger.

use gigops_core::{
    Client, Currency, Deal, DealId, DealKind, Lang, Ledger, Money, Outcome, Platform, Score,
    StageEvent, StageName, Stages, TimeCategory, TimeEntry,
};
use jiff::Timestamp;
use jiff::civil::Date;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthSpec {
    pub deals: usize,
    pub seed: u64,
    /// The last calendar day (UTC) with any activity; nothing happens after it.
    pub end: Date,
    /// Deals are opened over this many days up to `end`.
    pub span_days: u32,
    /// Whether to log time on deals.
    pub time_entries: bool,
}

impl SynthSpec {
    /// `deals` deals opened over the two years up to `end`, with time entries.
    pub fn new(deals: usize, seed: u64, end: Date) -> Self {
        SynthSpec {
            deals,
            seed,
            end,
            span_days: 730,
            time_entries: true,
        }
    }
}

// Ranks in the default stages.
const LEAD: usize = 0;
const RESPONDED: usize = 1;
const PROPOSAL: usize = 2;
const LEGAL: usize = 3;
const APPROVAL: usize = 4;
const SIGNED: usize = 5;
const DELIVERED: usize = 6;

const HOUR: f64 = 3600.0;
const MAX_CLIENTS_PER_PLATFORM: usize = 2_500;
const DAY: i64 = 86_400;
/// The freelancer works from Shanghai (UTC+8, no DST), so a working hour is fixed arithmetic.
const HOME_OFFSET: i64 = 8 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Region {
    Us,
    Europe(&'static str, &'static str, Currency),
    Uk,
    Asia(&'static str),
}

struct Profile {
    platform: &'static str,
    /// Share of all deals.
    volume: f64,
    kinds: &'static [(DealKind, f64)],
    /// Median value in major units and log-spread, per kind (project, retainer, consulting,
    /// sponsorship).
    values: [(f64, f64); 4],
    /// Log-odds of winning at average asset scores.
    base_logit: f64,
    /// Chance that a deal goes through legal review, and through the client's approval.
    legal: f64,
    approval: f64,
    /// Where lost deals stop: lead, responded, proposal, legal_review, approval.
    drop: [f64; 5],
    /// Median hours in lead, responded, proposal, legal_review, approval.
    stay: [f64; 5],
    /// Billable rate the freelancer aims at, major units per hour.
    rate: f64,
    regions: &'static [(Region, f64)],
}

const US: Region = Region::Us;
const DE: Region = Region::Europe("Europe/Berlin", "GmbH", Currency::EUR);
const NL: Region = Region::Europe("Europe/Amsterdam", "B.V.", Currency::EUR);
const FR: Region = Region::Europe("Europe/Paris", "SAS", Currency::EUR);
const UK: Region = Region::Uk;
const SG: Region = Region::Asia("Asia/Singapore");
const CN: Region = Region::Asia("Asia/Shanghai");

const PROFILES: [Profile; 5] = [
    Profile {
        platform: "Upwork",
        volume: 0.34,
        kinds: &[
            (DealKind::Project, 0.65),
            (DealKind::Retainer, 0.15),
            (DealKind::Consulting, 0.20),
        ],
        values: [(2_500.0, 0.8), (6_000.0, 0.5), (900.0, 0.6), (500.0, 0.5)],
        base_logit: -1.0,
        legal: 0.0,
        approval: 0.7,
        drop: [0.12, 0.13, 0.58, 0.0, 0.17],
        stay: [18.0, 40.0, 70.0, 0.0, 30.0],
        rate: 90.0,
        regions: &[(US, 0.55), (UK, 0.15), (DE, 0.10), (NL, 0.05), (SG, 0.15)],
    },
    Profile {
        platform: "Toptal",
        volume: 0.12,
        kinds: &[
            (DealKind::Project, 0.40),
            (DealKind::Retainer, 0.45),
            (DealKind::Consulting, 0.15),
        ],
        values: [(10_000.0, 0.6), (24_000.0, 0.4), (2_400.0, 0.5), (0.0, 0.0)],
        base_logit: 0.1,
        legal: 0.85,
        approval: 0.6,
        drop: [0.05, 0.10, 0.35, 0.25, 0.25],
        stay: [30.0, 48.0, 90.0, 200.0, 70.0],
        rate: 150.0,
        regions: &[(US, 0.65), (UK, 0.15), (DE, 0.10), (FR, 0.10)],
    },
    Profile {
        platform: "码市",
        volume: 0.20,
        kinds: &[
            (DealKind::Project, 0.80),
            (DealKind::Retainer, 0.10),
            (DealKind::Consulting, 0.10),
        ],
        values: [(18_000.0, 0.7), (36_000.0, 0.4), (4_000.0, 0.5), (0.0, 0.0)],
        base_logit: -0.4,
        legal: 0.85,
        approval: 0.8,
        drop: [0.08, 0.12, 0.40, 0.22, 0.18],
        stay: [12.0, 40.0, 72.0, 330.0, 120.0],
        rate: 550.0,
        regions: &[(CN, 1.0)],
    },
    Profile {
        platform: "oss-crowdsourcing",
        volume: 0.14,
        kinds: &[
            (DealKind::Sponsorship, 0.60),
            (DealKind::Project, 0.35),
            (DealKind::Consulting, 0.05),
        ],
        values: [(2_500.0, 0.7), (6_000.0, 0.5), (1_200.0, 0.5), (600.0, 0.9)],
        base_logit: 0.3,
        legal: 0.0,
        approval: 0.4,
        drop: [0.10, 0.15, 0.65, 0.0, 0.10],
        stay: [36.0, 50.0, 96.0, 0.0, 48.0],
        rate: 75.0,
        regions: &[(US, 0.45), (DE, 0.25), (NL, 0.10), (UK, 0.10), (SG, 0.10)],
    },
    Profile {
        platform: "direct",
        volume: 0.20,
        kinds: &[
            (DealKind::Project, 0.45),
            (DealKind::Retainer, 0.35),
            (DealKind::Consulting, 0.20),
        ],
        values: [(18_000.0, 0.7), (18_000.0, 0.4), (3_500.0, 0.5), (0.0, 0.0)],
        base_logit: 0.0,
        legal: 0.95,
        approval: 0.85,
        drop: [0.05, 0.10, 0.35, 0.28, 0.22],
        stay: [48.0, 72.0, 120.0, 450.0, 220.0],
        rate: 180.0,
        regions: &[(US, 0.35), (DE, 0.25), (NL, 0.15), (UK, 0.10), (SG, 0.15)],
    },
];

/// Generates the ledger `spec` describes. Deterministic in `spec`.
pub fn synthetic_ledger(spec: &SynthSpec) -> Ledger {
    Generator::new(spec).run()
}

struct Generator<'a> {
    spec: &'a SynthSpec,
    rng: ChaCha8Rng,
    stage_names: Vec<StageName>,
    /// Exclusive upper bound of every instant, in seconds: midnight UTC after `end`.
    cutoff: i64,
    clients: Vec<Client>,
    /// Per profile: indices into `clients`.
    pools: Vec<Vec<usize>>,
    ledger: Ledger,
    /// (start, category) of the current deal's entries: a person logs one entry per category
    /// at an instant, and the ledger keys entries so.
    entry_keys: std::collections::HashSet<(i64, TimeCategory)>,
}

impl<'a> Generator<'a> {
    fn new(spec: &'a SynthSpec) -> Self {
        let cutoff = spec
            .end
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp().as_second())
            .unwrap_or(Timestamp::MAX.as_second());
        let stage_names = Stages::default().iter().cloned().collect();
        Generator {
            spec,
            rng: ChaCha8Rng::seed_from_u64(spec.seed),
            stage_names,
            cutoff,
            clients: Vec::new(),
            pools: Vec::new(),
            ledger: Ledger::default(),
            entry_keys: std::collections::HashSet::new(),
        }
    }

    fn run(mut self) -> Ledger {
        self.make_clients();
        let span = i64::from(self.spec.span_days.max(1)) * DAY;
        let start = self.cutoff - span;
        // Opening instants first, sorted, so that deal ids grow with time as a user's would.
        // Half uniform, half denser towards the end: the business grew.
        let mut opened: Vec<i64> = (0..self.spec.deals)
            .map(|_| {
                let u: f64 = self.rng.random();
                let u = if self.rng.random_bool(0.5) {
                    u
                } else {
                    u.sqrt()
                };
                start + ((span - 1) as f64 * u) as i64
            })
            .collect();
        opened.sort_unstable();
        let width = self.spec.deals.to_string().len().max(4);
        self.ledger.deals.reserve(opened.len());
        self.ledger.events.reserve(opened.len() * 5);
        for (i, &at) in opened.iter().enumerate() {
            let id = DealId::parse(&format!("D-{:0width$}", i + 1)).expect("valid deal id");
            self.make_deal(id, at);
        }
        self.ledger.clients = self.clients;
        self.ledger
    }

    fn make_clients(&mut self) {
        let mut english = english_names();
        let mut chinese = chinese_names();
        let mut oss = oss_names();
        shuffle(&mut self.rng, &mut english);
        shuffle(&mut self.rng, &mut chinese);
        shuffle(&mut self.rng, &mut oss);
        let (mut next_en, mut next_zh, mut next_oss) = (0, 0, 0);
        for profile in &PROFILES {
            // Repeat business: about 1.8 deals per client, at least a handful of clients; past
            // a few thousand clients a platform's names would run out, and a benchmark-sized
            // ledger only needs the volume.
            let wanted = ((self.spec.deals as f64 * profile.volume / 1.8).ceil() as usize)
                .clamp(3, MAX_CLIENTS_PER_PLATFORM);
            let mut pool = Vec::with_capacity(wanted);
            for _ in 0..wanted {
                let region = pick(&mut self.rng, profile.regions);
                let (names, next) = match (profile.platform, region) {
                    ("oss-crowdsourcing", _) => (&oss, &mut next_oss),
                    (_, CN) => (&chinese, &mut next_zh),
                    _ => (&english, &mut next_en),
                };
                let Some(stem) = names.get(*next) else {
                    break;
                };
                *next += 1;
                let (name, currency, locale, time_zone) = match region {
                    CN => (stem.clone(), Currency::CNY, Lang::ZhCn, "Asia/Shanghai"),
                    _ if profile.platform == "oss-crowdsourcing" => {
                        (stem.clone(), Currency::USD, Lang::En, region_zone(region))
                    }
                    Region::Us => (
                        format!("{stem} Inc."),
                        Currency::USD,
                        Lang::En,
                        us_zone(&mut self.rng),
                    ),
                    // The freelancer invoices British clients in US dollars.
                    Region::Uk => (
                        format!("{stem} Ltd"),
                        Currency::USD,
                        Lang::En,
                        "Europe/London",
                    ),
                    Region::Europe(zone, suffix, currency) => {
                        (format!("{stem} {suffix}"), currency, Lang::En, zone)
                    }
                    Region::Asia(zone) => {
                        (format!("{stem} Pte. Ltd."), Currency::USD, Lang::En, zone)
                    }
                };
                // Marketplaces settle in USD whatever the client's home currency.
                let currency = match profile.platform {
                    "Upwork" | "Toptal" | "oss-crowdsourcing" => Currency::USD,
                    _ => currency,
                };
                pool.push(self.clients.len());
                self.clients.push(Client {
                    name,
                    currency,
                    locale,
                    time_zone: time_zone.to_string(),
                    platform: Some(Platform::parse(profile.platform).expect("valid platform")),
                });
            }
            self.pools.push(pool);
        }
    }

    fn make_deal(&mut self, id: DealId, opened: i64) {
        let p = self.pick_profile();
        let profile = &PROFILES[p];
        let pool = &self.pools[p];
        // A few clients bring most of the repeat business.
        let u: f64 = self.rng.random();
        let client = &self.clients[pool[((pool.len() as f64) * u * u) as usize % pool.len()]];
        let (client_name, currency) = (client.name.clone(), client.currency);
        let kind = pick(&mut self.rng, profile.kinds);
        let (median, spread) = profile.values[kind_index(kind)];
        let major = lognormal(&mut self.rng, median, spread);
        let step = if currency == Currency::CNY {
            100.0
        } else {
            50.0
        };
        let major = ((major / step).round() * step).max(step * 2.0);
        let value = Money::new(major as i64 * currency.minor_per_major(), currency);

        // Proposal assets: a technical write-up, the GitHub profile shown, a demo.
        let tech = clamp01(0.55 + 0.18 * normal(&mut self.rng));
        let github = clamp01(0.60 + 0.20 * normal(&mut self.rng));
        let demo = clamp01(0.45 + 0.22 * normal(&mut self.rng));
        let logit = profile.base_logit
            + 3.0 * (tech - 0.55)
            + 1.5 * (github - 0.60)
            + 4.0 * (demo - 0.45)
            + if kind == DealKind::Sponsorship {
                0.4
            } else {
                0.0
            }
            + 0.8 * normal(&mut self.rng);
        let wins = self.rng.random::<f64>() < sigmoid(logit);
        let mut score = |value: f64, missing: f64| {
            (self.rng.random::<f64>() >= missing)
                .then(|| Score::new((value * 100.0).round() / 100.0).expect("score in [0, 1]"))
        };
        // A demo is the asset most often skipped.
        let tech_doc_score = score(tech, 0.08);
        let github_score = score(github, 0.05);
        let demo_score = score(demo, 0.15);

        let path = self.path(profile, wins);
        let mut times = Vec::with_capacity(path.len());
        times.push(opened);
        for &stage in &path[..path.len() - 1] {
            let next = times[times.len() - 1] + self.stay(profile, kind, stage);
            times.push(next);
        }
        let cutoff = self.cutoff;
        let recorded = times.iter().take_while(|&&t| t < cutoff).count();

        let (mut outcome, mut closed_at, mut lost_reason) = (Outcome::Open, None, None);
        if wins {
            let signed_at = times[path.iter().position(|&s| s == SIGNED).expect("signed")];
            if signed_at < cutoff {
                outcome = Outcome::Won;
                closed_at = Some(signed_at);
            }
        } else {
            let last = *path.last().expect("a path has a lead");
            let reason = lost_reason_for(&mut self.rng, last);
            let wait = match reason {
                Some("no response") => self.rng.random_range(10..21) * DAY,
                _ => self.rng.random_range(HOUR as i64..5 * DAY),
            };
            let closed = times[times.len() - 1] + wait;
            if closed < cutoff {
                outcome = Outcome::Lost;
                closed_at = Some(closed);
                lost_reason = reason.map(str::to_string);
            }
        }
        // A retainer ends some months in; the sale was won, the relationship churned.
        if outcome == Outcome::Won
            && kind == DealKind::Retainer
            && let Some(signed) = closed_at
            && self.rng.random_bool(0.4)
        {
            let ended = signed + (lognormal(&mut self.rng, 150.0, 0.6) * DAY as f64) as i64;
            if ended < cutoff {
                outcome = Outcome::Lost;
                closed_at = Some(ended);
                lost_reason = churn_reason(&mut self.rng).map(str::to_string);
            }
        }

        for (&stage, &at) in path.iter().zip(&times).take(recorded) {
            self.ledger.events.push(StageEvent {
                deal_id: id.clone(),
                stage: self.stage_names[stage].clone(),
                entered_at: instant(at),
            });
        }
        if self.spec.time_entries {
            self.log_time(&id, profile, value, outcome, &path, &times, recorded);
        }
        self.ledger.deals.push(Deal {
            id,
            client: client_name,
            platform: Platform::parse(profile.platform).expect("valid platform"),
            kind,
            value,
            opened_at: instant(opened),
            outcome,
            closed_at: closed_at.map(instant),
            lost_reason,
            tech_doc_score,
            github_score,
            demo_score,
        });
    }

    fn pick_profile(&mut self) -> usize {
        let weights: Vec<(usize, f64)> = PROFILES.iter().map(|p| p.volume).enumerate().collect();
        pick(&mut self.rng, &weights)
    }

    /// The stages a deal will pass through, in order, up to where it ends.
    fn path(&mut self, profile: &Profile, wins: bool) -> Vec<usize> {
        let mut path = vec![LEAD, RESPONDED, PROPOSAL];
        let legal = self.rng.random_bool(profile.legal);
        if legal {
            path.push(LEGAL);
            // Redlines send the proposal back for a revision, sometimes twice.
            while self.rng.random_bool(0.5) && path.len() < 10 {
                path.extend([PROPOSAL, LEGAL]);
            }
        }
        if self.rng.random_bool(profile.approval) {
            path.push(APPROVAL);
        }
        path.extend([SIGNED, DELIVERED]);
        if wins {
            return path;
        }
        // A lost deal stops at one of the stages before signing.
        let present: Vec<(usize, f64)> = [LEAD, RESPONDED, PROPOSAL, LEGAL, APPROVAL]
            .into_iter()
            .filter(|s| path.contains(s))
            .map(|s| (s, profile.drop[s]))
            .collect();
        let stop = pick(&mut self.rng, &present);
        let end = path.iter().rposition(|&s| s == stop).expect("present");
        path.truncate(end + 1);
        path
    }

    /// Seconds a deal stays at `stage` before its next event.
    fn stay(&mut self, profile: &Profile, kind: DealKind, stage: usize) -> i64 {
        let (median_hours, spread) = match stage {
            LEAD..=APPROVAL => (profile.stay[stage], 0.7),
            // Signed → first delivery: kick-off and the first milestone or monthly report.
            _ => match kind {
                DealKind::Project => (200.0, 0.5),
                DealKind::Retainer => (260.0, 0.4),
                DealKind::Consulting => (60.0, 0.5),
                DealKind::Sponsorship => (120.0, 0.5),
            },
        };
        ((lognormal(&mut self.rng, median_hours, spread) * HOUR) as i64).max(300)
    }

    #[allow(clippy::too_many_arguments)]
    fn log_time(
        &mut self,
        id: &DealId,
        profile: &Profile,
        value: Money,
        outcome: Outcome,
        path: &[usize],
        times: &[i64],
        recorded: usize,
    ) {
        self.entry_keys.clear();
        let signed = path
            .iter()
            .position(|&s| s == SIGNED)
            .filter(|&i| i < recorded);
        match signed {
            // Delivery: the value at the target rate, give or take how the work went.
            Some(i) if outcome != Outcome::Open => {
                let major = value.minor as f64 / value.currency.minor_per_major() as f64;
                let hours =
                    (major / profile.rate * lognormal(&mut self.rng, 1.0, 0.35)).clamp(1.0, 600.0);
                let sessions = ((hours / 5.0).ceil() as usize).clamp(1, 30);
                let minutes_each = (hours * 60.0 / sessions as f64).round().max(15.0);
                // Some negotiation before signing, the work after it at ~2.5 h a day (other
                // deals run alongside).
                let start = times[i.saturating_sub(1)];
                let days = ((hours / 2.5).ceil() as i64).max(2);
                for _ in 0..sessions {
                    let category = pick(&mut self.rng, WORK_MIX);
                    let at = if category == TimeCategory::Negotiation {
                        start + self.rng.random_range(0..DAY)
                    } else {
                        times[i] + self.rng.random_range(0..days) * DAY
                    };
                    let jitter = self.rng.random_range(-30..=30) as f64;
                    let minutes = (minutes_each + jitter).clamp(15.0, 480.0) as u32;
                    self.push_entry(id, at, minutes, category);
                }
            }
            // Lost after a proposal: the calls and back-and-forth that did not pay off.
            _ if outcome == Outcome::Lost && path.contains(&PROPOSAL) => {
                let at = times[path.iter().position(|&s| s == PROPOSAL).expect("proposal")];
                for _ in 0..self.rng.random_range(1..=3) {
                    let category = if self.rng.random_bool(0.6) {
                        TimeCategory::Negotiation
                    } else {
                        TimeCategory::Communication
                    };
                    let minutes = self.rng.random_range(2..=6) * 15;
                    let day = self.rng.random_range(0..3) * DAY;
                    self.push_entry(id, at + day, minutes, category);
                }
            }
            _ => {}
        }
    }

    /// An entry on the day of `around`, in Shanghai working hours.
    fn push_entry(&mut self, id: &DealId, around: i64, minutes: u32, category: TimeCategory) {
        let local_day = (around + HOME_OFFSET).div_euclid(DAY) * DAY;
        let hour = self.rng.random_range(9..21);
        let minute = self.rng.random_range(0..4) * 15;
        let mut at = local_day - HOME_OFFSET + hour * 3600 + minute * 60;
        while self.entry_keys.contains(&(at, category)) {
            at += 15 * 60;
        }
        if at >= self.cutoff {
            return;
        }
        self.entry_keys.insert((at, category));
        let note = self
            .rng
            .random_bool(0.15)
            .then(|| NOTES[self.rng.random_range(0..NOTES.len())].to_string());
        self.ledger.time_entries.push(TimeEntry {
            deal_id: id.clone(),
            started_at: instant(at),
            minutes,
            category,
            note,
        });
    }
}

const WORK_MIX: &[(TimeCategory, f64)] = &[
    (TimeCategory::Coding, 0.55),
    (TimeCategory::Testing, 0.15),
    (TimeCategory::Communication, 0.12),
    (TimeCategory::Docs, 0.08),
    (TimeCategory::Admin, 0.05),
    (TimeCategory::Negotiation, 0.05),
];

const NOTES: &[&str] = &[
    "gRPC service skeleton",
    "table-driven tests",
    "race detector findings",
    "Postgres migrations",
    "CI pipeline",
    "benchmarks with benchstat",
    "README and API docs",
    "client call",
    "code review",
    "需求沟通",
];

fn lost_reason_for(rng: &mut ChaCha8Rng, stage: usize) -> Option<&'static str> {
    if rng.random_bool(0.08) {
        return None;
    }
    let table: &[(&str, f64)] = match stage {
        LEAD => &[
            ("no response", 0.70),
            ("chose another freelancer", 0.20),
            ("budget cut", 0.10),
        ],
        RESPONDED => &[
            ("no response", 0.30),
            ("chose another freelancer", 0.35),
            ("price too high", 0.20),
            ("timeline too short", 0.15),
        ],
        PROPOSAL => &[
            ("price too high", 0.35),
            ("chose another freelancer", 0.30),
            ("scope changed", 0.15),
            ("timeline too short", 0.10),
            ("no response", 0.10),
        ],
        LEGAL => &[
            ("contract terms not agreed", 0.35),
            ("scope changed", 0.25),
            ("budget cut", 0.25),
            ("no response", 0.15),
        ],
        _ => &[
            ("budget cut", 0.45),
            ("project postponed", 0.25),
            ("chose another freelancer", 0.20),
            ("price too high", 0.10),
        ],
    };
    Some(pick(rng, table))
}

fn churn_reason(rng: &mut ChaCha8Rng) -> Option<&'static str> {
    if rng.random_bool(0.05) {
        return None;
    }
    Some(pick(
        rng,
        &[
            ("hired in-house", 0.30),
            ("budget cut", 0.25),
            ("project wound down", 0.25),
            ("moved to an agency", 0.10),
            ("rate increase declined", 0.10),
        ],
    ))
}

fn kind_index(kind: DealKind) -> usize {
    match kind {
        DealKind::Project => 0,
        DealKind::Retainer => 1,
        DealKind::Consulting => 2,
        DealKind::Sponsorship => 3,
    }
}

fn region_zone(region: Region) -> &'static str {
    match region {
        Region::Us => "America/New_York",
        Region::Europe(zone, _, _) | Region::Asia(zone) => zone,
        Region::Uk => "Europe/London",
    }
}

fn us_zone(rng: &mut ChaCha8Rng) -> &'static str {
    pick(
        rng,
        &[
            ("America/New_York", 0.45),
            ("America/Chicago", 0.20),
            ("America/Denver", 0.10),
            ("America/Los_Angeles", 0.25),
        ],
    )
}

fn english_names() -> Vec<String> {
    const FIRST: [&str; 40] = [
        "Northwind",
        "Bluefin",
        "Kestrel",
        "Harbor",
        "Cobalt",
        "Juniper",
        "Atlas",
        "Meridian",
        "Quill",
        "Tidewater",
        "Granite",
        "Lumen",
        "Saffron",
        "Redwood",
        "Halcyon",
        "Ironbark",
        "Beacon",
        "Copperline",
        "Driftwood",
        "Evergreen",
        "Foxglove",
        "Glasshouse",
        "Highland",
        "Inkwell",
        "Larkspur",
        "Moonrise",
        "Nimbus",
        "Orchard",
        "Pinecrest",
        "Riverstone",
        "Silverleaf",
        "Tamarack",
        "Upland",
        "Vantage",
        "Westbrook",
        "Yellowpine",
        "Zephyr",
        "Alder",
        "Brightwater",
        "Cinder",
    ];
    const MIDDLE: [&str; 12] = [
        "Cloud", "Data", "Digital", "Health", "Freight", "Energy", "Retail", "Media", "Travel",
        "Finance", "Mobility", "Learning",
    ];
    const LAST: [&str; 30] = [
        "Analytics",
        "Logistics",
        "Labs",
        "Systems",
        "Payments",
        "Robotics",
        "Networks",
        "Software",
        "Technologies",
        "Solutions",
        "Platforms",
        "Security",
        "Insights",
        "Dynamics",
        "Interactive",
        "Ventures",
        "Works",
        "Studio",
        "Partners",
        "Group",
        "Commerce",
        "Devices",
        "Sensors",
        "Telematics",
        "Genomics",
        "Markets",
        "Exchange",
        "Foods",
        "Biotech",
        "Games",
    ];
    let mut names = Vec::new();
    for first in FIRST {
        for last in LAST {
            names.push(format!("{first} {last}"));
        }
    }
    for first in FIRST {
        for middle in MIDDLE {
            for last in LAST {
                names.push(format!("{first} {middle} {last}"));
            }
        }
    }
    names
}

fn chinese_names() -> Vec<String> {
    const CITY: [&str; 12] = [
        "杭州", "深圳", "北京", "上海", "成都", "南京", "武汉", "苏州", "广州", "西安", "厦门",
        "合肥",
    ];
    const BRAND: [&str; 24] = [
        "云栈", "微芯", "数澜", "青藤", "极光", "星火", "蓝鲸", "知行", "易达", "睿思", "启明",
        "天枢", "智汇", "云帆", "鼎新", "华信", "码动", "优联", "飞鸿", "博远", "数智", "芯河",
        "安途", "嘉禾",
    ];
    const TRADE: [&str; 6] = [
        "科技",
        "信息技术",
        "网络科技",
        "数据服务",
        "软件",
        "智能科技",
    ];
    let mut names = Vec::new();
    for city in CITY {
        for brand in BRAND {
            for trade in TRADE {
                names.push(format!("{city}{brand}{trade}有限公司"));
            }
        }
    }
    names
}

fn oss_names() -> Vec<String> {
    const STEM: [&str; 12] = [
        "gopher", "kube", "proto", "stream", "trace", "mesh", "cache", "queue", "vault", "lint",
        "bench", "sql",
    ];
    const TAIL: [&str; 10] = [
        "kit", "flow", "hub", "forge", "lens", "pipe", "guard", "sync", "store", "scope",
    ];
    const KIND: [&str; 3] = ["maintainers", "collective", "foundation"];
    let mut names = Vec::new();
    for stem in STEM {
        for tail in TAIL {
            for kind in KIND {
                names.push(format!("{stem}{tail} {kind}"));
            }
        }
    }
    names
}

fn instant(second: i64) -> Timestamp {
    Timestamp::from_second(second).expect("instants stay within jiff's range")
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, f64)]) -> T {
    let total: f64 = weighted.iter().map(|w| w.1).sum();
    let mut x = rng.random::<f64>() * total;
    for &(item, weight) in weighted {
        if x < weight {
            return item;
        }
        x -= weight;
    }
    weighted[weighted.len() - 1].0
}

fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn lognormal(rng: &mut ChaCha8Rng, median: f64, spread: f64) -> f64 {
    median * (spread * normal(rng)).exp()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}
