//! Closed forms the model is tested against, and which the loan book will
//! price with: Vasicek's conditional moments and zero-coupon bond price.

#![allow(
    clippy::disallowed_methods,
    reason = "closed forms: Vasicek's moments and bond price, not a path's step"
)]

use super::Vasicek;

impl Vasicek {
    /// `E[r_t | r_0] = theta + (r_0 - theta) e^(-kappa t)`.
    pub fn mean(&self, r0: f64, t: f64) -> f64 {
        self.theta + (r0 - self.theta) * (-self.kappa * t).exp()
    }

    /// `Var[r_t | r_0] = sigma^2 / (2 kappa) (1 - e^(-2 kappa t))`.
    pub fn variance(&self, t: f64) -> f64 {
        self.sigma.powi(2) / (2.0 * self.kappa) * (1.0 - (-2.0 * self.kappa * t).exp())
    }

    /// Mean after `n` steps of the daily Euler scheme the engine uses:
    /// `theta + (r_0 - theta) (1 - kappa dt)^n`.
    pub fn euler_mean(&self, r0: f64, dt: f64, n: i32) -> f64 {
        self.theta + (r0 - self.theta) * (1.0 - self.kappa * dt).powi(n)
    }

    /// Variance after `n` Euler steps: `sigma^2 dt (1 - a^(2n)) / (1 - a^2)`,
    /// `a = 1 - kappa dt`.
    pub fn euler_variance(&self, dt: f64, n: i32) -> f64 {
        let a = 1.0 - self.kappa * dt;
        self.sigma.powi(2) * dt * (1.0 - a.powi(2 * n)) / (1.0 - a * a)
    }

    /// Price at 0 of a zero-coupon bond paying 1 at `t`:
    /// `A(t) exp(-B(t) r_0)`, `B = (1 - e^(-kappa t)) / kappa`,
    /// `A = exp((theta - sigma^2 / (2 kappa^2)) (B - t) - sigma^2 B^2 / (4 kappa))`.
    pub fn zero_coupon_price(&self, r0: f64, t: f64) -> f64 {
        let (k, s) = (self.kappa, self.sigma);
        let b = (1.0 - (-k * t).exp()) / k;
        let a = ((self.theta - s * s / (2.0 * k * k)) * (b - t) - s * s * b * b / (4.0 * k)).exp();
        a * (-b * r0).exp()
    }
}

impl super::MarketModel {
    /// The expected gross growth over `months` months (from the start
    /// regime) of one unit held unmanaged in the Swedish equity factor
    /// and one in the global equity factor in SEK, under Gaussian shocks:
    /// the expectation of the engine's buy-and-hold control variate.
    ///
    /// A day in regime `r` multiplies the Swedish holding by
    /// `exp(a + z0)`, `z0 ~ N(0, l00^2)`, whose mean is `exp(a + l00^2 / 2)`;
    /// the global one by `exp(b + z1 + u (c + z2))` (`u` the unhedged
    /// share), mean `exp(b + u c + Var(z1 + u z2) / 2)` with the variance
    /// from the scaled Cholesky rows. Days are independent given the
    /// regime, so a month in `r` multiplies the mean by `g_r` = that to the
    /// days a month; over the chain, `E = e_s' G (P G)^(M - 1) 1` with `G =
    /// diag(g)`, `e_s` the start regime and `P` the transition matrix.
    /// `None` under other shocks (a Student-t day has no finite mean of
    /// its exponential, a bootstrap one an empirical one).
    pub fn expected_equity_growth(&self, months: usize) -> Option<[f64; 2]> {
        if !matches!(self.shocks, super::Shocks::Gaussian) || months == 0 {
            return None;
        }
        let days = self.trading_days_per_month as f64;
        let u = self.day_constants().unhedged;
        let monthly: Vec<[f64; 2]> = self
            .kernels()
            .iter()
            .map(|k| {
                let c = &k.coefficients;
                let l = &c.l;
                let swedish = c.drift[0] + 0.5 * l[0][0] * l[0][0];
                let var =
                    (l[1][0] + u * l[2][0]).powi(2) + (l[1][1] + u * l[2][1]).powi(2) + (u * l[2][2]).powi(2);
                let global = c.drift[1] + u * c.drift[2] + 0.5 * var;
                [(days * swedish).exp(), (days * global).exp()]
            })
            .collect();
        let k = self.regimes.len();
        let mut out = [0.0; 2];
        for (f, slot) in out.iter_mut().enumerate() {
            // a_j: the mean growth so far on the paths now in regime j,
            // times their probability.
            let mut a: Vec<f64> =
                (0..k).map(|j| if j == self.start_regime { monthly[j][f] } else { 0.0 }).collect();
            for _ in 1..months {
                a = (0..k)
                    .map(|j| (0..k).map(|i| a[i] * self.transition[i][j]).sum::<f64>() * monthly[j][f])
                    .collect();
            }
            *slot = a.iter().sum();
        }
        Some(out)
    }
}
