//! Key rotation on every selected backend: values written under master key `k1` (an
//! identity, every free-text column, an idempotent response and a second-factor
//! secret) are re-encrypted under `k2` by `jobs::rotate_keys`, which reports how many;
//! everything reads back the same (also once `k1` is gone), a second run re-encrypts
//! nothing, and the blind indexes and pseudonyms, made with key ids fixed to `k1`, do
//! not change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{ConsentBuilder, Who, World, conn, date, monitor_topics, outbox_rows};
use schakel_crypto::{MasterKeys, field_aad};
use schakel_domain::{CaseId, CloseReason, LegalBasis, NoteKind, NoteVisibility};
use schakel_domain::{ReferralAction, ReferralOutcome, Region};
use schakel_referral_workflow::cases::{self, CloseCaseInput};
use schakel_referral_workflow::emergency;
use schakel_referral_workflow::idempotency::{Created, IdempotencyKey};
use schakel_referral_workflow::jobs::{self, RotationReport};
use schakel_referral_workflow::notes::{self, NoteInput};
use schakel_referral_workflow::referrals::{self, ActionInput};
use schakel_referral_workflow::views::CaseView;
use schakel_referral_workflow::{IfMatch, WorkflowConfig, signals};
use schakel_store::DbConn;
use schakel_store::casework::persons::{self, Person};
use schakel_store::sealed::{self, SEALED_COLUMNS};
use schakel_store::testing::each_backend;
use schakel_store::users;
use std::sync::Arc;

fn key_text() -> String {
    format!("k1 {}\nk2 {}\n", "1f".repeat(32), "2e".repeat(32))
}

/// Both keys, `current` encrypting; the blind index and pseudonym keys stay `k1`.
fn config(text: &str, current: Option<&str>) -> WorkflowConfig {
    let mut cfg = WorkflowConfig::with_keys(Arc::new(MasterKeys::parse(text, current).unwrap()));
    cfg.index_key_id = "k1".into();
    cfg.linkage_key_id = "k1".into();
    cfg
}

/// Every stored ciphertext as (table.column, row id, value).
fn ciphertexts(c: &mut DbConn) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for col in SEALED_COLUMNS {
        for (row, value) in sealed::page(c, col, "", 10_000).unwrap() {
            out.push((format!("{}.{}", col.table, col.column), row, value));
        }
    }
    out
}

fn key_of(value: &str) -> &str {
    value.split('.').nth(1).unwrap()
}

const KEY: &str = "rotation-open-1";

/// The content of the document `write_everything` adds.
const DOCUMENT: &[u8] = b"%PDF-1.4\nVerklaring van de opvang.\n%%EOF\n";

/// The case's one document's content, as its uploader downloads it (after a clean scan).
fn document_content(w: &World, c: &mut DbConn, case: CaseId) -> Vec<u8> {
    use schakel_referral_workflow::documents;
    struct Clean;
    impl documents::Scanner for Clean {
        fn scan(&self, _: &[u8]) -> Result<documents::Verdict, documents::ScanFailure> {
            Ok(documents::Verdict::Clean)
        }
    }
    documents::scan_pending(c, &w.cfg, &Clean, w.now()).unwrap();
    let ids: Vec<String> = {
        use diesel::prelude::*;
        use schakel_store::schema::case_documents as d;
        d::table
            .filter(d::case_id.eq(case.to_string()))
            .select(d::id)
            .load(c)
            .unwrap()
    };
    let id = ids[0].parse().unwrap();
    documents::download_document(c, &w.env(w.tick()), &w.sender_caseworker, id)
        .unwrap()
        .bytes
        .to_vec()
}

/// A case with a value in every sealed column; returns its id and the idempotent
/// response body.
fn write_everything(w: &World, c: &mut DbConn) -> (CaseId, String) {
    let signal = w.signal().summary("Samenvatting van het signaal.").log(c);
    let (case, body) = w
        .case()
        .of_signal(signal.id)
        .notes("Notities.")
        .key(IdempotencyKey::parse(KEY, "fp".into()).unwrap())
        .consent(
            ConsentBuilder::new()
                .legal_basis(LegalBasis::VitalInterest)
                .reason("Acuut gevaar, geen toestemming te vragen."),
        )
        .open_with_response(c);
    let r = w.referral().of_case(case.id).message("Bericht.").send(c);
    let r = w.step(c, Who::Receiver, &r, ReferralAction::Accept);
    referrals::act(
        c,
        &w.env(w.tick()),
        &w.receiver_coordinator,
        r.id,
        IfMatch::Version(r.version),
        ReferralAction::Complete,
        &ActionInput {
            outcome: Some(ReferralOutcome::Other),
            note: Some("Afgerond.".into()),
            ..ActionInput::default()
        },
    )
    .unwrap();
    notes::add_note(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        case.id,
        &NoteInput {
            kind: NoteKind::Visit,
            occurred_on: date("2026-01-04"),
            visibility: NoteVisibility::OwnAgency,
            text: "Huisbezoek.".into(),
        },
    )
    .unwrap();
    let current = cases::get_case(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
    cases::correct_case(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        case.id,
        IfMatch::Version(current.version),
        &cases::CorrectCaseInput {
            region: Some(Region::Rotterdam),
            ..cases::CorrectCaseInput::default()
        },
    )
    .unwrap();
    // A document with a title (its content is a file, rotated beside the columns).
    schakel_referral_workflow::documents::add_document(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        case.id,
        schakel_referral_workflow::documents::DocumentUpload {
            title: Some("Verklaring".into()),
            shared: false,
            file: DOCUMENT.to_vec(),
        },
    )
    .unwrap();
    // An emergency access with its reason, reviewed with a note.
    let grant = emergency::open_emergency_access(
        c,
        &w.env(w.tick()),
        &w.unrelated_coordinator,
        &emergency::EmergencyInput {
            agency_id: w.sender.id,
            reference: case.reference.clone(),
            ground: schakel_domain::EmergencyGround::DangerToLife,
            reason: "Melding van de meldkamer over acuut gevaar.".into(),
        },
    )
    .unwrap();
    let auditor = w.auditor(c);
    emergency::review_emergency_access(
        c,
        &w.env(w.tick()),
        &auditor,
        grant.id,
        &emergency::ReviewInput {
            verdict: schakel_domain::EmergencyVerdict::Justified,
            note: Some("Terecht.".into()),
        },
    )
    .unwrap();
    let now = w.tick();
    let current = cases::get_case(c, &w.env(now), &w.sender_caseworker, case.id).unwrap();
    cases::close_case(
        c,
        &w.env(now),
        &w.sender_caseworker,
        case.id,
        IfMatch::Version(current.version),
        &CloseCaseInput {
            reason: CloseReason::Other,
            note: Some("Gesloten.".into()),
        },
    )
    .unwrap();
    // A draft of a note.
    schakel_referral_workflow::drafts::create_draft(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        &schakel_referral_workflow::drafts::NewDraftInput {
            form: schakel_domain::DraftForm::Note,
            case_id: Some(case.id),
            fields: vec![schakel_referral_workflow::drafts::DraftField {
                name: "text".into(),
                value: "Concept.".into(),
            }],
        },
    )
    .unwrap();
    // A second-factor secret, sealed as `auth` seals it.
    let user = w.sender_coordinator.user_id;
    let totp = w
        .cfg
        .keys
        .encrypt(
            "00112233",
            &field_aad("users", "totp_secret", &user.to_string()),
        )
        .unwrap();
    users::set_totp_secret(c, user, &totp, w.now()).unwrap();
    // And a replacement authenticator awaiting its first code.
    let pending = w
        .cfg
        .keys
        .encrypt(
            "44556677",
            &field_aad("users", "totp_pending_secret", &user.to_string()),
        )
        .unwrap();
    users::set_pending_totp_secret(c, user, &pending, w.now()).unwrap();
    (case.id, body)
}

/// What the owner reads of the case and of its signal's summary (the note's text, the
/// correction's earlier values and the draft's text appended to the summary).
fn read_back(w: &World, c: &mut DbConn, id: CaseId) -> (CaseView, Option<String>) {
    let case = cases::get_case(c, &w.env(w.tick()), &w.sender_caseworker, id).unwrap();
    let signal = signals::get_signal(
        c,
        &w.env(w.tick()),
        &w.sender_caseworker,
        case.signal_id.unwrap(),
    )
    .unwrap();
    let notes = notes::list_notes(c, &w.env(w.tick()), &w.sender_caseworker, id).unwrap();
    let texts: Vec<&str> = notes.iter().filter_map(|n| n.text.as_deref()).collect();
    let history = cases::case_history(c, &w.env(w.tick()), &w.sender_caseworker, id).unwrap();
    let earlier = serde_json::to_string(&history[0].earlier).unwrap();
    let env = w.env(w.tick());
    let drafts =
        schakel_referral_workflow::drafts::list_drafts(c, &env, &w.sender_caseworker).unwrap();
    let draft =
        schakel_referral_workflow::drafts::get_draft(c, &env, &w.sender_caseworker, drafts[0].id)
            .unwrap();
    let auditor = w.auditor(c);
    let grants = emergency::emergency_accesses(c, &env, &auditor, &Default::default()).unwrap();
    let grant = &grants[0];
    let summary = signal.summary.map(|s| {
        format!(
            "{s} | {} | {earlier} | {} | {} | {}",
            texts.join(" | "),
            draft.fields[0].value,
            grant.reason.as_deref().unwrap_or_default(),
            grant.review_note.as_deref().unwrap_or_default(),
        )
    });
    (case, summary)
}

/// A case view as the API would answer it: identity, notes, closing note, consent
/// reasons, referral messages and notes, all decrypted.
fn plain(v: &CaseView) -> String {
    serde_json::to_string(v).unwrap()
}

fn linkage(p: &Person) -> (Option<String>, Option<String>, Option<String>) {
    (
        p.family_name_index.clone(),
        p.birth_date_index.clone(),
        p.pseudonym.clone(),
    )
}

#[test]
fn rotation_re_encrypts_everything_once_and_changes_no_index_or_pseudonym() {
    each_backend(|db| {
        let text = key_text();
        let w = World::new(&db, config(&text, Some("k1")));
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (case_id, body) = write_everything(&w, c);
        let before = ciphertexts(c);
        let columns: std::collections::BTreeSet<&str> =
            before.iter().map(|(col, _, _)| col.as_str()).collect();
        assert_eq!(
            columns.len(),
            SEALED_COLUMNS.len(),
            "a value in every sealed column: {columns:?}"
        );
        assert!(before.iter().all(|(_, _, v)| key_of(v) == "k1"));
        let (case_before, summary_before) = read_back(&w, c, case_id);
        assert_eq!(
            summary_before.as_deref(),
            Some(
                "Samenvatting van het signaal. | Huisbezoek. | {\"region\":\"amsterdam\"} | Concept. | Melding van de meldkamer over acuut gevaar. | Terecht."
            )
        );
        assert_eq!(case_before.notes.as_deref(), Some("Notities."));
        assert_eq!(case_before.close_note.as_deref(), Some("Gesloten."));
        assert_eq!(
            case_before.consents[0].reason.as_deref(),
            Some("Acuut gevaar, geen toestemming te vragen.")
        );
        assert_eq!(
            case_before.referrals[0].message.as_deref(),
            Some("Bericht.")
        );
        assert_eq!(case_before.referrals[0].note.as_deref(), Some("Afgerond."));
        assert_eq!(
            case_before
                .person
                .identity
                .as_ref()
                .and_then(|i| i.family_name.as_deref()),
            Some("Vermeulen")
        );
        let person_id = case_before.person.id;
        let person_before = persons::find(c, person_id).unwrap();
        assert!(linkage(&person_before).0.is_some() && linkage(&person_before).2.is_some());

        // Rotate to k2.
        let w = w.with_config(config(&text, Some("k2")));
        let report = jobs::rotate_keys(c, &w.env(w.now())).unwrap();
        assert_eq!(
            report,
            RotationReport {
                // and the document's content
                reencrypted: before.len() + 1,
                current: 0
            }
        );
        let after = ciphertexts(c);
        assert_eq!(after.len(), before.len());
        for ((col, row, old), (col2, row2, new)) in before.iter().zip(&after) {
            assert_eq!((col, row), (col2, row2));
            assert_eq!(key_of(new), "k2", "{col} {row}");
            assert_ne!(old, new);
        }

        // Everything reads back the same, also with k1 gone.
        let (case_after, summary_after) = read_back(&w, c, case_id);
        assert_eq!(plain(&case_after), plain(&case_before));
        assert_eq!(summary_after, summary_before);
        // The same key and fingerprint: answered from the stored view, nothing opened.
        let nothing = cases::OpenCaseInput {
            signal_id: None,
            person: None,
            region: None,
            exploitation_forms: None,
            notes: None,
        };
        let replay = cases::open_case(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            &nothing,
            Some(&IdempotencyKey::parse(KEY, "fp".into()).unwrap()),
        )
        .unwrap();
        assert_eq!(
            replay,
            Created::Replayed { status: 201, body },
            "the stored response"
        );
        let k2_only = format!("k2 {}\n", "2e".repeat(32));
        let retired = w.with_config(config(&k2_only, None));
        let (case_k2, summary_k2) = read_back(&retired, c, case_id);
        assert_eq!(
            plain(&case_k2),
            plain(&case_before),
            "k1 is no longer needed"
        );
        assert_eq!(summary_k2, summary_before);
        assert_eq!(
            document_content(&retired, c, case_id),
            DOCUMENT,
            "the document too"
        );

        // Indexes and pseudonym unchanged; a second run has nothing to do.
        assert_eq!(
            linkage(&persons::find(c, person_id).unwrap()),
            linkage(&person_before)
        );
        assert_eq!(
            jobs::rotate_keys(c, &w.env(w.now())).unwrap(),
            RotationReport {
                reencrypted: 0,
                current: before.len() + 1
            }
        );
        assert_eq!(ciphertexts(c), after, "nothing rewritten");

        // The same person entered again under k2 gets the same index and pseudonym, so
        // the agency finds them and the monitor counts them once.
        let monitor_before = outbox_rows(c);
        let again = w
            .case()
            .person(World::person("Vermeulen", date("1990-06-15")))
            .without_notes()
            .open(c);
        let p2 = persons::find(c, again.person.id).unwrap();
        assert_eq!(linkage(&p2), linkage(&person_before));
        assert_eq!(key_of(p2.identity.as_deref().unwrap()), "k2");
        let opened = crate::support::new_rows(&monitor_before, &outbox_rows(c));
        assert_eq!(monitor_topics(&opened), ["case_opened"]);
        assert_eq!(
            schakel_domain::MonitorEvent::from_payload(&opened[0].payload)
                .unwrap()
                .pseudonym,
            person_before.pseudonym
        );
    });
}
