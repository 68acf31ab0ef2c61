//! The monitor's facts held in memory, compactly, so that a table over millions of
//! events is counted in one pass instead of one database scan per grouping.
//!
//! Each event is one [`Ev`] of 16 bytes: every code as its position in its code list,
//! the exploitation forms as a bit set, the month as a number, and the person as the
//! number the database gave its pseudonym (`monitor_persons`, shared by every
//! instance). The events are kept ordered by person: that is what lets one pass count
//! distinct persons in every cell (a cell remembers the last person it counted).
//!
//! The copy follows the database month by month ([`load`]): `monitor_months` says how
//! many events each month has and its revision (raised when a corrected person's facts
//! move to its new key); a month whose count or revision differs from what is held is
//! loaded again — from its packed snapshot when one of that count and revision is
//! stored, from its facts otherwise — so a table always reflects every event committed
//! before it was asked for. Several instances each keep their own copy; nothing is
//! shared but the database.

mod load;

use crate::dims::{Dimension, Measure, PeriodRange};
use crate::event::KINDS;
use crate::packed::{Ev, month_number};
use crate::period::Month;
use crate::query::{self, ANSWER_KINDS, FLOW_MEASURES, QueryError};
use crate::tally::{self, Axis};
use crate::{Rules, Table};
use load::{Codes, Held};
use schakel_store::DbConn;
use std::sync::Mutex;

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

    /// The bytes the copy holds for its events (their allocation; the few bytes per
    /// month held beside them are not counted).
    pub fn held_bytes(&self) -> usize {
        self.held
            .lock()
            .map_or(0, |h| h.events.capacity() * std::mem::size_of::<Ev>())
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
        load::refresh(conn, &self.codes, &mut held)?;
        Ok(f(&held.events))
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
                e.month >= from && e.month <= to && kind.is_none_or(|k| usize::from(e.kind()) == k)
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
        let kinds = tally::FlowKinds {
            measure: KINDS
                .iter()
                .map(|k| FLOW_MEASURES.iter().position(|(_, m)| m == k))
                .collect(),
            answers: KINDS.iter().map(|k| ANSWER_KINDS.contains(k)).collect(),
        };
        let (cells, answers) = self.with_events(conn, |events| {
            tally::flows(events, &kinds, FLOW_MEASURES.len(), |e| {
                e.month >= lo && e.month <= hi
            })
        })?;
        let raw: Vec<(&str, Vec<_>)> = FLOW_MEASURES
            .iter()
            .map(|(name, _)| *name)
            .zip(cells)
            .collect();
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

    /// The HTCDS export of the whole years of `period` under `k` (see [`crate::htcds`]):
    /// each person's facts gathered from the copy in one pass, anonymised outside the
    /// copy's lock.
    pub fn htcds(
        &self,
        conn: &mut DbConn,
        period: crate::htcds::Years,
        k: crate::htcds::ExportK,
    ) -> Result<crate::htcds::Export, QueryError> {
        let lo = month_number(Month {
            year: period.from,
            month: 1,
        });
        let hi = month_number(Month {
            year: period.to,
            month: 12,
        });
        let persons = self.with_events(conn, |events| {
            crate::htcds::facts::persons(events, |e| e.month >= lo && e.month <= hi)
        })?;
        Ok(crate::htcds::export(&persons, period, k))
    }

    /// The multiple systems estimate of `request`: the persons per set of lists counted
    /// exactly from the copy (the period, and each of its years), then estimated
    /// outside the copy's lock.
    pub fn estimate(
        &self,
        conn: &mut DbConn,
        request: &crate::estimate::Request,
        rules: Rules,
    ) -> Result<crate::estimate::PeriodEstimate, QueryError> {
        let bits = request.lists.bit_of_kind();
        let stratum = request.stratum.map(crate::estimate::Stratum::position);
        let first = |y: u16| month_number(Month { year: y, month: 1 });
        let (lo, hi) = (first(request.from_year), first(request.to_year) + 11);
        let (period, years) = self.with_events(conn, |events| {
            let period =
                tally::list_masks(events, |e| e.month >= lo && e.month <= hi, &bits, stratum);
            let years: Vec<_> = (request.from_year..=request.to_year)
                .map(|y| {
                    let (a, b) = (first(y), first(y) + 11);
                    let masks =
                        tally::list_masks(events, |e| e.month >= a && e.month <= b, &bits, stratum);
                    (y, masks)
                })
                .collect();
            (period, years)
        })?;
        Ok(crate::estimate::estimate_of(
            request, &period, &years, rules,
        ))
    }
}
