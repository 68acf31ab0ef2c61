//! Reading one referral and paging through an agency's inbox and sent list.

use super::*;

/// One referral, as the actor may see it.
pub fn get_referral(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: ReferralId,
) -> Result<ReferralView, UseCaseError> {
    const CODE: &str = "referral.read";
    run(conn, env, who, |conn| {
        let (r, _) = visible_referral(conn, who, id, CODE, ActionKind::Read)?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("referral", id.to_string()),
        )?;
        let e = crate::subjects::with_case_persons(conn, e, &[r.case_id])?;
        let mut view = referral_view(conn, env, &mut Rows::default(), who, &r)?;
        if r.to_agency_id == who.agency_id {
            view.own_case_id = schakel_store::casework::cases::of_origin(conn, r.id)?.map(|c| c.id);
        }
        record(conn, env, e)?;
        Ok(view)
    })
}

/// Which referrals to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferralBox {
    /// Those the actor's agency received.
    Incoming,
    /// Those it sent.
    Outgoing,
}

/// Which of a box's referrals to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralFilter {
    /// By state.
    pub states: StateSet,
    /// By the receiving agency's responsible worker (the incoming box only).
    pub assigned_to: Option<crate::cases::Assignee>,
}

impl ReferralFilter {
    /// Those in `states`, whoever is responsible.
    pub fn states(states: StateSet) -> Self {
        ReferralFilter {
            states,
            assigned_to: None,
        }
    }
}

/// A page of the actor's agency's incoming or outgoing referrals as `filter` says, by
/// deadline (the ended ones latest first).
pub fn list_referrals(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    which: ReferralBox,
    filter: ReferralFilter,
    cursor: Option<&str>,
    limit: Option<i64>,
) -> Result<Page<ReferralView>, UseCaseError> {
    const CODE: &str = "referral.list";
    run(conn, env, who, |conn| {
        let (rel, direction) = match which {
            ReferralBox::Incoming => (Relationship::ReceivingAgency, Direction::Incoming),
            ReferralBox::Outgoing => (Relationship::OwnAgency, Direction::Outgoing),
        };
        if !who.may(Action::ReadReferral, rel) {
            return Err(denied(CODE, ActionKind::Read, None));
        }
        let limit = crate::cursor::limit(limit)?;
        let after = cursor
            .map(crate::cursor::decode::<ReferralId>)
            .transpose()?;
        let assignee = match (filter.assigned_to, which) {
            (None, _) => None,
            (Some(_), ReferralBox::Outgoing) => return Err(UseCaseError::Invalid("assigned_to")),
            (Some(crate::cases::Assignee::Me), _) => Some(Some(who.user_id)),
            (Some(crate::cases::Assignee::Nobody), _) => Some(None),
            (Some(crate::cases::Assignee::User(u)), _) => Some(Some(u)),
        };
        let rows = referrals::list_of_agency(
            conn,
            who.agency_id,
            direction,
            filter.states,
            assignee,
            after,
            limit + 1,
        )?;
        let (rows, next_cursor) =
            crate::cursor::split(rows, limit, |r: &Referral| (r.deadline_at, r.id));
        let e = event(Some(who), CODE, ActionKind::Read, ("agency", who.agency_id.to_string()))?
            .with_details(serde_json::json!({
                "box": match which { ReferralBox::Incoming => "incoming", ReferralBox::Outgoing => "outgoing" },
                "count": rows.len(),
            }));
        let cases: Vec<_> = rows.iter().map(|r| r.case_id).collect();
        let e = crate::subjects::with_case_persons(conn, e, &cases)?;
        let items = referral_views(conn, env, who, &rows)?;
        record(conn, env, e)?;
        Ok(Page { items, next_cursor })
    })
}
