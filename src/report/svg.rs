//! Charts drawn as inline SVG, for the HTML report: no script, no fonts or images to fetch, and
//! sharp when printed. Positions are worked out in floating point, which is fine for drawing; every
//! figure written on a chart is the exact figure rounded for display, as in the tables.

use super::view::{ChartKind, ChartMeasure, ChartView, StepKind};
use crate::display_text::{self, Lines};
use crate::money::{self, Precision};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;

const WIDTH: f64 = 720.0;
const PLOT_HEIGHT: f64 = 260.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 16.0;
const LINE_HEIGHT: f64 = 13.0;

/// Bar colours, one per series, distinguishable in print and for common colour blindness.
const SERIES_COLOURS: [&str; 6] = [
    "#2f5d8a", "#e08a2c", "#4f9a6b", "#8c5fa8", "#c4504a", "#6b7280",
];
const POSITIVE: &str = "#2f5d8a";
const NEGATIVE: &str = "#c4504a";
const INCREASE: &str = "#4f9a6b";

/// Draws a chart as an `<svg>` element.
pub fn chart(chart: &ChartView, precision: Precision, id: &str) -> String {
    match &chart.kind {
        ChartKind::Bars {
            categories,
            series,
            measure,
            reference,
        } => bars(
            chart,
            id,
            categories,
            series,
            *measure,
            reference.as_ref(),
            precision,
        ),
        ChartKind::Waterfall { steps } => waterfall(chart, id, steps, precision),
    }
}

fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// The vertical scale: a value range widened to round tick marks, mapped onto the plot.
struct Scale {
    top: f64,
    low: f64,
    high: f64,
    step: f64,
}

impl Scale {
    fn new(values: impl Iterator<Item = f64>, top: f64) -> Scale {
        let (mut low, mut high) = (0.0_f64, 0.0_f64);
        for value in values {
            low = low.min(value);
            high = high.max(value);
        }
        if (high - low).abs() < f64::EPSILON {
            high = low + 1.0;
        }
        let step = nice_step((high - low) / 5.0);
        Scale {
            top,
            low: (low / step).floor() * step,
            high: (high / step).ceil() * step,
            step,
        }
    }

    /// A scale for `values` and zero, with room above and below (8% of the range) for the labels
    /// over the tallest bars and under the deepest.
    fn with_headroom(values: &[f64], top: f64) -> Scale {
        let (low, high) = values
            .iter()
            .fold((0.0_f64, 0.0_f64), |(low, high), value| {
                (low.min(*value), high.max(*value))
            });
        let pad = (high - low) * 0.08;
        let padded_low = if low < 0.0 { low - pad } else { 0.0 };
        Scale::new([low, high + pad, padded_low].into_iter(), top)
    }

    fn y(&self, value: f64) -> f64 {
        self.top + (self.high - value) / (self.high - self.low) * PLOT_HEIGHT
    }

    fn ticks(&self) -> Vec<f64> {
        let count = ((self.high - self.low) / self.step).round() as i64;
        (0..=count)
            .map(|index| self.low + index as f64 * self.step)
            .collect()
    }

    fn bottom(&self) -> f64 {
        self.top + PLOT_HEIGHT
    }
}

/// A round step near `rough`: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(rough: f64) -> f64 {
    let power = 10_f64.powf(rough.log10().floor());
    let fraction = rough / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// A short label for an axis tick or a narrow bar: `£20k`, `-£1.5m`, `£2bn`, `£0.50`, and for
/// amounts too large for words, `£7.92e28`: written out, a float that large shows its rounding
/// error (`£99999999999999991611392m` for 10²⁹).
/// About how wide a bold label of 11px is drawn, in the chart's units: a digit or comma is a
/// little over 6, and this errs wide.
fn label_width(text: &str) -> f64 {
    text.chars().count() as f64 * 7.0
}

fn compact(value: f64, measure: ChartMeasure) -> String {
    if measure == ChartMeasure::Ratio && value.abs() < 1_000.0 {
        return format!("£{value:.2}");
    }
    let sign = if value < -0.0005 { "-" } else { "" };
    let size = value.abs();
    if size >= 1e15 {
        let scientific = format!("{size:.2e}");
        let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{sign}£{mantissa}e{exponent}");
    }
    let (scaled, suffix) = if size >= 1e12 {
        (size / 1e12, "tn")
    } else if size >= 1e9 {
        (size / 1e9, "bn")
    } else if size >= 1_000_000.0 {
        (size / 1_000_000.0, "m")
    } else if size >= 1_000.0 {
        (size / 1_000.0, "k")
    } else {
        (size, "")
    };
    let digits = if suffix.is_empty() || scaled >= 100.0 {
        0
    } else if scaled >= 10.0 {
        1
    } else {
        2
    };
    let number = format!("{scaled:.digits$}");
    // "20.0k" reads better as "20k".
    let number = if number.contains('.') {
        number
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        number
    };
    format!("{sign}£{number}{suffix}")
}

/// A figure as the tables show it.
fn full(value: Decimal, measure: ChartMeasure, precision: Precision) -> String {
    match measure {
        ChartMeasure::Money => money::format_money(value, precision),
        ChartMeasure::Ratio => money::format_ratio(value),
    }
}

/// Text made safe inside SVG or HTML. Control characters are shown as visible escapes
/// (`\x1b`), as on a terminal: XML 1.0 forbids most of them, so inline SVG holding one raw is
/// not well-formed, and a browser shows them as nothing or as boxes. Bidirectional overrides are
/// shown too, or they would make a label or a cell read in another order.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            // Line breaks and tabs are only spaces in HTML and SVG text. U+FFFE and U+FFFF are
            // not characters, and XML forbids them.
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(escaped, "{}", display_text::Escaped(character));
            }
            _ if display_text::is_hazard(character, Lines::Kept) => {
                let _ = write!(escaped, "{}", display_text::Escaped(character));
            }
            _ => escaped.push(character),
        }
    }
    escaped
}

/// Splits a label into at most three lines of about `width` characters.
fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.len() > 3 {
        lines.truncate(3);
        lines[2].push('…');
    }
    lines
}

fn open_svg(out: &mut String, id: &str, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title" font-family="inherit" font-size="11"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
}

fn axis(out: &mut String, scale: &Scale, measure: ChartMeasure) {
    for tick in scale.ticks() {
        let y = scale.y(tick);
        let zero = tick.abs() < scale.step / 1e6;
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="{stroke}"/><text x="{x}" y="{ty:.1}" text-anchor="end" fill="#5a6270">{label}</text>"##,
            x2 = WIDTH - RIGHT,
            colour = if zero { "#57606a" } else { "#e1e5ea" },
            stroke = if zero { 1.5 } else { 1.0 },
            x = LEFT - 6.0,
            ty = y + 4.0,
            label = escape(&compact(tick, measure)),
        );
    }
}

/// The labels under the plot, one per band, centred and wrapped to the band's width.
fn category_labels(out: &mut String, labels: &[&str], band: f64, top: f64) {
    let characters = ((band / 6.2) as usize).max(6);
    for (index, label) in labels.iter().enumerate() {
        let centre = LEFT + band * (index as f64 + 0.5);
        let lines = wrap(label, characters);
        let _ = write!(
            out,
            r#"<text x="{centre:.1}" y="{top:.1}" text-anchor="middle">"#
        );
        for (index, line) in lines.iter().enumerate() {
            let dy = if index == 0 { 0.0 } else { LINE_HEIGHT };
            let _ = write!(
                out,
                r#"<tspan x="{centre:.1}" dy="{dy}">{}</tspan>"#,
                escape(line)
            );
        }
        out.push_str("</text>");
    }
}

/// The width of each category's band across the plot.
fn band_width(categories: usize) -> f64 {
    (WIDTH - LEFT - RIGHT) / categories.max(1) as f64
}

/// The whole chart's height: the plot, and the wrapped labels under it.
fn chart_height(scale: &Scale, labels: &[&str], band: f64) -> f64 {
    scale.bottom() + 14.0 + LINE_HEIGHT * label_lines(labels, band) as f64 + 8.0
}

fn label_lines(labels: &[&str], band: f64) -> usize {
    let characters = ((band / 6.2) as usize).max(6);
    labels
        .iter()
        .map(|label| wrap(label, characters).len())
        .max()
        .unwrap_or(1)
}

fn bars(
    chart: &ChartView,
    id: &str,
    categories: &[String],
    series: &[super::view::BarSeries],
    measure: ChartMeasure,
    reference: Option<&(Decimal, String)>,
    precision: Precision,
) -> String {
    let legend = series.len() > 1;
    let top = if legend || reference.is_some() {
        40.0
    } else {
        20.0
    };
    let values: Vec<f64> = series
        .iter()
        .flat_map(|series| series.values.iter().flatten().copied().map(to_f64))
        .chain(reference.map(|(value, _)| to_f64(*value)))
        .collect();
    let scale = Scale::with_headroom(&values, top);
    let labels: Vec<&str> = categories.iter().map(String::as_str).collect();
    let band = band_width(labels.len());
    let height = chart_height(&scale, &labels, band);

    let mut out = String::new();
    open_svg(&mut out, id, height, &chart.title);
    let mut x = LEFT;
    if legend {
        for (index, series) in series.iter().enumerate() {
            let colour = SERIES_COLOURS[index % SERIES_COLOURS.len()];
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="12" width="12" height="12" fill="{colour}"/><text x="{tx:.1}" y="22">{}</text>"#,
                escape(&series.name),
                tx = x + 17.0,
            );
            x += 17.0 + series.name.chars().count() as f64 * 6.4 + 24.0;
        }
    }
    axis(&mut out, &scale, measure);

    let group_width = (band * 0.8).min(110.0 * series.len() as f64);
    let bar_width = group_width / series.len().max(1) as f64;
    let zero = scale.y(0.0);
    for (category_index, category) in categories.iter().enumerate() {
        let group_left = LEFT + band * category_index as f64 + (band - group_width) / 2.0;
        for (series_index, series) in series.iter().enumerate() {
            let Some(value) = series.values.get(category_index).copied().flatten() else {
                continue;
            };
            let y = scale.y(to_f64(value));
            let x = group_left + bar_width * series_index as f64;
            let colour = if legend {
                SERIES_COLOURS[series_index % SERIES_COLOURS.len()]
            } else if value.is_sign_negative() && !value.is_zero() {
                NEGATIVE
            } else {
                POSITIVE
            };
            let shown = full(value, measure, precision);
            let hover = if legend {
                format!("{}, {category}: {shown}", series.name)
            } else {
                format!("{category}: {shown}")
            };
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{ry:.1}" width="{w:.1}" height="{h:.1}" fill="{colour}"><title>{}</title></rect>"#,
                escape(&hover),
                ry = y.min(zero),
                w = (bar_width - 2.0).max(1.0),
                h = (y - zero).abs().max(0.5),
            );
            // The figure at the end of the bar: in full where there is room, else shortened.
            let label = if bar_width >= 58.0 {
                shown
            } else {
                compact(to_f64(value), measure)
            };
            let label_y = if value.is_sign_negative() && !value.is_zero() {
                y + 12.0
            } else {
                y - 4.0
            };
            let _ = write!(
                out,
                r#"<text x="{cx:.1}" y="{label_y:.1}" text-anchor="middle" font-size="{size}">{}</text>"#,
                escape(&label),
                cx = x + (bar_width - 2.0) / 2.0,
                size = if bar_width >= 40.0 { 11 } else { 9 },
            );
        }
    }
    // A reference line across the plot, explained in the legend above it.
    if let Some((value, label)) = reference {
        let y = scale.y(to_f64(*value));
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" stroke="#24292f" stroke-dasharray="5 4"/><line x1="{x:.1}" x2="{lx:.1}" y1="18" y2="18" stroke="#24292f" stroke-dasharray="5 4"/><text x="{tx:.1}" y="22">{}</text>"##,
            escape(label),
            x2 = WIDTH - RIGHT,
            lx = x + 22.0,
            tx = x + 28.0,
        );
    }
    category_labels(&mut out, &labels, band, scale.bottom() + 16.0);
    out.push_str("</svg>");
    out
}

fn waterfall(
    chart: &ChartView,
    id: &str,
    steps: &[super::view::WaterfallStep],
    precision: Precision,
) -> String {
    // Where each bar starts and ends, as the analysis worked them out exactly: only drawn here,
    // so only converted to floating point. Every figure written on the chart is a step's own value.
    let spans: Vec<(f64, f64)> = steps
        .iter()
        .map(|step| (to_f64(step.start), to_f64(step.end)))
        .collect();
    let levels: Vec<f64> = spans
        .iter()
        .flat_map(|(start, end)| [*start, *end])
        .collect();
    let scale = Scale::with_headroom(&levels, 20.0);
    let labels: Vec<&str> = steps.iter().map(|step| step.label.as_str()).collect();
    let band = band_width(labels.len());
    let height = chart_height(&scale, &labels, band);

    let mut out = String::new();
    open_svg(&mut out, id, height, &chart.title);
    axis(&mut out, &scale, ChartMeasure::Money);
    let bar_width = (band * 0.6).min(120.0);
    for (index, (step, (start, end))) in steps.iter().zip(&spans).enumerate() {
        let x = LEFT + band * index as f64 + (band - bar_width) / 2.0;
        let (y_start, y_end) = (scale.y(*start), scale.y(*end));
        let colour = match step.kind {
            StepKind::Total if step.value.is_sign_negative() && !step.value.is_zero() => NEGATIVE,
            StepKind::Total => POSITIVE,
            StepKind::Change if step.value.is_sign_negative() => NEGATIVE,
            StepKind::Change => INCREASE,
        };
        let shown = money::format_money(step.value, precision);
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{bar_width:.1}" height="{h:.1}" fill="{colour}"><title>{}: {}</title></rect>"#,
            escape(&step.label),
            escape(&shown),
            y = y_start.min(y_end),
            h = (y_start - y_end).abs().max(0.5),
        );
        // Label above the top of the bar, or below the bottom of one that ends below zero.
        let label_y = if *end < 0.0 && *start <= 0.0 {
            y_start.max(y_end) + 13.0
        } else {
            y_start.min(y_end) - 5.0
        };
        // The figure in full where it fits its band, else shortened (`£7.92e28`), as a bar
        // chart's are: a label running into the next bar's, or off the chart, is misread. The
        // exact figure is in the bar's hover text and in the tables.
        let label = if label_width(&shown) <= band - 4.0 {
            shown
        } else {
            compact(to_f64(step.value), ChartMeasure::Money)
        };
        let _ = write!(
            out,
            r#"<text x="{cx:.1}" y="{label_y:.1}" text-anchor="middle" font-weight="600">{}</text>"#,
            escape(&label),
            cx = x + bar_width / 2.0,
        );
        // A thin line carries the running total across to the next bar.
        if index + 1 < steps.len() {
            let _ = write!(
                out,
                r##"<line x1="{x1:.1}" x2="{x2:.1}" y1="{y_end:.1}" y2="{y_end:.1}" stroke="#8c959f" stroke-dasharray="3 3"/>"##,
                x1 = x + bar_width,
                x2 = x + band,
            );
        }
    }
    category_labels(&mut out, &labels, band, scale.bottom() + 16.0);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_negative_values() {
        let scale = Scale::new([-36_978.0, 69_320.0].into_iter(), 0.0);
        assert_eq!(scale.step, 25_000.0);
        assert_eq!(
            scale.ticks(),
            vec![-50_000.0, -25_000.0, 0.0, 25_000.0, 50_000.0, 75_000.0]
        );
        assert!(
            scale.y(-36_978.0) > scale.y(0.0),
            "negative values are drawn below the axis"
        );
    }

    #[test]
    fn compact_labels() {
        assert_eq!(compact(20_000.0, ChartMeasure::Money), "£20k");
        assert_eq!(compact(-36_978.0, ChartMeasure::Money), "-£37k");
        assert_eq!(compact(69_320.0, ChartMeasure::Money), "£69.3k");
        assert_eq!(compact(1_500_000.0, ChartMeasure::Money), "£1.5m");
        assert_eq!(compact(858.0, ChartMeasure::Money), "£858");
        assert_eq!(compact(0.0, ChartMeasure::Money), "£0");
        assert_eq!(compact(0.3934, ChartMeasure::Ratio), "£0.39");
        assert_eq!(compact(2.5e9, ChartMeasure::Money), "£2.5bn");
        assert_eq!(compact(-4e12, ChartMeasure::Money), "-£4tn");
        assert_eq!(compact(1e29, ChartMeasure::Money), "£1e29");
        assert_eq!(compact(-7.9228e28, ChartMeasure::Money), "-£7.92e28");
        assert_eq!(compact(1e27, ChartMeasure::Ratio), "£1e27");
        assert_eq!(compact(1e-28, ChartMeasure::Money), "£0");
    }

    #[test]
    fn labels_wrap_to_three_lines() {
        assert_eq!(
            wrap("School/ educational establishment", 12),
            vec!["School/", "educational", "establishment"]
        );
        assert_eq!(wrap("a b c d e f g h", 1).len(), 3);
    }

    /// A waterfall at the edges of Decimal's range is drawn, with each step's exact figure on it.
    #[test]
    fn a_waterfall_at_the_edges_of_decimals_range_is_drawn() {
        use crate::report::view::WaterfallStep;
        let step = |kind, value, start, end| WaterfallStep {
            label: "Step".to_string(),
            kind,
            value,
            start,
            end,
        };
        let chart = ChartView {
            key: "w".to_string(),
            title: "W".to_string(),
            kind: ChartKind::Waterfall {
                steps: vec![
                    step(StepKind::Total, Decimal::MAX, Decimal::ZERO, Decimal::MAX),
                    step(StepKind::Change, Decimal::MIN, Decimal::MAX, Decimal::ZERO),
                    step(StepKind::Change, Decimal::MIN, Decimal::ZERO, Decimal::MIN),
                    step(StepKind::Total, Decimal::MIN, Decimal::ZERO, Decimal::MIN),
                ],
            },
            notes: Vec::new(),
        };
        let svg = super::chart(&chart, Precision::Pounds, "c");
        // Too wide for its bar, the figure is shortened on the chart, and exact in its hover text.
        assert!(svg.contains(">£7.92e28</text>"), "{svg}");
        assert!(svg.contains(">-£7.92e28</text>"), "{svg}");
        assert!(
            svg.contains("<title>Step: £79,228,162,514,264,337,593,543,950,335</title>"),
            "{svg}"
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    /// A figure that fits its bar is written in full; one that would run into the next bar is
    /// shortened.
    #[test]
    fn a_waterfall_label_is_shortened_only_when_it_does_not_fit() {
        use crate::report::view::WaterfallStep;
        let chart = |value: Decimal| ChartView {
            key: "w".to_string(),
            title: "W".to_string(),
            kind: ChartKind::Waterfall {
                steps: vec![
                    WaterfallStep {
                        label: "Costs before".to_string(),
                        kind: StepKind::Total,
                        value,
                        start: Decimal::ZERO,
                        end: value,
                    };
                    6
                ],
            },
            notes: Vec::new(),
        };
        let family_e = super::chart(&chart(Decimal::from(43_002)), Precision::Pence, "c");
        assert!(family_e.contains(">£43,002.00</text>"), "{family_e}");
        let national = Decimal::new(123_456_789_012, 2);
        let svg = super::chart(&chart(national), Precision::Pence, "c");
        assert!(svg.contains(">£1.23bn</text>"), "{svg}");
        assert!(
            svg.contains("<title>Costs before: £1,234,567,890.12</title>"),
            "{svg}"
        );
    }
}
