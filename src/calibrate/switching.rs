//! A Markov-switching multivariate Gaussian model of monthly log returns,
//! fitted by expectation-maximisation.
//!
//! The model: a hidden regime `s_t` in `0..K` follows a Markov chain with
//! monthly transition matrix `P` (`P[i][j]`, from `i` to `j`) and first
//! month's probabilities `p0`; given `s_t = k`, the month's returns
//! `y_t` (a row of `d` factors) are Gaussian with mean `m_k` and covariance
//! `S_k`, independent of the other months (Hamilton, "A New Approach to the
//! Economic Analysis of Nonstationary Time Series", Econometrica 1989).
//!
//! One EM iteration:
//!
//! - E-step. The Hamilton filter gives `P(s_t | y_1..y_t)` and the
//!   likelihood, one month at a time: predict with `P`, weigh by each
//!   regime's density, normalise (the normaliser is the month's
//!   contribution to the likelihood). Kim's smoother runs back from the
//!   last month to `P(s_t | y_1..y_T)` and the expected transitions
//!   `sum_t P(s_t = i, s_t+1 = j | y)`.
//! - M-step, in closed form: `P[i][j]` is the expected number of
//!   transitions from `i` to `j` over those from `i`; `m_k` and `S_k` are
//!   the smoothed-probability-weighted mean and covariance; `p0` the first
//!   month's smoothed probabilities.
//!
//! EM never lowers the likelihood (Dempster, Laird and Rubin 1977); the
//! tests hold it to that on every iteration. The likelihood has several
//! local maxima, so [`fit`] starts from several partitions of the months
//! and keeps the best. Densities are statrs' multivariate normal and
//! Student-t; the arrays (months × regimes, regimes × factors) are
//! ndarray's.

#![allow(
    clippy::disallowed_methods,
    reason = "calibration fits the model to history once; its figures are estimates, not a path's bits"
)]

use nalgebra::DVector;
use ndarray::{Array1, Array2, Array3, ArrayView2, Axis};
use rand::RngExt;
use statrs::distribution::{Continuous, MultivariateNormal, MultivariateStudent};

use crate::rng;

/// A model's parameters, regimes in the order they were fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// `K × d`: each regime's mean monthly log returns.
    pub means: Array2<f64>,
    /// `K × d × d`: each regime's covariance of monthly log returns.
    pub covariances: Array3<f64>,
    /// `K × K`: monthly transition probabilities, rows from, columns to.
    pub transition: Array2<f64>,
    /// `K`: the first month's regime probabilities.
    pub initial: Array1<f64>,
}

impl Params {
    pub fn regimes(&self) -> usize {
        self.means.nrows()
    }

    pub fn factors(&self) -> usize {
        self.means.ncols()
    }

    /// The number of free parameters: means, covariances, the transition
    /// matrix's rows (each sums to one) and the first month's probabilities.
    pub fn free_parameters(&self) -> usize {
        let (k, d) = (self.regimes(), self.factors());
        k * d + k * d * (d + 1) / 2 + k * (k - 1) + (k - 1)
    }

    /// Regime `k`'s covariance as a row-major vector.
    fn covariance(&self, k: usize) -> Vec<f64> {
        self.covariances.index_axis(Axis(0), k).iter().copied().collect()
    }

    /// The regimes reordered: regime `order[i]` becomes regime `i`.
    pub fn reordered(&self, order: &[usize]) -> Params {
        let mut p = self.clone();
        for (i, &from) in order.iter().enumerate() {
            p.means.row_mut(i).assign(&self.means.row(from));
            p.covariances.index_axis_mut(Axis(0), i).assign(&self.covariances.index_axis(Axis(0), from));
            p.initial[i] = self.initial[from];
            for (j, &to) in order.iter().enumerate() {
                p.transition[[i, j]] = self.transition[[from, to]];
            }
        }
        p
    }
}

/// The shocks' distribution within a regime.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Density {
    Gaussian,
    /// Multivariate Student-t with `nu` degrees of freedom, scaled so that
    /// its covariance is the regime's (scale matrix `S (nu - 2) / nu`), as
    /// the engine's Student-t shocks are.
    StudentT(f64),
}

/// What the E-step returns.
#[derive(Debug, Clone)]
pub struct Filtered {
    pub log_likelihood: f64,
    /// `T × K`: `P(s_t | y_1..y_t)`.
    pub filtered: Array2<f64>,
    /// `T × K`: `P(s_t | y_1..y_T)`.
    pub smoothed: Array2<f64>,
    /// `K × K`: `sum_t P(s_t = i, s_t+1 = j | y_1..y_T)`.
    pub transitions: Array2<f64>,
}

/// Why a set of parameters cannot be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum Degenerate {
    /// A regime's covariance is not positive definite (a regime that has
    /// collapsed onto too few months).
    Covariance(usize),
    /// The data have zero likelihood under every regime in some month.
    ZeroLikelihood(usize),
}

/// A regime's log density of one month's returns.
type LnPdf = Box<dyn Fn(&DVector<f64>) -> f64>;

/// `T × K` log densities of each month under each regime.
fn log_densities(y: ArrayView2<f64>, p: &Params, density: Density) -> Result<Array2<f64>, Degenerate> {
    let (t, k) = (y.nrows(), p.regimes());
    let rows: Vec<DVector<f64>> =
        y.rows().into_iter().map(|r| DVector::from_iterator(r.len(), r.iter().copied())).collect();
    let mut out = Array2::zeros((t, k));
    for j in 0..k {
        let mean: Vec<f64> = p.means.row(j).to_vec();
        let cov = p.covariance(j);
        let ln_pdf: LnPdf = match density {
            Density::Gaussian => {
                let d = MultivariateNormal::new(mean, cov).map_err(|_| Degenerate::Covariance(j))?;
                Box::new(move |x| d.ln_pdf(x))
            }
            Density::StudentT(nu) => {
                let scale: Vec<f64> = cov.iter().map(|c| c * (nu - 2.0) / nu).collect();
                let d = MultivariateStudent::new(mean, scale, nu).map_err(|_| Degenerate::Covariance(j))?;
                Box::new(move |x| d.ln_pdf(x))
            }
        };
        for (i, row) in rows.iter().enumerate() {
            out[[i, j]] = ln_pdf(row);
        }
    }
    Ok(out)
}

/// The Hamilton filter and Kim's smoother: the E-step.
pub fn filter(y: ArrayView2<f64>, p: &Params, density: Density) -> Result<Filtered, Degenerate> {
    let (t, k) = (y.nrows(), p.regimes());
    let ln_f = log_densities(y, p, density)?;
    let mut predicted = Array2::<f64>::zeros((t, k));
    let mut filtered = Array2::<f64>::zeros((t, k));
    let mut log_likelihood = 0.0;
    for i in 0..t {
        let prior = if i == 0 { p.initial.clone() } else { filtered.row(i - 1).dot(&p.transition) };
        predicted.row_mut(i).assign(&prior);
        // Densities scaled by the month's largest, so none underflows.
        let top = ln_f.row(i).fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        if !top.is_finite() {
            return Err(Degenerate::ZeroLikelihood(i));
        }
        let joint: Array1<f64> = &prior * &ln_f.row(i).mapv(|l| (l - top).exp());
        let c = joint.sum();
        if c.is_nan() || c <= 0.0 {
            return Err(Degenerate::ZeroLikelihood(i));
        }
        filtered.row_mut(i).assign(&(joint / c));
        log_likelihood += top + c.ln();
    }
    let mut smoothed = Array2::<f64>::zeros((t, k));
    let mut transitions = Array2::<f64>::zeros((k, k));
    smoothed.row_mut(t - 1).assign(&filtered.row(t - 1));
    for i in (0..t - 1).rev() {
        // ratio_j = P(s_i+1 = j | all) / P(s_i+1 = j | up to i)
        let ratio: Array1<f64> = smoothed
            .row(i + 1)
            .iter()
            .zip(predicted.row(i + 1))
            .map(|(s, q)| if *q > 0.0 { s / q } else { 0.0 })
            .collect();
        for a in 0..k {
            let mut sum = 0.0;
            for b in 0..k {
                let joint = filtered[[i, a]] * p.transition[[a, b]] * ratio[b];
                transitions[[a, b]] += joint;
                sum += joint;
            }
            smoothed[[i, a]] = sum;
        }
    }
    Ok(Filtered { log_likelihood, filtered, smoothed, transitions })
}

/// The M-step: the parameters that maximise the expected complete-data
/// likelihood given the E-step's probabilities.
pub fn maximise(y: ArrayView2<f64>, e: &Filtered) -> Params {
    let (k, d) = (e.smoothed.ncols(), y.ncols());
    let mut means = Array2::zeros((k, d));
    let mut covariances = Array3::zeros((k, d, d));
    for j in 0..k {
        let w = e.smoothed.column(j);
        let n = w.sum();
        let mean = w.dot(&y) / n;
        let centred = &y - &mean;
        let weighted = &centred * &w.insert_axis(Axis(1));
        let cov = weighted.t().dot(&centred) / n;
        // Symmetric to the last bit, as the densities require.
        let cov = (&cov + &cov.t()) / 2.0;
        means.row_mut(j).assign(&mean);
        covariances.index_axis_mut(Axis(0), j).assign(&cov);
    }
    let mut transition = e.transitions.clone();
    for mut row in transition.rows_mut() {
        let sum = row.sum();
        if sum > 0.0 {
            row /= sum;
        } else {
            // A regime never left nor entered: keep it where it is.
            row.fill(0.0);
        }
    }
    for j in 0..k {
        if transition.row(j).sum() == 0.0 {
            transition[[j, j]] = 1.0;
        }
    }
    Params { means, covariances, transition, initial: e.smoothed.row(0).to_owned() }
}

/// A fitted model.
#[derive(Debug, Clone)]
pub struct Fit {
    pub params: Params,
    pub log_likelihood: f64,
    /// `T × K`: each month's smoothed regime probabilities.
    pub smoothed: Array2<f64>,
    /// `T × K`: each month's filtered regime probabilities (the last row
    /// says where the market stands at the end of the data).
    pub filtered: Array2<f64>,
    pub iterations: usize,
    pub converged: bool,
    /// The log-likelihood before each iteration, then at the end.
    pub trace: Vec<f64>,
}

/// Iteration stops when the log-likelihood gains less than this, relative
/// to `1 + |log-likelihood|` (0.0002 on a typical fit's 2,000).
pub const TOLERANCE: f64 = 1e-7;
pub const MAX_ITERATIONS: usize = 5_000;

/// EM from `start` until the gain is below [`TOLERANCE`].
pub fn em(y: ArrayView2<f64>, start: Params) -> Result<Fit, Degenerate> {
    let mut params = start;
    let mut trace = Vec::new();
    let mut e = filter(y, &params, Density::Gaussian)?;
    let mut converged = false;
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        trace.push(e.log_likelihood);
        let next = maximise(y, &e);
        let e_next = filter(y, &next, Density::Gaussian)?;
        iterations += 1;
        let gain = e_next.log_likelihood - e.log_likelihood;
        params = next;
        e = e_next;
        if gain.abs() < TOLERANCE * (1.0 + e.log_likelihood.abs()) {
            converged = true;
            break;
        }
    }
    trace.push(e.log_likelihood);
    Ok(Fit {
        params,
        log_likelihood: e.log_likelihood,
        smoothed: e.smoothed,
        filtered: e.filtered,
        iterations,
        converged,
        trace,
    })
}

/// Starting parameters from hard assignments of months to regimes: each
/// regime's sample mean and covariance, a sticky transition matrix.
fn from_assignment(y: ArrayView2<f64>, regime_of: &[usize], k: usize) -> Params {
    let t = y.nrows();
    let mut smoothed = Array2::<f64>::from_elem((t, k), 0.02 / k as f64);
    for (i, &r) in regime_of.iter().enumerate() {
        smoothed[[i, r]] += 0.98;
    }
    let mut transitions = Array2::<f64>::from_elem((k, k), 1.0);
    for j in 0..k {
        transitions[[j, j]] = 10.0 * k as f64;
    }
    maximise(y, &Filtered { log_likelihood: 0.0, filtered: smoothed.clone(), smoothed, transitions })
}

/// The starts [`fit`] tries: the months split by the first factor's
/// return (the worst into the last regime), by its size (the largest
/// moves into the last regime), and random assignments from `seed`.
pub fn starts(y: ArrayView2<f64>, k: usize, seed: u64) -> Vec<Params> {
    let t = y.nrows();
    let first: Vec<f64> = y.column(0).to_vec();
    let mut starts = Vec::new();
    if k == 1 {
        return vec![from_assignment(y, &vec![0; t], 1)];
    }
    let mut by_return: Vec<usize> = (0..t).collect();
    by_return.sort_by(|&a, &b| first[b].total_cmp(&first[a]));
    let mut by_size: Vec<usize> = (0..t).collect();
    by_size.sort_by(|&a, &b| first[a].abs().total_cmp(&first[b].abs()));
    for order in [&by_return, &by_size] {
        for tail in [0.10, 0.20, 0.35] {
            // The last `tail` of the months into the last regime, the rest
            // spread evenly over the others in the same order.
            let cut = ((1.0 - tail) * t as f64) as usize;
            let mut regime_of = vec![0; t];
            for (rank, &i) in order.iter().enumerate() {
                regime_of[i] = if rank >= cut { k - 1 } else { rank * (k - 1) / cut.max(1) };
            }
            starts.push(from_assignment(y, &regime_of, k));
        }
    }
    for s in 0..8 {
        let mut rng = rng::path_rng(seed, s);
        let regime_of: Vec<usize> = (0..t).map(|_| rng.random_range(0..k)).collect();
        starts.push(from_assignment(y, &regime_of, k));
    }
    starts
}

/// The best of EM runs from [`starts`], or `None` when every start
/// degenerates (too few months for `k` regimes).
pub fn fit(y: ArrayView2<f64>, k: usize, seed: u64) -> Option<Fit> {
    starts(y, k, seed)
        .into_iter()
        .filter_map(|start| em(y, start).ok())
        .filter(|f| f.log_likelihood.is_finite())
        .max_by(|a, b| a.log_likelihood.total_cmp(&b.log_likelihood))
}

/// The log-likelihood of `params` with Student-t shocks of `nu` degrees
/// of freedom, maximised over `nu` in `[2.1, 500]` by golden-section
/// search on `ln(nu - 2)`; the other parameters held (a profile
/// likelihood). Returns `(nu, log-likelihood)`.
pub fn profile_student_t(y: ArrayView2<f64>, params: &Params) -> Option<(f64, f64)> {
    let ll = |x: f64| {
        filter(y, params, Density::StudentT(2.0 + x.exp())).map_or(f64::NEG_INFINITY, |e| e.log_likelihood)
    };
    let (mut a, mut b) = ((0.1f64).ln(), (498.0f64).ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
    let (mut fc, mut fd) = (ll(c), ll(d));
    for _ in 0..80 {
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = ll(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = ll(d);
        }
    }
    let x = (a + b) / 2.0;
    let best = ll(x);
    best.is_finite().then_some((2.0 + x.exp(), best))
}
