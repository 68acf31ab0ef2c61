//! `GET /agency/profile` and `POST /agency/profile`: a coordinator keeps their agency's
//! entry in the directory — free places first (with when and by whom they were last
//! reported, and a warning once the figure is stale), then services, whom the agency
//! takes, languages, regions served and how professionals reach it. Read and kept
//! through the same use cases as `/api/v1/directory/agencies/{id}/profile`, which audit
//! every change; other roles are answered 403.

use crate::WebState;
use crate::forms::{Choice, Failure, Fields, Problems, as_viewer, choices};
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, forbidden, html, see_other};
use crate::session::Viewer;
use crate::signed::SignedForm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use schakel_auth::admin::IfMatch;
use schakel_auth::admin::profiles::{self as uc, ProfileInput, ProfileView};
use schakel_domain::{
    Action, AgeBand, AgencyProfile, Eligibility, ExploitationForm, Gender, NationalityGroup,
    Region, Relationship, Service,
};

#[derive(Template)]
#[template(path = "agency_profile.html")]
struct ProfilePage {
    t: Texts,
    nav: Option<Nav>,
    csrf: String,
    e: Problems,
    f: Fields,
    saved: bool,
    version: i64,
    reported: Option<String>,
    /// The warning that the figure of places is stale.
    stale: Option<String>,
    services: Vec<Choice>,
    ages: Vec<Choice>,
    genders: Vec<Choice>,
    nationalities: Vec<Choice>,
    forms: Vec<Choice>,
    regions: Vec<Choice>,
}

/// Every code of `all` but `unknown` (one cannot take only the unknown).
fn known<T: Copy + PartialEq>(all: &[T], unknown: T) -> Vec<T> {
    all.iter().copied().filter(|c| *c != unknown).collect()
}

fn page(
    v: &Viewer,
    state: &WebState,
    shown: &ProfileView,
    f: Fields,
    e: Problems,
    saved: bool,
) -> HttpResponse {
    let t = v.texts();
    let now = state.clock.now();
    let profile = &shown.profile;
    let after = state.workflow.places_stale_after;
    let (reported, stale) = match profile.capacity {
        Some(c) => {
            let by = shown.places_reported_by.clone().unwrap_or_default();
            let when = crate::time::day_time(c.updated_at);
            (
                Some(
                    t.get("profile.reported")
                        .replace("{when}", &when)
                        .replace("{age}", &crate::directory_fit::age(t, c.updated_at, now))
                        .replace("{who}", &by),
                ),
                c.is_stale(now, after).then(|| {
                    t.get("profile.stale")
                        .replace("{days}", &after.num_days().to_string())
                }),
            )
        }
        None => (None, None),
    };
    let status = if e.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ProfilePage {
        services: choices(t, "service", Service::ALL, &f.all("service")),
        ages: choices(
            t,
            "age",
            &known(AgeBand::ALL, AgeBand::Unknown),
            &f.all("age_band"),
        ),
        genders: choices(
            t,
            "gender",
            &known(Gender::ALL, Gender::Unknown),
            &f.all("gender"),
        ),
        nationalities: choices(
            t,
            "nationality",
            &known(NationalityGroup::ALL, NationalityGroup::Unknown),
            &f.all("nationality"),
        ),
        forms: choices(
            t,
            "form",
            &known(ExploitationForm::ALL, ExploitationForm::Unknown),
            &f.all("form"),
        ),
        regions: choices(t, "region", Region::ALL, &f.all("region")),
        t,
        nav: Some(Nav::of(v)),
        csrf: v.csrf.clone(),
        e,
        f,
        saved,
        version: profile.version,
        reported,
        stale,
    };
    html(status, &page)
}

/// The form's fields as the profile fills them.
fn fields_of(p: &AgencyProfile) -> Fields {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: String| pairs.push((k.to_owned(), v));
    p.services
        .iter()
        .for_each(|s| add("service", s.to_string()));
    let e = &p.eligibility;
    e.age_bands
        .iter()
        .for_each(|a| add("age_band", a.to_string()));
    e.genders.iter().for_each(|g| add("gender", g.to_string()));
    e.nationality_groups
        .iter()
        .for_each(|n| add("nationality", n.to_string()));
    e.forms.iter().for_each(|f| add("form", f.to_string()));
    p.regions.iter().for_each(|r| add("region", r.to_string()));
    add("note", e.note.clone().unwrap_or_default());
    add("languages", p.languages.join(", "));
    add("hours", p.hours.clone().unwrap_or_default());
    add("phone", p.phone.clone().unwrap_or_default());
    if p.contact_public {
        add("contact_public", "yes".into());
    }
    if let Some(c) = p.capacity {
        add("places_total", c.total.to_string());
        add("places_free", c.free.to_string());
    }
    Fields::new(pairs)
}

/// Every value of `name` as a code of `T`; `None` if one is not.
fn codes<T: std::str::FromStr>(f: &Fields, name: &str) -> Option<Vec<T>> {
    f.all(name).iter().map(|c| c.parse().ok()).collect()
}

/// The input the form describes, or the problems of its fields.
fn parse(f: &Fields) -> Result<ProfileInput, Problems> {
    let mut e = Problems::default();
    let (services, ages, genders) = (
        codes(f, "service"),
        codes(f, "age_band"),
        codes(f, "gender"),
    );
    let (nationalities, forms, regions) = (
        codes(f, "nationality"),
        codes(f, "form"),
        codes(f, "region"),
    );
    let number = |name: &str| -> Option<Option<u32>> {
        match f.one(name).trim() {
            "" => Some(None),
            n => n.parse::<u32>().ok().map(Some),
        }
    };
    let places = match (number("places_total"), number("places_free")) {
        (Some(None), Some(None)) => Some(None),
        (Some(Some(total)), Some(Some(free))) if free <= total => Some(Some((total, free))),
        (Some(Some(_)), Some(Some(_))) => {
            e.add("places_free", "profile.invalid.places_free");
            None
        }
        (total, _) => {
            let field = if matches!(total, Some(Some(_))) {
                "places_free"
            } else {
                "places_total"
            };
            e.add(field, "profile.invalid.places");
            None
        }
    };
    let languages: Vec<String> = f
        .one("languages")
        .split([',', ' ', ';'])
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_owned())
        .collect();
    let (
        Some(services),
        Some(age_bands),
        Some(genders),
        Some(nationality_groups),
        Some(forms),
        Some(regions),
        Some(places),
    ) = (
        services,
        ages,
        genders,
        nationalities,
        forms,
        regions,
        places,
    )
    else {
        if e.is_empty() {
            e.add("service", "invalid.choose");
        }
        return Err(e);
    };
    Ok(ProfileInput {
        services,
        eligibility: Eligibility {
            age_bands,
            genders,
            nationality_groups,
            forms,
            note: f.text("note"),
        },
        languages,
        regions,
        hours: f.text("hours"),
        phone: f.text("phone"),
        contact_public: f.ticked("contact_public"),
        places,
        places_confirmed: f.ticked("places_confirmed"),
    })
}

/// The form's field for a field the use case refused, and its message.
fn refused(field: &str) -> Problems {
    let mut e = Problems::default();
    match field {
        "places_free" => e.add("places_free", "profile.invalid.places_free"),
        "languages" => e.add("languages", "profile.invalid.languages"),
        "phone" => e.add("phone", "profile.invalid.phone"),
        "hours" => e.add("hours", "invalid.text"),
        _ => e.add("note", "invalid.text"),
    }
    e
}

/// Whether the viewer keeps their agency's profile (its coordinators).
fn keeps(v: &Viewer) -> bool {
    v.actor
        .may(Action::KeepAgencyProfile, Relationship::OwnAgency)
}

/// `GET /agency/profile`.
pub async fn form(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    if !keeps(&v) {
        return forbidden(v.texts(), Some(Nav::of(&v)));
    }
    let id = v.actor.agency_id;
    match as_viewer(&req, &state, v.actor, move |conn, who, ctx, now| {
        uc::read_profile(conn, who, id, ctx, now)
    })
    .await
    {
        Ok(p) => {
            let saved = req.query_string() == "done=saved";
            page(
                &v,
                &state,
                &p,
                fields_of(&p.profile),
                Problems::default(),
                saved,
            )
        }
        Err(other) => other.page(&v),
    }
}

/// `POST /agency/profile`.
pub async fn save(req: HttpRequest, state: web::Data<WebState>, form: SignedForm) -> HttpResponse {
    let SignedForm { v, f, .. } = form;
    if !keeps(&v) {
        return forbidden(v.texts(), Some(Nav::of(&v)));
    }
    let id = v.actor.agency_id;
    let current = as_viewer(&req, &state, v.actor, move |conn, who, ctx, now| {
        uc::read_profile(conn, who, id, ctx, now)
    })
    .await;
    let current = match current {
        Ok(p) => p,
        Err(other) => return other.page(&v),
    };
    let input = match parse(&f) {
        Ok(i) => i,
        Err(e) => return page(&v, &state, &current, f, e, false),
    };
    let version = f
        .code::<i64>("version")
        .map_or(IfMatch::NeverMatches, IfMatch::Version);
    let kept = as_viewer(&req, &state, v.actor, move |conn, who, ctx, now| {
        uc::keep_profile(conn, who, id, version, &input, ctx, now)
    })
    .await;
    match kept {
        Ok(_) => see_other("/agency/profile?done=saved"),
        Err(Failure::Invalid(field)) => page(&v, &state, &current, f, refused(field), false),
        Err(Failure::Conflict(_)) => crate::pages::conflict(v.texts(), Some(Nav::of(&v))),
        Err(other) => other.page(&v),
    }
}
