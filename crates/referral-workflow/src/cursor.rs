//! Opaque page cursors: the sort key of the last item, `<microseconds>_<id>`.

use crate::WorkflowError;
use chrono::{DateTime, Utc};
use std::str::FromStr;

/// The most items on one page, and the default.
pub const MAX_PAGE: i64 = 100;
/// Items on a page unless the client asks for fewer.
pub const DEFAULT_PAGE: i64 = 50;

/// The cursor after an item sorted by `at` and `id`.
pub fn encode(at: DateTime<Utc>, id: &impl ToString) -> String {
    format!("{}_{}", at.timestamp_micros(), id.to_string())
}

/// A cursor back into its sort key; anything else is invalid.
pub fn decode<I: FromStr>(text: &str) -> Result<(DateTime<Utc>, I), WorkflowError> {
    let bad = WorkflowError::Invalid("cursor");
    let (micros, id) = text
        .split_once('_')
        .ok_or(WorkflowError::Invalid("cursor"))?;
    let micros: i64 = micros
        .parse()
        .map_err(|_| WorkflowError::Invalid("cursor"))?;
    let at = DateTime::from_timestamp_micros(micros).ok_or(WorkflowError::Invalid("cursor"))?;
    let id = id.parse().map_err(|_| bad)?;
    Ok((at, id))
}

/// A page size between 1 and [`MAX_PAGE`].
pub fn limit(asked: Option<i64>) -> Result<i64, WorkflowError> {
    match asked {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(WorkflowError::Invalid("limit")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schakel_domain::CaseId;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = DateTime::from_timestamp_micros(1_772_000_000_123_456).unwrap();
        let id = CaseId::new_random();
        let (back_at, back_id): (_, CaseId) = decode(&encode(at, &id)).unwrap();
        assert_eq!((back_at, back_id), (at, id));
        assert!(decode::<CaseId>("nonsense").is_err());
        assert!(decode::<CaseId>("12_notanid").is_err());
        assert!(limit(Some(0)).is_err());
        assert_eq!(limit(None).unwrap(), DEFAULT_PAGE);
    }
}
