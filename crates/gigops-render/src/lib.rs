//! Documents: HTML templates, SVG charts, PDF, i18n catalogs.
//!
//! Every document is one serializable model rendered in the formats it has — a single
//! self-contained HTML file (inline CSS and SVG, no request to any other host, readable without
//! JavaScript), a PDF typeset by typst, Markdown, or the model as JSON — in English and
//! Simplified Chinese, through one entry point, [`render`]. See docs/documents.md.
//!
//! [`engine`] holds what every document is laid out with (templates, typesetting, catalogs,
//! number formatting, fonts, SVG and charts, shared view parts); [`documents`] holds one module
//! per document, each a [`Document`]: its model, its view and its layouts.

pub mod document;
pub mod documents;
pub mod engine;
mod error;

pub use document::{Document, Format, Layouts, View, render, render_text};
pub use documents::acceptance::{AcceptanceChecklist, AcceptanceView};
pub use documents::deliverables::DeliverablesChecklist;
pub use documents::gate::{GateNotification, GateReportDocument, GateView, gate_notification};
pub use documents::market::{MarketReport, MarketView};
pub use documents::proposal::{ProposalAppendix, ProposalDocument, ProposalView};
pub use documents::sow::{SowDocument, SowView};
pub use engine::mail::{markdown_mail_html, markdown_mail_text};
pub use engine::{charts, diagram, fonts, format, i18n, svg, templates, typeset};
pub use error::RenderError;
