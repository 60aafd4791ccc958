//! A mean-reverting rate (Vasicek's short rate, or inflation) fitted by the
//! exact maximum likelihood of its discretely observed values.
//!
//! Observed every `dt` years, the process `dx = kappa (theta - x) dt +
//! sigma dW` is exactly the AR(1) `x_t+1 = a + b x_t + e`, `e ~ N(0, s^2)`,
//! with `b = exp(-kappa dt)`, `a = theta (1 - b)` and `s^2 = sigma^2 (1 -
//! b^2) / (2 kappa)`. Conditional on the first value the likelihood is
//! that of a Gaussian regression, so the maximum-likelihood `a`, `b` are
//! ordinary least squares and `s^2` the mean squared residual; `kappa`,
//! `theta` and `sigma` follow by inverting the map, their standard errors
//! by the delta method from the regression's.

#![allow(
    clippy::disallowed_methods,
    reason = "calibration fits the model to history once; its figures are estimates, not a path's bits"
)]

/// The fit and its standard errors.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Ar1Fit {
    pub kappa: f64,
    pub theta: f64,
    pub sigma: f64,
    pub kappa_se: f64,
    pub theta_se: f64,
    pub sigma_se: f64,
    /// The regression's slope `b` and intercept `a`.
    pub b: f64,
    pub a: f64,
    /// Observations in the regression (pairs of consecutive values).
    pub n: usize,
    /// Years between observations.
    pub dt: f64,
    /// The last value: where the process starts a simulation.
    pub last: f64,
    pub log_likelihood: f64,
}

/// Why a series has no Vasicek fit.
#[derive(Debug, Clone, PartialEq)]
pub enum Ar1Error {
    TooShort(usize),
    /// The slope is not in (0, 1): the data show no mean reversion (or
    /// overshoot), so `kappa` is not defined.
    NoMeanReversion(f64),
    Constant,
}

impl std::fmt::Display for Ar1Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ar1Error::TooShort(n) => write!(f, "{n} observations; at least 12 are needed"),
            Ar1Error::NoMeanReversion(b) => write!(
                f,
                "the autoregression's slope is {b:.4}, not between 0 and 1: the series shows no mean \
                 reversion over this period, so kappa cannot be estimated"
            ),
            Ar1Error::Constant => write!(f, "the series does not vary"),
        }
    }
}

/// Fits `x` observed every `dt` years.
pub fn fit(x: &[f64], dt: f64) -> Result<Ar1Fit, Ar1Error> {
    if x.len() < 13 {
        return Err(Ar1Error::TooShort(x.len()));
    }
    let (from, to) = (&x[..x.len() - 1], &x[1..]);
    let n = from.len() as f64;
    let mean_from = from.iter().sum::<f64>() / n;
    let mean_to = to.iter().sum::<f64>() / n;
    let sxx: f64 = from.iter().map(|v| (v - mean_from).powi(2)).sum();
    let sxy: f64 = from.iter().zip(to).map(|(u, v)| (u - mean_from) * (v - mean_to)).sum();
    if sxx <= 0.0 {
        return Err(Ar1Error::Constant);
    }
    let b = sxy / sxx;
    let a = mean_to - b * mean_from;
    if !(b > 0.0 && b < 1.0) {
        return Err(Ar1Error::NoMeanReversion(b));
    }
    let rss: f64 = from.iter().zip(to).map(|(u, v)| (v - a - b * u).powi(2)).sum();
    let s2 = rss / n;
    // The regression's covariance of (a, b), with the unbiased variance.
    let s2_unbiased = rss / (n - 2.0);
    let var_b = s2_unbiased / sxx;
    let var_a = s2_unbiased * (1.0 / n + mean_from * mean_from / sxx);
    let cov_ab = -mean_from * s2_unbiased / sxx;

    let kappa = -b.ln() / dt;
    let theta = a / (1.0 - b);
    let sigma = (s2 * 2.0 * kappa / (1.0 - b * b)).sqrt();
    // Delta method: d kappa / d b = -1 / (b dt); theta's gradient in (a, b)
    // is (1 / (1 - b), a / (1 - b)^2).
    let kappa_se = var_b.sqrt() / (b * dt);
    let (ga, gb) = (1.0 / (1.0 - b), a / (1.0 - b).powi(2));
    let theta_se = (ga * ga * var_a + gb * gb * var_b + 2.0 * ga * gb * cov_ab).max(0.0).sqrt();
    // s^2's own error (sqrt(2 / n) relative) and kappa's, through
    // sigma^2 = s^2 2 kappa / (1 - b^2).
    let dsigma_db = {
        let g = |b: f64| (s2 * 2.0 * (-b.ln() / dt) / (1.0 - b * b)).sqrt();
        let h = 1e-6 * b.min(1.0 - b);
        (g(b + h) - g(b - h)) / (2.0 * h)
    };
    let sigma_se = ((sigma * sigma / (2.0 * n)) + dsigma_db * dsigma_db * var_b).sqrt();
    let log_likelihood = -0.5 * n * ((2.0 * std::f64::consts::PI * s2).ln() + 1.0);
    Ok(Ar1Fit {
        kappa,
        theta,
        sigma,
        kappa_se,
        theta_se,
        sigma_se,
        b,
        a,
        n: from.len(),
        dt,
        last: x[x.len() - 1],
        log_likelihood,
    })
}

impl Ar1Fit {
    /// The regression's residuals `x_t+1 - a - b x_t`, one a step.
    pub fn residuals(&self, x: &[f64]) -> Vec<f64> {
        x.windows(2).map(|w| w[1] - self.a - self.b * w[0]).collect()
    }
}
