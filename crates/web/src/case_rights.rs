//! The person's rights on a case of the agency, for its coordinators: `GET
//! /cases/{id}/rights` shows how to answer each right the person has over their record
//! — a copy of everything the agency stores (downloaded from `person_record`), the
//! correction of the case (`case_correct`), the restriction of the record with its
//! ground or the form that lifts it, and the erasure on request with its ground once
//! confirmed, or why it cannot be done now (a retention duty of the agency, a
//! restriction, an open case, an erased record). `POST` does what its `form_kind`
//! says (`restrict`, `lift` or `erase`), made from the version of the case the form
//! was made from; done, the case page confirms it. A ground not chosen or an erasure
//! not confirmed comes back with a message next to the field (422); a record changed
//! meanwhile or in a state that refuses it comes back with a message (409), and nothing
//! is changed. Anyone but the owning agency's coordinators gets the answers of the use
//! cases: 404 for another agency, 403 for another role.

use crate::WebState;
use crate::forms::{Choice, Failure, Fields, Problems, choices, with_env};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html, see_other};
use crate::session::Viewer;
use crate::signed::SignedForm;
use crate::time::day_time;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_domain::{CaseId, ErasureGround, RestrictionGround};
use schakel_referral_workflow::cases::get_case;
use schakel_referral_workflow::rights::{
    self as uc, ErasureInput, RestrictionInput, erasure_refusal,
};
use schakel_referral_workflow::views::{AccessKind, CaseView};
use schakel_referral_workflow::{Conflict, IfMatch};

#[derive(Template)]
#[template(path = "case_rights.html")]
struct RightsPage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    id: String,
    reference: String,
    version: i64,
    /// Since when and on which ground the record is restricted.
    restricted: Option<(String, String)>,
    correctable: bool,
    /// The person's identity is erased: nothing is left to restrict.
    erased: bool,
    /// Why erasure cannot be done now (a catalog key); `None` offers the form.
    erasure_refused: Option<&'static str>,
    restriction_grounds: Vec<Choice>,
    erasure_grounds: Vec<Choice>,
    form: Typed,
}

/// A form of the page as typed: which one, its fields, their messages and a message
/// about the record (a catalog key).
#[derive(Default)]
struct Typed {
    kind: String,
    f: Fields,
    e: Problems,
    alert: Option<&'static str>,
}

impl Typed {
    fn status(&self) -> StatusCode {
        if !self.e.is_empty() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else if self.alert.is_some() {
            StatusCode::CONFLICT
        } else {
            StatusCode::OK
        }
    }
}

/// The message of a change the record's state refuses.
fn alert(c: Option<Conflict>) -> &'static str {
    match c {
        None => "case.changed",
        Some(Conflict::RetentionDuty) => "rights.retention_duty",
        Some(Conflict::CaseRestricted) => "rights.restricted_first",
        Some(Conflict::CaseOpen) => "rights.close_first",
        Some(Conflict::PersonErased) => "rights.erased",
        Some(Conflict::AlreadyInState) => "rights.already",
        Some(_) => "error.conflict",
    }
}

/// The page of case `id` with the form as `typed` says, or the use case's refusal.
async fn page(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &Viewer,
    id: CaseId,
    typed: Typed,
) -> HttpResponse {
    let actor = v.actor;
    let found = with_env(req, state, move |conn, env| {
        let refusal = erasure_refusal(conn, env, &actor, id)?;
        let case = get_case(conn, env, &actor, id)?;
        Ok((case, refusal))
    })
    .await;
    let (c, refusal): (CaseView, _) = match found {
        Ok(found) => found,
        Err(x) => return x.page(v),
    };
    if c.access != AccessKind::Owner {
        return Failure::Hidden.page(v);
    }
    let t = v.texts();
    let chosen = typed.f.all("ground");
    let page = RightsPage {
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        id: id.to_string(),
        reference: c.reference.clone(),
        version: c.version,
        restricted: c.restriction.as_ref().map(|r| {
            let ground = t.code("restriction_ground", r.ground.as_str());
            (day_time(r.since), ground)
        }),
        erased: c.person.erased,
        correctable: c.restriction.is_none() && c.person.identity.is_some() && !c.person.erased,
        erasure_refused: refusal.map(|r| alert(Some(r))),
        restriction_grounds: choices(t, "restriction_ground", RestrictionGround::ALL, &chosen),
        erasure_grounds: choices(t, "erasure_ground", ErasureGround::ALL, &chosen),
        form: typed,
    };
    html(page.form.status(), &page)
}

/// `GET /cases/{id}/rights`.
pub async fn show(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    page(&req, &state, &v, id, Typed::default()).await
}

/// What a form of the page asks for.
#[derive(Debug, PartialEq, Eq)]
enum Asked {
    Restrict(RestrictionInput),
    Lift,
    Erase(ErasureInput),
}

/// The request the form describes, or the messages of its fields.
fn parse(f: &Fields) -> Result<Asked, Problems> {
    let mut e = Problems::default();
    match f.one("form_kind") {
        "restrict" => match f.code::<RestrictionGround>("ground") {
            Some(ground) => return Ok(Asked::Restrict(RestrictionInput { ground })),
            None => e.add("ground", "invalid.choose"),
        },
        "lift" if f.one("confirm") == "yes" => return Ok(Asked::Lift),
        "erase" => {
            let ground = f.code::<ErasureGround>("ground");
            if ground.is_none() {
                e.add("ground", "invalid.choose");
            }
            if !f.ticked("confirm") {
                e.add("confirm", "rights.confirm_erasure");
            }
            if let (Some(ground), true) = (ground, e.is_empty()) {
                return Ok(Asked::Erase(ErasureInput { ground }));
            }
        }
        _ => e.add("form", "rights.unknown_request"),
    }
    Err(e)
}

/// `POST /cases/{id}/rights`: restricts, lifts or erases as the form says.
pub async fn act(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let kind = f.one("form_kind").to_owned();
    let asked = match parse(&f) {
        Ok(a) => a,
        Err(e) => {
            let typed = Typed {
                kind,
                f,
                e,
                alert: None,
            };
            return page(&req, &state, &v, id, typed).await;
        }
    };
    let version = f
        .one("version")
        .parse::<i64>()
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let actor = v.actor;
    let done = with_env(&req, &state, move |conn, env| {
        let who = &actor;
        Ok(match &asked {
            Asked::Restrict(i) => {
                uc::restrict_case(conn, env, who, id, version, i)?;
                "record_restricted"
            }
            Asked::Lift => {
                uc::lift_restriction(conn, env, who, id, version)?;
                "restriction_lifted"
            }
            Asked::Erase(i) => {
                uc::erase_on_request(conn, env, who, id, version, i)?;
                "erased_on_request"
            }
        })
    })
    .await;
    let conflict = match done {
        Ok(done) => return see_other(&format!("/cases/{id}?done={done}")),
        Err(Failure::Conflict(c)) => c,
        Err(x) => return x.page(&v),
    };
    let typed = Typed {
        kind,
        f,
        e: Problems::default(),
        alert: Some(alert(conflict)),
    };
    page(&req, &state, &v, id, typed).await
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
    fn each_form_asks_for_what_it_needs() {
        let restrict = fields(&[("form_kind", "restrict"), ("ground", "legal_claims")]);
        assert_eq!(
            parse(&restrict).unwrap(),
            Asked::Restrict(RestrictionInput {
                ground: RestrictionGround::LegalClaims
            })
        );
        let e = parse(&fields(&[("form_kind", "restrict"), ("ground", "whim")])).unwrap_err();
        assert_eq!(e.of("ground"), Some("invalid.choose"));
        assert_eq!(
            parse(&fields(&[("form_kind", "lift"), ("confirm", "yes")])).unwrap(),
            Asked::Lift
        );
        assert!(parse(&fields(&[("form_kind", "lift")])).is_err());
        let erase = [
            ("form_kind", "erase"),
            ("ground", "objection"),
            ("confirm", "on"),
        ];
        assert_eq!(
            parse(&fields(&erase)).unwrap(),
            Asked::Erase(ErasureInput {
                ground: ErasureGround::Objection
            })
        );
        let e = parse(&fields(&erase[..2])).unwrap_err();
        assert_eq!(e.of("confirm"), Some("rights.confirm_erasure"));
        assert_eq!(e.of("ground"), None);
        let e = parse(&fields(&[("form_kind", "erase")])).unwrap_err();
        assert_eq!(e.of("ground"), Some("invalid.choose"));
        assert_eq!(e.of("confirm"), Some("rights.confirm_erasure"));
        let e = parse(&fields(&[("form_kind", "forget")])).unwrap_err();
        assert_eq!(e.of("form"), Some("rights.unknown_request"));
    }

    #[test]
    fn refusals_have_their_messages() {
        assert_eq!(alert(None), "case.changed");
        assert_eq!(
            alert(Some(Conflict::RetentionDuty)),
            "rights.retention_duty"
        );
        assert_eq!(
            alert(Some(Conflict::CaseRestricted)),
            "rights.restricted_first"
        );
        assert_eq!(alert(Some(Conflict::CaseOpen)), "rights.close_first");
        assert_eq!(alert(Some(Conflict::OpenReferrals)), "error.conflict");
    }
}
