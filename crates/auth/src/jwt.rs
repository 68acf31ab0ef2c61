//! Access tokens: short-lived JWTs, HS256 only, keys only from configuration.
//!
//! Validation follows RFC 8725: the algorithm is pinned (the header's `alg` must be
//! HS256), the key is chosen by `kid` from the server's own keyring only (`jku`, `jwk`,
//! `x5u` and `x5c` are refused), the header's `typ` must be `at+jwt` so no other token
//! passes as an access token, and `iss`, `aud`, `sub`, `sid`, `exp`, `nbf` and `iat` are
//! required. Expiry and not-before are judged against the injected clock, not the
//! system time, with at most 30 seconds of leeway.

use crate::AuthError;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretSlice};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `typ` of an access token (RFC 9068).
pub const ACCESS_TYP: &str = "at+jwt";
/// Leeway for clock differences, in seconds.
pub const LEEWAY_SECS: i64 = 30;
/// Fewest bytes an HMAC key may have.
pub const MIN_KEY_BYTES: usize = 32;

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// The session id.
    pub sid: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Not before.
    pub nbf: i64,
    /// Issued at.
    pub iat: i64,
}

/// The server's signing keys, by key id; one of them signs new tokens.
#[derive(Debug)]
pub struct Keyring {
    issuer: String,
    audience: String,
    current: String,
    keys: BTreeMap<String, SecretSlice<u8>>,
}

impl Keyring {
    /// A keyring; `current` must name one of `keys`, and every key must have at least
    /// 32 bytes.
    pub fn new(
        issuer: &str,
        audience: &str,
        current: &str,
        keys: BTreeMap<String, SecretSlice<u8>>,
    ) -> Result<Self, AuthError> {
        if !keys.contains_key(current) {
            return Err(AuthError::Setup(format!(
                "no token key with id '{current}'"
            )));
        }
        if let Some((kid, _)) = keys
            .iter()
            .find(|(_, k)| k.expose_secret().len() < MIN_KEY_BYTES)
        {
            return Err(AuthError::Setup(format!(
                "token key '{kid}' is shorter than {MIN_KEY_BYTES} bytes"
            )));
        }
        Ok(Self {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            current: current.to_owned(),
            keys,
        })
    }

    /// Signs an access token for `user` in `session`, valid for `ttl_secs` from `now`.
    pub fn issue(
        &self,
        user: &str,
        session: &str,
        now: DateTime<Utc>,
        ttl_secs: i64,
    ) -> Result<String, AuthError> {
        let key = self
            .keys
            .get(&self.current)
            .ok_or_else(|| AuthError::Setup("current key missing".into()))?;
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some(ACCESS_TYP.to_owned());
        header.kid = Some(self.current.clone());
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user.to_owned(),
            sid: session.to_owned(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: now.timestamp() + ttl_secs,
        };
        jsonwebtoken::encode(
            &header,
            &claims,
            &EncodingKey::from_secret(key.expose_secret()),
        )
        .map_err(|e| AuthError::Setup(format!("signing: {e}")))
    }

    /// Verifies an access token at `now`; any defect is [`AuthError::InvalidToken`].
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<AccessClaims, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::InvalidToken)?;
        let foreign_key_source = header.jku.is_some()
            || header.jwk.is_some()
            || header.x5u.is_some()
            || header.x5c.is_some()
            || header.x5t.is_some()
            || header.x5t_s256.is_some();
        if header.alg != Algorithm::HS256
            || header.typ.as_deref() != Some(ACCESS_TYP)
            || foreign_key_source
        {
            return Err(AuthError::InvalidToken);
        }
        let kid = header.kid.ok_or(AuthError::InvalidToken)?;
        let key = self.keys.get(&kid).ok_or(AuthError::InvalidToken)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        // Time is judged below against the injected clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = jsonwebtoken::decode::<AccessClaims>(
            token,
            &DecodingKey::from_secret(key.expose_secret()),
            &validation,
        )
        .map_err(|_| AuthError::InvalidToken)?;
        let c = data.claims;
        let t = now.timestamp();
        if c.exp <= t - LEEWAY_SECS || c.nbf > t + LEEWAY_SECS || c.iat > t + LEEWAY_SECS {
            return Err(AuthError::InvalidToken);
        }
        if c.sid.is_empty() || c.sub.is_empty() {
            return Err(AuthError::InvalidToken);
        }
        Ok(c)
    }
}
