//! The weaker "similar person" match of the signal form's check: a person of the agency
//! whose family name sounds the same and who was born in the same year. Found through a
//! blind index, `persons.similar_index`: a keyed hash (the index key, purpose
//! [`PURPOSE`]) of `<sound of the family name>|<year of birth>`, so neither the name nor
//! its sound is ever stored or compared in clear.
//!
//! The sound is the Cologne phonetic code (Kölner Phonetik) of the family name folded as
//! for the exact index (case, diacritics, hyphens and spaces do not matter), particles
//! included: made for German spellings, it hears Dutch ones alike too (Jansen and
//! Janssen, de Vries and de Fries, Dijkstra and Dykstra).
//!
//! Persons stored before the index existed get it from [`backfill_similar_index`], run
//! when the server starts. This module neither searches (see `cases::similar_cases`) nor
//! shows anything: it only makes and fills the index.

use crate::identity::Identity;
use crate::support::{Env, event, record};
use crate::{UseCaseError, WorkflowConfig};
use rphonetic::{Cologne, Encoder};
use schakel_audit::ActionKind;
use schakel_auth::RequestContext;
use schakel_domain::PersonId;
use schakel_domain::pseudonym::fold_name;
use schakel_store::casework::persons;
use schakel_store::{DbConn, write_tx};

/// The purpose label of the similar index's keyed hash.
pub const PURPOSE: &str = "person.similar";

/// Persons read and filled per transaction by the backfill.
const BATCH: i64 = 100;

/// The sound of a family name: the Cologne phonetic code of its folded letters (empty
/// when nothing in it has a sound, as for a name in a script other than Latin).
pub fn family_name_sound(name: &str) -> String {
    Cologne.encode(&fold_name(name).concat())
}

/// The similar index of a family name and a year of birth; `None` when the name has no
/// sound (nobody is indexed, or found, under an empty sound).
pub fn similar_index(
    cfg: &WorkflowConfig,
    family_name: &str,
    birth_year: i32,
) -> Result<Option<String>, UseCaseError> {
    let sound = family_name_sound(family_name);
    if sound.is_empty() {
        return Ok(None);
    }
    let text = format!("{sound}|{birth_year}");
    Ok(Some(cfg.keys.blind_index(
        &cfg.index_key_id,
        PURPOSE,
        &text,
    )?))
}

/// Gives every person stored before the similar index existed (an identity, not erased,
/// no similar index) the index their identity makes, a batch of persons per
/// transaction; returns how many got one. A person without a family name or a date of
/// birth gets none and is read again at the next run. A run that filled any is audited
/// (`system.similar_backfill`, with the count).
pub fn backfill_similar_index(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, UseCaseError> {
    let mut after: Option<PersonId> = None;
    let mut filled = 0;
    loop {
        let page = persons::without_similar_index(conn, after, BATCH)?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        filled += write_tx(conn, |conn| fill_batch(conn, cfg, &page))?;
    }
    if filled > 0 {
        let ctx = RequestContext::default();
        let env = Env {
            cfg,
            ctx: &ctx,
            now,
        };
        let details = serde_json::json!({ "filled": filled });
        write_tx(conn, |conn| {
            let e = event(
                None,
                "system.similar_backfill",
                ActionKind::Update,
                ("persons", "similar_index".to_owned()),
            )?
            .with_details(details.clone());
            record(conn, &env, e)
        })?;
    }
    Ok(filled)
}

/// Fills the similar index of the persons of one batch; how many got one.
fn fill_batch(
    conn: &mut DbConn,
    cfg: &WorkflowConfig,
    page: &[persons::Person],
) -> Result<usize, UseCaseError> {
    let mut filled = 0;
    for p in page {
        let Some(sealed) = &p.identity else { continue };
        let identity = Identity::open(cfg, p.id, sealed)?;
        if let Some(index) = identity.similar_index(cfg)?
            && persons::fill_similar_index(conn, p.id, sealed, &index)?
        {
            filled += 1;
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_sound_alike_have_one_sound_and_others_do_not() {
        let same = [
            ("Jansen", "Janssen"),
            ("de Vries", "De Fries"),
            ("Dijkstra", "Dykstra"),
            ("Meijer", "Meyer"),
            ("Müller", "Mueller"),
            ("Van der Berg", "vanderberg"),
        ];
        for (a, b) in same {
            assert_eq!(family_name_sound(a), family_name_sound(b), "{a} ~ {b}");
            assert!(!family_name_sound(a).is_empty());
        }
        for (a, b) in [("Jansen", "Pietersen"), ("Bakker", "Visser")] {
            assert_ne!(family_name_sound(a), family_name_sound(b), "{a} !~ {b}");
        }
        assert_eq!(family_name_sound("- -"), "");
    }

    #[test]
    fn the_index_hides_the_sound_and_differs_by_year_and_key() {
        let cfg = WorkflowConfig::ephemeral();
        let a = similar_index(&cfg, "Jansen", 1990).unwrap().unwrap();
        assert_eq!(
            similar_index(&cfg, "JANSSEN", 1990).unwrap(),
            Some(a.clone())
        );
        assert_ne!(
            similar_index(&cfg, "Jansen", 1991).unwrap(),
            Some(a.clone())
        );
        assert!(!a.contains(&family_name_sound("Jansen")));
        let other = WorkflowConfig::ephemeral();
        assert_ne!(similar_index(&other, "Jansen", 1990).unwrap(), Some(a));
        assert_eq!(similar_index(&cfg, "--", 1990).unwrap(), None);
    }
}
