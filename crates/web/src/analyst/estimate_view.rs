//! What the estimate page shows of a [`PeriodEstimate`]: the registered count beside
//! the estimate and its intervals, the chosen model and how it was reached, the
//! independence model beside it, the overlap table after disclosure control, the
//! estimate per year (as a chart and a table) and the downloads, all in the page's
//! language and its way of writing numbers. Pure: no database, no HTTP.

use super::estimate_chart::{self, Words, YearPoint};
use super::estimate_form::list_words;
use super::estimate_request::query_of;
use super::estimate_words::{self as words, term};
use super::numbers::{count, decimal, probability, whole};
use crate::i18n::Texts;
use schakel_monitor::Rules;
use schakel_monitor::estimate::{PeriodEstimate, Request};
use schakel_monitor::mse::{Estimate, Fitted, Interval};

/// One model of the comparison: its name, terms, estimate, interval and criteria.
#[derive(Debug)]
pub(crate) struct ModelRow {
    pub(crate) name: String,
    pub(crate) terms: String,
    pub(crate) total: String,
    pub(crate) interval: String,
    pub(crate) aic: String,
    pub(crate) bic: String,
}

/// One step of the stepwise selection.
#[derive(Debug)]
pub(crate) struct StepRow {
    pub(crate) term: String,
    pub(crate) seen: String,
    pub(crate) expected: String,
    pub(crate) p: String,
}

/// The estimate of a period with how it was made.
#[derive(Debug)]
pub(crate) struct EstimateView {
    pub(crate) total: String,
    pub(crate) profile: Option<String>,
    pub(crate) conditional: String,
    pub(crate) bootstrap: Option<String>,
    pub(crate) bootstrap_note: String,
    pub(crate) method: String,
    /// The chosen model's interactions in words (empty: independence).
    pub(crate) terms: Vec<String>,
    pub(crate) steps: Vec<StepRow>,
    /// Interactions of lists that never overlap, with the probability of that.
    pub(crate) empty: Vec<(String, String)>,
    pub(crate) models: Vec<ModelRow>,
}

/// A row of the overlap table: which lists saw these persons, and how many.
#[derive(Debug)]
pub(crate) struct OverlapRow {
    pub(crate) marks: Vec<bool>,
    /// `None`: suppressed.
    pub(crate) persons: Option<String>,
}

/// A year of the period.
#[derive(Debug)]
pub(crate) struct YearRow {
    pub(crate) year: u16,
    pub(crate) registered: String,
    /// The estimate, or why there is none.
    pub(crate) estimate: String,
    pub(crate) interval: String,
}

/// The result as the page shows it.
#[derive(Debug)]
pub(crate) struct ResultView {
    /// The heading: the period and the stratum.
    pub(crate) title: String,
    pub(crate) registered: String,
    pub(crate) refused: Option<String>,
    pub(crate) estimate: Option<EstimateView>,
    /// Each list's name and its kinds of agency in words.
    pub(crate) lists: Vec<(String, String)>,
    pub(crate) names: Vec<String>,
    pub(crate) overlap: Vec<OverlapRow>,
    /// What a suppressed cell means, and the rounding.
    pub(crate) suppressed: String,
    pub(crate) overlap_note: String,
    pub(crate) years: Vec<YearRow>,
    pub(crate) chart: String,
    pub(crate) chart_alt: String,
    pub(crate) csv: String,
    pub(crate) json: String,
}

fn range(t: &Texts, i: &Interval) -> String {
    t.get("estimate.range")
        .replace("{lower}", &whole(t.lang, i.lower))
        .replace("{upper}", &whole(t.lang, i.upper))
}

fn model_row(t: &Texts, name: &str, f: Option<&Fitted>) -> ModelRow {
    let dash = || "–".to_owned();
    match f {
        Some(f) => ModelRow {
            name: t.get(name).to_owned(),
            terms: if f.terms.is_empty() {
                t.get("estimate.no_interactions").to_owned()
            } else {
                f.terms
                    .iter()
                    .map(|s| term(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            total: whole(t.lang, f.total),
            interval: f.profile.map_or_else(dash, |i| range(t, &i)),
            aic: decimal(t.lang, f.aic, 1),
            bic: decimal(t.lang, f.bic, 1),
        },
        None => ModelRow {
            name: t.get(name).to_owned(),
            terms: t.get("estimate.no_interactions").to_owned(),
            total: t.get("estimate.none").to_owned(),
            interval: dash(),
            aic: dash(),
            bic: dash(),
        },
    }
}

fn estimate_view(t: &Texts, r: &Request, e: &Estimate) -> EstimateView {
    let m = &e.model;
    EstimateView {
        total: whole(t.lang, m.total),
        profile: m.profile.map(|i| range(t, &i)),
        conditional: range(t, &m.conditional),
        bootstrap: e.bootstrap.as_ref().map(|b| range(t, &b.interval)),
        bootstrap_note: e.bootstrap.as_ref().map_or_else(String::new, |b| {
            t.get("estimate.bootstrap_note")
                .replace(
                    "{n}",
                    &count(t.lang, i64::try_from(b.replicates).unwrap_or(0)),
                )
                .replace(
                    "{failed}",
                    &count(t.lang, i64::try_from(b.failed).unwrap_or(0)),
                )
        }),
        method: words::method(t, &r.options.method),
        terms: m.terms.iter().map(|s| term(s)).collect(),
        steps: e
            .steps
            .iter()
            .map(|s| StepRow {
                term: term(&s.term),
                seen: count(t.lang, i64::try_from(s.seen).unwrap_or(i64::MAX)),
                expected: decimal(t.lang, s.expected, 1),
                p: probability(t.lang, s.p_value),
            })
            .collect(),
        empty: m
            .empty_overlaps
            .iter()
            .map(|o| (term(&o.term), probability(t.lang, o.probability)))
            .collect(),
        models: vec![
            model_row(t, "estimate.model.chosen", Some(m)),
            model_row(t, "estimate.model.independence", e.independence.as_ref()),
        ],
    }
}

fn year_rows(t: &Texts, e: &PeriodEstimate) -> Vec<YearRow> {
    e.years
        .iter()
        .map(|y| {
            let interval = match (y.lower, y.upper) {
                (Some(lower), Some(upper)) => range(t, &Interval { lower, upper }),
                _ => "–".to_owned(),
            };
            YearRow {
                year: y.year,
                registered: count(t.lang, y.registered),
                estimate: match (y.total, &y.refused) {
                    (Some(total), _) => whole(t.lang, total),
                    (None, Some(reason)) => words::refusal(t, reason),
                    (None, None) => t.get("estimate.none").to_owned(),
                },
                interval,
            }
        })
        .collect()
}

/// The chart of the years and its text alternative.
fn chart(t: &Texts, e: &PeriodEstimate, rows: &[YearRow]) -> (String, String) {
    let points: Vec<YearPoint> = e
        .years
        .iter()
        .map(|y| YearPoint {
            year: y.year,
            registered: y.registered,
            estimate: match (y.total, y.lower, y.upper) {
                (Some(total), Some(lower), Some(upper)) => Some((total, lower, upper)),
                _ => None,
            },
        })
        .collect();
    let w = Words {
        lang: t.lang,
        title: t.get("estimate.chart.title").to_owned(),
        registered: t.get("estimate.chart.registered").to_owned(),
        estimate: t.get("estimate.chart.estimate").to_owned(),
        none: t.get("estimate.none").to_owned(),
        scale: t.get("estimate.chart.scale").to_owned(),
    };
    // A chart that cannot be drawn leaves its text alternative and the table.
    let svg = estimate_chart::draw(&w, &points).unwrap_or_default();
    let mut alt = t.get("estimate.chart.alt").to_owned();
    for (y, p) in rows.iter().zip(&points) {
        let key = if p.estimate.is_some() {
            "estimate.chart.alt_year"
        } else {
            "estimate.chart.alt_none"
        };
        alt.push(' ');
        alt.push_str(
            &t.get(key)
                .replace("{year}", &y.year.to_string())
                .replace("{total}", &y.estimate)
                .replace("{interval}", &y.interval)
                .replace("{registered}", &y.registered),
        );
    }
    alt.push(' ');
    alt.push_str(t.get("estimate.chart.alt_table"));
    (svg, alt)
}

/// The result of `r` as the page shows it; `rules` say what the overlap table hides.
pub(crate) fn result(t: &Texts, r: &Request, e: &PeriodEstimate, rules: Rules) -> ResultView {
    let names = r.lists.names();
    let years = year_rows(t, e);
    let (chart, chart_alt) = chart(t, e, &years);
    let query = query_of(r);
    let period = if e.from_year == e.to_year {
        e.from_year.to_string()
    } else {
        t.get("estimate.years")
            .replace("{from}", &e.from_year.to_string())
            .replace("{to}", &e.to_year.to_string())
    };
    ResultView {
        title: t
            .get("estimate.result_title")
            .replace("{period}", &period)
            .replace("{stratum}", &words::stratum(t, r.stratum)),
        registered: count(t.lang, e.registered),
        refused: e.refused.as_deref().map(|reason| words::refusal(t, reason)),
        estimate: e.estimate.as_ref().map(|est| estimate_view(t, r, est)),
        lists: r
            .lists
            .groups()
            .iter()
            .map(|(name, kinds)| {
                let kinds: Vec<String> = kinds
                    .iter()
                    .map(|k| t.code("analyst.kind", k.as_str()))
                    .collect();
                (
                    format!("{} ({name})", list_words(t, name)),
                    kinds.join(", "),
                )
            })
            .collect(),
        overlap: e
            .overlap
            .iter()
            .map(|c| OverlapRow {
                marks: names.iter().map(|n| c.lists.contains(n)).collect(),
                persons: c.persons.map(|n| count(t.lang, n)),
            })
            .collect(),
        names,
        suppressed: t
            .get("estimate.suppressed_why")
            .replace("{n}", &rules.threshold.to_string()),
        overlap_note: t
            .get("estimate.overlap_note")
            .replace("{n}", &rules.threshold.to_string())
            .replace("{r}", &rules.rounding.to_string()),
        years,
        chart,
        chart_alt,
        csv: format!("/analyst/estimate.csv?{query}"),
        json: format!("/analyst/estimate.json?{query}"),
    }
}
