//! Agencies: the admin creates, changes and deactivates them and reads them all; those
//! who may refer read the directory of active ones.
//!
//! Deactivating an agency deactivates its accounts and ends their sessions in the same
//! transaction, so an agency that leaves the platform leaves with its people.

use super::{AgencyView, Conflict, IfMatch, Op, UseCaseError, parse_email, parse_name, permit};
use crate::RequestContext;
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{Action, Actor, AgencyId, AgencyKind, Region, Role};
use schakel_store::agencies::{self, AgencyChanges, NewAgency};
use schakel_store::{DbConn, StoreError, sessions, users, write_tx};

/// A new agency as the admin describes it.
#[derive(Debug, Clone)]
pub struct AgencyInput {
    /// Its name, unique on the platform.
    pub name: String,
    /// Its kind.
    pub kind: AgencyKind,
    /// Its region.
    pub region: Region,
    /// The address of its general desk (not a person's).
    pub contact_email: String,
}

/// Changes to an agency; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AgencyUpdate {
    /// A new name.
    pub name: Option<String>,
    /// A new kind.
    pub kind: Option<AgencyKind>,
    /// A new region.
    pub region: Option<Region>,
    /// A new contact address.
    pub contact_email: Option<String>,
}

fn name_taken(e: StoreError) -> UseCaseError {
    match e {
        StoreError::Conflict(_) => UseCaseError::Conflict(Conflict::NameTaken),
        other => other.into(),
    }
}

/// Creates an agency (active, version 1).
pub fn create_agency(
    conn: &mut DbConn,
    who: &Actor,
    input: &AgencyInput,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AgencyView, UseCaseError> {
    let op = Op::new("admin.agency_create", ActionKind::Create);
    permit(conn, who, Action::ManageAgencies, &op, ctx, now)?;
    let name = parse_name(&input.name, "name")?;
    let contact_email = parse_email(&input.contact_email)?;
    write_tx(conn, |conn| {
        if agencies::find_by_name(conn, &name)?.is_some() {
            return Err(UseCaseError::Conflict(Conflict::NameTaken));
        }
        let new = NewAgency {
            name: &name,
            kind: input.kind,
            region: input.region,
            contact_email: &contact_email,
        };
        // The unique index still decides between two concurrent creations.
        let agency = agencies::insert(conn, &new, now).map_err(name_taken)?;
        let op = Op::on(
            "admin.agency_create",
            ActionKind::Create,
            "agency",
            agency.id,
        );
        let details = serde_json::json!({ "kind": agency.kind, "region": agency.region });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok(agency)
    })
    .map(AgencyView::from)
}

/// Changes an agency that is still at the version the client names (its `If-Match`).
pub fn update_agency(
    conn: &mut DbConn,
    who: &Actor,
    id: AgencyId,
    if_match: IfMatch,
    update: &AgencyUpdate,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AgencyView, UseCaseError> {
    let op = Op::on("admin.agency_update", ActionKind::Update, "agency", id);
    permit(conn, who, Action::ManageAgencies, &op, ctx, now)?;
    let version = match if_match {
        IfMatch::Missing => return Err(UseCaseError::VersionRequired),
        IfMatch::NeverMatches => return Err(UseCaseError::VersionMismatch),
        IfMatch::Version(v) => v,
    };
    let name = update
        .name
        .as_deref()
        .map(|n| parse_name(n, "name"))
        .transpose()?;
    let contact_email = update
        .contact_email
        .as_deref()
        .map(parse_email)
        .transpose()?;
    let changes = AgencyChanges {
        name: name.as_deref(),
        kind: update.kind,
        region: update.region,
        contact_email: contact_email.as_deref(),
    };
    let fields: Vec<&str> = [
        ("name", changes.name.is_some()),
        ("kind", changes.kind.is_some()),
        ("region", changes.region.is_some()),
        ("contact_email", changes.contact_email.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, set)| set.then_some(f))
    .collect();
    if fields.is_empty() {
        return Err(UseCaseError::Invalid("no field to change"));
    }
    write_tx(conn, |conn| {
        let current = agencies::find(conn, id)?;
        if current.version != version {
            return Err(UseCaseError::VersionMismatch);
        }
        if changes.kind.is_some_and(|k| k != current.kind)
            && schakel_store::casework::referrals::any_received(conn, id)?
        {
            return Err(UseCaseError::Conflict(Conflict::KindLocked));
        }
        if let Some(name) = changes.name
            && agencies::find_by_name(conn, name)?.is_some_and(|other| other.id != id)
        {
            return Err(UseCaseError::Conflict(Conflict::NameTaken));
        }
        if !agencies::update(conn, id, version, &changes, now).map_err(name_taken)? {
            return Err(UseCaseError::VersionMismatch);
        }
        let details = serde_json::json!({ "fields": fields, "version": version + 1 });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok(agencies::find(conn, id)?)
    })
    .map(AgencyView::from)
}

/// Deactivates an agency with its accounts, ending their sessions. Refused for the
/// admin's own agency and when no active admin would remain.
pub fn deactivate_agency(
    conn: &mut DbConn,
    who: &Actor,
    id: AgencyId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AgencyView, UseCaseError> {
    let op = Op::on("admin.agency_deactivate", ActionKind::Update, "agency", id);
    permit(conn, who, Action::ManageAgencies, &op, ctx, now)?;
    write_tx(conn, |conn| {
        // Locked first: an invitation or reactivation waiting on it then sees it inactive,
        // and none can add an account after the list below is read.
        let agency = agencies::find_for_update(conn, id)?;
        if !agency.active {
            return Err(UseCaseError::Conflict(Conflict::AlreadyInState));
        }
        if agency.id == who.agency_id {
            return Err(UseCaseError::Conflict(Conflict::OwnAgency));
        }
        let admins = users::lock_active_with_role(conn, Role::Admin)?;
        if admins.iter().all(|a| a.agency_id == id) {
            return Err(UseCaseError::Conflict(Conflict::LastAdmin));
        }
        let mut accounts = 0_usize;
        let mut sessions_ended = 0_usize;
        for user in users::list(conn, Some(id))?
            .into_iter()
            .filter(|u| u.active)
        {
            users::set_active(conn, user.id, false, now)?;
            sessions_ended +=
                sessions::revoke_all_of_user(conn, user.id, "agency_deactivated", now)?;
            accounts += 1;
        }
        agencies::set_active(conn, id, false, now)?;
        let details = serde_json::json!({
            "accounts_deactivated": accounts,
            "sessions_ended": sessions_ended,
        });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        Ok(agencies::find(conn, id)?)
    })
    .map(AgencyView::from)
}

/// Every agency, active or not, ordered by name.
pub fn list_agencies(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Vec<AgencyView>, UseCaseError> {
    let op = Op::new("admin.agency_list", ActionKind::Read);
    permit(conn, who, Action::ManageAgencies, &op, ctx, now)?;
    Ok(agencies::list_all(conn)?
        .into_iter()
        .map(AgencyView::from)
        .collect())
}

/// One agency, active or not.
pub fn get_agency(
    conn: &mut DbConn,
    who: &Actor,
    id: AgencyId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<AgencyView, UseCaseError> {
    let op = Op::on("admin.agency_read", ActionKind::Read, "agency", id);
    permit(conn, who, Action::ManageAgencies, &op, ctx, now)?;
    Ok(agencies::find(conn, id)?.into())
}

/// Filters of the directory; every one that is set must match.
#[derive(Debug, Clone, Copy, Default)]
pub struct DirectoryFilter {
    /// Only agencies of this kind.
    pub kind: Option<AgencyKind>,
    /// Only agencies in this region.
    pub region: Option<Region>,
}

/// Active agencies to choose a referral recipient from, ordered by name.
pub fn directory(
    conn: &mut DbConn,
    who: &Actor,
    filter: DirectoryFilter,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Vec<AgencyView>, UseCaseError> {
    let op = Op::new("directory.read", ActionKind::Read);
    permit(conn, who, Action::ReadDirectory, &op, ctx, now)?;
    Ok(agencies::list_active(conn, filter.kind, filter.region)?
        .into_iter()
        .map(AgencyView::from)
        .collect())
}
