//! Drafts of the case-work forms, on every selected backend: the author saves, reads,
//! saves again and finishes or discards their own; nobody else reads, changes or
//! deletes it (answered as missing); a form of a case needs a case the author may
//! read; drafts expire after the configured time and are deleted by the retention job;
//! creating, finishing and discarding are audited without the fields.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{World, conn};
use schakel_domain::DraftForm;
use schakel_referral_workflow::drafts::{
    self, DraftField, DraftFieldsInput, DraftView, NewDraftInput,
};
use schakel_referral_workflow::{IfMatch, UseCaseError, WorkflowConfig, jobs};
use schakel_store::testing::each_backend;

fn fields(pairs: &[(&str, &str)]) -> Vec<DraftField> {
    pairs
        .iter()
        .map(|(n, v)| DraftField {
            name: (*n).into(),
            value: (*v).into(),
        })
        .collect()
}

fn signal_draft(w: &World, c: &mut schakel_store::DbConn) -> DraftView {
    drafts::create_draft(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        &NewDraftInput {
            form: DraftForm::Signal,
            case_id: None,
            fields: fields(&[
                ("family_name", "Jansen"),
                ("indicator", "a1"),
                ("indicator", "b2"),
            ]),
        },
    )
    .unwrap()
}

#[test]
fn the_author_saves_resumes_and_finishes_a_draft_and_nobody_else_reaches_it() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let d = signal_draft(&w, c);
        assert_eq!(d.fields[2].value, "b2", "every value, in order");
        let saved = drafts::save_draft(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            d.id,
            IfMatch::Version(d.version),
            &DraftFieldsInput {
                fields: fields(&[("family_name", "Janssen")]),
            },
        )
        .unwrap();
        assert_eq!(saved.version, d.version + 1);
        assert!(saved.expires_at > d.expires_at, "the expiry moves on");
        let stale = drafts::save_draft(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            d.id,
            IfMatch::Version(d.version),
            &DraftFieldsInput { fields: vec![] },
        );
        assert!(
            matches!(stale, Err(UseCaseError::VersionMismatch)),
            "{stale:?}"
        );
        let read = drafts::get_draft(c, &w.env(w.tick()), &w.sender_caseworker, d.id).unwrap();
        assert_eq!(read.fields, fields(&[("family_name", "Janssen")]));
        let mine = drafts::list_drafts(c, &w.env(w.tick()), &w.sender_caseworker).unwrap();
        assert_eq!(mine.iter().map(|s| s.id).collect::<Vec<_>>(), [d.id]);

        // A colleague, another agency: as if it did not exist; their lists are empty.
        for who in [w.sender_coordinator, w.receiver_coordinator] {
            let r = drafts::get_draft(c, &w.env(w.tick()), &who, d.id);
            assert!(matches!(r, Err(ref e) if e.hides()), "{r:?}");
            let r = drafts::discard_draft(c, &w.env(w.tick()), &who, d.id, false);
            assert!(matches!(r, Err(ref e) if e.hides()), "{r:?}");
            assert!(
                drafts::list_drafts(c, &w.env(w.tick()), &who)
                    .unwrap()
                    .is_empty()
            );
        }

        // Finished: gone.
        drafts::discard_draft(c, &w.env(w.tick()), &w.sender_caseworker, d.id, true).unwrap();
        let gone = drafts::get_draft(c, &w.env(w.tick()), &w.sender_caseworker, d.id);
        assert!(matches!(gone, Err(ref e) if e.hides()), "{gone:?}");
    });
}

#[test]
fn a_form_of_a_case_needs_a_case_the_author_may_read() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let note = |c: &mut schakel_store::DbConn, who, form, case_id| {
            let input = NewDraftInput {
                form,
                case_id,
                fields: fields(&[("text", "gebeld")]),
            };
            drafts::create_draft(c, &w.env(w.tick()), &who, &input)
        };
        assert!(note(c, w.sender_caseworker, DraftForm::Note, Some(case.id)).is_ok());
        let foreign = note(c, w.unrelated_coordinator, DraftForm::Note, Some(case.id));
        assert!(matches!(foreign, Err(ref e) if e.hides()), "{foreign:?}");
        let without = note(c, w.sender_caseworker, DraftForm::Referral, None);
        assert!(
            matches!(without, Err(UseCaseError::Invalid("case_id"))),
            "{without:?}"
        );
        let with = note(c, w.sender_caseworker, DraftForm::Signal, Some(case.id));
        assert!(
            matches!(with, Err(UseCaseError::Invalid("case_id"))),
            "{with:?}"
        );
    });
}

#[test]
fn drafts_expire_and_the_retention_job_deletes_them() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let d = signal_draft(&w, c);
        let end = d.expires_at;
        w.set_now(end);
        let expired = drafts::get_draft(c, &w.env(end), &w.sender_caseworker, d.id);
        assert!(matches!(expired, Err(ref e) if e.hides()), "{expired:?}");
        assert!(
            drafts::list_drafts(c, &w.env(end), &w.sender_caseworker)
                .unwrap()
                .is_empty()
        );
        let report = jobs::retention(c, &w.cfg, end, true).unwrap();
        assert_eq!(report.drafts, 0, "a dry run deletes nothing");
        let report = jobs::retention(c, &w.cfg, end, false).unwrap();
        assert_eq!(report.drafts, 1);
        let again = jobs::retention(c, &w.cfg, end, false).unwrap();
        assert_eq!(again.drafts, 0);
    });
}
