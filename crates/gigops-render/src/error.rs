use std::path::PathBuf;

use gigops_core::MoneyError;

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The model names a currency that ISO 4217 does not define with minor units.
    #[error("cannot show amounts in {code:?}: {source}")]
    Currency {
        code: String,
        #[source]
        source: MoneyError,
    },

    /// An embedded translation catalog is broken (a defect of gigops, caught by its tests).
    #[error("translation catalog {lang}: {message}")]
    Catalog { lang: &'static str, message: String },

    /// The template override directory given by the user does not exist.
    #[error("template directory {} does not exist or is not a directory", path.display())]
    TemplateDir { path: PathBuf },

    /// A template failed to load, parse or render; the message names the template and line.
    #[error("template: {0:#}")]
    Template(#[from] minijinja::Error),

    /// A Chinese document needs a font with Chinese glyphs, and the system has none.
    #[error(
        "no font with Simplified Chinese glyphs is installed, so a zh-CN PDF would show empty \
         boxes; install one ({packages}) and render again"
    )]
    MissingCjkFont { packages: &'static str },

    /// typst rejected the document source or could not write the PDF.
    #[error("typesetting the PDF failed: {message}")]
    Typeset { message: String },

    /// A file name whose extension names no format the document is rendered in.
    #[error("{}: expected a file name ending in {accepted}", path.display())]
    UnknownExtension { path: PathBuf, accepted: String },

    /// A format the document has no layout for.
    #[error("{document} is not rendered as {format} (only as {offered})")]
    UnsupportedFormat {
        document: &'static str,
        format: &'static str,
        offered: String,
    },

    #[error("serializing document data: {0}")]
    Json(#[from] serde_json::Error),
}
