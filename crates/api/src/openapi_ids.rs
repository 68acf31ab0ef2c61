//! Operation ids for the API document: every operation gets a stable, unique
//! `operationId` from one table, so clients, tools and the links between operations
//! can name it.

/// `(method, path, operationId)` of every operation.
pub(crate) const OPERATION_IDS: &[(&str, &str, &str)] = &[
    ("get", "/healthz", "health"),
    ("get", "/readyz", "readiness"),
    ("get", "/metrics", "metrics"),
    ("get", "/api/v1/openapi.json", "openapi_document"),
    ("post", "/api/v1/auth/login", "login"),
    ("post", "/api/v1/auth/token", "client_token"),
    ("post", "/api/v1/clients", "create_client"),
    (
        "post",
        "/api/v1/clients/{id}/secret",
        "rotate_client_secret",
    ),
    ("post", "/api/v1/auth/refresh", "refresh_tokens"),
    ("post", "/api/v1/auth/logout", "logout"),
    ("post", "/api/v1/auth/mfa/enrol", "enrol_second_factor"),
    ("post", "/api/v1/auth/mfa/verify", "verify_second_factor"),
    ("post", "/api/v1/auth/invitation", "accept_invitation"),
    (
        "post",
        "/api/v1/auth/password-reset",
        "request_password_reset",
    ),
    (
        "post",
        "/api/v1/auth/password-reset/complete",
        "complete_password_reset",
    ),
    ("get", "/api/v1/me", "get_me"),
    ("patch", "/api/v1/me", "update_me"),
    ("post", "/api/v1/me/password", "change_password"),
    ("get", "/api/v1/me/sessions", "list_own_sessions"),
    ("delete", "/api/v1/me/sessions/{id}", "end_own_session"),
    ("get", "/api/v1/me/recovery-codes", "count_recovery_codes"),
    ("post", "/api/v1/me/recovery-codes", "issue_recovery_codes"),
    ("get", "/api/v1/monitor/counts", "monitor_counts"),
    ("get", "/api/v1/monitor/flows", "monitor_flows"),
    ("get", "/api/v1/monitor/overlap", "monitor_overlap"),
    ("get", "/api/v1/monitor/estimate", "monitor_estimate"),
    ("get", "/api/v1/monitor/htcds", "monitor_htcds_export"),
    ("get", "/api/v1/monitor/offenders", "monitor_offenders"),
    ("post", "/api/v1/investigations", "open_investigation"),
    ("get", "/api/v1/investigations", "list_investigations"),
    ("get", "/api/v1/investigations/{id}", "get_investigation"),
    (
        "post",
        "/api/v1/investigations/{id}/suspects",
        "add_suspect",
    ),
    ("get", "/api/v1/suspects/{id}", "get_suspect"),
    ("post", "/api/v1/suspects/{id}/victims", "link_victim"),
    (
        "delete",
        "/api/v1/suspects/{id}/victims/{link_id}",
        "unlink_victim",
    ),
    ("post", "/api/v1/suspects/{id}/referrals", "refer_suspect"),
    ("post", "/api/v1/suspects/{id}/decisions", "record_decision"),
    ("post", "/api/v1/suspects/{id}/judgments", "record_judgment"),
    ("get", "/api/v1/suspect-referrals", "list_suspect_referrals"),
    (
        "post",
        "/api/v1/suspect-referrals/{id}/{action}",
        "act_on_suspect_referral",
    ),
    ("get", "/api/v1/agencies", "list_agencies"),
    ("post", "/api/v1/agencies", "create_agency"),
    ("get", "/api/v1/agencies/{id}", "get_agency"),
    ("patch", "/api/v1/agencies/{id}", "update_agency"),
    (
        "post",
        "/api/v1/agencies/{id}/deactivate",
        "deactivate_agency",
    ),
    ("get", "/api/v1/users", "list_users"),
    ("post", "/api/v1/users", "invite_user"),
    ("get", "/api/v1/users/{id}", "get_user"),
    ("patch", "/api/v1/users/{id}", "update_user"),
    ("post", "/api/v1/users/{id}/deactivate", "deactivate_user"),
    ("post", "/api/v1/users/{id}/reactivate", "reactivate_user"),
    (
        "post",
        "/api/v1/users/{id}/second-factor/reset",
        "reset_second_factor",
    ),
    (
        "get",
        "/api/v1/privilege-requests",
        "list_privilege_requests",
    ),
    (
        "get",
        "/api/v1/privilege-requests/{id}",
        "get_privilege_request",
    ),
    (
        "post",
        "/api/v1/privilege-requests/{id}/approve",
        "approve_privilege_request",
    ),
    (
        "post",
        "/api/v1/privilege-requests/{id}/reject",
        "reject_privilege_request",
    ),
    ("get", "/api/v1/admin/outbox", "list_failed_deliveries"),
    ("post", "/api/v1/admin/outbox/{id}/retry", "retry_delivery"),
    ("get", "/api/v1/directory/agencies", "directory"),
    ("get", "/api/v1/directory/hsds", "export_directory_hsds"),
    (
        "get",
        "/api/v1/directory/agencies/{id}/profile",
        "get_agency_profile",
    ),
    (
        "put",
        "/api/v1/directory/agencies/{id}/profile",
        "keep_agency_profile",
    ),
    ("get", "/api/v1/audit", "list_audit_entries"),
    ("get", "/api/v1/audit/verify", "verify_audit_trail"),
    ("get", "/api/v1/audit/export", "export_audit_trail"),
    ("post", "/api/v1/audit/subject", "find_audit_subject"),
    ("post", "/api/v1/signals", "create_signal"),
    ("get", "/api/v1/signals", "list_signals"),
    ("get", "/api/v1/signals/{id}", "get_signal"),
    ("post", "/api/v1/cases", "open_case"),
    ("get", "/api/v1/cases", "list_cases"),
    ("get", "/api/v1/cases/{id}", "get_case"),
    ("get", "/api/v1/cases/{id}/timeline", "get_case_timeline"),
    ("post", "/api/v1/cases/{id}/close", "close_case"),
    ("post", "/api/v1/cases/{id}/reopen", "reopen_case"),
    (
        "get",
        "/api/v1/cases/{id}/person-record",
        "get_person_record",
    ),
    ("put", "/api/v1/cases/{id}/restriction", "restrict_case"),
    (
        "delete",
        "/api/v1/cases/{id}/restriction",
        "lift_case_restriction",
    ),
    (
        "post",
        "/api/v1/cases/{id}/erasure",
        "erase_case_on_request",
    ),
    ("patch", "/api/v1/cases/{id}", "correct_case"),
    ("put", "/api/v1/cases/{id}/assignee", "assign_case"),
    ("get", "/api/v1/caseload", "get_caseload"),
    ("get", "/api/v1/agency/dashboard", "get_agency_dashboard"),
    (
        "post",
        "/api/v1/emergency-accesses",
        "open_emergency_access",
    ),
    (
        "get",
        "/api/v1/emergency-accesses",
        "list_emergency_accesses",
    ),
    (
        "get",
        "/api/v1/emergency-accesses/summary",
        "get_emergency_summary",
    ),
    (
        "get",
        "/api/v1/emergency-accesses/{id}",
        "get_emergency_access",
    ),
    (
        "post",
        "/api/v1/emergency-accesses/{id}/review",
        "review_emergency_access",
    ),
    (
        "post",
        "/api/v1/referrals/{id}/case",
        "open_case_from_referral",
    ),
    ("get", "/api/v1/cases/{id}/history", "get_case_history"),
    ("get", "/api/v1/cases/{id}/chain", "get_case_chain"),
    ("put", "/api/v1/referrals/{id}/assignee", "assign_referral"),
    ("get", "/api/v1/drafts", "list_drafts"),
    ("post", "/api/v1/drafts", "create_draft"),
    ("get", "/api/v1/drafts/{id}", "get_draft"),
    ("put", "/api/v1/drafts/{id}", "save_draft"),
    ("delete", "/api/v1/drafts/{id}", "delete_draft"),
    ("post", "/api/v1/cases/{id}/consents", "record_consent"),
    (
        "post",
        "/api/v1/cases/{id}/consents/{consent_id}/withdraw",
        "withdraw_consent",
    ),
    ("post", "/api/v1/cases/{id}/notes", "add_note"),
    ("get", "/api/v1/cases/{id}/notes", "list_notes"),
    ("put", "/api/v1/notes/{id}", "edit_note"),
    ("post", "/api/v1/cases/{id}/documents", "add_document"),
    ("get", "/api/v1/cases/{id}/documents", "list_documents"),
    ("get", "/api/v1/documents/{id}", "get_document"),
    ("get", "/api/v1/documents/{id}/content", "download_document"),
    ("put", "/api/v1/documents/{id}/shared", "share_document"),
    ("delete", "/api/v1/documents/{id}", "remove_document"),
    ("post", "/api/v1/cases/{id}/referrals", "create_referral"),
    ("get", "/api/v1/referrals", "list_referrals"),
    ("get", "/api/v1/referrals/{id}", "get_referral"),
    ("post", "/api/v1/referrals/{id}/accept", "accept_referral"),
    ("post", "/api/v1/referrals/{id}/decline", "decline_referral"),
    (
        "post",
        "/api/v1/referrals/{id}/redirect",
        "redirect_referral",
    ),
    ("post", "/api/v1/referrals/{id}/start", "start_referral"),
    (
        "post",
        "/api/v1/referrals/{id}/complete",
        "complete_referral",
    ),
    (
        "post",
        "/api/v1/referrals/{id}/withdraw",
        "withdraw_referral",
    ),
];

/// Names every operation from [`OPERATION_IDS`].
#[derive(Debug)]
pub(crate) struct OperationIds;

impl utoipa::Modify for OperationIds {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                ("get", item.get.as_mut()),
                ("post", item.post.as_mut()),
                ("put", item.put.as_mut()),
                ("patch", item.patch.as_mut()),
                ("delete", item.delete.as_mut()),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                if let Some((.., id)) = OPERATION_IDS
                    .iter()
                    .find(|(m, p, _)| *m == method && p == path)
                {
                    op.operation_id = Some((*id).to_owned());
                }
            }
        }
    }
}
