//! Hull-White: the Vasicek short rate with a time-dependent level fitted
//! so that the model's zero-coupon prices match a given initial curve.
//!
//! `dr = (theta(t) - kappa r) dt + sigma dW`, with
//! `theta(t) = f'(0, t) + kappa f(0, t) + sigma^2 / (2 kappa) (1 - e^(-2 kappa t))`
//! (Hull and White, 1990), `f(0, t)` the instantaneous forward rate of the
//! initial curve. The curve is given as continuously compounded zero
//! rates at maturities, interpolated linearly (flat beyond its ends), so
//! `f = y + t y'` within a segment, and `f` jumps at the curve's points.
//! `theta dt` is tabulated a day at a time with `f' dt` taken as the
//! forward's increment over the day, jumps included, so the daily step
//! costs one lookup and the expected rate follows the forward curve.

use serde::Serialize;

/// A fitted Hull-White model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HullWhite {
    /// `(maturity in years, zero rate)`, maturities strictly increasing.
    pub curve: Vec<(f64, f64)>,
    /// `theta(t_k) dt` for day `k`.
    #[serde(skip)]
    theta_dt: Vec<f64>,
}

impl HullWhite {
    /// Fits `theta` for `days` daily steps of length `dt`.
    #[allow(
        clippy::disallowed_methods,
        reason = "set-up done once: Hull-White's fitted level a day, the same for every path"
    )]
    pub fn new(curve: Vec<(f64, f64)>, kappa: f64, sigma: f64, dt: f64, days: usize) -> HullWhite {
        let mut hw = HullWhite { curve, theta_dt: Vec::new() };
        // `f'(t) dt` is taken as the forward's increment over the day, which
        // also carries the jumps a linearly interpolated zero curve puts in
        // the forward at its points (a derivative would miss them). The
        // forward is evaluated once a day and differenced, so the increments
        // sum exactly to f(T) - f(0): evaluating `f(t + dt)` separately from
        // the next day's `f(t)` can put a point's jump in neither (found by
        // the fit test, a day's rounding from the one-year point).
        let forward: Vec<f64> = (0..=days).map(|k| hw.forward(k as f64 * dt).0).collect();
        hw.theta_dt = (0..days)
            .map(|k| {
                let t = k as f64 * dt;
                let convexity = sigma * sigma / (2.0 * kappa) * (1.0 - (-2.0 * kappa * t).exp());
                forward[k + 1] - forward[k] + (kappa * forward[k] + convexity) * dt
            })
            .collect();
        hw
    }

    /// The zero rate `y(t)` and its slope `y'(t)`.
    fn zero_and_slope(&self, t: f64) -> (f64, f64) {
        let c = &self.curve;
        let (first, last) = (c[0], c[c.len() - 1]);
        if t <= first.0 {
            return (first.1, 0.0);
        }
        if t >= last.0 {
            return (last.1, 0.0);
        }
        let i = c.partition_point(|p| p.0 <= t) - 1;
        let ((t0, y0), (t1, y1)) = (c[i], c[i + 1]);
        let slope = (y1 - y0) / (t1 - t0);
        (y0 + slope * (t - t0), slope)
    }

    /// The continuously compounded zero rate for maturity `t`.
    pub fn zero_rate(&self, t: f64) -> f64 {
        self.zero_and_slope(t).0
    }

    /// The curve's discount factor `e^(-y(t) t)`.
    #[allow(clippy::disallowed_methods, reason = "a closed form: the initial curve's discount factor")]
    pub fn discount(&self, t: f64) -> f64 {
        (-self.zero_rate(t) * t).exp()
    }

    /// The instantaneous forward rate `f(0, t) = y + t y'`, and its slope
    /// `2 y'` within a segment.
    pub fn forward(&self, t: f64) -> (f64, f64) {
        let (y, slope) = self.zero_and_slope(t);
        (y + t * slope, 2.0 * slope)
    }

    /// The short rate at the start: `f(0, 0)`.
    pub fn initial_rate(&self) -> f64 {
        self.forward(0.0).0
    }

    /// `theta dt` for day `day`; the last tabulated value beyond the table.
    #[inline]
    pub fn theta_dt(&self, day: usize) -> f64 {
        self.theta_dt[day.min(self.theta_dt.len() - 1)]
    }
}
