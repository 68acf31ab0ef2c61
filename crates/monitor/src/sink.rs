//! The monitor sink: hands `monitor` outbox rows to the monitor's tables.
//!
//! When the monitor lives in the same database (the default), the fact rows are written
//! in the transaction that marks the outbox row done: each event is counted exactly
//! once. With a separate monitor database the facts are committed there first; a crash
//! before the outbox row is marked done delivers it again, and the monitor counts an
//! outbox message only once (it remembers the message id). A relink (a corrected
//! person's new key, topic `person_relinked`) moves the person's facts; applied twice
//! it moves nothing the second time. The rows are taken in the order they were queued,
//! so a relink follows the events it concerns. An offender event (its topic one of the
//! offender event kinds) is counted on the offenders' side the same way, once per
//! message. A payload the monitor cannot read is a dead letter at once: retrying would
//! not change it.

use crate::Event;
use chrono::{DateTime, Utc};
use schakel_domain::{OffenderEvent, OffenderEventKind, PersonRelink, RELINK_TOPIC};
use schakel_store::outbox::{self, Channel};
use schakel_store::{DbConn, Pool, StoreError, get_conn, write_tx};

/// Where monitor events go.
#[derive(Clone)]
pub struct MonitorSink {
    /// The monitor's own database; `None`: the operational one.
    pub separate: Option<Pool>,
    /// How long a claimed batch is reserved.
    pub lease: chrono::Duration,
    /// Rows claimed at once.
    pub batch: i64,
}

impl MonitorSink {
    /// A sink into the operational database, claiming `batch` rows for `lease` at a time.
    pub fn new(lease: chrono::Duration, batch: i64) -> Self {
        MonitorSink {
            separate: None,
            lease,
            batch,
        }
    }

    /// The same sink, recording in the monitor's own database.
    #[must_use]
    pub fn with_database(mut self, pool: Pool) -> Self {
        self.separate = Some(pool);
        self
    }
}

impl std::fmt::Debug for MonitorSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorSink")
            .field("separate", &self.separate.is_some())
            .finish()
    }
}

/// What a run of the sink did: events counted, duplicates skipped, rows refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SinkReport {
    /// Events recorded.
    pub recorded: usize,
    /// Rows already recorded before (a repeated delivery).
    pub repeated: usize,
    /// Rows whose payload is not a monitor event.
    pub refused: usize,
    /// Relinks applied (corrected persons whose facts moved to their new key).
    pub relinked: usize,
}

impl MonitorSink {
    /// Delivers every due monitor row.
    pub fn run_once(
        &self,
        conn: &mut DbConn,
        now: DateTime<Utc>,
    ) -> Result<SinkReport, StoreError> {
        let mut report = SinkReport::default();
        loop {
            let before = report;
            self.batch(conn, now, &mut report)?;
            if report == before {
                return Ok(report);
            }
        }
    }

    fn batch(
        &self,
        conn: &mut DbConn,
        now: DateTime<Utc>,
        report: &mut SinkReport,
    ) -> Result<(), StoreError> {
        let mut separate = match &self.separate {
            Some(pool) => Some(get_conn(pool)?),
            None => None,
        };
        write_tx(conn, |conn| {
            let rows = outbox::claim(conn, Channel::Monitor, now, now + self.lease, self.batch)?;
            for row in rows {
                if row.topic == RELINK_TOPIC {
                    self.relink(conn, separate.as_mut(), &row, now, report)?;
                    continue;
                }
                if row.topic.parse::<OffenderEventKind>().is_ok() {
                    self.offender(conn, separate.as_mut(), &row, now, report)?;
                    continue;
                }
                let event = match Event::from_payload(&row.payload) {
                    Ok(e) => e,
                    Err(e) => {
                        tracing::warn!(row = %row.id, error = %e, "monitor event refused");
                        outbox::mark_failed(conn, &row.id, now, &e.to_string())?;
                        report.refused += 1;
                        continue;
                    }
                };
                let fresh = match separate.as_mut() {
                    Some(m) => write_tx(m, |m| crate::record(m, &row.id, &event))?,
                    None => crate::record(conn, &row.id, &event)?,
                };
                if fresh {
                    report.recorded += 1;
                } else {
                    report.repeated += 1;
                }
                outbox::mark_done(conn, &row.id, now)?;
            }
            Ok(())
        })
    }

    /// Counts one offender event where the facts are, and marks it done (or a dead
    /// letter).
    fn offender(
        &self,
        conn: &mut DbConn,
        separate: Option<&mut schakel_store::PooledConn>,
        row: &outbox::OutboxRow,
        now: DateTime<Utc>,
        report: &mut SinkReport,
    ) -> Result<(), StoreError> {
        let event = match OffenderEvent::from_payload(&row.payload) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(row = %row.id, error = %e, "offender event refused");
                outbox::mark_failed(conn, &row.id, now, &e.to_string())?;
                report.refused += 1;
                return Ok(());
            }
        };
        let fresh = match separate {
            Some(m) => write_tx(m, |m| crate::offenders::record_offender(m, &row.id, &event))?,
            None => crate::offenders::record_offender(conn, &row.id, &event)?,
        };
        if fresh {
            report.recorded += 1;
        } else {
            report.repeated += 1;
        }
        outbox::mark_done(conn, &row.id, now)
    }

    /// Applies one relink row where the facts are, and marks it done (or a dead letter).
    fn relink(
        &self,
        conn: &mut DbConn,
        separate: Option<&mut schakel_store::PooledConn>,
        row: &outbox::OutboxRow,
        now: DateTime<Utc>,
        report: &mut SinkReport,
    ) -> Result<(), StoreError> {
        let relink = match PersonRelink::from_payload(&row.payload) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(row = %row.id, error = %e, "monitor relink refused");
                outbox::mark_failed(conn, &row.id, now, &e.to_string())?;
                report.refused += 1;
                return Ok(());
            }
        };
        match separate {
            Some(m) => write_tx(m, |m| crate::relink(m, &relink))?,
            None => crate::relink(conn, &relink)?,
        };
        report.relinked += 1;
        outbox::mark_done(conn, &row.id, now)
    }
}
