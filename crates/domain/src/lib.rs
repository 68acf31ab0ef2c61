#![doc = include_str!("../README.md")]

pub mod agency;
pub mod clock;
pub mod code;
pub mod id;

pub use agency::{AgencyKind, Region};
pub use clock::{Clock, ManualClock, SystemClock};
pub use code::UnknownCode;
pub use id::AgencyId;
