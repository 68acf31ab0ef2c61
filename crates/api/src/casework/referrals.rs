//! `/api/v1/referrals` and `/api/v1/cases/{id}/referrals`: send, list, read and act on
//! referrals.

use super::{Page, created, idempotency_key, if_match, input, with_env, with_etag};
use crate::auth::CurrentActor;
use crate::problem::{Problem, ProblemKind};
use crate::{ApiError, AppState};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, ReferralAction, ReferralId, ReferralState};
use schakel_referral_workflow::referrals::{self as uc, ActionInput, ReferralBox, ReferralInput};
use schakel_referral_workflow::views::ReferralView;
use serde::Deserialize;

fn one(res: actix_web::HttpResponseBuilder, r: ReferralView) -> HttpResponse {
    let version = r.version;
    with_etag(res, version).json(r)
}

/// Refer a case of the agency to another agency's inbox.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", tag = "referrals", request_body = ReferralInput,
    security(("bearer" = [])),
    params(
        ("id" = CaseId, Path, description = "Case id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body answer the first response"),
    ),
    responses(
        (status = 201, description = "Sent", body = ReferralView,
            headers(("ETag" = String, description = "The version, quoted"), ("Location" = String, description = "The new referral"))),
        (status = 404, description = "No such case at the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The case is closed, or the agency cannot receive it", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid, or the key was used for another request", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn create_referral_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<CaseId>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let case = id.into_inner();
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let referral: ReferralInput = input(&body)?;
    let result = with_env(&state, &req, move |conn, env| {
        Ok(uc::create_referral(
            conn,
            env,
            &who.0,
            case,
            &referral,
            key.as_ref(),
        )?)
    })
    .await?;
    Ok(created(
        result,
        |r| format!("/api/v1/referrals/{}", r.id),
        |r| Some(r.version),
    ))
}

/// Which referrals to list.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoxParam {
    /// Received by the actor's agency (its inbox).
    Incoming,
    /// Sent by the actor's agency.
    Outgoing,
}

/// Filters and paging of the referral list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReferralQuery {
    /// Incoming (the agency's inbox) or outgoing.
    #[serde(rename = "box")]
    #[param(rename = "box", inline)]
    pub which: BoxParam,
    /// Only referrals in this state.
    pub state: Option<ReferralState>,
    /// Only the open referrals (sent, accepted, in progress; earliest deadline first),
    /// or with `false` only the ended ones (latest deadline first). With `state` as
    /// well, both must hold (an ended state with `open=true` lists nothing).
    pub open: Option<bool>,
    /// Only the incoming referrals with this responsible worker of the agency: `me`
    /// ("my referrals"), `none` (nobody is), or a user id. Not for the outgoing box.
    #[param(pattern = r"^(me|none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]
    pub assigned_to: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(
        pattern = r"^[0-9]{1,16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The agency's incoming or outgoing referrals, by deadline.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "referrals",
    security(("bearer" = [])),
    params(ReferralQuery),
    responses(
        (status = 200, description = "A page of referrals", body = Page<ReferralView>),
        (status = 403, description = "The role may not read referrals", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "The cursor or limit is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_referrals_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ReferralQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let which = match q.which {
        BoxParam::Incoming => ReferralBox::Incoming,
        BoxParam::Outgoing => ReferralBox::Outgoing,
    };
    let states = match (q.state, q.open) {
        (None, None) => uc::StateSet::All,
        (Some(s), None) => uc::StateSet::Only(s),
        (None, Some(true)) => uc::StateSet::Open,
        (None, Some(false)) => uc::StateSet::Closed,
        (Some(s), Some(open)) if s.is_open() == open => uc::StateSet::Only(s),
        (Some(_), Some(_)) => uc::StateSet::Nothing,
    };
    let assigned_to = q
        .assigned_to
        .as_deref()
        .map(str::parse::<schakel_referral_workflow::cases::Assignee>)
        .transpose()
        .map_err(ApiError::from)?;
    let filter = uc::ReferralFilter {
        states,
        assigned_to,
    };
    let page = with_env(&state, &req, move |conn, env| {
        Ok(uc::list_referrals(
            conn,
            env,
            &who.0,
            which,
            filter,
            q.cursor.as_deref(),
            q.limit,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::from(page)))
}

/// One referral: the receiver sees the summary, the sender all of it.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "referrals",
    security(("bearer" = [])),
    params(("id" = ReferralId, Path, description = "Referral id")),
    responses(
        (status = 200, description = "The referral", body = ReferralView,
            headers(("ETag" = String, description = "The version, quoted"))),
        (status = 404, description = "No such referral, or not visible to the actor", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn get_referral_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ReferralId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let r = with_env(&state, &req, move |conn, env| {
        Ok(uc::get_referral(conn, env, &who.0, id)?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), r))
}

/// The optional JSON body of an action: empty (or `null`) means no fields.
/// The optional JSON body of an action: empty is the default; anything else must be a
/// JSON object of the right shape, sent as JSON.
pub(crate) fn action_body<T: serde::de::DeserializeOwned + Default>(
    req: &HttpRequest,
    body: &web::Bytes,
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim().to_ascii_lowercase();
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        });
    if !json {
        return Err(ApiError::Problem(ProblemKind::UnsupportedMediaType));
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| ApiError::Problem(ProblemKind::MalformedJson))?;
    input(&value)
}

async fn act(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: ReferralId,
    action: ReferralAction,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let precondition = if_match(&req);
    let fields: ActionInput = action_body(&req, &body)?;
    let r = with_env(&state, &req, move |conn, env| {
        Ok(uc::act(
            conn,
            env,
            &who.0,
            id,
            precondition,
            action,
            &fields,
        )?)
    })
    .await?;
    Ok(one(HttpResponse::Ok(), r))
}

macro_rules! action_handler {
    ($name:ident, $action:expr, $path:literal, $doc:literal, $body:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "referrals",
            request_body(content = Option<ActionInput>, description = $body, content_type = "application/json"),
            security(("bearer" = [])),
            params(
                ("id" = ReferralId, Path, description = "Referral id"),
                ("If-Match" = String, Header, description = "The referral's `ETag` last read"),
            ),
            responses(
                (status = 200, description = "Done", body = ReferralView,
                    headers(("ETag" = String, description = "The new version, quoted"))),
                (status = 403, description = "The actor sees the referral but its role may not do this", content_type = "application/problem+json", body = Problem),
                (status = 404, description = "No such referral, or not visible to the actor", content_type = "application/problem+json", body = Problem),
                (status = 409, description = "The referral's state or the actor's side does not allow this", content_type = "application/problem+json", body = Problem),
                (status = 412, description = "The referral changed since that version", content_type = "application/problem+json", body = Problem),
                (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
            ))]
        pub async fn $name(
            who: CurrentActor,
            req: HttpRequest,
            state: web::Data<AppState>,
            id: web::Path<ReferralId>,
            body: web::Bytes,
        ) -> Result<HttpResponse, ApiError> {
            act(who, req, state, id.into_inner(), $action, body).await
        }
    };
}

action_handler!(
    accept_handler,
    ReferralAction::Accept,
    "/api/v1/referrals/{id}/accept",
    "Accept a referral (the receiving agency's coordinators); the case becomes visible.",
    "No fields"
);
action_handler!(
    decline_handler,
    ReferralAction::Decline,
    "/api/v1/referrals/{id}/decline",
    "Decline a referral with a reason (the receiving agency's coordinators).",
    "`reason`, and `note` when the reason is `other`"
);
action_handler!(
    redirect_handler,
    ReferralAction::Redirect,
    "/api/v1/referrals/{id}/redirect",
    "Redirect a referral to a third agency, which receives a new referral.",
    "`to_agency_id`, and an optional `note`"
);
action_handler!(
    start_handler,
    ReferralAction::Start,
    "/api/v1/referrals/{id}/start",
    "Mark an accepted referral as in progress (the receiving agency's coordinators).",
    "No fields"
);
action_handler!(
    complete_handler,
    ReferralAction::Complete,
    "/api/v1/referrals/{id}/complete",
    "Complete a referral with an outcome (the receiving agency's coordinators).",
    "`outcome`, and `note` when the outcome is `other`"
);
action_handler!(
    withdraw_handler,
    ReferralAction::Withdraw,
    "/api/v1/referrals/{id}/withdraw",
    "Withdraw a referral the agency sent, while it is open.",
    "An optional `note`"
);
