//! Closing a case from its page: `POST /cases/{id}/close` with a reason, a note (required
//! for the reason `other`) and the version of the case the form was made from. Closed,
//! the case page confirms it. Refused input comes back as typed with a message next to
//! the field; a case with open referrals, one closed or changed meanwhile, comes back as
//! the case page with a message, and nothing is changed. Only the owning agency closes
//! a case: the use case answers anyone else as for a case that does not exist.

use crate::WebState;
use crate::cases::{Shown, StatusForm, again_status, fresh};
use crate::forms::{Failure, Fields, Problems, with_env};
use crate::note_form::Typed;
use crate::pages::see_other;
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, CloseReason};
use schakel_referral_workflow::cases::{CloseCaseInput, close_case};
use schakel_referral_workflow::{Conflict, IfMatch};

/// The closing the form describes, or the messages of its fields.
fn parse(f: &Fields) -> Result<CloseCaseInput, Problems> {
    let mut e = Problems::default();
    let reason = f.code::<CloseReason>("close_reason");
    let note = f.text("close_note");
    match reason {
        None => e.add("close_reason", "invalid.choose"),
        Some(CloseReason::Other) if note.is_none() => e.add("close_note", "invalid.close_note"),
        Some(_) => {}
    }
    match (reason, e.is_empty()) {
        (Some(reason), true) => Ok(CloseCaseInput { reason, note }),
        _ => Err(e),
    }
}

/// The messages of a field the use case refused.
fn refused(field: &str) -> Problems {
    let mut e = Problems::default();
    match field {
        "note" => e.add("close_note", "invalid.text"),
        _ => e.add("close_reason", "invalid.field"),
    }
    e
}

/// The message of a closing refused by the state of the case.
fn alert(c: Conflict) -> &'static str {
    match c {
        Conflict::OpenReferrals => "case.close_open_referrals",
        Conflict::CaseClosed => "case.already_closed",
        _ => "error.conflict",
    }
}

/// The case page again, `changed` when the case changed since the form was made, the
/// close form as `close` says.
async fn case_again(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    changed: bool,
    close: StatusForm,
) -> HttpResponse {
    let shown = Shown {
        changed,
        consent: (fresh(state), Problems::default()),
        note: Typed::fresh(state),
        done: None,
    };
    again_status(req, state, v, id, shown, close).await
}

/// `POST /cases/{id}/close`: closes the case, made from the version named.
pub async fn close(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let version = f
        .one("version")
        .parse::<i64>()
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let input = match parse(&f) {
        Ok(i) => i,
        Err(e) => {
            let form = StatusForm { f, e, alert: None };
            return case_again(&req, &state, &v, id, false, form).await;
        }
    };
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(close_case(conn, env, &actor, id, version, &input)?)
    })
    .await;
    let (changed, e, alert) = match done {
        Ok(_) => return see_other(&format!("/cases/{id}?done=case_closed")),
        Err(Failure::Invalid(field)) => (false, refused(field), None),
        Err(Failure::Conflict(Some(c))) => (false, Problems::default(), Some(alert(c))),
        Err(Failure::Conflict(None)) => (true, Problems::default(), None),
        Err(x) => return x.page(&v),
    };
    case_again(&req, &state, &v, id, changed, StatusForm { f, e, alert }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_reason_closes_and_other_needs_a_note() {
        let input = parse(&fields(&[("close_reason", "support_completed")])).unwrap();
        assert_eq!(input.reason, CloseReason::SupportCompleted);
        assert!(input.note.is_none());
        let input = parse(&fields(&[
            ("close_reason", "other"),
            ("close_note", "Moved abroad with her family."),
        ]))
        .unwrap();
        assert_eq!(input.note.as_deref(), Some("Moved abroad with her family."));

        let e = parse(&fields(&[("close_reason", "other"), ("close_note", "  ")])).unwrap_err();
        assert_eq!(e.of("close_note"), Some("invalid.close_note"));
        let e = parse(&fields(&[("close_reason", "bored")])).unwrap_err();
        assert_eq!(e.of("close_reason"), Some("invalid.choose"));
    }

    #[test]
    fn refusals_and_conflicts_have_their_messages() {
        assert_eq!(refused("note").of("close_note"), Some("invalid.text"));
        assert_eq!(alert(Conflict::OpenReferrals), "case.close_open_referrals");
        assert_eq!(alert(Conflict::CaseClosed), "case.already_closed");
    }
}
