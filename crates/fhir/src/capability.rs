//! `GET /fhir/R4/metadata`: the `CapabilityStatement` of the facade, what a client
//! learns before it signs in (it is the one route that needs no token).

use crate::outcome::resource;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Value, json};

/// The last change of what the statement describes.
const STATEMENT_DATE: &str = "2026-12-05";

fn search_param(name: &str, kind: &str, doc: &str) -> Value {
    json!({ "name": name, "type": kind, "documentation": doc })
}

fn resource_entry(kind: &str, interactions: &[&str], params: Vec<Value>, doc: &str) -> Value {
    let mut r = json!({
        "type": kind,
        "documentation": doc,
        "interaction": interactions.iter().map(|i| json!({ "code": i })).collect::<Vec<_>>(),
        "versioning": "versioned",
        "readHistory": false,
        "updateCreate": false,
    });
    if !params.is_empty() {
        r["searchParam"] = json!(params);
    }
    r
}

/// The statement.
pub fn statement(base: &str) -> Value {
    let org = "reference";
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": STATEMENT_DATE,
        "publisher": "Schakel",
        "kind": "instance",
        "software": { "name": "Schakel", "version": env!("CARGO_PKG_VERSION") },
        "implementation": {
            "description": "Schakel's FHIR R4 facade: cross-agency referrals against human trafficking",
            "url": base,
        },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": "Every read and search is audited and answers only what the signed-in account's agency may see; what it may not see is not found.",
            "security": {
                "cors": false,
                "service": [{
                    "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "OAuth",
                    }],
                }],
                "description": "A bearer token: an external system's from POST /api/v1/auth/token (OAuth 2.0 client credentials), or a person's session.",
            },
            "interaction": [{
                "code": "transaction",
                "documentation": "A referral from another system: a Bundle of a Patient, a ServiceRequest, and optionally a Consent and a Task; all or nothing, once per Idempotency-Key",
            }],
            "resource": [
                resource_entry("ServiceRequest", &["read", "search-type"], vec![
                    search_param("requester", org, "The sending agency (Organization/{id})"),
                    search_param("performer", org, "The receiving agency (Organization/{id})"),
                    search_param("status", "token", "active, completed or revoked"),
                ], "A referral: what is asked, by whom, of whom"),
                resource_entry("Task", &["read", "search-type", "patch", "update"], vec![
                    search_param("requester", org, "The sending agency (Organization/{id})"),
                    search_param("owner", org, "The receiving agency (Organization/{id})"),
                    search_param("status", "token", "requested, accepted, rejected, cancelled, in-progress, completed or failed"),
                ], "Where a referral stands; the receiving agency answers by changing its status (PATCH with a JSON Patch, or PUT), with If-Match"),
                resource_entry("Patient", &["read"], vec![],
                    "A person, only where the agency sees their identity"),
                resource_entry("Consent", &["read", "search-type"], vec![
                    search_param("patient", "reference", "The person (Patient/{id}); required"),
                ], "Consent and legal-basis records that concern the agency"),
                resource_entry("Organization", &["read", "search-type"], vec![
                    search_param("type", "token", "An agency kind"),
                    search_param("name", "string", "A part of the name"),
                ], "The directory's active agencies"),
            ],
        }],
    })
}

/// The handler.
pub async fn metadata(req: HttpRequest) -> HttpResponse {
    resource(StatusCode::OK, &statement(&crate::bundle::base_url(&req)))
}
