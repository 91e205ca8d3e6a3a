//! Documents: HTML templates, SVG charts, PDF, i18n catalogs.
//!
//! Every document is one serializable model rendered two ways: a single self-contained HTML
//! file (inline CSS and SVG, no request to any other host, readable without JavaScript) and a
//! PDF typeset by typst, in English and Simplified Chinese. See docs/documents.md.
//!
//! The market report is the first document; the modules it is built from are the pattern for
//! the others: [`i18n`] for strings, [`format`] for numbers, [`charts`] (over [`svg`]) for
//! figures, [`templates`] for the HTML layout and [`typeset`] for the PDF.

mod acceptance;
pub mod charts;
pub mod diagram;
mod error;
pub mod format;
mod gate;
pub mod i18n;
mod mail;
mod markdown;
mod market;
mod proposal;
mod sow;
pub mod svg;
pub mod templates;
pub mod typeset;

pub use acceptance::{AcceptanceView, acceptance_html, acceptance_markdown, acceptance_pdf};
pub use error::RenderError;
pub use gate::{
    GateNotification, GateView, gate_notification, gate_report_html, gate_summary_markdown,
};
pub use mail::{markdown_mail_html, markdown_mail_text};
pub use markdown::{markdown_html, markdown_pdf};
pub use market::{
    MarketView, market_report_html, market_report_html_on, market_report_pdf, market_report_pdf_on,
};
pub use proposal::{ProposalView, proposal_api_html, proposal_html, proposal_pdf};
pub use sow::{SowView, sow_html, sow_markdown, sow_pdf};
