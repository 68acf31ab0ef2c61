//! Breaking the glass: the checks, the access, its flagged audit entry, the case's
//! timeline entry and the email to the owning agency's coordinators.

use super::view;
use crate::access::case_access;
use crate::rows::Rows;
use crate::support::{Env, denied, event, free_text, record, run, seal, timeline};
use crate::views::EmergencyAccessView;
use crate::{Conflict, UseCaseError};
use schakel_audit::ActionKind;
use schakel_domain::emergency::{MAX_TEXT_CHARS, is_stated_reason};
use schakel_domain::{
    Action, Actor, AgencyId, EmergencyAccessId, EmergencyGround, Notice, Relationship,
};
use schakel_store::casework::cases::Case;
use schakel_store::casework::emergency::{self, EmergencyAccess, NewEmergencyAccess};
use schakel_store::casework::references;
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::{DbConn, StoreError, agencies};
use serde::Deserialize;

/// The audit code of opening one.
const CODE: &str = "case.emergency_access";

/// The longest case reference accepted (`YYYY-NNNNNN` and some room).
const MAX_REFERENCE_CHARS: usize = 40;

/// What a worker states to break the glass.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmergencyInput {
    /// The agency that owns the case.
    pub agency_id: AgencyId,
    /// That agency's reference of the case, `YYYY-NNNNNN`.
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub reference: String,
    /// The ground.
    pub ground: EmergencyGround,
    /// Why, in at least a sentence (at least four words and 25 characters).
    #[cfg_attr(feature = "openapi", schema(min_length = 25, max_length = 2000))]
    pub reason: String,
}

/// Opens an emergency access of `who` to the case `input` names. Refused (403, audited)
/// unless `who` does case work at an agency of an allowed kind; 404 (audited) when no
/// such case exists; 409 `emergency_access_not_needed` when `who` may already read it.
pub fn open_emergency_access(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &EmergencyInput,
) -> Result<EmergencyAccessView, UseCaseError> {
    let reference = input.reference.trim();
    // A reference is `YYYY-NNNNNN`: letters, digits and hyphens, never text to record.
    if reference.is_empty()
        || reference.chars().count() > MAX_REFERENCE_CHARS
        || !reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(UseCaseError::Invalid("reference"));
    }
    let reason = free_text(Some(&input.reason), MAX_TEXT_CHARS, "reason")?
        .filter(|r| is_stated_reason(r))
        .ok_or(UseCaseError::Invalid("reason"))?;
    run(conn, env, who, |conn| {
        let kind = agencies::find(conn, who.agency_id)?.kind;
        if !who.may(Action::OpenEmergencyAccess, Relationship::Platform)
            || !env.cfg.emergency.allows(kind)
        {
            return Err(denied(CODE, ActionKind::Read, None));
        }
        let case = match references::find_case(conn, input.agency_id, reference) {
            Ok(case) => case,
            Err(StoreError::NotFound) => {
                let named = format!("{}/{reference}", input.agency_id);
                return Err(denied(
                    CODE,
                    ActionKind::Read,
                    Some(("case_reference", named)),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if case_access(conn, who, &case, Action::ReadCase, env.now)?.is_some() {
            return Err(UseCaseError::Conflict(Conflict::EmergencyNotNeeded));
        }
        let id = EmergencyAccessId::new_random();
        let sealed = seal(env.cfg, "emergency_accesses", "reason", &id, &reason)?;
        let grant = emergency::insert(
            conn,
            &NewEmergencyAccess {
                id,
                case_id: case.id,
                owner_agency_id: case.agency_id,
                user_id: who.user_id,
                agency_id: who.agency_id,
                ground: input.ground,
                reason: &sealed,
                identity_shown: input.ground.shows_identity(),
                started_at: env.now,
                expires_at: env.now + env.cfg.emergency.duration,
            },
        )?;
        announce(conn, env, who, &case, &grant)?;
        let mut rows = Rows::default();
        rows.keep_case(&case);
        view(conn, env, &grant, &mut rows)
    })
}

/// The access made known: the case's timeline entry, the flagged audit entry naming the
/// person (never the reason) and the email to the owning agency's coordinators.
fn announce(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: &Case,
    grant: &EmergencyAccess,
) -> Result<(), UseCaseError> {
    let details = serde_json::json!({
        "emergency_access_id": grant.id,
        "ground": grant.ground,
        "identity_shown": grant.identity_shown,
        "expires_at": grant.expires_at,
    });
    timeline(
        conn,
        env,
        case.id,
        who.agency_id,
        Some(who),
        &[("emergency_access", None, details.clone())],
    )?;
    let mut flagged = details;
    flagged["flagged"] = serde_json::Value::Bool(true);
    let e = event(
        Some(who),
        CODE,
        ActionKind::Read,
        ("case", case.id.to_string()),
    )?
    .with_purpose(format!("emergency:{}", grant.id))
    .with_details(flagged);
    let e = crate::subjects::with_persons(conn, e, &[case.person_id])?;
    record(conn, env, e)?;
    let notice = Notice::EmergencyAccess {
        agency_id: case.agency_id,
        case_id: case.id,
        from_agency_id: who.agency_id,
        ground: grant.ground,
    };
    outbox::enqueue(
        conn,
        &NewOutboxMessage {
            channel: Channel::Email,
            topic: notice.topic().to_owned(),
            payload: notice.payload(),
            available_at: env.now,
        },
        env.now,
    )?;
    Ok(())
}
