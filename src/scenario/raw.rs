//! What a scenario file says, before validation.
//!
//! Every key is optional at this stage, so that a missing key becomes one
//! of the collected problems instead of the first and only serde error.
//! Unknown keys are collected separately (see `mod.rs`); the lists of
//! known keys below give the "expected one of" and "did you mean" text.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct ScenarioFile {
    pub name: Option<String>,
    pub description: Option<String>,
    pub portfolio: Option<PortfolioFile>,
    pub history: Option<HistoryFile>,
    pub policy: Option<PolicyFile>,
    pub market: Option<MarketFile>,
    pub simulation: Option<SimulationFile>,
    pub obligations: Option<ObligationsFile>,
    pub debt: Option<DebtFile>,
    pub liquidity: Option<LiquidityFile>,
    /// `[variant.NAME]` tables: partial scenarios merged over the rest
    /// when selected (`Scenario::load_variant`), else left unread.
    #[allow(dead_code, reason = "merged over the file's text before it is read")]
    pub variant: Option<toml::Value>,
    /// `[[strategy]]` tables for `pensionsim compare`, which reads and
    /// checks them itself (`compare::strategy`).
    #[allow(dead_code, reason = "read by the compare module from the file's text")]
    pub strategy: Option<toml::Value>,
}

pub const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "portfolio",
    "history",
    "policy",
    "market",
    "simulation",
    "obligations",
    "debt",
    "liquidity",
    "strategy",
    "variant",
];

#[derive(Debug, Default, Deserialize)]
pub struct PortfolioFile {
    /// A TOML date (`2025-08-31`) or a string holding one.
    pub valuation_date: Option<toml::Value>,
    pub asset_class: Option<Vec<AssetClassFile>>,
}

pub const PORTFOLIO_KEYS: &[&str] = &["valuation_date", "asset_class"];

#[derive(Debug, Default, Deserialize)]
pub struct AssetClassFile {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub holding: Option<f64>,
    pub mix: Option<f64>,
    /// For equity classes: the market factor it follows.
    pub factor: Option<String>,
}

pub const ASSET_CLASS_KEYS: &[&str] = &["name", "kind", "holding", "mix", "factor"];

#[derive(Debug, Default, Deserialize)]
pub struct HistoryFile {
    pub csv: Option<String>,
    pub month_ends: Option<Vec<MonthEndFile>>,
    pub start_value: Option<f64>,
}

pub const HISTORY_KEYS: &[&str] = &["csv", "month_ends", "start_value"];

#[derive(Debug, Default, Deserialize)]
pub struct MonthEndFile {
    pub date: Option<toml::Value>,
    pub value: Option<f64>,
    /// Where the figure comes from; for the file's reader, not the engine.
    #[allow(dead_code, reason = "documents the figure; nothing computes with it")]
    pub source: Option<String>,
}

pub const MONTH_END_KEYS: &[&str] = &["date", "value", "source"];

#[derive(Debug, Default, Deserialize)]
pub struct PolicyFile {
    pub max_drawdown: Option<f64>,
    pub window_months: Option<i64>,
    pub equity_stress: Option<f64>,
    pub fixed_income_stress: Option<f64>,
    pub buffer: Option<f64>,
    pub cap: Option<f64>,
    pub target: Option<f64>,
    pub down_headroom: Option<f64>,
    pub up_band: Option<f64>,
    pub up_headroom: Option<f64>,
    pub cost_bps: Option<f64>,
    pub flow_adjusted_high: Option<bool>,
}

pub const POLICY_KEYS: &[&str] = &[
    "max_drawdown",
    "window_months",
    "equity_stress",
    "fixed_income_stress",
    "buffer",
    "cap",
    "target",
    "down_headroom",
    "up_band",
    "up_headroom",
    "cost_bps",
    "flow_adjusted_high",
];

#[derive(Debug, Default, Deserialize)]
pub struct SimulationFile {
    pub paths: Option<i64>,
    pub seed: Option<i64>,
    pub horizon_months: Option<i64>,
}

pub const SIMULATION_KEYS: &[&str] = &["paths", "seed", "horizon_months"];

#[derive(Debug, Default, Deserialize)]
pub struct MarketFile {
    pub shocks: Option<String>,
    pub degrees_of_freedom: Option<f64>,
    pub trading_days_per_month: Option<i64>,
    pub days_per_year: Option<f64>,
    pub initial_short_rate: Option<f64>,
    pub short_rate_model: Option<String>,
    pub initial_curve: Option<Vec<Vec<f64>>>,
    pub fixed_income_duration: Option<f64>,
    pub hedge_ratio: Option<f64>,
    pub inflation: Option<f64>,
    pub inflation_process: Option<MeanRevertingFile>,
    pub credit_spread: Option<MeanRevertingFile>,
    pub bootstrap: Option<BootstrapFile>,
    pub transition: Option<Vec<Vec<f64>>>,
    pub start_regime: Option<String>,
    pub regime: Option<Vec<RegimeFile>>,
    pub long_run: Option<LongRunFile>,
    pub history: Option<MarketHistoryFile>,
}

pub const MARKET_KEYS: &[&str] = &[
    "shocks",
    "degrees_of_freedom",
    "trading_days_per_month",
    "days_per_year",
    "initial_short_rate",
    "short_rate_model",
    "initial_curve",
    "fixed_income_duration",
    "hedge_ratio",
    "inflation",
    "inflation_process",
    "credit_spread",
    "bootstrap",
    "transition",
    "start_regime",
    "regime",
    "long_run",
    "history",
];

/// `[market.long_run]`: stated long-run returns and their source.
#[derive(Debug, Default, Deserialize)]
pub struct LongRunFile {
    pub swedish_equity: Option<f64>,
    pub global_equity: Option<f64>,
    pub sek_per_usd: Option<f64>,
    pub source: Option<String>,
}

pub const LONG_RUN_KEYS: &[&str] = &["swedish_equity", "global_equity", "sek_per_usd", "source"];

/// `[market.history]`: the historical series the model is shown beside.
#[derive(Debug, Default, Deserialize)]
pub struct MarketHistoryFile {
    pub swedish_equity: Option<HistorySeriesFile>,
    pub global_equity: Option<HistorySeriesFile>,
}

pub const MARKET_HISTORY_KEYS: &[&str] = &["swedish_equity", "global_equity"];

/// One series of `[market.history]`.
#[derive(Debug, Default, Deserialize)]
pub struct HistorySeriesFile {
    pub series: Option<String>,
    pub date_column: Option<String>,
    pub price_column: Option<String>,
    pub dividend_yield: Option<f64>,
    pub name: Option<String>,
}

pub const HISTORY_SERIES_KEYS: &[&str] = &["series", "date_column", "price_column", "dividend_yield", "name"];

#[derive(Debug, Default, Deserialize)]
pub struct RegimeFile {
    pub name: Option<String>,
    pub swedish_equity: Option<DriftVolFile>,
    pub global_equity: Option<DriftVolFile>,
    pub sek_per_usd: Option<DriftVolFile>,
    pub short_rate: Option<VasicekFile>,
    pub correlation: Option<Vec<Vec<f64>>>,
}

pub const REGIME_KEYS: &[&str] =
    &["name", "swedish_equity", "global_equity", "sek_per_usd", "short_rate", "correlation"];

#[derive(Debug, Default, Deserialize)]
pub struct DriftVolFile {
    pub mu: Option<f64>,
    pub vol: Option<f64>,
}

pub const DRIFT_VOL_KEYS: &[&str] = &["mu", "vol"];

#[derive(Debug, Default, Deserialize)]
pub struct VasicekFile {
    pub kappa: Option<f64>,
    pub theta: Option<f64>,
    pub sigma: Option<f64>,
}

pub const VASICEK_KEYS: &[&str] = &["kappa", "theta", "sigma"];

/// A mean-reverting rate: inflation, or a credit spread (which also has a
/// duration).
#[derive(Debug, Default, Deserialize)]
pub struct MeanRevertingFile {
    pub initial: Option<f64>,
    pub mean: Option<f64>,
    pub kappa: Option<f64>,
    pub sigma: Option<f64>,
    pub duration: Option<f64>,
}

pub const INFLATION_KEYS: &[&str] = &["initial", "mean", "kappa", "sigma"];
pub const SPREAD_KEYS: &[&str] = &["initial", "mean", "kappa", "sigma", "duration"];

/// `[market.bootstrap]`: a daily price series to draw shocks from.
#[derive(Debug, Default, Deserialize)]
pub struct BootstrapFile {
    pub series: Option<String>,
    pub date_column: Option<String>,
    pub price_column: Option<String>,
    pub from: Option<toml::Value>,
    pub to: Option<toml::Value>,
    pub block_days: Option<i64>,
}

pub const BOOTSTRAP_KEYS: &[&str] = &["series", "date_column", "price_column", "from", "to", "block_days"];

/// `[debt]`: the loan book, the borrowing plan and the finance policy.
#[derive(Debug, Default, Deserialize)]
pub struct DebtFile {
    pub loans_csv: Option<String>,
    pub loan: Option<Vec<LoanFile>>,
    pub borrowing: Option<Vec<BorrowingFile>>,
    pub borrowing_limit: Option<f64>,
    pub overdraft: Option<f64>,
    pub stibor_3m: Option<f64>,
    pub fixed_spread: Option<f64>,
    pub floating_margin: Option<f64>,
    pub refinancing: Option<RefinancingFile>,
    pub policy: Option<DebtPolicyFile>,
}

pub const DEBT_KEYS: &[&str] = &[
    "loans_csv",
    "loan",
    "borrowing",
    "borrowing_limit",
    "overdraft",
    "stibor_3m",
    "fixed_spread",
    "floating_margin",
    "refinancing",
    "policy",
];

/// One loan; also a row of `loans_csv` (the same names as columns).
#[derive(Debug, Default, Deserialize)]
pub struct LoanFile {
    pub id: Option<String>,
    pub amount: Option<f64>,
    pub start: Option<toml::Value>,
    pub maturity: Option<toml::Value>,
    /// A fixed loan's yearly rate.
    pub rate: Option<f64>,
    /// A floating loan's margin over 3-month STIBOR.
    pub margin: Option<f64>,
    pub amortisation: Option<f64>,
    pub green: Option<bool>,
    /// Where the figure comes from; for the reader.
    #[allow(dead_code, reason = "documents the loan; nothing computes with it")]
    pub source: Option<String>,
}

pub const LOAN_KEYS: &[&str] =
    &["id", "amount", "start", "maturity", "rate", "margin", "amortisation", "green", "source"];

#[derive(Debug, Default, Deserialize)]
pub struct BorrowingFile {
    pub date: Option<toml::Value>,
    pub amount: Option<f64>,
    #[allow(dead_code, reason = "documents the figure; nothing computes with it")]
    pub source: Option<String>,
}

pub const BORROWING_KEYS: &[&str] = &["date", "amount", "source"];

#[derive(Debug, Default, Deserialize)]
pub struct RefinancingFile {
    pub kind: Option<String>,
    pub years: Option<i64>,
    pub max_years: Option<i64>,
}

pub const REFINANCING_KEYS: &[&str] = &["kind", "years", "max_years"];

#[derive(Debug, Default, Deserialize)]
pub struct DebtPolicyFile {
    pub fixing_years: Option<Vec<f64>>,
    pub capital_binding_years: Option<Vec<f64>>,
    pub max_share_within_12m: Option<f64>,
}

pub const DEBT_POLICY_KEYS: &[&str] = &["fixing_years", "capital_binding_years", "max_share_within_12m"];
/// `[obligations]`: the pension obligation, its projection and the deposits.
#[derive(Debug, Default, Deserialize)]
pub struct ObligationsFile {
    pub provision: Option<f64>,
    pub contingent: Option<f64>,
    pub payroll_tax: Option<f64>,
    pub discount_rate: Option<f64>,
    pub denominator: Option<String>,
    pub target_year: Option<i64>,
    pub horizon_year: Option<i64>,
    pub withdraw_payments: Option<bool>,
    pub stop_when_full: Option<bool>,
    pub projection: Option<Vec<ProjectionFile>>,
    pub projection_csv: Option<String>,
    pub deposits: Option<Vec<DepositFile>>,
}

pub const OBLIGATIONS_KEYS: &[&str] = &[
    "provision",
    "contingent",
    "payroll_tax",
    "discount_rate",
    "denominator",
    "target_year",
    "horizon_year",
    "withdraw_payments",
    "stop_when_full",
    "projection",
    "projection_csv",
    "deposits",
];

/// One year of `[obligations]`'s projection.
#[derive(Debug, Default, Deserialize)]
pub struct ProjectionFile {
    pub year: Option<i64>,
    pub provision_payments: Option<f64>,
    pub provision_earnings: Option<f64>,
    pub contingent_payments: Option<f64>,
    pub contingent_earnings: Option<f64>,
}

pub const PROJECTION_KEYS: &[&str] =
    &["year", "provision_payments", "provision_earnings", "contingent_payments", "contingent_earnings"];

/// One deposit of `[obligations]`'s plan.
#[derive(Debug, Default, Deserialize)]
pub struct DepositFile {
    pub year: Option<i64>,
    pub amount: Option<f64>,
}

pub const DEPOSIT_KEYS: &[&str] = &["year", "amount"];

/// `[liquidity]`: the liquidity forecast's budget, profiles and rules.
#[derive(Debug, Default, Deserialize)]
pub struct LiquidityFile {
    pub opening_cash: Option<f64>,
    pub receivables: Option<f64>,
    pub current_liabilities: Option<f64>,
    pub quick_ratio_target: Option<f64>,
    pub buffer: Option<f64>,
    pub overdraft: Option<f64>,
    pub borrowing_block: Option<f64>,
    pub months: Option<i64>,
    pub randomness: Option<bool>,
    pub rules: Option<Vec<String>>,
    pub cost_profile: Option<Vec<f64>>,
    pub revenue_profile: Option<Vec<f64>>,
    pub investment_profile: Option<Vec<f64>>,
    pub year: Option<Vec<LiquidityYearFile>>,
    pub year_to_date: Option<RowsFile>,
    pub uncertainty: Option<UncertaintyFile>,
    pub actual: Option<Vec<ActualFile>>,
}

pub const LIQUIDITY_KEYS: &[&str] = &[
    "opening_cash",
    "receivables",
    "current_liabilities",
    "quick_ratio_target",
    "buffer",
    "overdraft",
    "borrowing_block",
    "months",
    "randomness",
    "rules",
    "cost_profile",
    "revenue_profile",
    "investment_profile",
    "year",
    "year_to_date",
    "uncertainty",
    "actual",
];

/// The budget rows of a year or of the year to date.
#[derive(Debug, Default, Deserialize)]
pub struct RowsFile {
    pub operating_revenue: Option<f64>,
    pub earmarked_grants: Option<f64>,
    pub tax_revenue: Option<f64>,
    pub general_grants: Option<f64>,
    pub pharmaceutical_grant: Option<f64>,
    pub operating_costs: Option<f64>,
    pub depreciation: Option<f64>,
    pub financial_income: Option<f64>,
    pub financial_costs: Option<f64>,
    pub pension_provision_increase: Option<f64>,
    pub portfolio_return: Option<f64>,
    pub investments: Option<f64>,
    pub other_cash_flows: Option<f64>,
}

pub const ROWS_KEYS: &[&str] = &[
    "operating_revenue",
    "earmarked_grants",
    "tax_revenue",
    "general_grants",
    "pharmaceutical_grant",
    "operating_costs",
    "depreciation",
    "financial_income",
    "financial_costs",
    "pension_provision_increase",
    "portfolio_return",
    "investments",
    "other_cash_flows",
];

/// One year of `[[liquidity.year]]`.
#[derive(Debug, Default, Deserialize)]
pub struct LiquidityYearFile {
    pub year: Option<i64>,
    pub earmarked_months: Option<Vec<i64>>,
    pub tax_settlement: Option<f64>,
    /// Where the figures come from; for the reader.
    #[allow(dead_code, reason = "documents the year; nothing computes with it")]
    pub source: Option<String>,
    pub operating_revenue: Option<f64>,
    pub earmarked_grants: Option<f64>,
    pub tax_revenue: Option<f64>,
    pub general_grants: Option<f64>,
    pub pharmaceutical_grant: Option<f64>,
    pub operating_costs: Option<f64>,
    pub depreciation: Option<f64>,
    pub financial_income: Option<f64>,
    pub financial_costs: Option<f64>,
    pub pension_provision_increase: Option<f64>,
    pub portfolio_return: Option<f64>,
    pub investments: Option<f64>,
    pub other_cash_flows: Option<f64>,
}

pub const LIQUIDITY_YEAR_KEYS: &[&str] = &[
    "year",
    "earmarked_months",
    "tax_settlement",
    "source",
    "operating_revenue",
    "earmarked_grants",
    "tax_revenue",
    "general_grants",
    "pharmaceutical_grant",
    "operating_costs",
    "depreciation",
    "financial_income",
    "financial_costs",
    "pension_provision_increase",
    "portfolio_return",
    "investments",
    "other_cash_flows",
];

/// `[liquidity.uncertainty]`.
#[derive(Debug, Default, Deserialize)]
pub struct UncertaintyFile {
    pub cost_spread: Option<f64>,
    pub cost_persistence: Option<f64>,
    pub tax_spread: Option<f64>,
    pub tax_month: Option<i64>,
    pub grant_delay: Option<f64>,
    pub grant_delay_months: Option<i64>,
    pub grant_missing: Option<f64>,
    pub investment_slippage: Option<f64>,
}

pub const UNCERTAINTY_KEYS: &[&str] = &[
    "cost_spread",
    "cost_persistence",
    "tax_spread",
    "tax_month",
    "grant_delay",
    "grant_delay_months",
    "grant_missing",
    "investment_slippage",
];

/// One `[[liquidity.actual]]` month-end.
#[derive(Debug, Default, Deserialize)]
pub struct ActualFile {
    pub date: Option<toml::Value>,
    pub cash: Option<f64>,
}

pub const ACTUAL_KEYS: &[&str] = &["date", "cash"];

/// The known keys of the table at `path` (array indices removed), if any.
pub fn known_keys(table_path: &str) -> Option<&'static [&'static str]> {
    Some(match table_path {
        "" => TOP_KEYS,
        "portfolio" => PORTFOLIO_KEYS,
        "portfolio.asset_class" => ASSET_CLASS_KEYS,
        "history" => HISTORY_KEYS,
        "history.month_ends" => MONTH_END_KEYS,
        "policy" => POLICY_KEYS,
        "simulation" => SIMULATION_KEYS,
        "market" => MARKET_KEYS,
        "market.regime" => REGIME_KEYS,
        "market.regime.swedish_equity" | "market.regime.global_equity" | "market.regime.sek_per_usd" => {
            DRIFT_VOL_KEYS
        }
        "market.regime.short_rate" => VASICEK_KEYS,
        "market.inflation_process" => INFLATION_KEYS,
        "market.credit_spread" => SPREAD_KEYS,
        "market.bootstrap" => BOOTSTRAP_KEYS,
        "market.long_run" => LONG_RUN_KEYS,
        "market.history" => MARKET_HISTORY_KEYS,
        "market.history.swedish_equity" | "market.history.global_equity" => HISTORY_SERIES_KEYS,
        "debt" => DEBT_KEYS,
        "debt.loan" => LOAN_KEYS,
        "debt.borrowing" => BORROWING_KEYS,
        "debt.refinancing" => REFINANCING_KEYS,
        "debt.policy" => DEBT_POLICY_KEYS,
        "obligations" => OBLIGATIONS_KEYS,
        "obligations.projection" => PROJECTION_KEYS,
        "obligations.deposits" => DEPOSIT_KEYS,
        "liquidity" => LIQUIDITY_KEYS,
        "liquidity.year" => LIQUIDITY_YEAR_KEYS,
        "liquidity.year_to_date" => ROWS_KEYS,
        "liquidity.uncertainty" => UNCERTAINTY_KEYS,
        "liquidity.actual" => ACTUAL_KEYS,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each list names exactly the fields its struct reads: a file with all
    /// of them leaves nothing unread.
    #[test]
    fn key_lists_match_the_structs() {
        let mut text = String::new();
        for key in TOP_KEYS.iter().filter(|k| ["name", "description"].contains(k)) {
            text.push_str(&format!("{key} = \"x\"\n"));
        }
        text.push_str("[portfolio]\nvaluation_date = 2025-08-31\n[[portfolio.asset_class]]\n");
        text.push_str("name = \"a\"\nkind = \"equity\"\nholding = 1\nmix = 1\nfactor = \"x\"\n");
        text.push_str("[history]\ncsv = \"x\"\nstart_value = 1\nmonth_ends = [{date = 2025-08-31, value = 1, source = \"s\"}]\n");
        text.push_str("[policy]\n");
        for key in POLICY_KEYS {
            let value = match *key {
                "window_months" => "24",
                "flow_adjusted_high" => "true",
                _ => "0.1",
            };
            text.push_str(&format!("{key} = {value}\n"));
        }
        let de = toml::de::Deserializer::parse(&text).unwrap();
        let mut unread = Vec::new();
        let file: ScenarioFile = serde_ignored::deserialize(de, |p| unread.push(p.to_string())).unwrap();
        assert_eq!(unread, Vec::<String>::new());
        assert!(file.policy.unwrap().flow_adjusted_high.unwrap());
        assert_eq!(file.portfolio.unwrap().asset_class.unwrap().len(), 1);
        assert_eq!(ASSET_CLASS_KEYS.len(), 5);
    }
}
