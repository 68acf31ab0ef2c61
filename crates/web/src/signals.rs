//! The signal form: what was seen (indicators by group, exploitation forms, the Palermo
//! elements), on what basis it is reported, and the person when known. Saving logs the
//! signal and, with a person, opens the case from it and shows the case; an anonymous
//! signal shows its confirmation. Bad input is shown again as typed, with a message next
//! to each field; nothing is saved then. The form keeps itself as a draft while it is
//! typed (see `drafts`), resumes from one, and finishes it once saved; its check button
//! shows whether the person is already known to the agency (see `known_persons`), and a
//! known case's button saves the signal attached to that case (`attach_case`): then the
//! person's fields typed are not used, the signal takes the case's person and its own
//! page is shown. An attach the use case refuses shows the form again with why.

use crate::WebState;
use crate::drafts::{self, Slot};
use crate::forms::{Choice, Failure, Fields, Problems, choices, date, once_key, once_of, with_env};
use crate::i18n::{Lang, Texts};
use crate::known_persons::{self, Checked};
use crate::pages::{Nav, complete_viewer, html, html_with_drafts, see_other};
use crate::person_form;
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::indicators::{INDICATORS, IndicatorGroup};
use schakel_domain::{
    Action, CaseId, DraftForm, ExploitationForm, Gender, Palermo, Region, ReportingBasis, SignalId,
};
use schakel_referral_workflow::cases::{OpenCaseInput, open_case};
use schakel_referral_workflow::idempotency::{Created, IdempotencyKey};
use schakel_referral_workflow::signals::{PersonInput, SignalInput, create_signal, get_signal};
use schakel_referral_workflow::{Conflict, Env, UseCaseError};
use schakel_store::DbConn;

/// One group of the indicator checklist.
struct Group {
    legend: String,
    items: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "signal_new.html")]
struct SignalPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    once: String,
    e: Problems,
    f: Fields,
    regions: Vec<Choice>,
    forms: Vec<Choice>,
    groups: Vec<Group>,
    bases: Vec<Choice>,
    genders: Vec<Choice>,
    act: bool,
    means: bool,
    purpose: bool,
    stateless: bool,
    draft: Slot,
    known: Checked,
}

fn form_page(v: &Viewer, f: Fields, e: Problems, once: String) -> HttpResponse {
    checked_page(v, f, e, once, Checked::Not)
}

/// The form with what the known-person check found.
fn checked_page(v: &Viewer, f: Fields, e: Problems, once: String, known: Checked) -> HttpResponse {
    let t = v.texts();
    let one = |name: &str| vec![f.one(name).to_owned()];
    let ticked = f.all("indicator");
    let groups = IndicatorGroup::ALL
        .iter()
        .map(|g| Group {
            legend: t.code("indicator_group", g.as_str()),
            items: INDICATORS
                .iter()
                .filter(|i| i.group == *g)
                .map(|i| Choice {
                    code: i.code.to_owned(),
                    words: match t.lang {
                        Lang::En => i.label_en.to_owned(),
                        Lang::Nl => i.label_nl.to_owned(),
                    },
                    on: ticked.iter().any(|c| c == i.code),
                })
                .collect(),
        })
        .collect();
    let gender = match f.one("gender") {
        "" => vec!["unknown".to_owned()],
        g => vec![g.to_owned()],
    };
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = SignalPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        once,
        regions: choices(t, "region", Region::ALL, &one("region")),
        forms: choices(t, "form", ExploitationForm::ALL, &f.all("form")),
        groups,
        bases: choices(t, "basis", ReportingBasis::ALL, &one("reporting_basis")),
        genders: choices(t, "gender", Gender::ALL, &gender),
        act: f.ticked("act"),
        means: f.ticked("means"),
        purpose: f.ticked("purpose"),
        stateless: f.ticked("stateless"),
        draft: Slot::again(DraftForm::Signal, None, &f),
        known,
        e,
        f,
    };
    html_with_drafts(status, &page)
}

/// `GET /signals/new`.
pub async fn new(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    if !v.actor.may(
        Action::CreateSignal,
        schakel_domain::Relationship::OwnAgency,
    ) {
        return Failure::Forbidden.page(&v);
    }
    let today = state
        .clock
        .now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let f = match drafts::resume(&req, &state, &v, DraftForm::Signal, None).await {
        Ok(Some((_, f))) => f,
        Ok(None) => Fields::new(vec![("observed_on".to_owned(), today)]),
        Err(x) => return x.page(&v),
    };
    form_page(&v, f, Problems::default(), once_key())
}

/// The signal the form describes (attached to case `attach`, when given, and then
/// without the person's fields), or the messages of its fields.
fn parse(f: &Fields, attach: Option<CaseId>) -> Result<SignalInput, Problems> {
    let mut e = Problems::default();
    let observed_on = date(f.one("observed_on"));
    if observed_on.is_none() {
        e.add("observed_on", "invalid.date");
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
    let basis = reporting_basis(f, &mut e, attach.is_some());
    let person = match attach {
        Some(_) => None,
        None => Some(person(f, &mut e)),
    };
    let (Some(observed_on), Some(region), Some(reporting_basis), true) =
        (observed_on, region, basis, e.is_empty())
    else {
        return Err(e);
    };
    Ok(SignalInput {
        observed_on,
        region,
        exploitation_forms: forms,
        indicators: f.all("indicator"),
        palermo: Palermo {
            act: f.ticked("act"),
            means: f.ticked("means"),
            purpose: f.ticked("purpose"),
        },
        reporting_basis,
        summary: f.text("summary"),
        person: person
            .flatten()
            .filter(|_| reporting_basis != ReportingBasis::Anonymous),
        case_id: attach,
    })
}

/// The basis the signal is reported on; a message if none is chosen, or if an
/// anonymous report names anything of the person or is `attaching` to a case.
fn reporting_basis(f: &Fields, e: &mut Problems, attaching: bool) -> Option<ReportingBasis> {
    let basis = f.code::<ReportingBasis>("reporting_basis");
    let anonymous = basis == Some(ReportingBasis::Anonymous);
    if basis.is_none() {
        e.add("reporting_basis", "invalid.choose");
    } else if anonymous && attaching {
        e.add("reporting_basis", "invalid.anonymous_attach");
    } else if anonymous
        && person_form::TEXT_FIELDS
            .iter()
            .any(|p| !f.one(p).is_empty())
    {
        e.add("reporting_basis", "invalid.anonymous_with_person");
    }
    basis
}

/// The person as the form describes them (used unless the report is anonymous); `None`
/// with a message when the gender is not one we know.
fn person(f: &Fields, e: &mut Problems) -> Option<PersonInput> {
    let identity = person_form::identity(f, e);
    let gender = person_form::gender(f, e)?;
    Some(PersonInput { identity, gender })
}

/// The form field and message of a field the use case refused.
fn refused_field(field: &str) -> (&'static str, &'static str) {
    match field {
        "observed_on" => ("observed_on", "invalid.observed_on"),
        "exploitation_forms" => ("forms", "invalid.forms"),
        "indicators" => ("indicators", "invalid.indicators"),
        "reporting_basis" => ("reporting_basis", "invalid.anonymous_with_person"),
        "summary" => ("summary", "invalid.text"),
        other => person_form::refused(other).unwrap_or(("summary", "invalid.field")),
    }
}

/// Where a saved signal leads: its case, or its own page when anonymous or attached.
enum Saved {
    Case(CaseId),
    Signal(SignalId),
}

/// The case the form's attach button named, if one was pressed; a value that is no
/// case id is answered as a case that does not exist.
fn attach_case(f: &Fields) -> Result<Option<CaseId>, Failure> {
    match f.one("attach_case") {
        "" => Ok(None),
        id => id.parse().map(Some).map_err(|_| Failure::Hidden),
    }
}

/// The messages of a signal the use case refused: a field of the form or, `attaching`,
/// the case that does not take it; any other failure is its page.
fn refusal(x: Failure, attaching: bool) -> Result<Problems, Failure> {
    let (name, key) = match x {
        Failure::Invalid("reporting_basis") if attaching => {
            ("reporting_basis", "invalid.anonymous_attach")
        }
        Failure::Invalid(field) => refused_field(field),
        Failure::Conflict(Some(Conflict::CaseClosed)) if attaching => {
            ("attach_case", "known.attach_closed")
        }
        Failure::Hidden | Failure::Conflict(Some(Conflict::PersonErased)) if attaching => {
            ("attach_case", "known.attach_gone")
        }
        other => return Err(other),
    };
    let mut e = Problems::default();
    e.add(name, key);
    Ok(e)
}

/// Logs the signal once per `key` and, when it names a new person, opens the case from
/// it.
fn save(
    conn: &mut DbConn,
    env: &Env<'_>,
    actor: &schakel_domain::Actor,
    input: &SignalInput,
    key: Option<&IdempotencyKey>,
) -> Result<Saved, Failure> {
    let created = create_signal(conn, env, actor, input, key)?;
    let id = match created {
        Created::New { value, .. } => value.id,
        Created::Replayed { body, .. } => crate::replay::replayed_id::<SignalId>(&body)
            .ok_or_else(|| Failure::Internal("a stored signal id".to_owned()))?,
    };
    if input.person.is_none() {
        return Ok(Saved::Signal(id));
    }
    let open = OpenCaseInput {
        signal_id: Some(id),
        person: None,
        region: None,
        exploitation_forms: None,
        notes: None,
    };
    match open_case(conn, env, actor, &open, None).map(Created::into_new) {
        Ok(Some(case)) => Ok(Saved::Case(case.id)),
        Ok(None) => Ok(Saved::Signal(id)),
        Err(UseCaseError::Conflict(Conflict::SignalHasCase)) => {
            match get_signal(conn, env, actor, id)?.case_id {
                Some(case) => Ok(Saved::Case(case)),
                None => Ok(Saved::Signal(id)),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /signals/new`.
pub async fn create(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let once = match f.one("once") {
        "" => once_key(),
        k => k.to_owned(),
    };
    let attach = match attach_case(&f) {
        Ok(a) => a,
        Err(x) => return x.page(&v),
    };
    let input = match parse(&f, attach) {
        Ok(i) => i,
        Err(e) => {
            let f = drafts::keep(&req, &state, &v, DraftForm::Signal, None, f).await;
            return form_page(&v, f, e, once);
        }
    };
    let key = once_of(&f, "/signals/new");
    let actor = v.actor;
    let saved = with_env(&req, &state, move |conn, env| {
        save(conn, env, &actor, &input, key.as_ref())
    })
    .await;
    if saved.is_ok() {
        drafts::finish(&req, &state, &v, &f).await;
    }
    match saved.map_err(|x| refusal(x, attach.is_some())) {
        Ok(Saved::Case(id)) => see_other(&format!("/cases/{id}?done=signal_saved")),
        Ok(Saved::Signal(id)) => see_other(&format!("/signals/{id}")),
        Err(Ok(e)) => {
            let f = drafts::keep(&req, &state, &v, DraftForm::Signal, None, f).await;
            form_page(&v, f, e, once)
        }
        Err(Err(other)) => other.page(&v),
    }
}

#[derive(Template)]
#[template(path = "signal.html")]
struct SignalShown {
    t: Texts,
    nav: Option<Nav>,
    observed_on: String,
    region: String,
    forms: String,
    basis: String,
    anonymous: bool,
    indicators: usize,
    elements_met: bool,
    case_id: Option<String>,
}

/// `GET /signals/{id}`: a logged signal (the confirmation of an anonymous one).
pub async fn show(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<SignalId>() else {
        return Failure::Hidden.page(&v);
    };
    let actor = v.actor;
    let found = with_env(&req, &state, move |conn, env| {
        Ok(get_signal(conn, env, &actor, id)?)
    })
    .await;
    let s = match found {
        Ok(s) => s,
        Err(e) => return e.page(&v),
    };
    let t = v.texts();
    html(
        StatusCode::OK,
        &SignalShown {
            t,
            nav: Some(Nav::of(&v)),
            observed_on: s.observed_on.format("%Y-%m-%d").to_string(),
            region: t.code("region", s.region.as_str()),
            forms: s
                .exploitation_forms
                .iter()
                .map(|f| t.code("form", f.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
            basis: t.code("basis", s.reporting_basis.as_str()),
            anonymous: s.anonymous,
            indicators: s.indicators.len(),
            elements_met: s.palermo_elements_met,
            case_id: s.case_id.map(|c| c.to_string()),
        },
    )
}

/// `POST /signals/new/check`: the form again, kept as its draft, with the agency's own
/// cases of the person it names (see `known_persons`).
pub async fn check(req: HttpRequest, state: web::Data<WebState>, form: SignedForm) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    if !v.actor.may(
        Action::CreateSignal,
        schakel_domain::Relationship::OwnAgency,
    ) {
        return Failure::Forbidden.page(&v);
    }
    let once = match f.one("once") {
        "" => once_key(),
        k => k.to_owned(),
    };
    let f = drafts::keep(&req, &state, &v, DraftForm::Signal, None, f).await;
    match known_persons::look_up(&req, &state, &v, &f).await {
        Ok(known) => checked_page(&v, f, Problems::default(), once, known),
        Err(x) => x.page(&v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(x: Failure, attaching: bool, field: &str) -> Option<&'static str> {
        refusal(x, attaching).ok().and_then(|e| e.of(field))
    }

    #[test]
    fn a_refused_attach_is_said_by_the_check_and_anything_else_as_before() {
        let closed = || Failure::Conflict(Some(Conflict::CaseClosed));
        assert_eq!(
            message(closed(), true, "attach_case"),
            Some("known.attach_closed")
        );
        assert_eq!(
            message(Failure::Hidden, true, "attach_case"),
            Some("known.attach_gone")
        );
        let erased = Failure::Conflict(Some(Conflict::PersonErased));
        assert_eq!(
            message(erased, true, "attach_case"),
            Some("known.attach_gone")
        );
        let anonymous = || Failure::Invalid("reporting_basis");
        assert_eq!(
            message(anonymous(), true, "reporting_basis"),
            Some("invalid.anonymous_attach")
        );
        assert_eq!(
            message(anonymous(), false, "reporting_basis"),
            Some("invalid.anonymous_with_person")
        );
        assert!(matches!(
            refusal(Failure::Hidden, false),
            Err(Failure::Hidden)
        ));
        assert!(refusal(closed(), false).is_err(), "not a form's message");
    }

    #[test]
    fn an_attach_button_names_a_case_or_nothing() {
        let f = |v: &str| Fields::new(vec![("attach_case".to_owned(), v.to_owned())]);
        assert!(matches!(attach_case(&f("")), Ok(None)));
        let id = CaseId::new_random();
        assert!(matches!(attach_case(&f(&id.to_string())), Ok(Some(c)) if c == id));
        assert!(matches!(attach_case(&f("../1")), Err(Failure::Hidden)));
    }
}
