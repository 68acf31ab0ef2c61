//! The `[audit]` section: the entry key that gives every audit entry its MAC, the keys
//! of the signed checkpoints, and the sealer (whether it runs here, how often, and how
//! long an entry may wait).
//!
//! The entry key is read (and at the default path made when missing) by every command
//! that writes the trail, and installed for the process before anything is recorded;
//! the checkpoint keys are read only by the commands that need them, so a server
//! without them starts. No key is ever printed.

use super::{ConfigError, Settings, fail};
use schakel_audit::EntryKey;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The default entry key file of the embedded setup; created on first start when
/// missing.
pub const DEFAULT_ENTRY_KEY_FILE: &str = "./data/keys/audit-entry-key";

/// Audit trail keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// A file holding the key of the entries' MACs (HMAC-SHA256): 32 random bytes as
    /// 64 hex digits (`openssl rand -hex 32`). A secret kept outside the database (mode
    /// 0600), so that someone who can only write the database cannot append an entry
    /// that verifies. At the default path it is created when missing.
    pub entry_key_file: PathBuf,
    /// A file holding the Ed25519 signing key of checkpoints: a 32-byte seed as 64 hex
    /// digits (e.g. `openssl rand -hex 32`). A secret: mode 0600, never printed.
    pub checkpoint_key_file: Option<PathBuf>,
    /// A file holding the public key checkpoints are verified against (64 hex digits),
    /// so an auditor can verify without the signing key; by default the public key of
    /// `checkpoint_key_file`.
    pub checkpoint_public_key_file: Option<PathBuf>,
    /// Whether this `serve` or `worker` runs the sealer, which links the entries of
    /// finished transactions into the chain (PostgreSQL). Any number may: one at a time
    /// holds the lock and the others skip their round.
    pub seal: bool,
    /// How often the sealer looks for entries to seal, in milliseconds (10–60000).
    pub seal_interval_ms: u64,
    /// How long an entry may wait to be sealed, in seconds (1–86400): `schakel audit
    /// verify` reports an entry waiting longer as a failure.
    pub unsealed_bound_secs: u64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            entry_key_file: DEFAULT_ENTRY_KEY_FILE.into(),
            checkpoint_key_file: None,
            checkpoint_public_key_file: None,
            seal: true,
            seal_interval_ms: 200,
            unsealed_bound_secs: 60,
        }
    }
}

impl AuditSettings {
    /// The entry key file must be readable and hold a key, unless it is the default
    /// one, made on first start.
    pub fn validate(&self) -> Result<(), String> {
        if !(10..=60_000).contains(&self.seal_interval_ms) {
            return Err("audit.seal_interval_ms must be between 10 and 60000".into());
        }
        if !(1..=86_400).contains(&self.unsealed_bound_secs) {
            return Err("audit.unsealed_bound_secs must be between 1 and 86400".into());
        }
        if self.seal_interval_ms / 1000 >= self.unsealed_bound_secs {
            return Err("audit.unsealed_bound_secs must exceed audit.seal_interval_ms".into());
        }
        let path = self.entry_key_file.as_path();
        if !self.is_default_path() || path.exists() {
            read(path)?;
        }
        Ok(())
    }

    /// Reads the entry key, creating the default file first when it is missing, and
    /// installs it for this process: from now on every entry recorded gets its MAC.
    pub fn install_entry_key(&self) -> Result<(), String> {
        let path = self.entry_key_file.as_path();
        if !path.exists() && self.is_default_path() {
            create(path)?;
            tracing::warn!(path = %path.display(), "created a new audit entry key file: back it up");
        }
        install(read(path)?)
    }

    /// For a command that only checks the trail: installs the entry key if its file
    /// exists (an explicitly set file must); returns whether it did.
    pub fn install_entry_key_if_present(&self) -> Result<bool, String> {
        let path = self.entry_key_file.as_path();
        if self.is_default_path() && !path.exists() {
            return Ok(false);
        }
        install(read(path)?).map(|()| true)
    }

    fn is_default_path(&self) -> bool {
        self.entry_key_file.as_path() == Path::new(DEFAULT_ENTRY_KEY_FILE)
    }
}

fn read(path: &Path) -> Result<EntryKey, String> {
    crate::keys::check_private(path, "audit.entry_key_file")?;
    schakel_audit::read_entry_key(path).map_err(|e| format!("audit.entry_key_file: {e}"))
}

fn install(key: EntryKey) -> Result<(), String> {
    schakel_audit::install_entry_key(key).map_err(|e| format!("audit.entry_key_file: {e}"))
}

/// Creates a key file holding 32 random bytes as hex, readable by the owner only.
fn create(path: &Path) -> Result<(), String> {
    let text = format!(
        "{}\n",
        hex::encode(schakel_auth::secret_token::generate_key())
    );
    crate::keys::create_private_file(path, &text).map_err(|e| format!("audit.entry_key_file: {e}"))
}

impl Settings {
    /// The checkpoint signing key, from `audit.checkpoint_key_file`.
    pub fn checkpoint_signing_key(&self) -> Result<schakel_audit::SigningKey, ConfigError> {
        let path = self.audit.checkpoint_key_file.as_deref().ok_or_else(|| {
            fail(
                "audit.checkpoint_key_file is not set (SCHAKEL_AUDIT__CHECKPOINT_KEY_FILE); \
                 it must name a file holding the checkpoint signing key",
            )
        })?;
        crate::keys::check_private(path, "audit.checkpoint_key_file").map_err(fail)?;
        schakel_audit::read_signing_key(path)
            .map_err(|e| fail(format!("audit.checkpoint_key_file: {e}")))
    }

    /// The key checkpoints are verified against: `audit.checkpoint_public_key_file`, or
    /// else the public half of `audit.checkpoint_key_file`.
    pub fn checkpoint_verifying_key(&self) -> Result<schakel_audit::VerifyingKey, ConfigError> {
        match &self.audit.checkpoint_public_key_file {
            Some(path) => schakel_audit::read_verifying_key(path)
                .map_err(|e| fail(format!("audit.checkpoint_public_key_file: {e}"))),
            None if self.audit.checkpoint_key_file.is_some() => {
                Ok(self.checkpoint_signing_key()?.verifying_key())
            }
            None => Err(fail(
                "verifying a checkpoint needs audit.checkpoint_public_key_file or \
                 audit.checkpoint_key_file",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_entry_key_file_that_is_missing_or_bad_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut audit = AuditSettings {
            entry_key_file: dir.path().join("absent"),
            ..AuditSettings::default()
        };
        assert!(
            audit
                .validate()
                .unwrap_err()
                .contains("audit.entry_key_file")
        );
        assert!(audit.install_entry_key_if_present().is_err());
        let bad = dir.path().join("bad");
        std::fs::write(&bad, "secret-but-not-hex-9931").unwrap();
        audit.entry_key_file = bad;
        let err = audit.validate().unwrap_err();
        assert!(!err.contains("9931"), "{err}");
    }

    #[test]
    fn a_created_entry_key_file_is_private_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/entry-key");
        create(&path).unwrap();
        let first = std::fs::read_to_string(&path).unwrap();
        assert!(create(&path).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
        assert!(read(&path).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by the owner only");
        }
    }
}
