//! Demo data for `serve --demo`: fictional agencies and one user per role, created once.
//!
//! Running the demo twice adds nothing the second time. The demo runs only on an empty
//! database or on one holding nothing but its own data ([`holds`]): never beside real
//! accounts. The demo users share one
//! published password: the demo is for trying Schakel on one's own machine, never for
//! real data.

use schakel_audit::{ActionCode, ActionKind, AuditEvent, Outcome};
use schakel_domain::{AgencyKind, Clock, Region, Role};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::users::{self, NewUser};
use schakel_store::{DbConn, StoreError, write_tx};

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "oranje fiets lantaarn 42";

/// The demo agencies: one of each kind a first referral needs.
const AGENCIES: &[(&str, AgencyKind, Region, &str)] = &[
    (
        "Gemeente Utrecht",
        AgencyKind::Municipality,
        Region::MiddenNederland,
        "zorg@gemeente-utrecht.demo.invalid",
    ),
    (
        "Zorgcoördinatie Midden-Nederland",
        AgencyKind::CareCoordination,
        Region::MiddenNederland,
        "coordinatie@zorg-mn.demo.invalid",
    ),
    (
        "Opvang De Haven",
        AgencyKind::ShelterCategorical,
        Region::MiddenNederland,
        "intake@dehaven.demo.invalid",
    ),
    (
        "Politie Midden-Nederland, AVIM",
        AgencyKind::Police,
        Region::MiddenNederland,
        "avim@politie-mn.demo.invalid",
    ),
    (
        "Stichting Open Deur",
        AgencyKind::Ngo,
        Region::National,
        "hulp@opendeur.demo.invalid",
    ),
    (
        "Bureau Nationaal Rapporteur",
        AgencyKind::Rapporteur,
        Region::National,
        "monitor@rapporteur.demo.invalid",
    ),
];

/// The demo users: email, name, role, agency.
pub const USERS: &[(&str, &str, Role, &str)] = &[
    (
        "caseworker@demo.schakel.invalid",
        "Anna Jansen",
        Role::Caseworker,
        "Gemeente Utrecht",
    ),
    (
        "coordinator@demo.schakel.invalid",
        "Bram de Boer",
        Role::Coordinator,
        "Zorgcoördinatie Midden-Nederland",
    ),
    (
        "shelter@demo.schakel.invalid",
        "Fatima el Amrani",
        Role::Coordinator,
        "Opvang De Haven",
    ),
    (
        "analyst@demo.schakel.invalid",
        "Chris Visser",
        Role::Analyst,
        "Bureau Nationaal Rapporteur",
    ),
    (
        "auditor@demo.schakel.invalid",
        "Dana Smit",
        Role::Auditor,
        "Bureau Nationaal Rapporteur",
    ),
    (
        "admin@demo.schakel.invalid",
        "Eli Bakker",
        Role::Admin,
        "Bureau Nationaal Rapporteur",
    ),
];

/// What the seed created.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    /// Agencies created now.
    pub agencies: usize,
    /// Users created now.
    pub users: usize,
}

/// What a database holds, as far as the demo is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// No account and no agency: the demo may seed.
    Nothing,
    /// Only the demo's own agencies and accounts: the demo starts again on them.
    DemoOnly,
    /// Accounts or agencies the demo did not create: the demo must not run here.
    Other {
        /// Accounts that are not the demo's.
        users: usize,
        /// Agencies that are not the demo's.
        agencies: usize,
    },
}

/// Looks at the accounts and agencies of the database. The demo's accounts share a
/// published password (an admin among them) and ask no second factor, so the demo
/// seeds only into an empty database and starts again only on its own data.
pub fn holds(conn: &mut DbConn) -> Result<Holds, anyhow::Error> {
    let all_users = users::list(conn, None)?;
    let all_agencies = agencies::list_all(conn)?;
    if all_users.is_empty() && all_agencies.is_empty() {
        return Ok(Holds::Nothing);
    }
    let other_users = all_users
        .iter()
        .filter(|u| !USERS.iter().any(|(email, ..)| *email == u.email))
        .count();
    let other_agencies = all_agencies
        .iter()
        .filter(|a| !AGENCIES.iter().any(|(name, ..)| *name == a.name))
        .count();
    Ok(if other_users == 0 && other_agencies == 0 {
        Holds::DemoOnly
    } else {
        Holds::Other {
            users: other_users,
            agencies: other_agencies,
        }
    })
}

/// Creates the demo agencies and users that do not exist yet, with one audit entry.
pub fn seed(conn: &mut DbConn, clock: &dyn Clock) -> Result<Seeded, anyhow::Error> {
    let password = secrecy::SecretString::from(DEMO_PASSWORD.to_owned());
    let hash = schakel_auth::password::hash(&password)?;
    let now = clock.now();
    let seeded = write_tx(conn, |conn| {
        let mut seeded = Seeded::default();
        for (name, kind, region, email) in AGENCIES {
            if agencies::find_by_name(conn, name)?.is_none() {
                let new = NewAgency {
                    name,
                    kind: *kind,
                    region: *region,
                    contact_email: email,
                };
                agencies::insert(conn, &new, now)?;
                seeded.agencies += 1;
            }
        }
        for (email, name, role, agency) in USERS {
            if users::find_by_email(conn, email)?.is_some() {
                continue;
            }
            let agency = agencies::find_by_name(conn, agency)?.ok_or(StoreError::NotFound)?;
            let new = NewUser {
                agency_id: agency.id,
                email,
                display_name: name,
                role: *role,
                locale: "nl",
                password_hash: Some(&hash),
            };
            users::insert(conn, &new, now)?;
            seeded.users += 1;
        }
        if seeded != Seeded::default() {
            let code = ActionCode::parse("system.demo_seed").map_err(|e| anyhow::anyhow!("{e}"))?;
            let event = AuditEvent::new(code, ActionKind::Create, Outcome::Success).with_details(
                serde_json::json!({ "agencies": seeded.agencies, "users": seeded.users }),
            );
            schakel_audit::record(conn, &event, now)?;
        }
        Ok::<_, anyhow::Error>(seeded)
    })?;
    Ok(seeded)
}

/// Demo case work, made once with the demo users through the ordinary use cases: a
/// signal logged by the caseworker at the municipality, the case opened from it with the
/// person's consent to share with care coordination, and a referral waiting in the care
/// coordinator's inbox. Every name in it is fictional.
pub fn seed_casework(
    conn: &mut DbConn,
    cfg: &schakel_referral_workflow::WorkflowConfig,
    clock: &dyn Clock,
) -> Result<(), anyhow::Error> {
    use schakel_referral_workflow::{Env, IfMatch, cases, consents, referrals, signals};
    let actor = |conn: &mut DbConn, email: &str| -> Result<schakel_domain::Actor, anyhow::Error> {
        let u = users::find_by_email(conn, email)?.ok_or(StoreError::NotFound)?;
        Ok(schakel_domain::Actor {
            user_id: u.id,
            agency_id: u.agency_id,
            role: u.role,
            session_id: schakel_domain::SessionId::new_random(),
        })
    };
    let caseworker = actor(conn, USERS[0].0)?;
    let coordination = agencies::find_by_name(conn, USERS[1].3)?.ok_or(StoreError::NotFound)?;
    let ctx = schakel_auth::RequestContext::default();
    let now = clock.now();
    let env = Env {
        cfg,
        ctx: &ctx,
        now,
    };
    let fail = |e: schakel_referral_workflow::WorkflowError| anyhow::anyhow!("demo case work: {e}");
    let signal: signals::SignalInput = serde_json::from_value(serde_json::json!({
        "observed_on": (now - chrono::Duration::days(2)).date_naive(),
        "region": "midden_nederland",
        "exploitation_forms": ["labour"],
        "indicators": ["ilo_retention_of_identity_documents", "ilo_excessive_overtime"],
        "palermo": { "act": true, "means": true, "purpose": true },
        "reporting_basis": "consent",
        "summary": "Demo: works long days at a distribution centre; the employer keeps the passport.",
        "person": {
            "identity": {
                "given_names": "Demo",
                "family_name": "Voorbeeld",
                "date_of_birth": "1996-06-01",
                "nationalities": ["RO"],
                "languages": ["ro", "en"]
            },
            "gender": "female"
        }
    }))?;
    let signal =
        made(signals::create_signal(conn, &env, &caseworker, &signal, None).map_err(fail)?)?;
    let open = cases::OpenCaseInput {
        signal_id: Some(signal.id),
        person: None,
        region: None,
        exploitation_forms: None,
        notes: Some("Demo case: fictional.".into()),
    };
    let case = made(cases::open_case(conn, &env, &caseworker, &open, None).map_err(fail)?)?;
    let consent: consents::ConsentInput = serde_json::from_value(serde_json::json!({
        "kind": "consent",
        "recipient_kinds": ["care", "shelter"],
        "purposes": ["care_coordination", "shelter"],
        "given_by": "person",
        "given_on": now.date_naive()
    }))?;
    consents::record_consent(
        conn,
        &env,
        &caseworker,
        case.id,
        IfMatch::Version(case.version),
        &consent,
    )
    .map_err(fail)?;
    let referral = referrals::ReferralInput {
        to_agency_id: coordination.id,
        purpose: schakel_domain::ReferralPurpose::CareCoordination,
        urgency: schakel_domain::Urgency::Normal,
        message: Some("Demo: please coordinate care; she speaks Romanian and some English.".into()),
    };
    referrals::create_referral(conn, &env, &caseworker, case.id, &referral, None).map_err(fail)?;
    Ok(())
}

/// What a use case created (the demo sends no idempotency key, so never a replay).
fn made<T>(c: schakel_referral_workflow::idempotency::Created<T>) -> anyhow::Result<T> {
    c.into_new()
        .ok_or_else(|| anyhow::anyhow!("demo case work: an answer was replayed"))
}

/// The login instructions printed at the start of the demo.
pub fn instructions(public_url: &str, mfa_relaxed: bool) -> String {
    let mut out = format!("\nDemo users (fictional; password for all: {DEMO_PASSWORD}):\n");
    for (email, _, role, agency) in USERS {
        out.push_str(&format!("  {:<12} {email:<36} {agency}\n", role.as_str()));
    }
    out.push_str(
        "The caseworker's case (a fictional person) waits as a referral in the coordinator's inbox.\n",
    );
    out.push_str(&format!("Log in at {public_url}\n"));
    if mfa_relaxed {
        out.push_str(
            "WARNING: the demo does not ask for a second factor. Never use --demo with real data.\n",
        );
    }
    out
}
