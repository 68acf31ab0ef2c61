//! Time-based one-time codes (RFC 6238): six digits, 30-second steps, SHA-1, as every
//! authenticator app understands.
//!
//! Secrets are 160 random bits. A code is accepted for the current step and one step
//! either side (clock drift), and only once: the caller stores the step of the last
//! accepted code and passes it back, and no code of that step or an earlier one is
//! accepted again.

use crate::AuthError;
use chrono::{DateTime, Utc};
use rand::RngCore;
use rand::rngs::OsRng;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

/// Where a TOTP secret is stored, bound into its encryption.
pub(crate) fn totp_aad(user: schakel_domain::UserId) -> String {
    schakel_crypto::field_aad("users", "totp_secret", &user.to_string())
}

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Steps of drift accepted either side.
pub const DRIFT_STEPS: i64 = 1;
const DIGITS: usize = 6;
const SECRET_BYTES: usize = 20;

/// A new random secret (160 bits).
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], account: &str, issuer: &str) -> Result<TOTP, AuthError> {
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECS as u64,
        secret.to_vec(),
        Some(issuer.to_owned()),
        account.to_owned(),
    )
    .map_err(|e| AuthError::Setup(format!("TOTP: {e}")))
}

/// The `otpauth://` URI an authenticator app enrols from (usually shown as a QR code).
pub fn otpauth_uri(secret: &[u8], account: &str, issuer: &str) -> Result<String, AuthError> {
    Ok(totp(secret, account, issuer)?.get_url())
}

/// The step a time falls in.
pub fn step_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECS)
}

/// Checks `code` at `now`. `last_step` is the step of the last code accepted for this
/// secret. Returns the step of the accepted code, to be stored as the new `last_step`.
pub fn verify(
    secret: &[u8],
    code: &str,
    now: DateTime<Utc>,
    last_step: Option<i64>,
) -> Result<i64, AuthError> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AuthError::InvalidCode);
    }
    let generator = totp(secret, "check", "Schakel")?;
    let current = step_of(now);
    let mut accepted = None;
    // Check every candidate step, in constant time per comparison, without stopping
    // early, so the time taken does not depend on which step matched.
    for step in current - DRIFT_STEPS..=current + DRIFT_STEPS {
        let Ok(at) = u64::try_from(step * STEP_SECS) else {
            continue;
        };
        let expected = generator.generate(at);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && accepted.is_none() {
            accepted = Some(step);
        }
    }
    match accepted {
        Some(step) if last_step.is_none_or(|last| step > last) => Ok(step),
        _ => Err(AuthError::InvalidCode),
    }
}

/// The code for `now` (for tests and the demo's printed instructions).
pub fn code_at(secret: &[u8], now: DateTime<Utc>) -> Result<String, AuthError> {
    let at = u64::try_from(now.timestamp()).map_err(|_| AuthError::Setup("time".into()))?;
    Ok(totp(secret, "check", "Schakel")?.generate(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0).unwrap()
    }

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s → 94287082 (eight digits); six: 287082.
        let secret = b"12345678901234567890";
        let at = Utc.timestamp_opt(59, 0).unwrap();
        assert_eq!(code_at(secret, at).unwrap(), "287082");
    }

    #[test]
    fn drift_of_one_step_is_accepted_and_two_are_refused() {
        let secret = new_secret();
        assert_eq!(secret.len(), 20, "160 bits");
        let now = t0();
        let step = Duration::seconds(STEP_SECS);
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at(&secret, now + step * offset).unwrap();
            assert_eq!(
                verify(&secret, &code, now, None).is_ok(),
                accepted,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_once() {
        let secret = new_secret();
        let now = t0();
        let code = code_at(&secret, now).unwrap();
        let step = verify(&secret, &code, now, None).unwrap();
        assert!(matches!(
            verify(&secret, &code, now, Some(step)),
            Err(AuthError::InvalidCode)
        ));
        let earlier = code_at(&secret, now - Duration::seconds(STEP_SECS)).unwrap();
        assert!(
            verify(&secret, &earlier, now, Some(step)).is_err(),
            "no going back"
        );
        let next = code_at(&secret, now + Duration::seconds(STEP_SECS)).unwrap();
        assert!(
            verify(
                &secret,
                &next,
                now + Duration::seconds(STEP_SECS),
                Some(step)
            )
            .is_ok()
        );
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = new_secret();
        for code in ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"] {
            assert!(verify(&secret, code, t0(), None).is_err(), "{code}");
        }
    }

    #[test]
    fn the_enrolment_uri_names_the_issuer_and_account() {
        let uri = otpauth_uri(&new_secret(), "anna@example.test", "Schakel").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Schakel:anna%40example.test?"),
            "{uri}"
        );
        assert!(uri.contains("issuer=Schakel") && uri.contains("secret="));
    }
}
