//! Values as text: times in Netherlands time, dates, sizes, coded values through the
//! caller's vocabulary, and a correction's earlier values (JSON) as `field: value` lines.

use crate::Lang;
use crate::labels::Labels;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Amsterdam;
use serde_json::Value;

/// What the sections need to word things: the labels and the vocabulary.
pub(crate) struct Ctx<'a> {
    pub lang: Lang,
    pub labels: &'static Labels,
    pub words: &'a dyn Fn(&str, &str) -> String,
}

impl Ctx<'_> {
    /// The words for `code` in `vocabulary`.
    pub(crate) fn word(&self, vocabulary: &str, code: &str) -> String {
        (self.words)(vocabulary, code)
    }

    /// The words for each code, joined by commas; "none" for no codes.
    pub(crate) fn words<'c>(
        &self,
        vocabulary: &str,
        codes: impl IntoIterator<Item = &'c str>,
    ) -> String {
        self.or_none(codes.into_iter().map(|c| self.word(vocabulary, c)))
    }

    /// The texts joined by commas; "none" for none.
    pub(crate) fn or_none(&self, texts: impl IntoIterator<Item = String>) -> String {
        let joined = texts.into_iter().collect::<Vec<_>>().join(", ");
        if joined.is_empty() {
            self.labels.none.to_owned()
        } else {
            joined
        }
    }

    /// A byte count for people: bytes, kB or MB (a decimal comma in Dutch).
    pub(crate) fn size(&self, bytes: i64) -> String {
        let text = if bytes < 1000 {
            format!("{bytes} bytes")
        } else if bytes < 1_000_000 {
            format!("{:.1} kB", bytes as f64 / 1e3)
        } else {
            format!("{:.1} MB", bytes as f64 / 1e6)
        };
        match self.lang {
            Lang::En => text,
            Lang::Nl => text.replace('.', ","),
        }
    }
}

/// A moment in Netherlands time: `2026-03-02 14:05`.
pub(crate) fn datetime(t: DateTime<Utc>) -> String {
    t.with_timezone(&Amsterdam)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The day of a moment in Netherlands time: `2026-03-02`.
pub(crate) fn date_of(t: DateTime<Utc>) -> String {
    t.with_timezone(&Amsterdam).format("%Y-%m-%d").to_string()
}

/// A day: `2026-03-02`.
pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A correction's earlier values as `field: value` lines, one per field (nested objects
/// as `field.part: value`; an empty or absent value as `empty`).
pub(crate) fn earlier_lines(earlier: &Value, empty: &str) -> Vec<String> {
    let mut out = Vec::new();
    match earlier {
        Value::Object(map) => {
            for (field, value) in map {
                push_field(&mut out, field, value, empty);
            }
        }
        other => out.push(scalar(other, empty)),
    }
    out
}

fn push_field(out: &mut Vec<String>, field: &str, value: &Value, empty: &str) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (part, inner) in map {
                push_field(out, &format!("{field}.{part}"), inner, empty);
            }
        }
        other => out.push(format!("{field}: {}", scalar(other, empty))),
    }
}

/// A value on one line: text as it is, lists joined by commas.
fn scalar(value: &Value, empty: &str) -> String {
    match value {
        Value::Null => empty.to_owned(),
        Value::String(s) if s.is_empty() => empty.to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if items.is_empty() => empty.to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|v| scalar(v, empty))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) if map.is_empty() => empty.to_owned(),
        Value::Object(_) => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn times_are_shown_in_netherlands_time() {
        let winter = Utc.with_ymd_and_hms(2026, 3, 2, 13, 5, 0).unwrap();
        assert_eq!(datetime(winter), "2026-03-02 14:05");
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).unwrap();
        assert_eq!(datetime(summer), "2026-07-02 00:30");
        assert_eq!(date_of(summer), "2026-07-02");
    }

    #[test]
    fn earlier_values_become_field_lines() {
        let earlier = json!({
            "identity.date_of_birth": "1990-04-01",
            "exploitation_forms": ["labour", "criminal"],
            "notes": null,
            "identity": {"family_name": "Ivanova"},
        });
        let lines = earlier_lines(&earlier, "(empty)");
        assert!(lines.contains(&"identity.date_of_birth: 1990-04-01".to_owned()));
        assert!(lines.contains(&"exploitation_forms: labour, criminal".to_owned()));
        assert!(lines.contains(&"notes: (empty)".to_owned()));
        assert!(lines.contains(&"identity.family_name: Ivanova".to_owned()));
    }
}
