//! The investigations page (`/investigations`): the investigations of the viewer's
//! law-enforcement agency, newest first (reference, region, forms, start date, number
//! of suspects), and the form that opens one. A form that cannot be taken comes back as
//! typed, with a message at each field (422), and nothing is stored. Which agencies and
//! roles take part the use cases decide; a page only translates their refusal (a list
//! refused is 403, as in the API). Also what the menu shows of the compartment
//! ([`menu`]): a hint for the navigation, never a permission.

use crate::WebState;
use crate::forms::{Choice, Failure, Fields, Problems, choices, date, with_env};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, see_other};
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use schakel_domain::{ExploitationForm, Region};
use schakel_referral_workflow::offenders::{
    self as uc, InvestigationView, MAX_REFERENCE_CHARS, OpenInvestigationInput,
};

/// One line of the list.
struct Row {
    id: String,
    reference: String,
    region: String,
    forms: String,
    started: String,
    suspects: usize,
}

#[derive(Template)]
#[template(path = "investigations.html")]
struct InvestigationsPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    rows: Vec<Row>,
    f: Fields,
    e: Problems,
    regions: Vec<Choice>,
    forms: Vec<Choice>,
    max_reference: usize,
}

/// The forms of exploitation of a list, in words.
pub(crate) fn forms_words(t: Texts, forms: &[ExploitationForm]) -> String {
    forms
        .iter()
        .map(|f| t.code("form", f.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn row(t: Texts, i: InvestigationView) -> Row {
    Row {
        id: i.id.to_string(),
        reference: i.reference,
        region: t.code("region", i.region.as_str()),
        forms: forms_words(t, &i.exploitation_forms),
        started: i.started_on.format("%Y-%m-%d").to_string(),
        suspects: i.suspect_count,
    }
}

/// The investigation the form describes, or the messages of its fields.
fn parse(f: &Fields) -> Result<OpenInvestigationInput, Problems> {
    let mut e = Problems::default();
    let reference = f.one("reference");
    if reference.is_empty() {
        e.add("reference", "investigations.invalid.reference");
    } else if reference.chars().count() > MAX_REFERENCE_CHARS {
        e.add("reference", "investigations.invalid.reference_long");
    }
    let region = f.code::<Region>("region");
    if region.is_none() {
        e.add("region", "invalid.choose");
    }
    let forms: Vec<ExploitationForm> = f
        .all("form")
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    if forms.is_empty() {
        e.add("forms", "invalid.forms");
    }
    let started_on = date(f.one("started_on"));
    if started_on.is_none() {
        e.add("started_on", "invalid.date");
    }
    match (region, started_on, e.is_empty()) {
        (Some(region), Some(started_on), true) => Ok(OpenInvestigationInput {
            reference: reference.to_owned(),
            region,
            exploitation_forms: forms,
            started_on,
        }),
        _ => Err(e),
    }
}

/// The form field and message of a field the use case refused.
fn refused(field: &str) -> (&'static str, &'static str) {
    match field {
        "reference" => ("reference", "investigations.invalid.reference_text"),
        "exploitation_forms" => ("forms", "invalid.forms"),
        "started_on" => ("started_on", "investigations.invalid.started_on"),
        "region" => ("region", "invalid.choose"),
        _ => ("reference", "invalid.field"),
    }
}

/// The page: the agency's investigations and the form as typed with its messages; the
/// refusal's page when the viewer's agency or role does not take part.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    f: Fields,
    e: Problems,
) -> HttpResponse {
    let actor = v.actor;
    let listed = with_env(req, state, move |conn, env| {
        Ok(uc::list_investigations(conn, env, &actor)?)
    })
    .await;
    let list = match listed {
        Ok(list) => list,
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = InvestigationsPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        rows: list.into_iter().map(|i| row(t, i)).collect(),
        regions: choices(t, "region", Region::ALL, &[f.one("region").to_owned()]),
        forms: choices(t, "form", ExploitationForm::ALL, &f.all("form")),
        max_reference: MAX_REFERENCE_CHARS,
        f,
        e,
    };
    html(status, &page)
}

/// The confirmation the address asks for (`?done=…`) on the compartment's pages, as a
/// catalog key; anything unknown is ignored.
pub(crate) fn done(req: &HttpRequest) -> Option<&'static str> {
    req.query_string().split('&').find_map(|pair| {
        Some(match pair.strip_prefix("done=")? {
            "opened" => "investigations.done.opened",
            "suspect_added" => "investigations.done.suspect_added",
            "linked" => "investigations.done.linked",
            "unlinked" => "investigations.done.unlinked",
            "referred" => "investigations.done.referred",
            "accepted" => "investigations.done.accepted",
            "declined" => "investigations.done.declined",
            "started" => "investigations.done.started",
            "completed" => "investigations.done.completed",
            "withdrawn" => "investigations.done.withdrawn",
            "decision" => "investigations.done.decision",
            "judgment" => "investigations.done.judgment",
            _ => return None,
        })
    })
}

/// Today as a date field holds it.
pub(crate) fn today(state: &WebState) -> String {
    day(state.clock.now().date_naive())
}

/// A date as a date field holds it.
pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `GET /investigations`.
pub async fn list(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let f = Fields::new(vec![("started_on".to_owned(), today(&state))]);
    page(&req, &state, &v, f, Problems::default()).await
}

/// `POST /investigations`: opens one, then shows it.
pub async fn open(req: HttpRequest, state: web::Data<WebState>, form: SignedForm) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let input = match parse(&f) {
        Ok(input) => input,
        Err(e) => return page(&req, &state, &v, f, e).await,
    };
    let actor = v.actor;
    let opened = with_env(&req, &state, move |conn, env| {
        Ok(uc::open_investigation(conn, env, &actor, &input)?)
    })
    .await;
    match opened {
        Ok(i) => see_other(&format!("/investigations/{}?done=opened", i.id)),
        Err(Failure::Invalid(field)) => {
            let mut e = Problems::default();
            let (name, key) = refused(field);
            e.add(name, key);
            page(&req, &state, &v, f, e).await
        }
        Err(x) => x.page(&v),
    }
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
    fn a_complete_form_opens_an_investigation() {
        let input = parse(&fields(&[
            ("reference", " ON-2026-0415 "),
            ("region", "rotterdam"),
            ("form", "sexual"),
            ("form", "labour"),
            ("started_on", "2026-03-01"),
        ]))
        .unwrap();
        assert_eq!(input.reference, "ON-2026-0415");
        assert_eq!(input.region, Region::Rotterdam);
        assert_eq!(input.exploitation_forms.len(), 2);
        assert_eq!(input.started_on, date("2026-03-01").unwrap());
    }

    #[test]
    fn each_missing_or_unreadable_field_has_its_message() {
        let e = parse(&fields(&[
            ("region", "atlantis"),
            ("started_on", "1 maart"),
        ]))
        .unwrap_err();
        assert_eq!(e.of("reference"), Some("investigations.invalid.reference"));
        assert_eq!(e.of("region"), Some("invalid.choose"));
        assert_eq!(e.of("forms"), Some("invalid.forms"));
        assert_eq!(e.of("started_on"), Some("invalid.date"));
        let long = "x".repeat(MAX_REFERENCE_CHARS + 1);
        let e = parse(&fields(&[("reference", &long)])).unwrap_err();
        assert_eq!(
            e.of("reference"),
            Some("investigations.invalid.reference_long")
        );
        assert_eq!(refused("exploitation_forms"), ("forms", "invalid.forms"));
        assert_eq!(refused("started_on").0, "started_on");
    }

    #[test]
    fn the_address_asks_for_known_confirmations_only() {
        let req = |q: &str| {
            actix_web::test::TestRequest::get()
                .uri(&format!("/investigations?{q}"))
                .to_http_request()
        };
        assert_eq!(
            done(&req("done=opened")),
            Some("investigations.done.opened")
        );
        assert_eq!(
            done(&req("box=sent&done=declined")),
            Some("investigations.done.declined")
        );
        assert_eq!(done(&req("done=%3Cscript%3E")), None);
        assert_eq!(done(&req("")), None);
    }
}
