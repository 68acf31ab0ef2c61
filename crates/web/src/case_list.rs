//! The case list: the cases the viewer's agency may see (its own, and those it received
//! through an accepted, open referral), most recently changed first, a page at a time.
//! A filter form narrows it by status (open by default), region and form of
//! exploitation, and finds a person by family name and date of birth through the blind
//! index: an exact match after folding, among the agency's own cases only. A filter by
//! responsible worker (me, nobody, or a worker of the caseload's links) also keeps to
//! the agency's own cases. A row shows the person's name only where the use case gives
//! one, and the responsible worker of an own case. Filters that are not valid come back
//! as typed, each with its message next to it, and no case is read then.

use crate::WebState;
use crate::forms::{Choice, Failure, Fields, Problems, choices, date, with_env};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html};
use crate::session::Viewer;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{Action, CaseStatus, ExploitationForm, Region, Relationship};
use schakel_referral_workflow::cases::{Assignee, CaseListFilter, list_cases};
use schakel_referral_workflow::identity::MAX_NAME_CHARS;
use schakel_referral_workflow::views::{AccessKind, CaseListItem, Page};

/// Cases per page.
const PAGE_SIZE: i64 = 50;

/// The statuses the filter offers; `any` is both.
const STATUSES: &[&str] = &["open", "closed", "any"];

/// The responsible workers the filter offers besides anyone (`me`, `none`); a worker's
/// id comes from the caseload's links.
const ASSIGNEES: &[&str] = &["me", "none"];

/// The fields of the filter, in the order the links carry them.
const FILTERS: &[&str] = &[
    "status",
    "region",
    "form",
    "reference",
    "family_name",
    "date_of_birth",
    "assigned_to",
];

/// One line of the list.
struct Row {
    id: String,
    reference: String,
    name: Option<String>,
    about: String,
    status: String,
    region: String,
    forms: String,
    received: bool,
    responsible: String,
    changed: String,
}

#[derive(Template)]
#[template(path = "case_list.html")]
struct CaseListPage {
    t: Texts,
    nav: Option<Nav>,
    f: Fields,
    e: Problems,
    statuses: Vec<Choice>,
    regions: Vec<Choice>,
    forms: Vec<Choice>,
    assignees: Vec<Choice>,
    rows: Vec<Row>,
    searched: bool,
    next: Option<String>,
    later_page: bool,
    first_href: String,
}

/// The status the filter asks for: open when not asked, `None` for any.
fn status(f: &Fields) -> Result<Option<CaseStatus>, ()> {
    match f.one("status") {
        "" => Ok(Some(CaseStatus::Open)),
        "any" => Ok(None),
        s => s.parse().map(Some).map_err(|_| ()),
    }
}

/// An optional coded field: `None` when empty, an error when not a code of `T`.
fn optional<T: std::str::FromStr>(f: &Fields, name: &str) -> Result<Option<T>, ()> {
    match f.one(name) {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|_| ()),
    }
}

/// The filter the query describes, or the messages of its fields.
fn parse(f: &Fields) -> Result<CaseListFilter, Problems> {
    let mut e = Problems::default();
    let status = status(f).unwrap_or_else(|()| {
        e.add("status", "invalid.choose");
        None
    });
    let region = optional::<Region>(f, "region").unwrap_or_else(|()| {
        e.add("region", "invalid.choose");
        None
    });
    let form = optional::<ExploitationForm>(f, "form").unwrap_or_else(|()| {
        e.add("form", "invalid.choose");
        None
    });
    let assigned_to = optional::<Assignee>(f, "assigned_to").unwrap_or_else(|()| {
        e.add("assigned_to", "invalid.choose");
        None
    });
    let family_name = match f.one("family_name") {
        "" => None,
        n if n.chars().count() > MAX_NAME_CHARS => {
            e.add("family_name", "invalid.name");
            None
        }
        n => Some(n.to_owned()),
    };
    let reference = match f.one("reference").trim() {
        "" => None,
        r if schakel_domain::case::is_case_reference(r) => Some(r.to_owned()),
        _ => {
            e.add("reference", "invalid.reference");
            None
        }
    };
    let date_of_birth = match f.one("date_of_birth") {
        "" => None,
        d => date(d).or_else(|| {
            e.add("date_of_birth", "invalid.date");
            None
        }),
    };
    if !e.is_empty() {
        return Err(e);
    }
    Ok(CaseListFilter {
        status,
        region,
        form,
        family_name,
        date_of_birth,
        reference,
        assigned_to,
    })
}

/// The messages of a query the use case refused.
fn refused(field: &str) -> Problems {
    let mut e = Problems::default();
    match field {
        "family_name" => e.add("family_name", "invalid.name"),
        "reference" => e.add("reference", "invalid.reference"),
        "assigned_to" => e.add("assigned_to", "invalid.choose"),
        _ => e.add("after", "list.bad_page"),
    }
    e
}

/// Percent-encodes what is not a letter, digit or one of `-._~`.
fn esc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The list with the filters of `f`, from `after` on (the first page without).
fn href(f: &Fields, after: Option<&str>) -> String {
    let mut pairs: Vec<String> = FILTERS
        .iter()
        .map(|name| match (*name, f.one(name)) {
            ("status", "") => "status=open".to_owned(),
            (name, value) => format!("{name}={}", esc(value)),
        })
        .collect();
    if let Some(a) = after {
        pairs.push(format!("after={}", esc(a)));
    }
    format!("/cases?{}", pairs.join("&"))
}

fn row(t: Texts, c: CaseListItem) -> Row {
    Row {
        id: c.id.to_string(),
        reference: c.reference,
        name: c.display_name,
        about: format!(
            "{}, {}",
            t.code("gender", c.gender.as_str()),
            t.code("age", c.age_band.as_str())
        ),
        status: t.code("case_status", c.status.as_str()),
        region: t.code("region", c.region.as_str()),
        forms: c
            .exploitation_forms
            .iter()
            .map(|x| t.code("form", x.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        received: c.access == AccessKind::Receiver,
        responsible: match (c.access, c.assigned_to) {
            (_, Some(w)) => w.name,
            (AccessKind::Owner, None) => t.get("case_list.nobody").to_owned(),
            (_, None) => String::new(),
        },
        changed: crate::time::day_time(c.updated_at),
    }
}

/// The choices of the filter by responsible worker besides anyone: me, nobody, and the
/// worker `chosen` names by id (from the caseload's links), by their name when a case
/// listed gives it.
fn assignees(t: Texts, chosen: &str, found: &[CaseListItem]) -> Vec<Choice> {
    let mut all = choices(t, "case_list.assigned", ASSIGNEES, &[chosen.to_owned()]);
    if let Ok(Assignee::User(id)) = chosen.parse::<Assignee>() {
        let name = found
            .iter()
            .filter_map(|c| c.assigned_to.as_ref())
            .find(|w| w.id == id)
            .map_or_else(
                || t.get("case_list.assigned_chosen").to_owned(),
                |w| w.name.clone(),
            );
        all.push(Choice {
            code: id.to_string(),
            words: name,
            on: true,
        });
    }
    all
}

/// The page: the filter as typed with its messages, and the cases found (none when
/// the filter was refused).
fn page(v: &Viewer, f: Fields, e: Problems, found: Page<CaseListItem>) -> HttpResponse {
    let t = v.texts();
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let chosen = |name: &str| vec![f.one(name).to_owned()];
    let shown_status = match f.one("status") {
        "" => vec!["open".to_owned()],
        s => vec![s.to_owned()],
    };
    let page = CaseListPage {
        t,
        nav: Some(Nav::of(v)),
        statuses: choices(t, "case_list.status", STATUSES, &shown_status),
        regions: choices(t, "region", Region::ALL, &chosen("region")),
        forms: choices(t, "form", ExploitationForm::ALL, &chosen("form")),
        assignees: assignees(t, f.one("assigned_to"), &found.items),
        rows: found.items.into_iter().map(|c| row(t, c)).collect(),
        searched: ["family_name", "date_of_birth", "reference"]
            .iter()
            .any(|n| !f.one(n).is_empty()),
        next: found.next_cursor.map(|c| href(&f, Some(&c))),
        later_page: !f.one("after").is_empty(),
        first_href: href(&f, None),
        f,
        e,
    };
    html(status, &page)
}

/// Whether the viewer's role reads cases at all (to answer refused filters of a role
/// that may not, as the use case would).
fn reads_cases(v: &Viewer) -> bool {
    v.actor.may(Action::ReadCase, Relationship::OwnAgency)
        || v.actor.may(Action::ReadCase, Relationship::ReceivingAgency)
}

/// `GET /cases`: the cases the agency may see, filtered as the query asks, a page at a
/// time.
pub async fn list(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<Vec<(String, String)>>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let f = Fields::new(q.into_inner());
    let none = || Page {
        items: Vec::new(),
        next_cursor: None,
    };
    let filter = match parse(&f) {
        Ok(filter) => filter,
        Err(_) if !reads_cases(&v) => return Failure::Forbidden.page(&v),
        Err(e) => return page(&v, f, e, none()),
    };
    let (actor, after) = (v.actor, f.text("after"));
    let found = with_env(&req, &state, move |conn, env| {
        let limit = Some(PAGE_SIZE);
        Ok(list_cases(
            conn,
            env,
            &actor,
            filter,
            after.as_deref(),
            limit,
        )?)
    })
    .await;
    match found {
        Ok(found) => page(&v, f, Problems::default(), found),
        Err(Failure::Invalid(field)) => page(&v, f, refused(field), none()),
        Err(x) => x.page(&v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn an_empty_query_lists_the_open_cases_and_any_lists_all() {
        let filter = parse(&fields(&[])).unwrap();
        assert_eq!(filter.status, Some(CaseStatus::Open));
        assert!(filter.region.is_none() && filter.family_name.is_none());
        let filter = parse(&fields(&[("status", "any"), ("region", "")])).unwrap();
        assert_eq!(filter.status, None);
        let filter = parse(&fields(&[
            ("status", "closed"),
            ("region", "amsterdam"),
            ("form", "labour"),
            ("family_name", " van der Berg "),
            ("date_of_birth", "1990-04-02"),
        ]))
        .unwrap();
        assert_eq!(filter.status, Some(CaseStatus::Closed));
        assert_eq!(filter.region, Some(Region::Amsterdam));
        assert_eq!(filter.form, Some(ExploitationForm::Labour));
        assert_eq!(filter.family_name.as_deref(), Some("van der Berg"));
        assert_eq!(filter.date_of_birth, date("1990-04-02"));
        assert!(filter.assigned_to.is_none());
    }

    #[test]
    fn the_responsible_worker_is_me_nobody_or_an_id() {
        let filter = parse(&fields(&[("assigned_to", "me")])).unwrap();
        assert_eq!(filter.assigned_to, Some(Assignee::Me));
        let filter = parse(&fields(&[("assigned_to", "none")])).unwrap();
        assert_eq!(filter.assigned_to, Some(Assignee::Nobody));
        let id = schakel_domain::UserId::new_random();
        let filter = parse(&fields(&[("assigned_to", &id.to_string())])).unwrap();
        assert_eq!(filter.assigned_to, Some(Assignee::User(id)));
        let e = parse(&fields(&[("assigned_to", "someone")])).unwrap_err();
        assert_eq!(e.of("assigned_to"), Some("invalid.choose"));
        let f = fields(&[("assigned_to", "me")]);
        assert!(href(&f, None).ends_with("&date_of_birth=&assigned_to=me"));
    }

    #[test]
    fn each_field_that_is_not_valid_has_its_message() {
        let long = "a".repeat(MAX_NAME_CHARS + 1);
        let e = parse(&fields(&[
            ("status", "half"),
            ("region", "atlantis"),
            ("form", "x"),
            ("family_name", &long),
            ("date_of_birth", "2 april"),
        ]))
        .unwrap_err();
        assert_eq!(e.of("status"), Some("invalid.choose"));
        assert_eq!(e.of("region"), Some("invalid.choose"));
        assert_eq!(e.of("form"), Some("invalid.choose"));
        assert_eq!(e.of("family_name"), Some("invalid.name"));
        assert_eq!(e.of("date_of_birth"), Some("invalid.date"));
        assert_eq!(refused("cursor").of("after"), Some("list.bad_page"));
    }

    #[test]
    fn the_links_keep_every_filter_encoded() {
        let f = fields(&[("family_name", "Öz & Co"), ("region", "amsterdam")]);
        assert_eq!(
            href(&f, Some("12_ab")),
            "/cases?status=open&region=amsterdam&form=&reference=\
             &family_name=%C3%96z%20%26%20Co&date_of_birth=&assigned_to=&after=12_ab"
        );
    }
}
