//! Signals attached to a case the agency already has, on every selected backend: the
//! signal is about the case's person (no second person is stored), the case shows it on
//! its timeline and is the signal's case, the monitor counts it under the person's key
//! and the audit entry names the person; only an open case of the agency's own takes
//! one (another agency's, even one it works on through a referral, is answered as not
//! existing), never together with a person or anonymously; and retention never takes an
//! attached signal for one never opened as a case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Who, World, conn, date, new_rows, outbox_rows};
use chrono::Duration;
use diesel::prelude::*;
use schakel_domain::{
    Actor, AgeBand, CaseId, CloseReason, ExploitationForm, Palermo, ReferralAction, Region,
    ReportingBasis,
};
use schakel_referral_workflow::cases::{self, CloseCaseInput};
use schakel_referral_workflow::signals::{self, SignalInput};
use schakel_referral_workflow::views::SignalView;
use schakel_referral_workflow::{Conflict, IfMatch, UseCaseError, WorkflowConfig, jobs};
use schakel_store::DbConn;
use schakel_store::casework::persons;
use schakel_store::schema::{
    audit_entries, case_events, persons as person_rows, signals as signal_rows,
};
use schakel_store::testing::each_backend;

/// A signal about the person of `case`: observed on 20 February 2026 in Amsterdam, the
/// act and the purpose seen (not the means), reported with consent.
fn attached_to(case: CaseId) -> SignalInput {
    SignalInput {
        observed_on: date("2026-02-20"),
        region: Region::Amsterdam,
        exploitation_forms: vec![ExploitationForm::Sexual],
        indicators: Vec::new(),
        palermo: Palermo {
            act: true,
            means: false,
            purpose: true,
        },
        reporting_basis: ReportingBasis::Consent,
        summary: Some("Opnieuw gezien bij het station.".into()),
        person: None,
        case_id: Some(case),
    }
}

fn log(
    w: &World,
    c: &mut DbConn,
    who: &Actor,
    input: &SignalInput,
) -> Result<SignalView, UseCaseError> {
    signals::create_signal(c, &w.env(w.tick()), who, input, None)
        .map(|created| created.into_new().expect("no key, no replay"))
}

fn count_rows(c: &mut DbConn) -> (i64, i64, i64) {
    (
        signal_rows::table.count().get_result(c).unwrap(),
        person_rows::table.count().get_result(c).unwrap(),
        case_events::table.count().get_result(c).unwrap(),
    )
}

#[test]
fn an_attached_signal_is_about_the_cases_person_and_shows_on_its_timeline() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        // A girl of 15 when the new signal was observed.
        let case = w
            .case()
            .person(World::person("Dumitrescu", date("2010-06-01")))
            .open(c);
        let stored = persons::find(c, case.person.id).unwrap();
        let (_, persons_before, _) = count_rows(c);
        let outbox_before = outbox_rows(c);

        let signal = log(&w, c, &w.sender_caseworker, &attached_to(case.id)).unwrap();
        assert_eq!(signal.person.as_ref().map(|p| p.id), Some(case.person.id));
        assert_eq!(signal.case_id, Some(case.id));
        assert!(!signal.anonymous);
        assert_eq!(
            signal.age_band,
            AgeBand::From12To17,
            "from the case's person"
        );
        assert!(
            signal.palermo_elements_met,
            "a minor needs no means: the age counts"
        );
        let (_, persons_after, _) = count_rows(c);
        assert_eq!(persons_after, persons_before, "no second person stored");
        let read = signals::get_signal(c, &w.env(w.tick()), &w.sender_coordinator, signal.id);
        assert_eq!(read.unwrap().case_id, Some(case.id), "the signal's case");

        // The case's timeline shows it, with the signal named.
        let timeline = cases::case_timeline(c, &w.env(w.tick()), &w.sender_caseworker, case.id);
        let attached: Vec<_> = timeline
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "signal_attached")
            .collect();
        assert_eq!(attached.len(), 1);
        assert_eq!(attached[0].details["signal_id"], signal.id.to_string());
        assert_eq!(attached[0].user_id, Some(w.sender_caseworker.user_id));

        // The monitor counts the same person: the case person's stored key.
        let rows = new_rows(&outbox_before, &outbox_rows(c));
        let logged: Vec<_> = rows
            .iter()
            .filter(|r| r.channel == "monitor" && r.topic == "signal_logged")
            .collect();
        assert_eq!(logged.len(), 1, "{rows:?}");
        let key = stored.pseudonym.clone().unwrap();
        assert_eq!(logged[0].payload["pseudonym"], key.as_str());
        assert_eq!(logged[0].payload["age_band"], "12-17");

        // The audit entry names the person and the case.
        let (subject, details): (Option<String>, String) = audit_entries::table
            .filter(audit_entries::action.eq("signal.create"))
            .filter(audit_entries::object_id.eq(signal.id.to_string()))
            .select((audit_entries::subject_pseudonym, audit_entries::details))
            .first(c)
            .unwrap();
        assert_eq!(subject.as_deref(), Some(key.as_str()));
        assert!(details.contains(&case.id.to_string()), "{details}");

        // It is the case's signal now: no second case is opened from it.
        let r = cases::open_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            &cases::OpenCaseInput {
                signal_id: Some(signal.id),
                person: None,
                region: None,
                exploitation_forms: None,
                notes: None,
            },
            None,
        );
        assert!(
            matches!(r, Err(UseCaseError::Conflict(Conflict::SignalHasCase))),
            "{r:?}"
        );
    });
}

#[test]
fn only_an_open_case_of_the_own_agency_takes_a_signal() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let own = w.case().open(c);
        let theirs = w.case().by(w.receiver_coordinator).open(c);
        let before = count_rows(c);

        // Another agency's case is answered as one that does not exist, and the
        // attempt is audited as denied.
        let r = log(&w, c, &w.sender_caseworker, &attached_to(theirs.id));
        assert!(matches!(r, Err(ref e) if e.hides()), "{r:?}");
        let denied: i64 = audit_entries::table
            .filter(audit_entries::action.eq("signal.create"))
            .filter(audit_entries::outcome.eq("denied"))
            .filter(audit_entries::object_id.eq(theirs.id.to_string()))
            .count()
            .get_result(c)
            .unwrap();
        assert_eq!(denied, 1);
        let r = log(
            &w,
            c,
            &w.sender_caseworker,
            &attached_to(CaseId::new_random()),
        );
        assert!(matches!(r, Err(ref e) if e.hides()), "{r:?}");

        // Neither is a case the agency works on through a referral it accepted.
        let r = w.referral().of_case(own.id).send(c);
        w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let shared = log(&w, c, &w.receiver_coordinator, &attached_to(own.id));
        assert!(matches!(shared, Err(ref e) if e.hides()), "{shared:?}");

        // With a person as well, or anonymous: refused.
        let mut both = attached_to(own.id);
        both.person = Some(crate::support::default_person());
        let r = log(&w, c, &w.sender_caseworker, &both);
        assert!(matches!(r, Err(UseCaseError::Invalid("person"))), "{r:?}");
        let mut anonymous = attached_to(own.id);
        anonymous.reporting_basis = ReportingBasis::Anonymous;
        let r = log(&w, c, &w.sender_caseworker, &anonymous);
        assert!(
            matches!(r, Err(UseCaseError::Invalid("reporting_basis"))),
            "{r:?}"
        );
        let (signals_now, persons_now, _) = count_rows(c);
        assert_eq!(
            (signals_now, persons_now),
            (before.0, before.1),
            "nothing stored"
        );

        // A closed case: a conflict, as for a note.
        let closable = w
            .case()
            .person(World::person("Ionescu", date("1995-01-01")))
            .open(c);
        cases::close_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            closable.id,
            IfMatch::Version(closable.version),
            &CloseCaseInput {
                reason: CloseReason::NoIndication,
                note: None,
            },
        )
        .unwrap();
        let events_before = count_rows(c).2;
        let r = log(&w, c, &w.sender_caseworker, &attached_to(closable.id));
        assert!(
            matches!(r, Err(UseCaseError::Conflict(Conflict::CaseClosed))),
            "{r:?}"
        );
        assert_eq!(count_rows(c).2, events_before, "no timeline entry");
    });
}

#[test]
fn retention_never_takes_an_attached_signal_for_an_unopened_one() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let attached = log(&w, c, &w.sender_caseworker, &attached_to(case.id)).unwrap();
        let unopened = w
            .signal()
            .person(World::person("Popa", date("1988-02-02")))
            .log(c);
        let later = w.now() + w.cfg.retention + Duration::days(1);
        w.set_now(later);
        let erased = jobs::erase_unopened_signals(c, &w.cfg, later, false).unwrap();
        let ids: Vec<_> = erased.iter().map(|s| s.signal_id).collect();
        assert_eq!(
            ids,
            [unopened.id],
            "only the signal never opened nor attached"
        );
        let person = persons::find(c, case.person.id).unwrap();
        assert!(person.identity.is_some(), "the open case keeps its person");
        let read = signals::get_signal(c, &w.env(w.tick()), &w.sender_caseworker, attached.id);
        assert_eq!(
            read.unwrap().summary.as_deref(),
            Some("Opnieuw gezien bij het station.")
        );
    });
}
