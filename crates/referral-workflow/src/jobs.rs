//! The platform's own jobs, each run with an injected time: reminding, escalating and
//! expiring unanswered referrals, erasing identity and free text of cases closed longer than the retention
//! period (and of signals never opened as a case, that long after they were logged), and re-encrypting stored values under the current key.
//!
//! Each item is its own transaction with its own audit entry, so a job stopped half way
//! leaves every item either done or untouched, and running it again finishes the rest.

use crate::referrals::expire_one;
use crate::support::{Env, To, event, notify, record, timeline};
use crate::{UseCaseError, WorkflowConfig};
use chrono::{DateTime, Utc};
use schakel_audit::ActionKind;
use schakel_auth::RequestContext;
use schakel_domain::{CaseId, ReferralId, Role, SignalId};
use schakel_domain::{ReferralFacts, ReferralTopic};
use schakel_store::casework::{
    case_rights, cases, consents, idempotency, persons, referrals, signals,
};
use schakel_store::{DbConn, write_tx};

/// Gives persons stored before the similar index existed their index (run at start-up).
pub use crate::identity::similar::backfill_similar_index;

mod rotation;
pub use rotation::{RotationReport, rotate_keys};

/// Items handled per query.
const BATCH: i64 = 100;

/// Expires every referral still `sent` whose expiry (its deadline plus
/// `deadlines.expiry_hours`, counted in working time for a normal referral) is at or
/// before `now`; returns how many expired.
pub fn expire_overdue(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    now: DateTime<Utc>,
) -> Result<usize, UseCaseError> {
    let ctx = RequestContext::default();
    let env = Env {
        cfg,
        ctx: &ctx,
        now,
    };
    // Working time never passes faster than the calendar: every referral expired by
    // now has a deadline at or before this cutoff; which of them are due is decided here.
    let cutoff = now - cfg.deadlines.expiry_delay();
    each_due(
        conn,
        |conn, after| Ok(referrals::overdue(conn, cutoff, after, BATCH)?),
        |r| cfg.deadlines.expires_at(r.urgency, r.deadline_at) <= now,
        // A referral answered meanwhile is left alone (its version moved on).
        |conn, r| write_tx(conn, |conn| expire_one(conn, &env, r)),
    )
}

/// Pages through candidate referrals in deadline order (each page after the last one
/// seen, so referrals not yet due never hold up those behind them) and handles those
/// `due` picks; returns how many `handle` reported done.
fn each_due(
    conn: &mut DbConn,
    mut page: impl FnMut(
        &mut DbConn,
        Option<(DateTime<Utc>, ReferralId)>,
    ) -> Result<Vec<referrals::Referral>, UseCaseError>,
    due: impl Fn(&referrals::Referral) -> bool,
    mut handle: impl FnMut(&mut DbConn, &referrals::Referral) -> Result<bool, UseCaseError>,
) -> Result<usize, UseCaseError> {
    let mut after = None;
    let mut done = 0;
    loop {
        let batch = page(conn, after)?;
        let Some(last) = batch.last() else {
            return Ok(done);
        };
        after = Some((last.deadline_at, last.id));
        for r in batch.iter().filter(|r| due(r)) {
            if handle(conn, r)? {
                done += 1;
            }
        }
    }
}

/// What the follow-up job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowUps {
    /// Receiving agencies reminded at the deadline.
    pub reminded: usize,
    /// Referrals escalated to both agencies' coordinators.
    pub escalated: usize,
    /// Referrals expired.
    pub expired: usize,
}

/// The deadline job: reminds the receiving agency's coordinators of every unanswered
/// referral whose deadline has come, escalates to both agencies' coordinators those
/// `deadlines.escalation_hours` past it (working time for a normal referral, calendar
/// hours for an urgent one), and expires those past their expiry. Each happens once per
/// referral, in its own transaction with its audit entry.
pub fn deadline_jobs(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    now: DateTime<Utc>,
) -> Result<FollowUps, UseCaseError> {
    use referrals::FollowUp;
    let ctx = RequestContext::default();
    let env = Env {
        cfg,
        ctx: &ctx,
        now,
    };
    let reminded = each_due(
        conn,
        |conn, after| {
            Ok(referrals::due_for(
                conn,
                FollowUp::Reminder,
                now,
                after,
                BATCH,
            )?)
        },
        |_| true,
        |conn, r| {
            write_tx(conn, |conn| {
                follow_up_one(conn, &env, r, FollowUp::Reminder)
            })
        },
    )?;
    // As for expiry: the calendar cutoff finds every candidate, the policy picks.
    let cutoff = now - cfg.deadlines.escalation_delay();
    let escalated = each_due(
        conn,
        |conn, after| {
            Ok(referrals::due_for(
                conn,
                FollowUp::Escalation,
                cutoff,
                after,
                BATCH,
            )?)
        },
        |r| cfg.deadlines.escalates_at(r.urgency, r.deadline_at) <= now,
        |conn, r| {
            write_tx(conn, |conn| {
                follow_up_one(conn, &env, r, FollowUp::Escalation)
            })
        },
    )?;
    Ok(FollowUps {
        reminded,
        escalated,
        expired: expire_overdue(conn, cfg, now)?,
    })
}

fn follow_up_one(
    conn: &mut DbConn,
    env: &Env<'_>,
    r: &referrals::Referral,
    follow_up: referrals::FollowUp,
) -> Result<bool, UseCaseError> {
    use referrals::FollowUp;
    if !referrals::mark_followed_up(conn, r.id, follow_up, env.now)? {
        return Ok(false);
    }
    let about = ReferralFacts::of(r.id, r.from_agency_id, r.to_agency_id);
    let (kind, code, topic, agencies) = match follow_up {
        FollowUp::Reminder => (
            "referral_reminded",
            "referral.remind",
            ReferralTopic::Reminder,
            vec![r.to_agency_id],
        ),
        FollowUp::Escalation => (
            "referral_escalated",
            "referral.escalate",
            ReferralTopic::Escalation,
            vec![r.to_agency_id, r.from_agency_id],
        ),
    };
    for agency in agencies {
        notify(
            conn,
            env,
            topic,
            To::roles(agency, &[Role::Coordinator]),
            about.clone(),
        )?;
    }
    let details = serde_json::json!({ "deadline_at": r.deadline_at });
    timeline(
        conn,
        env,
        r.case_id,
        r.to_agency_id,
        None,
        &[(kind, Some(r.id), details.clone())],
    )?;
    let e = event(
        None,
        code,
        ActionKind::Update,
        ("referral", r.id.to_string()),
    )?
    .with_purpose(format!("case:{}", r.case_id))
    .with_details(details);
    record(conn, env, e)?;
    Ok(true)
}

/// A closed case whose identity and free text retention erases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureItem {
    /// The case.
    pub case_id: CaseId,
    /// When it was closed.
    pub closed_at: DateTime<Utc>,
}

/// Erases (or with `dry_run` only lists) the identity and free text of cases closed at
/// or before `now` minus the retention period. The case's structure, timeline, audit
/// entries and monitor events stay.
pub fn erase_due(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Vec<ErasureItem>, UseCaseError> {
    let ctx = RequestContext::default();
    let env = Env {
        cfg,
        ctx: &ctx,
        now,
    };
    let cutoff = now - cfg.retention;
    let mut done = Vec::new();
    let mut after = None;
    loop {
        let due = case_rights::due_for_erasure(conn, cutoff, after, BATCH)?;
        let Some(last) = due.last() else { break };
        after = Some((last.closed_at.unwrap_or(now), last.id));
        for case in due {
            if !dry_run {
                write_tx(conn, |conn| {
                    erase_case(conn, &env, &case, &Erasure::Retention)
                })?;
            }
            done.push(ErasureItem {
                case_id: case.id,
                closed_at: case.closed_at.unwrap_or(now),
            });
        }
    }
    Ok(done)
}

/// A signal never opened as a case whose person and free text retention erases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalErasure {
    /// The signal.
    pub signal_id: SignalId,
    /// When it was logged.
    pub logged_at: DateTime<Utc>,
}

/// Erases (or with `dry_run` only lists) the person and free text of signals logged at
/// or before `now` minus the retention period that were never opened as a case.
pub fn erase_unopened_signals(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Vec<SignalErasure>, UseCaseError> {
    let ctx = RequestContext::default();
    let env = Env {
        cfg,
        ctx: &ctx,
        now,
    };
    let cutoff = now - cfg.retention;
    let mut done = Vec::new();
    let mut after = None;
    loop {
        let due = signals::unopened_due_for_erasure(conn, cutoff, after, BATCH)?;
        let Some(last) = due.last() else { break };
        after = Some((last.created_at, last.id));
        for signal in due {
            if !dry_run {
                write_tx(conn, |conn| {
                    let mut pseudonym = None;
                    if let Some(p) = signal.person_id {
                        pseudonym = persons::find(conn, p)?.pseudonym;
                        persons::erase(conn, p, env.now)?;
                    }
                    signals::erase(conn, signal.id, env.now)?;
                    let mut e = event(
                        None,
                        "signal.erase",
                        ActionKind::Delete,
                        ("signal", signal.id.to_string()),
                    )?
                    .with_purpose("retention");
                    if let Some(p) = pseudonym {
                        e = e.with_subject_pseudonym(p);
                    }
                    record(conn, &env, e)
                })?;
            }
            done.push(SignalErasure {
                signal_id: signal.id,
                logged_at: signal.created_at,
            });
        }
    }
    Ok(done)
}

/// What one retention run erased (or would erase).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Closed cases.
    pub cases: Vec<ErasureItem>,
    /// Signals never opened as a case.
    pub signals: Vec<SignalErasure>,
    /// Drafts past their expiry, deleted (none on a dry run).
    pub drafts: usize,
}

/// The whole retention job: closed cases, unopened signals, and (unless `dry_run`)
/// expired idempotency responses and drafts, and where long-ended sessions were started
/// from.
pub fn retention(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<RetentionReport, UseCaseError> {
    let cases = erase_due(conn, cfg, now, dry_run)?;
    let signals = erase_unopened_signals(conn, cfg, now, dry_run)?;
    let mut drafts = 0;
    if !dry_run {
        write_tx(conn, |conn| {
            idempotency::purge_expired(conn, now).map_err(UseCaseError::from)
        })?;
        drafts = crate::drafts::expire(conn, cfg, now)?;
        schakel_auth::devices::forget_old_origins(conn, now)?;
    }
    Ok(RetentionReport {
        cases,
        signals,
        drafts,
    })
}

/// Why a case's identity and free text are erased.
pub(crate) enum Erasure<'a> {
    /// Its retention period ended.
    Retention,
    /// The person asked, on this ground; a coordinator of the agency recorded it.
    Request {
        who: &'a schakel_domain::Actor,
        ground: schakel_domain::ErasureGround,
    },
}

/// Erases a case's person, free text, notes, documents and drafts, keeping its codes
/// (for the monitor's counts and the audit trail), with its timeline and audit entry.
pub(crate) fn erase_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    case: &cases::Case,
    why: &Erasure<'_>,
) -> Result<(), UseCaseError> {
    let person = persons::find(conn, case.person_id)?;
    let pseudonym = person.pseudonym.clone();
    persons::erase(conn, person.id, env.now)?;
    let signals = signals::erase_of_person(conn, person.id, env.now)?;
    case_rights::erase(conn, case.id, env.now)?;
    let consents = consents::erase_of_case(conn, case.id)?;
    let referrals = referrals::erase_of_case(conn, case.id)?;
    let notes = schakel_store::casework::notes::erase_of_case(conn, case.id)?;
    let corrections = schakel_store::casework::corrections::erase_of_case(conn, case.id)?;
    let drafts = schakel_store::casework::drafts::delete_of_case(conn, case.id)?;
    let documents = schakel_store::casework::documents::erase_of_case(conn, case.id, env.now)?;
    let emergency = schakel_store::casework::emergency::erase_texts_of_case(conn, case.id)?;
    let mut details = serde_json::json!({
        "emergency_accesses": emergency,
        "drafts": drafts,
        "documents": documents,
        "signals": signals,
        "consents": consents,
        "referrals": referrals,
        "notes": notes,
        "corrections": corrections,
        "closed_at": case.closed_at,
    });
    let (who, code, purpose) = match why {
        Erasure::Retention => (None, "case.erase", "retention"),
        Erasure::Request { who, ground } => {
            if let serde_json::Value::Object(map) = &mut details {
                map.insert("ground".into(), serde_json::json!(ground));
            }
            (Some(*who), "case.erase_on_request", "person_rights")
        }
    };
    timeline(
        conn,
        env,
        case.id,
        case.agency_id,
        who,
        &[("identity_erased", None, details.clone())],
    )?;
    let mut e = event(who, code, ActionKind::Delete, ("case", case.id.to_string()))?
        .with_purpose(purpose)
        .with_details(details);
    if let Some(p) = pseudonym {
        e = e.with_subject_pseudonym(p);
    }
    record(conn, env, e)
}
