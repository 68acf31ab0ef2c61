//! `/api/v1/audit/export` and `/api/v1/audit/subject`: the auditor takes the trail
//! away — every entry matching the filters, as JSON lines with the chain's fields (to
//! verify elsewhere) or as CSV — and finds the reference a person is named by in the
//! trail from a case of theirs or their identifiers ("who saw this person"). Both are
//! audited before anything is returned.

use crate::audit_api::AuditQuery;
use crate::auth::{CurrentActor, request_context};
use crate::blocking::blocking;
use crate::casework::with_env;
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use schakel_audit::{ActionCode, ActionKind, Outcome};
use schakel_auth::admin::audit_trail;
use schakel_domain::{AgencyId, UserId};
use schakel_referral_workflow::who_saw::{self, SubjectLookup, SubjectView};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The format of an export.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Which entries to export (the filters of `GET /api/v1/audit`) and how.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` or `jsonl`.
    #[param(inline)]
    pub format: ExportFormat,
    /// Entries by this user.
    #[param(value_type = Option<String>, format = Uuid)]
    pub actor_user_id: Option<UserId>,
    /// Entries by users of this agency.
    #[param(value_type = Option<String>, format = Uuid)]
    pub agency_id: Option<AgencyId>,
    /// Entries with this action code.
    #[param(value_type = Option<String>, example = "case.read", max_length = 64,
        pattern = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
    pub action: Option<ActionCode>,
    /// Entries of this kind.
    #[param(value_type = Option<ActionKind>)]
    pub action_kind: Option<ActionKind>,
    /// Entries with this outcome.
    #[param(value_type = Option<Outcome>)]
    pub outcome: Option<Outcome>,
    /// Entries about objects of this type.
    #[param(max_length = 200, pattern = "^[a-z0-9_]+$")]
    pub object_type: Option<String>,
    /// Entries about the object with this id.
    #[param(max_length = 200)]
    pub object_id: Option<String>,
    /// Entries about this person (as in `GET /api/v1/audit`).
    #[param(
        max_length = 80,
        pattern = r"^((u:)?[0-9a-f]{64}|person:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
    )]
    pub subject: Option<String>,
    /// Entries at or after this time (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

/// Export every entry matching the filters, oldest first (auditors; audited as
/// `audit.export`). `jsonl`: one JSON object per line with every stored column
/// (`seq`, `id`, `occurred_at` in the hashed form, the actor, `action`, `action_kind`,
/// the object, `purpose`, `subject_pseudonym`, `outcome`, `source_ip`, `request_id`,
/// `details` as the stored text, `prev_hash`, `hash`, `mac`, `format`), from which each
/// entry's hash can be recomputed and the chain checked elsewhere. `csv`: the same
/// columns and the actor's and agency's names. At most 100 000 entries
/// (`422 export_too_large` beyond: narrow the period).
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "audit",
    security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "The entries (CSV with `format=csv`, JSON lines with `format=jsonl`)", content(
            (String = "text/csv"),
            (String = "application/x-ndjson"),
        )),
        (status = 400, description = "A filter is not valid", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an auditor", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "`export_too_large`", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn export_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let format = q.format;
    let (filter, _) = AuditQuery {
        actor_user_id: q.actor_user_id,
        agency_id: q.agency_id,
        action: q.action,
        action_kind: q.action_kind,
        outcome: q.outcome,
        object_type: q.object_type,
        object_id: q.object_id,
        subject: q.subject,
        from: q.from,
        to: q.to,
        before_seq: None,
        limit: None,
    }
    .parse()?;
    let ctx = request_context(&req, &state);
    let label = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Jsonl => "jsonl",
    };
    let export = blocking(&state, move |conn, now| {
        Ok(audit_trail::export_trail(
            conn, &who.0, &filter, label, &ctx, now,
        )?)
    })
    .await?;
    let (body, content_type) = match format {
        ExportFormat::Csv => (
            schakel_audit::export::csv(&export.rows, |r| export.names(r))
                .map_err(ApiError::Internal)?,
            "text/csv; charset=utf-8",
        ),
        ExportFormat::Jsonl => (
            export
                .rows
                .iter()
                .map(schakel_audit::export::jsonl_line)
                .collect::<String>()
                .into_bytes(),
            "application/x-ndjson",
        ),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"schakel-audit.{label}\""),
        ))
        .body(body))
}

/// The reference the trail names a person by, from a case of theirs (`agency_id` and
/// `reference`) or from their identifiers (`family_name`, `date_of_birth`, `gender`,
/// and `given_names` as recorded); never their identity (auditors; audited as
/// `audit.subject_lookup` under that reference). Then `GET /api/v1/audit?subject=`
/// lists who saw them.
#[utoipa::path(post, path = "/api/v1/audit/subject", tag = "audit",
    request_body = SubjectLookup,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The reference", body = SubjectView),
        (status = 403, description = "Not an auditor", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No case of that agency has that reference", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "Neither a case nor enough identifiers", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn subject_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: crate::body::Body<SubjectLookup>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner()?;
    let found = with_env(&state, &req, move |conn, env| {
        Ok(who_saw::lookup_subject(conn, env, &who.0, &input)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The routes (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/audit/export").route(web::get().to(export_handler)))
        .service(web::resource("/audit/subject").route(web::post().to(subject_handler)));
}
