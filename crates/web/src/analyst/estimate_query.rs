//! What the estimate page's form sends, read into the monitor's [`Request`] or the
//! problems of its fields: the years, the lists (one field per agency kind naming its
//! list, `kind.<code>=<list>`, as the form sends them; or the API's `lists` spec, as the
//! downloads send them), a stratum, the method and model, and the bootstrap. Pure: no
//! database, no HTTP.

use crate::forms::Problems;
use schakel_domain::AgencyKind;
use schakel_monitor::estimate::{Lists, ListsError, Request, Stratum};
use schakel_monitor::mse::{self, Method, Model, Options, Resampling};

/// The most years one estimate covers after its first.
const MAX_SPAN: u16 = 20;
/// The most bootstrap resamples asked for (the API's limit).
const MAX_RESAMPLES: u32 = 2000;
/// The bootstrap's seed (the API's default), so the same request gives the same interval.
const SEED: u64 = 1234;
/// The prefix of the field naming the list of an agency kind.
pub(crate) const KIND_FIELD: &str = "kind.";

/// The query as sent: its fields in order.
#[derive(Debug, Default)]
pub(crate) struct Asked(Vec<(String, String)>);

impl Asked {
    pub(crate) fn new(pairs: Vec<(String, String)>) -> Asked {
        Asked(pairs)
    }

    /// Whether nothing was asked (a first visit).
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first value of `name`, trimmed ("" when absent).
    pub(crate) fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The fields naming an agency kind's list: the kind's code and the list.
    fn kinds(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(KIND_FIELD).map(|c| (c, v.trim())))
    }
}

/// The list of each agency kind as asked ("" for a kind in no list), in the order of
/// `AgencyKind::ALL`: from the fields of the kinds, else from the `lists` spec (the
/// first list naming a kind), else the default lists. For showing the form again.
pub(crate) fn lists_shown(asked: &Asked) -> Vec<(AgencyKind, String)> {
    let mut named: Vec<(String, String)> = asked
        .kinds()
        .map(|(k, l)| (k.to_owned(), l.to_owned()))
        .collect();
    if named.is_empty() {
        let spec = asked.one("lists");
        let groups = if spec.is_empty() {
            Lists::defaults().spec()
        } else {
            spec.to_owned()
        };
        for part in groups.split(';') {
            if let Some((name, kinds)) = part.split_once('=') {
                for k in kinds.split('+') {
                    named.push((k.trim().to_owned(), name.trim().to_owned()));
                }
            }
        }
    }
    AgencyKind::ALL
        .iter()
        .map(|k| {
            let list = named.iter().find(|(c, _)| c == k.as_str());
            (*k, list.map(|(_, l)| l.clone()).unwrap_or_default())
        })
        .collect()
}

/// The lists of the kinds' fields: list names in the order of the default lists, then
/// in the order first named; each list's kinds in the order of `AgencyKind::ALL`.
fn lists_of_kinds(asked: &Asked) -> Result<Lists, &'static str> {
    let mut chosen: Vec<(AgencyKind, &str)> = Vec::new();
    for (code, list) in asked.kinds() {
        let kind: AgencyKind = code.parse().map_err(|_| "estimate.error.lists")?;
        match chosen.iter().find(|(k, _)| *k == kind) {
            Some((_, earlier)) if *earlier != list => return Err("estimate.error.twice"),
            Some(_) => {}
            None => chosen.push((kind, list)),
        }
    }
    let mut names: Vec<String> = Lists::defaults().names();
    for (_, list) in &chosen {
        if !list.is_empty() && !names.iter().any(|n| n == list) {
            names.push((*list).to_owned());
        }
    }
    let groups: Vec<(String, Vec<AgencyKind>)> = names
        .into_iter()
        .map(|name| {
            let kinds = AgencyKind::ALL
                .iter()
                .filter(|k| chosen.iter().any(|(c, l)| c == *k && *l == name))
                .copied()
                .collect();
            (name, kinds)
        })
        .filter(|(_, kinds): &(String, Vec<AgencyKind>)| !kinds.is_empty())
        .collect();
    Lists::new(groups).map_err(|_| "estimate.error.lists")
}

/// The lists asked for, or the message key of why they cannot be used.
fn lists_of(asked: &Asked) -> Result<Lists, &'static str> {
    let lists = if asked.kinds().next().is_some() {
        lists_of_kinds(asked)?
    } else {
        match asked.one("lists") {
            "" => Lists::defaults(),
            spec => Lists::parse(spec).map_err(|e| match e {
                ListsError::Twice(_) => "estimate.error.twice",
                _ => "estimate.error.lists",
            })?,
        }
    };
    match lists.names().len() {
        n if n < mse::MIN_LISTS => Err("estimate.error.too_few"),
        n if n > mse::MAX_LISTS => Err("estimate.error.too_many"),
        _ => Ok(lists),
    }
}

/// A year of the form; `default` when not given.
fn year(text: &str, default: u16) -> Option<u16> {
    if text.is_empty() {
        return Some(default);
    }
    text.parse().ok().filter(|y| (1900..=2999).contains(y))
}

/// The method and model asked for, or the field at fault and its message key.
fn method_of(asked: &Asked, lists: &Lists) -> Result<Method, (&'static str, &'static str)> {
    match asked.one("method") {
        "" | "stepwise" => Ok(Method::Stepwise {
            threshold: mse::DEFAULT_THRESHOLD,
        }),
        "independence" => Ok(Method::Independence),
        "bic" => Ok(Method::Bic),
        "fixed" => Model::parse(asked.one("model"), &lists.names())
            .map(Method::Fixed)
            .map_err(|_| ("model", "estimate.error.model")),
        _ => Err(("method", "estimate.error.method")),
    }
}

/// The bootstrap asked for: none, or 1 to 2,000 resamples.
fn bootstrap_of(text: &str) -> Result<Option<Resampling>, ()> {
    let n: u32 = match text {
        "" => 0,
        t => t.parse().map_err(|_| ())?,
    };
    match n {
        0 => Ok(None),
        n if n <= MAX_RESAMPLES => Ok(Some(Resampling {
            replicates: usize::try_from(n).map_err(|_| ())?,
            seed: SEED,
        })),
        _ => Err(()),
    }
}

/// The request the query describes (years absent: `default_year` alone), or every
/// field at fault with its message key.
pub(crate) fn request_of(asked: &Asked, default_year: u16) -> Result<Request, Problems> {
    let mut e = Problems::default();
    let from = year(asked.one("from"), default_year);
    let to = year(asked.one("to"), from.unwrap_or(default_year));
    if from.is_none() {
        e.add("from_year", "estimate.error.year");
    }
    match (from, to) {
        (_, None) => e.add("to_year", "estimate.error.year"),
        (Some(f), Some(t)) if t < f => e.add("to_year", "estimate.error.order"),
        (Some(f), Some(t)) if t - f > MAX_SPAN => e.add("to_year", "estimate.error.span"),
        _ => {}
    }
    let lists = lists_of(asked).map_err(|key| e.add("lists", key)).ok();
    let stratum = match asked.one("stratum") {
        "" => None,
        s => Stratum::parse(s).or_else(|| {
            e.add("stratum", "estimate.error.stratum");
            None
        }),
    };
    let method = lists.as_ref().and_then(|l| {
        method_of(asked, l)
            .map_err(|(field, key)| e.add(field, key))
            .ok()
    });
    let bootstrap = bootstrap_of(asked.one("bootstrap"))
        .map_err(|()| e.add("bootstrap", "estimate.error.bootstrap"))
        .ok()
        .flatten();
    match (from, to, lists, method) {
        (Some(from_year), Some(to_year), Some(lists), Some(method)) if e.is_empty() => {
            Ok(Request {
                lists,
                from_year,
                to_year,
                stratum,
                options: Options {
                    method,
                    level: 0.95,
                    bootstrap,
                },
            })
        }
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(q: &[(&str, &str)]) -> Asked {
        Asked::new(
            q.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    fn problem(q: &[(&str, &str)]) -> Vec<(&'static str, &'static str)> {
        request_of(&asked(q), 2025).unwrap_err().items().to_vec()
    }

    #[test]
    fn nothing_asked_is_the_default_lists_over_the_year_given() {
        let r = request_of(&asked(&[]), 2025).unwrap();
        assert_eq!((r.from_year, r.to_year), (2025, 2025));
        assert_eq!(r.lists, Lists::defaults());
        assert!(matches!(r.options.method, Method::Stepwise { .. }));
        assert_eq!(r.options.bootstrap, None);
    }

    #[test]
    fn every_bad_field_is_named_with_its_message() {
        for (q, want) in [
            (
                vec![("from", "2014"), ("to", "2013")],
                ("to_year", "estimate.error.order"),
            ),
            (
                vec![("from", "1990"), ("to", "2013")],
                ("to_year", "estimate.error.span"),
            ),
            (vec![("from", "twee")], ("from_year", "estimate.error.year")),
            (
                vec![("kind.police", "a"), ("kind.police", "b")],
                ("lists", "estimate.error.twice"),
            ),
            (
                vec![("lists", "a=police;b=police")],
                ("lists", "estimate.error.twice"),
            ),
            (
                vec![("kind.police", "a"), ("kind.ngo", "a")],
                ("lists", "estimate.error.too_few"),
            ),
            (vec![("kind.shoe", "a")], ("lists", "estimate.error.lists")),
            (
                vec![("stratum", "shoe_size:42")],
                ("stratum", "estimate.error.stratum"),
            ),
            (
                vec![("method", "fixed"), ("model", "ngos:nowhere")],
                ("model", "estimate.error.model"),
            ),
            (
                vec![("method", "guess")],
                ("method", "estimate.error.method"),
            ),
            (
                vec![("bootstrap", "5000")],
                ("bootstrap", "estimate.error.bootstrap"),
            ),
        ] {
            assert_eq!(problem(&q), vec![want], "{q:?}");
        }
        assert_eq!(
            problem(&[("from", "x"), ("to", "y"), ("stratum", "z")]).len(),
            3,
            "every field at fault at once"
        );
    }

    #[test]
    fn the_form_shows_each_kinds_list_as_asked() {
        let shown = lists_shown(&asked(&[("lists", "la=municipality;ng=ngo+police")]));
        let of = |k: AgencyKind| shown.iter().find(|(c, _)| *c == k).unwrap().1.clone();
        assert_eq!(of(AgencyKind::Municipality), "la");
        assert_eq!(of(AgencyKind::Police), "ng");
        assert_eq!(of(AgencyKind::ShelterCategorical), "");
        let defaults = lists_shown(&asked(&[]));
        assert!(defaults.iter().all(|(_, l)| !l.is_empty()));
    }
}
