//! The offenders side of the monitor: offender events recorded ([`record_offender`])
//! and the offender tables made from them ([`offender_table`]), with the same
//! disclosure control as the victims' tables.
//!
//! - `funnel`: the suspects registered, handed to the prosecution, decided on, summoned,
//!   judged at first instance, convicted of trafficking and convicted of another
//!   offence only, per year and exploitation form (distinct suspects).
//! - `durations`: the median whole days from a suspect's registration to the
//!   prosecution's first decision and to the first-instance judgment, per year of that
//!   step and form; shown only behind at least the threshold of suspects.
//! - `sentences`: the suspects convicted at first instance, per year and sentence band.
//! - `victims`: of the distinct victims the victims' side counted in each year (and in
//!   the whole period), how many are linked to at least one suspect, to one summoned
//!   and to one whose latest judgment (the highest instance recorded) convicts of
//!   trafficking.
//!
//! The counts are made from the offender facts, the links the latest event of each
//! suspect carried, and the distinct victims of the victims' facts — no id, no name, no
//! date finer than a quarter; suspects and victims are keys under two different
//! linkage keys, joined only through the links the investigating agencies made.

mod count;
mod facts;
mod link;
mod record;

pub use count::{OffenderTable, offender_table};
pub use record::record_offender;
