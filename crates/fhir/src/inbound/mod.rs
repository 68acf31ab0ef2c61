//! A transaction `Bundle` from another system, read into what the workflow's intake
//! takes: one `Patient`, one `ServiceRequest` about them, at most one `Consent` about
//! them and at most one `Task` for the request, each entry a `POST` of its type with a
//! `fullUrl` the others refer to. Anything else in the bundle is an error naming the
//! entry; elements a resource carries that Schakel does not keep are listed, for the
//! answer to say so.

pub mod consent;
pub mod patient;
pub mod read;
pub mod request;

use read::bad;
use schakel_api::ApiError;
use schakel_domain::{ConsentKind, ReportingBasis};
use schakel_referral_workflow::referrals::{IntakeInput, ReferralInput};
use schakel_referral_workflow::signals::SignalInput;
use serde_json::Value;

/// The kinds of entry a bundle may hold, in the order of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Patient,
    Consent,
    ServiceRequest,
    Task,
}

impl Kind {
    fn of(name: &str) -> Option<Self> {
        Some(match name {
            "Patient" => Kind::Patient,
            "Consent" => Kind::Consent,
            "ServiceRequest" => Kind::ServiceRequest,
            "Task" => Kind::Task,
            _ => return None,
        })
    }
}

/// A bundle read: the intake, the kind of each entry in order, and what is not kept
/// (per entry).
#[derive(Debug)]
pub struct Intake {
    pub input: IntakeInput,
    pub entries: Vec<Kind>,
    pub not_kept: Vec<Vec<String>>,
}

/// The entry of each kind: its index and resource.
fn one_of<'a>(
    found: &[(Kind, usize, &'a Value, &'a str)],
    kind: Kind,
) -> Option<(usize, &'a Value, &'a str)> {
    found
        .iter()
        .find(|(k, ..)| *k == kind)
        .map(|(_, i, v, url)| (*i, *v, *url))
}

/// The entries of a transaction, each with its kind, index and `fullUrl`; one of a kind.
fn entries_of(entries: &[Value]) -> Result<Vec<(Kind, usize, &Value, &str)>, ApiError> {
    let mut found: Vec<(Kind, usize, &Value, &str)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let at = format!("Bundle.entry[{i}]");
        let resource = e
            .get("resource")
            .ok_or_else(|| bad(&format!("{at}.resource"), "expected a resource"))?;
        let name = resource["resourceType"].as_str().unwrap_or("");
        let kind = Kind::of(name).ok_or_else(|| {
            bad(
                &format!("{at}.resource.resourceType"),
                "expected Patient, Consent, ServiceRequest or Task",
            )
        })?;
        if found.iter().any(|(k, ..)| *k == kind) {
            return Err(bad(
                &format!("{at}.resource"),
                &format!("expected one {name} only"),
            ));
        }
        let url = e["fullUrl"]
            .as_str()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| bad(&format!("{at}.fullUrl"), "expected the entry's fullUrl"))?;
        let method = e["request"]["method"].as_str();
        let target = e["request"]["url"].as_str();
        if method != Some("POST") || target != Some(name) {
            return Err(bad(
                &format!("{at}.request"),
                &format!("expected POST {name}"),
            ));
        }
        found.push((kind, i, resource, url));
    }
    Ok(found)
}

/// The basis of reporting: the request's, else consent when a consent is given.
fn basis(
    named: Option<ReportingBasis>,
    consent: Option<&schakel_referral_workflow::consents::ConsentInput>,
    request_index: usize,
) -> Result<ReportingBasis, ApiError> {
    match (named, consent) {
        (Some(b), _) => Ok(b),
        (None, Some(c)) if c.kind == ConsentKind::Consent => Ok(ReportingBasis::Consent),
        (None, _) => Err(bad(
            &format!("Bundle.entry[{request_index}].resource.extension(reporting-basis)"),
            "expected the basis of reporting (or a Consent of kind consent)",
        )),
    }
}

/// Reads a transaction bundle; `today` is the day observed when the request names none.
pub fn read(bundle: &Value, today: chrono::NaiveDate) -> Result<Intake, ApiError> {
    if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Err(bad("Bundle.resourceType", "expected Bundle"));
    }
    if bundle.get("type").and_then(Value::as_str) != Some("transaction") {
        return Err(bad("Bundle.type", "expected transaction"));
    }
    let entries = bundle
        .get("entry")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("Bundle.entry", "expected entries"))?;
    let found = entries_of(entries)?;
    let (pi, patient, patient_url) =
        one_of(&found, Kind::Patient).ok_or_else(|| bad("Bundle.entry", "expected a Patient"))?;
    let (ri, sr, request_url) = one_of(&found, Kind::ServiceRequest)
        .ok_or_else(|| bad("Bundle.entry", "expected a ServiceRequest"))?;
    let mut not_kept = vec![Vec::new(); entries.len()];
    let (person, unread) = patient::person(patient, &format!("Bundle.entry[{pi}].resource"))?;
    not_kept[pi] = unread;
    let (req, unread) = request::request(sr, &format!("Bundle.entry[{ri}].resource"), patient_url)?;
    not_kept[ri] = unread;
    let consent = match one_of(&found, Kind::Consent) {
        None => None,
        Some((ci, c, _)) => {
            let (c, unread) =
                consent::consent(c, &format!("Bundle.entry[{ci}].resource"), patient_url)?;
            not_kept[ci] = unread;
            Some(c)
        }
    };
    if let Some((ti, t, _)) = one_of(&found, Kind::Task) {
        let at = format!("Bundle.entry[{ti}].resource");
        not_kept[ti] = request::task(t, &at, (request_url, patient_url), req.to)?;
    }
    let reporting_basis = basis(req.reporting_basis, consent.as_ref(), ri)?;
    let signal = SignalInput {
        observed_on: req.observed_on.unwrap_or(today),
        region: req.region,
        exploitation_forms: req.forms.clone(),
        indicators: Vec::new(),
        palermo: Default::default(),
        reporting_basis,
        summary: None,
        person: Some(person),
        case_id: None,
    };
    let referral = ReferralInput {
        to_agency_id: req.to,
        purpose: req.purpose,
        urgency: req.urgency,
        message: req.message,
    };
    Ok(Intake {
        input: IntakeInput {
            signal,
            consent,
            referral,
        },
        entries: found.iter().map(|(k, ..)| *k).collect(),
        not_kept,
    })
}
