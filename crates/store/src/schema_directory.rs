//! The table of the directory's agency profiles, beside the other tables of `schema`
//! (which joins it to `agencies`); the same conventions hold: ids as `Text`, times as
//! `Timestamp` (UTC), lists of codes as JSON `Text`.

diesel::table! {
    agency_profiles (agency_id) {
        agency_id -> Text,
        services -> Text,
        age_bands -> Text,
        genders -> Text,
        nationality_groups -> Text,
        forms -> Text,
        eligibility_note -> Nullable<Text>,
        languages -> Text,
        regions -> Text,
        hours -> Nullable<Text>,
        phone -> Nullable<Text>,
        contact_public -> Bool,
        places_total -> Nullable<Integer>,
        places_free -> Nullable<Integer>,
        capacity_updated_at -> Nullable<Timestamp>,
        capacity_updated_by -> Nullable<Text>,
        version -> BigInt,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}
