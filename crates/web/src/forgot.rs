//! Asking for a recovery link from the login page (`/password/forgot`): a form with the
//! work email address, protected like the login form (a token bound to a cookie of its
//! own) and rate limited per client like it. It calls the same use case as the API's
//! `POST /api/v1/auth/password-reset`, which does the same work for every address, and
//! answers every well-formed address with the same page, byte for byte: whether an
//! account exists, is deactivated or asked too often shows only in the audit trail.
//! The email's link leads to `/password-reset` (`links`). Must not: say or hint
//! anything about the address beyond its shape.

use crate::WebState;
use crate::forms::{Failure, Problems};
use crate::i18n::Texts;
use crate::pages::{Nav, html, internal, stale_form};
use crate::session::{CookieName, anonymous_texts, context, cookie, read_cookie, removal};
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::web_session;
use serde::Deserialize;

/// The longest address read (RFC 5321 path limit), as the API's.
const MAX_EMAIL_CHARS: usize = 254;

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    email: String,
    e: Problems,
    /// The answer to a request (the same for every address), once asked.
    sent: Option<String>,
}

/// The form, with what was typed and its message.
fn form_page(t: Texts, csrf: String, email: String, e: Problems) -> ForgotPage {
    ForgotPage {
        t,
        nav: None,
        csrf,
        email,
        e,
        sent: None,
    }
}

/// `res` with `c` set, or the page's failure.
fn with_cookie(mut res: HttpResponse, c: &Cookie<'static>) -> HttpResponse {
    match res.add_cookie(c) {
        Ok(()) => res,
        Err(e) => internal(&e.to_string()),
    }
}

/// `GET /password/forgot`: the form, with a fresh CSRF cookie.
pub async fn form(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let csrf = schakel_auth::secret_token::generate().token;
    let page = form_page(
        anonymous_texts(&req),
        csrf.clone(),
        String::new(),
        Problems::default(),
    );
    with_cookie(
        html(StatusCode::OK, &page),
        &cookie(&state, CookieName::Link, csrf),
    )
}

/// The form as posted.
#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// An email address is personal data: it never reaches logs or panics.
impl std::fmt::Debug for ForgotForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForgotForm").finish_non_exhaustive()
    }
}

/// What the page says to every request: a link is on its way if the account exists,
/// and how long it lasts.
fn sent_text(t: Texts, reset_ttl_secs: i64) -> String {
    let minutes = (reset_ttl_secs.max(60) + 59) / 60;
    t.get("forgot.sent")
        .replace("{minutes}", &minutes.to_string())
}

/// `POST /password/forgot`: asks for a recovery link for the address; the same answer
/// for every well-formed address.
pub async fn request(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: web::Form<ForgotForm>,
) -> HttpResponse {
    let t = anonymous_texts(&req);
    let form = form.into_inner();
    let expected = read_cookie(&req, &state, CookieName::Link);
    if !expected.is_some_and(|e| web_session::csrf_matches(&e, &form.csrf)) {
        return stale_form(t, None);
    }
    let email = form.email.trim().to_owned();
    // Only the shape is judged here, which says nothing about any account.
    if email.chars().count() > MAX_EMAIL_CHARS || schakel_auth::admin::parse_email(&email).is_err()
    {
        let mut e = Problems::default();
        e.add("email", "forgot.invalid");
        let kept = email.chars().take(MAX_EMAIL_CHARS).collect();
        let page = form_page(t, form.csrf, kept, e);
        return html(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let (st, ctx) = (state.clone(), context(&req));
    let asked = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        schakel_auth::request_password_reset(&mut conn, &st.auth, &email, &ctx, now)
            .map_err(Failure::from)
    })
    .await
    .map_err(Failure::from)
    .and_then(|asked| asked);
    match asked {
        Ok(()) => {
            let page = ForgotPage {
                sent: Some(sent_text(t, state.auth.reset_ttl_secs)),
                ..form_page(t, String::new(), String::new(), Problems::default())
            };
            with_cookie(
                html(StatusCode::OK, &page),
                &removal(&state, CookieName::Link),
            )
        }
        Err(failure) => failure.anonymous_page(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_answer_names_the_links_lifetime_in_whole_minutes() {
        let en = Texts { lang: Lang::En };
        let said = sent_text(en, 3600);
        assert!(said.contains("expires in 60 minutes"), "{said}");
        assert!(said.starts_with("If an account exists for this address"));
        assert!(sent_text(en, 90).contains("in 2 minutes"));
        let nl = sent_text(Texts { lang: Lang::Nl }, 1800);
        assert!(
            nl.contains("30 minuten") && !nl.contains("{minutes}"),
            "{nl}"
        );
    }

    #[test]
    fn debug_output_of_the_form_holds_no_address() {
        let form = ForgotForm {
            csrf: "c".into(),
            email: "anna@gemeente.example".into(),
        };
        assert!(!format!("{form:?}").contains("anna"));
    }
}
