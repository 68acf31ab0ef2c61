//! What a suspect referral's forms do, wherever they stand (the prosecution's inbox, the
//! suspect's page): accept, decline with a reason, start and complete (the
//! prosecution's coordinators), withdraw (the investigating agency, after its
//! confirmation), each through the workflow's one use case and from the version the
//! form was made from. A decline without a reason is a message at the field (nothing
//! changes); a referral changed in the meantime, or a step its state no longer allows,
//! is an alert; where each page goes next is the page's own business.

use crate::WebState;
use crate::forms::{Failure, Fields, with_env};
use crate::page_forms::FORM_KIND;
use actix_web::{HttpRequest, web};
use schakel_domain::{DeclineReason, SuspectId, SuspectReferralId};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::offenders::{
    SuspectReferralAction, SuspectReferralAnswer, act_on_suspect_referral,
};

/// How a step went, as a page answers it.
#[derive(Debug)]
pub(crate) enum Taken {
    /// Done: the referral's suspect, and the confirmation to show (`?done=…`).
    Done(SuspectId, &'static str),
    /// A field the form cannot be taken with: its name and message (422).
    Problem(&'static str, &'static str),
    /// Refused as the referral now is (a catalog key): the page again, 409.
    Alert(&'static str),
    /// Not for this viewer, or a failure: the error page.
    Page(Failure),
}

/// The step a form names (`form_kind`).
pub(crate) fn action_of(kind: &str) -> Option<SuspectReferralAction> {
    Some(match kind {
        "accept" => SuspectReferralAction::Accept,
        "decline" => SuspectReferralAction::Decline,
        "start" => SuspectReferralAction::Start,
        "complete" => SuspectReferralAction::Complete,
        "withdraw" => SuspectReferralAction::Withdraw,
        _ => return None,
    })
}

/// The confirmation after `action` (`?done=…`).
fn done(action: SuspectReferralAction) -> &'static str {
    match action {
        SuspectReferralAction::Accept => "accepted",
        SuspectReferralAction::Decline => "declined",
        SuspectReferralAction::Start => "started",
        SuspectReferralAction::Complete => "completed",
        SuspectReferralAction::Withdraw => "withdrawn",
    }
}

/// How a use case's refusal reads on a page.
fn refusal(x: Failure) -> Taken {
    match x {
        Failure::Invalid("decline_reason") => Taken::Problem("reason", "invalid.decline_reason"),
        Failure::Conflict(_) | Failure::Invalid(_) => Taken::Alert("investigations.alert.changed"),
        other => Taken::Page(other),
    }
}

/// Takes the step the form `f` names (`form_kind`, `referral`, `version`, and `reason`
/// for a decline, `confirm` for a withdrawal).
pub(crate) async fn take(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: schakel_domain::Actor,
    f: &Fields,
) -> Taken {
    let Some(action) = action_of(f.one(FORM_KIND)) else {
        return Taken::Page(Failure::Conflict(None));
    };
    let Some(id) = f.code::<SuspectReferralId>("referral") else {
        return Taken::Page(Failure::Hidden);
    };
    let decline_reason = f.code::<DeclineReason>("reason");
    if action == SuspectReferralAction::Decline && decline_reason.is_none() {
        return Taken::Problem("reason", "invalid.decline_reason");
    }
    if action == SuspectReferralAction::Withdraw && f.one("confirm") != "yes" {
        return Taken::Alert("investigations.alert.confirm");
    }
    // The version the form was made from; one that is no number matches none.
    let version = f
        .code::<i64>("version")
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let answer = SuspectReferralAnswer {
        decline_reason: decline_reason.filter(|_| action == SuspectReferralAction::Decline),
    };
    let taken = with_env(req, state, move |conn, env| {
        Ok(act_on_suspect_referral(
            conn, env, &actor, id, action, version, &answer,
        )?)
    })
    .await;
    match taken {
        Ok(r) => Taken::Done(r.suspect_id, done(action)),
        Err(x) => refusal(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schakel_referral_workflow::Conflict;

    #[test]
    fn refusals_read_as_a_field_an_alert_or_a_page() {
        assert!(matches!(
            refusal(Failure::Invalid("decline_reason")),
            Taken::Problem("reason", _)
        ));
        assert!(matches!(
            refusal(Failure::Conflict(Some(Conflict::NotAccepted))),
            Taken::Alert(_)
        ));
        assert!(matches!(refusal(Failure::Conflict(None)), Taken::Alert(_)));
        assert!(matches!(
            refusal(Failure::Forbidden),
            Taken::Page(Failure::Forbidden)
        ));
        assert!(matches!(
            refusal(Failure::Hidden),
            Taken::Page(Failure::Hidden)
        ));
        assert_eq!(action_of("accept"), Some(SuspectReferralAction::Accept));
        assert_eq!(action_of("redirect"), None);
        assert_eq!(done(SuspectReferralAction::Withdraw), "withdrawn");
    }
}
