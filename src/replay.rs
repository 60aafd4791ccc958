//! Historical replay: the rule applied day by day to a real price series,
//! following the replay conventions of `dynamic-risk-rule.md` exactly so
//! that two correct implementations agree to the day:
//!
//! - the portfolio is set up at the close of the first trading day on or
//!   after `from`, with no month-end history (unless a window is given);
//!   returns apply from the next trading day to the last one on or before
//!   `to`;
//! - a trading day is a month end when the next row of the series falls in
//!   another month (for the file's last row: when the next weekday does);
//! - fixed income grows by `(1 + rate)^(calendar days / 365) - 1` a trading
//!   day, or follows a second price series.
//!
//! All equity follows the index, so the replay holds one equity and one
//! fixed-income class. Beside the managed portfolio it carries the same
//! portfolio held at its starting mix without the rule.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::prices::PriceSeries;
use crate::rule::{Day, Holdings, Managed, MonthEndWindow, PathRecord, Policy, Trade};

/// What fixed income earns in a replay.
#[derive(Debug, Clone)]
pub enum FixedIncome {
    /// A constant annual rate, compounded by calendar days.
    Rate(f64),
    /// A price (total-return index) series; on a day it lacks, the last
    /// earlier price holds.
    Prices(PriceSeries),
}

#[derive(Debug, Clone)]
pub struct ReplayConfig {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub start_value: f64,
    pub start_equity: f64,
    pub policy: Policy,
    pub fixed_income: FixedIncome,
    /// A month-end history to start from instead of none (the value of the
    /// window is scaled to `start_value` by the caller, if wanted).
    pub window: Option<MonthEndWindow>,
}

/// One trading day of a replay, after the day's trades unless named `_pre`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayDay {
    pub date: NaiveDate,
    pub month_end: bool,
    pub value: f64,
    pub high: f64,
    pub floor: f64,
    pub margin_pre: f64,
    pub margin: f64,
    pub equity_pre: f64,
    pub equity: f64,
    pub max_equity: f64,
    pub day: Day,
    pub buy_and_hold: f64,
}

/// A trade with its date, as the JSON summary lists it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DatedTrade {
    pub date: NaiveDate,
    pub equity_before: f64,
    pub equity_after: f64,
    pub amount: f64,
    pub cost: f64,
}

impl DatedTrade {
    fn new(date: NaiveDate, t: &Trade) -> DatedTrade {
        DatedTrade {
            date,
            equity_before: t.equity_before,
            equity_after: t.equity_after,
            amount: t.amount,
            cost: t.cost,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Breach {
    pub date: NaiveDate,
    pub depth: f64,
}

/// The replay's summary; scripts read `downweights`, `upweights`,
/// `min_margin`, `breach_days`, `final_value` and `buy_and_hold_final_value`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplaySummary {
    pub prices: String,
    /// The set-up day.
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub trading_days: usize,
    pub month_ends: usize,
    pub start_value: f64,
    pub start_equity: f64,
    pub fixed_income: String,
    pub policy: Policy,
    pub downweights: Vec<DatedTrade>,
    pub upweights: Vec<DatedTrade>,
    /// Lowest pre-trade margin and its day.
    pub min_margin: f64,
    pub min_margin_date: NaiveDate,
    /// Number of days the value was under the floor before trading.
    pub breach_days: usize,
    pub breaches: Vec<Breach>,
    pub worst_breach_depth: f64,
    pub traded: f64,
    pub costs: f64,
    pub max_drawdown: f64,
    pub final_value: f64,
    pub final_equity_share: f64,
    pub buy_and_hold_final_value: f64,
    pub buy_and_hold_max_drawdown: f64,
}

#[derive(Debug, Clone)]
pub struct Replay {
    pub days: Vec<ReplayDay>,
    pub summary: ReplaySummary,
}

/// Runs the rule over `prices` as `config` says.
///
/// # Errors
/// [`Error::Usage`] when the window holds no trading day after the set-up
/// day, or a fixed-income series has no price on the set-up day.
pub fn replay(prices: &PriceSeries, config: &ReplayConfig) -> Result<Replay> {
    let (first, last) = span(prices, config.from, config.to)?;
    let dates = &prices.dates;
    let fi_level = |date: NaiveDate| -> Result<f64> {
        match &config.fixed_income {
            FixedIncome::Rate(_) => Ok(1.0),
            FixedIncome::Prices(series) => series.price_on_or_before(date).ok_or_else(|| {
                Error::Usage(format!(
                    "the fixed-income series {} has no price on or before {date}; it starts {}",
                    series.source.display(),
                    series.dates[0]
                ))
            }),
        }
    };

    let start = config.start_value;
    let window = config
        .window
        .clone()
        .unwrap_or_else(|| MonthEndWindow::starting_at(config.policy.window_months, start));
    let mut managed = Managed::new(config.policy, Holdings::two_class(start, config.start_equity), window);
    let mut record = PathRecord::new(start);
    let mut hold = Holdings::two_class(start, config.start_equity);
    let mut hold_peak = start;
    let mut hold_drawdown: f64 = 0.0;

    let mut days = Vec::with_capacity(last - first);
    let mut downweights = Vec::new();
    let mut upweights = Vec::new();
    let mut breaches = Vec::new();
    let mut min_margin = (f64::INFINITY, dates[first]);
    let mut fi_prev = fi_level(dates[first])?;

    for i in first + 1..=last {
        let date = dates[i];
        let equity_growth = prices.prices[i] / prices.prices[i - 1];
        #[allow(
            clippy::disallowed_methods,
            reason = "a historical replay's fixed income by calendar days, not a simulated path"
        )]
        let fi_growth = match &config.fixed_income {
            FixedIncome::Rate(rate) => {
                let days = (date - dates[i - 1]).num_days() as f64;
                (1.0 + rate).powf(days / 365.0)
            }
            FixedIncome::Prices(_) => {
                let level = fi_level(date)?;
                let g = level / fi_prev;
                fi_prev = level;
                g
            }
        };
        managed.apply_returns(&[equity_growth], &[fi_growth]);
        hold.equity[0] *= equity_growth;
        hold.fixed_income[0] *= fi_growth;

        let month_end = is_month_end(dates, i);
        let day = managed.close_day(month_end);
        let value = managed.value();
        record.observe(&day);
        if day.margin_pre() < min_margin.0 {
            min_margin = (day.margin_pre(), date);
        }
        if let Some(depth) = day.breach_depth() {
            breaches.push(Breach { date, depth });
        }
        if let Some(t) = &day.down {
            downweights.push(DatedTrade::new(date, t));
        }
        if let Some(t) = &day.up {
            upweights.push(DatedTrade::new(date, t));
        }
        let hold_value = hold.value();
        hold_peak = hold_peak.max(hold_value);
        hold_drawdown = hold_drawdown.max(1.0 - hold_value / hold_peak);

        days.push(ReplayDay {
            date,
            month_end,
            value,
            high: managed.high(),
            floor: managed.floor(),
            margin_pre: day.margin_pre(),
            margin: managed.margin(),
            equity_pre: day.equity_pre(),
            equity: managed.equity_share(),
            max_equity: managed.max_equity_share(),
            day,
            buy_and_hold: hold_value,
        });
    }

    let summary = ReplaySummary {
        prices: prices.source.display().to_string(),
        start_date: dates[first],
        end_date: dates[last],
        trading_days: days.len(),
        month_ends: days.iter().filter(|d| d.month_end).count(),
        start_value: start,
        start_equity: config.start_equity,
        fixed_income: match &config.fixed_income {
            FixedIncome::Rate(r) => format!("rate {r}"),
            FixedIncome::Prices(s) => format!("prices {}", s.source.display()),
        },
        policy: config.policy,
        downweights,
        upweights,
        min_margin: min_margin.0,
        min_margin_date: min_margin.1,
        breach_days: breaches.len(),
        breaches,
        worst_breach_depth: record.worst_breach,
        traded: record.traded,
        costs: record.costs,
        max_drawdown: record.max_drawdown(),
        final_value: managed.value(),
        final_equity_share: managed.equity_share(),
        buy_and_hold_final_value: hold.value(),
        buy_and_hold_max_drawdown: hold_drawdown,
    };
    Ok(Replay { days, summary })
}

/// Index of the set-up day and of the last day of the replay.
fn span(prices: &PriceSeries, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(usize, usize)> {
    let dates = &prices.dates;
    let first = from.map_or(0, |f| dates.partition_point(|d| *d < f));
    let last = match to {
        Some(t) => dates.partition_point(|d| *d <= t).checked_sub(1),
        None => Some(dates.len() - 1),
    };
    match last {
        Some(last) if first < last => Ok((first, last)),
        _ => Err(Error::Usage(format!(
            "no trading day to replay between {} and {}: {} covers {} to {}",
            from.map_or("the start".into(), |d| d.to_string()),
            to.map_or("the end".into(), |d| d.to_string()),
            prices.source.display(),
            dates[0],
            dates[dates.len() - 1]
        ))),
    }
}

/// Whether row `i` is the last trading day of its month.
pub fn is_month_end(dates: &[NaiveDate], i: usize) -> bool {
    let next = match dates.get(i + 1) {
        Some(d) => *d,
        None => next_weekday(dates[i]),
    };
    (next.year(), next.month()) != (dates[i].year(), dates[i].month())
}

fn next_weekday(date: NaiveDate) -> NaiveDate {
    let mut d = date + Days::new(1);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d + Days::new(1);
    }
    d
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests build expected figures in the platform's arithmetic")]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn series(rows: &[(&str, f64)]) -> PriceSeries {
        PriceSeries {
            source: "t.csv".into(),
            dates: rows.iter().map(|r| date(r.0)).collect(),
            prices: rows.iter().map(|r| r.1).collect(),
        }
    }

    fn config() -> ReplayConfig {
        ReplayConfig {
            from: None,
            to: None,
            start_value: 1000.0,
            start_equity: 0.8,
            policy: Policy::DOCUMENT_DEFAULTS,
            fixed_income: FixedIncome::Rate(0.0),
            window: None,
        }
    }

    #[test]
    fn month_end_is_decided_by_the_next_row() {
        let d: Vec<_> =
            ["2020-01-30", "2020-01-31", "2020-02-03", "2020-02-28"].iter().map(|s| date(s)).collect();
        assert!(!is_month_end(&d, 0));
        assert!(is_month_end(&d, 1));
        assert!(!is_month_end(&d, 2));
        // Last row, a Friday: the next weekday is Monday 2 March.
        assert!(is_month_end(&d, 3));
        // Last row Thursday 27 February: the next weekday is the 28th.
        assert!(!is_month_end(&d[..1].iter().chain([&date("2020-02-27")]).copied().collect::<Vec<_>>(), 1));
    }

    #[test]
    fn setup_day_takes_no_return_and_the_window_is_inclusive() {
        let s = series(&[
            ("2020-01-02", 100.0),
            ("2020-01-03", 200.0),
            ("2020-01-06", 100.0),
            ("2020-01-07", 50.0),
        ]);
        let c = ReplayConfig {
            from: Some(date("2020-01-03")),
            to: Some(date("2020-01-06")),
            start_equity: 0.5,
            ..config()
        };
        let r = replay(&s, &c).unwrap();
        assert_eq!(r.summary.start_date, date("2020-01-03"));
        assert_eq!(r.days.len(), 1);
        assert_eq!(r.days[0].date, date("2020-01-06"));
        // Equity halves: 500 -> 250 plus fixed income 500.
        assert!((r.summary.buy_and_hold_final_value - 750.0).abs() < 1e-9);
    }

    #[test]
    fn fixed_income_accrues_by_calendar_days() {
        let s = series(&[("2020-01-03", 100.0), ("2020-01-06", 100.0)]);
        let c = ReplayConfig { start_equity: 0.0, fixed_income: FixedIncome::Rate(0.02), ..config() };
        let r = replay(&s, &c).unwrap();
        let expected = 1000.0 * 1.02f64.powf(3.0 / 365.0);
        assert!((r.summary.final_value - expected).abs() < 1e-9);
    }

    #[test]
    fn fixed_income_from_a_series_carries_the_last_price_forward() {
        let s = series(&[("2020-01-03", 100.0), ("2020-01-06", 100.0), ("2020-01-07", 100.0)]);
        let fi = series(&[("2020-01-02", 50.0), ("2020-01-06", 55.0)]);
        let c = ReplayConfig { start_equity: 0.0, fixed_income: FixedIncome::Prices(fi), ..config() };
        let r = replay(&s, &c).unwrap();
        assert!((r.summary.final_value - 1100.0).abs() < 1e-9);
    }

    #[test]
    fn a_crash_down_weights_and_is_recorded_with_its_date() {
        // Equity 80 % at the high, then a 30 % fall: V = 560 + 200 = 760 < F 800.
        let s = series(&[("2020-01-02", 100.0), ("2020-01-03", 70.0), ("2020-01-06", 70.0)]);
        let r = replay(&s, &config()).unwrap();
        let sm = &r.summary;
        assert_eq!(sm.downweights.len(), 1);
        assert_eq!(sm.downweights[0].date, date("2020-01-03"));
        // All in fixed income after the sale, the portfolio stays under the
        // floor: the next day is a breach day too.
        assert_eq!(sm.breach_days, 2);
        assert_eq!(sm.breaches[1].date, date("2020-01-06"));
        // Selling all 560 of equity costs 0.56: V = 759.44 on day 2.
        assert!((sm.breaches[0].depth - 40.0 / 800.0).abs() < 1e-12);
        assert!((sm.worst_breach_depth - 40.56 / 800.0).abs() < 1e-12);
        assert!((sm.min_margin - (-40.56 / 759.44)).abs() < 1e-12);
        assert_eq!(sm.min_margin_date, date("2020-01-06"));
        assert!((sm.buy_and_hold_final_value - 760.0).abs() < 1e-9);
    }

    #[test]
    fn an_empty_window_is_a_usage_error() {
        let s = series(&[("2020-01-02", 100.0), ("2020-01-03", 70.0)]);
        let c = ReplayConfig { from: Some(date("2021-01-01")), ..config() };
        let err = replay(&s, &c).unwrap_err().to_string();
        assert!(err.contains("no trading day to replay") && err.contains("2020-01-03"), "{err}");
    }
}
