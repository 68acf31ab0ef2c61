//! The table definitions, shared by both backends.
//!
//! Types are those both backends share: ids as `Text`, times as `Timestamp` (UTC),
//! enumerations as `Text` with `CHECK` constraints, JSON as `Text`.

diesel::table! {
    agencies (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        region -> Text,
        contact_email -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        channel -> Text,
        topic -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        available_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_entries (seq) {
        seq -> BigInt,
        id -> Text,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<Text>,
        actor_agency_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        on_behalf_of -> Nullable<Text>,
        action -> Text,
        action_kind -> Text,
        object_type -> Nullable<Text>,
        object_id -> Nullable<Text>,
        purpose -> Nullable<Text>,
        subject_pseudonym -> Nullable<Text>,
        outcome -> Text,
        source_ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        agency_id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        active -> Bool,
        locale -> Text,
        notify -> Text,
        password_hash -> Nullable<Text>,
        password_changed_at -> Nullable<Timestamp>,
        totp_secret -> Nullable<Text>,
        totp_confirmed_at -> Nullable<Timestamp>,
        totp_last_step -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        mfa_verified -> Bool,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        issued_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        user_id -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(login_failures -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    outbox,
    audit_entries,
    users,
    sessions,
    refresh_tokens,
    login_failures,
    account_tokens,
);
