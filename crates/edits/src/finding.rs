//! What the scrubber reports: one finding per problem, with a stable id, the fields concerned
//! and the next step.

use serde::Serialize;
use std::borrow::Cow;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information for the biller; nothing to fix.
    Info,
    /// At risk: may be denied; review.
    Warning,
    /// The office's own rule: do not send until someone has reviewed the claim.
    Hold,
    /// Will be rejected or denied.
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Hold => "hold",
            Severity::Error => "error",
        }
    }
}

/// Which family of edits a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Required fields, values, pointers, totals, dates, duplicates.
    Structure,
    /// Codes on the date of service: ICD-10-CM, ICD-10-PCS, HCPCS, CPT.
    CodeValidity,
    /// ICD-10-CM conventions across the claim (Excludes1, manifestations, use additional).
    Conventions,
    /// Codes against the patient's sex and age.
    Patient,
    /// NCCI procedure-to-procedure edits.
    NcciPtp,
    /// Medically unlikely edits.
    Mue,
    /// Payer rules written by the billing office.
    PayerRule,
}

/// One problem on one claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable id (`code.icd10cm.header`, `ncci.ptp`, `payer.BCBSTX-TELE-95`).
    pub id: Cow<'static, str>,
    pub category: Category,
    pub severity: Severity,
    /// What is wrong, naming the values involved.
    pub message: String,
    /// The claim fields concerned, as paths inside the claim (`lines[1].modifiers`).
    pub fields: Vec<Cow<'static, str>>,
    /// What to do about it, when there is something to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<Cow<'static, str>>,
}

impl Finding {
    pub fn new(
        id: &'static str,
        category: Category,
        severity: Severity,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            id: Cow::Borrowed(id),
            category,
            severity,
            message: message.into(),
            fields: Vec::new(),
            next_step: None,
        }
    }

    /// Static field names and steps are borrowed: a batch of 100,000 claims keeps its findings.
    pub fn field(mut self, f: impl Into<Cow<'static, str>>) -> Finding {
        self.fields.push(f.into());
        self
    }

    pub fn next(mut self, step: impl Into<Cow<'static, str>>) -> Finding {
        self.next_step = Some(step.into());
        self
    }
}

/// The scrubber's verdict on one claim.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimReport {
    pub patient_control_number: String,
    /// Where the claim is in its file (`claims[3]`).
    pub path: String,
    pub findings: Vec<Finding>,
}

impl ClaimReport {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}
