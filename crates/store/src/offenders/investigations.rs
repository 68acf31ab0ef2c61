//! Investigation rows.

use crate::casework::{code, codes_from_json, codes_to_json};
use crate::schema::investigations as inv;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, ExploitationForm, InvestigationId, Region, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inv)]
struct Row {
    id: String,
    agency_id: String,
    reference: String,
    region: String,
    exploitation_forms: String,
    started_on: NaiveDate,
    opened_by: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// An investigation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Investigation {
    pub id: InvestigationId,
    /// The investigating agency.
    pub agency_id: AgencyId,
    /// The ciphertext of the agency's own reference.
    pub reference: String,
    pub region: Region,
    pub exploitation_forms: Vec<ExploitationForm>,
    pub started_on: NaiveDate,
    pub opened_by: UserId,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for Investigation {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Investigation {
            id: code(&r.id, "investigation id")?,
            agency_id: code(&r.agency_id, "investigation agency")?,
            reference: r.reference,
            region: code(&r.region, "investigation region")?,
            exploitation_forms: codes_from_json(&r.exploitation_forms, "investigation forms")?,
            started_on: r.started_on,
            opened_by: code(&r.opened_by, "investigation opened by")?,
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// Stores a new investigation (version 1).
pub fn insert(conn: &mut DbConn, i: &Investigation) -> Result<(), StoreError> {
    let row = Row {
        id: i.id.to_string(),
        agency_id: i.agency_id.to_string(),
        reference: i.reference.clone(),
        region: i.region.as_str().to_owned(),
        exploitation_forms: codes_to_json(&i.exploitation_forms),
        started_on: i.started_on,
        opened_by: i.opened_by.to_string(),
        version: 1,
        created_at: to_db_time(i.created_at),
        updated_at: to_db_time(i.updated_at),
    };
    diesel::insert_into(inv::table).values(&row).execute(conn)?;
    Ok(())
}

/// One investigation.
pub fn find(conn: &mut DbConn, id: InvestigationId) -> Result<Investigation, StoreError> {
    inv::table
        .find(id.to_string())
        .select(Row::as_select())
        .first::<Row>(conn)?
        .try_into()
}

/// The investigations of `agency`, newest first.
pub fn of_agency(conn: &mut DbConn, agency: AgencyId) -> Result<Vec<Investigation>, StoreError> {
    inv::table
        .filter(inv::agency_id.eq(agency.to_string()))
        .order((inv::created_at.desc(), inv::id.desc()))
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Investigation::try_from)
        .collect()
}

/// Raises the version of an investigation from `version` (a suspect added or linked);
/// `false` when another change came first.
pub fn bump(
    conn: &mut DbConn,
    id: InvestigationId,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        inv::table
            .find(id.to_string())
            .filter(inv::version.eq(version)),
    )
    .set((
        inv::version.eq(version + 1),
        inv::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
