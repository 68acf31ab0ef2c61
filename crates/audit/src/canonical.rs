//! The canonical encoding of an entry and the hash that chains it.
//!
//! Owns the exact bytes that are hashed (documented in the README, so that a tool of
//! an auditor's own can re-verify an export of the trail) and nothing else: which entry
//! links to which is `verify`'s business.

use chrono::NaiveDateTime;
use schakel_store::audit_log::AuditEntryRow;
use schakel_store::audit_stream::EntryRef;
use sha2::{Digest, Sha256};

/// The first field of every encoding; a new encoding gets a new tag.
pub const ENTRY_FORMAT: &str = "schakel.audit.entry.v1";

/// The `prev_hash` of the first entry: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A time as it is hashed: UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, always six fractional
/// digits.
pub fn format_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Length-prefixed fields: an absent field is the byte `0x00`; a present one is `0x01`,
/// its UTF-8 length in bytes as an unsigned 64-bit big-endian integer, then the bytes.
pub fn encode_fields(fields: &[Option<&str>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fields.iter().map(|f| 9 + f.map_or(0, str::len)).sum());
    for field in fields {
        match field {
            None => out.push(0),
            Some(s) => {
                out.push(1);
                out.extend_from_slice(&(s.len() as u64).to_be_bytes());
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
    out
}

/// The canonical bytes of a stored entry: every column except `hash` and `mac` (which
/// covers the hash), in a fixed order, after the format tag.
/// (Only sealed entries are hashed: an unsealed row's absent `seq` and `prev_hash` are
/// encoded as `0` and the empty text, which no chain accepts.)
pub fn encode_entry(row: &AuditEntryRow) -> Vec<u8> {
    let seq = row.seq.unwrap_or(0).to_string();
    encode_with_chain(row, Some((&seq, row.prev_hash.as_deref().unwrap_or(""))))
}

/// The hash of an entry before it is sealed: SHA-256, as lower-case hex, of the
/// canonical bytes with `seq` and `prev_hash` absent (each the single byte `0x00`). What
/// an unsealed entry's MAC covers.
pub fn unsealed_hash(row: &AuditEntryRow) -> String {
    sha256_hex(&encode_with_chain(row, None))
}

/// The canonical fields of `row` with its chain position and previous hash (`seq` as
/// decimal text), or both absent.
fn encode_with_chain(row: &AuditEntryRow, chain: Option<(&str, &str)>) -> Vec<u8> {
    let occurred_at = format_time(row.occurred_at);
    encode_fields(&[
        Some(ENTRY_FORMAT),
        chain.map(|(seq, _)| seq),
        Some(&row.id),
        Some(&occurred_at),
        row.actor_user_id.as_deref(),
        row.actor_agency_id.as_deref(),
        row.actor_role.as_deref(),
        row.on_behalf_of.as_deref(),
        Some(&row.action),
        Some(&row.action_kind),
        row.object_type.as_deref(),
        row.object_id.as_deref(),
        row.purpose.as_deref(),
        row.subject_pseudonym.as_deref(),
        Some(&row.outcome),
        row.source_ip.as_deref(),
        row.request_id.as_deref(),
        Some(&row.details),
        chain.map(|(_, prev)| prev),
    ])
}

/// SHA-256 as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash an entry must carry: SHA-256 of its canonical bytes, as lower-case hex.
pub fn entry_hash(row: &AuditEntryRow) -> String {
    hex::encode(entry_digest(&EntryRef::from(row)))
}

/// SHA-256 of an entry's canonical bytes ([`encode_entry`]'s), fed to the hash field by
/// field as the entry is read, without building the encoding or copying a column.
pub fn entry_digest(e: &EntryRef<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut field = |f: Option<&[u8]>| match f {
        None => h.update([0u8]),
        Some(b) => {
            h.update([1u8]);
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        }
    };
    let mut seq = [0u8; 20];
    let mut time = [0u8; 27];
    let time_text;
    let at = match time_bytes(e.occurred_at, &mut time) {
        Some(t) => t,
        None => {
            time_text = format_time(e.occurred_at);
            time_text.as_bytes()
        }
    };
    fn text(s: Option<&str>) -> Option<&[u8]> {
        s.map(str::as_bytes)
    }
    field(Some(ENTRY_FORMAT.as_bytes()));
    field(Some(decimal(e.seq, &mut seq)));
    field(Some(e.id.as_bytes()));
    field(Some(at));
    field(text(e.actor_user_id));
    field(text(e.actor_agency_id));
    field(text(e.actor_role));
    field(text(e.on_behalf_of));
    field(Some(e.action.as_bytes()));
    field(Some(e.action_kind.as_bytes()));
    field(text(e.object_type));
    field(text(e.object_id));
    field(text(e.purpose));
    field(text(e.subject_pseudonym));
    field(Some(e.outcome.as_bytes()));
    field(text(e.source_ip));
    field(text(e.request_id));
    field(Some(e.details.as_bytes()));
    field(Some(e.prev_hash.as_bytes()));
    h.finalize().into()
}

/// Whether `hex` (as stored) is the lower-case hex of `digest`.
pub fn is_hex_of(hex: &str, digest: &[u8; 32]) -> bool {
    let mut out = [0u8; 64];
    hex::encode_to_slice(digest, &mut out).is_ok() && hex.as_bytes() == out
}

/// `n` in decimal, as `i64`'s `to_string` writes it.
fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut v = n.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

/// [`format_time`]'s text written by hand, for the years 0 to 9999 (others: `None`).
fn time_bytes(t: NaiveDateTime, buf: &mut [u8; 27]) -> Option<&[u8]> {
    use chrono::{Datelike, Timelike};
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    let micros = t.nanosecond() / 1000;
    if micros >= 1_000_000 {
        return None; // a leap second: chrono's own words
    }
    let mut put = |at: usize, value: u32, digits: usize| {
        let mut v = value;
        for i in (at..at + digits).rev() {
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, t.month(), 2);
    put(8, t.day(), 2);
    put(11, t.hour(), 2);
    put(14, t.minute(), 2);
    put(17, t.second(), 2);
    put(20, micros, 6);
    for (i, c) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
        (26, b'Z'),
    ] {
        buf[i] = c;
    }
    Some(&buf[..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// The entry whose hash is written down in the README (and in the end-to-end test).
    fn example_row() -> AuditEntryRow {
        let occurred_at = NaiveDate::from_ymd_opt(2026, 3, 1)
            .and_then(|d| d.and_hms_micro_opt(9, 30, 0, 123_456))
            .unwrap();
        AuditEntryRow {
            seq: Some(1),
            id: "0b0f6c1e-2a57-4c7e-9a51-6f3f1f7d2c01".into(),
            occurred_at,
            actor_user_id: Some("5d1c3c59-7d7e-4a53-8a1e-0c6f1b9e4a10".into()),
            actor_agency_id: Some("6f9619ff-8b86-d011-b42d-00c04fc964ff".into()),
            actor_role: Some("caseworker".into()),
            on_behalf_of: None,
            action: "case.read".into(),
            action_kind: "R".into(),
            object_type: Some("case".into()),
            object_id: Some("c4a7a0a2-43c2-4b8a-9f4e-1d2a9c1b7e55".into()),
            purpose: None,
            subject_pseudonym: None,
            outcome: "success".into(),
            source_ip: Some("192.0.2.10".into()),
            request_id: Some("req-1".into()),
            details: "{}".into(),
            prev_hash: Some(GENESIS_HASH.into()),
            hash: None,
            mac: None,
        }
    }

    #[test]
    fn the_genesis_hash_is_sixty_four_zeros() {
        assert_eq!(GENESIS_HASH.len(), 64);
        assert!(GENESIS_HASH.bytes().all(|b| b == b'0'));
    }

    #[test]
    fn fields_are_length_prefixed_and_absent_fields_are_one_zero_byte() {
        let bytes = encode_fields(&[Some("ab"), None, Some("")]);
        let mut expected = vec![1, 0, 0, 0, 0, 0, 0, 0, 2, b'a', b'b', 0, 1];
        expected.extend_from_slice(&[0; 8]);
        assert_eq!(bytes, expected);
    }

    #[test]
    fn moving_text_between_fields_changes_the_encoding() {
        let a = encode_fields(&[Some("ab"), Some("c")]);
        let b = encode_fields(&[Some("a"), Some("bc")]);
        let c = encode_fields(&[Some(""), None]);
        let d = encode_fields(&[None, Some("")]);
        assert_ne!(a, b);
        assert_ne!(c, d);
    }

    #[test]
    fn times_are_hashed_with_six_fractional_digits() {
        let t = NaiveDate::from_ymd_opt(2026, 1, 2)
            .and_then(|d| d.and_hms_opt(3, 4, 5))
            .unwrap();
        assert_eq!(format_time(t), "2026-01-02T03:04:05.000000Z");
    }

    #[test]
    fn the_documented_example_entry_has_the_documented_hash() {
        assert_eq!(entry_hash(&example_row()), EXAMPLE_HASH);
    }

    #[test]
    fn every_column_except_the_hash_is_covered() {
        let base = example_row();
        let edits: Vec<fn(&mut AuditEntryRow)> = vec![
            |r| r.seq = Some(2),
            |r| r.id.push('0'),
            |r| r.occurred_at += chrono::Duration::microseconds(1),
            |r| r.actor_user_id = None,
            |r| r.actor_agency_id = None,
            |r| r.actor_role = Some("admin".into()),
            |r| r.on_behalf_of = Some(String::new()),
            |r| r.action = "case.list".into(),
            |r| r.action_kind = "E".into(),
            |r| r.object_type = None,
            |r| r.object_id = Some("x".into()),
            |r| r.purpose = Some("p".into()),
            |r| r.subject_pseudonym = Some("s".into()),
            |r| r.outcome = "denied".into(),
            |r| r.source_ip = Some("192.0.2.11".into()),
            |r| r.request_id = None,
            |r| r.details = "{\"n\":1}".into(),
            |r| r.prev_hash = Some("1".repeat(64)),
        ];
        for (i, edit) in edits.iter().enumerate() {
            let mut row = base.clone();
            edit(&mut row);
            assert_ne!(entry_hash(&row), EXAMPLE_HASH, "edit {i}");
        }
        let mut row = base;
        row.hash = Some("ignored".into());
        row.mac = Some("ignored".into());
        assert_eq!(
            entry_hash(&row),
            EXAMPLE_HASH,
            "the hash column is not hashed"
        );
    }

    #[test]
    fn the_streamed_digest_is_the_hash_of_the_encoding() {
        let mut row = example_row();
        for (seq, micros) in [
            (1, 0),
            (-7, 999_999),
            (i64::MAX, 5),
            (i64::MIN, 10),
            (1_000_000, 123_456),
        ] {
            row.seq = Some(seq);
            row.occurred_at = NaiveDate::from_ymd_opt(2026, 12, 31)
                .and_then(|d| d.and_hms_micro_opt(23, 59, 58, micros))
                .unwrap();
            let digest = entry_digest(&EntryRef::from(&row));
            assert_eq!(
                hex::encode(digest),
                sha256_hex(&encode_entry(&row)),
                "{seq}"
            );
            assert!(is_hex_of(&sha256_hex(&encode_entry(&row)), &digest));
            assert!(!is_hex_of(
                &sha256_hex(&encode_entry(&row)).to_uppercase(),
                &digest
            ));
        }
        for year in [0, 7, 999, 2026, 9999, 10_000, -1] {
            let t = NaiveDate::from_ymd_opt(year, 2, 3)
                .and_then(|d| d.and_hms_micro_opt(4, 5, 6, 7))
                .unwrap();
            let mut buf = [0u8; 27];
            match time_bytes(t, &mut buf) {
                Some(b) => assert_eq!(b, format_time(t).as_bytes(), "{year}"),
                None => assert!(!(0..=9999).contains(&year), "{year}"),
            }
        }
    }

    const EXAMPLE_HASH: &str = "8665d77c6007a910d182afc1319daeb4901972cef645bcc9035c6bd38120a096";
}
