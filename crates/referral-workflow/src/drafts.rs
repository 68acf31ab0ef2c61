//! Drafts of the case-work forms: saved while the form is typed, so that nothing typed
//! is lost when a page is left or a session ends. A draft holds the form's fields as
//! typed, encrypted like identity; it is its author's alone (anyone else is answered as
//! for a draft that does not exist), and for a form that belongs to a case only while
//! the author may read the case. Creating, finishing (the form was submitted) and
//! discarding a draft are audited without its fields; saving it again as it is typed is
//! not. A draft is kept for `draft_lifetime` after it last changed, then deleted by the
//! retention job, and deleted with the case's free text by retention.
//!
//! Must not: put a draft's fields anywhere but its encrypted column (no audit detail,
//! email or monitor event).

use crate::cases::visible_case;
use crate::support::{Env, check_version, denied, event, open, record, run, seal};
use crate::{Conflict, IfMatch, UseCaseError};
use chrono::{DateTime, Utc};
use schakel_audit::ActionKind;
use schakel_domain::{Action, Actor, CaseId, DraftForm, DraftId, Relationship};
use schakel_store::DbConn;
use schakel_store::casework::drafts::{self, Draft, NewDraft};
use serde::{Deserialize, Serialize};

/// How many drafts one author keeps at most.
pub const MAX_DRAFTS: usize = 100;
/// How many fields a draft holds at most.
pub const MAX_FIELDS: usize = 300;
/// The longest field name.
pub const MAX_NAME_CHARS: usize = 64;
/// The longest field value.
pub const MAX_VALUE_CHARS: usize = 8000;
/// The most characters of all values together.
pub const MAX_TOTAL_CHARS: usize = 64_000;

/// One field of a form as typed: its name and one value (a field with several values,
/// such as a group of checkboxes, appears once per value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftField {
    /// The field's name, `[a-z0-9_]`, at most 64 characters.
    pub name: String,
    /// What was typed, at most 8000 characters.
    pub value: String,
}

/// A new draft.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDraftInput {
    /// Which form.
    pub form: DraftForm,
    /// The case the form belongs to (required for every form but `signal`, which takes
    /// none).
    #[serde(default)]
    pub case_id: Option<CaseId>,
    /// The fields as typed.
    pub fields: Vec<DraftField>,
}

/// A draft saved again.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftFieldsInput {
    /// The fields as typed now (they replace the saved ones).
    pub fields: Vec<DraftField>,
}

/// A draft as its author sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftView {
    /// Draft id.
    pub id: DraftId,
    /// Which form.
    pub form: DraftForm,
    /// The case the form belongs to.
    pub case_id: Option<CaseId>,
    /// The fields as typed.
    pub fields: Vec<DraftField>,
    /// Version, also sent as the `ETag`; give it back in `If-Match` to save it again.
    pub version: i64,
    /// When it was first saved.
    pub created_at: DateTime<Utc>,
    /// When it was last saved.
    pub updated_at: DateTime<Utc>,
    /// When it will be deleted unless saved again.
    pub expires_at: DateTime<Utc>,
}

/// A draft in its author's list: which form, for which case, when; not its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftSummary {
    /// Draft id.
    pub id: DraftId,
    /// Which form.
    pub form: DraftForm,
    /// The case the form belongs to.
    pub case_id: Option<CaseId>,
    /// That case's reference, when it is a case of the author's agency.
    pub case_reference: Option<String>,
    /// For a signal, the person's name as typed in it, so that the author can tell their
    /// drafts apart (the author's own typing; shown to nobody else).
    pub label: Option<String>,
    /// When it was last saved.
    pub updated_at: DateTime<Utc>,
    /// When it will be deleted unless saved again.
    pub expires_at: DateTime<Utc>,
}

/// The name typed in a signal draft's person fields, if any.
fn label_of(fields: &[DraftField]) -> Option<String> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.trim())
            .filter(|v| !v.is_empty())
    };
    let name: Vec<&str> = [value("given_names"), value("family_name")]
        .into_iter()
        .flatten()
        .collect();
    (!name.is_empty()).then(|| name.join(" ").chars().take(80).collect())
}

/// Checks the fields: names of `[a-z0-9_]`, values without control characters but line
/// breaks and tabs, and the limits.
fn check_fields(fields: &[DraftField]) -> Result<(), UseCaseError> {
    let bad = || UseCaseError::Invalid("fields");
    if fields.len() > MAX_FIELDS {
        return Err(bad());
    }
    let mut total = 0;
    for f in fields {
        let name_ok = !f.name.is_empty()
            && f.name.chars().count() <= MAX_NAME_CHARS
            && f.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        let chars = f.value.chars().count();
        let value_ok = chars <= MAX_VALUE_CHARS
            && f.value
                .chars()
                .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
        total += chars;
        if !name_ok || !value_ok || total > MAX_TOTAL_CHARS {
            return Err(bad());
        }
    }
    Ok(())
}

fn sealed_fields(
    env: &Env<'_>,
    id: DraftId,
    fields: &[DraftField],
) -> Result<String, UseCaseError> {
    let plain = serde_json::to_string(fields).map_err(|_| UseCaseError::Invalid("fields"))?;
    seal(env.cfg, "drafts", "content", &id, &plain)
}

fn view(env: &Env<'_>, d: &Draft) -> Result<DraftView, UseCaseError> {
    let plain = open(env.cfg, "drafts", "content", &d.id, &d.content)?;
    let fields: Vec<DraftField> = serde_json::from_str(&plain).map_err(|_| {
        UseCaseError::Store(schakel_store::StoreError::Corrupt("draft fields".into()))
    })?;
    Ok(DraftView {
        id: d.id,
        form: d.form,
        case_id: d.case_id,
        fields,
        version: d.version,
        created_at: d.created_at,
        updated_at: d.updated_at,
        expires_at: d.expires_at,
    })
}

/// The role keeps drafts at all (a collection: `403` otherwise).
fn permit(who: &Actor, code: &'static str, kind: ActionKind) -> Result<(), UseCaseError> {
    if who.may(Action::KeepDraft, Relationship::Platform) {
        Ok(())
    } else {
        Err(denied(code, kind, None))
    }
}

/// The actor's own draft `id`, live at `env.now`; anyone else's answers as missing.
fn own(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DraftId,
    code: &'static str,
    kind: ActionKind,
) -> Result<Draft, UseCaseError> {
    let hidden = || denied(code, kind, Some(("draft", id.to_string())));
    if !who.may(Action::KeepDraft, Relationship::Platform) {
        return Err(hidden());
    }
    let d = drafts::find(conn, id).map_err(|e| match e {
        schakel_store::StoreError::NotFound => hidden(),
        other => other.into(),
    })?;
    if d.user_id != who.user_id || d.expires_at <= env.now {
        return Err(hidden());
    }
    Ok(d)
}

/// Starts a draft of a form.
pub fn create_draft(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    input: &NewDraftInput,
) -> Result<DraftView, UseCaseError> {
    const CODE: &str = "draft.create";
    run(conn, env, who, |conn| {
        permit(who, CODE, ActionKind::Create)?;
        match (input.form.of_case(), input.case_id) {
            (true, Some(case)) => {
                visible_case(
                    conn,
                    env,
                    who,
                    case,
                    Action::ReadCase,
                    CODE,
                    ActionKind::Create,
                )?;
            }
            (false, None) => {}
            _ => return Err(UseCaseError::Invalid("case_id")),
        }
        check_fields(&input.fields)?;
        if drafts::of_user(conn, who.user_id, env.now)?.len() >= MAX_DRAFTS {
            return Err(UseCaseError::Conflict(Conflict::DraftLimit));
        }
        let id = DraftId::new_random();
        let content = sealed_fields(env, id, &input.fields)?;
        let new = NewDraft {
            id,
            user_id: who.user_id,
            form: input.form,
            case_id: input.case_id,
            content: &content,
            expires_at: env.now + env.cfg.draft_lifetime,
        };
        drafts::insert(conn, &new, env.now)?;
        let details = serde_json::json!({ "form": input.form, "case_id": input.case_id });
        let e = event(
            Some(who),
            CODE,
            ActionKind::Create,
            ("draft", id.to_string()),
        )?
        .with_details(details);
        record(conn, env, e)?;
        view(env, &drafts::find(conn, id)?)
    })
}

/// Saves a draft again as typed now, made from the version named; its expiry moves on.
/// Not audited: it happens every few seconds while a form is typed.
pub fn save_draft(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DraftId,
    if_match: IfMatch,
    input: &DraftFieldsInput,
) -> Result<DraftView, UseCaseError> {
    const CODE: &str = "draft.save";
    run(conn, env, who, |conn| {
        let d = own(conn, env, who, id, CODE, ActionKind::Update)?;
        let version = check_version(if_match, d.version)?;
        check_fields(&input.fields)?;
        let content = sealed_fields(env, id, &input.fields)?;
        let expires = env.now + env.cfg.draft_lifetime;
        if !drafts::update(conn, id, version, &content, expires, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        view(env, &drafts::find(conn, id)?)
    })
}

/// One of the actor's drafts, with its fields.
pub fn get_draft(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DraftId,
) -> Result<DraftView, UseCaseError> {
    run(conn, env, who, |conn| {
        let d = own(conn, env, who, id, "draft.read", ActionKind::Read)?;
        view(env, &d)
    })
}

/// The actor's drafts, the latest saved first (at most [`MAX_DRAFTS`]).
pub fn list_drafts(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
) -> Result<Vec<DraftSummary>, UseCaseError> {
    run(conn, env, who, |conn| {
        permit(who, "draft.list", ActionKind::Read)?;
        let mut out = Vec::new();
        for d in drafts::of_user(conn, who.user_id, env.now)? {
            let case_reference = match d.case_id {
                Some(id) => Some(schakel_store::casework::cases::find(conn, id)?)
                    .filter(|c| c.agency_id == who.agency_id)
                    .map(|c| c.reference),
                None => None,
            };
            let label = match d.form {
                DraftForm::Signal => label_of(&view(env, &d)?.fields),
                _ => None,
            };
            out.push(DraftSummary {
                id: d.id,
                form: d.form,
                case_id: d.case_id,
                case_reference,
                label,
                updated_at: d.updated_at,
                expires_at: d.expires_at,
            });
        }
        Ok(out)
    })
}

/// Deletes one of the actor's drafts: discarded by the author (`submitted` false), or
/// finished because the form it holds was submitted.
pub fn discard_draft(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: DraftId,
    submitted: bool,
) -> Result<(), UseCaseError> {
    let code = if submitted {
        "draft.submit"
    } else {
        "draft.discard"
    };
    run(conn, env, who, |conn| {
        let d = own(conn, env, who, id, code, ActionKind::Delete)?;
        drafts::delete(conn, id)?;
        let details = serde_json::json!({ "form": d.form, "case_id": d.case_id });
        let e = event(
            Some(who),
            code,
            ActionKind::Delete,
            ("draft", id.to_string()),
        )?
        .with_details(details);
        record(conn, env, e)
    })
}

/// Deletes the drafts expired at `now` (the retention job), with one audit entry when
/// there were any; returns how many.
pub fn expire(
    conn: &mut DbConn,
    cfg: &crate::WorkflowConfig,
    now: DateTime<Utc>,
) -> Result<usize, UseCaseError> {
    let ctx = schakel_auth::RequestContext::default();
    let env = Env {
        cfg,
        ctx: &ctx,
        now,
    };
    schakel_store::write_tx(conn, |conn| {
        let n = drafts::delete_expired(conn, now)?;
        if n > 0 {
            let e = event(
                None,
                "draft.expire",
                ActionKind::Delete,
                ("drafts", n.to_string()),
            )?
            .with_purpose("retention")
            .with_details(serde_json::json!({ "deleted": n }));
            record(conn, &env, e)?;
        }
        Ok::<_, UseCaseError>(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str) -> DraftField {
        DraftField {
            name: name.into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_signal_draft_is_labelled_by_the_name_typed() {
        let f = [
            field("family_name", " Jansen "),
            field("given_names", "Ana"),
            field("summary", "x"),
        ];
        assert_eq!(label_of(&f).as_deref(), Some("Ana Jansen"));
        assert_eq!(label_of(&[field("summary", "x")]), None);
        assert_eq!(label_of(&[field("family_name", "  ")]), None);
    }

    #[test]
    fn fields_are_checked_by_name_value_and_size() {
        assert!(check_fields(&[field("family_name", "Vermeulen\nline two\t")]).is_ok());
        assert!(check_fields(&[]).is_ok());
        for bad in [
            field("", "x"),
            field("Family", "x"),
            field("a-b", "x"),
            field(&"n".repeat(65), "x"),
            field("note", "bell\u{7}"),
            field("note", &"x".repeat(MAX_VALUE_CHARS + 1)),
        ] {
            assert!(
                matches!(
                    check_fields(std::slice::from_ref(&bad)),
                    Err(UseCaseError::Invalid("fields"))
                ),
                "{bad:?}"
            );
        }
        let many: Vec<_> = (0..=MAX_FIELDS).map(|_| field("x", "")).collect();
        assert!(check_fields(&many).is_err());
        let big: Vec<_> = (0..9).map(|_| field("x", &"y".repeat(8000))).collect();
        assert!(check_fields(&big).is_err(), "over the total");
    }
}
