//! Invariants of the rule over random markets, flows and policies
//! (`dynamic-risk-rule.md`), each named in its assertion.

use pensionsim::rule::{Holdings, Managed, MonthEndWindow, Policy, SHARE_EPSILON, TradeKind};
use proptest::prelude::*;

/// Some valid policy: every parameter drawn from its range.
fn policy() -> impl Strategy<Value = Policy> {
    (
        (0.05..0.5f64, 1usize..=36, 0.05..0.6f64, 0.0..0.04f64, 0.0..0.03f64),
        (0.0..=1.0f64, 0.0..=1.0f64, 0.0..0.1f64, 0.0..0.2f64, 0.0..0.1f64, 0.0..50.0f64, any::<bool>()),
    )
        .prop_map(
            |((dd, window, s_eq, s_fi, buffer), (cap, target, down_h, up_band, up_h, cost, flows))| Policy {
                max_drawdown: dd,
                window_months: window,
                equity_stress: s_eq,
                fixed_income_stress: s_fi,
                buffer,
                cap,
                target,
                down_headroom: down_h,
                up_band,
                up_headroom: up_h,
                cost_bps: cost,
                flow_adjusted_high: flows,
            },
        )
}

/// A day: equity growth for two classes, fixed-income growth, an
/// optional flow, and whether it ends a month.
fn day() -> impl Strategy<Value = ((f64, f64), f64, Option<f64>, bool)> {
    (
        (0.75..1.25f64, 0.75..1.25f64),
        0.995..1.005f64,
        prop::option::weighted(0.05, -300.0..300.0f64),
        prop::bool::weighted(0.05),
    )
}

fn portfolio(policy: Policy, equity: f64, history: Vec<f64>) -> Managed {
    let holdings = Holdings {
        equity: vec![400.0 * equity, 600.0 * equity],
        fixed_income: vec![1000.0 * (1.0 - equity)],
        equity_mix: vec![0.4, 0.6],
        fixed_income_mix: vec![1.0],
    };
    let window = MonthEndWindow::from_history(policy.window_months, &history, Some(1000.0)).unwrap();
    Managed::new(policy, holdings, window)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("tests/proptest-regressions/rule_props.txt"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn invariants_hold_every_day(
        policy in policy(),
        equity in 0.0..=1.0f64,
        history in prop::collection::vec(500.0..1500.0f64, 0..30),
        days in prop::collection::vec(day(), 1..300),
    ) {
        prop_assume!(policy.check().is_empty());
        let mut m = portfolio(policy, equity, history);
        for ((g1, g2), gf, flow, month_end) in days {
            m.apply_returns(&[g1, g2], &[gf]);
            if let Some(amount) = flow {
                let value_before = m.value();
                let margin_before = m.margin();
                let unpaid = m.apply_flow(amount);
                if policy.flow_adjusted_high && unpaid == 0.0 && value_before > 0.0 && m.value() > 0.0 {
                    prop_assert!((m.margin() - margin_before).abs() < 1e-9,
                        "a flow does not move the margin when flows are adjusted");
                }
            }
            let day = m.close_day(month_end);
            let costs: f64 = day.down.iter().chain(&day.up).map(|t| t.cost).sum();
            prop_assert!((m.value() - (day.value_pre - costs)).abs() <= 1e-9 * day.value_pre.max(1.0),
                "trades conserve value less costs: {} vs {} - {}", m.value(), day.value_pre, costs);
            prop_assert!(m.equity_share() <= policy.cap + SHARE_EPSILON,
                "equity share {} never above the cap {}", m.equity_share(), policy.cap);
            if let Some(t) = &day.down {
                prop_assert_eq!(t.kind, TradeKind::Down);
                prop_assert!(t.equity_after <= day.max_equity_pre(&policy) + SHARE_EPSILON,
                    "after a down-weighting the share {} is at most the maximum {}", t.equity_after, day.max_equity_pre(&policy));
                prop_assert!(t.equity_after < t.equity_before, "a down-weighting sells");
            }
            if let Some(t) = &day.up {
                prop_assert!(month_end, "up-weightings happen only on month ends");
                prop_assert!(t.equity_after > t.equity_before, "an up-weighting buys");
                prop_assert!(t.equity_after <= policy.target + SHARE_EPSILON, "never above the target");
            }
            let h = m.holdings();
            prop_assert!(h.equity.iter().chain(&h.fixed_income).all(|x| *x >= -1e-9),
                "no holding goes negative");
            prop_assert!(m.window().month_ends().len() <= policy.window_months, "the window keeps at most its months");
        }
    }

    #[test]
    fn the_high_is_the_max_of_the_window_and_the_start_until_full(
        window in 1usize..=30,
        values in prop::collection::vec(1.0..2000.0f64, 0..60),
        start in 1.0..2000.0f64,
    ) {
        let mut w = MonthEndWindow::starting_at(window, start);
        for (i, v) in values.iter().enumerate() {
            w.push(*v);
            let seen = &values[..=i];
            let recent = &seen[seen.len().saturating_sub(window)..];
            let mut expected = recent.iter().copied().fold(f64::MIN, f64::max);
            if seen.len() < window {
                expected = expected.max(start);
            }
            prop_assert_eq!(w.high(), expected);
        }
    }
}
