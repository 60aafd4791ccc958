//! What a scenario file says, before validation.
//!
//! Every key is optional at this stage, so that a missing key becomes one
//! of the collected problems instead of the first and only serde error.
//! Unknown keys are collected separately (see `mod.rs`); the known keys of
//! each table, read from its type's serde field names ([`keys`]), give the
//! "expected one of" and "did you mean" text.

use std::sync::LazyLock;

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
    pub actuals: Option<ActualsFile>,
    /// `[[strategy]]` tables for `pensionsim compare`, which reads and
    /// checks them itself (`compare::strategy`).
    #[allow(dead_code, reason = "read by the compare module from the file's text")]
    pub strategy: Option<toml::Value>,
    /// `[variant.NAME]` tables: partial scenarios merged over the rest
    /// when selected (`Scenario::load_variant`), else left unread.
    #[allow(dead_code, reason = "merged over the file's text before it is read")]
    pub variant: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PortfolioFile {
    /// A TOML date (`2025-08-31`) or a string holding one.
    pub valuation_date: Option<toml::Value>,
    pub asset_class: Option<Vec<AssetClassFile>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AssetClassFile {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub holding: Option<f64>,
    pub mix: Option<f64>,
    /// For equity classes: the market factor it follows.
    pub factor: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct HistoryFile {
    pub csv: Option<String>,
    /// The sheet of a workbook `csv` names; its first by default.
    pub sheet: Option<String>,
    pub month_ends: Option<Vec<MonthEndFile>>,
    pub start_value: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MonthEndFile {
    pub date: Option<toml::Value>,
    pub value: Option<f64>,
    /// Where the figure comes from; for the file's reader, not the engine.
    #[allow(dead_code, reason = "documents the figure; nothing computes with it")]
    pub source: Option<String>,
}

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

#[derive(Debug, Default, Deserialize)]
pub struct SimulationFile {
    pub paths: Option<i64>,
    pub seed: Option<i64>,
    pub horizon_months: Option<i64>,
    pub variance_reduction: Option<bool>,
}

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

/// `[market.long_run]`: stated long-run returns and their source.
#[derive(Debug, Default, Deserialize)]
pub struct LongRunFile {
    pub swedish_equity: Option<f64>,
    pub global_equity: Option<f64>,
    pub sek_per_usd: Option<f64>,
    pub source: Option<crate::lang::Words>,
}

/// `[market.history]`: the historical series the model is shown beside.
#[derive(Debug, Default, Deserialize)]
pub struct MarketHistoryFile {
    pub swedish_equity: Option<HistorySeriesFile>,
    pub global_equity: Option<HistorySeriesFile>,
}

/// One series of `[market.history]`.
#[derive(Debug, Default, Deserialize)]
pub struct HistorySeriesFile {
    pub series: Option<String>,
    pub date_column: Option<String>,
    pub price_column: Option<String>,
    pub dividend_yield: Option<f64>,
    pub name: Option<crate::lang::Words>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RegimeFile {
    pub name: Option<String>,
    pub swedish_equity: Option<DriftVolFile>,
    pub global_equity: Option<DriftVolFile>,
    pub sek_per_usd: Option<DriftVolFile>,
    pub short_rate: Option<VasicekFile>,
    pub correlation: Option<Vec<Vec<f64>>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DriftVolFile {
    pub mu: Option<f64>,
    pub vol: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct VasicekFile {
    pub kappa: Option<f64>,
    pub theta: Option<f64>,
    pub sigma: Option<f64>,
}

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

/// `[debt]`: the loan book, the borrowing plan and the finance policy.
#[derive(Debug, Default, Deserialize)]
pub struct DebtFile {
    pub loans_csv: Option<String>,
    /// The sheet of a workbook `loans_csv` names; its first by default.
    pub loans_sheet: Option<String>,
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

#[derive(Debug, Default, Deserialize)]
pub struct BorrowingFile {
    pub date: Option<toml::Value>,
    pub amount: Option<f64>,
    #[allow(dead_code, reason = "documents the figure; nothing computes with it")]
    pub source: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RefinancingFile {
    pub kind: Option<String>,
    pub years: Option<i64>,
    pub max_years: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DebtPolicyFile {
    pub fixing_years: Option<Vec<f64>>,
    pub capital_binding_years: Option<Vec<f64>>,
    pub max_share_within_12m: Option<f64>,
}

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

/// One year of `[obligations]`'s projection.
#[derive(Debug, Default, Deserialize)]
pub struct ProjectionFile {
    pub year: Option<i64>,
    pub provision_payments: Option<f64>,
    pub provision_earnings: Option<f64>,
    pub contingent_payments: Option<f64>,
    pub contingent_earnings: Option<f64>,
}

/// One deposit of `[obligations]`'s plan.
#[derive(Debug, Default, Deserialize)]
pub struct DepositFile {
    pub year: Option<i64>,
    pub amount: Option<f64>,
}

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
}

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

/// `[actuals]`: actual month-end figures to hold the forecast against.
#[derive(Debug, Default, Deserialize)]
pub struct ActualsFile {
    pub constructed: Option<bool>,
    pub note: Option<String>,
    pub month: Option<Vec<ActualMonthFile>>,
}

/// One `[[actuals.month]]` month-end.
#[derive(Debug, Default, Deserialize)]
pub struct ActualMonthFile {
    pub date: Option<toml::Value>,
    pub cash: Option<f64>,
    pub debt: Option<f64>,
}

/// The keys a table of type `T` reads, in its fields' order and as serde
/// names them (renames included): the list cannot miss a field.
pub fn keys<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    serde_aux::serde_introspection::serde_introspect::<T>()
}

/// The known keys of the table at `path` (array indices removed), if any.
pub fn known_keys(table_path: &str) -> Option<&'static [&'static str]> {
    /// Inflation is a mean-reverting rate without a spread's `duration`
    /// (which validation refuses with a message of its own).
    static INFLATION: LazyLock<Vec<&'static str>> =
        LazyLock::new(|| keys::<MeanRevertingFile>().iter().copied().filter(|k| *k != "duration").collect());
    Some(match table_path {
        "" => keys::<ScenarioFile>(),
        "portfolio" => keys::<PortfolioFile>(),
        "portfolio.asset_class" => keys::<AssetClassFile>(),
        "history" => keys::<HistoryFile>(),
        "history.month_ends" => keys::<MonthEndFile>(),
        "policy" => keys::<PolicyFile>(),
        "simulation" => keys::<SimulationFile>(),
        "market" => keys::<MarketFile>(),
        "market.regime" => keys::<RegimeFile>(),
        "market.regime.swedish_equity" | "market.regime.global_equity" | "market.regime.sek_per_usd" => {
            keys::<DriftVolFile>()
        }
        "market.regime.short_rate" => keys::<VasicekFile>(),
        "market.inflation_process" => &INFLATION,
        "market.credit_spread" => keys::<MeanRevertingFile>(),
        "market.bootstrap" => keys::<BootstrapFile>(),
        "market.long_run" => keys::<LongRunFile>(),
        "market.history" => keys::<MarketHistoryFile>(),
        "market.history.swedish_equity" | "market.history.global_equity" => keys::<HistorySeriesFile>(),
        "debt" => keys::<DebtFile>(),
        "debt.loan" => keys::<LoanFile>(),
        "debt.borrowing" => keys::<BorrowingFile>(),
        "debt.refinancing" => keys::<RefinancingFile>(),
        "debt.policy" => keys::<DebtPolicyFile>(),
        "obligations" => keys::<ObligationsFile>(),
        "obligations.projection" => keys::<ProjectionFile>(),
        "obligations.deposits" => keys::<DepositFile>(),
        "liquidity" => keys::<LiquidityFile>(),
        "liquidity.year" => keys::<LiquidityYearFile>(),
        "liquidity.year_to_date" => keys::<RowsFile>(),
        "liquidity.uncertainty" => keys::<UncertaintyFile>(),
        "actuals" => keys::<ActualsFile>(),
        "actuals.month" => keys::<ActualMonthFile>(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table path [`known_keys`] names.
    const TABLES: &[&str] = &[
        "",
        "portfolio",
        "portfolio.asset_class",
        "history",
        "history.month_ends",
        "policy",
        "simulation",
        "market",
        "market.regime",
        "market.regime.swedish_equity",
        "market.regime.short_rate",
        "market.inflation_process",
        "market.credit_spread",
        "market.bootstrap",
        "market.long_run",
        "market.history",
        "market.history.swedish_equity",
        "debt",
        "debt.loan",
        "debt.borrowing",
        "debt.refinancing",
        "debt.policy",
        "obligations",
        "obligations.projection",
        "obligations.deposits",
        "liquidity",
        "liquidity.year",
        "liquidity.year_to_date",
        "liquidity.uncertainty",
        "actuals",
        "actuals.month",
    ];

    /// The introspection sees every table's fields (a `flatten` or a
    /// hand-written `Deserialize` would leave it an empty list).
    #[test]
    fn every_table_has_its_keys() {
        for table in TABLES {
            let keys = known_keys(table).unwrap_or_default();
            assert!(!keys.is_empty(), "[{table}]");
        }
        assert_eq!(known_keys("market.inflation_process").map(<[_]>::len), Some(4));
        assert_eq!(keys::<PolicyFile>().last(), Some(&"flow_adjusted_high"));
    }

    /// A year of the budget holds the rows of the year to date, in their
    /// order, after its own keys.
    #[test]
    fn a_budget_year_holds_the_rows() {
        assert!(keys::<LiquidityYearFile>().ends_with(keys::<RowsFile>()));
    }
}
