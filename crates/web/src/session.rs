//! The signed-in person of a page request, from the session cookie; the cookies the
//! pages set; and the check of a form's CSRF token.

use crate::WebState;
use crate::i18n::{Lang, Texts};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpMessage, HttpRequest, web};
use schakel_auth::RequestContext;
use schakel_auth::account::{Account, OwnAgency};
use schakel_domain::{Action, Actor, Relationship};

/// The cookies the pages set. Wherever cookies are `Secure` their names carry the
/// `__Host-` prefix, which a browser accepts only from this very host, over HTTPS, with
/// `Path=/` and no `Domain`: a sibling subdomain cannot plant or overwrite them. Over
/// plain HTTP on loopback (development, the demo, tests) a browser would refuse such a
/// cookie without `Secure`, so there the names go without the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieName {
    /// The session.
    Session,
    /// The login form's CSRF token (before there is a session).
    Login,
    /// The CSRF token of the forms behind emailed links, and of the form that asks for
    /// a recovery link.
    Link,
    /// The language of the pages before sign-in: the last signed-in user's, or the one
    /// chosen on the login page (a language code, nothing else).
    Lang,
}

impl CookieName {
    /// The name as set with `secure` cookies or without.
    pub fn name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (CookieName::Session, true) => "__Host-schakel_session",
            (CookieName::Session, false) => "schakel_session",
            (CookieName::Login, true) => "__Host-schakel_login",
            (CookieName::Login, false) => "schakel_login",
            (CookieName::Link, true) => "__Host-schakel_link",
            (CookieName::Link, false) => "schakel_link",
            (CookieName::Lang, true) => "__Host-schakel_lang",
            (CookieName::Lang, false) => "schakel_lang",
        }
    }
}

/// The value of one of our cookies in a request.
pub fn read_cookie(req: &HttpRequest, state: &WebState, name: CookieName) -> Option<String> {
    req.cookie(name.name(state.secure_cookies))
        .map(|c| c.value().to_owned())
}

/// A signed-in user as a page sees them.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The actor for the use cases.
    pub actor: Actor,
    /// The user's own account (name, language, second factor); no secrets.
    pub user: Account,
    /// The user's agency.
    pub agency: OwnAgency,
    /// The session's CSRF token, for the forms of the page.
    pub csrf: String,
    /// The session still owes its second factor.
    pub mfa_pending: bool,
    /// Whether the user may break the glass: a case worker at an agency of a kind the
    /// configuration allows (the menu shows the page; the use case decides again, and
    /// audits, every attempt).
    pub may_break_glass: bool,
}

impl Viewer {
    /// The texts in the user's language.
    pub fn texts(&self) -> Texts {
        Texts {
            lang: Lang::of_locale(&self.user.locale),
        }
    }
}

/// Why a page cannot be shown to this request.
#[derive(Debug)]
pub enum Refused {
    /// No live session: log in first.
    NotSignedIn,
    /// The database failed.
    Failed(String),
    /// The database cannot be reached or its storage is full: try again later.
    Unavailable(String),
}

impl Refused {
    /// The refusal of an error of the session's use cases.
    fn of(e: schakel_auth::AuthError) -> Refused {
        match e {
            schakel_auth::AuthError::InvalidToken => Refused::NotSignedIn,
            schakel_auth::AuthError::Store(s) if s.is_unavailable() => {
                Refused::Unavailable(s.to_string())
            }
            other => Refused::Failed(other.to_string()),
        }
    }
}

/// The viewer of a request, if its cookie names a live session.
pub async fn viewer(req: &HttpRequest, state: &web::Data<WebState>) -> Result<Viewer, Refused> {
    let Some(token) = read_cookie(req, state, CookieName::Session) else {
        return Err(Refused::NotSignedIn);
    };
    let st = state.clone();
    let found = web::block(move || {
        let mut conn =
            schakel_store::get_conn(&st.pool).map_err(|e| Refused::Unavailable(e.to_string()))?;
        let now = st.clock.now();
        match schakel_auth::web_session::authenticate(&mut conn, &st.auth, &token, now) {
            Ok((auth, csrf)) => {
                let me = schakel_auth::account::signed_in(&mut conn, &auth.actor)
                    .map_err(Refused::of)?;
                let may_break_glass = auth
                    .actor
                    .may(Action::OpenEmergencyAccess, Relationship::Platform)
                    && st.workflow.emergency.allows(me.agency.kind);
                Ok(Some(Viewer {
                    actor: auth.actor,
                    user: me.account,
                    agency: me.agency,
                    csrf,
                    mfa_pending: auth.mfa_pending,
                    may_break_glass,
                }))
            }
            Err(e) => Err(Refused::of(e)),
        }
    })
    .await
    .map_err(|e| Refused::Failed(e.to_string()))?;
    found?.ok_or(Refused::NotSignedIn)
}

/// The texts for a request without a session: the language the last sign-out kept or
/// the login page's switch chose, else `Accept-Language`.
pub fn anonymous_texts(req: &HttpRequest) -> Texts {
    let chosen = [true, false]
        .iter()
        .filter_map(|secure| req.cookie(CookieName::Lang.name(*secure)))
        .find_map(|c| match c.value() {
            "en" => Some(Lang::En),
            "nl" => Some(Lang::Nl),
            _ => None,
        });
    let header = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Texts {
        lang: chosen.unwrap_or_else(|| Lang::from_accept(header)),
    }
}

/// The cookie that keeps `lang` for the pages before the next sign-in (a year).
pub fn lang_cookie(state: &WebState, lang: Lang) -> Cookie<'static> {
    let mut c = cookie(state, CookieName::Lang, lang.code().to_owned());
    c.set_max_age(actix_web::cookie::time::Duration::days(365));
    c
}

/// A cookie with the flags every Schakel cookie has: `HttpOnly`, `SameSite=Strict`,
/// `Path=/`, no `Domain`, and `Secure` with the `__Host-` name unless on loopback HTTP.
pub fn cookie(state: &WebState, name: CookieName, value: String) -> Cookie<'static> {
    Cookie::build(name.name(state.secure_cookies), value)
        .path("/")
        .http_only(true)
        .secure(state.secure_cookies)
        .same_site(SameSite::Strict)
        .finish()
}

/// A cookie that removes `name`.
pub fn removal(state: &WebState, name: CookieName) -> Cookie<'static> {
    let mut c = cookie(state, name, String::new());
    c.make_removal();
    c
}

/// The request's facts for the audit trail: the client address as the API decides it
/// (trusted proxies considered) and the request id.
pub fn context(req: &HttpRequest) -> RequestContext {
    let source_ip = match req.app_data::<web::Data<WebState>>() {
        Some(state) => crate::client_rules::client_ip(req, &state.client),
        None => req.peer_addr().map(|a| a.ip()),
    };
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(ToString::to_string);
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    RequestContext {
        source_ip,
        request_id,
        user_agent,
    }
}
