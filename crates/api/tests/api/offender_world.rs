//! A generated world of the offenders side, driven through the use cases the API
//! calls, on every selected backend: police forces, an inspectorate and the
//! Marechaussee open cases of victims (some victims recorded by two of them, their
//! names written differently) and investigations over three years; suspects are
//! registered (some true persons in two investigations, written differently), linked
//! to the victims' cases (some links taken away again), handed to one of two prosecution offices, accepted, decided
//! on, judged and sometimes appealed. After the monitor sink has run, every cell of the
//! four offender tables — without disclosure control — equals a recount this test makes
//! from what it generated, by the true identity of each suspect and victim. With
//! disclosure control, no published cell stands for fewer persons than the threshold
//! and no line of a table has exactly one suppressed cell (which its total would
//! reveal).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use schakel_auth::RequestContext;
use schakel_domain::{Actor, AgencyKind, Region, Role, SessionId};
use schakel_monitor::disclosure::ALL;
use schakel_monitor::offenders::{OffenderTable, offender_table};
use schakel_monitor::{MonitorSink, Rules, Table};
use schakel_referral_workflow::offenders::{self as uc, SuspectReferralAction};
use schakel_referral_workflow::{Env, IfMatch, WorkflowConfig};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// A small deterministic generator.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap() % n
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn days(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::try_from(self.below(usize::try_from(hi - lo + 1).unwrap())).unwrap()
    }
}

const FIRST: &[&str] = &[
    "Jan", "Piet", "Ioan", "Dragan", "Kemal", "Søren", "Zoë", "Ana",
];
const LAST: &[&str] = &["de Groot", "Popescu", "Weiß", "van Dam", "Nowak", "Yılmaz"];
const FORMS: &[&str] = &["sexual", "labour", "criminal"];
const BANDS: &[&str] = &[
    "prison_under_6_months",
    "prison_6_to_12_months",
    "prison_1_to_2_years",
    "prison_2_to_4_years",
    "prison_4_years_or_more",
];
const LAST_DAY: i64 = 1060;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days(n)
}

fn noon(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
}

/// A name as another agency wrote it: upper case, diacritics dropped.
fn variant(s: &str) -> String {
    s.replace('ø', "o")
        .replace('ë', "e")
        .replace('ß', "ss")
        .replace('ı', "i")
        .to_uppercase()
}

struct Agency {
    worker: Actor,
    coordinator: Actor,
}

/// What the test knows happened to one true suspect.
#[derive(Default)]
struct Truth {
    /// (stage, year, forms) of every step.
    steps: Vec<(&'static str, i32, Vec<&'static str>)>,
    /// Days from registration to the decision and to the first-instance judgment,
    /// with the year and forms of that step.
    to_decision: Option<(i64, i32, Vec<&'static str>)>,
    to_judgment: Option<(i64, i32, Vec<&'static str>)>,
    /// The first-instance conviction's year and bands.
    sentence: Option<(i32, Vec<&'static str>)>,
    summoned: bool,
    /// The latest judgment: (instance rank, outcome).
    latest: Option<(u8, &'static str)>,
    /// The victims linked, by the cases they are linked through.
    victims: BTreeMap<usize, BTreeSet<schakel_domain::CaseId>>,
}

struct World<'a> {
    db: &'a TestDb,
    cfg: WorkflowConfig,
    rng: Lcg,
    agencies: Vec<Agency>,
    offices: Vec<(schakel_domain::AgencyId, Agency)>,
    /// Per true victim: the years a case of theirs was opened.
    victim_years: Vec<BTreeSet<i32>>,
    /// Per agency index: (true victim, case id) of its cases.
    cases: BTreeMap<usize, Vec<(usize, schakel_domain::CaseId)>>,
    suspects: Vec<Truth>,
}

impl World<'_> {
    fn run<T>(
        &self,
        on: NaiveDate,
        f: impl FnOnce(
            &mut schakel_store::DbConn,
            &Env<'_>,
        ) -> Result<T, schakel_referral_workflow::UseCaseError>,
    ) -> T {
        let ctx = RequestContext::default();
        let env = Env {
            cfg: &self.cfg,
            ctx: &ctx,
            now: noon(on),
        };
        f(&mut self.db.pool.get().unwrap(), &env).unwrap()
    }

    fn agency(db: &TestDb, i: usize, kind: AgencyKind) -> (schakel_domain::AgencyId, Agency) {
        let mut conn = db.pool.get().unwrap();
        let at = noon(day(0));
        let a = agencies::insert(
            &mut conn,
            &NewAgency {
                name: &format!("Dienst {i}"),
                kind,
                region: Region::ALL[i % 10],
                contact_email: "b@x.example",
            },
            at,
        )
        .unwrap();
        let mut user = |role: Role| {
            let u = schakel_store::users::insert(
                &mut conn,
                &schakel_store::users::NewUser {
                    agency_id: a.id,
                    email: &format!("{role}{i}@x.example"),
                    display_name: "Medewerker",
                    role,
                    locale: "nl",
                    password_hash: None,
                },
                at,
            )
            .unwrap();
            Actor {
                user_id: u.id,
                agency_id: a.id,
                role,
                session_id: SessionId::new_random(),
            }
        };
        let worker = user(Role::Caseworker);
        let coordinator = user(Role::Coordinator);
        (
            a.id,
            Agency {
                worker,
                coordinator,
            },
        )
    }

    /// The victims' cases: each true victim recorded by one agency, a quarter of them by
    /// a second one too, written differently.
    fn victims(&mut self, n: usize) {
        for v in 0..n {
            let born = 1980 + i32::try_from(v % 25).unwrap();
            let given = FIRST[v % FIRST.len()];
            let family = format!("Slachtoffer{v}");
            let mut years = BTreeSet::new();
            let first = self.rng.below(self.agencies.len());
            let mut by = vec![(first, given.to_owned(), family.clone())];
            if self.rng.chance(25) {
                by.push((
                    (first + 1) % self.agencies.len(),
                    variant(given),
                    variant(&family),
                ));
            }
            for (a, given, family) in by {
                let on = day(self.rng.days(0, LAST_DAY));
                let input = serde_json::from_value(json!({
                    "person": { "identity": { "given_names": given, "family_name": family,
                        "date_of_birth": NaiveDate::from_ymd_opt(born, 3, 1).unwrap() },
                        "gender": "female" },
                    "region": "rotterdam", "exploitation_forms": ["sexual"]
                }))
                .unwrap();
                let who = self.agencies[a].worker;
                let case = self.run(on, |c, env| {
                    schakel_referral_workflow::cases::open_case(c, env, &who, &input, None)
                });
                self.cases
                    .entry(a)
                    .or_default()
                    .push((v, case.into_new().unwrap().id));
                years.insert(on.year());
            }
            self.victim_years.push(years);
        }
    }
}

/// Builds the world; returns it with its truths.
fn world(db: &TestDb) -> World<'_> {
    let kinds = [
        AgencyKind::Police,
        AgencyKind::Police,
        AgencyKind::Police,
        AgencyKind::LabourInspectorate,
        AgencyKind::RoyalMarechaussee,
    ];
    let agencies = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| World::agency(db, i, *k).1)
        .collect();
    let offices = (0..2)
        .map(|i| World::agency(db, 10 + i, AgencyKind::Prosecution))
        .collect();
    let mut w = World {
        db,
        cfg: WorkflowConfig::ephemeral(),
        rng: Lcg(7),
        agencies,
        offices,
        victim_years: Vec::new(),
        cases: BTreeMap::new(),
        suspects: Vec::new(),
    };
    w.victims(90);
    for t in 0..70 {
        w.suspects.push(Truth::default());
        suspect(&mut w, t);
    }
    w
}

/// One true suspect: registered (and perhaps registered again elsewhere), linked,
/// and followed through the prosecution.
fn suspect(w: &mut World<'_>, t: usize) {
    let a = w.rng.below(w.agencies.len());
    let started = w.rng.days(0, LAST_DAY - 200);
    let mut forms: Vec<&'static str> = vec![FORMS[w.rng.below(FORMS.len())]];
    if w.rng.chance(30) {
        forms.push(FORMS[w.rng.below(FORMS.len())]);
    }
    forms.sort_unstable();
    forms.dedup();
    let given = FIRST[t % FIRST.len()];
    let family = format!("{} {t}", LAST[t % LAST.len()]);
    let registered = started + w.rng.days(0, 60);
    let id = register(
        w,
        t,
        a,
        (started, registered),
        &forms,
        (given.to_owned(), family.clone()),
    );
    // A tenth are registered again by another agency, written differently, later.
    if w.rng.chance(10) {
        let b = (a + 2) % w.agencies.len();
        let again = registered + w.rng.days(1, 100);
        register(
            w,
            t,
            b,
            (again, again),
            &forms,
            (variant(given), variant(&family)),
        );
    }
    if !w.rng.chance(75) {
        return;
    }
    prosecute(w, t, a, id, registered, &forms);
}

/// Registers true suspect `t` at agency `a` in a new investigation, and links it to
/// up to three of that agency's victims' cases.
fn register(
    w: &mut World<'_>,
    t: usize,
    a: usize,
    (started, registered): (i64, i64),
    forms: &[&'static str],
    (given, family): (String, String),
) -> schakel_domain::SuspectId {
    let who = w.agencies[a].worker;
    let inv_input = serde_json::from_value(json!({
        "reference": format!("ON-{t}"), "region": "rotterdam",
        "exploitation_forms": forms, "started_on": day(started)
    }))
    .unwrap();
    let inv = w
        .run(day(started), |c, env| {
            uc::open_investigation(c, env, &who, &inv_input)
        })
        .id;
    let input = serde_json::from_value(json!({
        "identity": { "given_names": given, "family_name": family,
            "date_of_birth": NaiveDate::from_ymd_opt(1970 + i32::try_from(t % 30).unwrap(), 6, 1).unwrap() },
        "country_of_birth": "NL", "gender": "male", "role": "exploiter",
        "registered_on": day(registered)
    }))
    .unwrap();
    let id = w
        .run(day(registered), |c, env| {
            uc::add_suspect(c, env, &who, inv, &input)
        })
        .id;
    w.suspects[t]
        .steps
        .push(("registered", day(registered).year(), forms.to_vec()));
    let cases = w.cases.get(&a).cloned().unwrap_or_default();
    for _ in 0..w.rng.below(4) {
        if cases.is_empty() {
            break;
        }
        let (victim, case) = cases[w.rng.below(cases.len())];
        let link = serde_json::from_value(json!({ "case_id": case })).unwrap();
        let view = w.run(day(registered), |c, env| {
            uc::link_victim(c, env, &who, id, &link)
        });
        w.suspects[t]
            .victims
            .entry(victim)
            .or_default()
            .insert(case);
        // Some links were made in error and are taken away again.
        if w.rng.chance(20) {
            let made = view
                .victims
                .iter()
                .find(|l| l.case_id == Some(case))
                .unwrap()
                .id;
            w.run(day(registered), |c, env| {
                uc::unlink_victim(c, env, &who, id, made)
            });
            let cases = w.suspects[t].victims.get_mut(&victim).unwrap();
            cases.remove(&case);
            if cases.is_empty() {
                w.suspects[t].victims.remove(&victim);
            }
        }
    }
    id
}

/// Hands a suspect to a prosecution office, which accepts, decides and (after a
/// summons) has it judged, sometimes on appeal too; steps past the world's last day
/// do not happen.
fn prosecute(
    w: &mut World<'_>,
    t: usize,
    a: usize,
    id: schakel_domain::SuspectId,
    registered: i64,
    forms: &[&'static str],
) {
    let who = w.agencies[a].worker;
    let office = w.rng.below(w.offices.len());
    let (om_id, om_coord, om_worker) = {
        let (om, o) = &w.offices[office];
        (*om, o.coordinator, o.worker)
    };
    let referred = registered + w.rng.days(1, 30);
    if referred > LAST_DAY {
        return;
    }
    let input = serde_json::from_value(json!({ "to_agency_id": om_id })).unwrap();
    let r = w.run(day(referred), |c, env| {
        uc::refer_suspect(c, env, &who, id, &input)
    });
    w.suspects[t]
        .steps
        .push(("referred", day(referred).year(), forms.to_vec()));
    let answer = uc::SuspectReferralAnswer::default();
    w.run(day(referred), |c, env| {
        uc::act_on_suspect_referral(
            c,
            env,
            &om_coord,
            r.id,
            SuspectReferralAction::Accept,
            IfMatch::Version(r.version),
            &answer,
        )
    });
    let decided = referred + w.rng.days(5, 200);
    if decided > LAST_DAY {
        return;
    }
    let decision = [
        "summons",
        "summons",
        "summons",
        "dismissal_evidence",
        "dismissal_policy",
        "out_of_court",
        "joined",
    ][w.rng.below(7)];
    let input = serde_json::from_value(json!({ "decision": decision, "decided_on": day(decided) }))
        .unwrap();
    w.run(day(decided), |c, env| {
        uc::record_decision(c, env, &om_worker, id, &input)
    });
    let y = day(decided).year();
    let truth = &mut w.suspects[t];
    truth.steps.push(("decided", y, forms.to_vec()));
    truth.to_decision = Some((decided - registered, y, forms.to_vec()));
    if decision != "summons" {
        return;
    }
    truth.summoned = true;
    truth.steps.push(("summoned", y, forms.to_vec()));
    let mut last = decided;
    for (rank, instance) in [(0u8, "first_instance"), (1, "appeal")] {
        if rank == 1 && !w.rng.chance(30) {
            return;
        }
        let judged = last + w.rng.days(10, 250);
        if judged > LAST_DAY {
            return;
        }
        let outcome = [
            "convicted_trafficking",
            "convicted_trafficking",
            "convicted_other",
            "acquitted",
            "other",
        ][w.rng.below(5)];
        let mut sentence: Vec<&'static str> = Vec::new();
        if outcome.starts_with("convicted") {
            if w.rng.chance(70) {
                sentence.push(BANDS[w.rng.below(BANDS.len())]);
            }
            if sentence.is_empty() || w.rng.chance(30) {
                sentence
                    .push(["conditional", "community_service", "fine", "measure"][w.rng.below(4)]);
            }
        }
        let input = serde_json::from_value(json!({
            "instance": instance, "outcome": outcome, "sentence": sentence, "judged_on": day(judged)
        }))
        .unwrap();
        w.run(day(judged), |c, env| {
            uc::record_judgment(c, env, &om_worker, id, &input)
        });
        let y = day(judged).year();
        let truth = &mut w.suspects[t];
        truth.latest = Some((rank, outcome));
        if rank == 0 {
            truth.steps.push(("judged", y, forms.to_vec()));
            truth.to_judgment = Some((judged - registered, y, forms.to_vec()));
            match outcome {
                "convicted_trafficking" => truth.steps.push(("convicted", y, forms.to_vec())),
                "convicted_other" => truth.steps.push(("convicted_other", y, forms.to_vec())),
                _ => {}
            }
            if outcome.starts_with("convicted") {
                truth.sentence = Some((y, sentence.clone()));
            }
        }
        last = judged;
    }
}

/// The expected value of every cell, by (measure, keys).
type Expected = BTreeMap<(String, Vec<String>), i64>;

fn keys_of(year: i32, codes: &[&str]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for y in [year.to_string(), ALL.to_owned()] {
        out.push(vec![y.clone(), ALL.to_owned()]);
        for c in codes {
            out.push(vec![y.clone(), (*c).to_owned()]);
        }
    }
    out
}

fn distinct(into: &mut Expected, sets: BTreeMap<(String, Vec<String>), BTreeSet<usize>>) {
    for (k, s) in sets {
        into.insert(k, i64::try_from(s.len()).unwrap());
    }
}

fn recount(w: &World<'_>, table: OffenderTable) -> Expected {
    let mut sets: BTreeMap<(String, Vec<String>), BTreeSet<usize>> = BTreeMap::new();
    let mut out = Expected::new();
    match table {
        OffenderTable::Funnel => {
            for (t, truth) in w.suspects.iter().enumerate() {
                for (stage, y, forms) in &truth.steps {
                    for k in keys_of(*y, forms) {
                        sets.entry(((*stage).to_owned(), k)).or_default().insert(t);
                    }
                }
            }
        }
        OffenderTable::Sentences => {
            for (t, truth) in w.suspects.iter().enumerate() {
                if let Some((y, bands)) = &truth.sentence {
                    for k in keys_of(*y, bands) {
                        sets.entry(("convicted_suspects".into(), k))
                            .or_default()
                            .insert(t);
                    }
                }
            }
        }
        OffenderTable::Durations => {
            let mut days: BTreeMap<(String, Vec<String>), Vec<i64>> = BTreeMap::new();
            for truth in &w.suspects {
                for (measure, step) in [
                    ("median_days_to_decision", &truth.to_decision),
                    ("median_days_to_judgment", &truth.to_judgment),
                ] {
                    if let Some((d, y, forms)) = step {
                        for k in keys_of(*y, forms) {
                            days.entry((measure.to_owned(), k)).or_default().push(*d);
                        }
                    }
                }
            }
            for (k, mut d) in days {
                d.sort_unstable();
                out.insert(k, d[(d.len() - 1) / 2]);
            }
        }
        OffenderTable::Victims => {
            for (v, years) in w.victim_years.iter().enumerate() {
                let linked: Vec<&Truth> = w
                    .suspects
                    .iter()
                    .filter(|s| s.victims.contains_key(&v))
                    .collect();
                let flags = [
                    ("identified", true),
                    ("linked", !linked.is_empty()),
                    ("prosecuted", linked.iter().any(|s| s.summoned)),
                    (
                        "convicted",
                        linked
                            .iter()
                            .any(|s| matches!(s.latest, Some((_, "convicted_trafficking")))),
                    ),
                ];
                for y in years
                    .iter()
                    .map(ToString::to_string)
                    .chain([ALL.to_owned()])
                {
                    for (m, on) in flags {
                        if on {
                            sets.entry((m.to_owned(), vec![y.clone()]))
                                .or_default()
                                .insert(v);
                        }
                    }
                }
            }
        }
    }
    distinct(&mut out, sets);
    out
}

fn table(db: &TestDb, t: OffenderTable, rules: Rules) -> Table {
    let mut conn = db.pool.get().unwrap();
    offender_table(&mut conn, t, 2024, 2026, rules).unwrap()
}

#[test]
fn the_offender_tables_of_a_generated_world_equal_a_recount_by_true_identity() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let w = world(&db);
        let sink = MonitorSink::new(Duration::minutes(5), 500);
        let report = sink
            .run_once(&mut db.pool.get().unwrap(), noon(day(LAST_DAY + 1)))
            .unwrap();
        assert_eq!(report.refused, 0, "{backend:?}");
        let exact = Rules {
            threshold: 0,
            rounding: 1,
        };
        let mut nonzero = 0;
        for t in OffenderTable::ALL {
            let expected = recount(&w, t);
            let got = table(&db, t, exact);
            for c in &got.cells {
                let want = expected.get(&(c.measure.clone(), c.keys.clone())).copied();
                let want = match t {
                    OffenderTable::Durations => want,
                    _ => Some(want.unwrap_or(0)),
                };
                assert_eq!(
                    c.value, want,
                    "{backend:?} {t:?} {} {:?}",
                    c.measure, c.keys
                );
                nonzero += usize::from(c.value.is_some_and(|v| v > 0));
            }
            for (measure, keys) in expected.keys() {
                assert!(
                    got.cells
                        .iter()
                        .any(|c| &c.measure == measure && &c.keys == keys),
                    "{t:?}: no published cell {measure} {keys:?}"
                );
            }
        }
        assert!(
            nonzero > 100,
            "the world is too thin to test anything: {nonzero}"
        );
        // With disclosure control: no cell below the threshold, no lone suppressed cell
        // in a line.
        let rules = Rules {
            threshold: 5,
            rounding: 1,
        };
        for t in OffenderTable::ALL {
            let exact_cells = table(&db, t, exact).cells;
            let got = table(&db, t, rules);
            let mut suppressed = 0;
            for (c, e) in got.cells.iter().zip(&exact_cells) {
                assert_eq!((&c.measure, &c.keys), (&e.measure, &e.keys));
                match (c.value, e.value) {
                    (Some(v), Some(x)) => {
                        assert_eq!(v, x, "{t:?}: a published value changed");
                        if t != OffenderTable::Durations {
                            assert!(
                                x == 0 || x >= rules.threshold,
                                "{t:?} {:?}: {x} published",
                                c.keys
                            );
                        }
                    }
                    (None, Some(_)) => suppressed += 1,
                    (v, x) => assert_eq!(v, x, "{t:?} {:?}", c.keys),
                }
            }
            assert!(
                t == OffenderTable::Durations || suppressed > 0 || t == OffenderTable::Victims,
                "{t:?}: nothing suppressed"
            );
            if t != OffenderTable::Durations {
                lines_hold(&got);
            }
        }
    }
}

/// No line (the cells that differ in one key only, its total included) has exactly
/// one suppressed cell.
fn lines_hold(t: &Table) {
    let dims = t.dimensions.len();
    for d in 0..dims {
        let mut lines: BTreeMap<(String, Vec<String>), usize> = BTreeMap::new();
        for c in &t.cells {
            let mut rest = c.keys.clone();
            rest.remove(d);
            let n = lines.entry((c.measure.clone(), rest)).or_default();
            *n += usize::from(c.suppressed.is_some());
        }
        for (line, n) in lines {
            assert_ne!(
                n, 1,
                "{}: line {line:?} has one suppressed cell",
                t.definitions.table
            );
        }
    }
}
