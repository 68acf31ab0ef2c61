//! The application: routes, extractor limits and the middleware stack.

use crate::middleware::{SafeRootSpan, add_request_id_header, render_problem, security_headers};
use crate::{
    ApiError, AppState, ProblemKind, admin, audit_api, auth, casework, directory, health, metrics,
    openapi,
};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::JsonPayloadError;
use actix_web::middleware::ErrorHandlers;
use actix_web::{App, HttpRequest, web};
use tracing_actix_web::TracingLogger;

/// The largest JSON body accepted, in bytes.
pub const JSON_LIMIT: usize = 64 * 1024;

/// The whole application over `state`.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    app_with(state, |_| {})
}

/// The application with more routes (e.g. the web pages) behind the same middleware,
/// extractor limits and error rendering.
pub fn app_with(
    state: AppState,
    extra: impl FnOnce(&mut web::ServiceConfig),
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let request_metrics = state.metrics.http_middleware();
    let rate_limit = state.auth.rate_limit.clone();
    App::new()
        .app_data(web::Data::new(state))
        .configure(configure_extractors)
        .configure(|cfg| routes(cfg, &rate_limit))
        .configure(extra)
        .default_service(web::to(not_found))
        .wrap(ErrorHandlers::new().default_handler(render_problem))
        .wrap(security_headers())
        .wrap(request_metrics)
        .wrap_fn(|req, srv| {
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                add_request_id_header(&mut res);
                Ok(res)
            }
        })
        .wrap(TracingLogger::<SafeRootSpan>::new())
}

fn routes(cfg: &mut web::ServiceConfig, rate_limit: &auth::RateLimit) {
    cfg.service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics::metrics)))
        .service(
            web::scope("/api/v1")
                .service(web::resource("/openapi.json").route(web::get().to(openapi::openapi_json)))
                .service(
                    web::scope("/auth")
                        .wrap(actix_governor::Governor::new(rate_limit))
                        .configure(auth::configure),
                )
                .configure(|cfg| auth::configure_me(cfg, rate_limit))
                .configure(admin::configure)
                .configure(casework::configure)
                .configure(directory::configure)
                .configure(crate::directory_profile::configure)
                .configure(crate::directory_hsds::configure)
                .configure(audit_api::configure)
                .configure(crate::audit_export_api::configure)
                .configure(crate::emergency_api::configure)
                .configure(crate::monitor_api::configure)
                .configure(crate::monitor_estimate_api::configure)
                .configure(crate::monitor_htcds_api::configure)
                .configure(crate::monitor_offenders_api::configure)
                .configure(crate::law_enforcement::configure),
        );
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// Body and parameter limits with their errors as problems: oversize → 413, wrong
/// content type → 415, malformed JSON → 400, well-formed JSON of the wrong shape → 422,
/// a bad query → 400, a malformed path id → 404 (as if it did not exist). A document's
/// upload is the one body these limits leave alone: its handler reads the raw stream under
/// its own cap, the document limit and 64 KiB (`casework::documents`).
pub fn configure_extractors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(JSON_LIMIT)
            .content_type_required(true)
            .error_handler(json_error),
    )
    .app_data(web::PayloadConfig::default().limit(JSON_LIMIT))
    .app_data(
        web::QueryConfig::default()
            .error_handler(|_, _| ApiError::Problem(ProblemKind::BadRequest).into()),
    )
    .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()));
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::PayloadError;
    let kind = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ProblemKind::PayloadTooLarge
        }
        JsonPayloadError::Payload(PayloadError::Overflow) => ProblemKind::PayloadTooLarge,
        JsonPayloadError::ContentType => ProblemKind::UnsupportedMediaType,
        JsonPayloadError::Deserialize(e) if e.is_data() => ProblemKind::InvalidBody,
        JsonPayloadError::Deserialize(_) => ProblemKind::MalformedJson,
        _ => ProblemKind::BadRequest,
    };
    ApiError::Problem(kind).into()
}
