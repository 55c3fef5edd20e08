//! CPT by shape and by a licensed user's file; the place-of-service and claim
//! frequency tables against lists written here independently.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::path::Path;

use rcm_codes::hcpcs::{
    CptKind, CptSet, FrequencyUse, PosStatus, claim_frequencies, claim_frequency, cpt_shape,
    is_cpt_modifier, place_of_service, places_of_service,
};

const CPT_CSV: &[u8] = include_bytes!("../../../tests/fixtures/hcpcs/cpt-licensed-sample.csv");

#[test]
fn cpt_shapes() {
    assert_eq!(cpt_shape("99213"), Some(CptKind::CategoryI));
    assert_eq!(cpt_shape("00100"), Some(CptKind::CategoryI));
    assert_eq!(cpt_shape("0001F"), Some(CptKind::CategoryII));
    assert_eq!(cpt_shape("0042T"), Some(CptKind::CategoryIII));
    assert_eq!(cpt_shape("0001U"), Some(CptKind::Pla));
    for not in ["K0001", "9921", "992131", "0001A", "A001F", "", "99 13"] {
        assert_eq!(cpt_shape(not), None, "{not}");
    }
    assert!(is_cpt_modifier("59"));
    assert!(is_cpt_modifier("25"));
    assert!(!is_cpt_modifier("LT"));
}

#[test]
fn licensed_csv_imports() {
    let set = CptSet::from_csv(Path::new("cpt.csv"), CPT_CSV).unwrap();
    assert_eq!(set.len(), 4);
    let c = set.lookup("99213").unwrap();
    assert_eq!(c.kind, CptKind::CategoryI);
    assert_eq!(
        c.description,
        "Placeholder text for a Category I code, written for tests (not AMA text)"
    );
    assert_eq!(c.short_description.as_deref(), Some("PLACEHOLDER CAT I"));
    assert!(
        set.lookup("0042t")
            .unwrap()
            .description
            .contains("\"quoted\"")
    );
    let pla = set.lookup("0001U").unwrap();
    assert_eq!(pla.kind, CptKind::Pla);
    assert_eq!(
        pla.description,
        "Placeholder text for a PLA code, spanning two lines (not AMA text)"
    );
    assert!(set.lookup("99214").is_none());
}

#[test]
fn licensed_tsv_with_other_column_names() {
    let tsv =
        "\u{feff}CPT_Code\tDescriptor\n99213\tPlaceholder, with a comma\n0001F\tPlaceholder two\n";
    let set = CptSet::from_csv(Path::new("cpt.tsv"), tsv.as_bytes()).unwrap();
    assert_eq!(set.len(), 2);
    assert_eq!(
        set.lookup("99213").unwrap().description,
        "Placeholder, with a comma"
    );
    assert_eq!(set.lookup("99213").unwrap().short_description, None);
}

#[test]
fn bad_cpt_files_name_line_and_column() {
    let e = |text: &str| {
        CptSet::from_csv(Path::new("cpt.csv"), text.as_bytes())
            .unwrap_err()
            .to_string()
    };
    let m = e("procedure,description\n99213,x\n");
    assert!(
        m.starts_with("cpt.csv:1: the header row has no code column"),
        "{m}"
    );
    assert!(m.contains("\"cpt code\""), "{m}");
    let m = e("code,text\n99213,x\n");
    assert!(
        m.starts_with("cpt.csv:1: the header row has no description column"),
        "{m}"
    );
    let m = e("code,description\n99213,ok\nK0001,not cpt\n");
    assert!(
        m.starts_with("cpt.csv:3:1: column \"code\": \"K0001\" is not a CPT code"),
        "{m}"
    );
    let m = e("description,code\n\"ok\",99213\n,0001F\n");
    assert!(
        m.starts_with("cpt.csv:3:1: column \"description\": 0001F has no description"),
        "{m}"
    );
    let m = e("code,description\n99213,a\n99213,b\n");
    assert!(
        m.starts_with("cpt.csv:3:1: code 99213 appears twice (first on line 2)"),
        "{m}"
    );
    let m = e("code,description\n99213,\"never closed\n");
    assert!(
        m.starts_with("cpt.csv:2: a quoted field is not closed"),
        "{m}"
    );
    assert_eq!(e(""), "cpt.csv: the CPT file is empty");
    assert!(e("code,description\n").contains("no codes"));
}

/// The CMS Place of Service Code Set, typed from the CMS page independently of
/// the table in the code. Unassigned numbers are not listed here.
const OFFICIAL_POS: &[(&str, &str)] = &[
    ("01", "Pharmacy"),
    ("02", "Telehealth Provided Other than in Patient's Home"),
    ("03", "School"),
    ("04", "Homeless Shelter"),
    ("05", "Indian Health Service Free-standing Facility"),
    ("06", "Indian Health Service Provider-based Facility"),
    ("07", "Tribal 638 Free-standing Facility"),
    ("08", "Tribal 638 Provider-based Facility"),
    ("09", "Prison/Correctional Facility"),
    ("10", "Telehealth Provided in Patient's Home"),
    ("11", "Office"),
    ("12", "Home"),
    ("13", "Assisted Living Facility"),
    ("14", "Group Home"),
    ("15", "Mobile Unit"),
    ("16", "Temporary Lodging"),
    ("17", "Walk-in Retail Health Clinic"),
    ("18", "Place of Employment-Worksite"),
    ("19", "Off Campus-Outpatient Hospital"),
    ("20", "Urgent Care Facility"),
    ("21", "Inpatient Hospital"),
    ("22", "On Campus-Outpatient Hospital"),
    ("23", "Emergency Room - Hospital"),
    ("24", "Ambulatory Surgical Center"),
    ("25", "Birthing Center"),
    ("26", "Military Treatment Facility"),
    ("27", "Outreach Site/Street"),
    ("31", "Skilled Nursing Facility"),
    ("32", "Nursing Facility"),
    ("33", "Custodial Care Facility"),
    ("34", "Hospice"),
    ("41", "Ambulance - Land"),
    ("42", "Ambulance - Air or Water"),
    ("49", "Independent Clinic"),
    ("50", "Federally Qualified Health Center"),
    ("51", "Inpatient Psychiatric Facility"),
    ("52", "Psychiatric Facility-Partial Hospitalization"),
    ("53", "Community Mental Health Center"),
    (
        "54",
        "Intermediate Care Facility/Individuals with Intellectual Disabilities",
    ),
    ("55", "Residential Substance Abuse Treatment Facility"),
    ("56", "Psychiatric Residential Treatment Center"),
    ("57", "Non-residential Substance Abuse Treatment Facility"),
    ("58", "Non-residential Opioid Treatment Facility"),
    ("60", "Mass Immunization Center"),
    ("61", "Comprehensive Inpatient Rehabilitation Facility"),
    ("62", "Comprehensive Outpatient Rehabilitation Facility"),
    ("65", "End-Stage Renal Disease Treatment Facility"),
    (
        "66",
        "Programs of All-Inclusive Care for the Elderly (PACE) Center",
    ),
    ("71", "Public Health Clinic"),
    ("72", "Rural Health Clinic"),
    ("81", "Independent Laboratory"),
    ("99", "Other Place of Service"),
];

#[test]
fn every_official_place_of_service_is_there() {
    for (code, name) in OFFICIAL_POS {
        let p = place_of_service(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(p.code, *code);
        assert_eq!(p.name, *name, "{code}");
        assert_eq!(p.status, PosStatus::Assigned, "{code}");
    }
    // Every other number from 01 to 99 is listed, and marked unassigned.
    assert_eq!(places_of_service().len(), 99);
    for n in 1..=99 {
        let code = format!("{n:02}");
        let p = place_of_service(&code).unwrap();
        let official = OFFICIAL_POS.iter().any(|(c, _)| *c == code);
        assert_eq!(p.is_assigned(), official, "{code}");
        if !official {
            assert_eq!(p.name, "Unassigned");
        }
    }
    assert!(place_of_service("00").is_none());
    assert!(place_of_service("1a").is_none());
    // Codes added later are not valid before their date.
    let p27 = place_of_service("27").unwrap();
    assert!(!p27.is_valid_on(jiff::civil::date(2023, 9, 30)));
    assert!(p27.is_valid_on(jiff::civil::date(2023, 10, 1)));
    assert!(
        !place_of_service("28")
            .unwrap()
            .is_valid_on(jiff::civil::date(2024, 1, 1))
    );
    assert!(
        place_of_service("11")
            .unwrap()
            .is_valid_on(jiff::civil::date(2001, 1, 1))
    );
}

/// NUBC claim frequency codes (CLM05-3), typed independently.
const OFFICIAL_FREQUENCY: &[(char, &str)] = &[
    ('0', "Non-Payment/Zero Claim"),
    ('1', "Admit Through Discharge Claim"),
    ('2', "Interim - First Claim"),
    ('3', "Interim - Continuing Claim"),
    ('4', "Interim - Last Claim"),
    ('5', "Late Charge(s) Only"),
    ('7', "Replacement of Prior Claim"),
    ('8', "Void/Cancel of Prior Claim"),
    ('9', "Final Claim for a Home Health PPS Episode"),
    ('A', "Admission/Election Notice"),
    ('B', "Termination/Revocation Notice"),
    ('C', "Change of Provider Notice"),
    ('D', "Void/Cancel Notice"),
    ('E', "Change of Ownership"),
    ('F', "Beneficiary Initiated Adjustment Claim"),
    ('G', "CWF Initiated Adjustment Claim"),
    ('H', "CMS Initiated Adjustment Claim"),
    ('I', "FI/MAC Adjustment Claim (other than QIO or provider)"),
    ('J', "Initiated Adjustment Claim - Other"),
    ('K', "OIG Initiated Adjustment Claim"),
    ('M', "MSP Initiated Adjustment Claim"),
    ('P', "QIO Adjustment Claim"),
    (
        'Q',
        "Claim Submitted for Reconsideration Outside of Timely Limits",
    ),
];

#[test]
fn every_claim_frequency_code_is_there() {
    assert_eq!(claim_frequencies().len(), OFFICIAL_FREQUENCY.len());
    for (code, name) in OFFICIAL_FREQUENCY {
        let f = claim_frequency(&code.to_string()).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(f.name, *name, "{code}");
    }
    let original = claim_frequency("1").unwrap();
    assert_eq!(original.professional_name, Some("Original claim"));
    assert_eq!(original.usage, FrequencyUse::ProfessionalAndInstitutional);
    assert!(claim_frequency("7").unwrap().refers_to_prior_claim());
    assert!(claim_frequency("8").unwrap().refers_to_prior_claim());
    assert!(!original.refers_to_prior_claim());
    let professional: Vec<char> = claim_frequencies()
        .iter()
        .filter(|f| f.usage == FrequencyUse::ProfessionalAndInstitutional)
        .map(|f| f.code)
        .collect();
    assert_eq!(professional, ['1', '7', '8']);
    assert_eq!(claim_frequency("g").unwrap().usage, FrequencyUse::PayerOnly);
    assert!(claim_frequency("6").is_none());
    assert!(claim_frequency("").is_none());
    assert!(claim_frequency("11").is_none());
}
