//! `/api/v1/agencies` and `/api/v1/users`: the admin's management of agencies and
//! accounts, plus the invitation a new user accepts.
//!
//! Handlers parse, call one `schakel_auth::admin` use case on the blocking pool and map
//! the result to an explicit response DTO (never a hash, a TOTP secret or a token).
//! Versioned resources answer with `ETag: "<version>"`; changing an agency needs that
//! value back in `If-Match` (missing: 428, stale: 412).

pub(crate) mod agencies;
pub(crate) mod clients;
pub(crate) mod delivery;
pub(crate) mod privilege;
pub(crate) mod privilege_view;
pub(crate) mod users;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponseBuilder, web};
use schakel_auth::admin::IfMatch;

pub(crate) use crate::blocking::blocking;

/// The version a client names in `If-Match`: exactly one strong entity tag `"<n>"`.
/// Missing, or `*` (which names no version), is [`IfMatch::Missing`] (428); anything
/// else that is not a version of ours can match none (412). The use case decides, after
/// its policy check, so a denied actor learns nothing from the header.
pub(crate) fn if_match(req: &HttpRequest) -> IfMatch {
    let mut values = req.headers().get_all(header::IF_MATCH);
    let Some(value) = values.next() else {
        return IfMatch::Missing;
    };
    if values.next().is_some() {
        return IfMatch::NeverMatches;
    }
    let Ok(text) = value.to_str().map(str::trim) else {
        return IfMatch::NeverMatches;
    };
    if text == "*" {
        return IfMatch::Missing;
    }
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok())
        .map_or(IfMatch::NeverMatches, IfMatch::Version)
}

/// Adds `ETag: "<version>"` to a response.
pub(crate) fn with_etag(mut res: HttpResponseBuilder, version: i64) -> HttpResponseBuilder {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.insert_header((header::ETAG, v));
    }
    res
}

/// The admin routes (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    use agencies as a;
    use users as u;
    cfg.service(
        web::resource("/agencies")
            .route(web::get().to(a::list_agencies_handler))
            .route(web::post().to(a::create_agency_handler)),
    )
    .service(
        web::resource("/agencies/{id}")
            .route(web::get().to(a::get_agency_handler))
            .route(web::patch().to(a::update_agency_handler)),
    )
    .service(
        web::resource("/agencies/{id}/deactivate")
            .route(web::post().to(a::deactivate_agency_handler)),
    )
    .service(web::resource("/clients").route(web::post().to(clients::create_client_handler)))
    .service(
        web::resource("/clients/{id}/secret")
            .route(web::post().to(clients::rotate_client_secret_handler)),
    )
    .service(
        web::resource("/users")
            .route(web::get().to(u::list_users_handler))
            .route(web::post().to(u::invite_user_handler)),
    )
    .service(
        web::resource("/users/{id}")
            .route(web::get().to(u::get_user_handler))
            .route(web::patch().to(u::update_user_handler)),
    )
    .service(
        web::resource("/users/{id}/deactivate").route(web::post().to(u::deactivate_user_handler)),
    )
    .service(
        web::resource("/users/{id}/reactivate").route(web::post().to(u::reactivate_user_handler)),
    )
    .configure(privilege::configure)
    .service(web::resource("/admin/outbox").route(web::get().to(delivery::failed_handler)))
    .service(
        web::resource("/admin/outbox/{id}/retry").route(web::post().to(delivery::retry_handler)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_match_takes_exactly_one_strong_version() {
        use IfMatch::{Missing, NeverMatches, Version};
        let cases: [(&[&str], IfMatch); 9] = [
            (&[], Missing),
            (&["*"], Missing),
            (&["\"3\""], Version(3)),
            (&[" \"12\" "], Version(12)),
            (&["3"], NeverMatches),
            (&["W/\"3\""], NeverMatches),
            (&["\"3\", \"4\""], NeverMatches),
            (&["\"3\"", "\"4\""], NeverMatches),
            (&["\"-1\""], NeverMatches),
        ];
        for (headers, expected) in cases {
            let mut req = TestRequest::default();
            for h in headers {
                req = req.append_header((header::IF_MATCH, *h));
            }
            assert_eq!(if_match(&req.to_http_request()), expected, "{headers:?}");
        }
    }
}
