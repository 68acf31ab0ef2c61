//! `POST /fhir/R4`: another system refers a person by a transaction `Bundle` (a
//! `Patient`, a `ServiceRequest`, a `Consent` and a `Task`), which becomes a signal, a
//! case, its consent and a referral in the receiving agency's inbox through the
//! workflow's intake — all of it or nothing, once per `Idempotency-Key`. The answer is
//! a `transaction-response` naming what each entry became, with a warning for what an
//! entry carried that Schakel does not keep.

use crate::bundle::base_url;
use crate::inbound::{self, Kind};
use crate::outcome::resource;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_api::auth::CurrentActor;
use schakel_api::{ApiError, AppState, idempotency_key, with_env};
use schakel_referral_workflow::idempotency::Created;
use schakel_referral_workflow::referrals::{IntakeView, intake};
use serde_json::{Value, json};

fn outcome_of(not_kept: &[String]) -> Option<Value> {
    if not_kept.is_empty() {
        return None;
    }
    let issues: Vec<Value> = not_kept
        .iter()
        .map(|path| {
            json!({
                "severity": "warning",
                "code": "informational",
                "diagnostics": "not kept: Schakel holds no such element",
                "expression": [path],
            })
        })
        .collect();
    Some(json!({ "resourceType": "OperationOutcome", "issue": issues }))
}

/// The answer to a transaction: each entry's new resource, in the request's order.
fn response(
    req: &HttpRequest,
    view: &IntakeView,
    entries: &[Kind],
    not_kept: &[Vec<String>],
    status: &str,
) -> Value {
    let base = base_url(req);
    let list: Vec<Value> = entries
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let (location, etag) = match kind {
                Kind::Patient => (format!("Patient/{}", view.person_id), None),
                Kind::Consent => (
                    view.consent_id
                        .map_or_else(String::new, |c| format!("Consent/{c}")),
                    None,
                ),
                Kind::ServiceRequest => (
                    format!("ServiceRequest/{}", view.referral_id),
                    Some(view.referral_version),
                ),
                Kind::Task => (
                    format!("Task/{}", view.referral_id),
                    Some(view.referral_version),
                ),
            };
            let mut response = json!({ "status": status, "location": location });
            if let Some(v) = etag {
                response["etag"] = json!(format!("W/\"{v}\""));
            }
            if let Some(o) = not_kept.get(i).and_then(|n| outcome_of(n)) {
                response["outcome"] = o;
            }
            json!({ "fullUrl": format!("{base}/{location}"), "response": response })
        })
        .collect();
    json!({ "resourceType": "Bundle", "type": "transaction-response", "entry": list })
}

/// The handler.
pub async fn transaction(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let key = idempotency_key(&req, &body)?;
    let today = state.clock.now().date_naive();
    let read = inbound::read(&body, today)?;
    let input = read.input;
    let made = with_env(&state, &req, move |conn, env| {
        Ok(intake(conn, env, &who.0, &input, key.as_ref())?)
    })
    .await?;
    // A replay answers what the first request made, each entry as already there.
    let (view, code) = match made {
        Created::New { value, .. } => (value, "201 Created"),
        Created::Replayed { body, .. } => {
            let view: IntakeView = serde_json::from_str(&body)
                .map_err(|e| ApiError::Internal(format!("a stored intake: {e}")))?;
            (view, "200 OK")
        }
    };
    let answer = response(&req, &view, &read.entries, &read.not_kept, code);
    Ok(resource(StatusCode::OK, &answer))
}
