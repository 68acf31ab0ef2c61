#![doc = include_str!("../README.md")]

mod account_links;
pub mod agencies;
pub mod agency_profiles;
pub mod audit_log;
pub mod audit_seal;
pub mod audit_stream;
pub mod casework;
mod claim;
pub mod clients;
mod conn;
mod error;
mod login_failures;
pub mod mail_queue;
pub mod migrations;
pub mod monitor;
pub mod offenders;
pub mod outbox;
mod pool;
pub mod privilege_requests;
pub mod recovery_codes;
pub mod schema;
mod schema_accounts;
mod schema_directory;
mod schema_monitor;
mod schema_offenders;
mod schema_oversight;
pub mod sealed;
pub mod sessions;
#[cfg(feature = "testing")]
pub mod testing;
mod time;
mod tx;
pub mod users;
pub mod web_sessions;

pub use conn::{Backend, DatabaseTarget, DbConn};
pub use error::StoreError;
pub use pool::{
    Pool, PoolOptions, PoolState, PooledConn, build_pool, check_connection, get_conn, pool_state,
};
pub use time::{from_db_time, to_db_time};
pub use tx::write_tx;
