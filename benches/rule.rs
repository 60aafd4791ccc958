//! The rule's cost: one trading day of a managed portfolio, and a whole
//! historical replay. Run with `cargo bench --bench rule`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pensionsim::prices::PriceSeries;
use pensionsim::replay::{FixedIncome, ReplayConfig, replay};
use pensionsim::rule::{Holdings, Managed, MonthEndWindow, Policy};

fn rule_step(c: &mut Criterion) {
    let policy = Policy::DOCUMENT_DEFAULTS;
    let holdings = Holdings {
        equity: vec![261.8, 392.69],
        fixed_income: vec![822.91],
        equity_mix: vec![0.4, 0.6],
        fixed_income_mix: vec![1.0],
    };
    let window = MonthEndWindow::from_history(24, &[1620.0; 24], None).expect("a full window");
    let mut group = c.benchmark_group("rule");
    group.throughput(Throughput::Elements(21));
    group.bench_function("one month of days (21 steps)", |b| {
        let mut m = Managed::new(policy, holdings.clone(), window.clone());
        // Small alternating returns keep the portfolio near its position
        // without drifting, so every iteration measures the same work.
        b.iter(|| {
            for day in 0..21 {
                let g = if day % 2 == 0 { 1.004 } else { 1.0 / 1.004 };
                m.apply_returns(black_box(&[g, g]), black_box(&[1.0001]));
                black_box(m.close_day(day == 20));
            }
        });
    });
    group.finish();
}

fn replay_2008(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/djia_daily_1885_2023.csv");
    let prices = PriceSeries::load(&path, "date", "close").expect("the shipped series");
    let config = ReplayConfig {
        from: "2007-06-01".parse().ok(),
        to: "2009-12-31".parse().ok(),
        start_value: 1000.0,
        start_equity: 0.8,
        policy: Policy::DOCUMENT_DEFAULTS,
        fixed_income: FixedIncome::Rate(0.02),
        window: None,
    };
    c.bench_function("replay DJIA 2007-06 to 2009-12", |b| {
        b.iter(|| black_box(replay(&prices, &config).expect("replays")));
    });
}

criterion_group!(benches, rule_step, replay_2008);
criterion_main!(benches);
