//! What a request got wrong, named without what it held: the member at fault as a path
//! from the top of the body (`person.identity.date_of_birth`, `exploitation_forms[1]`)
//! and what was expected, in our own fixed words.
//!
//! Serde's messages may quote the value sent (`invalid value: string "Jansen"`), and
//! values may be personal data or secrets. So a message is only sorted into a category
//! here; the only words ever taken from it are names our own types declare (a missing
//! field, the fields or codes a type accepts), found after the message's last
//! `, expected`, where the value sent cannot reach. Must not: put any part of a value
//! into a reason, or a member name that does not look like one into a path.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};
use utoipa::ToSchema;

/// One member of a request that is not valid, and what was expected of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The member at fault: a path from the top of the body, members joined by `.` and
    /// list positions in brackets (`person.identity.date_of_birth`,
    /// `exploitation_forms[1]`), or a query parameter's name; empty when the body as a
    /// whole is at fault.
    #[schema(example = "person.identity.date_of_birth")]
    pub field: String,
    /// What was expected, in fixed words; never the value sent.
    #[schema(example = "expected a date, YYYY-MM-DD")]
    pub reason: String,
}

impl FieldError {
    fn new(field: String, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }

    /// `field` of the request is not valid for `reason` (both our own words).
    pub(crate) fn named(field: &'static str, reason: &'static str) -> Self {
        Self::new(field.to_owned(), reason)
    }

    /// A field a use case found not valid (`UseCaseError::Invalid`); `None` for a name
    /// that is no field's (a sentence).
    pub(crate) fn of_use_case(field: &'static str) -> Option<Self> {
        field
            .split('.')
            .all(is_name)
            .then(|| Self::new(field.to_owned(), "is not a valid value here"))
    }
}

/// `value` as a `T`: anything but an object of the right shape is the first member at
/// fault (which the edge answers as `422 invalid_body`).
pub(crate) fn json_as<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, FieldError> {
    if !value.is_object() {
        let whole = FieldError::new(String::new(), "expected a JSON object");
        return Err(whole);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let message = e.inner().to_string();
        field_error(e.path(), &message)
    })
}

/// The member of `path` at fault and why, from serde's `message` (never quoted).
fn field_error(path: &Path, message: &str) -> FieldError {
    let at = path_of(path);
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, e)| strip_position(e));
    let (field, reason) = if let Some(name) = quoted_after(message, "missing field ") {
        (join(&at, name), "is required".to_owned())
    } else if let Some(name) = quoted_after(message, "duplicate field ") {
        (join(&at, name), "is given more than once".to_owned())
    } else if message.starts_with("unknown field ") {
        let known = expected.map(names).unwrap_or_default();
        let reason = match known.is_empty() {
            true => "is not a field here".to_owned(),
            false => format!("is not a field here; expected one of: {}", known.join(", ")),
        };
        (at, reason)
    } else if message.starts_with("invalid length ") {
        (at, "has the wrong number of items".to_owned())
    } else if let Some(e) = expected.filter(|_| categorised(message)) {
        (at, format!("expected {}", words(e)))
    } else {
        let reason = custom(&at, message);
        (at, reason.to_owned())
    };
    FieldError::new(field, reason)
}

/// Whether `message` is one of serde's own kinds that end in what was expected.
fn categorised(message: &str) -> bool {
    ["invalid type: ", "invalid value: ", "unknown variant "]
        .iter()
        .any(|p| message.starts_with(p))
}

/// The reason of a message a type made itself (a date or an id that does not parse).
fn custom(at: &str, message: &str) -> &'static str {
    const CHRONO: [&str; 6] = [
        "input is out of range",
        "no possible date and time matching input",
        "input is not enough for unique date and time",
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
    ];
    if CHRONO.contains(&message) {
        // Our naming: a moment is `…_at`, a day anything else (`…_on`, `date_of_birth`).
        if at.ends_with("_at") {
            "expected a date and time, RFC 3339 (2026-03-01T09:30:00Z)"
        } else {
            "expected a date, YYYY-MM-DD"
        }
    } else if message.starts_with("UUID parsing failed") {
        "expected an id (a UUID)"
    } else {
        "is not a valid value"
    }
}

/// What was expected, in our words, from the words of the type (`expected`).
fn words(expected: &str) -> String {
    let fixed = match expected {
        "a formatted date string" => "a date, YYYY-MM-DD",
        "an RFC 3339 formatted date and time string" => {
            "a date and time, RFC 3339 (2026-03-01T09:30:00Z)"
        }
        "a string" | "a borrowed string" | "a string or bytes" => "a string",
        "a boolean" => "true or false",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a sequence" | "a tuple" => "a list",
        "a map" => "an object",
        "a UUID string" => "an id (a UUID)",
        "unit" => "null",
        e if e.starts_with("struct ") => "an object",
        e if e.starts_with("tuple") => "a list",
        _ => {
            let list = names(expected);
            return match list.is_empty() {
                true => "a value of another kind".to_owned(),
                false => format!("one of: {}", list.join(", ")),
            };
        }
    };
    fixed.to_owned()
}

/// The names a type lists in its expectation (`` one of `a`, `b` ``, `` `a` or `b` ``),
/// each a plain name; none unless every one is.
fn names(expected: &str) -> Vec<&str> {
    let found: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if found.iter().all(|n| is_name(n)) {
        found
    } else {
        Vec::new()
    }
}

/// The name between backticks right after `prefix` at the start of `message`: a name
/// our type declares (`` missing field `region` ``).
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    let name = rest.split('`').next()?;
    is_name(name).then_some(name)
}

/// serde_json adds the place in the text to its messages; a value has none, but the
/// words must hold whatever the source.
fn strip_position(expected: &str) -> &str {
    match expected.rfind(" at line ") {
        Some(i) => &expected[..i],
        None => expected,
    }
}

/// Whether `s` looks like a member name (and so is no value typed in its place).
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The path as our documents write it: `a.b[2].c`, a name that does not look like one
/// (a key sent that is no member) as `?`.
fn path_of(path: &Path) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                let name = if is_name(key) { key.as_str() } else { "?" };
                out = join(&out, name);
            }
            Segment::Unknown => out = join(&out, "?"),
        }
    }
    out
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Person {
        family_name: Option<String>,
        date_of_birth: Option<chrono::NaiveDate>,
        stated_age: Option<u32>,
        seen_at: Option<chrono::DateTime<chrono::Utc>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        region: schakel_domain::Region,
        person: Option<Person>,
        #[serde(default)]
        forms: Vec<schakel_domain::ExploitationForm>,
        agency_id: Option<schakel_domain::AgencyId>,
        shared: Option<bool>,
    }

    fn said(body: serde_json::Value) -> FieldError {
        match json_as::<Input>(&body) {
            Err(f) => f,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_kind_of_mistake_names_its_member_and_what_was_expected() {
        use serde_json::json;
        let ok = json!({ "region": "amsterdam" });
        assert!(json_as::<Input>(&ok).is_ok());
        let cases = [
            (json!({}), "region", "is required"),
            (json!([1]), "", "expected a JSON object"),
            (
                json!({ "region": "amsterdam", "person": { "stated_age": "Jansen" } }),
                "person.stated_age",
                "expected a whole number, 0 or more",
            ),
            (
                json!({ "region": "amsterdam", "person": { "date_of_birth": "Jansen" } }),
                "person.date_of_birth",
                "expected a date, YYYY-MM-DD",
            ),
            (
                json!({ "region": "amsterdam", "person": { "date_of_birth": 1999 } }),
                "person.date_of_birth",
                "expected a date, YYYY-MM-DD",
            ),
            (
                json!({ "region": "amsterdam", "person": { "seen_at": "Jansen" } }),
                "person.seen_at",
                "expected a date and time, RFC 3339 (2026-03-01T09:30:00Z)",
            ),
            (
                json!({ "region": "amsterdam", "forms": ["labour", "Jansen"] }),
                "forms[1]",
                "expected one of: ",
            ),
            (
                json!({ "region": "amsterdam", "agency_id": "Jansen-1" }),
                "agency_id",
                "expected an id (a UUID)",
            ),
            (
                json!({ "region": "amsterdam", "shared": "Jansen" }),
                "shared",
                "expected true or false",
            ),
            (
                json!({ "region": "amsterdam", "person": { "given": "Jansen" } }),
                "person.given",
                "is not a field here; expected one of: family_name, date_of_birth",
            ),
            (
                json!({ "region": "amsterdam", "person": { "Jansen woont hier": 1 } }),
                "person.?",
                "is not a field here",
            ),
            (json!({ "region": 5 }), "region", "expected a string"),
        ];
        for (body, field, reason) in cases {
            let f = said(body.clone());
            assert_eq!(f.field, field, "{body}");
            assert!(f.reason.starts_with(reason), "{body}: {}", f.reason);
            assert!(!f.reason.contains("Jansen") && !f.field.contains("Jansen"));
        }
    }

    #[test]
    fn a_code_list_names_its_codes_and_never_the_value() {
        let f = said(serde_json::json!({ "region": "Jansen\", expected `x`, `y`" }));
        assert_eq!(f.field, "region");
        assert!(f.reason.contains("amsterdam"), "{}", f.reason);
        assert!(!f.reason.contains("Jansen") && !f.reason.contains("`x`"));
    }

    #[test]
    fn a_use_case_field_is_named_unless_it_is_a_sentence() {
        assert_eq!(
            FieldError::of_use_case("assign_to").map(|f| f.field),
            Some("assign_to".to_owned())
        );
        assert_eq!(FieldError::of_use_case("no field to change"), None);
    }
}
