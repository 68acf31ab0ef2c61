//! "Who saw this person": an auditor names a person — by a case of theirs (its owning
//! agency and reference) or by their identifiers (name, date of birth, gender) — and
//! gets the reference the audit trail names them by (their pseudonym, or `person:<id>`
//! for a record without one), never their identity. The trail's `subject` filter then
//! lists every entry about them: reads, lists and searches that showed them, exports,
//! changes and emergency accesses. The lookup itself is audited under that reference,
//! so it shows in the person's own trail.

use crate::identity::Identity;
use crate::support::{Env, event, permit_role, record, run};
use crate::{UseCaseError, subjects};
use chrono::NaiveDate;
use schakel_audit::ActionKind;
use schakel_domain::{Action, Actor, AgencyId, Gender, Relationship};
use schakel_store::casework::{persons, references};
use schakel_store::{DbConn, StoreError};
use serde::{Deserialize, Serialize};

/// Whom to look up: a case (`agency_id` and `reference`) or identifiers (`family_name`,
/// `date_of_birth` and `gender`, with `given_names` as recorded).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubjectLookup {
    /// The agency that owns the case.
    #[serde(default)]
    pub agency_id: Option<AgencyId>,
    /// Its reference of the case, `YYYY-NNNNNN`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub reference: Option<String>,
    /// Given names, as recorded.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub given_names: Option<String>,
    /// Family name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub family_name: Option<String>,
    /// Date of birth.
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    /// Gender.
    #[serde(default)]
    pub gender: Option<Gender>,
}

/// How the audit trail names the person looked up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectView {
    /// The reference to filter the trail by (`subject`): a pseudonym, `u:` and a key for
    /// an unlinkable record, or `person:<id>`.
    pub subject: String,
    /// How many person records of the platform carry it (0: nobody recorded with these
    /// identifiers; more than 1: the same person at several agencies or records).
    pub records: i64,
}

/// The longest name or reference accepted.
const MAX_TEXT: usize = 200;

/// The subject reference of the person `lookup` names (auditors; audited
/// `audit.subject_lookup`). A case that does not exist is `404`; identifiers without a
/// family name and a full date of birth and a gender cannot name anyone (`422`).
pub fn lookup_subject(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    lookup: &SubjectLookup,
) -> Result<SubjectView, UseCaseError> {
    const CODE: &str = "audit.subject_lookup";
    let by_case = lookup.agency_id.is_some() || lookup.reference.is_some();
    let too_long = |t: &Option<String>| t.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT);
    if too_long(&lookup.reference) || too_long(&lookup.given_names) || too_long(&lookup.family_name)
    {
        return Err(UseCaseError::Invalid("reference"));
    }
    run(conn, env, who, |conn| {
        permit_role(
            who,
            Action::ReadAudit,
            Relationship::Platform,
            CODE,
            ActionKind::Read,
        )?;
        let subject = if by_case {
            of_case(conn, lookup)?
        } else {
            of_identifiers(env, lookup)?
        };
        let records = if subject.starts_with("person:") {
            1
        } else {
            persons::count_with_pseudonym(conn, &subject)?
        };
        let e = event(
            Some(who),
            CODE,
            ActionKind::Read,
            ("person", subject.clone()),
        )?
        .with_subject_pseudonym(subject.clone())
        .with_details(serde_json::json!({
            "by": if by_case { "case" } else { "identifiers" },
            "records": records,
        }));
        record(conn, env, e)?;
        Ok(SubjectView { subject, records })
    })
}

/// The reference of the person of the case `lookup` names.
fn of_case(conn: &mut DbConn, lookup: &SubjectLookup) -> Result<String, UseCaseError> {
    let agency = lookup.agency_id.ok_or(UseCaseError::Invalid("agency_id"))?;
    let reference = lookup
        .reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or(UseCaseError::Invalid("reference"))?;
    let case = match references::find_case(conn, agency, reference) {
        Ok(case) => case,
        Err(StoreError::NotFound) => return Err(UseCaseError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let found = persons::pseudonyms(conn, &[case.person_id])?;
    let pseudonym = found.into_iter().next().and_then(|(_, p)| p);
    Ok(subjects::reference(case.person_id, pseudonym))
}

/// The pseudonym the identifiers make.
fn of_identifiers(env: &Env<'_>, lookup: &SubjectLookup) -> Result<String, UseCaseError> {
    if lookup
        .family_name
        .as_deref()
        .is_none_or(|n| n.trim().is_empty())
    {
        return Err(UseCaseError::Invalid("family_name"));
    }
    let gender = lookup.gender.ok_or(UseCaseError::Invalid("gender"))?;
    let identity = Identity {
        given_names: lookup.given_names.clone(),
        family_name: lookup.family_name.clone(),
        date_of_birth: lookup.date_of_birth,
        ..Identity::default()
    };
    identity
        .pseudonym(env.cfg, gender)?
        .ok_or(UseCaseError::Invalid("date_of_birth"))
}
