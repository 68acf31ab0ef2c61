//! `/api/v1/investigations`, `/api/v1/suspects` and `/api/v1/suspect-referrals`: the
//! law-enforcement compartment — investigations and their suspects, links to victims'
//! cases and signals, suspects handed to the prosecution, and its decisions and the
//! judgments.
//!
//! Only agencies of a law-enforcement kind take part: anyone else is answered 404 for a
//! record and 403 for a list, and the attempt is audited. Handlers parse, call one use
//! case of `schakel_referral_workflow::offenders` on the blocking pool and answer with
//! its view. Creating requests take no `Idempotency-Key`: a replay's stored first
//! answer would hold a suspect's identity outside the compartment's keys.

mod investigations;
mod referrals;
mod suspects;

pub use investigations::*;
pub use referrals::*;
pub use suspects::*;

use actix_web::web;

/// The compartment's routes (inside `/api/v1`).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/investigations")
            .route(web::get().to(list_investigations_handler))
            .route(web::post().to(open_investigation_handler)),
    )
    .service(web::resource("/investigations/{id}").route(web::get().to(get_investigation_handler)))
    .service(
        web::resource("/investigations/{id}/suspects").route(web::post().to(add_suspect_handler)),
    )
    .service(web::resource("/suspects/{id}").route(web::get().to(get_suspect_handler)))
    .service(web::resource("/suspects/{id}/victims").route(web::post().to(link_victim_handler)))
    .service(
        web::resource("/suspects/{id}/victims/{link_id}")
            .route(web::delete().to(unlink_victim_handler)),
    )
    .service(web::resource("/suspects/{id}/referrals").route(web::post().to(refer_suspect_handler)))
    .service(web::resource("/suspects/{id}/decisions").route(web::post().to(decision_handler)))
    .service(web::resource("/suspects/{id}/judgments").route(web::post().to(judgment_handler)))
    .service(
        web::resource("/suspect-referrals").route(web::get().to(list_suspect_referrals_handler)),
    )
    .service(
        web::resource("/suspect-referrals/{id}/{action}")
            .route(web::post().to(act_on_suspect_referral_handler)),
    );
}
