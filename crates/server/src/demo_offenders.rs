//! The demo's offenders side: beside the demo world, the demo police force opens cases
//! of fictional victims and investigations over the two years before today, registers
//! suspects linked to those cases and hands most of them to the demo prosecution office,
//! which accepts, decides and has many judged — so that the police's and the
//! prosecution's pages and the analyst's offender tables show what they do.
//!
//! Everything goes through the ordinary use cases, each at its own moment in the past;
//! it is seeded, and every name is made up.

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use schakel_auth::admin::seed;
use schakel_domain::{Actor, CaseId, SuspectId};
use schakel_referral_workflow::offenders::{self as uc, SuspectReferralAction};
use schakel_referral_workflow::{Env, IfMatch, WorkflowConfig};
use schakel_store::DbConn;

/// The seed of the offenders' side.
const SEED: u64 = 273;

const GIVEN: &[&str] = &[
    "Marius", "Dorel", "Viktor", "Sergei", "Kemal", "Jeroen", "Mark", "Li", "Ayo", "Nikola",
];
const FAMILY: &[&str] = &[
    "Dumitru", "Lungu", "Horvat", "Bogdan", "Kaya", "Jansen", "de Groot", "Zhou", "Adeyemi",
    "Petrovic",
];
const VICTIMS: &[&str] = &[
    "Alina", "Daria", "Esther", "Hoa", "Precious", "Oksana", "Maryam", "Lucia",
];
const FORMS: &[&str] = &["sexual", "sexual", "labour", "labour", "criminal"];
const BORN_IN: &[&str] = &["RO", "NL", "BG", "NG", "TR"];
const ROLES: &[&str] = &[
    "organiser",
    "recruiter",
    "exploiter",
    "exploiter",
    "facilitator",
];
const DECISIONS: &[&str] = &[
    "summons",
    "summons",
    "summons",
    "dismissal_evidence",
    "dismissal_policy",
    "out_of_court",
];
const OUTCOMES: &[&str] = &[
    "convicted_trafficking",
    "convicted_trafficking",
    "convicted_other",
    "acquitted",
];
const LIGHTER: &[&str] = &["conditional", "community_service", "fine"];
const PRISON: &[&str] = &[
    "prison_under_6_months",
    "prison_6_to_12_months",
    "prison_1_to_2_years",
    "prison_2_to_4_years",
    "prison_4_years_or_more",
];

struct Cast {
    police: Actor,
    prosecution: Actor,
}

fn fail(e: schakel_referral_workflow::UseCaseError) -> anyhow::Error {
    anyhow::anyhow!("demo offenders: {e}")
}

fn at(day: NaiveDate, rng: &mut StdRng) -> DateTime<Utc> {
    let noon = day.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
    noon + Duration::minutes(rng.gen_range(0..480))
}

/// Makes `investigations` investigations (once: the caller seeds it only into a new
/// demo database); returns how many suspects they hold.
pub fn make(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    today: DateTime<Utc>,
    investigations: u32,
) -> anyhow::Result<u32> {
    let actor = |conn: &mut DbConn, email: &str| {
        seed::actor_of(conn, email).with_context(|| format!("demo offenders: {email}"))
    };
    let cast = Cast {
        police: actor(conn, "police@demo.schakel.invalid")?,
        prosecution: actor(conn, "prosecution@demo.schakel.invalid")?,
    };
    let ctx = schakel_auth::RequestContext::default();
    let env = |now| Env {
        cfg,
        ctx: &ctx,
        now,
    };
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut suspects = 0;
    for n in 0..investigations {
        let started = today.date_naive() - Duration::days(rng.gen_range(120..730));
        let form = FORMS[rng.gen_range(0..FORMS.len())];
        // The victims the investigation found: the police's own cases of them.
        let mut cases = Vec::new();
        for v in 0..rng.gen_range(1..=3) {
            let born = NaiveDate::from_ymd_opt(
                rng.gen_range(1985..=2006),
                rng.gen_range(1..=12),
                rng.gen_range(1..=28),
            )
            .context("demo offenders: a birth date")?;
            let input = serde_json::from_value(serde_json::json!({
                "person": { "identity": { "given_names": VICTIMS[rng.gen_range(0..VICTIMS.len())],
                    "family_name": format!("Getuige{n}-{v}"), "date_of_birth": born }, "gender": "female" },
                "region": "midden_nederland", "exploitation_forms": [form]
            }))?;
            let case = schakel_referral_workflow::cases::open_case(
                conn,
                &env(at(started, &mut rng)),
                &cast.police,
                &input,
                None,
            )
            .map_err(fail)?
            .into_new()
            .context("demo offenders: a replay")?;
            cases.push(case.id);
        }
        let input = serde_json::from_value(serde_json::json!({
            "reference": format!("ON-{}-{:04}", 2024 + n % 3, 100 + n),
            "region": "midden_nederland", "exploitation_forms": [form], "started_on": started
        }))?;
        let inv = uc::open_investigation(conn, &env(at(started, &mut rng)), &cast.police, &input)
            .map_err(fail)?;
        for _ in 0..rng.gen_range(1..=4) {
            let registered = started + Duration::days(rng.gen_range(0..60));
            let input = serde_json::from_value(serde_json::json!({
                "identity": { "given_names": GIVEN[rng.gen_range(0..GIVEN.len())],
                    "family_name": FAMILY[rng.gen_range(0..FAMILY.len())],
                    "date_of_birth": NaiveDate::from_ymd_opt(rng.gen_range(1960..=2000), 5, rng.gen_range(1..=28)) },
                "country_of_birth": BORN_IN[rng.gen_range(0..BORN_IN.len())],
                "gender": "male", "role": ROLES[rng.gen_range(0..ROLES.len())],
                "registered_on": registered
            }))?;
            let s = uc::add_suspect(
                conn,
                &env(at(registered, &mut rng)),
                &cast.police,
                inv.id,
                &input,
            )
            .map_err(fail)?;
            suspects += 1;
            follow(
                conn,
                cfg,
                &cast,
                &mut rng,
                (s.id, registered, &cases),
                today,
            )?;
        }
    }
    Ok(suspects)
}

/// A suspect linked to the investigation's victims, then (most of them) handed to the
/// prosecution, accepted, decided on and, after a summons, judged — each step on its
/// day, none after today.
fn follow(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    cast: &Cast,
    rng: &mut StdRng,
    (id, registered, cases): (SuspectId, NaiveDate, &[CaseId]),
    today: DateTime<Utc>,
) -> anyhow::Result<()> {
    let ctx = schakel_auth::RequestContext::default();
    let env = |now| Env {
        cfg,
        ctx: &ctx,
        now,
    };
    let last = today.date_naive() - Duration::days(1);
    for case in cases {
        if !rng.gen_bool(0.8) {
            continue;
        }
        let link = serde_json::from_value(serde_json::json!({ "case_id": case }))?;
        uc::link_victim(conn, &env(at(registered, rng)), &cast.police, id, &link).map_err(fail)?;
    }
    let referred = registered + Duration::days(rng.gen_range(5..60));
    if !rng.gen_bool(0.8) || referred > last {
        return Ok(());
    }
    let input =
        serde_json::from_value(serde_json::json!({ "to_agency_id": cast.prosecution.agency_id }))?;
    let r =
        uc::refer_suspect(conn, &env(at(referred, rng)), &cast.police, id, &input).map_err(fail)?;
    let accepted = referred + Duration::days(rng.gen_range(1..10));
    if accepted > last {
        return Ok(());
    }
    let answer = uc::SuspectReferralAnswer::default();
    let version = IfMatch::Version(r.version);
    uc::act_on_suspect_referral(
        conn,
        &env(at(accepted, rng)),
        &cast.prosecution,
        r.id,
        SuspectReferralAction::Accept,
        version,
        &answer,
    )
    .map_err(fail)?;
    let decided = accepted + Duration::days(rng.gen_range(20..200));
    if decided > last {
        return Ok(());
    }
    let decision = DECISIONS[rng.gen_range(0..DECISIONS.len())];
    let input =
        serde_json::from_value(serde_json::json!({ "decision": decision, "decided_on": decided }))?;
    uc::record_decision(conn, &env(at(decided, rng)), &cast.prosecution, id, &input)
        .map_err(fail)?;
    let judged = decided + Duration::days(rng.gen_range(60..300));
    if decision != "summons" || judged > last {
        return Ok(());
    }
    let outcome = OUTCOMES[rng.gen_range(0..OUTCOMES.len())];
    let mut sentence = Vec::new();
    if outcome.starts_with("convicted") {
        if rng.gen_bool(0.75) {
            sentence.push(PRISON[rng.gen_range(0..PRISON.len())]);
        }
        if sentence.is_empty() || rng.gen_bool(0.3) {
            sentence.push(LIGHTER[rng.gen_range(0..LIGHTER.len())]);
        }
    }
    let input = serde_json::from_value(serde_json::json!({
        "instance": "first_instance", "outcome": outcome, "sentence": sentence, "judged_on": judged
    }))?;
    uc::record_judgment(conn, &env(at(judged, rng)), &cast.prosecution, id, &input)
        .map_err(fail)?;
    Ok(())
}
