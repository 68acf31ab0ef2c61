//! The documents section of the case page: the documents the viewer may read (the use
//! case decides which) as rows, sizes in the viewer's notation, and whether the upload
//! form is shown. The forms that change documents are `case_documents`'.

use crate::i18n::{Lang, Texts};
use crate::session::Viewer;
use crate::time::day_time;
use actix_web::http::StatusCode;
use schakel_domain::{Action, CaseStatus, MediaType, ScanState};
use schakel_referral_workflow::documents::DocumentView;
use schakel_referral_workflow::views::CaseView;

/// What the documents section shows besides the documents: a message about them (in
/// words), the answer's status, and the upload form as typed.
#[derive(Debug, Default)]
pub(crate) struct DocShown {
    pub(crate) alert: Option<String>,
    pub(crate) status: StatusCode,
    pub(crate) title: String,
    pub(crate) shared: bool,
}

/// A document as the case page lists it.
#[derive(Debug)]
pub(crate) struct DocumentRow {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) kind: &'static str,
    pub(crate) size: String,
    pub(crate) by: String,
    pub(crate) agency: String,
    pub(crate) at: String,
    pub(crate) shared: bool,
    /// The catalog key of its state when it cannot be downloaded.
    pub(crate) state: Option<&'static str>,
    pub(crate) may_change: bool,
    pub(crate) version: i64,
}

/// The documents section of the case page.
#[derive(Debug)]
pub(crate) struct DocumentsSection {
    pub(crate) rows: Vec<DocumentRow>,
    /// The upload form is shown.
    pub(crate) may_add: bool,
    /// The viewer's agency would add documents, but the case is closed.
    pub(crate) closed: bool,
    pub(crate) alert: Option<String>,
    pub(crate) title: String,
    pub(crate) shared: bool,
    /// The hint of the file field, naming the size limit.
    pub(crate) file_hint: String,
}

/// A number of megabytes with one decimal at most, in the viewer's notation.
fn megabytes(t: Texts, bytes: f64) -> String {
    let mb = bytes / (1024.0 * 1024.0);
    let s = if (mb - mb.round()).abs() < 0.05 {
        format!("{mb:.0}")
    } else {
        format!("{mb:.1}")
    };
    match t.lang {
        Lang::Nl => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A size in KB (rounded up) below a megabyte, else in MB.
pub(crate) fn size(t: Texts, bytes: i64) -> String {
    let bytes = bytes.max(0);
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        // Sizes are far below 2^53: exact as floats.
        #[allow(clippy::cast_precision_loss)]
        let b = bytes as f64;
        format!("{} MB", megabytes(t, b))
    }
}

/// The size limit of `max` bytes in words (`20 MB`).
pub(crate) fn limit(t: Texts, max: usize) -> String {
    size(t, i64::try_from(max).unwrap_or(i64::MAX))
}

/// The kind of file as the page names it.
fn kind(m: MediaType) -> &'static str {
    match m {
        MediaType::Pdf => "PDF",
        MediaType::Jpeg => "JPEG",
        MediaType::Png => "PNG",
    }
}

/// A document in the viewer's words.
fn row(t: Texts, d: &DocumentView) -> DocumentRow {
    let state = if d.erased {
        Some("document.erased")
    } else if d.downloadable {
        None
    } else if d.scan_state == ScanState::Quarantined {
        Some("document.quarantined")
    } else {
        Some("document.pending")
    };
    DocumentRow {
        id: d.id.to_string(),
        title: d
            .title
            .clone()
            .unwrap_or_else(|| t.get("document.untitled").to_owned()),
        kind: kind(d.media_type),
        size: size(t, d.size_bytes),
        by: d.uploaded_by_name.clone(),
        agency: d.agency.name.clone(),
        at: day_time(d.uploaded_at),
        shared: d.shared,
        state,
        may_change: d.may_change,
        version: d.version,
    }
}

/// The documents section of case `c` for `v`, with what `shown` adds to it.
pub(crate) fn section(
    v: &Viewer,
    c: &CaseView,
    list: &[DocumentView],
    shown: DocShown,
    max: usize,
) -> DocumentsSection {
    let t = v.texts();
    let adds = v.actor.may(Action::AddDocument, c.access.relationship());
    let open = c.status == CaseStatus::Open;
    // A restricted record is frozen: its documents are read, never added or changed.
    let frozen = c.restriction.is_some();
    DocumentsSection {
        rows: list
            .iter()
            .map(|d| row(t, d))
            .map(|r| DocumentRow {
                may_change: r.may_change && !frozen,
                ..r
            })
            .collect(),
        may_add: adds && open && !frozen,
        closed: adds && !open,
        alert: shown.alert,
        title: shown.title,
        shared: shown.shared,
        file_hint: t
            .get("document.file_hint")
            .replace("{limit}", &limit(t, max)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_kilobytes_and_megabytes() {
        let en = Texts { lang: Lang::En };
        let nl = Texts { lang: Lang::Nl };
        assert_eq!(size(en, 0), "0 KB");
        assert_eq!(size(en, 1), "1 KB");
        assert_eq!(size(en, 1024), "1 KB");
        assert_eq!(size(en, 1025), "2 KB");
        assert_eq!(size(en, 1536 * 1024), "1.5 MB");
        assert_eq!(size(nl, 1536 * 1024), "1,5 MB");
        assert_eq!(limit(en, 20 * 1024 * 1024), "20 MB");
        assert_eq!(limit(nl, 2048), "2 KB", "a limit below a megabyte");
    }
}
