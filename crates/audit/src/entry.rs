//! A recorded audit entry as the rest of the platform reads it.
//!
//! Owns the conversion between the stored row and typed values. A row that does not
//! convert is reported as corrupt with its `seq`; checking the chain works on the raw
//! rows instead (see `verify`), so it can name even an entry edited into nonsense.

use crate::{AuditActor, AuditError, AuditObject};
use chrono::{DateTime, Utc};
use schakel_domain::audit::{ActionCode, ActionKind, Outcome};
use schakel_store::audit_log::AuditEntryRow;
use schakel_store::from_db_time;
use std::net::IpAddr;
use uuid::Uuid;

/// One entry of the trail, with its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Its position in the chain: 1, 2, 3, ... without gaps; `None` while the entry is
    /// unsealed (on PostgreSQL, until the sealer links it, normally within a second).
    pub seq: Option<i64>,
    /// Its id.
    pub id: Uuid,
    /// When it happened (UTC, microseconds).
    pub occurred_at: DateTime<Utc>,
    /// Who acted.
    pub actor: Option<AuditActor>,
    /// The responsible user on whose behalf the actor acted.
    pub on_behalf_of: Option<Uuid>,
    /// The action code.
    pub action: ActionCode,
    /// Create, read, update, delete or export.
    pub action_kind: ActionKind,
    /// The object acted on.
    pub object: Option<AuditObject>,
    /// The purpose or legal basis.
    pub purpose: Option<String>,
    /// The pseudonym of the person the data is about.
    pub subject_pseudonym: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// The client address.
    pub source_ip: Option<IpAddr>,
    /// The request id.
    pub request_id: Option<String>,
    /// Further facts (a JSON object).
    pub details: serde_json::Value,
    /// The hash of the entry before it (64 zeros for the first); `None` until sealed.
    pub prev_hash: Option<String>,
    /// Its own hash (see the README for what it covers); `None` until sealed.
    pub hash: Option<String>,
}

impl TryFrom<AuditEntryRow> for AuditEntry {
    type Error = AuditError;

    fn try_from(r: AuditEntryRow) -> Result<Self, AuditError> {
        let seq = r.seq;
        let corrupt = |field: &'static str| AuditError::Corrupt {
            seq: seq.unwrap_or(0),
            field,
        };
        fn parse<T: std::str::FromStr>(
            v: Option<String>,
            err: impl Fn() -> AuditError,
        ) -> Result<Option<T>, AuditError> {
            v.map(|s| s.parse().map_err(|_| err())).transpose()
        }
        let actor = match (r.actor_user_id, r.actor_agency_id, r.actor_role) {
            (None, None, None) => None,
            (Some(user), Some(agency), Some(role)) => Some(AuditActor {
                user_id: user.parse().map_err(|_| corrupt("actor_user_id"))?,
                agency_id: agency.parse().map_err(|_| corrupt("actor_agency_id"))?,
                role: role.parse().map_err(|_| corrupt("actor_role"))?,
            }),
            _ => return Err(corrupt("actor")),
        };
        let object = match (r.object_type, r.object_id) {
            (None, None) => None,
            (Some(kind), Some(id)) => Some(AuditObject { kind, id }),
            _ => return Err(corrupt("object")),
        };
        Ok(AuditEntry {
            seq,
            id: r.id.parse().map_err(|_| corrupt("id"))?,
            occurred_at: from_db_time(r.occurred_at),
            actor,
            on_behalf_of: parse(r.on_behalf_of, || corrupt("on_behalf_of"))?,
            action: r.action.parse().map_err(|_| corrupt("action"))?,
            action_kind: r.action_kind.parse().map_err(|_| corrupt("action_kind"))?,
            object,
            purpose: r.purpose,
            subject_pseudonym: r.subject_pseudonym,
            outcome: r.outcome.parse().map_err(|_| corrupt("outcome"))?,
            source_ip: parse(r.source_ip, || corrupt("source_ip"))?,
            request_id: r.request_id,
            details: serde_json::from_str(&r.details).map_err(|_| corrupt("details"))?,
            prev_hash: r.prev_hash,
            hash: r.hash,
        })
    }
}
