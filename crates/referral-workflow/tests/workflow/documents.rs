//! Documents on a case, on every selected backend: who reads which document (the
//! uploader's agency; another agency only when shared and it sees the identity), that
//! nothing is served before a clean scan, quarantine with the uploader's email, sharing
//! and taking off by the uploader's agency only, erasure with the identity, and that a
//! document's title and content are nowhere in plain text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{ConsentBuilder, Who, World, conn, every_text_value, outbox_rows};
use diesel::prelude::*;
use schakel_domain::Actor;
use schakel_domain::{CaseId, CloseReason, ReferralAction, ScanState};
use schakel_referral_workflow::cases::{self, CloseCaseInput};
use schakel_referral_workflow::documents::{
    self, DocumentUpload, DocumentView, ScanFailure, Scanner, Verdict,
};
use schakel_referral_workflow::{Conflict, IfMatch, Refusal, UseCaseError, WorkflowConfig, jobs};
use schakel_store::DbConn;
use schakel_store::schema::{audit_entries, case_documents};
use schakel_store::testing::each_backend;

const CANARY: &str = "Kwartelkadeloods-paspoort";

/// A scanner that finds malware in files holding `EICAR`, and is down when told.
struct TestScanner {
    down: bool,
}

impl Scanner for TestScanner {
    fn scan(&self, content: &[u8]) -> Result<Verdict, ScanFailure> {
        if self.down {
            return Err(ScanFailure::Unreachable("connection refused".into()));
        }
        let text = String::from_utf8_lossy(content);
        if text.contains("TOO BIG") {
            return Err(ScanFailure::NoVerdict("size limit exceeded".into()));
        }
        Ok(if text.contains("EICAR") {
            Verdict::Found("Test.EICAR".into())
        } else {
            Verdict::Clean
        })
    }
}

fn pdf(body: &str) -> Vec<u8> {
    format!("%PDF-1.4\n{body}\n%%EOF\n").into_bytes()
}

fn upload(
    w: &World,
    c: &mut DbConn,
    who: &Actor,
    case: CaseId,
    body: &str,
    shared: bool,
) -> DocumentView {
    documents::add_document(
        c,
        &w.env(w.tick()),
        who,
        case,
        DocumentUpload {
            title: Some(format!("titel {body}")),
            shared,
            file: pdf(body),
        },
    )
    .unwrap()
}

fn scan(w: &World, c: &mut DbConn) -> documents::ScanReport {
    documents::scan_pending(c, &w.cfg, &TestScanner { down: false }, w.tick()).unwrap()
}

fn titles(w: &World, c: &mut DbConn, who: &Actor, case: CaseId) -> Vec<String> {
    documents::list_documents(c, &w.env(w.tick()), who, case)
        .unwrap()
        .into_iter()
        .filter_map(|d| d.title)
        .collect()
}

fn download(
    w: &World,
    c: &mut DbConn,
    who: &Actor,
    doc: &DocumentView,
) -> Result<Vec<u8>, UseCaseError> {
    documents::download_document(c, &w.env(w.tick()), who, doc.id).map(|d| d.bytes.to_vec())
}

#[test]
fn a_receiver_reads_shared_documents_only_while_it_sees_the_identity() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let with_consent = w.case().consent(ConsentBuilder::new()).open(c).id;
        let without = w.case().open(c).id;
        for case in [with_consent, without] {
            upload(&w, c, &w.sender_caseworker, case, "gedeeld", true);
            upload(&w, c, &w.sender_caseworker, case, "intern", false);
            let r = w.referral().of_case(case).send(c);
            w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        }
        assert_eq!(scan(&w, c).clean, 4);
        assert_eq!(
            titles(&w, c, &w.sender_coordinator, with_consent),
            ["titel gedeeld", "titel intern"],
            "the owner reads its own, shared or not"
        );
        assert_eq!(
            titles(&w, c, &w.receiver_caseworker, with_consent),
            ["titel gedeeld"],
            "the receiver with the identity: the shared one only"
        );
        assert!(
            titles(&w, c, &w.receiver_caseworker, without).is_empty(),
            "a receiver without the identity reads no document"
        );
        let shared =
            documents::list_documents(c, &w.env(w.tick()), &w.sender_caseworker, with_consent)
                .unwrap();
        assert_eq!(
            download(&w, c, &w.receiver_coordinator, &shared[0]).unwrap(),
            pdf("gedeeld")
        );
        for who in [
            &w.receiver_coordinator,
            &w.unrelated_coordinator,
            &w.third_coordinator,
        ] {
            let hidden = download(&w, c, who, &shared[1]);
            assert!(matches!(hidden, Err(ref e) if e.hides()), "{hidden:?}");
        }
        let listed =
            documents::list_documents(c, &w.env(w.tick()), &w.unrelated_coordinator, with_consent);
        assert!(matches!(listed, Err(ref e) if e.hides()));
        // The receiver may not share, stop sharing or take off the owner's document.
        let refused = documents::share_document(
            c,
            &w.env(w.tick()),
            &w.receiver_coordinator,
            shared[0].id,
            IfMatch::Version(shared[0].version),
            false,
        );
        assert!(
            matches!(refused, Err(UseCaseError::Forbidden)),
            "{refused:?}"
        );
        // Every download is audited with the person as subject.
        let downloads: Vec<Option<String>> = audit_entries::table
            .filter(audit_entries::action.eq("document.download"))
            .filter(audit_entries::outcome.eq("success"))
            .select(audit_entries::subject_pseudonym)
            .load(c)
            .unwrap();
        assert_eq!(downloads.len(), 1);
        assert!(downloads[0].is_some(), "the download names its subject");
    });
}

#[test]
fn nothing_is_served_before_a_clean_scan_and_malware_is_quarantined() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c).id;
        let bad = upload(&w, c, &w.sender_caseworker, case, "EICAR test", false);
        let good = upload(&w, c, &w.sender_caseworker, case, "schoon", false);
        assert_eq!(bad.scan_state, ScanState::Pending);
        assert!(!bad.downloadable);
        for doc in [&bad, &good] {
            let early = download(&w, c, &w.sender_caseworker, doc);
            assert!(matches!(
                early,
                Err(UseCaseError::Conflict(Conflict::DocumentPending))
            ));
        }
        // The scanner is down: both wait, unserved, and the next run tries again.
        let down =
            documents::scan_pending(c, &w.cfg, &TestScanner { down: true }, w.tick()).unwrap();
        assert_eq!((down.clean, down.quarantined, down.failed), (0, 0, 1));
        assert!(matches!(
            download(&w, c, &w.sender_caseworker, &good),
            Err(UseCaseError::Conflict(Conflict::DocumentPending))
        ));
        let report = scan(&w, c);
        assert_eq!((report.clean, report.quarantined), (1, 1));
        assert_eq!(
            download(&w, c, &w.sender_caseworker, &good).unwrap(),
            pdf("schoon")
        );
        assert!(matches!(
            download(&w, c, &w.sender_caseworker, &bad),
            Err(UseCaseError::Conflict(Conflict::DocumentQuarantined))
        ));
        let email = outbox_rows(c)
            .into_iter()
            .find(|r| r.topic == "document_quarantined")
            .expect("the uploader is told");
        assert_eq!(
            email.payload["user_id"],
            w.sender_caseworker.user_id.to_string()
        );
        assert!(!email.payload.to_string().contains("EICAR"));
        assert_eq!(
            scan(&w, c),
            documents::ScanReport::default(),
            "nothing left to scan"
        );
    });
}

#[test]
fn a_file_the_scanner_gives_no_verdict_on_waits_and_holds_up_no_other() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c).id;
        let stuck = upload(&w, c, &w.sender_caseworker, case, "TOO BIG", false);
        let next = upload(&w, c, &w.sender_caseworker, case, "gewoon", false);
        let report = scan(&w, c);
        assert_eq!((report.clean, report.failed), (1, 1), "{report:?}");
        assert!(report.unreachable.is_none());
        assert_eq!(
            download(&w, c, &w.sender_caseworker, &next).unwrap(),
            pdf("gewoon")
        );
        let later = upload(&w, c, &w.sender_caseworker, case, "later", false);
        let report = scan(&w, c);
        assert_eq!(
            (report.clean, report.failed),
            (1, 1),
            "the later one first, then the stuck one"
        );
        assert!(download(&w, c, &w.sender_caseworker, &later).is_ok());
        assert!(matches!(
            download(&w, c, &w.sender_caseworker, &stuck),
            Err(UseCaseError::Conflict(Conflict::DocumentPending))
        ));
    });
}

#[test]
fn files_are_checked_by_content_and_size_and_a_closed_case_takes_none() {
    each_backend(|db| {
        let mut cfg = WorkflowConfig::ephemeral();
        cfg.document_max_bytes = 64;
        let w = World::new(&db, cfg);
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let add = |c: &mut DbConn, file: Vec<u8>| {
            documents::add_document(
                c,
                &w.env(w.tick()),
                &w.sender_caseworker,
                case.id,
                DocumentUpload {
                    title: None,
                    shared: false,
                    file,
                },
            )
        };
        let html = add(c, b"<html><script>alert(1)</script></html>".to_vec());
        assert!(matches!(
            html,
            Err(UseCaseError::Refused(Refusal::DocumentType))
        ));
        let big = add(c, pdf(&"x".repeat(100)));
        assert!(matches!(
            big,
            Err(UseCaseError::Refused(Refusal::DocumentTooLarge))
        ));
        assert!(add(c, pdf("klein")).is_ok());
        cases::close_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            case.id,
            IfMatch::Version(case.version),
            &CloseCaseInput {
                reason: CloseReason::SupportCompleted,
                note: None,
            },
        )
        .unwrap();
        let closed = add(c, pdf("laat"));
        assert!(matches!(
            closed,
            Err(UseCaseError::Conflict(Conflict::CaseClosed))
        ));
    });
}

#[test]
fn taking_off_and_retention_delete_title_and_content() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().open(c);
        let gone = upload(&w, c, &w.sender_caseworker, case.id, "weg", false);
        let kept = upload(&w, c, &w.sender_caseworker, case.id, "blijft", false);
        scan(&w, c);
        let stale = documents::remove_document(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            gone.id,
            IfMatch::Version(0),
        );
        assert!(matches!(stale, Err(UseCaseError::VersionMismatch)));
        let current =
            documents::get_document(c, &w.env(w.tick()), &w.sender_caseworker, gone.id).unwrap();
        documents::remove_document(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            gone.id,
            IfMatch::Version(current.version),
        )
        .unwrap();
        assert!(matches!(
            download(&w, c, &w.sender_caseworker, &gone),
            Err(UseCaseError::Conflict(Conflict::DocumentGone))
        ));
        assert_eq!(
            titles(&w, c, &w.sender_caseworker, case.id),
            ["titel blijft"]
        );
        let closed_at = w.tick();
        cases::close_case(
            c,
            &w.env(closed_at),
            &w.sender_caseworker,
            case.id,
            IfMatch::Version(case.version),
            &CloseCaseInput {
                reason: CloseReason::SupportCompleted,
                note: None,
            },
        )
        .unwrap();
        let later = closed_at + w.cfg.retention;
        w.set_now(later);
        assert_eq!(jobs::erase_due(c, &w.cfg, later, false).unwrap().len(), 1);
        let left: Vec<(Option<String>, Option<Vec<u8>>)> = case_documents::table
            .select((case_documents::title, case_documents::content))
            .load(c)
            .unwrap();
        assert_eq!(
            left,
            vec![(None, None), (None, None)],
            "nothing of either is left"
        );
        assert!(matches!(
            download(&w, c, &w.sender_caseworker, &kept),
            Err(UseCaseError::Conflict(Conflict::DocumentGone))
        ));
    });
}

#[test]
fn a_documents_title_and_content_are_nowhere_in_plain_text() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let case = w.case().consent(ConsentBuilder::new()).open(c).id;
        let doc = upload(&w, c, &w.sender_caseworker, case, CANARY, true);
        scan(&w, c);
        let r = w.referral().of_case(case).send(c);
        w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        assert_eq!(
            download(&w, c, &w.receiver_caseworker, &doc).unwrap(),
            pdf(CANARY)
        );
        let needle = CANARY.to_lowercase();
        for (place, value) in every_text_value(c) {
            assert!(
                !value.to_lowercase().contains(&needle),
                "{place} holds the canary"
            );
        }
        let contents: Vec<Option<Vec<u8>>> = case_documents::table
            .select(case_documents::content)
            .load(c)
            .unwrap();
        for content in contents.into_iter().flatten() {
            assert!(
                !content
                    .windows(CANARY.len())
                    .any(|w| w == CANARY.as_bytes())
            );
        }
        for row in outbox_rows(c) {
            assert!(
                !row.payload.to_string().to_lowercase().contains(&needle),
                "{}",
                row.topic
            );
        }
    });
}
