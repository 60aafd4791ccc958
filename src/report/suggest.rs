//! The suggestion as terminal text a treasurer can paste into a decision
//! memo, in Swedish or English: laid out as a [`Document`] and written by
//! its text renderer. Every figure comes from [`Suggestion`]; nothing is
//! computed here but its presentation.

use super::document::{self, Column, Document, Layout};
use super::i18n::{Lang, Term, mkr, number, percent};
use super::precision;
use super::table::{Cell, Table};
use super::terms::{term, term_with};
use crate::rule::{Action, Constraint, Policy, TradeKind};
use crate::stats::interval::{Sample, probability_interval};
use crate::suggest::{Moves, MovesFrom, Suggestion};

/// A market move as a percentage: two decimals under 1 %, so that a small
/// move does not print as 0.
fn move_pct(x: f64, lang: Lang) -> String {
    percent(x, if x.abs() < 0.01 { 2 } else { 1 }, lang)
}

/// Percentage points.
fn points(x: f64, decimals: usize, lang: Lang) -> String {
    format!("{} {}", number(x * 100.0, decimals, lang), term("suggest.points", lang))
}

/// Rows of `label  value`, labels padded to the longest.
fn rows(d: &mut Document, name: &str, rows: &[(String, String)]) {
    let mut t = Table::new(name, name, &["measure", "value"]);
    for (k, v) in rows {
        t.push(vec![Cell::text(k.as_str()), Cell::text(v.as_str())]);
    }
    d.table_with(t, Layout::rows(&[Column::LEFT, Column::LEFT]));
}

fn heading(d: &mut Document, text: &str) {
    d.heading(2, text);
}

/// The whole suggestion as terminal text: position, action, market
/// moves, outlook.
pub fn suggestion(s: &Suggestion, policy: &Policy, lang: Lang) -> String {
    document::text(&suggestion_document(s, policy, lang), None)
}

/// The whole suggestion as a document: the title and the scenario, four
/// numbered sections indented under their headings, and the definitions.
pub fn suggestion_document(s: &Suggestion, policy: &Policy, lang: Lang) -> Document {
    let title = format!("{} {}", term("suggest.suggestion_under_the_dynamic_risk", lang), s.valuation_date);
    let mut d = Document::new(lang, title.clone());
    d.heading(1, title);
    d.para(s.scenario.to_string());
    position(&mut d, s, policy, lang);
    action(&mut d, s, policy, lang);
    moves(&mut d, s, lang);
    outlook(&mut d, s, lang);
    definitions(&mut d, policy, lang);
    d
}

fn position(d: &mut Document, s: &Suggestion, policy: &Policy, lang: Lang) {
    let p = &s.position;
    let amount = |x| mkr(x, 1, lang);
    let pct = |x| percent(x, 1, lang);
    heading(d, term("suggest.n1_todays_position", lang));
    d.indent(2);
    let high_when = match s.high_date {
        Some(d) => format!("{} {d}", term("suggest.month_end", lang)),
        None => term("suggest.the_funds_start_value", lang).to_string(),
    };
    let binding = match p.binding {
        Constraint::Floor => Term::BindingFloor,
        Constraint::Cap => Term::BindingCap,
    };
    rows(
        d,
        "suggest-position",
        &[
            (Term::MarketValue.text(lang).into(), amount(p.value)),
            (term("suggest.high_24_months", lang).into(), format!("{} ({high_when})", amount(p.high))),
            (
                Term::Floor.text(lang).into(),
                format!(
                    "{} ({} {})",
                    amount(p.floor),
                    percent(policy.floor_share(), 0, lang),
                    term("suggest.of_the_high", lang)
                ),
            ),
            (Term::Margin.text(lang).into(), format!("{} = {}", pct(p.margin), amount(p.margin_amount))),
            (
                Term::MaxEquityShare.text(lang).into(),
                format!("{} ({})", pct(p.max_equity_share), binding.text(lang)),
            ),
            (Term::EquityShare.text(lang).into(), pct(p.equity_share)),
            (term("suggest.distance_to_the_maximum", lang).into(), points(s.room_to_max, 1, lang)),
            (
                format!("{} {}", term("suggest.distance_to_the_cap_of", lang), percent(p.cap, 0, lang)),
                points(s.room_to_cap, 1, lang),
            ),
        ],
    );
}

fn action(d: &mut Document, s: &Suggestion, policy: &Policy, lang: Lang) {
    let p = &s.position;
    let pct = |x| percent(x, 1, lang);
    heading(d, term("suggest.n2_what_the_rule_requires", lang));
    let binding = match p.binding {
        Constraint::Floor => term("suggest.the_floor_through_the_margin", lang),
        Constraint::Cap => term("suggest.the_equity_cap", lang),
    };
    match p.action {
        Action::Hold => {
            d.para(format!("{}.", capitalised(Term::Hold.text(lang))));
            d.para(format!(
                "{} {} {} {};\n{} {} {} ({} {}).",
                term("suggest.the_equity_share", lang),
                pct(p.equity_share),
                term("suggest.is_under_the_maximum_of", lang),
                pct(p.max_equity_share),
                term("suggest.an_up_weighting_needs_a", lang),
                points(policy.up_band, 0, lang),
                term("suggest.at_a_month_end", lang),
                term("suggest.today", lang),
                points(s.up_room, 1, lang),
            ));
        }
        Action::Sell { to_share, amount, cost } | Action::MayBuy { to_share, amount, cost } => {
            let sell = matches!(p.action, Action::Sell { .. });
            let (what, verb, headroom) = if sell {
                (
                    term("suggest.down_weighting_required_now", lang),
                    term("suggest.sell", lang),
                    policy.down_headroom,
                )
            } else {
                (
                    term("suggest.up_weighting_allowed_at_the", lang),
                    term("suggest.buy_up_to", lang),
                    policy.up_headroom,
                )
            };
            let floored = if to_share <= 0.0 { term("suggest.at_least_0", lang) } else { "" };
            d.para(format!(
                "{what}: {verb} {} {}, {} → {}\n({} {} {} {}{floored}); {} {}.",
                mkr(amount, 1, lang),
                term("suggest.of_equities", lang),
                pct(p.equity_share),
                pct(to_share),
                term("suggest.the_maximum_equity_share", lang),
                pct(p.max_equity_share),
                term("suggest.less", lang),
                points(headroom, 0, lang),
                Term::Cost.text(lang).to_lowercase(),
                mkr(cost, 2, lang),
            ));
        }
    }
    d.para(format!("{} {binding}.", term("suggest.the_maximum_is_set_by", lang)));
    if let Some(plan) = &s.trade {
        let head = [
            term("suggest.asset_class", lang),
            term("suggest.holding", lang),
            term("suggest.buy_sell", lang),
            term("suggest.after_cost", lang),
        ];
        let mut table = Table::new("suggest-trades", "suggest-trades", &head);
        for o in &plan.orders {
            let sign = if o.change > 0.0 { "+" } else { "" };
            table.push(vec![
                Cell::text(o.asset_class.as_str()),
                Cell::mkr(o.holding_before, 1),
                Cell::text(format!("{sign}{}", mkr(o.change, 1, lang))),
                Cell::mkr(o.holding_after, 1),
            ]);
        }
        d.gap();
        d.table_with(
            table,
            Layout::headed(&[Column::LEFT, Column::right(12), Column::right(18), Column::right(14)]),
        );
        let what = match plan.kind {
            TradeKind::Down => term("suggest.equities_are_sold_pro_rata", lang),
            TradeKind::Up => term("suggest.equities_are_bought_by_the", lang),
        };
        d.para(format!("{what}; {}.", term("suggest.the_cost_is_taken_from", lang)));
    }
}

/// One line per move; `None` and 0 said in words.
fn move_text(x: Option<f64>, now: &str, never: &str, lang: Lang) -> String {
    match x {
        Some(x) if x <= 0.0 => now.to_string(),
        Some(x) => move_pct(x, lang),
        None => never.to_string(),
    }
}

fn moves(d: &mut Document, s: &Suggestion, lang: Lang) {
    heading(d, term("suggest.n3_how_far_markets_can", lang));
    if s.moves_from == MovesFrom::AfterSale {
        d.para(term("suggest.from_the_holdings_after_the", lang));
    }
    let m = &s.moves;
    let fall_now = term("suggest.required_already", lang);
    rows(
        d,
        "suggest-moves",
        &[
            (
                term("suggest.equity_fall_that_triggers_a", lang).into(),
                move_text(m.downweight_fall, fall_now, term("suggest.none_no_equities", lang), lang),
            ),
            (
                term("suggest.equity_fall_that_reaches_the", lang).into(),
                move_text(
                    m.floor_fall,
                    term("suggest.under_the_floor_already", lang),
                    term("suggest.none_even_a_total_loss", lang),
                    lang,
                ),
            ),
            (
                term("suggest.equity_rise_that_brings_an", lang).into(),
                format!(
                    "{} {}",
                    move_text(
                        m.upweight_rise,
                        term("suggest.none_needed", lang),
                        term("suggest.none_a_rise_alone_does", lang),
                        lang
                    ),
                    term("suggest.at_the_next_month_end", lang)
                ),
            ),
        ],
    );
    match &s.currency {
        None => {
            d.gap();
            d.para(term("suggest.no_market_in_the_scenario", lang));
        }
        Some(table) => {
            d.gap();
            d.para(format!(
                "{} {} {}):",
                term("suggest.together_with_a_move_in", lang),
                percent(table.hedge_ratio, 0, lang),
                term("suggest.currency_hedged", lang)
            ));
            let head = [
                term("suggest.sek_per_usd", lang),
                term("suggest.fall_to_down_weighting", lang),
                term("suggest.fall_to_the_floor", lang),
                term("suggest.rise_to_up_weighting", lang),
            ];
            let mut currency = Table::new("suggest-currency", "suggest-currency", &head);
            for r in &table.rows {
                let Moves { downweight_fall, floor_fall, upweight_rise } = r.moves;
                let sign = if r.sek_per_usd > 0.0 { "+" } else { "" };
                currency.push(vec![
                    Cell::text(format!("{sign}{}", percent(r.sek_per_usd, 0, lang))),
                    Cell::text(move_text(downweight_fall, fall_now, "–", lang)),
                    Cell::text(move_text(floor_fall, term("suggest.under_already", lang), "–", lang)),
                    Cell::text(move_text(upweight_rise, term("suggest.none_needed", lang), "–", lang)),
                ]);
            }
            d.table_with(
                currency,
                Layout::headed(&[Column::right(14), Column::right(24), Column::right(24), Column::right(26)]),
            );
            d.para(term("suggest.the_falls_and_rises_are", lang));
        }
    }
}

fn outlook(d: &mut Document, s: &Suggestion, lang: Lang) {
    let Some(o) = &s.outlook else {
        heading(d, term("suggest.n4_what_may_come_next", lang));
        d.para(term("suggest.no_market_in_the_scenario_2", lang));
        return;
    };
    heading(
        d,
        &format!(
            "{} {} {}, {} {}, {} {})",
            term("suggest.n4_what_may_come_next_2", lang),
            o.months,
            term("suggest.months", lang),
            number(o.paths as f64, 0, lang),
            term("suggest.simulated_paths", lang),
            term("suggest.seed", lang),
            o.seed
        ),
    );
    // Two decimals for a probability under 1 %, so that it does not read as 0.
    let pct = |x: f64| percent(x, if x < 0.01 { 2 } else { 1 }, lang);
    let se = |x: f64| format!("± {}", points(x, 2, lang));
    let lines = [
        (term("suggest.down_weighting_within_1_month", lang), o.p_downweight_1m, o.p_downweight_1m_se),
        (term("suggest.down_weighting_within_3_months", lang), o.p_downweight_3m, o.p_downweight_3m_se),
        (term("suggest.down_weighting_within_12_months", lang), o.p_downweight_12m, o.p_downweight_12m_se),
        (term("suggest.under_the_floor_within_12", lang), o.p_breach_12m, o.p_breach_12m_se),
        (term("suggest.expected_equity_share_in_3", lang), o.equity_share_3m, o.equity_share_3m_se),
        (term("suggest.expected_equity_share_in_12", lang), o.equity_share_12m, o.equity_share_12m_se),
    ];
    let none = format!(
        "({} {} {})",
        term("suggest.none_of_the", lang),
        number(o.paths as f64, 0, lang),
        term("suggest.paths", lang)
    );
    let mut table = Table::new("suggest-outlook", "suggest-outlook", &["measure", "estimate", "spread"]);
    for (i, (k, v, e)) in lines.into_iter().enumerate() {
        let spread = if v == 0.0 { none.clone() } else { se(e) };
        // The first four are probabilities over the paths: `< x` at no
        // hits, the interval beside a small count (`report::precision`).
        let estimate = if i < 4 {
            let sample = Sample::Plain { hits: (v * o.paths as f64).round() as usize, n: o.paths };
            precision::probability(
                v,
                probability_interval(sample),
                sample,
                if v < 0.01 { 2 } else { 1 },
                lang,
            )
        } else {
            pct(v)
        };
        table.push(vec![Cell::text(k), Cell::text(estimate), Cell::text(spread)]);
    }
    d.table_with(table, Layout::rows(&[Column::LEFT, Column::right(8), Column::LEFT]));
    d.para(term("suggest.is_the_monte_carlo_standard", lang));
    d.para(term("suggest.the_odds_of_a_down", lang));
}

fn definitions(d: &mut Document, policy: &Policy, lang: Lang) {
    let pct = |x| percent(x, 0, lang);
    d.indent(0);
    d.gap();
    let text = term_with(
        "suggest.definitions",
        lang,
        &[
            ("equity_stress", &percent(policy.equity_stress, 0, lang)),
            ("cap", &pct(policy.cap)),
            ("down_headroom", &points(policy.down_headroom, 0, lang)),
            ("up_band", &points(policy.up_band, 0, lang)),
            ("up_headroom", &points(policy.up_headroom, 0, lang)),
            ("target", &pct(policy.target)),
        ],
    );
    d.para(text);
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().collect::<String>() + c.as_str())
}

/// Every file `suggest` writes: suggest.json and the chart as SVG and PNG.
pub fn files(
    inputs: &super::summary::SuggestInputs<'_>,
    policy: &Policy,
    s: &Suggestion,
    lang: Lang,
) -> crate::Result<Vec<super::run::File>> {
    let title = format!("{}: {}", Term::Position.text(lang), s.scenario);
    let json = super::summary::suggest(inputs, policy, s)?;
    let chart = super::chart::suggest_chart(s, &title, lang)?;
    Ok(vec![
        ("suggest.json".into(), json.into_bytes()),
        ("suggest.svg".into(), chart.svg.into_bytes()),
        ("suggest.png".into(), chart.png),
    ])
}
