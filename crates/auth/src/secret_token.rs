//! Opaque secret tokens (refresh tokens, invitation and reset links).
//!
//! A token is 256 random bits, given to the client in URL-safe base64; only its SHA-256
//! is stored, so a copy of the database cannot be replayed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// A freshly made token and the hash to store.
pub struct NewToken {
    /// Given to the client once; never stored.
    pub token: String,
    /// Stored and looked up.
    pub hash: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken").finish_non_exhaustive()
    }
}

/// Makes a new 256-bit token.
pub fn generate() -> NewToken {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    NewToken { token, hash }
}

/// 32 random bytes for a signing key.
pub fn generate_key() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// The stored form of a presented token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_are_stored_only_as_hashes() {
        let a = generate();
        let b = generate();
        assert_ne!(a.token, b.token);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a.token).unwrap().len(), 32);
        assert_eq!(a.hash, hash(&a.token));
        assert!(!a.hash.contains(&a.token));
        assert_eq!(a.hash.len(), 64);
    }
}
