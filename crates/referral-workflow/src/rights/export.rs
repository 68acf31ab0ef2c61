//! The access request's export: everything the owning agency stores about the person
//! of a case, decrypted, in one read, audited as an export naming the person. Only the
//! agency's own notes and documents are part of it, never those of receiving agencies;
//! staff appear by agency and role, never by name; the access log holds the entries
//! about the person that this agency made or that concern its records of them.

use super::owned_for_rights;
use crate::present::consent_view;
use crate::rows::Rows;
use crate::signals::person_view;
use crate::support::{Env, event, open_opt, record, run};
use crate::views::{
    AccessRecord, AgencyRef, CaseRecord, CorrectionRecord, DocumentRecord, NoteRecord,
    PersonRecord, ReferralRecord, RestrictionView, SignalRecord, TimelineRecord,
};
use crate::{Refusal, UseCaseError};
use schakel_audit::{ActionKind, AuditFilter};
use schakel_domain::audit::Outcome;
use schakel_domain::{Actor, AgencyId, CaseId};
use schakel_store::DbConn;
use schakel_store::casework::case_rights;
use schakel_store::casework::cases::Case;
use schakel_store::casework::{
    consents, corrections, documents, notes, persons, referrals, signals, timeline,
};
use std::collections::BTreeSet;

/// The most audit entries about one person an export reads.
const MAX_ACCESSES: usize = 100_000;

/// Everything the agency stores about the person of case `id` (the owning agency's
/// coordinators; audited `person.access_export`).
pub fn export_person_record(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
) -> Result<PersonRecord, UseCaseError> {
    const CODE: &str = "person.access_export";
    run(conn, env, who, |conn| {
        let case = owned_for_rights(conn, env, who, id, CODE, ActionKind::Export)?;
        let person = persons::find(conn, case.person_id)?;
        let mut rows = Rows::default();
        let mut ids = BTreeSet::from([person.id.to_string()]);
        let mut out = Vec::new();
        for c in case_rights::of_person(conn, person.id)? {
            out.push(case_record(conn, env, &mut rows, &mut ids, &c)?);
        }
        let mut signal_records = Vec::new();
        for s in signals::of_person(conn, person.id)? {
            ids.insert(s.id.to_string());
            signal_records.push(SignalRecord {
                observed_on: s.observed_on,
                region: s.region,
                exploitation_forms: s.exploitation_forms,
                indicators: s.indicators,
                reporting_basis: s.reporting_basis,
                summary: open_opt(env.cfg, "signals", "summary", &s.id, s.summary.as_deref())?,
                logged_at: s.created_at,
            });
        }
        let subject = crate::subjects::reference(person.id, person.pseudonym.clone());
        let accesses = accesses(conn, &mut rows, case.agency_id, &subject, &ids)?;
        let agency = agency_ref(rows.agency(conn, case.agency_id)?);
        let e = event(
            Some(who),
            CODE,
            ActionKind::Export,
            ("case", id.to_string()),
        )?
        .with_purpose("person_rights")
        .with_subject_pseudonym(subject)
        .with_details(serde_json::json!({
            "cases": out.len(),
            "signals": signal_records.len(),
            "accesses": accesses.len(),
        }));
        record(conn, env, e)?;
        Ok(PersonRecord {
            produced_at: env.now,
            agency,
            person: person_view(env.cfg, &person, true, env.now)?,
            cases: out,
            signals: signal_records,
            accesses,
        })
    })
}

fn agency_ref(a: &schakel_store::agencies::Agency) -> AgencyRef {
    AgencyRef {
        id: a.id,
        name: a.name.clone(),
        kind: a.kind,
        region: a.region,
    }
}

/// One case whole; the ids of its records join `ids`.
fn case_record(
    conn: &mut DbConn,
    env: &Env<'_>,
    rows: &mut Rows,
    ids: &mut BTreeSet<String>,
    c: &Case,
) -> Result<CaseRecord, UseCaseError> {
    ids.insert(c.id.to_string());
    let mut consent_views = Vec::new();
    for k in consents::of_case(conn, c.id)? {
        ids.insert(k.id.to_string());
        consent_views.push(consent_view(env.cfg, &k, env.now)?);
    }
    let mut referral_records = Vec::new();
    for r in referrals::of_case(conn, c.id)? {
        ids.insert(r.id.to_string());
        referral_records.push(ReferralRecord {
            to_agency: agency_ref(rows.agency(conn, r.to_agency_id)?),
            purpose: r.purpose,
            urgency: r.urgency,
            state: r.state,
            message: open_opt(env.cfg, "referrals", "message", &r.id, r.message.as_deref())?,
            sent_at: r.created_at,
            decided_at: r.decided_at,
            decline_reason: r.decline_reason,
            outcome: r.outcome,
            ended_at: r.ended_at,
        });
    }
    let mut timeline_records = Vec::new();
    for e in timeline::of_case(conn, c.id)? {
        timeline_records.push(TimelineRecord {
            occurred_at: e.occurred_at,
            kind: e.kind,
            agency: rows.agency(conn, e.agency_id)?.name.clone(),
        });
    }
    Ok(CaseRecord {
        reference: c.reference.clone(),
        status: c.status,
        region: c.region,
        exploitation_forms: c.exploitation_forms.clone(),
        notes: open_opt(env.cfg, "cases", "notes", &c.id, c.notes.as_deref())?,
        legal_basis_used: c.legal_basis_used,
        opened_at: c.created_at,
        closed_at: c.closed_at,
        close_reason: c.close_reason,
        close_note: open_opt(
            env.cfg,
            "cases",
            "close_note",
            &c.id,
            c.close_note.as_deref(),
        )?,
        restriction: c.restriction.as_ref().map(RestrictionView::from),
        consents: consent_views,
        referrals: referral_records,
        notes_written: own_notes(conn, env, ids, c)?,
        documents: own_documents(conn, env, ids, c)?,
        corrections: corrections_of(conn, env, ids, c.id)?,
        timeline: timeline_records,
    })
}

/// The notes the case's own agency wrote on it (never a receiving agency's).
fn own_notes(
    conn: &mut DbConn,
    env: &Env<'_>,
    ids: &mut BTreeSet<String>,
    c: &Case,
) -> Result<Vec<NoteRecord>, UseCaseError> {
    let mut out = Vec::new();
    for n in notes::of_case(conn, c.id)?
        .into_iter()
        .filter(|n| n.agency_id == c.agency_id)
    {
        ids.insert(n.id.to_string());
        out.push(NoteRecord {
            kind: n.kind,
            occurred_on: n.occurred_on,
            visibility: n.visibility,
            text: open_opt(env.cfg, "case_notes", "body", &n.id, n.body.as_deref())?,
            written_at: n.created_at,
        });
    }
    Ok(out)
}

/// The documents the case's own agency keeps on it (never a receiving agency's).
fn own_documents(
    conn: &mut DbConn,
    env: &Env<'_>,
    ids: &mut BTreeSet<String>,
    c: &Case,
) -> Result<Vec<DocumentRecord>, UseCaseError> {
    let mut out = Vec::new();
    for d in documents::of_case(conn, c.id)?
        .into_iter()
        .filter(|d| d.agency_id == c.agency_id)
    {
        ids.insert(d.id.to_string());
        out.push(DocumentRecord {
            title: open_opt(
                env.cfg,
                "case_documents",
                "title",
                &d.id,
                d.title.as_deref(),
            )?,
            media_type: d.media_type,
            size_bytes: d.size_bytes,
            added_at: d.created_at,
            scan_state: d.scan_state,
            shared: d.shared,
            removed_at: d.removed_at,
        });
    }
    Ok(out)
}

/// The case's corrections with the values they replaced.
fn corrections_of(
    conn: &mut DbConn,
    env: &Env<'_>,
    ids: &mut BTreeSet<String>,
    case: CaseId,
) -> Result<Vec<CorrectionRecord>, UseCaseError> {
    let mut out = Vec::new();
    for k in corrections::of_case(conn, case)? {
        ids.insert(k.id.to_string());
        let earlier = open_opt(
            env.cfg,
            "case_corrections",
            "earlier",
            &k.id,
            k.earlier.as_deref(),
        )?
        .map(|text| serde_json::from_str::<serde_json::Value>(&text))
        .transpose()
        .map_err(|_| UseCaseError::Crypto("correction document".into()))?;
        out.push(CorrectionRecord {
            corrected_at: k.created_at,
            fields: k.fields,
            earlier,
        });
    }
    Ok(out)
}

/// The successful audit entries about the person made by `agency`'s users, or by
/// anyone about one of the agency's records of them (`ids`), oldest first.
fn accesses(
    conn: &mut DbConn,
    rows: &mut Rows,
    agency: AgencyId,
    subject: &str,
    ids: &BTreeSet<String>,
) -> Result<Vec<AccessRecord>, UseCaseError> {
    let filter = AuditFilter {
        subject: Some(subject.to_owned()),
        outcome: Some(Outcome::Success),
        ..AuditFilter::default()
    };
    let entries = schakel_audit::export_rows(conn, &filter, MAX_ACCESSES)?
        .ok_or(UseCaseError::Refused(Refusal::ExportTooLarge))?;
    let own = agency.to_string();
    let mut out = Vec::new();
    for e in entries {
        let by_agency = e.actor_agency_id.as_deref() == Some(own.as_str());
        let on_record = e.object_id.as_ref().is_some_and(|o| ids.contains(o));
        if !by_agency && !on_record {
            continue;
        }
        let agency_name = match e.actor_agency_id.as_deref().map(str::parse::<AgencyId>) {
            Some(Ok(a)) => Some(rows.agency(conn, a)?.name.clone()),
            _ => None,
        };
        out.push(AccessRecord {
            at: schakel_store::from_db_time(e.occurred_at),
            agency: agency_name,
            role: e.actor_role.as_deref().and_then(|r| r.parse().ok()),
            action: e.action,
            purpose: e.purpose,
        });
    }
    Ok(out)
}
