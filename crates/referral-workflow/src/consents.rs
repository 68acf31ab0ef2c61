//! Consent records and legal bases on a case: recorded and withdrawn by the owning
//! agency. A legal basis needs a written reason and flags the case; withdrawal takes
//! effect on the next request of every recipient (access is decided per request).

use crate::access::{ACCESS_STATES, covered};
use crate::cases::{case_view, visible_case};
use crate::identity::Identity;
use crate::signals::MAX_TEXT_CHARS;
use crate::support::check_version;
use crate::support::{Env, To, denied, event, free_text, notify, record, run, seal, timeline};
use crate::views::CaseView;
use crate::{Conflict, IfMatch, Refusal, UseCaseError};
use chrono::{DateTime, NaiveDate, Utc};
use schakel_audit::{ActionKind, AuditEvent};
use schakel_domain::case::giver_allowed;
use schakel_domain::{
    Action, Actor, CaseId, CaseStatus, ConsentGiver, ConsentId, ConsentKind, LegalBasis,
    RecipientKind, ReferralPurpose, Role,
};
use schakel_domain::{ReferralFacts, ReferralTopic};
use schakel_store::DbConn;
use schakel_store::agencies;
use schakel_store::casework::consents::{self, NewConsent};
use schakel_store::casework::{cases, persons, referrals};
use serde::Deserialize;

/// The shortest written reason for a legal basis, in characters.
pub const MIN_REASON_CHARS: usize = 10;

/// A consent or legal basis to record.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// Consent, or a legal basis standing in for it.
    pub kind: ConsentKind,
    /// The recipient kinds it covers (at least one).
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub recipient_kinds: Vec<RecipientKind>,
    /// The purposes it covers (at least one).
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub purposes: Vec<ReferralPurpose>,
    /// For consent: who gave it (the person from 16, otherwise a parent or guardian).
    #[serde(default)]
    pub given_by: Option<ConsentGiver>,
    /// For a legal basis: which.
    #[serde(default)]
    pub legal_basis: Option<LegalBasis>,
    /// For a legal basis: the written reason (required, at least 10 characters).
    #[serde(default)]
    pub reason: Option<String>,
    /// When it was given (not in the future).
    pub given_on: NaiveDate,
    /// When it ends by itself (in the future), if ever.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

fn set<T: Ord + Copy>(raw: &[T], field: &'static str) -> Result<Vec<T>, UseCaseError> {
    let mut v = raw.to_vec();
    v.sort();
    v.dedup();
    if v.is_empty() {
        return Err(UseCaseError::Invalid(field));
    }
    Ok(v)
}

/// Records a consent or legal basis on a case of the actor's agency.
pub fn record_consent(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
    if_match: IfMatch,
    input: &ConsentInput,
) -> Result<CaseView, UseCaseError> {
    run(conn, env, who, |conn| {
        record_consent_in(conn, env, who, case_id, if_match, input)
    })
}

/// Records a consent or legal basis inside the caller's transaction.
pub(crate) fn record_consent_in(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
    if_match: IfMatch,
    input: &ConsentInput,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "consent.create";
    let (case, access) = visible_case(
        conn,
        env,
        who,
        case_id,
        Action::UpdateCase,
        CODE,
        ActionKind::Create,
    )?;
    if !matches!(access, crate::access::CaseAccess::Owner) {
        return Err(denied(
            CODE,
            ActionKind::Create,
            Some(("case", case_id.to_string())),
        ));
    }
    let version = check_version(if_match, case.version)?;
    let person = persons::find(conn, case.person_id)?;
    let checked = check(conn, env, who, &person, input)?;
    if case.status == CaseStatus::Closed {
        return Err(UseCaseError::Conflict(Conflict::CaseClosed));
    }
    if !cases::bump(conn, case_id, version, env.now)? {
        return Err(UseCaseError::VersionMismatch);
    }
    let mut e = store_consent(conn, env, who, case_id, input, &checked)?;
    if let Some(p) = &person.pseudonym {
        e = e.with_subject_pseudonym(p.clone());
    }
    let case = cases::find(conn, case_id)?;
    let view = case_view(conn, env, who, &case, &access)?;
    record(conn, env, e)?;
    Ok(view)
}

/// Stores a checked consent or legal basis on a case with its timeline entry; returns
/// the audit event to record once the answer is read.
fn store_consent(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
    input: &ConsentInput,
    checked: &Checked,
) -> Result<AuditEvent, UseCaseError> {
    let id = ConsentId::new_random();
    let sealed = checked
        .reason
        .as_deref()
        .map(|r| seal(env.cfg, "consents", "reason", &id, r))
        .transpose()?;
    consents::insert(
        conn,
        &NewConsent {
            id,
            case_id,
            kind: input.kind,
            recipient_kinds: &checked.recipient_kinds,
            purposes: &checked.purposes,
            given_by: input.given_by,
            legal_basis: input.legal_basis,
            reason: sealed.as_deref(),
            given_on: input.given_on,
            expires_at: input.expires_at,
            recorded_by: who.user_id,
        },
        env.now,
    )?;
    let legal = input.kind == ConsentKind::LegalBasis;
    if legal {
        cases::flag_legal_basis(conn, case_id)?;
    }
    let details = serde_json::json!({
        "consent_id": id,
        "kind": input.kind,
        "legal_basis": input.legal_basis,
        "recipient_kinds": checked.recipient_kinds,
        "purposes": checked.purposes,
    });
    let kind = if legal {
        "legal_basis_recorded"
    } else {
        "consent_recorded"
    };
    timeline(
        conn,
        env,
        case_id,
        who.agency_id,
        Some(who),
        &[(kind, None, details.clone())],
    )?;
    let code = if legal {
        "consent.legal_basis"
    } else {
        "consent.create"
    };
    let mut e = event(
        Some(who),
        code,
        ActionKind::Create,
        ("case", case_id.to_string()),
    )?
    .with_details(details);
    if let Some(basis) = input.legal_basis {
        e = e.with_purpose(format!("legal_basis:{basis}"));
    }
    Ok(e)
}

/// A record's input, checked: its sets not empty (sorted, without repeats), its dates
/// possible, and either a consent given by someone allowed to give it at the person's
/// age, or a legal basis with its reason that applies to the person's age and the
/// recording agency's kind.
struct Checked {
    recipient_kinds: Vec<RecipientKind>,
    purposes: Vec<ReferralPurpose>,
    reason: Option<String>,
}

fn check(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    person: &persons::Person,
    input: &ConsentInput,
) -> Result<Checked, UseCaseError> {
    let recipient_kinds = set(&input.recipient_kinds, "recipient_kinds")?;
    let purposes = set(&input.purposes, "purposes")?;
    if input.given_on > env.now.date_naive() {
        return Err(UseCaseError::Invalid("given_on"));
    }
    if input.expires_at.is_some_and(|e| e <= env.now) {
        return Err(UseCaseError::Invalid("expires_at"));
    }
    let reason = free_text(input.reason.as_deref(), MAX_TEXT_CHARS, "reason")?;
    let identity = |person: &persons::Person| match &person.identity {
        Some(s) => Identity::open(env.cfg, person.id, s),
        None => Ok(Identity::default()),
    };
    match input.kind {
        ConsentKind::Consent => {
            let giver = input.given_by.ok_or(UseCaseError::Invalid("given_by"))?;
            if input.legal_basis.is_some() {
                return Err(UseCaseError::Invalid("legal_basis"));
            }
            if !giver_allowed(giver, identity(person)?.age_on(input.given_on)) {
                return Err(UseCaseError::Invalid("given_by"));
            }
        }
        ConsentKind::LegalBasis => {
            let basis = input
                .legal_basis
                .ok_or(UseCaseError::Invalid("legal_basis"))?;
            if input.given_by.is_some() {
                return Err(UseCaseError::Invalid("given_by"));
            }
            if reason
                .as_deref()
                .is_none_or(|r| r.chars().count() < MIN_REASON_CHARS)
            {
                return Err(UseCaseError::Invalid("reason"));
            }
            let recorder = agencies::find(conn, who.agency_id)?.kind;
            if !basis.applies(identity(person)?.age_on(input.given_on), recorder) {
                return Err(UseCaseError::Refused(Refusal::LegalBasisNotApplicable));
            }
        }
    }
    Ok(Checked {
        recipient_kinds,
        purposes,
        reason,
    })
}

/// Withdraws a consent or legal basis; receiving agencies that saw the identity only
/// through it stop seeing it at once and are told.
pub fn withdraw_consent(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
    consent_id: ConsentId,
    if_match: IfMatch,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "consent.withdraw";
    run(conn, env, who, |conn| {
        let (case, access) = visible_case(
            conn,
            env,
            who,
            case_id,
            Action::UpdateCase,
            CODE,
            ActionKind::Update,
        )?;
        if !matches!(access, crate::access::CaseAccess::Owner) {
            return Err(denied(
                CODE,
                ActionKind::Update,
                Some(("case", case_id.to_string())),
            ));
        }
        let version = check_version(if_match, case.version)?;
        let before = consents::of_case(conn, case_id)?;
        let Some(target) = before.iter().find(|c| c.id == consent_id) else {
            return Err(UseCaseError::NotFound);
        };
        if target.scope.withdrawn_at.is_some() {
            return Err(UseCaseError::Conflict(Conflict::AlreadyWithdrawn));
        }
        if !cases::bump(conn, case_id, version, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        consents::withdraw(conn, consent_id, who.user_id, env.now)?;
        let after = consents::of_case(conn, case_id)?;
        // Receivers with access whose view of the identity this withdrawal ends.
        let mut cut = Vec::new();
        for r in referrals::of_case(conn, case_id)?
            .into_iter()
            .filter(|r| ACCESS_STATES.contains(&r.state))
        {
            let kind = agencies::find(conn, r.to_agency_id)?.kind;
            if covered(&before, kind, r.purpose, env.now)
                && !covered(&after, kind, r.purpose, env.now)
            {
                notify(
                    conn,
                    env,
                    ReferralTopic::ConsentWithdrawn,
                    To {
                        agency: r.to_agency_id,
                        user: r.assigned_to,
                        roles: &[Role::Coordinator, Role::Caseworker],
                    },
                    ReferralFacts::of(r.id, r.from_agency_id, r.to_agency_id),
                )?;
                cut.push(r.to_agency_id);
            }
        }
        let details = serde_json::json!({ "consent_id": consent_id, "access_ended": cut.len() });
        timeline(
            conn,
            env,
            case_id,
            who.agency_id,
            Some(who),
            &[("consent_withdrawn", None, details.clone())],
        )?;
        let mut e = event(
            Some(who),
            CODE,
            ActionKind::Update,
            ("case", case_id.to_string()),
        )?
        .with_details(details);
        if let Some(p) = persons::find(conn, case.person_id)?.pseudonym {
            e = e.with_subject_pseudonym(p);
        }
        let case = cases::find(conn, case_id)?;
        let view = case_view(conn, env, who, &case, &access)?;
        record(conn, env, e)?;
        Ok(view)
    })
}
