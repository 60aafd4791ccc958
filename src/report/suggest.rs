//! The suggestion as terminal text a treasurer can paste into a decision
//! memo, in Swedish or English: laid out as a [`Document`] and written by
//! its text renderer. Every figure comes from [`Suggestion`]; nothing is
//! computed here but its presentation.

use super::document::{self, Column, Document, Layout};
use super::i18n::{Lang, Term, mkr, number, percent};
use super::table::{Cell, Table};
use crate::rule::{Action, Constraint, Policy, TradeKind};
use crate::suggest::{Moves, MovesFrom, Suggestion};

/// `en` or `sv` by `lang`.
fn t<'a>(lang: Lang, en: &'a str, sv: &'a str) -> &'a str {
    if lang == Lang::Sv { sv } else { en }
}

/// A market move as a percentage: two decimals under 1 %, so that a small
/// move does not print as 0.
fn move_pct(x: f64, lang: Lang) -> String {
    percent(x, if x.abs() < 0.01 { 2 } else { 1 }, lang)
}

/// Percentage points.
fn points(x: f64, decimals: usize, lang: Lang) -> String {
    format!("{} {}", number(x * 100.0, decimals, lang), t(lang, "points", "procentenheter"))
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
    let title = format!(
        "{} {}",
        t(
            lang,
            "Suggestion under the dynamic risk principle,",
            "Förslag enligt den dynamiska riskprincipen,"
        ),
        s.valuation_date
    );
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
    heading(d, t(lang, "1. Today's position", "1. Dagens läge"));
    d.indent(2);
    let high_when = match s.high_date {
        Some(d) => format!("{} {d}", t(lang, "month-end", "månadsskiftet")),
        None => t(lang, "the fund's start value", "fondens startvärde").to_string(),
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
            (
                t(lang, "24-month high", "Högsta månadsvärde, 24 mån").into(),
                format!("{} ({high_when})", amount(p.high)),
            ),
            (
                Term::Floor.text(lang).into(),
                format!(
                    "{} ({} {})",
                    amount(p.floor),
                    percent(policy.floor_share(), 0, lang),
                    t(lang, "of the high", "av högsta värdet")
                ),
            ),
            (Term::Margin.text(lang).into(), format!("{} = {}", pct(p.margin), amount(p.margin_amount))),
            (
                Term::MaxEquityShare.text(lang).into(),
                format!("{} ({})", pct(p.max_equity_share), binding.text(lang)),
            ),
            (Term::EquityShare.text(lang).into(), pct(p.equity_share)),
            (
                t(lang, "Distance to the maximum", "Avstånd till maximal aktieandel").into(),
                points(s.room_to_max, 1, lang),
            ),
            (
                format!(
                    "{} {}",
                    t(lang, "Distance to the cap of", "Avstånd till aktietaket"),
                    percent(p.cap, 0, lang)
                ),
                points(s.room_to_cap, 1, lang),
            ),
        ],
    );
}

fn action(d: &mut Document, s: &Suggestion, policy: &Policy, lang: Lang) {
    let p = &s.position;
    let pct = |x| percent(x, 1, lang);
    heading(d, t(lang, "2. What the rule requires", "2. Vad regeln kräver"));
    let binding = match p.binding {
        Constraint::Floor => t(lang, "the floor (through the margin)", "skyddsnivån (via riskmarginalen)"),
        Constraint::Cap => t(lang, "the equity cap", "aktietaket"),
    };
    match p.action {
        Action::Hold => {
            d.para(format!("{}.", capitalised(Term::Hold.text(lang))));
            d.para(format!(
                "{} {} {} {};\n{} {} {} ({} {}).",
                t(lang, "The equity share", "Aktieandelen"),
                pct(p.equity_share),
                t(lang, "is under the maximum of", "ligger under den maximala andelen"),
                pct(p.max_equity_share),
                t(lang, "an up-weighting needs a room of", "en uppviktning kräver ett utrymme på"),
                points(policy.up_band, 0, lang),
                t(lang, "at a month-end", "vid ett månadsskifte"),
                t(lang, "today", "i dag"),
                points(s.up_room, 1, lang),
            ));
        }
        Action::Sell { to_share, amount, cost } | Action::MayBuy { to_share, amount, cost } => {
            let sell = matches!(p.action, Action::Sell { .. });
            let (what, verb, headroom) = if sell {
                (
                    t(lang, "Down-weighting required now", "Nedviktning krävs nu"),
                    t(lang, "sell", "sälj"),
                    policy.down_headroom,
                )
            } else {
                (
                    t(
                        lang,
                        "Up-weighting allowed at the month-end check",
                        "Uppviktning tillåten vid månadsskiftet",
                    ),
                    t(lang, "buy up to", "köp upp till"),
                    policy.up_headroom,
                )
            };
            let floored = if to_share <= 0.0 { t(lang, ", at least 0 %", ", minst 0 %") } else { "" };
            d.para(format!(
                "{what}: {verb} {} {}, {} → {}\n({} {} {} {}{floored}); {} {}.",
                mkr(amount, 1, lang),
                t(lang, "of equities", "aktier"),
                pct(p.equity_share),
                pct(to_share),
                t(lang, "the maximum equity share", "den maximala aktieandelen"),
                pct(p.max_equity_share),
                t(lang, "less", "minus"),
                points(headroom, 0, lang),
                Term::Cost.text(lang).to_lowercase(),
                mkr(cost, 2, lang),
            ));
        }
    }
    d.para(format!("{} {binding}.", t(lang, "The maximum is set by", "Den maximala andelen styrs av")));
    if let Some(plan) = &s.trade {
        let head = [
            t(lang, "Asset class", "Tillgångsslag"),
            t(lang, "Holding", "Innehav"),
            t(lang, "Buy (+) / sell (−)", "Köp (+) / sälj (−)"),
            t(lang, "After cost", "Efter kostnad"),
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
            Layout {
                header: true,
                rule: false,
                columns: vec![Column::LEFT, Column::right(12), Column::right(18), Column::right(14)],
            },
        );
        let what = match plan.kind {
            TradeKind::Down => t(
                lang,
                "Equities are sold pro rata, the proceeds go to fixed income pro rata",
                "Aktier säljs proportionellt, likviden placeras i räntor proportionellt",
            ),
            TradeKind::Up => t(
                lang,
                "Equities are bought by the strategic equity mix, paid from fixed income pro rata",
                "Aktier köps enligt den strategiska aktiemixen, betalt ur räntorna proportionellt",
            ),
        };
        d.para(format!(
            "{what}; {}.",
            t(
                lang,
                "the cost is taken from all holdings pro rata",
                "kostnaden tas ur alla innehav proportionellt"
            )
        ));
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
    heading(
        d,
        t(
            lang,
            "3. How far markets can move (all equities together, fixed income unchanged)",
            "3. Hur mycket marknaden kan röra sig (alla aktier lika, räntor oförändrade)",
        ),
    );
    if s.moves_from == MovesFrom::AfterSale {
        d.para(t(
            lang,
            "From the holdings after the required sale.",
            "Från innehaven efter den nedviktning som krävs.",
        ));
    }
    let m = &s.moves;
    let fall_now = t(lang, "required already", "krävs redan");
    rows(
        d,
        "suggest-moves",
        &[
            (
                t(lang, "Equity fall that triggers a down-weighting", "Aktiefall som utlöser en nedviktning")
                    .into(),
                move_text(
                    m.downweight_fall,
                    fall_now,
                    t(lang, "none (no equities)", "inget (inga aktier)"),
                    lang,
                ),
            ),
            (
                t(
                    lang,
                    "Equity fall that reaches the floor, no trade",
                    "Aktiefall till skyddsnivån utan omviktning",
                )
                .into(),
                move_text(
                    m.floor_fall,
                    t(lang, "under the floor already", "under skyddsnivån redan"),
                    t(
                        lang,
                        "none: even a total loss of equities leaves it above",
                        "inget: även utan aktier ligger värdet över",
                    ),
                    lang,
                ),
            ),
            (
                t(lang, "Equity rise that brings an up-weighting", "Aktieuppgång som ger en uppviktning")
                    .into(),
                format!(
                    "{} {}",
                    move_text(
                        m.upweight_rise,
                        t(lang, "none needed", "ingen behövs"),
                        t(lang, "none: a rise alone does not", "ingen: en uppgång räcker inte"),
                        lang
                    ),
                    t(lang, "(at the next month-end)", "(vid nästa månadsskifte)")
                ),
            ),
        ],
    );
    match &s.currency {
        None => {
            d.gap();
            d.para(t(
                lang,
                "No [market] in the scenario: which equities are global, and how much is hedged, is unknown, so there is no currency table.",
                "Ingen [market] i scenariot: vilka aktier som är utländska och hur mycket som är valutasäkrat är okänt, så ingen valutatabell."
            ));
        }
        Some(table) => {
            d.gap();
            d.para(format!(
                "{} {} {}):",
                t(
                    lang,
                    "Together with a move in the dollar (SEK per USD; global equities are held in kronor,",
                    "Tillsammans med en rörelse i dollarn (kronor per USD; utländska aktier ägs i kronor,"
                ),
                percent(table.hedge_ratio, 0, lang),
                t(lang, "currency hedged", "valutasäkrade")
            ));
            let head = [
                t(lang, "SEK per USD", "Kronor per USD"),
                t(lang, "Fall to down-weighting", "Fall till nedviktning"),
                t(lang, "Fall to the floor", "Fall till skyddsnivån"),
                t(lang, "Rise to up-weighting", "Uppgång till uppviktning"),
            ];
            let mut currency = Table::new("suggest-currency", "suggest-currency", &head);
            for r in &table.rows {
                let Moves { downweight_fall, floor_fall, upweight_rise } = r.moves;
                let sign = if r.sek_per_usd > 0.0 { "+" } else { "" };
                currency.push(vec![
                    Cell::text(format!("{sign}{}", percent(r.sek_per_usd, 0, lang))),
                    Cell::text(move_text(downweight_fall, fall_now, "–", lang)),
                    Cell::text(move_text(floor_fall, t(lang, "under already", "redan under"), "–", lang)),
                    Cell::text(move_text(upweight_rise, t(lang, "none needed", "ingen behövs"), "–", lang)),
                ]);
            }
            d.table_with(
                currency,
                Layout {
                    header: true,
                    rule: false,
                    columns: vec![Column::right(14), Column::right(24), Column::right(24), Column::right(26)],
                },
            );
            d.para(t(
                lang,
                "The falls and rises are of the local equity markets, after the currency move.",
                "Fall och uppgångar avser aktiemarknaderna i lokal valuta, efter valutarörelsen.",
            ));
        }
    }
}

fn outlook(d: &mut Document, s: &Suggestion, lang: Lang) {
    let Some(o) = &s.outlook else {
        heading(d, t(lang, "4. What may come next", "4. Vad som kan komma"));
        d.para(t(
            lang,
            "No [market] in the scenario: no outlook.",
            "Ingen [market] i scenariot: ingen prognos.",
        ));
        return;
    };
    heading(
        d,
        &format!(
            "{} {} {}, {} {}, {} {})",
            t(
                lang,
                "4. What may come next (the scenario's market,",
                "4. Vad som kan komma (scenariots marknad,"
            ),
            o.months,
            t(lang, "months", "månader"),
            number(o.paths as f64, 0, lang),
            t(lang, "simulated paths", "simulerade framtider"),
            t(lang, "seed", "frö"),
            o.seed
        ),
    );
    // Two decimals for a probability under 1 %, so that it does not read as 0.
    let pct = |x: f64| percent(x, if x < 0.01 { 2 } else { 1 }, lang);
    let se = |x: f64| format!("± {}", points(x, 2, lang));
    let lines = [
        (
            t(lang, "Down-weighting within 1 month", "Nedviktning inom 1 månad"),
            o.p_downweight_1m,
            o.p_downweight_1m_se,
        ),
        (
            t(lang, "Down-weighting within 3 months", "Nedviktning inom 3 månader"),
            o.p_downweight_3m,
            o.p_downweight_3m_se,
        ),
        (
            t(lang, "Down-weighting within 12 months", "Nedviktning inom 12 månader"),
            o.p_downweight_12m,
            o.p_downweight_12m_se,
        ),
        (
            t(lang, "Under the floor within 12 months", "Under skyddsnivån inom 12 månader"),
            o.p_breach_12m,
            o.p_breach_12m_se,
        ),
        (
            t(lang, "Expected equity share in 3 months", "Förväntad aktieandel om 3 månader"),
            o.equity_share_3m,
            o.equity_share_3m_se,
        ),
        (
            t(lang, "Expected equity share in 12 months", "Förväntad aktieandel om 12 månader"),
            o.equity_share_12m,
            o.equity_share_12m_se,
        ),
    ];
    let none = format!(
        "({} {} {})",
        t(lang, "none of the", "ingen av de"),
        number(o.paths as f64, 0, lang),
        t(lang, "paths", "framtiderna")
    );
    let mut table = Table::new("suggest-outlook", "suggest-outlook", &["measure", "estimate", "spread"]);
    for (k, v, e) in lines {
        let spread = if v == 0.0 { none.clone() } else { se(e) };
        table.push(vec![Cell::text(k), Cell::text(pct(v)), Cell::text(spread)]);
    }
    d.table_with(table, Layout::rows(&[Column::LEFT, Column::right(8), Column::LEFT]));
    d.para(t(
            lang,
            "± is the Monte Carlo standard error; the market model's parameters are the scenario's [market], fitted to history with stated long-run returns.",
            "± är Monte Carlo-medelfelet; marknadsmodellens parametrar är scenariots [market], anpassade till historien med uttalad långsiktig avkastning."
        ));
    d.para(t(
            lang,
            "The odds of a down-weighting depend most on how far the equity share is from its maximum today and on the rule's trading parameters (headroom after a down-weighting, up-weighting band, daily checks), then on the market's volatility.",
            "Oddsen för en nedviktning beror mest på hur långt aktieandelen ligger från sitt maximum i dag och på regelns handelsparametrar (marginal efter nedviktning, band för uppviktning, daglig prövning), därefter på marknadens volatilitet."
        ));
}

fn definitions(d: &mut Document, policy: &Policy, lang: Lang) {
    let pct = |x| percent(x, 0, lang);
    d.indent(0);
    d.gap();
    let text = if lang == Lang::Sv {
        format!(
            "Riskmarginal = (marknadsvärde − skyddsnivå) / marknadsvärde, också det fall i marknadsvärdet som når skyddsnivån.\n\
             Maximal aktieandel = riskmarginal / antaget stressfall för aktier ({}), högst aktietaket ({}).\n\
             Nedviktning: aktieandel över den maximala säljs samma dag till {} under den. Uppviktning: vid ett månadsskifte,\n\
             med minst {} utrymme, köps aktier till {} under den maximala andelen (högst {}).",
            percent(policy.equity_stress, 0, lang),
            pct(policy.cap),
            points(policy.down_headroom, 0, lang),
            points(policy.up_band, 0, lang),
            points(policy.up_headroom, 0, lang),
            pct(policy.target),
        )
    } else {
        format!(
            "Margin = (market value − floor) / market value, also the fall in market value that reaches the floor.\n\
             Maximum equity share = margin / assumed equity stress loss ({}), at most the cap ({}).\n\
             Down-weighting: equities above the maximum are sold the same day to {} under it. Up-weighting: at a month-end,\n\
             with a room of {} or more, equities are bought to {} under the maximum (at most {}).",
            percent(policy.equity_stress, 0, lang),
            pct(policy.cap),
            points(policy.down_headroom, 0, lang),
            points(policy.up_band, 0, lang),
            points(policy.up_headroom, 0, lang),
            pct(policy.target),
        )
    };
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
    let chart = super::chart::suggest_chart(s, &title, lang)?;
    Ok(vec![
        ("suggest.json".into(), super::summary::suggest(inputs, policy, s).into_bytes()),
        ("suggest.svg".into(), chart.svg.into_bytes()),
        ("suggest.png".into(), chart.png),
    ])
}
