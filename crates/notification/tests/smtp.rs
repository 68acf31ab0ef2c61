//! Delivery over a real SMTP server, on every backend: each message type reaches
//! exactly the right recipients in their language without personal data (an emergency
//! access the owning agency's coordinators, at once even for digest readers; a reset
//! second factor its user, once a second admin approved it); an outage
//! delays but loses and duplicates nothing; a message that cannot be delivered becomes
//! a dead letter; a crashed worker's messages are sent after its lease, once; digests
//! collect a day's messages into one; two workers on PostgreSQL share the work.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::Duration;
use schakel_auth::RequestContext;
use schakel_domain::{AgencyKind, ReferralAction, Role, Urgency};
use schakel_notification::dispatch::next_digest_at;
use schakel_referral_workflow::cases::{self, OpenCaseInput};
use schakel_referral_workflow::consents::{self, ConsentInput};
use schakel_referral_workflow::referrals::{self, ActionInput, ReferralInput};
use schakel_referral_workflow::{Env, IfMatch, WorkflowConfig, jobs};
use schakel_store::testing::each_backend;
use schakel_store::{Backend, mail_queue, write_tx};
use std::collections::BTreeMap;
use support::*;

const CANARY_NAME: &str = "Zwartbloesemvink";
const CANARY_DOB: &str = "1987-04-13";
const CANARY_TEXT: &str = "kanariezin-aardbeienveld";

#[test]
fn every_message_type_reaches_exactly_its_recipients_in_their_language_without_personal_data() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let sender = agency(c, "Gemeente Utrecht", AgencyKind::Municipality);
        let shelter = agency(c, "Opvang De Haven", AgencyKind::ShelterCategorical);
        let ngo = agency(c, "Stichting Open Deur", AgencyKind::Ngo);
        let s_worker = user(c, &sender, Role::Caseworker, "en");
        let s_coord = user(c, &sender, Role::Coordinator, "nl");
        let r_coord_en = user(c, &shelter, Role::Coordinator, "en");
        let r_coord_nl = user(c, &shelter, Role::Coordinator, "nl");
        let r_worker = user(c, &shelter, Role::Caseworker, "nl");
        let n_coord = user(c, &ngo, Role::Coordinator, "en");
        let invited = user(c, &ngo, Role::Caseworker, "nl");
        let cfg = WorkflowConfig::ephemeral();
        let ctx = RequestContext::default();
        let env = |now| Env {
            cfg: &cfg,
            ctx: &ctx,
            now,
        };
        let now = t0();
        let worker = actor(&s_worker);

        // A case with canary personal data, consent for shelters, and referrals.
        let open: OpenCaseInput = serde_json::from_value(serde_json::json!({
            "person": { "identity": { "given_names": "Kanarie", "family_name": CANARY_NAME,
                                      "date_of_birth": CANARY_DOB, "contact": CANARY_TEXT },
                        "gender": "female" },
            "region": "midden_nederland",
            "exploitation_forms": ["labour"],
            "notes": CANARY_TEXT
        }))
        .unwrap();
        let case = cases::open_case(c, &env(now), &worker, &open, None)
            .unwrap()
            .into_new()
            .unwrap();
        let consent: ConsentInput = serde_json::from_value(serde_json::json!({
            "kind": "consent", "recipient_kinds": ["shelter"], "purposes": ["shelter"],
            "given_by": "person", "given_on": "2026-03-01"
        }))
        .unwrap();
        let with_consent = consents::record_consent(
            c,
            &env(now),
            &worker,
            case.id,
            IfMatch::Version(1),
            &consent,
        )
        .unwrap();
        let consent_id = with_consent.consents[0].id;
        let refer = |c: &mut schakel_store::DbConn, to: schakel_domain::AgencyId, urgency| {
            let input = ReferralInput {
                to_agency_id: to,
                purpose: schakel_domain::ReferralPurpose::Shelter,
                urgency,
                message: Some(CANARY_TEXT.into()),
            };
            referrals::create_referral(c, &env(now), &worker, case.id, &input, None)
                .unwrap()
                .into_new()
                .unwrap()
        };
        // 1. Received by the shelter, accepted: the sender's people hear of it.
        let accepted = refer(c, shelter.id, Urgency::Normal);
        referrals::act(
            c,
            &env(now),
            &actor(&r_coord_en),
            accepted.id,
            IfMatch::Version(1),
            ReferralAction::Accept,
            &ActionInput::default(),
        )
        .unwrap();
        // 2. Consent withdrawn: the shelter, which saw the identity, is told.
        consents::withdraw_consent(
            c,
            &env(now),
            &worker,
            case.id,
            consent_id,
            IfMatch::Version(2),
        )
        .unwrap();
        // 3. Declined by the NGO with a reason.
        let declined = refer(c, ngo.id, Urgency::Normal);
        let reason = ActionInput {
            reason: Some(schakel_domain::DeclineReason::NoCapacity),
            ..Default::default()
        };
        referrals::act(
            c,
            &env(now),
            &actor(&n_coord),
            declined.id,
            IfMatch::Version(1),
            ReferralAction::Decline,
            &reason,
        )
        .unwrap();
        // 4. Withdrawn by the sender.
        let withdrawn = refer(c, ngo.id, Urgency::Normal);
        referrals::act(
            c,
            &env(now),
            &worker,
            withdrawn.id,
            IfMatch::Version(1),
            ReferralAction::Withdraw,
            &ActionInput::default(),
        )
        .unwrap();
        // 5. Never answered: reminded at its deadline, escalated, then expired.
        let unanswered = refer(c, ngo.id, Urgency::Urgent);
        let expiry = cfg
            .deadlines
            .expires_at(Urgency::Urgent, unanswered.deadline_at);
        let follow_ups = jobs::deadline_jobs(c, &cfg, expiry).unwrap();
        assert_eq!(
            (
                follow_ups.reminded,
                follow_ups.escalated,
                follow_ups.expired
            ),
            (1, 1, 1)
        );
        // 6. An invitation to a new user, with its single-use token.
        schakel_store::outbox::enqueue(c, &schakel_store::outbox::NewOutboxMessage {
            channel: schakel_store::outbox::Channel::Email,
            topic: "invitation".into(),
            payload: serde_json::json!({ "user_id": invited.id, "token": "uitnodigingstoken123" }),
            available_at: now,
        }, now).unwrap();
        // 7. A coordinator who forgot their password asks for a recovery link.
        let hash =
            schakel_auth::password::hash(&"oud wachtwoord van de coördinator".to_owned().into())
                .unwrap();
        schakel_store::users::set_password_hash(c, r_coord_en.id, &hash, now).unwrap();
        let ctx = schakel_auth::RequestContext::default();
        schakel_auth::request_password_reset(
            c,
            &schakel_auth::AuthConfig::default(),
            &r_coord_en.email,
            &ctx,
            now,
        )
        .unwrap();

        let report = dispatcher(port, 8).run_once(c, expiry).unwrap();
        assert_eq!(report.failed, 0, "{report:?}");
        let everyone = [
            &s_worker,
            &s_coord,
            &r_coord_en,
            &r_coord_nl,
            &r_worker,
            &n_coord,
            &invited,
        ];
        let addresses: Vec<&str> = everyone.iter().map(|u| u.email.as_str()).collect();
        let mail = delivered_to(&url, &addresses);
        let mut got: BTreeMap<(String, String), usize> = BTreeMap::new();
        for m in &mail {
            *got.entry((m.to.clone(), m.subject.clone())).or_default() += 1;
            for canary in [
                CANARY_NAME,
                CANARY_DOB,
                CANARY_TEXT,
                "Kanarie",
                &case.id.to_string(),
            ] {
                assert!(
                    !m.raw.contains(canary),
                    "{:?}: {canary} in a message to {}",
                    db.backend,
                    m.to
                );
            }
        }
        let e = |u: &schakel_store::users::User, s: &str| ((u.email.clone(), s.to_owned()), 1);
        let expected: BTreeMap<(String, String), usize> = [
            // Received: the coordinators of the receiving agency, never its caseworker.
            e(&r_coord_en, "Schakel: new referral"),
            e(&r_coord_nl, "Schakel: nieuwe verwijzing"),
            // Decided (accepted, declined): nobody is responsible for the case, so the
            // sender's coordinators (an assigned case: see the test below).
            (
                (
                    s_coord.email.clone(),
                    "Schakel: verwijzing bijgewerkt".into(),
                ),
                2,
            ),
            // Consent withdrawn: the shelter's worker responsible for the referral (the
            // coordinator who accepted it), not everyone there.
            (
                (
                    r_coord_en.email.clone(),
                    "Schakel: access to a case has changed".into(),
                ),
                1,
            ),
            // The NGO: three referrals received, one withdrawn.
            ((n_coord.email.clone(), "Schakel: new referral".into()), 3),
            e(&n_coord, "Schakel: referral withdrawn"),
            // Unanswered: the NGO's coordinators are reminded; then both agencies'
            // coordinators hear of it.
            e(&n_coord, "Schakel: a referral awaits an answer"),
            e(&n_coord, "Schakel: referral still unanswered"),
            e(&s_coord, "Schakel: verwijzing nog steeds onbeantwoord"),
            // Expired: the sender's coordinators, as nobody is responsible.
            e(&s_coord, "Schakel: verwijzing verlopen"),
            e(&invited, "Schakel: uw uitnodiging"),
            e(&r_coord_en, "Schakel: choose a new password"),
        ]
        .into_iter()
        .collect();
        assert_eq!(got, expected, "{:?}", db.backend);
        let decline = mail
            .iter()
            .find(|m| m.to == s_coord.email && m.text.contains("afgewezen"))
            .expect("the decline in Dutch");
        assert!(
            decline.text.contains("geen capaciteit"),
            "the reason code in words"
        );
        assert!(
            decline.text.contains(&ngo.name)
                && decline.html.contains("https://schakel.test/referrals/")
        );
        let invitation = mail.iter().find(|m| m.to == invited.email).unwrap();
        assert!(
            invitation
                .text
                .contains("https://schakel.test/invitation#token=uitnodigingstoken123")
        );
        let recovery = mail
            .iter()
            .find(|m| m.subject == "Schakel: choose a new password")
            .unwrap();
        let link = recovery
            .text
            .split_whitespace()
            .find_map(|w| w.strip_prefix("https://schakel.test/password-reset#token="))
            .expect("the recovery link");
        assert!(recovery.html.contains(link));
        // Once sent, the token is scrubbed from the database.
        let stored: Vec<String> = {
            use diesel::prelude::*;
            schakel_store::schema::mail_queue::table
                .select(schakel_store::schema::mail_queue::payload)
                .load(c)
                .unwrap()
        };
        assert!(
            stored
                .iter()
                .all(|p| !p.contains("uitnodigingstoken123") && !p.contains(link))
        );
        // A second run sends nothing more.
        let again = dispatcher(port, 8)
            .run_once(c, expiry + Duration::hours(1))
            .unwrap();
        assert_eq!((again.sent, again.fanned_out), (0, 0));
    });
}

#[test]
fn emails_about_an_assigned_case_reach_only_its_responsible_worker() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let sender = agency(c, "Gemeente Zwolle", AgencyKind::Municipality);
        let ngo = agency(c, "Stichting Anker", AgencyKind::Ngo);
        let responsible = user(c, &sender, Role::Caseworker, "en");
        let colleague = user(c, &sender, Role::Caseworker, "en");
        let coord = user(c, &sender, Role::Coordinator, "en");
        let n_coord = user(c, &ngo, Role::Coordinator, "en");
        let cfg = WorkflowConfig::ephemeral();
        let ctx = RequestContext::default();
        let env = |now| Env {
            cfg: &cfg,
            ctx: &ctx,
            now,
        };
        let now = t0();
        let open: OpenCaseInput = serde_json::from_value(serde_json::json!({
            "person": { "identity": { "given_names": "Kanarie" }, "gender": "female" },
            "region": "oost_nederland", "exploitation_forms": ["labour"]
        }))
        .unwrap();
        let case = cases::open_case(c, &env(now), &actor(&colleague), &open, None)
            .unwrap()
            .into_new()
            .unwrap();
        let assign = |c: &mut schakel_store::DbConn, version, user| {
            cases::assign_case(
                c,
                &env(now),
                &actor(&coord),
                case.id,
                IfMatch::Version(version),
                &cases::AssignCaseInput { user_id: user },
            )
            .unwrap()
        };
        let assigned = assign(c, case.version, Some(responsible.id));
        assert_eq!(assigned.assigned_to.as_ref().unwrap().id, responsible.id);
        let decide = |c: &mut schakel_store::DbConn| {
            let input = ReferralInput {
                to_agency_id: ngo.id,
                purpose: schakel_domain::ReferralPurpose::CareCoordination,
                urgency: Urgency::Normal,
                message: None,
            };
            let r =
                referrals::create_referral(c, &env(now), &actor(&colleague), case.id, &input, None)
                    .unwrap()
                    .into_new()
                    .unwrap();
            referrals::act(
                c,
                &env(now),
                &actor(&n_coord),
                r.id,
                IfMatch::Version(1),
                ReferralAction::Decline,
                &ActionInput {
                    reason: Some(schakel_domain::DeclineReason::NoCapacity),
                    ..Default::default()
                },
            )
            .unwrap();
        };
        // Assigned: the decision reaches the responsible worker only.
        decide(c);
        dispatcher(port, 8).run_once(c, now).unwrap();
        let senders = [
            responsible.email.as_str(),
            colleague.email.as_str(),
            coord.email.as_str(),
        ];
        let got: Vec<String> = delivered_to(&url, &senders)
            .into_iter()
            .map(|m| m.to)
            .collect();
        assert_eq!(got, [responsible.email.as_str()], "{:?}", db.backend);

        // Their account deactivated: the coordinators hear of it instead.
        schakel_store::users::set_active(c, responsible.id, false, now).unwrap();
        decide(c);
        dispatcher(port, 8).run_once(c, now).unwrap();
        let mut got: Vec<String> = delivered_to(&url, &senders)
            .into_iter()
            .map(|m| m.to)
            .collect();
        got.sort();
        let mut want = vec![responsible.email.clone(), coord.email.clone()];
        want.sort();
        assert_eq!(got, want, "{:?}", db.backend);

        // And with no active coordinator either: the agency's active caseworkers.
        schakel_store::users::set_active(c, coord.id, false, now).unwrap();
        decide(c);
        dispatcher(port, 8).run_once(c, now).unwrap();
        let to_colleague = delivered_to(&url, &[colleague.email.as_str()]);
        assert_eq!(to_colleague.len(), 1, "{:?}", db.backend);
    });
}

#[test]
fn an_emergency_access_reaches_the_owning_agencys_coordinators_at_once_without_personal_data() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let owner = agency(c, "Zorgcoördinatie Oost", AgencyKind::CareCoordination);
        let police = agency(c, "Politie Oost", AgencyKind::Police);
        let worker = user(c, &owner, Role::Caseworker, "nl");
        let coord_nl = user(c, &owner, Role::Coordinator, "nl");
        let coord_en = user(c, &owner, Role::Coordinator, "en");
        let agent = user(c, &police, Role::Coordinator, "nl");
        let police_coord = user(c, &police, Role::Coordinator, "nl");
        // A coordinator who reads a daily digest still hears of this at once.
        schakel_store::users::set_notify(c, coord_nl.id, "digest", t0()).unwrap();
        let cfg = WorkflowConfig::ephemeral();
        let ctx = RequestContext::default();
        let env = |now| Env {
            cfg: &cfg,
            ctx: &ctx,
            now,
        };
        let now = t0();
        let open: OpenCaseInput = serde_json::from_value(serde_json::json!({
            "person": { "identity": { "given_names": "Kanarie", "family_name": CANARY_NAME,
                                      "date_of_birth": CANARY_DOB },
                        "gender": "female" },
            "region": "oost_nederland", "exploitation_forms": ["labour"]
        }))
        .unwrap();
        let case = cases::open_case(c, &env(now), &actor(&worker), &open, None)
            .unwrap()
            .into_new()
            .unwrap();
        let input = schakel_referral_workflow::emergency::EmergencyInput {
            agency_id: owner.id,
            reference: case.reference.clone(),
            ground: schakel_domain::EmergencyGround::MissingPerson,
            reason: format!("Vermist sinds vannacht, zie melding {CANARY_TEXT}."),
        };
        schakel_referral_workflow::emergency::open_emergency_access(
            c,
            &env(now),
            &actor(&agent),
            &input,
        )
        .unwrap();
        dispatcher(port, 8).run_once(c, now).unwrap();
        let everyone = [
            worker.email.as_str(),
            coord_nl.email.as_str(),
            coord_en.email.as_str(),
            agent.email.as_str(),
            police_coord.email.as_str(),
        ];
        let mut got = delivered_to(&url, &everyone);
        got.sort_by(|a, b| a.to.cmp(&b.to));
        let mut want = vec![coord_nl.email.to_lowercase(), coord_en.email.to_lowercase()];
        want.sort();
        assert_eq!(
            got.iter().map(|m| m.to.clone()).collect::<Vec<_>>(),
            want,
            "{:?}",
            db.backend
        );
        for m in &got {
            for canary in [CANARY_NAME, CANARY_DOB, CANARY_TEXT, "Vermist sinds"] {
                assert!(!m.raw.contains(canary), "{canary} in {}", m.raw);
            }
            assert!(
                m.text.contains(&format!("/cases/{}", case.id)),
                "{}",
                m.text
            );
            assert!(m.text.contains("Politie Oost"), "{}", m.text);
        }
        let nl = got
            .iter()
            .find(|m| m.to == coord_nl.email.to_lowercase())
            .unwrap();
        assert_eq!(nl.subject, "Schakel: noodtoegang tot een van uw casussen");
        assert!(nl.text.contains("de persoon is vermist"), "{}", nl.text);
        let en = got
            .iter()
            .find(|m| m.to == coord_en.email.to_lowercase())
            .unwrap();
        assert_eq!(en.subject, "Schakel: emergency access to one of your cases");
    });
}

#[test]
fn a_reset_second_factor_is_told_to_its_user_alone_once_a_second_admin_approved_it() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let home = agency(c, "Platformbeheer", AgencyKind::Rapporteur);
        let first = user(c, &home, Role::Admin, "nl");
        let second = user(c, &home, Role::Admin, "nl");
        let lost = user(c, &home, Role::Caseworker, "nl");
        let now = t0();
        schakel_store::users::set_totp_secret(c, lost.id, "sealed", now).unwrap();
        schakel_store::users::accept_totp_step(c, lost.id, 1, true, now).unwrap();
        let cfg = schakel_auth::AuthConfig::default();
        let ctx = RequestContext::default();
        let asked = schakel_auth::admin::users::reset_second_factor(
            c,
            &cfg,
            &actor(&first),
            lost.id,
            &ctx,
            now,
        )
        .unwrap();
        let schakel_auth::admin::four_eyes::Change::Requested(request) = asked else {
            panic!("a second admin must approve a reset")
        };
        let everyone = [
            first.email.as_str(),
            second.email.as_str(),
            lost.email.as_str(),
        ];
        dispatcher(port, 8).run_once(c, now).unwrap();
        assert!(
            delivered_to(&url, &everyone).is_empty(),
            "nothing before the approval"
        );
        schakel_auth::admin::four_eyes::approve_request(
            c,
            &cfg,
            &actor(&second),
            request.id,
            &ctx,
            now,
        )
        .unwrap();
        dispatcher(port, 8).run_once(c, now).unwrap();
        let got = delivered_to(&url, &everyone);
        assert_eq!(got.len(), 1, "{:?}", db.backend);
        assert_eq!(got[0].to, lost.email.to_lowercase());
        assert_eq!(
            got[0].subject,
            "Schakel: uw tweede factor is opnieuw ingesteld"
        );
        assert!(got[0].text.contains("/login"), "{}", got[0].text);
    });
}

#[test]
fn an_outage_delays_delivery_and_loses_or_duplicates_nothing() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let from = agency(c, "Politie", AgencyKind::Police);
        let to = agency(c, "Opvang", AgencyKind::ShelterOther);
        let coords: Vec<_> = (0..3)
            .map(|_| user(c, &to, Role::Coordinator, "nl"))
            .collect();
        for _ in 0..4 {
            queue_received(c, &from, &to, t0());
        }
        // The server is unreachable: every message waits with a backoff.
        let down = unreachable(8);
        let r = down.run_once(c, t0()).unwrap();
        assert_eq!((r.sent, r.retried, r.failed), (0, 12, 0), "{r:?}");
        // Before the backoff has passed nothing is tried again.
        let r = down.run_once(c, t0() + Duration::seconds(30)).unwrap();
        assert_eq!((r.sent, r.retried), (0, 0));
        let r = down.run_once(c, t0() + Duration::minutes(2)).unwrap();
        assert_eq!(r.retried, 12, "the second attempt after the backoff");
        // The server is back: everything is delivered, each message once.
        let r = dispatcher(port, 8)
            .run_once(c, t0() + Duration::minutes(10))
            .unwrap();
        assert_eq!(r.sent, 12, "{r:?}");
        let addresses: Vec<&str> = coords.iter().map(|u| u.email.as_str()).collect();
        let mail = delivered_to(&url, &addresses);
        assert_eq!(mail.len(), 12, "{:?}", db.backend);
        let mut ids: Vec<&str> = mail.iter().map(|m| m.message_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 12, "no duplicates");
    });
}

#[test]
fn a_message_that_cannot_be_delivered_becomes_a_dead_letter_after_its_attempts() {
    let Some(_) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let from = agency(c, "Politie", AgencyKind::Police);
        let to = agency(c, "Opvang", AgencyKind::ShelterOther);
        user(c, &to, Role::Coordinator, "en");
        queue_received(c, &from, &to, t0());
        let down = unreachable(3);
        let mut at = t0();
        let mut failed = 0;
        for _ in 0..3 {
            failed += down.run_once(c, at).unwrap().failed;
            at += Duration::hours(2);
        }
        assert_eq!(failed, 1);
        let (pending, _, dead) = mail_queue::stats(c, at).unwrap();
        assert_eq!((pending, dead), (0, 1));
        assert_eq!(
            down.run_once(c, at + Duration::hours(2)).unwrap().retried,
            0
        );
    });
}

#[test]
fn a_crashed_workers_messages_are_sent_once_after_its_lease() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let from = agency(c, "Politie", AgencyKind::Police);
        let to = agency(c, "Opvang", AgencyKind::ShelterOther);
        let coord = user(c, &to, Role::Coordinator, "en");
        queue_received(c, &from, &to, t0());
        queue_received(c, &from, &to, t0());
        let live = dispatcher(port, 8);
        assert_eq!(live.fan_out_pending(c, t0()).unwrap(), 2);
        // A worker claims both messages under its five-minute lease and dies.
        let claimed = write_tx(c, |c| {
            mail_queue::claim(c, false, t0(), t0() + Duration::minutes(5), 10)
        })
        .unwrap();
        assert_eq!(claimed.len(), 2);
        assert_eq!(
            live.run_once(c, t0() + Duration::minutes(1)).unwrap().sent,
            0,
            "leased"
        );
        assert_eq!(
            live.run_once(c, t0() + Duration::minutes(6)).unwrap().sent,
            2
        );
        assert_eq!(
            live.run_once(c, t0() + Duration::minutes(7)).unwrap().sent,
            0
        );
        let mail = delivered_to(&url, &[&coord.email]);
        assert_eq!(mail.len(), 2, "{:?}", db.backend);
        assert_ne!(mail[0].message_id, mail[1].message_id);
    });
}

#[test]
fn digest_readers_get_one_message_a_day_at_the_digest_hour() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let from = agency(c, "Gemeente", AgencyKind::Municipality);
        let to = agency(c, "Zorgcoordinatie", AgencyKind::CareCoordination);
        let daily = user(c, &to, Role::Coordinator, "nl");
        schakel_store::users::set_notify(c, daily.id, "digest", t0()).unwrap();
        let now = user(c, &to, Role::Coordinator, "en");
        queue_received(c, &from, &to, t0());
        queue_received(c, &from, &to, t0() + Duration::hours(2));
        let live = dispatcher(port, 8);
        live.run_once(c, t0() + Duration::hours(2)).unwrap();
        assert_eq!(delivered_to(&url, &[&now.email]).len(), 2, "immediately");
        assert_eq!(delivered_to(&url, &[&daily.email]).len(), 0, "not yet");
        let hour = next_digest_at(t0() + Duration::hours(2), 7);
        live.run_once(c, hour - Duration::seconds(1)).unwrap();
        assert_eq!(
            delivered_to(&url, &[&daily.email]).len(),
            0,
            "not before the hour"
        );
        assert_eq!(live.run_once(c, hour).unwrap().sent, 1);
        let digest = delivered_to(&url, &[&daily.email]);
        assert_eq!(digest.len(), 1, "{:?}", db.backend);
        assert_eq!(digest[0].subject, "Schakel: uw dagelijkse overzicht");
        assert_eq!(
            digest[0]
                .text
                .matches("* Schakel: nieuwe verwijzing")
                .count(),
            2
        );
        assert_eq!(live.run_once(c, hour + Duration::hours(1)).unwrap().sent, 0);
    });
}

#[test]
fn two_workers_on_postgresql_deliver_each_message_exactly_once() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        if db.backend != Backend::Postgres {
            return;
        }
        let coord = {
            let mut conn = db.pool.get().unwrap();
            let c = &mut conn;
            let from = agency(c, "Politie", AgencyKind::Police);
            let to = agency(c, "Opvang", AgencyKind::ShelterOther);
            let coord = user(c, &to, Role::Coordinator, "en");
            for _ in 0..30 {
                queue_received(c, &from, &to, t0());
            }
            coord
        };
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let pool = db.pool.clone();
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    let d = dispatcher(port, 8);
                    let mut sent = 0;
                    for _ in 0..3 {
                        sent += d.run_once(&mut conn, t0()).unwrap().sent;
                    }
                    sent
                })
            })
            .collect();
        let sent: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
        assert_eq!(sent, 30);
        let mail = delivered_to(&url, &[&coord.email]);
        let mut ids: Vec<&str> = mail.iter().map(|m| m.message_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!((mail.len(), ids.len()), (30, 30));
    });
}
