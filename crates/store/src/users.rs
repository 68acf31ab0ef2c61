//! User rows and their queries.

use crate::schema::users;
use crate::{DbConn, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use schakel_domain::{AgencyId, Role, UserId};

/// A user as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub agency_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub locale: String,
    pub notify: String,
    pub password_hash: Option<String>,
    pub password_changed_at: Option<NaiveDateTime>,
    pub totp_secret: Option<String>,
    pub totp_confirmed_at: Option<NaiveDateTime>,
    pub totp_last_step: Option<i64>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub totp_pending_secret: Option<String>,
    pub kind: String,
}

/// A user with codes parsed; the secrets (hash, TOTP secret) stay as stored strings.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub agency_id: AgencyId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub locale: String,
    pub notify: String,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_confirmed: bool,
    pub totp_last_step: Option<i64>,
    /// A new authenticator's secret awaiting its first code, while the confirmed one
    /// stays in force.
    pub totp_pending_secret: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// An external system's account (kind `client`): it signs in with a client secret.
    pub client: bool,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("agency_id", &self.agency_id)
            .field("role", &self.role)
            .field("active", &self.active)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("user {}: {what}", r.id));
        Ok(User {
            id: r.id.parse().map_err(|_| corrupt("id"))?,
            agency_id: r.agency_id.parse().map_err(|_| corrupt("agency"))?,
            role: r.role.parse().map_err(|_| corrupt("role"))?,
            email: r.email,
            display_name: r.display_name,
            active: r.active,
            locale: r.locale,
            notify: r.notify,
            password_hash: r.password_hash,
            totp_secret: r.totp_secret,
            totp_confirmed: r.totp_confirmed_at.is_some(),
            totp_last_step: r.totp_last_step,
            totp_pending_secret: r.totp_pending_secret,
            version: r.version,
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            client: match r.kind.as_str() {
                "person" => false,
                "client" => true,
                _ => return Err(corrupt("kind")),
            },
        })
    }
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub agency_id: AgencyId,
    /// Stored lower-cased; unique.
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub locale: &'a str,
    /// `None` for an invited user who has not chosen a password yet.
    pub password_hash: Option<&'a str>,
}

/// The canonical form of an email address for storage and lookup.
pub fn canonical_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Inserts a user; a taken email is `Conflict`.
pub fn insert(
    conn: &mut DbConn,
    new: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let id = UserId::new_random();
    let t = to_db_time(now);
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id.to_string()),
            users::agency_id.eq(new.agency_id.to_string()),
            users::email.eq(canonical_email(new.email)),
            users::display_name.eq(new.display_name),
            users::role.eq(new.role.as_str()),
            users::active.eq(true),
            users::locale.eq(new.locale),
            users::notify.eq("immediate"),
            users::password_hash.eq(new.password_hash),
            users::password_changed_at.eq(new.password_hash.map(|_| t)),
            users::version.eq(1_i64),
            users::created_at.eq(t),
            users::updated_at.eq(t),
        ))
        .execute(conn)?;
    find(conn, id)
}

/// One user by id.
pub fn find(conn: &mut DbConn, id: UserId) -> Result<User, StoreError> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)?
        .try_into()
}

/// One user by email (canonicalised).
pub fn find_by_email(conn: &mut DbConn, email: &str) -> Result<Option<User>, StoreError> {
    users::table
        .filter(users::email.eq(canonical_email(email)))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

/// The display names of the users of `ids` that exist (in no particular order): what
/// a reader of the audit trail sees of an actor, without the rest of the account.
pub fn names(conn: &mut DbConn, ids: &[UserId]) -> Result<Vec<(UserId, String)>, StoreError> {
    let ids: Vec<String> = ids.iter().map(UserId::to_string).collect();
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(id, name)| {
            let parsed = id
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("user {id}: id")))?;
            Ok((parsed, name))
        })
        .collect()
}

/// Users, optionally of one agency, ordered by email.
pub fn list(conn: &mut DbConn, agency: Option<AgencyId>) -> Result<Vec<User>, StoreError> {
    let mut q = users::table
        .select(UserRow::as_select())
        .order(users::email.asc())
        .into_boxed();
    if let Some(agency) = agency {
        q = q.filter(users::agency_id.eq(agency.to_string()));
    }
    q.load(conn)?.into_iter().map(User::try_from).collect()
}

/// Active people (no client accounts) of an agency with a role (e.g. its coordinators).
pub fn active_with_role(
    conn: &mut DbConn,
    agency: AgencyId,
    role: Role,
) -> Result<Vec<User>, StoreError> {
    users::table
        .filter(users::agency_id.eq(agency.to_string()))
        .filter(users::role.eq(role.as_str()))
        .filter(users::active.eq(true))
        .filter(users::kind.eq("person"))
        .select(UserRow::as_select())
        .order(users::email.asc())
        .load(conn)?
        .into_iter()
        .map(User::try_from)
        .collect()
}

fn bump(conn: &mut DbConn, id: UserId, now: DateTime<Utc>) -> Result<(), StoreError> {
    let n = diesel::update(users::table.find(id.to_string()))
        .set((
            users::version.eq(users::version + 1),
            users::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Stores a new password hash.
pub fn set_password_hash(
    conn: &mut DbConn,
    id: UserId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id.to_string()))
        .set((
            users::password_hash.eq(hash),
            users::password_changed_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    bump(conn, id, now)
}

/// Stores the secret of a first authenticator, awaiting confirmation (replacing any
/// earlier unconfirmed one). Refused (`Conflict`) once an authenticator is confirmed:
/// a new one then waits in [`set_pending_totp_secret`] until its first code.
pub fn set_totp_secret(
    conn: &mut DbConn,
    id: UserId,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = diesel::update(
        users::table
            .find(id.to_string())
            .filter(users::totp_confirmed_at.is_null()),
    )
    .set((
        users::totp_secret.eq(secret),
        users::totp_pending_secret.eq(None::<String>),
        users::totp_last_step.eq(None::<i64>),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Conflict("an authenticator is confirmed".into()));
    }
    bump(conn, id, now)
}

/// Removes the account's authenticators, confirmed and pending: at the next login the
/// user sets one up again.
pub fn clear_second_factor(
    conn: &mut DbConn,
    id: UserId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id.to_string()))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_pending_secret.eq(None::<String>),
            users::totp_confirmed_at.eq(None::<chrono::NaiveDateTime>),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    bump(conn, id, now)
}

/// Stores the secret of a new authenticator beside the confirmed one (replacing any
/// earlier pending one); the confirmed one stays the second factor until
/// [`confirm_pending_totp`].
pub fn set_pending_totp_secret(
    conn: &mut DbConn,
    id: UserId,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::totp_pending_secret.eq(secret))
        .execute(conn)?;
    bump(conn, id, now)
}

/// Makes the pending authenticator the confirmed one: `secret` is its secret sealed for
/// the `totp_secret` column, `step` the step of the code that confirmed it.
pub fn confirm_pending_totp(
    conn: &mut DbConn,
    id: UserId,
    secret: &str,
    step: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id.to_string()))
        .set((
            users::totp_secret.eq(secret),
            users::totp_pending_secret.eq(None::<String>),
            users::totp_confirmed_at.eq(to_db_time(now)),
            users::totp_last_step.eq(step),
        ))
        .execute(conn)?;
    bump(conn, id, now)
}

/// Records an accepted TOTP code's step, and confirms the enrolment when `confirm`.
/// Only moves forward: a second acceptance of the same step is `Conflict`.
pub fn accept_totp_step(
    conn: &mut DbConn,
    id: UserId,
    step: i64,
    confirm: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let target = users::table.find(id.to_string()).filter(
        users::totp_last_step
            .is_null()
            .or(users::totp_last_step.lt(step)),
    );
    let n = if confirm {
        diesel::update(target)
            .set((
                users::totp_last_step.eq(step),
                users::totp_confirmed_at.eq(to_db_time(now)),
            ))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set(users::totp_last_step.eq(step))
            .execute(conn)?
    };
    if n == 0 {
        return Err(StoreError::Conflict("totp step already used".into()));
    }
    Ok(())
}

/// Changes a user's role.
pub fn set_role(
    conn: &mut DbConn,
    id: UserId,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::role.eq(role.as_str()))
        .execute(conn)?;
    bump(conn, id, now)
}

/// Activates or deactivates a user.
pub fn set_active(
    conn: &mut DbConn,
    id: UserId,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::active.eq(active))
        .execute(conn)?;
    bump(conn, id, now)
}

/// Sets how a user receives notifications: `immediate` or `digest` (the column's check
/// refuses anything else).
pub fn set_notify(
    conn: &mut DbConn,
    id: UserId,
    notify: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::notify.eq(notify))
        .execute(conn)?;
    bump(conn, id, now)
}

/// Sets a user's language: `en` or `nl` (the column's check refuses anything else).
pub fn set_locale(
    conn: &mut DbConn,
    id: UserId,
    locale: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::locale.eq(locale))
        .execute(conn)?;
    bump(conn, id, now)
}

/// Locks one user's row until the transaction ends, so that checking and counting the
/// user's failed attempts is one step under concurrent requests. Call inside a write
/// transaction.
pub fn lock(conn: &mut DbConn, id: UserId) -> Result<(), StoreError> {
    let q = users::table.find(id.to_string()).select(users::id);
    let found: Option<String> = match conn {
        // PostgreSQL runs writers side by side: a concurrent locker waits for this commit.
        DbConn::Postgres(c) => q.for_update().first(c).optional()?,
        // SQLite's write transactions (`BEGIN IMMEDIATE`) already run one at a time.
        DbConn::Sqlite(c) => q.first(c).optional()?,
    };
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// How many users there are.
pub fn count(conn: &mut DbConn) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Active users with a role on the whole platform, locked until the transaction ends, so
/// a rule over all of them (e.g. "one active admin must remain") holds under concurrent
/// changes. Call inside a write transaction.
pub fn lock_active_with_role(conn: &mut DbConn, role: Role) -> Result<Vec<User>, StoreError> {
    // One query text; the select's backend is fixed per arm, so it is built in each.
    macro_rules! active_with_role {
        () => {
            users::table
                .filter(users::role.eq(role.as_str()))
                .filter(users::active.eq(true))
                .select(UserRow::as_select())
                .order(users::id.asc())
        };
    }
    let rows: Vec<UserRow> = match conn {
        // PostgreSQL runs writers side by side: lock the rows (in id order, so two
        // lockers never deadlock) and make a concurrent locker wait for this commit.
        DbConn::Postgres(c) => active_with_role!().for_update().load(c)?,
        // SQLite's write transactions (`BEGIN IMMEDIATE`) already run one at a time.
        DbConn::Sqlite(c) => active_with_role!().load(c)?,
    };
    rows.into_iter().map(User::try_from).collect()
}
