//! A request for an estimate as the query that asks for it again (the links of the
//! downloads, in the API's parameters: the lists as one `lists` spec). What the audit
//! trail records of it is the monitor's (`Request::audit_details`), the same for the API
//! and the pages. Pure: no database, no HTTP.

use schakel_monitor::estimate::Request;
use schakel_monitor::mse::Method;

/// `s` percent-encoded for a query (everything but letters, digits and `-._~`).
fn encoded(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The query that asks for `r` again (the downloads' links).
pub(crate) fn query_of(r: &Request) -> String {
    let mut q = format!(
        "from={}&to={}&lists={}&method={}",
        r.from_year,
        r.to_year,
        encoded(&r.lists.spec()),
        r.options.method.code()
    );
    if let Some(s) = r.stratum {
        q.push_str(&format!("&stratum={}", encoded(&s.as_string())));
    }
    if let Method::Fixed(m) = &r.options.method {
        let terms = m.describe(&r.lists.names()).replace(' ', "");
        q.push_str(&format!("&model={}", encoded(&terms)));
    }
    if let Some(b) = r.options.bootstrap {
        q.push_str(&format!("&bootstrap={}", b.replicates));
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyst::estimate_query::{Asked, request_of};

    fn asked(q: &[(&str, &str)]) -> Asked {
        Asked::new(
            q.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_kinds_fields_make_the_lists_in_the_default_order() {
        let r = request_of(
            &asked(&[
                ("from", "2013"),
                ("to", "2014"),
                ("kind.ngo", "ngos"),
                ("kind.police", "police_inspectorates"),
                ("kind.legal_aid", "ngos"),
                ("kind.municipality", ""),
                ("kind.shelter_other", "shelters"),
                ("kind.police", "police_inspectorates"),
                ("bootstrap", "1000"),
            ]),
            2025,
        )
        .unwrap();
        assert_eq!(
            r.lists.spec(),
            "police_inspectorates=police;shelters=shelter_other;ngos=ngo+legal_aid"
        );
        assert_eq!(r.options.bootstrap.map(|b| b.replicates), Some(1000));
        let again = request_of(&asked_from_query(&query_of(&r)), 2025).unwrap();
        assert_eq!(again, r, "the downloads ask for the same estimate");
    }

    /// The query as a server reads it (every `%XX` decoded).
    fn asked_from_query(q: &str) -> Asked {
        let decode = |s: &str| {
            let mut out = s.split('%');
            let mut text = out.next().unwrap().to_owned();
            for part in out {
                text.push(char::from(u8::from_str_radix(&part[..2], 16).unwrap()));
                text.push_str(&part[2..]);
            }
            text
        };
        let pairs = q.split('&').map(|p| p.split_once('=').unwrap());
        Asked::new(pairs.map(|(k, v)| (decode(k), decode(v))).collect())
    }

    #[test]
    fn a_fixed_model_with_a_stratum_survives_the_download_query() {
        let r = request_of(
            &asked(&[
                ("lists", "la=municipality;ng=ngo;pf=police"),
                ("method", "fixed"),
                ("model", "la:ng+ng:pf"),
                ("stratum", "age_band:18-22"),
            ]),
            2025,
        )
        .unwrap();
        let q = query_of(&r);
        assert!(q.contains("model=la%3Ang%2Bng%3Apf"), "{q}");
        assert_eq!(request_of(&asked_from_query(&q), 2025).unwrap(), r);
        let d = r.audit_details("page");
        assert_eq!(d["method"], "fixed");
        assert_eq!(d["model"], "la:ng + ng:pf");
        assert_eq!(d["stratum"], "age_band:18-22");
        assert_eq!(d["view"], "page");
    }
}
