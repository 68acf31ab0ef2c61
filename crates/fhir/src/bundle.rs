//! Search results as a `searchset` Bundle: each resource with its full URL, a `self`
//! link of the search as asked and a `next` link while more pages follow.

use actix_web::HttpRequest;
use serde_json::{Value, json};

/// A resource in a bundle.
#[derive(Debug, Clone)]
pub struct Entry {
    kind: &'static str,
    id: String,
    resource: Value,
}

impl Entry {
    /// A resource of `kind` with `id`.
    pub fn of(kind: &'static str, id: &str, resource: Value) -> Self {
        Entry {
            kind,
            id: id.to_owned(),
            resource,
        }
    }
}

/// The facade's base URL as the client reached it (scheme and host as the connection
/// info gives them, behind a trusted proxy its forwarded ones).
pub fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}/fhir/R4", info.scheme(), info.host())
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn url(base: &str, kind: &str, query: &[(String, String)]) -> String {
    let q: Vec<String> = query
        .iter()
        .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
        .collect();
    if q.is_empty() {
        format!("{base}/{kind}")
    } else {
        format!("{base}/{kind}?{}", q.join("&"))
    }
}

/// The `searchset` of `entries` for a search of `kind` by `query`; `next` the page
/// token that follows, if any.
pub fn searchset(
    req: &HttpRequest,
    kind: &str,
    query: &[(String, String)],
    entries: Vec<Entry>,
    next: Option<&str>,
    count: i64,
) -> Value {
    let base = base_url(req);
    let mut links = vec![json!({ "relation": "self", "url": url(&base, kind, query) })];
    if let Some(token) = next {
        let mut q: Vec<(String, String)> = query
            .iter()
            .filter(|(n, _)| n != "_count")
            .cloned()
            .collect();
        q.push(("_count".to_owned(), count.to_string()));
        q.push(("_page".to_owned(), token.to_owned()));
        links.push(json!({ "relation": "next", "url": url(&base, kind, &q) }));
    }
    let entries: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            json!({
                "fullUrl": format!("{base}/{}/{}", e.kind, e.id),
                "resource": e.resource,
                "search": { "mode": "match" },
            })
        })
        .collect();
    json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "link": links,
        "entry": entries,
    })
}

/// One page of a short list that is read whole (the directory, a person's consents):
/// the entries from the offset in `page` (a `next` link's token), and the token of the
/// page that follows.
pub fn page_of(
    entries: Vec<Entry>,
    count: i64,
    page: Option<&str>,
) -> Result<(Vec<Entry>, Option<String>), schakel_api::ApiError> {
    let offset = match page {
        None => 0,
        Some(token) => token.parse::<usize>().map_err(|_| {
            schakel_api::ApiError::Invalid(schakel_api::FieldError {
                field: "_page".to_owned(),
                reason: "expected the token of a next link".to_owned(),
            })
        })?,
    };
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let total = entries.len();
    let page: Vec<Entry> = entries.into_iter().skip(offset).take(count).collect();
    let next = (offset.saturating_add(count) < total).then(|| (offset + count).to_string());
    Ok((page, next))
}
