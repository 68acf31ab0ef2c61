//! Reading the whole audit chain in `seq` order as fast as the database gives it, for
//! its verification: batches of entries whose text is borrowed, not copied per column.
//!
//! On PostgreSQL the chain comes as one `COPY (SELECT … ORDER BY seq) TO STDOUT (FORMAT
//! binary)` stream: the server sends rows while the caller hashes the previous batch,
//! and a row is a handful of length-prefixed byte strings, its text columns appended to
//! one buffer per batch. On SQLite the chain is read in pages of `seq`. Either way the
//! caller gets [`ChainBatch`]es and reads each entry as an [`EntryRef`]. Only sealed
//! entries are part of the chain; unsealed ones are not read here.

use crate::audit_log::{self, AuditEntryRow};
use crate::{DbConn, StoreError};
use chrono::{DateTime, NaiveDateTime, TimeDelta};
use diesel::pg::{CopyFormat, CopyTarget, Pg};
use diesel::query_builder::AstPass;
use std::io::{BufRead, Read};

/// An entry of the chain as the verifier reads it: every column of
/// [`AuditEntryRow`], the text borrowed from the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct EntryRef<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<&'a str>,
    pub actor_agency_id: Option<&'a str>,
    pub actor_role: Option<&'a str>,
    pub on_behalf_of: Option<&'a str>,
    pub action: &'a str,
    pub action_kind: &'a str,
    pub object_type: Option<&'a str>,
    pub object_id: Option<&'a str>,
    pub purpose: Option<&'a str>,
    pub subject_pseudonym: Option<&'a str>,
    pub outcome: &'a str,
    pub source_ip: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub details: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
    pub mac: Option<&'a str>,
}

/// A sealed row as an entry of the chain. (An unsealed row, which the chain's reads
/// never return, would read as position 0 with empty hashes: no chain accepts that.)
impl<'a> From<&'a AuditEntryRow> for EntryRef<'a> {
    fn from(r: &'a AuditEntryRow) -> Self {
        EntryRef {
            seq: r.seq.unwrap_or(0),
            id: &r.id,
            occurred_at: r.occurred_at,
            actor_user_id: r.actor_user_id.as_deref(),
            actor_agency_id: r.actor_agency_id.as_deref(),
            actor_role: r.actor_role.as_deref(),
            on_behalf_of: r.on_behalf_of.as_deref(),
            action: &r.action,
            action_kind: &r.action_kind,
            object_type: r.object_type.as_deref(),
            object_id: r.object_id.as_deref(),
            purpose: r.purpose.as_deref(),
            subject_pseudonym: r.subject_pseudonym.as_deref(),
            outcome: &r.outcome,
            source_ip: r.source_ip.as_deref(),
            request_id: r.request_id.as_deref(),
            details: &r.details,
            prev_hash: r.prev_hash.as_deref().unwrap_or(""),
            hash: r.hash.as_deref().unwrap_or(""),
            mac: r.mac.as_deref(),
        }
    }
}

/// The text columns of a row, in the order the stream gives them.
const TEXT_COLUMNS: usize = 18;

/// The columns streamed, in order: `seq`, `occurred_at`, then the text columns.
const COLUMNS: &str = "seq, occurred_at, id, actor_user_id, actor_agency_id, actor_role, \
    on_behalf_of, action, action_kind, object_type, object_id, purpose, subject_pseudonym, \
    outcome, source_ip, request_id, details, prev_hash, hash, mac";

/// One streamed row: its numbers, and where each text column lies in the batch's text.
#[derive(Debug, Clone)]
struct RawRow {
    seq: i64,
    occurred_at: NaiveDateTime,
    text: [Option<(u32, u32)>; TEXT_COLUMNS],
}

/// Entries of the chain in `seq` order.
#[derive(Debug)]
pub struct ChainBatch {
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Streamed { text: String, rows: Vec<RawRow> },
    Loaded(Vec<AuditEntryRow>),
}

impl ChainBatch {
    /// The number of entries.
    pub fn len(&self) -> usize {
        match &self.inner {
            Inner::Streamed { rows, .. } => rows.len(),
            Inner::Loaded(rows) => rows.len(),
        }
    }

    /// Whether the batch holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries, in order.
    pub fn entries(&self) -> impl Iterator<Item = Result<EntryRef<'_>, StoreError>> + '_ {
        let (streamed, loaded) = match &self.inner {
            Inner::Streamed { text, rows } => (Some((text, rows)), None),
            Inner::Loaded(rows) => (None, Some(rows)),
        };
        let streamed = streamed
            .into_iter()
            .flat_map(|(text, rows)| rows.iter().map(move |r| entry_of(text, r)));
        let loaded = loaded
            .into_iter()
            .flat_map(|rows| rows.iter().map(|r| Ok(EntryRef::from(r))));
        streamed.chain(loaded)
    }
}

/// A streamed row as an entry.
fn entry_of<'a>(text: &'a str, r: &RawRow) -> Result<EntryRef<'a>, StoreError> {
    let at = |i: usize| -> Result<Option<&'a str>, StoreError> {
        match r.text[i] {
            None => Ok(None),
            Some((start, len)) => {
                let (start, len) = (start as usize, len as usize);
                text.get(start..start + len).map(Some).ok_or_else(|| {
                    StoreError::Corrupt(format!("audit entry {}: column {i}", r.seq))
                })
            }
        }
    };
    let must = |i: usize| -> Result<&'a str, StoreError> {
        at(i)?.ok_or_else(|| {
            StoreError::Corrupt(format!("audit entry {}: column {i} is null", r.seq))
        })
    };
    Ok(EntryRef {
        seq: r.seq,
        occurred_at: r.occurred_at,
        id: must(0)?,
        actor_user_id: at(1)?,
        actor_agency_id: at(2)?,
        actor_role: at(3)?,
        on_behalf_of: at(4)?,
        action: must(5)?,
        action_kind: must(6)?,
        object_type: at(7)?,
        object_id: at(8)?,
        purpose: at(9)?,
        subject_pseudonym: at(10)?,
        outcome: must(11)?,
        source_ip: at(12)?,
        request_id: at(13)?,
        details: must(14)?,
        prev_hash: must(15)?,
        hash: must(16)?,
        mac: at(17)?,
    })
}

/// The chain in `seq` order as a `COPY` source.
struct ChainInOrder;

impl CopyTarget for ChainInOrder {
    type Table = crate::schema::audit_entries::table;
    type SqlType = diesel::sql_types::BigInt;

    fn walk_target(mut pass: AstPass<'_, '_, Pg>) -> diesel::QueryResult<()> {
        pass.push_sql("(SELECT ");
        pass.push_sql(COLUMNS);
        pass.push_sql(" FROM audit_entries WHERE seq IS NOT NULL ORDER BY seq)");
        Ok(())
    }
}

/// Reads the whole chain in `seq` order and hands it to `deliver` in batches of about
/// `batch_rows` entries, until the chain ends or `deliver` answers `false`.
pub fn read_chain(
    conn: &mut DbConn,
    batch_rows: usize,
    mut deliver: impl FnMut(ChainBatch) -> bool,
) -> Result<(), StoreError> {
    let batch_rows = batch_rows.max(1);
    match conn {
        DbConn::Postgres(c) => {
            let mut stream = diesel::copy_to(ChainInOrder)
                .with_format(CopyFormat::Binary)
                .load_raw(c)?;
            let outcome = stream_batches(&mut stream, batch_rows, &mut deliver);
            // A stream left half-read would leave the connection inside the COPY.
            std::io::copy(&mut stream, &mut std::io::sink()).map_err(io)?;
            drop(stream);
            // The COPY's closing result is still pending on the connection: a simple
            // query collects it, so the next statement finds the connection idle.
            diesel::connection::SimpleConnection::batch_execute(c, "SELECT 1")?;
            outcome
        }
        DbConn::Sqlite(_) => {
            let mut after = i64::MIN;
            loop {
                let rows =
                    audit_log::chain_batch(conn, after, i64::try_from(batch_rows).unwrap_or(1000))?;
                let Some(last) = rows.last() else {
                    return Ok(());
                };
                after = last.seq.unwrap_or(i64::MAX);
                if !deliver(ChainBatch {
                    inner: Inner::Loaded(rows),
                }) {
                    return Ok(());
                }
            }
        }
    }
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Corrupt(format!("the audit chain's stream: {e}"))
}

/// The stream's signature, as PostgreSQL's binary `COPY` format begins.
const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

fn read_i16(r: &mut impl Read) -> Result<i16, StoreError> {
    let mut b = [0u8; 2];
    r.read_exact(&mut b).map_err(io)?;
    Ok(i16::from_be_bytes(b))
}

fn read_i32(r: &mut impl Read) -> Result<i32, StoreError> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b).map_err(io)?;
    Ok(i32::from_be_bytes(b))
}

fn read_i64_field(r: &mut impl Read) -> Result<i64, StoreError> {
    if read_i32(r)? != 8 {
        return Err(StoreError::Corrupt(
            "an audit entry's number is not 8 bytes".into(),
        ));
    }
    let mut b = [0u8; 8];
    r.read_exact(&mut b).map_err(io)?;
    Ok(i64::from_be_bytes(b))
}

/// A `timestamp` as sent in binary: microseconds since 2000-01-01 00:00:00.
fn timestamp(micros: i64) -> Result<NaiveDateTime, StoreError> {
    DateTime::from_timestamp(946_684_800, 0)
        .and_then(|epoch| epoch.checked_add_signed(TimeDelta::microseconds(micros)))
        .map(|t| t.naive_utc())
        .ok_or_else(|| StoreError::Corrupt("an audit entry's time is out of range".into()))
}

/// Parses the binary stream into batches for `deliver`.
fn stream_batches(
    stream: &mut impl BufRead,
    batch_rows: usize,
    deliver: &mut impl FnMut(ChainBatch) -> bool,
) -> Result<(), StoreError> {
    let mut head = [0u8; 19];
    stream.read_exact(&mut head).map_err(io)?;
    if &head[..11] != SIGNATURE || head[11..15] != [0, 0, 0, 0] {
        return Err(StoreError::Corrupt("not a binary COPY stream".into()));
    }
    let extension = u64::from(u32::from_be_bytes([head[15], head[16], head[17], head[18]]));
    std::io::copy(&mut (&mut *stream).take(extension), &mut std::io::sink()).map_err(io)?;
    let fresh = || {
        (
            String::with_capacity(batch_rows * 1024),
            Vec::with_capacity(batch_rows),
        )
    };
    let (mut text, mut rows) = fresh();
    let mut field = Vec::new();
    loop {
        let count = read_i16(stream)?;
        if count == -1 {
            break;
        }
        if usize::try_from(count).ok() != Some(TEXT_COLUMNS + 2) {
            return Err(StoreError::Corrupt(format!(
                "an audit row of {count} columns"
            )));
        }
        let seq = read_i64_field(stream)?;
        let occurred_at = timestamp(read_i64_field(stream)?)?;
        let mut row = RawRow {
            seq,
            occurred_at,
            text: [None; TEXT_COLUMNS],
        };
        for slot in &mut row.text {
            let Ok(len) = usize::try_from(read_i32(stream)?) else {
                continue; // -1: NULL
            };
            field.resize(len, 0);
            stream.read_exact(&mut field).map_err(io)?;
            let s = std::str::from_utf8(&field)
                .map_err(|_| StoreError::Corrupt(format!("audit entry {seq}: not UTF-8")))?;
            let start =
                u32::try_from(text.len()).map_err(|_| StoreError::Corrupt("batch".into()))?;
            text.push_str(s);
            *slot = Some((start, u32::try_from(len).unwrap_or(u32::MAX)));
        }
        rows.push(row);
        if rows.len() >= batch_rows {
            let (next_text, next_rows) = fresh();
            let full = Inner::Streamed {
                text: std::mem::replace(&mut text, next_text),
                rows: std::mem::replace(&mut rows, next_rows),
            };
            if !deliver(ChainBatch { inner: full }) {
                return Ok(());
            }
        }
    }
    if !rows.is_empty() {
        deliver(ChainBatch {
            inner: Inner::Streamed { text, rows },
        });
    }
    Ok(())
}
