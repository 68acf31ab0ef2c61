//! Synthetic monitor facts for measuring the monitor at national scale (feature
//! `testing`; the monitor's benchmark uses it): `n` events seeded by SQL alone, and the
//! plain `GROUP BY` queries over the raw facts that the monitor's tables are compared
//! with.
//!
//! About five events per person, one in ten anonymous, one in five with a second
//! exploitation form, spread over the ten years [`FIRST_MONTH`]..=[`LAST_MONTH`]. Every
//! pick is a multiplicative hash of the event's number, the same on both backends, so
//! no random function is needed. Nothing here takes outside text: every statement is
//! made from the code lists and numbers.

use crate::{Backend, DbConn, StoreError};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};

/// The first month of the synthetic events.
pub const FIRST_MONTH: &str = "2017-01";
/// The last month of the synthetic events.
pub const LAST_MONTH: &str = "2026-12";

/// Weighted kinds: signals and referrals sent are the most common events.
const KINDS: [&str; 13] = [
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

const COLUMNS: &str = "event_id, form, weight, kind, month, quarter, year, sender_kind, \
                       sender_region, receiver_kind, receiver_region, age_band, gender, \
                       nationality_group, reporting_basis, hours_to_answer, pseudonym";

/// Runs a statement on either backend.
fn execute(conn: &mut DbConn, sql: &str) -> Result<usize, StoreError> {
    // Why backend-specific: raw SQL needs the concrete connection.
    Ok(match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).execute(c)?,
        DbConn::Postgres(c) => diesel::sql_query(sql).execute(c)?,
    })
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Runs `SELECT … AS n` and returns `n` (0 without a row).
fn count(conn: &mut DbConn, sql: &str) -> Result<i64, StoreError> {
    let rows: Vec<Count> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        DbConn::Postgres(c) => diesel::sql_query(sql).load(c)?,
    };
    Ok(rows.first().map(|r| r.n).unwrap_or(0))
}

/// Empties the monitor's tables and seeds `n` synthetic events: their fact rows and the
/// counts of their months. Run it outside a transaction (it ends with `ANALYZE`).
pub fn seed(conn: &mut DbConn, n: u64) -> Result<(), StoreError> {
    let backend = conn.backend();
    execute(conn, "DELETE FROM monitor_facts")?;
    execute(conn, "DELETE FROM monitor_months")?;
    execute(conn, "DELETE FROM monitor_persons")?;
    execute(conn, "DELETE FROM monitor_snapshots")?;
    execute(conn, &insert_sql(backend, n, 1, 1, ""))?;
    // A second form where it differs from the first (the primary key is event and form;
    // SQLite reads the upsert only after a WHERE).
    execute(
        conn,
        &format!(
            "{} ON CONFLICT DO NOTHING",
            insert_sql(backend, n, 2, 0, " WHERE i % 5 = 0")
        ),
    )?;
    execute(
        conn,
        "INSERT INTO monitor_months (month, events) \
         SELECT month, COUNT(DISTINCT event_id) FROM monitor_facts GROUP BY month",
    )?;
    execute(
        conn,
        // Numbered in the order of each person's first month, as the sink numbers
        // persons when they first arrive.
        "INSERT INTO monitor_persons (key, unlinkable) \
         SELECT pseudonym, pseudonym LIKE 'u:%' FROM monitor_facts \
         WHERE pseudonym IS NOT NULL GROUP BY pseudonym ORDER BY MIN(month), pseudonym",
    )?;
    match backend {
        Backend::Postgres => execute(conn, "VACUUM ANALYZE monitor_facts")?,
        Backend::Sqlite => execute(conn, "ANALYZE")?,
    };
    Ok(())
}

/// Removes every packed month, so that the next copy fills from the facts.
pub fn forget_snapshots(conn: &mut DbConn) -> Result<(), StoreError> {
    execute(conn, "DELETE FROM monitor_snapshots")?;
    Ok(())
}

/// The events counted in `monitor_months`.
pub fn events_counted(conn: &mut DbConn) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS n FROM monitor_months",
    )
}

/// The rows of `monitor_facts`.
pub fn fact_rows(conn: &mut DbConn) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM monitor_facts",
    )
}

/// One plain `GROUP BY quarter, form, sender_kind` over the facts of the synthetic
/// span, counting events and distinct persons; returns the number of groups.
pub fn plain_counts(conn: &mut DbConn) -> Result<i64, StoreError> {
    count(
        conn,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT quarter, form, sender_kind, \
             COUNT(*) AS events, COUNT(DISTINCT pseudonym) AS persons FROM monitor_facts \
             WHERE month >= '{FIRST_MONTH}' AND month <= '{LAST_MONTH}' \
             GROUP BY quarter, form, sender_kind) AS t"
        ),
    )
}

/// One plain `GROUP BY kind, sender_kind, receiver_kind` over the referrals of the
/// synthetic span (each event once), counting events and distinct persons; returns the
/// number of groups.
pub fn plain_flows(conn: &mut DbConn) -> Result<i64, StoreError> {
    count(
        conn,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT kind, sender_kind, receiver_kind, \
             COUNT(*) AS events, COUNT(DISTINCT pseudonym) AS persons FROM monitor_facts \
             WHERE month >= '{FIRST_MONTH}' AND month <= '{LAST_MONTH}' AND weight = 1 \
             AND receiver_kind IS NOT NULL GROUP BY kind, sender_kind, receiver_kind) AS t"
        ),
    )
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

/// An independent-looking number per event `i`, from a multiplicative hash.
fn h(c: u64) -> String {
    format!("(i * {c} % 1000003)")
}

/// The statement inserting one fact row for each event `i` in 1..=`n` that passes
/// `filter`, with its form picked by `form_salt` and the given `weight`. The month is
/// picked once per event in a sub-select, so its quarter and year agree.
fn insert_sql(backend: Backend, n: u64, form_salt: u64, weight: u8, filter: &str) -> String {
    let months: Vec<String> = (2017..=2026)
        .flat_map(|y| (1..=12).map(move |m| format!("{y:04}-{m:02}")))
        .collect();
    let months: Vec<&str> = months.iter().map(String::as_str).collect();
    let month = pick(&h(104729), &months);
    let series = match backend {
        Backend::Postgres => format!("generate_series(1, {n}) AS s(i)"),
        Backend::Sqlite => format!(
            "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s) AS s"
        ),
    };
    format!(
        "INSERT INTO monitor_facts ({COLUMNS}) SELECT {} FROM (SELECT i, {month} AS m FROM \
         (SELECT CAST(i AS BIGINT) AS i FROM {series}) AS ii{filter}) AS t WHERE 1 = 1",
        values(backend, n, form_salt, weight)
    )
}

/// The values of one fact row of event `i` (month `m`), in the order of [`COLUMNS`].
fn values(backend: Backend, n: u64, form_salt: u64, weight: u8) -> String {
    let persons = (n / 5).max(1);
    let kind = pick(&h(7919), &KINDS);
    let is_referral = format!("({kind}) LIKE 'referral%'");
    let is_answer =
        format!("({kind}) IN ('referral_accepted', 'referral_declined', 'referral_redirected')");
    let person_of = format!("(i * 48271 % {persons})");
    let hex = match backend {
        Backend::Postgres => format!("LPAD(TO_HEX({person_of} + 1), 32, '0')"),
        Backend::Sqlite => format!("PRINTF('%032x', {person_of} + 1)"),
    };
    let pseudonym = format!("{hex} || '{}'", "0".repeat(32));
    let agency = codes(AgencyKind::ALL, AgencyKind::as_str);
    let region = codes(Region::ALL, Region::as_str);
    format!(
        "'e' || CAST(i AS TEXT), {form}, {weight}, {kind}, m, \
         SUBSTR(m, 1, 4) || '-Q' || CAST((CAST(SUBSTR(m, 6, 2) AS INTEGER) + 2) / 3 AS TEXT), \
         SUBSTR(m, 1, 4), {sender}, {sregion}, \
         CASE WHEN {is_referral} THEN {receiver} END, CASE WHEN {is_referral} THEN {rregion} END, \
         {age}, {gender}, {nat}, CASE WHEN ({kind}) = 'signal_logged' THEN {basis} END, \
         CASE WHEN {is_answer} THEN {hours} END, \
         CASE WHEN i % 10 = 0 THEN NULL ELSE {pseudonym} END",
        form = pick(
            &h(form_salt),
            &codes(ExploitationForm::ALL, ExploitationForm::as_str)
        ),
        sender = pick(&h(15485863), &agency),
        sregion = pick(&h(32452843), &region),
        receiver = pick(&h(49979687), &agency),
        rregion = pick(&h(67867967), &region),
        // Age, gender and nationality follow the person, as they do in life.
        age = pick(
            &format!("{person_of} * 31"),
            &codes(AgeBand::ALL, AgeBand::as_str)
        ),
        gender = pick(
            &format!("{person_of} * 17"),
            &codes(Gender::ALL, Gender::as_str)
        ),
        nat = pick(
            &format!("{person_of} * 13"),
            &codes(NationalityGroup::ALL, NationalityGroup::as_str)
        ),
        basis = pick(
            &h(86028121),
            &codes(ReportingBasis::ALL, ReportingBasis::as_str)
        ),
        hours = h(3) + " % 500",
    )
}
