//! A search's parameters: only those the search knows (plus `_format` and `_pretty`,
//! which change nothing here), each at most once; anything else is an error naming it
//! rather than a filter silently left out.

use schakel_api::{ApiError, FieldError};

/// The largest page of a search.
pub const MAX_COUNT: i64 = 100;
/// The page of a search that does not ask.
pub const DEFAULT_COUNT: i64 = 20;

/// Parameters that every search accepts and that change nothing.
const IGNORED: &[&str] = &["_format", "_pretty"];

/// A search's parameters, decoded.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

fn invalid(field: &str, reason: &str) -> ApiError {
    ApiError::Invalid(FieldError {
        field: field.to_owned(),
        reason: reason.to_owned(),
    })
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

impl Params {
    /// The parameters of `query` that `known` names; any other is an error naming it.
    pub fn parse(query: &str, known: &[&str]) -> Result<Self, ApiError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(name).ok_or_else(|| invalid("", "expected a readable query"))?;
            let value = decode(value).ok_or_else(|| invalid(&name, "expected readable text"))?;
            if IGNORED.contains(&name.as_str()) {
                continue;
            }
            if !known.contains(&name.as_str()) {
                return Err(invalid(&name, "not a search parameter of this resource"));
            }
            if out.iter().any(|(n, _)| *n == name) {
                return Err(invalid(&name, "given more than once"));
            }
            if value.is_empty() {
                return Err(invalid(&name, "expected a value"));
            }
            out.push((name, value));
        }
        Ok(Params(out))
    }

    /// The value of `name`, if given.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The page size asked (`_count`), 1 to [`MAX_COUNT`].
    pub fn count(&self) -> Result<i64, ApiError> {
        match self.one("_count") {
            None => Ok(DEFAULT_COUNT),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if (1..=MAX_COUNT).contains(&n) => Ok(n),
                _ => Err(invalid("_count", "expected a whole number from 1 to 100")),
            },
        }
    }

    /// The parameters as a query again, without the page: for a bundle's links.
    pub fn canonical(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter(|(n, _)| n != "_page")
            .cloned()
            .collect()
    }
}

/// The id of a reference to a resource of `kind`: `Kind/{id}`, an absolute URL ending
/// so, or the bare id; the id as `T`.
pub fn reference_id<T: std::str::FromStr>(value: &str, kind: &str) -> Option<T> {
    let value = value.trim();
    let tail = match value.rsplit_once(&format!("{kind}/")) {
        Some((_, id)) => id,
        None if !value.contains('/') => value,
        None => return None,
    };
    tail.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_parameters_are_read_and_others_named() {
        let p = Params::parse(
            "status=requested%2Caccepted&_count=5&_format=json",
            &["status", "_count"],
        )
        .unwrap();
        assert_eq!(p.one("status"), Some("requested,accepted"));
        assert_eq!(p.count().unwrap(), 5);
        assert!(Params::parse("subject=x", &["status"]).is_err());
        assert!(Params::parse("status=a&status=b", &["status"]).is_err());
        assert!(Params::parse("status=", &["status"]).is_err());
        assert!(Params::parse("status=%zz", &["status"]).is_err());
        assert!(
            Params::parse("_count=0", &["_count"])
                .unwrap()
                .count()
                .is_err()
        );
        assert!(
            Params::parse("_count=101", &["_count"])
                .unwrap()
                .count()
                .is_err()
        );
    }

    #[test]
    fn references_name_their_kind() {
        let id = "0b9e6a84-6d9b-4c4f-9d64-0a4f9a2d6a11";
        let uuid: Option<uuid_like::Id> =
            reference_id(&format!("Organization/{id}"), "Organization");
        assert!(uuid.is_some());
        let uuid: Option<uuid_like::Id> = reference_id(id, "Organization");
        assert!(uuid.is_some());
        let uuid: Option<uuid_like::Id> = reference_id(&format!("Patient/{id}"), "Organization");
        assert!(uuid.is_none());
    }

    mod uuid_like {
        pub type Id = schakel_domain::AgencyId;
    }
}
