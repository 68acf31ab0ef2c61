//! The person's fields of a form (the identity and the gender), read and filled the same
//! way wherever a page takes them: the signal form and the correction of a case. A date
//! of birth or a stated age that is given must be readable; left empty, it is unknown.
//! Whether a code names a real country or a date is plausible, the use cases decide:
//! this module only reads what was typed and names the field of a refusal.

use crate::forms::{Fields, Problems, date};
use schakel_domain::Gender;
use schakel_referral_workflow::identity::Identity;

/// The form fields of the identity that hold text (the checkbox `stateless` aside).
pub(crate) const TEXT_FIELDS: &[&str] = &[
    "given_names",
    "family_name",
    "date_of_birth",
    "stated_age",
    "nationalities",
    "languages",
    "contact",
];

/// Splits a list of codes typed with commas or spaces.
fn code_list(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An optional field read with `read`: `None` when left empty; when given but not
/// readable, `None` and the message `invalid` next to it.
fn optional<T>(
    f: &Fields,
    e: &mut Problems,
    field: &'static str,
    invalid: &'static str,
    read: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    match f.one(field) {
        "" => None,
        given => {
            let parsed = read(given);
            if parsed.is_none() {
                e.add(field, invalid);
            }
            parsed
        }
    }
}

/// The identity the form describes, every field of it; a date of birth or an age that
/// cannot be read has its message in `e`. The day an age was stated is left to the use
/// case (the day the person was observed, or as held).
pub(crate) fn identity(f: &Fields, e: &mut Problems) -> Identity {
    let date_of_birth = optional(f, e, "date_of_birth", "invalid.date", date);
    let stated_age = optional(f, e, "stated_age", "invalid.stated_age", |a| {
        a.parse::<u32>().ok()
    });
    Identity {
        given_names: f.text("given_names"),
        family_name: f.text("family_name"),
        date_of_birth,
        stated_age,
        age_stated_on: None,
        nationalities: code_list(f.one("nationalities")),
        stateless: f.ticked("stateless"),
        languages: code_list(f.one("languages")),
        contact: f.text("contact"),
    }
}

/// The gender chosen (unknown when none is); `None` with a message when it is not one
/// we know.
pub(crate) fn gender(f: &Fields, e: &mut Problems) -> Option<Gender> {
    let gender = match f.one("gender") {
        "" => Some(Gender::Unknown),
        g => g.parse::<Gender>().ok(),
    };
    if gender.is_none() {
        e.add("gender", "invalid.choose");
    }
    gender
}

/// The form's fields filled with an identity and a gender, as the form shows them.
pub(crate) fn fields_of(i: &Identity, gender: Gender) -> Vec<(String, String)> {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let pairs = [
        ("given_names", i.given_names.clone()),
        ("family_name", i.family_name.clone()),
        ("date_of_birth", day(i.date_of_birth)),
        ("stated_age", i.stated_age.map(|a| a.to_string())),
        ("nationalities", Some(i.nationalities.join(", "))),
        ("stateless", i.stateless.then(|| "1".to_owned())),
        ("languages", Some(i.languages.join(", "))),
        ("contact", i.contact.clone()),
        ("gender", Some(gender.to_string())),
    ];
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_owned(), v?)))
        .collect()
}

/// The form field and message of a field of the person that a use case refused; `None`
/// for a field that is not the person's.
pub(crate) fn refused(field: &str) -> Option<(&'static str, &'static str)> {
    Some(match field {
        "given_names" => ("given_names", "invalid.name"),
        "family_name" => ("family_name", "invalid.name"),
        "date_of_birth" => ("date_of_birth", "invalid.date_of_birth"),
        "stated_age" => ("stated_age", "invalid.stated_age"),
        "age_stated_on" => ("stated_age", "invalid.field"),
        "nationalities" => ("nationalities", "invalid.countries"),
        "languages" => ("languages", "invalid.languages"),
        "contact" => ("contact", "invalid.text"),
        "gender" => ("gender", "invalid.choose"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn an_identity_is_read_from_its_fields_and_filled_back_the_same() {
        let typed = fields(&[
            ("given_names", "Ioana"),
            ("family_name", "Popescu"),
            ("date_of_birth", "1990-04-02"),
            ("nationalities", "RO, md"),
            ("stateless", "1"),
            ("languages", "ro en"),
            ("gender", "female"),
        ]);
        let mut e = Problems::default();
        let i = identity(&typed, &mut e);
        assert!(e.is_empty());
        assert_eq!(i.nationalities, ["RO", "md"]);
        assert_eq!(i.languages, ["ro", "en"]);
        assert!(i.stateless && i.contact.is_none());
        assert_eq!(gender(&typed, &mut e), Some(Gender::Female));
        let again = Fields::new(fields_of(&i, Gender::Female));
        assert_eq!(again.one("date_of_birth"), "1990-04-02");
        assert_eq!(again.one("nationalities"), "RO, md");
        assert!(again.ticked("stateless") && again.one("stated_age").is_empty());
        assert_eq!(identity(&again, &mut e), i);
    }

    #[test]
    fn unreadable_dates_ages_and_genders_have_their_messages() {
        let typed = fields(&[
            ("date_of_birth", "2 april"),
            ("stated_age", "-3"),
            ("gender", "robot"),
        ]);
        let mut e = Problems::default();
        let i = identity(&typed, &mut e);
        assert_eq!(gender(&typed, &mut e), None);
        assert!(i.date_of_birth.is_none() && i.stated_age.is_none());
        assert_eq!(e.of("date_of_birth"), Some("invalid.date"));
        assert_eq!(e.of("stated_age"), Some("invalid.stated_age"));
        assert_eq!(e.of("gender"), Some("invalid.choose"));
        assert_eq!(
            refused("nationalities").map(|r| r.1),
            Some("invalid.countries")
        );
        assert_eq!(refused("region"), None);
    }
}
