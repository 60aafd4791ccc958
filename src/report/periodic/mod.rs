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
use super::table::{Cell, Table};
use super::terms::{term, term_in, term_with};
use crate::error::Result;
use crate::periodic::period::Kind;
use crate::periodic::{Limit, Measure, Missing, Part, RiskReport, Status, Unit};

const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(month: u32, lang: Lang) -> &'static str {
    let i = (month as usize).saturating_sub(1).min(11);
    if lang == Lang::Sv { MONTHS_SV[i] } else { MONTHS_EN[i] }
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
        Unit::Years => Cell::plain(value, 2),
    }
}

fn limit_text(limit: Option<Limit>, unit: Unit, lang: Lang) -> String {
    let show = |x: f64| match unit {
        Unit::Percent | Unit::Rate => percent(x, 1, lang),
        Unit::Mkr => format!("{}\u{a0}mkr", number(x, 0, lang)),
        Unit::Years => format!("{} {}", number(x, 1, lang), term("periodic.years", lang)),
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

/// A section's measures as a table: figure, value, Monte Carlo error,
/// limit, status.
fn measures_table(name: &str, title: String, measures: &[Measure], lang: Lang) -> Table {
    let columns = if lang == Lang::Sv {
        ["Mått", "Utfall", "Medelfel (MC)", "Mål / gräns", "Status"]
    } else {
        ["Measure", "Value", "Standard error (MC)", "Target / limit", "Status"]
    };
    let mut table = Table::new(name, title, &columns);
    for m in measures {
        table.push(vec![
            Cell::text(label(m.key, lang)),
            value_cell(m.value, m.unit),
            // An error a tenth of the figure's last decimal still shows.
            m.se.map_or(Cell::Empty, |se| {
                value_cell(se, if m.unit == Unit::Percent { Unit::Rate } else { m.unit })
            }),
            Cell::text(limit_text(m.limit, m.unit, lang)),
            Cell::text(status_word(m.status, lang)),
        ]);
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
        Missing::NoStrategies => term("periodic.missing_strategies", lang).to_string(),
    }
}

/// The report laid out in `lang`, charts drawn.
///
/// # Errors
/// A chart that cannot be drawn.
pub fn document(r: &RiskReport, lang: Lang) -> Result<Document> {
    let title = format!("{} {}: {}", term("periodic.financial_risk_report", lang), r.period, r.scenario);
    let mut d = Document::new(lang, title.clone());
    d.heading(1, title);
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
    let sentence = if lang == Lang::Sv {
        format!(
            "Efter {} är marginalen ned till skyddsnivån {}. Beräknad maximal andel aktier är {}, {} den aktuella andelen aktier som ligger på {}. Portföljen kan i dag falla {} ({}) innan den når skyddsnivån {}.",
            period_words(r, lang).split(" (").next().unwrap_or_default(),
            percent(pos.margin, 1, lang),
            percent(pos.max_equity_share, 1, lang),
            if pos.max_equity_share >= pos.equity_share { "högre än" } else { "lägre än" },
            percent(pos.equity_share, 1, lang),
            percent(pos.margin, 1, lang),
            super::i18n::mkr(pos.margin_amount, 0, lang),
            super::i18n::mkr(pos.floor, 0, lang),
        )
    } else {
        format!(
            "After the {} the margin down to the floor is {}. The maximum equity share is {}, {} the current equity share of {}. The portfolio can fall {} ({}) today before it reaches the floor of {}.",
            period_words(r, lang).split(" (").next().unwrap_or_default(),
            percent(pos.margin, 1, lang),
            percent(pos.max_equity_share, 1, lang),
            if pos.max_equity_share >= pos.equity_share { "above" } else { "below" },
            percent(pos.equity_share, 1, lang),
            percent(pos.margin, 1, lang),
            super::i18n::mkr(pos.margin_amount, 0, lang),
            super::i18n::mkr(pos.floor, 0, lang),
        )
    };
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
        if lang == Lang::Sv {
            format!(
                "Den historiska långsiktiga avkastningen (real, rullande fem år, mål 3,5 %) kräver 61 månadsvärden och ett prisindex; scenariot har {} månadsvärden och inget prisindex, så den redovisas bara simulerad.",
                p.history_month_ends
            )
        } else {
            format!(
                "The historical long-term return (real, rolling five years, target 3.5 %) needs 61 month-ends and a price index; the scenario has {} month-ends and no price index, so it is reported only as simulated.",
                p.history_month_ends
            )
        }
    ));
}

fn risk(d: &mut Document, r: &RiskReport) -> Result<()> {
    let lang = d.lang;
    d.heading(2, term("periodic.forward_looking_risk", lang));
    match &r.risk {
        Part::Missing(m) => d.para(missing_text(*m, lang)),
        Part::Shown(s) => {
            let sim = s.simulation;
            d.para(if lang == Lang::Sv {
                format!(
                    "{} simulerade framtider över {} månader med regeln tillämpad varje handelsdag (frö {}). Regeln siktar på att aldrig hamna under skyddsnivån; policyn sätter ingen gräns för sannolikheterna, som redovisas med sitt Monte Carlo-medelfel.",
                    number(sim.paths as f64, 0, lang),
                    sim.horizon_months,
                    sim.seed
                )
            } else {
                format!(
                    "{} simulated futures over {} months with the rule applied every trading day (seed {}). The rule aims never to go under the floor; the policy sets no limit on the probabilities, which are shown with their Monte Carlo standard errors.",
                    number(sim.paths as f64, 0, lang),
                    sim.horizon_months,
                    sim.seed
                )
            });
            d.table(measures_table("risk", term("periodic.risk_ahead", lang).to_string(), &s.measures, lang));
            let p = &r.method.policy;
            let pts = |x: f64| number(x * 100.0, 0, lang);
            d.para(if lang == Lang::Sv {
                format!(
                    "Nedviktning inom 12 månader: sannolikheten att regeln säljer aktier minst en gång det kommande året. Den styrs mest av regelns handelsparametrar, inte av marknaden: en nedviktning säljer bara till {} procentenheter under den beräknade maximala aktieandelen, och vid månadsskiftet köps aktier tillbaka när andelen ligger {} procentenheter under den, så portföljen står nära gränsen och ett fall på några procent räcker för nästa nedviktning. Regionens egna rapporter nämner tre nedviktningar, alla i april 2025, och inga 2023–2024. Avkastningen vilar på marknadsmodellens långsiktiga antagande (se Metod).",
                    pts(p.down_headroom),
                    pts(p.up_band)
                )
            } else {
                format!(
                    "Down-weighting within 12 months: the probability that the rule sells equities at least once in the coming year. The rule's trading parameters drive it more than the market: a down-weighting sells only to {} points below the maximum equity share, and at a month end equities are bought back when the share is {} points below it, so the portfolio stands near the limit and a fall of a few percent asks for the next down-weighting. The region's own reports mention three down-weightings, all in April 2025, and none in 2023-2024. Returns rest on the market model's long-run assumption (see Method).",
                    pts(p.down_headroom),
                    pts(p.up_band)
                )
            });
            let title = format!(
                "Monte Carlo {}: {} {}",
                r.scenario,
                number(sim.paths as f64, 0, lang),
                term("periodic.paths", lang)
            );
            let pos = &r.portfolio.position;
            let fan = chart::fan_chart(
                &s.months,
                r.valuation_date,
                pos.value,
                pos.equity_share,
                pos.cap,
                &title,
                lang,
            )?;
            d.chart("fan", title, fan);
        }
    }
    d.heading(3, term("periodic.stress_tests", lang));
    match &r.stress {
        Part::Missing(m) => d.para(missing_text(*m, lang)),
        Part::Shown(rows) => {
            let columns = if lang == Lang::Sv {
                [
                    "Stresstest",
                    "Nedviktningar",
                    "Aktieandel start",
                    "Lägsta aktieandel",
                    "Lägsta riskmarginal",
                    "Dagar under skyddsnivån",
                    "Största fall",
                    "Största fall utan regel",
                    "Slutvärde mot köp och behåll",
                ]
            } else {
                [
                    "Stress",
                    "Down-weightings",
                    "Equity share at start",
                    "Lowest equity share",
                    "Lowest margin",
                    "Days under the floor",
                    "Largest fall",
                    "Largest fall without the rule",
                    "Final value against buy and hold",
                ]
            };
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
        }
    }
    Ok(())
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
    d.para(if lang == Lang::Sv {
        format!(
            "Målet: konsolideringsgraden minst 100 % senast {} (regionfullmäktiges mål, Plan med budget 2026), här mot {denominator}. Simulerat på {} framtider med frö {}.",
            o.target_year,
            number(o.paths as f64, 0, lang),
            o.seed
        )
    } else {
        format!(
            "The target: a konsolideringsgrad of at least 100 % by {} (the regional council's target, Plan med budget 2026), here against the {denominator}. Simulated on {} futures with seed {}.",
            o.target_year,
            number(o.paths as f64, 0, lang),
            o.seed
        )
    });
    d.table(measures_table(
        "obligations",
        term("periodic.pension_obligations", lang).to_string(),
        &s.measures,
        lang,
    ));
    let columns = if lang == Lang::Sv {
        [
            "År",
            "Åtagande",
            "Portfölj (median)",
            "Återlånade medel",
            "Konsolideringsgrad 5 %",
            "Median",
            "95 %",
            "Minst 100 %",
        ]
    } else {
        [
            "Year",
            "Obligation",
            "Portfolio (median)",
            "Återlånade medel",
            "Konsolideringsgrad 5 %",
            "Median",
            "95 %",
            "At least 100 %",
        ]
    };
    let mut years =
        Table::new("obligations-years", term("periodic.the_road_to_the_target", lang).to_string(), &columns);
    for y in &o.years {
        years.push(vec![
            Cell::text(y.year.to_string()),
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
    let columns =
        if lang == Lang::Sv { ["Förfaller inom", "Belopp"] } else { ["Maturing within", "Amount"] };
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
            let columns = if lang == Lang::Sv {
                [
                    "År",
                    "Räntekostnad medel",
                    "5 %",
                    "Median",
                    "95 %",
                    "+1 procentenhet",
                    "Räntebindning utanför policy",
                    "Över 35 % inom 12 mån",
                    "Över låneutrymmet",
                ]
            } else {
                [
                    "Year",
                    "Interest cost mean",
                    "5 %",
                    "Median",
                    "95 %",
                    "+1 point",
                    "Fixing outside the policy",
                    "Over 35 % within 12 months",
                    "Over the borrowing limit",
                ]
            };
            let mut table = Table::new(
                "debt-outlook",
                term("periodic.interest_cost_and_policy_ahead", lang).to_string(),
                &columns,
            );
            for y in &o.years {
                table.push(vec![
                    Cell::text(y.year.to_string()),
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

    let columns = if lang == Lang::Sv {
        [
            "Månad",
            "Plan",
            "5 %",
            "Median",
            "95 %",
            "Checkkredit används",
            "Krediten räcker inte",
            "Låneutrymmet nås",
        ]
    } else {
        [
            "Month",
            "Plan",
            "5 %",
            "Median",
            "95 %",
            "Overdraft used",
            "Overdraft exhausted",
            "Borrowing limit reached",
        ]
    };
    let mut months =
        Table::new("liquidity-months", term("periodic.cash_at_quarter_ends_and", lang).to_string(), &columns);
    for m in o.months.iter().filter(|m| m.date.month() % 3 == 0) {
        months.push(vec![
            Cell::text(m.date.format("%Y-%m").to_string()),
            Cell::mkr(m.plan_cash, 0),
            Cell::mkr(m.cash.p5, 0),
            Cell::mkr(m.cash.p50, 0),
            Cell::mkr(m.cash.p95, 0),
            Cell::percent(m.p_overdraft.p, 1),
            Cell::percent(m.p_overdraft_exhausted.p, 1),
            Cell::percent(m.p_borrowing_limit.p, 1),
        ]);
    }
    d.table(months);

    let columns = if lang == Lang::Sv {
        [
            "År",
            "Resultat, plan",
            "Resultat, median",
            "5 %",
            "Under planen",
            "Extra upplåning, median",
            "95 %",
            "Skuld, plan",
            "Skuld, 95 %",
        ]
    } else {
        [
            "Year",
            "Result, plan",
            "Result, median",
            "5 %",
            "Below the plan",
            "Extra borrowing, median",
            "95 %",
            "Debt, plan",
            "Debt, 95 %",
        ]
    };
    let mut years = Table::new(
        "liquidity-years",
        term("periodic.result_and_borrowing_by_year", lang).to_string(),
        &columns,
    );
    for y in &o.years {
        years.push(vec![
            Cell::text(y.year.to_string()),
            Cell::mkr(y.plan_result, 1),
            Cell::mkr(y.result.p50, 1),
            Cell::mkr(y.result.p5, 1),
            Cell::percent(y.p_result_below_plan.p, 1),
            Cell::mkr(y.extra_borrowing.p50, 0),
            Cell::mkr(y.extra_borrowing.p95, 0),
            Cell::mkr(y.plan_debt, 0),
            Cell::mkr(y.debt.p95, 0),
        ]);
    }
    d.table(years);

    let columns = if lang == Lang::Sv {
        ["Kvartal", "Plan", "Median", "5 %", "Under målet"]
    } else {
        ["Quarter-end", "Plan", "Median", "5 %", "Under the target"]
    };
    let title = format!(
        "{} {}",
        term("periodic.quick_ratio_by_quarter", lang),
        percent(o.quick_ratio_target, 0, lang)
    );
    let mut quarters = Table::new("liquidity-quarters", title, &columns);
    for q in &o.quarters {
        quarters.push(vec![
            Cell::text(q.date.format("%Y-%m").to_string()),
            Cell::percent(q.plan_ratio, 1),
            Cell::percent(q.ratio.p50, 1),
            Cell::percent(q.ratio.p5, 1),
            Cell::percent(q.p_below_target.p, 1),
        ]);
    }
    d.table(quarters);
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
    let mut columns = vec![term("periodic.strategy", lang).to_string()];
    columns.extend(
        crate::periodic::COMPARISON_KEYS.iter().map(|k| super::compare::metric_label(k, lang).to_string()),
    );
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut table =
        Table::new("comparison", term("periodic.strategies_on_the_same_futures", lang).to_string(), &columns);
    let metrics = crate::compare::metrics();
    for row in &s.strategies {
        let mut cells = vec![Cell::text(&row.name)];
        for (key, f) in &row.figures {
            let unit = metrics.iter().find(|m| m.key == *key).map(|m| m.unit);
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
}

fn method(d: &mut Document, r: &RiskReport) {
    let lang = d.lang;
    let m = &r.method;
    d.heading(2, term("periodic.method", lang));
    d.para(term("periodic.method_note", lang));
    let columns = if lang == Lang::Sv { ["Uppgift", "Värde"] } else { ["Item", "Value"] };
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
            Cell::text(m.model.clone().unwrap_or_else(|| term("periodic.no_market", lang).to_string())),
        ),
        (term("periodic.paths_row", lang).to_string(), Cell::plain(m.simulation.paths as f64, 0)),
        (term("periodic.seed", lang).to_string(), Cell::text(m.simulation.seed.to_string())),
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
    d.para(match lang {
        Lang::Sv => format!(
            "Marknadsmodellens siffror på lång sikt ({} simulerade banor om {} år, var och en med start i en regim dragen ur regimkedjans långsiktiga fördelning; medelfelet är högst {se} procentenheter) bredvid samma siffror för historiska serier. Geometrisk avkastning per år: den genomsnittliga årliga tillväxten. Volatilitet: månadsavkastningarnas standardavvikelse gånger √12. Andel kalenderår under −20 %: hur ofta ett helt kalenderår förlorar mer än 20 %. Fall på 20 % från 24-månadershögsta per decennium: hur ofta regelns egen utlösare nås.",
            number(implied.paths as f64, 0, lang),
            implied.years
        ),
        Lang::En => format!(
            "The market model's long-run figures ({} simulated paths of {} years, each starting in a regime drawn from the regime chain's long-run distribution; standard errors at most {se} percentage points) beside the same figures for historical series. Geometric return a year: the average yearly growth. Volatility: the monthly returns' standard deviation times √12. Share of calendar years below −20 %: how often a whole calendar year loses more than 20 %. Falls of 20 % from the 24-month high per decade: how often the rule's own trigger is reached.",
            number(implied.paths as f64, 0, lang),
            implied.years
        ),
    });
    let sv = lang == Lang::Sv;
    let columns = if sv {
        [
            "Mått",
            "Svenska aktier, modell",
            "Svenska aktier, historia",
            "Globala aktier, modell",
            "Globala aktier, historia",
        ]
    } else {
        [
            "Figure",
            "Swedish equities, model",
            "Swedish equities, history",
            "Global equities, model",
            "Global equities, history",
        ]
    };
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
        notes.push(format!("{} {}–{}", h.name, h.from.format("%Y-%m"), h.to.format("%Y-%m")));
    }
    if !notes.is_empty() {
        d.para(format!("{} {}.", term("periodic.history", lang), notes.join("; ")));
    }
    if let Some(l) = &m.long_run {
        d.para(format!("{} {}", term("periodic.long_run_return", lang), l.source));
    }
}

pub use document::markdown;

/// The document as one self-contained HTML page, each status cell
/// coloured by its words.
pub fn html(d: &Document) -> String {
    document::html_with(d, &|column, text| if column == "Status" { status_class(text, d.lang) } else { None })
}

/// The CSS class of a status cell, from its words in `lang`.
fn status_class(text: &str, lang: Lang) -> Option<&'static str> {
    [(Status::Met, "met"), (Status::Partly, "partly"), (Status::NotMet, "notmet")]
        .into_iter()
        .find(|(s, _)| status_word(*s, lang) == text)
        .map(|(_, class)| class)
}

/// Every file of the report, in the order written: report.html,
/// report.md, report.json, a CSV a table, report.xlsx, and each chart as
/// SVG and PNG; with the document they were drawn from.
pub fn files(report: &RiskReport, lang: Lang) -> Result<(Vec<super::run::File>, Document)> {
    let doc = document(report, lang)?;
    let mut files: Vec<super::run::File> = vec![
        ("report.html".into(), html(&doc).into_bytes()),
        ("report.md".into(), markdown(&doc).into_bytes()),
        ("report.json".into(), super::summary::report(report, &doc.tables, lang).into_bytes()),
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
    let sv = lang == Lang::Sv;
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
        "{} {} {} {}/ (report.html, report.md, report.json, report.xlsx, {} CSV, {} {})",
        if sv { "Skrev" } else { "Wrote" },
        count,
        if sv { "filer till" } else { "files to" },
        dir.display(),
        doc.tables.len(),
        doc.charts.len(),
        if sv { "diagram som SVG och PNG" } else { "charts as SVG and PNG" }
    );
    printed
}

#[cfg(test)]
mod tests;
