//! The middleware stack: request spans, security headers, and problem bodies.
//!
//! Logs carry the method, the route *pattern* (never the concrete path or query), the
//! status and the request id — no client address, user agent, body or error text that
//! could hold personal data.

use crate::problem::{FieldErrors, Problem, ProblemKind};
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse};
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

/// The header that carries the request id back to the client.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// One span per request with only safe fields.
#[derive(Debug)]
pub struct SafeRootSpan;

impl RootSpanBuilder for SafeRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request_id_of(request.request());
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "<unmatched>".into());
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = %route,
            request_id = %request_id,
            status = tracing::field::Empty,
            problem = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, kind) = match outcome {
            Ok(res) => (
                res.status(),
                res.response().extensions().get::<ProblemKind>().copied(),
            ),
            Err(e) => (e.as_response_error().status_code(), None),
        };
        span.record("status", status.as_u16());
        if status.is_client_error() || status.is_server_error() {
            let kind = kind.unwrap_or_else(|| ProblemKind::from_status(status));
            span.record("problem", kind.code());
        }
        let _entered = span.enter();
        if status.is_server_error() {
            tracing::warn!("request finished");
        } else {
            tracing::info!("request finished");
        }
    }
}

/// The request id of a request, or `unknown` outside the tracing middleware.
pub fn request_id_of(req: &HttpRequest) -> String {
    req.extensions()
        .get::<RequestId>()
        .map(ToString::to_string)
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Headers every response carries unless a handler set its own.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CACHE_CONTROL, "no-store"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ))
        .add(("cross-origin-opener-policy", "same-origin"))
        .add(("cross-origin-resource-policy", "same-origin"))
        .add((
            "permissions-policy",
            "camera=(), microphone=(), geolocation=()",
        ))
}

/// Writes the problem+json body of every error response, whoever made it: our handlers
/// (which leave their [`ProblemKind`] in the response extensions) or actix itself
/// (unknown route, wrong method, payload limits), whose kind follows from the status.
pub fn render_problem<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // A web page renders its own errors (a form shown again with its message), and the
    // FHIR facade its own (an `OperationOutcome`).
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/fhir+json"));
    if is_page {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let kind = res
        .response()
        .extensions()
        .get::<ProblemKind>()
        .copied()
        .filter(|k| k.status() == status)
        .unwrap_or_else(|| ProblemKind::from_status(status));
    let request_id = request_id_of(res.request());
    let (req, old) = res.into_parts();
    let mut problem = Problem::new(kind, request_id);
    if kind == ProblemKind::InvalidBody
        && let Some(FieldErrors(fields)) = old.extensions().get::<FieldErrors>()
    {
        problem.errors = fields.clone();
    }
    let body = serde_json::to_string(&problem).unwrap_or_else(|_| String::from("{}"));
    let mut new: HttpResponse<BoxBody> = HttpResponse::build(status)
        .content_type("application/problem+json")
        .body(body);
    new.extensions_mut().insert(kind);
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(value) = old.headers().get(&name) {
            new.headers_mut().insert(name, value.clone());
        }
    }
    let res: ServiceResponse<EitherBody<B>> = ServiceResponse::new(req, new).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

/// Copies the request id onto the response so a user can quote it.
pub fn add_request_id_header<B>(res: &mut ServiceResponse<B>) {
    let id = request_id_of(res.request());
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(header::HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
}
