//! What the case-work forms share: the submitted fields (a name may repeat, as checkboxes
//! do), the messages next to fields, the choices of a coded list in words, a use case run
//! on the blocking pool with its outcome sorted for pages ([`Failure`]), and the
//! directory of agencies.
//! Nothing here decides what is allowed: the use cases do.

use crate::WebState;
pub(crate) use crate::failure::Failure;
use crate::i18n::Texts;
use crate::session::context;
use actix_web::{HttpRequest, web};
use schakel_domain::{Actor, AgencyKind, Region};
use schakel_referral_workflow::{Env, UseCaseError};
use schakel_store::DbConn;

/// The fields of a submitted form, in their order.
#[derive(Debug, Default)]
pub(crate) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(crate) fn new(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// Every field as posted, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The first value of `name`, trimmed (empty when absent).
    pub(crate) fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The first value of `name` as typed (not trimmed), for text to keep.
    pub(crate) fn raw(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or_else(String::new, |(_, v)| v.clone())
    }

    /// Every non-empty value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Whether a checkbox `name` was ticked.
    pub(crate) fn ticked(&self, name: &str) -> bool {
        !self.one(name).is_empty()
    }

    /// The value of `name` parsed as a code of `T`; `None` when empty or unknown.
    pub(crate) fn code<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.one(name).parse().ok()
    }

    /// Optional text: `None` when blank.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        let v = self.raw(name);
        (!v.trim().is_empty()).then_some(v)
    }
}

/// A date typed in a date field (`YYYY-MM-DD`).
pub(crate) fn date(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The messages of a form, each next to its field (message keys of the catalogs).
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<(&'static str, &'static str)>);

impl Problems {
    /// Records `key` for `field` (the first message of a field stays).
    pub(crate) fn add(&mut self, field: &'static str, key: &'static str) {
        if self.of(field).is_none() {
            self.0.push((field, key));
        }
    }

    /// The message key of `field`, if it has one.
    pub(crate) fn of(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, k)| *k)
    }

    /// Whether the form is fine.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each field with its message key, in the order they were found (the summary at
    /// the top of a refused form lists them).
    pub(crate) fn items(&self) -> &[(&'static str, &'static str)] {
        &self.0
    }

    /// The attributes that tie an input to its message (empty when it has none); the
    /// field names are the code's own, never typed input.
    pub(crate) fn attrs(&self, field: &str) -> String {
        match self.of(field) {
            Some(_) => format!(" aria-invalid=\"true\" aria-describedby=\"{field}-error\""),
            None => String::new(),
        }
    }

    /// For a group of inputs (a fieldset): only the tie to the message, as a group
    /// itself cannot be invalid.
    pub(crate) fn described(&self, field: &str) -> String {
        match self.of(field) {
            Some(_) => format!(" aria-describedby=\"{field}-error\""),
            None => String::new(),
        }
    }
}

/// One choice of a list in the viewer's words, and whether it is chosen.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub(crate) code: String,
    pub(crate) words: String,
    pub(crate) on: bool,
}

/// The choices of a coded list, `chosen` marked.
pub(crate) fn choices<T: Copy + std::fmt::Display>(
    t: Texts,
    kind: &str,
    all: &[T],
    chosen: &[String],
) -> Vec<Choice> {
    all.iter()
        .map(|c| {
            let code = c.to_string();
            Choice {
                words: t.code(kind, &code),
                on: chosen.contains(&code),
                code,
            }
        })
        .collect()
}

/// Runs `f` with a connection and the use cases' environment on the blocking pool.
pub(crate) async fn with_env<T, F>(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    f: F,
) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, &Env<'_>) -> Result<T, Failure> + Send + 'static,
{
    let (st, ctx) = (state.clone(), context(req));
    web::block(move || {
        let mut conn =
            schakel_store::get_conn(&st.pool).map_err(|e| Failure::Unavailable(e.to_string()))?;
        let env = Env {
            cfg: &st.workflow,
            ctx: &ctx,
            now: st.clock.now(),
        };
        f(&mut conn, &env)
    })
    .await
    .map_err(|e| Failure::Internal(e.to_string()))?
}

/// Runs a use case of the platform (`schakel_auth`'s, which take the actor, the request
/// and the time rather than an `Env`) for the viewer `actor` on the blocking pool.
pub(crate) async fn as_viewer<T, F>(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
    f: F,
) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce(
            &mut DbConn,
            &Actor,
            &schakel_auth::RequestContext,
            chrono::DateTime<chrono::Utc>,
        ) -> Result<T, UseCaseError>
        + Send
        + 'static,
{
    let (st, ctx) = (state.clone(), context(req));
    web::block(move || {
        let mut conn =
            schakel_store::get_conn(&st.pool).map_err(|e| Failure::Unavailable(e.to_string()))?;
        f(&mut conn, &actor, &ctx, st.clock.now()).map_err(Failure::from)
    })
    .await
    .map_err(|e| Failure::Internal(e.to_string()))?
}

/// The directory filter of a page (`kind`, `region` of a GET form).
#[derive(Debug, Default, serde::Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    region: Option<String>,
    /// The purpose the suggestions are for.
    #[serde(default)]
    purpose: Option<String>,
}

/// The directory as a page shows it: the filter and the agencies it lets through.
#[derive(Debug)]
pub(crate) struct Directory {
    pub(crate) kinds: Vec<Choice>,
    pub(crate) regions: Vec<Choice>,
    pub(crate) agencies: Vec<Choice>,
    /// The agencies with how they fit, best first (empty when the page routes no one).
    pub(crate) suggestions: Vec<crate::directory_fit::Suggestion>,
    /// The purposes the suggestions may be for (empty when the purpose is fixed).
    pub(crate) purposes: Vec<Choice>,
    pub(crate) kind: String,
    pub(crate) region: String,
}

impl DirectoryQuery {
    pub(crate) fn of(kind: &str, region: &str) -> DirectoryQuery {
        DirectoryQuery {
            kind: Some(kind.to_owned()),
            region: Some(region.to_owned()),
            purpose: None,
        }
    }

    /// The purpose asked for, if any.
    pub(crate) fn purpose(&self) -> Option<String> {
        self.purpose.clone().filter(|p| !p.is_empty())
    }
}

/// What a referral's choice of agency routes: the agency chosen so far, those it may not
/// go to, and (when known) whom it routes, for the suggestions.
pub(crate) struct Routing<'a> {
    pub(crate) chosen: &'a str,
    pub(crate) not: &'a [schakel_domain::AgencyId],
    pub(crate) need: Option<&'a crate::directory_fit::Need>,
}

/// Reads the directory for `who` (active agencies other than its own and those the
/// routing excludes), its chosen agency marked; for a need (whom the referral routes),
/// each with how it fits, best fits first.
pub(crate) fn directory(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    t: Texts,
    q: &DirectoryQuery,
    routing: Routing<'_>,
) -> Result<Directory, Failure> {
    let Routing { chosen, not, need } = routing;
    let kind = q.kind.as_deref().and_then(|k| k.parse::<AgencyKind>().ok());
    let region = q.region.as_deref().and_then(|r| r.parse::<Region>().ok());
    let filter = schakel_auth::admin::agencies::DirectoryFilter { kind, region };
    let list =
        schakel_auth::admin::profiles::directory_profiles(conn, who, filter, env.ctx, env.now)
            .map_err(Failure::from)?
            .into_iter()
            .filter(|(a, _)| a.id != who.agency_id && !not.contains(&a.id))
            .collect::<Vec<_>>();
    let kind_code = kind.map(|k| k.to_string()).unwrap_or_default();
    let region_code = region.map(|r| r.to_string()).unwrap_or_default();
    let suggestions = match need {
        Some(n) => crate::directory_fit::suggestions(t, list.clone(), n, env),
        None => Vec::new(),
    };
    let agencies = if suggestions.is_empty() {
        list.iter()
            .map(|(a, _)| Choice {
                on: a.id.to_string() == chosen,
                code: a.id.to_string(),
                words: format!(
                    "{} ({}, {})",
                    a.name,
                    t.code("kind", a.kind.as_str()),
                    t.code("region", a.region.as_str())
                ),
            })
            .collect()
    } else {
        suggestions
            .iter()
            .map(|s| Choice {
                on: s.id == chosen,
                code: s.id.clone(),
                words: format!(
                    "{} ({}, {}) — {}",
                    s.name,
                    s.kind,
                    s.region,
                    if s.fits {
                        t.get("directory.fits")
                    } else {
                        t.get("directory.fits_not")
                    }
                ),
            })
            .collect()
    };
    Ok(Directory {
        kinds: choices(t, "kind", AgencyKind::ALL, std::slice::from_ref(&kind_code)),
        regions: choices(t, "region", Region::ALL, std::slice::from_ref(&region_code)),
        agencies,
        suggestions,
        purposes: Vec::new(),
        kind: kind_code,
        region: region_code,
    })
}

/// A new once-only key for a creating form: sending the same form twice creates once.
pub(crate) fn once_key() -> String {
    schakel_auth::secret_token::generate().token
}

/// The once-only key of a submitted form, checked by the use cases' rules.
pub(crate) fn once_of(
    fields: &Fields,
    path: &str,
) -> Option<schakel_referral_workflow::idempotency::IdempotencyKey> {
    schakel_referral_workflow::idempotency::IdempotencyKey::parse(
        fields.one("once"),
        format!("web POST {path}"),
    )
    .ok()
}
