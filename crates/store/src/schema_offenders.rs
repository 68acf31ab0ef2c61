//! The tables of the law-enforcement compartment and of the monitor's offender side,
//! beside the other tables of `schema` (which joins them to `agencies`, `users`,
//! `cases` and `signals`); the same conventions hold: ids as `Text`, times as
//! `Timestamp` (UTC), days as `Date`, encrypted values as their ciphertext `Text`,
//! lists of codes as JSON arrays of text.

diesel::table! {
    investigations (id) {
        id -> Text,
        agency_id -> Text,
        reference -> Text,
        region -> Text,
        exploitation_forms -> Text,
        started_on -> Date,
        opened_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    suspects (id) {
        id -> Text,
        investigation_id -> Text,
        identity -> Text,
        gender -> Text,
        birth_country_group -> Text,
        role -> Text,
        suspect_key -> Text,
        registered_on -> Date,
        registered_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    suspect_victims (id) {
        id -> Text,
        suspect_id -> Text,
        case_id -> Nullable<Text>,
        signal_id -> Nullable<Text>,
        linked_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    suspect_referrals (id) {
        id -> Text,
        suspect_id -> Text,
        from_agency_id -> Text,
        to_agency_id -> Text,
        sent_by -> Text,
        message -> Nullable<Text>,
        state -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    prosecution_steps (id) {
        id -> Text,
        suspect_id -> Text,
        agency_id -> Text,
        decision -> Nullable<Text>,
        outcome -> Nullable<Text>,
        instance -> Nullable<Text>,
        sentence -> Text,
        dated_on -> Date,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    monitor_offender_facts (event_id) {
        event_id -> Text,
        kind -> Text,
        quarter -> Text,
        year -> Text,
        agency_kind -> Text,
        region -> Text,
        exploitation_forms -> Text,
        age_band -> Text,
        gender -> Text,
        birth_country_group -> Text,
        role -> Text,
        decision -> Nullable<Text>,
        judgment -> Nullable<Text>,
        instance -> Nullable<Text>,
        sentence -> Text,
        days_since_registration -> Nullable<BigInt>,
        suspect_key -> Text,
    }
}

diesel::table! {
    monitor_offender_victims (suspect_key, victim_key) {
        suspect_key -> Text,
        victim_key -> Text,
        links -> BigInt,
    }
}
