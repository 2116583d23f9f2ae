//! A report's chart, drawn here as SVG (plotters, without system fonts:
//! the browser sets the text), so the page needs no script under its CSP.
//! Bars, one group a row, one bar a charted column; the report's table
//! stays beside it for screen readers and for the exact figures.

use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;

use super::Report;

/// Colours told apart by people with the common kinds of colour blindness
/// (Okabe–Ito), each at least 3:1 against white.
const COLOURS: [RGBColor; 3] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 0, 0),
];

/// The most labels under the bars; more rows label every other, …
const MOST_LABELS: usize = 12;

/// The chart of `report` as an SVG element named by its title, or `None`
/// when it has no rows to draw (or drawing failed: the table still shows).
pub fn svg(report: &Report) -> Option<String> {
    if report.rows.is_empty() {
        return None;
    }
    let mut out = String::new();
    draw(report, &mut out).ok()?;
    let name = escaped(&report.title);
    Some(out.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{name}\" class=\"chart\" "),
        1,
    ))
}

fn draw<'a>(report: &Report, out: &'a mut String) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let charted = report.charted();
    let group = i32::try_from(charted.len() + 1)?;
    let rows = i32::try_from(report.rows.len())?;
    let top = report
        .rows
        .iter()
        .flat_map(|row| charted.iter().map(|c| row.values[*c]))
        .fold(1.0_f64, f64::max);
    let every = report.rows.len().div_ceil(MOST_LABELS).max(1);
    let centers: Vec<i32> = (0..rows)
        .step_by(every)
        .map(|i| i * group + group / 2)
        .collect();
    let labels: Vec<&str> = report.rows.iter().map(|r| r.label.as_str()).collect();
    let root = SVGBackend::with_string(out, (760, 340)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d((0..rows * group).with_key_points(centers), 0.0..top * 1.1)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&|x| {
            let row = usize::try_from(*x / group).unwrap_or(0);
            labels.get(row).map(|l| short(l)).unwrap_or_default()
        })
        .y_label_formatter(&|y| super::figure(y.round()))
        .label_style(("sans-serif", 13))
        .draw()?;
    for (series, column) in charted.iter().enumerate() {
        let colour = COLOURS[series % COLOURS.len()];
        let offset = i32::try_from(series)?;
        chart
            .draw_series(report.rows.iter().enumerate().map(|(i, row)| {
                let x = i32::try_from(i).unwrap_or(0) * group + offset;
                Rectangle::new([(x, 0.0), (x + 1, row.values[*column])], colour.filled())
            }))?
            .label(report.columns[*column].heading.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()?;
    root.present()?;
    Ok(())
}

/// A day (`2026-12-04`) under its bar as `12-04`; other labels as they are.
fn short(label: &str) -> String {
    let is_day = label.len() == 10 && label.as_bytes()[4] == b'-';
    if is_day {
        label[5..].to_owned()
    } else {
        label.to_owned()
    }
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::super::{Column, Kind, Report, Row};
    use super::*;

    #[test]
    fn a_chart_is_an_svg_named_by_its_title_with_a_bar_a_row() {
        let report = Report {
            kind: Kind::Registration,
            title: "Registration <coverage>".into(),
            since: "2026-11-05".into(),
            until: "2026-12-04".into(),
            row_key: "way",
            columns: vec![
                Column {
                    key: "accounts",
                    heading: "Accounts".into(),
                },
                Column {
                    key: "percent",
                    heading: "Share".into(),
                },
            ],
            rows: ["phone", "app", "none"]
                .iter()
                .zip([80.0, 25.0, 15.0])
                .map(|(way, n)| Row {
                    key: (*way).into(),
                    label: (*way).into(),
                    values: vec![n, n],
                })
                .collect(),
        };
        let svg = svg(&report).unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"Registration &lt;coverage>\""),
            "{}",
            &svg[..200]
        );
        // The white ground, the legend's swatch, and one bar a row.
        let bars = svg.matches("fill=\"#0072B2\"").count();
        assert_eq!(bars, 3 + 1, "{svg}");
        assert!(svg.contains(">\nnone\n</text>"), "{svg}");
        assert!(!svg.contains("style="), "inline styles break under the CSP");
    }
}
