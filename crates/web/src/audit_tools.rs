//! The auditor's tools beside the trail page: "who saw this person"
//! (`POST /audit/who-saw`), which finds the reference the trail names a person by — from
//! a case (its agency and reference) or from the person's identifiers (family name, date
//! of birth, gender and given names as recorded) — and leads to the trail filtered by it
//! (`/audit?subject=`); and the trail's export with the page's filters
//! (`GET /audit/export.csv`, `GET /audit/export.jsonl`), an attachment. Both call the
//! use cases the API calls, which record the lookup and the export before answering;
//! anyone but an auditor is refused by the form's extractor or the use case and
//! answered 404. No identity is ever shown or put in an address: a lookup that fails
//! returns to the trail with a message only.

use crate::WebState;
use crate::audit_query::{TrailQuery, of_subject};
use crate::forms::{Failure, Fields, as_viewer, date, with_env};
use crate::pages::{Nav, complete_viewer, error_page, internal, not_found, see_other};
use crate::signed::AuditorForm;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use schakel_auth::admin::audit_trail;
use schakel_domain::{AgencyId, Gender, Role};
use schakel_referral_workflow::who_saw::{SubjectLookup, lookup_subject};

/// Why a lookup led nowhere (`/audit?lookup=`), as its catalog key; only these codes.
pub(crate) fn lookup_key(code: &str) -> Option<&'static str> {
    match code {
        "not_found" => Some("audit.lookup.not_found"),
        "incomplete" => Some("audit.lookup.incomplete"),
        _ => None,
    }
}

/// The lookup the form describes; `None` when a field is not valid.
fn parse(f: &Fields) -> Option<SubjectLookup> {
    let coded = |name: &str| -> Option<Option<String>> {
        match f.one(name).trim() {
            "" => Some(None),
            v => Some(Some(v.to_owned())),
        }
    };
    let agency_id = match f.one("agency_id") {
        "" => None,
        _ => Some(f.code::<AgencyId>("agency_id")?),
    };
    let gender = match f.one("gender") {
        "" => None,
        _ => Some(f.code::<Gender>("gender")?),
    };
    let date_of_birth = match f.one("date_of_birth").trim() {
        "" => None,
        d => Some(date(d)?),
    };
    Some(SubjectLookup {
        agency_id,
        reference: coded("reference")?,
        given_names: coded("given_names")?,
        family_name: coded("family_name")?,
        date_of_birth,
        gender,
    })
}

/// `POST /audit/who-saw`: to the trail of the person the form names.
pub async fn who_saw(
    req: HttpRequest,
    state: web::Data<WebState>,
    form: AuditorForm,
) -> HttpResponse {
    let AuditorForm { v, f, .. } = form;
    let auditor = v.actor.role == Role::Auditor;
    // Anyone else is refused by the use case (and audited), whatever the form holds.
    let lookup = match parse(&f) {
        Some(l) => l,
        None if auditor => return see_other("/audit?lookup=incomplete#who-saw"),
        None => SubjectLookup::default(),
    };
    let actor = v.actor;
    let found = with_env(&req, &state, move |conn, env| {
        lookup_subject(conn, env, &actor, &lookup).map_err(Failure::from)
    });
    match found.await {
        Ok(view) => see_other(&of_subject(&view.subject)),
        Err(Failure::Hidden | Failure::Forbidden | Failure::Invalid(_)) if !auditor => {
            not_found(v.texts(), Some(Nav::of(&v)))
        }
        Err(Failure::Hidden) => see_other("/audit?lookup=not_found#who-saw"),
        Err(Failure::Invalid(_)) => see_other("/audit?lookup=incomplete#who-saw"),
        Err(other) => other.page(&v),
    }
}

/// The formats of the export.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// Comma-separated, with the actor's and agency's names.
    Csv,
    /// One JSON object per line, every stored column.
    Jsonl,
}

impl Format {
    fn label(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

/// `GET /audit/export.csv|jsonl`: every entry the filters match, oldest first.
pub async fn export(
    req: HttpRequest,
    state: web::Data<WebState>,
    q: web::Query<TrailQuery>,
    format: Format,
) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let Some((filter, _)) = q.parse() else {
        return error_page(
            StatusCode::BAD_REQUEST,
            v.texts(),
            Some(Nav::of(&v)),
            "audit.invalid",
        );
    };
    let exported = as_viewer(&req, &state, v.actor, move |conn, actor, ctx, now| {
        audit_trail::export_trail(conn, actor, &filter, format.label(), ctx, now)
    });
    let export = match exported.await {
        Ok(x) => x,
        Err(Failure::Hidden | Failure::Forbidden) => {
            return not_found(v.texts(), Some(Nav::of(&v)));
        }
        Err(Failure::Invalid(_)) => {
            let nav = Some(Nav::of(&v));
            return error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                v.texts(),
                nav,
                "audit.too_large",
            );
        }
        Err(other) => return other.page(&v),
    };
    let (body, content_type) = match format {
        Format::Csv => match schakel_audit::export::csv(&export.rows, |r| export.names(r)) {
            Ok(b) => (b, "text/csv; charset=utf-8"),
            Err(e) => return internal(&e),
        },
        Format::Jsonl => (
            export
                .rows
                .iter()
                .map(schakel_audit::export::jsonl_line)
                .collect::<String>()
                .into_bytes(),
            "application/x-ndjson",
        ),
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"schakel-audit.{}\"", format.label()),
        ))
        .body(body)
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
    fn a_lookup_is_read_from_the_form_and_a_bad_field_refuses_it() {
        let l = parse(&fields(&[
            ("agency_id", ""),
            ("reference", ""),
            ("family_name", "Visser"),
            ("given_names", " "),
            ("date_of_birth", "1990-04-02"),
            ("gender", "female"),
        ]))
        .expect("valid");
        assert_eq!(l.family_name.as_deref(), Some("Visser"));
        assert!(l.given_names.is_none() && l.agency_id.is_none() && l.reference.is_none());
        assert_eq!(l.gender, Some(Gender::Female));
        assert!(l.date_of_birth.is_some());
        for (k, v) in [
            ("agency_id", "x"),
            ("gender", "cat"),
            ("date_of_birth", "2-4-1990"),
        ] {
            assert!(parse(&fields(&[(k, v)])).is_none(), "{k}={v}");
        }
        assert_eq!(lookup_key("not_found"), Some("audit.lookup.not_found"));
        assert_eq!(lookup_key("<x>"), None);
    }
}
