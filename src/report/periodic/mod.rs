//! The periodic risk report on paper: a [`RiskReport`] as a document of
//! headings, paragraphs, tables and charts, written out once as Markdown
//! and once as one self-contained HTML page (`html.rs`), so the two carry
//! the same content. Tables are [`Table`]s, so the CSV files and a
//! workbook are the same cells.

mod html;

use std::fmt::Write as _;

use chrono::Datelike;

use super::chart::{self, Chart};
use super::i18n::{Lang, number, percent};
use super::table::{Cell, Table};
use crate::error::Result;
use crate::periodic::period::Kind;
use crate::periodic::{Limit, Measure, Missing, Part, RiskReport, Status, Unit};

pub use html::html;

/// A chart with the file stem it is written under.
#[derive(Debug, Clone)]
pub struct NamedChart {
    pub name: &'static str,
    pub title: String,
    pub chart: Chart,
}

/// One piece of the document; tables and charts by index.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    Table(usize),
    Chart(usize),
}

/// The report laid out in `lang`: its blocks, the tables and the charts
/// they point at.
#[derive(Debug, Clone)]
pub struct Document {
    pub lang: Lang,
    pub title: String,
    pub blocks: Vec<Block>,
    pub tables: Vec<Table>,
    pub charts: Vec<NamedChart>,
}

impl Document {
    fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    fn para(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    fn table(&mut self, t: Table) {
        self.blocks.push(Block::Table(self.tables.len()));
        self.tables.push(t);
    }

    fn chart(&mut self, name: &'static str, title: String, chart: Chart) {
        self.blocks.push(Block::Chart(self.charts.len()));
        self.charts.push(NamedChart { name, title, chart });
    }
}

/// `(swedish, english)` picked by language.
fn t(lang: Lang, sv: &str, en: &str) -> String {
    if lang == Lang::Sv { sv.to_string() } else { en.to_string() }
}

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
    let ordinal = match (lang, p.number) {
        (Lang::Sv, 1) => "första",
        (Lang::Sv, 2) => "andra",
        (Lang::Sv, 3) => "tredje",
        (Lang::Sv, _) => "fjärde",
        (Lang::En, 1) => "first",
        (Lang::En, 2) => "second",
        (Lang::En, 3) => "third",
        (Lang::En, _) => "fourth",
    };
    let kind = match (lang, p.kind) {
        (Lang::Sv, Kind::Tertial) => "tertialet",
        (Lang::Sv, Kind::Quarter) => "kvartalet",
        (Lang::En, Kind::Tertial) => "tertial",
        (Lang::En, Kind::Quarter) => "quarter",
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
    match (s, lang) {
        (Status::Met, Lang::Sv) => "uppfyllt",
        (Status::Met, Lang::En) => "met",
        (Status::Partly, Lang::Sv) => "delvis uppfyllt",
        (Status::Partly, Lang::En) => "partly met",
        (Status::NotMet, Lang::Sv) => "ej uppfyllt",
        (Status::NotMet, Lang::En) => "not met",
        (Status::NoLimit, _) => "–",
    }
}

/// A measure's name.
fn label(key: &str, lang: Lang) -> String {
    let (sv, en) = match key {
        "market_value" => ("Marknadsvärde", "Market value"),
        "return_ytd" => ("Årsavkastning hittills i år", "Return this year to date"),
        "mean_annual_real_return" => {
            ("Real avkastning per år, simulerad (medel)", "Real return a year, simulated (mean)")
        }
        "p_rolling_5y_real_target" => (
            "Andel rullande femårsperioder med minst 3,5 % real avkastning, simulerad",
            "Share of rolling five-year periods with at least 3.5 % real return, simulated",
        ),
        "equity_share" => ("Aktieandel mot taket", "Equity share against the cap"),
        "equity_share_vs_max" => {
            ("Aktieandel mot beräknad maximal aktieandel", "Equity share against the maximum equity share")
        }
        "max_equity_share" => ("Beräknad maximal aktieandel", "Maximum equity share"),
        "high" => ("Högsta månadsvärde 24 mån", "24-month high"),
        "floor" => ("Skyddsnivå", "Floor"),
        "margin" => ("Riskmarginal", "Margin"),
        "margin_amount" => ("Riskmarginal, mkr", "Margin, mkr"),
        "p_breach_12m" => ("Under skyddsnivån inom 12 mån", "Under the floor within 12 months"),
        "p_downweight_12m" => ("Nedviktning inom 12 mån", "Down-weighting within 12 months"),
        "p_breach_horizon" => ("Under skyddsnivån inom horisonten", "Under the floor within the horizon"),
        "cvar95_12m_return" => {
            ("CVaR 95 %, 12 mån (medel av sämsta 5 %)", "CVaR 95 %, 12 months (mean of the worst 5 %)")
        }
        "var95_12m_return" => ("VaR 95 %, 12 mån", "VaR 95 %, 12 months"),
        "p_cash_lock" => {
            ("Inlåst i räntor (12 mån under 10 % aktier)", "Locked in cash (12 months under 10 % equities)")
        }
        "obligation_provision" => {
            ("Avsättning inkl. särskild löneskatt", "Provision incl. special payroll tax")
        }
        "obligation_contingent" => {
            ("Ansvarsförbindelse inkl. särskild löneskatt", "Contingent liability incl. special payroll tax")
        }
        "obligation_whole" => ("Totala pensionsförpliktelser", "Total pension obligations"),
        "portfolio" => {
            ("Marknadsvärde förvaltade pensionsmedel", "Market value of the managed pension funds")
        }
        "reborrowed" => ("Återlånade medel", "Återlånade medel (obligation less portfolio)"),
        "ratio_whole" => ("Konsolideringsgrad, hela åtagandet", "Konsolideringsgrad, whole obligation"),
        "ratio_provision" => ("Konsolideringsgrad, avsättningen", "Konsolideringsgrad, the provision"),
        "ratio_target_median" => {
            ("Konsolideringsgrad vid målåret, median", "Konsolideringsgrad in the target year, median")
        }
        "p_full_at_target" => {
            ("Sannolikhet för minst 100 % vid målåret", "Probability of at least 100 % in the target year")
        }
        "outstanding" => {
            ("Utestående skuld mot låneutrymmet", "Outstanding debt against the borrowing limit")
        }
        "average_rate" => ("Snittränta", "Average rate"),
        "interest_a_year_today" => {
            ("Räntekostnad per år till dagens räntor", "Interest cost a year at today's rates")
        }
        "fixing_years" => ("Räntebindning, år", "Interest-rate fixing (räntebindning), years"),
        "capital_binding_years" => ("Kapitalbindning, år", "Capital binding (kapitalbindning), years"),
        "share_fixing_12m" => ("Andel räntebindning < 1 år", "Share fixing within 1 year"),
        "share_maturing_12m" => ("Andel kapitalbindning < 1 år", "Share maturing within 1 year"),
        "quick_ratio_today" => ("Kassalikviditet idag", "Kassalikviditet (quick ratio) today"),
        "cash_today" => ("Kassa och bank idag", "Cash and bank today"),
        "overdraft_facility" => ("Checkräkningskredit", "Overdraft facility"),
        "p_overdraft_month_12m" => (
            "Sannolikhet att checkkrediten används, högsta månaden inom 12 mån",
            "Probability of using the overdraft, highest month within 12 months",
        ),
        "p_quick_ratio_below_target" => (
            "Sannolikhet för kassalikviditet under målet, högsta kvartalet inom ett år",
            "Probability of kassalikviditet under the target, highest quarter-end within a year",
        ),
        "debt_year_end_p95" => {
            ("Låneskuld vid årets slut, 95:e percentilen", "Debt at the year-end, 95th percentile")
        }
        other => (other, other),
    };
    t(lang, sv, en)
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
        Unit::Years => format!("{} {}", number(x, 1, lang), if lang == Lang::Sv { "år" } else { "years" }),
    };
    match limit {
        None => String::new(),
        Some(Limit::AtMost { max }) => format!("{} {}", t(lang, "högst", "at most"), show(max)),
        Some(Limit::AtLeast { min }) => format!("{} {}", t(lang, "minst", "at least"), show(min)),
        Some(Limit::Between { lo, hi }) => {
            let unit_word = if unit == Unit::Years { t(lang, " år", " years") } else { String::new() };
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
        Missing::NoMarket => t(
            lang,
            "Scenariot har ingen [market]: inget kan simuleras, så denna del utgår.",
            "The scenario has no [market]: nothing can be simulated, so this part is left out.",
        ),
        Missing::NoDebt => t(
            lang,
            "Scenariot har ingen [debt]: låneskulden redovisas inte.",
            "The scenario has no [debt]: the loans are not reported.",
        ),
        Missing::NoLiquidity => t(
            lang,
            "Scenariot har ingen [liquidity]: likviditetsprognosen redovisas inte.",
            "The scenario has no [liquidity]: the liquidity forecast is not reported.",
        ),
        Missing::NoObligations => t(
            lang,
            "Scenariot har ingen [obligations]: pensionsåtagandet redovisas inte.",
            "The scenario has no [obligations]: the pension obligation is not reported.",
        ),
        Missing::NoStressLibrary => t(
            lang,
            "Ingen stresstestsamling (mappen stress/ bredvid scenariot): stresstesterna utgår.",
            "No stress library (the folder stress/ beside the scenario): the stress tests are left out.",
        ),
        Missing::NoStrategies => t(
            lang,
            "Scenariot definierar inga [[strategy]]-tabeller: ingen jämförelse av strategier (pensionsim compare jämför en standarduppsättning).",
            "The scenario defines no [[strategy]] tables: no strategy comparison (pensionsim compare compares a default set).",
        ),
    }
}

/// The report laid out in `lang`, charts drawn.
///
/// # Errors
/// A chart that cannot be drawn.
pub fn document(r: &RiskReport, lang: Lang) -> Result<Document> {
    let title = format!(
        "{} {}: {}",
        t(lang, "Finansiell riskrapport", "Financial risk report"),
        r.period,
        r.scenario
    );
    let mut d =
        Document { lang, title: title.clone(), blocks: Vec::new(), tables: Vec::new(), charts: Vec::new() };
    d.heading(1, title);
    d.para(format!(
        "{} {} ({} – {}). {} {}.",
        t(lang, "Period:", "Period:"),
        period_words(r, lang),
        r.period_start,
        r.period_end,
        t(lang, "Värderingsdag", "Valuation date"),
        r.valuation_date
    ));
    d.para(t(
        lang,
        "Status mot mål och gränser som i regionens rapporter: uppfyllt (grönt), delvis uppfyllt (gult: 90–99 % av ett mål som ska nås), ej uppfyllt (rött). Orden står alltid utskrivna.",
        "Status against targets and limits as in the region's reports: met (green), partly met (yellow: 90-99 % of a target to reach), not met (red). The words are always written out.",
    ));
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
    d.heading(2, t(lang, "Pensionsportföljen", "The pension portfolio"));
    let title = format!(
        "{} {month} {}",
        t(lang, "Pensionsportföljen per", "The pension portfolio as of"),
        r.valuation_date.year()
    );
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
        None => {
            t(lang, "Regeln kräver ingen affär i dag (behåll).", "The rule asks for no trade today (hold).")
        }
        Some(plan) => {
            let kind = match plan.kind {
                crate::rule::TradeKind::Down => {
                    t(lang, "Nedviktning krävs nu", "A down-weighting is required now")
                }
                crate::rule::TradeKind::Up => t(
                    lang,
                    "Utrymme för uppviktning vid nästa månadsskifte",
                    "Room for an up-weighting at the next month-end",
                ),
            };
            format!(
                "{kind}: {} {} → {}, {}.",
                t(lang, "aktieandel", "equity share"),
                percent(plan.equity_before, 1, lang),
                percent(plan.equity_after, 1, lang),
                super::i18n::mkr(plan.amount, 1, lang)
            )
        }
    };
    let fall = p.moves.downweight_fall.map(|f| {
        format!(
            " {} {}.",
            t(
                lang,
                "Aktiefall som utlöser nästa nedviktning:",
                "Equity fall that brings the next down-weighting:"
            ),
            percent(f, 1, lang)
        )
    });
    d.para(format!("{}{}", action, fall.unwrap_or_default()));
    let ytd = match &p.year_to_date {
        Some(y) => t(
            lang,
            &format!(
                "Årsavkastningen är värdeförändringen sedan {} ({}); månadsvärdena bär inga in- och utbetalningar, så den är avkastningen bara om inga gjorts.",
                y.from,
                super::i18n::mkr(y.from_value, 1, lang)
            ),
            &format!(
                "This year's return is the change in value since {} ({}); the month-end values carry no flows, so it is the return only if none were made.",
                y.from,
                super::i18n::mkr(y.from_value, 1, lang)
            ),
        ),
        None => t(
            lang,
            "Årsavkastningen kan inte beräknas: historiken saknar förra årets sista månadsvärde.",
            "This year's return cannot be computed: the history lacks last year's final month-end.",
        ),
    };
    d.para(format!(
        "{ytd} {} {}",
        t(
            lang,
            "Jämförelseindexets avkastning finns inte i scenariot (delårsrapporten per 31 augusti 2025 anger inte indexets sammansättning), så avvikelsen mot index redovisas inte.",
            "The benchmark's return is not in the scenario (the interim report of 31 August 2025 does not state the benchmark's composition), so the difference from it is not reported.",
        ),
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
    d.heading(2, t(lang, "Framåtblickande risk", "Forward-looking risk"));
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
            d.table(measures_table("risk", t(lang, "Risk framåt", "Risk ahead"), &s.measures, lang));
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
                t(lang, "framtider", "paths")
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
    d.heading(3, t(lang, "Stresstester", "Stress tests"));
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
            let mut table = Table::new("stress", t(lang, "Stresstester", "Stress tests"), &columns);
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
    d.heading(2, t(lang, "Pensionsåtagandet", "The pension obligation"));
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
        t(lang, "Pensionsförpliktelser", "Pension obligations"),
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
    let mut years = Table::new(
        "obligations-years",
        t(lang, "Vägen mot målåret", "The road to the target year"),
        &columns,
    );
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
        t(lang, "mot", "against the"),
        denominator
    );
    let c = chart::consolidation_chart(o, r.valuation_date, &title, lang)?;
    d.chart("consolidation", title, c);
    Ok(())
}

fn debt(d: &mut Document, r: &RiskReport) -> Result<()> {
    let lang = d.lang;
    d.heading(2, t(lang, "Låneskulden", "The loans"));
    let s = match &r.debt {
        Part::Missing(m) => {
            d.para(missing_text(*m, lang));
            return Ok(());
        }
        Part::Shown(s) => s,
    };
    d.para(t(
        lang,
        "Nyckeltalen enligt finanspolicyn per värderingsdagen. Räntekostnaden är ett års ränta till dagens snittränta; rapportens räntekostnad för de senaste tolv månaderna kräver förra årets lån, som scenariot inte har.",
        "The key figures against the finance policy on the valuation date. The interest cost is a year's interest at today's average rate; the interim report's last-twelve-months cost needs the past year's loans, which the scenario does not hold.",
    ));
    d.table(measures_table("debt", t(lang, "Skuldförvaltning", "Debt management"), &s.measures, lang));
    let columns =
        if lang == Lang::Sv { ["Förfaller inom", "Belopp"] } else { ["Maturing within", "Amount"] };
    let mut profile = Table::new("debt-maturity", t(lang, "Förfallostruktur", "Maturity profile"), &columns);
    let n = s.maturity_profile.len();
    for (i, amount) in s.maturity_profile.iter().enumerate() {
        let span = if i + 1 == n {
            format!("{} {i} {}", t(lang, "efter", "after"), t(lang, "år", "years"))
        } else {
            format!("{i}–{} {}", i + 1, t(lang, "år", "years"))
        };
        profile.push(vec![Cell::text(span), Cell::mkr(*amount, 1)]);
    }
    d.table(profile);
    let title =
        format!("{}: {}", t(lang, "Lånens förfallostruktur", "Maturity profile of the loans"), r.scenario);
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
                t(lang, "Räntekostnad och policy framåt", "Interest cost and policy ahead"),
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
            let title =
                format!("{}: {}", t(lang, "Räntekostnad per år", "Interest cost by year"), r.scenario);
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
    d.heading(2, t(lang, "Likviditet", "Liquidity"));
    let s = match &r.liquidity {
        Part::Missing(m) => {
            d.para(missing_text(*m, lang));
            return Ok(());
        }
        Part::Shown(s) => s,
    };
    let o = &s.outlook;
    d.para(t(
        lang,
        "Kassalikviditet = (kortfristiga fordringar + kassa och bank) / kortfristiga skulder, exklusive pensionsplaceringar, som i delårsrapporten per 31 augusti 2025. Prognosen är regionens plan plus slumpmässiga avvikelser (kostnader, skatteintäkter, riktade statsbidrag, investeringar och räntor på samma räntebanor som lånen); finansieringsreglerna (checkkredit, nyupplåning inom låneutrymmet, uppskjuten insättning i pensionsportföljen) verkar i scenariots ordning.",
        "Kassalikviditet = (current receivables + cash and bank) / current liabilities, excluding pension placements, as in the interim report of 31 August 2025. The forecast is the region's plan plus random deviations (costs, tax revenue, targeted state grants, investments and interest on the same rate paths as the loans); the financing rules (overdraft, new borrowing within the borrowing limit, a deferred deposit into the pension portfolio) act in the scenario's order.",
    ));
    d.table(measures_table("liquidity", t(lang, "Likviditet", "Liquidity"), &s.measures, lang));

    let title = format!("{}: {}", t(lang, "Likviditetsprognos", "Liquidity forecast"), r.scenario);
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
    let mut months = Table::new(
        "liquidity-months",
        t(lang, "Kassa vid kvartalets slut och sannolikheter", "Cash at quarter-ends and probabilities"),
        &columns,
    );
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
        t(lang, "Resultat och upplåning per år", "Result and borrowing by year"),
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
        t(lang, "Kassalikviditet per kvartal, mål minst", "Kassalikviditet by quarter, target at least"),
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
    d.heading(2, t(lang, "Jämförelse av strategier", "Strategy comparison"));
    let s = match &r.comparison {
        Part::Missing(m) => {
            d.para(missing_text(*m, lang));
            return;
        }
        Part::Shown(s) => s,
    };
    let mut columns = vec![t(lang, "Strategi", "Strategy")];
    columns.extend(
        crate::periodic::COMPARISON_KEYS.iter().map(|k| super::compare::metric_label(k, lang).to_string()),
    );
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut table = Table::new(
        "comparison",
        t(lang, "Strategier på samma framtider", "Strategies on the same futures"),
        &columns,
    );
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
    d.heading(2, t(lang, "Metod", "Method"));
    d.para(t(
        lang,
        "Samma scenariofil (kontrollera SHA-256), samma version och samma kommando ger samma siffror på vilken dator och med hur många trådar som helst. Varje sannolikhet och medelvärde ovan har sitt Monte Carlo-medelfel; ett 95 %-intervall är ungefär ±2 medelfel.",
        "The same scenario file (check its SHA-256), version and command give the same figures on any machine and thread count. Every probability and mean above carries its Monte Carlo standard error; a 95 % interval is about ±2 standard errors.",
    ));
    let columns = if lang == Lang::Sv { ["Uppgift", "Värde"] } else { ["Item", "Value"] };
    let mut table =
        Table::new("method", t(lang, "Metod och reproducerbarhet", "Method and reproducibility"), &columns);
    let p = &m.policy;
    let rows: Vec<(String, Cell)> = vec![
        (t(lang, "Version av pensionsim", "pensionsim version"), Cell::text(m.version)),
        (t(lang, "Scenariofil", "Scenario file"), Cell::text(&m.scenario_file)),
        ("SHA-256".to_string(), Cell::text(&m.scenario_sha256)),
        (t(lang, "Kommando", "Command"), Cell::text(&m.command)),
        (
            t(lang, "Marknadsmodell", "Market model"),
            Cell::text(m.model.clone().unwrap_or_else(|| t(lang, "ingen [market]", "no [market]"))),
        ),
        (t(lang, "Framtider (paths)", "Paths"), Cell::plain(m.simulation.paths as f64, 0)),
        (t(lang, "Frö (seed)", "Seed"), Cell::text(m.simulation.seed.to_string())),
        (t(lang, "Horisont, månader", "Horizon, months"), Cell::plain(m.simulation.horizon_months as f64, 0)),
        (
            t(lang, "Framtider per villkorat stresstest", "Paths of each conditional stress"),
            Cell::plain(m.stress_paths as f64, 0),
        ),
        (
            t(lang, "Största tillåtna fall från högsta värdet", "Largest fall allowed from the high"),
            Cell::percent(p.max_drawdown, 1),
        ),
        (t(lang, "Fönster, månader", "Window, months"), Cell::plain(p.window_months as f64, 0)),
        (t(lang, "Tak för aktieandelen", "Cap on the equity share"), Cell::percent(p.cap, 1)),
        (
            t(lang, "Antaget aktiefall i stress", "Assumed equity stress loss"),
            Cell::percent(p.equity_stress, 1),
        ),
        (
            t(lang, "Transaktionskostnad, punkter", "Transaction cost, basis points"),
            Cell::plain(p.cost_bps, 1),
        ),
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
    d.heading(3, t(lang, "Marknadsmodellen bredvid historien", "The market model beside history"));
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
        Table::new("model-vs-history", t(lang, "Modell och historia", "Model beside history"), &columns);
    type Pick = fn(&crate::market::implied::Figures) -> f64;
    let rows: [(String, Pick, bool); 6] = [
        (t(lang, "Geometrisk avkastning per år", "Geometric return a year"), |f| f.geometric_return, true),
        (t(lang, "Årlig volatilitet", "Yearly volatility"), |f| f.annual_vol, true),
        (
            t(lang, "Andel kalenderår under −10 %", "Share of calendar years below −10 %"),
            |f| f.p_year_below_10,
            true,
        ),
        (
            t(lang, "Andel kalenderår under −20 %", "Share of calendar years below −20 %"),
            |f| f.p_year_below_20,
            true,
        ),
        (
            t(lang, "Andel kalenderår under −30 %", "Share of calendar years below −30 %"),
            |f| f.p_year_below_30,
            true,
        ),
        (
            t(
                lang,
                "Fall på 20 % från 24-månadershögsta per decennium",
                "Falls of 20 % from the 24-month high per decade",
            ),
            |f| f.falls_per_decade,
            false,
        ),
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
        d.para(format!("{} {}.", t(lang, "Historia:", "History:"), notes.join("; ")));
    }
    if let Some(l) = &m.long_run {
        d.para(format!(
            "{} {}",
            t(
                lang,
                "Långsiktig avkastning (uttalat antagande; varje regims drift flyttas lika mycket så att modellen når den):",
                "Long-run return (a stated assumption; every regime's drift is shifted by the same amount so that the model meets it):"
            ),
            l.source
        ));
    }
}

/// The document as Markdown, charts linked as `<name>.png` beside it.
pub fn markdown(d: &Document) -> String {
    let mut out = String::new();
    for block in &d.blocks {
        match block {
            Block::Heading(level, text) => {
                out.push_str(&"#".repeat(usize::from(*level)));
                out.push(' ');
                out.push_str(text);
                out.push_str("\n\n");
            }
            Block::Paragraph(text) => {
                out.push_str(text);
                out.push_str("\n\n");
            }
            Block::Table(i) => out.push_str(&markdown_table(&d.tables[*i], d.lang)),
            Block::Chart(i) => {
                let c = &d.charts[*i];
                out.push_str(&format!("![{}]({}.png)\n\n", c.title, c.name));
            }
        }
    }
    out
}

fn markdown_table(table: &Table, lang: Lang) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!("**{}**\n\n", table.title);
    out.push_str(&format!("| {} |\n", table.columns.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")));
    let align: Vec<&str> = (0..table.columns.len()).map(|i| if i == 0 { "---" } else { "--:" }).collect();
    out.push_str(&format!("| {} |\n", align.join(" | ")));
    for row in &table.rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter().map(|c| esc(&c.display(lang))).collect::<Vec<_>>().join(" | ")
        ));
    }
    out.push('\n');
    out
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
    for t in &doc.tables {
        files.push((format!("{}.csv", t.name), t.to_csv().into_bytes()));
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
