//! `[market.long_run]` (stated long-run returns, which shift the regimes'
//! drifts) and `[market.history]` (the historical series the model is
//! shown beside).

use crate::lang::Words;
use std::path::Path;

use super::{Context, MISSING, format_value};
use crate::error::Result;
use crate::market::implied::{HistorySeries, MIN_MONTH_ENDS, MarketHistory};
use crate::market::{
    FACTOR_NAMES, GLOBAL_EQUITY, LongRun, LongRunFigure, MarketModel, SEK_PER_USD, SWEDISH_EQUITY, stationary,
};
use crate::scenario::raw;

const KEY: &str = "market.long_run";

/// The stated figures and their source, checked on their own (before the
/// regimes are known to be valid): `(factor, stated)` pairs.
pub(super) struct Stated {
    source: Words,
    figures: Vec<(usize, f64)>,
}

pub(super) fn stated(cx: &mut Context<'_>, raw: raw::LongRunFile) -> Option<Stated> {
    let before = cx.problems.len();
    let source = match raw.source {
        Some(s) if !s.is_blank() => s,
        other => {
            cx.problem(
                &format!("{KEY}.source"),
                "the named public source of the long-run returns (required with [market.long_run]), \"…\" or { en = \"…\", sv = \"…\" }",
                other.map_or(MISSING.into(), |s| format!("{:?}", s.en)),
            );
            Words::default()
        }
    };
    let mut figures = Vec::new();
    for (factor, value) in [
        (SWEDISH_EQUITY, raw.swedish_equity),
        (GLOBAL_EQUITY, raw.global_equity),
        (SEK_PER_USD, raw.sek_per_usd),
    ] {
        let Some(v) = value else { continue };
        let expected = if factor == SEK_PER_USD {
            "a geometric drift a year of SEK per USD from -0.5 to 0.5"
        } else {
            "a geometric nominal return a year from -0.5 to 0.5"
        };
        let key = format!("{KEY}.{}", FACTOR_NAMES[factor]);
        if let Some(v) = cx.number(&key, Some(v), expected, |v| (-0.5..=0.5).contains(&v)) {
            figures.push((factor, v));
        }
    }
    if cx.problems.len() == before && figures.is_empty() {
        cx.problem(KEY, "at least one of swedish_equity, global_equity, sek_per_usd", "only a source");
    }
    (cx.problems.len() == before).then_some(Stated { source, figures })
}

/// Shifts every regime's drift of each stated factor so that the model's
/// unconditional expected log return a year is `ln(1 + stated)`, and
/// records the figures and shifts on the model.
pub(super) fn apply(cx: &mut Context<'_>, model: &mut MarketModel, stated: Stated) -> Option<()> {
    let Some(pi) = stationary(&model.transition) else {
        cx.problem(
            "market.transition",
            "a regime chain with one stationary distribution (a long-run return needs the long run's regime shares)",
            "a chain with more than one closed set of regimes",
        )
        .hint = Some("let every regime be reachable from every other, or remove [market.long_run]".into());
        return None;
    };
    let mut long_run =
        LongRun { source: stated.source, swedish_equity: None, global_equity: None, sek_per_usd: None };
    for (factor, g) in stated.figures {
        let delta = model.drift_shift(&pi, factor, g);
        model.shift_drift(factor, delta);
        let name = FACTOR_NAMES[factor];
        for (regime, d) in model.regimes.iter().zip(model.drift_vols(factor)) {
            if !(-1.0..=1.0).contains(&d.mu) {
                cx.problem(
                    &format!("{KEY}.{name}"),
                    "a return whose shift keeps every regime's mu from -1 to 1",
                    format!(
                        "mu {} in regime {:?} after a shift of {}",
                        format_value(d.mu),
                        regime.name,
                        format_value(delta)
                    ),
                );
                return None;
            }
        }
        let figure = Some(LongRunFigure { stated: g, delta });
        match factor {
            SWEDISH_EQUITY => long_run.swedish_equity = figure,
            GLOBAL_EQUITY => long_run.global_equity = figure,
            _ => long_run.sek_per_usd = figure,
        }
    }
    model.long_run = Some(long_run);
    Some(())
}

/// `[market.history]`: each series read (relative to the scenario's
/// folder) and cut to month-ends.
pub(super) fn history(
    cx: &mut Context<'_>,
    raw: raw::MarketHistoryFile,
    read: &dyn Fn(&Path) -> Result<String>,
) -> Option<MarketHistory> {
    let before = cx.problems.len();
    let swedish_equity =
        raw.swedish_equity.and_then(|s| series(cx, "market.history.swedish_equity", s, read));
    let global_equity = raw.global_equity.and_then(|s| series(cx, "market.history.global_equity", s, read));
    (cx.problems.len() == before).then_some(MarketHistory { swedish_equity, global_equity })
}

fn series(
    cx: &mut Context<'_>,
    key: &str,
    raw: raw::HistorySeriesFile,
    read: &dyn Fn(&Path) -> Result<String>,
) -> Option<HistorySeries> {
    let name = match raw.name {
        Some(n) if !n.is_blank() => Some(n),
        other => {
            cx.problem(
                &format!("{key}.name"),
                "what the series is, as outputs should name it (such as \"OMX Stockholm PI\"), or { en = \"…\", sv = \"…\" }",
                other.map_or(MISSING.into(), |n| format!("{:?}", n.en)),
            );
            None
        }
    };
    let dividend_yield = cx.number(
        &format!("{key}.dividend_yield"),
        raw.dividend_yield,
        "a dividend yield a year from 0 to 0.1 added to a price index's returns (0 for a total-return series)",
        |v| (0.0..=0.1).contains(&v),
    );
    let columns = [raw.date_column.as_deref(), raw.price_column.as_deref()];
    let (path, prices) = super::price_series(
        cx,
        key,
        raw.series.as_deref(),
        columns,
        "a daily or monthly price series",
        read,
    )?;
    let s = HistorySeries::from_prices(
        name?,
        path.display().to_string(),
        dividend_yield?,
        &prices.dates,
        &prices.prices,
    );
    if s.figures().is_none() {
        cx.problem(
            &format!("{key}.series"),
            format!("at least {MIN_MONTH_ENDS} month-ends and one complete calendar year"),
            format!("{} month-ends in {}", s.dates.len(), path.display()),
        );
        return None;
    }
    Some(s)
}
