//! What every page shares: the content policy, the navigation, the error pages and the
//! answers (see other, not found, too many requests), the completed viewer, the
//! stylesheet. An error no handler answered with a page (an unknown address, a wrong
//! method, a failure) becomes one for a browser in `browser`. The pages themselves live beside it: logging in and out in `login`, the
//! start page and the inbox in `home`. Each handler reads the session from the cookie,
//! checks the form's CSRF token, calls the same use cases as the API on the blocking
//! pool, and renders a template in the viewer's language.

use crate::WebState;
use crate::i18n::Texts;
use crate::session::{Refused, Viewer, viewer};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::Role;

/// The policy of every page: own styles only, no scripts, forms only to this site.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a page with a case-work form that keeps itself as a draft: the page
/// policy, plus this site's own script (no inline script, no `eval`) and its requests
/// to this site.
pub const DRAFT_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
     connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// The navigation of a signed-in page.
pub struct Nav {
    pub(crate) name: String,
    pub(crate) agency: String,
    pub(crate) csrf: String,
    pub(crate) inbox: bool,
    pub(crate) casework: bool,
    pub(crate) coordinator: bool,
    /// May break the glass (`/emergency`).
    pub(crate) emergency: bool,
    pub(crate) analyst: bool,
    pub(crate) auditor: bool,
    pub(crate) admin: bool,
    /// Case work at a law-enforcement agency (`/investigations`), and the prosecution's
    /// inbox of suspects (`/suspect-referrals`).
    pub(crate) investigations: bool,
    pub(crate) suspect_referrals: bool,
}

/// Whether the menu links to the investigations and to the suspects referred (the
/// prosecution's inbox): only for case workers of an active law-enforcement agency.
fn law_enforcement_menu(v: &Viewer) -> (bool, bool) {
    let agency = &v.agency;
    let member = agency.active
        && agency.kind.is_law_enforcement()
        && v.actor.may(
            schakel_domain::Action::ReadInvestigation,
            schakel_domain::Relationship::OwnAgency,
        );
    let prosecution = member
        && agency.kind == schakel_domain::AgencyKind::Prosecution
        && v.actor.may(
            schakel_domain::Action::ReadReferral,
            schakel_domain::Relationship::ReceivingAgency,
        );
    (member, prosecution)
}

impl Nav {
    pub(crate) fn of(v: &Viewer) -> Nav {
        let (investigations, suspect_referrals) = law_enforcement_menu(v);
        Nav {
            name: v.user.display_name.clone(),
            agency: v.agency.name.clone(),
            csrf: v.csrf.clone(),
            inbox: matches!(v.actor.role, Role::Coordinator | Role::Caseworker),
            casework: matches!(v.actor.role, Role::Coordinator | Role::Caseworker),
            coordinator: v.actor.role == Role::Coordinator,
            emergency: v.may_break_glass,
            analyst: v.actor.role == Role::Analyst,
            auditor: v.actor.role == Role::Auditor,
            admin: v.actor.role == Role::Admin,
            investigations,
            suspect_referrals,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Texts,
    nav: Option<Nav>,
    message_key: &'static str,
}

/// A rendered page with the page policy.
pub(crate) fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    html_with(status, page, PAGE_CSP)
}

/// A rendered page with a form that keeps itself as a draft (its template loads the
/// draft script).
pub(crate) fn html_with_drafts(status: StatusCode, page: &impl Template) -> HttpResponse {
    html_with(status, page, DRAFT_CSP)
}

fn html_with(status: StatusCode, page: &impl Template, csp: &'static str) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type(ContentType::html())
            .insert_header((header::CONTENT_SECURITY_POLICY, csp))
            .body(body),
        Err(e) => internal(&e.to_string()),
    }
}

pub(crate) fn internal(e: &str) -> HttpResponse {
    tracing::error!(error = %e, "page failed");
    HttpResponse::InternalServerError().finish()
}

pub(crate) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// The error page of `status` with the message `message_key`.
pub(crate) fn error_page(
    status: StatusCode,
    t: Texts,
    nav: Option<Nav>,
    message_key: &'static str,
) -> HttpResponse {
    html(
        status,
        &ErrorPage {
            t,
            nav,
            message_key,
        },
    )
}

/// The not-found page (also for what the viewer may not see).
pub(crate) fn not_found(t: Texts, nav: Option<Nav>) -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        &ErrorPage {
            t,
            nav,
            message_key: "error.not_found",
        },
    )
}

/// A form whose CSRF token is missing or wrong.
pub(crate) fn stale_form(t: Texts, nav: Option<Nav>) -> HttpResponse {
    html(
        StatusCode::FORBIDDEN,
        &ErrorPage {
            t,
            nav,
            message_key: "error.form",
        },
    )
}

/// Too many submissions from this client: try again after `retry_after` seconds.
pub(crate) fn too_many_requests(t: Texts, retry_after: u64) -> HttpResponse {
    let mut res = html(
        StatusCode::TOO_MANY_REQUESTS,
        &ErrorPage {
            t,
            nav: None,
            message_key: "error.too_many",
        },
    );
    res.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(retry_after.max(1)),
    );
    res
}

/// The database cannot be reached or its storage is full: nothing was saved; the cause
/// is logged, the page asks to try again later.
pub(crate) fn unavailable(t: Texts, nav: Option<Nav>, e: &str) -> HttpResponse {
    tracing::error!(error = %e, "page failed: the database is unavailable");
    error_page(StatusCode::SERVICE_UNAVAILABLE, t, nav, "error.unavailable")
}

/// Too many password checks at once: try again in a second (nothing was read or
/// counted).
pub(crate) fn busy(t: Texts) -> HttpResponse {
    let mut res = html(
        StatusCode::SERVICE_UNAVAILABLE,
        &ErrorPage {
            t,
            nav: None,
            message_key: "error.busy",
        },
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(1u64));
    res
}

/// What the role may not do.
pub(crate) fn forbidden(t: Texts, nav: Option<Nav>) -> HttpResponse {
    html(
        StatusCode::FORBIDDEN,
        &ErrorPage {
            t,
            nav,
            message_key: "error.forbidden",
        },
    )
}

/// A change the current state does not allow (nothing was changed).
pub(crate) fn conflict(t: Texts, nav: Option<Nav>) -> HttpResponse {
    html(
        StatusCode::CONFLICT,
        &ErrorPage {
            t,
            nav,
            message_key: "error.conflict",
        },
    )
}

/// The viewer of a complete session, or the response that sends them elsewhere.
pub(crate) async fn complete_viewer(
    req: &HttpRequest,
    state: &web::Data<WebState>,
) -> Result<Viewer, HttpResponse> {
    match viewer(req, state).await {
        Ok(v) if v.mfa_pending => Err(see_other("/login/code")),
        Ok(v) => Ok(v),
        Err(Refused::NotSignedIn) => Err(see_other("/login")),
        Err(Refused::Failed(e)) => Err(internal(&e)),
        Err(Refused::Unavailable(e)) => {
            Err(unavailable(crate::session::anonymous_texts(req), None, &e))
        }
    }
}

/// `GET /static/app.css`.
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../static/app.css"))
}
