//! criterion.rs results: its output directory (`target/criterion`), or one `estimates.json`.
//!
//! criterion keeps each benchmark in a directory of its own (`<group>/<function>[/<value>]`),
//! whose `new/` folder holds the last run: `benchmark.json` (the ids), `sample.json` (for each
//! sample, how many iterations ran and how long they took in all, in nanoseconds) and
//! `estimates.json` (its bootstrap statistics). Only `new/` is read: `base/` (the saved
//! baseline, or a `--save-baseline` name), `change/` and `report/` are criterion's own comparison
//! and HTML report.
//!
//! Every benchmark gets one metric, `ns/op`, the wall time per iteration (criterion's default
//! measurement): one value per sample, `times[i] / iters[i]`, so that the comparison has samples
//! to test; when `sample.json` is missing, the mean point estimate alone (one value, which can
//! never be a significant change).
//!
//! The suite is `group_id` and the name is the rest of `full_id` (`numbers/parse_list/4` is
//! suite `numbers`, name `parse_list/4`). A benchmark made with `Criterion::bench_function`
//! outside any group has nothing after its group id: its suite is empty and its name is its id.
//! Without `benchmark.json` (an old criterion, or a tree copied without it) the directories stand
//! in: the first below the root is the suite, the rest the name.
//!
//! One benchmark's file can be given on its own: [`read_file`] reads the `new/` folder it is in
//! exactly as [`read_dir`] would, and [`parse_estimates`] reads a bare `estimates.json` whose
//! names the caller supplies.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use gigops_core::evidence::{BenchMetric, Benchmark, BenchmarkSet};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use gigops_core::{Problem, Problems};

/// The unit of every criterion value: nanoseconds per iteration.
pub const UNIT: &str = "ns/op";

/// Folders of a benchmark directory that hold no benchmark of their own.
const NOT_BENCHMARKS: [&str; 4] = ["new", "base", "change", "report"];

/// How deep below the root benchmark directories are looked for: criterion nests three levels
/// (group, function, value); the limit only stops a runaway walk.
const MAX_DEPTH: usize = 16;

/// Reads every benchmark under criterion's output directory (or any directory inside it).
pub fn read_dir(root: &Path) -> Result<BenchmarkSet, Problems> {
    let mut reader = DirReader {
        root,
        set: BenchmarkSet::default(),
        problems: Vec::new(),
    };
    if !root.is_dir() {
        reader.problem(
            root,
            0,
            "",
            "not a directory: expected criterion's output directory (target/criterion)".into(),
        );
        return Err(Problems(reader.problems));
    }
    reader.walk(root, 0);
    if reader.problems.is_empty() && reader.set.benchmarks.is_empty() {
        reader.problem(
            root,
            0,
            "",
            "no criterion benchmark here: expected <group>/<benchmark>/new/sample.json or estimates.json below it".into(),
        );
    }
    if reader.problems.is_empty() {
        Ok(reader.set)
    } else {
        Err(Problems(reader.problems))
    }
}

/// Reads the one benchmark whose results file (`…/<benchmark>/new/estimates.json`, or any file
/// of that `new/` folder) is given: named and valued exactly as [`read_dir`] would (the ids of
/// `benchmark.json`, the samples of `sample.json` when they are there), so that a file given on
/// its own pairs with the same benchmark read from the whole directory.
pub fn read_file(path: &Path) -> Result<BenchmarkSet, Problems> {
    let new = path.parent().unwrap_or(Path::new(""));
    let dir = new.parent().unwrap_or(Path::new(""));
    // Without benchmark.json the two directories above new/ name it: group, then benchmark.
    let root = dir.parent().and_then(Path::parent).unwrap_or(Path::new(""));
    let mut reader = DirReader {
        root,
        set: BenchmarkSet::default(),
        problems: Vec::new(),
    };
    if !path.is_file() {
        reader.problem(path, 0, "", "not a file".into());
    } else {
        reader.benchmark(dir, new);
    }
    if reader.problems.is_empty() {
        Ok(reader.set)
    } else {
        Err(Problems(reader.problems))
    }
}

/// Reads one `estimates.json`: one benchmark, named by the caller, whose one value is the mean
/// point estimate.
pub fn parse_estimates(
    reader: impl BufRead,
    file_name: &str,
    suite: &str,
    name: &str,
) -> Result<BenchmarkSet, Problems> {
    let estimates: Estimates = read_json(reader, file_name).map_err(|p| Problems(vec![p]))?;
    let mean = checked_mean(&estimates, file_name).map_err(|p| Problems(vec![p]))?;
    Ok(BenchmarkSet {
        benchmarks: vec![benchmark(suite, name, vec![mean])],
    })
}

#[derive(Debug, Deserialize)]
struct Estimates {
    mean: Estimate,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    point_estimate: f64,
}

#[derive(Debug, Deserialize)]
struct Sample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

#[derive(Debug, Deserialize)]
struct BenchmarkId {
    group_id: String,
    full_id: String,
}

struct DirReader<'a> {
    root: &'a Path,
    set: BenchmarkSet,
    problems: Vec<Problem>,
}

impl DirReader<'_> {
    fn problem(&mut self, path: &Path, line: u64, column: &str, reason: String) {
        self.problems.push(Problem {
            file: path.display().to_string(),
            line,
            column: column.to_string(),
            reason,
        });
    }

    /// Reads `dir` if it is a benchmark directory, then every directory below it, in name order
    /// (the order criterion's own report lists them).
    fn walk(&mut self, dir: &Path, depth: usize) {
        let new = dir.join("new");
        if new.is_dir() {
            self.benchmark(dir, &new);
        }
        if depth >= MAX_DEPTH {
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.problem(dir, 0, "", format!("cannot read the directory: {e}"));
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries
            .flatten()
            // Not following symbolic links keeps the walk inside the tree.
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter(|e| !NOT_BENCHMARKS.contains(&e.file_name().to_string_lossy().as_ref()))
            .map(|e| e.path())
            .collect();
        children.sort();
        for child in children {
            self.walk(&child, depth + 1);
        }
    }

    fn benchmark(&mut self, dir: &Path, new: &Path) {
        let ids = new.join("benchmark.json");
        let (suite, name) = if ids.is_file() {
            match open(&ids).and_then(|r| read_json::<BenchmarkId>(r, &ids.display().to_string())) {
                Ok(ids) => names(&ids),
                Err(problem) => {
                    self.problems.push(problem);
                    return;
                }
            }
        } else {
            self.names_from_dirs(dir)
        };
        let sample = new.join("sample.json");
        let estimates = new.join("estimates.json");
        let values = if sample.is_file() {
            let file = sample.display().to_string();
            open(&sample)
                .and_then(|r| read_json::<Sample>(r, &file))
                .and_then(|s| per_iteration(&s, &file))
        } else if estimates.is_file() {
            let file = estimates.display().to_string();
            open(&estimates)
                .and_then(|r| read_json::<Estimates>(r, &file))
                .and_then(|e| checked_mean(&e, &file))
                .map(|mean| vec![mean])
        } else {
            Err(Problem {
                file: new.display().to_string(),
                line: 0,
                column: String::new(),
                reason: "neither sample.json nor estimates.json: the benchmark has no results"
                    .into(),
            })
        };
        match values {
            Ok(values) => self.add(suite, name, values),
            Err(problem) => self.problems.push(problem),
        }
    }

    /// The directories below the root: the first is the suite, the rest the name.
    fn names_from_dirs(&self, dir: &Path) -> (String, String) {
        let relative = dir.strip_prefix(self.root).unwrap_or(dir);
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [] => (
                String::new(),
                dir.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
            [only] => (String::new(), only.clone()),
            [suite, rest @ ..] => (suite.clone(), rest.join("/")),
        }
    }

    /// Two directories with the same ids (criterion shortens long directory names) add to one
    /// benchmark rather than listing it twice.
    fn add(&mut self, suite: String, name: String, values: Vec<f64>) {
        match self
            .set
            .benchmarks
            .iter_mut()
            .find(|b| b.suite == suite && b.name == name)
        {
            Some(existing) => existing.metrics[0].values.extend(values),
            None => self.set.benchmarks.push(benchmark(&suite, &name, values)),
        }
    }
}

fn benchmark(suite: &str, name: &str, values: Vec<f64>) -> Benchmark {
    Benchmark {
        suite: suite.to_string(),
        name: name.to_string(),
        metrics: vec![BenchMetric {
            unit: UNIT.to_string(),
            values,
        }],
    }
}

/// Suite and name from criterion's ids.
fn names(ids: &BenchmarkId) -> (String, String) {
    match ids
        .full_id
        .strip_prefix(ids.group_id.as_str())
        .and_then(|rest| rest.strip_prefix('/'))
    {
        Some(rest) if !rest.is_empty() => (ids.group_id.clone(), rest.to_string()),
        _ if ids.full_id == ids.group_id => (String::new(), ids.full_id.clone()),
        _ => (ids.group_id.clone(), ids.full_id.clone()),
    }
}

/// Nanoseconds per iteration of each sample.
fn per_iteration(sample: &Sample, file: &str) -> Result<Vec<f64>, Problem> {
    let problem = |column: &str, reason: String| Problem {
        file: file.to_string(),
        line: 0,
        column: column.to_string(),
        reason,
    };
    if sample.iters.len() != sample.times.len() {
        return Err(problem(
            "times",
            format!(
                "{} iteration counts but {} times: expected one time per sample",
                sample.iters.len(),
                sample.times.len()
            ),
        ));
    }
    if sample.iters.is_empty() {
        return Err(problem("iters", "no samples".into()));
    }
    let mut values = Vec::with_capacity(sample.iters.len());
    for (i, (&iters, &time)) in sample.iters.iter().zip(&sample.times).enumerate() {
        if !(iters.is_finite() && iters > 0.0) {
            return Err(problem(
                "iters",
                format!("sample {i}: iteration count {iters} is not above 0"),
            ));
        }
        if !(time.is_finite() && time >= 0.0) {
            return Err(problem(
                "times",
                format!("sample {i}: time {time} is not a finite number of nanoseconds"),
            ));
        }
        values.push(time / iters);
    }
    Ok(values)
}

fn checked_mean(estimates: &Estimates, file: &str) -> Result<f64, Problem> {
    let mean = estimates.mean.point_estimate;
    if mean.is_finite() && mean >= 0.0 {
        Ok(mean)
    } else {
        Err(Problem {
            file: file.to_string(),
            line: 0,
            column: "mean.point_estimate".into(),
            reason: format!("{mean} is not a finite number of nanoseconds"),
        })
    }
}

fn open(path: &Path) -> Result<BufReader<File>, Problem> {
    File::open(path).map(BufReader::new).map_err(|e| Problem {
        file: path.display().to_string(),
        line: 0,
        column: String::new(),
        reason: format!("cannot read: {e}"),
    })
}

/// One JSON document; a syntax or shape error is reported at its line and column.
fn read_json<T: DeserializeOwned>(reader: impl BufRead, file: &str) -> Result<T, Problem> {
    serde_json::from_reader(reader).map_err(|e| Problem {
        file: file.to_string(),
        line: e.line() as u64,
        column: if e.column() > 0 {
            format!("column {}", e.column())
        } else {
            String::new()
        },
        reason: format!("not criterion's JSON: {e}"),
    })
}
