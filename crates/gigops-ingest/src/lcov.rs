//! LCOV tracefiles (`lcov.info`), as written by lcov/geninfo 1.x and 2.x, gcovr, coverage.py,
//! Istanbul/nyc/c8, llvm-cov and grcov, one or several merged.
//!
//! A tracefile is a list of sections, one per source file (and per test name, when a tracefile
//! keeps tests apart): `SF:<path>`, then records, then `end_of_record`. Only line coverage is
//! read, from the `DA:<line>,<count>[,<checksum>]` records; the other records are checked for
//! their shape and otherwise ignored. The summaries (`LF`, `LH`) are never trusted: the totals
//! are counted from the `DA` lines, so that the same file in several sections, or in several
//! tracefiles, is counted once per line, and a line is covered when any section ran it.

use std::collections::BTreeMap;
use std::io::BufRead;

use gigops_core::evidence::{Coverage, CoverageUnit, FileCoverage, LineHit};

use gigops_core::{Problem, Problems};

/// Reads every tracefile, each named as the user should see it in messages, and merges them.
///
/// Paths are kept as the `SF` records give them (absolute for lcov, gcovr and c8; relative for
/// coverage.py): two spellings of one file are two files.
pub fn parse<'a, R: BufRead>(
    sources: impl IntoIterator<Item = (&'a str, R)>,
) -> Result<Coverage, Problems> {
    // path → line → covered
    let mut files: BTreeMap<String, BTreeMap<u32, bool>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, mut reader) in sources {
        let mut found = Vec::new();
        read_tracefile(name, &mut reader, &mut files, &mut found);
        // The place of a section left open is only known at its end: restore line order.
        found.sort_by_key(|p| p.line);
        problems.append(&mut found);
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    Ok(Coverage {
        unit: CoverageUnit::Lines,
        files: files
            .into_iter()
            .map(|(path, lines)| file_coverage(path, lines))
            .collect(),
        counted_whole: Vec::new(),
    })
}

/// The coverage of one file from its merged lines; shared with the Cobertura parser.
pub(crate) fn file_coverage(path: String, lines: BTreeMap<u32, bool>) -> FileCoverage {
    let covered = lines.values().filter(|&&covered| covered).count() as u64;
    FileCoverage {
        path,
        covered,
        total: lines.len() as u64,
        lines: lines
            .into_iter()
            .map(|(line, covered)| LineHit { line, covered })
            .collect(),
    }
}

/// Whether an execution count is above zero; `Err` says why the text is not a count.
///
/// Counts are decimal and may be larger than any integer type (a runaway 64-bit counter has been
/// seen in the wild) or carry a fractional part, so only whether a digit other than 0 appears is
/// decided. A negative count is an error, as lcov itself treats it (gcov writes one when counters
/// of several threads raced; lcov suggests `-fprofile-update=atomic`).
pub(crate) fn count_is_positive(text: &str) -> Result<bool, &'static str> {
    if text.starts_with('-') {
        return Err("is negative");
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || text.ends_with('.') {
        return Err("is not a count");
    }
    Ok(text.bytes().any(|b| (b'1'..=b'9').contains(&b)))
}

/// A 1-based source line number; `Err` says why the text is not one.
pub(crate) fn line_number(text: &str) -> Result<u32, &'static str> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a line number");
    }
    match text.parse::<u32>() {
        Ok(0) => Err("is 0, and lines start at 1"),
        Ok(line) => Ok(line),
        Err(_) => Err("is too large for a line number"),
    }
}

/// The section being read: its path (`None` when its `SF` had none, so that its records are
/// still checked but nothing is counted for them), and the line of its `SF` record.
struct Section {
    path: Option<String>,
    opened_at: u64,
}

fn read_tracefile(
    name: &str,
    reader: &mut impl BufRead,
    files: &mut BTreeMap<String, BTreeMap<u32, bool>>,
    problems: &mut Vec<Problem>,
) {
    let problem = |line: u64, reason: String| Problem {
        file: name.to_string(),
        line,
        column: String::new(),
        reason,
    };
    let unclosed = |section: &Section| {
        problem(
            section.opened_at,
            format!(
                "the section of {} has no `end_of_record`: every section must end with one \
                 (a tracefile cut short loses its last lines)",
                section
                    .path
                    .as_deref()
                    .map_or("`SF:`".to_string(), |p| format!("{p:?}"))
            ),
        )
    };
    let mut section: Option<Section> = None;
    let mut sections = 0u64;
    let mut bytes = Vec::new();
    let mut line_no = 0u64;
    loop {
        bytes.clear();
        match reader.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                problems.push(problem(line_no + 1, format!("cannot read: {e}")));
                return;
            }
        }
        line_no += 1;
        let Ok(text) = std::str::from_utf8(&bytes) else {
            problems.push(problem(line_no, "not UTF-8 text".to_string()));
            continue;
        };
        let record = text.trim_end_matches(['\n', '\r']).trim();
        // Blank lines and lcov 2's `#` comments carry nothing.
        if record.is_empty() || record.starts_with('#') {
            continue;
        }
        if record == "end_of_record" {
            if section.take().is_none() {
                problems.push(problem(
                    line_no,
                    "`end_of_record` without a section: expected `SF:<path>` first".to_string(),
                ));
            }
            continue;
        }
        let Some((kind, value)) = record
            .split_once(':')
            .filter(|(kind, _)| is_record_kind(kind))
        else {
            problems.push(problem(
                line_no,
                format!(
                    "{} is not an LCOV record: expected `KIND:value` or `end_of_record`",
                    quote(record)
                ),
            ));
            continue;
        };
        match kind {
            // A test name may stand before a section or, in tracefiles of several tests, anywhere.
            "TN" => {}
            "SF" => {
                if let Some(open) = section.take() {
                    problems.push(unclosed(&open));
                }
                sections += 1;
                let path = if value.is_empty() {
                    problems.push(problem(line_no, "`SF:` without a path".to_string()));
                    None
                } else {
                    // A file with no instrumented line (`__init__.py`) is listed all the same.
                    files.entry(value.to_string()).or_default();
                    Some(value.to_string())
                };
                section = Some(Section {
                    path,
                    opened_at: line_no,
                });
            }
            _ => {
                let Some(open) = &section else {
                    problems.push(problem(
                        line_no,
                        format!("`{kind}` record outside a section: expected `SF:<path>` first"),
                    ));
                    continue;
                };
                match record_shape(kind, value) {
                    Ok(Some((line, covered))) => {
                        if let Some(lines) = open.path.as_ref().and_then(|p| files.get_mut(p)) {
                            *lines.entry(line).or_insert(false) |= covered;
                        }
                    }
                    Ok(None) => {}
                    Err(reason) => {
                        problems.push(problem(line_no, format!("{}: {reason}", quote(record))))
                    }
                }
            }
        }
    }
    if let Some(open) = section {
        problems.push(unclosed(&open));
    }
    if sections == 0 && problems.is_empty() {
        problems.push(problem(
            0,
            "no `SF:` section: the tracefile is empty or not LCOV".to_string(),
        ));
    }
}

/// Record kinds are upper-case words (`DA`, `BRDA`, `FNL`): `da:1,1` or `DA :1,1` is not a
/// record of some unknown kind, to be skipped, but a typo to report.
fn is_record_kind(kind: &str) -> bool {
    kind.starts_with(|c: char| c.is_ascii_uppercase())
        && kind
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A record as the user should see it in a message: quoted, and shortened when very long.
fn quote(record: &str) -> String {
    const LONGEST: usize = 120;
    match record.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{:?}…", &record[..cut]),
        None => format!("{record:?}"),
    }
}

/// Checks one record inside a section; a `DA` record gives its line and whether it ran.
///
/// Record kinds this parser does not know (lcov 2's `MCDC`, `MCF`, `MCH`, and whatever comes
/// next) are accepted unread, so that a newer lcov does not break the gate.
fn record_shape(kind: &str, value: &str) -> Result<Option<(u32, bool)>, String> {
    let fields: Vec<&str> = value.split(',').collect();
    let count = |text: &str| count_is_positive(text).map_err(|why| format!("count {text:?} {why}"));
    let line = |text: &str| line_number(text).map_err(|why| format!("line {text:?} {why}"));
    let number = |what: &str, text: &str| {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(())
        } else {
            Err(format!("{what} {text:?} is not a number"))
        }
    };
    let at_least = |n: usize, shape: &str| {
        if fields.len() >= n && fields.iter().take(n).all(|f| !f.is_empty()) {
            Ok(())
        } else {
            Err(format!("expected `{kind}:{shape}`"))
        }
    };
    match kind {
        "DA" => {
            // A third field is the line's checksum (geninfo --checksum, gcovr).
            if !(2..=3).contains(&fields.len()) {
                return Err("expected `DA:<line>,<count>[,<checksum>]`".to_string());
            }
            return Ok(Some((line(fields[0])?, count(fields[1])?)));
        }
        // lcov 1: `FN:<line>,<name>`; lcov 2.0/2.1 add the end line: `FN:<line>,<end>,<name>`.
        // A C++ name may hold commas.
        "FN" => {
            at_least(2, "<line>,[<end line>,]<name>")?;
            line(fields[0])?;
        }
        "FNDA" => {
            at_least(2, "<count>,<name>")?;
            count(fields[0])?;
        }
        // lcov 2.2: `FNL:<index>,<line>[,<end line>]` and `FNA:<index>,<count>,<name>`.
        "FNL" => {
            if !(2..=3).contains(&fields.len()) {
                return Err("expected `FNL:<index>,<line>[,<end line>]`".to_string());
            }
            number("index", fields[0])?;
            for text in &fields[1..] {
                line(text)?;
            }
        }
        "FNA" => {
            at_least(3, "<index>,<count>,<name>")?;
            number("index", fields[0])?;
            count(fields[1])?;
        }
        // `BRDA:<line>,[e]<block>,<branch>,<taken>`; lcov 2 and coverage.py write an expression
        // (which may hold commas) as the branch, and coverage.py has written line 0, so only the
        // line's digits and the taken count are checked. `-`: the branch's block never ran.
        "BRDA" => {
            at_least(4, "<line>,<block>,<branch>,<taken>")?;
            number("line", fields[0])?;
            let taken = fields[fields.len() - 1];
            if taken != "-" {
                count(taken)?;
            }
        }
        "LF" | "LH" | "FNF" | "FNH" | "BRF" | "BRH" => number("total", value)?,
        _ => {}
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_positive_when_any_digit_is_not_zero() {
        assert_eq!(count_is_positive("0"), Ok(false));
        assert_eq!(count_is_positive("000"), Ok(false));
        assert_eq!(count_is_positive("0.0"), Ok(false));
        assert_eq!(count_is_positive("7"), Ok(true));
        assert_eq!(count_is_positive("0.5"), Ok(true));
        // Past u64::MAX: still a count, and it ran.
        assert_eq!(count_is_positive("99999999999999999999999"), Ok(true));
        for bad in ["", "-1", "1e3", "x", "1.", ".5", "1.2.3", " 1"] {
            assert!(count_is_positive(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn line_numbers_start_at_one_and_fit_u32() {
        assert_eq!(line_number("1"), Ok(1));
        assert_eq!(line_number("4294967295"), Ok(u32::MAX));
        for bad in ["0", "4294967296", "", "-1", "+1", "1.0"] {
            assert!(line_number(bad).is_err(), "{bad:?}");
        }
    }
}
