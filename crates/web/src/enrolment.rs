//! The authenticator app's setup as the enrolment page shows it: the `otpauth://` URI
//! drawn as a QR code in SVG on the server (inline in the page: no script, no image
//! request, nothing fetched from anyone else), its secret grouped for typing by hand, and
//! the URI itself as a link for an app on the same phone. Only presentation: the URI
//! comes from auth's enrolment use case and is never stored or logged here.

use qrcode::QrCode;
use qrcode::render::svg;

/// The XML declaration the SVG renderer starts with, which has no place inside HTML.
const XML_DECLARATION: &str = r#"<?xml version="1.0" standalone="yes"?>"#;
/// The size the code is drawn at, in CSS pixels (quiet zone included): big enough for a
/// phone's camera at arm's length, small enough for a narrow screen.
const TARGET_PX: u32 = 224;
/// The quiet zone the renderer draws around a (non-micro) QR code, in modules.
const QUIET_MODULES: u32 = 4;

/// What the enrolment page shows of a new authenticator secret.
#[derive(Debug)]
pub(crate) struct Enrolment {
    /// The `otpauth://` URI (the link for an app on this device).
    pub(crate) uri: String,
    /// The QR code of `uri` as an `<svg>` element, or `None` when the URI does not fit
    /// in a QR code (the page then offers the key and the link only).
    pub(crate) qr: Option<String>,
    /// The secret in groups of four characters, as typed into an app by hand.
    pub(crate) secret: String,
}

impl Enrolment {
    /// The page's view of `uri`.
    pub(crate) fn of(uri: String) -> Enrolment {
        Enrolment {
            qr: qr_svg(&uri),
            secret: grouped_secret(&uri),
            uri,
        }
    }
}

/// The QR code of `data` as an inline `<svg>` element: black modules on white with the
/// standard quiet zone of four modules, each module a whole number of pixels so that
/// the result is about [`TARGET_PX`] across. Only presentation attributes (no `style`),
/// so the page policy's `style-src 'self'` holds. `None` when `data` is too long for a
/// QR code.
pub(crate) fn qr_svg(data: &str) -> Option<String> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let across = u32::try_from(code.width()).ok()? + 2 * QUIET_MODULES;
    let module = ((TARGET_PX + across / 2) / across).max(1);
    let drawn = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(module, module)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Some(
        drawn
            .strip_prefix(XML_DECLARATION)
            .unwrap_or(&drawn)
            .to_owned(),
    )
}

/// The `secret` parameter of an `otpauth://` URI in groups of four, separated by
/// spaces (empty when the URI has none). Base32 needs no decoding of its characters.
pub(crate) fn grouped_secret(uri: &str) -> String {
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    let secret = query
        .split('&')
        .find_map(|p| p.strip_prefix("secret="))
        .unwrap_or_default();
    secret
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "otpauth://totp/Schakel:sanne.bakker%40amsterdam.example?\
        secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Schakel";

    /// The number after `name="` in the SVG's opening tag.
    fn attr(svg: &str, name: &str) -> u32 {
        let at = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    }

    #[test]
    fn the_qr_code_is_the_crates_drawing_of_the_same_uri_as_inline_svg() {
        let svg = qr_svg(URI).unwrap();
        let code = QrCode::new(URI.as_bytes()).unwrap();
        let module = attr(&svg, "width") / (code.width() as u32 + 8);
        let expected = code
            .render::<svg::Color<'_>>()
            .module_dimensions(module, module)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build();
        assert_eq!(format!("{XML_DECLARATION}{svg}"), expected);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        for absent in ["<?xml", "style", "href", "<image", "<script"] {
            assert!(!svg.contains(absent), "{absent}");
        }
    }

    #[test]
    fn the_code_is_about_two_hundred_and_twenty_pixels_with_its_quiet_zone() {
        for email in [
            "a@b.example",
            "sanne.bakker@amsterdam.example",
            &"x".repeat(60),
        ] {
            let uri = format!(
                "otpauth://totp/Schakel:{email}?secret={}&issuer=Schakel",
                "A".repeat(32)
            );
            let svg = qr_svg(&uri).unwrap();
            let size = attr(&svg, "width");
            assert_eq!(size, attr(&svg, "height"));
            assert!((196..=248).contains(&size), "{email}: {size}");
            let code = QrCode::new(uri.as_bytes()).unwrap();
            assert_eq!(
                size % (code.width() as u32 + 8),
                0,
                "whole pixels per module"
            );
        }
    }

    #[test]
    fn data_too_long_for_a_qr_code_draws_none() {
        assert_eq!(qr_svg(&"x".repeat(8000)), None);
    }

    #[test]
    fn the_secret_is_shown_in_groups_of_four() {
        assert_eq!(
            grouped_secret(URI),
            "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
        );
        assert_eq!(
            grouped_secret("otpauth://totp/x?issuer=S&secret=ABCDEF"),
            "ABCD EF"
        );
        assert_eq!(grouped_secret("otpauth://totp/x?issuer=S"), "");
        let e = Enrolment::of(URI.to_owned());
        assert!(e.qr.is_some() && e.uri == URI);
    }
}
