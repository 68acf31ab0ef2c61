//! Bringing the held copy up to date: which months changed, loading each from its
//! packed snapshot when the database holds one of the month's count and revision, from
//! its facts otherwise (and then packing it for the next instance to start), and
//! merging the loaded events into the copy's order by person.

use crate::event::KINDS;
use crate::packed::month_number;
use crate::packed::{EV_BYTES, Ev, Fields, NO_HOURS, NO_PERSON, NO_RECEIVER, UNLINKABLE};
use crate::period::Month;
use crate::query::QueryError;
use schakel_domain::{
    AgeBand, AgencyKind, ExploitationForm, Gender, NationalityGroup, Region, ReportingBasis,
};
use schakel_store::monitor::{self as store, FactRow, MonthState, Snapshot};
use schakel_store::{DbConn, StoreError};
use std::collections::{BTreeMap, HashMap};

/// The layout of [`Ev::to_bytes`] that snapshots are written in; a snapshot of another
/// format is ignored and written anew.
pub(crate) const SNAPSHOT_FORMAT: i32 = 1;

/// How many months' snapshots are read in one statement (about 1.3 MB each at ten
/// million events over ten years), so that reading them holds little memory twice.
const SNAPSHOTS_AT_ONCE: usize = 12;

/// The code lists, each code's position looked up by name.
pub(crate) struct Codes {
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
    pub(crate) fn new() -> Codes {
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
pub(crate) struct Held {
    /// Ordered by person; anonymous events last.
    pub(crate) events: Vec<Ev>,
    /// The state of each month held (its events and revision), by the month's text.
    months: BTreeMap<String, MonthState>,
}

fn month_of(text: &str) -> Result<u16, StoreError> {
    Month::parse(text)
        .map(month_number)
        .ok_or_else(|| StoreError::Corrupt("monitor month".into()))
}

/// Reloads every month whose count or revision in the database differs from what is
/// held.
pub(crate) fn refresh(conn: &mut DbConn, codes: &Codes, held: &mut Held) -> Result<(), QueryError> {
    let counted: BTreeMap<String, MonthState> = store::month_states(conn)?.into_iter().collect();
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
    let numbers = changed
        .iter()
        .map(|m| month_of(m))
        .collect::<Result<Vec<u16>, _>>()?;
    held.events.retain(|e| !numbers.contains(&e.month));
    for m in &changed {
        held.months.remove(m);
    }
    // The latest month grows with every event: it is loaded from its facts and never
    // packed, as its snapshot would be stale at once.
    let latest = counted.keys().next_back().cloned();
    let expected: i64 = changed
        .iter()
        .filter_map(|m| counted.get(m).map(|s| s.events))
        .sum();
    let mut fresh = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    let wanted: Vec<&String> = changed
        .iter()
        .filter(|m| counted.contains_key(*m))
        .collect();
    for part in wanted.chunks(SNAPSHOTS_AT_ONCE) {
        let names: Vec<String> = part.iter().map(|m| (*m).clone()).collect();
        let mut packed: HashMap<String, Snapshot> = store::snapshots_of(conn, &names)?
            .into_iter()
            .map(|s| (s.month.clone(), s))
            .collect();
        for m in part {
            let Some(state) = counted.get(*m).copied() else {
                continue;
            };
            let number = month_of(m)?;
            let from_snapshot = packed
                .remove(*m)
                .filter(|s| {
                    s.format == SNAPSHOT_FORMAT
                        && s.events == state.events
                        && s.revision == state.revision
                })
                .and_then(|s| unpack(&s.packed, number, state.events));
            let (events, loaded) = match from_snapshot {
                Some(events) => (events, state),
                None => {
                    let mut events = Vec::new();
                    let n = load_month(conn, codes, m, number, &mut events)?;
                    // A relink between reading the states and loading the facts leaves
                    // the earlier revision held (and packed), so the month is loaded
                    // again next time and its snapshot never matches.
                    let loaded = MonthState {
                        events: n,
                        revision: state.revision,
                    };
                    if latest.as_ref() != Some(*m) && n > 0 {
                        save(conn, m, loaded, &events);
                    }
                    (events, loaded)
                }
            };
            if loaded.events > 0 {
                held.months.insert((*m).clone(), loaded);
            }
            fresh.extend(events);
        }
    }
    fresh.sort_unstable_by_key(|e| e.person);
    held.events = merge(std::mem::take(&mut held.events), fresh);
    held.events.shrink_to_fit();
    Ok(())
}

/// The events of a snapshot of `events` events of month `number`, if it holds exactly
/// that many and every one is valid ([`Ev::from_bytes`]); `None` otherwise, and the
/// month is loaded from its facts instead.
fn unpack(bytes: &[u8], number: u16, events: i64) -> Option<Vec<Ev>> {
    let expected = usize::try_from(events).ok()?.checked_mul(EV_BYTES)?;
    if bytes.len() != expected {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / EV_BYTES);
    for chunk in bytes.chunks_exact(EV_BYTES) {
        let b: &[u8; EV_BYTES] = chunk.try_into().ok()?;
        out.push(Ev::from_bytes(b, number)?);
    }
    Some(out)
}

/// Packs a month loaded from its facts for the next copy to load. A snapshot is only a
/// shortcut: when it cannot be written the month is loaded from its facts again next
/// time, so a failure is logged and the table goes on.
fn save(conn: &mut DbConn, month: &str, state: MonthState, events: &[Ev]) {
    let mut packed = Vec::with_capacity(events.len() * EV_BYTES);
    for e in events {
        packed.extend_from_slice(&e.to_bytes());
    }
    let snapshot = Snapshot {
        month: month.to_owned(),
        events: state.events,
        revision: state.revision,
        format: SNAPSHOT_FORMAT,
        packed,
    };
    if let Err(error) = store::save_snapshot(conn, &snapshot) {
        tracing::warn!(%error, month, "a monitor month could not be packed");
    }
}

/// Appends the events of `month` (numbered `number`) to `out` from its facts; returns
/// how many there were.
fn load_month(
    conn: &mut DbConn,
    codes: &Codes,
    month: &str,
    number: u16,
    out: &mut Vec<Ev>,
) -> Result<i64, QueryError> {
    let rows = store::facts_of_month(conn, month)?;
    let mut events = 0;
    let mut last_id: Option<String> = None;
    for row in rows {
        let form = code(&codes.forms, &row.form, "form")?;
        let bit = 1u16.checked_shl(u32::from(form)).unwrap_or(0);
        if last_id.as_deref() == Some(row.event_id.as_str()) {
            if let Some(e) = out.last_mut() {
                e.forms |= bit;
            }
            continue;
        }
        out.push(event(codes, &row, number, bit)?);
        events += 1;
        last_id = Some(row.event_id);
    }
    Ok(events)
}

/// The number standing for a fact's person in the copy: the database's number, with
/// [`UNLINKABLE`] set for an unlinkable record.
fn person(row: &FactRow) -> Result<u32, StoreError> {
    match row.person {
        None if row.has_person => Err(StoreError::Corrupt(
            "a monitor person without a number".into(),
        )),
        None => Ok(NO_PERSON),
        Some((number, unlinkable)) => {
            let n = u32::try_from(number)
                .ok()
                .filter(|n| *n < UNLINKABLE - 1)
                .ok_or_else(|| StoreError::Corrupt("monitor person number".into()))?;
            Ok(if unlinkable { n | UNLINKABLE } else { n })
        }
    }
}

fn event(codes: &Codes, row: &FactRow, month: u16, forms: u16) -> Result<Ev, QueryError> {
    let c = codes;
    let hours = match row.hours_to_answer {
        None => NO_HOURS,
        Some(h) => u32::try_from(h)
            .ok()
            .filter(|h| *h != NO_HOURS)
            .ok_or_else(|| StoreError::Corrupt("monitor hours to answer".into()))?,
    };
    let fields = Fields {
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
    };
    Ok(Ev::new(person(row)?, hours, month, forms, fields))
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
