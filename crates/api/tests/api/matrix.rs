//! The authorization matrix (SECURITY B1, B2): every operation of the OpenAPI document ×
//! no token and every role × the relationship of the object to the actor, each cell an
//! expected status asserted against the real application with real sessions, on every
//! selected backend. The route inventory checks that the table and the document name
//! the same operations, and that every operation the document secures answers 401
//! without a token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, PASSWORD, UserBuilder, bearer, request, state_without_mfa,
};
use actix_web::test::{self, TestRequest};
use schakel_api::{app, openapi_document};
use schakel_auth::RequestContext;
use schakel_domain::{Actor, CaseId, DocumentId, ReferralAction, ReferralId, SessionId};
use schakel_domain::{AgencyKind, Role};
use schakel_referral_workflow::cases::{self as cases_uc, CloseCaseInput, OpenCaseInput};
use schakel_referral_workflow::consents::{self as consents_uc, ConsentInput};
use schakel_referral_workflow::documents::{self as documents_uc, DocumentUpload, Verdict};
use schakel_referral_workflow::notes::{self as notes_uc, NoteInput};
use schakel_referral_workflow::referrals::{self as referrals_uc, ActionInput, ReferralInput};
use schakel_referral_workflow::signals::{self as signals_uc, SignalInput};
use schakel_referral_workflow::{Env, IfMatch, WorkflowConfig};
use schakel_store::agencies::{self, Agency};
use schakel_store::testing::{TestDb, selected_backends};
use schakel_store::users::{self, User};
use serde_json::{Value, json};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::sync::Arc;

/// How the object named in the path (or body, or query) relates to the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    /// No object: a collection, or the actor's own session.
    None,
    /// An object of the actor's own agency.
    Own,
    /// An object of another agency.
    Foreign,
    /// The actor's own account.
    Itself,
    /// A referral to the actor's agency (or its case), not yet accepted.
    RecvBefore,
    /// A referral to the actor's agency (or its case), accepted and open.
    RecvAfter,
    /// A referral to the actor's agency (or its case) that has ended (completed).
    Ended,
    /// A referral to the actor's agency (or its case), accepted and open, with a
    /// consent that covers the agency: it sees the person's identity, and (for a
    /// document) the owner shared the document.
    RecvShown,
    /// As [`Rel::RecvShown`], but the owner kept the document to itself.
    RecvUnshared,
    /// A case of another agency for which the actor opened an emergency access that has
    /// not ended (stored directly for the roles that may not open one).
    Glass,
}

/// The roles of the columns after "no token".
const ROLES: [Role; 5] = [
    Role::Caseworker,
    Role::Coordinator,
    Role::Analyst,
    Role::Auditor,
    Role::Admin,
];

/// One row: an operation and relationship, and the status expected with no token and
/// for each of [`ROLES`].
#[derive(Debug, Clone, Copy)]
struct Row {
    method: &'static str,
    path: &'static str,
    rel: Rel,
    expect: [u16; 6],
}

const fn row(method: &'static str, path: &'static str, rel: Rel, expect: [u16; 6]) -> Row {
    Row {
        method,
        path,
        rel,
        expect,
    }
}

//                           none  cw   coord analyst auditor admin
const EVERYONE: [u16; 6] = [200, 200, 200, 200, 200, 200];
const SIGNED_IN: [u16; 6] = [401, 200, 200, 200, 200, 200];
const ADMIN_LIST: [u16; 6] = [401, 403, 403, 403, 403, 200];
const ADMIN_CREATE: [u16; 6] = [401, 403, 403, 403, 403, 201];
const ADMIN_OBJECT: [u16; 6] = [401, 404, 404, 404, 404, 200];
const ADMIN_REFUSED: [u16; 6] = [401, 404, 404, 404, 404, 409];
/// A change of privilege the default configuration gives a second admin to approve.
const ADMIN_REQUEST: [u16; 6] = [401, 404, 404, 404, 404, 202];
/// An invitation to case work, likewise.
const ADMIN_INVITE_REQUEST: [u16; 6] = [401, 403, 403, 403, 403, 202];
const AUDITOR: [u16; 6] = [401, 403, 403, 403, 200, 403];
const REFERRERS: [u16; 6] = [401, 200, 200, 403, 403, 403];
const CASEWORK_CREATE: [u16; 6] = [401, 201, 201, 403, 403, 403];
const CASEWORK_OBJECT: [u16; 6] = [401, 200, 200, 404, 404, 404];
const CASEWORK_OBJECT_CREATE: [u16; 6] = [401, 201, 201, 404, 404, 404];
const ANALYST: [u16; 6] = [401, 404, 404, 200, 404, 404];
const HIDDEN: [u16; 6] = [401, 404, 404, 404, 404, 404];
/// The receiving agency's coordinators decide; its caseworkers see but may not.
const DECIDERS: [u16; 6] = [401, 403, 200, 404, 404, 404];
/// Coordinators assign the agency's cases; its caseworkers see them but may not.
const ASSIGNERS: [u16; 6] = [401, 403, 200, 404, 404, 404];
/// Drafts are kept by the roles that type the case-work forms.
const DRAFTERS: [u16; 6] = [401, 200, 200, 403, 403, 403];
/// One's own draft: only the case-work roles have any to reach.
const OWN_DRAFT: [u16; 6] = [401, 200, 200, 404, 404, 404];
/// Deleting one's own draft.
const OWN_DRAFT_DELETE: [u16; 6] = [401, 204, 204, 404, 404, 404];
/// The caseload is for coordinators.
const COORDINATORS: [u16; 6] = [401, 403, 200, 403, 403, 403];
/// Ending one of one's own sessions.
const OWN_SESSION_END: [u16; 6] = [401, 204, 204, 204, 204, 204];
/// Only a note's author changes it; colleagues who read it may not.
const NOTE_AUTHOR: [u16; 6] = [401, 200, 403, 404, 404, 404];
/// A note shared by the other agency: read, never changed, by this one.
const NOTE_SHARED: [u16; 6] = [401, 403, 403, 404, 404, 404];
/// Coordinators assign a referral received once it is accepted; its caseworkers may not.
const ASSIGN_REFUSED: [u16; 6] = [401, 403, 409, 404, 404, 404];
/// The transition table refuses the action in this state or for this side.
const REFUSED_TRANSITION: [u16; 6] = [401, 409, 409, 404, 404, 404];
/// Taking off one of the agency's documents.
const CASEWORK_DELETE: [u16; 6] = [401, 204, 204, 404, 404, 404];
/// Another agency's document, read but never changed by this one.
const READ_ONLY: [u16; 6] = [401, 403, 403, 404, 404, 404];

/// Breaking the glass: the case workers of the matrix's agency (whose kind the matrix's
/// configuration allows); never the other roles.
const BREAK_GLASS: [u16; 6] = [401, 201, 201, 403, 403, 403];
/// Breaking the glass for a case one may already read.
const GLASS_NOT_NEEDED: [u16; 6] = [401, 409, 409, 403, 403, 403];

/// A list or a creation inside the law-enforcement compartment, asked from outside it.
const OUTSIDE_LIST: [u16; 6] = [401, 403, 403, 403, 403, 403];

/// The person's rights on a case of the agency: answered by its coordinators only.
const RIGHTS: [u16; 6] = [401, 403, 200, 404, 404, 404];
/// The same, refused by the record's state (not restricted; an open case to erase).
const RIGHTS_REFUSED: [u16; 6] = [401, 403, 409, 404, 404, 404];

/// Resetting a user's second factor.
const RESET: &str = "/api/v1/users/{id}/second-factor/reset";

/// An agency's profile in the directory.
const PROFILE: &str = "/api/v1/directory/agencies/{id}/profile";

/// The matrix. Every operation of the OpenAPI document has at least one row.
const TABLE: &[Row] = {
    use Rel::*;
    &[
        // Operations, public.
        row("GET", "/healthz", None, EVERYONE),
        row("GET", "/readyz", None, EVERYONE),
        row("GET", "/metrics", None, EVERYONE),
        row("GET", "/api/v1/openapi.json", None, EVERYONE),
        // Authentication: public (a bearer token changes nothing) ...
        row("POST", "/api/v1/auth/login", None, [401; 6]),
        // An external system's token: its client secret, never a bearer token.
        row("POST", "/api/v1/auth/token", None, [401; 6]),
        row("POST", "/api/v1/auth/refresh", None, [401; 6]),
        row("POST", "/api/v1/auth/invitation", None, [401; 6]),
        row("POST", "/api/v1/auth/password-reset", None, [202; 6]),
        row(
            "POST",
            "/api/v1/auth/password-reset/complete",
            None,
            [401; 6],
        ),
        // ... and for any live session, complete or not.
        row(
            "POST",
            "/api/v1/auth/logout",
            None,
            [401, 204, 204, 204, 204, 204],
        ),
        row("POST", "/api/v1/auth/mfa/enrol", None, SIGNED_IN),
        row("POST", "/api/v1/auth/mfa/verify", None, [401; 6]),
        // One's own account: every role.
        row("GET", "/api/v1/me", None, SIGNED_IN),
        row("PATCH", "/api/v1/me", None, SIGNED_IN),
        // One's own sessions: listed and ended by oneself only (another's is missing).
        row("GET", "/api/v1/me/sessions", None, SIGNED_IN),
        row(
            "DELETE",
            "/api/v1/me/sessions/{id}",
            Itself,
            OWN_SESSION_END,
        ),
        row("DELETE", "/api/v1/me/sessions/{id}", Foreign, HIDDEN),
        // One's own recovery codes: counted by anyone; made only with a confirmed
        // authenticator (the matrix's users have none).
        row("GET", "/api/v1/me/recovery-codes", None, SIGNED_IN),
        row(
            "POST",
            "/api/v1/me/recovery-codes",
            None,
            [401, 409, 409, 409, 409, 409],
        ),
        row(
            "POST",
            "/api/v1/me/password",
            None,
            [401, 422, 422, 422, 422, 422],
        ),
        // The directory: those who refer.
        row("GET", "/api/v1/directory/agencies", None, REFERRERS),
        // An agency's profile: read by those who refer, kept by its own coordinators.
        row("GET", PROFILE, Own, CASEWORK_OBJECT),
        row("GET", PROFILE, Foreign, CASEWORK_OBJECT),
        row("PUT", PROFILE, Own, [401, 403, 200, 403, 403, 403]),
        row("PUT", PROFILE, Foreign, [401, 403, 403, 403, 403, 403]),
        // The audit trail: the auditor.
        row("GET", "/api/v1/audit", None, AUDITOR),
        row("GET", "/api/v1/audit/verify", None, AUDITOR),
        row("GET", "/api/v1/audit/export", None, AUDITOR),
        row("POST", "/api/v1/audit/subject", None, AUDITOR),
        // The monitor: the analyst; to everyone else it does not exist.
        row("GET", "/api/v1/monitor/counts", None, ANALYST),
        row("GET", "/api/v1/monitor/flows", None, ANALYST),
        row("GET", "/api/v1/monitor/overlap", None, ANALYST),
        row("GET", "/api/v1/monitor/estimate", None, ANALYST),
        row("GET", "/api/v1/monitor/htcds", None, ANALYST),
        row("GET", "/api/v1/monitor/offenders", None, ANALYST),
        // The law-enforcement compartment, seen from a municipality: no record exists
        // and no list may be read (its own matrix covers the agencies inside).
        row("POST", "/api/v1/investigations", None, OUTSIDE_LIST),
        row("GET", "/api/v1/investigations", None, OUTSIDE_LIST),
        row("GET", "/api/v1/investigations/{id}", Foreign, HIDDEN),
        row(
            "POST",
            "/api/v1/investigations/{id}/suspects",
            Foreign,
            HIDDEN,
        ),
        row("GET", "/api/v1/suspects/{id}", Foreign, HIDDEN),
        row("POST", "/api/v1/suspects/{id}/victims", Foreign, HIDDEN),
        row(
            "DELETE",
            "/api/v1/suspects/{id}/victims/{link_id}",
            Foreign,
            HIDDEN,
        ),
        row("POST", "/api/v1/suspects/{id}/referrals", Foreign, HIDDEN),
        row("POST", "/api/v1/suspects/{id}/decisions", Foreign, HIDDEN),
        row("POST", "/api/v1/suspects/{id}/judgments", Foreign, HIDDEN),
        row("GET", "/api/v1/suspect-referrals", None, OUTSIDE_LIST),
        row(
            "POST",
            "/api/v1/suspect-referrals/{id}/{action}",
            Foreign,
            HIDDEN,
        ),
        // Agencies: the admin, whatever agency it is.
        row("GET", "/api/v1/agencies", None, ADMIN_LIST),
        row("POST", "/api/v1/agencies", None, ADMIN_CREATE),
        row("GET", "/api/v1/agencies/{id}", Own, ADMIN_OBJECT),
        row("GET", "/api/v1/agencies/{id}", Foreign, ADMIN_OBJECT),
        row("PATCH", "/api/v1/agencies/{id}", Own, ADMIN_OBJECT),
        row("PATCH", "/api/v1/agencies/{id}", Foreign, ADMIN_OBJECT),
        // An admin never deactivates their own agency.
        row(
            "POST",
            "/api/v1/agencies/{id}/deactivate",
            Own,
            ADMIN_REFUSED,
        ),
        row(
            "POST",
            "/api/v1/agencies/{id}/deactivate",
            Foreign,
            ADMIN_OBJECT,
        ),
        // Accounts: the admin, in any agency.
        row("GET", "/api/v1/users", None, ADMIN_LIST),
        row("GET", "/api/v1/users", Own, ADMIN_LIST),
        row("GET", "/api/v1/users", Foreign, ADMIN_LIST),
        // External systems' accounts: the admin makes them (held for a second admin's
        // reactivation by the default four eyes) and replaces their secrets.
        row("POST", "/api/v1/clients", Own, ADMIN_CREATE),
        row("POST", "/api/v1/clients", Foreign, ADMIN_CREATE),
        row("POST", "/api/v1/clients/{id}/secret", Own, ADMIN_OBJECT),
        row("POST", "/api/v1/clients/{id}/secret", Foreign, ADMIN_OBJECT),
        // Invitations to case work, role changes, reactivations and resets of a second
        // factor wait for a second admin (the default: four eyes on all of them).
        row("POST", "/api/v1/users", Own, ADMIN_INVITE_REQUEST),
        row("POST", "/api/v1/users", Foreign, ADMIN_INVITE_REQUEST),
        row("GET", "/api/v1/users/{id}", Own, ADMIN_OBJECT),
        row("GET", "/api/v1/users/{id}", Foreign, ADMIN_OBJECT),
        // Nobody reads their own account here (that is /me).
        row("GET", "/api/v1/users/{id}", Itself, ADMIN_OBJECT),
        row("PATCH", "/api/v1/users/{id}", Own, ADMIN_REQUEST),
        row("PATCH", "/api/v1/users/{id}", Foreign, ADMIN_REQUEST),
        // The only admin cannot demote themselves.
        row("PATCH", "/api/v1/users/{id}", Itself, ADMIN_REFUSED),
        row("POST", "/api/v1/users/{id}/deactivate", Own, ADMIN_OBJECT),
        row(
            "POST",
            "/api/v1/users/{id}/deactivate",
            Foreign,
            ADMIN_OBJECT,
        ),
        row(
            "POST",
            "/api/v1/users/{id}/deactivate",
            Itself,
            ADMIN_REFUSED,
        ),
        row("POST", "/api/v1/users/{id}/reactivate", Own, ADMIN_REQUEST),
        row(
            "POST",
            "/api/v1/users/{id}/reactivate",
            Foreign,
            ADMIN_REQUEST,
        ),
        row("POST", RESET, Own, ADMIN_REQUEST),
        row("POST", RESET, Foreign, ADMIN_REQUEST),
        // Nobody resets their own second factor (another admin does).
        row("POST", RESET, Itself, ADMIN_REFUSED),
        // The requests: read by the admins; approved by another admin than the one who
        // asked (one's own is refused), rejected by any.
        row("GET", "/api/v1/privilege-requests", None, ADMIN_LIST),
        row(
            "GET",
            "/api/v1/privilege-requests/{id}",
            Foreign,
            ADMIN_OBJECT,
        ),
        row(
            "POST",
            "/api/v1/privilege-requests/{id}/approve",
            Foreign,
            ADMIN_OBJECT,
        ),
        row(
            "POST",
            "/api/v1/privilege-requests/{id}/approve",
            Itself,
            ADMIN_REFUSED,
        ),
        row(
            "POST",
            "/api/v1/privilege-requests/{id}/reject",
            Foreign,
            ADMIN_OBJECT,
        ),
        row(
            "POST",
            "/api/v1/privilege-requests/{id}/reject",
            Itself,
            ADMIN_OBJECT,
        ),
        // An active account (one's own) cannot be reactivated.
        row(
            "POST",
            "/api/v1/users/{id}/reactivate",
            Itself,
            ADMIN_REFUSED,
        ),
        // Undeliverable notifications: the admin.
        row("GET", "/api/v1/admin/outbox", None, ADMIN_LIST),
        row(
            "POST",
            "/api/v1/admin/outbox/{id}/retry",
            None,
            [401, 404, 404, 404, 404, 204],
        ),
        // Signals: the agency's own, for those who do case work.
        row("POST", "/api/v1/signals", None, CASEWORK_CREATE),
        row("GET", "/api/v1/signals", None, REFERRERS),
        row("GET", "/api/v1/signals/{id}", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/signals/{id}", Foreign, HIDDEN),
        // Cases: the owner's, and the receiver's once accepted and while open.
        row("POST", "/api/v1/cases", None, CASEWORK_CREATE),
        row("GET", "/api/v1/cases", None, REFERRERS),
        row("GET", "/api/v1/cases/{id}", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}", RecvBefore, HIDDEN),
        row("GET", "/api/v1/cases/{id}", RecvAfter, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}", Ended, HIDDEN),
        row("GET", "/api/v1/cases/{id}", Foreign, HIDDEN),
        // Whoever reads a case reads the chain it is part of.
        row("GET", "/api/v1/cases/{id}/chain", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}/chain", RecvBefore, HIDDEN),
        row(
            "GET",
            "/api/v1/cases/{id}/chain",
            RecvAfter,
            CASEWORK_OBJECT,
        ),
        row("GET", "/api/v1/cases/{id}/chain", Ended, HIDDEN),
        row("GET", "/api/v1/cases/{id}/chain", Foreign, HIDDEN),
        row("GET", "/api/v1/cases/{id}/timeline", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}/timeline", RecvBefore, HIDDEN),
        row(
            "GET",
            "/api/v1/cases/{id}/timeline",
            RecvAfter,
            CASEWORK_OBJECT,
        ),
        row("GET", "/api/v1/cases/{id}/timeline", Ended, HIDDEN),
        row("GET", "/api/v1/cases/{id}/timeline", Foreign, HIDDEN),
        // Notes: written and read by the owner and by an agency that currently shares
        // the case; changed only by their author.
        row(
            "POST",
            "/api/v1/cases/{id}/notes",
            Own,
            CASEWORK_OBJECT_CREATE,
        ),
        row("POST", "/api/v1/cases/{id}/notes", RecvBefore, HIDDEN),
        row(
            "POST",
            "/api/v1/cases/{id}/notes",
            RecvAfter,
            CASEWORK_OBJECT_CREATE,
        ),
        row("POST", "/api/v1/cases/{id}/notes", Ended, HIDDEN),
        row("POST", "/api/v1/cases/{id}/notes", Foreign, HIDDEN),
        row("GET", "/api/v1/cases/{id}/notes", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}/notes", RecvBefore, HIDDEN),
        row(
            "GET",
            "/api/v1/cases/{id}/notes",
            RecvAfter,
            CASEWORK_OBJECT,
        ),
        row("GET", "/api/v1/cases/{id}/notes", Ended, HIDDEN),
        row("GET", "/api/v1/cases/{id}/notes", Foreign, HIDDEN),
        row("PUT", "/api/v1/notes/{id}", Own, NOTE_AUTHOR),
        row("PUT", "/api/v1/notes/{id}", RecvAfter, NOTE_SHARED),
        row("PUT", "/api/v1/notes/{id}", Ended, HIDDEN),
        row("PUT", "/api/v1/notes/{id}", Foreign, HIDDEN),
        // Documents: added by the owner and by an agency that currently shares the case;
        // read by the uploader's agency, and by another one only when shared with it and
        // it sees the identity; shared and taken off by the uploader's agency only.
        row(
            "POST",
            "/api/v1/cases/{id}/documents",
            Own,
            CASEWORK_OBJECT_CREATE,
        ),
        row("POST", "/api/v1/cases/{id}/documents", RecvBefore, HIDDEN),
        row(
            "POST",
            "/api/v1/cases/{id}/documents",
            RecvAfter,
            CASEWORK_OBJECT_CREATE,
        ),
        row(
            "POST",
            "/api/v1/cases/{id}/documents",
            RecvShown,
            CASEWORK_OBJECT_CREATE,
        ),
        row("POST", "/api/v1/cases/{id}/documents", Ended, HIDDEN),
        row("POST", "/api/v1/cases/{id}/documents", Foreign, HIDDEN),
        row("GET", "/api/v1/cases/{id}/documents", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}/documents", RecvBefore, HIDDEN),
        row(
            "GET",
            "/api/v1/cases/{id}/documents",
            RecvAfter,
            CASEWORK_OBJECT,
        ),
        row(
            "GET",
            "/api/v1/cases/{id}/documents",
            RecvShown,
            CASEWORK_OBJECT,
        ),
        row("GET", "/api/v1/cases/{id}/documents", Ended, HIDDEN),
        row("GET", "/api/v1/cases/{id}/documents", Foreign, HIDDEN),
        row("GET", "/api/v1/documents/{id}", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/documents/{id}", RecvShown, CASEWORK_OBJECT),
        row("GET", "/api/v1/documents/{id}", RecvUnshared, HIDDEN),
        row("GET", "/api/v1/documents/{id}", RecvAfter, HIDDEN),
        row("GET", "/api/v1/documents/{id}", Ended, HIDDEN),
        row("GET", "/api/v1/documents/{id}", Foreign, HIDDEN),
        row(
            "GET",
            "/api/v1/documents/{id}/content",
            Own,
            CASEWORK_OBJECT,
        ),
        row(
            "GET",
            "/api/v1/documents/{id}/content",
            RecvShown,
            CASEWORK_OBJECT,
        ),
        row(
            "GET",
            "/api/v1/documents/{id}/content",
            RecvUnshared,
            HIDDEN,
        ),
        row("GET", "/api/v1/documents/{id}/content", RecvAfter, HIDDEN),
        row("GET", "/api/v1/documents/{id}/content", Ended, HIDDEN),
        row("GET", "/api/v1/documents/{id}/content", Foreign, HIDDEN),
        row("PUT", "/api/v1/documents/{id}/shared", Own, CASEWORK_OBJECT),
        row("PUT", "/api/v1/documents/{id}/shared", RecvShown, READ_ONLY),
        row("PUT", "/api/v1/documents/{id}/shared", RecvUnshared, HIDDEN),
        row("PUT", "/api/v1/documents/{id}/shared", RecvAfter, HIDDEN),
        row("PUT", "/api/v1/documents/{id}/shared", Ended, HIDDEN),
        row("PUT", "/api/v1/documents/{id}/shared", Foreign, HIDDEN),
        row("DELETE", "/api/v1/documents/{id}", Own, CASEWORK_DELETE),
        row("DELETE", "/api/v1/documents/{id}", RecvShown, READ_ONLY),
        row("DELETE", "/api/v1/documents/{id}", RecvUnshared, HIDDEN),
        row("DELETE", "/api/v1/documents/{id}", RecvAfter, HIDDEN),
        row("DELETE", "/api/v1/documents/{id}", Ended, HIDDEN),
        row("DELETE", "/api/v1/documents/{id}", Foreign, HIDDEN),
        // Only the owner changes a case, its consents, and refers it.
        row("POST", "/api/v1/cases/{id}/reopen", Own, CASEWORK_OBJECT),
        row("POST", "/api/v1/cases/{id}/reopen", RecvAfter, HIDDEN),
        row("POST", "/api/v1/cases/{id}/reopen", Foreign, HIDDEN),
        // The person's rights: the owning agency's coordinators; hidden from all others,
        // the receiving agency and an emergency reader too.
        row("GET", "/api/v1/cases/{id}/person-record", Own, RIGHTS),
        row("GET", "/api/v1/cases/{id}/person-record", RecvAfter, HIDDEN),
        row("GET", "/api/v1/cases/{id}/person-record", Foreign, HIDDEN),
        row("PUT", "/api/v1/cases/{id}/restriction", Own, RIGHTS),
        row("PUT", "/api/v1/cases/{id}/restriction", RecvAfter, HIDDEN),
        row("PUT", "/api/v1/cases/{id}/restriction", Foreign, HIDDEN),
        row(
            "DELETE",
            "/api/v1/cases/{id}/restriction",
            Own,
            RIGHTS_REFUSED,
        ),
        row(
            "DELETE",
            "/api/v1/cases/{id}/restriction",
            RecvAfter,
            HIDDEN,
        ),
        row("DELETE", "/api/v1/cases/{id}/restriction", Foreign, HIDDEN),
        row("POST", "/api/v1/cases/{id}/erasure", Own, RIGHTS_REFUSED),
        row("POST", "/api/v1/cases/{id}/erasure", RecvAfter, HIDDEN),
        row("POST", "/api/v1/cases/{id}/erasure", Foreign, HIDDEN),
        row("PUT", "/api/v1/cases/{id}/assignee", Own, ASSIGNERS),
        row("PUT", "/api/v1/cases/{id}/assignee", RecvAfter, HIDDEN),
        row("PUT", "/api/v1/cases/{id}/assignee", Foreign, HIDDEN),
        row("GET", "/api/v1/caseload", None, COORDINATORS),
        // The directory in the Open Referral format: every role.
        row("GET", "/api/v1/directory/hsds", None, SIGNED_IN),
        // Emergency access: opened by case workers of an allowed kind, reviewed by the
        // auditors; while it lasts the case is read (never changed) by its holder.
        row("POST", "/api/v1/emergency-accesses", Foreign, BREAK_GLASS),
        row("POST", "/api/v1/emergency-accesses", Own, GLASS_NOT_NEEDED),
        row("GET", "/api/v1/emergency-accesses", None, AUDITOR),
        row("GET", "/api/v1/emergency-accesses/summary", None, AUDITOR),
        row("GET", "/api/v1/emergency-accesses/{id}", None, AUDITOR),
        row(
            "POST",
            "/api/v1/emergency-accesses/{id}/review",
            None,
            AUDITOR,
        ),
        row("GET", "/api/v1/cases/{id}", Glass, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}/timeline", Glass, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}/chain", Glass, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}/notes", Glass, CASEWORK_OBJECT),
        row("POST", "/api/v1/cases/{id}/notes", Glass, HIDDEN),
        row("PATCH", "/api/v1/cases/{id}", Glass, HIDDEN),
        row("POST", "/api/v1/cases/{id}/close", Glass, HIDDEN),
        row("POST", "/api/v1/cases/{id}/referrals", Glass, HIDDEN),
        row("GET", "/api/v1/cases/{id}/history", Glass, HIDDEN),
        row("GET", "/api/v1/cases/{id}/person-record", Glass, HIDDEN),
        row("PUT", "/api/v1/cases/{id}/restriction", Glass, HIDDEN),
        row("POST", "/api/v1/cases/{id}/erasure", Glass, HIDDEN),
        // The agency's own figures: only ever the caller's own agency.
        row("GET", "/api/v1/agency/dashboard", None, COORDINATORS),
        // The receiving agency opens its own case from a referral it accepted.
        row(
            "POST",
            "/api/v1/referrals/{id}/case",
            RecvAfter,
            CASEWORK_OBJECT_CREATE,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/case",
            RecvBefore,
            REFUSED_TRANSITION,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/case",
            Ended,
            REFUSED_TRANSITION,
        ),
        row("POST", "/api/v1/referrals/{id}/case", Own, HIDDEN),
        row("POST", "/api/v1/referrals/{id}/case", Foreign, HIDDEN),
        row("PATCH", "/api/v1/cases/{id}", Own, CASEWORK_OBJECT),
        row("PATCH", "/api/v1/cases/{id}", RecvAfter, HIDDEN),
        row("PATCH", "/api/v1/cases/{id}", Foreign, HIDDEN),
        row("GET", "/api/v1/cases/{id}/history", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/cases/{id}/history", RecvAfter, HIDDEN),
        row("GET", "/api/v1/cases/{id}/history", Foreign, HIDDEN),
        row("POST", "/api/v1/cases/{id}/close", Own, CASEWORK_OBJECT),
        row("POST", "/api/v1/cases/{id}/close", RecvAfter, HIDDEN),
        row("POST", "/api/v1/cases/{id}/close", Foreign, HIDDEN),
        row(
            "POST",
            "/api/v1/cases/{id}/consents",
            Own,
            CASEWORK_OBJECT_CREATE,
        ),
        row("POST", "/api/v1/cases/{id}/consents", RecvAfter, HIDDEN),
        row("POST", "/api/v1/cases/{id}/consents", Foreign, HIDDEN),
        row(
            "POST",
            "/api/v1/cases/{id}/consents/{consent_id}/withdraw",
            Own,
            CASEWORK_OBJECT,
        ),
        row(
            "POST",
            "/api/v1/cases/{id}/consents/{consent_id}/withdraw",
            RecvAfter,
            HIDDEN,
        ),
        row(
            "POST",
            "/api/v1/cases/{id}/consents/{consent_id}/withdraw",
            Foreign,
            HIDDEN,
        ),
        row(
            "POST",
            "/api/v1/cases/{id}/referrals",
            Own,
            CASEWORK_OBJECT_CREATE,
        ),
        row("POST", "/api/v1/cases/{id}/referrals", RecvAfter, HIDDEN),
        row("POST", "/api/v1/cases/{id}/referrals", Foreign, HIDDEN),
        // Referrals: sender and receiver see them; the receiver decides; the sender
        // withdraws; the transition table refuses the rest.
        row("GET", "/api/v1/referrals", None, REFERRERS),
        row("GET", "/api/v1/referrals/{id}", Own, CASEWORK_OBJECT),
        row("GET", "/api/v1/referrals/{id}", RecvBefore, CASEWORK_OBJECT),
        row("GET", "/api/v1/referrals/{id}", RecvAfter, CASEWORK_OBJECT),
        row("GET", "/api/v1/referrals/{id}", Ended, CASEWORK_OBJECT),
        row("GET", "/api/v1/referrals/{id}", Foreign, HIDDEN),
        // Drafts: each author's alone; anyone else's answers as missing.
        row("GET", "/api/v1/drafts", None, DRAFTERS),
        row("POST", "/api/v1/drafts", None, CASEWORK_CREATE),
        row("GET", "/api/v1/drafts/{id}", Itself, OWN_DRAFT),
        row("GET", "/api/v1/drafts/{id}", Foreign, HIDDEN),
        row("PUT", "/api/v1/drafts/{id}", Itself, OWN_DRAFT),
        row("PUT", "/api/v1/drafts/{id}", Foreign, HIDDEN),
        row("DELETE", "/api/v1/drafts/{id}", Itself, OWN_DRAFT_DELETE),
        row("DELETE", "/api/v1/drafts/{id}", Foreign, HIDDEN),
        // The receiving agency's coordinators say who is responsible once accepted.
        row(
            "PUT",
            "/api/v1/referrals/{id}/assignee",
            RecvAfter,
            ASSIGNERS,
        ),
        row(
            "PUT",
            "/api/v1/referrals/{id}/assignee",
            RecvBefore,
            ASSIGN_REFUSED,
        ),
        row(
            "PUT",
            "/api/v1/referrals/{id}/assignee",
            Ended,
            ASSIGN_REFUSED,
        ),
        row("PUT", "/api/v1/referrals/{id}/assignee", Own, HIDDEN),
        row("PUT", "/api/v1/referrals/{id}/assignee", Foreign, HIDDEN),
        row(
            "POST",
            "/api/v1/referrals/{id}/accept",
            RecvBefore,
            DECIDERS,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/accept",
            Own,
            REFUSED_TRANSITION,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/accept",
            RecvAfter,
            REFUSED_TRANSITION,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/accept",
            Ended,
            REFUSED_TRANSITION,
        ),
        row("POST", "/api/v1/referrals/{id}/accept", Foreign, HIDDEN),
        row(
            "POST",
            "/api/v1/referrals/{id}/decline",
            RecvBefore,
            DECIDERS,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/decline",
            Own,
            REFUSED_TRANSITION,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/decline",
            RecvAfter,
            REFUSED_TRANSITION,
        ),
        row("POST", "/api/v1/referrals/{id}/decline", Foreign, HIDDEN),
        row(
            "POST",
            "/api/v1/referrals/{id}/redirect",
            RecvBefore,
            DECIDERS,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/redirect",
            Own,
            REFUSED_TRANSITION,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/redirect",
            Ended,
            REFUSED_TRANSITION,
        ),
        row("POST", "/api/v1/referrals/{id}/redirect", Foreign, HIDDEN),
        row("POST", "/api/v1/referrals/{id}/start", RecvAfter, DECIDERS),
        row(
            "POST",
            "/api/v1/referrals/{id}/start",
            RecvBefore,
            REFUSED_TRANSITION,
        ),
        row("POST", "/api/v1/referrals/{id}/start", Foreign, HIDDEN),
        row(
            "POST",
            "/api/v1/referrals/{id}/complete",
            RecvAfter,
            DECIDERS,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/complete",
            RecvBefore,
            REFUSED_TRANSITION,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/complete",
            Ended,
            REFUSED_TRANSITION,
        ),
        row("POST", "/api/v1/referrals/{id}/complete", Foreign, HIDDEN),
        row(
            "POST",
            "/api/v1/referrals/{id}/withdraw",
            Own,
            CASEWORK_OBJECT,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/withdraw",
            RecvBefore,
            REFUSED_TRANSITION,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/withdraw",
            RecvAfter,
            REFUSED_TRANSITION,
        ),
        row(
            "POST",
            "/api/v1/referrals/{id}/withdraw",
            Ended,
            REFUSED_TRANSITION,
        ),
        row("POST", "/api/v1/referrals/{id}/withdraw", Foreign, HIDDEN),
    ]
};

/// Operations the document must declare without `security`: everything else needs a
/// bearer token.
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/invitation"),
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/complete"),
];

/// Every operation of the OpenAPI document, with whether it declares `security`.
fn documented() -> Vec<(String, String, bool)> {
    let doc = openapi_document().unwrap();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(op) = item.get(method) {
                let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
                ops.push((method.to_uppercase(), path.clone(), secured));
            }
        }
    }
    ops
}

#[test]
fn the_matrix_and_the_openapi_document_name_the_same_operations() {
    let in_doc: BTreeSet<(String, String)> =
        documented().into_iter().map(|(m, p, _)| (m, p)).collect();
    let in_table: BTreeSet<(String, String)> = TABLE
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let unlisted: Vec<_> = in_doc.difference(&in_table).collect();
    let undocumented: Vec<_> = in_table.difference(&in_doc).collect();
    assert!(
        unlisted.is_empty(),
        "operations without a matrix row: {unlisted:?}"
    );
    assert!(
        undocumented.is_empty(),
        "matrix rows for operations the document does not have: {undocumented:?}"
    );
}

#[test]
fn every_operation_but_the_public_ones_is_secured_and_refused_without_a_token() {
    let public: BTreeSet<(String, String)> = PUBLIC
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    for (method, path, secured) in documented() {
        let is_public = public.contains(&(method.clone(), path.clone()));
        assert_eq!(
            secured, !is_public,
            "{method} {path}: declared security does not match the public list"
        );
        if secured {
            for r in TABLE
                .iter()
                .filter(|r| r.method == method && r.path == path)
            {
                assert_eq!(
                    r.expect[0], 401,
                    "{method} {path} must answer 401 without a token"
                );
            }
        }
    }
}

#[test]
fn every_operation_is_shown_to_be_served_by_some_cell() {
    // A missing route answers 404 too; some cell of each operation must expect more.
    for (method, path, _) in documented() {
        let compartment = crate::matrix_compartment::TABLE
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .any(|r| r.expect.iter().any(|&s| s != 404));
        let proven = compartment
            || TABLE
                .iter()
                .filter(|r| r.method == method && r.path == path)
                .any(|r| r.expect.iter().any(|&s| s != 404));
        assert!(proven, "{method} {path}: every cell expects 404");
    }
}

/// The agencies and the signed-in actors every cell works in.
struct World {
    own: Agency,
    foreign: Agency,
    /// A third agency: the receiver of referrals unrelated to `own`.
    third: Agency,
    /// A coordinator of `foreign`, who prepares its cases and referrals.
    foreign_coord: Actor,
    /// The application's case-work settings (its keys), to prepare objects.
    workflow: Arc<WorkflowConfig>,
    /// One user per role of [`ROLES`], all of `own`, with their access tokens.
    actors: Vec<(User, String)>,
    next: Cell<u32>,
}

impl World {
    fn unique(&self, prefix: &str) -> String {
        let n = self.next.get() + 1;
        self.next.set(n);
        format!("{prefix}{n}")
    }

    fn agency_of(&self, rel: Rel) -> &Agency {
        if rel == Rel::Foreign {
            &self.foreign
        } else {
            &self.own
        }
    }
}

/// A user as the use cases see them (a session id of its own: the use cases do not
/// look at sessions, the HTTP layer does).
fn as_actor(u: &User) -> Actor {
    Actor {
        user_id: u.id,
        agency_id: u.agency_id,
        role: u.role,
        session_id: SessionId::new_random(),
    }
}

/// Prepares case work directly through the use cases, with the application's keys.
struct Prep<'a> {
    db: &'a TestDb,
    world: &'a World,
}

impl Prep<'_> {
    fn run<T>(
        &self,
        f: impl FnOnce(
            &mut schakel_store::DbConn,
            &Env<'_>,
        ) -> Result<T, schakel_referral_workflow::UseCaseError>,
    ) -> T {
        let ctx = RequestContext::default();
        let env = Env {
            cfg: &self.world.workflow,
            ctx: &ctx,
            now: chrono::Utc::now(),
        };
        let mut conn = self.db.pool.get().unwrap();
        f(&mut conn, &env).unwrap()
    }

    fn signal(&self, who: &Actor) -> schakel_domain::SignalId {
        let input: SignalInput = serde_json::from_value(signal_body()).unwrap();
        self.run(|c, env| signals_uc::create_signal(c, env, who, &input, None))
            .into_new()
            .unwrap()
            .id
    }

    fn case(&self, who: &Actor) -> CaseId {
        let input: OpenCaseInput = serde_json::from_value(case_body()).unwrap();
        self.run(|c, env| cases_uc::open_case(c, env, who, &input, None))
            .into_new()
            .unwrap()
            .id
    }

    /// A draft of `who`'s: through the use case for a role that keeps drafts, else
    /// stored directly (its content is never read: the use case refuses first).
    fn draft(&self, who: &Actor) -> (schakel_domain::DraftId, i64) {
        if who.may(
            schakel_domain::Action::KeepDraft,
            schakel_domain::Relationship::Platform,
        ) {
            let input = serde_json::from_value(draft_body()).unwrap();
            let d = self
                .run(|c, env| schakel_referral_workflow::drafts::create_draft(c, env, who, &input));
            return (d.id, d.version);
        }
        use schakel_store::casework::drafts::{NewDraft, insert};
        let id = schakel_domain::DraftId::new_random();
        let now = chrono::Utc::now();
        let mut conn = self.db.pool.get().unwrap();
        let new = NewDraft {
            id,
            user_id: who.user_id,
            form: schakel_domain::DraftForm::Signal,
            case_id: None,
            content: "not sealed",
            expires_at: now + chrono::Duration::days(1),
        };
        insert(&mut conn, &new, now).unwrap();
        (id, 1)
    }

    fn case_version(&self, id: CaseId) -> i64 {
        let mut conn = self.db.pool.get().unwrap();
        schakel_store::casework::cases::find(&mut conn, id)
            .unwrap()
            .version
    }

    fn referral_version(&self, id: ReferralId) -> i64 {
        let mut conn = self.db.pool.get().unwrap();
        schakel_store::casework::referrals::find(&mut conn, id)
            .unwrap()
            .version
    }

    fn refer(&self, who: &Actor, case: CaseId, to: &Agency) -> ReferralId {
        let input = ReferralInput {
            to_agency_id: to.id,
            purpose: schakel_domain::ReferralPurpose::Shelter,
            urgency: schakel_domain::Urgency::Normal,
            message: None,
        };
        self.run(|c, env| referrals_uc::create_referral(c, env, who, case, &input, None))
            .into_new()
            .unwrap()
            .id
    }

    fn act(&self, who: &Actor, id: ReferralId, action: ReferralAction, input: ActionInput) {
        let version = self.referral_version(id);
        self.run(|c, env| {
            referrals_uc::act(c, env, who, id, IfMatch::Version(version), action, &input)
        });
    }

    fn consent(&self, who: &Actor, case: CaseId) -> schakel_domain::ConsentId {
        self.consent_for(who, case, consent_body())
    }

    /// A consent or legal basis of `body` recorded on `case` by `who`.
    fn consent_for(&self, who: &Actor, case: CaseId, body: Value) -> schakel_domain::ConsentId {
        let input: ConsentInput = serde_json::from_value(body).unwrap();
        let version = self.case_version(case);
        let view = self.run(|c, env| {
            consents_uc::record_consent(c, env, who, case, IfMatch::Version(version), &input)
        });
        view.consents.last().unwrap().id
    }

    /// Closes `case` as `who`.
    fn close(&self, who: &Actor, case: CaseId) {
        let input: CloseCaseInput =
            serde_json::from_value(json!({ "reason": "no_indication" })).unwrap();
        let version = self.case_version(case);
        self.run(|c, env| {
            cases_uc::close_case(c, env, who, case, IfMatch::Version(version), &input)
        });
    }

    /// The body that breaks the glass for `case` of `agency`.
    fn glass_body(&self, agency: schakel_domain::AgencyId, case: CaseId) -> Value {
        let mut conn = self.db.pool.get().unwrap();
        let reference = schakel_store::casework::cases::find(&mut conn, case)
            .unwrap()
            .reference;
        json!({
            "agency_id": agency, "reference": reference, "ground": "danger_to_life",
            "reason": "De meldkamer meldt acuut gevaar voor deze persoon."
        })
    }

    /// An emergency access of `who` to `case`: through the use case for a role that may
    /// open one, else stored directly (the policy refuses its reads all the same).
    fn glass(&self, who: &Actor, case: CaseId) -> schakel_domain::EmergencyAccessId {
        if who.may(
            schakel_domain::Action::OpenEmergencyAccess,
            schakel_domain::Relationship::Platform,
        ) {
            let owner = self.world.foreign.id;
            let input = serde_json::from_value(self.glass_body(owner, case)).unwrap();
            return self
                .run(|c, env| {
                    schakel_referral_workflow::emergency::open_emergency_access(c, env, who, &input)
                })
                .id;
        }
        use schakel_store::casework::emergency::{NewEmergencyAccess, insert};
        let now = chrono::Utc::now();
        let mut conn = self.db.pool.get().unwrap();
        let new = NewEmergencyAccess {
            id: schakel_domain::EmergencyAccessId::new_random(),
            case_id: case,
            owner_agency_id: self.world.foreign.id,
            user_id: who.user_id,
            agency_id: who.agency_id,
            ground: schakel_domain::EmergencyGround::DangerToLife,
            reason: "not sealed",
            identity_shown: true,
            started_at: now,
            expires_at: now + chrono::Duration::hours(4),
        };
        insert(&mut conn, &new).unwrap().id
    }

    /// A note on `case` written by `who`, shared with the agencies that share the case.
    fn note(&self, who: &Actor, case: CaseId) -> (schakel_domain::NoteId, i64) {
        let input: NoteInput = serde_json::from_value(note_body()).unwrap();
        let note = self.run(|c, env| notes_uc::add_note(c, env, who, case, &input));
        (note.id, note.version)
    }

    /// A PDF on `case` added by `who`, shared or not, and scanned clean; its id and
    /// version.
    fn document(&self, who: &Actor, case: CaseId, shared: bool) -> (DocumentId, i64) {
        let upload = DocumentUpload {
            title: Some("Matrix".into()),
            shared,
            file: crate::documents_http::PDF.to_vec(),
        };
        let doc = self.run(|c, env| documents_uc::add_document(c, env, who, case, upload));
        crate::documents_http::scan(self.db, &self.world.workflow, Verdict::Clean);
        let mut conn = self.db.pool.get().unwrap();
        let version = schakel_store::casework::documents::find(&mut conn, doc.id)
            .unwrap()
            .version;
        (doc.id, version)
    }

    /// A case and, for `rel`, a referral in the state the relationship names.
    fn case_with_referral(&self, rel: Rel) -> (CaseId, ReferralId) {
        let w = self.world;
        let own_cw = as_actor(&w.actors[0].0);
        let own_coord = as_actor(&w.actors[1].0);
        match rel {
            Rel::Own | Rel::None | Rel::Itself => {
                let case = self.case(&own_cw);
                (case, self.refer(&own_cw, case, &w.foreign))
            }
            Rel::Foreign | Rel::Glass => {
                let case = self.case(&w.foreign_coord);
                (case, self.refer(&w.foreign_coord, case, &w.third))
            }
            Rel::RecvBefore | Rel::RecvAfter | Rel::Ended | Rel::RecvShown | Rel::RecvUnshared => {
                let case = self.case(&w.foreign_coord);
                if matches!(rel, Rel::RecvShown | Rel::RecvUnshared) {
                    self.consent_for(&w.foreign_coord, case, identity_consent_body());
                }
                let id = self.refer(&w.foreign_coord, case, &w.own);
                if rel != Rel::RecvBefore {
                    self.act(
                        &own_coord,
                        id,
                        ReferralAction::Accept,
                        ActionInput::default(),
                    );
                }
                if rel == Rel::Ended {
                    let done = ActionInput {
                        outcome: Some(schakel_domain::ReferralOutcome::SupportProvided),
                        ..ActionInput::default()
                    };
                    self.act(&own_coord, id, ReferralAction::Complete, done);
                }
                (case, id)
            }
        }
    }
}

fn signal_body() -> Value {
    json!({
        "observed_on": "2026-01-10",
        "region": "midden_nederland",
        "exploitation_forms": ["labour"],
        "reporting_basis": "consent",
        "person": { "identity": { "family_name": "Matrix" }, "gender": "male" }
    })
}

fn case_body() -> Value {
    json!({
        "person": { "identity": { "given_names": "Ada" }, "gender": "female" },
        "region": "midden_nederland",
        "exploitation_forms": ["sexual"]
    })
}

fn draft_body() -> Value {
    json!({ "form": "signal", "fields": [{ "name": "family_name", "value": "Concept" }] })
}

fn note_body() -> Value {
    json!({
        "kind": "phone_call", "occurred_on": "2026-01-03", "visibility": "shared",
        "text": "Gebeld over opvang."
    })
}

/// A consent that covers the actor's agency (a municipality) for the matrix's
/// referrals (shelter): the receiver sees the identity.
fn identity_consent_body() -> Value {
    json!({
        "kind": "consent", "recipient_kinds": ["municipality"], "purposes": ["shelter"],
        "given_by": "person", "given_on": "2026-01-02"
    })
}

fn consent_body() -> Value {
    json!({
        "kind": "consent", "recipient_kinds": ["shelter"], "purposes": ["shelter"],
        "given_by": "person", "given_on": "2026-01-02"
    })
}

/// The URI, body and `If-Match` of a case-work cell.
fn prepare_casework(
    db: &TestDb,
    world: &World,
    row: &Row,
    subject: &Actor,
) -> Option<(String, Option<Value>, Option<String>)> {
    let p = Prep { db, world };
    let path = row.path;
    let own_cw = as_actor(&world.actors[0].0);
    let q = |v: i64| Some(format!("\"{v}\""));
    let out = match (row.method, path) {
        ("POST", "/api/v1/signals") => (path.to_owned(), Some(signal_body()), None),
        ("POST", "/api/v1/cases") => (path.to_owned(), Some(case_body()), None),
        ("GET", "/api/v1/signals" | "/api/v1/cases") => (path.to_owned(), None, None),
        ("GET", "/api/v1/referrals") => (format!("{path}?box=incoming"), None, None),
        ("GET", "/api/v1/drafts") => (path.to_owned(), None, None),
        ("POST", "/api/v1/drafts") => (path.to_owned(), Some(draft_body()), None),
        ("GET", "/api/v1/signals/{id}") => {
            let who = if row.rel == Rel::Own {
                own_cw
            } else {
                world.foreign_coord
            };
            (
                path.replace("{id}", &p.signal(&who).to_string()),
                None,
                None,
            )
        }
        ("POST", "/api/v1/audit/subject") => {
            let case = p.case(&own_cw);
            let mut body = p.glass_body(own_cw.agency_id, case);
            body = json!({ "agency_id": body["agency_id"], "reference": body["reference"] });
            (path.to_owned(), Some(body), None)
        }
        ("POST", "/api/v1/emergency-accesses") => {
            let who = if row.rel == Rel::Own {
                own_cw
            } else {
                world.foreign_coord
            };
            let case = p.case(&who);
            (
                path.to_owned(),
                Some(p.glass_body(who.agency_id, case)),
                None,
            )
        }
        (_, "/api/v1/emergency-accesses/{id}") => {
            let case = p.case(&world.foreign_coord);
            let id = p.glass(&as_actor(&world.actors[1].0), case);
            (path.replace("{id}", &id.to_string()), None, None)
        }
        (_, "/api/v1/emergency-accesses/{id}/review") => {
            let case = p.case(&world.foreign_coord);
            let id = p.glass(&as_actor(&world.actors[1].0), case);
            let body = json!({ "verdict": "justified" });
            (path.replace("{id}", &id.to_string()), Some(body), None)
        }
        (_, p_) if p_.starts_with("/api/v1/cases/{id}") => {
            let (case, _) = if row.rel == Rel::Own {
                (p.case(&own_cw), None::<ReferralId>)
            } else if row.rel == Rel::Glass {
                let case = p.case(&world.foreign_coord);
                p.glass(subject, case);
                (case, None)
            } else {
                let (c, r) = p.case_with_referral(row.rel);
                (c, Some(r))
            };
            let owner = if row.rel == Rel::Own {
                own_cw
            } else {
                world.foreign_coord
            };
            let mut uri = path.replace("{id}", &case.to_string());
            let body = match (row.method, path) {
                (_, "/api/v1/cases/{id}/close") => Some(json!({ "reason": "no_indication" })),
                (_, "/api/v1/cases/{id}/reopen") => Some(json!({ "reason": "person_returned" })),
                (_, "/api/v1/cases/{id}/consents") => Some(consent_body()),
                ("PUT", "/api/v1/cases/{id}/restriction") => {
                    Some(json!({ "ground": "accuracy_contested" }))
                }
                (_, "/api/v1/cases/{id}/erasure") => Some(json!({ "ground": "objection" })),
                ("POST", "/api/v1/cases/{id}/notes") => Some(note_body()),
                ("PATCH", "/api/v1/cases/{id}") => Some(json!({ "region": "rotterdam" })),
                ("PUT", "/api/v1/cases/{id}/assignee") => {
                    Some(json!({ "user_id": world.actors[0].0.id }))
                }
                (_, "/api/v1/cases/{id}/referrals") => Some(json!({
                    "to_agency_id": world.third.id, "purpose": "shelter", "urgency": "normal"
                })),
                _ => None,
            };
            if path.ends_with("/withdraw") {
                uri = uri.replace("{consent_id}", &p.consent(&owner, case).to_string());
            }
            if path.ends_with("/reopen") && row.rel == Rel::Own {
                p.close(&owner, case);
            }
            (uri, body, q(p.case_version(case)))
        }
        ("PUT", "/api/v1/notes/{id}") => {
            // Before the referral ends, the receiving agency's coordinator shares a note
            // on the case it received; after, that note stays with the owner.
            let (case, referral) = p.case_with_referral(match row.rel {
                Rel::Ended => Rel::RecvAfter,
                rel => rel,
            });
            let author = if row.rel == Rel::Own {
                own_cw
            } else {
                world.foreign_coord
            };
            let (note, version) = p.note(&author, case);
            if row.rel == Rel::Ended {
                let done = ActionInput {
                    outcome: Some(schakel_domain::ReferralOutcome::SupportProvided),
                    ..ActionInput::default()
                };
                let own_coord = as_actor(&world.actors[1].0);
                p.act(&own_coord, referral, ReferralAction::Complete, done);
            }
            (
                path.replace("{id}", &note.to_string()),
                Some(note_body()),
                q(version),
            )
        }
        (_, p_) if p_.starts_with("/api/v1/documents/{id}") => {
            let (case, owner) = if row.rel == Rel::Own {
                (p.case(&own_cw), own_cw)
            } else {
                (p.case_with_referral(row.rel).0, world.foreign_coord)
            };
            let (doc, version) = p.document(&owner, case, row.rel != Rel::RecvUnshared);
            let body = (row.method == "PUT").then(|| json!({ "shared": true }));
            (path.replace("{id}", &doc.to_string()), body, q(version))
        }
        (_, p_) if p_.starts_with("/api/v1/referrals/{id}") => {
            let (_, id) = p.case_with_referral(row.rel);
            let body = match path.rsplit('/').next() {
                Some("decline") => Some(json!({ "reason": "no_capacity" })),
                Some("redirect") => Some(json!({ "to_agency_id": world.third.id })),
                Some("complete") => Some(json!({ "outcome": "support_provided" })),
                Some("assignee") => Some(json!({ "user_id": world.actors[0].0.id })),
                _ => None,
            };
            (
                path.replace("{id}", &id.to_string()),
                body,
                q(p.referral_version(id)),
            )
        }
        _ => return None,
    };
    Some(out)
}

/// The URI, body and `If-Match` of a cell of the law-enforcement compartment: objects
/// of the foreign police force (and, for a referral, of a prosecution office).
fn prepare_compartment(
    db: &TestDb,
    world: &World,
    row: &Row,
) -> Option<(String, Option<Value>, Option<String>)> {
    use schakel_referral_workflow::offenders as uc;
    let compartment = ["/api/v1/investigations", "/api/v1/suspect"];
    if !compartment.iter().any(|p| row.path.starts_with(p)) {
        return None;
    }
    let p = Prep { db, world };
    let who = world.foreign_coord;
    let today = chrono::Utc::now().date_naive();
    let investigation = json!({ "reference": "ON-1", "region": "rotterdam",
        "exploitation_forms": ["labour"], "started_on": today });
    let suspect_body =
        json!({ "identity": { "given_names": "Ver" }, "gender": "male", "role": "other" });
    if row.rel == Rel::None {
        let body = (row.method == "POST").then(|| investigation.clone());
        return Some((row.path.to_owned(), body, None));
    }
    let inv = p
        .run(|c, env| {
            uc::open_investigation(
                c,
                env,
                &who,
                &serde_json::from_value(investigation).unwrap(),
            )
        })
        .id;
    let suspect = p
        .run(|c, env| {
            uc::add_suspect(
                c,
                env,
                &who,
                inv,
                &serde_json::from_value(suspect_body.clone()).unwrap(),
            )
        })
        .id;
    let case = p.case(&who);
    let link = serde_json::from_value(json!({ "case_id": case })).unwrap();
    let linked = p.run(|c, env| uc::link_victim(c, env, &who, suspect, &link));
    let om = AgencyBuilder::new(db)
        .name(world.unique("Parket "))
        .kind(AgencyKind::Prosecution)
        .create();
    let refer = serde_json::from_value(json!({ "to_agency_id": om.id })).unwrap();
    let referral = p.run(|c, env| uc::refer_suspect(c, env, &who, suspect, &refer));
    let uri = match row.path {
        "/api/v1/investigations/{id}" | "/api/v1/investigations/{id}/suspects" => {
            row.path.replace("{id}", &inv.to_string())
        }
        "/api/v1/suspect-referrals/{id}/{action}" => row
            .path
            .replace("{id}", &referral.id.to_string())
            .replace("{action}", "withdraw"),
        _ => row
            .path
            .replace("{id}", &suspect.to_string())
            .replace("{link_id}", &linked.victims[0].id.to_string()),
    };
    let body = match row.path.rsplit('/').next() {
        Some("suspects") => Some(suspect_body),
        Some("victims") => Some(json!({ "case_id": case })),
        Some("referrals") => Some(json!({ "to_agency_id": om.id })),
        Some("decisions") => Some(json!({ "decision": "summons", "decided_on": today })),
        Some("judgments") => Some(
            json!({ "instance": "first_instance", "outcome": "acquitted", "judged_on": today }),
        ),
        _ => None,
    };
    Some((uri, body, Some(format!("\"{}\"", referral.version))))
}

/// A request for one cell: `actor` is `None` for the no-token column, whose objects are
/// prepared as for the admin.
async fn prepare<S, R, B>(
    client: &Client<'_, S, R>,
    db: &TestDb,
    world: &World,
    row: &Row,
    actor: Option<&(User, String)>,
) -> TestRequest
where
    S: actix_web::dev::Service<
            R,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let subject = actor.unwrap_or(&world.actors[4]);
    let mut token = actor.map(|(_, t)| t.clone());
    let mut uri = row.path.to_owned();
    let mut body: Option<Value> = None;
    let mut if_match = None;
    if row.path.starts_with("/api/v1/agencies/") {
        let target = if row.path.ends_with("/deactivate") && row.rel == Rel::Foreign {
            AgencyBuilder::new(db)
                .name(world.unique("Buitenland "))
                .kind(AgencyKind::Ngo)
                .create()
        } else {
            world.agency_of(row.rel).clone()
        };
        let mut conn = db.pool.get().unwrap();
        let current = agencies::find(&mut conn, target.id).unwrap();
        if_match = Some(format!("\"{}\"", current.version));
        uri = uri.replace("{id}", &target.id.to_string());
    } else if row.path.starts_with("/api/v1/users/") {
        let target = match row.rel {
            Rel::Itself => subject.0.clone(),
            rel => {
                let email = world.unique("doelwit") + "@test.example";
                UserBuilder::new(db, world.agency_of(rel))
                    .email(email)
                    .role(Role::Caseworker)
                    .invited()
                    .create()
            }
        };
        if row.path.ends_with("/reactivate") && row.rel != Rel::Itself {
            let mut conn = db.pool.get().unwrap();
            users::set_active(&mut conn, target.id, false, chrono::Utc::now()).unwrap();
        }
        if row.path == RESET && row.rel != Rel::Itself {
            // An enrolled authenticator (its secret is never read here).
            let mut conn = db.pool.get().unwrap();
            users::set_totp_secret(&mut conn, target.id, "sealed", chrono::Utc::now()).unwrap();
        }
        uri = uri.replace("{id}", &target.id.to_string());
    }
    if row.path == "/api/v1/clients" {
        body = Some(json!({
            "agency_id": world.agency_of(row.rel).id,
            "name": world.unique("Zaaksysteem "),
            "role": "caseworker",
        }));
    }
    if row.path == "/api/v1/clients/{id}/secret" {
        let mut conn = db.pool.get().unwrap();
        let email = world.unique("systeem") + "@clients.test.example";
        let new = users::NewUser {
            agency_id: world.agency_of(row.rel).id,
            email: &email,
            display_name: "Zaaksysteem",
            role: Role::Caseworker,
            locale: "en",
            password_hash: None,
        };
        let hash = world.unique("secret-hash-");
        let made = schakel_store::clients::insert(&mut conn, &new, &hash, chrono::Utc::now());
        uri = uri.replace("{id}", &made.unwrap().id.to_string());
    }
    if row.path == PROFILE {
        let target = world.agency_of(row.rel).id;
        let mut conn = db.pool.get().unwrap();
        let version = schakel_store::agency_profiles::find(&mut conn, target)
            .unwrap()
            .map_or(0, |p| p.version);
        if_match = Some(format!("\"{version}\""));
        uri = uri.replace("{id}", &target.to_string());
        if row.method == "PUT" {
            body = Some(json!({
                "services": ["shelter_places"],
                "languages": ["nl", "ro"],
                "places": { "total": 8, "free": 2 },
            }));
        }
    }
    if row.path.starts_with("/api/v1/privilege-requests/{id}") {
        // A request to reset a colleague's second factor, filed by another admin (or,
        // for `Itself`, by the caller).
        let asker = match row.rel {
            Rel::Itself if subject.0.role == Role::Admin => subject.0.clone(),
            _ => UserBuilder::new(db, &world.own)
                .email(world.unique("beheerder") + "@test.example")
                .role(Role::Admin)
                .create(),
        };
        let target = UserBuilder::new(db, &world.own)
            .email(world.unique("kwijt") + "@test.example")
            .role(Role::Caseworker)
            .create();
        let mut conn = db.pool.get().unwrap();
        let now = chrono::Utc::now();
        users::set_totp_secret(&mut conn, target.id, "sealed", now).unwrap();
        let asker = as_actor(&asker);
        let cfg = schakel_auth::AuthConfig::default();
        let change = schakel_auth::admin::users::reset_second_factor(
            &mut conn,
            &cfg,
            &asker,
            target.id,
            &RequestContext::default(),
            now,
        )
        .unwrap();
        let schakel_auth::admin::four_eyes::Change::Requested(r) = change else {
            panic!("four eyes are on by default")
        };
        uri = uri.replace("{id}", &r.id.to_string());
    }
    if row.path == "/api/v1/audit/export" {
        uri = format!("{uri}?format=jsonl");
    }
    if row.path == "/api/v1/admin/outbox" {
        uri = format!("{uri}?state=failed");
    }
    match row.path {
        "/api/v1/monitor/counts" => {
            uri = format!("{uri}?measure=persons&by=period,gender&from=2026-01&to=2026-12");
        }
        "/api/v1/monitor/flows" => uri = format!("{uri}?from=2026-01&to=2026-12"),
        "/api/v1/monitor/overlap" => {
            uri = format!("{uri}?year=2026&purpose=multiple_systems_estimation");
        }
        "/api/v1/monitor/estimate" | "/api/v1/monitor/htcds" => {
            uri = format!("{uri}?from=2026&to=2026");
        }
        "/api/v1/monitor/offenders" => uri = format!("{uri}?table=funnel&from=2026&to=2026"),
        _ => {}
    }
    if row.path == "/api/v1/admin/outbox/{id}/retry" {
        let mut conn = db.pool.get().unwrap();
        let now = chrono::Utc::now();
        let id = schakel_store::outbox::enqueue(
            &mut conn,
            &schakel_store::outbox::NewOutboxMessage {
                channel: schakel_store::outbox::Channel::Email,
                topic: "referral_received".into(),
                payload: json!({ "agency_id": world.own.id, "roles": ["coordinator"] }),
                available_at: now,
            },
            now,
        )
        .unwrap()
        .to_string();
        schakel_store::outbox::mark_failed(&mut conn, &id, now, "no active recipient").unwrap();
        uri = uri.replace("{id}", &id);
    }
    if row.path == "/api/v1/me/sessions/{id}" {
        // A second session of the caller's (so the one in use stays), or another's.
        let owner = if row.rel == Rel::Itself {
            subject.0.id
        } else {
            world.foreign_coord.user_id
        };
        let mut conn = db.pool.get().unwrap();
        let now = chrono::Utc::now();
        let hour = chrono::Duration::hours(1);
        let origin = schakel_store::sessions::Origin::default();
        let s = schakel_store::sessions::create(&mut conn, owner, true, (now, now + hour), &origin)
            .unwrap();
        uri = uri.replace("{id}", &s.id.to_string());
    }
    if row.path == "/api/v1/drafts/{id}" {
        let owner = if row.rel == Rel::Itself {
            as_actor(&subject.0)
        } else {
            world.foreign_coord
        };
        let (id, version) = Prep { db, world }.draft(&owner);
        uri = uri.replace("{id}", &id.to_string());
        if_match = Some(format!("\"{version}\""));
        if row.method == "PUT" {
            body = Some(json!({ "fields": draft_body()["fields"] }));
        }
    }
    if let Some((u, b, m)) = prepare_compartment(db, world, row) {
        uri = u;
        body = b;
        if_match = m;
    }
    if let Some((u, b, m)) = prepare_casework(db, world, row, &as_actor(&subject.0)) {
        uri = u;
        body = b;
        if_match = m;
    }
    match (row.method, row.path) {
        ("GET", "/api/v1/users") if row.rel != Rel::None => {
            uri = format!("{uri}?agency_id={}", world.agency_of(row.rel).id);
        }
        ("POST", "/api/v1/users") => {
            body = Some(json!({
                "agency_id": world.agency_of(row.rel).id,
                "email": world.unique("nieuw") + "@test.example",
                "display_name": "Nieuwe Collega",
                "role": "caseworker",
            }));
        }
        ("POST", "/api/v1/agencies") => {
            body = Some(json!({
                "name": world.unique("Instantie "),
                "kind": "shelter_other",
                "region": "rotterdam",
                "contact_email": "balie@instantie.example",
            }));
        }
        ("PATCH", "/api/v1/agencies/{id}") => {
            body = Some(json!({ "contact_email": world.unique("balie") + "@test.example" }));
        }
        ("PATCH", "/api/v1/users/{id}") => body = Some(json!({ "role": "coordinator" })),
        ("PATCH", "/api/v1/me") => body = Some(json!({ "notify": "immediate" })),
        ("POST", "/api/v1/me/password") => {
            body = Some(json!({ "current_password": PASSWORD, "new_password": "too short" }));
        }
        ("POST", "/api/v1/auth/login") => {
            body = Some(
                json!({ "email": "niemand@test.example", "password": "not the password at all" }),
            );
        }
        ("POST", "/api/v1/auth/refresh") => body = Some(json!({ "refresh_token": "garbage" })),
        ("POST", "/api/v1/auth/invitation") => {
            body = Some(json!({ "token": "garbage", "password": "drie losse woorden hier" }));
        }
        ("POST", "/api/v1/auth/password-reset") => {
            body = Some(json!({ "email": "niemand@test.example" }));
        }
        ("POST", "/api/v1/auth/password-reset/complete") => {
            body = Some(json!({ "token": "garbage", "password": "drie losse woorden hier" }));
        }
        ("POST", "/api/v1/auth/mfa/verify") => body = Some(json!({ "code": "abcdef" })),
        ("POST", "/api/v1/auth/logout") => {
            // A session of its own, so the actor's main session lives on.
            if let Some((u, _)) = actor {
                token = Some(client.token(&u.email).await);
            }
        }
        _ => {}
    }
    let mut req = request(row.method, &uri);
    if let Some(t) = token {
        req = bearer(req, &t);
    }
    if let Some(v) = if_match {
        req = req.insert_header(("if-match", v));
    }
    if (row.method, row.path) == ("POST", "/api/v1/cases/{id}/documents") {
        req = crate::documents_http::upload(req, &crate::documents_http::pdf_form(true));
    }
    if (row.method, row.path) == ("POST", "/api/v1/auth/token") {
        let form = "grant_type=client_credentials&client_id=niemand&client_secret=garbage";
        req = req
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(form);
    }
    if let Some(b) = body {
        req = req.set_json(b);
    }
    req
}

#[actix_web::test]
async fn every_cell_of_the_matrix_answers_as_expected_on_every_backend() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let mut state = state_without_mfa(&db);
        // The matrix's agency is a municipality: let its case workers break the glass.
        let mut cfg = (*state.workflow).clone();
        cfg.emergency.allowed_kinds = vec![AgencyKind::Municipality];
        state.workflow = Arc::new(cfg);
        let workflow = state.workflow.clone();
        let srv = test::init_service(app(state)).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let own = AgencyBuilder::new(&db)
            .name("Gemeente Eigen")
            .kind(AgencyKind::Municipality)
            .create();
        let foreign = AgencyBuilder::new(&db)
            .name("Politie Elders")
            .kind(AgencyKind::Police)
            .create();
        let mut actors = Vec::new();
        for role in ROLES {
            let u = UserBuilder::new(&db, &own)
                .email(format!("{role}@eigen.example"))
                .role(role)
                .create();
            let token = client.token(&u.email).await;
            actors.push((u, token));
        }
        let third = AgencyBuilder::new(&db)
            .name("Opvang Derde")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let fc = UserBuilder::new(&db, &foreign)
            .email("coord@elders.example")
            .role(Role::Coordinator)
            .create();
        let world = World {
            own,
            foreign,
            third,
            foreign_coord: as_actor(&fc),
            workflow: workflow.clone(),
            actors,
            next: Cell::new(0),
        };
        let mut failures = Vec::new();
        let mut cells = 0;
        for row in TABLE {
            for col in 0..6_usize {
                let actor = col.checked_sub(1).map(|i| &world.actors[i]);
                let req = prepare(&client, &db, &world, row, actor).await;
                let reply = client.send(req).await;
                cells += 1;
                let who = actor.map_or("no token".to_owned(), |(u, _)| u.role.to_string());
                let cell = format!("{} {} {:?} as {who}", row.method, row.path, row.rel);
                if reply.status.as_u16() != row.expect[col] {
                    failures.push(format!(
                        "{cell}: expected {}, got {} {}",
                        row.expect[col],
                        reply.status,
                        String::from_utf8_lossy(&reply.body)
                    ));
                    continue;
                }
                if reply.header("cache-control") != "no-store" {
                    failures.push(format!("{cell}: no Cache-Control: no-store"));
                }
                let expected_problem = match reply.status.as_u16() {
                    401 if col == 0 && !PUBLIC.contains(&(row.method, row.path)) => {
                        Some("unauthorized")
                    }
                    403 => Some("forbidden"),
                    404 => Some("not_found"),
                    _ => None,
                };
                if let Some(code) = expected_problem
                    && reply.problem() != code
                {
                    failures.push(format!(
                        "{cell}: problem {} instead of {code}",
                        reply.problem()
                    ));
                }
            }
        }
        assert_eq!(cells, TABLE.len() * 6);
        assert!(
            failures.is_empty(),
            "{backend:?}: {} of {cells} cells failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[test]
fn every_reference_of_the_openapi_document_resolves() {
    let doc = openapi_document().unwrap();
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    let missing: BTreeSet<&String> = found
        .iter()
        .filter(|r| {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
            doc["components"]["schemas"].get(name).is_none()
        })
        .collect();
    assert!(missing.is_empty(), "unresolvable references: {missing:?}");
}
