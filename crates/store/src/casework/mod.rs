//! Case work: persons, signals, cases, consents, referrals, notes, corrections, drafts,
//! emergency accesses, the case timeline and idempotency keys.
//!
//! Encrypted columns are carried as the ciphertext text they are stored as; encrypting
//! and decrypting is the workflow's job, which holds the keys. Lists of codes are stored
//! as JSON arrays of text. Nothing here checks who may see what.

pub mod case_rights;
pub mod cases;
pub mod consents;
pub mod corrections;
pub mod documents;
pub mod drafts;
pub mod emergency;
pub mod idempotency;
pub mod notes;
pub mod persons;
pub mod references;
pub mod referrals;
pub mod signals;
pub mod timeline;

use crate::StoreError;
use std::str::FromStr;

/// A list of codes as stored: a JSON array of text.
pub fn codes_to_json<T: std::fmt::Display>(codes: &[T]) -> String {
    let texts: Vec<String> = codes.iter().map(ToString::to_string).collect();
    serde_json::Value::from(texts).to_string()
}

/// A stored list of codes, parsed; `what` names the column in the error.
pub fn codes_from_json<T: FromStr>(text: &str, what: &str) -> Result<Vec<T>, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("{what}: not a list of known codes"));
    let texts: Vec<String> = serde_json::from_str(text).map_err(|_| corrupt())?;
    texts
        .iter()
        .map(|t| t.parse().map_err(|_| corrupt()))
        .collect()
}

/// One stored code, parsed; `what` names the column in the error.
pub(crate) fn code<T: FromStr>(text: &str, what: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("{what}: unknown code")))
}

/// An optional stored code, parsed.
pub(crate) fn opt_code<T: FromStr>(
    text: Option<&str>,
    what: &str,
) -> Result<Option<T>, StoreError> {
    text.map(|t| code(t, what)).transpose()
}
