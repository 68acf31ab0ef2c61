//! The agency's own dashboard against a recount, on every selected backend: six weeks
//! of referrals to the shelter, sent at all hours (weekends too) through the use cases,
//! answered after minutes or days (accepted, started, completed, withdrawn after
//! accepting, declined for every reason, redirected, withdrawn unanswered) or left to
//! the deadline job, which expires them. The figures equal a count made here from the
//! stored referrals, month by month in Dutch time; another agency's referrals never
//! count; other roles are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{World, conn};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;
use schakel_domain::{DeclineReason, ReferralAction, ReferralId, ReferralState, Urgency};
use schakel_referral_workflow::agency_figures::{AgencyDashboard, MonthView, agency_dashboard};
use schakel_referral_workflow::referrals::{self, ActionInput};
use schakel_referral_workflow::{IfMatch, UseCaseError, WorkflowConfig, cases, jobs};
use schakel_store::DbConn;
use schakel_store::casework::referrals as stored;
use schakel_store::testing::each_backend;

/// What happens to a referral after it is sent.
#[derive(Debug, Clone, Copy)]
enum Fate {
    Accept,
    AcceptStart,
    AcceptComplete,
    AcceptThenWithdrawn,
    Decline(DeclineReason),
    Redirect,
    WithdrawUnanswered,
    LeftWaiting,
}

const FATES: [Fate; 12] = [
    Fate::Accept,
    Fate::Decline(DeclineReason::NoCapacity),
    Fate::LeftWaiting,
    Fate::AcceptComplete,
    Fate::Redirect,
    Fate::Decline(DeclineReason::NotEligible),
    Fate::AcceptStart,
    Fate::Decline(DeclineReason::WrongRegion),
    Fate::WithdrawUnanswered,
    Fate::Decline(DeclineReason::PersonUnreachable),
    Fate::AcceptThenWithdrawn,
    Fate::Decline(DeclineReason::Other),
];

/// A moment of the schedule: send referral `i`, answer it, or run the deadline job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Send(usize),
    Answer(usize),
    DeadlineJob,
}

/// Each referral's urgency and fate, by its number.
type Plan = Vec<(Urgency, Fate)>;

/// Monday 13 April 2026, 10:00 UTC (12:00 in Amsterdam): the dashboard's moment.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 13, 10, 0, 0).unwrap()
}

/// The schedule: a referral every 17 hours from the world's start (so at every hour of
/// every day of the week), each answered 20 minutes to 70 hours later, the deadline job
/// every three hours; then, close to the moment, a few urgent ones still waiting and a
/// normal one past its deadline but not yet expired.
fn schedule(start: DateTime<Utc>) -> (Vec<(DateTime<Utc>, Step)>, Plan) {
    let mut steps = Vec::new();
    let mut plan = Vec::new();
    let mut i = 0;
    loop {
        let sent = start + Duration::hours(17 * i as i64 + 1);
        if sent > now() - Duration::hours(6) {
            break;
        }
        let urgency = if i % 4 == 1 {
            Urgency::Urgent
        } else {
            Urgency::Normal
        };
        let fate = FATES[i % FATES.len()];
        let delay = Duration::minutes(20 + ((i * 173) % 4200) as i64);
        steps.push((sent, Step::Send(i)));
        if !matches!(fate, Fate::LeftWaiting) && sent + delay < now() {
            steps.push((sent + delay, Step::Answer(i)));
        }
        plan.push((urgency, fate));
        i += 1;
    }
    for h in (0..).map(|k| start + Duration::hours(3 * k)) {
        if h >= now() {
            break;
        }
        steps.push((h, Step::DeadlineJob));
    }
    for k in 0..3 {
        steps.push((now() - Duration::hours(3 - k), Step::Send(i)));
        plan.push((Urgency::Urgent, Fate::LeftWaiting));
        i += 1;
    }
    // Sent on Wednesday, due on Friday, expiring on Tuesday: overdue on Monday.
    steps.push((now() - Duration::days(5), Step::Send(i)));
    plan.push((Urgency::Normal, Fate::LeftWaiting));
    steps.sort();
    (steps, plan)
}

/// Takes `action` on referral `id` as `who` now, if it is still possible.
fn act(
    w: &World,
    c: &mut DbConn,
    who: &schakel_domain::Actor,
    id: ReferralId,
    action: ReferralAction,
    input: ActionInput,
) -> bool {
    let version = stored::find(c, id).unwrap().version;
    let env = w.env(w.tick());
    match referrals::act(c, &env, who, id, IfMatch::Version(version), action, &input) {
        Ok(_) => true,
        Err(UseCaseError::Conflict(_)) => false,
        Err(e) => panic!("{action} on referral: {e}"),
    }
}

/// Answers referral `id` according to `fate` (unless it expired first).
fn answer(w: &World, c: &mut DbConn, id: ReferralId, fate: Fate) {
    use ReferralAction as A;
    let receiver = w.receiver_coordinator;
    let sender = w.sender_coordinator;
    let accepted = |c: &mut DbConn| act(w, c, &receiver, id, A::Accept, ActionInput::default());
    match fate {
        Fate::Accept => {
            accepted(c);
        }
        Fate::AcceptStart => {
            if accepted(c) {
                act(w, c, &receiver, id, A::Start, ActionInput::default());
            }
        }
        Fate::AcceptComplete => {
            if accepted(c) {
                act(w, c, &receiver, id, A::Complete, w.input_for(A::Complete));
            }
        }
        Fate::AcceptThenWithdrawn => {
            if accepted(c) {
                act(w, c, &sender, id, A::Withdraw, ActionInput::default());
            }
        }
        Fate::Decline(reason) => {
            let input = ActionInput {
                reason: Some(reason),
                note: Some("Zie het gesprek van vandaag.".into()),
                ..ActionInput::default()
            };
            act(w, c, &receiver, id, A::Decline, input);
        }
        Fate::Redirect => {
            act(w, c, &receiver, id, A::Redirect, w.input_for(A::Redirect));
        }
        Fate::WithdrawUnanswered => {
            act(w, c, &sender, id, A::Withdraw, ActionInput::default());
        }
        Fate::LeftWaiting => {}
    }
}

/// The recount of one month from the stored referrals: `[from, to)` as Dutch midnights.
fn recount_month(all: &[stored::Referral], first: chrono::NaiveDate) -> MonthView {
    let midnight = |d: chrono::NaiveDate| {
        Amsterdam
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let next = if first.month() == 12 {
        first
            .with_year(first.year() + 1)
            .unwrap()
            .with_month(1)
            .unwrap()
    } else {
        first.with_month(first.month() + 1).unwrap()
    };
    let (from, to) = (midnight(first), midnight(next));
    let within = |t: Option<DateTime<Utc>>| t.is_some_and(|t| from <= t && t < to);
    let answered: Vec<&stored::Referral> = all.iter().filter(|r| within(r.decided_at)).collect();
    let mut times: Vec<i64> = answered
        .iter()
        .map(|r| (r.decided_at.unwrap() - r.created_at).num_seconds())
        .collect();
    times.sort_unstable();
    let median = match times.len() {
        0 => None,
        n if n % 2 == 1 => Some(times[n / 2]),
        n => Some((times[n / 2 - 1] + times[n / 2]) / 2),
    };
    let in_state = |s: ReferralState| answered.iter().filter(|r| r.state == s).count() as u32;
    let declined_by = |reason| {
        answered
            .iter()
            .filter(|r| r.state == ReferralState::Declined && r.decline_reason == Some(reason))
            .count() as u32
    };
    let declined = in_state(ReferralState::Declined);
    let redirected = in_state(ReferralState::Redirected);
    MonthView {
        month: first,
        from,
        to,
        answered: answered.len() as u32,
        median_seconds_to_answer: median,
        accepted: answered.len() as u32 - declined - redirected,
        declined,
        declined_by_reason: DeclineReason::ALL
            .iter()
            .map(
                |r| schakel_referral_workflow::agency_figures::DeclinedCount {
                    reason: *r,
                    count: declined_by(*r),
                },
            )
            .collect(),
        redirected,
        expired: all
            .iter()
            .filter(|r| r.state == ReferralState::Expired && within(r.ended_at))
            .count() as u32,
    }
}

#[test]
fn the_agency_dashboard_equals_a_recount_of_its_referrals() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (steps, plan) = schedule(w.now());
        let mut ids: Vec<Option<ReferralId>> = vec![None; plan.len()];
        for (at, step) in steps {
            w.set_now(at.max(w.now()));
            match step {
                Step::Send(i) => {
                    ids[i] = Some(w.referral().urgency(plan[i].0).send(c).id);
                }
                Step::Answer(i) => answer(&w, c, ids[i].unwrap(), plan[i].1),
                Step::DeadlineJob => {
                    jobs::expire_overdue(c, &w.cfg, w.now()).unwrap();
                }
            }
        }
        // A referral to another agency: never counted.
        w.referral().to(w.third.id).send(c);
        w.set_now(now());

        let env = w.env(now());
        let got: AgencyDashboard = agency_dashboard(c, &env, &w.receiver_coordinator).unwrap();

        // The recount, from every referral the shelter received.
        let all: Vec<stored::Referral> = ids
            .iter()
            .map(|id| stored::find(c, id.unwrap()).unwrap())
            .collect();
        let waiting: Vec<&stored::Referral> = all
            .iter()
            .filter(|r| r.state == ReferralState::Sent)
            .collect();
        let overdue = waiting.iter().filter(|r| r.deadline_at < now()).count() as u32;
        let near = waiting
            .iter()
            .filter(|r| r.deadline_at >= now() && r.deadline_at <= now() + Duration::hours(24))
            .count() as u32;
        assert_eq!(got.waiting.waiting, waiting.len() as u32);
        assert_eq!(got.waiting.overdue, overdue);
        assert_eq!(got.waiting.near_deadline, near);
        let april = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let march = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(got.this_month, recount_month(&all, april));
        assert_eq!(got.last_month, recount_month(&all, march));

        // The set is rich enough for the comparison to mean something.
        let (m, a) = (&got.last_month, &got.this_month);
        assert!(
            got.waiting.waiting >= 3 && overdue >= 1 && near >= 1,
            "{:?}",
            got.waiting
        );
        assert!(
            m.expired >= 1 && m.redirected >= 1 && m.accepted >= 5,
            "{m:?}"
        );
        assert!(m.declined_by_reason.iter().all(|d| d.count >= 1), "{m:?}");
        assert!(
            a.answered >= 5 && a.median_seconds_to_answer.is_some(),
            "{a:?}"
        );
        let weekend = all.iter().any(|r| {
            let day = r.created_at.with_timezone(&Amsterdam).weekday();
            matches!(day, chrono::Weekday::Sat | chrono::Weekday::Sun) && r.decided_at.is_some()
        });
        assert!(weekend, "some referrals sent on a weekend were answered");

        // Open cases per worker: those of the caseload.
        let load = cases::caseload(c, &env, &w.receiver_coordinator).unwrap();
        assert_eq!(got.caseload, load);

        // Nobody else sees the shelter's figures: each sees their own agency's, or none.
        let other = agency_dashboard(c, &env, &w.sender_coordinator).unwrap();
        assert_eq!(other.agency_id, w.sender.id);
        assert_eq!(other.waiting.waiting, 0);
        assert_eq!(other.last_month.answered, 0);
        let refused = agency_dashboard(c, &env, &w.receiver_caseworker);
        assert!(
            matches!(refused, Err(UseCaseError::Forbidden)),
            "{refused:?}"
        );
    });
}
