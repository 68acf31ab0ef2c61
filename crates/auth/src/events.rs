//! Building the audit entries of authentication and account events.

use crate::{AuthError, RequestContext};
use schakel_audit::{ActionCode, ActionKind, AuditActor, AuditEvent, Outcome};
use schakel_domain::{Actor, AgencyId, Role, UserId};

/// An event with the request's facts filled in.
pub(crate) fn event(
    code: &str,
    kind: ActionKind,
    outcome: Outcome,
    ctx: &RequestContext,
) -> Result<AuditEvent, AuthError> {
    let code = ActionCode::parse(code).map_err(|e| AuthError::Setup(format!("{code}: {e}")))?;
    let mut e = AuditEvent::new(code, kind, outcome);
    if let Some(ip) = ctx.source_ip {
        e = e.with_source_ip(ip);
    }
    if let Some(id) = &ctx.request_id {
        e = e.with_request_id(id.clone());
    }
    Ok(e)
}

/// The audit actor of a signed-in user.
pub(crate) fn actor(a: &Actor) -> AuditActor {
    AuditActor {
        user_id: a.user_id.as_uuid(),
        agency_id: a.agency_id,
        role: a.role,
    }
}

/// The audit actor of a user acting before a full session exists.
pub(crate) fn user_actor(user: UserId, agency: AgencyId, role: Role) -> AuditActor {
    AuditActor {
        user_id: user.as_uuid(),
        agency_id: agency,
        role,
    }
}

/// Records an event in the current transaction.
pub(crate) fn record(
    conn: &mut schakel_store::DbConn,
    e: &AuditEvent,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AuthError> {
    schakel_audit::record(conn, e, now)
        .map(|_| ())
        .map_err(|err| match err {
            schakel_audit::AuditError::Store(s) => AuthError::Store(s),
            other => AuthError::Audit(other.to_string()),
        })
}
