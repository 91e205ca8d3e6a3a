//! The proposal: scope, architecture, API contract, function points, effort, estimate ranges,
//! the price with every factor, benchmark evidence, assumptions and validity — one
//! [`ProposalView`] of formatted, translated strings laid out as HTML and as a PDF.
//!
//! Every working shown beside a price line is said again here from the quote's figures, in the
//! document's language, rather than copied from the quote's English `detail`.

use std::collections::BTreeMap;

use gigops_quote::Quote;
use gigops_quote::proposal::Proposal;
use serde::Serialize;

use crate::RenderError;
use crate::document::{Document, Format, Layouts, View};
use crate::engine::charts::{self, BandRow, ChartStyle};
use crate::engine::diagram;
use crate::engine::format::{self, MISSING};
use crate::engine::i18n::Catalog;
use crate::engine::markdown::{self, Block};
use crate::engine::parts::{Field, Kpi};

/// The proposal a client reads before signing.
#[derive(Debug, Clone, Copy)]
pub struct ProposalDocument<'a>(pub &'a Proposal);

/// The proposal's API contract appendix, as standalone HTML: every operation by tag, for a
/// contract the proposal only summarises (`api_index.full` false).
#[derive(Debug, Clone, Copy)]
pub struct ProposalAppendix<'a>(pub &'a Proposal);

const HTML_TEMPLATE: &str = "proposal.html";

impl Document for ProposalDocument<'_> {
    fn name(&self) -> &'static str {
        "the proposal"
    }

    fn catalog(&self) -> &'static [&'static str] {
        &["proposal"]
    }

    fn layouts(&self) -> Layouts {
        Layouts {
            html: Some(HTML_TEMPLATE),
            typst: Some(include_str!("../../templates/proposal.typ")),
            ..Layouts::default()
        }
    }

    fn view(
        &self,
        format: Format,
        catalog: &Catalog,
        chart_fonts: &str,
    ) -> Result<View, RenderError> {
        let proposal = self.0;
        let view = ProposalView::build(proposal, catalog, chart_fonts)?;
        let charts = view.charts.clone();
        let view = View::new(&view).with_charts(charts);
        if format == Format::Pdf {
            // The freelancer's Markdown as blocks that typst lays out as data, never as markup.
            let blocks = |md: &Option<String>| -> Vec<Block> {
                md.as_deref().map(markdown::blocks).unwrap_or_default()
            };
            return view
                .with_data("scope", blocks(&proposal.scope))?
                .with_data("assumptions", blocks(&proposal.assumptions));
        }
        Ok(with_user_markdown(view, proposal))
    }
}

impl Document for ProposalAppendix<'_> {
    fn name(&self) -> &'static str {
        "the proposal's contract appendix"
    }

    fn catalog(&self) -> &'static [&'static str] {
        &["proposal"]
    }

    fn layouts(&self) -> Layouts {
        Layouts {
            html: Some(HTML_TEMPLATE),
            ..Layouts::default()
        }
    }

    fn view(&self, _: Format, catalog: &Catalog, chart_fonts: &str) -> Result<View, RenderError> {
        let proposal = self.0;
        let view =
            ProposalView::build(proposal, catalog, chart_fonts)?.appendix(proposal, catalog)?;
        let charts = view.charts.clone();
        Ok(with_user_markdown(
            View::new(&view).with_charts(charts),
            proposal,
        ))
    }
}

/// The freelancer's scope and assumptions, Markdown rendered as HTML (raw HTML escaped).
fn with_user_markdown(view: View, proposal: &Proposal) -> View {
    view.with_markup("scope", proposal.scope.as_deref().map(markdown::body_html))
        .with_markup(
            "assumptions",
            proposal.assumptions.as_deref().map(markdown::body_html),
        )
}

/// Everything the proposal templates show, formatted and translated.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    pub lang: &'static str,
    pub title: String,
    pub subtitle: String,
    pub meta: Vec<Field>,
    pub kpis: Vec<Kpi>,
    pub has_scope: bool,
    pub api_title: String,
    /// Every operation shown in full, in the order of `api_groups`; empty when the contract
    /// is summarised.
    pub api: Vec<ContractView>,
    /// The contract by tag: the index, and each group's operations when shown in full.
    pub api_groups: Vec<ApiGroupView>,
    /// Whether the operations are shown (else only the index, with `api_summary`).
    pub api_full: bool,
    /// Why only the index is shown, and where the full table is.
    pub api_summary: String,
    /// The appendix document: only the contract, in full.
    pub appendix: bool,
    /// Every function counted; empty when they are summarised with the contract.
    pub functions: Vec<FunctionView>,
    /// The functions by type and complexity (`function_points.by_kind`).
    pub function_kinds: Vec<KindView>,
    /// Whether `functions` lists them all (else only `function_kinds`, with a note).
    pub functions_full: bool,
    pub function_totals: Vec<Field>,
    pub effort: Vec<Field>,
    pub cocomo81: Vec<Field>,
    pub estimates: Vec<EstimateView>,
    pub ranges: Vec<RangeView>,
    pub breakdown: Vec<LineView>,
    pub benchmarks: Option<BenchmarksView>,
    pub assumptions: Vec<String>,
    pub has_user_assumptions: bool,
    pub validity: String,
    pub valid_until: String,
    /// The diagram's width in the PDF as a share of the text width: a small diagram is not
    /// blown up to the page's width.
    pub diagram_scale: f64,
    pub footer: String,
    /// Chart name → SVG: `architecture`, `price_range`.
    pub charts: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContractView {
    pub method: String,
    pub path: String,
    pub summary: String,
    /// `name: type (in)`, one per required field.
    pub required: Vec<String>,
    pub example: String,
    /// "built from the schema" when gigops made the example up.
    pub example_note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiGroupView {
    /// An anchor for the index's link.
    pub id: String,
    pub title: String,
    pub description: String,
    pub operations: String,
    /// `GET 3 · POST 1` (a no-break space inside each pair).
    pub methods: String,
    pub rows: Vec<ContractView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FunctionView {
    pub kind: String,
    pub kind_name: String,
    pub name: String,
    pub det: String,
    pub ret: String,
    pub ftr: String,
    pub complexity: String,
    pub weight: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindView {
    pub kind: String,
    pub kind_name: String,
    pub low: String,
    pub average: String,
    pub high: String,
    pub points: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EstimateView {
    pub method: String,
    pub hours: String,
    pub weight: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RangeView {
    pub label: String,
    pub p10: String,
    pub p50: String,
    pub p90: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LineView {
    pub item: String,
    pub hours: String,
    pub amount: String,
    pub working: String,
    /// Subtotal and total rows are set apart.
    pub emphasis: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchmarksView {
    pub intro: String,
    pub rows: Vec<BenchView>,
    /// The summary's counts, when only the summary was read (no table).
    pub counts: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchView {
    pub name: String,
    pub unit: String,
    pub old: String,
    pub new: String,
    pub change: String,
    /// The p-value, or `~` when the change is not significant (benchstat's mark).
    pub significant: String,
    pub better: bool,
    pub worse: bool,
}

/// One operation of the API contract, its required fields' places and its example said in
/// the document's language.
fn contract_view(
    r: &gigops_quote::openapi::ContractRow,
    t: &Catalog,
) -> Result<ContractView, RenderError> {
    let text = |key: &str| t.text(&format!("proposal.{key}")).map(str::to_string);
    Ok(ContractView {
        method: r.method.clone(),
        path: r.path.clone(),
        summary: r.summary.clone().unwrap_or_default(),
        required: r
            .required_fields
            .iter()
            .map(|f| {
                let place = t
                    .lookup(&format!("proposal.in_{}", f.location))
                    .unwrap_or(&f.location);
                format!("{}: {} ({place})", f.name, f.type_name)
            })
            .collect(),
        example: r.example.as_ref().map_or(String::new(), |x| x.json.clone()),
        example_note: match r.example.as_ref() {
            Some(x) => {
                let of = text(&format!("example_{}", x.of))?;
                if x.source == "schema" {
                    format!("{of} · {}", text("example_built")?)
                } else {
                    of
                }
            }
            None => String::new(),
        },
    })
}

/// The API contract section: its title, the operations by tag, whether it is shown in full, and
/// what the summary of a long contract says.
type ApiSection = (String, Vec<ApiGroupView>, bool, String);

fn api_section(p: &Proposal, t: &Catalog) -> Result<ApiSection, RenderError> {
    let text = |key: &str| t.text(&format!("proposal.{key}")).map(str::to_string);
    Ok(match (&p.api, &p.api_index) {
        (Some(api), Some(index)) => {
            let groups = index
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    Ok(ApiGroupView {
                        id: format!("api-{}", i + 1),
                        title: match &g.tag {
                            Some(tag) => tag.clone(),
                            None => text("untagged")?,
                        },
                        description: g.description.clone().unwrap_or_default(),
                        operations: format::count(g.operations),
                        methods: g
                            .methods
                            .iter()
                            // A method and its count never part at a line end.
                            .map(|m| format!("{}\u{a0}{}", m.method, format::count(m.operations)))
                            .collect::<Vec<_>>()
                            .join(" · "),
                        rows: if index.full {
                            g.rows
                                .iter()
                                .map(|&r| contract_view(&api.rows[r], t))
                                .collect::<Result<Vec<_>, RenderError>>()?
                        } else {
                            Vec::new()
                        },
                    })
                })
                .collect::<Result<Vec<_>, RenderError>>()?;
            let summary = if index.full {
                String::new()
            } else {
                let n = format::count(index.operations);
                let limit = format::count(index.limit);
                match &index.appendix {
                    Some(file) => t.fill(
                        "proposal.api_summary",
                        &[("n", &n), ("limit", &limit), ("appendix", file)],
                    )?,
                    None => t.fill(
                        "proposal.api_summary_no_file",
                        &[("n", &n), ("limit", &limit)],
                    )?,
                }
            };
            let name = if api.version.is_empty() {
                api.title.clone()
            } else {
                format!("{} {}", api.title, api.version)
            };
            (name, groups, index.full, summary)
        }
        _ => (String::new(), Vec::new(), true, String::new()),
    })
}

impl ProposalView {
    pub fn build(
        p: &Proposal,
        t: &Catalog,
        font_family: &str,
    ) -> Result<ProposalView, RenderError> {
        let q = &p.quote;
        let e = &q.effort;
        let code = q.currency.code();
        let money = |minor: i64| format::money(minor, code);
        let text = |key: &str| t.text(&format!("proposal.{key}")).map(str::to_string);
        let hours = |h: f64| t.fill("unit.hours", &[("value", &format::decimal(Some(h), 1))]);
        let mut charts = BTreeMap::new();

        let title = match &p.title {
            Some(title) => title.clone(),
            None => text("title")?,
        };
        let mut meta = Vec::new();
        if let Some(client) = &p.client {
            meta.push(Field {
                label: text("client")?,
                value: client.clone(),
            });
        }
        meta.push(Field {
            label: text("issued")?,
            value: p.issued.to_string(),
        });
        meta.push(Field {
            label: text("valid_until")?,
            value: p.valid_until.to_string(),
        });
        meta.push(Field {
            label: text("currency")?,
            value: code.to_string(),
        });

        let price = &q.price;
        let kpis = vec![
            Kpi {
                label: text("kpi_price")?,
                value: money(price.p50_minor)?,
                note: t.fill(
                    "proposal.kpi_price_note",
                    &[
                        ("p10", &money(price.p10_minor)?),
                        ("p90", &money(price.p90_minor)?),
                    ],
                )?,
            },
            Kpi {
                label: text("kpi_hours")?,
                value: hours(e.p50_hours)?,
                note: t.fill(
                    "proposal.kpi_hours_note",
                    &[
                        ("p10", &format::decimal(Some(e.p10_hours), 0)),
                        ("p90", &format::decimal(Some(e.p90_hours), 0)),
                    ],
                )?,
            },
            Kpi {
                label: text("kpi_schedule")?,
                value: t.fill(
                    "proposal.weeks",
                    &[("n", &format::decimal(Some(e.calendar.p50_weeks), 1))],
                )?,
                note: t.fill(
                    "proposal.kpi_schedule_note",
                    &[
                        ("p10", &format::decimal(Some(e.calendar.p10_weeks), 1)),
                        ("p90", &format::decimal(Some(e.calendar.p90_weeks), 1)),
                        (
                            "hours",
                            &format::decimal(Some(e.calendar.hours_per_week), 0),
                        ),
                    ],
                )?,
            },
            Kpi {
                label: text("kpi_fp")?,
                value: q
                    .function_points
                    .as_ref()
                    .map_or(MISSING.to_string(), |f| format::decimal(Some(f.afp), 1)),
                note: t.fill(
                    "proposal.kpi_fp_note",
                    &[(
                        "n",
                        &q.function_points
                            .as_ref()
                            .map_or(0, |f| f.functions.len())
                            .to_string(),
                    )],
                )?,
            },
        ];

        // The architecture diagram, and its width in the PDF.
        let mut diagram_scale = 1.0;
        if let Some(chart) = &p.diagram {
            let svg = diagram::diagram_svg(chart, &text("section_architecture")?, font_family);
            let width = diagram::layout(chart).width;
            // 680 user units are the width of the charts, drawn at the page's width.
            diagram_scale = (width / 680.0).clamp(0.3, 1.0);
            charts.insert("architecture".to_string(), svg);
        }

        let (api_title, api_groups, api_full, api_summary) = api_section(p, t)?;
        let api: Vec<ContractView> = api_groups.iter().flat_map(|g| g.rows.clone()).collect();

        // A contract summarised for its length summarises its functions too (each operation is
        // one); the appendix has both in full.
        let functions_full = p.api_index.as_ref().is_none_or(|i| i.full);
        let function_kinds = match &q.function_points {
            Some(fp) => fp
                .by_kind
                .iter()
                .map(|k| {
                    Ok(KindView {
                        kind: k.kind.to_string(),
                        kind_name: text(&format!("kind_{}", k.kind))?,
                        low: k.low.to_string(),
                        average: k.average.to_string(),
                        high: k.high.to_string(),
                        points: k.points.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, RenderError>>()?,
            None => Vec::new(),
        };
        let (functions, function_totals) = match &q.function_points {
            Some(fp) => {
                let rows = fp
                    .functions
                    .iter()
                    .filter(|_| functions_full)
                    .map(|f| {
                        Ok(FunctionView {
                            kind: f.kind.to_string(),
                            kind_name: text(&format!("kind_{}", f.kind))?,
                            name: f.name.clone(),
                            det: opt(f.det),
                            ret: opt(f.ret),
                            ftr: opt(f.ftr),
                            complexity: text(&format!("complexity_{}", f.complexity))?,
                            weight: f.points.to_string(),
                        })
                    })
                    .collect::<Result<Vec<_>, RenderError>>()?;
                let source =
                    text(&format!("fp_source_{}", fp.source)).unwrap_or_else(|_| fp.source.clone());
                let totals = vec![
                    Field {
                        label: "UFP".into(),
                        value: format::decimal(Some(fp.ufp), 1),
                    },
                    Field {
                        label: "VAF".into(),
                        value: format::decimal(Some(fp.vaf), 2),
                    },
                    Field {
                        label: "AFP".into(),
                        value: format::decimal(Some(fp.afp), 1),
                    },
                    Field {
                        label: text("fp_source")?,
                        value: source,
                    },
                ];
                (rows, totals)
            }
            None => (Vec::new(), Vec::new()),
        };

        let c2 = &e.cocomo2;
        let ksloc_source = text(&format!("ksloc_{}", e.ksloc_source))?;
        let effort = vec![
            Field {
                label: "KSLOC".into(),
                value: format!(
                    "{} ({ksloc_source}, {})",
                    format::decimal(Some(e.ksloc), 2),
                    e.language
                ),
            },
            Field {
                label: text("exponent")?,
                value: format::decimal(Some(c2.exponent), 4),
            },
            Field {
                label: "EAF".into(),
                value: format::decimal(Some(c2.eaf), 3),
            },
            Field {
                label: text("person_months")?,
                value: format::decimal(Some(c2.person_months), 2),
            },
            Field {
                label: text("schedule")?,
                value: t.fill(
                    "proposal.months",
                    &[("n", &format::decimal(Some(c2.schedule_months), 2))],
                )?,
            },
        ];
        let c81 = &e.cocomo81;
        let cocomo81 = vec![
            Field {
                label: text("mode")?,
                value: text(&format!("mode_{}", c81.mode.name()))
                    .unwrap_or_else(|_| c81.mode.name().to_string()),
            },
            Field {
                label: text("person_months")?,
                value: format::decimal(Some(c81.person_months), 2),
            },
            Field {
                label: text("schedule")?,
                value: t.fill(
                    "proposal.months",
                    &[("n", &format::decimal(Some(c81.schedule_months), 2))],
                )?,
            },
            Field {
                label: text("cost")?,
                value: format::money(c81.cost.minor, c81.cost.currency.code())?,
            },
        ];
        let mut estimates = e
            .estimates
            .iter()
            .map(|x| {
                Ok(EstimateView {
                    method: text(&format!("method_{}", x.method))?,
                    hours: hours(x.hours)?,
                    weight: format::percent(Some(x.weight)),
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        estimates.push(EstimateView {
            method: text("build")?,
            hours: hours(e.build_hours)?,
            weight: MISSING.into(),
        });
        if e.operations_hours > 0.0 {
            estimates.push(EstimateView {
                method: text("operations")?,
                hours: hours(e.operations_hours)?,
                weight: MISSING.into(),
            });
        }
        if e.risk_hours > 0.0 {
            estimates.push(EstimateView {
                method: text("risks")?,
                hours: hours(e.risk_hours)?,
                weight: MISSING.into(),
            });
        }
        estimates.push(EstimateView {
            method: text("most_likely")?,
            hours: hours(e.most_likely_hours)?,
            weight: MISSING.into(),
        });

        let ranges = vec![
            RangeView {
                label: text("range_hours")?,
                p10: hours(e.p10_hours)?,
                p50: hours(e.p50_hours)?,
                p90: hours(e.p90_hours)?,
            },
            RangeView {
                label: text("range_weeks")?,
                p10: format::decimal(Some(e.calendar.p10_weeks), 1),
                p50: format::decimal(Some(e.calendar.p50_weeks), 1),
                p90: format::decimal(Some(e.calendar.p90_weeks), 1),
            },
            RangeView {
                label: t.fill("proposal.range_price", &[("currency", code)])?,
                p10: money(price.p10_minor)?,
                p50: money(price.p50_minor)?,
                p90: money(price.p90_minor)?,
            },
        ];
        let band = BandRow {
            label: text("range_price_short")?,
            p25: format::major_units(price.p10_minor, code)?,
            median: format::major_units(price.p50_minor, code)?,
            p75: format::major_units(price.p90_minor, code)?,
            text: format!("P50 {}", format::money_amount(price.p50_minor, code)?),
        };
        let style = ChartStyle {
            font_family: font_family.to_string(),
        };
        if let Some(svg) = charts::band_chart(
            &text("range_chart")?,
            &[band],
            &t.fill("proposal.range_axis", &[("currency", code)])?,
            &style,
        ) {
            charts.insert("price_range".to_string(), svg);
        }

        let breakdown = breakdown(q, t)?;
        let benchmarks = p
            .benchmarks
            .as_ref()
            .map(|b| benchmarks(b, t))
            .transpose()?;

        let mut assumptions = vec![
            t.fill(
                "proposal.assume_hours",
                &[
                    ("hpm", &format::decimal(Some(e.hours_per_person_month), 0)),
                    ("hpfp", &format::decimal(Some(e.hours_per_fp), 1)),
                ],
            )?,
            t.fill(
                "proposal.assume_loc",
                &[
                    ("language", &e.language),
                    ("loc", &format::decimal(Some(e.loc_per_fp), 0)),
                ],
            )?,
            t.fill(
                "proposal.assume_montecarlo",
                &[
                    ("n", &format::count(q.iterations as usize)),
                    ("seed", &q.seed.to_string()),
                ],
            )?,
            t.fill(
                "proposal.assume_calendar",
                &[(
                    "hours",
                    &format::decimal(Some(e.calendar.hours_per_week), 0),
                )],
            )?,
            match &q.exchange {
                Some(x) => t.fill(
                    "proposal.assume_exchange",
                    &[
                        ("currency", code),
                        ("from", x.from.code()),
                        ("rate", &x.rate),
                    ],
                )?,
                None => t.fill("proposal.assume_currency", &[("currency", code)])?,
            },
        ];
        if e.ksloc_source == "backfired" {
            assumptions.push(t.fill(
                "proposal.assume_ksloc_backfired",
                &[("language", &e.language)],
            )?);
        }
        if q.function_points
            .as_ref()
            .is_some_and(|f| f.source == "backfired")
        {
            assumptions.push(text("assume_fp_backfired")?);
        }
        match &q.sla {
            Some(sla) => assumptions.push(t.fill(
                "proposal.assume_tier",
                &[
                    ("tier", &tier_name(t, &sla.tier)),
                    (
                        "availability",
                        &format::decimal(Some(sla.availability_percent), 1),
                    ),
                    ("latency", &sla.p95_latency_ms.to_string()),
                ],
            )?),
            None => assumptions.push(text("assume_no_tier")?),
        }
        let validity = t.fill(
            "proposal.validity",
            &[
                ("until", &p.valid_until.to_string()),
                ("days", &p.valid_for_days.to_string()),
                ("issued", &p.issued.to_string()),
            ],
        )?;

        Ok(ProposalView {
            lang: t.lang().as_str(),
            subtitle: match &p.client {
                Some(client) => t.fill("proposal.subtitle_for", &[("client", client)])?,
                None => text("subtitle")?,
            },
            title,
            meta,
            kpis,
            has_scope: p.scope.as_deref().is_some_and(|s| !s.trim().is_empty()),
            api_title,
            api,
            api_groups,
            api_full,
            api_summary,
            appendix: false,
            functions,
            function_kinds,
            functions_full,
            function_totals,
            effort,
            cocomo81,
            estimates,
            ranges,
            breakdown,
            benchmarks,
            assumptions,
            has_user_assumptions: p
                .assumptions
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty()),
            validity,
            valid_until: p.valid_until.to_string(),
            diagram_scale,
            footer: t.fill(
                "proposal.footer",
                &[("schema", p.schema), ("quote", q.schema)],
            )?,
            charts,
        })
    }
}

fn opt(n: Option<u32>) -> String {
    n.map_or(MISSING.to_string(), |n| n.to_string())
}

fn tier_name(t: &Catalog, tier: &str) -> String {
    t.lookup(&format!("proposal.tier_{tier}"))
        .map_or_else(|| tier.to_string(), str::to_string)
}

/// The price breakdown, line by line, from the quote's fields — the build's estimates, the
/// tier's tasks, the risks, the Monte Carlo's adjustment and the price's parts — each named and
/// its working said in the document's language. Nothing is added up here: every figure shown
/// is a field of the quote.
fn breakdown(q: &Quote, t: &Catalog) -> Result<Vec<LineView>, RenderError> {
    let e = &q.effort;
    let parts = &q.price.parts;
    let code = q.currency.code();
    let money = |minor: i64| format::money(minor, code);
    let num = |x: f64, places: usize| format::decimal(Some(x), places);
    let pct = |share: f64| format::percent(Some(share));
    let fill = |key: &str, values: &[(&str, &str)]| t.fill(&format!("proposal.{key}"), values);
    let text = |key: &str| t.text(&format!("proposal.{key}")).map(str::to_string);
    let tier = q
        .sla
        .as_ref()
        .map_or(String::new(), |s| tier_name(t, &s.tier));
    let afp = q.function_points.as_ref().map_or(0.0, |f| f.afp);
    let hours_line = |item: String, hours: f64, working: String| LineView {
        item,
        hours: num(hours, 1),
        amount: String::new(),
        working,
        emphasis: false,
    };
    let money_line = |item: String, minor: i64, working: String| -> Result<LineView, RenderError> {
        Ok(LineView {
            item,
            hours: String::new(),
            amount: money(minor)?,
            working,
            emphasis: false,
        })
    };
    let mut rows = Vec::new();
    for x in &e.estimates {
        let working = match x.method {
            "size" => fill(
                "work_size",
                &[
                    ("ksloc", &num(e.ksloc, 2)),
                    ("source", &text(&format!("ksloc_{}", e.ksloc_source))?),
                    ("pm", &num(e.cocomo2.person_months, 2)),
                    ("hpm", &num(e.hours_per_person_month, 0)),
                    ("hours", &num(x.hours, 1)),
                    ("weight", &pct(x.weight)),
                ],
            )?,
            _ => fill(
                "work_scope",
                &[
                    ("afp", &num(afp, 1)),
                    ("hpfp", &num(e.hours_per_fp, 1)),
                    ("hours", &num(x.hours, 1)),
                    ("weight", &pct(x.weight)),
                ],
            )?,
        };
        rows.push(hours_line(
            text(&format!("method_{}", x.method))?,
            x.weighted_hours,
            working,
        ));
    }
    if let Some(sla) = &q.sla {
        for task in &sla.tasks {
            let name = t
                .lookup(&format!("proposal.task_{}", task.task))
                .map_or_else(|| task.task.clone(), str::to_string);
            rows.push(hours_line(
                fill("line_operations", &[("task", &name)])?,
                task.hours,
                fill("work_operations", &[("tier", &tier)])?,
            ));
        }
        rows.push(hours_line(
            fill("line_operations", &[("task", &text("task_on_call")?)])?,
            sla.on_call_hours,
            fill(
                "work_on_call",
                &[
                    ("hours", &num(sla.on_call_hours_per_month, 1)),
                    ("months", &num(sla.support_months, 1)),
                    ("tier", &tier),
                ],
            )?,
        ));
    }
    for r in &q.risks {
        rows.push(hours_line(
            fill("line_risk", &[("name", &r.name)])?,
            r.exposure_hours,
            fill(
                "work_risk",
                &[
                    ("probability", &pct(r.probability)),
                    ("impact", &num(r.impact_hours.mode, 1)),
                ],
            )?,
        ));
    }
    rows.push(hours_line(
        text("line_uncertainty")?,
        e.uncertainty_hours,
        fill(
            "work_uncertainty",
            &[
                ("n", &format::count(q.iterations as usize)),
                ("seed", &q.seed.to_string()),
                ("hours", &num(e.most_likely_hours, 1)),
            ],
        )?,
    ));
    rows.push(LineView {
        emphasis: true,
        ..hours_line(text("line_hours")?, parts.hours, text("work_hours")?)
    });
    for l in &parts.labour {
        let role = t
            .lookup(&format!("proposal.role_{}", l.role))
            .unwrap_or(&l.role);
        let seniority = t
            .lookup(&format!("proposal.seniority_{}", l.seniority))
            .unwrap_or(&l.seniority);
        rows.push(LineView {
            hours: num(l.hours, 1),
            ..money_line(
                fill("line_labour", &[("role", role), ("seniority", seniority)])?,
                l.amount_minor,
                fill(
                    "work_labour",
                    &[
                        ("share", &pct(f64::from(l.share_permille) / 1000.0)),
                        ("rate", &money(l.hourly_minor)?),
                    ],
                )?,
            )?
        });
    }
    // The premiums: the tier's (named by its tier) and the debt's (by its rating).
    let premiums = [
        (
            "premium_sla",
            "tier",
            parts
                .sla_premium
                .as_ref()
                .map(|p| (tier_name(t, &p.name), p)),
        ),
        (
            "premium_debt",
            "rating",
            parts.debt_premium.as_ref().map(|p| (p.name.clone(), p)),
        ),
    ];
    for (key, named, premium) in premiums {
        if let Some((name, p)) = premium {
            rows.push(money_line(
                text(&format!("line_{key}"))?,
                p.amount_minor,
                fill(
                    &format!("work_{key}"),
                    &[
                        (named, &name),
                        ("percent", &pct(p.rate)),
                        ("labour", &money(p.base_minor)?),
                    ],
                )?,
            )?);
        }
    }
    rows.push(LineView {
        emphasis: true,
        ..money_line(
            text("line_subtotal")?,
            parts.subtotal_minor,
            text("work_subtotal")?,
        )?
    });
    if let Some(f) = &parts.platform_fee {
        rows.push(money_line(
            text("line_fee")?,
            f.amount_minor,
            fill(
                "work_fee",
                &[
                    ("platform", &f.name),
                    ("percent", &pct(f.rate)),
                    ("subtotal", &money(f.base_minor)?),
                    ("gross", &money(parts.gross_minor)?),
                ],
            )?,
        )?);
    }
    if let Some(x) = &parts.tax {
        rows.push(money_line(
            x.name.clone(),
            x.amount_minor,
            fill(
                "work_tax",
                &[
                    ("percent", &format!("{}%", num(x.rate * 100.0, 2))),
                    ("gross", &money(x.base_minor)?),
                ],
            )?,
        )?);
    }
    rows.push(LineView {
        emphasis: true,
        ..money_line(text("line_total")?, parts.total_minor, text("work_total")?)?
    });
    Ok(rows)
}

impl ProposalView {
    /// The view of the contract appendix: the contract in full, under its own title.
    fn appendix(mut self, p: &Proposal, t: &Catalog) -> Result<ProposalView, RenderError> {
        if let (Some(api), Some(index)) = (&p.api, &p.api_index) {
            let mut full = p.clone();
            if let Some(i) = full.api_index.as_mut() {
                i.full = true;
                i.appendix = None;
            }
            let view = ProposalView::build(&full, t, "")?;
            self.api = view.api;
            self.api_groups = view.api_groups;
            self.api_full = true;
            self.functions = view.functions;
            self.functions_full = true;
            self.api_summary = String::new();
            self.title = t.fill(
                "proposal.appendix_title",
                &[("title", &self.title), ("api", &api.title)],
            )?;
            self.subtitle = t.fill(
                "proposal.appendix_subtitle",
                &[("n", &format::count(index.operations))],
            )?;
        }
        self.appendix = true;
        self.charts.clear();
        Ok(self)
    }
}

fn benchmarks(
    b: &gigops_quote::proposal::BenchmarkEvidence,
    t: &Catalog,
) -> Result<BenchmarksView, RenderError> {
    let alpha = b.alpha.map_or(MISSING.to_string(), |a| a.to_string());
    let run = b.describe.clone().unwrap_or_else(|| b.generated_at.clone());
    let intro = t.fill(
        if b.baseline {
            "proposal.bench_intro"
        } else {
            "proposal.bench_intro_new"
        },
        &[("run", &run), ("alpha", &alpha)],
    )?;
    let rows = b
        .comparisons
        .iter()
        .map(|c| {
            let centre = |s: &Option<gigops_gate::benchcmp::Summary>| {
                s.as_ref().map_or(MISSING.to_string(), |s| {
                    format!("{} (n={})", significant_digits(s.center), s.n)
                })
            };
            let both = c.old.is_some() && c.new.is_some();
            BenchView {
                name: if c.suite.is_empty() {
                    c.name.clone()
                } else {
                    format!("{} {}", c.suite, c.name)
                },
                unit: c.unit.clone(),
                old: centre(&c.old),
                new: centre(&c.new),
                change: match c.delta_percent {
                    Some(d) if c.significant => format!("{d:+.2}%"),
                    _ if both => "~".into(),
                    _ => MISSING.into(),
                },
                significant: match c.p_value {
                    Some(p) if c.significant => p_text(p),
                    Some(p) => format!("~ ({})", p_text(p)),
                    None => MISSING.into(),
                },
                better: c.significant && c.regression_percent.is_some_and(|r| r < 0.0),
                worse: c.significant && c.regression_percent.is_some_and(|r| r > 0.0),
            }
        })
        .collect();
    let counts = match &b.summary {
        Some(s) => t.fill(
            "proposal.bench_counts",
            &[
                ("metrics", &s.metrics.to_string()),
                ("compared", &s.compared.to_string()),
                ("regressions", &s.regressions.to_string()),
            ],
        )?,
        None => String::new(),
    };
    Ok(BenchmarksView {
        intro,
        rows,
        counts,
    })
}

/// A p-value as benchstat prints it: three decimals, and below 0.001 as such.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p<0.001".into()
    } else {
        format!("p={p:.3}")
    }
}

/// A benchmark's centre: large values whole, small ones with enough decimals to compare.
fn significant_digits(x: f64) -> String {
    if x.abs() >= 1000.0 {
        format::decimal(Some(x), 0)
    } else if x.abs() >= 1.0 {
        format::decimal(Some(x), 2)
    } else {
        format::decimal(Some(x), 4)
    }
}
