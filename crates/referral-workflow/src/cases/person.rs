//! A person as the actor's agency may see them, through the first case of theirs it
//! has access to that shows the identity: the person with their identity, and the
//! consent and legal-basis records that concern the agency (all of them for the case's
//! own agency; for a receiving agency those that cover it for the purpose of a
//! referral it holds; none for an emergency reader). What shows no identity is not
//! found. Read by the edges that speak other systems' standards (a FHIR `Patient`, a
//! `Consent`); audited `person.read` and `consent.read` with the case and the person.

use super::read::record_read;
use super::*;
use crate::views::{ConsentView, PersonView};
use schakel_domain::{ConsentId, PersonId};
use schakel_store::casework::consents::Consent;

/// A person and the records that concern the actor's agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    /// The case the person is seen through.
    pub case_id: CaseId,
    /// The agency that owns that case.
    pub agency_id: schakel_domain::AgencyId,
    /// The person, identity shown.
    pub person: PersonView,
    /// The consent and legal-basis records that concern the actor's agency.
    pub consents: Vec<ConsentView>,
}

/// The first case of `person` the actor sees with the identity shown, and how.
fn identified_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    person: PersonId,
) -> Result<Option<(Case, CaseAccess)>, UseCaseError> {
    for case in cases::of_person(conn, person)? {
        if let Some(access) = case_access(conn, who, &case, Action::ReadCase, env.now)?
            && access.shows_identity()
        {
            return Ok(Some((case, access)));
        }
    }
    Ok(None)
}

/// Whether `record` concerns the actor's agency as `access` lets it see the case.
fn concerns(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    access: &CaseAccess,
    record: &Consent,
) -> Result<bool, UseCaseError> {
    Ok(match access {
        CaseAccess::Owner => true,
        CaseAccess::Emergency(_) => false,
        CaseAccess::Receiver { referrals, .. } => {
            let kind = agencies::find(conn, who.agency_id)?.kind;
            referrals
                .iter()
                .any(|r| record.scope.covers(kind, r.purpose, env.now))
        }
    })
}

fn record_of(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: &Case,
    access: &CaseAccess,
) -> Result<PersonRecord, UseCaseError> {
    let person = persons::find(conn, case.person_id)?;
    let person = person_view(env.cfg, &person, true, env.now)?;
    let mut consents = Vec::new();
    for c in consents::of_case(conn, case.id)? {
        if concerns(conn, env, who, access, &c)? {
            consents.push(consent_view(env.cfg, &c, env.now)?);
        }
    }
    Ok(PersonRecord {
        case_id: case.id,
        agency_id: case.agency_id,
        person,
        consents,
    })
}

/// A person, if the actor's agency sees their identity through one of their cases.
pub fn read_person(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: PersonId,
) -> Result<PersonRecord, UseCaseError> {
    const CODE: &str = "person.read";
    run(conn, env, who, |conn| {
        let Some((case, access)) = identified_case(conn, env, who, id)? else {
            return Err(denied(
                CODE,
                ActionKind::Read,
                Some(("person", id.to_string())),
            ));
        };
        let found = record_of(conn, env, who, &case, &access)?;
        record_read(conn, env, who, CODE, &case, &access)?;
        Ok(found)
    })
}

/// One consent or legal-basis record with its person, if it concerns the actor's agency
/// and the agency sees the person's identity through its case.
pub fn read_consent(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: ConsentId,
) -> Result<(PersonRecord, ConsentView), UseCaseError> {
    const CODE: &str = "consent.read";
    let hidden = || denied(CODE, ActionKind::Read, Some(("consent", id.to_string())));
    run(conn, env, who, |conn| {
        let record = match consents::find(conn, id) {
            Ok(r) => r,
            Err(schakel_store::StoreError::NotFound) => return Err(hidden()),
            Err(e) => return Err(e.into()),
        };
        let case = cases::find(conn, record.case_id)?;
        let Some(access) = case_access(conn, who, &case, Action::ReadCase, env.now)?
            .filter(CaseAccess::shows_identity)
        else {
            return Err(hidden());
        };
        if !concerns(conn, env, who, &access, &record)? {
            return Err(hidden());
        }
        let found = record_of(conn, env, who, &case, &access)?;
        let view = consent_view(env.cfg, &record, env.now)?;
        record_read(conn, env, who, CODE, &case, &access)?;
        Ok((found, view))
    })
}

/// For each case of `cases` the actor sees with the person's identity shown, the
/// person: whom a referral's resources may name. No audit entry of its own: the read
/// that showed the actor these cases records one.
pub fn identified_persons(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    of: &[CaseId],
) -> Result<Vec<(CaseId, PersonId)>, UseCaseError> {
    run(conn, env, who, |conn| {
        let mut out = Vec::new();
        for id in of {
            if out.iter().any(|(c, _)| c == id) {
                continue;
            }
            let case = match cases::find(conn, *id) {
                Ok(c) => c,
                Err(schakel_store::StoreError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            };
            if case_access(conn, who, &case, Action::ReadCase, env.now)?
                .is_some_and(|a| a.shows_identity())
            {
                out.push((case.id, case.person_id));
            }
        }
        Ok(out)
    })
}
