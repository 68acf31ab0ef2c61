//! One-time recovery codes of the second factor: for a user who lost the authenticator,
//! each code signs in once in place of a code from the app. Ten are made at a time,
//! shown once, stored only as SHA-256 (each holds 80 random bits, too many to guess from
//! a stolen hash), and new ones replace all the old. Only a user with a confirmed
//! authenticator has them. Making them is audited, and so is every code used (as the
//! second factor's entry, `method: recovery_code`).

use crate::RequestContext;
use crate::error::AuthError;
use crate::events::{actor, event, record};
use chrono::{DateTime, Utc};
use rand::RngCore;
use rand::rngs::OsRng;
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Actor, UserId};
use schakel_store::{DbConn, recovery_codes, users, write_tx};

/// How many codes are made at a time.
pub const CODES: usize = 10;
/// The characters of a code (Crockford's base 32: no I, L, O or U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters per code (16 × 5 bits).
const CHARS: usize = 16;

/// Codes just made, to show once. Its `Debug` shows none of them.
pub struct IssuedCodes(pub Vec<String>);

impl std::fmt::Debug for IssuedCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuedCodes({} codes)", self.0.len())
    }
}

/// A new code, in groups of four: `7K3Q-M9XD-2P4R-WZ8A`.
fn new_code() -> String {
    let mut bytes = [0u8; CHARS];
    OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A typed code in its one form (upper case, no dashes or spaces; O read as 0, I and L
/// as 1), or `None` when it cannot be a recovery code.
fn normalize(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    (s.len() == CHARS && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

/// Whether `input` has the form of a recovery code (not of a six-digit app code).
pub fn looks_like(input: &str) -> bool {
    normalize(input).is_some()
}

fn hash(normalized: &str) -> String {
    crate::secret_token::hash(normalized)
}

/// Spends `input` if it is an unused code of `user`; the caller holds the transaction.
pub(crate) fn spend(
    conn: &mut DbConn,
    user: UserId,
    input: &str,
    now: DateTime<Utc>,
) -> Result<bool, AuthError> {
    match normalize(input) {
        Some(code) => Ok(recovery_codes::spend(conn, user, &hash(&code), now)?),
        None => Ok(false),
    }
}

/// How many unused codes the actor has; `None` without a confirmed authenticator.
pub fn left(conn: &mut DbConn, who: &Actor) -> Result<Option<i64>, AuthError> {
    let user = users::find(conn, who.user_id)?;
    if !user.totp_confirmed {
        return Ok(None);
    }
    Ok(Some(recovery_codes::unused(conn, who.user_id)?))
}

/// Makes the actor ten new codes, replacing every earlier one; refused without a
/// confirmed authenticator.
pub fn issue(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<IssuedCodes, AuthError> {
    write_tx(conn, |conn| {
        let user = users::find(conn, who.user_id)?;
        if !user.totp_confirmed {
            return Err(AuthError::NoSecondFactor);
        }
        let codes: Vec<String> = (0..CODES).map(|_| new_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .filter_map(|c| normalize(c))
            .map(|c| hash(&c))
            .collect();
        recovery_codes::replace(conn, who.user_id, &hashes, now)?;
        let e = event(
            "auth.recovery_codes_issue",
            ActionKind::Create,
            Outcome::Success,
            ctx,
        )?
        .with_actor(actor(who))
        .with_object("user", who.user_id)
        .with_details(serde_json::json!({ "codes": hashes.len() }));
        record(conn, &e, now)?;
        Ok(IssuedCodes(codes))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_sixteen_characters_of_the_alphabet_in_groups_of_four() {
        let code = new_code();
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(code.matches('-').count(), 3);
        assert!(looks_like(&code));
        assert_ne!(new_code(), code);
    }

    #[test]
    fn typed_codes_are_read_forgivingly_and_app_codes_are_not_codes() {
        let code = "7k3q m9xd-2p4r WZ8A";
        assert_eq!(normalize(code).as_deref(), Some("7K3QM9XD2P4RWZ8A"));
        assert_eq!(
            normalize("O1IL-0000-0000-0000").as_deref(),
            Some("0111000000000000")
        );
        assert!(!looks_like("123456"));
        assert!(
            !looks_like("7K3Q-M9XD-2P4R-WZ8U"),
            "U is not in the alphabet"
        );
        assert!(!looks_like("7K3Q-M9XD-2P4R-WZ8"), "too short");
    }
}
