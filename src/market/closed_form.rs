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
