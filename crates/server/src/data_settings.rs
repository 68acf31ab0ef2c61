//! The `[data]` section: the master keys that encrypt personal data at rest (identities,
//! free text, second-factor secrets) and the fixed key ids of the blind index and the
//! pseudonym.

use schakel_crypto::MasterKeys;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The default key file of the embedded setup; created on first start when missing.
pub const DEFAULT_DATA_KEYS_FILE: &str = "./data/keys/data-keys";

/// Data-encryption settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataSettings {
    /// The master keys: `<key-id> <64 hex digits>` per line. A secret file (mode 0600),
    /// backed up apart from the database: without it encrypted data cannot be read. At
    /// the default path it is created when missing.
    pub keys_file: PathBuf,
    /// The key id that encrypts new values; by default the first in the file.
    pub current_key: Option<String>,
    /// The key id the blind index (finding a person by exact name or date of birth) is
    /// derived from. Keep it in the file for good: changing it makes old indexes
    /// unmatchable.
    pub index_key: String,
    /// The key id the monitor's pseudonym (linkage) key is derived from. Keep it for
    /// good: changing it makes every person count as new in the monitor.
    pub linkage_key: String,
}

impl Default for DataSettings {
    fn default() -> Self {
        Self {
            keys_file: DEFAULT_DATA_KEYS_FILE.into(),
            current_key: None,
            index_key: "k1".into(),
            linkage_key: "k1".into(),
        }
    }
}

impl DataSettings {
    /// The key file must be readable and hold the named keys, unless it is the default
    /// one, made on first start.
    pub fn validate(&self) -> Result<(), String> {
        let path = self.keys_file.as_path();
        if path != Path::new(DEFAULT_DATA_KEYS_FILE) || path.exists() {
            std::fs::File::open(path)
                .map_err(|e| format!("data.keys_file: cannot read {}: {e}", path.display()))?;
            crate::keys::check_private(path, "data.keys_file")?;
            // The key ids the settings name must be in the file: a start that fails
            // later, with keys missing, would be a configuration error too.
            self.load()?;
        }
        Ok(())
    }

    /// Loads the keys, creating the default file first when it is missing.
    pub fn load(&self) -> Result<Arc<MasterKeys>, String> {
        let path = self.keys_file.as_path();
        if !path.exists() && path == Path::new(DEFAULT_DATA_KEYS_FILE) {
            crate::keys::create_key_file(
                path,
                "Data keys (identity and free text at rest; back up apart from the database; k1 is also the index and linkage key)",
            )?;
            tracing::warn!(path = %path.display(), "created a new data key file: back it up");
        }
        crate::keys::check_private(path, "data.keys_file")?;
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("data.keys_file: cannot read {}: {e}", path.display()))?;
        let keys = MasterKeys::parse(&text, self.current_key.as_deref())
            .map_err(|e| format!("data.keys_file: {e}"))?;
        for (setting, id) in [
            ("index_key", &self.index_key),
            ("linkage_key", &self.linkage_key),
        ] {
            if !keys.contains(id) {
                return Err(format!(
                    "data.{setting}: key id {id:?} is not in {}",
                    path.display()
                ));
            }
        }
        Ok(Arc::new(keys))
    }
}
