//! Key rotation: every stored value, and every document's content, re-encrypted under
//! the current data key — and the law-enforcement compartment's values under its own
//! current key — in batches, while the platform keeps serving.

use super::BATCH;
use crate::support::{Env, event, record};
use crate::{UseCaseError, WorkflowConfig};
use schakel_audit::ActionKind;
use schakel_crypto::MasterKeys;
use schakel_crypto::field_aad;
use schakel_store::sealed::{self, LAW_ENFORCEMENT_SEALED_COLUMNS, SEALED_COLUMNS, SealedColumn};
use schakel_store::{DbConn, write_tx};

/// Re-encrypts the contents of documents not under the current key, one per
/// transaction (a content is up to the document size limit).
fn rotate_documents(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    report: &mut RotationReport,
) -> Result<(), UseCaseError> {
    use schakel_store::casework::documents;
    let mut after = String::new();
    loop {
        let page = documents::with_content(conn, &after, BATCH)?;
        let Some(last) = page.last() else { break };
        after = last.to_string();
        for id in page {
            write_tx(conn, |conn| {
                let Some(old) = documents::content(conn, id)? else {
                    return Ok::<_, UseCaseError>(());
                };
                if !cfg.keys.file_needs_reencryption(&old) {
                    report.current += 1;
                    return Ok(());
                }
                let aad = field_aad("case_documents", "content", &id.to_string());
                let plain = cfg.keys.decrypt_bytes(&old, &aad)?;
                let new = cfg.keys.encrypt_bytes(&plain, &aad)?;
                if documents::replace_content(conn, id, &old, &new)? {
                    report.reencrypted += 1;
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// What a key rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// Values re-encrypted under the current key.
    pub reencrypted: usize,
    /// Values already under the current key.
    pub current: usize,
}

/// Re-encrypts every stored value that is not under the current key. Values are read
/// and replaced in batches; one changed meanwhile is left for the next run. The run is
/// audited (`system.key_rotation`: the current key id and the counts).
pub fn rotate_keys(conn: &mut DbConn, env: &Env<'_>) -> Result<RotationReport, UseCaseError> {
    let cfg = env.cfg;
    let mut report = RotationReport::default();
    rotate_columns(conn, &cfg.keys, SEALED_COLUMNS, &mut report)?;
    rotate_columns(
        conn,
        &cfg.law_enforcement.keys,
        LAW_ENFORCEMENT_SEALED_COLUMNS,
        &mut report,
    )?;
    rotate_documents(conn, cfg, &mut report)?;
    let key = cfg.keys.current_key_id().to_owned();
    let details = serde_json::json!({
        "key": key,
        "law_enforcement_key": cfg.law_enforcement.keys.current_key_id(),
        "reencrypted": report.reencrypted,
        "already_current": report.current,
    });
    write_tx(conn, |conn| {
        let e = event(
            None,
            "system.key_rotation",
            ActionKind::Update,
            ("data_keys", key.clone()),
        )?
        .with_details(details);
        record(conn, env, e)
    })?;
    Ok(report)
}

/// Re-encrypts the values of `columns` not under the current key of `keys`.
fn rotate_columns(
    conn: &mut DbConn,
    keys: &MasterKeys,
    columns: &[SealedColumn],
    report: &mut RotationReport,
) -> Result<(), UseCaseError> {
    for col in columns {
        let mut after = String::new();
        loop {
            let page = sealed::page(conn, col, &after, BATCH)?;
            let Some(last) = page.last() else { break };
            after = last.0.clone();
            write_tx(conn, |conn| {
                for (row_id, value) in &page {
                    if !keys.needs_reencryption(value) {
                        report.current += 1;
                        continue;
                    }
                    let aad = field_aad(col.table, col.column, row_id);
                    let new = keys.reencrypt(value, &aad)?;
                    if sealed::replace(conn, col, row_id, value, &new)? {
                        report.reencrypted += 1;
                    }
                }
                Ok::<_, UseCaseError>(())
            })?;
        }
    }
    Ok(())
}
