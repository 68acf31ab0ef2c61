//! Case references: the next number of an agency's cases in a year, counted in
//! `case_reference_counters` inside the transaction that opens the case, and finding
//! an agency's case by its reference.

use super::cases::{Case, CaseRow};
use crate::schema::cases;
use crate::{DbConn, StoreError};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use schakel_domain::AgencyId;

#[derive(QueryableByName)]
struct Last {
    #[diesel(sql_type = BigInt)]
    last: i64,
}

/// Counts one more case of `agency` opened in `year` and returns its number (1 for the
/// first). The counter's row stays locked until the transaction ends, so two cases
/// opened at once get different numbers. Why backend-specific: raw SQL needs the
/// concrete connection and its placeholders; the upsert is the same on both.
pub fn next_number(conn: &mut DbConn, agency: AgencyId, year: i32) -> Result<i64, StoreError> {
    const UPSERT: &str = "INSERT INTO case_reference_counters (agency_id, year, last) \
         VALUES (#1, #2, 1) ON CONFLICT (agency_id, year) \
         DO UPDATE SET last = case_reference_counters.last + 1 RETURNING last";
    let agency = agency.to_string();
    let row: Last = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(UPSERT.replace("#1", "?").replace("#2", "?"))
            .bind::<Text, _>(&agency)
            .bind::<Integer, _>(year)
            .get_result(c)?,
        DbConn::Postgres(c) => diesel::sql_query(UPSERT.replace("#1", "$1").replace("#2", "$2"))
            .bind::<Text, _>(&agency)
            .bind::<Integer, _>(year)
            .get_result(c)?,
    };
    Ok(row.last)
}

/// One case of `agency` by its reference.
pub fn find_case(conn: &mut DbConn, agency: AgencyId, reference: &str) -> Result<Case, StoreError> {
    cases::table
        .filter(cases::agency_id.eq(agency.to_string()))
        .filter(cases::reference.eq(reference))
        .select(CaseRow::as_select())
        .first(conn)?
        .try_into()
}
