//! Four eyes on privilege, the admins' side: `GET /admin/requests` lists the changes of
//! privilege that wait for a second admin (or all of them, or the approved, rejected or
//! expired ones): what is asked in words, for which account (or, for an invitation, the
//! address, name and agency), the role asked for, who asked and when, until when it
//! waits, where it stands and who decided. A pending request of another admin has the
//! buttons that approve (`POST /admin/requests/{id}/approve`: the change is carried out)
//! or reject it (`POST /admin/requests/{id}/reject`); one's own has only the button that
//! withdraws it. The use cases decide: one's own approval, a request decided before or
//! expired, and the change's own rules are refused there and shown as an alert. Anyone
//! but an admin is refused by them (audited) and answered 404.

use super::{Call, Ended, conflict_key, done_key, run};
use crate::WebState;
use crate::forms::Choice;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, not_found, see_other};
use crate::session::Viewer;
use crate::signed::AdminForm;
use crate::time::day_time;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::AgencyView;
use schakel_auth::admin::agencies::list_agencies;
use schakel_auth::admin::four_eyes::{self as uc, RequestView};
use schakel_domain::{PrivilegeRequestId, RequestState, UserId};

/// The filters of the list, the default first.
const FILTERS: [&str; 5] = ["pending", "all", "approved", "rejected", "expired"];

/// The filter and confirmation of the address (`?state=`, `?done=`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct RequestsQuery {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// The filter's code: one of [`FILTERS`], `pending` for anything else.
fn filter_code(asked: Option<&str>) -> &'static str {
    FILTERS
        .iter()
        .find(|f| Some(**f) == asked)
        .copied()
        .unwrap_or(FILTERS[0])
}

/// The states a filter lists (`None`: all).
fn listed(code: &str) -> Option<RequestState> {
    code.parse::<RequestState>().ok()
}

/// One request as the list shows it.
struct RequestRow {
    id: String,
    /// What it changes, in words.
    kind: String,
    /// The account's name, or the invitation's name and address.
    subject: String,
    /// The agency of an invitation (or of the account), when known.
    agency: String,
    /// The role asked for, in words.
    role: String,
    asked_by: String,
    asked_at: String,
    until: String,
    state: String,
    /// Who decided, and when.
    decided: Option<String>,
    /// Waiting: the buttons are shown.
    pending: bool,
    /// The viewer asked for it: no approval, only withdrawing.
    own: bool,
}

#[derive(Template)]
#[template(path = "admin_requests.html")]
struct RequestsPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    filters: Vec<Choice>,
    filter: &'static str,
    rows: Vec<RequestRow>,
    done: Option<&'static str>,
    alert: Option<&'static str>,
}

/// A request in the viewer's words.
fn row(t: Texts, r: RequestView, agencies: &[AgencyView], me: UserId) -> RequestRow {
    let agency = r
        .agency_id
        .and_then(|id| agencies.iter().find(|a| a.id == id))
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let subject = match (&r.target, &r.display_name, &r.email) {
        (Some(user), _, _) => user.name.clone(),
        (None, Some(name), Some(email)) => format!("{name} ({email})"),
        (None, name, email) => name.clone().or_else(|| email.clone()).unwrap_or_default(),
    };
    let decided = match (&r.decided_by, r.decided_at) {
        (Some(who), Some(at)) => Some(format!("{}, {}", who.name, day_time(at))),
        (Some(who), None) => Some(who.name.clone()),
        _ => None,
    };
    RequestRow {
        id: r.id.to_string(),
        kind: t.code("admin.request.kind", r.kind.as_str()),
        subject,
        agency,
        role: r
            .role
            .map(|role| t.code("role", role.as_str()))
            .unwrap_or_default(),
        own: r.requested_by.id == me,
        asked_by: r.requested_by.name,
        asked_at: day_time(r.requested_at),
        until: day_time(r.expires_at),
        state: t.code("admin.request.state", r.state.as_str()),
        decided,
        pending: r.state == RequestState::Pending,
    }
}

/// The filters in the viewer's words, `chosen` marked.
fn filters(t: Texts, chosen: &str) -> Vec<Choice> {
    FILTERS
        .iter()
        .map(|c| Choice {
            code: (*c).to_owned(),
            words: t.code("admin.requests.filter", c),
            on: *c == chosen,
        })
        .collect()
}

/// Lists the requests of filter `filter`, with a confirmation or an alert above.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    filter: &'static str,
    (done, alert): (Option<&'static str>, Option<&'static str>),
) -> HttpResponse {
    let read = run(req, state, v, move |conn, c: &Call<'_>| {
        let requests = uc::list_requests(conn, c.actor, listed(filter), c.ctx, c.now)?;
        let agencies = list_agencies(conn, c.actor, c.ctx, c.now)?;
        Ok((requests, agencies))
    });
    let (requests, agencies) = match read.await {
        Ok(Ended::Done(x)) => x,
        Ok(_) => return not_found(v.texts(), Some(Nav::of(v))),
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let me = v.actor.user_id;
    let status = if alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = RequestsPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        filters: filters(t, filter),
        filter,
        rows: requests
            .into_iter()
            .map(|r| row(t, r, &agencies, me))
            .collect(),
        done,
        alert,
    };
    html(status, &page)
}

/// `GET /admin/requests`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<RequestsQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let filter = filter_code(q.state.as_deref());
    page(
        &req,
        &state,
        &v,
        filter,
        (done_key(q.done.as_deref()), None),
    )
    .await
}

/// A decision on a request.
#[derive(Debug, Clone, Copy)]
pub enum Decision {
    /// Approve it: the change is carried out.
    Approve,
    /// Reject it (or, for one's own, withdraw it).
    Reject,
}

/// `POST /admin/requests/{id}/approve|reject`.
pub async fn decide(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: AdminForm,
    what: Decision,
) -> HttpResponse {
    let AdminForm { v, f, .. } = form;
    let Ok(id) = path.parse::<PrivilegeRequestId>() else {
        return not_found(v.texts(), Some(Nav::of(&v)));
    };
    let filter = filter_code(Some(f.one("state")));
    let decided = run(&req, &state, &v, move |conn, c: &Call<'_>| match what {
        Decision::Approve => uc::approve_request(conn, c.auth, c.actor, id, c.ctx, c.now),
        Decision::Reject => uc::reject_request(conn, c.actor, id, c.ctx, c.now),
    });
    let alert = match decided.await {
        Ok(Ended::Done(r)) => {
            let done = match what {
                Decision::Approve => "approved",
                Decision::Reject if r.requested_by.id == v.actor.user_id => "withdrawn",
                Decision::Reject => "rejected",
            };
            return see_other(&format!("/admin/requests?state={filter}&done={done}"));
        }
        Ok(Ended::Conflict(r)) => conflict_key(r),
        Ok(Ended::Stale | Ended::Invalid(_)) => "error.conflict",
        Ok(Ended::Hidden) => return not_found(v.texts(), Some(Nav::of(&v))),
        Err(x) => return x.page(&v),
    };
    page(&req, &state, &v, filter, (None, Some(alert))).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use schakel_domain::PrivilegeChange;

    #[test]
    fn an_unknown_filter_lists_the_pending_requests() {
        assert_eq!(filter_code(None), "pending");
        assert_eq!(filter_code(Some("<script>")), "pending");
        assert_eq!(filter_code(Some("expired")), "expired");
        assert_eq!(listed("all"), None);
        assert_eq!(listed("approved"), Some(RequestState::Approved));
    }

    #[test]
    fn every_kind_state_and_filter_has_its_words() {
        for lang in [Lang::En, Lang::Nl] {
            let t = Texts { lang };
            for kind in PrivilegeChange::ALL {
                let key = format!("admin.request.kind.{}", kind.as_str());
                assert_ne!(t.get(&key), key);
            }
            for state in RequestState::ALL {
                let key = format!("admin.request.state.{}", state.as_str());
                assert_ne!(t.get(&key), key);
            }
            for filter in FILTERS {
                let key = format!("admin.requests.filter.{filter}");
                assert_ne!(t.get(&key), key);
            }
        }
    }
}
