//! A person whose identity the actor sees, as a `Patient`: names, date of birth,
//! gender, nationalities (the core `patient-nationality` extension), languages, and
//! the stated age and the free-text contact as Schakel's extensions. Only ever built
//! from a [`PersonRecord`], which the use case returns only with the identity shown.

use crate::codes::{self, coded_extension, extension_url};
use schakel_referral_workflow::cases::PersonRecord;
use serde_json::{Value, json};

/// The `Patient` of a person record.
pub fn patient(record: &PersonRecord) -> Value {
    let p = &record.person;
    let mut extension = vec![
        coded_extension("age-band", "age-band", p.age_band.as_str()),
        coded_extension(
            "nationality-group",
            "nationality-group",
            p.nationality_group.as_str(),
        ),
    ];
    let mut patient = json!({
        "resourceType": "Patient",
        "id": p.id.to_string(),
        "gender": codes::administrative_gender(p.gender),
        "managingOrganization": { "reference": format!("Organization/{}", record.agency_id) },
    });
    if let Some(identity) = &p.identity {
        let given: Vec<&str> = identity
            .given_names
            .as_deref()
            .map(|g| g.split_whitespace().collect())
            .unwrap_or_default();
        if identity.family_name.is_some() || !given.is_empty() {
            let mut name = json!({ "use": "official" });
            if let Some(family) = &identity.family_name {
                name["family"] = json!(family);
            }
            if !given.is_empty() {
                name["given"] = json!(given);
            }
            patient["name"] = json!([name]);
        }
        if let Some(born) = identity.date_of_birth {
            patient["birthDate"] = json!(born.format("%Y-%m-%d").to_string());
        }
        for country in &identity.nationalities {
            extension.push(json!({
                "url": "http://hl7.org/fhir/StructureDefinition/patient-nationality",
                "extension": [{
                    "url": "code",
                    "valueCodeableConcept": {
                        "coding": [{ "system": "urn:iso:std:iso:3166", "code": country.to_ascii_uppercase() }],
                    },
                }],
            }));
        }
        if identity.stateless {
            extension.push(json!({ "url": extension_url("stateless"), "valueBoolean": true }));
        }
        if let Some(age) = identity.stated_age {
            let mut stated = json!({
                "url": extension_url("stated-age"),
                "valueAge": { "value": age, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a" },
            });
            if let Some(on) = identity.age_stated_on {
                stated["extension"] =
                    json!([{ "url": "statedOn", "valueDate": on.format("%Y-%m-%d").to_string() }]);
            }
            extension.push(stated);
        }
        if let Some(contact) = &identity.contact {
            extension.push(json!({ "url": extension_url("contact-text"), "valueString": contact }));
        }
        if !identity.languages.is_empty() {
            patient["communication"] = identity
                .languages
                .iter()
                .map(|l| json!({ "language": { "coding": [{ "system": "urn:ietf:bcp:47", "code": l }] } }))
                .collect();
        }
    }
    patient["extension"] = json!(extension);
    patient
}
