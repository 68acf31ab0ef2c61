//! The referral form of a case: first the directory, narrowed by kind and region with a
//! GET form, then the choice of agency, the purpose, the urgency and a message. Sending
//! the same form twice sends one referral. Only the case's own agency may refer it; any
//! other viewer gets 404, as in the API. The form keeps itself as a draft while it is
//! typed (see `drafts`), resumes from one, and finishes it once sent.

use crate::WebState;
use crate::directory_fit::Need;
use crate::drafts::{self, Slot};
use crate::forms::{
    Choice, Directory, DirectoryQuery, Failure, Fields, Problems, Routing, choices, directory,
    once_key, once_of, with_env,
};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html_with_drafts, see_other};
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{
    AgencyId, CaseId, CaseStatus, DraftForm, PersonFacts, ReferralId, ReferralPurpose, Urgency,
};
use schakel_referral_workflow::Conflict;
use schakel_referral_workflow::cases::get_case;
use schakel_referral_workflow::idempotency::Created;
use schakel_referral_workflow::referrals::{ReferralInput, create_referral};
use schakel_referral_workflow::views::{AccessKind, CaseView};

#[derive(Template)]
#[template(path = "referral_new.html")]
struct NewReferralPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    once: String,
    id: String,
    filter_action: String,
    forms: String,
    d: Directory,
    purposes: Vec<Choice>,
    urgencies: Vec<Choice>,
    e: Problems,
    f: Fields,
    draft: Slot,
}

/// The form as typed, its messages and its once-only key.
struct Draft {
    f: Fields,
    e: Problems,
    once: String,
}

/// Whom the case's referral routes: the person as the case records them, and the service
/// the purpose asks for.
fn need_of(case: &CaseView, purpose: &str) -> Need {
    let p = &case.person;
    Need {
        person: PersonFacts {
            age_band: p.age_band,
            gender: p.gender,
            nationality_group: p.nationality_group,
            forms: case.exploitation_forms.clone(),
            region: case.region,
            languages: p
                .identity
                .as_ref()
                .map(|i| i.languages.clone())
                .unwrap_or_default(),
        },
        service: purpose
            .parse::<ReferralPurpose>()
            .ok()
            .and_then(schakel_domain::directory::service_for),
    }
}

/// Loads what the form shows: the case (its own agency's and open) and the directory.
async fn form_page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    q: DirectoryQuery,
    draft: Draft,
) -> HttpResponse {
    let Draft { f, e, once } = draft;
    let (actor, t, chosen) = (v.actor, v.texts(), f.one("to_agency").to_owned());
    // The purpose the suggestions are for: the filter's, else the form's.
    let purpose = q.purpose().unwrap_or_else(|| f.one("purpose").to_owned());
    // The form's purpose: as typed, else the one the suggestions were asked for.
    let form_purpose = match f.one("purpose") {
        "" => purpose.clone(),
        typed => typed.to_owned(),
    };
    let loaded = with_env(req, state, move |conn, env| {
        let case = get_case(conn, env, &actor, id)?;
        if case.access != AccessKind::Owner {
            return Err(Failure::Hidden);
        }
        if case.status != CaseStatus::Open {
            return Err(Failure::Conflict(Some(Conflict::CaseClosed)));
        }
        let need = need_of(&case, &purpose);
        let routing = Routing {
            chosen: &chosen,
            not: &[],
            need: Some(&need),
        };
        let mut d = directory(conn, env, &actor, t, &q, routing)?;
        d.purposes = choices(
            t,
            "purpose",
            ReferralPurpose::ALL,
            std::slice::from_ref(&purpose),
        );
        Ok((case, d))
    })
    .await;
    let (case, d) = match loaded {
        Ok(x) => x,
        Err(x) => return x.page(v),
    };
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let urgency = match f.one("urgency") {
        "" => "normal".to_owned(),
        u => u.to_owned(),
    };
    let page = NewReferralPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        once,
        id: id.to_string(),
        filter_action: format!("/cases/{id}/referrals/new"),
        forms: case
            .exploitation_forms
            .iter()
            .map(|x| t.code("form", x.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        d,
        purposes: choices(t, "purpose", ReferralPurpose::ALL, &[form_purpose]),
        urgencies: choices(t, "urgency", Urgency::ALL, &[urgency]),
        draft: Slot::again(DraftForm::Referral, Some(id), &f),
        e,
        f,
    };
    html_with_drafts(status, &page)
}

/// `GET /cases/{id}/referrals/new?kind=&region=`.
pub async fn new(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    query: web::Query<DirectoryQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let q = query.into_inner();
    let f = match drafts::resume(&req, &state, &v, DraftForm::Referral, Some(id)).await {
        Ok(found) => found.map(|(_, f)| f).unwrap_or_default(),
        Err(x) => return x.page(&v),
    };
    let draft = Draft {
        f,
        e: Problems::default(),
        once: once_key(),
    };
    form_page(&req, &state, &v, id, q, draft).await
}

/// The referral the form describes, or the messages of its fields.
fn parse(f: &Fields) -> Result<ReferralInput, Problems> {
    let mut e = Problems::default();
    let to = f.code::<AgencyId>("to_agency");
    if to.is_none() {
        e.add("to_agency", "invalid.agency");
    }
    let purpose = f.code::<ReferralPurpose>("purpose");
    if purpose.is_none() {
        e.add("purpose", "invalid.choose");
    }
    let urgency = f.code::<Urgency>("urgency");
    if urgency.is_none() {
        e.add("urgency", "invalid.choose");
    }
    match (to, purpose, urgency) {
        (Some(to_agency_id), Some(purpose), Some(urgency)) => Ok(ReferralInput {
            to_agency_id,
            purpose,
            urgency,
            message: f.text("message"),
        }),
        _ => Err(e),
    }
}

/// `POST /cases/{id}/referrals/new`.
pub async fn create(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let q = DirectoryQuery::of(f.one("kind"), f.one("region"));
    let once = match f.one("once") {
        "" => once_key(),
        k => k.to_owned(),
    };
    let input = match parse(&f) {
        Ok(i) => i,
        Err(e) => {
            let f = drafts::keep(&req, &state, &v, DraftForm::Referral, Some(id), f).await;
            return form_page(&req, &state, &v, id, q, Draft { f, e, once }).await;
        }
    };
    let key = once_of(&f, &format!("/cases/{id}/referrals/new"));
    let actor = v.actor;
    let sent = with_env(&req, &state, move |conn, env| {
        let created = create_referral(conn, env, &actor, id, &input, key.as_ref())?;
        match created {
            Created::New { value, .. } => Ok(value.id),
            Created::Replayed { body, .. } => crate::replay::replayed_id::<ReferralId>(&body)
                .ok_or_else(|| Failure::Internal("a stored referral id".to_owned())),
        }
    })
    .await;
    let mut e = Problems::default();
    match sent {
        Ok(r) => {
            drafts::finish(&req, &state, &v, &f).await;
            return see_other(&format!("/referrals/{r}?done=sent"));
        }
        Err(Failure::Invalid("message")) => e.add("message", "invalid.text"),
        Err(Failure::Invalid(_) | Failure::Conflict(Some(Conflict::Recipient))) => {
            e.add("to_agency", "invalid.recipient")
        }
        Err(other) => return other.page(&v),
    }
    let f = drafts::keep(&req, &state, &v, DraftForm::Referral, Some(id), f).await;
    form_page(&req, &state, &v, id, q, Draft { f, e, once }).await
}
