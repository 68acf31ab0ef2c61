//! A consent or legal-basis record as a `Consent`: active while it holds, inactive once
//! withdrawn or expired; the recipients it covers (kinds of agency) as the provision's
//! actors and the purposes as its purposes; a legal basis standing in for consent as
//! the `policyRule`.

use super::instant;
use crate::codes::{coding, concept, system};
use schakel_domain::{ConsentKind, PersonId};
use schakel_referral_workflow::views::ConsentView;
use serde_json::{Value, json};

/// The `Consent` of a record about `person`.
pub fn consent(c: &ConsentView, person: PersonId) -> Value {
    let category = match c.kind {
        ConsentKind::Consent => json!({
            "coding": [
                { "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent" },
                coding("consent-kind", c.kind.as_str()),
            ],
        }),
        _ => concept("consent-kind", c.kind.as_str()),
    };
    let mut period = json!({ "start": c.given_on.format("%Y-%m-%d").to_string() });
    if let Some(end) = c.withdrawn_at.or(c.expires_at) {
        period["end"] = json!(instant(end));
    }
    let actors: Vec<Value> = c
        .recipient_kinds
        .iter()
        .map(|k| {
            json!({
                "role": {
                    "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                        "code": "IRCP",
                    }],
                },
                "reference": {
                    "identifier": { "system": system("recipient-kind"), "value": k.as_str() },
                    "display": k.as_str(),
                },
            })
        })
        .collect();
    let mut out = json!({
        "resourceType": "Consent",
        "id": c.id.to_string(),
        "meta": { "lastUpdated": instant(c.withdrawn_at.unwrap_or(c.created_at)) },
        "status": if c.active { "active" } else { "inactive" },
        "scope": {
            "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                "code": "patient-privacy",
            }],
        },
        "category": [category],
        "patient": { "reference": format!("Patient/{person}") },
        "dateTime": instant(c.created_at),
        "provision": {
            "type": "permit",
            "period": period,
            "actor": actors,
            "purpose": c.purposes.iter().map(|p| coding("referral-purpose", p.as_str())).collect::<Vec<_>>(),
        },
    });
    if let Some(basis) = c.legal_basis {
        out["policyRule"] = concept("legal-basis", basis.as_str());
    }
    let mut extension = Vec::new();
    if let Some(giver) = c.given_by {
        extension.push(json!({
            "url": crate::codes::extension_url("given-by"),
            "valueCoding": coding("consent-giver", giver.as_str()),
        }));
    }
    if let Some(reason) = &c.reason {
        extension
            .push(json!({ "url": crate::codes::extension_url("reason"), "valueString": reason }));
    }
    if !extension.is_empty() {
        out["extension"] = json!(extension);
    }
    out
}
