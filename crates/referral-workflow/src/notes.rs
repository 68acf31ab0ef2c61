//! Notes on a case: a contact, a call, a meeting, a visit or an observation, written by
//! a worker of the owning agency or of an agency that shares the case through a
//! referral that is accepted or in progress.
//!
//! Who reads a note: the author's agency always; every agency that may read the case
//! at that moment when the author shared it. The text is encrypted like identity and
//! never enters an email, the monitor or an audit entry. Its author may change it for
//! [`NOTE_EDIT_MINUTES`] minutes; after that it is fixed and a correction is a new note.
//! Writing, changing and reading notes are audited with the person they concern.

use crate::access::{CaseAccess, case_access};
use crate::cases::{record_read, visible_case};
use crate::signals::MAX_TEXT_CHARS;
use crate::support::{
    Env, check_version, denied, event, free_text, open_opt, record, run, seal, timeline,
};
use crate::views::{AgencyRef, NoteView};
use crate::{Conflict, IfMatch, UseCaseError};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use schakel_audit::ActionKind;
use schakel_domain::{Action, Actor, CaseId, CaseStatus, NoteId, NoteKind, NoteVisibility};
use schakel_store::DbConn;
use schakel_store::casework::cases::{self, Case};
use schakel_store::casework::notes::{self, NewNote, Note, NoteChanges};
use schakel_store::{agencies, users};
use serde::Deserialize;

/// How long after writing it a note's author may still change it.
pub const NOTE_EDIT_MINUTES: i64 = 30;

/// A note to write, or a note's new content.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    /// What it records.
    pub kind: NoteKind,
    /// The day it happened (not in the future).
    pub occurred_on: NaiveDate,
    /// Who may read it.
    pub visibility: NoteVisibility,
    /// The text.
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub text: String,
}

/// The checked text of a note.
fn checked_text(env: &Env<'_>, input: &NoteInput) -> Result<String, UseCaseError> {
    if input.occurred_on > env.now.date_naive() {
        return Err(UseCaseError::Invalid("occurred_on"));
    }
    free_text(Some(&input.text), MAX_TEXT_CHARS, "text")?.ok_or(UseCaseError::Invalid("text"))
}

/// Writes a note on a case the actor's agency owns or shares through a referral.
pub fn add_note(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
    input: &NoteInput,
) -> Result<NoteView, UseCaseError> {
    const CODE: &str = "note.create";
    run(conn, env, who, |conn| {
        let (case, access) = visible_case(
            conn,
            env,
            who,
            case_id,
            Action::WriteNote,
            CODE,
            ActionKind::Create,
        )?;
        let text = checked_text(env, input)?;
        if case.status == CaseStatus::Closed {
            return Err(UseCaseError::Conflict(Conflict::CaseClosed));
        }
        let id = NoteId::new_random();
        let body = seal(env.cfg, "case_notes", "body", &id, &text)?;
        let note = notes::insert(
            conn,
            &NewNote {
                id,
                case_id,
                agency_id: who.agency_id,
                author_id: who.user_id,
                kind: input.kind,
                occurred_on: input.occurred_on,
                visibility: input.visibility,
                body: &body,
            },
            env.now,
        )?;
        let details = serde_json::json!({
            "note_id": id,
            "kind": input.kind,
            "visibility": input.visibility,
        });
        timeline(
            conn,
            env,
            case_id,
            who.agency_id,
            Some(who),
            &[("note_added", None, details.clone())],
        )?;
        let written = Written {
            note: &note,
            case: &case,
            access: &access,
        };
        audit(
            conn,
            env,
            who,
            (CODE, ActionKind::Create),
            &written,
            details,
        )?;
        view(conn, env, who, &note)
    })
}

/// The notes of a case the actor may read, oldest first.
pub fn list_notes(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    case_id: CaseId,
) -> Result<Vec<NoteView>, UseCaseError> {
    const CODE: &str = "note.list";
    run(conn, env, who, |conn| {
        let (case, access) = visible_case(
            conn,
            env,
            who,
            case_id,
            Action::ReadCase,
            CODE,
            ActionKind::Read,
        )?;
        // An emergency reader sees the case, not what the agencies wrote about it.
        let emergency = matches!(access, CaseAccess::Emergency(_));
        let list = notes::of_case(conn, case_id)?
            .into_iter()
            .filter(|n| readable(who, n) && (n.agency_id == who.agency_id || !emergency))
            .map(|n| view(conn, env, who, &n))
            .collect::<Result<Vec<_>, _>>()?;
        record_read(conn, env, who, CODE, &case, &access)?;
        Ok(list)
    })
}

/// Changes a note its author wrote less than [`NOTE_EDIT_MINUTES`] ago, made from the
/// version named.
pub fn edit_note(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: NoteId,
    if_match: IfMatch,
    input: &NoteInput,
) -> Result<NoteView, UseCaseError> {
    const CODE: &str = "note.update";
    let hidden = || denied(CODE, ActionKind::Update, Some(("note", id.to_string())));
    run(conn, env, who, |conn| {
        let note = notes::find(conn, id).map_err(|e| match e {
            schakel_store::StoreError::NotFound => hidden(),
            other => other.into(),
        })?;
        let case = cases::find(conn, note.case_id)?;
        let access = case_access(conn, who, &case, Action::ReadCase, env.now)?;
        let Some(access) = access.filter(|_| readable(who, &note)) else {
            return Err(hidden());
        };
        if note.author_id != who.user_id || !who.may(Action::WriteNote, access.relationship()) {
            return Err(crate::support::refused(
                CODE,
                ActionKind::Update,
                ("note", id.to_string()),
            ));
        }
        crate::access::unfrozen(&case)?;
        let version = check_version(if_match, note.version)?;
        if env.now >= fixed_at(&note) {
            return Err(UseCaseError::Conflict(Conflict::NoteFixed));
        }
        let text = checked_text(env, input)?;
        let body = seal(env.cfg, "case_notes", "body", &id, &text)?;
        let changes = NoteChanges {
            kind: input.kind,
            occurred_on: input.occurred_on,
            visibility: input.visibility,
            body: &body,
        };
        if !notes::update(conn, id, version, &changes, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        let details = serde_json::json!({
            "note_id": id,
            "changed": changed_fields(&note, input, env, &text)?,
        });
        let written = Written {
            note: &note,
            case: &case,
            access: &access,
        };
        audit(
            conn,
            env,
            who,
            (CODE, ActionKind::Update),
            &written,
            details,
        )?;
        let note = notes::find(conn, id)?;
        view(conn, env, who, &note)
    })
}

/// Whether `who`'s agency may read `note` on a case it may read.
fn readable(who: &Actor, note: &Note) -> bool {
    note.agency_id == who.agency_id || note.visibility == NoteVisibility::Shared
}

/// When a note becomes fixed.
fn fixed_at(note: &Note) -> DateTime<Utc> {
    note.created_at + Duration::minutes(NOTE_EDIT_MINUTES)
}

/// The names of the fields a change alters (never their values).
fn changed_fields(
    note: &Note,
    input: &NoteInput,
    env: &Env<'_>,
    text: &str,
) -> Result<Vec<&'static str>, UseCaseError> {
    let before = open_opt(
        env.cfg,
        "case_notes",
        "body",
        &note.id,
        note.body.as_deref(),
    )?;
    let mut out = Vec::new();
    if note.kind != input.kind {
        out.push("kind");
    }
    if note.occurred_on != input.occurred_on {
        out.push("occurred_on");
    }
    if note.visibility != input.visibility {
        out.push("visibility");
    }
    if before.as_deref() != Some(text) {
        out.push("text");
    }
    Ok(out)
}

/// A note written or changed, on its case, through the actor's access.
struct Written<'a> {
    note: &'a Note,
    case: &'a Case,
    access: &'a CaseAccess,
}

/// Records the audit entry of a note written or changed, naming the person.
fn audit(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    op: (&'static str, ActionKind),
    w: &Written<'_>,
    details: serde_json::Value,
) -> Result<(), UseCaseError> {
    let mut e =
        event(Some(who), op.0, op.1, ("note", w.note.id.to_string()))?.with_details(details);
    if let Some(purpose) = w.access.purpose() {
        e = e.with_purpose(purpose);
    }
    let e = crate::subjects::with_persons(conn, e, &[w.case.person_id])?;
    record(conn, env, e)
}

/// A note as `who` sees it.
fn view(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    note: &Note,
) -> Result<NoteView, UseCaseError> {
    let agency = agencies::find(conn, note.agency_id)?;
    let author = users::find(conn, note.author_id)?;
    let editable = note.author_id == who.user_id && env.now < fixed_at(note) && note.body.is_some();
    Ok(NoteView {
        id: note.id,
        case_id: note.case_id,
        kind: note.kind,
        occurred_on: note.occurred_on,
        visibility: note.visibility,
        text: open_opt(
            env.cfg,
            "case_notes",
            "body",
            &note.id,
            note.body.as_deref(),
        )?,
        agency: AgencyRef {
            id: agency.id,
            name: agency.name,
            kind: agency.kind,
            region: agency.region,
        },
        author_id: note.author_id,
        author_name: author.display_name,
        editable_until: editable.then(|| fixed_at(note)),
        version: note.version,
        created_at: note.created_at,
        updated_at: note.updated_at,
    })
}
