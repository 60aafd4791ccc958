//! A second, deliberately plain implementation of the rule and the replay
//! conventions, written from `dynamic-risk-rule.md` alone: scalars, no
//! caching, the high recomputed from scratch every day, its own CSV
//! reading. The library must agree with it to the day and to 1e-9 over
//! real crashes; two correct implementations of the document do.

#![allow(
    clippy::disallowed_methods,
    reason = "a reference written from the documents alone, in the platform's arithmetic, which the library agrees with to 1e-9"
)]

use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};
use pensionsim::prices::PriceSeries;
use pensionsim::replay::{FixedIncome, ReplayConfig, replay};
use pensionsim::rule::Policy;

#[derive(Debug, PartialEq)]
struct Outcome {
    trades: Vec<(NaiveDate, &'static str, f64)>,
    breach_days: usize,
    min_margin: f64,
    final_value: f64,
}

fn read_djia() -> Vec<(NaiveDate, f64)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/djia_daily_1885_2023.csv");
    let text = std::fs::read_to_string(path).expect("data/djia_daily_1885_2023.csv is shipped");
    text.lines()
        .skip(1)
        .map(|line| {
            let (d, p) = line.split_once(',').expect("two columns");
            (d.parse().expect("a date"), p.parse().expect("a price"))
        })
        .collect()
}

/// The document's replay, step by step, with the defaults unless `p` says otherwise.
fn reference(
    rows: &[(NaiveDate, f64)],
    from: &str,
    to: &str,
    start_equity: f64,
    fi_rate: f64,
    p: &Policy,
) -> Outcome {
    let from: NaiveDate = from.parse().unwrap();
    let to: NaiveDate = to.parse().unwrap();
    let first = rows.iter().position(|r| r.0 >= from).unwrap();
    let last = rows.iter().rposition(|r| r.0 <= to).unwrap();
    let start = 1000.0;
    let mut eq = start * start_equity;
    let mut fi = start - eq;
    let mut month_ends: Vec<f64> = Vec::new();
    let high = |month_ends: &Vec<f64>| -> f64 {
        let n = p.window_months;
        let recent = &month_ends[month_ends.len().saturating_sub(n)..];
        let mut h = recent.iter().copied().fold(f64::MIN, f64::max);
        if month_ends.len() < n {
            h = h.max(start);
        }
        h
    };
    let e_max = |m: f64| {
        ((m - p.buffer - p.fixed_income_stress) / (p.equity_stress - p.fixed_income_stress)).clamp(0.0, p.cap)
    };
    let mut out = Outcome { trades: vec![], breach_days: 0, min_margin: f64::INFINITY, final_value: 0.0 };
    for i in first + 1..=last {
        let (date, price) = rows[i];
        // Step 1.
        eq *= price / rows[i - 1].1;
        let days = (date - rows[i - 1].0).num_days() as f64;
        fi *= (1.0 + fi_rate).powf(days / 365.0);
        // Step 3.
        let v = eq + fi;
        let f = (1.0 - p.max_drawdown) * high(&month_ends);
        let m = (v - f) / v;
        if v < f {
            out.breach_days += 1;
        }
        out.min_margin = out.min_margin.min(m);
        // Steps 4 and 5.
        if eq / v > e_max(m) + 1e-10 {
            let goal = (e_max(m) - p.down_headroom).max(0.0);
            let sell = eq - goal * v;
            eq -= sell;
            fi += sell;
            let keep = (v - sell * p.cost_bps / 1e4) / v;
            eq *= keep;
            fi *= keep;
            out.trades.push((date, "down", eq / (eq + fi)));
        }
        // Step 6: a month end when the next row (or, for the last row, the
        // next weekday) is in another month.
        let next = match rows.get(i + 1) {
            Some(r) => r.0,
            None => {
                let mut d = date.succ_opt().unwrap();
                while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                    d = d.succ_opt().unwrap();
                }
                d
            }
        };
        if next.month() != date.month() {
            let v = eq + fi;
            month_ends.push(v);
            let f = (1.0 - p.max_drawdown) * high(&month_ends);
            let emax = e_max((v - f) / v);
            let e = eq / v;
            if p.target.min(emax) - e >= p.up_band - 1e-10 {
                let goal = e.max(p.target.min(emax - p.up_headroom));
                if goal > e + 1e-10 {
                    let buy = goal * v - eq;
                    eq += buy;
                    fi -= buy;
                    let keep = (v - buy * p.cost_bps / 1e4) / v;
                    eq *= keep;
                    fi *= keep;
                    out.trades.push((date, "up", eq / (eq + fi)));
                }
            }
        }
    }
    out.final_value = eq + fi;
    out
}

fn library(from: &str, to: &str, start_equity: f64, fi_rate: f64, policy: &Policy) -> Outcome {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/djia_daily_1885_2023.csv");
    let prices = PriceSeries::load(&path, "date", "close").unwrap();
    let config = ReplayConfig {
        from: Some(from.parse().unwrap()),
        to: Some(to.parse().unwrap()),
        start_value: 1000.0,
        start_equity,
        policy: *policy,
        fixed_income: FixedIncome::Rate(fi_rate),
        window: None,
    };
    let r = replay(&prices, &config).unwrap();
    let mut trades = Vec::new();
    for d in &r.days {
        for (t, kind) in [(&d.day.down, "down"), (&d.day.up, "up")] {
            if let Some(t) = t {
                trades.push((d.date, kind, t.equity_after));
            }
        }
    }
    Outcome {
        trades,
        breach_days: r.summary.breach_days,
        min_margin: r.summary.min_margin,
        final_value: r.summary.final_value,
    }
}

#[track_caller]
fn agree(from: &str, to: &str, start_equity: f64, fi_rate: f64, policy: Policy) {
    let rows = read_djia();
    let a = reference(&rows, from, to, start_equity, fi_rate, &policy);
    let b = library(from, to, start_equity, fi_rate, &policy);
    assert!(!a.trades.is_empty(), "the window should make the rule trade");
    assert_eq!(a.trades.len(), b.trades.len(), "reference {:?}\nlibrary {:?}", a.trades, b.trades);
    for (x, y) in a.trades.iter().zip(&b.trades) {
        assert_eq!((x.0, x.1), (y.0, y.1));
        assert!((x.2 - y.2).abs() < 1e-9, "{x:?} vs {y:?}");
    }
    assert_eq!(a.breach_days, b.breach_days);
    assert!((a.min_margin - b.min_margin).abs() < 1e-9);
    assert!(
        (a.final_value - b.final_value).abs() < 1e-9 * a.final_value,
        "{} vs {}",
        a.final_value,
        b.final_value
    );
}

#[test]
fn agrees_over_2007_to_2009() {
    agree("2007-06-01", "2009-12-31", 0.8, 0.02, Policy::DOCUMENT_DEFAULTS);
}

#[test]
fn agrees_over_1987() {
    agree("1987-01-01", "1987-12-31", 0.8, 0.02, Policy::DOCUMENT_DEFAULTS);
}

#[test]
fn agrees_over_2020() {
    agree("2020-01-01", "2020-12-31", 0.8, 0.02, Policy::DOCUMENT_DEFAULTS);
}

#[test]
fn agrees_over_1929_to_1932_with_other_parameters() {
    // Through the window roll-over (a 12-month window) and gaps through the floor.
    let policy = Policy {
        max_drawdown: 0.15,
        window_months: 12,
        equity_stress: 0.30,
        fixed_income_stress: 0.01,
        buffer: 0.01,
        cap: 0.6,
        target: 0.55,
        down_headroom: 0.02,
        up_band: 0.05,
        up_headroom: 0.03,
        cost_bps: 25.0,
        flow_adjusted_high: true,
    };
    agree("1929-01-01", "1932-12-31", 0.5, 0.03, policy);
}

/// A pin of the library's own figures for the standard 2007-2009 replay,
/// so that any change of behaviour shows here first. The figures were
/// checked against the reference above when pinned.
#[test]
fn the_2008_replay_is_pinned() {
    let b = library("2007-06-01", "2009-12-31", 0.8, 0.02, &Policy::DOCUMENT_DEFAULTS);
    let downs = b.trades.iter().filter(|t| t.1 == "down").count();
    let ups = b.trades.iter().filter(|t| t.1 == "up").count();
    assert_eq!((downs, ups, b.breach_days), (15, 10, 0));
    assert_eq!(format!("{:.4}", b.final_value), "896.1265");
    assert_eq!(format!("{:.6}", b.min_margin), "0.018569");
}
