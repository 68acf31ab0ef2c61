//! Documents on a case: a scan of an identity paper, an intake form, a report.
//!
//! A worker of the owning agency, or of an agency that shares the case through an
//! accepted or in-progress referral, adds a PDF, JPEG or PNG file (its kind read from
//! its content; an image's metadata stripped). Title and content are encrypted like
//! identity and kept with the case, so backups and retention cover them. Nothing is
//! served until the malware scanner found it clean. The uploader's agency reads it;
//! another agency reads it only when the uploader shared it and that agency sees the
//! person's identity. Adding, reading, downloading, sharing and taking off are audited
//! with the person they concern; nothing of a document enters an email or the monitor.

mod add;
mod file;
mod scan;
mod serve;
mod view;

pub use add::{DocumentUpload, MAX_TITLE_CHARS, add_document, list_documents};
pub use file::{CheckedFile, check_file};
pub use scan::{ScanFailure, ScanReport, Scanner, Verdict, scan_pending};
pub use serve::{Download, download_document, get_document, remove_document, share_document};
pub use view::DocumentView;
