//! The minijinja environment of HTML documents: templates embedded in the binary, each of which
//! a user can replace by putting a file of the same name in a template directory.
//!
//! Overriding works per file, so a user can restyle every document by replacing `style.css`
//! alone, or rewrite one document's layout and keep the rest.

use std::path::Path;

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::RenderError;
use crate::document::View;
use crate::engine::i18n::Catalog;

/// The embedded default templates, by the name a user overrides them with.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("style.css", include_str!("../../templates/style.css")),
    ("macros.html", include_str!("../../templates/macros.html")),
    (
        "market_report.html",
        include_str!("../../templates/market_report.html"),
    ),
    (
        "proposal.html",
        include_str!("../../templates/proposal.html"),
    ),
    (
        "gate_report.html",
        include_str!("../../templates/gate_report.html"),
    ),
    (
        "markdown_document.html",
        include_str!("../../templates/markdown_document.html"),
    ),
    (
        "gate_summary.md",
        include_str!("../../templates/gate_summary.md"),
    ),
    (
        "gate_mail.html",
        include_str!("../../templates/gate_mail.html"),
    ),
    ("sow.html", include_str!("../../templates/sow.html")),
    ("sow.md", include_str!("../../templates/sow.md")),
    (
        "acceptance.html",
        include_str!("../../templates/acceptance.html"),
    ),
    (
        "acceptance.md",
        include_str!("../../templates/acceptance.md"),
    ),
    (
        "deliverables.md",
        include_str!("../../templates/deliverables.md"),
    ),
];

/// The `cell` filter of Markdown templates: user text kept inside one table cell (a `|` would
/// end the cell, a line break the row). GitHub's tables take `\|` as a pipe even inside a
/// code span; backslashes are left alone, as a code span shows them literally.
fn markdown_cell(value: &str) -> String {
    value
        .replace('|', "\\|")
        .replace("\r\n", " ")
        .replace(['\n', '\r'], " ")
}

/// The `code` filter of Markdown templates: text as one inline code span, whatever it holds.
/// CommonMark ends a span at the first run of as many backticks as opened it, so the fence is
/// one longer than the longest run inside, and a space pads text that starts or ends with a
/// backtick (or with a space at both ends, which the reader would strip); line breaks become
/// spaces, as a span shows them anyway and a table row or list item must stay on one line.
fn markdown_code(value: &str) -> String {
    let text = value.replace("\r\n", " ").replace(['\n', '\r'], " ");
    if text.is_empty() {
        return text;
    }
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && text.trim() != "");
    let space = if pad { " " } else { "" };
    format!("{fence}{space}{text}{space}{fence}")
}

/// Lays out `view` with the embedded (or overriding) `template`: the view as `v`, the catalog
/// as `t`, the charts as `charts` (inline SVG), the view's markup under its names and the
/// HTML font stack of the language as `font_stack`.
pub(crate) fn render(
    template: &str,
    view: View,
    catalog: &Catalog,
    font_stack: String,
    dir: Option<&Path>,
) -> Result<String, RenderError> {
    let env = environment(dir)?;
    let charts: BTreeMap<String, minijinja::Value> = view
        .charts
        .into_iter()
        .map(|(name, svg)| (name, minijinja::Value::from_safe_string(svg)))
        .collect();
    let mut context: BTreeMap<&str, minijinja::Value> = view
        .markup
        .into_iter()
        .map(|(name, markup)| {
            let value = markup.map_or(
                minijinja::Value::from(()),
                minijinja::Value::from_safe_string,
            );
            (name, value)
        })
        .collect();
    context.insert("v", view.v);
    context.insert("t", minijinja::Value::from_serialize(catalog.table()));
    context.insert("charts", minijinja::Value::from(charts));
    context.insert("font_stack", minijinja::Value::from(font_stack));
    let context = minijinja::Value::from_iter(context);
    Ok(env.get_template(template)?.render(context)?)
}

/// An environment that loads templates from `dir` first, then from the embedded defaults.
pub fn environment(dir: Option<&Path>) -> Result<Environment<'static>, RenderError> {
    let mut env = Environment::new();
    // A misspelt key in a (possibly user-written) template must fail loudly rather than
    // render a blank where a number should be.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".css") || name.ends_with(".md") {
            AutoEscape::None
        } else {
            AutoEscape::Html
        }
    });
    env.set_keep_trailing_newline(true);
    env.add_filter("cell", markdown_cell);
    env.add_filter("code", markdown_code);
    let overrides = match dir {
        Some(dir) if dir.is_dir() => Some(minijinja::path_loader(dir)),
        Some(dir) => {
            return Err(RenderError::TemplateDir {
                path: dir.to_path_buf(),
            });
        }
        None => None,
    };
    env.set_loader(move |name| {
        if let Some(load) = &overrides
            && let Some(source) = load(name)?
        {
            return Ok(Some(source));
        }
        Ok(DEFAULT_TEMPLATES
            .iter()
            .find(|(default, _)| *default == name)
            .map(|(_, source)| source.to_string()))
    });
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_keep_user_text_in_the_cell() {
        assert_eq!(markdown_cell("a | b\nc"), "a \\| b c");
        assert_eq!(markdown_cell(r"C:\dir"), r"C:\dir");
    }

    #[test]
    fn markdown_code_spans_hold_any_text() {
        assert_eq!(markdown_code("TestAdd"), "`TestAdd`");
        assert_eq!(markdown_code("test[`a`]"), "``test[`a`]``");
        assert_eq!(markdown_code("a``b"), "```a``b```");
        assert_eq!(markdown_code("`quoted`"), "`` `quoted` ``");
        assert_eq!(markdown_code(" both "), "`  both  `");
        assert_eq!(markdown_code("line\nbreak"), "`line break`");
        assert_eq!(markdown_code(""), "");
    }

    proptest::proptest! {
        /// A CommonMark reader finds the text again, as one code span.
        #[test]
        fn markdown_code_reads_back(text in "[a-z `|*_\\\\]{1,12}") {
            use pulldown_cmark::{Event, Parser};
            let markdown = format!("- {}", markdown_code(&text));
            let spans: Vec<String> = Parser::new(&markdown)
                .filter_map(|event| match event {
                    Event::Code(code) => Some(code.to_string()),
                    _ => None,
                })
                .collect();
            // A span of only spaces is the one text CommonMark cannot tell from its padding.
            proptest::prop_assume!(!text.trim().is_empty());
            proptest::prop_assert_eq!(spans, vec![text]);
        }
    }
}
