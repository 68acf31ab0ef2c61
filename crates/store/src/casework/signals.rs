//! Signal rows. A signal is about a new person, no one (anonymous), or a person the
//! agency already knows: then it is attached to that person's case (`case_id`) and has
//! its person.

use super::{code, codes_from_json, codes_to_json, opt_code};
use crate::schema::{cases, signals};
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{
    AgeBand, AgencyId, CaseId, ExploitationForm, Palermo, PersonId, Region, ReportingBasis,
    SignalId, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = signals)]
struct SignalRow {
    id: String,
    agency_id: String,
    recorded_by: String,
    person_id: Option<String>,
    observed_on: NaiveDate,
    region: String,
    exploitation_forms: String,
    indicators: String,
    indicator_list_version: String,
    palermo_act: bool,
    palermo_means: bool,
    palermo_purpose: bool,
    palermo_elements_met: bool,
    reporting_basis: String,
    summary: Option<String>,
    age_band: String,
    created_at: NaiveDateTime,
    erased_at: Option<NaiveDateTime>,
    case_id: Option<String>,
}

/// A signal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub id: SignalId,
    pub agency_id: AgencyId,
    pub recorded_by: UserId,
    pub person_id: Option<PersonId>,
    pub observed_on: NaiveDate,
    pub region: Region,
    pub exploitation_forms: Vec<ExploitationForm>,
    pub indicators: Vec<String>,
    pub indicator_list_version: String,
    pub palermo: Palermo,
    pub palermo_elements_met: bool,
    pub reporting_basis: ReportingBasis,
    /// The ciphertext of the free-text summary.
    pub summary: Option<String>,
    pub age_band: AgeBand,
    pub created_at: DateTime<Utc>,
    pub erased_at: Option<DateTime<Utc>>,
    /// The case of the agency's it was attached to when logged (its person is the
    /// case's); `None` for a signal about a new person or no one.
    pub case_id: Option<CaseId>,
}

impl TryFrom<SignalRow> for Signal {
    type Error = StoreError;
    fn try_from(r: SignalRow) -> Result<Self, StoreError> {
        let indicators: Vec<String> = serde_json::from_str(&r.indicators)
            .map_err(|_| StoreError::Corrupt("signal indicators".into()))?;
        Ok(Signal {
            id: code(&r.id, "signal id")?,
            agency_id: code(&r.agency_id, "signal agency")?,
            recorded_by: code(&r.recorded_by, "signal recorder")?,
            person_id: opt_code(r.person_id.as_deref(), "signal person")?,
            observed_on: r.observed_on,
            region: code(&r.region, "signal region")?,
            exploitation_forms: codes_from_json(&r.exploitation_forms, "signal forms")?,
            indicators,
            indicator_list_version: r.indicator_list_version,
            palermo: Palermo {
                act: r.palermo_act,
                means: r.palermo_means,
                purpose: r.palermo_purpose,
            },
            palermo_elements_met: r.palermo_elements_met,
            reporting_basis: code(&r.reporting_basis, "signal reporting basis")?,
            summary: r.summary,
            age_band: code(&r.age_band, "signal age band")?,
            created_at: from_db_time(r.created_at),
            erased_at: r.erased_at.map(from_db_time),
            case_id: opt_code(r.case_id.as_deref(), "signal case")?,
        })
    }
}

/// A new signal; the id is chosen by the caller (it is part of the ciphertext's
/// associated data).
#[derive(Debug, Clone)]
pub struct NewSignal<'a> {
    pub id: SignalId,
    pub agency_id: AgencyId,
    pub recorded_by: UserId,
    pub person_id: Option<PersonId>,
    pub observed_on: NaiveDate,
    pub region: Region,
    pub exploitation_forms: &'a [ExploitationForm],
    pub indicators: &'a [&'a str],
    pub indicator_list_version: &'a str,
    pub palermo: Palermo,
    pub palermo_elements_met: bool,
    pub reporting_basis: ReportingBasis,
    pub summary: Option<&'a str>,
    pub age_band: AgeBand,
    /// The case it is attached to (its person is `person_id`).
    pub case_id: Option<CaseId>,
}

/// Inserts a signal.
pub fn insert(
    conn: &mut DbConn,
    new: &NewSignal<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(signals::table)
        .values((
            signals::id.eq(new.id.to_string()),
            signals::agency_id.eq(new.agency_id.to_string()),
            signals::recorded_by.eq(new.recorded_by.to_string()),
            signals::person_id.eq(new.person_id.map(|p| p.to_string())),
            signals::observed_on.eq(new.observed_on),
            signals::region.eq(new.region.as_str()),
            signals::exploitation_forms.eq(codes_to_json(new.exploitation_forms)),
            signals::indicators.eq(codes_to_json(new.indicators)),
            signals::indicator_list_version.eq(new.indicator_list_version),
            signals::palermo_act.eq(new.palermo.act),
            signals::palermo_means.eq(new.palermo.means),
            signals::palermo_purpose.eq(new.palermo.purpose),
            signals::palermo_elements_met.eq(new.palermo_elements_met),
            signals::reporting_basis.eq(new.reporting_basis.as_str()),
            signals::summary.eq(new.summary),
            signals::age_band.eq(new.age_band.as_str()),
            signals::case_id.eq(new.case_id.map(|c| c.to_string())),
            signals::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// One signal by id.
pub fn find(conn: &mut DbConn, id: SignalId) -> Result<Signal, StoreError> {
    signals::table
        .find(id.to_string())
        .select(SignalRow::as_select())
        .first(conn)?
        .try_into()
}

/// The case of a signal, if any: the one opened from it, or the one it was attached to.
pub fn case_of(conn: &mut DbConn, id: SignalId) -> Result<Option<CaseId>, StoreError> {
    let attached = signals::table
        .filter(signals::id.eq(id.to_string()))
        .select(signals::case_id.assume_not_null());
    let found: Option<String> = cases::table
        .filter(
            cases::signal_id
                .eq(id.to_string())
                .or(cases::id.eq_any(attached)),
        )
        .select(cases::id)
        .first(conn)
        .optional()?;
    found.map(|c| code(&c, "case id")).transpose()
}

/// A page of one agency's signals, newest first, before the cursor `(created_at, id)`.
pub fn list_of_agency(
    conn: &mut DbConn,
    agency: AgencyId,
    before: Option<(DateTime<Utc>, SignalId)>,
    limit: i64,
) -> Result<Vec<Signal>, StoreError> {
    let mut q = signals::table
        .filter(signals::agency_id.eq(agency.to_string()))
        .select(SignalRow::as_select())
        .order((signals::created_at.desc(), signals::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = before {
        let at = to_db_time(at);
        q = q.filter(
            signals::created_at.lt(at).or(signals::created_at
                .eq(at)
                .and(signals::id.lt(id.to_string()))),
        );
    }
    q.load(conn)?.into_iter().map(Signal::try_from).collect()
}

/// The signals about a person (logged with them, or attached to their case), oldest
/// first.
pub fn of_person(conn: &mut DbConn, person: PersonId) -> Result<Vec<Signal>, StoreError> {
    signals::table
        .filter(signals::person_id.eq(person.to_string()))
        .select(SignalRow::as_select())
        .order((signals::created_at.asc(), signals::id.asc()))
        .load(conn)?
        .into_iter()
        .map(Signal::try_from)
        .collect()
}

/// Erases the free text of the signals about a person (retention).
pub fn erase_of_person(
    conn: &mut DbConn,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(
        diesel::update(signals::table.filter(signals::person_id.eq(person.to_string())))
            .set((
                signals::summary.eq(None::<String>),
                signals::erased_at.eq(Some(to_db_time(now))),
            ))
            .execute(conn)?,
    )
}

/// Signals never opened as a case nor attached to one, logged at or before
/// `logged_before` and not yet erased, oldest first, after the cursor `(created_at,
/// id)`. (An attached signal's person is its case's: it is erased with the case.)
pub fn unopened_due_for_erasure(
    conn: &mut DbConn,
    logged_before: DateTime<Utc>,
    after: Option<(DateTime<Utc>, SignalId)>,
    limit: i64,
) -> Result<Vec<Signal>, StoreError> {
    let opened = cases::table
        .filter(cases::signal_id.is_not_null())
        .select(cases::signal_id.assume_not_null());
    let mut q = signals::table
        .filter(signals::erased_at.is_null())
        .filter(signals::case_id.is_null())
        .filter(signals::created_at.le(to_db_time(logged_before)))
        .filter(diesel::dsl::not(signals::id.eq_any(opened)))
        .select(SignalRow::as_select())
        .order((signals::created_at.asc(), signals::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        let at = to_db_time(at);
        q = q.filter(
            signals::created_at.gt(at).or(signals::created_at
                .eq(at)
                .and(signals::id.gt(id.to_string()))),
        );
    }
    q.load(conn)?.into_iter().map(Signal::try_from).collect()
}

/// Erases one signal's free text (retention).
pub fn erase(conn: &mut DbConn, id: SignalId, now: DateTime<Utc>) -> Result<(), StoreError> {
    diesel::update(signals::table.find(id.to_string()))
        .set((
            signals::summary.eq(None::<String>),
            signals::erased_at.eq(Some(to_db_time(now))),
        ))
        .execute(conn)?;
    Ok(())
}
