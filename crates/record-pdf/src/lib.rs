//! A person's record, the answer to their access request (GDPR art. 15), rendered as a
//! PDF: A4 pages of plain text in the embedded DejaVu Sans fonts, in English or Dutch,
//! with times in Netherlands time and a footer naming the agency, the day it was
//! produced and the page. It renders what the use case gave it and nothing more.

mod case;
mod labels;
mod layout;
mod person;
mod text;

use layout::{Flow, Fonts};
use schakel_referral_workflow::views::PersonRecord;

/// The language of the document's own words (headings, labels, the introduction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
}

/// Why a record could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// An embedded font could not be parsed.
    #[error("the embedded font {0} could not be parsed")]
    Font(&'static str),
}

/// The words for a code when the caller has no vocabulary: the code with its
/// underscores as spaces (`shelter_categorical` → `shelter categorical`).
pub fn plain_words(vocabulary: &str, code: &str) -> String {
    let _ = vocabulary;
    code.replace('_', " ")
}

/// Renders `record` as a PDF in `lang`. `words(vocabulary, code)` gives the words for
/// a coded value; the vocabularies asked for are `case_status`, `region`,
/// `exploitation_form`, `close_reason`, `consent_kind`, `recipient_kind`,
/// `referral_purpose`, `urgency`, `referral_state`, `decline_reason`,
/// `referral_outcome`, `note_kind`, `note_visibility`, `media_type`, `scan_state`,
/// `reporting_basis`, `restriction_ground`, `role`, `gender`, `nationality_group`,
/// `age_band`, `timeline` (a timeline entry's kind), `action` (an access's audit
/// action), `agency_kind`, `consent_giver` and `legal_basis`.
pub fn render(
    record: &PersonRecord,
    lang: Lang,
    words: &dyn Fn(&str, &str) -> String,
) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load()?;
    let ctx = text::Ctx {
        lang,
        labels: labels::of(lang),
        words,
    };
    let mut flow = Flow::new(&fonts);
    person::intro(&mut flow, record, &ctx);
    person::person(&mut flow, record, &ctx);
    case::cases(&mut flow, &record.cases, &ctx);
    person::signals(&mut flow, &record.signals, &ctx);
    person::accesses(&mut flow, &record.accesses, &ctx);
    let produced = text::date_of(record.produced_at);
    let footer =
        |agency: &str, page: usize, pages: usize| ctx.labels.footer(agency, &produced, page, pages);
    Ok(flow.finish(
        &ctx.labels.title(&record.agency.name),
        &record.agency.name,
        &footer,
    ))
}
