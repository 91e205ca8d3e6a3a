//! Change frequency over real git histories: windows, merges, subdirectories, renames, shallow
//! clones, and no history at all.

use gigops_core::project::ChangeWindow;
use gigops_env::EnvError;
use gigops_env::history::change_frequency_until;

use crate::{DAY, NOW, at, commit, counts, git, history, new_repo};

#[test]
fn counts_the_commits_of_the_window_once_each() {
    let repo = history();
    let frequency = change_frequency_until(repo.path(), 90, at(NOW)).unwrap();
    // a.go: c2, c3; b.rs: c4; src/c.py: c3, c4; d.go: c3b. The merge would add d.go again if
    // merges counted; c1 and c5 are outside the window.
    assert_eq!(
        frequency.files,
        counts(&[("a.go", 2), ("b.rs", 1), ("d.go", 1), ("src/c.py", 2)])
    );
    assert_eq!(
        frequency.window,
        ChangeWindow {
            // `date -u -d @1692224000` and `@1700000000`.
            since: "2023-08-16T22:13:20Z".into(),
            until: "2023-11-14T22:13:20Z".into(),
            days: 90,
            // c2, c3, c3b, c4.
            commits: 4,
            shallow: false,
        }
    );

    // From −29 d: c3b and c4 only.
    let frequency = change_frequency_until(repo.path(), 29, at(NOW)).unwrap();
    assert_eq!(
        frequency.files,
        counts(&[("b.rs", 1), ("d.go", 1), ("src/c.py", 1)])
    );
    assert_eq!(frequency.window.commits, 2);
}

#[test]
fn a_subdirectory_counts_its_own_changes_relative_to_itself() {
    let repo = history();
    let frequency = change_frequency_until(&repo.path().join("src"), 90, at(NOW)).unwrap();
    // src/c.py changed in c3 and c4, the only commits touching src/.
    assert_eq!(frequency.files, counts(&[("c.py", 2)]));
    assert_eq!(frequency.window.commits, 2);
}

#[test]
fn a_rename_changes_both_paths() {
    let repo = new_repo();
    let dir = repo.path();
    commit(dir, NOW - 10 * DAY, &["old.go"]);
    git(dir, &["mv", "old.go", "new.go"], None);
    git(
        dir,
        &["commit", "--quiet", "-m", "rename"],
        Some(NOW - 5 * DAY),
    );
    let frequency = change_frequency_until(dir, 90, at(NOW)).unwrap();
    // old.go: added, then deleted by the rename; new.go: added by it.
    assert_eq!(frequency.files, counts(&[("new.go", 1), ("old.go", 2)]));
}

#[test]
fn the_boundary_of_a_shallow_clone_is_not_counted() {
    let origin = new_repo();
    commit(origin.path(), NOW - 3 * DAY, &["x.go", "y.go"]);
    commit(origin.path(), NOW - 2 * DAY, &["x.go"]);
    commit(origin.path(), NOW - DAY, &["x.go"]);
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        clones.path(),
        &["clone", "--quiet", "--depth", "2", &url, "clone"],
        None,
    );
    let frequency = change_frequency_until(&clones.path().join("clone"), 90, at(NOW)).unwrap();
    // The clone has the last two commits; git shows the older, the boundary, as adding x.go and
    // y.go. Only the newest counts.
    assert_eq!(frequency.files, counts(&[("x.go", 1)]));
    assert_eq!(frequency.window.commits, 1);
    assert!(frequency.window.shallow);
}

#[test]
fn no_repository_or_no_commit_means_no_history() {
    let plain = tempfile::tempdir().unwrap();
    let error = change_frequency_until(plain.path(), 90, at(NOW)).unwrap_err();
    assert!(matches!(error, EnvError::NotARepository(_)), "{error}");
    assert!(error.means_no_history());

    let missing = plain.path().join("missing");
    let error = change_frequency_until(&missing, 90, at(NOW)).unwrap_err();
    assert!(matches!(error, EnvError::Io { .. }), "{error}");
    assert!(!error.means_no_history());

    let empty = new_repo();
    let frequency = change_frequency_until(empty.path(), 90, at(NOW)).unwrap();
    assert!(frequency.files.is_empty());
    assert_eq!(frequency.window.commits, 0);
}
