//! Integration tests of gigops-render: the market report as HTML and PDF, in both languages.

mod browser;
mod charts;
mod html;
mod pdf;
mod support;
