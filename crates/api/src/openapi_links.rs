//! OpenAPI links for the API document.
//!
//! The links say how an answer leads on: the id in a created signal
//! opens a case, a read case's `ETag` is the `If-Match` of its next change, a read
//! referral can be accepted, an added document is downloaded and shared. Clients follow them to chain calls; stateful testing
//! follows them to reach every operation with an object that exists.

use crate::openapi_ids::OPERATION_IDS;
use serde_json::{Map, Value, json};

/// The id in the answer's body.
const ID: &str = "$response.body#/id";
/// The answer's version, as the `If-Match` of the next change.
const ETAG: &str = "$response.header.ETag";

/// One link: from an answer of `from` with `status` to the operation `to`, with
/// parameters (`location.name`, expression) and optionally one body field.
struct LinkSpec {
    from: &'static str,
    status: &'static str,
    name: &'static str,
    to: &'static str,
    params: &'static [(&'static str, &'static str)],
    body: Option<(&'static str, &'static str)>,
}

const fn link(
    from: &'static str,
    status: &'static str,
    name: &'static str,
    to: &'static str,
    params: &'static [(&'static str, &'static str)],
) -> LinkSpec {
    LinkSpec {
        from,
        status,
        name,
        to,
        params,
        body: None,
    }
}

/// The object's id in the path.
const BY_ID: &[(&str, &str)] = &[("path.id", ID)];
/// The object's id in the path and its version as `If-Match`.
const BY_ID_VERSIONED: &[(&str, &str)] = &[("path.id", ID), ("header.If-Match", ETAG)];

/// Every link of the document.
const LINKS: &[LinkSpec] = &[
    // Signals lead to their reading and to a case opened from them.
    link("create_signal", "201", "GetSignal", "get_signal", BY_ID),
    LinkSpec {
        body: Some(("signal_id", ID)),
        ..link("create_signal", "201", "OpenCase", "open_case", &[])
    },
    link(
        "list_signals",
        "200",
        "GetFirstSignal",
        "get_signal",
        &[("path.id", "$response.body#/items/0/id")],
    ),
    // A case, created or read, leads to its changes with its current version.
    link("open_case", "201", "GetCase", "get_case", BY_ID),
    link(
        "open_case",
        "201",
        "GetTimeline",
        "get_case_timeline",
        BY_ID,
    ),
    link(
        "open_case",
        "201",
        "RecordConsent",
        "record_consent",
        BY_ID_VERSIONED,
    ),
    link(
        "open_case",
        "201",
        "CreateReferral",
        "create_referral",
        BY_ID,
    ),
    link(
        "open_case",
        "201",
        "CloseCase",
        "close_case",
        BY_ID_VERSIONED,
    ),
    link(
        "list_cases",
        "200",
        "GetFirstCase",
        "get_case",
        &[("path.id", "$response.body#/items/0/id")],
    ),
    link("get_case", "200", "GetTimeline", "get_case_timeline", BY_ID),
    link(
        "get_case",
        "200",
        "RecordConsent",
        "record_consent",
        BY_ID_VERSIONED,
    ),
    link(
        "get_case",
        "200",
        "WithdrawFirstConsent",
        "withdraw_consent",
        &[
            ("path.id", ID),
            ("path.consent_id", "$response.body#/consents/0/id"),
            ("header.If-Match", ETAG),
        ],
    ),
    link(
        "get_case",
        "200",
        "CreateReferral",
        "create_referral",
        BY_ID,
    ),
    link(
        "get_case",
        "200",
        "CloseCase",
        "close_case",
        BY_ID_VERSIONED,
    ),
    link(
        "record_consent",
        "201",
        "CreateReferral",
        "create_referral",
        BY_ID,
    ),
    link("record_consent", "201", "GetCase", "get_case", BY_ID),
    link(
        "record_consent",
        "201",
        "CloseCase",
        "close_case",
        BY_ID_VERSIONED,
    ),
    link("withdraw_consent", "200", "GetCase", "get_case", BY_ID),
    link("get_case", "200", "AddNote", "add_note", BY_ID),
    link("get_case", "200", "ListNotes", "list_notes", BY_ID),
    link(
        "get_case",
        "200",
        "CorrectCase",
        "correct_case",
        BY_ID_VERSIONED,
    ),
    link("get_case", "200", "GetHistory", "get_case_history", BY_ID),
    link(
        "get_case",
        "200",
        "AssignCase",
        "assign_case",
        BY_ID_VERSIONED,
    ),
    link(
        "correct_case",
        "200",
        "GetHistory",
        "get_case_history",
        BY_ID,
    ),
    link("add_note", "201", "EditNote", "edit_note", BY_ID_VERSIONED),
    // A case leads to its documents; an added or read document to its content and
    // its changes with its current version.
    link("get_case", "200", "ListDocuments", "list_documents", BY_ID),
    link("get_case", "200", "AddDocument", "add_document", BY_ID),
    link("open_case", "201", "AddDocument", "add_document", BY_ID),
    link("add_document", "201", "GetDocument", "get_document", BY_ID),
    link(
        "add_document",
        "201",
        "GetDocumentContent",
        "download_document",
        BY_ID,
    ),
    link(
        "add_document",
        "201",
        "ShareDocument",
        "share_document",
        BY_ID_VERSIONED,
    ),
    link(
        "add_document",
        "201",
        "RemoveDocument",
        "remove_document",
        BY_ID_VERSIONED,
    ),
    link(
        "list_documents",
        "200",
        "GetFirstDocument",
        "get_document",
        &[("path.id", "$response.body#/0/id")],
    ),
    link(
        "get_document",
        "200",
        "GetDocumentContent",
        "download_document",
        BY_ID,
    ),
    link(
        "get_document",
        "200",
        "ShareDocument",
        "share_document",
        BY_ID_VERSIONED,
    ),
    link(
        "get_document",
        "200",
        "RemoveDocument",
        "remove_document",
        BY_ID_VERSIONED,
    ),
    // A referral, sent or read, leads to its decisions with its current version.
    link(
        "create_referral",
        "201",
        "GetReferral",
        "get_referral",
        BY_ID,
    ),
    link(
        "create_referral",
        "201",
        "GetCase",
        "get_case",
        &[("path.id", "$response.body#/case_id")],
    ),
    link(
        "create_referral",
        "201",
        "WithdrawReferral",
        "withdraw_referral",
        BY_ID_VERSIONED,
    ),
    link(
        "list_referrals",
        "200",
        "GetFirstReferral",
        "get_referral",
        &[("path.id", "$response.body#/items/0/id")],
    ),
    link(
        "get_referral",
        "200",
        "AcceptReferral",
        "accept_referral",
        BY_ID_VERSIONED,
    ),
    link(
        "get_referral",
        "200",
        "DeclineReferral",
        "decline_referral",
        BY_ID_VERSIONED,
    ),
    link(
        "get_referral",
        "200",
        "RedirectReferral",
        "redirect_referral",
        BY_ID_VERSIONED,
    ),
    link(
        "get_referral",
        "200",
        "StartReferral",
        "start_referral",
        BY_ID_VERSIONED,
    ),
    link(
        "get_referral",
        "200",
        "CompleteReferral",
        "complete_referral",
        BY_ID_VERSIONED,
    ),
    link(
        "get_referral",
        "200",
        "WithdrawReferral",
        "withdraw_referral",
        BY_ID_VERSIONED,
    ),
    link(
        "accept_referral",
        "200",
        "StartReferral",
        "start_referral",
        BY_ID_VERSIONED,
    ),
    link(
        "start_referral",
        "200",
        "CompleteReferral",
        "complete_referral",
        BY_ID_VERSIONED,
    ),
    // Agencies and accounts.
    link("create_agency", "201", "GetAgency", "get_agency", BY_ID),
    link(
        "create_agency",
        "201",
        "UpdateAgency",
        "update_agency",
        BY_ID_VERSIONED,
    ),
    LinkSpec {
        body: Some(("agency_id", ID)),
        ..link("create_agency", "201", "InviteUser", "invite_user", &[])
    },
    link(
        "create_agency",
        "201",
        "DeactivateAgency",
        "deactivate_agency",
        BY_ID,
    ),
    link(
        "list_agencies",
        "200",
        "GetFirstAgency",
        "get_agency",
        &[("path.id", "$response.body#/0/id")],
    ),
    link(
        "get_agency",
        "200",
        "UpdateAgency",
        "update_agency",
        BY_ID_VERSIONED,
    ),
    link(
        "get_agency",
        "200",
        "ListUsers",
        "list_users",
        &[("query.agency_id", ID)],
    ),
    link("invite_user", "201", "GetUser", "get_user", BY_ID),
    link("invite_user", "201", "UpdateUser", "update_user", BY_ID),
    link(
        "invite_user",
        "201",
        "DeactivateUser",
        "deactivate_user",
        BY_ID,
    ),
    link(
        "list_users",
        "200",
        "GetFirstUser",
        "get_user",
        &[("path.id", "$response.body#/0/id")],
    ),
    link("get_user", "200", "UpdateUser", "update_user", BY_ID),
    link(
        "deactivate_user",
        "200",
        "ReactivateUser",
        "reactivate_user",
        BY_ID,
    ),
    link(
        "list_failed_deliveries",
        "200",
        "RetryFirstEmail",
        "retry_delivery",
        &[("path.id", "$response.body#/emails/0/id")],
    ),
    link(
        "list_failed_deliveries",
        "200",
        "RetryFirstEvent",
        "retry_delivery",
        &[("path.id", "$response.body#/events/0/id")],
    ),
];

/// Adds [`LINKS`] to the serialised document. (The links are written as JSON because
/// utoipa's link type serialises its field names in snake case, which no OpenAPI
/// reader understands.)
pub(crate) fn add_links(doc: &mut Value) {
    for spec in LINKS {
        let Some((path, method)) = OPERATION_IDS
            .iter()
            .find(|(.., id)| *id == spec.from)
            .map(|(m, p, _)| (*p, *m))
        else {
            continue;
        };
        let Some(response) = doc
            .pointer_mut(&format!(
                "/paths/{}/{method}/responses/{}",
                path.replace('~', "~0").replace('/', "~1"),
                spec.status
            ))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut link = json!({ "operationId": spec.to });
        if !spec.params.is_empty() {
            let params: Map<String, Value> = spec
                .params
                .iter()
                .map(|(name, expr)| ((*name).to_owned(), json!(expr)))
                .collect();
            link["parameters"] = Value::Object(params);
        }
        if let Some((field, expression)) = spec.body {
            link["requestBody"] = json!({ field: expression });
        }
        let links = response.entry("links").or_insert_with(|| json!({}));
        links[spec.name] = link;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `(method path, operation)` of every operation of the served document.
    fn operations(doc: &Value) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                out.push((format!("{method} {path}"), op.clone()));
            }
        }
        out
    }

    #[test]
    fn every_operation_has_its_own_id_from_the_table() {
        let doc = crate::openapi::document().expect("the document serialises");
        let mut seen = BTreeSet::new();
        for (name, op) in operations(&doc) {
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            assert!(
                OPERATION_IDS.iter().any(|(.., i)| *i == id),
                "{name} has no id from the table (it has {id:?})"
            );
            assert!(seen.insert(id.clone()), "{id} names two operations");
        }
        assert_eq!(
            seen.len(),
            OPERATION_IDS.len(),
            "the table names gone routes"
        );
    }

    #[test]
    fn every_link_leaves_a_documented_answer_for_an_existing_operation() {
        let doc = crate::openapi::document().expect("the document serialises");
        let ops = operations(&doc);
        let by_id = |id: &str| ops.iter().find(|(_, op)| op["operationId"] == id);
        for spec in LINKS {
            let (name, from) =
                by_id(spec.from).unwrap_or_else(|| panic!("{} is unknown", spec.from));
            let (_, to) = by_id(spec.to).unwrap_or_else(|| panic!("{} is unknown", spec.to));
            let link = &from["responses"][spec.status]["links"][spec.name];
            assert_eq!(
                link["operationId"], spec.to,
                "{name} {} {}",
                spec.status, spec.name
            );
            let params = to["parameters"].as_array().cloned().unwrap_or_default();
            for (qualified, expression) in spec.params {
                assert_eq!(link["parameters"][*qualified], *expression);
                let (location, param) = qualified.split_once('.').expect("location.name");
                assert!(
                    params
                        .iter()
                        .any(|p| p["name"] == param && p["in"] == location),
                    "{} has no {location} parameter {param} (link {})",
                    spec.to,
                    spec.name
                );
            }
            if let Some((field, _)) = spec.body {
                assert!(link["requestBody"][field].is_string());
                assert!(!to["requestBody"].is_null(), "{} takes no body", spec.to);
            }
        }
    }
}
