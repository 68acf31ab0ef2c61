//! Passwords: the policy for choosing one, and argon2id hashing.
//!
//! Policy (NIST SP 800-63B, OWASP ASVS 6.2): 15 to 128 characters, any Unicode, spaces
//! allowed, no composition rules, never truncated; refused when a strength estimate
//! (zxcvbn, fed with the user's own context: email, name, agency, the product name)
//! finds it guessable. Hashes are argon2id v19 with m = 19456 KiB, t = 2, p = 1; a
//! stored hash with weaker parameters is reported so the caller can re-hash it at the
//! next successful login. Hashing is slow on purpose: callers run it on a blocking pool
//! behind a bounded semaphore.
//!
//! A verification works in 19 MiB of memory. It is taken from a small pool and given
//! back, not allocated per login: the allocator would otherwise keep such blocks in
//! several arenas after a storm of logins, and the process would grow by hundreds of
//! MiB for memory it no longer uses (docs/performance.md). A buffer is wiped when its
//! verification ends, so no password-derived memory waits in the pool.

use crate::AuthError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Mutex, OnceLock};
use subtle::ConstantTimeEq;

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

pub use crate::error::Rejection;

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
    let matches = matches(&parsed, password.expose_secret().as_bytes());
    Verified {
        matches,
        needs_rehash: is_weaker_than_policy(&parsed),
    }
}

/// Recomputes the hash of `password` with the stored algorithm, version, parameters
/// and salt, in pooled memory, and compares it in constant time.
fn matches(stored: &PasswordHash<'_>, password: &[u8]) -> bool {
    let (Some(expected), Some(salt)) = (&stored.hash, &stored.salt) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(stored.algorithm) else {
        return false;
    };
    let version = match stored.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(stored) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let mut memory = Memory::take(params.block_count());
    let hashed = Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt, &mut out, memory.blocks.as_mut_slice())
        .is_ok();
    memory.give_back();
    hashed && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// Working memory of argon2 kept between verifications: at most [`Memory::KEPT`]
/// buffers, each of one policy's size (a stored hash with other parameters gets its own,
/// dropped afterwards). A buffer is wiped as soon as its verification ends, before it is
/// kept or freed: what is derived from a password does not outlive the check.
struct Memory {
    blocks: Vec<Block>,
}

static POOL: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

impl Memory {
    /// More than the hashes that run at once on any machine this is sized for.
    const KEPT: usize = 16;

    fn pool() -> std::sync::MutexGuard<'static, Vec<Vec<Block>>> {
        // The pool holds no invariant a panic could break: use it as it is.
        POOL.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn take(blocks: usize) -> Memory {
        let kept = Memory::pool().pop();
        let blocks = match kept {
            Some(b) if b.len() == blocks => b,
            _ => vec![Block::default(); blocks],
        };
        Memory { blocks }
    }

    fn give_back(mut self) {
        for block in &mut self.blocks {
            zeroize::Zeroize::zeroize(block);
        }
        if self.blocks.len() != policy_blocks() {
            return;
        }
        let mut pool = Memory::pool();
        if pool.len() < Memory::KEPT {
            pool.push(self.blocks);
        }
    }
}

/// The number of 1 KiB blocks the policy's parameters use.
fn policy_blocks() -> usize {
    usize::try_from(M_COST).unwrap_or(usize::MAX)
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
    fn pooled_working_memory_is_wiped_once_a_check_ends() {
        let stored = hash(&pw("kompas tulp regen wolk")).unwrap();
        assert!(verify(&stored, &pw("kompas tulp regen wolk")).matches);
        let zero = format!("{:?}", Block::new());
        let pool = Memory::pool();
        assert!(!pool.is_empty(), "the buffer is kept for reuse");
        for buffer in pool.iter() {
            assert!(
                buffer.iter().all(|b| format!("{b:?}") == zero),
                "a kept buffer still holds the last check's memory"
            );
        }
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

    #[test]
    fn verification_in_pooled_memory_agrees_with_the_library_on_every_kind_of_hash() {
        use argon2::password_hash::PasswordVerifier;
        let mut stored = vec![hash(&pw("kompas tulp regen")).unwrap()];
        for (alg, version, m, t, len) in [
            (Algorithm::Argon2id, Version::V0x13, 4096, 1, 32),
            (Algorithm::Argon2i, Version::V0x13, 8192, 3, 32),
            (Algorithm::Argon2d, Version::V0x10, 4096, 2, 16),
            (Algorithm::Argon2id, Version::V0x13, 19_456, 2, 64),
        ] {
            let params = Params::new(m, t, 1, Some(len)).unwrap();
            stored.push(
                Argon2::new(alg, version, params)
                    .hash_password(b"kompas tulp regen", &SaltString::generate(&mut OsRng))
                    .unwrap()
                    .to_string(),
            );
        }
        for s in &stored {
            let parsed = PasswordHash::new(s).unwrap();
            for (password, right) in [("kompas tulp regen", true), ("kompas tulp regeN", false)] {
                let library = Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok();
                assert_eq!(library, right, "{s}");
                // Twice: the second time in memory the first gave back.
                assert_eq!(verify(s, &pw(password)).matches, right, "{s}");
                assert_eq!(verify(s, &pw(password)).matches, right, "{s}");
            }
        }
        // A stored hash whose digest was cut short never matches.
        let cut = &stored[0][..stored[0].len() - 4];
        assert!(!verify(cut, &pw("kompas tulp regen")).matches);
    }
}
