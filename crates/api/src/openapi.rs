//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::HttpResponse;
use utoipa::OpenApi;

/// The API description served at `/api/v1/openapi.json`.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Schakel API",
        description = "Cross-agency case referral against human trafficking. Errors are application/problem+json with a stable type code.",
        license(name = "EUPL-1.2"),
    ),
    paths(
        crate::health::healthz,
        crate::health::readyz,
        crate::metrics::metrics,
        openapi_json,
        crate::auth::handlers::login_handler,
        crate::auth::handlers::refresh_handler,
        crate::auth::handlers::logout_handler,
        crate::auth::handlers::enrol_handler,
        crate::auth::handlers::verify_handler,
        crate::auth::handlers::me_handler,
        crate::auth::handlers::change_password_handler,
        crate::admin::users::accept_invitation_handler,
        crate::admin::agencies::list_agencies_handler,
        crate::admin::agencies::create_agency_handler,
        crate::admin::agencies::get_agency_handler,
        crate::admin::agencies::update_agency_handler,
        crate::admin::agencies::deactivate_agency_handler,
        crate::admin::users::list_users_handler,
        crate::admin::users::invite_user_handler,
        crate::admin::users::get_user_handler,
        crate::admin::users::update_user_handler,
        crate::admin::users::deactivate_user_handler,
        crate::admin::users::reactivate_user_handler,
        crate::directory::directory_handler,
        crate::audit_api::audit_handler,
        crate::audit_api::verify_handler,
    ),
    modifiers(&BearerAuth),
    components(schemas(crate::problem::Problem, crate::health::HealthResponse)),
    tags(
        (name = "operations", description = "Health, readiness, metrics and this document"),
        (name = "auth", description = "Login, second factor, tokens and one's own account"),
        (name = "admin", description = "Agencies and accounts (admin only)"),
        (name = "directory", description = "Active agencies to refer to"),
        (name = "audit", description = "The audit trail and its verification (auditor only)"),
    ),
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme the secured operations name.
#[derive(Debug)]
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
