//! Change history: how often each file changed in a window of days, counted through the `git`
//! command; hotspots rank debt by it.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use gigops_core::project::{ChangeFrequency, ChangeWindow};

use crate::EnvError;

/// [`change_frequency_until`] with the window ending now.
pub fn change_frequency(repo: &Path, window_days: u32) -> Result<ChangeFrequency, EnvError> {
    change_frequency_until(repo, window_days, SystemTime::now())
}

/// The number of commits that touched each file under `repo` in the `window_days` days up to
/// `until`, by their committer date.
///
/// Only commits reachable from HEAD count. Merge commits do not: the commits they bring in count
/// on their own, so a change is not counted twice. Renames are not followed: a rename is a
/// change of the old path and of the new one. Paths are relative to `repo`, which may be a
/// subdirectory of the work tree (then only changes under it count).
pub fn change_frequency_until(
    repo: &Path,
    window_days: u32,
    until: SystemTime,
) -> Result<ChangeFrequency, EnvError> {
    std::fs::metadata(repo).map_err(|source| EnvError::Io {
        path: repo.to_path_buf(),
        source,
    })?;
    let inside = git(repo, &["rev-parse", "--is-inside-work-tree"]).map_err(|e| match e {
        EnvError::Git { stderr, .. } if stderr.contains("not a git repository") => {
            EnvError::NotARepository(repo.to_path_buf())
        }
        other => other,
    })?;
    if inside.trim() != "true" {
        // Inside a .git directory, or a bare repository: there is no work tree to match.
        return Err(EnvError::NotARepository(repo.to_path_buf()));
    }

    let until = until.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let since = until.saturating_sub(u64::from(window_days) * 86_400);
    let mut frequency = ChangeFrequency {
        window: ChangeWindow {
            since: rfc3339(since),
            until: rfc3339(until),
            days: window_days,
            commits: 0,
            shallow: false,
        },
        files: BTreeMap::new(),
    };
    // A repository without a commit yet has no history, rather than a broken one.
    if git(repo, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_err() {
        return Ok(frequency);
    }

    frequency.window.shallow =
        git(repo, &["rev-parse", "--is-shallow-repository"])?.trim() == "true";
    let mut revisions = vec!["HEAD".to_string()];
    if frequency.window.shallow {
        let shallow_file = git(repo, &["rev-parse", "--git-path", "shallow"])?;
        let shallow_file = repo.join(shallow_file.trim());
        let boundary = std::fs::read_to_string(&shallow_file).map_err(|source| EnvError::Io {
            path: shallow_file,
            source,
        })?;
        revisions.extend(boundary.split_whitespace().map(|id| format!("^{id}")));
    }

    // git's own date format (seconds and zone) is read exactly; other forms go through its
    // approximate date parser.
    let since_arg = format!("--since=@{since} +0000");
    let until_arg = format!("--until=@{until} +0000");
    let mut common: Vec<&str> = vec!["--no-merges", &since_arg, &until_arg];
    common.extend(revisions.iter().map(String::as_str));
    // Only commits touching the directory, when it is a subdirectory of the work tree.
    let pathspec = ["--", "."];

    let mut count_args = vec!["rev-list", "--count"];
    count_args.extend(&common);
    count_args.extend(pathspec);
    frequency.window.commits = git(repo, &count_args)?.trim().parse().unwrap_or(0);

    let mut log_args = vec![
        "log",
        // Fixed against the user's configuration, which could add to the output.
        "--no-color",
        "--no-show-signature",
        "--no-renames",
        "--relative",
        "--name-only",
        "--format=",
        "-z",
    ];
    log_args.extend(&common);
    log_args.extend(pathspec);
    let names = git(repo, &log_args)?;
    // With an empty format and -z, the output is every touched path of every commit, each
    // ended by NUL: one entry per commit and file.
    for path in names.split('\0').filter(|p| !p.is_empty()) {
        *frequency.files.entry(path.to_string()).or_insert(0) += 1;
    }
    Ok(frequency)
}

/// Runs git in `dir`, returning its standard output.
fn git(dir: &Path, args: &[&str]) -> Result<String, EnvError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // English messages, so that "not a git repository" can be recognised.
        .env("LC_ALL", "C")
        // The directory asked about decides the repository, not a hook's environment.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => EnvError::GitNotFound,
            _ => EnvError::Io {
                path: PathBuf::from("git"),
                source: e,
            },
        })?;
    if !output.status.success() {
        return Err(EnvError::Git {
            dir: dir.to_path_buf(),
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Seconds since the Unix epoch as an RFC 3339 UTC timestamp (the proleptic Gregorian calendar,
/// by Howard Hinnant's `civil_from_days`).
fn rfc3339(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    // Days since 0000-03-01, so that a year's leap day is its last day.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_formatted_as_the_calendar_has_them() {
        // Each expected value is `date -u -d @<seconds> +%FT%TZ`.
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_001_000), "2023-11-14T22:30:00Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
    }
}
