//! A referral as a `ServiceRequest` (what is asked: purpose, urgency, from whom, to
//! whom, the coarse facts) and a `Task` of the same id (where it stands: status and
//! business status, the decline reason as `statusReason`, the receiving agency as
//! `owner`, the deadline as `restriction.period.end`, the outcome as `output`), the
//! pattern of closed-loop referral.

use super::{Subject, instant, meta, organization_ref};
use crate::codes::{self, coded_extension, concept, extension_url};
use schakel_referral_workflow::views::ReferralView;
use serde_json::{Value, json};

/// The coarse facts that travel with a referral, as extensions.
fn summary_extensions(r: &ReferralView) -> Vec<Value> {
    let s = &r.summary;
    vec![
        coded_extension("age-band", "age-band", s.age_band.as_str()),
        coded_extension("gender", "gender", s.gender.as_str()),
        coded_extension(
            "nationality-group",
            "nationality-group",
            s.nationality_group.as_str(),
        ),
        coded_extension("region", "region", s.region.as_str()),
    ]
}

/// The referral as a `ServiceRequest`.
pub fn service_request(r: &ReferralView, subject: Subject) -> Value {
    let mut sr = json!({
        "resourceType": "ServiceRequest",
        "id": r.id.to_string(),
        "meta": meta(Some(r.version), r.updated_at),
        "extension": summary_extensions(r),
        "status": codes::request_status(r.state),
        "intent": "order",
        "priority": codes::priority(r.urgency),
        "code": concept("referral-purpose", r.purpose.as_str()),
        "subject": subject.reference(),
        "authoredOn": instant(r.created_at),
        "requester": organization_ref(r.from_agency.id, &r.from_agency.name),
        "performer": [organization_ref(r.to_agency.id, &r.to_agency.name)],
        "reasonCode": r.summary.exploitation_forms.iter()
            .map(|f| concept("exploitation-form", f.as_str()))
            .collect::<Vec<_>>(),
    });
    if let Some(previous) = r.redirected_from {
        sr["replaces"] = json!([{ "reference": format!("ServiceRequest/{previous}") }]);
    }
    if let Some(message) = &r.message {
        sr["note"] = json!([{ "text": message }]);
    }
    sr
}

/// The referral as a `Task`.
pub fn task(r: &ReferralView, subject: Subject) -> Value {
    let mut t = json!({
        "resourceType": "Task",
        "id": r.id.to_string(),
        "meta": meta(Some(r.version), r.updated_at),
        "basedOn": [{ "reference": format!("ServiceRequest/{}", r.id) }],
        "status": codes::task_status(r.state),
        "businessStatus": concept("referral-state", r.state.as_str()),
        "intent": "order",
        "priority": codes::priority(r.urgency),
        "code": {
            "coding": [{ "system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill" }],
        },
        "focus": { "reference": format!("ServiceRequest/{}", r.id) },
        "for": subject.reference(),
        "authoredOn": instant(r.created_at),
        "lastModified": instant(r.updated_at),
        "requester": organization_ref(r.from_agency.id, &r.from_agency.name),
        "owner": organization_ref(r.to_agency.id, &r.to_agency.name),
        "restriction": { "period": { "end": instant(r.deadline_at) } },
    });
    if let Some(reason) = r.decline_reason {
        t["statusReason"] = concept("decline-reason", reason.as_str());
    }
    if let Some(note) = &r.note {
        t["note"] = json!([{ "text": note }]);
    }
    if let Some(outcome) = r.outcome {
        t["output"] = json!([{
            "type": concept("task-output", "outcome"),
            "valueCodeableConcept": concept("referral-outcome", outcome.as_str()),
        }]);
    }
    if let Some(next) = r.redirected_to {
        t["extension"] = json!([{
            "url": extension_url("redirected-to"),
            "valueReference": { "reference": format!("Task/{next}") },
        }]);
    }
    if let Some(decided) = r.decided_at {
        t["executionPeriod"] = json!({ "start": instant(decided) });
    }
    t
}
