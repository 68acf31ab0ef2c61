//! Who is responsible for a case, on every selected backend: a coordinator assigns one
//! of the agency's active workers (or nobody), a caseworker may not, another agency
//! learns nothing; "my cases" and "nobody's cases" list exactly those; the caseload
//! counts the open cases per worker; the decision email names the responsible worker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Who, World, conn, new_rows, outbox_rows};
use schakel_domain::{Actor, ReferralAction, UserId};
use schakel_referral_workflow::cases::{self, AssignCaseInput, Assignee, CaseListFilter};
use schakel_referral_workflow::views::CaseView;
use schakel_referral_workflow::{IfMatch, UseCaseError, WorkflowConfig};
use schakel_store::DbConn;
use schakel_store::testing::each_backend;

fn assign(
    w: &World,
    c: &mut DbConn,
    who: &Actor,
    case: &CaseView,
    user: Option<UserId>,
) -> Result<CaseView, UseCaseError> {
    cases::assign_case(
        c,
        &w.env(w.tick()),
        who,
        case.id,
        IfMatch::Version(case.version),
        &AssignCaseInput { user_id: user },
    )
}

fn listed(w: &World, c: &mut DbConn, who: &Actor, a: Assignee) -> Vec<String> {
    let filter = CaseListFilter {
        assigned_to: Some(a),
        ..CaseListFilter::default()
    };
    let mut refs: Vec<String> = cases::list_cases(c, &w.env(w.tick()), who, filter, None, None)
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.reference)
        .collect();
    refs.sort();
    refs
}

#[test]
fn a_coordinator_makes_a_worker_responsible_and_the_lists_and_caseload_follow() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let mine = w.case().open(c);
        let theirs = w.case().open(c);
        let nobodys = w.case().open(c);
        let cw = w.sender_caseworker;
        let co = w.sender_coordinator;

        let by_worker = assign(&w, c, &cw, &mine, Some(cw.user_id));
        assert!(
            matches!(by_worker, Err(ref e) if !e.hides()),
            "a caseworker sees the case but may not assign: {by_worker:?}"
        );
        let mine = assign(&w, c, &co, &mine, Some(cw.user_id)).unwrap();
        assert_eq!(mine.assigned_to.as_ref().unwrap().id, cw.user_id);
        let theirs = assign(&w, c, &co, &theirs, Some(co.user_id)).unwrap();
        let again = assign(&w, c, &co, &mine, Some(cw.user_id)).unwrap();
        assert_eq!(
            again.version, mine.version,
            "the same worker again: no change"
        );

        // Only active case workers of the agency.
        for bad in [w.receiver_caseworker.user_id, UserId::new_random()] {
            let r = assign(&w, c, &co, &nobodys, Some(bad));
            assert!(matches!(r, Err(UseCaseError::Invalid("user_id"))), "{r:?}");
        }

        assert_eq!(listed(&w, c, &cw, Assignee::Me), [mine.reference.as_str()]);
        assert_eq!(
            listed(&w, c, &co, Assignee::Me),
            [theirs.reference.as_str()]
        );
        assert_eq!(
            listed(&w, c, &cw, Assignee::Nobody),
            [nobodys.reference.as_str()]
        );
        assert_eq!(
            listed(&w, c, &cw, Assignee::User(co.user_id)),
            [theirs.reference.as_str()]
        );

        let load = cases::caseload(c, &w.env(w.tick()), &co).unwrap();
        let per: Vec<(UserId, i64)> = load
            .workers
            .iter()
            .map(|l| (l.worker.id, l.open_cases))
            .collect();
        assert!(per.contains(&(cw.user_id, 1)) && per.contains(&(co.user_id, 1)));
        assert_eq!(load.unassigned, 1);
        assert_eq!(load.with_inactive, 0);
        let refused = cases::caseload(c, &w.env(w.tick()), &cw);
        assert!(matches!(refused, Err(ref e) if !e.hides()), "{refused:?}");

        // Unassigned again: nobody's.
        let back = assign(&w, c, &co, &theirs, None).unwrap();
        assert_eq!(back.assigned_to, None);
        assert_eq!(listed(&w, c, &cw, Assignee::Nobody).len(), 2);
        let timeline = cases::case_timeline(c, &w.env(w.tick()), &cw, theirs.id).unwrap();
        let kinds: Vec<&str> = timeline.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == "case_assigned").count(),
            2,
            "{kinds:?}"
        );
    });
}

#[test]
fn another_agency_neither_assigns_nor_learns_who_is_responsible() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let case = assign(
            &w,
            c,
            &w.sender_coordinator,
            &case,
            Some(w.sender_caseworker.user_id),
        )
        .unwrap();
        let r = w.referral().of_case(case.id).send(c);
        let before = outbox_rows(c);
        w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let told = new_rows(&before, &outbox_rows(c));
        let decided: Vec<_> = told.iter().filter(|m| m.channel == "email").collect();
        assert_eq!(decided.len(), 1);
        assert_eq!(
            decided[0].payload["user_id"],
            w.sender_caseworker.user_id.to_string(),
            "the decision is for the responsible worker"
        );
        assert_eq!(
            decided[0].payload["roles"],
            serde_json::json!(["coordinator"])
        );

        let seen = cases::get_case(c, &w.env(w.tick()), &w.receiver_coordinator, case.id).unwrap();
        assert_eq!(seen.assigned_to, None, "the receiver is not told who");
        for who in [w.receiver_coordinator, w.unrelated_coordinator] {
            let r = assign(&w, c, &who, &case, Some(who.user_id));
            assert!(matches!(r, Err(ref e) if e.hides()), "{r:?}");
        }
    });
}
