#![doc = include_str!("../README.md")]

pub mod cube;
pub mod dims;
pub mod disclosure;
pub mod estimate;
pub mod event;
pub mod htcds;
pub mod mse;
pub mod offenders;
mod packed;
pub mod period;
pub mod query;
pub mod record;
pub mod sink;
pub mod table;
mod tally;
#[cfg(feature = "testing")]
pub mod testing;
pub mod view;

pub use cube::Cube;
pub use dims::{Dimension, Measure, PeriodRange};
pub use disclosure::Rules;
pub use event::Event;
pub use period::{Grain, Month};
pub use query::{QueryError, counts, flows, overlap};
pub use record::{record, relink};
pub use sink::{MonitorSink, SinkReport};
pub use table::Table;
pub use view::MonitorView;
