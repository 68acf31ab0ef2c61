//! What the admin's pages share: running one administrative use case on the blocking
//! pool with its outcome sorted for pages, the message of each conflict, and the
//! confirmation shown after a change. Only admins get past the use cases' policy check;
//! anyone else is refused there (and the refusal audited) and sees the same 404 as for
//! something that does not exist. Nothing here decides what is allowed.
//!
//! The pages themselves: `agencies`, `users` (with `user_reset`, sending a user a link
//! to choose a new password), `clients` (external systems' accounts, with
//! `client_secret`, the page that shows a secret once), `requests` (four eyes on
//! privilege: the changes that wait for a second admin) and `notifications`.

pub(crate) mod agencies;
pub(crate) mod client_secret;
pub(crate) mod clients;
pub(crate) mod notifications;
pub(crate) mod requests;
pub(crate) mod user_reset;
pub(crate) mod users;

use crate::WebState;
use crate::forms::{Choice, Failure, Fields};
use crate::session::{Viewer, context};
use actix_web::{HttpRequest, web};
use chrono::{DateTime, Utc};
use schakel_auth::admin::AgencyView;
use schakel_auth::{AuthConfig, RequestContext};
use schakel_auth::{Conflict, UseCaseError};
use schakel_domain::Actor;
use schakel_store::DbConn;

/// How an administrative use case ended, as far as a page cares.
#[derive(Debug)]
pub(crate) enum Ended<T> {
    /// It was done.
    Done(T),
    /// Not there, or not for this viewer: 404.
    Hidden,
    /// The state does not allow it; nothing was changed.
    Conflict(Conflict),
    /// The object changed since the form was made; nothing was changed.
    Stale,
    /// A field is not valid (its name as the use case gives it).
    Invalid(&'static str),
}

/// The facts a use case is given besides the connection.
pub(crate) struct Call<'a> {
    pub(crate) actor: &'a Actor,
    pub(crate) ctx: &'a RequestContext,
    pub(crate) now: DateTime<Utc>,
    pub(crate) auth: &'a AuthConfig,
}

/// Runs `f` on the blocking pool, its error sorted by the pages' one mapping
/// ([`Failure`]); `Err` is a failure of the page ([`Failure::Internal`], logged, never
/// shown) or of the database ([`Failure::Unavailable`], the 503 page): answer it with
/// [`Failure::page`].
pub(crate) async fn run<T, F>(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    f: F,
) -> Result<Ended<T>, Failure>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, &Call<'_>) -> Result<T, UseCaseError> + Send + 'static,
{
    let (st, ctx, actor) = (state.clone(), context(req), v.actor);
    web::block(move || {
        let mut conn =
            schakel_store::get_conn(&st.pool).map_err(|e| Failure::Unavailable(e.to_string()))?;
        let call = Call {
            actor: &actor,
            ctx: &ctx,
            now: st.clock.now(),
            auth: &st.auth,
        };
        match f(&mut conn, &call).map_err(Failure::from) {
            Ok(x) => Ok(Ended::Done(x)),
            Err(Failure::Hidden | Failure::Forbidden) => Ok(Ended::Hidden),
            Err(Failure::Conflict(Some(r))) => Ok(Ended::Conflict(r)),
            Err(Failure::Conflict(None)) => Ok(Ended::Stale),
            Err(Failure::Invalid(field)) => Ok(Ended::Invalid(field)),
            Err(e @ (Failure::Internal(_) | Failure::Unavailable(_))) => Err(e),
        }
    })
    .await
    .map_err(|e| Failure::Internal(e.to_string()))?
}

/// The message of a conflict.
pub(crate) fn conflict_key(r: Conflict) -> &'static str {
    match r {
        Conflict::NameTaken => "admin.conflict.name_taken",
        Conflict::EmailTaken => "admin.conflict.email_taken",
        Conflict::LastAdmin => "admin.conflict.last_admin",
        Conflict::OwnAccount => "admin.conflict.own_account",
        Conflict::OwnAgency => "admin.conflict.own_agency",
        Conflict::AlreadyInState => "admin.conflict.already",
        Conflict::AgencyInactive => "admin.conflict.agency_inactive",
        Conflict::NotRetryable => "admin.conflict.not_retryable",
        Conflict::KindLocked => "admin.conflict.kind_locked",
        Conflict::AccountInactive => "admin.conflict.account_inactive",
        Conflict::InvitationPending => "admin.conflict.invitation_pending",
        Conflict::RequestPending => "admin.conflict.request_pending",
        Conflict::OwnRequest => "admin.conflict.own_request",
        Conflict::RequestClosed => "admin.conflict.request_closed",
        _ => "error.conflict",
    }
}

/// The confirmation a page shows after a change (`?done=`); only these codes.
pub(crate) fn done_key(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "agency_created" => "admin.done.agency_created",
        "agency_saved" => "admin.done.agency_saved",
        "agency_deactivated" => "admin.done.agency_deactivated",
        "invited" => "admin.done.invited",
        "role_changed" => "admin.done.role_changed",
        "deactivated" => "admin.done.deactivated",
        "reactivated" => "admin.done.reactivated",
        "reset_sent" => "admin.done.reset_sent",
        "requested" => "admin.done.requested",
        "second_factor_reset" => "admin.done.second_factor_reset",
        "approved" => "admin.done.approved",
        "rejected" => "admin.done.rejected",
        "withdrawn" => "admin.done.withdrawn",
        "retried" => "admin.done.retried",
        _ => return None,
    })
}

/// The agencies an account can be made in (the active ones), `chosen` marked.
pub(crate) fn agency_choices(agencies: &[AgencyView], chosen: &str) -> Vec<Choice> {
    agencies
        .iter()
        .filter(|a| a.active)
        .map(|a| Choice {
            code: a.id.to_string(),
            words: a.name.clone(),
            on: a.id.to_string() == chosen,
        })
        .collect()
}

/// The page an account's change returns to: the accounts, or the client accounts, whose
/// forms name it (`back=clients`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Back {
    /// `/admin/users`.
    Users,
    /// `/admin/clients`.
    Clients,
}

impl Back {
    /// The page a form names (the accounts when it names none or another).
    pub(crate) fn of(f: &Fields) -> Back {
        match f.one("back") {
            "clients" => Back::Clients,
            _ => Back::Users,
        }
    }

    /// The page's address with the confirmation `code` (one of [`done_key`]'s).
    pub(crate) fn done(self, code: &str) -> String {
        let page = match self {
            Back::Users => "/admin/users",
            Back::Clients => "/admin/clients",
        };
        format!("{page}?done={code}")
    }
}

/// The `?done=` of a page after a change.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

impl DoneQuery {
    pub(crate) fn key(&self) -> Option<&'static str> {
        done_key(self.done.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_confirmations_are_shown() {
        assert_eq!(done_key(Some("invited")), Some("admin.done.invited"));
        assert_eq!(done_key(Some("<script>")), None);
        assert_eq!(done_key(None), None);
    }

    #[test]
    fn a_change_returns_to_the_page_its_form_names() {
        let form = |back: &str| Fields::new(vec![("back".to_owned(), back.to_owned())]);
        assert_eq!(Back::of(&form("clients")), Back::Clients);
        assert_eq!(Back::of(&form("https://elders.example")), Back::Users);
        assert_eq!(Back::of(&Fields::default()), Back::Users);
        assert_eq!(
            Back::Clients.done("requested"),
            "/admin/clients?done=requested"
        );
        assert_eq!(
            Back::Users.done("deactivated"),
            "/admin/users?done=deactivated"
        );
    }
}
