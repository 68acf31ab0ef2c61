//! The access-token signing keys, read from a key file; creating private key files.
//!
//! The file holds one key per line as `<key-id> <hex>` (at least 32 bytes each; blank
//! lines and `#` comments ignored). The first key signs new tokens unless
//! `auth.current_key` names another; the others still verify tokens signed before a
//! rotation. For the embedded setup a missing file at the default path is created with
//! one random key, readable by the owner only.

use schakel_auth::jwt::{Keyring, MIN_KEY_BYTES};
use secrecy::SecretSlice;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Refuses a key file that anyone but its owner may read or write: keys are secrets,
/// and a file left readable by others (a copy made with the default umask, a backup
/// restored carelessly) is refused at start rather than used. `setting` names the file
/// in the message.
pub fn check_private(path: &Path, setting: &str) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("{setting}: cannot read {}: {e}", path.display()))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "{setting}: {} is open to others (mode {mode:04o}); a key file must be \
                 readable by its owner only: chmod 600 {}",
                path.display(),
                path.display()
            ));
        }
    }
    Ok(())
}

/// Reads the keyring from `path` (which must be private to its owner).
pub fn load_keyring(
    path: &Path,
    current: Option<&str>,
    issuer: &str,
    audience: &str,
) -> Result<Keyring, String> {
    check_private(path, "auth.token_keys_file")?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("auth.token_keys_file: cannot read {}: {e}", path.display()))?;
    let mut keys = BTreeMap::new();
    let mut first = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || {
            format!(
                "auth.token_keys_file: line {} is not '<key-id> <hex key>'",
                n + 1
            )
        };
        let (kid, hex_key) = line.split_once(char::is_whitespace).ok_or_else(bad)?;
        let key = hex::decode(hex_key.trim()).map_err(|_| bad())?;
        if key.len() < MIN_KEY_BYTES {
            return Err(format!(
                "auth.token_keys_file: key '{kid}' has {} bytes; at least {MIN_KEY_BYTES} are needed",
                key.len()
            ));
        }
        first.get_or_insert_with(|| kid.to_owned());
        keys.insert(kid.to_owned(), SecretSlice::from(key));
    }
    let current = current
        .map(str::to_owned)
        .or(first)
        .ok_or_else(|| format!("auth.token_keys_file: {} holds no key", path.display()))?;
    Keyring::new(issuer, audience, &current, keys).map_err(|e| e.to_string())
}

/// Creates a key file with one random key (the embedded default). Fails if it exists.
pub fn create_key_file(path: &Path, header: &str) -> Result<(), String> {
    let key = schakel_auth::secret_token::generate_key();
    let text = format!(
        "# {header}: '<key-id> <hex>' per line; the first is current.\nk1 {}\n",
        hex::encode(key)
    );
    create_private_file(path, &text)
}

/// Creates `path` (and its folder) holding `text`, readable by the owner only. Fails if
/// it exists: a key file is never overwritten.
pub fn create_private_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_file_loads_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/token-keys");
        create_key_file(&path, "Test keys").unwrap();
        assert!(
            create_key_file(&path, "Test keys").is_err(),
            "never overwritten"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by the owner only");
        }
        let ring = load_keyring(&path, None, "i", "a").unwrap();
        let token = ring.issue("u", "s", chrono::Utc::now(), 60).unwrap();
        assert!(ring.verify(&token, chrono::Utc::now()).is_ok());
    }

    #[test]
    fn short_or_malformed_keys_are_refused_with_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        // Owner-only, as every key file must be, so only the content is judged.
        let write_private = |path: &std::path::Path, text: &str| {
            std::fs::write(path, text).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
        };
        write_private(&path, "# c\nk1 00ff\n");
        assert!(
            load_keyring(&path, None, "i", "a")
                .unwrap_err()
                .contains("at least 32")
        );
        write_private(&path, "k1\n");
        assert!(
            load_keyring(&path, None, "i", "a")
                .unwrap_err()
                .contains("line 1")
        );
        std::fs::write(
            &path,
            format!("k1 {}\nk2 {}\n", "ab".repeat(32), "cd".repeat(32)),
        )
        .unwrap();
        assert!(
            load_keyring(&path, Some("k3"), "i", "a").is_err(),
            "unknown current key"
        );
        assert!(load_keyring(&path, Some("k2"), "i", "a").is_ok());
    }
}
