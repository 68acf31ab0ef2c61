//! Who at the receiving agency is responsible for a referral it accepted: the
//! accepting coordinator unless they chose a worker, and afterwards whoever a
//! coordinator of the receiving agency makes responsible (or nobody). Emails to the
//! receiving agency about the referral go to that worker, and to its coordinators while
//! nobody is; a case the agency opens from the referral starts with the same worker.

use super::*;
use schakel_domain::UserId;

/// Who becomes responsible.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignReferralInput {
    /// An active caseworker or coordinator of the receiving agency; `null` for nobody.
    pub user_id: Option<UserId>,
}

/// Makes a worker of the receiving agency (or nobody) responsible for a referral it
/// accepted or has in progress, made from the version named. The same worker again
/// changes nothing.
pub fn assign_referral(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: ReferralId,
    if_match: IfMatch,
    input: &AssignReferralInput,
) -> Result<ReferralView, UseCaseError> {
    const CODE: &str = "referral.assign";
    run(conn, env, who, |conn| {
        let (r, rel) = visible_referral(conn, who, id, CODE, ActionKind::Update)?;
        if rel != Relationship::ReceivingAgency {
            return Err(denied(
                CODE,
                ActionKind::Update,
                Some(("referral", id.to_string())),
            ));
        }
        if !who.may(Action::AssignCase, Relationship::ReceivingAgency) {
            return Err(refused(
                CODE,
                ActionKind::Update,
                ("referral", id.to_string()),
            ));
        }
        let version = check_version(if_match, r.version)?;
        if !crate::access::ACCESS_STATES.contains(&r.state) {
            return Err(UseCaseError::Conflict(Conflict::NotAccepted));
        }
        if let Some(user) = input.user_id {
            crate::cases::check_worker(conn, r.to_agency_id, user)?;
        }
        let mut rows = Rows::default();
        if r.assigned_to == input.user_id {
            return referral_view(conn, env, &mut rows, who, &r);
        }
        let done = referrals::assign(conn, id, version, input.user_id, env.now)?
            .ok_or(UseCaseError::VersionMismatch)?;
        let details = serde_json::json!({
            "assigned_to": input.user_id,
            "previously": r.assigned_to,
        });
        let mut e = event(
            Some(who),
            CODE,
            ActionKind::Update,
            ("referral", id.to_string()),
        )?
        .with_purpose(format!("case:{}", r.case_id))
        .with_details(details);
        if let Some(p) = rows.pseudonym_of(conn, r.case_id)? {
            e = e.with_subject_pseudonym(p);
        }
        let view = referral_view(conn, env, &mut rows, who, &done)?;
        record(conn, env, e)?;
        Ok(view)
    })
}
