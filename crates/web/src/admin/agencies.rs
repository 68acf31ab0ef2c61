//! The admin's agencies: `GET /admin/agencies` lists every agency with a form to create
//! one, `GET|POST /admin/agencies/{id}` shows and changes one (name, kind, region,
//! contact address; the form names the version it was made from, and a stale one shows
//! the agency as it now is), and `POST /admin/agencies/{id}/deactivate` takes it off the
//! platform with its accounts. The same use cases as the API; anyone but an admin is
//! refused by them (audited) and answered 404. Refused input comes back as typed.

use super::{Call, DoneQuery, Ended, conflict_key, run};
use crate::WebState;
use crate::forms::{Choice, Fields, Problems, choices};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, not_found, see_other};
use crate::session::Viewer;
use crate::signed::AdminForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::AgencyView;
use schakel_auth::admin::agencies::{self as uc, AgencyInput, AgencyUpdate};
use schakel_auth::admin::{Conflict, IfMatch};
use schakel_domain::{AgencyId, AgencyKind, Region, Role};

/// One line of the list.
struct AgencyRow {
    id: String,
    name: String,
    kind: String,
    region: String,
    active: bool,
}

/// The fields of an agency form and their choices.
struct AgencyForm {
    f: Fields,
    kinds: Vec<Choice>,
    regions: Vec<Choice>,
}

impl AgencyForm {
    fn of(t: Texts, f: Fields) -> AgencyForm {
        AgencyForm {
            kinds: choices(t, "kind", AgencyKind::ALL, &[f.one("kind").to_owned()]),
            regions: choices(t, "region", Region::ALL, &[f.one("region").to_owned()]),
            f,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct ListPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<AgencyRow>,
    form: AgencyForm,
    e: Problems,
    done: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin_agency.html")]
struct EditPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    id: String,
    name: String,
    active: bool,
    version: i64,
    form: AgencyForm,
    e: Problems,
    done: Option<&'static str>,
    alert: Option<&'static str>,
}

/// The form's fields as an agency is now.
fn fields_of(a: &AgencyView) -> Fields {
    Fields::new(vec![
        ("name".to_owned(), a.name.clone()),
        ("kind".to_owned(), a.kind.to_string()),
        ("region".to_owned(), a.region.to_string()),
        ("contact_email".to_owned(), a.contact_email.clone()),
    ])
}

/// The agency the form describes (with stand-ins where a field is not valid) and the
/// messages of its fields.
fn parse(f: &Fields) -> (AgencyInput, Problems) {
    let mut e = Problems::default();
    if f.one("name").is_empty() || f.one("name").chars().count() > 120 {
        e.add("name", "admin.invalid.name");
    }
    let kind = f.code::<AgencyKind>("kind");
    if kind.is_none() {
        e.add("kind", "invalid.choose");
    }
    let region = f.code::<Region>("region");
    if region.is_none() {
        e.add("region", "invalid.choose");
    }
    if schakel_auth::admin::parse_email(f.one("contact_email")).is_err() {
        e.add("contact_email", "admin.invalid.email");
    }
    let input = AgencyInput {
        name: f.one("name").to_owned(),
        kind: kind.unwrap_or(AgencyKind::Other),
        region: region.unwrap_or(Region::National),
        contact_email: f.one("contact_email").to_owned(),
    };
    (input, e)
}

/// The field and message of what the use case refused.
fn refused(field: &str) -> (&'static str, &'static str) {
    match field {
        "email" | "contact_email" => ("contact_email", "admin.invalid.email"),
        _ => ("name", "admin.invalid.name"),
    }
}

fn status_of(e: &Problems, alert: bool) -> StatusCode {
    if !e.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if alert {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    }
}

/// Lists the agencies and shows the creating form with `f` and `e`.
async fn list_page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    f: Fields,
    e: Problems,
    done: Option<&'static str>,
) -> HttpResponse {
    let listed = run(req, state, v, |conn, c: &Call<'_>| {
        uc::list_agencies(conn, c.actor, c.ctx, c.now)
    });
    let list = match listed.await {
        Ok(Ended::Done(list)) => list,
        Ok(_) => return not_found(v.texts(), Some(Nav::of(v))),
        Err(e) => return e.page(v),
    };
    let t = v.texts();
    let rows = list
        .into_iter()
        .map(|a| AgencyRow {
            id: a.id.to_string(),
            kind: t.code("kind", a.kind.as_str()),
            region: t.code("region", a.region.as_str()),
            name: a.name,
            active: a.active,
        })
        .collect();
    let page = ListPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        rows,
        form: AgencyForm::of(t, f),
        done,
        e,
    };
    html(status_of(&page.e, false), &page)
}

/// `GET /admin/agencies`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<DoneQuery>,
) -> HttpResponse {
    match complete_viewer(&req, &state).await {
        Ok(v) => {
            list_page(
                &req,
                &state,
                &v,
                Fields::default(),
                Problems::default(),
                q.key(),
            )
            .await
        }
        Err(res) => res,
    }
}

/// `POST /admin/agencies`: creates an agency.
pub async fn create(req: HttpRequest, state: web::Data<WebState>, form: AdminForm) -> HttpResponse {
    let AdminForm { v, f, .. } = form;
    let admin = v.actor.role == Role::Admin;
    let (input, mut e) = parse(&f);
    if admin && !e.is_empty() {
        return list_page(&req, &state, &v, f, e, None).await;
    }
    // Anyone else is refused by the use case, whatever the form holds.
    let created = run(&req, &state, &v, move |conn, c: &Call<'_>| {
        uc::create_agency(conn, c.actor, &input, c.ctx, c.now)
    });
    match created.await {
        Ok(Ended::Done(_)) => see_other("/admin/agencies?done=agency_created"),
        Ok(Ended::Conflict(r)) => {
            e.add("name", conflict_key(r));
            list_page(&req, &state, &v, f, e, None).await
        }
        Ok(Ended::Invalid(field)) => {
            let (name, key) = refused(field);
            e.add(name, key);
            list_page(&req, &state, &v, f, e, None).await
        }
        Ok(Ended::Hidden | Ended::Stale) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => x.page(&v),
    }
}

/// What the agency page shows besides the agency.
#[derive(Default)]
struct Shown {
    /// The form as typed; `None`: the agency as it is.
    typed: Option<Fields>,
    e: Problems,
    done: Option<&'static str>,
    alert: Option<&'static str>,
}

impl Shown {
    fn typed(f: Fields, e: Problems) -> Shown {
        Shown {
            typed: Some(f),
            e,
            ..Shown::default()
        }
    }

    fn alert(key: &'static str) -> Shown {
        Shown {
            alert: Some(key),
            ..Shown::default()
        }
    }
}

/// Shows one agency.
async fn edit_page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: AgencyId,
    s: Shown,
) -> HttpResponse {
    let read = run(req, state, v, move |conn, c: &Call<'_>| {
        uc::get_agency(conn, c.actor, id, c.ctx, c.now)
    });
    let a = match read.await {
        Ok(Ended::Done(a)) => a,
        Ok(_) => return not_found(v.texts(), Some(Nav::of(v))),
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let f = s.typed.unwrap_or_else(|| fields_of(&a));
    let page = EditPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        id: a.id.to_string(),
        name: a.name,
        active: a.active,
        version: a.version,
        form: AgencyForm::of(t, f),
        done: s.done,
        alert: s.alert,
        e: s.e,
    };
    html(status_of(&page.e, page.alert.is_some()), &page)
}

/// `GET /admin/agencies/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    q: web::Query<DoneQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<AgencyId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let s = Shown {
        done: q.key(),
        ..Shown::default()
    };
    edit_page(&req, &state, &v, id, s).await
}

/// `POST /admin/agencies/{id}`: changes the agency from the version the form names.
pub async fn update(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: AdminForm,
) -> HttpResponse {
    let AdminForm { v, f, .. } = form;
    let Ok(id) = path.parse::<AgencyId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let admin = v.actor.role == Role::Admin;
    let (input, mut e) = parse(&f);
    if admin && !e.is_empty() {
        return edit_page(&req, &state, &v, id, Shown::typed(f, e)).await;
    }
    let version = f
        .one("version")
        .parse::<i64>()
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let changes = AgencyUpdate {
        name: Some(input.name),
        kind: Some(input.kind),
        region: Some(input.region),
        contact_email: Some(input.contact_email),
    };
    let saved = run(&req, &state, &v, move |conn, c: &Call<'_>| {
        uc::update_agency(conn, c.actor, id, version, &changes, c.ctx, c.now)
    });
    match saved.await {
        Ok(Ended::Done(_)) => see_other(&format!("/admin/agencies/{id}?done=agency_saved")),
        Ok(Ended::Stale) => {
            edit_page(&req, &state, &v, id, Shown::alert("admin.agency_changed")).await
        }
        Ok(Ended::Conflict(r)) => {
            e.add("name", conflict_key(r));
            edit_page(&req, &state, &v, id, Shown::typed(f, e)).await
        }
        Ok(Ended::Invalid(field)) => {
            let (name, key) = refused(field);
            e.add(name, key);
            edit_page(&req, &state, &v, id, Shown::typed(f, e)).await
        }
        Ok(Ended::Hidden) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => x.page(&v),
    }
}

/// `POST /admin/agencies/{id}/deactivate`: with all its accounts.
pub async fn deactivate(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: AdminForm,
) -> HttpResponse {
    let AdminForm { v, .. } = form;
    let Ok(id) = path.parse::<AgencyId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let ended = run(&req, &state, &v, move |conn, c: &Call<'_>| {
        uc::deactivate_agency(conn, c.actor, id, c.ctx, c.now)
    });
    match ended.await {
        Ok(Ended::Done(_)) => see_other(&format!("/admin/agencies/{id}?done=agency_deactivated")),
        Ok(Ended::Conflict(r)) => {
            edit_page(&req, &state, &v, id, Shown::alert(conflict_key(r))).await
        }
        Ok(Ended::Stale | Ended::Invalid(_)) => {
            let key = conflict_key(Conflict::AlreadyInState);
            edit_page(&req, &state, &v, id, Shown::alert(key)).await
        }
        Ok(Ended::Hidden) => not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => x.page(&v),
    }
}
