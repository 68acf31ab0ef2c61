//! Undeliverable notifications as the admin sees them over HTTP: failed events and
//! emails are listed without their payloads, a retry queues one again from its first
//! attempt (once), and a failed invitation cannot be retried.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::{AgencyBuilder, Client, UserBuilder, bearer, request};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use schakel_api::app;
use schakel_domain::{AgencyKind, Role};
use schakel_store::mail_queue;
use schakel_store::outbox::{self, Channel, NewOutboxMessage};
use schakel_store::testing::{TestDb, selected_backends};
use serde_json::json;

#[actix_web::test]
async fn the_admin_sees_failed_deliveries_without_payloads_and_retries_them_once() {
    for backend in selected_backends() {
        let db = TestDb::new(backend);
        let srv = test::init_service(app(crate::support::state_without_mfa(&db))).await;
        let client = Client::new(&srv, TestRequest::to_request);
        let home = AgencyBuilder::new(&db)
            .name("Platformbeheer")
            .kind(AgencyKind::Other)
            .create();
        let admin = UserBuilder::new(&db, &home)
            .email("beheer@platform.example")
            .role(Role::Admin)
            .create();
        let invited = UserBuilder::new(&db, &home)
            .email("nieuw@platform.example")
            .role(Role::Caseworker)
            .invited()
            .create();
        let token = client.token(&admin.email).await;
        let (event, invitation) = {
            let mut conn = db.pool.get().unwrap();
            let now = chrono::Utc::now();
            let mut failed_row = |topic: &str, payload: serde_json::Value| {
                outbox::enqueue(
                    &mut conn,
                    &NewOutboxMessage {
                        channel: Channel::Email,
                        topic: topic.into(),
                        payload,
                        available_at: now,
                    },
                    now,
                )
                .unwrap()
                .to_string()
            };
            let event = failed_row(
                "referral_received",
                json!({ "agency_id": home.id, "roles": ["coordinator"] }),
            );
            let inv_row = failed_row(
                "invitation",
                json!({ "user_id": invited.id, "token": "geheim-token" }),
            );
            outbox::mark_failed(&mut conn, &event, now, "no active recipient").unwrap();
            // The invitation was fanned out to its queued email, whose sending failed.
            outbox::mark_done(&mut conn, &inv_row, now).unwrap();
            let payload = json!({ "user_id": invited.id, "token_scrubbed": true });
            mail_queue::insert(
                &mut conn,
                &mail_queue::NewMail {
                    outbox_id: &inv_row,
                    user_id: invited.id,
                    topic: "invitation",
                    payload: &payload,
                    digest: false,
                    available_at: now,
                    created_at: now,
                },
            )
            .unwrap();
            let ids: Vec<String> = mail_queue::claim(&mut conn, false, now, now, 10)
                .unwrap()
                .into_iter()
                .map(|m| m.id)
                .collect();
            mail_queue::mark_failed(&mut conn, &ids, "SMTP: 550 mailbox unavailable").unwrap();
            (event, ids[0].clone())
        };
        let list = client
            .send(bearer(
                request("GET", "/api/v1/admin/outbox?state=failed"),
                &token,
            ))
            .await;
        assert_eq!(list.status, StatusCode::OK, "{backend:?}: {list:?}");
        let body = list.json();
        assert_eq!(body["events"][0]["id"], event.as_str());
        assert_eq!(body["events"][0]["last_error"], "no active recipient");
        assert_eq!(body["emails"][0]["id"], invitation.as_str());
        assert!(!body.to_string().contains("geheim-token"), "no payloads");
        assert!(body["events"][0].get("payload").is_none());

        let retry = |id: &str| {
            bearer(
                request("POST", &format!("/api/v1/admin/outbox/{id}/retry")),
                &token,
            )
        };
        assert_eq!(
            client.send(retry(&event)).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            client.send(retry(&event)).await.status,
            StatusCode::NOT_FOUND,
            "once"
        );
        let again = client.send(retry(&invitation)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let stats = {
            let mut conn = db.pool.get().unwrap();
            outbox::stats(&mut conn, chrono::Utc::now()).unwrap()
        };
        assert_eq!((stats.failed, stats.pending), (0, 1), "pending again");
        assert_eq!(crate::support::successes(&db, "admin.delivery_retry"), 1);
    }
}
