//! Cobertura XML coverage reports, as written by coverage.py (`coverage xml`), gcovr
//! (`--cobertura`), cargo-llvm-cov and grcov (`--cobertura`), Istanbul/nyc/c8 (the `cobertura`
//! reporter) and the JaCoCo-to-Cobertura converters; one or several merged.
//!
//! The shape (coverage-04.dtd): `<coverage>` → `<packages>` → `<package>` → `<classes>` →
//! `<class filename="…">` → `<lines>` → `<line number="…" hits="…"/>`, with the lines of each
//! method repeated under `<class>` → `<methods>` → `<method>` → `<lines>`. Line coverage is
//! counted from the `<line>` elements alone, never from the `line-rate` or `lines-covered`
//! attributes: one file can be spread over several classes (a Java class and its inner classes,
//! all in one file) and a line can be listed more than once (under its class and its method), so
//! lines are merged per file, and a line is covered when any of its listings has hits.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use gigops_core::evidence::{Coverage, CoverageUnit};
use quick_xml::encoding::Decoder;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::lcov::{count_is_positive, file_coverage, line_number};
use crate::xml_position::Positions;
use gigops_core::{Problem, Problems};

/// Reads every report, each named as the user should see it in messages, and merges them.
///
/// Paths are the `filename` attributes as written. Tools write them relative to one of the
/// report's `<source>` directories (coverage.py, gcovr, Istanbul) or, some, absolute; gigops does
/// not join them to a `<source>`, which is often an absolute path of the machine that ran the
/// tests, so that the same project gives the same paths wherever its report was made.
pub fn parse<'a, R: BufRead>(
    sources: impl IntoIterator<Item = (&'a str, R)>,
) -> Result<Coverage, Problems> {
    parse_with_sources(sources).map(|(coverage, _)| coverage)
}

/// As [`parse`], with the `<source>` directories of the reports that named each file (its
/// `filename` is relative to one of them), for matching its files with another format's.
#[allow(clippy::type_complexity)]
pub fn parse_with_sources<'a, R: BufRead>(
    sources: impl IntoIterator<Item = (&'a str, R)>,
) -> Result<(Coverage, BTreeMap<String, BTreeSet<String>>), Problems> {
    // path → line → covered
    let mut files: BTreeMap<String, BTreeMap<u32, bool>> = BTreeMap::new();
    let mut roots: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, reader) in sources {
        let mut report = Report::new(name, reader, &mut files, &mut problems);
        report.read();
        let (named, report_roots) = (report.named, report.sources);
        for file in named {
            roots
                .entry(file)
                .or_default()
                .extend(report_roots.iter().cloned());
        }
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let coverage = Coverage {
        unit: CoverageUnit::Lines,
        files: files
            .into_iter()
            .map(|(path, lines)| file_coverage(path, lines))
            .collect(),
        counted_whole: Vec::new(),
    };
    Ok((coverage, roots))
}

/// Where the reader is in a report's element tree.
#[derive(PartialEq)]
enum Root {
    NotYet,
    /// `<coverage>` is open, and this many elements are open in all (1: `<coverage>` alone).
    Open(usize),
    Closed,
}

/// The `<class>` being read: its file (`None` when its `filename` was missing, so that its lines
/// are still checked but counted nowhere) and its depth.
struct Class {
    path: Option<String>,
    depth: usize,
}

/// One attribute value this parser reads and the offset of its name in the tag.
struct Attr {
    value: String,
    offset: u64,
}

struct Report<'f, R> {
    name: &'f str,
    reader: Reader<Positions<R>>,
    files: &'f mut BTreeMap<String, BTreeMap<u32, bool>>,
    problems: &'f mut Vec<Problem>,
    root: Root,
    class: Option<Class>,
    /// The files this report names.
    named: BTreeSet<String>,
    /// Its `<source>` directories, and the text of the one being read with its depth.
    sources: Vec<String>,
    source: Option<(String, usize)>,
}

impl<'f, R: BufRead> Report<'f, R> {
    fn new(
        name: &'f str,
        source: R,
        files: &'f mut BTreeMap<String, BTreeMap<u32, bool>>,
        problems: &'f mut Vec<Problem>,
    ) -> Self {
        Report {
            name,
            reader: Reader::from_reader(Positions::new(source)),
            files,
            problems,
            root: Root::NotYet,
            class: None,
            named: BTreeSet::new(),
            sources: Vec::new(),
            source: None,
        }
    }

    fn problem_at(&mut self, offset: u64, reason: String) {
        let (line, column) = self.reader.get_ref().locate(offset);
        self.problems.push(Problem {
            file: self.name.to_string(),
            line,
            column: format!("column {column}"),
            reason,
        });
    }

    fn read(&mut self) {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let start = self.reader.buffer_position();
            self.reader.get_mut().mark(start);
            let event = match self.reader.read_event_into(&mut buf) {
                Ok(event) => event,
                Err(e) => {
                    // The reader cannot resynchronise after broken markup: stop this report here.
                    let at = self.reader.error_position().max(start);
                    self.problem_at(at, format!("not well-formed XML: {e}"));
                    return;
                }
            };
            let keep_going = match event {
                Event::Start(tag) => self.open(&tag, start, false),
                Event::Empty(tag) => self.open(&tag, start, true),
                Event::End(_) => {
                    self.close();
                    true
                }
                Event::Text(text) => {
                    if let (Some((source, _)), Ok(text)) = (&mut self.source, text.decode()) {
                        source.push_str(&text);
                    }
                    true
                }
                Event::GeneralRef(reference) => {
                    if let Some((source, _)) = &mut self.source {
                        let name = reference.decode().unwrap_or_default();
                        let predefined = quick_xml::escape::resolve_predefined_entity(&name);
                        match (reference.resolve_char_ref(), predefined) {
                            (Ok(Some(c)), _) => source.push(c),
                            (_, Some(text)) => source.push_str(text),
                            _ => {}
                        }
                    }
                    true
                }
                Event::Eof => break,
                _ => true,
            };
            if !keep_going {
                return;
            }
        }
        let end = self.reader.buffer_position();
        match self.root {
            Root::NotYet => self.problems.push(Problem {
                file: self.name.to_string(),
                line: 0,
                column: String::new(),
                reason: "no <coverage> element: the report is empty or not Cobertura XML"
                    .to_string(),
            }),
            Root::Open(_) => self.problem_at(
                end,
                "the report ends before </coverage>: it looks cut short".to_string(),
            ),
            Root::Closed => {}
        }
    }

    /// Takes in an opening (or empty) tag at `start`; `false` when the rest of the report cannot
    /// be read as Cobertura.
    fn open(&mut self, tag: &BytesStart<'_>, start: u64, empty: bool) -> bool {
        let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
        let depth = match self.root {
            Root::NotYet if name == "coverage" => 0,
            Root::NotYet => {
                self.problem_at(
                    start,
                    format!("not a Cobertura report: the root element is <{name}>, not <coverage>"),
                );
                return false;
            }
            Root::Closed => {
                self.problem_at(
                    start,
                    format!("<{name}> after </coverage>: a report has one root element"),
                );
                return false;
            }
            Root::Open(depth) => depth,
        };
        if name == "source" && !empty {
            self.source = Some((String::new(), depth + 1));
        }
        let wanted: &[&[u8]] = match name.as_str() {
            "class" => &[b"filename"],
            "line" => &[b"number", b"hits"],
            _ => &[],
        };
        // Every tag's attributes are checked, so that malformed markup anywhere is reported.
        match (name.as_str(), self.attributes(tag, start, wanted)) {
            ("class", Ok(found)) => {
                self.open_class(start, depth, found.into_iter().next().flatten());
            }
            // Already reported: its lines are checked but counted nowhere.
            ("class", Err(())) => {
                self.class = Some(Class {
                    path: None,
                    depth: depth + 1,
                });
            }
            ("line", Ok(found)) => {
                let mut found = found.into_iter();
                let number = found.next().flatten();
                let hits = found.next().flatten();
                self.line(start, number, hits);
            }
            _ => {}
        }
        self.root = Root::Open(depth + 1);
        if empty {
            self.close();
        }
        true
    }

    fn open_class(&mut self, start: u64, depth: usize, filename: Option<Attr>) {
        if self.class.is_some() {
            self.problem_at(start, "a <class> inside a <class>".to_string());
        }
        let path = match filename {
            Some(Attr { value, .. }) if !value.is_empty() => {
                // A class with no lines (an `__init__.py` of only a docstring) still lists its file.
                self.files.entry(value.clone()).or_default();
                self.named.insert(value.clone());
                Some(value)
            }
            Some(Attr { offset, .. }) => {
                self.problem_at(start + offset, "<class> with an empty filename".to_string());
                None
            }
            None => {
                self.problem_at(start, "<class> without a filename attribute".to_string());
                None
            }
        };
        self.class = Some(Class {
            path,
            depth: depth + 1,
        });
    }

    fn line(&mut self, start: u64, number: Option<Attr>, hits: Option<Attr>) {
        let Some(class) = &self.class else {
            self.problem_at(
                start,
                "a <line> outside any <class>: expected <class filename=\"…\"> around it"
                    .to_string(),
            );
            return;
        };
        let path = class.path.clone();
        let (number, hits) = match (number, hits) {
            (Some(number), Some(hits)) => (number, hits),
            (number, _) => {
                let missing = if number.is_none() { "number" } else { "hits" };
                self.problem_at(start, format!("<line> without a {missing} attribute"));
                return;
            }
        };
        let line = match line_number(&number.value) {
            Ok(line) => Some(line),
            Err(why) => {
                let reason = format!("<line> number {:?} {why}", number.value);
                self.problem_at(start + number.offset, reason);
                None
            }
        };
        let covered = match count_is_positive(&hits.value) {
            Ok(covered) => Some(covered),
            Err(why) => {
                let reason = format!("<line> hits {:?} {why}", hits.value);
                self.problem_at(start + hits.offset, reason);
                None
            }
        };
        if let (Some(path), Some(line), Some(covered)) = (path, line, covered) {
            let lines = self.files.entry(path).or_default();
            *lines.entry(line).or_insert(false) |= covered;
        }
    }

    fn close(&mut self) {
        // quick-xml checks that end tags match their start tags; only depth is followed here.
        let Root::Open(depth) = self.root else {
            return;
        };
        if self.class.as_ref().is_some_and(|c| c.depth == depth) {
            self.class = None;
        }
        if self.source.as_ref().is_some_and(|(_, d)| *d == depth)
            && let Some((source, _)) = self.source.take()
            && !source.trim().is_empty()
        {
            self.sources.push(source.trim().to_string());
        }
        self.root = if depth <= 1 {
            Root::Closed
        } else {
            Root::Open(depth - 1)
        };
    }

    /// The values of the `wanted` attributes of a tag at `start`, in that order; every attribute
    /// is checked for well-formedness. `Err` when one is not (the problem is already reported).
    fn attributes(
        &mut self,
        tag: &BytesStart<'_>,
        start: u64,
        wanted: &[&[u8]],
    ) -> Result<Vec<Option<Attr>>, ()> {
        let decoder: Decoder = self.reader.decoder();
        // Offsets are counted from the tag's content, which follows its `<`.
        let content = start + 1;
        let bytes: &[u8] = tag;
        let base = bytes.as_ptr() as usize;
        let mut found: Vec<Option<Attr>> = wanted.iter().map(|_| None).collect();
        for attribute in tag.attributes() {
            let attribute = match attribute {
                Ok(attribute) => attribute,
                Err(e) => {
                    let (at, what) = describe(&e);
                    self.problem_at(content + at as u64, format!("not well-formed XML: {what}"));
                    return Err(());
                }
            };
            let key = attribute.key.as_ref();
            let offset = (key.as_ptr() as usize).saturating_sub(base) as u64;
            let Some(slot) = wanted.iter().position(|w| *w == key) else {
                continue;
            };
            match attribute.decode_and_unescape_value(decoder) {
                Ok(value) => {
                    found[slot] = Some(Attr {
                        value: value.into_owned(),
                        offset: 1 + offset,
                    })
                }
                Err(e) => {
                    let reason =
                        format!("attribute {}: {e}", String::from_utf8_lossy(wanted[slot]));
                    self.problem_at(content + offset, reason);
                    return Err(());
                }
            }
        }
        Ok(found)
    }
}

/// Where in its tag an attribute error is, and what it is in words.
fn describe(error: &AttrError) -> (usize, &'static str) {
    match *error {
        AttrError::ExpectedEq(at) => (at, "an attribute name without `=` and a value"),
        AttrError::ExpectedValue(at) => (at, "`=` without an attribute value"),
        AttrError::UnquotedValue(at) => (at, "an attribute value without quotes"),
        AttrError::ExpectedQuote(at, _) => (at, "an attribute value without its closing quote"),
        AttrError::Duplicated(at, _) => (at, "an attribute given twice"),
    }
}
