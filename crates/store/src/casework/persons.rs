//! Person rows: encrypted identity, coarse attributes, blind indexes and pseudonym.

use super::code;
use crate::schema::persons;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, Gender, NationalityGroup, PersonId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = persons)]
pub(crate) struct PersonRow {
    id: String,
    agency_id: String,
    identity: Option<String>,
    gender: String,
    nationality_group: String,
    family_name_index: Option<String>,
    birth_date_index: Option<String>,
    pseudonym: Option<String>,
    erased_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub agency_id: AgencyId,
    /// The ciphertext of the identity document; `None` once erased.
    pub identity: Option<String>,
    pub gender: Gender,
    pub nationality_group: NationalityGroup,
    pub family_name_index: Option<String>,
    pub birth_date_index: Option<String>,
    pub pseudonym: Option<String>,
    pub erased_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;
    fn try_from(r: PersonRow) -> Result<Self, StoreError> {
        Ok(Person {
            id: code(&r.id, "person id")?,
            agency_id: code(&r.agency_id, "person agency")?,
            identity: r.identity,
            gender: code(&r.gender, "person gender")?,
            nationality_group: code(&r.nationality_group, "person nationality group")?,
            family_name_index: r.family_name_index,
            birth_date_index: r.birth_date_index,
            pseudonym: r.pseudonym,
            erased_at: r.erased_at.map(from_db_time),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        })
    }
}

/// A new person; the id is chosen by the caller (it is part of the ciphertext's
/// associated data).
#[derive(Debug, Clone)]
pub struct NewPerson<'a> {
    pub id: PersonId,
    pub agency_id: AgencyId,
    pub identity: &'a str,
    pub gender: Gender,
    pub nationality_group: NationalityGroup,
    pub family_name_index: Option<&'a str>,
    pub birth_date_index: Option<&'a str>,
    pub pseudonym: Option<&'a str>,
}

/// Inserts a person.
pub fn insert(
    conn: &mut DbConn,
    new: &NewPerson<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = to_db_time(now);
    diesel::insert_into(persons::table)
        .values((
            persons::id.eq(new.id.to_string()),
            persons::agency_id.eq(new.agency_id.to_string()),
            persons::identity.eq(new.identity),
            persons::gender.eq(new.gender.as_str()),
            persons::nationality_group.eq(new.nationality_group.as_str()),
            persons::family_name_index.eq(new.family_name_index),
            persons::birth_date_index.eq(new.birth_date_index),
            persons::pseudonym.eq(new.pseudonym),
            persons::created_at.eq(now),
            persons::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// One person by id.
pub fn find(conn: &mut DbConn, id: PersonId) -> Result<Person, StoreError> {
    persons::table
        .find(id.to_string())
        .select(PersonRow::as_select())
        .first(conn)?
        .try_into()
}

/// The pseudonym of each person of `ids` that exists (`None` for one without), in one
/// query.
pub fn pseudonyms(
    conn: &mut DbConn,
    ids: &[PersonId],
) -> Result<Vec<(PersonId, Option<String>)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    persons::table
        .filter(persons::id.eq_any(keys))
        .select((persons::id, persons::pseudonym))
        .load::<(String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, p)| Ok((code(&id, "person id")?, p)))
        .collect()
}

/// Erases a person's identity, blind indexes and pseudonym; the monitor's events keep
/// their own copy of the pseudonym.
pub fn erase(conn: &mut DbConn, id: PersonId, now: DateTime<Utc>) -> Result<(), StoreError> {
    let now = to_db_time(now);
    diesel::update(persons::table.find(id.to_string()))
        .set((
            persons::identity.eq(None::<String>),
            persons::family_name_index.eq(None::<String>),
            persons::birth_date_index.eq(None::<String>),
            persons::pseudonym.eq(None::<String>),
            persons::erased_at.eq(Some(now)),
            persons::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a correction of a person sets: the identity and everything made from it.
#[derive(Debug, Clone)]
pub struct PersonChanges<'a> {
    pub identity: &'a str,
    pub gender: Gender,
    pub nationality_group: NationalityGroup,
    pub family_name_index: Option<&'a str>,
    pub birth_date_index: Option<&'a str>,
    pub pseudonym: Option<&'a str>,
}

/// Corrects a person's identity, gender and the values made from them.
pub fn correct(
    conn: &mut DbConn,
    id: PersonId,
    changes: &PersonChanges<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(persons::table.find(id.to_string()))
        .set((
            persons::identity.eq(Some(changes.identity)),
            persons::gender.eq(changes.gender.as_str()),
            persons::nationality_group.eq(changes.nationality_group.as_str()),
            persons::family_name_index.eq(changes.family_name_index),
            persons::birth_date_index.eq(changes.birth_date_index),
            persons::pseudonym.eq(changes.pseudonym),
            persons::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}
