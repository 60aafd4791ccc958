//! Stresses by hand (one shock day whose margin and sale are computed on
//! paper), every kind of bad input named by file and key, the shipped
//! library pinned to its figures, a replay stress against the replay
//! itself, and the conditional run's bits on one and two threads.

#![allow(clippy::disallowed_methods, reason = "tests build expected figures in the platform's arithmetic")]

use std::path::PathBuf;

use chrono::NaiveDate;

use super::*;
use crate::replay::{FixedIncome, ReplayConfig, replay};
use crate::scenario::fixtures::{shipped, with_flat_history as scenario};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stress(name: &str, text: &str) -> StressFile {
    file::parse(&root().join("scenarios/stress").join(format!("{name}.toml")), text).unwrap()
}

fn problems(name: &str, text: &str) -> String {
    match file::parse(&root().join("scenarios/stress").join(format!("{name}.toml")), text) {
        Ok(_) => panic!("{name} should not parse"),
        Err(e) => e.to_string(),
    }
}

fn library(name: &str) -> StressFile {
    file::load(&root().join("scenarios/stress").join(format!("{name}.toml"))).unwrap()
}

const OPTIONS: RunOptions = RunOptions { paths: 64, seed: 7 };

#[track_caller]
fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} != {b}");
}

/// A flat market with no carry: rates, spread and inflation at zero.
const FLAT: &str = "title = { en = \"t\", sv = \"t\" }\nsource = \"by hand\"\nkind = \"shocks\"\nend = 2025-09-05\n\
                    [base]\nshort_rate = 0.0\ncredit_spread = 0.0\ninflation = 0.0\n";

#[test]
fn one_shock_day_gives_the_margin_and_the_sale_computed_by_hand() {
    // 500 Swedish equities and 500 fixed income, a high of 1,000: floor 800.
    // Equities -30 % on Tuesday 2 September: V = 350 + 500 = 850,
    // m = 50 / 850, E_max = m / 0.23 = 25.58 %, E = 350 / 850 = 41.18 %:
    // sell to E_max - 5 points, paying 10 bp of the amount.
    let s = scenario([500.0, 0.0, 500.0], 1000.0);
    let text = format!("{FLAT}[[shock]]\nfactor = \"swedish_equity\"\non = 2025-09-02\ntotal = -0.30\n");
    let r = run(&s, &stress("hand", &text), OPTIONS).unwrap();
    assert_eq!(r.trading_days, 5);
    assert_eq!(r.downweights.len(), 1);
    assert!(r.upweights.is_empty());
    let d = r.downweights[0];
    assert_eq!(d.date, NaiveDate::from_ymd_opt(2025, 9, 2).unwrap());
    let margin = 50.0 / 850.0;
    let goal = margin / 0.23 - 0.05;
    let amount = 350.0 - goal * 850.0;
    close(d.equity_before, 350.0 / 850.0, 1e-12);
    close(d.amount, amount, 1e-9);
    close(d.cost, amount * 0.001, 1e-12);
    close(d.equity_after, goal * 850.0 / 850.0, 1e-3);
    close(r.min_margin, (850.0 - amount * 0.001 - 800.0) / (850.0 - amount * 0.001), 1e-12);
    assert_eq!(r.min_margin_date, NaiveDate::from_ymd_opt(2025, 9, 3).unwrap());
    close(r.final_value, 850.0 - amount * 0.001, 1e-9);
    close(r.buy_and_hold_final_value, 850.0, 1e-9);
    assert_eq!(r.breach_days, 0);
    close(r.recovery.trough_value, r.final_value, 1e-12);
    assert_eq!(r.recovery.recovered_date, None);
    assert_eq!(
        r.real_value_change.map(|x| (x * 1e12).round()),
        Some(((r.final_value / 1000.0 - 1.0) * 1e12).round())
    );
}

#[test]
fn global_equities_earn_their_own_return_times_the_dollars() {
    // Unhedged: (1 - 10 %) (1 - 5 %) on 100 of global equities; no trade
    // (margin (985.5 - 800) / 985.5 allows 80 %).
    let s = scenario([0.0, 100.0, 900.0], 1000.0);
    let text = format!(
        "{FLAT}[[shock]]\nfactor = \"global_equity\"\non = 2025-09-01\ntotal = -0.10\n\
         [[shock]]\nfactor = \"sek_per_usd\"\non = 2025-09-01\ntotal = -0.05\n"
    );
    let r = run(&s, &stress("fx", &text), OPTIONS).unwrap();
    close(r.path[0].value, 900.0 + 100.0 * 0.9 * 0.95, 1e-9);
    assert!(r.downweights.is_empty());
}

#[test]
fn fixed_income_loses_its_duration_times_the_rate_rise_and_earns_its_carry() {
    // All fixed income; the rate 2 % -> 3 % on Monday 1 September (three
    // calendar days after Friday 29 August... the start is Sunday 31
    // August: one day). Day 1: 1 + 0.02 / 365 - 0.9 x 0.01; day 2: + 0.03 / 365.
    let s = scenario([0.0, 0.0, 1000.0], 1000.0);
    let text = FLAT.replace("short_rate = 0.0", "short_rate = 0.02")
        + "[[shock]]\nfactor = \"short_rate\"\non = 2025-09-01\ntotal = 0.01\n";
    let r = run(&s, &stress("rate", &text), OPTIONS).unwrap();
    let day1 = 1000.0 * (1.0 + 0.02 / 365.0 - 0.9 * 0.01);
    close(r.path[0].value, day1, 1e-9);
    close(r.path[1].value, day1 * (1.0 + 0.03 / 365.0), 1e-9);
    assert_eq!(r.end_rates.map(|x| x[0]), Some(0.03));
}

#[test]
fn month_ends_are_the_last_weekday_of_each_month() {
    let days =
        calendar(NaiveDate::from_ymd_opt(2025, 5, 28).unwrap(), NaiveDate::from_ymd_opt(2025, 6, 3).unwrap());
    let ends: Vec<bool> = (0..days.len()).map(|i| is_month_end(&days, i)).collect();
    // Thu 29, Fri 30 May, Mon 2, Tue 3 June: Friday 30 May ends May.
    assert_eq!(days.len(), 4);
    assert_eq!(ends, [false, true, false, false]);
}

#[test]
fn a_bad_stress_file_names_the_file_the_line_and_the_key() {
    let unknown = problems(
        "bad-factor",
        &format!("{FLAT}[[shock]]\nfactor = \"gold\"\non = 2025-09-02\ntotal = -0.3\n"),
    );
    assert!(unknown.contains("bad-factor.toml:10:10: `shock[0].factor`"), "{unknown}");
    assert!(unknown.contains("one of `swedish_equity`") && unknown.contains("found `gold`"), "{unknown}");

    let key = problems(
        "bad-key",
        &format!("{FLAT}[[shock]]\nfactor = \"inflation\"\nlevle = 0.1\non = 2025-09-02\n"),
    );
    assert!(key.contains("bad-key.toml:11:1") && key.contains("levle"), "{key}");

    let size = problems(
        "bad-size",
        &format!("{FLAT}[[shock]]\nfactor = \"short_rate\"\non = 2025-09-02\nlevel = 0.1\n"),
    );
    assert!(size.contains("`shock[0].level`") && size.contains("inflation only"), "{size}");

    let kind = problems("bad-kind", &FLAT.replace("\"shocks\"", "\"shock\""));
    assert!(
        kind.contains("bad-kind.toml:3:8: `kind`: expected `shocks`, `replay` or `conditional`"),
        "{kind}"
    );

    let replay = "title = { en = \"t\", sv = \"t\" }\nsource = \"s\"\nkind = \"replay\"\n[replay]\n\
                  prices = \"../../data/djia_daily_1885_2023.csv\"\nfrom = 1880-01-01\nto = 1890-01-01\n\
                  fixed_income_rate = 0.02\n";
    let outside = problems("bad-window", replay);
    assert!(outside.contains("bad-window.toml:6:8: `replay.from`"), "{outside}");
    assert!(outside.contains("inside the data") && outside.contains("1885-02-16 to 2023-11-21"), "{outside}");

    let missing = problems("bad-series", &replay.replace("djia_daily_1885_2023", "no_such_series"));
    assert!(missing.contains("bad-series.toml:5:10: `replay.prices`"), "{missing}");
    assert!(missing.contains("no_such_series.csv"), "{missing}");
}

#[test]
fn a_day_outside_the_horizon_is_named_with_its_key() {
    let s = scenario([500.0, 0.0, 500.0], 1000.0);
    let text = format!("{FLAT}[[shock]]\nfactor = \"swedish_equity\"\non = 2025-09-08\ntotal = -0.3\n");
    let err = run(&s, &stress("late", &text), OPTIONS).unwrap_err().to_string();
    assert!(err.contains("late.toml:9:1: `shock[0].on`"), "{err}");
    assert!(
        err.contains("a day inside the horizon (2025-09-01 to 2025-09-05")
            && err.contains("found 2025-09-08"),
        "{err}"
    );

    let text = format!(
        "{}[[shock]]\nfactor = \"swedish_equity\"\non = 2025-09-06\ntotal = -0.3\n",
        FLAT.replace("end = 2025-09-05", "end = 2025-09-10")
    );
    let err = run(&s, &stress("weekend", &text), OPTIONS).unwrap_err().to_string();
    assert!(
        err.contains("`shock[0].on`: expected a span holding a trading day")
            && err.contains("2025-09-06, a Sat"),
        "{err}"
    );

    let text = format!(
        "{FLAT}[[shock]]\nfactor = \"swedish_equity\"\nfrom = 2025-08-29\nto = 2025-09-02\ntotal = -0.3\n"
    );
    let err = run(&s, &stress("before", &text), OPTIONS).unwrap_err().to_string();
    assert!(err.contains("`shock[0].from`") && err.contains("found 2025-08-29"), "{err}");

    let text = format!("{FLAT}[[shock]]\nfactor = \"swedish_equity\"\ndays = [3, 6]\ntotal = -0.3\n");
    let err = run(&s, &stress("long", &text), OPTIONS).unwrap_err().to_string();
    assert!(err.contains("`shock[0].days`") && err.contains("found day 6"), "{err}");

    let text = format!(
        "{FLAT}[start]\ndate = 2019-12-31\nequity_share = 0.5\n[[shock]]\nfactor = \"swedish_equity\"\non = 2025-09-02\ntotal = -0.3\n"
    );
    let err = run(&s, &stress("early", &text), OPTIONS).unwrap_err().to_string();
    assert!(err.contains("`start.date`") && err.contains("a month-end of the scenario's history"), "{err}");
}

/// The calibration of `docs/stress.md`: the interim report's spring 2025
/// (Delårsrapport 31 augusti 2025, Marknad och omvärld) against the rule
/// from 31 December 2024 at 76 % equities.
#[test]
fn liberation_day_down_weights_three_times_in_april_from_76_to_25_percent() {
    let r = run(&shipped(), &library("liberation-day-2025"), OPTIONS).unwrap();
    let dates: Vec<String> = r.downweights.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["2025-04-03", "2025-04-04", "2025-04-07"]);
    // Every figure to the bit (`{:?}` of an f64 is its shortest exact
    // form); `INSTA_UPDATE=always cargo test --lib stress` rewrites the
    // snapshot when a change is meant.
    let mut figures = String::new();
    for d in &r.downweights {
        figures
            .push_str(&format!("{} down-weighting {:?} -> {:?}\n", d.date, d.equity_before, d.equity_after));
    }
    figures.push_str(&format!("start equity share {:?}\n", r.start_equity_share));
    figures.push_str(&format!("lowest margin {:?} on {}\n", r.min_margin, r.min_margin_date));
    figures.push_str(&format!("final value {:?}\n", r.final_value));
    figures.push_str(&format!("trough against the start {:?}\n", r.recovery.trough_value / 1569.0 - 1.0));
    insta::assert_snapshot!("liberation_day_figures", figures);
    close(r.start_equity_share, 0.76, 1e-12);
    assert_eq!(r.min_margin_date, NaiveDate::from_ymd_opt(2025, 4, 8).unwrap());
    assert_eq!(r.upweights.len(), 3);
    assert_eq!(r.breach_days, 0);
}

#[test]
fn the_shipped_deterministic_stresses_are_pinned_to_their_figures() {
    let s = shipped();
    // The trade counts, the lowest margin and the final value of each, to
    // the bit (`{:?}` of an f64); `INSTA_UPDATE=always cargo test --lib
    // stress` rewrites the snapshot when a change is meant.
    let mut figures = String::new();
    for name in [
        "april-2025",
        "rates-shock-2022",
        "stagflation",
        "replay-1929-1932",
        "replay-1973-1974",
        "replay-1987-10",
        "replay-2000-2003",
        "replay-2007-2009",
        "replay-2020",
    ] {
        let r = run(&s, &library(name), OPTIONS).unwrap();
        figures.push_str(&format!(
            "{name}: {} down, {} up, lowest margin {:?}, final value {:?}\n",
            r.downweights.len(),
            r.upweights.len(),
            r.min_margin,
            r.final_value
        ));
    }
    insta::assert_snapshot!("shipped_deterministic_stresses", figures);
}

#[test]
fn a_replay_stress_is_the_replay_of_its_window_from_the_scenarios_state() {
    let s = shipped();
    let st = library("replay-2007-2009");
    let r = run(&s, &st, OPTIONS).unwrap();
    let Kind::Replay(w) = &st.kind else { panic!("a replay") };
    let prices = PriceSeries::load(&w.prices, "date", "close").unwrap();
    let fund = s.managed();
    let config = ReplayConfig {
        from: Some(w.from),
        to: Some(w.to),
        start_value: fund.value(),
        start_equity: fund.equity_share(),
        policy: s.policy(),
        fixed_income: FixedIncome::Rate(0.02),
        window: Some(fund.window().clone()),
    };
    let rep = replay(&prices, &config).unwrap();
    assert_eq!(r.days, rep.days);
    let sm = &rep.summary;
    assert_eq!(r.downweights, sm.downweights);
    assert_eq!(r.upweights, sm.upweights);
    assert_eq!((r.min_margin, r.min_margin_date), (sm.min_margin, sm.min_margin_date));
    assert_eq!(r.final_value, sm.final_value);
    assert_eq!(r.buy_and_hold_final_value, sm.buy_and_hold_final_value);
    assert_eq!(r.max_drawdown, sm.max_drawdown);
    assert_eq!(r.worst_breach_depth, sm.worst_breach_depth);
    assert_eq!(r.start_date, sm.start_date);
}

#[test]
fn the_conditional_run_is_the_same_bits_on_one_and_two_threads_and_starts_where_the_shocks_end() {
    let s = shipped();
    let st = library("april-2025-then-monte-carlo");
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| run(&s, &st, RunOptions { paths: 300, seed: 11 }).unwrap())
    };
    let (a, b) = (on(1), on(2));
    assert_eq!(a, b);
    let m = a.monte_carlo.as_ref().unwrap();
    assert_eq!(m.start_date, a.end_date);
    assert_eq!(m.start_value, a.final_value);
    assert_eq!(m.start_equity_share, a.final_equity_share);
    assert_eq!(m.start_regime, "crisis");
    assert_eq!(m.paths, 300);
    assert_eq!(m.value_fan.len(), 12);
    // Another seed gives other paths.
    let other = run(&s, &st, RunOptions { paths: 300, seed: 12 }).unwrap();
    assert_ne!(other.monte_carlo.unwrap().final_value_mean, m.final_value_mean);
}

#[test]
fn a_conditional_stress_with_an_unknown_regime_is_named() {
    let text = std::fs::read_to_string(root().join("scenarios/stress/april-2025-then-monte-carlo.toml"))
        .unwrap()
        .replace("start_regime = \"crisis\"", "start_regime = \"panic\"");
    let err = run(&shipped(), &stress("regime", &text), OPTIONS).unwrap_err().to_string();
    assert!(err.contains("`monte_carlo.start_regime`") && err.contains("`calm`, `crisis`"), "{err}");
    assert!(err.contains("found `panic`"), "{err}");
}

#[test]
fn the_whole_library_loads_and_each_file_states_its_source() {
    let all = file::load_dir(&root().join("scenarios/stress")).unwrap();
    assert_eq!(all.len(), 11);
    for f in &all {
        assert!(!f.source.trim().is_empty() && !f.title_sv.is_empty(), "{}", f.name);
    }
}

#[test]
fn inflation_deflates_the_value_by_its_rate_over_calendar_time() {
    // Nothing moves but the price index: 10 % a year for the five
    // weekdays from Sunday 31 August to Friday 5 September (5 calendar
    // days): the real value is 1,000 e^(-0.1 x 5 / 365).
    let s = scenario([0.0, 0.0, 1000.0], 1000.0);
    let text = format!("{FLAT}[[shock]]\nfactor = \"inflation\"\ndays = [1, 5]\nlevel = 0.10\n");
    let r = run(&s, &stress("inflation", &text), OPTIONS).unwrap();
    close(r.final_value, 1000.0, 1e-12);
    let real = 1000.0 * (-0.1 * 5.0 / 365.0_f64).exp();
    close(r.path[4].real_value.unwrap(), real, 1e-9);
    close(r.real_value_change.unwrap(), real / 1000.0 - 1.0, 1e-12);
    assert_eq!(r.end_rates.map(|x| x[2]), Some(0.10));
}

#[test]
fn the_recovery_counts_trading_days_from_the_trough_back_to_the_high_before_it() {
    // 100 of equities fall 10 % on Tuesday 2 September (1,000 -> 990) and
    // rise 11.2 % on Thursday 4 September (990 -> 1,000.08): back above
    // the start's 1,000 two trading days after the trough. No trade: 10 %
    // equities are far under the maximum.
    let s = scenario([100.0, 0.0, 900.0], 1000.0);
    let text = format!(
        "{FLAT}[[shock]]\nfactor = \"swedish_equity\"\non = 2025-09-02\ntotal = -0.10\n\
         [[shock]]\nfactor = \"swedish_equity\"\non = 2025-09-04\ntotal = 0.112\n"
    );
    let r = run(&s, &stress("recovery", &text), OPTIONS).unwrap();
    assert!(r.downweights.is_empty() && r.upweights.is_empty());
    let rec = r.recovery;
    assert_eq!(rec.peak_date, NaiveDate::from_ymd_opt(2025, 8, 31).unwrap());
    close(rec.peak_value, 1000.0, 1e-9);
    assert_eq!(rec.trough_date, NaiveDate::from_ymd_opt(2025, 9, 2).unwrap());
    close(rec.trough_value, 990.0, 1e-9);
    assert_eq!(rec.recovered_date, NaiveDate::from_ymd_opt(2025, 9, 4));
    assert_eq!(rec.trading_days_to_recover, Some(2));
    close(r.max_drawdown, 0.01, 1e-12);
    close(r.vs_buy_and_hold, 0.0, 1e-12);
}

/// Shocks that parse but move a level out of all sense are refused with
/// the shock and the day that did it; the first of them is the shock on
/// that day, the second the base's drift under none.
#[test]
fn levels_out_of_all_sense_name_the_shock_and_the_day() {
    let s = scenario([500.0, 0.0, 500.0], 1000.0);
    let text = format!(
        "{}[[shock]]\nfactor = \"swedish_equity\"\nfrom = 2025-09-01\nto = 2025-09-05\ndaily = -0.99\n\
         [[shock]]\nfactor = \"short_rate\"\non = 2025-09-01\ntotal = 0.5\n",
        FLAT.replace("end = 2025-09-05", "end = 2025-12-31")
    );
    let err = run(&s, &stress("fall", &text), OPTIONS).unwrap_err().to_string();
    assert!(
        err.contains(
            "fall.toml:9:1: `shock[0].daily`: expected a stress that keeps Swedish equities from 1e-6 to 1e6"
        ) && err.contains("found 1.000e-8 times on 2025-09-04, trading day 4"),
        "{err}"
    );
    let text = format!(
        "{}[[shock]]\nfactor = \"short_rate\"\non = 2025-09-02\ntotal = 0.9\n\
         [[shock]]\nfactor = \"short_rate\"\non = 2025-09-03\ntotal = 0.9\n",
        FLAT.replace("end = 2025-09-05", "end = 2025-12-31")
    );
    let err = run(&s, &stress("rate", &text), OPTIONS).unwrap_err().to_string();
    assert!(err.contains("`shock[1].total`"), "{err}");
    let text = format!(
        "{}[[shock]]\nfactor = \"swedish_equity\"\non = 2025-09-02\ntotal = -0.1\n",
        FLAT.replace("end = 2025-09-05", "end = 2200-12-31")
            .replace("[base]", "[base]\nswedish_equity = -0.99")
    );
    let err = run(&s, &stress("drift", &text), OPTIONS).unwrap_err().to_string();
    assert!(err.contains("`base.swedish_equity`: expected a stress that keeps Swedish equities"), "{err}");
}
