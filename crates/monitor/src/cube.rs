//! The monitor's facts held in memory, compactly, so that a table over millions of
//! events is counted in one pass instead of one database scan per grouping.
//!
//! Each event is one [`Ev`] of 20 bytes: every code as its position in its code list,
//! the exploitation forms as a bit set, the month as a number, and the person as a
//! small number standing for the pseudonym (its first 128 bits). The events are kept
//! ordered by person: that is what lets one pass count distinct persons in every cell
//! (a cell remembers the last person it counted).
//!
//! The copy follows the database month by month: `monitor_months` says how many events
//! each month has and its revision (raised when a corrected person's facts move to its
//! new key); a month whose count or revision differs from what is held is loaded
//! again, so a table always reflects every event committed before it was asked for. Several
//! instances each keep their own copy; nothing is shared but the database.

use crate::dims::{Dimension, Measure, PeriodRange};
use crate::event::KINDS;
use crate::packed::{Ev, NO_HOURS, NO_PERSON, NO_RECEIVER, UNLINKABLE, month_number};
use crate::period::Month;
use crate::query::{self, ANSWER_KINDS, Answers, FLOW_MEASURES, QueryError};
use crate::tally::{self, Axis};
use crate::{Rules, Table};
use schakel_domain::pseudonym::UNLINKABLE_PREFIX;
use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};
use schakel_store::monitor::{self as store, FactRow};
use schakel_store::{DbConn, StoreError};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// The code lists, each code's position looked up by name.
struct Codes {
    kinds: HashMap<&'static str, u8>,
    forms: HashMap<&'static str, u8>,
    agency_kinds: HashMap<&'static str, u8>,
    regions: HashMap<&'static str, u8>,
    ages: HashMap<&'static str, u8>,
    genders: HashMap<&'static str, u8>,
    nationalities: HashMap<&'static str, u8>,
    bases: HashMap<&'static str, u8>,
}

fn positions<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> HashMap<&'static str, u8> {
    all.iter()
        .enumerate()
        .filter_map(|(i, v)| Some((code(*v), u8::try_from(i).ok()?)))
        .collect()
}

impl Codes {
    fn new() -> Codes {
        Codes {
            kinds: positions(&KINDS, |k| k),
            forms: positions(ExploitationForm::ALL, ExploitationForm::as_str),
            agency_kinds: positions(AgencyKind::ALL, AgencyKind::as_str),
            regions: positions(Region::ALL, Region::as_str),
            ages: positions(AgeBand::ALL, AgeBand::as_str),
            genders: positions(Gender::ALL, Gender::as_str),
            nationalities: positions(NationalityGroup::ALL, NationalityGroup::as_str),
            bases: positions(ReportingBasis::ALL, ReportingBasis::as_str),
        }
    }
}

fn code(list: &HashMap<&'static str, u8>, value: &str, what: &str) -> Result<u8, StoreError> {
    list.get(value)
        .copied()
        .ok_or_else(|| StoreError::Corrupt(format!("monitor fact with an unknown {what}")))
}

/// What the copy holds.
#[derive(Default)]
struct Held {
    /// Ordered by person; anonymous events last.
    events: Vec<Ev>,
    /// The state of each month held (its events and revision), by the month's text.
    months: BTreeMap<String, store::MonthState>,
    /// The number standing for each pseudonym or unlinkable record's key (whether it
    /// is unlinkable, and its first 128 bits).
    persons: HashMap<(bool, u128), u32>,
}

/// The in-memory copy of the monitor's facts and the tables made from it.
pub struct Cube {
    held: Mutex<Held>,
    codes: Codes,
}

impl Default for Cube {
    fn default() -> Self {
        Cube::new()
    }
}

impl std::fmt::Debug for Cube {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cube").finish_non_exhaustive()
    }
}

impl Cube {
    /// An empty copy; it fills itself at the first table.
    pub fn new() -> Cube {
        Cube {
            held: Mutex::new(Held::default()),
            codes: Codes::new(),
        }
    }

    /// Brings the copy up to date with `conn` (at start, so the first table need not
    /// wait); returns how many events it holds.
    pub fn fill(&self, conn: &mut DbConn) -> Result<usize, QueryError> {
        self.with_events(conn, <[Ev]>::len)
    }

    /// Brings the copy up to date with `conn` and runs `f` over the events.
    fn with_events<T>(
        &self,
        conn: &mut DbConn,
        f: impl FnOnce(&[Ev]) -> T,
    ) -> Result<T, QueryError> {
        let mut held = match self.held.lock() {
            Ok(h) => h,
            Err(poisoned) => {
                // A panic in the middle of a refresh may have left the copy half
                // updated: start again from the database.
                let mut h = poisoned.into_inner();
                *h = Held::default();
                h
            }
        };
        self.refresh(conn, &mut held)?;
        Ok(f(&held.events))
    }

    /// Reloads every month whose count or revision in the database differs from what is
    /// held.
    fn refresh(&self, conn: &mut DbConn, held: &mut Held) -> Result<(), QueryError> {
        let counted: BTreeMap<String, store::MonthState> =
            store::month_states(conn)?.into_iter().collect();
        let changed: Vec<String> = counted
            .iter()
            .filter(|(m, n)| held.months.get(*m) != Some(n))
            .map(|(m, _)| m.clone())
            .chain(
                held.months
                    .keys()
                    .filter(|m| !counted.contains_key(*m))
                    .cloned(),
            )
            .collect();
        if changed.is_empty() {
            return Ok(());
        }
        let mut numbers = Vec::with_capacity(changed.len());
        for m in &changed {
            let month =
                Month::parse(m).ok_or_else(|| StoreError::Corrupt("monitor month".into()))?;
            numbers.push(month_number(month));
        }
        held.events.retain(|e| !numbers.contains(&e.month));
        let mut fresh = Vec::new();
        for m in &changed {
            held.months.remove(m);
            let n = self.load_month(conn, m, &mut held.persons, &mut fresh)?;
            if n > 0 {
                // A relink between reading the states and loading the facts leaves the
                // earlier revision held, so the month is loaded again next time.
                let revision = counted.get(m).map_or(0, |s| s.revision);
                let state = store::MonthState {
                    events: n,
                    revision,
                };
                held.months.insert(m.clone(), state);
            }
        }
        fresh.sort_unstable_by_key(|e| e.person);
        held.events = merge(std::mem::take(&mut held.events), fresh);
        Ok(())
    }

    /// Appends the events of `month` to `out`; returns how many there were.
    fn load_month(
        &self,
        conn: &mut DbConn,
        month: &str,
        persons: &mut HashMap<(bool, u128), u32>,
        out: &mut Vec<Ev>,
    ) -> Result<i64, QueryError> {
        let rows = store::facts_of_month(conn, month)?;
        let number = month_number(
            Month::parse(month).ok_or_else(|| StoreError::Corrupt("monitor month".into()))?,
        );
        let mut events = 0;
        let mut last_id: Option<String> = None;
        for row in rows {
            let form = code(&self.codes.forms, &row.form, "form")?;
            let bit = 1u16.checked_shl(u32::from(form)).unwrap_or(0);
            if last_id.as_deref() == Some(row.event_id.as_str()) {
                if let Some(e) = out.last_mut() {
                    e.forms |= bit;
                }
                continue;
            }
            out.push(self.event(&row, number, bit, persons)?);
            events += 1;
            last_id = Some(row.event_id);
        }
        Ok(events)
    }

    fn event(
        &self,
        row: &FactRow,
        month: u16,
        forms: u16,
        persons: &mut HashMap<(bool, u128), u32>,
    ) -> Result<Ev, QueryError> {
        let c = &self.codes;
        let person = match &row.pseudonym {
            None => NO_PERSON,
            Some(p) => {
                let (unlinkable, digest) = match p.strip_prefix(UNLINKABLE_PREFIX) {
                    Some(rest) => (true, rest),
                    None => (false, p.as_str()),
                };
                let head = digest
                    .get(..32)
                    .and_then(|h| u128::from_str_radix(h, 16).ok())
                    .ok_or_else(|| StoreError::Corrupt("monitor pseudonym".into()))?;
                let next = u32::try_from(persons.len())
                    .ok()
                    .filter(|n| *n < UNLINKABLE - 1)
                    .ok_or_else(|| StoreError::Corrupt("too many monitor persons".into()))?;
                let number = if unlinkable { next | UNLINKABLE } else { next };
                *persons.entry((unlinkable, head)).or_insert(number)
            }
        };
        let hours = match row.hours_to_answer {
            None => NO_HOURS,
            Some(h) => u32::try_from(h)
                .ok()
                .filter(|h| *h != NO_HOURS)
                .ok_or_else(|| StoreError::Corrupt("monitor hours to answer".into()))?,
        };
        Ok(Ev {
            person,
            hours,
            month,
            forms,
            kind: code(&c.kinds, &row.kind, "kind")?,
            sender_kind: code(&c.agency_kinds, &row.sender_kind, "agency kind")?,
            region: code(&c.regions, &row.sender_region, "region")?,
            receiver_kind: match &row.receiver_kind {
                None => NO_RECEIVER,
                Some(r) => code(&c.agency_kinds, r, "agency kind")?,
            },
            age: code(&c.ages, &row.age_band, "age band")?,
            gender: code(&c.genders, &row.gender, "gender")?,
            nationality: code(
                &c.nationalities,
                &row.nationality_group,
                "nationality group",
            )?,
            basis: match &row.reporting_basis {
                None => u8::try_from(ReportingBasis::ALL.len()).unwrap_or(u8::MAX),
                Some(b) => code(&c.bases, b, "reporting basis")?,
            },
        })
    }

    /// A counts table, as [`query::counts`] makes it from the database.
    pub fn counts(
        &self,
        conn: &mut DbConn,
        measure: Measure,
        dims: &[Dimension],
        range: &PeriodRange,
        rules: Rules,
    ) -> Result<Table, QueryError> {
        query::check_dimensions(dims)?;
        let axes: Vec<Axis> = dims.iter().map(|d| Axis::of(*d, range)).collect();
        let kind = measure
            .event_kind()
            .and_then(|k| KINDS.iter().position(|x| *x == k));
        let (from, to) = (month_number(range.from), month_number(range.to));
        let persons = measure == Measure::Persons;
        let (raw, share) = self.with_events(conn, |events| {
            let keep = |e: &Ev| {
                e.month >= from && e.month <= to && kind.is_none_or(|k| usize::from(e.kind) == k)
            };
            let share = persons.then(|| tally::share(events, keep));
            (tally::cells(events, &axes, keep, persons), share)
        })?;
        Ok(query::counts_table(
            measure, dims, range, rules, &raw, share,
        ))
    }

    /// The flow matrix, as [`query::flows`] makes it from the database.
    pub fn flows(
        &self,
        conn: &mut DbConn,
        from: Month,
        to: Month,
        rules: Rules,
    ) -> Result<Table, QueryError> {
        let (lo, hi) = (month_number(from), month_number(to));
        let axes = [Axis::sender_kind(), Axis::receiver_kind()];
        let answer_kinds: Vec<usize> = ANSWER_KINDS
            .iter()
            .filter_map(|a| KINDS.iter().position(|k| k == a))
            .collect();
        let (raw, answers) = self.with_events(conn, |events| {
            let raw: Vec<(&str, Vec<_>)> = FLOW_MEASURES
                .iter()
                .map(|(name, kind)| {
                    let kind = KINDS.iter().position(|k| k == kind);
                    let cells = tally::cells(
                        events,
                        &axes,
                        |e| {
                            e.month >= lo
                                && e.month <= hi
                                && e.receiver_kind != NO_RECEIVER
                                && Some(usize::from(e.kind)) == kind
                        },
                        false,
                    );
                    (*name, cells)
                })
                .collect();
            let answers = tally::answers(events, |e| {
                e.month >= lo
                    && e.month <= hi
                    && e.receiver_kind != NO_RECEIVER
                    && e.hours != NO_HOURS
                    && answer_kinds.contains(&usize::from(e.kind))
            });
            (raw, answers)
        })?;
        let answers: BTreeMap<(String, String), Answers> = answers;
        Ok(query::flows_table(from, to, rules, &raw, answers))
    }

    /// The overlap table of `year`, as [`query::overlap`] makes it from the database.
    pub fn overlap(&self, conn: &mut DbConn, year: u16) -> Result<Table, QueryError> {
        let first = month_number(Month { year, month: 1 });
        let last = first + 11;
        let (histories, share) = self.with_events(conn, |events| {
            tally::captures(events, |e| e.month >= first && e.month <= last)
        })?;
        Ok(query::overlap_table(
            &format!("{year:04}"),
            histories,
            share,
        ))
    }
}

/// Two lists ordered by person as one.
fn merge(a: Vec<Ev>, b: Vec<Ev>) -> Vec<Ev> {
    if b.is_empty() {
        return a;
    }
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (i.peek(), j.peek()) {
            (Some(x), Some(y)) => x.person <= y.person,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        let next = if take_a { i.next() } else { j.next() };
        out.extend(next);
    }
}
