//! The figures on a series computed by hand, month-ends of daily data, and
//! the model's figures for a one-regime GBM against closed forms (four
//! Monte Carlo standard errors, printed with `--nocapture`).

#![allow(clippy::disallowed_methods, reason = "tests build expected figures in the platform's arithmetic")]

use statrs::distribution::{ContinuousCDF, Normal};

use super::*;
use crate::market::{DriftVol, Regime, Shocks, Vasicek};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[track_caller]
#[allow(clippy::print_stderr, reason = "a statistical test shows both sides (run with --nocapture)")]
fn within(name: &str, estimate: f64, truth: f64, se: f64) {
    let tolerance = 4.0 * se;
    eprintln!("{name}: estimate {estimate:.6}, closed form {truth:.6}, s.e. {se:.2e}");
    assert!((estimate - truth).abs() <= tolerance, "{name}: {estimate} vs {truth} (4 s.e. = {tolerance})");
}

#[test]
fn month_ends_keep_the_last_day_of_each_month() {
    let dates = [d("2024-01-30"), d("2024-01-31"), d("2024-02-01"), d("2024-02-29"), d("2024-03-01")];
    let (ends, values) = month_ends(&dates, &[1.0, 2.0, 3.0, 4.0, 5.0]);
    assert_eq!(ends, [d("2024-01-31"), d("2024-02-29"), d("2024-03-01")]);
    assert_eq!(values, [2.0, 4.0, 5.0]);
    // Monthly data is its own month-ends; December to January crosses a year.
    let monthly = [d("2023-11-30"), d("2023-12-29"), d("2024-01-31")];
    assert_eq!(month_ends(&monthly, &[1.0, 2.0, 3.0]).0, monthly);
    // A history drops a final month the series stops in part-way (1 March).
    let s = HistorySeries::from_prices(
        crate::lang::Words::one("x"),
        "x.csv".into(),
        0.0,
        &dates,
        &[1.0, 2.0, 3.0, 4.0, 5.0],
    );
    assert_eq!(s.dates, [d("2024-01-31"), d("2024-02-29")]);
}

/// Thirty month-ends from December 2019: flat at 100 with a dip to 78 in
/// December 2020 (before the first full window, so not a counted fall),
/// 125 in December 2021, then one fall below 80 % of that high.
const HAND: [f64; 30] = [
    100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0,
    100.0, // Dec 2019 - Nov 2020
    78.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0,
    100.0, // Dec 2020 - Nov 2021
    125.0, 95.0, 90.0, 110.0, 105.0, 105.0, // Dec 2021 - May 2022
];

#[test]
fn figures_of_a_series_by_hand() {
    let logs: Vec<f64> = HAND.iter().map(|v| v.ln()).collect();
    let f = figures(&logs, 12).unwrap();
    // 29 months from 100 to 105.
    assert!((f.geometric_return - (1.05f64.powf(12.0 / 29.0) - 1.0)).abs() < 1e-12);
    // Two calendar years: 2020 -22 %, 2021 +60.3 %.
    assert_eq!((f.p_year_below_10, f.p_year_below_20, f.p_year_below_30), (0.5, 0.5, 0.0));
    // Months 23 to 29 are looked at (7): month 25 (95 < 0.8 x 125) starts
    // the one episode, month 26 (90) is inside it, 27 ends it.
    assert!((f.falls_per_decade - 120.0 / 7.0).abs() < 1e-12);
    // The monthly log returns: ln 0.78, ln(100/78), ln 1.25, ln 0.76,
    // ln(90/95), ln(110/90), ln(105/110), and 22 zeros.
    let r = [0.78f64.ln(), (100.0f64 / 78.0).ln(), 1.25f64.ln(), 0.76f64.ln(), (90.0f64 / 95.0).ln()];
    let r: Vec<f64> =
        r.into_iter().chain([(110.0f64 / 90.0).ln(), (105.0f64 / 110.0).ln()]).chain([0.0; 22]).collect();
    assert_eq!(r.len(), 29);
    let mean = 1.05f64.ln() / 29.0;
    let var = r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 28.0;
    assert!((f.annual_vol - (12.0 * var).sqrt()).abs() < 1e-12);

    // Starting in another month moves the calendar years: from January
    // 2020, Decembers are months 11 and 23 (100 and 100): no year below.
    let f = figures(&logs, 1).unwrap();
    assert_eq!(f.p_year_below_10, 0.0);
    // Too short for a full window and one more.
    assert_eq!(figures(&logs[..24], 12), None);
}

#[test]
fn a_dividend_yield_adds_its_log_to_each_month() {
    let dates: Vec<NaiveDate> = (0..30)
        .map(|i| 2019 * 12 + 11 + i)
        .map(|m| NaiveDate::from_ymd_opt(m / 12, (m % 12 + 1) as u32, 1).unwrap())
        .map(|first| first + chrono::Months::new(1) - chrono::Days::new(1))
        .collect();
    assert_eq!(dates[0], d("2019-12-31"));
    let s = HistorySeries::from_prices(crate::lang::Words::one("x"), "x.csv".into(), 0.03, &dates, &HAND);
    let f = s.figures().unwrap();
    let price_only = figures(&HAND.map(f64::ln), 12).unwrap();
    assert!((f.figures.geometric_return - ((1.0 + price_only.geometric_return) * 1.03 - 1.0)).abs() < 1e-12);
    assert!((f.figures.annual_vol - price_only.annual_vol).abs() < 1e-12);
    assert_eq!((f.from, f.to), (d("2019-12-31"), d("2022-05-31")));
}

fn gbm(shocks: Shocks) -> MarketModel {
    let identity = [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]];
    MarketModel {
        shocks,
        regimes: vec![Regime {
            name: "one".into(),
            swedish_equity: DriftVol { mu: 0.08, vol: 0.16 },
            global_equity: DriftVol { mu: 0.07, vol: 0.20 },
            sek_per_usd: DriftVol { mu: 0.0, vol: 0.10 },
            short_rate: Vasicek { kappa: 0.15, theta: 0.025, sigma: 0.008 },
            correlation: identity,
        }],
        transition: vec![vec![1.0]],
        start_regime: 0,
        initial_short_rate: 0.02,
        fixed_income_duration: 1.0,
        hedge_ratio: 0.0,
        inflation: 0.02,
        inflation_process: None,
        credit_spread: None,
        hull_white: None,
        trading_days_per_month: 21,
        days_per_year: 252.0,
        long_run: None,
    }
}

#[test]
fn model_figures_of_a_gbm_match_the_closed_forms() {
    let (paths, years) = (1000, 30);
    let implied = model_figures(&gbm(Shocks::Gaussian), paths, years, 7).unwrap();
    let std_normal = Normal::new(0.0, 1.0).unwrap();
    for (name, f, mu, vol) in [
        ("Swedish", implied.swedish_equity, 0.08, 0.16),
        ("global (local)", implied.global_equity, 0.07, 0.20),
    ] {
        let m: f64 = mu - vol * vol / 2.0;
        within(
            &format!("{name}: geometric return"),
            f.geometric_return,
            m.exp() - 1.0,
            f.geometric_return_se,
        );
        // The sample standard deviation of n = 360 monthly returns has
        // mean c4(n) sigma, c4(n) = 1 - 1/(4n) - 7/(32n^2) + ...
        let n = 12.0 * years as f64;
        let c4 = 1.0 - 1.0 / (4.0 * n) - 7.0 / (32.0 * n * n);
        within(&format!("{name}: yearly volatility"), f.annual_vol, c4 * vol, f.annual_vol_se);
        // A calendar year's log return is N(m, vol^2).
        for (threshold, p, se) in [
            (0.9f64, f.p_year_below_10, f.p_year_below_10_se),
            (0.8, f.p_year_below_20, f.p_year_below_20_se),
            (0.7, f.p_year_below_30, f.p_year_below_30_se),
        ] {
            let truth = std_normal.cdf((threshold.ln() - m) / vol);
            within(&format!("{name}: P(year below {:.0} %)", (threshold - 1.0) * 100.0), p, truth, se);
        }
        assert!(f.falls_per_decade > 0.0 && f.falls_per_decade_se > 0.0);
    }
}

#[test]
fn model_figures_do_not_depend_on_the_thread_count() {
    let m = gbm(Shocks::StudentT { degrees_of_freedom: 5.0 });
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| model_figures(&m, 40, 3, 11).unwrap())
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_ne!(one, model_figures(&m, 40, 3, 12).unwrap(), "the seed matters");
}

#[test]
fn a_chain_without_one_stationary_distribution_gives_no_figures() {
    let mut m = gbm(Shocks::Gaussian);
    m.regimes.push(m.regimes[0].clone());
    m.transition = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
    assert_eq!(model_figures(&m, 10, 3, 1), None);
}
