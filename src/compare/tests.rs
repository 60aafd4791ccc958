//! Comparison tests: the same market under every strategy, paired
//! intervals against differences known exactly or in closed form, and
//! the strategies that are not the rule against their defining property.

#![allow(clippy::disallowed_methods, reason = "tests build expected figures in the platform's arithmetic")]

use std::path::Path;

use super::metrics::Z95;
use super::steer::Mixed;
use super::*;
use crate::compare::consolidation;
use crate::engine::{Check, Steer};
use crate::rng::path_rng;
use crate::rule::{Holdings, MonthEndWindow, Policy};

fn scenario(file: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
    Scenario::load(&path).unwrap().scenario
}

fn sim(paths: usize, months: usize) -> Simulation {
    Simulation { paths, seed: 7, horizon_months: months, variance_reduction: false }
}

fn key(k: &str) -> usize {
    metrics().iter().position(|m| m.key == k).unwrap()
}

#[test]
fn every_strategy_sees_the_same_market_bit_for_bit() {
    // The region's scenario has stochastic inflation: each path's price
    // index depends on every draw of every day, in order, so equal bits
    // mean equal markets. The default set covers the group (the rule
    // checked daily) and the scalar mode (everything else).
    let s = scenario("rjh-2025-08.toml");
    let set = default_set(&s.policy());
    let c = simulate(&s, &set, sim(64, 24), &|_| {}).unwrap();
    assert_eq!(c.paths.len(), set.len());
    for (name, paths) in set.iter().map(|s| &s.name).zip(&c.paths) {
        for (p, (a, b)) in paths.iter().zip(&c.buy_and_hold).enumerate() {
            assert_eq!(
                a.final_log_price_index.to_bits(),
                b.final_log_price_index.to_bits(),
                "{name}, path {p}"
            );
        }
    }
    // The listed buy-and-hold is the reference one, bit for bit.
    let listed = set.iter().position(|s| s.kind == Kind::BuyAndHold).unwrap();
    assert_eq!(c.paths[listed], c.buy_and_hold);
    // And the strategies do differ.
    assert_ne!(c.paths[0], c.paths[listed]);
}

#[test]
fn two_identical_strategies_differ_by_exactly_zero_with_an_interval_of_width_zero() {
    let s = scenario("rjh-2025-08.toml");
    let same = |name: &str| Strategy {
        name: name.into(),
        kind: Kind::Rule { policy: s.policy(), check: Check::Daily },
    };
    let weekly = |name: &str| Strategy {
        name: name.into(),
        kind: Kind::Rule { policy: s.policy(), check: Check::Weekly },
    };
    let set = vec![same("a"), same("b"), weekly("c"), weekly("d")];
    let c = simulate(&s, &set, sim(200, 36), &|_| {}).unwrap();
    let figures = evaluate(&c);
    for (m, (b, (w1, w2))) in metrics().iter().zip(figures[1].iter().zip(figures[2].iter().zip(&figures[3])))
    {
        // b against a: both the group's; d against c: both the scalar mode's.
        if b.value.is_some() {
            assert_eq!((b.diff, b.diff_lo, b.diff_hi), (Some(0.0), Some(0.0), Some(0.0)), "{}", m.key);
        }
        assert_eq!(w1.value, w2.value, "{}", m.key);
        if let (Some(x), Some(y)) = (w1.diff, w2.diff) {
            assert_eq!(x, y, "{}", m.key);
        }
    }
    // The weekly rule does differ from the daily one.
    assert_ne!(figures[2][key("trades_per_year")].diff, Some(0.0));
}

/// A market whose expected growth is known in closed form: one regime,
/// both equity factors with the same drift `MU` (their volatilities and
/// correlation do not change an expectation), the currency hedged, and a
/// short rate that stays at its mean (no volatility), so fixed income
/// grows by `1 + r dt` a day.
const MU: f64 = 0.07;
const RATE: f64 = 0.02;

fn closed_form_scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-w1.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let head = &text[..text.find("[market]").unwrap()];
    let market = format!(
        r#"[market]
shocks = "gaussian"
trading_days_per_month = 21
days_per_year = 252
initial_short_rate = {RATE}
fixed_income_duration = 0.9
hedge_ratio = 1.0
inflation = 0.02
start_regime = "only"

[[market.regime]]
name = "only"
swedish_equity = {{ mu = {MU}, vol = 0.16 }}
global_equity = {{ mu = {MU}, vol = 0.20 }}
sek_per_usd = {{ mu = 0.00, vol = 0.08 }}
short_rate = {{ kappa = 0.15, theta = {RATE}, sigma = 0.0 }}
correlation = [
  [ 1.00,  0.75, -0.30,  0.00],
  [ 0.75,  1.00, -0.30,  0.00],
  [-0.30, -0.30,  1.00,  0.00],
  [ 0.00,  0.00,  0.00,  1.00],
]
"#
    );
    let text = format!("{head}{market}");
    Scenario::parse(&path, &text, &|p| Ok(std::fs::read_to_string(p).unwrap())).unwrap().scenario
}

/// `E[V_T]` of a static mix `w` without costs, set up at the first day's
/// close from `(equity, fixed)` and rebalanced at each month end: the
/// expectation factorises day by day because each day's weights are
/// known the day before, and both equity classes have the same `a`.
fn expected_static(w: f64, equity: f64, fixed: f64, months: usize) -> f64 {
    let dt = 1.0 / 252.0;
    let a = (MU * dt).exp();
    let b = 1.0 + RATE * dt;
    let month = |days: i32| w * a.powi(days) + (1.0 - w) * b.powi(days);
    (equity * a + fixed * b) * month(20) * month(21).powi(months as i32 - 1)
}

#[test]
fn the_paired_interval_covers_the_closed_form_difference_of_two_static_mixes() {
    let s = closed_form_scenario();
    let months = 24;
    let mix =
        |name: &str, w| Strategy { name: name.into(), kind: Kind::Static { equity_share: w, cost_bps: 0.0 } };
    let set = vec![mix("40/60", 0.40), mix("70/30", 0.70)];
    let c = simulate(&s, &set, sim(4000, months), &|_| {}).unwrap();
    let figures = evaluate(&c);
    let h = Engine::new(&s.start(), sim(1, months)).unwrap().start_holdings().clone();
    let (e, f) = (h.equity_value(), h.fixed_income_value());
    let truth = expected_static(0.70, e, f, months) - expected_static(0.40, e, f, months);
    let d = figures[1][key("final_value_mean")];
    let (lo, hi) = (d.diff_lo.unwrap(), d.diff_hi.unwrap());
    // A 95 % interval: its half-width is 1.96 standard errors of the mean
    // paired difference (about 2.5 mkr here, against a true 52 mkr).
    assert!(lo <= truth && truth <= hi, "true difference {truth} outside [{lo}, {hi}]");
    assert!(truth > 20.0, "the mixes should differ clearly, {truth}");
    // Each value alone against its own closed form, at its own standard error.
    for (i, w) in [(0, 0.40), (1, 0.70)] {
        let v = figures[i][key("final_value_mean")];
        let want = expected_static(w, e, f, months);
        assert!((v.value.unwrap() - want).abs() < 3.0 * v.se.unwrap(), "{w}: {v:?} vs {want}");
    }
    // Common random numbers pay: the paired interval is far narrower than
    // one built from the two standard errors as if independent.
    let (a, b) =
        (figures[0][key("final_value_mean")].se.unwrap(), figures[1][key("final_value_mean")].se.unwrap());
    let independent = 2.0 * Z95 * (a * a + b * b).sqrt();
    assert!(hi - lo < 0.5 * independent, "paired {} vs independent {independent}", hi - lo);
}

#[test]
fn a_trading_cost_is_exactly_what_separates_a_strategy_from_itself_without_it() {
    // The same rule with and without costs on the same futures: trades are
    // decided on values the cost moves a little, but the costs paid are
    // the figure's whole difference from zero.
    let s = scenario("rjh-2025-08.toml");
    let free = Policy { cost_bps: 0.0, ..s.policy() };
    let set = vec![
        Strategy { name: "costly".into(), kind: Kind::Rule { policy: s.policy(), check: Check::Daily } },
        Strategy { name: "free".into(), kind: Kind::Rule { policy: free, check: Check::Daily } },
    ];
    let c = simulate(&s, &set, sim(300, 24), &|_| {}).unwrap();
    let figures = evaluate(&c);
    let costs = figures[1][key("costs_per_year")];
    assert_eq!(costs.value, Some(0.0));
    let paid = figures[0][key("costs_per_year")].value.unwrap();
    assert!(paid > 0.0);
    assert!((costs.diff.unwrap() + paid).abs() < 1e-12);
    assert!(costs.diff_lo.unwrap() < costs.diff.unwrap() && costs.diff.unwrap() < costs.diff_hi.unwrap());
    assert!(figures[1][key("mean_annual_return")].diff.unwrap() > 0.0, "no costs, more return");
}

#[test]
fn the_figures_that_are_the_engines_agree_with_its_statistics() {
    let s = scenario("rjh-2025-08.toml");
    let set = default_set(&s.policy());
    let c = simulate(&s, &set[..3], sim(400, 72), &|_| {}).unwrap();
    let figures = evaluate(&c);
    for (i, paths) in c.paths.iter().enumerate() {
        let st = crate::stats::summarize(paths, c.start_value, 72);
        let f = |k: &str| figures[i][key(k)].value.unwrap();
        let close =
            |a: f64, b: f64, k: &str| assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{k}: {a} vs {b}");
        close(f("mean_annual_return"), st.mean_annual_return, "mean_annual_return");
        close(f("mean_annual_real_return"), st.mean_annual_real_return, "real");
        close(f("p_breach_12m"), st.p_breach_12m, "p_breach_12m");
        close(f("p_breach_horizon"), st.p_breach_horizon, "p_breach_horizon");
        close(f("downweights_per_year"), st.downweights_per_year, "down");
        close(f("upweights_per_year"), st.upweights_per_year, "up");
        close(f("costs_per_year"), st.costs_per_year, "costs");
        close(f("p_cash_lock"), st.p_cash_lock, "cash lock");
        close(f("p_downweight"), st.p_downweight, "p_downweight");
        close(f("p_rolling_5y_real_target"), st.p_rolling_5y_real_target.unwrap(), "rolling");
        close(f("cvar95_12m_return"), st.cvar95_12m_return, "cvar");
        close(f("var95_12m_return"), st.var95_12m_return, "var");
        close(f("final_value_p50"), st.final_value.p50, "p50");
        close(f("final_value_p5"), st.final_value.p5, "p5");
        close(f("max_drawdown_p95"), st.max_drawdown.p95, "max drawdown p95");
        if let Some(p) = st.p_rebuilt {
            close(f("p_rebuilt"), p, "rebuilt");
        }
        assert!(figures[i][key("p_rolling_5y_real_target")].se.is_some());
    }
}

/// A two-bucket-equity portfolio of 100 at 50 % equities.
fn start() -> Holdings {
    Holdings {
        equity: vec![20.0, 30.0],
        fixed_income: vec![50.0],
        equity_mix: vec![0.4, 0.6],
        fixed_income_mix: vec![1.0],
    }
}

fn window() -> MonthEndWindow {
    MonthEndWindow::from_history(24, &[100.0; 24], None).unwrap()
}

fn cushion(floor: f64, multiplier: f64) -> Cushion {
    Cushion { floor, multiplier, cap: 1.0, band: 0.0, cost_bps: 0.0, check: Check::Daily }
}

#[test]
fn cppi_follows_its_closed_form_cushion() {
    // Every day equities +1 % and fixed income flat: after the set-up on
    // the first day, the cushion V - F grows by (1 + m r) a day while the
    // cap does not bind: C_n = C_1 (1 + 3 * 0.01)^(n - 1).
    let mut p =
        Mixed::new(&Kind::Cppi(cushion(0.9, 3.0)), &start(), Policy::DOCUMENT_DEFAULTS, window()).unwrap();
    let floor = 90.0;
    p.apply_returns(1.01, 1.01, 1.0);
    p.close_day(0, false);
    let c1 = p.value() - floor;
    assert!((c1 - (100.0 + 0.5 - floor)).abs() < 1e-12);
    assert!((p.equity_share() - 3.0 * c1 / p.value()).abs() < 1e-12);
    for n in 2..=15 {
        p.apply_returns(1.01, 1.01, 1.0);
        p.close_day(n - 1, false);
        let want = c1 * 1.03f64.powi(n as i32 - 1);
        assert!(((p.value() - floor) / want - 1.0).abs() < 1e-12, "day {n}");
        assert_eq!(p.cushion_floor(), Some(floor));
    }
}

#[test]
fn cppi_never_ends_a_day_under_its_floor_when_no_day_falls_more_than_one_over_m() {
    // The cushion property: rebalanced every day with no band and no
    // cost, V' - F = C (1 + m r) >= 0 whenever r > -1 / m, whatever the path.
    let m = 4.0;
    let mut rng = path_rng(3, 0);
    for trial in 0..50 {
        let mut p =
            Mixed::new(&Kind::Cppi(cushion(0.85, m)), &start(), Policy::DOCUMENT_DEFAULTS, window()).unwrap();
        let floor = 85.0;
        for day in 0..500 {
            // Falls down to just short of 1 / m, rises up to 5 %.
            let r = -1.0 / m + 1e-3 + rand::RngExt::random::<f64>(&mut rng) * (0.05 + 1.0 / m);
            p.apply_returns(1.0 + r, 1.0 + r, 1.0);
            p.close_day(day, (day + 1) % 21 == 0);
            // Up to rounding and the trade threshold (a move under 1e-10
            // of the value is not made).
            assert!(p.value() >= floor - 1e-7, "trial {trial}, day {day}: {} under {floor}", p.value());
        }
    }
}

#[test]
fn tipps_floor_never_falls_and_ratchets_with_the_highest_value() {
    let mut rng = path_rng(4, 0);
    let mut p = Mixed::new(
        &Kind::Tipp(Cushion { band: 0.05, cost_bps: 10.0, ..cushion(0.8, 4.0) }),
        &start(),
        Policy::DOCUMENT_DEFAULTS,
        window(),
    )
    .unwrap();
    let (mut last, mut high) = (p.cushion_floor().unwrap(), 100.0f64);
    assert_eq!(last, 80.0);
    for day in 0..2000 {
        let r = rand::RngExt::random::<f64>(&mut rng) * 0.08 - 0.04;
        p.apply_returns(1.0 + r, 1.0 + r, 1.0001);
        let d = p.close_day(day, (day + 1) % 21 == 0);
        high = high.max(d.value_pre);
        let level = p.cushion_floor().unwrap();
        assert!(level >= last, "day {day}: the floor fell from {last} to {level}");
        assert!((level - 0.8 * high).abs() < 1e-9 * high, "day {day}: floor {level}, high {high}");
        last = level;
    }
    assert!(last > 80.0, "the floor should have ratcheted up");
}

#[test]
fn a_static_mix_is_back_at_its_weights_after_every_month_end() {
    let mut rng = path_rng(5, 0);
    let kind = Kind::Static { equity_share: 0.6, cost_bps: 10.0 };
    let mut p = Mixed::new(&kind, &start(), Policy::DOCUMENT_DEFAULTS, window()).unwrap();
    let mut trades = 0;
    for day in 0..21 * 12 {
        let (a, b) = (rand::RngExt::random::<f64>(&mut rng), rand::RngExt::random::<f64>(&mut rng));
        p.apply_returns(0.97 + 0.06 * a, 0.97 + 0.06 * b, 1.0001);
        let month_end = (day + 1) % 21 == 0;
        let d = p.close_day(day, month_end);
        trades += usize::from(d.down.is_some() || d.up.is_some());
        if day == 0 || month_end {
            assert!((p.equity_share() - 0.6).abs() < 1e-12, "day {day}: {}", p.equity_share());
            if let Some(t) = d.down.or(d.up) {
                assert!((t.cost - t.amount * 0.001).abs() < 1e-12);
            }
        } else {
            assert!(d.down.is_none() && d.up.is_none(), "day {day}: a trade between month ends");
        }
    }
    assert_eq!(trades, 13, "the set-up and twelve month ends");
    // Buy and hold never trades.
    let mut hold = Mixed::new(&Kind::BuyAndHold, &start(), Policy::DOCUMENT_DEFAULTS, window()).unwrap();
    for day in 0..100 {
        hold.apply_returns(1.01, 0.99, 1.0);
        let d = hold.close_day(day, (day + 1) % 21 == 0);
        assert!(d.down.is_none() && d.up.is_none());
    }
    assert!((hold.value() - (20.0 * 1.01f64.powi(100) + 30.0 * 0.99f64.powi(100) + 50.0)).abs() < 1e-9);
}

fn problems(text: &str, only: bool) -> Vec<crate::error::Problem> {
    match parse(Path::new("s.toml"), text, &Policy::DOCUMENT_DEFAULTS, only) {
        Err(crate::Error::Invalid { problems }) => problems,
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn strategies_parse_with_the_policy_as_their_default() {
    let text = r#"
[[strategy]]
name = "now"
kind = "rule"

[[strategy]]
name = "wide"
kind = "rule"
max_drawdown = 0.25
window_months = 36
check = "weekly"

[[strategy]]
name = "60/40"
kind = "static"
equity_share = 0.6

[[strategy]]
name = "hold"
kind = "buy_and_hold"

[[strategy]]
name = "tipp"
kind = "tipp"
floor = 0.9
multiplier = 5
"#;
    let list = parse(Path::new("s.toml"), text, &Policy::DOCUMENT_DEFAULTS, true).unwrap().unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(list[0].kind, Kind::Rule { policy: Policy::DOCUMENT_DEFAULTS, check: Check::Daily });
    let Kind::Rule { policy, check } = list[1].kind else { panic!() };
    assert_eq!((policy.max_drawdown, policy.window_months, check), (0.25, 36, Check::Weekly));
    assert_eq!(list[2].kind, Kind::Static { equity_share: 0.6, cost_bps: 10.0 });
    let Kind::Tipp(c) = list[4].kind else { panic!() };
    assert_eq!((c.floor, c.multiplier, c.cap, c.band), (0.9, 5.0, 0.8, 0.05));
    // A scenario without strategies has none; the default set has 16.
    assert_eq!(
        parse(Path::new("s.toml"), "name = \"x\"\n", &Policy::DOCUMENT_DEFAULTS, false).unwrap(),
        None
    );
    let set = default_set(&Policy::DOCUMENT_DEFAULTS);
    assert!(set.len() >= 11);
    assert_eq!(set[0].kind, Kind::Rule { policy: Policy::DOCUMENT_DEFAULTS, check: Check::Daily });
}

#[test]
fn bad_strategies_are_named_by_file_line_and_key() {
    let p = problems("[[strategy]]\nname = \"x\"\nkind = \"momentum\"\n", true);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].key, "strategy[0].kind");
    assert_eq!(p[0].location, crate::error::Location::LineColumn { line: 3, column: 1 });
    assert!(
        p[0].to_string().starts_with("s.toml:3:1: `strategy[0].kind`: expected one of \"rule\""),
        "{}",
        p[0]
    );

    for (body, key, expected) in [
        ("kind = \"rule\"\nmax_drawdown = 0.0", "strategy[0].max_drawdown", "strictly between 0 and 1"),
        ("kind = \"rule\"\nmax_drawdown = 1.0", "strategy[0].max_drawdown", "strictly between 0 and 1"),
        ("kind = \"rule\"\ncap = 1.2", "strategy[0].cap", "from 0 to 1"),
        ("kind = \"rule\"\nwindow_months = 0", "strategy[0].window_months", "1 to 600"),
        ("kind = \"rule\"\nwindow_months = 1.5", "strategy[0].window_months", "1 to 600"),
        ("kind = \"rule\"\ncheck = \"hourly\"", "strategy[0].check", "\"daily\", \"weekly\" or \"monthly\""),
        ("kind = \"rule\"\nflor = 0.2", "strategy[0].flor", "a key of a `rule` strategy"),
        ("kind = \"static\"\nequity_share = 1.5", "strategy[0].equity_share", "from 0 to 1"),
        ("kind = \"static\"", "strategy[0]", "an `equity_share`"),
        ("kind = \"cppi\"\nfloor = 1.0", "strategy[0].floor", "strictly between 0 and 1"),
        ("kind = \"cppi\"\nfloor = 0", "strategy[0].floor", "strictly between 0 and 1"),
        ("kind = \"tipp\"\ncap = 1.5", "strategy[0].cap", "at most 1"),
        ("kind = \"tipp\"\nmultiplier = \"4\"", "strategy[0].multiplier", "a number"),
        ("kind = \"buy_and_hold\"\ncost_bps = 5", "strategy[0].cost_bps", "no parameters"),
    ] {
        let p = problems(&format!("[[strategy]]\nname = \"x\"\n{body}\n"), true);
        assert_eq!(p.len(), 1, "{body}: {p:?}");
        assert_eq!(p[0].key, key, "{body}");
        assert!(p[0].expected.contains(expected), "{body}: {}", p[0].expected);
        assert!(
            matches!(p[0].location, crate::error::Location::LineColumn { line: 1 | 3 | 4, .. }),
            "{body}: {:?}",
            p[0].location
        );
    }
    // Two problems at once, a duplicate name, a missing kind.
    let p = problems(
        "[[strategy]]\nname = \"x\"\nkind = \"rule\"\n\n[[strategy]]\nname = \"x\"\nkind = \"rule\"\n\n[[strategy]]\nname = \"y\"\n",
        true,
    );
    assert_eq!(p.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["strategy[1].name", "strategy[2]"]);
    // A strategies file holds strategies only, and at least one.
    assert_eq!(
        problems("paths = 3\n[[strategy]]\nname = \"x\"\nkind = \"buy_and_hold\"\n", true)[0].key,
        "paths"
    );
    assert!(problems("", true)[0].expected.contains("at least one"));
}

#[test]
fn strategies_rank_best_first_by_the_chosen_figure() {
    let n = metrics().len();
    let fig = |v: Option<f64>| Figure { value: v, ..Figure::default() };
    let with = |k: &str, v: Option<f64>| {
        let mut row = vec![fig(None); n];
        row[key(k)] = fig(v);
        row
    };
    let returns = vec![
        with("mean_annual_return", Some(0.03)),
        with("mean_annual_return", None),
        with("mean_annual_return", Some(0.05)),
        with("mean_annual_return", Some(0.03)),
    ];
    // Highest return first, a tie in file order, an undefined figure last.
    assert_eq!(metrics::ranking(&returns, "mean_annual_return"), Some(vec![2, 0, 3, 1]));
    // Less is better for a breach probability.
    let breaches = vec![with("p_breach_horizon", Some(0.3)), with("p_breach_horizon", Some(0.1))];
    assert_eq!(metrics::ranking(&breaches, "p_breach_horizon"), Some(vec![1, 0]));
    assert_eq!(metrics::ranking(&breaches, "no_such_figure"), None);
}

#[test]
fn every_strategy_is_measured_against_the_scenarios_floor_at_month_ends() {
    // Buy and hold never trades, so a month-end value under the yardstick
    // floor is also a day under the floor it is measured against daily:
    // the same floor, from the same window.
    let s = scenario("rjh-2025-08.toml");
    let mut set = default_set(&s.policy());
    set.truncate(3); // the current rule and the 15 % and 25 % falls
    let c = simulate(&s, &set, sim(300, 60), &|_| {}).unwrap();
    let mut seen = 0;
    for p in &c.buy_and_hold {
        if let Some(m) = p.yardstick_breach_month {
            seen += 1;
            assert!(p.first_breach_month.is_some_and(|b| b <= m), "{p:?}");
        }
    }
    assert!(seen > 10, "buy and hold should breach on some paths, {seen}");
    // The rule with a 25 % fall is measured against the scenario's 20 %:
    // it ends more months under that floor than under its own.
    let f = evaluate(&c);
    let (own, policy) = (key("p_breach_horizon"), key("p_month_end_under_policy_floor"));
    assert!(f[2][policy].value > f[2][own].value, "{:?} vs {:?}", f[2][policy], f[2][own]);
    assert!(f[2][policy].value > f[0][policy].value);
}

#[test]
fn two_identical_strategies_reach_full_consolidation_on_exactly_the_same_paths() {
    // The region's scenario has [obligations]. "twin" is "current" under
    // another name; "drawdown-25" differs, so the paired difference can be
    // other than zero; the static mix runs on the scalar mode.
    let s = scenario("rjh-2025-08.toml");
    let rule = |name: &str, max_drawdown: f64| Strategy {
        name: name.into(),
        kind: Kind::Rule { policy: Policy { max_drawdown, ..s.policy() }, check: Check::Daily },
    };
    let set = vec![
        rule("current", s.policy().max_drawdown),
        rule("twin", s.policy().max_drawdown),
        rule("drawdown-25", s.policy().max_drawdown + 0.05),
        Strategy { name: "60/40".into(), kind: Kind::Static { equity_share: 0.6, cost_bps: 0.0 } },
    ];
    let c = consolidation::consolidation(&s, &set, 400, 7, None, &|_| {}).unwrap();
    assert_eq!((c.target_year, c.paths, c.seed), (2040, 400, 7));
    let p = |i: usize| c.strategies[i].p_full_at_target;
    let (current, twin, wider) = (p(0), p(1), p(2));
    assert!(current.value.unwrap() > 0.0 && current.value.unwrap() < 1.0, "{current:?}");
    assert_eq!(twin.value, current.value);
    assert_eq!((twin.diff, twin.diff_lo, twin.diff_hi), (Some(0.0), Some(0.0), Some(0.0)));
    assert_eq!(current.diff, Some(0.0));
    // A different rule reaches 100 % on other paths: an interval of width > 0.
    assert!(wider.diff_hi.unwrap() > wider.diff_lo.unwrap(), "{wider:?}");
    let by_subtraction = wider.value.unwrap() - current.value.unwrap();
    assert!((wider.diff.unwrap() - by_subtraction).abs() < 1e-12, "{wider:?}");
    // The static mix runs with the flows too, on the same paths.
    let stat = p(3);
    assert!(stat.value.unwrap() > 0.0 && stat.value.unwrap() < 1.0, "{stat:?}");
    assert!(stat.diff_hi.unwrap() > stat.diff_lo.unwrap(), "{stat:?}");
    // Nothing without [obligations].
    let plain = crate::scenario::fixtures::shipped_without("obligations");
    assert!(plain.obligations().is_none());
    assert!(consolidation::consolidation(&plain, &set, 8, 7, None, &|_| {}).is_none());
}

#[test]
fn the_current_rule_reaches_full_consolidation_as_the_run_outlook_says() {
    // `pensionsim run`'s outlook runs to the horizon year and counts the
    // paths at 100 % at the end of the target year; the comparison runs
    // only to the target year on the same paths and seed.
    let s = scenario("rjh-2025-08.toml");
    let ob = s.obligations().cloned().unwrap();
    let set = vec![Strategy {
        name: "current".into(),
        kind: Kind::Rule { policy: s.policy(), check: Check::Daily },
    }];
    let c = consolidation::consolidation(&s, &set, 300, 11, None, &|_| {}).unwrap();
    let o = crate::obligations::outlook(
        &s.start(),
        s.obligations().unwrap(),
        Simulation { seed: 11, ..sim(300, 12) },
        &|_| {},
    )
    .unwrap();
    assert!(o.horizon_year > o.target_year, "the outlook runs past the target");
    let f = c.strategies[0].p_full_at_target;
    assert_eq!(f.value, Some(o.p_full_at_target));
    assert_eq!(f.se, Some(o.p_full_at_target_se));
    // Every path's ratio, bit for bit: the same quantiles and mean.
    let mut ratios =
        crate::obligations::ratios_at_target(&s.start(), s.obligations().unwrap(), 300, 11, &|_| {}).unwrap();
    let target = o.years.iter().position(|y| y.year == ob.target_year).unwrap();
    assert_eq!(crate::stats::Distribution::of(&mut ratios), o.years[target].ratio);
}

#[test]
fn the_deposits_of_a_strategy_are_the_obligations_search_with_its_policy() {
    let s = scenario("rjh-2025-08.toml");
    let policy = Policy { max_drawdown: 0.25, ..s.policy() };
    let set = vec![
        Strategy { name: "current".into(), kind: Kind::Rule { policy: s.policy(), check: Check::Daily } },
        Strategy { name: "drawdown-25".into(), kind: Kind::Rule { policy, check: Check::Daily } },
        Strategy { name: "hold".into(), kind: Kind::BuyAndHold },
    ];
    let c = consolidation::consolidation(&s, &set, 300, 5, Some(200), &|_| {}).unwrap();
    let variant = s.start().with_policy(policy);
    let ob = s.obligations().unwrap();
    let direct = crate::obligations::solve_deposits(&variant, ob, 200, 5, &[0.75]).unwrap();
    let d = c.strategies[1].deposits.unwrap();
    assert_eq!(d.yearly, direct.answers[0].yearly);
    assert!(d.achieved.unwrap() >= 0.75);
    let reference = c.strategies[0].deposits.unwrap();
    assert_eq!(d.diff, Some(d.yearly.unwrap() - reference.yearly.unwrap()));
    assert_eq!(reference.diff, Some(0.0));
    // Each path's own need, the search's first two runs: the reference's
    // paired difference from itself is exactly zero.
    let need = reference.need.unwrap();
    assert_eq!((need.diff, need.diff_lo, need.diff_hi), (Some(0.0), Some(0.0), Some(0.0)));
    let own = direct.needs.iter().sum::<f64>() / direct.needs.len() as f64;
    assert!((d.need.unwrap().value.unwrap() - own).abs() < 1e-9 * own, "{:?} vs {own}", d.need);
    // Buy and hold has its deposits too, from its own search.
    let hold = c.strategies[2].deposits.unwrap();
    assert!(hold.yearly.is_some() && hold.achieved.unwrap() >= 0.75, "{hold:?}");
    let n = hold.need.unwrap();
    assert!(n.diff_lo.unwrap() < n.diff.unwrap() && n.diff.unwrap() < n.diff_hi.unwrap(), "{n:?}");
    let setting = c.deposit_search.unwrap();
    assert_eq!((setting.probability, setting.paths, setting.last_year), (0.75, 200, 2040));
}

/// A rule strategy sets every key of the scenario's `[policy]` a
/// comparison uses, each to its own field: a key added to the policy is
/// one a strategy reads.
#[test]
fn a_rule_strategy_sets_every_policy_key() {
    let want = Policy {
        max_drawdown: 0.25,
        window_months: 36,
        equity_stress: 0.3,
        fixed_income_stress: 0.01,
        buffer: 0.01,
        cap: 0.7,
        target: 0.6,
        down_headroom: 0.06,
        up_band: 0.04,
        up_headroom: 0.03,
        cost_bps: 12.0,
        ..Policy::DOCUMENT_DEFAULTS
    };
    assert_eq!(want.check(), Vec::new());
    let values = toml::Table::try_from(want).unwrap();
    let mut text = String::from("[[strategy]]\nname = \"all\"\nkind = \"rule\"\ncheck = \"monthly\"\n");
    for key in strategy::RULE_KEYS.iter().filter(|k| **k != "check") {
        text.push_str(&format!("{key} = {}\n", values[*key]));
    }
    let list = parse(Path::new("s.toml"), &text, &Policy::DOCUMENT_DEFAULTS, true).unwrap().unwrap();
    assert_eq!(list[0].kind, Kind::Rule { policy: want, check: Check::Monthly });
}

/// A market without randomness (`scenario::fixtures::flat`): a constant
/// short rate of 3 % (fixed income earns `1 + 0.03 / 252` a day) and
/// equities `exp(0.05 / 252)` a day, no inflation; an obligation of
/// `whole` mkr that neither grows nor pays (discount rate and projection
/// zero), so the ratio is the value over `whole`; 150 mkr deposited each
/// January of 2026 and 2027, the target year.
fn constant_rates(whole: f64) -> Scenario {
    let market = crate::scenario::fixtures::Flat { equity_drift: 0.05, short_rate: 0.03, inflation: 0.0 };
    let obligations = format!(
        r#"
[obligations]
provision = {whole}
contingent = 0.0
discount_rate = 0.0
target_year = 2027
horizon_year = 2028
deposits = [{{ year = 2026, amount = 150.0 }}, {{ year = 2027, amount = 150.0 }}]
projection = [
  {{ year = 2025, provision_payments = 0, provision_earnings = 0, contingent_payments = 0, contingent_earnings = 0 }},
  {{ year = 2026, provision_payments = 0, provision_earnings = 0, contingent_payments = 0, contingent_earnings = 0 }},
  {{ year = 2027, provision_payments = 0, provision_earnings = 0, contingent_payments = 0, contingent_earnings = 0 }},
  {{ year = 2028, provision_payments = 0, provision_earnings = 0, contingent_payments = 0, contingent_earnings = 0 }},
]
"#
    );
    let text = crate::scenario::fixtures::flat(market, &obligations);
    let no_files = |p: &Path| -> crate::error::Result<String> {
        Err(crate::error::Error::Read { path: p.to_path_buf(), cause: std::io::Error::other("no files") })
    };
    Scenario::parse(Path::new("constant.toml"), &text, &no_files).unwrap().scenario
}

/// The value at the end of 2027 (month 27: 28 months of 21 days from
/// September 2025) by hand, day by day, with `deposit` mkr at the start
/// of months 4 (January 2026) and 16 (January 2027): equities and fixed
/// income compound at their daily rates; a static mix `w` moves to `w`
/// at the first day's close and at every month end, at no cost; `None`
/// never trades, and a deposit goes in pro rata.
fn by_hand(w: Option<f64>, deposit: f64) -> f64 {
    let (a, b) = ((0.05f64 / 252.0).exp(), 1.0 + 0.03 / 252.0);
    let (mut e, mut f) = (400.0, 600.0);
    for month in 0..28 {
        if month == 4 || month == 16 {
            let scale = (e + f + deposit) / (e + f);
            e *= scale;
            f *= scale;
        }
        for day in 0..21 {
            e *= a;
            f *= b;
            if let Some(w) = w.filter(|_| (month == 0 && day == 0) || day == 20) {
                let v = e + f;
                e = w * v;
                f = v - e;
            }
        }
    }
    e + f
}

#[test]
fn with_constant_rates_the_road_to_full_consolidation_is_the_hand_computed_one() {
    let (fixed, hold) = (by_hand(Some(0.0), 150.0), by_hand(None, 150.0));
    // Equities earn more: buy and hold ends above all fixed income.
    assert!(hold > fixed + 10.0, "{hold} vs {fixed}");
    let whole = 0.5 * (fixed + hold);
    let s = constant_rates(whole);
    let set = vec![
        Strategy { name: "fixed income".into(), kind: Kind::Static { equity_share: 0.0, cost_bps: 0.0 } },
        Strategy { name: "hold".into(), kind: Kind::BuyAndHold },
    ];
    // Each path's ratio at the end of 2027 through the shared pass's flows.
    let made: Vec<Made> = set.iter().map(|st| made(&s, &st.kind).unwrap()).collect();
    let carries: Vec<Carry<'_>> = made.iter().map(|m| Carry::Steer(m.as_ref())).collect();
    let ob = s.obligations().unwrap();
    let ratios =
        crate::obligations::ratios_at_target_shared(&s.start(), ob, 16, 3, &carries, &|_| {}).unwrap();
    for (r, want) in ratios.iter().zip([fixed, hold]) {
        assert_eq!(r.len(), 16);
        for x in r {
            assert!((x * whole - want).abs() < 1e-9 * want, "{} vs {want}", x * whole);
        }
    }
    // The table's figures: all fixed income never gets there, buy and
    // hold always does, on every path; their paired difference is exact.
    let c = consolidation::consolidation(&s, &set, 16, 3, Some(16), &|_| {}).unwrap();
    let (p0, p1) = (c.strategies[0].p_full_at_target, c.strategies[1].p_full_at_target);
    assert_eq!((p0.value, p1.value), (Some(0.0), Some(1.0)));
    assert_eq!((p1.diff, p1.diff_lo, p1.diff_hi), (Some(1.0), Some(1.0), Some(1.0)));
    // The deposit each needs: the value is linear in the deposit, so the
    // need is the gap over the value one mkr a year adds, by hand.
    let slope = |w| by_hand(w, 1.0) - by_hand(w, 0.0);
    let need_fixed = (whole - by_hand(Some(0.0), 0.0)) / slope(Some(0.0));
    let d0 = c.strategies[0].deposits.unwrap();
    let n0 = d0.need.unwrap().value.unwrap();
    assert!((n0 - need_fixed).abs() < 1e-6 * need_fixed, "{n0} vs {need_fixed}");
    assert!((d0.yearly.unwrap() - need_fixed).abs() <= crate::obligations::TOLERANCE_MKR, "{d0:?}");
    assert!(need_fixed > 150.0, "150 mkr a year is short of it: {need_fixed}");
    let need_hold = ((whole - by_hand(None, 0.0)) / slope(None)).max(0.0);
    let n1 = c.strategies[1].deposits.unwrap().need.unwrap();
    assert!((n1.value.unwrap() - need_hold).abs() < 1e-6 * need_fixed, "{n1:?} vs {need_hold}");
    assert!((n1.diff.unwrap() - (need_hold - need_fixed)).abs() < 1e-6 * need_fixed, "{n1:?}");
    // Both are at least as likely as the first (itself) to get there; the
    // footnote names the least expected deposit of those.
    assert_eq!(c.least_deposits().map(|(i, _)| i), Some(1));
}

#[test]
fn the_least_deposits_are_among_the_strategies_at_least_as_likely_as_the_first() {
    let figure = |value: f64| Figure { value: Some(value), ..Figure::default() };
    let row = |name: &str, p: f64, need: f64| consolidation::StrategyConsolidation {
        name: name.into(),
        p_full_at_target: figure(p),
        deposits: Some(consolidation::Deposits {
            yearly: Some(need),
            total: None,
            achieved: None,
            diff: None,
            need: Some(figure(need)),
            runs: 2,
        }),
    };
    let mut c = consolidation::Consolidation {
        target_year: 2040,
        denominator: crate::obligations::Denominator::Whole,
        paths: 100,
        seed: 1,
        deposit_search: None,
        strategies: vec![row("current", 0.50, 100.0), row("cautious", 0.40, 50.0), row("bolder", 0.60, 80.0)],
    };
    // "cautious" needs the least but is less likely to get there: not it.
    assert_eq!(c.least_deposits(), Some((2, 80.0)));
    c.strategies[2].p_full_at_target = figure(0.50);
    assert_eq!(c.least_deposits(), Some((2, 80.0)), "as likely counts");
    c.strategies[2].p_full_at_target = figure(0.45);
    assert_eq!(c.least_deposits(), Some((0, 100.0)), "the first itself when no other qualifies");
}

#[test]
fn every_strategy_on_the_shared_pass_has_the_bits_of_its_own_run() {
    // The shared pass steps every strategy on one pass of each path's
    // market; each must still get the bits it gets alone: the rule checked
    // daily as the engine's group run of its policy gives them, every
    // other strategy (the rule checked weekly or monthly included) as the
    // scalar mode gives them, closing every day in full. 100 paths: a
    // partial last group.
    let s = scenario("rjh-2025-08.toml");
    let set = default_set(&s.policy());
    let simulation = sim(100, 48);
    let c = simulate(&s, &set, simulation, &|_| {}).unwrap();
    let start = s.start();
    let yardstick = crate::engine::Yardstick::of(&start);
    let base = Engine::new(&start, simulation).unwrap().with_yardstick(yardstick.clone());
    let mut weekly_trades = 0;
    for (st, paths) in set.iter().zip(&c.paths) {
        let alone = match st.kind {
            Kind::Rule { policy, check: Check::Daily } => {
                let e = Engine::new(&start.clone().with_policy(policy), simulation).unwrap();
                e.with_yardstick(yardstick.clone()).run(&|_| {}).paths
            }
            kind => {
                let make = made(&s, &kind).unwrap();
                base.run_steered(&[make.as_ref()], &|_| {}).remove(0)
            }
        };
        if matches!(st.kind, Kind::Rule { check: Check::Weekly, .. }) {
            weekly_trades = paths.iter().map(|p| p.downweights + p.upweights).sum();
        }
        for (p, (a, b)) in paths.iter().zip(&alone).enumerate() {
            assert_eq!(a, b, "{}, path {p}", st.name);
            assert_eq!(a.final_value.to_bits(), b.final_value.to_bits(), "{}, path {p}", st.name);
        }
    }
    assert!(weekly_trades > 10, "the weekly rule should trade, traded {weekly_trades}");
}

#[test]
fn every_strategy_reaches_full_consolidation_on_the_shared_pass_as_on_its_own() {
    // The ratios at the target year of one shared pass with the flows: the
    // rule checked daily as the obligations library's own run of its
    // policy, the others as the scalar mode's.
    let s = scenario("rjh-2025-08.toml");
    let ob = s.obligations().unwrap();
    let set = default_set(&s.policy());
    let start = s.start();
    let portfolios: Vec<Portfolio> = set.iter().map(|st| Portfolio::of(&s, &st.kind).unwrap()).collect();
    let carries: Vec<Carry<'_>> = portfolios.iter().map(Portfolio::carry).collect();
    let shared = crate::obligations::ratios_at_target_shared(&start, ob, 20, 5, &carries, &|_| {}).unwrap();
    for (st, ratios) in set.iter().zip(&shared) {
        let alone = match st.kind {
            Kind::Rule { policy, check: Check::Daily } => {
                crate::obligations::ratios_at_target(&start.clone().with_policy(policy), ob, 20, 5, &|_| {})
                    .unwrap()
            }
            kind => {
                let make = made(&s, &kind).unwrap();
                let steer = [Carry::Steer(make.as_ref())];
                crate::obligations::ratios_at_target_shared(&start, ob, 20, 5, &steer, &|_| {})
                    .unwrap()
                    .remove(0)
            }
        };
        let bits = |r: &[f64]| r.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(ratios), bits(&alone), "{}", st.name);
    }
}

/// Deposits and withdrawals at some month starts, one a fifth of the
/// value and indexed by the path's inflation, one larger than any
/// portfolio; five month-ends kept.
struct Flows;
impl crate::engine::Schedule for Flows {
    fn recorded_months(&self) -> &[usize] {
        &[0, 5, 17, 29, 40]
    }
    fn has_flow(&self, month: usize) -> bool {
        matches!(month, 3 | 9 | 21 | 30 | 33)
    }
    fn flow(&self, month: usize, value: f64, log_price_index: f64) -> f64 {
        match month {
            3 => 400.0,
            9 => -0.2 * value * crate::lanes::exp(log_price_index),
            21 => -150.0,
            30 => -1.0e9,
            _ => 250.0,
        }
    }
}

#[test]
fn each_strategy_on_the_lanes_gets_the_bits_of_its_own_mixed_closing_every_day() {
    // Every kind that is not the rule, with bands, check days and costs
    // that make them trade between month ends, on 13 paths (a partial
    // last group) with flows (a withdrawal of everything, and deposits
    // into the emptied portfolio): the lanes (`MixedLanes`) against each
    // lane's own `Mixed` stepped by the scalar mode, bit for bit.
    let s = scenario("rjh-2025-08.toml");
    let tight = |check, band| Cushion { floor: 0.85, multiplier: 5.0, cap: 0.9, band, cost_bps: 7.0, check };
    let kinds = [
        Kind::Static { equity_share: 0.4, cost_bps: 5.0 },
        Kind::Static { equity_share: 0.0, cost_bps: 0.0 },
        Kind::BuyAndHold,
        Kind::Cppi(tight(Check::Daily, 0.0)),
        Kind::Cppi(tight(Check::Weekly, 0.02)),
        Kind::Tipp(tight(Check::Daily, 0.01)),
        Kind::Tipp(tight(Check::Monthly, 0.0)),
    ];
    let start = s.start();
    let base = Engine::new(&start, sim(13, 44)).unwrap().with_yardstick(crate::engine::Yardstick::of(&start));
    let mut trades = 0;
    for kind in kinds {
        let portfolio = Portfolio::of(&s, &kind).unwrap();
        assert!(matches!(portfolio, Portfolio::Lanes(_)), "{kind:?}");
        let make = made(&s, &kind).unwrap();
        for flows in [None, Some(&Flows as &dyn crate::engine::Schedule)] {
            let lanes = base.run_shared(&[portfolio.carry()], flows, &|_| {}).remove(0);
            let alone = base.run_shared(&[Carry::Steer(make.as_ref())], flows, &|_| {}).remove(0);
            assert_eq!(lanes.0.len(), 13);
            assert_eq!(lanes.1.len(), if flows.is_some() { 13 * 5 } else { 0 });
            for (p, (a, b)) in lanes.0.iter().zip(&alone.0).enumerate() {
                // Debug prints every figure so that it reads back to its bits.
                assert_eq!(
                    format!("{a:?}"),
                    format!("{b:?}"),
                    "{kind:?}, flows {}, path {p}",
                    flows.is_some()
                );
                for (x, y) in [
                    (a.final_value, b.final_value),
                    (a.max_drawdown, b.max_drawdown),
                    (a.min_margin, b.min_margin),
                    (a.worst_breach, b.worst_breach),
                    (a.costs, b.costs),
                ] {
                    assert_eq!(x.to_bits(), y.to_bits(), "{kind:?}, flows {}, path {p}", flows.is_some());
                }
                trades += a.downweights + a.upweights;
            }
            for (j, (a, b)) in lanes.1.iter().zip(&alone.1).enumerate() {
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{kind:?}, record {j}");
                assert_eq!(a.unit_value.to_bits(), b.unit_value.to_bits(), "{kind:?}, record {j}");
            }
            if flows.is_some() {
                // Everything was withdrawn in month 30 and 250 deposited after.
                assert!(lanes.1.iter().skip(4).step_by(5).all(|r| r.value > 0.0 && r.value < 400.0));
            }
        }
    }
    assert!(trades > 500, "the strategies should trade between month ends, traded {trades}");
}
