//! The look every chart shares: one palette and one set of line styles,
//! so that a line means the same thing in every chart and survives a
//! black-and-white print and a colour-blind reader.
//!
//! Colours are the Okabe-Ito palette (Okabe & Ito, "Color Universal
//! Design", 2008), which stays apart under the common colour-vision
//! deficiencies. Colour is never the only difference, though: several
//! Okabe-Ito colours are almost the same grey (bluish green and vermillion
//! differ by 5 % in luminance), so every line also has a dash pattern and
//! weight of its own role, and the legend draws the same sample as the
//! series:
//!
//! - solid and bold: the figure itself (the value, a median);
//! - solid and thin: the comparison without the rule;
//! - long dashes: a limit the rule or the policy sets (skyddsnivå, the
//!   maximum equity share, the 35 % within 12 months, the 100 % target);
//! - short dashes: a level to read the figure against (the 24-month high,
//!   the obligation, the cost at risk);
//! - dots: the fixed markers (the 80 % cap, the target year) and the
//!   value after inflation.
//!
//! Fans are blue, in light fills, so that their median (and the floor
//! over them) keeps its contrast in grey; the lighter Okabe-Ito colours
//! would not.

#![allow(clippy::disallowed_methods, reason = "colour arithmetic for the charts")]

use plotters::coord::CoordTranslate;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::DrawResult;

pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Not Okabe-Ito: the neutral for comparisons and fixed markers.
pub const GREY: RGBColor = RGBColor(110, 110, 110);

/// Colours for a list of series told apart by a number or name beside
/// each (the strategies of a comparison).
pub const SERIES: [RGBColor; 8] = [BLUE, VERMILLION, GREEN, ORANGE, SKY_BLUE, PURPLE, GREY, BLACK];

/// The light grid lines behind a chart's data.
pub const GRID: RGBColor = RGBColor(246, 246, 246);

/// Every fan's colour.
pub const FAN: RGBColor = BLUE;
/// The fills of a fan's 5-95 % and 25-75 % bands.
pub const OUTER_BAND: f64 = 0.15;
pub const INNER_BAND: f64 = 0.35;

/// How a line is drawn apart from its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    /// Limits: 12 px dashes.
    Long,
    /// Levels to read against: 5 px dashes.
    Short,
    /// Fixed markers: 2 px dots.
    Dotted,
}

impl Dash {
    /// Dash and gap in pixels; `None` for a solid line.
    fn pattern(self) -> Option<(u32, u32)> {
        match self {
            Dash::Solid => None,
            Dash::Long => Some((12, 6)),
            Dash::Short => Some((5, 4)),
            Dash::Dotted => Some((2, 4)),
        }
    }
}

/// A line's colour, width in pixels and dash.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub color: RGBColor,
    pub width: u32,
    pub dash: Dash,
}

impl Line {
    pub const fn new(color: RGBColor, width: u32, dash: Dash) -> Line {
        Line { color, width, dash }
    }

    /// The figure itself: the value, a median.
    pub const fn main(color: RGBColor) -> Line {
        Line::new(color, 2, Dash::Solid)
    }

    /// A limit set by the rule or the policy.
    pub const fn limit(color: RGBColor) -> Line {
        Line::new(color, 2, Dash::Long)
    }

    /// A level to read the figure against.
    pub const fn level(color: RGBColor) -> Line {
        Line::new(color, 2, Dash::Short)
    }

    fn shape(self) -> ShapeStyle {
        self.color.stroke_width(self.width)
    }

    /// Draws the line through `points` on a chart.
    pub fn draw<DB, CT>(self, chart: &mut ChartContext<'_, DB, CT>, points: Vec<CT::From>) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
        CT: CoordTranslate,
        CT::From: Clone + 'static,
    {
        match self.dash.pattern() {
            None => {
                chart.draw_series(std::iter::once(PathElement::new(points, self.shape())))?;
            }
            Some((dash, gap)) => {
                chart.draw_series(DashedLineSeries::new(points, dash, gap, self.shape()))?;
            }
        }
        Ok(())
    }

    /// Draws a sample of the line from `from`, `length` pixels long, in
    /// a drawing area (a legend).
    pub fn sample<DB, CT>(self, area: &DrawingArea<DB, CT>, from: (i32, i32), length: i32) -> DrawResult
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
        CT: CoordTranslate<From = (i32, i32)>,
    {
        let points = vec![from, (from.0 + length, from.1)];
        match self.dash.pattern() {
            None => area.draw(&PathElement::new(points, self.shape()))?,
            Some((dash, gap)) => area.draw(&DashedPathElement::new(points, dash, gap, self.shape()))?,
        }
        Ok(())
    }
}

/// The value with the rule, a median.
pub const VALUE: Line = Line::main(BLUE);
/// The portfolio without the rule (its starting mix held).
pub const WITHOUT_RULE: Line = Line::new(GREY, 1, Dash::Solid);
/// Skyddsnivå, the floor.
pub const FLOOR: Line = Line::limit(VERMILLION);
/// The maximum equity share the floor allows.
pub const MAX_EQUITY: Line = Line::limit(ORANGE);
/// The 80 % cap on the equity share.
pub const CAP: Line = Line::new(GREY, 1, Dash::Dotted);
/// A fixed point in time marked across a chart (the target year).
pub const WHEN: Line = Line::new(GREY, 1, Dash::Dotted);
/// The value in the start's money, after inflation.
pub const REAL_VALUE: Line = Line::new(PURPLE, 2, Dash::Dotted);

/// What a legend sample looks like without colour: two entries of one
/// legend must differ here, so that a grey print still tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// A line's dash, and whether it is thin (1 px) or bold.
    Line(Dash, bool),
    Cross,
    Triangle,
    /// A band's fill in percent.
    Band(u32),
}

/// Whether no two of `looks` are the same.
pub fn all_distinct(looks: &[Look]) -> bool {
    looks.iter().enumerate().all(|(i, a)| looks[i + 1..].iter().all(|b| a != b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative luminance (WCAG 2.1) of an sRGB colour.
    fn luminance(c: RGBColor) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
    }

    fn look(l: Line) -> Look {
        Look::Line(l.dash, l.width == 1)
    }

    /// The roles that meet in one panel (the replay, stress and fan
    /// charts' value and equity-share panels) differ in dash or weight,
    /// so a grey print never relies on colour alone.
    #[test]
    fn lines_that_share_a_panel_differ_without_colour() {
        let value_panel = [VALUE, WITHOUT_RULE, FLOOR, REAL_VALUE, Line::level(BLUE)];
        assert!(all_distinct(&value_panel.map(look)));
        let share_panel = [VALUE, MAX_EQUITY, CAP];
        assert!(all_distinct(&share_panel.map(look)));
        assert!(!all_distinct(&[look(FLOOR), look(Line::limit(BLUE))]));
    }

    /// Why colour cannot carry the difference: in grey the floor's
    /// vermillion and the bluish green are within 0.05 in luminance.
    #[test]
    fn two_okabe_ito_colours_are_close_in_grey() {
        assert!((luminance(VERMILLION) - luminance(GREEN)).abs() < 0.05);
    }

    /// The median keeps a contrast of at least 3:1 (WCAG 2.1's threshold
    /// for graphics) against the fan's inner band, in grey as in colour,
    /// since contrast is a ratio of luminances.
    #[test]
    fn a_median_stands_out_from_its_band() {
        let fill = |c: u8| (f64::from(c) * INNER_BAND + 255.0 * (1.0 - INNER_BAND)).round() as u8;
        let band = RGBColor(fill(FAN.0), fill(FAN.1), fill(FAN.2));
        let contrast = (luminance(band) + 0.05) / (luminance(VALUE.color) + 0.05);
        assert!(contrast >= 3.0, "{contrast}");
    }

    #[test]
    fn the_series_colours_are_distinct() {
        for (i, a) in SERIES.iter().enumerate() {
            assert!(SERIES[i + 1..].iter().all(|b| a != b), "{a:?} twice");
        }
    }
}
