//! Agency profile rows: what an agency says of itself (services, eligibility, languages,
//! regions, reachability, places). Lists of codes are stored as JSON lists of text;
//! an agency without a row has said nothing yet.

use crate::schema::agency_profiles;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, AgencyProfile, Capacity, Eligibility, UserId};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A profile as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = agency_profiles, treat_none_as_null = true)]
struct ProfileRow {
    agency_id: String,
    services: String,
    age_bands: String,
    genders: String,
    nationality_groups: String,
    forms: String,
    eligibility_note: Option<String>,
    languages: String,
    regions: String,
    hours: Option<String>,
    phone: Option<String>,
    contact_public: bool,
    places_total: Option<i32>,
    places_free: Option<i32>,
    capacity_updated_at: Option<NaiveDateTime>,
    capacity_updated_by: Option<String>,
    version: i64,
    updated_at: NaiveDateTime,
    updated_by: String,
}

fn list<T: DeserializeOwned>(text: &str, id: &str, what: &str) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(text)
        .map_err(|_| StoreError::Corrupt(format!("agency profile {id}: {what}")))
}

fn json<T: Serialize>(items: &[T]) -> Result<String, StoreError> {
    serde_json::to_string(items).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl TryFrom<ProfileRow> for AgencyProfile {
    type Error = StoreError;
    fn try_from(r: ProfileRow) -> Result<Self, StoreError> {
        let id = r.agency_id.clone();
        let corrupt = |what: &str| StoreError::Corrupt(format!("agency profile {id}: {what}"));
        let capacity = match (
            r.places_total,
            r.places_free,
            r.capacity_updated_at,
            &r.capacity_updated_by,
        ) {
            (Some(total), Some(free), Some(at), Some(by)) => Some(Capacity {
                total: u32::try_from(total).map_err(|_| corrupt("places"))?,
                free: u32::try_from(free).map_err(|_| corrupt("places"))?,
                updated_at: from_db_time(at),
                updated_by: by.parse().map_err(|_| corrupt("capacity author"))?,
            }),
            (None, None, None, None) => None,
            _ => return Err(corrupt("places")),
        };
        let updated_by: UserId = r.updated_by.parse().map_err(|_| corrupt("author"))?;
        Ok(AgencyProfile {
            agency_id: r.agency_id.parse().map_err(|_| corrupt("id"))?,
            services: list(&r.services, &id, "services")?,
            eligibility: Eligibility {
                age_bands: list(&r.age_bands, &id, "age bands")?,
                genders: list(&r.genders, &id, "genders")?,
                nationality_groups: list(&r.nationality_groups, &id, "nationality groups")?,
                forms: list(&r.forms, &id, "forms")?,
                note: r.eligibility_note,
            },
            languages: list(&r.languages, &id, "languages")?,
            regions: list(&r.regions, &id, "regions")?,
            hours: r.hours,
            phone: r.phone,
            contact_public: r.contact_public,
            capacity,
            version: r.version,
            updated: Some((from_db_time(r.updated_at), updated_by)),
        })
    }
}

fn row_of(p: &AgencyProfile, now: DateTime<Utc>, by: UserId) -> Result<ProfileRow, StoreError> {
    let places = |n: u32| i32::try_from(n).map_err(|_| StoreError::Corrupt("places".into()));
    let (places_total, places_free, capacity_updated_at, capacity_updated_by) = match p.capacity {
        Some(c) => (
            Some(places(c.total)?),
            Some(places(c.free)?),
            Some(to_db_time(c.updated_at)),
            Some(c.updated_by.to_string()),
        ),
        None => (None, None, None, None),
    };
    Ok(ProfileRow {
        agency_id: p.agency_id.to_string(),
        services: json(&p.services)?,
        age_bands: json(&p.eligibility.age_bands)?,
        genders: json(&p.eligibility.genders)?,
        nationality_groups: json(&p.eligibility.nationality_groups)?,
        forms: json(&p.eligibility.forms)?,
        eligibility_note: p.eligibility.note.clone(),
        languages: json(&p.languages)?,
        regions: json(&p.regions)?,
        hours: p.hours.clone(),
        phone: p.phone.clone(),
        contact_public: p.contact_public,
        places_total,
        places_free,
        capacity_updated_at,
        capacity_updated_by,
        version: p.version + 1,
        updated_at: to_db_time(now),
        updated_by: by.to_string(),
    })
}

/// The profile of `agency`, if it keeps one.
pub fn find(conn: &mut DbConn, agency: AgencyId) -> Result<Option<AgencyProfile>, StoreError> {
    agency_profiles::table
        .find(agency.to_string())
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()?
        .map(AgencyProfile::try_from)
        .transpose()
}

/// The profiles kept by the agencies of `ids` (in no particular order).
pub fn find_many(conn: &mut DbConn, ids: &[AgencyId]) -> Result<Vec<AgencyProfile>, StoreError> {
    let ids: Vec<String> = ids.iter().map(AgencyId::to_string).collect();
    agency_profiles::table
        .filter(agency_profiles::agency_id.eq_any(ids))
        .select(ProfileRow::as_select())
        .load(conn)?
        .into_iter()
        .map(AgencyProfile::try_from)
        .collect()
}

/// Writes `profile` as the next version of the one of version `profile.version` (0: the
/// agency kept none); a profile changed meanwhile is a conflict and nothing is written.
/// Returns the profile as stored.
pub fn save(
    conn: &mut DbConn,
    profile: &AgencyProfile,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<AgencyProfile, StoreError> {
    let row = row_of(profile, now, by)?;
    let written = if profile.version == 0 {
        // A profile written meanwhile makes this a duplicate key: a conflict.
        diesel::insert_into(agency_profiles::table)
            .values(&row)
            .execute(conn)?
    } else {
        diesel::update(
            agency_profiles::table
                .filter(agency_profiles::agency_id.eq(&row.agency_id))
                .filter(agency_profiles::version.eq(profile.version)),
        )
        .set(&row)
        .execute(conn)?
    };
    if written == 0 {
        return Err(StoreError::Conflict("agency profile changed".into()));
    }
    find(conn, profile.agency_id)?.ok_or(StoreError::NotFound)
}
