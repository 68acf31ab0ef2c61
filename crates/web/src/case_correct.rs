//! Correcting a case from its own page (the person's right to rectification): `GET
//! /cases/{id}/correct` shows the form filled with the case as it is now; `POST` sends
//! the person's whole identity and gender, the region, the forms of exploitation and the
//! notes at opening, with the version of the case the form was made from. Corrected, the
//! case page confirms it and its rectification record lists what changed.
//!
//! Refused input comes back as typed with a message next to the field (422); a case
//! changed meanwhile comes back with its current values and a message (409), as does a
//! person whose identity retention erased, which cannot be corrected. Nothing is changed
//! then. Only the owning agency corrects a case: anyone else gets 404, as for a case that
//! does not exist. What may be corrected, and how, the use case decides.

use crate::WebState;
use crate::drafts::{self, Slot};
use crate::forms::{Choice, Failure, Fields, Problems, choices, with_env};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html_with_drafts, see_other};
use crate::person_form;
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{Actor, CaseId, DraftForm, ExploitationForm, Gender, Region};
use schakel_referral_workflow::cases::{CorrectCaseInput, correct_case, get_case};
use schakel_referral_workflow::views::{AccessKind, CaseView};
use schakel_referral_workflow::{Conflict, Env, IfMatch};
use schakel_store::DbConn;

#[derive(Template)]
#[template(path = "case_correct.html")]
struct CorrectPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    id: String,
    alert: Option<&'static str>,
    correctable: bool,
    e: Problems,
    f: Fields,
    genders: Vec<Choice>,
    regions: Vec<Choice>,
    forms: Vec<Choice>,
    stateless: bool,
    draft: Slot,
}

/// The form as typed (`None`: as the case is now), its messages, and a message about
/// the case (a catalog key).
#[derive(Default)]
struct Draft {
    typed: Option<Fields>,
    e: Problems,
    alert: Option<&'static str>,
}

/// The form filled with the case as it is now.
fn current(c: &CaseView) -> Fields {
    let mut pairs = match &c.person.identity {
        Some(i) => person_form::fields_of(i, c.person.gender),
        None => Vec::new(),
    };
    let mut add = |k: &str, v: String| pairs.push((k.to_owned(), v));
    add("region", c.region.to_string());
    for form in &c.exploitation_forms {
        add("form", form.to_string());
    }
    add("notes", c.notes.clone().unwrap_or_default());
    add("version", c.version.to_string());
    Fields::new(pairs)
}

/// The page of case `id`: the form as `draft` says, or 404 for anyone but the owner.
async fn form_page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    draft: Draft,
) -> HttpResponse {
    let actor = v.actor;
    let found = with_env(req, state, move |conn, env| {
        let case = get_case(conn, env, &actor, id)?;
        if case.access != AccessKind::Owner {
            return Err(Failure::Hidden);
        }
        Ok(case)
    })
    .await;
    let c = match found {
        Ok(c) => c,
        Err(Failure::Forbidden) => return Failure::Hidden.page(v),
        Err(x) => return x.page(v),
    };
    let Draft { typed, e, alert } = draft;
    let correctable = c.person.identity.is_some() && !c.person.erased;
    let alert = if correctable {
        alert
    } else {
        Some("correct.erased")
    };
    let status = if !e.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    // A resumed draft is made from the case as it is now.
    let f = match typed {
        Some(f) if f.one("version").is_empty() => {
            let mut pairs = f.pairs().to_vec();
            pairs.push(("version".to_owned(), c.version.to_string()));
            Fields::new(pairs)
        }
        Some(f) => f,
        None => current(&c),
    };
    let t = v.texts();
    let page = CorrectPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        id: id.to_string(),
        alert,
        correctable,
        genders: choices(t, "gender", Gender::ALL, &[f.one("gender").to_owned()]),
        regions: choices(t, "region", Region::ALL, &[f.one("region").to_owned()]),
        forms: choices(t, "form", ExploitationForm::ALL, &f.all("form")),
        stateless: f.ticked("stateless"),
        draft: Slot::again(DraftForm::Correction, Some(id), &f),
        e,
        f,
    };
    html_with_drafts(status, &page)
}

/// `GET /cases/{id}/correct`.
pub async fn form(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let draft = match drafts::resume(&req, &state, &v, DraftForm::Correction, Some(id)).await {
        Ok(Some((_, f))) => Draft::typed(f, Problems::default()),
        Ok(None) => Draft::default(),
        Err(x) => return x.page(&v),
    };
    form_page(&req, &state, &v, id, draft).await
}

/// The correction the form describes (every field of it), or the messages of its fields.
fn parse(f: &Fields) -> Result<CorrectCaseInput, Problems> {
    let mut e = Problems::default();
    let identity = person_form::identity(f, &mut e);
    let gender = person_form::gender(f, &mut e);
    let region = f.code::<Region>("region");
    if region.is_none() {
        e.add("region", "invalid.choose");
    }
    let forms = f
        .all("form")
        .iter()
        .map(|c| c.parse::<ExploitationForm>().ok())
        .collect::<Option<Vec<_>>>()
        .filter(|forms| !forms.is_empty());
    if forms.is_none() {
        e.add("forms", "invalid.forms");
    }
    match (gender, region, forms, e.is_empty()) {
        (Some(gender), Some(region), Some(forms), true) => Ok(CorrectCaseInput {
            identity: Some(identity),
            gender: Some(gender),
            region: Some(region),
            exploitation_forms: Some(forms),
            notes: Some(f.raw("notes")),
        }),
        _ => Err(e),
    }
}

/// The messages of a field the use case refused.
fn refused(field: &str) -> Problems {
    let (name, key) = match field {
        "region" => ("region", "invalid.choose"),
        "exploitation_forms" => ("forms", "invalid.forms"),
        "notes" => ("notes", "invalid.text"),
        other => person_form::refused(other).unwrap_or(("form", "invalid.field")),
    };
    let mut e = Problems::default();
    e.add(name, key);
    e
}

/// Whether two texts are the same but for their line breaks and surrounding spaces.
fn same_text(typed: &str, held: &str) -> bool {
    typed.replace("\r\n", "\n").trim() == held.replace("\r\n", "\n").trim()
}

/// A browser sends each line break of a text area as CR LF: a text that differs from
/// the case's only in its line breaks is the text held, not a correction of it.
fn as_held(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    mut input: CorrectCaseInput,
) -> Result<CorrectCaseInput, Failure> {
    let contact = input.identity.as_ref().and_then(|i| i.contact.as_deref());
    let notes = input.notes.as_deref();
    if ![contact, notes].iter().flatten().any(|t| t.contains('\r')) {
        return Ok(input);
    }
    let c = get_case(conn, env, who, id)?;
    let held = c.person.identity.as_ref().and_then(|i| i.contact.clone());
    if let (Some(i), Some(held)) = (input.identity.as_mut(), held)
        && i.contact
            .as_deref()
            .is_some_and(|typed| same_text(typed, &held))
    {
        i.contact = Some(held);
    }
    if let (Some(typed), Some(held)) = (input.notes.as_deref(), c.notes.as_deref())
        && same_text(typed, held)
    {
        input.notes = None;
    }
    Ok(input)
}

/// `POST /cases/{id}/correct`: corrects the case, made from the version named.
pub async fn save(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let input = match parse(&f) {
        Ok(i) => i,
        Err(e) => {
            let f = drafts::keep(&req, &state, &v, DraftForm::Correction, Some(id), f).await;
            return form_page(&req, &state, &v, id, Draft::typed(f, e)).await;
        }
    };
    let made_from = f.one("version").parse::<i64>().ok();
    let version = made_from.map_or(IfMatch::NeverMatches, IfMatch::Version);
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        let input = as_held(conn, env, &actor, id, input)?;
        Ok(correct_case(conn, env, &actor, id, version, &input)?)
    })
    .await;
    let draft = match done {
        Ok(c) => {
            drafts::finish(&req, &state, &v, &f).await;
            let done = if Some(c.version) == made_from {
                "case_unchanged"
            } else {
                "case_corrected"
            };
            return see_other(&format!("/cases/{id}?done={done}"));
        }
        Err(Failure::Invalid(field)) => {
            let f = drafts::keep(&req, &state, &v, DraftForm::Correction, Some(id), f).await;
            Draft::typed(f, refused(field))
        }
        Err(Failure::Conflict(None)) => Draft::alert("correct.changed"),
        Err(Failure::Conflict(Some(Conflict::PersonErased))) => Draft::alert("correct.erased"),
        Err(Failure::Forbidden) => return Failure::Hidden.page(&v),
        Err(x) => return x.page(&v),
    };
    form_page(&req, &state, &v, id, draft).await
}

impl Draft {
    fn typed(f: Fields, e: Problems) -> Draft {
        Draft {
            typed: Some(f),
            e,
            alert: None,
        }
    }

    /// The form with the case as it is now and a message about it.
    fn alert(key: &'static str) -> Draft {
        Draft {
            alert: Some(key),
            ..Draft::default()
        }
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
    fn the_form_is_every_field_of_the_correction() {
        let input = parse(&fields(&[
            ("family_name", "Popescu-Ionescu"),
            ("date_of_birth", "1990-04-03"),
            ("gender", "female"),
            ("region", "den_haag"),
            ("form", "labour"),
            ("form", "sexual"),
            ("notes", ""),
        ]))
        .unwrap();
        let identity = input.identity.unwrap();
        assert_eq!(identity.family_name.as_deref(), Some("Popescu-Ionescu"));
        assert!(
            identity.given_names.is_none(),
            "an empty field is sent as empty"
        );
        assert_eq!(input.region, Some(Region::DenHaag));
        assert_eq!(input.exploitation_forms.unwrap().len(), 2);
        assert_eq!(input.notes.as_deref(), Some(""), "empty notes remove them");
    }

    #[test]
    fn each_refused_field_has_its_message() {
        let e = parse(&fields(&[
            ("date_of_birth", "2 april"),
            ("region", "atlantis"),
            ("form", "labour"),
            ("form", "piracy"),
        ]))
        .unwrap_err();
        assert_eq!(e.of("date_of_birth"), Some("invalid.date"));
        assert_eq!(e.of("region"), Some("invalid.choose"));
        assert_eq!(e.of("forms"), Some("invalid.forms"));
        let e = parse(&fields(&[("region", "amsterdam")])).unwrap_err();
        assert_eq!(e.of("forms"), Some("invalid.forms"));
        assert_eq!(
            refused("nationalities").of("nationalities"),
            Some("invalid.countries")
        );
        assert_eq!(refused("notes").of("notes"), Some("invalid.text"));
        assert_eq!(
            refused("exploitation_forms").of("forms"),
            Some("invalid.forms")
        );
        assert_eq!(refused("something").of("form"), Some("invalid.field"));
    }

    #[test]
    fn line_breaks_alone_do_not_change_a_text() {
        assert!(same_text(
            "Keizersgracht 1\r\nAmsterdam",
            "Keizersgracht 1\nAmsterdam"
        ));
        assert!(same_text("a\r\nb\r\n", "a\r\nb"));
        assert!(!same_text("a\r\nb", "a b"));
    }
}
