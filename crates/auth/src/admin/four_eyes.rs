//! Four eyes on privilege: a role change, a reactivation, a reset of a second factor or
//! an invitation to case work that the configuration names does not happen when one
//! admin asks for it. It becomes a request that waits until a second admin approves it —
//! then it is carried out, with the approver as the actor and the one who asked named —
//! or an admin rejects it (the one who asked may withdraw it so); nobody approves their
//! own; a request nobody decided within the configured time expires. Every step is
//! audited (`admin.privilege_request`, `admin.privilege_approve`,
//! `admin.privilege_reject`), each with the change's own entry on approval.

use super::{AccountView, Conflict, Op, UseCaseError, permit};
use crate::{AuthConfig, RequestContext};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::privilege::state_at;
use schakel_domain::{Action, Actor, AgencyId, PrivilegeChange, PrivilegeRequestId, RequestState};
use schakel_domain::{Role, UserId};
use schakel_store::privilege_requests::{self as store, NewRequest, PrivilegeRequest};
use schakel_store::{DbConn, users, write_tx};

/// A user named in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The user.
    pub id: UserId,
    /// Their display name now.
    pub name: String,
}

/// A request as the admins see it.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestView {
    /// Its id.
    pub id: PrivilegeRequestId,
    /// What it changes.
    pub kind: PrivilegeChange,
    /// Where it stands now (a pending one past its time has expired).
    pub state: RequestState,
    /// The account it changes (none for an invitation).
    pub target: Option<Named>,
    /// An invitation's agency (or the account's).
    pub agency_id: Option<AgencyId>,
    /// An invitation's address.
    pub email: Option<String>,
    /// An invitation's name.
    pub display_name: Option<String>,
    /// The role asked for.
    pub role: Option<Role>,
    /// Who asked.
    pub requested_by: Named,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Until when it waits.
    pub expires_at: DateTime<Utc>,
    /// Who decided.
    pub decided_by: Option<Named>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

/// Personal data (an invitation's email and name) stays out of logs.
impl std::fmt::Debug for RequestView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestView")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// What an admin's change did: carried out, or waiting for a second admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Carried out.
    Applied(AccountView),
    /// Waiting for a second admin.
    Requested(RequestView),
}

fn named(conn: &mut DbConn, id: UserId) -> Result<Named, UseCaseError> {
    let u = users::find(conn, id)?;
    Ok(Named {
        id,
        name: u.display_name,
    })
}

/// A stored request as the admins see it at `now`.
pub(crate) fn view(
    conn: &mut DbConn,
    r: &PrivilegeRequest,
    now: DateTime<Utc>,
) -> Result<RequestView, UseCaseError> {
    let target = r.target_user_id.map(|u| named(conn, u)).transpose()?;
    let decided_by = r.decided_by.map(|u| named(conn, u)).transpose()?;
    Ok(RequestView {
        id: r.id,
        kind: r.kind,
        state: state_at(r.state, r.expires_at, now),
        target,
        agency_id: r.agency_id,
        email: r.email.clone(),
        display_name: r.display_name.clone(),
        role: r.role,
        requested_by: named(conn, r.requested_by)?,
        requested_at: r.requested_at,
        expires_at: r.expires_at,
        decided_by,
        decided_at: r.decided_at,
    })
}

/// What an admin asks a second admin to approve.
#[derive(Debug, Clone)]
pub(crate) struct Ask<'a> {
    pub(crate) kind: PrivilegeChange,
    pub(crate) target: Option<UserId>,
    pub(crate) role: Option<Role>,
    /// An invitation's account, which does not exist yet.
    pub(crate) invitation: Option<&'a super::privilege_apply::Invitation<'a>>,
}

impl Ask<'_> {
    /// A change of `kind` to the account `target`.
    pub(crate) fn of(kind: PrivilegeChange, target: UserId) -> Self {
        Ask {
            kind,
            target: Some(target),
            role: None,
            invitation: None,
        }
    }
}

/// Stores a request for `ask` by `who` (inside the caller's transaction, after its
/// checks) and records its entry; a second one for the same change is
/// [`Conflict::RequestPending`].
pub(crate) fn file(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    ask: &Ask<'_>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<RequestView, UseCaseError> {
    let inv = ask.invitation;
    let email = inv.map(|i| i.email);
    if store::pending_for(conn, ask.kind, ask.target, email, now)?.is_some() {
        return Err(UseCaseError::Conflict(Conflict::RequestPending));
    }
    let new = NewRequest {
        kind: ask.kind,
        target_user_id: ask.target,
        agency_id: inv.map(|i| i.agency_id),
        email,
        display_name: inv.map(|i| i.display_name),
        locale: inv.map(|i| i.locale),
        role: ask.role.or(inv.map(|i| i.role)),
        requested_by: who.user_id,
        expires_at: now + cfg.four_eyes.expiry,
    };
    let stored = store::insert(conn, &new, now)?;
    let op = Op::on(
        "admin.privilege_request",
        ActionKind::Create,
        "privilege_request",
        stored.id,
    );
    let details = serde_json::json!({
        "kind": stored.kind,
        "target_user_id": stored.target_user_id,
        "agency_id": stored.agency_id,
        "role": stored.role,
        "expires_at": stored.expires_at.to_rfc3339(),
    });
    op.record(conn, who, Outcome::Success, details, ctx, now)?;
    view(conn, &stored, now)
}

/// The requests stored as `state` (all when `None`; an expired one is stored as
/// pending), newest first, at most 200 (admins).
pub fn list_requests(
    conn: &mut DbConn,
    who: &Actor,
    state: Option<RequestState>,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Vec<RequestView>, UseCaseError> {
    let op = Op::new("admin.privilege_list", ActionKind::Read);
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    let stored = match state {
        Some(RequestState::Expired) => Some(RequestState::Pending),
        other => other,
    };
    store::list(conn, stored, 200)?
        .iter()
        .map(|r| view(conn, r, now))
        .filter(|v| !matches!((state, v), (Some(s), Ok(v)) if v.state != s))
        .collect()
}

/// One request (admins).
pub fn get_request(
    conn: &mut DbConn,
    who: &Actor,
    id: PrivilegeRequestId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<RequestView, UseCaseError> {
    let op = Op::on(
        "admin.privilege_read",
        ActionKind::Read,
        "privilege_request",
        id,
    );
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    let r = store::find(conn, id)?;
    view(conn, &r, now)
}

/// Approves a pending request of another admin and carries it out, in one transaction:
/// [`Conflict::OwnRequest`] for one's own, [`Conflict::RequestClosed`] for one decided
/// before or expired; the change's own rules still hold (the last admin, one's own
/// account, an inactive agency, a taken address) and refuse it as they would have.
pub fn approve_request(
    conn: &mut DbConn,
    cfg: &AuthConfig,
    who: &Actor,
    id: PrivilegeRequestId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<RequestView, UseCaseError> {
    let op = Op::on(
        "admin.privilege_approve",
        ActionKind::Update,
        "privilege_request",
        id,
    );
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let r = store::find(conn, id)?;
        if r.requested_by == who.user_id {
            return Err(UseCaseError::Conflict(Conflict::OwnRequest));
        }
        if !store::decide(conn, id, RequestState::Approved, who.user_id, now)? {
            return Err(UseCaseError::Conflict(Conflict::RequestClosed));
        }
        let account = super::privilege_apply::carry_out(conn, cfg, who, &r, ctx, now)?;
        let details = serde_json::json!({
            "kind": r.kind,
            "requested_by": r.requested_by,
            "user_id": account.id,
        });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        let decided = store::find(conn, id)?;
        view(conn, &decided, now)
    })
}

/// Rejects a pending request (any admin; the one who asked withdraws it so).
pub fn reject_request(
    conn: &mut DbConn,
    who: &Actor,
    id: PrivilegeRequestId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<RequestView, UseCaseError> {
    let op = Op::on(
        "admin.privilege_reject",
        ActionKind::Update,
        "privilege_request",
        id,
    );
    permit(conn, who, Action::ManageUsers, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let r = store::find(conn, id)?;
        if !store::decide(conn, id, RequestState::Rejected, who.user_id, now)? {
            return Err(UseCaseError::Conflict(Conflict::RequestClosed));
        }
        let details = serde_json::json!({
            "kind": r.kind,
            "requested_by": r.requested_by,
            "withdrawn": r.requested_by == who.user_id,
        });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        let decided = store::find(conn, id)?;
        view(conn, &decided, now)
    })
}
