//! The monitor's own table (see the migration `create_monitor`).

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
    }
}
