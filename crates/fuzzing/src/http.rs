//! The targets that send requests to the running application: the JSON body (or query)
//! of every API operation, the FHIR facade's requests, the body of every form of the
//! pages, and the session cookie. Whatever the input, the answer is a response below
//! 500 — for the API a problem document, for the FHIR facade an `OperationOutcome`.

use crate::app::{self, Reply};
use crate::world::World;
use actix_web::cookie::Cookie;
use actix_web::rt::SystemRunner;
use actix_web::test::TestRequest;
use std::cell::RefCell;
use std::mem::ManuallyDrop;

/// The application with its world and what the targets pick from.
struct Harness {
    /// Never dropped, nor is the application: at the end of the thread the runtime's
    /// own thread-locals are gone before this one, and dropping needs them.
    runner: ManuallyDrop<SystemRunner>,
    world: World,
    /// The API's operations: method and path template.
    operations: Vec<(String, String)>,
    /// The forms of the pages: the account whose pages show it, and its action.
    forms: Vec<(usize, String)>,
    /// The pages the accounts reach: account and path.
    pages: Vec<(usize, String)>,
    /// Counts requests, for idempotency keys of their own.
    sent: u64,
    /// How many answers of each status.
    statuses: std::collections::BTreeMap<u16, u64>,
    /// Per account, the request count when it was last signed in again: an input
    /// that locked or deactivated it must not make every later input sign in.
    signed_in_at: Vec<u64>,
}

thread_local! {
    static HARNESS: RefCell<Option<Harness>> = const { RefCell::new(None) };
}

/// Starts the application and its world on this thread, if not yet.
pub fn prepare() {
    with_harness(|_| {});
}

fn with_harness(f: impl FnOnce(&mut Harness)) {
    HARNESS.with(|cell| {
        let mut slot = cell.borrow_mut();
        let harness = slot.get_or_insert_with(Harness::start);
        f(harness);
    });
}

impl Harness {
    fn start() -> Harness {
        let runner = actix_web::rt::System::new();
        let world = runner.block_on(World::make());
        let (pages, forms) = runner.block_on(crawl(&world));
        let doc = schakel_api::openapi_document().expect("the OpenAPI document");
        let mut operations = Vec::new();
        if let Some(paths) = doc["paths"].as_object() {
            for (path, item) in paths {
                for method in ["get", "post", "put", "patch", "delete"] {
                    if item.get(method).is_some() {
                        operations.push((method.to_uppercase(), path.clone()));
                    }
                }
            }
        }
        assert!(
            !operations.is_empty() && !forms.is_empty(),
            "operations and forms found"
        );
        Harness {
            runner: ManuallyDrop::new(runner),
            world,
            operations,
            forms,
            pages,
            sent: 0,
            statuses: Default::default(),
            signed_in_at: Vec::new(),
        }
    }

    fn sign_in_again(&mut self, who: usize) {
        self.signed_in_at.resize(self.world.tokens.len(), 0);
        if self.sent < self.signed_in_at[who] + 50 && self.signed_in_at[who] > 0 {
            return;
        }
        self.signed_in_at[who] = self.sent.max(1);
        self.runner.block_on(self.world.sign_in_again(who));
    }

    fn send(&mut self, req: TestRequest) -> Reply {
        self.sent += 1;
        let reply = self.runner.block_on(app::send(&self.world.app, req));
        *self.statuses.entry(reply.status).or_default() += 1;
        reply
    }

    /// `template` with its parameters filled from the known ids (or one that exists
    /// nowhere), chosen by `pick`.
    fn fill(&self, template: &str, pick: u8) -> String {
        let mut out = String::new();
        for (k, part) in template.split('/').enumerate() {
            if k > 0 {
                out.push('/');
            }
            if part.starts_with('{') {
                out.push_str(&self.value_for(part, pick.wrapping_add(k as u8)));
            } else {
                out.push_str(part);
            }
        }
        out
    }

    fn value_for(&self, param: &str, pick: u8) -> String {
        const WORDS: &[&str] = &["accept", "decline", "start", "complete", "withdraw", "x"];
        if param.contains("id") {
            let ids = &self.world.ids;
            match usize::from(pick) % (ids.len() + 2) {
                n if n < ids.len() => ids[n].clone(),
                n if n == ids.len() => "00000000-0000-4000-8000-000000000000".into(),
                _ => "not-an-id".into(),
            }
        } else {
            WORDS[usize::from(pick) % WORDS.len()].into()
        }
    }
}

/// How many answers of each status the requests of this thread got, e.g. `200: 12,
/// 404: 3`; empty before the first.
pub fn statuses() -> String {
    HARNESS.with(|cell| {
        cell.borrow()
            .as_ref()
            .map(|h| {
                let counts: Vec<String> = h
                    .statuses
                    .iter()
                    .map(|(s, n)| format!("{s}: {n}"))
                    .collect();
                format!(
                    "{} pages and {} forms crawled; answers {}",
                    h.pages.len(),
                    h.forms.len(),
                    counts.join(", ")
                )
            })
            .unwrap_or_default()
    })
}

/// The bytes of a query string as a browser would send them: bytes outside a safe set
/// percent-encoded, so that any input makes a valid URI.
fn query(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-_.~=&,:+".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first bytes of an input as choices, the rest as content.
fn split<const N: usize>(data: &[u8]) -> Option<([u8; N], &[u8])> {
    let head: [u8; N] = data.get(..N)?.try_into().ok()?;
    Some((head, &data[N..]))
}

fn assert_answered(reply: &Reply, what: &str) {
    assert!(
        reply.status < 500,
        "{what} answered {}: {}",
        reply.status,
        reply.text()
    );
}

/// Any operation of the API, as any account or none, on objects that exist or not,
/// with the input as its JSON body (or its query string).
pub fn api_requests(data: &[u8]) {
    let Some(([op, who, pick, flags], rest)) = split::<4>(data) else {
        return;
    };
    with_harness(|h| {
        let (method, template) = h.operations[usize::from(op) % h.operations.len()].clone();
        let mut path = h.fill(&template, pick);
        let mut req = TestRequest::default().method(method.parse().expect("a method"));
        let who = usize::from(who) % (h.world.tokens.len() + 1);
        if let Some(token) = h.world.tokens.get(who) {
            req = req.insert_header(("authorization", format!("Bearer {token}")));
        }
        if flags & 1 != 0 {
            req = req.insert_header(("if-match", format!("\"{}\"", flags >> 4)));
        }
        if flags & 2 != 0 {
            req = req.insert_header(("idempotency-key", format!("fuzz-{}", h.sent)));
        }
        if matches!(method.as_str(), "GET" | "DELETE") {
            path = format!("{path}?{}", query(rest));
        } else {
            req = req
                .insert_header(("content-type", "application/json"))
                .set_payload(rest.to_vec());
        }
        let what = format!("{method} {path}");
        let reply = h.send(req.uri(&path));
        assert_answered(&reply, &what);
        if reply.status == 401 && who < h.world.tokens.len() {
            h.sign_in_again(who);
        }
        if reply.status >= 400 {
            assert_eq!(
                reply.content_type, "application/problem+json",
                "{what} answered {} without a problem document",
                reply.status
            );
        }
    });
}

/// The FHIR facade: searches with the input as their query, reads, a transaction
/// bundle and the Task's changes with the input as body, as any account.
pub fn fhir_requests(data: &[u8]) {
    const RESOURCES: &[&str] = &[
        "ServiceRequest",
        "Task",
        "Patient",
        "Consent",
        "Organization",
    ];
    let Some(([op, who, pick, kind], rest)) = split::<4>(data) else {
        return;
    };
    with_harness(|h| {
        let resource = RESOURCES[usize::from(kind) % RESOURCES.len()];
        let id = h.value_for("{id}", pick);
        let (method, path, content_type) = match op % 6 {
            0 => ("GET", format!("/fhir/R4/{resource}?{}", query(rest)), ""),
            1 => ("GET", format!("/fhir/R4/{resource}/{id}"), ""),
            2 => ("POST", "/fhir/R4".to_owned(), "application/fhir+json"),
            3 => (
                "PATCH",
                format!("/fhir/R4/Task/{id}"),
                "application/json-patch+json",
            ),
            4 => (
                "PUT",
                format!("/fhir/R4/Task/{id}"),
                "application/fhir+json",
            ),
            _ => ("GET", format!("/fhir/R4/metadata?{}", query(rest)), ""),
        };
        let mut req = TestRequest::default()
            .method(method.parse().expect("a method"))
            .uri(&path)
            .insert_header(("accept", "application/fhir+json"));
        let who = usize::from(who) % (h.world.tokens.len() + 1);
        if let Some(token) = h.world.tokens.get(who) {
            req = req.insert_header(("authorization", format!("Bearer {token}")));
        }
        if !content_type.is_empty() {
            req = req
                .insert_header(("content-type", content_type))
                .insert_header(("if-match", format!("W/\"{}\"", kind >> 4)))
                .insert_header(("idempotency-key", format!("fuzz-{}", h.sent)))
                .set_payload(rest.to_vec());
        }
        let what = format!("{method} {path}");
        let reply = h.send(req);
        assert_answered(&reply, &what);
        if reply.status >= 400 {
            assert_eq!(
                reply.content_type, "application/fhir+json",
                "{what} answered {} without an OperationOutcome",
                reply.status
            );
            assert_eq!(reply.json()["resourceType"], "OperationOutcome", "{what}");
        }
    });
}

/// Any form of the pages, sent by the browser that shows it with its CSRF token, the
/// input as the rest of the form's body.
pub fn web_forms(data: &[u8]) {
    let Some(([form], rest)) = split::<1>(data) else {
        return;
    };
    with_harness(|h| {
        let (who, action) = h.forms[usize::from(form) % h.forms.len()].clone();
        let browser = h.world.browsers[who].clone();
        let mut body = format!("csrf={}&", browser.csrf).into_bytes();
        body.extend_from_slice(rest);
        let req = TestRequest::post()
            .uri(&action)
            .cookie(Cookie::new("__Host-schakel_session", browser.session))
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(body);
        let reply = h.send(req);
        assert_answered(&reply, &format!("POST {action}"));
        if reply.location.starts_with("/login") {
            h.sign_in_again(who);
        }
    });
}

/// A page requested with the input as its `Cookie` header, as the session cookie's
/// value, or as more cookies beside a session that exists: the page or a sign-in,
/// never an error of the server.
pub fn session_cookie(data: &[u8]) {
    let Some(([page, whole], rest)) = split::<2>(data) else {
        return;
    };
    // A header value holds visible ASCII, spaces and tabs only; anything else cannot
    // be sent at all.
    let value: String = rest
        .iter()
        .filter(|b| b.is_ascii_graphic() || **b == b' ' || **b == b'\t')
        .map(|&b| char::from(b))
        .collect();
    with_harness(|h| {
        let (who, path) = h.pages[usize::from(page) % h.pages.len()].clone();
        let cookie = match whole % 3 {
            0 => value,
            1 => format!("__Host-schakel_session={value}"),
            // A session that exists, with the input as more cookies beside it.
            _ => format!(
                "__Host-schakel_session={}; {value}",
                h.world.browsers[who].session
            ),
        };
        let req = TestRequest::get()
            .uri(&path)
            .insert_header(("cookie", cookie));
        let reply = h.send(req);
        assert_answered(&reply, &format!("GET {path}"));
    });
}

/// The pages each account reaches by following links from the home page (at most a
/// hundred each), and the forms those pages post.
async fn crawl(world: &World) -> (Vec<(usize, String)>, Vec<(usize, String)>) {
    let mut pages = Vec::new();
    let mut forms = Vec::new();
    for (who, browser) in world.browsers.iter().enumerate() {
        let mut queue = vec!["/".to_owned()];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(path) = queue.pop() {
            if seen.len() >= 100 || !seen.insert(path.clone()) {
                continue;
            }
            let req = TestRequest::get().uri(&path).cookie(Cookie::new(
                "__Host-schakel_session",
                browser.session.clone(),
            ));
            let reply = app::send(&world.app, req).await;
            if reply.status != 200 || !reply.content_type.starts_with("text/html") {
                continue;
            }
            pages.push((who, path.clone()));
            let text = reply.text();
            for link in attribute_values(&text, "href=\"") {
                if link.starts_with('/') && !link.starts_with("//") && !link.contains("logout") {
                    queue.push(link);
                }
            }
            for form in text.split("<form").skip(1) {
                let tag = form.split('>').next().unwrap_or_default();
                let action = attribute_values(tag, "action=\"").into_iter().next();
                if let Some(action) = action.filter(|a| {
                    tag.contains("method=\"post\"") && a.starts_with('/') && !a.contains("logout")
                }) {
                    forms.push((who, action));
                }
            }
        }
    }
    forms.sort();
    forms.dedup();
    (pages, forms)
}

/// The values of one attribute in a page, with `&amp;` read back.
fn attribute_values(text: &str, attribute: &str) -> Vec<String> {
    text.split(attribute)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|v| v.replace("&amp;", "&"))
        .collect()
}
