//! The documented claim JSON (schema: `schemas/claims.schema.json`, examples: `examples/claims/`).
//!
//! Two steps, so a batch is never rejected whole for one claim's typo: serde reads the shape
//! (unknown fields and wrong JSON types are errors with the path, e.g. `claims[3].lines[0].units`),
//! then each claim is built into the typed [`Claim`], and every value that cannot be read becomes
//! an [`InputProblem`] with its path, which the scrubber reports as a finding.

use crate::model::{
    Address, BillingProvider, Claim, ClaimAdjustment, ClaimKind, Drug, DrugUnit, Institutional,
    LineAdjudication, OtherPayer, Patient, Payer, PcsProcedure, Person, Provider, Responsibility,
    ServiceLine, Subscriber,
};
use crate::types::{
    DiagnosisCode, Modifier, Money, Ndc, Npi, PcsCode, PlaceOfService, ProcedureCode, RevenueCode,
    Sex, TaxId, TypeOfBill, Units, ValueError,
};
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A file of claims: who sends them (for the 837 envelope) and the claims.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "OpenRCM claim file")]
pub struct ClaimFile {
    /// The submitter (1000A): needed to write an 837, ignored by the scrubber.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter: Option<SubmitterInput>,
    /// The receiver (1000B): the clearinghouse or payer the file goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<ReceiverInput>,
    pub claims: Vec<ClaimInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitterInput {
    pub name: String,
    /// ETIN assigned by the receiver (NM109, qualifier 46).
    pub id: String,
    pub contact_name: String,
    /// Telephone, digits only.
    pub contact_phone: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiverInput {
    pub name: String,
    pub id: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KindInput {
    #[default]
    Professional,
    Institutional,
}

/// One claim (CMS-1500 or UB-04).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    #[serde(default)]
    pub kind: KindInput,
    /// The practice's claim id (CLM01), echoed on the 277CA and the 835.
    pub patient_control_number: String,
    pub billing_provider: BillingProviderInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendering_provider: Option<ProviderInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referring_provider: Option<ProviderInput>,
    pub subscriber: SubscriberInput,
    /// Absent when the subscriber is the patient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<PatientInput>,
    /// The payer billed first; other coverage after it, in order of responsibility.
    pub payers: Vec<PayerInput>,
    /// Professional: where the services were rendered (11 office, 02 telehealth…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_service: Option<String>,
    /// 1 original, 7 replacement, 8 void. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    /// The payer's claim number of the claim replaced or voided (frequency 7 or 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_claim_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_authorization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset_date: Option<String>,
    /// ICD-10-CM codes, principal first, up to 12 on a professional claim (with or without the dot).
    pub diagnoses: Vec<String>,
    /// Must equal the sum of the line charges.
    pub total_charge: AmountInput,
    pub lines: Vec<LineInput>,
    /// Required on an institutional claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institutional: Option<InstitutionalInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    pub line1: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub line2: String,
    pub city: String,
    pub state: String,
    /// ZIP or ZIP+4 (the billing provider needs the 9 digits).
    pub zip: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingProviderInput {
    pub npi: String,
    /// Organization name, or last name of an individual provider.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub first_name: String,
    /// EIN (12-3456789) or SSN (123-45-6789).
    pub tax_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub taxonomy: String,
    pub address: AddressInput,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    pub npi: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub first_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub taxonomy: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonFields {
    pub last_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub first_name: String,
    /// CCYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// F, M or U.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriberInput {
    pub member_id: String,
    #[serde(flatten)]
    pub person: PersonFields,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group_number: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientInput {
    /// Relationship to the subscriber: 01 spouse, 19 child, 20 employee, 21 unknown, 39, 40, 53, G8.
    pub relationship: String,
    #[serde(flatten)]
    pub person: PersonFields,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayerInput {
    pub name: String,
    pub payer_id: String,
    /// primary, secondary or tertiary.
    pub responsibility: String,
    /// MB Medicare Part B, MC Medicaid, CI commercial, BL Blue Cross, HM HMO…
    pub filing_indicator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage_end: Option<String>,
    /// Other coverage only: the subscriber of that coverage, when not the claim's subscriber.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber: Option<SubscriberInput>,
    /// Other coverage only: patient's relationship to that subscriber (18 self, default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    /// Other coverage only: what that payer paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<AmountInput>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AdjustmentInput>,
    /// Other coverage only: what the patient still owes after that payer (AMT*EAF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_patient_liability: Option<AmountInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudication_date: Option<String>,
}

/// What another payer (one of `payers` after the first) did with a service line: the
/// secondary payer reads the primary's line payment and adjustments (837 loop 2430).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineAdjudicationInput {
    /// The `payer_id` of that other payer.
    pub payer_id: String,
    pub paid: AmountInput,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<AdjustmentInput>,
    /// CCYY-MM-DD: when that payer adjudicated the line.
    pub adjudication_date: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentInput {
    /// CO, PR, OA, PI or CR.
    pub group: String,
    /// Claim adjustment reason code (CARC).
    pub reason: String,
    pub amount: AmountInput,
}

/// One service line.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// CPT or HCPCS code. Optional only on institutional lines billed by revenue code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    /// Up to four.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<String>,
    pub charge: AmountInput,
    pub units: UnitsInput,
    /// 1-based positions in `diagnoses`, up to four, the first is the primary (professional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis_pointers: Vec<u32>,
    /// CCYY-MM-DD.
    pub date_of_service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_service_end: Option<String>,
    /// When different from the claim's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_service: Option<String>,
    /// When different from the claim's rendering provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendering_provider: Option<ProviderInput>,
    /// National Drug Code, 11 digits 5-4-2, when a drug is billed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ndc: Option<String>,
    /// With an NDC: the quantity of the drug given (CTP04).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ndc_quantity: Option<UnitsInput>,
    /// With an NDC: F2 international unit, GR gram, ME milligram, ML milliliter, UN unit (CTP05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ndc_unit: Option<String>,
    /// Institutional: the UB-04 revenue code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_covered_charge: Option<AmountInput>,
    /// Other payers' adjudication of this line (secondary claims).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjudications: Vec<LineAdjudicationInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstitutionalInput {
    /// 4 digits with the leading zero: 0131 hospital outpatient, original.
    pub type_of_bill: String,
    pub statement_from: String,
    pub statement_to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_date: Option<String>,
    /// 1 emergency, 2 urgent, 3 elective, 4 newborn, 5 trauma, 9 unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub admission_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub admission_source: String,
    /// Discharge status: 01 home, 02 short-term hospital…
    pub patient_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admitting_diagnosis: Option<String>,
    /// ICD-10-PCS procedures, principal first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub procedures: Vec<PcsProcedureInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attending_provider: Option<ProviderInput>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PcsProcedureInput {
    pub code: String,
    pub date: String,
}

/// An amount as JSON carries it: a string with at most two decimals ("125.50") or a whole
/// number of dollars. A JSON number with a fraction is refused: binary floats cannot hold
/// cents exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AmountInput(pub String);

/// Units: a string or a JSON integer ("1.5", 2). Fractions are written as strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitsInput(pub String);

macro_rules! string_or_integer {
    ($t:ident, $what:literal, $pattern:literal) => {
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!($what, " as a string (\"125.50\") or a whole number"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$t, E> {
                        Ok($t(v.to_string()))
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<$t, E> {
                        Ok($t(v.to_string()))
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<$t, E> {
                        Ok($t(v.to_string()))
                    }
                    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<$t, E> {
                        Err(E::custom(concat!(
                            "write ",
                            $what,
                            " with a fraction as a string (\"125.50\"): a JSON number with a fraction is a binary float and cannot hold cents exactly"
                        )))
                    }
                }
                d.deserialize_any(V)
            }
        }
        impl Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl JsonSchema for $t {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($t))
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!($what, ": a string, or a whole number"),
                    "anyOf": [
                        {"type": "string", "pattern": $pattern},
                        {"type": "integer"}
                    ]
                })
            }
        }
        impl From<&str> for $t {
            fn from(s: &str) -> $t {
                $t(s.to_string())
            }
        }
    };
}

string_or_integer!(AmountInput, "an amount", "^-?\\$?[0-9,]*(\\.[0-9]{1,2})?$");
string_or_integer!(UnitsInput, "units", "^[0-9]*(\\.[0-9]{1,3})?$");

/// What kind of problem a value has; the scrubber maps each to an edit id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A required value is empty or absent.
    Required,
    /// An NPI that is not 10 digits or fails its check digit.
    InvalidNpi,
    /// A diagnosis that is not shaped like an ICD-10-CM code.
    MalformedDiagnosis,
    /// A procedure code that is not a CPT or HCPCS shape.
    MalformedProcedure,
    /// A claim without service lines.
    NoLines,
    /// More diagnoses, modifiers or pointers than the claim form holds.
    TooMany,
    /// A date that is not a calendar date.
    InvalidDate,
    /// Any other value that cannot be read (amount, units, code lists…).
    InvalidValue,
}

/// A value of a claim that could not be read, with the path of its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputProblem {
    /// `claims[3].lines[0].units`.
    pub path: String,
    pub kind: ProblemKind,
    pub message: String,
}

/// A claim as far as it could be built, and what could not be read.
#[derive(Debug, Clone)]
pub struct BuiltClaim {
    pub patient_control_number: String,
    /// `claims[3]`.
    pub path: String,
    pub claim: Option<Claim>,
    pub problems: Vec<InputProblem>,
}

/// Why a claim file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ClaimFileError {
    #[error("{origin}: {path}: {message} (line {line}, column {column})")]
    Shape {
        origin: String,
        path: String,
        message: String,
        line: usize,
        column: usize,
    },
}

/// Reads a claim file; unknown fields and wrong types are errors naming the field's path.
pub fn read_claim_file(origin: &str, bytes: &[u8]) -> Result<ClaimFile, ClaimFileError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, ClaimFile>(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        ClaimFileError::Shape {
            origin: origin.to_string(),
            path: if path == "." { "(file)".into() } else { path },
            message: describe_json_error(&inner),
            line: inner.line(),
            column: inner.column(),
        }
    })
}

fn describe_json_error(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the position is reported separately.
    let s = e.to_string();
    let s = match s.rfind(" at line ") {
        Some(i) => &s[..i],
        None => s.as_str(),
    };
    // serde quotes the offending value between backticks ("invalid type: integer `12345`");
    // a member id or a name must not reach an error message.
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for ch in s.chars() {
        if ch == '`' {
            if !inside {
                out.push_str("(value)");
            }
            inside = !inside;
        } else if !inside {
            out.push(ch);
        }
    }
    out
}

/// One step of a field path: `billing_provider`, `lines[2]`.
#[derive(Clone, Copy)]
enum Step {
    Field(&'static str),
    Item(&'static str, usize),
}

/// Collects problems while building one claim. The path of the field being read is kept as a
/// stack of static steps and rendered only when there is a problem to report: building a
/// clean claim allocates no path strings.
struct Builder<'p> {
    base: &'p str,
    stack: Vec<Step>,
    problems: &'p mut Vec<InputProblem>,
}

impl Builder<'_> {
    fn path(&self, leaf: Option<Step>) -> String {
        use std::fmt::Write as _;
        let mut s = String::from(self.base);
        for step in self.stack.iter().chain(leaf.as_ref()) {
            let _ = match step {
                Step::Field(n) => write!(s, ".{n}"),
                Step::Item(n, i) => write!(s, ".{n}[{i}]"),
            };
        }
        s
    }

    fn enter(&mut self, step: Step) {
        self.stack.push(step);
    }

    fn leave(&mut self) {
        self.stack.pop();
    }

    /// A problem with the field `leaf` under the current path (or the current path itself).
    fn push_at(&mut self, leaf: Option<Step>, kind: ProblemKind, message: impl Into<String>) {
        let path = self.path(leaf);
        self.problems.push(InputProblem {
            path,
            kind,
            message: message.into(),
        });
    }

    fn push(&mut self, leaf: &'static str, kind: ProblemKind, message: impl Into<String>) {
        self.push_at(Some(Step::Field(leaf)), kind, message);
    }

    fn required(&mut self, leaf: &'static str, value: &str, what: &str) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            self.push(leaf, ProblemKind::Required, format!("{what} is required"));
            None
        } else {
            Some(v.to_string())
        }
    }

    fn value<T>(
        &mut self,
        leaf: Option<Step>,
        kind: ProblemKind,
        what: impl FnOnce() -> String,
        r: Result<T, ValueError>,
    ) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                let what = what();
                self.push_at(leaf, kind, format!("{what}: {e}"));
                None
            }
        }
    }

    fn date(&mut self, leaf: &'static str, what: &str, s: &str) -> Option<Date> {
        if s.trim().is_empty() {
            self.push(leaf, ProblemKind::Required, format!("{what} is required"));
            return None;
        }
        match parse_date(s) {
            Some(d) => Some(d),
            None => {
                self.push(
                    leaf,
                    ProblemKind::InvalidDate,
                    format!("{what} is not a calendar date (CCYY-MM-DD)"),
                );
                None
            }
        }
    }

    fn opt_date(&mut self, leaf: &'static str, what: &str, s: Option<&str>) -> Option<Date> {
        match s {
            Some(s) if !s.trim().is_empty() => self.date(leaf, what, s),
            _ => None,
        }
    }

    fn npi(&mut self, leaf: &'static str, what: &str, s: &str) -> Option<Npi> {
        if s.trim().is_empty() {
            self.push(
                leaf,
                ProblemKind::Required,
                format!("{what} NPI is required"),
            );
            return None;
        }
        self.value(
            Some(Step::Field(leaf)),
            ProblemKind::InvalidNpi,
            || format!("{what} NPI"),
            Npi::parse(s),
        )
    }

    fn address(&mut self, step: &'static str, a: &AddressInput) -> Address {
        self.enter(Step::Field(step));
        self.required("line1", &a.line1, "the street address");
        self.required("city", &a.city, "the city");
        self.leave();
        Address {
            line1: a.line1.trim().to_string(),
            line2: a.line2.trim().to_string(),
            city: a.city.trim().to_string(),
            state: a.state.trim().to_uppercase(),
            zip: a.zip.trim().replace('-', ""),
        }
    }

    fn provider(&mut self, step: Step, what: &str, p: &ProviderInput) -> Option<Provider> {
        self.enter(step);
        let npi = self.npi("npi", what, &p.npi);
        self.required("last_name", &p.last_name, &format!("the {what}'s name"));
        self.leave();
        Some(Provider {
            npi: npi?,
            last_name: p.last_name.trim().to_string(),
            first_name: p.first_name.trim().to_string(),
            taxonomy: p.taxonomy.trim().to_string(),
        })
    }

    /// The person fields at the current path.
    fn person(&mut self, what: &str, p: &PersonFields) -> Person {
        if p.last_name.trim().is_empty() {
            self.push(
                "last_name",
                ProblemKind::Required,
                format!("the {what}'s last name is required"),
            );
        }
        let birth_date = self.opt_date(
            "birth_date",
            &format!("the {what}'s birth date"),
            p.birth_date.as_deref(),
        );
        let sex = p
            .sex
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| {
                self.value(
                    Some(Step::Field("sex")),
                    ProblemKind::InvalidValue,
                    || format!("the {what}'s sex"),
                    Sex::parse(s),
                )
            });
        Person {
            last_name: p.last_name.trim().to_string(),
            first_name: p.first_name.trim().to_string(),
            birth_date,
            sex,
            address: p.address.as_ref().map(|a| self.address("address", a)),
        }
    }

    fn subscriber(&mut self, step: Step, s: &SubscriberInput) -> Subscriber {
        self.enter(step);
        self.required("member_id", &s.member_id, "the member id");
        let person = self.person("subscriber", &s.person);
        self.leave();
        Subscriber {
            member_id: s.member_id.trim().to_string(),
            person,
            group_number: s.group_number.trim().to_string(),
        }
    }

    /// The payer at the current path.
    fn payer(&mut self, p: &PayerInput) -> Payer {
        self.required("name", &p.name, "the payer name");
        self.required("payer_id", &p.payer_id, "the payer id");
        self.required(
            "filing_indicator",
            &p.filing_indicator,
            "the claim filing indicator (SBR09)",
        );
        let responsibility = match p.responsibility.trim().to_ascii_lowercase().as_str() {
            "primary" | "p" => Responsibility::Primary,
            "secondary" | "s" => Responsibility::Secondary,
            "tertiary" | "t" => Responsibility::Tertiary,
            _ => {
                self.push(
                    "responsibility",
                    ProblemKind::InvalidValue,
                    "the payer responsibility is primary, secondary or tertiary",
                );
                Responsibility::Primary
            }
        };
        Payer {
            name: p.name.trim().to_string(),
            payer_id: p.payer_id.trim().to_string(),
            responsibility,
            filing_indicator: p.filing_indicator.trim().to_ascii_uppercase(),
            coverage_start: self.opt_date(
                "coverage_start",
                "the coverage start",
                p.coverage_start.as_deref(),
            ),
            coverage_end: self.opt_date(
                "coverage_end",
                "the coverage end",
                p.coverage_end.as_deref(),
            ),
        }
    }

    fn money(&mut self, leaf: &'static str, what: &str, a: &AmountInput) -> Option<Money> {
        if a.0.trim().is_empty() {
            self.push(leaf, ProblemKind::Required, format!("{what} is required"));
            return None;
        }
        self.value(
            Some(Step::Field(leaf)),
            ProblemKind::InvalidValue,
            || what.to_string(),
            Money::parse(&a.0),
        )
    }
}

/// CCYY-MM-DD (or CCYYMMDD).
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.trim().as_bytes();
    let digits: [u8; 8] = match b.len() {
        8 => b.try_into().ok()?,
        10 if b[4] == b'-' && b[7] == b'-' => [b[0], b[1], b[2], b[3], b[5], b[6], b[8], b[9]],
        _ => return None,
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |r: &[u8]| r.iter().fold(0i32, |a, d| a * 10 + i32::from(d - b'0'));
    let y = i16::try_from(n(&digits[..4])).ok()?;
    let m = i8::try_from(n(&digits[4..6])).ok()?;
    let d = i8::try_from(n(&digits[6..])).ok()?;
    Date::new(y, m, d).ok()
}

/// The most diagnoses a claim form carries: 12 on the CMS-1500 (HI), 25 on the UB-04.
const MAX_DIAGNOSES_PROFESSIONAL: usize = 12;
const MAX_DIAGNOSES_INSTITUTIONAL: usize = 25;

impl ClaimInput {
    /// Builds the typed claim; `path` is this claim's path in the file (`claims[3]`).
    pub fn build(&self, path: &str) -> BuiltClaim {
        let mut problems = Vec::new();
        let claim = self.build_into(path, &mut problems);
        BuiltClaim {
            patient_control_number: self.patient_control_number.trim().to_string(),
            path: path.to_string(),
            // A claim with a value that could not be read is not scrubbed further: its typed
            // form would be wrong (a dropped diagnosis shifts every pointer after it).
            claim: if problems.is_empty() { claim } else { None },
            problems,
        }
    }

    fn build_into(&self, path: &str, problems: &mut Vec<InputProblem>) -> Option<Claim> {
        let mut b = Builder {
            base: path,
            stack: Vec::with_capacity(4),
            problems,
        };
        let kind = match self.kind {
            KindInput::Professional => ClaimKind::Professional,
            KindInput::Institutional => ClaimKind::Institutional,
        };
        b.required(
            "patient_control_number",
            &self.patient_control_number,
            "the patient control number",
        );
        if self.patient_control_number.trim().len() > 38 {
            b.push(
                "patient_control_number",
                ProblemKind::InvalidValue,
                "the patient control number is at most 38 characters (CLM01; payers often keep only 20)",
            );
        }

        let bp = &self.billing_provider;
        b.enter(Step::Field("billing_provider"));
        let billing_npi = b.npi("npi", "the billing provider", &bp.npi);
        b.required("name", &bp.name, "the billing provider name");
        let tax_id = if bp.tax_id.trim().is_empty() {
            b.push(
                "tax_id",
                ProblemKind::Required,
                "the billing provider tax id is required",
            );
            None
        } else {
            b.value(
                Some(Step::Field("tax_id")),
                ProblemKind::InvalidValue,
                || "the billing provider tax id".into(),
                TaxId::parse(&bp.tax_id),
            )
        };
        let billing_address = b.address("address", &bp.address);
        b.leave();

        let rendering_provider = self
            .rendering_provider
            .as_ref()
            .and_then(|p| b.provider(Step::Field("rendering_provider"), "rendering provider", p));
        let referring_provider = self
            .referring_provider
            .as_ref()
            .and_then(|p| b.provider(Step::Field("referring_provider"), "referring provider", p));
        let subscriber = b.subscriber(Step::Field("subscriber"), &self.subscriber);
        // The person the services were for needs an address, birth date and sex on an 837
        // (2010BA N3/N4/DMG when the subscriber is the patient, 2010CA otherwise).
        {
            let (step, person, what) = match &self.patient {
                Some(p) => ("patient", &p.person, "patient"),
                None => (
                    "subscriber",
                    &self.subscriber.person,
                    "subscriber (the patient)",
                ),
            };
            b.enter(Step::Field(step));
            if person.address.is_none() {
                b.push(
                    "address",
                    ProblemKind::Required,
                    format!("the {what}'s address is required"),
                );
            }
            if person
                .birth_date
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
            {
                b.push(
                    "birth_date",
                    ProblemKind::Required,
                    format!("the {what}'s birth date is required"),
                );
            }
            if person.sex.as_deref().is_none_or(|d| d.trim().is_empty()) {
                b.push(
                    "sex",
                    ProblemKind::Required,
                    format!("the {what}'s sex is required (F, M or U)"),
                );
            }
            b.leave();
        }
        let patient = self.patient.as_ref().map(|p| {
            b.enter(Step::Field("patient"));
            b.required(
                "relationship",
                &p.relationship,
                "the patient's relationship to the subscriber",
            );
            let person = b.person("patient", &p.person);
            b.leave();
            Patient {
                relationship: p.relationship.trim().to_string(),
                person,
            }
        });

        if self.payers.is_empty() {
            b.push(
                "payers",
                ProblemKind::Required,
                "a claim needs the payer it is sent to",
            );
        }
        let mut other_payers = Vec::new();
        let mut payer = None;
        for (i, p) in self.payers.iter().enumerate() {
            b.enter(Step::Item("payers", i));
            let built = b.payer(p);
            if i == 0 {
                payer = Some(built);
                b.leave();
                continue;
            }
            let subscriber = p
                .subscriber
                .as_ref()
                .map(|s| b.subscriber(Step::Field("subscriber"), s));
            let paid = p
                .paid
                .as_ref()
                .and_then(|a| b.money("paid", "the amount paid", a));
            let adjustments = build_adjustments(&mut b, &p.adjustments);
            let remaining_patient_liability =
                p.remaining_patient_liability.as_ref().and_then(|a| {
                    b.money(
                        "remaining_patient_liability",
                        "the remaining patient liability",
                        a,
                    )
                });
            let adjudication_date = b.opt_date(
                "adjudication_date",
                "the adjudication date",
                p.adjudication_date.as_deref(),
            );
            b.leave();
            other_payers.push(OtherPayer {
                payer: built,
                subscriber,
                relationship: p.relationship.as_deref().unwrap_or("18").trim().to_string(),
                paid,
                adjustments,
                remaining_patient_liability,
                adjudication_date,
            });
        }

        let place_of_service = match (&self.place_of_service, kind) {
            (Some(p), _) if !p.trim().is_empty() => b.value(
                Some(Step::Field("place_of_service")),
                ProblemKind::InvalidValue,
                || "the place of service".into(),
                PlaceOfService::parse(p),
            ),
            (_, ClaimKind::Professional) => {
                b.push(
                    "place_of_service",
                    ProblemKind::Required,
                    "the place of service is required on a professional claim",
                );
                None
            }
            _ => None,
        };
        let frequency = match self.frequency.as_deref().map(str::trim) {
            None | Some("") => '1',
            Some(f) if f.len() == 1 && f.as_bytes()[0].is_ascii_digit() => {
                char::from(f.as_bytes()[0])
            }
            Some(_) => {
                b.push(
                    "frequency",
                    ProblemKind::InvalidValue,
                    "the claim frequency is one digit: 1 original, 7 replacement, 8 void",
                );
                '1'
            }
        };
        let onset_date = b.opt_date("onset_date", "the onset date", self.onset_date.as_deref());

        let max_dx = match kind {
            ClaimKind::Professional => MAX_DIAGNOSES_PROFESSIONAL,
            ClaimKind::Institutional => MAX_DIAGNOSES_INSTITUTIONAL,
        };
        if self.diagnoses.is_empty() {
            b.push(
                "diagnoses",
                ProblemKind::Required,
                "a claim needs at least one diagnosis (the principal, first)",
            );
        } else if self.diagnoses.len() > max_dx {
            b.push(
                "diagnoses",
                ProblemKind::TooMany,
                format!(
                    "{} diagnoses: a {} claim holds at most {max_dx}; split the claim or keep the ones the lines point to",
                    self.diagnoses.len(),
                    kind.label()
                ),
            );
        }
        let mut diagnoses = Vec::with_capacity(self.diagnoses.len());
        for (i, d) in self.diagnoses.iter().enumerate() {
            if let Some(code) = b.value(
                Some(Step::Item("diagnoses", i)),
                ProblemKind::MalformedDiagnosis,
                || format!("diagnosis {} ({:?})", i + 1, d.trim()),
                DiagnosisCode::parse(d),
            ) {
                diagnoses.push(code);
            }
        }
        let total_charge = b.money("total_charge", "the total charge", &self.total_charge);

        if self.lines.is_empty() {
            b.push(
                "lines",
                ProblemKind::NoLines,
                "a claim needs at least one service line",
            );
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            b.enter(Step::Item("lines", i));
            if let Some(line) = build_line(&mut b, l, kind, &other_payers) {
                lines.push(line);
            }
            b.leave();
        }

        let institutional = match (&self.institutional, kind) {
            (Some(inst), ClaimKind::Institutional) => {
                b.enter(Step::Field("institutional"));
                let i = build_institutional(&mut b, inst);
                b.leave();
                i
            }
            (Some(_), ClaimKind::Professional) => {
                b.push(
                    "institutional",
                    ProblemKind::InvalidValue,
                    "institutional data on a professional claim: set \"kind\": \"institutional\" or remove it",
                );
                None
            }
            (None, ClaimKind::Institutional) => {
                b.push(
                    "institutional",
                    ProblemKind::Required,
                    "an institutional claim needs the type of bill, statement dates and discharge status",
                );
                None
            }
            (None, ClaimKind::Professional) => None,
        };

        Some(Claim {
            kind,
            patient_control_number: self.patient_control_number.trim().to_string(),
            billing_provider: BillingProvider {
                npi: billing_npi?,
                name: bp.name.trim().to_string(),
                first_name: bp.first_name.trim().to_string(),
                tax_id: tax_id?,
                taxonomy: bp.taxonomy.trim().to_string(),
                address: billing_address,
            },
            rendering_provider,
            referring_provider,
            subscriber,
            patient,
            payer: payer?,
            other_payers,
            place_of_service,
            frequency,
            original_claim_reference: non_empty(&self.original_claim_reference),
            prior_authorization: non_empty(&self.prior_authorization),
            onset_date,
            diagnoses,
            total_charge: total_charge?,
            lines,
            institutional: if kind == ClaimKind::Institutional {
                Some(institutional?)
            } else {
                None
            },
        })
    }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// One service line, at the current path (`lines[i]`).
/// The adjustments (CAS) of another payer, at the current path.
fn build_adjustments(b: &mut Builder<'_>, given: &[AdjustmentInput]) -> Vec<ClaimAdjustment> {
    let mut adjustments = Vec::new();
    for (j, a) in given.iter().enumerate() {
        b.enter(Step::Item("adjustments", j));
        let group = a.group.trim().to_ascii_uppercase();
        if !matches!(group.as_str(), "CO" | "PR" | "OA" | "PI" | "CR") {
            b.push(
                "group",
                ProblemKind::InvalidValue,
                "the adjustment group is CO, PR, OA, PI or CR",
            );
        }
        b.required("reason", &a.reason, "the adjustment reason code (CARC)");
        if let Some(amount) = b.money("amount", "the adjustment amount", &a.amount) {
            adjustments.push(ClaimAdjustment {
                group,
                reason: a.reason.trim().to_string(),
                amount,
            });
        }
        b.leave();
    }
    adjustments
}

/// Other payers' adjudication of a line, at the current path (`lines[i]`): each names one of
/// the claim's other payers.
fn build_line_adjudications(
    b: &mut Builder<'_>,
    given: &[LineAdjudicationInput],
    other_payers: &[OtherPayer],
) -> Vec<LineAdjudication> {
    let mut out = Vec::with_capacity(given.len());
    for (j, a) in given.iter().enumerate() {
        b.enter(Step::Item("adjudications", j));
        let payer_id = a.payer_id.trim().to_string();
        if !other_payers.iter().any(|o| o.payer.payer_id == payer_id) {
            b.push(
                "payer_id",
                ProblemKind::InvalidValue,
                "the line adjudication names a payer that is not one of the claim's other payers (payers after the first)",
            );
        }
        let paid = b.money(
            "paid",
            "the amount the other payer paid on the line",
            &a.paid,
        );
        let adjustments = build_adjustments(b, &a.adjustments);
        let date = b.date(
            "adjudication_date",
            "the line's adjudication date",
            &a.adjudication_date,
        );
        if let (Some(paid), Some(adjudication_date)) = (paid, date) {
            out.push(LineAdjudication {
                payer_id,
                paid,
                adjustments,
                adjudication_date,
            });
        }
        b.leave();
    }
    out
}

fn build_line(
    b: &mut Builder<'_>,
    l: &LineInput,
    kind: ClaimKind,
    other_payers: &[OtherPayer],
) -> Option<ServiceLine> {
    let procedure = match l.procedure.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => b.value(
            Some(Step::Field("procedure")),
            ProblemKind::MalformedProcedure,
            || format!("procedure code {p:?}"),
            ProcedureCode::parse(p),
        ),
        _ if kind == ClaimKind::Professional => {
            b.push(
                "procedure",
                ProblemKind::Required,
                "the procedure code is required on a professional line",
            );
            None
        }
        _ => None,
    };
    if l.modifiers.len() > 4 {
        b.push(
            "modifiers",
            ProblemKind::TooMany,
            format!("{} modifiers: a line holds at most four", l.modifiers.len()),
        );
    }
    let mut modifiers = Vec::with_capacity(l.modifiers.len());
    for (j, m) in l.modifiers.iter().enumerate() {
        if let Some(m) = b.value(
            Some(Step::Item("modifiers", j)),
            ProblemKind::InvalidValue,
            || format!("modifier {m:?}"),
            Modifier::parse(m),
        ) {
            modifiers.push(m);
        }
    }
    let charge = b.money("charge", "the line charge", &l.charge);
    let units = if l.units.0.trim().is_empty() {
        b.push("units", ProblemKind::Required, "the units are required");
        None
    } else {
        b.value(
            Some(Step::Field("units")),
            ProblemKind::InvalidValue,
            || "the units".into(),
            Units::parse(&l.units.0),
        )
    };
    if l.diagnosis_pointers.len() > 4 {
        b.push(
            "diagnosis_pointers",
            ProblemKind::TooMany,
            format!(
                "{} diagnosis pointers: a line holds at most four",
                l.diagnosis_pointers.len()
            ),
        );
    }
    let diagnosis_pointers: Vec<u8> = l
        .diagnosis_pointers
        .iter()
        .map(|p| u8::try_from(*p).unwrap_or(u8::MAX))
        .collect();
    let date_of_service = b.date("date_of_service", "the date of service", &l.date_of_service);
    let date_of_service_end = b.opt_date(
        "date_of_service_end",
        "the end date of service",
        l.date_of_service_end.as_deref(),
    );
    let place_of_service = l
        .place_of_service
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .and_then(|p| {
            b.value(
                Some(Step::Field("place_of_service")),
                ProblemKind::InvalidValue,
                || "the line's place of service".into(),
                PlaceOfService::parse(p),
            )
        });
    let rendering_provider = l.rendering_provider.as_ref().and_then(|p| {
        b.provider(
            Step::Field("rendering_provider"),
            "line rendering provider",
            p,
        )
    });
    let drug = match l.ndc.as_deref().filter(|n| !n.trim().is_empty()) {
        None => {
            if l.ndc_quantity.is_some() || l.ndc_unit.is_some() {
                b.push(
                    "ndc",
                    ProblemKind::Required,
                    "an NDC quantity or unit is given without the NDC",
                );
            }
            None
        }
        Some(n) => {
            let ndc = b.value(
                Some(Step::Field("ndc")),
                ProblemKind::InvalidValue,
                || "the NDC".into(),
                Ndc::parse(n),
            );
            let quantity = match l.ndc_quantity.as_ref().filter(|q| !q.0.trim().is_empty()) {
                None => {
                    b.push(
                        "ndc_quantity",
                        ProblemKind::Required,
                        "the quantity of the drug given is required with an NDC (CTP04)",
                    );
                    None
                }
                Some(q) => b.value(
                    Some(Step::Field("ndc_quantity")),
                    ProblemKind::InvalidValue,
                    || "the NDC quantity".into(),
                    Units::parse(&q.0),
                ),
            };
            let unit = match l.ndc_unit.as_deref().map(DrugUnit::parse) {
                Some(Some(u)) => Some(u),
                _ => {
                    b.push(
                        "ndc_unit",
                        ProblemKind::InvalidValue,
                        "the NDC unit is F2 (international unit), GR (gram), ME (milligram), ML (milliliter) or UN (unit)",
                    );
                    None
                }
            };
            match (ndc, quantity, unit) {
                (Some(ndc), Some(quantity), Some(unit)) => Some(Drug {
                    ndc,
                    quantity,
                    unit,
                }),
                _ => None,
            }
        }
    };
    let revenue_code = match l.revenue_code.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => b.value(
            Some(Step::Field("revenue_code")),
            ProblemKind::InvalidValue,
            || "the revenue code".into(),
            RevenueCode::parse(r),
        ),
        _ if kind == ClaimKind::Institutional => {
            b.push(
                "revenue_code",
                ProblemKind::Required,
                "the revenue code is required on an institutional line",
            );
            None
        }
        _ => None,
    };
    let non_covered_charge = l
        .non_covered_charge
        .as_ref()
        .and_then(|a| b.money("non_covered_charge", "the non-covered charge", a));
    let adjudications = build_line_adjudications(b, &l.adjudications, other_payers);
    Some(ServiceLine {
        procedure,
        modifiers,
        charge: charge?,
        units: units?,
        diagnosis_pointers,
        date_of_service: date_of_service?,
        date_of_service_end,
        place_of_service,
        rendering_provider,
        drug,
        revenue_code,
        non_covered_charge,
        adjudications,
    })
}

/// What only a UB-04 carries, at the current path (`institutional`).
fn build_institutional(b: &mut Builder<'_>, i: &InstitutionalInput) -> Option<Institutional> {
    let type_of_bill = b.value(
        Some(Step::Field("type_of_bill")),
        ProblemKind::InvalidValue,
        || "the type of bill".into(),
        TypeOfBill::parse(&i.type_of_bill),
    );
    let statement_from = b.date(
        "statement_from",
        "the statement from date",
        &i.statement_from,
    );
    let statement_to = b.date(
        "statement_to",
        "the statement through date",
        &i.statement_to,
    );
    let admission_date = b.opt_date(
        "admission_date",
        "the admission date",
        i.admission_date.as_deref(),
    );
    b.required(
        "patient_status",
        &i.patient_status,
        "the patient (discharge) status",
    );
    let admitting_diagnosis = i
        .admitting_diagnosis
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .and_then(|d| {
            b.value(
                Some(Step::Field("admitting_diagnosis")),
                ProblemKind::MalformedDiagnosis,
                || "the admitting diagnosis".into(),
                DiagnosisCode::parse(d),
            )
        });
    let mut procedures = Vec::new();
    for (j, p) in i.procedures.iter().enumerate() {
        b.enter(Step::Item("procedures", j));
        let code = b.value(
            Some(Step::Field("code")),
            ProblemKind::InvalidValue,
            || "the ICD-10-PCS procedure".into(),
            PcsCode::parse(&p.code),
        );
        let date = b.date("date", "the procedure date", &p.date);
        b.leave();
        if let (Some(code), Some(date)) = (code, date) {
            procedures.push(PcsProcedure { code, date });
        }
    }
    let attending_provider = i
        .attending_provider
        .as_ref()
        .and_then(|p| b.provider(Step::Field("attending_provider"), "attending provider", p));
    Some(Institutional {
        type_of_bill: type_of_bill?,
        statement_from: statement_from?,
        statement_to: statement_to?,
        admission_date,
        admission_type: i.admission_type.trim().to_string(),
        admission_source: i.admission_source.trim().to_string(),
        patient_status: i.patient_status.trim().to_string(),
        admitting_diagnosis,
        procedures,
        attending_provider,
    })
}

impl ClaimFile {
    /// Builds every claim; problems carry paths `claims[i]…`.
    pub fn build(&self) -> Vec<BuiltClaim> {
        self.claims
            .iter()
            .enumerate()
            .map(|(i, c)| c.build(&format!("claims[{i}]")))
            .collect()
    }
}

fn date_string(d: Date) -> String {
    d.to_string()
}

fn address_input(a: &Address) -> AddressInput {
    AddressInput {
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        zip: a.zip.clone(),
    }
}

fn provider_input(p: &Provider) -> ProviderInput {
    ProviderInput {
        npi: p.npi.to_string(),
        last_name: p.last_name.clone(),
        first_name: p.first_name.clone(),
        taxonomy: p.taxonomy.clone(),
    }
}

fn person_fields(p: &Person) -> PersonFields {
    PersonFields {
        last_name: p.last_name.clone(),
        first_name: p.first_name.clone(),
        birth_date: p.birth_date.map(date_string),
        sex: p.sex.map(|s| s.code().to_string()),
        address: p.address.as_ref().map(address_input),
    }
}

fn subscriber_input(s: &Subscriber) -> SubscriberInput {
    SubscriberInput {
        member_id: s.member_id.clone(),
        person: person_fields(&s.person),
        group_number: s.group_number.clone(),
    }
}

fn adjustment_inputs(adjustments: &[ClaimAdjustment]) -> Vec<AdjustmentInput> {
    adjustments
        .iter()
        .map(|a| AdjustmentInput {
            group: a.group.clone(),
            reason: a.reason.clone(),
            amount: AmountInput(a.amount.to_string()),
        })
        .collect()
}

fn payer_input(p: &Payer) -> PayerInput {
    PayerInput {
        name: p.name.clone(),
        payer_id: p.payer_id.clone(),
        responsibility: p.responsibility.label().to_string(),
        filing_indicator: p.filing_indicator.clone(),
        coverage_start: p.coverage_start.map(date_string),
        coverage_end: p.coverage_end.map(date_string),
        ..PayerInput::default()
    }
}

impl From<&Claim> for ClaimInput {
    /// The documented JSON of a typed claim: `ClaimInput::from(&c).build(..)` gives `c` back.
    fn from(c: &Claim) -> ClaimInput {
        let mut payers = vec![payer_input(&c.payer)];
        for o in &c.other_payers {
            let mut p = payer_input(&o.payer);
            p.subscriber = o.subscriber.as_ref().map(subscriber_input);
            p.relationship = Some(o.relationship.clone());
            p.paid = o.paid.map(|m| AmountInput(m.to_string()));
            p.adjustments = adjustment_inputs(&o.adjustments);
            p.remaining_patient_liability = o
                .remaining_patient_liability
                .map(|m| AmountInput(m.to_string()));
            p.adjudication_date = o.adjudication_date.map(date_string);
            payers.push(p);
        }
        ClaimInput {
            kind: match c.kind {
                ClaimKind::Professional => KindInput::Professional,
                ClaimKind::Institutional => KindInput::Institutional,
            },
            patient_control_number: c.patient_control_number.clone(),
            billing_provider: BillingProviderInput {
                npi: c.billing_provider.npi.to_string(),
                name: c.billing_provider.name.clone(),
                first_name: c.billing_provider.first_name.clone(),
                tax_id: c.billing_provider.tax_id.to_string(),
                taxonomy: c.billing_provider.taxonomy.clone(),
                address: address_input(&c.billing_provider.address),
            },
            rendering_provider: c.rendering_provider.as_ref().map(provider_input),
            referring_provider: c.referring_provider.as_ref().map(provider_input),
            subscriber: subscriber_input(&c.subscriber),
            patient: c.patient.as_ref().map(|p| PatientInput {
                relationship: p.relationship.clone(),
                person: person_fields(&p.person),
            }),
            payers,
            place_of_service: c.place_of_service.map(|p| p.to_string()),
            frequency: Some(c.frequency.to_string()),
            original_claim_reference: c.original_claim_reference.clone(),
            prior_authorization: c.prior_authorization.clone(),
            onset_date: c.onset_date.map(date_string),
            diagnoses: c.diagnoses.iter().map(|d| d.dotted()).collect(),
            total_charge: AmountInput(c.total_charge.to_string()),
            lines: c
                .lines
                .iter()
                .map(|l| LineInput {
                    procedure: l.procedure.map(|p| p.to_string()),
                    modifiers: l.modifiers.iter().map(|m| m.to_string()).collect(),
                    charge: AmountInput(l.charge.to_string()),
                    units: UnitsInput(l.units.to_string()),
                    diagnosis_pointers: l
                        .diagnosis_pointers
                        .iter()
                        .map(|p| u32::from(*p))
                        .collect(),
                    date_of_service: date_string(l.date_of_service),
                    date_of_service_end: l.date_of_service_end.map(date_string),
                    place_of_service: l.place_of_service.map(|p| p.to_string()),
                    rendering_provider: l.rendering_provider.as_ref().map(provider_input),
                    ndc: l.drug.as_ref().map(|d| d.ndc.to_string()),
                    ndc_quantity: l.drug.as_ref().map(|d| UnitsInput(d.quantity.to_string())),
                    ndc_unit: l.drug.as_ref().map(|d| d.unit.code().to_string()),
                    revenue_code: l.revenue_code.map(|r| r.to_string()),
                    non_covered_charge: l.non_covered_charge.map(|m| AmountInput(m.to_string())),
                    adjudications: l
                        .adjudications
                        .iter()
                        .map(|a| LineAdjudicationInput {
                            payer_id: a.payer_id.clone(),
                            paid: AmountInput(a.paid.to_string()),
                            adjustments: adjustment_inputs(&a.adjustments),
                            adjudication_date: date_string(a.adjudication_date),
                        })
                        .collect(),
                })
                .collect(),
            institutional: c.institutional.as_ref().map(|i| InstitutionalInput {
                type_of_bill: i.type_of_bill.to_string(),
                statement_from: date_string(i.statement_from),
                statement_to: date_string(i.statement_to),
                admission_date: i.admission_date.map(date_string),
                admission_type: i.admission_type.clone(),
                admission_source: i.admission_source.clone(),
                patient_status: i.patient_status.clone(),
                admitting_diagnosis: i.admitting_diagnosis.map(|d| d.dotted()),
                procedures: i
                    .procedures
                    .iter()
                    .map(|p| PcsProcedureInput {
                        code: p.code.to_string(),
                        date: date_string(p.date),
                    })
                    .collect(),
                attending_provider: i.attending_provider.as_ref().map(provider_input),
            }),
        }
    }
}

/// The JSON Schema of the claim file, as committed in `schemas/claims.schema.json`.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ClaimFile)).unwrap_or(serde_json::Value::Null)
}
