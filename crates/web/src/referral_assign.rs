//! Who at the receiving agency is responsible for a referral it accepted, on the
//! referral page: its coordinators choose one of the agency's active caseworkers and
//! coordinators (or nobody), `POST /referrals/{id}/assignee` with the version of the
//! referral the form was made from. Saved, the referral page shows the new name. A
//! referral changed meanwhile or no longer accepted, or a worker who can no longer be
//! chosen, comes back as the referral page with a message, and nothing is changed. The
//! use case decides who may: a caseworker is refused (403), anyone but the receiving
//! agency is answered as for a referral that does not exist (404).

use crate::WebState;
use crate::case_assignees::NOBODY;
use crate::forms::{Failure, Fields, with_env};
use crate::pages::{Nav, not_found, see_other};
use crate::referrals::{load, with_alert};
use crate::signed::SignedForm;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{Action, ReferralId, Relationship, UserId};
use schakel_referral_workflow::referrals::{AssignReferralInput, assign_referral};
use schakel_referral_workflow::{Conflict, IfMatch};

/// Who the form makes responsible: nobody, a worker, or `None` when it names neither.
fn parse(f: &Fields) -> Option<AssignReferralInput> {
    match f.one("assignee") {
        NOBODY => Some(AssignReferralInput { user_id: None }),
        id => id
            .parse::<UserId>()
            .ok()
            .map(|u| AssignReferralInput { user_id: Some(u) }),
    }
}

/// The message of a change refused.
fn alert(x: &Failure) -> Option<&'static str> {
    match x {
        Failure::Invalid(_) => Some("case.assign_invalid"),
        Failure::Conflict(Some(Conflict::NotAccepted)) => Some("referral.not_accepted"),
        Failure::Conflict(_) => Some("referral.changed"),
        _ => None,
    }
}

/// `POST /referrals/{id}/assignee`.
pub async fn assign(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Ok(id) = path.parse::<ReferralId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let version = f
        .one("version")
        .parse::<i64>()
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let done = match parse(&f) {
        Some(input) => {
            let actor = v.actor;
            with_env(&req, &state, move |conn, env| {
                Ok(assign_referral(conn, env, &actor, id, version, &input)?)
            })
            .await
        }
        None if !v
            .actor
            .may(Action::AssignCase, Relationship::ReceivingAgency) =>
        {
            return Failure::Forbidden.page(&v);
        }
        None => Err(Failure::Invalid("assignee")),
    };
    let message = match done {
        Ok(_) => return see_other(&format!("/referrals/{id}#assign")),
        Err(x) => match alert(&x) {
            Some(m) => m,
            None => return x.page(&v),
        },
    };
    match load(&req, &state, v.actor, id).await {
        Ok(r) => with_alert(&req, &state, &v, &r, message).await,
        Err(x) => x.page(&v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_have_their_messages() {
        let invalid = Failure::Invalid("assignee");
        assert_eq!(alert(&invalid), Some("case.assign_invalid"));
        let late = Failure::Conflict(Some(Conflict::NotAccepted));
        assert_eq!(alert(&late), Some("referral.not_accepted"));
        assert_eq!(alert(&Failure::Conflict(None)), Some("referral.changed"));
        assert_eq!(alert(&Failure::Hidden), None);
    }
}
