//! A canary through the whole of case work, on every selected backend: a person with a
//! distinctive family name and date of birth, and a distinctive phrase in every free
//! text (signal summary, case notes, referral message, decline and completion notes,
//! legal-basis reason, closing note, an idempotent response, drafts). Afterwards no text column
//! of any table (nor, on SQLite, the database and WAL files) holds any of them in plain
//! text, no outbox payload holds them or the case's id, and monitor events carry no id
//! and no date finer than a month.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    ConsentBuilder, Who, World, conn, date, every_text_value, holds_a_day, is_month, outbox_rows,
};
use schakel_domain::DraftForm;
use schakel_domain::{
    CloseReason, DeclineReason, LegalBasis, RecipientKind, ReferralAction, ReferralOutcome,
    ReferralPurpose, Urgency,
};
use schakel_referral_workflow::cases::{self, CloseCaseInput};
use schakel_referral_workflow::drafts::{self, DraftField, DraftFieldsInput, NewDraftInput};
use schakel_referral_workflow::idempotency::IdempotencyKey;
use schakel_referral_workflow::referrals::{self, ActionInput};
use schakel_referral_workflow::{IfMatch, WorkflowConfig, jobs};
use schakel_store::Backend;
use schakel_store::testing::each_backend;

const FAMILY: &str = "Zwartbloesemvink";
const PHRASE: &str = "bij de Kwartelkadeloods gezien";
const DOB: &str = "1987-04-13";

/// The forms a canary could take in plain text.
fn canaries() -> Vec<String> {
    vec![
        FAMILY.to_lowercase(),
        PHRASE.to_lowercase(),
        DOB.to_owned(),
        "13-04-1987".to_owned(),
        "19870413".to_owned(),
    ]
}

fn leaks(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    canaries()
        .into_iter()
        .filter(|c| lower.contains(c.as_str()))
        .collect()
}

/// The fields a monitor event may have.
const MONITOR_FIELDS: [&str; 13] = [
    "kind",
    "month",
    "sender_kind",
    "sender_region",
    "receiver_kind",
    "receiver_region",
    "exploitation_forms",
    "age_band",
    "gender",
    "nationality_group",
    "reporting_basis",
    "hours_to_answer",
    "pseudonym",
];

#[test]
fn no_name_birth_date_or_free_text_is_stored_or_queued_in_plain_text() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let text = |what: &str| format!("{what}: {FAMILY} {PHRASE} ({DOB})");

        // A signal with the person and a summary, opened as a case idempotently, with
        // consent for the receiver and a legal basis with a reason.
        let signal = w
            .signal()
            .person(World::person(FAMILY, date(DOB)))
            .summary(text("samenvatting"))
            .log(c);
        let (case, body) = w
            .case()
            .of_signal(signal.id)
            .notes(text("notities"))
            .key(IdempotencyKey::parse("canary-open-1", "fingerprint-1".into()).unwrap())
            .consent(ConsentBuilder::new())
            .consent(
                ConsentBuilder::new()
                    .recipients(&[RecipientKind::Care])
                    .purposes(&[ReferralPurpose::CareCoordination])
                    .legal_basis(LegalBasis::VitalInterest)
                    .reason(text("grondslag")),
            )
            .open_with_response(c);
        assert!(
            body.contains(FAMILY),
            "the stored response holds the identity"
        );
        let person_id = case.person.id;

        // Referrals: accepted, started and completed with a note; declined with a note;
        // redirected (the message travels on); one expired by the deadline job.
        let mut referral_ids = Vec::new();
        let send = |c: &mut schakel_store::DbConn, urgency| {
            w.referral()
                .of_case(case.id)
                .urgency(urgency)
                .message(text("bericht"))
                .send(c)
        };
        let r = send(c, Urgency::Normal);
        referral_ids.push(r.id);
        let r = w.step(c, Who::Receiver, &r, ReferralAction::Accept);
        let seen = cases::get_case(c, &w.env(w.tick()), &w.receiver_coordinator, case.id).unwrap();
        assert_eq!(
            seen.person.identity.and_then(|i| i.family_name).as_deref(),
            Some(FAMILY),
            "the receiver sees the identity: it is stored, encrypted"
        );
        let r = w.step(c, Who::Receiver, &r, ReferralAction::Start);
        referrals::act(
            c,
            &w.env(w.tick()),
            &w.receiver_coordinator,
            r.id,
            IfMatch::Version(r.version),
            ReferralAction::Complete,
            &ActionInput {
                outcome: Some(ReferralOutcome::Other),
                note: Some(text("afronding")),
                ..ActionInput::default()
            },
        )
        .unwrap();
        let d = send(c, Urgency::Normal);
        referral_ids.push(d.id);
        referrals::act(
            c,
            &w.env(w.tick()),
            &w.receiver_coordinator,
            d.id,
            IfMatch::Version(d.version),
            ReferralAction::Decline,
            &ActionInput {
                reason: Some(DeclineReason::Other),
                note: Some(text("afwijzing")),
                ..ActionInput::default()
            },
        )
        .unwrap();
        let x = send(c, Urgency::Normal);
        let x = w.step(c, Who::Receiver, &x, ReferralAction::Redirect);
        referral_ids.push(x.id);
        let third = x.redirected_to.unwrap();
        referral_ids.push(third);
        let third_view =
            referrals::get_referral(c, &w.env(w.tick()), &w.third_coordinator, third).unwrap();
        assert_eq!(
            third_view.message,
            Some(text("bericht")),
            "the message travelled"
        );
        w.act_as(
            c,
            &w.sender_coordinator,
            third,
            IfMatch::Version(third_view.version),
            ReferralAction::Withdraw,
        )
        .unwrap();
        let e = send(c, Urgency::Urgent);
        referral_ids.push(e.id);
        let expiry = w.cfg.deadlines.expires_at(Urgency::Urgent, e.deadline_at);
        w.set_now(expiry);
        assert_eq!(jobs::expire_overdue(c, &w.cfg, expiry).unwrap(), 1);

        // Drafts of a signal and of a note, saved again as typed.
        let field = |name: &str, value: String| DraftField {
            name: name.into(),
            value,
        };
        let started = drafts::create_draft(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            &NewDraftInput {
                form: DraftForm::Signal,
                case_id: None,
                fields: vec![
                    field("family_name", FAMILY.into()),
                    field("date_of_birth", DOB.into()),
                ],
            },
        )
        .unwrap();
        drafts::save_draft(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            started.id,
            IfMatch::Version(started.version),
            &DraftFieldsInput {
                fields: vec![field("summary", text("concept"))],
            },
        )
        .unwrap();
        drafts::create_draft(
            c,
            &w.env(w.tick()),
            &w.sender_caseworker,
            &NewDraftInput {
                form: DraftForm::Note,
                case_id: Some(case.id),
                fields: vec![field("text", text("conceptnotitie"))],
            },
        )
        .unwrap();

        // Closed with a note.
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
                note: Some(text("afsluiting")),
            },
        )
        .unwrap();
        let back = cases::get_case(c, &w.env(w.tick()), &w.sender_caseworker, case.id).unwrap();
        assert_eq!(
            back.close_note,
            Some(text("afsluiting")),
            "all of it reads back"
        );
        assert_eq!(back.notes, Some(text("notities")));

        // Every text value of every table.
        let values = every_text_value(c);
        assert!(
            values.iter().any(|(_, v)| v == "Opvang Test"),
            "the scan reads the rows"
        );
        assert!(
            values
                .iter()
                .any(|(col, v)| col == "persons.identity" && v.starts_with("v1.")),
            "the identity is stored as a ciphertext"
        );
        let found: Vec<_> = values
            .iter()
            .filter(|(_, v)| !leaks(v).is_empty())
            .map(|(col, v)| format!("{col}: {v}"))
            .collect();
        assert!(found.is_empty(), "plain text in the database: {found:#?}");

        // On SQLite, the bytes of the database and its WAL.
        if db.backend == Backend::Sqlite {
            let mut bytes = Vec::new();
            for suffix in ["", "-wal", "-shm"] {
                if let Ok(b) = std::fs::read(format!("{}{suffix}", db.url())) {
                    bytes.extend(b);
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            assert!(text.contains("Opvang Test"), "the files were read");
            assert_eq!(leaks(&text), Vec::<String>::new(), "in the database files");
        }

        // The outbox: no canary, no case id; monitor events without ids or days.
        let rows = outbox_rows(c);
        assert!(rows.iter().any(|r| r.channel == "email"));
        let monitor: Vec<_> = rows.iter().filter(|r| r.channel == "monitor").collect();
        assert!(monitor.len() >= 10, "{} monitor events", monitor.len());
        let case_id = case.id.to_string();
        for row in &rows {
            let payload = row.payload.to_string();
            assert_eq!(leaks(&payload), Vec::<String>::new(), "{}", row.topic);
            assert!(!payload.contains(&case_id), "{}: case id", row.topic);
            assert!(!payload.contains(&person_id.to_string()), "{}", row.topic);
            assert!(!payload.contains(&signal.id.to_string()), "{}", row.topic);
        }
        for row in monitor {
            let fields = row.payload.as_object().unwrap();
            for key in fields.keys() {
                assert!(
                    MONITOR_FIELDS.contains(&key.as_str()),
                    "{}: unexpected field {key}",
                    row.topic
                );
            }
            let month = fields["month"].as_str().unwrap();
            assert!(is_month(month), "{}: month {month}", row.topic);
            let payload = row.payload.to_string();
            assert!(!holds_a_day(&payload), "{}: a day in {payload}", row.topic);
            for id in referral_ids.iter().map(ToString::to_string).chain([
                w.sender.id.to_string(),
                w.receiver.id.to_string(),
                w.sender_caseworker.user_id.to_string(),
                w.receiver_coordinator.user_id.to_string(),
            ]) {
                assert!(!payload.contains(&id), "{}: an id in {payload}", row.topic);
            }
        }
    });
}
