//! The workers a case of the agency may be given to, as the case page's form offers
//! them: for a coordinator of the owning agency, every active caseworker and coordinator
//! of the agency by name, and nobody; for anyone else no
//! form. The form itself is handled in `case_assign`. Nothing here changes data.

use crate::forms::{Choice, Failure};
use crate::i18n::Texts;
use schakel_domain::{Action, Actor, Relationship, Role};
use schakel_referral_workflow::Env;
use schakel_referral_workflow::cases::assignable_workers;
use schakel_referral_workflow::views::{AccessKind, CaseView, WorkerRef};
use schakel_store::DbConn;

/// The value of the form's "nobody" choice.
pub(crate) const NOBODY: &str = "none";

/// The workers a coordinator of the owning agency may choose from, with their roles;
/// `None` (no form) for anyone else.
pub(crate) type Workers = Option<Vec<(WorkerRef, Role)>>;

/// Whether the viewer's role assigns cases of its own agency at all.
pub(crate) fn assigns(who: &Actor) -> bool {
    who.may(Action::AssignCase, Relationship::OwnAgency)
}

/// Reads the workers the form offers for `case`, when `who` may use the form.
pub(crate) fn workers(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case: &CaseView,
) -> Result<Workers, Failure> {
    if case.access != AccessKind::Owner || !assigns(who) {
        return Ok(None);
    }
    Ok(Some(assignable_workers(conn, env, who)?))
}

/// The choices of the form: nobody, then each worker by name and role, the one
/// responsible `now` chosen; a responsible worker no longer active is chosen as such, so
/// the form never shows someone else as responsible.
pub(crate) fn choices(
    t: Texts,
    workers: &[(WorkerRef, Role)],
    now: Option<&WorkerRef>,
) -> Vec<Choice> {
    let now_id = now.map(|w| w.id);
    let nobody = Choice {
        code: NOBODY.to_owned(),
        words: t.get("case.assign_nobody").to_owned(),
        on: now.is_none(),
    };
    let each = workers.iter().map(|(w, role)| Choice {
        code: w.id.to_string(),
        words: format!("{} ({})", w.name, t.code("role", role.as_str())),
        on: Some(w.id) == now_id,
    });
    let gone = now
        .filter(|n| workers.iter().all(|(w, _)| w.id != n.id))
        .map(|n| Choice {
            code: n.id.to_string(),
            words: format!("{} ({})", n.name, t.get("case.assign_inactive")),
            on: true,
        });
    std::iter::once(nobody).chain(each).chain(gone).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use schakel_domain::UserId;

    #[test]
    fn the_choices_start_with_nobody_and_mark_the_one_responsible_even_if_gone() {
        let t = Texts { lang: Lang::En };
        let eva = WorkerRef {
            id: UserId::new_random(),
            name: "Eva de Vries".into(),
        };
        let workers = [(eva.clone(), Role::Caseworker)];
        let c = choices(t, &workers, None);
        assert_eq!((c[0].code.as_str(), c[0].on), (NOBODY, true));
        assert_eq!(c[1].words, "Eva de Vries (caseworker)");
        assert!(!c[1].on);
        let c = choices(t, &workers, Some(&eva));
        assert!(!c[0].on && c[1].on);
        assert_eq!(c.len(), 2);
        let kees = WorkerRef {
            id: UserId::new_random(),
            name: "Kees Visser".into(),
        };
        let c = choices(t, &workers, Some(&kees));
        assert!(!c[0].on && !c[1].on && c[2].on);
        assert_eq!(c[2].words, "Kees Visser (no longer active)");
    }
}
