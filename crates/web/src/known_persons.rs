//! Whether the person being entered on the signal form is already known to the agency:
//! the form's "check" button posts the form to `POST /signals/new/check`, which keeps it
//! as its draft and shows it again with the agency's own cases of a person with the same
//! family name and date of birth (compared through the blind index, as the case list
//! searches: exact after folding case, diacritics, hyphens and spaces), each linked.
//! Never another agency's: the search reads the agency's own cases only, and it is
//! audited with the persons it found, as every search is. Nothing is saved but the draft.

use crate::WebState;
use crate::forms::{Failure, Fields, date, with_env};
use crate::i18n::Texts;
use actix_web::{HttpRequest, web};
use schakel_referral_workflow::cases::{CaseListFilter, list_cases};
use schakel_referral_workflow::views::AccessKind;

/// One known case of the person, as the form lists it.
pub(crate) struct Known {
    /// The person's name as the agency recorded it.
    pub(crate) name: String,
    /// The case's address.
    pub(crate) href: String,
    /// Its reference.
    pub(crate) reference: String,
    /// Its status, in the viewer's words.
    pub(crate) status: String,
}

/// What the check found.
pub(crate) enum Checked {
    /// The form was not checked.
    Not,
    /// The family name or the date of birth is missing: nothing to compare.
    NeedsBoth,
    /// These cases (none: not known).
    Found(Vec<Known>),
}

/// Looks up the agency's own cases of the person the form `f` names.
pub(crate) async fn look_up(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    v: &crate::session::Viewer,
    f: &Fields,
) -> Result<Checked, Failure> {
    let family = f.one("family_name").trim().to_owned();
    let (false, Some(born)) = (family.is_empty(), date(f.one("date_of_birth"))) else {
        return Ok(Checked::NeedsBoth);
    };
    let (actor, t): (_, Texts) = (v.actor, v.texts());
    let filter = CaseListFilter {
        family_name: Some(family),
        date_of_birth: Some(born),
        ..CaseListFilter::default()
    };
    let page = with_env(req, state, move |conn, env| {
        Ok(list_cases(conn, env, &actor, filter, None, Some(20))?)
    })
    .await?;
    Ok(Checked::Found(
        page.items
            .into_iter()
            .filter(|c| c.access == AccessKind::Owner)
            .map(|c| Known {
                name: c.display_name.unwrap_or_default(),
                href: format!("/cases/{}", c.id),
                reference: c.reference,
                status: t.code("case_status", c.status.as_str()),
            })
            .collect(),
    ))
}
