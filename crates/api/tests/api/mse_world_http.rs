//! Multiple systems estimation over generated worlds, through the whole handoff: a
//! population of known size, each person caught by four lists (one agency kind each)
//! with known probabilities; every catch is a signal about the person that the caseworker
//! of that list's agency logs over HTTP (the same name, date of birth and gender at
//! every agency, so one pseudonym); the monitor sink delivers the outbox; the analyst
//! reads the stepwise estimate over HTTP. The worlds share one database, each in a year
//! of its own (2001, 2002, …; the manual clock stands at the end of each decade while
//! its worlds are logged), and each world's estimate must be the estimate of the table
//! it generated, so no catch was lost or split on the way.
//!
//! With independent lists the 95 % interval covers the true size in at least 45 of 50
//! worlds; when one list catches whom another caught far more often, the selection adds
//! their interaction, while the independence model falls short of the true size. The
//! worlds come from a seeded generator, so every outcome reproduces; nothing is assumed
//! of the outcome but what the statistics promise: simulated with other seeds, the
//! coverage test passes about 94 times in 100 and the dependence test about 98.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{
    AgencyBuilder, Client, UserBuilder, bearer, config_without_mfa, request, state_with,
};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use futures_util::future::join_all;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use schakel_api::app;
use schakel_domain::{AgencyKind, Clock, ManualClock, Role};
use schakel_monitor::MonitorSink;
use schakel_monitor::mse::{self, Histories, Method, Options};
use schakel_store::Backend;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Value, json};
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Instant;

/// The lists, in the order of a capture history's bits: a name and the one agency kind
/// that makes it.
const LISTS: [(&str, AgencyKind); 4] = [
    ("police", AgencyKind::Police),
    ("ngo", AgencyKind::Ngo),
    ("municipality", AgencyKind::Municipality),
    ("shelter", AgencyKind::ShelterCategorical),
];

/// Signals sent at once.
const CONCURRENT: usize = 4;

/// The interaction of the first two lists, as the model names it.
const DEPENDENT_PAIR: &str = "police:ngo";

/// The persons of one world and the lists that caught them.
struct World {
    year: i32,
    size: usize,
    persons: Vec<Person>,
}

/// A true person: who they are, and per list the day of the year it caught them.
struct Person {
    born: NaiveDate,
    female: bool,
    caught: [Option<u32>; 4],
}

impl Person {
    fn history(&self) -> usize {
        (0..LISTS.len())
            .filter(|k| self.caught[*k].is_some())
            .map(|k| 1 << k)
            .sum()
    }
}

impl World {
    /// A world of `sizes` persons in `year` from `seed`; each list catches with a
    /// probability from 0.25 to 0.45, independently, except that with `dependence`
    /// (caught, not caught) the second list catches with `caught` whom the first list
    /// caught and with `not caught` the others.
    fn generate(
        seed: u64,
        year: i32,
        sizes: RangeInclusive<usize>,
        dependence: Option<(f64, f64)>,
    ) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let size = rng.gen_range(sizes);
        let chance: [f64; 4] = std::array::from_fn(|_| rng.gen_range(0.25..=0.45));
        let persons = (0..size)
            .map(|_| {
                let mut caught = [None; 4];
                for k in 0..LISTS.len() {
                    let p = match dependence {
                        Some((yes, no)) if k == 1 => {
                            if caught[0].is_some() {
                                yes
                            } else {
                                no
                            }
                        }
                        _ => chance[k],
                    };
                    let day = rng.gen_range(1..=365);
                    caught[k] = rng.gen_bool(p).then_some(day);
                }
                Person {
                    born: NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()
                        + chrono::Duration::days(rng.gen_range(0..16_000)),
                    female: rng.gen_bool(0.5),
                    caught,
                }
            })
            .collect();
        World {
            year,
            size,
            persons,
        }
    }

    /// The capture histories of the persons some list caught.
    fn histories(&self) -> Histories {
        let names = LISTS.iter().map(|(n, _)| (*n).to_owned()).collect();
        let seen = self.persons.iter().map(Person::history).filter(|h| *h != 0);
        Histories::new(names, seen.map(|h| (h, 1))).unwrap()
    }

    fn observed(&self) -> usize {
        self.persons.iter().filter(|p| p.history() != 0).count()
    }

    fn catches(&self) -> usize {
        self.persons
            .iter()
            .map(|p| p.history().count_ones() as usize)
            .sum()
    }
}

/// An interval read from the estimate: the profile likelihood's, or the conditional one
/// where the profile has none.
fn interval(fitted: &Value) -> (f64, f64) {
    let chosen = if fitted["profile"].is_object() {
        &fitted["profile"]
    } else {
        &fitted["conditional"]
    };
    (
        chosen["lower"].as_f64().unwrap(),
        chosen["upper"].as_f64().unwrap(),
    )
}

/// What the analyst read of one world.
struct Reading {
    size: f64,
    terms: Vec<String>,
    interval: (f64, f64),
    independence_total: f64,
    independence_interval: (f64, f64),
}

impl Reading {
    fn covers(&self) -> bool {
        (self.interval.0..=self.interval.1).contains(&self.size)
    }

    fn independence_covers(&self) -> bool {
        (self.independence_interval.0..=self.independence_interval.1).contains(&self.size)
    }
}

/// The last moment of a year, where the clock stands while that year's worlds and the
/// nine years before it are recorded (signals may be observed up to ten years back).
fn end_of(year: i32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, 12, 31, 12, 0, 0).unwrap()
}

/// The access tokens of each list's caseworker, logged in at the clock's time.
async fn log_in<S, R, B>(client: &Client<'_, S, R>) -> Vec<String>
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut tokens = Vec::new();
    for (name, _) in LISTS {
        tokens.push(client.token(&format!("cw@{name}.example")).await);
    }
    tokens
}

/// Logs every catch of `world` as a signal about the person, by the list's caseworker.
async fn record<S, R, B>(client: &Client<'_, S, R>, tokens: &[String], world: &World)
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut signals = Vec::new();
    for (i, person) in world.persons.iter().enumerate() {
        for (k, day) in person.caught.iter().enumerate() {
            let Some(day) = day else { continue };
            let observed_on = NaiveDate::from_yo_opt(world.year, *day).unwrap();
            let body = json!({
                "observed_on": observed_on,
                "region": "midden_nederland",
                "exploitation_forms": ["labour"],
                "reporting_basis": "legal_duty",
                "person": {
                    "identity": {
                        "given_names": format!("Persoon{i}"),
                        "family_name": format!("Wereld{}", world.year),
                        "date_of_birth": person.born,
                    },
                    "gender": if person.female { "female" } else { "male" },
                },
            });
            signals.push(bearer(request("POST", "/api/v1/signals"), &tokens[k]).set_json(body));
        }
    }
    // A few at once, as agencies work side by side (the test pool has four connections).
    let mut signals = signals.into_iter().peekable();
    while signals.peek().is_some() {
        let sent = signals.by_ref().take(CONCURRENT).map(|r| client.send(r));
        for reply in join_all(sent).await {
            assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
        }
    }
}

/// The analyst's stepwise estimate of `world`'s year, checked against the table the
/// world generated: the monitor saw each caught person once, on the lists that caught
/// them, so its estimate is that of the generated table.
async fn read<S, R, B>(client: &Client<'_, S, R>, analyst: &str, world: &World) -> Reading
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let lists = LISTS
        .iter()
        .map(|(name, kind)| format!("{name}%3D{}", kind.as_str()))
        .collect::<Vec<_>>()
        .join("%3B");
    let y = world.year;
    let uri = format!("/api/v1/monitor/estimate?from={y}&to={y}&lists={lists}&method=stepwise");
    let reply = client.send(bearer(request("GET", &uri), analyst)).await;
    assert_eq!(reply.status, StatusCode::OK, "{y}: {reply:?}");
    let body = reply.json();
    let e = &body["estimate"];
    assert!(e.is_object(), "{y}: no estimate: {body}");
    assert_eq!(e["observed"], world.observed(), "{y}: persons seen");
    let own = mse::estimate(
        &world.histories(),
        &Options {
            method: Method::Stepwise {
                threshold: mse::DEFAULT_THRESHOLD,
            },
            level: 0.95,
            bootstrap: None,
        },
    )
    .unwrap();
    let total = e["model"]["total"].as_f64().unwrap();
    assert!((total - own.model.total).abs() < 1e-6 * total, "{y}: {e}");
    Reading {
        size: world.size as f64,
        terms: serde_json::from_value(e["model"]["terms"].clone()).unwrap(),
        interval: interval(&e["model"]),
        independence_total: e["independence"]["total"].as_f64().unwrap(),
        independence_interval: interval(&e["independence"]),
    }
}

/// One agency per list with a caseworker (`cw@<list>.example`), and the rapporteur's
/// analyst (`an@nrm.example`), all there since `start`.
fn staff(db: &TestDb, start: DateTime<Utc>) {
    for (name, kind) in LISTS {
        let agency = AgencyBuilder::new(db).kind(kind).at(start).create();
        UserBuilder::new(db, &agency)
            .email(format!("cw@{name}.example"))
            .role(Role::Caseworker)
            .at(start)
            .create();
    }
    let nrm = AgencyBuilder::new(db)
        .kind(AgencyKind::Rapporteur)
        .at(start)
        .create();
    UserBuilder::new(db, &nrm)
        .email("an@nrm.example")
        .role(Role::Analyst)
        .at(start)
        .create();
}

/// Records `worlds` (in increasing years from 2001) through the API on `backend`,
/// delivers the monitor events and reads each world's estimate.
async fn estimates(backend: Backend, worlds: &[World]) -> Vec<Reading> {
    let db = TestDb::new(backend);
    let start = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
    let clock = ManualClock::new(start);
    let state = state_with(&db, Arc::new(clock.clone()), config_without_mfa());
    let srv = test::init_service(app(state)).await;
    let client = Client::new(&srv, TestRequest::to_request);
    staff(&db, start);
    let began = Instant::now();
    let mut tokens = Vec::new();
    let mut decade_end = 0;
    for world in worlds {
        if world.year > decade_end {
            decade_end = world.year + 9;
            clock.set(end_of(decade_end));
            tokens = log_in(&client).await;
        }
        record(&client, &tokens, world).await;
    }
    let sink = MonitorSink {
        separate: None,
        lease: chrono::Duration::minutes(5),
        batch: 500,
    };
    let report = sink
        .run_once(&mut db.pool.get().unwrap(), clock.now())
        .unwrap();
    let catches: usize = worlds.iter().map(World::catches).sum();
    assert_eq!(
        report.recorded, catches,
        "{backend:?}: one event per signal"
    );
    let recorded = began.elapsed();

    let analyst = client.token("an@nrm.example").await;
    let mut readings = Vec::new();
    for world in worlds {
        readings.push(read(&client, &analyst, world).await);
    }
    println!(
        "{backend:?}: {} worlds, {catches} signals logged and delivered in {recorded:.1?}, \
         estimated in {:.1?}",
        worlds.len(),
        began.elapsed() - recorded,
    );
    readings
}

#[actix_web::test]
async fn the_interval_covers_the_true_size_in_most_worlds_of_independent_lists() {
    let worlds: Vec<World> = (1..=50)
        .map(|i| World::generate(i, 2000 + i32::try_from(i).unwrap(), 150..=250, None))
        .collect();
    for backend in selected_backends() {
        let readings = estimates(backend, &worlds).await;
        let covered = readings.iter().filter(|r| r.covers()).count();
        let with_terms = readings.iter().filter(|r| !r.terms.is_empty()).count();
        let spurious = readings
            .iter()
            .filter(|r| r.terms.iter().any(|t| t == DEPENDENT_PAIR))
            .count();
        println!(
            "{backend:?}: the stepwise interval covers the true size in {covered} of {} \
             worlds; {with_terms} models with an interaction, {spurious} with {DEPENDENT_PAIR}",
            readings.len()
        );
        assert!(covered >= 45, "{backend:?}: covered in {covered} of 50");
        // What the other test finds is the dependence, not a habit of the selection.
        assert!(
            spurious <= 5,
            "{backend:?}: {DEPENDENT_PAIR} in {spurious} of 50"
        );
    }
}

#[actix_web::test]
async fn a_dependence_of_two_lists_is_selected_where_independence_falls_short() {
    let worlds: Vec<World> = (1..=10)
        .map(|i| {
            World::generate(
                100 + i,
                2000 + i32::try_from(i).unwrap(),
                200..=300,
                Some((0.7, 0.2)),
            )
        })
        .collect();
    for backend in selected_backends() {
        let readings = estimates(backend, &worlds).await;
        let count = |f: &dyn Fn(&Reading) -> bool| readings.iter().filter(|r| f(r)).count();
        let selected = count(&|r| r.terms.iter().any(|t| t == DEPENDENT_PAIR));
        let short = count(&|r| r.independence_total < r.size);
        let covered = count(&|r| r.covers());
        let independence_covered = count(&|r| r.independence_covers());
        println!(
            "{backend:?}: {DEPENDENT_PAIR} selected in {selected} of 10 worlds; independence \
             below the true size in {short}; intervals covering it: stepwise {covered}, \
             independence {independence_covered}"
        );
        assert!(selected >= 8, "{backend:?}: {DEPENDENT_PAIR} in {selected}");
        assert!(short >= 8, "{backend:?}: independence short in {short}");
        assert!(covered >= 8, "{backend:?}: stepwise covered in {covered}");
        assert!(covered > independence_covered, "{backend:?}");
    }
}
