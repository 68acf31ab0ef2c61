//! Reopening a closed case, on every selected backend: open again with a reason, the
//! closing it ends kept in the case's record, notes possible again; an open case, an
//! erased one, and another agency's are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Who, World, conn};
use schakel_domain::{CaseStatus, CloseReason, ReferralAction, ReopenReason};
use schakel_referral_workflow::cases::{self, CloseCaseInput, ReopenCaseInput};
use schakel_referral_workflow::views::CaseView;
use schakel_referral_workflow::{Conflict, IfMatch, UseCaseError, WorkflowConfig};
use schakel_store::DbConn;
use schakel_store::testing::each_backend;

fn close(w: &World, c: &mut DbConn, case: &CaseView) -> CaseView {
    cases::close_case(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        case.id,
        IfMatch::Version(case.version),
        &CloseCaseInput {
            reason: CloseReason::Other,
            note: Some("Verhuisd naar het buitenland.".into()),
        },
    )
    .unwrap()
}

fn reopen(
    w: &World,
    c: &mut DbConn,
    who: &schakel_domain::Actor,
    case: &CaseView,
) -> Result<CaseView, UseCaseError> {
    cases::reopen_case(
        c,
        &w.env(w.tick()),
        who,
        case.id,
        IfMatch::Version(case.version),
        &ReopenCaseInput {
            reason: ReopenReason::PersonReturned,
        },
    )
}

#[test]
fn a_closed_case_is_reopened_and_its_closing_kept_in_the_record() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let open_again = reopen(&w, c, &w.sender_caseworker, &case);
        assert!(
            matches!(open_again, Err(UseCaseError::Conflict(Conflict::CaseOpen))),
            "{open_again:?}"
        );
        let closed = close(&w, c, &case);
        assert_eq!(closed.status, CaseStatus::Closed);
        let stale = cases::reopen_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case.id,
            IfMatch::Version(case.version),
            &ReopenCaseInput {
                reason: ReopenReason::Other,
            },
        );
        assert!(matches!(stale, Err(UseCaseError::VersionMismatch)));

        let again = reopen(&w, c, &w.sender_coordinator, &closed).unwrap();
        assert_eq!(again.status, CaseStatus::Open);
        assert_eq!(again.version, closed.version + 1);
        assert_eq!(again.close_reason, None);
        assert_eq!(again.close_note, None);
        let history =
            cases::case_history(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].fields, ["closing"]);
        let closing = &history[0].earlier.as_ref().unwrap()["closing"];
        assert_eq!(closing["reason"], "other");
        assert_eq!(closing["note"], "Verhuisd naar het buitenland.");
        let timeline =
            cases::case_timeline(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
        let last = timeline.last().unwrap();
        assert_eq!(last.kind, "case_reopened");
        assert_eq!(last.details["reason"], "person_returned");

        // Open again: it can be referred and closed again.
        let r = w.referral().of_case(case.id).send(c);
        w.step(c, Who::Sender, &r, ReferralAction::Withdraw);
        let current = cases::get_case(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
        assert_eq!(close(&w, c, &current).status, CaseStatus::Closed);
    });
}

#[test]
fn only_the_owner_reopens_and_never_an_erased_case() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let closed = close(&w, c, &case);
        for who in [&w.receiver_coordinator, &w.unrelated_coordinator] {
            let r = reopen(&w, c, who, &closed);
            assert!(matches!(r, Err(ref e) if e.hides()), "{r:?}");
        }
        let end = w.now() + w.cfg.retention;
        schakel_referral_workflow::jobs::erase_due(c, &w.cfg, end, false).unwrap();
        let erased = cases::get_case(c, &w.env(end), &w.sender_caseworker, case.id).unwrap();
        let r = cases::reopen_case(
            c,
            &w.env(end),
            &w.sender_caseworker,
            case.id,
            IfMatch::Version(erased.version),
            &ReopenCaseInput {
                reason: ReopenReason::NewInformation,
            },
        );
        assert!(
            matches!(r, Err(UseCaseError::Conflict(Conflict::PersonErased))),
            "{r:?}"
        );
    });
}
