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

diesel::allow_tables_to_appear_in_same_query!(agencies, outbox);
