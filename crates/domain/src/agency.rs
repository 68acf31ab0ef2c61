//! Agencies: the organisations that log signals and refer people to each other.
//!
//! Only the enumerations live here; agency records are stored by `store`.

use crate::code_enum;

code_enum! {
    /// The kind of an agency; decides which referral purposes and consents apply.
    pub enum AgencyKind as "agency kind" {
        Police = "police",
        RoyalMarechaussee = "royal_marechaussee",
        LabourInspectorate = "labour_inspectorate",
        Prosecution = "prosecution",
        Municipality = "municipality",
        CareCoordination = "care_coordination",
        CoordinationCentre = "coordination_centre",
        ShelterCategorical = "shelter_categorical",
        ShelterOther = "shelter_other",
        YouthCare = "youth_care",
        AsylumReception = "asylum_reception",
        Guardianship = "guardianship",
        Immigration = "immigration",
        HealthCare = "health_care",
        Ngo = "ngo",
        LegalAid = "legal_aid",
        Education = "education",
        Rapporteur = "rapporteur",
        Other = "other",
    }
}

code_enum! {
    /// The region an agency works in: one of the ten regional police units, or national.
    pub enum Region as "region" {
        NoordNederland = "noord_nederland",
        OostNederland = "oost_nederland",
        MiddenNederland = "midden_nederland",
        NoordHolland = "noord_holland",
        Amsterdam = "amsterdam",
        DenHaag = "den_haag",
        Rotterdam = "rotterdam",
        ZeelandWestBrabant = "zeeland_west_brabant",
        OostBrabant = "oost_brabant",
        Limburg = "limburg",
        National = "national",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_agency_kind_round_trips_through_its_code() {
        for kind in AgencyKind::ALL {
            assert_eq!(kind.as_str().parse::<AgencyKind>(), Ok(*kind));
        }
        assert_eq!(AgencyKind::ALL.len(), 19);
    }

    #[test]
    fn there_are_ten_police_regions_and_national() {
        assert_eq!(Region::ALL.len(), 11);
        assert!(Region::ALL.contains(&Region::National));
    }

    #[test]
    fn unknown_codes_are_refused_with_the_enumeration_named() {
        let err = "Police".parse::<AgencyKind>().unwrap_err();
        assert_eq!(err.to_string(), "unknown agency kind code");
        assert!(serde_json::from_str::<Region>("\"utrecht\"").is_err());
        assert_eq!(
            serde_json::to_string(&AgencyKind::ShelterCategorical).unwrap(),
            "\"shelter_categorical\""
        );
    }
}
