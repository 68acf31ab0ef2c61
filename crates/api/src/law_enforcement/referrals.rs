//! Suspects handed to the prosecution: sent by the investigating agency, listed by
//! sender and receiver, accepted, declined, started and completed by the prosecution's
//! coordinators, withdrawn by the sender; changes need `If-Match`.

use crate::auth::CurrentActor;
use crate::casework::{if_match, with_env, with_etag};
use crate::problem::Problem;
use crate::{ApiError, AppState};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{SuspectId, SuspectReferralId};
use schakel_referral_workflow::offenders::{
    self as uc, ReferSuspectInput, SuspectReferralAction, SuspectReferralAnswer,
    SuspectReferralView,
};
use serde::Deserialize;
use utoipa::IntoParams;

/// Hand a suspect of one's agency to a prosecution agency.
#[utoipa::path(post, path = "/api/v1/suspects/{id}/referrals", tag = "investigations",
    request_body = ReferSuspectInput, security(("bearer" = [])),
    params(("id" = SuspectId, Path, description = "Suspect id")),
    responses(
        (status = 201, description = "Sent", body = SuspectReferralView,
            headers(("ETag" = String, description = "The version, quoted"))),
        (status = 404, description = "No such suspect of the actor's agency", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Not an active prosecution agency, or the suspect is already with the prosecution", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A field is not valid", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn refer_suspect_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<SuspectId>,
    body: crate::body::Body<ReferSuspectInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.into_inner()?;
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::refer_suspect(conn, env, &who.0, id, &input)?)
    })
    .await?;
    let mut res = HttpResponse::Created();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/suspects/{id}")) {
        res.insert_header((header::LOCATION, v));
    }
    Ok(with_etag(res, view.version).json(view))
}

/// Which suspect referrals.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuspectReferralsQuery {
    /// `received` (default: the prosecution's inbox) or `sent`.
    #[param(pattern = r"^(received|sent)$")]
    pub r#box: Option<String>,
}

/// The suspect referrals one's agency received or sent, newest first.
#[utoipa::path(get, path = "/api/v1/suspect-referrals", tag = "investigations",
    params(SuspectReferralsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The referrals", body = Vec<SuspectReferralView>),
        (status = 400, description = "An unknown box", content_type = "application/problem+json", body = Problem),
        (status = 403, description = "Not a case worker of a law-enforcement agency", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn list_suspect_referrals_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<SuspectReferralsQuery>,
) -> Result<HttpResponse, ApiError> {
    let received = match q.into_inner().r#box.as_deref() {
        None | Some("received") => true,
        Some("sent") => false,
        Some(_) => return Err(ApiError::Problem(crate::ProblemKind::BadRequest)),
    };
    let list = with_env(&state, &req, move |conn, env| {
        Ok(uc::list_suspect_referrals(conn, env, &who.0, received)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Act on a suspect referral: `accept`, `decline` (with a `decline_reason`), `start`
/// or `complete` (the prosecution's coordinators), or `withdraw` (the investigating
/// agency). Needs `If-Match`.
#[utoipa::path(post, path = "/api/v1/suspect-referrals/{id}/{action}", tag = "investigations",
    request_body(content = Option<SuspectReferralAnswer>, description = "For `decline`: the reason"),
    security(("bearer" = [])),
    params(
        ("id" = SuspectReferralId, Path, description = "Suspect referral id"),
        ("action" = String, Path, description = "`accept`, `decline`, `start`, `complete` or `withdraw`", pattern = r"^(accept|decline|start|complete|withdraw)$"),
        ("If-Match" = String, Header, description = "The referral's `ETag` last read"),
    ),
    responses(
        (status = 200, description = "Changed", body = SuspectReferralView,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 403, description = "The actor's agency or role may not take this action", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No such referral of the actor's agency, or no such action", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The referral's state does not allow it", content_type = "application/problem+json", body = Problem),
        (status = 412, description = "The referral changed since that version", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A decline without its reason", content_type = "application/problem+json", body = Problem),
        (status = 428, description = "`If-Match` is missing", content_type = "application/problem+json", body = Problem),
    ))]
pub async fn act_on_suspect_referral_handler(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(SuspectReferralId, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = path.into_inner();
    let action = match action.as_str() {
        "accept" => SuspectReferralAction::Accept,
        "decline" => SuspectReferralAction::Decline,
        "start" => SuspectReferralAction::Start,
        "complete" => SuspectReferralAction::Complete,
        "withdraw" => SuspectReferralAction::Withdraw,
        _ => return Err(ApiError::NotFound),
    };
    let answer: SuspectReferralAnswer = crate::casework::referrals::action_body(&req, &body)?;
    let precondition = if_match(&req);
    let view = with_env(&state, &req, move |conn, env| {
        Ok(uc::act_on_suspect_referral(
            conn,
            env,
            &who.0,
            id,
            action,
            precondition,
            &answer,
        )?)
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok(), view.version).json(view))
}
