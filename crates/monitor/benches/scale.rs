//! The monitor at national scale: a three-dimension counts table and the flow matrix
//! over one and ten million monitor events, made from the in-memory copy the API uses,
//! against the SQL reference (one `GROUP BY` per grouping) and against one plain
//! `GROUP BY` over the raw facts, side by side in one run.
//!
//! Run by `scripts/bench-monitor`; by hand:
//!
//! ```text
//! BENCH_DATABASE=postgres://…/db  BENCH_EVENTS=1000000,10000000 \
//!     cargo bench -p schakel-monitor --bench scale
//! BENCH_DATABASE=/tmp/monitor.sqlite3 …
//! ```
//!
//! The database is emptied of monitor facts and seeded with synthetic events by SQL
//! (`schakel_store::monitor::synthetic`: about five events per person, one in ten
//! anonymous, one in five with a second exploitation form, over ten years), unless it
//! already holds exactly that many events.
//! It prints one Markdown table row per measure. The SQL reference takes minutes from
//! ten million events on; it is measured up to `BENCH_REFERENCE_MAX` events (one
//! million unless set).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use schakel_monitor::{Cube, Dimension, Grain, Measure, Month, PeriodRange, Rules};
use schakel_store::monitor::synthetic;
use schakel_store::{DatabaseTarget, PoolOptions, build_pool, migrations};
use std::time::{Duration, Instant};

/// The median of `runs` timings of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    let Ok(database) = std::env::var("BENCH_DATABASE") else {
        eprintln!(
            "BENCH_DATABASE (a PostgreSQL URL or a SQLite file) is not set: nothing to measure"
        );
        return;
    };
    let sizes: Vec<u64> = std::env::var("BENCH_EVENTS")
        .unwrap_or_else(|_| "1000000,10000000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("BENCH_EVENTS: numbers"))
        .collect();
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let reference_max: u64 = std::env::var("BENCH_REFERENCE_MAX")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1_000_000);
    let target = DatabaseTarget::parse(&database).expect("BENCH_DATABASE");
    let backend = match target {
        DatabaseTarget::Postgres(_) => "PostgreSQL",
        DatabaseTarget::Sqlite(_) => "SQLite",
    };
    let pool = build_pool(&target, PoolOptions::default()).expect("database");
    let mut conn = pool.get().expect("connection");
    migrations::run_pending(&mut conn).expect("migrations");

    let range = PeriodRange::new(
        Month::parse(synthetic::FIRST_MONTH).unwrap(),
        Month::parse(synthetic::LAST_MONTH).unwrap(),
        Grain::Quarter,
    )
    .unwrap();
    let dims = [
        Dimension::Period,
        Dimension::ExploitationForm,
        Dimension::AgencyKind,
    ];
    let rules = Rules::default();

    for n in sizes {
        let t = Instant::now();
        // A database that already holds exactly this many events (seeded by an earlier
        // run) is measured as it is: seeding ten million takes long.
        let held = synthetic::events_counted(&mut conn).expect("events counted");
        if u64::try_from(held).ok() != Some(n) {
            synthetic::seed(&mut conn, n).expect("seeding");
        }
        let seeded = t.elapsed();
        let rows = synthetic::fact_rows(&mut conn).expect("fact rows");
        eprintln!(
            "{backend}: seeded {n} events ({rows} fact rows) in {:.0} s",
            seeded.as_secs_f64()
        );

        // The first copy ever fills from the facts and packs every month but the
        // latest; a copy started after it loads the snapshots.
        synthetic::forget_snapshots(&mut conn).expect("snapshots removed");
        let cube = Cube::new();
        let t = Instant::now();
        cube.counts(&mut conn, Measure::Persons, &dims, &range, rules)
            .expect("counts");
        let fill = t.elapsed();
        drop(cube);
        let before = rss_kib();
        let cube = Cube::new();
        let t = Instant::now();
        cube.counts(&mut conn, Measure::Persons, &dims, &range, rules)
            .expect("counts");
        let restart = t.elapsed();
        let held_mib = rss_kib().saturating_sub(before) as f64 / 1024.0;
        let per_event = cube.held_bytes() as f64 / n as f64;

        let cube_counts = time(runs, || {
            cube.counts(&mut conn, Measure::Persons, &dims, &range, rules)
                .expect("counts")
        });
        let cube_signals = time(runs, || {
            cube.counts(&mut conn, Measure::Signals, &dims, &range, rules)
                .expect("counts")
        });
        let cube_flows = time(runs, || {
            cube.flows(&mut conn, range.from, range.to, rules)
                .expect("flows")
        });
        let plain = time(runs.min(3), || {
            synthetic::plain_counts(&mut conn).expect("plain counts")
        });
        let plain_f = time(runs.min(3), || {
            synthetic::plain_flows(&mut conn).expect("plain flows")
        });
        // The reference takes minutes from ten million events on: measured up to
        // BENCH_REFERENCE_MAX events only.
        let (reference, reference_f) = if n <= reference_max {
            let counts = time(1, || {
                schakel_monitor::counts(&mut conn, Measure::Persons, &dims, &range, rules)
                    .expect("counts")
            });
            let flows = time(1, || {
                schakel_monitor::flows(&mut conn, range.from, range.to, rules).expect("flows")
            });
            (ms(counts), ms(flows))
        } else {
            ("not measured".to_owned(), "not measured".to_owned())
        };
        let ratio = |a: Duration, b: Duration| format!("{:.3}", a.as_secs_f64() / b.as_secs_f64());
        println!(
            "| {backend} | {n} | persons by quarter × form × agency kind | {} | {} | {} | {} |",
            ms(cube_counts),
            ms(plain),
            ratio(cube_counts, plain),
            reference
        );
        println!(
            "| {backend} | {n} | signals by quarter × form × agency kind | {} | {} | {} | – |",
            ms(cube_signals),
            ms(plain),
            ratio(cube_signals, plain),
        );
        println!(
            "| {backend} | {n} | flow matrix (five states and medians) | {} | {} | {} | {} |",
            ms(cube_flows),
            ms(plain_f),
            ratio(cube_flows, plain_f),
            reference_f
        );
        println!(
            "| {backend} | {n} | filling the copy from the facts (first start ever) | {} | – | – | – |",
            ms(fill)
        );
        println!(
            "| {backend} | {n} | filling the copy from the snapshots (first table after a later start) | {} | – | – | – |",
            ms(restart)
        );
        println!(
            "| {backend} | {n} | memory of the copy | {:.1} bytes per event held; process grew {held_mib:.0} MiB | – | – | – |",
            per_event
        );
    }
}
