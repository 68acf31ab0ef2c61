//! Agency rows and their queries.

use crate::schema::agencies;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, AgencyKind, Region};

/// An agency as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub contact_email: String,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An agency as the rest of the platform sees it: codes parsed into domain types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub id: AgencyId,
    pub name: String,
    pub kind: AgencyKind,
    pub region: Region,
    pub contact_email: String,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<AgencyRow> for Agency {
    type Error = StoreError;
    fn try_from(r: AgencyRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("agency {}: {what}", r.id));
        Ok(Agency {
            id: r.id.parse().map_err(|_| corrupt("id"))?,
            kind: r.kind.parse().map_err(|_| corrupt("kind"))?,
            region: r.region.parse().map_err(|_| corrupt("region"))?,
            name: r.name,
            contact_email: r.contact_email,
            active: r.active,
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// A new agency.
#[derive(Debug, Clone)]
pub struct NewAgency<'a> {
    pub name: &'a str,
    pub kind: AgencyKind,
    pub region: Region,
    pub contact_email: &'a str,
}

/// Inserts an agency; a duplicate name is `Conflict`.
pub fn insert(
    conn: &mut DbConn,
    new: &NewAgency<'_>,
    now: DateTime<Utc>,
) -> Result<Agency, StoreError> {
    let id = AgencyId::new_random();
    let now = to_db_time(now);
    diesel::insert_into(agencies::table)
        .values((
            agencies::id.eq(id.to_string()),
            agencies::name.eq(new.name),
            agencies::kind.eq(new.kind.as_str()),
            agencies::region.eq(new.region.as_str()),
            agencies::contact_email.eq(new.contact_email),
            agencies::active.eq(true),
            agencies::version.eq(1_i64),
            agencies::created_at.eq(now),
            agencies::updated_at.eq(now),
        ))
        .execute(conn)?;
    find(conn, id)
}

/// One agency by id.
pub fn find(conn: &mut DbConn, id: AgencyId) -> Result<Agency, StoreError> {
    agencies::table
        .find(id.to_string())
        .select(AgencyRow::as_select())
        .first(conn)?
        .try_into()
}

/// The agencies of `ids` that exist, in one query (in no particular order).
pub fn find_many(conn: &mut DbConn, ids: &[AgencyId]) -> Result<Vec<Agency>, StoreError> {
    let ids: Vec<String> = ids.iter().map(AgencyId::to_string).collect();
    agencies::table
        .filter(agencies::id.eq_any(ids))
        .select(AgencyRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Agency::try_from)
        .collect()
}

/// One agency by its (unique) name.
pub fn find_by_name(conn: &mut DbConn, name: &str) -> Result<Option<Agency>, StoreError> {
    agencies::table
        .filter(agencies::name.eq(name))
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()?
        .map(Agency::try_from)
        .transpose()
}

/// Active agencies, optionally of one kind and region, ordered by name.
pub fn list_active(
    conn: &mut DbConn,
    kind: Option<AgencyKind>,
    region: Option<Region>,
) -> Result<Vec<Agency>, StoreError> {
    let mut query = agencies::table
        .filter(agencies::active.eq(true))
        .select(AgencyRow::as_select())
        .order(agencies::name.asc())
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(agencies::kind.eq(kind.as_str()));
    }
    if let Some(region) = region {
        query = query.filter(agencies::region.eq(region.as_str()));
    }
    query
        .load(conn)?
        .into_iter()
        .map(Agency::try_from)
        .collect()
}

/// How many agencies there are, active or not.
pub fn count(conn: &mut DbConn) -> Result<i64, StoreError> {
    Ok(agencies::table.count().get_result(conn)?)
}

/// Every agency, active or not, ordered by name (the admin's view).
pub fn list_all(conn: &mut DbConn) -> Result<Vec<Agency>, StoreError> {
    agencies::table
        .select(AgencyRow::as_select())
        .order(agencies::name.asc())
        .load(conn)?
        .into_iter()
        .map(Agency::try_from)
        .collect()
}

/// Changes to an agency's descriptive fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AgencyChanges<'a> {
    pub name: Option<&'a str>,
    pub kind: Option<AgencyKind>,
    pub region: Option<Region>,
    pub contact_email: Option<&'a str>,
}

#[derive(AsChangeset)]
#[diesel(table_name = agencies)]
struct ChangesRow<'a> {
    name: Option<&'a str>,
    kind: Option<&'static str>,
    region: Option<&'static str>,
    contact_email: Option<&'a str>,
}

/// Applies `changes` if the agency is still at `version`, and moves it to the next
/// version. Returns whether it was (`false`: changed meanwhile, or no such agency). A
/// duplicate name is `Conflict`.
pub fn update(
    conn: &mut DbConn,
    id: AgencyId,
    version: i64,
    changes: &AgencyChanges<'_>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let row = ChangesRow {
        name: changes.name,
        kind: changes.kind.map(AgencyKind::as_str),
        region: changes.region.map(Region::as_str),
        contact_email: changes.contact_email,
    };
    // Conditional on the version: of two concurrent updates from the same read, one wins.
    let n = diesel::update(
        agencies::table
            .find(id.to_string())
            .filter(agencies::version.eq(version)),
    )
    .set((
        row,
        agencies::version.eq(agencies::version + 1),
        agencies::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Activates or deactivates an agency, moving it to the next version.
pub fn set_active(
    conn: &mut DbConn,
    id: AgencyId,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = diesel::update(agencies::table.find(id.to_string()))
        .set((
            agencies::active.eq(active),
            agencies::version.eq(agencies::version + 1),
            agencies::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// One agency, locked until the transaction ends, so a decision that depends on it
/// being active (inviting or reactivating its accounts, deactivating it) cannot cross a
/// concurrent change of that. Call inside a write transaction.
pub fn find_for_update(conn: &mut DbConn, id: AgencyId) -> Result<Agency, StoreError> {
    // One query text; the select's backend is fixed per arm, so it is built in each.
    macro_rules! by_id {
        () => {
            agencies::table
                .find(id.to_string())
                .select(AgencyRow::as_select())
        };
    }
    let row: AgencyRow = match conn {
        // PostgreSQL runs writers side by side: a concurrent locker waits for this commit
        // and then reads the agency as this transaction left it.
        DbConn::Postgres(c) => by_id!().for_update().first(c)?,
        // SQLite's write transactions (`BEGIN IMMEDIATE`) already run one at a time.
        DbConn::Sqlite(c) => by_id!().first(c)?,
    };
    row.try_into()
}
