//! An investigation's page (`/investigations/{id}`): its reference, region, forms and
//! start, its suspects (name, role, the day registered, the state of the newest
//! referral to the prosecution, the last decision or judgment) and the form that
//! registers a suspect (names, date of birth or stated age, gender, country of birth,
//! nationalities, role, the day registered). The form posts to the page's own address;
//! refused, it comes back as typed with a message at each field (422) and nothing is
//! stored. Only the investigating agency reads the page: the use case answers anyone
//! else as if there were no such investigation (404).

use crate::WebState;
use crate::forms::{Choice, Failure, Fields, Problems, choices, date, with_env};
use crate::i18n::Texts;
use crate::investigations::{day, done, forms_words, today};
use crate::pages::{Nav, complete_viewer, html, see_other};
use crate::person_form;
use crate::session::Viewer;
use crate::signed::SignedForm;
use crate::suspects_shown::{last_step, latest, name};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::vocabulary::is_country_code;
use schakel_domain::{Action, Gender, InvestigationId, Relationship, SuspectRole};
use schakel_referral_workflow::offenders::{self as uc, AddSuspectInput, InvestigationView};

/// One suspect of the investigation.
struct SuspectRow {
    id: String,
    name: String,
    role: String,
    registered_on: String,
    referral: String,
    last_step: String,
}

#[derive(Template)]
#[template(path = "investigation.html")]
struct InvestigationPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    id: String,
    reference: String,
    region: String,
    forms: String,
    started: String,
    suspects: Vec<SuspectRow>,
    may_add: bool,
    f: Fields,
    e: Problems,
    genders: Vec<Choice>,
    roles: Vec<Choice>,
    done: Option<&'static str>,
    alert: Option<&'static str>,
}

/// The suspect the form describes, or the messages of its fields.
fn parse(f: &Fields) -> Result<AddSuspectInput, Problems> {
    let mut e = Problems::default();
    let identity = person_form::identity(f, &mut e);
    let gender = person_form::gender(f, &mut e);
    let role = f.code::<SuspectRole>("role");
    if role.is_none() {
        e.add("role", "invalid.choose");
    }
    let registered_on = match f.one("registered_on") {
        "" => None,
        d => date(d).or_else(|| {
            e.add("registered_on", "invalid.date");
            None
        }),
    };
    let country_of_birth = match f.one("country_of_birth") {
        "" => None,
        c if is_country_code(c) => Some(c.to_ascii_uppercase()),
        _ => {
            e.add(
                "country_of_birth",
                "investigations.invalid.country_of_birth",
            );
            None
        }
    };
    match (gender, role, e.is_empty()) {
        (Some(gender), Some(role), true) => Ok(AddSuspectInput {
            identity,
            country_of_birth,
            gender,
            role,
            registered_on,
        }),
        _ => Err(e),
    }
}

/// The form field and message of a field the use case refused.
fn refused(field: &str) -> (&'static str, &'static str) {
    match field {
        "registered_on" => ("registered_on", "investigations.invalid.registered_on"),
        "country_of_birth" => (
            "country_of_birth",
            "investigations.invalid.country_of_birth",
        ),
        "role" => ("role", "invalid.choose"),
        other => person_form::refused(other).unwrap_or(("family_name", "invalid.field")),
    }
}

fn row(t: Texts, s: &schakel_referral_workflow::offenders::SuspectView) -> SuspectRow {
    SuspectRow {
        id: s.id.to_string(),
        name: name(t, &s.identity),
        role: t.code("investigations.role", s.role.as_str()),
        registered_on: day(s.registered_on),
        referral: latest(&s.referrals).map_or_else(
            || t.get("investigations.not_referred").to_owned(),
            |r| t.code("state", r.state.as_str()),
        ),
        last_step: last_step(t, &s.steps).unwrap_or_else(|| "—".to_owned()),
    }
}

/// The page of investigation `id` with the form as typed and its messages; the
/// refusal's page when the viewer may not read it.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: InvestigationId,
    (f, e): (Fields, Problems),
    alert: Option<&'static str>,
) -> HttpResponse {
    let actor = v.actor;
    let read = with_env(req, state, move |conn, env| {
        Ok(uc::read_investigation(conn, env, &actor, id)?)
    })
    .await;
    let i: InvestigationView = match read {
        Ok(i) => i,
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let status = match (e.is_empty(), alert) {
        (false, _) => StatusCode::UNPROCESSABLE_ENTITY,
        (true, Some(_)) => StatusCode::CONFLICT,
        (true, None) => StatusCode::OK,
    };
    let gender = match f.one("gender") {
        "" => "unknown".to_owned(),
        g => g.to_owned(),
    };
    let page = InvestigationPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        id: i.id.to_string(),
        reference: i.reference.clone(),
        region: t.code("region", i.region.as_str()),
        forms: forms_words(t, &i.exploitation_forms),
        started: day(i.started_on),
        suspects: i.suspects.iter().map(|s| row(t, s)).collect(),
        may_add: v
            .actor
            .may(Action::KeepInvestigation, Relationship::OwnAgency),
        genders: choices(t, "gender", Gender::ALL, &[gender]),
        roles: choices(
            t,
            "investigations.role",
            SuspectRole::ALL,
            &[f.one("role").to_owned()],
        ),
        done: if e.is_empty() && alert.is_none() {
            done(req)
        } else {
            None
        },
        alert,
        f,
        e,
    };
    html(status, &page)
}

/// `GET /investigations/{id}`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<InvestigationId>() else {
        return Failure::Hidden.page(&v);
    };
    let f = Fields::new(vec![("registered_on".to_owned(), today(&state))]);
    page(&req, &state, &v, id, (f, Problems::default()), None).await
}

/// `POST /investigations/{id}`: registers a suspect, then shows the suspect.
pub async fn add_suspect(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Ok(id) = path.parse::<InvestigationId>() else {
        return Failure::Hidden.page(&v);
    };
    let input = match parse(&f) {
        Ok(input) => input,
        Err(e) => return page(&req, &state, &v, id, (f, e), None).await,
    };
    let actor = v.actor;
    let added = with_env(&req, &state, move |conn, env| {
        Ok(uc::add_suspect(conn, env, &actor, id, &input)?)
    })
    .await;
    let mut e = Problems::default();
    match added {
        Ok(s) => return see_other(&format!("/suspects/{}?done=suspect_added", s.id)),
        Err(Failure::Invalid(field)) => {
            let (name, key) = refused(field);
            e.add(name, key);
        }
        Err(Failure::Conflict(_)) => {
            let alert = Some("investigations.alert.changed");
            return page(&req, &state, &v, id, (f, e), alert).await;
        }
        Err(x) => return x.page(&v),
    }
    page(&req, &state, &v, id, (f, e), None).await
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
    fn a_suspect_is_read_from_the_form() {
        let input = parse(&fields(&[
            ("given_names", "Jan"),
            ("family_name", "Uitbuiter"),
            ("date_of_birth", "1980-05-05"),
            ("gender", "male"),
            ("country_of_birth", "nl"),
            ("nationalities", "NL, BE"),
            ("role", "exploiter"),
            ("registered_on", "2026-03-10"),
        ]))
        .unwrap();
        assert_eq!(input.identity.family_name.as_deref(), Some("Uitbuiter"));
        assert_eq!(input.identity.nationalities, ["NL", "BE"]);
        assert_eq!(input.country_of_birth.as_deref(), Some("NL"));
        assert_eq!(input.role, SuspectRole::Exploiter);
        assert_eq!(input.registered_on, date("2026-03-10"));
        let nameless = parse(&fields(&[("role", "other")])).unwrap();
        assert_eq!(nameless.gender, Gender::Unknown);
        assert!(
            nameless.registered_on.is_none(),
            "today, as the use case takes it"
        );
    }

    #[test]
    fn each_field_that_cannot_be_read_has_its_message() {
        let e = parse(&fields(&[
            ("date_of_birth", "5 mei"),
            ("stated_age", "oud"),
            ("gender", "robot"),
            ("country_of_birth", "ZZ"),
            ("registered_on", "gisteren"),
        ]))
        .unwrap_err();
        for (field, key) in [
            ("date_of_birth", "invalid.date"),
            ("stated_age", "invalid.stated_age"),
            ("gender", "invalid.choose"),
            ("role", "invalid.choose"),
            (
                "country_of_birth",
                "investigations.invalid.country_of_birth",
            ),
            ("registered_on", "invalid.date"),
        ] {
            assert_eq!(e.of(field), Some(key), "{field}");
        }
        assert_eq!(
            refused("nationalities"),
            ("nationalities", "invalid.countries")
        );
        assert_eq!(refused("registered_on").0, "registered_on");
    }
}
