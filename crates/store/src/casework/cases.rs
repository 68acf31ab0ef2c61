//! Case rows.

use super::{code, codes_from_json, codes_to_json, opt_code};
use crate::schema::{cases, persons, referrals};
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{
    AgencyId, CaseId, CaseStatus, CloseReason, ExploitationForm, PersonId, ReferralId, Region,
    RestrictionGround, SignalId, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub(crate) struct CaseRow {
    id: String,
    agency_id: String,
    person_id: String,
    signal_id: Option<String>,
    opened_by: String,
    status: String,
    region: String,
    exploitation_forms: String,
    notes: Option<String>,
    close_reason: Option<String>,
    close_note: Option<String>,
    closed_at: Option<NaiveDateTime>,
    legal_basis_used: bool,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    erased_at: Option<NaiveDateTime>,
    reference: Option<String>,
    assigned_to: Option<String>,
    origin_referral_id: Option<String>,
    restricted_at: Option<NaiveDateTime>,
    restricted_by: Option<String>,
    restriction_ground: Option<String>,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: CaseId,
    pub agency_id: AgencyId,
    pub person_id: PersonId,
    pub signal_id: Option<SignalId>,
    pub opened_by: UserId,
    pub status: CaseStatus,
    pub region: Region,
    pub exploitation_forms: Vec<ExploitationForm>,
    /// The ciphertext of the case notes.
    pub notes: Option<String>,
    pub close_reason: Option<CloseReason>,
    /// The ciphertext of the closing note.
    pub close_note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub legal_basis_used: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub erased_at: Option<DateTime<Utc>>,
    /// The human-readable reference, `YYYY-NNNNNN`, unique within the agency.
    pub reference: String,
    /// The worker of the agency responsible for it.
    pub assigned_to: Option<UserId>,
    /// The referral this agency's case was opened from, when it received the person.
    pub origin_referral_id: Option<ReferralId>,
    /// The restriction the person asked for, while it holds.
    pub restriction: Option<Restriction>,
}

impl TryFrom<CaseRow> for Case {
    type Error = StoreError;
    fn try_from(r: CaseRow) -> Result<Self, StoreError> {
        Ok(Case {
            id: code(&r.id, "case id")?,
            agency_id: code(&r.agency_id, "case agency")?,
            person_id: code(&r.person_id, "case person")?,
            signal_id: opt_code(r.signal_id.as_deref(), "case signal")?,
            opened_by: code(&r.opened_by, "case opener")?,
            status: code(&r.status, "case status")?,
            region: code(&r.region, "case region")?,
            exploitation_forms: codes_from_json(&r.exploitation_forms, "case forms")?,
            notes: r.notes,
            close_reason: opt_code(r.close_reason.as_deref(), "case close reason")?,
            close_note: r.close_note,
            closed_at: r.closed_at.map(from_db_time),
            legal_basis_used: r.legal_basis_used,
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            erased_at: r.erased_at.map(from_db_time),
            reference: r.reference.unwrap_or_default(),
            assigned_to: opt_code(r.assigned_to.as_deref(), "case assignee")?,
            origin_referral_id: opt_code(r.origin_referral_id.as_deref(), "case origin")?,
            restriction: match (r.restricted_at, r.restriction_ground) {
                (Some(at), Some(ground)) => Some(Restriction {
                    at: from_db_time(at),
                    by: opt_code(r.restricted_by.as_deref(), "case restricted by")?,
                    ground: code(&ground, "case restriction ground")?,
                }),
                _ => None,
            },
        })
    }
}

/// A restriction of the case's processing, as the person asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    /// Since when.
    pub at: DateTime<Utc>,
    /// The coordinator who recorded it (none once that account is gone).
    pub by: Option<UserId>,
    /// On which ground.
    pub ground: RestrictionGround,
}

/// A new case; the id is chosen by the caller (it is part of the ciphertext's
/// associated data).
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub id: CaseId,
    pub agency_id: AgencyId,
    pub person_id: PersonId,
    pub signal_id: Option<SignalId>,
    pub opened_by: UserId,
    pub region: Region,
    pub exploitation_forms: &'a [ExploitationForm],
    pub notes: Option<&'a str>,
    /// From `references::next_number`.
    pub reference: &'a str,
    /// The referral it is opened from, for a receiving agency's own case.
    pub origin_referral_id: Option<ReferralId>,
}

/// Inserts an open case at version 1; a second case from one signal is `Conflict`.
pub fn insert(conn: &mut DbConn, new: &NewCase<'_>, now: DateTime<Utc>) -> Result<(), StoreError> {
    let now = to_db_time(now);
    diesel::insert_into(cases::table)
        .values((
            cases::id.eq(new.id.to_string()),
            cases::agency_id.eq(new.agency_id.to_string()),
            cases::person_id.eq(new.person_id.to_string()),
            cases::signal_id.eq(new.signal_id.map(|s| s.to_string())),
            cases::opened_by.eq(new.opened_by.to_string()),
            cases::status.eq(CaseStatus::Open.as_str()),
            cases::region.eq(new.region.as_str()),
            cases::exploitation_forms.eq(codes_to_json(new.exploitation_forms)),
            cases::notes.eq(new.notes),
            cases::reference.eq(Some(new.reference)),
            cases::origin_referral_id.eq(new.origin_referral_id.map(|r| r.to_string())),
            cases::legal_basis_used.eq(false),
            cases::version.eq(1_i64),
            cases::created_at.eq(now),
            cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The case opened from `referral` by its receiving agency, if any.
pub fn of_origin(conn: &mut DbConn, referral: ReferralId) -> Result<Option<Case>, StoreError> {
    cases::table
        .filter(cases::origin_referral_id.eq(referral.to_string()))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?
        .map(Case::try_from)
        .transpose()
}

/// The cases of a person, oldest first (a person is recorded once per case; a receiving
/// agency's own case opened from a referral has its own person).
pub fn of_person(conn: &mut DbConn, person: PersonId) -> Result<Vec<Case>, StoreError> {
    cases::table
        .filter(cases::person_id.eq(person.to_string()))
        .select(CaseRow::as_select())
        .order((cases::created_at.asc(), cases::id.asc()))
        .load(conn)?
        .into_iter()
        .map(Case::try_from)
        .collect()
}

/// One case by id.
pub fn find(conn: &mut DbConn, id: CaseId) -> Result<Case, StoreError> {
    cases::table
        .find(id.to_string())
        .select(CaseRow::as_select())
        .first(conn)?
        .try_into()
}

/// One case with its person, in one query.
pub fn find_with_person(
    conn: &mut DbConn,
    id: CaseId,
) -> Result<(Case, super::persons::Person), StoreError> {
    let (c, p): (CaseRow, super::persons::PersonRow) = cases::table
        .inner_join(persons::table)
        .filter(cases::id.eq(id.to_string()))
        .select((CaseRow::as_select(), super::persons::PersonRow::as_select()))
        .first(conn)?;
    Ok((c.try_into()?, p.try_into()?))
}

/// The person of each case of `ids` that exists, in one query.
pub fn persons_of(conn: &mut DbConn, ids: &[CaseId]) -> Result<Vec<PersonId>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
    cases::table
        .filter(cases::id.eq_any(keys))
        .select(cases::person_id)
        .load::<String>(conn)?
        .iter()
        .map(|id| code(id, "case person"))
        .collect()
}

/// Raises a case's version (and `updated_at`) if it is still at `version`; `false` if
/// it was not. Every change of a case or its consent records goes through here, so one
/// `ETag` covers them; referrals carry their own version.
pub fn bump(
    conn: &mut DbConn,
    id: CaseId,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        cases::table
            .find(id.to_string())
            .filter(cases::version.eq(version)),
    )
    .set((
        cases::version.eq(version + 1),
        cases::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Flags that a legal basis stands in for consent on this case.
pub fn flag_legal_basis(conn: &mut DbConn, id: CaseId) -> Result<(), StoreError> {
    diesel::update(cases::table.find(id.to_string()))
        .set(cases::legal_basis_used.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Closes a case with a reason and an optional note ciphertext.
pub fn close(
    conn: &mut DbConn,
    id: CaseId,
    reason: CloseReason,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(cases::table.find(id.to_string()))
        .set((
            cases::status.eq(CaseStatus::Closed.as_str()),
            cases::close_reason.eq(reason.as_str()),
            cases::close_note.eq(note),
            cases::closed_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes `user` (or nobody) responsible for a case (the version is raised by [`bump`]).
pub fn assign(conn: &mut DbConn, id: CaseId, user: Option<UserId>) -> Result<(), StoreError> {
    diesel::update(cases::table.find(id.to_string()))
        .set(cases::assigned_to.eq(user.map(|u| u.to_string())))
        .execute(conn)?;
    Ok(())
}

/// The open cases of `agency` per responsible worker (`None`: nobody), in one query.
pub fn open_per_assignee(
    conn: &mut DbConn,
    agency: AgencyId,
) -> Result<Vec<(Option<UserId>, i64)>, StoreError> {
    cases::table
        .filter(cases::agency_id.eq(agency.to_string()))
        .filter(cases::status.eq(CaseStatus::Open.as_str()))
        .group_by(cases::assigned_to)
        .select((cases::assigned_to, diesel::dsl::count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .map(|(u, n)| Ok((opt_code(u.as_deref(), "case assignee")?, n)))
        .collect()
}

/// Opens a closed case again: open, and no closing held any more (the caller keeps the
/// earlier closing in the case's record first).
pub fn reopen(conn: &mut DbConn, id: CaseId) -> Result<(), StoreError> {
    diesel::update(cases::table.find(id.to_string()))
        .set((
            cases::status.eq(CaseStatus::Open.as_str()),
            cases::close_reason.eq(None::<String>),
            cases::close_note.eq(None::<String>),
            cases::closed_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a correction of a case sets.
#[derive(Debug, Clone)]
pub struct CaseChanges<'a> {
    pub region: Region,
    pub exploitation_forms: &'a [ExploitationForm],
    /// The ciphertext of the notes at opening.
    pub notes: Option<&'a str>,
}

/// Corrects a case's region, exploitation forms and notes at opening (the version is
/// raised by [`bump`]).
pub fn correct(conn: &mut DbConn, id: CaseId, changes: &CaseChanges<'_>) -> Result<(), StoreError> {
    diesel::update(cases::table.find(id.to_string()))
        .set((
            cases::region.eq(changes.region.as_str()),
            cases::exploitation_forms.eq(codes_to_json(changes.exploitation_forms)),
            cases::notes.eq(changes.notes),
        ))
        .execute(conn)?;
    Ok(())
}

/// Filters of a case list; every one that is set must match. A blind-index filter
/// limits the list to the agency's own cases (receivers do not search).
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub region: Option<Region>,
    pub form: Option<ExploitationForm>,
    pub family_name_index: Option<String>,
    pub birth_date_index: Option<String>,
    /// The similar index (the sound of the family name with the birth year).
    pub similar_index: Option<String>,
    /// A reference of the agency's own cases.
    pub reference: Option<String>,
    /// Only the agency's own cases with this responsible worker (`Some(None)`: with
    /// none).
    pub assigned_to: Option<Option<UserId>>,
}

/// The agency's persons whose blind indexes match those the filter sets, in one query.
fn persons_by_index(
    conn: &mut DbConn,
    agency: AgencyId,
    filter: &CaseFilter,
) -> Result<Vec<String>, StoreError> {
    let mut people = persons::table
        .filter(persons::agency_id.eq(agency.to_string()))
        .select(persons::id)
        .into_boxed();
    if let Some(f) = &filter.family_name_index {
        people = people.filter(persons::family_name_index.eq(f.clone()));
    }
    if let Some(b) = &filter.birth_date_index {
        people = people.filter(persons::birth_date_index.eq(b.clone()));
    }
    if let Some(s) = &filter.similar_index {
        people = people.filter(persons::similar_index.eq(s.clone()));
    }
    Ok(people.load(conn)?)
}

/// A page of the cases an agency may see — its own, and those it received through a
/// referral in one of `access_states` — most recently changed first, after the cursor
/// `(updated_at, id)`.
pub fn list_visible(
    conn: &mut DbConn,
    agency: AgencyId,
    access_states: &[&str],
    filter: CaseFilter,
    before: Option<(DateTime<Utc>, CaseId)>,
    limit: i64,
) -> Result<Vec<Case>, StoreError> {
    let received = referrals::table
        .filter(referrals::to_agency_id.eq(agency.to_string()))
        .filter(referrals::state.eq_any(access_states.iter().map(|s| s.to_string())))
        .select(referrals::case_id);
    let mut q = cases::table
        .filter(
            cases::agency_id
                .eq(agency.to_string())
                .or(cases::id.eq_any(received)),
        )
        .select(CaseRow::as_select())
        .order((cases::updated_at.desc(), cases::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(status) = filter.status {
        q = q.filter(cases::status.eq(status.as_str()));
    }
    if let Some(region) = filter.region {
        q = q.filter(cases::region.eq(region.as_str()));
    }
    if let Some(reference) = &filter.reference {
        q = q
            .filter(cases::agency_id.eq(agency.to_string()))
            .filter(cases::reference.eq(reference));
    }
    match filter.assigned_to {
        Some(Some(user)) => {
            q = q
                .filter(cases::agency_id.eq(agency.to_string()))
                .filter(cases::assigned_to.eq(user.to_string()));
        }
        Some(None) => {
            q = q
                .filter(cases::agency_id.eq(agency.to_string()))
                .filter(cases::assigned_to.is_null());
        }
        None => {}
    }
    if let Some(form) = filter.form {
        q = q.filter(cases::exploitation_forms.like(format!("%\"{}\"%", form.as_str())));
    }
    if filter.family_name_index.is_some()
        || filter.birth_date_index.is_some()
        || filter.similar_index.is_some()
    {
        let ids = persons_by_index(conn, agency, &filter)?;
        q = q
            .filter(cases::agency_id.eq(agency.to_string()))
            .filter(cases::person_id.eq_any(ids));
    }
    if let Some((at, id)) = before {
        let at = to_db_time(at);
        q = q.filter(
            cases::updated_at
                .lt(at)
                .or(cases::updated_at.eq(at).and(cases::id.lt(id.to_string()))),
        );
    }
    q.load(conn)?.into_iter().map(Case::try_from).collect()
}
