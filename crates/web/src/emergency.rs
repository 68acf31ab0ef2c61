//! Breaking the glass from the pages (`GET` and `POST /emergency`): a case worker at an
//! agency of a kind the configuration allows names a case of another agency by that
//! agency and its reference, states a ground and a reason, and is sent to the case page,
//! which then carries the emergency banner (`emergency_mark`). Before anything is sent
//! the page says what follows: the entry in the audit trail, the email to the owning
//! agency, the auditors' review and how long the access lasts. The use case decides and
//! audits every attempt; a refused form comes back as typed with its message. Nothing
//! typed here is logged.

use crate::WebState;
use crate::forms::{Choice, Failure, Fields, Problems, as_viewer, with_env};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, see_other};
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::agencies::{DirectoryFilter, directory};
use schakel_domain::case::is_case_reference;
use schakel_domain::emergency::is_stated_reason;
use schakel_domain::{AgencyId, EmergencyGround};
use schakel_referral_workflow::Conflict;
use schakel_referral_workflow::emergency::{EmergencyInput, open_emergency_access};

/// One ground as the form offers it: its words, what it is for and whether it shows
/// who the person is.
struct GroundChoice {
    code: &'static str,
    words: String,
    explains: &'static str,
    identity: &'static str,
    on: bool,
}

/// A message above the form about why nothing was opened, and where to go instead.
struct Alert {
    key: &'static str,
    /// The case list filtered to the reference, when the viewer can already open it.
    cases: Option<String>,
}

#[derive(Template)]
#[template(path = "emergency.html")]
struct EmergencyPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    before: Vec<String>,
    agencies: Vec<Choice>,
    grounds: Vec<GroundChoice>,
    f: Fields,
    e: Problems,
    alert: Option<Alert>,
}

/// How long an access lasts, in words ("4 hours", "90 minutes").
fn lasts(t: Texts, d: chrono::Duration) -> String {
    let minutes = d.num_minutes();
    let (key, n) = match (minutes % 60, minutes / 60) {
        (0, 1) => ("emergency.hour", 1),
        (0, h) => ("emergency.hours", h),
        _ => ("emergency.minutes", minutes),
    };
    t.get(key).replace("{n}", &n.to_string())
}

/// What the page says before anything is sent, one line each.
fn before(t: Texts, d: chrono::Duration) -> Vec<String> {
    [
        "emergency.before_logged",
        "emergency.before_email",
        "emergency.before_review",
        "emergency.before_lasts",
        "emergency.before_read_only",
    ]
    .iter()
    .map(|k| t.get(k).replace("{duration}", &lasts(t, d)))
    .collect()
}

fn grounds(t: Texts, chosen: &str) -> Vec<GroundChoice> {
    EmergencyGround::ALL
        .iter()
        .map(|g| GroundChoice {
            code: g.as_str(),
            words: t.code("emergency_ground", g.as_str()),
            explains: match g {
                EmergencyGround::DangerToLife => "emergency.explain.danger_to_life",
                EmergencyGround::MissingPerson => "emergency.explain.missing_person",
                EmergencyGround::UrgentCare => "emergency.explain.urgent_care",
                EmergencyGround::SafetyOfOthers => "emergency.explain.safety_of_others",
            },
            identity: if g.shows_identity() {
                "emergency.identity_shown"
            } else {
                "emergency.identity_hidden"
            },
            on: g.as_str() == chosen,
        })
        .collect()
}

/// What a refused form shows: the answer's status, the messages of its fields and a
/// message above it.
type Refused = (StatusCode, Problems, Option<Alert>);

/// The form as typed, with its messages, answered with `status`.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    (status, f, e, alert): (StatusCode, Fields, Problems, Option<Alert>),
) -> HttpResponse {
    let own = v.agency.id;
    let listed = as_viewer(req, state, v.actor, |conn, who, ctx, now| {
        directory(conn, who, DirectoryFilter::default(), ctx, now)
    })
    .await;
    let list = match listed {
        Ok(list) => list,
        Err(x) => return x.page(v),
    };
    let t = v.texts();
    let chosen = f.one("agency_id").to_owned();
    let agencies = list
        .into_iter()
        .filter(|a| a.id != own)
        .map(|a| Choice {
            on: a.id.to_string() == chosen,
            code: a.id.to_string(),
            words: format!(
                "{} ({}, {})",
                a.name,
                t.code("kind", a.kind.as_str()),
                t.code("region", a.region.as_str())
            ),
        })
        .collect();
    let page = EmergencyPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        before: before(t, state.workflow.emergency.duration),
        agencies,
        grounds: grounds(t, f.one("ground")),
        f,
        e,
        alert,
    };
    html(status, &page)
}

/// The access the form asks for, or the messages of its fields.
fn parse(f: &Fields) -> Result<EmergencyInput, Problems> {
    let mut e = Problems::default();
    let agency_id = f.code::<AgencyId>("agency_id");
    if agency_id.is_none() {
        e.add("agency_id", "invalid.emergency_agency");
    }
    let reference = f.one("reference").to_owned();
    if !is_case_reference(&reference) {
        e.add("reference", "invalid.reference");
    }
    let ground = f.code::<EmergencyGround>("ground");
    if ground.is_none() {
        e.add("ground", "invalid.choose");
    }
    let reason = f.raw("reason");
    if !is_stated_reason(&reason) {
        e.add("reason", "invalid.emergency_reason");
    }
    match (agency_id, ground) {
        (Some(agency_id), Some(ground)) if e.is_empty() => Ok(EmergencyInput {
            agency_id,
            reference,
            ground,
            reason,
        }),
        _ => Err(e),
    }
}

/// The form's answer when the use case refused it: the status, a message next to a
/// field or above the form; `None` for a failure that is a page of its own.
fn refused(x: &Failure, v: &Viewer, reference: &str) -> Option<Refused> {
    let alert = |key| Some(Alert { key, cases: None });
    let field = |name, key| {
        let mut e = Problems::default();
        e.add(name, key);
        e
    };
    let none = Problems::default;
    Some(match x {
        Failure::Forbidden if v.may_break_glass => {
            (StatusCode::FORBIDDEN, none(), alert("emergency.forbidden"))
        }
        Failure::Hidden => (StatusCode::NOT_FOUND, none(), alert("emergency.not_found")),
        Failure::Conflict(Some(Conflict::EmergencyNotNeeded)) => {
            let cases = Some(format!("/cases?reference={reference}"));
            let a = Alert {
                key: "emergency.not_needed",
                cases,
            };
            (StatusCode::CONFLICT, none(), Some(a))
        }
        Failure::Conflict(_) => (StatusCode::CONFLICT, none(), alert("error.conflict")),
        Failure::Invalid("reference") => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field("reference", "invalid.reference"),
            None,
        ),
        Failure::Invalid(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field("reason", "invalid.emergency_reason"),
            None,
        ),
        Failure::Forbidden | Failure::Internal(_) | Failure::Unavailable(_) => return None,
    })
}

/// `GET /emergency`: the form (only for those who may break the glass).
pub async fn form(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    if !v.may_break_glass {
        return Failure::Forbidden.page(&v);
    }
    let shown = (StatusCode::OK, Fields::default(), Problems::default(), None);
    page(&req, &state, &v, shown).await
}

/// `POST /emergency`: opens the access and shows the case.
pub async fn open(req: HttpRequest, state: web::Data<WebState>, form: SignedForm) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let input = match parse(&f) {
        Ok(i) => i,
        // Whoever may not break the glass is not shown the form, whatever it held.
        Err(_) if !v.may_break_glass => return Failure::Forbidden.page(&v),
        Err(e) => {
            let shown = (StatusCode::UNPROCESSABLE_ENTITY, f, e, None);
            return page(&req, &state, &v, shown).await;
        }
    };
    let reference = input.reference.clone();
    let actor = v.actor;
    let opened = with_env(&req, &state, move |conn, env| {
        Ok(open_emergency_access(conn, env, &actor, &input)?)
    })
    .await;
    let x = match opened {
        Ok(grant) => return see_other(&format!("/cases/{}", grant.case_id)),
        Err(x) => x,
    };
    match refused(&x, &v, &reference) {
        Some((status, e, alert)) => page(&req, &state, &v, (status, f, e, alert)).await,
        None => x.page(&v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_complete_form_is_an_access_and_each_missing_field_has_its_message() {
        let agency = AgencyId::new_random().to_string();
        let ok = fields(&[
            ("agency_id", &agency),
            ("reference", " 2026-000123 "),
            ("ground", "missing_person"),
            (
                "reason",
                "Meldkamer: persoon sinds vannacht vermist, mogelijk in gevaar.",
            ),
        ]);
        let input = parse(&ok).unwrap();
        assert_eq!(input.reference, "2026-000123");
        assert_eq!(input.ground, EmergencyGround::MissingPerson);

        let bad = fields(&[
            ("reference", "123"),
            ("ground", "curious"),
            ("reason", "spoed"),
        ]);
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.of("agency_id"), Some("invalid.emergency_agency"));
        assert_eq!(e.of("reference"), Some("invalid.reference"));
        assert_eq!(e.of("ground"), Some("invalid.choose"));
        assert_eq!(e.of("reason"), Some("invalid.emergency_reason"));
    }

    #[test]
    fn the_duration_reads_in_hours_or_minutes() {
        let t = Texts { lang: Lang::En };
        assert_eq!(lasts(t, chrono::Duration::hours(4)), "4 hours");
        assert_eq!(lasts(t, chrono::Duration::hours(1)), "1 hour");
        assert_eq!(lasts(t, chrono::Duration::minutes(90)), "90 minutes");
        let nl = Texts { lang: Lang::Nl };
        assert!(
            before(nl, chrono::Duration::hours(4))
                .iter()
                .any(|l| l.contains("4 uur"))
        );
    }

    #[test]
    fn every_ground_says_whether_the_identity_is_shown() {
        let t = Texts { lang: Lang::Nl };
        let g = grounds(t, "urgent_care");
        assert_eq!(g.len(), EmergencyGround::ALL.len());
        assert!(g.iter().all(|c| t.get(c.explains) != c.explains));
        assert_eq!(g.iter().filter(|c| c.on).count(), 1);
        assert_eq!(
            g.iter()
                .filter(|c| c.identity == "emergency.identity_shown")
                .count(),
            2
        );
    }
}
