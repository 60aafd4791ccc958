//! The portfolio's sections of the printouts, laid out into a
//! [`Document`]: today's position, a replay's trades and key figures, the
//! Monte Carlo table and its notes; and the day-by-day replay CSV and the
//! month-end quantiles CSV.

use std::fmt::Write;

use chrono::NaiveDate;

use super::document::{self, Column, Document, Layout};
use super::i18n::{Lang, Term, mkr, number, percent};
use super::precision;
use super::table::{Cell, Table};
use super::terms::{term, term_with};
use crate::calendar::month_after;
use crate::replay::{Breach, DatedTrade, Replay};
use crate::rule::{Action, Constraint, Position};
use crate::scenario::{Scenario, Simulation};
use crate::stats::interval::mean_interval;
use crate::stats::{LEVELS, MonthHistograms, PortfolioStats, SERIES};

/// A list of `label  value` rows at the document's margin.
pub(crate) fn label_values(d: &mut Document, name: &str, title: &str, rows: Vec<(String, Cell)>) {
    let mut t = Table::new(name, title, &[term("text.measure", d.lang), term("text.value", d.lang)]);
    for (label, value) in rows {
        t.push(vec![Cell::text(label), value]);
    }
    d.table_with(t, Layout::rows(&[Column::LEFT, Column::LEFT]));
}

/// The portfolio's position on the valuation date, as a treasurer would
/// paste it into a memo.
pub fn position(d: &mut Document, scenario: &Scenario, pos: &Position) {
    let lang = d.lang;
    let pct = |x| percent(x, 1, lang);
    let amount = |x| mkr(x, 1, lang);
    let heading = format!("{} {}", Term::Position.text(lang), scenario.valuation_date());
    d.heading(1, heading.clone());
    let high_when =
        scenario.high_month_end().map_or(String::new(), |m| format!(" ({})", m.date.format("%Y-%m")));
    let binding = match pos.binding {
        Constraint::Floor => Term::BindingFloor,
        Constraint::Cap => Term::BindingCap,
    };
    let points = |x: f64| format!("{} {}", number(x * 100.0, 1, lang), term("text.percentage_points", lang));
    let text = |k: &str, v: String| (k.to_string(), Cell::text(v));
    let rows = vec![
        (Term::MarketValue.text(lang).to_string(), Cell::mkr(pos.value, 1)),
        text(Term::High.text(lang), format!("{}{high_when}", amount(pos.high))),
        text(
            Term::Floor.text(lang),
            format!(
                "{} ({} {})",
                amount(pos.floor),
                percent(scenario.policy().floor_share(), 0, lang),
                term("text.of_the_high", lang)
            ),
        ),
        text(Term::Margin.text(lang), format!("{} = {}", pct(pos.margin), amount(pos.margin_amount))),
        (Term::FallToFloor.text(lang).to_string(), Cell::percent(pos.margin, 1)),
        (Term::EquityShare.text(lang).to_string(), Cell::percent(pos.equity_share, 1)),
        text(
            Term::MaxEquityShare.text(lang),
            format!("{} ({})", pct(pos.max_equity_share), binding.text(lang)),
        ),
        text(term("text.room_to_the_maximum", lang), points(pos.max_equity_share - pos.equity_share)),
        text(
            term("text.room_to_the_cap", lang),
            format!("{} ({})", points(pos.cap - pos.equity_share), pct(pos.cap)),
        ),
        text(Term::Action.text(lang), action(pos, lang)),
    ];
    label_values(d, "position", &heading, rows);
    d.gap();
    let p = &scenario.policy();
    d.para(term_with("text.margin_definition", lang, &[("equity_stress", &pct(p.equity_stress))]));
}

/// What the rule asks today, in words.
fn action(pos: &Position, lang: Lang) -> String {
    let pct = |x| percent(x, 1, lang);
    match pos.action {
        Action::Hold => Term::Hold.text(lang).to_string(),
        Action::Sell { to_share, amount: a, cost } | Action::MayBuy { to_share, amount: a, cost } => {
            let what = if matches!(pos.action, Action::Sell { .. }) { Term::Sell } else { Term::MayBuy };
            format!(
                "{}: {} → {}, {} ({} {})",
                what.text(lang),
                pct(pos.equity_share),
                pct(to_share),
                mkr(a, 1, lang),
                Term::Cost.text(lang).to_lowercase(),
                mkr(cost, 1, lang)
            )
        }
    }
}

fn trade_rows(d: &mut Document, name: &str, title: &str, trades: &[DatedTrade]) {
    let lang = d.lang;
    d.para(format!("{title}: {}", trades.len()));
    if trades.is_empty() {
        return;
    }
    let change = term("text.change", lang);
    let columns = [
        Term::Date.text(lang),
        Term::Size.text(lang),
        change,
        Term::Amount.text(lang),
        Term::Cost.text(lang),
    ];
    let mut t = Table::new(name, title, &columns);
    let pp = term("text.pp", lang);
    for tr in trades {
        let size = format!("{} → {}", percent(tr.equity_before, 1, lang), percent(tr.equity_after, 1, lang));
        let delta = (tr.equity_after - tr.equity_before) * 100.0;
        let sign = if delta > 0.0 { "+" } else { "" };
        t.push(vec![
            Cell::text(tr.date.to_string()),
            Cell::text(size),
            Cell::text(format!("{sign}{} {pp}", number(delta, 1, lang))),
            Cell::plain(tr.amount, 1),
            Cell::plain(tr.cost, 2),
        ]);
    }
    d.indent(2);
    let layout =
        Layout::headed(&[Column::LEFT, Column::LEFT, Column::right(12), Column::right(12), Column::right(8)]);
    d.table_with(t, layout);
    d.indent(0);
}

/// Every breach day with its depth; a long list shows its first days and
/// its deepest, the rest being in the CSV and JSON.
fn breach_rows(d: &mut Document, breaches: &[Breach]) {
    const SHOWN: usize = 8;
    let lang = d.lang;
    d.para(format!("{}: {}", Term::BreachDays.text(lang), breaches.len()));
    if breaches.is_empty() {
        return;
    }
    let depth = term("text.depth_under_the_floor", lang);
    let mut t = Table::new("replay-breaches", Term::BreachDays.text(lang), &[Term::Date.text(lang), depth]);
    for b in breaches.iter().take(SHOWN) {
        t.push(vec![Cell::text(b.date.to_string()), Cell::percent(b.depth, 2)]);
    }
    let deepest = breaches.iter().max_by(|a, b| a.depth.total_cmp(&b.depth));
    d.indent(2);
    d.table_with(t, Layout::headed(&[Column::LEFT, Column::LEFT]));
    if breaches.len() > SHOWN {
        let rest = breaches.len() - SHOWN;
        d.para(format!("… {rest} {}", term("text.more_days_in_replay_csv", lang)));
        if let Some(b) = deepest {
            let label = term("text.deepest", lang);
            d.para(format!("{}  {} ({label})", b.date, percent(b.depth, 2, lang)));
        }
    }
    d.indent(0);
}

/// A replay's trades and key figures, as `replay` prints them.
pub fn replay_document(r: &Replay, lang: Lang) -> Document {
    let s = &r.summary;
    let mut d = Document::new(lang, format!("{}: {}", Term::Replay.text(lang), s.prices));
    d.para(format!(
        "{}: {}, {} – {} ({} {}, {} {})",
        Term::Replay.text(lang),
        s.prices,
        s.start_date,
        s.end_date,
        s.trading_days,
        term("text.trading_days", lang),
        s.month_ends,
        term("text.month_ends", lang),
    ));
    d.para(format!(
        "Start {}, {} {}",
        number(s.start_value, 1, lang),
        Term::EquityShare.text(lang).to_lowercase(),
        percent(s.start_equity, 1, lang)
    ));
    d.gap();
    trade_rows(&mut d, "replay-down-weightings", Term::DownWeighting.text(lang), &s.downweights);
    trade_rows(&mut d, "replay-up-weightings", Term::UpWeighting.text(lang), &s.upweights);
    breach_rows(&mut d, &s.breaches);
    let without = term("text.without_the_rule", lang);
    let rows = vec![
        (
            Term::LowestMargin.text(lang).to_string(),
            Cell::text(format!("{} ({})", percent(s.min_margin, 1, lang), s.min_margin_date)),
        ),
        (
            Term::FinalValue.text(lang).to_string(),
            Cell::text(format!(
                "{} ({without}: {})",
                number(s.final_value, 1, lang),
                number(s.buy_and_hold_final_value, 1, lang)
            )),
        ),
        (
            Term::MaxDrawdown.text(lang).to_string(),
            Cell::text(format!(
                "{} ({without}: {})",
                percent(s.max_drawdown, 1, lang),
                percent(s.buy_and_hold_max_drawdown, 1, lang)
            )),
        ),
        (
            term("text.traded_costs", lang).to_string(),
            Cell::text(format!("{}, {}", number(s.traded, 1, lang), number(s.costs, 2, lang))),
        ),
        (term("text.equity_share_at_the_end", lang).to_string(), Cell::percent(s.final_equity_share, 1)),
    ];
    d.gap();
    label_values(&mut d, "replay-key-figures", Term::Replay.text(lang), rows);
    d
}

/// [`replay_document`] as terminal text.
pub fn replay(r: &Replay, lang: Lang) -> String {
    document::text(&replay_document(r, lang), None)
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

/// The Monte Carlo section: what was run, each estimate with its standard
/// error, the distributions' quantiles, and what the figures mean.
#[allow(clippy::too_many_arguments, reason = "the figures, the run's set-up and the policy the notes cite")]
pub fn monte_carlo(
    d: &mut Document,
    s: &PortfolioStats,
    sim: &Simulation,
    threads: usize,
    elapsed: f64,
    policy: &crate::rule::Policy,
) {
    let lang = d.lang;
    d.heading(
        2,
        format!(
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
        ),
    );
    d.table_with(
        monte_carlo_table(s, lang),
        Layout::headed(&[Column::LEFT, Column::right(14), Column::right(16), Column::right(20)]),
    );
    d.para(monte_carlo_quantiles(s, lang));
    d.para(monte_carlo_notes(s, policy, lang));
}

/// Each estimate with its standard error and its 95 % interval
/// (`report::precision`).
/// A probability's row of [`monte_carlo_table`]: `< x` with no hits (and
/// no standard error, which would read as certainty), its Clopper-Pearson
/// interval beside it.
fn probability_row(s: &PortfolioStats, label: &str, p: f64, se: f64, ci: [f64; 2], lang: Lang) -> Vec<Cell> {
    let sample = s.sample(p, se);
    let se = if precision::certain(sample) {
        Cell::text("–")
    } else {
        Cell::text(format!("{} {}", number(se * 100.0, 2, lang), term("text.pp", lang)))
    };
    vec![
        Cell::text(label),
        Cell::shown(p, precision::estimate(p, ci, sample, 1, lang)),
        se,
        Cell::text(precision::interval_cell(ci, 1, lang)),
    ]
}

fn monte_carlo_table(s: &PortfolioStats, lang: Lang) -> Table {
    let pp = |x: f64| Cell::text(format!("{} {}", number(x * 100.0, 2, lang), term("text.pp", lang)));
    let row = |label: &str, v: Cell, se: Cell, ci: String| vec![Cell::text(label), v, se, Cell::text(ci)];
    let mut t = Table::new(
        "monte-carlo",
        "Monte Carlo",
        &["", term("text.estimate", lang), term("text.std_error", lang), term("precision.interval", lang)],
    );
    let mut probability =
        |label: &str, p: f64, se: f64, ci: [f64; 2]| t.push(probability_row(s, label, p, se, ci, lang));
    probability(
        term("text.floor_breach_within_12_months", lang),
        s.p_breach_12m,
        s.p_breach_12m_se,
        s.p_breach_12m_ci,
    );
    probability(
        term("text.floor_breach_within_the_horizon", lang),
        s.p_breach_horizon,
        s.p_breach_horizon_se,
        s.p_breach_horizon_ci,
    );
    // A mean: `± 1.96 se`, in its own unit.
    let range = |x: f64, se: f64, decimals: usize, unit: &str| {
        let [lo, hi] = mean_interval(x, se);
        format!("{}{unit}", precision::range(number(lo, decimals, lang), number(hi, decimals, lang)))
    };
    let pct_range = |x: f64, se: f64, decimals: usize| range(x * 100.0, se * 100.0, decimals, "\u{a0}%");
    let mkr_range = |x: f64, se: f64, decimals: usize| range(x, se, decimals, "\u{a0}mkr");
    t.push(row(
        term("text.down_weightings_a_year", lang),
        Cell::plain(s.downweights_per_year, 2),
        Cell::plain(s.downweights_per_year_se, 3),
        range(s.downweights_per_year, s.downweights_per_year_se, 2, ""),
    ));
    t.push(row(
        term("text.up_weightings_a_year", lang),
        Cell::plain(s.upweights_per_year, 2),
        Cell::plain(s.upweights_per_year_se, 3),
        range(s.upweights_per_year, s.upweights_per_year_se, 2, ""),
    ));
    t.push(row(
        term("text.equity_traded_a_year", lang),
        Cell::mkr(s.traded_per_year, 1),
        Cell::mkr(s.traded_per_year_se, 1),
        mkr_range(s.traded_per_year, s.traded_per_year_se, 1),
    ));
    t.push(row(
        term("text.trading_costs_a_year", lang),
        Cell::mkr(s.costs_per_year, 2),
        Cell::mkr(s.costs_per_year_se, 3),
        mkr_range(s.costs_per_year, s.costs_per_year_se, 2),
    ));
    t.push(row(
        term("text.mean_annual_return_nominal", lang),
        Cell::percent(s.mean_annual_return, 2),
        pp(s.mean_annual_return_se),
        pct_range(s.mean_annual_return, s.mean_annual_return_se, 2),
    ));
    t.push(row(
        term("text.mean_annual_return_real", lang),
        Cell::percent(s.mean_annual_real_return, 2),
        pp(s.mean_annual_real_return_se),
        pct_range(s.mean_annual_real_return, s.mean_annual_real_return_se, 2),
    ));
    if let (Some(p), Some(se)) = (s.p_rolling_5y_real_target, s.p_rolling_5y_real_target_se) {
        t.push(row(
            term("text.rolling_5_year_real_return", lang),
            Cell::percent(p, 1),
            pp(se),
            pct_range(p, se, 1),
        ));
    }
    t.push(row(
        term("text.cvar_95_12_month_return", lang),
        Cell::percent(s.cvar95_12m_return, 1),
        pp(s.cvar95_12m_return_se),
        pct_range(s.cvar95_12m_return, s.cvar95_12m_return_se, 1),
    ));
    let mut probability =
        |label: &str, p: f64, se: f64, ci: [f64; 2]| t.push(probability_row(s, label, p, se, ci, lang));
    probability(
        term("text.at_least_one_down_weighting", lang),
        s.p_downweight,
        s.p_downweight_se,
        s.p_downweight_ci,
    );
    probability(
        term("text.cash_lock_equity_10_for", lang),
        s.p_cash_lock,
        s.p_cash_lock_se,
        s.p_cash_lock_ci,
    );
    t
}

/// `4 321 mkr (4 280–4 360)`: a quantile and its interval, when the
/// paths give one.
fn with_interval(x: String, ci: Option<[f64; 2]>, f: impl Fn(f64) -> String) -> String {
    match ci {
        Some([lo, hi]) => format!("{x} ({}–{})", f(lo), f(hi)),
        None => x,
    }
}

/// The final value's, the largest fall's and the rebuilding's quantiles,
/// a line each; the headline quantiles with their 95 % intervals from the
/// order statistics.
fn monte_carlo_quantiles(s: &PortfolioStats, lang: Lang) -> String {
    let pct = |x: f64| percent(x, 1, lang);
    let bare_pct = |x: f64| number(x * 100.0, 1, lang);
    let bare_mkr = |x: f64| number(x, 0, lang);
    let f = &s.final_value;
    let fc = &s.final_value_ci;
    let mut out = format!(
        "{} p5 {}, p25 {}, p50 {}, p75 {}, p95 {}",
        term("text.final_value", lang),
        with_interval(mkr(f.p5, 0, lang), fc.p5, bare_mkr),
        mkr(f.p25, 0, lang),
        with_interval(mkr(f.p50, 0, lang), fc.p50, bare_mkr),
        mkr(f.p75, 0, lang),
        with_interval(mkr(f.p95, 0, lang), fc.p95, bare_mkr),
    );
    let m = &s.max_drawdown;
    let mc = &s.max_drawdown_ci;
    let _ = write!(
        out,
        "\n{} p50 {}, p95 {}, p99 {}",
        term("text.largest_fall_from_a_high", lang),
        with_interval(pct(m.p50), mc.p50, bare_pct),
        with_interval(pct(m.p95), mc.p95, bare_pct),
        pct(m.p99)
    );
    if let (Some(p), Some(m)) = (s.p_rebuilt, &s.months_to_rebuild) {
        let _ = write!(
            out,
            "\n{} {} {}, median {} {}",
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
fn monte_carlo_notes(s: &PortfolioStats, policy: &crate::rule::Policy, lang: Lang) -> String {
    let pts = |x: f64| number(x * 100.0, 0, lang);
    let no_hits = [
        (s.p_breach_12m, s.p_breach_12m_se),
        (s.p_breach_horizon, s.p_breach_horizon_se),
        (s.p_downweight, s.p_downweight_se),
        (s.p_cash_lock, s.p_cash_lock_se),
    ]
    .iter()
    .any(|&(p, se)| precision::no_hits(s.sample(p, se)));
    let lines: [String; 6] = [
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
        precision::definition(lang),
        precision::paths_line(s.paths, s.paired, no_hits, lang),
    ];
    lines.iter().map(|l| format!("- {l}")).collect::<Vec<_>>().join("\n")
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
