//! The tables of the controlled exceptions and their oversight, beside the other
//! tables of `schema` (which joins them to `cases`, `users` and `agencies`); the same
//! conventions hold: ids as `Text`, times as `Timestamp` (UTC), encrypted values as
//! their ciphertext `Text`.

diesel::table! {
    emergency_accesses (id) {
        id -> Text,
        case_id -> Text,
        owner_agency_id -> Text,
        user_id -> Text,
        agency_id -> Text,
        ground -> Text,
        reason -> Nullable<Text>,
        identity_shown -> Bool,
        started_at -> Timestamp,
        expires_at -> Timestamp,
        review -> Text,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        review_note -> Nullable<Text>,
    }
}
