//! Schakel's views as FHIR R4 resources: pure functions from a view (and what the
//! actor may see of it) to the resource's JSON. Nothing here reads the database or
//! decides access: a view holds only what the use case let the actor see.

pub mod consent;
pub mod organization;
pub mod patient;
pub mod referral;

use chrono::{DateTime, SecondsFormat, Utc};
use schakel_domain::{AgencyId, PersonId};
use serde_json::{Value, json};

/// FHIR's `instant`: UTC to the second.
pub fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A resource's `meta` with its version and time of last change.
pub fn meta(version: Option<i64>, updated: DateTime<Utc>) -> Value {
    match version {
        Some(v) => json!({ "versionId": v.to_string(), "lastUpdated": instant(updated) }),
        None => json!({ "lastUpdated": instant(updated) }),
    }
}

/// A reference to an agency's `Organization`, with its name.
pub fn organization_ref(id: AgencyId, name: &str) -> Value {
    json!({ "reference": format!("Organization/{id}"), "display": name })
}

/// Whom a referral is about, as the actor may see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The actor sees the person's identity: their `Patient`.
    Patient(PersonId),
    /// The identity is withheld from the actor: a reference that names no one.
    Withheld,
}

impl Subject {
    /// The reference.
    pub fn reference(self) -> Value {
        match self {
            Subject::Patient(id) => json!({ "reference": format!("Patient/{id}") }),
            Subject::Withheld => json!({ "display": "identity withheld" }),
        }
    }
}
