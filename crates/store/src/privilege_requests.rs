//! Requests for changes of privilege waiting for a second admin: stored, found, listed,
//! and decided once (the decision is a conditional update, so two admins cannot both
//! decide the same request). Whether one is needed and what it changes is `auth`'s.

use crate::schema::privilege_requests as pr;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, PrivilegeChange, PrivilegeRequestId, RequestState, Role, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pr)]
struct Row {
    id: String,
    kind: String,
    target_user_id: Option<String>,
    agency_id: Option<String>,
    email: Option<String>,
    display_name: Option<String>,
    locale: Option<String>,
    role: Option<String>,
    requested_by: String,
    requested_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    state: String,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
}

/// A request as stored (its state as stored: a pending one may have expired).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivilegeRequest {
    pub id: PrivilegeRequestId,
    pub kind: PrivilegeChange,
    /// The account changed (none for an invitation).
    pub target_user_id: Option<UserId>,
    /// An invitation's agency.
    pub agency_id: Option<AgencyId>,
    /// An invitation's address.
    pub email: Option<String>,
    /// An invitation's name.
    pub display_name: Option<String>,
    /// An invitation's language.
    pub locale: Option<String>,
    /// The role asked for (a role change, an invitation).
    pub role: Option<Role>,
    pub requested_by: UserId,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub state: RequestState,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
}

fn parse<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("{what}: unknown value")))
}

fn parse_opt<T: std::str::FromStr>(
    text: Option<&str>,
    what: &str,
) -> Result<Option<T>, StoreError> {
    text.map(|t| parse(t, what)).transpose()
}

impl TryFrom<Row> for PrivilegeRequest {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(PrivilegeRequest {
            id: parse(&r.id, "privilege request id")?,
            kind: parse(&r.kind, "privilege change")?,
            target_user_id: parse_opt(r.target_user_id.as_deref(), "request target")?,
            agency_id: parse_opt(r.agency_id.as_deref(), "request agency")?,
            email: r.email,
            display_name: r.display_name,
            locale: r.locale,
            role: parse_opt(r.role.as_deref(), "request role")?,
            requested_by: parse(&r.requested_by, "requested by")?,
            requested_at: from_db_time(r.requested_at),
            expires_at: from_db_time(r.expires_at),
            state: parse(&r.state, "request state")?,
            decided_by: parse_opt(r.decided_by.as_deref(), "decided by")?,
            decided_at: r.decided_at.map(from_db_time),
        })
    }
}

/// A new request.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub kind: PrivilegeChange,
    pub target_user_id: Option<UserId>,
    pub agency_id: Option<AgencyId>,
    pub email: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub role: Option<Role>,
    pub requested_by: UserId,
    pub expires_at: DateTime<Utc>,
}

/// Stores a new pending request.
pub fn insert(
    conn: &mut DbConn,
    n: &NewRequest<'_>,
    now: DateTime<Utc>,
) -> Result<PrivilegeRequest, StoreError> {
    let id = PrivilegeRequestId::new_random();
    diesel::insert_into(pr::table)
        .values((
            pr::id.eq(id.to_string()),
            pr::kind.eq(n.kind.as_str()),
            pr::target_user_id.eq(n.target_user_id.map(|u| u.to_string())),
            pr::agency_id.eq(n.agency_id.map(|a| a.to_string())),
            pr::email.eq(n.email),
            pr::display_name.eq(n.display_name),
            pr::locale.eq(n.locale),
            pr::role.eq(n.role.map(Role::as_str)),
            pr::requested_by.eq(n.requested_by.to_string()),
            pr::requested_at.eq(to_db_time(now)),
            pr::expires_at.eq(to_db_time(n.expires_at)),
            pr::state.eq(RequestState::Pending.as_str()),
        ))
        .execute(conn)?;
    find(conn, id)
}

/// One request.
pub fn find(conn: &mut DbConn, id: PrivilegeRequestId) -> Result<PrivilegeRequest, StoreError> {
    pr::table
        .find(id.to_string())
        .select(Row::as_select())
        .first(conn)?
        .try_into()
}

/// Requests stored as `state` (all when `None`), newest first, at most `limit`.
pub fn list(
    conn: &mut DbConn,
    state: Option<RequestState>,
    limit: i64,
) -> Result<Vec<PrivilegeRequest>, StoreError> {
    let mut q = pr::table.select(Row::as_select()).into_boxed();
    if let Some(s) = state {
        q = q.filter(pr::state.eq(s.as_str()));
    }
    q.order((pr::requested_at.desc(), pr::id.desc()))
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(PrivilegeRequest::try_from)
        .collect()
}

/// A pending request of `kind` for the account `target` (or, for an invitation, the
/// address `email`) that has not expired at `now`.
pub fn pending_for(
    conn: &mut DbConn,
    kind: PrivilegeChange,
    target: Option<UserId>,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<PrivilegeRequest>, StoreError> {
    let mut q = pr::table
        .filter(pr::kind.eq(kind.as_str()))
        .filter(pr::state.eq(RequestState::Pending.as_str()))
        .filter(pr::expires_at.gt(to_db_time(now)))
        .select(Row::as_select())
        .into_boxed();
    if let Some(t) = target {
        q = q.filter(pr::target_user_id.eq(t.to_string()));
    }
    if let Some(e) = email {
        q = q.filter(pr::email.eq(e));
    }
    q.first(conn)
        .optional()?
        .map(PrivilegeRequest::try_from)
        .transpose()
}

/// Decides a pending request that has not expired at `at`; `false` when it was decided
/// before or has expired.
pub fn decide(
    conn: &mut DbConn,
    id: PrivilegeRequestId,
    state: RequestState,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let target = pr::table
        .filter(pr::id.eq(id.to_string()))
        .filter(pr::state.eq(RequestState::Pending.as_str()))
        .filter(pr::expires_at.gt(to_db_time(at)));
    let n = diesel::update(target)
        .set((
            pr::state.eq(state.as_str()),
            pr::decided_by.eq(Some(by.to_string())),
            pr::decided_at.eq(Some(to_db_time(at))),
        ))
        .execute(conn)?;
    Ok(n == 1)
}
