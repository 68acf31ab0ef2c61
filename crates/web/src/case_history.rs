//! The rectification record on the case page: each correction of the case, when and by
//! whom, the fields it changed in words and what each held before, readably (a list
//! joined with commas, a code through its catalog label, a country or language by name,
//! a date as it is, the closing a reopening ended as its day in Netherlands time, reason
//! and note). Only the owning agency reads the record: for any other viewer there is
//! none, never an error.

use crate::forms::Failure;
use crate::i18n::Texts;
use crate::names;
use crate::time;
use schakel_domain::Actor;
use schakel_referral_workflow::Env;
use schakel_referral_workflow::cases::case_history;
use schakel_referral_workflow::views::{AccessKind, CaseView, CorrectionView};
use schakel_store::DbConn;
use serde_json::{Map, Value};

/// One correction as the case page lists it.
pub(crate) struct CorrectionRow {
    pub(crate) at: String,
    pub(crate) by: String,
    pub(crate) changes: Vec<Change>,
}

/// One field a correction changed, in words, and what it held before.
pub(crate) struct Change {
    pub(crate) field: String,
    pub(crate) earlier: String,
}

/// The rectification record of `case` as `who` may read it: the owning agency's, and
/// none for anyone else.
pub(crate) fn record(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: &CaseView,
) -> Result<Vec<CorrectionView>, Failure> {
    if case.access != AccessKind::Owner {
        return Ok(Vec::new());
    }
    match case_history(conn, env, who, case.id).map_err(Failure::from) {
        Err(Failure::Hidden | Failure::Forbidden) => Ok(Vec::new()),
        other => other,
    }
}

/// The corrections in the viewer's words, in the order given (oldest first).
pub(crate) fn rows(t: Texts, list: &[CorrectionView]) -> Vec<CorrectionRow> {
    list.iter()
        .map(|c| CorrectionRow {
            at: time::day_time(c.corrected_at),
            by: c.corrected_by_name.clone(),
            changes: c
                .fields
                .iter()
                .map(|field| Change {
                    field: t.code("field", field),
                    earlier: match &c.earlier {
                        Some(earlier) => value(t, field, earlier.get(field)),
                        None => t.get("correction.erased").to_owned(),
                    },
                })
                .collect(),
        })
        .collect()
}

/// The catalog of the codes a field holds, where there is one.
fn codes_of(field: &str) -> Option<&'static str> {
    match field {
        "gender" => Some("gender"),
        "region" => Some("region"),
        "exploitation_forms" => Some("form"),
        _ => None,
    }
}

/// What field `field` held, in words; "empty" for nothing.
fn value(t: Texts, field: &str, v: Option<&Value>) -> String {
    let empty = || t.get("correction.empty").to_owned();
    match v {
        None | Some(Value::Null) => empty(),
        Some(Value::Bool(b)) => t.get(if *b { "word.yes" } else { "word.no" }).to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if s.trim().is_empty() => empty(),
        Some(Value::String(s)) => match field {
            "identity.nationalities" => names::country(t.lang, s),
            "identity.languages" => names::language(t.lang, s),
            _ => codes_of(field).map_or_else(|| s.clone(), |k| t.code(k, s)),
        },
        Some(Value::Array(items)) if items.is_empty() => empty(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|x| value(t, field, Some(x)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Object(m)) if field == "closing" => closing(t, m),
        Some(other @ Value::Object(_)) => other.to_string(),
    }
}

/// The closing a reopening ended, in words: "Closed on 2026-03-01: reason — note".
fn closing(t: Texts, m: &Map<String, Value>) -> String {
    let text = |k: &str| {
        m.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    };
    let empty = || t.get("correction.empty").to_owned();
    let date = text("closed_at").map_or_else(empty, |s| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map_or_else(|_| s.to_owned(), |d| time::day(d.to_utc()))
    });
    let reason = text("reason").map_or_else(empty, |r| t.code("close_reason", r));
    let said = t
        .get("correction.closing")
        .replace("{date}", &date)
        .replace("{reason}", &reason);
    match text("note") {
        Some(note) => format!("{said} — {note}"),
        None => said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use serde_json::json;

    #[test]
    fn earlier_values_read_as_words() {
        let t = Texts { lang: Lang::En };
        let v = |field: &str, x: Value| value(t, field, Some(&x));
        assert_eq!(v("identity.family_name", json!("Popescu")), "Popescu");
        assert_eq!(
            v("identity.date_of_birth", json!("1990-04-02")),
            "1990-04-02"
        );
        assert_eq!(
            v("identity.nationalities", json!(["RO", "MD"])),
            "Romania, Moldova"
        );
        assert_eq!(
            v("identity.languages", json!(["ro", "ru"])),
            "Romanian, Russian"
        );
        assert_eq!(v("identity.stateless", json!(true)), "yes");
        assert_eq!(v("identity.stated_age", json!(31)), "31");
        assert_eq!(v("identity.contact", Value::Null), "(empty)");
        assert_eq!(v("identity.languages", json!([])), "(empty)");
        assert_eq!(v("gender", json!("female")), "female");
        assert_eq!(v("region", json!("den_haag")), "Den Haag");
        assert_eq!(
            v("exploitation_forms", json!(["labour", "sexual"])),
            "labour exploitation, sexual exploitation"
        );
        let nl = Texts { lang: Lang::Nl };
        assert_eq!(value(nl, "gender", Some(&json!("male"))), "man");
        assert_eq!(
            value(nl, "identity.nationalities", Some(&json!(["RO", "BG"]))),
            "Roemenië, Bulgarije"
        );
    }

    #[test]
    fn a_closing_reads_as_its_date_reason_and_note() {
        let t = Texts { lang: Lang::En };
        let v = |x: Value| value(t, "closing", Some(&x));
        assert_eq!(
            v(
                json!({ "reason": "other", "closed_at": "2026-03-01T09:30:00.123456Z",
                      "note": "Moved abroad." })
            ),
            "Closed on 2026-03-01: other (explained in the note) — Moved abroad."
        );
        assert_eq!(
            v(json!({ "reason": "duplicate", "closed_at": "2026-03-01T09:30:00Z", "note": null })),
            "Closed on 2026-03-01: duplicate of another case"
        );
        assert_eq!(
            v(json!({ "reason": null, "closed_at": null })),
            "Closed on (empty): (empty)"
        );
        // Half past eleven UTC is the next day in the Netherlands.
        let nl = Texts { lang: Lang::Nl };
        assert_eq!(
            value(
                nl,
                "closing",
                Some(&json!({ "reason": "duplicate", "closed_at": "2026-03-01T23:30:00Z" }))
            ),
            "Gesloten op 2026-03-02: dubbel met een andere casus"
        );
        assert_eq!(
            t.code("field", "closing"),
            "Closing (ended by reopening the case)"
        );
    }

    #[test]
    fn each_field_is_named_and_an_erased_record_says_so() {
        let t = Texts { lang: Lang::En };
        let c = CorrectionView {
            id: schakel_domain::CorrectionId::new_random(),
            corrected_at: chrono::DateTime::UNIX_EPOCH,
            corrected_by: schakel_domain::UserId::new_random(),
            corrected_by_name: "Sanne Bakker".into(),
            fields: vec!["identity.family_name".into(), "region".into()],
            earlier: Some(json!({ "identity.family_name": "Popescu", "region": "amsterdam" })),
        };
        let erased = CorrectionView {
            earlier: None,
            ..c.clone()
        };
        let rows = rows(t, &[c, erased]);
        assert_eq!(rows[0].at, "1970-01-01 01:00");
        assert_eq!(rows[0].changes[0].field, "Family name");
        assert_eq!(rows[0].changes[0].earlier, "Popescu");
        assert_eq!(rows[0].changes[1].earlier, "Amsterdam");
        assert_eq!(rows[1].changes[1].earlier, "(erased)");
    }
}
