//! Login, second factor, sessions and refresh tokens on both backends, with a clock
//! that tests move instead of sleeping.

use chrono::{DateTime, Duration, TimeZone, Utc};
use schakel_auth::jwt::Keyring;
use schakel_auth::login::{self, MfaState};
use schakel_auth::session::{self, Authenticated};
use schakel_auth::{AuthConfig, AuthError, RequestContext, password, totp};
use schakel_domain::{AgencyKind, Region, Role};
use schakel_store::StoreError;
use schakel_store::testing::{TestDb, each_backend};
use schakel_store::users::{self, NewUser, User};
use schakel_store::{agencies, write_tx};
use secrecy::SecretSlice;
use secrecy::SecretString;
use std::collections::BTreeMap;

const PASSWORD: &str = "kompas tulp regen";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 5, 9, 0, 0).unwrap()
}

fn keyring() -> Keyring {
    let mut keys = BTreeMap::new();
    keys.insert("k1".into(), SecretSlice::from(vec![7u8; 32]));
    Keyring::new("schakel", "schakel-api", "k1", keys).unwrap()
}

fn pw(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

fn ctx() -> RequestContext {
    RequestContext {
        source_ip: Some("127.0.0.1".parse().unwrap()),
        request_id: Some("req-1".into()),
        user_agent: None,
    }
}

fn user(db: &TestDb, email: &str, role: Role) -> User {
    let mut conn = db.pool.get().unwrap();
    let agency = match agencies::find_by_name(&mut conn, "Gemeente Test").unwrap() {
        Some(a) => a,
        None => agencies::insert(
            &mut conn,
            &agencies::NewAgency {
                name: "Gemeente Test",
                kind: AgencyKind::Municipality,
                region: Region::Amsterdam,
                contact_email: "desk@test.example",
            },
            t0(),
        )
        .unwrap(),
    };
    let hash = password::hash(&pw(PASSWORD)).unwrap();
    users::insert(
        &mut conn,
        &NewUser {
            agency_id: agency.id,
            email,
            display_name: "Test User",
            role,
            locale: "nl",
            password_hash: Some(&hash),
        },
        t0(),
    )
    .unwrap()
}

fn audit_count(db: &TestDb, action: &str, outcome: &str) -> usize {
    let mut conn = db.pool.get().unwrap();
    let page = schakel_audit::query(
        &mut conn,
        &schakel_audit::AuditFilter::default(),
        schakel_audit::PageRequest {
            before_seq: None,
            limit: schakel_audit::MAX_PAGE_SIZE,
        },
    )
    .unwrap();
    page.entries
        .iter()
        .filter(|e| e.action.as_str() == action && e.outcome.as_str() == outcome)
        .count()
}

/// Logs in and completes the second factor (enrolling first if needed).
fn full_login(
    db: &TestDb,
    cfg: &AuthConfig,
    email: &str,
    now: DateTime<Utc>,
) -> (login::LoginSuccess, String) {
    let mut conn = db.pool.get().unwrap();
    let ok = login::login(&mut conn, cfg, email, &pw(PASSWORD), &ctx(), now).unwrap();
    if ok.mfa == MfaState::Enrol {
        let uri =
            login::begin_totp_enrolment(&mut conn, cfg, ok.session.id, None, &ctx(), now).unwrap();
        assert!(uri.starts_with("otpauth://totp/"));
    }
    if ok.mfa != MfaState::Done {
        let u = users::find_by_email(&mut conn, email).unwrap().unwrap();
        let secret = login::totp_secret(cfg, &u).unwrap();
        let code = totp::code_at(&secret, now).unwrap();
        login::verify_totp(&mut conn, cfg, ok.session.id, &code, &ctx(), now).unwrap();
    }
    let token = session::access_token(&keyring(), cfg, &ok.session, now).unwrap();
    (ok, token)
}

fn auth(
    db: &TestDb,
    cfg: &AuthConfig,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Authenticated, AuthError> {
    let mut conn = db.pool.get().unwrap();
    session::authenticate(&mut conn, &keyring(), cfg, token, now)
}

#[test]
fn a_login_needs_the_second_factor_before_the_session_is_usable() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        let u = user(&db, "anna@test.example", Role::Caseworker);
        let mut conn = db.pool.get().unwrap();
        let ok = login::login(
            &mut conn,
            &cfg,
            "Anna@Test.Example ",
            &pw(PASSWORD),
            &ctx(),
            t0(),
        )
        .unwrap();
        assert_eq!(ok.mfa, MfaState::Enrol, "no authenticator yet");
        let token = session::access_token(&keyring(), &cfg, &ok.session, t0()).unwrap();
        let a = auth(&db, &cfg, &token, t0()).unwrap();
        assert!(a.mfa_pending);
        assert_eq!(a.actor.user_id, u.id);

        login::begin_totp_enrolment(&mut conn, &cfg, ok.session.id, None, &ctx(), t0()).unwrap();
        let stored = users::find(&mut conn, u.id).unwrap();
        let sealed = stored.totp_secret.clone().unwrap();
        assert!(
            sealed.starts_with("v1.ephemeral."),
            "stored encrypted: {sealed}"
        );
        let secret = login::totp_secret(&cfg, &stored).unwrap();
        assert!(
            !sealed.contains(&hex::encode(&secret)),
            "the secret is not readable in the row"
        );
        assert_eq!(secret.len(), 20);
        let wrong = login::verify_totp(&mut conn, &cfg, ok.session.id, "000000", &ctx(), t0());
        assert!(
            matches!(wrong, Err(AuthError::InvalidCode))
                || totp::code_at(&secret, t0()).unwrap() == "000000"
        );
        let code = totp::code_at(&secret, t0()).unwrap();
        login::verify_totp(&mut conn, &cfg, ok.session.id, &code, &ctx(), t0()).unwrap();
        let a = auth(&db, &cfg, &token, t0()).unwrap();
        assert!(
            !a.mfa_pending,
            "the same token now carries a complete session"
        );
        assert_eq!(a.actor.role, Role::Caseworker);

        // The next login asks for a code, and the used code cannot be replayed.
        let again = login::login(
            &mut conn,
            &cfg,
            "anna@test.example",
            &pw(PASSWORD),
            &ctx(),
            t0(),
        )
        .unwrap();
        assert_eq!(again.mfa, MfaState::Verify);
        let replay = login::verify_totp(&mut conn, &cfg, again.session.id, &code, &ctx(), t0());
        assert!(
            matches!(replay, Err(AuthError::InvalidCode)),
            "a code is accepted once"
        );
        assert!(
            login::begin_totp_enrolment(&mut conn, &cfg, again.session.id, None, &ctx(), t0())
                .is_err(),
            "a password alone cannot replace an enrolled authenticator"
        );
        let next = totp::code_at(&secret, t0() + Duration::seconds(30)).unwrap();
        login::verify_totp(
            &mut conn,
            &cfg,
            again.session.id,
            &next,
            &ctx(),
            t0() + Duration::seconds(30),
        )
        .unwrap();
        assert!(audit_count(&db, "auth.mfa_verify", "success") >= 2);
        assert!(audit_count(&db, "auth.mfa_verify", "failure") >= 1);
    });
}

#[test]
fn unknown_wrong_and_deactivated_all_fail_alike_and_are_audited() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        let u = user(&db, "bob@test.example", Role::Coordinator);
        let mut conn = db.pool.get().unwrap();
        let unknown = login::login(
            &mut conn,
            &cfg,
            "nobody@test.example",
            &pw(PASSWORD),
            &ctx(),
            t0(),
        );
        let wrong = login::login(
            &mut conn,
            &cfg,
            "bob@test.example",
            &pw("verkeerd wachtwoord x"),
            &ctx(),
            t0(),
        );
        write_tx(&mut conn, |c| users::set_active(c, u.id, false, t0())).unwrap();
        let deactivated = login::login(
            &mut conn,
            &cfg,
            "bob@test.example",
            &pw(PASSWORD),
            &ctx(),
            t0(),
        );
        for r in [&unknown, &wrong, &deactivated] {
            assert!(matches!(r, Err(AuthError::InvalidCredentials)), "{r:?}");
        }
        assert_eq!(audit_count(&db, "auth.login", "failure"), 3);
        let mut conn = db.pool.get().unwrap();
        let verified = schakel_audit::verify(&mut conn).unwrap();
        assert!(verified.broken.is_none());
    });
}

#[test]
fn failed_logins_throttle_the_account_and_the_lock_ends_by_itself() {
    each_backend(|db| {
        let cfg = AuthConfig {
            free_failures: 3,
            max_delay_secs: 60,
            max_failures_per_hour: 6,
            ..AuthConfig::default()
        };
        user(&db, "carla@test.example", Role::Caseworker);
        let mut conn = db.pool.get().unwrap();
        let mut now = t0();
        let wrong = pw("verkeerd wachtwoord x");
        // Space attempts so the growing delay never refuses them: each counts.
        for i in 0..6 {
            let r = login::login(&mut conn, &cfg, "carla@test.example", &wrong, &ctx(), now);
            assert!(
                matches!(r, Err(AuthError::InvalidCredentials)),
                "failure {i}"
            );
            now += Duration::seconds(61);
        }
        // The cap is reached: the right password is refused too, in the same words.
        let r = login::login(
            &mut conn,
            &cfg,
            "carla@test.example",
            &pw(PASSWORD),
            &ctx(),
            now,
        );
        assert!(matches!(r, Err(AuthError::InvalidCredentials)), "locked");
        // Attempts while locked do not extend the lock.
        for _ in 0..20 {
            let _ = login::login(&mut conn, &cfg, "carla@test.example", &wrong, &ctx(), now);
        }
        // An hour after the first failure, the oldest drops out of the window.
        let later = t0() + Duration::minutes(61);
        assert!(
            login::login(
                &mut conn,
                &cfg,
                "carla@test.example",
                &pw(PASSWORD),
                &ctx(),
                later
            )
            .is_ok()
        );
    });
}

#[test]
fn the_growing_delay_refuses_a_quick_retry_even_with_the_right_password() {
    each_backend(|db| {
        let cfg = AuthConfig {
            free_failures: 2,
            ..AuthConfig::default()
        };
        user(&db, "dirk@test.example", Role::Caseworker);
        let mut conn = db.pool.get().unwrap();
        let wrong = pw("verkeerd wachtwoord x");
        for s in 0..3 {
            let _ = login::login(
                &mut conn,
                &cfg,
                "dirk@test.example",
                &wrong,
                &ctx(),
                t0() + Duration::seconds(s),
            );
        }
        // Three failures, two free: the next attempt must wait 2 s after the last.
        let quick = login::login(
            &mut conn,
            &cfg,
            "dirk@test.example",
            &pw(PASSWORD),
            &ctx(),
            t0() + Duration::seconds(3),
        );
        assert!(matches!(quick, Err(AuthError::InvalidCredentials)));
        let patient = login::login(
            &mut conn,
            &cfg,
            "dirk@test.example",
            &pw(PASSWORD),
            &ctx(),
            t0() + Duration::seconds(5),
        );
        assert!(patient.is_ok());
    });
}

#[test]
fn sessions_end_after_idling_and_after_their_absolute_lifetime() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        user(&db, "eva@test.example", Role::Analyst);
        let (_, token) = full_login(&db, &cfg, "eva@test.example", t0());
        // Idle: 29 minutes is fine, 31 minutes after the last activity is not.
        assert!(auth(&db, &cfg, &token, t0() + Duration::minutes(14)).is_ok());
        assert!(
            auth(
                &db,
                &cfg,
                &token,
                t0() + Duration::minutes(14) + Duration::minutes(31)
            )
            .is_err()
        );

        // Absolute: active every 10 minutes with fresh tokens, the session still ends
        // after 12 hours.
        // (A later step: the code of the first login's step cannot be used twice.)
        let start = t0() + Duration::seconds(30);
        let (ok, _) = full_login(&db, &cfg, "eva@test.example", start);
        let mut now = start;
        let mut refresh = ok.refresh_token;
        while now < start + Duration::hours(12) - Duration::minutes(10) {
            now += Duration::minutes(10);
            let mut conn = db.pool.get().unwrap();
            let tokens =
                session::refresh(&mut conn, &keyring(), &cfg, &refresh, &ctx(), now).unwrap();
            refresh = tokens.refresh_token;
            assert!(auth(&db, &cfg, &tokens.access_token, now).is_ok());
        }
        now = start + Duration::hours(12) + Duration::seconds(1);
        let mut conn = db.pool.get().unwrap();
        assert!(session::refresh(&mut conn, &keyring(), &cfg, &refresh, &ctx(), now).is_err());
    });
}

#[test]
fn activity_keeps_a_session_with_the_shortest_idle_timeout_alive() {
    each_backend(|db| {
        let cfg = AuthConfig {
            idle_timeout_secs: 60,
            ..AuthConfig::default()
        };
        user(&db, "eva@test.example", Role::Analyst);
        let (_, token) = full_login(&db, &cfg, "eva@test.example", t0());
        // A request every 20 seconds: the session lives on well past its first minute.
        for s in [20, 40, 55, 70, 90, 110] {
            let at = t0() + Duration::seconds(s);
            assert!(auth(&db, &cfg, &token, at).is_ok(), "after {s} s");
        }
        // Idle for a minute after the last: ended.
        assert!(auth(&db, &cfg, &token, t0() + Duration::seconds(175)).is_err());
    });
}

#[test]
fn reusing_a_spent_refresh_token_revokes_the_whole_session() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        user(&db, "fleur@test.example", Role::Coordinator);
        let (ok, access) = full_login(&db, &cfg, "fleur@test.example", t0());
        let mut conn = db.pool.get().unwrap();
        let first =
            session::refresh(&mut conn, &keyring(), &cfg, &ok.refresh_token, &ctx(), t0()).unwrap();
        assert_ne!(first.refresh_token, ok.refresh_token, "rotated");
        // The stolen, spent token comes back.
        let replay = session::refresh(&mut conn, &keyring(), &cfg, &ok.refresh_token, &ctx(), t0());
        assert!(matches!(replay, Err(AuthError::InvalidToken)));
        // Everything of that session is dead now: the new refresh token and both access tokens.
        assert!(
            session::refresh(
                &mut conn,
                &keyring(),
                &cfg,
                &first.refresh_token,
                &ctx(),
                t0()
            )
            .is_err()
        );
        assert!(auth(&db, &cfg, &first.access_token, t0()).is_err());
        assert!(auth(&db, &cfg, &access, t0()).is_err());
        assert_eq!(audit_count(&db, "auth.refresh", "denied"), 1);
    });
}

#[test]
fn logout_deactivation_and_role_changes_take_effect_on_the_next_request() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        let u = user(&db, "gijs@test.example", Role::Coordinator);
        let (_, token) = full_login(&db, &cfg, "gijs@test.example", t0());
        let a = auth(&db, &cfg, &token, t0()).unwrap();
        assert_eq!(a.actor.role, Role::Coordinator);

        let mut conn = db.pool.get().unwrap();
        write_tx(&mut conn, |c| {
            users::set_role(c, u.id, Role::Caseworker, t0())
        })
        .unwrap();
        assert_eq!(
            auth(&db, &cfg, &token, t0()).unwrap().actor.role,
            Role::Caseworker
        );

        write_tx(&mut conn, |c| users::set_active(c, u.id, false, t0())).unwrap();
        assert!(auth(&db, &cfg, &token, t0()).is_err(), "deactivated");
        write_tx(&mut conn, |c| users::set_active(c, u.id, true, t0())).unwrap();
        let a = auth(&db, &cfg, &token, t0()).unwrap();

        session::logout(&mut conn, &a.actor, &ctx(), t0()).unwrap();
        assert!(auth(&db, &cfg, &token, t0()).is_err(), "logged out");
        assert_eq!(audit_count(&db, "auth.logout", "success"), 1);
    });
}

#[test]
fn logging_out_of_a_browser_ends_the_session_and_forgets_its_cookie() {
    use schakel_auth::web_session;
    each_backend(|db| {
        let cfg = AuthConfig::default();
        user(&db, "ilse@test.example", Role::Coordinator);
        let mut conn = db.pool.get().unwrap();
        // Two browsers: one logs out here, the other everywhere.
        let (here, _) = full_login(&db, &cfg, "ilse@test.example", t0());
        // A minute later: a one-time code is accepted once.
        let t1 = t0() + Duration::minutes(1);
        let (there, _) = full_login(&db, &cfg, "ilse@test.example", t1);
        let cookie_here = web_session::open(&mut conn, here.session.id, t1).unwrap();
        let cookie_there = web_session::open(&mut conn, there.session.id, t1).unwrap();
        let stored = |conn: &mut schakel_store::DbConn, cookie: &str| {
            let hash = schakel_auth::secret_token::hash(cookie);
            schakel_store::web_sessions::find(conn, &hash).unwrap()
        };

        let (a, _) = web_session::authenticate(&mut conn, &cfg, &cookie_here.cookie, t1).unwrap();
        web_session::logout(&mut conn, &a.actor, &ctx(), t1).unwrap();
        assert!(matches!(
            web_session::authenticate(&mut conn, &cfg, &cookie_here.cookie, t1),
            Err(AuthError::InvalidToken)
        ));
        assert!(
            stored(&mut conn, &cookie_here.cookie).is_none(),
            "handle forgotten"
        );
        assert_eq!(audit_count(&db, "auth.logout", "success"), 1);

        let (b, _) = web_session::authenticate(&mut conn, &cfg, &cookie_there.cookie, t1).unwrap();
        let ended = web_session::logout_everywhere(&mut conn, &b.actor, &ctx(), t1).unwrap();
        assert_eq!(ended, 1, "the other session had ended already");
        assert!(
            stored(&mut conn, &cookie_there.cookie).is_none(),
            "handle forgotten"
        );
        assert_eq!(audit_count(&db, "auth.logout_everywhere", "success"), 1);
    });
}

#[test]
fn the_signed_in_view_holds_the_account_and_agency_but_no_secret() {
    use schakel_auth::account;
    each_backend(|db| {
        let cfg = AuthConfig::default();
        let u = user(&db, "joost@test.example", Role::Coordinator);
        let (_, token) = full_login(&db, &cfg, "joost@test.example", t0());
        let a = auth(&db, &cfg, &token, t0()).unwrap();
        let mut conn = db.pool.get().unwrap();
        let me = account::signed_in(&mut conn, &a.actor).unwrap();
        assert_eq!(me.account.id, u.id);
        assert_eq!(me.account.email, "joost@test.example");
        assert_eq!(
            (me.account.locale.as_str(), me.account.role),
            ("nl", Role::Coordinator)
        );
        assert!(me.account.second_factor_enrolled, "enrolled at the login");
        assert_eq!(me.agency.id, u.agency_id);
        assert_eq!(me.agency.name, "Gemeente Test");
        assert!(me.agency.active);
        let shown = format!("{me:?}");
        assert!(
            !shown.contains("joost") && !shown.contains("Test User"),
            "{shown}"
        );
    });
}

#[test]
fn a_weaker_stored_hash_is_replaced_at_the_next_login() {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    each_backend(|db| {
        let cfg = AuthConfig::default();
        let u = user(&db, "hanna@test.example", Role::Auditor);
        let weak = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8192, 1, 1, None).unwrap(),
        )
        .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        let mut conn = db.pool.get().unwrap();
        write_tx(&mut conn, |c| {
            users::set_password_hash(c, u.id, &weak, t0())
        })
        .unwrap();
        login::login(
            &mut conn,
            &cfg,
            "hanna@test.example",
            &pw(PASSWORD),
            &ctx(),
            t0(),
        )
        .unwrap();
        let stored = users::find(&mut conn, u.id).unwrap().password_hash.unwrap();
        assert!(stored.contains("m=19456,t=2,p=1"), "{stored}");
        assert!(password::verify(&stored, &pw(PASSWORD)).matches);
    });
}

#[test]
fn when_the_audit_entry_cannot_be_written_the_login_fails_and_leaves_no_session() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        user(&db, "ilse@test.example", Role::Caseworker);
        match db.backend {
            schakel_store::Backend::Sqlite => {
                db.execute_raw(
                    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_entries \
                     BEGIN SELECT RAISE(ABORT, 'audit storage unavailable'); END",
                );
            }
            schakel_store::Backend::Postgres => {
                db.execute_raw(
                    "CREATE FUNCTION audit_down() RETURNS trigger AS $$ BEGIN \
                     RAISE EXCEPTION 'audit storage unavailable'; END; $$ LANGUAGE plpgsql",
                );
                db.execute_raw(
                    "CREATE TRIGGER audit_down BEFORE INSERT ON audit_entries \
                     FOR EACH ROW EXECUTE FUNCTION audit_down()",
                );
            }
        }
        let mut conn = db.pool.get().unwrap();
        let r = login::login(
            &mut conn,
            &cfg,
            "ilse@test.example",
            &pw(PASSWORD),
            &ctx(),
            t0(),
        );
        // The database refused the entry: the login fails with the store's error (a
        // full disk would be `StorageFull`, answered 503).
        assert!(
            matches!(r, Err(AuthError::Store(StoreError::Database(_)))),
            "fails closed: {r:?}"
        );
        let sessions = db.execute_raw("UPDATE sessions SET mfa_verified = mfa_verified");
        assert_eq!(
            sessions, 0,
            "no session was left behind on {:?}",
            db.backend
        );
        let failed = login::login(
            &mut conn,
            &cfg,
            "ilse@test.example",
            &pw("verkeerd wachtwoord x"),
            &ctx(),
            t0(),
        );
        assert!(
            matches!(failed, Err(AuthError::Store(StoreError::Database(_)))),
            "a failure that cannot be audited is an error too"
        );
        // Each attempt was counted before its password was checked (so that parallel
        // guesses cannot pass the throttle together); neither request completed, so
        // neither was taken back.
        let failures = db.execute_raw("UPDATE login_failures SET user_id = user_id");
        assert_eq!(failures, 2, "both attempts still count");
    });
}

#[test]
fn where_a_session_started_is_kept_while_it_lives_and_forgotten_a_month_after() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        user(&db, "ria@test.example", Role::Caseworker);
        let mut c = ctx();
        c.user_agent = Some("Firefox on the office laptop".into());
        let mut conn = db.pool.get().unwrap();
        let ended = login::login(&mut conn, &cfg, "ria@test.example", &pw(PASSWORD), &c, t0())
            .unwrap()
            .session;
        let later = t0() + Duration::days(20);
        let live = login::login(
            &mut conn,
            &cfg,
            "ria@test.example",
            &pw(PASSWORD),
            &c,
            later,
        )
        .unwrap()
        .session;
        assert_eq!(live.source_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(
            live.user_agent.as_deref(),
            Some("Firefox on the office laptop")
        );

        // Thirty days after the first ended (12 hours after it began), not before.
        let forget = schakel_auth::devices::forget_old_origins;
        assert_eq!(forget(&mut conn, t0() + Duration::days(30)).unwrap(), 0);
        assert_eq!(forget(&mut conn, t0() + Duration::days(31)).unwrap(), 1);
        let gone = schakel_store::sessions::find(&mut conn, ended.id).unwrap();
        assert_eq!((gone.source_ip, gone.user_agent), (None, None));
        let kept = schakel_store::sessions::find(&mut conn, live.id).unwrap();
        assert!(
            kept.user_agent.is_some(),
            "one ended under a month ago keeps it"
        );
    });
}

#[test]
fn recovery_codes_sign_in_once_each_and_new_ones_void_the_old() {
    each_backend(|db| {
        let cfg = AuthConfig::default();
        let u = user(&db, "noor@test.example", Role::Analyst);
        let (ok, _) = full_login(&db, &cfg, "noor@test.example", t0());
        let who = schakel_domain::Actor {
            user_id: u.id,
            agency_id: u.agency_id,
            role: u.role,
            session_id: ok.session.id,
        };
        let mut conn = db.pool.get().unwrap();
        use schakel_auth::recovery_codes as rc;
        let codes = rc::issue(&mut conn, &who, &ctx(), t0()).unwrap().0;
        assert_eq!(codes.len(), 10);
        assert_eq!(rc::left(&mut conn, &who).unwrap(), Some(10));

        // A new sign-in gives a recovery code instead of the app's: once only.
        let mut now = t0() + Duration::minutes(5);
        let second_factor = |code: &str, now| {
            let mut conn = db.pool.get().unwrap();
            let s = login::login(
                &mut conn,
                &cfg,
                "noor@test.example",
                &pw(PASSWORD),
                &ctx(),
                now,
            )
            .unwrap();
            assert_eq!(s.mfa, MfaState::Verify);
            login::verify_totp(&mut conn, &cfg, s.session.id, code, &ctx(), now)
        };
        assert!(second_factor(&codes[0], now).is_ok());
        now += Duration::minutes(1);
        assert!(matches!(
            second_factor(&codes[0], now),
            Err(AuthError::InvalidCode)
        ));
        let typed = codes[1].replace('-', " ").to_lowercase();
        assert!(second_factor(&typed, now).is_ok(), "typed loosely");
        assert_eq!(rc::left(&mut conn, &who).unwrap(), Some(8));
        assert_eq!(audit_count(&db, "auth.recovery_codes_issue", "success"), 1);

        // New codes: the old ones no longer work, the new ones do.
        let fresh = rc::issue(&mut conn, &who, &ctx(), now).unwrap().0;
        assert_eq!(rc::left(&mut conn, &who).unwrap(), Some(10));
        assert!(second_factor(&codes[2], now).is_err());
        assert!(second_factor(&fresh[0], now).is_ok());

        // Without a confirmed authenticator there is nothing to recover.
        let plain = user(&db, "sam@test.example", Role::Caseworker);
        let nobody = schakel_domain::Actor {
            user_id: plain.id,
            agency_id: plain.agency_id,
            role: plain.role,
            session_id: ok.session.id,
        };
        assert!(matches!(
            rc::issue(&mut conn, &nobody, &ctx(), now),
            Err(AuthError::NoSecondFactor)
        ));
        assert_eq!(rc::left(&mut conn, &nobody).unwrap(), None);
    });
}
