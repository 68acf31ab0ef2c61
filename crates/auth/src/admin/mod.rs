//! Platform administration: agencies, accounts, the agency directory and reading the
//! audit trail.
//!
//! Every use case takes the connection, the actor, its input, the request's audit facts
//! and the time, and checks the access policy first. One that changes something then
//! runs one write transaction that makes the change and records exactly one audit entry.
//! Reading the audit trail is itself recorded; reading agencies, accounts and the
//! directory is not (they hold no case data), but every denial is. If an audit entry
//! cannot be written, nothing is changed and nothing is returned.
//!
//! Denials follow one rule: an action on a named object (an agency or user id) that the
//! actor may not take answers [`UseCaseError::NotFound`], exactly as if the object did not
//! exist; an action on a collection (list, create, invite, the trail) answers
//! [`UseCaseError::Forbidden`]. Both are decided from the role alone, before anything is
//! looked up, so neither says whether an id exists. Every denial is itself audited with
//! the outcome `denied`.
//!
//! Must not: name diesel or HTTP, or put personal data (emails, names, tokens) into audit
//! details.

pub mod agencies;
pub mod audit_trail;
pub mod clients;
pub mod delivery;
pub mod four_eyes;
pub mod hsds;
pub mod monitor_access;
pub mod operator;
mod privilege_apply;
pub mod profiles;
pub mod seed;
pub mod users;
pub mod views;

pub use views::{AccountView, AgencyView};

use crate::AuthError;
use crate::RequestContext;
use crate::events::{actor, event, record};
pub use crate::usecase::{Conflict, IfMatch, UseCaseError};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, AuditEvent, Outcome};
use schakel_domain::{Action, Actor, Relationship};
use schakel_store::DbConn;

/// What a use case is about to do, as its audit entry names it.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    code: &'static str,
    kind: ActionKind,
    object: Option<(&'static str, String)>,
}

impl Op {
    /// An action on a collection (or on no object at all).
    pub(crate) fn new(code: &'static str, kind: ActionKind) -> Self {
        Self {
            code,
            kind,
            object: None,
        }
    }

    /// An action on one named object.
    pub(crate) fn on(
        code: &'static str,
        kind: ActionKind,
        object: &'static str,
        id: impl ToString,
    ) -> Self {
        Self {
            code,
            kind,
            object: Some((object, id.to_string())),
        }
    }

    /// The audit event of this operation by `who` with `outcome`.
    fn event(
        &self,
        who: &Actor,
        outcome: Outcome,
        ctx: &RequestContext,
    ) -> Result<AuditEvent, AuthError> {
        let mut e = event(self.code, self.kind, outcome, ctx)?.with_actor(actor(who));
        if let Some((kind, id)) = &self.object {
            e = e.with_object(*kind, id);
        }
        Ok(e)
    }

    /// Records this operation's entry in the current transaction.
    pub(crate) fn record(
        &self,
        conn: &mut DbConn,
        who: &Actor,
        outcome: Outcome,
        details: serde_json::Value,
        ctx: &RequestContext,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        let e = self.event(who, outcome, ctx)?.with_details(details);
        record(conn, &e, now)
    }
}

/// Checks that the actor's role may take `action` at all; a denial is audited and
/// answered as the module header says (404 for a named object, 403 otherwise).
pub(crate) fn permit(
    conn: &mut DbConn,
    who: &Actor,
    action: Action,
    op: &Op,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), UseCaseError> {
    if who.may(action, Relationship::Platform) {
        return Ok(());
    }
    let refused = crate::policy::Refused {
        code: op.code,
        kind: op.kind,
        object: op.object.as_ref().map(|(kind, id)| (*kind, id.as_str())),
    };
    crate::policy::record_denial(conn, who, &refused, ctx, now)?;
    Err(if op.object.is_some() {
        UseCaseError::NotFound
    } else {
        UseCaseError::Forbidden
    })
}

/// The longest email address accepted (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;
/// The longest agency or display name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// Checks an email address: one `@`, a non-empty local part, a domain of dot-separated
/// labels, no spaces or control characters (so it can never break an email header).
/// Returns it trimmed and lower-cased.
pub fn parse_email(raw: &str) -> Result<String, UseCaseError> {
    let email = raw.trim().to_lowercase();
    let invalid = UseCaseError::Invalid("email");
    if email.is_empty() || email.len() > MAX_EMAIL_LEN {
        return Err(invalid);
    }
    if email
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
    {
        return Err(invalid);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(invalid);
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if local.is_empty() || local.len() > 64 || domain.contains('@') {
        return Err(invalid);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) {
        return Err(invalid);
    }
    Ok(email)
}

/// Checks a name shown to people (an agency's or a user's): trimmed, 1 to
/// [`MAX_NAME_CHARS`] characters, no control characters.
pub fn parse_name(raw: &str, field: &'static str) -> Result<String, UseCaseError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(UseCaseError::Invalid(field));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_checked_and_canonicalised() {
        let cases = [
            ("anna@gemeente.example", Some("anna@gemeente.example")),
            (
                "  Anna.de.Vries@Politie.NL ",
                Some("anna.de.vries@politie.nl"),
            ),
            ("a+tag@sub.domain.example", Some("a+tag@sub.domain.example")),
            ("", None),
            ("anna", None),
            ("anna@", None),
            ("@gemeente.example", None),
            ("anna@localhost", None),
            ("anna@@gemeente.example", None),
            ("an na@gemeente.example", None),
            ("anna@gemeente.example\r\nBcc: x@y.example", None),
            ("anna@gemeente..example", None),
            ("anna@-gemeente.example", None),
            ("\"anna\"@gemeente.example", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_email(raw).ok().as_deref(), expected, "{raw:?}");
        }
        let long = format!("{}@x.example", "a".repeat(250));
        assert!(parse_email(&long).is_err());
    }

    #[test]
    fn names_are_trimmed_and_refused_when_empty_long_or_with_control_characters() {
        assert_eq!(
            parse_name("  Gemeente Utrecht ", "name").unwrap(),
            "Gemeente Utrecht"
        );
        assert!(parse_name("   ", "name").is_err());
        assert!(parse_name("line\nbreak", "name").is_err());
        assert!(parse_name(&"é".repeat(MAX_NAME_CHARS), "name").is_ok());
        assert!(parse_name(&"é".repeat(MAX_NAME_CHARS + 1), "name").is_err());
    }
}
