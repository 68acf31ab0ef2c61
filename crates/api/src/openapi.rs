//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::HttpResponse;
use utoipa::OpenApi;

use crate::openapi_ids::OperationIds;
use crate::openapi_links::add_links;

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
        crate::auth::client_token::client_token_handler,
        crate::admin::clients::create_client_handler,
        crate::admin::clients::rotate_client_secret_handler,
        crate::auth::handlers::refresh_handler,
        crate::auth::handlers::logout_handler,
        crate::auth::mfa::enrol_handler,
        crate::auth::mfa::verify_handler,
        crate::auth::handlers::me_handler,
        crate::auth::handlers::preferences_handler,
        crate::auth::handlers::change_password_handler,
        crate::auth::sessions::list_sessions_handler,
        crate::auth::sessions::end_session_handler,
        crate::auth::recovery_codes::left_handler,
        crate::auth::recovery_codes::issue_handler,
        crate::auth::invitation::accept_invitation_handler,
        crate::auth::recovery::request_reset_handler,
        crate::monitor_api::counts_handler,
        crate::monitor_api::flows_handler,
        crate::monitor_api::overlap_handler,
        crate::monitor_estimate_api::estimate_handler,
        crate::monitor_htcds_api::htcds_handler,
        crate::monitor_offenders_api::offenders_handler,
        crate::law_enforcement::open_investigation_handler,
        crate::law_enforcement::list_investigations_handler,
        crate::law_enforcement::get_investigation_handler,
        crate::law_enforcement::add_suspect_handler,
        crate::law_enforcement::get_suspect_handler,
        crate::law_enforcement::link_victim_handler,
        crate::law_enforcement::unlink_victim_handler,
        crate::law_enforcement::refer_suspect_handler,
        crate::law_enforcement::decision_handler,
        crate::law_enforcement::judgment_handler,
        crate::law_enforcement::list_suspect_referrals_handler,
        crate::law_enforcement::act_on_suspect_referral_handler,
        crate::auth::recovery::complete_reset_handler,
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
        crate::admin::privilege::reset_handler,
        crate::admin::privilege::list_handler,
        crate::admin::privilege::get_handler,
        crate::admin::privilege::approve_handler,
        crate::admin::privilege::reject_handler,
        crate::admin::delivery::failed_handler,
        crate::admin::delivery::retry_handler,
        crate::directory::directory_handler,
        crate::directory_profile::get_profile_handler,
        crate::directory_profile::put_profile_handler,
        crate::directory_hsds::hsds_handler,
        crate::audit_api::audit_handler,
        crate::audit_api::verify_handler,
        crate::casework::signals::create_signal_handler,
        crate::casework::signals::list_signals_handler,
        crate::casework::signals::get_signal_handler,
        crate::casework::cases::open_case_handler,
        crate::casework::cases::list_cases_handler,
        crate::casework::cases::get_case_handler,
        crate::casework::cases::timeline_handler,
        crate::casework::cases::close_case_handler,
        crate::casework::cases::reopen_case_handler,
        crate::casework::rights::person_record_handler,
        crate::casework::rights::restrict_handler,
        crate::casework::rights::lift_restriction_handler,
        crate::casework::rights::erasure_handler,
        crate::casework::corrections::correct_case_handler,
        crate::casework::assignment::assign_case_handler,
        crate::casework::assignment::caseload_handler,
        crate::casework::dashboard::dashboard_handler,
        crate::casework::onward::open_case_from_referral_handler,
        crate::casework::corrections::case_history_handler,
        crate::casework::onward::case_chain_handler,
        crate::casework::assignment::assign_referral_handler,
        crate::casework::drafts::list_drafts_handler,
        crate::casework::drafts::create_draft_handler,
        crate::casework::drafts::get_draft_handler,
        crate::casework::drafts::save_draft_handler,
        crate::casework::drafts::delete_draft_handler,
        crate::casework::cases::record_consent_handler,
        crate::casework::cases::withdraw_consent_handler,
        crate::casework::notes::add_note_handler,
        crate::casework::notes::list_notes_handler,
        crate::casework::notes::edit_note_handler,
        crate::casework::documents::add_document_handler,
        crate::casework::documents::list_documents_handler,
        crate::casework::documents::get_document_handler,
        crate::casework::documents::download_document_handler,
        crate::casework::documents::share_document_handler,
        crate::casework::documents::remove_document_handler,
        crate::casework::referrals::create_referral_handler,
        crate::casework::referrals::list_referrals_handler,
        crate::casework::referrals::get_referral_handler,
        crate::casework::referrals::accept_handler,
        crate::casework::referrals::decline_handler,
        crate::casework::referrals::redirect_handler,
        crate::casework::referrals::start_handler,
        crate::casework::referrals::complete_handler,
        crate::casework::referrals::withdraw_handler,
        crate::audit_export_api::export_handler,
        crate::audit_export_api::subject_handler,
        crate::emergency_api::open_handler,
        crate::emergency_api::list_handler,
        crate::emergency_api::summary_handler,
        crate::emergency_api::get_handler,
        crate::emergency_api::review_handler,
    ),
    modifiers(&BearerAuth, &StandardErrors, &OperationIds),
    components(schemas(crate::problem::Problem, crate::health::HealthResponse)),
    tags(
        (name = "operations", description = "Health, readiness, metrics and this document"),
        (name = "auth", description = "Login, second factor, tokens and one's own account"),
        (name = "admin", description = "Agencies and accounts (admin only)"),
        (name = "directory", description = "Active agencies to refer to, their profiles, and the directory in the Open Referral format"),
        (name = "audit", description = "The audit trail and its verification (auditor only)"),
        (name = "signals", description = "Signals of possible trafficking (caseworkers, coordinators)"),
        (name = "cases", description = "Cases, their consents and timeline"),
        (name = "documents", description = "Documents on a case: uploaded, scanned for malware, downloaded, shared"),
        (name = "referrals", description = "Referrals between agencies and their decisions"),
        (name = "drafts", description = "Drafts of the case-work forms, each its author's alone"),
        (name = "investigations", description = "The law-enforcement compartment: investigations, suspects, their links to victims, suspects handed to the prosecution, its decisions and the judgments (law-enforcement agencies only)"),
        (name = "emergency", description = "Emergency access to a case (\"breaking the glass\") and the auditors' review of it"),
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
pub async fn openapi_json() -> Result<HttpResponse, crate::problem::ApiError> {
    let doc = document().map_err(|e| crate::problem::ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().json(doc))
}

/// The served document: the generated one with the links between operations.
pub fn document() -> Result<serde_json::Value, serde_json::Error> {
    let mut doc = serde_json::to_value(ApiDoc::openapi())?;
    add_links(&mut doc);
    Ok(doc)
}

/// The operations that hash a password: beyond `auth.hash_queue` waiting checks they
/// answer `503 busy` with `Retry-After`.
const CHECKS_A_PASSWORD: [&str; 5] = [
    "/api/v1/auth/login",
    "/api/v1/auth/mfa/enrol",
    "/api/v1/auth/invitation",
    "/api/v1/auth/password-reset/complete",
    "/api/v1/me/password",
];

/// Adds the error answers every operation of a kind can give, so each handler's
/// annotation lists only its own: bodies can be malformed (400), too large (413), of
/// the wrong type (415) or of the wrong shape (422); secured operations answer 401
/// without a live session; the authentication endpoints answer 429 over the rate limit,
/// and those that check a password 503 when too many checks wait.
#[derive(Debug)]
struct StandardErrors;

impl utoipa::Modify for StandardErrors {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::Operation;
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        let add = |op: &mut Operation, code: &str, description: &str| {
            op.responses
                .responses
                .entry(code.to_owned())
                .or_insert_with(|| problem(description).into());
        };
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in ops.into_iter().flatten() {
                if op.request_body.is_some() {
                    add(op, "400", "The body is not well-formed JSON");
                    add(op, "413", "The body is too large");
                    add(op, "415", "The body is not application/json");
                    add(
                        op,
                        "422",
                        "The body does not match the expected fields and values",
                    );
                }
                if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                    add(op, "400", "A parameter is not valid");
                }
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add(
                        op,
                        "401",
                        "No live session, or its second factor is still missing",
                    );
                }
                if path.starts_with("/api/v1/auth/") {
                    add(
                        op,
                        "429",
                        "Too many requests from this client; see Retry-After",
                    );
                }
                if CHECKS_A_PASSWORD.contains(&path.as_str()) {
                    add(
                        op,
                        "503",
                        "Too many password checks waiting (busy); try again after Retry-After",
                    );
                }
            }
        }
    }
}
