//! A small SVG writer: just enough to draw the charts of client documents.
//!
//! Why not plotters: its SVG backend emits one element per pixel-ish primitive with its own
//! font handling, cannot lay out CJK labels we measure ourselves, and adds a dependency tree for
//! what is here a few rectangles, lines and labels. Writing the markup directly keeps the output
//! small, deterministic (snapshot-testable) and equally readable by browsers and by typst's
//! SVG importer (usvg), which is why only presentation attributes are used (no `<style>`, no
//! `dominant-baseline`, no `textLength`).

use std::fmt::Write;

/// Text anchor of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Optional look of a text element.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle<'a> {
    pub size: f64,
    pub fill: &'a str,
    pub anchor: Anchor,
    pub bold: bool,
}

/// An SVG document under construction. Coordinates are in user units of the view box; the
/// document scales to the width of its container in HTML and to the image width in typst.
#[derive(Debug)]
pub struct Svg {
    width: f64,
    height: f64,
    body: String,
}

impl Svg {
    pub fn new(width: f64, height: f64) -> Self {
        Svg {
            width,
            height,
            body: String::new(),
        }
    }

    pub fn rect(&mut self, x: f64, y: f64, width: f64, height: f64, fill: &str) {
        // SVG renders nothing for an empty rectangle, and typst's importer warns about one.
        if width <= 0.0 || height <= 0.0 {
            return;
        }
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            num(x),
            num(y),
            num(width),
            num(height),
            attr(fill)
        );
    }

    /// A rectangle with an outline, e.g. the box of a box plot.
    pub fn outlined_rect(
        &mut self,
        (x, y, width, height): (f64, f64, f64, f64),
        fill: &str,
        stroke: &str,
        stroke_width: f64,
    ) {
        if width <= 0.0 || height <= 0.0 {
            return;
        }
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="{}"/>"#,
            num(x),
            num(y),
            num(width),
            num(height),
            attr(fill),
            attr(stroke),
            num(stroke_width)
        );
    }

    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, width: f64) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            attr(stroke),
            num(width)
        );
    }

    /// A closed polygon, e.g. a funnel segment.
    pub fn polygon(&mut self, points: &[(f64, f64)], fill: &str) {
        let points: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            self.body,
            r#"<polygon points="{}" fill="{}"/>"#,
            points.join(" "),
            attr(fill)
        );
    }

    /// A rectangle with rounded corners and an outline, e.g. a node of a diagram.
    pub fn rounded_rect(
        &mut self,
        (x, y, width, height): (f64, f64, f64, f64),
        radius: f64,
        fill: &str,
        stroke: (&str, f64),
    ) {
        if width <= 0.0 || height <= 0.0 {
            return;
        }
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}" stroke="{}" stroke-width="{}"/>"#,
            num(x),
            num(y),
            num(width),
            num(height),
            num(radius),
            attr(fill),
            attr(stroke.0),
            num(stroke.1)
        );
    }

    pub fn ellipse(
        &mut self,
        (cx, cy): (f64, f64),
        (rx, ry): (f64, f64),
        fill: &str,
        stroke: (&str, f64),
    ) {
        let _ = writeln!(
            self.body,
            r#"<ellipse cx="{}" cy="{}" rx="{}" ry="{}" fill="{}" stroke="{}" stroke-width="{}"/>"#,
            num(cx),
            num(cy),
            num(rx),
            num(ry),
            attr(fill),
            attr(stroke.0),
            num(stroke.1)
        );
    }

    /// A path from its `d` commands (built by the caller from numbers, never from user text).
    pub fn path(&mut self, d: &str, fill: &str, stroke: (&str, f64)) {
        let _ = writeln!(
            self.body,
            r#"<path d="{}" fill="{}" stroke="{}" stroke-width="{}"/>"#,
            attr(d),
            attr(fill),
            attr(stroke.0),
            num(stroke.1)
        );
    }

    /// An open line through `points`; `dash` is a stroke-dasharray such as `"5 4"`.
    pub fn polyline(
        &mut self,
        points: &[(f64, f64)],
        stroke: &str,
        width: f64,
        dash: Option<&str>,
    ) {
        let points: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let dash = dash.map_or(String::new(), |d| {
            format!(r#" stroke-dasharray="{}""#, attr(d))
        });
        let _ = writeln!(
            self.body,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round"{dash}/>"#,
            points.join(" "),
            attr(stroke),
            num(width)
        );
    }

    /// Opens a group with a tooltip (`<title>`), e.g. a diagram node with its id; close it with
    /// [`Svg::end_group`].
    pub fn group_with_title(&mut self, title: &str) {
        let _ = writeln!(self.body, "<g><title>{}</title>", escape(title));
    }

    pub fn end_group(&mut self) {
        self.body.push_str("</g>\n");
    }

    /// A label whose baseline is placed so that the text is vertically centred on `y`: SVG
    /// positions text by its baseline, and `dominant-baseline` is not honoured everywhere.
    pub fn text(&mut self, x: f64, y: f64, content: &str, style: TextStyle<'_>) {
        let baseline = y + style.size * 0.35;
        let weight = if style.bold {
            r#" font-weight="bold""#
        } else {
            ""
        };
        let _ = writeln!(
            self.body,
            r#"<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="{}"{weight}>{}</text>"#,
            num(x),
            num(baseline),
            num(style.size),
            attr(style.fill),
            style.anchor.as_str(),
            escape(content)
        );
    }

    /// Like [`Svg::text`], but shortened with an ellipsis to fit `max_width`; the full text stays
    /// available as a tooltip so that nothing a user typed is lost.
    pub fn fitted_text(
        &mut self,
        x: f64,
        y: f64,
        content: &str,
        max_width: f64,
        style: TextStyle<'_>,
    ) {
        let shown = fit(content, max_width, style.size);
        if shown == content {
            self.text(x, y, content, style);
        } else {
            let _ = writeln!(self.body, "<g><title>{}</title>", escape(content));
            self.text(x, y, &shown, style);
            self.body.push_str("</g>\n");
        }
    }

    /// The finished document. `label` names the chart for screen readers.
    pub fn finish(self, label: &str, font_family: &str) -> String {
        format!(
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" "#,
                r#"viewBox="0 0 {w} {h}" role="img" aria-label="{label}" "#,
                r#"font-family="{font}">"#,
                "\n<title>{title}</title>\n{body}</svg>\n"
            ),
            w = num(self.width),
            h = num(self.height),
            label = attr(label),
            font = attr(font_family),
            title = escape(label),
            body = self.body,
        )
    }
}

/// Escapes text content and attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn attr(text: &str) -> String {
    escape(text)
}

/// Coordinates with at most one decimal: enough for print, and stable across platforms.
pub fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".into();
    }
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

/// An estimate of the rendered width of `text` at `size`, without access to the font: wide
/// enough for the sans-serif fonts of our font stacks, so that labels are laid out without
/// overlapping. CJK ideographs are a full em wide.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(|c| char_width(c) * size).sum()
}

fn char_width(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.3,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.4,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.9,
        'A'..='Z' => 0.7,
        '0'..='9' => 0.6,
        c if c.is_ascii() => 0.58,
        // General punctuation such as '–', '—', '·', '…'.
        '\u{2000}'..='\u{206F}' | '\u{00B7}' => 0.6,
        // Everything from CJK radicals on (ideographs, kana, hangul, fullwidth forms).
        c if c >= '\u{2E80}' => 1.0,
        _ => 0.62,
    }
}

/// `text`, shortened with an ellipsis so that its estimated width fits `max_width`.
pub fn fit(text: &str, max_width: f64, size: f64) -> String {
    if text_width(text, size) <= max_width {
        return text.to_string();
    }
    let budget = max_width - text_width("…", size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = char_width(c) * size;
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_text() {
        let mut svg = Svg::new(10.0, 10.0);
        let style = TextStyle {
            size: 10.0,
            fill: "#000",
            anchor: Anchor::Start,
            bold: false,
        };
        svg.text(0.0, 0.0, "<script>&\"", style);
        let out = svg.finish("a \"chart\"", "sans-serif");
        assert!(out.contains("&lt;script&gt;&amp;&quot;"), "{out}");
        assert!(out.contains(r#"aria-label="a &quot;chart&quot;""#), "{out}");
        assert!(!out.contains("<script>"));
    }

    #[test]
    fn empty_rectangles_are_not_drawn() {
        let mut svg = Svg::new(10.0, 10.0);
        svg.rect(0.0, 0.0, 0.0, 5.0, "#000");
        svg.rect(0.0, 0.0, 5.0, -1.0, "#000");
        svg.outlined_rect((0.0, 0.0, 0.0, 5.0), "#fff", "#000", 1.0);
        svg.rect(1.0, 1.0, 2.0, 3.0, "#123");
        let out = svg.finish("bars", "sans-serif");
        assert_eq!(out.matches("<rect").count(), 1, "{out}");
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(num(3.0), "3");
        assert_eq!(num(3.04), "3");
        assert_eq!(num(3.25), "3.3");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn fit_shortens_long_text_with_ellipsis() {
        let long = "a very long platform name that does not fit";
        let short = fit(long, 60.0, 10.0);
        assert!(short.ends_with('…'));
        assert!(text_width(&short, 10.0) <= 60.0 + 0.01);
        assert_eq!(fit("upwork", 100.0, 10.0), "upwork");
        assert!(text_width("码市", 10.0) > text_width("ab", 10.0));
    }
}
