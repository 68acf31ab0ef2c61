//! Whether the person being entered on the signal form is already known to the agency:
//! the form's "check" button posts the form to `POST /signals/new/check`, which keeps it
//! as its draft and shows it again with the agency's own cases of a person with the same
//! family name and date of birth (compared through the blind index, as the case list
//! searches: exact after folding case, diacritics, hyphens and spaces), each linked, and
//! below them the agency's own cases of similar persons: a family name that sounds the
//! same and the same year of birth (through the similar index; the exact matches are not
//! repeated). Each open case has a button that submits the form to the signal's own
//! handler with `attach_case`, to log the signal on that case (see `signals`).
//! Never another agency's: both searches read the agency's own cases only, and they are
//! audited with the persons they found, as every search is. Nothing is saved but the
//! draft.

use crate::WebState;
use crate::forms::{Failure, Fields, date, with_env};
use crate::i18n::Texts;
use actix_web::{HttpRequest, web};
use chrono::Datelike;
use schakel_domain::CaseStatus;
use schakel_referral_workflow::cases::{CaseListFilter, SimilarTo, list_cases, similar_cases};
use schakel_referral_workflow::views::{AccessKind, CaseListItem};

/// How many cases each search shows at most.
const SHOWN: i64 = 20;

/// One known case of the person, as the form lists it.
pub(crate) struct Known {
    /// The case's id (the value of its attach button).
    pub(crate) id: String,
    /// The person's name as the agency recorded it.
    pub(crate) name: String,
    /// The case's address.
    pub(crate) href: String,
    /// Its reference.
    pub(crate) reference: String,
    /// Its status, in the viewer's words.
    pub(crate) status: String,
    /// Whether it is open (only an open case takes a signal).
    pub(crate) open: bool,
}

/// What the check found.
pub(crate) enum Checked {
    /// The form was not checked.
    Not,
    /// The family name or the date of birth is missing: nothing to compare.
    NeedsBoth,
    /// The cases of the same person (none: not known) and of similar persons.
    Found {
        /// Same family name and date of birth.
        exact: Vec<Known>,
        /// Same sound of the family name and year of birth, the exact ones left out.
        similar: Vec<Known>,
    },
}

/// Looks up the agency's own cases of the person the form `f` names, and of persons
/// similar to them.
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
    let like = SimilarTo {
        family_name: family.clone(),
        birth_year: born.year(),
    };
    let filter = CaseListFilter {
        family_name: Some(family),
        date_of_birth: Some(born),
        ..CaseListFilter::default()
    };
    let (exact, similar) = with_env(req, state, move |conn, env| {
        let exact = list_cases(conn, env, &actor, filter, None, Some(SHOWN))?;
        let similar = similar_cases(conn, env, &actor, &like, Some(SHOWN))?;
        Ok((exact.items, similar.items))
    })
    .await?;
    let exact: Vec<Known> = own(exact, t);
    let similar = own(similar, t)
        .into_iter()
        .filter(|s| !exact.iter().any(|e| e.id == s.id))
        .collect();
    Ok(Checked::Found { exact, similar })
}

/// The agency's own cases of `items`, as the form lists them.
fn own(items: Vec<CaseListItem>, t: Texts) -> Vec<Known> {
    items
        .into_iter()
        .filter(|c| c.access == AccessKind::Owner)
        .map(|c| Known {
            id: c.id.to_string(),
            name: c.display_name.unwrap_or_default(),
            href: format!("/cases/{}", c.id),
            reference: c.reference,
            status: t.code("case_status", c.status.as_str()),
            open: c.status == CaseStatus::Open,
        })
        .collect()
}
