//! Integration tests of gigops-render: the market report as HTML and PDF, and the gate summary
//! as mail, in both languages.

mod browser;
mod charts;
mod contract;
mod gate_mail;
mod gate_report;
mod html;
mod pdf;
mod proposal;
mod render;
mod support;
