//! The code systems the facade speaks: FHIR's own (Task and ServiceRequest statuses,
//! priorities, administrative gender) and Schakel's, each a canonical URL under
//! [`BASE`] whose codes are the platform's codes as the JSON API writes them.

use schakel_domain::{Gender, ReferralState, Urgency};
use serde_json::{Value, json};

/// Where Schakel's own code systems and extensions are named. A name, not a page: the
/// definitions are in `docs/fhir.md`.
pub const BASE: &str = "https://schakel.invalid/fhir";

/// The canonical URL of one of Schakel's code systems (`referral-purpose`, ...).
pub fn system(name: &str) -> String {
    format!("{BASE}/CodeSystem/{name}")
}

/// The canonical URL of one of Schakel's extensions (`age-band`, ...).
pub fn extension_url(name: &str) -> String {
    format!("{BASE}/StructureDefinition/{name}")
}

/// A coding in one of Schakel's code systems.
pub fn coding(system_name: &str, code: &str) -> Value {
    json!({ "system": system(system_name), "code": code })
}

/// A concept of one coding in one of Schakel's code systems, with the code as text.
pub fn concept(system_name: &str, code: &str) -> Value {
    json!({ "coding": [coding(system_name, code)], "text": code })
}

/// An extension holding one coding of Schakel's.
pub fn coded_extension(name: &str, system_name: &str, code: &str) -> Value {
    json!({ "url": extension_url(name), "valueCoding": coding(system_name, code) })
}

/// The Task status of a referral state (the closed-loop referral pattern's).
pub fn task_status(state: ReferralState) -> &'static str {
    match state {
        ReferralState::Sent => "requested",
        ReferralState::Accepted => "accepted",
        ReferralState::InProgress => "in-progress",
        ReferralState::Completed => "completed",
        ReferralState::Declined | ReferralState::Redirected => "rejected",
        ReferralState::Withdrawn => "cancelled",
        ReferralState::Expired => "failed",
    }
}

/// The ServiceRequest status of a referral state.
pub fn request_status(state: ReferralState) -> &'static str {
    match state {
        ReferralState::Sent | ReferralState::Accepted | ReferralState::InProgress => "active",
        ReferralState::Completed => "completed",
        ReferralState::Declined
        | ReferralState::Redirected
        | ReferralState::Withdrawn
        | ReferralState::Expired => "revoked",
    }
}

/// The referral states a Task status stands for (a search by status).
pub fn states_of_task_status(status: &str) -> Option<&'static [ReferralState]> {
    use ReferralState as S;
    Some(match status {
        "requested" => &[S::Sent],
        "accepted" => &[S::Accepted],
        "in-progress" => &[S::InProgress],
        "completed" => &[S::Completed],
        "rejected" => &[S::Declined, S::Redirected],
        "cancelled" => &[S::Withdrawn],
        "failed" => &[S::Expired],
        _ => return None,
    })
}

/// The referral states a ServiceRequest status stands for (a search by status).
pub fn states_of_request_status(status: &str) -> Option<&'static [ReferralState]> {
    use ReferralState as S;
    Some(match status {
        "active" => &[S::Sent, S::Accepted, S::InProgress],
        "completed" => &[S::Completed],
        "revoked" => &[S::Declined, S::Redirected, S::Withdrawn, S::Expired],
        _ => return None,
    })
}

/// The request priority of an urgency.
pub fn priority(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Urgent => "urgent",
        Urgency::Normal => "routine",
    }
}

/// The urgency of a request priority (`asap` and `stat` are urgent too).
pub fn urgency_of(priority: &str) -> Option<Urgency> {
    match priority {
        "routine" => Some(Urgency::Normal),
        "urgent" | "asap" | "stat" => Some(Urgency::Urgent),
        _ => None,
    }
}

/// FHIR's administrative gender of a gender.
pub fn administrative_gender(gender: Gender) -> &'static str {
    match gender {
        Gender::Female => "female",
        Gender::Male => "male",
        Gender::NonBinaryOrOther => "other",
        Gender::Unknown => "unknown",
    }
}

/// The gender of FHIR's administrative gender.
pub fn gender_of(code: &str) -> Option<Gender> {
    match code {
        "female" => Some(Gender::Female),
        "male" => Some(Gender::Male),
        "other" => Some(Gender::NonBinaryOrOther),
        "unknown" => Some(Gender::Unknown),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_one_task_status_that_searches_back_to_it() {
        for state in ReferralState::ALL {
            let status = task_status(*state);
            let back = states_of_task_status(status).expect("a known status");
            assert!(back.contains(state), "{state:?} → {status}");
            let status = request_status(*state);
            let back = states_of_request_status(status).expect("a known status");
            assert!(back.contains(state), "{state:?} → {status}");
        }
    }

    #[test]
    fn genders_go_there_and_back() {
        for gender in Gender::ALL {
            assert_eq!(gender_of(administrative_gender(*gender)), Some(*gender));
        }
    }
}
