//! The monitor's tables: `monitor_facts` (one row per event and exploitation form),
//! `monitor_months` (the events counted per month, and a revision raised when counted
//! facts change), `monitor_persons` (every counted person's number) and
//! `monitor_snapshots` (months packed by a held copy), and the offender side's
//! `monitor_offender_facts` and `monitor_offender_victims`. Writing an event's facts, moving a corrected person's facts to its
//! new key, loading them month by month for the monitor's in-memory copy, and the
//! aggregate queries behind its tables made by SQL.
//!
//! What a fact means, how events are grouped and what may be published is the
//! monitor's business; this module only holds the SQL. The aggregate queries take
//! fragments of SQL (filters, grouping keys, value expressions) that the monitor builds
//! only from fixed column expressions and values it checked before (months parsed as
//! `YYYY-MM`, event kinds from their code list): they must never carry request text.

mod aggregates;
mod facts;
mod offenders;
mod persons;
mod relink;
mod snapshots;
#[cfg(feature = "testing")]
pub mod synthetic;

pub use aggregates::{
    AnswerRow, CaptureRow, GroupedRow, PersonShareRow, answers, captures, grouped, person_share,
};
pub use facts::{FactRow, NewFact, facts_of_month, insert_facts};
pub use offenders::{
    OffenderFact, insert_offender_fact, offender_facts, offender_victims, relink_victims,
    victims_in_months,
};
pub use persons::number_person;
pub use relink::{MonthState, current_key, month_states, relink};
pub use snapshots::{Snapshot, save_snapshot, snapshots_of};
