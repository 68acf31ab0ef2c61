//! Unlinkable records in the monitor's tables: persons recorded without a name or
//! without a full date of birth, whose key names their own record (`u:` and a digest)
//! instead of a pseudonym. They count once each in tables of persons, never in the
//! overlap table, and every table of persons says what share of its persons they are.

use super::QueryError;
use schakel_store::{DbConn, monitor};

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

/// The distinct persons of the facts `where_` selects and how many of them are
/// unlinkable records. `where_` is built from fixed column expressions and checked
/// values only (see [`crate::query`]).
pub(crate) fn person_share(conn: &mut DbConn, where_: &str) -> Result<PersonShare, QueryError> {
    let row = monitor::person_share(conn, where_)?;
    Ok(PersonShare {
        persons: row.persons,
        unlinkable: row.unlinkable,
    })
}
