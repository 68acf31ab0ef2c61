//! The JSON body of a request: a JSON object, parsed into the handler's request type.
//!
//! `serde` would also fill a struct from a JSON array of its fields in order; a request
//! body is only ever an object, so anything else is refused (`422 invalid_body`), as
//! are unknown fields and wrong values, each naming the member at fault (`invalid`).
//! Malformed JSON, a wrong content type and a body over the limit are answered by the
//! JSON configuration as for `web::Json`.
//!
//! The body is read as JSON by the extractor but checked against the request type only
//! when the handler asks for it (`into_inner`), after the handler's other extractors:
//! a request without a valid token is answered `401` whatever its body holds, never
//! with what the body got wrong.

use crate::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

/// A request body that is to be a JSON object of type `T`.
#[derive(Debug)]
pub struct Body<T> {
    value: serde_json::Value,
    of: PhantomData<T>,
}

impl<T: DeserializeOwned> Body<T> {
    /// The body as a `T`, or `422 invalid_body` naming the member at fault.
    pub fn into_inner(self) -> Result<T, ApiError> {
        crate::problem::from_json(&self.value)
    }
}

impl<T: 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            Ok(Body {
                value,
                of: PhantomData,
            })
        })
    }
}
