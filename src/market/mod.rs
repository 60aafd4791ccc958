//! The market model: daily returns of the risk factors the portfolio holds.
//!
//! Factors, in this fixed order (the order of each regime's correlation
//! matrix and of the four normal draws a day):
//!
//! 0. Swedish equities, log-return `(mu - vol^2/2) dt + vol sqrt(dt) z`;
//! 1. global equities in local currency, the same form;
//! 2. SEK per USD, log-return `mu dt + vol sqrt(dt) z` (no `-vol^2/2`);
//!    global equities in SEK earn the local log-return plus `(1 - hedge
//!    ratio)` times this one;
//! 3. the short rate, Vasicek: `r += kappa (theta - r) dt + sigma sqrt(dt) z`.
//!
//! Fixed income returns `r_old dt - D (r_new - r_old)`: carry at the rate
//! at the start of the day, and the price effect of the rate's move on a
//! portfolio of duration `D`; with a credit spread `s` (optional, mean
//! reverting like the rate), it also earns `s_old dt - D_s (s_new - s_old)`.
//!
//! Inflation is a constant annual rate `i` (the price index grows by
//! `ln(1 + i) dt` a day in logs), or (optional) a mean-reverting
//! instantaneous rate `pi` (`d ln P = pi dt`); real returns divide by the
//! path's index. The spread and inflation have shocks of their own,
//! independent of the four factors' in this version.
//!
//! Shocks are correlated Gaussian, `z = L n` with `L` the Cholesky factor
//! of the regime's correlation matrix; or the first factor's shocks from a
//! historical series in blocks ([`Bootstrap`]); or multivariate Student-t with `nu`
//! degrees of freedom, `z = L n sqrt((nu - 2) / W)` with `W` chi-square
//! with `nu` degrees of freedom: fat tails, and all factors jumping
//! together on a bad day. The `(nu - 2)` scales the shocks to unit
//! variance, so a volatility means the same under both. With more than one regime, a Markov
//! chain picks the regime once a month, from one uniform draw at the start
//! of each month after the first (`benchmark-w1.md`).
//!
//! What a path consumes, in order: for each month after the first, one
//! uniform (only when there is more than one regime); then for each day
//! four standard normals in factor order (under bootstrap shocks, a block's
//! first day draws one uniform before them), followed under Student-t shocks
//! by one chi-square draw, then one normal for inflation and one for the
//! credit spread, each only when the model has it. A value-stability test pins the
//! first draws, so a reshuffle shows.

use rand::{Rng, RngExt};
use rand_distr::{ChiSquared, Distribution, StandardNormal};

use crate::lanes::{Real, Wide};

pub mod closed_form;
mod hull_white;
pub mod implied;

pub use hull_white::HullWhite;

/// Number of risk factors.
pub const FACTORS: usize = 4;

/// A standard normal draw (the ziggurat of `rand_distr`), called straight
/// rather than through `Rng::sample`: one inlining decision fewer between
/// a path's day and its draws, so the engine's loop keeps them inline
/// however the crate's other modules are laid out.
#[inline(always)]
fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    <StandardNormal as Distribution<f64>>::sample(&StandardNormal, rng)
}
pub const SWEDISH_EQUITY: usize = 0;
pub const GLOBAL_EQUITY: usize = 1;
pub const SEK_PER_USD: usize = 2;
pub const SHORT_RATE: usize = 3;

/// Names of the factors as a scenario writes them.
pub const FACTOR_NAMES: [&str; FACTORS] = ["swedish_equity", "global_equity", "sek_per_usd", "short_rate"];

/// Drift and volatility a year.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DriftVol {
    pub mu: f64,
    pub vol: f64,
}

/// Vasicek parameters of the short rate.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Vasicek {
    pub kappa: f64,
    pub theta: f64,
    pub sigma: f64,
}

/// One market regime.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Regime {
    pub name: String,
    pub swedish_equity: DriftVol,
    pub global_equity: DriftVol,
    pub sek_per_usd: DriftVol,
    pub short_rate: Vasicek,
    pub correlation: [[f64; FACTORS]; FACTORS],
}

/// A mean-reverting rate (inflation or a credit spread) and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MeanReverting {
    pub initial: f64,
    /// `kappa`, `theta` (the long-run level) and `sigma`, as for the short rate.
    pub process: Vasicek,
}

/// The credit spread of the fixed-income part.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CreditSpread {
    pub spread: MeanReverting,
    /// Spread duration of the fixed-income part, years.
    pub duration: f64,
}

/// The distribution of the daily shocks.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Shocks {
    Gaussian,
    /// Multivariate Student-t, scaled to unit variance.
    StudentT {
        degrees_of_freedom: f64,
    },
    /// The first factor's shocks from history, in blocks (the others
    /// Gaussian, correlated through `L` as usual).
    Bootstrap(Bootstrap),
}

/// Historical block bootstrap of the first factor's daily shocks.
///
/// The series' daily log-returns, standardised to mean 0 and variance 1,
/// replace the first normal of each day; a path walks `block_days`
/// consecutive historical days from a start drawn uniformly (one uniform
/// at each block's first day, before that day's normals), so fat tails,
/// crash sequences and volatility clustering come in whole blocks. The
/// regimes' drifts, volatilities and correlations still apply: this is
/// history's shape at the model's scale. The four normals are drawn every
/// day all the same, so a bootstrap run and a Gaussian one with the same
/// seed share their other draws.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bootstrap {
    /// Where the series came from.
    pub source: String,
    pub block_days: usize,
    /// Standardised daily log-returns.
    #[serde(skip)]
    pub shocks: Vec<f64>,
}

impl Bootstrap {
    /// From daily prices: log-returns, standardised by their sample mean
    /// and standard deviation.
    #[allow(
        clippy::disallowed_methods,
        reason = "set-up done once: a historical series' log-returns, standardised into the bootstrap's shocks"
    )]
    pub fn from_prices(source: String, prices: &[f64], block_days: usize) -> Bootstrap {
        let returns: Vec<f64> = prices.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        let n = returns.len() as f64;
        let mean = returns.iter().sum::<f64>() / n;
        let sd = (returns.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let shocks = returns.iter().map(|x| (x - mean) / sd).collect();
        Bootstrap { source, block_days, shocks }
    }

    /// Number of possible block starts.
    pub fn starts(&self) -> usize {
        self.shocks.len() + 1 - self.block_days
    }
}

/// A validated market model.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MarketModel {
    pub shocks: Shocks,
    pub regimes: Vec<Regime>,
    /// `transition[i][j]`: probability of regime `j` next month given `i`.
    pub transition: Vec<Vec<f64>>,
    pub start_regime: usize,
    pub initial_short_rate: f64,
    pub fixed_income_duration: f64,
    /// Share of the currency exposure of global equities that is hedged.
    pub hedge_ratio: f64,
    /// Constant annual inflation, for real returns, unless
    /// `inflation_process` is given.
    pub inflation: f64,
    pub inflation_process: Option<MeanReverting>,
    pub credit_spread: Option<CreditSpread>,
    /// Hull-White fitted to an initial curve, instead of Vasicek's constant
    /// level (one regime only).
    pub hull_white: Option<HullWhite>,
    pub trading_days_per_month: usize,
    /// Trading days a year: `dt = 1 / days_per_year`.
    pub days_per_year: f64,
    /// `[market.long_run]`: the long-run returns the scenario states, and
    /// the shifts they put on the regimes' drifts (already applied to
    /// `regimes`).
    pub long_run: Option<LongRun>,
}

/// A stated long-run return of one factor and the shift it put on the
/// drift of every regime.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LongRunFigure {
    /// Geometric nominal return a year, as stated.
    pub stated: f64,
    /// Added to every regime's `mu` of the factor, so that the model's
    /// unconditional expected log return a year is `ln(1 + stated)`.
    pub delta: f64,
}

/// `[market.long_run]`: expected returns as a stated, sourced assumption
/// (volatilities, correlations and the regime chain still come from the
/// regimes).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LongRun {
    /// The named public source of the figures.
    pub source: crate::lang::Words,
    pub swedish_equity: Option<LongRunFigure>,
    /// Local currency.
    pub global_equity: Option<LongRunFigure>,
    /// SEK per USD.
    pub sek_per_usd: Option<LongRunFigure>,
}

impl LongRun {
    /// The stated figure of factor `factor` (0 to 2), if any.
    pub fn figure(&self, factor: usize) -> Option<LongRunFigure> {
        match factor {
            SWEDISH_EQUITY => self.swedish_equity,
            GLOBAL_EQUITY => self.global_equity,
            SEK_PER_USD => self.sek_per_usd,
            _ => None,
        }
    }
}

/// The stationary distribution `pi` of a monthly regime chain
/// (`pi P = pi`, the entries summing to 1), solved as a linear system
/// (Gaussian elimination with partial pivoting, one balance equation
/// replaced by the sum), so no chain can make it loop. `None` when the
/// chain has no unique stationary distribution (two or more closed
/// classes, such as two regimes that never leave themselves) or the
/// matrix is not square. A periodic chain has a unique one and gets it; a
/// transient regime gets 0.
pub fn stationary(transition: &[Vec<f64>]) -> Option<Vec<f64>> {
    let k = transition.len();
    if k == 0 || transition.iter().any(|row| row.len() != k) {
        return None;
    }
    // Rows: the balance equations sum_j pi_j P[j][i] - pi_i = 0 for
    // i < k - 1 (the k-th is their negative sum), then sum_j pi_j = 1.
    let mut a: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            let mut row: Vec<f64> = (0..k)
                .map(|j| if i + 1 == k { 1.0 } else { transition[j][i] - if i == j { 1.0 } else { 0.0 } })
                .collect();
            row.push(if i + 1 == k { 1.0 } else { 0.0 });
            row
        })
        .collect();
    for col in 0..k {
        let pivot = (col..k).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        let size = a[pivot][col].abs();
        if size.is_nan() || size <= 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        let (done, rest) = a.split_at_mut(col + 1);
        let pivot_row = &done[col];
        for row in rest {
            let f = row[col] / pivot_row[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
        }
    }
    let mut pi = vec![0.0; k];
    for row in (0..k).rev() {
        let s: f64 = (row + 1..k).map(|c| a[row][c] * pi[c]).sum();
        pi[row] = (a[row][k] - s) / a[row][row];
    }
    if pi.iter().any(|p| !p.is_finite() || *p < -1e-9) {
        return None;
    }
    // Rounding can leave a transient regime a hair below zero.
    for p in &mut pi {
        *p = p.max(0.0);
    }
    let total: f64 = pi.iter().sum();
    Some(pi.into_iter().map(|p| p / total).collect())
}

/// A regime's day, precomputed: the arithmetic part ([`Coefficients`])
/// and, under Student-t shocks, the chi-square the draws need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayKernel {
    pub coefficients: Coefficients<f64>,
    /// The chi-square distribution of Student-t shocks, and `nu - 2`.
    student: Option<(ChiSquared<f64>, f64)>,
}

/// A regime's day arithmetic: log-drifts a day and the Cholesky factor
/// with each row scaled by its factor's volatility times `sqrt(dt)`; for
/// one path (`f64`) or a group ([`Wide`], each lane its own regime's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefficients<T> {
    /// Log-drift a day of factors 0 to 2.
    drift: [T; 3],
    /// `kappa dt` and `kappa theta dt` of the short rate.
    kappa_dt: T,
    kappa_theta_dt: T,
    /// Lower-triangular, scaled.
    l: [[T; FACTORS]; FACTORS],
}

impl<T: Real> Coefficients<T> {
    /// The day's log change of SEK per USD from the day's normals `n`:
    /// the one formula [`Rates::apply`] moves the unhedged global equity
    /// by, and the scenario export accumulates into its currency index.
    #[inline(always)]
    pub fn fx_log_return(&self, n: &[T; FACTORS]) -> T {
        let l = &self.l;
        self.drift[2] + (l[2][0] * n[0] + l[2][1] * n[1] + l[2][2] * n[2])
    }
}

impl Coefficients<Wide> {
    /// A group's coefficients, lane `i` from `lane(i)`.
    #[inline(always)]
    pub fn gather<'a>(lane: impl Fn(usize) -> &'a Coefficients<f64>) -> Coefficients<Wide> {
        let zero = Wide::splat(0.0);
        let mut g = Coefficients {
            drift: [zero; 3],
            kappa_dt: zero,
            kappa_theta_dt: zero,
            l: [[zero; FACTORS]; FACTORS],
        };
        for i in 0..crate::lanes::LANES {
            let c = lane(i);
            for j in 0..3 {
                g.drift[j].0[i] = c.drift[j];
            }
            g.kappa_dt.0[i] = c.kappa_dt;
            g.kappa_theta_dt.0[i] = c.kappa_theta_dt;
            for (row, from) in g.l.iter_mut().zip(&c.l) {
                for (x, y) in row.iter_mut().zip(from) {
                    x.0[i] = *y;
                }
            }
        }
        g
    }
}

/// Constants of a day that are the same in every regime and on every path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayConstants {
    dt: f64,
    sqrt_dt: f64,
    /// The fixed-income duration and the unhedged share.
    duration: f64,
    unhedged: f64,
    /// `ln(1 + inflation) dt`, the log price index's growth a day under
    /// constant inflation.
    log_inflation_dt: f64,
}

/// One day's gross returns, for one path (`f64`) or a group ([`Wide`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayReturns<T = f64> {
    pub swedish_equity: T,
    /// Global equities in SEK.
    pub global_equity: T,
    pub fixed_income: T,
}

/// What a path draws for one day: the four factor shocks (Student-t
/// scaling and the bootstrap's history already applied), then the
/// inflation and spread normals (zero when the model has none).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Shock {
    pub n: [f64; FACTORS],
    pub inflation: f64,
    pub spread: f64,
}

/// The discrete part of a path's market: its regime and where it stands
/// in a bootstrap block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub regime: usize,
    /// Bootstrap: the next historical day, and days left in the block.
    boot_next: usize,
    boot_left: usize,
}

/// The continuous part of a path's market (or of a group's, one lane a
/// path).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates<T = f64> {
    pub short_rate: T,
    /// Annual inflation rate now.
    pub inflation: T,
    /// Credit spread now (zero without one).
    pub spread: T,
    /// Log of the price index, zero at the start.
    pub log_price_index: T,
}

/// positive definite.
pub fn cholesky(a: &[[f64; FACTORS]; FACTORS]) -> Option<[[f64; FACTORS]; FACTORS]> {
    let mut l = [[0.0; FACTORS]; FACTORS];
    for i in 0..FACTORS {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d <= 1e-12 || !d.is_finite() {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

impl MarketModel {
    pub fn dt(&self) -> f64 {
        1.0 / self.days_per_year
    }

    /// The drift and volatility of factor `factor` (0 to 2) in each regime.
    pub fn drift_vols(&self, factor: usize) -> Vec<DriftVol> {
        self.regimes
            .iter()
            .map(|r| match factor {
                SWEDISH_EQUITY => r.swedish_equity,
                GLOBAL_EQUITY => r.global_equity,
                _ => r.sek_per_usd,
            })
            .collect()
    }

    /// The unconditional expected log return a year of factor `factor`
    /// (0 to 2) with the regimes weighted by `pi` (the chain's stationary
    /// distribution): `sum_k pi_k (mu_k - vol_k^2 / 2)` for an equity
    /// factor, `sum_k pi_k mu_k` for the currency (whose step has no
    /// `-vol^2/2`).
    pub fn long_run_log_return(&self, pi: &[f64], factor: usize) -> f64 {
        let equity = factor != SEK_PER_USD;
        self.drift_vols(factor)
            .iter()
            .zip(pi)
            .map(|(d, p)| p * (d.mu - if equity { 0.5 * d.vol * d.vol } else { 0.0 }))
            .sum()
    }

    /// The shift of every regime's `mu` of factor `factor` that makes the
    /// unconditional expected log return a year `ln(1 + stated)`.
    #[allow(
        clippy::disallowed_methods,
        reason = "set-up done once: the stated long-run return becomes the model's drift"
    )]
    pub fn drift_shift(&self, pi: &[f64], factor: usize, stated: f64) -> f64 {
        (1.0 + stated).ln() - self.long_run_log_return(pi, factor)
    }

    /// Adds `delta` to every regime's `mu` of factor `factor` (0 to 2).
    pub fn shift_drift(&mut self, factor: usize, delta: f64) {
        for r in &mut self.regimes {
            let d = match factor {
                SWEDISH_EQUITY => &mut r.swedish_equity,
                GLOBAL_EQUITY => &mut r.global_equity,
                _ => &mut r.sek_per_usd,
            };
            d.mu += delta;
        }
    }

    /// Under Gaussian shocks, whether a day draws an inflation normal and
    /// a credit-spread normal after its four (the day's draws are normals
    /// only, and a group can draw them lane for lane at once); `None`
    /// under other shocks.
    pub fn gaussian_extras(&self) -> Option<(bool, bool)> {
        matches!(self.shocks, Shocks::Gaussian)
            .then_some((self.inflation_process.is_some(), self.credit_spread.is_some()))
    }

    /// Gaussian shocks, a Vasicek rate, constant inflation and no spread:
    /// the model whose day needs none of the options.
    pub fn is_plain(&self) -> bool {
        matches!(self.shocks, Shocks::Gaussian)
            && self.hull_white.is_none()
            && self.inflation_process.is_none()
            && self.credit_spread.is_none()
    }

    /// The per-regime day kernels.
    ///
    /// # Panics
    /// If a correlation matrix is not positive definite; validation
    /// refuses such a scenario first.
    pub fn kernels(&self) -> Vec<DayKernel> {
        let dt = self.dt();
        let sq = dt.sqrt();
        self.regimes
            .iter()
            .map(|r| {
                let l = cholesky(&r.correlation).expect("invariant: validated positive definite");
                let scale = [
                    r.swedish_equity.vol * sq,
                    r.global_equity.vol * sq,
                    r.sek_per_usd.vol * sq,
                    r.short_rate.sigma * sq,
                ];
                let mut scaled = [[0.0; FACTORS]; FACTORS];
                for i in 0..FACTORS {
                    for j in 0..=i {
                        scaled[i][j] = l[i][j] * scale[i];
                    }
                }
                DayKernel {
                    coefficients: Coefficients {
                        drift: [
                            (r.swedish_equity.mu - 0.5 * r.swedish_equity.vol.powi(2)) * dt,
                            (r.global_equity.mu - 0.5 * r.global_equity.vol.powi(2)) * dt,
                            r.sek_per_usd.mu * dt,
                        ],
                        kappa_dt: r.short_rate.kappa * dt,
                        kappa_theta_dt: r.short_rate.kappa * r.short_rate.theta * dt,
                        l: scaled,
                    },
                    student: match self.shocks {
                        Shocks::Gaussian | Shocks::Bootstrap(_) => None,
                        Shocks::StudentT { degrees_of_freedom: nu } => Some((
                            ChiSquared::new(nu).expect("invariant: validated degrees of freedom above 2"),
                            nu - 2.0,
                        )),
                    },
                }
            })
            .collect()
    }

    /// The constants of every day.
    #[allow(
        clippy::disallowed_methods,
        reason = "set-up done once: a constant inflation's daily log growth, the same for every path of a run"
    )]
    pub fn day_constants(&self) -> DayConstants {
        let dt = self.dt();
        DayConstants {
            dt,
            sqrt_dt: dt.sqrt(),
            duration: self.fixed_income_duration,
            unhedged: 1.0 - self.hedge_ratio,
            log_inflation_dt: (1.0 + self.inflation).ln() * dt,
        }
    }

    /// A path's clock at the start: the start regime, no bootstrap block.
    pub fn start_clock(&self) -> Clock {
        Clock { regime: self.start_regime, boot_next: 0, boot_left: 0 }
    }

    /// The start of month `month` (0-based): draws the regime for every
    /// month after the first.
    #[inline]
    pub fn start_month<R: Rng + ?Sized>(&self, clock: &mut Clock, month: usize, rng: &mut R) {
        if month > 0 && self.regimes.len() > 1 {
            let u: f64 = rng.random();
            clock.regime = self.next_regime(clock.regime, u);
        }
    }

    /// One day's draws for one path, in the documented order (see the
    /// module's documentation); `PLAIN` only for a plain model
    /// ([`MarketModel::is_plain`]), where it skips the options' branches
    /// and gives the same draws.
    #[inline(always)]
    pub fn draw<const PLAIN: bool, R: Rng + ?Sized>(
        &self,
        kernels: &[DayKernel],
        clock: &mut Clock,
        rng: &mut R,
    ) -> Shock {
        debug_assert!(!PLAIN || self.is_plain());
        if PLAIN {
            let n = [normal(rng), normal(rng), normal(rng), normal(rng)];
            return Shock { n, inflation: 0.0, spread: 0.0 };
        }
        let boot = match &self.shocks {
            Shocks::Bootstrap(b) => {
                if clock.boot_left == 0 {
                    let u: f64 = rng.random();
                    clock.boot_next = ((u * b.starts() as f64) as usize).min(b.starts() - 1);
                    clock.boot_left = b.block_days;
                }
                let x = b.shocks[clock.boot_next];
                clock.boot_next += 1;
                clock.boot_left -= 1;
                Some(x)
            }
            _ => None,
        };
        let mut n: [f64; FACTORS] = [normal(rng), normal(rng), normal(rng), normal(rng)];
        if let Some((chi2, nu_less_2)) = &kernels[clock.regime].student {
            let scale = (nu_less_2 / chi2.sample(rng)).sqrt();
            for x in &mut n {
                *x *= scale;
            }
        }
        if let Some(x) = boot {
            n[0] = x;
        }
        let inflation = if self.inflation_process.is_some() { normal(rng) } else { 0.0 };
        let spread = if self.credit_spread.is_some() { normal(rng) } else { 0.0 };
        Shock { n, inflation, spread }
    }

    /// The next month's regime after `current`, from one uniform `u`.
    pub fn next_regime(&self, current: usize, u: f64) -> usize {
        let row = &self.transition[current];
        let mut acc = 0.0;
        for (j, p) in row.iter().enumerate() {
            acc += p;
            if u < acc {
                return j;
            }
        }
        row.len() - 1
    }
}

impl<T: Real> Rates<T> {
    pub fn start(model: &MarketModel) -> Rates<T> {
        Rates {
            short_rate: T::splat(model.initial_short_rate),
            inflation: T::splat(model.inflation_process.map_or(model.inflation, |p| p.initial)),
            spread: T::splat(model.credit_spread.map_or(0.0, |c| c.spread.initial)),
            log_price_index: T::splat(0.0),
        }
    }

    /// The short rate after a day with standard normal draws `n`: the
    /// Euler step of Vasicek (or Hull-White's fitted level). The one
    /// formula [`Rates::apply`] and the loans' rate paths share.
    #[inline(always)]
    pub fn next_short_rate<const PLAIN: bool>(
        c: &Coefficients<T>,
        model: &MarketModel,
        day: usize,
        r_old: T,
        n: &[T; FACTORS],
    ) -> T {
        let l = &c.l;
        let z3 = l[3][0] * n[0] + l[3][1] * n[1] + l[3][2] * n[2] + l[3][3] * n[3];
        let level = match (PLAIN, &model.hull_white) {
            (false, Some(hw)) => T::splat(hw.theta_dt(day)),
            _ => c.kappa_theta_dt,
        };
        r_old + level - c.kappa_dt * r_old + z3
    }

    /// Day `day`'s moves (0-based, counted from the start) for standard
    /// shocks `n` and the inflation and spread normals: the factors, the
    /// short rate, inflation and the spread, and the gross returns. The
    /// same code for one path and for a group, so each lane of a group has
    /// the bits its path has alone. `PLAIN` as for [`MarketModel::draw`].
    #[inline(always)]
    #[allow(clippy::too_many_arguments, reason = "one day's inputs, each named in the model's formulas")]
    pub fn apply<const PLAIN: bool>(
        &mut self,
        c: &Coefficients<T>,
        k: &DayConstants,
        model: &MarketModel,
        day: usize,
        n: [T; FACTORS],
        inflation_shock: T,
        spread_shock: T,
    ) -> DayReturns<T> {
        let l = &c.l;
        let z0 = l[0][0] * n[0];
        let z1 = l[1][0] * n[0] + l[1][1] * n[1];
        let fx = c.fx_log_return(&n);
        let dt = T::splat(k.dt);
        let r_old = self.short_rate;
        let r_new = Self::next_short_rate::<PLAIN>(c, model, day, r_old, &n);
        self.short_rate = r_new;
        let mut fixed_income = T::splat(1.0) + r_old * dt - T::splat(k.duration) * (r_new - r_old);
        let swedish_equity = (c.drift[0] + z0).exp();
        let global_equity = (c.drift[1] + z1 + T::splat(k.unhedged) * fx).exp();
        if PLAIN {
            self.log_price_index = self.log_price_index + T::splat(k.log_inflation_dt);
            return DayReturns { swedish_equity, global_equity, fixed_income };
        }
        // Inflation: the index grows at today's rate, which then moves. A
        // constant annual rate i grows the log index by ln(1 + i) dt, taken
        // once in the constants; a mean-reverting rate is instantaneous, so
        // d ln P = pi dt, and no day pays for a logarithm.
        match &model.inflation_process {
            None => self.log_price_index = self.log_price_index + T::splat(k.log_inflation_dt),
            Some(p) => {
                let v = &p.process;
                let pi = self.inflation;
                self.log_price_index = self.log_price_index + pi * dt;
                self.inflation = pi
                    + T::splat(v.kappa) * (T::splat(v.theta) - pi) * dt
                    + T::splat(v.sigma * k.sqrt_dt) * inflation_shock;
            }
        }
        if let Some(cs) = &model.credit_spread {
            let v = &cs.spread.process;
            let old = self.spread;
            self.spread = old
                + T::splat(v.kappa) * (T::splat(v.theta) - old) * dt
                + T::splat(v.sigma * k.sqrt_dt) * spread_shock;
            fixed_income = fixed_income + old * dt - T::splat(cs.duration) * (self.spread - old);
        }
        DayReturns { swedish_equity, global_equity, fixed_income }
    }
}

/// The market of one path: its clock, its rates and the day count. The
/// engine keeps the same parts for a group of paths side by side; this
/// is the one-path form the model's tests drive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarketState {
    pub clock: Clock,
    pub rates: Rates<f64>,
    /// Days simulated so far.
    pub day: usize,
}

impl MarketState {
    pub fn start(model: &MarketModel) -> MarketState {
        MarketState { clock: model.start_clock(), rates: Rates::start(model), day: 0 }
    }

    /// The start of month `month` (0-based): draws the regime for every
    /// month after the first.
    pub fn start_month<R: Rng + ?Sized>(&mut self, model: &MarketModel, month: usize, rng: &mut R) {
        model.start_month(&mut self.clock, month, rng);
    }

    /// One day: the draws, the factor moves, and the gross returns.
    pub fn step<R: Rng + ?Sized>(
        &mut self,
        model: &MarketModel,
        kernels: &[DayKernel],
        rng: &mut R,
    ) -> DayReturns {
        self.step_with::<false, R>(model, kernels, rng)
    }

    /// [`MarketState::step`], compiled for a plain model when `PLAIN`.
    pub fn step_with<const PLAIN: bool, R: Rng + ?Sized>(
        &mut self,
        model: &MarketModel,
        kernels: &[DayKernel],
        rng: &mut R,
    ) -> DayReturns {
        let shock = model.draw::<PLAIN, R>(kernels, &mut self.clock, rng);
        self.apply_shock::<PLAIN>(model, kernels, shock)
    }

    /// One day of the short rate alone: the same draws as
    /// [`MarketState::step`], so the stream stays in step, and the same
    /// short rate, without the other factors' moves. The loan book's rate
    /// paths use it; the price index and the equity, spread and inflation
    /// states are left as they were.
    pub fn step_short_rate<R: Rng + ?Sized>(
        &mut self,
        model: &MarketModel,
        kernels: &[DayKernel],
        rng: &mut R,
    ) {
        let shock = model.draw::<false, R>(kernels, &mut self.clock, rng);
        let c = &kernels[self.clock.regime].coefficients;
        self.rates.short_rate =
            Rates::<f64>::next_short_rate::<false>(c, model, self.day, self.rates.short_rate, &shock.n);
        self.day += 1;
    }

    /// The day's moves for a given draw (the part of [`MarketState::step`]
    /// after the draws).
    pub fn apply(&mut self, model: &MarketModel, kernels: &[DayKernel], n: [f64; FACTORS]) -> DayReturns {
        self.apply_shock::<false>(model, kernels, Shock { n, inflation: 0.0, spread: 0.0 })
    }

    /// One day, as [`MarketState::step`] draws and moves it, and the
    /// probability that a portfolio holding `amounts` (Swedish equities,
    /// global equities and fixed income, before the day) is worth less
    /// than `floor` at the day's end, taken over the shocks `over` names
    /// given every other draw of the day. `None` unless the shocks are
    /// Gaussian. The conditional Monte Carlo pilot of
    /// docs/variance-reduction.md, section 2c.
    pub fn step_conditioned<R: Rng + ?Sized>(
        &mut self,
        model: &MarketModel,
        kernels: &[DayKernel],
        rng: &mut R,
        over: Integrated,
        amounts: [f64; 3],
        floor: f64,
    ) -> (DayReturns, Option<f64>) {
        let shock = model.draw::<false, R>(kernels, &mut self.clock, rng);
        let under = matches!(model.shocks, Shocks::Gaussian).then(|| {
            let k = model.day_constants();
            let l = &kernels[self.clock.regime].coefficients.l;
            let mut without = *self;
            let [sw, gl, fi] = amounts;
            match over {
                Integrated::FixedIncome => {
                    // Both shocks move the fixed-income return linearly
                    // (minus its duration times the move) and nothing
                    // else held: given the other draws the value is normal.
                    let n = [shock.n[0], shock.n[1], shock.n[2], 0.0];
                    let r = without.apply_shock::<false>(model, kernels, Shock { n, spread: 0.0, ..shock });
                    let centre = sw * r.swedish_equity + gl * r.global_equity + fi * r.fixed_income;
                    let rate = k.duration * l[3][3];
                    let spread =
                        model.credit_spread.map_or(0.0, |c| c.duration * c.spread.process.sigma * k.sqrt_dt);
                    let sd = fi * rate.hypot(spread);
                    if sd > 0.0 {
                        statrs::distribution::ContinuousCDF::sf(&standard_normal(), (centre - floor) / sd)
                    } else {
                        f64::from(u8::from(centre < floor))
                    }
                }
                Integrated::SwedishEquity => {
                    // The first normal moves the Swedish equities by
                    // exp(l00 x), the global ones (with the currency) by
                    // exp((l10 + unhedged l20) x) and the short rate by
                    // l30 x: the value is convex in it.
                    let n = [0.0, shock.n[1], shock.n[2], shock.n[3]];
                    let r = without.apply_shock::<false>(model, kernels, Shock { n, ..shock });
                    let value = Convex {
                        a: sw * r.swedish_equity,
                        alpha: l[0][0],
                        b: gl * r.global_equity,
                        beta: l[1][0] + k.unhedged * l[2][0],
                        c: fi * r.fixed_income,
                        d: fi * k.duration * l[3][0],
                    };
                    value.probability_under(floor)
                }
            }
        });
        (self.apply_shock::<false>(model, kernels, shock), under)
    }

    /// One day drawn under a tilt towards the floor (the state-dependent
    /// importance-sampling pilot of docs/variance-reduction.md, section
    /// 2d), and the day's log likelihood ratio `ln dP/dQ`. The shocks that
    /// move a portfolio holding `amounts` (Swedish equities, global
    /// equities, fixed income) are shifted by `-shift` along the direction
    /// in which its value falls fastest (the gradient of the day's value in
    /// the four factor normals and the spread's, at zero); with `shift` 0
    /// it is [`MarketState::step`]'s day. Gaussian shocks only.
    pub fn step_tilted<R: Rng + ?Sized>(
        &mut self,
        model: &MarketModel,
        kernels: &[DayKernel],
        rng: &mut R,
        amounts: [f64; 3],
        shift: f64,
    ) -> (DayReturns, f64) {
        let mut shock = model.draw::<false, R>(kernels, &mut self.clock, rng);
        if shift == 0.0 {
            return (self.apply_shock::<false>(model, kernels, shock), 0.0);
        }
        let g = self.value_gradient(model, kernels, amounts);
        let norm = g.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            return (self.apply_shock::<false>(model, kernels, shock), 0.0);
        }
        // The drawn normals z become y = z + mu, mu = -shift g / |g|; then
        // dP/dQ at y is exp(-mu . y + |mu|^2 / 2).
        let mu = g.map(|x| -shift * x / norm);
        let mut dot = 0.0;
        for (j, m) in mu.iter().enumerate().take(FACTORS) {
            shock.n[j] += m;
            dot += m * shock.n[j];
        }
        shock.spread += mu[FACTORS];
        dot += mu[FACTORS] * shock.spread;
        (self.apply_shock::<false>(model, kernels, shock), -dot + 0.5 * shift * shift)
    }

    /// The standard deviation of the day's value of `amounts`, to first
    /// order: the length of the gradient `MarketState::value_gradient` gives.
    pub fn value_sd(&self, model: &MarketModel, kernels: &[DayKernel], amounts: [f64; 3]) -> f64 {
        self.value_gradient(model, kernels, amounts).iter().map(|x| x * x).sum::<f64>().sqrt()
    }

    /// The day's value of `amounts` as it moves with each of the four
    /// factor normals and the spread's, at zero (drifts left out).
    fn value_gradient(
        &self,
        model: &MarketModel,
        kernels: &[DayKernel],
        amounts: [f64; 3],
    ) -> [f64; FACTORS + 1] {
        let k = model.day_constants();
        let l = &kernels[self.clock.regime].coefficients.l;
        let [sw, gl, fi] = amounts;
        let rate = fi * k.duration;
        let mut g = [0.0; FACTORS + 1];
        for (j, gj) in g.iter_mut().enumerate().take(FACTORS) {
            let global = if j < 2 { l[1][j] } else { 0.0 } + if j < 3 { k.unhedged * l[2][j] } else { 0.0 };
            *gj = if j == 0 { sw * l[0][0] } else { 0.0 } + gl * global - rate * l[3][j];
        }
        g[FACTORS] =
            -fi * model.credit_spread.map_or(0.0, |c| c.duration * c.spread.process.sigma * k.sqrt_dt);
        g
    }

    fn apply_shock<const PLAIN: bool>(
        &mut self,
        model: &MarketModel,
        kernels: &[DayKernel],
        s: Shock,
    ) -> DayReturns {
        let c = &kernels[self.clock.regime].coefficients;
        let r =
            self.rates.apply::<PLAIN>(c, &model.day_constants(), model, self.day, s.n, s.inflation, s.spread);
        self.day += 1;
        r
    }
}

#[cfg(test)]
mod tests;

/// Which of a day's shocks [`MarketState::step_conditioned`] integrates out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integrated {
    /// The short rate's own normal `n[3]` and the credit spread's.
    FixedIncome,
    /// The first normal, the Swedish equities' (which the global
    /// equities, the currency and the short rate load on too).
    SwedishEquity,
}

fn standard_normal() -> statrs::distribution::Normal {
    statrs::distribution::Normal::standard()
}

/// A day's value as a function of one standard normal `x`:
/// `a exp(alpha x) + b exp(beta x) + c - d x`, convex.
struct Convex {
    a: f64,
    alpha: f64,
    b: f64,
    beta: f64,
    c: f64,
    d: f64,
}

/// How far out a normal [`Convex::probability_under`] looks: beyond it
/// lies 2 x 5e-17 of probability, ignored (at most 3e-13 over a path of
/// 2,520 days).
const NORMAL_REACH: f64 = 8.3;

impl Convex {
    fn at(&self, x: f64) -> f64 {
        self.a * crate::lanes::exp(self.alpha * x) + self.b * crate::lanes::exp(self.beta * x) + self.c
            - self.d * x
    }

    fn slope(&self, x: f64) -> f64 {
        self.a * self.alpha * crate::lanes::exp(self.alpha * x)
            + self.b * self.beta * crate::lanes::exp(self.beta * x)
            - self.d
    }

    /// `P(value < floor)` for a standard normal within [`NORMAL_REACH`].
    fn probability_under(&self, floor: f64) -> f64 {
        use statrs::distribution::ContinuousCDF;
        let reach = NORMAL_REACH;
        // Each term at its least within reach: no day gets under the floor
        // unless this does.
        let least = self.a * crate::lanes::exp(-self.alpha.abs() * reach)
            + self.b * crate::lanes::exp(-self.beta.abs() * reach)
            + self.c
            - self.d.abs() * reach;
        if least >= floor {
            return 0.0;
        }
        // The least value within reach, where the slope turns.
        let bisect = |mut lo: f64, mut hi: f64, right_of: &dyn Fn(f64) -> bool| {
            for _ in 0..80 {
                let mid = 0.5 * (lo + hi);
                if right_of(mid) { hi = mid } else { lo = mid }
            }
            0.5 * (lo + hi)
        };
        let bottom = if self.slope(-reach) >= 0.0 {
            -reach
        } else if self.slope(reach) <= 0.0 {
            reach
        } else {
            bisect(-reach, reach, &|x| self.slope(x) >= 0.0)
        };
        if self.at(bottom) >= floor {
            return 0.0;
        }
        let left = if self.at(-reach) < floor {
            f64::NEG_INFINITY
        } else {
            bisect(-reach, bottom, &|x| self.at(x) < floor)
        };
        let right = if self.at(reach) < floor {
            f64::INFINITY
        } else {
            bisect(bottom, reach, &|x| self.at(x) >= floor)
        };
        let n = standard_normal();
        (n.cdf(right) - n.cdf(left)).max(0.0)
    }
}
