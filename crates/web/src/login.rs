//! Logging in (password, then the authenticator code or its enrolment) and out (this
//! session, or every session of the account).

use crate::WebState;
use crate::forms::Failure;
use crate::i18n::{Lang, Texts};
use crate::pages::*;
use crate::session::{
    CookieName, Refused, Viewer, anonymous_texts, context, cookie, lang_cookie, read_cookie,
    removal, viewer,
};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::login::MfaState;
use schakel_auth::web_session;
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    email: String,
    failed: bool,
    /// The draft the sign-in returns to (empty for none).
    draft: String,
}

#[derive(Template)]
#[template(path = "code.html")]
struct CodePage {
    t: Texts,
    nav: Option<Nav>,
    title_key: &'static str,
    /// The new authenticator secret as a QR code, a key and a link, when enrolling.
    enrol: Option<crate::enrolment::Enrolment>,
    csrf: String,
    failed: bool,
    /// The draft the sign-in returns to (empty for none).
    draft: String,
}

/// `GET /login`.
pub async fn login_form(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let draft = crate::drafts::named(&req);
    if let Ok(v) = viewer(&req, &state).await
        && !v.mfa_pending
    {
        return see_other(&crate::drafts::after_login(draft));
    }
    let csrf = schakel_auth::secret_token::generate().token;
    // `?lang=en` or `?lang=nl`: the switch on the page, kept for the next visit.
    let switched = match req.query_string() {
        "lang=en" => Some(Lang::En),
        "lang=nl" => Some(Lang::Nl),
        _ => None,
    };
    let t = switched.map_or_else(|| anonymous_texts(&req), |lang| Texts { lang });
    let mut res = html(
        StatusCode::OK,
        &LoginPage {
            t,
            nav: None,
            csrf: csrf.clone(),
            email: String::new(),
            failed: false,
            draft: draft.map(|d| d.to_string()).unwrap_or_default(),
        },
    );
    let kept = res
        .add_cookie(&cookie(&state, CookieName::Login, csrf))
        .and_then(|()| match switched {
            Some(lang) => res.add_cookie(&lang_cookie(&state, lang)),
            None => Ok(()),
        });
    if let Err(e) = kept {
        return internal(&e.to_string());
    }
    res
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    /// The draft to return to after signing in, when a session ended while it was typed.
    #[serde(default)]
    draft: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginForm").finish_non_exhaustive()
    }
}

/// `POST /login`.
pub async fn login(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let t = anonymous_texts(&req);
    let form = form.into_inner();
    let expected = read_cookie(&req, &state, CookieName::Login);
    if !expected.is_some_and(|e| web_session::csrf_matches(&e, &form.csrf)) {
        return stale_form(t, None);
    }
    let draft = form.draft.parse::<schakel_domain::DraftId>().ok();
    let failed = |email: String, csrf: String| {
        html(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                t,
                nav: None,
                csrf,
                email,
                failed: true,
                draft: draft.map(|d| d.to_string()).unwrap_or_default(),
            },
        )
    };
    if form.email.len() > 254 || form.password.len() > 1024 {
        return failed(form.email.chars().take(254).collect(), form.csrf);
    }
    // Admitted before anything is read or counted: a full queue answers 503 at once.
    let Some(ticket) = state.hashing.admit() else {
        return crate::pages::busy(t);
    };
    let password = SecretString::from(form.password);
    // The check runs on the hashing threads, holding no connection.
    let done = crate::login_check::check(&req, &state, ticket, form.email.clone(), password).await;
    match done {
        Ok(Some((web, mfa))) => {
            let to = match (mfa == MfaState::Done, draft) {
                (true, d) => crate::drafts::after_login(d),
                (false, Some(d)) => format!("/login/code?draft={d}"),
                (false, None) => "/login/code".to_owned(),
            };
            let mut res = see_other(&to);
            let added = res
                .add_cookie(&cookie(&state, CookieName::Session, web.cookie))
                .and_then(|()| res.add_cookie(&removal(&state, CookieName::Login)));
            match added {
                Ok(()) => res,
                Err(e) => internal(&e.to_string()),
            }
        }
        Ok(None) => failed(form.email, form.csrf),
        Err(e) => e.anonymous_page(t),
    }
}

/// `GET /login/code`: the authenticator code, or first the enrolment of the app.
pub async fn code_form(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let draft = crate::drafts::named(&req);
    let v = match viewer(&req, &state).await {
        Ok(v) if !v.mfa_pending => return see_other(&crate::drafts::after_login(draft)),
        Ok(v) => v,
        Err(Refused::NotSignedIn) => return see_other("/login"),
        Err(Refused::Failed(e)) => return internal(&e),
        Err(Refused::Unavailable(e)) => {
            return unavailable(crate::session::anonymous_texts(&req), None, &e);
        }
    };
    let enrol = !v.user.second_factor_enrolled;
    let shown = Shown {
        enrol,
        failed: false,
        draft,
    };
    code_page(&req, &state, v, shown, StatusCode::OK).await
}

/// What the code page shows: with `enrol`, a new authenticator secret and its setup
/// link first; `failed`, a refused code; `draft`, the draft the sign-in returns to.
struct Shown {
    enrol: bool,
    failed: bool,
    draft: Option<schakel_domain::DraftId>,
}

/// The code form (a failed code shows the form again without a new secret, so the
/// app's one stays).
async fn code_page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: Viewer,
    shown: Shown,
    status: StatusCode,
) -> HttpResponse {
    let Shown {
        enrol,
        failed,
        draft,
    } = shown;
    let t = v.texts();
    let enrolment = if !enrol {
        None
    } else {
        let (st, ctx, session) = (state.clone(), context(req), v.actor.session_id);
        let begun = web::block(move || {
            let mut conn = schakel_store::get_conn(&st.pool)?;
            // Only a first enrolment is offered here (`enrol` is set for a session
            // whose user has no confirmed authenticator), which needs no password.
            schakel_auth::login::begin_totp_enrolment(
                &mut conn,
                &st.auth,
                session,
                None,
                &ctx,
                st.clock.now(),
            )
            .map_err(Failure::from)
        })
        .await
        .map_err(Failure::from)
        .and_then(|begun| begun);
        match begun {
            Ok(uri) => Some(crate::enrolment::Enrolment::of(uri)),
            Err(e) => return e.anonymous_page(t),
        }
    };
    let mut res = html(
        status,
        &CodePage {
            t,
            nav: None,
            title_key: if enrolment.is_some() {
                "enrol.title"
            } else {
                "code.title"
            },
            enrol: enrolment,
            csrf: v.csrf,
            failed,
            draft: draft.map(|d| d.to_string()).unwrap_or_default(),
        },
    );
    // The enrolment shows a secret: no cache keeps it, whatever serves the page.
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    res
}

/// The code form.
#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
    /// The draft to return to after signing in.
    #[serde(default)]
    draft: String,
}

/// Secrets (passwords, tokens, codes, enrolment URIs) never reach logs or panics.
impl std::fmt::Debug for CodeForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeForm").finish_non_exhaustive()
    }
}

/// `POST /login/code`.
pub async fn code(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: web::Form<CodeForm>,
) -> HttpResponse {
    let v = match viewer(&req, &state).await {
        Ok(v) => v,
        Err(Refused::NotSignedIn) => return see_other("/login"),
        Err(Refused::Failed(e)) => return internal(&e),
        Err(Refused::Unavailable(e)) => {
            return unavailable(crate::session::anonymous_texts(&req), None, &e);
        }
    };
    if !web_session::csrf_matches(&v.csrf, &form.csrf) {
        return stale_form(v.texts(), None);
    }
    let form = form.into_inner();
    let draft = form.draft.parse::<schakel_domain::DraftId>().ok();
    let first = !v.user.second_factor_enrolled;
    let (st, ctx, session, code) = (state.clone(), context(&req), v.actor.session_id, form.code);
    let verified = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        match schakel_auth::login::verify_totp(
            &mut conn,
            &st.auth,
            session,
            &code,
            &ctx,
            st.clock.now(),
        ) {
            Ok(()) => Ok(true),
            Err(
                schakel_auth::AuthError::InvalidCode | schakel_auth::AuthError::InvalidCredentials,
            ) => Ok(false),
            Err(e) => Err(Failure::from(e)),
        }
    })
    .await
    .map_err(Failure::from)
    .and_then(|verified| verified);
    match verified {
        // A first authenticator, just confirmed: its recovery codes, shown this once.
        Ok(true) if first => match crate::recovery_codes::issue(&req, &state, v.actor).await {
            Ok(codes) => {
                let next = crate::drafts::after_login(draft);
                crate::recovery_codes::shown(v.texts(), None, codes, next)
            }
            Err(e) => e.anonymous_page(v.texts()),
        },
        Ok(true) => see_other(&crate::drafts::after_login(draft)),
        Ok(false) => {
            let shown = Shown {
                enrol: false,
                failed: true,
                draft,
            };
            code_page(&req, &state, v, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => e.anonymous_page(v.texts()),
    }
}

/// The logout form.
#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

/// `POST /logout`: ends this session.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: web::Form<LogoutForm>,
) -> HttpResponse {
    end(req, state, form, Ending::ThisSession).await
}

/// `POST /logout/everywhere`: ends every session of the account, on every device.
pub async fn logout_everywhere(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: web::Form<LogoutForm>,
) -> HttpResponse {
    end(req, state, form, Ending::Everywhere).await
}

/// Which sessions a logout ends.
#[derive(Debug, Clone, Copy)]
enum Ending {
    ThisSession,
    Everywhere,
}

async fn end(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: web::Form<LogoutForm>,
    which: Ending,
) -> HttpResponse {
    let v = match viewer(&req, &state).await {
        Ok(v) => v,
        Err(Refused::NotSignedIn) => return see_other("/login"),
        Err(Refused::Failed(e)) => return internal(&e),
        Err(Refused::Unavailable(e)) => {
            return unavailable(crate::session::anonymous_texts(&req), None, &e);
        }
    };
    if !web_session::csrf_matches(&v.csrf, &form.csrf) {
        return stale_form(v.texts(), None);
    }
    let (st, ctx, actor) = (state.clone(), context(&req), v.actor);
    let ended = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        match which {
            Ending::ThisSession => web_session::logout(&mut conn, &actor, &ctx, now),
            Ending::Everywhere => {
                web_session::logout_everywhere(&mut conn, &actor, &ctx, now).map(|_| ())
            }
        }
        .map_err(Failure::from)
    })
    .await
    .map_err(Failure::from)
    .and_then(|ended| ended);
    match ended {
        Ok(()) => {
            // The login page after it speaks the language this user chose.
            let mut res = see_other("/login");
            let lang = lang_cookie(&state, v.texts().lang);
            match res
                .add_cookie(&removal(&state, CookieName::Session))
                .and_then(|()| res.add_cookie(&lang))
            {
                Ok(()) => res,
                Err(e) => internal(&e.to_string()),
            }
        }
        Err(e) => e.anonymous_page(v.texts()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_of_the_login_and_code_forms_holds_no_secret() {
        let form = LoginForm {
            csrf: "csrf-token-value".into(),
            email: "a@b.example".into(),
            password: "geheim-wachtwoord-123".into(),
            draft: String::new(),
        };
        let shown = format!("{form:?}");
        assert!(!shown.contains("geheim"), "{shown}");
        assert!(!shown.contains("csrf-token-value"), "{shown}");
        let code: CodeForm =
            serde_json::from_value(serde_json::json!({ "csrf": "c", "code": "918273" })).unwrap();
        assert!(!format!("{code:?}").contains("918273"));
    }
}
