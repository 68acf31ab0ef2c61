//! The directory a coordinator routes by: what an agency offers, whom it takes, the
//! languages it speaks, where it works and how many places it has free.
//!
//! Owns the service codes, the profile an agency keeps of itself and the rule of fit: a
//! person described by the facts a referral may use (age band, gender, nationality
//! group, exploitation forms, region, languages) fits an agency's profile, or does not
//! for named reasons. Storing, auditing and showing profiles belong elsewhere.

use crate::code_enum;
use crate::{
    AgeBand, AgencyId, ExploitationForm, Gender, NationalityGroup, ReferralPurpose, Region, UserId,
};
use chrono::{DateTime, Duration, Utc};
use std::cmp::Reverse;

code_enum! {
    /// A service an agency offers.
    pub enum Service as "service" {
        /// Places to stay (a shelter).
        ShelterPlaces = "shelter_places",
        /// Medical care.
        MedicalCare = "medical_care",
        /// Psychological care and trauma treatment.
        PsychologicalCare = "psychological_care",
        /// Legal aid.
        LegalAid = "legal_aid",
        /// Interpreters.
        Interpretation = "interpretation",
        /// Support for a voluntary return.
        ReturnSupport = "return_support",
        /// Support during the reflection period.
        ReflectionPeriod = "reflection_period",
        /// Work, benefits and income.
        LabourIncome = "labour_income",
        /// Education and training.
        Education = "education",
        /// Something else (said in the note).
        Other = "other",
    }
}

/// Whom an agency takes. An empty list takes everyone on that count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Eligibility {
    /// Age bands taken.
    pub age_bands: Vec<AgeBand>,
    /// Genders taken.
    pub genders: Vec<Gender>,
    /// Nationality groups taken.
    pub nationality_groups: Vec<NationalityGroup>,
    /// Forms of exploitation the agency works with.
    pub forms: Vec<ExploitationForm>,
    /// What the lists cannot say.
    pub note: Option<String>,
}

/// Places in total and free, as last reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    /// Places in total.
    pub total: u32,
    /// Places free.
    pub free: u32,
    /// When the figure was reported.
    pub updated_at: DateTime<Utc>,
    /// Who reported it.
    pub updated_by: UserId,
}

/// By default, a figure of free places older than this many days is stale.
pub const DEFAULT_STALE_AFTER_DAYS: i64 = 7;

impl Capacity {
    /// Whether the figure is older than `max_age` at `now`.
    pub fn is_stale(&self, now: DateTime<Utc>, max_age: Duration) -> bool {
        now.signed_duration_since(self.updated_at) > max_age
    }
}

/// What an agency says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyProfile {
    /// The agency.
    pub agency_id: AgencyId,
    /// Services offered.
    pub services: Vec<Service>,
    /// Whom it takes.
    pub eligibility: Eligibility,
    /// Languages spoken (ISO 639 codes, lower case).
    pub languages: Vec<String>,
    /// Regions served besides its own (empty: its own region only).
    pub regions: Vec<Region>,
    /// When it can be reached.
    pub hours: Option<String>,
    /// A telephone number for professionals.
    pub phone: Option<String>,
    /// Whether the hours and the number may leave the platform (the open export).
    pub contact_public: bool,
    /// Places, where the agency has them.
    pub capacity: Option<Capacity>,
    /// The version changes are made from.
    pub version: i64,
    /// When the profile last changed, and by whom (`None`: never kept).
    pub updated: Option<(DateTime<Utc>, UserId)>,
}

impl AgencyProfile {
    /// The profile of an agency that has not said anything yet.
    pub fn empty(agency_id: AgencyId) -> Self {
        Self {
            agency_id,
            services: Vec::new(),
            eligibility: Eligibility::default(),
            languages: Vec::new(),
            regions: Vec::new(),
            hours: None,
            phone: None,
            contact_public: false,
            capacity: None,
            version: 0,
            updated: None,
        }
    }
}

/// What a referral may tell of the person, to match agencies against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFacts {
    /// Age band.
    pub age_band: AgeBand,
    /// Gender.
    pub gender: Gender,
    /// Nationality group.
    pub nationality_group: NationalityGroup,
    /// Forms of exploitation.
    pub forms: Vec<ExploitationForm>,
    /// Where the person is.
    pub region: Region,
    /// Languages spoken (ISO 639 codes, lower case).
    pub languages: Vec<String>,
}

code_enum! {
    /// Why an agency does not fit a person or a request.
    pub enum Misfit as "misfit" {
        /// It does not offer the service asked for.
        Service = "service",
        /// It does not take the person's age band.
        AgeBand = "age_band",
        /// It does not take the person's gender.
        Gender = "gender",
        /// It does not take the person's nationality group.
        NationalityGroup = "nationality_group",
        /// It works with none of the forms of exploitation.
        Forms = "forms",
        /// It does not work in the person's region.
        Region = "region",
        /// It speaks none of the person's languages.
        Language = "language",
        /// It reported no free place.
        NoPlace = "no_place",
    }
}

/// Whether `value` is taken by `list` (an empty list, or an unknown value, takes it:
/// what is not known cannot exclude).
fn takes<T: PartialEq>(list: &[T], value: &T, unknown: &T) -> bool {
    list.is_empty() || value == unknown || list.contains(value)
}

/// Why the agency of `profile` (working in `home`) does not fit `person` for `service`;
/// empty when it fits. A national agency, or one serving the person's region or the
/// whole country, serves the person's region. Unknown facts of the person never exclude; a language is a
/// misfit only when both sides name some and share none.
pub fn misfits(
    profile: &AgencyProfile,
    home: Region,
    person: &PersonFacts,
    service: Option<Service>,
) -> Vec<Misfit> {
    let e = &profile.eligibility;
    let mut out = Vec::new();
    if service.is_some_and(|s| !profile.services.contains(&s)) {
        out.push(Misfit::Service);
    }
    if !takes(&e.age_bands, &person.age_band, &AgeBand::Unknown) {
        out.push(Misfit::AgeBand);
    }
    if !takes(&e.genders, &person.gender, &Gender::Unknown) {
        out.push(Misfit::Gender);
    }
    if !takes(
        &e.nationality_groups,
        &person.nationality_group,
        &NationalityGroup::Unknown,
    ) {
        out.push(Misfit::NationalityGroup);
    }
    if !e.forms.is_empty()
        && !person.forms.is_empty()
        && !person.forms.iter().any(|f| e.forms.contains(f))
    {
        out.push(Misfit::Forms);
    }
    let served = |r: Region| r == Region::National || r == person.region;
    if !served(home) && !profile.regions.iter().any(|r| served(*r)) {
        out.push(Misfit::Region);
    }
    if !profile.languages.is_empty()
        && !person.languages.is_empty()
        && !person
            .languages
            .iter()
            .any(|l| profile.languages.contains(l))
    {
        out.push(Misfit::Language);
    }
    if profile.capacity.is_some_and(|c| c.free == 0) {
        out.push(Misfit::NoPlace);
    }
    out
}

/// The service a referral's purpose asks of the receiving agency, where one fits it.
pub fn service_for(purpose: ReferralPurpose) -> Option<Service> {
    match purpose {
        ReferralPurpose::Shelter => Some(Service::ShelterPlaces),
        ReferralPurpose::LegalAid => Some(Service::LegalAid),
        ReferralPurpose::HealthCare => Some(Service::MedicalCare),
        _ => None,
    }
}

/// The order of suggestions, best first: agencies that offer the service before those
/// that do not, then those that fit before those that do not (fewer reasons first),
/// then those with a free place by a recent figure, then by a figure gone stale, then
/// those that report none, more free places first.
pub fn rank(
    misfits: &[Misfit],
    capacity: Option<&Capacity>,
    stale: bool,
) -> (bool, usize, u8, Reverse<u32>) {
    let places = match capacity {
        Some(c) if c.free > 0 && !stale => 0,
        Some(c) if c.free > 0 => 1,
        None => 2,
        Some(_) => 3,
    };
    (
        misfits.contains(&Misfit::Service),
        misfits.len(),
        places,
        Reverse(capacity.map_or(0, |c| c.free)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shelter() -> AgencyProfile {
        let mut p = AgencyProfile::empty(AgencyId::new_random());
        p.services = vec![Service::ShelterPlaces, Service::PsychologicalCare];
        p.eligibility.genders = vec![Gender::Female];
        p.eligibility.age_bands = vec![AgeBand::From18To22, AgeBand::From23To29];
        p.languages = vec!["nl".into(), "ro".into()];
        p
    }

    fn man() -> PersonFacts {
        PersonFacts {
            age_band: AgeBand::From30To39,
            gender: Gender::Male,
            nationality_group: NationalityGroup::EuEeaCh,
            forms: vec![ExploitationForm::Labour],
            region: Region::MiddenNederland,
            languages: vec!["ro".into()],
        }
    }

    #[test]
    fn a_women_only_shelter_names_why_a_man_does_not_fit() {
        let got = misfits(
            &shelter(),
            Region::MiddenNederland,
            &man(),
            Some(Service::ShelterPlaces),
        );
        assert_eq!(got, vec![Misfit::AgeBand, Misfit::Gender]);
    }

    #[test]
    fn what_is_unknown_or_unsaid_never_excludes() {
        let open = AgencyProfile::empty(AgencyId::new_random());
        assert!(misfits(&open, Region::MiddenNederland, &man(), None).is_empty());
        let mut unknown = man();
        unknown.gender = Gender::Unknown;
        unknown.age_band = AgeBand::Unknown;
        unknown.languages.clear();
        assert!(misfits(&shelter(), Region::MiddenNederland, &unknown, None).is_empty());
    }

    #[test]
    fn service_region_language_forms_and_places_each_count() {
        let mut p = shelter();
        p.eligibility = Eligibility {
            forms: vec![ExploitationForm::Sexual],
            ..Eligibility::default()
        };
        p.languages = vec!["nl".into()];
        p.capacity = Some(Capacity {
            total: 12,
            free: 0,
            updated_at: Utc::now(),
            updated_by: UserId::new_random(),
        });
        let got = misfits(&p, Region::Amsterdam, &man(), Some(Service::LegalAid));
        assert_eq!(
            got,
            vec![
                Misfit::Service,
                Misfit::Forms,
                Misfit::Region,
                Misfit::Language,
                Misfit::NoPlace
            ]
        );
        p.regions = vec![Region::MiddenNederland];
        assert!(!misfits(&p, Region::Amsterdam, &man(), None).contains(&Misfit::Region));
        p.regions.clear();
        assert!(!misfits(&p, Region::National, &man(), None).contains(&Misfit::Region));
    }

    #[test]
    fn fitting_agencies_with_fresh_free_places_come_first() {
        let places = |free| Capacity {
            total: 10,
            free,
            updated_at: Utc::now(),
            updated_by: UserId::new_random(),
        };
        let (three, one, none) = (places(3), places(1), places(0));
        let mut order = [
            ("misfit", rank(&[Misfit::Gender], Some(&three), false)),
            ("no service", rank(&[Misfit::Service], None, false)),
            ("full", rank(&[], Some(&none), false)),
            ("unknown", rank(&[], None, false)),
            ("stale", rank(&[], Some(&three), true)),
            ("one", rank(&[], Some(&one), false)),
            ("three", rank(&[], Some(&three), false)),
        ];
        order.sort_by_key(|(_, k)| *k);
        let names: Vec<&str> = order.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "three",
                "one",
                "stale",
                "unknown",
                "full",
                "misfit",
                "no service"
            ]
        );
        assert_eq!(
            service_for(ReferralPurpose::Shelter),
            Some(Service::ShelterPlaces)
        );
        assert_eq!(service_for(ReferralPurpose::LawEnforcement), None);
    }

    #[test]
    fn a_capacity_figure_goes_stale_after_its_age() {
        let now = Utc::now();
        let c = Capacity {
            total: 4,
            free: 1,
            updated_at: now - Duration::days(8),
            updated_by: UserId::new_random(),
        };
        assert!(c.is_stale(now, Duration::days(7)));
        assert!(!c.is_stale(now, Duration::days(9)));
    }
}
