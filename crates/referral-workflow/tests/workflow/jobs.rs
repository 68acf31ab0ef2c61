//! The platform's jobs with the time injected, on every selected backend: the deadline
//! job expires an urgent referral exactly at its four-hour deadline (not a second
//! before) and keeps the monitor's rows; retention erases a closed case's identity and
//! free text exactly at closing + retention, lists without changing anything in a dry
//! run, and keeps the case's structure, timeline and monitor rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    ConsentBuilder, OutboxRow, Who, World, conn, date, emails, monitor_topics, new_rows,
    outbox_rows, snapshot,
};
use chrono::{Duration, TimeZone, Utc};
use schakel_domain::{
    CaseId, CloseReason, DeclineReason, ExploitationForm, LegalBasis, Palermo, ReferralAction,
    ReferralState, Urgency,
};
use schakel_domain::{NoteKind, NoteVisibility, Region};
use schakel_referral_workflow::cases::{self, CloseCaseInput};
use schakel_referral_workflow::jobs::{self, ErasureItem};
use schakel_referral_workflow::referrals::{self, ActionInput};
use schakel_referral_workflow::{IfMatch, UseCaseError, WorkflowConfig};
use schakel_referral_workflow::{notes, signals};
use schakel_store::DbConn;
use schakel_store::casework::persons;
use schakel_store::testing::each_backend;

fn monitor_rows(c: &mut DbConn) -> Vec<OutboxRow> {
    outbox_rows(c)
        .into_iter()
        .filter(|r| r.channel == "monitor")
        .collect()
}

/// Asserts that every row of `before` is still in the outbox, unchanged.
fn still_there(c: &mut DbConn, before: &[OutboxRow], what: &str) {
    let now = outbox_rows(c);
    for row in before {
        assert!(now.contains(row), "{what}: monitor row {} kept", row.topic);
    }
}

#[test]
fn an_unanswered_urgent_referral_expires_exactly_at_its_expiry() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let urgent = w.referral().urgency(Urgency::Urgent).send(c);
        let sent_at = urgent.created_at;
        assert_eq!(urgent.deadline_at, sent_at + Duration::hours(4));
        // Sent at the same moment: a normal one, and an urgent one answered in time.
        let normal = w
            .referral()
            .of_case(urgent.case_id.unwrap())
            .without_message()
            .at(sent_at)
            .send(c);
        let answered = w.referral().urgency(Urgency::Urgent).send(c);
        let answered = w.step(c, Who::Receiver, &answered, ReferralAction::Accept);
        let monitor_before = monitor_rows(c);
        assert!(monitor_topics(&monitor_before).contains(&"referral_sent".to_owned()));

        let expiry = w
            .cfg
            .deadlines
            .expires_at(Urgency::Urgent, urgent.deadline_at);
        assert_eq!(expiry, urgent.deadline_at + Duration::hours(48));
        for early in [
            sent_at + Duration::hours(3) + Duration::minutes(59),
            expiry - Duration::seconds(1),
        ] {
            let before = snapshot(c, urgent.id);
            assert_eq!(
                jobs::expire_overdue(c, &w.cfg, early).unwrap(),
                0,
                "{early}"
            );
            assert_eq!(snapshot(c, urgent.id), before, "{early}: nothing changed");
            w.set_now(early);
            let seen = w.get(c, urgent.id);
            assert_eq!(seen.state, ReferralState::Sent);
            assert_eq!(
                seen.overdue,
                early >= urgent.deadline_at,
                "overdue from the deadline"
            );
        }

        let at = expiry;
        w.set_now(at);
        assert!(w.get(c, urgent.id).overdue, "overdue until the job runs");
        let out_before = outbox_rows(c);
        assert_eq!(jobs::expire_overdue(c, &w.cfg, at).unwrap(), 1);
        let expired = w.get(c, urgent.id);
        assert_eq!(expired.state, ReferralState::Expired);
        assert_eq!(expired.version, urgent.version + 1);
        assert!(expired.actions.is_empty(), "nothing is left to do with it");
        let added = new_rows(&out_before, &outbox_rows(c));
        assert_eq!(monitor_topics(&added), ["referral_expired"]);
        assert_eq!(
            emails(&added),
            [("referral_expired".to_owned(), w.sender.id.to_string())],
            "the sender is told"
        );
        still_there(c, &monitor_before, "after expiry");
        let timeline = cases::case_timeline(
            c,
            &w.env(w.now()),
            &w.sender_caseworker,
            urgent.case_id.unwrap(),
        )
        .unwrap();
        assert!(
            timeline
                .iter()
                .any(|e| e.kind == "referral_expired" && e.referral_id == Some(urgent.id))
        );
        assert_eq!(
            w.get(c, normal.id).state,
            ReferralState::Sent,
            "two working days"
        );
        assert_eq!(w.get(c, answered.id).state, ReferralState::Accepted);

        // The receiver can no longer accept it, and a second run does nothing.
        let err = w
            .act_as(
                c,
                &w.receiver_coordinator,
                urgent.id,
                schakel_referral_workflow::IfMatch::Version(expired.version),
                ReferralAction::Accept,
            )
            .expect_err("expired");
        assert!(matches!(err, UseCaseError::Conflict(_)), "{err:?}");
        assert_eq!(
            jobs::expire_overdue(c, &w.cfg, at + Duration::hours(1)).unwrap(),
            0
        );
        still_there(c, &monitor_before, "after the second run");
    });
}

/// A case with free text everywhere: a signal with a summary, notes, a referral with a
/// message declined with a note, a legal basis with a reason; closed at the returned
/// time.
fn closed_case_with_free_text(w: &World, c: &mut DbConn) -> (CaseId, chrono::DateTime<Utc>) {
    let signal = w.signal().summary("Gezien bij de loods.").log(c);
    let case = w
        .case()
        .of_signal(signal.id)
        .notes("Notities bij de zaak.")
        .consent(
            ConsentBuilder::new()
                .legal_basis(LegalBasis::VitalInterest)
                .reason("Acuut gevaar, toestemming niet te vragen."),
        )
        .open(c);
    let r = w
        .referral()
        .of_case(case.id)
        .message("Bericht aan de opvang.")
        .send(c);
    referrals::act(
        c,
        &w.env(w.tick()),
        &w.receiver_coordinator,
        r.id,
        IfMatch::Version(r.version),
        ReferralAction::Decline,
        &ActionInput {
            reason: Some(DeclineReason::Other),
            note: Some("Geen plek deze week.".into()),
            ..ActionInput::default()
        },
    )
    .unwrap();
    let case = cases::get_case(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
    notes::add_note(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        case.id,
        &notes::NoteInput {
            kind: NoteKind::PhoneCall,
            occurred_on: case.created_at.date_naive(),
            visibility: NoteVisibility::OwnAgency,
            text: "Gebeld met de cliënt.".into(),
        },
    )
    .unwrap();
    let case = cases::correct_case(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        case.id,
        IfMatch::Version(case.version),
        &cases::CorrectCaseInput {
            region: Some(Region::Rotterdam),
            ..cases::CorrectCaseInput::default()
        },
    )
    .unwrap();
    let closed_at = w.tick();
    cases::close_case(
        c,
        &w.env(closed_at),
        &w.sender_caseworker,
        case.id,
        IfMatch::Version(case.version),
        &CloseCaseInput {
            reason: CloseReason::Other,
            note: Some("Afgesloten na overleg.".into()),
        },
    )
    .unwrap();
    (case.id, closed_at)
}

#[test]
fn retention_erases_identity_and_free_text_exactly_at_its_end() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (case_id, closed_at) = closed_case_with_free_text(&w, c);
        // Neighbours that stay: a case still open, and one closed a day later.
        let open = w.case().open(c);
        let (later, later_closed_at) = {
            w.set_now(closed_at + Duration::days(1));
            closed_case_with_free_text(&w, c)
        };
        assert!(later_closed_at > closed_at);
        let case = cases::get_case(c, &w.env(w.tick()), &w.sender_caseworker, case_id).unwrap();
        let person_before = persons::find(c, case.person.id).unwrap();
        assert!(person_before.identity.is_some() && person_before.pseudonym.is_some());
        let monitor_before = monitor_rows(c);
        let end = closed_at + w.cfg.retention;

        // A second early: nothing.
        assert_eq!(
            jobs::erase_due(c, &w.cfg, end - Duration::seconds(1), false).unwrap(),
            []
        );
        assert_eq!(persons::find(c, case.person.id).unwrap(), person_before);

        // A dry run at the end lists it and changes nothing.
        let due = vec![ErasureItem { case_id, closed_at }];
        assert_eq!(jobs::erase_due(c, &w.cfg, end, true).unwrap(), due);
        assert_eq!(persons::find(c, case.person.id).unwrap(), person_before);
        let still = cases::get_case(c, &w.env(end), &w.sender_caseworker, case_id).unwrap();
        assert!(!still.person.erased);
        assert_eq!(
            still.person.identity.and_then(|i| i.family_name).as_deref(),
            Some("Vermeulen")
        );
        assert_eq!(still.notes.as_deref(), Some("Notities bij de zaak."));

        // The real run at the end erases it.
        assert_eq!(jobs::erase_due(c, &w.cfg, end, false).unwrap(), due);
        let p = persons::find(c, case.person.id).unwrap();
        assert_eq!(p.identity, None, "identity gone");
        assert_eq!(p.family_name_index, None);
        assert_eq!(p.birth_date_index, None);
        assert_eq!(p.pseudonym, None);
        assert_eq!(p.erased_at, Some(end));
        let erased = cases::get_case(c, &w.env(end), &w.sender_caseworker, case_id).unwrap();
        assert!(erased.person.erased, "the case says so");
        assert_eq!(erased.person.identity, None);
        assert!(!erased.person.identity_withheld, "erased, not withheld");
        assert_eq!(erased.notes, None);
        assert_eq!(erased.close_note, None);
        assert_eq!(
            erased.close_reason,
            Some(CloseReason::Other),
            "structure stays"
        );
        assert!(erased.consents.iter().all(|c| c.reason.is_none()));
        assert_eq!(erased.consents.len(), 1);
        assert_eq!(erased.referrals.len(), 1);
        assert!(
            erased
                .referrals
                .iter()
                .all(|r| r.message.is_none() && r.note.is_none())
        );
        assert_eq!(
            erased.referrals[0].decline_reason,
            Some(DeclineReason::Other)
        );
        let signal = signals::get_signal(
            c,
            &w.env(end),
            &w.sender_caseworker,
            erased.signal_id.unwrap(),
        )
        .unwrap();
        assert_eq!(signal.summary, None, "the signal's summary too");
        let notes = notes::list_notes(c, &w.env(end), &w.sender_caseworker, case_id).unwrap();
        assert_eq!(notes.len(), 1, "the note stays, without its text");
        assert_eq!(notes[0].text, None);
        let history = cases::case_history(c, &w.env(end), &w.sender_caseworker, case_id).unwrap();
        assert_eq!(history[0].fields, ["region"], "the record stays");
        assert_eq!(history[0].earlier, None, "without the earlier values");
        assert!(signal.person.unwrap().erased);
        let timeline = cases::case_timeline(c, &w.env(end), &w.sender_caseworker, case_id).unwrap();
        let kinds: Vec<&str> = timeline.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds.last(), Some(&"identity_erased"), "{kinds:?}");
        assert!(kinds.contains(&"case_closed") && kinds.contains(&"referral_declined"));
        still_there(c, &monitor_before, "after erasure");
        assert_eq!(monitor_rows(c).len(), monitor_before.len(), "none added");

        // The neighbours are untouched, and nothing is erased twice.
        for id in [open.id, later] {
            let v = cases::get_case(c, &w.env(end), &w.sender_caseworker, id).unwrap();
            assert!(!v.person.erased && v.person.identity.is_some());
            assert!(v.notes.is_some());
        }
        assert_eq!(jobs::erase_due(c, &w.cfg, end, false).unwrap(), []);
        let ten_years = Utc.with_ymd_and_hms(2036, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(
            jobs::erase_due(c, &w.cfg, ten_years, true).unwrap(),
            [ErasureItem {
                case_id: later,
                closed_at: later_closed_at
            }],
            "an open case is never due"
        );
    });
}

#[test]
fn a_dry_run_lists_every_due_case_not_only_the_first_batch() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let n = 101;
        let mut closed_last = w.now();
        for _ in 0..n {
            let case = w.case().open(c);
            closed_last = w.tick();
            cases::close_case(
                c,
                &w.env(closed_last),
                &w.sender_caseworker,
                case.id,
                IfMatch::Version(case.version),
                &CloseCaseInput {
                    reason: CloseReason::SupportCompleted,
                    note: None,
                },
            )
            .unwrap();
        }
        let end = closed_last + w.cfg.retention;
        let listed = jobs::erase_due(c, &w.cfg, end, true).unwrap();
        let erased = jobs::erase_due(c, &w.cfg, end, false).unwrap();
        assert_eq!(erased.len(), n, "the real run erases every due case");
        assert_eq!(
            listed.len(),
            n,
            "the dry run lists what the real run erases"
        );
    });
}

#[test]
fn a_signal_never_opened_as_a_case_is_erased_a_retention_period_after_it_was_logged() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut conn;
        let logged = w.tick();
        let signal = w
            .signal()
            .person(World::person("Vergeten", date("1990-02-03")))
            .observed_on(logged.date_naive())
            .forms(&[ExploitationForm::Sexual])
            .palermo(Palermo::default())
            .summary("Gezien bij het station, wilde niet praten.")
            .at(logged)
            .log(c);
        let end = logged + w.cfg.retention;
        let early =
            jobs::erase_unopened_signals(c, &w.cfg, end - Duration::seconds(1), false).unwrap();
        assert_eq!(early, []);
        let listed = jobs::erase_unopened_signals(c, &w.cfg, end, true).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].signal_id, signal.id);
        let read = |c: &mut DbConn| {
            signals::get_signal(c, &w.env(end), &w.sender_caseworker, signal.id).unwrap()
        };
        assert!(read(c).summary.is_some(), "a dry run changes nothing");
        let report = jobs::retention(c, &w.cfg, end, false).unwrap();
        assert_eq!(report.signals.len(), 1);
        let after = read(c);
        assert_eq!(after.summary, None);
        let person = after.person.unwrap();
        assert!(person.erased && person.identity.is_none());
        assert_eq!(
            jobs::retention(c, &w.cfg, end, false).unwrap(),
            Default::default()
        );
    });
}

#[test]
fn an_unanswered_referral_is_reminded_at_its_deadline_and_escalated_later_once_each() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let r = w.referral().urgency(Urgency::Urgent).send(c);
        let deadline = r.deadline_at;
        let escalation = w.cfg.deadlines.escalates_at(Urgency::Urgent, deadline);
        let expiry = w.cfg.deadlines.expires_at(Urgency::Urgent, deadline);
        let run = |c: &mut DbConn, at| {
            let f = jobs::deadline_jobs(c, &w.cfg, at).unwrap();
            (f.reminded, f.escalated, f.expired)
        };
        let before = outbox_rows(c);
        assert_eq!(run(c, deadline - Duration::seconds(1)), (0, 0, 0));
        assert_eq!(run(c, deadline), (1, 0, 0), "reminded at the deadline");
        assert_eq!(run(c, escalation - Duration::seconds(1)), (0, 0, 0), "once");
        assert_eq!(run(c, escalation), (0, 1, 0), "escalated");
        assert_eq!(run(c, expiry - Duration::seconds(1)), (0, 0, 0), "once");
        assert_eq!(run(c, expiry), (0, 0, 1), "expired");
        let added = new_rows(&before, &outbox_rows(c));
        let mut expected = vec![
            ("referral_reminder".to_owned(), w.receiver.id.to_string()),
            ("referral_escalation".to_owned(), w.receiver.id.to_string()),
            ("referral_escalation".to_owned(), w.sender.id.to_string()),
            ("referral_expired".to_owned(), w.sender.id.to_string()),
        ];
        expected.sort();
        assert_eq!(emails(&added), expected);
        // An answer before the deadline job stops the follow-ups.
        let answered = w.referral().urgency(Urgency::Urgent).send(c);
        w.step(c, Who::Receiver, &answered, ReferralAction::Accept);
        let d = answered.deadline_at;
        assert_eq!(
            run(c, w.cfg.deadlines.expires_at(Urgency::Urgent, d)),
            (0, 0, 0)
        );
        let timeline =
            cases::case_timeline(c, &w.env(expiry), &w.sender_caseworker, r.case_id.unwrap())
                .unwrap();
        let kinds: Vec<&str> = timeline
            .iter()
            .filter(|e| e.referral_id == Some(r.id))
            .map(|e| e.kind.as_str())
            .collect();
        assert_eq!(
            kinds,
            [
                "referral_sent",
                "referral_reminded",
                "referral_escalated",
                "referral_expired"
            ]
        );
    });
}

#[test]
fn a_normal_referral_sent_on_wednesday_escalates_and_expires_on_working_days_only() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let at = |m, d, h| Utc.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap();
        let run = |c: &mut DbConn, now| {
            let f = jobs::deadline_jobs(c, &w.cfg, now).unwrap();
            (f.reminded, f.escalated, f.expired)
        };
        // Wednesday 4 March, 10:00: answer by Friday 10:00.
        let case = w.case().open(c).id;
        w.set_now(at(3, 4, 10));
        let r = w
            .referral()
            .of_case(case)
            .without_message()
            .at(at(3, 4, 10))
            .send(c);
        assert_eq!(r.deadline_at, at(3, 6, 10));
        assert_eq!(run(c, at(3, 6, 10)), (1, 0, 0), "reminded on Friday");
        // The weekend is no working time: nothing on Saturday or Sunday.
        assert_eq!(run(c, at(3, 7, 10)), (0, 0, 0), "not escalated on Saturday");
        assert_eq!(run(c, at(3, 8, 10)), (0, 0, 0), "not expired on Sunday");
        assert_eq!(run(c, at(3, 9, 9)), (0, 0, 0));
        assert_eq!(w.get(c, r.id).state, ReferralState::Sent);
        assert_eq!(run(c, at(3, 9, 10)), (0, 1, 0), "escalated on Monday");
        assert_eq!(run(c, at(3, 10, 9)), (0, 0, 0));
        assert_eq!(run(c, at(3, 10, 10)), (0, 0, 1), "expired on Tuesday");
        assert_eq!(w.get(c, r.id).state, ReferralState::Expired);

        // Wednesday 22 April: due Friday; King's Day (Monday 27 April) does not count.
        // An urgent referral sent on Saturday keeps calendar hours meanwhile.
        let case = w.case().open(c).id;
        w.set_now(at(4, 22, 10));
        let r = w
            .referral()
            .of_case(case)
            .without_message()
            .at(at(4, 22, 10))
            .send(c);
        assert_eq!(r.deadline_at, at(4, 24, 10));
        assert_eq!(run(c, at(4, 24, 10)), (1, 0, 0));
        let case = w.case().open(c).id;
        w.set_now(at(4, 25, 10));
        let urgent = w
            .referral()
            .of_case(case)
            .urgency(Urgency::Urgent)
            .without_message()
            .at(at(4, 25, 10))
            .send(c);
        assert_eq!(urgent.deadline_at, at(4, 25, 14));
        assert_eq!(
            run(c, at(4, 26, 14)),
            (1, 1, 0),
            "the urgent one, on Sunday"
        );
        assert_eq!(run(c, at(4, 27, 14)), (0, 0, 1), "the urgent one expires");
        assert_eq!(run(c, at(4, 27, 23)), (0, 0, 0), "King's Day");
        assert_eq!(run(c, at(4, 28, 10)), (0, 1, 0), "escalated on Tuesday");
        assert_eq!(run(c, at(4, 29, 10)), (0, 0, 1), "expired on Wednesday");
    });
}
