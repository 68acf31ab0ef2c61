//! The filters of the auditor's trail page as its form and links send them: every filter
//! the API offers (actor, agency, action code, kind, outcome, object type and id, person,
//! days), empty fields meaning no filter, and the links that keep them (older pages, a
//! click on an actor, an object or a person).

use chrono::NaiveDate;
use schakel_audit::{ActionCode, ActionKind, AuditFilter, Outcome, PageRequest};
use schakel_domain::{AgencyId, UserId};
use serde::Deserialize;

/// Entries per page.
const PAGE_SIZE: u32 = 50;

/// The longest object type or id a filter takes (as the API).
const MAX_TEXT: usize = 200;

/// The filters as the form sends them; empty fields are no filter.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TrailQuery {
    #[serde(default)]
    pub(crate) actor: String,
    #[serde(default)]
    pub(crate) agency: String,
    #[serde(default)]
    pub(crate) action: String,
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) outcome: String,
    #[serde(default)]
    pub(crate) object_type: String,
    #[serde(default)]
    pub(crate) object_id: String,
    #[serde(default)]
    pub(crate) subject: String,
    #[serde(default)]
    pub(crate) from: String,
    #[serde(default)]
    pub(crate) to: String,
    pub(crate) before: Option<i64>,
    /// Why a "who saw this person" lookup led nowhere (`audit_tools::lookup_key`); no
    /// filter.
    #[serde(default)]
    pub(crate) lookup: String,
}

/// An optional value: `Some(None)` when the field is empty, `None` when it is not valid.
fn optional<T>(s: &str, parse: impl FnOnce(&str) -> Option<T>) -> Option<Option<T>> {
    match s.trim() {
        "" => Some(None),
        v => parse(v).map(Some),
    }
}

fn object_type(s: &str) -> Option<String> {
    let fine = s.len() <= MAX_TEXT
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    fine.then(|| s.to_owned())
}

impl TrailQuery {
    /// The filter and page; `None` when a field is not valid.
    pub(crate) fn parse(&self) -> Option<(AuditFilter, PageRequest)> {
        let day = |s: &str| optional(s, |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let from = day(&self.from)?.map(crate::time::start_of);
        let until = match day(&self.to)? {
            Some(d) => Some(crate::time::start_of(d.succ_opt()?)),
            None => None,
        };
        if self.before.is_some_and(|b| b < 1) {
            return None;
        }
        let filter = AuditFilter {
            actor_user_id: optional(&self.actor, |a| a.parse::<UserId>().ok())?
                .map(|u| u.as_uuid()),
            actor_agency_id: optional(&self.agency, |a| a.parse::<AgencyId>().ok())?,
            action: optional(&self.action, |a| ActionCode::parse(a).ok())?,
            action_kind: optional(&self.kind, |k| k.parse::<ActionKind>().ok())?,
            outcome: optional(&self.outcome, |o| o.parse::<Outcome>().ok())?,
            object_type: optional(&self.object_type, object_type)?,
            object_id: optional(&self.object_id, |o| {
                (o.chars().count() <= MAX_TEXT).then(|| o.to_owned())
            })?,
            subject: optional(&self.subject, |s| {
                schakel_audit::is_subject_reference(s).then(|| s.to_owned())
            })?,
            from,
            until,
        };
        let page = PageRequest {
            before_seq: self.before,
            limit: PAGE_SIZE,
        };
        Some((filter, page))
    }

    /// Whether any filter is set.
    pub(crate) fn filtered(&self) -> bool {
        [
            &self.actor,
            &self.agency,
            &self.action,
            &self.kind,
            &self.outcome,
            &self.object_type,
            &self.object_id,
            &self.subject,
            &self.from,
            &self.to,
        ]
        .iter()
        .any(|f| !f.trim().is_empty())
    }

    /// The filters that are set, by name (for the export form's hidden fields).
    pub(crate) fn kept(&self) -> Vec<(&'static str, String)> {
        [
            ("actor", &self.actor),
            ("agency", &self.agency),
            ("action", &self.action),
            ("kind", &self.kind),
            ("outcome", &self.outcome),
            ("object_type", &self.object_type),
            ("object_id", &self.object_id),
            ("subject", &self.subject),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim().to_owned()))
        .collect()
    }

    /// The link to the newest page with these filters.
    pub(crate) fn newest(&self) -> String {
        let query: Vec<String> = self
            .kept()
            .iter()
            .map(|(k, v)| format!("{k}={}", esc(v)))
            .collect();
        format!("/audit?{}", query.join("&"))
    }

    /// The link to the page of entries older than `before`.
    pub(crate) fn older(&self, before: i64) -> String {
        format!("{}&before={before}", self.newest())
    }
}

/// The trail of one user.
pub(crate) fn of_actor(id: &str) -> String {
    format!("/audit?actor={}", esc(id))
}

/// The trail of one object.
pub(crate) fn of_object(kind: &str, id: &str) -> String {
    format!("/audit?object_type={}&object_id={}", esc(kind), esc(id))
}

/// The trail of one person.
pub(crate) fn of_subject(subject: &str) -> String {
    format!("/audit?subject={}", esc(subject))
}

/// Percent-encodes what is not a letter, digit or one of `-._~`.
fn esc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> TrailQuery {
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        actix_web::web::Query::<TrailQuery>::from_query(&text.join("&"))
            .expect("a query")
            .into_inner()
    }

    #[test]
    fn every_filter_of_the_api_is_read() {
        let q = query(&[
            ("actor", "0b9f2a9e-5d7c-4f55-9a43-3c1f4f7c2b10"),
            ("agency", "7a0f2a9e-5d7c-4f55-9a43-3c1f4f7c2b10"),
            ("action", "case.read"),
            ("kind", "R"),
            ("outcome", "denied"),
            ("object_type", "case"),
            ("object_id", "abc"),
            ("from", "2026-11-01"),
            ("to", "2026-11-30"),
        ]);
        let (f, _) = q.parse().expect("valid");
        assert!(f.actor_user_id.is_some() && f.actor_agency_id.is_some());
        assert_eq!(
            f.action.map(|a| a.as_str().to_owned()).as_deref(),
            Some("case.read")
        );
        assert_eq!(f.action_kind, Some(ActionKind::Read));
        assert_eq!(f.outcome, Some(Outcome::Denied));
        assert_eq!(f.object_type.as_deref(), Some("case"));
        assert_eq!(f.object_id.as_deref(), Some("abc"));
        assert!(f.from.is_some() && f.until > f.from);
        assert!(q.filtered());
    }

    #[test]
    fn a_value_that_is_not_valid_refuses_the_whole_filter() {
        for (k, v) in [
            ("actor", "anna"),
            ("agency", "x"),
            ("action", "login"),
            ("kind", "X"),
            ("outcome", "maybe"),
            ("object_type", "Case"),
            ("subject", "someone"),
            ("from", "1-2-2026"),
        ] {
            assert!(query(&[(k, v)]).parse().is_none(), "{k}={v}");
        }
        assert!(!query(&[]).filtered());
    }

    #[test]
    fn links_keep_the_filters_that_are_set() {
        let q = query(&[("kind", "R"), ("object_id", "a b")]);
        assert_eq!(q.newest(), "/audit?kind=R&object_id=a%20b");
        assert_eq!(q.older(7), "/audit?kind=R&object_id=a%20b&before=7");
        assert_eq!(
            of_object("case", "1"),
            "/audit?object_type=case&object_id=1"
        );
    }
}
