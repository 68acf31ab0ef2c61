//! Every resource a test receives is kept, when `FHIR_SAMPLES_DIR` names a directory,
//! for the test command's validation against the FHIR R4 definitions
//! (`scripts/lib/fhir_validate.py`); without it nothing is written.

use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Keeps `resource` (a body the facade answered) under `name`.
pub fn keep(name: &str, resource: &Value) {
    let Some(dir) = std::env::var_os("FHIR_SAMPLES_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let file = dir.join(format!("{}-{n:04}-{name}.json", std::process::id()));
    std::fs::write(file, serde_json::to_vec_pretty(resource).unwrap()).unwrap();
}
