//! The directory as a referral form shows it when it knows whom it routes: each agency
//! with whether it fits the person and the purpose (and why not), its free places with
//! the age of that figure, and its languages, best fits first. The rule of fit and the
//! order are the domain's; this only puts them in the viewer's words.

use crate::i18n::Texts;
use chrono::{DateTime, Utc};
use schakel_auth::admin::AgencyView;
use schakel_domain::directory::{misfits, rank};
use schakel_domain::{AgencyProfile, PersonFacts, Service};

/// Whom a referral routes, and the service its purpose asks for.
#[derive(Debug, Clone)]
pub(crate) struct Need {
    pub(crate) person: PersonFacts,
    pub(crate) service: Option<Service>,
}

/// One agency of the directory for this person, in the viewer's words.
#[derive(Debug, Clone)]
pub(crate) struct Suggestion {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) region: String,
    pub(crate) fits: bool,
    /// Why it does not fit (empty when it does).
    pub(crate) reasons: String,
    /// Its free places and when they were reported, or that it reports none.
    pub(crate) places: String,
    pub(crate) stale: bool,
    pub(crate) languages: String,
}

/// The age of a figure reported at `at`: today, yesterday, or so many days ago.
pub(crate) fn age(t: Texts, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match crate::time::days_ago(at, now) {
        ..=0 => t.get("age.today").to_owned(),
        1 => t.get("age.yesterday").to_owned(),
        n => t.get("age.days").replace("{n}", &n.to_string()),
    }
}

/// The agencies of `list`, ordered for `need`, in the viewer's words.
pub(crate) fn suggestions(
    t: Texts,
    list: Vec<(AgencyView, AgencyProfile)>,
    need: &Need,
    env: &schakel_referral_workflow::Env<'_>,
) -> Vec<Suggestion> {
    let mut ranked: Vec<_> = list
        .into_iter()
        .map(|(a, p)| {
            let why = misfits(&p, a.region, &need.person, need.service);
            let stale = p
                .capacity
                .is_some_and(|c| c.is_stale(env.now, env.cfg.places_stale_after));
            let key = rank(&why, p.capacity.as_ref(), stale);
            (key, a, p, why, stale)
        })
        .collect();
    ranked.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.name.cmp(&y.1.name)));
    ranked
        .into_iter()
        .map(|(_, a, p, why, stale)| Suggestion {
            id: a.id.to_string(),
            kind: t.code("kind", a.kind.as_str()),
            region: t.code("region", a.region.as_str()),
            name: a.name,
            fits: why.is_empty(),
            reasons: why
                .iter()
                .map(|m| t.code("misfit", m.as_str()))
                .collect::<Vec<_>>()
                .join("; "),
            places: match p.capacity {
                Some(c) => t
                    .get("directory.places_free")
                    .replace("{free}", &c.free.to_string())
                    .replace("{total}", &c.total.to_string())
                    .replace("{when}", &crate::time::day_time(c.updated_at))
                    .replace("{age}", &age(t, c.updated_at, env.now)),
                None => t.get("directory.places_unknown").to_owned(),
            },
            stale,
            languages: crate::names::languages(t.lang, &p.languages),
        })
        .collect()
}
