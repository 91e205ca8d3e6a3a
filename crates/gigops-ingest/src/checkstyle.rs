//! Checkstyle XML reports: the format of the Checkstyle tool itself (`checkstyle -f xml`), also
//! written by golangci-lint (`--out-format checkstyle`), ESLint (the `eslint-formatter-checkstyle`
//! package; built into ESLint before 9), ktlint, detekt, PHP_CodeSniffer and others.
//!
//! The shape: `<checkstyle version="…">` → `<file name="…">` → `<error line="…" column="…"
//! severity="…" message="…" source="…"/>`, one `<error>` per finding. Each becomes a [`Finding`]:
//!
//! - tool: given by the caller; [`parse`] says [`DEFAULT_TOOL`], since the format does not name
//!   the tool that wrote it.
//! - rule: the `source` attribute as written: golangci-lint puts the linter there (`errcheck`),
//!   ESLint `eslint.rules.` and the rule (`eslint.rules.no-unused-vars`), Checkstyle the check's
//!   Java class (`com.puppycrawl.tools.checkstyle.checks.imports.UnusedImportsCheck`); an empty
//!   string when it is absent or empty (ESLint's parse errors).
//! - level: `severity` `error` → error, `warning` → warning, `info` → note, matched without
//!   regard to case; absent → error (Checkstyle's default severity, and what golangci-lint writes
//!   for an issue with none). `ignore` (a Checkstyle severity that its own XML logger leaves out)
//!   is not a finding. Any other severity is a problem: the gate cannot rank what it cannot read.
//! - `line` and `column`: 1-based; absent, empty or 0 is `None`.
//! - message: the `message` attribute, with its character references (`&#10;`) decoded.
//!
//! An `<exception>` (Checkstyle's XML logger writes one, holding a stack trace, inside the
//! `<file>` it could not process, or directly in `<checkstyle>` when it was about no one file) is
//! an error finding with an empty rule, no line, and the first line of the text as its message:
//! what it was about was not checked. Other elements are skipped.
//!
//! The report is streamed: memory does not grow with its size beyond the findings themselves.
//! Malformed XML stops the reading at the first error; every out-of-shape attribute is reported,
//! each with its line and column.

use std::io::BufRead;

use gigops_core::evidence::{Finding, FindingLevel, Findings};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::xml_position::Positions;
use gigops_core::{Problem, Problems};

/// The tool name [`parse`] gives every finding.
pub const DEFAULT_TOOL: &str = "checkstyle";

/// Reads one Checkstyle XML report; `file_name` names it in problems, and every finding's tool
/// is [`DEFAULT_TOOL`].
pub fn parse(reader: impl BufRead, file_name: &str) -> Result<Findings, Problems> {
    parse_with_tool(reader, file_name, DEFAULT_TOOL)
}

/// Reads one Checkstyle XML report whose findings are `tool`'s (`golangci-lint`, `eslint`).
pub fn parse_with_tool(
    reader: impl BufRead,
    file_name: &str,
    tool: &str,
) -> Result<Findings, Problems> {
    let mut report = Report {
        file_name,
        tool,
        reader: Reader::from_reader(Positions::new(reader)),
        findings: Vec::new(),
        problems: Vec::new(),
        root: Root::NotYet,
        depth: 0,
        file: None,
        exception: None,
    };
    report.read();
    if report.problems.is_empty() {
        Ok(Findings {
            findings: report.findings,
        })
    } else {
        Err(Problems(report.problems))
    }
}

#[derive(PartialEq)]
/// Where the reader is with respect to the `<checkstyle>` root element.
enum Root {
    NotYet,
    Open,
    Closed,
}

/// The `<file>` being read: its name (`None` when it had none, already reported) and depth.
struct File {
    path: Option<String>,
    depth: usize,
}

/// An `<exception>` whose text is being gathered.
struct Exception {
    /// The file it is about; `None` for an exception outside any `<file>`.
    path: Option<String>,
    /// `false` inside a `<file>` without a name (already reported): checked, counted nowhere.
    counted: bool,
    text: String,
}

/// An attribute value and the offset of the attribute in the document.
struct Attr {
    value: String,
    offset: u64,
}

struct Report<'a, R> {
    file_name: &'a str,
    tool: &'a str,
    reader: Reader<Positions<R>>,
    findings: Vec<Finding>,
    problems: Vec<Problem>,
    root: Root,
    /// How many elements are open.
    depth: usize,
    file: Option<File>,
    exception: Option<Exception>,
}

impl<R: BufRead> Report<'_, R> {
    fn problem_at(&mut self, offset: u64, reason: String) {
        let (line, column) = self.reader.get_ref().locate(offset);
        self.problems.push(Problem {
            file: self.file_name.to_string(),
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
                    // Broken markup cannot be read past.
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
                    if let Some(exception) = &mut self.exception {
                        exception.text.push_str(&text.decode().unwrap_or_default());
                    }
                    true
                }
                Event::CData(text) => {
                    if let Some(exception) = &mut self.exception {
                        exception.text.push_str(&text.decode().unwrap_or_default());
                    }
                    true
                }
                Event::GeneralRef(reference) => {
                    if let Some(exception) = &mut self.exception {
                        if let Ok(Some(c)) = reference.resolve_char_ref() {
                            exception.text.push(c);
                        } else if let Ok(name) = reference.decode()
                            && let Some(text) = quick_xml::escape::resolve_predefined_entity(&name)
                        {
                            exception.text.push_str(text);
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
                file: self.file_name.to_string(),
                line: 0,
                column: String::new(),
                reason: "no <checkstyle> element: the report is empty or not Checkstyle XML"
                    .to_string(),
            }),
            Root::Open => self.problem_at(
                end,
                "the report ends before </checkstyle>: it looks cut short".to_string(),
            ),
            Root::Closed => {}
        }
    }

    /// Takes in an opening (or empty) tag at `start`; `false` when the rest cannot be read as
    /// Checkstyle XML.
    fn open(&mut self, tag: &BytesStart<'_>, start: u64, empty: bool) -> bool {
        let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
        match self.root {
            Root::NotYet if name != "checkstyle" => {
                self.problem_at(
                    start,
                    format!(
                        "not a Checkstyle report: the root element is <{name}>, not <checkstyle>"
                    ),
                );
                return false;
            }
            Root::Closed => {
                self.problem_at(
                    start,
                    format!("<{name}> after </checkstyle>: a report has one root element"),
                );
                return false;
            }
            _ => {}
        }
        let wanted: &[&str] = match name.as_str() {
            "file" => &["name"],
            "error" => &["line", "column", "severity", "message", "source"],
            _ => &[],
        };
        // Every tag's attributes are checked, so that malformed markup anywhere is reported.
        let Ok(attributes) = self.attributes(tag, start, wanted) else {
            return false;
        };
        match name.as_str() {
            "checkstyle" if self.root == Root::NotYet => self.root = Root::Open,
            "file" => self.open_file(start, attributes),
            "error" => self.error(start, attributes),
            "exception" => self.open_exception(empty),
            _ => {}
        }
        if !empty {
            self.depth += 1;
        } else if name == "file" {
            // `<file name="…"/>`: a file without findings (ESLint lists every file it linted).
            self.file = None;
        } else if self.depth == 0 {
            // `<checkstyle/>`: a report with no files.
            self.root = Root::Closed;
        }
        true
    }

    fn open_file(&mut self, start: u64, attributes: Vec<Option<Attr>>) {
        if self.file.is_some() {
            self.problem_at(start, "a <file> inside a <file>".to_string());
        }
        let path = match attributes.into_iter().next().flatten() {
            Some(Attr { value, .. }) if !value.is_empty() => Some(value),
            Some(Attr { offset, .. }) => {
                self.problem_at(offset, "<file> with an empty name".to_string());
                None
            }
            None => {
                self.problem_at(start, "<file> without a name attribute".to_string());
                None
            }
        };
        // The depth it will be at once opened: closed again when the depth falls below it.
        self.file = Some(File {
            path,
            depth: self.depth + 1,
        });
    }

    fn error(&mut self, start: u64, attributes: Vec<Option<Attr>>) {
        let Some(file) = &self.file else {
            self.problem_at(
                start,
                "an <error> outside any <file>: expected <file name=\"…\"> around it".to_string(),
            );
            return;
        };
        let path = file.path.clone();
        let mut attributes = attributes.into_iter();
        let mut next = || attributes.next().flatten();
        let (line, column, severity, message, source) = (next(), next(), next(), next(), next());
        let mut ok = true;
        let line = self.number("line", line, &mut ok);
        let column = self.number("column", column, &mut ok);
        let level = match severity {
            None => Some(FindingLevel::Error),
            Some(Attr { value, offset }) => match value.trim().to_ascii_lowercase().as_str() {
                "error" => Some(FindingLevel::Error),
                "warning" => Some(FindingLevel::Warning),
                "info" => Some(FindingLevel::Note),
                "ignore" => None,
                _ => {
                    ok = false;
                    self.problem_at(
                        offset,
                        format!(
                            "unknown severity {value:?}: expected one of error, warning, info, \
                             ignore"
                        ),
                    );
                    None
                }
            },
        };
        // Also when the file had no name: its errors are checked, then counted nowhere.
        let (Some(level), true, Some(_)) = (level, ok, &path) else {
            return;
        };
        self.findings.push(Finding {
            tool: self.tool.to_string(),
            rule: source.map(|a| a.value).unwrap_or_default(),
            level,
            security_severity: None,
            message: message.map(|a| a.value).unwrap_or_default(),
            path,
            line,
            column,
        });
    }

    /// A 1-based `line` or `column`; absent, empty or 0 is `None`. Clears `ok` when it is not
    /// a number.
    fn number(&mut self, what: &str, attr: Option<Attr>, ok: &mut bool) -> Option<u32> {
        let Attr { value, offset } = attr?;
        let text = value.trim();
        if text.is_empty() {
            return None;
        }
        match text.parse::<u32>() {
            Ok(0) => None,
            Ok(n) => Some(n),
            Err(_) => {
                *ok = false;
                self.problem_at(
                    offset,
                    format!("{what} {value:?} is not a line number: expected a whole number ≥ 0"),
                );
                None
            }
        }
    }

    fn open_exception(&mut self, empty: bool) {
        let exception = Exception {
            path: self.file.as_ref().and_then(|f| f.path.clone()),
            counted: self.file.as_ref().is_none_or(|f| f.path.is_some()),
            text: String::new(),
        };
        if empty {
            self.finish_exception(exception);
        } else {
            self.exception = Some(exception);
        }
    }

    fn finish_exception(&mut self, exception: Exception) {
        if !exception.counted {
            return;
        }
        let message = exception
            .text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("the tool could not process this file")
            .to_string();
        self.findings.push(Finding {
            tool: self.tool.to_string(),
            rule: String::new(),
            level: FindingLevel::Error,
            security_severity: None,
            message,
            path: exception.path,
            line: None,
            column: None,
        });
    }

    fn close(&mut self) {
        // quick-xml checks that end tags match their start tags; only depth is followed here.
        if let Some(exception) = self.exception.take() {
            self.finish_exception(exception);
        }
        if self.file.as_ref().is_some_and(|f| f.depth == self.depth) {
            self.file = None;
        }
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 && self.root == Root::Open {
            self.root = Root::Closed;
        }
    }

    /// The values of the `wanted` attributes of a tag at `start`, in that order; every attribute
    /// is checked for well-formedness. `Err` when one is not (the problem is already reported).
    fn attributes(
        &mut self,
        tag: &BytesStart<'_>,
        start: u64,
        wanted: &[&str],
    ) -> Result<Vec<Option<Attr>>, ()> {
        let decoder = self.reader.decoder();
        // Offsets within the tag are counted from its name, which follows its `<`.
        let content = start + 1;
        let base = tag.as_ref().as_ptr() as usize;
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
            let offset = content + (key.as_ptr() as usize).saturating_sub(base) as u64;
            let Some(slot) = wanted.iter().position(|w| w.as_bytes() == key) else {
                continue;
            };
            match attribute.decode_and_unescape_value(decoder) {
                Ok(value) => {
                    found[slot] = Some(Attr {
                        value: value.into_owned(),
                        offset,
                    })
                }
                Err(e) => {
                    self.problem_at(offset, format!("attribute {}: {e}", wanted[slot]));
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
