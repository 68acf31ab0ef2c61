//! The monitor's second contract: a person's identifiers were corrected, so the person
//! is now counted under another key. The monitor moves the events it counted under
//! the earlier key to the new one, so a corrected person is still one person.
//!
//! Both keys are what [`crate::MonitorEvent::pseudonym`] carries: a pseudonym, or `u:`
//! and the digest of an unlinkable record. Nothing else about the person travels.

use crate::pseudonym::UNLINKABLE_PREFIX;
use serde::{Deserialize, Serialize};

/// The outbox topic of a relink on the monitor's channel.
pub const RELINK_TOPIC: &str = "person_relinked";

/// The events counted under `from` are now counted under `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRelink {
    /// The key the person was counted under.
    pub from: String,
    /// The key the person is counted under from now on.
    pub to: String,
}

/// Why a relink cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("relink refused: {0}")]
pub struct InvalidRelink(pub String);

fn is_key(k: &str) -> bool {
    let digest = k.strip_prefix(UNLINKABLE_PREFIX).unwrap_or(k);
    digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit())
}

impl PersonRelink {
    /// The outbox row's payload.
    pub fn payload(&self) -> serde_json::Value {
        // Two strings: serialising them cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Reads and checks an outbox payload: two keys of the monitor's shape that differ.
    pub fn from_payload(payload: &serde_json::Value) -> Result<PersonRelink, InvalidRelink> {
        let r: PersonRelink = serde_json::from_value(payload.clone())
            .map_err(|e| InvalidRelink(format!("shape: {e}")))?;
        if !is_key(&r.from) || !is_key(&r.to) {
            return Err(InvalidRelink("a key is not a SHA-256 hex digest".into()));
        }
        if r.from == r.to {
            return Err(InvalidRelink("the keys are the same".into()));
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relink_reads_back_and_bad_ones_are_refused() {
        let r = PersonRelink {
            from: "u:".to_owned() + &"a".repeat(64),
            to: "b".repeat(64),
        };
        assert_eq!(PersonRelink::from_payload(&r.payload()), Ok(r));
        for bad in [
            serde_json::json!({ "from": "a".repeat(64), "to": "a".repeat(64) }),
            serde_json::json!({ "from": "Jan Jansen", "to": "b".repeat(64) }),
            serde_json::json!({ "from": "a".repeat(64) }),
            serde_json::json!({ "from": "a".repeat(64), "to": "b".repeat(64), "name": "x" }),
        ] {
            assert!(PersonRelink::from_payload(&bad).is_err(), "{bad}");
        }
    }
}
