//! Every edit the scrubber can raise, with its stable id: what billers, supervisors and
//! payer-rule authors look up (`rcm edits list`). Payer rules add `payer.<rule id>` findings.

use crate::finding::{Category, Severity};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct EditInfo {
    pub id: &'static str,
    pub category: Category,
    /// The severity it is raised with (patient sex edits: error from a block, warning from a
    /// title word).
    pub severity: Severity,
    pub what: &'static str,
}

const fn e(
    id: &'static str,
    category: Category,
    severity: Severity,
    what: &'static str,
) -> EditInfo {
    EditInfo {
        id,
        category,
        severity,
        what,
    }
}

use Category::{
    CodeValidity as C, Conventions as V, Mue as M, NcciPtp as N, Patient as P, Structure as S,
};
use Severity::{Error as E, Warning as W};

pub static EDITS: &[EditInfo] = &[
    e(
        "structure.required",
        S,
        E,
        "a value the claim form or the 837 requires is empty or absent",
    ),
    e(
        "structure.npi-invalid",
        S,
        E,
        "an NPI is not 10 digits or fails its Luhn check digit (prefix 80840)",
    ),
    e(
        "structure.invalid-value",
        S,
        E,
        "a value cannot be read (amount, units, code list value, bill type…)",
    ),
    e(
        "structure.invalid-date",
        S,
        E,
        "a date is not a calendar date",
    ),
    e("structure.no-lines", S, E, "the claim has no service line"),
    e(
        "structure.too-many",
        S,
        E,
        "more diagnoses, modifiers or pointers than the form holds",
    ),
    e(
        "structure.total-mismatch",
        S,
        E,
        "the total charge is not the sum of the line charges",
    ),
    e(
        "structure.pointer-missing",
        S,
        E,
        "a professional line points to no diagnosis",
    ),
    e(
        "structure.pointer-invalid",
        S,
        E,
        "a line points past the claim's diagnoses",
    ),
    e(
        "structure.future-date",
        S,
        E,
        "a date of service is after today",
    ),
    e(
        "structure.before-birth",
        S,
        E,
        "a date of service is before the patient's birth",
    ),
    e(
        "structure.outside-coverage",
        S,
        E,
        "a date of service is outside the payer's coverage dates",
    ),
    e(
        "structure.outside-statement",
        S,
        W,
        "an institutional line is outside the statement period",
    ),
    e(
        "structure.dates-reversed",
        S,
        E,
        "a period ends before it starts",
    ),
    e(
        "structure.pos-invalid",
        S,
        E,
        "a place of service is unassigned or not in effect on the date",
    ),
    e(
        "structure.units-not-positive",
        S,
        E,
        "a line bills zero or negative units",
    ),
    e(
        "structure.charge-not-positive",
        S,
        E,
        "a line's charge is zero or negative",
    ),
    e(
        "structure.duplicate-line",
        S,
        W,
        "two lines bill the same service on the same day with the same modifiers",
    ),
    e(
        "structure.duplicate-claim",
        S,
        E,
        "the batch holds the same claim twice",
    ),
    e(
        "structure.frequency-invalid",
        S,
        E,
        "the claim frequency is not a frequency code",
    ),
    e(
        "structure.original-reference-missing",
        S,
        E,
        "a replacement or void lacks the original claim's payer number",
    ),
    e(
        "structure.billing-zip",
        S,
        E,
        "the billing provider's ZIP code is not the 9-digit ZIP+4",
    ),
    e(
        "structure.relationship-invalid",
        S,
        E,
        "the patient's relationship to the subscriber is not a 5010 code",
    ),
    e(
        "structure.filing-indicator-invalid",
        S,
        E,
        "a claim filing indicator is not a 5010 code",
    ),
    e(
        "structure.cob-missing",
        S,
        E,
        "a claim billed to a secondary or tertiary payer lists no other payer",
    ),
    e(
        "structure.cob-unbalanced",
        S,
        E,
        "another payer's paid amount and adjustments do not add up to the charge",
    ),
    e(
        "structure.ndc-missing",
        S,
        W,
        "a drug (J-code) line has no NDC",
    ),
    e(
        "code.icd10cm.no-version",
        C,
        E,
        "no ICD-10-CM release in effect on the date of service is imported",
    ),
    e(
        "code.icd10cm.malformed",
        C,
        E,
        "a diagnosis is not shaped like an ICD-10-CM code",
    ),
    e(
        "code.icd10cm.unknown",
        C,
        E,
        "a diagnosis is not in the release in effect (nearest codes given)",
    ),
    e(
        "code.icd10cm.header",
        C,
        E,
        "a category or subcategory is used where a billable code is required",
    ),
    e(
        "code.icd10cm.seventh-missing",
        C,
        E,
        "a code needs a 7th character (the allowed ones are listed)",
    ),
    e(
        "code.icd10cm.seventh-invalid",
        C,
        E,
        "a 7th character the code does not allow",
    ),
    e(
        "code.icd10cm.placeholder-missing",
        C,
        E,
        "a 7th character without the placeholder X",
    ),
    e(
        "code.procedure.malformed",
        C,
        E,
        "a procedure code is not a CPT or HCPCS shape",
    ),
    e(
        "code.hcpcs.unknown",
        C,
        E,
        "a HCPCS Level II code is not in the imported HCPCS file",
    ),
    e(
        "code.hcpcs.not-in-effect",
        C,
        E,
        "a HCPCS code ended before, or starts after, the date of service",
    ),
    e(
        "code.cpt.unknown",
        C,
        E,
        "a CPT code is not in the licensed CPT file imported",
    ),
    e(
        "code.icd10pcs.invalid",
        C,
        E,
        "an ICD-10-PCS procedure is not valid in the tables in effect",
    ),
    e(
        "convention.excludes1",
        V,
        E,
        "two diagnoses an Excludes1 note says are never coded together",
    ),
    e(
        "convention.manifestation-first",
        V,
        E,
        "a manifestation code is first-listed (code the underlying condition first)",
    ),
    e(
        "convention.use-additional",
        V,
        W,
        "an etiology code's \"use additional code\" partner is missing",
    ),
    e(
        "convention.unspecified-side",
        V,
        W,
        "an unspecified-side code while a line's modifier names the side",
    ),
    e(
        "patient.sex",
        P,
        E,
        "a code for the other sex (error from a block of the tabular, warning from title words)",
    ),
    e(
        "patient.maternity-age",
        P,
        W,
        "a maternity code outside ages 9-64",
    ),
    e(
        "patient.newborn-age",
        P,
        W,
        "a perinatal or liveborn code for a patient older than 0",
    ),
    e(
        "patient.pediatric-age",
        P,
        W,
        "a pediatric code for a patient older than 17",
    ),
    e(
        "patient.adult-age",
        P,
        W,
        "an adult code for a patient younger than 15",
    ),
    e(
        "ncci.ptp",
        N,
        E,
        "an NCCI procedure-to-procedure pair on the same day without a bypassing modifier",
    ),
    e(
        "mue.line",
        M,
        E,
        "more units on a line than the MUE allows (adjudication indicator 1)",
    ),
    e(
        "mue.date-of-service",
        M,
        E,
        "more units on a day than the MUE allows (indicators 2 and 3)",
    ),
];

/// The edit with this id, if the scrubber has one (payer rules are not listed here).
pub fn edit(id: &str) -> Option<&'static EditInfo> {
    EDITS.iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_shaped() {
        let mut ids: Vec<&str> = EDITS.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate edit ids");
        for id in ids {
            assert!(
                id.contains('.')
                    && id.chars().all(|c| c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || c == '.'
                        || c == '-'),
                "{id}"
            );
        }
        for r in crate::patient::AGE_RULES {
            assert!(edit(r.id).is_some(), "{}", r.id);
        }
    }
}
