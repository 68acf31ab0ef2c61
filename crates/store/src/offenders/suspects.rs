//! Suspect rows and the links from a suspect to victims' cases and signals.

use crate::casework::code;
use crate::schema::{cases, persons, signals, suspect_victims as sv, suspects as s};
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{
    BirthCountryGroup, CaseId, Gender, InvestigationId, SignalId, SuspectId, SuspectRole, UserId,
    VictimLinkId,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = s)]
struct Row {
    id: String,
    investigation_id: String,
    identity: String,
    gender: String,
    birth_country_group: String,
    role: String,
    suspect_key: String,
    registered_on: NaiveDate,
    registered_by: String,
    created_at: NaiveDateTime,
}

/// A suspect as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    pub id: SuspectId,
    pub investigation_id: InvestigationId,
    /// The ciphertext of the identity document (the compartment's keys).
    pub identity: String,
    pub gender: Gender,
    pub birth_country_group: BirthCountryGroup,
    pub role: SuspectRole,
    /// The suspect's pseudonym under the compartment's linkage key, or the key of an
    /// unlinkable record.
    pub suspect_key: String,
    pub registered_on: NaiveDate,
    pub registered_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<Row> for Suspect {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Suspect {
            id: code(&r.id, "suspect id")?,
            investigation_id: code(&r.investigation_id, "suspect investigation")?,
            identity: r.identity,
            gender: code(&r.gender, "suspect gender")?,
            birth_country_group: code(&r.birth_country_group, "suspect birth country")?,
            role: code(&r.role, "suspect role")?,
            suspect_key: r.suspect_key,
            registered_on: r.registered_on,
            registered_by: code(&r.registered_by, "suspect registered by")?,
            created_at: from_db_time(r.created_at),
        })
    }
}

/// Stores a new suspect.
pub fn insert(conn: &mut DbConn, x: &Suspect) -> Result<(), StoreError> {
    let row = Row {
        id: x.id.to_string(),
        investigation_id: x.investigation_id.to_string(),
        identity: x.identity.clone(),
        gender: x.gender.as_str().to_owned(),
        birth_country_group: x.birth_country_group.as_str().to_owned(),
        role: x.role.as_str().to_owned(),
        suspect_key: x.suspect_key.clone(),
        registered_on: x.registered_on,
        registered_by: x.registered_by.to_string(),
        created_at: to_db_time(x.created_at),
    };
    diesel::insert_into(s::table).values(&row).execute(conn)?;
    Ok(())
}

/// One suspect.
pub fn find(conn: &mut DbConn, id: SuspectId) -> Result<Suspect, StoreError> {
    s::table
        .find(id.to_string())
        .select(Row::as_select())
        .first::<Row>(conn)?
        .try_into()
}

/// The suspects of an investigation, in the order they were registered.
pub fn of_investigation(
    conn: &mut DbConn,
    id: InvestigationId,
) -> Result<Vec<Suspect>, StoreError> {
    s::table
        .filter(s::investigation_id.eq(id.to_string()))
        .order((s::created_at.asc(), s::id.asc()))
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(Suspect::try_from)
        .collect()
}

/// What a link points at: a victim's case or a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VictimRef {
    Case(CaseId),
    Signal(SignalId),
}

/// A link from a suspect to a victim's case or signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VictimLink {
    pub id: VictimLinkId,
    pub suspect_id: SuspectId,
    pub victim: VictimRef,
    pub linked_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sv)]
struct LinkRow {
    id: String,
    suspect_id: String,
    case_id: Option<String>,
    signal_id: Option<String>,
    linked_by: String,
    created_at: NaiveDateTime,
}

impl TryFrom<LinkRow> for VictimLink {
    type Error = StoreError;
    fn try_from(r: LinkRow) -> Result<Self, StoreError> {
        let victim = match (r.case_id, r.signal_id) {
            (Some(c), None) => VictimRef::Case(code(&c, "link case")?),
            (None, Some(sg)) => VictimRef::Signal(code(&sg, "link signal")?),
            _ => return Err(StoreError::Corrupt("a victim link of neither kind".into())),
        };
        Ok(VictimLink {
            id: code(&r.id, "link id")?,
            suspect_id: code(&r.suspect_id, "link suspect")?,
            victim,
            linked_by: code(&r.linked_by, "link by")?,
            created_at: from_db_time(r.created_at),
        })
    }
}

/// Stores a link; `false` when the suspect is already linked to that case or signal.
pub fn link(conn: &mut DbConn, l: &VictimLink) -> Result<bool, StoreError> {
    let (case_id, signal_id) = match l.victim {
        VictimRef::Case(c) => (Some(c.to_string()), None),
        VictimRef::Signal(sg) => (None, Some(sg.to_string())),
    };
    let exists = sv::table
        .filter(sv::suspect_id.eq(l.suspect_id.to_string()))
        .filter(
            sv::case_id
                .eq(case_id.clone())
                .or(sv::signal_id.eq(signal_id.clone())),
        )
        .count()
        .get_result::<i64>(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    let row = LinkRow {
        id: l.id.to_string(),
        suspect_id: l.suspect_id.to_string(),
        case_id,
        signal_id,
        linked_by: l.linked_by.to_string(),
        created_at: to_db_time(l.created_at),
    };
    diesel::insert_into(sv::table).values(&row).execute(conn)?;
    Ok(true)
}

/// Removes a link of a suspect; `false` when there was none.
pub fn unlink(
    conn: &mut DbConn,
    suspect: SuspectId,
    link: VictimLinkId,
) -> Result<bool, StoreError> {
    let n = diesel::delete(
        sv::table
            .find(link.to_string())
            .filter(sv::suspect_id.eq(suspect.to_string())),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// The links of a suspect, oldest first.
pub fn links_of(conn: &mut DbConn, suspect: SuspectId) -> Result<Vec<VictimLink>, StoreError> {
    sv::table
        .filter(sv::suspect_id.eq(suspect.to_string()))
        .order((sv::created_at.asc(), sv::id.asc()))
        .select(LinkRow::as_select())
        .load::<LinkRow>(conn)?
        .into_iter()
        .map(VictimLink::try_from)
        .collect()
}

/// The key the monitor counts the victim of a link under (the person's pseudonym or
/// unlinkable key); `None` for a signal without a person or a person whose key is gone.
pub fn victim_key(conn: &mut DbConn, victim: VictimRef) -> Result<Option<String>, StoreError> {
    let key: Option<Option<String>> = match victim {
        VictimRef::Case(c) => cases::table
            .inner_join(persons::table.on(cases::person_id.eq(persons::id)))
            .filter(cases::id.eq(c.to_string()))
            .select(persons::pseudonym)
            .first(conn)
            .optional()?,
        VictimRef::Signal(sg) => signals::table
            .inner_join(persons::table.on(signals::person_id.eq(persons::id.nullable())))
            .filter(signals::id.eq(sg.to_string()))
            .select(persons::pseudonym)
            .first(conn)
            .optional()?,
    };
    Ok(key.flatten())
}

/// One link of a suspect.
pub fn find_link(
    conn: &mut DbConn,
    suspect: SuspectId,
    link: VictimLinkId,
) -> Result<VictimLink, StoreError> {
    sv::table
        .find(link.to_string())
        .filter(sv::suspect_id.eq(suspect.to_string()))
        .select(LinkRow::as_select())
        .first::<LinkRow>(conn)?
        .try_into()
}
