//! The directory exported as Open Referral's HSDS 3.0 (`schakel_domain::hsds` says what
//! leaves and what never does): every active agency with its profile. Any signed-in
//! user may export it (it holds no client's data, and contact details only where the
//! agency made them public); the operator at the command line too. Each export is
//! audited with how many organisations and services it held.

use super::{Op, UseCaseError, permit};
use crate::RequestContext;
use crate::events::{event, record};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::hsds::{self, Directory};
use schakel_domain::{Action, Actor, AgencyId, AgencyProfile};
use schakel_store::{DbConn, agencies, agency_profiles, write_tx};

/// The audit code of an export.
const CODE: &str = "directory.export";

/// Every active agency with its profile, as HSDS.
fn collect(conn: &mut DbConn, now: DateTime<Utc>) -> Result<Directory, UseCaseError> {
    let list = agencies::list_active(conn, None, None)?;
    let ids: Vec<AgencyId> = list.iter().map(|a| a.id).collect();
    let mut kept = agency_profiles::find_many(conn, &ids)?;
    let pairs: Vec<(hsds::Agency, AgencyProfile)> = list
        .into_iter()
        .map(|a| {
            let profile = kept
                .iter()
                .position(|p| p.agency_id == a.id)
                .map_or_else(|| AgencyProfile::empty(a.id), |i| kept.swap_remove(i));
            let agency = hsds::Agency {
                id: a.id,
                name: a.name,
                kind: a.kind,
                region: a.region,
                contact_email: a.contact_email,
            };
            (agency, profile)
        })
        .collect();
    Ok(hsds::directory(&pairs, now))
}

/// What the audit entry says of an export.
fn details(d: &Directory, via: Option<&str>) -> serde_json::Value {
    let mut details = serde_json::json!({
        "format": "hsds",
        "organizations": d.organizations.len(),
        "services": d.services.len(),
    });
    if let Some(via) = via {
        details["via"] = via.into();
    }
    details
}

/// The directory as HSDS, for a signed-in user.
pub fn export(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Directory, UseCaseError> {
    let op = Op::new(CODE, ActionKind::Read);
    permit(conn, who, Action::ExportDirectory, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let d = collect(conn, now)?;
        op.record(conn, who, Outcome::Success, details(&d, None), ctx, now)?;
        Ok(d)
    })
}

/// The directory as HSDS, for the operator at the command line (no signed-in actor:
/// the entry says `via: cli`).
pub fn export_operator(conn: &mut DbConn, now: DateTime<Utc>) -> Result<Directory, UseCaseError> {
    write_tx(conn, |conn| {
        let d = collect(conn, now)?;
        let e = event(
            CODE,
            ActionKind::Read,
            Outcome::Success,
            &RequestContext::default(),
        )?
        .with_details(details(&d, Some("cli")));
        record(conn, &e, now)?;
        Ok(d)
    })
}
