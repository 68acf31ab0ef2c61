//! Every column that holds an application-encrypted value, and paging through them to
//! re-encrypt under a new key.
//!
//! The table and column names come only from [`SEALED_COLUMNS`] and
//! [`LAW_ENFORCEMENT_SEALED_COLUMNS`] (the compartment's, under its own keys), never
//! from input, so
//! building the SQL text from them is safe. Placeholders differ between the backends
//! (`?` on SQLite, `$n` on PostgreSQL), hence the `match` on the connection.

use crate::{DbConn, StoreError};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

/// A column holding ciphertexts, with the expression naming its row (the row id in the
/// ciphertext's associated data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    /// The table.
    pub table: &'static str,
    /// The column.
    pub column: &'static str,
    /// SQL giving the row id the ciphertext was made for.
    pub row_id: &'static str,
}

/// All encrypted columns.
pub const SEALED_COLUMNS: &[SealedColumn] = &[
    SealedColumn {
        table: "emergency_accesses",
        column: "reason",
        row_id: "id",
    },
    SealedColumn {
        table: "emergency_accesses",
        column: "review_note",
        row_id: "id",
    },
    SealedColumn {
        table: "users",
        column: "totp_secret",
        row_id: "id",
    },
    SealedColumn {
        table: "users",
        column: "totp_pending_secret",
        row_id: "id",
    },
    SealedColumn {
        table: "persons",
        column: "identity",
        row_id: "id",
    },
    SealedColumn {
        table: "signals",
        column: "summary",
        row_id: "id",
    },
    SealedColumn {
        table: "cases",
        column: "notes",
        row_id: "id",
    },
    SealedColumn {
        table: "cases",
        column: "close_note",
        row_id: "id",
    },
    SealedColumn {
        table: "case_corrections",
        column: "earlier",
        row_id: "id",
    },
    SealedColumn {
        table: "drafts",
        column: "content",
        row_id: "id",
    },
    SealedColumn {
        table: "case_notes",
        column: "body",
        row_id: "id",
    },
    SealedColumn {
        table: "case_documents",
        column: "title",
        row_id: "id",
    },
    SealedColumn {
        table: "consents",
        column: "reason",
        row_id: "id",
    },
    SealedColumn {
        table: "referrals",
        column: "message",
        row_id: "id",
    },
    SealedColumn {
        table: "referrals",
        column: "note",
        row_id: "id",
    },
    SealedColumn {
        table: "idempotency_keys",
        column: "body",
        row_id: "user_id || ':' || key",
    },
];

/// The encrypted columns of the law-enforcement compartment, under its own keys.
pub const LAW_ENFORCEMENT_SEALED_COLUMNS: &[SealedColumn] = &[
    SealedColumn {
        table: "investigations",
        column: "reference",
        row_id: "id",
    },
    SealedColumn {
        table: "suspects",
        column: "identity",
        row_id: "id",
    },
    SealedColumn {
        table: "suspect_referrals",
        column: "message",
        row_id: "id",
    },
];

#[derive(QueryableByName)]
struct SealedRow {
    #[diesel(sql_type = Text)]
    row_id: String,
    #[diesel(sql_type = Text)]
    value: String,
}

/// Up to `limit` (row id, ciphertext) pairs of `col` with a row id after `after`, in
/// row-id order; rows without a value are skipped.
pub fn page(
    conn: &mut DbConn,
    col: &SealedColumn,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let (t, c, r) = (col.table, col.column, col.row_id);
    let rows: Vec<SealedRow> = match conn {
        DbConn::Sqlite(c_) => diesel::sql_query(format!(
            "SELECT {r} AS row_id, {c} AS value FROM {t} WHERE {c} IS NOT NULL AND {r} > ? \
             ORDER BY {r} LIMIT ?"
        ))
        .bind::<Text, _>(after)
        .bind::<BigInt, _>(limit)
        .load(c_)?,
        DbConn::Postgres(c_) => diesel::sql_query(format!(
            "SELECT {r} AS row_id, {c} AS value FROM {t} WHERE {c} IS NOT NULL AND {r} > $1 \
             ORDER BY {r} LIMIT $2"
        ))
        .bind::<Text, _>(after)
        .bind::<BigInt, _>(limit)
        .load(c_)?,
    };
    Ok(rows.into_iter().map(|s| (s.row_id, s.value)).collect())
}

/// Replaces the ciphertext of one row if it is still `old`; returns whether it was.
pub fn replace(
    conn: &mut DbConn,
    col: &SealedColumn,
    row_id: &str,
    old: &str,
    new: &str,
) -> Result<bool, StoreError> {
    let (t, c, r) = (col.table, col.column, col.row_id);
    let n = match conn {
        DbConn::Sqlite(c_) => {
            diesel::sql_query(format!("UPDATE {t} SET {c} = ? WHERE {r} = ? AND {c} = ?"))
                .bind::<Text, _>(new)
                .bind::<Text, _>(row_id)
                .bind::<Text, _>(old)
                .execute(c_)?
        }
        DbConn::Postgres(c_) => diesel::sql_query(format!(
            "UPDATE {t} SET {c} = $1 WHERE {r} = $2 AND {c} = $3"
        ))
        .bind::<Text, _>(new)
        .bind::<Text, _>(row_id)
        .bind::<Text, _>(old)
        .execute(c_)?,
    };
    Ok(n == 1)
}
