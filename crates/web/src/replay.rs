//! The id of what a repeated form created: a form sent twice (a double click, a retry
//! after a lost answer) carries the same once-key and is answered with the first
//! creation, whose stored answer is the view as JSON.

use std::str::FromStr;

/// The id in a stored answer: the view's `id` (or, for answers stored by earlier
/// versions, the bare id).
pub(crate) fn replayed_id<I: FromStr>(body: &str) -> Option<I> {
    let json_id = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned));
    json_id.as_deref().unwrap_or(body).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use schakel_domain::SignalId;

    #[test]
    fn the_id_is_read_from_a_view_or_a_bare_id() {
        let id = SignalId::new_random();
        let view = format!(r#"{{"id":"{id}","other":1}}"#);
        assert_eq!(replayed_id::<SignalId>(&view), Some(id));
        assert_eq!(replayed_id::<SignalId>(&id.to_string()), Some(id));
        assert_eq!(replayed_id::<SignalId>(r#"{"id":"nonsense"}"#), None);
    }
}
