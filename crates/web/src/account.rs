//! The signed-in user's password change: the current password, then a new one that the
//! authentication rules accept (checked there, not here). Every other session of the
//! user ends; this one stays. Passwords are never written back into the page. The same
//! page lists the user's sessions (`own_sessions`) and signs out everywhere.

use crate::WebState;
use crate::forms::Failure;
use crate::forms::Problems;
use crate::i18n::Texts;
use crate::own_sessions::SessionLine;
use crate::pages::{Nav, complete_viewer, html};
use crate::session::{Viewer, context};
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::AuthError;
use schakel_auth::password::Rejection;
use secrecy::SecretString;

/// The longest password field read (the policy allows 128 characters).
const MAX_FIELD_BYTES: usize = 1024;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    e: Problems,
    /// What the page confirms: `password.changed` or `sessions.ended`.
    done: Option<&'static str>,
    sessions: Vec<SessionLine>,
    /// Unused recovery codes, for an account with an authenticator.
    recovery_left: Option<i64>,
}

async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    e: Problems,
    done: Option<&'static str>,
) -> HttpResponse {
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let sessions = match crate::own_sessions::lines(req, state, v).await {
        Ok(list) => list,
        Err(e) => return e.page(v),
    };
    let recovery_left = match crate::recovery_codes::left(req, state, v.actor).await {
        Ok(left) => left,
        Err(e) => return e.page(v),
    };
    html(
        status,
        &PasswordPage {
            t: v.texts(),
            nav: Some(Nav::of(v)),
            csrf: v.csrf.clone(),
            e,
            done,
            sessions,
            recovery_left,
        },
    )
}

/// `GET /account/password`.
pub async fn form(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    match complete_viewer(&req, &state).await {
        Ok(v) => {
            let done = (req.query_string() == "done=session_ended").then_some("sessions.ended");
            page(&req, &state, &v, Problems::default(), done).await
        }
        Err(res) => res,
    }
}

pub(crate) fn rejection_key(r: &Rejection) -> &'static str {
    match r {
        Rejection::TooShort => "password.too_short",
        Rejection::TooLong => "password.too_long",
        Rejection::ContainsContext => "password.context",
        Rejection::Guessable => "password.guessable",
    }
}

/// `POST /account/password`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let (current, new, again) = (f.raw("current"), f.raw("new"), f.raw("again"));
    let mut e = Problems::default();
    if current.is_empty() || current.len() > MAX_FIELD_BYTES {
        e.add("current", "password.wrong");
    }
    if new.len() > MAX_FIELD_BYTES {
        e.add("new", "password.too_long");
    } else if new != again {
        e.add("again", "password.mismatch");
    }
    if !e.is_empty() {
        return page(&req, &state, &v, e, None).await;
    }
    let Some(_ticket) = state.hashing.admit() else {
        return crate::pages::busy(v.texts());
    };
    let (st, ctx, actor) = (state.clone(), context(&req), v.actor);
    let (current, new) = (SecretString::from(current), SecretString::from(new));
    let done = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        let changed = schakel_auth::account::change_password(
            &mut conn, &st.auth, &actor, &current, &new, &ctx, now,
        );
        match changed {
            Ok(()) => Ok(None),
            Err(AuthError::InvalidCredentials) => Ok(Some(("current", "password.wrong"))),
            Err(AuthError::PasswordRejected(r)) => Ok(Some(("new", rejection_key(&r)))),
            Err(AuthError::Store(s)) => Err(Failure::from(s)),
            Err(e) => Err(Failure::Internal(e.to_string())),
        }
    })
    .await
    .map_err(Failure::from)
    .and_then(|done| done);
    match done {
        Ok(None) => {
            page(
                &req,
                &state,
                &v,
                Problems::default(),
                Some("password.changed"),
            )
            .await
        }
        Ok(Some((field, key))) => {
            e.add(field, key);
            page(&req, &state, &v, e, None).await
        }
        Err(failure) => failure.page(&v),
    }
}
