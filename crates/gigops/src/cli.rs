//! Every command and flag, defined once; help and shell completions are generated from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use gigops_core::{DealKind, Lang, Outcome, TimeCategory};

#[derive(Debug, Parser)]
#[command(
    name = "gigops",
    version,
    about = "Runs the business of an independent developer: deals, quotes, contracts, delivery evidence, SLAs and invoices.",
    propagate_version = true
)]
pub struct Cli {
    /// The ledger: a SQLite file path or a postgres:// URL [default: gigops.db in the data directory]
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub db: Option<String>,

    /// An extra config file, read after ~/.config/gigops/config.toml and ./gigops.toml
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print data as JSON (stable keys, documented in docs/) instead of a table
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a demo workspace with a generated two-year ledger and write its reports
    Demo(DemoArgs),
    /// Clients: who pays, in which currency and language
    #[command(subcommand)]
    Client(ClientCommand),
    /// Deals: add, list, show, move through stages, close
    #[command(subcommand)]
    Deal(DealCommand),
    /// Time entries on deals
    #[command(subcommand)]
    Time(TimeCommand),
    /// Import ledger CSV/JSON files (deals, stage_events, time_entries, clients), all or nothing
    Import(ImportArgs),
    /// Export the ledger as CSV or JSON files into a directory
    Export(ExportArgs),
    /// Reports over the ledger
    #[command(subcommand)]
    Report(ReportCommand),
    /// The database: migrations, backup
    #[command(subcommand)]
    Db(DbCommand),
    /// Delivery gate: test, coverage, lint and benchmark output → a verdict and a client report
    #[command(subcommand)]
    Gate(GateCommand),
    /// Quotes: size, function points, effort ranges and a price range the client can audit
    #[command(subcommand)]
    Quote(QuoteCommand),
    /// A proposal for a client: scope, architecture, API contract, benchmark evidence, estimate
    /// ranges and the price with every factor, as self-contained HTML and a PDF
    Proposal(Box<ProposalArgs>),
    /// Statements of work: write, check, compare, render, sign and verify a SOW file, export its
    /// service levels, attach it to a deal (docs/contracts.md)
    #[command(subcommand)]
    Sow(SowCommand),
    /// Evaluate a milestone's acceptance items against delivery evidence, record the verdict
    /// and render the acceptance checklist; exit 1 when the milestone is not accepted
    Accept(Box<AcceptArgs>),
    /// Milestones accepted and ready to invoice
    Milestones {
        /// Only this deal's milestones [default: every deal's]
        #[arg(long, value_name = "DEAL")]
        deal: Option<String>,
    },
    /// Settings
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Directory of the demo workspace [default: demo/ in the data directory]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Number of deals to generate
    #[arg(long, default_value_t = 150)]
    pub deals: usize,
    /// Seed of the generator: the same seed and date give the same ledger
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Last day of the generated two years [default: today, UTC]
    #[arg(long, value_name = "DATE")]
    pub end: Option<jiff::civil::Date>,
    /// Skip the PDF renderings
    #[arg(long)]
    pub no_pdf: bool,
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Add a client
    Add {
        /// The client's name, as documents address them
        name: String,
        /// The currency of their deals, ISO 4217 (USD, EUR, CNY, …)
        #[arg(long)]
        currency: String,
        /// The language of their documents: en or zh-CN
        #[arg(long, default_value = "en")]
        locale: Lang,
        /// Their IANA time zone, e.g. Asia/Shanghai
        #[arg(long, default_value = "UTC")]
        time_zone: String,
        /// Where they came from: Upwork, Toptal, 码市, direct, … (kept as written)
        #[arg(long)]
        platform: Option<String>,
    },
    /// List clients
    List,
    /// Show one client
    Show {
        /// The client's name
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DealCommand {
    /// Add a deal (its client is created when missing)
    Add(DealAddArgs),
    /// List deals
    List {
        /// Only deals of this platform (whatever the case of its letters)
        #[arg(long)]
        platform: Option<String>,
        /// Only deals with this outcome: open, won or lost
        #[arg(long)]
        outcome: Option<Outcome>,
    },
    /// Show a deal with its stage history, reopenings and time entries
    Show {
        /// The deal's id
        id: String,
    },
    /// Record that a deal entered a stage (a won deal only goes on to delivery; a lost one
    /// nowhere)
    Move {
        /// The deal's id
        id: String,
        /// One of the configured stages (lead, responded, proposal, …)
        stage: String,
        /// When [default: now]
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
    },
    /// Close a deal won or lost (a won retainer closed lost has ended); a closed deal is not
    /// closed again
    Close {
        /// The deal's id
        id: String,
        /// won or lost
        #[arg(value_parser = ["won", "lost"])]
        outcome: String,
        /// When [default: now]
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        /// Why it was lost (or, for a retainer that ended, why it ended)
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reopen a closed deal, saying why: it is open again, and how it had closed is kept
    Reopen {
        /// The deal's id
        id: String,
        /// Why it is reopened (shown in `deal show`)
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// When [default: now]
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct DealAddArgs {
    /// Deal id, e.g. D-0042
    #[arg(long)]
    pub id: String,
    /// The client's name; a new client is created with the deal's currency
    #[arg(long)]
    pub client: String,
    /// Upwork, Toptal, 码市, oss-crowdsourcing, direct, … (kept as written; the case of its
    /// letters does not make another platform)
    #[arg(long)]
    pub platform: String,
    /// project, retainer, consulting or sponsorship
    #[arg(long, default_value = "project")]
    pub kind: DealKind,
    /// Value in major units, e.g. 4800.00
    #[arg(long)]
    pub value: String,
    /// ISO 4217 currency of the value (USD, EUR, CNY, …)
    #[arg(long)]
    pub currency: String,
    /// When the deal was opened [default: now]
    #[arg(long, value_name = "DATE")]
    pub opened_at: Option<String>,
    /// The stage it starts in [default: the first configured stage]
    #[arg(long)]
    pub stage: Option<String>,
    /// How good the technical document sent with the proposal was, 0 to 1
    #[arg(long, value_name = "0..1")]
    pub tech_doc_score: Option<String>,
    /// How good the GitHub profile shown was, 0 to 1
    #[arg(long, value_name = "0..1")]
    pub github_score: Option<String>,
    /// How good the demo shown was, 0 to 1
    #[arg(long, value_name = "0..1")]
    pub demo_score: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TimeCommand {
    /// Log time on a deal
    Add {
        /// The deal's id
        deal: String,
        /// Minutes spent, more than 0
        #[arg(long, allow_negative_numbers = true)]
        minutes: String,
        /// coding, communication, testing, docs, negotiation or admin
        #[arg(long)]
        category: TimeCategory,
        /// When the work started [default: now]
        #[arg(long, value_name = "DATE")]
        at: Option<String>,
        /// What it was for
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files (deals.csv, stage_events.json, …) or directories holding them
    #[arg(required = true, value_name = "DIR_OR_FILES")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// CSV with a header row
    Csv,
    /// A JSON array of objects
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The directory to write clients, deals, stage_events, time_entries and reopenings into
    pub dir: PathBuf,
    /// The files' format
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
}

#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// Deals opened on or after this date
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Deals opened on or before this date (a bare date includes the whole day)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only deals of this platform (whatever the case of its letters)
    #[arg(long)]
    pub platform: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Funnel, time in stage, bottlenecks, win rates, lost reasons, value bands, time and drivers
    Pipeline(ScopeArgs),
    /// The pipeline analytics as a self-contained HTML document and a PDF
    Market {
        #[command(flatten)]
        scope: ScopeArgs,
        /// The report's language: en or zh-CN [default: report.lang]
        #[arg(long)]
        lang: Option<Lang>,
        /// Output file(s); the format follows the extension (.html or .pdf)
        /// [default: market-report.html and market-report.pdf]
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending migrations (also done automatically on every start) and show counts
    Migrate,
    /// Copy a live SQLite store consistently to FILE
    Backup {
        /// The copy to write
        file: PathBuf,
        /// Replace FILE if it exists
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum GateCommand {
    /// Read test, coverage, findings and benchmark files (`-` for stdin) and judge them
    Ingest {
        /// Input files; criterion's output directory is read as a whole
        #[arg(value_name = "FILE", required = true)]
        inputs: Vec<PathBuf>,
        /// The tests were a part of the suite (a filter, some packages): why, recorded in the
        /// summary's `selection` so that acceptance of a whole-suite item refuses the run
        #[arg(long, value_name = "WHY")]
        partial: Vec<String>,
        #[command(flatten)]
        gate: GateArgs,
    },
    /// Run a command, read what it prints (and the --input files it writes), and judge it
    Run {
        /// Files the command writes, read after it ends (JUnit reports, coverage profiles,
        /// SARIF, …); a file the command did not write in this run is not evidence of it
        #[arg(long = "input", value_name = "FILE")]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        gate: GateArgs,
        /// The command and its arguments, after `--`
        #[arg(required = true, last = true, value_name = "CMD")]
        command: Vec<String>,
    },
    /// Fill the deliverables checklist from a gate summary and render it as HTML and PDF
    Deliverables(DeliverablesArgs),
    /// Coverage, tests, findings and debt of a deal's recorded gate runs over time
    Trend {
        /// The deal whose runs to show
        #[arg(long)]
        deal: String,
        /// Only the runs recorded against this milestone
        #[arg(long)]
        milestone: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct DeliverablesArgs {
    /// A gate run's summary.json
    #[arg(long, value_name = "FILE")]
    pub summary: PathBuf,
    /// Your own Markdown template [default: the embedded one of --lang]
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// The version delivered [default: the summary's `git describe`]
    #[arg(long, value_name = "VERSION")]
    pub release: Option<String>,
    /// The project's name, for the title
    #[arg(long)]
    pub project: Option<String>,
    /// The checklist's language: en or zh-CN [default: report.lang]
    #[arg(long)]
    pub lang: Option<Lang>,
    /// Write deliverables.md, .html and .pdf into DIR (all or none)
    #[arg(short = 'o', long = "output", value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    /// Skip the PDF
    #[arg(long)]
    pub no_pdf: bool,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The format of every input, instead of detecting it: gotest, junit, tap, gocover, lcov,
    /// cobertura, sarif, checkstyle, gobench, criterion
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Write report.html, summary.json, summary.md and junit.xml into DIR (all or none)
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Also write the report as report.pdf into the --output DIR (in zh-CN it needs a
    /// Chinese font installed)
    #[arg(long, requires = "output")]
    pub pdf: bool,
    /// Language of the HTML report and the Markdown summary
    #[arg(long)]
    pub lang: Option<Lang>,
    /// The project's root: git history, go.mod/Cargo.toml and code size are read here
    /// [default: where `gate run`'s command ran, else found from the inputs (docs/gate.md)]
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// A previous run's summary.json, for the coverage-drop rule [default: gate.baseline]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Old benchmark results (Go benchmark text, go test -json, or a criterion directory)
    #[arg(long = "bench-baseline", value_name = "FILE")]
    pub bench_baseline: Vec<PathBuf>,
    /// The git revision patch coverage is measured from [default: gate.patch_base]
    #[arg(long, value_name = "REV")]
    pub patch_base: Option<String>,
    /// Skip technical debt (code size and git history)
    #[arg(long)]
    pub no_debt: bool,
    /// Send the summary to the channels configured under [notify]
    #[arg(long)]
    pub notify: bool,
    /// The deal the run is evidence for; its latest recorded run (of any milestone) is the
    /// coverage baseline when no other is given
    #[arg(long)]
    pub deal: Option<String>,
    /// The contract milestone the run is evidence for
    #[arg(long, requires = "deal")]
    pub milestone: Option<String>,
    /// Save the summary in the ledger against --deal (and --milestone)
    #[arg(long, requires = "deal")]
    pub record: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the merged settings, secrets masked
    Show,
}

#[derive(Debug, Subcommand)]
pub enum QuoteCommand {
    /// Size, count, estimate and price a piece of work (docs/quote.md)
    Estimate {
        #[command(flatten)]
        args: Box<QuoteEstimateArgs>,
        /// Save the quote in the ledger as the next version of this deal's quote
        #[arg(long, value_name = "DEAL")]
        deal: Option<String>,
    },
    /// Print the JSON Schema of the requirements spec (--spec)
    Schema,
    /// List the saved quotes, of one deal or of all
    List {
        /// Only this deal's quotes
        #[arg(long, value_name = "DEAL")]
        deal: Option<String>,
    },
    /// Show a saved quote: the latest version, or the one given
    Show {
        /// The deal's id
        deal: String,
        /// The version [default: the latest]
        #[arg(value_name = "VERSION")]
        number: Option<u32>,
    },
    /// Mark a version of a deal's quote accepted by the client (and no other version)
    Accept {
        /// The deal's id
        deal: String,
        /// The version accepted
        #[arg(value_name = "VERSION")]
        number: u32,
        /// When it was accepted [default: now]
        #[arg(long, value_name = "INSTANT")]
        at: Option<String>,
    },
    /// Fit hours per function point and a COCOMO II multiplier to your delivered deals: what
    /// their quotes said against the hours logged on them
    Calibrate,
}

#[derive(Debug, Args)]
pub struct QuoteEstimateArgs {
    /// A repository to size with tokei (extension or migration work)
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Only these paths of the repository are in scope (files or directories, relative to it)
    #[arg(long = "scope", value_name = "PATH", requires = "repo")]
    pub scope: Vec<PathBuf>,
    /// A requirements spec: data, inputs, outputs and inquiries (`gigops quote schema`)
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// An OpenAPI 3.0 or 3.1 document, YAML or JSON
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// Rate a general system characteristic 0–5 (default 3), e.g. performance=4
    #[arg(long = "gsc", value_name = "NAME=RATING")]
    pub gsc: Vec<String>,
    /// Rate a COCOMO II driver (default nominal), e.g. RELY=high, PMAT=very_high
    #[arg(long = "rating", value_name = "DRIVER=LEVEL")]
    pub ratings: Vec<String>,
    /// The language to backfire lines to or from [default: quote.language, or the spec's]
    #[arg(long)]
    pub language: Option<String>,
    /// The service tier asked for: bronze, silver, gold (or one configured under quote.tiers)
    #[arg(long, value_name = "TIER")]
    pub sla_tier: Option<String>,
    /// The technical-debt ratio of the code inherited (0.04 is 4 %)
    #[arg(long, value_name = "RATIO", conflicts_with = "gate_summary")]
    pub debt_ratio: Option<f64>,
    /// A `gigops gate` summary.json to take the debt ratio from
    #[arg(long, value_name = "FILE")]
    pub gate_summary: Option<PathBuf>,
    /// A risk register: YAML list of {name, probability, impact_hours}
    #[arg(long, value_name = "FILE")]
    pub risks: Option<PathBuf>,
    /// The platform the work is sold on, for its fee: upwork, toptal, 码市, direct, …
    #[arg(long)]
    pub platform: Option<String>,
    /// Seed of the Monte Carlo: the same seed and inputs give the same range
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The currency to quote in [default: the deal's with --deal, else quote.currency]
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    /// Converts the rate card when the quote's currency is not quote.currency: 1 unit of
    /// quote.currency = RATE of the quote's (7.1 for USD to CNY)
    #[arg(long, value_name = "RATE")]
    pub exchange_rate: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProposalArgs {
    #[command(flatten)]
    pub quote: QuoteEstimateArgs,
    /// The architecture diagram: a Mermaid-style flowchart (docs/quote.md, "Architecture diagram")
    #[arg(long, value_name = "FILE")]
    pub diagram: Option<PathBuf>,
    /// Benchmark evidence: a `gigops gate … -o DIR` directory (its summary.json and
    /// benchmarks.json), or one of those files
    #[arg(long, value_name = "DIR_OR_FILE")]
    pub bench_summary: Option<PathBuf>,
    /// What the work is, in Markdown (`--scope` names the repository paths in scope)
    #[arg(long, value_name = "FILE.md")]
    pub scope_doc: Option<PathBuf>,
    /// Assumptions of your own, in Markdown, added to gigops's
    #[arg(long, value_name = "FILE.md")]
    pub assumptions: Option<PathBuf>,
    /// The client's name, as the proposal addresses it
    #[arg(long, value_name = "NAME")]
    pub client: Option<String>,
    /// The document's title [default: "Proposal" in the document's language]
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The issue date; the quote's validity runs from it [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<jiff::civil::Date>,
    /// The proposal's language: en or zh-CN [default: report.lang]
    #[arg(long)]
    pub lang: Option<Lang>,
    /// Output file(s); the format follows the extension (.html or .pdf)
    /// [default: proposal.html and proposal.pdf; none with --json]
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SowCommand {
    /// Write a commented SOW template to fill in
    New {
        /// Language of the template's comments and sample text
        #[arg(long, default_value = "en")]
        lang: Lang,
        /// Write here instead of stdout (refused if the file exists)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check a SOW: its structure and its meaning, every problem at once; exit 2 when any
    Check {
        /// The SOW file (YAML)
        file: PathBuf,
    },
    /// Print the JSON Schema of the SOW file
    Schema,
    /// What changed between two versions of a SOW, by meaning: the basis of a change request
    Diff {
        /// The earlier version of the SOW
        old: PathBuf,
        /// The later version
        new: PathBuf,
    },
    /// Render a SOW as self-contained HTML, PDF, Markdown or its JSON model (by the file name's
    /// extension)
    Render {
        /// The SOW file (YAML)
        file: PathBuf,
        /// Where to write: .html, .pdf, .md or .json; repeatable [default: sow.html and sow.pdf]
        #[arg(short, long, value_name = "FILE")]
        output: Vec<PathBuf>,
        /// The document's language: en or zh-CN [default: the SOW's governing language]
        #[arg(long)]
        lang: Option<Lang>,
        /// Signatures to show in the signature block [default: FILE.signatures.json if present]
        #[arg(long, value_name = "FILE")]
        signatures: Option<PathBuf>,
        /// Who may sign under which name (an OpenSSH allowed_signers file): a signature is shown
        /// as valid only when it verifies against it [default: none, every signature unverified]
        #[arg(long, value_name = "FILE")]
        allowed_signers: Option<PathBuf>,
    },
    /// Sign a SOW with an SSH key: the signer, the role, the time and the SHA-256 of the SOW and
    /// of its rendered document, signed in OpenSSH's SSHSIG format (namespace gigops-sow), into
    /// FILE.signatures.json (and the ledger with --deal)
    Sign(SignArgs),
    /// Check every signature of a SOW: made by a key allowed to sign under the signer's name,
    /// over this SOW file and its document as they are now; exit 1 when any is not, or none
    Verify {
        /// The SOW file (YAML)
        file: PathBuf,
        /// Who may sign under which name: an OpenSSH allowed_signers file
        #[arg(long, value_name = "FILE")]
        allowed_signers: PathBuf,
        /// The signatures to check [default: FILE.signatures.json]
        #[arg(long, value_name = "FILE")]
        signatures: Option<PathBuf>,
        /// Also compare with the signatures the ledger recorded for this deal's SOW
        #[arg(long, value_name = "DEAL")]
        deal: Option<String>,
    },
    /// Export the service levels for the SLA monitor and other tools
    Slo {
        /// The SOW file (YAML)
        file: PathBuf,
        /// The format to export
        #[arg(long, value_enum, default_value_t = SloFormat::Openslo)]
        format: SloFormat,
    },
    /// Attach a SOW to a deal as its next version
    Attach {
        /// The SOW file (YAML)
        file: PathBuf,
        /// The deal to attach it to
        #[arg(long, value_name = "DEAL")]
        deal: String,
    },
    /// List the SOW versions attached to deals
    List {
        /// Only this deal's versions
        #[arg(long, value_name = "DEAL")]
        deal: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The SOW file
    pub file: PathBuf,
    /// Your name as the verifier's allowed_signers file lists it for your key (a principal)
    #[arg(long)]
    pub signer: String,
    /// Whom you sign for
    #[arg(long, value_parser = ["provider", "client"])]
    pub role: String,
    /// Your OpenSSH private key (Ed25519, without a passphrase; for one with a passphrase,
    /// an agent or a hardware key use --message and --ssh-signature)
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present_any = ["message", "ssh_signature"],
        conflicts_with_all = ["message", "ssh_signature"]
    )]
    pub key: Option<PathBuf>,
    /// Print the message to sign with `ssh-keygen -Y sign -n gigops-sow` and write nothing
    #[arg(long, requires = "at", conflicts_with = "ssh_signature")]
    pub message: bool,
    /// Record a signature `ssh-keygen -Y sign -n gigops-sow` made over the --message text
    /// (give the same --signer, --role, --lang and --at)
    #[arg(long, value_name = "FILE", requires = "at")]
    pub ssh_signature: Option<PathBuf>,
    /// The language of the document signed [default: the SOW's governing language]
    #[arg(long)]
    pub lang: Option<Lang>,
    /// When [default: now, to the second]
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Also record the signature against this deal's stored version of the SOW
    #[arg(long, value_name = "DEAL")]
    pub deal: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SloFormat {
    /// OpenSLO v1 YAML
    Openslo,
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// The milestone's id in the SOW
    pub milestone: String,
    /// The SOW file
    #[arg(long, value_name = "FILE")]
    pub sow: PathBuf,
    /// Evidence: `gigops gate` summary JSON (or a gate -o directory), SLO state JSON; repeatable
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub evidence: Vec<PathBuf>,
    /// Tick a manual item as done; repeatable
    #[arg(long, value_name = "ITEM")]
    pub tick: Vec<String>,
    /// Who ticks the manual items
    #[arg(long, value_name = "NAME", requires = "tick")]
    pub by: Option<String>,
    /// A note on the ticks
    #[arg(long, requires = "tick")]
    pub note: Option<String>,
    /// Do not run the items' commands; they stay pending
    #[arg(long, conflicts_with = "allow_commands")]
    pub no_commands: bool,
    /// Run the commands this SOW's acceptance items name (after reading them: a SOW may come
    /// from someone else); without it they run only when the SOW's SHA-256 is in
    /// contract.trusted_commands of your configuration, and otherwise stay pending
    #[arg(long)]
    pub allow_commands: bool,
    /// Where to write the checklist: .md, .html or .pdf; repeatable
    #[arg(short, long, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// The checklist's language: en or zh-CN [default: the SOW's governing language]
    #[arg(long)]
    pub lang: Option<Lang>,
    /// When the evaluation happens [default: now]
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Record the verdict against this deal's stored SOW version (the one with this file's
    /// content)
    #[arg(long, value_name = "DEAL")]
    pub deal: Option<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every subcommand and every argument says what it is: help that is missing, empty, or
    /// only a `[default: …]` note is listed, with the command it belongs to.
    #[test]
    fn every_command_and_argument_has_help() {
        let mut missing = Vec::new();
        let mut command = Cli::command();
        command.build();
        walk(&command, "gigops", &mut missing);
        assert!(
            missing.is_empty(),
            "without help text:\n  {}",
            missing.join("\n  ")
        );
    }

    fn says_something(help: Option<&clap::builder::StyledStr>) -> bool {
        help.is_some_and(|help| {
            let text = help.to_string();
            let text = text.trim();
            !text.is_empty() && !text.starts_with('[')
        })
    }

    fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in command.get_arguments() {
            if arg.is_hide_set() {
                continue;
            }
            if !says_something(arg.get_help()) {
                let name = match arg.get_long() {
                    Some(long) => format!("--{long}"),
                    None => arg.get_id().to_string(),
                };
                missing.push(format!("{path} {name}"));
            }
        }
        for sub in command.get_subcommands() {
            let path = format!("{path} {}", sub.get_name());
            if !says_something(sub.get_about()) {
                missing.push(path.clone());
            }
            walk(sub, &path, missing);
        }
    }
}
