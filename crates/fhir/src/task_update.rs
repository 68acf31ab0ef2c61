//! The receiving agency answers a referral by changing its `Task`'s status — `PATCH`
//! with a JSON Patch (`replace` or `add` of `/status`, `/statusReason`, `/output`,
//! `/note`) or `PUT` of the whole `Task` — with `If-Match` on its version (`W/"n"`):
//! `accepted` accepts, `rejected` declines (the reason as `statusReason`),
//! `in-progress` starts, `completed` completes (the outcome as `output`), and the
//! sender's `cancelled` withdraws. Each is the workflow's own transition, with its
//! checks, audit entry, emails and monitor event.

use crate::inbound::read::{bad, concept};
use crate::referrals::{Face, answer, read_one};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_api::auth::CurrentActor;
use schakel_api::{ApiError, AppState, with_env};
use schakel_domain::{DeclineReason, ReferralAction, ReferralId, ReferralOutcome};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::referrals::{ActionInput, act};
use serde_json::Value;

/// The version named in `If-Match`: one entity tag, weak (`W/"n"`) or strong (`"n"`).
fn if_match(req: &HttpRequest) -> IfMatch {
    let mut values = req.headers().get_all(header::IF_MATCH);
    let Some(value) = values.next() else {
        return IfMatch::Missing;
    };
    if values.next().is_some() {
        return IfMatch::NeverMatches;
    }
    let Ok(text) = value.to_str().map(str::trim) else {
        return IfMatch::NeverMatches;
    };
    let text = text.strip_prefix("W/").unwrap_or(text);
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<i64>().ok())
        .map_or(IfMatch::NeverMatches, IfMatch::Version)
}

/// What a change of a Task asks.
#[derive(Debug, Default)]
struct Change<'a> {
    status: Option<&'a str>,
    reason: Option<&'a Value>,
    output: Option<&'a Value>,
    note: Option<&'a Value>,
}

fn action_of(status: &str, path: &str) -> Result<ReferralAction, ApiError> {
    Ok(match status {
        "accepted" => ReferralAction::Accept,
        "rejected" => ReferralAction::Decline,
        "in-progress" => ReferralAction::Start,
        "completed" => ReferralAction::Complete,
        "cancelled" => ReferralAction::Withdraw,
        _ => {
            return Err(bad(
                path,
                "expected accepted, rejected, in-progress, completed or cancelled",
            ));
        }
    })
}

/// The action and what it carries.
fn input_of(change: &Change<'_>, at: &str) -> Result<(ReferralAction, ActionInput), ApiError> {
    let status = change
        .status
        .ok_or_else(|| bad(&format!("{at}status"), "expected the new status"))?;
    let action = action_of(status, &format!("{at}status"))?;
    let mut input = ActionInput::default();
    if let Some(reason) = change.reason {
        input.reason = Some(
            concept::<DeclineReason>(reason, "decline-reason", &format!("{at}statusReason"))?
                .ok_or_else(|| {
                    bad(
                        &format!("{at}statusReason"),
                        "expected a coding of decline-reason",
                    )
                })?,
        );
    }
    if let Some(output) = change.output {
        let first = output
            .as_array()
            .and_then(|o| o.first())
            .ok_or_else(|| bad(&format!("{at}output"), "expected one output"))?;
        input.outcome = Some(
            concept::<ReferralOutcome>(
                &first["valueCodeableConcept"],
                "referral-outcome",
                &format!("{at}output[0].valueCodeableConcept"),
            )?
            .ok_or_else(|| {
                bad(
                    &format!("{at}output[0]"),
                    "expected a coding of referral-outcome",
                )
            })?,
        );
    }
    if let Some(note) = change.note {
        let text = note
            .as_array()
            .and_then(|n| n.last())
            .and_then(|n| n["text"].as_str())
            .ok_or_else(|| bad(&format!("{at}note"), "expected a note with text"))?;
        input.note = Some(text.to_owned());
    }
    Ok((action, input))
}

/// The change a JSON Patch asks.
fn patched(ops: &Value) -> Result<Change<'_>, ApiError> {
    let ops = ops
        .as_array()
        .ok_or_else(|| bad("", "expected a JSON Patch: an array of operations"))?;
    let mut change = Change::default();
    for (i, op) in ops.iter().enumerate() {
        let at = format!("[{i}]");
        match op["op"].as_str() {
            Some("replace" | "add") => {}
            Some("test") => continue,
            _ => return Err(bad(&format!("{at}.op"), "expected replace, add or test")),
        }
        let value = op
            .get("value")
            .ok_or_else(|| bad(&format!("{at}.value"), "expected a value"))?;
        match op["path"].as_str() {
            Some("/status") => {
                change.status = Some(
                    value
                        .as_str()
                        .ok_or_else(|| bad(&format!("{at}.value"), "expected a status"))?,
                );
            }
            Some("/statusReason") => change.reason = Some(value),
            Some("/output") => change.output = Some(value),
            Some("/note") => change.note = Some(value),
            _ => {
                return Err(bad(
                    &format!("{at}.path"),
                    "expected /status, /statusReason, /output or /note",
                ));
            }
        }
    }
    Ok(change)
}

async fn apply(
    who: CurrentActor,
    req: &HttpRequest,
    state: &web::Data<AppState>,
    id: ReferralId,
    (action, input): (ReferralAction, ActionInput),
) -> Result<HttpResponse, ApiError> {
    let version = if_match(req);
    let actor = who.0;
    with_env(state, req, move |conn, env| {
        Ok(act(conn, env, &actor, id, version, action, &input)?)
    })
    .await?;
    let (view, subject) = read_one(actor, req, state, id).await?;
    Ok(answer(Face::Task, &view, subject))
}

/// `PATCH /fhir/R4/Task/{id}` with a JSON Patch.
pub async fn patch_task(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ReferralId>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let change = patched(&body)?;
    let asked = input_of(&change, "/")?;
    apply(who, &req, &state, id.into_inner(), asked).await
}

/// `PUT /fhir/R4/Task/{id}` with the whole Task: its status, `statusReason`, `output`
/// and `note` are read; the rest is the referral's and stays as it is.
pub async fn put_task(
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ReferralId>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let task = body.into_inner();
    if task["resourceType"] != "Task" {
        return Err(bad("Task.resourceType", "expected Task"));
    }
    if task["id"].as_str() != Some(id.to_string().as_str()) {
        return Err(bad("Task.id", "expected the id of the URL"));
    }
    let change = Change {
        status: task["status"].as_str(),
        reason: task.get("statusReason"),
        output: task.get("output"),
        note: task.get("note"),
    };
    let (current, subject) = read_one(who.0, &req, &state, id).await?;
    if change.status == Some(crate::codes::task_status(current.state)) {
        // No change of status: nothing to do.
        return Ok(answer(Face::Task, &current, subject));
    }
    let asked = input_of(&change, "Task.")?;
    apply(who, &req, &state, id, asked).await
}
