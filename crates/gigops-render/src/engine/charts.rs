//! Charts of client documents, as standalone SVG documents.
//!
//! Each chart is generated once per document and used twice: inlined in the HTML and embedded
//! as an image by typst in the PDF. The functions take labels and value texts already
//! translated and formatted by the caller, so this module knows nothing about languages or
//! reports and later documents (proposal, SLA report) reuse it as is. A chart with nothing to
//! show returns `None`; the caller renders an empty-state message instead of an empty frame.

use crate::engine::format;
use crate::engine::svg::{Anchor, Svg, TextStyle, fit, text_width};

/// The look shared by all charts of a document.
#[derive(Debug, Clone)]
pub struct ChartStyle {
    /// CSS font-family list written on the SVG root; typst resolves it against its own fonts.
    pub font_family: String,
}

const WIDTH: f64 = 680.0;
const ROW: f64 = 28.0;
const BAR: f64 = 16.0;
const TOP: f64 = 8.0;
const AXIS: f64 = 40.0;
const GAP: f64 = 10.0;
const LABEL_SIZE: f64 = 12.0;
const VALUE_SIZE: f64 = 11.0;
const TICK_SIZE: f64 = 10.0;

const INK: &str = "#1f2933";
const MUTED: &str = "#5f6b78";
const GRID: &str = "#e1e6ea";
const ACCENT: &str = "#2b6777";
const ACCENT_LIGHT: &str = "#c9dde3";
const CONNECTOR: &str = "#e8f0f2";
const MEDIAN: &str = "#b5502a";
const TRACK: &str = "#f1f4f6";

fn label_style() -> TextStyle<'static> {
    TextStyle {
        size: LABEL_SIZE,
        fill: INK,
        anchor: Anchor::End,
        bold: false,
    }
}

fn value_style() -> TextStyle<'static> {
    TextStyle {
        size: VALUE_SIZE,
        fill: MUTED,
        anchor: Anchor::Start,
        bold: false,
    }
}

/// Horizontal layout: a label column, the plot, and a column of value texts.
struct Columns {
    label_right: f64,
    plot_left: f64,
    plot_right: f64,
    value_left: f64,
}

impl Columns {
    fn new<'a>(
        labels: impl Iterator<Item = &'a str>,
        values: impl Iterator<Item = &'a str>,
    ) -> Self {
        let label_w = labels
            .map(|l| text_width(l, LABEL_SIZE))
            .fold(0.0, f64::max)
            .clamp(40.0, 200.0);
        let value_w = values
            .map(|v| text_width(v, VALUE_SIZE))
            .fold(0.0, f64::max)
            .clamp(24.0, 190.0);
        let label_right = 4.0 + label_w;
        let plot_left = label_right + GAP;
        let value_left = WIDTH - 4.0 - value_w;
        let plot_right = value_left - GAP;
        Columns {
            label_right,
            plot_left,
            plot_right,
            value_left,
        }
    }

    fn label_width(&self) -> f64 {
        self.label_right - 4.0
    }

    fn plot_width(&self) -> f64 {
        self.plot_right - self.plot_left
    }
}

/// Maps values to x positions within the plot.
#[derive(Debug, Clone, PartialEq)]
enum Scale {
    Linear { lo: f64, hi: f64, step: f64 },
    Log { lo_exp: i32, hi_exp: i32 },
}

impl Scale {
    /// A linear scale from 0 (or the lowest value, when negative) to a round number at or above
    /// `max`, with about five ticks.
    fn linear(min: f64, max: f64) -> Scale {
        let lo_raw = min.min(0.0);
        let hi_raw = if max > lo_raw { max } else { lo_raw + 1.0 };
        let step = nice_step((hi_raw - lo_raw) / 5.0);
        Scale::Linear {
            lo: (lo_raw / step).floor() * step,
            hi: (hi_raw / step).ceil() * step,
            step,
        }
    }

    /// Durations span minutes to months: beyond a factor of 50 between the smallest positive
    /// value and the largest, a linear axis squeezes most boxes into a few pixels.
    fn for_durations(values: &[f64]) -> Scale {
        let max = values.iter().copied().fold(0.0, f64::max);
        let min_positive = values
            .iter()
            .copied()
            .filter(|v| *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        if max > 0.0 && min_positive.is_finite() && max / min_positive >= 50.0 {
            Scale::Log {
                lo_exp: min_positive.log10().floor() as i32,
                hi_exp: (max.log10().ceil() as i32).max(min_positive.log10().floor() as i32 + 1),
            }
        } else {
            Scale::linear(0.0, max)
        }
    }

    fn is_log(&self) -> bool {
        matches!(self, Scale::Log { .. })
    }

    /// Position of `value` as a fraction of the plot width, clamped to the plot.
    fn fraction(&self, value: f64) -> f64 {
        let f = match *self {
            Scale::Linear { lo, hi, .. } => (value - lo) / (hi - lo),
            Scale::Log { lo_exp, hi_exp } => {
                let lo = 10f64.powi(lo_exp);
                (value.max(lo).log10() - f64::from(lo_exp)) / f64::from(hi_exp - lo_exp)
            }
        };
        if f.is_finite() {
            f.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    fn ticks(&self) -> Vec<(f64, String)> {
        match *self {
            Scale::Linear { lo, hi, step } => {
                let places = decimals_for(step);
                let count = ((hi - lo) / step).round() as i64;
                (0..=count)
                    .map(|i| {
                        let v = lo + i as f64 * step;
                        (v, format::decimal(Some(v), places))
                    })
                    .collect()
            }
            Scale::Log { lo_exp, hi_exp } => {
                let mut ticks = Vec::new();
                let dense = hi_exp - lo_exp <= 2;
                for exp in lo_exp..=hi_exp {
                    let places = usize::try_from(-exp).unwrap_or(0);
                    let decade = 10f64.powi(exp);
                    ticks.push((decade, format::decimal(Some(decade), places)));
                    if dense && exp < hi_exp {
                        for m in [2.0, 5.0] {
                            ticks.push((m * decade, format::decimal(Some(m * decade), places)));
                        }
                    }
                }
                ticks
            }
        }
    }
}

fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

fn decimals_for(step: f64) -> usize {
    if step >= 1.0 {
        0
    } else {
        // 0.25 needs two decimals, 0.2 one.
        (1..=6)
            .find(|&p| {
                let scaled = step * 10f64.powi(p);
                (scaled - scaled.round()).abs() < 1e-6
            })
            .map_or(6, |p| p as usize)
    }
}

/// Grid lines, tick labels and the axis title below a plot of `rows` rows.
fn draw_axis(svg: &mut Svg, cols: &Columns, scale: &Scale, top: f64, bottom: f64, title: &str) {
    let mut last_right = f64::NEG_INFINITY;
    for (value, text) in scale.ticks() {
        let x = cols.plot_left + scale.fraction(value) * cols.plot_width();
        svg.line((x, top), (x, bottom), GRID, 1.0);
        // Dense log ticks can collide on narrow plots: skip a label rather than overprint.
        let half = text_width(&text, TICK_SIZE) / 2.0;
        if x - half < last_right + 4.0 {
            continue;
        }
        last_right = x + half;
        svg.text(
            x,
            bottom + 10.0,
            &text,
            TextStyle {
                size: TICK_SIZE,
                fill: MUTED,
                anchor: Anchor::Middle,
                bold: false,
            },
        );
    }
    svg.text(
        (cols.plot_left + cols.plot_right) / 2.0,
        bottom + 27.0,
        &fit(title, cols.plot_width() + 2.0 * GAP, TICK_SIZE),
        TextStyle {
            size: TICK_SIZE,
            fill: MUTED,
            anchor: Anchor::Middle,
            bold: false,
        },
    );
}

/// One row of a horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label: String,
    /// `None` draws no bar; `text` then says why (e.g. "no closed deals").
    pub value: Option<f64>,
    /// Shown right of the plot, e.g. "42.9% · 3/7".
    pub text: String,
}

/// What the bars measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarScale {
    /// Shares in [0, 1], on a 0–100% axis.
    Share,
    /// Non-negative amounts on an axis from 0 to a round number.
    Linear,
}

/// Horizontal bars, one per row. `None` when there are no rows or no row has a value.
pub fn bar_chart(
    name: &str,
    rows: &[BarRow],
    scale: BarScale,
    axis_title: &str,
    style: &ChartStyle,
) -> Option<String> {
    if rows.iter().all(|r| r.value.is_none()) {
        return None;
    }
    let cols = Columns::new(
        rows.iter().map(|r| r.label.as_str()),
        rows.iter().map(|r| r.text.as_str()),
    );
    let percent = scale == BarScale::Share;
    let scale = match scale {
        BarScale::Share => Scale::Linear {
            lo: 0.0,
            hi: 1.0,
            step: 0.25,
        },
        BarScale::Linear => {
            let max = rows.iter().filter_map(|r| r.value).fold(0.0, f64::max);
            Scale::linear(0.0, max)
        }
    };
    let bottom = TOP + rows.len() as f64 * ROW;
    let mut svg = Svg::new(WIDTH, bottom + AXIS);
    draw_axis_maybe_percent(&mut svg, &cols, &scale, bottom, axis_title, percent);
    for (i, row) in rows.iter().enumerate() {
        let cy = TOP + (i as f64 + 0.5) * ROW;
        svg.fitted_text(
            cols.label_right,
            cy,
            &row.label,
            cols.label_width(),
            label_style(),
        );
        svg.rect(
            cols.plot_left,
            cy - BAR / 2.0,
            cols.plot_width(),
            BAR,
            TRACK,
        );
        if let Some(value) = row.value {
            let w = scale.fraction(value) * cols.plot_width();
            svg.rect(cols.plot_left, cy - BAR / 2.0, w, BAR, ACCENT);
        }
        svg.text(cols.value_left, cy, &row.text, value_style());
    }
    Some(svg.finish(name, &style.font_family))
}

fn draw_axis_maybe_percent(
    svg: &mut Svg,
    cols: &Columns,
    scale: &Scale,
    bottom: f64,
    title: &str,
    percent: bool,
) {
    if !percent {
        draw_axis(svg, cols, scale, TOP, bottom, title);
        return;
    }
    for i in 0..=4 {
        let f = f64::from(i) / 4.0;
        let x = cols.plot_left + f * cols.plot_width();
        svg.line((x, TOP), (x, bottom), GRID, 1.0);
        svg.text(
            x,
            bottom + 10.0,
            &format!("{}%", i * 25),
            TextStyle {
                size: TICK_SIZE,
                fill: MUTED,
                anchor: Anchor::Middle,
                bold: false,
            },
        );
    }
    svg.text(
        (cols.plot_left + cols.plot_right) / 2.0,
        bottom + 27.0,
        &fit(title, cols.plot_width() + 2.0 * GAP, TICK_SIZE),
        TextStyle {
            size: TICK_SIZE,
            fill: MUTED,
            anchor: Anchor::Middle,
            bold: false,
        },
    );
}

/// One stage of a funnel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelStep {
    pub label: String,
    pub reached: usize,
    /// The count as shown, e.g. "1,204".
    pub reached_text: String,
    /// Conversion from the previous stage as shown, e.g. "62.5%"; `None` for the first stage.
    pub conversion_text: Option<String>,
}

/// A funnel: one centred bar per stage, its width proportional to the deals that reached it,
/// with the conversion from the previous stage on the right. `None` when no deal reached any
/// stage.
pub fn funnel(
    name: &str,
    steps: &[FunnelStep],
    conversion_header: &str,
    style: &ChartStyle,
) -> Option<String> {
    let max = steps.iter().map(|s| s.reached).max().unwrap_or(0);
    if max == 0 {
        return None;
    }
    let header = 18.0;
    let cols = Columns::new(
        steps.iter().map(|s| s.label.as_str()),
        steps
            .iter()
            .filter_map(|s| s.conversion_text.as_deref())
            .chain([conversion_header]),
    );
    let top = TOP + header;
    let height = top + steps.len() as f64 * ROW + TOP;
    let mut svg = Svg::new(WIDTH, height);
    svg.text(
        cols.value_left,
        TOP + 4.0,
        conversion_header,
        TextStyle {
            size: TICK_SIZE,
            fill: MUTED,
            anchor: Anchor::Start,
            bold: false,
        },
    );
    let centre = (cols.plot_left + cols.plot_right) / 2.0;
    let bar_h = ROW - 6.0;
    let half_width = |reached: usize| {
        let w = reached as f64 / max as f64 * cols.plot_width();
        // A stage that some deal reached stays visible however small it is.
        (if reached > 0 { w.max(3.0) } else { 0.0 }) / 2.0
    };
    for (i, step) in steps.iter().enumerate() {
        let y = top + i as f64 * ROW + 3.0;
        let hw = half_width(step.reached);
        if let Some(next) = steps.get(i + 1) {
            let nhw = half_width(next.reached);
            svg.polygon(
                &[
                    (centre - hw, y + bar_h),
                    (centre + hw, y + bar_h),
                    (centre + nhw, y + ROW),
                    (centre - nhw, y + ROW),
                ],
                CONNECTOR,
            );
        }
        svg.rect(centre - hw, y, 2.0 * hw, bar_h, ACCENT);
        let cy = y + bar_h / 2.0;
        svg.fitted_text(
            cols.label_right,
            cy,
            &step.label,
            cols.label_width(),
            label_style(),
        );
        let text_w = text_width(&step.reached_text, VALUE_SIZE);
        if text_w + 10.0 <= 2.0 * hw {
            svg.text(
                centre,
                cy,
                &step.reached_text,
                TextStyle {
                    size: VALUE_SIZE,
                    fill: "#ffffff",
                    anchor: Anchor::Middle,
                    bold: true,
                },
            );
        } else {
            svg.text(
                centre + hw + 5.0,
                cy,
                &step.reached_text,
                TextStyle {
                    size: VALUE_SIZE,
                    fill: INK,
                    anchor: Anchor::Start,
                    bold: true,
                },
            );
        }
        if let Some(conversion) = &step.conversion_text {
            svg.text(cols.value_left, cy, conversion, value_style());
        }
    }
    Some(svg.finish(name, &style.font_family))
}

/// Minimum, quartiles, median and maximum of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FiveNumbers {
    pub min: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub max: f64,
}

/// One row of a box plot.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxRow {
    pub label: String,
    /// `None` when the sample is empty: the row keeps its place, with `text` saying so.
    pub stats: Option<FiveNumbers>,
    pub text: String,
}

/// Horizontal box plots of durations: whiskers from minimum to maximum, the box from P25 to P75
/// and a tick at the median. The axis turns logarithmic when the values span more than a factor
/// of 50, and is then titled `log_axis_title` (which should say so). `None` without any sample.
pub fn box_plot(
    name: &str,
    rows: &[BoxRow],
    axis_title: &str,
    log_axis_title: &str,
    style: &ChartStyle,
) -> Option<String> {
    let values: Vec<f64> = rows
        .iter()
        .filter_map(|r| r.stats)
        .flat_map(|s| [s.min, s.p25, s.median, s.p75, s.max])
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        return None;
    }
    let scale = Scale::for_durations(&values);
    let cols = Columns::new(
        rows.iter().map(|r| r.label.as_str()),
        rows.iter().map(|r| r.text.as_str()),
    );
    let bottom = TOP + rows.len() as f64 * ROW;
    let mut svg = Svg::new(WIDTH, bottom + AXIS);
    let title = if scale.is_log() {
        log_axis_title
    } else {
        axis_title
    };
    draw_axis(&mut svg, &cols, &scale, TOP, bottom, title);
    let x = |v: f64| cols.plot_left + scale.fraction(v) * cols.plot_width();
    for (i, row) in rows.iter().enumerate() {
        let cy = TOP + (i as f64 + 0.5) * ROW;
        svg.fitted_text(
            cols.label_right,
            cy,
            &row.label,
            cols.label_width(),
            label_style(),
        );
        svg.text(cols.value_left, cy, &row.text, value_style());
        let Some(s) = row.stats else { continue };
        let half = BAR / 2.0;
        svg.line((x(s.min), cy), (x(s.max), cy), MUTED, 1.2);
        svg.line((x(s.min), cy - 5.0), (x(s.min), cy + 5.0), MUTED, 1.2);
        svg.line((x(s.max), cy - 5.0), (x(s.max), cy + 5.0), MUTED, 1.2);
        svg.outlined_rect(
            (x(s.p25), cy - half, x(s.p75) - x(s.p25), BAR),
            ACCENT_LIGHT,
            ACCENT,
            1.2,
        );
        svg.line(
            (x(s.median), cy - half - 2.0),
            (x(s.median), cy + half + 2.0),
            MEDIAN,
            2.5,
        );
    }
    Some(svg.finish(name, &style.font_family))
}

/// One row of a value-band chart: the interquartile range of an amount and its median.
#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    pub label: String,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub text: String,
}

/// Bars from P25 to P75 with a tick at the median, on one linear axis. All rows must be in the
/// same unit (one currency): the caller draws one chart per currency. `None` without rows.
pub fn band_chart(
    name: &str,
    rows: &[BandRow],
    axis_title: &str,
    style: &ChartStyle,
) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let min = rows.iter().map(|r| r.p25).fold(0.0, f64::min);
    let max = rows.iter().map(|r| r.p75).fold(0.0, f64::max);
    let scale = Scale::linear(min, max);
    let cols = Columns::new(
        rows.iter().map(|r| r.label.as_str()),
        rows.iter().map(|r| r.text.as_str()),
    );
    let bottom = TOP + rows.len() as f64 * ROW;
    let mut svg = Svg::new(WIDTH, bottom + AXIS);
    draw_axis(&mut svg, &cols, &scale, TOP, bottom, axis_title);
    let x = |v: f64| cols.plot_left + scale.fraction(v) * cols.plot_width();
    for (i, row) in rows.iter().enumerate() {
        let cy = TOP + (i as f64 + 0.5) * ROW;
        svg.fitted_text(
            cols.label_right,
            cy,
            &row.label,
            cols.label_width(),
            label_style(),
        );
        svg.text(cols.value_left, cy, &row.text, value_style());
        let half = BAR / 2.0;
        // A band of one deal (or equal quartiles) is a point: keep it visible.
        let w = (x(row.p75) - x(row.p25)).max(2.0);
        svg.rect(x(row.p25), cy - half, w, BAR, ACCENT_LIGHT);
        svg.line(
            (x(row.median), cy - half - 2.0),
            (x(row.median), cy + half + 2.0),
            MEDIAN,
            2.5,
        );
    }
    Some(svg.finish(name, &style.font_family))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_are_round() {
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(0.18), 0.2);
        assert_eq!(nice_step(1200.0), 2000.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(decimals_for(0.2), 1);
        assert_eq!(decimals_for(50.0), 0);
    }

    #[test]
    fn linear_scale_covers_the_data_with_round_ends() {
        let scale = Scale::linear(0.0, 87.0);
        assert_eq!(
            scale,
            Scale::Linear {
                lo: 0.0,
                hi: 100.0,
                step: 20.0
            }
        );
        let ticks: Vec<String> = scale.ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(ticks, ["0", "20", "40", "60", "80", "100"]);
    }

    #[test]
    fn durations_spanning_decades_get_a_log_axis() {
        let scale = Scale::for_durations(&[0.5, 3.0, 40.0, 900.0]);
        assert_eq!(
            scale,
            Scale::Log {
                lo_exp: -1,
                hi_exp: 3
            }
        );
        let ticks: Vec<String> = scale.ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(ticks, ["0.1", "1", "10", "100", "1,000"]);
        // Zero durations sit at the left edge instead of at minus infinity.
        assert_eq!(scale.fraction(0.0), 0.0);
        assert!(!Scale::for_durations(&[2.0, 10.0, 30.0]).is_log());
        assert!(!Scale::for_durations(&[0.0, 0.0]).is_log());
    }

    fn style() -> ChartStyle {
        ChartStyle {
            font_family: "sans-serif".into(),
        }
    }

    #[test]
    fn charts_without_data_are_none() {
        assert!(bar_chart("x", &[], BarScale::Share, "", &style()).is_none());
        let none = BarRow {
            label: "a".into(),
            value: None,
            text: "—".into(),
        };
        assert!(bar_chart("x", &[none], BarScale::Share, "", &style()).is_none());
        let step = FunnelStep {
            label: "lead".into(),
            reached: 0,
            reached_text: "0".into(),
            conversion_text: None,
        };
        assert!(funnel("x", &[step], "", &style()).is_none());
        assert!(band_chart("x", &[], "", &style()).is_none());
        let row = BoxRow {
            label: "lead".into(),
            stats: None,
            text: "n = 0".into(),
        };
        assert!(box_plot("x", &[row], "", "", &style()).is_none());
    }
}
