//! The loan book on the market model's rate paths.
//!
//! Path `p` draws exactly as the Monte Carlo engine's path `p` does (the
//! same stream, the same draws, the same short-rate step), so the loans see the very rates
//! that drive the pension portfolio's fixed income on that path: the two
//! sides of the balance sheet move together. Only the month-end short rate
//! and regime are kept; from them the closed-form curve (Vasicek, or
//! Hull-White fitted to the initial curve) prices Kommuninvest's lending
//! rate for any maturity: the annually compounded zero rate plus the
//! scenario's spread (fixed loans) or 3-month STIBOR plus the margin
//! (floating loans, reset every three months).
//!
//! Each month-end, in order: the month's interest is charged on the book
//! as it stood through the month (amount times rate over 12); then
//! amortisations are paid, floating loans due a reset take the new
//! STIBOR, maturing loans are refinanced in full and the plan's new
//! borrowing is taken up, both by the scenario's refinancing strategy; then
//! the key figures are read and checked against the policy.

use std::ops::Range;

use chrono::{Datelike, Months, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use super::{Book, Borrowing, Breaches, Debt, Loan, LoanRate, Refinancing};
use crate::calendar::{month_after, month_end};
use crate::draws::{MonthDraws, groups};
use crate::lanes::Wide;
use crate::market::{DayKernel, FACTORS, MarketModel, MarketState, Rates};
use crate::rng::path_rng;
use crate::start::{Simulation, Start};

/// Maturity of the 3-month rate, years.
const STIBOR_YEARS: f64 = 0.25;

/// The market's state at a month-end, as far as the loans need it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthRates {
    pub short_rate: f64,
    pub regime: usize,
}

/// Steps path `path`'s market as the engine does and keeps its month-end
/// short rates: the engine's draws, the short rate alone
/// ([`MarketState::step_short_rate`]).
pub fn month_rates(
    model: &MarketModel,
    kernels: &[DayKernel],
    seed: u64,
    path: u64,
    months: usize,
) -> Vec<MonthRates> {
    let mut rng = path_rng(seed, path);
    let mut market = MarketState::start(model);
    (0..months)
        .map(|month| {
            market.start_month(model, month, &mut rng);
            for _ in 0..model.trading_days_per_month {
                market.step_short_rate(model, kernels, &mut rng);
            }
            MonthRates { short_rate: market.rates.short_rate, regime: market.clock.regime }
        })
        .collect()
}

/// [`month_rates`] for a group's `paths` (one to eight), side by side:
/// the engine's month of draws ([`MonthDraws`]) and the short rate
/// stepped for the whole group at once; each path gets the bits
/// [`month_rates`] gives it alone (tested).
///
/// # Panics
/// If `paths` is empty or longer than a group.
pub fn month_rates_group(
    model: &MarketModel,
    kernels: &[DayKernel],
    seed: u64,
    paths: Range<u64>,
    months: usize,
) -> Vec<Vec<MonthRates>> {
    let count = paths.end.saturating_sub(paths.start) as usize;
    let mut draws = MonthDraws::new(model, seed, paths);
    let mut short_rate = Rates::<Wide>::start(model).short_rate;
    let mut out = vec![Vec::with_capacity(months); count];
    let mut day = 0;
    for month in 0..months {
        draws.next::<false>(model, kernels, month);
        let c = draws.coefficients(kernels);
        for d in draws.days() {
            short_rate = Rates::<Wide>::next_short_rate::<false>(&c, model, day, short_rate, &d.n);
            day += 1;
        }
        for (i, rates) in out.iter_mut().enumerate() {
            rates.push(MonthRates { short_rate: short_rate.0[i], regime: draws.regime(i) });
        }
    }
    out
}

/// `f(p, rates)` for every path `p` of `0..paths` with its month-end
/// rates ([`month_rates`]), the rates drawn a group at a time
/// ([`month_rates_group`]) and the groups in parallel; the results in
/// path order.
pub fn over_paths<T: Send>(
    model: &MarketModel,
    kernels: &[DayKernel],
    seed: u64,
    paths: usize,
    months: usize,
    f: impl Fn(u64, Vec<MonthRates>) -> T + Sync,
) -> Vec<T> {
    groups(paths)
        .flat_map_iter(|group| {
            let rates = month_rates_group(model, kernels, seed, group.clone(), months);
            group.zip(rates).map(|(p, rates)| f(p, rates)).collect::<Vec<T>>()
        })
        .collect()
}

/// The market curve at a month-end: lending rates by maturity.
#[derive(Debug, Clone, Copy)]
pub struct Curve<'a> {
    model: &'a MarketModel,
    /// Years since the start of the simulation.
    t: f64,
    at: MonthRates,
    /// Added to every rate (a parallel shift).
    shift: f64,
}

impl<'a> Curve<'a> {
    pub fn new(model: &'a MarketModel, t: f64, at: MonthRates, shift: f64) -> Curve<'a> {
        Curve { model, t, at, shift }
    }

    /// The price of a zero-coupon bond paying 1 in `years`.
    #[allow(
        clippy::disallowed_methods,
        reason = "a closed form: the curve a month-end's rates price the loans by; a portable version would move the loans' figures in their last bits"
    )]
    fn zero_price(&self, years: f64) -> f64 {
        let vasicek = self.model.regimes[self.at.regime].short_rate;
        match &self.model.hull_white {
            None => vasicek.zero_coupon_price(self.at.short_rate, years),
            Some(hw) => {
                // P(t, T) = P0(T) / P0(t) exp(B f(0, t) - sigma^2 / (4 kappa)
                // (1 - e^(-2 kappa t)) B^2 - B r_t), B = (1 - e^(-kappa (T - t))) / kappa.
                let (k, s, t) = (vasicek.kappa, vasicek.sigma, self.t);
                let b = (1.0 - (-k * years).exp()) / k;
                let ratio = hw.discount(t + years) / hw.discount(t);
                let convexity = s * s / (4.0 * k) * (1.0 - (-2.0 * k * t).exp()) * b * b;
                ratio * (b * hw.forward(t).0 - convexity - b * self.at.short_rate).exp()
            }
        }
    }

    /// The annually compounded zero rate for `years`, plus the shift.
    #[allow(
        clippy::disallowed_methods,
        reason = "a closed form: annual compounding of the curve's zero price; a portable powf would move the loans' figures in their last bits"
    )]
    pub fn rate(&self, years: f64) -> f64 {
        self.zero_price(years).powf(-1.0 / years) - 1.0 + self.shift
    }

    /// 3-month STIBOR (the simple 3-month rate), plus the shift.
    pub fn stibor(&self) -> f64 {
        (1.0 / self.zero_price(STIBOR_YEARS) - 1.0) / STIBOR_YEARS + self.shift
    }
}

/// A loan placed on `date` for `years`.
fn new_loan(
    debt: &Debt,
    curve: &Curve<'_>,
    date: NaiveDate,
    amount: f64,
    years: u32,
    floating: bool,
) -> Loan {
    let maturity = month_end(date.checked_add_months(Months::new(12 * years)).unwrap_or(date));
    let rate = if floating {
        LoanRate::Floating { margin: debt.floating_margin, fixing: curve.stibor() }
    } else {
        LoanRate::Fixed { rate: curve.rate(f64::from(years)) + debt.fixed_spread }
    };
    Loan { id: String::new(), amount, start: date, maturity, rate, amortisation: 0.0, green: false }
}

/// Adds a new loan to the book. A fixed bullet loan maturing on the same
/// day as one already there is merged into it at the amount-weighted rate:
/// the same interest and the same key figures, and a book that stays a
/// few dozen loans long over decades of refinancing.
fn add(book: &mut Book, loan: Loan) {
    let LoanRate::Fixed { rate } = loan.rate else {
        book.loans.push(loan);
        return;
    };
    let twin = book.loans.iter_mut().find(|l| {
        l.maturity == loan.maturity && l.amortisation == 0.0 && matches!(l.rate, LoanRate::Fixed { .. })
    });
    match twin {
        Some(l) => {
            let total = l.amount + loan.amount;
            l.rate = LoanRate::Fixed { rate: (l.current_rate() * l.amount + rate * loan.amount) / total };
            l.amount = total;
        }
        None => book.loans.push(loan),
    }
}

/// Places `amount` on `date` by the scenario's strategy.
fn place(debt: &Debt, book: &mut Book, curve: &Curve<'_>, date: NaiveDate, amount: f64) {
    if amount <= 0.0 {
        return;
    }
    match debt.refinancing {
        Refinancing::Ladder { years } => {
            let part = amount / f64::from(years);
            for y in 1..=years {
                add(book, new_loan(debt, curve, date, part, y, false));
            }
        }
        Refinancing::Floating { years } => add(book, new_loan(debt, curve, date, amount, years, true)),
        Refinancing::Fixed { years } => add(book, new_loan(debt, curve, date, amount, years, false)),
        Refinancing::Policy { max_years } => place_within_policy(debt, book, curve, date, amount, max_years),
    }
}

/// Parts each amount is split into by the policy strategy.
const POLICY_PARTS: usize = 4;

/// The policy strategy: least cost inside the finance policy. The amount
/// is placed in [`POLICY_PARTS`] equal parts, each as a fixed loan of 2 to
/// `max_years` years (a one-year loan counts within the 12-month share from
/// its first day): the maturity whose coming-due year (every 12-month
/// window it falls in) would hold the least after it, the cheapest on a
/// tie. So maturities spread over the years ahead, the share maturing
/// within any 12 months stays as low as the book allows, and the average
/// fixing lies between 2 and `max_years` years for what is placed.
fn place_within_policy(
    debt: &Debt,
    book: &mut Book,
    curve: &Curve<'_>,
    date: NaiveDate,
    amount: f64,
    max_years: u32,
) {
    let first = 2.min(max_years);
    let last = max_years as usize * 12;
    let month_of = |d: NaiveDate| {
        ((d.year() - date.year()) * 12 + d.month() as i32 - date.month() as i32).max(0) as usize
    };
    // due[m]: the amount maturing m months ahead.
    let mut due = vec![0.0; last + 1];
    for loan in &book.loans {
        if let Some(slot) = due.get_mut(month_of(loan.maturity)) {
            *slot += loan.amount;
        }
    }
    let part = amount / POLICY_PARTS as f64;
    let mut parts = vec![0.0; max_years as usize + 1];
    let rates: Vec<f64> =
        (0..=max_years).map(|y| if y < first { 0.0 } else { curve.rate(f64::from(y)) }).collect();
    for _ in 0..POLICY_PARTS {
        // sums[m]: the amount maturing within the first m months.
        let mut sums = vec![0.0; last + 2];
        for (m, x) in due.iter().enumerate() {
            sums[m + 1] = sums[m] + x;
        }
        // For each maturity, the fullest 12-month window (k, k + 12] it
        // would fall in.
        let fullest: Vec<f64> = (0..=max_years as usize)
            .map(|y| {
                let m = y * 12;
                (m.saturating_sub(12)..m)
                    .map(|k| sums[(k + 12).min(last) + 1] - sums[k + 1])
                    .fold(0.0, f64::max)
            })
            .collect();
        // The emptiest year, amounts within a krona counted equal (sums
        // in a different order may differ in the last bit), then the
        // cheapest.
        let best = (first..=max_years)
            .min_by(|&a, &b| {
                let (fa, fb) = (fullest[a as usize], fullest[b as usize]);
                if (fa - fb).abs() > 1e-6 {
                    fa.total_cmp(&fb)
                } else {
                    rates[a as usize].total_cmp(&rates[b as usize])
                }
            })
            .unwrap_or(first);
        due[best as usize * 12] += part;
        parts[best as usize] += part;
    }
    for (y, part) in parts.into_iter().enumerate().filter(|(_, p)| *p > 0.0) {
        add(book, new_loan(debt, curve, date, part, y as u32, false));
    }
}

/// One path's figures by calendar year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathYears {
    /// Interest paid in the year, mkr.
    pub interest: Vec<f64>,
    /// The same with every new rate one point higher.
    pub interest_shifted: Vec<f64>,
    /// Debt at the year's last simulated month-end, mkr.
    pub debt: Vec<f64>,
    /// Average fixing at that month-end, years.
    pub fixing_years: Vec<f64>,
    /// Each limit broken at some month-end of the year.
    pub breaches: Vec<Breaches>,
    /// Debt above the borrowing limit at some month-end of the year.
    pub over_limit: Vec<bool>,
}

/// The calendar years a simulation of `months` from `valuation` touches,
/// with the number of its months in each.
pub fn calendar_years(valuation: NaiveDate, months: usize) -> Vec<(i32, usize)> {
    let mut out: Vec<(i32, usize)> = Vec::new();
    for m in 1..=months {
        let year = month_after(valuation, m).year();
        match out.last_mut() {
            Some((y, n)) if *y == year => *n += 1,
            _ => out.push((year, 1)),
        }
    }
    out
}

/// What one month-end did to the book.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthStep {
    /// Interest charged for the month, mkr.
    pub interest: f64,
    /// Amortisations paid (cash out), mkr; refinanced maturities are not
    /// counted (the new loan pays the old one).
    pub amortised: f64,
    /// The plan's new borrowing taken up (cash in), mkr.
    pub borrowed: f64,
}

/// Today's book stepped month-end by month-end on one path's rates: the
/// one implementation of the order of events in the module's
/// documentation, which the outlook and the liquidity forecast share.
#[derive(Debug, Clone)]
pub struct Stepper<'a> {
    debt: &'a Debt,
    model: &'a MarketModel,
    shift: f64,
    pub book: Book,
    plan: Vec<Borrowing>,
    next_plan: usize,
    previous: NaiveDate,
}

impl<'a> Stepper<'a> {
    /// Today's book and plan, with every new rate moved by `shift`.
    pub fn new(debt: &'a Debt, model: &'a MarketModel, shift: f64) -> Stepper<'a> {
        let mut plan = debt.borrowing.clone();
        plan.sort_by_key(|b| b.date);
        Stepper { debt, model, shift, book: debt.book.clone(), plan, next_plan: 0, previous: debt.book.date }
    }

    /// The curve at simulated month-end `m` (0-based) with rates `at`.
    pub fn curve(&self, m: usize, at: MonthRates) -> Curve<'a> {
        Curve::new(self.model, (m + 1) as f64 / 12.0, at, self.shift)
    }

    /// Month-end `m` (0-based; it ends `end`) at rates `at`: the month's
    /// interest, then amortisations, resets, refinancing and the plan's
    /// borrowing.
    pub fn step(&mut self, m: usize, end: NaiveDate, at: MonthRates) -> MonthStep {
        let book = &mut self.book;
        let interest = book.loans.iter().map(|l| l.amount * l.current_rate()).sum::<f64>() / 12.0;
        let curve = Curve::new(self.model, (m + 1) as f64 / 12.0, at, self.shift);
        // Amortisations, resets and maturities due in (previous, end].
        let mut to_refinance = 0.0;
        let mut amortised = 0.0;
        for loan in &mut book.loans {
            if loan.amortisation > 0.0 && loan.maturity > end {
                let after = (loan.amount - loan.amortisation / 12.0).max(0.0);
                amortised += loan.amount - after;
                loan.amount = after;
            }
            if loan.maturity <= end {
                to_refinance += loan.amount;
                loan.amount = 0.0;
            } else if loan.next_fixing(self.previous) <= end
                && let LoanRate::Floating { fixing, .. } = &mut loan.rate
            {
                *fixing = curve.stibor();
            }
        }
        book.loans.retain(|l| l.amount > 0.0);
        book.date = end;
        place(self.debt, book, &curve, end, to_refinance);
        let mut borrowed = 0.0;
        while self.next_plan < self.plan.len() && self.plan[self.next_plan].date <= end {
            borrowed += self.plan[self.next_plan].amount;
            self.next_plan += 1;
        }
        place(self.debt, book, &curve, end, borrowed);
        self.previous = end;
        MonthStep { interest, amortised, borrowed }
    }

    /// Places `amount` of extra borrowing at the month-end just stepped,
    /// by the scenario's refinancing strategy, on `curve`.
    pub fn borrow(&mut self, curve: &Curve<'_>, amount: f64) {
        let end = self.book.date;
        place(self.debt, &mut self.book, curve, end, amount);
    }
}

/// Runs today's book through one path's month-ends with every new rate
/// moved by `shift`; returns the interest by year and, when `record`,
/// the rest of the year's figures too.
fn run_book(
    debt: &Debt,
    model: &MarketModel,
    rates: &[MonthRates],
    shift: f64,
    out: &mut PathYears,
    record: bool,
) -> Vec<f64> {
    let valuation = debt.book.date;
    let years = calendar_years(valuation, rates.len());
    let first_year = years.first().map_or(valuation.year(), |y| y.0);
    let mut interest = vec![0.0; years.len()];
    if record {
        let n = years.len();
        out.debt = vec![0.0; n];
        out.fixing_years = vec![0.0; n];
        out.breaches = vec![Breaches::default(); n];
        out.over_limit = vec![false; n];
    }
    let mut stepper = Stepper::new(debt, model, shift);
    for (m, at) in rates.iter().enumerate() {
        let end = month_after(valuation, m + 1);
        let y = (end.year() - first_year) as usize;
        interest[y] += stepper.step(m, end, *at).interest;
        if record {
            let k = stepper.book.key_figures();
            let b = k.breaches(&debt.policy);
            let over = &mut out.breaches[y];
            over.fixing |= b.fixing;
            over.capital_binding |= b.capital_binding;
            over.within_12m |= b.within_12m;
            out.over_limit[y] |= k.outstanding > debt.borrowing_limit + 1e-9;
            out.debt[y] = k.outstanding;
            out.fixing_years[y] = k.fixing_years;
        }
    }
    interest
}

/// The month-end rates of a path whose every shock is zero: the short
/// rate's drift alone, in the starting regime (no regime switch). The
/// liquidity forecast's plan charges its loans at these rates.
pub fn planned_rates(model: &MarketModel, kernels: &[DayKernel], months: usize) -> Vec<MonthRates> {
    let regime = model.start_clock().regime;
    let c = &kernels[regime].coefficients;
    let mut r = model.initial_short_rate;
    let mut day = 0;
    (0..months)
        .map(|_| {
            for _ in 0..model.trading_days_per_month {
                r = Rates::<f64>::next_short_rate::<false>(c, model, day, r, &[0.0; FACTORS]);
                day += 1;
            }
            MonthRates { short_rate: r, regime }
        })
        .collect()
}

/// One path: the book on the path's rates, and again one point higher.
pub fn path(debt: &Debt, model: &MarketModel, rates: &[MonthRates]) -> PathYears {
    let mut out = PathYears::default();
    out.interest = run_book(debt, model, rates, 0.0, &mut out, true);
    let mut unused = PathYears::default();
    out.interest_shifted = run_book(debt, model, rates, 0.01, &mut unused, false);
    out
}

/// A figure's median and 95th percentile over the paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub mean: f64,
    pub mean_se: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// A probability and its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Probability {
    pub p: f64,
    pub se: f64,
}

/// The outlook for one calendar year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearOutlook {
    pub year: i32,
    /// Months of the year inside the horizon (12 but at its ends).
    pub months: usize,
    /// Interest cost in the year, mkr; p95 is the "cost at risk".
    pub interest: Spread,
    /// Mean extra interest in the year if every new rate and reset were
    /// one point higher (the same paths), mkr.
    pub plus_one_point: f64,
    pub plus_one_point_se: f64,
    /// Debt at the year's last month-end, mkr.
    pub debt: Spread,
    /// Average fixing at the year's last month-end, years.
    pub fixing_years: Spread,
    pub p_breach_fixing: Probability,
    pub p_breach_capital_binding: Probability,
    pub p_breach_within_12m: Probability,
    pub p_over_limit: Probability,
}

/// The debt outlook of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlook {
    pub paths: usize,
    pub seed: u64,
    pub months: usize,
    pub years: Vec<YearOutlook>,
}

fn spread(mut xs: Vec<f64>) -> Spread {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    xs.sort_by(f64::total_cmp);
    let q = |p: f64| xs[((p * (xs.len() - 1) as f64).round() as usize).min(xs.len() - 1)];
    Spread { mean, mean_se: (var / n).sqrt(), p5: q(0.05), p50: q(0.5), p95: q(0.95) }
}

fn probability(hits: usize, n: usize) -> Probability {
    let p = hits as f64 / n as f64;
    Probability { p, se: (p * (1.0 - p) / n as f64).sqrt() }
}

/// Simulates the loan book over `simulation`'s paths of `start`'s market
/// (from its rates); `None` when the start has no market.
pub fn outlook_from(start: &Start, debt: &Debt, simulation: Simulation) -> Option<Outlook> {
    start.market().map(|model| outlook(debt, model, simulation))
}

/// Simulates the loan book over `simulation.paths` paths of the model.
pub fn outlook(debt: &Debt, model: &MarketModel, simulation: Simulation) -> Outlook {
    let kernels = model.kernels();
    let months = simulation.horizon_months;
    let paths: Vec<PathYears> =
        over_paths(model, &kernels, simulation.seed, simulation.paths, months, |_, rates| {
            path(debt, model, &rates)
        });
    let n = paths.len();
    let years = calendar_years(debt.book.date, months)
        .into_iter()
        .enumerate()
        .map(|(i, (year, in_year))| {
            let column = |f: &dyn Fn(&PathYears) -> f64| spread(paths.iter().map(f).collect());
            let count =
                |f: &dyn Fn(&PathYears) -> bool| probability(paths.iter().filter(|p| f(p)).count(), n);
            let shift = column(&|p| p.interest_shifted[i] - p.interest[i]);
            YearOutlook {
                year,
                months: in_year,
                interest: column(&|p| p.interest[i]),
                plus_one_point: shift.mean,
                plus_one_point_se: shift.mean_se,
                debt: column(&|p| p.debt[i]),
                fixing_years: column(&|p| p.fixing_years[i]),
                p_breach_fixing: count(&|p| p.breaches[i].fixing),
                p_breach_capital_binding: count(&|p| p.breaches[i].capital_binding),
                p_breach_within_12m: count(&|p| p.breaches[i].within_12m),
                p_over_limit: count(&|p| p.over_limit[i]),
            }
        })
        .collect();
    Outlook { paths: n, seed: simulation.seed, months, years }
}
