//! The admin sends a user a link to choose a new password, in two steps:
//! `GET /admin/users/{id}/password-reset` names the account and what the link does, and
//! its signed form `POST`s the same address, which calls auth's use case (the same email
//! as the person's own request, audited as the admin's action) and returns to the list
//! with its confirmation. A deactivated or still-invited account is told on the first
//! step and refused by the use case. Anyone but an admin is refused by the use cases
//! (audited) and answered 404, as for an account that does not exist.

use super::{Call, Ended, conflict_key, run};
use crate::WebState;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, not_found, see_other};
use crate::session::Viewer;
use crate::signed::AdminForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::Conflict;
use schakel_auth::admin::AccountView;
use schakel_auth::admin::users as uc;
use schakel_domain::UserId;

#[derive(Template)]
#[template(path = "admin_user_reset.html")]
struct ResetPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    id: String,
    name: String,
    email: String,
    /// What the link does and how long it lasts.
    explain: String,
    /// Why no link can go out (a message key); the form is then left out.
    alert: Option<&'static str>,
}

/// Why `user` can get no link, as the use case would refuse it.
fn blocked(user: &AccountView) -> Option<&'static str> {
    if !user.active {
        Some(conflict_key(Conflict::AccountInactive))
    } else if user.invitation_pending {
        Some(conflict_key(Conflict::InvitationPending))
    } else {
        None
    }
}

/// The confirmation step for `id`, with `alert` when the last attempt was refused.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: UserId,
    alert: Option<&'static str>,
) -> HttpResponse {
    let read = run(req, state, v, move |conn, c: &Call<'_>| {
        uc::get_user(conn, c.actor, id, c.ctx, c.now)
    });
    let user = match read.await {
        Ok(Ended::Done(u)) => u,
        Ok(_) => return not_found(v.texts(), Some(Nav::of(v))),
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let minutes = (state.auth.reset_ttl_secs.max(60) + 59) / 60;
    let alert = alert.or_else(|| blocked(&user));
    let status = if alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = ResetPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        id: user.id.to_string(),
        name: user.display_name,
        email: user.email,
        explain: t
            .get("admin.reset.explain")
            .replace("{minutes}", &minutes.to_string()),
        alert,
    };
    html(status, &page)
}

/// `GET /admin/users/{id}/password-reset`: the confirmation step.
pub async fn confirm(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<UserId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    page(&req, &state, &v, id, None).await
}

/// `POST /admin/users/{id}/password-reset`: sends the link.
pub async fn send(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: AdminForm,
) -> HttpResponse {
    let AdminForm { v, .. } = form;
    let Ok(id) = path.parse::<UserId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let sent = run(&req, &state, &v, move |conn, c: &Call<'_>| {
        uc::send_password_reset(conn, c.auth, c.actor, id, c.ctx, c.now)
    });
    match sent.await {
        Ok(Ended::Done(_)) => see_other("/admin/users?done=reset_sent"),
        Ok(Ended::Conflict(r)) => page(&req, &state, &v, id, Some(conflict_key(r))).await,
        Ok(Ended::Stale | Ended::Invalid(_)) => {
            let key = conflict_key(Conflict::AlreadyInState);
            page(&req, &state, &v, id, Some(key)).await
        }
        Ok(Ended::Hidden) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => x.page(&v),
    }
}
