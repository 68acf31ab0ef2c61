//! Idempotent creation: a creating request carrying an `Idempotency-Key` is done once
//! per user and key. The first response is stored (encrypted: it may hold identity) in
//! the same transaction as the creation; a replay with the same request returns it and
//! creates nothing, the same key with another request is refused.

use crate::UseCaseError;
use crate::support::{Env, open, run, seal};
use chrono::Duration;
use schakel_domain::{Action, Actor, Relationship};
use schakel_store::casework::idempotency::{self, StoredResponse};
use schakel_store::{DbConn, StoreError};

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 128;

/// A client's idempotency key and what its request was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The key as sent (1–128 visible ASCII characters).
    pub key: String,
    /// A hash of the method, route and body, to tell a replay from another request.
    pub fingerprint: String,
}

impl IdempotencyKey {
    /// A key as sent, checked.
    pub fn parse(key: &str, fingerprint: String) -> Result<Self, UseCaseError> {
        if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(UseCaseError::Invalid("idempotency_key"));
        }
        Ok(Self {
            key: key.to_owned(),
            fingerprint,
        })
    }
}

/// The result of a creating request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created<T> {
    /// Created now; `body` is the view as JSON, stored for replays.
    New {
        /// What was created.
        value: T,
        /// The view as JSON.
        body: String,
    },
    /// Created by an earlier request with the same key: its answer.
    Replayed {
        /// Its status.
        status: u16,
        /// Its view as JSON.
        body: String,
    },
}

impl<T> Created<T> {
    /// What was created now (`None` for a replay).
    pub fn into_new(self) -> Option<T> {
        match self {
            Created::New { value, .. } => Some(value),
            Created::Replayed { .. } => None,
        }
    }
}

/// Runs the creating use case `create` (which must not open a transaction itself) once
/// for `key`, in one transaction that also stores its view (as JSON, encrypted: it may
/// hold identity) for replays answered with `status`. A replay is answered only while
/// the actor's role still may take `action` in its own agency: a role changed since
/// gets 403, not the stored answer.
pub(crate) fn create_once<T: serde::Serialize>(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    action: Action,
    key: Option<&IdempotencyKey>,
    status: u16,
    create: &dyn Fn(&mut DbConn) -> Result<T, UseCaseError>,
) -> Result<Created<T>, UseCaseError> {
    let attempt = |conn: &mut DbConn| {
        run(conn, env, who, |conn| {
            if let Some(k) = key
                && let Some(prev) = idempotency::find(conn, who.user_id, &k.key, env.now)?
            {
                return replay(env, who, action, k, &prev);
            }
            let value = create(conn)?;
            let body =
                serde_json::to_string(&value).map_err(|e| UseCaseError::Encoding(e.to_string()))?;
            if let Some(k) = key {
                remember(conn, env, who, k, status, &body)?;
            }
            Ok(Created::New { value, body })
        })
    };
    match attempt(conn) {
        // A concurrent first request with the same key committed first: answer as a
        // replay of it.
        Err(UseCaseError::IdempotencyRace) => attempt(conn),
        other => other,
    }
}

/// The stored answer to `key`, if the request is the same and the role still may.
fn replay<T>(
    env: &Env<'_>,
    who: &Actor,
    action: Action,
    k: &IdempotencyKey,
    prev: &StoredResponse,
) -> Result<Created<T>, UseCaseError> {
    if prev.fingerprint != k.fingerprint {
        return Err(UseCaseError::IdempotencyMismatch);
    }
    if !who.may(action, Relationship::OwnAgency) {
        return Err(UseCaseError::Forbidden);
    }
    let aad_id = format!("{}:{}", who.user_id, k.key);
    let body = open(env.cfg, "idempotency_keys", "body", &aad_id, &prev.body)?;
    Ok(Created::Replayed {
        status: u16::try_from(prev.status).unwrap_or(200),
        body: body.as_str().to_owned(),
    })
}

/// Stores the first answer to `key`; a concurrent first answer is a race.
fn remember(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    k: &IdempotencyKey,
    status: u16,
    body: &str,
) -> Result<(), UseCaseError> {
    let aad_id = format!("{}:{}", who.user_id, k.key);
    let stored = StoredResponse {
        fingerprint: k.fingerprint.clone(),
        status: i32::from(status),
        body: seal(env.cfg, "idempotency_keys", "body", &aad_id, body)?,
    };
    let expires = env.now + Duration::hours(crate::config::IDEMPOTENCY_TTL_HOURS);
    idempotency::insert(conn, who.user_id, &k.key, &stored, env.now, expires).map_err(|e| match e {
        StoreError::Conflict(_) => UseCaseError::IdempotencyRace,
        other => other.into(),
    })
}
