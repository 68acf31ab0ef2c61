//! The messages, in English and Dutch. A message names agencies, codes and a link to
//! the item — never a person, a date of birth, a case note or any other personal data.
//! Subjects are generic. Placeholders: `{from}`, `{to}` (agency names), `{state}`,
//! `{reason}` (a sentence naming the reason, or nothing), `{reason_word}` (the reason
//! or ground alone), `{urgency}` (translated codes) and `{link}`.

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML alternative.
    pub html: String,
}

/// What a template may say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The sending agency's name.
    pub from: String,
    /// The receiving agency's name.
    pub to: String,
    /// The new state of a referral (a code).
    pub state: String,
    /// A decline reason (a code).
    pub reason: String,
    /// The urgency (a code).
    pub urgency: String,
    /// The link to the item.
    pub link: String,
}

/// The recipient's language: `nl` unless `en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Dutch.
    Nl,
}

impl Lang {
    /// The language of a user's locale code.
    pub fn of(locale: &str) -> Self {
        if locale == "en" { Lang::En } else { Lang::Nl }
    }
}

/// (topic, English subject, English body, Dutch subject, Dutch body).
const TEMPLATES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "referral_received",
        "Schakel: new referral",
        "{from} has referred someone to {to}. Urgency: {urgency}.\nOpen the referral in Schakel: {link}",
        "Schakel: nieuwe verwijzing",
        "{from} heeft iemand doorverwezen naar {to}. Urgentie: {urgency}.\nOpen de verwijzing in Schakel: {link}",
    ),
    (
        "referral_decided",
        "Schakel: update on a referral",
        "{to} has {state} a referral from {from}.{reason}\nSee the referral in Schakel: {link}",
        "Schakel: verwijzing bijgewerkt",
        "{to} heeft een verwijzing van {from} {state}.{reason}\nBekijk de verwijzing in Schakel: {link}",
    ),
    (
        "referral_withdrawn",
        "Schakel: referral withdrawn",
        "{from} has withdrawn a referral to {to}.\nSee the referral in Schakel: {link}",
        "Schakel: verwijzing ingetrokken",
        "{from} heeft een verwijzing naar {to} ingetrokken.\nBekijk de verwijzing in Schakel: {link}",
    ),
    (
        "referral_expired",
        "Schakel: referral expired",
        "A referral from {from} to {to} was not answered before its deadline and has expired.\nSee the referral in Schakel: {link}",
        "Schakel: verwijzing verlopen",
        "Een verwijzing van {from} naar {to} is niet voor de termijn beantwoord en is verlopen.\nBekijk de verwijzing in Schakel: {link}",
    ),
    (
        "referral_reminder",
        "Schakel: a referral awaits an answer",
        "A referral from {from} to {to} has passed its deadline without an answer.\nOpen the referral in Schakel: {link}",
        "Schakel: een verwijzing wacht op antwoord",
        "Een verwijzing van {from} naar {to} is over de termijn zonder antwoord.\nOpen de verwijzing in Schakel: {link}",
    ),
    (
        "referral_escalation",
        "Schakel: referral still unanswered",
        "A referral from {from} to {to} is still unanswered, well past its deadline. Coordinators of both agencies receive this message.\nOpen the referral in Schakel: {link}",
        "Schakel: verwijzing nog steeds onbeantwoord",
        "Een verwijzing van {from} naar {to} is ruim over de termijn nog steeds onbeantwoord. De coördinatoren van beide organisaties krijgen dit bericht.\nOpen de verwijzing in Schakel: {link}",
    ),
    (
        "consent_withdrawn",
        "Schakel: access to a case has changed",
        "{from} has recorded that consent to share a person's identity with {to} was withdrawn. The identity is no longer shown to {to}.\nSee the referral in Schakel: {link}",
        "Schakel: toegang tot een casus gewijzigd",
        "{from} heeft vastgelegd dat de toestemming om de identiteit van een persoon met {to} te delen is ingetrokken. {to} ziet de identiteit niet meer.\nBekijk de verwijzing in Schakel: {link}",
    ),
    (
        "document_quarantined",
        "Schakel: a document you uploaded was quarantined",
        "The malware scanner found something in a document you uploaded to a case. It is quarantined: nobody can download it. If you need the document, ask the sender for a clean copy and upload that.\nThe case in Schakel: {link}",
        "Schakel: een document dat u uploadde is in quarantaine geplaatst",
        "De virusscanner heeft iets gevonden in een document dat u bij een casus uploadde. Het staat in quarantaine: niemand kan het downloaden. Heeft u het document nodig, vraag dan de afzender om een schone kopie en upload die.\nDe casus in Schakel: {link}",
    ),
    (
        "emergency_access",
        "Schakel: emergency access to one of your cases",
        "A worker of {from} has used emergency access to read a case of {to}, stating the ground: {reason_word}. The access ends by itself after a few hours, is logged and is reviewed by the auditors. If you doubt it, tell your data protection officer.\nThe case in Schakel: {link}",
        "Schakel: noodtoegang tot een van uw casussen",
        "Een medewerker van {from} heeft met noodtoegang een casus van {to} ingezien, met als grond: {reason_word}. De toegang vervalt vanzelf na enkele uren, is vastgelegd en wordt door de auditors beoordeeld. Twijfelt u, meld het dan bij uw functionaris gegevensbescherming.\nDe casus in Schakel: {link}",
    ),
    (
        "second_factor_reset",
        "Schakel: your second factor was reset",
        "Two admins of Schakel have removed the authenticator app from your account, as asked for when a phone is lost. At your next login, after your password, you set up the app again and get new recovery codes. If you did not ask for this, tell your admin at once.\nSchakel: {link}",
        "Schakel: uw tweede factor is opnieuw ingesteld",
        "Twee beheerders van Schakel hebben de authenticator-app van uw account verwijderd, zoals gevraagd wanneer een telefoon kwijt is. Bij uw volgende keer inloggen stelt u na uw wachtwoord de app opnieuw in en krijgt u nieuwe herstelcodes. Heeft u hier niet om gevraagd, meld het dan meteen bij uw beheerder.\nSchakel: {link}",
    ),
    (
        "suspect_referral_received",
        "Schakel: a suspect was handed to your office",
        "{from} has handed a suspect to {to}.\nOpen the suspects received in Schakel: {link}",
        "Schakel: een verdachte overgedragen aan uw parket",
        "{from} heeft een verdachte overgedragen aan {to}.\nOpen de ontvangen verdachten in Schakel: {link}",
    ),
    (
        "suspect_referral_decided",
        "Schakel: update on a suspect handed over",
        "{to} has {state} a suspect handed over by {from}.\nSee the suspects handed over in Schakel: {link}",
        "Schakel: overgedragen verdachte bijgewerkt",
        "{to} heeft een door {from} overgedragen verdachte {state}.\nBekijk de overgedragen verdachten in Schakel: {link}",
    ),
    (
        "invitation",
        "Schakel: your invitation",
        "You have been invited to Schakel. Choose your password with this link; it works once and expires:\n{link}",
        "Schakel: uw uitnodiging",
        "U bent uitgenodigd voor Schakel. Kies uw wachtwoord via deze link; hij werkt één keer en verloopt:\n{link}",
    ),
    (
        "password_reset",
        "Schakel: choose a new password",
        "Someone asked to reset the password of your Schakel account. Choose a new password with this link; it works once and expires. Signing in still asks for the code of your authenticator app.\nIf you did not ask for this, ignore this message; your password stays as it is.\n{link}",
        "Schakel: kies een nieuw wachtwoord",
        "Er is gevraagd het wachtwoord van uw Schakel-account opnieuw in te stellen. Kies een nieuw wachtwoord via deze link; hij werkt één keer en verloopt. Bij het inloggen vraagt Schakel nog steeds de code van uw authenticator-app.\nHeeft u hier niet om gevraagd, negeer dit bericht dan; uw wachtwoord blijft zoals het is.\n{link}",
    ),
];

/// A code in words.
fn word(code: &str, lang: Lang) -> String {
    let (en, nl) = match code {
        "accepted" => ("accepted", "geaccepteerd"),
        "declined" => ("declined", "afgewezen"),
        "redirected" => ("redirected", "doorgestuurd"),
        "completed" => ("completed", "afgerond"),
        "urgent" => ("urgent", "spoed"),
        "normal" => ("normal", "normaal"),
        "no_capacity" => ("no capacity", "geen capaciteit"),
        "not_eligible" => ("not eligible", "valt niet binnen de doelgroep"),
        "wrong_region" => ("wrong region", "verkeerde regio"),
        "person_unreachable" => ("person unreachable", "persoon onbereikbaar"),
        "other" => ("other", "anders"),
        "danger_to_life" => (
            "the person's life or health is in acute danger",
            "het leven of de gezondheid van de persoon is in acuut gevaar",
        ),
        "missing_person" => ("the person is missing", "de persoon is vermist"),
        "urgent_care" => (
            "shelter or care must be arranged now",
            "opvang of zorg moet nu geregeld worden",
        ),
        "safety_of_others" => ("others are in acute danger", "anderen zijn in acuut gevaar"),
        other => (other, other),
    };
    match lang {
        Lang::En => en.to_owned(),
        Lang::Nl => nl.to_owned(),
    }
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn fill(body: &str, facts: &Facts, lang: Lang, html: bool) -> String {
    let esc = |s: &str| if html { escape(s) } else { s.to_owned() };
    let reason = if facts.reason.is_empty() {
        String::new()
    } else {
        match lang {
            Lang::En => format!(" Reason: {}.", word(&facts.reason, lang)),
            Lang::Nl => format!(" Reden: {}.", word(&facts.reason, lang)),
        }
    };
    let link = if html {
        format!("<a href=\"{0}\">{0}</a>", escape(&facts.link))
    } else {
        facts.link.clone()
    };
    body.replace("{from}", &esc(&facts.from))
        .replace("{to}", &esc(&facts.to))
        .replace("{state}", &esc(&word(&facts.state, lang)))
        .replace("{urgency}", &esc(&word(&facts.urgency, lang)))
        .replace("{reason}", &esc(&reason))
        .replace("{reason_word}", &esc(&word(&facts.reason, lang)))
        .replace("{link}", &link)
}

fn footer(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "This message holds no personal data by design. Do not reply to it.",
        Lang::Nl => "Dit bericht bevat bewust geen persoonsgegevens. Beantwoord het niet.",
    }
}

fn html_page(paragraphs: &[String], lang: Lang) -> String {
    let code = match lang {
        Lang::En => "en",
        Lang::Nl => "nl",
    };
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>")))
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\"></head><body>{body}<p><small>{}</small></p></body></html>",
        footer(lang)
    )
}

/// The message of `topic` in `lang`, or `None` for a topic without a template.
pub fn render(topic: &str, lang: Lang, facts: &Facts) -> Option<Rendered> {
    let (_, en_s, en_b, nl_s, nl_b) = TEMPLATES.iter().find(|t| t.0 == topic)?;
    let (subject, body) = match lang {
        Lang::En => (en_s, en_b),
        Lang::Nl => (nl_s, nl_b),
    };
    Some(Rendered {
        subject: (*subject).to_owned(),
        text: format!("{}\n\n{}\n", fill(body, facts, lang, false), footer(lang)),
        html: html_page(&[fill(body, facts, lang, true)], lang),
    })
}

/// A daily digest of several messages in one.
pub fn render_digest(items: &[Rendered], lang: Lang) -> Rendered {
    let (subject, intro) = match lang {
        Lang::En => (
            "Schakel: your daily summary",
            "What happened for your agency since the last summary:",
        ),
        Lang::Nl => (
            "Schakel: uw dagelijkse overzicht",
            "Wat er sinds het vorige overzicht voor uw organisatie is gebeurd:",
        ),
    };
    let mut text = format!("{intro}\n");
    let mut paragraphs = vec![escape(intro)];
    for item in items {
        let first = item.text.split("\n\n").next().unwrap_or_default();
        text.push_str(&format!(
            "\n* {}\n  {}\n",
            item.subject,
            first.replace('\n', "\n  ")
        ));
        let html_first = item
            .html
            .split("<p>")
            .nth(1)
            .and_then(|p| p.split("</p>").next())
            .unwrap_or_default();
        paragraphs.push(format!(
            "<strong>{}</strong><br>{html_first}",
            escape(&item.subject)
        ));
    }
    text.push_str(&format!("\n{}\n", footer(lang)));
    Rendered {
        subject: subject.to_owned(),
        text,
        html: html_page(&paragraphs, lang),
    }
}

/// Every topic that has a template.
pub fn topics() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|t| t.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_in_both_languages_with_its_facts_and_escapes_html() {
        let facts = Facts {
            from: "Gemeente <Utrecht>".into(),
            to: "Opvang & Zorg".into(),
            state: "declined".into(),
            reason: "no_capacity".into(),
            urgency: "urgent".into(),
            link: "https://schakel.example/referrals/1".into(),
        };
        for topic in topics() {
            let en = render(topic, Lang::En, &facts).unwrap();
            let nl = render(topic, Lang::Nl, &facts).unwrap();
            assert_ne!(en.subject, nl.subject, "{topic}");
            assert!(en.text.contains(&facts.link) && nl.text.contains(&facts.link));
            assert!(!en.html.contains("<Utrecht>") && !nl.html.contains("Opvang & Zorg"));
            assert!(en.text.contains("holds no personal data"));
        }
        let decided = render("referral_decided", Lang::Nl, &facts).unwrap();
        assert!(decided.text.contains("afgewezen") && decided.text.contains("geen capaciteit"));
        assert!(render("unknown_topic", Lang::En, &facts).is_none());
        let emergency = Facts {
            reason: "missing_person".into(),
            ..facts.clone()
        };
        let nl = render("emergency_access", Lang::Nl, &emergency).unwrap();
        assert!(
            nl.text.contains("grond: de persoon is vermist."),
            "{}",
            nl.text
        );
        let digest = render_digest(&[decided.clone(), decided], Lang::Nl);
        assert_eq!(
            digest
                .text
                .matches("* Schakel: verwijzing bijgewerkt")
                .count(),
            2
        );
    }
}
