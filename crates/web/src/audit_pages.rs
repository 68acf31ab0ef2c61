//! The auditor's pages: `GET /audit`, the audit trail filtered as the API filters it
//! and paged newest first, and `POST /audit/verify`, which recomputes the chain and
//! names the first broken entry. Only auditors; anyone else is answered 404 (the
//! attempt is audited by the use case). Both call the same use cases as the API, which
//! record each reading before anything is shown. Actors are shown by name and agency,
//! each linked to their own trail, objects and persons to theirs; never the client
//! address an entry records. The page also holds the forms of `audit_tools`: who saw a
//! person, and the export of what the filters match.

use crate::WebState;
use crate::audit_query::{TrailQuery, of_actor, of_object, of_subject};
use crate::forms::Choice;
use crate::forms::Failure;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, not_found};
use crate::session::Viewer;
use crate::signed::AuditorForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, AuditEntry, AuditFilter, Outcome, PageRequest, VerifyReport};
use schakel_auth::admin::audit_trail::Trail;
use schakel_auth::admin::{UseCaseError, audit_trail};
use schakel_domain::{Gender, Role};

/// Who acted, as the trail shows them.
struct ActorCell {
    name: String,
    agency: String,
    link: String,
}

/// What an entry was about, linked to its own trail.
struct Linked {
    words: String,
    link: String,
}

/// One line of the trail.
struct EntryRow {
    /// The chain position, or `None` while unsealed.
    seq: Option<i64>,
    time: String,
    actor: Option<ActorCell>,
    on_behalf: Option<ActorCell>,
    role: String,
    action: String,
    kind: String,
    object: Option<Linked>,
    subject: Option<Linked>,
    outcome: String,
    denied: bool,
}

fn actor_cell(
    t: &Texts,
    trail: &Trail,
    user: uuid::Uuid,
    agency: Option<schakel_domain::AgencyId>,
) -> ActorCell {
    let id = user.to_string();
    ActorCell {
        name: trail
            .user(user)
            .map_or_else(|| t.get("audit.unknown_user").to_owned(), str::to_owned),
        agency: agency
            .and_then(|a| trail.agency(a))
            .unwrap_or_default()
            .to_owned(),
        link: of_actor(&id),
    }
}

fn row(t: &Texts, trail: &Trail, e: AuditEntry) -> EntryRow {
    let subject = e.subject_pseudonym.as_ref().map(|s| Linked {
        words: s.chars().take(12).collect::<String>() + "…",
        link: of_subject(s),
    });
    EntryRow {
        seq: e.seq,
        time: crate::time::day_time_seconds(e.occurred_at),
        actor: e
            .actor
            .as_ref()
            .map(|a| actor_cell(t, trail, a.user_id, Some(a.agency_id))),
        on_behalf: e.on_behalf_of.map(|u| actor_cell(t, trail, u, None)),
        role: e
            .actor
            .as_ref()
            .map_or_else(String::new, |a| t.code("role", a.role.as_str())),
        action: e.action.as_str().to_owned(),
        kind: t.code("audit.kind", e.action_kind.as_str()),
        object: e.object.map(|o| Linked {
            words: format!(
                "{} {}",
                t.code("audit.type", &o.kind),
                o.id.chars().take(8).collect::<String>()
            ),
            link: of_object(&o.kind, &o.id),
        }),
        subject,
        outcome: t.code("audit.outcome", e.outcome.as_str()),
        denied: e.outcome.as_str() != "success",
    }
}

/// The choices of a select in the viewer's words, the first meaning "any".
fn choices(t: &Texts, kind: &str, codes: &[&str], chosen: &str) -> Vec<Choice> {
    codes
        .iter()
        .map(|c| Choice {
            code: (*c).to_owned(),
            words: t.code(kind, c),
            on: *c == chosen,
        })
        .collect()
}

/// The selects of the filter form: agencies by name, kinds and outcomes in words; and
/// the genders of the "who saw this person" form.
struct FilterChoices {
    agencies: Vec<Choice>,
    kinds: Vec<Choice>,
    outcomes: Vec<Choice>,
    genders: Vec<Choice>,
}

fn filter_choices(t: &Texts, q: &TrailQuery, trail: Option<&Trail>) -> FilterChoices {
    let agencies = trail
        .map(|tr| {
            tr.agencies
                .iter()
                .map(|(id, name)| Choice {
                    code: id.to_string(),
                    words: name.clone(),
                    on: id.to_string() == q.agency.trim(),
                })
                .collect()
        })
        .unwrap_or_default();
    let kinds: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
    let outcomes: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
    FilterChoices {
        agencies,
        kinds: choices(t, "audit.kind", &kinds, q.kind.trim()),
        outcomes: choices(t, "audit.outcome", &outcomes, q.outcome.trim()),
        genders: crate::forms::choices(*t, "gender", Gender::ALL, &[]),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct TrailPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    q: TrailQuery,
    invalid: bool,
    choices: FilterChoices,
    actor_name: Option<String>,
    rows: Vec<EntryRow>,
    older: Option<String>,
    first_page: bool,
    /// Why the last "who saw this person" led nowhere.
    lookup: Option<&'static str>,
}

/// What an auditor's use case ended in.
enum Done<T> {
    Shown(T),
    Denied,
}

async fn run<T, F>(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    f: F,
) -> Result<Done<T>, Failure>
where
    T: Send + 'static,
    F: FnOnce(
            &mut schakel_store::DbConn,
            &schakel_domain::Actor,
            &schakel_auth::RequestContext,
            DateTime<Utc>,
        ) -> Result<T, UseCaseError>
        + Send
        + 'static,
{
    match crate::forms::as_viewer(req, state, v.actor, f).await {
        Ok(x) => Ok(Done::Shown(x)),
        Err(Failure::Hidden | Failure::Forbidden) => Ok(Done::Denied),
        Err(other) => Err(other),
    }
}

/// `GET /audit`: one page of the trail.
pub async fn trail(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<TrailQuery>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let q = q.into_inner();
    let parsed = q.parse();
    let invalid = parsed.is_none() && v.actor.role == Role::Auditor;
    // A non-auditor is refused by the use case (and audited) whatever the filters.
    let (filter, page) = parsed.unwrap_or_else(|| (AuditFilter::default(), PageRequest::default()));
    let read = run(&req, &state, &v, move |conn, actor, ctx, now| {
        audit_trail::read_trail(conn, actor, &filter, page, ctx, now)
    });
    let page = if invalid {
        None
    } else {
        match read.await {
            Ok(Done::Shown(p)) => Some(p),
            Ok(Done::Denied) => return not_found(v.texts(), Some(Nav::of(&v))),
            Err(e) => return e.page(&v),
        }
    };
    let t = v.texts();
    let choices = filter_choices(&t, &q, page.as_ref());
    let actor_name = page.as_ref().and_then(|tr| {
        let id = q.actor.trim().parse::<uuid::Uuid>().ok()?;
        tr.user(id).map(str::to_owned)
    });
    let (rows, older) = match page {
        Some(mut tr) => {
            let entries = std::mem::take(&mut tr.page.entries);
            (
                entries.into_iter().map(|e| row(&t, &tr, e)).collect(),
                tr.page.next_before_seq.map(|b| q.older(b)),
            )
        }
        None => (Vec::new(), None),
    };
    let first_page = q.before.is_none();
    let lookup = crate::audit_tools::lookup_key(&q.lookup);
    let status = if invalid {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    html(
        status,
        &TrailPage {
            t,
            nav: Some(Nav::of(&v)),
            csrf: v.csrf.clone(),
            q,
            invalid,
            choices,
            actor_name,
            rows,
            older,
            first_page,
            lookup,
        },
    )
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct VerifyPage {
    t: Texts,
    nav: Option<Nav>,
    intact: bool,
    checked: u64,
    broken_seq: i64,
    reason: String,
}

/// `POST /audit/verify`: recomputes the chain and shows the verdict.
pub async fn verify(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: AuditorForm,
) -> HttpResponse {
    let AuditorForm { v, .. } = form;
    let verified = run(&req, &state, &v, |conn, actor, ctx, now| {
        audit_trail::verify_trail(conn, actor, ctx, now)
    });
    let report: VerifyReport = match verified.await {
        Ok(Done::Shown(r)) => r,
        Ok(Done::Denied) => return not_found(v.texts(), Some(Nav::of(&v))),
        Err(e) => return e.page(&v),
    };
    let t = v.texts();
    let intact = report.broken.is_none();
    let (broken_seq, reason) = match report.broken {
        Some(b) => {
            let code = serde_json::to_value(b.reason)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                .unwrap_or_default();
            (b.seq, t.code("audit.break", &code))
        }
        None => (0, String::new()),
    };
    html(
        StatusCode::OK,
        &VerifyPage {
            t,
            nav: Some(Nav::of(&v)),
            intact,
            checked: report.checked,
            broken_seq,
            reason,
        },
    )
}
