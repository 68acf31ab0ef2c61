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
//! actor may not take answers [`AdminError::NotFound`], exactly as if the object did not
//! exist; an action on a collection (list, create, invite, the trail) answers
//! [`AdminError::Forbidden`]. Both are decided from the role alone, before anything is
//! looked up, so neither says whether an id exists. Every denial is itself audited with
//! the outcome `denied`.
//!
//! Must not: name diesel or HTTP, or put personal data (emails, names, tokens) into audit
//! details.

pub mod agencies;
pub mod audit_trail;
pub mod delivery;
pub mod monitor_access;
pub mod operator;
pub mod seed;
pub mod users;

use crate::AuthError;
use crate::RequestContext;
use crate::events::{actor, event, record};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, AuditEvent, Outcome};
use schakel_domain::{Action, Actor, Relationship};
use schakel_store::{DbConn, StoreError};
use thiserror::Error;

/// Why a change conflicts with the current state (all answer `409`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictReason {
    /// Another agency has this name.
    NameTaken,
    /// Another account has this email address.
    EmailTaken,
    /// The change would leave the platform without an active admin.
    LastAdmin,
    /// An admin may not deactivate their own account or change its role.
    OwnAccount,
    /// An admin may not deactivate their own agency.
    OwnAgency,
    /// The object is already in the asked state (e.g. deactivating an inactive user).
    AlreadyInState,
    /// The agency is deactivated: no accounts are invited into or reactivated in it.
    AgencyInactive,
    /// The agency's kind cannot change once it has received a referral: consents
    /// name recipient kinds, so a new kind would widen or narrow what existing consents
    /// let it see.
    KindLocked,
    /// This delivery cannot be tried again (a failed invitation or recovery link: its
    /// token is gone).
    NotRetryable,
}

/// What went wrong in an administrative use case.
#[derive(Debug, Error)]
pub enum AdminError {
    /// The actor's role may not use this collection-level action.
    #[error("forbidden")]
    Forbidden,
    /// The object does not exist, or the actor may not see it.
    #[error("not found")]
    NotFound,
    /// The change conflicts with the current state; nothing was changed.
    #[error("conflict: {0:?}")]
    Conflict(ConflictReason),
    /// The change must name the version it was made from; nothing was changed.
    #[error("version required")]
    VersionRequired,
    /// The object changed since the version the client read; nothing was changed.
    #[error("stale version")]
    VersionMismatch,
    /// The input is not valid (the text says which field, without its value).
    #[error("invalid input: {0}")]
    Invalid(&'static str),
    /// Storage, audit or setup failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AdminError::NotFound,
            other => AdminError::Auth(AuthError::Store(other)),
        }
    }
}

impl From<schakel_audit::AuditError> for AdminError {
    fn from(e: schakel_audit::AuditError) -> Self {
        match e {
            schakel_audit::AuditError::Store(s) => s.into(),
            other => AdminError::Auth(AuthError::Audit(other.to_string())),
        }
    }
}

/// The version a change is made from, as the client named it (HTTP `If-Match`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    /// None was named.
    Missing,
    /// This version.
    Version(i64),
    /// Something that is no version of ours, so it matches none.
    NeverMatches,
}

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
) -> Result<(), AdminError> {
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
        AdminError::NotFound
    } else {
        AdminError::Forbidden
    })
}

/// The longest email address accepted (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;
/// The longest agency or display name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// Checks an email address: one `@`, a non-empty local part, a domain of dot-separated
/// labels, no spaces or control characters (so it can never break an email header).
/// Returns it trimmed and lower-cased.
pub fn parse_email(raw: &str) -> Result<String, AdminError> {
    let email = raw.trim().to_lowercase();
    let invalid = AdminError::Invalid("email");
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
pub fn parse_name(raw: &str, field: &'static str) -> Result<String, AdminError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AdminError::Invalid(field));
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
