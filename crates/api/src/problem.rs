//! Errors as `application/problem+json` (RFC 9457).
//!
//! Policy: every error a client sees has a stable `type` code, a safe `title`, the HTTP
//! `status` and the request id — never an internal message; a `422 invalid_body` also
//! names the members at fault and what was expected (`errors`, see `invalid`), never
//! the values sent. Handlers
//! return [`ApiError`]; its one `match` chooses the [`ProblemKind`]. The body itself is
//! written by the error middleware, which also turns actix's own errors (unknown route,
//! wrong method, body limits) into problems, so every error has the same shape.

use crate::invalid::FieldError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use schakel_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The kinds of problem the API reports; `code` is the stable part of `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    BadRequest,
    MalformedJson,
    InvalidBody,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    PreconditionFailed,
    PreconditionRequired,
    TooManyRequests,
    Internal,
    Unavailable,
    StorageFull,
    Busy,
    InvalidCredentials,
    InvalidClient,
    UnsupportedGrantType,
    InvalidCode,
    MfaRequired,
    PasswordTooShort,
    PasswordTooLong,
    PasswordGuessable,
    PasswordContainsContext,
    IdempotencyKeyReused,
    TooManyDimensions,
    UnknownCountry,
    LegalBasisNotApplicable,
    AgencyKindLocked,
    NoteFixed,
    DocumentType,
    DocumentTooLarge,
    DocumentPending,
    DocumentQuarantined,
    DocumentGone,
    EmergencyAccessNotNeeded,
    AlreadyReviewed,
    ExportTooLarge,
    RequestPending,
    OwnRequest,
    RequestClosed,
    CaseRestricted,
    RetentionDuty,
    AlreadyReferred,
    NoEarlierStep,
}

impl ProblemKind {
    /// The stable code (`not_found`, ...).
    pub fn code(self) -> &'static str {
        use ProblemKind::*;
        match self {
            BadRequest => "bad_request",
            MalformedJson => "malformed_json",
            InvalidBody => "invalid_body",
            Unauthorized => "unauthorized",
            Forbidden => "forbidden",
            NotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
            NotAcceptable => "not_acceptable",
            Conflict => "conflict",
            PayloadTooLarge => "payload_too_large",
            UnsupportedMediaType => "unsupported_media_type",
            PreconditionFailed => "precondition_failed",
            PreconditionRequired => "precondition_required",
            TooManyRequests => "too_many_requests",
            Internal => "internal",
            Unavailable => "unavailable",
            StorageFull => "storage_full",
            Busy => "busy",
            InvalidCredentials => "invalid_credentials",
            InvalidClient => "invalid_client",
            UnsupportedGrantType => "unsupported_grant_type",
            InvalidCode => "invalid_code",
            MfaRequired => "mfa_required",
            PasswordTooShort => "password_too_short",
            PasswordTooLong => "password_too_long",
            PasswordGuessable => "password_guessable",
            PasswordContainsContext => "password_contains_context",
            IdempotencyKeyReused => "idempotency_key_reused",
            TooManyDimensions => "too_many_dimensions",
            UnknownCountry => "unknown_country",
            AgencyKindLocked => "agency_kind_locked",
            NoteFixed => "note_fixed",
            DocumentType => "document_type",
            DocumentTooLarge => "document_too_large",
            DocumentPending => "document_pending",
            DocumentQuarantined => "document_quarantined",
            DocumentGone => "document_gone",
            EmergencyAccessNotNeeded => "emergency_access_not_needed",
            AlreadyReviewed => "already_reviewed",
            ExportTooLarge => "export_too_large",
            RequestPending => "request_pending",
            OwnRequest => "own_request",
            RequestClosed => "request_closed",
            CaseRestricted => "case_restricted",
            RetentionDuty => "retention_duty",
            AlreadyReferred => "already_referred",
            NoEarlierStep => "no_earlier_step",
            LegalBasisNotApplicable => "legal_basis_not_applicable",
        }
    }

    /// The safe, fixed title.
    pub fn title(self) -> &'static str {
        use ProblemKind::*;
        match self {
            BadRequest => "The request is not valid.",
            MalformedJson => "The body is not well-formed JSON.",
            InvalidBody => "The body does not match the expected fields and values.",
            Unauthorized => "Authentication is required.",
            Forbidden => "This action is not allowed.",
            NotFound => "Nothing was found here.",
            MethodNotAllowed => "This method is not allowed here.",
            NotAcceptable => "No acceptable representation is available.",
            Conflict => "The request conflicts with the current state.",
            PayloadTooLarge => "The body is too large.",
            UnsupportedMediaType => {
                "The body's media type is not accepted here (JSON, or multipart/form-data for an upload)."
            }
            PreconditionFailed => "The resource has changed since it was read.",
            PreconditionRequired => "An If-Match header is required.",
            TooManyRequests => "Too many requests; try again later.",
            Internal => "Something went wrong on our side.",
            Unavailable => "The service is not ready.",
            StorageFull => "The database's storage is full: nothing was saved. Try again later.",
            Busy => "Too many password checks at once; try again after `Retry-After` seconds.",
            InvalidCredentials => "The email address or password is not right.",
            InvalidClient => "The client id or secret is not right, or the client is deactivated.",
            UnsupportedGrantType => "Only the `client_credentials` grant is offered here.",
            InvalidCode => "The code is not right or was already used.",
            MfaRequired => "Give the code from your authenticator app first.",
            PasswordTooShort => "Use at least 15 characters.",
            PasswordTooLong => "Use at most 128 characters.",
            PasswordGuessable => {
                "This password is too easy to guess; a few unrelated words make a strong one."
            }
            PasswordContainsContext => {
                "Do not use your name, email address, agency or the product name."
            }
            IdempotencyKeyReused => "This Idempotency-Key was used before for another request.",
            TooManyDimensions => "A table has at most three different dimensions.",
            UnknownCountry => {
                "A code in `nationalities` is not an ISO 3166-1 alpha-2 country code."
            }
            AgencyKindLocked => "The agency has received referrals: its kind cannot change.",
            NoteFixed => "The note is fixed: its time to change has passed; write a new note.",
            DocumentType => "The file is not a PDF, JPEG or PNG by its content.",
            DocumentTooLarge => "The file is larger than the configured limit.",
            DocumentPending => "The document has not been scanned for malware yet.",
            DocumentQuarantined => "Malware was found in the document: it is quarantined.",
            DocumentGone => "The document was taken off the case or erased.",
            EmergencyAccessNotNeeded => {
                "You can already read this case: no emergency access is needed."
            }
            AlreadyReviewed => "This emergency access was already reviewed.",
            RequestPending => "A request for this change already waits for a second admin.",
            OwnRequest => "Another admin must approve your request.",
            RequestClosed => "The request was decided before, or nobody approved it in time.",
            CaseRestricted => {
                "The person asked for this record to be restricted: nothing is added or changed until the restriction is lifted."
            }
            RetentionDuty => {
                "Your agency keeps its records for their retention period whatever the person asks: it cannot erase them on request."
            }
            AlreadyReferred => {
                "The suspect is already with the prosecution: a referral of it is open."
            }
            NoEarlierStep => {
                "A judgment follows a summons (first instance) or a judgment of the instance below (appeal): record that first."
            }
            ExportTooLarge => {
                "The export would hold more than 100000 entries: narrow the filter (a shorter period)."
            }
            LegalBasisNotApplicable => {
                "The `legal_basis` does not apply to this person's age or to your agency's kind."
            }
        }
    }

    /// The HTTP status.
    pub fn status(self) -> StatusCode {
        use ProblemKind::*;
        match self {
            BadRequest => StatusCode::BAD_REQUEST,
            MalformedJson => StatusCode::BAD_REQUEST,
            InvalidBody => StatusCode::UNPROCESSABLE_ENTITY,
            Unauthorized => StatusCode::UNAUTHORIZED,
            Forbidden => StatusCode::FORBIDDEN,
            NotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Conflict => StatusCode::CONFLICT,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Unavailable | StorageFull | Busy => StatusCode::SERVICE_UNAVAILABLE,
            InvalidCredentials | InvalidClient => StatusCode::UNAUTHORIZED,
            UnsupportedGrantType => StatusCode::BAD_REQUEST,
            InvalidCode => StatusCode::UNAUTHORIZED,
            MfaRequired => StatusCode::UNAUTHORIZED,
            PasswordTooShort => StatusCode::UNPROCESSABLE_ENTITY,
            PasswordTooLong => StatusCode::UNPROCESSABLE_ENTITY,
            PasswordGuessable => StatusCode::UNPROCESSABLE_ENTITY,
            PasswordContainsContext => StatusCode::UNPROCESSABLE_ENTITY,
            IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            TooManyDimensions => StatusCode::BAD_REQUEST,
            UnknownCountry => StatusCode::UNPROCESSABLE_ENTITY,
            AgencyKindLocked | NoteFixed => StatusCode::CONFLICT,
            DocumentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            DocumentTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            DocumentPending | DocumentQuarantined => StatusCode::CONFLICT,
            DocumentGone => StatusCode::GONE,
            EmergencyAccessNotNeeded | AlreadyReviewed => StatusCode::CONFLICT,
            RequestPending | OwnRequest | RequestClosed => StatusCode::CONFLICT,
            CaseRestricted | RetentionDuty => StatusCode::CONFLICT,
            AlreadyReferred | NoEarlierStep => StatusCode::CONFLICT,
            ExportTooLarge => StatusCode::UNPROCESSABLE_ENTITY,
            LegalBasisNotApplicable => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// The kind that best describes a bare status (for errors actix makes itself).
    pub fn from_status(status: StatusCode) -> Self {
        use ProblemKind::*;
        match status.as_u16() {
            401 => Unauthorized,
            403 => Forbidden,
            404 => NotFound,
            405 => MethodNotAllowed,
            406 => NotAcceptable,
            409 => Conflict,
            412 => PreconditionFailed,
            413 => PayloadTooLarge,
            415 => UnsupportedMediaType,
            422 => InvalidBody,
            428 => PreconditionRequired,
            429 => TooManyRequests,
            503 => Unavailable,
            s if s >= 500 => Internal,
            _ => BadRequest,
        }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable problem type, `urn:schakel:problem:<code>`.
    #[serde(rename = "type")]
    #[schema(example = "urn:schakel:problem:not_found")]
    pub problem_type: String,
    /// A short, fixed, human-readable summary.
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// The id of the request, to find it in the logs.
    pub request_id: String,
    /// For `422 invalid_body` only, when it is known: each member of the request at
    /// fault and what was expected of it. Never the value sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// The problem for `kind` in request `request_id`.
    pub fn new(kind: ProblemKind, request_id: String) -> Self {
        Self {
            problem_type: format!("urn:schakel:problem:{}", kind.code()),
            title: kind.title(),
            status: kind.status().as_u16(),
            request_id,
            errors: Vec::new(),
        }
    }
}

/// The members at fault of an error response, left in its extensions for the error
/// middleware that writes the body.
#[derive(Debug, Clone)]
pub struct FieldErrors(pub Vec<FieldError>);

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The thing asked for does not exist or is not visible to the actor.
    #[error("not found")]
    NotFound,
    /// A problem of a given kind, without further internals.
    #[error("{0:?}")]
    Problem(ProblemKind),
    /// A member of the request is not valid: `422 invalid_body` naming it.
    #[error("invalid member {}", .0.field)]
    Invalid(FieldError),
    /// The database failed; the cause is logged, never shown.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A blocking task could not run.
    #[error("blocking task: {0}")]
    Blocking(String),
    /// Authentication failed or a chosen password was refused.
    #[error("auth: {0}")]
    Auth(#[from] schakel_auth::AuthError),
    /// A use case (case work or administration) refused or failed.
    #[error("use case: {0}")]
    UseCase(#[from] schakel_auth::UseCaseError),
    /// Anything else that is our fault; the message is logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Blocking(e.to_string())
    }
}

impl From<prometheus::Error> for ApiError {
    fn from(e: prometheus::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind().status()
    }

    fn error_response(&self) -> HttpResponse {
        let kind = self.kind();
        if kind.status().is_server_error() {
            // Display only: Debug of a database error may carry row values.
            tracing::error!(error = %self, "request failed");
        }
        let mut res = HttpResponse::new(kind.status());
        // The error middleware renders the body from this kind, the request id and the
        // members at fault.
        res.extensions_mut().insert(kind);
        if let Some(secs) = self.retry_after() {
            res.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(secs.max(1)),
            );
        }
        let fields = self.field_errors();
        if !fields.is_empty() {
            res.extensions_mut().insert(FieldErrors(fields));
        }
        res
    }
}

/// `value` as a `T`, or `422 invalid_body` naming the first member at fault.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<T, ApiError> {
    crate::invalid::json_as(value).map_err(ApiError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_maps_back_from_its_own_status() {
        use ProblemKind::*;
        for kind in [
            Unauthorized,
            Forbidden,
            NotFound,
            MethodNotAllowed,
            NotAcceptable,
            Conflict,
            PayloadTooLarge,
            UnsupportedMediaType,
            PreconditionFailed,
            PreconditionRequired,
            TooManyRequests,
            Internal,
            Unavailable,
            InvalidBody,
            BadRequest,
        ] {
            assert_eq!(ProblemKind::from_status(kind.status()), kind, "{kind:?}");
        }
    }

    #[test]
    fn store_failures_never_show_their_message() {
        let err = ApiError::Store(StoreError::Corrupt("agency 42: secret detail".into()));
        assert_eq!(err.kind(), ProblemKind::Internal);
        let problem = Problem::new(err.kind(), "r1".into());
        let body = serde_json::to_string(&problem).unwrap();
        assert!(!body.contains("secret detail"));
        assert!(body.contains("urn:schakel:problem:internal"));
    }
}
