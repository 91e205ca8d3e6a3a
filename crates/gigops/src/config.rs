//! Settings, layered: defaults → ~/.config/gigops/config.toml → ./gigops.toml → `GIGOPS_*`
//! environment (`__` separates nested keys) → command-line flags.

use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
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

impl Settings {
    pub fn load(extra_file: Option<&Path>) -> anyhow::Result<Settings> {
        if let Some(file) = extra_file {
            anyhow::ensure!(
                file.is_file(),
                "config file {} does not exist",
                file.display()
            );
        }
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        for file in optional_config_files().into_iter().filter(|f| f.is_file()) {
            figment = figment.merge(Toml::file_exact(file));
        }
        if let Some(file) = extra_file {
            figment = figment.merge(Toml::file_exact(file));
        }
        // Only keys gigops owns: GIGOPS_TEST_* and the like are not settings.
        let env = Env::prefixed("GIGOPS_").split("__").filter(|key| {
            let top = key.as_str().split('.').next().unwrap_or_default();
            [
                "db", "pipeline", "report", "gate", "notify", "quote", "contract",
            ]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(top))
        });
        let figment = figment.merge(env);
        let settings: Settings = figment.extract().context("invalid configuration")?;
        // A repository checked out from someone else may bring ./gigops.toml: it must not be
        // able to trust its own SOW's commands.
        if let Some(figment::Source::File(file)) = figment
            .find_metadata("contract.trusted_commands")
            .and_then(|m| m.source.as_ref())
            && std::path::absolute(file).ok() == std::path::absolute("gigops.toml").ok()
        {
            anyhow::bail!(
                "{}: contract.trusted_commands is honoured only in your own configuration \
                 (~/.config/gigops/config.toml, --config FILE or GIGOPS_CONTRACT__TRUSTED_COMMANDS), \
                 not in ./gigops.toml, which a repository can bring",
                file.display()
            );
        }
        Ok(settings)
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

/// The directory gigops keeps its data in (`~/.local/share/gigops` on Linux).
pub fn data_dir() -> anyhow::Result<PathBuf> {
    directories::ProjectDirs::from("", "", "gigops")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            crate::exit::bad_input("cannot find a home directory; pass the path explicitly")
        })
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
