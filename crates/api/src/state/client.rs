//! The client's address: the socket peer, or — only when the peer is a configured
//! trusted proxy — the nearest address in `X-Forwarded-For` that is not itself a trusted
//! proxy. A spoofed header from anyone else changes nothing.

use actix_web::HttpRequest;
use std::net::IpAddr;

/// The client address of a request.
pub fn client_ip(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    schakel_auth::client_address(req.peer_addr().map(|a| a.ip()), forwarded, trusted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn req(peer: &str, xff: Option<&str>) -> HttpRequest {
        let mut r = TestRequest::default().peer_addr(format!("{peer}:5000").parse().unwrap());
        if let Some(x) = xff {
            r = r.insert_header(("x-forwarded-for", x));
        }
        r.to_http_request()
    }

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let trusted = [proxy];
        let cases = [
            ("192.0.2.7", None, "192.0.2.7"),
            ("192.0.2.7", Some("203.0.113.9"), "192.0.2.7"),
            ("10.0.0.1", Some("203.0.113.9"), "203.0.113.9"),
            ("10.0.0.1", Some("198.51.100.1, 203.0.113.9"), "203.0.113.9"),
            ("10.0.0.1", Some("203.0.113.9, 10.0.0.1"), "203.0.113.9"),
            ("10.0.0.1", Some("garbage"), "10.0.0.1"),
            ("10.0.0.1", None, "10.0.0.1"),
        ];
        for (peer, xff, expected) in cases {
            let got = client_ip(&req(peer, xff), &trusted).unwrap();
            assert_eq!(got.to_string(), expected, "{peer} {xff:?}");
        }
    }
}
