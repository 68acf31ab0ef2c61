//! A generated world driven through the workflow's use cases (the functions the API
//! calls): 200 agencies of every kind, 1200 persons — many recorded by several agencies
//! with their names spelled differently — with signals (some anonymous), cases,
//! referrals and decisions over a year; some dates of birth typed wrong at first and
//! corrected on the case; receiving agencies opening their own case from a referral and
//! referring onward. After the dispatcher's monitor sink has run,
//! every counts table of up to two dimensions (and a set of three-dimension ones), the
//! flow matrix and the overlap table equal a recount this test makes from what it
//! generated, by the true identity of each person. The linkage key's secret is in no
//! stored value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use schakel_auth::RequestContext;
use schakel_crypto::MasterKeys;
use schakel_domain::{Actor, AgencyKind, ReferralAction, Region, Role, SessionId};
use schakel_monitor::MonitorSink;
use schakel_monitor::disclosure::ALL;
use schakel_monitor::{Dimension, Grain, Measure, Month, PeriodRange, Rules};
use schakel_referral_workflow::cases::{self as cases_uc, OpenCaseInput};
use schakel_referral_workflow::referrals::{self as referrals_uc, ActionInput, ReferralInput};
use schakel_referral_workflow::signals::{self as signals_uc, SignalInput};
use schakel_referral_workflow::{Env, IfMatch, WorkflowConfig};
use schakel_store::agencies::{self, NewAgency};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub(crate) const SECRET: [u8; 32] = *b"linkage-secret-0123456789abcdef!";

/// A small deterministic generator (no dependency needed for a test world).
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
}

/// A true person of the world.
struct Person {
    given: &'static str,
    family: &'static str,
    born: i32,
    gender: &'static str,
    nationality: &'static str,
}

const GIVEN: &[&str] = &[
    "José",
    "Anna-Maria",
    "Ólafur",
    "Søren",
    "Zoë",
    "Ioana",
    "Chidi",
    "Agnieszka",
    "Li Wei",
    "Fatima",
    "Mehmet",
    "Ngozi",
];
const FAMILY: &[&str] = &[
    "van der Berg",
    "de Vries",
    "Kowalczyk",
    "Þórsson",
    "Weiß",
    "Popescu",
    "Okafor",
    "Nowak",
    "ter Horst",
    "El Amrani",
    "Yılmaz",
    "d'Ancona",
];
const AGES: &[(i32, &str)] = &[
    (15, "12-17"),
    (20, "18-22"),
    (26, "23-29"),
    (34, "30-39"),
    (45, "40-49"),
    (58, "50+"),
];
const NATIONALITIES: &[(&str, &str)] = &[
    ("NL", "dutch"),
    ("PL", "eu_eea_ch"),
    ("RO", "eu_eea_ch"),
    ("NG", "non_eu"),
    ("VN", "non_eu"),
];
const FORMS: &[&str] = &["sexual", "labour", "criminal", "forced_marriage"];

/// One way an agency may have written the person's name.
fn spelling(p: &Person, variant: usize) -> (String, String) {
    let plain = |s: &str| {
        s.replace(['é', 'ë'], "e")
            .replace('Ó', "O")
            .replace('ø', "o")
            .replace('Þ', "Th")
            .replace('ó', "o")
            .replace('ß', "ss")
            .replace('ı', "i")
    };
    match variant % 5 {
        0 => (p.given.to_owned(), p.family.to_owned()),
        1 => (plain(p.given), plain(p.family)),
        2 => (
            p.given.to_uppercase(),
            format!("  {}  ", p.family.to_uppercase()),
        ),
        3 => (p.family.to_owned(), p.given.to_owned()),
        _ => (p.given.replace('-', " "), p.family.replace(' ', "  ")),
    }
}

/// An event the test expects the monitor to count (also read by `htcds_export_http`).
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    kind: &'static str,
    pub(crate) month: String,
    sender_kind: &'static str,
    region: &'static str,
    receiver_kind: Option<&'static str>,
    forms: Vec<&'static str>,
    age_band: &'static str,
    gender: &'static str,
    nationality_group: &'static str,
    basis: Option<&'static str>,
    hours: Option<i64>,
    pub(crate) person: Option<usize>,
}

struct Agency {
    id: schakel_domain::AgencyId,
    kind: AgencyKind,
    region: Region,
    worker: Actor,
    coordinator: Actor,
}

pub(crate) fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, hour, 0, 0).unwrap() + Duration::days(i64::from(day))
}

pub(crate) fn world(db: &TestDb, cfg: &WorkflowConfig) -> Vec<Expected> {
    let mut rng = Lcg(42);
    let mut conn = db.pool.get().unwrap();
    let kinds: Vec<AgencyKind> = AgencyKind::ALL
        .iter()
        .copied()
        .filter(|k| *k != AgencyKind::Rapporteur)
        .collect();
    let mut agencies_made = Vec::new();
    for i in 0..200 {
        let kind = kinds[i % kinds.len()];
        let region = Region::ALL[rng.below(Region::ALL.len())];
        let a = agencies::insert(
            &mut conn,
            &NewAgency {
                name: &format!("Organisatie {i}"),
                kind,
                region,
                contact_email: "balie@org.example",
            },
            at(0, 0),
        )
        .unwrap();
        let mut person = |role: Role| {
            let u = schakel_store::users::insert(
                &mut conn,
                &schakel_store::users::NewUser {
                    agency_id: a.id,
                    email: &format!("{role}{i}@org.example"),
                    display_name: "Medewerker",
                    role,
                    locale: "nl",
                    password_hash: None,
                },
                at(0, 0),
            )
            .unwrap();
            Actor {
                user_id: u.id,
                agency_id: a.id,
                role,
                session_id: SessionId::new_random(),
            }
        };
        let worker = person(Role::Caseworker);
        let coordinator = person(Role::Coordinator);
        agencies_made.push(Agency {
            id: a.id,
            kind,
            region,
            worker,
            coordinator,
        });
    }
    // Every true person has identifiers of their own: some share a name and differ in
    // year of birth or gender only, and must still count as different persons.
    let people: Vec<Person> = (0..1200)
        .map(|i| Person {
            given: GIVEN[i % GIVEN.len()],
            family: FAMILY[(i / GIVEN.len()) % FAMILY.len()],
            born: 2026 - AGES[(i / 144) % AGES.len()].0,
            gender: if (i / 864) % 2 == 0 { "female" } else { "male" },
            nationality: NATIONALITIES[rng.below(NATIONALITIES.len())].0,
        })
        .collect();
    let ctx = RequestContext::default();
    let mut expected = Vec::new();
    let band = |born: i32| AGES.iter().find(|(a, _)| 2026 - a == born).unwrap().1;
    let group = |n: &str| NATIONALITIES.iter().find(|(c, _)| *c == n).unwrap().1;
    let mut record = |who: usize, person: Option<usize>, variant: usize, rng: &mut Lcg| {
        let agency = &agencies_made[who];
        // Some agencies first type the date of birth wrong (a day off: the same age
        // band) and correct the case the same day.
        let typo = person.is_some() && rng.chance(8);
        let day = u32::try_from(rng.below(300)).unwrap();
        let mut forms: Vec<&'static str> = vec![FORMS[rng.below(FORMS.len())]];
        if rng.chance(30) {
            forms.push(FORMS[rng.below(FORMS.len())]);
        }
        forms.sort_unstable();
        forms.dedup();
        let basis = if person.is_some() {
            "consent"
        } else {
            "anonymous"
        };
        let region = Region::ALL[rng.below(Region::ALL.len())];
        let p = person.map(|i| &people[i]);
        let mut input = json!({
            "observed_on": at(day, 9).date_naive(),
            "region": region,
            "exploitation_forms": forms,
            "reporting_basis": basis,
        });
        if let Some(p) = p {
            let (given, family) = spelling(p, variant);
            input["person"] = json!({
                "identity": {
                    "given_names": given, "family_name": family,
                    "date_of_birth": NaiveDate::from_ymd_opt(p.born, 1, if typo { 2 } else { 1 }).unwrap(),
                    "nationalities": [p.nationality]
                },
                "gender": p.gender
            });
        }
        let input: SignalInput = serde_json::from_value(input).unwrap();
        let env = Env {
            cfg,
            ctx: &ctx,
            now: at(day, 9),
        };
        let signal = signals_uc::create_signal(&mut conn, &env, &agency.worker, &input, None)
            .unwrap()
            .into_new()
            .unwrap();
        let (age_band, gender, nat) = match p {
            Some(p) => (band(p.born), p.gender, group(p.nationality)),
            None => ("unknown", "unknown", "unknown"),
        };
        let month = at(day, 9).format("%Y-%m").to_string();
        let base = Expected {
            kind: "signal_logged",
            month: month.clone(),
            sender_kind: agency.kind.as_str(),
            region: region.as_str(),
            receiver_kind: None,
            forms: forms.clone(),
            age_band,
            gender,
            nationality_group: nat,
            basis: Some(basis),
            hours: None,
            person,
        };
        expected.push(base.clone());
        if person.is_none() || (!typo && !rng.chance(70)) {
            return;
        }
        let env = Env {
            cfg,
            ctx: &ctx,
            now: at(day, 10),
        };
        let case = cases_uc::open_case(
            &mut conn,
            &env,
            &agency.worker,
            &OpenCaseInput {
                signal_id: Some(signal.id),
                person: None,
                region: None,
                exploitation_forms: None,
                notes: None,
            },
            None,
        )
        .unwrap()
        .into_new()
        .unwrap();
        let case = if typo {
            let mut identity = case.person.identity.clone().unwrap();
            identity.date_of_birth = p.map(|p| NaiveDate::from_ymd_opt(p.born, 1, 1).unwrap());
            let env = Env {
                cfg,
                ctx: &ctx,
                now: at(day, 10) + Duration::minutes(30),
            };
            let fix = cases_uc::CorrectCaseInput {
                identity: Some(identity),
                ..cases_uc::CorrectCaseInput::default()
            };
            let version = IfMatch::Version(case.version);
            cases_uc::correct_case(&mut conn, &env, &agency.worker, case.id, version, &fix).unwrap()
        } else {
            case
        };
        expected.push(Expected {
            kind: "case_opened",
            basis: None,
            ..base.clone()
        });
        if !rng.chance(60) {
            return;
        }
        let mut to = rng.below(agencies_made.len());
        if to == who {
            to = (to + 1) % agencies_made.len();
        }
        let receiver = &agencies_made[to];
        let input: ReferralInput = serde_json::from_value(json!({
            "to_agency_id": receiver.id, "purpose": "care_coordination", "urgency": "normal"
        }))
        .unwrap();
        let env = Env {
            cfg,
            ctx: &ctx,
            now: at(day, 11),
        };
        let referral =
            referrals_uc::create_referral(&mut conn, &env, &agency.worker, case.id, &input, None)
                .unwrap()
                .into_new()
                .unwrap();
        let sent = Expected {
            kind: "referral_sent",
            region: agency.region.as_str(),
            receiver_kind: Some(receiver.kind.as_str()),
            basis: None,
            ..base.clone()
        };
        expected.push(sent.clone());
        let hours = i64::try_from(rng.below(40)).unwrap() + 1;
        let later = at(day, 11) + Duration::hours(hours);
        let env = Env {
            cfg,
            ctx: &ctx,
            now: later,
        };
        let month = later.format("%Y-%m").to_string();
        let (action, kind, by, answer) = match rng.below(4) {
            0 | 1 => (
                ReferralAction::Accept,
                "referral_accepted",
                &receiver.coordinator,
                Some(hours),
            ),
            2 => (
                ReferralAction::Decline,
                "referral_declined",
                &receiver.coordinator,
                Some(hours),
            ),
            _ => (
                ReferralAction::Withdraw,
                "referral_withdrawn",
                &agency.worker,
                None,
            ),
        };
        let input = ActionInput {
            reason: (action == ReferralAction::Decline)
                .then(|| serde_json::from_value(json!("no_capacity")).unwrap()),
            ..ActionInput::default()
        };
        referrals_uc::act(
            &mut conn,
            &env,
            by,
            referral.id,
            IfMatch::Version(referral.version),
            action,
            &input,
        )
        .unwrap();
        expected.push(Expected {
            kind,
            month,
            hours: answer,
            ..sent.clone()
        });
        // Half the accepting agencies open their own case and some refer onward: the
        // person is still one person, each hop one flow.
        if action != ReferralAction::Accept || !rng.chance(50) {
            return;
        }
        let at_receiver = later + Duration::hours(1);
        let env = Env {
            cfg,
            ctx: &ctx,
            now: at_receiver,
        };
        let own = cases_uc::open_case_from_referral(&mut conn, &env, &receiver.worker, referral.id)
            .unwrap();
        let month = at_receiver.format("%Y-%m").to_string();
        expected.push(Expected {
            kind: "case_opened",
            month: month.clone(),
            sender_kind: receiver.kind.as_str(),
            receiver_kind: None,
            basis: None,
            ..base.clone()
        });
        if !rng.chance(50) {
            return;
        }
        let mut next = rng.below(agencies_made.len());
        if next == to {
            next = (next + 1) % agencies_made.len();
        }
        let third = &agencies_made[next];
        let input: ReferralInput = serde_json::from_value(json!({
            "to_agency_id": third.id, "purpose": "care_coordination", "urgency": "normal"
        }))
        .unwrap();
        referrals_uc::create_referral(&mut conn, &env, &receiver.worker, own.id, &input, None)
            .unwrap();
        expected.push(Expected {
            kind: "referral_sent",
            month,
            sender_kind: receiver.kind.as_str(),
            region: receiver.region.as_str(),
            receiver_kind: Some(third.kind.as_str()),
            basis: None,
            ..base.clone()
        });
    };
    for (i, _) in people.iter().enumerate() {
        let times = 1 + rng.below(3);
        for t in 0..times {
            let who = rng.below(agencies_made.len());
            record(who, Some(i), i + t, &mut rng);
        }
        if rng.chance(10) {
            let who = rng.below(agencies_made.len());
            record(who, None, 0, &mut rng);
        }
    }
    expected
}

/// The category of `e` in dimension `d` (several for the exploitation form).
fn categories(e: &Expected, d: Dimension) -> Vec<String> {
    let one = |s: &str| vec![s.to_owned()];
    match d {
        Dimension::Period => {
            let m: u32 = e.month[5..].parse().unwrap();
            one(&format!("{}-Q{}", &e.month[..4], m.div_ceil(3)))
        }
        Dimension::ExploitationForm => e.forms.iter().map(|f| (*f).to_owned()).collect(),
        Dimension::AgencyKind => one(e.sender_kind),
        Dimension::Region => one(e.region),
        Dimension::AgeBand => one(e.age_band),
        Dimension::Gender => one(e.gender),
        Dimension::NationalityGroup => one(e.nationality_group),
        Dimension::ReportingBasis => one(e.basis.unwrap_or("not_applicable")),
    }
}

/// The recount of `measure` by `dims`: (value, persons) per key, `all` for totals.
fn recount(
    events: &[Expected],
    measure: Measure,
    dims: &[Dimension],
) -> BTreeMap<Vec<String>, i64> {
    let kind = match measure {
        Measure::Persons => None,
        Measure::Signals => Some("signal_logged"),
        m => Some(match m.as_str() {
            "referrals_sent" => "referral_sent",
            "referrals_accepted" => "referral_accepted",
            "referrals_declined" => "referral_declined",
            "referrals_redirected" => "referral_redirected",
            "referrals_withdrawn" => "referral_withdrawn",
            "referrals_completed" => "referral_completed",
            _ => "referral_expired",
        }),
    };
    let mut events_in: BTreeMap<Vec<String>, i64> = BTreeMap::new();
    let mut persons_in: BTreeMap<Vec<String>, BTreeSet<usize>> = BTreeMap::new();
    for e in events.iter().filter(|e| kind.is_none_or(|k| e.kind == k)) {
        // Every subset of the dimensions is a total over the others.
        for mask in 0..(1u32 << dims.len()) {
            let mut keys: Vec<Vec<String>> = vec![Vec::new()];
            for (i, d) in dims.iter().enumerate() {
                let options = if mask & (1 << i) != 0 {
                    categories(e, *d)
                } else {
                    vec![ALL.to_owned()]
                };
                keys = keys
                    .into_iter()
                    .flat_map(|k| {
                        options
                            .iter()
                            .map(move |o| [k.clone(), vec![o.clone()]].concat())
                    })
                    .collect();
            }
            for k in keys {
                *events_in.entry(k.clone()).or_default() += 1;
                if let Some(p) = e.person {
                    persons_in.entry(k).or_default().insert(p);
                }
            }
        }
    }
    if measure == Measure::Persons {
        persons_in
            .into_iter()
            .map(|(k, s)| (k, i64::try_from(s.len()).unwrap()))
            .collect()
    } else {
        events_in
    }
}

#[test]
fn the_monitor_of_a_generated_world_equals_a_recount_by_true_identity() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let cfg = WorkflowConfig::with_keys(Arc::new(MasterKeys::single("k1", SECRET)));
        let expected = world(&db, &cfg);
        let mut conn = db.pool.get().unwrap();
        // The tables as the API makes them: from the in-memory copy of the facts.
        let cube = schakel_monitor::Cube::new();
        let sink = MonitorSink {
            separate: None,
            lease: Duration::minutes(5),
            batch: 500,
        };
        let report = sink.run_once(&mut conn, at(365, 0)).unwrap();
        assert_eq!(
            report.recorded,
            expected.len(),
            "{backend:?}: every event recorded"
        );

        let exact = Rules {
            threshold: 0,
            rounding: 1,
        };
        let range = PeriodRange::new(
            Month::parse("2026-01").unwrap(),
            Month::parse("2026-12").unwrap(),
            Grain::Quarter,
        )
        .unwrap();
        let mut groupings: Vec<Vec<Dimension>> = vec![Vec::new()];
        for (i, a) in Dimension::ALL.iter().enumerate() {
            groupings.push(vec![*a]);
            for b in &Dimension::ALL[i + 1..] {
                groupings.push(vec![*a, *b]);
            }
        }
        groupings.push(vec![
            Dimension::Period,
            Dimension::ExploitationForm,
            Dimension::AgencyKind,
        ]);
        groupings.push(vec![
            Dimension::AgeBand,
            Dimension::Gender,
            Dimension::NationalityGroup,
        ]);
        groupings.push(vec![
            Dimension::Region,
            Dimension::ReportingBasis,
            Dimension::ExploitationForm,
        ]);
        let mut checked = 0;
        for measure in Measure::ALL {
            for dims in &groupings {
                let table = cube
                    .counts(&mut conn, *measure, dims, &range, exact)
                    .unwrap();
                let want = recount(&expected, *measure, dims);
                for cell in &table.cells {
                    let w = want.get(&cell.keys).copied().unwrap_or(0);
                    assert_eq!(
                        cell.value,
                        Some(w),
                        "{backend:?}: {measure:?} by {dims:?} at {:?}",
                        cell.keys
                    );
                    checked += 1;
                }
                assert!(
                    want.keys()
                        .all(|k| table.cells.iter().any(|c| &c.keys == k)),
                    "{backend:?}: {measure:?} by {dims:?}: a category missing from the table"
                );
            }
        }
        assert!(checked > 10_000, "{checked}");
        // Spelling variants are one person: distinct persons equal the true ones.
        let total = recount(&expected, Measure::Persons, &[]);
        let persons = total[&Vec::<String>::new()];
        assert!(persons > 1000, "{persons}");

        // The flow matrix.
        let flows = cube.flows(&mut conn, range.from, range.to, exact).unwrap();
        for (name, kind) in [
            ("sent", "referral_sent"),
            ("accepted", "referral_accepted"),
            ("declined", "referral_declined"),
            ("withdrawn", "referral_withdrawn"),
        ] {
            let mut want: BTreeMap<(String, String), i64> = BTreeMap::new();
            for e in expected.iter().filter(|e| e.kind == kind) {
                let r = e.receiver_kind.unwrap().to_owned();
                let s = e.sender_kind.to_owned();
                for key in [
                    (s.clone(), r.clone()),
                    (s.clone(), ALL.into()),
                    (ALL.into(), r.clone()),
                    (ALL.into(), ALL.into()),
                ] {
                    *want.entry(key).or_default() += 1;
                }
            }
            for c in flows.cells.iter().filter(|c| c.measure == name) {
                let w = want
                    .get(&(c.keys[0].clone(), c.keys[1].clone()))
                    .copied()
                    .unwrap_or(0);
                assert_eq!(c.value, Some(w), "{backend:?}: flow {name} {:?}", c.keys);
            }
        }
        let mut answers: Vec<i64> = expected.iter().filter_map(|e| e.hours).collect();
        answers.sort_unstable();
        let median = answers[(answers.len() - 1) / 2];
        let total_median = flows
            .cells
            .iter()
            .find(|c| c.measure == "median_hours_to_answer" && c.keys == [ALL, ALL])
            .unwrap();
        assert_eq!(total_median.value, Some(median), "{backend:?}");

        // The overlap: per true person, the kinds that recorded them.
        let mut captured: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
        for e in &expected {
            let (Some(p), true) = (e.person, e.month.starts_with("2026")) else {
                continue;
            };
            match e.kind {
                "signal_logged" | "case_opened" => {
                    captured.entry(p).or_default().insert(e.sender_kind);
                }
                "referral_accepted" => {
                    captured
                        .entry(p)
                        .or_default()
                        .insert(e.receiver_kind.unwrap());
                }
                _ => {}
            }
        }
        let mut want: BTreeMap<String, i64> = BTreeMap::new();
        for kinds in captured.values() {
            *want
                .entry(kinds.iter().copied().collect::<Vec<_>>().join("+"))
                .or_default() += 1;
        }
        let overlap = cube.overlap(&mut conn, 2026).unwrap();
        let got: BTreeMap<String, i64> = overlap
            .cells
            .iter()
            .map(|c| (c.keys[0].clone(), c.value.unwrap()))
            .collect();
        assert_eq!(got, want, "{backend:?}");
        assert!(
            want.keys().any(|k| k.contains('+')),
            "some persons are known to several kinds"
        );

        // The linkage secret is in no stored value of any table.
        let needles = [
            hex::encode(SECRET),
            String::from_utf8_lossy(&SECRET).into_owned(),
        ];
        let values = all_values(&mut conn);
        assert!(values.len() > 10_000, "{backend:?}: the scan sees the data");
        for v in values {
            for n in &needles {
                assert!(
                    !v.contains(n.as_str()),
                    "{backend:?}: the linkage secret is stored"
                );
            }
        }
    }
}

/// Every value of every column of every table, as text.
fn all_values(conn: &mut schakel_store::DbConn) -> Vec<String> {
    use diesel::RunQueryDsl;
    use schakel_store::DbConn;
    let columns: Vec<Pair> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table'",
        )
        .load(c)
        .unwrap(),
        DbConn::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = current_schema()",
        )
        .load(c)
        .unwrap(),
    };
    let mut out = Vec::new();
    for Pair { t, c } in columns {
        // Bytes (the monitor's packed months) as hex: PostgreSQL's text of a `bytea`
        // is its hex already.
        let rows: Vec<Row> = match conn {
            DbConn::Sqlite(x) => diesel::sql_query(format!(
                "SELECT CASE WHEN typeof(\"{c}\") = 'blob' THEN lower(hex(\"{c}\")) \
                 ELSE CAST(\"{c}\" AS TEXT) END AS v FROM \"{t}\" WHERE \"{c}\" IS NOT NULL"
            ))
            .load(x)
            .unwrap(),
            DbConn::Postgres(x) => diesel::sql_query(format!(
                "SELECT CAST(\"{c}\" AS TEXT) AS v FROM \"{t}\" WHERE \"{c}\" IS NOT NULL"
            ))
            .load(x)
            .unwrap(),
        };
        out.extend(rows.into_iter().map(|r| r.v));
    }
    out
}

#[derive(diesel::QueryableByName)]
struct Pair {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    c: String,
}

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}
