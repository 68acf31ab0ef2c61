//! The user's own sessions on the password page: where each was started from (browser
//! and address, as given at sign-in), when, and when last used, the one in use marked;
//! any other ends with one button (`POST /account/sessions/{id}/end`), its pages and
//! tokens stopping at once. Ending the one in use is signing out, which has its own
//! button. The use cases decide whose sessions these are.

use crate::WebState;
use crate::forms::{Failure, as_viewer};
use crate::i18n::Texts;
use crate::pages::see_other;
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::SessionId;

/// One session as the page lists it.
pub(crate) struct SessionLine {
    pub(crate) id: String,
    pub(crate) browser: String,
    pub(crate) address: String,
    pub(crate) started: String,
    pub(crate) last_used: String,
    pub(crate) current: bool,
}

/// The viewer's live sessions, in the viewer's words.
pub(crate) async fn lines(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
) -> Result<Vec<SessionLine>, Failure> {
    let auth = state.auth.clone();
    let list = as_viewer(req, state, v.actor, move |conn, who, _, now| {
        schakel_auth::devices::own_sessions(conn, &auth, who, now).map_err(Into::into)
    })
    .await?;
    let t: Texts = v.texts();
    let unknown = || t.get("sessions.unknown").to_owned();
    Ok(list
        .into_iter()
        .map(|s| SessionLine {
            id: s.id.to_string(),
            browser: s.user_agent.unwrap_or_else(unknown),
            address: s.source_ip.unwrap_or_else(unknown),
            started: crate::time::day_time(s.started_at),
            last_used: crate::time::day_time(s.last_used_at),
            current: s.current,
        })
        .collect())
}

/// `POST /account/sessions/{id}/end`: ends one of the viewer's other sessions.
pub async fn end(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let v = form.v;
    let Ok(id) = path.parse::<SessionId>() else {
        return see_other("/account/password");
    };
    if id == v.actor.session_id {
        // The one in use ends by signing out, from its own button.
        return see_other("/account/password");
    }
    let ended = as_viewer(&req, &state, v.actor, move |conn, who, ctx, now| {
        schakel_auth::devices::end_own_session(conn, who, id, ctx, now).map_err(Into::into)
    })
    .await;
    match ended {
        Ok(()) => see_other("/account/password?done=session_ended#sessions"),
        // Already ended (or never the viewer's): the list shows how things stand.
        Err(Failure::Hidden) => see_other("/account/password#sessions"),
        Err(other) => other.page(&v),
    }
}
