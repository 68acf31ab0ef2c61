//! The targets of parsers that need no running application: a bearer token, the
//! capture-history CSV, the configuration file, an uploaded document, a FHIR bundle.

use secrecy::SecretSlice;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A bearer token as every request presents it: verified against the server's keys
/// or refused.
pub fn access_token(data: &[u8]) {
    static KEYRING: OnceLock<schakel_auth::jwt::Keyring> = OnceLock::new();
    let keyring = KEYRING.get_or_init(|| {
        let key: SecretSlice<u8> = vec![7u8; 32].into();
        let keys = BTreeMap::from([("k1".to_owned(), key)]);
        schakel_auth::jwt::Keyring::new("schakel", "schakel-api", "k1", keys)
            .expect("a keyring of one key")
    });
    if let Ok(token) = std::str::from_utf8(data) {
        let _ = keyring.verify(token, chrono::Utc::now());
    }
}

/// A capture-history table (CSV) for multiple systems estimation, as `schakel monitor
/// estimate --input` reads it: read, or refused with the line at fault.
pub fn capture_histories(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = schakel_monitor::mse::Histories::from_csv(text);
    }
}

/// The configuration file as `schakel` reads it at start: settings, or refused with
/// the setting at fault.
pub fn config_file(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let path = std::path::Path::new("schakel.toml");
        let _ = schakel_server::settings::Settings::from_file_text(text, path);
    }
}

/// An uploaded document as the upload reads it before storing: its kind from its
/// content and, for an image, its metadata stripped. What is kept must again read as a
/// file of its kind.
pub fn document(data: &[u8]) {
    use schakel_referral_workflow::documents::check_file;
    if let Ok(kept) = check_file(data.to_vec(), 1 << 20) {
        let again = check_file(kept.bytes, 1 << 20);
        assert!(
            again.is_ok_and(|k| k.media_type == kept.media_type),
            "a kept {:?} no longer reads as its kind",
            kept.media_type
        );
    }
}

/// A FHIR transaction bundle from another system, as the facade reads it before any
/// use case runs: an intake, or refused with the element at fault.
pub fn fhir_bundle(data: &[u8]) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    if let Ok(bundle) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = schakel_fhir::inbound::read(&bundle, today);
    }
}
