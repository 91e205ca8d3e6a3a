//! Markdown a user writes (the deliverables checklist, a proposal's scope): HTML through
//! pulldown-cmark, and for PDF a tree of blocks passed to typst as JSON data — never spliced
//! into typst markup, so no text in the document is ever evaluated as code.

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH
}

/// The Markdown as an HTML fragment, raw HTML escaped (also the scope and assumptions of a
/// proposal).
pub fn body_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, options())
        .filter(|event| !is_comment(event))
        // An image would be a request to wherever it points: its alt text is kept instead.
        .filter(|event| {
            !matches!(
                event,
                Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image)
            )
        })
        .map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            // A box drawn by the stylesheet reads better, on screen and in print, than a
            // disabled form control greyed out by the browser.
            Event::TaskListMarker(done) => Event::InlineHtml(
                if done {
                    r#"<span class="task task-done" role="img" aria-label="done">✓</span>"#
                } else {
                    r#"<span class="task" role="img" aria-label="open"></span>"#
                }
                .into(),
            ),
            other => other,
        });
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, events);
    body
}

/// An HTML comment (`<!-- gate: … -->` binds a checklist item): never shown.
pub(crate) fn is_comment(event: &Event) -> bool {
    matches!(event, Event::Html(html) | Event::InlineHtml(html) if html.trim_start().starts_with("<!--"))
}

/// A block of the document, as the typst layout reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Heading {
        level: u8,
        spans: Vec<Span>,
    },
    Paragraph {
        spans: Vec<Span>,
    },
    /// `checked` is `null` for an item that is not a task.
    Item {
        depth: u8,
        checked: Option<bool>,
        spans: Vec<Span>,
    },
    Table {
        header: Vec<Vec<Span>>,
        rows: Vec<Vec<Vec<Span>>>,
        /// One per column, as the `|:---:|` line under the header sets it.
        align: Vec<ColumnAlign>,
    },
    Code {
        text: String,
    },
    Rule,
}

/// The spans of one table cell.
pub type Cell = Vec<Span>;

/// How a table column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnAlign {
    /// Not set: left in left-to-right text.
    None,
    Left,
    Center,
    Right,
}

impl From<Alignment> for ColumnAlign {
    fn from(alignment: Alignment) -> Self {
        match alignment {
            Alignment::None => ColumnAlign::None,
            Alignment::Left => ColumnAlign::Left,
            Alignment::Center => ColumnAlign::Center,
            Alignment::Right => ColumnAlign::Right,
        }
    }
}

/// A run of inline text and how it is set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub text: String,
    pub strong: bool,
    pub emphasis: bool,
    pub code: bool,
    pub strike: bool,
    /// The target of the link the text is the label of.
    pub link: Option<String>,
}

/// A table as it is read: the header's cells, then each row's, and the columns' alignment.
type TableParts = (Vec<Cell>, Vec<Vec<Cell>>, Vec<ColumnAlign>);

/// The blocks of a Markdown document. Nested lists are flattened into items with a depth;
/// block quotes keep their text as paragraphs.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let (mut strong, mut emphasis, mut strike) = (0u8, 0u8, 0u8);
    let mut depth = 0u8;
    let mut checked: Option<bool> = None;
    let mut in_item = false;
    let mut code_block: Option<String> = None;
    let mut table: Option<TableParts> = None;
    let mut row: Vec<Cell> = Vec::new();
    let mut link: Option<String> = None;

    let push_text = |spans: &mut Vec<Span>,
                     text: &str,
                     code: bool,
                     (s, e, k): (u8, u8, u8),
                     link: &Option<String>| {
        spans.push(Span {
            text: text.to_string(),
            strong: s > 0,
            emphasis: e > 0,
            code,
            strike: k > 0,
            link: link.clone(),
        });
    };
    let flush_item =
        |out: &mut Vec<Block>, spans: &mut Vec<Span>, depth: u8, checked: &mut Option<bool>| {
            out.push(Block::Item {
                depth,
                checked: checked.take(),
                spans: std::mem::take(spans),
            });
        };

    for event in Parser::new_ext(markdown, options()).filter(|e| !is_comment(e)) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code_block = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                out.push(Block::Code {
                    text: code_block.take().unwrap_or_default(),
                });
            }
            Event::Text(text) if code_block.is_some() => {
                if let Some(code) = code_block.as_mut() {
                    code.push_str(&text);
                }
            }
            Event::Start(Tag::List(_)) => {
                if in_item && !spans.is_empty() {
                    flush_item(&mut out, &mut spans, depth, &mut checked);
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) => in_item = true,
            Event::End(TagEnd::Item) => {
                if !spans.is_empty() || checked.is_some() {
                    flush_item(&mut out, &mut spans, depth, &mut checked);
                }
                in_item = depth > 1;
            }
            Event::TaskListMarker(done) => checked = Some(done),
            Event::Start(Tag::Table(alignments)) => {
                let align = alignments.into_iter().map(ColumnAlign::from).collect();
                table = Some((Vec::new(), Vec::new(), align));
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.0 = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.1.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::TableCell) => row.push(std::mem::take(&mut spans)),
            Event::End(TagEnd::Table) => {
                if let Some((header, rows, align)) = table.take() {
                    out.push(Block::Table {
                        header,
                        rows,
                        align,
                    });
                }
            }
            Event::End(TagEnd::Heading(level)) => out.push(Block::Heading {
                level: match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => 4,
                },
                spans: std::mem::take(&mut spans),
            }),
            Event::End(TagEnd::Paragraph) if !in_item => out.push(Block::Paragraph {
                spans: std::mem::take(&mut spans),
            }),
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong = strong.saturating_sub(1),
            Event::Start(Tag::Emphasis) => emphasis += 1,
            Event::End(TagEnd::Emphasis) => emphasis = emphasis.saturating_sub(1),
            Event::Start(Tag::Strikethrough) => strike += 1,
            Event::End(TagEnd::Strikethrough) => strike = strike.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => link = Some(dest_url.to_string()),
            Event::End(TagEnd::Link) => link = None,
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push_text(&mut spans, &text, false, (strong, emphasis, strike), &link)
            }
            Event::Code(text) => {
                push_text(&mut spans, &text, true, (strong, emphasis, strike), &link)
            }
            Event::SoftBreak | Event::HardBreak => {
                push_text(&mut spans, " ", false, (strong, emphasis, strike), &link)
            }
            Event::Rule => out.push(Block::Rule),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn tasks_tables_and_nesting_become_blocks() {
        let md = "# Title\n\nSome **bold** and `code`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] open\n  - nested\n<!-- hidden -->\n";
        let b = blocks(md);
        assert!(matches!(&b[0], Block::Heading { level: 1, spans } if text(spans) == "Title"));
        let Block::Paragraph { spans } = &b[1] else {
            panic!("{b:?}")
        };
        assert!(spans.iter().any(|s| s.strong && s.text == "bold"));
        assert!(spans.iter().any(|s| s.code && s.text == "code"));
        let Block::Table { header, rows, .. } = &b[2] else {
            panic!("{b:?}")
        };
        assert_eq!(text(&header[1]), "b");
        assert_eq!(text(&rows[0][0]), "1");
        assert!(
            matches!(&b[3], Block::Item { depth: 1, checked: Some(true), spans } if text(spans) == "done")
        );
        assert!(matches!(
            &b[4],
            Block::Item {
                depth: 1,
                checked: Some(false),
                ..
            }
        ));
        assert!(
            matches!(&b[5], Block::Item { depth: 2, checked: None, spans } if text(spans).starts_with("nested"))
        );
    }

    #[test]
    fn raw_html_is_shown_as_text_not_passed_through() {
        let html = body_html("<script>alert(1)</script>\n\n- [x] ok <!-- gate: x -->");
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("task-done"));
        assert!(!html.contains("gate: x"), "comments are dropped");
    }
}
