//! What every use case shares: its environment, the transaction that records denials
//! after rolling back, audit entries, timeline entries, outbox rows and field
//! encryption.

use crate::{Denial, IfMatch, UseCaseError, WorkflowConfig};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionCode, ActionKind, AuditActor, AuditEvent, Outcome};
use schakel_auth::RequestContext;
use schakel_crypto::field_aad;
use schakel_domain::{
    Action, Actor, AgencyId, CaseId, Notice, ReferralFacts, ReferralId, ReferralTopic,
    Relationship, Role,
};
use schakel_store::casework::timeline::{self, NewCaseEvent};
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::{DbConn, write_tx};
use zeroize::Zeroizing;

/// Checks the version a change is made from.
pub(crate) fn check_version(if_match: IfMatch, current: i64) -> Result<i64, UseCaseError> {
    match if_match {
        IfMatch::Missing => Err(UseCaseError::VersionRequired),
        IfMatch::NeverMatches => Err(UseCaseError::VersionMismatch),
        IfMatch::Version(v) if v != current => Err(UseCaseError::VersionMismatch),
        IfMatch::Version(v) => Ok(v),
    }
}

/// The environment of one use case: settings, the request's audit facts, the time.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    /// Settings and keys.
    pub cfg: &'a WorkflowConfig,
    /// Source address and request id for the audit trail.
    pub ctx: &'a RequestContext,
    /// The time of the request.
    pub now: DateTime<Utc>,
}

/// Runs `f` in one write transaction. A denial rolls it back, is then recorded in a
/// transaction of its own, and answers 404 or 403.
pub(crate) fn run<T>(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    f: impl FnOnce(&mut DbConn) -> Result<T, UseCaseError>,
) -> Result<T, UseCaseError> {
    match write_tx(conn, f) {
        Err(UseCaseError::Denied(d)) => {
            let refused = schakel_auth::policy::Refused {
                code: d.code,
                kind: d.kind,
                object: d.object.as_ref().map(|(kind, id)| (*kind, id.as_str())),
            };
            schakel_auth::policy::record_denial(conn, who, &refused, env.ctx, env.now)?;
            Err(if d.hide {
                UseCaseError::NotFound
            } else {
                UseCaseError::Forbidden
            })
        }
        other => other,
    }
}

/// A denial of `code` on `object` (hidden: 404) or on a collection (403).
pub(crate) fn denied(
    code: &'static str,
    kind: ActionKind,
    object: Option<(&'static str, String)>,
) -> UseCaseError {
    let hide = object.is_some();
    UseCaseError::Denied(Box::new(Denial {
        code,
        kind,
        object,
        hide,
    }))
}

/// A denial of an action on an object the actor can see but may not change this way.
pub(crate) fn refused(
    code: &'static str,
    kind: ActionKind,
    object: (&'static str, String),
) -> UseCaseError {
    UseCaseError::Denied(Box::new(Denial {
        code,
        kind,
        object: Some(object),
        hide: false,
    }))
}

/// Checks that the role may take `action` at all (on a collection): 403 otherwise.
pub(crate) fn permit_role(
    who: &Actor,
    action: Action,
    rel: Relationship,
    code: &'static str,
    kind: ActionKind,
) -> Result<(), UseCaseError> {
    if who.may(action, rel) {
        Ok(())
    } else {
        Err(denied(code, kind, None))
    }
}

fn code(c: &str) -> Result<ActionCode, UseCaseError> {
    ActionCode::parse(c).map_err(|e| UseCaseError::Audit(format!("{c}: {e}")))
}

/// The audit actor of a signed-in user.
pub(crate) fn actor(a: &Actor) -> AuditActor {
    AuditActor {
        user_id: a.user_id.as_uuid(),
        agency_id: a.agency_id,
        role: a.role,
    }
}

/// A successful action's audit event, by `who` (or the platform itself when `None`).
pub(crate) fn event(
    who: Option<&Actor>,
    code_text: &'static str,
    kind: ActionKind,
    object: (&'static str, String),
) -> Result<AuditEvent, UseCaseError> {
    let mut e =
        AuditEvent::new(code(code_text)?, kind, Outcome::Success).with_object(object.0, object.1);
    if let Some(who) = who {
        e = e.with_actor(actor(who));
    }
    Ok(e)
}

/// Records an audit event in the current transaction, with the request's facts.
pub(crate) fn record(
    conn: &mut DbConn,
    env: &Env<'_>,
    mut e: AuditEvent,
) -> Result<(), UseCaseError> {
    if let Some(ip) = env.ctx.source_ip {
        e = e.with_source_ip(ip);
    }
    if let Some(id) = &env.ctx.request_id {
        e = e.with_request_id(id.clone());
    }
    schakel_audit::record(conn, &e, env.now)?;
    Ok(())
}

/// Appends timeline entries to a case, in the order given.
pub(crate) fn timeline(
    conn: &mut DbConn,
    env: &Env<'_>,
    case: CaseId,
    agency: AgencyId,
    who: Option<&Actor>,
    entries: &[(&str, Option<ReferralId>, serde_json::Value)],
) -> Result<(), UseCaseError> {
    for (ordinal, (kind, referral, details)) in entries.iter().enumerate() {
        timeline::append(
            conn,
            &NewCaseEvent {
                case_id: case,
                ordinal: i32::try_from(ordinal).unwrap_or(i32::MAX),
                kind,
                agency_id: agency,
                user_id: who.map(|w| w.user_id),
                referral_id: *referral,
                details: details.clone(),
            },
            env.now,
        )?;
    }
    Ok(())
}

/// Who at an agency an email is for: the worker responsible for the case, if any, and
/// otherwise (or when that account is no longer active there) the users of `roles`.
#[derive(Debug, Clone)]
pub(crate) struct To<'a> {
    pub(crate) agency: AgencyId,
    pub(crate) user: Option<schakel_domain::UserId>,
    pub(crate) roles: &'a [Role],
}

impl<'a> To<'a> {
    /// The users of `roles` at `agency`.
    pub(crate) fn roles(agency: AgencyId, roles: &'a [Role]) -> Self {
        To {
            agency,
            user: None,
            roles,
        }
    }
}

/// Queues an email about a referral to `to`. The payload holds ids and codes for the
/// link and the template, never personal data.
pub(crate) fn notify(
    conn: &mut DbConn,
    env: &Env<'_>,
    topic: ReferralTopic,
    to: To<'_>,
    about: ReferralFacts,
) -> Result<(), UseCaseError> {
    outbox::enqueue(conn, &notice_message(env, topic, to, about), env.now)?;
    Ok(())
}

/// The outbox row of an email about a referral (see [`notify`]).
pub(crate) fn notice_message(
    env: &Env<'_>,
    topic: ReferralTopic,
    to: To<'_>,
    about: ReferralFacts,
) -> NewOutboxMessage {
    let notice = Notice::Referral {
        topic,
        agency_id: to.agency,
        user_id: to.user,
        roles: to.roles.to_vec(),
        about,
    };
    NewOutboxMessage {
        channel: Channel::Email,
        topic: notice.topic().to_owned(),
        payload: notice.payload(),
        available_at: env.now,
    }
}

/// Queues a monitor event.
pub(crate) fn monitor(
    conn: &mut DbConn,
    env: &Env<'_>,
    event: &schakel_domain::MonitorEvent,
) -> Result<(), UseCaseError> {
    outbox::enqueue(conn, &monitor_message(env, event), env.now)?;
    Ok(())
}

/// The outbox row of a monitor event (see [`monitor`]).
pub(crate) fn monitor_message(
    env: &Env<'_>,
    event: &schakel_domain::MonitorEvent,
) -> NewOutboxMessage {
    NewOutboxMessage {
        channel: Channel::Monitor,
        topic: event.kind.as_str().to_owned(),
        payload: event.payload(),
        available_at: env.now,
    }
}

/// Queues several outbox rows (emails, monitor events) in one statement.
pub(crate) fn queue_all(
    conn: &mut DbConn,
    env: &Env<'_>,
    messages: &[NewOutboxMessage],
) -> Result<(), UseCaseError> {
    outbox::enqueue_all(conn, messages, env.now)?;
    Ok(())
}

/// Queues a relink for the monitor: a corrected person is counted under its new key.
pub(crate) fn monitor_relink(
    conn: &mut DbConn,
    env: &Env<'_>,
    relink: &schakel_domain::PersonRelink,
) -> Result<(), UseCaseError> {
    outbox::enqueue(
        conn,
        &NewOutboxMessage {
            channel: Channel::Monitor,
            topic: schakel_domain::RELINK_TOPIC.to_owned(),
            payload: relink.payload(),
            available_at: env.now,
        },
        env.now,
    )?;
    Ok(())
}

/// The row an input field names: only a row that does not exist is the input's fault
/// (`Invalid(field)`, 422); any other failure stays the store's (an unreachable
/// database answers 503, never "bad input").
pub(crate) fn named_by<T>(
    found: Result<T, schakel_store::StoreError>,
    field: &'static str,
) -> Result<T, UseCaseError> {
    match found {
        Ok(row) => Ok(row),
        Err(schakel_store::StoreError::NotFound) => Err(UseCaseError::Invalid(field)),
        Err(other) => Err(UseCaseError::Store(other)),
    }
}

/// Encrypts a free-text or identity field of row `id` in `table`.`column`.
pub(crate) fn seal(
    cfg: &WorkflowConfig,
    table: &str,
    column: &str,
    id: &impl ToString,
    plain: &str,
) -> Result<String, UseCaseError> {
    Ok(cfg
        .keys
        .encrypt(plain, &field_aad(table, column, &id.to_string()))?)
}

/// Decrypts what [`seal`] made.
pub(crate) fn open(
    cfg: &WorkflowConfig,
    table: &str,
    column: &str,
    id: &impl ToString,
    sealed: &str,
) -> Result<Zeroizing<String>, UseCaseError> {
    use schakel_crypto::ExposeSecret;
    let secret = cfg
        .keys
        .decrypt(sealed, &field_aad(table, column, &id.to_string()))?;
    Ok(Zeroizing::new(secret.expose_secret().to_owned()))
}

/// Decrypts an optional sealed field.
pub(crate) fn open_opt(
    cfg: &WorkflowConfig,
    table: &str,
    column: &str,
    id: &impl ToString,
    sealed: Option<&str>,
) -> Result<Option<String>, UseCaseError> {
    sealed
        .map(|s| open(cfg, table, column, id, s).map(|z| z.as_str().to_owned()))
        .transpose()
}

/// Checks a free text: trimmed, at most `max` characters, no control characters other
/// than line breaks and tabs; empty is `None`.
pub(crate) fn free_text(
    raw: Option<&str>,
    max: usize,
    field: &'static str,
) -> Result<Option<String>, UseCaseError> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max
        || text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(UseCaseError::Invalid(field));
    }
    Ok(Some(text.to_owned()))
}
