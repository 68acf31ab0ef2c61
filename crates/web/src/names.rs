//! Countries and languages by name, in the viewer's language: `RO` reads "Roemenië" in
//! Dutch and "Romania" in English, `ro` "Roemeens" and "Romanian". The names are CLDR's,
//! compiled in by ICU4X (`icu_locale::names`), so they follow the standard rather than a
//! list of our own. A code CLDR has no name for is shown as it is. Only how codes read:
//! which codes may be stored, the use cases decide; forms keep taking the codes.

use crate::i18n::Lang;
use icu_locale::names::{
    DisplayNamesPreferences, LanguageIdentifierDisplayName, LanguageIdentifierDisplayNameOptions,
    RegionDisplayName,
};
use icu_locale::subtags::Region;
use icu_locale::{LanguageIdentifier, locale};

/// The language the names are given in.
fn prefs(lang: Lang) -> DisplayNamesPreferences {
    DisplayNamesPreferences::from(match lang {
        Lang::En => locale!("en"),
        Lang::Nl => locale!("nl"),
    })
}

/// The name of the country of an ISO 3166-1 alpha-2 code; the code when it names none.
pub(crate) fn country(lang: Lang, code: &str) -> String {
    Region::try_from_str(&code.to_ascii_uppercase())
        .ok()
        .and_then(|r| RegionDisplayName::try_new_light(prefs(lang), r).ok())
        .map_or_else(|| code.to_owned(), |n| n.to_string())
}

/// The name of the language of an ISO 639 code (two or three letters); the code when
/// CLDR has no name for it. The `heavy` data: every language CLDR names, not only the
/// most common, as the people met speak many.
pub(crate) fn language(lang: Lang, code: &str) -> String {
    LanguageIdentifier::try_from_str(&code.to_ascii_lowercase())
        .ok()
        .and_then(|id| {
            let options = LanguageIdentifierDisplayNameOptions::default();
            LanguageIdentifierDisplayName::try_new_heavy(prefs(lang), id, options).ok()
        })
        .map_or_else(|| code.to_owned(), |n| n.as_borrowed().to_string())
}

/// Countries by name, joined with commas, in the order given.
pub(crate) fn countries(lang: Lang, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| country(lang, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Languages by name, joined with commas, in the order given.
pub(crate) fn languages(lang: Lang, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| language(lang, c))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn countries_read_as_names_in_dutch_and_english() {
        let codes = list(&["RO", "BG"]);
        assert_eq!(countries(Lang::Nl, &codes), "Roemenië, Bulgarije");
        assert_eq!(countries(Lang::En, &codes), "Romania, Bulgaria");
        assert_eq!(country(Lang::Nl, "nl"), "Nederland");
        assert_eq!(country(Lang::En, "XK"), "Kosovo");
        assert_eq!(country(Lang::Nl, "MK"), "Noord-Macedonië");
    }

    #[test]
    fn languages_read_as_names_in_dutch_and_english() {
        let codes = list(&["ro", "bg", "ti"]);
        assert_eq!(languages(Lang::Nl, &codes), "Roemeens, Bulgaars, Tigrinya");
        assert_eq!(languages(Lang::En, &codes), "Romanian, Bulgarian, Tigrinya");
        assert_eq!(language(Lang::Nl, "EN"), "Engels");
        assert_eq!(language(Lang::En, "fa"), "Persian");
    }

    #[test]
    fn a_code_without_a_name_stays_a_code() {
        assert_eq!(country(Lang::En, "Q1"), "Q1");
        assert_eq!(language(Lang::Nl, "qqq"), "qqq");
        assert_eq!(language(Lang::En, "not a code"), "not a code");
        assert_eq!(countries(Lang::Nl, &[]), "");
    }
}
