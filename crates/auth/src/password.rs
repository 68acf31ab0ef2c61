//! Passwords: the policy for choosing one, and argon2id hashing.
//!
//! Policy (NIST SP 800-63B, OWASP ASVS 6.2): 15 to 128 characters, any Unicode, spaces
//! allowed, no composition rules, never truncated; refused when a strength estimate
//! (zxcvbn, fed with the user's own context: email, name, agency, the product name)
//! finds it guessable. Hashes are argon2id v19 with m = 19456 KiB, t = 2, p = 1; a
//! stored hash with weaker parameters is reported so the caller can re-hash it at the
//! next successful login. Hashing is slow on purpose: callers run it on a blocking pool
//! behind a bounded semaphore.

use crate::AuthError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::OnceLock;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 15;
/// Most characters a password may have.
pub const MAX_CHARS: usize = 128;
/// Memory cost in KiB.
pub const M_COST: u32 = 19_456;
/// Iterations.
pub const T_COST: u32 = 2;
/// Parallelism.
pub const P_COST: u32 = 1;

/// Why a chosen password is refused; shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Fewer than 15 characters.
    #[error("use at least 15 characters")]
    TooShort,
    /// More than 128 characters.
    #[error("use at most 128 characters")]
    TooLong,
    /// Contains the user's email, name or agency, or the product name.
    #[error("do not use your name, email address, agency or the product name")]
    ContainsContext,
    /// Too easy to guess (common words, patterns, leaked lists).
    #[error("this password is too easy to guess; a few unrelated words make a strong one")]
    Guessable,
}

/// Checks a chosen password against the policy; `context` holds the user's email,
/// names and agency name.
pub fn check_policy(password: &str, context: &[&str]) -> Result<(), Rejection> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(Rejection::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(Rejection::TooLong);
    }
    let lower = password.to_lowercase();
    let words = context_words(context);
    if words.iter().any(|w| lower.contains(w.as_str())) {
        return Err(Rejection::ContainsContext);
    }
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if estimate.score() < zxcvbn::Score::Three {
        return Err(Rejection::Guessable);
    }
    Ok(())
}

/// The words of the context worth refusing: parts of at least four letters, lower case.
fn context_words(context: &[&str]) -> Vec<String> {
    context
        .iter()
        .chain(std::iter::once(&"schakel"))
        .flat_map(|c| c.split(|ch: char| !ch.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

fn hasher() -> Result<Argon2<'static>, AuthError> {
    let params = Params::new(M_COST, T_COST, P_COST, None)
        .map_err(|e| AuthError::Setup(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password as an argon2id PHC string.
pub fn hash(password: &SecretString) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Setup(format!("argon2: {e}")))
}

/// The result of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The password matches.
    pub matches: bool,
    /// The stored hash is weaker than today's parameters: re-hash after a match.
    pub needs_rehash: bool,
}

/// Checks `password` against a stored PHC string. A malformed stored hash never
/// matches.
pub fn verify(stored: &str, password: &SecretString) -> Verified {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verified {
            matches: false,
            needs_rehash: true,
        };
    };
    let matches = Argon2::default()
        .verify_password(password.expose_secret().as_bytes(), &parsed)
        .is_ok();
    Verified {
        matches,
        needs_rehash: is_weaker_than_policy(&parsed),
    }
}

fn is_weaker_than_policy(hash: &PasswordHash<'_>) -> bool {
    if hash.algorithm != Algorithm::Argon2id.ident() || hash.version != Some(Version::V0x13.into())
    {
        return true;
    }
    match Params::try_from(hash) {
        Ok(p) => p.m_cost() < M_COST || p.t_cost() < T_COST || p.p_cost() != P_COST,
        Err(_) => true,
    }
}

/// Spends the same work as a real verification, for unknown accounts, so the time of a
/// login does not tell whether an account exists.
pub fn verify_dummy(password: &SecretString) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy =
        DUMMY.get_or_init(|| hash(&SecretString::from("dummy password for unknown accounts")).ok());
    if let Some(stored) = dummy {
        let _ = verify(stored, password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn the_policy_table() {
        let ctx = [
            "anna.de.vries@gemeente-utrecht.nl",
            "Anna de Vries",
            "Gemeente Utrecht",
        ];
        let cases: &[(&str, Result<(), Rejection>)] = &[
            ("korte-zin-ok14", Err(Rejection::TooShort)),
            ("kompas tulp regen", Ok(())),
            ("fiets lantaarn oever", Ok(())),
            ("🐙🌷🚲 mango ventiel doos", Ok(())),
            ("passwordpassword", Err(Rejection::Guessable)),
            ("123456789012345", Err(Rejection::Guessable)),
            ("aaaaaaaaaaaaaaaaaaaa", Err(Rejection::Guessable)),
            ("qwertyuiopasdfgh", Err(Rejection::Guessable)),
            ("utrecht kompas tulp regen", Err(Rejection::ContainsContext)),
            ("anna zegt kompas tulp", Err(Rejection::ContainsContext)),
            ("schakel kompas tulp regen", Err(Rejection::ContainsContext)),
        ];
        for (candidate, expected) in cases {
            assert_eq!(check_policy(candidate, &ctx), *expected, "{candidate}");
        }
        let exactly_128: String = "veilig-".repeat(18) + "ab";
        assert_eq!(exactly_128.chars().count(), 128);
        assert_eq!(check_policy(&exactly_128, &ctx), Ok(()));
        let too_long = exactly_128 + "x";
        assert_eq!(check_policy(&too_long, &ctx), Err(Rejection::TooLong));
        let fifteen_with_emoji = "🐙🌷🚲🦔 maan ster zon";
        assert!(fifteen_with_emoji.chars().count() >= 15);
        assert_eq!(check_policy(fifteen_with_emoji, &ctx), Ok(()));
    }

    #[test]
    fn a_stored_hash_is_argon2id_with_the_owasp_parameters() {
        let stored = hash(&pw("kompas tulp regen")).unwrap();
        let parsed = PasswordHash::new(&stored).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert_eq!(parsed.version, Some(19));
        let params = Params::try_from(&parsed).unwrap();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (19_456, 2, 1)
        );
        assert_eq!(
            verify(&stored, &pw("kompas tulp regen")),
            Verified {
                matches: true,
                needs_rehash: false
            }
        );
        assert!(!verify(&stored, &pw("kompas tulp regeN")).matches);
    }

    #[test]
    fn weaker_stored_hashes_ask_to_be_rehashed() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(b"kompas tulp regen", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        let v = verify(&weak, &pw("kompas tulp regen"));
        assert!(v.matches && v.needs_rehash);
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::default())
            .hash_password(b"kompas tulp regen", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify(&argon2i, &pw("kompas tulp regen")).needs_rehash);
        assert!(!verify("not a hash", &pw("x")).matches);
    }
}
