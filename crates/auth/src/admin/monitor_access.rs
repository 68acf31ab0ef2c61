//! Who may read the monitor's tables, and the audit entry of every reading: only
//! analysts; anyone else is told the tables do not exist (and the attempt is audited).
//! A request for the exact overlap table is recorded with its purpose before anything is
//! returned.

use super::{Op, UseCaseError};
use crate::RequestContext;
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Action, Actor, Relationship};
use schakel_store::{DbConn, write_tx};

/// Checks that `who` may read the monitor and records the reading (`code`, e.g.
/// `monitor.counts`, with `details`: what was asked, never an answer).
pub fn read_monitor(
    conn: &mut DbConn,
    who: &Actor,
    code: &'static str,
    details: serde_json::Value,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), UseCaseError> {
    if !who.may(Action::ReadMonitor, Relationship::Platform) {
        let refused = crate::policy::Refused {
            code,
            kind: ActionKind::Read,
            object: None,
        };
        crate::policy::record_denial(conn, who, &refused, ctx, now)?;
        return Err(UseCaseError::NotFound);
    }
    let op = Op::new(code, ActionKind::Read);
    write_tx(conn, |conn| {
        op.record(conn, who, Outcome::Success, details, ctx, now)
            .map_err(UseCaseError::from)
    })
}
