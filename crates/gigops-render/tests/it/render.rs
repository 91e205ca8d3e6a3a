//! Each document through the one entry point, `gigops_render::render`, by the names the tests
//! read best with.

use std::path::Path;

use gigops_contract::{AcceptanceRecord, Sow, Verification};
use gigops_core::Lang;
use gigops_gate::GateReport;
use gigops_pipeline::PipelineReport;
use gigops_quote::proposal::Proposal;
use gigops_render::{
    AcceptanceChecklist, Format, GateReportDocument, MarketReport, ProposalAppendix,
    ProposalDocument, RenderError, SowDocument, render, render_text,
};
use jiff::civil::Date;

pub fn market_report_html(
    report: &PipelineReport,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    render_text(&MarketReport::new(report), Format::Html, lang, templates)
}

pub fn market_report_html_on(
    report: &PipelineReport,
    lang: Lang,
    templates: Option<&Path>,
    generated: Date,
) -> Result<String, RenderError> {
    render_text(
        &MarketReport::on(report, generated),
        Format::Html,
        lang,
        templates,
    )
}

pub fn market_report_pdf_on(
    report: &PipelineReport,
    lang: Lang,
    generated: Date,
) -> Result<Vec<u8>, RenderError> {
    render(
        &MarketReport::on(report, generated),
        Format::Pdf,
        lang,
        None,
    )
}

pub fn proposal_html(
    proposal: &Proposal,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    render_text(&ProposalDocument(proposal), Format::Html, lang, templates)
}

pub fn proposal_api_html(
    proposal: &Proposal,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    render_text(&ProposalAppendix(proposal), Format::Html, lang, templates)
}

pub fn proposal_pdf(proposal: &Proposal, lang: Lang) -> Result<Vec<u8>, RenderError> {
    render(&ProposalDocument(proposal), Format::Pdf, lang, None)
}

fn sow_document<'a>(sow: &'a Sow, sign_off: Option<&'a Verification>) -> SowDocument<'a> {
    SowDocument { sow, sign_off }
}

pub fn sow_html(
    sow: &Sow,
    sign_off: Option<&Verification>,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    render_text(&sow_document(sow, sign_off), Format::Html, lang, templates)
}

pub fn sow_markdown(
    sow: &Sow,
    sign_off: Option<&Verification>,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    render_text(
        &sow_document(sow, sign_off),
        Format::Markdown,
        lang,
        templates,
    )
}

pub fn sow_pdf(
    sow: &Sow,
    sign_off: Option<&Verification>,
    lang: Lang,
) -> Result<Vec<u8>, RenderError> {
    render(&sow_document(sow, sign_off), Format::Pdf, lang, None)
}

pub fn acceptance_html(
    record: &AcceptanceRecord,
    sow: Option<&Sow>,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    render_text(
        &AcceptanceChecklist { record, sow },
        Format::Html,
        lang,
        templates,
    )
}

pub fn acceptance_markdown(
    record: &AcceptanceRecord,
    sow: Option<&Sow>,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    render_text(
        &AcceptanceChecklist { record, sow },
        Format::Markdown,
        lang,
        templates,
    )
}

pub fn acceptance_pdf(
    record: &AcceptanceRecord,
    sow: Option<&Sow>,
    lang: Lang,
) -> Result<Vec<u8>, RenderError> {
    render(
        &AcceptanceChecklist { record, sow },
        Format::Pdf,
        lang,
        None,
    )
}

pub fn gate_report_html(
    report: &GateReport,
    lang: Lang,
    templates: Option<&Path>,
) -> Result<String, RenderError> {
    render_text(&GateReportDocument(report), Format::Html, lang, templates)
}

pub fn gate_summary_markdown(report: &GateReport, lang: Lang) -> Result<String, RenderError> {
    render_text(&GateReportDocument(report), Format::Markdown, lang, None)
}

pub fn gate_report_pdf(report: &GateReport, lang: Lang) -> Result<Vec<u8>, RenderError> {
    render(&GateReportDocument(report), Format::Pdf, lang, None)
}
