//! An export of the trail, for an auditor to keep, search elsewhere or verify with a
//! tool of their own: JSON lines with every stored column as stored (the chain fields
//! `seq`, `prev_hash`, `hash` and `mac` included, the time in the canonical form), from
//! which each entry's canonical bytes and hash can be recomputed (see the README), or
//! CSV with the same columns and the names of the actor and their agency beside them.
//! An entry not yet sealed has `seq`, `prev_hash` and `hash` absent (`null`, or empty in
//! CSV), and comes after the sealed ones.

use crate::canonical::format_time;
use schakel_store::audit_log::AuditEntryRow;

/// The columns of an export, in order.
pub const COLUMNS: [&str; 21] = [
    "seq",
    "id",
    "occurred_at",
    "actor_user_id",
    "actor_agency_id",
    "actor_role",
    "on_behalf_of",
    "action",
    "action_kind",
    "object_type",
    "object_id",
    "purpose",
    "subject_pseudonym",
    "outcome",
    "source_ip",
    "request_id",
    "details",
    "prev_hash",
    "hash",
    "mac",
    "format",
];

/// The values of a row's columns, in the order of [`COLUMNS`].
fn values(row: &AuditEntryRow) -> [Option<String>; 21] {
    [
        row.seq.map(|s| s.to_string()),
        Some(row.id.clone()),
        Some(format_time(row.occurred_at)),
        row.actor_user_id.clone(),
        row.actor_agency_id.clone(),
        row.actor_role.clone(),
        row.on_behalf_of.clone(),
        Some(row.action.clone()),
        Some(row.action_kind.clone()),
        row.object_type.clone(),
        row.object_id.clone(),
        row.purpose.clone(),
        row.subject_pseudonym.clone(),
        Some(row.outcome.clone()),
        row.source_ip.clone(),
        row.request_id.clone(),
        Some(row.details.clone()),
        row.prev_hash.clone(),
        row.hash.clone(),
        row.mac.clone(),
        Some(crate::ENTRY_FORMAT.to_owned()),
    ]
}

/// One entry as a line of JSON (with its newline): every column, absent ones as `null`,
/// `seq` a number, `details` the stored text (not re-encoded, so that it hashes as
/// stored).
pub fn jsonl_line(row: &AuditEntryRow) -> String {
    let mut map = serde_json::Map::new();
    for (name, value) in COLUMNS.iter().zip(values(row)) {
        let v = match (*name, value) {
            ("seq", Some(_)) => serde_json::Value::from(row.seq),
            (_, Some(text)) => serde_json::Value::String(text),
            (_, None) => serde_json::Value::Null,
        };
        map.insert((*name).to_owned(), v);
    }
    let mut line = serde_json::Value::Object(map).to_string();
    line.push('\n');
    line
}

/// The entries as CSV (RFC 4180, a header row first), with the actor's and the
/// agency's names after the columns of [`COLUMNS`]; `names` gives them for a row.
pub fn csv(
    rows: &[AuditEntryRow],
    names: impl Fn(&AuditEntryRow) -> (String, String),
) -> Result<Vec<u8>, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let header = COLUMNS.iter().copied().chain(["actor_name", "agency_name"]);
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        let (actor, agency) = names(row);
        let record = values(row)
            .into_iter()
            .map(Option::unwrap_or_default)
            .chain([actor, agency]);
        w.write_record(record).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}
