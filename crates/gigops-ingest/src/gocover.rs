//! Go coverage profiles (`go test -coverprofile`), in any of the modes `set`, `count` and
//! `atomic`, one or several merged.
//!
//! A profile is a `mode: …` line followed by one line per basic block:
//! `path/file.go:startLine.startCol,endLine.endCol statements count`. The same block appears
//! more than once when profiles of several runs are merged or concatenated; it is counted once,
//! and covered when any of its counts is above zero. The percentage is statement coverage, summed
//! the way `go tool cover -func` sums its `total:` line.
//!
//! Each file also gets its lines, for patch coverage: every line from a block's start line to its
//! end line (both included) is instrumented, and a line is covered when any block spanning it
//! ran. A line can be spanned by several blocks (one block ends where the next starts, on the
//! same line), so these line counts are not the statement counts.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use gigops_core::evidence::{Coverage, CoverageUnit, FileCoverage, LineHit};

use crate::godecl::FuncExtent;
use gigops_core::{Problem, Problems};

const MODES: [&str; 3] = ["set", "count", "atomic"];
const BLOCK_SHAPE: &str = "expected `file:startLine.startCol,endLine.endCol statements count`";
/// The most lines one block may span. Go's blocks end at the next branch, so real ones span a
/// handful of lines; the limit keeps a corrupt profile (`a.go:1.1,4000000000.1 1 1`) from asking
/// for billions of line entries.
const MAX_BLOCK_LINES: u32 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Block {
    start: (u32, u32),
    end: (u32, u32),
    statements: u64,
}

/// Reads every profile, each named as the user should see it in messages, and merges them.
/// Every block counts, as in `go test -cover`'s percentage; [`parse_counting`] counts as
/// `go tool cover -func` does.
///
/// Repeated `mode:` lines (as when profiles are concatenated) and profiles of different modes are
/// accepted: only whether a block ran matters to coverage.
pub fn parse<'a, R: BufRead>(
    sources: impl IntoIterator<Item = (&'a str, R)>,
) -> Result<Coverage, Problems> {
    parse_counting(sources, |_| None)
}

/// As [`parse`], but counting in each file only the blocks within its function declarations,
/// as `go tool cover -func` counts them (statements and lines alike): `declarations` gives a
/// profile's file name's declarations ([`crate::godecl::function_declarations`] of its
/// source), or `None` when they cannot be known — then every block of the file counts, and the
/// file is listed in [`Coverage::counted_whole`].
pub fn parse_counting<'a, R: BufRead>(
    sources: impl IntoIterator<Item = (&'a str, R)>,
    mut declarations: impl FnMut(&str) -> Option<Vec<FuncExtent>>,
) -> Result<Coverage, Problems> {
    // file → block → covered
    let mut files: BTreeMap<String, HashMap<Block, bool>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, mut reader) in sources {
        read_profile(name, &mut reader, &mut files, &mut problems);
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let mut counted_whole = Vec::new();
    let files = files
        .into_iter()
        .map(|(path, mut blocks)| {
            match declarations(&path) {
                Some(functions) => blocks
                    .retain(|block, _| functions.iter().any(|f| f.holds(block.start, block.end))),
                None => counted_whole.push(path.clone()),
            }
            let (covered, total) = blocks
                .iter()
                .fold((0, 0), |(covered, total), (block, &hit)| {
                    let covered = if hit {
                        covered + block.statements
                    } else {
                        covered
                    };
                    (covered, total + block.statements)
                });
            FileCoverage {
                path,
                covered,
                total,
                lines: line_hits(&blocks),
            }
        })
        .collect();
    Ok(Coverage {
        unit: CoverageUnit::Statements,
        files,
        counted_whole,
    })
}

/// Every line some block spans, in order, covered when any block spanning it ran.
fn line_hits(blocks: &HashMap<Block, bool>) -> Vec<LineHit> {
    let mut lines: BTreeMap<u32, bool> = BTreeMap::new();
    for (block, &hit) in blocks {
        for line in block.start.0..=block.end.0 {
            *lines.entry(line).or_insert(false) |= hit;
        }
    }
    lines
        .into_iter()
        .map(|(line, covered)| LineHit { line, covered })
        .collect()
}

fn read_profile(
    name: &str,
    reader: &mut impl BufRead,
    files: &mut BTreeMap<String, HashMap<Block, bool>>,
    problems: &mut Vec<Problem>,
) {
    let problem = |line: u64, reason: String| Problem {
        file: name.to_string(),
        line,
        column: String::new(),
        reason,
    };
    let mut seen_mode = false;
    let mut buf = String::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        match reader.read_line(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                problems.push(problem(line_no + 1, format!("cannot read: {e}")));
                return;
            }
        }
        line_no += 1;
        let line = buf.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        if let Some(mode) = line.strip_prefix("mode:") {
            let mode = mode.trim();
            if !MODES.contains(&mode) {
                problems.push(problem(
                    line_no,
                    format!("unknown mode {mode:?}: expected one of set, count, atomic"),
                ));
            }
            seen_mode = true;
            continue;
        }
        if !seen_mode {
            problems.push(problem(
                line_no,
                "expected a `mode: set|count|atomic` line first".to_string(),
            ));
            // Report the header once; keep checking the blocks.
            seen_mode = true;
        }
        match parse_block(line) {
            Ok((file, block, count)) => {
                let covered = files
                    .entry(file.to_string())
                    .or_default()
                    .entry(block)
                    .or_insert(false);
                *covered |= count > 0;
            }
            Err(reason) => problems.push(problem(line_no, reason)),
        }
    }
    if !seen_mode {
        problems.push(problem(
            0,
            "empty profile: expected a `mode: set|count|atomic` line".to_string(),
        ));
    }
}

fn parse_block(line: &str) -> Result<(&str, Block, u64), String> {
    let bad = |what: &str| format!("{what} in {line:?}: {BLOCK_SHAPE}");
    let (rest, count) = line.rsplit_once(' ').ok_or_else(|| bad("too few fields"))?;
    let (place, statements) = rest.rsplit_once(' ').ok_or_else(|| bad("too few fields"))?;
    let count: u64 = count.parse().map_err(|_| bad("count is not a number"))?;
    let statements: u64 = statements
        .parse()
        .map_err(|_| bad("statement count is not a number"))?;
    let (file, range) = place.rsplit_once(':').ok_or_else(|| bad("no `file:`"))?;
    if file.is_empty() {
        return Err(bad("empty file name"));
    }
    let (start, end) = range
        .split_once(',')
        .ok_or_else(|| bad("no `start,end` range"))?;
    let position = |text: &str| -> Option<(u32, u32)> {
        let (line, col) = text.split_once('.')?;
        Some((line.parse().ok()?, col.parse().ok()?))
    };
    let start = position(start).ok_or_else(|| bad("bad start position"))?;
    let end = position(end).ok_or_else(|| bad("bad end position"))?;
    if start.0 == 0 {
        return Err(bad("line 0 (lines start at 1)"));
    }
    if end < start {
        return Err(bad("block ends before it starts"));
    }
    if end.0 - start.0 >= MAX_BLOCK_LINES {
        return Err(bad(&format!(
            "block spans more than {MAX_BLOCK_LINES} lines"
        )));
    }
    Ok((
        file,
        Block {
            start,
            end,
            statements,
        },
        count,
    ))
}
