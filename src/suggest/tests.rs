//! The suggestion by hand: the design document's worked example, an exact
//! sale, market moves that land on the rule's thresholds when applied to
//! the portfolio, and an outlook that a replay of its paths reproduces.

use chrono::NaiveDate;

use super::*;
use crate::rule::{Action, Constraint, Holdings, MonthEndWindow, Policy};
use crate::scenario::fixtures::{parse, shipped, shipped_text, with_flat_history as scenario};
use crate::stats::MonthHistograms;

const P: Policy = Policy::DOCUMENT_DEFAULTS;

fn two_class(value: f64, equity: f64, high: f64) -> Managed {
    let window = MonthEndWindow::from_history(24, &[high; 24], None).unwrap();
    Managed::new(P, Holdings::two_class(value, equity), window)
}

/// A portfolio of two equity and two fixed-income classes.
fn four_class(equity: [f64; 2], fixed: [f64; 2], high: f64) -> Managed {
    let holdings = Holdings {
        equity: equity.to_vec(),
        fixed_income: fixed.to_vec(),
        equity_mix: vec![0.4, 0.6],
        fixed_income_mix: vec![0.5, 0.5],
    };
    Managed::new(P, holdings, MonthEndWindow::from_history(24, &[high; 24], None).unwrap())
}

#[track_caller]
fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() < tol, "{a} != {b}");
}

/// Every equity class moved by `1 + r`, then the trading day closed.
fn day_after(fund: &Managed, r: f64, month_end: bool) -> crate::rule::Day {
    let mut copy = fund.clone();
    let growth = vec![1.0 + r; copy.holdings().equity.len()];
    let flat = vec![1.0; copy.holdings().fixed_income.len()];
    copy.apply_returns(&growth, &flat);
    copy.close_day(month_end)
}

#[test]
fn the_worked_example_holds_and_asks_for_no_trade() {
    // Design document: V 1,477, H 1,620: F 1,296, m 181 / 1,477 = 12.25 %,
    // E_max 53.3 %; E 44.3 %: neither trade.
    let s = scenario([0.443 * 1477.0 * 0.4, 0.443 * 1477.0 * 0.6, 0.557 * 1477.0], 1620.0);
    let out = suggest(&s, 50, 1);
    let pos = out.position;
    close(pos.value, 1477.0, 1e-9);
    close(pos.floor, 1296.0, 1e-9);
    close(pos.margin, 181.0 / 1477.0, 1e-12);
    close(pos.margin_amount, 181.0, 1e-9);
    assert_eq!(format!("{:.2}", pos.margin * 100.0), "12.25");
    assert_eq!(format!("{:.1}", pos.max_equity_share * 100.0), "53.3");
    assert_eq!(pos.action, Action::Hold);
    assert_eq!(pos.binding, Constraint::Floor);
    assert_eq!(out.trade, None);
    assert_eq!(out.moves_from, MovesFrom::Today);
    close(out.room_to_max, 181.0 / 1477.0 / 0.23 - 0.443, 1e-12);
    close(out.room_to_cap, 0.80 - 0.443, 1e-12);
    close(out.up_room, out.room_to_max, 1e-15);
    assert!(out.up_room < P.up_band, "53.3 - 44.3 = 9.0 points < 10");
    assert_eq!(out.high_date, NaiveDate::from_ymd_opt(2025, 8, 31), "the latest of equal highs");
    assert_eq!(out.month_ends.len(), 24);
}

#[test]
fn the_region_on_31_august_2025_holds_with_a_margin_of_12_3_percent() {
    let out = suggest(&shipped(), 50, 1);
    let pos = out.position;
    // Interim report: margin 12.3 %, computed maximum about 54 %.
    assert_eq!(format!("{:.1}", pos.margin * 100.0), "12.3");
    assert_eq!(format!("{:.1}", pos.max_equity_share * 100.0), "53.6");
    assert_eq!(pos.action, Action::Hold);
    close(pos.high, 1619.0, 1e-12);
    assert_eq!(out.high_date, NaiveDate::from_ymd_opt(2025, 1, 31));
}

#[test]
fn a_portfolio_above_its_maximum_gets_the_exact_sale() {
    // V 1,000 (300 + 300 equities, 400 fixed income) under a high of 1,100:
    // F 880, m 0.12, E_max 0.12 / 0.23 = 0.5217; E 0.60 is above it. Sell
    // to E_max - 5 points: 600 - 1,000 (0.12 / 0.23 - 0.05) = 128.2609 mkr,
    // pro rata 64.1304 from each equity class, all of it to fixed income;
    // cost 10 bp = 0.1283 mkr.
    let s = scenario([300.0, 300.0, 400.0], 1100.0);
    let out = suggest(&s, 50, 1);
    let sale = 600.0 - 1000.0 * (0.12 / 0.23 - 0.05);
    close(sale, 128.260_869_565, 1e-8);
    match out.position.action {
        Action::Sell { to_share, amount, cost } => {
            close(to_share, 0.12 / 0.23 - 0.05, 1e-12);
            close(amount, sale, 1e-9);
            close(cost, sale * 0.001, 1e-12);
        }
        other => panic!("expected a sale, got {other:?}"),
    }
    let plan = out.trade.expect("a trade");
    assert_eq!(plan.kind, TradeKind::Down);
    close(plan.amount, sale, 1e-9);
    close(plan.cost, sale * 0.001, 1e-12);
    let change: Vec<f64> = plan.orders.iter().map(|o| o.change).collect();
    close(change[0], -sale / 2.0, 1e-9);
    close(change[1], -sale / 2.0, 1e-9);
    close(change[2], sale, 1e-9);
    assert_eq!(plan.orders[0].asset_class, "swedish_equity");
    // After the cost, taken pro rata: value 1,000 - cost.
    let after: f64 = plan.orders.iter().map(|o| o.holding_after).sum();
    close(after, 1000.0 - sale * 0.001, 1e-9);
    close(plan.equity_after, 0.12 / 0.23 - 0.05, 1e-12);
    assert!(out.room_to_max < 0.0);
    // The moves are those after the sale: the next down-weighting.
    assert_eq!(out.moves_from, MovesFrom::AfterSale);
    let mut after = s.managed();
    after.carry_out();
    assert_eq!(out.moves, moves(&after));
    let x = out.moves.downweight_fall.unwrap();
    assert!(x > 0.0);
    assert!(day_after(&after, -(x + 1e-9), false).down.is_some());
    assert!(day_after(&after, -(x - 1e-9), false).down.is_none());
    assert_eq!(downweight_fall(&s.managed()), Some(0.0), "before the sale: required already");
}

#[test]
fn an_up_weighting_buys_by_the_strategic_mix() {
    // V 1,000 at its high: m 0.20, E_max capped at 80 %; E 0.30: room 50
    // points, buy to 75 %: 450 mkr, 40 % Swedish, 60 % global.
    let s = scenario([150.0, 150.0, 700.0], 1000.0);
    let plan = suggest(&s, 50, 1).trade.expect("a buy");
    assert_eq!(plan.kind, TradeKind::Up);
    close(plan.amount, 450.0, 1e-9);
    close(plan.orders[0].change, 180.0, 1e-9);
    close(plan.orders[1].change, 270.0, 1e-9);
    close(plan.orders[2].change, -450.0, 1e-9);
}

#[test]
fn the_down_weighting_fall_lands_on_the_threshold() {
    let funds = [
        shipped().managed(),
        two_class(1477.0, 0.443, 1620.0),
        two_class(1000.0, 0.80, 1000.0),
        four_class([120.0, 380.0], [450.0, 50.0], 1050.0),
        Managed::new(
            Policy { buffer: 0.02, fixed_income_stress: 0.01, ..P },
            Holdings::two_class(1000.0, 0.3),
            MonthEndWindow::from_history(24, &[1100.0; 24], None).unwrap(),
        ),
    ];
    for (i, fund) in funds.iter().enumerate() {
        let x = downweight_fall(fund).expect("a fall that triggers");
        assert!(x > 0.0 && x < 1.0, "fund {i}: {x}");
        assert!(day_after(fund, -(x + 1e-9), false).down.is_some(), "fund {i}: just past {x} must sell");
        assert!(day_after(fund, -(x - 1e-9), false).down.is_none(), "fund {i}: just short of {x} must not");
    }
    // The region: 6.3 % by hand. E 654.49, V 1,477.4, F 1,295.2:
    // 654.49 (1 - x) 0.77... solve (e (1 - x)) 0.23 = (V - e x) - F.
    let f = &funds[0];
    let (e, v, floor) = (654.49, 1477.4, 1295.2);
    close(downweight_fall(f).unwrap(), (v - floor - 0.23 * e) / (e * 0.77), 1e-8);
}

#[test]
fn the_floor_fall_lands_on_the_floor() {
    for fund in [
        shipped().managed(),
        two_class(1477.0, 0.443, 1620.0),
        four_class([300.0, 200.0], [400.0, 100.0], 1150.0),
    ] {
        let x = floor_fall(&fund).expect("reachable");
        assert!(day_after(&fund, -(x + 1e-9), false).breach_depth().is_some(), "past {x}: under the floor");
        assert!(day_after(&fund, -(x - 1e-9), false).breach_depth().is_none(), "short of {x}: above it");
    }
    // The worked example: 181 / (0.443 * 1,477) = 27.66 %.
    close(floor_fall(&two_class(1477.0, 0.443, 1620.0)).unwrap(), 181.0 / (0.443 * 1477.0), 1e-12);
    // Too little equity to reach the floor.
    assert_eq!(floor_fall(&two_class(1000.0, 0.10, 1100.0)), None);
    assert_eq!(downweight_fall(&two_class(1000.0, 0.0, 1100.0)), None);
}

#[test]
fn the_up_weighting_rise_lands_on_the_threshold() {
    let funds = [
        shipped().managed(),
        two_class(1477.0, 0.443, 1620.0),
        two_class(1000.0, 0.20, 1300.0),
        four_class([120.0, 180.0], [450.0, 250.0], 1150.0),
    ];
    for (i, fund) in funds.iter().enumerate() {
        let y = upweight_rise(fund).expect("a rise that up-weights");
        assert!(y > 0.0, "fund {i}");
        assert!(day_after(fund, y + 1e-9, true).up.is_some(), "fund {i}: just past {y} must buy");
        assert!(day_after(fund, y - 1e-9, true).up.is_none(), "fund {i}: just short of {y} must not");
    }
    // The region by hand: the month-end drops 1,290 (Sep 2023), the high
    // stays 1,619, F 1,295.2; fixed income f = 822.91. Room
    // (1 - F/u) / 0.23 - (1 - f/u) reaches 10 points at
    // u = (F / 0.23 - f) / (1 / 0.23 - 1.1), a rise of (u - V) / e.
    let u = (1295.2 / 0.23 - 822.91) / (1.0 / 0.23 - 1.1);
    close(upweight_rise(&funds[0]).unwrap(), (u - 1477.4) / 654.49, 1e-9);
    // Nothing to do at the month-end anyway: 0. Fully in equities: no rise helps.
    assert_eq!(upweight_rise(&two_class(1000.0, 0.30, 1000.0)), Some(0.0));
    assert_eq!(upweight_rise(&two_class(1000.0, 0.0, 1300.0)), None);
}

#[test]
fn a_dollar_move_moves_only_the_unhedged_global_equities() {
    let s = shipped();
    let fund = s.managed();
    let global = [false, true];
    let moved = currency_moved(&fund, &global, 0.0, -0.10);
    close(moved.holdings().equity[0], 261.80, 1e-9);
    close(moved.holdings().equity[1], 392.69 * 0.9, 1e-9);
    close(moved.holdings().fixed_income[0], 822.91, 1e-9);
    let half = currency_moved(&fund, &global, 0.5, -0.10);
    close(half.holdings().equity[1], 392.69 * 0.9f64.sqrt(), 1e-9);

    let table = suggest(&s, 50, 1).currency.expect("a market");
    assert_eq!(table.rows.len(), CURRENCY_MOVES.len());
    let falls: Vec<f64> = table.rows.iter().map(|r| r.moves.downweight_fall.unwrap()).collect();
    assert_eq!(table.rows[2].moves, moves(&fund), "no currency move: the plain figures");
    assert!(falls.windows(2).all(|w| w[0] < w[1]), "a weaker dollar leaves less room: {falls:?}");
    // Each row's fall, applied on top of its currency move, lands on the threshold.
    for row in &table.rows {
        let moved = currency_moved(&fund, &global, 0.0, row.sek_per_usd);
        let x = row.moves.downweight_fall.unwrap();
        assert!(day_after(&moved, -(x + 1e-9), false).down.is_some(), "{row:?}");
        assert!(day_after(&moved, -(x - 1e-9), false).down.is_none(), "{row:?}");
    }
}

#[test]
fn the_outlook_agrees_with_a_replay_of_its_paths() {
    let s = shipped();
    let out = outlook(&s, 300, 7).expect("a market");
    let sim = Simulation { paths: 300, seed: 7, horizon_months: 12, variance_reduction: false };
    let engine = Engine::new(&s.start(), sim).unwrap();
    let mut h = MonthHistograms::new(12, engine.start_value());
    let (mut d1, mut d3, mut d12, mut breach, mut e3, mut e12) = (0, 0, 0, 0, 0.0, 0.0);
    for path in 0..300 {
        let p = engine.path(path, &mut h);
        match p.first_downweight_month {
            Some(0) => (d1, d3, d12) = (d1 + 1, d3 + 1, d12 + 1),
            Some(1 | 2) => (d3, d12) = (d3 + 1, d12 + 1),
            Some(3..=11) => d12 += 1,
            _ => {}
        }
        breach += usize::from(p.first_breach_month.is_some());
        e3 += p.equity_share_3m;
        e12 += p.equity_share_12m;
    }
    assert_eq!(out.p_downweight_1m, d1 as f64 / 300.0);
    assert_eq!(out.p_downweight_3m, d3 as f64 / 300.0);
    assert_eq!(out.p_downweight_12m, d12 as f64 / 300.0);
    assert_eq!(out.p_breach_12m, breach as f64 / 300.0);
    close(out.equity_share_3m, e3 / 300.0, 1e-12);
    close(out.equity_share_12m, e12 / 300.0, 1e-12);
    let p = out.p_downweight_12m;
    close(out.p_downweight_12m_se, (p * (1.0 - p) / 300.0).sqrt(), 1e-15);
    assert!(out.p_downweight_1m <= out.p_downweight_3m && out.p_downweight_3m <= out.p_downweight_12m);
    assert!(out.p_downweight_12m > 0.0, "a year on a two-regime market sees some down-weightings");
    assert_eq!((out.paths, out.seed, out.months), (300, 7, 12));
    // The run's own summary of the same paths says the same.
    let stats = crate::stats::summarize(&engine.run(&|_| {}).paths, engine.start_value(), 12);
    assert_eq!((stats.p_downweight, stats.p_breach_12m), (out.p_downweight_12m, out.p_breach_12m));
}

#[test]
fn a_portfolio_over_its_maximum_down_weights_on_the_first_day_of_most_paths() {
    // Far above its maximum (E 0.60 against 0.52): a day's move is rarely
    // large enough to bring it back under, so month 1 sees the sale.
    let out = outlook(&scenario([300.0, 300.0, 400.0], 1100.0), 200, 3).unwrap();
    assert!(out.p_downweight_1m > 0.99, "{out:?}");
}

#[test]
fn without_a_market_there_is_no_outlook_and_no_currency_table() {
    let text = shipped_text();
    let s = parse(&text[..text.find("\n[market]").unwrap()]);
    let out = suggest(&s, 50, 1);
    assert_eq!(out.outlook, None);
    assert_eq!(out.currency, None);
    assert!(out.moves.downweight_fall.is_some());
}
