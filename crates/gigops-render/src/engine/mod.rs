//! The engine every document is laid out with: minijinja templates, typst typesetting,
//! translation catalogs, number formatting, fonts, SVG charts and diagrams, Markdown, and the
//! view parts several documents share. It knows no document; `crate::documents` uses it.

pub mod charts;
pub mod diagram;
pub mod fonts;
pub mod format;
pub mod i18n;
pub mod mail;
pub mod markdown;
pub mod parts;
pub mod svg;
pub mod templates;
pub mod typeset;
