//! The periodic risk report on paper: a [`RiskReport`] as a
//! [`Document`] of headings, paragraphs, tables and charts, written out
//! once as Markdown and once as one self-contained HTML page (the
//! renderers of `report::document`), so the two carry the same content.
//! Tables are [`Table`]s, so the CSV files and a workbook are the same
//! cells.

use std::fmt::Write as _;

use chrono::Datelike;

use super::chart;
use super::document::{self, Document};
use super::i18n::{Lang, number, percent};
use super::precision;
use super::table::{Cell, Table};
use super::terms::{term, term_in, term_with};
use crate::error::Result;
use crate::periodic::period::Kind;
use crate::periodic::{
    Limit, Measure, Missing, ModelSummary, Part, RiskReport, ShockModel, ShortRateModel, Status,
    StrategySource, Unit,
};

/// The months' names by their keys in the catalogue's `periodic.month`.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_name(month: u32, lang: Lang) -> &'static str {
    let i = (month as usize).saturating_sub(1).min(11);
    term_in("periodic.month", MONTHS[i], lang).unwrap_or_default()
}

/// "andra tertialet 2025 (maj–augusti)" / "second tertial 2025 (May–August)".
fn period_words(r: &RiskReport, lang: Lang) -> String {
    let p = r.period;
    let ordinal = match p.number {
        1 => term("periodic.first", lang),
        2 => term("periodic.second", lang),
        3 => term("periodic.third", lang),
        _ => term("periodic.fourth", lang),
    };
    let kind = match p.kind {
        Kind::Tertial => term("periodic.tertial", lang),
        Kind::Quarter => term("periodic.quarter", lang),
    };
    format!(
        "{ordinal} {kind} {} ({}–{})",
        p.year,
        month_name(p.first_month(), lang),
        month_name(p.last_month(), lang)
    )
}

/// The status in words: the colour alone never carries it.
pub fn status_word(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Met => term("periodic.met", lang),
        Status::Partly => term("periodic.partly_met", lang),
        Status::NotMet => term("periodic.not_met", lang),
        Status::NoLimit => "–",
    }
}

/// A measure's name.
fn label(key: &str, lang: Lang) -> String {
    term_in("periodic.measure", key, lang).map_or_else(|| key.to_string(), str::to_string)
}

fn value_cell(value: f64, unit: Unit) -> Cell {
    match unit {
        Unit::Percent => Cell::percent(value, 1),
        Unit::Rate => Cell::percent(value, 2),
        Unit::Mkr => Cell::mkr(value, 1),
        Unit::Years | Unit::Number => Cell::plain(value, 2),
    }
}

/// A standard error beside its figure: a share's in percentage points.
fn se_cell(se: f64, unit: Unit) -> Cell {
    match unit {
        Unit::Percent | Unit::Rate => Cell::points(se, 2),
        other => value_cell(se, other),
    }
}

fn limit_text(limit: Option<Limit>, unit: Unit, lang: Lang) -> String {
    let show = |x: f64| match unit {
        Unit::Percent | Unit::Rate => percent(x, 1, lang),
        Unit::Mkr => format!("{}\u{a0}mkr", number(x, 0, lang)),
        Unit::Years => format!("{} {}", number(x, 1, lang), term("periodic.years", lang)),
        Unit::Number => number(x, 2, lang),
    };
    match limit {
        None => String::new(),
        Some(Limit::AtMost { max }) => format!("{} {}", term("periodic.at_most", lang), show(max)),
        Some(Limit::AtLeast { min }) => format!("{} {}", term("periodic.at_least", lang), show(min)),
        Some(Limit::Between { lo, hi }) => {
            let unit_word = if unit == Unit::Years {
                term("periodic.years_suffix", lang).to_string()
            } else {
                String::new()
            };
            format!("{}–{}{unit_word}", number(lo, 1, lang), number(hi, 1, lang))
        }
    }
}

/// A measure's 95 % interval in its unit.
fn interval_text(ci: [f64; 2], m: &Measure, lang: Lang) -> String {
    match m.unit {
        Unit::Percent if m.sample.is_some() => precision::interval_cell(ci, 1, lang),
        Unit::Percent | Unit::Rate => {
            let d = if m.unit == Unit::Rate { 2 } else { 1 };
            format!(
                "{}\u{a0}%",
                precision::range(number(ci[0] * 100.0, d, lang), number(ci[1] * 100.0, d, lang))
            )
        }
        Unit::Mkr => format!("{}\u{a0}mkr", precision::range(number(ci[0], 1, lang), number(ci[1], 1, lang))),
        Unit::Years | Unit::Number => precision::range(number(ci[0], 2, lang), number(ci[1], 2, lang)),
    }
}

/// A section's measures as a table: figure, value, Monte Carlo error,
/// limit, status.
fn measures_table(name: &str, title: String, measures: &[Measure], lang: Lang) -> Table {
    // The interval column only where some figure has an interval.
    let intervals = measures.iter().any(|m| m.ci.is_some());
    let mut columns = vec![
        term("periodic.measure_column", lang),
        term("periodic.value", lang),
        term("periodic.standard_error_mc", lang),
        term("precision.interval", lang),
        term("periodic.target_limit", lang),
        term("periodic.status", lang),
    ];
    if !intervals {
        columns.remove(3);
    }
    let mut table = Table::new(name, title, &columns);
    for m in measures {
        let mut row = vec![
            Cell::text(label(m.key, lang)),
            match m.sample {
                Some(sample) if precision::certain(sample) => Cell::shown(
                    m.value,
                    precision::estimate(m.value, m.ci.unwrap_or([0.0, 1.0]), sample, 1, lang),
                ),
                _ => value_cell(m.value, m.unit),
            },
            // An error a tenth of the figure's last decimal still shows;
            // none at no hits, where zero would read as certainty.
            match (m.se, m.sample) {
                (Some(_), Some(sample)) if precision::certain(sample) => Cell::text("–"),
                (se, _) => se.map_or(Cell::Empty, |se| se_cell(se, m.unit)),
            },
            m.ci.map_or(Cell::Empty, |ci| Cell::text(interval_text(ci, m, lang))),
            // The margin's limit is the floor itself: "at least 0 %" says
            // the same in a way no reader takes in.
            Cell::text(if m.key == "margin" && m.limit == Some(Limit::AtLeast { min: 0.0 }) {
                term("periodic.above_the_floor", lang).to_string()
            } else {
                limit_text(m.limit, m.unit, lang)
            }),
            Cell::text(status_word(m.status, lang)),
        ];
        if !intervals {
            row.remove(3);
        }
        table.push(row);
    }
    table
}

/// Why a part is left out, in words.
pub fn missing_text(m: Missing, lang: Lang) -> String {
    match m {
        Missing::NoMarket => term("periodic.missing_market", lang).to_string(),
        Missing::NoDebt => term("periodic.missing_debt", lang).to_string(),
        Missing::NoLiquidity => term("periodic.missing_liquidity", lang).to_string(),
        Missing::NoObligations => term("periodic.missing_obligations", lang).to_string(),
        Missing::NoStressLibrary => term("periodic.missing_stress_library", lang).to_string(),
    }
}

/// `text` with each hyphen between two digits made non-breaking, so that
/// a date (2025-08-31) never wraps inside a heading.
fn unbreakable_dates(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let digit = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(char::is_ascii_digit);
            if c == '-' && digit(i.checked_sub(1)) && digit(Some(i + 1)) { '\u{2011}' } else { c }
        })
        .collect()
}

/// The report laid out in `lang`, charts drawn.
///
/// # Errors
/// A chart that cannot be drawn.
pub fn document(r: &RiskReport, lang: Lang) -> Result<Document> {
    let title = format!("{} {}: {}", term("periodic.financial_risk_report", lang), r.period, r.scenario);
    let mut d = Document::new(lang, title.clone());
    d.heading(1, unbreakable_dates(&title));
    d.para(format!(
        "{} {} ({} – {}). {} {}.",
        term("periodic.period", lang),
        period_words(r, lang),
        r.period_start,
        r.period_end,
        term("periodic.valuation_date", lang),
        r.valuation_date
    ));
    d.para(term("periodic.status_against_targets_and_limits", lang));
    portfolio(&mut d, r);
    risk(&mut d, r)?;
    obligations(&mut d, r)?;
    debt(&mut d, r)?;
    liquidity(&mut d, r)?;
    comparison(&mut d, r);
    method(&mut d, r);
    Ok(d)
}

fn portfolio(d: &mut Document, r: &RiskReport) {
    let lang = d.lang;
    let p = &r.portfolio;
    let pos = &p.position;
    let month = month_name(r.valuation_date.month(), lang);
    d.heading(2, term("periodic.the_pension_portfolio", lang));
    let title =
        format!("{} {month} {}", term("periodic.the_pension_portfolio_as_of", lang), r.valuation_date.year());
    d.table(measures_table("portfolio", title, &p.measures, lang));
    let relation = if pos.max_equity_share >= pos.equity_share {
        term("periodic.above", lang)
    } else {
        term("periodic.below", lang)
    };
    let sentence = term_with(
        "periodic.position_sentence",
        lang,
        &[
            ("period", &period_words(r, lang).split(" (").next().unwrap_or_default()),
            ("margin", &percent(pos.margin, 1, lang)),
            ("max_equity_share", &percent(pos.max_equity_share, 1, lang)),
            ("relation", &relation),
            ("equity_share", &percent(pos.equity_share, 1, lang)),
            ("margin_amount", &super::i18n::mkr(pos.margin_amount, 0, lang)),
            ("floor", &super::i18n::mkr(pos.floor, 0, lang)),
        ],
    );
    d.para(sentence);
    let action = match &p.trade {
        None => term("periodic.hold", lang).to_string(),
        Some(plan) => {
            let kind = match plan.kind {
                crate::rule::TradeKind::Down => term("periodic.down_weighting_required", lang).to_string(),
                crate::rule::TradeKind::Up => term("periodic.up_weighting_room", lang).to_string(),
            };
            format!(
                "{kind}: {} {} → {}, {}.",
                term("periodic.equity_share", lang),
                percent(plan.equity_before, 1, lang),
                percent(plan.equity_after, 1, lang),
                super::i18n::mkr(plan.amount, 1, lang)
            )
        }
    };
    let fall = p.moves.downweight_fall.map(|f| {
        format!(" {} {}.", term("periodic.equity_fall_to_down_weighting", lang), percent(f, 1, lang))
    });
    d.para(format!("{}{}", action, fall.unwrap_or_default()));
    let ytd = match &p.year_to_date {
        Some(y) => term_with(
            "periodic.year_to_date",
            lang,
            &[("from", &y.from), ("from_value", &super::i18n::mkr(y.from_value, 1, lang))],
        ),
        None => term("periodic.year_to_date_unknown", lang).to_string(),
    };
    d.para(format!(
        "{ytd} {} {}",
        term("periodic.benchmark_note", lang),
        term_with(
            "periodic.the_historical_long_term_return",
            lang,
            &[("history_month_ends", &p.history_month_ends)]
        )
    ));
}

fn risk(d: &mut Document, r: &RiskReport) -> Result<()> {
    let lang = d.lang;
    d.heading(2, term("periodic.forward_looking_risk", lang));
    match &r.risk {
        Part::Missing(m) => d.para(missing_text(*m, lang)),
        Part::Shown(s) => {
            let sim = s.simulation;
            d.para(term_with(
                "periodic.paths_simulated_futures_over_horizon",
                lang,
                &[
                    ("paths", &number(sim.paths as f64, 0, lang)),
                    ("horizon_months", &sim.horizon_months),
                    ("seed", &sim.seed),
                ],
            ));
            d.table(measures_table("risk", term("periodic.risk_ahead", lang).to_string(), &s.measures, lang));
            let bound = s.measures.iter().any(|m| m.sample.is_some_and(precision::no_hits));
            d.para(format!(
                "{} {}",
                precision::definition(lang),
                precision::paths_line(sim.paths, s.stats.paired, bound, lang)
            ));
            risk_definitions(d, r, s);
            let title = format!(
                "Monte Carlo {}: {} {}",
                r.scenario,
                number(sim.paths as f64, 0, lang),
                term("periodic.paths", lang)
            );
            let pos = &r.portfolio.position;
            let label = s.high_leaves.map(|h| {
                term_with(
                    "periodic.high_leaves_label",
                    lang,
                    &[("month", &month_year(h.high_date, lang)), ("window", &r.method.policy.window_months)],
                )
            });
            let marker = s.high_leaves.zip(label.as_deref()).map(|(h, l)| (h.date, l));
            let fan = chart::fan_chart_marked(
                &s.months,
                r.valuation_date,
                (pos.value, pos.equity_share, pos.cap),
                marker,
                &title,
                lang,
            )?;
            d.chart("fan", title, fan);
            if let Some(h) = s.high_leaves {
                let next = h.next.map_or_else(String::new, |n| {
                    term_with(
                        "periodic.high_leaves_next",
                        lang,
                        &[
                            ("month", &month_year(n.date, lang)),
                            ("high", &super::i18n::mkr(n.value, 0, lang)),
                        ],
                    )
                });
                d.para(term_with(
                    "periodic.high_leaves",
                    lang,
                    &[
                        ("date", &h.date),
                        ("month", &month_year(h.high_date, lang)),
                        ("high", &super::i18n::mkr(h.high, 0, lang)),
                        ("window", &r.method.policy.window_months),
                        ("next", &next),
                        ("before", &percent(h.equity_median_before, 0, lang)),
                        ("after", &percent(h.equity_median_after, 0, lang)),
                    ],
                ));
            }
        }
    }
    d.heading(3, term("periodic.stress_tests", lang));
    match &r.stress {
        Part::Missing(m) => d.para(missing_text(*m, lang)),
        Part::Shown(rows) => {
            let columns = [
                term("periodic.stress", lang),
                term("periodic.down_weightings", lang),
                term("periodic.equity_share_at_start", lang),
                term("periodic.lowest_equity_share", lang),
                term("periodic.lowest_margin", lang),
                term("periodic.days_under_the_floor", lang),
                term("periodic.largest_fall", lang),
                term("periodic.largest_fall_without_the_rule", lang),
                term("periodic.final_value_against_buy_and", lang),
            ];
            let mut table = Table::new("stress", term("periodic.stress_tests", lang).to_string(), &columns);
            for row in rows {
                table.push(vec![
                    Cell::text(if lang == Lang::Sv { &row.title_sv } else { &row.title_en }),
                    Cell::plain(row.downweights as f64, 0),
                    Cell::percent(row.start_equity_share, 1),
                    Cell::percent(row.lowest_equity_share, 1),
                    Cell::percent(row.min_margin, 1),
                    Cell::plain(row.breach_days as f64, 0),
                    Cell::percent(row.max_drawdown, 1),
                    Cell::percent(row.buy_and_hold_max_drawdown, 1),
                    Cell::percent(row.vs_buy_and_hold, 1),
                ]);
            }
            d.table(table);
            stress_notes(d, rows);
        }
    }
    Ok(())
}

/// "januari 2025" / "January 2025".
fn month_year(date: chrono::NaiveDate, lang: Lang) -> String {
    let name = month_name(date.month(), lang);
    let name = if lang == Lang::En {
        let mut c = name.chars();
        c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
    } else {
        name.to_string()
    };
    format!("{name} {}", date.year())
}

/// One line a figure of the risk table: what it is and what drives it.
fn risk_definitions(d: &mut Document, r: &RiskReport, s: &crate::periodic::RiskSection) {
    let lang = d.lang;
    let p = &r.method.policy;
    let pos = &r.portfolio.position;
    let pts = |x: f64| number(x * 100.0, 0, lang);
    let floor_share = pts(1.0 - p.max_drawdown);
    let window = p.window_months.to_string();
    d.para(term_with("periodic.define_breach", lang, &[("floor_share", &floor_share), ("window", &window)]));
    let fall = r.portfolio.moves.downweight_fall.map_or_else(|| "–".to_string(), |f| percent(f, 1, lang));
    d.para(term_with(
        "periodic.define_down_weighting",
        lang,
        &[
            ("per_year", &number(s.stats.downweights_per_year, 1, lang)),
            ("margin", &percent(pos.margin, 1, lang)),
            ("max_equity_share", &percent(pos.max_equity_share, 1, lang)),
            ("equity_share", &percent(pos.equity_share, 1, lang)),
            ("fall", &fall),
            ("down_headroom", &pts(p.down_headroom)),
            ("up_band", &pts(p.up_band)),
        ],
    ));
    d.para(term_with(
        "periodic.define_largest_fall",
        lang,
        &[
            ("p95", &percent(s.stats.max_drawdown.p95, 0, lang)),
            ("max_drawdown", &percent(p.max_drawdown, 0, lang)),
            ("window", &window),
        ],
    ));
    d.para(term("periodic.define_cvar_var", lang));
    d.para(term("periodic.define_cash_lock", lang));
}

/// Each stress's source, and why the rule can fall further than buy and
/// hold where it did.
fn stress_notes(d: &mut Document, rows: &[crate::periodic::StressRow]) {
    let lang = d.lang;
    let title = |row: &crate::periodic::StressRow| {
        if lang == Lang::Sv { row.title_sv.clone() } else { row.title_en.clone() }
    };
    for row in rows.iter().filter(|row| row.max_drawdown > row.buy_and_hold_max_drawdown) {
        d.para(term_with(
            "periodic.whipsaw",
            lang,
            &[
                ("stress", &title(row)),
                ("with_rule", &percent(row.max_drawdown, 1, lang)),
                ("without", &percent(row.buy_and_hold_max_drawdown, 1, lang)),
                ("downweights", &row.downweights),
                ("vs_buy_and_hold", &percent(row.vs_buy_and_hold, 1, lang)),
            ],
        ));
    }
    d.para(term("periodic.stress_sources", lang));
    for row in rows {
        let source = if lang == Lang::Sv { &row.source_sv } else { &row.source };
        let end = if source.ends_with('.') { "" } else { "." };
        d.para(format!("{}: {source}{end}", title(row)));
    }
}

fn obligations(d: &mut Document, r: &RiskReport) -> Result<()> {
    let lang = d.lang;
    d.heading(2, term("periodic.the_pension_obligation", lang));
    let s = match &r.obligations {
        Part::Missing(m) => {
            d.para(missing_text(*m, lang));
            return Ok(());
        }
        Part::Shown(s) => s,
    };
    let o = &s.outlook;
    let denominator = super::obligations::denominator_label(o.denominator, lang);
    d.para(term_with(
        "periodic.the_target_a_konsolideringsgrad_of",
        lang,
        &[
            ("target_year", &o.target_year),
            ("paths", &number(o.paths as f64, 0, lang)),
            ("seed", &o.seed),
            ("denominator", &denominator),
        ],
    ));
    d.table(measures_table(
        "obligations",
        term("periodic.pension_obligations", lang).to_string(),
        &s.measures,
        lang,
    ));
    let columns = [
        term("periodic.year", lang),
        term("periodic.obligation", lang),
        term("periodic.portfolio_median", lang),
        term("periodic.reborrowed_funds", lang),
        term("periodic.consolidation_ratio_p5", lang),
        term("periodic.median", lang),
        term("periodic.p95", lang),
        term("periodic.at_least_100", lang),
    ];
    let mut years =
        Table::new("obligations-years", term("periodic.the_road_to_the_target", lang).to_string(), &columns);
    for y in &o.years {
        years.push(vec![
            Cell::year(y.year),
            Cell::mkr(y.portfolio + y.reborrowed, 0),
            Cell::mkr(y.portfolio_quantiles.p50, 0),
            Cell::mkr(y.reborrowed, 0),
            Cell::percent(y.ratio.p5, 1),
            Cell::percent(y.ratio.p50, 1),
            Cell::percent(y.ratio.p95, 1),
            Cell::percent(y.p_full, 1),
        ]);
    }
    d.table(years);
    let title = format!(
        "{} {} {}",
        super::i18n::Term::ConsolidationRatio.text(lang),
        term("periodic.against_the", lang),
        denominator
    );
    let c = chart::consolidation_chart(o, r.valuation_date, &title, lang)?;
    d.chart("consolidation", title, c);
    Ok(())
}

fn debt(d: &mut Document, r: &RiskReport) -> Result<()> {
    let lang = d.lang;
    d.heading(2, term("periodic.the_loans", lang));
    let s = match &r.debt {
        Part::Missing(m) => {
            d.para(missing_text(*m, lang));
            return Ok(());
        }
        Part::Shown(s) => s,
    };
    d.para(term("periodic.debt_intro", lang));
    d.table(measures_table("debt", term("periodic.debt_management", lang).to_string(), &s.measures, lang));
    let columns = [term("periodic.maturing_within", lang), term("periodic.amount", lang)];
    let mut profile =
        Table::new("debt-maturity", term("periodic.maturity_profile", lang).to_string(), &columns);
    let n = s.maturity_profile.len();
    for (i, amount) in s.maturity_profile.iter().enumerate() {
        let span = if i + 1 == n {
            format!("{} {i} {}", term("periodic.after", lang), term("periodic.years", lang))
        } else {
            format!("{i}–{} {}", i + 1, term("periodic.years", lang))
        };
        profile.push(vec![Cell::text(span), Cell::mkr(*amount, 1)]);
    }
    d.table(profile);
    let title = format!("{}: {}", term("periodic.maturity_profile_of_the_loans", lang), r.scenario);
    let maturity = super::debt::maturity_chart(&s.debt, &title, lang)?;
    d.chart("debt-maturity", title, maturity);
    match &s.outlook {
        None => d.para(missing_text(Missing::NoMarket, lang)),
        Some(o) => {
            let columns = [
                term("periodic.year", lang),
                term("periodic.interest_cost_mean", lang),
                term("periodic.p5", lang),
                term("periodic.median", lang),
                term("periodic.p95", lang),
                term("periodic.n1_point", lang),
                term("periodic.fixing_outside_the_policy", lang),
                term("periodic.over_35_within_12_months", lang),
                term("periodic.over_the_borrowing_limit", lang),
            ];
            let mut table = Table::new(
                "debt-outlook",
                term("periodic.interest_cost_and_policy_ahead", lang).to_string(),
                &columns,
            );
            for y in &o.years {
                table.push(vec![
                    Cell::year(y.year),
                    Cell::mkr(y.interest.mean, 1),
                    Cell::mkr(y.interest.p5, 1),
                    Cell::mkr(y.interest.p50, 1),
                    Cell::mkr(y.interest.p95, 1),
                    Cell::mkr(y.plus_one_point, 1),
                    Cell::percent(y.p_breach_fixing.p, 1),
                    Cell::percent(y.p_breach_within_12m.p, 1),
                    Cell::percent(y.p_over_limit.p, 1),
                ]);
            }
            d.table(table);
            let title = format!("{}: {}", term("periodic.interest_cost_by_year", lang), r.scenario);
            let fan = super::debt::interest_chart(o, &title, lang)?;
            d.chart("debt-interest", title, fan);
        }
    }
    Ok(())
}

/// The liquidity section: kassalikviditet today against its target, the
/// cash fan with the overdraft, the probabilities by month, the result
/// and the borrowing by year, and kassalikviditet by quarter.
fn liquidity(d: &mut Document, r: &RiskReport) -> Result<()> {
    let lang = d.lang;
    d.heading(2, term("periodic.liquidity", lang));
    let s = match &r.liquidity {
        Part::Missing(m) => {
            d.para(missing_text(*m, lang));
            return Ok(());
        }
        Part::Shown(s) => s,
    };
    let o = &s.outlook;
    d.para(term("periodic.quick_ratio_definition", lang));
    d.table(measures_table("liquidity", term("periodic.liquidity", lang).to_string(), &s.measures, lang));

    let title = format!("{}: {}", term("periodic.liquidity_forecast", lang), r.scenario);
    let chart = super::liquidity::chart(o, r.valuation_date, &title, lang)?;
    d.chart("liquidity", title, chart);

    d.table(super::liquidity::months_table(o, super::liquidity::Rows::QuarterEnds, lang));
    d.table(super::liquidity::years_table(o, lang));
    d.table(super::liquidity::quarters_table(o, lang));
    if let Some(check) = &o.actuals {
        super::forecast::section(d, o, check, r.valuation_date, 3);
    }
    Ok(())
}

fn comparison(d: &mut Document, r: &RiskReport) {
    let lang = d.lang;
    d.heading(2, term("periodic.strategy_comparison", lang));
    let s = match &r.comparison {
        Part::Missing(m) => {
            d.para(missing_text(*m, lang));
            return;
        }
        Part::Shown(s) => s,
    };
    let paths = number(s.simulation.paths as f64, 0, lang);
    match s.source {
        StrategySource::Scenario => {
            d.para(term_with("periodic.strategies_of_the_scenario", lang, &[("paths", &paths)]));
        }
        StrategySource::Default => {
            let equity = percent(r.portfolio.position.equity_share, 0, lang);
            d.para(term_with(
                "periodic.default_strategies",
                lang,
                &[("paths", &paths), ("equity_share", &equity)],
            ));
        }
    }
    let mut columns = vec![term("periodic.strategy", lang).to_string()];
    columns.extend(
        crate::periodic::COMPARISON_KEYS.iter().map(|k| super::compare::metric_label(k, lang).to_string()),
    );
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut table =
        Table::new("comparison", term("periodic.strategies_on_the_same_futures", lang).to_string(), &columns);
    let metrics = crate::compare::metrics();
    for row in &s.strategies {
        let name = match s.source {
            StrategySource::Scenario => row.name.clone(),
            StrategySource::Default => default_strategy_label(&row.name, lang),
        };
        let mut cells = vec![Cell::text(name)];
        for (key, f) in &row.figures {
            let unit = metrics.iter().find(|m| m.key == *key).map(|m| m.unit);
            if let (Some(v), Some(shown)) = (f.value, super::compare::probability_value(f, 1, lang)) {
                cells.push(Cell::shown(v, shown));
                continue;
            }
            cells.push(match (f.value, unit) {
                (None, _) => Cell::Empty,
                (Some(v), Some(crate::compare::Unit::Share | crate::compare::Unit::Rate)) => {
                    Cell::percent(v, 1)
                }
                (Some(v), Some(crate::compare::Unit::Mkr)) => Cell::mkr(v, 1),
                (Some(v), _) => Cell::plain(v, 2),
            });
        }
        table.push(cells);
    }
    d.table(table);
    d.para(term("periodic.comparison_columns", lang));
}

/// A default strategy's name in words: `drawdown-15` is "Largest fall
/// allowed 15 %".
fn default_strategy_label(name: &str, lang: Lang) -> String {
    let (kind, figure) = name.split_once('-').unwrap_or((name, ""));
    match (kind, name) {
        (_, "current") => term("periodic.strategy_current", lang).to_string(),
        (_, "buy-and-hold") => term("periodic.strategy_buy_and_hold", lang).to_string(),
        ("drawdown", _) => term_with("periodic.strategy_drawdown", lang, &[("percent", &figure)]),
        ("window", _) => term_with("periodic.strategy_window", lang, &[("months", &figure)]),
        ("static", _) => term_with("periodic.strategy_static", lang, &[("mix", &figure)]),
        _ => name.to_string(),
    }
}

/// The market model in a line, for the method table (and `validate`).
pub(crate) fn model_line(m: &ModelSummary, lang: Lang) -> String {
    let regimes: Vec<String> = m.regimes.iter().map(|n| regime_name(n, lang)).collect();
    let shocks = match m.shocks {
        ShockModel::Gaussian => term("periodic.shocks_gaussian", lang).to_string(),
        ShockModel::StudentT { degrees_of_freedom } => {
            term_with("periodic.shocks_student_t", lang, &[("df", &number(degrees_of_freedom, 1, lang))])
        }
        ShockModel::Bootstrap { block_days } => {
            term_with("periodic.shocks_bootstrap", lang, &[("days", &block_days)])
        }
    };
    let rate = match m.short_rate {
        ShortRateModel::Vasicek => term("periodic.rate_vasicek", lang),
        ShortRateModel::HullWhite => term("periodic.rate_hull_white", lang),
    };
    term_with(
        "periodic.model_line",
        lang,
        &[
            ("regimes", &m.regimes.len()),
            ("names", &regimes.join(", ")),
            ("shocks", &shocks),
            ("rate", &rate),
        ],
    )
}

/// A regime's name in `lang` when it is one the catalogue knows.
fn regime_name(name: &str, lang: Lang) -> String {
    term_in("periodic.regime", name, lang).map_or_else(|| name.to_string(), str::to_string)
}

/// What the market model is, in a paragraph.
fn model_paragraph(m: &ModelSummary, lang: Lang) -> String {
    let regimes: Vec<String> = m.regimes.iter().map(|n| regime_name(n, lang)).collect();
    let mut parts = vec![if m.regimes.len() > 1 {
        term_with(
            "periodic.model_regimes",
            lang,
            &[("regimes", &m.regimes.len()), ("names", &regimes.join(", "))],
        )
    } else {
        term("periodic.model_one_regime", lang).to_string()
    }];
    parts.push(match m.shocks {
        ShockModel::Gaussian => term("periodic.model_gaussian", lang).to_string(),
        ShockModel::StudentT { degrees_of_freedom } => {
            term_with("periodic.model_student_t", lang, &[("df", &number(degrees_of_freedom, 1, lang))])
        }
        ShockModel::Bootstrap { block_days } => {
            term_with("periodic.model_bootstrap", lang, &[("days", &block_days)])
        }
    });
    parts.extend(
        [
            match m.short_rate {
                ShortRateModel::Vasicek => term("periodic.model_vasicek", lang),
                ShortRateModel::HullWhite => term("periodic.model_hull_white", lang),
            },
            if m.credit_spread {
                term("periodic.model_fixed_income_spread", lang)
            } else {
                term("periodic.model_fixed_income", lang)
            },
            if m.hedge_ratio > 0.0 {
                term("periodic.model_dollar_hedged", lang)
            } else {
                term("periodic.model_dollar", lang)
            },
            if m.inflation_varies {
                term("periodic.model_inflation_varies", lang)
            } else {
                term("periodic.model_inflation_constant", lang)
            },
        ]
        .map(str::to_string),
    );
    parts.join(" ")
}

fn method(d: &mut Document, r: &RiskReport) {
    let lang = d.lang;
    let m = &r.method;
    d.heading(2, term("periodic.method", lang));
    d.para(term("periodic.method_note", lang));
    if let Some(model) = &m.model {
        d.para(model_paragraph(model, lang));
    }
    let columns = [term("periodic.item", lang), term("periodic.value_2", lang)];
    let mut table =
        Table::new("method", term("periodic.method_and_reproducibility", lang).to_string(), &columns);
    let p = &m.policy;
    let rows: Vec<(String, Cell)> = vec![
        (term("periodic.pensionsim_version", lang).to_string(), Cell::text(m.version)),
        (term("periodic.scenario_file", lang).to_string(), Cell::text(&m.scenario_file)),
        ("SHA-256".to_string(), Cell::text(&m.scenario_sha256)),
        (term("periodic.command", lang).to_string(), Cell::text(&m.command)),
        (
            term("periodic.market_model", lang).to_string(),
            Cell::text(
                m.model
                    .as_ref()
                    .map_or_else(|| term("periodic.no_market", lang).to_string(), |m| model_line(m, lang)),
            ),
        ),
        (term("periodic.paths_row", lang).to_string(), Cell::plain(m.simulation.paths as f64, 0)),
        (term("periodic.seed", lang).to_string(), Cell::text(m.simulation.seed.to_string())),
        (
            term("periodic.variance_reduction", lang).to_string(),
            Cell::text(if m.simulation.variance_reduction {
                term("periodic.variance_reduction_on", lang)
            } else {
                term("periodic.variance_reduction_off", lang)
            }),
        ),
        (
            term("periodic.horizon_months", lang).to_string(),
            Cell::plain(m.simulation.horizon_months as f64, 0),
        ),
        (term("periodic.stress_paths", lang).to_string(), Cell::plain(m.stress_paths as f64, 0)),
        (term("periodic.largest_fall_allowed", lang).to_string(), Cell::percent(p.max_drawdown, 1)),
        (term("periodic.window_months", lang).to_string(), Cell::plain(p.window_months as f64, 0)),
        (term("periodic.cap_on_the_equity_share", lang).to_string(), Cell::percent(p.cap, 1)),
        (term("periodic.assumed_equity_stress_loss", lang).to_string(), Cell::percent(p.equity_stress, 1)),
        (term("periodic.transaction_cost_basis_points", lang).to_string(), Cell::plain(p.cost_bps, 1)),
    ];
    for (k, v) in rows {
        table.push(vec![Cell::text(k), v]);
    }
    d.table(table);
    model_beside_history(d, m);
}

/// The market model's long-run figures beside a century of history, and
/// the stated long-run return with its source.
fn model_beside_history(d: &mut Document, m: &crate::periodic::MethodSection) {
    let lang = d.lang;
    let Some(implied) = &m.model_implied else { return };
    d.heading(3, term("periodic.model_beside_history_note", lang));
    let se = [&implied.swedish_equity, &implied.global_equity]
        .iter()
        .flat_map(|f| {
            [
                f.geometric_return_se,
                f.annual_vol_se,
                f.p_year_below_10_se,
                f.p_year_below_20_se,
                f.p_year_below_30_se,
            ]
        })
        .fold(0.0, f64::max);
    let se = number(se * 100.0, 2, lang);
    d.para(term_with(
        "periodic.the_market_models_long_run",
        lang,
        &[("paths", &number(implied.paths as f64, 0, lang)), ("years", &implied.years), ("se", &se)],
    ));
    let columns = [
        term("periodic.figure", lang),
        term("periodic.swedish_equities_model", lang),
        term("periodic.swedish_equities_history", lang),
        term("periodic.global_equities_model", lang),
        term("periodic.global_equities_history", lang),
    ];
    let mut table =
        Table::new("model-vs-history", term("periodic.model_beside_history", lang).to_string(), &columns);
    type Pick = fn(&crate::market::implied::Figures) -> f64;
    let rows: [(String, Pick, bool); 6] = [
        (term("periodic.geometric_return_a_year", lang).to_string(), |f| f.geometric_return, true),
        (term("periodic.yearly_volatility", lang).to_string(), |f| f.annual_vol, true),
        (term("periodic.years_below_10", lang).to_string(), |f| f.p_year_below_10, true),
        (term("periodic.years_below_20", lang).to_string(), |f| f.p_year_below_20, true),
        (term("periodic.years_below_30", lang).to_string(), |f| f.p_year_below_30, true),
        (term("periodic.falls_per_decade", lang).to_string(), |f| f.falls_per_decade, false),
    ];
    let histories = [&m.history.swedish_equity, &m.history.global_equity];
    let models = [implied.swedish_equity.figures(), implied.global_equity.figures()];
    for (label, pick, is_share) in rows {
        let mut row = vec![Cell::text(label)];
        for (model, history) in models.iter().zip(histories) {
            let cell = |x: f64| if is_share { Cell::percent(x, 1) } else { Cell::plain(x, 2) };
            row.push(cell(pick(model)));
            row.push(history.as_ref().map_or(Cell::Empty, |h| cell(pick(&h.figures))));
        }
        table.push(row);
    }
    d.table(table);
    let mut notes = Vec::new();
    for h in histories.into_iter().flatten() {
        notes.push(format!("{} {}–{}", h.name.get(lang), h.from.format("%Y-%m"), h.to.format("%Y-%m")));
    }
    if !notes.is_empty() {
        d.para(format!("{} {}.", term("periodic.history", lang), notes.join("; ")));
    }
    if let Some(l) = &m.long_run {
        d.para(format!("{} {}", term("periodic.long_run_return", lang), l.source.get(lang)));
    }
}

pub use document::markdown;

/// The document as one self-contained HTML page, each status cell
/// coloured by its words.
pub fn html(d: &Document) -> String {
    document::html_with(d, &|column, text| if column == "Status" { status_class(text, d.lang) } else { None })
}

/// The document as a PDF, each status cell shaded as the page colours it.
pub fn pdf(d: &Document) -> Result<Vec<u8>> {
    document::pdf_with(d, &|column, text| if column == "Status" { status_class(text, d.lang) } else { None })
}

/// The CSS class of a status cell, from its words in `lang`.
fn status_class(text: &str, lang: Lang) -> Option<&'static str> {
    [(Status::Met, "met"), (Status::Partly, "partly"), (Status::NotMet, "notmet")]
        .into_iter()
        .find(|(s, _)| status_word(*s, lang) == text)
        .map(|(_, class)| class)
}

/// Every file of the report, in the order written: report.html,
/// report.pdf, report.md, report.json, a CSV a table, report.xlsx, and each chart as
/// SVG and PNG; with the document they were drawn from.
pub fn files(report: &RiskReport, lang: Lang) -> Result<(Vec<super::run::File>, Document)> {
    let doc = document(report, lang)?;
    let mut files: Vec<super::run::File> = vec![
        ("report.html".into(), html(&doc).into_bytes()),
        ("report.pdf".into(), pdf(&doc)?),
        ("report.md".into(), markdown(&doc).into_bytes()),
        ("report.json".into(), super::summary::report(report, &doc.tables, lang)?.into_bytes()),
    ];
    for (name, csv) in document::csv(&doc) {
        files.push((name, csv.into_bytes()));
    }
    files.push(("report.xlsx".into(), super::workbook::workbook(&doc.tables, lang)?));
    for c in &doc.charts {
        files.push((format!("{}.svg", c.name), c.chart.svg.clone().into_bytes()));
        files.push((format!("{}.png", c.name), c.chart.png.clone()));
    }
    Ok((files, doc))
}

/// What `report` prints once written: each part left out and why, and
/// the files written to `dir`.
pub fn written(
    report: &RiskReport,
    doc: &Document,
    count: usize,
    dir: &std::path::Path,
    lang: Lang,
) -> String {
    let mut printed = String::new();
    let parts = [
        ("risk", report.risk.missing()),
        ("stress", report.stress.missing()),
        ("obligations", report.obligations.missing()),
        ("debt", report.debt.missing()),
        ("liquidity", report.liquidity.missing()),
        ("comparison", report.comparison.missing()),
    ];
    for (name, m) in parts.into_iter().filter_map(|(name, m)| m.map(|m| (name, m))) {
        let _ = writeln!(printed, "{name}: {}", missing_text(m, lang));
    }
    let _ = writeln!(
        printed,
        "{} {} {} {}/ (report.html, report.pdf, report.md, report.json, report.xlsx, {} CSV, {} {})",
        term("periodic.wrote", lang),
        count,
        term("periodic.files_to", lang),
        dir.display(),
        doc.tables.len(),
        doc.charts.len(),
        term("periodic.charts_as_svg_and_png", lang)
    );
    printed
}

#[cfg(test)]
mod tests;
