//! The consent forms of the case page: recording a consent or a legal basis (which needs
//! a written reason) and withdrawing one, after a confirmation (a withdrawal without
//! its confirmation field changes nothing). Each form names the case version it was made
//! from; a case changed meanwhile is shown again as it now is, and nothing is changed.
//! Refused input comes back on the case page as typed, with a message next to the field.

use crate::WebState;
use crate::cases::{again, fresh};
use crate::forms::{Failure, Fields, Problems, date, with_env};
use crate::pages::see_other;
use crate::signed::SignedForm;
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::{
    CaseId, ConsentGiver, ConsentId, ConsentKind, DraftForm, LegalBasis, RecipientKind,
    ReferralPurpose,
};
use schakel_referral_workflow::IfMatch;
use schakel_referral_workflow::consents::{
    ConsentInput, MIN_REASON_CHARS, record_consent, withdraw_consent,
};

/// The consent the form describes, or the messages of its fields.
fn parse(f: &Fields) -> Result<ConsentInput, Problems> {
    let mut e = Problems::default();
    let kind = f.code::<ConsentKind>("kind");
    if kind.is_none() {
        e.add("kind", "invalid.choose");
    }
    let recipient_kinds: Vec<RecipientKind> = f
        .all("recipient")
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    if recipient_kinds.is_empty() {
        e.add("recipients", "invalid.recipients");
    }
    let purposes: Vec<ReferralPurpose> = f
        .all("purpose")
        .iter()
        .filter_map(|c| c.parse().ok())
        .collect();
    if purposes.is_empty() {
        e.add("purposes", "invalid.purposes");
    }
    let given_on = date(f.one("given_on"));
    if given_on.is_none() {
        e.add("given_on", "invalid.date");
    }
    let expires_at = match f.one("expires_on") {
        "" => None,
        // The day it expires begins at midnight in the Netherlands, as the page shows it.
        d => match date(d) {
            Some(d) => Some(crate::time::start_of(d)),
            None => {
                e.add("expires_on", "invalid.date");
                None
            }
        },
    };
    let legal = kind == Some(ConsentKind::LegalBasis);
    let given_by = f.code::<ConsentGiver>("given_by").filter(|_| !legal);
    let legal_basis = f.code::<LegalBasis>("legal_basis").filter(|_| legal);
    if kind == Some(ConsentKind::Consent) && given_by.is_none() {
        e.add("given_by", "invalid.choose");
    }
    if legal && legal_basis.is_none() {
        e.add("legal_basis", "invalid.choose");
    }
    if legal && f.one("reason").chars().count() < MIN_REASON_CHARS {
        e.add("reason", "invalid.reason");
    }
    match (kind, given_on, e.is_empty()) {
        (Some(kind), Some(given_on), true) => Ok(ConsentInput {
            kind,
            recipient_kinds,
            purposes,
            given_by,
            legal_basis,
            reason: f.text("reason"),
            given_on,
            expires_at,
        }),
        _ => Err(e),
    }
}

/// The form field and message of a field the use case refused.
fn refused_field(field: &str) -> (&'static str, &'static str) {
    match field {
        "recipient_kinds" => ("recipients", "invalid.recipients"),
        "purposes" => ("purposes", "invalid.purposes"),
        "given_on" => ("given_on", "invalid.given_on"),
        "expires_at" => ("expires_on", "invalid.expires_on"),
        "given_by" => ("given_by", "invalid.given_by"),
        "legal_basis" => ("legal_basis", "invalid.choose"),
        "legal_basis_not_applicable" => ("legal_basis", "invalid.legal_basis_not_applicable"),
        "reason" => ("reason", "invalid.reason"),
        _ => ("kind", "invalid.field"),
    }
}

/// `POST /cases/{id}/consents`: records a consent or a legal basis.
pub async fn give(
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
            let f = crate::drafts::keep(&req, &state, &v, DraftForm::Consent, Some(id), f).await;
            return again(&req, &state, &v, id, false, f, e).await;
        }
    };
    let version = f
        .one("version")
        .parse::<i64>()
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(record_consent(conn, env, &actor, id, version, &input)?)
    })
    .await;
    match done {
        Ok(_) => {
            crate::drafts::finish(&req, &state, &v, &f).await;
            see_other(&format!("/cases/{id}?done=consent_recorded#consents"))
        }
        Err(Failure::Invalid(field)) => {
            let (name, key) = refused_field(field);
            let mut e = Problems::default();
            e.add(name, key);
            let f = crate::drafts::keep(&req, &state, &v, DraftForm::Consent, Some(id), f).await;
            again(&req, &state, &v, id, false, f, e).await
        }
        Err(Failure::Conflict(_)) => {
            let f = crate::drafts::keep(&req, &state, &v, DraftForm::Consent, Some(id), f).await;
            again(&req, &state, &v, id, true, f, Problems::default()).await
        }
        Err(x) => x.page(&v),
    }
}

/// `POST /cases/{id}/consents/{consent}/withdraw`.
pub async fn withdraw(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<(String, String)>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let (id, consent) = path.into_inner();
    let (Ok(id), Ok(consent)) = (id.parse::<CaseId>(), consent.parse::<ConsentId>()) else {
        return Failure::Hidden.page(&v);
    };
    // Withdrawing needs the confirmation the form reveals; without it nothing changes.
    if f.one("confirm") != "yes" {
        return see_other(&format!("/cases/{id}#consents"));
    }
    let version = f
        .one("version")
        .parse::<i64>()
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        Ok(withdraw_consent(conn, env, &actor, id, consent, version)?)
    })
    .await;
    match done {
        Ok(_) => {
            crate::drafts::finish(&req, &state, &v, &f).await;
            see_other(&format!("/cases/{id}?done=consent_withdrawn#consents"))
        }
        Err(Failure::Conflict(_) | Failure::Invalid(_)) => {
            again(
                &req,
                &state,
                &v,
                id,
                true,
                fresh(&state),
                Problems::default(),
            )
            .await
        }
        Err(x) => x.page(&v),
    }
}
