//! Extractors that turn the bearer token into the actor.
//!
//! [`CurrentActor`] is a complete session (second factor given); [`PendingActor`] also
//! accepts a session still waiting for its second factor, and is used only by the
//! second-factor endpoints and logout. A missing or bad token is 401; every check runs
//! against the session and user rows as they are now.

use crate::{ApiError, AppState, ProblemKind};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use schakel_auth::RequestContext;
use schakel_auth::session::Authenticated;
use schakel_domain::Actor;
use std::future::Future;
use std::pin::Pin;

/// The actor of a complete session.
#[derive(Debug, Clone, Copy)]
pub struct CurrentActor(pub Actor);

/// The actor of any live session, complete or waiting for its second factor.
#[derive(Debug, Clone, Copy)]
pub struct PendingActor(pub Authenticated);

/// The audit facts of a request: client address and request id.
pub fn request_context(req: &HttpRequest, state: &AppState) -> RequestContext {
    RequestContext {
        source_ip: super::client_ip(req, &state.auth.trusted_proxies),
        request_id: Some(crate::middleware::request_id_of(req)),
        user_agent: user_agent(req),
    }
}

/// The request's `User-Agent`, if it is readable text.
fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    let value = value.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

async fn authenticate(req: HttpRequest) -> Result<Authenticated, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal("no application state".into()))?;
    let token = bearer(&req).ok_or(ApiError::Problem(ProblemKind::Unauthorized))?;
    web::block(move || {
        let mut conn = schakel_store::get_conn(&state.pool)?;
        let now = state.clock.now();
        schakel_auth::session::authenticate(
            &mut conn,
            &state.auth.keyring,
            &state.auth.config,
            &token,
            now,
        )
        .map_err(ApiError::from)
    })
    .await?
}

impl FromRequest for PendingActor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(req).await.map(PendingActor) })
    }
}

impl FromRequest for CurrentActor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let a = authenticate(req).await?;
            if a.mfa_pending {
                return Err(ApiError::Problem(ProblemKind::MfaRequired));
            }
            Ok(CurrentActor(a.actor))
        })
    }
}
