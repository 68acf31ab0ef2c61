#![doc = include_str!("../README.md")]

mod analyst;
mod analyst_charts;
mod analyst_layout;
mod analyst_panels;
mod analyst_view;
mod audit_pages;
pub mod i18n;
mod pages;
mod referrals;
pub mod session;
mod state;

pub use pages::PAGE_CSP;
pub use state::{MonitorView, WebState};

use actix_web::web;

/// The pages' routes over `state`.
pub fn configure(cfg: &mut web::ServiceConfig, state: WebState) {
    cfg.app_data(web::Data::new(state))
        .service(web::resource("/").route(web::get().to(pages::home)))
        .service(
            web::resource("/login")
                .route(web::get().to(pages::login_form))
                .route(web::post().to(pages::login)),
        )
        .service(
            web::resource("/login/code")
                .route(web::get().to(pages::code_form))
                .route(web::post().to(pages::code)),
        )
        .service(web::resource("/logout").route(web::post().to(pages::logout)))
        .service(web::resource("/inbox").route(web::get().to(pages::inbox)))
        .service(web::resource("/referrals/{id}").route(web::get().to(referrals::show)))
        .service(web::resource("/referrals/{id}/{action}").route(web::post().to(referrals::take)))
        .service(web::resource("/static/app.css").route(web::get().to(pages::stylesheet)));
    // The analyst's dashboard and the auditor's trail.
    cfg.service(web::resource("/analyst").route(web::get().to(analyst::dashboard)))
        .service(web::resource("/analyst/charts/{name}.svg").route(web::get().to(analyst::chart)))
        .service(web::resource("/analyst/{name}.csv").route(web::get().to(analyst::csv)))
        .service(web::resource("/audit").route(web::get().to(audit_pages::trail)))
        .service(web::resource("/audit/verify").route(web::post().to(audit_pages::verify)));
}
