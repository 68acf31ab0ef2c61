//! The directory in the Open Referral format over HTTP, on every backend: every record
//! of `GET /api/v1/directory/hsds` validates against the published HSDS 3.0 JSON schemas
//! kept in `tests/fixtures/hsds-3.0` (with every `$ref` resolved there and, as the
//! specification's own check does, no property beyond the schema's), the records link to
//! each other, contact details leave only for the agency that made them public, free
//! places and inactive agencies never; the export is audited. The validator itself is
//! shown to refuse a broken record, so a pass means something.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::directory::Capacity;
use schakel_domain::{AgeBand, AgencyKind, AgencyProfile, Gender, Region, Role, Service};
use schakel_store::agency_profiles;
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// Where the published schemas are kept.
fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/hsds-3.0")
}

/// The schema `file` with every `$ref` (a file name beside it) replaced by that file's
/// schema, and no properties allowed beyond those named.
fn schema(file: &str) -> Value {
    let text = std::fs::read_to_string(schema_dir().join(file)).unwrap();
    let mut value: Value = serde_json::from_str(&text).unwrap();
    resolve(&mut value);
    value
}

fn resolve(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(file)) = map.get("$ref") {
                *v = schema(&file.clone());
                return;
            }
            if map.contains_key("properties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(resolve);
        }
        Value::Array(items) => items.iter_mut().for_each(resolve),
        _ => {}
    }
}

/// A validator of the entity `name` (formats checked: uuid, uri, email, date-time).
fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema(&format!("{name}.json")))
        .unwrap()
}

/// The problems of `record` against the entity `name`'s schema.
fn problems(v: &jsonschema::Validator, record: &Value) -> Vec<String> {
    v.iter_errors(record)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn profile(agency: schakel_domain::AgencyId, by: schakel_domain::UserId) -> AgencyProfile {
    let mut p = AgencyProfile::empty(agency);
    p.services = vec![Service::ShelterPlaces, Service::PsychologicalCare];
    p.eligibility.genders = vec![Gender::Female];
    p.eligibility.age_bands = vec![AgeBand::From18To22, AgeBand::From50];
    p.eligibility.note = Some("No pets.".into());
    p.languages = vec!["nl".into(), "ro".into()];
    p.regions = vec![Region::Amsterdam];
    p.hours = Some("Day and night".into());
    p.capacity = Some(Capacity {
        total: 12,
        free: 5,
        updated_at: chrono::Utc::now(),
        updated_by: by,
    });
    p
}

#[actix_web::test]
async fn the_directory_export_validates_against_the_hsds_schemas() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let open = AgencyBuilder::new(&db)
            .name("Opvang Open")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let closed = AgencyBuilder::new(&db)
            .name("Opvang Dicht")
            .kind(AgencyKind::ShelterCategorical)
            .create();
        let gone = AgencyBuilder::new(&db).name("Opgeheven").create();
        let bare = AgencyBuilder::new(&db)
            .name("Gemeente Zonder Profiel")
            .create();
        let coordinator = UserBuilder::new(&db, &open)
            .role(Role::Coordinator)
            .create();
        let analyst = UserBuilder::new(&db, &bare).role(Role::Analyst).create();
        {
            let mut conn = db.pool.get().unwrap();
            let now = chrono::Utc::now();
            let mut p = profile(open.id, coordinator.id);
            p.phone = Some("020 111 1111".into());
            p.contact_public = true;
            agency_profiles::save(&mut conn, &p, coordinator.id, now).unwrap();
            let mut p = profile(closed.id, coordinator.id);
            p.phone = Some("020 999 9999".into());
            p.hours = Some("Secret hours".into());
            agency_profiles::save(&mut conn, &p, coordinator.id, now).unwrap();
            let p = profile(gone.id, coordinator.id);
            agency_profiles::save(&mut conn, &p, coordinator.id, now).unwrap();
            schakel_store::agencies::set_active(&mut conn, gone.id, false, now).unwrap();
        }
        let token = client.token(&analyst.email).await;
        let r = client
            .send(bearer(request("GET", "/api/v1/directory/hsds"), &token))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{backend:?}");
        let body = r.json();
        assert_eq!(body["hsds_version"], "3.0");

        // Every record against its entity's schema.
        let mut checked = 0;
        for (list, entity) in [
            ("organizations", "organization"),
            ("services", "service"),
            ("locations", "location"),
            ("service_at_locations", "service_at_location"),
            ("taxonomies", "taxonomy"),
            ("taxonomy_terms", "taxonomy_term"),
        ] {
            let v = validator(entity);
            let records = body[list].as_array().unwrap();
            assert!(!records.is_empty(), "{list} is empty");
            for record in records {
                assert_eq!(
                    problems(&v, record),
                    Vec::<String>::new(),
                    "{entity}: {record}"
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "{checked} records");

        // The validator refuses what HSDS refuses: a service without a status, an id that
        // is no UUID, a property HSDS does not have.
        let v = validator("service");
        let good = body["services"][0].clone();
        for broken in [
            without(&good, "status"),
            with(&good, "id", json!("not-a-uuid")),
            with(&good, "free_places", json!(5)),
            with(&good, "minimum_age", json!("18")),
        ] {
            assert!(!problems(&v, &broken).is_empty(), "accepted: {broken}");
        }

        // Linked: services to their organisation, location and taxonomy term.
        let ids = |list: &str| -> Vec<Value> {
            body[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].clone())
                .collect()
        };
        let (orgs, terms, locations) = (
            ids("organizations"),
            ids("taxonomy_terms"),
            ids("locations"),
        );
        for s in body["services"].as_array().unwrap() {
            assert!(orgs.contains(&s["organization_id"]));
            assert!(terms.contains(&s["attributes"][0]["taxonomy_term_id"]));
        }
        for sal in body["service_at_locations"].as_array().unwrap() {
            assert!(locations.contains(&sal["location_id"]));
        }
        let names: Vec<&str> = body["organizations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"Gemeente Zonder Profiel"));
        assert!(!names.contains(&"Opgeheven"), "inactive agencies stay out");
        let open_services = body["services"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["organization_id"] == json!(open.id))
            .count();
        assert_eq!(open_services, 2);

        // Contact details only where public; places and their reporter never.
        let text = body.to_string();
        assert!(text.contains("020 111 1111") && text.contains("Day and night"));
        for secret in ["020 999 9999", "Secret hours", "free", "capacity"] {
            assert!(!text.contains(secret), "{secret} left the platform");
        }
        assert!(
            !text.contains(&coordinator.id.to_string()),
            "who reported places"
        );

        // Audited.
        let entries = crate::support::audit_of(&db, "directory.export");
        assert_eq!(entries.len(), 1, "{backend:?}");
        assert_eq!(entries[0].details["organizations"], json!(3));
        assert_eq!(entries[0].details["services"], json!(4));
    }
}

fn without(record: &Value, key: &str) -> Value {
    let mut map: Map<String, Value> = record.as_object().unwrap().clone();
    map.remove(key);
    Value::Object(map)
}

fn with(record: &Value, key: &str, value: Value) -> Value {
    let mut map: Map<String, Value> = record.as_object().unwrap().clone();
    map.insert(key.into(), value);
    Value::Object(map)
}
