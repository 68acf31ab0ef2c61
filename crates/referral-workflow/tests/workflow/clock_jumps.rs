//! The deadline job on a clock that jumps, on every selected backend: forward a day (a
//! host suspended overnight, a clock corrected by NTP) and back an hour, again and
//! again. Whatever order the times come in, each referral is reminded, escalated and
//! expired once, and never before its own time: a job run at an earlier time than the
//! one before does nothing at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{World, conn, emails, new_rows, outbox_rows};
use chrono::{DateTime, Duration, TimeZone, Utc};
use schakel_domain::{ReferralState, Urgency};
use schakel_referral_workflow::{WorkflowConfig, jobs};
use schakel_store::testing::each_backend;
use std::collections::BTreeSet;

#[test]
fn the_deadline_job_on_a_clock_jumping_forward_a_day_and_back_an_hour_acts_once_and_never_early() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        // A Monday morning; urgent and normal referrals sent an hour apart.
        let t0 = Utc.with_ymd_and_hms(2030, 3, 4, 8, 0, 0).unwrap();
        w.set_now(t0);
        let before = outbox_rows(c);
        let mut referrals = Vec::new();
        for i in 0..6 {
            let at = t0 + Duration::hours(i);
            w.set_now(at);
            let urgency = if i % 2 == 0 {
                Urgency::Urgent
            } else {
                Urgency::Normal
            };
            let r = w.referral().urgency(urgency).at(at).send(c);
            let deadline = r.deadline_at;
            let d = &w.cfg.deadlines;
            referrals.push((
                r.id,
                [
                    deadline,
                    d.escalates_at(urgency, deadline),
                    d.expires_at(urgency, deadline),
                ],
            ));
        }
        // The times the job runs at: a day forward, an hour back, repeated; the same
        // time twice; then past every expiry and back.
        let latest = referrals.iter().map(|(_, t)| t[2]).max().unwrap();
        let mut times: Vec<DateTime<Utc>> = vec![t0 + Duration::hours(6)];
        while *times.last().unwrap() < latest {
            let at = *times.last().unwrap();
            times.extend([
                at + Duration::days(1),
                at + Duration::days(1) - Duration::hours(1),
            ]);
        }
        let end = *times.last().unwrap();
        times.extend([end, end - Duration::hours(1), end + Duration::hours(1)]);

        let mut done: [BTreeSet<_>; 3] = Default::default();
        let mut latest_seen = t0;
        for now in times {
            latest_seen = latest_seen.max(now);
            let f = jobs::deadline_jobs(c, &w.cfg, now).unwrap();
            let mut expected = [0usize; 3];
            for (id, due) in &referrals {
                for k in 0..3 {
                    if due[k] <= now && done[k].insert(*id) {
                        expected[k] += 1;
                    }
                }
            }
            assert_eq!(
                [f.reminded, f.escalated, f.expired],
                expected,
                "at {now}: what is due then and was not done before, nothing else"
            );
            // Nothing is expired before its time, whatever the clock said earlier.
            for (id, due) in &referrals {
                let state = schakel_store::casework::referrals::find(c, *id)
                    .unwrap()
                    .state;
                if state == ReferralState::Expired {
                    assert!(
                        done[2].contains(id) && due[2] <= end.max(now),
                        "{id} expired in time"
                    );
                }
            }
        }
        let sent = emails(&new_rows(&before, &outbox_rows(c)));
        let count = |topic: &str| sent.iter().filter(|(t, _)| t == topic).count();
        assert_eq!(
            count("referral_reminder"),
            referrals.len(),
            "one reminder each"
        );
        assert_eq!(
            count("referral_expired"),
            referrals.len(),
            "one expiry notice each"
        );
        assert_eq!(
            count("referral_escalation"),
            2 * referrals.len(),
            "one escalation to each side"
        );
    });
}
