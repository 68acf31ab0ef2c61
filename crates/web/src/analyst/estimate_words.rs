//! The estimate's parts in the page's words: an interaction of lists ("shelters ×
//! ngos"), a stratum, a method, and why no estimate was made (the estimator's reason,
//! said in the page's language where the catalog knows it, else as the estimator says
//! it). Pure: no database, no HTTP.

use super::numbers;
use crate::i18n::Texts;
use schakel_monitor::estimate::Stratum;
use schakel_monitor::mse::Method;

/// An interaction `a:b` (or a model `a:b + c:d`) in words: `a × b`.
pub(crate) fn term(spec: &str) -> String {
    spec.replace(':', " × ")
}

/// A stratum in words ("Age band (years): 18 to 22"), or "all persons".
pub(crate) fn stratum(t: &Texts, s: Option<Stratum>) -> String {
    let Some(s) = s else {
        return t.get("estimate.all_persons").to_owned();
    };
    let code = s.as_string();
    let (dim, value) = code.split_once(':').unwrap_or((code.as_str(), ""));
    let kind = match dim {
        "age_band" => "age",
        "exploitation_form" => "form",
        other => other,
    };
    format!(
        "{}: {}",
        t.get(&format!("analyst.dim.{dim}")),
        t.code(kind, value)
    )
}

/// How the model was chosen, in words.
pub(crate) fn method(t: &Texts, m: &Method) -> String {
    let key = format!("estimate.chosen_by.{}", m.code());
    let words = t.get(&key);
    match m {
        Method::Stepwise { threshold } => {
            words.replace("{p}", &numbers::decimal(t.lang, *threshold, 2))
        }
        _ => words.to_owned(),
    }
}

/// The catalog key of an estimator's reason, and the model it names (if any).
fn reason_key(reason: &str) -> Option<(&'static str, Option<&str>)> {
    let model_between = |prefix: &str, end: &str| {
        reason
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once(end))
            .map(|(m, _)| m)
    };
    if let Some(m) = model_between("the estimate does not exist for the model ", ":") {
        return Some(("estimate.refused.does_not_exist", Some(m)));
    }
    if let Some(m) = model_between("the model ", " is not identifiable") {
        return Some(("estimate.refused.not_identifiable", Some(m)));
    }
    let key = match reason {
        r if r.starts_with("at least") => "estimate.refused.too_few",
        r if r.starts_with("at most") => "estimate.refused.too_many",
        "no persons on any list" => "estimate.refused.no_persons",
        r if r.starts_with("the model names unknown lists") => "estimate.refused.unknown",
        r if r.contains("singular") => "estimate.refused.singular",
        r if r.contains("did not converge") => "estimate.refused.diverged",
        r if r.contains("no upper bound") => "estimate.refused.unbounded",
        r if r.contains("bootstrap gave no interval") => "estimate.refused.bootstrap",
        _ => return None,
    };
    Some((key, None))
}

/// Why no estimate was made, in the page's words.
pub(crate) fn refusal(t: &Texts, reason: &str) -> String {
    match reason_key(reason) {
        Some((key, model)) => t
            .get(key)
            .replace("{model}", &model.map(term).unwrap_or_default()),
        None => reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use schakel_monitor::mse::MseError;

    #[test]
    fn every_reason_of_the_estimator_is_said_in_dutch() {
        let t = Texts { lang: Lang::Nl };
        for e in [
            MseError::TooFewLists(1),
            MseError::TooManyLists(11),
            MseError::NoPersons,
            MseError::DoesNotExist("la:ng + ng:pf".into()),
            MseError::NotIdentifiable("la:ng".into()),
            MseError::UnknownTerm("(1, 7)".into()),
            MseError::Singular,
            MseError::Diverged,
            MseError::Unbounded,
            MseError::BootstrapFailed,
        ] {
            let reason = e.to_string();
            assert!(reason_key(&reason).is_some(), "{reason}");
            let said = refusal(&t, &reason);
            assert_ne!(said, reason);
            assert!(!said.contains("estimate.refused"), "{said}");
        }
        let said = refusal(&t, &MseError::NotIdentifiable("la:ng".into()).to_string());
        assert!(said.contains("la × ng"), "{said}");
        assert_eq!(refusal(&t, "iets anders"), "iets anders");
    }

    #[test]
    fn a_stratum_and_a_method_in_words() {
        let t = Texts { lang: Lang::En };
        assert_eq!(
            stratum(&t, Stratum::parse("age_band:18-22")),
            "Age band (years): 18 to 22"
        );
        assert_eq!(stratum(&t, None), "all persons");
        let m = Method::Stepwise { threshold: 0.02 };
        assert!(method(&t, &m).contains("0.02"), "{}", method(&t, &m));
        assert_eq!(
            term("police_inspectorates:shelters"),
            "police_inspectorates × shelters"
        );
    }
}
