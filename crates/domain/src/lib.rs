#![doc = include_str!("../README.md")]

pub mod actor;
pub mod age;
pub mod agency;
pub mod audit;
pub mod clock;
pub mod code;
pub mod id;
pub mod policy;
pub mod pseudonym;
pub mod referral;
pub mod role;
pub mod vocabulary;

pub use actor::Actor;
pub use age::AgeBand;
pub use agency::{AgencyKind, Region};
pub use clock::{Clock, ManualClock, SystemClock};
pub use code::UnknownCode;
pub use id::{AgencyId, SessionId, UserId};
pub use policy::{Action, Relationship, allows};
pub use referral::{InvalidTransition, Party, ReferralAction, ReferralState};
pub use role::Role;
pub use vocabulary::{
    DeclineReason, ExploitationForm, Gender, NationalityGroup, ReferralPurpose, ReportingBasis,
    Urgency,
};
