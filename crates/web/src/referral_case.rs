//! Opening the agency's own case from a referral it received: `POST /referrals/{id}/case`
//! from the referral page, once the referral is accepted. Opened, the new case's page
//! confirms it; a referral not (or no longer) accepted, or one the agency already
//! opened its case from, comes back as the referral page with a message, and nothing is
//! changed. The use case answers anyone else as for a referral that does not exist.

use crate::WebState;
use crate::forms::{Failure, with_env};
use crate::pages::{Nav, not_found, see_other};
use crate::referrals::{load, with_alert};
use crate::signed::SignedForm;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::ReferralId;
use schakel_referral_workflow::Conflict;
use schakel_referral_workflow::cases::open_case_from_referral;

/// The message of an opening refused by the state of the referral.
fn alert(c: Option<Conflict>) -> &'static str {
    match c {
        Some(Conflict::CaseExists) => "referral.case_exists",
        Some(Conflict::NotAccepted) => "referral.not_accepted",
        _ => "referral.changed",
    }
}

/// `POST /referrals/{id}/case`.
pub async fn open(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, .. } = form;
    let Ok(id) = path.parse::<ReferralId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(open_case_from_referral(conn, env, &actor, id)?)
    })
    .await;
    let message = match done {
        Ok(case) => return see_other(&format!("/cases/{}?done=case_opened_onward", case.id)),
        Err(Failure::Conflict(c)) => alert(c),
        Err(x) => return x.page(&v),
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
    fn conflicts_have_their_messages() {
        assert_eq!(alert(Some(Conflict::CaseExists)), "referral.case_exists");
        assert_eq!(alert(Some(Conflict::NotAccepted)), "referral.not_accepted");
        assert_eq!(alert(None), "referral.changed");
    }
}
