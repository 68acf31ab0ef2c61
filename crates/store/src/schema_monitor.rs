//! The monitor's tables, beside the other tables of `schema`; the same conventions
//! hold: ids as `Text`, times as `Timestamp` (UTC).

// The monitor's own tables (migrations `create_monitor` and `monitor_months`): written
// and read only through the `monitor` module.
diesel::table! {
    monitor_facts (event_id, form) {
        event_id -> Text,
        form -> Text,
        weight -> SmallInt,
        kind -> Text,
        month -> Text,
        quarter -> Text,
        year -> Text,
        sender_kind -> Text,
        sender_region -> Text,
        receiver_kind -> Nullable<Text>,
        receiver_region -> Nullable<Text>,
        age_band -> Text,
        gender -> Text,
        nationality_group -> Text,
        reporting_basis -> Nullable<Text>,
        hours_to_answer -> Nullable<BigInt>,
        pseudonym -> Nullable<Text>,
    }
}

diesel::table! {
    monitor_months (month) {
        month -> Text,
        events -> BigInt,
        revision -> BigInt,
    }
}

diesel::table! {
    monitor_relinks (from_key) {
        from_key -> Text,
        to_key -> Text,
    }
}

// Migration `monitor_snapshots`: every counted person's number, and packed months.
diesel::table! {
    monitor_persons (number) {
        number -> Integer,
        key -> Text,
        unlinkable -> Bool,
    }
}

diesel::table! {
    monitor_snapshots (month) {
        month -> Text,
        events -> BigInt,
        revision -> BigInt,
        format -> Integer,
        packed -> Binary,
    }
}
