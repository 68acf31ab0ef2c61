//! A `Consent` as the consent or legal basis recorded on the case before it is referred:
//! its kind (Schakel's `consent-kind` category, or LOINC's patient consent), the kinds of
//! recipient it covers (the provision's actors, by identifier), the purposes, the period
//! (given on, ends at), the legal basis (`policyRule`), who gave it and a legal basis's
//! written reason (extensions).

use super::read::{Reader, bad, concept, date};
use crate::codes::{extension_url, system};
use schakel_api::ApiError;
use schakel_domain::{ConsentGiver, ConsentKind, LegalBasis, RecipientKind, ReferralPurpose};
use schakel_referral_workflow::consents::ConsentInput;
use serde_json::Value;

fn kind(r: &mut Reader<'_>) -> Result<ConsentKind, ApiError> {
    let path = r.at("category");
    for (i, c) in r.list("category")?.iter().enumerate() {
        let at = format!("{path}[{i}]");
        if let Some(kind) = concept::<ConsentKind>(c, "consent-kind", &at)? {
            return Ok(kind);
        }
        let loinc = c["coding"].as_array().is_some_and(|l| {
            l.iter()
                .any(|k| k["system"] == "http://loinc.org" && k["code"] == "59284-0")
        });
        if loinc {
            return Ok(ConsentKind::Consent);
        }
    }
    Err(bad(
        &path,
        "expected a category of consent-kind, or LOINC 59284-0",
    ))
}

fn recipients(provision: &Value, path: &str) -> Result<Vec<RecipientKind>, ApiError> {
    let mut out = Vec::new();
    let actors = provision["actor"].as_array().map_or(&[][..], Vec::as_slice);
    for (i, a) in actors.iter().enumerate() {
        let at = format!("{path}.actor[{i}].reference.identifier");
        let id = &a["reference"]["identifier"];
        if id["system"].as_str() != Some(system("recipient-kind").as_str()) {
            return Err(bad(&at, "expected an identifier of recipient-kind"));
        }
        let kind = id["value"]
            .as_str()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| bad(&at, "expected a recipient kind"))?;
        out.push(kind);
    }
    Ok(out)
}

fn purposes(provision: &Value, path: &str) -> Result<Vec<ReferralPurpose>, ApiError> {
    let mut out = Vec::new();
    let list = provision["purpose"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for (i, c) in list.iter().enumerate() {
        let at = format!("{path}.purpose[{i}]");
        let p = super::read::coding(c, "referral-purpose", &at)?
            .ok_or_else(|| bad(&at, "expected a coding of referral-purpose"))?;
        out.push(p);
    }
    Ok(out)
}

/// The provision's period: the day given, and when it ends, if it does.
fn period(
    provision: &Value,
    p: &str,
) -> Result<(chrono::NaiveDate, Option<chrono::DateTime<chrono::Utc>>), ApiError> {
    let given_on = date(&provision["period"]["start"], &format!("{p}.period.start"))?;
    let expires_at = match provision["period"].get("end") {
        None => None,
        Some(end) => Some(
            end.as_str()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok_or_else(|| {
                    bad(
                        &format!("{p}.period.end"),
                        "expected a dateTime with a time zone",
                    )
                })?,
        ),
    };
    Ok((given_on, expires_at))
}

/// The consent of the `Consent` at `path` about the patient `patient_url`, and the
/// elements not kept.
pub fn consent(
    value: &Value,
    path: &str,
    patient_url: &str,
) -> Result<(ConsentInput, Vec<String>), ApiError> {
    let mut r = Reader::new(value, path, "Consent")?;
    if r.required_text("status")? != "active" {
        return Err(bad(&r.at("status"), "expected active"));
    }
    let patient = r
        .get("patient")
        .ok_or_else(|| bad(&r.at("patient"), "expected the bundle's Patient"))?;
    if super::read::reference(patient, &r.at("patient"))? != patient_url {
        return Err(bad(
            &r.at("patient.reference"),
            "expected the bundle's Patient",
        ));
    }
    r.get("scope");
    r.get("dateTime");
    let kind = kind(&mut r)?;
    let p = r.at("provision");
    let provision = r
        .get("provision")
        .ok_or_else(|| bad(&p, "expected a provision"))?;
    if provision
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t != "permit")
    {
        return Err(bad(&format!("{p}.type"), "expected permit"));
    }
    let (given_on, expires_at) = period(provision, &p)?;
    let legal_basis = match r.get("policyRule") {
        None => None,
        Some(rule) => Some(
            concept::<LegalBasis>(rule, "legal-basis", &r.at("policyRule"))?
                .ok_or_else(|| bad(&r.at("policyRule"), "expected a coding of legal-basis"))?,
        ),
    };
    let given_by = match r.extensions(&extension_url("given-by")).first() {
        None => None,
        Some(e) => Some(
            super::read::coding::<ConsentGiver>(
                &e["valueCoding"],
                "consent-giver",
                &r.at("extension(given-by)"),
            )?
            .ok_or_else(|| {
                bad(
                    &r.at("extension(given-by)"),
                    "expected a coding of consent-giver",
                )
            })?,
        ),
    };
    let reason = r
        .extensions(&extension_url("reason"))
        .first()
        .and_then(|e| e["valueString"].as_str())
        .map(str::to_owned);
    let input = ConsentInput {
        kind,
        recipient_kinds: recipients(provision, &p)?,
        purposes: purposes(provision, &p)?,
        given_by,
        legal_basis,
        reason,
        given_on,
        expires_at,
    };
    Ok((input, r.unread()))
}
