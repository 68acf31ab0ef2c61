//! An agency of the directory as an `Organization`: its name, kind (as `type`), region
//! (an extension: never an address), as the API's directory shows it: nothing more.

use super::meta;
use crate::codes::{coded_extension, concept};
use schakel_auth::admin::AgencyView;
use serde_json::{Value, json};

/// The `Organization` of an agency.
pub fn organization(a: &AgencyView) -> Value {
    json!({
        "resourceType": "Organization",
        "id": a.id.to_string(),
        "meta": meta(Some(a.version), a.updated_at),
        "extension": [coded_extension("region", "region", a.region.as_str())],
        "active": a.active,
        "type": [concept("agency-kind", a.kind.as_str())],
        "name": a.name,
    })
}
