//! Who is responsible for a case, on its page: the owning agency reads the responsible
//! worker's name, and its coordinators choose one of the agency's active caseworkers
//! and coordinators (or nobody) from the case page, `POST /cases/{id}/assignee` with the
//! version of the case the form was made from. Saved, the case page confirms it. A case
//! changed meanwhile, or a worker who can no longer be chosen, comes back as the case
//! page with a message, and nothing is changed. The use case decides who may assign:
//! a caseworker of the owning agency is refused (403), anyone else is answered as for a
//! case that does not exist (404). The form's choices come from `case_assignees`.

use crate::WebState;
use crate::case_assignees::{NOBODY, assigns};
use crate::cases::{Shown, StatusForm, again_status, fresh};
use crate::forms::{Failure, Fields, Problems, with_env};
use crate::note_form::Typed;
use crate::pages::see_other;
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{CaseId, UserId};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::cases::{AssignCaseInput, assign_case};

/// The message of a worker who cannot be made responsible.
const INVALID: &str = "case.assign_invalid";

/// Who the form makes responsible: nobody, a worker, or `None` when it names neither.
fn parse(f: &Fields) -> Option<AssignCaseInput> {
    match f.one("assignee") {
        NOBODY => Some(AssignCaseInput { user_id: None }),
        id => id
            .parse::<UserId>()
            .ok()
            .map(|u| AssignCaseInput { user_id: Some(u) }),
    }
}

/// The case page again: `changed` when the case changed since the form was made, with
/// `alert` (a catalog key) above it.
async fn case_again(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    changed: bool,
    alert: Option<&'static str>,
) -> HttpResponse {
    let shown = Shown {
        changed,
        consent: (fresh(state), Problems::default()),
        note: Typed::fresh(state),
        done: None,
    };
    let form = StatusForm {
        alert,
        ..StatusForm::default()
    };
    again_status(req, state, v, id, shown, form).await
}

/// `POST /cases/{id}/assignee`: makes the worker chosen (or nobody) responsible for the
/// case, made from the version named.
pub async fn assign(
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
        Some(i) => i,
        None if !assigns(&v.actor) => return Failure::Forbidden.page(&v),
        None => return case_again(&req, &state, &v, id, false, Some(INVALID)).await,
    };
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(assign_case(conn, env, &actor, id, version, &input)?)
    })
    .await;
    let (changed, alert) = match done {
        Ok(_) => return see_other(&format!("/cases/{id}?done=case_assigned")),
        Err(Failure::Invalid(_)) => (false, Some(INVALID)),
        Err(Failure::Conflict(None)) => (true, None),
        Err(x) => return x.page(&v),
    };
    case_again(&req, &state, &v, id, changed, alert).await
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
    fn nobody_or_a_worker_is_chosen_and_anything_else_is_not() {
        let input = parse(&fields(&[("assignee", "none")])).unwrap();
        assert!(input.user_id.is_none());
        let id = UserId::new_random();
        let input = parse(&fields(&[("assignee", &id.to_string())])).unwrap();
        assert_eq!(input.user_id, Some(id));
        for bad in ["", "me", "someone", "12"] {
            assert!(parse(&fields(&[("assignee", bad)])).is_none(), "{bad:?}");
        }
        assert!(parse(&fields(&[])).is_none());
    }
}
