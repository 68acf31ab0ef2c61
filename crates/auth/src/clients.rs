//! External systems' access: an agency's own system (its case system, a hospital's
//! record) holds a client account and exchanges its client secret for a short-lived
//! access token (OAuth 2.0 client credentials, RFC 6749 §4.4). The token opens a session
//! of the client's account like any other, so every rule, check and audit entry of the
//! platform applies to it unchanged; it has no refresh token (the client asks again)
//! and no second factor (the secret is 256 random bits, known only by its digest here).

use crate::events::{event, record, user_actor};
use crate::jwt::Keyring;
use crate::{AuthConfig, AuthError, RequestContext, secret_token};
use chrono::{DateTime, Duration, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::UserId;
use schakel_store::{DbConn, agencies, clients, sessions, write_tx};

/// An access token for a client.
pub struct ClientToken {
    /// The access JWT.
    pub access_token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

/// Secrets never reach logs or panics.
impl std::fmt::Debug for ClientToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientToken")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// Exchanges a client's id and secret for an access token; any mismatch (unknown
/// secret, another client's id, a deactivated account or agency) is
/// [`AuthError::InvalidCredentials`] and an audit entry `auth.client_token` of outcome
/// `failure`.
pub fn exchange(
    conn: &mut DbConn,
    keyring: &Keyring,
    cfg: &AuthConfig,
    (client_id, secret): (&str, &str),
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<ClientToken, AuthError> {
    let presented = secret_token::hash(secret);
    let claimed: Option<UserId> = client_id.trim().parse().ok();
    let session = write_tx(conn, |conn| {
        let found = clients::find_by_secret(conn, &presented)?;
        let reason = match &found {
            None => Some("unknown_secret"),
            Some(u) if Some(u.id) != claimed => Some("other_client"),
            Some(u) if !u.active => Some("deactivated"),
            Some(u) if !agencies::find(conn, u.agency_id)?.active => Some("agency_inactive"),
            Some(_) => None,
        };
        let user = match (found, reason) {
            (Some(user), None) => user,
            (found, reason) => {
                let mut e = event(
                    "auth.client_token",
                    ActionKind::Create,
                    Outcome::Failure,
                    ctx,
                )?
                .with_details(serde_json::json!({ "reason": reason }));
                if let Some(u) = found.filter(|u| Some(u.id) == claimed) {
                    e = e
                        .with_actor(user_actor(u.id, u.agency_id, u.role))
                        .with_object("user", u.id);
                }
                record(conn, &e, now)?;
                return Ok(None);
            }
        };
        let origin = sessions::Origin {
            source_ip: ctx.source_ip.map(|ip| ip.to_string()),
            user_agent: ctx.user_agent.clone(),
        };
        let expires = now + Duration::seconds(cfg.access_ttl_secs);
        let session = sessions::create(conn, user.id, true, (now, expires), &origin)?;
        let e = event(
            "auth.client_token",
            ActionKind::Create,
            Outcome::Success,
            ctx,
        )?
        .with_actor(user_actor(user.id, user.agency_id, user.role))
        .with_object("session", session.id);
        record(conn, &e, now)?;
        Ok::<_, AuthError>(Some(session))
    })?;
    let session = session.ok_or(AuthError::InvalidCredentials)?;
    Ok(ClientToken {
        access_token: crate::session::access_token(keyring, cfg, &session, now)?,
        expires_in: cfg.access_ttl_secs,
    })
}
