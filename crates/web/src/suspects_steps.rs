//! The prosecution's forms on a suspect's page: a decision (with its date) and a court's
//! judgment (the court, the outcome, the sentence's bands, the date), read from the form
//! and recorded through the use cases, which decide who may and in what order (a
//! judgment after the step it follows). A field that cannot be read is a message at it;
//! a judgment without its earlier step, or a referral no longer accepted, is an alert.

use crate::WebState;
use crate::forms::{Failure, Fields, Problems, date, with_env};
use actix_web::{HttpRequest, web};
use schakel_domain::{
    Actor, CourtInstance, JudgmentOutcome, ProsecutionDecision, SentenceBand, SuspectId,
};
use schakel_referral_workflow::Conflict;
use schakel_referral_workflow::offenders::{self as uc, DecisionInput, JudgmentInput};

/// How a form went.
pub(crate) enum Outcome {
    /// Done: the confirmation to show.
    Done(&'static str),
    /// Somewhere else to go (a referral declined leaves the suspect's page).
    Elsewhere(String),
    /// The form again with these messages.
    Problem(Problems),
    /// The page again with this alert.
    Alert(&'static str),
    /// The error page.
    Page(Failure),
}

/// One message at one field.
pub(crate) fn problem(field: &'static str, key: &'static str) -> Outcome {
    let mut e = Problems::default();
    e.add(field, key);
    Outcome::Problem(e)
}

/// How a refused decision or judgment reads on the page.
pub(crate) fn recorded(x: Failure) -> Outcome {
    match x {
        Failure::Invalid("decided_on") => {
            problem("decided_on", "investigations.invalid.decided_on")
        }
        Failure::Invalid("judged_on") => problem("judged_on", "investigations.invalid.judged_on"),
        Failure::Invalid("sentence") => problem("sentence", "investigations.invalid.sentence"),
        Failure::Conflict(Some(Conflict::NoEarlierStep)) => {
            Outcome::Alert("investigations.alert.no_earlier_step")
        }
        Failure::Conflict(Some(Conflict::NotAccepted)) => {
            Outcome::Alert("investigations.alert.not_accepted")
        }
        Failure::Conflict(_) | Failure::Invalid(_) => {
            Outcome::Alert("investigations.alert.changed")
        }
        other => Outcome::Page(other),
    }
}

/// The decision the form describes, or the messages of its fields.
fn decision_of(f: &Fields) -> Result<DecisionInput, Problems> {
    let mut e = Problems::default();
    let decision = f.code::<ProsecutionDecision>("decision");
    if decision.is_none() {
        e.add("decision", "invalid.choose");
    }
    let decided_on = date(f.one("decided_on"));
    if decided_on.is_none() {
        e.add("decided_on", "invalid.date");
    }
    match (decision, decided_on) {
        (Some(decision), Some(decided_on)) => Ok(DecisionInput {
            decision,
            decided_on,
        }),
        _ => Err(e),
    }
}

pub(crate) async fn decision(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
    id: SuspectId,
    f: &Fields,
) -> Outcome {
    let input = match decision_of(f) {
        Ok(i) => i,
        Err(e) => return Outcome::Problem(e),
    };
    let done = with_env(req, state, move |conn, env| {
        Ok(uc::record_decision(conn, env, &actor, id, &input)?)
    })
    .await;
    done.map_or_else(recorded, |_| Outcome::Done("decision"))
}

/// The judgment the form describes, or the messages of its fields.
fn judgment_of(f: &Fields) -> Result<JudgmentInput, Problems> {
    let mut e = Problems::default();
    let instance = f.code::<CourtInstance>("instance");
    if instance.is_none() {
        e.add("instance", "invalid.choose");
    }
    let outcome = f.code::<JudgmentOutcome>("outcome");
    if outcome.is_none() {
        e.add("outcome", "invalid.choose");
    }
    let sentence: Vec<SentenceBand> = f
        .all("sentence")
        .iter()
        .filter_map(|b| b.parse().ok())
        .collect();
    if sentence.len() != f.all("sentence").len() {
        e.add("sentence", "investigations.invalid.sentence");
    }
    let judged_on = date(f.one("judged_on"));
    if judged_on.is_none() {
        e.add("judged_on", "invalid.date");
    }
    match (instance, outcome, judged_on, e.is_empty()) {
        (Some(instance), Some(outcome), Some(judged_on), true) => Ok(JudgmentInput {
            instance,
            outcome,
            sentence,
            judged_on,
        }),
        _ => Err(e),
    }
}

pub(crate) async fn judgment(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    actor: Actor,
    id: SuspectId,
    f: &Fields,
) -> Outcome {
    let input = match judgment_of(f) {
        Ok(i) => i,
        Err(e) => return Outcome::Problem(e),
    };
    let done = with_env(req, state, move |conn, env| {
        Ok(uc::record_judgment(conn, env, &actor, id, &input)?)
    })
    .await;
    done.map_or_else(recorded, |_| Outcome::Done("judgment"))
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
    fn decisions_and_judgments_are_read_from_their_forms() {
        let d = decision_of(&fields(&[
            ("decision", "summons"),
            ("decided_on", "2026-04-20"),
        ]))
        .unwrap();
        assert_eq!(d.decision, ProsecutionDecision::Summons);
        let e = decision_of(&fields(&[("decision", "pardon")])).unwrap_err();
        assert_eq!(e.of("decision"), Some("invalid.choose"));
        assert_eq!(e.of("decided_on"), Some("invalid.date"));
        let j = judgment_of(&fields(&[
            ("instance", "first_instance"),
            ("outcome", "convicted_trafficking"),
            ("sentence", "prison_2_to_4_years"),
            ("sentence", "fine"),
            ("judged_on", "2026-06-01"),
        ]))
        .unwrap();
        assert_eq!(j.sentence.len(), 2);
        let e = judgment_of(&fields(&[("sentence", "flogging")])).unwrap_err();
        assert_eq!(e.of("sentence"), Some("investigations.invalid.sentence"));
        assert_eq!(e.of("instance"), Some("invalid.choose"));
        assert!(matches!(
            recorded(Failure::Conflict(Some(Conflict::NoEarlierStep))),
            Outcome::Alert("investigations.alert.no_earlier_step")
        ));
        assert!(matches!(recorded(Failure::Forbidden), Outcome::Page(_)));
    }
}
