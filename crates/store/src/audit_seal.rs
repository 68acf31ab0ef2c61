//! The SQL of sealing: the sealer's lock, the unsealed entries of finished
//! transactions, writing their chain positions, and how many entries wait and since
//! when.
//!
//! Only PostgreSQL inserts entries unsealed; on SQLite every entry is sealed at its
//! append, so there is never anything here to seal. It computes no hash (the `audit`
//! crate does) and changes nothing but the four sealing columns, which is all the
//! table's triggers allow.

use crate::audit_log::AuditEntryRow;
use crate::schema::audit_entries;
use crate::{DbConn, StoreError};
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};

/// The key of the transaction-scoped advisory lock one sealer holds at a time (the
/// ASCII bytes of "SCHAKELA").
const SEAL_LOCK_KEY: i64 = 0x5343_4841_4B45_4C41;

/// Takes the sealer's lock for the rest of the transaction, without waiting: `false`
/// when another sealer holds it. (SQLite has nothing to seal and nobody to wait for.)
pub fn try_seal_lock(conn: &mut DbConn) -> Result<bool, StoreError> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    match conn {
        DbConn::Postgres(c) => {
            let row: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
                .bind::<BigInt, _>(SEAL_LOCK_KEY)
                .get_result(c)?;
            Ok(row.locked)
        }
        DbConn::Sqlite(_) => Ok(true),
    }
}

/// Up to `limit` unsealed entries whose transactions have all finished (their id is
/// below the oldest transaction still running), in the order they are to be sealed:
/// by time, then transaction (which began first), then id. An entry of a transaction still running is left for a later
/// round, so no later entry can ever be sealed before one that is still to commit.
pub fn finished_unsealed(conn: &mut DbConn, limit: i64) -> Result<Vec<AuditEntryRow>, StoreError> {
    match conn {
        DbConn::Postgres(_) => Ok(audit_entries::table
            .select(AuditEntryRow::as_select())
            .filter(audit_entries::seq.is_null())
            .filter(sql::<Bool>(
                "xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
            ))
            .order((
                audit_entries::occurred_at.asc(),
                sql::<BigInt>("xid").asc(),
                audit_entries::id.asc(),
            ))
            .limit(limit)
            .load(conn)?),
        DbConn::Sqlite(_) => Ok(Vec::new()),
    }
}

/// A chain position the sealer gives an unsealed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    /// The entry's id.
    pub id: String,
    /// Its place in the chain.
    pub seq: i64,
    /// The hash of the entry before it (64 zeros for the first).
    pub prev_hash: String,
    /// Its own hash.
    pub hash: String,
    /// Its MAC, when the sealer holds the entry key.
    pub mac: Option<String>,
}

/// Writes the seals in one statement and returns how many entries were sealed; an
/// entry already sealed is left alone (and not counted), so the caller can tell a race
/// from success by the count.
pub fn write_seals(conn: &mut DbConn, seals: &[Seal]) -> Result<usize, StoreError> {
    if seals.is_empty() {
        return Ok(0);
    }
    let DbConn::Postgres(c) = conn else {
        return Err(StoreError::Corrupt(
            "SQLite's audit entries are sealed at their append".into(),
        ));
    };
    let ids: Vec<&str> = seals.iter().map(|s| s.id.as_str()).collect();
    let seqs: Vec<i64> = seals.iter().map(|s| s.seq).collect();
    let prevs: Vec<&str> = seals.iter().map(|s| s.prev_hash.as_str()).collect();
    let hashes: Vec<&str> = seals.iter().map(|s| s.hash.as_str()).collect();
    let macs: Vec<Option<&str>> = seals.iter().map(|s| s.mac.as_deref()).collect();
    Ok(diesel::sql_query(
        "UPDATE audit_entries AS e \
         SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, mac = v.mac \
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) \
             AS v(id, seq, prev_hash, hash, mac) \
         WHERE e.id = v.id AND e.seq IS NULL",
    )
    .bind::<Array<Text>, _>(ids)
    .bind::<Array<BigInt>, _>(seqs)
    .bind::<Array<Text>, _>(prevs)
    .bind::<Array<Text>, _>(hashes)
    .bind::<Array<Nullable<Text>>, _>(macs)
    .execute(c)?)
}

/// The entries waiting to be sealed: how many, and the time of the oldest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Unsealed {
    /// How many entries are unsealed.
    pub count: i64,
    /// The `occurred_at` of the oldest of them.
    pub oldest: Option<NaiveDateTime>,
}

/// How many committed entries are unsealed, and since when.
pub fn unsealed(conn: &mut DbConn) -> Result<Unsealed, StoreError> {
    let (count, oldest) = audit_entries::table
        .filter(audit_entries::seq.is_null())
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(audit_entries::occurred_at),
        ))
        .first::<(i64, Option<NaiveDateTime>)>(conn)?;
    Ok(Unsealed { count, oldest })
}
