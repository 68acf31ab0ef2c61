//! The JSON body of a request: a JSON object, parsed into the handler's request type.
//!
//! `serde` would also fill a struct from a JSON array of its fields in order; a request
//! body is only ever an object, so anything else is refused (`422 invalid_body`), as
//! are unknown fields and wrong values. Malformed JSON, a wrong content type and a body
//! over the limit are answered by the JSON configuration as for `web::Json`.

use crate::{ApiError, ProblemKind};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// A request body that is a JSON object of type `T`.
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T> Body<T> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            if !value.is_object() {
                return Err(ApiError::Problem(ProblemKind::InvalidBody).into());
            }
            serde_json::from_value(value)
                .map(Body)
                .map_err(|_| ApiError::Problem(ProblemKind::InvalidBody).into())
        })
    }
}
