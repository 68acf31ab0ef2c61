//! Reading a resource of another system's: each element read is named by its path, a
//! wrong one is an error naming that path and what was expected (never the value), and
//! what is not read is listed so the answer can say it was not kept.

use crate::codes::system;
use schakel_api::{ApiError, FieldError};
use serde_json::{Map, Value};
use std::str::FromStr;

/// An error naming `path`.
pub fn bad(path: &str, reason: &str) -> ApiError {
    ApiError::Invalid(FieldError {
        field: path.to_owned(),
        reason: reason.to_owned(),
    })
}

/// A resource being read: its JSON, its path in the bundle, and the elements read.
pub struct Reader<'a> {
    obj: &'a Map<String, Value>,
    path: String,
    read: Vec<&'static str>,
}

/// The resource's content may be personal data: only its path is shown.
impl std::fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<'a> Reader<'a> {
    /// A resource of `kind` at `path`.
    pub fn new(value: &'a Value, path: &str, kind: &str) -> Result<Self, ApiError> {
        let obj = value
            .as_object()
            .ok_or_else(|| bad(path, "expected a resource"))?;
        if obj.get("resourceType").and_then(Value::as_str) != Some(kind) {
            return Err(bad(
                &format!("{path}.resourceType"),
                &format!("expected {kind}"),
            ));
        }
        if obj.contains_key("modifierExtension") {
            return Err(bad(
                &format!("{path}.modifierExtension"),
                "expected none: no modifier extension is understood here",
            ));
        }
        Ok(Reader {
            obj,
            path: path.to_owned(),
            read: vec!["resourceType", "id", "meta", "text", "extension"],
        })
    }

    /// The path of element `name`.
    pub fn at(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }

    /// Element `name`, if present (marked read).
    pub fn get(&mut self, name: &'static str) -> Option<&'a Value> {
        self.read.push(name);
        self.obj.get(name)
    }

    /// Element `name` as text, if present.
    pub fn text(&mut self, name: &'static str) -> Result<Option<&'a str>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(Some)
                .ok_or_else(|| bad(&self.at(name), "expected a string")),
        }
    }

    /// Element `name` as text, which must be there.
    pub fn required_text(&mut self, name: &'static str) -> Result<&'a str, ApiError> {
        self.text(name)?
            .ok_or_else(|| bad(&self.at(name), "expected a value"))
    }

    /// Element `name` as an array (empty when absent).
    pub fn list(&mut self, name: &'static str) -> Result<&'a [Value], ApiError> {
        match self.get(name) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(bad(&self.at(name), "expected an array")),
        }
    }

    /// The extensions of this resource with `url`.
    pub fn extensions(&self, url: &str) -> Vec<&'a Value> {
        self.obj
            .get("extension")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter(|e| e.get("url").and_then(Value::as_str) == Some(url))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The elements present that were not read: what is not kept.
    pub fn unread(&self) -> Vec<String> {
        self.obj
            .keys()
            .filter(|k| !self.read.contains(&k.as_str()))
            .map(|k| self.at(k))
            .collect()
    }
}

/// The reference text of a `Reference` at `path`.
pub fn reference<'a>(value: &'a Value, path: &str) -> Result<&'a str, ApiError> {
    value
        .get("reference")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(&format!("{path}.reference"), "expected a reference"))
}

/// The code of Schakel's code system `name` in a `Coding`, parsed.
pub fn coding<T: FromStr>(value: &Value, name: &str, path: &str) -> Result<Option<T>, ApiError> {
    if value.get("system").and_then(Value::as_str) != Some(system(name).as_str()) {
        return Ok(None);
    }
    let code = value
        .get("code")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(&format!("{path}.code"), "expected a code"))?;
    code.parse().map(Some).map_err(|_| {
        bad(
            &format!("{path}.code"),
            &format!("expected a code of {}", system(name)),
        )
    })
}

/// The code of Schakel's code system `name` in a `CodeableConcept`, if it has one.
pub fn concept<T: FromStr>(value: &Value, name: &str, path: &str) -> Result<Option<T>, ApiError> {
    let codings = value
        .get("coding")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(&format!("{path}.coding"), "expected codings"))?;
    for (i, c) in codings.iter().enumerate() {
        if let Some(code) = coding(c, name, &format!("{path}.coding[{i}]"))? {
            return Ok(Some(code));
        }
    }
    Ok(None)
}

/// A date (`YYYY-MM-DD`, or the date of a `dateTime`) at `path`.
pub fn date(value: &Value, path: &str) -> Result<chrono::NaiveDate, ApiError> {
    let text = value.as_str().ok_or_else(|| bad(path, "expected a date"))?;
    text.get(..10)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| bad(path, "expected a full date, YYYY-MM-DD"))
}
