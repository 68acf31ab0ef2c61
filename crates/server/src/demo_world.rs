//! The demo world: `serve --demo` also makes, once, `demo.world_persons` fictional
//! persons over the two years before today — signals logged by the demo's agencies,
//! most opened as cases, many referred on (with the person's consent) and answered by
//! the receiving agency's coordinator hours or days later — so that the lists, the
//! monitor and the analyst's dashboard show what they do at a realistic size.
//!
//! Everything goes through the ordinary use cases, each at its own moment in the past
//! (time is their input), so the audit trail, the timelines and the monitor hold it as
//! they would have. It is seeded: the same settings make the same world. Every name in
//! it is made up from short lists of common first and family names.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use schakel_auth::admin::seed;
use schakel_domain::{
    Actor, DeclineReason, ExploitationForm, Gender, ReferralAction, ReferralOutcome,
    ReferralPurpose, Region, Urgency,
};
use schakel_referral_workflow::views::ReferralView;
use schakel_referral_workflow::{Env, IfMatch, WorkflowConfig};
use schakel_referral_workflow::{cases, consents, referrals, signals};
use schakel_store::DbConn;

/// The world's seed: the same world every time.
const SEED: u64 = 2026;

const GIVEN: &[&str] = &[
    "Ana", "Maria", "Elena", "Ioana", "Olena", "Iryna", "Grace", "Blessing", "Joy", "Mei", "Lin",
    "Thi", "Mohammed", "Ahmed", "Ionut", "Andrei", "Piotr", "Tomasz", "Kwame", "Samuel", "Emma",
    "Sanne", "Lotte", "Daan", "Joost", "Fatima", "Amina", "Yusuf", "Nadia", "Sofia",
];
const FAMILY: &[&str] = &[
    "Popescu",
    "Ionescu",
    "Kowalski",
    "Nowak",
    "Shevchenko",
    "Kovalenko",
    "Okafor",
    "Mensah",
    "Nguyen",
    "Tran",
    "Chen",
    "Wang",
    "El Idrissi",
    "Benali",
    "Yilmaz",
    "Demir",
    "Petrov",
    "Ivanova",
    "de Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Mulder",
    "Bos",
    "Haddad",
    "Mahmoud",
];
const NATIONALITIES: &[(&str, &[&str])] = &[
    ("RO", &["ro"]),
    ("BG", &["bg"]),
    ("PL", &["pl"]),
    ("UA", &["uk", "ru"]),
    ("NG", &["en"]),
    ("GH", &["en"]),
    ("VN", &["vi"]),
    ("CN", &["zh"]),
    ("MA", &["ar", "fr"]),
    ("TR", &["tr"]),
    ("NL", &["nl"]),
    ("NL", &["nl"]),
    ("ER", &["ti"]),
    ("SY", &["ar"]),
];
/// Forms of exploitation, each with its weight.
const FORMS: &[(ExploitationForm, u32)] = &[
    (ExploitationForm::Sexual, 40),
    (ExploitationForm::Labour, 35),
    (ExploitationForm::Criminal, 15),
    (ExploitationForm::ForcedMarriage, 4),
    (ExploitationForm::Other, 3),
    (ExploitationForm::Unknown, 3),
];
const REGIONS: &[Region] = &[
    Region::MiddenNederland,
    Region::MiddenNederland,
    Region::Amsterdam,
    Region::Rotterdam,
    Region::DenHaag,
    Region::OostBrabant,
    Region::NoordNederland,
];

/// The demo's people who log and refer, and who answer at each receiving agency.
struct Cast {
    senders: Vec<Actor>,
    care: (Actor, schakel_domain::AgencyId),
    shelter: (Actor, schakel_domain::AgencyId),
    legal: (Actor, schakel_domain::AgencyId),
}

fn cast(conn: &mut DbConn) -> anyhow::Result<Cast> {
    let actor = |conn: &mut DbConn, email: &str| {
        seed::actor_of(conn, email).with_context(|| format!("demo world: {email}"))
    };
    let municipality = actor(conn, "caseworker@demo.schakel.invalid")?;
    let care = actor(conn, "coordinator@demo.schakel.invalid")?;
    let shelter = actor(conn, "shelter@demo.schakel.invalid")?;
    let shelter_worker = actor(conn, "shelter.caseworker@demo.schakel.invalid")?;
    let legal = actor(conn, "legalaid@demo.schakel.invalid")?;
    Ok(Cast {
        senders: vec![
            municipality,
            municipality,
            municipality,
            care,
            shelter_worker,
        ],
        care: (care, care.agency_id),
        shelter: (shelter, shelter.agency_id),
        legal: (legal, legal.agency_id),
    })
}

fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total.max(1));
    for (item, w) in items {
        if pick < *w {
            return *item;
        }
        pick -= w;
    }
    items[0].0
}

fn one<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// One fictional person's signal, observed on `day`.
fn signal_input(rng: &mut StdRng, day: NaiveDate) -> anyhow::Result<signals::SignalInput> {
    let form = weighted(rng, FORMS);
    let mut forms = vec![form];
    if rng.gen_bool(0.15) {
        forms.push(weighted(rng, FORMS));
    }
    let (nationality, languages) = one(rng, NATIONALITIES);
    let born = NaiveDate::from_ymd_opt(
        rng.gen_range(1962..=2009),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
    )
    .context("demo world: a birth date")?;
    let gender = weighted(
        rng,
        &[
            (Gender::Female, 62),
            (Gender::Male, 34),
            (Gender::NonBinaryOrOther, 2),
            (Gender::Unknown, 2),
        ],
    );
    Ok(serde_json::from_value(serde_json::json!({
        "observed_on": day,
        "region": one(rng, REGIONS),
        "exploitation_forms": forms,
        "indicators": [],
        "palermo": { "act": true, "means": rng.gen_bool(0.8), "purpose": true },
        "reporting_basis": "consent",
        "person": {
            "identity": {
                "given_names": one(rng, GIVEN),
                "family_name": one(rng, FAMILY),
                "date_of_birth": born,
                "nationalities": [nationality],
                "languages": languages,
            },
            "gender": gender,
        }
    }))?)
}

/// What every step of the world needs: the settings, the cast and today.
struct World<'a> {
    cfg: &'a WorkflowConfig,
    ctx: schakel_auth::RequestContext,
    cast: Cast,
    today: DateTime<Utc>,
}

impl World<'_> {
    fn env(&self, now: DateTime<Utc>) -> Env<'_> {
        Env {
            cfg: self.cfg,
            ctx: &self.ctx,
            now,
        }
    }
}

fn fail(e: schakel_referral_workflow::UseCaseError) -> anyhow::Error {
    anyhow::anyhow!("demo world: {e}")
}

/// Makes the world (once: the caller seeds it only into a new demo database); returns
/// how many persons it holds.
pub fn make(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    today: DateTime<Utc>,
    persons: u32,
) -> anyhow::Result<u32> {
    let world = World {
        cfg,
        ctx: schakel_auth::RequestContext::default(),
        cast: cast(conn)?,
        today,
    };
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut days: Vec<i64> = (0..persons).map(|_| rng.gen_range(3..730)).collect();
    days.sort_unstable_by(|a, b| b.cmp(a));
    for ago in days {
        let at = today - Duration::days(ago) + Duration::minutes(rng.gen_range(480..1020));
        person(conn, &world, &mut rng, at)?;
    }
    Ok(persons)
}

/// One person's signal, case and referral, as they went.
fn person(
    conn: &mut DbConn,
    w: &World<'_>,
    rng: &mut StdRng,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let who = *one(rng, &w.cast.senders);
    let input = signal_input(rng, at.date_naive())?;
    let signal = signals::create_signal(conn, &w.env(at), &who, &input, None)
        .map_err(fail)?
        .into_new()
        .context("demo world: a replay")?;
    if !rng.gen_bool(0.85) {
        return Ok(());
    }
    let at = at + Duration::minutes(rng.gen_range(10..240));
    let open = cases::OpenCaseInput {
        signal_id: Some(signal.id),
        person: None,
        region: None,
        exploitation_forms: None,
        notes: None,
    };
    let case = cases::open_case(conn, &w.env(at), &who, &open, None)
        .map_err(fail)?
        .into_new()
        .context("demo world: a replay")?;
    if !rng.gen_bool(0.8) {
        return Ok(());
    }
    let (receiver, to, purpose) = receiver_for(&w.cast, &who, rng);
    let consent: consents::ConsentInput = serde_json::from_value(serde_json::json!({
        "kind": "consent",
        "recipient_kinds": ["care", "shelter", "legal_aid"],
        "purposes": ["care_coordination", "shelter", "legal_aid"],
        "given_by": "person",
        "given_on": at.date_naive(),
    }))?;
    let at = at + Duration::minutes(rng.gen_range(5..120));
    let version = IfMatch::Version(case.version);
    consents::record_consent(conn, &w.env(at), &who, case.id, version, &consent).map_err(fail)?;
    let urgency = if rng.gen_bool(0.2) {
        Urgency::Urgent
    } else {
        Urgency::Normal
    };
    let referral = referrals::ReferralInput {
        to_agency_id: to,
        purpose,
        urgency,
        message: None,
    };
    let sent = referrals::create_referral(conn, &w.env(at), &who, case.id, &referral, None)
        .map_err(fail)?
        .into_new()
        .context("demo world: a replay")?;
    answer(conn, w, &receiver, rng, (sent, at))
}

/// Where `who`'s agency refers to: care coordination from the municipality; a shelter
/// or legal aid from care coordination; legal aid or care from the shelter.
fn receiver_for(
    cast: &Cast,
    who: &Actor,
    rng: &mut StdRng,
) -> (Actor, schakel_domain::AgencyId, ReferralPurpose) {
    let care = (cast.care.0, cast.care.1, ReferralPurpose::CareCoordination);
    let shelter = (cast.shelter.0, cast.shelter.1, ReferralPurpose::Shelter);
    let legal = (cast.legal.0, cast.legal.1, ReferralPurpose::LegalAid);
    if who.agency_id == cast.care.1 {
        if rng.gen_bool(0.7) { shelter } else { legal }
    } else if who.agency_id == cast.shelter.1 {
        if rng.gen_bool(0.6) { legal } else { care }
    } else if rng.gen_bool(0.8) {
        care
    } else {
        shelter
    }
}

/// A transition by the receiver at `at`.
fn step(
    conn: &mut DbConn,
    w: &World<'_>,
    receiver: &Actor,
    (view, action, input): (&ReferralView, ReferralAction, referrals::ActionInput),
    at: DateTime<Utc>,
) -> anyhow::Result<ReferralView> {
    let version = IfMatch::Version(view.version);
    referrals::act(conn, &w.env(at), receiver, view.id, version, action, &input).map_err(fail)
}

/// The receiver's answer, hours or days after it was sent: mostly accepted (and then
/// started, often completed), sometimes declined; one sent in the last hours waits.
fn answer(
    conn: &mut DbConn,
    w: &World<'_>,
    receiver: &Actor,
    rng: &mut StdRng,
    (sent, sent_at): (ReferralView, DateTime<Utc>),
) -> anyhow::Result<()> {
    let at = sent_at + Duration::minutes(rng.gen_range(30..60 * 60));
    if at > w.today - Duration::hours(1) {
        return Ok(());
    }
    let none = referrals::ActionInput::default;
    if rng.gen_bool(0.2) {
        let reasons = [
            (DeclineReason::NoCapacity, 5),
            (DeclineReason::NotEligible, 2),
            (DeclineReason::PersonUnreachable, 2),
        ];
        let input = referrals::ActionInput {
            reason: Some(weighted(rng, &reasons)),
            ..none()
        };
        step(
            conn,
            w,
            receiver,
            (&sent, ReferralAction::Decline, input),
            at,
        )?;
        return Ok(());
    }
    let accepted = step(
        conn,
        w,
        receiver,
        (&sent, ReferralAction::Accept, none()),
        at,
    )?;
    if !rng.gen_bool(0.7) {
        return Ok(());
    }
    let at = at + Duration::hours(rng.gen_range(2..72));
    if at > w.today - Duration::hours(1) {
        return Ok(());
    }
    let started = step(
        conn,
        w,
        receiver,
        (&accepted, ReferralAction::Start, none()),
        at,
    )?;
    let done = at + Duration::days(rng.gen_range(7..90));
    if done < w.today && rng.gen_bool(0.6) {
        let outcomes = [
            (ReferralOutcome::SupportProvided, 7),
            (ReferralOutcome::ContactLost, 2),
            (ReferralOutcome::TransferredOn, 1),
        ];
        let input = referrals::ActionInput {
            outcome: Some(weighted(rng, &outcomes)),
            ..none()
        };
        step(
            conn,
            w,
            receiver,
            (&started, ReferralAction::Complete, input),
            done,
        )?;
    }
    Ok(())
}
