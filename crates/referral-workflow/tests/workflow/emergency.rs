//! Emergency access, on every selected backend: a police coordinator breaks the glass
//! for a case of a care coordination and reads it for the configured time and no
//! longer, read only, the identity only where the ground allows it and never the notes;
//! opening it is a flagged audit entry naming the person, a timeline entry and an email
//! notice to the owning agency (no personal data); agencies of kinds the configuration
//! does not allow are refused; the auditors review each access once, audited, and see
//! them per agency and worker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{World, conn, date, outbox_rows};
use chrono::Duration;
use diesel::prelude::*;
use schakel_domain::{
    Actor, AgencyKind, CaseId, EmergencyGround, EmergencyReview, EmergencyVerdict, NoteKind,
    NoteVisibility,
};
use schakel_referral_workflow::cases::{self, CloseCaseInput};
use schakel_referral_workflow::emergency::{
    self, EmergencyInput, EmergencyListFilter, ReviewInput,
};
use schakel_referral_workflow::notes::{self, NoteInput};
use schakel_referral_workflow::views::{AccessKind, EmergencyAccessView};
use schakel_referral_workflow::{Conflict, IfMatch, UseCaseError, WorkflowConfig};
use schakel_store::DbConn;
use schakel_store::schema::audit_entries;
use schakel_store::testing::each_backend;

const FAMILY: &str = "Noodroodborst";
const REASON: &str = "De meldkamer meldt dat zij sinds gisteravond vermist is.";

fn input(w: &World, reference: &str, ground: EmergencyGround) -> EmergencyInput {
    EmergencyInput {
        agency_id: w.sender.id,
        reference: reference.into(),
        ground,
        reason: REASON.into(),
    }
}

fn open_case(w: &World, c: &mut DbConn) -> (CaseId, String) {
    let case = w
        .case()
        .person(World::person(FAMILY, date("1994-02-03")))
        .open(c);
    let note = NoteInput {
        kind: NoteKind::PhoneCall,
        occurred_on: date("2026-03-01"),
        visibility: NoteVisibility::Shared,
        text: "Gedeelde notitie over de opvang.".into(),
    };
    notes::add_note(c, &w.env(w.tick()), &w.sender_caseworker, case.id, &note).unwrap();
    (case.id, case.reference)
}

fn break_glass(
    w: &World,
    c: &mut DbConn,
    who: &Actor,
    input: &EmergencyInput,
) -> Result<EmergencyAccessView, UseCaseError> {
    emergency::open_emergency_access(c, &w.env(w.tick()), who, input)
}

/// `(action, outcome, purpose, subject set, details)` of every audit entry by `who`.
fn audit_of(c: &mut DbConn, who: &Actor) -> Vec<(String, String, Option<String>, bool, String)> {
    audit_entries::table
        .filter(audit_entries::actor_user_id.eq(who.user_id.to_string()))
        .order(audit_entries::seq.asc())
        .select((
            audit_entries::action,
            audit_entries::outcome,
            audit_entries::purpose,
            audit_entries::subject_pseudonym,
            audit_entries::details,
        ))
        .load::<(String, String, Option<String>, Option<String>, String)>(c)
        .unwrap()
        .into_iter()
        .map(|(a, o, p, s, d)| (a, o, p, s.is_some(), d))
        .collect()
}

#[test]
fn a_police_coordinator_reads_the_case_for_its_time_and_no_longer() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (case, reference) = open_case(&w, c);
        let police = w.unrelated_coordinator;
        let read = |c: &mut DbConn| cases::get_case(c, &w.env(w.tick()), &police, case);
        assert!(read(c).unwrap_err().hides(), "no access before");

        let opened = w.now();
        let grant = break_glass(
            &w,
            c,
            &police,
            &input(&w, &reference, EmergencyGround::MissingPerson),
        )
        .unwrap();
        assert_eq!(grant.case_id, case);
        assert_eq!(grant.expires_at - grant.started_at, Duration::hours(4));
        assert!(grant.identity_shown && grant.active);
        assert_eq!(grant.review, EmergencyReview::Pending);
        assert_eq!(grant.reason.as_deref(), Some(REASON));

        let seen = read(c).unwrap();
        assert_eq!(seen.access, AccessKind::Emergency);
        let mark = seen.emergency.as_ref().expect("the page is marked");
        assert_eq!((mark.id, mark.expires_at), (grant.id, grant.expires_at));
        let identity = seen
            .person
            .identity
            .as_ref()
            .expect("the ground shows identity");
        assert_eq!(identity.family_name.as_deref(), Some(FAMILY));
        assert!(seen.consents.is_empty() && seen.notes.is_none());
        let listed = notes::list_notes(c, &w.env(w.tick()), &police, case).unwrap();
        assert!(listed.is_empty(), "an emergency reader reads no notes");

        // Read only.
        let close = cases::close_case(
            c,
            &w.env(w.tick()),
            &police,
            case,
            IfMatch::Version(seen.version),
            &CloseCaseInput {
                reason: schakel_domain::CloseReason::Other,
                note: Some("Gesloten.".into()),
            },
        );
        assert!(close.is_err(), "{close:?}");
        let note = NoteInput {
            kind: NoteKind::PhoneCall,
            occurred_on: date("2026-03-01"),
            visibility: NoteVisibility::Shared,
            text: "Van de politie.".into(),
        };
        assert!(notes::add_note(c, &w.env(w.tick()), &police, case, &note).is_err());

        // While it lasts another one is not needed; the owner never needs one.
        let again = break_glass(
            &w,
            c,
            &police,
            &input(&w, &reference, EmergencyGround::DangerToLife),
        );
        assert!(matches!(
            again,
            Err(UseCaseError::Conflict(Conflict::EmergencyNotNeeded))
        ));
        let own = break_glass(
            &w,
            c,
            &w.sender_coordinator,
            &input(&w, &reference, EmergencyGround::DangerToLife),
        );
        assert!(matches!(
            own,
            Err(UseCaseError::Conflict(Conflict::EmergencyNotNeeded))
        ));

        // The owning agency is told, with ids and codes only.
        let mails: Vec<_> = outbox_rows(c)
            .into_iter()
            .filter(|r| r.topic == "emergency_access")
            .collect();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].payload["agency_id"], w.sender.id.to_string());
        assert_eq!(
            mails[0].payload["from_agency_id"],
            w.unrelated.id.to_string()
        );
        assert_eq!(mails[0].payload["ground"], "missing_person");
        let payload = mails[0].payload.to_string();
        assert!(
            !payload.contains(FAMILY) && !payload.contains("vermist"),
            "{payload}"
        );

        // The opening is a flagged entry naming the person; every read names its purpose.
        let trail = audit_of(c, &police);
        let (_, outcome, purpose, subject, details) = trail
            .iter()
            .find(|e| e.0 == "case.emergency_access")
            .unwrap();
        assert_eq!(outcome, "success");
        assert_eq!(
            purpose.as_deref(),
            Some(format!("emergency:{}", grant.id).as_str())
        );
        assert!(subject);
        let details: serde_json::Value = serde_json::from_str(details).unwrap();
        assert_eq!(details["flagged"], true);
        assert!(
            !details.to_string().contains("vermist"),
            "the reason stays out"
        );
        let reads: Vec<_> = trail
            .iter()
            .filter(|e| e.0 == "case.read" && e.1 == "success")
            .collect();
        assert_eq!(reads.len(), 1);
        assert_eq!(reads[0].2, *purpose);

        // Its timeline shows the owner who broke the glass.
        let timeline =
            cases::case_timeline(c, &w.env(w.tick()), &w.sender_coordinator, case).unwrap();
        let entry = timeline
            .iter()
            .find(|e| e.kind == "emergency_access")
            .unwrap();
        assert_eq!(entry.agency_id, w.unrelated.id);

        // Its time over, the case is gone again.
        w.set_now(opened + Duration::hours(4) + Duration::seconds(1));
        assert!(read(c).unwrap_err().hides(), "no access after its time");
        let auditor = w.auditor(c);
        let after = emergency::emergency_access(c, &w.env(w.tick()), &auditor, grant.id).unwrap();
        assert!(!after.active);
    });
}

#[test]
fn a_ground_that_does_not_need_the_identity_does_not_show_it() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (case, reference) = open_case(&w, c);
        let police = w.unrelated_coordinator;
        let grant = break_glass(
            &w,
            c,
            &police,
            &input(&w, &reference, EmergencyGround::UrgentCare),
        )
        .unwrap();
        assert!(!grant.identity_shown);
        let seen = cases::get_case(c, &w.env(w.tick()), &police, case).unwrap();
        assert!(seen.person.identity.is_none() && seen.person.identity_withheld);
        assert!(!seen.emergency.unwrap().identity_shown);
    });
}

#[test]
fn agencies_of_kinds_not_allowed_and_unstated_reasons_are_refused() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (case, reference) = open_case(&w, c);
        let good = input(&w, &reference, EmergencyGround::DangerToLife);
        for refused in [
            w.third_coordinator,
            w.receiver_coordinator,
            w.receiver_caseworker,
        ] {
            let r = break_glass(&w, c, &refused, &good);
            assert!(matches!(r, Err(UseCaseError::Forbidden)), "{r:?}");
            let denied = audit_of(c, &refused);
            assert_eq!(denied.last().unwrap().0, "case.emergency_access");
            assert_eq!(denied.last().unwrap().1, "denied");
        }
        let auditor = w.auditor(c);
        assert!(matches!(
            break_glass(&w, c, &auditor, &good),
            Err(UseCaseError::Forbidden)
        ));

        let police = w.unrelated_coordinator;
        let short = EmergencyInput {
            reason: "spoed".into(),
            ..good.clone()
        };
        assert!(matches!(
            break_glass(&w, c, &police, &short),
            Err(UseCaseError::Invalid("reason"))
        ));
        let odd = EmergencyInput {
            reference: "2026-\u{9d}\u{dd}".into(),
            ..good.clone()
        };
        assert!(matches!(
            break_glass(&w, c, &police, &odd),
            Err(UseCaseError::Invalid("reference"))
        ));
        let unknown = EmergencyInput {
            reference: "2026-999999".into(),
            ..good.clone()
        };
        assert!(break_glass(&w, c, &police, &unknown).unwrap_err().hides());
        assert_eq!(audit_of(c, &police).last().unwrap().1, "denied");
        assert!(
            cases::get_case(c, &w.env(w.tick()), &police, case)
                .unwrap_err()
                .hides()
        );

        // The configuration decides: with NGOs allowed, the NGO may and the police not.
        let mut cfg = WorkflowConfig::ephemeral();
        cfg.emergency.allowed_kinds = vec![AgencyKind::Ngo];
        cfg.emergency.duration = Duration::hours(1);
        let ngo_world = w.with_config(cfg);
        let grant = break_glass(&ngo_world, c, &w.third_coordinator, &good).unwrap();
        assert_eq!(grant.expires_at - grant.started_at, Duration::hours(1));
        assert!(matches!(
            break_glass(&ngo_world, c, &police, &good),
            Err(UseCaseError::Forbidden)
        ));
    });
}

#[test]
fn auditors_review_each_access_once_and_see_them_per_agency_and_worker() {
    each_backend(|db| {
        let w = World::new(&db, WorkflowConfig::ephemeral());
        let mut conn = conn(&db);
        let c = &mut *conn;
        let (_, first) = open_case(&w, c);
        let (_, second) = open_case(&w, c);
        let police = w.unrelated_coordinator;
        let a = break_glass(
            &w,
            c,
            &police,
            &input(&w, &first, EmergencyGround::DangerToLife),
        )
        .unwrap();
        let b = break_glass(
            &w,
            c,
            &police,
            &input(&w, &second, EmergencyGround::SafetyOfOthers),
        )
        .unwrap();
        let auditor = w.auditor(c);

        let pending = EmergencyListFilter {
            review: Some(EmergencyReview::Pending),
            limit: None,
        };
        let list = emergency::emergency_accesses(c, &w.env(w.tick()), &auditor, &pending).unwrap();
        assert_eq!(list.iter().map(|g| g.id).collect::<Vec<_>>(), [b.id, a.id]);
        assert_eq!(list[0].user.name, "Test User");
        assert_eq!(list[0].agency.id, w.unrelated.id);
        assert_eq!(list[0].owner_agency.id, w.sender.id);
        assert_eq!(list[0].reason.as_deref(), Some(REASON));

        let bare = ReviewInput {
            verdict: EmergencyVerdict::Escalated,
            note: None,
        };
        assert!(matches!(
            emergency::review_emergency_access(c, &w.env(w.tick()), &auditor, b.id, &bare),
            Err(UseCaseError::Invalid("note"))
        ));
        let escalate = ReviewInput {
            verdict: EmergencyVerdict::Escalated,
            note: Some("Geen acuut gevaar gebleken; navragen bij de korpsleiding.".into()),
        };
        let reviewed =
            emergency::review_emergency_access(c, &w.env(w.tick()), &auditor, b.id, &escalate)
                .unwrap();
        assert_eq!(reviewed.review, EmergencyReview::Escalated);
        assert_eq!(reviewed.reviewed_by.as_ref().unwrap().id, auditor.user_id);
        assert_eq!(reviewed.review_note, escalate.note);
        let justified = ReviewInput {
            verdict: EmergencyVerdict::Justified,
            note: None,
        };
        emergency::review_emergency_access(c, &w.env(w.tick()), &auditor, a.id, &justified)
            .unwrap();
        let twice =
            emergency::review_emergency_access(c, &w.env(w.tick()), &auditor, a.id, &escalate);
        assert!(matches!(
            twice,
            Err(UseCaseError::Conflict(Conflict::AlreadyReviewed))
        ));
        let trail = audit_of(c, &auditor);
        let reviews: Vec<_> = trail.iter().filter(|e| e.0 == "emergency.review").collect();
        assert_eq!(reviews.len(), 2);
        assert!(reviews.iter().all(|e| e.1 == "success"));
        assert!(
            !reviews[0].4.contains("korpsleiding"),
            "the note stays out of the trail"
        );

        let list = emergency::emergency_accesses(c, &w.env(w.tick()), &auditor, &pending).unwrap();
        assert!(list.is_empty());
        let summary = emergency::emergency_summary(c, &w.env(w.tick()), &auditor, 90).unwrap();
        assert_eq!(
            (
                summary.all.total,
                summary.all.justified,
                summary.all.escalated
            ),
            (2, 1, 1)
        );
        assert_eq!(summary.by_agency.len(), 1);
        assert_eq!(summary.by_agency[0].agency.id, w.unrelated.id);
        assert_eq!(summary.by_user[0].user.id, police.user_id);
        assert_eq!(summary.by_user[0].tally.total, 2);

        // Only auditors.
        for other in [police, w.sender_coordinator] {
            let r = emergency::emergency_accesses(
                c,
                &w.env(w.tick()),
                &other,
                &EmergencyListFilter::default(),
            );
            assert!(matches!(r, Err(UseCaseError::Forbidden)), "{r:?}");
            let r =
                emergency::review_emergency_access(c, &w.env(w.tick()), &other, a.id, &justified);
            assert!(matches!(r, Err(UseCaseError::Forbidden)), "{r:?}");
        }
    });
}
