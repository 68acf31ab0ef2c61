//! The tables of an account's second factor and of the requests for changes of
//! privilege kept beside the other tables of `schema`
//! (which joins them to `users`); the same conventions hold: ids as `Text`, times as
//! `Timestamp` (UTC).

diesel::table! {
    recovery_codes (user_id, code_hash) {
        user_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    privilege_requests (id) {
        id -> Text,
        kind -> Text,
        target_user_id -> Nullable<Text>,
        agency_id -> Nullable<Text>,
        email -> Nullable<Text>,
        display_name -> Nullable<Text>,
        locale -> Nullable<Text>,
        role -> Nullable<Text>,
        requested_by -> Text,
        requested_at -> Timestamp,
        expires_at -> Timestamp,
        state -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}
