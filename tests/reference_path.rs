//! A slow, obviously correct Monte Carlo path written from the documents
//! alone (`benchmark-w1.md` for the market, `dynamic-risk-rule.md` for the
//! rule): plain scalars, its own Cholesky factor, the high recomputed from
//! scratch every day, every quantity by its defining formula. It draws the
//! documented stream in the documented order (a uniform at the start of
//! every month after the first, then four normals a day), so it must agree
//! with the engine path by path.

#![allow(
    clippy::disallowed_methods,
    reason = "a reference written from the documents alone, in the platform's arithmetic, which the engine agrees with to a tolerance"
)]

use std::path::Path;

use pensionsim::engine::{Engine, PathSummary};
use pensionsim::rng::path_rng;
use pensionsim::scenario::{Scenario, Simulation};
use pensionsim::stats::MonthHistograms;
use rand::RngExt;
use rand_distr::StandardNormal;

struct Reference {
    final_value: f64,
    downweights: u32,
    upweights: u32,
    first_breach_month: Option<u32>,
}

fn chol(a: [[f64; 4]; 4]) -> [[f64; 4]; 4] {
    let mut l = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..=i {
            let s = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            l[i][j] = if i == j { s.sqrt() } else { s / l[j][j] };
        }
    }
    l
}

fn reference_path(s: &Scenario, seed: u64, path: u64, months: usize) -> Reference {
    let m = s.market().unwrap();
    let p = &s.policy();
    let dt = 1.0 / m.days_per_year;
    let mut rng = path_rng(seed, path);
    // Holdings: Swedish equity, global equity, fixed income (the W1 layout).
    let (mut se, mut gl, mut fi) =
        (s.asset_classes()[0].holding, s.asset_classes()[1].holding, s.asset_classes()[2].holding);
    let mix = (s.asset_classes()[0].mix, s.asset_classes()[1].mix);
    let mut month_ends: Vec<f64> = s.history().month_ends.iter().map(|e| e.value).collect();
    let mut regime = m.start_regime;
    let mut r = m.initial_short_rate;
    let mut out = Reference { final_value: 0.0, downweights: 0, upweights: 0, first_breach_month: None };
    let high = |ends: &Vec<f64>| {
        ends[ends.len().saturating_sub(p.window_months)..].iter().copied().fold(f64::MIN, f64::max)
    };
    let e_max = |margin: f64| {
        ((margin - p.buffer - p.fixed_income_stress) / (p.equity_stress - p.fixed_income_stress))
            .clamp(0.0, p.cap)
    };

    for month in 0..months {
        if month > 0 {
            let u: f64 = rng.random();
            let row = &m.transition[regime];
            let mut acc = 0.0;
            let mut next = row.len() - 1;
            for (j, q) in row.iter().enumerate() {
                acc += q;
                if u < acc {
                    next = j;
                    break;
                }
            }
            regime = next;
        }
        let g = &m.regimes[regime];
        let l = chol(g.correlation);
        for day in 0..m.trading_days_per_month {
            let n: Vec<f64> = (0..4).map(|_| rng.sample::<f64, _>(StandardNormal)).collect();
            let z: Vec<f64> = (0..4).map(|i| (0..=i).map(|j| l[i][j] * n[j]).sum()).collect();
            let log_se = (g.swedish_equity.mu - g.swedish_equity.vol.powi(2) / 2.0) * dt
                + g.swedish_equity.vol * dt.sqrt() * z[0];
            let log_gl = (g.global_equity.mu - g.global_equity.vol.powi(2) / 2.0) * dt
                + g.global_equity.vol * dt.sqrt() * z[1];
            let log_fx = g.sek_per_usd.mu * dt + g.sek_per_usd.vol * dt.sqrt() * z[2];
            let r_new = r
                + g.short_rate.kappa * (g.short_rate.theta - r) * dt
                + g.short_rate.sigma * dt.sqrt() * z[3];
            // Step 1.
            se *= log_se.exp();
            gl *= (log_gl + (1.0 - m.hedge_ratio) * log_fx).exp();
            fi *= 1.0 + r * dt - m.fixed_income_duration * (r_new - r);
            r = r_new;
            // Step 3.
            let v = se + gl + fi;
            let floor = (1.0 - p.max_drawdown) * high(&month_ends);
            let margin = (v - floor) / v;
            if v < floor && out.first_breach_month.is_none() {
                out.first_breach_month = Some(month as u32);
            }
            // Steps 4 and 5.
            let e = (se + gl) / v;
            if e > e_max(margin) + 1e-10 {
                let goal = (e_max(margin) - p.down_headroom).max(0.0);
                let keep = goal * v / (se + gl);
                let sold = (se + gl) * (1.0 - keep);
                se *= keep;
                gl *= keep;
                fi += sold;
                let after_cost = (v - sold * p.cost_bps / 1e4) / v;
                (se, gl, fi) = (se * after_cost, gl * after_cost, fi * after_cost);
                out.downweights += 1;
            }
            // Step 6.
            if day + 1 == m.trading_days_per_month {
                let v = se + gl + fi;
                month_ends.push(v);
                let floor = (1.0 - p.max_drawdown) * high(&month_ends);
                let emax = e_max((v - floor) / v);
                let e = (se + gl) / v;
                if p.target.min(emax) - e >= p.up_band - 1e-10 {
                    let goal = e.max(p.target.min(emax - p.up_headroom));
                    if goal > e + 1e-10 {
                        let buy = goal * v - (se + gl);
                        se += buy * mix.0;
                        gl += buy * mix.1;
                        fi -= buy;
                        let after_cost = (v - buy * p.cost_bps / 1e4) / v;
                        (se, gl, fi) = (se * after_cost, gl * after_cost, fi * after_cost);
                        out.upweights += 1;
                    }
                }
            }
        }
    }
    out.final_value = se + gl + fi;
    out
}

#[test]
fn the_engine_agrees_with_the_reference_path_by_path() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-w1.toml");
    let scenario = Scenario::load(&path).unwrap().scenario;
    let months = 36;
    let sim = Simulation { paths: 1, seed: 2024, horizon_months: months, variance_reduction: false };
    let engine = Engine::new(&scenario.start(), sim).unwrap();
    let mut h = MonthHistograms::new(months, engine.start_value());
    let mut trades = 0;
    for p in 0..40 {
        let a = reference_path(&scenario, 2024, p, months);
        let b: PathSummary = engine.path(p, &mut h);
        assert!(
            (a.final_value / b.final_value - 1.0).abs() < 1e-10,
            "path {p}: {} vs {}",
            a.final_value,
            b.final_value
        );
        assert_eq!((a.downweights, a.upweights), (b.downweights, b.upweights), "path {p}");
        assert_eq!(a.first_breach_month, b.first_breach_month, "path {p}");
        trades += a.downweights + a.upweights;
    }
    assert!(trades > 40, "the comparison should exercise trades, saw {trades}");
}
