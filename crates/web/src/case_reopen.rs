//! Reopening a closed case from its page: `POST /cases/{id}/reopen` with a reason and the
//! version of the case the form was made from. Reopened, the case page confirms it, and
//! the closing it ended is in the case's record of corrections. A reason not chosen comes
//! back with a message next to the field; a case open again, erased by retention, or
//! changed meanwhile comes back as the case page with a message, and nothing is changed.
//! Only the owning agency reopens a case: the use case answers anyone else as for a case
//! that does not exist.

use crate::WebState;
use crate::cases::{Shown, StatusForm, again_status, fresh};
use crate::forms::{Failure, Fields, Problems, with_env};
use crate::note_form::Typed;
use crate::pages::see_other;
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, ReopenReason};
use schakel_referral_workflow::cases::{ReopenCaseInput, reopen_case};
use schakel_referral_workflow::{Conflict, IfMatch};

/// The reopening the form describes, or the message of its field.
fn parse(f: &Fields) -> Result<ReopenCaseInput, Problems> {
    match f.code::<ReopenReason>("reopen_reason") {
        Some(reason) => Ok(ReopenCaseInput { reason }),
        None => {
            let mut e = Problems::default();
            e.add("reopen_reason", "invalid.choose");
            Err(e)
        }
    }
}

/// The message of a reopening refused by the state of the case.
fn alert(c: Conflict) -> &'static str {
    match c {
        Conflict::CaseOpen => "case.already_open",
        Conflict::PersonErased => "case.reopen_erased",
        _ => "error.conflict",
    }
}

/// The case page again, `changed` when the case changed since the form was made, the
/// reopen form as `reopen` says.
async fn case_again(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    changed: bool,
    reopen: StatusForm,
) -> HttpResponse {
    let shown = Shown {
        changed,
        consent: (fresh(state), Problems::default()),
        note: Typed::fresh(state),
        done: None,
    };
    again_status(req, state, v, id, shown, reopen).await
}

/// `POST /cases/{id}/reopen`: opens the closed case again, made from the version named.
pub async fn reopen(
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
        Ok(reopen_case(conn, env, &actor, id, version, &input)?)
    })
    .await;
    let (changed, alert) = match done {
        Ok(_) => return see_other(&format!("/cases/{id}?done=case_reopened")),
        Err(Failure::Conflict(Some(c))) => (false, Some(alert(c))),
        Err(Failure::Conflict(None)) => (true, None),
        Err(x) => return x.page(&v),
    };
    let form = StatusForm {
        f,
        e: Problems::default(),
        alert,
    };
    case_again(&req, &state, &v, id, changed, form).await
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
    fn a_known_reason_reopens_and_anything_else_asks_for_one() {
        let input = parse(&fields(&[("reopen_reason", "person_returned")])).unwrap();
        assert_eq!(input.reason, ReopenReason::PersonReturned);
        for bad in ["", "  ", "bored", "closed_on_purpose"] {
            let e = parse(&fields(&[("reopen_reason", bad)])).unwrap_err();
            assert_eq!(e.of("reopen_reason"), Some("invalid.choose"), "{bad:?}");
        }
        let e = parse(&fields(&[])).unwrap_err();
        assert_eq!(e.of("reopen_reason"), Some("invalid.choose"));
    }

    #[test]
    fn conflicts_have_their_messages() {
        assert_eq!(alert(Conflict::CaseOpen), "case.already_open");
        assert_eq!(alert(Conflict::PersonErased), "case.reopen_erased");
        assert_eq!(alert(Conflict::OpenReferrals), "error.conflict");
    }
}
