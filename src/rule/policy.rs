//! The rule's parameters and its closed-form quantities: floor, margin and
//! maximum equity share (`dynamic-risk-rule.md`, "Quantities").

use serde::Serialize;

/// Share comparisons tolerate this much floating-point error, so that a
/// portfolio put exactly at a threshold by one trade does not trigger
/// another on rounding noise. 1e-10 of a 1,477 mkr portfolio is 0.15 kr.
pub const SHARE_EPSILON: f64 = 1e-10;

/// Every parameter of the dynamic risk principle.
///
/// The values in [`Policy::DOCUMENT_DEFAULTS`] are the ones
/// `dynamic-risk-rule.md` names; a scenario's `[policy]` table overrides any
/// of them. A `Policy` built by hand must pass [`Policy::check`] before it is
/// trusted; the scenario reader does that.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Policy {
    /// Largest allowed fall from the 24-month high: the floor is
    /// `(1 - max_drawdown) * high`.
    pub max_drawdown: f64,
    /// How many completed month-ends the high looks back over.
    pub window_months: usize,
    /// Assumed stress loss on equities, `s_eq`.
    pub equity_stress: f64,
    /// Assumed stress loss on fixed income, `s_fi`.
    pub fixed_income_stress: f64,
    /// Margin held back before equities are allowed.
    pub buffer: f64,
    /// Highest equity share the policy allows (80 %).
    pub cap: f64,
    /// Equity share that up-weighting aims for.
    pub target: f64,
    /// A down-weighting sells to this much below the maximum equity share.
    pub down_headroom: f64,
    /// An up-weighting happens only when the room to the allowed share is
    /// at least this large.
    pub up_band: f64,
    /// An up-weighting buys to this much below the maximum equity share.
    pub up_headroom: f64,
    /// Trading cost in basis points of the equity amount moved.
    pub cost_bps: f64,
    /// Scale the stored month-end values by each deposit or withdrawal, so
    /// that flows do not move the floor.
    pub flow_adjusted_high: bool,
}

/// One parameter that is out of range.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyIssue {
    pub field: &'static str,
    pub expected: &'static str,
    pub found: String,
}

impl Policy {
    /// The defaults of `dynamic-risk-rule.md`.
    pub const DOCUMENT_DEFAULTS: Policy = Policy {
        max_drawdown: 0.20,
        window_months: 24,
        equity_stress: 0.23,
        fixed_income_stress: 0.0,
        buffer: 0.0,
        cap: 0.80,
        target: 0.80,
        down_headroom: 0.05,
        up_band: 0.10,
        up_headroom: 0.05,
        cost_bps: 10.0,
        flow_adjusted_high: true,
    };

    /// The protection level (skyddsnivå) for a given high: `F = (1 - dd) H`.
    ///
    /// ```
    /// # use pensionsim::rule::Policy;
    /// assert_eq!(Policy::DOCUMENT_DEFAULTS.floor(1620.0), 1296.0);
    /// ```
    pub fn floor(&self, high: f64) -> f64 {
        self.floor_share() * high
    }

    /// The floor as a share of the high, `1 - dd` (0.80 for a 20 % fall):
    /// the one place it is computed.
    pub fn floor_share(&self) -> f64 {
        1.0 - self.max_drawdown
    }

    /// The maximum equity share (beräknad maximal aktieandel) for a margin:
    /// `clamp((m - buffer - s_fi) / (s_eq - s_fi), 0, cap)`.
    pub fn max_equity_share(&self, margin: f64) -> f64 {
        let raw = (margin - self.buffer - self.fixed_income_stress)
            / (self.equity_stress - self.fixed_income_stress);
        raw.clamp(0.0, self.cap)
    }

    /// Whether equities worth `equity` in a portfolio worth `value` with
    /// floor `floor` are above the maximum equity share: the down-weighting
    /// test of step 4, `E > E_max + SHARE_EPSILON`.
    ///
    /// It is that test multiplied through by `V > 0`, with no division:
    /// with `x = equity - SHARE_EPSILON V`, `E_max = clamp(raw, 0, cap)`
    /// is exceeded when `x > cap V`, or when `x > 0` and
    /// `x (s_eq - s_fi) > (V - F) - (buffer + s_fi) V` (that is, `x > raw V`).
    #[inline]
    pub fn exceeds_max_equity(&self, equity: f64, value: f64, floor: f64) -> bool {
        // `|` and `&`, not `||` and `&&`: no branches, so a group of paths
        // asks it lane by lane as one vector.
        let x = equity - SHARE_EPSILON * value;
        (x > self.cap * value)
            | ((x > 0.0)
                & (x * (self.equity_stress - self.fixed_income_stress)
                    > (value - floor) - (self.buffer + self.fixed_income_stress) * value))
    }

    /// The up-weighting check of step 6 for equity share `equity` and
    /// maximum `max_equity`, after the month's value is stored: the share
    /// to buy up to, if any. It needs room to the allowed share (the
    /// target at most) of at least `up_band`, and buys to `up_headroom`
    /// under the maximum, the target at most.
    pub fn up_weighting(&self, equity: f64, max_equity: f64) -> Option<f64> {
        let room = self.target.min(max_equity) - equity;
        let goal = equity.max(self.target.min(max_equity - self.up_headroom));
        (room >= self.up_band - SHARE_EPSILON && goal > equity + SHARE_EPSILON).then_some(goal)
    }

    /// Trading cost for moving `amount` of equities.
    pub fn cost(&self, amount: f64) -> f64 {
        amount.abs() * self.cost_bps / 10_000.0
    }

    /// Every parameter that is out of its range, in field order.
    pub fn check(&self) -> Vec<PolicyIssue> {
        let mut issues = Vec::new();
        let mut need = |ok: bool, field: &'static str, expected: &'static str, value: f64| {
            if !ok || value.is_nan() {
                issues.push(PolicyIssue { field, expected, found: format_number(value) });
            }
        };
        let p = self;
        need(
            p.max_drawdown > 0.0 && p.max_drawdown < 1.0,
            "max_drawdown",
            "a share strictly between 0 and 1 (0.20 for 20 %)",
            p.max_drawdown,
        );
        need(
            (1..=600).contains(&p.window_months),
            "window_months",
            "a whole number of months from 1 to 600",
            p.window_months as f64,
        );
        need(
            p.equity_stress > 0.0 && p.equity_stress <= 1.0,
            "equity_stress",
            "a share above 0 and at most 1 (0.23 for 23 %)",
            p.equity_stress,
        );
        need(
            p.fixed_income_stress >= 0.0 && p.fixed_income_stress < 1.0,
            "fixed_income_stress",
            "a share from 0 up to, not including, 1",
            p.fixed_income_stress,
        );
        need(
            p.equity_stress > p.fixed_income_stress,
            "equity_stress",
            "an equity stress larger than fixed_income_stress",
            p.equity_stress,
        );
        need(p.buffer >= 0.0 && p.buffer < 1.0, "buffer", "a share from 0 up to, not including, 1", p.buffer);
        need((0.0..=1.0).contains(&p.cap), "cap", "a share from 0 to 1 (0.80 for 80 %)", p.cap);
        need((0.0..=1.0).contains(&p.target), "target", "a share from 0 to 1", p.target);
        need(
            (0.0..1.0).contains(&p.down_headroom),
            "down_headroom",
            "a share from 0 up to, not including, 1",
            p.down_headroom,
        );
        need((0.0..=1.0).contains(&p.up_band), "up_band", "a share from 0 to 1", p.up_band);
        need(
            (0.0..1.0).contains(&p.up_headroom),
            "up_headroom",
            "a share from 0 up to, not including, 1",
            p.up_headroom,
        );
        need((0.0..1000.0).contains(&p.cost_bps), "cost_bps", "basis points from 0 up to 1000", p.cost_bps);
        issues
    }
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}") } else { format!("{x}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Policy = Policy::DOCUMENT_DEFAULTS;

    #[test]
    fn floor_is_eighty_percent_of_the_high() {
        assert_eq!(P.floor(1620.0), 1296.0);
    }

    #[test]
    fn max_equity_share_is_margin_over_equity_stress() {
        // dynamic-risk-rule.md, calibration: 0.123 / 0.23 = 0.535.
        assert!((P.max_equity_share(0.123) - 0.534_782_608_7).abs() < 1e-9);
    }

    #[test]
    fn max_equity_share_is_clamped_to_zero_and_the_cap() {
        assert_eq!(P.max_equity_share(-0.05), 0.0);
        assert_eq!(P.max_equity_share(0.20), 0.80); // 0.20 / 0.23 = 0.87 > cap
    }

    #[test]
    fn buffer_and_fixed_income_stress_enter_the_formula() {
        let p = Policy { buffer: 0.02, fixed_income_stress: 0.01, ..P };
        // (0.12 - 0.02 - 0.01) / (0.23 - 0.01) = 0.09 / 0.22
        assert!((p.max_equity_share(0.12) - 0.09 / 0.22).abs() < 1e-12);
    }

    #[test]
    fn the_trigger_without_division_agrees_with_the_formula() {
        let p = Policy { buffer: 0.01, fixed_income_stress: 0.02, ..P };
        for value in [500.0, 960.0, 1000.0, 1300.0] {
            for e in 0..=100 {
                let share = f64::from(e) / 100.0 + 0.003;
                let floor = 960.0;
                let by_formula = share > p.max_equity_share((value - floor) / value) + SHARE_EPSILON;
                assert_eq!(
                    p.exceeds_max_equity(share * value, value, floor),
                    by_formula,
                    "V {value}, E {share}"
                );
            }
        }
    }

    #[test]
    fn up_weighting_needs_the_band_and_buys_to_the_headroom() {
        let p = Policy::DOCUMENT_DEFAULTS;
        // 20 pp of room: buy to 5 pp under the maximum.
        assert_eq!(p.up_weighting(0.30, 0.50), Some(0.45));
        // The worked example: 53.3 - 44.3 = 9 pp, under the 10 pp band.
        assert_eq!(p.up_weighting(0.443, 0.533), None);
        // The target caps the room and the goal: 80 % at most.
        assert_eq!(p.up_weighting(0.65, 1.0), Some(0.8));
        assert_eq!(p.up_weighting(0.75, 1.0), None);
    }

    #[test]
    fn cost_is_basis_points_of_the_amount_moved() {
        assert!((P.cost(-250.0) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn document_defaults_pass_the_check() {
        assert_eq!(P.check(), vec![]);
    }

    #[test]
    fn check_names_every_bad_field() {
        let p = Policy { max_drawdown: 1.0, window_months: 0, cap: 1.5, cost_bps: f64::NAN, ..P };
        let fields: Vec<_> = p.check().iter().map(|i| i.field).collect();
        assert_eq!(fields, ["max_drawdown", "window_months", "cap", "cost_bps"]);
    }

    #[test]
    fn equity_stress_must_exceed_fixed_income_stress() {
        let p = Policy { equity_stress: 0.05, fixed_income_stress: 0.05, ..P };
        assert_eq!(p.check()[0].field, "equity_stress");
    }
}
