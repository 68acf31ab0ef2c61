//! The persons a read showed, named in its audit entry so that an auditor finds every
//! read of a person: each by pseudonym, or as `person:<id>` when the person has none
//! (an anonymous or unlinkable record). A read about one person with a pseudonym also
//! carries it as the entry's subject. Names and identities never enter the entry.
//! Also the one coarse fact several use cases tell of a case's person: their age band.

use crate::UseCaseError;
use crate::identity::Identity;
use crate::support::Env;
use schakel_audit::AuditEvent;
use schakel_domain::{CaseId, PersonId};
use schakel_store::DbConn;
use schakel_store::casework::cases::Case;
use schakel_store::casework::{cases, persons, referrals};
use std::collections::BTreeSet;

/// How the audit trail names `person`.
pub(crate) fn reference(person: PersonId, pseudonym: Option<String>) -> String {
    pseudonym.unwrap_or_else(|| format!("person:{person}"))
}

/// Adds the persons of `people` to `e`: `details.subjects` lists every one (sorted,
/// once each), and a single person's pseudonym becomes the entry's subject.
pub(crate) fn with_persons(
    conn: &mut DbConn,
    mut e: AuditEvent,
    people: &[PersonId],
) -> Result<AuditEvent, UseCaseError> {
    let found = persons::pseudonyms(conn, people)?;
    if let [(_, Some(p))] = found.as_slice() {
        e.subject_pseudonym = Some(p.clone());
    }
    let refs: BTreeSet<String> = found.into_iter().map(|(id, p)| reference(id, p)).collect();
    if let serde_json::Value::Object(map) = &mut e.details {
        map.insert("subjects".into(), serde_json::json!(refs));
    }
    Ok(e)
}

/// Like [`with_persons`], for the persons of `case_ids`.
pub(crate) fn with_case_persons(
    conn: &mut DbConn,
    e: AuditEvent,
    case_ids: &[CaseId],
) -> Result<AuditEvent, UseCaseError> {
    let people = cases::persons_of(conn, case_ids)?;
    with_persons(conn, e, &people)
}

/// The person's age band on a case: from the identity, or for a receiver's case whose
/// identity holds no age, as the referral it came from stated it.
pub(crate) fn age_band_on(
    conn: &mut DbConn,
    env: &Env<'_>,
    case: &Case,
    identity: &Identity,
) -> Result<schakel_domain::AgeBand, UseCaseError> {
    let band = identity.age_band(env.now.date_naive());
    match case.origin_referral_id {
        Some(origin) if band == schakel_domain::AgeBand::Unknown => {
            Ok(referrals::find(conn, origin)?.summary.age_band)
        }
        _ => Ok(band),
    }
}
