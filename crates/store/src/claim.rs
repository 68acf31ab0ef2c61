//! Claiming due rows of a queue for one worker, the same way for the outbox and the mail
//! queue: the pending rows whose time has come and whose lease (if any) ran out, oldest
//! first, are leased until a given time and their attempt counted. On PostgreSQL rows
//! another worker's transaction holds are skipped (`FOR UPDATE SKIP LOCKED`), so several
//! workers share the work; SQLite has one writer at a time anyway. Run inside a write
//! transaction.
//!
//! A macro rather than a function: the two tables are different diesel types with the
//! same column names (`id`, `state`, `available_at`, `claimed_until`, `attempts`).

/// Leases up to `$limit` due rows of table module `$t` that also match `$filter`, until
/// `$lease_until`, counting the attempt; evaluates to their ids, oldest first.
macro_rules! claim_due {
    ($conn:expr, $t:ident, $filter:expr, $now:expr, $lease_until:expr, $limit:expr) => {{
        let at = $crate::to_db_time($now);
        let due = $t::table
            .filter($t::state.eq("pending"))
            .filter($filter)
            .filter($t::available_at.le(at))
            .filter($t::claimed_until.is_null().or($t::claimed_until.le(at)))
            .order(($t::available_at.asc(), $t::id.asc()))
            .limit($limit)
            .select($t::id);
        let ids: Vec<String> = match &mut *$conn {
            $crate::DbConn::Postgres(c) => due.for_update().skip_locked().load(c)?,
            $crate::DbConn::Sqlite(c) => due.load(c)?,
        };
        if !ids.is_empty() {
            diesel::update($t::table.filter($t::id.eq_any(&ids)))
                .set((
                    $t::claimed_until.eq(Some($crate::to_db_time($lease_until))),
                    $t::attempts.eq($t::attempts + 1),
                ))
                .execute($conn)?;
        }
        ids
    }};
}

pub(crate) use claim_due;
