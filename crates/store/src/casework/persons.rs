//! Person rows: encrypted identity, coarse attributes, blind indexes (the exact family
//! name and date of birth, and the weaker "similar" index of the sound of the family name
//! with the birth year) and pseudonym.

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
    similar_index: Option<String>,
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
    /// The blind index of the sound of the family name with the birth year; `None`
    /// without both, once erased, or (for a person stored before it existed) until the
    /// backfill at start-up reaches it.
    pub similar_index: Option<String>,
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
            similar_index: r.similar_index,
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

/// Inserts a person without a similar index (a receiver's copy; the backfill fills it).
pub fn insert(
    conn: &mut DbConn,
    new: &NewPerson<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    insert_indexed(conn, new, None, now)
}

/// Inserts a person with its similar index (see [`Person::similar_index`]).
pub fn insert_indexed(
    conn: &mut DbConn,
    new: &NewPerson<'_>,
    similar_index: Option<&str>,
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
            persons::similar_index.eq(similar_index),
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

/// How many person records carry `pseudonym` (at any agency).
pub fn count_with_pseudonym(conn: &mut DbConn, pseudonym: &str) -> Result<i64, StoreError> {
    Ok(persons::table
        .filter(persons::pseudonym.eq(pseudonym))
        .count()
        .get_result(conn)?)
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
            persons::similar_index.eq(None::<String>),
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
    pub similar_index: Option<&'a str>,
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
            persons::similar_index.eq(changes.similar_index),
            persons::pseudonym.eq(changes.pseudonym),
            persons::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Persons with an identity (not erased) but no similar index, in id order after
/// `after`: what the backfill of the similar index reads, a page at a time. A person
/// whose identity gives no similar index (no family name or no date of birth) stays in
/// this list; the cursor moves past it.
pub fn without_similar_index(
    conn: &mut DbConn,
    after: Option<PersonId>,
    limit: i64,
) -> Result<Vec<Person>, StoreError> {
    let mut q = persons::table
        .filter(persons::identity.is_not_null())
        .filter(persons::erased_at.is_null())
        .filter(persons::similar_index.is_null())
        .select(PersonRow::as_select())
        .order(persons::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(persons::id.gt(after.to_string()));
    }
    q.load(conn)?.into_iter().map(Person::try_from).collect()
}

/// Sets the similar index of a person whose identity is still the ciphertext
/// `identity` it was made from and who has none yet; `false` when the person changed
/// meanwhile (corrected, erased, re-encrypted: the next run sees it again).
pub fn fill_similar_index(
    conn: &mut DbConn,
    id: PersonId,
    identity: &str,
    similar_index: &str,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        persons::table
            .find(id.to_string())
            .filter(persons::identity.eq(identity))
            .filter(persons::similar_index.is_null()),
    )
    .set(persons::similar_index.eq(similar_index))
    .execute(conn)?;
    Ok(n == 1)
}
