//! The admin's accounts: `GET /admin/users` lists every account with its agency, role and
//! state and a form to invite one (the invitation email goes out through the outbox, as
//! the API's does); `POST /admin/users/{id}/role`, `/deactivate`, `/reactivate` and
//! `/second-factor-reset` change one. The same use cases as the API; anyone but an
//! admin is refused by them (audited) and answered 404. A refused invitation comes back
//! as typed. A change the configuration puts under four eyes becomes a request that
//! waits for a second admin (`requests`); the page then says so. An external system's
//! account is marked as one, with no email address shown, and offered only the roles a
//! system may have; the client accounts page (`clients`) posts its deactivations and
//! reactivations here too, and they return there.

use super::{Back, Call, DoneQuery, Ended, agency_choices, conflict_key, run};
use crate::WebState;
use crate::forms::{Choice, Fields, Problems, choices};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, not_found, see_other};
use crate::session::Viewer;
use crate::signed::AdminForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::AccountView;
use schakel_auth::admin::AgencyView;
use schakel_auth::admin::agencies::list_agencies;
use schakel_auth::admin::four_eyes::Change as FourEyes;
use schakel_auth::admin::users::{self as uc, InvitationInput, LOCALES};
use schakel_domain::{AgencyId, Role, UserId};

/// One line of the list.
struct UserRow {
    id: String,
    email: String,
    name: String,
    agency: String,
    /// The roles, the current one chosen.
    roles: Vec<Choice>,
    active: bool,
    pending: bool,
    /// An authenticator is enrolled: another admin may reset it.
    second_factor: bool,
    /// The viewer's own account: its role and state are changed by another admin.
    own: bool,
    /// An external system's account: no email address to show, no password to reset.
    client: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<UserRow>,
    f: Fields,
    e: Problems,
    agencies: Vec<Choice>,
    roles: Vec<Choice>,
    locales: Vec<Choice>,
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

/// The accounts as the list shows them, each with its agency's name.
fn user_rows(
    t: Texts,
    users: Vec<AccountView>,
    agencies: &[AgencyView],
    me: UserId,
) -> Vec<UserRow> {
    let name_of = |id: AgencyId| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    users
        .into_iter()
        .map(|u| UserRow {
            id: u.id.to_string(),
            agency: name_of(u.agency_id),
            roles: choices(t, "role", roles_of(&u), &[u.role.to_string()]),
            active: u.active,
            pending: u.invitation_pending,
            second_factor: u.second_factor_enrolled,
            own: u.id == me,
            client: u.client,
            email: u.email,
            name: u.display_name,
        })
        .collect()
}

/// The roles the list offers an account: a system's account does case work only.
fn roles_of(u: &AccountView) -> &'static [Role] {
    if u.client {
        &super::clients::ROLES
    } else {
        Role::ALL
    }
}

/// Lists the accounts and shows the invitation form.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    s: Shown,
) -> HttpResponse {
    let read = run(req, state, v, |conn, c: &Call<'_>| {
        let users = uc::list_users(conn, c.actor, None, c.ctx, c.now)?;
        let agencies = list_agencies(conn, c.actor, c.ctx, c.now)?;
        Ok((users, agencies))
    });
    let (users, agencies) = match read.await {
        Ok(Ended::Done(x)) => x,
        Ok(_) => return not_found(v.texts(), Some(Nav::of(v))),
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let rows = user_rows(t, users, &agencies, v.actor.user_id);
    let agencies = agency_choices(&agencies, s.f.one("agency_id"));
    let locale = match s.f.one("locale") {
        "" => "nl".to_owned(),
        l => l.to_owned(),
    };
    let status = if !s.e.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if s.alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = UsersPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        rows,
        agencies,
        roles: choices(t, "role", Role::ALL, &[s.f.one("role").to_owned()]),
        locales: choices(t, "lang", LOCALES, &[locale]),
        f: s.f,
        e: s.e,
        done: s.done,
        alert: s.alert,
    };
    html(status, &page)
}

/// `GET /admin/users`.
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

/// The invitation the form describes (with stand-ins where a field is not valid) and
/// the messages of its fields.
fn parse(f: &Fields, v: &Viewer) -> (InvitationInput, Problems) {
    let mut e = Problems::default();
    if schakel_auth::admin::parse_email(f.one("email")).is_err() {
        e.add("email", "admin.invalid.email");
    }
    if f.one("display_name").is_empty() || f.one("display_name").chars().count() > 120 {
        e.add("display_name", "admin.invalid.name");
    }
    let agency = f.code::<AgencyId>("agency_id");
    if agency.is_none() {
        e.add("agency_id", "invalid.choose");
    }
    let role = f.code::<Role>("role");
    if role.is_none() {
        e.add("role", "invalid.choose");
    }
    let locale = f.one("locale");
    if !LOCALES.contains(&locale) {
        e.add("locale", "invalid.choose");
    }
    let input = InvitationInput {
        agency_id: agency.unwrap_or(v.actor.agency_id),
        email: f.one("email").to_owned(),
        display_name: f.one("display_name").to_owned(),
        role: role.unwrap_or(Role::Caseworker),
        locale: locale.to_owned(),
    };
    (input, e)
}

/// The field and message of what the use case refused.
fn refused(field: &str) -> (&'static str, &'static str) {
    match field {
        "email" => ("email", "admin.invalid.email"),
        "display_name" => ("display_name", "admin.invalid.name"),
        "agency_id" => ("agency_id", "invalid.choose"),
        "locale" => ("locale", "invalid.choose"),
        _ => ("role", "invalid.choose"),
    }
}

/// `POST /admin/users`: invites a user.
pub async fn invite(req: HttpRequest, state: web::Data<WebState>, form: AdminForm) -> HttpResponse {
    let AdminForm { v, f, .. } = form;
    let admin = v.actor.role == Role::Admin;
    let (input, mut e) = parse(&f, &v);
    if admin && !e.is_empty() {
        return page(
            &req,
            &state,
            &v,
            Shown {
                f,
                e,
                ..Shown::default()
            },
        )
        .await;
    }
    // Anyone else is refused by the use case, whatever the form holds.
    let invited = run(&req, &state, &v, move |conn, c: &Call<'_>| {
        uc::invite_user(conn, c.auth, c.actor, &input, c.ctx, c.now)
    });
    match invited.await {
        Ok(Ended::Done(FourEyes::Requested(_))) => see_other("/admin/users?done=requested"),
        Ok(Ended::Done(FourEyes::Applied(_))) => see_other("/admin/users?done=invited"),
        Ok(Ended::Conflict(r)) => {
            let field = match r {
                schakel_auth::admin::Conflict::EmailTaken => "email",
                _ => "agency_id",
            };
            e.add(field, conflict_key(r));
            page(
                &req,
                &state,
                &v,
                Shown {
                    f,
                    e,
                    ..Shown::default()
                },
            )
            .await
        }
        Ok(Ended::Invalid(field)) => {
            let (name, key) = refused(field);
            e.add(name, key);
            page(
                &req,
                &state,
                &v,
                Shown {
                    f,
                    e,
                    ..Shown::default()
                },
            )
            .await
        }
        Ok(Ended::Hidden | Ended::Stale) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => x.page(&v),
    }
}

/// A change to one account.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    /// Another role (the form's `role`).
    Role,
    /// Deactivate.
    Deactivate,
    /// Reactivate.
    Reactivate,
    /// Remove the second factor, so the user sets up a new one.
    SecondFactorReset,
}

impl Change {
    /// The confirmation of the change done.
    fn done(self) -> &'static str {
        match self {
            Change::Role => "role_changed",
            Change::Deactivate => "deactivated",
            Change::Reactivate => "reactivated",
            Change::SecondFactorReset => "second_factor_reset",
        }
    }
}

/// The page `back` with the alert `key`, after a change was refused.
async fn refused_on(
    back: Back,
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    key: &'static str,
) -> HttpResponse {
    match back {
        Back::Clients => super::clients::with_alert(req, state, v, key).await,
        Back::Users => {
            let s = Shown {
                alert: Some(key),
                ..Shown::default()
            };
            page(req, state, v, s).await
        }
    }
}

/// `POST /admin/users/{id}/role|deactivate|reactivate|second-factor-reset`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: AdminForm,
    what: Change,
) -> HttpResponse {
    let AdminForm { v, f, .. } = form;
    let Ok(id) = path.parse::<UserId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let back = Back::of(&f);
    let admin = v.actor.role == Role::Admin;
    let role = f.code::<Role>("role");
    if admin && matches!(what, Change::Role) && role.is_none() {
        let s = Shown {
            alert: Some("admin.invalid.role"),
            ..Shown::default()
        };
        return page(&req, &state, &v, s).await;
    }
    let role = role.unwrap_or(Role::Caseworker);
    let changed = run(&req, &state, &v, move |conn, c: &Call<'_>| match what {
        Change::Role => uc::change_role(conn, c.auth, c.actor, id, role, c.ctx, c.now),
        Change::Deactivate => {
            uc::deactivate_user(conn, c.actor, id, c.ctx, c.now).map(FourEyes::Applied)
        }
        Change::Reactivate => uc::reactivate_user(conn, c.auth, c.actor, id, c.ctx, c.now),
        Change::SecondFactorReset => {
            uc::reset_second_factor(conn, c.auth, c.actor, id, c.ctx, c.now)
        }
    });
    match changed.await {
        Ok(Ended::Done(FourEyes::Requested(_))) => see_other(&back.done("requested")),
        Ok(Ended::Done(FourEyes::Applied(_))) => see_other(&back.done(what.done())),
        Ok(Ended::Conflict(r)) => refused_on(back, &req, &state, &v, conflict_key(r)).await,
        Ok(Ended::Invalid(_) | Ended::Stale) => {
            refused_on(back, &req, &state, &v, "admin.invalid.role").await
        }
        Ok(Ended::Hidden) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => x.page(&v),
    }
}
