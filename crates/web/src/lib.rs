#![doc = include_str!("../README.md")]

mod account;
mod admin;
mod agency_dashboard;
mod agency_profile;
mod analyst;
mod audit_pages;
mod audit_query;
mod audit_tools;
mod browser;
mod case_assign;
mod case_assignees;
mod case_chain;
mod case_close;
mod case_correct;
mod case_document_rows;
mod case_documents;
mod case_history;
mod case_list;
mod case_reopen;
mod case_rights;
mod case_rows;
mod caseload;
mod cases;
mod client;
mod client_rules;
mod consents;
mod directory_fit;
mod document_download;
mod drafts;
mod emergency;
mod emergency_mark;
mod emergency_review;
mod emergency_review_rows;
mod enrolment;
mod failure;
mod forgot;
mod forms;
mod help;
mod home;
pub mod i18n;
mod investigations;
mod investigations_show;
mod known_persons;
mod links;
mod login;
mod login_check;
mod names;
mod note_form;
mod notes;
mod outgoing;
mod own_sessions;
mod page_forms;
mod pages;
mod person_form;
mod person_record;
mod preferences;
mod recovery_codes;
mod referral_actions;
mod referral_assign;
mod referral_case;
mod referral_list;
mod referral_new;
mod referrals;
mod replay;
pub mod session;
mod signal_list;
mod signals;
mod signed;
mod state;
mod suspect_referrals;
mod suspect_referrals_actions;
mod suspect_referrals_rows;
mod suspects;
mod suspects_forms;
mod suspects_shown;
mod suspects_steps;
mod time;
mod upload;

pub use client_rules::{ClientLimit, ClientRules};
pub use pages::PAGE_CSP;
pub use schakel_monitor::MonitorView;
pub use state::WebState;

use actix_web::middleware::from_fn;
use actix_web::web;

/// The largest form body read.
const FORM_LIMIT_BYTES: usize = 128 * 1024;

/// The pages' routes over `state`.
pub fn configure(cfg: &mut web::ServiceConfig, state: WebState) {
    // A signal's summary and the person's contact details may be long in any script:
    // room for them, percent-encoded, with the form's other fields.
    cfg.app_data(web::Data::new(state))
        .app_data(web::FormConfig::default().limit(FORM_LIMIT_BYTES));
    // Every page in one scope, so that an error no page answered (an unknown address
    // too: the scope takes every path the routes before it left) reaches a browser as a
    // page (`browser`). Nothing registered after it would ever be reached.
    cfg.service(
        web::scope("")
            .wrap(from_fn(browser::error_pages))
            .configure(signing_in)
            .configure(casework)
            .configure(case_pages)
            .configure(law_enforcement)
            .configure(own_account)
            .configure(analyst_and_auditor)
            .configure(admin),
    );
}

/// The home page, the help page, logging in (password, then the second factor), asking
/// for a recovery link, logging out, and the stylesheet and icon every page uses.
fn signing_in(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(home::home)))
        .service(web::resource("/help").route(web::get().to(help::help)))
        .service(
            web::resource("/login")
                .wrap(from_fn(client::limit_submissions))
                .route(web::get().to(login::login_form))
                .route(web::post().to(login::login)),
        )
        .service(
            web::resource("/login/code")
                .wrap(from_fn(client::limit_submissions))
                .route(web::get().to(login::code_form))
                .route(web::post().to(login::code)),
        )
        .service(
            web::resource("/password/forgot")
                .wrap(from_fn(client::limit_submissions))
                .route(web::get().to(forgot::form))
                .route(web::post().to(forgot::request)),
        )
        .service(web::resource("/logout").route(web::post().to(login::logout)))
        .service(
            web::resource("/logout/everywhere").route(web::post().to(login::logout_everywhere)),
        )
        .service(web::resource("/static/app.css").route(web::get().to(pages::stylesheet)))
        .service(web::resource("/static/favicon.svg").route(web::get().to(browser::favicon)))
        .service(web::resource("/favicon.ico").route(web::get().to(browser::favicon_ico)));
}

/// Caseworkers' and coordinators' pages: the inbox and outgoing referrals, the lists of
/// signals and cases, the coordinators' caseload and figures, signals, referrals, the
/// drafts of their forms, and breaking the glass (a case's own pages: `case_pages`).
fn casework(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/inbox").route(web::get().to(home::inbox)))
        .service(web::resource("/drafts").route(web::get().to(drafts::list)))
        .service(web::resource("/drafts/save").route(web::post().to(drafts::save)))
        .service(web::resource("/drafts/{id}/discard").route(web::post().to(drafts::discard)))
        .service(web::resource("/drafts/{id}/resume").route(web::get().to(drafts::resume_page)))
        .service(web::resource("/outgoing").route(web::get().to(outgoing::list)))
        .service(web::resource("/signals").route(web::get().to(signal_list::list)))
        // Before `/signals/{id}`, which would take `new` for an id.
        .service(
            web::resource("/signals/new")
                .route(web::get().to(signals::new))
                .route(web::post().to(signals::create)),
        )
        .service(web::resource("/signals/new/check").route(web::post().to(signals::check)))
        .service(web::resource("/signals/{id}").route(web::get().to(signals::show)))
        .service(web::resource("/cases").route(web::get().to(case_list::list)))
        .service(web::resource("/caseload").route(web::get().to(caseload::show)))
        .service(web::resource("/agency/dashboard").route(web::get().to(agency_dashboard::show)))
        .service(
            web::resource("/referrals/{id}")
                .route(web::get().to(referrals::show))
                .route(web::post().to(page_forms::referral)),
        )
        .service(web::resource("/referrals/{id}/case").route(web::post().to(referral_case::open)))
        .service(
            web::resource("/referrals/{id}/assignee")
                .route(web::post().to(referral_assign::assign)),
        )
        .service(
            web::resource("/referrals/{id}/{action}").route(web::post().to(referral_actions::take)),
        )
        .service(
            web::resource("/emergency")
                .route(web::get().to(emergency::form))
                .route(web::post().to(emergency::open)),
        );
}

/// A case's page and the forms and pages that hang off it: closing, reopening,
/// correcting, the person's rights and the copy of their record, consents, notes,
/// documents and a new referral.
fn case_pages(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/cases/{id}")
            .route(web::get().to(cases::show))
            .route(web::post().to(page_forms::case)),
    )
    .service(web::resource("/cases/{id}/close").route(web::post().to(case_close::close)))
    .service(web::resource("/cases/{id}/reopen").route(web::post().to(case_reopen::reopen)))
    .service(web::resource("/cases/{id}/assignee").route(web::post().to(case_assign::assign)))
    .service(
        web::resource("/cases/{id}/correct")
            .route(web::get().to(case_correct::form))
            .route(web::post().to(case_correct::save)),
    )
    .service(
        web::resource("/cases/{id}/rights")
            .route(web::get().to(case_rights::show))
            .route(web::post().to(case_rights::act)),
    )
    .service(
        web::resource("/cases/{id}/person-record").route(web::get().to(person_record::download)),
    )
    .service(web::resource("/cases/{id}/consents").route(web::post().to(consents::give)))
    .service(
        web::resource("/cases/{id}/consents/{consent}/withdraw")
            .route(web::post().to(consents::withdraw)),
    )
    .service(web::resource("/cases/{id}/notes").route(web::post().to(notes::add)))
    .service(
        web::resource("/cases/{id}/notes/{note}/edit")
            .route(web::get().to(notes::edit))
            .route(web::post().to(notes::save)),
    )
    .service(web::resource("/cases/{id}/documents").route(web::post().to(case_documents::add)))
    .service(
        web::resource("/cases/{id}/documents/{doc}/share")
            .route(web::post().to(case_documents::share)),
    )
    .service(
        web::resource("/cases/{id}/documents/{doc}/remove")
            .route(web::post().to(case_documents::remove)),
    )
    .service(
        web::resource("/documents/{id}/download").route(web::get().to(document_download::download)),
    )
    .service(
        web::resource("/cases/{id}/referrals/new")
            .route(web::get().to(referral_new::new))
            .route(web::post().to(referral_new::create)),
    );
}

/// The law-enforcement compartment: the agency's investigations and their suspects,
/// a suspect's page with its forms, and the suspects handed to the prosecution.
fn law_enforcement(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/investigations")
            .route(web::get().to(investigations::list))
            .route(web::post().to(investigations::open)),
    )
    .service(
        web::resource("/investigations/{id}")
            .route(web::get().to(investigations_show::show))
            .route(web::post().to(investigations_show::add_suspect)),
    )
    .service(
        web::resource("/suspects/{id}")
            .route(web::get().to(suspects::show))
            .route(web::post().to(suspects_forms::submit)),
    )
    .service(
        web::resource("/suspect-referrals")
            .route(web::get().to(suspect_referrals::list))
            .route(web::post().to(suspect_referrals::act)),
    );
}

/// One's own agency's entry in the directory (its coordinators), one's own account:
/// preferences and password, and the forms behind emailed links
/// (accepting an invitation, resetting a password) with their script.
fn own_account(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/agency/profile")
            .route(web::get().to(agency_profile::form))
            .route(web::post().to(agency_profile::save)),
    )
    .service(
        web::resource("/account/preferences")
            .route(web::get().to(preferences::form))
            .route(web::post().to(preferences::save)),
    )
    .service(
        web::resource("/account/password")
            .wrap(from_fn(client::limit_submissions))
            .route(web::get().to(account::form))
            .route(web::post().to(account::change)),
    )
    .service(web::resource("/account/sessions/{id}/end").route(web::post().to(own_sessions::end)))
    .service(web::resource("/account/recovery-codes").route(web::post().to(recovery_codes::renew)))
    .service(
        web::resource("/invitation")
            .wrap(from_fn(client::limit_submissions))
            .route(web::get().to(|r, s| links::form(r, s, links::Link::Invitation)))
            .route(web::post().to(|r, s, f| links::submit(r, s, f, links::Link::Invitation))),
    )
    .service(
        web::resource("/password-reset")
            .wrap(from_fn(client::limit_submissions))
            .route(web::get().to(|r, s| links::form(r, s, links::Link::Reset)))
            .route(web::post().to(|r, s, f| links::submit(r, s, f, links::Link::Reset))),
    )
    .service(web::resource("/static/link.js").route(web::get().to(links::script)))
    .service(web::resource("/static/draft.js").route(web::get().to(drafts::script)));
}

/// The analyst's dashboard with its charts and CSV files, the estimate page and the
/// offender tables, the auditor's trail and the auditors' review of emergency access.
fn analyst_and_auditor(cfg: &mut web::ServiceConfig) {
    use analyst::estimate::{estimate_csv, estimate_json, estimate_page};
    use analyst::offenders::{offenders_csv, offenders_page};
    cfg.service(web::resource("/analyst").route(web::get().to(analyst::dashboard)))
        // Before `/analyst/{name}.csv`, which would take `estimate.csv` for a table.
        .service(web::resource("/analyst/estimate").route(web::get().to(estimate_page)))
        .service(web::resource("/analyst/estimate.csv").route(web::get().to(estimate_csv)))
        .service(web::resource("/analyst/estimate.json").route(web::get().to(estimate_json)))
        .service(
            web::resource("/analyst/htcds.csv").route(web::get().to(analyst::htcds::htcds_csv)),
        )
        .service(web::resource("/analyst/offenders").route(web::get().to(offenders_page)))
        .service(web::resource("/analyst/offenders/{name}.csv").route(web::get().to(offenders_csv)))
        .service(web::resource("/analyst/charts/{name}.svg").route(web::get().to(analyst::chart)))
        .service(web::resource("/analyst/{name}.csv").route(web::get().to(analyst::csv)))
        .service(web::resource("/audit").route(web::get().to(audit_pages::trail)))
        .service(web::resource("/audit/verify").route(web::post().to(audit_pages::verify)))
        .service(web::resource("/audit/who-saw").route(web::post().to(audit_tools::who_saw)))
        .service(
            web::resource("/audit/export.csv").route(
                web::get().to(|r, s, q| audit_tools::export(r, s, q, audit_tools::Format::Csv)),
            ),
        )
        .service(web::resource("/audit/export.jsonl").route(
            web::get().to(|r, s, q| audit_tools::export(r, s, q, audit_tools::Format::Jsonl)),
        ))
        .service(web::resource("/audit/emergency").route(web::get().to(emergency_review::list)))
        .service(
            web::resource("/audit/emergency/{id}/review")
                .route(web::post().to(emergency_review::review)),
        );
}

/// The admin's agencies, accounts (with sending one a password reset link), external
/// systems' accounts and their secrets, the requests that wait for a second admin and
/// failed notifications.
fn admin(cfg: &mut web::ServiceConfig) {
    use admin::requests::Decision;
    use admin::users::Change;
    cfg.service(
        web::resource("/admin/agencies")
            .route(web::get().to(admin::agencies::list))
            .route(web::post().to(admin::agencies::create)),
    )
    .service(
        web::resource("/admin/agencies/{id}")
            .route(web::get().to(admin::agencies::show))
            .route(web::post().to(admin::agencies::update)),
    )
    .service(
        web::resource("/admin/agencies/{id}/deactivate")
            .route(web::post().to(admin::agencies::deactivate)),
    )
    .service(
        web::resource("/admin/users")
            .route(web::get().to(admin::users::list))
            .route(web::post().to(admin::users::invite)),
    )
    .service(
        web::resource("/admin/users/{id}/role")
            .route(web::post().to(|r, s, p, f| admin::users::change(r, s, p, f, Change::Role))),
    )
    .service(
        web::resource("/admin/users/{id}/deactivate").route(
            web::post().to(|r, s, p, f| admin::users::change(r, s, p, f, Change::Deactivate)),
        ),
    )
    .service(
        web::resource("/admin/users/{id}/reactivate").route(
            web::post().to(|r, s, p, f| admin::users::change(r, s, p, f, Change::Reactivate)),
        ),
    )
    .service(
        web::resource("/admin/users/{id}/second-factor-reset").route(
            web::post()
                .to(|r, s, p, f| admin::users::change(r, s, p, f, Change::SecondFactorReset)),
        ),
    )
    .service(
        web::resource("/admin/users/{id}/password-reset")
            .route(web::get().to(admin::user_reset::confirm))
            .route(web::post().to(admin::user_reset::send)),
    )
    .service(
        web::resource("/admin/clients")
            .route(web::get().to(admin::clients::list))
            .route(web::post().to(admin::clients::create)),
    )
    .service(
        web::resource("/admin/clients/{id}/secret").route(web::post().to(admin::clients::rotate)),
    )
    .service(web::resource("/admin/requests").route(web::get().to(admin::requests::list)))
    .service(
        web::resource("/admin/requests/{id}/approve").route(
            web::post().to(|r, s, p, f| admin::requests::decide(r, s, p, f, Decision::Approve)),
        ),
    )
    .service(
        web::resource("/admin/requests/{id}/reject").route(
            web::post().to(|r, s, p, f| admin::requests::decide(r, s, p, f, Decision::Reject)),
        ),
    )
    .service(web::resource("/admin/notifications").route(web::get().to(admin::notifications::list)))
    .service(
        web::resource("/admin/notifications/{id}/retry")
            .route(web::post().to(admin::notifications::retry)),
    );
}
