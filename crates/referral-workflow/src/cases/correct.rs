//! Correcting a case (the person's right to rectification): the identity and gender of
//! the person, the region, the exploitation forms and the notes at opening, changed by
//! the owning agency from the version it read.
//!
//! Each correction keeps the earlier values of the fields it changed, encrypted, in the
//! case's rectification record (read by the owning agency only, erased with the case);
//! its audit entry and timeline entry name the fields, never their values. A corrected
//! identity gets new blind indexes (the similar index too) and, when the identifiers
//! that make the pseudonym change, a new key: the monitor is told to count the person's
//! earlier events under it, so a corrected person is still one person.

use super::*;
use crate::support::monitor_relink;
use crate::views::CorrectionView;
use schakel_domain::{CorrectionId, Gender, PersonRelink};
use schakel_store::casework::cases::CaseChanges;
use schakel_store::casework::corrections::{self, NewCorrection};
use schakel_store::casework::persons::PersonChanges;
use schakel_store::users;
use serde_json::{Map, Value};

/// What to correct; a field left out stays as it is.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectCaseInput {
    /// The person's identity, corrected, as a whole: it replaces the identity held (send
    /// every field that should stay).
    #[serde(default)]
    pub identity: Option<Identity>,
    /// The person's gender.
    #[serde(default)]
    pub gender: Option<Gender>,
    /// The region the case is filed under.
    #[serde(default)]
    pub region: Option<Region>,
    /// The exploitation forms (at least one).
    #[serde(default)]
    pub exploitation_forms: Option<Vec<ExploitationForm>>,
    /// The notes made at opening; an empty text removes them.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub notes: Option<String>,
}

/// The case and person after a correction, and what changed.
struct Corrected {
    identity: Identity,
    gender: Gender,
    region: Region,
    forms: Vec<ExploitationForm>,
    notes: Option<String>,
    /// The fields changed, in a fixed order, with their earlier values.
    earlier: Map<String, Value>,
}

impl Corrected {
    fn changed(&mut self, field: &str, before: Value) {
        self.earlier.insert(field.to_owned(), before);
    }

    fn touches_person(&self) -> bool {
        self.earlier
            .keys()
            .any(|k| k == "gender" || k.starts_with("identity."))
    }

    fn touches_case(&self) -> bool {
        self.earlier
            .keys()
            .any(|k| matches!(k.as_str(), "region" | "exploitation_forms" | "notes"))
    }
}

fn json(v: impl serde::Serialize) -> Result<Value, UseCaseError> {
    serde_json::to_value(v).map_err(|e| UseCaseError::Encoding(e.to_string()))
}

/// What `input` makes of the case and its person as held; nothing is written.
fn correct(
    env: &Env<'_>,
    case: &Case,
    person: &persons::Person,
    held: &Identity,
    input: &CorrectCaseInput,
) -> Result<Corrected, UseCaseError> {
    let today = env.now.date_naive();
    let identity = match &input.identity {
        Some(new) => new.checked(today, held.age_stated_on.unwrap_or(today))?,
        None => held.clone(),
    };
    let notes_held = open_opt(env.cfg, "cases", "notes", &case.id, case.notes.as_deref())?
        .map(|n| n.to_string());
    let mut out = Corrected {
        gender: input.gender.unwrap_or(person.gender),
        region: input.region.unwrap_or(case.region),
        forms: match &input.exploitation_forms {
            Some(f) => forms(f)?,
            None => case.exploitation_forms.clone(),
        },
        notes: match &input.notes {
            Some(text) => free_text(Some(text), MAX_TEXT_CHARS, "notes")?,
            None => notes_held.clone(),
        },
        identity,
        earlier: Map::new(),
    };
    let (before, after) = (json(held)?, json(&out.identity)?);
    if let (Value::Object(before), Value::Object(after)) = (before, after) {
        for (field, value) in before {
            if after.get(&field) != Some(&value) {
                out.changed(&format!("identity.{field}"), value);
            }
        }
    }
    if out.gender != person.gender {
        out.changed("gender", json(person.gender)?);
    }
    if out.region != case.region {
        out.changed("region", json(case.region)?);
    }
    if out.forms != case.exploitation_forms {
        out.changed("exploitation_forms", json(&case.exploitation_forms)?);
    }
    if out.notes != notes_held {
        out.changed("notes", json(&notes_held)?);
    }
    Ok(out)
}

/// Writes the corrected person: identity, gender and what is made from them; returns
/// the key it was counted under before when that key changed.
fn write_person(
    conn: &mut DbConn,
    env: &Env<'_>,
    person: &persons::Person,
    c: &Corrected,
) -> Result<Option<String>, UseCaseError> {
    let sealed = c.identity.seal(env.cfg, person.id)?;
    let family = c.identity.family_name_index(env.cfg)?;
    let birth = c.identity.birth_date_index(env.cfg)?;
    let similar = c.identity.similar_index(env.cfg)?;
    // A corrected identity that can be linked is counted under its pseudonym; one that
    // cannot keeps the key the person has (a receiver's case may hold only the coarse
    // facts, under the key of the person it was referred).
    let key = match (c.identity.pseudonym(env.cfg, c.gender)?, &person.pseudonym) {
        (Some(p), _) => p,
        (None, Some(kept)) => kept.clone(),
        (None, None) => c.identity.person_key(env.cfg, c.gender, person.id)?,
    };
    let changes = PersonChanges {
        identity: &sealed,
        gender: c.gender,
        nationality_group: c.identity.nationality_group(),
        family_name_index: family.as_deref(),
        birth_date_index: birth.as_deref(),
        similar_index: similar.as_deref(),
        pseudonym: Some(&key),
    };
    persons::correct(conn, person.id, &changes, env.now)?;
    match &person.pseudonym {
        Some(before) if *before != key => {
            let relink = PersonRelink {
                from: before.clone(),
                to: key,
            };
            monitor_relink(conn, env, &relink)?;
            Ok(Some(relink.from))
        }
        _ => Ok(None),
    }
}

/// Corrects a case of the actor's agency, open or closed, made from the version named.
/// A correction that changes nothing changes nothing (no new version, no record).
pub fn correct_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    if_match: IfMatch,
    input: &CorrectCaseInput,
) -> Result<CaseView, UseCaseError> {
    const CODE: &str = "case.correct";
    run(conn, env, who, |conn| {
        let case = owned_case(conn, env, who, id, Action::UpdateCase, CODE)?;
        let version = check_version(if_match, case.version)?;
        let person = persons::find(conn, case.person_id)?;
        let (Some(sealed), None) = (&person.identity, case.erased_at) else {
            return Err(UseCaseError::Conflict(crate::Conflict::PersonErased));
        };
        let held = Identity::open(env.cfg, person.id, sealed)?;
        let c = correct(env, &case, &person, &held, input)?;
        if c.earlier.is_empty() {
            return case_view(conn, env, who, &case, &CaseAccess::Owner);
        }
        if !cases::bump(conn, id, version, env.now)? {
            return Err(UseCaseError::VersionMismatch);
        }
        let relinked = if c.touches_person() {
            write_person(conn, env, &person, &c)?
        } else {
            None
        };
        if c.touches_case() {
            let notes = c
                .notes
                .as_deref()
                .map(|n| seal(env.cfg, "cases", "notes", &id, n))
                .transpose()?;
            let changes = CaseChanges {
                region: c.region,
                exploitation_forms: &c.forms,
                notes: notes.as_deref(),
            };
            cases::correct(conn, id, &changes)?;
        }
        let fields: Vec<&str> = c.earlier.keys().map(String::as_str).collect();
        let correction = CorrectionId::new_random();
        let earlier = json(&c.earlier)?.to_string();
        let earlier = seal(
            env.cfg,
            "case_corrections",
            "earlier",
            &correction,
            &earlier,
        )?;
        let new = NewCorrection {
            id: correction,
            case_id: id,
            corrected_by: who.user_id,
            fields: &fields,
            earlier: &earlier,
        };
        corrections::insert(conn, &new, env.now)?;
        let details = serde_json::json!({ "correction_id": correction, "changed": fields });
        let entry = ("case_corrected", None, details.clone());
        timeline(conn, env, id, who.agency_id, Some(who), &[entry])?;
        let mut details = details;
        if let (Some(before), Value::Object(map)) = (relinked, &mut details) {
            map.insert("earlier_subject".into(), Value::String(before));
        }
        let e = event(
            Some(who),
            CODE,
            ActionKind::Update,
            ("case", id.to_string()),
        )?
        .with_details(details);
        let e = crate::subjects::with_persons(conn, e, &[person.id])?;
        record(conn, env, e)?;
        let case = cases::find(conn, id)?;
        case_view(conn, env, who, &case, &CaseAccess::Owner)
    })
}

/// The rectification record of a case of the actor's agency, oldest first.
pub fn case_history(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
) -> Result<Vec<CorrectionView>, UseCaseError> {
    const CODE: &str = "case.history";
    run(conn, env, who, |conn| {
        let case = owned_case(conn, env, who, id, Action::ReadCase, CODE)?;
        let mut out = Vec::new();
        for c in corrections::of_case(conn, id)? {
            let earlier = open_opt(
                env.cfg,
                "case_corrections",
                "earlier",
                &c.id,
                c.earlier.as_deref(),
            )?
            .map(|text| serde_json::from_str::<Value>(&text))
            .transpose()
            .map_err(|_| UseCaseError::Crypto("correction document".into()))?;
            let by = users::find(conn, c.corrected_by)?;
            out.push(CorrectionView {
                id: c.id,
                corrected_at: c.created_at,
                corrected_by: c.corrected_by,
                corrected_by_name: by.display_name,
                fields: c.fields,
                earlier,
            });
        }
        record_read(conn, env, who, CODE, &case, &CaseAccess::Owner)?;
        Ok(out)
    })
}

/// A case of the actor's own agency that its role may act on with `action`; any other
/// case is the hidden denial `code`, as if it did not exist.
fn owned_case(
    conn: &mut DbConn,
    env: &Env<'_>,
    who: &Actor,
    id: CaseId,
    action: Action,
    code: &'static str,
) -> Result<Case, UseCaseError> {
    let kind = if action == Action::ReadCase {
        ActionKind::Read
    } else {
        ActionKind::Update
    };
    let (case, access) = visible_case(conn, env, who, id, action, code, kind)?;
    if !matches!(access, CaseAccess::Owner) {
        return Err(denied(code, kind, Some(("case", id.to_string()))));
    }
    Ok(case)
}
