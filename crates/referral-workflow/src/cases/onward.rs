//! The receiving agency carries the work on: from a referral it accepted, it opens its
//! own case in one step, linked to the referral it came from; from there it refers
//! onward like any owner.
//!
//! Nothing is typed again, and nothing is carried that the agency may not see: the
//! identity is copied only when a consent or legal basis that holds now covers the
//! agency's kind and the referral's purpose (as for reading the sender's case);
//! otherwise its case holds the person's coarse facts from the referral (gender, age
//! band, nationality group) and an empty identity it may fill in itself. Either way the
//! person keeps the key the monitor counts them under, so a person handed on is still
//! one person. Its own case has its own consents, notes, retention and audit.

use super::*;
use crate::views::{AgencyRef, OriginView};
use schakel_domain::{PersonId, ReferralId};
use schakel_store::casework::persons::NewPerson;

/// Where a case opened from `referral` came from, as `who` may see it: the referral and
/// the referring agency for the agencies that sent or received it (the others see the
/// agency's kind only, as in the chain), the sending agency's reference for the owning
/// agency only.
pub(crate) fn origin(
    conn: &mut DbConn,
    referral: ReferralId,
    who: &Actor,
    owner: bool,
) -> Result<OriginView, UseCaseError> {
    let r = referrals::find(conn, referral)?;
    let agency = agencies::find(conn, r.from_agency_id)?;
    let party = who.agency_id == r.from_agency_id || who.agency_id == r.to_agency_id;
    let case_reference = if owner {
        Some(cases::find(conn, r.case_id)?.reference)
    } else {
        None
    };
    Ok(OriginView {
        referral_id: party.then_some(r.id),
        kind: agency.kind,
        agency: party.then_some(AgencyRef {
            id: agency.id,
            name: agency.name,
            kind: agency.kind,
            region: agency.region,
        }),
        case_reference,
    })
}

/// Opens the actor's agency's own case from a referral it received and accepted (or
/// has in progress). Once per referral.
pub fn open_case_from_referral(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    referral_id: ReferralId,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "case.create";
    run(conn, env, who, |conn| {
        let r = received(conn, who, referral_id, CODE)?;
        let from = cases::find(conn, r.case_id)?;
        let carried = carry_person(conn, env, who, &r, &from)?;
        let (id, responsible) = insert_own_case(conn, env, who, &r, &from, carried.person)?;
        let details = serde_json::json!({
            "from_referral": r.id,
            "identity_carried": carried.shown,
            "assigned_to": responsible,
        });
        let opened = ("case_opened", Some(r.id), details.clone());
        timeline(conn, env, id, who.agency_id, Some(who), &[opened])?;
        let onward = ("onward_case_opened", Some(r.id), serde_json::json!({}));
        timeline(conn, env, from.id, who.agency_id, Some(who), &[onward])?;
        let mut e = event(
            Some(who),
            CODE,
            ActionKind::Create,
            ("case", id.to_string()),
        )?
        .with_purpose(format!("referral:{}", r.id))
        .with_details(details);
        if let Some(p) = &carried.key {
            e = e.with_subject_pseudonym(p.clone());
        }
        record(conn, env, e)?;
        let agency = agencies::find(conn, who.agency_id)?;
        let event = opened_event(env, &agency, &r, &from, carried.key);
        monitor(conn, env, &event)?;
        let case = cases::find(conn, id)?;
        case_view(conn, env, who, &case, &CaseAccess::Owner)
    })
}

/// The referral the actor's agency received, accepted and has not opened its case from
/// yet; anyone else is answered as for a referral that does not exist.
fn received(
    conn: &mut DbConn,
    who: &Actor,
    referral_id: ReferralId,
    code: &'static str,
) -> Result<referrals::Referral, UseCaseError> {
    let hidden = || {
        denied(
            code,
            ActionKind::Create,
            Some(("referral", referral_id.to_string())),
        )
    };
    // A named referral: a role that does no case work learns nothing of it.
    if !who.may(Action::CreateCase, Relationship::OwnAgency) {
        return Err(hidden());
    }
    let r = referrals::find(conn, referral_id).map_err(|e| match e {
        schakel_store::StoreError::NotFound => hidden(),
        other => other.into(),
    })?;
    if r.to_agency_id != who.agency_id {
        return Err(hidden());
    }
    if !ACCESS_STATES.contains(&r.state) {
        return Err(UseCaseError::Conflict(crate::Conflict::NotAccepted));
    }
    if cases::of_origin(conn, r.id)?.is_some() {
        return Err(UseCaseError::Conflict(crate::Conflict::CaseExists));
    }
    Ok(r)
}

/// Stores the agency's own case of `person` from referral `r` of case `from`, with the
/// agency's next reference; the worker responsible for the referral carries on with it
/// while they still work at the agency. Returns its id and that worker.
fn insert_own_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    r: &referrals::Referral,
    from: &Case,
    person: PersonId,
) -> Result<(CaseId, Option<schakel_domain::UserId>), UseCaseError> {
    let id = CaseId::new_random();
    let year = chrono::Datelike::year(&env.now);
    let number = schakel_store::casework::references::next_number(conn, who.agency_id, year)?;
    let reference = schakel_domain::case::case_reference(year, number);
    let new = NewCase {
        id,
        agency_id: who.agency_id,
        person_id: person,
        signal_id: None,
        opened_by: who.user_id,
        region: from.region,
        exploitation_forms: &from.exploitation_forms,
        notes: None,
        reference: &reference,
        origin_referral_id: Some(r.id),
    };
    cases::insert(conn, &new, env.now).map_err(|e| match e {
        schakel_store::StoreError::Conflict(_) => {
            UseCaseError::Conflict(crate::Conflict::CaseExists)
        }
        other => other.into(),
    })?;
    let responsible = match r.assigned_to {
        Some(u) => match super::check_worker(conn, who.agency_id, u) {
            Ok(()) => Some(u),
            Err(UseCaseError::Invalid(_)) => None,
            Err(other) => return Err(other),
        },
        None => None,
    };
    if responsible.is_some() {
        cases::assign(conn, id, responsible)?;
    }
    Ok((id, responsible))
}

/// The person of a receiver's own case, as stored.
struct Carried {
    person: PersonId,
    /// The key the monitor counts the person under (the sender's person's).
    key: Option<String>,
    /// Whether the identity was copied.
    shown: bool,
}

/// Stores the person of the receiver's own case: the identity where consent covers it
/// (else empty), the referral's coarse facts, the sender's person's key.
fn carry_person(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    r: &referrals::Referral,
    from: &Case,
) -> Result<Carried, UseCaseError> {
    let shown = case_access(conn, who, from, Action::ReadCase, env.now)?
        .is_some_and(|a| a.shows_identity());
    let sender = persons::find(conn, from.person_id)?;
    let identity = match (&sender.identity, shown) {
        (Some(sealed), true) => Identity::open(env.cfg, sender.id, sealed)?,
        _ => Identity::default(),
    };
    let person = PersonId::new_random();
    let sealed = identity.seal(env.cfg, person)?;
    let family = identity.family_name_index(env.cfg)?;
    let birth = identity.birth_date_index(env.cfg)?;
    let similar = identity.similar_index(env.cfg)?;
    persons::insert_indexed(
        conn,
        &NewPerson {
            id: person,
            agency_id: who.agency_id,
            identity: &sealed,
            gender: r.summary.gender,
            nationality_group: r.summary.nationality_group,
            family_name_index: family.as_deref(),
            birth_date_index: birth.as_deref(),
            pseudonym: sender.pseudonym.as_deref(),
        },
        similar.as_deref(),
        env.now,
    )?;
    Ok(Carried {
        person,
        key: sender.pseudonym,
        shown,
    })
}

/// The monitor event of a case `agency` opened from referral `r` of case `from`.
fn opened_event(
    env: &Env<'_>,
    agency: &agencies::Agency,
    r: &referrals::Referral,
    from: &Case,
    key: Option<String>,
) -> MonitorEvent {
    MonitorEvent {
        kind: MonitorEventKind::CaseOpened,
        month: month_of(env.now),
        sender_kind: agency.kind,
        sender_region: from.region,
        receiver_kind: None,
        receiver_region: None,
        exploitation_forms: from.exploitation_forms.clone(),
        age_band: r.summary.age_band,
        gender: r.summary.gender,
        nationality_group: r.summary.nationality_group,
        reporting_basis: None,
        hours_to_answer: None,
        pseudonym: key,
    }
}
