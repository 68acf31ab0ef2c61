//! The help page (`GET /help`): what a user can do in Schakel and where, by task, in the
//! viewer's language, for every signed-in user. Its words live in the catalogs
//! (`help.<topic>.title`, `help.<topic>.1`, …) and say only what the pages and the use
//! cases do; `docs/user-guide.md` holds the same text in English. A topic links to its
//! page only for a role that may use that page. Nothing here reads or changes data.

use crate::WebState;
use crate::i18n::Texts;
use crate::pages::{Nav, complete_viewer, html};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// Who a topic's link is for.
#[derive(Clone, Copy)]
enum Audience {
    Everyone,
    Casework,
    Coordinator,
    /// Those who may break the glass.
    Emergency,
    /// Case workers of a law-enforcement agency.
    LawEnforcement,
    Analyst,
    Auditor,
    Admin,
}

impl Audience {
    /// Whether the viewer behind `nav` may use a page for this audience.
    fn includes(self, nav: &Nav) -> bool {
        match self {
            Audience::Everyone => true,
            Audience::Casework => nav.casework,
            Audience::Coordinator => nav.coordinator,
            Audience::Emergency => nav.emergency,
            Audience::LawEnforcement => nav.investigations,
            Audience::Analyst => nav.analyst,
            Audience::Auditor => nav.auditor,
            Audience::Admin => nav.admin,
        }
    }
}

/// One topic of the page: its anchor and catalog name, how many paragraphs it has, and
/// the page it leads to (address, catalog key of the link's words, for whom).
struct Topic {
    id: &'static str,
    paragraphs: usize,
    link: Option<(&'static str, &'static str, Audience)>,
}

/// The topics in the order the page shows them.
const TOPICS: &[Topic] = &[
    Topic {
        id: "roles",
        paragraphs: 3,
        link: None,
    },
    Topic {
        id: "find",
        paragraphs: 5,
        link: Some(("/cases", "help.go.cases", Audience::Casework)),
    },
    Topic {
        id: "assign",
        paragraphs: 4,
        link: Some((
            "/cases?assigned_to=me&status=open",
            "help.go.my_cases",
            Audience::Casework,
        )),
    },
    Topic {
        id: "signal",
        paragraphs: 3,
        link: Some(("/signals/new", "help.go.signal", Audience::Casework)),
    },
    Topic {
        id: "notes",
        paragraphs: 3,
        link: None,
    },
    Topic {
        id: "documents",
        paragraphs: 4,
        link: None,
    },
    Topic {
        id: "correct",
        paragraphs: 2,
        link: None,
    },
    Topic {
        id: "close",
        paragraphs: 3,
        link: None,
    },
    Topic {
        id: "rights",
        paragraphs: 4,
        link: None,
    },
    Topic {
        id: "consent",
        paragraphs: 4,
        link: None,
    },
    Topic {
        id: "drafts",
        paragraphs: 3,
        link: Some(("/drafts", "help.go.drafts", Audience::Casework)),
    },
    Topic {
        id: "refer",
        paragraphs: 4,
        link: Some(("/outgoing", "help.go.outgoing", Audience::Casework)),
    },
    Topic {
        id: "decide",
        paragraphs: 5,
        link: Some(("/inbox", "help.go.inbox", Audience::Casework)),
    },
    Topic {
        id: "emergency",
        paragraphs: 3,
        link: Some(("/emergency", "help.go.emergency", Audience::Emergency)),
    },
    Topic {
        id: "investigations",
        paragraphs: 4,
        link: Some((
            "/investigations",
            "help.go.investigations",
            Audience::LawEnforcement,
        )),
    },
    Topic {
        id: "profile",
        paragraphs: 2,
        link: Some(("/agency/profile", "help.go.profile", Audience::Coordinator)),
    },
    Topic {
        id: "figures",
        paragraphs: 2,
        link: Some((
            "/agency/dashboard",
            "help.go.figures",
            Audience::Coordinator,
        )),
    },
    Topic {
        id: "account",
        paragraphs: 3,
        link: Some((
            "/account/preferences",
            "help.go.account",
            Audience::Everyone,
        )),
    },
    Topic {
        id: "analyst",
        paragraphs: 2,
        link: Some(("/analyst", "help.go.analyst", Audience::Analyst)),
    },
    Topic {
        id: "estimate",
        paragraphs: 1,
        link: Some(("/analyst/estimate", "help.go.estimate", Audience::Analyst)),
    },
    Topic {
        id: "offenders_tables",
        paragraphs: 1,
        link: Some((
            "/analyst/offenders",
            "help.go.offenders_tables",
            Audience::Analyst,
        )),
    },
    Topic {
        id: "auditor",
        paragraphs: 2,
        link: Some(("/audit", "help.go.audit", Audience::Auditor)),
    },
    Topic {
        id: "emergency_review",
        paragraphs: 2,
        link: Some((
            "/audit/emergency",
            "help.go.emergency_review",
            Audience::Auditor,
        )),
    },
    Topic {
        id: "admin",
        paragraphs: 2,
        link: Some(("/admin/agencies", "help.go.admin", Audience::Admin)),
    },
    Topic {
        id: "four_eyes",
        paragraphs: 3,
        link: Some(("/admin/requests", "help.go.requests", Audience::Admin)),
    },
    Topic {
        id: "clients",
        paragraphs: 2,
        link: Some(("/admin/clients", "help.go.clients", Audience::Admin)),
    },
];

/// A topic in the viewer's words.
struct Section {
    anchor: String,
    title: String,
    paragraphs: Vec<String>,
    link: Option<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    t: Texts,
    nav: Option<Nav>,
    sections: Vec<Section>,
}

/// The catalog key of paragraph `n` (from 1) of topic `id`.
fn paragraph_key(id: &str, n: usize) -> String {
    format!("help.{id}.{n}")
}

/// The topics in the words of `t`, each with its link where `nav` may use it.
fn sections(t: Texts, nav: &Nav) -> Vec<Section> {
    TOPICS
        .iter()
        .map(|topic| Section {
            anchor: format!("help-{}", topic.id),
            title: t.get(&format!("help.{}.title", topic.id)).to_owned(),
            paragraphs: (1..=topic.paragraphs)
                .map(|n| t.get(&paragraph_key(topic.id, n)).to_owned())
                .collect(),
            link: topic
                .link
                .filter(|(_, _, who)| who.includes(nav))
                .map(|(href, key, _)| (href, t.get(key).to_owned())),
        })
        .collect()
}

/// `GET /help`.
pub async fn help(req: HttpRequest, state: web::Data<WebState>) -> HttpResponse {
    let v = match complete_viewer(&req, &state).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let t = v.texts();
    let nav = Nav::of(&v);
    let sections = sections(t, &nav);
    html(
        StatusCode::OK,
        &HelpPage {
            t,
            nav: Some(nav),
            sections,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn nav(casework: bool, analyst: bool) -> Nav {
        Nav {
            name: "Sanne Bakker".into(),
            agency: "Gemeente Amsterdam".into(),
            csrf: String::new(),
            inbox: casework,
            casework,
            coordinator: false,
            emergency: false,
            analyst,
            auditor: false,
            admin: false,
            investigations: false,
            suspect_referrals: false,
        }
    }

    #[test]
    fn every_topic_has_its_words_in_both_languages() {
        for lang in [Lang::En, Lang::Nl] {
            let t = Texts { lang };
            for topic in TOPICS {
                let title = format!("help.{}.title", topic.id);
                assert_ne!(t.get(&title), title);
                for n in 1..=topic.paragraphs {
                    let key = paragraph_key(topic.id, n);
                    assert_ne!(t.get(&key), key, "{lang:?}");
                }
                let next = paragraph_key(topic.id, topic.paragraphs + 1);
                assert_eq!(t.get(&next), next, "a paragraph the page leaves out");
                if let Some((_, key, _)) = topic.link {
                    assert_ne!(t.get(key), key);
                }
            }
        }
    }

    #[test]
    fn a_topic_links_to_its_page_only_for_those_who_may_use_it() {
        let t = Texts { lang: Lang::En };
        let links = |nav: &Nav| {
            sections(t, nav)
                .into_iter()
                .filter_map(|s| s.link.map(|(href, _)| href))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            links(&nav(true, false)),
            [
                "/cases",
                "/cases?assigned_to=me&status=open",
                "/signals/new",
                "/drafts",
                "/outgoing",
                "/inbox",
                "/account/preferences"
            ]
        );
        assert_eq!(
            links(&nav(false, true)),
            [
                "/account/preferences",
                "/analyst",
                "/analyst/estimate",
                "/analyst/offenders"
            ]
        );
        let police = Nav {
            emergency: true,
            ..nav(true, false)
        };
        assert!(links(&police).contains(&"/emergency"));
        let investigator = Nav {
            investigations: true,
            ..nav(true, false)
        };
        assert!(links(&investigator).contains(&"/investigations"));
        assert!(!links(&nav(true, false)).contains(&"/investigations"));
        assert!(!links(&nav(true, false)).contains(&"/emergency"));
        let auditor = Nav {
            auditor: true,
            ..nav(false, false)
        };
        assert_eq!(
            links(&auditor),
            ["/account/preferences", "/audit", "/audit/emergency"]
        );
        let all = sections(t, &nav(false, false));
        assert_eq!(all.len(), TOPICS.len(), "every topic is shown to everyone");
        assert_eq!(all[1].anchor, "help-find");
        assert_eq!(all[1].title, "Finding a case");
    }
}
