//! Agency profiles: a coordinator keeps their own agency's entry in the directory
//! (services, eligibility, languages, regions served, reachability, places); whoever may
//! refer reads every active agency's. A profile holds no client's data; every change is
//! audited with the fields it touched.

use super::{IfMatch, Op, UseCaseError, permit};
use crate::RequestContext;
use chrono::{DateTime, Utc};
use schakel_audit::{ActionKind, Outcome};
use schakel_domain::{
    Action, Actor, AgencyId, AgencyProfile, Capacity, Eligibility, Region, Relationship, Service,
};
use schakel_store::{DbConn, StoreError, agencies, agency_profiles, users, write_tx};

/// The most places a profile may report.
pub const MAX_PLACES: u32 = 100_000;
/// The longest eligibility note, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;
/// The longest reachability text, in characters.
pub const MAX_HOURS_CHARS: usize = 200;
/// The longest telephone number, in characters.
pub const MAX_PHONE_CHARS: usize = 40;
/// The most languages a profile may name.
pub const MAX_LANGUAGES: usize = 30;

/// A profile as its coordinator describes it.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    /// Services offered.
    pub services: Vec<Service>,
    /// Whom the agency takes.
    pub eligibility: Eligibility,
    /// Languages spoken (ISO 639 codes, two or three letters).
    pub languages: Vec<String>,
    /// Regions served besides the agency's own.
    pub regions: Vec<Region>,
    /// When professionals can reach it.
    pub hours: Option<String>,
    /// A telephone number for professionals.
    pub phone: Option<String>,
    /// Whether hours and number may leave the platform.
    pub contact_public: bool,
    /// Places in total and free (`None`: the agency has no places to report).
    pub places: Option<(u32, u32)>,
    /// Whether the places are reported anew even when unchanged (a fresh count).
    pub places_confirmed: bool,
}

/// A profile as it is read: with the name of whoever last reported the places.
#[derive(Debug, Clone)]
pub struct ProfileView {
    /// The profile.
    pub profile: AgencyProfile,
    /// The display name of whoever last reported the places (a colleague of the agency).
    pub places_reported_by: Option<String>,
}

/// The profile with the name of whoever reported its places.
fn view(conn: &mut DbConn, profile: AgencyProfile) -> Result<ProfileView, UseCaseError> {
    let by = profile.capacity.map(|c| c.updated_by);
    let places_reported_by = match by {
        Some(id) => users::names(conn, &[id])?
            .into_iter()
            .next()
            .map(|(_, n)| n),
        None => None,
    };
    Ok(ProfileView {
        profile,
        places_reported_by,
    })
}

/// The agency's profile (an empty one when it has said nothing yet).
fn current(conn: &mut DbConn, id: AgencyId) -> Result<AgencyProfile, UseCaseError> {
    Ok(agency_profiles::find(conn, id)?.unwrap_or_else(|| AgencyProfile::empty(id)))
}

/// Reads the profile of an active agency (those who may refer, and its own coordinators).
pub fn read_profile(
    conn: &mut DbConn,
    who: &Actor,
    id: AgencyId,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<ProfileView, UseCaseError> {
    let op = Op::on("directory.profile_read", ActionKind::Read, "agency", id);
    permit(conn, who, Action::ReadDirectory, &op, ctx, now)?;
    match agencies::find(conn, id) {
        Ok(a) if a.active || a.id == who.agency_id => {
            let profile = current(conn, id)?;
            view(conn, profile)
        }
        Ok(_) | Err(StoreError::NotFound) => Err(UseCaseError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The active agencies of the directory (as `agencies::directory` filters them) with
/// their profiles (an empty one for an agency that kept none), for those who refer.
pub fn directory_profiles(
    conn: &mut DbConn,
    who: &Actor,
    filter: super::agencies::DirectoryFilter,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Vec<(super::AgencyView, AgencyProfile)>, UseCaseError> {
    let list = super::agencies::directory(conn, who, filter, ctx, now)?;
    let ids: Vec<AgencyId> = list.iter().map(|a| a.id).collect();
    let mut kept = agency_profiles::find_many(conn, &ids)?;
    Ok(list
        .into_iter()
        .map(|a| {
            let profile = kept
                .iter()
                .position(|p| p.agency_id == a.id)
                .map_or_else(|| AgencyProfile::empty(a.id), |i| kept.swap_remove(i));
            (a, profile)
        })
        .collect())
}

/// Optional text, trimmed, at most `max` characters (`None` when empty).
fn text(
    raw: &Option<String>,
    max: usize,
    field: &'static str,
) -> Result<Option<String>, UseCaseError> {
    let t = raw.as_deref().map(str::trim).unwrap_or_default();
    if t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(UseCaseError::Invalid(field));
    }
    Ok((!t.is_empty()).then(|| t.to_owned()))
}

/// Language codes: two or three ASCII letters each, lower-cased, without repeats.
fn languages(raw: &[String]) -> Result<Vec<String>, UseCaseError> {
    if raw.len() > MAX_LANGUAGES {
        return Err(UseCaseError::Invalid("languages"));
    }
    let mut out: Vec<String> = Vec::new();
    for l in raw {
        let l = l.trim().to_ascii_lowercase();
        if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(UseCaseError::Invalid("languages"));
        }
        if !out.contains(&l) {
            out.push(l);
        }
    }
    Ok(out)
}

/// Each code once, in the order given.
fn once<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

/// The profile `input` describes, on top of `was`, as reported by `who` at `now`.
fn checked(
    input: &ProfileInput,
    was: &AgencyProfile,
    who: &Actor,
    now: DateTime<Utc>,
) -> Result<AgencyProfile, UseCaseError> {
    let phone = text(&input.phone, MAX_PHONE_CHARS, "phone")?;
    if phone
        .as_deref()
        .is_some_and(|p| !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)))
    {
        return Err(UseCaseError::Invalid("phone"));
    }
    let capacity = match input.places {
        None => None,
        Some((total, free)) if total > MAX_PLACES || free > total => {
            return Err(UseCaseError::Invalid("places_free"));
        }
        Some((total, free)) => {
            let same = was.capacity.filter(|c| c.total == total && c.free == free);
            match same {
                Some(c) if !input.places_confirmed => Some(c),
                _ => Some(Capacity {
                    total,
                    free,
                    updated_at: now,
                    updated_by: who.user_id,
                }),
            }
        }
    };
    let e = &input.eligibility;
    Ok(AgencyProfile {
        agency_id: was.agency_id,
        services: once(&input.services),
        eligibility: Eligibility {
            age_bands: once(&e.age_bands),
            genders: once(&e.genders),
            nationality_groups: once(&e.nationality_groups),
            forms: once(&e.forms),
            note: text(&e.note, MAX_NOTE_CHARS, "eligibility_note")?,
        },
        languages: languages(&input.languages)?,
        regions: once(&input.regions),
        hours: text(&input.hours, MAX_HOURS_CHARS, "hours")?,
        phone,
        contact_public: input.contact_public,
        capacity,
        version: was.version,
        updated: was.updated,
    })
}

/// The parts of the profile that changed, by name.
fn changed(was: &AgencyProfile, now: &AgencyProfile) -> Vec<&'static str> {
    [
        ("services", was.services != now.services),
        ("eligibility", was.eligibility != now.eligibility),
        ("languages", was.languages != now.languages),
        ("regions", was.regions != now.regions),
        (
            "reachability",
            (&was.hours, &was.phone, was.contact_public)
                != (&now.hours, &now.phone, now.contact_public),
        ),
        ("places", was.capacity != now.capacity),
    ]
    .into_iter()
    .filter_map(|(f, c)| c.then_some(f))
    .collect()
}

/// Whether `who` keeps agency `id`'s profile (a coordinator of that agency); a refusal
/// is audited and answered 403.
fn permit_keeping(
    conn: &mut DbConn,
    who: &Actor,
    id: AgencyId,
    op: &Op,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<(), UseCaseError> {
    let relationship = if id == who.agency_id {
        Relationship::OwnAgency
    } else {
        Relationship::Unrelated
    };
    if who.may(Action::KeepAgencyProfile, relationship) {
        return Ok(());
    }
    let refused = crate::policy::Refused {
        code: op.code,
        kind: op.kind,
        object: Some(("agency", &id.to_string())),
    };
    crate::policy::record_denial(conn, who, &refused, ctx, now)?;
    Err(UseCaseError::Forbidden)
}

/// Reports that the coordinator's own agency has no free place left (as when it declines
/// a referral for want of capacity): free places 0, the total kept, stamped now. `None`
/// when the agency reports no places at all (nothing to set).
pub fn report_no_places(
    conn: &mut DbConn,
    who: &Actor,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<Option<ProfileView>, UseCaseError> {
    let id = who.agency_id;
    let op = Op::on("agency.profile_update", ActionKind::Update, "agency", id);
    permit_keeping(conn, who, id, &op, ctx, now)?;
    write_tx(conn, |conn| {
        let mut next = current(conn, id)?;
        let Some(was) = next.capacity else {
            return Ok(None);
        };
        next.capacity = Some(Capacity {
            free: 0,
            updated_at: now,
            updated_by: who.user_id,
            ..was
        });
        let saved = agency_profiles::save(conn, &next, who.user_id, now).map_err(|e| match e {
            StoreError::Conflict(_) => UseCaseError::VersionMismatch,
            other => other.into(),
        })?;
        let details = serde_json::json!({
            "fields": ["places"],
            "version": saved.version,
            "places_free": 0,
        });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        view(conn, saved).map(Some)
    })
}

/// Keeps the profile of the coordinator's own agency, from the version the form was made
/// from (`0` for an agency that kept none yet).
pub fn keep_profile(
    conn: &mut DbConn,
    who: &Actor,
    id: AgencyId,
    if_match: IfMatch,
    input: &ProfileInput,
    ctx: &RequestContext,
    now: DateTime<Utc>,
) -> Result<ProfileView, UseCaseError> {
    let op = Op::on("agency.profile_update", ActionKind::Update, "agency", id);
    permit_keeping(conn, who, id, &op, ctx, now)?;
    let version = match if_match {
        IfMatch::Missing => return Err(UseCaseError::VersionRequired),
        IfMatch::NeverMatches => return Err(UseCaseError::VersionMismatch),
        IfMatch::Version(v) => v,
    };
    write_tx(conn, |conn| {
        let was = current(conn, id)?;
        if was.version != version {
            return Err(UseCaseError::VersionMismatch);
        }
        let next = checked(input, &was, who, now)?;
        let fields = changed(&was, &next);
        let saved = agency_profiles::save(conn, &next, who.user_id, now).map_err(|e| match e {
            StoreError::Conflict(_) => UseCaseError::VersionMismatch,
            other => other.into(),
        })?;
        let details = serde_json::json!({
            "fields": fields,
            "version": saved.version,
            "places_free": saved.capacity.map(|c| c.free),
        });
        op.record(conn, who, Outcome::Success, details, ctx, now)?;
        view(conn, saved)
    })
}
