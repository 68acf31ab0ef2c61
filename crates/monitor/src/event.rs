//! The monitor event as it arrives from the outbox. The type is the one the use cases
//! queue ([`schakel_domain::MonitorEvent`]); it is checked as it is read (every code
//! from its list, the month a real `YYYY-MM`, the pseudonym a hex digest).

use schakel_domain::MonitorEventKind;
pub use schakel_domain::{InvalidEvent, MonitorEvent as Event};

/// The event kinds the monitor counts, by code, in the order of
/// [`MonitorEventKind::ALL`] (the tallies index them by position).
pub const KINDS: [&str; MonitorEventKind::ALL.len()] = kind_codes();

const fn kind_codes() -> [&'static str; MonitorEventKind::ALL.len()] {
    let mut out = [""; MonitorEventKind::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = MonitorEventKind::ALL[i].as_str();
        i += 1;
    }
    out
}
