//! Suspects: registered in an investigation by its agency, linked to victims' cases and
//! signals that agency may see, read by it and by the prosecution that accepted them.

use super::access::{SuspectAccess, own_investigation, visible_suspect};
use super::events::{Happened, emit};
use super::identity::{SuspectIdentity, reference};
use super::referrals::referral_view;
use super::{AddSuspectInput, LinkVictimInput, StepView, SuspectView, VictimLinkView};
use crate::access::{CaseAccess, case_access};
use crate::support::{Env, denied, event, record, run};
use crate::{Conflict, UseCaseError};
use schakel_audit::ActionKind;
use schakel_domain::{Action, Actor, InvestigationId, SuspectId, VictimLinkId};
use schakel_store::DbConn;
use schakel_store::casework::{cases, signals};
use schakel_store::offenders::investigations::{self, Investigation};
use schakel_store::offenders::referrals;
use schakel_store::offenders::steps::{self, StepKind};
use schakel_store::offenders::suspects::{self, Suspect, VictimLink, VictimRef};

/// Registers a suspect in an investigation of the actor's agency.
pub fn add_suspect(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    investigation: InvestigationId,
    input: &AddSuspectInput,
) -> Result<SuspectView, UseCaseError> {
    const CODE: &str = "suspect.add";
    run(conn, env, who, |conn| {
        let (inv, agency) = own_investigation(
            conn,
            who,
            investigation,
            Action::KeepInvestigation,
            CODE,
            ActionKind::Create,
        )?;
        let today = env.now.date_naive();
        let registered_on = input.registered_on.unwrap_or(today);
        if registered_on > today || registered_on < inv.started_on {
            return Err(UseCaseError::Invalid("registered_on"));
        }
        let identity = SuspectIdentity {
            person: input.identity.clone(),
            country_of_birth: input.country_of_birth.clone(),
        }
        .checked(today, registered_on)?;
        let id = SuspectId::new_random();
        let suspect = Suspect {
            id,
            investigation_id: inv.id,
            identity: identity.seal(env.cfg, id)?,
            gender: input.gender,
            birth_country_group: identity.birth_country_group(),
            role: input.role,
            suspect_key: identity.suspect_key(env.cfg, input.gender, id)?,
            registered_on,
            registered_by: who.user_id,
            created_at: env.now,
        };
        suspects::insert(conn, &suspect)?;
        if !investigations::bump(conn, inv.id, inv.version, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        let e = event(
            Some(who),
            CODE,
            ActionKind::Create,
            ("suspect", id.to_string()),
        )?
        .with_details(serde_json::json!({
            "investigation": inv.id,
            "role": suspect.role,
        }));
        record(conn, env, e)?;
        let pair = (&suspect, &inv);
        emit(
            conn,
            env,
            pair,
            &identity,
            agency.kind,
            Happened::Registered,
            registered_on,
        )?;
        suspect_view(conn, env, who, &suspect, &inv, &SuspectAccess::Investigator)
    })
}

/// One suspect, for the investigating agency or the prosecution that accepted it.
pub fn read_suspect(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: SuspectId,
) -> Result<SuspectView, UseCaseError> {
    const CODE: &str = "suspect.read";
    run(conn, env, who, |conn| {
        let (suspect, inv, access, _) = visible_suspect(
            conn,
            who,
            id,
            Action::ReadInvestigation,
            CODE,
            ActionKind::Read,
        )?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("suspect", id.to_string()),
        )?;
        record(conn, env, e)?;
        suspect_view(conn, env, who, &suspect, &inv, &access)
    })
}

/// Links a suspect of the actor's agency to a victim: a case the agency owns or sees
/// through a referral it accepted, or a signal of its own about a person. Linking
/// again is no change.
pub fn link_victim(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: SuspectId,
    input: &LinkVictimInput,
) -> Result<SuspectView, UseCaseError> {
    const CODE: &str = "suspect.link_victim";
    run(conn, env, who, |conn| {
        let (suspect, inv, agency) = investigators(conn, who, id, CODE)?;
        let victim = match (input.case_id, input.signal_id) {
            (Some(case_id), None) => {
                let hidden = || {
                    denied(
                        CODE,
                        ActionKind::Update,
                        Some(("case", case_id.to_string())),
                    )
                };
                let case = match cases::find(conn, case_id) {
                    Ok(c) => c,
                    Err(schakel_store::StoreError::NotFound) => return Err(hidden()),
                    Err(e) => return Err(e.into()),
                };
                match case_access(conn, who, &case, Action::ReadCase, env.now)? {
                    Some(CaseAccess::Owner | CaseAccess::Receiver { .. }) => {}
                    _ => return Err(hidden()),
                }
                VictimRef::Case(case_id)
            }
            (None, Some(signal_id)) => {
                let hidden = || {
                    denied(
                        CODE,
                        ActionKind::Update,
                        Some(("signal", signal_id.to_string())),
                    )
                };
                let signal = match signals::find(conn, signal_id) {
                    Ok(s) if s.agency_id == who.agency_id => s,
                    Ok(_) | Err(schakel_store::StoreError::NotFound) => return Err(hidden()),
                    Err(e) => return Err(e.into()),
                };
                if signal.person_id.is_none() {
                    return Err(UseCaseError::Conflict(Conflict::AnonymousSignal));
                }
                VictimRef::Signal(signal_id)
            }
            _ => return Err(UseCaseError::Invalid("case_id")),
        };
        let link = VictimLink {
            id: VictimLinkId::new_random(),
            suspect_id: id,
            victim,
            linked_by: who.user_id,
            created_at: env.now,
        };
        if suspects::link(conn, &link)? {
            let object = match victim {
                VictimRef::Case(c) => serde_json::json!({ "case": c }),
                VictimRef::Signal(s) => serde_json::json!({ "signal": s }),
            };
            let e = event(
                Some(who),
                CODE,
                ActionKind::Update,
                ("suspect", id.to_string()),
            )?
            .with_details(object);
            record(conn, env, e)?;
            if let Some(key) = suspects::victim_key(conn, victim)? {
                let what = Happened::Linked(key);
                linked(conn, env, (&suspect, &inv), agency.kind, what)?;
            }
        }
        suspect_view(conn, env, who, &suspect, &inv, &SuspectAccess::Investigator)
    })
}

/// Removes a link of a suspect of the actor's agency (made in error).
pub fn unlink_victim(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: SuspectId,
    link: VictimLinkId,
) -> Result<SuspectView, UseCaseError> {
    const CODE: &str = "suspect.unlink_victim";
    run(conn, env, who, |conn| {
        let (suspect, inv, agency) = investigators(conn, who, id, CODE)?;
        let held = match suspects::find_link(conn, id, link) {
            Ok(l) => l,
            Err(schakel_store::StoreError::NotFound) => {
                return Err(denied(
                    CODE,
                    ActionKind::Update,
                    Some(("link", link.to_string())),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let key = suspects::victim_key(conn, held.victim)?;
        if !suspects::unlink(conn, id, link)? {
            return Err(UseCaseError::NotFound);
        }
        let e = event(
            Some(who),
            CODE,
            ActionKind::Update,
            ("suspect", id.to_string()),
        )?
        .with_details(serde_json::json!({ "link": link }));
        record(conn, env, e)?;
        if let Some(key) = key {
            linked(
                conn,
                env,
                (&suspect, &inv),
                agency.kind,
                Happened::Unlinked(key),
            )?;
        }
        suspect_view(conn, env, who, &suspect, &inv, &SuspectAccess::Investigator)
    })
}

/// A suspect of the actor's own investigation, to change.
fn investigators(
    conn: &mut DbConn,
    who: &Actor,
    id: SuspectId,
    code: &'static str,
) -> Result<(Suspect, Investigation, schakel_store::agencies::Agency), UseCaseError> {
    let (suspect, inv, access, agency) = visible_suspect(
        conn,
        who,
        id,
        Action::KeepInvestigation,
        code,
        ActionKind::Update,
    )?;
    match access {
        SuspectAccess::Investigator => Ok((suspect, inv, agency)),
        SuspectAccess::Prosecution(_) => Err(denied(
            code,
            ActionKind::Update,
            Some(("suspect", id.to_string())),
        )),
    }
}

/// Tells the monitor a link was made or taken away.
fn linked(
    conn: &mut DbConn,
    env: &Env<'_>,
    (suspect, inv): (&Suspect, &Investigation),
    kind: schakel_domain::AgencyKind,
    what: Happened,
) -> Result<(), UseCaseError> {
    let identity = SuspectIdentity::open(env.cfg, suspect.id, &suspect.identity)?;
    let today = env.now.date_naive();
    emit(conn, env, (suspect, inv), &identity, kind, what, today)
}

/// The view of a suspect for an agency with `access`.
pub(super) fn suspect_view(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    s: &Suspect,
    inv: &Investigation,
    access: &SuspectAccess,
) -> Result<SuspectView, UseCaseError> {
    let identity = SuspectIdentity::open(env.cfg, s.id, &s.identity)?;
    let links = suspects::links_of(conn, s.id)?;
    let investigator = matches!(access, SuspectAccess::Investigator);
    let victims = if investigator {
        links
            .iter()
            .map(|l| VictimLinkView {
                id: l.id,
                case_id: match l.victim {
                    VictimRef::Case(c) => Some(c),
                    VictimRef::Signal(_) => None,
                },
                signal_id: match l.victim {
                    VictimRef::Signal(sg) => Some(sg),
                    VictimRef::Case(_) => None,
                },
                created_at: l.created_at,
            })
            .collect()
    } else {
        Vec::new()
    };
    let referrals = referrals::of_suspect(conn, s.id)?
        .iter()
        .filter(|r| investigator || r.to_agency_id == who.agency_id)
        .map(|r| referral_view(conn, env, r, Some((s, inv))))
        .collect::<Result<Vec<_>, _>>()?;
    let steps = steps::of_suspect(conn, s.id)?
        .into_iter()
        .map(|st| {
            let (decision, instance, outcome, sentence) = match st.kind {
                StepKind::Decision(d) => (Some(d), None, None, Vec::new()),
                StepKind::Judgment {
                    instance,
                    outcome,
                    sentence,
                } => (None, Some(instance), Some(outcome), sentence),
            };
            StepView {
                id: st.id,
                agency_id: st.agency_id,
                decision,
                instance,
                outcome,
                sentence,
                dated_on: st.dated_on,
                created_at: st.created_at,
            }
        })
        .collect();
    Ok(SuspectView {
        id: s.id,
        investigation_id: inv.id,
        investigation_reference: reference(env, inv)?,
        investigating_agency_id: inv.agency_id,
        birth_country_group: s.birth_country_group,
        country_of_birth: identity.country_of_birth.clone(),
        identity: identity.person,
        gender: s.gender,
        role: s.role,
        registered_on: s.registered_on,
        region: inv.region,
        exploitation_forms: inv.exploitation_forms.clone(),
        victims,
        linked_victims: links.len(),
        referrals,
        steps,
    })
}
