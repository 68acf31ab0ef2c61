//! The monitor's tables recounted by hand.
//!
//! A seeded, pseudo-random world of monitor events (persons who recur, anonymous
//! signals, events with no, one or several exploitation forms, a few events outside the
//! period asked for) is recorded in a fresh database of every selected backend. Its
//! counts for every measure and every grouping of up to two dimensions (and some of
//! three), its flow matrix with the median time to answer, and its overlap table must
//! equal a recount made here from the events in memory, without SQL. With disclosure
//! control on, no published cell stands for fewer persons than the threshold, and the
//! CSV of a table says exactly what its JSON says. A message delivered twice is counted
//! once, and an event that is not a monitor event is refused.
//!
//! Every table is made twice, by the SQL over the stored facts and by the in-memory
//! copy ([`Cube`]), and the two must be the same table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use schakel_domain::PersonRelink;
use schakel_monitor::query::QueryError;
use schakel_monitor::{
    Cube, Dimension, Event, Grain, Measure, Month, PeriodRange, Rules, Table, record,
};
use schakel_store::DbConn;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// No suppression, no rounding: the exact counts.
const EXACT: Rules = Rules {
    threshold: 0,
    rounding: 1,
};

// ---------------------------------------------------------------------------------------
// Both ways of making a table
// ---------------------------------------------------------------------------------------

fn counts(
    conn: &mut DbConn,
    measure: Measure,
    dims: &[Dimension],
    range: &PeriodRange,
    rules: Rules,
) -> Result<Table, QueryError> {
    let sql = schakel_monitor::counts(conn, measure, dims, range, rules)?;
    let held = Cube::new().counts(conn, measure, dims, range, rules)?;
    assert_eq!(
        held, sql,
        "{measure:?} by {dims:?} over {range:?}: the copy differs"
    );
    Ok(sql)
}

fn flows(conn: &mut DbConn, from: Month, to: Month, rules: Rules) -> Result<Table, QueryError> {
    let sql = schakel_monitor::flows(conn, from, to, rules)?;
    let held = Cube::new().flows(conn, from, to, rules)?;
    assert_eq!(held, sql, "flows {from}..{to}: the copy differs");
    Ok(sql)
}

fn overlap(conn: &mut DbConn, year: u16) -> Result<Table, QueryError> {
    let sql = schakel_monitor::overlap(conn, year)?;
    let held = Cube::new().overlap(conn, year)?;
    assert_eq!(held, sql, "overlap {year}: the copy differs");
    Ok(sql)
}

// ---------------------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------------------

/// SplitMix64: small, seeded and the same on every platform and in every version.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
}

/// Every kind of monitor event, with how often it occurs.
const KIND_WEIGHTS: &[(&str, usize)] = &[
    ("signal_logged", 22),
    ("case_opened", 10),
    ("case_closed", 4),
    ("referral_sent", 16),
    ("referral_accepted", 12),
    ("referral_declined", 6),
    ("referral_redirected", 4),
    ("referral_withdrawn", 3),
    ("referral_completed", 4),
    ("referral_expired", 3),
];
const AGENCY_KINDS: &[&str] = &[
    "municipality",
    "police",
    "shelter_categorical",
    "ngo",
    "care_coordination",
    "labour_inspectorate",
];
const REGIONS: &[&str] = &[
    "amsterdam",
    "rotterdam",
    "den_haag",
    "oost_nederland",
    "limburg",
];
const FORMS: &[&str] = &["sexual", "labour", "criminal"];
const AGE_BANDS: &[&str] = &["12-17", "18-22", "23-29", "30-39"];
const GENDERS: &[&str] = &["female", "male"];
const NATIONALITY_GROUPS: &[&str] = &["dutch", "eu_eea_ch", "non_eu"];
const BASES: &[&str] = &[
    "legal_duty",
    "consent",
    "public_task",
    "legitimate_interest",
];

const EVENTS: usize = 400;
const PERSONS: usize = 60;

/// A person who recurs across events, with the attributes they keep.
struct Person {
    pseudonym: String,
    age_band: &'static str,
    gender: &'static str,
    nationality_group: &'static str,
}

/// One recorded event and the id of the message that carried it.
struct Recorded {
    id: String,
    event: Event,
}

/// The same world every time: ~400 events of 60 recurring persons and some anonymous
/// ones, mostly in 2025 and 2026 and a few just outside.
fn world() -> Vec<Recorded> {
    let mut rng = Rng(0x5C4A_4B31_2026_0001);
    // Every third person is an unlinkable record (no name or no full date of birth).
    let persons: Vec<Person> = (0..PERSONS)
        .map(|i| Person {
            pseudonym: format!(
                "{}{:016x}{:016x}{:016x}{:016x}",
                if i % 3 == 0 { "u:" } else { "" },
                rng.next(),
                rng.next(),
                rng.next(),
                rng.next()
            ),
            age_band: rng.pick(AGE_BANDS),
            gender: rng.pick(GENDERS),
            nationality_group: rng.pick(NATIONALITY_GROUPS),
        })
        .collect();
    let total_weight: usize = KIND_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut out = Vec::with_capacity(EVENTS);
    for i in 0..EVENTS {
        let mut roll = rng.below(total_weight);
        let mut kind = KIND_WEIGHTS[0].0;
        for (k, w) in KIND_WEIGHTS {
            if roll < *w {
                kind = k;
                break;
            }
            roll -= w;
        }
        let month = match rng.below(100) {
            0 | 1 => "2024-12".to_owned(),
            2 | 3 => "2027-01".to_owned(),
            _ => format!("{}-{:02}", 2025 + rng.below(2), 1 + rng.below(12)),
        };
        let person = (!rng.percent(10)).then(|| &persons[rng.below(persons.len())]);
        let (age_band, gender, nationality_group) = match person {
            Some(p) => (p.age_band, p.gender, p.nationality_group),
            None => (
                rng.pick(AGE_BANDS),
                rng.pick(GENDERS),
                rng.pick(NATIONALITY_GROUPS),
            ),
        };
        // Drawn with replacement: now and then the same form twice, which must count
        // as one.
        let forms: Vec<&str> = (0..rng.below(3)).map(|_| rng.pick(FORMS)).collect();
        let is_referral = kind.starts_with("referral_");
        let (receiver_kind, receiver_region) = if is_referral {
            (Some(rng.pick(AGENCY_KINDS)), Some(rng.pick(REGIONS)))
        } else {
            (None, None)
        };
        let reporting_basis = (kind == "signal_logged").then(|| {
            if person.is_none() {
                "anonymous"
            } else {
                rng.pick(BASES)
            }
        });
        let answered = matches!(
            kind,
            "referral_accepted" | "referral_declined" | "referral_redirected"
        );
        let hours_to_answer = (answered && !rng.percent(10)).then(|| rng.below(400));
        let payload = json!({
            "kind": kind,
            "month": month,
            "sender_kind": rng.pick(AGENCY_KINDS),
            "sender_region": rng.pick(REGIONS),
            "receiver_kind": receiver_kind,
            "receiver_region": receiver_region,
            "exploitation_forms": forms,
            "age_band": age_band,
            "gender": gender,
            "nationality_group": nationality_group,
            "reporting_basis": reporting_basis,
            "hours_to_answer": hours_to_answer,
            "pseudonym": person.map(|p| p.pseudonym.clone()),
        });
        let event = Event::from_payload(&payload)
            .unwrap_or_else(|e| panic!("generated event {i} is refused: {e}: {payload}"));
        out.push(Recorded {
            id: format!("e{i:04}"),
            event,
        });
    }
    out
}

/// A fresh database of `backend` holding the recorded world.
fn recorded_world(backend: schakel_store::Backend) -> (TestDb, Vec<Recorded>) {
    let db = TestDb::new(backend);
    let events = world();
    let mut conn = db.pool.get().expect("connection");
    for r in &events {
        let counted = record(&mut conn, &r.id, &r.event)
            .unwrap_or_else(|e| panic!("{backend:?}: recording {} fails: {e}", r.id));
        assert!(counted, "{backend:?}: {} was counted before", r.id);
    }
    drop(conn);
    (db, events)
}

fn month(s: &str) -> Month {
    Month::parse(s).expect("a month")
}

fn range(from: &str, to: &str, grain: Grain) -> PeriodRange {
    PeriodRange::new(month(from), month(to), grain).expect("a range")
}

fn in_months(e: &Event, from: Month, to: Month) -> bool {
    let m = month(&e.month);
    from <= m && m <= to
}

// ---------------------------------------------------------------------------------------
// The recount
// ---------------------------------------------------------------------------------------

/// The event kind a measure counts, written out here rather than asked of the crate.
fn kind_counted(measure: Measure) -> Option<&'static str> {
    match measure {
        Measure::Persons => None,
        Measure::Signals => Some("signal_logged"),
        Measure::ReferralsSent => Some("referral_sent"),
        Measure::ReferralsAccepted => Some("referral_accepted"),
        Measure::ReferralsDeclined => Some("referral_declined"),
        Measure::ReferralsRedirected => Some("referral_redirected"),
        Measure::ReferralsWithdrawn => Some("referral_withdrawn"),
        Measure::ReferralsCompleted => Some("referral_completed"),
        Measure::ReferralsExpired => Some("referral_expired"),
    }
}

/// The period of a `YYYY-MM` month at a grain.
fn period_of(month: &str, grain: Grain) -> String {
    let (year, m) = month.split_once('-').expect("YYYY-MM");
    let m: u32 = m.parse().expect("a month number");
    match grain {
        Grain::Month => month.to_owned(),
        Grain::Quarter => format!("{year}-Q{}", m.div_ceil(3)),
        Grain::Year => year.to_owned(),
    }
}

/// The categories of an event along one dimension: one, except for the exploitation
/// form, where it is each distinct form (`unknown` when it names none).
fn categories_of(e: &Event, dim: Dimension, grain: Grain) -> Vec<String> {
    match dim {
        Dimension::Period => vec![period_of(&e.month, grain)],
        Dimension::ExploitationForm => {
            let forms: BTreeSet<String> = e
                .exploitation_forms
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect();
            if forms.is_empty() {
                vec!["unknown".to_owned()]
            } else {
                forms.into_iter().collect()
            }
        }
        Dimension::AgencyKind => vec![e.sender_kind.as_str().to_owned()],
        Dimension::Region => vec![e.sender_region.as_str().to_owned()],
        Dimension::AgeBand => vec![e.age_band.as_str().to_owned()],
        Dimension::Gender => vec![e.gender.as_str().to_owned()],
        Dimension::NationalityGroup => vec![e.nationality_group.as_str().to_owned()],
        Dimension::ReportingBasis => vec![
            e.reporting_basis
                .map_or("not_applicable", |b| b.as_str())
                .to_owned(),
        ],
    }
}

/// Every cell an event falls in: for each subset of the dimensions, each combination of
/// its categories there, with `all` for the dimensions not in the subset.
fn cells_of(e: &Event, dims: &[Dimension], grain: Grain) -> BTreeSet<Vec<String>> {
    let per_dim: Vec<Vec<String>> = dims.iter().map(|d| categories_of(e, *d, grain)).collect();
    let mut out = BTreeSet::new();
    for mask in 0..(1u32 << dims.len()) {
        let mut keys: Vec<Vec<String>> = vec![Vec::new()];
        for (i, cats) in per_dim.iter().enumerate() {
            let choices: Vec<String> = if mask & (1 << i) != 0 {
                cats.clone()
            } else {
                vec!["all".to_owned()]
            };
            keys = keys
                .into_iter()
                .flat_map(|prefix| {
                    choices.iter().map(move |c| {
                        let mut k = prefix.clone();
                        k.push(c.clone());
                        k
                    })
                })
                .collect();
        }
        out.extend(keys);
    }
    out
}

/// What every cell of a counts table must hold, computed from the events in memory.
/// Cells not in the map are zero.
fn recount_counts(
    events: &[Recorded],
    measure: Measure,
    dims: &[Dimension],
    range: &PeriodRange,
) -> BTreeMap<Vec<String>, i64> {
    let mut persons: BTreeMap<Vec<String>, BTreeSet<&str>> = BTreeMap::new();
    let mut events_in: BTreeMap<Vec<String>, i64> = BTreeMap::new();
    for r in events {
        let e = &r.event;
        if !in_months(e, range.from, range.to) {
            continue;
        }
        if kind_counted(measure).is_some_and(|k| k != e.kind.as_str()) {
            continue;
        }
        for cell in cells_of(e, dims, range.grain) {
            if let Some(p) = &e.pseudonym {
                persons.entry(cell.clone()).or_default().insert(p);
            }
            *events_in.entry(cell).or_default() += 1;
        }
    }
    if measure == Measure::Persons {
        persons
            .into_iter()
            .map(|(k, set)| (k, i64::try_from(set.len()).unwrap()))
            .collect()
    } else {
        events_in
    }
}

/// The share of unlinkable records among the distinct persons of a persons table, in
/// whole percent rounded half up; none for other measures.
fn recount_unlinkable_percent(
    events: &[Recorded],
    measure: Measure,
    range: &PeriodRange,
) -> Option<i64> {
    if measure != Measure::Persons {
        return None;
    }
    let persons: BTreeSet<&str> = events
        .iter()
        .map(|r| &r.event)
        .filter(|e| in_months(e, range.from, range.to))
        .filter_map(|e| e.pseudonym.as_deref())
        .collect();
    let all = i64::try_from(persons.len()).unwrap();
    let unlinked = i64::try_from(persons.iter().filter(|p| p.starts_with("u:")).count()).unwrap();
    assert!(unlinked > 0 && unlinked < all, "the world mixes both");
    Some((200 * unlinked + all) / (2 * all))
}

/// The distinct persons of every cell of a grouping, whatever the kind of event.
fn recount_persons(
    events: &[Recorded],
    dims: &[Dimension],
    range: &PeriodRange,
) -> BTreeMap<Vec<String>, i64> {
    recount_counts(events, Measure::Persons, dims, range)
}

/// Compares every cell of a table with the recount; returns the differences.
fn differences(
    table: &Table,
    measure: Measure,
    expected: &BTreeMap<Vec<String>, i64>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for cell in &table.cells {
        if !seen.insert(cell.keys.clone()) {
            out.push(format!("cell {:?} appears twice", cell.keys));
        }
        let want = expected.get(&cell.keys).copied().unwrap_or(0);
        if cell.measure != measure.as_str() {
            out.push(format!("cell {:?} has measure {}", cell.keys, cell.measure));
        }
        if cell.value != Some(want) || cell.suppressed.is_some() {
            out.push(format!(
                "cell {:?}: table {:?} ({:?}), recount {want}",
                cell.keys, cell.value, cell.suppressed
            ));
        }
    }
    for (keys, n) in expected {
        if *n != 0 && !seen.contains(keys) {
            out.push(format!(
                "cell {keys:?} (recount {n}) is missing from the table"
            ));
        }
    }
    out
}

fn check_counts(
    conn: &mut DbConn,
    backend: schakel_store::Backend,
    events: &[Recorded],
    measure: Measure,
    dims: &[Dimension],
    range: &PeriodRange,
) {
    let table = counts(conn, measure, dims, range, EXACT)
        .unwrap_or_else(|e| panic!("{backend:?}: {measure:?} by {dims:?}: {e}"));
    let dim_names: Vec<&str> = dims.iter().map(|d| d.as_str()).collect();
    assert_eq!(
        table.dimensions, dim_names,
        "{backend:?}: {measure:?} by {dims:?}: the table's dimensions"
    );
    let expected = recount_counts(events, measure, dims, range);
    assert_eq!(
        table.definitions.unlinkable_percent,
        recount_unlinkable_percent(events, measure, range),
        "{backend:?}: {measure:?} by {dims:?}: the unlinkable share"
    );
    let diffs = differences(&table, measure, &expected);
    assert!(
        diffs.is_empty(),
        "{backend:?}: {measure:?} by {dims:?} over {range:?}: {} differences, first: {:#?}",
        diffs.len(),
        &diffs[..diffs.len().min(15)]
    );
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

#[test]
fn counts_equal_an_independent_recount_for_every_grouping() {
    use Dimension as D;
    let mut groupings: Vec<Vec<Dimension>> = vec![vec![]];
    for (i, a) in D::ALL.iter().enumerate() {
        groupings.push(vec![*a]);
        for b in &D::ALL[i + 1..] {
            groupings.push(vec![*a, *b]);
        }
    }
    groupings.extend([
        vec![D::Period, D::ExploitationForm, D::AgencyKind],
        vec![D::ExploitationForm, D::Gender, D::ReportingBasis],
        vec![D::Region, D::AgeBand, D::NationalityGroup],
        vec![D::ReportingBasis, D::Period, D::ExploitationForm],
        vec![D::Gender, D::Region, D::Period],
    ]);
    assert_eq!(groupings.len(), 1 + 8 + 28 + 5);
    let quarters = range("2025-01", "2026-12", Grain::Quarter);
    for backend in selected_backends() {
        let (db, events) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        // The world is not trivial: every measure has something to count in range.
        for measure in Measure::ALL {
            let total = recount_counts(&events, *measure, &[], &quarters);
            assert!(
                total.get(&vec![]).copied().unwrap_or(0) > 0,
                "{backend:?}: the world has no {measure:?}"
            );
        }
        for measure in Measure::ALL {
            for dims in &groupings {
                check_counts(&mut conn, backend, &events, *measure, dims, &quarters);
            }
        }
        // The other grains, on a shorter range (the months outside it not counted).
        let months = range("2025-04", "2025-09", Grain::Month);
        let years = range("2025-01", "2026-12", Grain::Year);
        for measure in Measure::ALL {
            let by = [D::Period, D::ExploitationForm];
            check_counts(&mut conn, backend, &events, *measure, &by, &months);
            check_counts(&mut conn, backend, &events, *measure, &by, &years);
        }
    }
}

/// The states of the flow matrix and the event kind of each.
const FLOW_STATES: &[(&str, &str)] = &[
    ("sent", "referral_sent"),
    ("accepted", "referral_accepted"),
    ("declined", "referral_declined"),
    ("withdrawn", "referral_withdrawn"),
    ("expired", "referral_expired"),
];

/// The cell keys (sender kind, receiver kind) an event of a flow counts under, totals
/// included.
fn flow_keys(e: &Event) -> Option<[Vec<String>; 4]> {
    let s = e.sender_kind.as_str().to_owned();
    let r = e.receiver_kind?.as_str().to_owned();
    let all = "all".to_owned();
    Some([
        vec![s.clone(), r.clone()],
        vec![s, all.clone()],
        vec![all.clone(), r],
        vec![all.clone(), all],
    ])
}

/// The lower middle of the sorted values for an even count, the middle for an odd one.
fn lower_median(mut hours: Vec<i64>) -> Option<i64> {
    hours.sort_unstable();
    match hours.len() {
        0 => None,
        n if n % 2 == 1 => Some(hours[n / 2]),
        n => Some(hours[n / 2 - 1]),
    }
}

#[test]
fn flows_equal_a_recount_including_the_median_time_to_answer() {
    for backend in selected_backends() {
        let (db, events) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        for (from, to) in [("2025-01", "2026-12"), ("2025-07", "2026-03")] {
            let (from, to) = (month(from), month(to));
            let table = flows(&mut conn, from, to, EXACT)
                .unwrap_or_else(|e| panic!("{backend:?}: flows {from}..{to}: {e}"));
            let in_range: Vec<&Event> = events
                .iter()
                .map(|r| &r.event)
                .filter(|e| in_months(e, from, to))
                .collect();
            let mut diffs = Vec::new();

            let measures: BTreeSet<&str> = table.cells.iter().map(|c| c.measure.as_str()).collect();
            let mut want_measures: BTreeSet<&str> = FLOW_STATES.iter().map(|(m, _)| *m).collect();
            want_measures.insert("median_hours_to_answer");
            assert_eq!(measures, want_measures, "{backend:?}: the flow measures");

            for (measure, kind) in FLOW_STATES {
                let mut expected: BTreeMap<Vec<String>, i64> = BTreeMap::new();
                for e in in_range.iter().filter(|e| e.kind.as_str() == *kind) {
                    for k in flow_keys(e).expect("referrals name a receiver") {
                        *expected.entry(k).or_default() += 1;
                    }
                }
                assert!(
                    !expected.is_empty(),
                    "{backend:?}: the world has no {kind} in {from}..{to}"
                );
                let mut seen = BTreeSet::new();
                for cell in table.cells.iter().filter(|c| c.measure == *measure) {
                    seen.insert(cell.keys.clone());
                    let want = expected.get(&cell.keys).copied().unwrap_or(0);
                    if cell.value != Some(want) || cell.suppressed.is_some() {
                        diffs.push(format!(
                            "{measure} {:?}: table {:?} ({:?}), recount {want}",
                            cell.keys, cell.value, cell.suppressed
                        ));
                    }
                }
                for keys in expected.keys().filter(|k| !seen.contains(*k)) {
                    diffs.push(format!("{measure} {keys:?} is missing from the table"));
                }
            }

            let mut answers: BTreeMap<Vec<String>, Vec<i64>> = BTreeMap::new();
            for e in in_range.iter().filter(|e| {
                matches!(
                    e.kind.as_str(),
                    "referral_accepted" | "referral_declined" | "referral_redirected"
                )
            }) {
                let Some(h) = e.hours_to_answer else { continue };
                for k in flow_keys(e).expect("referrals name a receiver") {
                    answers.entry(k).or_default().push(h);
                }
            }
            // Both parities occur among the cells, so the even case is really tested.
            assert!(answers.values().any(|v| v.len() % 2 == 0 && v.len() > 1));
            assert!(answers.values().any(|v| v.len() % 2 == 1 && v.len() > 1));
            let mut seen = BTreeSet::new();
            for cell in table
                .cells
                .iter()
                .filter(|c| c.measure == "median_hours_to_answer")
            {
                seen.insert(cell.keys.clone());
                let want = answers.get(&cell.keys).cloned().and_then(lower_median);
                if cell.value != want || cell.suppressed.is_some() {
                    diffs.push(format!(
                        "median {:?}: table {:?} ({:?}), recount {want:?}",
                        cell.keys, cell.value, cell.suppressed
                    ));
                }
            }
            for keys in answers.keys().filter(|k| !seen.contains(*k)) {
                diffs.push(format!("median {keys:?} is missing from the table"));
            }

            assert!(
                diffs.is_empty(),
                "{backend:?}: flows {from}..{to}: {} differences, first: {:#?}",
                diffs.len(),
                &diffs[..diffs.len().min(15)]
            );
        }
    }
}

#[test]
fn overlap_counts_each_person_once_under_the_agency_kinds_that_recorded_them() {
    for backend in selected_backends() {
        let (db, events) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        for year in [2024u16, 2025, 2026, 2027] {
            let mut kinds_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            let mut unlinkable: BTreeSet<&str> = BTreeSet::new();
            for e in events.iter().map(|r| &r.event) {
                let Some(p) = e.pseudonym.as_deref() else {
                    continue;
                };
                if !e.month.starts_with(&format!("{year}-")) {
                    continue;
                }
                let recorded = matches!(e.kind.as_str(), "signal_logged" | "case_opened")
                    || (e.kind.as_str() == "referral_accepted" && e.receiver_kind.is_some());
                // Unlinkable records never enter the overlap table, only its share.
                if p.starts_with("u:") {
                    if recorded {
                        unlinkable.insert(p);
                    }
                    continue;
                }
                let kind = match e.kind.as_str() {
                    "signal_logged" | "case_opened" => Some(e.sender_kind.as_str()),
                    "referral_accepted" => e.receiver_kind.map(|k| k.as_str()),
                    _ => None,
                };
                if let Some(k) = kind {
                    kinds_of.entry(p).or_default().insert(k);
                }
            }
            let mut expected: BTreeMap<String, i64> = BTreeMap::new();
            for kinds in kinds_of.values() {
                let key = kinds.iter().copied().collect::<Vec<_>>().join("+");
                *expected.entry(key).or_default() += 1;
            }
            if year == 2025 || year == 2026 {
                assert!(
                    expected.keys().any(|k| k.contains('+')),
                    "{backend:?}: the world has no person seen by two kinds in {year}"
                );
            }

            let table = overlap(&mut conn, year)
                .unwrap_or_else(|e| panic!("{backend:?}: overlap {year}: {e}"));
            let mut got: BTreeMap<String, i64> = BTreeMap::new();
            for cell in &table.cells {
                assert_eq!(cell.keys.len(), 1, "{backend:?}: overlap {year}: {cell:?}");
                assert_eq!(
                    (cell.measure.as_str(), cell.suppressed),
                    ("persons", None),
                    "{backend:?}: overlap {year}: {cell:?}"
                );
                let value = cell
                    .value
                    .unwrap_or_else(|| panic!("{backend:?}: overlap {year}: {cell:?}"));
                assert!(
                    got.insert(cell.keys[0].clone(), value).is_none(),
                    "{backend:?}: overlap {year}: {:?} twice",
                    cell.keys[0]
                );
            }
            assert_eq!(got, expected, "{backend:?}: overlap {year}");
            let linked = i64::try_from(kinds_of.len()).unwrap();
            let unlinked = i64::try_from(unlinkable.len()).unwrap();
            let all = linked + unlinked;
            let percent = (all > 0).then(|| (200 * unlinked + all) / (2 * all));
            assert_eq!(
                table.definitions.unlinkable_percent, percent,
                "{backend:?}: overlap {year}: the unlinkable share"
            );
            if year == 2025 {
                assert!(
                    unlinked > 0,
                    "{backend:?}: the world has unlinkable records"
                );
            }
        }
    }
}

#[test]
fn a_message_delivered_twice_is_counted_once() {
    let quarters = range("2025-01", "2026-12", Grain::Quarter);
    let tables = |conn: &mut DbConn| -> Vec<Table> {
        let mut out = Vec::new();
        for measure in Measure::ALL {
            for dims in [
                vec![],
                vec![Dimension::Period, Dimension::ExploitationForm],
                vec![Dimension::AgencyKind, Dimension::ReportingBasis],
            ] {
                out.push(counts(conn, *measure, &dims, &quarters, EXACT).expect("counts"));
            }
        }
        out.push(flows(conn, quarters.from, quarters.to, EXACT).expect("flows"));
        out.push(overlap(conn, 2025).expect("overlap"));
        out.push(overlap(conn, 2026).expect("overlap"));
        out
    };
    for backend in selected_backends() {
        let (db, events) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        let before = tables(&mut conn);
        // Again every message: events of every kind, with several forms, anonymous ones.
        for r in &events {
            let counted = record(&mut conn, &r.id, &r.event)
                .unwrap_or_else(|e| panic!("{backend:?}: recording {} again fails: {e}", r.id));
            assert!(!counted, "{backend:?}: {} was counted twice", r.id);
        }
        let after = tables(&mut conn);
        assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(
                b, a,
                "{backend:?}: a table changed by delivering every message twice"
            );
        }
        // And the tables still equal the recount of the world counted once.
        check_counts(
            &mut conn,
            backend,
            &events,
            Measure::Signals,
            &[Dimension::Period, Dimension::ExploitationForm],
            &quarters,
        );
        check_counts(
            &mut conn,
            backend,
            &events,
            Measure::Persons,
            &[Dimension::Gender],
            &quarters,
        );
    }
}

#[test]
fn with_disclosure_control_no_published_cell_is_below_the_threshold() {
    let rules = Rules {
        threshold: 10,
        rounding: 5,
    };
    let quarters = range("2025-01", "2026-12", Grain::Quarter);
    for backend in selected_backends() {
        let (db, events) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        let (mut published_nonzero, mut suppressed) = (0, 0);
        for (i, a) in Dimension::ALL.iter().enumerate() {
            for b in &Dimension::ALL[i + 1..] {
                let dims = [*a, *b];
                let table = counts(&mut conn, Measure::Persons, &dims, &quarters, rules)
                    .unwrap_or_else(|e| panic!("{backend:?}: persons by {dims:?}: {e}"));
                let persons = recount_persons(&events, &dims, &quarters);
                let mut lines: BTreeMap<(usize, String), usize> = BTreeMap::new();
                for cell in &table.cells {
                    let at = format!("{backend:?}: persons by {dims:?}, cell {:?}", cell.keys);
                    let exact = persons.get(&cell.keys).copied().unwrap_or(0);
                    match (cell.value, cell.suppressed) {
                        (Some(v), None) => {
                            assert!(
                                exact == 0 || exact >= rules.threshold,
                                "{at}: published although it stands for {exact} persons"
                            );
                            assert_eq!(v % rules.rounding, 0, "{at}: {v} is not rounded");
                            assert!(v <= exact, "{at}: {v} is more than the {exact} persons");
                            assert!(
                                exact - v < rules.rounding,
                                "{at}: {v} is not {exact} rounded down"
                            );
                            if v > 0 {
                                published_nonzero += 1;
                            }
                        }
                        (None, Some(_)) => {
                            suppressed += 1;
                            // Each cell lies on two lines: along the first dimension
                            // (the second fixed) and along the second.
                            *lines.entry((0, cell.keys[1].clone())).or_default() += 1;
                            *lines.entry((1, cell.keys[0].clone())).or_default() += 1;
                        }
                        other => panic!("{at}: value and suppression {other:?}"),
                    }
                }
                // No row or column has exactly one hidden cell: a total minus the
                // others would give it away.
                for (line, hidden) in &lines {
                    assert_ne!(
                        *hidden, 1,
                        "{backend:?}: persons by {dims:?}: line {line:?} hides one cell only"
                    );
                }
            }
        }
        assert!(
            published_nonzero > 0 && suppressed > 0,
            "{backend:?}: the world should give both published and suppressed cells \
             ({published_nonzero} published, {suppressed} suppressed)"
        );
    }
}

/// The CSV of a table, read back.
struct ReadBack {
    /// The `# key: value` lines.
    comments: Vec<(String, String)>,
    /// The header.
    header: Vec<String>,
    /// The records.
    rows: Vec<Vec<String>>,
}

fn read_csv(csv_text: &str) -> ReadBack {
    let mut comments = Vec::new();
    let mut body = String::new();
    for line in csv_text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let (k, v) = rest.split_once(": ").expect("a `# key: value` line");
            comments.push((k.to_owned(), v.to_owned()));
        } else {
            assert!(!line.starts_with('#'), "a malformed comment line: {line}");
            body.push_str(line);
            body.push('\n');
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    ReadBack {
        comments,
        header,
        rows,
    }
}

fn check_csv_against_json(backend: schakel_store::Backend, name: &str, table: &Table) {
    let at = format!("{backend:?}: {name}");
    let csv_text = table.to_csv().unwrap_or_else(|e| panic!("{at}: CSV: {e}"));
    let json = serde_json::to_value(table).expect("JSON");
    let ReadBack {
        comments,
        header,
        rows,
    } = read_csv(&csv_text);

    let d = &table.definitions;
    let one = |key: &str| -> Vec<&str> {
        comments
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let threshold = d.threshold.to_string();
    let rounding = d.rounding.to_string();
    for (key, want) in [
        ("version", d.version),
        ("table", d.table),
        ("unit", d.unit.as_str()),
        ("period", d.period.as_str()),
        ("threshold", threshold.as_str()),
        ("rounding", rounding.as_str()),
    ] {
        assert_eq!(one(key), vec![want], "{at}: the CSV's `# {key}:` line");
    }
    let notes: Vec<&str> = d.notes.iter().map(String::as_str).collect();
    assert_eq!(one("note"), notes, "{at}: the CSV's notes");
    assert!(!notes.is_empty(), "{at}: a table without notes");

    let jd = &json["definitions"];
    assert_eq!(jd["version"], json!(d.version), "{at}: JSON version");
    assert_eq!(jd["table"], json!(d.table), "{at}: JSON table");
    assert_eq!(jd["unit"], json!(d.unit), "{at}: JSON unit");
    assert_eq!(jd["period"], json!(d.period), "{at}: JSON period");
    assert_eq!(jd["threshold"], json!(d.threshold), "{at}: JSON threshold");
    assert_eq!(jd["rounding"], json!(d.rounding), "{at}: JSON rounding");
    assert_eq!(jd["notes"], json!(d.notes), "{at}: JSON notes");
    assert_eq!(
        json["dimensions"],
        json!(table.dimensions),
        "{at}: JSON dims"
    );

    let mut want_header = table.dimensions.clone();
    want_header.extend(["measure", "value", "suppressed"].map(str::to_owned));
    assert_eq!(header, want_header, "{at}: the CSV header");

    let cells = json["cells"].as_array().expect("JSON cells");
    assert_eq!(rows.len(), cells.len(), "{at}: CSV rows and JSON cells");
    assert!(!cells.is_empty(), "{at}: an empty table");
    let n = table.dimensions.len();
    for (i, (row, cell)) in rows.iter().zip(cells).enumerate() {
        let at = format!("{at}: row {i} {row:?} against {cell}");
        assert_eq!(row.len(), n + 3, "{at}: row width");
        let keys: Vec<&str> = cell["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|k| k.as_str().expect("a key"))
            .collect();
        let row_keys: Vec<&str> = row[..n].iter().map(String::as_str).collect();
        assert_eq!(row_keys, keys, "{at}: keys");
        assert_eq!(json!(row[n]), cell["measure"], "{at}: measure");
        let value = if row[n + 1].is_empty() {
            json!(null)
        } else {
            json!(row[n + 1].parse::<i64>().expect("a number"))
        };
        assert_eq!(value, cell["value"], "{at}: value");
        let suppressed = if row[n + 2].is_empty() {
            json!(null)
        } else {
            json!(row[n + 2])
        };
        assert_eq!(suppressed, cell["suppressed"], "{at}: suppressed");
    }
}

#[test]
fn the_csv_and_the_json_of_a_table_agree_and_carry_the_definitions() {
    let quarters = range("2025-01", "2026-12", Grain::Quarter);
    for backend in selected_backends() {
        let (db, _events) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        let protected = counts(
            &mut conn,
            Measure::Persons,
            &[Dimension::Period, Dimension::Region],
            &quarters,
            Rules::default(),
        )
        .expect("counts");
        // Both published and suppressed cells, so both forms of a row are compared.
        assert!(protected.cells.iter().any(|c| c.suppressed.is_some()));
        assert!(
            protected
                .cells
                .iter()
                .any(|c| c.value.is_some_and(|v| v > 0))
        );
        check_csv_against_json(backend, "persons by quarter and region", &protected);

        let exact = counts(
            &mut conn,
            Measure::Signals,
            &[
                Dimension::Period,
                Dimension::ReportingBasis,
                Dimension::Region,
            ],
            &quarters,
            EXACT,
        )
        .expect("counts");
        check_csv_against_json(backend, "signals by period, basis and region", &exact);

        let flow = flows(&mut conn, quarters.from, quarters.to, Rules::default()).expect("flows");
        check_csv_against_json(backend, "flows", &flow);

        let over = overlap(&mut conn, 2025).expect("overlap");
        check_csv_against_json(backend, "overlap 2025", &over);
    }
}

#[test]
fn an_event_that_is_not_a_monitor_event_is_refused() {
    let valid = json!({
        "kind": "signal_logged",
        "month": "2026-03",
        "sender_kind": "police",
        "sender_region": "amsterdam",
        "receiver_kind": null,
        "receiver_region": null,
        "exploitation_forms": ["sexual", "labour"],
        "age_band": "18-22",
        "gender": "female",
        "nationality_group": "non_eu",
        "reporting_basis": "consent",
        "hours_to_answer": null,
        "pseudonym": "ab".repeat(32),
    });
    Event::from_payload(&valid).expect("the unchanged payload is a monitor event");

    let with = |field: &str, value: serde_json::Value| {
        let mut p = valid.clone();
        p[field] = value;
        p
    };
    for (why, payload) in [
        ("an unknown kind", with("kind", json!("signal_deleted"))),
        ("no month 13", with("month", json!("2026-13"))),
        ("a month of another shape", with("month", json!("2026-3"))),
        (
            "a pseudonym that is not hex",
            with("pseudonym", json!("zz".repeat(32))),
        ),
        (
            "a pseudonym too short",
            with("pseudonym", json!("ab".repeat(31))),
        ),
        ("an unknown field", with("case_id", json!("c-1"))),
        (
            "an unknown agency kind",
            with("sender_kind", json!("ministry")),
        ),
        (
            "an agency kind by name",
            with("sender_kind", json!("Police")),
        ),
        ("an unknown region", with("sender_region", json!("utrecht"))),
        (
            "an unknown form",
            with("exploitation_forms", json!(["begging"])),
        ),
        (
            "a negative time to answer",
            with("hours_to_answer", json!(-1)),
        ),
    ] {
        assert!(
            Event::from_payload(&payload).is_err(),
            "{why} is accepted: {payload}"
        );
    }
    let mut missing = valid.clone();
    missing.as_object_mut().expect("an object").remove("gender");
    assert!(
        Event::from_payload(&missing).is_err(),
        "an event without a gender is accepted"
    );
}

#[test]
fn the_copy_in_memory_follows_events_recorded_after_it_was_filled() {
    let quarters = range("2025-01", "2026-12", Grain::Quarter);
    let dims = [Dimension::Period, Dimension::ExploitationForm];
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let events = world();
        let mut conn = db.pool.get().expect("connection");
        let cube = Cube::new();
        // Filled with the first half, then asked again after every tenth of the rest:
        // each time it must equal the tables made from the stored facts.
        let half = events.len() / 2;
        let step = (events.len() - half) / 10 + 1;
        let mut recorded = 0;
        let mut cuts: Vec<usize> = (half..events.len()).step_by(step).collect();
        cuts.push(events.len());
        for upto in cuts {
            for r in &events[recorded..upto] {
                record(&mut conn, &r.id, &r.event).expect("recorded");
            }
            recorded = upto;
            for measure in [Measure::Persons, Measure::Signals, Measure::ReferralsSent] {
                let held = cube
                    .counts(&mut conn, measure, &dims, &quarters, EXACT)
                    .expect("counts from the copy");
                let sql = schakel_monitor::counts(&mut conn, measure, &dims, &quarters, EXACT)
                    .expect("counts from the facts");
                assert_eq!(held, sql, "{backend:?}: {measure:?} after {upto} events");
            }
            let held = cube
                .flows(&mut conn, quarters.from, quarters.to, EXACT)
                .expect("flows");
            let sql = schakel_monitor::flows(&mut conn, quarters.from, quarters.to, EXACT)
                .expect("flows");
            assert_eq!(held, sql, "{backend:?}: flows after {upto} events");
            let held = cube.overlap(&mut conn, 2025).expect("overlap");
            assert_eq!(
                held,
                schakel_monitor::overlap(&mut conn, 2025).expect("overlap"),
                "{backend:?}: overlap after {upto} events"
            );
        }
        assert_eq!(recorded, events.len(), "every event was recorded");
        // All of them, recounted by hand.
        check_counts(
            &mut conn,
            backend,
            &events,
            Measure::Persons,
            &dims,
            &quarters,
        );
    }
}

#[test]
fn a_relinked_person_is_counted_once_under_its_new_key_also_by_a_copy_filled_before() {
    let quarters = range("2025-01", "2026-12", Grain::Quarter);
    let dims = [Dimension::Period, Dimension::Gender];
    for backend in selected_backends() {
        let (db, mut events) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        let cube = Cube::new();
        let before = cube
            .counts(&mut conn, Measure::Persons, &dims, &quarters, EXACT)
            .expect("counts from the copy");
        // An unlinkable record turns out, once its date of birth is completed, to be a
        // person recorded elsewhere too.
        let key = |linkable: bool| {
            events
                .iter()
                .filter_map(|r| r.event.pseudonym.clone())
                .find(|p| p.starts_with("u:") != linkable)
                .expect("such a person")
        };
        let relink = PersonRelink {
            from: key(false),
            to: key(true),
        };
        let moved = schakel_monitor::relink(&mut conn, &relink).expect("relinked");
        let held_by_from = events
            .iter()
            .filter(|r| r.event.pseudonym.as_deref() == Some(relink.from.as_str()))
            .map(|r| r.event.exploitation_forms.len().max(1))
            .sum::<usize>();
        assert!(
            moved > 0 && moved <= held_by_from,
            "{moved} of {held_by_from}"
        );
        for r in &mut events {
            if r.event.pseudonym.as_deref() == Some(relink.from.as_str()) {
                r.event.pseudonym = Some(relink.to.clone());
            }
        }
        let held = cube
            .counts(&mut conn, Measure::Persons, &dims, &quarters, EXACT)
            .expect("counts from the copy");
        let sql = schakel_monitor::counts(&mut conn, Measure::Persons, &dims, &quarters, EXACT)
            .expect("counts from the facts");
        assert_eq!(held, sql, "{backend:?}: the copy follows the relink");
        assert_ne!(held, before, "{backend:?}: one person fewer somewhere");
        check_counts(
            &mut conn,
            backend,
            &events,
            Measure::Persons,
            &dims,
            &quarters,
        );
        assert_eq!(
            schakel_monitor::relink(&mut conn, &relink).expect("again"),
            0,
            "{backend:?}: applied again, nothing moves"
        );
        // An agency that copied the earlier identity still records under the earlier
        // key: counted under the new one.
        let mut late = events
            .iter()
            .find(|r| r.event.pseudonym.as_deref() == Some(relink.to.as_str()))
            .map(|r| r.event.clone())
            .expect("an event of the person");
        late.pseudonym = Some(relink.from.clone());
        assert!(record(&mut conn, "late", &late).expect("recorded"));
        late.pseudonym = Some(relink.to.clone());
        events.push(Recorded {
            id: "late".into(),
            event: late,
        });
        check_counts(
            &mut conn,
            backend,
            &events,
            Measure::Persons,
            &dims,
            &quarters,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Packed snapshots of months
// ---------------------------------------------------------------------------------------

/// The tables a copy is compared by: persons and referrals by quarter and form, the flow
/// matrix and the overlap table of 2025.
fn tables_of(cube: &Cube, conn: &mut DbConn) -> Vec<Table> {
    let quarters = range("2024-01", "2027-12", Grain::Quarter);
    let dims = [Dimension::Period, Dimension::ExploitationForm];
    vec![
        cube.counts(conn, Measure::Persons, &dims, &quarters, EXACT)
            .expect("persons"),
        cube.counts(conn, Measure::ReferralsSent, &dims, &quarters, EXACT)
            .expect("referrals"),
        cube.flows(conn, quarters.from, quarters.to, EXACT)
            .expect("flows"),
        cube.overlap(conn, 2025).expect("overlap"),
    ]
}

/// The same tables made by SQL from the stored facts.
fn tables_by_sql(conn: &mut DbConn) -> Vec<Table> {
    let quarters = range("2024-01", "2027-12", Grain::Quarter);
    let dims = [Dimension::Period, Dimension::ExploitationForm];
    vec![
        schakel_monitor::counts(conn, Measure::Persons, &dims, &quarters, EXACT).expect("persons"),
        schakel_monitor::counts(conn, Measure::ReferralsSent, &dims, &quarters, EXACT)
            .expect("referrals"),
        schakel_monitor::flows(conn, quarters.from, quarters.to, EXACT).expect("flows"),
        schakel_monitor::overlap(conn, 2025).expect("overlap"),
    ]
}

#[test]
fn a_copy_started_later_loads_the_packed_months_and_makes_the_same_tables() {
    for backend in selected_backends() {
        let (db, _) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        let months = db.count("SELECT COUNT(*) AS n FROM monitor_months");
        assert_eq!(
            db.count("SELECT COUNT(*) AS n FROM monitor_snapshots"),
            0,
            "{backend:?}: nothing packed before a copy is filled"
        );
        let first = tables_of(&Cube::new(), &mut conn);
        assert_eq!(
            first,
            tables_by_sql(&mut conn),
            "{backend:?}: from the facts"
        );
        assert_eq!(
            db.count("SELECT COUNT(*) AS n FROM monitor_snapshots"),
            months - 1,
            "{backend:?}: every month but the latest is packed"
        );
        // The facts of every packed month are gone: a copy started now can only make
        // its tables from the snapshots (and the latest month's facts).
        db.execute_raw(
            "DELETE FROM monitor_facts WHERE month IN (SELECT month FROM monitor_snapshots)",
        );
        assert_eq!(
            tables_of(&Cube::new(), &mut conn),
            first,
            "{backend:?}: a copy from the snapshots"
        );
    }
}

#[test]
fn a_damaged_or_stale_snapshot_is_ignored_and_the_month_loaded_from_its_facts() {
    for backend in selected_backends() {
        let (db, events) = recorded_world(backend);
        let mut conn = db.pool.get().expect("connection");
        tables_of(&Cube::new(), &mut conn);
        let packed = db.count("SELECT COUNT(*) AS n FROM monitor_snapshots");
        assert!(packed >= 4, "{backend:?}: {packed} months packed");
        // One snapshot cut short, one of another format, one naming an event kind no
        // list has (the first byte of the codes of its first event), one claiming a
        // count the month does not have.
        let nth = |n: i64| {
            format!("(SELECT month FROM monitor_snapshots ORDER BY month LIMIT 1 OFFSET {n})")
        };
        let cut = match backend {
            schakel_store::Backend::Postgres => "substring(packed from 1 for 20)",
            schakel_store::Backend::Sqlite => "substr(packed, 1, 20)",
        };
        db.execute_raw(&format!(
            "UPDATE monitor_snapshots SET packed = {cut} WHERE month = {}",
            nth(0)
        ));
        db.execute_raw(&format!(
            "UPDATE monitor_snapshots SET format = 99 WHERE month = {}",
            nth(1)
        ));
        let bad_kind = match backend {
            schakel_store::Backend::Postgres => "set_byte(packed, 12, 15)",
            schakel_store::Backend::Sqlite => {
                "substr(packed, 1, 12) || x'0f' || substr(packed, 14)"
            }
        };
        db.execute_raw(&format!(
            "UPDATE monitor_snapshots SET packed = {bad_kind} WHERE month = {}",
            nth(2)
        ));
        db.execute_raw(&format!(
            "UPDATE monitor_snapshots SET events = events + 1 WHERE month = {}",
            nth(3)
        ));
        assert_eq!(
            tables_of(&Cube::new(), &mut conn),
            tables_by_sql(&mut conn),
            "{backend:?}: damaged snapshots are not counted"
        );
        // The month naming an unknown kind was read from its facts and packed anew.
        let still_bad = match backend {
            schakel_store::Backend::Postgres => "get_byte(packed, 12) = 15",
            schakel_store::Backend::Sqlite => "hex(substr(packed, 13, 1)) = '0F'",
        };
        assert_eq!(
            db.count(&format!(
                "SELECT COUNT(*) AS n FROM monitor_snapshots WHERE month = {} AND {still_bad}",
                nth(2)
            )),
            0,
            "{backend:?}: the snapshot naming an unknown kind was replaced"
        );
        // The person of some event moves to a key never recorded before: the months it
        // was counted in change revision, their snapshots no longer match.
        let from = events
            .iter()
            .find_map(|r| r.event.pseudonym.clone().filter(|p| !p.starts_with("u:")))
            .expect("a person");
        let relink = PersonRelink {
            from,
            to: "f0".repeat(32),
        };
        assert!(schakel_monitor::relink(&mut conn, &relink).expect("relinked") > 0);
        assert_eq!(
            tables_of(&Cube::new(), &mut conn),
            tables_by_sql(&mut conn),
            "{backend:?}: a copy started after the relink"
        );
        assert_eq!(
            db.count(
                "SELECT COUNT(*) AS n FROM monitor_snapshots s JOIN monitor_months m \
                 ON m.month = s.month WHERE s.events <> m.events OR s.revision <> m.revision \
                 OR s.format <> 1 OR length(s.packed) <> 16 * s.events"
            ),
            0,
            "{backend:?}: every damaged or stale snapshot was packed anew"
        );
    }
}
