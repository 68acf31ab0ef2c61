//! What a browser gets that no page handler made: an error page, in the viewer's
//! language (or the browser's, signed out), for every error answered without a page of
//! its own — an unknown address, a method a page does not take, a query or form the
//! framework refused, a failure of the page — and the site's icon.
//!
//! The pages' routes sit in one scope under this middleware (`lib.rs`). It only looks
//! at requests outside `/api` whose `Accept` prefers HTML: the API's clients, scripts
//! asking for JSON and anything else keep the bare error, which the API's error
//! middleware writes as `application/problem+json`. Must not: touch a page, or tell
//! more than the status (the framework's own text of an error is dropped).

use crate::WebState;
use crate::pages::{Nav, error_page};
use crate::session::{anonymous_texts, viewer};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

/// How long a browser keeps the icon: a week (it changes with a release, rarely).
const ICON_CACHE: &str = "public, max-age=604800";

/// Middleware of the pages: an error for a browser that is no page (empty, or the
/// framework's text) becomes the error page of its status, the headers that tell what
/// to do next (`Allow`, `Retry-After`) kept.
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let for_browser = wants_page(req.request());
    let res = next.call(req).await?;
    let status = res.status();
    let page_already = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let error = status.is_client_error() || status.is_server_error();
    if !(for_browser && error) || page_already {
        return Ok(res.map_into_boxed_body());
    }
    let (req, old) = res.into_parts();
    let mut page = page_for(&req, status).await;
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = old.headers().get(&name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    Ok(ServiceResponse::new(req, page))
}

/// Whether `req` is a browser's for a page: outside the API, HTML preferred.
fn wants_page(req: &HttpRequest) -> bool {
    let path = req.path();
    let api = path == "/api" || path.starts_with("/api/");
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    !api && prefers_html(accept)
}

/// Whether an `Accept` header asks for HTML at least as much as for JSON. A browser
/// navigating says `text/html` first; `*/*` alone (curl, most libraries) is no request
/// for a page.
fn prefers_html(accept: Option<&str>) -> bool {
    let (mut html, mut json) = (0.0_f32, 0.0_f32);
    for range in accept.unwrap_or_default().split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
            .unwrap_or(1.0_f32);
        match media.as_str() {
            "text/html" | "application/xhtml+xml" => html = html.max(q),
            "application/json" | "application/problem+json" => json = json.max(q),
            _ => {}
        }
    }
    html > 0.0 && html >= json
}

/// The message of the error page of `status`.
fn message_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "error.forbidden",
        404 | 410 => "error.not_found",
        405 => "error.method",
        409 => "error.conflict",
        413 => "error.too_large",
        429 => "error.too_many",
        s if s >= 500 => "error.internal",
        _ => "error.bad_request",
    }
}

/// The error page of `status` for the signed-in viewer (with the navigation), or in the
/// browser's language without one.
async fn page_for(req: &HttpRequest, status: StatusCode) -> HttpResponse {
    let key = message_key(status);
    if let Some(state) = req.app_data::<web::Data<WebState>>()
        && let Ok(v) = viewer(req, state).await
        && !v.mfa_pending
    {
        return error_page(status, v.texts(), Some(Nav::of(&v)), key);
    }
    error_page(status, anonymous_texts(req), None, key)
}

/// `GET /static/favicon.svg`: the site's icon, a letter mark drawn as a path (no font,
/// nothing fetched).
pub async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, ICON_CACHE))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'"))
        .body(include_str!("../static/favicon.svg"))
}

/// `GET /favicon.ico`: where browsers look without being told; sent on to the icon.
pub async fn favicon_ico() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/static/favicon.svg"))
        .insert_header((header::CACHE_CONTROL, ICON_CACHE))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_asks_for_html_and_a_client_does_not() {
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(prefers_html(Some(firefox)));
        assert!(prefers_html(Some("text/html")));
        assert!(prefers_html(Some("application/json;q=0.5, text/html")));
        for client in [
            None,
            Some("*/*"),
            Some("application/json"),
            Some("application/problem+json, text/html;q=0.5"),
            Some("text/html;q=0"),
            Some("image/avif,image/webp,*/*"),
        ] {
            assert!(!prefers_html(client), "{client:?}");
        }
    }

    #[test]
    fn each_status_has_its_message() {
        assert_eq!(message_key(StatusCode::NOT_FOUND), "error.not_found");
        assert_eq!(message_key(StatusCode::METHOD_NOT_ALLOWED), "error.method");
        assert_eq!(
            message_key(StatusCode::INTERNAL_SERVER_ERROR),
            "error.internal"
        );
        assert_eq!(message_key(StatusCode::BAD_REQUEST), "error.bad_request");
    }
}
