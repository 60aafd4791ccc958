//! Plain-text tables for the terminal and the day-by-day replay CSV.

use std::fmt::Write;

use chrono::NaiveDate;

use super::i18n::{Lang, Term, mkr, number, percent};
use crate::calendar::month_after;
use crate::replay::{Breach, DatedTrade, Replay};
use crate::rule::{Action, Constraint, Position};
use crate::scenario::{Scenario, Simulation};
use crate::stats::{LEVELS, MonthHistograms, PortfolioStats, SERIES};

/// The portfolio's position on the valuation date, as a treasurer would
/// paste it into a memo.
pub fn position(scenario: &Scenario, pos: &Position, lang: Lang) -> String {
    let sv = lang == Lang::Sv;
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
                if sv { "av högsta värdet" } else { "of the high" }
            ),
        ),
        (Term::Margin.text(lang), format!("{} = {}", pct(pos.margin), amount(pos.margin_amount))),
        (Term::FallToFloor.text(lang), pct(pos.margin)),
        (Term::EquityShare.text(lang), pct(pos.equity_share)),
        (Term::MaxEquityShare.text(lang), format!("{} ({})", pct(pos.max_equity_share), binding.text(lang))),
        (
            if sv { "Utrymme till maximal aktieandel" } else { "Room to the maximum" },
            format!(
                "{} {}",
                number((pos.max_equity_share - pos.equity_share) * 100.0, 1, lang),
                if sv { "procentenheter" } else { "percentage points" }
            ),
        ),
        (
            if sv { "Utrymme till aktietaket" } else { "Room to the cap" },
            format!(
                "{} {} ({})",
                number((pos.cap - pos.equity_share) * 100.0, 1, lang),
                if sv { "procentenheter" } else { "percentage points" },
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
        if sv {
            format!(
                "Riskmarginal = (marknadsvärde − skyddsnivå) / marknadsvärde, samma tal som fallet till skyddsnivån.\n\
                 Maximal aktieandel = riskmarginal / antaget stressfall för aktier ({}), högst aktietaket.",
                pct(p.equity_stress)
            )
        } else {
            format!(
                "Margin = (market value − floor) / market value, the same figure as the fall that reaches the floor.\n\
                 Maximum equity share = margin / assumed equity stress loss ({}), at most the cap.",
                pct(p.equity_stress)
            )
        }
    );
    out
}

fn trade_rows(out: &mut String, title: &str, trades: &[DatedTrade], lang: Lang) {
    let _ = writeln!(out, "{title}: {}", trades.len());
    if trades.is_empty() {
        return;
    }
    let change = if lang == Lang::Sv { "Förändring" } else { "Change" };
    let _ = writeln!(
        out,
        "  {:<12}{:<26}{:>12}{:>14}{:>10}",
        Term::Date.text(lang),
        Term::Size.text(lang),
        change,
        Term::Amount.text(lang),
        Term::Cost.text(lang)
    );
    let pp = if lang == Lang::Sv { "p.e." } else { "pp" };
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
    let sv = lang == Lang::Sv;
    let _ = writeln!(out, "{}: {}", Term::BreachDays.text(lang), breaches.len());
    if breaches.is_empty() {
        return;
    }
    let depth = if sv { "Djup under skyddsnivån" } else { "Depth under the floor" };
    let _ = writeln!(out, "  {:<12}{depth}", Term::Date.text(lang));
    let deepest = breaches.iter().max_by(|a, b| a.depth.total_cmp(&b.depth));
    for b in breaches.iter().take(SHOWN) {
        let _ = writeln!(out, "  {:<12}{}", b.date.to_string(), percent(b.depth, 2, lang));
    }
    if breaches.len() > SHOWN {
        let rest = breaches.len() - SHOWN;
        let _ = writeln!(
            out,
            "  … {rest} {}",
            if sv {
                "dagar till i replay.csv och summary.json"
            } else {
                "more days in replay.csv and summary.json"
            }
        );
        if let Some(b) = deepest {
            let label = if sv { "djupast" } else { "deepest" };
            let _ = writeln!(out, "  {:<12}{} ({label})", b.date.to_string(), percent(b.depth, 2, lang));
        }
    }
}

/// A replay's trades and key figures.
pub fn replay(r: &Replay, lang: Lang) -> String {
    let s = &r.summary;
    let sv = lang == Lang::Sv;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}, {} – {} ({} {}, {} {})",
        Term::Replay.text(lang),
        s.prices,
        s.start_date,
        s.end_date,
        s.trading_days,
        if sv { "handelsdagar" } else { "trading days" },
        s.month_ends,
        if sv { "månadsskiften" } else { "month-ends" },
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
    let without = if sv { "utan riskprincipen" } else { "without the rule" };
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
            if sv { "Omsatt, kostnader" } else { "Traded, costs" },
            format!("{}, {}", number(s.traded, 1, lang), number(s.costs, 2, lang)),
        ),
        (
            if sv { "Aktieandel vid slutet" } else { "Equity share at the end" },
            percent(s.final_equity_share, 1, lang),
        ),
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
    let sv = lang == Lang::Sv;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Monte Carlo: {} {}, {} {}, {} {}, {} {}, {} s",
        number(sim.paths as f64, 0, lang),
        if sv { "framtider" } else { "paths" },
        sim.horizon_months,
        if sv { "månader" } else { "months" },
        if sv { "frö" } else { "seed" },
        sim.seed,
        threads,
        if sv { "trådar" } else { "threads" },
        number(elapsed, 2, lang),
    );
    let pp = |x: f64| format!("{} {}", number(x * 100.0, 2, lang), if sv { "p.e." } else { "pp" });
    let pct = |x: f64| percent(x, 1, lang);
    let se_head = if sv { "± medelfel" } else { "± std. error" };
    let mut rows: Vec<(String, String, String)> = vec![
        (
            if sv { "Under skyddsnivån inom 12 månader" } else { "Floor breach within 12 months" }.into(),
            pct(s.p_breach_12m),
            pp(s.p_breach_12m_se),
        ),
        (
            if sv { "Under skyddsnivån inom horisonten" } else { "Floor breach within the horizon" }.into(),
            pct(s.p_breach_horizon),
            pp(s.p_breach_horizon_se),
        ),
        (
            if sv { "Nedviktningar per år" } else { "Down-weightings a year" }.into(),
            number(s.downweights_per_year, 2, lang),
            number(s.downweights_per_year_se, 3, lang),
        ),
        (
            if sv { "Uppviktningar per år" } else { "Up-weightings a year" }.into(),
            number(s.upweights_per_year, 2, lang),
            number(s.upweights_per_year_se, 3, lang),
        ),
        (
            if sv { "Omsättning aktier per år" } else { "Equity traded a year" }.into(),
            mkr(s.traded_per_year, 1, lang),
            mkr(s.traded_per_year_se, 1, lang),
        ),
        (
            if sv { "Handelskostnad per år" } else { "Trading costs a year" }.into(),
            mkr(s.costs_per_year, 2, lang),
            mkr(s.costs_per_year_se, 3, lang),
        ),
        (
            if sv { "Genomsnittlig årsavkastning, nominell" } else { "Mean annual return, nominal" }.into(),
            percent(s.mean_annual_return, 2, lang),
            pp(s.mean_annual_return_se),
        ),
        (
            if sv { "Genomsnittlig årsavkastning, real" } else { "Mean annual return, real" }.into(),
            percent(s.mean_annual_real_return, 2, lang),
            pp(s.mean_annual_real_return_se),
        ),
    ];
    if let (Some(p), Some(se)) = (s.p_rolling_5y_real_target, s.p_rolling_5y_real_target_se) {
        rows.push((
            if sv {
                "Rullande 5 år real avkastning ≥ 3,5 %"
            } else {
                "Rolling 5-year real return ≥ 3.5 %"
            }
            .into(),
            pct(p),
            pp(se),
        ));
    }
    rows.extend([
        (
            if sv { "CVaR 95 %, 12 månaders avkastning" } else { "CVaR 95 %, 12-month return" }.into(),
            percent(s.cvar95_12m_return, 1, lang),
            pp(s.cvar95_12m_return_se),
        ),
        (
            if sv { "Minst en nedviktning" } else { "At least one down-weighting" }.into(),
            pct(s.p_downweight),
            pp(s.p_downweight_se),
        ),
        (
            if sv {
                "Kassalås (aktieandel < 10 % i 12 mån)"
            } else {
                "Cash lock (equity < 10 % for 12 months)"
            }
            .into(),
            pct(s.p_cash_lock),
            pp(s.p_cash_lock_se),
        ),
    ]);
    let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let _ =
        writeln!(out, "{:<width$}  {:>14}  {:>16}", "", if sv { "skattning" } else { "estimate" }, se_head);
    for (k, v, se) in &rows {
        let _ = writeln!(out, "{k:<width$}  {v:>14}  {se:>16}");
    }
    let f = &s.final_value;
    let _ = writeln!(
        out,
        "{} p5 {}, p25 {}, p50 {}, p75 {}, p95 {}",
        if sv { "Slutvärde:" } else { "Final value:" },
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
        if sv { "Största fall från toppen:" } else { "Largest fall from a high:" },
        pct(d.p50),
        pct(d.p95),
        pct(d.p99)
    );
    if let (Some(p), Some(m)) = (s.p_rebuilt, &s.months_to_rebuild) {
        let _ = writeln!(
            out,
            "{} {} {}, median {} {}",
            if sv {
                "Efter första nedviktningen återuppbyggs aktieandelen i"
            } else {
                "After the first down-weighting the equity share is rebuilt in"
            },
            pct(p),
            if sv { "av fallen" } else { "of cases" },
            number(m.p50, 0, lang),
            if sv { "månader" } else { "months" },
        );
    }
    out
}

/// What the Monte Carlo table's figures mean and what drives them, one
/// line each, under the table: the figures a board asks about first.
pub fn monte_carlo_notes(s: &PortfolioStats, policy: &crate::rule::Policy, lang: Lang) -> String {
    let sv = lang == Lang::Sv;
    let pts = |x: f64| number(x * 100.0, 0, lang);
    let mut out = String::new();
    let lines: [String; 4] = if sv {
        [
            format!(
                "Nedviktningar per år ({}): hur ofta regeln säljer aktier. Det styrs mest av regelns handelsparametrar: en nedviktning säljer bara till {} procentenheter under den maximala aktieandelen, och vid månadsskiftet köps aktier tillbaka när andelen ligger {} procentenheter under den; regeln prövas varje handelsdag, och aktiernas volatilitet gör ett fall på några procent vanligt. Regionens egna rapporter nämner tre nedviktningar, alla i april 2025, och inga 2023–2024.",
                number(s.downweights_per_year, 1, lang),
                pts(policy.down_headroom),
                pts(policy.up_band)
            ),
            format!(
                "Under skyddsnivån: andelen framtider där värdet vid ett dagsslut ligger under {} % av 24-månadershögsta; det skyddar regeln mot, så talet är litet.",
                pts(policy.floor_share())
            ),
            "Största fall från toppen: värdets största fall från sin högsta nivå under perioden, dag för dag. Det kan överstiga 20 % utan att skyddsnivån underskrids, eftersom skyddsnivån räknas från 24-månadershögsta vid månadsslut och sjunker när en gammal topp lämnar fönstret.".to_string(),
            "Avkastningen vilar på marknadsmodellens långsiktiga antagande (tabellen Modell och historia nedan, med källa).".to_string(),
        ]
    } else {
        [
            format!(
                "Down-weightings a year ({}): how often the rule sells equities. The rule's trading parameters drive it most: a down-weighting sells only to {} points below the maximum equity share, and at a month end equities are bought back when the share is {} points below it; the rule is checked every trading day, and at equity volatility a fall of a few percent is ordinary. The region's own reports mention three down-weightings, all in April 2025, and none in 2023-2024.",
                number(s.downweights_per_year, 1, lang),
                pts(policy.down_headroom),
                pts(policy.up_band)
            ),
            format!(
                "Floor breach: the share of futures in which the value at a day's close is below {} % of the 24-month high; that is what the rule guards against, so the figure is small.",
                pts(policy.floor_share())
            ),
            "Largest fall from a high: the value's largest fall from its highest level over the period, day by day. It can exceed 20 % without a floor breach, because the floor is set from the 24-month high at month ends and falls when an old high leaves the window.".to_string(),
            "Returns rest on the market model's long-run assumption (the table Model beside history below, with its source).".to_string(),
        ]
    };
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
