//! Audit vocabulary: what kind of action an entry records and how it ended.
//!
//! Owns the stable codes of the audit trail: the NEN 7513 action kind (C/R/U/D/E), the
//! outcome, and the dotted action code (`auth.login`, `case.read`). Recording, storing
//! and verifying entries belong to the `audit` crate, not here.

use crate::code_enum;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

code_enum! {
    /// What an audited action did to the data, as NEN 7513 classifies it.
    pub enum ActionKind as "action kind" {
        /// Data was created.
        Create = "C",
        /// Data was read, listed or searched.
        Read = "R",
        /// Data was changed.
        Update = "U",
        /// Data was deleted.
        Delete = "D",
        /// Data left the platform (a download or export).
        Export = "E",
    }
}

code_enum! {
    /// How an audited action ended.
    pub enum Outcome as "outcome" {
        /// The action was carried out.
        Success = "success",
        /// The action was attempted and failed (e.g. a wrong password).
        Failure = "failure",
        /// The access policy refused the action.
        Denied = "denied",
    }
}

/// The longest action code accepted.
pub const ACTION_CODE_MAX_LEN: usize = 64;

/// A stable, machine-readable name for an audited action, such as `auth.login` or
/// `referral.accept`: two or more dot-separated segments of lower-case ASCII letters,
/// digits and `_`, each starting with a letter, at most [`ACTION_CODE_MAX_LEN`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionCode(String);

/// A string that is not a valid [`ActionCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid action code (want lower-case dotted ASCII such as auth.login)")]
pub struct InvalidActionCode;

impl ActionCode {
    /// Parses and validates an action code.
    pub fn parse(s: &str) -> Result<Self, InvalidActionCode> {
        let valid_segment = |seg: &str| {
            seg.starts_with(|c: char| c.is_ascii_lowercase())
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        let segments = s.split('.').count();
        if s.len() > ACTION_CODE_MAX_LEN || segments < 2 || !s.split('.').all(valid_segment) {
            return Err(InvalidActionCode);
        }
        Ok(Self(s.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ActionCode {
    type Err = InvalidActionCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for ActionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ActionCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ActionCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_kinds_use_the_nen_7513_letters() {
        let codes: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(codes, ["C", "R", "U", "D", "E"]);
        for kind in ActionKind::ALL {
            assert_eq!(kind.as_str().parse::<ActionKind>(), Ok(*kind));
        }
        assert!("c".parse::<ActionKind>().is_err());
    }

    #[test]
    fn outcomes_round_trip_through_their_codes() {
        for outcome in Outcome::ALL {
            assert_eq!(outcome.as_str().parse::<Outcome>(), Ok(*outcome));
        }
        assert_eq!(Outcome::ALL.len(), 3);
    }

    #[test]
    fn action_codes_are_lower_case_dotted_ascii() {
        let long = format!("a.{}", "b".repeat(ACTION_CODE_MAX_LEN));
        let cases = [
            ("auth.login", true),
            ("referral.accept", true),
            ("case.consent.record", true),
            ("monitor.overlap_view", true),
            ("case2.read", true),
            ("login", false),
            ("", false),
            ("Auth.login", false),
            ("auth..login", false),
            (".auth", false),
            ("auth.", false),
            ("auth.1login", false),
            ("auth.log-in", false),
            ("auth.log in", false),
            ("auth.løgin", false),
            (long.as_str(), false),
        ];
        for (code, valid) in cases {
            assert_eq!(ActionCode::parse(code).is_ok(), valid, "{code:?}");
        }
    }

    #[test]
    fn action_codes_are_validated_when_deserialised() {
        let ok: ActionCode = serde_json::from_str("\"auth.login\"").unwrap();
        assert_eq!(ok.as_str(), "auth.login");
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"auth.login\"");
        assert!(serde_json::from_str::<ActionCode>("\"AUTH\"").is_err());
    }
}
