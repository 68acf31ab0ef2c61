//! `/api/v1/signals`, `/api/v1/cases`, `/api/v1/referrals`, `/api/v1/drafts`,
//! `/api/v1/notes`, `/api/v1/documents` and `/api/v1/agency/dashboard`: case work.
//!
//! Handlers parse, call one `schakel_referral_workflow` use case on the blocking pool
//! and answer with its view. Cases and referrals answer with `ETag: "<version>"`;
//! changing them needs it back in `If-Match` (missing: 428, stale: 412). Creating POSTs
//! take an optional `Idempotency-Key`: a replay answers the first response and creates
//! nothing; the same key with another request answers 422.

pub(crate) mod assignment;
pub(crate) mod cases;
pub(crate) mod corrections;
pub(crate) mod dashboard;
pub(crate) mod documents;
pub(crate) mod drafts;
pub(crate) mod notes;
pub(crate) mod onward;
pub(crate) mod referrals;
pub(crate) mod rights;
pub(crate) mod signals;
pub(crate) mod upload_form;

use crate::problem::ProblemKind;
use crate::{ApiError, AppState};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_referral_workflow::Env;
use schakel_referral_workflow::idempotency::{Created, IdempotencyKey};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

pub(crate) use crate::admin::{if_match, with_etag};

/// The header naming a creating request's idempotency key.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The idempotency key of a creating request, with the fingerprint of its method,
/// route and body; `None` without the header.
pub fn idempotency_key(
    req: &HttpRequest,
    body: &serde_json::Value,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let mut values = req.headers().get_all(IDEMPOTENCY_KEY);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::Problem(ProblemKind::BadRequest));
    }
    let key = value
        .to_str()
        .map_err(|_| ApiError::Problem(ProblemKind::BadRequest))?;
    let mut hash = Sha256::new();
    hash.update(req.method().as_str());
    hash.update([0]);
    hash.update(req.path());
    hash.update([0]);
    // serde_json orders object keys, so equal bodies hash equally however they are
    // spelled.
    hash.update(body.to_string());
    let fingerprint = hex::encode(hash.finalize());
    IdempotencyKey::parse(key, fingerprint)
        .map(Some)
        .map_err(|_| ApiError::Problem(ProblemKind::BadRequest))
}

/// A JSON body as the use case's input; anything but an object of the right shape is
/// 422, naming the member at fault.
pub(crate) fn input<T: DeserializeOwned>(body: &serde_json::Value) -> Result<T, ApiError> {
    crate::problem::from_json(body)
}

/// The answer to a creating request: `201` with the body, `Location` and `ETag`, or the
/// first response again for a replay.
pub(crate) fn created<T>(
    result: Created<T>,
    location: impl Fn(&T) -> String,
    version: impl Fn(&T) -> Option<i64>,
) -> HttpResponse {
    match result {
        Created::New { value, body } => {
            let mut res = HttpResponse::Created();
            if let Ok(v) = HeaderValue::from_str(&location(&value)) {
                res.insert_header((header::LOCATION, v));
            }
            if let Some(v) = version(&value) {
                res = with_etag(res, v);
            }
            res.content_type("application/json").body(body)
        }
        Created::Replayed { status, body } => {
            let status = actix_web::http::StatusCode::from_u16(status)
                .unwrap_or(actix_web::http::StatusCode::CREATED);
            HttpResponse::build(status)
                .insert_header(("Idempotent-Replayed", "true"))
                .content_type("application/json")
                .body(body)
        }
    }
}

/// Runs a case-work use case on the blocking pool with its environment.
pub async fn with_env<T, F>(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    f: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut schakel_store::DbConn, &Env<'_>) -> Result<T, ApiError> + Send + 'static,
{
    let ctx = crate::auth::request_context(req, state);
    let cfg = state.workflow.clone();
    crate::blocking::blocking(state, move |conn, now| {
        let env = Env {
            cfg: &cfg,
            ctx: &ctx,
            now,
        };
        f(conn, &env)
    })
    .await
}

/// A page of results in a response.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Give this back as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Paging parameters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    #[param(
        pattern = r"^[0-9]{1,16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The case-work routes (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    use cases as c;
    use notes as n;
    use referrals as r;
    use signals as s;
    cfg.service(
        web::resource("/signals")
            .route(web::get().to(s::list_signals_handler))
            .route(web::post().to(s::create_signal_handler)),
    )
    .service(web::resource("/signals/{id}").route(web::get().to(s::get_signal_handler)))
    .service(
        web::resource("/drafts")
            .route(web::get().to(drafts::list_drafts_handler))
            .route(web::post().to(drafts::create_draft_handler)),
    )
    .service(
        web::resource("/drafts/{id}")
            .route(web::get().to(drafts::get_draft_handler))
            .route(web::put().to(drafts::save_draft_handler))
            .route(web::delete().to(drafts::delete_draft_handler)),
    )
    .service(
        web::resource("/cases")
            .route(web::get().to(c::list_cases_handler))
            .route(web::post().to(c::open_case_handler)),
    )
    .service(
        web::resource("/cases/{id}")
            .route(web::get().to(c::get_case_handler))
            .route(web::patch().to(corrections::correct_case_handler)),
    )
    .service(
        web::resource("/cases/{id}/assignee").route(web::put().to(assignment::assign_case_handler)),
    )
    .service(
        web::resource("/referrals/{id}/assignee")
            .route(web::put().to(assignment::assign_referral_handler)),
    )
    .service(
        web::resource("/referrals/{id}/case")
            .route(web::post().to(onward::open_case_from_referral_handler)),
    )
    .service(web::resource("/cases/{id}/chain").route(web::get().to(onward::case_chain_handler)))
    .service(web::resource("/caseload").route(web::get().to(assignment::caseload_handler)))
    .service(web::resource("/agency/dashboard").route(web::get().to(dashboard::dashboard_handler)))
    .service(
        web::resource("/cases/{id}/history")
            .route(web::get().to(corrections::case_history_handler)),
    )
    .service(web::resource("/cases/{id}/timeline").route(web::get().to(c::timeline_handler)))
    .service(web::resource("/cases/{id}/close").route(web::post().to(c::close_case_handler)))
    .service(web::resource("/cases/{id}/reopen").route(web::post().to(c::reopen_case_handler)))
    .configure(rights::configure)
    .service(web::resource("/cases/{id}/consents").route(web::post().to(c::record_consent_handler)))
    .service(
        web::resource("/cases/{id}/notes")
            .route(web::get().to(n::list_notes_handler))
            .route(web::post().to(n::add_note_handler)),
    )
    .service(web::resource("/notes/{id}").route(web::put().to(n::edit_note_handler)))
    .configure(configure_documents)
    .service(
        web::resource("/cases/{id}/consents/{consent_id}/withdraw")
            .route(web::post().to(c::withdraw_consent_handler)),
    )
    .service(
        web::resource("/cases/{id}/referrals").route(web::post().to(r::create_referral_handler)),
    )
    .service(web::resource("/referrals").route(web::get().to(r::list_referrals_handler)))
    .service(web::resource("/referrals/{id}").route(web::get().to(r::get_referral_handler)))
    .service(web::resource("/referrals/{id}/accept").route(web::post().to(r::accept_handler)))
    .service(web::resource("/referrals/{id}/decline").route(web::post().to(r::decline_handler)))
    .service(web::resource("/referrals/{id}/redirect").route(web::post().to(r::redirect_handler)))
    .service(web::resource("/referrals/{id}/start").route(web::post().to(r::start_handler)))
    .service(web::resource("/referrals/{id}/complete").route(web::post().to(r::complete_handler)))
    .service(web::resource("/referrals/{id}/withdraw").route(web::post().to(r::withdraw_handler)));
}

/// The document routes. The upload reads its body itself, as a stream under the
/// document limit (the JSON and payload limits of the other routes do not apply to it).
fn configure_documents(cfg: &mut web::ServiceConfig) {
    use documents as d;
    cfg.service(
        web::resource("/cases/{id}/documents")
            .route(web::get().to(d::list_documents_handler))
            .route(web::post().to(d::add_document_handler)),
    )
    .service(
        web::resource("/documents/{id}")
            .route(web::get().to(d::get_document_handler))
            .route(web::delete().to(d::remove_document_handler)),
    )
    .service(
        web::resource("/documents/{id}/content").route(web::get().to(d::download_document_handler)),
    )
    .service(
        web::resource("/documents/{id}/shared").route(web::put().to(d::share_document_handler)),
    );
}

impl<T> From<schakel_referral_workflow::views::Page<T>> for Page<T> {
    fn from(p: schakel_referral_workflow::views::Page<T>) -> Self {
        Self {
            items: p.items,
            next_cursor: p.next_cursor,
        }
    }
}
