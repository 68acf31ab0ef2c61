//! The aggregate queries over `monitor_facts` behind the monitor's tables made by SQL:
//! cells of one grouping, the distinct persons and unlinkable records among them, the
//! answered referrals with their time to answer, and who recorded whom in a year.
//!
//! Contract of every function here that takes SQL text (`keys`, `where_`, `value`): the
//! caller builds it only from fixed column expressions and values it checked before
//! (months parsed as `YYYY-MM`, event kinds from their code list), never from request
//! text, because it becomes part of the statement as it is.

use crate::{DbConn, StoreError};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use schakel_domain::pseudonym::UNLINKABLE_PREFIX;

/// One cell of a grouping: up to three keys (`all` where fewer are grouped by), the
/// distinct persons in it and its value.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct GroupedRow {
    #[diesel(sql_type = Text)]
    pub k1: String,
    #[diesel(sql_type = Text)]
    pub k2: String,
    #[diesel(sql_type = Text)]
    pub k3: String,
    /// Distinct pseudonyms (anonymous events have none).
    #[diesel(sql_type = BigInt)]
    pub persons: i64,
    #[diesel(sql_type = BigInt)]
    pub value: i64,
}

/// The distinct persons of some facts and how many of them are unlinkable records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct PersonShareRow {
    /// Distinct persons, unlinkable records included.
    #[diesel(sql_type = BigInt)]
    pub persons: i64,
    /// Of them, unlinkable records (keys starting with `UNLINKABLE_PREFIX`).
    #[diesel(sql_type = BigInt)]
    pub unlinkable: i64,
}

/// One answered referral: who sent it, who answered, in how many hours, about whom.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct AnswerRow {
    #[diesel(sql_type = Text)]
    pub sender_kind: String,
    #[diesel(sql_type = Text)]
    pub receiver_kind: String,
    #[diesel(sql_type = BigInt)]
    pub hours: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub pseudonym: Option<String>,
}

/// A person recorded by an agency kind (a capture, in multiple systems estimation).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct CaptureRow {
    /// The pseudonym or unlinkable record's key.
    #[diesel(sql_type = Text)]
    pub pseudonym: String,
    #[diesel(sql_type = Text)]
    pub agency_kind: String,
}

/// Runs a raw query on either backend.
fn load<T>(conn: &mut DbConn, sql: &str) -> Result<Vec<T>, StoreError>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    // Why backend-specific: raw SQL needs the concrete connection.
    Ok(match conn {
        DbConn::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        DbConn::Postgres(c) => diesel::sql_query(sql).load(c)?,
    })
}

/// The cells of one grouping of the facts `where_` selects: `keys` are the SQL
/// expressions grouped by (at most three; the others are `all`), `value` the SQL
/// expression of each cell's value (an aggregate such as `COUNT(*)`).
///
/// `keys`, `where_` and `value` are SQL text: see the module's contract (fixed column
/// expressions and checked values only, never request text).
pub fn grouped(
    conn: &mut DbConn,
    keys: &[&str],
    where_: &str,
    value: &str,
) -> Result<Vec<GroupedRow>, StoreError> {
    let mut select = Vec::with_capacity(3);
    for i in 0..3 {
        let k = keys.get(i).copied().unwrap_or("'all'");
        select.push(format!("CAST({k} AS TEXT) AS k{}", i + 1));
    }
    let group = if keys.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", keys.join(", "))
    };
    let sql = format!(
        "SELECT {}, CAST(COUNT(DISTINCT pseudonym) AS BIGINT) AS persons, \
         CAST({value} AS BIGINT) AS value FROM monitor_facts WHERE {where_}{group}",
        select.join(", ")
    );
    load(conn, &sql)
}

/// The distinct persons of the facts `where_` selects and how many of them are
/// unlinkable records.
///
/// `where_` is SQL text: see the module's contract (fixed column expressions and
/// checked values only, never request text).
pub fn person_share(conn: &mut DbConn, where_: &str) -> Result<PersonShareRow, StoreError> {
    let sql = format!(
        "SELECT CAST(COUNT(DISTINCT pseudonym) AS BIGINT) AS persons, \
         CAST(COUNT(DISTINCT CASE WHEN pseudonym LIKE '{UNLINKABLE_PREFIX}%' THEN pseudonym END) \
         AS BIGINT) AS unlinkable FROM monitor_facts WHERE {where_}"
    );
    let rows: Vec<PersonShareRow> = load(conn, &sql)?;
    Ok(rows.first().copied().unwrap_or(PersonShareRow {
        persons: 0,
        unlinkable: 0,
    }))
}

/// The answered referrals among the facts `where_` selects: each event once (weight 1),
/// with a receiving agency and a time to answer.
///
/// `where_` is SQL text: see the module's contract (fixed column expressions and
/// checked values only, never request text).
pub fn answers(conn: &mut DbConn, where_: &str) -> Result<Vec<AnswerRow>, StoreError> {
    let sql = format!(
        "SELECT sender_kind, receiver_kind, CAST(hours_to_answer AS BIGINT) AS hours, pseudonym \
         FROM monitor_facts WHERE ({where_}) AND weight = 1 AND hours_to_answer IS NOT NULL \
         AND receiver_kind IS NOT NULL"
    );
    load(conn, &sql)
}

/// Who recorded whom in `year`: each distinct person with each agency kind that logged
/// a signal about them, opened a case for them or accepted a referral of them. Anonymous
/// events (no pseudonym) are left out; unlinkable records are not.
pub fn captures(conn: &mut DbConn, year: u16) -> Result<Vec<CaptureRow>, StoreError> {
    // The year is a number, so its text may stand in the statement.
    let year = format!("{year:04}");
    let sql = format!(
        "SELECT DISTINCT pseudonym, sender_kind AS agency_kind FROM monitor_facts \
         WHERE year = '{year}' AND pseudonym IS NOT NULL AND kind IN ('signal_logged', 'case_opened') \
         UNION SELECT DISTINCT pseudonym, receiver_kind AS agency_kind FROM monitor_facts \
         WHERE year = '{year}' AND pseudonym IS NOT NULL AND kind = 'referral_accepted' \
         AND receiver_kind IS NOT NULL"
    );
    load(conn, &sql)
}
