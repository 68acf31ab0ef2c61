//! What the referral page's forms do: accept, decline, redirect, start, complete and
//! withdraw, each through the workflow's one use case. Each form names the version it
//! was made from; a referral changed in the meantime is shown again as it now is, with
//! a message, and nothing is changed. A redirect to an agency the referral cannot go to,
//! or a decline without a reason (or with the reason `other` and no note), shows the
//! form again with a message. Withdrawing needs its confirmation field: without it the
//! page opens at the confirmation and nothing is changed. Done, the page says so
//! (`?done=…`).

use crate::WebState;
use crate::forms::Failure;
use crate::forms::{DirectoryQuery, Fields, Problems};
use crate::pages::{Nav, not_found, see_other};
use crate::referrals::{Asked, Typed, full_page, load};
use crate::session::context;
use crate::signed::SignedForm;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{AgencyId, DeclineReason, ReferralAction, ReferralId};
use schakel_referral_workflow::referrals::{ActionInput, act};
use schakel_referral_workflow::views::ReferralView;
use schakel_referral_workflow::{Env, IfMatch, UseCaseError};

/// `POST /referrals/{id}/{action}`.
pub async fn take(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let (id, action) = path.into_inner();
    let (Ok(id), Some(action)) = (id.parse::<ReferralId>(), action_of(&action)) else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    if action == ReferralAction::Withdraw && f.one("confirm") != "yes" {
        return see_other(&format!("/referrals/{id}?confirm=withdraw#withdraw"));
    }
    let bad_recipient = Again::Problem("to_agency", "invalid.recipient");
    if let Some(problem) = unfit_decline(&f, action) {
        return show_again(&req, &state, &v, id, typed(&f, action), problem).await;
    }
    let Some(input) = input_of(&f, action) else {
        return show_again(&req, &state, &v, id, typed(&f, action), bad_recipient).await;
    };
    // The version the form was made from; one that is no number matches none.
    let version = f
        .code::<i64>("version")
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    match perform(&req, &state, v.actor, id, version, action, input).await {
        Ok(Outcome::Done(r)) => {
            let full = action == ReferralAction::Decline
                && f.one("reason") == "no_capacity"
                && f.ticked("no_places");
            if full && let Err(e) = no_places(&req, &state, &v).await {
                return e.page(&v);
            }
            let said = if full { "declined_full" } else { done(action) };
            see_other(&format!("/referrals/{}?done={said}", r.id))
        }
        Ok(Outcome::Hidden) => not_found(v.texts(), Some(Nav::of(&v))),
        Ok(Outcome::BadAgency) => {
            show_again(&req, &state, &v, id, typed(&f, action), bad_recipient).await
        }
        Ok(Outcome::Refused) => {
            show_again(&req, &state, &v, id, typed(&f, action), Again::Changed).await
        }
        Err(e) => e.page(&v),
    }
}

/// What the forms showed, to show them again: the redirect form's filter and choice,
/// the decline form's reason (for a decline), and the note.
fn typed(f: &Fields, action: ReferralAction) -> Typed {
    Typed {
        q: DirectoryQuery::of(f.one("kind"), f.one("region")),
        chosen: f.one("to_agency").to_owned(),
        reason: if action == ReferralAction::Decline {
            f.one("reason").to_owned()
        } else {
            String::new()
        },
        note: f.raw("note"),
        e: Problems::default(),
    }
}

/// Why a decline form cannot be taken as it is: no reason chosen, or the reason `other`
/// without a note.
fn unfit_decline(f: &Fields, action: ReferralAction) -> Option<Again> {
    if action != ReferralAction::Decline {
        return None;
    }
    match f.code::<DeclineReason>("reason") {
        None => Some(Again::Problem("reason", "invalid.decline_reason")),
        Some(DeclineReason::Other) if f.text("note").is_none() => {
            Some(Again::Problem("note", "invalid.decline_note"))
        }
        Some(_) => None,
    }
}

/// The confirmation the page shows after `action` (`?done=…`).
fn done(action: ReferralAction) -> &'static str {
    match action {
        ReferralAction::Accept => "accepted",
        ReferralAction::Decline => "declined",
        ReferralAction::Redirect => "redirected",
        ReferralAction::Start => "started",
        ReferralAction::Complete => "completed",
        ReferralAction::Withdraw => "withdrawn",
        ReferralAction::Expire => "",
    }
}

/// After a decline for want of capacity, the agency's free places set to 0 (when it
/// reports places at all), as the decline form offers.
async fn no_places(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &crate::session::Viewer,
) -> Result<(), Failure> {
    crate::forms::as_viewer(req, state, v.actor, |conn, who, ctx, now| {
        schakel_auth::admin::profiles::report_no_places(conn, who, ctx, now)
    })
    .await
    .map(|_| ())
}

/// The use case's input from the form; `None` for a redirect that names no agency.
fn input_of(f: &Fields, action: ReferralAction) -> Option<ActionInput> {
    let redirect = action == ReferralAction::Redirect;
    let to_agency_id = f.code::<AgencyId>("to_agency");
    if redirect && to_agency_id.is_none() {
        return None;
    }
    Some(ActionInput {
        reason: f.code("reason"),
        outcome: f.code("outcome"),
        to_agency_id: to_agency_id.filter(|_| redirect),
        note: f.text("note"),
        assign_to: None,
    })
}

/// Takes `action` on the referral as of `version`, and says how it went.
async fn perform(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: schakel_domain::Actor,
    id: ReferralId,
    version: IfMatch,
    action: ReferralAction,
    input: ActionInput,
) -> Result<Outcome, Failure> {
    let (st, ctx) = (state.clone(), context(req));
    web::block(move || {
        let mut conn =
            schakel_store::get_conn(&st.pool).map_err(|e| Failure::Unavailable(e.to_string()))?;
        let env = Env {
            cfg: &st.workflow,
            ctx: &ctx,
            now: st.clock.now(),
        };
        let done = act(&mut conn, &env, &actor, id, version, action, &input);
        outcome_of(done, action == ReferralAction::Redirect)
    })
    .await
    .map_err(|e| Failure::Internal(e.to_string()))?
}

/// How an action went, as the page answers it: moved on, not to be seen, an agency the
/// referral cannot go to (for a `redirect`), or refused as the referral now is. Any
/// other failure is the platform's or the database's.
fn outcome_of(
    done: Result<ReferralView, UseCaseError>,
    redirect: bool,
) -> Result<Outcome, Failure> {
    match done.map_err(Failure::from) {
        Ok(r) => Ok(Outcome::Done(Box::new(r))),
        Err(Failure::Hidden) => Ok(Outcome::Hidden),
        Err(
            Failure::Invalid("to_agency_id")
            | Failure::Conflict(Some(schakel_referral_workflow::Conflict::Recipient)),
        ) if redirect => Ok(Outcome::BadAgency),
        Err(Failure::Conflict(_) | Failure::Invalid(_) | Failure::Forbidden) => {
            Ok(Outcome::Refused)
        }
        Err(e @ (Failure::Internal(_) | Failure::Unavailable(_))) => Err(e),
    }
}

/// Why the referral page is shown again after a form instead of moving on.
enum Again {
    /// A field the form cannot be taken with (the redirect named no agency the referral
    /// may go to, the decline no reason): the form again as typed, with the message
    /// (a catalog key) next to the field.
    Problem(&'static str, &'static str),
    /// The referral changed in the meantime, or the action no longer applies: the page
    /// as it now is, with a message.
    Changed,
}

/// The referral page again as the referral now is, for `why`, with the forms as
/// `typed`; not found when the viewer may no longer see it.
async fn show_again(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &crate::session::Viewer,
    id: ReferralId,
    mut typed: Typed,
    why: Again,
) -> HttpResponse {
    let r = match load(req, state, v.actor, id).await {
        Ok(r) => r,
        Err(x) => return x.page(v),
    };
    let changed = match why {
        Again::Problem(field, key) => {
            typed.e.add(field, key);
            false
        }
        Again::Changed => {
            typed.note.clear();
            typed.reason.clear();
            true
        }
    };
    full_page(req, state, v, &r, changed, typed, Asked::default()).await
}

/// How an action went.
enum Outcome {
    /// Done: the referral as it now is.
    Done(Box<ReferralView>),
    /// The viewer may not see the referral.
    Hidden,
    /// Refused as the referral now is (changed in the meantime, or not allowed now).
    Refused,
    /// A redirect to an agency the referral cannot go to.
    BadAgency,
}

/// The actions the page offers forms for.
fn action_of(s: &str) -> Option<ReferralAction> {
    Some(match s {
        "accept" => ReferralAction::Accept,
        "decline" => ReferralAction::Decline,
        "start" => ReferralAction::Start,
        "complete" => ReferralAction::Complete,
        "withdraw" => ReferralAction::Withdraw,
        "redirect" => ReferralAction::Redirect,
        _ => return None,
    })
}
