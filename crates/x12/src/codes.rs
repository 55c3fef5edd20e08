//! Meanings of the codes a biller reads on a remittance: claim adjustment group codes, claim
//! adjustment reason codes (CARC, common subset), remittance advice remark codes (RARC, common
//! subset), claim status codes and provider-level adjustment reasons. Short forms of the official
//! X12 / CMS descriptions; an unknown code is shown as such, never guessed.

/// Claim adjustment group code (CAS01).
pub fn group_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "CO" => "Contractual Obligations (provider write-off)",
        "CR" => "Corrections and Reversals",
        "OA" => "Other Adjustments",
        "PI" => "Payor Initiated Reductions",
        "PR" => "Patient Responsibility",
        _ => return None,
    })
}

/// Claim status (CLP02).
pub fn claim_status_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "1" => "Processed as Primary",
        "2" => "Processed as Secondary",
        "3" => "Processed as Tertiary",
        "4" => "Denied",
        "19" => "Processed as Primary, Forwarded to Additional Payer(s)",
        "20" => "Processed as Secondary, Forwarded to Additional Payer(s)",
        "21" => "Processed as Tertiary, Forwarded to Additional Payer(s)",
        "22" => "Reversal of Previous Payment",
        "23" => "Not Our Claim, Forwarded to Additional Payer(s)",
        "25" => "Predetermination Pricing Only - No Payment",
        _ => return None,
    })
}

/// Health care claim status category code (STC01-1, STC10-1, STC11-1 of a 277/277CA; X12
/// external code source 507).
pub fn claim_status_category_meaning(code: &str) -> Option<&'static str> {
    CLAIM_STATUS_CATEGORY
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}

/// Status categories a 277CA uses for a claim accepted for processing (A1 receipt, A2 accepted
/// into adjudication); every other category on a claim acknowledgment is a rejection or a
/// non-acceptance (A3 returned as unprocessable, A4 not found, A6/A7/A8 rejected…).
pub const CLAIM_STATUS_CATEGORY_ACCEPTED: &[&str] = &["A1", "A2"];

/// Health care claim status category codes (code source 507).
pub const CLAIM_STATUS_CATEGORY: &[(&str, &str)] = &[
    ("A0", "Acknowledgement/Forwarded"),
    ("A1", "Acknowledgement/Receipt"),
    ("A2", "Acknowledgement/Acceptance into adjudication system"),
    ("A3", "Acknowledgement/Returned as unprocessable claim"),
    ("A4", "Acknowledgement/Not Found"),
    ("A5", "Acknowledgement/Split Claim"),
    ("A6", "Acknowledgement/Rejected for Missing Information"),
    ("A7", "Acknowledgement/Rejected for Invalid Information"),
    (
        "A8",
        "Acknowledgement/Rejected for relational field in error",
    ),
    ("D0", "Data Search Unsuccessful"),
    ("DR01", "Acknowledgement/Receipt (data reporting)"),
    (
        "DR02",
        "Acknowledgement/Acceptance into the data reporting/processing system",
    ),
    (
        "DR03",
        "Acknowledgement/Returned as unprocessable (data reporting)",
    ),
    ("DR04", "Acknowledgement/Not Found (data reporting)"),
    (
        "DR05",
        "Acknowledgement/Rejected for Missing Information (data reporting)",
    ),
    (
        "DR06",
        "Acknowledgement/Rejected for invalid information (data reporting)",
    ),
    (
        "DR07",
        "Acknowledgement/Rejected for relational field in error (data reporting)",
    ),
    ("DR08", "Acknowledgement/Warning (data reporting)"),
    (
        "E0",
        "Response not possible - error on submitted request data",
    ),
    ("E1", "Response not possible - System Status"),
    (
        "E2",
        "Information Holder is not responding; resubmit at a later time",
    ),
    ("E3", "Correction required - relational fields in error"),
    (
        "E4",
        "Trading partner agreement specific requirement not met",
    ),
    ("F0", "Finalized"),
    ("F1", "Finalized/Payment"),
    ("F2", "Finalized/Denial"),
    ("F3", "Finalized/Revised"),
    ("F3F", "Finalized/Forwarded"),
    ("F3N", "Finalized/Not Forwarded"),
    (
        "F4",
        "Finalized/Adjudication Complete - No payment forthcoming",
    ),
    ("P0", "Pending: Adjudication/Details"),
    ("P1", "Pending/In Process"),
    ("P2", "Pending/Payer Review"),
    ("P3", "Pending/Provider Requested Information"),
    ("P4", "Pending/Patient Requested Information"),
    ("P5", "Pending/Payer Administrative/System hold"),
    ("R0", "Requests for additional Information/General Requests"),
    ("R1", "Requests for additional Information/Entity Requests"),
    ("R3", "Requests for additional Information/Claim/Line"),
    ("R4", "Requests for additional Information/Documentation"),
    (
        "R5",
        "Request for additional information/more specific detail",
    ),
    (
        "R6",
        "Requests for additional information - Regulatory requirements",
    ),
    (
        "R7",
        "Requests for additional information - Confirm care is consistent with Health Plan policy coverage",
    ),
    (
        "R8",
        "Requests for additional information - Confirm care is consistent with health plan coverage exceptions",
    ),
    (
        "R9",
        "Requests for additional information - Determination of medical necessity",
    ),
    (
        "R10",
        "Requests for additional information - Support a filed grievance or appeal",
    ),
    (
        "R11",
        "Requests for additional information - Pre-payment review of claims",
    ),
    (
        "R12",
        "Requests for additional information - Clarification or justification of use for specified procedure code",
    ),
    (
        "R13",
        "Requests for additional information - Original documents submitted are not readable",
    ),
    (
        "R14",
        "Requests for additional information - Original documents received are not what was requested",
    ),
    (
        "R15",
        "Requests for additional information - Workers Compensation coverage verification",
    ),
    (
        "R16",
        "Requests for additional information - Eligibility verification",
    ),
    ("RQ", "General Questions (Yes/No Responses)"),
];

/// Claim adjustment reason code (CAS02/05/…).
pub fn carc_meaning(code: &str) -> Option<&'static str> {
    CARC.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

/// Remittance advice remark code (LQ02 with LQ01 = HE, MOA/MIA remark elements).
pub fn rarc_meaning(code: &str) -> Option<&'static str> {
    RARC.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

/// Provider-level adjustment reason (PLB03-1).
pub fn plb_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "50" => "Late Charge",
        "51" => "Interest Penalty Charge",
        "72" => "Authorized Return",
        "90" => "Early Payment Allowance",
        "AH" => "Origination Fee",
        "AM" => "Applied to Borrower's Account",
        "AP" => "Acceleration of Benefits",
        "B2" => "Rebate",
        "B3" => "Recovery Allowance",
        "BD" => "Bad Debt Adjustment",
        "BN" => "Bonus",
        "C5" => "Temporary Allowance",
        "CR" => "Capitation Interest",
        "CS" => "Adjustment",
        "CT" => "Capitation Payment",
        "CV" => "Capital Passthru",
        "CW" => "Certified Registered Nurse Anesthetist Passthru",
        "DM" => "Direct Medical Education Passthru",
        "E3" => "Withholding",
        "FB" => "Forwarding Balance",
        "FC" => "Fund Allocation",
        "GO" => "Graduate Medical Education Passthru",
        "HM" => "Hemophilia Clotting Factor Supplement",
        "IP" => "Incentive Premium Payment",
        "IR" => "Internal Revenue Service Withholding",
        "IS" => "Interim Settlement",
        "J1" => "Nonreimbursable",
        "L3" => "Penalty",
        "L6" => "Interest Owed",
        "LE" => "Levy",
        "LS" => "Lump Sum",
        "OA" => "Organ Acquisition Passthru",
        "OB" => "Offset for Affiliated Providers",
        "PI" => "Periodic Interim Payment",
        "PL" => "Payment Final",
        "RA" => "Retro-activity Adjustment",
        "RE" => "Return on Equity",
        "SL" => "Student Loan Repayment",
        "TL" => "Third Party Liability",
        "WO" => "Overpayment Recovery",
        "WU" => "Unspecified Recovery",
        _ => return None,
    })
}

const CARC: &[(&str, &str)] = &[
    ("1", "Deductible Amount"),
    ("2", "Coinsurance Amount"),
    ("3", "Co-payment Amount"),
    (
        "4",
        "The procedure code is inconsistent with the modifier used",
    ),
    (
        "5",
        "The procedure code/type of bill is inconsistent with the place of service",
    ),
    (
        "6",
        "The procedure/revenue code is inconsistent with the patient's age",
    ),
    (
        "7",
        "The procedure/revenue code is inconsistent with the patient's gender",
    ),
    (
        "8",
        "The procedure code is inconsistent with the provider type/specialty (taxonomy)",
    ),
    ("9", "The diagnosis is inconsistent with the patient's age"),
    (
        "10",
        "The diagnosis is inconsistent with the patient's gender",
    ),
    ("11", "The diagnosis is inconsistent with the procedure"),
    ("12", "The diagnosis is inconsistent with the provider type"),
    ("13", "The date of death precedes the date of service"),
    ("14", "The date of birth follows the date of service"),
    (
        "16",
        "Claim/service lacks information or has submission/billing error(s)",
    ),
    ("18", "Exact duplicate claim/service"),
    (
        "19",
        "This is a work-related injury/illness and thus the liability of the Worker's Compensation Carrier",
    ),
    (
        "20",
        "This injury/illness is covered by the liability carrier",
    ),
    (
        "21",
        "This injury/illness is the liability of the no-fault carrier",
    ),
    (
        "22",
        "This care may be covered by another payer per coordination of benefits",
    ),
    (
        "23",
        "The impact of prior payer(s) adjudication including payments and/or adjustments",
    ),
    (
        "24",
        "Charges are covered under a capitation agreement/managed care plan",
    ),
    ("26", "Expenses incurred prior to coverage"),
    ("27", "Expenses incurred after coverage terminated"),
    ("29", "The time limit for filing has expired"),
    ("31", "Patient cannot be identified as our insured"),
    (
        "32",
        "Our records indicate the patient is not an eligible dependent",
    ),
    ("33", "Insured has no dependent coverage"),
    ("34", "Insured has no coverage for newborns"),
    ("35", "Lifetime benefit maximum has been reached"),
    (
        "39",
        "Services denied at the time authorization/pre-certification was requested",
    ),
    (
        "40",
        "Charges do not meet qualifications for emergent/urgent care",
    ),
    (
        "45",
        "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement",
    ),
    (
        "49",
        "Non-covered: routine/preventive exam or a diagnostic/screening procedure done with a routine/preventive exam",
    ),
    (
        "50",
        "Non-covered: not deemed a 'medical necessity' by the payer",
    ),
    ("51", "Non-covered: pre-existing condition"),
    (
        "54",
        "Multiple physicians/assistants are not covered in this case",
    ),
    (
        "55",
        "Procedure/treatment/drug is deemed experimental/investigational by the payer",
    ),
    (
        "56",
        "Procedure/treatment has not been deemed 'proven to be effective' by the payer",
    ),
    (
        "58",
        "Treatment was deemed by the payer to have been rendered in an inappropriate or invalid place of service",
    ),
    (
        "59",
        "Processed based on multiple or concurrent procedure rules",
    ),
    (
        "60",
        "Charges for outpatient services are not covered when performed within a period of time prior to or after inpatient services",
    ),
    ("66", "Blood Deductible"),
    ("69", "Day outlier amount"),
    (
        "70",
        "Cost outlier - Adjustment to compensate for additional costs",
    ),
    ("74", "Indirect Medical Education Adjustment"),
    ("75", "Direct Medical Education Adjustment"),
    ("78", "Non-Covered days/Room charge adjustment"),
    ("85", "Patient Interest Adjustment"),
    ("89", "Professional fees removed from charges"),
    ("90", "Ingredient cost adjustment"),
    ("94", "Processed in Excess of charges"),
    ("95", "Plan procedures not followed"),
    ("96", "Non-covered charge(s)"),
    (
        "97",
        "The benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated",
    ),
    ("100", "Payment made to patient/insured/responsible party"),
    (
        "101",
        "Predetermination: anticipated payment upon completion of services or claim adjudication",
    ),
    ("102", "Major Medical Adjustment"),
    ("103", "Provider promotional discount"),
    ("104", "Managed care withholding"),
    ("105", "Tax withholding"),
    (
        "107",
        "The related or qualifying claim/service was not identified on this claim",
    ),
    ("108", "Rent/purchase guidelines were not met"),
    (
        "109",
        "Claim/service not covered by this payer/contractor; send the claim/service to the correct payer/contractor",
    ),
    ("110", "Billing date predates service date"),
    ("111", "Not covered unless the provider accepts assignment"),
    (
        "112",
        "Service not furnished directly to the patient and/or not documented",
    ),
    (
        "114",
        "Procedure/product not approved by the Food and Drug Administration",
    ),
    ("115", "Procedure postponed, canceled, or delayed"),
    (
        "116",
        "The advance indemnification notice signed by the patient did not comply with requirements",
    ),
    (
        "117",
        "Transportation is only covered to the closest facility that can provide the necessary care",
    ),
    ("118", "ESRD network support adjustment"),
    (
        "119",
        "Benefit maximum for this time period or occurrence has been reached",
    ),
    (
        "121",
        "Indemnification adjustment - compensation for outstanding member responsibility",
    ),
    ("122", "Psychiatric reduction"),
    ("125", "Submission/billing error(s)"),
    (
        "128",
        "Newborn's services are covered in the mother's Allowance",
    ),
    ("129", "Prior processing information appears incorrect"),
    ("130", "Claim submission fee"),
    ("131", "Claim specific negotiated discount"),
    ("132", "Prearranged demonstration project adjustment"),
    (
        "133",
        "The disposition of this service line is pending further review",
    ),
    ("134", "Technical fees removed from charges"),
    ("135", "Interim bills cannot be processed"),
    ("136", "Failure to follow prior payer's coverage rules"),
    (
        "137",
        "Regulatory Surcharges, Assessments, Allowances or Health Related Taxes",
    ),
    (
        "139",
        "Contracted funding agreement - Subscriber is employed by the provider of services",
    ),
    (
        "140",
        "Patient/Insured health identification number and name do not match",
    ),
    ("142", "Monthly Medicaid patient liability amount"),
    ("143", "Portion of payment deferred"),
    (
        "144",
        "Incentive adjustment, e.g. preferred product/service",
    ),
    (
        "146",
        "Diagnosis was invalid for the date(s) of service reported",
    ),
    (
        "147",
        "Provider contracted/negotiated rate expired or not on file",
    ),
    (
        "148",
        "Information from another provider was not provided or was insufficient/incomplete",
    ),
    (
        "149",
        "Lifetime benefit maximum has been reached for this service/benefit category",
    ),
    (
        "150",
        "Payer deems the information submitted does not support this level of service",
    ),
    (
        "151",
        "Payer deems the information submitted does not support this many/frequency of services",
    ),
    (
        "152",
        "Payer deems the information submitted does not support this length of service",
    ),
    (
        "153",
        "Payer deems the information submitted does not support this dosage",
    ),
    (
        "154",
        "Payer deems the information submitted does not support this day's supply",
    ),
    ("155", "Patient refused the service/procedure"),
    (
        "157",
        "Service/procedure was provided as a result of an act of war",
    ),
    (
        "158",
        "Service/procedure was provided outside of the United States",
    ),
    (
        "159",
        "Service/procedure was provided as a result of terrorism",
    ),
    (
        "160",
        "Injury/illness was the result of an activity that is a benefit exclusion",
    ),
    ("161", "Provider performance bonus"),
    (
        "163",
        "Attachment/other documentation referenced on the claim was not received",
    ),
    (
        "164",
        "Attachment/other documentation referenced on the claim was not received in a timely fashion",
    ),
    (
        "166",
        "These services were submitted after this payer's responsibility for processing claims under this plan ended",
    ),
    ("167", "This (these) diagnosis(es) is (are) not covered"),
    ("169", "Alternate benefit has been provided"),
    (
        "170",
        "Payment is denied when performed/billed by this type of provider",
    ),
    (
        "171",
        "Payment is denied when performed/billed by this type of provider in this type of facility",
    ),
    (
        "172",
        "Payment is adjusted when performed/billed by a provider of this specialty",
    ),
    ("173", "Service/equipment was not prescribed by a physician"),
    ("174", "Service was not prescribed prior to delivery"),
    ("175", "Prescription is incomplete"),
    ("176", "Prescription is not current"),
    (
        "177",
        "Patient has not met the required eligibility requirements",
    ),
    (
        "178",
        "Patient has not met the required spend down requirements",
    ),
    (
        "179",
        "Patient has not met the required waiting requirements",
    ),
    (
        "180",
        "Patient has not met the required residency requirements",
    ),
    ("181", "Procedure code was invalid on the date of service"),
    (
        "182",
        "Procedure modifier was invalid on the date of service",
    ),
    (
        "183",
        "The referring provider is not eligible to refer the service billed",
    ),
    (
        "184",
        "The prescribing/ordering provider is not eligible to prescribe/order the service billed",
    ),
    (
        "185",
        "The rendering provider is not eligible to perform the service billed",
    ),
    ("186", "Level of care change adjustment"),
    ("187", "Consumer Spending Account payments"),
    (
        "188",
        "This product/procedure is only covered when used according to FDA recommendations",
    ),
    (
        "189",
        "'Not otherwise classified' or 'unlisted' procedure code was billed when there is a specific procedure code",
    ),
    (
        "190",
        "Payment is included in the allowance for a Skilled Nursing Facility (SNF) qualified stay",
    ),
    ("192", "Non standard adjustment code from paper remittance"),
    ("193", "Original payment decision is being maintained"),
    (
        "194",
        "Anesthesia performed by the operating physician, the assistant surgeon or the attending physician",
    ),
    (
        "195",
        "Refund issued to an erroneous priority payer for this claim/service",
    ),
    (
        "197",
        "Precertification/notification/authorization/pre-treatment absent",
    ),
    (
        "198",
        "Precertification/notification/authorization/pre-treatment exceeded",
    ),
    ("199", "Revenue code and Procedure code do not match"),
    ("200", "Expenses incurred during lapse in coverage"),
    (
        "201",
        "Patient is responsible for amount of this claim/service through 'set aside arrangement' or other agreement",
    ),
    (
        "202",
        "Non-covered personal comfort or convenience services",
    ),
    ("203", "Discontinued or reduced service"),
    (
        "204",
        "This service/equipment/drug is not covered under the patient's current benefit plan",
    ),
    ("205", "Pharmacy discount card processing fee"),
    ("206", "National Provider Identifier - missing"),
    ("207", "National Provider identifier - Invalid format"),
    ("208", "National Provider Identifier - Not matched"),
    (
        "209",
        "Per regulatory or other agreement. The provider cannot collect this amount from the patient",
    ),
    (
        "210",
        "Payment adjusted because pre-certification/authorization not received in a timely fashion",
    ),
    (
        "211",
        "National Drug Codes (NDC) not eligible for rebate, are not covered",
    ),
    ("212", "Administrative surcharges are not covered"),
    (
        "213",
        "Non-compliance with the physician self referral prohibition legislation or payer policy",
    ),
    ("215", "Based on subrogation of a third party settlement"),
    ("216", "Based on the findings of a review organization"),
    ("219", "Based on extent of injury"),
    (
        "222",
        "Exceeds the contracted maximum number of hours/days/units by this provider for this period",
    ),
    (
        "223",
        "Adjustment code for mandated federal, state or local law/regulation that is not already covered by another code",
    ),
    (
        "224",
        "Patient identification compromised by identity theft",
    ),
    ("225", "Penalty or Interest Payment by Payer"),
    (
        "226",
        "Information requested from the Billing/Rendering Provider was not provided or not provided timely or was insufficient/incomplete",
    ),
    (
        "227",
        "Information requested from the patient/insured/responsible party was not provided or was insufficient/incomplete",
    ),
    (
        "228",
        "Denied for failure to supply requested information to a previous payer for their adjudication",
    ),
    (
        "231",
        "Mutually exclusive procedures cannot be done in the same day/setting",
    ),
    ("232", "Institutional Transfer Amount"),
    (
        "233",
        "Services/charges related to the treatment of a hospital-acquired condition or preventable medical error",
    ),
    ("234", "This procedure is not paid separately"),
    ("235", "Sales Tax"),
    (
        "236",
        "This procedure or procedure/modifier combination is not compatible with another procedure or procedure/modifier combination provided on the same day according to the National Correct Coding Initiative",
    ),
    ("237", "Legislated/Regulatory Penalty"),
    (
        "242",
        "Services not provided by network/primary care providers",
    ),
    (
        "243",
        "Services not authorized by network/primary care providers",
    ),
    (
        "250",
        "The attachment/other documentation that was received was the incorrect attachment/document",
    ),
    (
        "251",
        "The attachment/other documentation that was received was incomplete or deficient",
    ),
    (
        "252",
        "An attachment/other documentation is required to adjudicate this claim/service",
    ),
    ("253", "Sequestration - reduction in federal payment"),
    (
        "254",
        "Claim received by the dental plan, but benefits not available under this plan",
    ),
    ("256", "Service not payable per managed care contract"),
    (
        "258",
        "Claim/service not covered when patient is in custody/incarcerated",
    ),
    (
        "261",
        "The procedure or service is inconsistent with the patient's history",
    ),
    (
        "270",
        "Claim received by the medical plan, but benefits not available under this plan",
    ),
    ("272", "Coverage/program guidelines were not met"),
    ("273", "Coverage/program guidelines were exceeded"),
    (
        "275",
        "Prior payer's (or payers') patient responsibility (deductible, coinsurance, co-payment) not covered",
    ),
    (
        "276",
        "Services denied by the prior payer(s) are not covered by this payer",
    ),
    (
        "277",
        "The disposition of the claim/service is undetermined during the premium payment grace period",
    ),
    ("288", "Referral absent"),
    ("A1", "Claim/Service denied"),
    ("A5", "Medicare Claim PPS Capital Cost Outlier Amount"),
    (
        "A6",
        "Prior hospitalization or 30 day transfer requirement not met",
    ),
    ("A8", "Ungroupable DRG"),
    ("B1", "Non-covered visits"),
    ("B4", "Late filing penalty"),
    (
        "B7",
        "This provider was not certified/eligible to be paid for this procedure/service on this date of service",
    ),
    (
        "B8",
        "Alternative services were available, and should have been utilized",
    ),
    ("B9", "Patient is enrolled in a Hospice"),
    (
        "B10",
        "Allowed amount has been reduced because a component of the basic procedure/test was paid",
    ),
    (
        "B11",
        "The claim/service has been transferred to the proper payer/processor for processing",
    ),
    (
        "B12",
        "Services not documented in patient's medical records",
    ),
    (
        "B13",
        "Previously paid. Payment for this claim/service may have been provided in a previous payment",
    ),
    (
        "B14",
        "Only one visit or consultation per physician per day is covered",
    ),
    (
        "B15",
        "This service/procedure requires that a qualifying service/procedure be received and covered",
    ),
    ("B16", "'New Patient' qualifications were not met"),
    (
        "B20",
        "Procedure/service was partially or fully furnished by another provider",
    ),
    ("B22", "This payment is adjusted based on the diagnosis"),
    (
        "B23",
        "Procedure billed is not authorized per your Clinical Laboratory Improvement Amendment (CLIA) proficiency test",
    ),
];

const RARC: &[(&str, &str)] = &[
    (
        "M15",
        "Separately billed services/tests have been bundled as they are considered components of the same procedure",
    ),
    ("M20", "Missing/incomplete/invalid HCPCS"),
    ("M51", "Missing/incomplete/invalid procedure code(s)"),
    ("M76", "Missing/incomplete/invalid diagnosis or condition"),
    (
        "M80",
        "Not covered when performed during the same session/date as a previously processed service for the patient",
    ),
    (
        "M86",
        "Service denied because payment already made for same/similar procedure within set time frame",
    ),
    ("M127", "Missing patient medical record for this service"),
    (
        "MA01",
        "Alert: If you do not agree with what we approved for these services, you may appeal our decision",
    ),
    (
        "MA04",
        "Secondary payment cannot be considered without the identity of or payment information from the primary payer",
    ),
    (
        "MA07",
        "Alert: The claim information has also been forwarded to Medicaid for review",
    ),
    (
        "MA18",
        "Alert: The claim information is also being forwarded to the patient's supplemental insurer",
    ),
    (
        "MA130",
        "Your claim contains incomplete and/or invalid information, and no appeal rights are afforded because the claim is unprocessable",
    ),
    (
        "N4",
        "Missing/Incomplete/Invalid prior Insurance Carrier(s) EOB",
    ),
    ("N19", "Procedure code incidental to primary procedure"),
    (
        "N20",
        "Service not payable with other service rendered on the same date",
    ),
    ("N30", "Patient ineligible for this service"),
    (
        "N56",
        "Procedure code billed is not correct/valid for the services billed or the date of service billed",
    ),
    (
        "N95",
        "This provider type/provider specialty may not bill this service",
    ),
    (
        "N115",
        "This decision was based on a Local Coverage Determination (LCD)",
    ),
    (
        "N130",
        "Consult plan benefit documents/guidelines for information about restrictions for this service",
    ),
    (
        "N290",
        "Missing/incomplete/invalid rendering provider primary identifier",
    ),
    (
        "N362",
        "The number of Days or Units of Service exceeds our acceptable maximum",
    ),
    (
        "N381",
        "Consult our contractual agreement for restrictions/billing/payment information related to these charges",
    ),
    (
        "N657",
        "This should be billed with the appropriate code for these services",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn known_codes() {
        assert_eq!(
            carc_meaning("45").map(|s| s.starts_with("Charge exceeds")),
            Some(true)
        );
        assert_eq!(group_meaning("PR"), Some("Patient Responsibility"));
        assert!(carc_meaning("99999").is_none());
        assert!(rarc_meaning("N130").is_some());
    }
}
