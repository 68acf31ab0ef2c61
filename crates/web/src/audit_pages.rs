//! The auditor's pages: `GET /audit`, the audit trail filtered by actor, action code and
//! time and paged newest first, and `POST /audit/verify`, which recomputes the chain and
//! names the first broken entry. Only auditors; anyone else is answered 404 (the
//! attempt is audited by the use case). Both call the same use cases as the API, which
//! record each reading before anything is shown; entries are shown as ids and codes,
//! never the client address they record.

use crate::WebState;
use crate::forms::Failure;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, internal, not_found};
use crate::session::{Viewer, context};
use crate::signed::AuditorForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use schakel_audit::{ActionCode, AuditEntry, AuditFilter, PageRequest, VerifyReport};
use schakel_auth::admin::{UseCaseError, audit_trail};
use schakel_domain::{Role, UserId};
use serde::Deserialize;

/// Entries per page.
const PAGE_SIZE: u32 = 50;

/// The filters as the form sends them; empty fields are no filter.
#[derive(Debug, Default, Deserialize)]
pub struct TrailQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

impl TrailQuery {
    /// The filter and page; `None` when a field is not valid.
    fn parse(&self) -> Option<(AuditFilter, PageRequest)> {
        let actor = match self.actor.trim() {
            "" => None,
            a => Some(a.parse::<UserId>().ok()?.as_uuid()),
        };
        let action = match self.action.trim() {
            "" => None,
            a => Some(ActionCode::parse(a).ok()?),
        };
        let subject = match self.subject.trim() {
            "" => None,
            s if schakel_audit::is_subject_reference(s) => Some(s.to_owned()),
            _ => return None,
        };
        let day = |s: &str| -> Option<Option<NaiveDate>> {
            match s.trim() {
                "" => Some(None),
                d => NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().map(Some),
            }
        };
        let from = day(&self.from)?.map(crate::time::start_of);
        let until = match day(&self.to)? {
            Some(d) => Some(crate::time::start_of(d.succ_opt()?)),
            None => None,
        };
        if self.before.is_some_and(|b| b < 1) {
            return None;
        }
        let filter = AuditFilter {
            actor_user_id: actor,
            action,
            subject,
            from,
            until,
            ..AuditFilter::default()
        };
        let page = PageRequest {
            before_seq: self.before,
            limit: PAGE_SIZE,
        };
        Some((filter, page))
    }

    /// The link to the newest page with these filters.
    fn newest(&self) -> String {
        format!(
            "/audit?actor={}&action={}&subject={}&from={}&to={}",
            esc(&self.actor),
            esc(&self.action),
            esc(&self.subject),
            esc(&self.from),
            esc(&self.to)
        )
    }

    /// The link to the page of entries older than `before`.
    fn older(&self, before: i64) -> String {
        format!("{}&before={before}", self.newest())
    }
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

/// One line of the trail.
struct EntryRow {
    seq: i64,
    time: String,
    actor: Option<String>,
    role: String,
    action: String,
    kind: String,
    object: String,
    outcome: String,
    denied: bool,
}

fn row(t: &Texts, e: AuditEntry) -> EntryRow {
    EntryRow {
        seq: e.seq,
        time: crate::time::day_time_seconds(e.occurred_at),
        actor: e.actor.as_ref().map(|a| a.user_id.to_string()),
        role: e
            .actor
            .as_ref()
            .map_or_else(String::new, |a| t.code("role", a.role.as_str())),
        action: e.action.as_str().to_owned(),
        kind: t.code("audit.kind", e.action_kind.as_str()),
        object: e
            .object
            .map(|o| format!("{} {}", o.kind, o.id))
            .unwrap_or_default(),
        outcome: t.code("audit.outcome", e.outcome.as_str()),
        denied: e.outcome.as_str() != "success",
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct TrailPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    q: TrailQuery,
    invalid: bool,
    rows: Vec<EntryRow>,
    older: Option<String>,
    first_page: bool,
}

/// What an auditor's use case ended in.
enum Done<T> {
    Shown(T),
    Denied,
}

async fn run<T, F>(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    f: F,
) -> Result<Done<T>, String>
where
    T: Send + 'static,
    F: FnOnce(
            &mut schakel_store::DbConn,
            &schakel_domain::Actor,
            &schakel_auth::RequestContext,
            DateTime<Utc>,
        ) -> Result<T, UseCaseError>
        + Send
        + 'static,
{
    let (st, ctx, actor) = (state.clone(), context(req), v.actor);
    web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool).map_err(|e| e.to_string())?;
        match f(&mut conn, &actor, &ctx, st.clock.now()) {
            Ok(x) => Ok(Done::Shown(x)),
            Err(e) => match Failure::from(e) {
                Failure::Hidden | Failure::Forbidden => Ok(Done::Denied),
                other => Err(other.message()),
            },
        }
    })
    .await
    .map_err(|e| e.to_string())?
}

/// `GET /audit`: one page of the trail.
pub async fn trail(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<TrailQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let q = q.into_inner();
    let parsed = q.parse();
    let invalid = parsed.is_none() && v.actor.role == Role::Auditor;
    // A non-auditor is refused by the use case (and audited) whatever the filters.
    let (filter, page) = parsed.unwrap_or_else(|| (AuditFilter::default(), PageRequest::default()));
    let read = run(&req, &state, &v, move |conn, actor, ctx, now| {
        audit_trail::read_trail(conn, actor, &filter, page, ctx, now)
    });
    let page = if invalid {
        None
    } else {
        match read.await {
            Ok(Done::Shown(p)) => Some(p),
            Ok(Done::Denied) => return not_found(v.texts(), Some(Nav::of(&v))),
            Err(e) => return internal(&e),
        }
    };
    let t = v.texts();
    let (rows, older) = match page {
        Some(p) => (
            p.entries.into_iter().map(|e| row(&t, e)).collect(),
            p.next_before_seq.map(|b| q.older(b)),
        ),
        None => (Vec::new(), None),
    };
    let first_page = q.before.is_none();
    let status = if invalid {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html(
        status,
        &TrailPage {
            t,
            nav: Some(Nav::of(&v)),
            csrf: v.csrf.clone(),
            q,
            invalid,
            rows,
            older,
            first_page,
        },
    )
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct VerifyPage {
    t: Texts,
    nav: Option<Nav>,
    intact: bool,
    checked: u64,
    broken_seq: i64,
    reason: String,
}

/// `POST /audit/verify`: recomputes the chain and shows the verdict.
pub async fn verify(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: AuditorForm,
) -> HttpResponse {
    let AuditorForm { v, .. } = form;
    let verified = run(&req, &state, &v, |conn, actor, ctx, now| {
        audit_trail::verify_trail(conn, actor, ctx, now)
    });
    let report: VerifyReport = match verified.await {
        Ok(Done::Shown(r)) => r,
        Ok(Done::Denied) => return not_found(v.texts(), Some(Nav::of(&v))),
        Err(e) => return internal(&e),
    };
    let t = v.texts();
    let intact = report.broken.is_none();
    let (broken_seq, reason) = match report.broken {
        Some(b) => {
            let code = serde_json::to_value(b.reason)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                .unwrap_or_default();
            (b.seq, t.code("audit.break", &code))
        }
        None => (0, String::new()),
    };
    html(
        StatusCode::OK,
        &VerifyPage {
            t,
            nav: Some(Nav::of(&v)),
            intact,
            checked: report.checked,
            broken_seq,
            reason,
        },
    )
}
