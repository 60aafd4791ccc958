//! The calibration against what it cannot fake: closed forms, a sum over
//! every regime path, and models simulated with known parameters.

#![allow(
    clippy::disallowed_methods,
    reason = "tests check the fit against closed forms in the platform's arithmetic"
)]
#![allow(clippy::print_stderr, reason = "a statistical test shows both sides (run with --nocapture)")]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use ndarray::{Array1, Array2, Array3, array};
use rand::RngExt;
use rand_distr::{ChiSquared, Distribution, StandardNormal};

use super::switching::{Density, Params, filter, fit};
use super::*;
use crate::rng::path_rng;

fn normal(rng: &mut crate::rng::PathRng) -> f64 {
    StandardNormal.sample(rng)
}

/// `t` months from a chain of `p` with univariate Gaussian regimes
/// `(mean, sd)`, and the regimes visited.
fn simulate_chain(
    t: usize,
    p: &[[f64; 2]; 2],
    regimes: &[(f64, f64); 2],
    seed: u64,
) -> (Vec<f64>, Vec<usize>) {
    let mut rng = path_rng(seed, 0);
    let mut s = 0;
    let mut y = Vec::with_capacity(t);
    let mut states = Vec::with_capacity(t);
    for _ in 0..t {
        let (m, sd) = regimes[s];
        y.push(m + sd * normal(&mut rng));
        states.push(s);
        let u: f64 = rng.random();
        s = if u < p[s][0] { 0 } else { 1 };
    }
    (y, states)
}

fn column(y: &[f64]) -> Array2<f64> {
    Array2::from_shape_fn((y.len(), 1), |(i, _)| y[i])
}

#[test]
fn one_regime_is_the_sample_mean_and_covariance() {
    // Two correlated columns; the one-regime fit must be the sample mean
    // and the covariance divided by T (the maximum-likelihood one).
    let mut rng = path_rng(7, 0);
    let y = Array2::from_shape_fn((200, 2), |_| normal(&mut rng));
    let y = Array2::from_shape_fn(
        (200, 2),
        |(i, j)| if j == 0 { y[[i, 0]] } else { 0.5 * y[[i, 0]] + y[[i, 1]] },
    );
    let f = fit(y.view(), 1, 1).expect("fits");
    let n = 200.0;
    for j in 0..2 {
        let mean = y.column(j).sum() / n;
        assert!((f.params.means[[0, j]] - mean).abs() < 1e-12);
        for k in 0..2 {
            let mk = y.column(k).sum() / n;
            let cov: f64 =
                y.column(j).iter().zip(y.column(k)).map(|(a, b)| (a - mean) * (b - mk)).sum::<f64>() / n;
            assert!((f.params.covariances[[0, j, k]] - cov).abs() < 1e-12, "{j} {k}");
        }
    }
    // ...and its log-likelihood the Gaussian one in closed form.
    let c = &f.params.covariances;
    let det = c[[0, 0, 0]] * c[[0, 1, 1]] - c[[0, 0, 1]] * c[[0, 1, 0]];
    let closed = -0.5 * n * (2.0 * (2.0 * std::f64::consts::PI).ln() + det.ln() + 2.0);
    assert!((f.log_likelihood - closed).abs() < 1e-8, "{} vs {closed}", f.log_likelihood);
}

#[test]
fn the_filter_agrees_with_summing_over_every_regime_path() {
    // Six months, two regimes: the likelihood is the sum over all 64 regime
    // paths of P(path) times the densities; the smoothed probabilities are
    // the paths' posterior weights.
    let y = [0.02, -0.08, 0.01, -0.12, 0.03, 0.015];
    let p = Params {
        means: array![[0.01], [-0.03]],
        covariances: Array3::from_shape_vec((2, 1, 1), vec![0.03f64.powi(2), 0.08f64.powi(2)]).unwrap(),
        transition: array![[0.9, 0.1], [0.3, 0.7]],
        initial: Array1::from(vec![0.6, 0.4]),
    };
    let density = |x: f64, k: usize| {
        let (m, v) = (p.means[[k, 0]], p.covariances[[k, 0, 0]]);
        (-(x - m).powi(2) / (2.0 * v)).exp() / (2.0 * std::f64::consts::PI * v).sqrt()
    };
    let mut total = 0.0;
    let mut posterior = [[0.0; 2]; 6];
    for path in 0..64u32 {
        let s: Vec<usize> = (0..6).map(|i| ((path >> i) & 1) as usize).collect();
        let mut w = p.initial[s[0]] * density(y[0], s[0]);
        for i in 1..6 {
            w *= p.transition[[s[i - 1], s[i]]] * density(y[i], s[i]);
        }
        total += w;
        for i in 0..6 {
            posterior[i][s[i]] += w;
        }
    }
    let e = filter(column(&y).view(), &p, Density::Gaussian).unwrap();
    assert!((e.log_likelihood - total.ln()).abs() < 1e-12, "{} vs {}", e.log_likelihood, total.ln());
    for (i, month) in posterior.iter().enumerate() {
        for (k, weight) in month.iter().enumerate() {
            assert!((e.smoothed[[i, k]] - weight / total).abs() < 1e-12, "month {i} regime {k}");
        }
    }
}

#[test]
fn em_never_lowers_the_likelihood() {
    let (y, _) = simulate_chain(300, &[[0.97, 0.03], [0.15, 0.85]], &[(0.008, 0.04), (-0.02, 0.09)], 3);
    let y = column(&y);
    for k in 1..=3 {
        for start in switching::starts(y.view(), k, 11) {
            let Ok(f) = switching::em(y.view(), start) else { continue };
            for w in f.trace.windows(2) {
                assert!(w[1] >= w[0] - 1e-9 * w[0].abs(), "{k} regimes: {} then {}", w[0], w[1]);
            }
        }
    }
}

#[test]
fn a_known_two_regime_model_is_recovered_within_its_standard_errors() {
    // 1,200 months (a century) of a calm and a crisis regime.
    let p = [[0.98, 0.02], [0.12, 0.88]];
    let regimes = [(0.009, 0.04), (-0.025, 0.10)];
    let (y, _) = simulate_chain(1200, &p, &regimes, 5);
    let dates: Vec<NaiveDate> = (0..=1200)
        .map(|i| month_end(NaiveDate::from_ymd_opt(1800 + i / 12, (i % 12) as u32 + 1, 1).unwrap()))
        .collect();
    let mut level = vec![100.0];
    for r in &y {
        level.push(level.last().unwrap() * r.exp());
    }
    let observed =
        [Observed { factor: Factor::SwedishEquity, source: "simulated".into(), dates, values: level }];
    let s = Settings {
        from: None,
        to: None,
        regimes: RegimeChoice::Auto,
        student_t: false,
        dividend_yield: BTreeMap::new(),
        seed: 1,
        trading_days_per_month: 21,
    };
    let c = calibrate(&observed, &s).expect("calibrates");
    assert_eq!(c.chosen.regimes, 2, "BIC picks two regimes: {:?}", c.by_regimes);
    for (k, (m, sd)) in regimes.iter().enumerate() {
        let (_, dv) = c.regimes[k].factors[0];
        let vol = sd * 12f64.sqrt();
        let mu = 12.0 * m + vol * vol / 2.0;
        eprintln!(
            "regime {k}: mu {:.4} ± {:.4} (true {mu:.4}), vol {:.4} ± {:.4} (true {vol:.4})",
            dv.mu, dv.mu_se, dv.vol, dv.vol_se
        );
        assert!((dv.mu - mu).abs() < 4.0 * dv.mu_se, "regime {k} mu");
        assert!((dv.vol - vol).abs() < 4.0 * dv.vol_se, "regime {k} vol");
    }
    for (i, row) in p.iter().enumerate() {
        eprintln!("P[{i}][{i}] {:.4} ± {:.4} (true {})", c.transition[i][i], c.transition_se[i][i], row[i]);
        assert!((c.transition[i][i] - row[i]).abs() < 4.0 * c.transition_se[i][i], "P[{i}][{i}]");
    }
    // The JSON carries each factor under its name, in the engine's units.
    let j = c.json();
    assert_eq!(j["regimes"][1]["swedish_equity"]["vol"].as_f64(), Some(c.regimes[1].factors[0].1.vol));
    assert_eq!(j["by_regimes"].as_array().map(Vec::len), Some(3));
    assert_eq!(j["transition"][0][1].as_f64(), Some(c.transition[0][1]));
}

#[test]
fn student_t_degrees_of_freedom_are_recovered() {
    // One regime, t shocks with 5 degrees of freedom scaled to unit
    // variance: the profile likelihood's maximum must not be rejected
    // against the truth by a likelihood-ratio test at 0.5 % (chi-square
    // with one degree of freedom: 7.88).
    let nu = 5.0;
    let mut rng = path_rng(9, 0);
    let chi = ChiSquared::new(nu).unwrap();
    let y: Vec<f64> = (0..4000)
        .map(|_| {
            let w: f64 = chi.sample(&mut rng);
            0.05 * normal(&mut rng) * ((nu - 2.0) / w).sqrt()
        })
        .collect();
    let y = column(&y);
    let g = fit(y.view(), 1, 1).unwrap();
    let (nu_hat, ll) = switching::profile_student_t(y.view(), &g.params).unwrap();
    let at_truth = filter(y.view(), &g.params, Density::StudentT(nu)).unwrap().log_likelihood;
    eprintln!("nu {nu_hat:.2}; LR against the truth {:.2}", 2.0 * (ll - at_truth));
    assert!(2.0 * (ll - at_truth) < 7.88, "nu {nu_hat}");
    assert!(ll > g.log_likelihood + 10.0, "fat tails must beat the Gaussian clearly");
}

#[test]
fn vasicek_is_recovered_from_its_exact_discretisation() {
    let (kappa, theta, sigma, dt) = (0.3, 0.04, 0.012, 1.0 / 12.0);
    let b = f64::exp(-kappa * dt);
    let s = sigma * ((1.0 - b * b) / (2.0 * kappa)).sqrt();
    let mut rng = path_rng(4, 0);
    let mut x = vec![0.02];
    for _ in 0..6000 {
        let last = *x.last().unwrap();
        x.push(theta + (last - theta) * b + s * normal(&mut rng));
    }
    let f = ar1::fit(&x, dt).unwrap();
    eprintln!(
        "kappa {:.4} ± {:.4}, theta {:.5} ± {:.5}, sigma {:.5} ± {:.5}",
        f.kappa, f.kappa_se, f.theta, f.theta_se, f.sigma, f.sigma_se
    );
    assert!((f.kappa - kappa).abs() < 4.0 * f.kappa_se);
    assert!((f.theta - theta).abs() < 4.0 * f.theta_se);
    assert!((f.sigma - sigma).abs() < 4.0 * f.sigma_se);
}

#[test]
fn vasicek_by_hand() {
    // x: 1, 2, 1.5, 1.75, ... alternating towards 1.666…: pairs (1,2),
    // (2,1.5), (1.5,1.75), (1.75,1.625): a least-squares slope of -0.5
    // exactly, so there is no mean reversion the model can express.
    let x = [
        1.0,
        2.0,
        1.5,
        1.75,
        1.625,
        1.6875,
        1.65625,
        1.671875,
        1.6640625,
        1.66796875,
        1.666015625,
        1.6669921875,
        1.66650390625,
    ];
    assert!(matches!(ar1::fit(&x, 1.0), Err(ar1::Ar1Error::NoMeanReversion(b)) if (b + 0.5).abs() < 1e-9));
    // Halfway to 10 each step from 0: b = 0.5, a = 5, no noise.
    let mut x = vec![0.0];
    for _ in 0..14 {
        x.push(5.0 + 0.5 * x.last().unwrap());
    }
    x[7] += 1e-3;
    let f = ar1::fit(&x, 1.0).unwrap();
    assert!((f.b - 0.5).abs() < 1e-3 && (f.theta - 10.0).abs() < 1e-2, "{f:?}");
    assert!((f.kappa - 2f64.ln()).abs() < 1e-2);
}

#[test]
fn daily_degrees_of_freedom_keep_the_monthly_kurtosis() {
    // Monthly 25: excess kurtosis 6/21; 21 days of nu_d = 5 have 6/21.
    assert!((daily_nu(25.0, 21.0) - 5.0).abs() < 1e-12);
    assert_eq!(daily_nu(3.5, 21.0), 4.1);
}

#[test]
fn month_ends_take_each_months_last_observation() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let m = month_end_values(
        &[d(2020, 1, 30), d(2020, 1, 31), d(2020, 2, 3), d(2020, 2, 27), d(2020, 4, 1)],
        &[1.0, 2.0, 3.0, 4.0, 5.0],
    );
    assert_eq!(m, vec![(d(2020, 1, 31), 2.0), (d(2020, 2, 29), 4.0), (d(2020, 4, 30), 5.0)]);
}

#[test]
fn a_missing_month_is_an_error_that_names_it() {
    let d = |y, m| month_end(NaiveDate::from_ymd_opt(y, m, 1).unwrap());
    let mut dates: Vec<NaiveDate> =
        (1..=12).map(|m| d(2000, m)).chain((1..=12).map(|m| d(2001, m))).collect();
    dates.extend((1..=12).map(|m| d(2002, m)));
    dates.extend((1..=12).map(|m| d(2003, m)));
    dates.remove(20);
    let values = (0..dates.len()).map(|i| 100.0 + i as f64).collect();
    let o = [Observed { factor: Factor::GlobalEquity, source: "g.csv:close".into(), dates, values }];
    let s = Settings {
        from: None,
        to: None,
        regimes: RegimeChoice::Fixed(1),
        student_t: false,
        dividend_yield: BTreeMap::new(),
        seed: 1,
        trading_days_per_month: 21,
    };
    let e = calibrate(&o, &s).unwrap_err().to_string();
    assert!(
        e.contains("global_equity") && e.contains("2001-08") && e.contains("2001-10") && e.contains("g.csv"),
        "{e}"
    );
}
