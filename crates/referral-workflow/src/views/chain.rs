//! Where a case came from and the chain of cases and referrals it is part of, as the
//! actor may see them.

use super::AgencyRef;
use chrono::NaiveDate;
use schakel_domain::{AgencyKind, CaseId, ReferralId, ReferralState};
use serde::Serialize;

/// The referral a case was opened from, and the sending agency's case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginView {
    /// The referral it was opened from (for the agencies that sent or received it).
    pub referral_id: Option<ReferralId>,
    /// The referring agency's kind (always shown).
    pub kind: AgencyKind,
    /// The agency that referred the person (for the agencies that sent or received the
    /// referral; the others see its kind only, as in the chain).
    pub agency: Option<AgencyRef>,
    /// That agency's case reference (for the owning agency only).
    pub case_reference: Option<String>,
}

/// One side of a hop in a person's chain of agencies, as far as the actor may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainParty {
    /// The agency's kind (always shown).
    pub kind: AgencyKind,
    /// The agency, for the actor's own agency and the agencies it handed the person to or
    /// received them from; absent (the kind only) for the rest of the chain.
    pub agency: Option<AgencyRef>,
    /// The case at this agency, when it is the actor's own agency's case.
    pub case_id: Option<CaseId>,
    /// That case's reference (the actor's own cases only).
    pub case_reference: Option<String>,
}

/// One referral in a person's chain: who handed the person to whom, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainHop {
    /// The referral, when the actor's agency sent or received it.
    pub referral_id: Option<ReferralId>,
    /// Its state, when the actor's agency sent or received it.
    pub state: Option<ReferralState>,
    /// The referring side.
    pub from: ChainParty,
    /// The receiving side.
    pub to: ChainParty,
    /// The day it was sent.
    pub sent_on: NaiveDate,
    /// Whether the case asked about is on this hop's referring side.
    pub from_this_case: bool,
}

/// The chain of cases and referrals a case is part of, oldest hop first: the hops that
/// brought the person to it and those that carried the person on from it. Hops the
/// actor's agency took no part in appear only when they carried the person (accepted,
/// in progress or completed), and name agencies by kind only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseChain {
    /// The case asked about.
    pub case_id: CaseId,
    /// The hops, oldest first.
    pub hops: Vec<ChainHop>,
}
