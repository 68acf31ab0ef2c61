//! Renders records built by hand and reads the text back out of the PDF: every value
//! the person is owed must be there, in either language, on numbered pages.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use schakel_domain::{
    AgeBand, AgencyId, AgencyKind, CaseStatus, CloseReason, ConsentGiver, ConsentId, ConsentKind,
    ExploitationForm, Gender, MediaType, NationalityGroup, NoteKind, NoteVisibility, PersonId,
    RecipientKind, ReferralOutcome, ReferralPurpose, ReferralState, Region, ReportingBasis,
    RestrictionGround, Role, ScanState, Urgency,
};
use schakel_record_pdf::{Lang, plain_words, render};
use schakel_referral_workflow::identity::Identity;
use schakel_referral_workflow::views::{
    AccessRecord, AgencyRef, CaseRecord, ConsentView, CorrectionRecord, DocumentRecord, NoteRecord,
    PersonRecord, PersonView, ReferralRecord, RestrictionView, SignalRecord, TimelineRecord,
};

const AGENCY: &str = "Stichting Veilig Thuis Noord";
const SHELTER: &str = "Opvanghuis De Linde";
const POLICE: &str = "Politie Eenheid Rotterdam";
const LONG_WORD: &str = "https://voorbeeld.nl/een/heel/lang/adres/dat/nooit/op/een/regel/past/zonder/afgebroken/te/worden/0123456789";
const LONG_NOTE: &str = "Gesprek met de cliënt op het kantoor in Groningen, samen met tolk \
    Наталья Иванова. De cliënt vertelde dat hij sinds het voorjaar op een bouwplaats \
    werkte zonder contract en zonder loon, dat zijn paspoort door de werkgever werd \
    bewaard en dat hij met zes anderen in één kamer sliep boven een garage. Hij wil \
    eerst rust en een veilige plek; aangifte doen wil hij later overwegen. Afgesproken \
    is dat we volgende week opnieuw praten en dat de casusregisseur contact opneemt met \
    de opvang over een plek. Zijn broer mag niet weten waar hij verblijft.";

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, day, hour, minute, 0).unwrap()
}

fn on(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

fn agency(name: &str, kind: AgencyKind, region: Region) -> AgencyRef {
    AgencyRef {
        id: AgencyId::new_random(),
        name: name.to_owned(),
        kind,
        region,
    }
}

fn person(erased: bool) -> PersonView {
    let identity = Identity {
        given_names: Some("Ștefan Mihai".to_owned()),
        family_name: Some("Țurcanu".to_owned()),
        date_of_birth: Some(NaiveDate::from_ymd_opt(1994, 7, 19).unwrap()),
        nationalities: vec!["MD".to_owned(), "RO".to_owned()],
        languages: vec!["ro".to_owned(), "ru".to_owned()],
        contact: Some("Lindelaan 4, 9712 AB Groningen".to_owned()),
        ..Identity::default()
    };
    PersonView {
        id: PersonId::new_random(),
        identity: (!erased).then_some(identity),
        identity_withheld: false,
        erased,
        gender: Gender::Male,
        age_band: AgeBand::From30To39,
        nationality_group: NationalityGroup::EuEeaCh,
    }
}

fn empty_case(reference: &str, opened: DateTime<Utc>) -> CaseRecord {
    CaseRecord {
        reference: reference.to_owned(),
        status: CaseStatus::Open,
        region: Region::NoordNederland,
        exploitation_forms: vec![ExploitationForm::Labour],
        notes: None,
        legal_basis_used: false,
        opened_at: opened,
        closed_at: None,
        close_reason: None,
        close_note: None,
        restriction: None,
        consents: vec![],
        referrals: vec![],
        notes_written: vec![],
        documents: vec![],
        corrections: vec![],
        timeline: vec![],
    }
}

fn first_case() -> CaseRecord {
    let mut case = empty_case("2026-000017", at(3, 9, 15));
    case.exploitation_forms = vec![ExploitationForm::Labour, ExploitationForm::Criminal];
    case.notes = Some("Ștefan Țurcanu werkte in de bouw bij Delfzijl.".to_owned());
    case.restriction = Some(RestrictionView {
        since: at(20, 10, 0),
        ground: RestrictionGround::AccuracyContested,
    });
    case.consents = vec![ConsentView {
        id: ConsentId::new_random(),
        kind: ConsentKind::Consent,
        recipient_kinds: vec![RecipientKind::Shelter, RecipientKind::Care],
        purposes: vec![ReferralPurpose::Shelter],
        given_by: Some(ConsentGiver::Person),
        legal_basis: None,
        reason: None,
        given_on: on(2, 3),
        expires_at: None,
        withdrawn_at: None,
        active: true,
        created_at: at(3, 9, 30),
    }];
    case.referrals = vec![
        ReferralRecord {
            to_agency: agency(
                SHELTER,
                AgencyKind::ShelterCategorical,
                Region::NoordNederland,
            ),
            purpose: ReferralPurpose::Shelter,
            urgency: Urgency::Urgent,
            state: ReferralState::Accepted,
            message: Some("Graag een plek voor vanavond.".to_owned()),
            sent_at: at(3, 10, 0),
            decided_at: Some(at(3, 11, 45)),
            decline_reason: None,
            outcome: None,
            ended_at: None,
        },
        ReferralRecord {
            to_agency: agency(POLICE, AgencyKind::Police, Region::Rotterdam),
            purpose: ReferralPurpose::LawEnforcement,
            urgency: Urgency::Normal,
            state: ReferralState::Completed,
            message: None,
            sent_at: at(5, 8, 0),
            decided_at: Some(at(6, 9, 0)),
            decline_reason: None,
            outcome: Some(ReferralOutcome::SupportProvided),
            ended_at: Some(at(18, 16, 0)),
        },
    ];
    case.notes_written = vec![
        NoteRecord {
            kind: NoteKind::Meeting,
            occurred_on: on(2, 4),
            visibility: NoteVisibility::OwnAgency,
            text: Some(format!("{LONG_NOTE} Zie {LONG_WORD}")),
            written_at: at(4, 15, 0),
        },
        NoteRecord {
            kind: NoteKind::PhoneCall,
            occurred_on: on(2, 9),
            visibility: NoteVisibility::Shared,
            text: Some("Gebeld met Đỗ Thị Hương van de opvang.".to_owned()),
            written_at: at(9, 12, 0),
        },
    ];
    case.documents = vec![DocumentRecord {
        title: Some("Verklaring werkgever.pdf".to_owned()),
        media_type: MediaType::Pdf,
        size_bytes: 48_213,
        added_at: at(10, 14, 0),
        scan_state: ScanState::Clean,
        shared: false,
        removed_at: None,
    }];
    case.corrections = vec![CorrectionRecord {
        corrected_at: at(12, 9, 0),
        fields: vec!["identity.date_of_birth".to_owned(), "region".to_owned()],
        earlier: Some(serde_json::json!({
            "identity.date_of_birth": "1993-07-19",
            "region": "rotterdam",
        })),
    }];
    case.timeline = (0..25)
        .map(|i| TimelineRecord {
            occurred_at: at(3 + i % 20, 8 + i % 9, 0),
            kind: if i == 0 {
                "case_opened"
            } else {
                "referral_sent"
            }
            .to_owned(),
            agency: AGENCY.to_owned(),
        })
        .collect();
    case
}

fn second_case() -> CaseRecord {
    let mut case = empty_case(
        "2025-000342",
        Utc.with_ymd_and_hms(2025, 11, 2, 8, 0, 0).unwrap(),
    );
    case.status = CaseStatus::Closed;
    case.closed_at = Some(Utc.with_ymd_and_hms(2025, 12, 15, 15, 30, 0).unwrap());
    case.close_reason = Some(CloseReason::ReferredOn);
    case.close_note = Some("Doorverwezen naar de opvang in Zwolle.".to_owned());
    case
}

fn record() -> PersonRecord {
    PersonRecord {
        produced_at: Utc.with_ymd_and_hms(2026, 3, 2, 13, 5, 0).unwrap(),
        agency: agency(AGENCY, AgencyKind::CareCoordination, Region::NoordNederland),
        person: person(false),
        cases: vec![first_case(), second_case()],
        signals: vec![SignalRecord {
            observed_on: on(2, 1),
            region: Region::Amsterdam,
            exploitation_forms: vec![ExploitationForm::Labour],
            indicators: vec!["A1".to_owned(), "B4".to_owned()],
            reporting_basis: ReportingBasis::LegitimateInterest,
            summary: Some("Gezien door Đỗ Thị Hương bij de markt.".to_owned()),
            logged_at: at(1, 17, 20),
        }],
        accesses: (0..45)
            .map(|i| AccessRecord {
                at: Utc.with_ymd_and_hms(2026, 3, 2, 13, 5, 0).unwrap(),
                agency: (i % 10 != 9).then(|| AGENCY.to_owned()),
                role: (i % 10 != 9).then_some(Role::Caseworker),
                action: "case.read".to_owned(),
                purpose: (i == 0).then(|| "emergency access".to_owned()),
            })
            .collect(),
    }
}

fn empty_record() -> PersonRecord {
    PersonRecord {
        cases: vec![],
        signals: vec![],
        accesses: vec![],
        person: person(true),
        ..record()
    }
}

/// The text of each page, whitespace collapsed to single spaces.
fn pages(record: &PersonRecord, lang: Lang) -> Vec<String> {
    let pdf = render(record, lang, &plain_words).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    pdf_extract::extract_text_from_mem_by_pages(&pdf)
        .unwrap()
        .iter()
        .map(|p| collapse(p))
        .collect()
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_has(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(&collapse(w)), "missing {w:?} in:\n{text}");
    }
}

/// Every page carries its number and the right total.
fn assert_numbered(pages: &[String], page: &str, of: &str) {
    let total = pages.len();
    for (i, text) in pages.iter().enumerate() {
        let footer = format!("{AGENCY} · 2026-03-02 · {page} {} {of} {total}", i + 1);
        assert!(text.contains(&footer), "page {} lacks {footer:?}", i + 1);
    }
}

const VALUES: &[&str] = &[
    "Ștefan Mihai",
    "Țurcanu",
    "Наталья Иванова",
    "Đỗ Thị Hương",
    "1994-07-19",
    "MD, RO",
    "Lindelaan 4, 9712 AB Groningen",
    "2026-000017",
    "2025-000342",
    "Ștefan Țurcanu werkte in de bouw bij Delfzijl.",
    LONG_NOTE,
    "Gebeld met Đỗ Thị Hương van de opvang.",
    "Graag een plek voor vanavond.",
    SHELTER,
    POLICE,
    "shelter categorical",
    "Verklaring werkgever.pdf",
    "identity.date_of_birth: 1993-07-19",
    "region: rotterdam",
    "Doorverwezen naar de opvang in Zwolle.",
    "referred on",
    "accuracy contested",
    "Gezien door Đỗ Thị Hương bij de markt.",
    "2026-03-02 14:05 · Stichting Veilig Thuis Noord · caseworker · case.read · emergency access",
];

#[test]
fn an_english_record_holds_every_value_on_numbered_pages() {
    let pages = pages(&record(), Lang::En);
    assert!(pages.len() >= 3, "only {} pages", pages.len());
    assert_numbered(&pages, "page", "of");
    let text = pages.join(" ");
    assert_has(&text, VALUES);
    assert_has(
        &text,
        &[
            "Your data at Stichting Veilig Thuis Noord",
            "produced on 2026-03-02",
            "About you",
            "Given names Ștefan Mihai",
            "Case 2026-000017",
            "Referral to Opvanghuis De Linde (shelter categorical)",
            "Signals about you",
            "Who accessed your data",
            "the platform · case.read",
        ],
    );
    // The over-long word was broken across lines, but not a character lost.
    let compact: String = text.split_whitespace().collect();
    assert!(compact.contains(LONG_WORD));
}

#[test]
fn a_dutch_record_holds_every_value_on_numbered_pages() {
    let pages = pages(&record(), Lang::Nl);
    assert!(pages.len() >= 3, "only {} pages", pages.len());
    assert_numbered(&pages, "pagina", "van");
    let text = pages.join(" ");
    assert_has(&text, VALUES);
    assert_has(
        &text,
        &[
            "Uw gegevens bij Stichting Veilig Thuis Noord",
            "opgesteld op 2026-03-02",
            "Over u",
            "Voornamen Ștefan Mihai",
            "Dossier 2026-000017",
            "Verwijzing naar Politie Eenheid Rotterdam (police)",
            "Wie uw gegevens heeft ingezien",
            "het platform · case.read",
        ],
    );
    assert!(!text.contains("Your data at"));
}

#[test]
fn an_empty_record_says_none() {
    let pages = pages(&empty_record(), Lang::En);
    assert_eq!(pages.len(), 1);
    assert_numbered(&pages, "page", "of");
    assert_has(
        &pages[0],
        &[
            "Identity erased",
            "Your cases none",
            "Signals about you none",
            "Who accessed your data none",
        ],
    );
    assert!(!pages[0].contains("Țurcanu"));

    let pages = self::pages(&empty_record(), Lang::Nl);
    assert_numbered(&pages, "pagina", "van");
    assert_has(
        &pages[0],
        &[
            "Identiteit gewist",
            "Uw dossiers geen",
            "Signaleringen over u geen",
            "Wie uw gegevens heeft ingezien geen",
        ],
    );
}

#[test]
fn coded_values_are_worded_by_the_vocabulary() {
    let words = |vocabulary: &str, code: &str| match (vocabulary, code) {
        ("region", "amsterdam") => "Amsterdam-Amstelland".to_owned(),
        ("case_status", "closed") => "Afgesloten".to_owned(),
        ("agency_kind", "police") => "politie".to_owned(),
        _ => plain_words(vocabulary, code),
    };
    let pdf = render(&record(), Lang::Nl, &words).unwrap();
    let text = collapse(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
    assert_has(
        &text,
        &[
            "Regio Amsterdam-Amstelland",
            "Status Afgesloten",
            "Verwijzing naar Politie Eenheid Rotterdam (politie)",
        ],
    );
}

#[test]
fn plain_words_spell_out_the_code() {
    assert_eq!(
        plain_words("agency_kind", "shelter_categorical"),
        "shelter categorical"
    );
    assert_eq!(plain_words("region", "amsterdam"), "amsterdam");
}
