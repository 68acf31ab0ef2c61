//! The monitor as the edges read it (the API, the pages): the in-memory copy the tables
//! are counted from, the monitor's own database if it has one, the rules of disclosure
//! control and the k of the HTCDS export. One value, shared by every edge of a process,
//! so the API and the pages always publish alike.

use crate::Cube;
use crate::disclosure::Rules;
use crate::htcds::ExportK;
use schakel_store::Pool;
use std::sync::Arc;

/// Where the monitor's tables come from and the rules they are published by.
#[derive(Clone, Default)]
pub struct MonitorView {
    /// The in-memory copy of the monitor's facts the tables are counted from.
    pub cube: Arc<Cube>,
    /// The monitor's own database; `None`: the operational one.
    pub pool: Option<Pool>,
    /// Suppression threshold and rounding of published tables.
    pub rules: Rules,
    /// The k of the HTCDS export's k-anonymity (`monitor.export_k`).
    pub export_k: ExportK,
}

impl std::fmt::Debug for MonitorView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorView")
            .field("own_database", &self.pool.is_some())
            .field("rules", &self.rules)
            .field("export_k", &self.export_k)
            .finish()
    }
}
