//! The message catalogs: every string of the pages in English and Dutch, one TOML file
//! per language, chosen by the user's preference, then `Accept-Language`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
}

impl Lang {
    /// Its code (`en`, `nl`), also the `lang` attribute of the page.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// A user's stored preference.
    pub fn of_locale(locale: &str) -> Lang {
        if locale == "en" { Lang::En } else { Lang::Nl }
    }

    /// The first supported language of an `Accept-Language` header (Dutch when none).
    pub fn from_accept(header: Option<&str>) -> Lang {
        let Some(h) = header else { return Lang::Nl };
        let mut ranked: Vec<(f32, Lang)> = h
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim().to_ascii_lowercase();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0);
                let lang = if tag.starts_with("nl") {
                    Lang::Nl
                } else if tag.starts_with("en") {
                    Lang::En
                } else {
                    return None;
                };
                Some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map_or(Lang::Nl, |r| r.1)
    }
}

type Catalog = BTreeMap<String, String>;

fn load(text: &str) -> Catalog {
    toml::from_str(text).unwrap_or_default()
}

fn catalogs() -> &'static (Catalog, Catalog) {
    static CATALOGS: OnceLock<(Catalog, Catalog)> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        (
            load(include_str!("../locales/en.toml")),
            load(include_str!("../locales/nl.toml")),
        )
    })
}

/// The strings of one language, as the templates use them.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    /// The language.
    pub lang: Lang,
}

impl Texts {
    /// The text of `key` (the key itself when a catalog lacks it, which a test forbids).
    pub fn get<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        let (en, nl) = catalogs();
        let catalog = match self.lang {
            Lang::En => en,
            Lang::Nl => nl,
        };
        catalog.get(key).map_or(key, String::as_str)
    }

    /// A coded value in words (`state.sent` → "sent, awaiting an answer"); the code
    /// itself when the catalog has no words for it.
    pub fn code(&self, kind: &str, code: &str) -> String {
        let key = format!("{kind}.{code}");
        let text = self.get(&key);
        if text == key {
            code.replace('_', " ")
        } else {
            text.to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_have_every_key_and_no_empty_text() {
        let (en, nl) = catalogs();
        assert!(en.len() > 20);
        let keys = |c: &Catalog| c.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(en), keys(nl));
        assert!(en.values().chain(nl.values()).all(|v| !v.trim().is_empty()));
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(Lang::from_accept(Some("en-GB,en;q=0.9,nl;q=0.8")), Lang::En);
        assert_eq!(
            Lang::from_accept(Some("de-DE, nl;q=0.5, en;q=0.4")),
            Lang::Nl
        );
        assert_eq!(Lang::from_accept(Some("fr")), Lang::Nl);
        assert_eq!(Lang::from_accept(None), Lang::Nl);
        assert_eq!(Texts { lang: Lang::En }.get("login.title"), "Log in");
        assert_eq!(Texts { lang: Lang::Nl }.get("login.title"), "Inloggen");
    }
}
