//! The comparison's charts: each strategy's return against its
//! probability of a floor breach, with their 95 % intervals, and the
//! distribution of each strategy's value at the horizon.
//!
//! Strategies are numbered by rank; a point carries its number and the
//! list beside the panel names it, so that sixteen strategies close
//! together stay readable. Each strategy has its own colour of sixteen
//! (no two alike, tested) and one of four marker shapes, the reference a
//! square; a number that would overlap a marker or another number moves
//! outwards and keeps a thin leader line to its point.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{GREEN, Line};
use super::{BLUE, Chart, DrawResult, GREY, VERMILLION, builder, mesh, render, single_page};
use crate::error::Result;
use crate::report::i18n::{Lang, number, percent};
use crate::report::terms::{term, term_with};

/// One strategy's point: its rank, name, the probability of a breach and
/// the mean annual return, each with its 95 % interval.
#[derive(Debug, Clone)]
pub struct RiskReturn {
    pub rank: usize,
    pub name: String,
    pub breach: (f64, f64, f64),
    pub annual_return: (f64, f64, f64),
    /// The reference strategy (the first).
    pub reference: bool,
}

/// One strategy's value at the horizon: its rank, name, and the
/// quantiles p5, p25, p50, p75, p95 and the mean.
#[derive(Debug, Clone)]
pub struct ValueBox {
    pub rank: usize,
    pub name: String,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub mean: f64,
}

/// The lowest probability the log axis shows; a strategy that never
/// breached on any path is drawn there.
const P_MIN: f64 = 1e-4;

/// Return against floor-breach probability, one point per strategy.
pub fn risk_return_chart(points: &[RiskReturn], paths: usize, title: &str, lang: Lang) -> Result<Chart> {
    render!("compare_risk_return", |root| draw_risk_return(&root, points, paths, title, lang))
}

/// Sixteen colours for sixteen strategies, neighbours in rank far apart:
/// Okabe and Ito's eight (black for their yellow, which a white page
/// loses) and eight of Paul Tol's and others that stand apart from them,
/// no two closer than 20 in CIELAB (tested).
pub const PALETTE: [RGBColor; 16] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(153, 153, 51),  // olive
    RGBColor(51, 34, 136),   // indigo
    RGBColor(228, 26, 28),   // red
    RGBColor(17, 119, 51),   // green
    RGBColor(221, 204, 119), // sand
    RGBColor(170, 68, 153),  // purple
    RGBColor(127, 127, 127), // grey
    RGBColor(136, 34, 85),   // wine
    RGBColor(140, 86, 75),   // brown
];

fn palette(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A point's marker: the reference's square, or one of four shapes in
/// turn by rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Square,
    Circle,
    TriangleUp,
    Diamond,
    TriangleDown,
}

impl Shape {
    fn of(rank: usize, reference: bool) -> Shape {
        if reference {
            return Shape::Square;
        }
        [Shape::Circle, Shape::TriangleUp, Shape::Diamond, Shape::TriangleDown][(rank - 1) % 4]
    }

    /// The outline's corners around the origin (none: a circle).
    fn corners(self) -> Vec<(i32, i32)> {
        match self {
            Shape::Square => vec![(-6, -6), (6, -6), (6, 6), (-6, 6)],
            Shape::Circle => Vec::new(),
            Shape::TriangleUp => vec![(0, -8), (7, 5), (-7, 5)],
            Shape::Diamond => vec![(0, -8), (8, 0), (0, 8), (-8, 0)],
            Shape::TriangleDown => vec![(0, 8), (7, -5), (-7, -5)],
        }
    }
}

/// Draws `shape` in `color` centred on `(x, y)` of `area`, with a dark
/// outline so that a light colour stands out on white.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    shape: Shape,
    color: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let edge = BLACK.mix(0.75).stroke_width(1);
    let corners = shape.corners();
    if corners.is_empty() {
        area.draw(&Circle::new((x, y), 6, color.filled()))?;
        area.draw(&Circle::new((x, y), 6, edge))?;
    } else {
        let at: Vec<(i32, i32)> = corners.iter().map(|(dx, dy)| (x + dx, y + dy)).collect();
        area.draw(&Polygon::new(at.clone(), color.filled()))?;
        let mut closed = at;
        closed.push(closed[0]);
        area.draw(&PathElement::new(closed, edge))?;
    }
    Ok(())
}

/// The start value, a level to read the horizon's values against.
const START: Line = Line::level(GREEN);

/// The list of strategies beside a panel: number, marker and name.
fn key_list<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(usize, String, RGBColor, Shape)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let font = ("sans-serif", 15).into_font().color(&BLACK);
    let step = 24;
    for (row, (rank, name, color, shape)) in entries.iter().enumerate() {
        let y = 20 + row as i32 * step;
        marker(area, (14, y), *shape, *color)?;
        area.draw(&Text::new(format!("{rank:>2}  {name}"), (28, y - 8), font.clone()))?;
    }
    Ok(())
}

fn draw_risk_return<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[RiskReturn],
    paths: usize,
    title: &str,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let [note, body] = single_page(root, title)?;
    let note_text = term_with(
        "chart.strategies.bars_95_intervals_probability_0",
        lang,
        &[("paths", &number(paths as f64, 0, lang)), ("P_MIN", &percent(P_MIN, 2, lang))],
    );
    note.draw(&Text::new(note_text, (20, 6), ("sans-serif", 14).into_font().color(&GREY)))?;
    let (panel, list) = body.split_horizontally(860);

    let ys = points.iter().flat_map(|p| [p.annual_return.1, p.annual_return.2]);
    let lo = ys.clone().fold(f64::INFINITY, f64::min);
    let hi = ys.fold(f64::NEG_INFINITY, f64::max);
    let pad = (hi - lo).max(1e-4) * 0.08;
    let y = super::axis((lo - pad)..(hi + pad));
    let ret = |v: f64| super::fit(v, &y);
    // A probability within P_MIN..=1 (a non-finite one at P_MIN).
    let clamp = |p: f64| if p.is_nan() { P_MIN } else { p.clamp(P_MIN, 1.0) };
    let x_hi = points.iter().map(|p| clamp(p.breach.2)).fold(P_MIN, f64::max);
    let x_hi = (x_hi * 2.0).clamp(P_MIN * 100.0, 1.0);
    let mut chart = builder(&panel, 30, 50, 90)
        .build_cartesian_2d((P_MIN * 0.7..x_hi).log_scale(), super::ValueAxis::from(y.clone()))?;
    mesh(&mut chart, RGBColor(250, 250, 250))
        .x_desc(term("chart.strategies.probability_of_at_least_one", lang))
        .y_desc(term("chart.strategies.mean_annual_return", lang))
        .x_label_formatter(&|x| {
            let d = if *x < 0.001 {
                2
            } else if *x < 0.01 {
                1
            } else {
                0
            };
            percent(*x, d, lang)
        })
        .y_label_formatter(&|y| percent(*y, 1, lang))
        .draw()?;

    let color = |p: &RiskReturn| palette(p.rank - 1);
    for p in points {
        let c = color(p);
        let (x, y) = (clamp(p.breach.0), ret(p.annual_return.0));
        chart.draw_series(std::iter::once(PathElement::new(
            [(clamp(p.breach.1), y), (clamp(p.breach.2), y)],
            c.mix(0.7).stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            [(x, ret(p.annual_return.1)), (x, ret(p.annual_return.2))],
            c.mix(0.7).stroke_width(2),
        )))?;
    }
    // Markers, then the numbers, each moved off the others' boxes.
    let (ox, oy) = root.get_base_pixel();
    let pixel = |p: &RiskReturn| {
        let (x, y) = chart.backend_coord(&(clamp(p.breach.0), ret(p.annual_return.0)));
        (x - ox, y - oy)
    };
    let mut taken: Vec<(i32, i32, i32, i32)> = Vec::new();
    let font = ("sans-serif", 15).into_font().color(&BLACK);
    for p in points {
        let (px, py) = pixel(p);
        taken.push((px - 8, py - 8, px + 8, py + 8));
    }
    // Later points are drawn over earlier ones: the best ranked on top.
    let mut by_rank: Vec<&RiskReturn> = points.iter().collect();
    by_rank.sort_by_key(|p| std::cmp::Reverse(p.rank));
    for p in &by_rank {
        marker(root, pixel(p), Shape::of(p.rank, p.reference), color(p))?;
    }
    let (x_range, y_range) = (chart.plotting_area().get_x_range(), chart.plotting_area().get_y_range());
    let corner = |x: f64, y: f64| {
        let (a, b) = chart.backend_coord(&(x, y));
        (a - ox, b - oy)
    };
    let (left, top) = corner(x_range.start, y_range.end);
    let (right, bottom) = corner(x_range.end, y_range.start);
    let inside = |b: (i32, i32, i32, i32)| b.0 >= left && b.2 <= right && b.1 >= top && b.3 <= bottom;
    for p in points {
        let (px, py) = pixel(p);
        let text = p.rank.to_string();
        let (w, h) = panel.estimate_text_size(&text, &font)?;
        let (w, h) = (w as i32, h as i32);
        let overlaps =
            |b: (i32, i32, i32, i32)| taken.iter().any(|t| b.0 < t.2 && t.0 < b.2 && b.1 < t.3 && t.1 < b.3);
        // Right, left, above, below and the diagonals, nearest ring first.
        let directions = [(1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (1, 1), (-1, -1), (-1, 1)];
        let place = |ring: i32, (dx, dy): (i32, i32)| {
            let cx = px + dx * (ring + w / 2);
            let cy = py + dy * (ring + h / 2);
            (cx - w / 2, cy - h / 2, cx - w / 2 + w, cy - h / 2 + h)
        };
        let rings = [10, 22, 36, 52, 72];
        let found = rings
            .iter()
            .flat_map(|&r| directions.iter().map(move |&d| (r, d)))
            .map(|(r, d)| (r, place(r, d)))
            .find(|&(_, b)| inside(b) && !overlaps(b));
        let (ring, b) = found.unwrap_or((rings[0], place(rings[0], directions[0])));
        taken.push(b);
        if ring > rings[0] {
            // A leader line from the marker's edge to the number's box.
            let near = (px.clamp(b.0 - 2, b.2 + 2), py.clamp(b.1 - 2, b.3 + 2));
            let (vx, vy) = (f64::from(near.0 - px), f64::from(near.1 - py));
            let len = vx.hypot(vy).max(1.0);
            let from = (px + (9.0 * vx / len) as i32, py + (9.0 * vy / len) as i32);
            root.draw(&PathElement::new([from, near], GREY.mix(0.8).stroke_width(1)))?;
        }
        root.draw(&Text::new(text, (b.0, b.1), font.clone()))?;
    }

    let mut ranked: Vec<&RiskReturn> = points.iter().collect();
    ranked.sort_by_key(|p| p.rank);
    let entries: Vec<(usize, String, RGBColor, Shape)> = ranked
        .iter()
        .map(|p| {
            let name = if p.reference {
                format!("{} ({})", super::short(&p.name), term("chart.strategies.reference", lang))
            } else {
                super::short(&p.name).into_owned()
            };
            (p.rank, name, color(p), Shape::of(p.rank, p.reference))
        })
        .collect();
    let list = list.margin(30, 0, 10, 0);
    key_list(&list, &entries)?;
    root.present()?;
    Ok(())
}

/// The value at the horizon, one row per strategy in rank order: the
/// 5-95 % whisker, the 25-75 % box, the median and the mean.
pub fn value_distribution_chart(
    rows: &[ValueBox],
    start_value: f64,
    title: &str,
    lang: Lang,
) -> Result<Chart> {
    render!("compare_values", |root| draw_values(&root, rows, start_value, title, lang))
}

fn draw_values<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[ValueBox],
    start_value: f64,
    title: &str,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let [legend_area, panel] = single_page(root, title)?;
    let font = ("sans-serif", 15).into_font().color(&BLACK);
    let items = [
        ("5–95 %", 0),
        ("25–75 %", 1),
        ("Median", 2),
        (term("chart.strategies.mean", lang), 3),
        (term("chart.strategies.start_value", lang), 4),
    ];
    let mut x = 100;
    let y = 16;
    for (label, kind) in items {
        match kind {
            0 => legend_area.draw(&PathElement::new([(x, y), (x + 28, y)], GREY.stroke_width(2)))?,
            1 => legend_area.draw(&Rectangle::new([(x, y - 7), (x + 28, y + 7)], BLUE.mix(0.35).filled()))?,
            2 => legend_area
                .draw(&PathElement::new([(x + 14, y - 8), (x + 14, y + 8)], BLACK.stroke_width(3)))?,
            3 => legend_area.draw(&TriangleMarker::new((x + 14, y), 7, VERMILLION.filled()))?,
            _ => START.sample(&legend_area, (x, y), 28)?,
        }
        legend_area.draw(&Text::new(label.to_string(), (x + 36, y - 8), font.clone()))?;
        let (w, _) = legend_area.estimate_text_size(label, &font)?;
        x += 36 + w as i32 + 28;
    }

    let n = rows.len();
    let lo = rows.iter().map(|r| r.p5).fold(start_value, f64::min);
    let hi = rows.iter().map(|r| r.p95).fold(start_value, f64::max);
    let pad = (hi - lo).max(1.0) * 0.04;
    let name_width = rows
        .iter()
        .map(|r| {
            panel
                .estimate_text_size(&format!("{:>2}  {}", r.rank, super::short(&r.name)), &font)
                .map(|s| s.0)
                .unwrap_or(120)
        })
        .max()
        .unwrap_or(120)
        + 24;
    let x = super::axis((lo - pad)..(hi + pad));
    let v = |v: f64| super::fit(v, &x);
    let mut chart = builder(&panel, 40, 50, name_width)
        .build_cartesian_2d(super::ValueAxis::from(x.clone()), (-0.6)..(n as f64 - 0.4))?;
    mesh(&mut chart, RGBColor(240, 240, 240))
        .disable_y_mesh()
        .y_labels(0)
        .x_desc(term("chart.strategies.value_at_the_horizon_mkr", lang))
        .x_label_formatter(&|v| number(*v, 0, lang))
        .draw()?;
    // Top row first: row i at height n - 1 - i.
    let at = |i: usize| (n - 1 - i) as f64;
    for i in 0..n {
        let y = at(i);
        if i % 2 == 1 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x.start, y - 0.5), (x.end, y + 0.5)],
                BLACK.mix(0.035).filled(),
            )))?;
        }
    }
    START.draw(&mut chart, vec![(v(start_value), -0.6), (v(start_value), n as f64 - 0.4)])?;
    for (i, r) in rows.iter().enumerate() {
        let y = at(i);
        chart.draw_series(std::iter::once(PathElement::new(
            [(v(r.p5), y), (v(r.p95), y)],
            GREY.stroke_width(2),
        )))?;
        for x in [v(r.p5), v(r.p95)] {
            chart.draw_series(std::iter::once(PathElement::new(
                [(x, y - 0.15), (x, y + 0.15)],
                GREY.stroke_width(2),
            )))?;
        }
        chart.draw_series(std::iter::once(Rectangle::new(
            [(v(r.p25), y - 0.3), (v(r.p75), y + 0.3)],
            BLUE.mix(0.35).filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(v(r.p25), y - 0.3), (v(r.p75), y + 0.3)],
            BLUE.stroke_width(1),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            [(v(r.p50), y - 0.3), (v(r.p50), y + 0.3)],
            BLACK.stroke_width(3),
        )))?;
        chart.draw_series(std::iter::once(TriangleMarker::new((v(r.mean), y), 6, VERMILLION.filled())))?;
        // The name, right-aligned in the label area.
        let label = format!("{:>2}  {}", r.rank, super::short(&r.name));
        let (w, h) = panel.estimate_text_size(&label, &font)?;
        let (px, py) = chart.backend_coord(&(x.start, y));
        let (ox, oy) = panel.get_base_pixel();
        panel.draw(&Text::new(label, (px - ox - w as i32 - 12, py - oy - h as i32 / 2), font.clone()))?;
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CIELAB of an sRGB colour (D65), to measure how far apart two look.
    #[allow(clippy::disallowed_methods, reason = "a test's colour science, no simulated figure")]
    fn lab(c: RGBColor) -> [f64; 3] {
        let lin = |u: u8| {
            let u = f64::from(u) / 255.0;
            if u > 0.04045 { ((u + 0.055) / 1.055).powf(2.4) } else { u / 12.92 }
        };
        let (r, g, b) = (lin(c.0), lin(c.1), lin(c.2));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
        [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
    }

    #[test]
    fn sixteen_strategies_get_sixteen_colours_no_two_alike() {
        for i in 0..16 {
            for j in i + 1..16 {
                let (a, b) = (lab(palette(i)), lab(palette(j)));
                let d = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
                assert!(d > 20.0, "strategies {} and {} are {d:.1} apart", i + 1, j + 1);
            }
        }
        // And the shapes tell neighbours apart too; the reference alone is square.
        assert_ne!(Shape::of(1, false), Shape::of(2, false));
        assert!((1..=16).all(|r| Shape::of(r, false) != Shape::Square));
        assert_eq!(Shape::of(5, true), Shape::Square);
    }
}
