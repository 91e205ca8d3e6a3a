//! Settings, layered: defaults → ~/.config/gigops/config.toml → ./gigops.toml → `GIGOPS_*`
//! environment (`__` separates nested keys) → command-line flags; validated once, as a whole,
//! when they are loaded ([`Settings::problems`]), so that no command and no server runs on a
//! configuration it cannot use.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::error::{Actual, Kind};
use figment::providers::{Env, Format, Serialized, Toml};
use gigops_core::{Lang, Stages};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Where the ledger is: a SQLite file path (default: gigops.db in the user's data directory)
    /// or a `postgres://` URL.
    pub db: Option<String>,
    pub pipeline: PipelineSettings,
    pub report: ReportSettings,
    /// The delivery gate's policy (docs/gate.md).
    pub gate: gigops_gate::Policy,
    /// Where summaries are sent: Slack, WeCom, mail (docs/gate.md). Secrets stay in the
    /// environment; only the variables' names are settings.
    pub notify: gigops_notify::NotifyConfig,
    /// Rates, weights, service tiers, platform fees, tax and productivity for quotes
    /// (docs/quote.md).
    pub quote: gigops_quote::QuoteConfig,
    /// Statements of work (docs/contracts.md).
    pub contract: ContractSettings,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContractSettings {
    /// SOW files, by the SHA-256 of their source, whose acceptance commands `gigops accept`
    /// runs without `--allow-commands`. Honoured from your own configuration and the
    /// environment, never from ./gigops.toml, which a repository can bring.
    pub trusted_commands: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineSettings {
    /// Sales stages in order.
    pub stages: Stages,
    /// IANA time zone in which days (business days, hours per day) are counted.
    pub time_zone: String,
    /// Dates (YYYY-MM-DD) that are not business days.
    pub holidays: Vec<jiff::civil::Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportSettings {
    /// Language of documents when `--lang` is not given.
    pub lang: Lang,
    /// A directory whose templates override the embedded ones.
    pub templates: Option<PathBuf>,
}

impl Default for PipelineSettings {
    fn default() -> Self {
        PipelineSettings {
            stages: Stages::default(),
            time_zone: "UTC".into(),
            holidays: Vec::new(),
        }
    }
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            lang: Lang::En,
            templates: None,
        }
    }
}

/// The files settings are read from when they exist, lowest precedence first.
fn optional_config_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(dirs) = directories::ProjectDirs::from("", "", "gigops") {
        files.push(dirs.config_dir().join("config.toml"));
    }
    files.push(PathBuf::from("gigops.toml"));
    files
}

/// The prefix of the environment variables that are settings.
const ENV_PREFIX: &str = "GIGOPS_";
/// The top-level settings: `GIGOPS_TEST_*` and the like are not settings.
const TOP_LEVEL_KEYS: [&str; 7] = [
    "db", "pipeline", "report", "gate", "notify", "quote", "contract",
];

impl Settings {
    /// The merged settings (see docs/configuration.md). A problem is bad input that says where
    /// the user wrote the setting — `gigops.toml:7: quote.hours_per_fp: expected a number,
    /// found a string`, or the environment variable — every problem at once.
    pub fn load(extra_file: Option<&Path>) -> anyhow::Result<Settings> {
        let mut files: Vec<PathBuf> = optional_config_files()
            .into_iter()
            .filter(|f| f.is_file())
            .collect();
        if let Some(file) = extra_file {
            if !file.is_file() {
                return Err(crate::bad_field(
                    "config",
                    format!("{}: no such file", file.display()),
                ));
            }
            files.push(file.to_path_buf());
        }
        let sources = Sources::read(&files)?;
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        for file in &files {
            figment = figment.merge(Toml::file_exact(file));
        }
        let env = Env::prefixed(ENV_PREFIX).split("__").filter(|key| {
            let top = key.as_str().split('.').next().unwrap_or_default();
            TOP_LEVEL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(top))
        });
        let figment = figment.merge(env);
        let settings: Settings = figment.extract().map_err(|whole| {
            // Deserializing stops at the first problem; each section on its own shows them all.
            let mut problems = section_problems(&figment);
            if problems.is_empty() {
                problems.extend(whole);
            }
            sources.explain(problems)
        })?;
        // Values that read well but cannot be used (a fee of 100 %, shares not adding up to
        // 1000): checked now, for every command, and said where they were written.
        let unusable = settings.problems();
        if !unusable.is_empty() {
            return Err(sources.locate(unusable));
        }
        // A repository checked out from someone else may bring ./gigops.toml: it must not be
        // able to trust its own SOW's commands.
        if let Some(figment::Source::File(file)) = figment
            .find_metadata("contract.trusted_commands")
            .and_then(|m| m.source.as_ref())
            && std::path::absolute(file).ok() == std::path::absolute("gigops.toml").ok()
        {
            return Err(crate::bad_input(format!(
                "{}: contract.trusted_commands is honoured only in your own configuration \
                 (~/.config/gigops/config.toml, a configuration file you give, or \
                 GIGOPS_CONTRACT__TRUSTED_COMMANDS), \
                 not in ./gigops.toml, which a repository can bring",
                file.display()
            )));
        }
        Ok(settings)
    }

    /// Every value, in every section, that reads well but cannot be used, each a sentence that
    /// starts with its key (`gate.min_coverage: 120 is not a percentage in [0, 100]`). Settings
    /// are loaded only when there is none; a server building settings itself asks the same.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(invalid) = gigops_core::ledger::parse_time_zone(&self.pipeline.time_zone) {
            problems.push(format!("pipeline.time_zone: {invalid}"));
        }
        if let Some(dir) = &self.report.templates
            && !dir.is_dir()
        {
            problems.push(format!(
                "report.templates: {}: no such directory",
                dir.display()
            ));
        }
        problems.extend(
            gigops_gate::rules::policy_problems(&self.gate)
                .iter()
                .map(ToString::to_string),
        );
        if let Err(unusable) = self.notify.check() {
            problems.extend(unusable.iter().map(|problem| match problem {
                gigops_notify::NotifyError::CaFile { channel, source } => {
                    format!("notify.{channel}.ca_file: {source}")
                }
                other => format!("notify: {other}"),
            }));
        }
        problems.extend(self.quote.problems());
        problems
    }

    /// The default SQLite file in the user's data directory.
    pub fn default_db_path() -> anyhow::Result<PathBuf> {
        Ok(data_dir()?.join("gigops.db"))
    }

    /// The database to open: the flag, else the settings, else the default file.
    pub fn db_target(&self, flag: Option<&str>) -> anyhow::Result<String> {
        match flag.or(self.db.as_deref()) {
            Some(target) => Ok(target.to_string()),
            None => Ok(Settings::default_db_path()?.display().to_string()),
        }
    }

    /// The settings as TOML, with the password of a database URL masked.
    pub fn to_masked_toml(&self) -> anyhow::Result<String> {
        let mut shown = self.clone();
        shown.db = shown.db.as_deref().map(mask_url_password);
        Ok(toml::to_string_pretty(&shown)?)
    }
}

/// Where each setting was written, to say so when one is wrong: the files that were read,
/// highest precedence first (the `GIGOPS_*` variables, above them, are looked up when asked).
struct Sources {
    files: Vec<(PathBuf, String)>,
}

/// Where a setting was written.
enum Place {
    /// A file, and the line of the key.
    File(PathBuf, usize),
    /// An environment variable, by its name.
    Env(String),
}

impl Sources {
    /// Reads the files (given lowest precedence first); a file that is not TOML is bad input
    /// at its line and column.
    fn read(files: &[PathBuf]) -> anyhow::Result<Sources> {
        let mut read = Vec::with_capacity(files.len());
        let mut problems = Vec::new();
        for path in files.iter().rev() {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::Error::new(e).context(format!("cannot read {}", path.display()))
            })?;
            if let Err(error) = toml::de::DeTable::parse(&text) {
                let (line, column) = error
                    .span()
                    .map_or((1, 1), |span| line_and_column(&text, span.start));
                problems.push(format!(
                    "{}:{line}:{column}: {}",
                    path.display(),
                    error.message().trim_end()
                ));
            }
            read.push((path.clone(), text));
        }
        if !problems.is_empty() {
            return Err(crate::bad_input(format!(
                "invalid configuration: {}",
                problems.join("\n")
            )));
        }
        Ok(Sources { files: read })
    }

    /// Where the setting at `path` was written: the highest layer that sets it.
    fn place_of(&self, path: &[String]) -> Option<Place> {
        let wanted: Vec<String> = path.iter().map(|k| k.to_ascii_lowercase()).collect();
        let from_env = std::env::vars_os().find_map(|(name, _)| {
            let name = name.into_string().ok()?;
            let (prefix, rest) = name.split_at_checked(ENV_PREFIX.len())?;
            let keys: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
            (prefix.eq_ignore_ascii_case(ENV_PREFIX) && keys == wanted).then_some(name)
        });
        if let Some(name) = from_env {
            return Some(Place::Env(name));
        }
        self.files.iter().find_map(|(file, text)| {
            let table = toml::de::DeTable::parse(text).ok()?;
            let offset = key_offset(table.get_ref(), path)?;
            Some(Place::File(file.clone(), line_and_column(text, offset).0))
        })
    }

    /// Problems with values (each a sentence that starts with the key it is about,
    /// `quote.platforms.upwork.fee = 1: …`) as bad input, each after where the key was written:
    /// the longest leading part of its key that a file or variable sets.
    fn locate(&self, problems: Vec<String>) -> anyhow::Error {
        let problems: Vec<String> = problems
            .into_iter()
            .map(|problem| {
                let key_end = problem.find([' ', ':', '=']).unwrap_or(problem.len());
                let path: Vec<String> = problem[..key_end].split('.').map(String::from).collect();
                let place = (1..=path.len())
                    .rev()
                    .find_map(|n| self.place_of(&path[..n]));
                match place {
                    Some(Place::File(file, line)) => {
                        format!("{}:{line}: {problem}", file.display())
                    }
                    Some(Place::Env(name)) => format!("environment variable {name}: {problem}"),
                    None => problem,
                }
            })
            .collect();
        invalid_configuration(&problems)
    }

    /// Extraction problems as bad input: each with where it was written and the user's name of
    /// the key.
    fn explain(&self, problems: Vec<figment::Error>) -> anyhow::Error {
        let problems: Vec<String> = problems
            .into_iter()
            .map(|error| {
                let key = key_name(&error.path);
                let what = describe(&error.kind);
                match self.place_of(&error.path) {
                    Some(Place::File(file, line)) => {
                        format!("{}:{line}: {key}: {what}", file.display())
                    }
                    Some(Place::Env(name)) => {
                        format!("environment variable {name} ({key}): {what}")
                    }
                    None if key.is_empty() => what,
                    None => format!("{key}: {what}"),
                }
            })
            .collect();
        invalid_configuration(&problems)
    }
}

/// Located problems of the settings as one bad-input error, every one listed.
fn invalid_configuration(problems: &[String]) -> anyhow::Error {
    crate::bad_input(match problems {
        [one] => format!("invalid configuration: {one}"),
        many => format!(
            "invalid configuration, {} problems:\n  {}",
            many.len(),
            many.join("\n  ")
        ),
    })
}

/// The problems of each section of the settings, deserialized on its own, and the top-level
/// keys that are no section.
fn section_problems(figment: &Figment) -> Vec<figment::Error> {
    fn section<T: serde::de::DeserializeOwned>(
        figment: &Figment,
        name: &str,
        problems: &mut Vec<figment::Error>,
    ) {
        let Err(error) = figment.extract_inner::<T>(name) else {
            return;
        };
        for mut problem in error {
            // An absent section is its default; and figment appends the section to the path of
            // a problem inside it, where it belongs in front.
            if problem.missing() && problem.path.len() <= 1 {
                continue;
            }
            if problem.path.last().is_some_and(|last| last == name) {
                problem.path.pop();
                problem.path.insert(0, name.to_string());
            }
            problems.push(problem);
        }
    }
    let mut problems = Vec::new();
    section::<Option<String>>(figment, "db", &mut problems);
    section::<PipelineSettings>(figment, "pipeline", &mut problems);
    section::<ReportSettings>(figment, "report", &mut problems);
    section::<gigops_gate::Policy>(figment, "gate", &mut problems);
    section::<gigops_notify::NotifyConfig>(figment, "notify", &mut problems);
    section::<gigops_quote::QuoteConfig>(figment, "quote", &mut problems);
    if let Ok(top) = figment.extract::<figment::value::Dict>() {
        for key in top.keys().filter(|k| !TOP_LEVEL_KEYS.contains(&k.as_str())) {
            let mut problem =
                figment::Error::from(Kind::UnknownField(key.clone(), &TOP_LEVEL_KEYS));
            problem.path = vec![key.clone()];
            problems.push(problem);
        }
    }
    problems
}

/// A key path as the user writes it: `quote.rate_card[1].hourly_minor`.
fn key_name(path: &[String]) -> String {
    let mut name = String::new();
    for key in path {
        if key.parse::<usize>().is_ok() {
            name.push_str(&format!("[{key}]"));
        } else {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(key);
        }
    }
    name
}

/// The byte offset of the key at `path` in a parsed TOML document (of the array element, for
/// a path that ends at one; of the deepest key found, for a path that goes on past a value).
fn key_offset(table: &toml::de::DeTable<'_>, path: &[String]) -> Option<usize> {
    let (first, mut rest) = path.split_first()?;
    let (key, value) = table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == first.as_str())?;
    let mut offset = key.span().start;
    let mut value = value.get_ref();
    while let Some((next, tail)) = rest.split_first() {
        match value {
            toml::de::DeValue::Table(inner) => return key_offset(inner, rest),
            toml::de::DeValue::Array(items) => {
                let item = items.get(next.parse::<usize>().ok()?)?;
                offset = item.span().start;
                value = item.get_ref();
                rest = tail;
            }
            _ => break,
        }
    }
    Some(offset)
}

/// The 1-based line and column of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// What is wrong, in the words of a settings file rather than of Rust's types.
fn describe(kind: &Kind) -> String {
    match kind {
        Kind::InvalidType(found, expected) | Kind::InvalidValue(found, expected) => format!(
            "expected {}, found {}",
            expected_words(expected),
            found_words(found)
        ),
        Kind::UnknownField(_, expected) => {
            format!("unknown key; expected one of {}", expected.join(", "))
        }
        Kind::UnknownVariant(found, expected) => {
            format!("{found:?} is not one of {}", expected.join(", "))
        }
        Kind::MissingField(field) => format!("missing key {field}"),
        Kind::DuplicateField(field) => format!("{field} is given twice"),
        other => other.to_string(),
    }
}

fn expected_words(expected: &str) -> String {
    match expected {
        "f32" | "f64" => "a number".into(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number".into(),
        "a boolean" | "bool" => "true or false".into(),
        "a sequence" => "a list".into(),
        "a map" | "map" => "a table".into(),
        other if other.starts_with("struct ") => "a table".into(),
        other => other.to_string(),
    }
}

/// A value found where another was expected; a string is not repeated, as it may be a secret.
fn found_words(found: &Actual) -> String {
    match found {
        Actual::Bool(value) => value.to_string(),
        Actual::Unsigned(value) => format!("the number {value}"),
        Actual::Signed(value) => format!("the number {value}"),
        Actual::Float(value) => format!("the number {value}"),
        Actual::Str(_) | Actual::Char(_) => "a string".into(),
        Actual::Seq => "a list".into(),
        Actual::Map => "a table".into(),
        other => other.to_string(),
    }
}

/// The directory gigops keeps its data in (`~/.local/share/gigops` on Linux).
pub fn data_dir() -> anyhow::Result<PathBuf> {
    directories::ProjectDirs::from("", "", "gigops")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| crate::bad_input("cannot find a home directory; pass the path explicitly"))
}

/// `postgres://user:secret@host/db` → `postgres://user:****@host/db`.
pub fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:****@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_file_that_is_not_there_is_named_by_its_field() {
        let error = Settings::load(Some(Path::new("no/such/gigops.toml"))).unwrap_err();
        assert_eq!(crate::kind_of(&error), crate::ErrorKind::BadInput);
        crate::error::assert_about_field(&error, "config");
        assert_eq!(
            error.to_string(),
            "config: no/such/gigops.toml: no such file"
        );
    }

    #[test]
    fn masks_passwords_only() {
        assert_eq!(
            mask_url_password("postgres://app:s3cr@t@db.local:5432/gigops"),
            "postgres://app:****@db.local:5432/gigops"
        );
        assert_eq!(
            mask_url_password("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(
            mask_url_password("/home/me/gigops.db"),
            "/home/me/gigops.db"
        );
    }
}
