//! Where a store lives, from the text a user gives: a URL or a file path.

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use crate::error::{Result, StoreError};

/// A parsed store location.
#[derive(Debug, Clone)]
pub enum Target {
    Sqlite {
        options: SqliteConnectOptions,
        /// `sqlite::memory:`: a private database that lives as long as the store.
        in_memory: bool,
    },
    Postgres(PgConnectOptions),
}

impl Target {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a
    /// plain file path is SQLite. Any other `scheme://` is refused rather than taken for a file
    /// name, so that a typo such as `postgress://` does not quietly create a file.
    pub fn parse(target: &str) -> Result<Target> {
        let invalid = |source: sqlx::Error| StoreError::Open {
            target: redact_target(target),
            source,
        };
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            return PgConnectOptions::from_str(target)
                .map(Target::Postgres)
                .map_err(invalid);
        }
        if let Some(rest) = target.strip_prefix("sqlite:") {
            let database = rest.strip_prefix("//").unwrap_or(rest);
            let in_memory = database.split('?').next() == Some(":memory:");
            return SqliteConnectOptions::from_str(target)
                .map(|options| Target::Sqlite { options, in_memory })
                .map_err(invalid);
        }
        if let Some((scheme, _)) = target.split_once("://")
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return Err(StoreError::Unsupported(format!(
                "unknown store URL scheme {scheme:?} in {}: expected postgres://, sqlite:// or a \
                 file path",
                redact_target(target)
            )));
        }
        if target.is_empty() {
            return Err(StoreError::Unsupported(
                "the store location is empty: expected postgres://…, sqlite://PATH or a file path"
                    .to_string(),
            ));
        }
        Ok(Target::Sqlite {
            options: SqliteConnectOptions::new().filename(PathBuf::from(target)),
            in_memory: false,
        })
    }
}

/// The target with any password replaced by `***`, fit for logs and error messages.
///
/// Covers the password in the user-info part (`postgres://user:secret@host/db`) and in a
/// `password=` query parameter, the two places sqlx reads one from.
pub fn redact_target(target: &str) -> String {
    let Some(scheme_end) = target.find("://") else {
        return target.to_string();
    };
    let authority_start = scheme_end + 3;
    let rest = &target[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let mut redacted = target[..authority_start].to_string();
    match authority.rfind('@') {
        Some(at) => {
            let user_info = &authority[..at];
            match user_info.split_once(':') {
                Some((user, _password)) => {
                    redacted.push_str(user);
                    redacted.push_str(":***");
                }
                None => redacted.push_str(user_info),
            }
            redacted.push_str(&authority[at..]);
        }
        None => redacted.push_str(authority),
    }
    let after_authority = &rest[authority_len..];
    match after_authority.split_once('?') {
        Some((path, query)) => {
            redacted.push_str(path);
            redacted.push('?');
            let (query, fragment) = match query.split_once('#') {
                Some((query, fragment)) => (query, Some(fragment)),
                None => (query, None),
            };
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_string(),
                })
                .collect();
            redacted.push_str(&pairs.join("&"));
            if let Some(fragment) = fragment {
                redacted.push('#');
                redacted.push_str(fragment);
            }
        }
        None => redacted.push_str(after_authority),
    }
    redacted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_survive_redaction() {
        assert_eq!(
            redact_target("postgres://gig:s3cret@db.example:5432/gigops"),
            "postgres://gig:***@db.example:5432/gigops"
        );
        assert_eq!(
            redact_target("postgresql://gig:p%40ss@db/x?sslmode=require&password=two"),
            "postgresql://gig:***@db/x?sslmode=require&password=***"
        );
        assert_eq!(
            redact_target("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(
            redact_target("sqlite:///home/me/gigops.db"),
            "sqlite:///home/me/gigops.db"
        );
        assert_eq!(redact_target("ledger.db"), "ledger.db");
    }

    #[test]
    fn backends_by_url() {
        assert!(matches!(
            Target::parse("postgres://u@h/db"),
            Ok(Target::Postgres(_))
        ));
        assert!(matches!(
            Target::parse("postgresql://u@h/db"),
            Ok(Target::Postgres(_))
        ));
        for sqlite in ["sqlite://a/b.db", "sqlite:b.db", "b.db", "/tmp/x/y.db"] {
            assert!(
                matches!(
                    Target::parse(sqlite),
                    Ok(Target::Sqlite {
                        in_memory: false,
                        ..
                    })
                ),
                "{sqlite}"
            );
        }
        let Ok(Target::Sqlite { options, .. }) = Target::parse("sqlite://data/ledger.db") else {
            panic!("not sqlite");
        };
        assert_eq!(
            options.get_filename(),
            std::path::Path::new("data/ledger.db")
        );
        assert!(matches!(
            Target::parse("sqlite::memory:"),
            Ok(Target::Sqlite {
                in_memory: true,
                ..
            })
        ));
        let err = Target::parse("mysql://u:pw@h/db").unwrap_err().to_string();
        assert!(err.contains("\"mysql\"") && !err.contains("pw"), "{err}");
    }
}
