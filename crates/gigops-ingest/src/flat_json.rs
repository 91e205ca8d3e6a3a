//! A scanner of flat JSON objects in the exact shape encoders write them — `{"Key":value,…}`
//! with string and number values and no whitespace — that finds the fields without building
//! anything.
//!
//! `go test -json` writes one such object per line, millions of them in a large run, and a
//! general JSON parser spends most of its time on work the reader then throws away. This
//! scanner accepts only that one shape and answers `None` for anything else: whitespace,
//! nested values, `true`/`false`/`null`, anything malformed. The caller then reads the line
//! with serde_json, whose verdict stands. So a line is either in the shape, and read the same
//! way serde_json would read it (checked by the tests against serde_json), or read by
//! serde_json itself.

/// One field's value, as it stands in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar<'a> {
    /// The whole literal, quotes included; `escaped` when it holds a `\` escape (then it must
    /// be decoded, e.g. by serde_json, to get its text; without, the text is what is between
    /// the quotes).
    String { literal: &'a str, escaped: bool },
    /// A number in JSON's grammar.
    Number(&'a str),
}

impl<'a> Scalar<'a> {
    /// The text of a string without escapes.
    pub(crate) fn plain_text(self) -> Option<&'a str> {
        match self {
            Scalar::String {
                literal,
                escaped: false,
            } => Some(&literal[1..literal.len() - 1]),
            _ => None,
        }
    }
}

/// Calls `field` with each key (which has no escapes) and value of a flat object, in order.
/// Returns `false` when `text` is not such an object, or when `field` returned `false`.
pub(crate) fn scan<'a>(text: &'a str, mut field: impl FnMut(&'a str, Scalar<'a>) -> bool) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'{') {
        return false;
    }
    let mut at = 1;
    if bytes.get(at) == Some(&b'}') {
        return at + 1 == bytes.len();
    }
    loop {
        // A key: a string without escapes.
        let Some((end, false)) = string_end(bytes, at) else {
            return false;
        };
        let key = &text[at + 1..end - 1];
        if bytes.get(end) != Some(&b':') {
            return false;
        }
        at = end + 1;
        let value = match bytes.get(at) {
            Some(b'"') => {
                let Some((end, escaped)) = string_end(bytes, at) else {
                    return false;
                };
                let literal = &text[at..end];
                at = end;
                Scalar::String { literal, escaped }
            }
            Some(b'-' | b'0'..=b'9') => {
                let Some(end) = number_end(bytes, at) else {
                    return false;
                };
                let number = &text[at..end];
                at = end;
                Scalar::Number(number)
            }
            _ => return false,
        };
        if !field(key, value) {
            return false;
        }
        match bytes.get(at) {
            Some(b',') => at += 1,
            Some(b'}') => return at + 1 == bytes.len(),
            _ => return false,
        }
    }
}

/// The index just past the string starting with the `"` at `start`, and whether it has
/// escapes; `None` when it is not a valid JSON string (unclosed, a raw control character, a bad
/// escape or a lone surrogate).
fn string_end(bytes: &[u8], start: usize) -> Option<(usize, bool)> {
    if bytes.get(start) != Some(&b'"') {
        return None;
    }
    let mut at = start + 1;
    let mut escaped = false;
    loop {
        at = next_special(bytes, at)?;
        match *bytes.get(at)? {
            b'"' => return Some((at + 1, escaped)),
            b'\\' => {
                escaped = true;
                match *bytes.get(at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
                    b'u' => {
                        let unit = hex4(bytes, at + 2)?;
                        at += 6;
                        match unit {
                            0xD800..=0xDBFF => {
                                // A leading surrogate must be followed by a trailing one.
                                if bytes.get(at) != Some(&b'\\') || bytes.get(at + 1) != Some(&b'u')
                                {
                                    return None;
                                }
                                if !(0xDC00..=0xDFFF).contains(&hex4(bytes, at + 2)?) {
                                    return None;
                                }
                                at += 6;
                            }
                            0xDC00..=0xDFFF => return None,
                            _ => {}
                        }
                    }
                    _ => return None,
                }
            }
            0..=0x1F => return None,
            _ => at += 1,
        }
    }
}

/// The index of the first `"`, `\\` or control character at or after `at`. Eight bytes at a
/// time: strings are most of a line, and a byte-by-byte loop or a vectorised search (whose set-up
/// costs more than the short strings of an event) would be most of the reading.
fn next_special(bytes: &[u8], mut at: usize) -> Option<usize> {
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mask = special_bytes(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        if mask != 0 {
            return Some(at + (mask.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = bytes.get(at..)?;
    rest.iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|i| at + i)
}

/// The high bit of every byte of `word` (little-endian) that is a `"`, a `\\` or below 0x20,
/// by the "determine if a word has a byte less than n" trick (Anderson's bit twiddling hacks).
/// The lowest bit set is exact; bits above it may be set for plain bytes, and are not used.
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    (below(quote, 1) | below(backslash, 1) | below(word, 0x20)) & HIGHS
}

/// Appends the text of a JSON string literal (quotes included) to `out`, its escapes decoded.
/// The literal is one [`scan`] or serde_json accepted; should it hold a malformed escape even so,
/// that escape becomes U+FFFD rather than an error.
pub(crate) fn unescape_into(literal: &str, out: &mut String) {
    let inner = literal
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(literal);
    let bytes = inner.as_bytes();
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &bytes[at..]) {
        out.push_str(&inner[at..at + found]);
        at += found + 1;
        let (decoded, used) = match bytes.get(at) {
            Some(b'n') => ('\n', 1),
            Some(b't') => ('\t', 1),
            Some(b'r') => ('\r', 1),
            Some(b'"') => ('"', 1),
            Some(b'\\') => ('\\', 1),
            Some(b'/') => ('/', 1),
            Some(b'b') => ('\u{8}', 1),
            Some(b'f') => ('\u{c}', 1),
            Some(b'u') => match hex4(bytes, at + 1) {
                Some(high @ 0xD800..=0xDBFF) => {
                    let low = (bytes.get(at + 5) == Some(&b'\\')
                        && bytes.get(at + 6) == Some(&b'u'))
                    .then(|| hex4(bytes, at + 7))
                    .flatten()
                    .filter(|low| (0xDC00..=0xDFFF).contains(low));
                    match low {
                        Some(low) => {
                            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                            (char::from_u32(code).unwrap_or('\u{fffd}'), 11)
                        }
                        None => ('\u{fffd}', 5),
                    }
                }
                Some(unit) => (char::from_u32(unit).unwrap_or('\u{fffd}'), 5),
                None => ('\u{fffd}', 1),
            },
            _ => ('\u{fffd}', 0),
        };
        out.push(decoded);
        at = (at + used).min(bytes.len());
        // Never split a character: a malformed escape may stand before a multi-byte one.
        while !inner.is_char_boundary(at) {
            at += 1;
        }
    }
    out.push_str(&inner[at..]);
}

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |value, &b| {
        let digit = (b as char).to_digit(16)?;
        Some(value * 16 + digit)
    })
}

/// The index just past the JSON number starting at `start`:
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_end(bytes: &[u8], start: usize) -> Option<usize> {
    let digits = |at: usize| {
        bytes[at.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut at = start;
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    match bytes.get(at)? {
        b'0' => at += 1,
        b'1'..=b'9' => at += digits(at),
        _ => return None,
    }
    if bytes.get(at) == Some(&b'.') {
        let n = digits(at + 1);
        if n == 0 {
            return None;
        }
        at += 1 + n;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let n = digits(at);
        if n == 0 {
            return None;
        }
        at += n;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// The fields the scanner finds, each value read by serde_json; `Some(Err)` when a value
    /// in the shape is still not one serde_json takes (a number out of range).
    fn fields(text: &str) -> Option<Result<Vec<(String, Value)>, serde_json::Error>> {
        let mut found = Vec::new();
        let mut refused = None;
        let ok = scan(text, |key, value| {
            let literal = match value {
                Scalar::String { literal, .. } => literal,
                Scalar::Number(number) => number,
            };
            match serde_json::from_str(literal) {
                Ok(value) => found.push((key.to_string(), value)),
                Err(e) => refused = Some(e),
            }
            true
        });
        ok.then(|| refused.map_or(Ok(found), Err))
    }

    /// Where the scanner accepts a text, serde_json reads the same object from it.
    fn agrees_with_serde(text: &str) {
        let Some(found) = fields(text) else {
            return;
        };
        let parsed = serde_json::from_str::<serde_json::Map<String, Value>>(text);
        let found = match found {
            Ok(found) => found,
            Err(_) => {
                assert!(parsed.is_err(), "{text:?}");
                return;
            }
        };
        let parsed =
            parsed.unwrap_or_else(|e| panic!("scanner accepted {text:?}, serde_json refused: {e}"));
        // Last wins for repeated keys in serde_json's map.
        let mut expected = serde_json::Map::new();
        for (key, value) in found {
            expected.insert(key, value);
        }
        assert_eq!(expected, parsed, "{text:?}");
    }

    #[test]
    fn the_shape_go_writes_is_scanned() {
        let line = r#"{"Time":"2026-11-23T08:52:53.7Z","Action":"output","Package":"example.com/m","Test":"TestA","Output":"=== RUN   TestA\n"}"#;
        let found = fields(line).unwrap().unwrap();
        assert_eq!(found.len(), 5);
        assert_eq!(found[4].1, Value::String("=== RUN   TestA\n".into()));
        let pass = r#"{"Action":"pass","Package":"p","Test":"T","Elapsed":0.01}"#;
        assert_eq!(fields(pass).unwrap().unwrap()[3].1, serde_json::json!(0.01));
        assert!(fields("{}").unwrap().unwrap().is_empty());
    }

    #[test]
    fn anything_else_is_left_to_serde_json() {
        for text in [
            r#"{ "Action":"run"}"#,
            r#"{"Action" :"run"}"#,
            r#"{"Action":"run","Test":null}"#,
            r#"{"Action":"run","X":{"a":1}}"#,
            r#"{"Action":"run","X":[1]}"#,
            r#"{"Action":true}"#,
            r#"{"Action":"run",}"#,
            r#"{"Action":"run"} "#,
            r#"{"Action":"run"}x"#,
            r#"{"A\u0063tion":"run"}"#,
            r#"{"Action":"r\qn"}"#,
            r#"{"Action":"\ud800"}"#,
            r#"{"Action":"\udc00"}"#,
            "{\"Action\":\"a\u{1}b\"}",
            r#"{"Elapsed":01}"#,
            r#"{"Elapsed":1.}"#,
            r#"{"Elapsed":-}"#,
            r#"{"Elapsed":1e}"#,
            r#"{"Action":"run""#,
            "",
            "[]",
        ] {
            assert!(fields(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn the_first_special_byte_is_found_in_every_position() {
        for len in 1..20 {
            for at in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1F] {
                    let mut text = vec![b'a'; len];
                    text[at] = special;
                    // A second one after the first must not be taken for it.
                    if at + 1 < len {
                        text[at + 1] = b'"';
                    }
                    assert_eq!(
                        next_special(&text, 0),
                        Some(at),
                        "{special} at {at} of {len}"
                    );
                }
                let mut plain = vec![b'a'; len];
                plain[at] = if at % 2 == 0 { 0x20 } else { 0xE4 };
                assert_eq!(next_special(&plain, 0), None);
            }
        }
    }

    #[test]
    fn escapes_are_checked_and_kept_for_decoding() {
        let text = r#"{"Output":"tab\there \"quoted\" \u001b[31mred\u001b[0m \ud83d\ude00 \/"}"#;
        agrees_with_serde(text);
        let mut escaped_seen = false;
        assert!(scan(text, |_, value| {
            escaped_seen = matches!(value, Scalar::String { escaped: true, .. });
            true
        }));
        assert!(escaped_seen);
    }

    #[test]
    fn unescaping_gives_the_text_serde_json_gives() {
        for literal in [
            r#""plain""#,
            r#""tab\there \"quoted\" \u001b[31mred\u001b[0m \ud83d\ude00 \/ \b\f\r\n\\""#,
            r#""\u4e2d\u6587 中文""#,
            r#""""#,
        ] {
            let mut out = String::from("prefix:");
            unescape_into(literal, &mut out);
            let expected: String = serde_json::from_str(literal).unwrap();
            assert_eq!(out, format!("prefix:{expected}"), "{literal}");
        }
    }

    proptest! {
        #[test]
        fn unescaping_round_trips_any_text(text in any::<String>()) {
            let literal = serde_json::to_string(&text).unwrap();
            let mut out = String::new();
            unescape_into(&literal, &mut out);
            prop_assert_eq!(out, text);
        }

        #[test]
        fn scanned_objects_read_as_serde_json_reads_them(
            pairs in proptest::collection::vec(
                ("[A-Za-z]{1,8}", prop_oneof![
                    any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
                    any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| f.to_string()),
                    any::<i64>().prop_map(|i| i.to_string()),
                    "[-0-9.eE+\"\\\\u]{1,6}",
                ]),
                0..6,
            ),
        ) {
            let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
            agrees_with_serde(&format!("{{{}}}", body.join(",")));
        }

        #[test]
        fn arbitrary_text_never_panics_and_never_disagrees(text in "\\PC{0,40}") {
            agrees_with_serde(&text);
            agrees_with_serde(&format!("{{\"A\":{text}}}"));
            agrees_with_serde(&format!("{{\"A\":\"{text}\"}}"));
        }
    }
}
