//! The tables of an account's second factor kept beside the other tables of `schema`
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
