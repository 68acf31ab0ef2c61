//! The admin's failed notifications: `GET /admin/notifications` lists the outbox rows and
//! queued emails given up on (never their payloads), as the API's delivery endpoint
//! does, and `POST /admin/notifications/{id}/retry` queues one again from its first
//! attempt. The same use cases as the API; anyone but an admin is refused by them
//! (audited) and answered 404.

use super::{Call, DoneQuery, Ended, conflict_key, run};
use crate::WebState;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, not_found, see_other};
use crate::session::Viewer;
use crate::signed::AdminForm;
use crate::time::day_time;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::delivery as uc;
use schakel_domain::UserId;

/// One delivery given up on.
struct FailedRow {
    id: String,
    what: String,
    /// The channel of an event, the recipient of an email.
    detail: String,
    attempts: i32,
    error: String,
    at: String,
}

#[derive(Template)]
#[template(path = "admin_notifications.html")]
struct FailedPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    events: Vec<FailedRow>,
    emails: Vec<FailedRow>,
    done: Option<&'static str>,
    alert: Option<&'static str>,
}

/// Lists what was given up on.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    done: Option<&'static str>,
    alert: Option<&'static str>,
) -> HttpResponse {
    let read = run(req, state, v, |conn, c: &Call<'_>| {
        uc::failed(conn, c.actor, c.ctx, c.now)
    });
    let failed = match read.await {
        Ok(Ended::Done(x)) => x,
        Ok(_) => return not_found(v.texts(), Some(Nav::of(v))),
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let events = failed
        .outbox
        .into_iter()
        .map(|r| FailedRow {
            what: t.code("admin.topic", &r.topic),
            detail: t.code("admin.channel", &r.channel),
            attempts: r.attempts,
            error: r.last_error.unwrap_or_default(),
            at: day_time(r.finished_at.unwrap_or(r.created_at)),
            id: r.id,
        })
        .collect();
    let emails = failed
        .mail
        .into_iter()
        .map(|m| FailedRow {
            what: t.code("admin.topic", &m.topic),
            detail: recipient(m.user_id),
            attempts: m.attempts,
            error: m.last_error.unwrap_or_default(),
            at: day_time(m.created_at),
            id: m.id,
        })
        .collect();
    let status = if alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = FailedPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        events,
        emails,
        done,
        alert,
    };
    html(status, &page)
}

/// The recipient of an email, as an id (an email address is personal data).
fn recipient(id: UserId) -> String {
    id.to_string()
}

/// `GET /admin/notifications`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<DoneQuery>,
) -> HttpResponse {
    match complete_viewer(&req, &state).await {
        Ok(v) => page(&req, &state, &v, q.key(), None).await,
        Err(res) => res,
    }
}

/// `POST /admin/notifications/{id}/retry`.
pub async fn retry(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: AdminForm,
) -> HttpResponse {
    let AdminForm { v, .. } = form;
    let Ok(id) = path.parse::<uuid::Uuid>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let retried = run(&req, &state, &v, move |conn, c: &Call<'_>| {
        uc::retry(conn, c.actor, id, c.ctx, c.now)
    });
    match retried.await {
        Ok(Ended::Done(())) => see_other("/admin/notifications?done=retried"),
        Ok(Ended::Conflict(r)) => page(&req, &state, &v, None, Some(conflict_key(r))).await,
        Ok(_) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => x.page(&v),
    }
}
