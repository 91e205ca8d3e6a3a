//! The minijinja environment of HTML documents: templates embedded in the binary, each of which
//! a user can replace by putting a file of the same name in a template directory.
//!
//! Overriding works per file, so a user can restyle every document by replacing `style.css`
//! alone, or rewrite one document's layout and keep the rest.

use std::path::Path;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::RenderError;

/// The embedded default templates, by the name a user overrides them with.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("style.css", include_str!("../templates/style.css")),
    ("macros.html", include_str!("../templates/macros.html")),
    (
        "market_report.html",
        include_str!("../templates/market_report.html"),
    ),
    ("proposal.html", include_str!("../templates/proposal.html")),
    (
        "gate_report.html",
        include_str!("../templates/gate_report.html"),
    ),
    (
        "markdown_document.html",
        include_str!("../templates/markdown_document.html"),
    ),
    (
        "gate_summary.md",
        include_str!("../templates/gate_summary.md"),
    ),
    (
        "gate_mail.html",
        include_str!("../templates/gate_mail.html"),
    ),
    ("sow.html", include_str!("../templates/sow.html")),
    ("sow.md", include_str!("../templates/sow.md")),
    (
        "acceptance.html",
        include_str!("../templates/acceptance.html"),
    ),
    ("acceptance.md", include_str!("../templates/acceptance.md")),
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

/// An environment that loads templates from `dir` first, then from the embedded defaults.
/// Renders the embedded (or overriding) `template` with a document view as `v`, the catalog as
/// `t` and the HTML font stack of the catalog's language.
pub fn render_view(
    template: &str,
    view: &impl serde::Serialize,
    catalog: &crate::i18n::Catalog,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    let env = environment(templates)?;
    Ok(env.get_template(template)?.render(minijinja::context! {
        v => minijinja::Value::from_serialize(view),
        t => minijinja::Value::from_serialize(catalog.table()),
        font_stack => crate::market::html_font_stack(catalog.lang()),
    })?)
}

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
}
