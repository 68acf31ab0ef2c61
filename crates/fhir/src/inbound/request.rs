//! A `ServiceRequest` (and its `Task`) as the signal's facts and the referral: the
//! receiving agency (`performer`, an `Organization` of the directory), the purpose
//! (`code`), the urgency (`priority`), the exploitation forms (`reasonCode`), the
//! region and the basis of reporting (Schakel's extensions), the message (`note`) and
//! the day observed (`occurrenceDateTime`, else `authoredOn`, else today).

use super::read::{Reader, bad, concept, date, reference};
use crate::codes::{extension_url, urgency_of};
use crate::params::reference_id;
use chrono::NaiveDate;
use schakel_api::ApiError;
use schakel_domain::{
    AgencyId, ExploitationForm, ReferralPurpose, Region, ReportingBasis, Urgency,
};
use serde_json::Value;

/// What the request says.
#[derive(Debug, Clone)]
pub struct Request {
    pub to: AgencyId,
    pub purpose: ReferralPurpose,
    pub urgency: Urgency,
    pub forms: Vec<ExploitationForm>,
    pub region: Region,
    pub reporting_basis: Option<ReportingBasis>,
    pub message: Option<String>,
    pub observed_on: Option<NaiveDate>,
}

fn coded_extension<T: std::str::FromStr>(
    r: &Reader<'_>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    match r.extensions(&extension_url(name)).first() {
        None => Ok(None),
        Some(e) => {
            let at = r.at(&format!("extension({name})"));
            super::read::coding(&e["valueCoding"], name, &at)?
                .map(Some)
                .ok_or_else(|| bad(&at, &format!("expected a valueCoding of {name}")))
        }
    }
}

/// The exploitation forms (`reasonCode`), or `unknown` when none is named.
fn forms(r: &mut Reader<'_>) -> Result<Vec<ExploitationForm>, ApiError> {
    let reasons_path = r.at("reasonCode");
    let mut forms = Vec::new();
    for (i, c) in r.list("reasonCode")?.iter().enumerate() {
        let at = format!("{reasons_path}[{i}]");
        forms.push(
            concept::<ExploitationForm>(c, "exploitation-form", &at)?
                .ok_or_else(|| bad(&at, "expected a coding of exploitation-form"))?,
        );
    }
    if forms.is_empty() {
        forms.push(ExploitationForm::Unknown);
    }
    Ok(forms)
}

/// The notes as the message, one paragraph each.
fn message(r: &mut Reader<'_>) -> Result<Option<String>, ApiError> {
    let notes_path = r.at("note");
    let mut notes = Vec::new();
    for (i, n) in r.list("note")?.iter().enumerate() {
        notes.push(
            n["text"]
                .as_str()
                .ok_or_else(|| bad(&format!("{notes_path}[{i}].text"), "expected text"))?,
        );
    }
    Ok((!notes.is_empty()).then(|| notes.join("\n\n")))
}

/// The request of the `ServiceRequest` at `path` about `patient_url`, and the elements
/// not kept.
pub fn request(
    value: &Value,
    path: &str,
    patient_url: &str,
) -> Result<(Request, Vec<String>), ApiError> {
    let mut r = Reader::new(value, path, "ServiceRequest")?;
    if r.required_text("status")? != "active" {
        return Err(bad(&r.at("status"), "expected active"));
    }
    if r.required_text("intent")? != "order" {
        return Err(bad(&r.at("intent"), "expected order"));
    }
    let subject = r
        .get("subject")
        .ok_or_else(|| bad(&r.at("subject"), "expected the bundle's Patient"))?;
    if reference(subject, &r.at("subject"))? != patient_url {
        return Err(bad(
            &r.at("subject.reference"),
            "expected the bundle's Patient",
        ));
    }
    let performers = r.list("performer")?;
    let [performer] = performers else {
        return Err(bad(
            &r.at("performer"),
            "expected one receiving Organization",
        ));
    };
    let to: AgencyId = reference_id(reference(performer, &r.at("performer[0]"))?, "Organization")
        .ok_or_else(|| {
        bad(
            &r.at("performer[0].reference"),
            "expected Organization/{id}",
        )
    })?;
    let code = r
        .get("code")
        .ok_or_else(|| bad(&r.at("code"), "expected a purpose"))?;
    let purpose = concept::<ReferralPurpose>(code, "referral-purpose", &r.at("code"))?
        .ok_or_else(|| bad(&r.at("code"), "expected a coding of referral-purpose"))?;
    let urgency = match r.text("priority")? {
        None => Urgency::Normal,
        Some(p) => {
            urgency_of(p).ok_or_else(|| bad(&r.at("priority"), "expected a request priority"))?
        }
    };
    let forms = forms(&mut r)?;
    let region = coded_extension::<Region>(&r, "region")?.ok_or_else(|| {
        bad(
            &r.at("extension(region)"),
            "expected the region of the case",
        )
    })?;
    let reporting_basis = coded_extension::<ReportingBasis>(&r, "reporting-basis")?;
    let message = message(&mut r)?;
    let observed_on = match (r.get("occurrenceDateTime"), r.get("authoredOn")) {
        (Some(d), _) => Some(date(d, &r.at("occurrenceDateTime"))?),
        (None, Some(d)) => Some(date(d, &r.at("authoredOn"))?),
        (None, None) => None,
    };
    r.get("requester");
    let request = Request {
        to,
        purpose,
        urgency,
        forms,
        region,
        reporting_basis,
        message,
        observed_on,
    };
    Ok((request, r.unread()))
}

/// Checks the `Task` at `path`: a request to fulfil the bundle's `ServiceRequest`, owned
/// (if it says) by the same agency, about the bundle's `Patient` (if it says).
pub fn task(
    value: &Value,
    path: &str,
    (request_url, patient_url): (&str, &str),
    to: AgencyId,
) -> Result<Vec<String>, ApiError> {
    let mut r = Reader::new(value, path, "Task")?;
    if r.required_text("status")? != "requested" {
        return Err(bad(&r.at("status"), "expected requested"));
    }
    if r.required_text("intent")? != "order" {
        return Err(bad(&r.at("intent"), "expected order"));
    }
    let focus = r
        .get("focus")
        .ok_or_else(|| bad(&r.at("focus"), "expected the bundle's ServiceRequest"))?;
    if reference(focus, &r.at("focus"))? != request_url {
        return Err(bad(
            &r.at("focus.reference"),
            "expected the bundle's ServiceRequest",
        ));
    }
    if let Some(owner) = r.get("owner") {
        let id: Option<AgencyId> = reference_id(reference(owner, &r.at("owner"))?, "Organization");
        if id != Some(to) {
            return Err(bad(
                &r.at("owner.reference"),
                "expected the ServiceRequest's performer",
            ));
        }
    }
    if let Some(subject) = r.get("for")
        && reference(subject, &r.at("for"))? != patient_url
    {
        return Err(bad(&r.at("for.reference"), "expected the bundle's Patient"));
    }
    for known in [
        "basedOn",
        "code",
        "priority",
        "authoredOn",
        "requester",
        "businessStatus",
    ] {
        r.get(known);
    }
    Ok(r.unread())
}
