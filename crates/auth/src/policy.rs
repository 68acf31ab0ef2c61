//! The one place a policy denial is audited. Every use case that refuses an actor by
//! the access policy (case work, administration, the monitor, the audit trail) records
//! the attempt here: in a transaction of its own (the use case's own is rolled back, so
//! nothing it began survives), with the outcome `denied` and the reason `policy`, never
//! with what was asked for. The use case then answers 404 for a named object and 403
//! for a collection.
//!
//! Must not: record anything but the attempt (no input, no personal data).

use crate::events::{actor, event, record};
use crate::{AuthError, RequestContext};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::Actor;
use schakel_store::{DbConn, write_tx};

/// What was refused: the action's audit code and kind, and the object it named.
#[derive(Debug, Clone, Copy)]
pub struct Refused<'a> {
    /// The action's audit code (`case.read`, `admin.user_invite`, …).
    pub code: &'a str,
    /// Its kind.
    pub kind: ActionKind,
    /// The object it named (type and id), or `None` for a collection.
    pub object: Option<(&'a str, &'a str)>,
}

/// Records that the policy refused `who` the action `refused`, in a transaction of its
/// own.
pub fn record_denial(
    conn: &mut DbConn,
    who: &Actor,
    refused: &Refused<'_>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    write_tx(conn, |conn| {
        let mut e = event(refused.code, refused.kind, Outcome::Denied, ctx)?
            .with_actor(actor(who))
            .with_details(serde_json::json!({ "reason": "policy" }));
        if let Some((kind, id)) = refused.object {
            e = e.with_object(kind, id);
        }
        record(conn, &e, now)
    })
}
