//! The closed list of claim fields a rule may require (`action = "require_field"`).

/// Where a required field lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldLevel {
    /// On the claim: asked through `RuleClaim::fields_present`.
    Claim,
    /// On each service line: read from `RuleLine` (line scope only).
    Line,
    /// On the line, or on the claim when the line leaves it empty (rendering provider).
    LineOrClaim,
}

/// A field a rule can require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredField {
    /// The name written in a rule file and passed to `fields_present`.
    pub name: &'static str,
    /// The claim path a finding points at (line fields get `lines[i].` in front).
    pub path: &'static str,
    /// What a biller calls it.
    pub label: &'static str,
    pub level: FieldLevel,
    /// What to do when it is missing.
    pub fix: &'static str,
}

/// Every field `require_field` accepts, documented in docs/payer-rules.md.
pub const REQUIRED_FIELDS: &[RequiredField] = &[
    RequiredField {
        name: "prior_authorization",
        path: "prior_authorization",
        label: "prior authorization number",
        level: FieldLevel::Claim,
        fix: "enter the prior authorization number from the payer's approval (call the payer or check its portal if there is none)",
    },
    RequiredField {
        name: "referring_provider",
        path: "referring_provider",
        label: "referring provider",
        level: FieldLevel::Claim,
        fix: "enter the referring provider's name and NPI from the referral",
    },
    RequiredField {
        name: "original_claim_reference",
        path: "original_claim_reference",
        label: "payer claim control number of the original claim",
        level: FieldLevel::Claim,
        fix: "enter the payer's claim control number of the claim being replaced or voided (from the 835 or the payer portal)",
    },
    RequiredField {
        name: "rendering_provider",
        path: "rendering_provider",
        label: "rendering provider",
        level: FieldLevel::LineOrClaim,
        fix: "enter the rendering provider's name and NPI",
    },
    RequiredField {
        name: "onset_date",
        path: "onset_date",
        label: "onset date of the current illness or injury",
        level: FieldLevel::Claim,
        fix: "enter the onset date from the clinical documentation",
    },
    RequiredField {
        name: "patient_birth_date",
        path: "patient.birth_date",
        label: "patient's birth date",
        level: FieldLevel::Claim,
        fix: "enter the patient's birth date from registration",
    },
    RequiredField {
        name: "group_number",
        path: "subscriber.group_number",
        label: "subscriber's group number",
        level: FieldLevel::Claim,
        fix: "enter the group number from the insurance card",
    },
    RequiredField {
        name: "other_payer",
        path: "other_payers",
        label: "other payer (coordination of benefits)",
        level: FieldLevel::Claim,
        fix: "enter the primary payer and its payment from the primary's remittance",
    },
    RequiredField {
        name: "attending_provider",
        path: "institutional.attending_provider",
        label: "attending provider",
        level: FieldLevel::Claim,
        fix: "enter the attending provider's name and NPI",
    },
    RequiredField {
        name: "admission_date",
        path: "institutional.admission_date",
        label: "admission date",
        level: FieldLevel::Claim,
        fix: "enter the admission date from the facility record",
    },
    RequiredField {
        name: "ndc",
        path: "ndc",
        label: "National Drug Code (NDC)",
        level: FieldLevel::Line,
        fix: "enter the 11-digit NDC, unit and quantity from the drug's package",
    },
    RequiredField {
        name: "revenue_code",
        path: "revenue_code",
        label: "revenue code",
        level: FieldLevel::Line,
        fix: "enter the revenue code for the service",
    },
    RequiredField {
        name: "diagnosis_pointer",
        path: "diagnosis_pointers",
        label: "diagnosis pointer",
        level: FieldLevel::Line,
        fix: "point the line at the diagnosis that supports it",
    },
];

pub fn find(name: &str) -> Option<&'static RequiredField> {
    let name = name.trim();
    REQUIRED_FIELDS
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))
}

/// The names, for error messages: "prior_authorization, referring_provider, …".
pub fn names() -> String {
    REQUIRED_FIELDS
        .iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}
