//! The coordinators' caseload (`GET /caseload`): the agency's active caseworkers and
//! coordinators by name, each with the open cases they are responsible for, the open
//! cases nobody is, and those of workers no longer active; every number links to the
//! case list of those cases. The use case decides who may read it: any other role gets
//! the page that says the role cannot do this (403). Nothing here changes data.

use crate::WebState;
use crate::forms::with_env;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_referral_workflow::cases::caseload;
use schakel_referral_workflow::views::Caseload;

/// One worker's line: the template links the number to the case list of `id`.
struct Row {
    id: String,
    name: String,
    role: String,
    open_cases: i64,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    t: Texts,
    nav: Option<Nav>,
    rows: Vec<Row>,
    unassigned: i64,
    with_inactive: i64,
}

/// The caseload in the words of `t`.
fn rows(t: Texts, load: Caseload) -> Vec<Row> {
    load.workers
        .into_iter()
        .map(|w| Row {
            id: w.worker.id.to_string(),
            name: w.worker.name,
            role: t.code("role", w.role.as_str()),
            open_cases: w.open_cases,
        })
        .collect()
}

/// `GET /caseload`.
pub async fn show(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let actor = v.actor;
    let load = with_env(&req, &state, move |conn, env| {
        Ok(caseload(conn, env, &actor)?)
    })
    .await;
    let load = match load {
        Ok(load) => load,
        Err(x) => return x.page(&v),
    };
    let t = v.texts();
    let (unassigned, with_inactive) = (load.unassigned, load.with_inactive);
    let page = CaseloadPage {
        t,
        nav: Some(Nav::of(&v)),
        rows: rows(t, load),
        unassigned,
        with_inactive,
    };
    html(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use schakel_domain::{Role, UserId};
    use schakel_referral_workflow::views::{WorkerLoad, WorkerRef};

    #[test]
    fn each_worker_is_named_with_their_role_and_open_cases() {
        let id = UserId::new_random();
        let load = Caseload {
            workers: vec![WorkerLoad {
                worker: WorkerRef {
                    id,
                    name: "Eva de Vries".into(),
                },
                role: Role::Coordinator,
                open_cases: 3,
            }],
            unassigned: 1,
            with_inactive: 0,
        };
        let rows = rows(Texts { lang: Lang::Nl }, load);
        assert_eq!(
            (rows[0].id.as_str(), rows[0].name.as_str()),
            (id.to_string().as_str(), "Eva de Vries")
        );
        assert_eq!(
            (rows[0].role.as_str(), rows[0].open_cases),
            ("coördinator", 3)
        );
    }
}
