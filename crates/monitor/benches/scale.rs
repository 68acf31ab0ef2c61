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
//! (about five events per person, one in ten anonymous, one in five with a second
//! exploitation form, over ten years), unless it already holds exactly that many events.
//! It prints one Markdown table row per measure. The SQL reference takes minutes from
//! ten million events on; it is measured up to `BENCH_REFERENCE_MAX` events (one
//! million unless set).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use diesel::RunQueryDsl;
use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};
use schakel_monitor::{Cube, Dimension, Grain, Measure, Month, PeriodRange, Rules};
use schakel_store::{DatabaseTarget, DbConn, PoolOptions, build_pool, migrations};
use std::time::{Duration, Instant};

fn exec(conn: &mut DbConn, sql: &str) {
    let r = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).execute(c),
        DbConn::Postgres(c) => diesel::sql_query(sql).execute(c),
    };
    r.unwrap_or_else(|e| panic!("{e}: {sql}"));
}

/// `CASE (expr) WHEN 0 THEN 'a' … END`: a pick from `codes` that both backends read.
fn pick(expr: &str, codes: &[&str]) -> String {
    let arms: String = codes
        .iter()
        .enumerate()
        .map(|(i, c)| format!(" WHEN {i} THEN '{c}'"))
        .collect();
    format!("CASE ({expr}) % {}{arms} END", codes.len())
}

fn codes<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| f(*v)).collect()
}

/// Seeds `n` events: rows of `monitor_facts` and the counts of `monitor_months`.
fn seed(conn: &mut DbConn, n: u64) {
    exec(conn, "DELETE FROM monitor_facts");
    exec(conn, "DELETE FROM monitor_months");
    let persons = (n / 5).max(1);
    // Weighted kinds: signals and referrals sent are the most common events.
    let kinds = [
        "signal_logged",
        "signal_logged",
        "signal_logged",
        "case_opened",
        "referral_sent",
        "referral_sent",
        "referral_accepted",
        "referral_declined",
        "referral_redirected",
        "referral_withdrawn",
        "referral_completed",
        "referral_expired",
        "case_closed",
    ];
    let months: Vec<String> = (2017..=2026)
        .flat_map(|y| (1..=12).map(move |m| format!("{y:04}-{m:02}")))
        .collect();
    let months: Vec<&str> = months.iter().map(String::as_str).collect();
    let forms = codes(ExploitationForm::ALL, ExploitationForm::as_str);
    let agency = codes(AgencyKind::ALL, AgencyKind::as_str);
    let region = codes(Region::ALL, Region::as_str);
    let age = codes(AgeBand::ALL, AgeBand::as_str);
    let gender = codes(Gender::ALL, Gender::as_str);
    let nat = codes(NationalityGroup::ALL, NationalityGroup::as_str);
    let basis = codes(ReportingBasis::ALL, ReportingBasis::as_str);
    // Per event i: the person p, and independent-looking picks from multiplicative
    // hashes of i (the same on both backends, no random function needed).
    let h = |c: u64| format!("(i * {c} % 1000003)");
    let kind = pick(&h(7919), &kinds);
    let month = pick(&h(104729), &months);
    let is_referral = format!("({kind}) LIKE 'referral%'");
    let is_answer =
        format!("({kind}) IN ('referral_accepted', 'referral_declined', 'referral_redirected')");
    let person_of = format!("(i * 48271 % {persons})");
    let zeros = "0".repeat(32);
    let pseudonym = format!("PRINTF('%032x', {person_of} + 1) || '{zeros}'");
    let select = |form_salt: u64, weight: u8| {
        format!(
            "SELECT 'e' || CAST(i AS TEXT), {form}, {weight}, {kind}, m, \
             SUBSTR(m, 1, 4) || '-Q' || CAST((CAST(SUBSTR(m, 6, 2) AS INTEGER) + 2) / 3 AS TEXT), \
             SUBSTR(m, 1, 4), {sender}, {sregion}, \
             CASE WHEN {is_referral} THEN {receiver} END, CASE WHEN {is_referral} THEN {rregion} END, \
             {age}, {gender}, {nat}, CASE WHEN ({kind}) = 'signal_logged' THEN {basis} END, \
             CASE WHEN {is_answer} THEN {hours} END, \
             CASE WHEN i % 10 = 0 THEN NULL ELSE {pseudonym} END",
            form = pick(&h(form_salt), &forms),
            sender = pick(&h(15485863), &agency),
            sregion = pick(&h(32452843), &region),
            receiver = pick(&h(49979687), &agency),
            rregion = pick(&h(67867967), &region),
            // Age, gender and nationality follow the person, as they do in life.
            age = pick(&format!("{person_of} * 31"), &age),
            gender = pick(&format!("{person_of} * 17"), &gender),
            nat = pick(&format!("{person_of} * 13"), &nat),
            basis = pick(&h(86028121), &basis),
            hours = h(3) + " % 500",
        )
    };
    let columns = "event_id, form, weight, kind, month, quarter, year, sender_kind, \
                   sender_region, receiver_kind, receiver_region, age_band, gender, \
                   nationality_group, reporting_basis, hours_to_answer, pseudonym";
    let series = match conn {
        DbConn::Postgres(_) => format!("generate_series(1, {n}) AS s(i)"),
        DbConn::Sqlite(_) => format!(
            "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s) AS s"
        ),
    };
    let postgres = matches!(conn, DbConn::Postgres(_));
    let printf = |sql: String| match postgres {
        true => sql.replace(
            &format!("PRINTF('%032x', {person_of} + 1)"),
            &format!("LPAD(TO_HEX({person_of} + 1), 32, '0')"),
        ),
        false => sql,
    };
    // The month is picked once per event in a sub-select, so its quarter and year agree.
    let insert = |salt: u64, weight: u8, filter: &str| {
        printf(format!(
            "INSERT INTO monitor_facts ({columns}) SELECT {} FROM (SELECT i, {month} AS m FROM \
             (SELECT CAST(i AS BIGINT) AS i FROM {series}) AS ii{filter}) AS t WHERE 1 = 1",
            select(salt, weight).replacen("SELECT ", "", 1)
        ))
    };
    exec(conn, &insert(1, 1, ""));
    // A second form where it differs from the first (the primary key is event and form;
    // SQLite reads the upsert only after a WHERE).
    exec(
        conn,
        &format!(
            "{} ON CONFLICT DO NOTHING",
            insert(2, 0, " WHERE i % 5 = 0")
        ),
    );
    exec(
        conn,
        "INSERT INTO monitor_months (month, events) \
         SELECT month, COUNT(DISTINCT event_id) FROM monitor_facts GROUP BY month",
    );
    if let DbConn::Postgres(_) = conn {
        exec(conn, "VACUUM ANALYZE monitor_facts");
    } else {
        exec(conn, "ANALYZE");
    }
}

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

fn count(conn: &mut DbConn, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let rows: Vec<N> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c),
        DbConn::Postgres(c) => diesel::sql_query(sql).load(c),
    }
    .unwrap_or_else(|e| panic!("{e}: {sql}"));
    rows.first().map(|r| r.n).unwrap_or(0)
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
        Month::parse("2017-01").unwrap(),
        Month::parse("2026-12").unwrap(),
        Grain::Quarter,
    )
    .unwrap();
    let dims = [
        Dimension::Period,
        Dimension::ExploitationForm,
        Dimension::AgencyKind,
    ];
    let rules = Rules::default();
    let plain_counts = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT quarter, form, sender_kind, \
        COUNT(*) AS events, COUNT(DISTINCT pseudonym) AS persons FROM monitor_facts \
        WHERE month >= '2017-01' AND month <= '2026-12' GROUP BY quarter, form, sender_kind) AS t";
    let plain_flows = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT kind, sender_kind, receiver_kind, \
        COUNT(*) AS events, COUNT(DISTINCT pseudonym) AS persons FROM monitor_facts \
        WHERE month >= '2017-01' AND month <= '2026-12' AND weight = 1 \
        AND receiver_kind IS NOT NULL GROUP BY kind, sender_kind, receiver_kind) AS t";

    for n in sizes {
        let t = Instant::now();
        // A database that already holds exactly this many events (seeded by an earlier
        // run) is measured as it is: seeding ten million takes long.
        let held = count(
            &mut conn,
            "SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS n FROM monitor_months",
        );
        if u64::try_from(held).ok() != Some(n) {
            seed(&mut conn, n);
        }
        let seeded = t.elapsed();
        let rows = count(
            &mut conn,
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM monitor_facts",
        );
        eprintln!(
            "{backend}: seeded {n} events ({rows} fact rows) in {:.0} s",
            seeded.as_secs_f64()
        );

        let before = rss_kib();
        let cube = Cube::new();
        let t = Instant::now();
        cube.counts(&mut conn, Measure::Persons, &dims, &range, rules)
            .expect("counts");
        let fill = t.elapsed();
        let held_mib = rss_kib().saturating_sub(before) as f64 / 1024.0;

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
        let plain = time(runs.min(3), || count(&mut conn, plain_counts));
        let plain_f = time(runs.min(3), || count(&mut conn, plain_flows));
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
            "| {backend} | {n} | filling the copy (first table after start) | {} | – | – | – |",
            ms(fill)
        );
        println!("| {backend} | {n} | memory of the copy | {held_mib:.0} MiB | – | – | – |");
    }
}
