//! Emails about suspects handed to the prosecution, over a real SMTP server on every
//! backend: the prosecution office's coordinators hear of a suspect's arrival, the
//! investigating agency's coordinators of its acceptance, each in their language,
//! linking to the inbox of suspects — and never naming the suspect, the investigation's
//! reference or the message sent with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use schakel_auth::RequestContext;
use schakel_domain::{AgencyKind, Role};
use schakel_referral_workflow::offenders::{self as uc, SuspectReferralAction};
use schakel_referral_workflow::{Env, IfMatch, WorkflowConfig};
use schakel_store::testing::each_backend;
use support::*;

const SUSPECT: &str = "Kraaienpootjesdief";
const REFERENCE: &str = "ON-EKSTERNEST-77";
const MESSAGE: &str = "zie proces-verbaal ekster";

#[test]
fn a_suspect_handed_over_is_told_to_both_offices_without_naming_the_suspect() {
    let Some((port, url)) = smtp() else { return };
    each_backend(|db| {
        let mut conn = db.pool.get().unwrap();
        let c = &mut conn;
        let police = agency(c, "Politie Noord", AgencyKind::Police);
        let om = agency(c, "Parket Noord", AgencyKind::Prosecution);
        let agent = user(c, &police, Role::Caseworker, "nl");
        let police_coord = user(c, &police, Role::Coordinator, "en");
        let om_nl = user(c, &om, Role::Coordinator, "nl");
        let om_en = user(c, &om, Role::Coordinator, "en");
        let om_worker = user(c, &om, Role::Caseworker, "nl");
        let cfg = WorkflowConfig::ephemeral();
        let ctx = RequestContext::default();
        let env = Env {
            cfg: &cfg,
            ctx: &ctx,
            now: t0(),
        };
        let inv = serde_json::from_value(serde_json::json!({
            "reference": REFERENCE, "region": "noord_nederland",
            "exploitation_forms": ["labour"], "started_on": t0().date_naive()
        }))
        .unwrap();
        let inv = uc::open_investigation(c, &env, &actor(&agent), &inv).unwrap();
        let s = serde_json::from_value(serde_json::json!({
            "identity": { "family_name": SUSPECT }, "gender": "male", "role": "recruiter"
        }))
        .unwrap();
        let s = uc::add_suspect(c, &env, &actor(&agent), inv.id, &s).unwrap();
        let refer = serde_json::from_value(serde_json::json!({
            "to_agency_id": om.id, "message": MESSAGE
        }))
        .unwrap();
        let r = uc::refer_suspect(c, &env, &actor(&agent), s.id, &refer).unwrap();
        dispatcher(port, 8).run_once(c, t0()).unwrap();
        let everyone = [
            agent.email.as_str(),
            police_coord.email.as_str(),
            om_nl.email.as_str(),
            om_en.email.as_str(),
            om_worker.email.as_str(),
        ];
        let got = delivered_to(&url, &everyone);
        let mut to: Vec<String> = got.iter().map(|m| m.to.clone()).collect();
        to.sort();
        let mut want = vec![om_nl.email.to_lowercase(), om_en.email.to_lowercase()];
        want.sort();
        assert_eq!(to, want, "{:?}: the office's coordinators", db.backend);
        let nl = got
            .iter()
            .find(|m| m.to == om_nl.email.to_lowercase())
            .unwrap();
        assert_eq!(
            nl.subject,
            "Schakel: een verdachte overgedragen aan uw parket"
        );
        assert!(
            nl.text.contains("Politie Noord") && nl.text.contains("/suspect-referrals\n"),
            "{}",
            nl.text
        );
        let en = got
            .iter()
            .find(|m| m.to == om_en.email.to_lowercase())
            .unwrap();
        assert_eq!(en.subject, "Schakel: a suspect was handed to your office");

        let answer = uc::SuspectReferralAnswer::default();
        let accept = SuspectReferralAction::Accept;
        uc::act_on_suspect_referral(
            c,
            &env,
            &actor(&om_nl),
            r.id,
            accept,
            IfMatch::Version(r.version),
            &answer,
        )
        .unwrap();
        dispatcher(port, 8).run_once(c, t0()).unwrap();
        let got = delivered_to(&url, &everyone);
        let told: Vec<_> = got
            .iter()
            .filter(|m| m.to == police_coord.email.to_lowercase())
            .collect();
        assert_eq!(
            told.len(),
            1,
            "{:?}: the police coordinator hears of it",
            db.backend
        );
        assert_eq!(told[0].subject, "Schakel: update on a suspect handed over");
        assert!(
            told[0]
                .text
                .contains("has accepted a suspect handed over by Politie Noord"),
            "{}",
            told[0].text
        );
        assert!(
            told[0].text.contains("/suspect-referrals?box=sent"),
            "{}",
            told[0].text
        );
        for m in &got {
            for canary in [SUSPECT, REFERENCE, MESSAGE] {
                assert!(!m.raw.contains(canary), "{canary} in {}", m.raw);
            }
        }
    });
}
