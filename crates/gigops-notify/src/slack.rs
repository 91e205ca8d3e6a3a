//! Slack incoming webhooks: the summary as Block Kit with its Markdown turned into mrkdwn.
//!
//! Slack answers `ok` with HTTP 200, and anything else with a non-200 status and a short error
//! string (`invalid_payload`, `channel_not_found`, …) in the body
//! (<https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks>).

use serde_json::{Value, json};

use crate::webhook;
use crate::{Message, NotifyError, TRUNCATION_MARKER, Webhook, truncate_chars};

/// A header block's text limit, in characters.
pub const HEADER_LIMIT: usize = 150;
/// A section block's text limit, in characters; longer sections are refused with HTTP 400.
pub const SECTION_LIMIT: usize = 3000;
/// Blocks one message may carry.
pub const MAX_BLOCKS: usize = 50;
/// Slack truncates a message's `text` past this many characters.
pub const TEXT_LIMIT: usize = 40_000;

/// The JSON posted to a Slack incoming webhook: a header with the title, then the Markdown as
/// mrkdwn sections of at most [`SECTION_LIMIT`] characters, split between lines. `text` is the
/// plain-text fallback Slack shows in notifications and to clients without blocks.
pub fn slack_payload(message: &Message) -> Value {
    let mut blocks = Vec::new();
    let title = message.title.trim();
    if !title.is_empty() {
        blocks.push(json!({
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": truncate_chars(title, HEADER_LIMIT, "…"),
                "emoji": true,
            },
        }));
    }
    let room = MAX_BLOCKS - blocks.len();
    let sections = split_lines(&slack_mrkdwn(&message.markdown), SECTION_LIMIT);
    let kept = sections.len().min(room);
    for (i, section) in sections.iter().take(kept).enumerate() {
        let text = if i + 1 == kept && kept < sections.len() {
            let marker = format!("\n{TRUNCATION_MARKER}");
            let shortened = truncate_chars(section, SECTION_LIMIT - marker.chars().count(), "");
            format!("{shortened}{marker}")
        } else {
            section.clone()
        };
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": text },
        }));
    }
    json!({
        "text": truncate_chars(&escape(&message.text), TEXT_LIMIT, TRUNCATION_MARKER),
        "blocks": blocks,
    })
}

/// Posts the message; `Ok` says what Slack answered.
pub(crate) async fn post(hook: &Webhook<'_>, message: &Message) -> Result<String, NotifyError> {
    let url = &hook.url;
    let answer = webhook::post_json(hook, &slack_payload(message)).await?;
    let quoted = webhook::quote_answer(url, &answer.body);
    if (200..300).contains(&answer.status) {
        Ok(format!(
            "posted to {url} (HTTP {}: {quoted})",
            answer.status
        ))
    } else {
        Err(NotifyError::Rejected {
            target: url.to_string(),
            status: answer.status,
            answer: quoted,
        })
    }
}

/// Markdown as Slack mrkdwn, converting only what the gate's summary uses:
///
/// - `# heading` (any level) → a `*bold*` line;
/// - `**bold**` → `*bold*`, `*italic*` → `_italic_`, `~~struck~~` → `~struck~`;
/// - `[text](url)` → `<url|text>`;
/// - `- item` and `* item` → `• item`;
/// - a table → one line per row with cells joined by ` · `, the header row bold and the
///   `|---|` line dropped (mrkdwn has no tables);
/// - `&`, `<` and `>` → `&amp;`, `&lt;`, `&gt;`, which mrkdwn requires.
///
/// Code spans and fenced code blocks are kept as they are (escaped); anything else, such as
/// images, nested lists or HTML, passes through as text.
pub fn slack_mrkdwn(markdown: &str) -> String {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut in_fence = false;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            out.push("```".to_string());
        } else if in_fence {
            out.push(escape(line));
        } else if let Some(heading) = heading_text(trimmed) {
            out.push(bold_line(heading));
        } else if is_table_rule(trimmed) {
            // The `|---|:---:|` line under a table's header row.
        } else if trimmed.starts_with('|') {
            let cells: Vec<String> = table_cells(trimmed)
                .iter()
                .map(|c| inline(c, false))
                .collect();
            let row = cells.join(" · ");
            let is_header = lines
                .get(i + 1)
                .is_some_and(|l| is_table_rule(l.trim_start()));
            out.push(if is_header && !row.is_empty() {
                format!("*{}*", strip_bold(&row))
            } else {
                row
            });
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            let indent = &line[..line.len() - trimmed.len()];
            out.push(format!("{indent}• {}", inline(item, false)));
        } else {
            out.push(inline(line, false));
        }
    }
    out.join("\n")
}

/// `## Title ##` → `Title`, for ATX headings of levels 1 to 6.
fn heading_text(line: &str) -> Option<&str> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    let rest = &line[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let text = rest.trim();
    let without_closing = text.trim_end_matches('#');
    Some(
        if without_closing.ends_with(' ') || without_closing.is_empty() {
            without_closing.trim_end()
        } else {
            text
        },
    )
}

fn bold_line(text: &str) -> String {
    let converted = inline(text, true);
    if converted.trim().is_empty() {
        String::new()
    } else {
        format!("*{}*", converted.trim())
    }
}

/// `|---|:--:|--:|`, `---|---` and the like.
fn is_table_rule(line: &str) -> bool {
    line.contains('-')
        && line.contains('|')
        && line
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// A table row's cells; `\|` is a pipe inside a cell (GitHub's tables), not a cell's end.
fn table_cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = match row.strip_suffix('|') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => row,
    };
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => cell.push(chars.next().expect("peeked")),
            '|' => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells.iter().map(|cell| cell.trim().to_string()).collect()
}

/// Bold markers inside a line that is made bold as a whole would end the bold early.
fn strip_bold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '*' if !in_code => {}
            _ => out.push(c),
        }
    }
    out
}

/// Inline Markdown as mrkdwn; inside a bold line (`in_bold`) `**` markers are dropped.
fn inline(text: &str, in_bold: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '`' => {
                let run = backtick_run(&chars, i);
                match closing_run(&chars, i + run, run) {
                    Some(end) => {
                        out.push('`');
                        out.push_str(&escape(&code_text(&chars[i + run..end])));
                        out.push('`');
                        i = end + run;
                    }
                    None => {
                        out.extend(std::iter::repeat_n('`', run));
                        i += run;
                    }
                }
            }
            '*' if next == Some('*') => {
                if !in_bold {
                    out.push('*');
                }
                i += 2;
            }
            '~' if next == Some('~') => {
                out.push('~');
                i += 2;
            }
            '*' if next.is_some_and(|n| !n.is_whitespace()) => match closing_star(&chars, i) {
                Some(end) => {
                    let inner: String = chars[i + 1..end].iter().collect();
                    out.push('_');
                    out.push_str(&inline(&inner, in_bold));
                    out.push('_');
                    i = end + 1;
                }
                None => {
                    out.push('*');
                    i += 1;
                }
            },
            '[' => match link(&chars, i) {
                Some((label, url, end)) => {
                    let label = inline(&label, in_bold).replace('|', "¦");
                    // Slack keeps `&` in link URLs escaped like anywhere else.
                    let url = url.replace('&', "&amp;").replace('<', "%3C");
                    let url = url.replace('>', "%3E").replace('|', "%7C");
                    out.push_str(&format!("<{url}|{label}>"));
                    i = end + 1;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '&' => {
                out.push_str("&amp;");
                i += 1;
            }
            '<' => {
                out.push_str("&lt;");
                i += 1;
            }
            '>' => {
                out.push_str("&gt;");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// How many backticks stand one after another from `at`.
fn backtick_run(chars: &[char], at: usize) -> usize {
    chars[at..].iter().take_while(|&&c| c == '`').count()
}

/// Where the run of exactly `len` backticks that closes a code span starts, searching from
/// `from` (CommonMark: a longer or shorter run is part of the code).
fn closing_run(chars: &[char], mut from: usize, len: usize) -> Option<usize> {
    while let Some(start) = find(chars, from, |c| c == '`') {
        let run = backtick_run(chars, start);
        if run == len {
            return Some(start);
        }
        from = start + run;
    }
    None
}

/// A code span's text as CommonMark reads it (one space of padding dropped from both ends),
/// with its backticks as `ˋ`: mrkdwn has no way to put a backtick inside inline code.
fn code_text(inner: &[char]) -> String {
    let padded = inner.len() >= 2
        && inner[0] == ' '
        && inner[inner.len() - 1] == ' '
        && inner.iter().any(|&c| c != ' ');
    let inner = if padded {
        &inner[1..inner.len() - 1]
    } else {
        inner
    };
    inner
        .iter()
        .map(|&c| if c == '`' { 'ˋ' } else { c })
        .collect()
}

fn find(chars: &[char], from: usize, wanted: impl Fn(char) -> bool) -> Option<usize> {
    (from..chars.len()).find(|&j| wanted(chars[j]))
}

/// The single `*` closing the emphasis opened at `open`: preceded by a non-space and not part
/// of a `**`.
fn closing_star(chars: &[char], open: usize) -> Option<usize> {
    (open + 2..chars.len()).find(|&j| {
        chars[j] == '*'
            && !chars[j - 1].is_whitespace()
            && chars[j - 1] != '*'
            && chars.get(j + 1) != Some(&'*')
    })
}

/// `[label](url)` starting at `open`: the label, the URL and the index of the `)`.
fn link(chars: &[char], open: usize) -> Option<(String, String, usize)> {
    let close = find(chars, open + 1, |c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = find(chars, close + 2, |c| c == ')')?;
    let url: String = chars[close + 2..end].iter().collect();
    let url = url.trim();
    if url.is_empty() || url.contains(char::is_whitespace) {
        return None;
    }
    let label: String = chars[open + 1..close].iter().collect();
    Some((label, url.to_string(), end))
}

/// The three characters mrkdwn reserves for its own markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `text` in pieces of at most `limit` characters, split after a line where possible.
fn split_lines(text: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut current_chars = 0;
    for line in text.split('\n') {
        let mut line = line.to_string();
        loop {
            let line_chars = line.chars().count();
            let separator = usize::from(current_chars > 0);
            if current_chars + separator + line_chars <= limit {
                if separator == 1 {
                    current.push('\n');
                }
                current.push_str(&line);
                current_chars += separator + line_chars;
                break;
            }
            if current_chars > 0 {
                pieces.push(std::mem::take(&mut current));
                current_chars = 0;
                continue;
            }
            // One line longer than a whole piece: cut it between characters.
            let head: String = line.chars().take(limit).collect();
            line = line.chars().skip(limit).collect();
            pieces.push(head);
        }
    }
    if !current.trim().is_empty() {
        pieces.push(current);
    }
    pieces.retain(|p| !p.trim().is_empty());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_the_gate_summary_markdown() {
        let markdown = "\
### ✅ gigops gate: **passed**

**Tests** 120 (0 failed) · **Coverage** 81.5% (≥ 80%)

| Result | Rule | Measured | Threshold |
|---|---|---:|---:|
| ✅ pass | `coverage.min` | 81.5% | 80% |
| ❌ fail | `tests.failed` | 1 | 0 |
**Failures**

- `TestParse` (pkg/parse)
* see [the report](https://ci.example.com/r?a=1&b=2) for *all* of it
Branch: `main` · a < b && c > d";
        let expected = "\
*✅ gigops gate: passed*

*Tests* 120 (0 failed) · *Coverage* 81.5% (≥ 80%)

*Result · Rule · Measured · Threshold*
✅ pass · `coverage.min` · 81.5% · 80%
❌ fail · `tests.failed` · 1 · 0
*Failures*

• `TestParse` (pkg/parse)
• see <https://ci.example.com/r?a=1&amp;b=2|the report> for _all_ of it
Branch: `main` · a &lt; b &amp;&amp; c &gt; d";
        assert_eq!(slack_mrkdwn(markdown), expected);
    }

    #[test]
    fn reads_code_spans_and_cells_as_commonmark_and_github_do() {
        // A test name with backticks and a pipe, as the gate summary writes it.
        assert_eq!(
            slack_mrkdwn("| ❌ fail | ``test[`a\\|b`]`` | 1 |"),
            "❌ fail · `test[ˋa|bˋ]` · 1"
        );
        assert_eq!(
            slack_mrkdwn("- `` `x` `` and ``` a``b ```"),
            "• `ˋxˋ` and `aˋˋb`"
        );
        assert_eq!(slack_mrkdwn("a `` b"), "a `` b");
    }

    #[test]
    fn leaves_code_and_unmatched_markers_alone() {
        assert_eq!(
            slack_mrkdwn("`**not bold**` and 2 * 3 * 4"),
            "`**not bold**` and 2 * 3 * 4"
        );
        assert_eq!(
            slack_mrkdwn("```rust\nlet a = b**2 < c;\n```"),
            "```\nlet a = b**2 &lt; c;\n```"
        );
        assert_eq!(
            slack_mrkdwn("[not a link] (x) and [t](u v)"),
            "[not a link] (x) and [t](u v)"
        );
        assert_eq!(
            slack_mrkdwn("#hashtag\n####### seven"),
            "#hashtag\n####### seven"
        );
        assert_eq!(slack_mrkdwn("## Closed ##\n~~gone~~"), "*Closed*\n~gone~");
    }

    #[test]
    fn splits_long_text_between_lines_and_cuts_only_overlong_lines() {
        let text = format!("{}\n{}\n{}", "a".repeat(6), "b".repeat(3), "c".repeat(12));
        assert_eq!(
            split_lines(&text, 10),
            vec!["aaaaaa\nbbb", "cccccccccc", "cc"]
        );
    }

    #[test]
    fn a_long_summary_fills_at_most_fifty_blocks_of_at_most_3000_characters() {
        let line = format!("- `{}`", "测".repeat(96));
        let message = Message {
            title: "T".repeat(200),
            markdown: vec![line; 2000].join("\n"),
            text: String::new(),
            html: String::new(),
            passed: false,
        };

        let payload = slack_payload(&message);

        let blocks = payload["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), MAX_BLOCKS);
        let header = blocks[0]["text"]["text"].as_str().unwrap();
        assert_eq!(header.chars().count(), HEADER_LIMIT);
        assert!(header.ends_with("T…"));
        let texts: Vec<&str> = blocks[1..]
            .iter()
            .map(|b| b["text"]["text"].as_str().unwrap())
            .collect();
        assert!(texts.iter().all(|t| t.chars().count() <= SECTION_LIMIT));
        // Whole lines per section: 100 characters a line and a newline between them.
        assert_eq!(texts[0].chars().count(), 29 * 100 + 28);
        assert!(texts[48].ends_with("\n…(truncated)"), "{}", texts[48]);
    }
}
