#![doc = include_str!("../README.md")]

pub mod actor;
pub mod agency;
pub mod audit;
pub mod clock;
pub mod code;
pub mod id;
pub mod policy;
pub mod role;

pub use actor::Actor;
pub use agency::{AgencyKind, Region};
pub use clock::{Clock, ManualClock, SystemClock};
pub use code::UnknownCode;
pub use id::{AgencyId, SessionId, UserId};
pub use policy::{Action, Relationship, allows};
pub use role::Role;
