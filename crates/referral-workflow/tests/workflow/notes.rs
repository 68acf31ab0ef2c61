//! Notes on a case, on every selected backend: who writes and reads them (the owner;
//! an agency that currently shares the case, for shared notes both ways), the author's
//! short window to change one, and that their text never reaches an audit entry, the
//! outbox or the monitor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{Who, World, conn, date, outbox_rows};
use chrono::Duration;
use diesel::prelude::*;
use schakel_domain::{Actor, CaseId, NoteKind, NoteVisibility, ReferralAction};
use schakel_referral_workflow::notes::{self, NOTE_EDIT_MINUTES, NoteInput};
use schakel_referral_workflow::views::NoteView;
use schakel_referral_workflow::{Conflict, IfMatch, UseCaseError, WorkflowConfig};
use schakel_store::DbConn;
use schakel_store::schema::audit_entries;
use schakel_store::testing::each_backend;

fn input(text: &str, visibility: NoteVisibility) -> NoteInput {
    NoteInput {
        kind: NoteKind::PhoneCall,
        occurred_on: date("2026-01-05"),
        visibility,
        text: text.into(),
    }
}

fn write(w: &World, c: &mut DbConn, who: &Actor, case: CaseId, note: &NoteInput) -> NoteView {
    notes::add_note(c, &w.env(w.tick()), who, case, note).unwrap()
}

fn texts(w: &World, c: &mut DbConn, who: &Actor, case: CaseId) -> Vec<String> {
    notes::list_notes(c, &w.env(w.tick()), who, case)
        .unwrap()
        .into_iter()
        .filter_map(|n| n.text)
        .collect()
}

fn hidden(r: Result<impl std::fmt::Debug, UseCaseError>) -> bool {
    matches!(r, Err(ref e) if e.hides())
}

#[test]
fn each_agency_reads_its_own_notes_and_the_shared_ones_while_it_shares_the_case() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c).id;
        let own = input("Alleen wij.", NoteVisibility::OwnAgency);
        write(&w, c, &w.sender_caseworker, case, &own);
        let shared = input("Gedeeld.", NoteVisibility::Shared);
        write(&w, c, &w.sender_coordinator, case, &shared);
        assert_eq!(
            texts(&w, c, &w.sender_coordinator, case),
            ["Alleen wij.", "Gedeeld."],
            "the owner reads both, oldest first"
        );

        // Before the referral is accepted the receiver sees no case, so no notes, and
        // may write none.
        let r = w.referral().of_case(case).send(c);
        let note = input("Te vroeg.", NoteVisibility::Shared);
        let early = notes::add_note(c, &w.env(w.tick()), &w.receiver_coordinator, case, &note);
        assert!(hidden(early));
        assert!(hidden(notes::list_notes(
            c,
            &w.env(w.tick()),
            &w.receiver_caseworker,
            case
        )));

        // Accepted: the receiver reads the shared note only, and writes its own.
        let r = w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        assert_eq!(texts(&w, c, &w.receiver_caseworker, case), ["Gedeeld."]);
        let theirs = input("Opvang geregeld.", NoteVisibility::Shared);
        let mine = input("Intern bij de opvang.", NoteVisibility::OwnAgency);
        let written = write(&w, c, &w.receiver_caseworker, case, &theirs);
        assert_eq!(written.agency.id, w.receiver.id);
        write(&w, c, &w.receiver_caseworker, case, &mine);
        assert_eq!(
            texts(&w, c, &w.sender_caseworker, case),
            ["Alleen wij.", "Gedeeld.", "Opvang geregeld."],
            "the owner reads the receiver's shared note, not its internal one"
        );
        assert_eq!(
            texts(&w, c, &w.receiver_coordinator, case),
            ["Gedeeld.", "Opvang geregeld.", "Intern bij de opvang."]
        );

        // An agency with no referral never sees the case's notes.
        assert!(hidden(notes::list_notes(
            c,
            &w.env(w.tick()),
            &w.unrelated_coordinator,
            case
        )));

        // Once the referral ends, the receiver reads nothing any more; its notes stay
        // with the case for the owner.
        w.step(c, Who::Receiver, &r, ReferralAction::Complete);
        assert!(hidden(notes::list_notes(
            c,
            &w.env(w.tick()),
            &w.receiver_caseworker,
            case
        )));
        assert_eq!(texts(&w, c, &w.sender_caseworker, case).len(), 3);
    });
}

#[test]
fn only_the_author_changes_a_note_and_only_for_a_short_time() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c).id;
        let note = write(
            &w,
            c,
            &w.sender_caseworker,
            case,
            &input("Eerste versie.", NoteVisibility::OwnAgency),
        );
        assert!(note.editable_until.is_some(), "the author sees the window");

        // A colleague reads it but may not change it; nor does it say until when.
        let seen = notes::list_notes(c, &w.env(w.tick()), &w.sender_coordinator, case).unwrap();
        assert_eq!(seen[0].editable_until, None);
        let by_colleague = notes::edit_note(
            c,
            &w.env(w.tick()),
            &w.sender_coordinator,
            note.id,
            IfMatch::Version(note.version),
            &input("Overschreven.", NoteVisibility::OwnAgency),
        );
        assert!(
            matches!(by_colleague, Err(ref e) if !e.hides()),
            "{by_colleague:?}"
        );
        // Another agency does not learn the note exists.
        let foreign = notes::edit_note(
            c,
            &w.env(w.tick()),
            &w.unrelated_coordinator,
            note.id,
            IfMatch::Version(note.version),
            &input("Overschreven.", NoteVisibility::OwnAgency),
        );
        assert!(hidden(foreign));

        // The author changes it from the version read; a stale version is refused.
        let changed = notes::edit_note(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            note.id,
            IfMatch::Version(note.version),
            &input("Tweede versie.", NoteVisibility::Shared),
        )
        .unwrap();
        assert_eq!(changed.text.as_deref(), Some("Tweede versie."));
        assert_eq!(changed.visibility, NoteVisibility::Shared);
        let stale = notes::edit_note(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            note.id,
            IfMatch::Version(note.version),
            &input("Derde versie.", NoteVisibility::Shared),
        );
        assert!(matches!(stale, Err(UseCaseError::VersionMismatch)));

        // After the window the note is fixed.
        let later = note.created_at + Duration::minutes(NOTE_EDIT_MINUTES) + Duration::seconds(1);
        let fixed = notes::edit_note(
            c,
            &w.env(later),
            &w.sender_caseworker,
            note.id,
            IfMatch::Version(changed.version),
            &input("Te laat.", NoteVisibility::Shared),
        );
        assert!(
            matches!(fixed, Err(UseCaseError::Conflict(Conflict::NoteFixed))),
            "{fixed:?}"
        );
        assert_eq!(texts(&w, c, &w.sender_caseworker, case), ["Tweede versie."]);
    });
}

#[test]
fn a_note_is_checked_and_a_closed_case_takes_none() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c).id;
        let empty = input("   ", NoteVisibility::OwnAgency);
        let r = notes::add_note(c, &w.env(w.tick()), &w.sender_caseworker, case, &empty);
        assert!(matches!(r, Err(UseCaseError::Invalid("text"))), "{r:?}");
        let mut future = input("Morgen.", NoteVisibility::OwnAgency);
        future.occurred_on = w.now().date_naive() + Duration::days(2);
        let r = notes::add_note(c, &w.env(w.tick()), &w.sender_caseworker, case, &future);
        assert!(
            matches!(r, Err(UseCaseError::Invalid("occurred_on"))),
            "{r:?}"
        );
        let long = input(&"x".repeat(4001), NoteVisibility::OwnAgency);
        let r = notes::add_note(c, &w.env(w.tick()), &w.sender_caseworker, case, &long);
        assert!(matches!(r, Err(UseCaseError::Invalid("text"))), "{r:?}");
        assert!(texts(&w, c, &w.sender_caseworker, case).is_empty());

        let current = schakel_referral_workflow::cases::get_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case,
        )
        .unwrap();
        schakel_referral_workflow::cases::close_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case,
            IfMatch::Version(current.version),
            &schakel_referral_workflow::cases::CloseCaseInput {
                reason: schakel_domain::CloseReason::NoIndication,
                note: None,
            },
        )
        .unwrap();
        let ok = input("Na sluiting.", NoteVisibility::OwnAgency);
        let r = notes::add_note(c, &w.env(w.tick()), &w.sender_caseworker, case, &ok);
        assert!(
            matches!(r, Err(UseCaseError::Conflict(Conflict::CaseClosed))),
            "{r:?}"
        );
    });
}

#[test]
fn a_notes_text_reaches_no_audit_entry_outbox_row_or_monitor_event() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c).id;
        let r = w.referral().of_case(case).send(c);
        w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let before = outbox_rows(c);
        let secret = "Geheim-adres-Kerkstraat-12";
        let note = write(
            &w,
            c,
            &w.sender_caseworker,
            case,
            &input(secret, NoteVisibility::Shared),
        );
        notes::edit_note(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            note.id,
            IfMatch::Version(note.version),
            &input(&format!("{secret} (bijgewerkt)"), NoteVisibility::Shared),
        )
        .unwrap();
        texts(&w, c, &w.receiver_caseworker, case);
        assert_eq!(
            outbox_rows(c),
            before,
            "a note tells no one and counts nothing"
        );

        let entries: Vec<(String, String, Option<String>)> = audit_entries::table
            .filter(audit_entries::action.like("note.%"))
            .select((
                audit_entries::action,
                audit_entries::details,
                audit_entries::subject_pseudonym,
            ))
            .order(audit_entries::seq.asc())
            .load(c)
            .unwrap();
        let actions: Vec<&str> = entries.iter().map(|(a, _, _)| a.as_str()).collect();
        assert_eq!(actions, ["note.create", "note.update", "note.list"]);
        for (action, details, subject) in &entries {
            assert!(!details.contains("Geheim"), "{action}: {details}");
            assert!(subject.is_some(), "{action} names the person concerned");
        }
        assert!(entries[1].1.contains("text"), "the changed field is named");
        let all: Vec<String> = audit_entries::table
            .select(audit_entries::details)
            .load(c)
            .unwrap();
        assert!(all.iter().all(|d| !d.contains("Geheim")));
    });
}
