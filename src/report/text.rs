//! Plain-text tables for the terminal and the day-by-day replay CSV.

use std::fmt::Write;

use chrono::NaiveDate;

use super::i18n::{Lang, Term, mkr, number, percent};
use super::terms::{term, term_with};
use crate::calendar::month_after;
use crate::replay::{Breach, DatedTrade, Replay};
use crate::rule::{Action, Constraint, Position};
use crate::scenario::{Scenario, Simulation};
use crate::stats::{LEVELS, MonthHistograms, PortfolioStats, SERIES};

/// The portfolio's position on the valuation date, as a treasurer would
/// paste it into a memo.
pub fn position(scenario: &Scenario, pos: &Position, lang: Lang) -> String {
    let pct = |x| percent(x, 1, lang);
    let amount = |x| mkr(x, 1, lang);
    let mut out = String::new();
    let heading = format!("{} {}", Term::Position.text(lang), scenario.valuation_date());
    let _ = writeln!(out, "{heading}\n{}", "=".repeat(heading.chars().count()));
    let high_when =
        scenario.high_month_end().map_or(String::new(), |m| format!(" ({})", m.date.format("%Y-%m")));
    let binding = match pos.binding {
        Constraint::Floor => Term::BindingFloor,
        Constraint::Cap => Term::BindingCap,
    };
    let rows: Vec<(&str, String)> = vec![
        (Term::MarketValue.text(lang), amount(pos.value)),
        (Term::High.text(lang), format!("{}{high_when}", amount(pos.high))),
        (
            Term::Floor.text(lang),
            format!(
                "{} ({} {})",
                amount(pos.floor),
                percent(scenario.policy().floor_share(), 0, lang),
                term("text.of_the_high", lang)
            ),
        ),
        (Term::Margin.text(lang), format!("{} = {}", pct(pos.margin), amount(pos.margin_amount))),
        (Term::FallToFloor.text(lang), pct(pos.margin)),
        (Term::EquityShare.text(lang), pct(pos.equity_share)),
        (Term::MaxEquityShare.text(lang), format!("{} ({})", pct(pos.max_equity_share), binding.text(lang))),
        (
            term("text.room_to_the_maximum", lang),
            format!(
                "{} {}",
                number((pos.max_equity_share - pos.equity_share) * 100.0, 1, lang),
                term("text.percentage_points", lang)
            ),
        ),
        (
            term("text.room_to_the_cap", lang),
            format!(
                "{} {} ({})",
                number((pos.cap - pos.equity_share) * 100.0, 1, lang),
                term("text.percentage_points", lang),
                pct(pos.cap)
            ),
        ),
    ];
    let width = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    for (k, v) in &rows {
        let _ = writeln!(out, "{k:<width$}  {v}");
    }
    let action = match pos.action {
        Action::Hold => Term::Hold.text(lang).to_string(),
        Action::Sell { to_share, amount: a, cost } | Action::MayBuy { to_share, amount: a, cost } => {
            let what = if matches!(pos.action, Action::Sell { .. }) { Term::Sell } else { Term::MayBuy };
            format!(
                "{}: {} → {}, {} ({} {})",
                what.text(lang),
                pct(pos.equity_share),
                pct(to_share),
                amount(a),
                Term::Cost.text(lang).to_lowercase(),
                amount(cost)
            )
        }
    };
    let _ = writeln!(out, "{:<width$}  {action}", Term::Action.text(lang));
    let p = &scenario.policy();
    let _ = writeln!(
        out,
        "\n{}",
        term_with("text.margin_definition", lang, &[("equity_stress", &pct(p.equity_stress))])
    );
    out
}

fn trade_rows(out: &mut String, title: &str, trades: &[DatedTrade], lang: Lang) {
    let _ = writeln!(out, "{title}: {}", trades.len());
    if trades.is_empty() {
        return;
    }
    let change = term("text.change", lang);
    let _ = writeln!(
        out,
        "  {:<12}{:<26}{:>12}{:>14}{:>10}",
        Term::Date.text(lang),
        Term::Size.text(lang),
        change,
        Term::Amount.text(lang),
        Term::Cost.text(lang)
    );
    let pp = term("text.pp", lang);
    for t in trades {
        let size = format!("{} → {}", percent(t.equity_before, 1, lang), percent(t.equity_after, 1, lang));
        let delta = (t.equity_after - t.equity_before) * 100.0;
        let sign = if delta > 0.0 { "+" } else { "" };
        let _ = writeln!(
            out,
            "  {:<12}{:<26}{:>12}{:>14}{:>10}",
            t.date.to_string(),
            size,
            format!("{sign}{} {pp}", number(delta, 1, lang)),
            number(t.amount, 1, lang),
            number(t.cost, 2, lang)
        );
    }
}

/// Every breach day with its depth; a long list shows its first days and
/// its deepest, the rest being in the CSV and JSON.
fn breach_rows(out: &mut String, breaches: &[Breach], lang: Lang) {
    const SHOWN: usize = 8;
    let _ = writeln!(out, "{}: {}", Term::BreachDays.text(lang), breaches.len());
    if breaches.is_empty() {
        return;
    }
    let depth = term("text.depth_under_the_floor", lang);
    let _ = writeln!(out, "  {:<12}{depth}", Term::Date.text(lang));
    let deepest = breaches.iter().max_by(|a, b| a.depth.total_cmp(&b.depth));
    for b in breaches.iter().take(SHOWN) {
        let _ = writeln!(out, "  {:<12}{}", b.date.to_string(), percent(b.depth, 2, lang));
    }
    if breaches.len() > SHOWN {
        let rest = breaches.len() - SHOWN;
        let _ = writeln!(out, "  … {rest} {}", term("text.more_days_in_replay_csv", lang));
        if let Some(b) = deepest {
            let label = term("text.deepest", lang);
            let _ = writeln!(out, "  {:<12}{} ({label})", b.date.to_string(), percent(b.depth, 2, lang));
        }
    }
}

/// A replay's trades and key figures.
pub fn replay(r: &Replay, lang: Lang) -> String {
    let s = &r.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}, {} – {} ({} {}, {} {})",
        Term::Replay.text(lang),
        s.prices,
        s.start_date,
        s.end_date,
        s.trading_days,
        term("text.trading_days", lang),
        s.month_ends,
        term("text.month_ends", lang),
    );
    let _ = writeln!(
        out,
        "Start {}, {} {}\n",
        number(s.start_value, 1, lang),
        Term::EquityShare.text(lang).to_lowercase(),
        percent(s.start_equity, 1, lang)
    );
    trade_rows(&mut out, Term::DownWeighting.text(lang), &s.downweights, lang);
    trade_rows(&mut out, Term::UpWeighting.text(lang), &s.upweights, lang);
    breach_rows(&mut out, &s.breaches, lang);
    let without = term("text.without_the_rule", lang);
    let rows = [
        (
            Term::LowestMargin.text(lang),
            format!("{} ({})", percent(s.min_margin, 1, lang), s.min_margin_date),
        ),
        (
            Term::FinalValue.text(lang),
            format!(
                "{} ({without}: {})",
                number(s.final_value, 1, lang),
                number(s.buy_and_hold_final_value, 1, lang)
            ),
        ),
        (
            Term::MaxDrawdown.text(lang),
            format!(
                "{} ({without}: {})",
                percent(s.max_drawdown, 1, lang),
                percent(s.buy_and_hold_max_drawdown, 1, lang)
            ),
        ),
        (
            term("text.traded_costs", lang),
            format!("{}, {}", number(s.traded, 1, lang), number(s.costs, 2, lang)),
        ),
        (term("text.equity_share_at_the_end", lang), percent(s.final_equity_share, 1, lang)),
    ];
    let _ = writeln!(out);
    let width = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    for (k, v) in rows {
        let _ = writeln!(out, "{k:<width$}  {v}");
    }
    out
}

/// One line a trading day; figures after the day's trades unless the
/// column says `pre_trade`.
pub fn replay_csv(r: &Replay) -> String {
    let mut out = String::from(
        "date,month_end,value,high,floor,margin_pre_trade,margin,equity_share_pre_trade,equity_share,max_equity_share,trade,trade_amount,trade_cost,breach_depth,buy_and_hold_value\n",
    );
    for d in &r.days {
        let trade = match (&d.day.down, &d.day.up) {
            (Some(_), Some(_)) => "down+up",
            (Some(_), None) => "down",
            (None, Some(_)) => "up",
            (None, None) => "",
        };
        let trades = d.day.down.iter().chain(&d.day.up);
        let amount: f64 = trades.clone().map(|t| t.amount).sum();
        let cost: f64 = trades.map(|t| t.cost).sum();
        let breach = d.day.breach_depth().map_or(String::new(), |x| format!("{x:.8}"));
        let _ = writeln!(
            out,
            "{},{},{:.6},{:.6},{:.6},{:.8},{:.8},{:.8},{:.8},{:.8},{trade},{:.6},{:.6},{breach},{:.6}",
            d.date,
            u8::from(d.month_end),
            d.value,
            d.high,
            d.floor,
            d.margin_pre,
            d.margin,
            d.equity_pre,
            d.equity,
            d.max_equity,
            amount,
            cost,
            d.buy_and_hold
        );
    }
    out
}

/// The Monte Carlo summary table: each estimate with its standard error.
pub fn monte_carlo(s: &PortfolioStats, sim: &Simulation, threads: usize, elapsed: f64, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Monte Carlo: {} {}, {} {}, {} {}, {} {}, {} s",
        number(sim.paths as f64, 0, lang),
        term("text.paths", lang),
        sim.horizon_months,
        term("text.months", lang),
        term("text.seed", lang),
        sim.seed,
        threads,
        term("text.threads", lang),
        number(elapsed, 2, lang),
    );
    let pp = |x: f64| format!("{} {}", number(x * 100.0, 2, lang), term("text.pp", lang));
    let pct = |x: f64| percent(x, 1, lang);
    let se_head = term("text.std_error", lang);
    let mut rows: Vec<(String, String, String)> = vec![
        (term("text.floor_breach_within_12_months", lang).into(), pct(s.p_breach_12m), pp(s.p_breach_12m_se)),
        (
            term("text.floor_breach_within_the_horizon", lang).into(),
            pct(s.p_breach_horizon),
            pp(s.p_breach_horizon_se),
        ),
        (
            term("text.down_weightings_a_year", lang).into(),
            number(s.downweights_per_year, 2, lang),
            number(s.downweights_per_year_se, 3, lang),
        ),
        (
            term("text.up_weightings_a_year", lang).into(),
            number(s.upweights_per_year, 2, lang),
            number(s.upweights_per_year_se, 3, lang),
        ),
        (
            term("text.equity_traded_a_year", lang).into(),
            mkr(s.traded_per_year, 1, lang),
            mkr(s.traded_per_year_se, 1, lang),
        ),
        (
            term("text.trading_costs_a_year", lang).into(),
            mkr(s.costs_per_year, 2, lang),
            mkr(s.costs_per_year_se, 3, lang),
        ),
        (
            term("text.mean_annual_return_nominal", lang).into(),
            percent(s.mean_annual_return, 2, lang),
            pp(s.mean_annual_return_se),
        ),
        (
            term("text.mean_annual_return_real", lang).into(),
            percent(s.mean_annual_real_return, 2, lang),
            pp(s.mean_annual_real_return_se),
        ),
    ];
    if let (Some(p), Some(se)) = (s.p_rolling_5y_real_target, s.p_rolling_5y_real_target_se) {
        rows.push((term("text.rolling_5_year_real_return", lang).into(), pct(p), pp(se)));
    }
    rows.extend([
        (
            term("text.cvar_95_12_month_return", lang).into(),
            percent(s.cvar95_12m_return, 1, lang),
            pp(s.cvar95_12m_return_se),
        ),
        (term("text.at_least_one_down_weighting", lang).into(), pct(s.p_downweight), pp(s.p_downweight_se)),
        (term("text.cash_lock_equity_10_for", lang).into(), pct(s.p_cash_lock), pp(s.p_cash_lock_se)),
    ]);
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let _ = writeln!(out, "{:<width$}  {:>14}  {:>16}", "", term("text.estimate", lang), se_head);
    for (k, v, se) in &rows {
        let _ = writeln!(out, "{k:<width$}  {v:>14}  {se:>16}");
    }
    let f = &s.final_value;
    let _ = writeln!(
        out,
        "{} p5 {}, p25 {}, p50 {}, p75 {}, p95 {}",
        term("text.final_value", lang),
        mkr(f.p5, 0, lang),
        mkr(f.p25, 0, lang),
        mkr(f.p50, 0, lang),
        mkr(f.p75, 0, lang),
        mkr(f.p95, 0, lang),
    );
    let d = &s.max_drawdown;
    let _ = writeln!(
        out,
        "{} p50 {}, p95 {}, p99 {}",
        term("text.largest_fall_from_a_high", lang),
        pct(d.p50),
        pct(d.p95),
        pct(d.p99)
    );
    if let (Some(p), Some(m)) = (s.p_rebuilt, &s.months_to_rebuild) {
        let _ = writeln!(
            out,
            "{} {} {}, median {} {}",
            term("text.after_the_first_down_weighting", lang),
            pct(p),
            term("text.of_cases", lang),
            number(m.p50, 0, lang),
            term("text.months", lang),
        );
    }
    out
}

/// What the Monte Carlo table's figures mean and what drives them, one
/// line each, under the table: the figures a board asks about first.
pub fn monte_carlo_notes(s: &PortfolioStats, policy: &crate::rule::Policy, lang: Lang) -> String {
    let pts = |x: f64| number(x * 100.0, 0, lang);
    let mut out = String::new();
    let lines: [String; 4] = [
        term_with(
            "text.note_downweights",
            lang,
            &[
                ("per_year", &number(s.downweights_per_year, 1, lang)),
                ("down_headroom", &pts(policy.down_headroom)),
                ("up_band", &pts(policy.up_band)),
            ],
        ),
        term_with("text.note_breach", lang, &[("floor_share", &pts(policy.floor_share()))]),
        term("text.note_largest_fall", lang).to_string(),
        term("text.note_returns", lang).to_string(),
    ];
    for line in lines {
        let _ = writeln!(out, "- {line}");
    }
    out
}

/// Month-end quantiles in long form: one row a month and series.
pub fn month_quantiles_csv(h: &MonthHistograms, valuation: NaiveDate) -> String {
    let mut out = String::from("month,date,series,p1,p5,p25,p50,p75,p95,p99\n");
    let names = ["value", "equity_share", "margin", "floor"];
    for m in 0..h.months() {
        let date = month_after(valuation, m + 1);
        for (series, name) in SERIES.iter().zip(names) {
            let _ = write!(out, "{},{date},{name}", m + 1);
            for p in LEVELS {
                let _ = write!(out, ",{:.6}", h.quantile(*series, m, p));
            }
            out.push('\n');
        }
    }
    out
}
