//! Unlinkable records in the monitor's tables: persons recorded without a name or
//! without a full date of birth, whose key names their own record (`u:` and a digest)
//! instead of a pseudonym. They count once each in tables of persons, never in the
//! overlap table, and every table of persons says what share of its persons they are.

use crate::query::{QueryError, load};
use diesel::sql_types::BigInt;
use schakel_domain::pseudonym::UNLINKABLE_PREFIX;
use schakel_store::DbConn;

/// The distinct persons a table covers and how many of them are unlinkable records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonShare {
    /// Distinct persons, unlinkable records included.
    pub persons: i64,
    /// Of them, unlinkable records.
    pub unlinkable: i64,
}

impl PersonShare {
    /// The unlinkable share in whole percent (rounded half up); none without persons or
    /// below `threshold` persons.
    pub fn percent(self, threshold: i64) -> Option<i64> {
        if self.persons <= 0 || self.persons < threshold {
            return None;
        }
        Some((200 * self.unlinkable + self.persons) / (2 * self.persons))
    }
}

/// How unlinkable records are counted, in words.
pub(crate) const UNLINKABLE_NOTE: &str = "A person recorded without a name or without a full date of birth cannot be recognised across agencies: such a person is an unlinkable record, counted once, and may be the same person as another record; `unlinkable_percent` is their share of the persons over the whole period.";

#[derive(diesel::QueryableByName)]
struct ShareRow {
    #[diesel(sql_type = BigInt)]
    persons: i64,
    #[diesel(sql_type = BigInt)]
    unlinkable: i64,
}

/// The distinct persons of the facts `where_` selects and how many of them are
/// unlinkable records.
pub(crate) fn person_share(conn: &mut DbConn, where_: &str) -> Result<PersonShare, QueryError> {
    let sql = format!(
        "SELECT CAST(COUNT(DISTINCT pseudonym) AS BIGINT) AS persons, \
         CAST(COUNT(DISTINCT CASE WHEN pseudonym LIKE '{UNLINKABLE_PREFIX}%' THEN pseudonym END) \
         AS BIGINT) AS unlinkable FROM monitor_facts WHERE {where_}"
    );
    let rows: Vec<ShareRow> = load(conn, &sql)?;
    Ok(rows
        .first()
        .map(|r| PersonShare {
            persons: r.persons,
            unlinkable: r.unlinkable,
        })
        .unwrap_or_default())
}
