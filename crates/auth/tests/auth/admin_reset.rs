//! An admin sends a user of another agency a link to choose a new password, on every
//! backend: the same email as the person's own request, queued in the outbox; the link
//! sets a password with which the user logs in (the old one then fails); the action is
//! audited as the admin's. A deactivated or still-invited account gets no link, and any
//! other role is refused as for an account that does not exist, with the refusal
//! audited.

use chrono::{DateTime, Duration, TimeZone, Utc};
use schakel_audit::{AuditEntry, AuditFilter, PageRequest};
use schakel_auth::admin::users::send_password_reset;
use schakel_auth::admin::{Conflict, UseCaseError, seed};
use schakel_auth::{AuthConfig, RequestContext, login, password, reset_password};
use schakel_domain::{AgencyKind, Region, Role};
use schakel_store::outbox::{self, Channel};
use schakel_store::testing::{TestDb, each_backend};
use schakel_store::users::{self, NewUser, User};
use schakel_store::{agencies, write_tx};
use secrecy::SecretString;

const OLD: &str = "kompas tulp regen";
const NEW: &str = "vuurtoren meeuw zoutwater 7";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 5, 9, 0, 0).unwrap()
}

fn ctx() -> RequestContext {
    RequestContext {
        source_ip: Some("127.0.0.1".parse().unwrap()),
        request_id: Some("req-reset".into()),
        user_agent: None,
    }
}

/// An account in the agency `agency` (made when missing); `with_password: false` is an
/// invitation not yet accepted.
fn account(db: &TestDb, agency: &str, email: &str, role: Role, with_password: bool) -> User {
    let mut conn = db.pool.get().unwrap();
    let agency = match agencies::find_by_name(&mut conn, agency).unwrap() {
        Some(a) => a,
        None => agencies::insert(
            &mut conn,
            &agencies::NewAgency {
                name: agency,
                kind: AgencyKind::Municipality,
                region: Region::MiddenNederland,
                contact_email: "balie@test.example",
            },
            t0(),
        )
        .unwrap(),
    };
    let hash = password::hash(&SecretString::from(OLD)).unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: "Test Gebruiker",
            role,
            locale: "nl",
            password_hash: with_password.then_some(hash.as_str()),
        },
        t0(),
    )
    .unwrap()
}

/// The recovery emails waiting in the outbox: (user id, token).
fn queued_links(db: &TestDb) -> Vec<(String, String)> {
    let mut conn = db.pool.get().unwrap();
    let later = t0() + Duration::minutes(1);
    let rows: Result<Vec<_>, schakel_store::StoreError> = write_tx(&mut conn, |conn| {
        outbox::claim(
            conn,
            Channel::Email,
            later,
            later + Duration::minutes(5),
            100,
        )
    });
    rows.unwrap()
        .into_iter()
        .filter(|r| r.topic == "password_reset")
        .map(|r| {
            let field = |k: &str| r.payload[k].as_str().unwrap_or_default().to_owned();
            (field("user_id"), field("token"))
        })
        .collect()
}

fn entries(db: &TestDb, action: &str) -> Vec<AuditEntry> {
    let mut conn = db.pool.get().unwrap();
    let page = schakel_audit::query(
        &mut conn,
        &AuditFilter::default(),
        PageRequest {
            before_seq: None,
            limit: schakel_audit::MAX_PAGE_SIZE,
        },
    )
    .unwrap();
    page.entries
        .into_iter()
        .filter(|e| e.action.as_str() == action)
        .collect()
}

#[test]
fn an_admin_sends_a_user_of_another_agency_a_link_that_sets_a_new_password() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        account(
            &db,
            "Platformbeheer",
            "admin@beheer.example",
            Role::Admin,
            true,
        );
        let target = account(
            &db,
            "Gemeente Utrecht",
            "joost@utrecht.example",
            Role::Coordinator,
            true,
        );
        let mut conn = db.pool.get().unwrap();
        let admin = seed::actor_of(&mut conn, "admin@beheer.example").unwrap();
        assert_ne!(admin.agency_id, target.agency_id);

        let view = send_password_reset(&mut conn, &cfg, &admin, target.id, &ctx(), t0()).unwrap();
        assert_eq!(view.id, target.id);
        let links = queued_links(&db);
        assert_eq!(links.len(), 1, "one email: {links:?}");
        let (to, token) = &links[0];
        assert_eq!(to, &target.id.to_string());

        // Audited as the admin's action on the user, with no address or token.
        let sent = entries(&db, "admin.user_password_reset");
        assert_eq!(sent.len(), 1);
        let e = &sent[0];
        assert_eq!(e.outcome.as_str(), "success");
        assert_eq!(
            e.actor.as_ref().unwrap().user_id.to_string(),
            admin.user_id.to_string()
        );
        assert_eq!(e.object.as_ref().unwrap().id, target.id.to_string());
        let details = e.details.to_string();
        assert!(details.contains("expires_at"), "{details}");
        assert!(!details.contains("joost") && !details.contains(token.as_str()));

        // The old password works until the link is used; then only the new one does.
        let later = t0() + Duration::minutes(5);
        let old = SecretString::from(OLD);
        let new = SecretString::from(NEW);
        assert!(
            login::login(
                &mut conn,
                &cfg,
                "joost@utrecht.example",
                &old,
                &ctx(),
                later
            )
            .is_ok()
        );
        reset_password(&mut conn, token, &new, &ctx(), later).unwrap();
        assert!(
            login::login(
                &mut conn,
                &cfg,
                "joost@utrecht.example",
                &new,
                &ctx(),
                later
            )
            .is_ok()
        );
        assert!(
            login::login(
                &mut conn,
                &cfg,
                "joost@utrecht.example",
                &old,
                &ctx(),
                later
            )
            .is_err()
        );
        assert!(
            reset_password(&mut conn, token, &new, &ctx(), later).is_err(),
            "once only"
        );
    });
}

#[test]
fn no_link_for_a_deactivated_or_invited_account_nor_from_another_role() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        account(
            &db,
            "Platformbeheer",
            "admin@beheer.example",
            Role::Admin,
            true,
        );
        let gone = account(
            &db,
            "Gemeente Utrecht",
            "weg@utrecht.example",
            Role::Caseworker,
            true,
        );
        let invited = account(
            &db,
            "Gemeente Utrecht",
            "nieuw@utrecht.example",
            Role::Caseworker,
            false,
        );
        let other = account(
            &db,
            "Gemeente Utrecht",
            "cw@utrecht.example",
            Role::Caseworker,
            true,
        );
        let mut conn = db.pool.get().unwrap();
        users::set_active(&mut conn, gone.id, false, t0()).unwrap();
        let admin = seed::actor_of(&mut conn, "admin@beheer.example").unwrap();

        let got = send_password_reset(&mut conn, &cfg, &admin, gone.id, &ctx(), t0());
        assert!(
            matches!(got, Err(UseCaseError::Conflict(Conflict::AccountInactive))),
            "{got:?}"
        );
        let got = send_password_reset(&mut conn, &cfg, &admin, invited.id, &ctx(), t0());
        assert!(
            matches!(
                got,
                Err(UseCaseError::Conflict(Conflict::InvitationPending))
            ),
            "{got:?}"
        );

        let caseworker = seed::actor_of(&mut conn, "cw@utrecht.example").unwrap();
        let got = send_password_reset(&mut conn, &cfg, &caseworker, other.id, &ctx(), t0());
        assert!(matches!(got, Err(UseCaseError::NotFound)), "{got:?}");

        assert!(queued_links(&db).is_empty(), "no email went out");
        let audited = entries(&db, "admin.user_password_reset");
        assert_eq!(audited.len(), 1, "only the denial is recorded");
        assert_eq!(audited[0].outcome.as_str(), "denied");
    });
}
