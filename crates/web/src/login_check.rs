//! The password check behind the login form: the account read and the attempt counted
//! once a hashing thread is free, the password checked on that thread holding no
//! database connection, then the session opened (or the failure recorded), as the API's
//! login does.

use crate::WebState;
use crate::forms::Failure;
use crate::session::context;
use actix_web::{HttpRequest, web};
use schakel_auth::login::MfaState;
use schakel_auth::web_session;
use secrecy::SecretString;

/// What a login's password check came to: the web session and what its second factor
/// still needs, `None` for wrong credentials (one answer for every cause), or the
/// failure. Reads the account, checks the password on the hashing threads holding no
/// connection, then opens the session.
pub(crate) async fn check(
    req: &HttpRequest,
    state: &web::Data<WebState>,
    ticket: schakel_auth::hash_pool::Ticket,
    email: String,
    password: SecretString,
) -> Result<Option<(web_session::WebSession, MfaState)>, Failure> {
    let ctx = context(req);
    // A free hashing thread first: no more attempts are counted ahead than are checked.
    let turn = state
        .hashing
        .turn(&ticket)
        .await
        .map_err(|e| Failure::Internal(e.to_string()))?;
    let st = state.clone();
    let attempt = web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        schakel_auth::login::begin(&mut conn, &st.auth, &email, now).map_err(Failure::from)
    })
    .await??;
    let (attempt, checked) = state
        .hashing
        .run(ticket, move || {
            let checked = attempt.check(&password);
            (attempt, checked)
        })
        .await
        .map_err(|e| Failure::Internal(e.to_string()))?;
    drop(turn);
    let checked = checked.map_err(Failure::from)?;
    let st = state.clone();
    web::block(move || {
        let mut conn = schakel_store::get_conn(&st.pool)?;
        let now = st.clock.now();
        match schakel_auth::login::finish(&mut conn, &st.auth, attempt, checked, &ctx, now) {
            Ok(ok) => {
                let web = web_session::open(&mut conn, ok.session.id, now)?;
                Ok(Some((web, ok.mfa)))
            }
            Err(schakel_auth::AuthError::InvalidCredentials) => Ok(None),
            Err(e) => Err(Failure::from(e)),
        }
    })
    .await?
}
