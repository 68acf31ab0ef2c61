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
    audit_entries (id) {
        seq -> Nullable<BigInt>,
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
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
        mac -> Nullable<Text>,
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
        totp_pending_secret -> Nullable<Text>,
        kind -> Text,
    }
}

diesel::table! {
    client_secrets (user_id) {
        user_id -> Text,
        secret_hash -> Text,
        set_at -> Timestamp,
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
        source_ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    web_sessions (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
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
        kind -> Text,
        session_id -> Nullable<Text>,
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

diesel::table! {
    persons (id) {
        id -> Text,
        agency_id -> Text,
        identity -> Nullable<Text>,
        gender -> Text,
        nationality_group -> Text,
        family_name_index -> Nullable<Text>,
        birth_date_index -> Nullable<Text>,
        pseudonym -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        similar_index -> Nullable<Text>,
    }
}

diesel::table! {
    signals (id) {
        id -> Text,
        agency_id -> Text,
        recorded_by -> Text,
        person_id -> Nullable<Text>,
        observed_on -> Date,
        region -> Text,
        exploitation_forms -> Text,
        indicators -> Text,
        indicator_list_version -> Text,
        palermo_act -> Bool,
        palermo_means -> Bool,
        palermo_purpose -> Bool,
        palermo_elements_met -> Bool,
        reporting_basis -> Text,
        summary -> Nullable<Text>,
        age_band -> Text,
        created_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
        case_id -> Nullable<Text>,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        agency_id -> Text,
        person_id -> Text,
        signal_id -> Nullable<Text>,
        opened_by -> Text,
        status -> Text,
        region -> Text,
        exploitation_forms -> Text,
        notes -> Nullable<Text>,
        close_reason -> Nullable<Text>,
        close_note -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        legal_basis_used -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
        reference -> Nullable<Text>,
        assigned_to -> Nullable<Text>,
        origin_referral_id -> Nullable<Text>,
        restricted_at -> Nullable<Timestamp>,
        restricted_by -> Nullable<Text>,
        restriction_ground -> Nullable<Text>,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        case_id -> Text,
        kind -> Text,
        recipient_kinds -> Text,
        purposes -> Text,
        given_by -> Nullable<Text>,
        legal_basis -> Nullable<Text>,
        reason -> Nullable<Text>,
        given_on -> Date,
        expires_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    referrals (id) {
        id -> Text,
        case_id -> Text,
        from_agency_id -> Text,
        to_agency_id -> Text,
        sent_by -> Text,
        purpose -> Text,
        urgency -> Text,
        message -> Nullable<Text>,
        state -> Text,
        deadline_at -> Timestamp,
        exploitation_forms -> Text,
        age_band -> Text,
        gender -> Text,
        nationality_group -> Text,
        region -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
        note -> Nullable<Text>,
        outcome -> Nullable<Text>,
        redirected_from -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        reminded_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        assigned_to -> Nullable<Text>,
    }
}

diesel::table! {
    case_events (id) {
        id -> Text,
        case_id -> Text,
        occurred_at -> Timestamp,
        ordinal -> Integer,
        kind -> Text,
        agency_id -> Text,
        user_id -> Nullable<Text>,
        referral_id -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    case_notes (id) {
        id -> Text,
        case_id -> Text,
        agency_id -> Text,
        author_id -> Text,
        kind -> Text,
        occurred_on -> Date,
        visibility -> Text,
        body -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Text,
        key -> Text,
        fingerprint -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    case_documents (id) {
        id -> Text,
        case_id -> Text,
        agency_id -> Text,
        uploaded_by -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        title -> Nullable<Text>,
        content -> Nullable<Binary>,
        shared -> Bool,
        scan_state -> Text,
        scan_finding -> Nullable<Text>,
        scan_attempts -> Integer,
        scanned_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_queue (id) {
        id -> Text,
        outbox_id -> Text,
        user_id -> Text,
        topic -> Text,
        payload -> Text,
        digest -> Bool,
        state -> Text,
        attempts -> Integer,
        available_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    case_corrections (id) {
        id -> Text,
        case_id -> Text,
        corrected_by -> Text,
        fields -> Text,
        earlier -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    drafts (id) {
        id -> Text,
        user_id -> Text,
        form -> Text,
        case_id -> Nullable<Text>,
        content -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(client_secrets -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(web_sessions -> sessions (session_id));
diesel::joinable!(login_failures -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(persons -> agencies (agency_id));
diesel::joinable!(cases -> persons (person_id));
diesel::joinable!(consents -> cases (case_id));
diesel::joinable!(referrals -> cases (case_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_notes -> cases (case_id));
diesel::joinable!(case_corrections -> cases (case_id));
diesel::joinable!(case_documents -> cases (case_id));
pub use crate::schema_accounts::{privilege_requests, recovery_codes};
pub use crate::schema_directory::agency_profiles;
pub use crate::schema_monitor::{
    monitor_facts, monitor_months, monitor_persons, monitor_relinks, monitor_snapshots,
};
pub use crate::schema_offenders::{
    investigations, monitor_offender_facts, monitor_offender_victims, prosecution_steps,
    suspect_referrals, suspect_victims, suspects,
};
pub use crate::schema_oversight::emergency_accesses;
diesel::joinable!(suspects -> investigations (investigation_id));
diesel::joinable!(suspect_victims -> suspects (suspect_id));
diesel::joinable!(suspect_referrals -> suspects (suspect_id));
diesel::joinable!(prosecution_steps -> suspects (suspect_id));
diesel::joinable!(emergency_accesses -> cases (case_id));
diesel::joinable!(agency_profiles -> agencies (agency_id));
diesel::joinable!(recovery_codes -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    client_secrets,
    agencies,
    outbox,
    audit_entries,
    users,
    sessions,
    refresh_tokens,
    login_failures,
    account_tokens,
    persons,
    signals,
    cases,
    consents,
    referrals,
    case_events,
    case_notes,
    idempotency_keys,
    mail_queue,
    web_sessions,
    monitor_facts,
    monitor_months,
    monitor_relinks,
    monitor_persons,
    monitor_snapshots,
    case_corrections,
    drafts,
    case_documents,
    agency_profiles,
    recovery_codes,
    emergency_accesses,
    privilege_requests,
    investigations,
    suspects,
    suspect_victims,
    suspect_referrals,
    prosecution_steps,
    monitor_offender_facts,
    monitor_offender_victims,
);
