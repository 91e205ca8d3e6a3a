//! Mail bodies from Markdown: the plain-text part and the HTML part of a `multipart/alternative`
//! mail.
//!
//! The plain text is what a person reads in a client that shows no HTML (or in a terminal):
//! no Markdown syntax left, tables laid out as aligned columns. The HTML is for mail clients,
//! which drop `<style>` blocks and stylesheets and block remote content: every style is an
//! inline `style` attribute, and nothing refers to another host — images become their
//! description, raw HTML is shown as text, and only web and mail links are kept as links.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Parser, Tag, TagEnd};
use unicode_width::UnicodeWidthStr;

use crate::engine::markdown::{Block, ColumnAlign, Span, blocks, is_comment, options};

/// Between two table columns in plain text.
const COLUMN_GAP: &str = "  ";
/// A horizontal rule in plain text.
const TEXT_RULE: &str = "----------------------------------------";

/// The Markdown as plain text: paragraphs and headings as lines of their text, list items
/// behind `- ` (tasks behind `[x] ` or `[ ] `), tables as columns aligned by display width (a
/// Chinese character takes two), code blocks indented by four spaces, links as
/// `label <url>`. Lines are not wrapped: mail clients wrap to their window, and a line cut
/// between Chinese characters would read as a break.
pub fn markdown_mail_text(markdown: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut previous_was_item = false;
    for block in blocks(markdown) {
        let is_item = matches!(block, Block::Item { .. });
        // Items of one list stay together; every other block is set off by an empty line.
        let continues_list = is_item && previous_was_item;
        if !(out.is_empty() || continues_list) {
            out.push(String::new());
        }
        previous_was_item = is_item;
        match block {
            Block::Heading { spans, .. } | Block::Paragraph { spans } => {
                out.push(spans_text(&spans));
            }
            Block::Item {
                depth,
                checked,
                spans,
            } => {
                let indent = "  ".repeat(usize::from(depth.saturating_sub(1)));
                let task = match checked {
                    Some(true) => "[x] ",
                    Some(false) => "[ ] ",
                    None => "",
                };
                out.push(format!("{indent}- {task}{}", spans_text(&spans)));
            }
            Block::Table {
                header,
                rows,
                align,
            } => out.extend(text_table(&header, &rows, &align)),
            Block::Code { text } => {
                out.extend(text.trim_end().lines().map(|line| format!("    {line}")));
            }
            Block::Rule => out.push(TEXT_RULE.to_string()),
        }
    }
    let lines: Vec<&str> = out.iter().map(|line| line.trim_end()).collect();
    lines.join("\n")
}

/// The text of a run of spans, each link's target after its label.
fn spans_text(spans: &[Span]) -> String {
    let mut text = String::new();
    let mut label = String::new();
    for (i, span) in spans.iter().enumerate() {
        text.push_str(&span.text);
        label.push_str(&span.text);
        let link_ends =
            span.link.is_some() && spans.get(i + 1).map(|s| &s.link) != Some(&span.link);
        if let (true, Some(url)) = (link_ends, &span.link) {
            if label.trim() != url {
                text.push_str(&format!(" <{url}>"));
            }
            label.clear();
        } else if span.link.is_none() {
            label.clear();
        }
    }
    // A soft break at the end of a line is a space in the spans.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_table(header: &[Vec<Span>], rows: &[Vec<Vec<Span>>], align: &[ColumnAlign]) -> Vec<String> {
    let header: Vec<String> = header.iter().map(|cell| spans_text(cell)).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| spans_text(cell)).collect())
        .collect();
    let columns = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut widths = vec![0; columns];
    for cells in std::iter::once(&header).chain(&rows) {
        for (i, cell) in cells.iter().enumerate() {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = (0..columns)
            .map(|i| {
                let cell = cells.get(i).map_or("", String::as_str);
                let room = widths[i] - cell.width();
                match align.get(i) {
                    Some(ColumnAlign::Right) => format!("{}{cell}", " ".repeat(room)),
                    Some(ColumnAlign::Center) => format!(
                        "{}{cell}{}",
                        " ".repeat(room / 2),
                        " ".repeat(room - room / 2)
                    ),
                    _ => format!("{cell}{}", " ".repeat(room)),
                }
            })
            .collect();
        padded.join(COLUMN_GAP)
    };
    let mut out = Vec::with_capacity(rows.len() + 2);
    if header.iter().any(|cell| !cell.is_empty()) {
        out.push(line(&header));
        let underline: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push(underline.join(COLUMN_GAP));
    }
    out.extend(rows.iter().map(|row| line(row)));
    out
}

/// The look of the HTML part, one inline style per element.
mod style {
    pub const INK: &str = "#1f2933";
    pub const MUTED: &str = "#5f6b78";
    pub const RULE: &str = "#dde3e8";
    pub const ACCENT: &str = "#2b6777";
    pub const MONO: &str = "font-family:SFMono-Regular,Consolas,'Liberation Mono',Menlo,monospace";
}

fn heading_style(level: HeadingLevel) -> String {
    let size = match level {
        HeadingLevel::H1 => 22,
        HeadingLevel::H2 => 19,
        HeadingLevel::H3 => 17,
        _ => 15,
    };
    format!(
        "margin:0 0 12px;font-size:{size}px;line-height:1.3;font-weight:600;color:{}",
        style::INK
    )
}

fn cell_style(head: bool, align: Alignment) -> String {
    let text_align = match align {
        Alignment::Right => "right",
        Alignment::Center => "center",
        Alignment::Left | Alignment::None => "left",
    };
    if head {
        format!(
            "padding:6px 10px;text-align:{text_align};border-bottom:2px solid {};color:{};\
             font-weight:600;white-space:nowrap",
            style::INK,
            style::MUTED
        )
    } else {
        format!(
            "padding:6px 10px;text-align:{text_align};border-bottom:1px solid {};\
             vertical-align:top",
            style::RULE
        )
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether a link target is one a mail client opens in a browser or a mail window, rather
/// than a script (`javascript:`) or a local resource.
fn is_safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// The Markdown as an HTML fragment for the body of a mail, every element styled inline.
pub fn markdown_mail_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3);
    let mut alignments: Vec<Alignment> = Vec::new();
    let mut in_head = false;
    let mut cell = 0;
    // Links that were dropped (unsafe targets) end without an `</a>`.
    let mut open_links: Vec<bool> = Vec::new();
    for event in Parser::new_ext(markdown, options()).filter(|e| !is_comment(e)) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    out.push_str(&format!("<{level} style=\"{}\">", heading_style(level)));
                }
                Tag::Paragraph => out.push_str("<p style=\"margin:0 0 12px\">"),
                Tag::BlockQuote(_) => out.push_str(&format!(
                    "<blockquote style=\"margin:0 0 12px;padding:0 0 0 12px;border-left:3px \
                     solid {};color:{}\">",
                    style::RULE,
                    style::MUTED
                )),
                Tag::CodeBlock(_) => out.push_str(&format!(
                    "<pre style=\"margin:0 0 12px;padding:8px 10px;background:#f7fafc;\
                     border-radius:3px;white-space:pre-wrap;{};font-size:13px\">",
                    style::MONO
                )),
                Tag::List(Some(start)) => out.push_str(&format!(
                    "<ol start=\"{start}\" style=\"margin:0 0 12px;padding:0 0 0 24px\">"
                )),
                Tag::List(None) => {
                    out.push_str("<ul style=\"margin:0 0 12px;padding:0 0 0 24px\">");
                }
                Tag::Item => out.push_str("<li style=\"margin:2px 0\">"),
                Tag::Table(aligns) => {
                    alignments = aligns;
                    out.push_str(&format!(
                        "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" \
                         style=\"border-collapse:collapse;margin:0 0 12px;font-size:14px;\
                         color:{}\">",
                        style::INK
                    ));
                }
                Tag::TableHead => {
                    in_head = true;
                    cell = 0;
                    out.push_str("<thead><tr>");
                }
                Tag::TableRow => {
                    cell = 0;
                    out.push_str("<tr>");
                }
                Tag::TableCell => {
                    let align = alignments.get(cell).copied().unwrap_or(Alignment::None);
                    let name = if in_head { "th" } else { "td" };
                    out.push_str(&format!(
                        "<{name} style=\"{}\">",
                        cell_style(in_head, align)
                    ));
                }
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                Tag::Link { dest_url, .. } => {
                    let safe = is_safe_link(&dest_url);
                    if safe {
                        out.push_str(&format!(
                            "<a href=\"{}\" style=\"color:{}\">",
                            escape(&dest_url),
                            style::ACCENT
                        ));
                    }
                    open_links.push(safe);
                }
                // An image's description (its text events) stands in for it: nothing is fetched.
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Heading(level) => out.push_str(&format!("</{level}>\n")),
                TagEnd::Paragraph => out.push_str("</p>\n"),
                TagEnd::BlockQuote(_) => out.push_str("</blockquote>\n"),
                TagEnd::CodeBlock => out.push_str("</pre>\n"),
                TagEnd::List(true) => out.push_str("</ol>\n"),
                TagEnd::List(false) => out.push_str("</ul>\n"),
                TagEnd::Item => out.push_str("</li>\n"),
                TagEnd::Table => out.push_str("</tbody></table>\n"),
                TagEnd::TableHead => {
                    in_head = false;
                    out.push_str("</tr></thead><tbody>\n");
                }
                TagEnd::TableRow => out.push_str("</tr>\n"),
                TagEnd::TableCell => {
                    out.push_str(if in_head { "</th>" } else { "</td>" });
                    cell += 1;
                }
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                TagEnd::Link => {
                    let kept = open_links.pop() == Some(true);
                    out.push_str(if kept { "</a>" } else { "" });
                }
                _ => {}
            },
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                out.push_str(&escape(&text));
            }
            Event::Code(text) => out.push_str(&format!(
                "<code style=\"{};font-size:13px;background:#f1f4f7;padding:1px 4px;\
                 border-radius:3px\">{}</code>",
                style::MONO,
                escape(&text)
            )),
            Event::TaskListMarker(done) => out.push_str(if done { "☑ " } else { "☐ " }),
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => out.push_str(&format!(
                "<hr style=\"border:0;border-top:1px solid {};margin:16px 0\">\n",
                style::RULE
            )),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_become_columns_aligned_by_display_width() {
        let markdown = "| 结果 | Rule | Measured |\n|---|---|---:|\n| ✅ 通过 | `coverage.min` | 81.5 % |\n| ❌ FAIL | `tests.failed` | 2 |\n";

        let text = markdown_mail_text(markdown);

        assert_eq!(
            text,
            "\
结果     Rule          Measured
-------  ------------  --------
✅ 通过  coverage.min    81.5 %
❌ FAIL  tests.failed         2"
        );
    }

    #[test]
    fn plain_text_keeps_the_words_and_drops_the_syntax() {
        let markdown = "### ✅ Gate **passed**\n\n**Tests** 12 · see [the report](https://ci.example.com/r/1) or <https://ci.example.com>\n\n- `TestA` (pkg/a)\n- [x] done\n  - nested\n\n```\nlet a = 1;\n```\n\n---\nVersion: `v1.2`\n";

        let text = markdown_mail_text(markdown);

        assert_eq!(
            text,
            "\
✅ Gate passed

Tests 12 · see the report <https://ci.example.com/r/1> or https://ci.example.com

- TestA (pkg/a)
- [x] done
  - nested

    let a = 1;

----------------------------------------

Version: v1.2"
        );
    }

    #[test]
    fn html_is_styled_inline_and_refers_to_nothing() {
        let markdown = "### Gate\n\n| a | n |\n|---|--:|\n| x | 1 |\n\n![logo](https://tracker.example.com/p.gif) [ok](https://ci.example.com/r) [bad](javascript:alert(1)) <img src=\"https://x.example/y.png\"> <!-- hidden -->\n";

        let html = markdown_mail_html(markdown);

        assert!(html.starts_with("<h3 style=\"margin:0 0 12px;"), "{html}");
        assert!(
            html.contains("<th style=\"padding:6px 10px;text-align:right;"),
            "{html}"
        );
        assert!(
            html.contains("<td style=\"padding:6px 10px;text-align:right;"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://ci.example.com/r\" style=\"color:#2b6777\">ok</a>")
        );
        assert!(!html.contains("javascript:alert(1)\""), "{html}");
        assert!(html.contains(" bad "), "the label stays: {html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=&quot;https://x.example/y.png&quot;&gt;"));
        assert!(!html.contains("tracker.example.com"), "{html}");
        assert!(
            html.contains("logo"),
            "the image's description stays: {html}"
        );
        assert!(!html.contains("hidden"));
    }
}
