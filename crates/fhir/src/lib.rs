#![doc = include_str!("../README.md")]

pub mod bundle;
pub mod capability;
pub mod codes;
pub mod inbound;
pub mod organizations;
pub mod outcome;
pub mod params;
pub mod persons;
pub mod referrals;
pub mod resources;
pub mod task_update;
pub mod transaction;

use actix_web::web;
use referrals::Face;

/// The facade's routes under `/fhir/R4`, with its errors as `OperationOutcome`s.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/fhir/R4")
            .wrap(actix_web::middleware::from_fn(outcome::as_outcome))
            .route("", web::post().to(transaction::transaction))
            .route("/", web::post().to(transaction::transaction))
            .route("/metadata", web::get().to(capability::metadata))
            .route(
                "/ServiceRequest",
                web::get().to(|w, r, s| referrals::search(Face::ServiceRequest, w, r, s)),
            )
            .route(
                "/ServiceRequest/{id}",
                web::get().to(|w, r, s, id| referrals::read(Face::ServiceRequest, w, r, s, id)),
            )
            .route(
                "/Task",
                web::get().to(|w, r, s| referrals::search(Face::Task, w, r, s)),
            )
            .route(
                "/Task/{id}",
                web::get().to(|w, r, s, id| referrals::read(Face::Task, w, r, s, id)),
            )
            .route("/Task/{id}", web::patch().to(task_update::patch_task))
            .route("/Task/{id}", web::put().to(task_update::put_task))
            .route("/Patient/{id}", web::get().to(persons::read_patient))
            .route("/Consent", web::get().to(persons::search_consents))
            .route(
                "/Consent/{id}",
                web::get().to(persons::read_consent_handler),
            )
            .route(
                "/Organization",
                web::get().to(organizations::search_organizations),
            )
            .route(
                "/Organization/{id}",
                web::get().to(organizations::read_organization),
            )
            .default_service(web::to(outcome::not_found)),
    );
}
