//! The pages behind the emailed links: accepting an invitation (`/invitation`) and
//! choosing a new password after a recovery request (`/password-reset`). The link
//! carries its code after `#token=`, so it never reaches the server or its logs; a small
//! script of this site moves it into the form, which can also be filled by hand. The
//! form is protected like the login form (a token bound to a cookie), and on success the
//! person logs in as usual (with the second factor where required).

use crate::WebState;
use crate::account::rejection_key;
use crate::forms::{Failure, Fields, Problems};
use crate::i18n::Texts;
use crate::pages::{internal, stale_form};
use crate::session::{CookieName, anonymous_texts, context, cookie, read_cookie, removal};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::{AuthError, web_session};
use secrecy::SecretString;

/// The cookie holding the link form's CSRF token.
/// The longest code and password read.
const MAX_TOKEN_BYTES: usize = 256;
const MAX_PASSWORD_BYTES: usize = 1024;
/// The policy of these pages: the page policy, plus this site's own script.
const LINK_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Which link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// An invitation: the first password of a new account.
    Invitation,
    /// A recovery link: a new password for an existing account.
    Reset,
}

impl Link {
    fn action(self) -> &'static str {
        match self {
            Link::Invitation => "/invitation",
            Link::Reset => "/password-reset",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Link::Invitation => "link.invitation_title",
            Link::Reset => "link.reset_title",
        }
    }

    fn intro_key(self) -> &'static str {
        match self {
            Link::Invitation => "link.invitation_intro",
            Link::Reset => "link.reset_intro",
        }
    }
}

#[derive(Template)]
#[template(path = "link.html")]
struct LinkPage {
    t: Texts,
    nav: Option<crate::pages::Nav>,
    title_key: &'static str,
    intro_key: &'static str,
    action: &'static str,
    csrf: String,
    token: String,
    e: Problems,
    done: bool,
}

fn render(status: StatusCode, page: &LinkPage) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type(actix_web::http::header::ContentType::html())
            .insert_header((header::CONTENT_SECURITY_POLICY, LINK_CSP))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => internal(&e.to_string()),
    }
}

fn page(t: Texts, link: Link, csrf: String, token: String, e: Problems, done: bool) -> LinkPage {
    LinkPage {
        t,
        nav: None,
        title_key: link.title_key(),
        intro_key: link.intro_key(),
        action: link.action(),
        csrf,
        token,
        e,
        done,
    }
}

/// `GET /invitation`, `GET /password-reset`: the form, with a fresh CSRF cookie.
pub async fn form(req: HttpRequest, state: web::Data<WebState>, link: Link) -> HttpResponse {
    let csrf = schakel_auth::secret_token::generate().token;
    let p = page(
        anonymous_texts(&req),
        link,
        csrf.clone(),
        String::new(),
        Problems::default(),
        false,
    );
    let mut res = render(StatusCode::OK, &p);
    match res.add_cookie(&cookie(&state, CookieName::Link, csrf)) {
        Ok(()) => res,
        Err(e) => internal(&e.to_string()),
    }
}

/// `POST /invitation`, `POST /password-reset`: sets the password the link allows.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: web::Form<Vec<(String, String)>>,
    link: Link,
) -> HttpResponse {
    let t = anonymous_texts(&req);
    let f = Fields::new(form.into_inner());
    let expected = read_cookie(&req, &state, CookieName::Link);
    let csrf = f.one("csrf").to_owned();
    if !expected.is_some_and(|e| web_session::csrf_matches(&e, &csrf)) {
        return stale_form(t, None);
    }
    let token = f.one("token").trim().to_owned();
    let (new, again) = (f.raw("new"), f.raw("again"));
    let mut e = Problems::default();
    if token.is_empty() || token.len() > MAX_TOKEN_BYTES {
        e.add("token", "link.invalid");
    }
    if new.len() > MAX_PASSWORD_BYTES {
        e.add("new", "password.too_long");
    } else if new != again {
        e.add("again", "password.mismatch");
    }
    let kept = token.chars().take(MAX_TOKEN_BYTES).collect::<String>();
    if !e.is_empty() {
        let p = page(t, link, csrf, kept, e, false);
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let Some(_ticket) = state.hashing.admit() else {
        return crate::pages::busy(t);
    };
    let (st, ctx) = (state.clone(), context(&req));
    let (code, password) = (token.clone(), SecretString::from(new));
    let done = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        let result = match link {
            Link::Invitation => schakel_auth::admin::users::accept_invitation(
                &mut conn, &code, &password, &ctx, now,
            ),
            Link::Reset => schakel_auth::reset_password(&mut conn, &code, &password, &ctx, now),
        };
        match result {
            Ok(()) => Ok(None),
            Err(AuthError::InvalidCredentials) => Ok(Some(("token", "link.invalid"))),
            Err(AuthError::PasswordRejected(r)) => Ok(Some(("new", rejection_key(&r)))),
            Err(e) => Err(Failure::from(e)),
        }
    })
    .await
    .map_err(Failure::from)
    .and_then(|done| done);
    match done {
        Ok(None) => {
            let p = page(
                t,
                link,
                String::new(),
                String::new(),
                Problems::default(),
                true,
            );
            let mut res = render(StatusCode::OK, &p);
            match res.add_cookie(&removal(&state, CookieName::Link)) {
                Ok(()) => res,
                Err(e) => internal(&e.to_string()),
            }
        }
        Ok(Some((field, key))) => {
            e.add(field, key);
            let p = page(t, link, csrf, kept, e, false);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(failure) => failure.anonymous_page(t),
    }
}

/// `GET /static/link.js`.
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../static/link.js"))
}
