//! The demo's directory: what the demo agencies say of themselves, kept by their own
//! coordinators through the ordinary use case (so each is audited). The shelter De
//! Haven takes adults of any gender and last counted its places ten days ago (a stale
//! figure, to be brought up to date); Zonnehoek takes adult women only; the legal aid
//! and the care coordination say what they offer. Every detail is fictional.

use crate::demo::USERS;
use schakel_auth::admin::profiles::{ProfileInput, keep_profile};
use schakel_auth::admin::seed;
use schakel_domain::{AgeBand, Clock, Eligibility, ExploitationForm, Gender, Region, Service};
use schakel_referral_workflow::IfMatch;
use schakel_store::DbConn;

/// The adult age bands.
const ADULTS: &[AgeBand] = &[
    AgeBand::From18To22,
    AgeBand::From23To29,
    AgeBand::From30To39,
    AgeBand::From40To49,
    AgeBand::From50,
];

fn langs(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

/// The profiles, by the email of the coordinator who keeps each and how many days ago.
fn profiles() -> Vec<(&'static str, i64, ProfileInput)> {
    let de_haven = ProfileInput {
        services: vec![Service::ShelterPlaces, Service::PsychologicalCare],
        eligibility: Eligibility {
            age_bands: ADULTS.to_vec(),
            note: Some("Geen huisdieren; rolstoeltoegankelijk.".into()),
            ..Eligibility::default()
        },
        languages: langs(&["nl", "en", "ar"]),
        regions: vec![Region::Amsterdam],
        hours: Some("Dag en nacht".into()),
        phone: Some("030 000 0000".into()),
        contact_public: false,
        places: Some((6, 1)),
        places_confirmed: true,
    };
    let zonnehoek = ProfileInput {
        services: vec![
            Service::ShelterPlaces,
            Service::PsychologicalCare,
            Service::ReflectionPeriod,
        ],
        eligibility: Eligibility {
            age_bands: ADULTS.to_vec(),
            genders: vec![Gender::Female],
            forms: vec![ExploitationForm::Sexual, ExploitationForm::Labour],
            ..Eligibility::default()
        },
        languages: langs(&["nl", "en", "ro", "bg"]),
        regions: vec![Region::MiddenNederland],
        hours: Some("Ma–vr 9–17, daarbuiten via de crisisdienst".into()),
        phone: Some("020 000 0000".into()),
        contact_public: true,
        places: Some((10, 3)),
        places_confirmed: true,
    };
    let anker = ProfileInput {
        services: vec![Service::LegalAid, Service::Interpretation],
        languages: langs(&["nl", "en", "pl", "ro"]),
        regions: vec![Region::National],
        hours: Some("Ma–vr 9–17".into()),
        contact_public: true,
        ..ProfileInput::default()
    };
    let coordination = ProfileInput {
        services: vec![Service::MedicalCare, Service::ReturnSupport, Service::Other],
        languages: langs(&["nl", "en"]),
        eligibility: Eligibility {
            note: Some("Coördineert zorg en opvang voor de regio.".into()),
            ..Eligibility::default()
        },
        ..ProfileInput::default()
    };
    vec![
        (USERS[2].0, 10, de_haven),
        ("zonnehoek@demo.schakel.invalid", 1, zonnehoek),
        ("legalaid@demo.schakel.invalid", 2, anker),
        (USERS[1].0, 3, coordination),
    ]
}

/// Keeps the demo agencies' profiles, each as its coordinator, the given days ago.
pub fn seed_profiles(conn: &mut DbConn, clock: &dyn Clock) -> anyhow::Result<()> {
    let ctx = schakel_auth::RequestContext::default();
    for (email, days_ago, input) in profiles() {
        let who = seed::actor_of(conn, email)?;
        let at = clock.now() - chrono::Duration::days(days_ago);
        keep_profile(
            conn,
            &who,
            who.agency_id,
            IfMatch::Version(0),
            &input,
            &ctx,
            at,
        )
        .map_err(|e| anyhow::anyhow!("demo profile of {email}: {e}"))?;
    }
    Ok(())
}
