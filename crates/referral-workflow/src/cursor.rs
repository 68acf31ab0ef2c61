//! Opaque page cursors: the sort key of the last item, `<microseconds>_<id>`.

use crate::UseCaseError;
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
pub fn decode<I: FromStr>(text: &str) -> Result<(DateTime<Utc>, I), UseCaseError> {
    let bad = UseCaseError::Invalid("cursor");
    let (micros, id) = text
        .split_once('_')
        .ok_or(UseCaseError::Invalid("cursor"))?;
    let micros: i64 = micros
        .parse()
        .map_err(|_| UseCaseError::Invalid("cursor"))?;
    let at = DateTime::from_timestamp_micros(micros).ok_or(UseCaseError::Invalid("cursor"))?;
    let id = id.parse().map_err(|_| bad)?;
    Ok((at, id))
}

/// A page size between 1 and [`MAX_PAGE`].
pub fn limit(asked: Option<i64>) -> Result<i64, UseCaseError> {
    match asked {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(UseCaseError::Invalid("limit")),
    }
}

/// One page of `rows`, read with one row more than `limit` to learn whether another
/// page follows: the first `limit` rows, and the cursor after the last of them when
/// more follow. `key` gives a row's sort key.
pub fn split<T, I: ToString>(
    rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> (DateTime<Utc>, I),
) -> (Vec<T>, Option<String>) {
    let take = usize::try_from(limit).unwrap_or(0);
    let more = rows.len() > take;
    let rows: Vec<T> = rows.into_iter().take(take).collect();
    let next = rows.last().filter(|_| more).map(|last| {
        let (at, id) = key(last);
        encode(at, &id)
    });
    (rows, next)
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
        let at = |n: i64| DateTime::from_timestamp_micros(n).unwrap();
        let (page, next) = split(vec![1_i64, 2, 3], 2, |n| (at(*n), *n));
        assert_eq!((page, next), (vec![1, 2], Some("2_2".to_owned())));
        let (page, next) = split(vec![1_i64, 2], 2, |n| (at(*n), *n));
        assert_eq!((page, next), (vec![1, 2], None));
        assert_eq!(limit(None).unwrap(), DEFAULT_PAGE);
    }
}
