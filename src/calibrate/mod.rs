//! The market model fitted to history (`pensionsim calibrate`).
//!
//! Input: one series a factor (an index or price level for the equities
//! and the currency, a rate in % a year for the short rate, a price index
//! for inflation), daily or monthly; the fit uses month-end values, the
//! last observation of each calendar month.
//!
//! - The equities and the currency: monthly log returns, fitted by a
//!   Markov-switching multivariate Gaussian ([`switching`]) with 1, 2 and 3
//!   regimes, each reported with its log-likelihood, AIC and BIC; `auto`
//!   takes the lowest BIC. Optionally the Student-t degrees of freedom by
//!   profile maximum likelihood.
//! - The short rate: Vasicek by the exact AR(1) likelihood of the monthly
//!   series ([`ar1`]); its level and speed are the whole period's, its
//!   volatility each regime's (the AR residuals weighted by the smoothed
//!   regime probabilities), and so are its correlations with the returns.
//! - Inflation: the same process fitted to yearly inflation (the log
//!   change of each year's last index value), one observation a year so
//!   that no two overlap; a monthly or an annual index alike.
//!
//! The results are in the engine's own units: a regime's `mu` and `vol`
//! are annual, a month's log return having mean `(mu - vol^2/2) / 12` and
//! variance `vol^2 / 12` (the currency: mean `mu / 12`, as its daily step
//! has no `-vol^2/2`). [`Calibration::market_toml`] writes them as a
//! `[market]` block, [`Calibration::json`] as `calibration.json`.
//!
//! Expected returns are not taken from here into a scenario without
//! thought: a few decades of history pin down a mean return only to a few
//! points a year. `[market.long_run]` states the long-run returns instead
//! and shifts every regime's drift to meet them (docs/market-model.md).

#![allow(
    clippy::disallowed_methods,
    reason = "calibration fits the model to history once; its figures are estimates, not a path's bits"
)]

pub mod ar1;
pub mod switching;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use ndarray::{Array2, Axis};
use serde_json::{Value, json};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::calendar::{month_end, months_between};
use crate::market::MarketModel;
use crate::market::implied::month_ends;
use ar1::Ar1Fit;
use switching::Fit;

/// A series the calibration takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    SwedishEquity,
    GlobalEquity,
    SekPerUsd,
    ShortRate,
    Inflation,
}

impl Factor {
    pub const ALL: [Factor; 5] = [
        Factor::SwedishEquity,
        Factor::GlobalEquity,
        Factor::SekPerUsd,
        Factor::ShortRate,
        Factor::Inflation,
    ];

    /// The factor's name as a scenario and the command line write it.
    pub fn name(self) -> &'static str {
        match self {
            Factor::SwedishEquity => "swedish_equity",
            Factor::GlobalEquity => "global_equity",
            Factor::SekPerUsd => "sek_per_usd",
            Factor::ShortRate => "short_rate",
            Factor::Inflation => "inflation",
        }
    }

    pub fn parse(name: &str) -> Option<Factor> {
        Factor::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the series is a level whose log returns the regimes model.
    pub fn is_return(self) -> bool {
        matches!(self, Factor::SwedishEquity | Factor::GlobalEquity | Factor::SekPerUsd)
    }

    /// Whether the series is a rate in % a year (else a positive level).
    pub fn is_rate(self) -> bool {
        self == Factor::ShortRate
    }
}

/// One series as read: dates strictly increasing.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub factor: Factor,
    /// Where it came from (file and column), for the outputs' comments.
    pub source: String,
    pub dates: Vec<NaiveDate>,
    pub values: Vec<f64>,
}

impl Observed {
    /// The observations dated from `from` to `to` (each inclusive, when
    /// given), in their order.
    pub fn between(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> (Vec<NaiveDate>, Vec<f64>) {
        self.dates
            .iter()
            .zip(&self.values)
            .filter(|&(d, _)| from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t))
            .map(|(d, v)| (*d, *v))
            .unzip()
    }
}

/// How many regimes to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegimeChoice {
    Fixed(usize),
    /// The lowest BIC of 1, 2 and 3.
    Auto,
}

/// What the calibration is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub regimes: RegimeChoice,
    pub student_t: bool,
    /// A yearly dividend yield added to a price index's returns (as
    /// `ln(1 + y) / 12` a month), since the model's equities are total
    /// return.
    pub dividend_yield: BTreeMap<Factor, f64>,
    /// Seeds the EM's random starts.
    pub seed: u64,
    /// Trading days a month, for turning a monthly Student-t fit into the
    /// engine's daily shocks.
    pub trading_days_per_month: usize,
}

/// Why a calibration cannot be made: the message names the series and
/// what it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationError {
    /// The factor (or `""` for the whole fit).
    pub key: String,
    pub expected: String,
    pub found: String,
}

impl std::fmt::Display for CalibrationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        write!(f, "expected {}, found {}", self.expected, self.found)
    }
}

impl std::error::Error for CalibrationError {}

fn error(key: &str, expected: impl Into<String>, found: impl Into<String>) -> CalibrationError {
    CalibrationError { key: key.to_string(), expected: expected.into(), found: found.into() }
}

/// The last observation of each calendar month ([`month_ends`]) as
/// `(month end, value)`, the month end being the month's last calendar day.
pub fn month_end_values(dates: &[NaiveDate], values: &[f64]) -> Vec<(NaiveDate, f64)> {
    let (dates, values) = month_ends(dates, values);
    dates.into_iter().map(month_end).zip(values).collect()
}

/// A series' month ends within the period, with no month missing.
fn monthly(o: &Observed, s: &Settings) -> Result<Vec<(NaiveDate, f64)>, CalibrationError> {
    let within = |d: &NaiveDate| s.from.is_none_or(|f| *d >= month_end(f)) && s.to.is_none_or(|t| *d <= t);
    let m: Vec<(NaiveDate, f64)> =
        month_end_values(&o.dates, &o.values).into_iter().filter(|(d, _)| within(d)).collect();
    if let Some(w) = m.windows(2).find(|w| months_between(w[0].0, w[1].0) != 1) {
        return Err(error(
            o.factor.name(),
            format!("an observation in every month ({})", o.source),
            format!("nothing between {} and {}", w[0].0.format("%Y-%m"), w[1].0.format("%Y-%m")),
        ));
    }
    Ok(m)
}

/// What a series contributed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SeriesUsed {
    pub factor: Factor,
    pub source: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Month-end values used.
    pub months: usize,
    pub dividend_yield: Option<f64>,
}

/// One regime's figures in the engine's units.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeEstimate {
    pub name: String,
    /// `(factor, mu, vol, mu_se, vol_se)` for each return factor fitted.
    pub factors: Vec<(Factor, DriftVolFit)>,
    /// The short rate's volatility in this regime (Vasicek sigma).
    pub rate_sigma: Option<f64>,
    /// Over swedish_equity, global_equity, sek_per_usd, short_rate; a
    /// factor not fitted has a row and column of the identity.
    pub correlation: [[f64; 4]; 4],
    /// Share of the months the smoothed probabilities give the regime.
    pub share_of_months: f64,
    /// `1 / (1 - P[k][k])` months.
    pub expected_duration_months: f64,
}

/// A drift and volatility a year with approximate standard errors.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DriftVolFit {
    pub mu: f64,
    pub vol: f64,
    pub mu_se: f64,
    pub vol_se: f64,
}

/// The fit with a given number of regimes, for the comparison.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ModelChoice {
    pub regimes: usize,
    pub log_likelihood: f64,
    pub parameters: usize,
    pub aic: f64,
    pub bic: f64,
    pub converged: bool,
    pub iterations: usize,
}

/// The Student-t fit of the chosen regimes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct StudentFit {
    /// Degrees of freedom of a month's shocks (profile maximum likelihood).
    pub monthly_degrees_of_freedom: f64,
    /// The daily degrees of freedom whose monthly sums have the same
    /// excess kurtosis, for the engine's daily shocks.
    pub daily_degrees_of_freedom: f64,
    pub log_likelihood: f64,
    /// `2 (ll_t - ll_gaussian)`, and its p-value against the Gaussian (half
    /// a chi-square with one degree of freedom: the Gaussian is the
    /// boundary `nu = infinity`).
    pub likelihood_ratio: f64,
    pub p_value: f64,
}

/// A calibration.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub series: Vec<SeriesUsed>,
    /// The return factors, in the engine's order (the regimes' columns).
    pub return_factors: Vec<Factor>,
    /// Each return month's month end (the smoothed probabilities' rows).
    pub dates: Vec<NaiveDate>,
    /// `T × d`: the monthly log returns fitted (dividends added).
    pub returns: Array2<f64>,
    pub by_regimes: Vec<ModelChoice>,
    pub chosen: ModelChoice,
    pub fit: Fit,
    pub regimes: Vec<RegimeEstimate>,
    pub transition: Vec<Vec<f64>>,
    pub transition_se: Vec<Vec<f64>>,
    /// The regime with the highest filtered probability in the last month.
    pub start_regime: usize,
    pub student_t: Option<StudentFit>,
    pub short_rate: Option<Ar1Fit>,
    pub inflation: Option<Ar1Fit>,
    /// The last calendar year's inflation (continuously compounded).
    pub inflation_now: Option<f64>,
}

/// Names for `k` regimes, calmest first.
pub fn regime_names(k: usize) -> Vec<&'static str> {
    match k {
        1 => vec!["normal"],
        2 => vec!["calm", "crisis"],
        _ => vec!["calm", "unsettled", "crisis"],
    }
}

/// Fits the model to `observed`.
pub fn calibrate(observed: &[Observed], s: &Settings) -> Result<Calibration, CalibrationError> {
    for (i, o) in observed.iter().enumerate() {
        if observed[..i].iter().any(|p| p.factor == o.factor) {
            return Err(error(o.factor.name(), "one series a factor", "two"));
        }
    }
    let returns_in: Vec<&Observed> = Factor::ALL
        .iter()
        .filter_map(|f| observed.iter().find(|o| o.factor == *f && f.is_return()))
        .collect();
    if returns_in.is_empty() {
        return Err(error(
            "",
            "at least one of swedish_equity, global_equity and sek_per_usd",
            "only rates and prices",
        ));
    }
    let mut series = Vec::new();
    // Month-end log returns per factor, keyed by month end.
    let mut by_month: BTreeMap<NaiveDate, Vec<Option<f64>>> = BTreeMap::new();
    for (col, o) in returns_in.iter().enumerate() {
        let m = monthly(o, s)?;
        let y = s.dividend_yield.get(&o.factor).copied();
        let extra = y.map_or(0.0, |y| (1.0 + y).ln() / 12.0);
        used(&mut series, o, &m, y)?;
        for w in m.windows(2) {
            by_month.entry(w[1].0).or_insert_with(|| vec![None; returns_in.len()])[col] =
                Some((w[1].1 / w[0].1).ln() + extra);
        }
    }
    let rows: Vec<(NaiveDate, Vec<f64>)> = by_month
        .into_iter()
        .filter_map(|(d, v)| v.into_iter().collect::<Option<Vec<f64>>>().map(|v| (d, v)))
        .collect();
    if let Some(w) = rows.windows(2).find(|w| months_between(w[0].0, w[1].0) != 1) {
        return Err(error(
            "",
            "return series that overlap in one unbroken run of months",
            format!("a break between {} and {}", w[0].0.format("%Y-%m"), w[1].0.format("%Y-%m")),
        ));
    }
    let d = returns_in.len();
    let t = rows.len();
    const MIN_MONTHS: usize = 36;
    if t < MIN_MONTHS {
        return Err(error(
            "",
            format!("at least {MIN_MONTHS} months that every return series covers"),
            format!("{t}"),
        ));
    }
    let dates: Vec<NaiveDate> = rows.iter().map(|r| r.0).collect();
    let y = Array2::from_shape_fn((t, d), |(i, j)| rows[i].1[j]);

    let mut fits: Vec<(ModelChoice, Fit)> = Vec::new();
    for k in 1..=3 {
        if let Some(f) = switching::fit(y.view(), k, s.seed) {
            let p = f.params.free_parameters();
            let ll = f.log_likelihood;
            let choice = ModelChoice {
                regimes: k,
                log_likelihood: ll,
                parameters: p,
                aic: -2.0 * ll + 2.0 * p as f64,
                bic: -2.0 * ll + p as f64 * (t as f64).ln(),
                converged: f.converged,
                iterations: f.iterations,
            };
            fits.push((choice, f));
        }
    }
    let chosen_k = match s.regimes {
        RegimeChoice::Fixed(k) => k,
        RegimeChoice::Auto => {
            fits.iter().min_by(|a, b| a.0.bic.total_cmp(&b.0.bic)).map_or(1, |f| f.0.regimes)
        }
    };
    let Some((chosen, fit)) = fits.iter().find(|f| f.0.regimes == chosen_k).cloned() else {
        return Err(error(
            "--regimes",
            format!("enough months for {chosen_k} regimes (each must hold more months than factors)"),
            format!("{t} months; every start collapsed"),
        ));
    };
    // Calmest first: by the first factor's volatility.
    let mut order: Vec<usize> = (0..chosen_k).collect();
    order.sort_by(|&a, &b| fit.params.covariances[[a, 0, 0]].total_cmp(&fit.params.covariances[[b, 0, 0]]));
    let fit = reorder(&fit, &order);
    let by_regimes: Vec<ModelChoice> = fits.iter().map(|f| f.0).collect();

    let student_t = if s.student_t {
        let (nu, ll) = switching::profile_student_t(y.view(), &fit.params).ok_or_else(|| {
            error(
                "--shocks",
                "a Student-t likelihood that can be evaluated",
                "none for any degrees of freedom",
            )
        })?;
        let lr = (2.0 * (ll - fit.log_likelihood)).max(0.0);
        let chi = ChiSquared::new(1.0).map_err(|e| error("", "chi-square", e.to_string()))?;
        let days = s.trading_days_per_month as f64;
        Some(StudentFit {
            monthly_degrees_of_freedom: nu,
            daily_degrees_of_freedom: daily_nu(nu, days),
            log_likelihood: ll,
            likelihood_ratio: lr,
            p_value: 0.5 * (1.0 - chi.cdf(lr)),
        })
    } else {
        None
    };

    // The short rate: Vasicek on the monthly series (% a year to a rate).
    let mut short_rate = None;
    let mut rate_residuals: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    if let Some(o) = observed.iter().find(|o| o.factor == Factor::ShortRate) {
        let m = monthly(o, s)?;
        used(&mut series, o, &m, None)?;
        let x: Vec<f64> = m.iter().map(|(_, v)| v / 100.0).collect();
        let f = ar1::fit(&x, 1.0 / 12.0)
            .map_err(|e| error("short_rate", "a mean-reverting monthly series", e.to_string()))?;
        for (i, e) in f.residuals(&x).into_iter().enumerate() {
            rate_residuals.insert(m[i + 1].0, e);
        }
        short_rate = Some(f);
    }

    // Inflation: one observation a year (the year's last), so that no two
    // overlap; a monthly or an annual index alike.
    let mut inflation = None;
    let mut inflation_now = None;
    if let Some(o) = observed.iter().find(|o| o.factor == Factor::Inflation) {
        let within = |d: &NaiveDate| {
            s.from.is_none_or(|f| d.year() >= f.year()) && s.to.is_none_or(|t| d.year() <= t.year())
        };
        let mut years: Vec<(i32, NaiveDate, f64)> = Vec::new();
        for (d, v) in o.dates.iter().zip(&o.values).filter(|(d, _)| within(d)) {
            match years.last_mut() {
                Some(last) if last.0 == d.year() => *last = (d.year(), *d, *v),
                _ => years.push((d.year(), *d, *v)),
            }
        }
        if let Some(w) = years.windows(2).find(|w| w[1].0 != w[0].0 + 1) {
            return Err(error(
                "inflation",
                format!("an observation in every year ({})", o.source),
                format!("nothing between {} and {}", w[0].0, w[1].0),
            ));
        }
        let m: Vec<(NaiveDate, f64)> = years.iter().map(|y| (y.1, y.2)).collect();
        used(&mut series, o, &m, None)?;
        let yearly: Vec<f64> = m.windows(2).map(|w| (w[1].1 / w[0].1).ln()).collect();
        let f = ar1::fit(&yearly, 1.0)
            .map_err(|e| error("inflation", "yearly inflation that reverts to a mean", e.to_string()))?;
        inflation_now = yearly.last().copied();
        inflation = Some(f);
    }

    let regimes = estimates(&fit, &returns_in, &dates, y.view(), short_rate.as_ref(), &rate_residuals);
    let (transition, transition_se) = transition_with_se(&fit);
    let last = fit.filtered.row(t - 1);
    let start_regime = (0..chosen_k).max_by(|&a, &b| last[a].total_cmp(&last[b])).unwrap_or(0);
    Ok(Calibration {
        series,
        return_factors: returns_in.iter().map(|o| o.factor).collect(),
        dates,
        returns: y,
        by_regimes,
        chosen,
        fit,
        regimes,
        transition,
        transition_se,
        start_regime,
        student_t,
        short_rate,
        inflation,
        inflation_now,
    })
}

/// The daily degrees of freedom whose 21-day sums have the monthly excess
/// kurtosis `6 / (nu_m - 4)`: a sum of `n` independent days has `1/n` of
/// a day's excess kurtosis, so `nu_d = 4 + (nu_m - 4) / n`. Monthly
/// tails too heavy for any finite kurtosis (`nu_m <= 4`) get the heaviest
/// daily tail with one, 4.1.
pub fn daily_nu(monthly: f64, days: f64) -> f64 {
    if monthly > 4.0 { (4.0 + (monthly - 4.0) / days).max(4.1) } else { 4.1 }
}

fn used(
    series: &mut Vec<SeriesUsed>,
    o: &Observed,
    m: &[(NaiveDate, f64)],
    y: Option<f64>,
) -> Result<(), CalibrationError> {
    let (Some(first), Some(last)) = (m.first(), m.last()) else {
        return Err(error(
            o.factor.name(),
            format!("month-end values within the period ({})", o.source),
            "none",
        ));
    };
    series.push(SeriesUsed {
        factor: o.factor,
        source: o.source.clone(),
        from: first.0,
        to: last.0,
        months: m.len(),
        dividend_yield: y,
    });
    Ok(())
}

fn reorder(fit: &Fit, order: &[usize]) -> Fit {
    let pick = |a: &Array2<f64>| a.select(Axis(1), order);
    Fit {
        params: fit.params.reordered(order),
        smoothed: pick(&fit.smoothed),
        filtered: pick(&fit.filtered),
        ..fit.clone()
    }
}

/// The transition matrix and approximate standard errors,
/// `sqrt(p (1 - p) / n_i)` with `n_i` the expected months spent in `i`
/// before another month follows.
fn transition_with_se(fit: &Fit) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let t = fit.smoothed.nrows();
    let p = &fit.params.transition;
    let k = p.nrows();
    let mut se = vec![vec![0.0; k]; k];
    for (i, row) in se.iter_mut().enumerate() {
        let n: f64 = fit.smoothed.column(i).iter().take(t - 1).sum();
        for (j, v) in row.iter_mut().enumerate() {
            *v = (p[[i, j]] * (1.0 - p[[i, j]]) / n.max(1.0)).sqrt();
        }
    }
    (p.rows().into_iter().map(|r| r.to_vec()).collect(), se)
}

/// Each regime in the engine's units, with its share of the months, its
/// expected duration, the short rate's volatility and the correlations.
///
/// Standard errors are the complete-data ones, as if each month's regime
/// were known with its smoothed probability: `vol / sqrt(n_k)` for a
/// monthly mean and `vol / sqrt(2 n_k)` for a volatility, `n_k` the
/// regime's expected months. They leave out the uncertainty of the regimes
/// themselves, so they are lower bounds.
fn estimates(
    fit: &Fit,
    factors: &[&Observed],
    dates: &[NaiveDate],
    y: ndarray::ArrayView2<f64>,
    rate: Option<&Ar1Fit>,
    rate_residuals: &BTreeMap<NaiveDate, f64>,
) -> Vec<RegimeEstimate> {
    let k = fit.params.regimes();
    let names = regime_names(k);
    let t = dates.len() as f64;
    (0..k)
        .map(|r| {
            let w = fit.smoothed.column(r);
            let n = w.sum();
            let mut out = Vec::new();
            for (j, o) in factors.iter().enumerate() {
                let m = fit.params.means[[r, j]];
                let v = fit.params.covariances[[r, j, j]];
                let vol = (12.0 * v).sqrt();
                let m_se = (v / n).sqrt();
                let vol_se = vol / (2.0 * n).sqrt();
                let (mu, mu_se) = if o.factor == Factor::SekPerUsd {
                    (12.0 * m, 12.0 * m_se)
                } else {
                    (12.0 * m + vol * vol / 2.0, ((12.0 * m_se).powi(2) + (vol * vol_se).powi(2)).sqrt())
                };
                out.push((o.factor, DriftVolFit { mu, vol, mu_se, vol_se }));
            }
            // The joint weighted covariance of the returns and the rate's
            // residuals over the months that have both (positive
            // semi-definite as any weighted covariance is).
            let mut correlation = [[0.0; 4]; 4];
            for (i, row) in correlation.iter_mut().enumerate() {
                row[i] = 1.0;
            }
            let col_of = |f: Factor| match f {
                Factor::SwedishEquity => 0,
                Factor::GlobalEquity => 1,
                _ => 2,
            };
            let mut rate_sigma = None;
            let rows: Vec<(usize, f64)> = dates
                .iter()
                .enumerate()
                .filter_map(|(i, d)| rate_residuals.get(d).map(|e| (i, *e)))
                .collect();
            let dim = factors.len() + usize::from(rate.is_some() && rows.len() > 12);
            let cov = {
                let obs: Vec<(f64, Vec<f64>)> = if dim > factors.len() {
                    rows.iter()
                        .map(|&(i, e)| {
                            let mut v = y.row(i).to_vec();
                            v.push(e);
                            (w[i], v)
                        })
                        .collect()
                } else {
                    (0..y.nrows()).map(|i| (w[i], y.row(i).to_vec())).collect()
                };
                weighted_covariance(&obs, dim)
            };
            for a in 0..dim {
                for b in 0..dim {
                    let fa = if a < factors.len() { col_of(factors[a].factor) } else { 3 };
                    let fb = if b < factors.len() { col_of(factors[b].factor) } else { 3 };
                    let c = cov[a][b] / (cov[a][a] * cov[b][b]).sqrt();
                    correlation[fa][fb] = if a == b { 1.0 } else { c };
                }
            }
            if let (Some(rate), true) = (rate, dim > factors.len()) {
                let s2 = cov[dim - 1][dim - 1];
                rate_sigma = Some((s2 * 2.0 * rate.kappa / (1.0 - rate.b * rate.b)).sqrt());
            }
            RegimeEstimate {
                name: names[r].to_string(),
                factors: out,
                rate_sigma,
                correlation,
                share_of_months: n / t,
                expected_duration_months: 1.0 / (1.0 - fit.params.transition[[r, r]]).max(1e-12),
            }
        })
        .collect()
}

/// The weighted covariance (weights normalised, divided by their sum).
fn weighted_covariance(obs: &[(f64, Vec<f64>)], dim: usize) -> Vec<Vec<f64>> {
    let total: f64 = obs.iter().map(|o| o.0).sum();
    let mut mean = vec![0.0; dim];
    for (w, v) in obs {
        for (m, x) in mean.iter_mut().zip(v) {
            *m += w * x / total;
        }
    }
    let mut cov = vec![vec![0.0; dim]; dim];
    for (w, v) in obs {
        for a in 0..dim {
            for b in 0..dim {
                cov[a][b] += w * (v[a] - mean[a]) * (v[b] - mean[b]) / total;
            }
        }
    }
    cov
}

fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

impl Calibration {
    /// `calibration.json`: every figure of the fit.
    pub fn json(&self) -> Value {
        let regime = |r: &RegimeEstimate| {
            let mut m = serde_json::Map::new();
            m.insert("name".into(), json!(r.name));
            m.insert("share_of_months".into(), json!(r.share_of_months));
            m.insert("expected_duration_months".into(), json!(r.expected_duration_months));
            for (f, dv) in &r.factors {
                m.insert(f.name().into(), json!(dv));
            }
            if let (Some(rate), Some(sigma)) = (&self.short_rate, r.rate_sigma) {
                m.insert(
                    "short_rate".into(),
                    json!({"kappa": rate.kappa, "theta": rate.theta, "sigma": sigma}),
                );
            }
            m.insert("correlation".into(), json!(r.correlation));
            Value::Object(m)
        };
        json!({
            "period": {"from": self.dates.first(), "to": self.dates.last()},
            "months": self.dates.len(),
            "series": self.series,
            "return_factors": self.return_factors,
            "regimes": self.regimes.iter().map(regime).collect::<Vec<_>>(),
            "transition": self.transition,
            "transition_se": self.transition_se,
            "start_regime": self.regimes[self.start_regime].name,
            "log_likelihood": self.chosen.log_likelihood,
            "aic": self.chosen.aic,
            "bic": self.chosen.bic,
            "parameters": self.chosen.parameters,
            "converged": self.chosen.converged,
            "iterations": self.chosen.iterations,
            "by_regimes": self.by_regimes,
            "student_t": self.student_t,
            "short_rate": self.short_rate,
            "inflation": self.inflation,
            "inflation_last_year": self.inflation_now,
            "smoothed_probabilities": self.dates.iter().enumerate().map(|(i, d)| {
                json!({"month": d, "p": self.fit.smoothed.row(i).to_vec()})
            }).collect::<Vec<_>>(),
            "standard_errors": "complete-data approximations (each month's regime taken as known with its smoothed probability): lower bounds",
        })
    }

    /// The `[market]` block for a scenario, every number commented with
    /// where it comes from. Keys the data cannot give (the fixed-income
    /// duration, the hedge ratio, a credit spread) come from `keep`, the
    /// scenario being re-calibrated, when given; otherwise the block says
    /// to add them.
    pub fn market_toml(&self, keep: Option<&MarketModel>) -> String {
        let mut o = String::new();
        let from = self.dates.first().map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
        let to = self.dates.last().map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
        let _ =
            writeln!(o, "# Fitted by `pensionsim calibrate` to {} months, {from} to {to}:", self.dates.len());
        for s in &self.series {
            let dy = s
                .dividend_yield
                .map_or(String::new(), |y| format!(", plus a dividend yield of {:.1} % a year", y * 100.0));
            let _ = writeln!(
                o,
                "#   {}: {} ({} to {}, {} month ends{dy})",
                s.factor.name(),
                s.source,
                s.from.format("%Y-%m"),
                s.to.format("%Y-%m"),
                s.months
            );
        }
        let _ = writeln!(
            o,
            "# Regimes: {} by the lowest BIC or as asked (--regimes); log-likelihood, AIC and BIC by regimes:",
            self.regimes.len()
        );
        for c in &self.by_regimes {
            let _ = writeln!(
                o,
                "#   {}: {:.1}, {:.1}, {:.1}{}",
                c.regimes,
                c.log_likelihood,
                c.aic,
                c.bic,
                if c.regimes == self.chosen.regimes { " (used)" } else { "" }
            );
        }
        let _ = writeln!(o, "# Drifts are history's; state the long-run returns, with their source, in");
        let _ = writeln!(o, "# [market.long_run] rather than trust a few decades' mean.");
        let _ = writeln!(o, "[market]");
        match self.student_t {
            Some(t) => {
                let _ = writeln!(o, "shocks = \"student_t\"");
                let _ = writeln!(
                    o,
                    "# Monthly shocks: {:.1} degrees of freedom (profile likelihood, LR {:.1} against Gaussian, p = {:.3});",
                    t.monthly_degrees_of_freedom, t.likelihood_ratio, t.p_value
                );
                let _ = writeln!(o, "# the daily value whose monthly sums have the same excess kurtosis:");
                let _ = writeln!(o, "degrees_of_freedom = {}", r4(t.daily_degrees_of_freedom));
            }
            None => {
                let _ = writeln!(o, "shocks = \"gaussian\"");
            }
        }
        let _ = writeln!(o, "trading_days_per_month = 21");
        let _ = writeln!(o, "days_per_year = 252");
        match &self.short_rate {
            Some(r) => {
                let _ = writeln!(o, "# The short rate's last month end.");
                let _ = writeln!(o, "initial_short_rate = {}", r6(r.last));
            }
            None => {
                let _ = writeln!(o, "# ADD: initial_short_rate (no short_rate series was given)");
            }
        }
        match keep {
            Some(m) => {
                let _ = writeln!(o, "# Kept from the scenario (not market history):");
                let _ = writeln!(o, "fixed_income_duration = {}", m.fixed_income_duration);
                let _ = writeln!(o, "hedge_ratio = {}", m.hedge_ratio);
                if let Some(c) = &m.credit_spread {
                    let p = &c.spread;
                    let _ = writeln!(
                        o,
                        "credit_spread = {{ initial = {}, mean = {}, kappa = {}, sigma = {}, duration = {} }}",
                        p.initial, p.process.theta, p.process.kappa, p.process.sigma, c.duration
                    );
                }
            }
            None => {
                let _ = writeln!(
                    o,
                    "# ADD: fixed_income_duration and hedge_ratio (the portfolio's own; give --scenario to keep a scenario's)"
                );
            }
        }
        match (&self.inflation, self.inflation_now) {
            (Some(f), now) => {
                let _ = writeln!(
                    o,
                    "# Inflation: yearly log changes of the price index, AR(1) exact ML; kappa {:.3} ± {:.3}, mean {:.4} ± {:.4}, sigma {:.4} ± {:.4}.",
                    f.kappa, f.kappa_se, f.theta, f.theta_se, f.sigma, f.sigma_se
                );
                let _ = writeln!(
                    o,
                    "inflation_process = {{ initial = {}, mean = {}, kappa = {}, sigma = {} }}",
                    r4(now.unwrap_or(f.last)),
                    r4(f.theta),
                    r4(f.kappa),
                    r4(f.sigma)
                );
            }
            (None, _) => match keep {
                Some(m) => match &m.inflation_process {
                    Some(p) => {
                        let _ = writeln!(
                            o,
                            "inflation_process = {{ initial = {}, mean = {}, kappa = {}, sigma = {} }}   # kept from the scenario",
                            p.initial, p.process.theta, p.process.kappa, p.process.sigma
                        );
                    }
                    None => {
                        let _ = writeln!(o, "inflation = {}   # kept from the scenario", m.inflation);
                    }
                },
                None => {
                    let _ =
                        writeln!(o, "# ADD: inflation or inflation_process (no inflation series was given)");
                }
            },
        }
        let names: Vec<&str> = self.regimes.iter().map(|r| r.name.as_str()).collect();
        let _ = writeln!(
            o,
            "start_regime = {:?}   # the most likely regime in the last month",
            names[self.start_regime]
        );
        if self.regimes.len() > 1 {
            let rows: Vec<String> = self
                .transition
                .iter()
                .map(|r| format!("[{}]", r.iter().map(|p| r4(*p).to_string()).collect::<Vec<_>>().join(", ")))
                .collect();
            let _ = writeln!(
                o,
                "# Monthly transitions (rows from, columns to); expected durations {} months.",
                self.regimes
                    .iter()
                    .map(|r| format!("{:.1}", r.expected_duration_months))
                    .collect::<Vec<_>>()
                    .join(" and ")
            );
            let _ = writeln!(o, "transition = [{}]", rows.join(", "));
        }
        let _ = writeln!(o, "\n# Correlation order: swedish_equity, global_equity, sek_per_usd, short_rate.");
        for r in &self.regimes {
            let _ = writeln!(o, "[[market.regime]]");
            let _ = writeln!(o, "name = {:?}   # {:.0} % of the months", r.name, r.share_of_months * 100.0);
            for f in [Factor::SwedishEquity, Factor::GlobalEquity, Factor::SekPerUsd] {
                match r.factors.iter().find(|(g, _)| *g == f) {
                    Some((_, dv)) => {
                        let _ = writeln!(
                            o,
                            "{} = {{ mu = {}, vol = {} }}   # ± {:.3}, ± {:.3}",
                            f.name(),
                            r4(dv.mu),
                            r4(dv.vol),
                            dv.mu_se,
                            dv.vol_se
                        );
                    }
                    None => {
                        let _ =
                            writeln!(o, "# ADD: {} = {{ mu = …, vol = … }} (no series was given)", f.name());
                    }
                }
            }
            match (&self.short_rate, r.rate_sigma) {
                (Some(rate), Some(sigma)) => {
                    let _ = writeln!(
                        o,
                        "# Vasicek by AR(1) exact ML: kappa ± {:.3}, theta ± {:.4}; sigma this regime's.",
                        rate.kappa_se, rate.theta_se
                    );
                    let _ = writeln!(
                        o,
                        "short_rate = {{ kappa = {}, theta = {}, sigma = {} }}",
                        r4(rate.kappa),
                        r4(rate.theta),
                        r4(sigma)
                    );
                }
                _ => {
                    let _ = writeln!(
                        o,
                        "# ADD: short_rate = {{ kappa = …, theta = …, sigma = … }} (no short_rate series was given)"
                    );
                }
            }
            let _ = writeln!(o, "correlation = [");
            for row in &r.correlation {
                let _ = writeln!(
                    o,
                    "  [{}],",
                    row.iter().map(|c| format!("{:>6.3}", c)).collect::<Vec<_>>().join(", ")
                );
            }
            let _ = writeln!(o, "]\n");
        }
        o
    }
}
