//! The rows of the auditors' review of emergency access in the viewer's words: one
//! access with its review form while pending, the filter by review state, and the
//! counts per agency and per worker. Only how things read; the use cases decided what
//! the auditor sees.

use crate::forms::Choice;
use crate::i18n::Texts;
use crate::time::day_time;
use schakel_domain::{EmergencyAccessId, EmergencyReview, EmergencyVerdict};
use schakel_referral_workflow::views::{EmergencyAccessView, EmergencySummary, EmergencyTally};

/// A review form sent back: the access it was for, the verdict and note as typed, and
/// the message (a catalog key) next to the field it is about or above the form.
pub(crate) struct Sent {
    pub(crate) id: EmergencyAccessId,
    pub(crate) verdict: String,
    pub(crate) note: String,
    pub(crate) problem: Option<(&'static str, &'static str)>,
}

/// The review states the list is filtered by, `all` among them.
const FILTERS: &[&str] = &["pending", "all", "justified", "escalated"];

/// The review form of a pending access, as typed when it was sent back.
pub(crate) struct ReviewForm {
    pub(crate) verdicts: Vec<Choice>,
    pub(crate) note: String,
    /// The field refused and its message (a catalog key).
    pub(crate) problem: Option<(&'static str, &'static str)>,
}

impl ReviewForm {
    /// The message of `field`, if the form was refused for it.
    pub(crate) fn problem_of(&self, field: &str) -> Option<&'static str> {
        self.problem.filter(|(f, _)| *f == field).map(|(_, k)| k)
    }
}

/// One emergency access as the auditor reads it.
pub(crate) struct AccessRow {
    pub(crate) id: String,
    pub(crate) started: String,
    pub(crate) who: String,
    pub(crate) agency: String,
    pub(crate) case_agency: String,
    pub(crate) reference: String,
    pub(crate) ground: String,
    pub(crate) identity_shown: bool,
    pub(crate) reason: Option<String>,
    pub(crate) active: bool,
    pub(crate) ends: String,
    pub(crate) review: String,
    /// Who reviewed it and when, in words.
    pub(crate) reviewed: Option<String>,
    pub(crate) review_note: Option<String>,
    /// The form, while it waits for a review.
    pub(crate) form: Option<ReviewForm>,
}

/// The counts of one line of the summary.
pub(crate) struct Tally {
    pub(crate) name: String,
    pub(crate) agency: String,
    pub(crate) total: u32,
    pub(crate) pending: u32,
    pub(crate) justified: u32,
    pub(crate) escalated: u32,
}

fn tally(name: String, agency: String, x: &EmergencyTally) -> Tally {
    Tally {
        name,
        agency,
        total: x.total,
        pending: x.pending,
        justified: x.justified,
        escalated: x.escalated,
    }
}

/// The filter's choices, `chosen` marked.
pub(crate) fn filters(t: Texts, chosen: &str) -> Vec<Choice> {
    FILTERS
        .iter()
        .map(|c| Choice {
            code: (*c).to_owned(),
            words: t.code("emergency_review.filter", c),
            on: *c == chosen,
        })
        .collect()
}

/// The review form of access `a`: as `sent` typed it when it was for this access.
fn form(t: Texts, a: &EmergencyAccessView, sent: Option<&Sent>) -> ReviewForm {
    let sent = sent.filter(|s| s.id == a.id);
    let chosen = sent.map_or("", |s| s.verdict.as_str());
    ReviewForm {
        verdicts: EmergencyVerdict::ALL
            .iter()
            .map(|v| Choice {
                code: v.as_str().to_owned(),
                words: t.code("emergency_verdict", v.as_str()),
                on: v.as_str() == chosen,
            })
            .collect(),
        note: sent.map(|s| s.note.clone()).unwrap_or_default(),
        problem: sent.and_then(|s| s.problem),
    }
}

/// Access `a` in words, with its form while pending (as `sent` typed it).
pub(crate) fn row(t: Texts, a: &EmergencyAccessView, sent: Option<&Sent>) -> AccessRow {
    let pending = a.review == EmergencyReview::Pending;
    let reviewed = a.reviewed_by.as_ref().map(|w| {
        t.get("emergency_review.reviewed_by")
            .replace("{name}", &w.name)
            .replace("{at}", &a.reviewed_at.map(day_time).unwrap_or_default())
    });
    AccessRow {
        id: a.id.to_string(),
        started: day_time(a.started_at),
        who: a.user.name.clone(),
        agency: a.agency.name.clone(),
        case_agency: a.owner_agency.name.clone(),
        reference: a.case_reference.clone(),
        ground: t.code("emergency_ground", a.ground.as_str()),
        identity_shown: a.identity_shown,
        reason: a.reason.clone(),
        active: a.active,
        ends: day_time(a.expires_at),
        review: t.code("emergency_state", a.review.as_str()),
        reviewed,
        review_note: a.review_note.clone(),
        form: pending.then(|| form(t, a, sent)),
    }
}

/// The summary's lines: all accesses, per agency and per worker.
pub(crate) fn tallies(t: Texts, s: &EmergencySummary) -> (Tally, Vec<Tally>, Vec<Tally>) {
    let all = tally(
        t.get("emergency_review.all").to_owned(),
        String::new(),
        &s.all,
    );
    let agencies = s
        .by_agency
        .iter()
        .map(|a| tally(a.agency.name.clone(), String::new(), &a.tally))
        .collect();
    let users = s
        .by_user
        .iter()
        .map(|u| tally(u.user.name.clone(), u.agency.name.clone(), &u.tally))
        .collect();
    (all, agencies, users)
}
