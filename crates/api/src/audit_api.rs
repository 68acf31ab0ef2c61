//! `/api/v1/audit` and `/api/v1/audit/verify`: the auditor reads and verifies the
//! audit trail. Each reading is itself recorded before anything is returned.
//!
//! Entries leave as ids and codes only: the client address an entry records is personal
//! data and stays in the database (and the `schakel audit` tools).

use crate::admin::blocking;
use crate::auth::{CurrentActor, request_context};
use crate::problem::Problem;
use crate::{ApiError, AppState, ProblemKind};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use schakel_audit::{
    ActionCode, ActionKind, AuditEntry, AuditFilter, MAX_FIELD_LEN, MAX_PAGE_SIZE, Outcome,
    PageRequest, VerifyReport,
};
use schakel_auth::admin::audit_trail;
use schakel_domain::{AgencyId, Role, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which entries to read; every filter that is set must match.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries by this user.
    #[param(value_type = Option<String>, format = Uuid)]
    pub actor_user_id: Option<UserId>,
    /// Entries by users of this agency.
    #[param(value_type = Option<String>, format = Uuid)]
    pub agency_id: Option<AgencyId>,
    /// Entries with this action code, e.g. `auth.login`.
    #[param(value_type = Option<String>, example = "auth.login", max_length = 64,
        pattern = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
    pub action: Option<ActionCode>,
    /// Entries of this kind: `C`, `R`, `U`, `D` or `E`.
    #[param(value_type = Option<ActionKind>)]
    pub action_kind: Option<ActionKind>,
    /// Entries with this outcome.
    #[param(value_type = Option<Outcome>)]
    pub outcome: Option<Outcome>,
    /// Entries about objects of this type, e.g. `user`.
    #[param(max_length = 200, pattern = "^[a-z0-9_]+$")]
    pub object_type: Option<String>,
    /// Entries about the object with this id (any text; one that no entry has simply
    /// matches nothing).
    #[param(max_length = 200)]
    pub object_id: Option<String>,
    /// Entries about this person: their pseudonym (64 hexadecimal characters, after
    /// `u:` for an unlinkable record), or `person:<id>` for a person without one.
    /// Matches the entry's subject and every person a list or search answer showed.
    #[param(
        max_length = 80,
        pattern = r"^((u:)?[0-9a-f]{64}|person:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
    )]
    pub subject: Option<String>,
    /// Entries at or after this time (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Entries older than this sequence number (the previous page's `next_before_seq`).
    #[param(minimum = 1)]
    pub before_seq: Option<i64>,
    /// Entries per page: 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

impl AuditQuery {
    /// The filter and page, or 400 when a value is out of range.
    pub(crate) fn parse(self) -> Result<(AuditFilter, PageRequest), ApiError> {
        let bad = || ApiError::Problem(ProblemKind::BadRequest);
        let within = |t: &String| t.chars().count() <= MAX_FIELD_LEN;
        if self.object_type.as_ref().is_some_and(|t| {
            t.is_empty()
                || !within(t)
                || !t
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        }) || self.object_id.as_ref().is_some_and(|t| !within(t))
            || self
                .subject
                .as_deref()
                .is_some_and(|t| !schakel_audit::is_subject_reference(t))
        {
            return Err(bad());
        }
        let limit = self.limit.unwrap_or(PageRequest::default().limit);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) || self.before_seq.is_some_and(|s| s < 1) {
            return Err(bad());
        }
        let filter = AuditFilter {
            actor_user_id: self.actor_user_id.map(|u| u.as_uuid()),
            actor_agency_id: self.agency_id,
            action: self.action,
            action_kind: self.action_kind,
            outcome: self.outcome,
            object_type: self.object_type,
            object_id: self.object_id,
            subject: self.subject,
            from: self.from,
            until: self.to,
        };
        let page = PageRequest {
            before_seq: self.before_seq,
            limit,
        };
        Ok((filter, page))
    }
}

/// Who acted.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditActorResponse {
    /// User id.
    pub user_id: UserId,
    /// The agency the user acted for.
    pub agency_id: AgencyId,
    /// The user's role at the time.
    pub role: Role,
    /// The user's display name now.
    pub display_name: Option<String>,
    /// The agency's name now.
    pub agency_name: Option<String>,
}

/// What was acted on.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditObjectResponse {
    /// Object type, e.g. `user`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id.
    pub id: String,
}

/// One entry of the trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryResponse {
    /// Position in the chain (1, 2, 3, ...); `null` while the entry is not yet sealed
    /// into the chain (on PostgreSQL, normally for under a second after it was made).
    pub seq: Option<i64>,
    /// Entry id.
    #[schema(format = Uuid)]
    pub id: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Who acted; absent for an unauthenticated attempt.
    pub actor: Option<AuditActorResponse>,
    /// The responsible user on whose behalf the actor acted.
    pub on_behalf_of: Option<UserId>,
    /// Action code, e.g. `auth.login`.
    pub action: String,
    /// C, R, U, D or E.
    pub action_kind: ActionKind,
    /// The object acted on.
    pub object: Option<AuditObjectResponse>,
    /// Purpose or legal basis (e.g. a referral id).
    pub purpose: Option<String>,
    /// Pseudonym of the person the data is about.
    pub subject_pseudonym: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// The request id, to match the logs.
    pub request_id: Option<String>,
    /// Further codes and ids.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// Hash of the entry before it; `null` until sealed.
    pub prev_hash: Option<String>,
    /// This entry's hash; `null` until sealed.
    pub hash: Option<String>,
}

impl AuditEntryResponse {
    /// The entry with the names of its actor from the page it came with.
    fn named(e: AuditEntry, trail: &audit_trail::Trail) -> Self {
        Self {
            seq: e.seq,
            id: e.id.to_string(),
            occurred_at: e.occurred_at,
            actor: e.actor.map(|a| AuditActorResponse {
                user_id: UserId::from(a.user_id),
                agency_id: a.agency_id,
                role: a.role,
                display_name: trail.user(a.user_id).map(str::to_owned),
                agency_name: trail.agency(a.agency_id).map(str::to_owned),
            }),
            on_behalf_of: e.on_behalf_of.map(UserId::from),
            action: e.action.as_str().to_owned(),
            action_kind: e.action_kind,
            object: e.object.map(|o| AuditObjectResponse {
                kind: o.kind,
                id: o.id,
            }),
            purpose: e.purpose,
            subject_pseudonym: e.subject_pseudonym,
            outcome: e.outcome,
            request_id: e.request_id,
            details: e.details,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// One page of entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageResponse {
    /// The entries, newest first: on the first page those not yet sealed, then by
    /// `seq`, highest first.
    pub entries: Vec<AuditEntryResponse>,
    /// Pass as `before_seq` for the next (older) page; absent on the last page.
    pub next_before_seq: Option<i64>,
}

/// Read the audit trail (auditor); the reading is itself recorded.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "One page of entries, newest first", body = AuditPageResponse),
        (status = 400, description = "A filter is not valid", content_type = "application/problem+json", body = Problem),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an auditor", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn audit_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let (filter, page) = query.into_inner().parse()?;
    let mut trail = blocking(&state, move |conn, now| {
        Ok(audit_trail::read_trail(
            conn, &who.0, &filter, page, &ctx, now,
        )?)
    })
    .await?;
    let entries = std::mem::take(&mut trail.page.entries);
    Ok(HttpResponse::Ok().json(AuditPageResponse {
        entries: entries
            .into_iter()
            .map(|e| AuditEntryResponse::named(e, &trail))
            .collect(),
        next_before_seq: trail.page.next_before_seq,
    }))
}

/// The first place where the chain is broken.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrokenEntryResponse {
    /// The `seq` of the broken (or missing) entry.
    pub seq: i64,
    /// What is wrong, as a code: `hash_mismatch`, `prev_hash_mismatch`, `inserted`,
    /// `missing`, `unexpected_seq`, ...
    pub reason: String,
    /// What is wrong, in words.
    pub description: String,
}

/// The outcome of a verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResponse {
    /// Whether the whole chain is intact.
    pub intact: bool,
    /// How many entries were found intact, from the first on.
    pub checked: u64,
    /// Hash of the last intact entry.
    pub last_hash: String,
    /// The first broken entry, if any.
    pub broken: Option<BrokenEntryResponse>,
}

impl From<VerifyReport> for VerifyResponse {
    fn from(r: VerifyReport) -> Self {
        let broken = r.broken.map(|b| BrokenEntryResponse {
            seq: b.seq,
            reason: serde_json::to_value(b.reason)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                .unwrap_or_default(),
            description: b.reason.to_string(),
        });
        Self {
            intact: broken.is_none(),
            checked: r.checked,
            last_hash: r.last_hash,
            broken,
        }
    }
}

/// Recompute the audit chain and name the first broken entry (auditor); recorded.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The verification report", body = VerifyResponse),
        (status = 401, description = "No complete session", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not an auditor", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn verify_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let ctx = request_context(&req, &state);
    let report = blocking(&state, move |conn, now| {
        Ok(audit_trail::verify_trail(conn, &who.0, &ctx, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(VerifyResponse::from(report)))
}

/// The audit routes (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/audit").route(web::get().to(audit_handler)))
        .service(web::resource("/audit/verify").route(web::get().to(verify_handler)));
}
