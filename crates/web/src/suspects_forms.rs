//! What the suspect page's forms do. Each posts to the page's own address naming which
//! form it is (`form_kind`), so a refused form comes back at the address the user was
//! on: linking a victim (a case of the agency's own by its reference, any case it sees
//! by its id, or a signal of its own: exactly one), removing a link, handing the suspect
//! to the prosecution, recording a decision or a judgment, and the referral's steps
//! (`suspect_referrals_actions`). Done, the page says so (`?done=…`); a field the form
//! cannot be taken with comes back as typed with its message (422) and nothing changes;
//! a change the state does not allow is an alert (409). The use cases decide who may.

use crate::WebState;
use crate::forms::{Failure, Fields, Problems, with_env};
use crate::page_forms::FORM_KIND;
use crate::pages::see_other;
use crate::signed::SignedForm;
use crate::suspect_referrals_actions::{Taken, action_of, take};
use crate::suspects::{Typed, page};
use crate::suspects_steps::{self, Outcome, problem};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::case::is_case_reference;
use schakel_domain::{Actor, AgencyId, CaseId, SignalId, SuspectId, VictimLinkId};
use schakel_referral_workflow::Conflict;
use schakel_referral_workflow::cases::{CaseListFilter, list_cases};
use schakel_referral_workflow::offenders::{self as uc, LinkVictimInput, ReferSuspectInput};

/// `POST /suspects/{id}`.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
    form: SignedForm,
) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    let Ok(id) = path.parse::<SuspectId>() else {
        return Failure::Hidden.page(&v);
    };
    let (r, s, a) = (&req, &state, v.actor);
    let outcome = match f.one(FORM_KIND) {
        "link" => link(r, s, a, id, &f).await,
        "unlink" => unlink(r, s, a, id, &f).await,
        "refer" => refer(r, s, a, id, &f).await,
        "decision" => suspects_steps::decision(r, s, a, id, &f).await,
        "judgment" => suspects_steps::judgment(r, s, a, id, &f).await,
        kind if action_of(kind).is_some() => match take(r, s, a, &f).await {
            Taken::Done(_, "declined") => {
                Outcome::Elsewhere("/suspect-referrals?done=declined".to_owned())
            }
            Taken::Done(_, done) => Outcome::Done(done),
            Taken::Problem(field, key) => problem(field, key),
            Taken::Alert(key) => Outcome::Alert(key),
            Taken::Page(x) => Outcome::Page(x),
        },
        _ => Outcome::Page(Failure::Conflict(None)),
    };
    let typed = match outcome {
        Outcome::Done(done) => return see_other(&format!("/suspects/{id}?done={done}")),
        Outcome::Elsewhere(to) => return see_other(&to),
        Outcome::Page(x) => return x.page(&v),
        Outcome::Problem(e) => Typed { f, e, alert: None },
        Outcome::Alert(key) => Typed {
            f,
            e: Problems::default(),
            alert: Some(key),
        },
    };
    page(&req, &state, &v, id, typed).await
}

/// The victim a link form names.
#[derive(Debug, PartialEq)]
enum Victim {
    Case(CaseId),
    Reference(String),
    Signal(SignalId),
}

/// The victim the link form names (exactly one of a case and a signal), or the
/// messages of its fields.
fn victim(f: &Fields) -> Result<Victim, Problems> {
    let mut e = Problems::default();
    let (case, signal) = (f.one("case"), f.one("signal"));
    let found = match (case.is_empty(), signal.is_empty()) {
        (false, true) => match case.parse::<CaseId>() {
            Ok(id) => Some(Victim::Case(id)),
            Err(_) if is_case_reference(case) => Some(Victim::Reference(case.to_owned())),
            Err(_) => {
                e.add("case", "investigations.invalid.case");
                None
            }
        },
        (true, false) => match signal.parse::<SignalId>() {
            Ok(id) => Some(Victim::Signal(id)),
            Err(_) => {
                e.add("signal", "investigations.invalid.signal");
                None
            }
        },
        _ => None,
    };
    match found {
        Some(v) => Ok(v),
        None => {
            if e.is_empty() {
                e.add("case", "investigations.invalid.link_one");
            }
            Err(e)
        }
    }
}

async fn link(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
    id: SuspectId,
    f: &Fields,
) -> Outcome {
    let target = match victim(f) {
        Ok(t) => t,
        Err(e) => return Outcome::Problem(e),
    };
    let by_signal = matches!(target, Victim::Signal(_));
    let linked = with_env(req, state, move |conn, env| {
        let input = match target {
            Victim::Case(c) => LinkVictimInput {
                case_id: Some(c),
                signal_id: None,
            },
            Victim::Signal(s) => LinkVictimInput {
                case_id: None,
                signal_id: Some(s),
            },
            Victim::Reference(r) => {
                let filter = CaseListFilter {
                    reference: Some(r),
                    ..CaseListFilter::default()
                };
                let found = list_cases(conn, env, &actor, filter, None, Some(2))?;
                let case = found.items.first().ok_or(Failure::Hidden)?;
                LinkVictimInput {
                    case_id: Some(case.id),
                    signal_id: None,
                }
            }
        };
        Ok(uc::link_victim(conn, env, &actor, id, &input)?)
    })
    .await;
    match linked {
        Ok(_) => Outcome::Done("linked"),
        // Not a case or signal the agency may link (or not its suspect: the page says so).
        Err(Failure::Hidden) if by_signal => {
            problem("signal", "investigations.invalid.signal_unknown")
        }
        Err(Failure::Hidden) => problem("case", "investigations.invalid.case_unknown"),
        Err(Failure::Conflict(Some(Conflict::AnonymousSignal))) => {
            problem("signal", "investigations.invalid.signal_anonymous")
        }
        Err(Failure::Invalid(_)) => problem("case", "investigations.invalid.link_one"),
        Err(Failure::Conflict(_)) => Outcome::Alert("investigations.alert.changed"),
        Err(x) => Outcome::Page(x),
    }
}

async fn unlink(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
    id: SuspectId,
    f: &Fields,
) -> Outcome {
    let Some(link) = f.code::<VictimLinkId>("link") else {
        return Outcome::Alert("investigations.alert.link_gone");
    };
    let done = with_env(req, state, move |conn, env| {
        Ok(uc::unlink_victim(conn, env, &actor, id, link)?)
    })
    .await;
    match done {
        Ok(_) => Outcome::Done("unlinked"),
        Err(Failure::Hidden) => Outcome::Alert("investigations.alert.link_gone"),
        Err(x) => Outcome::Page(x),
    }
}

async fn refer(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
    id: SuspectId,
    f: &Fields,
) -> Outcome {
    let Some(to_agency_id) = f.code::<AgencyId>("to_agency") else {
        return problem("to_agency", "investigations.invalid.agency");
    };
    let input = ReferSuspectInput {
        to_agency_id,
        message: f.text("message"),
    };
    let sent = with_env(req, state, move |conn, env| {
        Ok(uc::refer_suspect(conn, env, &actor, id, &input)?)
    })
    .await;
    match sent {
        Ok(_) => Outcome::Done("referred"),
        Err(Failure::Invalid("message")) => problem("message", "invalid.text"),
        Err(Failure::Invalid(_) | Failure::Conflict(Some(Conflict::Recipient))) => {
            problem("to_agency", "investigations.invalid.recipient")
        }
        Err(Failure::Conflict(Some(Conflict::AlreadyReferred))) => {
            Outcome::Alert("investigations.alert.already_referred")
        }
        Err(Failure::Conflict(_)) => Outcome::Alert("investigations.alert.changed"),
        Err(x) => Outcome::Page(x),
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
    fn a_link_names_exactly_one_case_or_signal() {
        let case = CaseId::new_random();
        let by_id = fields(&[("case", &case.to_string()), ("signal", "")]);
        assert_eq!(victim(&by_id).unwrap(), Victim::Case(case));
        let by_reference = fields(&[("case", "2026-000123")]);
        assert_eq!(
            victim(&by_reference).unwrap(),
            Victim::Reference("2026-000123".into())
        );
        let signal = SignalId::new_random();
        let by_signal = fields(&[("case", ""), ("signal", &signal.to_string())]);
        assert_eq!(victim(&by_signal).unwrap(), Victim::Signal(signal));
        for (case, signal) in [("", ""), ("2026-000123", &signal.to_string()[..])] {
            let e = victim(&fields(&[("case", case), ("signal", signal)])).unwrap_err();
            assert_eq!(e.of("case"), Some("investigations.invalid.link_one"));
        }
        let e = victim(&fields(&[("case", "zaak 12")])).unwrap_err();
        assert_eq!(e.of("case"), Some("investigations.invalid.case"));
    }
}
