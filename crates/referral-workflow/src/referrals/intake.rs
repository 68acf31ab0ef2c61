//! A referral that arrives whole from another system (a FHIR transaction): the signal
//! with its person, the case opened from it, the consent or legal basis recorded on it,
//! and the referral to the receiving agency, in one transaction and once per
//! idempotency key — each step the same use case, with the same checks, audit entries,
//! timeline, emails and monitor events, as when a caseworker enters them one by one.
//! If any step is refused, nothing of the others is kept.

use super::send::create_referral_in;
use super::*;
use crate::cases::OpenCaseInput;
use crate::consents::{ConsentInput, record_consent_in};
use crate::signals::{SignalInput, create_signal_in};
use schakel_domain::{CaseId, ConsentId, PersonId, SignalId};
use serde::Serialize;

/// What another system sends.
#[derive(Debug, Clone)]
pub struct IntakeInput {
    /// The signal, with its person (never anonymous, never attached to a case).
    pub signal: SignalInput,
    /// The consent or legal basis to record on the case before referring, if any.
    pub consent: Option<ConsentInput>,
    /// The referral.
    pub referral: ReferralInput,
}

/// What was made (ids only: the answer is stored for replays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct IntakeView {
    /// The signal.
    pub signal_id: SignalId,
    /// The person, as the case holds them.
    pub person_id: PersonId,
    /// The case opened from the signal.
    pub case_id: CaseId,
    /// The consent or legal-basis record, if one was given.
    pub consent_id: Option<ConsentId>,
    /// The referral.
    pub referral_id: ReferralId,
    /// The referral's version (its `ETag`).
    pub referral_version: i64,
}

/// Takes in a referral from another system: signal, case, consent and referral, in one
/// transaction, once per `key`.
pub fn intake(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &IntakeInput,
    key: Option<&IdempotencyKey>,
) -> Result<Created<IntakeView>, UseCaseError> {
    if input.signal.person.is_none() || input.signal.case_id.is_some() {
        return Err(UseCaseError::Invalid("person"));
    }
    create_once(conn, env, who, Action::CreateReferral, key, 201, &|conn| {
        let signal = create_signal_in(conn, env, who, &input.signal)?;
        let opening = OpenCaseInput {
            signal_id: Some(signal.id),
            person: None,
            region: None,
            exploitation_forms: None,
            notes: None,
        };
        let mut case = crate::cases::open_case_in(conn, env, who, &opening)?;
        let mut consent_id = None;
        if let Some(consent) = &input.consent {
            let version = IfMatch::Version(case.version);
            case = record_consent_in(conn, env, who, case.id, version, consent)?;
            consent_id = case.consents.last().map(|c| c.id);
        }
        let referral = create_referral_in(conn, env, who, case.id, &input.referral)?;
        Ok(IntakeView {
            signal_id: signal.id,
            person_id: case.person.id,
            case_id: case.id,
            consent_id,
            referral_id: referral.id,
            referral_version: referral.version,
        })
    })
}
