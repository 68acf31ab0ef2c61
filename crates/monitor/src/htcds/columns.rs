//! The columns of the CTDC global dataset, in its order, and the export's CSV: that
//! header, then one row per record, the columns Schakel does not hold left empty (RFC
//! 4180 quoting by the `csv` crate, never by hand).

use super::records::Record;

/// Every column of the CTDC global dataset's CSV (the k-anonymised release), in order.
pub const COLUMNS: &[&str] = &[
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments",
    "meansOfControlOther",
    "meansOfControlNotSpecified",
    "meansOfControlConcatenated",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isForcedMilitary",
    "isOrganRemoval",
    "isSlaveryAndPractices",
    "typeOfExploitConcatenated",
    "typeOfLabourAgriculture",
    "typeOfLabourAquafarming",
    "typeOfLabourBegging",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities",
    "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling",
    "typeOfLabourTransportation",
    "typeOfLabourOther",
    "typeOfLabourNotSpecified",
    "typeOfLabourConcatenated",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
];

/// The columns an export fills (where the value is known and not coarsened away).
pub const FILLED_COLUMNS: &[&str] = &[
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "isSexAndLabour",
    "isForcedMarriage",
    "isOrganRemoval",
    "typeOfLabourIllicitActivities",
    "typeOfLabourNotSpecified",
];

/// The columns an export always leaves empty: Schakel does not hold them, or holds
/// them only in a form the monitor must not hand out (see `docs/api.md`).
pub const EMPTY_COLUMNS: &[&str] = &[
    "majorityStatusAtExploit",
    "majorityEntry",
    "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings",
    "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats",
    "meansOfControlPsychologicalAbuse",
    "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse",
    "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances",
    "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren",
    "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities",
    "meansOfControlWithholdsDocuments",
    "meansOfControlOther",
    "meansOfControlNotSpecified",
    "meansOfControlConcatenated",
    "isForcedMilitary",
    "isSlaveryAndPractices",
    "typeOfExploitConcatenated",
    "typeOfLabourAgriculture",
    "typeOfLabourAquafarming",
    "typeOfLabourBegging",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfLabourManufacturing",
    "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling",
    "typeOfLabourTransportation",
    "typeOfLabourOther",
    "typeOfLabourConcatenated",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices",
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    "CountryOfExploitation",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
    "recruiterRelationUnknown",
];

/// `records` as CSV under the [`COLUMNS`] header.
pub(crate) fn to_csv(records: &[Record]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for r in records {
        w.write_record(COLUMNS.iter().map(|c| r.cell(c)))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    // Every cell is ASCII or a code of ours: the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::htcds::records::{PersonFacts, generalise};
    use schakel_domain::{AgeBand, ExploitationForm, Gender, NationalityGroup};
    use std::collections::BTreeSet;

    #[test]
    fn the_filled_and_the_empty_columns_are_the_layout_in_two_parts() {
        let filled: BTreeSet<&str> = FILLED_COLUMNS.iter().copied().collect();
        let empty: BTreeSet<&str> = EMPTY_COLUMNS.iter().copied().collect();
        let all: BTreeSet<&str> = COLUMNS.iter().copied().collect();
        assert_eq!(all.len(), COLUMNS.len(), "no column twice");
        assert_eq!(COLUMNS.len(), 63);
        assert!(filled.is_disjoint(&empty));
        assert_eq!(&filled | &empty, all);
        for q in crate::htcds::QUASI_IDENTIFIERS {
            assert!(filled.contains(q), "{q}");
        }
    }

    #[test]
    fn the_csv_has_the_ctdc_header_and_every_empty_column_empty() {
        let p = PersonFacts {
            year: 2026,
            age_band: AgeBand::From50,
            gender: Gender::Male,
            nationality: NationalityGroup::NonEu,
            forms: [ExploitationForm::Labour].into(),
        };
        let csv = to_csv(&[generalise(&p, 0)]).unwrap();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(COLUMNS.join(",").as_str()));
        let row: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(row.len(), COLUMNS.len());
        for (c, v) in COLUMNS.iter().zip(&row) {
            if EMPTY_COLUMNS.contains(c) {
                assert_eq!(*v, "", "{c}");
            }
        }
        assert_eq!(
            &row[..5],
            ["2026", "Case Management", "Male", "50+", "Adult"]
        );
        assert_eq!(lines.next(), None);
    }
}
