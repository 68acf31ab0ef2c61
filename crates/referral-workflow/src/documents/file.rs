//! An uploaded file, checked: its kind read from its content (PDF, JPEG or PNG,
//! whatever its name or the client says), within the size limit, and for an image its
//! metadata stripped (EXIF with the place a photo was taken, XMP, IPTC, comments and
//! text chunks) without re-encoding the picture. Colour profiles stay.

use crate::{Refusal, UseCaseError};
use img_parts::Bytes;
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use schakel_domain::MediaType;

/// A file fit to keep: its kind and its bytes as they will be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    /// The kind its content shows.
    pub media_type: MediaType,
    /// The content, an image's metadata stripped.
    pub bytes: Vec<u8>,
}

/// Checks an uploaded file against the limit of `max_bytes`.
pub fn check_file(bytes: Vec<u8>, max_bytes: usize) -> Result<CheckedFile, UseCaseError> {
    if bytes.len() > max_bytes {
        return Err(UseCaseError::Refused(Refusal::DocumentTooLarge));
    }
    if bytes.is_empty() {
        return Err(UseCaseError::Invalid("file"));
    }
    let media_type = kind_of(&bytes).ok_or(UseCaseError::Refused(Refusal::DocumentType))?;
    let bytes = match media_type {
        MediaType::Pdf => bytes,
        MediaType::Jpeg => strip_jpeg(bytes)?,
        MediaType::Png => strip_png(bytes)?,
    };
    Ok(CheckedFile { media_type, bytes })
}

/// The kind of a file from its first bytes.
fn kind_of(bytes: &[u8]) -> Option<MediaType> {
    match infer::get(bytes)?.mime_type() {
        "application/pdf" => Some(MediaType::Pdf),
        "image/jpeg" => Some(MediaType::Jpeg),
        "image/png" => Some(MediaType::Png),
        _ => None,
    }
}

/// Whether a JPEG segment is kept: the JFIF header, an ICC colour profile, the Adobe
/// colour-transform marker and everything that is not an application or comment
/// segment (the picture itself).
fn keep_segment(marker: u8, contents: &[u8]) -> bool {
    match marker {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        markers::APP1..=markers::APP15 | markers::COM => false,
        _ => true,
    }
}

/// A JPEG without its metadata.
fn strip_jpeg(bytes: Vec<u8>) -> Result<Vec<u8>, UseCaseError> {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(bytes))
        .map_err(|_| UseCaseError::Refused(Refusal::DocumentType))?;
    jpeg.segments_mut()
        .retain(|s| keep_segment(s.marker(), s.contents()));
    Ok(jpeg.encoder().bytes().to_vec())
}

/// The PNG chunks that carry metadata: EXIF, the text chunks and the time of change.
const PNG_METADATA: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"];

/// A PNG without its metadata.
fn strip_png(bytes: Vec<u8>) -> Result<Vec<u8>, UseCaseError> {
    let mut png = Png::from_bytes(Bytes::from(bytes))
        .map_err(|_| UseCaseError::Refused(Refusal::DocumentType))?;
    png.chunks_mut()
        .retain(|c| !PNG_METADATA.contains(&c.kind()));
    Ok(png.encoder().bytes().to_vec())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small JPEG: SOI, an EXIF segment with a place in it, a JFIF header, a comment,
    /// then the start of a scan and EOI (enough for the segment parser).
    pub(crate) fn jpeg_with_exif() -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        let seg = |marker: u8, body: &[u8]| {
            let len = u16::try_from(body.len() + 2).unwrap().to_be_bytes();
            let mut s = vec![0xFF, marker, len[0], len[1]];
            s.extend_from_slice(body);
            s
        };
        out.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        out.extend(seg(0xE1, b"Exif\0\0GPS 52.3676N 4.9041E Amsterdam"));
        out.extend(seg(0xFE, b"taken at the safe house"));
        out.extend(seg(0xDA, b"\x01\x01\0\0?\0"));
        out.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
        out
    }

    /// A small PNG: signature, IHDR, a text chunk with a place, IEND.
    pub(crate) fn png_with_text() -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let chunk = |kind: &[u8; 4], body: &[u8]| {
            img_parts::png::PngChunk::new(*kind, Bytes::copy_from_slice(body))
                .encoder()
                .bytes()
                .to_vec()
        };
        out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        out.extend(chunk(b"tEXt", b"Location\0Amsterdam"));
        out.extend(chunk(b"IEND", b""));
        out
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn the_kind_comes_from_the_content() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".to_vec();
        assert_eq!(check_file(pdf, 1000).unwrap().media_type, MediaType::Pdf);
        for not_ours in [
            b"<html><script>alert(1)</script></html>".to_vec(),
            b"MZ\x90\0\x03\0\0\0".to_vec(),
            b"GIF89a\x01\0\x01\0".to_vec(),
        ] {
            assert!(matches!(
                check_file(not_ours, 1000),
                Err(UseCaseError::Refused(Refusal::DocumentType))
            ));
        }
        assert!(matches!(
            check_file(Vec::new(), 1000),
            Err(UseCaseError::Invalid("file"))
        ));
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let pdf = b"%PDF-1.7 ".repeat(20);
        assert!(matches!(
            check_file(pdf.clone(), pdf.len() - 1),
            Err(UseCaseError::Refused(Refusal::DocumentTooLarge))
        ));
        assert!(check_file(pdf.clone(), pdf.len()).is_ok());
    }

    #[test]
    fn image_metadata_is_stripped_and_the_picture_kept() {
        let jpeg = check_file(jpeg_with_exif(), 10_000).unwrap();
        assert_eq!(jpeg.media_type, MediaType::Jpeg);
        assert!(!contains(&jpeg.bytes, b"Amsterdam"));
        assert!(!contains(&jpeg.bytes, b"safe house"));
        assert!(contains(&jpeg.bytes, b"JFIF"));
        assert!(contains(&jpeg.bytes, &[0x12, 0x34]));
        let png = check_file(png_with_text(), 10_000).unwrap();
        assert_eq!(png.media_type, MediaType::Png);
        assert!(!contains(&png.bytes, b"Amsterdam"));
        assert!(contains(&png.bytes, b"IHDR"));
    }
}
