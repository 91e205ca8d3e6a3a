//! A streaming reader of XML markup for the JUnit reader: tags, attributes, text, character and
//! entity references, CDATA sections, comments, processing instructions and a DOCTYPE, each
//! handed to a [`Sink`] with its line and column, from a window over the input that holds only
//! the piece being read.
//!
//! Written here rather than taken from quick-xml, which the Cobertura and checkstyle readers use:
//! a JUnit report of a million testcases is a million small tags, and quick-xml's buffered
//! reader, with its attribute checks and the line counting gigops adds around it, read them at
//! about a tenth of the speed gigops must reach (see BENCHMARKS.md). This reader does what a
//! JUnit report needs and checks what makes a document well-formed where a report could break
//! it — names, attribute syntax, repeated attributes, references, unclosed constructs; matching
//! end tags is the sink's, which keeps the open elements — and reports anything else as a
//! problem at its place. Text is handed out in pieces, so a long `<system-out>` is never held
//! whole; a tag, a comment or a DOCTYPE is held whole while it is read.

use std::borrow::Cow;
use std::io::{self, BufRead};
use std::ops::Range;

/// How much is read from the input at a time.
const CHUNK: usize = 256 * 1024;

/// The longest entity reference read in text (`&#x10FFFF;` and every predefined one fit).
const MAX_REFERENCE: usize = 12;

const CDATA_START: &[u8] = b"<![CDATA[";

/// A problem that ends the reading, already told to the sink.
pub(crate) struct Stop;

/// What the markup is handed to.
pub(crate) trait Sink {
    fn start(&mut self, tag: &Tag<'_>) -> Result<(), Stop>;
    /// An element with nothing in it: `<a/>`, or `<a></a>` with nothing between.
    fn empty(&mut self, tag: &Tag<'_>) -> Result<(), Stop> {
        self.start(tag)?;
        self.end(tag.name(), tag.line, tag.column)
    }
    /// An end tag, or the end of an empty-element tag (then `name` is the tag's).
    fn end(&mut self, name: &[u8], line: u64, column: u64) -> Result<(), Stop>;
    /// Text, its references resolved, in pieces. Returns the index of a byte in `bytes` to be
    /// reported as text where none may stand (outside the root element), if any.
    fn text(&mut self, bytes: &[u8]) -> Option<usize>;
    fn cdata(&mut self, bytes: &[u8]);
    /// The text between two pieces of markup has all been handed over.
    fn end_text_node(&mut self);
    fn problem(&mut self, line: u64, column: u64, reason: String);
}

/// A start tag or empty-element tag.
pub(crate) struct Tag<'a> {
    /// The whole tag, `<` to `>`, checked to be UTF-8 once; the ranges below are in it (and fall
    /// on character boundaries: they start and end at ASCII delimiters).
    text: &'a str,
    name: Range<usize>,
    attributes: &'a [Attribute],
    pub(crate) line: u64,
    pub(crate) column: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Attribute {
    name: Range<usize>,
    /// Where the name's local part starts: after its prefix's colon, if it has one.
    local: usize,
    value: Range<usize>,
    /// The value may hold a reference to resolve or a character XML does not allow: an `&`, a
    /// control character or the lead byte of U+FFFE/U+FFFF (found while the value was scanned,
    /// so that a plain value is not looked at twice).
    unusual: bool,
}

/// An attribute's value as written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawValue<'a> {
    pub(crate) text: &'a str,
    unusual: bool,
}

impl<'a> RawValue<'a> {
    /// The value as text: its references resolved and its characters checked; borrowed when it
    /// has no reference.
    #[inline]
    pub(crate) fn decode(self) -> Result<Cow<'a, str>, String> {
        if self.unusual {
            attribute_value(self.text)
        } else {
            Ok(Cow::Borrowed(self.text))
        }
    }
}

impl<'a> Tag<'a> {
    /// The name as written, prefix included.
    pub(crate) fn name(&self) -> &'a [u8] {
        &self.text.as_bytes()[self.name.clone()]
    }

    /// Each attribute's local name (its prefix dropped) and raw value.
    pub(crate) fn attributes(&self) -> impl Iterator<Item = (&'a [u8], RawValue<'a>)> + '_ {
        let text: &'a str = self.text;
        self.attributes.iter().map(move |a| {
            (
                &text.as_bytes()[a.local..a.name.end],
                RawValue {
                    text: &text[a.value.clone()],
                    unusual: a.unusual,
                },
            )
        })
    }
}

/// A name without its namespace prefix (`xsi:type` → `type`).
pub(crate) fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// An attribute's value as text: its references resolved; not borrowed only when it has some.
/// A character XML 1.0 does not allow (a control character other than tab, line feed and
/// carriage return, U+FFFE, U+FFFF), written or referenced, is an error: a test named with one
/// could not be written back, and two names that differ only there would become one.
pub(crate) fn attribute_value(text: &str) -> Result<Cow<'_, str>, String> {
    if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
        return Err(forbidden(c));
    }
    if find_byte(text.as_bytes(), b'&').is_none() {
        return Ok(Cow::Borrowed(text));
    }
    let mut value = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        value.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after
            .find(';')
            .filter(|&end| end < MAX_REFERENCE)
            .ok_or_else(|| {
                "an `&` that starts no entity reference (write `&amp;` for a literal `&`)"
                    .to_string()
            })?;
        let name = &after[..end];
        let c = resolve_reference(name)
            .ok_or_else(|| format!("unknown entity reference `&{name};`"))?;
        if !is_xml_char(c) {
            return Err(forbidden(c));
        }
        value.push(c);
        rest = &after[end + 1..];
    }
    value.push_str(rest);
    Ok(Cow::Owned(value))
}

/// A character XML 1.0 allows in a document (its `Char` production; Rust strings hold no
/// surrogates).
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

fn forbidden(c: char) -> String {
    format!(
        "the character U+{:04X} in an attribute value, which XML does not allow",
        u32::from(c)
    )
}

/// The character an entity reference (without `&` and `;`) stands for: one of XML's five
/// predefined entities or a character reference.
pub(crate) fn resolve_reference(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')
        }
    }
}

/// Reads the whole input into `sink`; returns the number of the last line.
pub(crate) fn read(reader: impl BufRead, sink: &mut impl Sink) -> u64 {
    let mut source = Source::new(reader);
    let _ = read_all(&mut source, sink);
    source.line
}

fn read_all<R: BufRead>(source: &mut Source<R>, sink: &mut impl Sink) -> Result<(), Stop> {
    let mut attributes = Vec::new();
    // A byte order mark, not counted as a column.
    source.fill(3, sink)?;
    if source.available().starts_with(b"\xEF\xBB\xBF") {
        source.advance(3);
        source.line_start += 3;
    }
    loop {
        read_text(source, sink)?;
        sink.end_text_node();
        if !source.fill(2, sink)? && source.available().is_empty() {
            return Ok(());
        }
        read_markup(source, sink, &mut attributes)?;
    }
}

/// Text up to the next `<` that is not a CDATA section, or the end of the input.
fn read_text<R: BufRead>(source: &mut Source<R>, sink: &mut impl Sink) -> Result<(), Stop> {
    loop {
        if !source.fill(1, sink)? && source.available().is_empty() {
            return Ok(());
        }
        let available = source.available();
        // Most text is the indentation between two tags: looked at directly before searching.
        let short = available.len().min(16);
        let next = match available[..short]
            .iter()
            .position(|&b| b == b'<' || b == b'&')
        {
            Some(next) => next,
            None => memchr::memchr2(b'<', b'&', &available[short..])
                .map_or(available.len(), |n| short + n),
        };
        if next > 0 {
            let piece = &available[..next];
            if let Some(stray) = sink.text(piece) {
                let (line, column) = source.position(stray);
                sink.problem(line, column, "text outside the root element".into());
            }
            source.advance(next);
            continue;
        }
        if available[0] == b'<' {
            // A CDATA section is text: part of the text node it stands in.
            source.fill(CDATA_START.len(), sink)?;
            if !source.available().starts_with(CDATA_START) {
                return Ok(());
            }
            let (line, column) = source.position(0);
            source.advance(CDATA_START.len());
            read_cdata(source, sink, line, column)?;
            continue;
        }
        source.fill(MAX_REFERENCE, sink)?;
        let available = source.available();
        let (line, column) = source.position(0);
        let Some(end) = available
            .iter()
            .take(MAX_REFERENCE)
            .position(|&b| b == b';')
        else {
            sink.problem(
                line,
                column,
                "an `&` that starts no entity reference (write `&amp;` for a literal `&`)".into(),
            );
            return Err(Stop);
        };
        let name = String::from_utf8_lossy(&available[1..end]);
        let Some(ch) = resolve_reference(&name) else {
            sink.problem(line, column, format!("unknown entity reference `&{name};`"));
            return Err(Stop);
        };
        let mut encoded = [0u8; 4];
        // A reference outside the root element is reported with the `<` that follows.
        let _ = sink.text(ch.encode_utf8(&mut encoded).as_bytes());
        source.advance(end + 1);
    }
}

/// The markup starting at the `<` the input stands at.
fn read_markup<R: BufRead>(
    source: &mut Source<R>,
    sink: &mut impl Sink,
    attributes: &mut Vec<Attribute>,
) -> Result<(), Stop> {
    let (line, column) = source.position(0);
    match source.available().get(1) {
        Some(b'/') => {
            let len = loop {
                if let Some(end) = memchr::memchr(b'>', source.available()) {
                    break end + 1;
                }
                if !source.more(sink)? {
                    sink.problem(
                        line,
                        column,
                        "not XML: an end tag that is never closed".into(),
                    );
                    return Err(Stop);
                }
            };
            let inner = &source.available()[2..len - 1];
            let name = trim_end(inner);
            if name.is_empty() || name.iter().any(|b| b.is_ascii_whitespace()) {
                sink.problem(line, column, "not XML: a malformed end tag".into());
                return Err(Stop);
            }
            sink.end(name, line, column)?;
            source.advance(len);
        }
        Some(b'?') => {
            let len = source.until(b"?>", 2, sink, line, column, "a processing instruction")?;
            source.advance(len);
        }
        Some(b'!') => {
            source.fill(CDATA_START.len(), sink)?;
            let available = source.available();
            if available.starts_with(b"<!--") {
                let len = source.until(b"-->", 4, sink, line, column, "a comment")?;
                source.advance(len);
            } else if available.starts_with(b"<!DOCTYPE") {
                let len = doctype_end(source, sink, line, column)?;
                source.advance(len);
            } else {
                sink.problem(
                    line,
                    column,
                    "not XML: `<!` starts neither a comment, a CDATA section nor a DOCTYPE".into(),
                );
                return Err(Stop);
            }
        }
        Some(_) => {
            let (len, name, empty) = loop {
                match scan_tag(source.available(), attributes) {
                    Scanned::Tag { len, name, empty } => break (len, name, empty),
                    Scanned::Incomplete => {
                        if !source.more(sink)? {
                            sink.problem(
                                line,
                                column,
                                "not XML: the input ends inside this tag".into(),
                            );
                            return Err(Stop);
                        }
                    }
                    Scanned::Malformed { at, reason } => {
                        let (line, column) = source.position(at);
                        sink.problem(line, column, format!("not XML: {reason}"));
                        return Err(Stop);
                    }
                }
            };
            // `<a></a>` is read as `<a/>`: a testcase without output is most of a report.
            let mut len = len;
            let mut empty = empty;
            if !empty {
                let closing = 2 + (name.end - name.start) + 1;
                source.fill(len + closing, sink)?;
                let after = &source.available()[len..];
                if after.len() >= closing
                    && after.starts_with(b"</")
                    && after[2..closing - 1] == source.available()[name.clone()]
                    && after[closing - 1] == b'>'
                {
                    len += closing;
                    empty = true;
                }
            }
            let Ok(text) = std::str::from_utf8(&source.available()[..len]) else {
                sink.problem(line, column, "not XML: this tag is not UTF-8".into());
                return Err(Stop);
            };
            let tag = Tag {
                text,
                name,
                attributes,
                line,
                column,
            };
            if empty {
                sink.empty(&tag)?;
            } else {
                sink.start(&tag)?;
            }
            source.advance(len);
        }
        None => {
            sink.problem(line, column, "not XML: the input ends after a `<`".into());
            return Err(Stop);
        }
    }
    Ok(())
}

/// The inside of a CDATA section, after its `<![CDATA[`, which stood at `line`, `column`;
/// handed out in pieces.
fn read_cdata<R: BufRead>(
    source: &mut Source<R>,
    sink: &mut impl Sink,
    line: u64,
    column: u64,
) -> Result<(), Stop> {
    let close = memchr::memmem::Finder::new(b"]]>");
    loop {
        let more = source.fill(3, sink)?;
        let available = source.available();
        if let Some(at) = close.find(available) {
            sink.cdata(&available[..at]);
            source.advance(at + 3);
            return Ok(());
        }
        if !more && available.len() < 3 {
            sink.problem(line, column, "a CDATA section that is never closed".into());
            return Err(Stop);
        }
        // All but what could be the start of a `]]>` cut in two.
        let safe = available.len().saturating_sub(2);
        if safe == 0 {
            if !source.more(sink)? {
                sink.problem(line, column, "a CDATA section that is never closed".into());
                return Err(Stop);
            }
            continue;
        }
        sink.cdata(&available[..safe]);
        source.advance(safe);
    }
}

/// The length of the DOCTYPE declaration the input starts with, internal subset included.
fn doctype_end<R: BufRead>(
    source: &mut Source<R>,
    sink: &mut impl Sink,
    line: u64,
    column: u64,
) -> Result<usize, Stop> {
    loop {
        let available = source.available();
        let mut depth = 0u32;
        let mut quote = None;
        for (i, &b) in available.iter().enumerate() {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'[') => depth += 1,
                (None, b']') => depth = depth.saturating_sub(1),
                (None, b'>') if depth == 0 => return Ok(i + 1),
                _ => {}
            }
        }
        if !source.more(sink)? {
            sink.problem(line, column, "a DOCTYPE that is never closed".into());
            return Err(Stop);
        }
    }
}

enum Scanned {
    Tag {
        len: usize,
        name: Range<usize>,
        empty: bool,
    },
    /// The window ends inside the tag.
    Incomplete,
    Malformed {
        at: usize,
        reason: String,
    },
}

/// What a byte is to the tag scanner.
const SPACE: u8 = 1;
/// Ends a name: a space, `/`, `>` or `=`.
const ENDS_NAME: u8 = 2;
/// Ends a name's prefix: `:`.
const COLON: u8 = 4;

static CLASSES: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut spaces: &[u8] = b" \t\n\r";
    while let [space, rest @ ..] = spaces {
        classes[*space as usize] = SPACE | ENDS_NAME;
        spaces = rest;
    }
    classes[b'/' as usize] = ENDS_NAME;
    classes[b'>' as usize] = ENDS_NAME;
    classes[b'=' as usize] = ENDS_NAME;
    classes[b':' as usize] = COLON;
    classes
};

#[inline]
fn is_space(b: u8) -> bool {
    CLASSES[b as usize] & SPACE != 0
}

/// The index of the first byte at or after `at` that ends a name, if any.
#[inline]
fn name_end(bytes: &[u8], at: usize) -> Option<usize> {
    bytes
        .get(at..)?
        .iter()
        .position(|&b| CLASSES[b as usize] & ENDS_NAME != 0)
        .map(|n| at + n)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is `byte`; the lowest one set is exact (the bit
/// trick of "determine if a word has a zero byte", Anderson's bit twiddling hacks).
#[inline]
fn bytes_equal_to(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

#[inline]
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at + 8)?;
    Some(u64::from_le_bytes(chunk.try_into().expect("eight bytes")))
}

/// The index of the first `byte` in `bytes`, eight bytes at a time: values and names are too
/// short for a vectorised search to pay for its set-up.
#[inline]
fn find_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    let mut at = 0;
    while let Some(word) = word_at(bytes, at) {
        let found = bytes_equal_to(word, byte);
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b == byte).map(|i| at + i)
}

/// The index of the first byte at or after `at` that ends a name, if any, and of the colon
/// that ends its prefix, if it has one.
#[inline]
fn attribute_name_end(bytes: &[u8], at: usize) -> Option<(usize, Option<usize>)> {
    let mut colon = None;
    for (i, &b) in bytes.get(at..)?.iter().enumerate() {
        let class = CLASSES[b as usize];
        if class & ENDS_NAME != 0 {
            return Some((at + i, colon));
        }
        if class & COLON != 0 && colon.is_none() {
            colon = Some(at + i);
        }
    }
    None
}

/// The high bit of each byte of `word` below `n` (at most 128); as with [`bytes_equal_to`], the
/// lowest one set is exact, and none is set when no byte is below `n`.
#[inline]
fn bytes_below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS
}

/// Whether a value byte asks for a closer look when the value is decoded (see
/// [`Attribute::unusual`]).
#[inline]
fn is_unusual(b: u8) -> bool {
    b == b'&' || b < 0x20 || b == 0xEF
}

/// The index of the quote that closes an attribute value starting at `at`, or of a `<` before
/// it (which is an error), and whether an unusual byte ([`is_unusual`]) stands before it;
/// `None` when the window ends first.
#[inline]
fn value_end(bytes: &[u8], mut at: usize, quote: u8) -> Option<(usize, bool)> {
    let mut unusual = false;
    while let Some(word) = word_at(bytes, at) {
        let found = bytes_equal_to(word, quote) | bytes_equal_to(word, b'<');
        let marks =
            bytes_equal_to(word, b'&') | bytes_below(word, 0x20) | bytes_equal_to(word, 0xEF);
        if found != 0 {
            // The bits below the first end: a mark there is in the value. (A false bit only
            // ever stands above a true one, so this is exact where it matters.)
            let before_end = (found & found.wrapping_neg()).wrapping_sub(1);
            unusual |= marks & before_end != 0;
            return Some((at + (found.trailing_zeros() / 8) as usize, unusual));
        }
        unusual |= marks != 0;
        at += 8;
    }
    for (i, &b) in bytes.get(at..)?.iter().enumerate() {
        if b == quote || b == b'<' {
            return Some((at + i, unusual));
        }
        unusual |= is_unusual(b);
    }
    None
}

#[inline]
fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|&b| is_space(b)) {
        at += 1;
    }
    at
}

/// Reads the tag at the start of `bytes` (at its `<`), its attributes into `attributes` (ranges
/// in `bytes`).
fn scan_tag(bytes: &[u8], attributes: &mut Vec<Attribute>) -> Scanned {
    attributes.clear();
    let malformed = |at: usize, reason: &str| Scanned::Malformed {
        at,
        reason: reason.to_string(),
    };
    let Some(name_end_at) = name_end(bytes, 1) else {
        return Scanned::Incomplete;
    };
    let first = bytes[1];
    if name_end_at == 1
        || !(first.is_ascii_alphabetic() || first == b'_' || first == b':' || first >= 0x80)
    {
        return malformed(1, "expected an element name after `<`");
    }
    let name = 1..name_end_at;
    let mut at = name_end_at;
    loop {
        let spaced = bytes.get(at).is_some_and(|&b| is_space(b));
        at = skip_spaces(bytes, at);
        match bytes.get(at) {
            None => return Scanned::Incomplete,
            Some(b'>') => {
                return Scanned::Tag {
                    len: at + 1,
                    name,
                    empty: false,
                };
            }
            Some(b'/') => {
                return match bytes.get(at + 1) {
                    None => Scanned::Incomplete,
                    Some(b'>') => Scanned::Tag {
                        len: at + 2,
                        name,
                        empty: true,
                    },
                    Some(_) => malformed(at, "expected `>` after `/`"),
                };
            }
            Some(_) if !spaced => return malformed(at, "expected a space before an attribute"),
            Some(_) => {}
        }
        let name_start = at;
        let Some((end, colon)) = attribute_name_end(bytes, at) else {
            return Scanned::Incomplete;
        };
        if end == at {
            return malformed(at, "expected an attribute name");
        }
        let attribute_name = name_start..end;
        at = skip_spaces(bytes, end);
        match bytes.get(at) {
            None => return Scanned::Incomplete,
            Some(b'=') => at = skip_spaces(bytes, at + 1),
            Some(_) => {
                return malformed(
                    at,
                    "expected `=` and a quoted value after the attribute name",
                );
            }
        }
        let quote = match bytes.get(at) {
            None => return Scanned::Incomplete,
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => return malformed(at, "expected a quoted attribute value"),
        };
        let value_start = at + 1;
        let Some((value_end, unusual)) = value_end(bytes, value_start, quote) else {
            return Scanned::Incomplete;
        };
        if bytes[value_end] == b'<' {
            // Most likely the closing quote is missing: said where the value starts.
            return Scanned::Malformed {
                at: value_start - 1,
                reason: format!(
                    "the value of `{}` is not closed before a `<` (a missing quote, or a `<` to write as `&lt;`)",
                    String::from_utf8_lossy(&bytes[attribute_name.clone()])
                ),
            };
        }
        let written = &bytes[attribute_name.clone()];
        // Lengths first: most names differ in length, and a slice comparison is a call.
        let mut repeated = false;
        for earlier in attributes.iter() {
            if earlier.name.len() == written.len() && &bytes[earlier.name.clone()] == written {
                repeated = true;
            }
        }
        if repeated {
            return Scanned::Malformed {
                at: name_start,
                reason: format!(
                    "the attribute `{}` is given twice",
                    String::from_utf8_lossy(written)
                ),
            };
        }
        attributes.push(Attribute {
            local: colon.map_or(name_start, |c| c + 1),
            name: attribute_name,
            value: value_start..value_end,
            unusual,
        });
        at = value_end + 1;
    }
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// The input, read a chunk at a time into a window that holds the unread rest of the last
/// chunk and whatever a construct that crosses chunks needs; with the line and column of the
/// first unread byte.
struct Source<R> {
    reader: R,
    window: Vec<u8>,
    /// The first unread byte of `window`.
    at: usize,
    /// The offset in the input of `window[0]`.
    offset: u64,
    /// The line `window[at]` is on, and the offset in the input that line starts at.
    line: u64,
    line_start: u64,
    /// The offsets in the input of the newlines read into the window and not yet passed, found
    /// a chunk at a time as it is read: following the lines then costs a comparison per
    /// construct rather than a search.
    newlines: Vec<u64>,
    /// The first of `newlines` not yet passed.
    next_newline: usize,
    ended: bool,
}

impl<R: BufRead> Source<R> {
    fn new(reader: R) -> Self {
        Source {
            reader,
            window: Vec::new(),
            at: 0,
            offset: 0,
            line: 1,
            line_start: 0,
            newlines: Vec::new(),
            next_newline: 0,
            ended: false,
        }
    }

    fn available(&self) -> &[u8] {
        &self.window[self.at..]
    }

    /// Makes sure at least `n` bytes are unread, unless the input ends first; says which.
    #[inline]
    fn fill(&mut self, n: usize, sink: &mut impl Sink) -> Result<bool, Stop> {
        if self.window.len() - self.at >= n {
            return Ok(true);
        }
        self.read_more(n, sink)
    }

    #[cold]
    fn read_more(&mut self, n: usize, sink: &mut impl Sink) -> Result<bool, Stop> {
        while self.window.len() - self.at < n && !self.ended {
            if self.at > 0 && self.at >= self.window.len() / 2 {
                self.window.drain(..self.at);
                self.offset += self.at as u64;
                self.at = 0;
                self.newlines.drain(..self.next_newline);
                self.next_newline = 0;
            }
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let (line, column) = self.position(self.window.len() - self.at);
                    sink.problem(line, column, format!("cannot read: {e}"));
                    return Err(Stop);
                }
            };
            if chunk.is_empty() {
                self.ended = true;
                break;
            }
            let take = chunk.len().min(CHUNK.max(n));
            let start = self.offset + self.window.len() as u64;
            self.newlines
                .extend(memchr::memchr_iter(b'\n', &chunk[..take]).map(|i| start + i as u64));
            self.window.extend_from_slice(&chunk[..take]);
            self.reader.consume(take);
        }
        Ok(self.window.len() - self.at >= n)
    }

    /// Reads more of the input into the window; `false` when it has ended.
    fn more(&mut self, sink: &mut impl Sink) -> Result<bool, Stop> {
        let had = self.window.len() - self.at;
        self.fill(had + 1, sink)
    }

    /// Marks `n` bytes as read.
    #[inline]
    fn advance(&mut self, n: usize) {
        self.at += n;
        let here = self.offset + self.at as u64;
        while let Some(&newline) = self.newlines.get(self.next_newline) {
            if newline >= here {
                break;
            }
            self.line += 1;
            self.line_start = newline + 1;
            self.next_newline += 1;
        }
    }

    /// The line and 1-based byte column of the unread byte `i`.
    fn position(&self, i: usize) -> (u64, u64) {
        let offset = self.offset + (self.at + i) as u64;
        let (mut line, mut line_start) = (self.line, self.line_start);
        for &newline in &self.newlines[self.next_newline..] {
            if newline >= offset {
                break;
            }
            line += 1;
            line_start = newline + 1;
        }
        (line, offset - line_start + 1)
    }

    /// The length of the construct the input starts with, which ends with `end`, searched from
    /// `skip`; a problem naming `what` when the input ends first.
    fn until(
        &mut self,
        end: &[u8],
        skip: usize,
        sink: &mut impl Sink,
        line: u64,
        column: u64,
        what: &str,
    ) -> Result<usize, Stop> {
        let finder = memchr::memmem::Finder::new(end);
        let mut from = skip;
        loop {
            let available = self.available();
            if let Some(at) = available.get(from..).and_then(|rest| finder.find(rest)) {
                return Ok(from + at + end.len());
            }
            from = available.len().saturating_sub(end.len() - 1).max(skip);
            if !self.more(sink)? {
                sink.problem(
                    line,
                    column,
                    format!("not XML: {what} that is never closed"),
                );
                return Err(Stop);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event as a line, with its place where it has one.
    #[derive(Default)]
    struct Recorder {
        events: Vec<String>,
        text: Vec<u8>,
    }

    impl Recorder {
        fn flush_text(&mut self) {
            if !self.text.is_empty() {
                let text = String::from_utf8_lossy(&self.text).into_owned();
                self.events.push(format!("text {text:?}"));
                self.text.clear();
            }
        }
    }

    impl Sink for Recorder {
        fn start(&mut self, tag: &Tag<'_>) -> Result<(), Stop> {
            let attributes: Vec<String> = tag
                .attributes()
                .map(|(k, v)| format!("{}={}", String::from_utf8_lossy(k), v.text))
                .collect();
            self.events.push(format!(
                "{}:{} <{} {}>",
                tag.line,
                tag.column,
                String::from_utf8_lossy(tag.name()),
                attributes.join(" ")
            ));
            Ok(())
        }
        fn empty(&mut self, tag: &Tag<'_>) -> Result<(), Stop> {
            self.start(tag)?;
            self.events.push("/".into());
            Ok(())
        }
        fn end(&mut self, name: &[u8], line: u64, column: u64) -> Result<(), Stop> {
            self.events.push(format!(
                "{line}:{column} </{}>",
                String::from_utf8_lossy(name)
            ));
            Ok(())
        }
        fn text(&mut self, bytes: &[u8]) -> Option<usize> {
            self.text.extend_from_slice(bytes);
            None
        }
        fn cdata(&mut self, bytes: &[u8]) {
            self.text.extend_from_slice(bytes);
        }
        fn end_text_node(&mut self) {
            self.flush_text();
        }
        fn problem(&mut self, line: u64, column: u64, reason: String) {
            self.flush_text();
            self.events
                .push(format!("{line}:{column} problem: {reason}"));
        }
    }

    fn events(text: &str, capacity: usize) -> Vec<String> {
        let mut recorder = Recorder::default();
        read(
            io::BufReader::with_capacity(capacity, text.as_bytes()),
            &mut recorder,
        );
        recorder.flush_text();
        recorder.events
    }

    const DOCUMENT: &str = "\u{feff}<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x \"]>\">]>\n<!-- a > comment -->\n<r a='1' b = \"x &amp; &#x4e2d;\">t&lt;ext<![CDATA[<raw> ]] ]]>\n  <e/><f></f><ns:g\n   c=\"&quot;\"></ns:g></r>";

    #[test]
    fn every_construct_is_read_in_order_with_its_place() {
        let expected = [
            "text \"\\n\"",
            "text \"\\n\"",
            "text \"\\n\"",
            "4:1 <r a=1 b=x &amp; &#x4e2d;>",
            "text \"t<ext<raw> ]] \\n  \"",
            "5:3 <e >",
            "/",
            // `<f></f>` with nothing between is read as `<f/>`.
            "5:7 <f >",
            "/",
            "5:14 <ns:g c=&quot;>",
            "/",
            "6:22 </r>",
        ];
        for capacity in [1, 2, 3, 5, 8, 13, 4096] {
            assert_eq!(events(DOCUMENT, capacity), expected, "capacity {capacity}");
        }
    }

    #[test]
    fn attribute_values_resolve_their_references() {
        assert_eq!(
            attribute_value("x &amp; &#x4e2d;&#20013;&lt;").unwrap(),
            "x & 中中<"
        );
        assert!(matches!(
            attribute_value("plain").unwrap(),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            attribute_value("a & b").unwrap_err(),
            "an `&` that starts no entity reference (write `&amp;` for a literal `&`)"
        );
        assert_eq!(
            attribute_value("&nbsp;").unwrap_err(),
            "unknown entity reference `&nbsp;`"
        );
        // What XML does not allow, written or referenced; tab, line feed and return it does.
        for bad in ["a\u{0}b", "a&#1;b", "\u{1b}[31m", "x\u{fffe}"] {
            assert!(
                attribute_value(bad)
                    .unwrap_err()
                    .contains("which XML does not allow"),
                "{bad:?}"
            );
        }
        assert_eq!(attribute_value("a\tb&#10;").unwrap(), "a\tb\n");
    }

    #[test]
    fn malformed_markup_is_a_problem_at_its_place() {
        let cases = [
            (
                "<r a=1/>",
                "1:6 problem: not XML: expected a quoted attribute value",
            ),
            (
                "<r a=\"1\"b=\"2\"/>",
                "1:9 problem: not XML: expected a space before an attribute",
            ),
            (
                "<r a=\"1\" a=\"2\"/>",
                "1:10 problem: not XML: the attribute `a` is given twice",
            ),
            (
                "<r a/>",
                "1:5 problem: not XML: expected `=` and a quoted value after the attribute name",
            ),
            ("<r/ >", "1:3 problem: not XML: expected `>` after `/`"),
            (
                "< r/>",
                "1:2 problem: not XML: expected an element name after `<`",
            ),
            (
                "<r>\n<!-- open",
                "2:1 problem: not XML: a comment that is never closed",
            ),
            (
                "<r>\n<![CDATA[ open",
                "2:1 problem: a CDATA section that is never closed",
            ),
            (
                "<r>\n<!ELEMENT r>",
                "2:1 problem: not XML: `<!` starts neither a comment, a CDATA section nor a DOCTYPE",
            ),
            (
                "<r>\n<?pi",
                "2:1 problem: not XML: a processing instruction that is never closed",
            ),
            (
                "<r>\n</r",
                "2:1 problem: not XML: an end tag that is never closed",
            ),
            (
                "<r>\n<a b=\"c",
                "2:1 problem: not XML: the input ends inside this tag",
            ),
            (
                "<r>a &b c",
                "1:6 problem: an `&` that starts no entity reference (write `&amp;` for a literal `&`)",
            ),
            (
                "<r>&bogus;",
                "1:4 problem: unknown entity reference `&bogus;`",
            ),
            (
                "<r a=\"x\n<b>\"/>",
                "1:6 problem: not XML: the value of `a` is not closed before a `<` (a missing quote, or a `<` to write as `&lt;`)",
            ),
        ];
        for (text, problem) in cases {
            for capacity in [1, 4, 4096] {
                let found = events(text, capacity);
                assert_eq!(
                    found.last().map(String::as_str),
                    Some(problem),
                    "{text:?} at {capacity}: {found:?}"
                );
            }
        }
    }

    proptest::proptest! {
        /// The word-at-a-time scans agree with a byte-at-a-time reading, wherever the bytes
        /// fall in the words.
        #[test]
        fn value_and_name_scans_match_a_byte_by_byte_reading(
            text in "[a&\"<'=: x\t\u{1}\u{fffe}é]{0,40}",
            at in 0usize..8,
        ) {
            let bytes = text.as_bytes();
            let at = at.min(bytes.len());
            let end = bytes[at..].iter().position(|&b| b == b'"' || b == b'<').map(|i| at + i);
            let expected =
                end.map(|end| (end, bytes[at..end].iter().any(|&b| is_unusual(b))));
            proptest::prop_assert_eq!(value_end(bytes, at, b'"'), expected);

            let name_end_at = bytes[at..]
                .iter()
                .position(|&b| b" \t\n\r/>=".contains(&b))
                .map(|i| at + i);
            let expected = name_end_at.map(|end| {
                (end, bytes[at..end].iter().position(|&b| b == b':').map(|i| at + i))
            });
            proptest::prop_assert_eq!(attribute_name_end(bytes, at), expected);
        }
    }
}
