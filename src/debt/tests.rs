//! The loan book against hand-computed figures and closed forms.

#![allow(
    clippy::disallowed_methods,
    reason = "tests check the simulation against closed forms in the platform's arithmetic"
)]

use chrono::NaiveDate;

use super::simulate::{self, Curve, MonthRates, month_rates, month_rates_group};
use super::*;
use crate::engine::Engine;
use crate::market::{MarketModel, Vasicek};
use crate::scenario::{Scenario, Simulation};
use crate::stats::MonthHistograms;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn fixed(id: &str, amount: f64, start: &str, maturity: &str, rate: f64) -> Loan {
    Loan {
        id: id.into(),
        amount,
        start: d(start),
        maturity: d(maturity),
        rate: LoanRate::Fixed { rate },
        amortisation: 0.0,
        green: false,
    }
}

fn region() -> Scenario {
    crate::scenario::fixtures::shipped()
}

fn debt_with(book: Book, refinancing: Refinancing) -> Debt {
    Debt {
        book,
        borrowing: Vec::new(),
        borrowing_limit: 950.0,
        overdraft: 145.0,
        policy: DebtPolicy {
            fixing_years: (1.5, 4.0),
            capital_binding_years: (1.5, 4.0),
            max_share_within_12m: 0.35,
        },
        refinancing,
        fixed_spread: 0.004,
        floating_margin: 0.002,
        stibor_3m: 0.02,
    }
}

/// The region's market with the short rate held at `rate` (no volatility,
/// the level at the start and as the mean in every regime).
fn flat_market(rate: f64) -> MarketModel {
    let mut model = region().market().cloned().unwrap();
    model.initial_short_rate = rate;
    for regime in &mut model.regimes {
        regime.short_rate = Vasicek { kappa: 0.15, theta: rate, sigma: 0.0 };
    }
    model
}

/// Month-end rates of a flat world, `months` long.
fn flat_rates(rate: f64, months: usize) -> Vec<MonthRates> {
    vec![MonthRates { short_rate: rate, regime: 0 }; months]
}

#[test]
fn two_bullet_loans_by_hand() {
    // 100 mkr repaid in exactly one year (365 days), 300 in two (730):
    // binding = fixing = (100 * 1 + 300 * 2) / 400 = 1.75 years; 25 %
    // within a year (the one-year loan falls on the year's last day);
    // rate (100 * 3 % + 300 * 4 %) / 400 = 3.75 %.
    let book = Book {
        date: d("2025-01-31"),
        loans: vec![
            fixed("a", 100.0, "2024-01-31", "2026-01-31", 0.03),
            fixed("b", 300.0, "2024-06-30", "2027-01-31", 0.04),
        ],
    };
    let k = book.key_figures();
    assert_eq!(k.outstanding, 400.0);
    assert!((k.average_rate - 0.0375).abs() < 1e-15);
    assert!((k.capital_binding_years - 1.75).abs() < 1e-12, "{k:?}");
    assert!((k.fixing_years - 1.75).abs() < 1e-12);
    assert_eq!(k.share_maturing_12m, 0.25);
    assert_eq!(k.share_fixing_12m, 0.25);
    assert_eq!(book.maturity_profile(3), vec![100.0, 300.0, 0.0]);
}

#[test]
fn a_floating_loan_is_fixed_until_its_next_reset() {
    // Started 15 January, resets 15 April, July, ...: on 1 March the rate
    // is fixed for 45 days, the capital for 1,781 days (to 15 January 2030).
    let loan = Loan {
        rate: LoanRate::Floating { margin: 0.002, fixing: 0.02 },
        ..fixed("f", 100.0, "2025-01-15", "2030-01-15", 0.0)
    };
    let book = Book { date: d("2025-03-01"), loans: vec![loan] };
    let k = book.key_figures();
    assert!((k.fixing_years - 45.0 / 365.0).abs() < 1e-12, "{k:?}");
    assert!((k.capital_binding_years - 1781.0 / 365.0).abs() < 1e-12);
    assert_eq!((k.share_fixing_12m, k.share_maturing_12m), (1.0, 0.0));
    assert!((k.average_rate - 0.022).abs() < 1e-15);
}

#[test]
fn amortisations_count_at_their_own_dates() {
    // 2 mkr paid 1 mkr a month-end: 28 February and 31 March, nothing left
    // at maturity; binding (28 + 59) / 2 days.
    let loan = Loan { amortisation: 12.0, ..fixed("a", 2.0, "2024-01-31", "2025-04-15", 0.03) };
    assert_eq!(loan.repayments(d("2025-01-31")), vec![(d("2025-02-28"), 1.0), (d("2025-03-31"), 1.0)]);
    let book = Book { date: d("2025-01-31"), loans: vec![loan] };
    let k = book.key_figures();
    assert!((k.capital_binding_years - 43.5 / 365.0).abs() < 1e-12, "{k:?}");
}

#[test]
fn the_regions_book_gives_the_reported_figures() {
    // Digest 4.1: 290 mkr, 3.11 %, 1.25 years, 29.5 % within a year; the
    // fixing target of 1.5-4 years is not met, the 35 % limit is.
    let debt = region().debt().cloned().unwrap();
    let k = debt.book.key_figures();
    assert!((k.outstanding - 290.0).abs() < 1e-9);
    assert_eq!(format!("{:.2}", k.average_rate * 100.0), "3.11");
    assert_eq!(format!("{:.2}", k.fixing_years), "1.25");
    assert_eq!(format!("{:.2}", k.capital_binding_years), "1.25");
    assert_eq!(format!("{:.1}", k.share_maturing_12m * 100.0), "29.5");
    let b = k.breaches(&debt.policy);
    assert!(b.fixing && b.capital_binding && !b.within_12m, "{b:?}");
    // The plan stays under the limit: 290 + 300 + 150 = 740 < 950.
    assert_eq!(debt.plan_over_limit(), None);
}

#[test]
fn a_fixed_loans_interest_to_the_krona() {
    // 100 mkr at 3.11 % for a whole calendar year: 3,110,000 kr.
    let debt = debt_with(
        Book { date: d("2025-12-31"), loans: vec![fixed("a", 100.0, "2025-01-15", "2030-01-15", 0.0311)] },
        Refinancing::Fixed { years: 3 },
    );
    let model = flat_market(0.02);
    let years = simulate::path(&debt, &model, &flat_rates(0.02, 12));
    assert_eq!(simulate::calendar_years(debt.book.date, 12), vec![(2026, 12)]);
    assert!((years.interest[0] * 1e6 - 3_110_000.0).abs() < 1e-6, "{}", years.interest[0] * 1e6);
}

#[test]
fn a_flat_vasicek_curve_is_flat_and_matches_its_closed_form() {
    // sigma = 0 and r = theta: P(T) = e^(-theta T), an annual rate of
    // e^theta - 1 at every maturity, and STIBOR (e^(theta / 4) - 1) * 4.
    let model = flat_market(0.025);
    let curve = Curve::new(&model, 1.0, flat_rates(0.025, 1)[0], 0.0);
    for years in [1.0, 2.0, 5.0, 10.0] {
        assert!((curve.rate(years) - (0.025f64.exp() - 1.0)).abs() < 1e-14, "{years}");
    }
    assert!((curve.stibor() - ((0.025f64 / 4.0).exp() - 1.0) * 4.0).abs() < 1e-14);
    // With volatility, the curve is Vasicek's closed form (tested against
    // its moments in the market's tests): rate = P^(-1/T) - 1.
    let model = region().market().cloned().unwrap();
    let at = MonthRates { short_rate: 0.03, regime: 1 };
    let p = model.regimes[1].short_rate.zero_coupon_price(0.03, 5.0);
    assert!((Curve::new(&model, 2.0, at, 0.0).rate(5.0) - (p.powf(-0.2) - 1.0)).abs() < 1e-15);
}

#[test]
fn hull_white_prices_the_initial_curve_at_the_start() {
    // At t = 0 with r_0 = f(0, 0), P(0, T) is the initial curve's discount
    // factor, whatever the volatility.
    let mut model = region().market().cloned().unwrap();
    let curve = vec![(0.25, 0.018), (1.0, 0.02), (5.0, 0.026), (10.0, 0.03)];
    let (kappa, sigma) = (0.15, 0.01);
    model.regimes.truncate(1);
    model.regimes[0].short_rate = Vasicek { kappa, theta: 0.0, sigma };
    model.hull_white = Some(crate::market::HullWhite::new(curve.clone(), kappa, sigma, model.dt(), 12 * 21));
    let hw = model.hull_white.clone().unwrap();
    let at = MonthRates { short_rate: hw.initial_rate(), regime: 0 };
    let c = Curve::new(&model, 0.0, at, 0.0);
    for years in [0.5, 1.0, 3.0, 7.0] {
        let want = hw.discount(years).powf(-1.0 / years) - 1.0;
        assert!((c.rate(years) - want).abs() < 1e-13, "{years}: {} vs {want}", c.rate(years));
    }
}

#[test]
fn a_ladder_in_a_flat_world_costs_the_flat_rate() {
    // 120 mkr maturing at the first month-end, refinanced as a 1-2-3 year
    // ladder at the flat rate plus the spread, and each rung again as it
    // matures: the book stays 120 mkr at one rate R, so every whole year
    // costs 120 R; the first month is paid at the old loan's rate, set to
    // R too.
    let r: f64 = 0.025;
    let rate = r.exp() - 1.0 + 0.004;
    let debt = debt_with(
        Book { date: d("2025-12-31"), loans: vec![fixed("a", 120.0, "2024-01-15", "2026-01-15", rate)] },
        Refinancing::Ladder { years: 3 },
    );
    let model = flat_market(r);
    let years = simulate::path(&debt, &model, &flat_rates(r, 60));
    for (i, cost) in years.interest.iter().enumerate() {
        assert!((cost - 120.0 * rate).abs() < 1e-9, "year {i}: {cost} vs {}", 120.0 * rate);
        assert!((years.debt[i] - 120.0).abs() < 1e-9);
    }
}

#[test]
fn one_point_up_costs_a_floating_book_one_percent_a_year() {
    // Resets on 30 September, 30 December, ...: from October every fixing
    // is one point higher, so 2026 costs exactly 1 % of the 100 mkr more.
    let loan = Loan {
        rate: LoanRate::Floating { margin: 0.002, fixing: 0.02 },
        ..fixed("f", 100.0, "2025-06-30", "2032-06-30", 0.0)
    };
    let debt =
        debt_with(Book { date: d("2025-08-31"), loans: vec![loan] }, Refinancing::Floating { years: 5 });
    let model = region().market().cloned().unwrap();
    let rates = month_rates(&model, &model.kernels(), 7, 3, 28);
    let years = simulate::path(&debt, &model, &rates);
    assert_eq!(simulate::calendar_years(d("2025-08-31"), 28)[1], (2026, 12));
    let extra = years.interest_shifted[1] - years.interest[1];
    assert!((extra - 1.0).abs() < 1e-9, "{extra}");
}

#[test]
fn the_policy_strategy_spreads_maturities_cheapest_first() {
    // One 100 mkr loan maturing at the first month-end, rates rising with
    // maturity (r below its mean): the four parts of 25 go to 2, 3, 4 and 5
    // years (each to the emptiest coming-due year, the cheapest first), so
    // nothing matures within a year and the fixing is inside the band.
    let debt = debt_with(
        Book { date: d("2025-08-31"), loans: vec![fixed("a", 100.0, "2024-09-15", "2025-09-15", 0.03)] },
        Refinancing::Policy { max_years: 5 },
    );
    let mut model = region().market().cloned().unwrap();
    for regime in &mut model.regimes {
        regime.short_rate = Vasicek { kappa: 0.3, theta: 0.04, sigma: 0.0 };
    }
    let rates = vec![MonthRates { short_rate: 0.01, regime: 0 }; 3];
    let years = simulate::path(&debt, &model, &rates);
    // Taken on 30 September 2025, read on 30 November 2025.
    let left: f64 = ["2027-09-30", "2028-09-30", "2029-09-30", "2030-09-30"]
        .iter()
        .map(|m| 0.25 * (d(m) - d("2025-11-30")).num_days() as f64 / 365.0)
        .sum();
    assert!((years.fixing_years[0] - left).abs() < 1e-12, "{:?} vs {left}", years.fixing_years);
    assert!(!years.breaches[0].any(), "{:?}", years.breaches);
    // With a falling curve the cheapest is the longest, but spreading still
    // comes first: the same four maturities.
    for regime in &mut model.regimes {
        regime.short_rate = Vasicek { kappa: 0.3, theta: 0.0, sigma: 0.0 };
    }
    let rates = vec![MonthRates { short_rate: 0.05, regime: 0 }; 3];
    assert!((simulate::path(&debt, &model, &rates).fixing_years[0] - left).abs() < 1e-12);
}

/// `market`'s first regime alone, its short rate fitted to a rising curve
/// by Hull-White over `months`.
fn hull_white_of(market: &MarketModel, months: usize) -> MarketModel {
    let mut hull_white = market.clone();
    hull_white.regimes.truncate(1);
    hull_white.transition = vec![vec![1.0]];
    hull_white.start_regime = 0;
    let curve = vec![(0.25, 0.018), (1.0, 0.02), (5.0, 0.026), (10.0, 0.03)];
    let v = hull_white.regimes[0].short_rate;
    let days = months * hull_white.trading_days_per_month;
    hull_white.hull_white =
        Some(crate::market::HullWhite::new(curve, v.kappa, v.sigma, hull_white.dt(), days));
    hull_white
}

#[test]
fn a_group_of_paths_gets_each_path_its_own_rates() {
    // The region's market (regimes, an inflation process and a credit
    // spread, whose normals the group must draw to stay in step), a
    // one-regime Hull-White market, and Student-t shocks (lane by lane);
    // full groups and a group of three.
    let region = region().market().cloned().unwrap();
    let hull_white = hull_white_of(&region, 30);
    let mut student = region.clone();
    student.shocks = crate::market::Shocks::StudentT { degrees_of_freedom: 5.0 };
    for model in [region, hull_white, student] {
        let kernels = model.kernels();
        for (first, count) in [(0, 8), (16, 8), (40, 3)] {
            let group = month_rates_group(&model, &kernels, 5, first..first + count as u64, 30);
            assert_eq!(group.len(), count);
            for (i, got) in group.iter().enumerate() {
                let alone = month_rates(&model, &kernels, 5, first + i as u64, 30);
                let bits = |r: &[MonthRates]| {
                    r.iter().map(|m| (m.short_rate.to_bits(), m.regime)).collect::<Vec<_>>()
                };
                assert_eq!(bits(got), bits(&alone), "path {}", first + i as u64);
            }
        }
    }
}

#[test]
fn the_loans_see_the_engines_rate_paths() {
    // Path p of the loans steps the short rate alone; the market's full
    // one-path step, which the engine's tests hold to the engine's paths
    // bit for bit, gives the same month-end rates and regimes, bit for bit,
    // in the region's regime-switching market and in Hull-White.
    let region = region().market().cloned().unwrap();
    let hull_white = hull_white_of(&region, 24);
    for model in [region, hull_white] {
        let kernels = model.kernels();
        for p in 0..4 {
            let fast = month_rates(&model, &kernels, 11, p, 24);
            let mut rng = crate::rng::path_rng(11, p);
            let mut market = crate::market::MarketState::start(&model);
            for (month, got) in fast.iter().enumerate() {
                market.start_month(&model, month, &mut rng);
                for _ in 0..model.trading_days_per_month {
                    market.step(&model, &kernels, &mut rng);
                }
                assert_eq!(
                    got.short_rate.to_bits(),
                    market.rates.short_rate.to_bits(),
                    "path {p} month {month}"
                );
                assert_eq!(got.regime, market.clock.regime);
            }
        }
    }
    // And the engine's path is that full step's (its price index agrees).
    let scenario = self::region();
    let engine = Engine::new(
        &scenario.start(),
        Simulation { paths: 1, seed: 11, horizon_months: 24, variance_reduction: false },
    )
    .unwrap();
    let mut h = MonthHistograms::new(24, engine.start_value());
    let model = engine.model();
    let mut rng = crate::rng::path_rng(11, 0);
    let mut market = crate::market::MarketState::start(model);
    let kernels = model.kernels();
    for month in 0..24 {
        market.start_month(model, month, &mut rng);
        for _ in 0..model.trading_days_per_month {
            market.step(model, &kernels, &mut rng);
        }
    }
    assert_eq!(
        engine.path(0, &mut h).final_log_price_index.to_bits(),
        market.rates.log_price_index.to_bits()
    );
}

#[test]
fn the_outlook_is_the_same_on_any_thread_count() {
    let scenario = region();
    let debt = scenario.debt().cloned().unwrap();
    let model = scenario.market().cloned().unwrap();
    let simulation = Simulation { paths: 64, seed: 3, horizon_months: 36, variance_reduction: false };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate::outlook(&debt, &model, simulation))
    };
    assert_eq!(run(1), run(2));
}
