//! Downloading the copy of a person's record from the rights page (`GET
//! /cases/{id}/person-record?format=pdf&lang=nl`): everything the owning agency stores
//! about the person, for their access request, as a PDF in English or Dutch with the
//! codes in the words of the site's own catalog, or as JSON for another system. Each
//! download is an export in the audit trail (the use case records it); the answer is
//! an attachment named after the case, never cached and never rendered in the site's
//! origin. Anyone but the owning agency's coordinators gets the use case's answer.

use crate::WebState;
use crate::document_download::DOWNLOAD_CSP;
use crate::forms::{Failure, with_env};
use crate::i18n::{Lang, Texts};
use crate::pages::complete_viewer;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_domain::CaseId;
use schakel_referral_workflow::rights::export_person_record;
use schakel_referral_workflow::views::PersonRecord;

/// The site's catalog of a vocabulary the PDF asks for, where it has one (any other
/// code reads as its words with spaces, as the catalog does for a code it lacks).
fn catalog_of(vocabulary: &str) -> &str {
    match vocabulary {
        "exploitation_form" => "form",
        "recipient_kind" => "recipient",
        "referral_purpose" => "purpose",
        "referral_state" => "state",
        "decline_reason" => "reason",
        "referral_outcome" => "outcome",
        "nationality_group" => "nationality",
        "age_band" => "age",
        "agency_kind" => "kind",
        "consent_giver" => "giver",
        "timeline" => "event",
        other => other,
    }
}

/// The record as the form asks: the PDF in `lang`, or JSON; its media type and bytes.
fn rendered(record: &PersonRecord, query: &str) -> Result<(&'static str, Vec<u8>), Failure> {
    let asked = |key: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
    };
    if asked("format") == Some("json") {
        let bytes =
            serde_json::to_vec_pretty(record).map_err(|e| Failure::Internal(e.to_string()))?;
        return Ok(("application/json", bytes));
    }
    let (lang, pdf_lang) = match asked("lang") {
        Some("en") => (Lang::En, schakel_record_pdf::Lang::En),
        _ => (Lang::Nl, schakel_record_pdf::Lang::Nl),
    };
    let t = Texts { lang };
    let words = |vocabulary: &str, code: &str| t.code(catalog_of(vocabulary), code);
    let bytes = schakel_record_pdf::render(record, pdf_lang, &words)
        .map_err(|e| Failure::Internal(e.to_string()))?;
    Ok(("application/pdf", bytes))
}

/// The case's reference as a file name may hold it.
fn file_name(record: &PersonRecord, media_type: &str) -> String {
    let reference: String = record
        .cases
        .first()
        .map(|c| c.reference.as_str())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let ext = if media_type == "application/pdf" {
        "pdf"
    } else {
        "json"
    };
    format!("person-record-{reference}.{ext}")
}

/// `GET /cases/{id}/person-record`.
pub async fn download(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Ok(id) = path.parse::<CaseId>() else {
        return Failure::Hidden.page(&v);
    };
    let actor = v.actor;
    let query = req.query_string().to_owned();
    let got = with_env(&req, &state, move |conn, env| {
        let record = export_person_record(conn, env, &actor, id)?;
        let (media_type, bytes) = rendered(&record, &query)?;
        Ok((file_name(&record, media_type), media_type, bytes))
    })
    .await;
    let (name, media_type, bytes) = match got {
        Ok(got) => got,
        Err(x) => return x.page(&v),
    };
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(name)],
    };
    HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_SECURITY_POLICY, DOWNLOAD_CSP))
        .body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_reads_codes_in_the_catalog_words_of_its_language() {
        let nl = Texts { lang: Lang::Nl };
        let en = Texts { lang: Lang::En };
        let words = |t: Texts, v: &str, c: &str| t.code(catalog_of(v), c);
        assert_eq!(
            words(en, "referral_state", "sent"),
            "sent, awaiting an answer"
        );
        assert_eq!(words(en, "agency_kind", "ngo"), "NGO");
        assert_ne!(
            words(nl, "referral_state", "sent"),
            words(en, "referral_state", "sent")
        );
        // A code the catalog lacks reads as its words.
        assert_eq!(words(en, "scan_state", "not_scanned"), "not scanned");
    }
}
