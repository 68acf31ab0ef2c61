//! The directory as Open Referral's Human Services Data Specification (HSDS) 3.0: the
//! agencies as `organization`s, each service an agency offers as a `service` (with its
//! eligibility, languages, the regions it serves as `service_area`s and its service
//! code as an `attribute` pointing into the taxonomy of services), one virtual
//! `location` per agency named by its region, and a `service_at_location` for each
//! service there; the taxonomy and its terms beside them.
//!
//! What never leaves: an address (a shelter's address is secret; the platform keeps
//! none), the free places (operational, changing daily), who kept the profile, and the
//! agency's hours, telephone and email unless the agency marked its contact public.
//! Ids are those of the agencies, and for everything else derived (UUID v5) from the
//! agency and the code, so an export made again names the same things the same way.
//! Words are English, the standard's language; region names are the Dutch proper names.
//! The records' fields are HSDS's own, named and meant as the specification says.

use crate::{AgeBand, AgencyId, AgencyKind, AgencyProfile, Region, Service};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// The HSDS version the export follows.
pub const HSDS_VERSION: &str = "3.0";

/// The namespace of the derived ids.
const NAMESPACE: Uuid = Uuid::from_u128(0x5c4a_6b2e_8d1f_4e7a_9b3c_2f1e_0d9c_8b7a);

/// An agency as the export needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Its id.
    pub id: AgencyId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: AgencyKind,
    /// Its region.
    pub region: Region,
    /// Its contact address (exported only when the agency made its contact public).
    pub contact_email: String,
}

/// The whole export: every entity in a list of its own, linked by ids.
#[derive(Debug, Clone, Serialize)]
pub struct Directory {
    /// The HSDS version ("3.0").
    pub hsds_version: &'static str,
    /// When it was made.
    pub generated_at: DateTime<Utc>,
    /// The agencies.
    pub organizations: Vec<Organization>,
    /// What they offer.
    pub services: Vec<ServiceRecord>,
    /// Where (by region, never an address).
    pub locations: Vec<Location>,
    /// Each service at its agency's location.
    pub service_at_locations: Vec<ServiceAtLocation>,
    /// The taxonomy of services.
    pub taxonomies: Vec<Taxonomy>,
    /// Its terms, one per service code.
    pub taxonomy_terms: Vec<TaxonomyTerm>,
}

/// An HSDS `organization`.
#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
}

/// An HSDS `phone`.
#[derive(Debug, Clone, Serialize)]
pub struct Phone {
    pub id: Uuid,
    pub number: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// An HSDS `service`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceRecord {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eligibility_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
    pub service_areas: Vec<ServiceArea>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<Schedule>,
    pub attributes: Vec<Attribute>,
}

/// An HSDS `language`.
#[derive(Debug, Clone, Serialize)]
pub struct Language {
    pub id: Uuid,
    pub code: String,
}

/// An HSDS `service_area`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceArea {
    pub id: Uuid,
    pub service_id: Uuid,
    pub name: String,
}

/// An HSDS `schedule`, as free text.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    pub id: Uuid,
    pub service_id: Uuid,
    pub description: String,
}

/// An HSDS `attribute`: the service's code in the taxonomy.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub id: Uuid,
    pub link_id: Uuid,
    pub link_type: &'static str,
    pub link_entity: &'static str,
    pub taxonomy_term_id: Uuid,
}

/// An HSDS `location`: virtual, named by region.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub location_type: &'static str,
    pub name: String,
    pub description: String,
}

/// An HSDS `service_at_location`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceAtLocation {
    pub id: Uuid,
    pub service_id: Uuid,
    pub location_id: Uuid,
}

/// An HSDS `taxonomy`.
#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    pub id: Uuid,
    pub name: &'static str,
    pub description: &'static str,
    pub version: &'static str,
}

/// An HSDS `taxonomy_term`.
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyTerm {
    pub id: Uuid,
    pub code: &'static str,
    pub name: &'static str,
    pub description: String,
    pub taxonomy: &'static str,
    pub taxonomy_id: Uuid,
    pub language: &'static str,
}

/// The name of the taxonomy of services.
const TAXONOMY: &str = "Schakel services";

/// An id derived from `parts`.
fn derived(parts: &[&str]) -> Uuid {
    Uuid::new_v5(&NAMESPACE, parts.join("/").as_bytes())
}

/// The service's name in English.
pub fn service_words(s: Service) -> &'static str {
    match s {
        Service::ShelterPlaces => "Shelter places",
        Service::MedicalCare => "Medical care",
        Service::PsychologicalCare => "Psychological care",
        Service::LegalAid => "Legal aid",
        Service::Interpretation => "Interpretation",
        Service::ReturnSupport => "Return support",
        Service::ReflectionPeriod => "Support in the reflection period",
        Service::LabourIncome => "Work and income",
        Service::Education => "Education",
        Service::Other => "Other (see the eligibility description)",
    }
}

/// The region's name (Dutch proper names; "the whole country" for national).
pub fn region_words(r: Region) -> &'static str {
    match r {
        Region::NoordNederland => "Noord-Nederland",
        Region::OostNederland => "Oost-Nederland",
        Region::MiddenNederland => "Midden-Nederland",
        Region::NoordHolland => "Noord-Holland",
        Region::Amsterdam => "Amsterdam",
        Region::DenHaag => "Den Haag",
        Region::Rotterdam => "Rotterdam",
        Region::ZeelandWestBrabant => "Zeeland-West-Brabant",
        Region::OostBrabant => "Oost-Brabant",
        Region::Limburg => "Limburg",
        Region::National => "the whole country",
    }
}

/// The taxonomy and its terms.
fn taxonomy() -> (Taxonomy, Vec<TaxonomyTerm>) {
    let id = derived(&["taxonomy", "services"]);
    let terms = Service::ALL
        .iter()
        .map(|s| TaxonomyTerm {
            id: term_id(*s),
            code: s.as_str(),
            name: service_words(*s),
            description: format!("The service code `{}` of Schakel's directory.", s.as_str()),
            taxonomy: TAXONOMY,
            taxonomy_id: id,
            language: "en",
        })
        .collect();
    let taxonomy = Taxonomy {
        id,
        name: TAXONOMY,
        description: "The services an agency in Schakel's directory offers to victims of \
                      human trafficking.",
        version: "1",
    };
    (taxonomy, terms)
}

fn term_id(s: Service) -> Uuid {
    derived(&["taxonomy", "services", s.as_str()])
}

/// The youngest and oldest age taken, from the age bands (none: no bound).
fn ages(bands: &[AgeBand]) -> (Option<u32>, Option<u32>) {
    let bounds = |b: &AgeBand| match b {
        AgeBand::Under12 => Some((0, Some(11))),
        AgeBand::From12To17 => Some((12, Some(17))),
        AgeBand::From18To22 => Some((18, Some(22))),
        AgeBand::From23To29 => Some((23, Some(29))),
        AgeBand::From30To39 => Some((30, Some(39))),
        AgeBand::From40To49 => Some((40, Some(49))),
        AgeBand::From50 => Some((50, None)),
        AgeBand::Unknown => None,
    };
    let known: Vec<(u32, Option<u32>)> = bands.iter().filter_map(bounds).collect();
    if known.is_empty() {
        return (None, None);
    }
    let min = known.iter().map(|k| k.0).min().filter(|m| *m > 0);
    let max = if known.iter().any(|k| k.1.is_none()) {
        None
    } else {
        known.iter().filter_map(|k| k.1).max()
    };
    (min, max)
}

/// Whom the agency takes, in words.
fn eligibility(p: &AgencyProfile) -> Option<String> {
    let e = &p.eligibility;
    let list = |codes: Vec<&str>| codes.join(", ");
    let mut parts = Vec::new();
    if !e.genders.is_empty() {
        let g: Vec<&str> = e.genders.iter().map(|g| g.as_str()).collect();
        parts.push(format!("Genders: {}.", list(g)));
    }
    if !e.age_bands.is_empty() {
        let a: Vec<&str> = e.age_bands.iter().map(|a| a.as_str()).collect();
        parts.push(format!("Ages: {}.", list(a)));
    }
    if !e.nationality_groups.is_empty() {
        let n: Vec<&str> = e.nationality_groups.iter().map(|n| n.as_str()).collect();
        parts.push(format!("Nationality groups: {}.", list(n)));
    }
    if !e.forms.is_empty() {
        let f: Vec<&str> = e.forms.iter().map(|f| f.as_str()).collect();
        parts.push(format!("Forms of exploitation: {}.", list(f)));
    }
    if let Some(note) = &e.note {
        parts.push(note.clone());
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The agency's telephone for professionals as a record of `of`, if it is public.
fn phone(a: &Agency, p: &AgencyProfile, of: &str) -> Vec<Phone> {
    p.phone
        .as_ref()
        .filter(|_| p.contact_public)
        .map(|n| Phone {
            id: derived(&["phone", &a.id.to_string(), of]),
            number: n.clone(),
            kind: "voice",
        })
        .into_iter()
        .collect()
}

/// The record of service `s` of the agency.
fn service(a: &Agency, p: &AgencyProfile, s: Service) -> ServiceRecord {
    let service = derived(&["service", &a.id.to_string(), s.as_str()]);
    let sid = service.to_string();
    let mut regions = vec![a.region];
    regions.extend(p.regions.iter().filter(|r| **r != a.region));
    let (minimum_age, maximum_age) = ages(&p.eligibility.age_bands);
    ServiceRecord {
        id: service,
        organization_id: a.id.as_uuid(),
        name: format!("{}: {}", service_words(s), a.name),
        description: format!("{} by {}.", service_words(s), a.name),
        status: "active",
        eligibility_description: eligibility(p),
        minimum_age,
        maximum_age,
        languages: p
            .languages
            .iter()
            .map(|l| Language {
                id: derived(&["language", &sid, l]),
                code: l.clone(),
            })
            .collect(),
        service_areas: regions
            .iter()
            .map(|r| ServiceArea {
                id: derived(&["service_area", &sid, r.as_str()]),
                service_id: service,
                name: region_words(*r).to_owned(),
            })
            .collect(),
        phones: phone(a, p, &sid),
        schedules: p
            .hours
            .as_ref()
            .filter(|_| p.contact_public)
            .map(|h| Schedule {
                id: derived(&["schedule", &sid]),
                service_id: service,
                description: h.clone(),
            })
            .into_iter()
            .collect(),
        attributes: vec![Attribute {
            id: derived(&["attribute", &sid]),
            link_id: service,
            link_type: "service_type",
            link_entity: "service",
            taxonomy_term_id: term_id(s),
        }],
    }
}

/// One agency's records.
fn agency(out: &mut Directory, a: &Agency, p: &AgencyProfile) {
    let org = a.id.as_uuid();
    out.organizations.push(Organization {
        id: org,
        name: a.name.clone(),
        description: format!(
            "Agency of kind `{}` in Schakel's directory, working in {}.",
            a.kind.as_str(),
            region_words(a.region)
        ),
        email: p.contact_public.then(|| a.contact_email.clone()),
        phones: phone(a, p, "organization"),
    });
    let location = derived(&["location", &a.id.to_string()]);
    out.locations.push(Location {
        id: location,
        organization_id: org,
        location_type: "virtual",
        name: format!("{} ({})", a.name, region_words(a.region)),
        description: "Where the agency works, by region; no address is published.".into(),
    });
    for s in &p.services {
        let record = service(a, p, *s);
        out.service_at_locations.push(ServiceAtLocation {
            id: derived(&["service_at_location", &record.id.to_string()]),
            service_id: record.id,
            location_id: location,
        });
        out.services.push(record);
    }
}

/// The export of `agencies` with their profiles, made at `now`.
pub fn directory(agencies: &[(Agency, AgencyProfile)], now: DateTime<Utc>) -> Directory {
    let (taxonomy, taxonomy_terms) = taxonomy();
    let mut out = Directory {
        hsds_version: HSDS_VERSION,
        generated_at: now,
        organizations: Vec::new(),
        services: Vec::new(),
        locations: Vec::new(),
        service_at_locations: Vec::new(),
        taxonomies: vec![taxonomy],
        taxonomy_terms,
    };
    for (a, p) in agencies {
        agency(&mut out, a, p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Capacity;
    use crate::{Gender, UserId};

    fn shelter(public: bool) -> (Agency, AgencyProfile) {
        let id = AgencyId::new_random();
        let mut p = AgencyProfile::empty(id);
        p.services = vec![Service::ShelterPlaces, Service::PsychologicalCare];
        p.eligibility.genders = vec![Gender::Female];
        p.eligibility.age_bands = vec![AgeBand::From18To22, AgeBand::From23To29];
        p.languages = vec!["nl".into(), "ro".into()];
        p.regions = vec![Region::Amsterdam];
        p.phone = Some("020 000 0000".into());
        p.hours = Some("Day and night".into());
        p.contact_public = public;
        p.capacity = Some(Capacity {
            total: 10,
            free: 3,
            updated_at: Utc::now(),
            updated_by: UserId::new_random(),
        });
        let a = Agency {
            id,
            name: "Opvang Noord".into(),
            kind: AgencyKind::ShelterCategorical,
            region: Region::MiddenNederland,
            contact_email: "intake@noord.example".into(),
        };
        (a, p)
    }

    #[test]
    fn contact_details_leave_only_when_public_and_places_never() {
        let closed = directory(&[shelter(false)], Utc::now());
        let text = serde_json::to_string(&closed).unwrap();
        for secret in [
            "020 000 0000",
            "Day and night",
            "intake@noord.example",
            "free",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let open = serde_json::to_string(&directory(&[shelter(true)], Utc::now())).unwrap();
        for public in ["020 000 0000", "Day and night", "intake@noord.example"] {
            assert!(open.contains(public), "{public} missing");
        }
        assert!(!open.contains("\"free\""));
    }

    #[test]
    fn each_service_is_linked_to_its_agency_location_and_taxonomy_term() {
        let d = directory(&[shelter(false)], Utc::now());
        assert_eq!(d.organizations.len(), 1);
        assert_eq!(d.services.len(), 2);
        assert_eq!(d.service_at_locations.len(), 2);
        assert_eq!(d.taxonomy_terms.len(), Service::ALL.len());
        let s = &d.services[0];
        assert_eq!(s.organization_id, d.organizations[0].id);
        assert_eq!((s.minimum_age, s.maximum_age), (Some(18), Some(29)));
        let areas: Vec<&str> = s.service_areas.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(areas, ["Midden-Nederland", "Amsterdam"]);
        let term = d
            .taxonomy_terms
            .iter()
            .find(|t| t.id == s.attributes[0].taxonomy_term_id)
            .unwrap();
        assert_eq!(term.code, "shelter_places");
        assert_eq!(d.service_at_locations[0].location_id, d.locations[0].id);
        assert_eq!(d.locations[0].location_type, "virtual");
        // Made again, the same ids.
        let again = directory(&[shelter(false)], Utc::now());
        assert_eq!(again.taxonomies[0].id, d.taxonomies[0].id);
    }

    #[test]
    fn ages_span_the_bands_and_fifty_plus_has_no_upper_bound() {
        assert_eq!(ages(&[]), (None, None));
        assert_eq!(ages(&[AgeBand::From12To17]), (Some(12), Some(17)));
        assert_eq!(
            ages(&[AgeBand::Under12, AgeBand::From12To17]),
            (None, Some(17))
        );
        assert_eq!(
            ages(&[AgeBand::From30To39, AgeBand::From50]),
            (Some(30), None)
        );
    }
}
