//! The liquidity forecast of the shipped scenario at the run's 10,000
//! paths and 28 months, on all cores: each path's rates, its loan book
//! stepped month by month, its own shocks and the financing rules, then
//! the quantiles; and the rates alone (the engine's draws for each path).
//! Run with `cargo bench --bench liquidity`; figures go in
//! benches/RESULTS.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use pensionsim::debt::simulate::month_rates;
use pensionsim::liquidity::simulate::{Inputs, outlook};
use pensionsim::scenario::Scenario;
use rayon::prelude::*;

fn liquidity(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/rjh-2025-08.toml");
    let s = Scenario::load(&path).expect("the shipped scenario loads").scenario;
    let (Some(liquidity), Some(model)) = (s.liquidity(), s.market()) else {
        panic!("the shipped scenario has [liquidity] and [market]");
    };
    let inputs = Inputs {
        liquidity,
        model,
        debt: s.debt(),
        obligations: s.obligations(),
        valuation: s.valuation_date(),
        portfolio_value: s.managed().value(),
    };
    let mut group = c.benchmark_group("liquidity");
    group.sample_size(10);
    group.bench_function("outlook/10000", |b| {
        b.iter(|| black_box(outlook(&inputs, 10_000, s.simulation().seed)));
    });
    // The part that is the engine's draws: each path's month-end rates.
    let kernels = model.kernels();
    group.bench_function("rates_only/10000", |b| {
        b.iter(|| {
            (0..10_000u64).into_par_iter().for_each(|p| {
                black_box(month_rates(model, &kernels, s.simulation().seed, p, liquidity.months));
            });
        });
    });
    group.finish();
}

criterion_group!(benches, liquidity);
criterion_main!(benches);
