//! The negative-token corpus: every defective access token is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Duration, TimeZone, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use schakel_auth::jwt::{ACCESS_TYP, Keyring};
use secrecy::SecretSlice;
use std::collections::BTreeMap;

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef-current";
const OLD_KEY: &[u8] = b"fedcba9876543210fedcba9876543210-previous";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap()
}

fn keyring() -> Keyring {
    let mut keys = BTreeMap::new();
    keys.insert("k2".to_owned(), SecretSlice::from(KEY.to_vec()));
    keys.insert("k1".to_owned(), SecretSlice::from(OLD_KEY.to_vec()));
    Keyring::new("https://schakel.test", "schakel-api", "k2", keys).unwrap()
}

fn claims(exp_offset: i64, nbf_offset: i64) -> serde_json::Value {
    let t = now().timestamp();
    serde_json::json!({
        "iss": "https://schakel.test", "aud": "schakel-api",
        "sub": "6f9619ff-8b86-d011-b42d-00c04fc964ff", "sid": "0b1c4b47-37a6-4a38-bd4c-6c0d9e4b5c55",
        "exp": t + exp_offset, "nbf": t + nbf_offset, "iat": t,
    })
}

fn sign(header: &Header, claims: &serde_json::Value, key: &[u8]) -> String {
    jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(key)).unwrap()
}

fn good_header(kid: &str) -> Header {
    let mut h = Header::new(Algorithm::HS256);
    h.typ = Some(ACCESS_TYP.into());
    h.kid = Some(kid.into());
    h
}

fn with_header(token: &str, header_json: serde_json::Value) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[0] = B64.encode(header_json.to_string());
    parts.join(".")
}

#[test]
fn a_fresh_token_is_accepted_and_carries_its_claims() {
    let ring = keyring();
    let token = ring.issue("user-1", "session-1", now(), 900).unwrap();
    let c = ring.verify(&token, now() + Duration::minutes(14)).unwrap();
    assert_eq!((c.sub.as_str(), c.sid.as_str()), ("user-1", "session-1"));
    assert_eq!(c.exp - c.iat, 900);
}

#[test]
fn a_token_signed_with_a_previous_key_still_verifies_after_rotation() {
    let token = sign(&good_header("k1"), &claims(600, 0), OLD_KEY);
    assert!(keyring().verify(&token, now()).is_ok());
}

#[test]
fn every_token_of_the_negative_corpus_is_refused() {
    let ring = keyring();
    let good = sign(&good_header("k2"), &claims(600, 0), KEY);
    assert!(
        ring.verify(&good, now()).is_ok(),
        "the corpus starts from a good token"
    );

    let mut corpus: Vec<(&str, String)> = Vec::new();
    // alg: none, unsigned.
    let none = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","typ":"at+jwt","kid":"k2"}"#),
        B64.encode(claims(600, 0).to_string())
    );
    corpus.push(("alg none", none));
    corpus.push((
        "alg none in a signed token",
        with_header(
            &good,
            serde_json::json!({"alg":"none","typ":"at+jwt","kid":"k2"}),
        ),
    ));
    // Switched algorithm, signed with the same secret.
    let mut hs512 = good_header("k2");
    hs512.alg = Algorithm::HS512;
    corpus.push(("HS512", sign(&hs512, &claims(600, 0), KEY)));
    corpus.push((
        "wrong key",
        sign(
            &good_header("k2"),
            &claims(600, 0),
            b"another-key-another-key-another-key!!",
        ),
    ));
    corpus.push((
        "unknown kid",
        sign(&good_header("k9"), &claims(600, 0), KEY),
    ));
    corpus.push(("no kid", {
        let mut h = good_header("k2");
        h.kid = None;
        sign(&h, &claims(600, 0), KEY)
    }));
    corpus.push(("no typ", {
        let mut h = good_header("k2");
        h.typ = None;
        sign(&h, &claims(600, 0), KEY)
    }));
    corpus.push(("refresh-like typ", {
        let mut h = good_header("k2");
        h.typ = Some("JWT".into());
        sign(&h, &claims(600, 0), KEY)
    }));
    let mut c = claims(600, 0);
    c["iss"] = "https://evil.test".into();
    corpus.push(("wrong iss", sign(&good_header("k2"), &c, KEY)));
    let mut c = claims(600, 0);
    c["aud"] = "other-service".into();
    corpus.push(("wrong aud", sign(&good_header("k2"), &c, KEY)));
    corpus.push(("expired", sign(&good_header("k2"), &claims(-31, -900), KEY)));
    corpus.push((
        "nbf in the future",
        sign(&good_header("k2"), &claims(1200, 300), KEY),
    ));
    let mut c = claims(600, 0);
    c["exp"] = "never".into();
    corpus.push(("exp not a number", sign(&good_header("k2"), &c, KEY)));
    let mut c = claims(600, 0);
    c.as_object_mut().unwrap().remove("exp");
    corpus.push(("no exp", sign(&good_header("k2"), &c, KEY)));
    let mut c = claims(600, 0);
    c.as_object_mut().unwrap().remove("sid");
    corpus.push(("no sid", sign(&good_header("k2"), &c, KEY)));
    let mut c = claims(600, 0);
    c.as_object_mut().unwrap().remove("nbf");
    corpus.push(("no nbf", sign(&good_header("k2"), &c, KEY)));
    // Key sources in the header: jku, jwk, x5u.
    for (name, extra) in [
        ("jku", serde_json::json!({"jku": "https://evil.test/keys"})),
        ("x5u", serde_json::json!({"x5u": "https://evil.test/cert"})),
        (
            "jwk",
            serde_json::json!({"jwk": {"kty": "oct", "k": B64.encode(b"attacker-key-attacker-key-attacker")}}),
        ),
    ] {
        let mut h = serde_json::json!({"alg":"HS256","typ":"at+jwt","kid":"k2"});
        h.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let header_b64 = B64.encode(h.to_string());
        let payload_b64 = B64.encode(claims(600, 0).to_string());
        let signing_input = format!("{header_b64}.{payload_b64}");
        let sig = jsonwebtoken::crypto::sign(
            signing_input.as_bytes(),
            &EncodingKey::from_secret(KEY),
            Algorithm::HS256,
        )
        .unwrap();
        corpus.push((name, format!("{signing_input}.{sig}")));
    }
    // A flipped bit in the signature.
    let mut bytes = B64.decode(good.rsplit('.').next().unwrap()).unwrap();
    bytes[0] ^= 0x01;
    let mut parts: Vec<&str> = good.split('.').collect();
    let flipped_sig = B64.encode(&bytes);
    parts[2] = &flipped_sig;
    corpus.push(("flipped signature bit", parts.join(".")));
    // A token of another environment (same key id, other issuer's key).
    let other_env = {
        let mut keys = BTreeMap::new();
        keys.insert(
            "k2".to_owned(),
            SecretSlice::from(b"staging-key-staging-key-staging-key!".to_vec()),
        );
        Keyring::new("https://schakel.test", "schakel-api", "k2", keys).unwrap()
    };
    corpus.push((
        "other environment",
        other_env.issue("u", "s", now(), 600).unwrap(),
    ));
    // An opaque refresh token presented as an access token.
    corpus.push((
        "refresh token",
        schakel_auth::secret_token::generate().token,
    ));
    corpus.push(("garbage", "a.b.c".into()));
    corpus.push(("empty", String::new()));

    let mut accepted = Vec::new();
    for (name, token) in &corpus {
        if ring.verify(token, now()).is_ok() {
            accepted.push(*name);
        }
    }
    assert!(accepted.is_empty(), "accepted: {accepted:?}");
    assert!(corpus.len() >= 24, "corpus of {}", corpus.len());
}
