//! The forms of the case page and the referral page post to the page's own address,
//! naming which form they are (`form_kind`), so a refused form is shown again at the
//! address the user was on: reloading or sharing it opens the page, never a form target.
//! Each form is handled by its own handler, as when it is posted to its own address
//! (which the pages' older forms and the tests still use).

use crate::session::Viewer;
use crate::signed::SignedForm;
use crate::{WebState, case_close, case_reopen, consents, notes, referral_actions};
use actix_web::{HttpRequest, HttpResponse, web};

/// The name of the field that says which form of the page was sent.
pub(crate) const FORM_KIND: &str = "form_kind";

/// The answer to a form the page does not have.
fn unknown(v: &Viewer) -> HttpResponse {
    crate::pages::conflict(v.texts(), Some(crate::pages::Nav::of(v)))
}

/// `POST /cases/{id}`: consent, note, closing or reopening.
pub async fn case(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    match form.f.one(FORM_KIND) {
        "consent" => consents::give(req, state, path, form).await,
        "note" => notes::add(req, state, path, form).await,
        "close" => case_close::close(req, state, path, form).await,
        "reopen" => case_reopen::reopen(req, state, path, form).await,
        _ => unknown(&form.v),
    }
}

/// `POST /referrals/{id}`: a decision or a step of the referral.
pub async fn referral(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    // An action that is not one answers as an unknown address does.
    let action = form.f.one(FORM_KIND).to_owned();
    let path = web::Path::from((path.into_inner(), action));
    referral_actions::take(req, state, path, form).await
}
