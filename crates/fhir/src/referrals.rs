//! `ServiceRequest` and `Task`: a referral's two faces, read one at a time or searched
//! (the actor's agency's inbox and sent referrals), through the same use cases, access
//! rules and audit as `/api/v1/referrals`.

use crate::bundle::{Entry, searchset};
use crate::outcome::resource;
use crate::params::{Params, reference_id};
use crate::resources::{Subject, referral};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_api::auth::CurrentActor;
use schakel_api::{ApiError, AppState, FieldError, with_env};
use schakel_domain::{Actor, AgencyId, ReferralId, ReferralState};
use schakel_referral_workflow::Env;
use schakel_referral_workflow::cases::identified_persons;
use schakel_referral_workflow::referrals::{self as uc, ReferralBox, ReferralFilter, StateSet};
use schakel_referral_workflow::views::ReferralView;
use schakel_store::DbConn;
use serde_json::Value;

/// Which face of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// What is asked.
    ServiceRequest,
    /// Where it stands.
    Task,
}

impl Face {
    fn name(self) -> &'static str {
        match self {
            Face::ServiceRequest => "ServiceRequest",
            Face::Task => "Task",
        }
    }

    fn render(self, r: &ReferralView, subject: Subject) -> Value {
        match self {
            Face::ServiceRequest => referral::service_request(r, subject),
            Face::Task => referral::task(r, subject),
        }
    }

    fn states_of(self, status: &str) -> Option<&'static [ReferralState]> {
        match self {
            Face::ServiceRequest => crate::codes::states_of_request_status(status),
            Face::Task => crate::codes::states_of_task_status(status),
        }
    }

    /// The parameter naming the receiving agency.
    fn receiver_param(self) -> &'static str {
        match self {
            Face::ServiceRequest => "performer",
            Face::Task => "owner",
        }
    }
}

/// The subjects of `views`: a `Patient` where the actor sees the identity.
pub(crate) fn subjects(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    views: &[ReferralView],
) -> Result<Vec<Subject>, ApiError> {
    let cases: Vec<_> = views.iter().filter_map(|r| r.case_id).collect();
    let known = identified_persons(conn, env, who, &cases)?;
    Ok(views
        .iter()
        .map(|r| {
            r.case_id
                .and_then(|c| known.iter().find(|(k, _)| *k == c))
                .map_or(Subject::Withheld, |(_, p)| Subject::Patient(*p))
        })
        .collect())
}

/// One referral as the actor may see it, with its subject.
pub(crate) async fn read_one(
    who: Actor,
    req: &HttpRequest,
    state: &web::Data<AppState>,
    id: ReferralId,
) -> Result<(ReferralView, Subject), ApiError> {
    with_env(state, req, move |conn, env| {
        let view = uc::get_referral(conn, env, &who, id)?;
        let subject = subjects(conn, env, &who, std::slice::from_ref(&view))?
            .pop()
            .unwrap_or(Subject::Withheld);
        Ok((view, subject))
    })
    .await
}

/// The answer of one referral's face, with its version as a weak `ETag`.
pub(crate) fn answer(face: Face, view: &ReferralView, subject: Subject) -> HttpResponse {
    let mut res = resource(StatusCode::OK, &face.render(view, subject));
    if let Ok(v) = header::HeaderValue::from_str(&format!("W/\"{}\"", view.version)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// `GET /fhir/R4/{ServiceRequest|Task}/{id}`.
pub async fn read(
    face: Face,
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ReferralId>,
) -> Result<HttpResponse, ApiError> {
    let (view, subject) = read_one(who.0, &req, &state, id.into_inner()).await?;
    Ok(answer(face, &view, subject))
}

/// A search's filters.
struct Search {
    boxes: Vec<ReferralBox>,
    from: Option<AgencyId>,
    to: Option<AgencyId>,
    states: Option<Vec<ReferralState>>,
}

fn invalid(param: &str, reason: &str) -> ApiError {
    ApiError::Invalid(FieldError {
        field: param.to_owned(),
        reason: reason.to_owned(),
    })
}

fn search_of(face: Face, who: &Actor, params: &Params) -> Result<Search, ApiError> {
    let from = params
        .one("requester")
        .map(|v| {
            reference_id(v, "Organization")
                .ok_or_else(|| invalid("requester", "expected Organization/{id}"))
        })
        .transpose()?;
    let receiver = face.receiver_param();
    let to = params
        .one(receiver)
        .map(|v| {
            reference_id(v, "Organization")
                .ok_or_else(|| invalid(receiver, "expected Organization/{id}"))
        })
        .transpose()?;
    let states = match params.one("status") {
        None => None,
        Some(list) => {
            let mut states = Vec::new();
            for status in list.split(',') {
                let found = face
                    .states_of(status.trim())
                    .ok_or_else(|| invalid("status", "expected a status code of the resource"))?;
                states.extend_from_slice(found);
            }
            Some(states)
        }
    };
    let own = who.agency_id;
    // The inbox holds what others sent to the agency, the sent list what it sent.
    let incoming = from != Some(own) && to.is_none_or(|t| t == own);
    let outgoing = to != Some(own) && from.is_none_or(|f| f == own);
    let mut boxes = Vec::new();
    if incoming {
        boxes.push(ReferralBox::Incoming);
    }
    if outgoing {
        boxes.push(ReferralBox::Outgoing);
    }
    Ok(Search {
        boxes,
        from,
        to,
        states,
    })
}

/// The smallest list of the store's that holds `states`.
fn state_set(states: Option<&[ReferralState]>) -> StateSet {
    match states {
        None => StateSet::All,
        Some([]) => StateSet::Nothing,
        Some([one]) => StateSet::Only(*one),
        Some(many) if many.iter().all(|s| s.is_open()) => StateSet::Open,
        Some(many) if many.iter().all(|s| !s.is_open()) => StateSet::Closed,
        Some(_) => StateSet::All,
    }
}

/// Where a search goes on: the box and its cursor (`in.` or `out.` and the cursor).
fn page_token(which: ReferralBox, cursor: Option<&str>) -> String {
    let prefix = match which {
        ReferralBox::Incoming => "in",
        ReferralBox::Outgoing => "out",
    };
    format!("{prefix}.{}", cursor.unwrap_or(""))
}

fn parse_page(token: &str) -> Result<(ReferralBox, Option<String>), ApiError> {
    let (which, cursor) = token
        .split_once('.')
        .ok_or_else(|| invalid("_page", "expected the token of a next link"))?;
    let which = match which {
        "in" => ReferralBox::Incoming,
        "out" => ReferralBox::Outgoing,
        _ => return Err(invalid("_page", "expected the token of a next link")),
    };
    Ok((which, (!cursor.is_empty()).then(|| cursor.to_owned())))
}

/// `GET /fhir/R4/{ServiceRequest|Task}?…`: `requester`, `performer` (ServiceRequest)
/// or `owner` (Task) as `Organization/{id}`, `status` (codes of the resource, comma
/// for any of them), `_count` (1–100), `_page` (from a `next` link).
pub async fn search(
    face: Face,
    who: CurrentActor,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(
        req.query_string(),
        &[
            "requester",
            face.receiver_param(),
            "status",
            "_count",
            "_page",
        ],
    )?;
    let who = who.0;
    let search = search_of(face, &who, &params)?;
    let count = params.count()?;
    let start = match params.one("_page") {
        Some(token) => Some(parse_page(token)?),
        None => None,
    };
    let boxes = search.boxes.clone();
    let states = search.states.clone();
    let (views, subjects, next) = with_env(&state, &req, move |conn, env| {
        let position = match start {
            Some((which, cursor)) if boxes.contains(&which) => Some((which, cursor)),
            Some(_) => None,
            None => boxes.first().map(|b| (*b, None)),
        };
        let Some((which, cursor)) = position else {
            return Ok((Vec::new(), Vec::new(), None));
        };
        let filter = ReferralFilter::states(state_set(states.as_deref()));
        let page = uc::list_referrals(
            conn,
            env,
            &who,
            which,
            filter,
            cursor.as_deref(),
            Some(count),
        )?;
        // A page may come out shorter than asked: the filters the lists do not know
        // are applied to it here, and each box ends on a page of its own.
        let views: Vec<ReferralView> = page
            .items
            .into_iter()
            .filter(|r| {
                states.as_ref().is_none_or(|s| s.contains(&r.state))
                    && search.from.is_none_or(|f| f == r.from_agency.id)
                    && search.to.is_none_or(|t| t == r.to_agency.id)
            })
            .collect();
        let next = match page.next_cursor {
            Some(c) => Some(page_token(which, Some(&c))),
            None => boxes
                .iter()
                .skip_while(|b| **b != which)
                .nth(1)
                .map(|b| page_token(*b, None)),
        };
        let subjects = subjects(conn, env, &who, &views)?;
        Ok((views, subjects, next))
    })
    .await?;
    let entries: Vec<Entry> = views
        .iter()
        .zip(subjects)
        .map(|(v, s)| Entry::of(face.name(), &v.id.to_string(), face.render(v, s)))
        .collect();
    let self_query = params.canonical();
    let bundle = searchset(
        &req,
        face.name(),
        &self_query,
        entries,
        next.as_deref(),
        count,
    );
    Ok(resource(StatusCode::OK, &bundle))
}
