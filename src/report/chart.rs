//! Charts, drawn once with plotters into both SVG (a string) and PNG
//! (bytes). The library returns them; the binary writes them.
//!
//! The font (DejaVu Sans, shipped in `assets/fonts/`) is compiled in, so a
//! fresh machine renders the same PNG without system fonts. Colours and
//! line styles come from [`style`]: the Okabe-Ito palette, and a dash or
//! marker of its own for every series, so that a black-and-white print
//! still tells them apart.

mod calendar;
pub mod regimes;
pub mod strategies;
pub mod style;

use std::sync::Once;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::i18n::{Lang, Term, number, percent};
use super::terms::{term, term_with};
use crate::calendar::{month_after, month_end, months_between};
use crate::error::{Error, Result};
use crate::replay::Replay;
use crate::stats::{MonthHistograms, Series};
use crate::suggest::Suggestion;
use chrono::{Datelike, NaiveDate};

/// DejaVu Sans, which the charts and the PDF (`document/pdf.rs`) draw with.
pub(crate) const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

pub use style::{BLUE, GREEN, GREY, ORANGE, VERMILLION};
use style::{
    CAP, FAN, FLOOR, GRID, INNER_BAND, Line, Look, MAX_EQUITY, OUTER_BAND, VALUE, WHEN, WITHOUT_RULE,
};

const SIZE: (u32, u32) = (1200, 800);

/// A chart in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    pub svg: String,
    pub png: Vec<u8>,
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [FontStyle::Normal, FontStyle::Bold] {
            plotters::style::register_font("sans-serif", style, FONT)
                .unwrap_or_else(|_| unreachable!("the bundled font parses"));
        }
    });
}

/// A legend entry's sample: the series' own line or marker.
#[derive(Clone, Copy)]
pub(super) enum Mark {
    Line(Line),
    Cross(RGBColor),
    Triangle(RGBColor),
    /// A filled band of the colour at this opacity.
    Band(RGBColor, f64),
}

impl Mark {
    /// The sample without its colour.
    fn look(self) -> Look {
        match self {
            Mark::Line(line) => Look::Line(line.dash, line.width == 1),
            Mark::Cross(_) => Look::Cross,
            Mark::Triangle(_) => Look::Triangle,
            Mark::Band(_, opacity) => Look::Band((opacity * 100.0).round() as u32),
        }
    }
}

/// A legend as one row of samples and labels, drawn in its own strip so it
/// never covers data. No two samples may differ in colour alone.
pub(super) fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, items: &[(Mark, &str)]) -> DrawResult
where
    DB::ErrorType: 'static,
{
    debug_assert!(
        style::all_distinct(&items.iter().map(|(mark, _)| mark.look()).collect::<Vec<_>>()),
        "legend entries that differ in colour alone: {:?}",
        items.iter().map(|(_, label)| label).collect::<Vec<_>>()
    );
    let font = ("sans-serif", 15).into_font().color(&BLACK);
    let y = 16;
    let mut x = 100;
    let length = 36;
    for (mark, label) in items {
        match *mark {
            Mark::Line(line) => line.sample(area, (x, y), length)?,
            Mark::Cross(color) => area.draw(&Cross::new((x + length / 2, y), 6, color.stroke_width(3)))?,
            Mark::Triangle(color) => {
                area.draw(&TriangleMarker::new((x + length / 2, y), 7, color.filled()))?
            }
            Mark::Band(color, opacity) => {
                area.draw(&Rectangle::new([(x, y - 7), (x + length, y + 7)], color.mix(opacity).filled()))?
            }
        }
        let label = short(label);
        area.draw(&Text::new(label.to_string(), (x + length + 8, y - 8), font.clone()))?;
        let (w, _) = area.estimate_text_size(&label, &font)?;
        x += length + 8 + w as i32 + 28;
    }
    Ok(())
}

pub(super) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// The most characters a chart's title or legend label shows.
const TEXT_MAX: usize = 200;

/// `text` cut to [`TEXT_MAX`] characters, an ellipsis marking the cut: a
/// scenario's name of a million characters must not take a minute to lay
/// out, nor run off the page.
pub(super) fn short(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(TEXT_MAX) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}

/// The farthest from zero an axis reaches: far beyond any amount in mkr
/// or any share, and well inside what the tick computation handles.
const AXIS_LIMIT: f64 = 1e15;

/// An axis's range from its data's `lo..hi`, the one place every chart's
/// value axis is made safe to draw: a non-finite end (from a non-finite
/// figure) falls back to the other end or to 0..1, the ends are clamped to
/// ±[`AXIS_LIMIT`], reversed ends are put in order, and a range too narrow
/// to tick (zero or denormal wide) is widened around its middle. Plotters'
/// tick search does not end on an unbounded, non-finite or zero-wide range.
pub(super) fn axis(range: std::ops::Range<f64>) -> std::ops::Range<f64> {
    let clamp = |v: f64| v.clamp(-AXIS_LIMIT, AXIS_LIMIT);
    let (lo, hi) = match (range.start.is_finite(), range.end.is_finite()) {
        (true, true) => (range.start, range.end),
        (true, false) => (range.start, range.start),
        (false, true) => (range.end, range.end),
        (false, false) => (0.0, 1.0),
    };
    let (lo, hi) = (clamp(lo.min(hi)), clamp(lo.max(hi)));
    let least = (lo.abs().max(hi.abs()) * 1e-9).max(1e-9);
    if hi - lo >= least {
        return lo..hi;
    }
    let mid = lo / 2.0 + hi / 2.0;
    (mid - least).max(-AXIS_LIMIT)..(mid + least).min(AXIS_LIMIT)
}

/// `v` where a chart on the axis `y` can draw it: within one axis's
/// span off either end (still off the chart, but no pixel coordinate
/// beyond what plotters adds up without overflow), and the middle for a
/// non-finite figure.
pub(super) fn fit(v: f64, y: &std::ops::Range<f64>) -> f64 {
    let span = y.end - y.start;
    if v.is_finite() { v.clamp(y.start - span, y.end + span) } else { y.start / 2.0 + y.end / 2.0 }
}

/// A chart's value axis, the one every number axis here is: [`axis`]'s
/// range, and every value mapped through [`fit`], whichever series,
/// bar or mark draws it. A figure of 1e308 is drawn one span off the
/// chart instead of at a pixel plotters' coordinate sums overflow on, and
/// a non-finite one (which the files' finiteness check refuses before
/// anything is written) in the middle.
#[derive(Clone)]
pub(super) struct ValueAxis(RangedCoordf64);

impl From<std::ops::Range<f64>> for ValueAxis {
    fn from(range: std::ops::Range<f64>) -> ValueAxis {
        ValueAxis(axis(range).into())
    }
}

impl Ranged for ValueAxis {
    type FormatOption = plotters::coord::ranged1d::NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.0.map(&fit(*value, &self.0.range()), limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        self.0.key_points(hint)
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.0.range()
    }
}

impl ValueFormatter<f64> for ValueAxis {
    fn format(value: &f64) -> String {
        RangedCoordf64::format(value)
    }
}

/// A white page with `title`, split into two panels (the upper one
/// `top_percent` of the height), each under a strip for its legend:
/// `[top legend, top, bottom legend, bottom]`.
pub(super) fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    top_percent: u32,
) -> std::result::Result<[DrawingArea<DB, Shift>; 4], Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let root = root.titled(&short(title), ("sans-serif", 26))?;
    let (top, bottom) = root.split_vertically(SIZE.1 * top_percent / 100);
    let (top_legend, top) = top.split_vertically(30);
    let (bottom_legend, bottom) = bottom.split_vertically(30);
    Ok([top_legend, top, bottom_legend, bottom])
}

pub(super) type DatePanel<'a, DB> = ChartContext<'a, DB, Cartesian2d<calendar::Calendar, ValueAxis>>;

/// Date labels across a panel, at most.
const DATE_LABELS: usize = 10;

/// A panel with dates across and `y` up, its grid and labels drawn: the
/// frame every chart here shares.
fn date_panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: std::ops::Range<NaiveDate>,
    y: std::ops::Range<f64>,
    y_desc: &str,
    y_label: &dyn Fn(&f64) -> String,
) -> std::result::Result<DatePanel<'a, DB>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    date_panel_with(area, x, y, y_desc, y_label, "%Y-%m")
}

/// [`date_panel`] with ticks on month starts, labelled by year when they
/// are a year or more apart, and by `date_format` (`%Y-%m-%d` for a window
/// of weeks) when the panel spans too few months for month ticks.
pub(super) fn date_panel_with<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: std::ops::Range<NaiveDate>,
    y: std::ops::Range<f64>,
    y_desc: &str,
    y_label: &dyn Fn(&f64) -> String,
    date_format: &str,
) -> std::result::Result<DatePanel<'a, DB>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let x = calendar::Calendar::new(x);
    let date_format = match x.tick_months(DATE_LABELS) {
        Some(step) if step >= 12 => "%Y",
        Some(_) => "%Y-%m",
        None => date_format,
    };
    let mut panel = builder(area, 40, 34, 90).build_cartesian_2d(x, ValueAxis::from(y))?;
    mesh(&mut panel, GRID)
        .x_labels(DATE_LABELS)
        .y_desc(y_desc)
        .y_label_formatter(y_label)
        .x_label_formatter(&|d| d.format(date_format).to_string())
        .draw()?;
    Ok(panel)
}

/// A chart's builder with the margins every chart here has: 12 px all
/// round but `right` on the right, `x_axis` px under the plot for the
/// x labels and `y_axis` px left of it for the y labels.
pub(super) fn builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    right: u32,
    x_axis: u32,
    y_axis: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(area);
    builder.margin(12).margin_right(right).x_label_area_size(x_axis).y_label_area_size(y_axis);
    builder
}

/// A chart's grid and labels as every chart here draws them: the light
/// grid lines in `light`, tick labels at 15 px and axis descriptions at
/// 16 px in the bundled font; the caller adds its own labels and draws.
pub(super) fn mesh<'a, 'b, DB, X, Y>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    light: RGBColor,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged + ValueFormatter<Y::ValueType>,
{
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(light).label_style(("sans-serif", 15)).axis_desc_style(("sans-serif", 16));
    mesh
}

/// Renders a chart to SVG and PNG from one drawing written for any
/// backend: `render!(name, |root| draw(root, …))` hands `draw` the SVG
/// root, then the bitmap's ([`render_both`]).
macro_rules! render {
    ($name:expr, |$root:ident| $draw:expr) => {
        $crate::report::chart::render_both($name, |$root| $draw, |$root| $draw)
    };
}
pub(crate) use render;

/// Renders `draw` to SVG and `draw_png`, the same drawing on the other
/// backend, to PNG (through [`render!`]).
pub(super) fn render_both(
    name: &str,
    draw: impl Fn(DrawingArea<SVGBackend, Shift>) -> DrawResult + Copy,
    draw_png: impl Fn(DrawingArea<BitMapBackend, Shift>) -> DrawResult,
) -> Result<Chart> {
    register_font();
    let fail =
        |e: Box<dyn std::error::Error>| Error::Chart { name: name.to_string(), message: e.to_string() };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(root).map_err(fail)?;
    }
    let mut pixels = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        draw_png(root).map_err(fail)?;
    }
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, SIZE.0, SIZE.1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let fail = |e: png::EncodingError| Error::Chart { name: name.to_string(), message: e.to_string() };
        let mut writer = encoder.write_header().map_err(fail)?;
        writer.write_image_data(&pixels).map_err(fail)?;
    }
    Ok(Chart { svg, png })
}

/// The replay chart: value, floor and the unmanaged portfolio above, with
/// a mark on each trade; equity share, its maximum and the cap below.
pub fn replay_chart(replay: &Replay, title: &str, lang: Lang) -> Result<Chart> {
    replay_chart_in(replay, title, None, lang)
}

/// [`replay_chart`] with the value axis in `unit` (`mkr` for a scenario's
/// portfolio through a crash; a replay's own start value has none).
pub fn replay_chart_in(replay: &Replay, title: &str, unit: Option<&str>, lang: Lang) -> Result<Chart> {
    render!("replay", |root| draw_replay(root, replay, title, unit, lang))
}

fn draw_replay<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    r: &Replay,
    title: &str,
    unit: Option<&str>,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let [top_legend, top, bottom_legend, bottom] = page(&root, title, 55)?;
    legend(
        &top_legend,
        &[
            (Mark::Line(VALUE), Term::WithRule.text(lang)),
            (Mark::Line(FLOOR), Term::Floor.text(lang)),
            (Mark::Line(WITHOUT_RULE), Term::BuyAndHold.text(lang)),
            (Mark::Cross(VERMILLION), Term::DownWeighting.text(lang)),
            (Mark::Triangle(GREEN), Term::UpWeighting.text(lang)),
        ],
    )?;
    legend(
        &bottom_legend,
        &[
            (Mark::Line(VALUE), Term::EquityShare.text(lang)),
            (Mark::Line(MAX_EQUITY), Term::MaxEquityShare.text(lang)),
            (Mark::Line(CAP), Term::Cap.text(lang)),
        ],
    )?;
    let s = &r.summary;
    let (x0, x1) = (s.start_date, s.end_date);

    let mut lo = s.start_value;
    let mut hi = s.start_value;
    for d in &r.days {
        for v in [d.value, d.floor, d.buy_and_hold] {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let pad = (hi - lo).max(1e-9) * 0.06;
    let value_desc = match unit {
        Some(u) => format!("{} ({u})", Term::MarketValue.text(lang)),
        None => Term::MarketValue.text(lang).to_string(),
    };
    let mut chart = date_panel(&top, x0..x1, (lo - pad)..(hi + pad), &value_desc, &|v| number(*v, 0, lang))?;

    let start = std::iter::once((x0, s.start_value));
    WITHOUT_RULE
        .draw(&mut chart, start.clone().chain(r.days.iter().map(|d| (d.date, d.buy_and_hold))).collect())?;
    FLOOR.draw(&mut chart, r.days.iter().map(|d| (d.date, d.floor)).collect())?;
    VALUE.draw(&mut chart, start.chain(r.days.iter().map(|d| (d.date, d.value))).collect())?;
    let trades = |up: bool| {
        r.days
            .iter()
            .filter(move |d| if up { d.day.up.is_some() } else { d.day.down.is_some() })
            .map(|d| (d.date, d.value))
    };
    chart.draw_series(trades(false).map(|p| Cross::new(p, 7, VERMILLION.stroke_width(3))))?;
    chart.draw_series(trades(true).map(|p| TriangleMarker::new(p, 8, GREEN.filled())))?;

    let mut shares =
        date_panel(&bottom, x0..x1, 0.0..1.0, Term::EquityShare.text(lang), &|v| percent(*v, 0, lang))?;
    let cap = s.policy.cap;
    CAP.draw(&mut shares, vec![(x0, cap), (x1, cap)])?;
    MAX_EQUITY.draw(&mut shares, r.days.iter().map(|d| (d.date, d.max_equity)).collect())?;
    VALUE.draw(
        &mut shares,
        std::iter::once((x0, s.start_equity)).chain(r.days.iter().map(|d| (d.date, d.equity))).collect(),
    )?;
    root.present()?;
    Ok(())
}

/// The Monte Carlo fan chart: value with its 5-95 % and 25-75 % bands,
/// median, and the floor's median above; the equity share's bands and
/// median, and the cap, below.
pub fn fan_chart(
    h: &MonthHistograms,
    valuation: NaiveDate,
    start_value: f64,
    start_equity: f64,
    cap: f64,
    title: &str,
    lang: Lang,
) -> Result<Chart> {
    fan_chart_marked(h, valuation, (start_value, start_equity, cap), None, title, lang)
}

/// [`fan_chart`] with a month-end marked across both panels by a
/// vertical line and its label (the periodic report marks the month its
/// 24-month high leaves the window). `start` is the value, the equity
/// share and the cap today.
pub fn fan_chart_marked(
    h: &MonthHistograms,
    valuation: NaiveDate,
    start: (f64, f64, f64),
    marker: Option<(NaiveDate, &str)>,
    title: &str,
    lang: Lang,
) -> Result<Chart> {
    let (start_value, start_equity, cap) = start;
    let value = h.fan(Series::Value);
    let floor = h.fan(Series::Floor);
    let equity = h.fan(Series::EquityShare);
    let dates: Vec<NaiveDate> = (0..=h.months()).map(|m| month_after(valuation, m)).collect();
    let dates = &dates;
    render!("fan", |root| draw_fan(
        &root,
        dates,
        &value,
        &floor,
        &equity,
        (start_value, start_equity, cap),
        marker,
        title,
        lang
    ))
}

/// Points of quantile column `q` with the start prepended.
fn line(dates: &[NaiveDate], start: f64, fan: &[[f64; 7]], q: usize) -> Vec<(NaiveDate, f64)> {
    std::iter::once((dates[0], start))
        .chain(fan.iter().enumerate().map(|(m, row)| (dates[m + 1], row[q])))
        .collect()
}

fn band(dates: &[NaiveDate], start: f64, fan: &[[f64; 7]], lo: usize, hi: usize) -> Vec<(NaiveDate, f64)> {
    let mut points = line(dates, start, fan, hi);
    points.extend(line(dates, start, fan, lo).into_iter().rev());
    points
}

/// A fan: the 5-95 % and 25-75 % bands and the median.
fn draw_fan_series<DB: DrawingBackend>(
    panel: &mut DatePanel<'_, DB>,
    dates: &[NaiveDate],
    start: f64,
    fan: &[[f64; 7]],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    for ((lo, hi), opacity) in [((1, 5), OUTER_BAND), ((2, 4), INNER_BAND)] {
        panel.draw_series(std::iter::once(Polygon::new(
            band(dates, start, fan, lo, hi),
            FAN.mix(opacity).filled(),
        )))?;
    }
    Line::main(FAN).draw(panel, line(dates, start, fan, 3))
}

/// A fan's legend entries: its two bands and `median`.
fn fan_legend(median: &str) -> [(Mark, &str); 3] {
    [
        (Mark::Band(FAN, OUTER_BAND), "5–95 %"),
        (Mark::Band(FAN, INNER_BAND), "25–75 %"),
        (Mark::Line(Line::main(FAN)), median),
    ]
}

#[allow(clippy::too_many_arguments)]
fn draw_fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    dates: &[NaiveDate],
    value: &[[f64; 7]],
    floor: &[[f64; 7]],
    equity: &[[f64; 7]],
    start: (f64, f64, f64),
    marker: Option<(NaiveDate, &str)>,
    title: &str,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (start_value, start_equity, cap) = start;
    let [top_legend, top, bottom_legend, bottom] = page(root, title, 58)?;
    legend(
        &top_legend,
        &[&fan_legend("Median")[..], &[(Mark::Line(FLOOR), Term::Floor.text(lang))]].concat(),
    )?;
    legend(
        &bottom_legend,
        &[&fan_legend("Median")[..], &[(Mark::Line(CAP), Term::Cap.text(lang))]].concat(),
    )?;
    let (x0, x1) = (dates[0], dates[dates.len() - 1]);
    let lo = value.iter().map(|r| r[1]).chain(floor.iter().map(|r| r[3])).fold(start_value, f64::min);
    let hi = value.iter().map(|r| r[5]).fold(start_value, f64::max);
    let pad = (hi - lo) * 0.05;
    let mut chart = date_panel(
        &top,
        x0..x1,
        (lo - pad)..(hi + pad),
        &format!("{} (mkr)", Term::MarketValue.text(lang)),
        &|v| number(*v, 0, lang),
    )?;
    draw_fan_series(&mut chart, dates, start_value, value)?;
    let floor_start = floor.first().map_or(start_value, |r| r[3]);
    FLOOR.draw(&mut chart, line(dates, floor_start, floor, 3))?;

    let mut shares =
        date_panel(&bottom, x0..x1, 0.0..1.0, Term::EquityShare.text(lang), &|v| percent(*v, 0, lang))?;
    CAP.draw(&mut shares, vec![(x0, cap), (x1, cap)])?;
    draw_fan_series(&mut shares, dates, start_equity, equity)?;
    if let Some((when, label)) = marker.filter(|(when, _)| (x0..=x1).contains(when)) {
        WHEN.draw(&mut chart, vec![(when, lo - pad), (when, hi + pad)])?;
        WHEN.draw(&mut shares, vec![(when, 0.0), (when, 1.0)])?;
        // The label beside the line, at the top of the equity panel, on
        // the side with more room.
        let font = ("sans-serif", 15).into_font().color(&BLACK);
        let width = i32::try_from(short(label).chars().count() * 8).unwrap_or(0);
        let right = (when - x0).num_days() < (x1 - when).num_days();
        let offset = if right { (6, 4) } else { (-6 - width, 4) };
        shares.draw_series(std::iter::once(
            EmptyElement::at((when, 1.0)) + Text::new(short(label).to_string(), offset, font),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// A white page with `title` and one panel under a legend strip:
/// `[legend, panel]`.
pub(super) fn single_page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> std::result::Result<[DrawingArea<DB, Shift>; 2], Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let root = root.titled(&short(title), ("sans-serif", 26))?;
    let (legend, panel) = root.split_vertically(30);
    Ok([legend, panel])
}

/// The 24-month high the floor is taken from: a level to read the value
/// against.
const HIGH: Line = Line::level(GREEN);

/// The suggestion's chart: the window's month-end values, the 24-month
/// high and the floor, and today's value with its margin to the floor.
pub fn suggest_chart(s: &Suggestion, title: &str, lang: Lang) -> Result<Chart> {
    render!("suggest", |root| draw_suggest(&root, s, title, lang))
}

fn draw_suggest<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Suggestion,
    title: &str,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let [legend_area, panel] = single_page(root, title)?;
    let p = &s.position;
    let high_label = format!("{} {}", term("chart.high_24_months", lang), super::i18n::mkr(p.high, 1, lang));
    let floor_label = format!("{} {}", Term::Floor.text(lang), super::i18n::mkr(p.floor, 1, lang));
    let today_label = format!("{} {}", term("chart.today", lang), super::i18n::mkr(p.value, 1, lang));
    let month_label = term("chart.month_end_value", lang);
    legend(
        &legend_area,
        &[
            (Mark::Line(VALUE), month_label),
            (Mark::Line(HIGH), &high_label),
            (Mark::Line(FLOOR), &floor_label),
            (Mark::Triangle(ORANGE), &today_label),
        ],
    )?;
    // Across: months since the window's first month-end, so that the
    // labels fall on every quarter's end.
    let first = s.month_ends.first().map_or(s.valuation_date, |m| m.date);
    // A month's last day is on its month's tick; earlier days a little before.
    let month_of = |d: NaiveDate| {
        let whole = months_between(first, d);
        let last = month_end(d).day();
        f64::from(whole) - f64::from(last - d.day()) / 30.44
    };
    let today = month_of(s.valuation_date);
    let values = s.month_ends.iter().map(|m| m.value).chain([p.high, p.floor, p.value]);
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    let pad = (hi - lo).max(1.0) * 0.08;
    let (x0, x1) = (-0.7, today.max(0.0) + 2.0);
    let y = axis((lo - pad)..(hi + pad));
    let f = |v: f64| fit(v, &y);
    let (high, floor, value) = (f(p.high), f(p.floor), f(p.value));
    let mut chart = builder(&panel, 40, 34, 90).build_cartesian_2d(x0..x1, ValueAxis::from(y.clone()))?;
    let label_month = |x: &f64| {
        let m = x.round();
        let date = first.checked_add_months(chrono::Months::new(m.max(0.0) as u32)).unwrap_or(first);
        if (x - m).abs() < 1e-6 && m >= 0.0 && date.month().is_multiple_of(3) {
            date.format("%Y-%m").to_string()
        } else {
            String::new()
        }
    };
    mesh(&mut chart, GRID)
        .x_labels(((x1 - x0).ceil() as usize).max(2))
        .y_desc(format!("{} (mkr)", Term::MarketValue.text(lang)))
        .y_label_formatter(&|v| number(*v, 0, lang))
        .x_label_formatter(&label_month)
        .draw()?;
    HIGH.draw(&mut chart, vec![(x0, high), (x1, high)])?;
    FLOOR.draw(&mut chart, vec![(x0, floor), (x1, floor)])?;
    let points: Vec<(f64, f64)> = s.month_ends.iter().map(|m| (month_of(m.date), f(m.value))).collect();
    VALUE.draw(&mut chart, points.clone())?;
    chart.draw_series(points.iter().map(|&pt| Circle::new(pt, 4, BLUE.filled())))?;

    // Today: the margin as a bar from the floor up to the value.
    chart.draw_series(std::iter::once(PathElement::new(
        [(today, floor), (today, value)],
        ORANGE.stroke_width(3),
    )))?;
    chart.draw_series(std::iter::once(TriangleMarker::new((today, value), 9, ORANGE.filled())))?;
    let font = ("sans-serif", 16).into_font().color(&BLACK);
    let margin_label = format!(
        "{} {} = {}",
        term("chart.margin", lang),
        percent(p.margin, 1, lang),
        super::i18n::mkr(p.margin_amount, 1, lang)
    );
    // Beside the bar's middle; above the marker when the bar is too short
    // to keep the label off the floor line.
    let (w, h) = panel.estimate_text_size(&margin_label, &font)?;
    let (w, h) = (w as i32, h as i32);
    let bar = (chart.backend_coord(&(today, floor)).1 - chart.backend_coord(&(today, value)).1).abs();
    let (anchor, offset) = if bar > 2 * h + 16 {
        ((today, (floor + value) / 2.0), (-w - 12, -h / 2))
    } else {
        ((today, value.max(floor)), (-w / 2 - 20, -h - 18))
    };
    chart.draw_series(std::iter::once(
        EmptyElement::at(anchor) + Text::new(margin_label, offset, font.clone()),
    ))?;
    if let Some(d) = s.high_date {
        let when = d.format("%Y-%m").to_string();
        let (w, _) = panel.estimate_text_size(&when, &font)?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((month_of(d), high)) + Text::new(when, (-(w as i32) / 2, -26), font),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// Full consolidation, 100 %: the target the ratio is read against.
const TARGET: Line = Line::limit(VERMILLION);
/// The obligation the portfolio is measured against.
const OBLIGATION: Line = Line::level(VERMILLION);

/// The consolidation outlook: the ratio's 5-95 % and 25-75 % bands and
/// median at each year-end, with the 100 % line and the target year
/// marked, above; the obligation (the ratio's denominator, mean) against
/// the portfolio's bands and median in mkr below. `title` names the
/// denominator.
pub fn consolidation_chart(
    o: &crate::obligations::Outlook,
    valuation: NaiveDate,
    title: &str,
    lang: Lang,
) -> Result<Chart> {
    render!("consolidation", |root| draw_consolidation(&root, o, valuation, title, lang))
}

fn draw_consolidation<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    o: &crate::obligations::Outlook,
    valuation: NaiveDate,
    title: &str,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    use crate::obligations::Denominator;
    let [top_legend, top, bottom_legend, bottom] = page(root, title, 58)?;
    // Across: years as numbers, each year's end at its own tick (the
    // valuation date a fraction of a year before its year's end).
    let xs: Vec<f64> =
        std::iter::once(f64::from(valuation.year()) + f64::from(valuation.month()) / 12.0 - 1.0)
            .chain(o.years.iter().map(|y| f64::from(y.year)))
            .collect();
    let x_desc = term("chart.at_the_end_of_the", lang);
    let (x0, x1) = (xs[0], xs[xs.len() - 1]);
    let denominator = |whole: f64, provision: f64| match o.denominator {
        Denominator::Whole => whole,
        Denominator::Provision => provision,
    };
    let quantiles = |d: &crate::stats::Distribution| [d.p1, d.p5, d.p25, d.p50, d.p75, d.p95, d.p99];
    let ratios: Vec<[f64; 7]> = o.years.iter().map(|y| quantiles(&y.ratio)).collect();
    let values: Vec<[f64; 7]> = o.years.iter().map(|y| quantiles(&y.portfolio_quantiles)).collect();
    let start_ratio = denominator(o.start.ratio_whole, o.start.ratio_provision);
    let target_label = format!("100 % ({})", term("chart.the_target", lang));
    let target_end = term_with("chart.end_of_target_year", lang, &[("target_year", &o.target_year)]);
    legend(
        &top_legend,
        &[&fan_legend("Median")[..], &[(Mark::Line(TARGET), &target_label), (Mark::Line(WHEN), &target_end)]]
            .concat(),
    )?;
    let year_panel = |area, hi: f64, y_desc: &str, y_label: &dyn Fn(&f64) -> String| {
        let mut panel = builder(area, 40, 44, 90).build_cartesian_2d(x0..x1, ValueAxis::from(0.0..hi))?;
        mesh(&mut panel, GRID)
            .x_labels((x1 - x0).ceil() as usize + 1)
            .x_label_formatter(&|x| if x.fract() == 0.0 { format!("{x:.0}") } else { String::new() })
            .x_desc(x_desc)
            .y_desc(y_desc)
            .y_label_formatter(y_label)
            .draw()?;
        Ok::<_, Box<dyn std::error::Error>>(panel)
    };
    let fan = |panel: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, ValueAxis>>,
               start: f64,
               rows: &[[f64; 7]]|
     -> DrawResult {
        let line = |q: usize| -> Vec<(f64, f64)> {
            std::iter::once((xs[0], start))
                .chain(rows.iter().zip(&xs[1..]).map(|(r, x)| (*x, r[q])))
                .collect()
        };
        for ((lo, hi), opacity) in [((1, 5), OUTER_BAND), ((2, 4), INNER_BAND)] {
            let mut points = line(hi);
            points.extend(line(lo).into_iter().rev());
            panel.draw_series(std::iter::once(Polygon::new(points, FAN.mix(opacity).filled())))?;
        }
        Line::main(FAN).draw(panel, line(3))
    };
    let hi = ratios.iter().map(|r| r[5]).fold(1.1f64, f64::max) * 1.05;
    let mut chart = year_panel(&top, hi, Term::ConsolidationRatio.text(lang), &|v| percent(*v, 0, lang))?;
    fan(&mut chart, start_ratio, &ratios)?;
    TARGET.draw(&mut chart, vec![(x0, 1.0), (x1, 1.0)])?;
    let target = f64::from(o.target_year);
    WHEN.draw(&mut chart, vec![(target, 0.0), (target, hi)])?;

    // Below: the obligation the ratio divides by, against the portfolio.
    let obligation: Vec<(f64, f64)> = std::iter::once((x0, denominator(o.start.whole, o.start.provision)))
        .chain(o.years.iter().zip(&xs[1..]).map(|(y, x)| (*x, denominator(y.whole, y.provision))))
        .collect();
    let obligation_label = format!(
        "{} ({})",
        match o.denominator {
            Denominator::Whole => Term::Obligation.text(lang),
            Denominator::Provision => Term::Provision.text(lang),
        },
        term("chart.mean", lang)
    );
    let portfolio_label = term("chart.portfolio_median", lang);
    legend(
        &bottom_legend,
        &[&[(Mark::Line(OBLIGATION), obligation_label.as_str())][..], &fan_legend(portfolio_label)].concat(),
    )?;
    let top_mkr =
        values.iter().map(|r| r[5]).chain(obligation.iter().map(|p| p.1)).fold(0.0f64, f64::max) * 1.05;
    let mut amounts = year_panel(&bottom, top_mkr, "mkr", &|v| number(*v, 0, lang))?;
    fan(&mut amounts, o.start.portfolio, &values)?;
    OBLIGATION.draw(&mut amounts, obligation)?;
    WHEN.draw(&mut amounts, vec![(target, 0.0), (target, top_mkr)])?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests;
