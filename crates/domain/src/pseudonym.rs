//! Canonical identifiers for the pseudonym (DESIGN §8).
//!
//! The same person entered by two agencies must yield the same canonical form, so the
//! monitor counts one person; different people must not. Names are folded: Unicode
//! compatibility decomposition (NFKD) with combining marks removed (`José` → `jose`),
//! a few letters without a decomposition spelled out (`ß` → `ss`, `ø` → `o`, ...),
//! lower case, hyphens, apostrophes and dots as spaces, whitespace collapsed. Family-name
//! particles (`van der`, `de`, `ten`, ...) are dropped, and the remaining name parts of
//! given and family names are sorted, so `Berg, Jan van den` and `Jan van den Berg` and
//! a swapped given/family order agree. The full date of birth and the gender complete
//! the key.
//!
//! A name alone is not enough: without a date of birth every `Iva, female` in the
//! country would be one person, undercounting persons and inventing overlaps between
//! agencies. So a person without a name **or** without a full date of birth gets no
//! canonical form; such a person is an *unlinkable record*: counted once, under a key
//! of its own record ([`UNLINKABLE_PREFIX`] and a keyed hash of the record's id), never
//! linked to a record of another agency, and left out of the overlap table. This crate
//! only builds the canonical text; the keyed hash over it is computed where the linkage
//! key lives.

use crate::vocabulary::Gender;
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Particles that are not part of a family name's identity when comparing.
const PARTICLES: &[&str] = &[
    "van", "der", "den", "de", "het", "ten", "ter", "te", "in", "t", "op", "aan", "la", "le", "du",
    "des", "del", "della", "di", "da", "dos", "das", "von", "zu", "el", "al", "bin", "ibn", "y",
    // Abbreviations, as in `v.d. Berg` and `d'Ancona`.
    "v", "vd", "vdr", "d",
];

/// Folds one letter that NFKD leaves alone into plain ASCII letters.
fn spell_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'ł' => "l",
        'đ' => "d",
        'ð' => "d",
        'þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// A name folded for comparison: lower case ASCII-ish words without diacritics.
pub fn fold_name(name: &str) -> Vec<String> {
    let mut folded = String::with_capacity(name.len());
    for c in name.nfkd().filter(|c| !is_combining_mark(*c)) {
        for lower in c.to_lowercase() {
            match spell_out(lower) {
                Some(s) => folded.push_str(s),
                None if lower.is_alphanumeric() => folded.push(lower),
                None => folded.push(' '),
            }
        }
    }
    folded.split_whitespace().map(str::to_owned).collect()
}

/// What starts the key of an unlinkable record (followed by a SHA-256 hex digest), so
/// that it can never be taken for a pseudonym.
pub const UNLINKABLE_PREFIX: &str = "u:";

/// The text the keyed hash of an unlinkable record is made from: its record's id, never
/// anything about the person.
pub fn unlinkable_record_text(record_id: &str) -> String {
    format!("record|{record_id}")
}

/// Whether a stored key is of an unlinkable record rather than a pseudonym.
pub fn is_unlinkable(key: &str) -> bool {
    key.starts_with(UNLINKABLE_PREFIX)
}

/// The canonical identifier text of a person, or `None` when there is too little to
/// link on (no name, or no full date of birth): such a person is an unlinkable record.
pub fn canonical_identifiers(
    given_names: &str,
    family_name: &str,
    date_of_birth: Option<NaiveDate>,
    gender: Gender,
) -> Option<String> {
    let mut parts: Vec<String> = fold_name(given_names)
        .into_iter()
        .chain(fold_name(family_name))
        .filter(|w| !PARTICLES.contains(&w.as_str()))
        .collect();
    let dob = date_of_birth?;
    if parts.is_empty() {
        return None;
    }
    parts.sort();
    let dob = dob.format("%Y-%m-%d");
    Some(format!("v1|{}|{dob}|{}", parts.join(" "), gender.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(given: &str, family: &str, dob: &str, gender: Gender) -> Option<String> {
        canonical_identifiers(
            given,
            family,
            NaiveDate::parse_from_str(dob, "%Y-%m-%d").ok(),
            gender,
        )
    }

    #[test]
    fn the_same_person_written_differently_gets_one_key() {
        let g = Gender::Female;
        let a = key("José", "van der Berg", "1998-04-02", g);
        for (given, family) in [
            ("Jose", "van der Berg"),
            ("JOSÉ", "Van Der Berg"),
            ("  josé ", "van  der   berg"),
            ("José", "Berg"),
            ("José", "v.d. Berg"),
            ("Berg", "José van der"),
            ("Jose\u{301}", "van der Berg"),
        ] {
            assert_eq!(key(given, family, "1998-04-02", g), a, "{given} / {family}");
        }
        let b = key("Anna-Maria", "Nowak", "2001-01-30", g);
        assert_eq!(key("Anna Maria", "NOWAK", "2001-01-30", g), b);
        assert_eq!(key("Maria Anna", "Nowak", "2001-01-30", g), b, "name order");
        assert_eq!(
            key("Ólafur", "Þórsson", "1980-05-05", Gender::Male),
            key("Olafur", "Thorsson", "1980-05-05", Gender::Male)
        );
        assert_eq!(
            key("Søren", "Weiß", "1980-05-05", Gender::Male),
            key("Soren", "Weiss", "1980-05-05", Gender::Male)
        );
        assert_eq!(
            key("Ｊｏｓé", "Berg", "1998-04-02", g),
            a,
            "full-width letters"
        );
    }

    #[test]
    fn different_people_get_different_keys() {
        let a = key("Jan", "Jansen", "1990-01-01", Gender::Male);
        assert_ne!(
            a,
            key("Jan", "Jansen", "1990-01-02", Gender::Male),
            "another birthday"
        );
        assert_ne!(
            a,
            key("Jan", "Jansen", "1990-01-01", Gender::Female),
            "another gender"
        );
        assert_ne!(
            a,
            key("Jan", "Janssen", "1990-01-01", Gender::Male),
            "another name"
        );
        assert_eq!(
            key("Jan", "Jansen", "", Gender::Male),
            None,
            "a name without a date of birth links nothing"
        );
        assert_ne!(
            key("Li", "Wei", "1990-01-01", Gender::Male),
            key("Liwei", "", "1990-01-01", Gender::Male)
        );
    }

    #[test]
    fn without_a_name_or_a_full_date_of_birth_there_is_nothing_to_link() {
        assert_eq!(key("", "", "1990-01-01", Gender::Unknown), None);
        assert_eq!(key(" - ", "van der", "1990-01-01", Gender::Unknown), None);
        // Every `Iva, female` without a date of birth would otherwise be one person.
        assert_eq!(key("Iva", "", "", Gender::Female), None);
        assert_eq!(key("Iva", "Petrova", "", Gender::Female), None);
        assert!(key("Iva", "", "2001-07-09", Gender::Female).is_some());
        assert!(is_unlinkable("u:ab") && !is_unlinkable("ab"));
    }
}
