//! `/api/v1/admin/outbox`: the admin's view of undeliverable notifications, and
//! sending one again.

use super::blocking;
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use schakel_auth::admin::delivery as uc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An outbox row given up on.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedEvent {
    /// Row id.
    pub id: String,
    /// `email` or `monitor`.
    pub channel: String,
    /// What it was about, e.g. `referral_received`.
    pub topic: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last error (never personal data).
    pub last_error: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was given up on.
    pub failed_at: Option<DateTime<Utc>>,
}

/// An email (to one recipient) given up on.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedEmail {
    /// Queued email id.
    pub id: String,
    /// The outbox row it came from.
    pub outbox_id: String,
    /// The recipient's user id.
    #[schema(value_type = String, format = Uuid)]
    pub user_id: schakel_domain::UserId,
    /// The message kind, e.g. `referral_decided`.
    pub topic: String,
    /// Attempts made.
    pub attempts: i32,
    /// The last error (never personal data).
    pub last_error: Option<String>,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
}

/// Everything given up on, newest first (at most 500 of each).
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedDeliveries {
    /// Outbox rows (e.g. an agency without any active recipient).
    pub events: Vec<FailedEvent>,
    /// Emails, one per recipient.
    pub emails: Vec<FailedEmail>,
}

/// Which deliveries to list.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Given up on after the configured attempts.
    Failed,
}

/// The list's filter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only `failed` is listed.
    #[param(inline)]
    pub state: DeliveryState,
}

/// Undeliverable notifications (admin).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin",
    security(("bearer" = [])),
    params(DeliveryQuery),
    responses(
        (status = 200, description = "What was given up on", body = FailedDeliveries),
        (status = 403, description = "Not an admin", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn failed_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let DeliveryState::Failed = query.into_inner().state;
    let ctx = request_context(&req, &state);
    let failed = blocking(&state, move |conn, now| {
        Ok(uc::failed(conn, &who.0, &ctx, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(FailedDeliveries {
        events: failed
            .outbox
            .into_iter()
            .map(|r| FailedEvent {
                id: r.id,
                channel: r.channel,
                topic: r.topic,
                attempts: r.attempts,
                last_error: r.last_error,
                created_at: r.created_at,
                failed_at: r.finished_at,
            })
            .collect(),
        emails: failed
            .mail
            .into_iter()
            .map(|m| FailedEmail {
                id: m.id,
                outbox_id: m.outbox_id,
                user_id: m.user_id,
                topic: m.topic,
                attempts: m.attempts,
                last_error: m.last_error,
                created_at: m.created_at,
            })
            .collect(),
    }))
}

/// Send a failed event or email again from its first attempt (admin). A failed
/// invitation cannot be: invite the user anew.
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "A failed event's or email's id")),
    responses(
        (status = 204, description = "Queued again"),
        (status = 404, description = "No failed delivery with this id, or not an admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "A failed invitation: invite anew", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn retry_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = request_context(&req, &state);
    blocking(&state, move |conn, now| {
        Ok(uc::retry(conn, &who.0, id, &ctx, now)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
