//! The per-client limit on the forms that take credentials (`/login`, `/login/code`,
//! `/invitation`, `/password-reset`, `/account/password`) or send a recovery link
//! (`/password/forgot`), as middleware.
//!
//! The client is recognised by `client_rules` (the address the API would decide). The
//! limit draws from the same buckets as `/api/v1/auth/*`, so switching between the API
//! and the forms gains an attacker nothing. Must not: answer anything but the 429 page
//! here.

use crate::WebState;
use crate::client_rules::client_ip;
use crate::session::anonymous_texts;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

/// Middleware of the credential forms: every submission takes one request from the
/// client's bucket; over the limit the answer is a 429 page with `Retry-After` (whole
/// seconds, at least 1) and the form is not looked at.
pub async fn limit_submissions(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() == Method::POST
        && let Some(state) = req.app_data::<web::Data<WebState>>()
    {
        let ip = client_ip(req.request(), &state.client);
        if let Some(Err(wait)) = ip.map(|ip| (state.client.limit)(ip)) {
            let t = anonymous_texts(req.request());
            let res = crate::pages::too_many_requests(t, wait.max(1));
            return Ok(req.into_response(res));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
