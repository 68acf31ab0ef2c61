//! The `[data]` section: the master keys that encrypt personal data at rest (identities,
//! free text, second-factor secrets) and the fixed key ids of the blind index and the
//! pseudonym; and the law-enforcement compartment's own key file (suspects' identity
//! and the investigations' free text, the suspects' pseudonym), which must share no
//! secret with the first.

use schakel_crypto::MasterKeys;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The default key file of the embedded setup; created on first start when missing.
pub const DEFAULT_DATA_KEYS_FILE: &str = "./data/keys/data-keys";

/// The default key file of the law-enforcement compartment; created on first start
/// when missing.
pub const DEFAULT_LAW_ENFORCEMENT_KEYS_FILE: &str = "./data/keys/law-enforcement-keys";

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
    /// The law-enforcement compartment's master keys (suspects' identity, the
    /// investigations' free text), in the same format; a secret file of its own, backed
    /// up apart, sharing no key with `keys_file`. At the default path it is created
    /// when missing.
    pub law_enforcement_keys_file: PathBuf,
    /// The key id of that file that encrypts new values; by default its first.
    pub law_enforcement_current_key: Option<String>,
    /// The key id of that file the suspects' pseudonym (their own linkage key) is
    /// derived from. Keep it for good.
    pub suspect_linkage_key: String,
}

impl Default for DataSettings {
    fn default() -> Self {
        Self {
            keys_file: DEFAULT_DATA_KEYS_FILE.into(),
            current_key: None,
            index_key: "k1".into(),
            linkage_key: "k1".into(),
            law_enforcement_keys_file: DEFAULT_LAW_ENFORCEMENT_KEYS_FILE.into(),
            law_enforcement_current_key: None,
            suspect_linkage_key: "k1".into(),
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
        let law = self.law_enforcement_keys_file.as_path();
        if law != Path::new(DEFAULT_LAW_ENFORCEMENT_KEYS_FILE) || law.exists() {
            std::fs::File::open(law).map_err(|e| {
                format!(
                    "data.law_enforcement_keys_file: cannot read {}: {e}",
                    law.display()
                )
            })?;
            crate::keys::check_private(law, "data.law_enforcement_keys_file")?;
            if path.exists() {
                self.load_law_enforcement()?;
            }
        }
        Ok(())
    }

    /// Loads the law-enforcement compartment's keys (creating the default file first
    /// when it is missing), refusing a file that shares a secret with the data keys.
    pub fn load_law_enforcement(&self) -> Result<Arc<MasterKeys>, String> {
        let path = self.law_enforcement_keys_file.as_path();
        let setting = "data.law_enforcement_keys_file";
        if !path.exists() && path == Path::new(DEFAULT_LAW_ENFORCEMENT_KEYS_FILE) {
            crate::keys::create_key_file(
                path,
                "Law-enforcement keys (suspects' identity and investigations' free text at rest, the suspects' linkage key; back up apart from the database and from the data keys)",
            )?;
            tracing::warn!(path = %path.display(), "created a new law-enforcement key file: back it up");
        }
        crate::keys::check_private(path, setting)?;
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{setting}: cannot read {}: {e}", path.display()))?;
        let keys = MasterKeys::parse(&text, self.law_enforcement_current_key.as_deref())
            .map_err(|e| format!("{setting}: {e}"))?
            .for_compartment(schakel_crypto::Compartment::LawEnforcement);
        if !keys.contains(&self.suspect_linkage_key) {
            return Err(format!(
                "data.suspect_linkage_key: key id {:?} is not in {}",
                self.suspect_linkage_key,
                path.display()
            ));
        }
        if keys.shares_a_secret_with(self.load()?.as_ref()) {
            return Err(format!(
                "{setting}: {} holds a key of data.keys_file; the compartments must not share one",
                path.display()
            ));
        }
        Ok(Arc::new(keys))
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
