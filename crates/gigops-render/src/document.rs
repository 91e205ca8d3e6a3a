//! The one shape of every document, and the one entry point that renders any of them.
//!
//! A document is a model (a report, a proposal, a SOW, …) that can say which layouts it has
//! ([`Layouts`]) and turn itself into a [`View`] — every number formatted, every label
//! translated, every chart drawn — for a catalog. [`render`] does the rest the same way for
//! every document: it picks the catalog and the fonts of the language, lays the view out with
//! the document's minijinja template (HTML, Markdown) or typst source (PDF), or writes the
//! model itself (JSON). A format a document has no layout for is an error, never a panic.

use std::collections::BTreeMap;
use std::path::Path;

use gigops_core::Lang;
use serde::Serialize;

use crate::RenderError;
use crate::engine::i18n::Catalog;
use crate::engine::{fonts, templates, typeset};

/// A format a document is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Json,
    Markdown,
    Html,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Markdown, Format::Html, Format::Pdf];

    /// The file-name extensions that choose this format, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Json => &["json"],
            Format::Markdown => &["md"],
            Format::Html => &["html", "htm"],
            Format::Pdf => &["pdf"],
        }
    }

    /// The format's name as a reader knows it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
            Format::Pdf => "PDF",
        }
    }

    /// The format a file name asks for by its extension (any case), among all formats.
    pub fn from_path(path: &Path) -> Result<Format, RenderError> {
        Format::from_path_among(path, &Format::ALL)
    }

    /// The format a file name asks for by its extension (any case), among `offered` (a
    /// document's formats): the one place where an extension chooses a format. The error lists
    /// the extensions that would have been accepted.
    pub fn from_path_among(path: &Path, offered: &[Format]) -> Result<Format, RenderError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        offered
            .iter()
            .copied()
            .find(|format| {
                extension
                    .as_deref()
                    .is_some_and(|e| format.extensions().contains(&e))
            })
            .ok_or_else(|| RenderError::UnknownExtension {
                path: path.to_path_buf(),
                accepted: accepted_extensions(offered),
            })
    }
}

/// `.html, .htm or .pdf`: the extensions of `formats`, for messages.
fn accepted_extensions(formats: &[Format]) -> String {
    let all: Vec<String> = formats
        .iter()
        .flat_map(|f| f.extensions())
        .map(|e| format!(".{e}"))
        .collect();
    match all.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The layouts a document has: a template name per text format (overridable from a template
/// directory) and a typst source for the PDF. A format without one is not offered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layouts {
    /// The model itself as a JSON file ([`Document::json`]).
    pub json: bool,
    pub markdown: Option<&'static str>,
    pub html: Option<&'static str>,
    pub typst: Option<&'static str>,
}

impl Layouts {
    /// The formats these layouts offer, in [`Format::ALL`]'s order.
    pub fn formats(&self) -> Vec<Format> {
        Format::ALL
            .into_iter()
            .filter(|format| match format {
                Format::Json => self.json,
                Format::Markdown => self.markdown.is_some(),
                Format::Html => self.html.is_some(),
                Format::Pdf => self.typst.is_some(),
            })
            .collect()
    }
}

/// What a layout places: the document's view (`v`), its charts, and markup or data made in
/// Rust beside the view.
#[derive(Debug, Clone)]
pub struct View {
    pub(crate) v: minijinja::Value,
    pub(crate) charts: BTreeMap<String, String>,
    pub(crate) markup: BTreeMap<&'static str, Option<String>>,
    pub(crate) data: serde_json::Map<String, serde_json::Value>,
}

impl View {
    /// A view of formatted, translated strings, as templates read it as `v`.
    pub fn new(view: &impl Serialize) -> View {
        View {
            v: minijinja::Value::from_serialize(view),
            charts: BTreeMap::new(),
            markup: BTreeMap::new(),
            data: serde_json::Map::new(),
        }
    }

    /// Charts by name (SVG documents): inline in HTML as `charts.<name>`, files
    /// `/charts/<name>.svg` for typst (`data.charts.<name>` is the path).
    pub fn with_charts(mut self, charts: BTreeMap<String, String>) -> View {
        self.charts = charts;
        self
    }

    /// HTML made in Rust (rendered Markdown, an inline figure) that a template places as it
    /// is, under `name`; `None` is a null the template can test for.
    pub fn with_markup(mut self, name: &'static str, markup: Option<String>) -> View {
        self.markup.insert(name, markup);
        self
    }

    /// A value the typst source reads as `data.<name>`, beside the view.
    pub fn with_data(mut self, name: &str, value: impl Serialize) -> Result<View, RenderError> {
        self.data
            .insert(name.to_string(), serde_json::to_value(value)?);
        Ok(self)
    }
}

/// A document gigops writes for a client: a model with its layouts.
pub trait Document {
    /// What the document is called in messages ("the market report").
    fn name(&self) -> &'static str;

    /// The parts of the catalogs it says its words with, besides the common one.
    fn catalog(&self) -> &'static [&'static str];

    /// Its templates and typst source.
    fn layouts(&self) -> Layouts;

    /// The formats it is rendered in.
    fn formats(&self) -> Vec<Format> {
        self.layouts().formats()
    }

    /// The model as a JSON file, for a document whose layouts include JSON.
    fn json(&self) -> Result<Vec<u8>, RenderError> {
        Err(unsupported(self, Format::Json))
    }

    /// The view laid out in `format`, in the catalog's language; charts name `chart_fonts`
    /// (the fonts of the text around them) for their labels.
    fn view(
        &self,
        format: Format,
        catalog: &Catalog,
        chart_fonts: &str,
    ) -> Result<View, RenderError>;
}

fn unsupported<D: Document + ?Sized>(document: &D, format: Format) -> RenderError {
    let offered: Vec<&str> = document.formats().iter().map(|f| f.name()).collect();
    RenderError::UnsupportedFormat {
        document: document.name(),
        format: format.name(),
        offered: offered.join(", "),
    }
}

/// Renders `document` in `format` and `lang`. HTML and Markdown templates are read from
/// `templates` first when given (docs/documents.md); a typst source is always the embedded one.
pub fn render(
    document: &dyn Document,
    format: Format,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<Vec<u8>, RenderError> {
    let layouts = document.layouts();
    let template = match format {
        Format::Json if layouts.json => return document.json(),
        Format::Markdown => layouts.markdown,
        Format::Html => layouts.html,
        Format::Pdf => {
            let source = layouts.typst.ok_or_else(|| unsupported(document, format))?;
            return pdf(document, source, lang);
        }
        Format::Json => None,
    };
    let template = template.ok_or_else(|| unsupported(document, format))?;
    let catalog = Catalog::of(lang, document.catalog())?;
    let font_stack = fonts::html_font_stack(lang);
    let view = document.view(format, &catalog, &font_stack)?;
    Ok(templates::render(template, view, &catalog, font_stack, templates)?.into_bytes())
}

/// Renders a text format (HTML, Markdown) as a string.
pub fn render_text(
    document: &dyn Document,
    format: Format,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    if format == Format::Pdf {
        return Err(unsupported(document, format));
    }
    let bytes = render(document, format, lang, templates)?;
    // Templates and JSON render to strings: the bytes are UTF-8.
    String::from_utf8(bytes).map_err(|e| RenderError::Typeset {
        message: format!("not UTF-8: {e}"),
    })
}

fn pdf(document: &dyn Document, source: &str, lang: Lang) -> Result<Vec<u8>, RenderError> {
    let catalog = Catalog::of(lang, document.catalog())?;
    let families = fonts::font_families(lang)?;
    let view = document.view(Format::Pdf, &catalog, &fonts::css_font_list(&families))?;
    let mut files = Vec::new();
    let mut chart_paths = BTreeMap::new();
    for (name, svg) in &view.charts {
        let path = format!("/charts/{name}.svg");
        files.push(typeset::VirtualFile::new(&path, svg.as_bytes()));
        chart_paths.insert(name.clone(), path);
    }
    let mut data = serde_json::Map::new();
    data.insert("v".into(), serde_json::to_value(&view.v)?);
    data.insert("t".into(), serde_json::to_value(catalog.table())?);
    data.insert("charts".into(), serde_json::to_value(chart_paths)?);
    data.extend(view.data);
    typeset::pdf_with_data(source, lang, families, data.into(), files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_choose_formats_and_the_error_lists_the_accepted_ones() {
        let format = |name: &str| Format::from_path(Path::new(name));
        assert_eq!(format("a/report.HTML").unwrap(), Format::Html);
        assert_eq!(format("r.htm").unwrap(), Format::Html);
        assert_eq!(format("r.pdf").unwrap(), Format::Pdf);
        assert_eq!(format("r.md").unwrap(), Format::Markdown);
        assert_eq!(format("r.json").unwrap(), Format::Json);
        let error = format("sow.docx").unwrap_err().to_string();
        assert_eq!(
            error,
            "sow.docx: expected a file name ending in .json, .md, .html, .htm or .pdf"
        );
        let error = Format::from_path_among(Path::new("README"), &[Format::Html, Format::Pdf])
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "README: expected a file name ending in .html, .htm or .pdf"
        );
        assert!(Format::from_path_among(Path::new("r.md"), &[Format::Pdf]).is_err());
    }
}
