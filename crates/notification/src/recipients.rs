//! Who receives a notice: the user it names, the responsible worker of a referral or
//! the agency's users of the named roles (for a suspect handed to the prosecution, the
//! named roles), the owning agency's coordinators of an
//! emergency access — active accounts only — and whether each wants a digest.

use schakel_domain::Notice;
use schakel_store::{DbConn, StoreError, users};

/// The recipients of a notice and whether each wants a digest: the user of an account
/// link (never in a digest); for a referral, the responsible worker it names while that
/// account is active at the agency, else the active users of the named roles there,
/// and if there are none of those, the agency's active caseworkers and coordinators;
/// for an emergency access, the owning agency's active coordinators (never in a
/// digest).
pub(crate) fn recipients(
    conn: &mut DbConn,
    notice: &Notice,
) -> Result<Vec<(schakel_domain::UserId, bool)>, StoreError> {
    match notice {
        Notice::AccountLink { user_id, .. }
        | Notice::DocumentQuarantined { user_id, .. }
        | Notice::SecondFactorReset { user_id } => Ok(match users::find(conn, *user_id) {
            Ok(u) if u.active && !u.client => vec![(u.id, false)],
            Ok(_) | Err(StoreError::NotFound) => Vec::new(),
            Err(e) => return Err(e),
        }),
        Notice::EmergencyAccess { agency_id, .. } => {
            // The owning agency's coordinators, at once; with none active, its case
            // workers rather than nobody.
            let staff = users::list(conn, Some(*agency_id))?;
            let of = |role: schakel_domain::Role| -> Vec<_> {
                staff
                    .iter()
                    .filter(|u| u.active && !u.client && u.role == role)
                    .map(|u| (u.id, false))
                    .collect()
            };
            let coordinators = of(schakel_domain::Role::Coordinator);
            Ok(if coordinators.is_empty() {
                of(schakel_domain::Role::Caseworker)
            } else {
                coordinators
            })
        }
        Notice::SuspectReferral {
            agency_id, roles, ..
        } => referral_recipients(conn, *agency_id, None, roles),
        Notice::Referral {
            agency_id,
            user_id,
            roles,
            ..
        } => referral_recipients(conn, *agency_id, *user_id, roles),
    }
}

/// The responsible worker while active at the agency, else the active users of `roles`
/// there, else its active caseworkers and coordinators; each with whether they want a
/// digest.
fn referral_recipients(
    conn: &mut DbConn,
    agency_id: schakel_domain::AgencyId,
    user_id: Option<schakel_domain::UserId>,
    roles: &[schakel_domain::Role],
) -> Result<Vec<(schakel_domain::UserId, bool)>, StoreError> {
    let staff = users::list(conn, Some(agency_id))?;
    let responsible: Vec<_> = staff
        .iter()
        .filter(|u| u.active && !u.client && Some(u.id) == user_id)
        .map(|u| (u.id, u.notify == "digest"))
        .collect();
    if !responsible.is_empty() {
        return Ok(responsible);
    }
    let of = |wanted: &[schakel_domain::Role]| -> Vec<_> {
        staff
            .iter()
            .filter(|u| u.active && !u.client && wanted.contains(&u.role))
            .map(|u| (u.id, u.notify == "digest"))
            .collect()
    };
    let named = of(roles);
    if !named.is_empty() {
        return Ok(named);
    }
    // Nobody of those roles is active: rather the agency's other case workers than
    // nobody at all.
    Ok(of(&[
        schakel_domain::Role::Coordinator,
        schakel_domain::Role::Caseworker,
    ]))
}
