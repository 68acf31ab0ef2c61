//! A `Patient` as the person of a signal: names, date of birth, gender, nationalities
//! (`patient-nationality`), languages (`communication`), and how to reach them (Schakel's
//! `contact-text`, else the telecom and address as text). Identifiers and other
//! elements are not kept.

use super::read::{Reader, bad};
use crate::codes::{extension_url, gender_of};
use schakel_api::ApiError;
use schakel_domain::Gender;
use schakel_referral_workflow::identity::Identity;
use schakel_referral_workflow::signals::PersonInput;
use serde_json::Value;

fn names(r: &mut Reader<'_>, identity: &mut Identity) -> Result<(), ApiError> {
    let path = r.at("name");
    let list = r.list("name")?;
    let chosen = list
        .iter()
        .position(|n| n.get("use").and_then(Value::as_str) == Some("official"))
        .or_else(|| (!list.is_empty()).then_some(0));
    let Some(i) = chosen else {
        return Ok(());
    };
    let name = &list[i];
    let at = format!("{path}[{i}]");
    if let Some(family) = name.get("family") {
        let family = family
            .as_str()
            .ok_or_else(|| bad(&format!("{at}.family"), "expected a string"))?;
        identity.family_name = Some(family.to_owned());
    }
    if let Some(given) = name.get("given") {
        let parts = given
            .as_array()
            .ok_or_else(|| bad(&format!("{at}.given"), "expected an array of strings"))?;
        let mut words = Vec::new();
        for (j, g) in parts.iter().enumerate() {
            words.push(
                g.as_str()
                    .ok_or_else(|| bad(&format!("{at}.given[{j}]"), "expected a string"))?,
            );
        }
        if !words.is_empty() {
            identity.given_names = Some(words.join(" "));
        }
    }
    Ok(())
}

fn nationalities(r: &Reader<'_>, identity: &mut Identity) -> Result<(), ApiError> {
    let url = "http://hl7.org/fhir/StructureDefinition/patient-nationality";
    for (i, ext) in r.extensions(url).into_iter().enumerate() {
        let at = r.at(&format!("extension({url})[{i}]"));
        let code = ext
            .get("extension")
            .and_then(Value::as_array)
            .and_then(|inner| inner.iter().find(|e| e["url"] == "code"))
            .and_then(|e| e["valueCodeableConcept"]["coding"].as_array())
            .and_then(|codings| {
                codings
                    .iter()
                    .find(|c| c["system"] == "urn:iso:std:iso:3166")
            })
            .and_then(|c| c["code"].as_str())
            .ok_or_else(|| bad(&at, "expected a code of urn:iso:std:iso:3166"))?;
        identity.nationalities.push(code.to_ascii_uppercase());
    }
    Ok(())
}

fn languages(r: &mut Reader<'_>, identity: &mut Identity) -> Result<(), ApiError> {
    let path = r.at("communication");
    for (i, c) in r.list("communication")?.iter().enumerate() {
        let code = c["language"]["coding"]
            .as_array()
            .and_then(|codings| codings.iter().find_map(|k| k["code"].as_str()))
            .ok_or_else(|| bad(&format!("{path}[{i}].language"), "expected a language code"))?;
        // The language of a BCP 47 tag (`pl-PL` is `pl`).
        let primary = code.split('-').next().unwrap_or(code).to_ascii_lowercase();
        identity.languages.push(primary);
    }
    Ok(())
}

/// How to reach the person as text: the contact extension, else telecom and addresses.
fn contact(r: &mut Reader<'_>, identity: &mut Identity) -> Result<(), ApiError> {
    let own = r.extensions(&extension_url("contact-text"));
    let mut parts: Vec<String> = Vec::new();
    for ext in own {
        let at = r.at("extension(contact-text)");
        parts.push(
            ext["valueString"]
                .as_str()
                .ok_or_else(|| bad(&at, "expected valueString"))?
                .to_owned(),
        );
    }
    for t in r.list("telecom")? {
        if let Some(v) = t["value"].as_str() {
            parts.push(v.to_owned());
        }
    }
    for a in r.list("address")? {
        if let Some(text) = a["text"].as_str() {
            parts.push(text.to_owned());
        } else {
            let lines: Vec<&str> = a["line"]
                .as_array()
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut words = lines.join(", ");
            for key in ["postalCode", "city", "country"] {
                if let Some(v) = a[key].as_str() {
                    if !words.is_empty() {
                        words.push_str(", ");
                    }
                    words.push_str(v);
                }
            }
            if !words.is_empty() {
                parts.push(words);
            }
        }
    }
    if !parts.is_empty() {
        identity.contact = Some(parts.join("; "));
    }
    Ok(())
}

fn stated_age(r: &Reader<'_>, identity: &mut Identity) -> Result<(), ApiError> {
    if let Some(ext) = r.extensions(&extension_url("stated-age")).first() {
        let at = r.at("extension(stated-age)");
        let years = ext["valueAge"]["value"]
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| bad(&at, "expected valueAge with a whole number of years"))?;
        identity.stated_age = Some(years);
        if let Some(on) = ext["extension"]
            .as_array()
            .and_then(|l| l.iter().find(|e| e["url"] == "statedOn"))
        {
            identity.age_stated_on = Some(super::read::date(&on["valueDate"], &at)?);
        }
    }
    Ok(())
}

/// The person of the `Patient` at `path`, and the elements not kept.
pub fn person(value: &Value, path: &str) -> Result<(PersonInput, Vec<String>), ApiError> {
    let mut r = Reader::new(value, path, "Patient")?;
    let mut identity = Identity::default();
    names(&mut r, &mut identity)?;
    if let Some(born) = r.get("birthDate") {
        let at = r.at("birthDate");
        identity.date_of_birth = Some(super::read::date(born, &at)?);
    }
    let gender = match r.text("gender")? {
        None => Gender::Unknown,
        Some(g) => {
            gender_of(g).ok_or_else(|| bad(&r.at("gender"), "expected an administrative gender"))?
        }
    };
    nationalities(&r, &mut identity)?;
    identity.stateless = r
        .extensions(&extension_url("stateless"))
        .first()
        .is_some_and(|e| e["valueBoolean"] == true);
    stated_age(&r, &mut identity)?;
    languages(&mut r, &mut identity)?;
    contact(&mut r, &mut identity)?;
    r.get("active");
    let unread = r.unread();
    Ok((PersonInput { identity, gender }, unread))
}
