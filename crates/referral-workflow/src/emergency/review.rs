//! The auditors' side of emergency access: the list to review, one access, the review
//! itself (justified, or escalated with a note) and the summary per agency and worker.
//! Every one of them is audited.

use super::view;
use crate::rows::Rows;
use crate::support::{Env, event, free_text, permit_role, record, run, seal};
use crate::views::{
    EmergencyAccessView, EmergencyByAgency, EmergencyByUser, EmergencySummary, EmergencyTally,
};
use crate::{Conflict, UseCaseError};
use chrono::Duration;
use schakel_audit::ActionKind;
use schakel_domain::emergency::MAX_TEXT_CHARS;
use schakel_domain::{
    Action, Actor, AgencyId, EmergencyAccessId, EmergencyReview, EmergencyVerdict, Relationship,
    UserId,
};
use schakel_store::DbConn;
use schakel_store::casework::emergency::{self, Filter};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The most accesses one list answers.
pub const MAX_LIST: i64 = 500;

/// The longest period the summary counts, in days.
pub const MAX_SUMMARY_DAYS: i64 = 3660;

/// Which emergency accesses to list.
#[derive(Debug, Clone, Default)]
pub struct EmergencyListFilter {
    /// Only those in this review state.
    pub review: Option<EmergencyReview>,
    /// At most this many, newest first (1 to 500; 100 when not given).
    pub limit: Option<i64>,
}

/// An auditor's review.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// Justified, or escalated for inquiry.
    pub verdict: EmergencyVerdict,
    /// The auditor's note: required to escalate.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
}

/// Emergency accesses for review, newest first (auditors; audited `emergency.list`).
pub fn emergency_accesses(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    filter: &EmergencyListFilter,
) -> Result<Vec<EmergencyAccessView>, UseCaseError> {
    const CODE: &str = "emergency.list";
    let limit = filter.limit.unwrap_or(100);
    if !(1..=MAX_LIST).contains(&limit) {
        return Err(UseCaseError::Invalid("limit"));
    }
    run(conn, env, who, |conn| {
        permit(who, CODE, ActionKind::Read)?;
        let found = emergency::list(
            conn,
            &Filter {
                review: filter.review,
                ..Filter::default()
            },
            limit,
        )?;
        let mut rows = Rows::default();
        let views = found
            .iter()
            .map(|g| view(conn, env, g, &mut rows))
            .collect::<Result<Vec<_>, _>>()?;
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("emergency_accesses", "all".into()),
        )?
        .with_details(serde_json::json!({
            "review": filter.review,
            "count": views.len(),
        }));
        record(conn, env, e)?;
        Ok(views)
    })
}

/// One emergency access (auditors; audited `emergency.read`).
pub fn emergency_access(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: EmergencyAccessId,
) -> Result<EmergencyAccessView, UseCaseError> {
    const CODE: &str = "emergency.read";
    run(conn, env, who, |conn| {
        permit(who, CODE, ActionKind::Read)?;
        let grant = emergency::find(conn, id)?;
        let e = event(Some(who), CODE, ActionKind::Read, object(id))?;
        record(conn, env, e)?;
        view(conn, env, &grant, &mut Rows::default())
    })
}

/// Records an auditor's review of a pending emergency access (audited
/// `emergency.review`); 409 `already_reviewed` when it was reviewed before.
pub fn review_emergency_access(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: EmergencyAccessId,
    input: &ReviewInput,
) -> Result<EmergencyAccessView, UseCaseError> {
    const CODE: &str = "emergency.review";
    let note = free_text(input.note.as_deref(), MAX_TEXT_CHARS, "note")?;
    if input.verdict == EmergencyVerdict::Escalated && note.is_none() {
        return Err(UseCaseError::Invalid("note"));
    }
    run(conn, env, who, |conn| {
        permit(who, CODE, ActionKind::Update)?;
        let before = emergency::find(conn, id)?;
        let sealed = note
            .as_deref()
            .map(|n| seal(env.cfg, "emergency_accesses", "review_note", &id, n))
            .transpose()?;
        let verdict = EmergencyReview::from(input.verdict);
        if !emergency::review(conn, id, verdict, who.user_id, sealed.as_deref(), env.now)? {
            return Err(UseCaseError::Conflict(Conflict::AlreadyReviewed));
        }
        let e = event(Some(who), CODE, ActionKind::Update, object(id))?.with_details(
            serde_json::json!({
                "verdict": input.verdict,
                "case_id": before.case_id,
                "user_id": before.user_id,
                "agency_id": before.agency_id,
                "with_note": note.is_some(),
            }),
        );
        record(conn, env, e)?;
        let after = emergency::find(conn, id)?;
        view(conn, env, &after, &mut Rows::default())
    })
}

/// Emergency accesses per agency and per worker over the last `days` days (auditors;
/// audited `emergency.summary`).
pub fn emergency_summary(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    days: i64,
) -> Result<EmergencySummary, UseCaseError> {
    const CODE: &str = "emergency.summary";
    if !(1..=MAX_SUMMARY_DAYS).contains(&days) {
        return Err(UseCaseError::Invalid("days"));
    }
    run(conn, env, who, |conn| {
        permit(who, CODE, ActionKind::Read)?;
        let since = env.now - Duration::days(days);
        let all = emergency::list(
            conn,
            &Filter {
                since: Some(since),
                ..Filter::default()
            },
            i64::MAX,
        )?;
        let mut total = EmergencyTally::default();
        let mut agencies: BTreeMap<AgencyId, EmergencyTally> = BTreeMap::new();
        let mut users: BTreeMap<(AgencyId, UserId), EmergencyTally> = BTreeMap::new();
        for g in &all {
            total.add(g.review);
            agencies.entry(g.agency_id).or_default().add(g.review);
            users
                .entry((g.agency_id, g.user_id))
                .or_default()
                .add(g.review);
        }
        let mut rows = Rows::default();
        let mut by_agency = Vec::with_capacity(agencies.len());
        for (agency, tally) in agencies {
            let agency = super::agency_ref(rows.agency(conn, agency)?);
            by_agency.push(EmergencyByAgency { agency, tally });
        }
        let mut by_user = Vec::with_capacity(users.len());
        for ((agency, user), tally) in users {
            let user = rows.worker(conn, user)?;
            let agency = super::agency_ref(rows.agency(conn, agency)?);
            by_user.push(EmergencyByUser {
                user,
                agency,
                tally,
            });
        }
        by_agency.sort_by(|a, b| {
            b.tally
                .total
                .cmp(&a.tally.total)
                .then(a.agency.name.cmp(&b.agency.name))
        });
        by_user.sort_by(|a, b| {
            b.tally
                .total
                .cmp(&a.tally.total)
                .then(a.user.name.cmp(&b.user.name))
        });
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("emergency_accesses", "all".into()),
        )?
        .with_details(serde_json::json!({ "days": days, "count": total.total }));
        record(conn, env, e)?;
        Ok(EmergencySummary {
            since,
            all: total,
            by_agency,
            by_user,
        })
    })
}

fn permit(who: &Actor, code: &'static str, kind: ActionKind) -> Result<(), UseCaseError> {
    permit_role(
        who,
        Action::ReviewEmergencyAccess,
        Relationship::Platform,
        code,
        kind,
    )
}

fn object(id: EmergencyAccessId) -> (&'static str, String) {
    ("emergency_access", id.to_string())
}
