//! Small official lists written into the code: the CMS Place of Service code set
//! (two digits, 01-99, CMS-1500 item 24B and 837P CLM05-1/SV105) and the claim
//! frequency type codes (CLM05-3: the third position of the NUBC type of bill).
//!
//! No official file of either is in the shared data; the tables follow the CMS
//! "Place of Service Code Set" page and the NUBC frequency codes (code source 235 in
//! the X12 837 guides). Every number from 01 to 99 is listed; the ones CMS has not
//! assigned are marked [`PosStatus::Unassigned`].

use jiff::civil::{Date, date};

/// Whether CMS has assigned a place-of-service number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PosStatus {
    Assigned,
    /// CMS lists the number as "Unassigned": not valid on a claim.
    Unassigned,
}

/// One place-of-service code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceOfService {
    pub code: &'static str,
    pub name: &'static str,
    pub status: PosStatus,
    /// The effective date CMS gives for codes added or redefined since the HIPAA
    /// code set began, where recorded here; None for long-standing codes.
    pub effective: Option<Date>,
}

impl PlaceOfService {
    pub fn is_assigned(&self) -> bool {
        self.status == PosStatus::Assigned
    }

    /// Assigned and in effect on the date of service.
    pub fn is_valid_on(&self, date_of_service: Date) -> bool {
        self.is_assigned() && self.effective.is_none_or(|e| e <= date_of_service)
    }
}

const fn pos(code: &'static str, name: &'static str) -> PlaceOfService {
    PlaceOfService {
        code,
        name,
        status: PosStatus::Assigned,
        effective: None,
    }
}

const fn pos_from(code: &'static str, name: &'static str, effective: Date) -> PlaceOfService {
    PlaceOfService {
        code,
        name,
        status: PosStatus::Assigned,
        effective: Some(effective),
    }
}

const fn unassigned(code: &'static str) -> PlaceOfService {
    PlaceOfService {
        code,
        name: "Unassigned",
        status: PosStatus::Unassigned,
        effective: None,
    }
}

/// 01-99, in order.
static PLACES_OF_SERVICE: [PlaceOfService; 99] = [
    pos_from("01", "Pharmacy", date(2003, 10, 1)),
    pos_from(
        "02",
        "Telehealth Provided Other than in Patient's Home",
        date(2017, 1, 1),
    ),
    pos("03", "School"),
    pos("04", "Homeless Shelter"),
    pos("05", "Indian Health Service Free-standing Facility"),
    pos("06", "Indian Health Service Provider-based Facility"),
    pos("07", "Tribal 638 Free-standing Facility"),
    pos("08", "Tribal 638 Provider-based Facility"),
    pos("09", "Prison/Correctional Facility"),
    pos_from(
        "10",
        "Telehealth Provided in Patient's Home",
        date(2022, 1, 1),
    ),
    pos("11", "Office"),
    pos("12", "Home"),
    pos("13", "Assisted Living Facility"),
    pos("14", "Group Home"),
    pos("15", "Mobile Unit"),
    pos_from("16", "Temporary Lodging", date(2005, 4, 1)),
    pos("17", "Walk-in Retail Health Clinic"),
    pos("18", "Place of Employment-Worksite"),
    pos_from("19", "Off Campus-Outpatient Hospital", date(2016, 1, 1)),
    pos("20", "Urgent Care Facility"),
    pos("21", "Inpatient Hospital"),
    pos("22", "On Campus-Outpatient Hospital"),
    pos("23", "Emergency Room - Hospital"),
    pos("24", "Ambulatory Surgical Center"),
    pos("25", "Birthing Center"),
    pos("26", "Military Treatment Facility"),
    pos_from("27", "Outreach Site/Street", date(2023, 10, 1)),
    unassigned("28"),
    unassigned("29"),
    unassigned("30"),
    pos("31", "Skilled Nursing Facility"),
    pos("32", "Nursing Facility"),
    pos("33", "Custodial Care Facility"),
    pos("34", "Hospice"),
    unassigned("35"),
    unassigned("36"),
    unassigned("37"),
    unassigned("38"),
    unassigned("39"),
    unassigned("40"),
    pos("41", "Ambulance - Land"),
    pos("42", "Ambulance - Air or Water"),
    unassigned("43"),
    unassigned("44"),
    unassigned("45"),
    unassigned("46"),
    unassigned("47"),
    unassigned("48"),
    pos_from("49", "Independent Clinic", date(2003, 10, 1)),
    pos("50", "Federally Qualified Health Center"),
    pos("51", "Inpatient Psychiatric Facility"),
    pos("52", "Psychiatric Facility-Partial Hospitalization"),
    pos("53", "Community Mental Health Center"),
    pos(
        "54",
        "Intermediate Care Facility/Individuals with Intellectual Disabilities",
    ),
    pos("55", "Residential Substance Abuse Treatment Facility"),
    pos("56", "Psychiatric Residential Treatment Center"),
    pos("57", "Non-residential Substance Abuse Treatment Facility"),
    pos_from(
        "58",
        "Non-residential Opioid Treatment Facility",
        date(2020, 1, 1),
    ),
    unassigned("59"),
    pos("60", "Mass Immunization Center"),
    pos("61", "Comprehensive Inpatient Rehabilitation Facility"),
    pos("62", "Comprehensive Outpatient Rehabilitation Facility"),
    unassigned("63"),
    unassigned("64"),
    pos("65", "End-Stage Renal Disease Treatment Facility"),
    pos_from(
        "66",
        "Programs of All-Inclusive Care for the Elderly (PACE) Center",
        date(2024, 8, 1),
    ),
    unassigned("67"),
    unassigned("68"),
    unassigned("69"),
    unassigned("70"),
    pos("71", "Public Health Clinic"),
    pos("72", "Rural Health Clinic"),
    unassigned("73"),
    unassigned("74"),
    unassigned("75"),
    unassigned("76"),
    unassigned("77"),
    unassigned("78"),
    unassigned("79"),
    unassigned("80"),
    pos("81", "Independent Laboratory"),
    unassigned("82"),
    unassigned("83"),
    unassigned("84"),
    unassigned("85"),
    unassigned("86"),
    unassigned("87"),
    unassigned("88"),
    unassigned("89"),
    unassigned("90"),
    unassigned("91"),
    unassigned("92"),
    unassigned("93"),
    unassigned("94"),
    unassigned("95"),
    unassigned("96"),
    unassigned("97"),
    unassigned("98"),
    pos("99", "Other Place of Service"),
];

/// Every place-of-service number 01-99, assigned or not.
pub fn places_of_service() -> &'static [PlaceOfService] {
    &PLACES_OF_SERVICE
}

/// The place of service for a two-digit code ("11"); a single digit is read with
/// its leading zero ("2" → "02"). None outside 01-99.
pub fn place_of_service(code: &str) -> Option<&'static PlaceOfService> {
    let code = code.trim();
    if code.is_empty() || code.len() > 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: usize = code.parse().ok()?;
    PLACES_OF_SERVICE.get(n.checked_sub(1)?)
}

/// Where a claim frequency code may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrequencyUse {
    /// Professional (837P, CMS-1500 item 22) and institutional claims: 1, 7, 8.
    ProfessionalAndInstitutional,
    /// Institutional claims only (837I, UB-04 type of bill).
    Institutional,
    /// Assigned by payers to adjustments they initiate; a provider never sends it.
    PayerOnly,
}

/// One claim frequency type code (CLM05-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimFrequency {
    pub code: char,
    /// The NUBC name.
    pub name: &'static str,
    /// The name on a professional claim, where it differs (1 is "Original").
    pub professional_name: Option<&'static str>,
    pub usage: FrequencyUse,
}

impl ClaimFrequency {
    /// True for 7 and 8: the claim refers to a prior claim, so the payer's claim
    /// control number must go in REF*F8.
    pub fn refers_to_prior_claim(&self) -> bool {
        matches!(self.code, '7' | '8')
    }
}

const fn freq(code: char, name: &'static str, usage: FrequencyUse) -> ClaimFrequency {
    ClaimFrequency {
        code,
        name,
        professional_name: None,
        usage,
    }
}

static CLAIM_FREQUENCIES: [ClaimFrequency; 23] = [
    freq('0', "Non-Payment/Zero Claim", FrequencyUse::Institutional),
    ClaimFrequency {
        code: '1',
        name: "Admit Through Discharge Claim",
        professional_name: Some("Original claim"),
        usage: FrequencyUse::ProfessionalAndInstitutional,
    },
    freq('2', "Interim - First Claim", FrequencyUse::Institutional),
    freq(
        '3',
        "Interim - Continuing Claim",
        FrequencyUse::Institutional,
    ),
    freq('4', "Interim - Last Claim", FrequencyUse::Institutional),
    freq('5', "Late Charge(s) Only", FrequencyUse::Institutional),
    ClaimFrequency {
        code: '7',
        name: "Replacement of Prior Claim",
        professional_name: Some("Replacement of prior claim"),
        usage: FrequencyUse::ProfessionalAndInstitutional,
    },
    ClaimFrequency {
        code: '8',
        name: "Void/Cancel of Prior Claim",
        professional_name: Some("Void/cancel of prior claim"),
        usage: FrequencyUse::ProfessionalAndInstitutional,
    },
    freq(
        '9',
        "Final Claim for a Home Health PPS Episode",
        FrequencyUse::Institutional,
    ),
    freq(
        'A',
        "Admission/Election Notice",
        FrequencyUse::Institutional,
    ),
    freq(
        'B',
        "Termination/Revocation Notice",
        FrequencyUse::Institutional,
    ),
    freq(
        'C',
        "Change of Provider Notice",
        FrequencyUse::Institutional,
    ),
    freq('D', "Void/Cancel Notice", FrequencyUse::Institutional),
    freq('E', "Change of Ownership", FrequencyUse::Institutional),
    freq(
        'F',
        "Beneficiary Initiated Adjustment Claim",
        FrequencyUse::PayerOnly,
    ),
    freq(
        'G',
        "CWF Initiated Adjustment Claim",
        FrequencyUse::PayerOnly,
    ),
    freq(
        'H',
        "CMS Initiated Adjustment Claim",
        FrequencyUse::PayerOnly,
    ),
    freq(
        'I',
        "FI/MAC Adjustment Claim (other than QIO or provider)",
        FrequencyUse::PayerOnly,
    ),
    freq(
        'J',
        "Initiated Adjustment Claim - Other",
        FrequencyUse::PayerOnly,
    ),
    freq(
        'K',
        "OIG Initiated Adjustment Claim",
        FrequencyUse::PayerOnly,
    ),
    freq(
        'M',
        "MSP Initiated Adjustment Claim",
        FrequencyUse::PayerOnly,
    ),
    freq('P', "QIO Adjustment Claim", FrequencyUse::PayerOnly),
    freq(
        'Q',
        "Claim Submitted for Reconsideration Outside of Timely Limits",
        FrequencyUse::Institutional,
    ),
];

/// Every claim frequency code, in code order. 6 is not among them: NUBC retired
/// it (once "adjustment of prior claim"); some payers still ask for it as
/// "corrected claim", which is their rule, not the code set's.
pub fn claim_frequencies() -> &'static [ClaimFrequency] {
    &CLAIM_FREQUENCIES
}

/// The claim frequency code for CLM05-3 ("1", "7", "8", …), case-insensitive.
pub fn claim_frequency(code: &str) -> Option<&'static ClaimFrequency> {
    let mut chars = code.trim().chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    let c = c.to_ascii_uppercase();
    CLAIM_FREQUENCIES.iter().find(|f| f.code == c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_01_to_99_in_order() {
        for (i, p) in PLACES_OF_SERVICE.iter().enumerate() {
            assert_eq!(p.code, format!("{:02}", i + 1));
        }
        assert_eq!(place_of_service("2").map(|p| p.code), Some("02"));
        assert!(place_of_service("00").is_none());
        assert!(place_of_service("100").is_none());
        assert!(place_of_service("").is_none());
    }
}
