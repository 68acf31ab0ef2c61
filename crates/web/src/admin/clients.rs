//! The admin's client accounts: the accounts of agencies' own systems (a case system, a
//! hospital's record), which sign in with a client secret instead of a password.
//! `GET /admin/clients` lists them with their agency, role, state and the day they were
//! made, and the form that adds one; `POST /admin/clients` makes one and
//! `POST /admin/clients/{id}/secret` replaces its secret (the old one stops at once),
//! both answered by the page that shows the secret this once (`client_secret`), never by
//! a redirect. Deactivating and reactivating are the accounts page's own forms
//! (`users::change`), which return here; a deactivated account whose reactivation waits
//! for a second admin says so. The same use cases as the API; anyone but an admin is
//! refused by them (audited) and answered 404. Refused input comes back as typed.

use super::client_secret::{Issued, shown};
use super::{Call, DoneQuery, Ended, agency_choices, conflict_key, run};
use crate::WebState;
use crate::forms::{Choice, Fields, Problems, choices};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, not_found};
use crate::session::Viewer;
use crate::signed::AdminForm;
use crate::time::day;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::Conflict;
use schakel_auth::admin::agencies::list_agencies;
use schakel_auth::admin::clients::{self as uc, ClientInput};
use schakel_auth::admin::four_eyes::{RequestView, list_requests};
use schakel_auth::admin::users::list_users;
use schakel_auth::admin::{AccountView, AgencyView};
use schakel_domain::{AgencyId, PrivilegeChange, RequestState, Role, UserId};

/// The roles a system's account may have: it does case work at its agency.
pub(crate) const ROLES: [Role; 2] = [Role::Caseworker, Role::Coordinator];

/// One client account as the list shows it.
struct ClientRow {
    /// The account's id, which is the client id.
    id: String,
    name: String,
    agency: String,
    role: String,
    active: bool,
    /// Deactivated, and its reactivation waits for a second admin.
    awaiting: bool,
    /// The day it was made.
    created: String,
}

#[derive(Template)]
#[template(path = "admin_clients.html")]
struct ClientsPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<ClientRow>,
    f: Fields,
    e: Problems,
    agencies: Vec<Choice>,
    roles: Vec<Choice>,
    done: Option<&'static str>,
    alert: Option<&'static str>,
}

/// What the page shows besides the list.
#[derive(Default)]
struct Shown {
    f: Fields,
    e: Problems,
    done: Option<&'static str>,
    alert: Option<&'static str>,
}

impl Shown {
    fn typed(f: Fields, e: Problems) -> Shown {
        Shown {
            f,
            e,
            ..Shown::default()
        }
    }
}

/// The accounts whose reactivation waits for a second admin.
fn awaiting(requests: &[RequestView]) -> Vec<UserId> {
    requests
        .iter()
        .filter(|r| r.kind == PrivilegeChange::Reactivation && r.state == RequestState::Pending)
        .filter_map(|r| r.target.as_ref().map(|n| n.id))
        .collect()
}

/// The client accounts among `accounts`, in the viewer's words.
fn client_rows(
    t: Texts,
    accounts: Vec<AccountView>,
    agencies: &[AgencyView],
    waiting: &[UserId],
) -> Vec<ClientRow> {
    let name_of = |id: AgencyId| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    accounts
        .into_iter()
        .filter(|a| a.client)
        .map(|a| ClientRow {
            id: a.id.to_string(),
            agency: name_of(a.agency_id),
            role: t.code("role", a.role.as_str()),
            active: a.active,
            awaiting: !a.active && waiting.contains(&a.id),
            created: day(a.created_at),
            name: a.display_name,
        })
        .collect()
}

/// Lists the client accounts and shows the form that adds one.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    s: Shown,
) -> HttpResponse {
    let read = run(req, state, v, |conn, c: &Call<'_>| {
        let accounts = list_users(conn, c.actor, None, c.ctx, c.now)?;
        let agencies = list_agencies(conn, c.actor, c.ctx, c.now)?;
        let pending = Some(RequestState::Pending);
        let requests = list_requests(conn, c.actor, pending, c.ctx, c.now)?;
        Ok((accounts, agencies, requests))
    });
    let (accounts, agencies, requests) = match read.await {
        Ok(Ended::Done(x)) => x,
        Ok(_) => return not_found(v.texts(), Some(Nav::of(v))),
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let rows = client_rows(t, accounts, &agencies, &awaiting(&requests));
    let status = if !s.e.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if s.alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = ClientsPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        rows,
        agencies: agency_choices(&agencies, s.f.one("agency_id")),
        roles: choices(t, "role", &ROLES, &[s.f.one("role").to_owned()]),
        f: s.f,
        e: s.e,
        done: s.done,
        alert: s.alert,
    };
    html(status, &page)
}

/// The list with the alert `key`, after a change was refused (also for the accounts
/// page's deactivation and reactivation forms sent from here).
pub(crate) async fn with_alert(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    key: &'static str,
) -> HttpResponse {
    let s = Shown {
        alert: Some(key),
        ..Shown::default()
    };
    page(req, state, v, s).await
}

/// `GET /admin/clients`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<DoneQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let s = Shown {
        done: q.key(),
        ..Shown::default()
    };
    page(&req, &state, &v, s).await
}

/// The account the form describes (with stand-ins where a field is not valid) and the
/// messages of its fields.
fn parse(f: &Fields, v: &Viewer) -> (ClientInput, Problems) {
    let mut e = Problems::default();
    let name = f.one("name");
    if name.is_empty() || name.chars().count() > 120 {
        e.add("name", "admin.invalid.name");
    }
    let agency = f.code::<AgencyId>("agency_id");
    if agency.is_none() {
        e.add("agency_id", "invalid.choose");
    }
    let role = f.code::<Role>("role").filter(|r| ROLES.contains(r));
    if role.is_none() {
        e.add("role", "invalid.choose");
    }
    let input = ClientInput {
        agency_id: agency.unwrap_or(v.actor.agency_id),
        name: name.to_owned(),
        role: role.unwrap_or(Role::Caseworker),
    };
    (input, e)
}

/// The field and message of what the use case refused.
fn refused(field: &str) -> (&'static str, &'static str) {
    match field {
        "name" | "display_name" => ("name", "admin.invalid.name"),
        "role" => ("role", "invalid.choose"),
        _ => ("agency_id", "invalid.choose"),
    }
}

/// `POST /admin/clients`: makes a client account and shows its secret once.
pub async fn create(req: HttpRequest, state: web::Data<WebState>, form: AdminForm) -> HttpResponse {
    let AdminForm { v, f, .. } = form;
    let admin = v.actor.role == Role::Admin;
    let (input, mut e) = parse(&f, &v);
    if admin && !e.is_empty() {
        return page(&req, &state, &v, Shown::typed(f, e)).await;
    }
    // Anyone else is refused by the use case, whatever the form holds.
    let created = run(&req, &state, &v, move |conn, c: &Call<'_>| {
        uc::create_client(conn, c.auth, c.actor, &input, c.ctx, c.now)
    });
    match created.await {
        Ok(Ended::Done(issued)) => shown(&v, issued, Issued::Created),
        Ok(Ended::Conflict(r)) => {
            e.add("agency_id", conflict_key(r));
            page(&req, &state, &v, Shown::typed(f, e)).await
        }
        Ok(Ended::Invalid(field)) => {
            let (name, key) = refused(field);
            e.add(name, key);
            page(&req, &state, &v, Shown::typed(f, e)).await
        }
        Ok(Ended::Hidden | Ended::Stale) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => x.page(&v),
    }
}

/// `POST /admin/clients/{id}/secret`: replaces the secret and shows the new one once.
pub async fn rotate(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: AdminForm,
) -> HttpResponse {
    let AdminForm { v, .. } = form;
    let Ok(id) = path.parse::<UserId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let replaced = run(&req, &state, &v, move |conn, c: &Call<'_>| {
        uc::rotate_secret(conn, c.actor, id, c.ctx, c.now)
    });
    let key = match replaced.await {
        Ok(Ended::Done(issued)) => return shown(&v, issued, Issued::Replaced),
        Ok(Ended::Conflict(Conflict::AccountInactive)) => "admin.clients.inactive",
        Ok(Ended::Conflict(r)) => conflict_key(r),
        Ok(Ended::Stale | Ended::Invalid(_)) => "error.conflict",
        Ok(Ended::Hidden) => return not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => return x.page(&v),
    };
    with_alert(&req, &state, &v, key).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn only_a_case_work_role_is_offered_and_accepted() {
        let t = Texts { lang: Lang::En };
        let offered: Vec<_> = choices(t, "role", &ROLES, &[])
            .into_iter()
            .map(|c| c.code)
            .collect();
        assert_eq!(offered, ["caseworker", "coordinator"]);
        for role in Role::ALL {
            assert_eq!(
                ROLES.contains(role),
                matches!(role, Role::Caseworker | Role::Coordinator)
            );
        }
    }

    #[test]
    fn a_refusal_is_shown_next_to_its_field() {
        assert_eq!(refused("name"), ("name", "admin.invalid.name"));
        assert_eq!(refused("role"), ("role", "invalid.choose"));
        assert_eq!(refused("agency_id"), ("agency_id", "invalid.choose"));
    }
}
