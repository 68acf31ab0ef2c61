//! The one-time recovery codes of the second factor on the pages: shown once right
//! after a first authenticator is confirmed (with a link on to where the sign-in was
//! going), and made anew from the password page (`POST /account/recovery-codes`), which
//! also says how many are left. Never cached; the codes are not kept anywhere to show
//! again.

use crate::WebState;
use crate::forms::{Failure, as_viewer};
use crate::i18n::Texts;
use crate::pages::{Nav, html};
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::recovery_codes::{self as rc, IssuedCodes};
use schakel_domain::Actor;

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct CodesPage {
    t: Texts,
    nav: Option<Nav>,
    codes: Vec<String>,
    /// Where to go on.
    next: String,
}

/// The page that shows `codes` this once.
pub(crate) fn shown(t: Texts, nav: Option<Nav>, codes: IssuedCodes, next: String) -> HttpResponse {
    let mut res = html(
        StatusCode::OK,
        &CodesPage {
            t,
            nav,
            codes: codes.0,
            next,
        },
    );
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Makes ten new codes for `actor` (in a session whose second factor was just given).
pub(crate) async fn issue(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
) -> Result<IssuedCodes, Failure> {
    as_viewer(req, state, actor, |conn, who, ctx, now| {
        rc::issue(conn, who, ctx, now).map_err(Into::into)
    })
    .await
}

/// How many unused codes the viewer has (`None`: no authenticator, no codes).
pub(crate) async fn left(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
) -> Result<Option<i64>, Failure> {
    as_viewer(req, state, actor, |conn, who, _, _| {
        rc::left(conn, who).map_err(Into::into)
    })
    .await
}

/// `POST /account/recovery-codes`: ten new codes, replacing the old, shown once.
pub async fn renew(req: HttpRequest, state: web::Data<WebState>, form: SignedForm) -> HttpResponse {
    let v = form.v;
    match issue(&req, &state, v.actor).await {
        Ok(codes) => shown(
            v.texts(),
            Some(Nav::of(&v)),
            codes,
            "/account/password#recovery".into(),
        ),
        Err(e) => e.page(&v),
    }
}
