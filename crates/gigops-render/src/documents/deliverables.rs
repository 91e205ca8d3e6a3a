//! The deliverables checklist: the Markdown a gate summary filled, as Markdown, as standalone
//! HTML and as a PDF.

use serde::Serialize;

use crate::RenderError;
use crate::document::{Document, Format, Layouts, View};
use crate::engine::i18n::Catalog;
use crate::engine::markdown;

/// The deliverables checklist, titled `title`.
#[derive(Debug, Clone, Copy)]
pub struct DeliverablesChecklist<'a> {
    pub markdown: &'a str,
    pub title: &'a str,
}

/// The view of the HTML and PDF layouts: the language and the title.
#[derive(Debug, Serialize)]
struct Heading<'a> {
    lang: &'static str,
    title: &'a str,
}

impl Document for DeliverablesChecklist<'_> {
    fn name(&self) -> &'static str {
        "the deliverables checklist"
    }

    fn catalog(&self) -> &'static [&'static str] {
        &[]
    }

    fn layouts(&self) -> Layouts {
        Layouts {
            markdown: Some("deliverables.md"),
            html: Some("markdown_document.html"),
            typst: Some(include_str!("../../templates/markdown_document.typ")),
            ..Layouts::default()
        }
    }

    fn view(&self, format: Format, catalog: &Catalog, _: &str) -> Result<View, RenderError> {
        let view = View::new(&Heading {
            lang: catalog.lang().as_str(),
            title: self.title,
        });
        match format {
            // Raw HTML in the Markdown is escaped, not passed through: a checklist is text, and
            // the page must make no request of its own.
            Format::Html => Ok(view.with_markup("body", Some(markdown::body_html(self.markdown)))),
            Format::Pdf => view
                .with_data("title", self.title)?
                .with_data("blocks", markdown::blocks(self.markdown)),
            _ => Ok(view.with_markup("body", Some(self.markdown.to_string()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_core::Lang;

    #[test]
    fn every_block_kind_typesets_and_the_html_is_a_page() {
        let md = "# T\n\npara **b** *e* `c` ~~s~~\n\n- [x] a\n- [ ] b\n  - c\n\n| a | b |\n|---|---|\n| 1 | **2** |\n\n```\ncode\n```\n\n---\n\n<script>alert(1)</script>\n";
        let document = DeliverablesChecklist {
            markdown: md,
            title: "T",
        };
        let pdf = crate::render(&document, Format::Pdf, Lang::En, None).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let html = crate::render_text(&document, Format::Html, Lang::En, None).unwrap();
        assert!(html.contains("<title>T</title>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        let markdown = crate::render_text(&document, Format::Markdown, Lang::En, None).unwrap();
        assert_eq!(markdown, md);
        let error = crate::render(&document, Format::Json, Lang::En, None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the deliverables checklist is not rendered as JSON (only as Markdown, HTML, PDF)"
        );
    }
}
