//! Hand-computed cases, one per step of `dynamic-risk-rule.md`.

use super::*;

const P: Policy = Policy::DOCUMENT_DEFAULTS;

/// A two-class portfolio with a full window of `history`.
fn managed(policy: Policy, value: f64, equity: f64, history: &[f64]) -> Managed {
    let window = MonthEndWindow::from_history(policy.window_months, history, None).unwrap();
    Managed::new(policy, Holdings::two_class(value, equity), window)
}

#[track_caller]
fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn worked_example_holds() {
    // "Worked example (must hold in a unit test)": V 1477, H 1620, E 44.3 %.
    let mut m = managed(P, 1477.0, 0.443, &[1620.0; 24]);
    let pos = m.position();
    close(pos.floor, 1296.0);
    close(pos.margin, 181.0 / 1477.0);
    assert_eq!(format!("{:.2}", pos.margin * 100.0), "12.25");
    assert_eq!(format!("{:.1}", pos.max_equity_share * 100.0), "53.3");
    assert_eq!(pos.action, Action::Hold);
    assert_eq!(pos.binding, Constraint::Floor);
    // Neither trade fires on a month end either: 53.3 - 44.3 = 9.0 pp < 10 pp.
    let day = m.close_day(true);
    assert_eq!((day.down, day.up), (None, None));
}

#[test]
fn step1_returns_multiply_each_holding() {
    let mut m = managed(P, 1000.0, 0.5, &[1000.0; 24]);
    m.apply_returns(&[0.9], &[1.01]);
    close(m.value(), 450.0 + 505.0);
    close(m.equity_share(), 450.0 / 955.0);
}

#[test]
fn step4_down_weighting_sells_to_max_less_headroom() {
    // V 1000, H 1200: F 960, m 0.04, E_max 0.04/0.23; E 0.5 is above it.
    let mut m = managed(P, 1000.0, 0.5, &[1200.0; 24]);
    let day = m.close_day(false);
    let e_max = 0.04 / 0.23;
    close(day.margin_pre(), 0.04);
    close(day.max_equity_pre(&P), e_max);
    let trade = day.down.expect("a down-weighting");
    let goal = e_max - 0.05;
    close(trade.equity_before, 0.5);
    close(trade.equity_after, goal);
    close(trade.amount, (0.5 - goal) * 1000.0);
    // Step 5: 10 bp of the amount, taken from all holdings pro rata.
    close(trade.cost, trade.amount * 0.001);
    close(m.value(), 1000.0 - trade.cost);
    close(m.equity_share(), goal);
    assert_eq!(day.up, None);
}

#[test]
fn step4_sells_everything_when_the_max_is_below_the_headroom() {
    // m = (1000 - 992) / 1000 = 0.008; E_max = 0.0348 < headroom 0.05.
    let mut m = managed(P, 1000.0, 0.3, &[1240.0; 24]);
    let trade = m.close_day(false).down.unwrap();
    close(trade.equity_after, 0.0);
    close(m.holdings().equity_value(), 0.0);
}

#[test]
fn step4_cap_binds_at_a_full_margin() {
    // At the high m = 0.20, 0.20/0.23 = 0.87 is clamped to the 80 % cap.
    let mut m = managed(P, 1000.0, 0.9, &[1000.0; 24]);
    assert_eq!(m.position().binding, Constraint::Cap);
    let trade = m.close_day(false).down.unwrap();
    close(trade.equity_after, 0.75);
    close(trade.amount, 150.0);
}

#[test]
fn step3_gap_through_the_floor_is_a_breach_with_its_depth() {
    let mut m = managed(P, 1000.0, 0.8, &[1000.0; 24]);
    m.apply_returns(&[0.70], &[1.0]); // V = 560 + 200 = 760 < F = 800
    let day = m.close_day(false);
    close(day.breach_depth().unwrap(), (800.0 - 760.0) / 800.0);
    close(day.margin_pre(), -40.0 / 760.0);
    close(day.max_equity_pre(&P), 0.0);
    close(day.down.unwrap().equity_after, 0.0);
}

#[test]
fn no_breach_exactly_at_the_floor() {
    let mut m = managed(P, 800.0, 0.0, &[1000.0; 24]);
    assert_eq!(m.close_day(false).breach_depth(), None);
}

#[test]
fn step6_up_weighting_only_on_a_month_end() {
    let mut m = managed(P, 1000.0, 0.3, &[1000.0; 24]);
    assert_eq!(m.close_day(false).up, None, "not a month end");
    let trade = m.close_day(true).up.expect("an up-weighting");
    // min(target 0.8, E_max 0.8) - 0.3 = 0.5 >= 0.10: buy to min(0.8, 0.8 - 0.05).
    close(trade.equity_after, 0.75);
    close(trade.amount, 450.0);
    close(trade.cost, 0.45);
    close(m.value(), 1000.0 - 0.45);
}

#[test]
fn step6_no_up_weighting_inside_the_band() {
    // Room 0.8 - 0.71 = 0.09 < 0.10.
    let mut m = managed(P, 1000.0, 0.71, &[1000.0; 24]);
    assert_eq!(m.close_day(true).up, None);
}

#[test]
fn step6_up_weighting_buys_by_the_strategic_mix_and_sells_fixed_income_pro_rata() {
    let holdings = Holdings {
        equity: vec![100.0, 200.0],
        fixed_income: vec![350.0, 350.0],
        equity_mix: vec![0.4, 0.6],
        fixed_income_mix: vec![0.5, 0.5],
    };
    let window = MonthEndWindow::from_history(24, &[1000.0; 24], None).unwrap();
    let mut m = Managed::new(Policy { cost_bps: 0.0, ..P }, holdings, window);
    let trade = m.close_day(true).up.unwrap();
    close(trade.amount, 450.0);
    let h = m.holdings();
    close(h.equity[0], 100.0 + 0.4 * 450.0);
    close(h.equity[1], 200.0 + 0.6 * 450.0);
    close(h.fixed_income[0], 350.0 - 225.0);
}

#[test]
fn step4_proceeds_go_by_the_fixed_income_mix_when_none_is_held() {
    let holdings = Holdings {
        equity: vec![500.0, 500.0],
        fixed_income: vec![0.0, 0.0],
        equity_mix: vec![0.5, 0.5],
        fixed_income_mix: vec![0.25, 0.75],
    };
    let window = MonthEndWindow::from_history(24, &[1000.0; 24], None).unwrap();
    let mut m = Managed::new(Policy { cost_bps: 0.0, ..P }, holdings, window);
    let trade = m.close_day(false).down.unwrap(); // E 1.0 > cap 0.8: sell to 0.75
    close(trade.amount, 250.0);
    close(m.holdings().fixed_income[0], 62.5);
    close(m.holdings().fixed_income[1], 187.5);
    close(m.holdings().equity[0], 375.0);
}

#[test]
fn step6_month_end_stores_the_value_after_the_days_down_weighting_cost() {
    let mut m = managed(P, 1000.0, 0.9, &[1000.0; 24]);
    let day = m.close_day(true);
    let cost = day.down.unwrap().cost;
    close(m.window().month_ends().last().unwrap(), 1000.0 - cost);
}

#[test]
fn down_and_up_weighting_on_the_same_month_end_when_an_old_high_drops_out() {
    // The oldest month-end, 1500, is the high: F = 1200, V 1250, m = 0.04.
    let mut history = vec![1500.0];
    history.extend([1000.0; 23]);
    let mut m = managed(Policy { cost_bps: 0.0, ..P }, 1250.0, 0.5, &history);
    let day = m.close_day(true);
    let down = day.down.unwrap();
    close(down.equity_after, 0.04 / 0.23 - 0.05);
    // Storing 1250 pushes 1500 out: H = 1250, m = 0.2, E_max = 0.8.
    let up = day.up.unwrap();
    close(up.equity_after, 0.75);
    close(m.high(), 1250.0);
}

#[test]
fn flows_scale_the_window_so_the_margin_is_unchanged() {
    let mut m = managed(P, 1000.0, 0.4, &[1200.0; 24]);
    let before = m.margin();
    assert_eq!(m.apply_flow(500.0), 0.0);
    close(m.value(), 1500.0);
    close(m.high(), 1800.0);
    close(m.margin(), before);
    close(m.equity_share(), 0.4);
}

#[test]
fn without_flow_adjustment_a_deposit_adds_margin() {
    let policy = Policy { flow_adjusted_high: false, ..P };
    let mut m = managed(policy, 1000.0, 0.4, &[1200.0; 24]);
    m.apply_flow(500.0);
    close(m.high(), 1200.0);
    close(m.margin(), (1500.0 - 960.0) / 1500.0);
}

#[test]
fn a_withdrawal_beyond_the_value_pays_what_there_is() {
    let mut m = managed(P, 100.0, 0.4, &[100.0; 24]);
    close(m.apply_flow(-150.0), -50.0);
    close(m.value(), 0.0);
    // (V + c) / V = 0: the window is scaled to zero with the fund.
    close(m.high(), 0.0);
    let day = m.close_day(false);
    assert_eq!((day.down, day.up, day.breach_depth()), (None, None, None));
    // A deposit into the empty fund goes to fixed income; the month-end
    // check then buys equities, since the floor is zero.
    m.apply_flow(100.0);
    close(m.holdings().fixed_income_value(), 100.0);
    let day = m.close_day(true);
    close(day.up.unwrap().equity_after, 0.75);
}

#[test]
fn short_window_counts_the_start_value() {
    // A fund that starts at 1000 and falls 10 % by its first month-end.
    let window = MonthEndWindow::starting_at(24, 1000.0);
    let mut m = Managed::new(P, Holdings::two_class(1000.0, 0.5), window);
    m.apply_returns(&[0.8], &[1.0]);
    let day = m.close_day(true);
    close(day.high_pre, 1000.0);
    close(day.margin_pre(), (900.0 - 800.0) / 900.0);
    close(m.high(), 1000.0);
}

#[test]
fn record_counts_trades_breaches_and_drawdown() {
    let mut m = managed(P, 1000.0, 0.8, &[1000.0; 24]);
    let mut rec = PathRecord::new(1000.0);
    m.apply_returns(&[0.7], &[1.0]);
    let day = m.close_day(false);
    rec.observe(&day);
    assert_eq!((rec.downweights, rec.upweights, rec.breach_days), (1, 0, 1));
    close(rec.worst_breach, 0.05);
    close(rec.min_margin(), -40.0 / 760.0);
    close(rec.costs, day.down.unwrap().cost);
    close(rec.max_drawdown(), 1.0 - m.value() / 1000.0);
}

#[test]
fn carry_out_sells_what_the_trading_day_sells_and_shows_the_orders() {
    // Two equity classes 300 / 200 and two fixed-income classes 400 / 100:
    // V 1000 against H 1200 (F 960, m 0.04): E 0.5 > E_max 0.04 / 0.23.
    let holdings = Holdings {
        equity: vec![300.0, 200.0],
        fixed_income: vec![400.0, 100.0],
        equity_mix: vec![0.5, 0.5],
        fixed_income_mix: vec![0.5, 0.5],
    };
    let window = MonthEndWindow::from_history(24, &[1200.0; 24], None).unwrap();
    let fund = Managed::new(P, holdings, window);
    let Action::Sell { amount, cost, .. } = fund.position().action else { panic!("a sale") };

    let mut carried = fund.clone();
    let (trade, orders) = carried.carry_out().expect("a sale");
    let mut by_day = fund.clone();
    let day = by_day.close_day(false);
    assert_eq!(Some(trade), day.down, "the same trade as the trading day's");
    assert_eq!(carried.holdings(), by_day.holdings());
    close(trade.amount, amount);
    close(trade.cost, cost);

    // By hand: sell (0.5 - (0.04 / 0.23 - 0.05)) * 1000 pro rata 3:2, the
    // proceeds to fixed income pro rata 4:1, before the cost.
    let sale = (0.5 - (0.04 / 0.23 - 0.05)) * 1000.0;
    close(orders.equity[0], 300.0 - sale * 0.6);
    close(orders.equity[1], 200.0 - sale * 0.4);
    close(orders.fixed_income[0], 400.0 + sale * 0.8);
    close(orders.fixed_income[1], 100.0 + sale * 0.2);
    close(carried.value(), 1000.0 - sale * 0.001);
}

#[test]
fn carry_out_buys_by_the_strategic_mix_and_holds_when_asked_to() {
    // V 1000 at its high (m 0.2, E_max capped at 0.8), E 0.3: room 0.5, buy to 0.75.
    let holdings = Holdings {
        equity: vec![150.0, 150.0],
        fixed_income: vec![700.0],
        equity_mix: vec![0.25, 0.75],
        fixed_income_mix: vec![1.0],
    };
    let window = MonthEndWindow::from_history(24, &[1000.0; 24], None).unwrap();
    let mut fund = Managed::new(P, holdings, window);
    assert!(matches!(fund.position().action, Action::MayBuy { .. }));
    let (trade, orders) = fund.carry_out().expect("a buy");
    assert_eq!(trade.kind, TradeKind::Up);
    close(trade.amount, 450.0);
    close(orders.equity[0], 150.0 + 450.0 * 0.25);
    close(orders.equity[1], 150.0 + 450.0 * 0.75);
    close(orders.fixed_income[0], 250.0);

    let mut hold = managed(P, 1477.0, 0.443, &[1620.0; 24]);
    assert_eq!(hold.carry_out(), None);
}
