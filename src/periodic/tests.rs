//! The report's figures against hand-computed values and the interim
//! report's, and its parts left out with their reasons.

use super::*;
use crate::scenario::fixtures;

fn options(period: &str, paths: usize, months: usize) -> Options {
    Options {
        period: period.parse().unwrap(),
        simulation: Simulation { paths, seed: 7, horizon_months: months, variance_reduction: false },
        stresses: None,
        strategies: None,
        scenario_bytes: b"abc".to_vec(),
        command: "pensionsim report".into(),
    }
}

fn measure<'a>(measures: &'a [Measure], key: &str) -> &'a Measure {
    measures.iter().find(|m| m.key == key).unwrap_or_else(|| panic!("no measure {key}"))
}

#[test]
fn limits_give_the_regions_three_colours() {
    let at_most = Limit::AtMost { max: 0.35 };
    assert_eq!(at_most.status(0.295), Status::Met);
    assert_eq!(at_most.status(0.35), Status::Met);
    assert_eq!(at_most.status(0.351), Status::NotMet);
    let at_least = Limit::AtLeast { min: 1.0 };
    assert_eq!(at_least.status(1.0), Status::Met);
    assert_eq!(at_least.status(0.95), Status::Partly);
    assert_eq!(at_least.status(0.90), Status::Partly);
    assert_eq!(at_least.status(0.89), Status::NotMet);
    // No partly met for a limit of zero: the margin is above the floor or not.
    assert_eq!(Limit::AtLeast { min: 0.0 }.status(-0.001), Status::NotMet);
    let band = Limit::Between { lo: 1.5, hi: 4.0 };
    assert_eq!(band.status(1.25), Status::NotMet, "the interim report's 1.25 years: not met");
    assert_eq!(band.status(1.4), Status::Partly);
    assert_eq!(band.status(2.0), Status::Met);
    assert_eq!(band.status(4.1), Status::NotMet);
}

#[test]
fn sha256_is_the_standard_digest() {
    // FIPS 180-2's example.
    assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[test]
fn a_valuation_date_outside_the_period_is_refused_with_both_dates() {
    let s = fixtures::shipped();
    let e = gather(&s, &options("2025T3", 8, 12)).unwrap_err().to_string();
    assert!(e.contains("2025-09-01") && e.contains("2025-12-31") && e.contains("2025-08-31"), "{e}");
    assert!(check_period(&s, "2025Q3".parse().unwrap()).is_ok());
}

#[test]
fn the_shipped_scenario_gives_the_interim_reports_figures() {
    let s = fixtures::shipped();
    // Two years, so that today's high leaves the window within them.
    let r = gather(&s, &options("2025T2", 16, 24)).unwrap();
    let p = &r.portfolio;
    // 1,477.4 mkr against 1,569 at the end of 2024: -5.8 % (Delårsrapport
    // 31 augusti 2025, Avkastning).
    let ytd = p.year_to_date.unwrap();
    assert_eq!(ytd.from_value, 1569.0);
    assert!((ytd.change - (1477.4 / 1569.0 - 1.0)).abs() < 1e-9, "{}", ytd.change);
    assert_eq!(measure(&p.measures, "equity_share").status, Status::Met);
    assert_eq!(measure(&p.measures, "equity_share_vs_max").status, Status::Met);
    assert_eq!(measure(&p.measures, "margin").status, Status::Met);
    // 53.6 - 44.3 = 9.3 points of room, under the 10-point up-weighting band: hold.
    assert!(p.trade.is_none());
    // The interim report's Skuldförvaltning table: 290 mkr of 950, 1.25
    // years (not met), 29.5 % (met).
    let d = r.debt.shown().unwrap();
    assert_eq!(measure(&d.measures, "outstanding").status, Status::Met);
    assert!((d.today.outstanding - 290.0).abs() < 1e-9);
    assert_eq!(measure(&d.measures, "fixing_years").status, Status::NotMet);
    assert_eq!(measure(&d.measures, "share_maturing_12m").status, Status::Met);
    assert!((d.interest_a_year_today - 290.0 * d.today.average_rate).abs() < 1e-9);
    // The interim report's Pensionsförpliktelse table: 29 % of 5,015 mkr.
    let o = r.obligations.shown().unwrap();
    assert!((measure(&o.measures, "ratio_whole").value - 0.29).abs() < 0.005);
    // Kassalikviditet (Finansiella mål: 70.8 %): (395.8 + 304.7) / 990.1 =
    // 70.75 %, over 67 %.
    let l = r.liquidity.shown().unwrap();
    let today = measure(&l.measures, "quick_ratio_today");
    assert!((today.value - 700.5 / 990.1).abs() < 1e-12, "{}", today.value);
    assert_eq!(today.status, Status::Met);
    // The August report's plan: 590 mkr of loans at the end of 2025.
    assert!((l.outlook.years[0].plan_debt - 590.0).abs() < 1e-9);
    // No [[strategy]] tables: the report's default set, current rule first,
    // the static mix at today's 44 % equities.
    let c = r.comparison.shown().unwrap();
    assert_eq!(c.source, crate::periodic::StrategySource::Default);
    let names: Vec<&str> = c.strategies.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["current", "drawdown-15", "drawdown-25", "window-12", "static-44/56", "buy-and-hold"]);
    // Today's high (January 2025) leaves the 24-month window at the end of
    // January 2027, within the horizon.
    let risk = r.risk.shown().unwrap();
    let leaves = risk.high_leaves.unwrap();
    assert_eq!(leaves.high_date, chrono::NaiveDate::from_ymd_opt(2025, 1, 31).unwrap());
    assert_eq!(leaves.date, chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap());
    assert_eq!(leaves.month, 17);
    assert_eq!(r.stress.missing(), Some(Missing::NoStressLibrary));
    assert_eq!(r.method.scenario_sha256.len(), 64);
}

#[test]
fn twelve_month_odds_do_not_depend_on_the_horizon() {
    // Each path has its own stream, so a ten-year run's first year is the
    // twelve-month outlook `suggest` runs on its own.
    let s = fixtures::shipped();
    let r = gather(&s, &options("2025T2", 64, 36)).unwrap();
    let risk = r.risk.shown().unwrap();
    let alone = crate::suggest::outlook(&s, 64, 7).unwrap();
    assert_eq!(risk.outlook.p_downweight_12m, alone.p_downweight_12m);
    assert_eq!(risk.stats.p_breach_12m, alone.p_breach_12m);
    assert_eq!(measure(&risk.measures, "p_downweight_12m").value, alone.p_downweight_12m);
}

#[test]
fn parts_without_their_section_say_why() {
    let text = fixtures::shipped_text();
    let cut = |text: &str, section: &str| {
        let start = text.find(section).unwrap();
        let end = text[start + 1..].find("\n[").map_or(text.len(), |e| start + 1 + e + 1);
        format!("{}{}", &text[..start], &text[end..])
    };
    let mut bare = cut(&text, "[debt]\n");
    while let Some(i) = bare.find("[[debt.") {
        let end = bare[i + 1..].find("\n[").map_or(bare.len(), |e| i + 1 + e + 1);
        bare = format!("{}{}", &bare[..i], &bare[end..]);
    }
    // The actual month-ends then carry cash only, and the liquidity
    // forecast needs its own overdraft and no loans.
    let bare: String = bare.lines().filter(|l| !l.starts_with("debt = ")).map(|l| format!("{l}\n")).collect();
    let bare = bare.replace("[liquidity]\n", "[liquidity]\noverdraft = 145\n").replace(
        r#"rules = ["skip_deposit", "overdraft", "borrow", "withdraw"]"#,
        r#"rules = ["skip_deposit", "overdraft", "withdraw"]"#,
    );
    let s = fixtures::parse(&bare);
    assert!(s.debt().is_none());
    let r = gather(&s, &options("2025T2", 8, 12)).unwrap();
    assert_eq!(r.debt.missing(), Some(Missing::NoDebt));
    assert!(r.obligations.shown().is_some());
    assert!(r.liquidity.shown().is_some());
}
