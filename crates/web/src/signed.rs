//! A submitted form of a signed-in viewer, its CSRF token checked: the one preamble of
//! every page that changes something. As an extractor, a handler that takes a
//! [`SignedForm`] (or an [`AdminForm`], an [`AuditorForm`]) runs only for a complete
//! session whose form carries the session's token; anyone else gets the login, the
//! second-factor step or the "form expired" page before the handler starts; a form that
//! names its draft and whose session ended leads to the sign-in with that draft, which
//! leads back to the form.

use crate::WebState;
use crate::forms::Fields;
use crate::pages::{Nav, complete_viewer, internal, stale_form};
use crate::session::Viewer;
use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use schakel_auth::web_session;
use schakel_domain::Role;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

/// Whose forms must carry the session's CSRF token before the handler runs.
pub(crate) trait Checked {
    /// Whether the token of `v`'s form is checked.
    fn checks(v: &Viewer) -> bool;
}

/// Every viewer's form is checked.
pub(crate) struct Everyone;

/// The admin's pages: the token is checked for admins; anyone else passes on to the
/// use case, which refuses them, audits the attempt and answers 404 as for something
/// that does not exist, whatever the form holds.
pub(crate) struct Admins;

/// The auditor's pages, as [`Admins`] for auditors.
pub(crate) struct Auditors;

impl Checked for Everyone {
    fn checks(_: &Viewer) -> bool {
        true
    }
}

impl Checked for Admins {
    fn checks(v: &Viewer) -> bool {
        v.actor.role == Role::Admin
    }
}

impl Checked for Auditors {
    fn checks(v: &Viewer) -> bool {
        v.actor.role == Role::Auditor
    }
}

/// A form submitted by a signed-in viewer, with the session's CSRF token where `C`
/// checks it.
pub(crate) struct Signed<C: Checked> {
    /// Who submitted it.
    pub(crate) v: Viewer,
    /// Its fields.
    pub(crate) f: Fields,
    checked: PhantomData<C>,
}

/// A form every viewer must sign.
pub(crate) type SignedForm = Signed<Everyone>;
/// A form of the admin's pages.
pub(crate) type AdminForm = Signed<Admins>;
/// A form of the auditor's pages.
pub(crate) type AuditorForm = Signed<Auditors>;

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

/// A prepared response as the extractor's refusal.
fn answer(res: HttpResponse) -> actix_web::Error {
    InternalError::from_response("refused", res).into()
}

/// A refused form's answer when the session has ended: the sign-in, which then leads
/// back to the form's draft when the form named one; any other answer as it is.
fn to_login(res: HttpResponse, f: &Fields) -> HttpResponse {
    let to_login = res.status() == actix_web::http::StatusCode::SEE_OTHER
        && res
            .headers()
            .get(actix_web::http::header::LOCATION)
            .is_some_and(|l| l == "/login");
    match f.code::<schakel_domain::DraftId>("draft_id") {
        Some(d) if to_login => crate::pages::see_other(&format!("/login?draft={d}")),
        _ => res,
    }
}

/// Reads the form, then the viewer; checks the token when `check(viewer)` says so.
fn extract(
    req: &HttpRequest,
    payload: &mut Payload,
    check: fn(&Viewer) -> bool,
) -> Extracted<(Viewer, Fields)> {
    let req = req.clone();
    let form = web::Form::<Vec<(String, String)>>::from_request(&req, payload);
    Box::pin(async move {
        let form = form.await?;
        let Some(state) = req.app_data::<web::Data<WebState>>().cloned() else {
            return Err(answer(internal("the pages' state is missing")));
        };
        let f = Fields::new(form.into_inner());
        let v = complete_viewer(&req, &state)
            .await
            .map_err(|res| answer(to_login(res, &f)))?;
        if check(&v) && !web_session::csrf_matches(&v.csrf, f.one("csrf")) {
            return Err(answer(stale_form(v.texts(), Some(Nav::of(&v)))));
        }
        Ok((v, f))
    })
}

impl<C: Checked + 'static> FromRequest for Signed<C> {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let got = extract(req, payload, C::checks);
        Box::pin(async move {
            got.await.map(|(v, f)| Signed {
                v,
                f,
                checked: PhantomData,
            })
        })
    }
}
