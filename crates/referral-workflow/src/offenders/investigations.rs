//! Investigations: opened by a law-enforcement agency, listed and read by it alone.

use super::access::{member, own_investigation};
use super::identity::{reference, seal};
use super::suspects::suspect_view;
use super::{InvestigationView, MAX_REFERENCE_CHARS, OpenInvestigationInput};
use crate::UseCaseError;
use crate::support::{Env, event, record, run};
use schakel_audit::ActionKind;
use schakel_domain::{Action, Actor, InvestigationId, Relationship};
use schakel_store::DbConn;
use schakel_store::offenders::investigations::{self, Investigation};
use schakel_store::offenders::suspects;

/// Opens an investigation of the actor's agency.
pub fn open_investigation(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &OpenInvestigationInput,
) -> Result<InvestigationView, UseCaseError> {
    const CODE: &str = "investigation.open";
    run(conn, env, who, |conn| {
        let rel = Relationship::OwnAgency;
        member(
            conn,
            who,
            Action::KeepInvestigation,
            rel,
            CODE,
            ActionKind::Create,
            None,
        )?;
        let reference =
            crate::support::free_text(Some(&input.reference), MAX_REFERENCE_CHARS, "reference")?
                .filter(|r| !r.contains(['\n', '\r', '\t']))
                .ok_or(UseCaseError::Invalid("reference"))?;
        if input.exploitation_forms.is_empty() {
            return Err(UseCaseError::Invalid("exploitation_forms"));
        }
        if input.started_on > env.now.date_naive() {
            return Err(UseCaseError::Invalid("started_on"));
        }
        let mut forms = input.exploitation_forms.clone();
        forms.sort_unstable();
        forms.dedup();
        let id = InvestigationId::new_random();
        let investigation = Investigation {
            id,
            agency_id: who.agency_id,
            reference: seal(env.cfg, "investigations", "reference", &id, &reference)?,
            region: input.region,
            exploitation_forms: forms,
            started_on: input.started_on,
            opened_by: who.user_id,
            version: 1,
            created_at: env.now,
            updated_at: env.now,
        };
        investigations::insert(conn, &investigation)?;
        let details = serde_json::json!({
            "region": investigation.region,
            "exploitation_forms": investigation.exploitation_forms,
        });
        let e = event(
            Some(who),
            CODE,
            ActionKind::Create,
            ("investigation", id.to_string()),
        )?
        .with_details(details);
        record(conn, env, e)?;
        view(conn, env, who, &investigation, true)
    })
}

/// The investigations of the actor's agency, newest first (their suspects counted, not
/// listed).
pub fn list_investigations(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
) -> Result<Vec<InvestigationView>, UseCaseError> {
    const CODE: &str = "investigation.list";
    run(conn, env, who, |conn| {
        let rel = Relationship::OwnAgency;
        member(
            conn,
            who,
            Action::ReadInvestigation,
            rel,
            CODE,
            ActionKind::Read,
            None,
        )?;
        let all = investigations::of_agency(conn, who.agency_id)?;
        let views = all
            .iter()
            .map(|i| view(conn, env, who, i, false))
            .collect::<Result<Vec<_>, _>>()?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("agency", who.agency_id.to_string()),
        )?
        .with_details(serde_json::json!({ "count": views.len() }));
        record(conn, env, e)?;
        Ok(views)
    })
}

/// One investigation of the actor's agency, with its suspects.
pub fn read_investigation(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: InvestigationId,
) -> Result<InvestigationView, UseCaseError> {
    const CODE: &str = "investigation.read";
    run(conn, env, who, |conn| {
        let (investigation, _) = own_investigation(
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
            ("investigation", id.to_string()),
        )?;
        record(conn, env, e)?;
        view(conn, env, who, &investigation, true)
    })
}

/// The view of an investigation, with its suspects when `full`.
pub(super) fn view(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    i: &Investigation,
    full: bool,
) -> Result<InvestigationView, UseCaseError> {
    let held = suspects::of_investigation(conn, i.id)?;
    let suspects = if full {
        held.iter()
            .map(|s| {
                suspect_view(
                    conn,
                    env,
                    who,
                    s,
                    i,
                    &super::access::SuspectAccess::Investigator,
                )
            })
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    Ok(InvestigationView {
        id: i.id,
        agency_id: i.agency_id,
        reference: reference(env, i)?,
        region: i.region,
        exploitation_forms: i.exploitation_forms.clone(),
        started_on: i.started_on,
        version: i.version,
        created_at: i.created_at,
        suspect_count: held.len(),
        suspects,
    })
}
