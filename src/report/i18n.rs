//! Report language: the language, the region's own terms by name (their
//! Swedish and English texts are in the catalogue, `terms.rs`), and number
//! formats (decimal comma and a space between thousands in Swedish).
//!
//! Terms follow the interim report's vocabulary :
//! aktieandel, skyddsnivå, riskmarginal, nedviktning, uppviktning.

pub use crate::lang::Lang;

use super::terms::term;

/// A term that appears in reports and charts; its texts are the `[term]`
/// section of the catalogue (`terms.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    MarketValue,
    EquityShare,
    MaxEquityShare,
    Cap,
    High,
    Floor,
    Margin,
    MarginAmount,
    FallToFloor,
    DownWeighting,
    UpWeighting,
    BuyAndHold,
    WithRule,
    Replay,
    Date,
    Size,
    Amount,
    Cost,
    LowestMargin,
    BreachDays,
    WorstBreach,
    FinalValue,
    MaxDrawdown,
    Hold,
    Sell,
    MayBuy,
    Action,
    BindingFloor,
    BindingCap,
    Position,
    Obligation,
    Provision,
    Contingent,
    Reborrowed,
    ConsolidationRatio,
    PayrollTax,
    Deposits,
    ModelBesideHistory,
    Model,
    History,
    GeometricReturn,
    AnnualVol,
    YearsBelow,
    FallsPerDecade,
    StandardError,
    LongRunAssumption,
}

impl Term {
    pub fn text(self, lang: Lang) -> &'static str {
        use Term::*;
        match self {
            MarketValue => term("term.market_value", lang),
            EquityShare => term("term.equity_share", lang),
            MaxEquityShare => term("term.max_equity_share", lang),
            Cap => term("term.cap", lang),
            High => term("term.high", lang),
            Floor => term("term.floor", lang),
            Margin => term("term.margin", lang),
            MarginAmount => term("term.margin_amount", lang),
            FallToFloor => term("term.fall_to_floor", lang),
            DownWeighting => term("term.down_weighting", lang),
            UpWeighting => term("term.up_weighting", lang),
            BuyAndHold => term("term.buy_and_hold", lang),
            WithRule => term("term.with_rule", lang),
            Replay => term("term.replay", lang),
            Date => term("term.date", lang),
            Size => term("term.size", lang),
            Amount => term("term.amount", lang),
            Cost => term("term.cost", lang),
            LowestMargin => term("term.lowest_margin", lang),
            BreachDays => term("term.breach_days", lang),
            WorstBreach => term("term.worst_breach", lang),
            FinalValue => term("term.final_value", lang),
            MaxDrawdown => term("term.max_drawdown", lang),
            Hold => term("term.hold", lang),
            Sell => term("term.sell", lang),
            MayBuy => term("term.may_buy", lang),
            Action => term("term.action", lang),
            BindingFloor => term("term.binding_floor", lang),
            BindingCap => term("term.binding_cap", lang),
            Position => term("term.position", lang),
            Obligation => term("term.obligation", lang),
            Provision => term("term.provision", lang),
            Contingent => term("term.contingent", lang),
            Reborrowed => term("term.reborrowed", lang),
            ConsolidationRatio => term("term.consolidation_ratio", lang),
            PayrollTax => term("term.payroll_tax", lang),
            Deposits => term("term.deposits", lang),
            ModelBesideHistory => term("term.model_beside_history", lang),
            Model => term("term.model", lang),
            History => term("term.history", lang),
            GeometricReturn => term("term.geometric_return", lang),
            AnnualVol => term("term.annual_vol", lang),
            YearsBelow => term("term.years_below", lang),
            FallsPerDecade => term("term.falls_per_decade", lang),
            StandardError => term("term.standard_error", lang),
            LongRunAssumption => term("term.long_run_assumption", lang),
        }
    }
}

/// `x` with `decimals` decimals, thousands grouped: `1,477.4` in English,
/// `1 477,4` in Swedish.
pub fn number(x: f64, decimals: usize, lang: Lang) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "–".into()
        } else if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    let (group, point) = match lang {
        Lang::En => (',', '.'),
        Lang::Sv => ('\u{a0}', ','),
    };
    let mut out = String::new();
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative {
        out.push(if lang == Lang::Sv { '−' } else { '-' });
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push(point);
        out.push_str(f);
    }
    out
}

/// A share as a percentage: `12.3 %` / `12,3 %`.
pub fn percent(share: f64, decimals: usize, lang: Lang) -> String {
    format!("{}\u{a0}%", number(share * 100.0, decimals, lang))
}

/// An amount in mkr: `1,477.0 mkr` / `1 477,0 mkr`.
pub fn mkr(amount: f64, decimals: usize, lang: Lang) -> String {
    format!("{}\u{a0}mkr", number(amount, decimals, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_numbers_use_a_decimal_comma_and_spaces() {
        assert_eq!(number(1477.44, 1, Lang::Sv), "1\u{a0}477,4");
        assert_eq!(number(1477.44, 1, Lang::En), "1,477.4");
        assert_eq!(number(-1234567.0, 0, Lang::Sv), "−1\u{a0}234\u{a0}567");
        assert_eq!(number(-0.001, 1, Lang::En), "0.0");
        assert_eq!(percent(0.12254, 1, Lang::Sv), "12,3\u{a0}%");
        assert_eq!(mkr(290.0, 0, Lang::En), "290\u{a0}mkr");
    }

    #[test]
    fn lang_parses_only_sv_and_en() {
        assert_eq!("sv".parse::<Lang>(), Ok(Lang::Sv));
        assert!("de".parse::<Lang>().is_err());
    }
}
