//! Report language: the region's own Swedish terms and their English
//! counterparts, and number formats (decimal comma and a space between
//! thousands in Swedish).
//!
//! Terms follow the interim report's vocabulary (seed digest, glossary):
//! aktieandel, skyddsnivå, riskmarginal, nedviktning, uppviktning.

pub use crate::lang::Lang;

/// A term that appears in reports and charts.
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
        match (self, lang) {
            (MarketValue, Lang::En) => "Market value",
            (MarketValue, Lang::Sv) => "Marknadsvärde",
            (EquityShare, Lang::En) => "Equity share",
            (EquityShare, Lang::Sv) => "Aktieandel",
            (MaxEquityShare, Lang::En) => "Maximum equity share",
            (MaxEquityShare, Lang::Sv) => "Beräknad maximal aktieandel",
            (Cap, Lang::En) => "Equity cap",
            (Cap, Lang::Sv) => "Aktietak",
            (High, Lang::En) => "24-month high",
            (High, Lang::Sv) => "Högsta värde 24 mån",
            (Floor, Lang::En) => "Protection level (floor)",
            (Floor, Lang::Sv) => "Skyddsnivå",
            (Margin, Lang::En) => "Margin to floor",
            (Margin, Lang::Sv) => "Riskmarginal",
            (MarginAmount, Lang::En) => "Margin to floor, amount",
            (MarginAmount, Lang::Sv) => "Riskmarginal, belopp",
            (FallToFloor, Lang::En) => "Fall that reaches the floor",
            (FallToFloor, Lang::Sv) => "Fall till skyddsnivån",
            (DownWeighting, Lang::En) => "Down-weighting",
            (DownWeighting, Lang::Sv) => "Nedviktning",
            (UpWeighting, Lang::En) => "Up-weighting",
            (UpWeighting, Lang::Sv) => "Uppviktning",
            (BuyAndHold, Lang::En) => "Without the rule (starting mix held)",
            (BuyAndHold, Lang::Sv) => "Utan riskprincipen (startmix behålls)",
            (WithRule, Lang::En) => "With the rule",
            (WithRule, Lang::Sv) => "Med riskprincipen",
            (Replay, Lang::En) => "Historical replay",
            (Replay, Lang::Sv) => "Historisk körning",
            (Date, Lang::En) => "Date",
            (Date, Lang::Sv) => "Datum",
            (Size, Lang::En) => "Equity share before → after",
            (Size, Lang::Sv) => "Aktieandel före → efter",
            (Amount, Lang::En) => "Amount",
            (Amount, Lang::Sv) => "Belopp",
            (Cost, Lang::En) => "Cost",
            (Cost, Lang::Sv) => "Kostnad",
            (LowestMargin, Lang::En) => "Lowest margin",
            (LowestMargin, Lang::Sv) => "Lägsta riskmarginal",
            (BreachDays, Lang::En) => "Days under the floor",
            (BreachDays, Lang::Sv) => "Dagar under skyddsnivån",
            (WorstBreach, Lang::En) => "Deepest breach",
            (WorstBreach, Lang::Sv) => "Största underskridande",
            (FinalValue, Lang::En) => "Final value",
            (FinalValue, Lang::Sv) => "Slutvärde",
            (MaxDrawdown, Lang::En) => "Largest fall from a high",
            (MaxDrawdown, Lang::Sv) => "Största fall från toppen",
            (Hold, Lang::En) => "hold: no trade required",
            (Hold, Lang::Sv) => "behåll: ingen omviktning krävs",
            (Sell, Lang::En) => "sell equities (down-weighting required)",
            (Sell, Lang::Sv) => "sälj aktier (nedviktning krävs)",
            (MayBuy, Lang::En) => "may buy equities at the month-end check (up-weighting)",
            (MayBuy, Lang::Sv) => "får köpa aktier vid månadsskiftet (uppviktning)",
            (Action, Lang::En) => "Action",
            (Action, Lang::Sv) => "Åtgärd",
            (BindingFloor, Lang::En) => "set by the floor",
            (BindingFloor, Lang::Sv) => "styrs av skyddsnivån",
            (BindingCap, Lang::En) => "set by the 80 % cap",
            (BindingCap, Lang::Sv) => "styrs av aktietaket",
            (Position, Lang::En) => "Position under the dynamic risk principle",
            (Position, Lang::Sv) => "Läget enligt den dynamiska riskprincipen",
            (Obligation, Lang::En) => "Pension obligation",
            (Obligation, Lang::Sv) => "Pensionsåtagande",
            (Provision, Lang::En) => "Provision",
            (Provision, Lang::Sv) => "Avsättning",
            (Contingent, Lang::En) => "Contingent liability",
            (Contingent, Lang::Sv) => "Ansvarsförbindelse",
            (Reborrowed, Lang::En) => "Reborrowed funds (återlånade medel)",
            (Reborrowed, Lang::Sv) => "Återlånade medel",
            (ConsolidationRatio, Lang::En) => "Consolidation ratio",
            (ConsolidationRatio, Lang::Sv) => "Konsolideringsgrad",
            (PayrollTax, Lang::En) => "Special payroll tax",
            (PayrollTax, Lang::Sv) => "Särskild löneskatt",
            (Deposits, Lang::En) => "Deposits",
            (Deposits, Lang::Sv) => "Insättningar",
            (ModelBesideHistory, Lang::En) => "Model beside history",
            (ModelBesideHistory, Lang::Sv) => "Modell och historia",
            (Model, Lang::En) => "model",
            (Model, Lang::Sv) => "modell",
            (History, Lang::En) => "history",
            (History, Lang::Sv) => "historia",
            (GeometricReturn, Lang::En) => "geometric return a year",
            (GeometricReturn, Lang::Sv) => "geometrisk avkastning per år",
            (AnnualVol, Lang::En) => "yearly volatility",
            (AnnualVol, Lang::Sv) => "årlig volatilitet",
            (YearsBelow, Lang::En) => "share of calendar years below",
            (YearsBelow, Lang::Sv) => "andel kalenderår under",
            (FallsPerDecade, Lang::En) => "falls of 20 % from the 24-month high per decade",
            (FallsPerDecade, Lang::Sv) => "fall på 20 % från 24-månadershögsta per decennium",
            (StandardError, Lang::En) => "standard error",
            (StandardError, Lang::Sv) => "standardfel",
            (LongRunAssumption, Lang::En) => "Long-run assumption",
            (LongRunAssumption, Lang::Sv) => "Långsiktigt antagande",
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
