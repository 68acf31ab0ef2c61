//! Demo data for `serve --demo`: fictional agencies and one user per role, created once.
//!
//! Running the demo twice adds nothing the second time. The demo runs only on an empty
//! database or on one holding nothing but its own data ([`holds`]): never beside real
//! accounts. The demo users share one
//! published password: the demo is for trying Schakel on one's own machine, never for
//! real data.

use schakel_auth::admin::agencies::AgencyInput;
use schakel_auth::admin::operator::ConsoleAccount;
use schakel_auth::admin::seed;
use schakel_domain::{AgencyKind, Clock, Region, Role};
use schakel_store::DbConn;

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "oranje fiets lantaarn 42";

/// The demo agencies: one of each kind a first referral needs, a legal-aid agency for a
/// referral onward from the shelter, a second shelter (for women only) so the directory
/// has a choice to make, and a prosecution office for the police's suspects.
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
    (
        "Rechtshulp Het Anker",
        AgencyKind::LegalAid,
        Region::MiddenNederland,
        "intake@hetanker.demo.invalid",
    ),
    (
        "Vrouwenopvang Zonnehoek",
        AgencyKind::ShelterCategorical,
        Region::Amsterdam,
        "intake@zonnehoek.demo.invalid",
    ),
    (
        "Openbaar Ministerie, Parket Midden-Nederland",
        AgencyKind::Prosecution,
        Region::MiddenNederland,
        "mensenhandel@om-mn.demo.invalid",
    ),
];

/// The demo users: email, name, role, agency. The shelter has a caseworker beside its
/// coordinator, so a case opened there can be given to someone; the police coordinator
/// may break the glass (emergency access) and keeps investigations, whose suspects the
/// prosecution's coordinator receives; a second admin approves the first's changes of
/// privilege (four eyes).
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
    (
        "shelter.caseworker@demo.schakel.invalid",
        "Noor Hendriks",
        Role::Caseworker,
        "Opvang De Haven",
    ),
    (
        "legalaid@demo.schakel.invalid",
        "Ruben Kramer",
        Role::Coordinator,
        "Rechtshulp Het Anker",
    ),
    (
        "zonnehoek@demo.schakel.invalid",
        "Sanne Mulder",
        Role::Coordinator,
        "Vrouwenopvang Zonnehoek",
    ),
    (
        "police@demo.schakel.invalid",
        "Jeroen Vos",
        Role::Coordinator,
        "Politie Midden-Nederland, AVIM",
    ),
    (
        "admin2@demo.schakel.invalid",
        "Femke Dekker",
        Role::Admin,
        "Bureau Nationaal Rapporteur",
    ),
    (
        "prosecution@demo.schakel.invalid",
        "Lotte van Dijk",
        Role::Coordinator,
        "Openbaar Ministerie, Parket Midden-Nederland",
    ),
];

pub use schakel_auth::admin::seed::{Holds, Seeded};

/// Looks at the accounts and agencies of the database. The demo's accounts share a
/// published password (an admin among them) and ask no second factor, so the demo
/// seeds only into an empty database and starts again only on its own data.
pub fn holds(conn: &mut DbConn) -> Result<Holds, anyhow::Error> {
    let names: Vec<&str> = AGENCIES.iter().map(|a| a.0).collect();
    let emails: Vec<&str> = USERS.iter().map(|u| u.0).collect();
    Ok(seed::holds(conn, &names, &emails)?)
}

/// Creates the demo agencies and users that do not exist yet, with one audit entry.
pub fn seed(conn: &mut DbConn, clock: &dyn Clock) -> Result<Seeded, anyhow::Error> {
    let agencies: Vec<AgencyInput> = AGENCIES
        .iter()
        .map(|(name, kind, region, email)| AgencyInput {
            name: (*name).to_owned(),
            kind: *kind,
            region: *region,
            contact_email: (*email).to_owned(),
        })
        .collect();
    let accounts: Vec<ConsoleAccount> = USERS
        .iter()
        .map(|(email, name, role, agency)| ConsoleAccount {
            email: (*email).to_owned(),
            display_name: (*name).to_owned(),
            role: *role,
            agency_name: (*agency).to_owned(),
            locale: "nl".to_owned(),
        })
        .collect();
    let password = secrecy::SecretString::from(DEMO_PASSWORD.to_owned());
    Ok(seed::seed(
        conn,
        (&agencies, &accounts),
        &password,
        "system.demo_seed",
        clock.now(),
    )?)
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
    let caseworker = seed::actor_of(conn, USERS[0].0)?;
    let coordination = seed::named_agency(conn, USERS[1].3)?;
    let ctx = schakel_auth::RequestContext::default();
    let now = clock.now();
    // One step a minute, so the case's timeline reads in the order things happened.
    let at = |minutes_ago: i64| Env {
        cfg,
        ctx: &ctx,
        now: now - chrono::Duration::minutes(minutes_ago),
    };
    let fail = |e: schakel_referral_workflow::UseCaseError| anyhow::anyhow!("demo case work: {e}");
    let signal: signals::SignalInput = serde_json::from_value(serde_json::json!({
        "observed_on": (now - chrono::Duration::days(2)).date_naive(),
        "region": "midden_nederland",
        "exploitation_forms": ["labour"],
        "indicators": ["ilo_retention_of_identity_documents", "ilo_excessive_overtime"],
        "palermo": { "act": true, "means": true, "purpose": true },
        "reporting_basis": "consent",
        "summary": "Demo: werkt lange dagen in een distributiecentrum; de werkgever houdt het paspoort in.",
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
        made(signals::create_signal(conn, &at(3), &caseworker, &signal, None).map_err(fail)?)?;
    let open = cases::OpenCaseInput {
        signal_id: Some(signal.id),
        person: None,
        region: None,
        exploitation_forms: None,
        notes: Some("Democasus: verzonnen.".into()),
    };
    let case = made(cases::open_case(conn, &at(2), &caseworker, &open, None).map_err(fail)?)?;
    let consent: consents::ConsentInput = serde_json::from_value(serde_json::json!({
        "kind": "consent",
        "recipient_kinds": ["care", "shelter"],
        "purposes": ["care_coordination", "shelter"],
        "given_by": "person",
        "given_on": now.date_naive()
    }))?;
    consents::record_consent(
        conn,
        &at(1),
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
        message: Some("Demo: graag zorgcoördinatie; zij spreekt Roemeens en wat Engels.".into()),
    };
    referrals::create_referral(conn, &at(0), &caseworker, case.id, &referral, None)
        .map_err(fail)?;
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
        out.push_str(&format!("  {:<12} {email:<40} {agency}\n", role.as_str()));
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
