//! Consent and legal-basis rows.

use super::{code, codes_from_json, codes_to_json, opt_code};
use crate::schema::consents;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{
    CaseId, ConsentGiver, ConsentId, ConsentKind, ConsentScope, LegalBasis, RecipientKind,
    ReferralPurpose, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consents)]
struct ConsentRow {
    id: String,
    case_id: String,
    kind: String,
    recipient_kinds: String,
    purposes: String,
    given_by: Option<String>,
    legal_basis: Option<String>,
    reason: Option<String>,
    given_on: NaiveDate,
    expires_at: Option<NaiveDateTime>,
    withdrawn_at: Option<NaiveDateTime>,
    withdrawn_by: Option<String>,
    recorded_by: String,
    created_at: NaiveDateTime,
}

/// A consent or legal-basis record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: ConsentId,
    pub case_id: CaseId,
    pub scope: ConsentScope,
    pub given_by: Option<ConsentGiver>,
    pub legal_basis: Option<LegalBasis>,
    /// The ciphertext of the written reason.
    pub reason: Option<String>,
    pub given_on: NaiveDate,
    pub withdrawn_by: Option<UserId>,
    pub recorded_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<ConsentRow> for Consent {
    type Error = StoreError;
    fn try_from(r: ConsentRow) -> Result<Self, StoreError> {
        Ok(Consent {
            id: code(&r.id, "consent id")?,
            case_id: code(&r.case_id, "consent case")?,
            scope: ConsentScope {
                kind: code(&r.kind, "consent kind")?,
                recipient_kinds: codes_from_json(&r.recipient_kinds, "consent recipients")?,
                purposes: codes_from_json(&r.purposes, "consent purposes")?,
                expires_at: r.expires_at.map(from_db_time),
                withdrawn_at: r.withdrawn_at.map(from_db_time),
            },
            given_by: opt_code(r.given_by.as_deref(), "consent giver")?,
            legal_basis: opt_code(r.legal_basis.as_deref(), "consent legal basis")?,
            reason: r.reason,
            given_on: r.given_on,
            withdrawn_by: opt_code(r.withdrawn_by.as_deref(), "consent withdrawer")?,
            recorded_by: code(&r.recorded_by, "consent recorder")?,
            created_at: from_db_time(r.created_at),
        })
    }
}

/// A new consent or legal basis; the id is chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewConsent<'a> {
    pub id: ConsentId,
    pub case_id: CaseId,
    pub kind: ConsentKind,
    pub recipient_kinds: &'a [RecipientKind],
    pub purposes: &'a [ReferralPurpose],
    pub given_by: Option<ConsentGiver>,
    pub legal_basis: Option<LegalBasis>,
    pub reason: Option<&'a str>,
    pub given_on: NaiveDate,
    pub expires_at: Option<DateTime<Utc>>,
    pub recorded_by: UserId,
}

/// Inserts a consent or legal-basis record.
pub fn insert(
    conn: &mut DbConn,
    new: &NewConsent<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(consents::table)
        .values((
            consents::id.eq(new.id.to_string()),
            consents::case_id.eq(new.case_id.to_string()),
            consents::kind.eq(new.kind.as_str()),
            consents::recipient_kinds.eq(codes_to_json(new.recipient_kinds)),
            consents::purposes.eq(codes_to_json(new.purposes)),
            consents::given_by.eq(new.given_by.map(|g| g.as_str())),
            consents::legal_basis.eq(new.legal_basis.map(|b| b.as_str())),
            consents::reason.eq(new.reason),
            consents::given_on.eq(new.given_on),
            consents::expires_at.eq(new.expires_at.map(to_db_time)),
            consents::recorded_by.eq(new.recorded_by.to_string()),
            consents::created_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// One record by id.
pub fn find(conn: &mut DbConn, id: ConsentId) -> Result<Consent, StoreError> {
    consents::table
        .find(id.to_string())
        .select(ConsentRow::as_select())
        .first(conn)?
        .try_into()
}

/// Every record of a case, oldest first.
pub fn of_case(conn: &mut DbConn, case: CaseId) -> Result<Vec<Consent>, StoreError> {
    consents::table
        .filter(consents::case_id.eq(case.to_string()))
        .select(ConsentRow::as_select())
        .order((consents::created_at.asc(), consents::id.asc()))
        .load(conn)?
        .into_iter()
        .map(Consent::try_from)
        .collect()
}

/// Every record of each case of `cases`, ordered as [`of_case`] orders one case's, in
/// one query per five hundred cases.
pub fn of_cases(conn: &mut DbConn, cases: &[CaseId]) -> Result<Vec<Consent>, StoreError> {
    let mut out = Vec::new();
    for part in cases.chunks(500) {
        let keys: Vec<String> = part.iter().map(ToString::to_string).collect();
        let rows = consents::table
            .filter(consents::case_id.eq_any(keys))
            .select(ConsentRow::as_select())
            .order((
                consents::case_id.asc(),
                consents::created_at.asc(),
                consents::id.asc(),
            ))
            .load(conn)?;
        for row in rows {
            out.push(Consent::try_from(row)?);
        }
    }
    Ok(out)
}

/// Marks a record withdrawn; `false` if it was already.
pub fn withdraw(
    conn: &mut DbConn,
    id: ConsentId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        consents::table
            .find(id.to_string())
            .filter(consents::withdrawn_at.is_null()),
    )
    .set((
        consents::withdrawn_at.eq(Some(to_db_time(now))),
        consents::withdrawn_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Erases the written reasons of a case's records (retention).
pub fn erase_of_case(conn: &mut DbConn, case: CaseId) -> Result<usize, StoreError> {
    Ok(
        diesel::update(consents::table.filter(consents::case_id.eq(case.to_string())))
            .set(consents::reason.eq(None::<String>))
            .execute(conn)?,
    )
}
