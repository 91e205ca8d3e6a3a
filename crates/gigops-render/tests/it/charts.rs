//! Chart SVG, pinned by snapshots: a change to the drawing code shows up in review.

use gigops_render::charts::{BandRow, BarRow, BarScale, ChartStyle, band_chart, bar_chart};

fn style() -> ChartStyle {
    ChartStyle {
        font_family: "sans-serif".into(),
    }
}

#[test]
fn small_bar_chart_snapshot() {
    let rows = [
        BarRow {
            label: "Upwork".into(),
            value: Some(1.0 / 3.0),
            text: "33.3% · 6 of 18".into(),
        },
        BarRow {
            label: "码市".into(),
            value: Some(0.375),
            text: "37.5% · 3 of 8".into(),
        },
        BarRow {
            label: "Direct".into(),
            value: None,
            text: "no closed deals".into(),
        },
    ];
    let svg = bar_chart(
        "Win rate by platform",
        &rows,
        BarScale::Share,
        "Win rate",
        &style(),
    )
    .expect("a chart");
    insta::assert_snapshot!(svg);
}

#[test]
fn band_chart_snapshot() {
    let rows = [BandRow {
        label: "Upwork · Project".into(),
        p25: 1500.0,
        median: 3200.0,
        p75: 6500.0,
        text: "3,200.00 · n = 8".into(),
    }];
    let svg =
        band_chart("Deal value bands, USD", &rows, "Deal value (USD)", &style()).expect("a chart");
    insta::assert_snapshot!(svg);
}

#[test]
fn long_user_labels_are_shortened_with_a_tooltip() {
    let rows = [BarRow {
        label: "a platform whose name goes on and on and on and on and on and on".into(),
        value: Some(0.5),
        text: "50.0%".into(),
    }];
    let svg = bar_chart("x", &rows, BarScale::Share, "", &style()).unwrap();
    assert!(svg.contains("…</text>"));
    assert!(svg.contains("<title>a platform whose name goes on"));
}
