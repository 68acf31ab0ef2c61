//! Documents on a case: what kinds of file the platform keeps, and where a document
//! stands with the malware scanner.
//!
//! A document is a scan of a paper, an intake form or a report: a PDF, JPEG or PNG file,
//! its kind read from its content and never from its name. It is kept encrypted with
//! the case and served only once the scanner found it clean.

use crate::code_enum;

code_enum! {
    /// The kind of file, as its content shows.
    pub enum MediaType as "document media type" {
        /// A PDF document.
        Pdf = "application/pdf",
        /// A JPEG image.
        Jpeg = "image/jpeg",
        /// A PNG image.
        Png = "image/png",
    }
}

impl MediaType {
    /// The file name extension a download carries.
    pub const fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
        }
    }

    /// Whether it is an image (whose metadata is stripped on upload).
    pub const fn is_image(self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png)
    }
}

code_enum! {
    /// Where a document stands with the malware scanner.
    pub enum ScanState as "document scan state" {
        /// Not yet scanned (the scanner has not seen it, or was not reachable): kept,
        /// never served.
        Pending = "pending",
        /// Scanned and found clean: served to whoever may read it.
        Clean = "clean",
        /// Malware found: quarantined, never served; the uploader is told.
        Quarantined = "quarantined",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_read_back_from_their_names() {
        for t in MediaType::ALL {
            assert_eq!(t.as_str().parse::<MediaType>().unwrap(), *t);
        }
        assert!("text/html".parse::<MediaType>().is_err());
        assert_eq!(MediaType::Jpeg.extension(), "jpg");
        assert!(!MediaType::Pdf.is_image());
    }
}
