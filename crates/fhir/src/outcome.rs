//! Errors as FHIR `OperationOutcome`s. Every handler and extractor of the facade fails
//! with the API's error (so a refusal is decided once, the same for both); the scope's
//! middleware ([`as_outcome`]) writes any error response of the facade as an
//! `OperationOutcome` whose issue carries the API's stable problem code and the members
//! at fault, with the same status.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, Responder};
use schakel_api::{FieldErrors, ProblemKind};
use serde_json::{Value, json};

/// The media type of every answer.
pub const FHIR_JSON: &str = "application/fhir+json";

/// The issue type (FHIR's `issue-type` value set) of a problem.
fn issue_code(kind: ProblemKind) -> &'static str {
    match kind.status() {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::UNAUTHORIZED => "login",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED => "conflict",
        StatusCode::PRECONDITION_REQUIRED => "required",
        StatusCode::PAYLOAD_TOO_LARGE => "too-long",
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => "transient",
        StatusCode::METHOD_NOT_ALLOWED | StatusCode::UNSUPPORTED_MEDIA_TYPE => "not-supported",
        s if s.is_server_error() => "exception",
        _ => "invalid",
    }
}

/// The `OperationOutcome` of a problem, naming `fields` (members of the body or
/// parameters) as its issues' expressions.
pub fn outcome(kind: ProblemKind, fields: &[(String, String)]) -> Value {
    let details = json!({
        "coding": [{ "system": crate::codes::system("problem"), "code": kind.code() }],
        "text": kind.title(),
    });
    let issues: Vec<Value> = if fields.is_empty() {
        vec![json!({ "severity": "error", "code": issue_code(kind), "details": details })]
    } else {
        fields
            .iter()
            .map(|(field, reason)| {
                let mut issue = json!({
                    "severity": "error",
                    "code": issue_code(kind),
                    "details": details,
                    "diagnostics": reason,
                });
                if !field.is_empty() {
                    issue["expression"] = json!([field]);
                }
                issue
            })
            .collect()
    };
    json!({ "resourceType": "OperationOutcome", "issue": issues })
}

/// A resource as the answer, with the FHIR media type.
pub fn resource(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(FHIR_JSON)
        .body(body.to_string())
}

/// The scope's middleware: an error answer of the facade becomes an `OperationOutcome`.
pub async fn as_outcome<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B, BoxBody>>, actix_web::Error> {
    let res = next.call(req).await?;
    {
        let status = res.status();
        let is_fhir = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with(FHIR_JSON));
        if !(status.is_client_error() || status.is_server_error()) || is_fhir {
            return Ok(res.map_into_left_body());
        }
        let kind = res
            .response()
            .extensions()
            .get::<ProblemKind>()
            .copied()
            .filter(|k| k.status() == status)
            .unwrap_or_else(|| ProblemKind::from_status(status));
        let fields: Vec<(String, String)> = res
            .response()
            .extensions()
            .get::<FieldErrors>()
            .map(|f| {
                f.0.iter()
                    .map(|e| (e.field.clone(), e.reason.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let (req, old) = res.into_parts();
        let mut new = resource(status, &outcome(kind, &fields));
        new.extensions_mut().insert(kind);
        for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
            if let Some(value) = old.headers().get(&name) {
                new.headers_mut().insert(name, value.clone());
            }
        }
        Ok(ServiceResponse::new(req, new).map_into_right_body())
    }
}

/// An answer that is always an `OperationOutcome` of `kind` (the facade's unknown
/// routes).
pub async fn not_found() -> impl Responder {
    resource(StatusCode::NOT_FOUND, &outcome(ProblemKind::NotFound, &[]))
}
