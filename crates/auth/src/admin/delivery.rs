//! Undeliverable notifications: the admin sees the outbox rows and queued emails given
//! up on (never their payloads) and sends them again. A failed invitation or recovery
//! link cannot be sent again (its single-use token is scrubbed once given up on):
//! invite anew, or ask for a new link.

use super::{Conflict, Op, UseCaseError, permit};
use crate::RequestContext;
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Action, Actor};
use schakel_store::mail_queue::{self, MailEntry};
use schakel_store::outbox::{self, OutboxEntry};
use schakel_store::{DbConn, write_tx};

/// The most rows of each kind listed.
pub const LIST_LIMIT: i64 = 500;

/// What could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// Outbox rows given up on (an event nobody could receive).
    pub outbox: Vec<OutboxEntry>,
    /// Emails given up on, one per recipient.
    pub mail: Vec<MailEntry>,
}

/// Everything given up on, newest first.
pub fn failed(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Failed, UseCaseError> {
    let op = Op::new("admin.delivery_list", ActionKind::Read);
    permit(conn, who, Action::ManageDelivery, &op, ctx, now)?;
    Ok(Failed {
        outbox: outbox::list_in_state(conn, "failed", LIST_LIMIT)?,
        mail: mail_queue::list_in_state(conn, "failed", LIST_LIMIT)?,
    })
}

/// Sends a failed outbox row or queued email again, from its first attempt.
pub fn retry(
    conn: &mut DbConn,
    who: &Actor,
    id: uuid::Uuid,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), UseCaseError> {
    let op = Op::on("admin.delivery_retry", ActionKind::Update, "delivery", id);
    permit(conn, who, Action::ManageDelivery, &op, ctx, now)?;
    let id = id.to_string();
    write_tx(conn, |conn| {
        let failed = |found: Option<(String, String)>| {
            found.and_then(|(topic, state)| (state == "failed").then_some(topic))
        };
        let failed_mail = failed(mail_queue::topic_and_state(conn, &id)?);
        let failed_row = failed(outbox::topic_and_state(conn, &id)?);
        let topic = match (&failed_mail, &failed_row) {
            (Some(topic), _) | (None, Some(topic)) => topic.clone(),
            (None, None) => return Err(UseCaseError::NotFound),
        };
        // The token of an account link was scrubbed when the email was given up on.
        if matches!(topic.as_str(), "invitation" | "password_reset") && failed_mail.is_some() {
            return Err(UseCaseError::Conflict(Conflict::NotRetryable));
        }
        let retried = if failed_mail.is_some() {
            mail_queue::retry(conn, &id, now)?
        } else {
            outbox::retry(conn, &id, now)?
        };
        if !retried {
            return Err(UseCaseError::NotFound);
        }
        let details = serde_json::json!({ "topic": topic, "queued_email": failed_mail.is_some() });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok(())
    })
}
