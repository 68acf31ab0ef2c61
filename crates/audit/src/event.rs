//! What a caller asks to record: one audit event, before it gets its place in the chain.
//!
//! Owns the event's fields and their limits. It must not hold personal data: the
//! subject is named only by pseudonym, and `details` carries codes and ids, never names,
//! dates of birth, addresses or free text typed by a user.

use crate::AuditError;
use schakel_domain::audit::{ActionCode, ActionKind, Outcome};
use schakel_domain::{AgencyId, Role};
use std::net::IpAddr;
use uuid::Uuid;

/// The longest text accepted in an identifier-like field (object id, purpose, ...).
pub const MAX_FIELD_LEN: usize = 200;
/// The longest `details` accepted, as compact JSON (a list read names up to a hundred
/// persons by their 64-character pseudonyms).
pub const MAX_DETAILS_LEN: usize = 16_384;

/// Who acted: a signed-in user at their agency, in their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditActor {
    /// The user's id.
    pub user_id: Uuid,
    /// The agency the user acted for.
    pub agency_id: AgencyId,
    /// The user's role at the time.
    pub role: Role,
}

/// What the action was done to: an object type (`case`, `referral`, `user`, ...) and its
/// id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditObject {
    /// The kind of object: lower-case ASCII letters, digits and `_`.
    pub kind: String,
    /// Its id (usually a UUID).
    pub id: String,
}

/// One thing that happened, to be recorded with [`record`](crate::record).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    /// Who acted; `None` for an unauthenticated attempt or the system itself.
    pub actor: Option<AuditActor>,
    /// The responsible user on whose behalf the actor acted, if another.
    pub on_behalf_of: Option<Uuid>,
    /// The stable code of the action, e.g. `auth.login`.
    pub action: ActionCode,
    /// Create, read, update, delete or export.
    pub action_kind: ActionKind,
    /// The object acted on.
    pub object: Option<AuditObject>,
    /// Why: the purpose or legal basis, e.g. the referral id the access serves.
    pub purpose: Option<String>,
    /// The pseudonym of the person the data is about (never their identity).
    pub subject_pseudonym: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// The client address, as the trusted proxy chain reports it.
    pub source_ip: Option<IpAddr>,
    /// The request id, to match the entry with the logs.
    pub request_id: Option<String>,
    /// Further facts as a JSON object of codes and ids. Never personal data: no names,
    /// birth dates, addresses, free text, passwords or tokens.
    pub details: serde_json::Value,
}

impl AuditEvent {
    /// An event with only the mandatory fields; add the others with the `with_*` methods.
    pub fn new(action: ActionCode, action_kind: ActionKind, outcome: Outcome) -> Self {
        Self {
            actor: None,
            on_behalf_of: None,
            action,
            action_kind,
            object: None,
            purpose: None,
            subject_pseudonym: None,
            outcome,
            source_ip: None,
            request_id: None,
            details: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// Sets who acted.
    pub fn with_actor(mut self, actor: AuditActor) -> Self {
        self.actor = Some(actor);
        self
    }

    /// Sets the responsible user on whose behalf the actor acted.
    pub fn with_on_behalf_of(mut self, user_id: Uuid) -> Self {
        self.on_behalf_of = Some(user_id);
        self
    }

    /// Sets the object acted on.
    pub fn with_object(mut self, kind: impl Into<String>, id: impl ToString) -> Self {
        self.object = Some(AuditObject {
            kind: kind.into(),
            id: id.to_string(),
        });
        self
    }

    /// Sets the purpose or legal basis.
    pub fn with_purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = Some(purpose.into());
        self
    }

    /// Sets the pseudonym of the person the data is about.
    pub fn with_subject_pseudonym(mut self, pseudonym: impl Into<String>) -> Self {
        self.subject_pseudonym = Some(pseudonym.into());
        self
    }

    /// Sets the client address.
    pub fn with_source_ip(mut self, ip: IpAddr) -> Self {
        self.source_ip = Some(ip);
        self
    }

    /// Sets the request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the details (a JSON object without personal data).
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    /// Checks the limits; returns the details as the compact JSON that is stored.
    pub(crate) fn validate(&self) -> Result<String, AuditError> {
        let invalid = |msg: &str| Err(AuditError::InvalidEvent(msg.to_owned()));
        if let Some(object) = &self.object {
            let kind_ok = object.kind.starts_with(|c: char| c.is_ascii_lowercase())
                && object
                    .kind
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !kind_ok || object.kind.len() > MAX_FIELD_LEN {
                return invalid("object type must be lower-case ASCII letters, digits and _");
            }
            check_text("object id", &object.id)?;
        }
        for (name, value) in [
            ("purpose", &self.purpose),
            ("subject pseudonym", &self.subject_pseudonym),
            ("request id", &self.request_id),
        ] {
            if let Some(value) = value {
                check_text(name, value)?;
            }
        }
        let details = match &self.details {
            serde_json::Value::Null => "{}".to_owned(),
            serde_json::Value::Object(map) => serde_json::to_string(map)
                .map_err(|e| AuditError::InvalidEvent(format!("details: {e}")))?,
            _ => return invalid("details must be a JSON object"),
        };
        if details.len() > MAX_DETAILS_LEN {
            return invalid("details are too long");
        }
        Ok(details)
    }
}

/// A short, single-line, printable value: no control characters, not empty.
fn check_text(name: &str, value: &str) -> Result<(), AuditError> {
    if value.is_empty() || value.len() > MAX_FIELD_LEN || value.chars().any(char::is_control) {
        return Err(AuditError::InvalidEvent(format!(
            "{name} must be 1 to {MAX_FIELD_LEN} bytes without control characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> AuditEvent {
        AuditEvent::new(
            ActionCode::parse("case.read").unwrap(),
            ActionKind::Read,
            Outcome::Success,
        )
    }

    #[test]
    fn a_minimal_event_stores_empty_details() {
        assert_eq!(event().validate().unwrap(), "{}");
        let null = event().with_details(serde_json::Value::Null);
        assert_eq!(null.validate().unwrap(), "{}");
    }

    #[test]
    fn details_are_stored_as_compact_json() {
        let e = event().with_details(json!({ "from": "new", "to": "accepted" }));
        assert_eq!(e.validate().unwrap(), r#"{"from":"new","to":"accepted"}"#);
    }

    #[test]
    fn malformed_fields_are_refused() {
        let too_long = "x".repeat(MAX_FIELD_LEN + 1);
        let cases = [
            event().with_object("Case", "1"),
            event().with_object("case-file", "1"),
            event().with_object("case", ""),
            event().with_purpose("line\nbreak"),
            event().with_request_id(too_long),
            event().with_subject_pseudonym(""),
            event().with_details(json!(["not", "an", "object"])),
            event().with_details(json!({ "blob": "y".repeat(MAX_DETAILS_LEN) })),
        ];
        for (i, e) in cases.iter().enumerate() {
            assert!(
                matches!(e.validate(), Err(AuditError::InvalidEvent(_))),
                "case {i}"
            );
        }
    }
}
