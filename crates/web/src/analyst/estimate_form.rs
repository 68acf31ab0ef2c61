//! What the estimate page's form shows: the years, one choice of list per agency kind
//! (the default lists, any other list asked for, or none), the strata of the domain's
//! age bands, genders and forms of exploitation, the methods, the model's terms and the
//! bootstrap, each as asked (or as the defaults when nothing was). Pure: no database,
//! no HTTP.

use super::estimate_query::{Asked, KIND_FIELD, lists_shown};
use crate::forms::Choice;
use crate::i18n::Texts;
use schakel_domain::{AgeBand, ExploitationForm, Gender};
use schakel_monitor::estimate::Lists;

/// The methods, in the order the form offers them.
const METHODS: [&str; 4] = ["stepwise", "independence", "bic", "fixed"];

/// One agency kind's choice of list.
#[derive(Debug)]
pub(crate) struct KindRow {
    /// The field's name (`kind.<code>`) and the select's id.
    pub(crate) field: String,
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) lists: Vec<Choice>,
}

/// A group of strata (one dimension) in the stratum's select.
#[derive(Debug)]
pub(crate) struct StratumGroup {
    pub(crate) label: String,
    pub(crate) options: Vec<Choice>,
}

/// The form as shown.
#[derive(Debug)]
pub(crate) struct FormView {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) kinds: Vec<KindRow>,
    pub(crate) strata: Vec<StratumGroup>,
    pub(crate) methods: Vec<Choice>,
    pub(crate) model: String,
    pub(crate) bootstrap: bool,
    /// The names of the lists a model's terms can name, for its hint.
    pub(crate) names: String,
}

/// A list's name in words: the catalog's words for a default list, else the name.
pub(crate) fn list_words(t: &Texts, name: &str) -> String {
    let key = format!("estimate.list.{name}");
    match t.get(&key) {
        words if words == key => name.to_owned(),
        words => words.to_owned(),
    }
}

fn stratum_group<T: Copy + std::fmt::Display>(
    t: &Texts,
    dimension: &str,
    words_of: &str,
    all: &[T],
    chosen: &str,
) -> StratumGroup {
    StratumGroup {
        label: t.get(&format!("analyst.dim.{dimension}")).to_owned(),
        options: all
            .iter()
            .map(|c| {
                let code = format!("{dimension}:{c}");
                Choice {
                    words: t.code(words_of, &c.to_string()),
                    on: code == chosen,
                    code,
                }
            })
            .collect(),
    }
}

/// The form as `asked` fills it; `default_year` for years not given.
pub(crate) fn form(t: &Texts, asked: &Asked, default_year: u16) -> FormView {
    let shown = lists_shown(asked);
    let mut names = Lists::defaults().names();
    for (_, list) in &shown {
        if !list.is_empty() && !names.contains(list) {
            names.push(list.clone());
        }
    }
    let choices = |chosen: &str| {
        let mut out: Vec<Choice> = names
            .iter()
            .map(|n| Choice {
                code: n.clone(),
                words: format!("{} ({n})", list_words(t, n)),
                on: n == chosen,
            })
            .collect();
        out.push(Choice {
            code: String::new(),
            words: t.get("estimate.not_counted").to_owned(),
            on: chosen.is_empty(),
        });
        out
    };
    let kinds = shown
        .iter()
        .map(|(kind, list)| KindRow {
            field: format!("{KIND_FIELD}{kind}"),
            id: format!("kind-{kind}"),
            label: t.code("analyst.kind", kind.as_str()),
            lists: choices(list),
        })
        .collect();
    let stratum = asked.one("stratum");
    let method = match asked.one("method") {
        "" => "stepwise",
        m => m,
    };
    let year = |field: &str, default: u16| match asked.one(field) {
        "" => default.to_string(),
        y => y.to_owned(),
    };
    let from = year("from", default_year);
    FormView {
        to: year("to", from.parse().unwrap_or(default_year)),
        from,
        kinds,
        strata: vec![
            stratum_group(t, "age_band", "age", AgeBand::ALL, stratum),
            stratum_group(t, "gender", "gender", Gender::ALL, stratum),
            stratum_group(
                t,
                "exploitation_form",
                "form",
                ExploitationForm::ALL,
                stratum,
            ),
        ],
        methods: METHODS
            .iter()
            .map(|m| Choice {
                code: (*m).to_owned(),
                words: t.get(&format!("estimate.method.{m}")).to_owned(),
                on: *m == method,
            })
            .collect(),
        model: asked.one("model").to_owned(),
        bootstrap: !matches!(asked.one("bootstrap"), "" | "0"),
        names: names.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_first_visit_shows_the_default_lists_and_the_previous_year() {
        let t = Texts { lang: Lang::En };
        let f = form(&t, &Asked::default(), 2025);
        assert_eq!((f.from.as_str(), f.to.as_str()), ("2025", "2025"));
        assert_eq!(f.kinds.len(), schakel_domain::AgencyKind::ALL.len());
        let police = &f.kinds[0];
        assert_eq!(police.field, "kind.police");
        let on: Vec<_> = police.lists.iter().filter(|c| c.on).collect();
        assert_eq!(on.len(), 1);
        assert_eq!(on[0].code, "police_inspectorates");
        assert_eq!(police.lists.last().unwrap().code, "", "not counted, last");
        assert!(f.methods[0].on && f.methods[0].code == "stepwise");
        assert!(!f.bootstrap);
        assert_eq!(f.strata.len(), 3);
        assert!(f.strata.iter().all(|g| g.options.iter().all(|c| !c.on)));
    }

    #[test]
    fn the_form_keeps_what_was_asked() {
        let t = Texts { lang: Lang::Nl };
        let asked = Asked::new(
            [
                ("from", "2013"),
                ("kind.police", "eigen"),
                ("stratum", "gender:female"),
                ("method", "fixed"),
                ("model", "a:b"),
                ("bootstrap", "1000"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        );
        let f = form(&t, &asked, 2025);
        assert_eq!((f.from.as_str(), f.to.as_str()), ("2013", "2013"));
        assert!(f.kinds[0].lists.iter().any(|c| c.on && c.code == "eigen"));
        assert!(f.names.ends_with(", eigen"));
        let ngo = f.kinds.iter().find(|k| k.field == "kind.ngo").unwrap();
        assert!(
            ngo.lists.last().unwrap().on,
            "a kind not asked for is not counted"
        );
        assert!(
            f.strata[1]
                .options
                .iter()
                .any(|c| c.on && c.words == "vrouw")
        );
        assert!(f.methods[3].on && f.model == "a:b" && f.bootstrap);
    }
}
